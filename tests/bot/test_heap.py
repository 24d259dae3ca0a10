"""The collector pauses for a digest build and always comes back, however builds overlap or end."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from bot.heap import collector_paused
from bot.local.workspace import LocalWorkspace
from bot.services.digests import build_digest
from storage.db import make_session_factory
from tests.bot.digest_support import FRIDAY_4PM_ROME, MONDAY, add_checkin, add_goal


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_paused_during_a_build_and_resumes_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_builds_resume_the_collector_when_the_last_one_ends() -> None:
    first_in, second_done, first_done = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_done.wait(10)
            seen.append(gc.isenabled())  # the other build ended: still paused for this one
        first_done.set()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_in.wait(10)
    with collector_paused():
        pass
    second_done.set()
    assert first_done.wait(10)
    thread.join(10)
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_a_failed_build_resumes_the_collector() -> None:
    engine = create_engine("sqlite://")  # no tables: the build's query fails inside the pause
    with make_session_factory(engine)() as session, pytest.raises(OperationalError), collector_paused():
        build_digest(session, team_id="T1", member_ids=["U1"], now=datetime(2026, 11, 27, 15, tzinfo=UTC),
                     tz="Europe/Rome", lang="en")
    engine.dispose()
    assert gc.isenabled()


def test_a_dropped_digest_is_freed_at_once_without_the_collector(workspace: LocalWorkspace) -> None:
    # queue_digest pauses the collector until the digest is queued and dropped: nothing of it may wait for one.
    for n, user in enumerate(("U1", "U2")):
        goal = add_goal(workspace, user, title=f"Goal {n} for 8 clients", current=2 + n)
        add_checkin(workspace, goal, MONDAY - timedelta(weeks=1), 1 + n)
    with workspace.deps.sessions() as session, collector_paused():
        built = build_digest(session, team_id=workspace.team_id, member_ids=["U1", "U2"], now=FRIDAY_4PM_ROME,
                             tz="Europe/Rome", lang="it")
        assert len(built.view.goals) == 2 and built.messages
        view = weakref.ref(built.view)  # the view holds every goal and standing
        del built
        assert view() is None
