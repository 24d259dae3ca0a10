"""Table-driven tests for bot.rules.pace."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.rules.pace import (
    STATUSES,
    expected_fraction,
    is_achieved,
    pace_status,
    progress_bar,
    progress_fraction,
)

# A 100-day goal period, so day N is N% of the way through.
START = date(2025, 1, 1)
DEADLINE = START + timedelta(days=100)


def day(n: int) -> date:
    return START + timedelta(days=n)


# (baseline, target, current, direction, expected fraction)
PROGRESS = [
    pytest.param(0, 10, 4, "increase", 0.4, id="count goal 4 of 10"),
    pytest.param(None, 10, 4, "increase", 0.4, id="missing baseline counts from zero"),
    pytest.param(0, 10, None, "increase", 0.0, id="no check-in yet is no progress"),
    pytest.param(2, 10, 2, "increase", 0.0, id="at the baseline is zero"),
    pytest.param(0, 10, 12, "increase", 1.2, id="past the target exceeds one"),
    pytest.param(50_000, 500_000, 275_000, "increase", 0.5, id="revenue half way from baseline"),
    pytest.param(8, 5, 7, "decrease", 1 / 3, id="churn 8 to 5, now 7"),
    pytest.param(8, 5, 5, "decrease", 1.0, id="churn at target"),
    pytest.param(8, 5, 4, "decrease", 4 / 3, id="churn below target exceeds one"),
    pytest.param(8, 5, 9, "decrease", -1 / 3, id="churn rising is negative"),
    pytest.param(50, 50, 52, "maintain", 1.0, id="maintain above floor"),
    pytest.param(50, 50, 50, "maintain", 1.0, id="maintain on floor"),
    pytest.param(50, 50, 45, "maintain", 0.9, id="maintain below floor is current over target"),
    pytest.param(10, 10, 10, "increase", 1.0, id="no distance to cover and there"),
]


@pytest.mark.parametrize(("baseline", "target", "current", "direction", "expected"), PROGRESS)
def test_progress_fraction(
    baseline: float | None, target: float, current: float | None, direction: str, expected: float
) -> None:
    got = progress_fraction(baseline=baseline, target=target, current=current, direction=direction)
    assert got == pytest.approx(expected)


def test_unknown_direction_is_rejected() -> None:
    with pytest.raises(ValueError):
        progress_fraction(baseline=0, target=10, current=4, direction="sideways")


# (start, deadline, today, expected)
EXPECTED = [
    pytest.param(START, DEADLINE, START, 0.0, id="first day"),
    pytest.param(START, DEADLINE, day(50), 0.5, id="half way"),
    pytest.param(START, DEADLINE, day(25), 0.25, id="a quarter in"),
    pytest.param(START, DEADLINE, day(-10), 0.0, id="before the start clamps to zero"),
    pytest.param(START, DEADLINE, day(130), 1.0, id="after the deadline clamps to one"),
    pytest.param(START, START, START, 1.0, id="zero-length period on its day"),
    pytest.param(START, START, day(-1), 0.0, id="zero-length period before it"),
]


@pytest.mark.parametrize(("start", "deadline", "today", "expected"), EXPECTED)
def test_expected_fraction(start: date, deadline: date, today: date, expected: float) -> None:
    assert expected_fraction(start=start, deadline=deadline, today=today) == pytest.approx(expected)


def status(baseline: float | None, target: float, current: float | None, direction: str, today: date) -> str:
    return pace_status(
        baseline=baseline,
        target=target,
        current=current,
        direction=direction,
        start=START,
        deadline=DEADLINE,
        today=today,
    )


def test_increase_goal_at_expected_pace_is_on_track() -> None:
    assert status(0, 10, 5, "increase", day(50)) == "on_track"


def test_increase_goal_a_little_behind_pace_is_still_on_track() -> None:
    assert status(0, 100, 46, "increase", day(50)) == "on_track"


def test_increase_goal_at_three_quarters_of_pace_is_at_risk() -> None:
    assert status(0, 100, 35, "increase", day(50)) == "at_risk"


def test_increase_goal_far_behind_pace_is_off_track() -> None:
    assert status(0, 10, 2, "increase", day(50)) == "off_track"


def test_goal_ahead_of_pace_is_on_track() -> None:
    assert status(0, 10, 8, "increase", day(50)) == "on_track"


def test_goal_that_reached_its_target_early_is_achieved() -> None:
    assert status(0, 10, 10, "increase", day(40)) == "achieved"


def test_first_days_without_progress_are_on_track() -> None:
    assert status(0, 10, 0, "increase", day(5)) == "on_track"


def test_two_weeks_without_progress_is_at_risk_not_yet_off_track() -> None:
    assert status(0, 10, 0, "increase", day(10)) == "at_risk"


def test_a_month_without_progress_is_off_track() -> None:
    assert status(0, 10, 0, "increase", day(30)) == "off_track"


def test_goal_with_no_check_in_yet_is_judged_from_its_baseline() -> None:
    assert status(0, 10, None, "increase", day(30)) == "off_track"


def test_missed_goal_after_deadline_is_off_track() -> None:
    assert status(0, 10, 9.8, "increase", day(101)) == "off_track"


def test_decrease_goal_half_way_down_at_half_time_is_on_track() -> None:
    assert status(8, 5, 6.5, "decrease", day(50)) == "on_track"


def test_decrease_goal_a_third_of_the_way_at_half_time_is_at_risk() -> None:
    assert status(8, 5, 7, "decrease", day(50)) == "at_risk"


def test_decrease_goal_moving_the_wrong_way_is_off_track() -> None:
    assert status(8, 5, 8.5, "decrease", day(50)) == "off_track"


def test_decrease_goal_at_its_target_is_achieved() -> None:
    assert status(8, 5, 4.9, "decrease", day(50)) == "achieved"


def test_maintain_goal_is_on_track_while_at_or_above_target() -> None:
    assert [status(50, 50, v, "maintain", day(50)) for v in (50, 52, 80)] == ["on_track"] * 3


def test_maintain_goal_just_below_target_is_at_risk() -> None:
    assert status(50, 50, 48, "maintain", day(50)) == "at_risk"


def test_maintain_goal_more_than_five_percent_below_target_is_off_track() -> None:
    assert status(50, 50, 47, "maintain", day(50)) == "off_track"


def test_maintain_goal_is_achieved_only_when_it_holds_at_the_deadline() -> None:
    assert status(50, 50, 52, "maintain", DEADLINE) == "achieved"
    assert status(50, 50, 52, "maintain", day(99)) == "on_track"
    assert status(50, 50, 45, "maintain", DEADLINE) == "off_track"


def test_maintain_goal_without_check_in_uses_baseline_then_says_at_risk() -> None:
    assert status(55, 50, None, "maintain", day(10)) == "on_track"
    assert status(None, 50, None, "maintain", day(10)) == "at_risk"


def test_every_status_is_one_of_the_declared_statuses() -> None:
    seen = {
        status(0, 10, current, "increase", today)
        for current in (None, 0, 3, 5, 10)
        for today in (day(0), day(50), day(101))
    }
    assert seen <= set(STATUSES)


# (baseline, target, current, direction, today, deadline, expected)
ACHIEVED = [
    pytest.param(0, 10, 10, "increase", None, None, True, id="increase at target"),
    pytest.param(0, 10, 9, "increase", None, None, False, id="increase short of target"),
    pytest.param(0, 10, None, "increase", None, None, False, id="no value is not achieved"),
    pytest.param(8, 5, 5, "decrease", None, None, True, id="decrease at target"),
    pytest.param(8, 5, 5.5, "decrease", None, None, False, id="decrease above target"),
    pytest.param(50, 50, 52, "maintain", None, None, False, id="maintain without dates"),
    pytest.param(50, 50, 52, "maintain", day(50), DEADLINE, False, id="maintain before deadline"),
    pytest.param(50, 50, 52, "maintain", DEADLINE, DEADLINE, True, id="maintain held at deadline"),
    pytest.param(50, 50, 49, "maintain", DEADLINE, DEADLINE, False, id="maintain broken at deadline"),
]


@pytest.mark.parametrize(("baseline", "target", "current", "direction", "today", "deadline", "expected"), ACHIEVED)
def test_is_achieved(
    baseline: float | None,
    target: float,
    current: float | None,
    direction: str,
    today: date | None,
    deadline: date | None,
    expected: bool,
) -> None:
    got = is_achieved(
        baseline=baseline, target=target, current=current, direction=direction, today=today, deadline=deadline
    )
    assert got is expected


# (fraction, width, bar)
BARS = [
    pytest.param(0.0, 10, "▱▱▱▱▱▱▱▱▱▱", id="empty"),
    pytest.param(0.4, 10, "▰▰▰▰▱▱▱▱▱▱", id="forty percent"),
    pytest.param(0.7, 10, "▰▰▰▰▰▰▰▱▱▱", id="seventy percent despite float noise"),
    pytest.param(0.3, 10, "▰▰▰▱▱▱▱▱▱▱", id="thirty percent despite float noise"),
    pytest.param(0.99, 10, "▰▰▰▰▰▰▰▰▰▱", id="almost done is not full"),
    pytest.param(1.0, 10, "▰▰▰▰▰▰▰▰▰▰", id="done is full"),
    pytest.param(1.5, 10, "▰▰▰▰▰▰▰▰▰▰", id="past target clamps to full"),
    pytest.param(-0.3, 10, "▱▱▱▱▱▱▱▱▱▱", id="going backwards clamps to empty"),
    pytest.param(0.5, 5, "▰▰▱▱▱", id="narrow bar rounds down"),
    pytest.param(0.5, 0, "", id="zero width"),
]


@pytest.mark.parametrize(("fraction", "width", "bar"), BARS)
def test_progress_bar(fraction: float, width: int, bar: str) -> None:
    assert progress_bar(fraction, width) == bar
