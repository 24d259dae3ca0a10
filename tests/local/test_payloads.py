"""Signed Slack payloads dispatched into a real Bolt App whose WebClient talks to the fake."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond, Say
from slack_sdk import WebClient

from bot.ids import GOAL_COMMAND
from slackfake.payloads import FORM, SlackRequestFactory, message_event, post, sign_headers
from slackfake.web_api import FakeSlackWebAPI, dm_channel_id

SECRET = "test-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlackWebAPI]:
    """A started fake with one person."""
    with FakeSlackWebAPI() as server:
        server.add_user("U0001", name="anna", locale="it-IT")
        yield server


@pytest.fixture
def factory(fake: FakeSlackWebAPI) -> SlackRequestFactory:
    """Signs with SECRET; response_urls point back at the fake."""
    return SlackRequestFactory(SECRET, team_id=fake.team_id, response_url_for=fake.response_url)


@pytest.fixture
def seen() -> dict[str, Any]:
    """What the listeners received."""
    return {}


@pytest.fixture
def app(fake: FakeSlackWebAPI, seen: dict[str, Any]) -> App:
    """A tiny Bolt app: App() runs auth.test against the fake, so no token_verification_enabled=False needed."""
    bolt = App(
        signing_secret=SECRET,
        client=WebClient(base_url=fake.base_url, token="xoxb-test"),
        process_before_response=True,
    )

    @bolt.command(GOAL_COMMAND)
    def goal(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        seen["command"] = command
        respond(f"echo {command['text']}")

    @bolt.event("message")
    def on_message(event: dict[str, Any], say: Say, request: BoltRequest) -> None:
        seen.setdefault("messages", []).append(event)
        seen["retry_num"] = request.headers.get("x-slack-retry-num")
        say(text=f"got: {event.get('text', '')}", thread_ts=event.get("thread_ts"))

    @bolt.event("app_home_opened")
    def on_home(event: dict[str, Any], client: WebClient) -> None:
        seen["home"] = event
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Your goals*"}}
        ]})

    @bolt.action("checkin_update")
    def on_click(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        seen["action"] = body
        client.views_open(trigger_id=body["trigger_id"], view={
            "type": "modal", "callback_id": "checkin_modal", "title": {"type": "plain_text", "text": "Check-in"},
            "submit": {"type": "plain_text", "text": "Save"},
            "blocks": [{"type": "input", "block_id": "checkin_value", "label": {"type": "plain_text", "text": "Value"},
                        "element": {"type": "plain_text_input", "action_id": "checkin_value_input"}}],
        })
        respond(text="Updated!", replace_original=True)

    @bolt.action("home_new_goal")
    def on_home_click(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        seen["home_action"] = body

    @bolt.view("checkin_modal")
    def on_submit(ack: Ack, view: dict[str, Any]) -> None:
        ack()
        seen["view"] = view

    return bolt


def test_signed_slash_command_reaches_listener_and_respond(
    app: App, fake: FakeSlackWebAPI, factory: SlackRequestFactory, seen: dict[str, Any]
) -> None:
    body, headers = factory.slash_command("new close 10 deals", user_id="U0001")
    response = app.dispatch(factory.bolt_request(body, headers))

    assert response.status == 200
    command = seen["command"]
    assert command["command"] == "/goal" and command["text"] == "new close 10 deals"
    assert command["channel_id"] == dm_channel_id("U0001") and command["channel_name"] == "directmessage"
    expected = {"token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name", "command",
                "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id"}
    assert set(parse_qs(body, keep_blank_values=True)) == expected
    assert [r["text"] for r in fake.responses()] == ["echo new close 10 deals"]
    assert [m["text"] for m in fake.ephemeral_messages("U0001")] == ["echo new close 10 deals"]


def test_signed_message_event_reaches_listener_and_say(
    app: App, fake: FakeSlackWebAPI, factory: SlackRequestFactory, seen: dict[str, Any]
) -> None:
    typed = fake.add_user_message("U0001", "ciao")
    body, headers = factory.message_event("ciao", user="U0001", ts=typed["ts"])
    assert app.dispatch(factory.bolt_request(body, headers)).status == 200

    event = seen["messages"][0]
    assert event["channel_type"] == "im" and event["client_msg_id"]
    assert event["blocks"][0]["type"] == "rich_text"
    assert seen["retry_num"] is None
    assert [m["text"] for m in fake.dm_messages("U0001")] == ["ciao", "got: ciao"]


def test_thread_reply_and_retry_headers(app: App, fake: FakeSlackWebAPI, factory: SlackRequestFactory,
                                        seen: dict[str, Any]) -> None:
    parent = fake.dm_channel("U0001")
    checkin_ts = WebClient(base_url=fake.base_url, token="xoxb-test").chat_postMessage(
        channel=parent, text="How is your goal going?")["ts"]
    body, _ = factory.message_event("on track", user="U0001", thread_ts=checkin_ts, parent_user_id="UBOT")
    retry_headers = factory.sign(body, retry_num=1, retry_reason="http_timeout")
    assert app.dispatch(factory.bolt_request(body, retry_headers)).status == 200

    event = seen["messages"][0]
    assert event["thread_ts"] == checkin_ts and event["parent_user_id"] == "UBOT"
    assert seen["retry_num"] == ["1"]
    assert [m["text"] for m in fake.thread("U0001", checkin_ts)] == ["How is your goal going?", "got: on track"]
    # Bolt 1.30 treats any DM thread reply as an assistant thread: say() first reads the thread
    # with conversations.replies, which Slack throttles hard for non-Marketplace apps.
    assert len(fake.calls("conversations.replies")) == 1


def test_bot_own_messages_are_ignored_by_bolt(app: App, factory: SlackRequestFactory, seen: dict[str, Any]) -> None:
    body, headers = factory.message_event("my own post", user="UBOT", bot_id="BBOT")
    assert app.dispatch(factory.bolt_request(body, headers)).status == 200
    assert "messages" not in seen


def test_app_home_opened_publishes_home(app: App, fake: FakeSlackWebAPI, factory: SlackRequestFactory,
                                        seen: dict[str, Any]) -> None:
    body, headers = factory.app_home_opened(user="U0001")
    assert app.dispatch(factory.bolt_request(body, headers)).status == 200
    assert seen["home"]["tab"] == "home" and "view" not in seen["home"]
    home = fake.home_view("U0001")
    assert home is not None and home["blocks"][0]["text"]["text"] == "*Your goals*"

    body, headers = factory.app_home_opened(user="U0001", view=home)
    assert app.dispatch(factory.bolt_request(body, headers)).status == 200
    assert seen["home"]["view"]["id"] == home["id"]


def test_block_action_opens_modal_and_submission_reaches_view(
    app: App, fake: FakeSlackWebAPI, factory: SlackRequestFactory, seen: dict[str, Any]
) -> None:
    posted = WebClient(base_url=fake.base_url, token="xoxb-test").chat_postMessage(channel="U0001", text="Check-in")
    message = fake.dm_messages("U0001")[0]
    body, headers = factory.block_actions(user_id="U0001", action_id="checkin_update", value="g1", message=message)
    assert app.dispatch(factory.bolt_request(body, headers)).status == 200

    action = seen["action"]
    assert action["container"] == {"type": "message", "message_ts": posted["ts"],
                                   "channel_id": dm_channel_id("U0001"), "is_ephemeral": False}
    assert action["actions"][0]["value"] == "g1" and "channel" not in action["message"]
    assert fake.dm_messages("U0001")[0]["text"] == "Updated!"  # replace_original through the response_url

    modal = fake.modals()[-1]
    body, headers = factory.view_submission(
        user_id="U0001", callback_id="checkin_modal", values={"checkin_value": {"checkin_value_input": "7"}},
        view=modal,
    )
    assert app.dispatch(factory.bolt_request(body, headers)).status == 200
    assert seen["view"]["id"] == modal["id"]
    assert seen["view"]["state"]["values"]["checkin_value"]["checkin_value_input"]["value"] == "7"


def test_home_button_click_carries_the_view(
    app: App, fake: FakeSlackWebAPI, factory: SlackRequestFactory, seen: dict[str, Any]
) -> None:
    body, headers = factory.app_home_opened(user="U0001")
    app.dispatch(factory.bolt_request(body, headers))
    home = fake.home_view("U0001")
    assert home is not None
    body, headers = factory.block_actions(
        user_id="U0001", action_id="home_new_goal", value="new", container_type="view", view=home
    )
    assert app.dispatch(factory.bolt_request(body, headers)).status == 200
    action = seen["home_action"]
    assert action["container"] == {"type": "view", "view_id": home["id"]} and action["view"]["type"] == "home"
    assert "response_url" not in action and "channel" not in action


def test_wrong_signature_and_stale_timestamp_get_401(app: App, seen: dict[str, Any]) -> None:
    wrong = SlackRequestFactory("not-the-secret")
    body, headers = wrong.slash_command("list", user_id="U0001")
    assert app.dispatch(BoltRequest(body=body, headers={**headers})).status == 401

    stale = SlackRequestFactory(SECRET, clock=lambda: time.time() - 600)
    body, headers = stale.message_event("hi", user="U0001")
    assert app.dispatch(BoltRequest(body=body, headers={**headers})).status == 401
    assert seen == {}


def test_sign_headers_matches_slack_v0_scheme() -> None:
    headers = sign_headers(
        "a=b", signing_secret="s", timestamp=1_700_000_000, content_type=FORM, retry_num=2, retry_reason="http_error"
    )
    digest = hmac.new(b"s", b"v0:1700000000:a=b", hashlib.sha256).hexdigest()
    assert headers["x-slack-signature"] == f"v0={digest}"
    assert headers["x-slack-retry-num"] == "2" and headers["x-slack-retry-reason"] == "http_error"


def test_message_changed_and_deleted_shapes() -> None:
    common: dict[str, Any] = {"user": "U0001", "channel": "D0001", "ts": "1700000000.000100", "team_id": "T0001"}
    changed = json.loads(message_event(text="new", event_id="Ev1", subtype="message_changed",
                                       previous_text="old", **common))
    event = changed["event"]
    assert event["message"]["text"] == "new" and event["previous_message"]["text"] == "old"
    assert event["message"]["edited"]["user"] == "U0001" and event["hidden"] is True
    assert "user" not in event  # Bolt reads the editor from event.message

    deleted = json.loads(message_event(text="gone", event_id="Ev2", subtype="message_deleted", **common))
    assert deleted["event"]["deleted_ts"] == "1700000000.000100"

    context = changed["event_context"]
    decoded = json.loads(base64.urlsafe_b64decode(context[2:] + "=" * (-len(context[2:]) % 4)))
    assert context.startswith("4-") and decoded == {"et": "message", "tid": "T0001", "aid": "A0001", "cid": "D0001"}
    assert changed["authorizations"][0] == {"enterprise_id": None, "team_id": "T0001", "user_id": "UBOT",
                                            "is_bot": True, "is_enterprise_install": False}


def test_factory_counters_are_fresh_even_with_a_frozen_clock() -> None:
    frozen = SlackRequestFactory(SECRET, clock=lambda: 1_700_000_000.0)
    assert frozen.next_ts() < frozen.next_ts()
    assert frozen.next_event_id() != frozen.next_event_id()
    trigger = frozen.next_trigger_id()
    assert trigger != frozen.next_trigger_id() and trigger.count(".") == 2


def test_post_reaches_a_real_http_server(fake: FakeSlackWebAPI) -> None:
    url = fake.response_url("R9")
    status, _, text = post(url, json.dumps({"text": "hello"}), {"content-type": "application/json"})
    assert status == 200 and json.loads(text) == {"ok": True}
    status, _, text = post(fake.root_url + "/nowhere", "", {})
    assert status == 404
    assert fake.responses("R9")[0]["text"] == "hello"


def test_a_restarted_process_never_reuses_event_ids_or_message_ts() -> None:
    # A restarted shell starts new counters; goalbot drops events whose id it already processed, and finds
    # check-ins by their message ts, so both must differ from everything an earlier process produced.
    earlier = [SlackRequestFactory(SECRET, clock=lambda: 1_700_000_000.0) for _ in range(50)]
    ids = {factory.next_event_id() for factory in earlier}
    assert len(ids) == 50 and all(i.startswith("Ev") and i.isalnum() for i in ids)
    first, second = FakeSlackWebAPI(clock=lambda: 1_700_000_000.0), FakeSlackWebAPI(clock=lambda: 1_700_000_000.0)
    for fake_api in (first, second):
        fake_api.add_user("U1", name="anna")
    assert first.add_user_message("U1", "hi")["ts"] != second.add_user_message("U1", "hi")["ts"]
    later = FakeSlackWebAPI(clock=lambda: 1_700_000_100.0)
    later.add_user("U1", name="anna")
    assert float(later.add_user_message("U1", "hi")["ts"]) >= 1_700_000_100
