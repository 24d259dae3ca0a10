"""Read a weekly check-in reply, written in the owner's own words, into a new current value."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from babel.dates import get_day_names, get_month_names

from bot.rules.numbers import Amount, find_amounts
from bot.rules.progress import MAINTAIN_DIRECTIONS

__all__ = ["GoalContext", "MAX_REPLY_CHARS", "ReplyReading", "asks_to_skip", "read_reply", "REASONS",
           "skip_reason"]

REASONS = (
    "no_number",  # nothing that reads as a value
    "several_numbers",  # numbers that disagree and nothing says which one is the total
    "percent_of_what",  # a percentage on a non-percentage goal that is not plainly "% of the target"
    "unit_mismatch",  # a currency (or a money amount) that is not the goal's unit
    "ambiguous_delta",  # one number that may be the new total or this week's increment
    "ambiguous_scale",  # money written without thousands on a goal worth far more ("120" on €500k)
    "ambiguous_fraction",  # "x/y" or "x of y" where y is not the goal's target
    "no_reference",  # an increment or "no change" on a goal with no current value or baseline
    "hedged",  # a hope, a plan or a guess ("maybe 6", "spero altri 2", "chiuderemo 3"): not progress yet
    "approximate",  # "almost half way", "quasi a metà": a reading to confirm, not to record
    "too_long",  # longer than any check-in reply: not read
    "correction",  # "actually we're at 4, I got it wrong last week": fixes an earlier value, is not this week's
    "unsure",  # "sono a 5 ma uno è un rinnovo, non so se conta": the person doubts their own number
)
# Slack allows 40,000 characters; a check-in reply longer than this is pasted text, not an update.
MAX_REPLY_CHARS = 20_000
# How far around a number its context words are looked for: keeps reading linear in the reply's length.
_WINDOW = 80
# More numbers than this is pasted notes, not an update: asked back without weighing each one.
_MAX_AMOUNTS = 40


@dataclass(frozen=True)
class GoalContext:
    """What a reply is read against: the goal's numbers, unit and direction."""

    baseline: float | None
    target: float
    current: float | None
    unit: str | None  # "%", an ISO currency ("EUR"), a count label ("clients"), or None
    direction: str  # "increase" | "maintain" | "decrease"


@dataclass(frozen=True)
class ReplyReading:
    """How a reply was read; when `confident` is False the caller asks back using `candidates`."""

    value: float | None
    delta: float | None
    confident: bool
    candidates: tuple[float, ...]
    reason: str | None
    note: str | None
    blocker: str | None


@dataclass(frozen=True)
class _Reading:
    """One amount's meaning: `values[0]` is the primary reading, the rest are alternatives to offer."""

    kind: str  # "level" | "increment" | "plain" | "ask"
    values: tuple[float, ...]
    increment: float | None = None
    reason: str | None = None


_SPLIT = re.compile(r"[.;!?\n]+(?:\s|$)|,|\s[—–-]\s|\b(?:but|ma|però|and|e)\b", re.IGNORECASE)
_BLOCKER = re.compile(
    r"\b(?:blocked|blocker|blocking|waiting\s+(?:on|for)|stuck|held\s+up|on\s+hold|delayed|"
    r"(?:problems?|issues?)\s+with|depends\s+on|no\s+(?:answer|response|news)\s+from|"
    r"bloccat[oaie]|blocco|in\s+attesa\s+d|aspett(?:o|iamo)|problem[ai]\s+con|"
    r"in\s+ritardo|ritard[oi]\s+(?:su|con|per|d)|in\s+sospeso|dipende\s+da|nessuna\s+(?:risposta|notizia)\s+da|"
    r"pushed\s+(?:to|back|out)|slipp(?:ed|ing)|postponed|rescheduled|moved\s+to|"
    r"slitt\w*|rinviat[oaie]|rimandat[oaie]|posticipat[oaie]|spostat[oaie]\s+a|"
    # Something missing holds the work up ("manca il budget"); "manca poco" and "ne mancano 2" are distance to go.
    r"(?:missing|lack(?:ing|s)?|short\s+on|no\s+budget)(?!\s+(?:\d|only|just))|"
    r"manca(?:no)?\b(?!\s+(?:poco|pochissimo|solo|soltanto|ancora|\d))|mancanza\s+d|senza\s+budget|"
    # Blame names the obstacle: "tutto fermo per colpa del legale", "il legale ci sta bloccando".
    r"per\s+colpa\s+d|(?:ci|mi)\s+sta(?:nno)?\s+bloccando|blocca(?:no)?\s+tutto|"
    # A budget or a decision frozen: "Esselunga ha congelato il budget fino a gennaio", "hiring freeze at Acme".
    r"congelat[oaie]|congela(?:no|to)?\s+(?:il|i|la|le)\s|(?:budget|spend(?:ing)?|hiring)\s+freeze|froze(?:n)?\s)",
    re.IGNORECASE,
)
# "stuck at 4" / "bloccati a quota 4" report a level, not an obstacle.
_STUCK_AT = re.compile(r"\s+(?:at|on|a|al|all['’]|a\s+quota)\s*(?:quota\s+)?[\d+€$£]", re.IGNORECASE)
_NO_CHANGE = re.compile(
    r"\b(?:no\s+changes?|unchanged|nothing\s+new|no\s+news|no\s+progress|no\s+movement|"
    r"same\s+as\s+(?:last\s+week|before)|nessun\s+cambiamento|nessuna\s+novità|nessun\s+progresso|"
    r"invariat[oaie]|niente\s+di\s+nuovo|tutto\s+(?:uguale|fermo)|come\s+la\s+settimana\s+scorsa|"
    r"flat|stable|steady|nothing\s+(?:moved|changed|to\s+report)|no\s+updates?|"
    r"(?:everything|all|things)\s+(?:is\s+|are\s+)?(?:stuck|on\s+hold|frozen)|"
    r"ferm[oiae](?!\s+(?:a|al|all['’]|ad|restando)\b)|"
    r"piatt[oaie]|stabil[ei]|niente\s+da\s+segnalare|nessun\s+movimento|"
    # "nothing closed yet, 2 in legal": the 2 are what is under way, not what was won.
    r"nothing\s+(?:closed|signed|won|booked)(?:\s+yet)?|"
    r"(?:ancora\s+)?(?:niente|nulla)\s+(?:di\s+)?(?:chiuso|firmato|vinto)(?:\s+ancora)?)\b",
    re.IGNORECASE,
)

