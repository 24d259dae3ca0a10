"""Request bodies shaped like the ones Slack sends (commands, events, interactions), signed v0."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from slack_bolt import BoltRequest
from slack_sdk.signature import SignatureVerifier

from slackfake.web_api import dm_channel_id

__all__ = [
    "FORM",
    "JSON",
    "SlackRequestFactory",
    "app_home_opened",
    "app_uninstalled",
    "block_actions",
    "message_event",
    "post",
    "sign_headers",
    "slash_command",
    "tokens_revoked",
    "view_submission",
]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

Headers = dict[str, str]


def sign_headers(
    body: str,
    *,
    signing_secret: str,
    timestamp: int,
    content_type: str,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> Headers:
    """Headers Slack sends with a body: content type, v0 signature, timestamp and optional retry markers."""
    signature = SignatureVerifier(signing_secret).generate_signature(timestamp=str(timestamp), body=body)
    headers = {
        "content-type": content_type,
        "x-slack-request-timestamp": str(timestamp),
        "x-slack-signature": signature or "",  # None only without a body or timestamp
    }
    if retry_num is not None:
        headers["x-slack-retry-num"] = str(retry_num)
        headers["x-slack-retry-reason"] = retry_reason or "http_timeout"
    return headers


def _base32(number: int) -> str:
    """Upper-case base-32 digits of a non-negative number, as in Slack's ids."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    digits = ""
    while True:
        number, rest = divmod(number, 32)
        digits = alphabet[rest] + digits
        if not number:
            return digits


def _trigger_id(seed: str) -> str:
    # Slack trigger ids look like "13345224609.738474920.8088930838d88f008e0".
    digest = hashlib.sha1(seed.encode()).hexdigest()
    return f"{int(digest[:8], 16)}.{int(digest[8:16], 16)}.{digest[16:36]}"


def _channel_name(channel_id: str) -> str:
    # Slack sends the real name for channels; callers pass channel_name when it matters.
    if channel_id.startswith("D"):
        return "directmessage"
    if channel_id.startswith("G"):
        return "privategroup"
    return channel_id.lower()


def _event_context(event_type: str, team_id: str, api_app_id: str, channel: str | None) -> str:
    # Real event_context values are "4-" + base64url(JSON) of these keys.
    data: dict[str, str] = {"et": event_type, "tid": team_id, "aid": api_app_id}
    if channel:
        data["cid"] = channel
    encoded = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"4-{encoded}"


def _rich_text(text: str, seed: str) -> list[dict[str, Any]]:
    block_id = base64.b32encode(hashlib.sha1(seed.encode()).digest()).decode()[:5]
    return [
        {
            "type": "rich_text",
            "block_id": block_id,
            "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
        }
    ]


def _event_callback(
    event: dict[str, Any],
    *,
    team_id: str,
    event_id: str,
    event_time: int,
    api_app_id: str,
    authorized_user_id: str,
    channel: str | None,
) -> dict[str, Any]:
    return {
        "token": "verification_token",
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": authorized_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": _event_context(event["type"], team_id, api_app_id, channel),
    }


def slash_command(
    *,
    text: str,
    user_id: str,
    team_id: str,
    channel_id: str,
    response_url: str,
    trigger_id: str | None = None,
    command: str = "/goal",
    user_name: str | None = None,
    api_app_id: str = "A0001",
    team_domain: str = "goalbot-test",
    channel_name: str | None = None,
) -> str:
    """Form-encoded slash command body with every field Slack sends for a non-Enterprise workspace."""
    fields = [
        ("token", "verification_token"),
        ("team_id", team_id),
        ("team_domain", team_domain),
        ("channel_id", channel_id),
        ("channel_name", channel_name or _channel_name(channel_id)),
        ("user_id", user_id),
        ("user_name", user_name or user_id.lower()),
        ("command", command),
        ("text", text),
        ("api_app_id", api_app_id),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", trigger_id or _trigger_id(f"{user_id}:{command}:{text}:{response_url}")),
    ]
    return urlencode(fields)


