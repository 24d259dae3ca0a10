"""The one clock: production reads the system time, tests and `--now` pin it.

Beside the wall clock, delivery needs elapsed time and waiting (rate limits, Retry-After, backoff): a `Timer`.
Production waits on the system's monotonic clock; tests use a `VirtualTimer`, where a wait that nothing cuts
short moves time on at once, so a one-second pacing or a Retry-After costs the test nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

Clock = Callable[[], datetime]


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC; SQLite hands timestamps back naive, and goalbot writes them all in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def system_clock() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests and operators replaying a week."""

    def __init__(self, at: datetime) -> None:
        self.at = at if at.tzinfo else as_utc(at)

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        """Move the clock to `at`."""
        self.at = at if at.tzinfo else as_utc(at)


class Timer(Protocol):
    """Elapsed time and waiting, for rate limits and retries."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let `seconds` pass."""
        ...

    def wait(self, condition: threading.Condition, seconds: float | None) -> None:
        """Wait on `condition` (held by the caller) until notified or until `seconds` have passed."""
        ...

    def poll(self, condition: threading.Condition, seconds: float) -> None:
        """Wait on `condition` for a notification, looking again after at most `seconds`; time is not waited for."""
        ...


class SystemTimer:
    """Real time: time.monotonic and real waits."""

    def monotonic(self) -> float:
        """The system's monotonic clock."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        if seconds > 0:
            time.sleep(seconds)

    def wait(self, condition: threading.Condition, seconds: float | None) -> None:
        """Wait on the condition for real."""
        condition.wait(seconds)

    def poll(self, condition: threading.Condition, seconds: float) -> None:
        """Wait on the condition for real."""
        condition.wait(seconds)


SYSTEM_TIMER = SystemTimer()


class VirtualTimer:
    """Time that moves only when someone waits: a sleep passes at once, and so does a wait nobody cuts short.

    A wait first gives other threads a real moment (`grace`) to notify; if none does, time jumps to the end of
    the wait. Work still running in other threads is not slowed, only the idle time between is skipped.
    """

    def __init__(self, start: float = 0.0, *, grace: float = 0.002) -> None:
        self._now = start
        self._grace = grace
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        """The virtual time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time on by `seconds` (never back)."""
        self._move_to(self.monotonic() + max(0.0, seconds))

    def sleep(self, seconds: float) -> None:
        """Pass `seconds` at once."""
        self.advance(seconds)

    def wait(self, condition: threading.Condition, seconds: float | None) -> None:
        """Give others `grace` real seconds to notify; then, if `seconds` is set, let that time pass."""
        if seconds is None:
            condition.wait()
            return
        until = self.monotonic() + seconds
        if not condition.wait(min(self._grace, max(seconds, 0.0))):
            self._move_to(until)

    def poll(self, condition: threading.Condition, seconds: float) -> None:
        """Give others `grace` real seconds to notify; time moves only through waits and sleeps."""
        condition.wait(min(self._grace, seconds))

    def _move_to(self, until: float) -> None:
        with self._lock:
            self._now = max(self._now, until)
