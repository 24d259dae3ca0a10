"""The one validation layer for what Slack sends: raw bytes → a parsed body → a typed payload, or a refusal.

Every payload shape goalbot handles (slash commands, events, block_actions, view_submission) is checked here,
before Bolt or any listener sees it: field types, Slack's id shapes and lengths (ids must fit their columns),
NUL-free text, bounded sizes and nesting, finite numbers, and where a response_url may point. A request that
fails becomes a `Refusal`: a logged warning and a calm HTTP answer, never a traceback or a 5xx.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

MAX_DEPTH = 32  # Block Kit nests about 8 deep; the 100,000-deep array of the issue stops here
MAX_TEXT = 40_000  # Slack truncates message text beyond this
MAX_COMMAND_TEXT = 8_000
MAX_SHORT = 255  # action_id, block_id, callback_id
MAX_VALUE = 3_000  # button values (2,000) and plain_text_input values (3,000)
MAX_METADATA = 3_000  # private_metadata
MAX_ACTIONS = 25
MAX_URL = 2_000

_ID = {
    "team": re.compile(r"T[A-Z0-9]{1,31}"),
    "enterprise": re.compile(r"E[A-Z0-9]{1,31}"),
    "user": re.compile(r"[UW][A-Z0-9]{1,31}"),
    "bot": re.compile(r"B[A-Z0-9]{1,31}"),
    "app": re.compile(r"A[A-Z0-9]{1,31}"),
    "channel": re.compile(r"[CDG][A-Z0-9]{1,31}"),
    "view": re.compile(r"V[A-Z0-9]{1,31}"),
    "event": re.compile(r"Ev[A-Za-z0-9]{1,62}"),
    "ts": re.compile(r"\d{1,12}\.\d{1,9}"),
    "trigger": re.compile(r"[0-9A-Za-z.]{1,128}"),
}

# Kinds: what the metrics and logs call each payload shape.
SLASH_COMMAND, EVENT, BLOCK_ACTIONS, VIEW_SUBMISSION, URL_VERIFICATION, OTHER = (
    "slash_command", "event", "block_actions", "view_submission", "url_verification", "other")


class Invalid(ValueError):
    """One field is not what Slack sends; the message names the field, never its content."""


@dataclass(frozen=True)
class Refusal:
    """Why a request is not handed to the app, and how to answer it."""

    reason: str
    kind: str = OTHER
    status: int = 200
    answer_key: str | None = None  # a prompts key: the person gets this text instead of silence


@dataclass(frozen=True)
class Identity:
    """Who is asking, as the payload says: checked against our install before anything runs."""

    team_id: str | None
    api_app_id: str | None
    enterprise_id: str | None
    user_id: str | None


@dataclass(frozen=True)
class SlashCommand:
    """A /goal invocation (form-encoded)."""

    identity: Identity
    command: str
    text: str
    channel_id: str
    response_url: str
    trigger_id: str | None
    kind: str = SLASH_COMMAND


@dataclass(frozen=True)
class Event:
    """An Events API delivery; `event_type` is the inner event's type."""

    identity: Identity
    event_id: str
    event_type: str
    event: dict[str, Any]
    kind: str = EVENT


def event_type_of(payload: object) -> str | None:
    """The inner event's type of an Events API delivery, None for any other payload."""
    return payload.event_type if isinstance(payload, Event) else None


@dataclass(frozen=True)
class Action:
    """One element of block_actions.actions."""

    action_id: str
    block_id: str | None
    value: str | None


@dataclass(frozen=True)
class BlockActions:
    """A button click or select, in a message or a view."""

    identity: Identity
    actions: tuple[Action, ...]
    container_type: str | None
    channel_id: str | None
    message_ts: str | None
    view_id: str | None
    response_url: str | None
    trigger_id: str | None
    kind: str = BLOCK_ACTIONS


