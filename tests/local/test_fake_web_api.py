"""FakeSlackWebAPI driven through a real slack_sdk.WebClient, the way the product talks to Slack."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.error import URLError
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from slackfake.web_api import FakeSlackWebAPI, dm_channel_id, validate_blocks


def section(text: str) -> dict[str, Any]:
    """A minimal mrkdwn section block."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.fixture
def fake() -> Iterator[FakeSlackWebAPI]:
    """A started fake with two people, a channel the bot is in and one it is not."""
    with FakeSlackWebAPI() as server:
        server.add_user("U0001", name="anna", tz="Europe/Rome", locale="it-IT")
        server.add_user("U0002", name="bob", tz="America/New_York", locale="en-US")
        server.add_user("UOTHERBOT", name="otherbot", is_bot=True)
        server.add_channel("C0001", name="sales-team", members=["U0001", "U0002"])
        server.add_channel("C0002", name="random", members=["U0001"], bot_is_member=False)
        server.add_channel("G0001", name="secret", members=["U0001"], bot_is_member=False, is_private=True)
        yield server


@pytest.fixture
def client(fake: FakeSlackWebAPI) -> WebClient:
    """A WebClient pointed at the fake with no retry handlers beyond slack_sdk's default."""
    return WebClient(base_url=fake.base_url, token="xoxb-test", timeout=5)


def api_error(call: Any) -> SlackApiError:
    """Run call() and return the SlackApiError it raised."""
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value


# ---------------------------------------------------------------- messages and DMs


def test_post_to_user_id_lands_in_their_dm(fake: FakeSlackWebAPI, client: WebClient) -> None:
    response = client.chat_postMessage(channel="U0001", text="Ciao Anna")
    dm = client.conversations_open(users="U0001")["channel"]["id"]

    assert dm.startswith("D") and dm == response["channel"] == dm_channel_id("U0001")
    assert response["message"]["text"] == "Ciao Anna" and response["message"]["user"] == "UBOT"
    assert [m["text"] for m in fake.dm_messages("U0001")] == ["Ciao Anna"]
    assert fake.messages("U0001") == fake.messages(dm)
    assert fake.dm_messages("U0002") == []


def test_ts_are_unique_increasing_and_threads_link_up(fake: FakeSlackWebAPI, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="U0001", text="Weekly check-in")["ts"]
    reply = client.chat_postMessage(channel="U0001", text="thanks", thread_ts=parent)["ts"]
    other = client.chat_postMessage(channel="C0001", text="digest")["ts"]

    assert float(parent) < float(reply) < float(other)
    assert parent.count(".") == 1 and len(parent.split(".")[1]) == 6
    thread = fake.thread("U0001", parent)
    assert [m["text"] for m in thread] == ["Weekly check-in", "thanks"]
    assert thread[0]["reply_count"] == 1 and thread[1]["thread_ts"] == parent


def test_history_and_replies(fake: FakeSlackWebAPI, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="U0001", text="check-in", metadata={
        "event_type": "goal_checkin", "event_payload": {"key": "g1:w1"}})["ts"]
    fake.add_user_message("U0001", "on track", thread_ts=parent)
    client.chat_postMessage(channel="U0001", text="later")
    dm = dm_channel_id("U0001")

    history = client.conversations_history(channel=dm, limit=1)
    assert [m["text"] for m in history["messages"]] == ["later"] and history["has_more"] is True
    replies = client.conversations_replies(channel=dm, ts=parent, oldest=parent, include_all_metadata=True)
    assert [m["text"] for m in replies["messages"]] == ["check-in", "on track"]
    assert replies["messages"][0]["metadata"]["event_payload"]["key"] == "g1:w1"
    assert "metadata" not in client.conversations_replies(channel=dm, ts=parent)["messages"][0]
    assert api_error(lambda: client.conversations_replies(channel=dm, ts="1.000000")).response["error"] == (
        "thread_not_found"
    )


