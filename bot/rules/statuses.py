"""The lifecycle words goalbot stores (defined in storage.statuses, beside the tables that hold them) and
which of them close a goal."""

from __future__ import annotations

from storage.statuses import (
    CheckInStatus,
    GoalStatus,
    InboxStatus,
    Mood,
    OutboxStatus,
    ReadingSource,
    ReadingStatus,
)

__all__ = ["CLOSED", "CLOSING", "ENDED", "CheckInStatus", "GoalStatus", "InboxStatus", "Mood", "OutboxStatus",
           "ReadingSource", "ReadingStatus"]

# Closed by the owner: no more check-ins, reviews or changes (a check-in no longer records on them).
ENDED = frozenset({GoalStatus.DONE, GoalStatus.DROPPED, GoalStatus.MISSED})
CLOSED = frozenset({GoalStatus.ACHIEVED, GoalStatus.DONE, GoalStatus.DROPPED, GoalStatus.MISSED})
# What a goal can be closed as today: achieved only when reached or by override (bot.rules.progress).
CLOSING = frozenset({GoalStatus.ACHIEVED, GoalStatus.MISSED, GoalStatus.DROPPED})

