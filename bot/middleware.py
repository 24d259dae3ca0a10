"""Cross-cutting request handling: the one ack path, and Slack's retried or duplicated events dropped early."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, BoltResponse

from bot.delivery import inbox
from bot.deps import Deps
from storage.repositories import claim_event

log = logging.getLogger(__name__)


def dedupe_events(deps: Deps) -> Callable[..., Any]:
    """Middleware: an event id is processed once, however often Slack delivers it; messages are recorded in the
    inbox before the ack (bot/delivery/inbox.py), so a process killed after acking one leaves it to another."""

    def middleware(body: dict[str, Any], context: BoltContext,
                   next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id or context.get(inbox.REDELIVERY):
            return next()
        if inbox.recorded(body):
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
