"""Understanding a sales goal written in one sentence (English or Italian)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from bot.rules.deadlines import DeadlineResult, find_deadline
from bot.rules.numbers import Amount, find_amounts
from bot.rules.typos import Mended, mend_typos

__all__ = [
    "ADDITIVE_METRICS",
    "HIGHER_IS_BETTER",
    "LOWER_IS_BETTER",
    "DEADLINE_NOTES",
    "METRIC_UNITS",
    "GOAL_TYPES",
    "RATE_METRICS",
    "SMART_PARTS",
    "UNIT_METRICS",
    "Measure",
    "against_metric",
    "ParsedGoal",
    "ReadingNote",
    "content_words",
    "count_unit",
    "deadline_notes",
    "detect_language",
    "find_direction",
    "find_metric",
    "find_subject",
    "goal_type",
    "level_direction",
    "LEVEL_METRICS",
    "reaches_level",
    "unsaid_direction",
    "parse_goal",
    "period_start",
    "rate_total",
    "rate_period",
    "read_measure",
]

SMART_PARTS = ("specific", "measurable", "achievable", "relevant", "time_bound")
GOAL_TYPES = ("revenue", "retention", "new_business", "other")

# Percentages of these are levels that cannot pass 100% ("90% retention"), not growth.
RATE_METRICS = frozenset({"retention_rate", "renewal_rate", "churn_rate", "nrr"})
# Counted from zero over the goal's period: "10 new clients" starts at 0 new clients.
ADDITIVE_METRICS = frozenset(
    {"new_clients", "new_accounts", "deals", "upsell", "cross_sell", "renewals", "meetings", "calls"}
)
# Metrics counted in money: a starting amount of them needs its currency ("200,000" of what?).
MONEY_METRICS = frozenset({"revenue", "sales", "arr", "mrr", "acv", "upsell", "cross_sell", "pipeline"})
# Money metrics that count only what is newly won when the goal is new business ("close €400k of new ACV").
_NEW_MONEY_METRICS = frozenset({"revenue", "sales", "arr", "mrr", "acv"})

_TYPE_OF_METRIC = {
    "retention_rate": "retention", "renewal_rate": "retention", "churn_rate": "retention", "renewals": "retention",
    "new_clients": "new_business", "new_accounts": "new_business", "deals": "new_business", "pipeline": "new_business",
    "upsell": "revenue", "cross_sell": "revenue", "arr": "revenue", "mrr": "revenue", "revenue": "revenue",
    "sales": "revenue", "quota": "revenue", "acv": "revenue", "nrr": "retention", "cancellations": "retention",
}

# Most specific first: "upsell revenue" is about upsell, "churn rate" about churn.
_METRICS: tuple[tuple[str, str], ...] = (
    ("upsell", r"up[\s-]?sell\w*"),
    ("cross_sell", r"cross[\s-]?sell\w*"),
    ("churn_rate", r"churn(?:\s+rate)?|tasso\s+di\s+(?:abbandono|churn)|abbandono\s+dei\s+clienti"),
    ("cancellations", r"disdett[ae]|cancellazion[ei]|cancell?ations?|(?:churned|lost)\s+(?:customers|clients|accounts|logos)"
                      r"|clienti\s+persi"),
    ("nrr", r"NRR|net\s+(?:revenue|dollar)\s+retention|net\s+retention"),
    ("renewal_rate", r"renewal\s+rate|tasso\s+di\s+rinnovo"),
    ("retention_rate", r"(?:customer\s+|client\s+)?retention(?:\s+rate)?|tasso\s+di\s+(?:fidelizzazione|retention|ritenzione)"
                       r"|fidelizz\w*|ritenzione|gross\s+revenue\s+retention|GRR"
                       r"|retain\w*(?=\s+(?:\S+\s+){0,6}?(?:customers|clients|accounts)\b)"),
    ("renewals", r"renew\w*|rinnov\w*"),
    ("new_accounts", r"new\s+accounts?|nuovi\s+account|account\s+nuovi"),
    ("new_clients", r"(?:new|more)\s+(?:clients?|customers?|logos?)|(?:nuov[ie]|più)\s+(?:clienti|loghi)|clienti\s+nuovi"
                    r"|(?:customer|client)\s+acquisition|acquisizione\s+(?:di\s+)?(?:nuovi\s+)?clienti"),
    ("pipeline", r"pipeline"),
    ("deals", r"deals?|contracts?|contratti|trattative"),
    ("arr", r"ARR|annual\s+recurring\s+revenue"),
    ("acv", r"ACV|TCV|annual\s+contract\s+value"),
    ("mrr", r"MRR|monthly\s+recurring\s+revenue"),
    ("meetings", r"meetings?|demos?|appointments?|incontri|riunioni|appuntamenti"),
    ("nps", r"NPS|net\s+promoter\s+score"),
    ("calls", r"(?:cold\s+|discovery\s+|sales\s+|intro\s+)?calls|chiamate|telefonate|call\s+(?:conoscitive|di\s+discovery)"),
    ("quota", r"quota"),
    ("revenue", r"revenues?|turnover|fattur\w*|ricavi|bookings?|new\s+business|nuovo\s+business|business\s+nuovo"),
    ("sales", r"sales|vendite|venduto"),
)
_METRIC_RES = tuple((name, re.compile(rf"(?<![\w-])(?:{rx})(?![\w-])", re.IGNORECASE)) for name, rx in _METRICS)
_NEW_BUSINESS = re.compile(r"\bnew\s+business\b|\bnuovo\s+business\b|\bbusiness\s+nuovo\b", re.IGNORECASE)
# Money that is newly won: "net new ARR", "new ACV", "nuovo fatturato", "close €400k in bookings".
_NEW_MONEY = re.compile(
    r"(?<![\w-])(?:(?:net[\s-]+)?new\s+(?:ACV|TCV|ARR|MRR|bookings?)|nuov[oi]\s+(?:ACV|TCV|ARR|MRR|booking|fatturato)"
    r"|(?:ACV|TCV|ARR|MRR|bookings?)\s+nuov[oi]|(?:clos\w*|chiud\w*)\s+(?:\S+\s+){0,4}?(?:ACV|TCV|bookings?))(?![\w-])",
    re.IGNORECASE,
)
# Meetings, demos and calls with people who are not customers yet are how new business is made.
_PROSPECTS = re.compile(
    r"(?<![\w-])(?:prospects?|potenziali\s+clienti|clienti\s+potenziali|potential\s+(?:customers|clients|buyers)|leads?|new\s+(?:clients|customers|logos|accounts)"
    r"|nuovi\s+(?:clienti|account|contatti)|net[\s-]new)(?![\w-])",
    re.IGNORECASE,
)

# Verb stems; Italian ones cover the infinitive and the usual inflections.
_DIRECTION_VERBS: tuple[tuple[str, str], ...] = (
    ("decrease", r"reduc\w*|decreas\w*|cut(?:s|ting)?|lower\w*|lessen\w*|minimi[sz]\w*|bring\s+down|shrink\w*|halv\w*"
                 r"|ridur\w*|riduc\w*|diminui\w*|abbass\w*|tagli\w*|conten\w*|dimezz\w*"),
    ("maintain", r"keep\w*|kept|maintain\w*|sustain\w*|hold\w*|preserv\w*|retain\w*|protect\w*|defend\w*"
                 r"|stay\w*|remain\w*|manten\w*|mantien\w*|ten(?:ere|erlo|erla|iamo|go|ga|gono)|conserv\w*|difend\w*|fidelizz(?:are|o|iamo|a)"
                 r"|rimaner\w*|rimanga|restare|restiamo|non\s+scend\w*|(?:never|not|don['’]t|do\s+not)\s+(?:drop|fall|go|dip)\w*"
                 r"|no[t]?\s+(?:lower|less)\s+than|non\s+(?:inferiore|meno)"),
    ("increase", r"increas\w*|grow\w*|grew|boost\w*|rais\w*|expand\w*|doubl\w*|tripl\w*|lift\w*|driv\w*"
                 r"|accelerat\w*|reach\w*|hit(?:s|ting)?|achiev\w*|attain\w*|clos\w*|win(?:s|ning)?|won|sign\w*|land\w*"
                 r"|acquir\w*|add\w*|gain\w*|generat\w*|book\w*|secur\w*|sell\w*|sold|upsell\w*|cross-sell\w*|onboard\w*"
                 r"|convert\w*|aument\w*|increment\w*|cresc\w*|raddoppi\w*|triplic\w*|espand\w*|potenzi\w*"
                 r"|raggiung\w*|chiud\w*|acquisi\w*|conquist\w*|firm\w*|vend\w*|gener\w*|otten\w*|aggiung\w*|guadagn\w*|fattur\w*"
                 r"|portare\s+a\s+casa"),
)
_DIRECTION_RES = tuple(
    (name, re.compile(rf"(?<![\w-])(?:{rx})(?![\w-])", re.IGNORECASE)) for name, rx in _DIRECTION_VERBS
)
_ACQUIRE = re.compile(
    r"(?<![\w-])(?:acquir\w*|win(?:s|ning)?|won|sign\w*|land\w*|onboard\w*|add\w*|bring\s+in|acquisi\w*|conquist\w*"
    r"|firm\w*|portare\s+a\s+casa|get|gets|getting|got|bring\s+on(?:board)?|portare\s+a\s+bordo|trova\w*|otten\w*)(?![\w-])",
    re.IGNORECASE,
)
_SELL = re.compile(r"(?<![\w-])(?:sell\w*|sold|vend[eiaoè]\w*)(?![\w-])", re.IGNORECASE)

_COUNT_NOUNS = {
    "clients": "clients", "client": "clients", "customers": "clients", "customer": "clients", "logos": "clients",
    "logo": "clients", "clienti": "clients", "cliente": "clients", "loghi": "clients",
    "deals": "deals", "deal": "deals", "contracts": "deals", "contract": "deals", "contratti": "deals",
    "contratto": "deals", "trattative": "deals", "trattativa": "deals", "opportunities": "deals",
    "opportunità": "deals",
    "accounts": "accounts", "account": "accounts",
    "meetings": "meetings", "meeting": "meetings", "demos": "meetings", "demo": "meetings",
    "appointments": "meetings", "incontri": "meetings", "riunioni": "meetings", "appuntamenti": "meetings",
    "calls": "calls", "call": "calls", "chiamate": "calls", "telefonate": "calls",
    "renewals": "renewals", "rinnovi": "renewals",
    "cancellations": "cancellations", "disdette": "cancellations", "cancellazioni": "cancellations",
}
# The metric a bare count implies, and the unit a counted metric implies.
UNIT_METRICS = {"clients": "new_clients", "accounts": "new_accounts", "deals": "deals", "meetings": "meetings",
                "calls": "calls"}
METRIC_UNITS = {"new_clients": "clients", "new_accounts": "accounts", "deals": "deals", "meetings": "meetings",
                "calls": "calls", "renewals": "renewals", "cancellations": "cancellations"}
# Activities are counted by what is done, whatever else the sentence names ("30 appuntamenti con nuovi clienti").
_ACTIVITY_UNITS = frozenset({"meetings", "calls"})

_STOP = frozenset("""
a an the of to in on at by for from with within over during before after until till into onto per via vs versus than
and or but so our my your their its this that these those next last each every all any some more less most least up
down is are be will we i you they it as about around approximately approx both while
il lo la i gli le un uno una di del dello della dei degli delle da dal dallo dalla dai dagli dalle al allo alla ai
agli alle nel nello nella nei negli nelle su sul sullo sulla sui sugli sulle con tra fra entro e o ma che rispetto
verso oltre almeno circa nostro nostra nostri nostre mio mia miei mie suo sua questo questa questi queste quello
quella prossimo prossima prossimi prossime ogni tutti tutte più meno mese mesi anno anni sopra sotto
above below under
""".split())


def content_words(text: str) -> list[str]:
    """The words that carry meaning, without articles and prepositions: "quota del team" -> quota, team."""
    return [w for w in re.findall(r"\w+", text.lower()) if w not in _STOP]


_GENERIC = frozenset("""
new nuovi nuove nuovo nuova additional more altri altre ulteriori other
clients client customers customer clienti cliente accounts account products product prodotti prodotto services
service servizi servizio prospects prospect
""".split())
_METRIC_WORDS = frozenset("""
sales revenue revenues turnover vendite fatturato ricavi retention churn rate tasso upsell upselling cross-sell
cross-selling deals deal pipeline arr mrr nps quota business bookings fidelizzazione renewals rinnovi calls
chiamate meetings demos acv tcv nrr grr disdette cancellations cancellazioni fy
""".split())
_TOKEN = re.compile(r"[^\W\d_]+['’](?=\w)|[^\W_](?:[\w&+]|[-.](?=\w))*[™®©]?")
_CUSTOMER_NOUNS = re.compile(
    r"(?<![\w-])(?:accounts?|clients|customers|prospects|deals|clienti|cliente|account|contratti)(?![\w-])", re.IGNORECASE
)
_SEGMENT_EN = re.compile(r"(?<![\w-])(?:segments?|sectors?|verticals?|markets?|regions?|territor(?:y|ies)|industry)(?![\w-])", re.IGNORECASE)
_SEGMENT_IT = re.compile(r"(?<![\w-])(?:segment[oi]|settor[ei]|mercat[oi]|region[ei]|territori[o]?|comparto|area)(?![\w-])", re.IGNORECASE)
_PRODUCT_KW = (
    r"products?|prodott[oi]|services?|servizi[o]?|solutions?|soluzion[ei]|plans?|pian[oi]|modules?|modul[oi]"
    r"|packages?|pacchett[oi]|suite|platforms?|piattaform[ae]|licen[cs]es?|licenz[ae]|lines?|line[ae]|brand|marchio"
    r"|range|gamma|offering|offert[ae]"
)
_PRODUCT_BEFORE = re.compile(rf"(?<![\w-])(?:{_PRODUCT_KW})\s+(?=\S)", re.IGNORECASE)
_PRODUCT_AFTER = re.compile(
    r"(?<![\w-])(?:product|plan|suite|platform|licen[cs]es?|line|service|services|module|package)(?![\w-])", re.IGNORECASE
)
# What is sold comes right after the verb; "upsell to existing customers" names the buyers instead.
_SELL_OBJECT = re.compile(
    r"(?<![\w-])(?:up[\s-]?|cross[\s-]?)?sell(?:ing|s)?\s+(?:(?:of|the|our|di|del|della|dello|dei|il|la|lo|i|le)\s+)*",
    re.IGNORECASE,
)
_REGION_LEAD = re.compile(r"(?<![\w-])(?:in(?:\s+the)?|across(?:\s+the)?|throughout|nel|nella|nell['’]|negli|nei|per\s+il|per\s+la)\s+", re.IGNORECASE)
_OF_LEAD = r"\s+(?:of|for|from|on|di|del|dello|della|dei|degli|delle|dal|dalla|dai|per|sul|sulla|sui|on)\s+"
_RELATIVE_MARK = re.compile(r"(?:\bby|\bdi|\bdel|\bdello|\bdella|\bdell['’]|\+)\s*$", re.IGNORECASE)
_TO_MARK = re.compile(
    r"(?:\bto|\bup\s+to|\bat|\bof|\ba|\bad|\bal|\ball['’]|\bfino\s+a|\bfino\s+al|\bsopra\s+il|\babove|\bbelow|\bunder"
    r"|\bsotto\s+il|\bat\s+least|\balmeno|\bover|\boltre\s+il)\s*$",
    re.IGNORECASE,
)
_FROM_MARK = re.compile(r"(?:\bfrom|\bda|\bdal|\bdall['’]|\bdai)\s*$", re.IGNORECASE)
_BETWEEN_TO = re.compile(r"^\s*(?:to|a|ad|al|all['’]|fino\s+a|fino\s+al|->|→|–|-)\s*$", re.IGNORECASE)
_MULTIPLIERS = re.compile(r"(?<![\w-])(?P<w>doubl\w*|raddoppi\w*|tripl\w*|triplic\w*|halv\w*|dimezz\w*)(?![\w-])", re.IGNORECASE)

_IT_WORDS = frozenset("""
il lo la gli le di del della dei degli delle da dal nel nella nei nelle sul sui con per tra fra entro è e
aumentare ridurre mantenere acquisire raggiungere chiudere vendere portare vendite fatturato clienti nuovi nuove
prossimo prossimi prossima mesi mese anno settimane trimestre fine tasso sì si ciao grazie voglio vorrei nostro
nostri miei dei annulla indietro conferma salta basta
""".split())
_EN_WORDS = frozenset("""
the of to by in on at for from with and increase reduce keep maintain acquire reach close sell grow sales revenue
clients customers new next months month year quarter end rate my our we want yes cancel back skip confirm stop
""".split())


@dataclass(frozen=True)
class ReadingNote:
    """Something read from a weak signal, for the summary card to say in words so the owner can correct it."""

    code: str  # "deadline", "fiscal_deadline", "period", "word" or "activity_new_business"
    phrase: str  # the owner's words, verbatim
    value: str  # what they were read as: an ISO date (for "period", its first day), the word meant, or a goal type
    fiscal_start: str | None = None  # "fiscal_deadline": the ISO first day of the fiscal year used


@dataclass(frozen=True)
class ParsedGoal:
    """What one goal sentence says, and which SMART parts it leaves out."""

    text: str
    type: str
    subject: str | None
    metric: str | None
    unit: str | None
    direction: str | None
    baseline: float | None
    target: float | None
    deadline: date | None
    deadline_phrase: str | None
    deadline_error: str | None  # "past", "unreadable" or "weekday_mismatch" (the date is kept to ask about it)
    missing: tuple[str, ...]
    notes: tuple[ReadingNote, ...] = ()
    base_amount: float | None = None  # "+15% from €200k": the amount the percentage grows from, and its unit
    base_unit: str | None = None
    # "8 meetings a week": the target is a number per "week" or "month", not a total (the owner's words in per_phrase).
    per: str | None = None
    per_phrase: str | None = None
    # An increase whose target is a level the metric reaches ("grow revenue to €500k", "€1M ARR"), not an amount
    # added from zero: where it stands today is still to be asked (bot.rules.smart.needs_start).
    reaches_level: bool = False

    def to_dict(self) -> dict[str, object]:
        """The JSON-ready summary (deadline as an ISO string; a growth goal's starting amount when stated)."""
        base = {"base_amount": self.base_amount, "base_unit": self.base_unit} if self.base_amount is not None else {}
        return {
            "type": self.type,
            "subject": self.subject,
            "metric": self.metric,
            "unit": self.unit,
            "direction": self.direction,
            "baseline": self.baseline,
            "target": self.target,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "missing": list(self.missing),
            "notes": [{k: v for k, v in vars(n).items() if v is not None} for n in self.notes],
            **base,
            **({"reaches_level": True} if self.reaches_level else {}),
        }


@dataclass(frozen=True)
class Measure:
    """Numbers read from a goal or an answer: where it starts, where it should get, in which unit."""

    baseline: float | None
    target: float | None
    unit: str | None
    relative: bool  # the target is introduced as a change ("by 15%", "del 15%"), not a level ("to 15%")
    used: tuple[tuple[int, int], ...]  # spans of the amounts taken
    baseline_unit: str | None = None  # the start's own unit: "+15% from €200k" starts from euros, not percent

    @property
    def growth_base(self) -> bool:
        """A percentage target measured from an amount ("by 15% from €200k"): the start is what grows."""
        return self.unit == "%" and self.baseline is not None and self.baseline_unit not in (None, "%")


# --- small text helpers -------------------------------------------------------


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def _is_word_for_subject(token: str) -> bool:
    low = token.lower()
    if low in _STOP or low.endswith(("'", "’")) or low in _METRIC_WORDS or low in _GENERIC:
        return False
    if not token[:1].isupper() and any(rx.fullmatch(token) for _, rx in _DIRECTION_RES):
        return False  # a capitalised "Boost" or "Landmark" is a name, not a verb
    return not any(ch.isdigit() for ch in token) or any(ch.isalpha() for ch in token)


def _walk(tokens: list[re.Match[str]], index: int, step: int, limit: int, blocked: Sequence[tuple[int, int]],
          text: str) -> list[re.Match[str]]:
    """Tokens next to tokens[index] (excluded) that can be part of a name, up to `limit`."""
    taken: list[re.Match[str]] = []
    i = index + step
    while 0 <= i < len(tokens) and len(taken) < limit:
        tok = tokens[i]
        gap = text[tok.end():tokens[i - step].start()] if step < 0 else text[tokens[i - step].end():tok.start()]
        if gap.strip() or _overlaps(tok.start(), tok.end(), blocked):
            break  # punctuation, amounts or the deadline end a name
        word = tok.group()
        if _is_word_for_subject(word):
            taken.append(tok)
        elif step < 0 and word.isdigit() and i > 0 and tokens[i - 1].group().lower() == "top":
            taken.append(tok)  # "top 20 accounts"
        elif step < 0 and word.lower() == "top" and taken and taken[-1].group().isdigit():
            taken.append(tok)
        else:
            break
        i += step
    return taken


def _span_of(parts: Sequence[re.Match[str]]) -> tuple[int, int]:
    return min(p.start() for p in parts), max(p.end() for p in parts)


def _index_at(tokens: list[re.Match[str]], pos: int) -> int | None:
    for i, tok in enumerate(tokens):
        if tok.start() <= pos < tok.end():
            return i
    return None


def _first_index_from(tokens: list[re.Match[str]], pos: int) -> int | None:
    for i, tok in enumerate(tokens):
        if tok.start() >= pos:
            return i
    return None


# --- metric, direction, type --------------------------------------------------


def find_metric(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """The normalized metric a text names, with its span, most specific first."""
    for name, rx in _METRIC_RES:
        m = rx.search(text)
        if m:
            return name, m.span()
    return None, None


def find_direction(text: str) -> str | None:
    """"increase", "maintain" or "decrease" from the first verb that says so."""
    found = sorted((m.start(), -m.end(), name) for name, rx in _DIRECTION_RES for m in rx.finditer(text))
    verbs: list[tuple[int, int, str]] = []
    for start, neg_end, name in found:
        if not verbs or start >= verbs[-1][1]:  # "no lower than" is one phrase, not "lower"
            verbs.append((start, -neg_end, name))
    if not verbs:
        return None
    first = verbs[0]
    if first[2] == "maintain" and len(verbs) > 1 and verbs[1][2] != "maintain" \
            and not text[first[1]:verbs[1][0]].strip(" -"):
        return verbs[1][2]  # "keep growing", "continuare a": the second verb says where to
    return first[2]


def goal_type(metric: str | None, text: str) -> str:
    """The goal type a metric (and "new business" wording) implies."""
    if _NEW_BUSINESS.search(text) and metric in (None, "revenue", "sales", "deals", "pipeline"):
        return "new_business"
    if _NEW_MONEY.search(text) and metric in (None, "revenue", "sales", "arr", "mrr", "acv"):
        return "new_business"
    if metric in ("meetings", "calls") and _PROSPECTS.search(text):
        return "new_business"
    return _TYPE_OF_METRIC.get(metric or "", "other")


def count_unit(text: str, end: int) -> str | None:
    """The counted noun right after a number ("5 existing accounts" gives "accounts"), if any."""
    tokens = _tokens(text[end:end + 60])
    for tok in tokens[:3]:
        word = tok.group().lower()
        if word in _COUNT_NOUNS:
            return _COUNT_NOUNS[word]
        if word in _STOP and word not in ("more", "altri", "altre"):
            return None
    return None


# --- amounts ------------------------------------------------------------------


def _amount_unit(text: str, amount: Amount) -> str | None:
    return amount.unit if amount.unit is not None else count_unit(text, amount.end)


_YEAR_BEFORE = re.compile(
    r"(?:\bin|\bnel|\bdel|\bof|\bvs\.?|\bversus|\bsince|\bdal|\bal|\bthan|\brispetto\s+al|\bcompared\s+to)\s*$",
    re.IGNORECASE,
)


def _is_year(text: str, amount: Amount) -> bool:
    # "vs 2025" is a year; "2025 new users" would be a count.
    return (amount.unit is None and amount.value.is_integer() and 2000 <= amount.value <= 2100
            and count_unit(text, amount.end) is None and bool(_YEAR_BEFORE.search(text[:amount.start])))


_WORTH_BEFORE = re.compile(r"(?:\bworth|\bvalued\s+at|\bdel\s+valore\s+di)\s+(?:at\s+least\s+|almeno\s+)?$", re.I)
_EACH_AFTER = re.compile(r"^\s*(?:each|apiece|per\s+(?:deal|client|account)|ciascun[oa]|cadauno|l['’]uno)\b", re.I)


def count_unit_before(text: str, start: int) -> str | None:
    """The counted noun a few words before a starting count: "grow clients from 40 to 60", "portare i clienti
    da 40 a 60", "the number of customers from 40 to 60" count clients. None when those words also name another
    measure ("sales to clients from 40 to 60": sales or clients?) or none is there; a sentence's end stops it."""
    tokens = _tokens(text[:start])[-6:]
    found: str | None = None
    for index in range(len(tokens) - 1, -1, -1):
        end = tokens[index + 1].start() if index + 1 < len(tokens) else start
        if re.search(r"[.;!?]", text[tokens[index].end():end]):
            break
        word = tokens[index].group().lower()
        if word in _METRIC_WORDS:
            return None
        if word in _COUNT_NOUNS and found is None:
            found = _COUNT_NOUNS[word]
    return found


def _is_qualifier(text: str, amount: Amount) -> bool:
    # "3 deals worth €100k each": the money describes the deals, the count is the goal.
    return bool(_WORTH_BEFORE.search(text[:amount.start]) or _EACH_AFTER.match(text[amount.end:]))


def read_measure(text: str, lang: str, *, skip: Sequence[tuple[int, int]] = (), signed: bool = False) -> Measure:
    """Baseline, target and unit from the amounts in `text`, ignoring amounts inside `skip` spans; with `signed`,
    a minus written before an amount makes it negative (an answer "-5" is not read as 5)."""
    amounts = [a for a in find_amounts(text, lang) if not _overlaps(a.start, a.end, skip) and not _is_year(text, a)]
    if len(amounts) > 1 and any(_is_qualifier(text, a) for a in amounts):
        amounts = [a for a in amounts if not _is_qualifier(text, a)] or amounts
    if not amounts:
        return Measure(None, None, None, False, ())
    for first, second in pairwise(amounts):
        if _BETWEEN_TO.match(text[first.end:second.start]):
            unit = _amount_unit(text, second) or _amount_unit(text, first) or count_unit_before(text, first.start)
            return Measure(_value(first, signed), _value(second, signed), unit, False,
                           ((first.start, first.end), (second.start, second.end)))
    baseline: Amount | None = None
    candidates = list(amounts)
    for amount in amounts:
        if _FROM_MARK.search(text[:amount.start]) and len(amounts) > 1:
            baseline = amount
            candidates.remove(amount)
            break
    # A percentage or money amount says more about the goal than a bare count ("top 20 accounts").
    target = next((a for a in candidates if _TO_MARK.search(text[:a.start])), None)
    if target is None:
        target = next((a for a in candidates if a.unit is not None), candidates[0])
    before = text[:target.start]
    relative = bool(_RELATIVE_MARK.search(before))
    unit = _amount_unit(text, target)
    if unit is None and baseline is not None:
        unit = _amount_unit(text, baseline) or count_unit_before(text, min(baseline.start, target.start))
    used = [(target.start, target.end)] + ([(baseline.start, baseline.end)] if baseline else [])
    return Measure(_value(baseline, signed) if baseline else None, _value(target, signed), unit, relative, tuple(used),
                   _amount_unit(text, baseline) if baseline else None)


def _value(amount: Amount, signed: bool) -> float:
    return -amount.value if signed and amount.sign < 0 else amount.value


# --- subject ------------------------------------------------------------------


def _subject_product(text: str, tokens: list[re.Match[str]], blocked: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    for m in _PRODUCT_BEFORE.finditer(text):
        i = _index_at(tokens, m.start())
        if i is None or _overlaps(m.start(), m.end(), blocked):
            continue
        name = _walk(tokens, i, +1, 3, blocked, text)
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if not name and after is not None and after.group()[:1].isupper() and after.start() == m.end() \
                and not _overlaps(after.start(), after.end(), blocked):
            # A capitalised name is a name even when it is also a word ("prodotto Più").
            name = [after] + _walk(tokens, i + 1, +1, 2, blocked, text)
        if name and not name[0].group().isdigit():
            return tokens[i].start(), name[-1].end()
    for m in _PRODUCT_AFTER.finditer(text):
        i = _index_at(tokens, m.start())
        if i is None:
            continue
        name = [t for t in _walk(tokens, i, -1, 3, blocked, text) if t.group()[:1].isupper()]
        if name and name[-1].start() > 0:
            return min(t.start() for t in name), tokens[i].end()
    return None


def _subject_sold(text: str, tokens: list[re.Match[str]], blocked: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    for m in _SELL_OBJECT.finditer(text):
        i = _first_index_from(tokens, m.end())
        if i is None or tokens[i].start() != m.end():
            continue
        if not _is_word_for_subject(tokens[i].group()) or _overlaps(tokens[i].start(), tokens[i].end(), blocked):
            continue
        name = [tokens[i]] + _walk(tokens, i, +1, 3, blocked, text)
        return name[0].start(), name[-1].end()
    return None


def _subject_group(text: str, tokens: list[re.Match[str]], blocked: Sequence[tuple[int, int]], lang: str) -> tuple[int, int] | None:
    for m in _CUSTOMER_NOUNS.finditer(text):
        i = _index_at(tokens, m.start())
        if i is None or _overlaps(m.start(), m.end(), blocked):
            continue
        left = _walk(tokens, i, -1, 3, blocked, text)
        left = [t for t in left if t.start() > 0 or t.group().isupper()]  # a capital at the start is just the sentence
        right = _walk(tokens, i, +1, 2, blocked, text) if lang == "it" else []
        if left or right:
            parts = left + [tokens[i]] + right
            return _span_of(parts)
    return None


def _subject_segment(text: str, tokens: list[re.Match[str]], blocked: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    for m in _SEGMENT_EN.finditer(text):
        i = _index_at(tokens, m.start())
        if i is None or _overlaps(m.start(), m.end(), blocked):
            continue
        left = [t for t in _walk(tokens, i, -1, 2, blocked, text) if t.start() > 0]
        if left:
            return _span_of(left + [tokens[i]])
    for m in _SEGMENT_IT.finditer(text):
        i = _index_at(tokens, m.start())
        if i is None or _overlaps(m.start(), m.end(), blocked):
            continue
        right = _walk(tokens, i, +1, 2, blocked, text)
        if right:
            return _span_of([tokens[i]] + right)
    return None


_CALENDAR_WORDS = frozenset("""
january february march april may june july august september october november december gennaio febbraio marzo aprile
maggio giugno luglio agosto settembre ottobre novembre dicembre monday tuesday wednesday thursday friday saturday sunday
lunedì martedì mercoledì giovedì venerdì sabato domenica
""".split())


def _subject_region(text: str, tokens: list[re.Match[str]], blocked: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    for m in _REGION_LEAD.finditer(text):
        i = _first_index_from(tokens, m.end())
        if i is None:
            continue
        name: list[re.Match[str]] = []
        while i < len(tokens) and len(name) < 3:
            tok = tokens[i]
            word = tok.group()
            if (not word[:1].isupper() or word.lower() in _CALENDAR_WORDS or _overlaps(tok.start(), tok.end(), blocked)
                    or (name and text[name[-1].end():tok.start()].strip())):
                break
            name.append(tok)
            i += 1
        if name:
            return _span_of(name)
    return None


# "in healthcare", "nel retail", "nell'automotive", "in the public sector": the market where the counted things or
# the money are won, lowercase as people type it. The words after "in" that say how or when, never where.
_SECTOR_LEAD = re.compile(
    r"(?<![\w-])(?:(?:in|across|within)(?:\s+the)?\s+|nel\s+|nello\s+|nella\s+|negli\s+|nei\s+|nelle\s+|nell['’]\s*)",
    re.IGNORECASE,
)
_NOT_SECTORS = frozenset("""
total totale tutto person persona presenza time tempo advance anticipo order addition aggiunta particular particolare
general generale progress corso essere arrivo parallel parallelo full row line linea case caso fact modo maniera
place sede house remoto media average short long term meantime frattempo frattempi arco giro
week weeks settimana settimane day days giorno giorni quarter quarters trimestre trimestri semestre semestri half
weekend fiscal fiscale first second third fourth primo secondo terzo quarto ultimo last prima seconda
portfolio portafoglio pipeline funnel trattativa negotiation stock cash contanti
scadenza scadenze rinnovo rinnovi renewal renewals trial prova sospeso bilico ritardo discussione
""".split())  # the last line: states, not markets ("contratti in scadenza" are expiring contracts, not a sector)
# Generic on their own, part of a market's name after "in": "financial services", "servizi finanziari".
_SECTOR_NOUNS = frozenset({"services", "service", "servizi", "servizio"})
# Italian segment nouns that name their segment after a preposition: "nel settore della sanità".
_SEGMENT_OF = re.compile(r"del|dello|della|dei|degli|delle|dell['’]", re.IGNORECASE)


def _after_counted(text: str, tokens: list[re.Match[str]], pos: int, blocked: Sequence[tuple[int, int]]) -> bool:
    """True when what comes right before `pos` is what is counted or measured: "10 new clients", "sales", "€50k"."""
    before = text[:pos].rstrip()
    if any(end == len(before) for _, end in blocked):
        return True
    i = _index_at(tokens, len(before) - 1) if before else None
    if i is None:
        return False
    word = tokens[i].group().lower()
    return word in _COUNT_NOUNS or word in _METRIC_WORDS or bool(_CUSTOMER_NOUNS.fullmatch(word)) \
        or word in ("prospects", "prospect", "leads", "logos", "loghi", "business")


def _sector_word(tok: re.Match[str], blocked: Sequence[tuple[int, int]]) -> bool:
    """A word that can be part of a market's name ("financial services", "servizi finanziari", "sanità")."""
    low = tok.group().lower()
    return (low not in _NOT_SECTORS and low not in _CALENDAR_WORDS and not _overlaps(tok.start(), tok.end(), blocked)
            and (low in _SECTOR_NOUNS or _is_word_for_subject(tok.group())))


def _subject_sector(text: str, tokens: list[re.Match[str]], blocked: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """"win 10 new clients in healthcare", "chiudere 5 contratti nel retail": the lowercase segment or region."""
    for m in _SECTOR_LEAD.finditer(text):
        i = _first_index_from(tokens, m.end())
        if i is None or tokens[i].start() != m.end() or not tokens[i].group()[:1].islower() \
                or not _sector_word(tokens[i], blocked) or not _after_counted(text, tokens, m.start(), blocked):
            continue
        name = [tokens[i]]
        if _SEGMENT_IT.fullmatch(tokens[i].group()) and i + 2 < len(tokens) \
                and _SEGMENT_OF.fullmatch(tokens[i + 1].group()) and _sector_word(tokens[i + 2], blocked):
            name, i = [tokens[i], tokens[i + 2]], i + 2  # "settore della sanità": named after the preposition
        while i + 1 < len(tokens) and len(name) < 3 and not text[tokens[i].end():tokens[i + 1].start()].strip() \
                and _sector_word(tokens[i + 1], blocked):
            i += 1
            name.append(tokens[i])
        return _span_of(name)
    return None


def _subject_of(text: str, tokens: list[re.Match[str]], blocked: Sequence[tuple[int, int]], metric_span: tuple[int, int] | None) -> tuple[int, int] | None:
    if metric_span is None:
        return None
    m = re.compile(_OF_LEAD, re.IGNORECASE).match(text, metric_span[1])
    if not m:
        return None
    i = _first_index_from(tokens, m.end())
    if i is None:
        return None
    while i < len(tokens) and tokens[i].group().lower() in _STOP:
        i += 1
    if i >= len(tokens) or not _is_word_for_subject(tokens[i].group()) or _overlaps(tokens[i].start(), tokens[i].end(), blocked):
        return None
    name = [tokens[i]] + _walk(tokens, i, +1, 2, blocked, text)
    return _span_of(name)


# A market or region named before anything else ("USA sales up 10%", "EMEA: grow revenue 10%", "Lombardia, +15%
# fatturato"): the first word's capital is usually only the sentence's, so only these names are taken there; any
# other first word is asked about, never guessed. Acronyms count only in capitals ("US", not "Us").
_MARKET_ACRONYMS = (
    "USA", "US", "UK", "UKI", "EU", "EMEA", "DACH", "APAC", "APJ", "LATAM", "AMER", "NORAM", "MEA", "MENA", "ANZ",
    "CEE", "SMB", "SME", "PMI", "NORDICS", "BENELUX",
)
_MARKET_NAMES = (
    "North America", "Latin America", "America Latina", "South America", "Sud America", "Americas", "Middle East",
    "Medio Oriente", "Europe", "Europa", "Asia", "Africa", "Nordics", "Benelux", "Iberia", "Scandinavia",
    "Italy", "Italia", "Germany", "Germania", "France", "Francia", "Spain", "Spagna", "Switzerland", "Svizzera",
    "Austria", "Portugal", "Portogallo", "Belgium", "Belgio", "Netherlands", "Olanda", "Poland", "Polonia",
    "Nord Italia", "Centro Italia", "Sud Italia", "Nord-Est", "Nordest", "Nord-Ovest", "Nordovest", "Triveneto",
    "Centro-Sud", "Mezzogiorno",
    "Lombardia", "Lombardy", "Piemonte", "Piedmont", "Veneto", "Lazio", "Toscana", "Tuscany", "Emilia-Romagna",
    "Emilia Romagna", "Campania", "Sicilia", "Sicily", "Sardegna", "Sardinia", "Puglia", "Apulia", "Liguria",
    "Marche", "Umbria", "Abruzzo", "Calabria", "Basilicata", "Molise", "Friuli", "Friuli Venezia Giulia",
    "Trentino", "Trentino-Alto Adige", "Alto Adige", "Valle d'Aosta",
    "Milano", "Milan", "Roma", "Rome", "Torino", "Turin", "Napoli", "Naples", "Bologna", "Firenze", "Florence",
    "London", "Londra", "Paris", "Parigi", "Berlin", "Berlino", "Madrid", "Munich", "Monaco di Baviera",
)
_LEADING_MARKET = re.compile(
    r"^\s*(?:(?:" + "|".join(re.escape(a) for a in _MARKET_ACRONYMS) + r")|(?i:"
    + "|".join(re.escape(n) for n in sorted(_MARKET_NAMES, key=len, reverse=True)) + r"))(?![\w'’-])"
)


def _subject_leading_market(text: str, blocked: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """"USA sales up 10% by June": a market or region that opens the sentence, capitalised as a name is."""
    m = _LEADING_MARKET.match(text)
    if m is None:
        return None
    start = len(m.group()) - len(m.group().lstrip())
    if not text[start].isupper() or _overlaps(start, m.end(), blocked):
        return None
    return start, m.end()


_NOT_NAMES = frozenset({"I", "ARR", "MRR", "NPS", "NRR", "GRR", "KPI", "OKR", "YoY", "QoQ", "MoM", "CEO", "CRM",
                        "ACV", "TCV", "FY"})


def _subject_name(text: str, tokens: list[re.Match[str]], blocked: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    # Product and company names are capitalised: "licenses of Widget Pro".
    for i, tok in enumerate(tokens):
        word = tok.group()
        if (i == 0 or not word[:1].isupper() or word in _NOT_NAMES or word.lower() in _CALENDAR_WORDS
                or word.lower() in _STOP or _overlaps(tok.start(), tok.end(), blocked)):
            continue
        name = [tok]
        j = i + 1
        while j < len(tokens) and len(name) < 3 and tokens[j].group()[:1].isupper() \
                and not text[name[-1].end():tokens[j].start()].strip() \
                and not _overlaps(tokens[j].start(), tokens[j].end(), blocked):
            name.append(tokens[j])
            j += 1
        return _span_of(name)
    return None


def _subject_new_group(text: str, blocked: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    for name in ("new_accounts", "new_clients"):
        m = dict(_METRIC_RES)[name].search(text)
        if m and not _overlaps(m.start(), m.end(), blocked) and m.group().lower().startswith(("new", "nuov")):
            return m.span()
    return None


def _find_subject(text: str, lang: str, blocked: Sequence[tuple[int, int]], metric_span: tuple[int, int] | None,
                  goal_kind: str) -> tuple[int, int] | None:
    tokens = _tokens(text)
    finders: tuple[Callable[[], tuple[int, int] | None], ...] = (
        lambda: _subject_product(text, tokens, blocked),
        lambda: _subject_sold(text, tokens, blocked),
        lambda: _subject_group(text, tokens, blocked, lang),
        lambda: _subject_segment(text, tokens, blocked),
        lambda: _subject_region(text, tokens, blocked),
        lambda: _subject_of(text, tokens, blocked, metric_span),
        lambda: _subject_sector(text, tokens, blocked),
        lambda: _subject_leading_market(text, blocked),
        # A capitalised metric ("Reduce Churn from 6% to 4%") is the measure, not a product's name.
        lambda: _subject_name(text, tokens, [*blocked, *([metric_span] if metric_span else [])]),
    )
    for finder in finders:
        span = finder()
        if span is not None:
            return span
    if goal_kind == "new_business":
        return _subject_new_group(text, blocked)
    return None


def find_subject(text: str, lang: str, *, skip: Sequence[tuple[int, int]] = ()) -> str | None:
    """The product, accounts, segment or region a text names, verbatim, or None."""
    metric, metric_span = find_metric(text)
    blocked = list(skip) + [(a.start, a.end) for a in find_amounts(text, lang)]
    span = _find_subject(text, lang, blocked, metric_span, goal_type(metric, text))
    return text[span[0]:span[1]] if span else None


# --- the goal -----------------------------------------------------------------


_FRACTION_CHANGE = re.compile(
    r"(?<![\w-])(?:(?:by|di|del|della|dell['’])\s+(?:(?:a|one|un|una)\s+)?(?P<f>half|third|quarter|metà|terzo|quarto)"
    r"|in\s+(?P<h>half))(?![\w-])",
    re.IGNORECASE,
)
_FRACTION_PERCENT = {"half": 50.0, "metà": 50.0, "third": 100 / 3, "terzo": 100 / 3, "quarter": 25.0, "quarto": 25.0}


@dataclass(frozen=True)
class RelativeChange:
    """A change written as a multiple or a fraction of where the goal starts."""

    percent: float
    direction: str | None  # what the word itself says ("halve" goes down), None when only the verb tells
    span: tuple[int, int]


def relative_change(text: str, skip: Sequence[tuple[int, int]] = ()) -> RelativeChange | None:
    """"double", "halve", "dimezzare", "by a third", "ridurre di un quarto", "cut in half", outside `skip`."""
    m = _MULTIPLIERS.search(text)
    if m is not None and not _overlaps(m.start(), m.end(), skip):
        word = m.group("w").lower()
        if word.startswith(("doubl", "raddoppi")):
            return RelativeChange(100.0, "increase", m.span())
        if word.startswith(("tripl",)):
            return RelativeChange(200.0, "increase", m.span())
        return RelativeChange(50.0, "decrease", m.span())
    for m in _FRACTION_CHANGE.finditer(text):
        if not _overlaps(m.start(), m.end(), skip):
            return RelativeChange(_FRACTION_PERCENT[(m.group("f") or m.group("h")).lower()], None, m.span())
    return None


# "at least 90%", "almeno al 90%", "sopra l'85%", "non sotto il 90%": a floor to stay above.
_FLOOR_BEFORE = re.compile(
    r"(?:\bat\s+least|\bno\s+(?:less|lower)\s+than|\bnot\s+(?:below|under)|\babove|\bover|\bminimum(?:\s+of)?"
    r"|\balmeno|\bsopra|\bnon\s+sotto|\bnon\s+meno\s+d\w*|\bminimo)\s*(?:the\s+|a\s+|il\s+|l['’]\s*|al\s+|all['’]\s*)?$",
    re.IGNORECASE,
)
_FLOOR_METRICS = RATE_METRICS | {"nps"}


def _keeps_floor(text: str, metric: str | None, direction: str | None, measure: Measure) -> bool:
    """A rate held above a floor is kept, not grown, unless a verb says otherwise."""
    if metric not in _FLOOR_METRICS or direction not in (None, "maintain") or not measure.used:
        return False
    return bool(_FLOOR_BEFORE.search(text[:measure.used[0][0]]))


# "below 3%", "under 5", "at most 3%", "sotto il 3%", "al massimo il 3%", "non oltre il 3%": a ceiling to stay under.
_CEILING_BEFORE = re.compile(
    r"(?:(?<!\bnot\s)\bbelow|(?<!\bnot\s)\bunder|\bat\s+most|\bno\s+(?:more|higher)\s+than|\bnot\s+(?:above|over)|\bmaximum(?:\s+of)?"
    r"|(?<!\bnon\s)\bsotto|\bal\s+massimo|\bmassimo|\bnon\s+(?:sopra|oltre)|\bentro)\s*(?:the\s+|a\s+|il\s+|l['’]\s*|al\s+|all['’]\s*)?$",
    re.IGNORECASE,
)


def _keeps_under(text: str, measure: Measure) -> bool:
    """A level kept under a ceiling ("keep churn below 3%"), said right before its only amount."""
    return len(measure.used) == 1 and bool(_CEILING_BEFORE.search(text[:measure.used[0][0]]))


# Which way a metric is meant to go: teams only ever want churn and cancellations down, and retention, the renewal
# rate and net revenue retention up; every other metric may go either way.
LOWER_IS_BETTER = frozenset({"churn_rate", "cancellations"})
HIGHER_IS_BETTER = frozenset({"retention_rate", "renewal_rate", "nrr"})


def unsaid_direction(metric: str | None, baseline: float | None, target: float) -> str:
    """The direction when no verb says it: from the numbers ("from 8% to 5%"), else what the metric is for
    (churn and cancellations come down, everything else goes up)."""
    if baseline is not None and target != baseline:
        return "decrease" if target < baseline else "increase"  # "portare", "bring", "improve": the numbers say
    return "decrease" if metric in LOWER_IS_BETTER else "increase"


def against_metric(metric: str | None, direction: str | None) -> str | None:
    """The way `metric` is meant to go when `direction` contradicts it ("increase churn", "ridurre la
    fidelizzazione"): the goal conversation asks which one is meant; None when they agree or either way is fine."""
    if direction == "increase" and metric in LOWER_IS_BETTER:
        return "decrease"
    if direction == "decrease" and metric in HIGHER_IS_BETTER:
        return "increase"
    return None


def level_direction(text: str, metric: str | None, direction: str | None, measure: Measure) -> str | None:
    """The direction with floors and ceilings read: "keep churn below 3%" is a ceiling (keep_below), "keep
    retention at least 90%" a floor (maintain), and so is a bare "below 5%"; a verb's direction stays as it was."""
    if _keeps_floor(text, metric, direction, measure):
        direction = "maintain"
    if direction in (None, "maintain") and _keeps_under(text, measure):
        direction = "keep_below"  # a ceiling to stay under, not a floor
    return direction


def _starts_from(text: str, measure: Measure) -> bool:
    # "halve churn from 8%": the only amount is where the goal starts.
    return measure.baseline is None and measure.target is not None and bool(_FROM_MARK.search(text[:measure.used[0][0]]))


# The notes a deadline phrase leaves: replaced together when another deadline is given.
DEADLINE_NOTES = ("deadline", "fiscal_deadline", "period")


def deadline_notes(found: DeadlineResult, phrase: str | None) -> list[ReadingNote]:
    """What to say back about a deadline phrase: a loose or fiscal reading, or a period starting after today."""
    if found.deadline is None or phrase is None or found.error == "weekday_mismatch":
        return []
    if found.period_start is not None:
        return [ReadingNote("period", phrase, found.period_start.isoformat())]
    if found.reading == "fiscal":
        start = found.fiscal_start.isoformat() if found.fiscal_start else None
        return [ReadingNote("fiscal_deadline", phrase, found.deadline.isoformat(), start)]
    if found.reading == "weak":
        return [ReadingNote("deadline", phrase, found.deadline.isoformat())]
    return []


def _original(mended: Mended, text: str, span: tuple[int, int] | None) -> str | None:
    if span is None:
        return None
    start, end = mended.original_span(*span)
    return text[start:end]


def period_start(notes: Iterable[ReadingNote], today: date, deadline: date) -> date:
    """The day a new goal's period starts: the first day of the period its deadline phrase named ("next quarter"),
    else today."""
    for note in notes:
        if note.code == "period":
            start = date.fromisoformat(note.value)
            if today < start < deadline:
                return start
    return today


# Metrics that are levels a business stands at, never amounts counted from zero: "€1M ARR" is where ARR gets to.
LEVEL_METRICS = frozenset({"arr", "mrr", "nrr", "retention_rate", "renewal_rate"})
# A verb that raises a level, then "to"/"a" right before the target: "grow revenue to €500k", "portare il fatturato a
# 500 mila", "far crescere le vendite fino a 1M". Selling, closing, booking or winning an amount adds it from zero.
_RAISE_TO_LEVEL = re.compile(
    r"(?<![\w-])(?:grow\w*|grew|rais\w*|bring\w*|brought|get|gets|getting|got|reach\w*|increas\w*|lift\w*|boost\w*"
    r"|push\w*|take|tak\w*|mov\w*|port(?:are|iamo|o|a|erò|eremo)|aument\w*|cresc\w*|alz\w*|increment\w*"
    r"|raggiung\w*)(?![\w-])[^.;!?]*?(?:\bto|\bup\s+to|\ba|\bad|\bal|\ball['’]|\bfino\s+a|\bfino\s+al|\bquota)\s*$",
    re.IGNORECASE,
)


def reaches_level(text: str, metric: str | None, direction: str | None, baseline: float | None, unit: str | None,
                  measure: Measure) -> bool:
    """An increase with no start whose target is a level to reach, not an amount added from zero: a level metric
    ("€1M ARR", "NRR to 110%") or a raising verb with "to" before the target ("portfolio revenue to €500k")."""
    if direction != "increase" or baseline is not None or measure.relative or not measure.used:
        return False
    if unit == "%" and metric not in RATE_METRICS:
        return False  # "+15%" without "by" is still a growth percentage: its base is asked, not a start
    if metric in METRIC_UNITS:
        return False  # events counted over the period ("disdette a 20", "20 demos"), not a level stood at
    return metric in LEVEL_METRICS or bool(_RAISE_TO_LEVEL.search(text[:measure.used[0][0]]))


def _grows_from_a_count(measure: Measure) -> bool:
    """ "passare da 40 a 60 clienti", "grow clients from 40 to 60": a count that goes up from where it starts."""
    return measure.baseline is not None and measure.target is not None and measure.target > measure.baseline \
        and not measure.relative


# "a week", "per month", "weekly", "a settimana", "alla settimana", "ogni settimana", "al mese", "mensili".
_PER = re.compile(
    r"(?<![\w-])(?:(?P<week>(?:a|per|each|every|one|a\s+ogni|alla|ogni|la)\s+(?:week|wk|settimana)|weekly|settimanal[ie]"
    r"|/\s*(?:week|wk|settimana))"
    r"|(?P<month>(?:a|per|each|every|one)\s+month|monthly|(?:al|ogni|il|a\s+ogni)\s+mese|mensil[ie]|/\s*(?:month|mese)))"
    r"(?![\w-])",
    re.IGNORECASE,
)
_PER_NOT_AFTER = re.compile(r"(?:\bin|\bwithin|\bafter|\bfor|\bentro|\btra|\bfra|\bdopo|\bper)\s*$", re.IGNORECASE)
_RATE_UNITS = frozenset(METRIC_UNITS.values())  # counts; money and percentages may be monthly by name (MRR)


def _rate_of(text: str, measure: Measure, unit: str | None, direction: str | None,
             skip: Sequence[tuple[int, int]]) -> re.Match[str] | None:
    """ "8 meetings a week": a rate said right after the target's number (a few words on, before any comma), when
    the target is a count to reach; "close 10 deals by next week" or "two demos a week" in a plan say no rate."""
    if measure.target is None or measure.baseline not in (None, 0.0) or len(measure.used) != 1 \
            or unit not in _RATE_UNITS or direction not in (None, "increase"):
        return None
    end = measure.used[0][1]
    for m in _PER.finditer(text, end):
        between = text[end:m.start()]
        if re.search(r"[,;.:!?()\d]", between) or len(between.split()) > 6:
            return None
        if _overlaps(m.start(), m.end(), skip) or _PER_NOT_AFTER.search(between):
            continue
        return m
    return None


def rate_period(text: str) -> str | None:
    """ "week" or "month" when an answer gives a number per week or month ("2 a settimana", "8 each week"), not a
    total; None otherwise ("136", "close 10 in a week")."""
    for m in _PER.finditer(text):
        if not _PER_NOT_AFTER.search(text[:m.start()]):
            return "week" if m.group("week") else "month"
    return None


def rate_total(rate: float, per: str, start: date, deadline: date) -> float:
    """What `rate` a week (or a month) adds up to from `start` to `deadline`: the rate times the whole weeks (months)
    in between, at least one: 8 a week from 2 December to 31 March (17 weeks) is 136."""
    days = max(0, (deadline - start).days)
    periods = days / 7 if per == "week" else days * 12 / 365.25
    return float(rate * max(1, round(periods)))


def parse_goal(text: str, *, lang: str, now: datetime, tz: str, fiscal_year_start_month: int = 1) -> ParsedGoal:
    """Read type, subject, measure and deadline from a goal sentence, and list the SMART parts it misses."""
    mended = mend_typos(text)
    read = mended.text
    found = find_deadline(read, lang=lang, now=now, tz=tz, fiscal_year_start_month=fiscal_year_start_month)
    deadline_span = [(found.start, found.end)] if found.matched else []

    metric, metric_span = find_metric(read)
    direction = find_direction(read)
    measure = read_measure(read, lang, skip=deadline_span)
    unit = measure.unit
    if metric is None and unit in UNIT_METRICS and (unit in ("deals", "meetings", "calls") or _ACQUIRE.search(read)
                                                    or _grows_from_a_count(measure)):
        # Clients or accounts are new ones only when won: "keep 50 clients" is not acquisition, "from 40 to 60
        # clients" is 20 more won.
        metric = UNIT_METRICS[unit]
    if unit in _ACTIVITY_UNITS and metric != UNIT_METRICS[unit]:
        metric, metric_span = UNIT_METRICS[unit], None
    if metric is None and _SELL.search(read):
        metric = "sales"
    kind = goal_type(metric, read)
    change = relative_change(read, deadline_span)

    blocked = deadline_span + list(measure.used) + ([change.span] if change else [])
    subject_span = _find_subject(read, lang, blocked, metric_span, kind)
    if subject_span is not None and measure.used and _overlaps(*subject_span, measure.used):
        subject_span = None
    if subject_span is not None:
        # Numbers inside the subject ("top 20 accounts") are part of its name, not the target.
        measure = read_measure(read, lang, skip=deadline_span + [subject_span])
        unit = measure.unit

    baseline, target = measure.baseline, measure.target
    if change is not None and (target is None or _starts_from(read, measure)):
        percent, hint = change.percent, change.direction
        direction = direction if direction in ("increase", "decrease") else hint or "increase"
        factor = 1 + percent / 100 if direction == "increase" else 1 - percent / 100
        start = target
        if start is not None:
            baseline, target = start, round(start * factor, 6)
        elif metric in RATE_METRICS:
            target = None  # a rate is a level: halving it says nothing until we know where it stands
        else:
            target, unit = percent, "%"
        measure = Measure(baseline, target, unit, False, measure.used if start is not None else ())
    base_amount = base_unit = None
    if measure.growth_base and unit == "%":
        # "+15% from €200k": €200k is not a percentage to compare 15% with, it is what the 15% grows from.
        base_amount, base_unit, baseline = baseline, measure.baseline_unit, None
    if unit is None and target is not None and metric in METRIC_UNITS:
        unit = METRIC_UNITS[metric]

    direction = level_direction(read, metric, direction, measure)
    if direction is None and target is None and metric in ADDITIVE_METRICS:
        direction = "increase"  # "more clients" can only grow
    if direction is None and target is not None:
        direction = unsaid_direction(metric, baseline, target)
    if measure.relative and target is not None and direction in ("increase", "decrease"):
        if metric in RATE_METRICS and unit == "%":
            # "+5% retention" is a change: a level only when we know where it starts.
            sign = 1 if direction == "increase" else -1
            target = baseline + sign * target if baseline is not None else None
        elif unit != "%" and baseline is None and direction == "increase":
            baseline = 0.0  # "by €50k" more: the extra amount, counted from zero
    if baseline is None and target is not None and unit != "%" and (
        metric in ADDITIVE_METRICS
        or (kind == "new_business" and metric in _NEW_MONEY_METRICS and unit in ("EUR", "USD", "GBP"))
    ):
        baseline = 0.0

    subject = _original(mended, text, subject_span)
    phrase = _original(mended, text, (found.start, found.end)) if found.matched else None
    notes = deadline_notes(found, phrase) + [ReadingNote("word", typed, meant) for typed, meant in mended.fixes]
    if kind == "new_business" and metric in ("meetings", "calls") and (m := _PROSPECTS.search(read)):
        notes.append(ReadingNote("activity_new_business", _original(mended, text, m.span()) or m.group(), kind))

    per_match = _rate_of(read, measure, unit, direction, deadline_span) if target is not None else None
    per = None if per_match is None else ("week" if per_match.group("week") else "month")
    per_phrase = _original(mended, text, per_match.span()) if per_match is not None else None

    deadline = found.deadline
    missing: list[str] = []
    if subject is None and kind not in ("new_business", "retention"):
        missing.append("specific")
    if target is None:
        missing.append("measurable")
    missing += ["achievable", "relevant"]
    if deadline is None or found.error is not None:
        missing.append("time_bound")
    return ParsedGoal(
        text=text, type=kind, subject=subject, metric=metric, unit=unit if target is not None else None,
        direction=direction, baseline=baseline if target is not None else None, target=target, deadline=deadline,
        deadline_phrase=phrase, deadline_error=found.error, missing=tuple(missing), notes=tuple(notes),
        base_amount=base_amount if target is not None else None, base_unit=base_unit if target is not None else None,
        per=per, per_phrase=per_phrase,
        reaches_level=target is not None and base_amount is None and reaches_level(read, metric, direction, baseline,
                                                                                    unit, measure),
    )


def detect_language(text: str) -> str:
    """"it" or "en" from cheap keyword evidence; "en" when unsure."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    it_score = sum(w in _IT_WORDS for w in words) + len(re.findall(r"[àèéìòù]", text.lower()))
    en_score = sum(w in _EN_WORDS for w in words)
    return "it" if it_score > en_score else "en"