def test_a_person_edits_and_deletes_their_own_reply_as_in_slack(fake: FakeSlackWebAPI, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="U0001", text="check-in")["ts"]
    typed = fake.add_user_message("U0001", "7", thread_ts=parent)
    edit = fake.edit_user_message("U0001", typed["ts"], "8")
    assert (edit["previous_message"]["text"], edit["message"]["text"]) == ("7", "8")
    assert edit["message"]["edited"]["user"] == "U0001" and float(edit["message"]["edited"]["ts"]) > float(typed["ts"])
    dm = dm_channel_id("U0001")
    replies = client.conversations_replies(channel=dm, ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["check-in", "8"] and replies[1]["edited"] == edit["message"]["edited"]
    with pytest.raises(PermissionError):
        fake.edit_user_message("U0001", parent, "not mine")  # the bot's message: only its author edits it
    assert fake.delete_user_message("U0001", typed["ts"])["text"] == "8"
    assert [m["text"] for m in fake.thread("U0001", parent)] == ["check-in"]
    assert fake.thread("U0001", parent)[0]["reply_count"] == 0
    with pytest.raises(LookupError):
        fake.delete_user_message("U0001", typed["ts"])


def test_form_encoded_blocks_as_json_string_are_decoded(fake: FakeSlackWebAPI, client: WebClient) -> None:
    client.api_call(
        "chat.postMessage", params={"channel": "C0001", "text": "x", "blocks": json.dumps([section("*hi*")])}
    )
    assert fake.messages("C0001")[0]["blocks"] == [section("*hi*")]
    assert fake.calls("chat.postMessage")[0].token == "xoxb-test"


def test_user_messages_share_the_dm_timeline(fake: FakeSlackWebAPI, client: WebClient) -> None:
    typed = fake.add_user_message("U0001", "voglio chiudere 10 contratti")
    client.chat_postMessage(channel="U0001", text="Ottimo!", thread_ts=typed["ts"])
    assert [(m["user"], m["text"]) for m in fake.dm_messages("U0001")] == [
        ("U0001", "voglio chiudere 10 contratti"),
        ("UBOT", "Ottimo!"),
    ]


@pytest.mark.parametrize(
    ("channel", "error"),
    [("C0002", "not_in_channel"), ("C9999", "channel_not_found"), ("G0001", "channel_not_found"),
     ("U9999", "channel_not_found"), ("UOTHERBOT", "cannot_dm_bot")],
)
def test_channel_errors(fake: FakeSlackWebAPI, client: WebClient, channel: str, error: str) -> None:
    err = api_error(lambda: client.chat_postMessage(channel=channel, text="hello"))
    assert err.response.status_code == 200 and err.response["error"] == error
    assert fake.messages() == []


def test_chat_write_public_allows_public_channels_only() -> None:
    with FakeSlackWebAPI(chat_write_public=True) as fake:
        fake.add_channel("C0002", name="random", members=[], bot_is_member=False)
        fake.add_channel("G0001", name="secret", members=[], bot_is_member=False, is_private=True)
        client = WebClient(base_url=fake.base_url, token="xoxb-test")
        assert client.chat_postMessage(channel="#random", text="digest")["channel"] == "C0002"
        assert api_error(lambda: client.chat_postMessage(channel="G0001", text="x")).response["error"] == (
            "channel_not_found"
        )


@pytest.mark.parametrize(
    ("blocks", "fragment"),
    [
        ([section("x" * 3001)], "3000"),
        ([section("ok")] * 51, "no more than 50"),
        ([{"type": "fancy_carousel", "items": []}], "unsupported type: fancy_carousel"),
        ([{"type": "section"}], "text or fields"),
    ],
    ids=["section-3001", "51-blocks", "unknown-type", "empty-section"],
)
def test_invalid_blocks_are_rejected(fake: FakeSlackWebAPI, client: WebClient, blocks: list, fragment: str) -> None:
    err = api_error(lambda: client.chat_postMessage(channel="C0001", text="fallback", blocks=blocks))
    assert err.response["error"] == "invalid_blocks"
    assert any(fragment in e for e in err.response["errors"]), err.response["errors"]
    assert fake.messages() == []
    assert [c.response["error"] for c in fake.rejections()] == ["invalid_blocks"]


def test_validate_blocks_accepts_real_block_kit() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Q3 goals"}},
        section("*Close 12 deals* by 30 Sep"),
        {"type": "actions", "elements": [
            {"type": "button", "action_id": "checkin_update", "text": {"type": "plain_text", "text": "Update"}}
        ]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "On track"}]},
    ]
    assert validate_blocks(blocks) == []


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_no_text_and_too_long(fake: FakeSlackWebAPI, client: WebClient) -> None:
    assert api_error(lambda: client.chat_postMessage(channel="C0001")).response["error"] == "no_text"
    long = "x" * 40_001
    assert api_error(lambda: client.chat_postMessage(channel="C0001", text=long)).response["error"] == "msg_too_long"
    assert client.chat_postMessage(channel="C0001", text="x" * 40_000)["ok"]
    assert len(fake.rejections()) == 2


