"""`goalbot serve --http` only acks: the work after each ack is an inbox row run by an after-ack process
(bot/handoff.py), which a killed after-ack process's successor finishes, and which two never run twice."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.delivery import inbox
from bot.local.workspace import LocalWorkspace
from slackfake.payloads import post
from storage.models import InboxEvent
from tests.bot.test_inbox_crash import free_port, serve


@pytest.fixture
def workspace(database_url: str, clock: FixedClock) -> Iterator[LocalWorkspace]:
    from tests.bot.conftest import make_settings

    ws = LocalWorkspace(make_settings(database_url), clock=clock)
    for number in range(1, 4):
        ws.add_user(f"U{number}", name=f"person{number}", tz="Europe/Rome", locale="en-US")
    yield ws
    ws.close()


def inbox_rows(ws: LocalWorkspace) -> list[InboxEvent]:
    """The handed-off rows (on SQLite in their own file beside the database)."""
    queue = inbox.handoff_sessions(ws.deps.sessions)
    with queue() as session:
        rows = list(session.scalars(select(InboxEvent).order_by(InboxEvent.id)))
    if queue is not ws.deps.sessions:
        queue.kw["bind"].dispose()
    return rows


def stop(process: object) -> str:
    process.send_signal(signal.SIGTERM)  # type: ignore[attr-defined]
    return str(process.communicate(timeout=30)[1])  # type: ignore[attr-defined]


def test_a_slash_command_is_acked_by_the_web_process_and_answered_by_the_after_ack_process(
        workspace: LocalWorkspace) -> None:
    port = free_port()
    server = serve(workspace, port)
    try:
        body, headers = workspace.requests.slash_command("help", user_id="U1")
        status, _, _ = post(f"http://127.0.0.1:{port}/slack/events", body, headers)
        assert status == 200
        answers = workspace.fake.wait_for(lambda: workspace.fake.ephemeral_messages("U1"), timeout=30)
    finally:
        log = stop(server)
    assert len(answers) == 1, log[-2000:]
    [row] = inbox_rows(workspace)  # the handoff: one row, run by the after-ack process, done
    assert row.lazy_function and row.claimed_by and row.status == "done" and row.attempts == 1


def test_an_after_ack_process_killed_mid_handling_is_replaced_and_the_command_answered_once(
        workspace: LocalWorkspace) -> None:
    port = free_port()
    server = serve(workspace, port)
    try:
        # Slack is slow to answer users.info (the person's first request): the handler is waiting on it when killed.
        workspace.fake.delay_next("users.info", 20)
        body, headers = workspace.requests.slash_command("help", user_id="U1")
        status, _, _ = post(f"http://127.0.0.1:{port}/slack/events", body, headers)
        assert status == 200  # acked: Slack will not send this command again
        workspace.fake.wait_for(lambda: not workspace.fake._delays.get("users.info"), timeout=30)
        [row] = inbox_rows(workspace)
        holder = int(str(row.claimed_by).split(":")[1])
        assert holder != server.pid
        os.kill(holder, signal.SIGKILL)
        assert workspace.fake.ephemeral_messages("U1") == []  # nothing answered yet
        answers = workspace.fake.wait_for(lambda: workspace.fake.ephemeral_messages("U1"), timeout=30)
        time.sleep(1)  # a second handling, if there were one, would answer within this
        answers = workspace.fake.ephemeral_messages("U1")
    finally:
        log = stop(server)
    assert len(answers) == 1, log[-2000:]
    [row] = inbox_rows(workspace)
    assert row.status == "done" and row.attempts == 2 and int(str(row.claimed_by).split(":")[1]) != holder


def test_two_after_ack_processes_never_answer_the_same_request_twice(workspace: LocalWorkspace) -> None:
    port = free_port()
    server = serve(workspace, port, "--after-ack", "2")
    sent = 0
    try:
        for _ in range(8):
            for user in ("U1", "U2", "U3"):
                body, headers = workspace.requests.slash_command("help", user_id=user)
                status, _, _ = post(f"http://127.0.0.1:{port}/slack/events", body, headers)
                assert status == 200
                sent += 1
        workspace.fake.wait_for(lambda: len(workspace.fake.ephemeral_messages()) >= sent, timeout=60)
        time.sleep(1)  # a second handling, if there were one, would answer within this
    finally:
        log = stop(server)
    assert len(workspace.fake.ephemeral_messages()) == sent, log[-2000:]
    rows = inbox_rows(workspace)
    assert len(rows) == sent and {(r.status, r.attempts) for r in rows} == {("done", 1)}