# The person skips the week (or is away) instead of reporting: what the *Skip this week* button does.
_SKIP = re.compile(
    # The button's own word typed alone ("skip", "salta") as well: it was answered "I couldn't find a number".
    r"^\W*(?:skip(?:\s+(?:it|this(?:\s+one)?))?|salta(?:la)?|saltiamo|salto)\W*$|"
    r"\b(?:salt(?:o|a|iamo|are)\s+(?:questa|la)\s+settimana|skip(?:ping)?\s+(?:this|the)\s+week|"
    r"sono\s+in\s+(?:ferie|vacanza|malattia)|siamo\s+in\s+(?:ferie|vacanza)|fuori\s+ufficio|"
    r"(?:i['’]?m|i\s+am|we['’]?re|we\s+are)\s+(?:on\s+(?:holiday|vacation|leave|pto)|off\s+this\s+week|"
    r"out\s+of\s+(?:the\s+)?office))\b",
    re.IGNORECASE,
)


def asks_to_skip(text: str) -> bool:
    """"salto questa settimana", "sono in ferie", "I'm on holiday": skip the week rather than read a value."""
    return bool(_SKIP.search(text))


# The skip itself, said in words: what is left around it is the reason ("skip, on PTO"), if anything.
_SKIP_WORDS = re.compile(
    r"(?<![\w-])(?:salt(?:o|a|ala|iamo|are)(?:\s+(?:questa|la)\s+settimana)?"
    r"|skip(?:ping)?(?:\s+(?:it|this\s+one|this\s+week|the\s+week|this))?|please|per\s+favore)(?![\w-])",
    re.IGNORECASE,
)


def skip_reason(text: str) -> str | None:
    """What a typed skip says beyond skipping ("I'm on PTO this week", "salto, sono in ferie"), kept as typed;
    None for the bare skip ("skip", "salto questa settimana"), which gives no reason."""
    return text.strip() if re.search(r"[^\W\d_]{2,}", _SKIP_WORDS.sub(" ", text)) else None


# The person corrects an earlier reply rather than reporting this week.
_CORRECTION = re.compile(
    r"\b(?:avevo\s+sbagliato|ho\s+sbagliato|mi\s+sono\s+sbagliat[oa]|errore\s+mio|correggo|correzione|"
    r"la\s+volta\s+scorsa\s+(?:era|erano)|"
    r"i\s+was\s+wrong|i\s+got\s+it\s+wrong|my\s+mistake|my\s+bad|typo|correction|correcting|"
    r"last\s+week\s+(?:should|was\s+actually)|i\s+(?:mis)?typed)\b",
    re.IGNORECASE,
)