def test_update_ephemeral_and_permalink(fake: FakeSlackWebAPI, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="U0001", text="v1")["ts"]
    dm = dm_channel_id("U0001")
    updated = client.chat_update(channel=dm, ts=ts, text="v2", blocks=[section("v2")])
    assert updated["message"]["edited"]["user"] == "UBOT"
    assert fake.dm_messages("U0001")[0]["text"] == "v2"
    assert api_error(lambda: client.chat_update(channel=dm, ts="1.000001", text="x")).response["error"] == (
        "message_not_found"
    )

    typed = fake.add_user_message("U0001", "mine")
    assert api_error(lambda: client.chat_update(channel=dm, ts=typed["ts"], text="x")).response["error"] == (
        "cant_update_message"
    )

    assert client.chat_postEphemeral(channel="C0001", user="U0002", text="only you")["message_ts"]
    assert [m["text"] for m in fake.ephemeral_messages("U0002")] == ["only you"]
    err = api_error(lambda: client.chat_postEphemeral(channel="C0001", user="UOTHERBOT", text="x"))
    assert err.response["error"] == "user_not_in_channel"

    link = client.chat_getPermalink(channel=dm, message_ts=ts)["permalink"]
    assert link.endswith(f"/archives/{dm}/p{ts.replace('.', '')}")


# ---------------------------------------------------------------- failures, retries and limits


def test_429_is_seen_by_webclient_with_retry_after(fake: FakeSlackWebAPI, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    err = api_error(lambda: client.chat_postMessage(channel="C0001", text="x"))
    assert err.response.status_code == 429
    assert err.response["error"] == "ratelimited"
    assert err.response.headers["Retry-After"] == "7"
    assert fake.stats()["rejected_429"] == 1
    assert client.chat_postMessage(channel="C0001", text="x")["ok"]  # only the next call failed


def test_rate_limit_retry_handler_retries(fake: FakeSlackWebAPI, client: WebClient) -> None:
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    # Retry-After 0 keeps the test fast; the handler still sleeps a random 0-1 s jitter.
    fake.fail_next("chat.postMessage", retry_after=0)
    assert client.chat_postMessage(channel="C0001", text="x")["ok"]
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 200]
    assert len(fake.messages("C0001")) == 1


def test_5xx_json_html_and_server_error_retry(fake: FakeSlackWebAPI, client: WebClient) -> None:
    fake.fail_next("users.info", status=500)
    err = api_error(lambda: client.users_info(user="U0001"))
    assert err.response.status_code == 500 and err.response["error"] == "internal_error"

    fake.fail_next("users.info", status=503, html=True)
    err = api_error(lambda: client.users_info(user="U0001"))
    assert err.response.status_code == 503 and "non-JSON" in err.response["error"]

    quick = FixedValueRetryIntervalCalculator(fixed_internal=0.01)
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=1, interval_calculator=quick))
    fake.fail_next("users.info", status=503, html=True)
    assert client.users_info(user="U0001")["user"]["id"] == "U0001"


@pytest.mark.parametrize("error", ["user_not_found", "account_inactive", "channel_not_found"])
def test_200_ok_false_injection(fake: FakeSlackWebAPI, client: WebClient, error: str) -> None:
    fake.fail_next("*", status=200, error=error, times=2)
    for _ in range(2):
        err = api_error(lambda: client.chat_postMessage(channel="U0001", text="x"))
        assert err.response.status_code == 200 and err.response["error"] == error
    assert client.chat_postMessage(channel="U0001", text="x")["ok"]
    assert fake.stats() == {"accepted": 1, "rejected_429": 0, "rejected_500": 0, "duplicates": 0, "errors": 2}


def test_delay_simulates_timeout_but_call_still_lands(fake: FakeSlackWebAPI) -> None:
    impatient = WebClient(base_url=fake.base_url, token="xoxb-test", timeout=0.15)  # type: ignore[arg-type]  # slack_sdk takes float seconds despite its int hint
    fake.delay_next("chat.postMessage", 0.4)
    with pytest.raises((TimeoutError, URLError)):
        impatient.chat_postMessage(channel="U0001", text="slow")
    # Like real Slack, a timed-out request may still have been applied: idempotency matters.
    assert fake.wait_for(lambda: fake.dm_messages("U0001"), timeout=2)[0]["text"] == "slow"


def test_enforce_limits_per_channel(fake: FakeSlackWebAPI, client: WebClient) -> None:
    fake.enforce_limits(per_channel_per_second=1.0, burst=2)
    assert client.chat_postMessage(channel="C0001", text="1")["ok"]
    assert client.chat_postMessage(channel="C0001", text="2")["ok"]
    err = api_error(lambda: client.chat_postMessage(channel="C0001", text="3"))
    assert err.response.status_code == 429
    retry_after = err.response.headers["Retry-After"]
    assert retry_after.isdigit() and int(retry_after) >= 1  # slack_sdk parses it with int()
    assert client.chat_postMessage(channel="U0001", text="other channel")["ok"]
    assert fake.stats()["accepted"] == 3 and fake.stats()["rejected_429"] == 1


