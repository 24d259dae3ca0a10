"""Replies sent while a person waits: written to the outbox, then posted at once, each exactly once.

Each reply is an outbox row (its key derived from the request, so the same request answers under the same key)
due only after REPLY_GRACE: the listener posts it at once (bot.delivery.sender.send_now); if the process dies
first, the scheduler's delivery sends it after the grace. Every post carries its key in the message metadata,
and a post whose answer was lost (5xx, reset, timeout after Slack posted) is looked for before it is sent again,
so the person sees each answer once. What Slack refuses for now waits in the outbox, never dropped.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.common import Message
from bot.delivery.outbox import enqueue, find_by_key
from bot.delivery.sender import ReplyRefused, send_now
from bot.deps import Deps
from storage.db import in_transaction

log = logging.getLogger(__name__)

REPLY_GRACE = timedelta(seconds=30)  # a reply its listener did not get to post goes out with the outbox after this


@dataclass(frozen=True)
class ReplyTo:
    """Where a request's answer goes and the key it is sent under (the same request, the same key)."""

    channel: str
    key: str
    thread_ts: str | None = None


def queue_replies(
    session: Session, deps: Deps, *, team_id: str, channel: str, messages: Sequence[Message], key: str,
    thread_ts: str | None = None, kind: str = "reply", ref_id: int | None = None,
) -> list[str]:
    """Write the replies to the outbox in the caller's transaction; return their keys, in order, for send_now."""
    now = deps.clock()
    keys: list[str] = []
    for index, message in enumerate(messages):
        payload: dict[str, Any] = message.payload()
        if thread_ts:
            payload["thread_ts"] = thread_ts
        wanted = f"{key}:{index}"[:200]
        if not enqueue(session, key=wanted, kind=kind, team_id=team_id, channel=channel, payload=payload, now=now,
                       ref_id=ref_id, not_before=now + REPLY_GRACE):
            existing = find_by_key(session, wanted)
            if existing is not None and (existing.payload != payload or existing.channel != channel):
                # Another answer under a key that is not unique enough (a request without a trigger id): its own.
                wanted = f"{wanted[:180]}:{uuid.uuid4().hex[:12]}"
                enqueue(session, key=wanted, kind=kind, team_id=team_id, channel=channel, payload=payload,
                        now=now, ref_id=ref_id, not_before=now + REPLY_GRACE)
        keys.append(wanted)
    return keys


def post_messages(
    client: WebClient, deps: Deps, *, team_id: str, channel: str, messages: Sequence[Message], key: str,
    thread_ts: str | None = None, kind: str = "reply", ref_id: int | None = None,
) -> list[str]:
    """Post messages in order, each once; on a failure that persists the rest wait in the outbox, never dropped.

    Returns the ts of each message Slack accepted now; those queued (under `key`:index, as `kind` about `ref_id`)
    are the rest. A permanent refusal raises ReplyRefused (the listener tells the person).
    """
    keys = in_transaction(deps.sessions, lambda session: queue_replies(
        session, deps, team_id=team_id, channel=channel, messages=messages, key=key, thread_ts=thread_ts, kind=kind,
        ref_id=ref_id))
    return deliver_replies(client, deps, keys, channel=channel)


def deliver_replies(client: WebClient, deps: Deps, keys: list[str], *, channel: str) -> list[str]:
    """Post replies already queued (queue_replies), in order; return the ts of those Slack has now."""
    try:
        sent = send_now(deps, client, keys)
    except ReplyRefused as refused:
        log.error("reply to %s refused by Slack: %s", channel, refused)
        raise
    if sent.queued:
        log.warning("%d repl(ies) to %s deferred to the outbox", sent.queued, channel)
    return sent.ts