_W = r"[^\W\d_]"
# Before the number: this is the running total ("now at 7", "ora siamo a 7", "totale 7").
_LEVEL_BEFORE = re.compile(
    r"(?:\b(?:now|currently|total|totale|in\s+totale|quota|still|ancora|sempre|ora|adesso|attualmente|"
    r"reached|hit|at|tot|overall|per\s+un\s+totale\s+di|for\s+a\s+total\s+of)"
    # "risalito al 7,2", "tornati a 5", "è al 6%": a movement or a state that ends at a level, never "by" it.
    r"|\b(?:siamo|sono|è|arrivat[oaie]|ferm[oaie]|stuck|bloccat[oaie]|ora|ancora|sempre|passat[oaie]|"
    r"(?:ri)?salit[oaie]|(?:ri)?scesi|(?:ri)?sces[oa]|(?:ri)?calat[oaie]|cresciut[oaie]|aumentat[oaie]|"
    r"diminuit[oaie]|ridott[oaie]|tornat[oaie]|rientrat[oaie]|scivolat[oaie]|peggiorat[oaie]|"
    r"migliorat[oaie]|(?:ri)?partit[oaie]|balzat[oaie]|schizzat[oaie])"
    r"\s+(?:a|al|all['’]|ai|alle|allo|a\s+quota)"
    r"|\b(?:up|down|back|grew|grown|increased|decreased|rose|risen|went|gone|dropped|fell|fallen|climbed|"
    r"jumped|moved|reduced|cut|improved|returned|slipped|slid|sank|sunk|recovered|bounced|"
    r"got(?:\s+\w+)?)\s+to"
    r"|\bfrom\s+\S+\s+to|\bda\s+\S+\s+a"
    r"|[:=])\s*$",
    re.IGNORECASE,
)
# After the number (a count noun may sit in between): "7 total", "7 clienti in totale", "7 so far".
_LEVEL_AFTER = re.compile(
    # "$22k total this week" is the week's own total: not this one (_ACTION_AFTER asks which it is).
    rf"^\s*(?:{_W}+\s+)?(?:(?:in\s+total|total|totali|in\s+totale)(?!\s+(?:this|for\s+the|last)\s+week"
    r"|\s+(?:questa|in|della|nella)\s+settimana)|so\s+far|finora|fino\s+ad\s+ora|"
    r"overall|complessiv[ie]|ad\s+oggi|to\s+date|now|ora|adesso|currently|at\s+the\s+moment)\b",
    re.IGNORECASE,
)
_INCREMENT_BEFORE = re.compile(
    r"(?:\b(?P<up>another|altri|altre|ulteriori|added|aggiunt[oaie]|gained|guadagnat[oaie]|"
    r"(?:up|increased|grew|rose|climbed|jumped|improved)\s+by|up|plus|più|"
    r"(?:aumentat[oaie]|salit[oaie]|cresciut[oaie])\s+di|di\s+altr[ie])"
    r"|\b(?P<down>(?:down|decreased|dropped|fell|fallen|reduced|cut)\s+by|down|minus|meno|"
    r"(?:sces[oai]|calat[oaie]|diminuit[oaie]|ridott[oaie])\s+di))\s*$",
    re.IGNORECASE,
)
_INCREMENT_AFTER = re.compile(
    rf"^\s*(?:{_W}+\s+)?(?:(?P<up>more(?!\s+than)|new|additional|extra|in\s+più|di\s+più|nuov[ie]|nuov[oa]|"
    r"in\s+aggiunta)|(?P<down>fewer|less(?!\s+than)|in\s+meno|di\s+meno))\b",
    re.IGNORECASE,
)
_LOST = re.compile(
    r"\b(?:lost|persi|pers[oa]|churned)\s+(?:\S+\s+)?$|^\s*(?:\S+\s+)?(?:lost|churned|persi)\b", re.IGNORECASE
)
_REMAINING_AFTER = re.compile(
    rf"^\s*(?:{_W}+\s+)?(?:to\s+go|left|remaining|away|da\s+fare|mancanti|da\s+chiudere)\b", re.IGNORECASE
)
_REMAINING_BEFORE = re.compile(
    r"\b(?:mancano|ne\s+mancano|mancano\s+ancora|restano|ne\s+restano|rimangono|ne\s+rimangono|"
    r"still\s+need|need\s+another|need)\s*$",
    re.IGNORECASE,
)
_FROM_BEFORE = re.compile(r"\b(?:from|da|was|era|erano)\s*$", re.IGNORECASE)
# A past-tense action next to the number may describe this week's events rather than the total.
_ACTION_BEFORE = re.compile(
    r"\b(?:(?!(?:need|indeed|fatturato|risultato|mercato|stato)\b)"
    rf"{_W}+(?:ed|at[oaie]|it[oaie]|ut[oaie])"  # regular past tenses and participles: "talked", "parlato"
    r"|won|got|met|had|did|made|sent|brought|spoke|took|saw|held|gave|ran|"
    r"chius[oie]|vint[oaie]|fatt[oaie]|vist[oaie]|pres[oaie]|mess[oaie]|scritt[oaie])"
    r"\s+(?:\S+\s+)?$",
    re.IGNORECASE,
)
_ACTION_AFTER = re.compile(
    rf"^\s*(?:{_W}+\s+)?(?:signed|closed|won|booked|onboarded|converted|firmat[oaie]|chius[oie]|"
    r"acquisit[oaie]|vint[oaie]|convertit[oaie]|this\s+week|last\s+week|questa\s+settimana|"
    r"la\s+settimana\s+scorsa|in\s+settimana)\b",
    re.IGNORECASE,
)
# The person doubts what their number counts: asked to confirm, never recorded as said.
_UNSURE = re.compile(
    r"\b(?:(?:not\s+sure|unsure|don['’]?t\s+know|do\s+not\s+know)\s+(?:if|whether)[^.;!?\n]{0,60}?\bcounts?|"
    r"(?:non\s+so|non\s+sono\s+sicur[oaie]|non\s+sappiamo)\s+se[^.;!?\n]{0,60}?"
    r"\b(?:conta|contano|vale|valgono|rientra|rientrano)|forse\s+non\s+(?:conta|vale))\b",
    re.IGNORECASE,
)
# "170k, not 180k", "erano 170 mila non 180", "non 200 ma 210 mila": the number after "not" is the one rejected.
_NEGATED_BEFORE = re.compile(r"\b(?:not|non)\s*$", re.IGNORECASE)
_DOWN_WORDS = re.compile(
    r"\b(?:down|dropped|fell|fallen|decreased|reduced|lost|(?:ri)?calat[oaie]|(?:ri)?sces[oai]|(?:ri)?scesi|"
    r"diminuit[oaie]|ridott[oaie]|pers[oaie])\b", re.IGNORECASE)
