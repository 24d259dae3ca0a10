"""Deadline phrases (English and Italian) resolved to calendar dates in the user's time zone."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from zoneinfo import ZoneInfo

import dateparser
from babel.dates import get_day_names, get_month_names
from dateutil.relativedelta import relativedelta
from text_to_num import text2num

__all__ = ["DeadlineResult", "find_deadline", "fiscal_year_of", "fiscal_year_start", "local_today", "resolve_deadline"]


@dataclass(frozen=True)
class DeadlineResult:
    """A deadline phrase and the date it names, or why it could not be used."""

    deadline: date | None
    error: str | None  # "past", "unreadable", or "weekday_mismatch" (the date wins, but ask which was meant)
    matched: str | None
    start: int = -1
    end: int = -1
    # Why the date may not be what was meant: "weak" (read from a loose phrase such as "mid-February" or a
    # weekday) or "fiscal" (resolved against the fiscal year); None when the phrase says the date plainly.
    reading: str | None = None
    fiscal_start: date | None = None  # the first day of the fiscal year a "fiscal" reading used
    # "next quarter", "nei prossimi due trimestri": the period named starts later than today (the next calendar
    # quarter's first day), so no progress is expected before it; None when the period starts today.
    period_start: date | None = None


class _Unreadable(Exception):
    """A date shape that names no single day: 03/04 in English (two readings), 31 February (none)."""


class _WeekdayMismatch(Exception):
    """A weekday next to a date that falls on another day ("Friday 19 December" when the 19th is a Saturday)."""

    def __init__(self, found: date) -> None:
        super().__init__(found.isoformat())
        self.found = found


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
    "primo": 1, "secondo": 2, "terzo": 3, "quarto": 4, "prima": 1, "seconda": 2,
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
    "until the", "for the", "at the", "throughout", "by", "before", "within", "over", "during", "in", "until",
    "till", "through", "at", "on", "for", "the",
    "entro e non oltre il", "entro e non oltre la", "entro il", "entro la", "entro i", "entro le",
    "entro", "prima del", "prima della", "prima di", "per tutto il", "per tutto l'", "per il", "per la", "per", "nel corso del",
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
# Fiscal phrases also need the month the fiscal year starts in (1 = the calendar year).
_FiscalResolver = Callable[[re.Match[str], date, int], date | None]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: _Resolver | None = None
    needs_lead: bool = False  # inside a sentence, only a date when a preposition introduces it
    resolve_only: bool = False  # too loose to look for inside a goal sentence
    weak: bool = False  # the date is a reading of a loose phrase: say which date was meant
    fiscal: _FiscalResolver | None = None


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


def _whole_year(m: re.Match[str], today: date, lang: str) -> date:
    return today + relativedelta(years=1)


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
    month = _months(lang, abbreviated=True)[m.group("m").lower().rstrip(".")]
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


# Short weekday names, only read when a date follows them ("Fri 18 Dec", "ven 18 dicembre").
_WEEKDAY_ABBREVIATIONS = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
    "lun": 0, "mar": 1, "mer": 2, "gio": 3, "ven": 4, "sab": 5, "dom": 6,
}


def _weekday_number(word: str) -> int:
    low = word.lower().rstrip(".")
    return _weekdays().get(low, _WEEKDAY_ABBREVIATIONS.get(low, -1))


def _checked_weekday(found: date, weekday: str) -> date:
    if found.weekday() != _weekday_number(weekday):
        raise _WeekdayMismatch(found)
    return found


def _weekday_date(m: re.Match[str], today: date, lang: str) -> date | None:
    """"venerdì 18 dicembre": the explicit date wins; a weekday that disagrees is flagged, not trusted."""
    found = _day_month(m, today, lang)
    return None if found is None else _checked_weekday(found, m.group("w"))


def _weekday_numeric(m: re.Match[str], today: date, lang: str) -> date | None:
    """"Fri 18/12": the weekday also settles which number is the day when both orders are possible."""
    a, b = int(m.group("a")), int(m.group("b"))
    year = _full_year(m.group("y")) if m.group("y") else None
    weekday = _weekday_number(m.group("w"))
    readings = []
    for day, month in dict.fromkeys(((a, b), (b, a)) if lang == "en" else ((a, b),)):
        found = _safe_date(year, month, day) if year else _upcoming(partial(_safe_date, month=month, day=day), today)
        if found is not None:
            readings.append(found)
    matching = [d for d in readings if d.weekday() == weekday]
    if len(matching) == 1:
        return matching[0]
    if not readings or len(matching) > 1 or (len(readings) > 1 and not matching):
        raise _Unreadable
    return _checked_weekday(readings[0], m.group("w"))


def _weekday_day(m: re.Match[str], today: date, lang: str) -> date | None:
    """"venerdì 18": the next 18th, which must be that weekday."""
    found = _day_only(m, today, lang)
    return None if found is None else _checked_weekday(found, m.group("w"))


# Where in a month a loose phrase points: early April is read as the 10th, mid-April the 15th.
_MONTH_PART_DAY = {"early": 10, "start": 10, "beginning": 10, "inizio": 10, "inizi": 10, "primi": 10,
                   "mid": 15, "middle": 15, "metà": 15, "meta": 15, "mezzo": 15, "late": 0}


def _part_day(part: str) -> int:
    words = [w for w in re.split(r"[\s-]+", part.lower()) if w not in ("the", "of", "a", "ai", "agli", "di", "")]
    return _MONTH_PART_DAY[words[0]]


def _month_part(m: re.Match[str], today: date, lang: str) -> date | None:
    """"mid-February", "a metà marzo", "early April", "inizio maggio": a day inside the month (late = its end)."""
    month = _months(lang, abbreviated=True)[m.group("m").lower().rstrip(".")]
    day = _part_day(m.group("p"))

    def in_year(y: int) -> date:
        return _month_end(y, month) if day == 0 else date(y, month, day)

    if m.groupdict().get("y"):
        return in_year(int(m.group("y")))
    return _upcoming(in_year, today)


def _next_month_part(m: re.Match[str], today: date, lang: str) -> date:
    """"mid next month", "inizio del mese prossimo"."""
    following = today + relativedelta(months=1)
    day = _part_day(m.group("p") or m.group("p2"))
    return _month_end(following.year, following.month) if day == 0 else date(following.year, following.month, day)


def _mid_year(m: re.Match[str], today: date, lang: str) -> date | None:
    """"mid-year", "metà anno", "mid-2027": the end of June."""
    year = m.groupdict().get("y") or m.groupdict().get("y2")
    if year:
        return date(int(year), 6, 30)
    return _upcoming(lambda y: date(y, 6, 30), today)


def _next_half(m: re.Match[str], today: date, lang: str) -> date:
    return _month_end(today.year, 12) if today.month <= 6 else date(today.year + 1, 6, 30)


def _this_half(m: re.Match[str], today: date, lang: str) -> date:
    return date(today.year, 6, 30) if today.month <= 6 else date(today.year, 12, 31)


# --- fiscal years ----------------------------------------------------------
# A fiscal year is named by the calendar year it ends in (FY27 starting in February runs Feb 2026 - Jan 2027).


def fiscal_year_start(fiscal_year: int, start_month: int) -> date:
    """The first day of fiscal year `fiscal_year` when fiscal years start in `start_month`."""
    return date(fiscal_year if start_month == 1 else fiscal_year - 1, start_month, 1)


def fiscal_year_of(day: date, start_month: int) -> int:
    """The fiscal year (named by the calendar year it ends in) that `day` falls in."""
    return day.year + 1 if start_month != 1 and day.month >= start_month else day.year


def _fiscal_period_end(fiscal_year: int, start_month: int, months: int) -> date:
    return fiscal_year_start(fiscal_year, start_month) + relativedelta(months=months) - timedelta(days=1)


def _fy_number(m: re.Match[str]) -> int | None:
    raw = m.groupdict().get("fy") or m.groupdict().get("fy2")
    return _full_year(raw) if raw else None


def _upcoming_fiscal(today: date, start_month: int, months: int, fiscal_year: int | None) -> date:
    if fiscal_year is not None:
        return _fiscal_period_end(fiscal_year, start_month, months)
    current = fiscal_year_of(today, start_month)
    found = _fiscal_period_end(current, start_month, months)
    return found if found >= today else _fiscal_period_end(current + 1, start_month, months)


def _fiscal_quarter(m: re.Match[str], today: date, start_month: int) -> date:
    groups = m.groupdict()
    quarter = int(groups["q"]) if groups.get("q") else _ORDINALS[groups["o"].lower()]
    return _upcoming_fiscal(today, start_month, 3 * quarter, _fy_number(m))


def _fiscal_half(m: re.Match[str], today: date, start_month: int) -> date:
    groups = m.groupdict()
    half = int(groups["h"]) if groups.get("h") else _ORDINALS[groups["o"].lower()]
    return _upcoming_fiscal(today, start_month, 6 * half, _fy_number(m))


def _fiscal_year_end(m: re.Match[str], today: date, start_month: int) -> date:
    return _upcoming_fiscal(today, start_month, 12, _fy_number(m))


def _next_fiscal_year_end(m: re.Match[str], today: date, start_month: int) -> date:
    return _fiscal_period_end(fiscal_year_of(today, start_month) + 1, start_month, 12)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + pattern + r")(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=4)
def _rules(lang: str) -> tuple[_Rule, ...]:
    months_wide = _alternation(_months(lang, abbreviated=False))
    months_any = _alternation(_months(lang, abbreviated=True))
    weekdays = _alternation(_weekdays())
    weekdays_dated = "(?:" + _alternation({**_weekdays(), **_WEEKDAY_ABBREVIATIONS}) + r")\.?"
    year = r"(?P<y>20\d\d)"
    q_year = rf"(?:(?:\s+(?:of\s+|del\s+)?|\s*[-/]\s*){year}|\s*(?:{_APOS}|-|/)\s*(?P<yy>\d\d)(?!\d))"
    ordinal_suffix = r"(?:st|nd|rd|th|°|º)?"
    fy = r"FY\s?['’]?(?P<fy>20\d\d|\d\d)(?!\d)"
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
        # "For the whole year": a year from today, said back as a reading (the calendar year may have been meant).
        _Rule(_compile(
            rf"(?:for|during|throughout|over)\s+(?:the\s+|a\s+)?(?:whole|entire|full)\s+year|all\s+year\s+(?:long|round)"
            rf"|(?:per|durante|in)\s+tutto\s+l{_APOS}\s*anno|(?:per|durante|nell{_APOS}\s*arco\s+di)\s+(?:l{_APOS}\s*)?(?:un\s+)?intero\s+anno"
            rf"|tutto\s+l{_APOS}\s*anno"), _whole_year, weak=True),
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
        # Fiscal years: FY27, Q1 FY27, Q3 FY, fine anno fiscale (resolved against the fiscal-year start).
        _Rule(_compile(rf"(?:{_END})?{fy}\s*[-/]?\s*Q(?P<q>[1-4])"), fiscal=_fiscal_quarter),
        _Rule(_compile(rf"(?:{_END})?Q(?P<q>[1-4])\s*[-/]?\s*(?:{fy}|FY|fiscal[ei]?|(?:of\s+the\s+|del(?:l{_APOS})?\s*)?(?:fiscal\s+year|anno\s+fiscale))"), fiscal=_fiscal_quarter),
        _Rule(_compile(rf"(?:{_END})?(?:the\s+)?fiscal\s+Q(?P<q>[1-4])(?:\s+(?:of\s+)?{fy})?"), fiscal=_fiscal_quarter),
        _Rule(_compile(rf"(?:{_END})?(?:the\s+|il\s+)?(?P<o>{_ORD_QUARTER})\s+(?:fiscal\s+quarter|trimestre\s+fiscale)(?:\s+(?:of\s+|del\s+)?{fy})?"), fiscal=_fiscal_quarter),
        _Rule(_compile(rf"(?:{_END})?{fy}\s*[-/]?\s*H(?P<h>[12])"), fiscal=_fiscal_half),
        _Rule(_compile(rf"(?:{_END})?H(?P<h>[12])\s*[-/]?\s*(?:{fy}|FY|fiscal[ei]?)"), fiscal=_fiscal_half),
        _Rule(_compile(rf"(?:{_END})?(?:{fy}|(?:fiscal\s+year|anno\s+fiscale)\s+(?P<fy2>20\d\d))"), fiscal=_fiscal_year_end),
        _Rule(_compile(
            rf"{_END_EN}(?:this\s+|the\s+|current\s+)?(?:fiscal\s+year|FY)|(?:this|the\s+current|current)\s+(?:fiscal\s+year|FY)"
            rf"|fiscal[\s-]year[\s-]end|EOFY|FYE"
            rf"|{_END_IT}(?:l{_APOS}\s*)?(?:anno\s+fiscale|esercizio)(?:\s+(?:in\s+corso|corrente))?"
            rf"|(?:quest{_APOS}\s*|questo\s+)(?:anno\s+fiscale|esercizio)|(?:l{_APOS}\s*)?anno\s+fiscale\s+(?:in\s+corso|corrente)"
            rf"|entro\s+l{_APOS}\s*anno\s+fiscale(?!\s+(?:prossimo|successivo))|chiusura\s+(?:dell{_APOS}\s*)?(?:anno\s+fiscale|esercizio)"),
            fiscal=_fiscal_year_end),
        _Rule(_compile(
            rf"(?:{_END})?(?:next\s+(?:fiscal\s+year|FY)|(?:il\s+)?prossimo\s+(?:anno\s+fiscale|esercizio)"
            rf"|(?:l{_APOS}\s*)?anno\s+fiscale\s+(?:prossimo|successivo))"), fiscal=_next_fiscal_year_end),
        # More halves: 1H27, prima metà dell'anno, next half, this half.
        _Rule(_compile(rf"(?:{_END})?(?P<h>[12])H(?:\s*{_APOS}?(?P<yy>\d\d)(?!\d)|\s+{year})?"), _named_half),
        _Rule(_compile(rf"(?:{_END})?(?:la\s+)?(?P<o>prima|seconda)\s+metà\s+(?:dell{_APOS}\s*anno|del\s+{year})"), _named_half),
        _Rule(_compile(rf"(?:{_END})?(?:the\s+)?(?:next\s+half|(?:il\s+)?prossimo\s+semestre|semestre\s+prossimo)"), _next_half),
        _Rule(_compile(rf"{_END_EN}(?:this\s+|the\s+)?half|this\s+half|{_END_IT}(?:questo\s+)?semestre|questo\s+semestre"), _this_half),
        # Loose phrases inside a month or a year: read as a day, and said back to the owner.
        _Rule(_compile(
            rf"(?P<p>early|mid|late|(?:the\s+)?(?:start|beginning|middle)\s+of)(?:\s*-\s*|\s+)(?P<m>{months_any})\.?(?:,?\s+{year})?"),
            _month_part, weak=True),
        _Rule(_compile(
            rf"(?:a\s+|ai\s+|agli\s+)?(?P<p>metà|meta|inizio|inizi|primi)\s+(?:di\s+)?(?P<m>{months_wide})(?:\s+{year})?"),
            _month_part, weak=True),
        _Rule(_compile(
            r"(?P<p>early|mid|late|(?:the\s+)?(?:start|beginning|middle)\s+of)(?:\s*-\s*|\s+)(?:the\s+)?next\s+month"
            r"|(?:a\s+)?(?P<p2>metà|meta|inizio)\s+(?:del\s+)?(?:prossimo\s+mese|mese\s+prossimo)"), _next_month_part, weak=True),
        _Rule(_compile(rf"mid[\s-]?year|(?:a\s+)?metà\s+(?:dell{_APOS}\s*)?anno|mid[\s-](?P<y>20\d\d)|(?:a\s+)?metà\s+(?:del\s+)?(?P<y2>20\d\d)"),
              _mid_year, weak=True),
        # A weekday with a date: the date wins, and a weekday that disagrees is asked about.
        _Rule(_compile(rf"(?P<w>{weekdays_dated}),?\s+(?:the\s+|il\s+)?(?P<d>\d{{1,2}}){ordinal_suffix}\s+(?:of\s+|di\s+)?(?P<m>{months_any})\.?(?:,?\s+{year})?"),
              _weekday_date, weak=True),
        _Rule(_compile(rf"(?P<w>{weekdays_dated}),?\s+(?P<m>{months_any})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![.,]?\d|\s*%)(?:,?\s+{year})?"),
              _weekday_date, weak=True),
        _Rule(_compile(rf"(?P<w>{weekdays_dated}),?\s+(?P<a>\d{{1,2}})[/.](?P<b>\d{{1,2}})(?:[/.](?P<y>\d{{4}}|\d{{2}}))?(?![\d%]|[.,/-]\d)"),
              _weekday_numeric, weak=True),
        _Rule(_compile(rf"(?P<w>{weekdays}),?\s+(?:the\s+|il\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th|°|º)?(?![\d/.,:°º]|\s*(?:%|[ap]\.?m\b|h\b|ore\b))"),
              _weekday_day, needs_lead=True, weak=True),
        # Explicit dates.
        _Rule(_compile(rf"(?:the\s+)?(?P<d>\d{{1,2}}){ordinal_suffix}\s+(?:of\s+|di\s+)?(?P<m>{months_any})\.?(?:,?\s+{year})?"), _day_month),
        _Rule(_compile(rf"(?P<m>{months_any})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![.,]?\d|\s*%)(?:,?\s+{year})?"), _day_month),
        _Rule(_compile(rf"(?:{_END})?(?P<m>{months_wide})\s+(?:of\s+|del\s+)?{year}"), _named_month),
        # After "end of" / "fine" a short month is a month: "by end of jan", "entro fine feb".
        _Rule(_compile(rf"{_END}(?P<m>{months_any})\.?(?![\w-])"), _named_month),
        _Rule(_compile(rf"(?P<m>{months_wide})"), _named_month, needs_lead=True),
        _Rule(_compile(rf"(?:this|next|coming|questo|prossimo)\s+(?P<w>{weekdays})|(?P<w2>{weekdays})\s+(?:prossim[oa])"), _weekday, weak=True),
        _Rule(_compile(rf"(?P<w>{weekdays})"), _weekday, needs_lead=True, weak=True),
        _Rule(_compile(r"(?<![\d/.-])(?P<y>20\d\d)[-/](?P<mo>\d{1,2})[-/](?P<d>\d{1,2})(?![\d/.-]\d)"), _iso),
        _Rule(_compile(r"(?<![\d.,/€$£-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?![\d%]|[.,/-]\d)"), _numeric),
        _Rule(_compile(r"(?<![\d.,/€$£-])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\d/%]|[.,]\d)"), _numeric, needs_lead=True),
        _Rule(_compile(r"today|(?:the\s+)?day\s+after\s+tomorrow|tomorrow|oggi|dopodomani|domani"), _relative_day, needs_lead=True),
        _Rule(_compile(rf"(?:the|il)\s+(?P<d>\d{{1,2}}){ordinal_suffix}|(?P<d2>\d{{1,2}})(?:st|nd|rd|th|°|º)"), _day_only, resolve_only=True, weak=True),
    ]
    return tuple(rules)


# --- search -----------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    priority: int
    deadline: date | None  # None: a date shape that names no single day
    reading: str | None = None  # "weak" or "fiscal", see DeadlineResult.reading
    mismatch: bool = False  # a weekday that disagrees with the date next to it


def _extend_left(text: str, start: int) -> int:
    lead = _LEAD_RE.search(text[:start])
    return lead.start() if lead else start


def _apply(rule: _Rule, m: re.Match[str], today: date, lang: str, fiscal_start: int) -> tuple[date | None, bool]:
    """The date a rule's match names, and whether a weekday next to it disagrees."""
    try:
        if rule.fiscal is not None:
            return rule.fiscal(m, today, fiscal_start), False
        assert rule.resolve is not None
        return rule.resolve(m, today, lang), False
    except _WeekdayMismatch as mismatch:
        return mismatch.found, True


