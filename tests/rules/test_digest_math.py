"""The team digest's rules: its weekly slot, reading commands, which goals it headlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.rules.digest_math import (
    ChannelRef,
    DigestGoal,
    LastCheckIn,
    achieved_this_week,
    due_week,
    most_at_risk,
    parse_channel,
    parse_schedule,
    week_monday,
)
from bot.rules.progress import GoalNumbers, Kind, Status, standing


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
    assert due_week(now, tz="Europe/Rome", weekday=4, hhmm="16:00") == expected


def test_the_slot_keeps_its_wall_clock_time_across_daylight_saving() -> None:
    # Rome switches to winter time on 25 October 2026: 16:00 is 14:00 UTC before, 15:00 UTC after.
    assert due_week(datetime(2026, 10, 23, 14, 0, tzinfo=UTC), tz="Europe/Rome", weekday=4, hhmm="16:00") == date(2026, 10, 19)
    assert due_week(datetime(2026, 10, 30, 14, 30, tzinfo=UTC), tz="Europe/Rome", weekday=4, hhmm="16:00") is None
    assert due_week(datetime(2026, 10, 30, 15, 0, tzinfo=UTC), tz="Europe/Rome", weekday=4, hhmm="16:00") == date(2026, 10, 26)


def test_a_subscription_made_after_this_weeks_slot_starts_next_week() -> None:
    made = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    assert due_week(datetime(2026, 11, 27, 17, 0, tzinfo=UTC), created_at=made, tz="Europe/Rome", weekday=4, hhmm="16:00") is None
    assert due_week(datetime(2026, 12, 4, 15, 0, tzinfo=UTC), created_at=made, tz="Europe/Rome", weekday=4, hhmm="16:00") == date(2026, 11, 30)


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


def _item(goal_id: int, status: Status, progress: float, expected: float) -> DigestGoal:
    numbers = GoalNumbers(kind=Kind.REACH, target=10, baseline=0, current=progress * 10, start=date(2026, 10, 1),
                          deadline=date(2027, 3, 31), unit="clients")
    item = standing(numbers, date(2026, 12, 30))
    item = replace(item, status=status, expected=expected)
    return DigestGoal(id=goal_id, owner="U1", title="t", adjusted=False, standing=item, last=None, checked_in=False,
                      skipped=False)


def test_most_at_risk_lists_off_track_goals_first_then_the_furthest_behind() -> None:
    goals = [_item(1, Status.AT_RISK, 0.3, 0.5), _item(2, Status.OFF_TRACK, 0.1, 0.5),
             _item(3, Status.AT_RISK, 0.1, 0.5), _item(4, Status.ON_TRACK, 0.5, 0.5)]
    assert [g.id for g in most_at_risk(goals)] == [2, 3, 1]


def test_only_real_achievements_count_this_week() -> None:
    week = date(2026, 12, 28)
    reached = replace(_item(1, Status.ACHIEVED, 1.0, 0.5), last=LastCheckIn(week, week, 10, None, None, None))
    overridden = replace(reached, id=2, standing=replace(reached.standing,
                                                          numbers=replace(reached.standing.numbers, override=True)))
    earlier = replace(reached, id=3, last=LastCheckIn(week - timedelta(days=7), week, 10, None, None, None))
    assert [g.id for g in (reached, overridden, earlier) if achieved_this_week(g, week)] == [1]
