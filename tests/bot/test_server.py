"""`goalbot serve --http`: Slack's signed requests over real HTTP, and the health check."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest

from bot.local.workspace import LocalWorkspace
from bot.server import make_http_server
from prompts import t
from slackfake.payloads import post
from tests.bot.conftest import dm_texts


@pytest.fixture
def server_url(workspace: LocalWorkspace) -> Iterator[str]:
    server = make_http_server(workspace.app, workspace.deps, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_signed_slash_command_over_http_is_acked_and_answered(workspace: LocalWorkspace, server_url: str) -> None:
    body, headers = workspace.requests.slash_command("acquire 10 new clients in the next six months", user_id="U1")
    status, _, text = post(f"{server_url}/slack/events", body, headers)
    assert status == 200 and text == ""
    workspace.wait()
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]


@pytest.mark.one_database
def test_bad_signature_is_rejected(workspace: LocalWorkspace, server_url: str) -> None:
    body, headers = workspace.requests.slash_command("help", user_id="U1")
    headers = dict(headers, **{"x-slack-signature": "v0=" + "0" * 64})
    status, _, _ = post(f"{server_url}/slack/events", body, headers)
    assert status == 401
    workspace.wait()
    assert workspace.fake.ephemeral_messages("U1") == []


@pytest.mark.one_database
def test_stale_timestamp_is_rejected(workspace: LocalWorkspace, server_url: str) -> None:
    workspace.requests.clock = lambda: time.time() - 600
    body, headers = workspace.requests.slash_command("help", user_id="U1")
    status, _, _ = post(f"{server_url}/slack/events", body, headers)
    assert status == 401


def test_healthz_reports_the_database(workspace: LocalWorkspace, server_url: str) -> None:
    with urllib.request.urlopen(f"{server_url}/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"ok": True, "scheduler": {"last_tick": None}}


def test_event_retry_over_http_is_applied_once(workspace: LocalWorkspace, server_url: str) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    before = len(dm_texts(workspace, "U1"))
    message = workspace.fake.add_user_message("U1", "8 - referrals")
    body, _ = workspace.requests.message_event("8 - referrals", user="U1", ts=message["ts"])
    for retry in (None, 1, 2):
        retry_headers = workspace.requests.sign(body, retry_num=retry, retry_reason="http_timeout" if retry else None)
        status, _, _ = post(f"{server_url}/slack/events", body, retry_headers)
        assert status == 200
        workspace.wait()
    assert len(dm_texts(workspace, "U1")) == before + 1