def message_event(
    *,
    user: str,
    text: str,
    channel: str,
    ts: str,
    team_id: str,
    event_id: str,
    thread_ts: str | None = None,
    subtype: str | None = None,
    bot_id: str | None = None,
    channel_type: str = "im",
    edited: dict[str, str] | None = None,
    api_app_id: str = "A0001",
    event_time: int | None = None,
    parent_user_id: str | None = None,
    previous_text: str | None = None,
    authorized_user_id: str = "UBOT",
) -> str:
    """JSON event_callback for a message; subtype message_changed/message_deleted get Slack's nested shapes."""
    event_time = event_time if event_time is not None else int(float(ts))
    event: dict[str, Any]
    if subtype == "message_changed":
        # ts is the edited message's ts; the event itself is stamped with the edit time.
        edit = edited or {"user": user, "ts": f"{event_time + 1}.000000"}
        inner: dict[str, Any] = {
            "type": "message",
            "text": text,
            "user": user,
            "team": team_id,
            "edited": edit,
            "ts": ts,
            "blocks": _rich_text(text, ts + "e"),
        }
        if bot_id is None:
            inner["client_msg_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{channel}/{ts}"))
        if thread_ts:
            inner["thread_ts"] = thread_ts
        previous: dict[str, Any] = {
            "type": "message",
            "text": previous_text if previous_text is not None else "",
            "user": user,
            "team": team_id,
            "ts": ts,
        }
        if thread_ts:
            previous["thread_ts"] = thread_ts
        event = {
            "type": "message",
            "subtype": "message_changed",
            "message": inner,
            "previous_message": previous,
            "channel": channel,
            "hidden": True,
            "ts": edit["ts"],
            "event_ts": edit["ts"],
            "channel_type": channel_type,
        }
    elif subtype == "message_deleted":
        deleted_at = f"{event_time + 1}.000000"
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "previous_message": {
                "type": "message",
                "text": previous_text if previous_text is not None else text,
                "user": user,
                "team": team_id,
                "ts": ts,
                **({"thread_ts": thread_ts} if thread_ts else {}),
            },
            "channel": channel,
            "hidden": True,
            "deleted_ts": ts,
            "event_ts": deleted_at,
            "ts": deleted_at,
            "channel_type": channel_type,
        }
    else:
        event = {"type": "message"}
        if subtype:
            event["subtype"] = subtype
        if bot_id is None and subtype is None:
            # Only messages typed by a person carry client_msg_id and rich_text blocks.
            event["client_msg_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{channel}/{ts}"))
        event.update({"text": text, "user": user, "ts": ts, "team": team_id})
        if bot_id is not None:
            event["bot_id"] = bot_id
        if bot_id is None and subtype is None:
            event["blocks"] = _rich_text(text, ts)
        if edited:
            event["edited"] = edited
        if thread_ts:
            event["thread_ts"] = thread_ts
            event["parent_user_id"] = parent_user_id or user
        event.update({"channel": channel, "event_ts": ts, "channel_type": channel_type})
    body = _event_callback(
        event,
        team_id=team_id,
        event_id=event_id,
        event_time=event_time,
        api_app_id=api_app_id,
        authorized_user_id=authorized_user_id,
        channel=channel,
    )
    return json.dumps(body)


def app_home_opened(
    *,
    user: str,
    team_id: str,
    event_id: str,
    tab: str = "home",
    channel: str | None = None,
    view: dict[str, Any] | None = None,
    event_ts: str | None = None,
    api_app_id: str = "A0001",
    authorized_user_id: str = "UBOT",
) -> str:
    """JSON event_callback for app_home_opened; view is present only when a Home was published before."""
    event_ts = event_ts or f"{time.time():.6f}"
    channel = channel or dm_channel_id(user)
    event: dict[str, Any] = {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab}
    if view is not None:
        event["view"] = view
    event["event_ts"] = event_ts
    body = _event_callback(
        event,
        team_id=team_id,
        event_id=event_id,
        event_time=int(float(event_ts)),
        api_app_id=api_app_id,
        authorized_user_id=authorized_user_id,
        channel=channel,
    )
    return json.dumps(body)


