"""`goalbot serve --http` only acks: the work after each ack is an inbox row run by an after-ack process
(bot/handoff.py), which a killed after-ack process's successor finishes, and which two never run twice."""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator

import pytest
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from bot.clock import FixedClock
from bot.delivery import inbox
from bot.handoff import WHOLE_REQUEST
from bot.local.workspace import LocalWorkspace
from prompts import t
from slackfake.payloads import post
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


def inbox_rows(ws: LocalWorkspace) -> list[inbox.HandedOff]:
    """The handed-off rows (on SQLite in their own file beside the database, their claims in another)."""
    queue = inbox.handoff_sessions(ws.deps.sessions)
    try:
        return inbox.handed_off(queue)
    finally:
        inbox.dispose_handoff(queue, ws.deps.sessions)


def settled(ws: LocalWorkspace, rows: int) -> None:
    """Wait until `rows` handed-off requests are all done: a second handling would have to claim one again (its
    attempts would show it), so nothing is left to wait for on the clock."""
    ws.fake.wait_for(lambda: len(done := inbox_rows(ws)) >= rows and all(r.status == "done" for r in done),
                     timeout=30)


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
    # SLACK_BOT_TOKEN is set, as in every deployment, and goalbot gives Bolt its own client: no warning about it.
    assert warning_client_prioritized_and_token_skipped() not in log and "WARNING" not in log, log[-2000:]


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
        workspace.fake.wait_for(lambda: workspace.fake.ephemeral_messages("U1"), timeout=30)
        settled(workspace, 1)
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
        settled(workspace, sent)
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
        settled(workspace, 2)
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


def handed(ws: LocalWorkspace, user: str = "U1") -> dict[str, object]:
    """A /goal help as the web process hands it off (the parsed form body)."""
    from urllib.parse import parse_qsl

    body, _ = ws.requests.slash_command("help", user_id=user)
    return dict(parse_qsl(body))


def test_a_claim_its_holder_stopped_renewing_is_taken_up_once_and_given_up_after_the_last_attempt(
        workspace: LocalWorkspace, clock: FixedClock) -> None:
    from datetime import timedelta

    lease = timedelta(seconds=60)
    queue = inbox.handoff_sessions(workspace.deps.sessions)
    try:
        assert inbox.hand_off(queue, handed(workspace), WHOLE_REQUEST, clock())
        [first] = inbox.claim(queue, now=clock(), worker="host:1:a", limit=8, lease=lease)
        assert first.attempts == 1
        assert inbox.claim(queue, now=clock(), worker="host:2:b", limit=8, lease=lease) == []  # held
        clock.set(clock() + timedelta(seconds=30))
        inbox.renew(queue, [first.id], "host:1:a", clock())  # still working on it
        clock.set(clock() + timedelta(seconds=45))
        assert inbox.claim(queue, now=clock(), worker="host:2:b", limit=8, lease=lease) == []  # renewed 45 s ago
        clock.set(clock() + timedelta(seconds=30))  # host 1 died: its claim is 75 s old
        assert not inbox.anything_waiting(queue)  # only a claim with a lease takes it up, not an idle poll
        [again] = inbox.claim(queue, now=clock(), worker="host:2:b", limit=8, lease=lease)
        assert (again.id, again.attempts, again.lazy_function) == (first.id, 2, WHOLE_REQUEST)
        assert again.body == first.body
        for attempt in range(3, inbox.MAX_ATTEMPTS + 1):  # each holder dies in turn
            clock.set(clock() + timedelta(seconds=61))
            [taken] = inbox.claim(queue, now=clock(), worker=f"host:{attempt}:c", limit=8, lease=lease)
            assert taken.attempts == attempt
        clock.set(clock() + timedelta(seconds=61))
        assert inbox.claim(queue, now=clock(), worker="host:9:d", limit=8, lease=lease) == []
        [row] = inbox.handed_off(queue)
        assert (row.status, row.attempts) == ("abandoned", inbox.MAX_ATTEMPTS)
    finally:
        inbox.dispose_handoff(queue, workspace.deps.sessions)


