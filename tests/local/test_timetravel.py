"""`:time` in the shell: what each phrase moves the clock to, and where the jobs stop on the way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.local.timetravel import TICK, TimeError, parse_target, stops
from prompts import t

NOW = datetime(2026, 12, 1, 11, 30, tzinfo=UTC)  # Tuesday, 12:30 in Rome


@pytest.mark.parametrize(("text", "expected"), [
    ("+1w", NOW + timedelta(weeks=1)),
    ("+3d", NOW + timedelta(days=3)),
    ("+2h 30m", NOW + timedelta(hours=2, minutes=30)),
    ("+1w2d", NOW + timedelta(days=9)),
    ("monday 09:00", datetime(2026, 12, 7, 8, 0, tzinfo=UTC)),
    ("tuesday 09:00", datetime(2026, 12, 8, 8, 0, tzinfo=UTC)),  # today's 09:00 has passed: next week
    ("tuesday 14:00", datetime(2026, 12, 1, 13, 0, tzinfo=UTC)),
    ("venerdì 16:00", datetime(2026, 12, 4, 15, 0, tzinfo=UTC)),
    ("2026-12-07T09:00+01:00", datetime(2026, 12, 7, 8, 0, tzinfo=UTC)),
    ("2026-12-07T09:00", datetime(2026, 12, 7, 8, 0, tzinfo=UTC)),  # no offset: the person's own time
])
def test_time_phrases(text: str, expected: datetime) -> None:
    assert parse_target(text, now=NOW, tz="Europe/Rome") == expected


@pytest.mark.parametrize(("text", "key", "params"), [
    ("yesterday", "shell.time.any", {}), ("+", "shell.time.step", {}), ("+1y", "shell.time.step", {}),
    ("monday 9am", "shell.time.clock", {"day": "monday"}), ("lunedì 9", "shell.time.clock", {"day": "lunedì"}),
    ("-1d", "shell.time.any", {}),
])
def test_what_is_not_a_moment_ahead_is_refused_with_an_example(text: str, key: str, params: dict[str, str]) -> None:
    with pytest.raises(TimeError, match=":time") as refused:
        parse_target(text, now=NOW, tz="Europe/Rome")
    assert str(refused.value) == t("en", key, **params)  # the log's words
    assert refused.value.said("it") == t("it", key, **params)  # the person's


def test_a_week_stops_a_minute_after_each_daily_time_and_at_the_end() -> None:
    end = NOW + timedelta(weeks=1)
    found = stops(NOW, end, {("09:00", "Europe/Rome"), ("16:00", "Europe/Rome")})
    assert found[-1] == end and len(found) == 7 * 2 + 1
    assert datetime(2026, 12, 7, 8, 0, tzinfo=UTC) + TICK in found  # Monday 09:00 in Rome


@given(st.integers(min_value=1, max_value=60 * 24 * 40), st.sampled_from(["Europe/Rome", "America/New_York"]))
def test_stops_are_ordered_inside_the_window_and_end_at_the_target(minutes: int, tz: str) -> None:
    end = NOW + timedelta(minutes=minutes)
    found = stops(NOW, end, {("09:00", tz), ("16:30", "Europe/London")})
    assert found == sorted(set(found)) and found[-1] == end and all(NOW < s <= end for s in found)
