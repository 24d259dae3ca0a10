"""A row of the digest query (storage.repositories.digest_rows, aligned_rows) as the goal every team screen shows:
the channel digest, the manager's week, a manager's Home and the objectives' roll-ups read goals this one way."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules.digest_math import DigestGoal, LastCheckIn, week_monday
from bot.rules.progress import GoalNumbers, Kind, kind_of, standing
from bot.rules.statuses import CheckInStatus, GoalStatus
from bot.rules.titles import title_is_original
from storage.models import aware

DIGEST_COLUMNS = 27  # the columns row_goal reads; aligned_rows adds the objective and the visibility after them

# Enum members as module names: on Python 3.11 each `Enum.MEMBER` lookup takes a slow path (bot.rules.progress).
_ACTIVE, _ANSWERED, _SKIPPED, _GROWTH = GoalStatus.ACTIVE, CheckInStatus.ANSWERED, CheckInStatus.SKIPPED, Kind.GROWTH


def _local_date(value: datetime | None, zone: ZoneInfo) -> date | None:
    return aware(value).astimezone(zone).date() if value is not None else None


# The parsed Mondays of each run of weeks: a team's goals check in on the same few dozen Mondays, so their recent
# weeks repeat from goal to goal and are parsed once per build.
WeekCache = dict[tuple[str, ...], tuple[date, ...]]


def _recent(text: str | None, weeks: WeekCache) -> tuple[tuple[date, float], ...]:
    """"2026-11-23;7.0;2026-11-16;5.0" (newest first, as the query sends it) as (week, value), oldest first."""
    if not text:
        return ()
    # One flat list [week, value, week, value, …] newest first, read backwards: every step in C, none per value
    # in Python (a 2,000-goal digest reads 14,000 of them).
    flat = text.split(";")
    days = tuple(flat[-2::-2])
    mondays = weeks.get(days)
    if mondays is None:
        mondays = weeks[days] = tuple(date.fromisoformat(day[:10]) for day in days)
    return tuple(zip(mondays, map(float, flat[::-2]), strict=True))


def row_goal(row: Any, zone: ZoneInfo, *, today: date, weeks: WeekCache | None = None,
             notes: bool = True) -> DigestGoal:
    """One row of the digest query as the goal the digest shows, with the model's standing.

    `notes`: whether the path may quote the latest check-in's note (bot.rules.visibility.notes_shown); when not,
    the note never leaves this function, so no renderer can show it.
    """
    # Unpacked by position (the order of digest_rows' columns): a 2,000-goal digest reads ~50,000 values.
    (goal_id, owner, title, unit, metric, direction, baseline, baseline_unit, target, current, start, deadline, status,
     adjusted_at, title_updated_at, title_reversed, closed_at, override, recent, below, this_week, last_week,
     last_answered_at, last_value, last_mood, last_note, last_blocker) = row
    kind = kind_of(direction, unit, metric)
    growth = kind is _GROWTH
    # The three objects of every goal are built with positional arguments, in their fields' order: a keyword
    # costs ~30 ns, and these three take 29 of them per goal (the model's Standing and Forecast likewise).
    numbers = GoalNumbers(
        kind, float(target), None if baseline is None else float(baseline),  # kind, target, baseline
        None if current is None else float(current), start, deadline, unit,  # current, start, deadline, unit
        None if status == _ACTIVE else status, bool(override),  # closed_as, override
        _recent(recent, {} if weeks is None else weeks),  # history
        float(baseline) if growth and baseline else None, baseline_unit if growth else None,  # base_amount, base_unit
        None if below is None else int(below),  # below_count
        direction == "keep_below",  # ceiling
    )
    last = None
    if last_week is not None:
        # week_start, on, value, mood, note, blocker
        last = LastCheckIn(last_week, _local_date(last_answered_at, zone) or last_week, last_value, last_mood,
                           last_note if notes else None, last_blocker)
    answered_this_week = last is not None and last.week_start >= week_monday(today)
    skip_reason = None
    if this_week is not None and ":" in this_week:  # "skipped:on PTO": a skipped week with its reason
        this_week, _, skip_reason = this_week.partition(":")
    return DigestGoal(
        goal_id, owner, title, adjusted_at is not None, standing(numbers, today), last,  # id, owner, title, adjusted
        this_week == _ANSWERED or answered_this_week,  # checked_in
        this_week == _SKIPPED,  # skipped
        None if closed_at is None else _local_date(closed_at, zone),  # closed_on
        this_week is not None or answered_this_week,  # asked
        # original_title: the words no longer say what the numbers do (marked as the original wording)
        title_is_original(adjusted_at, title_updated_at, reversed_words=bool(title_reversed)),
        skip_reason or None,  # skip_reason: what the person said when skipping this week (paths with notes only)
    )