def test_enforce_limits_workspace_and_injection(fake: FakeSlackWebAPI, client: WebClient) -> None:
    fake.enforce_limits(per_channel_per_second=None, workspace_per_minute=3)
    for user in ("U0001", "U0002", "C0001"):
        client.chat_postMessage(channel=user, text="x")
    assert api_error(lambda: client.chat_postMessage(channel="C0002", text="x")).response.status_code == 429

    fake.enforce_limits(per_channel_per_second=None, inject_500_ratio=1.0, seed=3)
    assert api_error(lambda: client.chat_postMessage(channel="C0001", text="x")).response.status_code == 500
    fake.clear_limits()
    assert client.chat_postMessage(channel="C0001", text="x")["ok"]
    assert fake.stats()["rejected_500"] == 1


def test_duplicates_counted_by_metadata_key(fake: FakeSlackWebAPI, client: WebClient) -> None:
    def send(key: str, channel: str = "U0001") -> None:
        metadata = {"event_type": "goal_checkin", "event_payload": {"key": key}}
        client.chat_postMessage(channel=channel, text="check-in", metadata=metadata)

    send("goal-1:2025-W07")
    send("goal-1:2025-W08")
    send("goal-1:2025-W07")
    send("goal-1:2025-W07", channel="U0002")
    assert fake.stats()["duplicates"] == 1
    assert fake.dm_messages("U0001")[0]["metadata"]["event_payload"]["key"] == "goal-1:2025-W07"
    bad = api_error(lambda: client.chat_postMessage(channel="U0001", text="x", metadata={"event_type": "x"}))
    assert bad.response["error"] == "invalid_metadata_schema"


def test_auth_and_unknown_method(fake: FakeSlackWebAPI) -> None:
    assert api_error(lambda: WebClient(base_url=fake.base_url, token="bogus").auth_test()).response["error"] == (
        "invalid_auth"
    )
    assert api_error(lambda: WebClient(base_url=fake.base_url).auth_test()).response["error"] == "not_authed"
    err = api_error(lambda: WebClient(base_url=fake.base_url, token="xoxb-test").api_call("chat.frobnicate"))
    assert err.response["error"] == "unknown_method"


# ---------------------------------------------------------------- users and conversations


def test_users_info_tz_and_locale(fake: FakeSlackWebAPI, client: WebClient) -> None:
    user = client.users_info(user="U0002", include_locale=True)["user"]
    expected = datetime.now(ZoneInfo("America/New_York")).utcoffset()
    assert user["tz"] == "America/New_York"
    assert expected is not None and user["tz_offset"] == int(expected.total_seconds())
    assert user["tz_label"] in ("Eastern Standard Time", "Eastern Daylight Time")
    assert user["locale"] == "en-US"
    assert "locale" not in client.users_info(user="U0001")["user"]
    assert api_error(lambda: client.users_info(user="U404")).response["error"] == "user_not_found"


def test_conversations_members_pagination(fake: FakeSlackWebAPI, client: WebClient) -> None:
    people = [f"U1{i:03d}" for i in range(5)]
    fake.add_channel("C0100", name="big", members=people)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = client.conversations_members(channel="C0100", limit=2, cursor=cursor)
        seen += page["members"]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert seen == people + ["UBOT"] and pages == 3
    assert api_error(lambda: client.conversations_members(channel="C0100", cursor="nope")).response["error"] == (
        "invalid_cursor"
    )
    info = client.conversations_info(channel="C0100")["channel"]
    assert info["is_member"] is True and info["num_members"] == 6


# ---------------------------------------------------------------- views, files, response_urls