def app_uninstalled(
    *, team_id: str, event_id: str, event_time: int, api_app_id: str = "A0001", authorized_user_id: str = "UBOT"
) -> str:
    """JSON event_callback for app_uninstalled."""
    event = {"type": "app_uninstalled", "event_ts": f"{event_time}.000000"}
    body = _event_callback(
        event,
        team_id=team_id,
        event_id=event_id,
        event_time=event_time,
        api_app_id=api_app_id,
        authorized_user_id=authorized_user_id,
        channel=None,
    )
    return json.dumps(body)


def tokens_revoked(
    *,
    team_id: str,
    event_id: str,
    event_time: int,
    bot_user_ids: list[str] | None = None,
    user_ids: list[str] | None = None,
    api_app_id: str = "A0001",
    authorized_user_id: str = "UBOT",
) -> str:
    """JSON event_callback for tokens_revoked (tokens.bot / tokens.oauth list user ids)."""
    event = {
        "type": "tokens_revoked",
        "tokens": {"oauth": list(user_ids or []), "bot": list(bot_user_ids or [authorized_user_id])},
        "event_ts": f"{event_time}.000000",
    }
    body = _event_callback(
        event,
        team_id=team_id,
        event_id=event_id,
        event_time=event_time,
        api_app_id=api_app_id,
        authorized_user_id=authorized_user_id,
        channel=None,
    )
    return json.dumps(body)


def _user_obj(user_id: str, team_id: str, user_name: str | None) -> dict[str, str]:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _form_payload(payload: dict[str, Any]) -> str:
    return f"payload={quote(json.dumps(payload))}"


