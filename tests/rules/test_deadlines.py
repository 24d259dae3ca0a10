"""Table-driven tests for bot.rules.deadlines.

Unless a case says otherwise it is Thursday 26 November 2026, 11:00 in Rome.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.rules.deadlines import DeadlineResult, find_deadline, resolve_deadline

NOW = datetime.fromisoformat("2026-11-26T10:00:00+00:00")
ROME = "Europe/Rome"

# (answer, lang, expected deadline) — the answer to "by when?"
RESOLVED = [
    # quarters: "next" is the calendar quarter after this one, a bare Qn the next one not yet over
    ("next quarter", "en", date(2027, 3, 31)),
    ("nel prossimo trimestre", "it", date(2027, 3, 31)),
    ("il prossimo trimestre", "it", date(2027, 3, 31)),
    ("by the end of next quarter", "en", date(2027, 3, 31)),
    ("this quarter", "en", date(2026, 12, 31)),
    ("end of the quarter", "en", date(2026, 12, 31)),
    ("questo trimestre", "it", date(2026, 12, 31)),
    ("entro fine trimestre", "it", date(2026, 12, 31)),
    ("Q1 2027", "en", date(2027, 3, 31)),
    ("Q3", "en", date(2027, 9, 30)),
    ("Q4", "en", date(2026, 12, 31)),
    ("by end of Q2", "en", date(2027, 6, 30)),
    ("Q3 '27", "en", date(2027, 9, 30)),
    ("1° trimestre 2027", "it", date(2027, 3, 31)),
    ("primo trimestre", "it", date(2027, 3, 31)),
    ("in the first quarter of 2027", "en", date(2027, 3, 31)),
    ("over the next two quarters", "en", date(2027, 6, 30)),
    ("nei prossimi due trimestri", "it", date(2027, 6, 30)),
    # halves
    ("H1 2027", "en", date(2027, 6, 30)),
    ("H2", "en", date(2026, 12, 31)),
    ("secondo semestre 2027", "it", date(2027, 12, 31)),
    # year and month ends
    ("end of the year", "en", date(2026, 12, 31)),
    ("by year-end", "en", date(2026, 12, 31)),
    ("entro fine anno", "it", date(2026, 12, 31)),
    ("entro la fine dell'anno", "it", date(2026, 12, 31)),
    ("entro l'anno", "it", date(2026, 12, 31)),
    ("next year", "en", date(2027, 12, 31)),
    ("l'anno prossimo", "it", date(2027, 12, 31)),
    ("end of 2027", "en", date(2027, 12, 31)),
    ("entro il 2027", "it", date(2027, 12, 31)),
    ("end of month", "en", date(2026, 11, 30)),
    ("fine mese", "it", date(2026, 11, 30)),
    ("next month", "en", date(2026, 12, 31)),
    ("il prossimo mese", "it", date(2026, 12, 31)),
    # rolling periods count from today
    ("in the next 30 days", "en", date(2026, 12, 26)),
    ("within the next two weeks", "en", date(2026, 12, 10)),
    ("over the next 6 months", "en", date(2027, 5, 26)),
    ("in 6 months", "en", date(2027, 5, 26)),
    ("in six months' time", "en", date(2027, 5, 26)),
    ("nei prossimi sei mesi", "it", date(2027, 5, 26)),
    ("entro 6 mesi", "it", date(2027, 5, 26)),
    ("tra 3 settimane", "it", date(2026, 12, 17)),
    ("da qui a 3 mesi", "it", date(2027, 2, 26)),
    ("nel prossimo anno", "it", date(2027, 11, 26)),
    ("over the next year", "en", date(2027, 11, 26)),
    ("in a year", "en", date(2027, 11, 26)),
    ("entro un anno", "it", date(2027, 11, 26)),
    ("5 weeks from now", "en", date(2026, 12, 31)),
    # weekdays: the next one after today (today is a Thursday)
    ("by Friday", "en", date(2026, 11, 27)),
    ("entro venerdì", "it", date(2026, 11, 27)),
    ("entro venerdi", "it", date(2026, 11, 27)),
    ("by Thursday", "en", date(2026, 12, 3)),
    ("lunedì prossimo", "it", date(2026, 11, 30)),
    # explicit dates; without a year, the next occurrence that is not past
    ("entro il 31 marzo", "it", date(2027, 3, 31)),
    ("by March 31", "en", date(2027, 3, 31)),
    ("by 31 March 2027", "en", date(2027, 3, 31)),
    ("March 31st, 2027", "en", date(2027, 3, 31)),
    ("1° aprile", "it", date(2027, 4, 1)),
    ("26 November", "en", date(2026, 11, 26)),
    ("25 November", "en", date(2027, 11, 25)),
    ("2027-03-31", "en", date(2027, 3, 31)),
    ("31/03/2027", "it", date(2027, 3, 31)),
    ("03/04/2027", "it", date(2027, 4, 3)),
    ("31.03.27", "it", date(2027, 3, 31)),
    ("31/03/2027", "en", date(2027, 3, 31)),
    ("03/31/2027", "en", date(2027, 3, 31)),
    ("entro il 31/03", "it", date(2027, 3, 31)),
    # a month alone means its last day
    ("by June", "en", date(2027, 6, 30)),
    ("entro giugno", "it", date(2027, 6, 30)),
    ("end of March", "en", date(2027, 3, 31)),
    ("fine marzo", "it", date(2027, 3, 31)),
    ("November", "en", date(2026, 11, 30)),
    ("March 2027", "en", date(2027, 3, 31)),
    # days
    ("tomorrow", "en", date(2026, 11, 27)),
    ("domani", "it", date(2026, 11, 27)),
    ("dopodomani", "it", date(2026, 11, 28)),
    ("the 15th", "en", date(2026, 12, 15)),
    ("entro il 15", "it", date(2026, 12, 15)),
    # left to dateparser
    ("in a fortnight", "en", date(2026, 12, 10)),
    # a longer answer around the phrase
    ("I'd say by the end of Q1, hopefully", "en", date(2027, 3, 31)),
]


@pytest.mark.parametrize(("text", "lang", "expected"), RESOLVED, ids=[f"{c[1]}:{c[0]}" for c in RESOLVED])
def test_resolve_deadline(text: str, lang: str, expected: date) -> None:
    result = resolve_deadline(text, lang=lang, now=NOW, tz=ROME)
    assert (result.deadline, result.error) == (expected, None)
    assert result.matched and result.matched in text


# (answer, lang, date echoed back)
PAST = [
    ("31 March 2025", "en", date(2025, 3, 31)),
    ("Q1 2026", "en", date(2026, 3, 31)),
    ("entro il 31/12/2025", "it", date(2025, 12, 31)),
    ("2026-11-25", "en", date(2026, 11, 25)),
    ("end of 2025", "en", date(2025, 12, 31)),
    ("yesterday", "en", date(2026, 11, 25)),
    ("ieri", "it", date(2026, 11, 25)),
]


@pytest.mark.parametrize(("text", "lang", "expected"), PAST, ids=[c[0] for c in PAST])
def test_past_dates_are_refused_but_echoed(text: str, lang: str, expected: date) -> None:
    result = resolve_deadline(text, lang=lang, now=NOW, tz=ROME)
    assert (result.deadline, result.error) == (expected, "past")


UNREADABLE = [
    ("", "en"),
    ("   ", "it"),
    ("asdf", "en"),
    ("boh", "it"),
    ("non lo so", "it"),
    ("I don't know", "en"),
    ("maybe", "en"),
    ("15", "en"),  # a bare number: the 15th, or 15 days?
    ("03/04/2027", "en"),  # 3 April or March 4?
    ("31 Feb 2027", "en"),
    ("Q5", "en"),
    ("over the coming months", "en"),
]


@pytest.mark.parametrize(("text", "lang"), UNREADABLE, ids=[repr(c[0]) for c in UNREADABLE])
def test_garbage_is_unreadable(text: str, lang: str) -> None:
    result = resolve_deadline(text, lang=lang, now=NOW, tz=ROME)
    assert (result.deadline, result.error) == (None, "unreadable")


# (now in UTC, time zone, answer, expected): "today" is the person's local day
TIME_ZONES = [
    ("2026-12-31T23:30:00+00:00", "Europe/Rome", "end of the year", date(2027, 12, 31)),
    ("2026-12-31T23:30:00+00:00", "UTC", "end of the year", date(2026, 12, 31)),
    ("2026-12-31T23:30:00+00:00", "Europe/Rome", "next quarter", date(2027, 6, 30)),
    ("2026-12-31T23:30:00+00:00", "UTC", "next quarter", date(2027, 3, 31)),
    # 07:30 UTC is still Wednesday evening in Los Angeles, Thursday afternoon in Tokyo
    ("2026-11-26T07:30:00+00:00", "America/Los_Angeles", "tomorrow", date(2026, 11, 26)),
    ("2026-11-26T07:30:00+00:00", "Asia/Tokyo", "tomorrow", date(2026, 11, 27)),
    ("2026-11-26T07:30:00+00:00", "America/Los_Angeles", "by Thursday", date(2026, 11, 26)),
    ("2026-11-26T07:30:00+00:00", "Asia/Tokyo", "by Thursday", date(2026, 12, 3)),
    ("2026-11-26T07:30:00+00:00", "America/Los_Angeles", "in 7 days", date(2026, 12, 2)),
    ("2026-11-26T07:30:00+00:00", "Asia/Tokyo", "in 7 days", date(2026, 12, 3)),
    # 20:00 UTC on 30 November is already 1 December in Tokyo
    ("2026-11-30T20:00:00+00:00", "America/Los_Angeles", "end of month", date(2026, 11, 30)),
    ("2026-11-30T20:00:00+00:00", "Asia/Tokyo", "end of month", date(2026, 12, 31)),
    ("2026-11-30T20:00:00+00:00", "America/Los_Angeles", "30 November", date(2026, 11, 30)),
    ("2026-11-30T20:00:00+00:00", "Asia/Tokyo", "30 November", date(2027, 11, 30)),
]


@pytest.mark.parametrize(("now", "tz", "text", "expected"), TIME_ZONES, ids=[f"{c[1]}:{c[2]}@{c[0][:16]}" for c in TIME_ZONES])
def test_today_is_the_local_day(now: str, tz: str, text: str, expected: date) -> None:
    result = resolve_deadline(text, lang="en", now=datetime.fromisoformat(now), tz=tz)
    assert (result.deadline, result.error) == (expected, None)


def test_a_date_that_is_today_in_one_zone_is_past_in_another() -> None:
    now = datetime.fromisoformat("2026-11-30T20:00:00+00:00")
    assert resolve_deadline("2026-11-30", lang="en", now=now, tz="America/Los_Angeles").error is None
    assert resolve_deadline("2026-11-30", lang="en", now=now, tz="Asia/Tokyo").error == "past"


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        resolve_deadline("next quarter", lang="en", now=datetime(2026, 11, 26, 10), tz=ROME)


# (goal sentence, lang, phrase found, deadline, error)
FOUND = [
    ("increase sales of product X by 15% next quarter", "en", "next quarter", date(2027, 3, 31), None),
    ("aumentare le vendite del prodotto X del 15% nel prossimo trimestre", "it", "nel prossimo trimestre",
     date(2027, 3, 31), None),
    ("keep a 90% customer retention rate over the next year", "en", "over the next year", date(2027, 11, 26), None),
    ("mantenere un tasso di fidelizzazione dei clienti del 90% nel prossimo anno", "it", "nel prossimo anno",
     date(2027, 11, 26), None),
    ("acquire 10 new clients in the next six months", "en", "in the next six months", date(2027, 5, 26), None),
    ("acquisire 10 nuovi clienti nei prossimi sei mesi", "it", "nei prossimi sei mesi", date(2027, 5, 26), None),
    ("upsell premium support to 5 existing accounts by Q2 2027", "en", "by Q2 2027", date(2027, 6, 30), None),
    ("upselling di 50.000 euro sui clienti esistenti entro giugno", "it", "entro giugno", date(2027, 6, 30), None),
    ("close €250k of new business by end of year", "en", "by end of year", date(2026, 12, 31), None),
    ("raggiungere 250.000 euro di fatturato entro fine anno", "it", "entro fine anno", date(2026, 12, 31), None),
    ("grow ARR from €1M to €1.3M by end of 2027", "en", "by end of 2027", date(2027, 12, 31), None),
    ("sign 4 new logos before the end of Q1", "en", "before the end of Q1", date(2027, 3, 31), None),
    ("ridurre il churn al 5% entro il 31/03/2027", "it", "entro il 31/03/2027", date(2027, 3, 31), None),
    ("grow revenue 12.5% by 31/03", "en", "by 31/03", date(2027, 3, 31), None),
    ("chiudere 8 contratti a marzo", "it", "a marzo", date(2027, 3, 31), None),
    ("win back 3 accounts by Friday", "en", "by Friday", date(2026, 11, 27), None),
    ("aumentare le vendite nel 2027 del 20%", "it", "nel 2027", date(2027, 12, 31), None),
    ("win 3 new logos in DACH next month", "en", "next month", date(2026, 12, 31), None),
    ("grow revenue by 20% in the next few months, ideally by Q2", "en", "by Q2", date(2027, 6, 30), None),
    ("increase pipeline to £500k by 15 January 2025", "en", "by 15 January 2025", date(2025, 1, 15), "past"),
    ("hit quota by 03/04/2027", "en", "by 03/04/2027", None, "unreadable"),
]


@pytest.mark.parametrize(("text", "lang", "phrase", "deadline", "error"), FOUND, ids=[c[2] for c in FOUND])
def test_find_deadline_in_a_sentence(text: str, lang: str, phrase: str, deadline: date | None, error: str | None) -> None:
    result = find_deadline(text, lang=lang, now=NOW, tz=ROME)
    assert (result.matched, result.deadline, result.error) == (phrase, deadline, error)
    assert text[result.start:result.end] == phrase


# Sentences without a deadline, several with words dateparser would happily turn into dates.
NO_DEADLINE = [
    ("cross-sell product Y to 20 accounts", "en"),
    ("vendere il prodotto Y in cross-selling a 20 clienti", "it"),
    ("reduce churn to 5%", "en"),
    ("increase sales", "en"),
    ("we may close 12 deals", "en"),
    ("march into the enterprise segment", "en"),
    ("close 5 deals with Friday Ltd", "en"),
    ("close 2027 deals", "en"),
    ("sell 10/12 licences", "en"),
    ("grow revenue 1.5 times", "en"),
    ("set 5 meetings a week", "en"),
    ("grow revenue 10% year over year", "en"),
    ("portare il fatturato da 1.000.000 a 1.300.000 euro", "it"),
    ("grow upsell revenue by 20% over the coming months", "en"),
]


@pytest.mark.parametrize(("text", "lang"), NO_DEADLINE, ids=[c[0] for c in NO_DEADLINE])
def test_sentences_without_a_deadline(text: str, lang: str) -> None:
    assert find_deadline(text, lang=lang, now=NOW, tz=ROME) == DeadlineResult(None, None, None)


# Loose phrases and weekdays: resolved, and marked "weak" so the summary card says which date was meant.
WEAK = [
    ("by mid-February", "en", date(2027, 2, 15)),
    ("mid feb", "en", date(2027, 2, 15)),
    ("entro metà marzo", "it", date(2027, 3, 15)),
    ("a metà marzo 2027", "it", date(2027, 3, 15)),
    ("by early April", "en", date(2027, 4, 10)),
    ("by the beginning of June", "en", date(2027, 6, 10)),
    ("entro inizio maggio", "it", date(2027, 5, 10)),
    ("ai primi di maggio", "it", date(2027, 5, 10)),
    ("by late May", "en", date(2027, 5, 31)),
    ("mid next month", "en", date(2026, 12, 15)),
    ("entro metà del prossimo mese", "it", date(2026, 12, 15)),
    ("by mid-year", "en", date(2027, 6, 30)),
    ("entro metà anno", "it", date(2027, 6, 30)),
    ("entro venerdì 18 dicembre", "it", date(2026, 12, 18)),
    ("by Friday, December 18", "en", date(2026, 12, 18)),
    ("by Fri. Dec 18", "en", date(2026, 12, 18)),
    ("ven 18 dicembre 2026", "it", date(2026, 12, 18)),
    ("by Friday 18/12", "en", date(2026, 12, 18)),
    ("entro venerdì 18", "it", date(2026, 12, 18)),
    ("by Friday", "en", date(2026, 11, 27)),
]


@pytest.mark.parametrize(("text", "lang", "expected"), WEAK, ids=[f"{c[1]}:{c[0]}" for c in WEAK])
def test_loose_phrases_resolve_and_say_they_were_read(text: str, lang: str, expected: date) -> None:
    result = resolve_deadline(text, lang=lang, now=NOW, tz=ROME)
    assert (result.deadline, result.error, result.reading) == (expected, None, "weak")


# Half-years and plain dates are not loose: no note.
PLAIN = [
    ("in 1H27", "en", date(2027, 6, 30)),
    ("nella prima metà dell'anno", "it", date(2027, 6, 30)),
    ("entro il prossimo semestre", "it", date(2027, 6, 30)),
    ("by end of this half", "en", date(2026, 12, 31)),
    ("nel secondo semestre", "it", date(2026, 12, 31)),
    ("by 31 March", "en", date(2027, 3, 31)),
]


@pytest.mark.parametrize(("text", "lang", "expected"), PLAIN, ids=[f"{c[1]}:{c[0]}" for c in PLAIN])
def test_plain_periods_need_no_note(text: str, lang: str, expected: date) -> None:
    result = resolve_deadline(text, lang=lang, now=NOW, tz=ROME)
    assert (result.deadline, result.error, result.reading) == (expected, None, None)


# (sentence, lang, the date as written): the weekday disagrees, so the owner is asked.
MISMATCH = [
    ("entro venerdì 19 dicembre", "it", date(2026, 12, 19)),
    ("by Monday, December 18", "en", date(2026, 12, 18)),
    ("lunedì 18/12", "it", date(2026, 12, 18)),
    ("entro giovedì 18", "it", date(2026, 12, 18)),
]


@pytest.mark.parametrize(("text", "lang", "written"), MISMATCH, ids=[c[0] for c in MISMATCH])
def test_a_weekday_that_disagrees_with_its_date_is_flagged(text: str, lang: str, written: date) -> None:
    result = resolve_deadline(text, lang=lang, now=NOW, tz=ROME)
    assert (result.deadline, result.error) == (written, "weekday_mismatch")


def test_the_weekday_settles_which_number_is_the_day() -> None:
    # 3/4 could be 3 April or March 4 in English; only March 4 2027 is a Thursday.
    result = resolve_deadline("Thursday 3/4", lang="en", now=NOW, tz=ROME)
    assert (result.deadline, result.error) == (date(2027, 3, 4), None)
    # 12/7 is a Monday both as 12 July 2027 and as 7 December 2026: still two readings.
    assert resolve_deadline("Monday 12/7", lang="en", now=NOW, tz=ROME).error == "unreadable"


# (fiscal-year start month, phrase, deadline): fiscal years are named by the calendar year they end in.
FISCAL = [
    (1, "FY27 Q1", date(2027, 3, 31)),
    (1, "end of fiscal year", date(2026, 12, 31)),
    (2, "FY27 Q1", date(2026, 4, 30)),  # already gone: February-April 2026
    (2, "Q3 FY", date(2027, 10, 31)),
    (2, "Q3 FY27", date(2026, 10, 31)),
    (2, "fine anno fiscale", date(2027, 1, 31)),
    (2, "entro la fine dell'anno fiscale", date(2027, 1, 31)),
    (2, "next fiscal year", date(2028, 1, 31)),
    (4, "by the end of FY28", date(2028, 3, 31)),
    (4, "fiscal Q4", date(2027, 3, 31)),
    (4, "il prossimo anno fiscale", date(2028, 3, 31)),
    (7, "nel primo trimestre fiscale", date(2027, 9, 30)),
    (10, "H1 FY27", date(2027, 3, 31)),
    (10, "FY2027 H2", date(2027, 9, 30)),
    (12, "Q2 FY28", date(2028, 5, 31)),
]


@pytest.mark.parametrize(("start", "text", "expected"), FISCAL, ids=[f"{c[0]}:{c[1]}" for c in FISCAL])
def test_fiscal_phrases_resolve_against_the_fiscal_year_start(start: int, text: str, expected: date) -> None:
    result = resolve_deadline(text, lang="it" if "fiscale" in text else "en", now=NOW, tz=ROME,
                              fiscal_year_start_month=start)
    assert (result.deadline, result.reading) == (expected, "fiscal")
    assert result.fiscal_start is not None and result.fiscal_start <= expected


@pytest.mark.parametrize("text,lang,start", [
    ("increase sales by 15% next quarter", "en", date(2027, 1, 1)),
    ("win 5 clients in the next two quarters", "en", date(2027, 1, 1)),
    ("acquisire 5 clienti nei prossimi due trimestri", "it", date(2027, 1, 1)),
    ("aumentare le vendite del 15% nel prossimo trimestre", "it", date(2027, 1, 1)),
    # a limit, not the period: it starts now
    ("increase sales by 15% by next quarter", "en", None),
    ("win 5 clients within the next two quarters", "en", None),
    ("vendite +15% entro il prossimo trimestre", "it", None),
    ("win 5 clients by the end of next quarter", "en", None),
    ("win 5 clients in the next 3 months", "en", None),
])
def test_a_coming_quarter_named_as_the_period_starts_on_its_first_day(text: str, lang: str, start: date | None) -> None:
    found = find_deadline(text, lang=lang, now=datetime(2026, 12, 2, 10, 0, tzinfo=UTC), tz="Europe/Rome")
    assert found.period_start == start