def test_views_lifecycle(fake: FakeSlackWebAPI, client: WebClient) -> None:
    modal = {
        "type": "modal",
        "callback_id": "checkin_modal",
        "title": {"type": "plain_text", "text": "Check-in"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [section("How is it going?")],
    }
    opened = client.views_open(trigger_id="123.456.abc", view=modal)["view"]
    assert opened["callback_id"] == "checkin_modal" and opened["root_view_id"] == opened["id"]
    assert api_error(lambda: client.views_open(trigger_id="123.456.abc", view=modal)).response["error"] == (
        "exchanged_trigger_id"
    )
    assert api_error(lambda: client.views_open(trigger_id="nope", view=modal)).response["error"] == (
        "invalid_trigger_id"
    )

    pushed = client.views_push(trigger_id="123.456.def", view=modal)["view"]
    assert pushed["previous_view_id"] == opened["id"] and pushed["root_view_id"] == opened["id"]

    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view={**modal, "blocks": [section("v2")]})
    assert updated["view"]["blocks"] == [section("v2")]
    err = api_error(lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal))
    assert err.response["error"] == "hash_conflict"

    too_big = {**modal, "blocks": [section("x")] * 101}
    assert api_error(lambda: client.views_open(trigger_id="1.2.a", view=too_big)).response["error"] == (
        "invalid_blocks"
    )
    assert [m["id"] for m in fake.modals()] == [opened["id"], pushed["id"]]

    home = {"type": "home", "blocks": [section("Your goals")]}
    published = client.views_publish(user_id="U0001", view=home)["view"]
    assert (fake.home_view("U0001") or {}).get("blocks") == [section("Your goals")]
    again = client.views_publish(user_id="U0001", view=home, hash=published["hash"])["view"]
    assert again["id"] == published["id"]
    assert api_error(lambda: client.views_publish(user_id="U0001", view=home, hash="stale")).response["error"] == (
        "hash_conflict"
    )
    assert fake.home_view("U0002") is None


def test_files_upload_v2(fake: FakeSlackWebAPI, client: WebClient) -> None:
    dm = client.conversations_open(users="U0001")["channel"]["id"]
    png = b"\x89PNG\r\n\x1a\nfake-chart"
    result = client.files_upload_v2(channel=dm, content=png, filename="x.png", title="Progress", initial_comment="📈")
    assert result["file"]["title"] == "Progress" and result["file"]["mimetype"] == "image/png"
    stored = fake.files()
    assert len(stored) == 1 and stored[0]["content"] == png and stored[0]["channels"] == [dm]
    assert fake.dm_messages("U0001")[-1]["files"][0]["id"] == stored[0]["id"]
    assert fake.dm_messages("U0001")[-1]["text"] == "📈"

    # Slack refuses user ids here (completeUploadExternal wants C/G/D/Z ids): open the DM first.
    err = api_error(lambda: client.files_upload_v2(channel="U0001", content=b"x", filename="y.txt"))
    assert err.response["error"] == "invalid_arguments"
    assert "^[CGDZ]" in err.response["response_metadata"]["messages"][0]


def test_response_url_lands_in_workspace(fake: FakeSlackWebAPI) -> None:
    url = fake.response_url("R1", channel_id="U0001", user_id="U0001")
    assert url == f"{fake.root_url}/response/R1"
    assert WebhookClient(url).send(text="only you see this").status_code == 200
    assert WebhookClient(url).send(text="everyone", response_type="in_channel").status_code == 200
    bad = WebhookClient(url).send(text="x", blocks=[section("y" * 3001)])
    assert bad.status_code == 400 and bad.body == "invalid_blocks"

    assert [r["text"] for r in fake.responses("R1")] == ["only you see this", "everyone"]
    assert [m["text"] for m in fake.ephemeral_messages("U0001")] == ["only you see this"]
    assert [m["text"] for m in fake.dm_messages("U0001")] == ["everyone"]


# ---------------------------------------------------------------- observation and bench mode


def test_subscribe_and_reset(fake: FakeSlackWebAPI, client: WebClient) -> None:
    seen: list[tuple[str, str]] = []
    unsubscribe = fake.subscribe(lambda kind, payload: seen.append((kind, payload.get("text", ""))))
    client.chat_postMessage(channel="U0001", text="hello")
    unsubscribe()
    client.chat_postMessage(channel="U0001", text="unseen")
    assert seen == [("message", "hello")]

    fake.reset_calls()
    assert fake.calls() == [] and fake.stats()["accepted"] == 0 and len(fake.dm_messages("U0001")) == 2


def test_record_calls_off_keeps_counters_and_handles_bursts() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with FakeSlackWebAPI(record_calls=False) as fake:
        users = [f"U{i:05d}" for i in range(200)]
        for user in users:
            fake.add_user(user, name=user.lower())
        client = WebClient(base_url=fake.base_url, token="xoxb-test")
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=32) as pool:
            list(pool.map(lambda u: client.chat_postMessage(channel=u, text="digest"), users))
        assert time.monotonic() - started < 5
        assert fake.calls() == [] and fake.stats()["accepted"] == 200
        assert len(fake.messages()) == 200
        timestamps = [m["ts"] for m in fake.messages()]
        assert len(set(timestamps)) == 200
