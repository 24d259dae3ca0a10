"""Approval reminders: two working days, counted Monday to Friday."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.approvals import reminder_due, working_days_between

THU, FRI, SAT, SUN, MON, TUE = (date(2026, 11, 26) + timedelta(days=n) for n in range(6))


@pytest.mark.parametrize(("start", "end", "days"), [
    (THU, THU, 0), (THU, FRI, 1), (THU, SAT, 1), (THU, SUN, 1), (THU, MON, 2), (THU, TUE, 3),
    (SAT, MON, 1), (FRI, MON, 1), (THU, THU - timedelta(days=3), 0), (MON, MON + timedelta(days=7), 5),
])
def test_working_days_between(start: date, end: date, days: int) -> None:
    assert working_days_between(start, end) == days


@pytest.mark.parametrize(("asked", "today", "reminded", "due"), [
    (THU, FRI, False, False),  # one working day
    (THU, SUN, False, False),  # the weekend does not count
    (THU, MON, False, True),
    (THU, MON, True, False),  # once per round
    (FRI, TUE, False, True),
])
def test_reminder_due(asked: date, today: date, reminded: bool, due: bool) -> None:
    assert reminder_due(asked, today, reminded=reminded) is due


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 400))
def test_working_days_match_counting_one_by_one(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    one_by_one = sum(1 for n in range(1, span + 1) if (start + timedelta(days=n)).weekday() < 5)
    assert working_days_between(start, end) == one_by_one
