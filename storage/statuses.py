"""The lifecycle words goalbot stores: goal, check-in, reading and outbox statuses, stored as these exact
strings. They live beside the models so storage can query by them; bot.rules.statuses re-exports them."""

from __future__ import annotations

from enum import StrEnum


class GoalStatus(StrEnum):
    """Where a goal is in its life: running, or closed as achieved, missed or dropped ("done" is older data)."""

    ACTIVE = "active"
    ACHIEVED = "achieved"
    MISSED = "missed"
    DONE = "done"  # stored before closings became truthful; never written any more
    DROPPED = "dropped"


class CheckInStatus(StrEnum):
    """One week's check-in: asked, answered in the thread (or a button/modal), or skipped."""

    ASKED = "asked"
    ANSWERED = "answered"
    SKIPPED = "skipped"


class OutboxStatus(StrEnum):
    """An outbox row: waiting, claimed by one worker, accepted by Slack, refused for good, or cancelled (its
    workspace uninstalled goalbot or revoked its token)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class InboxStatus(StrEnum):
    """An event recorded before its ack: waiting to be handled, handled, or given up after repeated failures."""

    RECEIVED = "received"
    DONE = "done"
    ABANDONED = "abandoned"


class Mood(StrEnum):
    """How the owner says the goal feels, from the check-in buttons."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BLOCKED = "blocked"


class ReadingStatus(StrEnum):
    """One recorded value of a check-in: the one in force, or replaced, undone, or withdrawn with its message."""

    CURRENT = "current"
    SUPERSEDED = "superseded"  # a later reading of the same check-in replaced it; undoing that one restores it
    UNDONE = "undone"  # the owner pressed Undo
    WITHDRAWN = "withdrawn"  # the owner deleted the reply it was read from


class ReadingSource(StrEnum):
    """Where a reading came from."""

    REPLY = "reply"  # a reply typed in the check-in's thread
    EDIT = "edit"  # that reply, edited in Slack
    PICK = "pick"  # one of the readings offered for an ambiguous reply
    MODAL = "modal"  # the Update progress modal
    CORRECTION = "correction"  # the Correct button's modal
