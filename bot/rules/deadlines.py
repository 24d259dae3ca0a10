"""Deadline phrases (English and Italian) resolved to calendar dates in the user's time zone."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import dateparser
from babel.dates import get_day_names, get_month_names
from dateutil.relativedelta import relativedelta
from text_to_num import text2num

__all__ = ["DeadlineResult", "find_deadline", "local_today", "resolve_deadline"]


@dataclass(frozen=True)
class DeadlineResult:
    """A deadline phrase and the date it names, or why it could not be used."""

    deadline: date | None
    error: str | None
    matched: str | None
    start: int = -1
    end: int = -1


class _Unreadable(Exception):
    """A date shape that names no single day: 03/04 in English (two readings), 31 February (none)."""


def local_today(now: datetime, tz: str) -> date:
    """The calendar day `now` falls on in time zone `tz`."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(ZoneInfo(tz)).date()


# --- calendar arithmetic ---------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter_end(year: int, quarter: int) -> date:
    return _month_end(year, quarter * 3)


def _quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def _quarters_ahead(today: date, n: int) -> date:
    index = today.year * 4 + _quarter_of(today) - 1 + n
    return _quarter_end(index // 4, index % 4 + 1)


def _upcoming(candidate: Callable[[int], date | None], today: date) -> date | None:
    """The first of this year's or next year's occurrence that is not in the past."""
    for year in (today.year, today.year + 1):
        found = candidate(year)
        if found is not None and found >= today:
            return found
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _existing(found: date | None) -> date:
    if found is None:
        raise _Unreadable
    return found


def _full_year(raw: str) -> int:
    year = int(raw)
    return year + 2000 if year < 100 else year


# --- vocabulary (month and weekday names come from Babel's CLDR data) -------

_APOS = r"['’]"


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _alternation(words: dict[str, int]) -> str:
    # Longest first so "marzo" wins over "mar".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=4)
def _months(lang: str, *, abbreviated: bool) -> dict[str, int]:
    names: dict[str, int] = {}
    for locale in ("en", "it"):
        for number, name in get_month_names("wide", locale=locale).items():
            names[name.lower()] = number
    if abbreviated:
        # Only the user's language: Italian "set"/"ago" are ordinary English words.
        for number, name in get_month_names("abbreviated", locale=lang).items():
            names.setdefault(name.lower().rstrip("."), number)
        if lang == "en":
            names["sept"] = 9
    return names


@lru_cache(maxsize=1)
def _weekdays() -> dict[str, int]:
    names: dict[str, int] = {}
    for locale in ("en", "it"):
        for number, name in get_day_names("wide", locale=locale).items():
            names[name.lower()] = number
            names[_fold(name.lower())] = number  # "venerdi" typed without the accent
    return names


_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "primo": 1, "secondo": 2, "terzo": 3, "quarto": 4,
    "1°": 1, "2°": 2, "3°": 3, "4°": 4, "1º": 1, "2º": 2, "3º": 3, "4º": 4,
}
_ORD_QUARTER = r"first|second|third|fourth|1st|2nd|3rd|4th|primo|secondo|terzo|quarto|[1-4][°º]"
_ORD_HALF = r"first|second|1st|2nd|primo|secondo|[12][°º]"

_UNITS = {
    "day": "days", "days": "days", "giorno": "days", "giorni": "days",
    "week": "weeks", "weeks": "weeks", "settimana": "weeks", "settimane": "weeks",
    "month": "months", "months": "months", "mese": "months", "mesi": "months",
    "quarter": "quarters", "quarters": "quarters", "trimestre": "quarters", "trimestri": "quarters",
    "year": "years", "years": "years", "anno": "years", "anni": "years",
}
_UNIT_EN = r"days?|weeks?|months?|quarters?|years?"
_UNIT_IT = r"giorn[oi]|settiman[ae]|mes[ei]|trimestr[ei]|ann[oi]"
_NUM = r"\d{1,3}|[a-zà-ù]+(?:[\s-][a-zà-ù]+)?"
_ONE = {"a", "an", "one", "un", "una", "uno"}

_END_EN = r"(?:the\s+)?end\s+of\s+(?:the\s+)?"
_END_IT = rf"(?:la\s+)?fine\s+(?:del(?:la)?\s+|dell{_APOS}\s*|di\s+|d{_APOS}\s*)?"
_END = rf"(?:{_END_EN}|{_END_IT})"