def test_requests_handed_off_after_housekeeping_are_still_claimed(workspace: LocalWorkspace,
                                                                  clock: FixedClock) -> None:
    from datetime import timedelta

    queue = inbox.handoff_sessions(workspace.deps.sessions)
    try:
        for user in ("U1", "U2"):
            assert inbox.hand_off(queue, handed(workspace, user), WHOLE_REQUEST, clock())
        claimed = inbox.claim(queue, now=clock(), worker="host:1:a", limit=8)
        assert len(claimed) == 2
        assert inbox.claim(queue, now=clock(), worker="host:1:a", limit=0, finished=[r.id for r in claimed]) == []
        clock.set(clock() + timedelta(days=2))
        inbox.forget_handed_off(queue, clock() - timedelta(days=1))  # SQLite: the newest row stays
        assert {row.status for row in inbox.handed_off(queue)} == {"done"}
        assert inbox.hand_off(queue, handed(workspace, "U3"), WHOLE_REQUEST, clock())
        assert inbox.anything_waiting(queue)
        [new] = inbox.claim(queue, now=clock(), worker="host:1:a", limit=8)
        assert new.body["user_id"] == "U3" and new.attempts == 1
    finally:
        inbox.dispose_handoff(queue, workspace.deps.sessions)


def test_an_ack_is_recorded_while_an_after_ack_process_is_in_the_middle_of_its_claim(
        workspace: LocalWorkspace, clock: FixedClock, database_url: str) -> None:
    import threading

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL claims with row locks: an insert never waits for them")
    queue = inbox.handoff_sessions(workspace.deps.sessions)
    inside, go_on = threading.Event(), threading.Event()
    claimer = threading.current_thread()

    def pause_mid_claim(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        # The after-ack process is descheduled in the middle of its claim transaction (a busy machine).
        if (threading.current_thread() is claimer and not inside.is_set()
                and statement.lstrip().upper().startswith(("UPDATE", "INSERT"))):
            inside.set()
            go_on.wait(60)

    try:
        assert inbox.hand_off(queue, handed(workspace, "U1"), WHOLE_REQUEST, clock())
        event.listen(Engine, "after_cursor_execute", pause_mid_claim)
        claimer = threading.Thread(target=lambda: inbox.claim(queue, now=clock(), worker="host:1:a", limit=8))
        claimer.start()
        assert inside.wait(30)
        # The web process acks the next request meanwhile: its insert does not wait for the claim to commit.
        assert inbox.hand_off(queue, handed(workspace, "U2"), WHOLE_REQUEST, clock())
        go_on.set()
        claimer.join(30)
        event.remove(Engine, "after_cursor_execute", pause_mid_claim)
        assert [row.status for row in inbox.handed_off(queue)] == ["received", "received"]
    finally:
        go_on.set()
        with contextlib.suppress(Exception):
            event.remove(Engine, "after_cursor_execute", pause_mid_claim)
        inbox.dispose_handoff(queue, workspace.deps.sessions)


def test_a_handoff_rings_the_doorbell_and_an_idle_after_ack_process_answers_without_waiting_for_its_next_look(
        workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    # Asleep until the bell, an after-ack process looks on its own only every DOORBELL_POLL_SECONDS (and at stale
    # claims every quarter of the lease); both made longer than the test waits, only the bell the web side rings on
    # handing off can bring the answer in time.
    import dataclasses
    import threading

    import bot.handoff
    from bot.doorbell import Doorbell
    from bot.handoff import AfterAck, InboxLazyRunner

    monkeypatch.setattr(bot.handoff, "DOORBELL_POLL_SECONDS", 120.0)
    monkeypatch.setattr(bot.handoff, "BUSY_SECONDS", 0.0)  # asleep as soon as it finds nothing
    workspace.deps.settings = dataclasses.replace(workspace.deps.settings, inbox_grace_seconds=4 * 3600)
    bell = Doorbell()
    workspace.deps.doorbell = bell
    web = InboxLazyRunner(workspace.deps, workspace.app.listener_runner.lazy_listener_runner)
    after_ack = AfterAck(workspace.app, workspace.deps, "host:1:bell")
    asleep, stop = threading.Event(), threading.Event()

    class Watched(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            if timeout is not None and timeout >= 60:
                asleep.set()  # the long wait: only the bell wakes it now
            return super().wait(timeout)

    after_ack._wake = Watched()
    loop = threading.Thread(target=after_ack.run, args=(stop,), daemon=True)
    loop.start()
    try:
        assert asleep.wait(30)
        assert web.hand_off_whole(handed(workspace, "U1"))
        answers = workspace.fake.wait_for(lambda: workspace.fake.ephemeral_messages("U1"), timeout=30)
    finally:
        stop.set()
        loop.join(timeout=30)
        inbox.dispose_handoff(after_ack.queue, workspace.deps.sessions)
        inbox.dispose_handoff(web.queue, workspace.deps.sessions)
        bell.close()
    assert len(answers) == 1 and not loop.is_alive()
