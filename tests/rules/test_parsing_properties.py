"""Property tests for the parsers: invariants that hold for any text, not only the tables' examples."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.goals import parse_goal
from bot.rules.numbers import find_amounts, parse_number
from bot.rules.replies import REASONS, GoalContext, read_reply

NOW = datetime.fromisoformat("2026-11-26T10:00:00+00:00")
CLIENTS = GoalContext(baseline=0, target=10, current=4, unit="clients", direction="increase")
REVENUE = GoalContext(baseline=50_000, target=500_000, current=100_000, unit="EUR", direction="increase")
WORDS = st.sampled_from(["now", "at", "closed", "maybe", "no change", "siamo a", "altri", "more", "half way", "€", "%",
                         "k", "clients", "clienti", "by Friday", "entro venerdì 18 dicembre", "quasi a metà", ",", ".",
                         "spero", "down", "giù di mezzo punto", "FY27 Q1", "mezzo milione"])
REPLIES = st.one_of(st.text(max_size=200), st.lists(st.one_of(WORDS, st.integers(0, 10_000).map(str)), max_size=12)
                    .map(" ".join))


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["en", "it"]))
def test_a_whole_number_written_in_digits_is_read_back_exactly(n: int, lang: str) -> None:
    assert parse_number(str(n), lang) == n


@given(st.integers(min_value=0, max_value=999_999), st.sampled_from(["", "€", "$"]))
def test_grouped_digits_are_read_back_exactly_in_english(n: int, symbol: str) -> None:
    assert [a.value for a in find_amounts(f"{symbol}{n:,}", "en")] == [n]


@settings(max_examples=300)
@given(REPLIES, st.sampled_from(["en", "it"]), st.sampled_from([CLIENTS, REVENUE]))
def test_the_reply_parser_never_raises_and_never_records_without_a_value(text: str, lang: str, goal: GoalContext) -> None:
    reading = read_reply(text, lang=lang, goal=goal)
    if reading.confident:
        assert reading.value is not None and reading.reason is None and reading.candidates == ()
    else:
        assert reading.value is None and reading.reason in REASONS


@given(st.integers(min_value=1, max_value=500), st.sampled_from(["en", "it"]))
def test_a_plain_total_in_digits_is_recorded_exactly(n: int, lang: str) -> None:
    reading = read_reply(f"now at {n}" if lang == "en" else f"siamo a {n}", lang=lang, goal=CLIENTS)
    assert (reading.confident, reading.value) == (True, n)


@settings(max_examples=200)
@given(REPLIES, st.sampled_from(["en", "it"]))
def test_the_goal_parser_never_raises_and_keeps_the_owners_words(text: str, lang: str) -> None:
    goal = parse_goal(text, lang=lang, now=NOW, tz="Europe/Rome")
    assert goal.subject is None or goal.subject in text
    assert goal.deadline_phrase is None or goal.deadline_phrase in text
    assert all(note.phrase in text for note in goal.notes)


SECTOR_SENTENCES = st.sampled_from([
    ("en", "win {n} new clients in {s}"), ("en", "sign {n} new customers in {s} by june"),
    ("en", "close {n} deals in {s} next quarter"), ("en", "get {n} new logos in the {s} market this year"),
    ("it", "acquisire {n} nuovi clienti nel {s} entro giugno"), ("it", "chiudere {n} contratti nel {s} entro marzo"),
    ("it", "trovare {n} nuovi clienti nel settore {s} nel prossimo trimestre"),
])
MARKETS = st.sampled_from(["healthcare", "retail", "fintech", "manufacturing", "logistics", "pharma", "automotive",
                           "banking", "insurance", "energy", "telco", "manifatturiero", "farmaceutico", "bancario"])


@given(SECTOR_SENTENCES, MARKETS, st.integers(min_value=1, max_value=999))
def test_naming_the_market_never_loses_the_number(sentence: tuple[str, str], market: str, n: int) -> None:
    lang, template = sentence
    goal = parse_goal(template.format(n=n, s=market), lang=lang, now=NOW, tz="Europe/Rome")
    assert goal.target == n
    assert goal.subject is not None and market in goal.subject


_SPOKEN = st.lists(st.sampled_from(["un", "una", "altro", "un'altra", "another", "no", "nessun", "new", "nuovo",
                                    "cliente", "clients", "in", "più", "2", "two", "siamo", "a", ",", " "]),
                   max_size=12).map(" ".join)


@given(_SPOKEN | st.text(max_size=60), st.sampled_from(["en", "it"]))
def test_counts_said_in_words_are_rewritten_in_place(text: str, lang: str) -> None:
    # Every position in the rewritten reply still points at the same place in the person's words (the note and
    # the blocker are cut from those), and the person's words are never lost from the reading's note.
    from bot.rules.replies import _spelled_counts

    assert len(_spelled_counts(text, lang)) == len(text)
    if text.strip() and any(c.isalpha() for c in text):
        note = read_reply(text, lang=lang, goal=CLIENTS).note
        assert note is None or note == text.strip()
