"""The one clock: production reads the system time, tests and `--now` pin it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

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