def _candidates(text: str, lang: str, today: date, *, in_sentence: bool, fiscal_start: int = 1) -> list[_Candidate]:
    found: list[_Candidate] = []
    for priority, rule in enumerate(_rules(lang)):
        if rule.resolve_only and in_sentence:
            continue
        reading = "fiscal" if rule.fiscal is not None else "weak" if rule.weak else None
        for m in rule.pattern.finditer(text):
            start = _extend_left(text, m.start())
            if rule.needs_lead and in_sentence and start == m.start():
                continue
            try:
                deadline, mismatch = _apply(rule, m, today, lang, fiscal_start)
            except _Unreadable:
                found.append(_Candidate(start, m.end(), priority, None))
                continue
            if deadline is not None:  # None: the words only looked like this shape ("in DACH next month")
                found.append(_Candidate(start, m.end(), priority, deadline, reading, mismatch))
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


# A phrase naming the coming quarter(s) as the period itself ("next quarter", "in the next two quarters", "nel
# prossimo trimestre"), not as a limit ("by next quarter", "within the next two quarters", "entro il prossimo
# trimestre", which start now).
_COMING_QUARTERS = re.compile(
    r"(?:next|coming|following|prossim[oie])\s+(?:\w+\s+)?(?:quarters?|trimestr[ei])\b|\btrimestre\s+prossimo",
    re.IGNORECASE)