def block_actions(
    *,
    user_id: str,
    team_id: str,
    action_id: str,
    value: str,
    trigger_id: str,
    response_url: str | None = None,
    block_id: str = "actions",
    channel_id: str | None = None,
    message_ts: str | None = None,
    container_type: str = "message",
    view: dict[str, Any] | None = None,
    message: dict[str, Any] | None = None,
    is_ephemeral: bool = False,
    channel_name: str | None = None,
    action_type: str = "button",
    action_text: str = "Button",
    state_values: dict[str, Any] | None = None,
    user_name: str | None = None,
    team_domain: str = "goalbot-test",
    api_app_id: str = "A0001",
    action_ts: str | None = None,
) -> str:
    """Form body payload=<json> for a block_actions interaction on a message or a view (modal/Home)."""
    action_ts = action_ts or f"{time.time():.6f}"
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "type": action_type}
    if action_type in ("static_select", "external_select", "radio_buttons", "overflow"):
        action["selected_option"] = {"text": {"type": "plain_text", "text": action_text, "emoji": True}, "value": value}
    elif action_type in ("users_select", "conversations_select", "channels_select"):
        action[{"users_select": "selected_user", "conversations_select": "selected_conversation"}.get(
            action_type, "selected_channel"
        )] = value
    else:
        action["text"] = {"type": "plain_text", "text": action_text, "emoji": True}
        action["value"] = value
    action["action_ts"] = action_ts
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user_obj(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": "verification_token",
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if container_type == "view":
        the_view = dict(view or {"id": "V00000000", "type": "home", "blocks": []})
        if state_values is not None or "state" not in the_view:
            the_view["state"] = {"values": state_values or {}}
        payload["container"] = {"type": "view", "view_id": the_view.get("id")}
        payload["view"] = the_view
    else:
        channel_id = channel_id or dm_channel_id(user_id)
        message_ts = message_ts or (message or {}).get("ts") or action_ts
        payload["container"] = {
            "type": container_type,
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        payload["channel"] = {"id": channel_id, "name": channel_name or _channel_name(channel_id)}
        if not is_ephemeral:  # Slack sends no copy of an ephemeral message with a click on it
            payload["message"] = message or {"type": "message", "ts": message_ts, "text": "", "blocks": []}
        payload["state"] = {"values": state_values or {}}
        if response_url is not None:
            payload["response_url"] = response_url
    payload["actions"] = [action]
    return _form_payload(payload)


def _input_blocks(values: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    blocks = []
    for block_id, actions in values.items():
        for action_id in actions:
            blocks.append(
                {
                    "type": "input",
                    "block_id": block_id,
                    "label": {"type": "plain_text", "text": block_id[:2000]},
                    "optional": False,
                    "element": {"type": "plain_text_input", "action_id": action_id},
                }
            )
    return blocks


def view_submission(
    *,
    user_id: str,
    team_id: str,
    callback_id: str,
    values: dict[str, dict[str, Any]],
    private_metadata: str = "",
    trigger_id: str,
    view_id: str = "V00000001",
    blocks: list[dict[str, Any]] | None = None,
    title: str = "goalbot",
    user_name: str | None = None,
    team_domain: str = "goalbot-test",
    api_app_id: str = "A0001",
    bot_id: str = "BBOT",
    response_urls: list[dict[str, str]] | None = None,
) -> str:
    """Form body for a modal submission; string values become plain_text_input state, dicts pass through."""
    state = {
        block_id: {
            action_id: value if isinstance(value, dict) else {"type": "plain_text_input", "value": value}
            for action_id, value in actions.items()
        }
        for block_id, actions in values.items()
    }
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": team_domain},
        "user": _user_obj(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": "verification_token",
        "trigger_id": trigger_id,
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": blocks if blocks is not None else _input_blocks(values),
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state},
            "hash": f"{int(time.time())}.{hashlib.sha1(view_id.encode()).hexdigest()[:8]}",
            "title": {"type": "plain_text", "text": title},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel"},
            "submit": {"type": "plain_text", "text": "Submit"},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": api_app_id,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": bot_id,
        },
        "response_urls": response_urls or [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _form_payload(payload)


def post(url: str, body: str, headers: Headers, timeout: float = 10) -> tuple[int, Headers, str]:
    """POST a body to a real HTTP endpoint; return (status, headers, text) even for 4xx/5xx."""
    request = urllib.request.Request(url, data=body.encode("utf-8"), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # local test servers
            return response.status, dict(response.headers.items()), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read().decode("utf-8")


class SlackRequestFactory:
    """Builds signed (body, headers) pairs for one workspace, with fresh event ids, ts and trigger ids."""

    def __init__(
        self,
        signing_secret: str,
        team_id: str = "T0001",
        *,
        clock: Callable[[], float] = time.time,
        api_app_id: str = "A0001",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        team_domain: str = "goalbot-test",
        response_url_for: Callable[..., str] | None = None,
    ) -> None:
        """response_url_for(id, channel_id=, user_id=, message_ts=) builds response_urls, e.g. fake.response_url."""
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.clock = clock
        self.api_app_id = api_app_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.team_domain = team_domain
        self.response_url_for = response_url_for
        self._lock = threading.Lock()
        self._counter = 0
        self._last_ts_micros = 0

    # -------------------------------------------------------------- counters

    def _next(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    def next_event_id(self) -> str:
        """A fresh Ev… id, unique across processes: the clock, a counter and a random part (goalbot dedupes on it).

        A counter alone restarts at 1 in every process, so a restarted shell's events would collide with the
        ones the database already recorded as processed and be dropped as duplicates.
        """
        millis = int(self.clock() * 1000)
        return f"Ev{_base32(millis)}{_base32(self._next())}{_base32(secrets.randbits(40)):0>8}"

    def next_ts(self) -> str:
        """A message ts from the clock, strictly increasing even when the clock stands still."""
        with self._lock:
            # A random microsecond offset keeps two processes started in the same instant apart.
            micros = max(int(self.clock() * 1_000_000) + secrets.randbelow(1000), self._last_ts_micros + 1)
            self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def next_trigger_id(self) -> str:
        """A fresh trigger id in Slack's "digits.digits.hex" shape."""
        return _trigger_id(f"{self.team_id}:{self._next()}:{self.clock()}")

    def _response_url(self, *, channel_id: str | None, user_id: str | None, message_ts: str | None = None) -> str:
        response_id = f"R{self._next():08d}"
        if self.response_url_for is not None:
            return self.response_url_for(response_id, channel_id=channel_id, user_id=user_id, message_ts=message_ts)
        return f"https://hooks.slack.com/commands/{self.team_id}/{response_id}/fake"

    # -------------------------------------------------------------- signing

    def sign(
        self,
        body: str,
        *,
        content_type: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> Headers:
        """Sign a body with the factory clock; content type is inferred (JSON when it starts with "{")."""
        return sign_headers(
            body,
            signing_secret=self.signing_secret,
            timestamp=int(self.clock()),
            content_type=content_type or (JSON if body.lstrip().startswith("{") else FORM),
            retry_num=retry_num,
            retry_reason=retry_reason,
        )

    @staticmethod
    def bolt_request(body: str, headers: Headers) -> BoltRequest:
        """Wrap a signed pair for app.dispatch(...)."""
        return BoltRequest(body=body, headers=dict(headers))

    # -------------------------------------------------------------- request kinds

    def slash_command(
        self,
        text: str,
        *,
        user_id: str,
        channel_id: str | None = None,
        command: str = "/goal",
        user_name: str | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        channel_name: str | None = None,
    ) -> tuple[str, Headers]:
        """A signed /goal (by default) typed in the user's DM with the app unless channel_id is given."""
        channel_id = channel_id or dm_channel_id(user_id)
        body = slash_command(
            text=text,
            user_id=user_id,
            team_id=self.team_id,
            channel_id=channel_id,
            response_url=response_url or self._response_url(channel_id=channel_id, user_id=user_id),
            trigger_id=trigger_id or self.next_trigger_id(),
            command=command,
            user_name=user_name,
            api_app_id=self.api_app_id,
            team_domain=self.team_domain,
            channel_name=channel_name,
        )
        return body, self.sign(body, content_type=FORM)

    def message_event(
        self,
        text: str,
        *,
        user: str,
        channel: str | None = None,
        ts: str | None = None,
        thread_ts: str | None = None,
        subtype: str | None = None,
        bot_id: str | None = None,
        channel_type: str | None = None,
        edited: dict[str, str] | None = None,
        parent_user_id: str | None = None,
        previous_text: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> tuple[str, Headers]:
        """A signed message event (message.im in the user's DM unless channel is given)."""
        channel = channel or dm_channel_id(user)
        ts = ts or self.next_ts()
        body = message_event(
            user=user,
            text=text,
            channel=channel,
            ts=ts,
            team_id=self.team_id,
            event_id=event_id or self.next_event_id(),
            thread_ts=thread_ts,
            subtype=subtype,
            bot_id=bot_id,
            channel_type=channel_type or ("im" if channel.startswith("D") else "channel"),
            edited=edited,
            api_app_id=self.api_app_id,
            event_time=int(self.clock()),
            parent_user_id=parent_user_id,
            previous_text=previous_text,
            authorized_user_id=self.bot_user_id,
        )
        return body, self.sign(body, content_type=JSON, retry_num=retry_num, retry_reason=retry_reason)

    def app_home_opened(
        self, *, user: str, tab: str = "home", view: dict[str, Any] | None = None, event_id: str | None = None
    ) -> tuple[str, Headers]:
        """A signed app_home_opened; pass the published Home view (FakeSlackWebAPI.home_view) if there is one."""
        body = app_home_opened(
            user=user,
            team_id=self.team_id,
            event_id=event_id or self.next_event_id(),
            tab=tab,
            view=view,
            event_ts=self.next_ts(),
            api_app_id=self.api_app_id,
            authorized_user_id=self.bot_user_id,
        )
        return body, self.sign(body, content_type=JSON)

    def app_uninstalled(self) -> tuple[str, Headers]:
        """A signed app_uninstalled event."""
        body = app_uninstalled(
            team_id=self.team_id,
            event_id=self.next_event_id(),
            event_time=int(self.clock()),
            api_app_id=self.api_app_id,
            authorized_user_id=self.bot_user_id,
        )
        return body, self.sign(body, content_type=JSON)

    def tokens_revoked(self, *, user_ids: list[str] | None = None) -> tuple[str, Headers]:
        """A signed tokens_revoked event for the bot token (and optional user tokens)."""
        body = tokens_revoked(
            team_id=self.team_id,
            event_id=self.next_event_id(),
            event_time=int(self.clock()),
            bot_user_ids=[self.bot_user_id],
            user_ids=user_ids,
            api_app_id=self.api_app_id,
            authorized_user_id=self.bot_user_id,
        )
        return body, self.sign(body, content_type=JSON)

    def block_actions(
        self,
        *,
        user_id: str,
        action_id: str,
        value: str,
        block_id: str = "actions",
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
        message_ts: str | None = None,
        container_type: str = "message",
        view: dict[str, Any] | None = None,
        action_type: str = "button",
        action_text: str = "Button",
        state_values: dict[str, Any] | None = None,
        user_name: str | None = None,
        is_ephemeral: bool = False,
    ) -> tuple[str, Headers]:
        """A signed button click (or select) on a message (pass the fake's message dict) or on a view."""
        trigger_id = self.next_trigger_id()
        response_url = None
        if container_type != "view":
            channel_id = channel_id or (message or {}).get("channel") or dm_channel_id(user_id)
            message_ts = message_ts or (message or {}).get("ts")
            response_url = self._response_url(channel_id=channel_id, user_id=user_id, message_ts=message_ts)
        body = block_actions(
            user_id=user_id,
            team_id=self.team_id,
            action_id=action_id,
            value=value,
            trigger_id=trigger_id,
            response_url=response_url,
            block_id=block_id,
            channel_id=channel_id,
            message_ts=message_ts,
            container_type=container_type,
            view=view,
            message=({k: v for k, v in message.items() if k != "channel"} if message else None),
            is_ephemeral=is_ephemeral,
            action_type=action_type,
            action_text=action_text,
            state_values=state_values,
            user_name=user_name,
            team_domain=self.team_domain,
            api_app_id=self.api_app_id,
            action_ts=self.next_ts(),
        )
        return body, self.sign(body, content_type=FORM)

    def view_submission(
        self,
        *,
        user_id: str,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        private_metadata: str = "",
        view: dict[str, Any] | None = None,
        user_name: str | None = None,
    ) -> tuple[str, Headers]:
        """A signed modal submission; pass the opened view (FakeSlackWebAPI.modals()[-1]) to reuse its id and blocks."""
        view = view or {}
        body = view_submission(
            user_id=user_id,
            team_id=self.team_id,
            callback_id=callback_id,
            values=values,
            private_metadata=private_metadata or view.get("private_metadata", "") or "",
            trigger_id=self.next_trigger_id(),
            view_id=view.get("id") or f"V{self._next():08d}",
            blocks=view.get("blocks"),
            title=((view.get("title") or {}).get("text") if isinstance(view.get("title"), dict) else None) or "goalbot",
            user_name=user_name,
            team_domain=self.team_domain,
            api_app_id=self.api_app_id,
            bot_id=self.bot_id,
        )
        return body, self.sign(body, content_type=FORM)