# Prepositions and articles that belong to a deadline phrase when they precede it.
_LEADS = (
    "no later than", "by the", "before the", "within the", "over the", "during the", "in the",
    "until the", "for the", "at the", "by", "before", "within", "over", "during", "in", "until",
    "till", "through", "at", "on", "for", "the",
    "entro e non oltre il", "entro e non oltre la", "entro il", "entro la", "entro i", "entro le",
    "entro", "prima del", "prima della", "prima di", "per il", "per la", "per", "nel corso del",
    "nel corso della", "durante il", "durante la", "durante", "nel", "nella", "nei", "nelle",
    "negli", "tra", "fra", "il", "la", "al", "alla", "a", "i", "le",
)
_LEAD_RE = re.compile(
    r"(?:^|(?<=[\s(,;:]))(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _LEADS) + r")\s+$",
    re.IGNORECASE,
)


def _count(raw: str | None, lang: str) -> int | None:
    if raw is None:
        return 1
    word = raw.strip().lower()
    if word.isdigit():
        return int(word)
    if word in _ONE:
        return 1
    # Phrases are read in both languages: "in sei mesi" may arrive labelled English.
    for language in dict.fromkeys((lang, "en", "it")):
        try:
            return int(text2num(word, language))
        except (ValueError, KeyError, NotImplementedError):
            continue
    return None


# --- rules ------------------------------------------------------------------

_Resolver = Callable[[re.Match[str], date, str], date | None]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: _Resolver
    needs_lead: bool = False  # inside a sentence, only a date when a preposition introduces it
    resolve_only: bool = False  # too loose to look for inside a goal sentence


def _rolling(m: re.Match[str], today: date, lang: str) -> date | None:
    raw_unit = m.group("u").lower()
    unit = _UNITS[raw_unit]
    if m.groupdict().get("n") is None and raw_unit == unit:
        return None  # "over the coming months" names no length
    n = _count(m.groupdict().get("n"), lang)
    if n is None or n <= 0:
        return None
    if unit == "quarters":
        # Sales quarters are calendar quarters: "the next two quarters" ends with the second one.
        return _quarters_ahead(today, n)
    step = {"days": relativedelta(days=n), "weeks": relativedelta(weeks=n), "months": relativedelta(months=n)}
    return today + step.get(unit, relativedelta(years=n))


def _next_quarter(m: re.Match[str], today: date, lang: str) -> date:
    return _quarters_ahead(today, 1)


def _this_quarter(m: re.Match[str], today: date, lang: str) -> date:
    return _quarters_ahead(today, 0)


def _named_quarter(m: re.Match[str], today: date, lang: str) -> date | None:
    groups = m.groupdict()
    quarter = int(groups["q"]) if groups.get("q") else _ORDINALS[groups["o"].lower()]
    year = groups.get("y") or groups.get("yy")
    if year:
        return _quarter_end(_full_year(year), quarter)
    return _upcoming(lambda y: _quarter_end(y, quarter), today)


def _named_half(m: re.Match[str], today: date, lang: str) -> date | None:
    groups = m.groupdict()
    half = int(groups["h"]) if groups.get("h") else _ORDINALS[groups["o"].lower()]
    month = 6 * half
    year = groups.get("y") or groups.get("yy")
    if year:
        return _month_end(_full_year(year), month)
    return _upcoming(lambda y: _month_end(y, month), today)


def _year_end(m: re.Match[str], today: date, lang: str) -> date:
    return date(today.year, 12, 31)


def _next_year_end(m: re.Match[str], today: date, lang: str) -> date:
    return date(today.year + 1, 12, 31)


def _explicit_year(m: re.Match[str], today: date, lang: str) -> date:
    return date(int(m.group("y")), 12, 31)


def _month_end_now(m: re.Match[str], today: date, lang: str) -> date:
    return _month_end(today.year, today.month)


def _next_month_end(m: re.Match[str], today: date, lang: str) -> date:
    following = today + relativedelta(months=1)
    return _month_end(following.year, following.month)


def _week_end(m: re.Match[str], today: date, lang: str) -> date:
    return today + timedelta(days=6 - today.weekday())


def _next_week_end(m: re.Match[str], today: date, lang: str) -> date:
    return today + timedelta(days=13 - today.weekday())


def _day_month(m: re.Match[str], today: date, lang: str) -> date | None:
    month = _months(lang, abbreviated=True)[m.group("m").lower().rstrip(".")]
    day = int(m.group("d"))
    if m.group("y"):
        return _existing(_safe_date(int(m.group("y")), month, day))
    return _existing(_upcoming(lambda y: _safe_date(y, month, day), today))


def _named_month(m: re.Match[str], today: date, lang: str) -> date | None:
    month = _months(lang, abbreviated=False)[m.group("m").lower()]
    if m.groupdict().get("y"):
        return _month_end(int(m.group("y")), month)
    return _upcoming(lambda y: _month_end(y, month), today)


