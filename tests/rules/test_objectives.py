"""Objective roll-ups: gains in the objective's unit when it has a measure, else aligned goals on track."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.objectives import (
    AlignedGoal,
    ObjectiveDraft,
    ObjectiveFacts,
    Rollup,
    gain,
    is_measured,
    pick_objective,
    read_objective,
    rollup,
    rollups,
)

ARR = ObjectiveFacts(1, "€2M new ARR in healthcare", "EUR", 2_000_000)
MARKET = ObjectiveFacts(2, "Enter the healthcare market by Q4 2027")


def _goal(goal_id: int, objective_id: int = 1, *, unit: str | None = "EUR", direction: str = "increase",
          baseline: float | None = None, current: float | None = None, status: str | None = "on_track",
          state: str = "active") -> AlignedGoal:
    return AlignedGoal(goal_id, objective_id, unit, direction, baseline, current, status, state)


@pytest.mark.parametrize(("objective", "measured"), [
    (ARR, True),
    (MARKET, False),
    (ObjectiveFacts(3, "retention", "%", 90), False),  # rates do not add up across people
    (ObjectiveFacts(4, "10 new clients", "clients", 10), True),
    (ObjectiveFacts(5, "no target", "EUR", None), False),
    (ObjectiveFacts(6, "zero target", "EUR", 0), False),
])
def test_is_measured(objective: ObjectiveFacts, measured: bool) -> None:
    assert is_measured(objective) is measured


def test_a_measured_objective_adds_up_gains_in_its_unit() -> None:
    goals = [
        _goal(1, baseline=100_000, current=350_000),  # +250k
        _goal(2, current=150_000, status="at_risk"),  # no baseline: +150k
        _goal(3, current=None, status=None),  # no check-in yet: +0
        _goal(4, unit="USD", current=1_000_000),  # another currency: not added
        _goal(5, direction="decrease", baseline=10, current=5),  # a reduce goal is no share of a total
        _goal(6, current=900_000, state="dropped"),  # dropped: no longer serves the objective
        _goal(7, objective_id=2, current=999_999),  # another objective's
    ]
    assert rollup(ARR, goals) == Rollup(ARR, True, goals=5, on_track=3, gained=400_000, fraction=0.2, not_added=2)


def test_an_objective_without_a_measure_counts_goals_on_track() -> None:
    goals = [_goal(1, 2, status="on_track"), _goal(2, 2, status="achieved", state="achieved"),
             _goal(3, 2, status="off_track"), _goal(4, 2, status=None), _goal(5, 2, state="dropped")]
    assert rollup(MARKET, goals) == Rollup(MARKET, False, goals=4, on_track=2, gained=None, fraction=0.5, not_added=0)


def test_an_objective_with_no_goals_has_no_fraction_yet() -> None:
    assert rollup(MARKET, []).fraction is None
    assert rollup(ARR, []) == Rollup(ARR, True, 0, 0, 0.0, 0.0, 0)


def test_a_gain_can_be_a_loss() -> None:
    assert gain(_goal(1, baseline=100, current=80)) == -20


amounts = st.one_of(st.none(), st.integers(0, 10_000_000).map(float))
aligned = st.builds(_goal, st.integers(1, 1000), st.sampled_from([1, 2]),
                    unit=st.sampled_from(["EUR", "USD", "clients", None]),
                    direction=st.sampled_from(["increase", "decrease", "maintain"]), baseline=amounts, current=amounts,
                    status=st.sampled_from([None, "on_track", "at_risk", "off_track", "achieved"]),
                    state=st.sampled_from(["active", "achieved", "done", "dropped"]))


@given(st.lists(aligned, max_size=30))
def test_rolling_up_all_objectives_at_once_equals_one_by_one_in_any_order(goals: list[AlignedGoal]) -> None:
    together = rollups([ARR, MARKET], goals)
    assert together == [rollup(ARR, goals), rollup(MARKET, list(reversed(goals)))]
    for result in together:
        assert 0 <= result.on_track <= result.goals


@given(st.lists(aligned, max_size=30), aligned)
def test_a_goal_in_another_unit_never_moves_a_measured_total(goals: list[AlignedGoal], extra: AlignedGoal) -> None:
    other = AlignedGoal(extra.id, 1, "USD", "increase", extra.baseline, extra.current, extra.status, extra.state)
    before, after = rollup(ARR, goals), rollup(ARR, [*goals, other])
    assert after.gained == before.gained


@pytest.mark.parametrize(("text", "lang", "unit", "target"), [
    ("Enter the healthcare market by Q4 2027", "en", None, None),  # a year is no measure
    ("€2M new ARR in healthcare", "en", "EUR", 2_000_000),
    ("10 new clients in healthcare by June", "en", "clients", 10),
    ("Entrare nel mercato sanitario entro il Q4 2027", "it", None, None),
    ("2 milioni di euro di nuovo ARR nella sanità", "it", "EUR", 2_000_000),
    ("  Keep our best customers  ", "en", None, None),
    ("Reduce churn to under 5%", "en", None, None),  # rates do not add up across people: no measure
    ("Portare la retention al 95%", "it", None, None),
])
def test_read_objective(text: str, lang: str, unit: str | None, target: float | None) -> None:
    assert read_objective(text, lang) == ObjectiveDraft(text.strip(), unit, target)


OPTIONS = [[1, "Enter the healthcare market by Q4 2027"], [12, "€2M new ARR in healthcare"]]


@pytest.mark.parametrize(("text", "expected"), [
    ("1", (1, "Enter the healthcare market by Q4 2027")),
    ("#12", (12, "€2M new ARR in healthcare")),
    (" # 12 ", (12, "€2M new ARR in healthcare")),
    ("enter the healthcare market by q4 2027", (1, "Enter the healthcare market by Q4 2027")),
    ("2", None),  # a position is not an id
    ("expand into the healthcare market", None),
    ("", None),
])
def test_pick_objective(text: str, expected: tuple[int, str] | None) -> None:
    assert pick_objective(text, OPTIONS) == expected


def test_a_growth_goal_adds_the_money_its_percentage_stands_for_to_a_money_objective() -> None:
    # "+15% on €80,000" at +6% gained €4,800: its own unit is a percentage, left out of "€2M new ARR" before.
    growth = AlignedGoal(7, 1, "%", "increase", None, 6.0, "on_track", money=(4_800.0, "EUR"))
    other_currency = AlignedGoal(8, 1, "%", "increase", None, 6.0, "on_track", money=(4_800.0, "USD"))
    result = rollup(ARR, [_goal(1, baseline=100_000, current=150_000), growth, other_currency])
    assert result.gained == pytest.approx(54_800) and result.goals == 3 and result.not_added == 1


@pytest.mark.parametrize("lang", ["en", "it"])
def test_goals_not_started_yet_are_said_apart_from_the_on_track_share(lang: str) -> None:
    # A tester's: "2/3" became "2/4" the moment a new goal was aligned, read as things getting worse.
    from bot.blocks.objectives import rollup_line
    from prompts import tn

    goals = [_goal(n, MARKET.id, status=status) for n, status in
             enumerate(("on_track", "on_track", "at_risk", "not_started"), start=1)]
    result = rollup(MARKET, goals)
    assert (result.goals, result.on_track, result.not_started) == (4, 2, 1)
    assert rollup_line(lang, result).endswith(" " + tn(lang, "objective.not_started", 1))
    assert rollup(MARKET, goals[:3]).not_started == 0
    assert tn(lang, "objective.not_started", 1) not in rollup_line(lang, rollup(MARKET, goals[:3]))
