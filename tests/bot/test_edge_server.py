"""`goalbot serve --http` as a production server: slow clients, body limits, signatures first, replays,
other workspaces, /metrics and logs without request bodies — all over real HTTP against the real app."""

from __future__ import annotations

import dataclasses
import json
import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.edge.logs import JsonFormatter, NoBodies
from bot.edge.wsgi import SlackEdge
from bot.local.workspace import LocalWorkspace
from bot.runtime import make_deps
from bot.server import HttpServer, make_http_server
from slackfake import FAKE_SIGNING_SECRET
from slackfake.payloads import SlackRequestFactory, post, sign_headers
from tests.bot.conftest import dm_texts


def serve(workspace: LocalWorkspace, edge: SlackEdge | None = None) -> tuple[HttpServer, str]:
    """Serve the workspace's app (or a given edge) over HTTP in a thread; return the server and its URL."""
    if edge is None:
        server = make_http_server(workspace.app, workspace.deps, "127.0.0.1", 0)
    else:
        server = HttpServer(edge, workspace.deps.settings, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def server_url(workspace: LocalWorkspace) -> Iterator[str]:
    server, url = serve(workspace)
    yield url
    server.shutdown()


def events_url(base: str) -> str:
    return f"{base}/slack/events"


def test_400_idle_and_slow_clients_do_not_stop_a_signed_goal_from_being_acked(
        workspace: LocalWorkspace, server_url: str) -> None:
    port = int(server_url.rsplit(":", 1)[1])
    idle: list[socket.socket] = []
    try:
        for number in range(400):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if number % 2:  # half send a request line and a header, then nothing more (slowloris)
                sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: goalbot\r\nContent-Length: 100\r\n")
            idle.append(sock)
        body, headers = workspace.requests.slash_command("help", user_id="U1")
        status, _, _ = post(events_url(server_url), body, headers, timeout=5)
        assert status == 200
        workspace.wait()
        assert workspace.fake.ephemeral_messages("U1"), "the person got no answer while 400 clients idled"
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.one_database  # refused before the app reads anything
def test_a_body_over_the_limit_is_refused_before_it_is_sent(workspace: LocalWorkspace, server_url: str) -> None:
    port = int(server_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        # 200 MB announced, not one byte of it sent: the answer must come from the headers alone.
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: goalbot\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 200000000\r\n\r\n")
        answer = sock.recv(1024)
    assert answer.startswith(b"HTTP/1.1 413")


@pytest.mark.one_database  # refused before the app reads anything
def test_no_log_line_carries_a_request_body(workspace: LocalWorkspace, server_url: str,
                                            caplog: pytest.LogCaptureFixture) -> None:
    marker = "SECRET-BODY-MARKER"
    body = json.dumps({"type": "event_callback", "filler": marker * 10_000})  # 180 KB, under the limit
    caplog.set_level(logging.DEBUG)
    status, _, _ = post(events_url(server_url), body, {"content-type": "application/json",
                                                        "x-slack-request-timestamp": str(int(time.time())),
                                                        "x-slack-signature": "v0=" + "0" * 64})
    assert status == 401
    assert not any(marker in record.getMessage() for record in caplog.records)


def test_bolts_body_logging_is_rewritten_by_the_handler_filter() -> None:
    record = logging.LogRecord("slack_bolt.RequestVerification", logging.INFO, __file__, 1,
                               "Invalid request signature detected (signature: v0=1, timestamp: 1, body: %s)",
                               ("x" * 10_000,), None)
    NoBodies().filter(record)
    assert "x" * 100 not in record.getMessage()


@pytest.mark.one_database  # refused before the app reads anything
@pytest.mark.parametrize("timestamp", ["", "abc", "12.5", "-1", "1" * 40, "9999999999"])
def test_malformed_empty_or_stale_timestamps_are_401(workspace: LocalWorkspace, server_url: str,
                                                      timestamp: str) -> None:
    body, headers = workspace.requests.slash_command("help", user_id="U1")
    headers = dict(headers, **{"x-slack-request-timestamp": timestamp})
    status, _, _ = post(events_url(server_url), body, headers)
    assert status == 401


@pytest.mark.one_database  # refused before the app reads anything
@pytest.mark.parametrize("body", ["not json {{{", "\x00\x01garbage", "payload=%7B%7B%7B", "", "[" * 50_000])
@pytest.mark.parametrize("signed", ["unsigned", "wrong secret"])
def test_unsigned_or_wrongly_signed_garbage_is_401_never_500(workspace: LocalWorkspace, server_url: str,
                                                             body: str, signed: str) -> None:
    headers = {"content-type": "application/json"}
    if signed == "wrong secret":
        headers = sign_headers(body, signing_secret="not-our-secret", timestamp=int(time.time()),
                               content_type="application/json")
    status, _, _ = post(events_url(server_url), body, headers)
    assert status == 401


def test_a_replayed_checkin_command_is_refused_and_applied_once(workspace: LocalWorkspace, server_url: str) -> None:
    body, headers = workspace.requests.slash_command("help", user_id="U1")
    assert post(events_url(server_url), body, headers)[0] == 200
    workspace.wait()
    answers = len(workspace.fake.ephemeral_messages("U1"))
    assert post(events_url(server_url), body, headers)[0] == 401
    workspace.wait()
    assert len(workspace.fake.ephemeral_messages("U1")) == answers == 1


def test_a_replay_is_refused_by_another_process_on_the_same_database(workspace: LocalWorkspace,
                                                                    server_url: str) -> None:
    other_deps = make_deps(workspace.deps.settings, workspace.deps.clock, migrate=False)
    other, other_url = serve(workspace, SlackEdge(workspace.app, other_deps))
    try:
        body, headers = workspace.requests.slash_command("help", user_id="U1")
        assert post(events_url(server_url), body, headers)[0] == 200
        assert post(events_url(other_url), body, headers)[0] == 401
    finally:
        other.shutdown()
        workspace.wait()


def test_a_retry_header_on_a_slash_command_is_refused(workspace: LocalWorkspace, server_url: str) -> None:
    body, headers = workspace.requests.slash_command("help", user_id="U1")
    headers = dict(headers, **{"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
    assert post(events_url(server_url), body, headers)[0] == 401
    workspace.wait()
    assert workspace.fake.ephemeral_messages("U1") == []


def foreign_factory(workspace: LocalWorkspace, team_id: str, api_app_id: str = "A0001") -> SlackRequestFactory:
    return SlackRequestFactory(FAKE_SIGNING_SECRET, team_id, api_app_id=api_app_id,
                               response_url_for=workspace.fake.response_url)


def test_a_command_from_another_workspace_is_refused(workspace: LocalWorkspace, server_url: str) -> None:
    body, headers = foreign_factory(workspace, "T9999").slash_command("help", user_id="U1")
    status, _, _ = post(events_url(server_url), body, headers)
    workspace.wait()
    assert status == 403
    assert workspace.fake.ephemeral_messages() == [] and workspace.fake.calls("chat.postMessage") == []


def test_an_event_from_another_workspace_is_acked_and_ignored(workspace: LocalWorkspace, server_url: str) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    before = len(dm_texts(workspace, "U1"))
    body, headers = foreign_factory(workspace, "T9999").message_event("8 - referrals", user="U1",
                                                                       ts=f"{time.time():.6f}")
    status, _, _ = post(events_url(server_url), body, headers)
    workspace.wait()
    assert status == 200
    assert len(dm_texts(workspace, "U1")) == before


def test_another_app_or_an_enterprise_install_is_refused(database_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.bot.conftest import make_settings

    ws = LocalWorkspace(make_settings(database_url, SLACK_APP_ID="A0001"), clock=clock)
    ws.add_user("U1", tz="Europe/Rome", locale="en-US")
    server, url = serve(ws)
    try:
        body, headers = foreign_factory(ws, "T0001", api_app_id="A0OTHER").slash_command("help", user_id="U1")
        assert post(events_url(url), body, headers)[0] == 403
        body, headers = ws.requests.slash_command("help", user_id="U1")
        body += "&enterprise_id=E0GRID"
        headers = ws.requests.sign(body)
        assert post(events_url(url), body, headers)[0] == 403
        ws.wait()
        assert ws.fake.ephemeral_messages() == []
        body, headers = ws.requests.slash_command("help", user_id="U1")  # our own app still works
        assert post(events_url(url), body, headers)[0] == 200
        ws.wait()
        assert len(ws.fake.ephemeral_messages("U1")) == 1
    finally:
        server.shutdown()
        ws.close()


def test_metrics_count_requests_by_kind_and_report_the_outbox(workspace: LocalWorkspace, server_url: str) -> None:
    body, headers = workspace.requests.slash_command("help", user_id="U1")
    post(events_url(server_url), body, headers)
    post(events_url(server_url), body, headers)  # a replay
    workspace.wait()
    with urllib.request.urlopen(f"{server_url}/metrics", timeout=5) as response:
        text = response.read().decode()
    assert 'goalbot_requests_total{kind="slash_command",outcome="handled"}' in text
    assert 'goalbot_requests_total{kind="other",outcome="replay"}' in text
    assert 'goalbot_ack_seconds_bucket{kind="slash_command"' in text
    assert "goalbot_outbox_depth 0.0" in text
    assert "goalbot_outbox_oldest_pending_seconds 0.0" in text


def test_json_log_lines_parse_and_carry_the_exception() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("bot.x", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR" and line["message"] == "failed here" and "ValueError: boom" in line["exception"]


@pytest.mark.one_database  # refused before the app reads anything
def test_the_stdlib_form_of_settings_limits_reaches_waitress(workspace: LocalWorkspace) -> None:
    settings = dataclasses.replace(workspace.deps.settings, max_body_bytes=1_000)
    server = HttpServer(SlackEdge(workspace.app, workspace.deps), settings, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        body, headers = workspace.requests.slash_command("x" * 2_000, user_id="U1")
        assert post(f"http://127.0.0.1:{server.server_port}/slack/events", body, headers)[0] == 413
    finally:
        server.shutdown()





def test_metrics_count_429s_retries_and_sends_and_show_the_waiting_outbox(workspace: LocalWorkspace,
                                                                          server_url: str) -> None:
    from prometheus_client import REGISTRY

    from bot.delivery.sender import deliver_due
    from bot.jobs.registry import PLANNERS
    from tests.bot.checkin_support import add_goal

    def value(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    before = (value("goalbot_slack_ratelimited_total"), value("goalbot_slack_retries_total", reason="ratelimited"),
              value("goalbot_slack_sends_total", kind="checkin"))
    add_goal(workspace, "U1")
    PLANNERS["checkins"](workspace.deps, workspace.app.client, workspace.deps.clock())
    workspace.fake.fail_next("chat.postMessage", status=429, retry_after=30)
    deliver_due(workspace.deps, workspace.app.client)
    with urllib.request.urlopen(f"{server_url}/metrics", timeout=5) as response:
        text = response.read().decode()
    assert "goalbot_outbox_depth 1.0" in text
    assert value("goalbot_slack_ratelimited_total") == before[0] + 1
    assert value("goalbot_slack_retries_total", reason="ratelimited") == before[1] + 1
    deliver_due(workspace.deps, workspace.app.client, now=workspace.deps.clock() + timedelta(minutes=1))
    assert value("goalbot_slack_sends_total", kind="checkin") == before[2] + 1


def test_healthz_reports_when_the_scheduler_last_ticked_and_where(workspace: LocalWorkspace, server_url: str) -> None:
    from bot.jobs.leader import beat

    beat(workspace.deps, "web-2:4242")
    workspace.deps.clock.set(workspace.deps.clock() + timedelta(seconds=30))  # type: ignore[attr-defined]
    with urllib.request.urlopen(f"{server_url}/healthz", timeout=5) as response:
        health = json.loads(response.read())
    assert health["ok"] is True
    assert health["scheduler"]["holder"] == "web-2:4242"
    assert health["scheduler"]["age_seconds"] == 30.0 and health["scheduler"]["stale"] is False


def test_slacks_url_verification_challenge_is_answered(workspace: LocalWorkspace, server_url: str) -> None:
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    status, _, text = post(events_url(server_url), body, workspace.requests.sign(body))
    assert status == 200 and "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in text


@pytest.mark.parametrize(("name", "value"), [("GOALBOT_LOG_FORMAT", "xml"),
                                             ("GOALBOT_RESPONSE_URL_PREFIXES", "hooks.slack.com"),
                                             ("GOALBOT_MAX_BODY_BYTES", "-1")])
def test_a_wrong_edge_setting_stops_start_up_naming_the_variable(name: str, value: str) -> None:
    from bot.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value}, env_file=None)