def _weekday(m: re.Match[str], today: date, lang: str) -> date:
    groups = m.groupdict()
    target = _weekdays()[(groups.get("w") or groups["w2"]).lower()]
    return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)


def _iso(m: re.Match[str], today: date, lang: str) -> date | None:
    return _existing(_safe_date(int(m.group("y")), int(m.group("mo")), int(m.group("d"))))


def _day_month_order(a: int, b: int, lang: str) -> tuple[int, int]:
    if lang != "en" or a == b or a > 12:
        return a, b
    if b > 12:
        return b, a  # only the US reading (mm/dd) makes sense
    raise _Unreadable


def _numeric(m: re.Match[str], today: date, lang: str) -> date | None:
    day, month = _day_month_order(int(m.group("a")), int(m.group("b")), lang)
    if m.groupdict().get("y"):
        return _existing(_safe_date(_full_year(m.group("y")), month, day))
    return _existing(_upcoming(lambda y: _safe_date(y, month, day), today))


_RELATIVE_DAYS = {"today": 0, "oggi": 0, "tomorrow": 1, "domani": 1, "day after tomorrow": 2, "dopodomani": 2}


def _relative_day(m: re.Match[str], today: date, lang: str) -> date:
    return today + timedelta(days=_RELATIVE_DAYS[re.sub(r"\s+", " ", m.group(0).lower()).removeprefix("the ")])


