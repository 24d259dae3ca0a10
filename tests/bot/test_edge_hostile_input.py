"""Several hundred malformed requests, each validly signed, sent over HTTP to the app as `goalbot serve --http`
serves it: wrong types, missing fields, oversized and malformed ids, NUL bytes, non-UTF-8 bodies, deep nesting,
Infinity/NaN, response_urls off Slack's host. Each must be answered without a 5xx and without a traceback."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.local.workspace import LocalWorkspace
from bot.server import make_http_server
from prompts import t
from slackfake.payloads import FORM, JSON, post
from storage.models import CheckIn
from tests.bot.checkin_support import add_goal, last_card, run, thread_answers
from tests.bot.conftest import all_text

REMOVE = object()
BAD_JSON_VALUES: list[Any] = [REMOVE, 12345, 1.5, True, None, [], {}, ["x"], {"x": {"y": 1}}, "", "\u0000x",
                              "A" * 300, "U" + "1" * 40, 10**30]
BAD_FORM_VALUES: list[Any] = [REMOVE, "", "12345", "U1\x00", "A" * 300, "T" + "1" * 40, "ü", "x" * 9_000,
                              "https://evil.example/"]

EVENT_PATHS = ["team_id", "api_app_id", "event_id", "event", "event.type", "event.user", "event.text",
               "event.channel", "event.ts", "event.thread_ts", "event.channel_type", "event.subtype",
               "event.blocks", "authorizations", "authorizations.0.is_enterprise_install"]
ACTION_PATHS = ["user", "user.id", "team", "team.id", "actions", "actions.0", "actions.0.action_id",
                "actions.0.value", "actions.0.block_id", "container", "container.channel_id",
                "container.message_ts", "channel", "message", "message.ts", "message.blocks", "state",
                "response_url", "trigger_id", "enterprise", "is_enterprise_install"]
VIEW_PATHS = ["view", "view.callback_id", "view.id", "view.private_metadata", "view.state", "view.state.values",
              "user.id", "team.id"]
COMMAND_FIELDS = ["team_id", "user_id", "channel_id", "command", "text", "api_app_id", "response_url",
                  "trigger_id", "is_enterprise_install"]


def set_path(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `body` with the field at dotted `path` replaced (or removed for REMOVE)."""
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    node: Any = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        if not isinstance(node, dict | list):
            return body
    key: Any = int(last) if isinstance(node, list) else last
    if value is REMOVE:
        if isinstance(node, dict):
            node.pop(key, None)
        elif key < len(node):
            node.pop(key)
    elif isinstance(node, list):
        if key < len(node):
            node[key] = value
    else:
        node[key] = value
    return body


def cases(ws: LocalWorkspace) -> Iterator[tuple[str, bytes, str]]:
    """(name, raw body, content type) for every hostile request."""
    event = json.loads(ws.requests.message_event("hello", user="U1", ts="1764583200.000100")[0])
    actions = json.loads(dict(parse_qsl(ws.requests.block_actions(
        user_id="U1", action_id="goal_confirm", value="1", block_id="actions")[0]))["payload"])
    view = json.loads(dict(parse_qsl(ws.requests.view_submission(
        user_id="U1", callback_id="checkin_modal", values={"checkin_value": {"checkin_value_input": "7"}},
        private_metadata=json.dumps({"checkin": 1}))[0]))["payload"])
    command = dict(parse_qsl(ws.requests.slash_command("help", user_id="U1")[0]))
    for number, value in enumerate(BAD_JSON_VALUES):
        for path in EVENT_PATHS:
            yield f"event {path}={number}", json.dumps(set_path(event, path, value)).encode(), JSON
        for path in ACTION_PATHS:
            yield f"actions {path}={number}", _form(set_path(actions, path, value)), FORM
        for path in VIEW_PATHS:
            yield f"view {path}={number}", _form(set_path(view, path, value)), FORM
    for number, value in enumerate(BAD_FORM_VALUES):
        for field in COMMAND_FIELDS:
            form = dict(command)
            if value is REMOVE:
                form.pop(field)
            else:
                form[field] = value
            yield f"command {field}={number}", urlencode(form).encode(), FORM
    for url in ("file:///etc/passwd", "http://hooks.slack.com/commands/1", "https://hooks.slack.com.evil.example/x",
                "https://evil.example/hooks.slack.com/", "https://user@hooks.slack.com/x", "javascript:alert(1)"):
        yield f"command response_url {url}", urlencode(dict(command, response_url=url)).encode(), FORM
        yield f"actions response_url {url}", _form(dict(actions, response_url=url)), FORM
    text = json.dumps(event)
    yield "non-UTF-8 JSON", text.replace("hello", "h\udcff").encode("utf-8", "surrogateescape"), JSON
    yield "latin-1 form", urlencode(dict(command, text="caffè")).encode("latin-1"), FORM
    yield "invalid percent escape", urlencode(command).encode() + b"&text=%ff%fe", FORM
    yield "deep array", ("[" * 100_000 + "]" * 100_000).encode(), JSON
    yield "deep object in event", text.replace('"hello"', '{"a":' * 5_000 + "1" + "}" * 5_000).encode(), JSON
    yield "deep payload", b"payload=" + ("%5B" * 30_000 + "%5D" * 30_000).encode(), FORM
    for constant in ("Infinity", "-Infinity", "NaN", "1e999", "-1e400", "9" * 5_000):
        yield f"number {constant[:12]}", text.replace('"event_time": ', f'"event_time": {constant}, "x": ').encode(), JSON
    yield "JSON array body", b"[1, 2, 3]", JSON
    yield "JSON string body", b'"hello"', JSON
    yield "empty JSON body", b"", JSON
    yield "NUL in body", text.replace("hello", "he\\u0000llo").encode(), JSON
    yield "raw NUL byte", text.encode().replace(b"hello", b"he\x00llo"), JSON
    yield "unknown content type", text.encode(), "text/plain"
    yield "repeated form field", urlencode(command).encode() + b"&user_id=U2", FORM
    yield "payload not an object", b"payload=%5B1%5D", FORM
    yield "unknown payload type", _form(dict(actions, type="shortcut_of_doom")), FORM
    yield "unknown event type", json.dumps(set_path(event, "event.type", "reaction_added")).encode(), JSON
    yield "too many actions", _form(dict(actions, actions=actions["actions"] * 30)), FORM


