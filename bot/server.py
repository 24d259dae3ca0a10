"""HTTP mode: Slack's requests at POST /slack/events (signature-verified by Bolt) and GET /healthz."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.deps import Deps

log = logging.getLogger(__name__)
StartResponse = Callable[..., Any]


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request, so a slow request never delays another's ack."""

    daemon_threads = True
    # The stdlib default backlog of 5 refuses connections when Slack sends a burst (bench/ack_latency.py).
    request_queue_size = 128


class QuietHandler(WSGIRequestHandler):
    """Access logs at debug level: Slack's traffic would drown everything else."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s - %s", self.address_string(), format % args)


def make_wsgi_app(app: App, deps: Deps) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Route /slack/events to Bolt and answer /healthz with a database round trip."""
    slack = SlackRequestHandler(app)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method == "GET":
            body: dict[str, object]
            try:
                with deps.sessions() as session:
                    session.execute(text("SELECT 1"))
                status, body = "200 OK", {"ok": True}
            except Exception as error:  # noqa: BLE001 - health reports the failure instead of raising
                status, body = "503 Service Unavailable", {"ok": False, "error": type(error).__name__}
            payload = json.dumps(body).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
            return [payload]
        if path == "/slack/events" and method == "POST":
            return slack(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return wsgi


def make_http_server(app: App, deps: Deps, host: str, port: int) -> WSGIServer:
    """Return a threaded WSGI server for the app (port 0 picks a free one)."""
    return make_server(host, port, make_wsgi_app(app, deps), server_class=ThreadingWSGIServer,
                       handler_class=QuietHandler)
