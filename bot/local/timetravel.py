"""The shell's clock: real time plus an offset the person moves with `:time`, and where the jobs stop on the way."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import as_utc, system_clock
from prompts import t

WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "lunedì": 0, "lunedi": 0, "martedì": 1, "martedi": 1, "mercoledì": 2, "mercoledi": 2, "giovedì": 3,
    "giovedi": 3, "venerdì": 4, "venerdi": 4, "sabato": 5, "domenica": 6,
}
_STEP = re.compile(r"(\d+)\s*(w|d|h|m)")
TICK = timedelta(minutes=1)
_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}


class ShellClock:
    """Real time moved by an offset: the conversation keeps ticking after `:time` moved it forward."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset
        self.frozen: datetime | None = None

    def __call__(self) -> datetime:
        return self.frozen if self.frozen is not None else system_clock() + self.offset

    @contextmanager
    def stopped_at(self, at: datetime) -> Iterator[None]:
        """Stand still at `at` while the jobs of one stop run, as if they all ran in the same scheduler tick.

        Otherwise a check-in asked a few milliseconds after a stop is, two days later at the same stop, a few
        milliseconds short of the two days its reminder waits for.
        """
        self.move_to(at)
        self.frozen = as_utc(at)
        try:
            yield
        finally:
            self.frozen = None

    def move_to(self, at: datetime) -> None:
        """Make the clock read `at` now (and tick on from there)."""
        self.offset = as_utc(at) - system_clock()


class TimeError(ValueError):
    """`:time` was given something that is not a moment ahead; its catalog key says what to type."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(t("en", key, **params))
        self.key = key
        self.params = params

    def said(self, lang: str) -> str:
        """What to type, in the language of the person typing."""
        return t(lang, self.key, **self.params)


def parse_target(text: str, *, now: datetime, tz: str) -> datetime:
    """Where `:time TEXT` moves the clock: `+1w`, `+2d 3h`, `monday 09:00`, `2026-12-07T09:00+01:00`; UTC."""
    text = text.strip().lower()
    if text.startswith("+"):
        steps = _STEP.findall(text[1:])
        if not steps or _STEP.sub("", text[1:]).strip():
            raise TimeError("shell.time.step")
        return as_utc(now) + sum((int(n) * _UNITS[unit] for n, unit in steps), timedelta(0))
    words = text.split()
    if words and words[0] in WEEKDAYS:
        hhmm = words[1] if len(words) > 1 else "09:00"
        try:
            at_time = time.fromisoformat(hhmm)
        except ValueError:
            raise TimeError("shell.time.clock", day=words[0]) from None
        local_now = now.astimezone(ZoneInfo(tz))
        days = (WEEKDAYS[words[0]] - local_now.weekday()) % 7
        target = datetime.combine(local_now.date() + timedelta(days=days), at_time, ZoneInfo(tz))
        if target <= local_now:
            target = datetime.combine(target.date() + timedelta(days=7), at_time, ZoneInfo(tz))
        return target.astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(text.upper() if "t" in text else text)
    except ValueError:
        raise TimeError("shell.time.any") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))  # a bare date-time is the person's own local time
    return parsed.astimezone(UTC)


def stops(start: datetime, end: datetime, daily: Iterable[tuple[str, str]]) -> list[datetime]:
    """The moments after `start` up to `end` when a scheduled job may fall due, in order, ending with `end`.

    `daily` holds the (HH:MM, time zone) pairs at which check-ins, reminders, reviews and digests are set;
    stopping a minute after each (the scheduler looks every minute) runs each job at its own time instead of
    all at once at the end.
    """
    start, end = as_utc(start), as_utc(end)
    found: set[datetime] = {end}
    pairs = set(daily)
    for hhmm, tz in pairs:
        zone = ZoneInfo(tz)
        at_time = time.fromisoformat(hhmm)
        day: date = start.astimezone(zone).date()
        while True:
            moment = datetime.combine(day, at_time, zone).astimezone(UTC) + TICK
            if moment > end:
                break
            if moment > start:
                found.add(moment)
            day += timedelta(days=1)
    return sorted(found)
