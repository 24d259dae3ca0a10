"""bot.rules.history: a goal's changes and its check-ins' readings as one timeline, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.history import ReadingEvent, reading_events, timeline

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
WEEK = date(2026, 12, 7)


@dataclass(frozen=True)
class Row:
    value: float
    source: str
    status: str
    text: str | None
    created_by: str
    created_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True)
class Change:
    changed_at: datetime
    field: str = "target"


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_reading_is_an_entry_when_recorded_and_again_when_taken_back() -> None:
    rows = [(Row(7, "reply", "superseded", "now at 7", "U1", at(0), at(5)), WEEK),
            (Row(8, "edit", "undone", "now at 8", "U1", at(5), at(9)), WEEK),
            (Row(6, "reply", "withdrawn", "6", "U1", at(10), at(12)), WEEK)]
    events = reading_events(rows, owner="U1")
    assert [(e.kind, e.value, e.at) for e in events] == [
        ("reply", 7, at(0)), ("edit", 8, at(5)), ("undone", 8, at(9)), ("reply", 6, at(10)), ("withdrawn", 6, at(12))]
    assert [e.text for e in events] == ["now at 7", "now at 8", None, "6", None]


def test_changes_and_readings_come_newest_first() -> None:
    changes = [Change(at(1)), Change(at(11), "deadline")]
    events = [ReadingEvent(at(0), "U1", "reply", 7, WEEK), ReadingEvent(at(10), "U1", "undone", 7, WEEK)]
    assert timeline(changes, events) == [changes[1], events[1], changes[0], events[0]]


def test_of_two_entries_at_the_same_moment_the_later_stored_comes_first() -> None:
    changes = [Change(at(0), "target"), Change(at(0), "deadline")]
    assert timeline(changes, []) == [changes[1], changes[0]]


@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=30),
       st.lists(st.integers(min_value=0, max_value=10_000), max_size=30))
def test_the_timeline_keeps_every_entry_and_never_goes_forward_in_time(changes: list[int], readings: list[int]) -> None:
    entries = timeline([Change(at(m)) for m in changes], [ReadingEvent(at(m), "U1", "reply", 1, WEEK) for m in readings])
    assert len(entries) == len(changes) + len(readings)
    moments = [e.changed_at if isinstance(e, Change) else e.at for e in entries]
    assert moments == sorted(moments, reverse=True)