_FRACTION_LINK = re.compile(r"^\s*(?:/|out\s+of|of|su|di)\s*$", re.IGNORECASE)
_PERCENT_OF = re.compile(
    rf"^\s*(?:of|del|della|dell['’]|dei|degli)\s*(?:the\s+|il\s+|la\s+|l['’])?({_W}+)", re.IGNORECASE
)
_OF_TARGET = {"target", "goal", "obiettivo", "way", "quota", "traguardo", "strada", "percorso"}
_DATE_BEFORE = re.compile(r"\b(?:on\s+the|by\s+the|until\s+the|entro\s+il|entro|il|dal|fino\s+al)\s*$", re.IGNORECASE)
_YEAR_BEFORE = re.compile(r"\b(?:in|by|entro|nel|del|fine|end\s+of|for|fy|[qh][1-4])\s*$", re.IGNORECASE)
_TIME_BEFORE = re.compile(r"(?:\b(?:alle|ore|h)\s*|\d:)$", re.IGNORECASE)
_TIME_AFTER = re.compile(r"^(?::\d|\s*(?:am|pm|a\.m\.|p\.m\.|o['’]clock)\b)", re.IGNORECASE)
_CURRENCIES = frozenset({"EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD"})

# Hopes, plans, guesses and the future tense: a number in such a clause is not progress yet.
_HEDGE = re.compile(
    r"\b(?:hop(?:e|es|ed|ing|efully)|maybe|perhaps|probabl[ey]|prob|prolly|possibly|potentially|tentatively|likely|"
    r"might|could|should|expect(?:s|ed|ing)?|possibilmente|eventualmente|"
    r"plan(?:s|ning)?\s+to|going\s+to|gonna|will|aim(?:s|ing)?\s+(?:to|for)|if\s+all\s+goes\s+well|fingers\s+crossed|"
    r"spero|speriamo|sperando|forse|probabilmente|magari|contiamo\s+di|conto\s+di|pensiamo\s+di|penso\s+di|"
    r"prevediamo|prevedo|dovremmo|dovrei|potremmo|potrei|in\s+attesa\s+di\s+conferma|"
    r"(?!però\b)[^\W\d_]+(?:erò|eremo|erà|eranno|irò|iremo|irà|iranno|arò|aremo|arà|aranno))\b"
    r"|\b\w+['’]ll\b",
    re.IGNORECASE,
)
# A number said to be unconfirmed is not progress yet, whichever clause the qualifier stands in ("6 but not
# confirmed yet", "6, da confermare").
_UNCONFIRMED = re.compile(
    r"\b(?:not\s+(?:yet\s+)?confirmed|unconfirmed|to\s+be\s+confirmed|tbc|waiting\s+(?:for|on)\s+(?:a\s+)?confirmation"
    r"|pending\s+confirmation|da\s+confermare|non\s+(?:ancora\s+)?confermat[oaie]|(?:aspetto|aspettiamo|in\s+attesa\s+di)"
    r"\s+(?:la\s+)?conferma)\b",
    re.IGNORECASE,
)
# The hedge words people mistype; one letter off a long one ("probabilemnte", "hopefuly") is still a hedge.
_HEDGE_WORDS = ("hopefully", "probably", "possibly", "perhaps", "hoping", "probabilmente", "speriamo", "sperando",
                "possibilmente", "magari")
_NOT_HEDGE_TYPOS = frozenset({"possible", "operando", "hopping"})  # real words one letter off a hedge
_HEDGE_TYPOS = frozenset({"mayby", "maybee", "mabye", "mabey", "maby", "mybe", "hopeing", "hopin", "prolly", "forze",
                          "frose"})
