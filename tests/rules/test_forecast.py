"""Tests for bot.rules.forecast on histories whose trend is known by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.rules.forecast import Forecast, forecast

START = date(2025, 1, 1)
DEADLINE = START + timedelta(days=91)  # 13 weeks


def week(n: int) -> date:
    return START + timedelta(weeks=n)


def test_perfectly_linear_history_reaches_target_on_the_exact_day() -> None:
    # One client a week from zero: ten clients on day 70, 13 by the deadline.
    history = [(week(1), 1.0), (week(2), 2.0), (week(3), 3.0)]
    got = forecast(history, baseline=0, start=START, deadline=DEADLINE, target=10, direction="increase")
    assert got.rate_per_week == pytest.approx(1.0)
    assert got.projected_at_deadline == pytest.approx(13.0)
    assert got.reach_date == date(2025, 3, 12)


def test_flat_history_never_reaches_the_target() -> None:
    history = [(week(1), 4.0), (week(2), 4.0), (week(3), 4.0)]
    got = forecast(history, baseline=4, start=START, deadline=DEADLINE, target=10, direction="increase")
    assert got.projected_at_deadline == pytest.approx(4.0) and got.rate_per_week == pytest.approx(0.0)
    assert got.reach_date is None


def test_declining_history_on_an_increase_goal_never_reaches_it() -> None:
    history = [(week(1), 9.0), (week(2), 8.0), (week(3), 7.0)]
    got = forecast(history, baseline=10, start=START, deadline=DEADLINE, target=20, direction="increase")
    assert got.rate_per_week == pytest.approx(-1.0)
    assert got.projected_at_deadline == pytest.approx(-3.0)
    assert got.reach_date is None


def test_decrease_goal_reaches_target_when_the_trend_goes_down() -> None:
    # Churn 8% -> 5%, falling half a point every two weeks: 5% on day 84.
    history = [(week(2), 7.5), (week(4), 7.0)]
    got = forecast(history, baseline=8, start=START, deadline=DEADLINE, target=5, direction="decrease")
    assert got.rate_per_week == pytest.approx(-0.25)
    assert got.projected_at_deadline == pytest.approx(8 - 91 / 28)
    assert got.reach_date == START + timedelta(days=84)


def test_decrease_goal_with_rising_values_never_reaches_target() -> None:
    history = [(week(2), 8.5), (week(4), 9.0)]
    got = forecast(history, baseline=8, start=START, deadline=DEADLINE, target=5, direction="decrease")
    assert got.reach_date is None
    assert got.rate_per_week == pytest.approx(0.25)


def test_noisy_history_uses_the_least_squares_line() -> None:
    # Points (0,0) (7,2) (14,1) (21,3), by hand: slope 28/245 = 4/35 per day, intercept 0.3.
    history = [(week(1), 2.0), (week(2), 1.0), (week(3), 3.0)]
    got = forecast(history, baseline=0, start=START, deadline=DEADLINE, target=10, direction="increase")
    assert got.rate_per_week == pytest.approx(0.8)
    assert got.projected_at_deadline == pytest.approx(10.7)
    # 0.3 + 4/35 * x = 10  ->  x = 84.875 days, so reached on day 85
    assert got.reach_date == START + timedelta(days=85)


def test_target_already_reached_gives_the_check_in_that_reached_it() -> None:
    history = [(week(1), 6.0), (week(2), 10.0), (week(3), 11.0)]
    got = forecast(history, baseline=0, start=START, deadline=DEADLINE, target=10, direction="increase")
    assert got.reach_date == week(2)


def test_history_without_baseline_fits_the_check_ins_alone() -> None:
    history = [(week(1), 3.0), (week(3), 5.0)]
    got = forecast(history, baseline=None, start=START, deadline=DEADLINE, target=10, direction="increase")
    assert got.rate_per_week == pytest.approx(1.0)
    assert got.reach_date == week(8)


def test_unordered_history_is_sorted_by_date() -> None:
    history = [(week(3), 3.0), (week(1), 1.0), (week(2), 2.0)]
    got = forecast(history, baseline=0, start=START, deadline=DEADLINE, target=10, direction="increase")
    assert got.reach_date == date(2025, 3, 12)


def test_maintain_goal_gets_a_projection_but_no_reach_date() -> None:
    history = [(week(1), 52.0), (week(2), 51.0)]
    got = forecast(history, baseline=53, start=START, deadline=DEADLINE, target=50, direction="maintain")
    assert got.projected_at_deadline == pytest.approx(53 - 13)
    assert got.rate_per_week == pytest.approx(-1.0)
    assert got.reach_date is None


NOT_ENOUGH = [
    pytest.param([], 0, id="baseline only"),
    pytest.param([(week(1), 3.0)], None, id="one check-in, no baseline"),
    pytest.param([], None, id="nothing at all"),
    pytest.param([(START, 3.0)], 0, id="two points on the same day"),
]


@pytest.mark.parametrize(("history", "baseline"), NOT_ENOUGH)
def test_fewer_than_two_days_of_data_forecasts_nothing(history: list[tuple[date, float]], baseline: float | None) -> None:
    got = forecast(history, baseline=baseline, start=START, deadline=DEADLINE, target=10, direction="increase")
    assert got == Forecast(projected_at_deadline=None, reach_date=None, rate_per_week=None)


def test_a_few_days_of_history_is_not_a_trend() -> None:
    result = forecast([(date(2026, 11, 30), 3.0)], baseline=0.0, start=date(2026, 11, 26),
                      deadline=date(2027, 5, 26), target=10.0, direction="increase")
    assert result.projected_at_deadline is None and result.reach_date is None