@dataclass(frozen=True)
class ViewSubmission:
    """A modal's submit: the inputs' values by block and action id."""

    identity: Identity
    callback_id: str
    view_id: str
    private_metadata: str
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    kind: str = VIEW_SUBMISSION


@dataclass(frozen=True)
class UrlVerification:
    """Slack's challenge when the request URL is saved."""

    challenge: str
    kind: str = URL_VERIFICATION


Payload = SlashCommand | Event | BlockActions | ViewSubmission | UrlVerification


# --------------------------------------------------------------------------- raw body → dict


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Invalid("a number is too large")
    return value


def _no_constant(name: str) -> Any:
    raise Invalid(f"{name} is not a number Slack sends")


def loads(text: str) -> Any:
    """json.loads that refuses NaN/Infinity, numbers that overflow, and nesting deeper than MAX_DEPTH."""
    try:
        value = json.loads(text, parse_float=_finite_float, parse_constant=_no_constant)
    except RecursionError:
        raise Invalid("JSON nested too deeply") from None
    except (ValueError, TypeError) as error:  # JSONDecodeError, int too long, Invalid
        raise Invalid(str(error) if isinstance(error, Invalid) else "not valid JSON") from None
    _check_depth(value)
    return value


def _check_depth(value: Any) -> None:
    """Iterative, so checking a hostile value cannot itself recurse too deep."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                raise Invalid("JSON nested too deeply")
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """Decode a request body as Slack sends it: strict UTF-8, then JSON or a form (interactivity: payload=JSON)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("body is not UTF-8") from None
    if "\x00" in text:
        raise Invalid("body contains a NUL byte")
    media = content_type.split(";")[0].strip().lower()
    if media == "application/json":
        body = loads(text)
        if not isinstance(body, dict):
            raise Invalid("JSON body is not an object")
        return body
    if media == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, encoding="utf-8",
                              errors="strict", max_num_fields=64)
        except (ValueError, UnicodeDecodeError):
            raise Invalid("form body is malformed") from None
        form: dict[str, str] = {}
        for key, value in pairs:
            if key in form:
                raise Invalid(f"form field {key[:40]!r} repeated")
            if "\x00" in key or "\x00" in value:
                raise Invalid("form field contains a NUL byte")
            form[key] = value
        if "payload" in form:
            payload = loads(form["payload"])
            if not isinstance(payload, dict):
                raise Invalid("payload is not an object")
            return payload
        return form
    raise Invalid("unsupported content type")


# --------------------------------------------------------------------------- field readers


