"""A goal's history as one timeline, newest first: the changes made to the goal and what each check-in recorded.

A reading appears when it was recorded (read from a reply, from its edit, picked, entered or corrected) and again
when it was taken back (undone, or withdrawn with its deleted reply). A reading replaced by a later one needs no
entry of its own: the later reading is the entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from bot.rules.statuses import ReadingStatus

__all__ = ["GoalMark", "ReadingEvent", "ReadingFacts", "Revision", "reading_events", "timeline"]

TAKEN_BACK = (ReadingStatus.UNDONE, ReadingStatus.WITHDRAWN)


class ReadingFacts(Protocol):
    """What the timeline needs of a stored reading."""

    @property
    def value(self) -> float: ...
    @property
    def source(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def text(self) -> str | None: ...
    @property
    def created_by(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def ended_at(self) -> datetime | None: ...


class Revision(Protocol):
    """What the timeline needs of a change to the goal."""

    @property
    def changed_at(self) -> datetime: ...


@dataclass(frozen=True)
class ReadingEvent:
    """One thing that happened to a week's value: `kind` is a ReadingSource ("reply", "edit", "pick", "modal",
    "correction") when it was recorded, "undone" or "withdrawn" when it was taken back."""

    at: datetime
    by: str
    kind: str
    value: float
    week: date
    text: str | None = None


@dataclass(frozen=True)
class GoalMark:
    """A moment of the goal that is neither a change nor a value: `kind` "set" (when it was set up) or "skipped"
    (a week its owner skipped, with the reason they gave, if any)."""

    at: datetime
    by: str
    kind: str
    week: date | None = None
    text: str | None = None


def reading_events(readings: Iterable[tuple[ReadingFacts, date]], owner: str) -> list[ReadingEvent]:
    """The entries of each (reading, week of its check-in): recorded, and taken back when it was."""
    events: list[ReadingEvent] = []
    for reading, week in readings:
        events.append(ReadingEvent(reading.created_at, reading.created_by, str(reading.source), reading.value, week,
                                   reading.text))
        if reading.status in TAKEN_BACK and reading.ended_at is not None:
            # Only the owner can undo a reading or delete the reply it came from.
            events.append(ReadingEvent(reading.ended_at, owner, str(reading.status), reading.value, week))
    return events


R = TypeVar("R", bound=Revision)


def timeline(revisions: Sequence[R], events: Sequence[ReadingEvent | GoalMark]) -> list[R | ReadingEvent | GoalMark]:
    """Changes and reading events together, newest first (of two at the same moment, the later stored first)."""
    entries: list[tuple[datetime, int, R | ReadingEvent | GoalMark]] = [
        *((r.changed_at, i, r) for i, r in enumerate(revisions)),
        *((e.at, len(revisions) + i, e) for i, e in enumerate(events)),
    ]
    entries.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
    return [entry for _, _, entry in entries]
