"""When a weekly check-in is due: a weekday and a local time in the owner's time zone, DST-correct.

A check-in week is the owner's local Monday-to-Sunday week; `week_start` is its Monday. The send moment is
the owner's weekday and HH:MM in their IANA zone that week, converted with zoneinfo, so "Monday 09:00" stays
09:00 on the wall clock across daylight-saving changes. A wall time that does not exist (the spring-forward
gap) resolves to the moment the clocks jump; one that occurs twice (fall back) means the first occurrence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

__all__ = [
    "WeeklyTime",
    "TimeReading",
    "parse_weekly_time",
    "week_start",
    "send_time",
    "current_slot",
    "next_send",
    "is_paused",
    "parse_hhmm",
    "NextCheckIn",
    "PlannedGoal",
    "goal_due",
    "open_slot",
    "next_checkin",
]


@dataclass(frozen=True)
class WeeklyTime:
    """A weekday (0 = Monday) and a 24-hour local time "HH:MM"."""

    weekday: int
    time: str


@dataclass(frozen=True)
class TimeReading:
    """What "friday 16:00" means, or why it cannot be used: no_day, no_time, bad_time, several_days."""

    value: WeeklyTime | None
    error: str | None


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _weekday_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for locale in ("en", "it"):
        for width in ("wide", "abbreviated"):
            for number, name in get_day_names(width, locale=locale).items():
                names[_fold(name).rstrip(".")] = number
    names.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3, "mer": 2, "gio": 3})
    return names


_TIME = re.compile(
    r"(?<![\d:.])(?P<h>\d{1,2})(?:\s*[:.h]\s*(?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?(?![\d:.]|\w)",
    re.IGNORECASE,
)
_NOON = re.compile(r"\b(?:noon|midday|mezzogiorno|mezzodi)\b")
_WORD = re.compile(r"[a-z]+")


def parse_weekly_time(text: str) -> TimeReading:
    """Read "friday 16:00", "venerdì alle 16", "fri 4pm" or "16:30 lunedì" into a weekday and a time."""
    folded = _fold(text)
    days = {_weekday_names()[w] for w in _WORD.findall(folded) if w in _weekday_names()}
    if len(days) > 1:
        return TimeReading(None, "several_days")
    if not days:
        return TimeReading(None, "no_day")
    weekday = days.pop()
    if _NOON.search(folded):
        return TimeReading(WeeklyTime(weekday, "12:00"), None)
    matches = list(_TIME.finditer(folded))
    if not matches:
        return TimeReading(None, "no_time")
    if len(matches) > 1:
        return TimeReading(None, "bad_time")
    match = matches[0]
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    ampm = (match.group("ampm") or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return TimeReading(None, "bad_time")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return TimeReading(None, "bad_time")
    return TimeReading(WeeklyTime(weekday, f"{hour:02d}:{minute:02d}"), None)


def parse_hhmm(value: str) -> time:
    """Turn "HH:MM" into a time, rejecting anything else."""
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def week_start(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


def send_time(week: date, weekday: int, hhmm: str, tz: str) -> datetime:
    """The UTC moment of `weekday` at local `hhmm` in the week starting on Monday `week`, in zone `tz`."""
    day = week_start(week) + timedelta(days=weekday)
    local = datetime.combine(day, parse_hhmm(hhmm), tzinfo=ZoneInfo(tz))
    # Round-trip through UTC so a wall time inside the spring-forward gap lands on the real instant.
    return local.astimezone(UTC)


def current_slot(now: datetime, tz: str, weekday: int, hhmm: str) -> tuple[date, datetime]:
    """The owner's current local week (its Monday) and that week's send moment in UTC."""
    week = week_start(now.astimezone(ZoneInfo(tz)).date())
    return week, send_time(week, weekday, hhmm, tz)


def is_paused(send_day: date, paused_until: date | None) -> bool:
    """A check-in whose local send day falls before `paused_until` is not sent; from that day on it is."""
    return paused_until is not None and send_day < paused_until


def next_send(
    now: datetime, tz: str, weekday: int, hhmm: str, *, paused_until: date | None = None,
    after_week: date | None = None,
) -> datetime:
    """The first send moment after `now` (UTC) not held back by a pause and in a week later than `after_week`."""
    week, at = current_slot(now, tz, weekday, hhmm)
    zone = ZoneInfo(tz)
    for _ in range(120):  # pauses are capped at a year; the bound only guards against a bad date
        later = after_week is None or week > after_week
        if at > now and later and not is_paused(at.astimezone(zone).date(), paused_until):
            return at
        week += timedelta(days=7)
        at = send_time(week, weekday, hhmm, tz)
    return at


# --- what the planner sends, and what is announced: one rule -----------------------------------------------------


@dataclass(frozen=True)
class PlannedGoal:
    """An active goal as the planner sees it: when it was set up, its deadline, whether this week was asked, and
    the first day of its period."""

    created_at: datetime | None  # aware
    deadline: date
    asked_this_week: bool = False
    start_date: date | None = None


@dataclass(frozen=True)
class NextCheckIn:
    """The next check-in: its moment (UTC), and whether it is already due (the planner sends it on its next run)."""

    at: datetime
    due_now: bool
    this_week_sent: bool = False  # this week's check-in already went out, so the next one is a later week's


def open_slot(now: datetime, tz: str, weekday: int, hhmm: str, paused_until: date | None) -> tuple[date, datetime] | None:
    """This local week's (Monday, moment) when its moment has come and no pause holds it back, else None."""
    week, at = current_slot(now, tz, weekday, hhmm)
    if at > now or is_paused(at.astimezone(ZoneInfo(tz)).date(), paused_until):
        return None
    return week, at


def goal_due(created_at: datetime | None, deadline: date, at: datetime, send_day: date,
             start_date: date | None = None) -> bool:
    """Whether a goal gets the check-in of the slot `at`: set up before it, and its period begun and not over."""
    if created_at is not None and created_at > at:
        return False  # set up after this week's moment: the first check-in is next week's
    if start_date is not None and send_day < start_date:
        return False  # "next quarter" set in December: nothing to report before 1 January
    return deadline >= send_day  # past the deadline, the review asks how it went instead


def next_checkin(
    now: datetime, tz: str, weekday: int, hhmm: str, *, paused_until: date | None,
    goals: list[PlannedGoal] | tuple[PlannedGoal, ...],
) -> NextCheckIn | None:
    """The next check-in the planner will really send for these goals (None when none ever will).

    Walks the same rule the planner applies (`open_slot`, `goal_due`, one check-in per goal and week): this
    week's moment when it has passed and a goal is still due (the planner catches up on its next run), else the
    first later moment that a pause does not hold back and at which a goal is due.
    """
    zone = ZoneInfo(tz)
    week, at = current_slot(now, tz, weekday, hhmm)
    if not goals:
        return NextCheckIn(next_send(now, tz, weekday, hhmm, paused_until=paused_until), False)
    last_deadline = max(g.deadline for g in goals)
    for index in range(120):  # pauses are capped at a year; the bound only guards against a bad date
        send_day = at.astimezone(zone).date()
        if send_day > last_deadline:
            return None
        if not is_paused(send_day, paused_until):
            due = any(goal_due(g.created_at, g.deadline, at, send_day, g.start_date) and not (index == 0 and g.asked_this_week)
                      for g in goals)
            if due and (at > now or index == 0):
                sent = index > 0 and any(g.asked_this_week for g in goals)
                return NextCheckIn(at, due_now=at <= now, this_week_sent=sent)
        week += timedelta(days=7)
        at = send_time(week, weekday, hhmm, tz)
    return None
