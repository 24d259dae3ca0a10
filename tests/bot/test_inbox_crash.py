"""`goalbot serve --http` killed with SIGKILL right after acking a DM message: after a restart the person gets
the answer, once (the inbox, bot/delivery/inbox.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.clock import FixedClock
from bot.local.workspace import LocalWorkspace
from prompts import t
from slackfake import FAKE_BOT_TOKEN, FAKE_SIGNING_SECRET
from slackfake.payloads import post
from storage.models import Conversation, InboxEvent, UserPref
from tests.bot.conftest import dm_texts, make_settings

ROOT = Path(__file__).resolve().parents[2]


def inbox_statuses(ws: LocalWorkspace) -> set[str]:
    """The statuses of the events the web process acked (the inbox)."""
    with ws.deps.sessions() as session:
        return set(session.scalars(select(InboxEvent.status)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def workspace(database_url: str, clock: FixedClock) -> Iterator[LocalWorkspace]:
    ws = LocalWorkspace(make_settings(database_url), clock=clock)
    ws.add_user("U1", name="anna", tz="Europe/Rome", locale="en-US")
    yield ws
    ws.close()


def serve(ws: LocalWorkspace, port: int, *options: str) -> subprocess.Popen[str]:
    """`goalbot serve --http` in its own process, on the test database and the workspace's fake Slack."""
    env = {**os.environ, "DATABASE_URL": ws.deps.settings.database_url, "SLACK_API_URL": ws.fake.base_url,
           "SLACK_BOT_TOKEN": FAKE_BOT_TOKEN, "SLACK_SIGNING_SECRET": FAKE_SIGNING_SECRET,
           "GOALBOT_RESPONSE_URL_PREFIXES": ",".join(ws.deps.settings.response_url_prefixes),
           "GOALBOT_INBOX_GRACE_SECONDS": "2", "GOALBOT_LOG_LEVEL": "WARNING"}
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1",
                                "--port", str(port), "--no-scheduler", *options], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"goalbot serve did not start: {process.communicate()[1][-2000:]}")


def test_a_process_killed_right_after_acking_a_dm_message_answers_it_after_restart_once(
        workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    assert t("en", "ask.achievable").split("—")[0] in dm_texts(workspace, "U1")[-1]
    with workspace.deps.sessions() as session:  # the profile is due a refresh: the handler calls users.info first
        session.execute(update(UserPref).values(profile_fetched_at=None))
        session.commit()
    before = len(dm_texts(workspace, "U1"))
    port = free_port()
    first = serve(workspace, port)
    # Slack is slow to answer users.info: the handler is still waiting on it when the process dies.
    workspace.fake.delay_next("users.info", 20)
    typed = workspace.fake.add_user_message("U1", "8 - referrals from existing clients")
    body, headers = workspace.requests.message_event(typed["text"], user="U1", ts=typed["ts"])
    try:
        status, _, _ = post(f"http://127.0.0.1:{port}/slack/events", body, headers)
        assert status == 200  # acked: Slack will not send this event again
        # Killed once the handler is inside users.info (the fake took the delay off its queue).
        workspace.fake.wait_for(lambda: not workspace.fake._delays.get("users.info"), timeout=10)
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    assert len(dm_texts(workspace, "U1")) == before  # no answer yet

    second = serve(workspace, port)
    try:
        workspace.fake.wait_for(lambda: len(dm_texts(workspace, "U1")) > before, timeout=30)
        # Every acked event done: a second handling would have had to claim one again, so nothing is left to
        # wait for on the clock (this was a 3-second sleep).
        workspace.fake.wait_for(lambda: inbox_statuses(workspace) == {"done"}, timeout=30)
    finally:
        second.send_signal(signal.SIGTERM)
        log = second.communicate(timeout=30)[1]
    answers = dm_texts(workspace, "U1")[before:]
    assert len(answers) == 1, (answers, log[-2000:])
    assert t("en", "ask.relevant", example="").split("—")[0] in answers[0]
    with workspace.deps.sessions() as session:
        assert session.scalars(select(Conversation.step)).one() == "relevant"
    assert inbox_statuses(workspace) == {"done"}
