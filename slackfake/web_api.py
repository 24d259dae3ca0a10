"""A local HTTP stand-in for the Slack Web API, shared by `goalbot shell`, the tests and the bench."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import logging
import math
import mimetypes
import random
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from email.policy import HTTP as _HTTP_POLICY
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

__all__ = [
    "WorkspaceError",
    "Call",
    "FakeSlackWebAPI",
    "MESSAGE_BLOCK_LIMIT",
    "TEXT_LIMIT",
    "VIEW_BLOCK_LIMIT",
    "dm_channel_id",
    "validate_blocks",
    "validate_view",
]

logger = logging.getLogger(__name__)

# A method handler answers (fields to merge into {"ok": true}, workspace events for subscribers).
_Result = tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]

MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
TEXT_LIMIT = 40_000
VIEW_BYTES_LIMIT = 250_000
VIEW_STACK_LIMIT = 3

# Parameters Slack accepts as JSON-encoded strings inside form bodies.
RESET = 0  # fail_next(status=RESET): the connection is dropped without an answer
_JSON_PARAMS = ("blocks", "attachments", "view", "metadata", "files", "user_auth_blocks")
# completeUploadExternal validates channel ids against ^[CGDZ][A-Z0-9]{8,}$; only the prefix matters here
# because the fake's ids are short.
_UPLOAD_CHANNEL_PREFIX = re.compile(r"^[CGDZ]")
_TRIGGER_FORMAT = re.compile(r"^[0-9]+\.[0-9]+\.[0-9a-zA-Z]+$")

_TZ_LABELS = {
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "UTC": "Coordinated Universal Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "AKST": "Alaska Standard Time",
    "AKDT": "Alaska Daylight Time",
    "HST": "Hawaii Standard Time",
    "JST": "Japan Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
}

_HTML_5XX = (
    "<html><head><title>{status} {reason}</title></head>"
    "<body><h1>{status} {reason}</h1><p>The server encountered a temporary error.</p></body></html>"
)


def dm_channel_id(user_id: str) -> str:
    """Return the stable DM channel id the fake (and the payload builders) use for a user."""
    # Deterministic so event payloads can name the DM before conversations.open was ever called.
    return "D" + (user_id[1:] if user_id[:1] in ("U", "W") else user_id)


@dataclass(frozen=True)
class Call:
    """One request the fake answered: method, decoded params, HTTP status, JSON body and wall time."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float
    token: str | None = None


class WorkspaceError(Exception):
    """Something a person did in the workspace that Slack's client refuses; the code is Slack's error string."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


_CHANNEL_NAME = re.compile(r"^[a-z0-9_\-\u00C0-\u024F]{1,80}$")


def _slack_id_suffix() -> str:
    """Ten characters of a Slack id ("C" + these), random so ids from different runs never meet."""
    return "".join(random.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(10))


class _ApiError(Exception):
    """Raised inside a method handler to answer {"ok": false, "error": ...}."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class _Reply:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int
    html: bool
    remaining: int
    after: bool = False  # the call takes effect first, then fails (Slack posted, the client hears an error)


class _TokenBucket:
    """Classic token bucket; Slack's per-channel limit is ~1 msg/s with short bursts."""

    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def refill(self, now: float) -> None:
        """Add the tokens earned since the last look."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_seconds(self) -> float:
        """Seconds until one whole token is available (0 when one is there now)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class _Limits:
    per_channel_per_second: float | None
    burst: int
    workspace_per_minute: int | None
    inject_429_ratio: float
    inject_500_ratio: float
    rng: random.Random
    clock: Callable[[], float] = time.monotonic
    channel_buckets: dict[str, _TokenBucket] = field(default_factory=dict)
    workspace_bucket: _TokenBucket | None = None


def _truthy(value: Any) -> bool:
    """Slack booleans arrive as true/false, "1"/"0" or "true"/"false"."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def validate_blocks(blocks: Any, *, limit: int = MESSAGE_BLOCK_LIMIT, pointer: str = "/blocks") -> list[str]:
    """Return Slack-style error strings for a blocks array (empty list when valid)."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > limit:
        errors.append(f"no more than {limit} items allowed [json-pointer:{pointer}]")
    for index, raw in enumerate(blocks):
        where = f"[json-pointer:{pointer}/{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
            errors.append(f"block must be an object with a type {where}")
            continue
        try:
            key = json.dumps(raw, sort_keys=True)
        except (TypeError, ValueError):
            errors.append(f"block is not JSON-serialisable {where}")
            continue
        problem = _block_problem(key)
        if problem:
            errors.append(f"{problem} {where}")
    return errors


@functools.lru_cache(maxsize=4096)
def _block_problem(block_json: str) -> str | None:
    """Why one block (as canonical JSON) is invalid, or None; cached because fan-outs repeat blocks."""
    raw = json.loads(block_json)
    # parse() logs a warning for unknown types; the returned message is the useful signal.
    parsed = Block.parse(raw)
    if parsed is None:
        return f"unsupported type: {raw.get('type')}"
    try:
        parsed.validate_json()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError) as exc:
        return str(exc)
    return None


def validate_view(view: Any, *, expected_type: str | None = None) -> list[str]:
    """Return Slack-style error strings for a modal or Home view (empty list when valid)."""
    if not isinstance(view, dict):
        return ["view must be an object [json-pointer:/view]"]
    errors: list[str] = []
    view_type = view.get("type")
    if view_type not in ("modal", "home"):
        errors.append(f"unsupported view type: {view_type} [json-pointer:/view/type]")
    elif expected_type is not None and view_type != expected_type:
        errors.append(f"view type must be {expected_type} [json-pointer:/view/type]")
    if view_type == "modal" and not view.get("title"):
        errors.append("missing required field: title [json-pointer:/view/title]")
    errors.extend(validate_blocks(view.get("blocks", []), limit=VIEW_BLOCK_LIMIT, pointer="/view/blocks"))
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError) as exc:
        errors.append(f"{exc} [json-pointer:/view]")
    return errors