def _text(value: Any, name: str, *, limit: int, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{name} is not a string")
    if len(value) > limit:
        raise Invalid(f"{name} is longer than {limit} characters")
    if "\x00" in value:
        raise Invalid(f"{name} contains a NUL byte")
    return value


def _req(value: Any, name: str, *, limit: int) -> str:
    text = _text(value, name, limit=limit)
    assert text is not None
    return text


def slack_id(value: Any, kind: str, name: str, *, required: bool = True) -> str | None:
    """A Slack id of `kind` (team, user, channel, …): its shape and length checked before it reaches a column."""
    if value is None or value == "":
        if required:
            raise Invalid(f"{name} is missing")
        return None
    if not isinstance(value, str) or not _ID[kind].fullmatch(value):
        raise Invalid(f"{name} is not a Slack {kind} id")
    return value


def _obj(value: Any, name: str, *, required: bool = True) -> dict[str, Any]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise Invalid(f"{name} is not an object")
    return value


def _blocks(value: Any, name: str) -> None:
    """Blocks, when present, are a list of at most 100 objects each naming its type."""
    if value is None:
        return
    if not isinstance(value, list) or len(value) > 100:
        raise Invalid(f"{name} is not a list of blocks")
    for number, block in enumerate(value):
        _text(_obj(block, f"{name}[{number}]").get("type"), f"{name}[{number}].type", limit=64)


def _flag(value: Any, name: str) -> bool:
    if value in (None, "", False, "false"):
        return False
    if value in (True, "true"):
        return True
    raise Invalid(f"{name} is not a boolean")


class ResponseUrls:
    """Where response_urls may point: https on Slack's hooks host, plus configured prefixes (the fake, in tests)."""

    def __init__(self, prefixes: Sequence[str]) -> None:
        self.prefixes = tuple(prefixes)

    def check(self, value: Any, name: str = "response_url") -> str:
        """Return the URL when goalbot may POST to it, else raise Invalid."""
        url = _req(value, name, limit=MAX_URL)
        if not url.startswith(self.prefixes) or any(c in url for c in " \r\n\\@"):
            raise Invalid(f"{name} is not on Slack's hooks host")
        return url


# --------------------------------------------------------------------------- shapes


def _identity_from_form(form: dict[str, Any]) -> Identity:
    return Identity(
        team_id=slack_id(form.get("team_id"), "team", "team_id"),
        api_app_id=slack_id(form.get("api_app_id"), "app", "api_app_id", required=False),
        enterprise_id=slack_id(form.get("enterprise_id"), "enterprise", "enterprise_id", required=False),
        user_id=slack_id(form.get("user_id"), "user", "user_id"),
    )


def _identity_from_interaction(body: dict[str, Any]) -> Identity:
    team = _obj(body.get("team"), "team", required=False)
    user = _obj(body.get("user"), "user")
    enterprise = body.get("enterprise")
    enterprise_id = enterprise.get("id") if isinstance(enterprise, dict) else enterprise
    _flag(body.get("is_enterprise_install"), "is_enterprise_install")
    return Identity(
        team_id=slack_id(team.get("id") or user.get("team_id"), "team", "team.id"),
        api_app_id=slack_id(body.get("api_app_id"), "app", "api_app_id", required=False),
        enterprise_id=slack_id(enterprise_id, "enterprise", "enterprise.id", required=False),
        user_id=slack_id(user.get("id"), "user", "user.id"),
    )


def slash_command(form: dict[str, Any], urls: ResponseUrls) -> SlashCommand:
    """Validate a slash command form."""
    identity = _identity_from_form(form)
    _flag(form.get("is_enterprise_install"), "is_enterprise_install")
    command = _req(form.get("command"), "command", limit=32)
    if not command.startswith("/"):
        raise Invalid("command does not start with /")
    if form.get("response_url") in (None, ""):
        raise Invalid("response_url is missing")
    return SlashCommand(
        identity=identity, command=command, text=_req(form.get("text", ""), "text", limit=MAX_COMMAND_TEXT),
        channel_id=str(slack_id(form.get("channel_id"), "channel", "channel_id")),
        response_url=urls.check(form.get("response_url")),
        trigger_id=slack_id(form.get("trigger_id"), "trigger", "trigger_id", required=False),
    )


def _message_event(event: dict[str, Any]) -> None:
    slack_id(event.get("channel"), "channel", "event.channel", required=False)
    if event.get("subtype") is not None:
        _text(event.get("subtype"), "event.subtype", limit=64)
    slack_id(event.get("user"), "user", "event.user", required=False)
    slack_id(event.get("bot_id"), "bot", "event.bot_id", required=False)
    _text(event.get("channel_type"), "event.channel_type", limit=16, required=False)
    _text(event.get("text"), "event.text", limit=MAX_TEXT, required=False)
    for key in ("ts", "thread_ts", "event_ts"):
        slack_id(event.get(key), "ts", f"event.{key}", required=key == "ts" and event.get("subtype") is None)
    slack_id(event.get("team"), "team", "event.team", required=False)
    _blocks(event.get("blocks"), "event.blocks")


def _home_opened_event(event: dict[str, Any]) -> None:
    slack_id(event.get("user"), "user", "event.user")
    slack_id(event.get("channel"), "channel", "event.channel", required=False)
    _text(event.get("tab"), "event.tab", limit=16)
    if event.get("view") is not None:
        _obj(event.get("view"), "event.view")


def _user_change_event(event: dict[str, Any]) -> None:
    user = _obj(event.get("user"), "event.user")
    slack_id(user.get("id"), "user", "event.user.id")
    _text(user.get("tz"), "event.user.tz", limit=64, required=False)
    _text(user.get("locale"), "event.user.locale", limit=16, required=False)
    team = user.get("team_id")
    slack_id(team, "team", "event.user.team_id", required=False)


def _tokens_revoked_event(event: dict[str, Any]) -> None:
    tokens = _obj(event.get("tokens"), "event.tokens")
    for key in ("oauth", "bot"):
        ids = tokens.get(key) or []
        if not isinstance(ids, list) or len(ids) > 1000:
            raise Invalid(f"event.tokens.{key} is not a list of ids")
        for number, user_id in enumerate(ids):
            slack_id(user_id, "user", f"event.tokens.{key}[{number}]")


def _nothing(event: dict[str, Any]) -> None:
    return None


EVENT_SHAPES: dict[str, Callable[[dict[str, Any]], None]] = {
    "message": _message_event,
    "app_home_opened": _home_opened_event,
    "user_change": _user_change_event,
    "tokens_revoked": _tokens_revoked_event,
    "app_uninstalled": _nothing,
}


def event_callback(body: dict[str, Any]) -> Event:
    """Validate an Events API delivery and the inner event of every type goalbot subscribes to."""
    event = _obj(body.get("event"), "event")
    event_type = _req(event.get("type"), "event.type", limit=64)
    authorizations = body.get("authorizations") or []
    if not isinstance(authorizations, list):
        raise Invalid("authorizations is not a list")
    enterprise_id = body.get("enterprise_id")
    for number, authorization in enumerate(authorizations[:10]):
        authorization = _obj(authorization, f"authorizations[{number}]")
        enterprise_id = enterprise_id or authorization.get("enterprise_id")
        if _flag(authorization.get("is_enterprise_install"), "is_enterprise_install"):
            enterprise_id = enterprise_id or "E?"
    identity = Identity(
        team_id=slack_id(body.get("team_id"), "team", "team_id"),
        api_app_id=slack_id(body.get("api_app_id"), "app", "api_app_id", required=False),
        enterprise_id=None if enterprise_id is None else (
            enterprise_id if enterprise_id == "E?" else slack_id(enterprise_id, "enterprise", "enterprise_id")),
        user_id=None,
    )
    shape = EVENT_SHAPES.get(event_type)
    if shape is None:
        raise Invalid(f"event type {event_type[:64]!r} is not one goalbot handles")
    shape(event)
    return Event(identity=identity, event_id=str(slack_id(body.get("event_id"), "event", "event_id")),
                 event_type=event_type, event=event)


def _action(value: Any, number: int) -> Action:
    action = _obj(value, f"actions[{number}]")
    selected = action.get("selected_option")
    chosen = _obj(selected, f"actions[{number}].selected_option").get("value") if selected is not None else None
    raw_value = action.get("value", chosen)
    return Action(
        action_id=_req(action.get("action_id"), f"actions[{number}].action_id", limit=MAX_SHORT),
        block_id=_text(action.get("block_id"), f"actions[{number}].block_id", limit=MAX_SHORT, required=False),
        value=_text(raw_value, f"actions[{number}].value", limit=MAX_VALUE, required=False),
    )


def block_actions(body: dict[str, Any], urls: ResponseUrls) -> BlockActions:
    """Validate a block_actions payload (message buttons, Home tab and modal buttons)."""
    identity = _identity_from_interaction(body)
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or len(actions) > MAX_ACTIONS:
        raise Invalid("actions is not a list of 1 to 25 actions")
    container = _obj(body.get("container"), "container", required=False)
    channel = _obj(body.get("channel"), "channel", required=False)
    message = _obj(body.get("message"), "message", required=False)
    for key in ("ts", "thread_ts"):
        slack_id(message.get(key), "ts", f"message.{key}", required=False)
    _text(message.get("text"), "message.text", limit=MAX_TEXT, required=False)
    _blocks(message.get("blocks"), "message.blocks")
    view = _obj(body.get("view"), "view", required=False)
    if view:
        _view_state(view)
        _text(view.get("private_metadata"), "view.private_metadata", limit=MAX_METADATA, required=False)
    state = _obj(body.get("state"), "state", required=False)
    if state:
        _values(state)
    response_url = body.get("response_url")
    return BlockActions(
        identity=identity, actions=tuple(_action(a, n) for n, a in enumerate(actions)),
        container_type=_text(container.get("type"), "container.type", limit=32, required=False),
        channel_id=slack_id(container.get("channel_id") or channel.get("id"), "channel", "channel.id",
                            required=False),
        message_ts=slack_id(container.get("message_ts"), "ts", "container.message_ts", required=False),
        view_id=slack_id(view.get("id") or container.get("view_id"), "view", "view.id", required=False),
        response_url=None if response_url is None else urls.check(response_url),
        trigger_id=slack_id(body.get("trigger_id"), "trigger", "trigger_id", required=False),
    )


def _values(state: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    values = _obj(state.get("values", {}), "state.values")
    if len(values) > 100:
        raise Invalid("state.values has too many blocks")
    out: dict[str, dict[str, str | None]] = {}
    for block_id, inputs in values.items():
        _req(block_id, "state.values block id", limit=MAX_SHORT)
        inputs = _obj(inputs, "state.values block")
        out[block_id] = {}
        for action_id, element in inputs.items():
            _req(action_id, "state.values action id", limit=MAX_SHORT)
            element = _obj(element, "state.values element")
            selected = element.get("selected_option")
            value = element.get("value")
            if value is None and selected is not None:
                value = _obj(selected, "state.values selected_option").get("value")
            for key in ("selected_date", "selected_time", "selected_user", "selected_channel",
                        "selected_conversation"):
                if value is None and element.get(key) is not None:
                    value = element.get(key)
            out[block_id][action_id] = _text(value, "state.values value", limit=MAX_VALUE, required=False)
    return out


def _view_state(view: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    return _values(_obj(view.get("state", {}), "view.state"))


def view_submission(body: dict[str, Any]) -> ViewSubmission:
    """Validate a modal submission."""
    identity = _identity_from_interaction(body)
    view = _obj(body.get("view"), "view")
    return ViewSubmission(
        identity=identity,
        callback_id=_req(view.get("callback_id"), "view.callback_id", limit=MAX_SHORT),
        view_id=str(slack_id(view.get("id"), "view", "view.id")),
        private_metadata=_req(view.get("private_metadata") or "", "view.private_metadata", limit=MAX_METADATA),
        values=_view_state(view),
    )


def kind_of(body: dict[str, Any]) -> str:
    """Which payload shape a parsed body claims to be (for metrics and logs; nothing is trusted yet)."""
    if "command" in body:
        return SLASH_COMMAND
    kind = body.get("type")
    return {"event_callback": EVENT, "block_actions": BLOCK_ACTIONS, "view_submission": VIEW_SUBMISSION,
            "url_verification": URL_VERIFICATION}.get(kind if isinstance(kind, str) else "", OTHER)


def validate(body: dict[str, Any], urls: ResponseUrls) -> Payload:
    """Turn a parsed body into a typed payload; raise Invalid naming the first field that is wrong."""
    kind = kind_of(body)
    if kind == SLASH_COMMAND:
        return slash_command(body, urls)
    if kind == EVENT:
        return event_callback(body)
    if kind == BLOCK_ACTIONS:
        return block_actions(body, urls)
    if kind == VIEW_SUBMISSION:
        return view_submission(body)
    if kind == URL_VERIFICATION:
        return UrlVerification(challenge=_req(body.get("challenge"), "challenge", limit=200))
    raise Invalid("not a payload type goalbot handles")
