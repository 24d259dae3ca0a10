"""A reply read against the goal's model: record when it can mean one thing, ask when it can mean several."""

from __future__ import annotations

from datetime import date

import pytest

from bot.rules.numbers import find_amounts
from bot.rules.progress import GoalNumbers, Kind
from bot.rules.replies import GoalContext, read_reply
from bot.rules.reply_check import judge


def numbers(kind: Kind = Kind.REACH, *, target: float = 10, baseline: float | None = 0, current: float | None = 4,
            unit: str | None = "clients") -> GoalNumbers:
    return GoalNumbers(kind=kind, target=target, baseline=baseline, current=current, start=date(2026, 10, 1),
                       deadline=date(2027, 3, 31), unit=unit)


def verdict(text: str, lang: str, g: GoalNumbers, confirmed: tuple[float, ...] = ()):  # type: ignore[no-untyped-def]
    direction = {Kind.REDUCE: "decrease", Kind.MAINTAIN: "maintain"}.get(g.kind, "increase")
    reading = read_reply(text, lang=lang, goal=GoalContext(baseline=g.start_value, target=g.target,
                                                          current=g.current, unit=g.unit, direction=direction))
    return judge(reading, find_amounts(text, lang), g, confirmed=confirmed)


@pytest.mark.parametrize("text,lang,g,value,reason,candidates", [
    ("7", "en", numbers(), 7.0, None, []),
    ("70%", "en", numbers(), 7.0, None, []),  # counted from zero: 70% can only be 70% of the target
    ("siamo al 30%", "it", numbers(target=260_000, baseline=200_000, current=None, unit="EUR"), None,
     "percent_of_what", [218_000.0, 78_000.0]),
    ("siamo all'85%", "it", numbers(Kind.GROWTH, target=15, baseline=None, current=None, unit="%"), None,
     "growth_percent", [12.75, 85.0, -15.0]),
    ("we're at 85%", "en", numbers(Kind.GROWTH, target=15, baseline=None, current=None, unit="%"), None,
     "growth_percent", [12.75, 85.0, -15.0]),
    ("$120k", "en", numbers(target=250_000, baseline=0, current=None, unit="EUR"), None, "unit_mismatch", []),
    ("10", "en", numbers(current=1), None, "jump", [10.0]),
    ("ora siamo a 10", "it", numbers(current=1), None, "jump", [10.0]),
    ("85%", "en", numbers(Kind.MAINTAIN, target=90, baseline=None, current=None, unit="clients"), None,
     "percent_of_what", []),
    ("92%", "en", numbers(Kind.MAINTAIN, target=90, baseline=None, current=None, unit="%"), 92.0, None, []),
    # A number no goal can store is refused outright: not recorded, not offered back as a jump to confirm.
    ("9" * 400, "en", numbers(), None, "too_large", []),
    ("2000000000000 or 3", "en", numbers(), None, "too_large", []),
    # "down two" is not a count below zero: only the reading a person could mean is offered.
    ("one more, Starling. Legal is slowing down two others", "en", numbers(target=8, current=0), None,
     "several_numbers", [1.0]),
])
def test_record_or_ask(text: str, lang: str, g: GoalNumbers, value: float | None, reason: str | None,
                       candidates: list[float]) -> None:
    result = verdict(text, lang, g)
    assert result.value == value
    assert result.reason == reason
    assert [c.value for c in result.candidates] == candidates


def test_a_confirmed_jump_is_recorded() -> None:
    assert verdict("10", "en", numbers(current=1), confirmed=(10.0,)).value == 10.0


def growth_from(base: float | None, base_unit: str | None, current: float | None = None) -> GoalNumbers:
    return GoalNumbers(kind=Kind.GROWTH, target=15, baseline=base, current=current, start=date(2026, 10, 1),
                       deadline=date(2027, 3, 31), unit="%", base_amount=base, base_unit=base_unit)


@pytest.mark.parametrize("text,lang,g,value,reason", [
    # +15% on €200,000: "€210k" can only be +5%
    ("siamo a 210.000 €", "it", growth_from(200_000, "EUR"), 5.0, None),
    ("we're at €210k", "en", growth_from(200_000, "EUR"), 5.0, None),
    ("€190k", "en", growth_from(200_000, "EUR", current=2), -5.0, None),  # below the start: a fall, said so
    ("$210k", "en", growth_from(200_000, "EUR"), None, "unit_mismatch"),  # another currency still asks
    # A change in the start's currency: before any growth it can only add to the start; after, it may add to
    # the latest amount or to the start, so it asks ("not in the goal's unit (%)" was false).
    ("+€10,000", "en", growth_from(200_000, "EUR"), 5.0, None),
    ("-5.000 €", "it", growth_from(200_000, "EUR"), -2.5, None),
    ("+€5,000", "en", growth_from(200_000, "EUR", current=5), None, "growth_change"),
    ("€210k", "en", growth_from(None, None), None, "unit_mismatch"),  # no start known: nothing to compare with
    ("€300k", "en", growth_from(200_000, "EUR"), None, "jump"),  # +50% at once, past +15%: confirmed first
])
def test_an_amount_on_a_growth_goal_is_read_against_its_starting_amount(
    text: str, lang: str, g: GoalNumbers, value: float | None, reason: str | None,
) -> None:
    result = verdict(text, lang, g)
    assert (result.value, result.reason) == (value, reason)


