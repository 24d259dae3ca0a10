"""When an approval waits too long: a goal set alone that waits for the manager is recalled to them after two
working days (Monday to Friday) without an answer, once per round of the negotiation.

Pure: the dates are parameters (each the manager's local date).
"""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["REMIND_AFTER_WORKING_DAYS", "reminder_due", "working_days_between"]

REMIND_AFTER_WORKING_DAYS = 2


def working_days_between(start: date, end: date) -> int:
    """How many Mondays to Fridays come after `start`, up to and including `end` (0 when end is not later)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def reminder_due(asked_on: date, today: date, *, reminded: bool) -> bool:
    """True when the manager has had two working days and has not been reminded of this round yet."""
    return not reminded and working_days_between(asked_on, today) >= REMIND_AFTER_WORKING_DAYS
