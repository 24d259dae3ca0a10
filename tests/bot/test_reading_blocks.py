"""How a recorded reading is echoed: the number in bold, count units in the form the number takes, the change."""

from __future__ import annotations

import pytest

from bot.blocks.readings import echo_line
from prompts import fmt_amount, phrase, t


@pytest.mark.parametrize(("lang", "unit", "value", "change", "amount", "shown"), [
    ("en", "clients", 7, 3, "*7* clients", "+3"),
    ("en", "clients", 1, 1, "*1* client", "+1"),
    ("it", "clients", 1, 1, "*1* cliente", "+1"),
    ("it", "clients", 7, 3, "*7* clienti", "+3"),
    ("en", "deals", 2, -1, "*2* deals", "−1"),
    ("it", "deals", 1, -2, "*1* contratto", "−2"),
    ("en", "EUR", 120_000, 20_000, "*€120,000*", "+€20,000"),
    ("it", "EUR", 120_000, 20_000, "*120.000\u00a0€*", "+20.000\u00a0€"),
    ("en", "%", 85, 5, "*85%*", "+5 points"),  # points: +5% could be read as 85 × 1.05
    ("it", "%", 12.5, -0.5, "il *12,5%*", "−0,5 punti"),  # "Ho registrato il 12,5%"
    ("it", "%", 8, 3, "l'*8%*", "+3 punti"),
    ("it", "%", 0, -1, "lo *0%*", "−1 punto"),
    ("it", "%", 4.166666667, 4.166666667, "il *4,2%*", "+4,2 punti"),  # as precise as the percentage, no more
    ("en", "%", 1.04, 1.04, "*1%*", "+1 point"),
    ("en", None, 1500, 250, "*1,500*", "+250"),
    ("it", "calls", 3, 1, "*3* chiamate", "+1"),
])
def test_the_echo_says_what_was_understood(
    lang: str, unit: str | None, value: float, change: float, amount: str, shown: str,
) -> None:
    assert echo_line(lang, unit, value, change) == t(lang, "checkin.recorded.value", amount=amount, change=shown)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_a_first_reading_and_an_unchanged_one_have_their_own_words(lang: str) -> None:
    amount = f"*4* {t(lang, 'units.clients')}"
    assert echo_line(lang, "clients", 4, None) == t(lang, "checkin.recorded.first", amount=amount)
    assert echo_line(lang, "clients", 4, 0) == t(lang, "checkin.recorded.unchanged", amount=amount)


@pytest.mark.parametrize(("lang", "reached", "change", "shown"), [
    ("en", (215_000, "USD"), 5_000, "+$5,000"),  # was "+2.5 points": the person counted dollars
    ("it", (215_000, "EUR"), 5_000, "+5.000\u00a0€"),
    ("en", (195_000, "USD"), -20_000, "−$20,000"),
])
def test_a_growth_with_a_starting_amount_moves_by_money_not_by_points(
    lang: str, reached: tuple[float, str], change: float, shown: str,
) -> None:
    amount = t(lang, "checkin.recorded.reached", amount=f"*{fmt_amount(lang, reached[0], reached[1])}*",
               value_by=phrase(lang, "by", 7.5, "%"))
    assert echo_line(lang, "%", 7.5, 2.5, reached, change) == t(lang, "checkin.recorded.value", amount=amount,
                                                                   change=shown)
