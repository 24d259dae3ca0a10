"""`goalbot serve --http` only acks: the work after each ack is an inbox row run by an after-ack process
(bot/handoff.py), which a killed after-ack process's successor finishes, and which two never run twice."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.delivery import inbox
from bot.handoff import WHOLE_REQUEST
from bot.local.workspace import LocalWorkspace
from prompts import t
from slackfake.payloads import post
from storage.models import InboxEvent
from tests.bot.conftest import dm_texts
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


def test_a_dm_conversation_is_acked_without_bolt_and_a_retried_message_answered_once(
        workspace: LocalWorkspace) -> None:
    asked_achievable = t("en", "ask.achievable").split("—")[0]
    port = free_port()
    server = serve(workspace, port)
    url = f"http://127.0.0.1:{port}/slack/events"
    try:
        body, headers = workspace.requests.slash_command("acquire 10 new clients in the next six months", user_id="U1")
        assert post(url, body, headers)[0] == 200
        workspace.fake.wait_for(lambda: any(asked_achievable in text for text in dm_texts(workspace, "U1")),
                                timeout=30)
        before = len(dm_texts(workspace, "U1"))
        typed = workspace.fake.add_user_message("U1", "8 - referrals from existing clients")
        body, headers = workspace.requests.message_event(typed["text"], user="U1", ts=typed["ts"])
        event_id = json.loads(body)["event_id"]
        assert post(url, body, headers)[0] == 200
        # Slack did not see the ack in time and delivers the same event again.
        again, retry_headers = workspace.requests.message_event(typed["text"], user="U1", ts=typed["ts"],
                                                                event_id=event_id, retry_num=1)
        assert post(url, again, retry_headers)[0] == 200
        workspace.fake.wait_for(lambda: len(dm_texts(workspace, "U1")) > before, timeout=30)
        time.sleep(1)  # a second answer, if there were one, would arrive within this
    finally:
        log = stop(server)
    answers = dm_texts(workspace, "U1")[before:]
    assert len(answers) == 1, (answers, log[-2000:])
    assert t("en", "ask.relevant", example="").split("—")[0] in answers[0]
    rows = inbox_rows(workspace)
    assert [row.lazy_function for row in rows] == [WHOLE_REQUEST, WHOLE_REQUEST]  # nothing ran in the web process
    assert {(row.status, row.attempts) for row in rows} == {("done", 1)}


def test_a_request_handled_late_from_the_inbox_is_read_as_of_when_it_arrived(workspace: LocalWorkspace,
                                                                              clock: FixedClock) -> None:
    from datetime import date, timedelta
    from urllib.parse import parse_qsl

    from prompts import fmt_date
    from tests.bot.conftest import NOW

    body, _ = workspace.requests.slash_command("win 5 new clients by friday", user_id="U1")
    arrived = NOW  # Thursday 26 November 2026: "by friday" is the next day
    clock.set(NOW + timedelta(days=2))  # handled on Saturday, after the process that acked it died
    workspace.app.dispatch(inbox.replayed_request(dict(parse_qsl(body)), received_at=arrived))
    workspace.deps.executor.wait_idle(timeout=30)
    text = "\n".join(dm_texts(workspace, "U1"))
    assert fmt_date("en", date(2026, 11, 27)) in text and fmt_date("en", date(2026, 12, 4)) not in text
