"""Table-driven tests for bot.rules.answers: one answer per conversation step, English and Italian."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.rules.answers import (
    CloseReply,
    confidence_answer,
    only_a_level,
    read_close_reply,
    read_confidence,
    read_direction_choice,
    read_intent,
    read_measurable,
    read_specific,
    read_start,
)
from bot.rules.smart import GoalDraft

SALES = GoalDraft(text="increase sales", type="revenue", subject=None, metric="sales", unit=None,
                  direction="increase", baseline=None, target=None, deadline=None)
NEW_CLIENTS = GoalDraft(text="acquire new clients", type="new_business", subject="new clients", metric="new_clients",
                        unit=None, direction="increase", baseline=None, target=None, deadline=None)
RETENTION = GoalDraft(text="improve retention", type="retention", subject=None, metric="retention_rate", unit="%",
                      direction="increase", baseline=None, target=None, deadline=None)
KEEP_RETENTION = dataclasses.replace(RETENTION, direction="maintain")
CHURN = GoalDraft(text="bring churn down", type="retention", subject=None, metric="churn_rate", unit="%",
                  direction=None, baseline=None, target=None, deadline=None)
UPSELL = GoalDraft(text="upsell support to 5 accounts", type="revenue", subject="support", metric="upsell",
                   unit="accounts", direction="increase", baseline=0.0, target=5.0, deadline=None)
DRAFTS = {"sales": SALES, "new_clients": NEW_CLIENTS, "retention": RETENTION, "keep_retention": KEEP_RETENTION,
          "churn": CHURN, "upsell": UPSELL}

INTENTS = [
    ("yes", "en", "yes"),
    ("Yes!", "en", "yes"),
    ("  YES  ", "it", "yes"),
    ("y", "en", "yes"),
    ("ok", "it", "yes"),
    ("OK.", "en", "yes"),
    ("confirm", "it", "yes"),
    ("sì", "it", "yes"),
    ("si", "en", "yes"),
    ("Sì!!", "en", "yes"),
    ("conferma", "it", "yes"),
    ("Va bene", "it", "yes"),
    ("va bene.", "en", "yes"),
    ("cancel", "it", "cancel"),
    ("Stop", "en", "cancel"),
    ("annulla", "en", "cancel"),
    ("Basta!", "it", "cancel"),
    ("back", "it", "back"),
    ("indietro", "en", "back"),
    ("Indietro.", "it", "back"),
    ("skip", "en", "skip"),
    ("salta", "it", "skip"),
    ("SALTA", "en", "skip"),
    ("no", "en", None),
    ("yes but make it 20%", "en", None),
    ("sì, ma il 20%", "it", None),
    ("15%", "en", None),
    ("", "en", None),
]


@pytest.mark.parametrize(("text", "lang", "expected"), INTENTS, ids=[f"{c[1]}:{c[0]!r}" for c in INTENTS])
def test_read_intent(text: str, lang: str, expected: str | None) -> None:
    assert read_intent(text, lang) == expected


MEASURABLE = [
    ("15%", "en", "sales", {"target": 15.0, "unit": "%"}),
    ("del 15%", "it", "sales", {"target": 15.0, "unit": "%"}),
    ("from €100k to €120k", "en", "sales", {"baseline": 100_000.0, "target": 120_000.0, "unit": "EUR"}),
    ("da 100.000 a 120.000 euro", "it", "sales", {"baseline": 100_000.0, "target": 120_000.0, "unit": "EUR"}),
    ("portarle a 2 milioni di euro", "it", "sales", {"target": 2_000_000.0, "unit": "EUR"}),
    ("£1,250,000", "en", "sales", {"target": 1_250_000.0, "unit": "GBP"}),
    ("20 new clients", "en", "sales", {"metric": "new_clients", "baseline": 0.0, "target": 20.0, "unit": "clients"}),
    # new clients are counted from zero
    ("10 clients", "en", "new_clients", {"baseline": 0.0, "target": 10.0, "unit": "clients"}),
    ("target 20", "en", "new_clients", {"baseline": 0.0, "target": 20.0, "unit": "clients"}),
    ("obiettivo 12", "it", "new_clients", {"baseline": 0.0, "target": 12.0, "unit": "clients"}),
    ("dieci nuovi clienti", "it", "new_clients", {"baseline": 0.0, "target": 10.0, "unit": "clients"}),
    # rates
    ("90%", "en", "keep_retention", {"target": 90.0}),
    ("from 85% to 90%", "en", "retention", {"baseline": 85.0, "target": 90.0}),
    ("dall'85% al 90%", "it", "retention", {"baseline": 85.0, "target": 90.0}),
    ("by 5%", "en", "retention", {}),  # five points more than what? the level is unknown
    ("from 8% to 5%", "en", "churn", {"baseline": 8.0, "target": 5.0, "direction": "decrease"}),
    ("reduce it to 5%", "en", "retention", {"target": 5.0, "direction": "decrease"}),
    # a new unit replaces the old one; upsell still counts from zero
    ("€50k", "en", "upsell", {"baseline": 0.0, "target": 50_000.0, "unit": "EUR"}),
    # nothing to read
    ("boh", "it", "sales", {}),
    ("not sure yet", "en", "sales", {}),
    ("", "en", "sales", {}),
]


@pytest.mark.parametrize(("text", "lang", "draft", "expected"), MEASURABLE, ids=[f"{c[1]}:{c[2]}:{c[0]!r}" for c in MEASURABLE])
def test_read_measurable(text: str, lang: str, draft: str, expected: dict[str, object]) -> None:
    assert read_measurable(text, lang=lang, draft=DRAFTS[draft]) == expected


def test_a_rate_change_becomes_a_level_once_the_baseline_is_known() -> None:
    draft = dataclasses.replace(RETENTION, baseline=85.0)
    assert read_measurable("by 5%", lang="en", draft=draft) == {"target": 90.0}


CONFIDENCE = [
    ("8", "en", (8, None)),
    ("8/10", "en", (8, None)),
    ("10", "en", (10, None)),
    ("1", "it", (1, None)),
    ("otto", "it", (8, None)),
    ("eight — hiring an SDR", "en", (8, "hiring an SDR")),
    ("8 - we have 40 deals in pipeline", "en", (8, "we have 40 deals in pipeline")),
    ("7 su 10: due demo a settimana", "it", (7, "due demo a settimana")),
    ("sei, abbiamo 20 trattative aperte", "it", (6, "abbiamo 20 trattative aperte")),
    ("I'd say 7, two demos a week", "en", (7, "two demos a week")),
    ("confidence 6", "en", (6, None)),
    ("hello 6", "en", (None, None)),  # a number the person did not mean as a score
    ("ciao 6", "it", (None, None)),
    ("la mia fiducia è 7", "it", (7, None)),
    ("80%", "en", (8, None)),
    ("11", "en", (None, None)),
    ("0", "en", (None, None)),
    ("15 - easy", "en", (None, "easy")),
    ("7.5", "en", (None, None)),
    ("non so", "it", (None, None)),
    ("", "en", (None, None)),
]


@pytest.mark.parametrize(("text", "lang", "expected"), CONFIDENCE, ids=[f"{c[1]}:{c[0]!r}" for c in CONFIDENCE])
def test_read_confidence(text: str, lang: str, expected: tuple[int | None, str | None]) -> None:
    assert read_confidence(text, lang) == expected


SPECIFIC = [
    ("product X", "en", "sales", {"subject": "product X"}),
    ("Acme accounts.", "en", "sales", {"subject": "Acme accounts"}),
    ("EMEA", "en", "sales", {"subject": "EMEA"}),
    ("the enterprise segment", "en", "sales", {"subject": "enterprise segment"}),
    ("  it's about Widget Pro. ", "en", "sales", {"subject": "Widget Pro"}),
    ("per il segmento enterprise", "it", "sales", {"subject": "segmento enterprise"}),
    ("i clienti Acme", "it", "sales", {"subject": "clienti Acme"}),
    ("si tratta del prodotto Y", "it", "sales", {"subject": "prodotto Y"}),
    # Filler words are whole words: a subject that starts with their letters keeps them.
    ("distributori del Veneto", "it", "sales", {"subject": "distributori del Veneto"}),
    ("sud Italia", "it", "sales", {"subject": "sud Italia"}),
    ("l'Emilia-Romagna", "it", "sales", {"subject": "Emilia-Romagna"}),
    ("theme parks in Florida", "en", "sales", {"subject": "theme parks in Florida"}),
    ("Ontario dealers", "en", "sales", {"subject": "Ontario dealers"}),
    # the metric restated: the subject is what it is about
    ("sales of product X", "en", "sales", {"subject": "product X"}),
    ("vendite del prodotto X", "it", "sales", {"subject": "prodotto X"}),
    ("upsell to existing customers", "en", "sales", {"metric": "upsell", "subject": "existing customers"}),
    ("new clients in the healthcare sector", "en", "sales",
     {"metric": "new_clients", "type": "new_business", "subject": "healthcare sector"}),
    ("   ", "en", "sales", {}),
]


# An answer in the Achievable question's shape, typed at another step (Specific): kept as the confidence and plan.
# A subject that starts with a number has no dash, colon or "/10" after it, and stays a subject.
CONFIDENCE_SHAPED = [
    ("7 - upsell", "en", (7, "upsell")),
    ("8/10 due demo a settimana", "it", (8, "due demo a settimana")),
    ("7/10: referrals from existing clients", "en", (7, "referrals from existing clients")),
    ("10 — two demos a week", "en", (10, "two demos a week")),
    ("5 key accounts in Lombardy", "en", None),
    ("5 clienti chiave in Lombardia", "it", None),
    ("10 new clients", "en", None),
    ("12 - enterprise accounts", "en", None),
    ("7", "en", None),
    ("three demos a week", "en", None),
    ("2026 - EMEA", "en", None),
]


@pytest.mark.parametrize(("text", "lang", "expected"), CONFIDENCE_SHAPED, ids=[f"{c[1]}:{c[0]!r}" for c in CONFIDENCE_SHAPED])
def test_confidence_answer(text: str, lang: str, expected: tuple[int, str | None] | None) -> None:
    assert confidence_answer(text, lang) == expected


@pytest.mark.parametrize(("text", "lang", "draft", "expected"), SPECIFIC, ids=[f"{c[1]}:{c[0]!r}" for c in SPECIFIC])
def test_read_specific(text: str, lang: str, draft: str, expected: dict[str, object]) -> None:
    assert read_specific(text, lang=lang, draft=DRAFTS[draft]) == expected


@pytest.mark.parametrize(("text", "lang", "alone"), [
    ("200.000 €", "it", True),
    ("€200k", "en", True),
    ("  $1.5M. ", "en", True),
    ("200 mila euro", "it", True),
    ("enterprise accounts", "en", False),
    ("upsell to 40 accounts", "en", False),
    ("clienti enterprise in Lombardia", "it", False),
    ("da 200.000 € a 240.000 €", "it", False),
    ("we're at $200k", "en", True),
    ("currently about 200k", "en", True),
    ("ora siamo a 200.000 euro", "it", True),
    ("attualmente circa 200 mila €", "it", True),
    ("partiamo da 200.000 €", "it", True),
    ("accounts at $200k or more", "en", False),
    ("clienti sopra i 200.000 €", "it", False),
])
def test_an_answer_that_is_only_a_level(text: str, lang: str, alone: bool) -> None:
    assert only_a_level(text, lang) is alone


@pytest.mark.parametrize(("text", "lang", "unit", "value", "problem"), [
    ("6,5%", "it", "%", 6.5, None),
    ("siamo al 7%", "it", "%", 7.0, None),
    ("6.5", "en", "%", 6.5, None),  # a rate's bare number is that rate
    ("8 accounts", "en", "accounts", 8.0, None),
    ("2%", "en", "%", 2.0, "not_above"),  # already under the 3% target: nothing to bring down
    ("boh", "it", "%", None, "unreadable"),
    ("6% or 7%", "en", "%", None, "several"),
    ("€6", "en", "%", None, "unit"),
])
def test_where_a_reduce_goal_starts(text: str, lang: str, unit: str, value: float | None, problem: str | None) -> None:
    start = read_start(text, lang=lang, unit=unit, target=3.0)
    assert (start.value, start.problem) == (value, problem)


@pytest.mark.parametrize(("text", "lang", "unit", "value", "problem"), [
    ("100 mila", "it", "EUR", 100_000.0, None),
    ("siamo a 120 mila euro", "it", "EUR", 120_000.0, None),
    ("€100k", "en", "EUR", 100_000.0, None),
    ("0", "en", "EUR", 0.0, None),  # starting from nothing is a start
    ("600k", "en", "EUR", 600_000.0, "not_below"),  # already past the €500k target: nothing to raise
    ("500 mila", "it", "EUR", 500_000.0, "not_below"),
    ("boh", "it", "EUR", None, "unreadable"),
])
def test_where_an_increase_to_a_level_starts(text: str, lang: str, unit: str, value: float | None,
                                             problem: str | None) -> None:
    start = read_start(text, lang=lang, unit=unit, target=500_000.0, direction="increase")
    assert (start.value, start.problem) == (value, problem)


ASKED = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("text,lang,minutes,expected", [
    ("yes", "en", 1, CloseReply.ASK_WHY),
    ("sì", "it", 1, CloseReply.ASK_WHY),
    ("non lo so", "it", 1, CloseReply.ASK_WHY),
    ("no", "en", 1, CloseReply.KEEP),
    ("no, lascia stare", "it", 1, CloseReply.KEEP),
    ("annulla", "it", 1, CloseReply.KEEP),
    ("the framework deal counts for three", "en", 5, CloseReply.REASON),
    ("sì, il contratto quadro vale per tre", "it", 5, CloseReply.REASON),
    ("closed 3 more deals, now at 7", "en", 24 * 60, CloseReply.STALE),  # a day later it is about something else
])
def test_the_answer_to_mark_it_achieved_anyway(text: str, lang: str, minutes: int, expected: CloseReply) -> None:
    assert read_close_reply(text, lang, asked_at=ASKED, now=ASKED + timedelta(minutes=minutes)) is expected


@pytest.mark.parametrize("text,lang,chosen", [
    # "Churn is usually brought down: do you want to bring churn down to 5%, or really raise it?"
    ("yes", "en", "decrease"), ("sì", "it", "decrease"), ("ok", "en", "decrease"),
    ("no", "en", "increase"), ("no", "it", "increase"), ("keep it", "en", "increase"), ("tienilo così", "it", "increase"),
    ("down", "en", "decrease"), ("giù", "it", "decrease"), ("bring it down", "en", "decrease"),
    ("ridurlo", "it", "decrease"), ("no, down", "en", "decrease"), ("down to 3%", "en", "decrease"),
    ("up", "en", "increase"), ("really raise it", "en", "increase"), ("aumentarlo davvero", "it", "increase"),
    ("su", "it", "increase"),
    # No way named: asked again.
    ("hmm", "en", None), ("6%", "en", None), ("not up, down", "en", None),
])
def test_the_answer_to_a_direction_against_the_metric(text: str, lang: str, chosen: str | None) -> None:
    assert read_direction_choice(text, lang, meant="decrease", typed="increase") == chosen


def test_yes_to_a_reduction_against_retention_raises_it() -> None:
    # "Retention is usually raised: do you want to raise retention to 80%, or really bring it down?"
    assert read_direction_choice("yes", "en", meant="increase", typed="decrease") == "increase"
    assert read_direction_choice("no", "it", meant="increase", typed="decrease") == "decrease"