_CLAUSE = re.compile(r"[.;!?\n]+|,|\s[—–-]\s|\b(?:but|ma|però)\b", re.IGNORECASE)
# "about half way", "a third of the way", "siamo circa a metà", "a metà strada", "tre quarti": a share of the way.
_SHARES = {
    "half": 1 / 2, "halfway": 1 / 2, "third": 1 / 3, "quarter": 1 / 4, "fifth": 1 / 5, "two thirds": 2 / 3,
    "three quarters": 3 / 4, "metà": 1 / 2, "terzo": 1 / 3, "quarto": 1 / 4, "quinto": 1 / 5, "due terzi": 2 / 3,
    "tre quarti": 3 / 4,
}
_APPROX = r"(?:about|around|roughly|approximately|approx\.?|circa|più\s+o\s+meno|grosso\s+modo)\s+"
_ALMOST = r"(?P<almost>almost|nearly|not\s+quite|quasi|poco\s+meno\s+d[ie]l?l?a?)\s+"
_WAY_SHARE = re.compile(
    rf"\b(?:{_ALMOST})?(?:{_APPROX})?(?:"
    r"(?:(?:a|one)\s+(?P<en1>third|quarter|fifth)|(?P<en2>two\s+thirds|three\s+quarters|half))"
    r"(?:\s+of\s+(?:the\s+way|(?:the|our|my)\s+(?:target|goal|quota))|[\s-]?way)(?:\s+there)?"
    r"|(?P<en3>halfway)(?:\s+there)?"
    r"|(?:a|al(?:la)?)\s+(?P<it>metà|un\s+terzo|due\s+terzi|un\s+quarto|tre\s+quarti|un\s+quinto)"
    r"(?!\s+(?:di\s+|del\s+)?(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre"
    r"|dicembre|mese|anno|settimana|trimestre|prossim\w+))"
    r"(?:\s+(?:strada|del\s+percorso|della\s+strada|dell['’]obiettivo|del\s+target))?)",
    re.IGNORECASE,
)
# Half a percentage point, up or down: "giù di mezzo punto", "down half a point".
_HALF_POINT = re.compile(
    r"\b(?:(?P<down>giù\s+di|down(?:\s+by)?|sces[oai]\s+di|calat[oi]\s+di|in\s+calo\s+di)|"
    r"(?P<up>su\s+di|up(?:\s+by)?|salit[oi]\s+di|cresciut[oi]\s+di|in\s+crescita\s+di))\s+"
    r"(?:mezzo\s+punto|half\s+a\s+(?:percentage\s+)?point)\b",
    re.IGNORECASE,
)


def read_reply(text: str, *, lang: str, goal: GoalContext) -> ReplyReading:
    """Read a check-in reply against `goal`; when in doubt return confident=False with candidates."""
    if len(text) > MAX_REPLY_CHARS:
        return _ask("too_long", (), None, None)
    blocker_span = _blocker(text)
    blocker = text[blocker_span[0] : blocker_span[1]].strip() if blocker_span else None
    words = text  # the person's words: the note and the blocker
    if goal.unit not in _CURRENCIES and goal.unit != "%":
        # "un altro cliente" is one more on a count; on a churn rate or revenue it says nothing about the value.
        text = _spelled_counts(text, lang)  # the same length, so every position still points into `words`
    amounts = find_amounts(text, lang)
    note = _note(words, amounts)
    reference = goal.current if goal.current is not None else goal.baseline
    if len(amounts) > _MAX_AMOUNTS:
        return _ask("several_numbers", (), note, blocker)

    readings: list[_Reading] = []
    worded: list[tuple[int, int]] = []
    for reading, span in _word_readings(text, goal, reference):
        readings.append(reading)
        worded.append(span)
    hedged = _hedged_clauses(text)
    hoped = False
    # The numbers the person says it is not, when another is left to be the one it is.
    skip = {i for i, amount in enumerate(amounts)
            if _NEGATED_BEFORE.search(text, max(0, amount.start - _WINDOW), amount.start)}
    if len(skip) == len(amounts):
        skip = set()
    correcting = bool(skip)
    if goal.unit in _CURRENCIES and any(amount.unit == goal.unit for amount in amounts):
        # Beside an amount in the goal's currency, a bare small number counts something else ("closed 2 more,
        # $22k this week": two deals, not $2).
        scale = max(abs(goal.target), abs(reference or 0.0), abs(goal.baseline or 0.0))
        skip |= {i for i, amount in enumerate(amounts) if amount.unit is None and scale_in_doubt(amount.value, scale)}
    for i, amount in enumerate(amounts):
        if i in skip or _is_date_or_time(text, amount, lang) or any(s <= amount.start < e for s, e in worded):
            continue
        if _in_spans(amount.start, hedged):
            hoped = True  # "maybe 6", "spero altri 2": said, but not yet true
            continue
        fraction = _fraction(text, amounts, i, goal)
        if fraction is not None:
            skip.add(i + 1)
            readings.append(fraction)
            continue
        amount_reading = _read_amount(text, amount, goal, reference, correcting=correcting)
        in_blocker = blocker_span is not None and blocker_span[0] <= amount.start < blocker_span[1]
        if amount_reading is None or (in_blocker and amount_reading.kind != "level"):
            # Numbers inside the blocker clause describe the obstacle ("waiting on 2 signatures").
            continue
        readings.append(amount_reading)

    if _NO_CHANGE.search(text):
        if reference is None:
            return _ask("no_reference", (), note, blocker)
        # "No change" wins over counts of other things ("no movement, 4 meetings with procurement").
        readings = [r for r in readings if r.kind == "level"]
        readings.append(_Reading("plain", (float(reference),), increment=0.0))
    if not readings and hoped:
        return _ask("hedged", (), note, blocker)
    decided = _decide(readings, goal, reference, note, blocker)
    if decided.confident and decided.value is not None and _CORRECTION.search(words):
        # Recorded as this week's, the fix would count as progress ("+1") and last week's wrong value would stay.
        return _ask("correction", (decided.value,), note, blocker)
    if decided.confident and decided.value is not None and _UNSURE.search(words):
        return _ask("unsure", (decided.value,), note, blocker)  # their doubt, not a guess of ours, decides
    return decided