def _day_only(m: re.Match[str], today: date, lang: str) -> date | None:
    day = int(m.group("d") or m.group("d2"))
    probe = date(today.year, today.month, 1)
    for _ in range(3):
        found = _safe_date(probe.year, probe.month, day)
        if found is not None and found >= today:
            return found
        probe += relativedelta(months=1)
    return None


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + pattern + r")(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=4)
def _rules(lang: str) -> tuple[_Rule, ...]:
    months_wide = _alternation(_months(lang, abbreviated=False))
    months_any = _alternation(_months(lang, abbreviated=True))
    weekdays = _alternation(_weekdays())
    year = r"(?P<y>20\d\d)"
    q_year = rf"(?:(?:\s+(?:of\s+|del\s+)?|\s*[-/]\s*){year}|\s*(?:{_APOS}|-|/)\s*(?P<yy>\d\d)(?!\d))"
    ordinal_suffix = r"(?:st|nd|rd|th|°|º)?"
    rules: list[_Rule] = [
        # Rolling periods first: on equal spans they beat the calendar reading of "next year".
        _Rule(_compile(rf"(?:in|within|over|during|for)\s+(?:the\s+)?(?:next|coming|following)\s+(?:(?P<n>{_NUM})\s+)?(?P<u>{_UNIT_EN})"), _rolling),
        _Rule(_compile(rf"(?:the\s+)?(?:next|coming)\s+(?P<n>{_NUM})\s+(?P<u>{_UNIT_EN})"), _rolling),
        _Rule(_compile(rf"(?:in|within)\s+(?:the\s+space\s+of\s+)?(?P<n>{_NUM})\s+(?P<u>{_UNIT_EN})(?:{_APOS}?\s*time)?"), _rolling),
        _Rule(_compile(rf"(?P<n>{_NUM})\s+(?P<u>{_UNIT_EN})\s+from\s+(?:now|today)"), _rolling),
        _Rule(_compile(
            rf"(?:(?:nei|nelle|negli|entro\s+i|entro\s+le|entro\s+gli|durante\s+i|durante\s+le|per\s+i|per\s+le"
            rf"|nel\s+corso\s+dei|nel\s+corso\s+delle|nell{_APOS}\s*arco\s+dei|nell{_APOS}\s*arco\s+delle)\s+)?"
            rf"prossim[ie]\s+(?P<n>{_NUM})\s+(?P<u>{_UNIT_IT})"), _rolling),
        _Rule(_compile(
            rf"(?:nel|nella|durante\s+il|durante\s+la|nel\s+corso\s+del|nel\s+corso\s+della|nell{_APOS}\s*arco\s+del(?:la)?)"
            rf"\s+prossim[oa]\s+(?P<u>giorno|settimana|mese|trimestre|anno)"), _rolling),
        _Rule(_compile(rf"(?:entro|in|tra|fra|nell{_APOS}\s*arco\s+di|nel\s+giro\s+di|da\s+qui\s+a)\s+(?P<n>{_NUM})\s+(?P<u>{_UNIT_IT})"), _rolling),
        _Rule(_compile(rf"(?P<n>{_NUM})\s+(?P<u>{_UNIT_IT})\s+da\s+(?:oggi|adesso|ora)"), _rolling),
        # Calendar periods.
        _Rule(_compile(rf"(?:{_END})?(?:(?:the\s+)?next\s+quarter|prossimo\s+trimestre|trimestre\s+prossimo)"), _next_quarter),
        _Rule(_compile(
            rf"{_END_EN}(?:this\s+|current\s+)?quarter|(?:this|the\s+current|current)\s+quarter|quarter[\s-]?end|EOQ"
            rf"|{_END_IT}(?:questo\s+)?trimestre(?:\s+(?:corrente|in\s+corso))?|(?:questo\s+|quest{_APOS}\s*)trimestre"
            rf"|(?:il\s+)?trimestre\s+(?:corrente|in\s+corso)"), _this_quarter),
        _Rule(_compile(rf"(?:{_END})?Q(?P<q>[1-4]){q_year}?"), _named_quarter),
        _Rule(_compile(rf"(?:{_END})?{year}\s*[-/]?\s*Q(?P<q>[1-4])"), _named_quarter),
        _Rule(_compile(rf"(?:{_END})?(?:the\s+|il\s+)?(?P<o>{_ORD_QUARTER})\s+(?:quarter|trimestre)(?:\s+(?:of\s+|del\s+)?{year})?"), _named_quarter),
        _Rule(_compile(rf"(?:{_END})?H(?P<h>[12]){q_year}?"), _named_half),
        _Rule(_compile(rf"(?:{_END})?(?:the\s+|il\s+)?(?P<o>{_ORD_HALF})\s+(?:half|semestre)(?:\s+of\s+the\s+year|\s+(?:of\s+|del\s+)?{year})?"), _named_half),
        _Rule(_compile(
            rf"{_END_EN}(?:this\s+|current\s+)?year|(?:this|the\s+current)\s+year|year[\s-]?end|EOY"
            rf"|{_END_IT}anno(?:\s+(?:corrente|in\s+corso))?|(?:quest{_APOS}\s*|questo\s+)anno|(?:l{_APOS}\s*)?anno\s+(?:corrente|in\s+corso)"
            rf"|entro\s+l{_APOS}\s*anno(?!\s+(?:prossimo|scorso|successivo))"), _year_end),
        _Rule(_compile(rf"(?:{_END})?(?:next\s+year|(?:l{_APOS}\s*)?anno\s+prossimo|prossimo\s+anno)"), _next_year_end),
        _Rule(_compile(rf"(?:{_END}|year[\s-]?end\s+){year}"), _explicit_year),
        _Rule(_compile(rf"(?<![\d.,€$£]){year}(?!\s*[-/.]\s*\d|[.,]?\d|\s*%)"), _explicit_year, needs_lead=True),
        _Rule(_compile(
            rf"{_END_EN}(?:this\s+|current\s+)?month|(?:this|the\s+current)\s+month|month[\s-]?end|EOM"
            rf"|{_END_IT}mese|(?:questo\s+|quest{_APOS}\s*)mese|(?:il\s+)?mese\s+(?:corrente|in\s+corso)"), _month_end_now),
        _Rule(_compile(rf"(?:{_END})?(?:next\s+month|prossimo\s+mese|mese\s+prossimo)"), _next_month_end),
        _Rule(_compile(rf"{_END_EN}(?:this\s+)?week|this\s+week|{_END_IT}(?:questa\s+)?settimana|questa\s+settimana"), _week_end),
        _Rule(_compile(rf"(?:{_END})?(?:next\s+week|prossima\s+settimana|settimana\s+prossima)"), _next_week_end),
        # Explicit dates.
        _Rule(_compile(rf"(?:the\s+)?(?P<d>\d{{1,2}}){ordinal_suffix}\s+(?:of\s+|di\s+)?(?P<m>{months_any})\.?(?:,?\s+{year})?"), _day_month),
        _Rule(_compile(rf"(?P<m>{months_any})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![.,]?\d|\s*%)(?:,?\s+{year})?"), _day_month),
        _Rule(_compile(rf"(?:{_END})?(?P<m>{months_wide})\s+(?:of\s+|del\s+)?{year}"), _named_month),
        _Rule(_compile(rf"{_END}(?P<m>{months_wide})"), _named_month),
        _Rule(_compile(rf"(?P<m>{months_wide})"), _named_month, needs_lead=True),
        _Rule(_compile(rf"(?:this|next|coming|questo|prossimo)\s+(?P<w>{weekdays})|(?P<w2>{weekdays})\s+(?:prossim[oa])"), _weekday),
        _Rule(_compile(rf"(?P<w>{weekdays})"), _weekday, needs_lead=True),
        _Rule(_compile(r"(?<![\d/.-])(?P<y>20\d\d)[-/](?P<mo>\d{1,2})[-/](?P<d>\d{1,2})(?![\d/.-]\d)"), _iso),
        _Rule(_compile(r"(?<![\d.,/€$£-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?![\d%]|[.,/-]\d)"), _numeric),
        _Rule(_compile(r"(?<![\d.,/€$£-])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\d/%]|[.,]\d)"), _numeric, needs_lead=True),
        _Rule(_compile(r"today|(?:the\s+)?day\s+after\s+tomorrow|tomorrow|oggi|dopodomani|domani"), _relative_day, needs_lead=True),
        _Rule(_compile(rf"(?:the|il)\s+(?P<d>\d{{1,2}}){ordinal_suffix}|(?P<d2>\d{{1,2}})(?:st|nd|rd|th|°|º)"), _day_only, resolve_only=True),
    ]
    return tuple(rules)


