"""Table-driven tests for bot.rules.goals: what a sales goal sentence says.

It is Thursday 26 November 2026 in Rome for every case.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import pytest

from bot.rules.goals import GOAL_TYPES, SMART_PARTS, ParsedGoal, detect_language, parse_goal

NOW = datetime.fromisoformat("2026-11-26T10:00:00+00:00")
ROME = "Europe/Rome"

# The sentence can never tell confidence nor the company objective.
AR = ("achievable", "relevant")
ART = ("achievable", "relevant", "time_bound")
SAR = ("specific", "achievable", "relevant")
SART = ("specific", "achievable", "relevant", "time_bound")
MAR = ("measurable", "achievable", "relevant")
MART = ("measurable", "achievable", "relevant", "time_bound")
ALL = SMART_PARTS


class Expected(NamedTuple):
    type: str
    subject: str | None
    metric: str | None
    unit: str | None
    direction: str | None
    baseline: float | None
    target: float | None
    deadline: date | None
    missing: tuple[str, ...]


E = Expected
GOALS: list[tuple[str, str, Expected]] = [
    # The reference examples, in both languages.
    ("en", "increase sales of product X by 15% next quarter",
     E("revenue", "product X", "sales", "%", "increase", None, 15, date(2027, 3, 31), AR)),
    ("it", "aumentare le vendite del prodotto X del 15% nel prossimo trimestre",
     E("revenue", "prodotto X", "sales", "%", "increase", None, 15, date(2027, 3, 31), AR)),
    ("en", "keep a 90% customer retention rate over the next year",
     E("retention", None, "retention_rate", "%", "maintain", None, 90, date(2027, 11, 26), AR)),
    ("it", "mantenere un tasso di fidelizzazione dei clienti del 90% nel prossimo anno",
     E("retention", None, "retention_rate", "%", "maintain", None, 90, date(2027, 11, 26), AR)),
    ("en", "acquire 10 new clients in the next six months",
     E("new_business", "new clients", "new_clients", "clients", "increase", 0, 10, date(2027, 5, 26), AR)),
    ("it", "acquisire 10 nuovi clienti nei prossimi sei mesi",
     E("new_business", "nuovi clienti", "new_clients", "clients", "increase", 0, 10, date(2027, 5, 26), AR)),
    ("en", "acquire ten new clients in the next six months",
     E("new_business", "new clients", "new_clients", "clients", "increase", 0, 10, date(2027, 5, 26), AR)),
    ("it", "acquisire dieci nuovi clienti nei prossimi sei mesi",
     E("new_business", "nuovi clienti", "new_clients", "clients", "increase", 0, 10, date(2027, 5, 26), AR)),
    # Upsell and cross-sell: counted from zero; the subject is what is sold, else who buys it.
    ("en", "upsell premium support to 5 existing accounts by Q2 2027",
     E("revenue", "premium support", "upsell", "accounts", "increase", 0, 5, date(2027, 6, 30), AR)),
    ("it", "upselling di 50.000 euro sui clienti esistenti entro giugno",
     E("revenue", "clienti esistenti", "upsell", "EUR", "increase", 0, 50_000, date(2027, 6, 30), AR)),
    ("en", "upsell €75,000 to the Globex account this quarter",
     E("revenue", "Globex account", "upsell", "EUR", "increase", 0, 75_000, date(2026, 12, 31), AR)),
    ("it", "aumentare l'upselling sugli account strategici del 30% entro giugno 2027",
     E("revenue", "account strategici", "upsell", "%", "increase", None, 30, date(2027, 6, 30), AR)),
    ("en", "grow upsell revenue by €50k in Q1",
     E("revenue", None, "upsell", "EUR", "increase", 0, 50_000, date(2027, 3, 31), SAR)),
    ("en", "cross-sell product Y to 20 accounts",
     E("revenue", "product Y", "cross_sell", "accounts", "increase", 0, 20, None, ART)),
    ("it", "vendere il prodotto Y in cross-selling a 20 clienti",
     E("revenue", "prodotto Y", "cross_sell", "clients", "increase", 0, 20, None, ART)),
    ("en", "cross-sell our analytics module to 15 existing customers by March",
     E("revenue", "analytics module", "cross_sell", "clients", "increase", 0, 15, date(2027, 3, 31), AR)),
    ("it", "fare cross-selling del modulo Analytics a quindici clienti esistenti entro fine marzo",
     E("revenue", "modulo Analytics", "cross_sell", "clients", "increase", 0, 15, date(2027, 3, 31), AR)),
    # Money, with €/$/£, k/M, English and Italian number formats.
    ("en", "close €250k of new business by end of year",
     E("new_business", None, "revenue", "EUR", "increase", 0, 250_000, date(2026, 12, 31), AR)),
    ("en", "reach $1.2M in sales in EMEA by Q4",
     E("revenue", "EMEA", "sales", "USD", "increase", None, 1_200_000, date(2026, 12, 31), AR)),
    ("it", "raggiungere 250.000 euro di fatturato entro fine anno",
     E("revenue", None, "revenue", "EUR", "increase", None, 250_000, date(2026, 12, 31), SAR)),
    ("en", "reach €1,250,000 in revenue from Acme Corp by Q3",
     E("revenue", "Acme Corp", "revenue", "EUR", "increase", None, 1_250_000, date(2027, 9, 30), AR)),
    ("it", "raggiungere 1.250.000 € di vendite con il cliente Rossi SpA entro il terzo trimestre",
     E("revenue", "cliente Rossi SpA", "sales", "EUR", "increase", None, 1_250_000, date(2027, 9, 30), AR)),
    ("en", "generate £1.5 million of new business in the UK next year",
     E("new_business", "UK", "revenue", "GBP", "increase", 0, 1_500_000, date(2027, 12, 31), AR)),
    ("it", "generare 1,2 milioni di euro di nuovo business nel 2027",
     E("new_business", None, "revenue", "EUR", "increase", 0, 1_200_000, date(2027, 12, 31), AR)),
    ("en", "bring in £300k of new business from the retail sector by June 30",
     E("new_business", "retail sector", "revenue", "GBP", "increase", 0, 300_000, date(2027, 6, 30), AR)),
    ("en", "Increase revenue from the Acme account to €2M in H1",
     E("revenue", "Acme account", "revenue", "EUR", "increase", None, 2_000_000, date(2027, 6, 30), AR)),
    ("en", "hit €2.4M in bookings for product Z in H2 2027",
     E("revenue", "product Z", "revenue", "EUR", "increase", None, 2_400_000, date(2027, 12, 31), AR)),
    ("it", "🚀 aumentare le vendite del prodotto Più™ del 15% nel prossimo trimestre",
     E("revenue", "prodotto Più™", "sales", "%", "increase", None, 15, date(2027, 3, 31), AR)),
    # From a baseline to a target.
    ("it", "portare il fatturato dei clienti retail da 1.234,5 a 2.000,5 euro entro fine anno",
     E("revenue", "clienti retail", "revenue", "EUR", "increase", 1_234.5, 2_000.5, date(2026, 12, 31), AR)),
    ("en", "grow ARR from €1M to €1.3M by end of 2027",
     E("revenue", None, "arr", "EUR", "increase", 1_000_000, 1_300_000, date(2027, 12, 31), SAR)),
    ("it", "portare il fatturato da 1.000.000 a 1.300.000 euro",
     E("revenue", None, "revenue", "EUR", "increase", 1_000_000, 1_300_000, None, SART)),
    ("en", "increase MRR from $40,000 to $55,000 within 90 days",
     E("revenue", None, "mrr", "USD", "increase", 40_000, 55_000, date(2027, 2, 24), SAR)),
    ("it", "aumentare l'MRR da 40.000 a 55.000 dollari entro 90 giorni",
     E("revenue", None, "mrr", "USD", "increase", 40_000, 55_000, date(2027, 2, 24), SAR)),
    ("en", "boost customer retention from 80% to 85% by Q4",
     E("retention", None, "retention_rate", "%", "increase", 80, 85, date(2026, 12, 31), AR)),
    ("it", "aumentare la retention dal 85% al 90% entro fine anno",
     E("retention", None, "retention_rate", "%", "increase", 85, 90, date(2026, 12, 31), AR)),
    # Going down.
    ("en", "reduce churn to 5%",
     E("retention", None, "churn_rate", "%", "decrease", None, 5, None, ART)),
    ("it", "ridurre il churn al 5%",
     E("retention", None, "churn_rate", "%", "decrease", None, 5, None, ART)),
    ("en", "reduce churn in the enterprise segment from 8% to 5% by end of 2027",
     E("retention", "enterprise segment", "churn_rate", "%", "decrease", 8, 5, date(2027, 12, 31), AR)),
    ("it", "ridurre il churn dal 7% al 4% nei prossimi sei mesi",
     E("retention", None, "churn_rate", "%", "decrease", 7, 4, date(2027, 5, 26), AR)),
    ("en", "improve churn from 8% to 6% next year",
     E("retention", None, "churn_rate", "%", "decrease", 8, 6, date(2027, 12, 31), AR)),
    # A change in a rate cannot become a level without knowing where it starts: ask for the number.
    ("en", "increase retention by 5% this year",
     E("retention", None, "retention_rate", None, "increase", None, None, date(2026, 12, 31), MAR)),
    ("it", "ridurre il tasso di abbandono del 2% entro marzo",
     E("retention", None, "churn_rate", None, "decrease", None, None, date(2027, 3, 31), MAR)),
    # Keeping a level.
    ("en", "keep a 90% renewal rate on my top 20 enterprise accounts over the next year",
     E("retention", "top 20 enterprise accounts", "renewal_rate", "%", "maintain", None, 90, date(2027, 11, 26), AR)),
    ("en", "retain 95% of our top 50 accounts over the next 12 months",
     E("retention", "top 50 accounts", "retention_rate", "%", "maintain", None, 95, date(2027, 11, 26), AR)),
    ("en", "keep churn below 3% on SMB customers in 2027",
     E("retention", "SMB customers", "churn_rate", "%", "maintain", None, 3, date(2027, 12, 31), AR)),
    ("it", "mantenere il churn sotto il 3% per i clienti PMI nel 2027",
     E("retention", "clienti PMI", "churn_rate", "%", "maintain", None, 3, date(2027, 12, 31), AR)),
    ("it", "rinnovare 25 contratti entro fine anno",
     E("retention", None, "renewals", "deals", "increase", 0, 25, date(2026, 12, 31), AR)),
    # New business by count.
    ("en", "sign 10 new clients in the healthcare segment in the next six months",
     E("new_business", "healthcare segment", "new_clients", "clients", "increase", 0, 10, date(2027, 5, 26), AR)),
    ("en", "sign twenty new customers in Germany by 30 June 2027",
     E("new_business", "Germany", "new_clients", "clients", "increase", 0, 20, date(2027, 6, 30), AR)),
    ("en", "win 3 new logos in DACH next month",
     E("new_business", "DACH", "new_clients", "clients", "increase", 0, 3, date(2026, 12, 31), AR)),
    ("it", "firmare venti nuovi contratti entro il 30/06/2027",
     E("new_business", None, "deals", "deals", "increase", 0, 20, date(2027, 6, 30), AR)),
    ("en", "close 12 deals with mid-market accounts this quarter",
     E("new_business", "mid-market accounts", "deals", "deals", "increase", 0, 12, date(2026, 12, 31), AR)),
    ("it", "chiudere 8 contratti nel segmento PMI entro il 31 marzo",
     E("new_business", "segmento PMI", "deals", "deals", "increase", 0, 8, date(2027, 3, 31), AR)),
    # The money "each" describes the deals: the goal is the count.
    ("en", "Close 3 enterprise deals worth at least €100k each by Q2",
     E("new_business", "enterprise deals", "deals", "deals", "increase", 0, 3, date(2027, 6, 30), AR)),
    # Percentages of revenue, with subjects found in different places.
    ("en", "grow revenue by 8% with our top 10 accounts by the end of H1",
     E("revenue", "top 10 accounts", "revenue", "%", "increase", None, 8, date(2027, 6, 30), AR)),
    ("it", "aumentare del 10% il fatturato dei clienti enterprise entro fine anno",
     E("revenue", "clienti enterprise", "revenue", "%", "increase", None, 10, date(2026, 12, 31), AR)),
    ("it", "aumentare il fatturato in Lombardia del 20% entro il 2027",
     E("revenue", "Lombardia", "revenue", "%", "increase", None, 20, date(2027, 12, 31), AR)),
    ("en", "grow revenue 10% QoQ in the DACH region",
     E("revenue", "DACH region", "revenue", "%", "increase", None, 10, None, ART)),
    ("en", "double revenue of the Premium plan by Q3 2027",
     E("revenue", "Premium plan", "revenue", "%", "increase", None, 100, date(2027, 9, 30), AR)),
    ("en", "sell 100 licenses of Widget Pro by March 31",
     E("revenue", "Widget Pro", "sales", None, "increase", None, 100, date(2027, 3, 31), AR)),
    ("it", "vendere 300 licenze del prodotto Z entro il secondo semestre 2027",
     E("revenue", "prodotto Z", "sales", None, "increase", None, 300, date(2027, 12, 31), AR)),
    ("en", "hit 120% of quota this quarter",
     E("revenue", None, "quota", "%", "increase", None, 120, date(2026, 12, 31), SAR)),
    # Ambitious or impossible targets are still read as written; smart.py questions them.
    ("en", "increase sales of product X by 250% next quarter",
     E("revenue", "product X", "sales", "%", "increase", None, 250, date(2027, 3, 31), AR)),
    ("en", "reach 110% retention by year end",
     E("retention", None, "retention_rate", "%", "increase", None, 110, date(2026, 12, 31), AR)),
    ("it", "portare il tasso di fidelizzazione all'85% entro dicembre",
     E("retention", None, "retention_rate", "%", "increase", None, 85, date(2026, 12, 31), AR)),
    # "keep" followed by a verb of change, a comparison year, a product name that looks like a verb.
    ("en", "keep growing sales of product X by 10% next quarter",
     E("revenue", "product X", "sales", "%", "increase", None, 10, date(2027, 3, 31), AR)),
    ("it", "aumentare le vendite del 10% rispetto al 2025 entro fine anno",
     E("revenue", None, "sales", "%", "increase", None, 10, date(2026, 12, 31), SAR)),
    ("en", "grow revenue of Boost Pro by 10% by Q2",
     E("revenue", "Boost Pro", "revenue", "%", "increase", None, 10, date(2027, 6, 30), AR)),
    # Other activity goals.
    ("en", "book 40 demos with healthcare prospects in the next 2 months",
     E("other", "healthcare prospects", "meetings", "meetings", "increase", 0, 40, date(2027, 1, 26), AR)),
    ("en", "book 30 discovery calls with fintech prospects by the end of the quarter",
     E("other", "fintech prospects", "calls", None, "increase", 0, 30, date(2026, 12, 31), AR)),
    # Vague.
    ("en", "increase sales", E("revenue", None, "sales", None, "increase", None, None, None, ALL)),
    ("it", "aumentare le vendite", E("revenue", None, "sales", None, "increase", None, None, None, ALL)),
    ("en", "I want to sell more", E("revenue", None, "sales", None, "increase", None, None, None, ALL)),
    ("it", "voglio vendere di più", E("revenue", None, "sales", None, "increase", None, None, None, ALL)),
    ("en", "acquire new clients",
     E("new_business", "new clients", "new_clients", None, "increase", None, None, None, MART)),
    ("it", "voglio più clienti entro marzo",
     E("new_business", None, "new_clients", None, "increase", None, None, date(2027, 3, 31), MAR)),
]


@pytest.mark.parametrize(("lang", "text", "expected"), GOALS, ids=[f"{g[0]}:{g[1]}" for g in GOALS])
def test_parse_goal(lang: str, text: str, expected: Expected) -> None:
    goal = parse_goal(text, lang=lang, now=NOW, tz=ROME)
    got = Expected(goal.type, goal.subject, goal.metric, goal.unit, goal.direction, goal.baseline, goal.target,
                   goal.deadline, goal.missing)
    assert got == expected
    assert goal.text == text
    assert goal.type in GOAL_TYPES
    if goal.subject is not None:
        assert goal.subject in text  # verbatim, the user's casing


def test_a_deadline_already_gone_is_kept_but_not_time_bound() -> None:
    goal = parse_goal("increase sales of product X by 15% by 31/03/2025", lang="en", now=NOW, tz=ROME)
    assert (goal.deadline, goal.deadline_error, goal.deadline_phrase) == (date(2025, 3, 31), "past", "by 31/03/2025")
    assert goal.missing == ART
    assert goal.target == 15  # the date's numbers are not the target


def test_deadline_phrase_is_verbatim() -> None:
    goal = parse_goal("Acquisire 10 nuovi clienti nei prossimi sei mesi", lang="it", now=NOW, tz=ROME)
    assert goal.deadline_phrase == "nei prossimi sei mesi"
    assert goal.deadline_error is None


def test_numbers_inside_the_deadline_are_not_targets() -> None:
    goal = parse_goal("upsell premium support to 5 existing accounts by Q2 2027", lang="en", now=NOW, tz=ROME)
    assert goal.target == 5


def test_to_dict_is_json_ready() -> None:
    goal = parse_goal("acquire 10 new clients in the next six months", lang="en", now=NOW, tz=ROME)
    assert goal.to_dict() == {
        "type": "new_business", "subject": "new clients", "metric": "new_clients", "unit": "clients",
        "direction": "increase", "baseline": 0.0, "target": 10.0, "deadline": "2027-05-26",
        "missing": ["achievable", "relevant"],
    }


def test_parsed_goal_is_immutable() -> None:
    goal = parse_goal("increase sales", lang="en", now=NOW, tz=ROME)
    assert isinstance(goal, ParsedGoal)
    with pytest.raises(AttributeError):
        goal.target = 10  # type: ignore[misc]


LANGUAGES = [
    ("increase sales of product X by 15% next quarter", "en"),
    ("aumentare le vendite del prodotto X del 15% nel prossimo trimestre", "it"),
    ("acquisire 10 nuovi clienti nei prossimi sei mesi", "it"),
    ("keep a 90% customer retention rate over the next year", "en"),
    ("ridurre il churn al 5%", "it"),
    ("reduce churn to 5%", "en"),
    ("voglio più clienti", "it"),
    ("upselling di 50.000 euro sui clienti esistenti entro giugno", "it"),
    ("Q4", "en"),
    ("", "en"),
]


@pytest.mark.parametrize(("text", "lang"), LANGUAGES, ids=[repr(c[0]) for c in LANGUAGES])
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang
