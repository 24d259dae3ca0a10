"""The team digest's arithmetic: its weekly slot, reading commands, the trend from sums, totals and risks."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.rules.digest_math import (
    ChannelRef,
    GoalFacts,
    LastCheckIn,
    TrendSums,
    due_week,
    most_at_risk,
    parse_channel,
    parse_schedule,
    shifted_sums,
    standing,
    totals_per_unit,
    trend_forecast,
    week_monday,
)
from bot.rules.forecast import Forecast, forecast

FRIDAY_4PM: dict[str, Any] = {"tz": "Europe/Rome", "weekday": 4, "hhmm": "16:00"}
NO_FORECAST = Forecast(None, None, None)


def test_week_monday_is_the_monday_of_the_same_week() -> None:
    assert [week_monday(date(2026, 11, d)) for d in (23, 26, 29)] == [date(2026, 11, 23)] * 3


@pytest.mark.parametrize(("now", "expected"), [
    pytest.param(datetime(2026, 11, 27, 14, 59, tzinfo=UTC), None, id="Friday 15:59 in Rome: not yet"),
    pytest.param(datetime(2026, 11, 27, 15, 0, tzinfo=UTC), date(2026, 11, 23), id="Friday 16:00 in Rome: due"),
    pytest.param(datetime(2026, 11, 29, 22, 59, tzinfo=UTC), date(2026, 11, 23), id="Sunday night: still this week"),
    pytest.param(datetime(2026, 11, 29, 23, 0, tzinfo=UTC), None, id="Monday 00:00 in Rome: a new week, not yet"),
    pytest.param(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), None, id="back after downtime: last week is not sent"),
])
def test_the_digest_is_due_once_the_local_slot_of_the_current_week_has_passed(
    now: datetime, expected: date | None
) -> None:
    assert due_week(now, **FRIDAY_4PM) == expected


def test_the_slot_keeps_its_wall_clock_time_across_daylight_saving() -> None:
    # Rome switches to winter time on 25 October 2026: 16:00 is 14:00 UTC before, 15:00 UTC after.
    assert due_week(datetime(2026, 10, 23, 14, 0, tzinfo=UTC), **FRIDAY_4PM) == date(2026, 10, 19)
    assert due_week(datetime(2026, 10, 30, 14, 30, tzinfo=UTC), **FRIDAY_4PM) is None
    assert due_week(datetime(2026, 10, 30, 15, 0, tzinfo=UTC), **FRIDAY_4PM) == date(2026, 10, 26)


def test_a_subscription_made_after_this_weeks_slot_starts_next_week() -> None:
    made = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    assert due_week(datetime(2026, 11, 27, 17, 0, tzinfo=UTC), created_at=made, **FRIDAY_4PM) is None
    assert due_week(datetime(2026, 12, 4, 15, 0, tzinfo=UTC), created_at=made, **FRIDAY_4PM) == date(2026, 11, 30)


@pytest.mark.parametrize(("text", "expected"), [
    ("friday 16:00", (4, "16:00")),
    ("Venerdì 9:30", (4, "09:30")),
    ("lunedi alle 8.15", (0, "08:15")),
    ("mon 4pm", (0, "16:00")),
    ("17:45", (None, "17:45")),
    ("thursday", (3, None)),
    ("", (None, None)),
    ("fryday 16:00", None),
    ("friday 25:00", None),
    ("friday 16:00 please", None),
])
def test_schedules_are_read_in_english_and_italian(text: str, expected: tuple[int | None, str | None] | None) -> None:
    assert parse_schedule(text) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("<#C0123ABC|sales>", ChannelRef("C0123ABC", "sales")),
    ("<#C0123ABC>", ChannelRef("C0123ABC", None)),
    ("#Sales-EMEA", ChannelRef(None, "sales-emea")),
    ("C0123ABC", ChannelRef("C0123ABC", None)),
    ("sales", None),
    ("<@U123>", None),
    ("#", None),
])
def test_channels_are_read_escaped_by_slack_or_as_typed(word: str, expected: ChannelRef | None) -> None:
    assert parse_channel(word) == expected


# --- the trend from sums gives the forecast of bot.rules.forecast --------------------------------------------------


def _sums(history: list[tuple[date, float]], start: date, target: float, direction: str) -> TrendSums:
    """What the digest query computes, done the slow way: sums over days since a day zero, then re-based."""
    zero = date(2000, 1, 1)
    days = [(float((day - zero).days), value) for day, value in history]
    hit = [d for d, v in days if (v >= target if direction == "increase" else v <= target)]
    return shifted_sums(
        n=len(days), sd=sum(d for d, _ in days), sy=sum(v for _, v in days), sdd=sum(d * d for d, _ in days),
        sdy=sum(d * v for d, v in days), first_d=min((d for d, _ in days), default=None),
        last_d=max((d for d, _ in days), default=None),
        reached_d=min(hit) if hit and direction != "maintain" else None, offset=float((start - zero).days))


@pytest.mark.parametrize("seed", range(60))
def test_the_forecast_from_sums_matches_the_forecast_from_every_check_in(seed: int) -> None:
    rng = random.Random(seed)
    start = date(2026, 1, 5) + timedelta(days=rng.randint(0, 6))
    deadline = start + timedelta(weeks=rng.randint(8, 52))
    direction = rng.choice(["increase", "decrease", "maintain"])
    target = rng.choice([10.0, 120_000.0, 95.0])
    baseline = rng.choice([None, 0.0, target * 0.4, target * 1.3])
    weeks = rng.sample(range(0, 60), rng.randint(0, 12))
    history = [(start + timedelta(weeks=w, days=rng.randint(0, 4)), round(rng.uniform(0, target * 1.4), 2))
               for w in weeks]
    expected = forecast(history, baseline=baseline, start=start, deadline=deadline, target=target,
                        direction=direction)
    got = trend_forecast(_sums(history, start, target, direction), baseline=baseline, start=start,
                         deadline=deadline, target=target, direction=direction)
    assert got.reach_date == expected.reach_date
    for ours, theirs in ((got.projected_at_deadline, expected.projected_at_deadline),
                         (got.rate_per_week, expected.rate_per_week)):
        assert (ours is None) == (theirs is None)
        if ours is not None:
            assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize(("history", "baseline"), [
    pytest.param([(date(2026, 1, 5), 3.0)], 0.0, id="one check-in four days after the start"),
    pytest.param([(date(2026, 1, 2), 3.0), (date(2026, 1, 8), 5.0)], None, id="two check-ins six days apart"),
    pytest.param([(date(2026, 1, 2), 3.0), (date(2026, 1, 9), 5.0)], None, id="two check-ins a week apart"),
    pytest.param([(date(2026, 1, 8), 3.0)], 1.0, id="one check-in a week after the start"),
])
def test_less_than_a_week_of_history_is_no_trend_as_in_the_forecast_rule(
    history: list[tuple[date, float]], baseline: float | None,
) -> None:
    start, deadline = date(2026, 1, 1), date(2026, 6, 30)
    expected = forecast(history, baseline=baseline, start=start, deadline=deadline, target=10, direction="increase")
    got = trend_forecast(_sums(history, start, 10, "increase"), baseline=baseline, start=start, deadline=deadline,
                         target=10, direction="increase")
    assert (got.projected_at_deadline is None) == (expected.projected_at_deadline is None)
    assert got.reach_date == expected.reach_date


def test_no_trend_from_a_single_point_or_a_single_day() -> None:
    start, deadline = date(2026, 1, 1), date(2026, 6, 30)
    one = _sums([(date(2026, 2, 2), 5.0)], start, 10, "increase")
    assert trend_forecast(one, baseline=None, start=start, deadline=deadline, target=10,
                          direction="increase") == NO_FORECAST
    same_day = _sums([(start, 5.0)], start, 10, "increase")
    assert trend_forecast(same_day, baseline=0.0, start=start, deadline=deadline, target=10,
                          direction="increase") == NO_FORECAST


# --- standings, totals, risks -----------------------------------------------------------------------------------------

TODAY = date(2026, 11, 27)
WEEK = date(2026, 11, 23)


def facts(goal_id: int = 1, *, owner: str = "U1", unit: str | None = "EUR", direction: str = "increase",
          target: float = 100.0, current: float | None = 50.0, status: str = "active",
          closed_on: date | None = None) -> GoalFacts:
    return GoalFacts(id=goal_id, owner=owner, title=f"goal {goal_id}", unit=unit, direction=direction,
                     baseline=0.0, target=target, current=current, start=date(2026, 10, 1),
                     deadline=date(2026, 12, 31), status=status, adjusted=False, closed_on=closed_on)


def checkin(week: date, value: float | None = 50.0) -> LastCheckIn:
    return LastCheckIn(week_start=week, on=week + timedelta(days=1), value=value, mood=None, note=None, blocker=None)


def test_a_goal_checked_in_this_week_and_one_that_was_not() -> None:
    fresh = standing(facts(), NO_FORECAST, checkin(WEEK), today=TODAY, week_start=WEEK)
    stale = standing(facts(), NO_FORECAST, checkin(WEEK - timedelta(weeks=1)), today=TODAY, week_start=WEEK)
    never = standing(facts(), NO_FORECAST, None, today=TODAY, week_start=WEEK)
    assert (fresh.checked_in_this_week, stale.checked_in_this_week, never.checked_in_this_week) == (True, False, False)


def test_goals_achieved_this_week_by_a_check_in_or_by_closing_them() -> None:
    reached = standing(facts(current=100), NO_FORECAST, checkin(WEEK, 100), today=TODAY, week_start=WEEK)
    reached_before = standing(facts(current=100), NO_FORECAST, checkin(WEEK - timedelta(weeks=1), 100),
                              today=TODAY, week_start=WEEK)
    closed = standing(facts(status="achieved", closed_on=WEEK + timedelta(days=2)), NO_FORECAST, None,
                      today=TODAY, week_start=WEEK)
    assert (reached.achieved_this_week, reached_before.achieved_this_week, closed.achieved_this_week) == (
        True, False, True)
    assert closed.pace == "achieved"


def test_totals_add_up_per_currency_and_per_count_but_never_rates() -> None:
    items = [standing(f, NO_FORECAST, None, today=TODAY, week_start=WEEK) for f in (
        facts(1, unit="EUR", target=100, current=40), facts(2, unit="EUR", target=50, current=50),
        facts(3, unit="USD", target=80, current=20), facts(4, unit="clients", target=10, current=3),
        facts(5, unit="%", target=15, current=5), facts(6, unit=None, target=7, current=1),
        facts(7, unit="EUR", direction="decrease", target=10, current=30),
    )]
    assert [(t.unit, t.current, t.target, t.goals) for t in totals_per_unit(items)] == [
        ("EUR", 90.0, 150.0, 2), ("USD", 20.0, 80.0, 1), ("clients", 3.0, 10.0, 1)]


def test_most_at_risk_lists_off_track_goals_first_then_the_furthest_behind() -> None:
    items = [standing(facts(i, current=c), NO_FORECAST, None, today=TODAY, week_start=WEEK)
             for i, c in ((1, 85), (2, 5), (3, 45), (4, 30), (5, 50))]
    # 63% of the period has elapsed: 5 and 30 are off track, 45 and 50 at risk, 85 on track.
    assert [(s.facts.id, s.pace) for s in most_at_risk(items, limit=3)] == [
        (2, "off_track"), (4, "off_track"), (3, "at_risk")]