# --- search -----------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    priority: int
    deadline: date | None  # None: a date shape that names no single day


def _extend_left(text: str, start: int) -> int:
    lead = _LEAD_RE.search(text[:start])
    return lead.start() if lead else start


def _candidates(text: str, lang: str, today: date, *, in_sentence: bool) -> list[_Candidate]:
    found: list[_Candidate] = []
    for priority, rule in enumerate(_rules(lang)):
        if rule.resolve_only and in_sentence:
            continue
        for m in rule.pattern.finditer(text):
            start = _extend_left(text, m.start())
            if rule.needs_lead and in_sentence and start == m.start():
                continue
            try:
                deadline = rule.resolve(m, today, lang)
            except _Unreadable:
                found.append(_Candidate(start, m.end(), priority, None))
                continue
            if deadline is not None:  # None: the words only looked like this shape ("in DACH next month")
                found.append(_Candidate(start, m.end(), priority, deadline))
    return found


def _best(found: list[_Candidate]) -> _Candidate | None:
    # A phrase inside a longer one is part of it ("2027" in "31 Feb 2027"), even when the
    # longer one is unreadable; apart from that, a readable phrase beats an unreadable one.
    whole = [
        c for c in found
        if not any(o.start <= c.start and c.end <= o.end and (o.end - o.start) > (c.end - c.start) for o in found)
    ]
    if not whole:
        return None
    return max(whole, key=lambda c: (c.deadline is not None, c.end - c.start, -c.priority, -c.start))


def _result(text: str, start: int, end: int, deadline: date | None, today: date) -> DeadlineResult:
    matched = text[start:end]
    if deadline is None:
        return DeadlineResult(None, "unreadable", matched, start, end)
    return DeadlineResult(deadline, "past" if deadline < today else None, matched, start, end)


def find_deadline(text: str, *, lang: str, now: datetime, tz: str) -> DeadlineResult:
    """Locate and resolve the deadline phrase inside a goal sentence, if it names one."""
    today = local_today(now, tz)
    best = _best(_candidates(text, lang, today, in_sentence=True))
    if best is None:
        return DeadlineResult(None, None, None)
    return _result(text, best.start, best.end, best.deadline, today)


def _span(text: str, part: str) -> tuple[int, int]:
    if not part:
        return -1, -1
    start = text.find(part)
    return start, start + len(part)


_STRIP = " \t\n.,;:!?\"'()[]"
_LEADING_WORDS = re.compile(r"^(?:by|before|until|on|in|entro(?:\s+(?:il|la|l['’]|i|le))?|per|prima\s+d(?:i|el|ella))\s+", re.I)


def resolve_deadline(text: str, *, lang: str, now: datetime, tz: str) -> DeadlineResult:
    """Resolve a whole answer to "by when?" to a date, or say why it cannot be used."""
    today = local_today(now, tz)
    best = _best(_candidates(text, lang, today, in_sentence=False))
    if best is not None:
        return _result(text, best.start, best.end, best.deadline, today)
    stripped = text.strip(_STRIP)
    if not stripped or not re.search(r"[^\W\d_]", stripped):
        # dateparser reads a bare "15" as a day of the current month, often already gone.
        return DeadlineResult(None, "unreadable", stripped or None, *_span(text, stripped))
    start = text.find(stripped)
    parsed = dateparser.parse(
        _LEADING_WORDS.sub("", stripped),
        languages=[lang],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": now.astimezone(ZoneInfo(tz)).replace(tzinfo=None),
            "TIMEZONE": tz,
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        return DeadlineResult(None, "unreadable", stripped, start, start + len(stripped))
    return _result(text, start, start + len(stripped), parsed.date(), today)
