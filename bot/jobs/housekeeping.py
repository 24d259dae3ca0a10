"""Housekeeping: tables that only need to remember for a while are trimmed, so nothing grows forever.

- processed_events: Slack retries an event for about an hour at most (three retries within minutes; the
  opt-in "delayed events" aside), so event ids older than GOALBOT_PROCESSED_EVENTS_TTL_SECONDS (1 h) go; so do
  inbox rows handled (or given up) that long ago (their event id is the messages' dedupe), also those handed
  off to after-ack processes (on SQLite in their own file, bot/delivery/inbox.py handoff_sessions);
- request fingerprints (bot/edge/signature.py): signatures are only accepted within 5 minutes, so older than
  10 minutes go;
- outbox rows sent (or cancelled) more than GOALBOT_SENT_OUTBOX_TTL_DAYS (30) ago go, except reviews: their
  idempotency key is what says a goal's deadline review was already asked, so only their payload is emptied;
- OAuth install states (slack_oauth_states) past their expiry: every visit to /slack/install writes one, and
  slack_sdk deletes only those that are used.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import and_, delete, or_, update

from bot.delivery import inbox as inbox_queue
from bot.deps import Deps
from bot.edge.signature import Fingerprints
from bot.jobs.reviews import KIND as REVIEW_KIND
from bot.rules.statuses import InboxStatus, OutboxStatus
from storage.db import unit_of_work
from storage.models import InboxEvent, OutboxMessage, ProcessedEvent, slack_oauth_states
from storage.repositories import rowcount

log = logging.getLogger(__name__)


def housekeep(deps: Deps, now: datetime | None = None) -> dict[str, int]:
    """Delete what is old enough to forget; return how many rows of each kind went."""
    settings = deps.settings
    now = now or deps.clock()
    done_before = now - timedelta(days=settings.sent_outbox_ttl_days)
    finished = and_(OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.CANCELLED)),
                    or_(OutboxMessage.sent_at < done_before,
                        and_(OutboxMessage.sent_at.is_(None), OutboxMessage.created_at < done_before)))
    with unit_of_work(deps.sessions) as session:
        forget_before = now - timedelta(seconds=settings.processed_events_ttl_seconds)
        events = rowcount(session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < forget_before)))
        inbox = rowcount(session.execute(delete(InboxEvent).where(
            InboxEvent.status != InboxStatus.RECEIVED, InboxEvent.received_at < forget_before)))
        outbox = rowcount(session.execute(delete(OutboxMessage).where(
            finished, OutboxMessage.kind != REVIEW_KIND)))
        session.execute(update(OutboxMessage).where(finished, OutboxMessage.kind == REVIEW_KIND)
                        .values(payload={}))
        # slack_sdk stores naive UTC times in its tables.
        states = rowcount(session.execute(delete(slack_oauth_states).where(
            slack_oauth_states.c.expire_at < now.astimezone(UTC).replace(tzinfo=None))))
    queue = inbox_queue.handoff_sessions(deps.sessions)  # SQLite: handed-off rows live in a file of their own
    try:
        inbox += inbox_queue.forget_handed_off(queue, forget_before)
    finally:
        inbox_queue.dispose_handoff(queue, deps.sessions)
    fingerprints = Fingerprints(deps.sessions)
    try:
        prints = fingerprints.forget(now - timedelta(seconds=settings.fingerprints_ttl_seconds))
    finally:
        fingerprints.close()
    summary = {"processed_events": int(events or 0), "request_fingerprints": int(prints or 0),
               "outbox": int(outbox or 0), "oauth_states": int(states or 0), "inbox_events": int(inbox or 0)}
    if any(summary.values()):
        log.info("housekeeping deleted %s", summary)
    return summary


def plan_housekeeping(deps: Deps, client: WebClient, now: datetime) -> int:
    """The registered job (bot/jobs/registry.py): housekeep at `now`; it queues nothing, so 0 planned."""
    housekeep(deps, now)
    return 0