_LIMIT_LEAD = re.compile(r"^\s*(?:by|within|before|until|till|entro|prima|fino|tra|fra|da\s+qui)\b|\b(?:end|fine)\b",
                         re.IGNORECASE)


def _period_start(matched: str, deadline: date, today: date) -> date | None:
    """The first day of the coming quarter when `matched` names the coming quarter(s) as the goal's period."""
    if not _COMING_QUARTERS.search(matched) or _LIMIT_LEAD.search(matched):
        return None
    index = today.year * 4 + _quarter_of(today)  # the next quarter's index (0-based quarters)
    start = date(index // 4, (index % 4) * 3 + 1, 1)
    return start if today < start < deadline else None


def _result(text: str, best: _Candidate, today: date, fiscal_start: int) -> DeadlineResult:
    matched = text[best.start:best.end]
    if best.deadline is None:
        return DeadlineResult(None, "unreadable", matched, best.start, best.end)
    error = "past" if best.deadline < today else "weekday_mismatch" if best.mismatch else None
    start_of_fy = None
    if best.reading == "fiscal":
        # The fiscal year the deadline falls in (its last day belongs to it).
        start_of_fy = fiscal_year_start(fiscal_year_of(best.deadline, fiscal_start), fiscal_start)
    period = _period_start(matched, best.deadline, today) if best.reading is None else None
    return DeadlineResult(best.deadline, error, matched, best.start, best.end, best.reading, start_of_fy, period)


def find_deadline(text: str, *, lang: str, now: datetime, tz: str, fiscal_year_start_month: int = 1) -> DeadlineResult:
    """Locate and resolve the deadline phrase inside a goal sentence, if it names one."""
    today = local_today(now, tz)
    best = _best(_candidates(text, lang, today, in_sentence=True, fiscal_start=fiscal_year_start_month))
    if best is None:
        return DeadlineResult(None, None, None)
    return _result(text, best, today, fiscal_year_start_month)


def _span(text: str, part: str) -> tuple[int, int]:
    if not part:
        return -1, -1
    start = text.find(part)
    return start, start + len(part)


_STRIP = " \t\n.,;:!?\"'()[]"
_LEADING_WORDS = re.compile(r"^(?:by|before|until|on|in|entro(?:\s+(?:il|la|l['’]|i|le))?|per|prima\s+d(?:i|el|ella))\s+", re.I)


def resolve_deadline(text: str, *, lang: str, now: datetime, tz: str, fiscal_year_start_month: int = 1) -> DeadlineResult:
    """Resolve a whole answer to "by when?" to a date, or say why it cannot be used."""
    today = local_today(now, tz)
    best = _best(_candidates(text, lang, today, in_sentence=False, fiscal_start=fiscal_year_start_month))
    if best is not None:
        return _result(text, best, today, fiscal_year_start_month)
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
    # dateparser's reading of a free phrase is a guess worth saying back.
    return _result(text, _Candidate(start, start + len(stripped), 0, parsed.date(), "weak"), today, fiscal_year_start_month)
