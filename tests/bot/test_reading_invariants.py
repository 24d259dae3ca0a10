"""Invariants of a check-in's readings under any sequence of replies, edits, deletions, undos and corrections.

Whatever the owner does, in whatever order: at most one reading is in force; the check-in's value is that
reading's (or none, and the week is back to "asked"); the goal stands at it (or where the week started); it is
achieved exactly when that value reaches the target; and the history only grows, never rewriting a reading.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.context import RequestContext
from bot.local.workspace import LocalWorkspace
from bot.services import checkin_readings
from bot.services.checkin_replies import answer_thread_reply
from storage.models import CheckIn, CheckInReading
from storage.repositories import readings_of_checkin
from tests.bot.checkin_support import add_goal, goal_of
from tests.bot.conftest import NOW

WEEK = date(2026, 11, 23)
START = 4.0  # where the goal stands when the week begins
_ts = itertools.count(1_000)

values = st.integers(min_value=0, max_value=12)
operations = st.lists(st.one_of(
    st.tuples(st.just("reply"), values),
    st.tuples(st.just("edit"), st.integers(0, 5), values),
    st.tuples(st.just("delete"), st.integers(0, 5)),
    st.tuples(st.just("undo"), st.integers(0, 8)),
    st.tuples(st.just("correct"), values),
), min_size=1, max_size=8)


def new_week(ws: LocalWorkspace) -> tuple[int, int, str, str]:
    """A goal at 4 of 10 with this week's check-in posted in the owner's DM: (goal, check-in, channel, thread)."""
    goal_id = add_goal(ws, "U1", current=START)
    channel, thread = ws.fake.dm_channel("U1"), f"{next(_ts)}.000100"
    with ws.deps.sessions() as session:
        checkin = CheckIn(goal_id=goal_id, week_start=WEEK, status="asked", asked_at=NOW, channel_id=channel,
                          message_ts=thread)
        session.add(checkin)
        session.commit()
        return goal_id, checkin.id, channel, thread


def history(ws: LocalWorkspace, checkin_id: int) -> list[CheckInReading]:
    with ws.deps.sessions() as session:
        return readings_of_checkin(session, checkin_id)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_readings_stay_consistent_whatever_the_owner_does(workspace: LocalWorkspace, steps: list[tuple]) -> None:
    ctx = RequestContext(team_id=workspace.team_id, user_id="U1", channel_id=None, lang="en", tz="Europe/Rome",
                         now=NOW)
    goal_id, checkin_id, channel, thread = new_week(workspace)
    ctx = ctx.in_channel(channel)
    replies: list[str] = []
    deleted: set[str] = set()
    seen: dict[int, float] = {}
    for step in steps:
        kind = step[0]
        live = [ts for ts in replies if ts not in deleted]
        if kind == "reply":
            ts = f"{next(_ts)}.000200"
            replies.append(ts)
            answer_thread_reply(workspace.deps, ctx, channel=channel, thread_ts=thread, ts=ts, text=str(step[1]))
        elif kind == "edit" and live:
            ts = live[step[1] % len(live)]
            checkin_readings.reread_edited_reply(workspace.deps, ctx, channel=channel, thread_ts=thread, ts=ts,
                                                 text=f"now at {step[2]}", previous_text=None,
                                                 edited_ts=f"{next(_ts)}.000300")
        elif kind == "delete" and live:
            ts = live[step[1] % len(live)]
            deleted.add(ts)
            checkin_readings.withdraw_deleted_reply(workspace.deps, ctx, channel=channel, ts=ts)
        elif kind == "undo" and seen:
            checkin_readings.undo(workspace.deps, ctx, sorted(seen)[step[1] % len(seen)])
        elif kind == "correct":
            current = [r for r in history(workspace, checkin_id) if r.status == "current"]
            if current:
                checkin_readings.submit_correction(workspace.deps, ctx, current[0].id, str(step[1]),
                                                   channel=channel, thread_ts=thread)

        readings = history(workspace, checkin_id)
        assert all(seen[r.id] == r.value for r in readings if r.id in seen), "a reading was rewritten"
        assert set(seen) <= {r.id for r in readings}, "a reading left the history"
        seen = {r.id: r.value for r in readings}
        in_force = [r for r in readings if r.status == "current"]
        assert len(in_force) <= 1
        with workspace.deps.sessions() as session:
            checkin = session.get(CheckIn, checkin_id)
            assert checkin is not None
            week = (checkin.status, checkin.value)
        goal = goal_of(workspace, goal_id)
        if in_force:
            assert week == ("answered", in_force[0].value)
            assert goal.current == in_force[0].value
        else:
            assert week[1] is None and week[0] == "asked"
            assert goal.current == START
        assert (goal.status == "achieved") == (goal.current is not None and goal.current >= 10)
