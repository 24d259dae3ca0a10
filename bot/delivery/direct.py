"""Replies sent while a person waits: posted at once; what Slack refuses for now goes to the outbox."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from slack_sdk import WebClient

from bot.blocks.common import Message
from bot.delivery.errors import classify
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.edge import metrics
from storage.db import unit_of_work

log = logging.getLogger(__name__)


def post_messages(
    client: WebClient, deps: Deps, *, team_id: str, channel: str, messages: Sequence[Message], key: str,
    thread_ts: str | None = None, kind: str = "reply", ref_id: int | None = None,
) -> list[str]:
    """Post messages in order; on a retryable failure the rest are queued in the outbox, never dropped.

    Returns the ts of each message Slack accepted now; those queued (under `key`:index, as `kind` about `ref_id`)
    are the rest.
    """
    sent: list[str] = []
    for index, message in enumerate(messages):
        payload = message.payload()
        if thread_ts:
            payload["thread_ts"] = thread_ts
        try:
            response = client.chat_postMessage(channel=channel, **payload)
            sent.append(str(response.get("ts")))
        except Exception as error:
            failure = classify(error)
            metrics.record_send_failure(failure.reason, failure.code, permanent=failure.permanent)
            if failure.permanent:
                log.error("reply to %s refused by Slack: %s", channel, failure.code)
                raise
            now = deps.clock()
            with unit_of_work(deps.sessions) as session:
                for later, rest in enumerate(messages[index:], start=index):
                    body = rest.payload()
                    if thread_ts:
                        body["thread_ts"] = thread_ts
                    enqueue(session, key=f"{key}:{later}", kind=kind, team_id=team_id, channel=channel,
                            payload=body, now=now, ref_id=ref_id,
                            not_before=now + timedelta(seconds=failure.retry_after or 1))
            log.warning("reply to %s deferred to the outbox after %s", channel, failure.code)
            break
    return sent