def _form(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


@pytest.fixture
def server_url(workspace: LocalWorkspace) -> Iterator[str]:
    server = make_http_server(workspace.app, workspace.deps, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def send(ws: LocalWorkspace, url: str, raw: bytes, content_type: str) -> int:
    """POST raw bytes signed with the workspace's secret (over the bytes: some bodies are not UTF-8)."""
    timestamp = str(int(time.time()))
    digest = hmac.new(ws.requests.signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256)
    headers = {"content-type": content_type, "x-slack-request-timestamp": timestamp,
               "x-slack-signature": "v0=" + digest.hexdigest()}
    request = urllib.request.Request(f"{url}/slack/events", data=raw, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # local server
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_hundreds_of_signed_malformed_requests_get_no_5xx_and_no_traceback(
        workspace: LocalWorkspace, server_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    statuses: dict[str, int] = {}
    for name, raw, content_type in cases(workspace):
        statuses[name] = send(workspace, server_url, raw, content_type)
    workspace.wait(timeout=60)
    assert len(statuses) >= 400
    server_errors = {name: status for name, status in statuses.items() if status >= 500}
    assert server_errors == {}
    tracebacks = [f"{r.name}: {r.getMessage()[:200]}" for r in caplog.records if r.exc_info]
    assert tracebacks == []
    refused = sum(1 for r in caplog.records if r.name.startswith("bot.edge") and "refused" in r.getMessage())
    assert refused >= 300, "most hostile requests are refused at the edge, with a warning"


def test_a_command_without_or_with_a_foreign_response_url_gets_a_localized_answer(
        workspace: LocalWorkspace, server_url: str) -> None:
    command = dict(parse_qsl(workspace.requests.slash_command("help", user_id="U1")[0]))
    for form in ({k: v for k, v in command.items() if k != "response_url"},
                 dict(command, response_url="file:///etc/passwd")):
        status, _, text = post(f"{server_url}/slack/events", urlencode(form), workspace.requests.sign(urlencode(form)))
        assert status == 200
        assert json.loads(text) == {"response_type": "ephemeral", "text": t("en", "edge.unreadable_request")}
    workspace.wait()
    assert workspace.fake.ephemeral_messages("U1") == []  # nothing was posted anywhere


def test_a_checkin_reply_of_400_nines_is_refused_with_an_answer_and_nothing_recorded(
        workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.say("9" * 400, user="U1", thread_ts=card["ts"])
    [answer] = thread_answers(workspace, "U1", card)
    assert t("en", "edge.number_too_large") in answer
    with workspace.deps.sessions() as session:
        [checkin] = session.query(CheckIn).filter_by(goal_id=goal_id).all()
        assert checkin.value is None and checkin.status == "asked"


def test_checkin_of_a_goal_number_too_large_for_any_goal_says_there_is_no_such_goal(
        workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    workspace.command("checkin 99999999999999999999", user="U1")
    texts = [all_text(m) for m in workspace.fake.ephemeral_messages("U1")]
    assert texts and t("en", "errors.internal") not in texts[-1]
    assert workspace.fake.calls("chat.postMessage") == [] or all(
        "Sign 10 new clients" not in all_text(c.params) for c in workspace.fake.calls("chat.postMessage"))


@pytest.mark.parametrize("command", ["private 99999999999999999999", "public 99999999999999999999"])
def test_a_goal_number_too_large_for_any_goal_in_private_or_public_says_there_is_no_such_goal(
        workspace: LocalWorkspace, command: str) -> None:
    add_goal(workspace, "U1")
    workspace.command(command, user="U1")
    texts = [all_text(m) for m in workspace.fake.ephemeral_messages("U1")]
    assert t("en", "manage.not_found", id=0) in texts[-1] and t("en", "errors.internal") not in texts[-1]
