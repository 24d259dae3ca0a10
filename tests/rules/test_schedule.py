"""bot.rules.schedule: reading "friday 16:00", and the local send moment of a week across time zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.rules.schedule import (
    WeeklyTime,
    current_slot,
    is_paused,
    next_send,
    parse_weekly_time,
    send_time,
    week_start,
)


@pytest.mark.parametrize(("text", "weekday", "hhmm"), [
    ("friday 16:00", 4, "16:00"),
    ("Friday 16:00", 4, "16:00"),
    ("venerdì 16:00", 4, "16:00"),
    ("venerdi alle 16", 4, "16:00"),
    ("fri 4pm", 4, "16:00"),
    ("fri 4 p.m.", 4, "16:00"),
    ("monday 9am", 0, "09:00"),
    ("Monday at 9.30", 0, "09:30"),
    ("16:30 lunedì", 0, "16:30"),
    ("giovedì ore 9", 3, "09:00"),
    ("mar 8:15", 1, "08:15"),
    ("sunday noon", 6, "12:00"),
    ("sabato mezzogiorno", 5, "12:00"),
    ("wed 12am", 2, "00:00"),
    ("thu 12pm", 3, "12:00"),
    ("tuesday 16h30", 1, "16:30"),
])
def test_weekday_and_time_are_read_in_english_and_italian(text: str, weekday: int, hhmm: str) -> None:
    assert parse_weekly_time(text).value == WeeklyTime(weekday, hhmm)


@pytest.mark.parametrize(("text", "error"), [
    ("16:00", "no_day"),
    ("tomorrow at 4", "no_day"),
    ("friday", "no_time"),
    ("venerdì pomeriggio", "no_time"),
    ("monday and friday 9:00", "several_days"),
    ("friday 25:00", "bad_time"),
    ("friday 16:75", "bad_time"),
    ("friday 13pm", "bad_time"),
    ("friday 9 or 10", "bad_time"),
])
def test_unusable_times_say_what_is_missing(text: str, error: str) -> None:
    reading = parse_weekly_time(text)
    assert reading.value is None and reading.error == error


def test_week_starts_on_monday() -> None:
    assert week_start(date(2026, 11, 26)) == date(2026, 11, 23)  # a Thursday
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)  # Sunday still belongs to it


def test_local_time_stays_on_the_wall_clock_across_a_daylight_saving_change() -> None:
    # New York leaves daylight saving time on Sunday 1 November 2026.
    assert send_time(date(2026, 10, 26), 0, "09:00", "America/New_York") == datetime(2026, 10, 26, 13, 0, tzinfo=UTC)
    assert send_time(date(2026, 11, 2), 0, "09:00", "America/New_York") == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    # Rome leaves it a week earlier, on 25 October.
    assert send_time(date(2026, 10, 19), 0, "09:00", "Europe/Rome") == datetime(2026, 10, 19, 7, 0, tzinfo=UTC)
    assert send_time(date(2026, 10, 26), 0, "09:00", "Europe/Rome") == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    # Tokyo has no daylight saving time.
    assert send_time(date(2026, 10, 26), 4, "16:00", "Asia/Tokyo") == datetime(2026, 10, 30, 7, 0, tzinfo=UTC)


def test_a_time_skipped_by_the_clocks_is_sent_when_they_jump_and_a_repeated_one_the_first_time() -> None:
    # Rome jumps from 02:00 to 03:00 on Sunday 28 March 2027: 02:30 does not exist that day.
    assert send_time(date(2027, 3, 22), 6, "02:30", "Europe/Rome") == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    # 02:30 happens twice on Sunday 25 October 2026: the first time is still summer time (UTC+2).
    assert send_time(date(2026, 10, 19), 6, "02:30", "Europe/Rome") == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_the_current_week_is_the_owners_local_week() -> None:
    # Sunday 22 November 2026, 16:00 UTC is already Monday 01:00 in Tokyo, but still Sunday in New York.
    now = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    assert current_slot(now, "Asia/Tokyo", 0, "09:00") == (date(2026, 11, 23), datetime(2026, 11, 23, 0, 0, tzinfo=UTC))
    assert current_slot(now, "America/New_York", 0, "09:00")[0] == date(2026, 11, 16)


def test_a_pause_holds_back_every_send_before_its_last_day() -> None:
    assert is_paused(date(2027, 1, 4), date(2027, 1, 7))
    assert not is_paused(date(2027, 1, 7), date(2027, 1, 7))
    assert not is_paused(date(2027, 1, 4), None)
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    assert next_send(now, "Europe/Rome", 0, "09:00") == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert next_send(now, "Europe/Rome", 0, "09:00", paused_until=date(2027, 1, 7)) == datetime(
        2027, 1, 11, 8, 0, tzinfo=UTC)
    assert next_send(now, "Europe/Rome", 0, "09:00", paused_until=date(2027, 1, 4)) == datetime(
        2027, 1, 4, 8, 0, tzinfo=UTC)


def test_next_send_can_skip_the_week_already_checked_in() -> None:
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # Tuesday; Friday's check-in is still ahead
    assert next_send(now, "Europe/Rome", 4, "16:00") == datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    assert next_send(now, "Europe/Rome", 4, "16:00", after_week=date(2026, 11, 23)) == datetime(
        2026, 12, 4, 15, 0, tzinfo=UTC)


# --- the announced next check-in is the planner's ---------------------------------------------------------------

from datetime import timedelta  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bot.rules.schedule import PlannedGoal, goal_due, next_checkin, open_slot  # noqa: E402


def planner_sends(at: datetime, now_week: date, tz: str, weekday: int, hhmm: str, paused: date | None,
                  goals: list[PlannedGoal]) -> bool:
    """What the planner (bot.jobs.checkins.plan_checkins) would send on a run at `at`."""
    slot = open_slot(at, tz, weekday, hhmm, paused)
    if slot is None:
        return False
    week, moment = slot
    send_day = moment.astimezone(ZoneInfo(tz)).date()
    return any(goal_due(g.created_at, g.deadline, moment, send_day, g.start_date)
               and not (week == now_week and g.asked_this_week) for g in goals)


zones = st.sampled_from(["Europe/Rome", "America/New_York", "Asia/Tokyo", "UTC"])
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))
planned = st.lists(st.builds(
    PlannedGoal,
    created_at=st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    deadline=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 6, 30)),
    asked_this_week=st.booleans(),
    start_date=st.one_of(st.none(), st.dates(min_value=date(2025, 6, 1), max_value=date(2028, 1, 31)))),
    min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(now=moments, tz=zones, weekday=st.integers(0, 6), hour=st.integers(0, 23),
       pause=st.one_of(st.none(), st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 1, 1))), goals=planned)
def test_the_announced_next_check_in_is_when_the_planner_sends_it(
    now: datetime, tz: str, weekday: int, hour: int, pause: date | None, goals: list[PlannedGoal],
) -> None:
    hhmm = f"{hour:02d}:30"
    goals = [g for g in goals if g.created_at is not None and g.created_at <= now] or [PlannedGoal(now - timedelta(days=30), goals[0].deadline, start_date=goals[0].start_date)]
    week = week_start(now.astimezone(ZoneInfo(tz)).date())
    announced = next_checkin(now, tz, weekday, hhmm, paused_until=pause, goals=goals)
    if announced is None:
        for days in range(0, 800, 7):  # no later weekly moment sends anything
            assert not planner_sends(now + timedelta(days=days, minutes=1), week, tz, weekday, hhmm, pause, goals)
        return
    if announced.due_now:
        assert planner_sends(now, week, tz, weekday, hhmm, pause, goals)  # the next planner run sends it
        return
    assert announced.at > now
    assert planner_sends(announced.at, week, tz, weekday, hhmm, pause, goals)
    # Nothing goes out before the announced moment: run the planner just after every earlier weekly moment.
    assert not planner_sends(now, week, tz, weekday, hhmm, pause, goals)
    monday = week
    while (slot := send_time(monday, weekday, hhmm, tz)) < announced.at:
        if slot + timedelta(minutes=1) > now:
            assert not planner_sends(slot + timedelta(minutes=1), week, tz, weekday, hhmm, pause, goals)
        monday += timedelta(days=7)