def _one_letter_off(word: str, target: str) -> bool:
    """True when `word` is `target` with one letter left out, added, changed, or two neighbours swapped."""
    if abs(len(word) - len(target)) > 1 or word == target:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and word[diff[0]] == target[diff[1]] and word[diff[1]] == target[diff[0]])
    short, long_ = sorted((word, target), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _mistyped_hedges(text: str) -> list[re.Match[str]]:
    """Hedge words typed one letter off ("mayby", "probabilemnte", "hopefuly")."""
    return [m for m in re.finditer(rf"{_W}+", text)
            if m.group().lower() in _HEDGE_TYPOS
            or (len(m.group()) >= 6 and m.group().lower() not in _NOT_HEDGE_TYPOS
                and any(_one_letter_off(m.group().lower(), w) for w in _HEDGE_WORDS))]


def _hedged_clauses(text: str) -> list[tuple[int, int]]:
    """The clauses that hope, plan or guess, as sorted spans (the whole reply when it says it is unconfirmed)."""
    if _UNCONFIRMED.search(text):
        return [(0, len(text))]
    cuts = [0] + [m.end() for m in _CLAUSE.finditer(text)] + [len(text)]
    spans: list[tuple[int, int]] = []
    for m in sorted([*_HEDGE.finditer(text), *_mistyped_hedges(text)], key=lambda found: found.start()):
        i = bisect_right(cuts, m.start()) - 1
        span = (cuts[i], cuts[i + 1] if i + 1 < len(cuts) else len(text))
        if not spans or spans[-1] != span:
            spans.append(span)
    return spans


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    i = bisect_right(spans, (pos, len(spans) and 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _share_of_the_way(share: float, almost: bool, goal: GoalContext) -> _Reading:
    """A share of the way from the start to the target, whole for counts; "almost" is asked, not recorded."""
    base = goal.baseline or 0.0
    value = base + share * (goal.target - base)
    counted = goal.unit not in _CURRENCIES and goal.unit != "%"
    if counted and not math.isclose(value, round(value), abs_tol=1e-9):
        return _Reading("ask", (float(math.floor(value)), float(math.ceil(value))), reason="percent_of_what")
    value = float(round(value)) if counted else round(value, 6)
    return _Reading("ask", (value,), reason="approximate") if almost else _Reading("level", (value,))


def _word_readings(text: str, goal: GoalContext, reference: float | None) -> list[tuple[_Reading, tuple[int, int]]]:
    """Progress written in words: shares of the way, and half a point up or down on a percentage goal."""
    found: list[tuple[_Reading, tuple[int, int]]] = []
    for m in _WAY_SHARE.finditer(text):
        word = next(g for g in (m.group("en1"), m.group("en2"), m.group("en3"), m.group("it")) if g)
        share = _SHARES[re.sub(r"^(?:un|una)\s+", "", re.sub(r"\s+", " ", word.lower()))]
        found.append((_share_of_the_way(share, bool(m.group("almost")), goal), m.span()))
    for m in _HALF_POINT.finditer(text):
        if goal.unit != "%" or reference is None:
            found.append((_Reading("ask", (0.5,), reason="percent_of_what" if goal.unit != "%" else "no_reference"),
                          m.span()))
            continue
        step = -0.5 if m.group("down") else 0.5
        found.append((_Reading("increment", (float(reference + step),), increment=step), m.span()))
    return found


def _decide(
    readings: list[_Reading], goal: GoalContext, reference: float | None, note: str | None, blocker: str | None
) -> ReplyReading:
    if not readings:
        return _ask("no_number", (), note, blocker)
    levels = [r for r in readings if r.kind == "level"]
    # An explicit total ("now at 7") wins over increments and stray numbers around it.
    chosen = levels or readings
    asks = [r for r in chosen if r.kind == "ask"]
    if asks:
        if len(chosen) == 1:
            return _ask(asks[0].reason or "several_numbers", asks[0].values, note, blocker)
        return _ask("several_numbers", _primary(chosen), note, blocker)
    values = _primary(chosen)
    if len(values) > 1:
        return _ask("several_numbers", values, note, blocker)
    value = values[0]
    if goal.unit in _CURRENCIES:
        scale = max(abs(goal.target), abs(reference or 0.0), abs(goal.baseline or 0.0))
        said = chosen[0].increment if chosen[0].kind == "increment" else value
        if len(chosen) == 1 and said is not None and scale_in_doubt(said, scale):
            # "+3" on a $150,000 goal as much as "3": $3 more, or $3,000 more with the k left out?
            return _ask("ambiguous_scale", (value, value - said + said * 1000), note, blocker)
    current = goal.current
    if (current is not None and value < current and chosen[0].kind == "plain" and goal.direction == "increase"
            and goal.unit != "%"):
        # Counts and revenue rarely shrink: a bare "3" when we were at 4 is more likely "3 more".
        return _ask("ambiguous_delta", (value, current + value), note, blocker)
    if goal.current is not None:
        delta: float | None = value - goal.current
    else:
        increments = {r.increment for r in chosen}
        delta = increments.pop() if len(increments) == 1 else None
    return ReplyReading(value=value, delta=delta, confident=True, candidates=(), reason=None, note=note, blocker=blocker)


def scale_in_doubt(value: float, scale: float) -> bool:
    """Whether an amount is so small beside a goal worth `scale` that it likelier left out its thousands: a bare
    "120" on a €500k goal is far likelier "120k" than €120 (asked back, never recorded as read)."""
    return 0 < value < min(1000.0, scale / 100) and value * 1000 <= scale * 10


def _primary(readings: list[_Reading]) -> tuple[float, ...]:
    seen: list[float] = []
    for reading in readings:
        if reading.values and not any(math.isclose(reading.values[0], v) for v in seen):
            seen.append(reading.values[0])
    return tuple(seen)


def _ask(reason: str, candidates: tuple[float, ...], note: str | None, blocker: str | None) -> ReplyReading:
    unique: list[float] = []
    for value in candidates:
        if not any(math.isclose(value, v) for v in unique):
            unique.append(float(value))
    return ReplyReading(
        value=None, delta=None, confident=False, candidates=tuple(unique), reason=reason, note=note, blocker=blocker
    )


def _read_amount(text: str, amount: Amount, goal: GoalContext, reference: float | None, *,
                 correcting: bool = False) -> _Reading | None:
    before = text[max(0, amount.start - _WINDOW) : amount.start]
    after = text[amount.end : amount.end + _WINDOW]
    raw = amount.value

    mismatch = _unit_mismatch(amount, goal)
    if mismatch:
        return _Reading("ask", (raw,), reason="unit_mismatch")

    if not amount.sign and (_REMAINING_AFTER.match(after) or _REMAINING_BEFORE.search(before)):
        # "3 to go", "ne mancano 3": distance to the target, whatever "more" says.
        if goal.direction in MAINTAIN_DIRECTIONS or amount.unit not in (None, goal.unit):
            return _Reading("ask", (raw,), reason="ambiguous_delta")
        return _Reading("level", (goal.target - raw if goal.direction == "increase" else goal.target + raw,))

    level_word = bool(_LEVEL_BEFORE.search(before))
    direction = 0
    if amount.sign:
        direction = amount.sign
    elif ((m := _INCREMENT_BEFORE.search(before)) and not level_word) or (m := _INCREMENT_AFTER.match(after)):
        direction = 1 if m.group("up") else -1

    # "erano 170 mila, non 180": beside a number the person rejects, the one left is what it is (a level), and
    # "it was 170k" is not the old value of "from 4 to 7".
    level_before = level_word or correcting
    if not direction and not level_before and _FROM_BEFORE.search(before):
        return None  # "from 4 to 7": the old value

    percent_of_target = amount.unit == "%" and goal.unit != "%"
    if percent_of_target:
        if direction or goal.direction in MAINTAIN_DIRECTIONS:
            return _Reading("ask", (raw,), reason="percent_of_what")
        of = _PERCENT_OF.match(after)
        if of and of.group(1).lower() not in _OF_TARGET:
            return _Reading("ask", (raw,), reason="percent_of_what")
        base = goal.baseline or 0.0
        value = base + raw / 100 * (goal.target - base)
        if goal.unit not in _CURRENCIES and not math.isclose(value, round(value), abs_tol=1e-9):
            # Counts are whole: offer the two neighbours rather than "7.5 clients".
            return _Reading("ask", (float(math.floor(value)), float(math.ceil(value))), reason="percent_of_what")
        return _Reading("level", (round(value, 6),))

    if direction:
        if reference is None:
            return _Reading("ask", (), reason="no_reference")
        step = direction * raw
        return _Reading("increment", (float(reference + step),), increment=step)
    if level_before:
        return _Reading("level", (raw,))
    if _LEVEL_AFTER.match(after):
        return _Reading("level", (raw,))
    if _LOST.search(before) or _LOST.match(after):
        # Losing deals does not un-win them, losing clients does: let the owner say which.
        if reference is None:
            return _Reading("ask", (), reason="no_reference")
        return _Reading("ask", (reference - raw, float(reference)), reason="ambiguous_delta")
    if _ACTION_BEFORE.search(before) or _ACTION_AFTER.match(after):
        if reference is not None and _only_a_total(raw, goal, reference):
            return _Reading("level", (raw,))
        if reference == 0:
            # From 0, "closed 3" is 3 whether it is the total or this week's: nothing to ask.
            return _Reading("increment", (raw,), increment=raw)
        # "calato ancora, 7%": if it is a change, the words say which way (15.2% was offered for a churn at 8.2%).
        step = -raw if _DOWN_WORDS.search(before) else raw
        alternatives = (raw,) if reference is None else (raw, float(reference + step))
        return _Reading("ask", alternatives, reason="ambiguous_delta")
    return _Reading("plain", (raw,))


def _only_a_total(raw: float, goal: GoalContext, reference: float) -> bool:
    """"USD 2.05M closed" at 1.9M of 2.2M: as this week's increment it would pass the target by more than the
    whole goal; as the total it moves forward within reach. Only then is the total the reading."""
    if goal.direction != "increase":
        return False
    span = abs(goal.target - (goal.baseline if goal.baseline is not None else reference)) or abs(goal.target)
    increment_implausible = reference + raw > goal.target + span
    total_plausible = reference <= raw <= goal.target + span
    return increment_implausible and total_plausible


def _unit_mismatch(amount: Amount, goal: GoalContext) -> bool:
    if amount.unit is None or amount.unit == "%":
        return False
    return amount.unit != goal.unit


def _fraction(text: str, amounts: list[Amount], i: int, goal: GoalContext) -> _Reading | None:
    if i + 1 >= len(amounts):
        return None
    first, second = amounts[i], amounts[i + 1]
    if not _FRACTION_LINK.match(text[first.end : second.start]) or first.sign or second.sign:
        return None
    if math.isclose(second.value, goal.target):
        if _unit_mismatch(first, goal) or _unit_mismatch(second, goal):
            return _Reading("ask", (first.value,), reason="unit_mismatch")
        return _Reading("level", (first.value,))
    return _Reading("ask", (first.value,), reason="ambiguous_fraction")


def _is_date_or_time(text: str, amount: Amount, lang: str) -> bool:
    if amount.unit is not None or amount.sign:
        return False
    before = text[max(0, amount.start - _WINDOW) : amount.start]
    after = text[amount.end : amount.end + _WINDOW]
    prev_word = re.search(rf"({_W}+)\.?\s*(?:of\s+|di\s+)?$", before)
    next_word = re.match(rf"^\s*(?:of\s+|di\s+)?({_W}+)", after)
    calendar = _calendar_words(lang)
    if (prev_word and prev_word.group(1).lower() in calendar) or (next_word and next_word.group(1).lower() in calendar):
        return True
    if _TIME_BEFORE.search(before) or _TIME_AFTER.match(after):
        return True
    value = amount.value
    if value.is_integer() and 1990 <= value <= 2100 and _YEAR_BEFORE.search(before):
        return True
    return value.is_integer() and 1 <= value <= 31 and bool(_DATE_BEFORE.search(before))


@lru_cache(maxsize=8)
def _calendar_words(lang: str) -> frozenset[str]:
    # Month and weekday names next to a number make it a date; English ones show up in any language.
    words: set[str] = set()
    for locale in {lang, "en"}:
        for width in ("wide", "abbreviated"):
            try:
                words.update(w.lower() for w in get_month_names(width, locale=locale).values())
                words.update(w.lower() for w in get_day_names(width, locale=locale).values())
            except (ValueError, LookupError):
                continue
    words.discard("may")  # the modal verb is far more common in a reply than the month
    return frozenset(words)


# Counts said without a digit, rewritten in place as the digits they mean (same length, so positions hold):
# "un altro cliente" and "another client" are one more, "un cliente in più" too, "no new clients" is none.
_ANOTHER_IT = re.compile(r"\bun(?:['’]|\s+)altr[oa]\b(?=\s+([^\W\d_]+))", re.IGNORECASE)
_ONE_MORE_IT = re.compile(r"\bun[oa]?\b(?=\s+[^\W\d_]+\s+in\s+più\b)", re.IGNORECASE)
_ANOTHER_EN = re.compile(r"\banother\b(?=\s+([^\W\d_]+))", re.IGNORECASE)
_NONE_NEW = re.compile(r"\b(?:no|nessun[oa]?)\b(?=\s+(?:new|nuov[oaie])\s+[^\W\d_])", re.IGNORECASE)


def _spelled_counts(text: str, lang: str) -> str:
    """The reply with "another", "un altro", "un … in più" and "no new" written as the counts they are."""

    def padded(replacement: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            if match.lastindex and find_amounts(match.group(1), lang):
                return match.group()  # "another 3", "another two": the number says how many
            return replacement.ljust(len(match.group()))
        return replace

    text = _ANOTHER_IT.sub(padded("altri 1"), text)
    text = _ONE_MORE_IT.sub(padded("1"), text)
    text = _ANOTHER_EN.sub(padded("1 more"), text)
    return _NONE_NEW.sub(padded("0"), text)


def _blocker(text: str) -> tuple[int, int] | None:
    for match in _BLOCKER.finditer(text):
        if _STUCK_AT.match(text, match.end()) and re.match(r"(?:stuck|blocked|bloccat|held)", match.group(), re.I):
            continue  # "stuck at 4" is a level; "pushed to the 12th" is still a delay
        start = 0
        end = len(text)
        for cut in _SPLIT.finditer(text):
            if cut.end() <= match.start():
                start = cut.end()
            elif cut.start() >= match.end():
                end = cut.start()
                break
        return start, end
    return None


def _note(text: str, amounts: list[Amount]) -> str | None:
    parts, last = [], 0
    for amount in sorted(amounts, key=lambda a: a.start):
        parts.append(text[last : max(last, amount.start)])
        last = max(last, amount.end)
    rest = "".join(parts) + text[last:]
    if not re.search(r"[^\W_]", rest):
        return None  # the reply is only a number ("7", "+3", "7/10", "€120k")
    return text.strip()