def _tz_fields(tz: str | None, now: float) -> dict[str, Any]:
    """users.info tz, tz_label and tz_offset for an IANA zone at the given instant."""
    if not tz:
        return {"tz": None, "tz_label": "", "tz_offset": 0}
    try:
        local = datetime.fromtimestamp(now, ZoneInfo(tz))
    except ZoneInfoNotFoundError:
        return {"tz": tz, "tz_label": "", "tz_offset": 0}
    offset = local.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    abbreviation = local.tzname() or ""
    if abbreviation in _TZ_LABELS:
        label = _TZ_LABELS[abbreviation]
    elif abbreviation.isalpha():
        label = abbreviation
    else:
        sign = "+" if seconds >= 0 else "-"
        label = f"UTC{sign}{abs(seconds) // 3600:02d}:{abs(seconds) % 3600 // 60:02d}"
    return {"tz": tz, "tz_label": label, "tz_offset": seconds}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default backlog of 5 refuses connections under a parallel fan-out.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], fake: FakeSlackWebAPI) -> None:
        self.fake = fake
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "FakeSlack/1.0"

    def do_POST(self) -> None:  # stdlib naming
        """Answer a POST (every Web API method, uploads, response_urls)."""
        self._serve()

    def do_GET(self) -> None:  # stdlib naming
        """Answer a GET the way Slack does: same methods, params in the query string."""
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            reply = self.server.fake._handle_http(self.path, dict(self.headers.items()), body)
        except Exception as exc:  # a bug in the fake must be visible, not a hung client
            logger.exception("fake Slack crashed on %s", self.path)
            reply = _Reply(500, {"ok": False, "error": "fake_internal_error", "detail": repr(exc)})
        if reply.status == RESET:  # the connection drops without an answer
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if isinstance(reply.body, dict):
            payload = json.dumps(reply.body).encode("utf-8")
        else:
            payload = reply.body.encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up waiting (a timeout)
            self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Keep stderr quiet; every call is recorded instead."""
        return


class FakeSlackWebAPI:
    """A real HTTP server answering Slack Web API methods against an in-memory workspace."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        team_id: str = "T0001",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        *,
        app_id: str = "A0001",
        team_domain: str = "goalbot-test",
        record_calls: bool = True,
        validate: bool = True,
        chat_write_public: bool = False,
        start_ts: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Configure the workspace; nothing listens until start()."""
        self.host = host
        self.port = port
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.team_domain = team_domain
        self.record_calls = record_calls
        self.validate = validate
        self.chat_write_public = chat_write_public
        self._clock = clock
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        # Message ts come from the clock (as Slack's do) plus a random part, so a restarted process never reuses
        # the ts of messages an earlier one posted (check-ins are found by their ts); start_ts pins them.
        self._ts_micros = (start_ts * 1_000_000 if start_ts is not None
                           else int(clock() * 1_000_000) + random.randrange(1_000_000))
        self._counter = 0
        self._listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._delays: dict[str, list[float]] = {}
        self._limits: _Limits | None = None
        self._methods = self._build_methods()
        # Several workspaces on one server (installs through OAuth): the first one owns the server; tokens it issued
        # through oauth.v2.access name their workspace, and any other xoxb- token is this first workspace's.
        self._host: FakeSlackWebAPI | None = None
        self._workspaces: dict[str, FakeSlackWebAPI] = {team_id: self}
        self._tokens: dict[str, str] = {}  # token → team id
        self._revoked: set[str] = set()
        self._codes: dict[str, tuple[str, str, str | None]] = {}  # code → team, installer, redirect_uri
        self.oauth_client: tuple[str, str] | None = None  # (client_id, client_secret) oauth.v2.access accepts
        self.redirect_urls: list[str] = []  # the app's redirect URLs (the first is used when none is asked for)
        self._reset_state()

    def _reset_state(self) -> None:
        self._users: dict[str, dict[str, Any]] = {}
        self._dm_owners: dict[str, str] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._channel_names: dict[str, str] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._message_index: dict[tuple[str, str], dict[str, Any]] = {}
        self._ephemerals: list[dict[str, Any]] = []
        self._home_views: dict[str, dict[str, Any]] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._modal_stack: list[str] = []  # the modals the person sees, root first (Slack allows three)
        self._external_ids: dict[str, str] = {}
        self._used_triggers: set[str] = set()
        self._files: dict[str, dict[str, Any]] = {}
        self._responses: list[dict[str, Any]] = []
        self._response_urls: dict[str, dict[str, Any]] = {}
        self._calls: list[Call] = []
        self._rejections: list[Call] = []
        self._idempotency_keys: set[tuple[str, str]] = set()
        self._stats = {"accepted": 0, "rejected_429": 0, "rejected_500": 0, "duplicates": 0, "errors": 0}

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlackWebAPI:
        """Bind (port 0 picks a free port) and serve from a daemon thread."""
        if self._server is not None:
            return self
        self._server = _Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        # A short poll interval keeps stop() (and so every test teardown) near-instant.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None:
            return
        # shutdown() waits for the serving loop to see its flag, which it does when select() returns: a
        # connection made meanwhile wakes it at once instead of after up to poll_interval (every test's teardown).
        stopping = threading.Thread(target=self._server.shutdown, name="fake-slack-stop", daemon=True)
        stopping.start()
        with contextlib.suppress(OSError):
            socket.create_connection((self.host, self.port), timeout=1).close()
        stopping.join()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlackWebAPI:
        """Start on entering a with-block."""
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        """Stop on leaving a with-block."""
        self.stop()

    @property
    def root_url(self) -> str:
        """http://host:port with no trailing slash."""
        if self._host is not None:
            return self._host.root_url
        if self._server is None:
            raise RuntimeError("FakeSlackWebAPI is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The value for WebClient(base_url=...), e.g. http://127.0.0.1:PORT/api/."""
        return f"{self.root_url}/api/"

    def response_url(
        self,
        response_id: str | None = None,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """Build a response_url on this server; channel/user/message_ts let replies land in the workspace."""
        with self._lock:
            if response_id is None:
                response_id = f"R{self._next_counter():08d}"
            if self._host is not None:  # workspaces on one server: their ids must not meet at /response/
                response_id = f"{self.team_id}-{response_id}"
            self._response_urls[response_id] = {
                "channel_id": self._resolve_channel_id(channel_id) if channel_id else None,
                "user_id": user_id,
                "message_ts": message_ts,
            }
        return f"{self.root_url}/response/{response_id}"

    # ------------------------------------------------------------------ workspace setup

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        tz: str | None = "Europe/Rome",
        locale: str = "en-US",
        is_bot: bool = False,
        real_name: str | None = None,
        email: str | None = None,
        deleted: bool = False,
        display_name: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> dict[str, Any]:
        """Create or replace a workspace member."""
        user = {
            "id": user_id,
            "name": name,
            "display_name": display_name if display_name is not None else name,
            "is_admin": is_admin or is_owner,  # Slack: every owner is an admin too
            "is_owner": is_owner,
            "real_name": real_name or name,
            "tz": tz,
            "locale": locale,
            "is_bot": is_bot,
            "email": email,
            "deleted": deleted,
        }
        with self._lock:
            self._users[user_id] = user
            self._dm_owners[dm_channel_id(user_id)] = user_id
        return dict(user)

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str,
        members: list[str],
        bot_is_member: bool = True,
        is_private: bool = False,
    ) -> dict[str, Any]:
        """Create or replace a channel; members are user ids (the bot is added when bot_is_member)."""
        channel = {
            "id": channel_id,
            "name": name,
            "members": list(members),
            "bot_is_member": bot_is_member,
            "is_private": is_private,
            "is_im": False,
            "user": None,
            "created": int(self._clock()),
        }
        with self._lock:
            self._channels[channel_id] = channel
            self._channel_names[name] = channel_id
            self._messages.setdefault(channel_id, [])
        return dict(channel)

    def create_channel(self, name: str, *, creator: str, is_private: bool = False) -> dict[str, Any]:
        """A person creates a channel, as in Slack's client: they are its only member; the bot is not in it."""
        with self._lock:
            if creator not in self._users:
                raise WorkspaceError("user_not_found")
            if not _CHANNEL_NAME.match(name):
                raise WorkspaceError("invalid_name_specials" if name and len(name) <= 80 else "invalid_name")
            if name in self._channel_names:
                raise WorkspaceError("name_taken")
            channel_id = ("G" if is_private else "C") + _slack_id_suffix()
            channel = self.add_channel(channel_id, name=name, members=[creator], bot_is_member=False,
                                       is_private=is_private)
        return channel

    def join_channel(self, user_id: str, channel: str) -> dict[str, Any]:
        """A person joins a public channel (Slack's "Join channel"); private channels need an invitation."""
        with self._lock:
            found = self._known_channel(self._resolve_channel_id(channel))
            if found is None or found["is_im"] or (found["is_private"] and user_id not in found["members"]):
                raise WorkspaceError("channel_not_found")
            if user_id not in found["members"]:
                found["members"].append(user_id)
                message = self._system_message(found["id"], user_id, "channel_join")
            else:
                message = None
            out = dict(found)
        if message is not None:
            self._notify("message", message)
        return out

    def invite_to_channel(self, inviter: str, user_id: str, channel: str) -> dict[str, Any]:
        """A member invites a person, or the bot (`/invite @goalbot`), into a channel, validated as Slack does."""
        with self._lock:
            found = self._known_channel(self._resolve_channel_id(channel))
            if found is None or found["is_im"]:
                raise WorkspaceError("channel_not_found")
            if inviter not in found["members"]:
                raise WorkspaceError("not_in_channel")
            if user_id == self.bot_user_id:
                if found["bot_is_member"]:
                    raise WorkspaceError("already_in_channel")
                found["bot_is_member"] = True
            else:
                if user_id not in self._users:
                    raise WorkspaceError("user_not_found")
                if user_id in found["members"]:
                    raise WorkspaceError("already_in_channel")
                found["members"].append(user_id)
            message = self._system_message(found["id"], user_id, "channel_join", inviter=inviter)
            out = dict(found)
        self._notify("message", message)
        return out

    def channel(self, channel: str) -> dict[str, Any] | None:
        """A channel's record (id, name, members, bot_is_member, is_private) by id or #name, or None."""
        with self._lock:
            found = self._known_channel(self._resolve_channel_id(channel))
            return dict(found, members=list(found["members"])) if found else None

    def channels(self) -> list[dict[str, Any]]:
        """Every channel that is not a DM."""
        with self._lock:
            return [dict(c, members=list(c["members"])) for c in self._channels.values() if not c["is_im"]]

    def snapshot(self) -> dict[str, Any]:
        """The workspace as JSON-ready data (members, channels, messages, Home tabs), for restore() later."""
        with self._lock:
            data: dict[str, Any] = json.loads(json.dumps({
                "users": list(self._users.values()),
                "channels": list(self._channels.values()),
                "messages": self._messages,
                "home_views": self._home_views,
                "ts_micros": self._ts_micros,
            }, default=str))
            return data

    def restore(self, data: dict[str, Any]) -> None:
        """Load a snapshot() taken by an earlier process: the workspace goes on where it was."""
        with self._lock:
            for user in data.get("users") or []:
                self._users[user["id"]] = user
                self._dm_owners[dm_channel_id(user["id"])] = user["id"]
            for channel in data.get("channels") or []:
                self._channels[channel["id"]] = channel
                if channel.get("name"):
                    self._channel_names[channel["name"]] = channel["id"]
            for channel_id, messages in (data.get("messages") or {}).items():
                self._messages[channel_id] = messages
                for message in messages:
                    self._message_index[(channel_id, message["ts"])] = message
            self._home_views.update(data.get("home_views") or {})
            self._views.update({v["id"]: v for v in self._home_views.values()})
            self._ts_micros = max(self._ts_micros, int(data.get("ts_micros") or 0))

    def open_modal(self) -> dict[str, Any] | None:
        """The modal on top of the stack the person sees, or None when no modal is open."""
        with self._lock:
            return dict(self._views[self._modal_stack[-1]]) if self._modal_stack else None

    def close_modal(self, *, clear: bool = False) -> None:
        """The person closes the top modal (or, with clear, the whole stack), or a submission closes it."""
        with self._lock:
            if clear:
                self._modal_stack.clear()
            elif self._modal_stack:
                self._modal_stack.pop()

    def answer_submission(self, view_id: str, response: dict[str, Any]) -> dict[str, Any] | None:
        """Apply a view_submission's ack (update, push, clear, errors, or close) as Slack's client does.

        Returns the view now on top (None when the modals are closed); errors leave the submitted view open.
        """
        action = response.get("response_action")
        events: list[tuple[str, dict[str, Any]]] = []
        with self._lock:
            if action == "errors":
                return dict(self._views[view_id]) if view_id in self._views else None
            if action == "clear":
                self._modal_stack.clear()
            elif action == "update":
                stored = self._views[view_id]
                view = self._check_view(response.get("view"), "modal")
                for name in ("blocks", "private_metadata", "callback_id", "title", "close", "submit"):
                    if name in view:
                        stored[name] = view[name]
                events.append(("modal_update", dict(stored)))
            elif action == "push":
                pushed_on = self._views[view_id]
                stored = self._new_view(self._check_view(response.get("view"), "modal"),
                                        root=pushed_on["root_view_id"], previous=pushed_on["id"])
                self._modal_stack.append(stored["id"])
                events.append(("modal_push", dict(stored)))
            elif self._modal_stack:
                self._modal_stack.pop()
            top = dict(self._views[self._modal_stack[-1]]) if self._modal_stack else None
        for kind, payload in events:
            self._notify(kind, payload)
        return top

    def users(self) -> list[dict[str, Any]]:
        """Every member added with add_user."""
        with self._lock:
            return [dict(u) for u in self._users.values()]

    def dm_channel(self, user_id: str) -> str:
        """Return (creating if needed) the bot's DM channel id with a user."""
        with self._lock:
            return self._open_dm(user_id)

    def add_user_message(
        self, user_id: str, text: str, *, channel: str | None = None, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """Record a message typed by a user (default: in their DM) and return it with its new ts."""
        with self._lock:
            channel_id = self._resolve_channel_id(channel) if channel else self._open_dm(user_id)
            message = self._store_message(channel_id, user=user_id, text=text, blocks=None, thread_ts=thread_ts)
            message.pop("bot_id", None)
            message.pop("app_id", None)
            out = dict(message)
        self._notify("user_message", out)
        return out

    def edit_user_message(self, user_id: str, ts: str, text: str, *, channel: str | None = None) -> dict[str, Any]:
        """A person edits their own message, as Slack records it: new text, `edited` stamped with who and when.

        Returns {"message": the message now, "previous_message": as it was} (the message_changed event's parts).
        """
        with self._lock:
            channel_id = self._resolve_channel_id(channel) if channel else self._open_dm(user_id)
            message = self._message_index.get((channel_id, ts))
            if message is None:
                raise LookupError(f"no message {ts} in {channel_id}")
            if message["user"] != user_id:
                raise PermissionError("only the author can edit a message (cant_update_message)")
            previous = dict(message)
            message["text"] = text
            message["edited"] = {"user": user_id, "ts": self._next_ts()}
            out = {"message": dict(message), "previous_message": previous}
        self._notify("user_edit", out)
        return out

    def delete_user_message(self, user_id: str, ts: str, *, channel: str | None = None) -> dict[str, Any]:
        """A person deletes their own message: it leaves the channel (and its thread's reply count); returns it."""
        with self._lock:
            channel_id = self._resolve_channel_id(channel) if channel else self._open_dm(user_id)
            message = self._message_index.pop((channel_id, ts), None)
            if message is None:
                raise LookupError(f"no message {ts} in {channel_id}")
            if message["user"] != user_id:
                self._message_index[(channel_id, ts)] = message
                raise PermissionError("only the author can delete a message (cant_delete_message)")
            self._messages[channel_id] = [m for m in self._messages.get(channel_id, []) if m["ts"] != ts]
            parent = self._message_index.get((channel_id, str(message.get("thread_ts") or "")))
            if parent is not None and parent is not message and parent.get("reply_count"):
                parent["reply_count"] -= 1
            out = dict(message)
        self._notify("user_delete", out)
        return out

    # ------------------------------------------------------------------ inspection

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls, optionally only one method's (empty when record_calls=False)."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Posted messages (channel, ts, thread_ts, text, blocks, user, ...) in post order; U… means that DM."""
        with self._lock:
            if channel is None:
                everything = [m for msgs in self._messages.values() for m in msgs]
                return [dict(m) for m in sorted(everything, key=lambda m: float(m["ts"]))]
            channel_id = self._resolve_channel_id(channel)
            return [dict(m) for m in self._messages.get(channel_id, [])]

    def dm_messages(self, user_id: str) -> list[dict[str, Any]]:
        """Messages in the bot's DM with a user (bot posts and add_user_message alike)."""
        return self.messages(dm_channel_id(user_id))

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The parent message and its replies, oldest first."""
        return [
            m for m in self.messages(channel) if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts
        ]

    def ephemeral_messages(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """chat.postEphemeral and ephemeral response_url messages, optionally for one user."""
        with self._lock:
            return [dict(m) for m in self._ephemerals if user_id is None or m["user"] == user_id]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The Home view last published for a user, or None."""
        with self._lock:
            view = self._home_views.get(user_id)
            return dict(view) if view else None

    def modals(self) -> list[dict[str, Any]]:
        """Every modal opened or pushed, in its latest state, oldest first."""
        with self._lock:
            return [dict(v) for v in self._views.values() if v["type"] == "modal"]

    def files(self) -> list[dict[str, Any]]:
        """Files completed through files.completeUploadExternal (content holds the bytes)."""
        with self._lock:
            return [dict(f) for f in self._files.values() if f["completed"]]

    def responses(self, response_id: str | None = None) -> list[dict[str, Any]]:
        """Bodies POSTed to response_urls, optionally for one id."""
        with self._lock:
            return [dict(r) for r in self._responses if response_id is None or r["id"] == response_id]

    def rejections(self) -> list[Call]:
        """Calls refused for bad content (invalid blocks/view, no_text, msg_too_long...), kept even unrecorded."""
        with self._lock:
            return list(self._rejections)

    def stats(self) -> dict[str, int]:
        """chat.postMessage counters: accepted, rejected_429, rejected_500, duplicates, errors."""
        with self._lock:
            return dict(self._stats)

    def reset_calls(self) -> None:
        """Forget recorded calls, rejections and counters; workspace state stays."""
        with self._lock:
            self._calls = []
            self._rejections = []
            self._idempotency_keys = set()
            self._stats = {k: 0 for k in self._stats}

    def reset(self) -> None:
        """Forget everything: workspace, messages, calls, injected failures and limits."""
        with self._lock:
            self._reset_state()
            self._failures.clear()
            self._delays.clear()
            self._limits = None

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5, interval: float = 0.01) -> Any:
        """Poll predicate() until truthy and return its value; raise TimeoutError after timeout seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            time.sleep(interval)

    def subscribe(self, callback: Callable[[str, dict[str, Any]], None]) -> Callable[[], None]:
        """Call callback(kind, payload) on every workspace change (message, home, modal...); returns unsubscribe."""
        with self._lock:
            self._listeners.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return unsubscribe

    # ------------------------------------------------------------------ failure injection

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        error: str | None = None,
        retry_after: int = 1,
        times: int = 1,
        html: bool = False,
        after_posting: bool = False,
    ) -> None:
        """Make the next `times` calls to method ("*" = any) fail: 429+Retry-After, 5xx, or 200 ok:false.

        `status=RESET` drops the connection without an answer. `after_posting`: the call takes effect first (the
        message is posted) and only then fails, as when Slack acted but its answer was lost.
        """
        if status == 200 and not error:
            raise ValueError("status=200 failures need an error code, e.g. 'user_not_found'")
        if retry_after < 0:
            raise ValueError("retry_after must be >= 0")
        default = {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}.get(status, "fatal_error")
        failure = _Failure(status, error or default, int(retry_after), html, times, after_posting)
        with self._lock:
            self._failures.setdefault(method, []).append(failure)

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Sleep before answering the next `times` calls to method ("*" = any); the call still takes effect."""
        with self._lock:
            self._delays.setdefault(method, []).extend([seconds] * times)

    def enforce_limits(
        self,
        *,
        per_channel_per_second: float | None = 1.0,
        burst: int = 1,
        workspace_per_minute: int | None = None,
        inject_429_ratio: float = 0.0,
        inject_500_ratio: float = 0.0,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Rate-limit chat.postMessage with token buckets (per channel, per workspace) plus random faults.

        `clock` is the monotonic time the buckets refill by: the client's own when it paces on a virtual timer.
        """
        with self._lock:
            self._limits = _Limits(
                per_channel_per_second=per_channel_per_second,
                burst=max(1, burst),
                workspace_per_minute=workspace_per_minute,
                inject_429_ratio=inject_429_ratio,
                inject_500_ratio=inject_500_ratio,
                rng=random.Random(seed),
                clock=clock,
            )

    def clear_limits(self) -> None:
        """Stop rate limiting and random fault injection."""
        with self._lock:
            self._limits = None

    # ------------------------------------------------------------------ several workspaces (OAuth)

    def add_workspace(self, team_id: str, *, team_domain: str | None = None, bot_user_id: str | None = None,
                      bot_id: str | None = None) -> FakeSlackWebAPI:
        """Another workspace on this server, with its own people, channels and messages: calls made with a token
        it issued (oauth.v2.access) see only it. Returns it (same methods as this one; it is not started)."""
        with self._lock:
            if team_id in self._workspaces:
                return self._workspaces[team_id]
            other = FakeSlackWebAPI(self.host, self.port, team_id=team_id, app_id=self.app_id,
                                    bot_user_id=bot_user_id or f"UBOT{team_id[-4:]}",
                                    bot_id=bot_id or f"BBOT{team_id[-4:]}",
                                    team_domain=team_domain or f"goalbot-{team_id.lower()}",
                                    record_calls=self.record_calls, validate=self.validate,
                                    chat_write_public=self.chat_write_public, clock=self._clock)
            other._host = self
            self._workspaces[team_id] = other
            return other

    def workspace(self, team_id: str) -> FakeSlackWebAPI:
        """The workspace with this id on this server (KeyError when there is none)."""
        return self._workspaces[team_id]

    def issue_token(self, team_id: str) -> str:
        """A new bot token for the workspace (what an install hands the app)."""
        with self._lock:
            token = f"xoxb-{team_id}-{uuid.uuid4().hex[:12]}"
            self._tokens[token] = team_id
            return token

    def uninstall(self, team_id: str) -> None:
        """The workspace removes the app: every token issued for it is revoked (calls answer token_revoked)."""
        with self._lock:
            self._revoked.update(token for token, team in self._tokens.items() if team == team_id)

    def _authorize_page(self, query: str) -> _Reply:
        """GET /oauth/v2/authorize: the person approves at once; Slack redirects back with a code and the state."""
        params = dict(parse_qsl(query, keep_blank_values=True))
        if self.oauth_client is not None and params.get("client_id") != self.oauth_client[0]:
            return _Reply(400, "invalid client_id", content_type="text/plain; charset=utf-8")
        team_id = params.get("team") or self.team_id
        redirect_uri = params.get("redirect_uri") or (self.redirect_urls[0] if self.redirect_urls else None)
        if team_id not in self._workspaces or redirect_uri is None:
            return _Reply(400, "unknown team or no redirect URL", content_type="text/plain; charset=utf-8")
        users = self._workspaces[team_id].users()
        installer = params.get("user") or (users[0]["id"] if users else "U0INSTALLER")
        code = f"code-{uuid.uuid4().hex}"
        with self._lock:
            self._codes[code] = (team_id, installer, params.get("redirect_uri"))
        back = f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}" + urlencode(
            {"code": code, "state": params.get("state", "")})
        return _Reply(302, "", headers={"Location": back}, content_type="text/plain; charset=utf-8")

    def _oauth_access(self, headers: dict[str, str], params: dict[str, Any]) -> _Reply:
        """oauth.v2.access: a code from the authorize page, exchanged once for the workspace's bot token."""
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode("utf-8").partition(":")
        if self.oauth_client is not None and (client_id, client_secret) != self.oauth_client:
            return _Reply(200, {"ok": False, "error": "invalid_client_id" if client_id != self.oauth_client[0]
                                else "bad_client_secret"})
        with self._lock:
            granted = self._codes.pop(str(params.get("code") or ""), None)
        if granted is None:
            return _Reply(200, {"ok": False, "error": "invalid_code"})
        team_id, installer, asked_redirect = granted
        if asked_redirect is not None and params.get("redirect_uri") != asked_redirect:
            return _Reply(200, {"ok": False, "error": "bad_redirect_uri"})
        team = self._workspaces[team_id]
        return _Reply(200, {
            "ok": True, "app_id": self.app_id, "authed_user": {"id": installer}, "token_type": "bot",
            "scope": ",".join(sorted(str(params.get("scope") or "chat:write").split(","))),
            "access_token": self.issue_token(team_id), "bot_user_id": team.bot_user_id,
            "team": {"id": team_id, "name": team.team_domain}, "enterprise": None, "is_enterprise_install": False,
        })

    # ------------------------------------------------------------------ HTTP entry

    def _handle_http(self, raw_path: str, headers: dict[str, str], body: bytes) -> _Reply:
        parts = urlsplit(raw_path)
        path = parts.path
        lower_headers = {k.lower(): v for k, v in headers.items()}
        if path == "/oauth/v2/authorize":
            return self._authorize_page(parts.query)
        if path.startswith("/api/"):
            return self._handle_api(path[len("/api/"):], lower_headers, body, parts.query)
        if path.startswith("/upload/v1/"):
            file_id = path[len("/upload/v1/"):]
            return self._holder(lambda ws: file_id in ws._files)._handle_upload(file_id, body)
        if path.startswith("/response/"):
            response_id = path[len("/response/"):]
            return self._holder(lambda ws: response_id in ws._response_urls)._handle_response_url(
                response_id, lower_headers, body)
        return _Reply(404, "not found", content_type="text/plain; charset=utf-8")

    def _holder(self, has: Callable[[FakeSlackWebAPI], bool]) -> FakeSlackWebAPI:
        """The workspace on this server that holds an upload or a response_url (this one when none does)."""
        with self._lock:
            return next((ws for ws in self._workspaces.values() if has(ws)), self)

    def _parse_params(self, headers: dict[str, str], body: bytes, query: str) -> dict[str, Any]:
        params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        content_type = headers.get("content-type", "")
        if body:
            if content_type.startswith("application/json"):
                decoded = json.loads(body.decode("utf-8"))
                if not isinstance(decoded, dict):
                    raise _ApiError("invalid_json")
                params.update(decoded)
            elif content_type.startswith("multipart/form-data"):
                message = BytesParser(policy=_HTTP_POLICY).parsebytes(
                    b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
                )
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    decoded_part = part.get_payload(decode=True)  # bytes for a leaf part, None when empty
                    payload = decoded_part if isinstance(decoded_part, bytes) else b""
                    params[str(name)] = payload if part.get_filename() else payload.decode("utf-8")
            else:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return params

    def _handle_api(self, method: str, headers: dict[str, str], body: bytes, query: str) -> _Reply:
        now = self._clock()
        token: str | None = None
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        try:
            params = self._parse_params(headers, body, query)
        except (ValueError, UnicodeDecodeError, _ApiError):
            unreadable = _Reply(200, {"ok": False, "error": "invalid_json"})
            self._record(method, {}, unreadable, now, token)
            return unreadable
        token = token or params.pop("token", None)
        if method == "oauth.v2.access":
            granted = self._oauth_access(headers, params)
            self._record(method, {k: v for k, v in params.items() if k != "client_secret"}, granted, now, None)
            return granted
        owner = self._workspaces.get(self._tokens.get(token or "", self.team_id), self)
        if owner is not self:  # another workspace's token: only that workspace answers
            return owner._handle_api(method, headers, body, query)

        delay = self._take(self._delays, method)
        if delay:
            time.sleep(delay)

        failure = self._injected_failure(method)
        if failure is not None and failure[1]:  # after posting: act, then answer with the failure
            self._record(method, params, self._act(method, params, token), now, token)
            return failure[0]
        reply = (failure[0] if failure else None) or self._rate_limited(method, params)
        if reply is None:
            if not token:
                reply = _Reply(200, {"ok": False, "error": "not_authed"})
            elif not token.startswith(("xoxb-", "xoxp-", "xoxe.", "xapp-")):
                reply = _Reply(200, {"ok": False, "error": "invalid_auth"})
            elif token in (self._host or self)._revoked:
                reply = _Reply(200, {"ok": False, "error": "token_revoked"})
            else:
                reply = self._dispatch(method, params)
        self._record(method, params, reply, now, token)
        return reply

    def _act(self, method: str, params: dict[str, Any], token: str | None) -> _Reply:
        if not token:
            return _Reply(200, {"ok": False, "error": "not_authed"})
        return self._dispatch(method, params)

    def _dispatch(self, method: str, params: dict[str, Any]) -> _Reply:
        handler = self._methods.get(method)
        if handler is None:
            return _Reply(404, {"ok": False, "error": "unknown_method", "req_method": method})
        try:
            for name in _JSON_PARAMS:
                if name in params and isinstance(params[name], str) and params[name] != "":
                    try:
                        params[name] = json.loads(params[name])
                    except ValueError:
                        error = f"invalid_{name}_format" if name in ("blocks", "metadata") else "invalid_arguments"
                        raise _ApiError(error) from None
            body, events = handler(params)
        except _ApiError as exc:
            return _Reply(200, {"ok": False, "error": exc.error, **exc.extra})
        for kind, payload in events:
            self._notify(kind, payload)
        return _Reply(200, {"ok": True, **body})

    def _build_methods(self) -> dict[str, Callable[[dict[str, Any]], _Result]]:
        return {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.list": self._conversations_list,
            "conversations.join": self._conversations_join,
            "conversations.invite": self._conversations_invite,
            # Bolt's say() calls conversations.replies for every user reply in a DM thread (assistant context).
            "conversations.replies": self._conversations_replies,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    def _record(self, method: str, params: dict[str, Any], reply: _Reply, now: float, token: str | None) -> None:
        if isinstance(reply.body, dict):
            body = reply.body
        else:
            body = {"ok": False, "error": "non_json_body", "body": reply.body}
        call = Call(method=method, params=params, status=reply.status, response=body, at=now, token=token)
        content_errors = {
            "invalid_blocks", "invalid_blocks_format", "no_text", "msg_too_long", "view_too_large",
            "invalid_metadata_format", "invalid_metadata_schema",
        }
        with self._lock:
            if self.record_calls:
                self._calls.append(call)
            if body.get("error") in content_errors:
                self._rejections.append(call)
            if method == "chat.postMessage":
                if reply.status == 429:
                    self._stats["rejected_429"] += 1
                elif reply.status >= 500:
                    self._stats["rejected_500"] += 1
                elif body.get("ok"):
                    self._stats["accepted"] += 1
                else:
                    self._stats["errors"] += 1

    def _take(self, table: dict[str, list[Any]], method: str) -> Any:
        with self._lock:
            for key in (method, "*"):
                queue = table.get(key)
                if queue:
                    return queue.pop(0)
        return None

    def _injected_failure(self, method: str) -> tuple[_Reply, bool] | None:
        with self._lock:
            failure: _Failure | None = None
            for key in (method, "*"):
                queue = self._failures.get(key)
                if queue:
                    failure = queue[0]
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        queue.pop(0)
                    break
        if failure is None:
            return None
        return self._failure_reply(failure.status, failure.error, failure.retry_after, failure.html), failure.after

    @staticmethod
    def _failure_reply(status: int, error: str, retry_after: int, html: bool) -> _Reply:
        if status == RESET:
            return _Reply(RESET, {})
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        if html and status >= 500:
            reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Error")
            page = _HTML_5XX.format(status=status, reason=reason)
            return _Reply(status, page, headers, content_type="text/html; charset=utf-8")
        return _Reply(status, {"ok": False, "error": error}, headers)

    def _rate_limited(self, method: str, params: dict[str, Any]) -> _Reply | None:
        if method != "chat.postMessage":
            return None
        with self._lock:
            limits = self._limits
            if limits is None:
                return None
            roll = limits.rng.random()
            if roll < limits.inject_429_ratio:
                return self._failure_reply(429, "ratelimited", 1, False)
            if roll < limits.inject_429_ratio + limits.inject_500_ratio:
                return self._failure_reply(500, "internal_error", 0, False)
            now = limits.clock()
            raw_channel = str(params.get("channel") or "")
            key = dm_channel_id(raw_channel) if raw_channel[:1] in ("U", "W") else raw_channel
            buckets: list[_TokenBucket] = []
            if limits.per_channel_per_second:
                bucket = limits.channel_buckets.get(key)
                if bucket is None:
                    bucket = _TokenBucket(limits.per_channel_per_second, limits.burst, now)
                    limits.channel_buckets[key] = bucket
                buckets.append(bucket)
            if limits.workspace_per_minute:
                if limits.workspace_bucket is None:
                    # Slack counts per-minute windows, so a whole minute's budget may go out at once.
                    limits.workspace_bucket = _TokenBucket(
                        limits.workspace_per_minute / 60.0, limits.workspace_per_minute, now
                    )
                buckets.append(limits.workspace_bucket)
            for bucket in buckets:
                bucket.refill(now)
            wait = max((b.wait_seconds() for b in buckets), default=0.0)
            if wait > 0:
                # slack_sdk's RateLimitErrorRetryHandler does int(Retry-After): whole seconds only.
                return self._failure_reply(429, "ratelimited", max(1, math.ceil(wait)), False)
            for bucket in buckets:
                bucket.tokens -= 1
        return None

    def _notify(self, kind: str, payload: dict[str, Any]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(kind, payload)
            except Exception:  # a broken observer must not break the API answer
                logger.exception("fake Slack listener failed on %s", kind)

    # ------------------------------------------------------------------ helpers (call with the lock held)

    def _next_counter(self) -> int:
        self._counter += 1
        return self._counter

    def _next_ts(self) -> str:
        # Unique, strictly increasing, shaped like Slack's "seconds.micros"; never behind the clock.
        self._ts_micros = max(self._ts_micros + 100, int(self._clock() * 1_000_000))
        return f"{self._ts_micros // 1_000_000}.{self._ts_micros % 1_000_000:06d}"

    def _open_dm(self, user_id: str) -> str:
        user = self._users.get(user_id)
        if user is None:
            raise _ApiError("user_not_found")
        channel_id = dm_channel_id(user_id)
        if channel_id not in self._channels:
            self._channels[channel_id] = {
                "id": channel_id,
                "name": None,
                "members": [user_id],
                "bot_is_member": True,
                "is_private": True,
                "is_im": True,
                "user": user_id,
                "created": int(self._clock()),
            }
            self._messages.setdefault(channel_id, [])
        return channel_id

    def _resolve_channel_id(self, channel: str) -> str:
        """Map a user id to its DM and a #name to its id; leave other ids alone."""
        if channel in self._channels:
            return channel
        if channel[:1] in ("U", "W") and channel in self._users:
            return dm_channel_id(channel)
        return self._channel_names.get(channel[1:] if channel.startswith("#") else channel, channel)

    def _known_channel(self, channel_id: str) -> dict[str, Any] | None:
        """The channel record for an id, materialising a known user's DM on first use."""
        found = self._channels.get(channel_id)
        if found is None and channel_id in self._dm_owners:
            found = self._channels[self._open_dm(self._dm_owners[channel_id])]
        return found

    def _channel_for_post(self, channel: Any) -> dict[str, Any]:
        """Resolve a chat.* channel argument the way Slack does, raising the error Slack would."""
        if not channel or not isinstance(channel, str):
            raise _ApiError("channel_not_found")
        if channel[:1] in ("U", "W"):
            user = self._users.get(channel)
            if user is None:
                raise _ApiError("channel_not_found")
            if user["is_bot"]:
                raise _ApiError("cannot_dm_bot")
            return self._channels[self._open_dm(channel)]
        found = self._known_channel(self._resolve_channel_id(channel))
        if found is None:
            raise _ApiError("channel_not_found")
        if not found["bot_is_member"]:
            if found["is_private"]:
                raise _ApiError("channel_not_found")  # private channels are invisible to non-members
            if not self.chat_write_public:
                raise _ApiError("not_in_channel")
        return found

    def _check_content(self, params: dict[str, Any], *, require_content: bool = True) -> None:
        text = params.get("text")
        blocks = params.get("blocks")
        attachments = params.get("attachments")
        if require_content and not text and not blocks and not attachments:
            raise _ApiError("no_text")
        if isinstance(text, str) and len(text) > TEXT_LIMIT:
            raise _ApiError("msg_too_long")
        if blocks is not None and self.validate:
            errors = validate_blocks(blocks)
            if errors:
                raise _ApiError("invalid_blocks", errors=errors, response_metadata={"messages": errors})

    def _check_metadata(self, metadata: Any) -> str | None:
        """Validate message metadata and return its idempotency key (event_payload.key) if any."""
        if metadata is None or metadata == "":
            return None
        if not isinstance(metadata, dict):
            raise _ApiError("invalid_metadata_format")
        if not isinstance(metadata.get("event_type"), str) or not isinstance(metadata.get("event_payload"), dict):
            raise _ApiError("invalid_metadata_schema")
        key = metadata["event_payload"].get("key")
        # event_type is part of the key: Bolt's assistant say() re-posts a parent's payload under its own type.
        return f"{metadata['event_type']}:{key}" if key is not None else None

    def _store_message(
        self,
        channel_id: str,
        *,
        user: str,
        text: Any,
        blocks: Any,
        thread_ts: Any = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "channel": channel_id,
            "ts": ts,
            "thread_ts": str(thread_ts) if thread_ts else None,
            "user": user,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": text or "",
            "blocks": blocks or [],
        }
        if extra:
            message.update(extra)
        self._messages.setdefault(channel_id, []).append(message)
        self._message_index[(channel_id, ts)] = message
        if thread_ts:
            parent = self._message_index.get((channel_id, str(thread_ts)))
            if parent is not None:
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = ts
                parent.setdefault("reply_users", [])
                if user not in parent["reply_users"]:
                    parent["reply_users"].append(user)
        return message

    @staticmethod
    def _public_message(message: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in message.items() if k != "channel" and v is not None}
        if not out.get("blocks"):
            out.pop("blocks", None)
        return out

    def _user_object(self, user: dict[str, Any], include_locale: bool) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": user["id"],
            "team_id": self.team_id,
            "name": user["name"],
            "deleted": user["deleted"],
            "real_name": user["real_name"],
            **_tz_fields(user["tz"], self._clock()),
            "is_bot": user["is_bot"],
            "is_admin": user["is_admin"],
            "is_owner": user["is_owner"],
            "is_app_user": False,
            "updated": int(self._clock()),
            "profile": {
                "real_name": user["real_name"],
                "display_name": user["display_name"],
                "team": self.team_id,
                **({"email": user["email"]} if user["email"] else {}),
            },
        }
        if include_locale:
            obj["locale"] = user["locale"]
        return obj

    # ------------------------------------------------------------------ methods

    def _api_test(self, params: dict[str, Any]) -> _Result:
        return {"args": {k: v for k, v in params.items() if isinstance(v, str)}}, []

    def _auth_test(self, params: dict[str, Any]) -> _Result:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_domain,
            "user": "goalbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }, []

    def _users_info(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            user = self._users.get(str(params.get("user") or ""))
            if user is None:
                raise _ApiError("user_not_found")
            return {"user": self._user_object(user, _truthy(params.get("include_locale")))}, []

    def _users_list(self, params: dict[str, Any]) -> _Result:
        # Like Slack: every member, deleted ones and bots included, in pages.
        with self._lock:
            listed = [self._user_object(user, _truthy(params.get("include_locale"))) for user in self._users.values()]
        page, next_cursor = self._page(listed, params, 100)
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}, []

    def _conversations_open(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            users = [u for u in str(params.get("users") or "").split(",") if u]
            if params.get("channel"):
                channel = self._channels.get(str(params["channel"]))
                if channel is None:
                    raise _ApiError("channel_not_found")
                channel_id = channel["id"]
            elif len(users) == 1:
                if users[0] in self._users and self._users[users[0]]["is_bot"]:
                    raise _ApiError("cannot_dm_bot")
                already = dm_channel_id(users[0]) in self._channels
                channel_id = self._open_dm(users[0])
                if not _truthy(params.get("return_im")):
                    return {"no_op": already, "already_open": already, "channel": {"id": channel_id}}, []
            elif not users:
                raise _ApiError("users_list_not_supplied")
            else:
                raise _ApiError("not_supported", detail="the fake only opens 1:1 DMs")
            return {"channel": self._channel_object(self._channels[channel_id])}, []

    def _channel_object(self, channel: dict[str, Any]) -> dict[str, Any]:
        if channel["is_im"]:
            return {
                "id": channel["id"],
                "created": channel["created"],
                "is_im": True,
                "is_org_shared": False,
                "user": channel["user"],
                "is_user_deleted": False,
                "priority": 0,
            }
        members = list(channel["members"])
        if channel["bot_is_member"] and self.bot_user_id not in members:
            members.append(self.bot_user_id)
        return {
            "id": channel["id"],
            "name": channel["name"],
            "name_normalized": channel["name"],
            "created": channel["created"],
            "is_channel": not channel["is_private"],
            "is_group": channel["is_private"],
            "is_im": False,
            "is_mpim": False,
            "is_private": channel["is_private"],
            "is_archived": False,
            "is_general": channel["name"] == "general",
            "is_member": channel["bot_is_member"],
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "num_members": len(members),
        }

    def _visible_channel(self, channel: Any) -> dict[str, Any]:
        with self._lock:
            found = self._known_channel(self._resolve_channel_id(str(channel or "")))
            if found is None or (found["is_private"] and not found["bot_is_member"]):
                raise _ApiError("channel_not_found")
            return found

    def _conversations_info(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            return {"channel": self._channel_object(self._visible_channel(params.get("channel")))}, []

    def _conversations_members(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            channel = self._visible_channel(params.get("channel"))
            if channel["is_im"]:
                members = [channel["user"], self.bot_user_id]
            else:
                members = list(channel["members"])
                if channel["bot_is_member"] and self.bot_user_id not in members:
                    members.append(self.bot_user_id)
        page, next_cursor = self._page(members, params, 100)
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}, []

    def _conversations_join(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            found = self._known_channel(self._resolve_channel_id(str(params.get("channel") or "")))
            if found is None or (found["is_private"] and not found["bot_is_member"]):
                raise _ApiError("channel_not_found")
            if found["is_im"] or found["is_private"]:
                raise _ApiError("method_not_supported_for_channel_type")
            if found["bot_is_member"]:
                return {"channel": self._channel_object(found), "warning": "already_in_channel",
                        "response_metadata": {"warnings": ["already_in_channel"]}}, []
            found["bot_is_member"] = True
            message = self._system_message(found["id"], self.bot_user_id, "channel_join")
            return {"channel": self._channel_object(found)}, [("message", message)]

    def _conversations_invite(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            found = self._visible_channel(params.get("channel"))
            if found["is_im"]:
                raise _ApiError("method_not_supported_for_channel_type")
            if not found["bot_is_member"]:
                raise _ApiError("not_in_channel")
            users = [u for u in str(params.get("users") or "").split(",") if u]
            if not users:
                raise _ApiError("no_user")
            events = []
            for user_id in users:
                if user_id == self.bot_user_id:
                    raise _ApiError("cant_invite_self")
                if user_id not in self._users:
                    raise _ApiError("user_not_found")
                if user_id in found["members"]:
                    raise _ApiError("already_in_channel")
            for user_id in users:
                found["members"].append(user_id)
                events.append(("message", self._system_message(found["id"], user_id, "channel_join",
                                                               inviter=self.bot_user_id)))
            return {"channel": self._channel_object(found)}, events

    def _system_message(self, channel_id: str, user_id: str, subtype: str, *, inviter: str | None = None) -> dict[str, Any]:
        """Slack's own "<@U…> has joined the channel" line (call with the lock held); returns a copy."""
        text = f"<@{user_id}> has joined the channel"
        message = self._store_message(channel_id, user=user_id, text=text, blocks=None,
                                      extra={"subtype": subtype, **({"inviter": inviter} if inviter else {})})
        message.pop("bot_id", None)
        message.pop("app_id", None)
        return dict(message)

    def _conversations_list(self, params: dict[str, Any]) -> _Result:
        # Like Slack: every public channel, private ones only where the bot is a member; no DMs unless asked.
        types = {t.strip() for t in str(params.get("types") or "public_channel").split(",") if t.strip()}
        with self._lock:
            listed = [
                self._channel_object(c) for c in self._channels.values()
                if not c["is_im"] and ("private_channel" if c["is_private"] else "public_channel") in types
                and (c["bot_is_member"] or not c["is_private"])
            ]
        page, next_cursor = self._page(listed, params, 100)
        return {"channels": page, "response_metadata": {"next_cursor": next_cursor}}, []

    @staticmethod
    def _page(items: list[Any], params: dict[str, Any], default_limit: int) -> tuple[list[Any], str]:
        """Slice items by Slack's opaque cursor + limit; return (page, next_cursor or "")."""
        try:
            limit = int(params.get("limit") or default_limit)
        except ValueError:
            raise _ApiError("invalid_limit") from None
        limit = max(1, min(limit, 1000))
        offset = 0
        cursor = params.get("cursor")
        if cursor:
            try:
                prefix, _, number = base64.b64decode(str(cursor)).decode().partition(":")
                offset = int(number)
                if prefix != "offset" or offset < 0:
                    raise ValueError(cursor)
            except ValueError:
                raise _ApiError("invalid_cursor") from None
        next_offset = offset + limit
        next_cursor = base64.b64encode(f"offset:{next_offset}".encode()).decode() if next_offset < len(items) else ""
        return items[offset:next_offset], next_cursor

    @staticmethod
    def _in_window(message: dict[str, Any], params: dict[str, Any]) -> bool:
        ts = float(message["ts"])
        inclusive = _truthy(params.get("inclusive"))
        if params.get("oldest"):
            oldest = float(params["oldest"])
            if ts < oldest or (ts == oldest and not inclusive):
                return False
        if params.get("latest"):
            latest = float(params["latest"])
            if ts > latest or (ts == latest and not inclusive):
                return False
        return True

    def _history_view(self, message: dict[str, Any], with_metadata: bool) -> dict[str, Any]:
        out = self._public_message(message)
        if not with_metadata:
            out.pop("metadata", None)
        return out

    def _conversations_history(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            channel = self._visible_channel(params.get("channel"))
            if not channel["bot_is_member"]:
                raise _ApiError("not_in_channel")
            top_level = [
                m for m in self._messages.get(channel["id"], [])
                if (not m.get("thread_ts") or m["thread_ts"] == m["ts"] or m.get("subtype") == "thread_broadcast")
                and self._in_window(m, params)
            ]
            with_metadata = _truthy(params.get("include_all_metadata"))
            newest_first = [self._history_view(m, with_metadata) for m in reversed(top_level)]
        page, next_cursor = self._page(newest_first, params, 100)
        return {"messages": page, "has_more": bool(next_cursor), "response_metadata": {"next_cursor": next_cursor}}, []

    def _conversations_replies(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            channel = self._visible_channel(params.get("channel"))
            ts = str(params.get("ts") or "")
            parent = self._message_index.get((channel["id"], ts))
            if parent is None:
                raise _ApiError("thread_not_found")
            thread = [
                m for m in self._messages.get(channel["id"], [])
                # Slack always returns the parent first, whatever oldest/latest say.
                if m["ts"] == ts or (m.get("thread_ts") == ts and self._in_window(m, params))
            ]
            with_metadata = _truthy(params.get("include_all_metadata"))
            messages = [self._history_view(m, with_metadata) for m in thread]
        page, next_cursor = self._page(messages, params, 1000)
        return {"messages": page, "has_more": bool(next_cursor), "response_metadata": {"next_cursor": next_cursor}}, []

    def _chat_post_message(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            channel = self._channel_for_post(params.get("channel"))
            self._check_content(params)
            key = self._check_metadata(params.get("metadata"))
            extra: dict[str, Any] = {}
            for name in ("attachments", "metadata"):
                if params.get(name):
                    extra[name] = params[name]
            if params.get("thread_ts") and _truthy(params.get("reply_broadcast")):
                extra["subtype"] = "thread_broadcast"
            message = self._store_message(
                channel["id"],
                user=self.bot_user_id,
                text=params.get("text"),
                blocks=params.get("blocks"),
                thread_ts=params.get("thread_ts"),
                extra=extra,
            )
            if key is not None:
                marker = (channel["id"], key)
                if marker in self._idempotency_keys:
                    self._stats["duplicates"] += 1
                self._idempotency_keys.add(marker)
            out = dict(message)
        return {"channel": channel["id"], "ts": out["ts"], "message": self._public_message(out)}, [("message", out)]

    def _chat_update(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            channel = self._channel_for_post(params.get("channel"))
            message = self._message_index.get((channel["id"], str(params.get("ts") or "")))
            if message is None:
                raise _ApiError("message_not_found")
            if message["user"] != self.bot_user_id:
                raise _ApiError("cant_update_message")
            self._check_content(params, require_content=False)
            self._check_metadata(params.get("metadata"))
            if "text" in params:
                message["text"] = params["text"] or ""
            if "blocks" in params:
                message["blocks"] = params["blocks"] or []
            for name in ("attachments", "metadata"):
                if name in params:
                    message[name] = params[name]
            message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
            out = dict(message)
        public = self._public_message(out)
        return {"channel": channel["id"], "ts": out["ts"], "text": out["text"], "message": public}, [("update", out)]

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            channel = self._channel_for_post(params.get("channel"))
            user_id = str(params.get("user") or "")
            if user_id not in self._users:
                raise _ApiError("user_not_found")
            in_channel = channel["user"] == user_id if channel["is_im"] else user_id in channel["members"]
            if not in_channel:
                raise _ApiError("user_not_in_channel")
            self._check_content(params)
            message = {
                "type": "message",
                "channel": channel["id"],
                "user": user_id,
                "ts": self._next_ts(),
                "thread_ts": params.get("thread_ts"),
                "text": params.get("text") or "",
                "blocks": params.get("blocks") or [],
            }
            self._ephemerals.append(message)
        return {"message_ts": message["ts"]}, [("ephemeral", dict(message))]

    def _chat_get_permalink(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            channel = self._visible_channel(params.get("channel"))
            ts = str(params.get("message_ts") or "")
            if (channel["id"], ts) not in self._message_index:
                raise _ApiError("message_not_found")
        permalink = f"https://{self.team_domain}.slack.com/archives/{channel['id']}/p{ts.replace('.', '')}"
        return {"channel": channel["id"], "permalink": permalink}, []

    def _check_view(self, view: Any, expected_type: str) -> dict[str, Any]:
        if not isinstance(view, dict):
            raise _ApiError("invalid_arguments", response_metadata={"messages": ["view must be an object"]})
        if len(json.dumps(view)) > VIEW_BYTES_LIMIT:
            raise _ApiError("view_too_large")
        if self.validate:
            errors = validate_view(view, expected_type=expected_type)
            if errors:
                raise _ApiError("invalid_blocks", errors=errors, response_metadata={"messages": errors})
        return view

    def _use_trigger(self, trigger_id: Any) -> None:
        if not trigger_id or not _TRIGGER_FORMAT.match(str(trigger_id)):
            raise _ApiError("invalid_trigger_id")
        if trigger_id in self._used_triggers:
            raise _ApiError("exchanged_trigger_id")
        self._used_triggers.add(str(trigger_id))

    def _new_view(
        self, view: dict[str, Any], *, root: str | None = None, previous: str | None = None
    ) -> dict[str, Any]:
        view_id = "V" + _slack_id_suffix()  # random: views restored from an earlier run keep their ids
        stored: dict[str, Any] = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self._clock())}.{self._next_counter():08x}",
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": previous,
            "root_view_id": root or view_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        if stored["external_id"]:
            if stored["external_id"] in self._external_ids:
                raise _ApiError("duplicate_external_id")
            self._external_ids[stored["external_id"]] = view_id
        self._views[view_id] = stored
        return stored

    def _views_open(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            view = self._check_view(params.get("view"), "modal")
            self._use_trigger(params.get("trigger_id") or params.get("interactivity_pointer"))
            stored = self._new_view(view)
            self._modal_stack[:] = [stored["id"]]
            out = dict(stored)
        return {"view": out}, [("modal_open", out)]

    def _views_push(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            view = self._check_view(params.get("view"), "modal")
            self._use_trigger(params.get("trigger_id") or params.get("interactivity_pointer"))
            modals = [v for v in self._views.values() if v["type"] == "modal"]
            if not modals:
                raise _ApiError("invalid_trigger_id")
            top = modals[-1]
            depth = sum(1 for v in modals if v["root_view_id"] == top["root_view_id"])
            if depth >= VIEW_STACK_LIMIT:
                raise _ApiError("push_limit_reached")
            stored = self._new_view(view, root=top["root_view_id"], previous=top["id"])
            self._modal_stack.append(stored["id"])
            out = dict(stored)
        return {"view": out}, [("modal_push", out)]

    def _views_update(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            view_id = params.get("view_id") or self._external_ids.get(str(params.get("external_id") or ""))
            stored = self._views.get(str(view_id or ""))
            if stored is None:
                raise _ApiError("not_found")
            view = self._check_view(params.get("view"), stored["type"])
            if params.get("hash") and params["hash"] != stored["hash"]:
                raise _ApiError("hash_conflict")
            for name in ("blocks", "private_metadata", "callback_id", "title", "close", "submit"):
                if name in view:
                    stored[name] = view[name]
            stored["hash"] = f"{int(self._clock())}.{self._next_counter():08x}"
            out = dict(stored)
        return {"view": out}, [("modal_update" if out["type"] == "modal" else "home", out)]

    def _views_publish(self, params: dict[str, Any]) -> _Result:
        with self._lock:
            user_id = str(params.get("user_id") or "")
            if user_id not in self._users:
                raise _ApiError("user_not_found")
            view = self._check_view(params.get("view"), "home")
            current = self._home_views.get(user_id)
            if params.get("hash") and current is not None and params["hash"] != current["hash"]:
                raise _ApiError("hash_conflict")
            if current is None:
                stored = self._new_view(view)
            else:
                stored = current
                for name in ("blocks", "private_metadata", "callback_id", "external_id"):
                    if name in view:
                        stored[name] = view[name]
                stored["hash"] = f"{int(self._clock())}.{self._next_counter():08x}"
            stored["user_id"] = user_id
            self._home_views[user_id] = stored
            out = dict(stored)
        return {"view": out}, [("home", out)]

    def _files_get_upload_url(self, params: dict[str, Any]) -> _Result:
        filename = params.get("filename")
        length = params.get("length")
        if not filename or length in (None, ""):
            raise _ApiError("invalid_arguments", response_metadata={"messages": ["filename and length are required"]})
        with self._lock:
            file_id = "F" + _slack_id_suffix()
            self._files[file_id] = {
                "id": file_id,
                "name": str(filename),
                "title": str(filename),
                "mimetype": mimetypes.guess_type(str(filename))[0] or "application/octet-stream",
                "size": int(length),
                "alt_txt": params.get("alt_txt"),
                "snippet_type": params.get("snippet_type"),
                "content": None,
                "completed": False,
                "channels": [],
                "thread_ts": None,
                "initial_comment": None,
                "user": self.bot_user_id,
                "created": int(self._clock()),
            }
        return {"upload_url": f"{self.root_url}/upload/v1/{file_id}", "file_id": file_id}, []

    def _handle_upload(self, file_id: str, body: bytes) -> _Reply:
        with self._lock:
            record = self._files.get(file_id)
            if record is not None:
                record["content"] = body
                record["size"] = len(body)
            if self.record_calls:
                self._calls.append(
                    Call("upload", {"file_id": file_id, "length": len(body)}, 200 if record else 404, {}, self._clock())
                )
        if record is None:
            return _Reply(404, "file not found", content_type="text/plain; charset=utf-8")
        return _Reply(200, f"OK - {len(body)}", content_type="text/plain; charset=utf-8")

    def _files_complete_upload(self, params: dict[str, Any]) -> _Result:
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            raise _ApiError("invalid_arguments", response_metadata={"messages": ["files is required"]})
        targets = [params["channel_id"]] if params.get("channel_id") else []
        targets += [c for c in str(params.get("channels") or "").split(",") if c]
        events: list[tuple[str, dict[str, Any]]] = []
        with self._lock:
            for target in targets:
                if not _UPLOAD_CHANNEL_PREFIX.match(str(target)):
                    problem = "input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ [json-pointer:/channel_id]"
                    raise _ApiError("invalid_arguments", response_metadata={"messages": [problem]})
            channels = [self._channel_for_post(t) for t in targets]
            records = []
            for entry in entries:
                record = self._files.get(str(entry.get("id") if isinstance(entry, dict) else ""))
                if record is None or record["content"] is None:
                    raise _ApiError("file_not_found")
                if entry.get("title"):
                    record["title"] = entry["title"]
                records.append(record)
            summaries = []
            for record in records:
                record["completed"] = True
                record["channels"] = [c["id"] for c in channels]
                record["thread_ts"] = params.get("thread_ts")
                record["initial_comment"] = params.get("initial_comment")
                summaries.append(
                    {k: v for k, v in record.items() if k not in ("content", "completed") and v is not None}
                )
            for channel in channels:
                message = self._store_message(
                    channel["id"],
                    user=self.bot_user_id,
                    text=params.get("initial_comment"),
                    blocks=None,
                    thread_ts=params.get("thread_ts"),
                    extra={"subtype": "file_share", "upload": True, "files": summaries},
                )
                events.append(("message", dict(message)))
            events.extend(("file", dict(s)) for s in summaries)
        return {"files": summaries}, events

    def _handle_response_url(self, response_id: str, headers: dict[str, str], body: bytes) -> _Reply:
        try:
            payload = json.loads(body.decode("utf-8")) if body else {}
        except ValueError:
            payload = dict(parse_qsl(body.decode("utf-8", "replace")))
        events: list[tuple[str, dict[str, Any]]] = []
        with self._lock:
            record = {"id": response_id, "at": self._clock(), **payload}
            errors = validate_blocks(payload["blocks"]) if self.validate and "blocks" in payload else []
            if self.record_calls:
                self._calls.append(Call("response_url", dict(record), 400 if errors else 200, {}, self._clock()))
            if errors:
                self._rejections.append(Call("response_url", dict(record), 400, {"errors": errors}, self._clock()))
                return _Reply(400, "invalid_blocks", content_type="text/plain; charset=utf-8")
            self._responses.append(record)
            target = self._response_urls.get(response_id, {})
            channel_id, user_id, message_ts = target.get("channel_id"), target.get("user_id"), target.get("message_ts")
            if channel_id and self._known_channel(channel_id) is None:
                channel_id = None  # registered for a channel the workspace does not have: just record
            original = self._message_index.get((channel_id, message_ts)) if channel_id and message_ts else None
            # A click on an ephemeral message: its response_url replaces or deletes that ephemeral.
            ephemeral = (next((m for m in self._ephemerals if m["ts"] == message_ts), None)
                         if original is None and message_ts else None)
            if ephemeral is not None and _truthy(payload.get("delete_original")):
                self._ephemerals.remove(ephemeral)
                events.append(("ephemeral_delete", dict(ephemeral)))
            elif ephemeral is not None and _truthy(payload.get("replace_original")):
                ephemeral["text"] = payload.get("text") or ""
                ephemeral["blocks"] = payload.get("blocks") or []
                events.append(("ephemeral", dict(ephemeral, replaced=True)))
            elif original is not None and _truthy(payload.get("delete_original")):
                # original was found by (channel_id, message_ts), so both are set
                self._messages[str(channel_id)].remove(original)
                del self._message_index[(str(channel_id), str(message_ts))]
                events.append(("delete", dict(original)))
            elif original is not None and _truthy(payload.get("replace_original")):
                original["text"] = payload.get("text") or ""
                original["blocks"] = payload.get("blocks") or []
                original["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
                events.append(("update", dict(original)))
            elif channel_id and payload.get("response_type") == "in_channel":
                message = self._store_message(
                    channel_id, user=self.bot_user_id, text=payload.get("text"), blocks=payload.get("blocks"),
                    thread_ts=payload.get("thread_ts"),
                )
                events.append(("message", dict(message)))
            elif channel_id and user_id:
                message = {
                    "type": "message", "channel": channel_id, "user": user_id, "ts": self._next_ts(),
                    "thread_ts": payload.get("thread_ts"), "text": payload.get("text") or "",
                    "blocks": payload.get("blocks") or [],
                }
                self._ephemerals.append(message)
                events.append(("ephemeral", dict(message)))
        events.insert(0, ("response", dict(record)))
        for kind, event in events:
            self._notify(kind, event)
        return _Reply(200, {"ok": True})