@pytest.mark.parametrize("text,lang,g,value,candidates", [
    # +15% on €200,000: "215,000" without its currency is €215,000 (+7.5%); 215,000% is no growth anyone means.
    ("siamo a 215.000", "it", growth_from(200_000, "EUR"), 7.5, []),
    ("we are at 215,000", "en", growth_from(200_000, "EUR"), 7.5, []),
    ("160k", "en", growth_from(150_000, "EUR"), 6.666666667, []),
    # The amount past the target in one go: confirmed first, offered as the amount.
    ("siamo a 260.000", "it", growth_from(200_000, "EUR"), None, [(30.0, "grown_to", 260_000.0)]),
    # 200: +200% could be meant, €200 on a €200,000 start could not: the growth is confirmed.
    ("siamo a 200", "it", growth_from(200_000, "EUR"), None, [(200.0, "value", None)]),
    # On a €500 start, 800 is +800% or €800 (+60%): both could be meant, both offered, the amount first.
    ("800", "en", growth_from(500, "EUR"), None, [(60.0, "grown_to", 800.0), (800.0, "value", None)]),
])
def test_a_bare_number_past_a_growth_target_is_read_as_what_a_person_could_mean(
    text: str, lang: str, g: GoalNumbers, value: float | None, candidates: list[tuple[float, str, float | None]],
) -> None:
    result = verdict(text, lang, g)
    assert result.value == value
    assert [(c.value, c.meaning, c.amount) for c in result.candidates] == candidates
    assert result.reason == (None if value is not None else "jump")


def test_a_bare_number_within_a_growth_target_stays_a_percentage() -> None:
    assert verdict("siamo a 7", "it", growth_from(200_000, "EUR")).value == 7.0


def growth_at(base: float, current: float | None) -> GoalNumbers:
    """+15% from `base` euros, at `current` % of growth."""
    return GoalNumbers(kind=Kind.GROWTH, target=15, baseline=0, current=current, start=date(2026, 10, 1),
                       deadline=date(2027, 3, 31), unit="%", base_amount=base, base_unit="EUR")


@pytest.mark.parametrize("text,lang,current,value,candidates", [
    # "+5.000" without its currency was offered back as "now at 5,000%": it is money, as "+5.000 €" would be.
    ("+5.000", "it", None, 2.5, []),
    ("+5k", "en", None, 2.5, []),
    ("+5.000", "it", 2.5, None, [5.0, 2.5]),  # on the latest €205,000 or on the start: asked, both as amounts
])
def test_a_change_without_its_currency_on_a_growth_goal_is_money_when_it_cannot_be_points(
    text: str, lang: str, current: float | None, value: float | None, candidates: list[float],
) -> None:
    result = verdict(text, lang, growth_at(200_000, current))
    assert result.value == value
    assert [c.value for c in result.candidates] == candidates


@pytest.mark.parametrize("text,lang,current,candidates", [
    # "+5" on +15% from €200,000: five points of growth, €5,000 or €5 more? Each is offered, none recorded.
    ("+5", "it", None, [(5.0, "growth_points", None), (2.5, "money_change", 205_000.0), (0.0025, "money_change", 200_005.0)]),
    ("+5", "en", 2.5, [(7.5, "growth_points", None), (5.0, "money_change", 210_000.0), (2.5025, "money_change", 205_005.0)]),
    ("-2", "en", 5.0, [(3.0, "growth_points", None), (4.0, "money_change", 208_000.0), (4.999, "money_change", 209_998.0)]),
])
def test_a_signed_number_without_a_unit_on_a_growth_goal_in_money_is_asked_back(
    text: str, lang: str, current: float | None, candidates: list[tuple[float, str, float | None]],
) -> None:
    result = verdict(text, lang, growth_at(200_000, current))
    assert (result.value, result.reason) == (None, "growth_bare_change")
    assert [(c.value, c.meaning, c.amount) for c in result.candidates] == candidates


def test_a_signed_number_beside_a_small_start_is_not_offered_in_thousands() -> None:
    # On €500, "+5" may be points or €5 more; €5,000 more would be ten times the start, no one's "+5".
    result = verdict("+5", "en", growth_at(500, None))
    assert [(c.value, c.meaning) for c in result.candidates] == [(5.0, "growth_points"), (1.0, "money_change")]


@pytest.mark.parametrize("text,lang,value,reason", [
    ("+5%", "en", None, "percent_of_what"),  # a percentage says it is one (of what, asked as before)
    ("+€5,000", "en", 2.5, None),  # money says it is money
    ("+5.000 €", "it", 2.5, None),
])
def test_a_signed_change_with_its_unit_on_a_growth_goal_is_read_as_before(
    text: str, lang: str, value: float | None, reason: str | None,
) -> None:
    result = verdict(text, lang, growth_at(200_000, None))
    assert (result.value, result.reason) == (value, reason)
