"""Cross-cutting request handling: the one ack path, Slack's retried or duplicated events dropped early, and a
workspace marked uninstalled brought back by its next request."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, BoltResponse

from bot.delivery import inbox
from bot.deps import Deps
from bot.edge.tenancy import LIFECYCLE_EVENTS
from bot.services import workspaces
from storage.repositories import claim_event

log = logging.getLogger(__name__)


def dedupe_events(deps: Deps) -> Callable[..., Any]:
    """Middleware: an event id is processed once, however often Slack delivers it; messages are recorded in the
    inbox before the ack (bot/delivery/inbox.py), so a process killed after acking one leaves it to another
    (with handoff on, by their lazy listener's handoff: bot/handoff.py)."""

    def middleware(body: dict[str, Any], context: BoltContext,
                   next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id or context.get(inbox.REDELIVERY):
            return next()
        if inbox.recorded(body):
            if deps.settings.handoff:  # its lazy listener's handoff is the inbox row, and stops duplicates
                return next()
            fresh = inbox.receive(deps.sessions, body, deps.clock())
        else:
            fresh = claim_event(deps.sessions, str(event_id), deps.clock())
        if not fresh:
            log.info("skipping event %s: already processed", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return middleware


def ack_early(ack: Ack, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002
    """Acknowledge slash commands and button clicks in the request's own thread, before any listener runs."""
    # Bolt runs ack functions on the listener pool, FIFO behind the work after earlier acks, and polls for the
    # ack every 10 ms: under load Slack's 3-second budget was spent queueing (bench/ack_latency.py). These acks
    # never carry a body here. Modal submissions are left to their listeners: their ack may carry field errors.
    if body.get("command") or body.get("type") == "block_actions":
        ack()
    return next()


def ack_if_needed(ack: Ack) -> None:
    """The ack function every lazy listener hands Bolt (Bolt requires one): ack_early usually answered already."""
    # Nothing may run after this ack: Bolt 1.30 drops an ack given just before an exception in the ack function.
    if ack.response is None:
        ack()


RECHECK_SECONDS = 60.0  # a workspace seen active is looked up again at most this often per process


def reactivate_workspaces(deps: Deps) -> Callable[..., BoltResponse | None]:
    """Middleware: an authorized request from a workspace marked uninstalled (or its token revoked) means goalbot
    is installed there again, so the marks are cleared and planning and sending resume (with a log line).

    Slack sends nothing to an app it uninstalled, and in OAuth mode Bolt's authorize refuses a workspace without an
    installation, so a request that gets here is from an installed workspace. The lifecycle events themselves
    (a tokens_revoked right after app_uninstalled) never reactivate. Each process looks a workspace up at most
    once a RECHECK_SECONDS, and again after it handled that workspace's uninstall.
    """
    checked: dict[str, float] = {}
    lock = threading.Lock()

    def middleware(body: dict[str, Any], context: BoltContext,
                   next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002
        team_id = context.team_id
        event = body.get("event") if body.get("type") == "event_callback" else None
        if not team_id:
            return next()
        if isinstance(event, dict) and event.get("type") in LIFECYCLE_EVENTS:
            with lock:
                checked.pop(team_id, None)
            return next()
        now = time.monotonic()
        with lock:
            due = now - checked.get(team_id, -RECHECK_SECONDS) >= RECHECK_SECONDS
            if due:
                checked[team_id] = now
        if due:
            try:
                workspaces.reactivate(deps, team_id, why="a request from it arrived")
            except Exception:  # never in the way of the request itself; looked at again later
                log.exception("could not check whether workspace %s is marked uninstalled", team_id)
                with lock:
                    checked.pop(team_id, None)
        return next()

    return middleware
