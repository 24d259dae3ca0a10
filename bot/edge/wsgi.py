"""The HTTP edge: what happens to a request between the socket and Bolt.

POST /slack/events, in this order, each step refusing before the next one runs:
1. size: a body over the limit (or without a Content-Length) is refused before it is read (413/411);
2. signature: timestamp and v0 signature checked on the raw bytes (401), nothing parsed yet;
3. replay: the same signed delivery seen before is refused (401), remembered in the database;
4. parsing: strict UTF-8, bounded JSON (no NaN/Infinity, no deep nesting), form fields once each;
5. shape: the typed payload of bot.edge.payloads (wrong types, bad ids, NUL bytes, response_url host);
6. tenancy: another team, app or enterprise is refused (200 with nothing done);
then Bolt dispatches it. Refusals from 4 to 6 are a logged warning and a 200 (Slack retries a 5xx), or a
short answer to the person for a slash command; anything unexpected is a 200 too, never a 500.
GET /healthz checks the database and reports the scheduler's last tick; GET /metrics is Prometheus' format.
In OAuth mode (bot/installs.py) GET /slack/install and GET /slack/oauth_redirect are Bolt's install flow.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from sqlalchemy import select, text

from bot.clock import as_utc
from bot.deps import Deps
from bot.edge import metrics, payloads, signature
from bot.edge.payloads import Invalid, Payload, Refusal, ResponseUrls
from bot.edge.tenancy import Tenancy, tenancy_for
from bot.handoff import handoff_of
from prompts import t
from storage.models import SchedulerHeartbeat

log = logging.getLogger(__name__)
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
SCHEDULER_STALE_SECONDS = 120  # the scheduler ticks every few seconds; two minutes without one is worth a look


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status line, headers, body."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


_REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            411: "Length Required", 413: "Payload Too Large", 503: "Service Unavailable"}


def _json(status: int, value: Any) -> Answer:
    return Answer(status, json.dumps(value, ensure_ascii=False).encode(), "application/json")


class SlackEdge:
    """The WSGI application `goalbot serve --http` serves (one per process)."""

    def __init__(self, app: App, deps: Deps, *, tenancy: Tenancy | None = None) -> None:
        settings = deps.settings
        self.app, self.deps = app, deps
        self.secret = settings.signing_secret or ""
        self.max_body = settings.max_body_bytes
        self.urls = ResponseUrls(settings.response_url_prefixes)
        self.fingerprints = signature.Fingerprints(deps.sessions, settings.http_threads)
        self.tenancy = tenancy or tenancy_for(settings, app.client, deps.installations)
        self.handoff = handoff_of(app)  # a web process of `serve --http`: the work after the ack goes to the inbox

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        kind = payloads.OTHER
        try:
            path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
            if path == "/slack/events":
                if method != "POST":
                    answer = Answer(405, b"POST only", headers=(("Allow", "POST"),))
                else:
                    kind, answer = self.slack(environ)
            elif self.app.oauth_flow is not None and method == "GET" and path in (
                    self.app.oauth_flow.install_path, self.app.oauth_flow.redirect_uri_path):
                answer = self.install(environ, path)
            elif path == "/healthz" and method == "GET":
                answer = self.health()
            elif path == "/metrics" and method == "GET":
                body, content_type = metrics.exposition(self.deps.sessions, self.deps.clock)
                answer = Answer(200, body, content_type)
            else:
                answer = Answer(404, b"not found")
        except Exception:  # an unexpected failure is still an answer Slack will not retry forever
            log.exception("the HTTP edge failed on a request (answered 200, nothing done)")
            answer = Answer(200)
        if kind != payloads.OTHER or environ.get("PATH_INFO") == "/slack/events":
            metrics.ACK_SECONDS.labels(kind=kind).observe(time.perf_counter() - started)
        headers = [("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body))), *answer.headers]
        start_response(f"{answer.status} {_REASONS.get(answer.status, 'OK')}", headers)
        return [answer.body]

    # ------------------------------------------------------------------ /slack/install, /slack/oauth_redirect

    def install(self, environ: dict[str, Any], path: str) -> Answer:
        """Bolt's OAuth flow: the install page (a fresh state, in the store and a cookie), then Slack's redirect
        back with a code, exchanged for the workspace's bot token (oauth.v2.access) and saved in the store."""
        flow = self.app.oauth_flow
        assert flow is not None
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                   if key.startswith("HTTP_") and isinstance(value, str)}
        request = BoltRequest(body="", query=str(environ.get("QUERY_STRING") or ""), headers={**headers})
        response = flow.handle_installation(request) if path == flow.install_path else flow.handle_callback(request)
        extra = tuple((k, v) for k, values in response.headers.items() if k.lower() not in
                      ("content-type", "content-length") for v in values)
        content_type = (response.headers.get("content-type") or ["text/html; charset=utf-8"])[0]
        # A failed exchange is the installer's page ("try again"), never a 5xx in the server's logs.
        status = response.status if response.status < 500 else 400
        return Answer(status, (response.body or "").encode("utf-8"), content_type, extra)

    # ------------------------------------------------------------------ /slack/events

    def slack(self, environ: dict[str, Any]) -> tuple[str, Answer]:
        """Steps 1-6 of the module docstring, then Bolt; returns the payload kind and the answer."""
        raw_length = environ.get("CONTENT_LENGTH") or ""
        if not raw_length.isdigit():
            return self._refused(payloads.OTHER, "no_length", Answer(411, b"Content-Length required"))
        length = int(raw_length)
        if length > self.max_body:
            return self._refused(payloads.OTHER, "too_large", Answer(413, b"body too large"))
        raw = environ["wsgi.input"].read(length) if length else b""
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                   if key.startswith("HTTP_") and isinstance(value, str)}
        headers["content-type"] = environ.get("CONTENT_TYPE") or ""
        try:
            signature.verify(self.secret, raw, headers.get("x-slack-request-timestamp"),
                             headers.get("x-slack-signature"), now=time.time())
        except signature.BadSignature as why:
            log.warning("refused a request: %s (%d bytes, body not logged)", why, len(raw))
            return self._refused(payloads.OTHER, "bad_signature", _json(401, {"error": "invalid request"}))
        print_ = signature.fingerprint(headers["x-slack-signature"], headers.get("x-slack-retry-num"))
        if not self.fingerprints.remember(print_, self.deps.clock()):
            log.warning("refused a replayed request (same signature inside the 5-minute window)")
            return self._refused(payloads.OTHER, "replay", _json(401, {"error": "replayed request"}))
        refusal, payload, body = self.understand(raw, headers)
        if refusal is not None:
            return self._refused(refusal.kind, refusal.reason, self._refusal_answer(refusal))
        assert payload is not None
        if self.handoff is not None and self.handoff.hand_off_whole(body):
            metrics.REQUESTS.labels(kind=payload.kind, outcome="handled").inc()
            return payload.kind, Answer(200)  # acked: an after-ack process dispatches it (bot/handoff.py)
        request = BoltRequest(body=raw.decode("utf-8"), headers={**headers}, context={"edge_payload": payload})
        response: BoltResponse = self.app.dispatch(request)
        metrics.REQUESTS.labels(kind=payload.kind, outcome="handled").inc()
        status = response.status if response.status < 500 else 200
        if response.status >= 500:
            log.warning("Bolt answered %s for a %s; answered 200 instead", response.status, payload.kind)
        extra = tuple((k, v) for k, values in response.headers.items() if k.lower() not in
                      ("content-type", "content-length") for v in values)
        content_type = (response.headers.get("content-type") or ["text/plain; charset=utf-8"])[0]
        return payload.kind, Answer(status, (response.body or "").encode("utf-8"), content_type, extra)

    def understand(self, raw: bytes, headers: dict[str, str]) -> tuple[Refusal | None, Payload | None, Any]:
        """Parse and validate a verified body; a refusal says why not (steps 4 to 6)."""
        kind = payloads.OTHER
        try:
            body = payloads.parse_body(raw, headers.get("content-type", ""))
            kind = payloads.kind_of(body)
            payload = payloads.validate(body, self.urls)
        except Invalid as why:
            log.warning("refused a signed %s: %s", kind, why)
            answer_key = "edge.unreadable_request" if kind == payloads.SLASH_COMMAND else None
            return Refusal(reason="invalid", kind=kind, answer_key=answer_key), None, None
        if headers.get("x-slack-retry-num") and payload.kind != payloads.EVENT:
            log.warning("refused a %s carrying x-slack-retry-num (Slack retries only events)", payload.kind)
            return Refusal(reason="replay", kind=payload.kind, status=401), None, None
        if not isinstance(payload, payloads.UrlVerification):
            why_foreign = self.tenancy.foreign(payload.identity, payloads.event_type_of(payload))
            if why_foreign is not None:
                log.warning("refused a %s from another %s (team %s, app %s, enterprise %s)", payload.kind,
                            why_foreign, payload.identity.team_id, payload.identity.api_app_id,
                            payload.identity.enterprise_id)
                status = 200 if payload.kind == payloads.EVENT else 403
                return Refusal(reason="foreign", kind=payload.kind, status=status), None, None
        return None, payload, body

    def _refusal_answer(self, refusal: Refusal) -> Answer:
        if refusal.answer_key is None:
            return Answer(refusal.status)
        # A slash command is answered in the HTTP response itself: the person sees why nothing happened.
        return _json(refusal.status, {"response_type": "ephemeral",
                                      "text": t(self.deps.settings.default_lang, refusal.answer_key)})

    @staticmethod
    def _refused(kind: str, outcome: str, answer: Answer) -> tuple[str, Answer]:
        metrics.REQUESTS.labels(kind=kind, outcome=outcome).inc()
        return kind, answer

    # ------------------------------------------------------------------ /healthz

    def health(self) -> Answer:
        """Database round trip, plus when the scheduler (in whichever process holds it) last ticked."""
        try:
            with self.deps.sessions() as session:
                session.execute(text("SELECT 1"))
                beat = session.scalars(select(SchedulerHeartbeat).where(SchedulerHeartbeat.name == "scheduler")).first()
        except Exception as error:  # noqa: BLE001 - health reports the failure instead of raising
            return _json(503, {"ok": False, "error": type(error).__name__})
        scheduler: dict[str, Any] = {"last_tick": None}
        if beat is not None:
            age = (as_utc(self.deps.clock()) - beat.ticked_at).total_seconds()
            scheduler = {"last_tick": beat.ticked_at.isoformat(), "age_seconds": round(age, 1),
                         "holder": beat.holder, "stale": age > SCHEDULER_STALE_SECONDS}
        return _json(200, {"ok": True, "scheduler": scheduler})
