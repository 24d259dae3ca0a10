"""The inbox: a person's DM message is recorded before Slack gets its 200, and handled from that record.

Slack does not send an acked event again, so a process killed between the ack and the answer would lose what
the person wrote. The ack path inserts one row (its event id is unique: Slack's retries and duplicates stop
there); the answer's own transaction marks the row done, together with the conversation's change and its
replies queued in the outbox (bot.services.conversation.answer_message), so a second handling changes nothing.
A row still waiting after GOALBOT_INBOX_GRACE_SECONDS belongs to a process that died: any process takes it up
again (`redeliver`, at start-up and every few seconds), at most MAX_ATTEMPTS times.

Scope: message events (the SMART conversation in the DM, check-in replies in threads, edits and deletions of
replies). Other events are deduplicated by event id in processed_events, as before, and not replayed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.rules.statuses import InboxStatus
from storage.db import SessionFactory, once_more_if_dropped
from storage.models import InboxEvent
from storage.repositories import insert_ignore, rowcount

log = logging.getLogger(__name__)

HANDLING_LEASE = timedelta(minutes=2)  # a recovery's own handling may take this long before another takes over
MAX_ATTEMPTS = 3  # an event that killed its handler this often is given up (logged), not replayed forever
REDELIVERY = "goalbot_inbox_redelivery"  # request context flag: this dispatch comes from the inbox itself


def recorded(body: dict[str, Any]) -> bool:
    """True for the events the inbox keeps: message events carrying an event id."""
    event = body.get("event")
    return (body.get("type") == "event_callback" and bool(body.get("event_id"))
            and isinstance(event, dict) and event.get("type") == "message")


def receive(sessions: SessionFactory, body: dict[str, Any], now: datetime) -> bool:
    """Record the event before it is acked (one insert); False when it was already received (a duplicate)."""

    def insert() -> bool:
        with sessions() as session:
            new = insert_ignore(session, InboxEvent, dict(
                event_id=str(body["event_id"])[:64], team_id=str(body.get("team_id") or "")[:32] or None,
                body=body, status=InboxStatus.RECEIVED, attempts=0, received_at=now,
            ), conflict_on=["event_id"], returning=InboxEvent.id)
            session.commit()
            return new is not None

    return once_more_if_dropped(insert)


def finish(session: Session, event_id: str, now: datetime) -> bool:
    """Mark the event done in the caller's transaction; False when another handling already finished it."""
    done = rowcount(session.execute(update(InboxEvent).where(
        InboxEvent.event_id == event_id[:64], InboxEvent.status == InboxStatus.RECEIVED)
        .values(status=InboxStatus.DONE, done_at=now)))
    if done:
        return True
    # Not in the inbox at all (a request that did not come through the ack path): nothing to compare with.
    return session.scalar(select(InboxEvent.id).where(InboxEvent.event_id == event_id[:64])) is None


def finish_now(sessions: SessionFactory, event_id: str, now: datetime) -> None:
    """Mark the event done on its own (its listener finished, or had nothing to do with it)."""
    with sessions() as session:
        finish(session, event_id, now)
        session.commit()


def take_unfinished(sessions: SessionFactory, now: datetime, grace: timedelta) -> list[dict[str, Any]]:
    """Claim the events a dead process acked and left unhandled (older than `grace`); return their bodies."""
    stale = now - grace
    waiting = and_(InboxEvent.status == InboxStatus.RECEIVED, InboxEvent.received_at < stale,
                   or_(InboxEvent.claimed_at.is_(None), InboxEvent.claimed_at < now - max(grace, HANDLING_LEASE)))
    with sessions() as session:
        given_up = rowcount(session.execute(update(InboxEvent).where(waiting, InboxEvent.attempts >= MAX_ATTEMPTS)
                                            .values(status=InboxStatus.ABANDONED, done_at=now)))
        if given_up:
            log.error("gave up %d acked event(s) after %d handlings each", given_up, MAX_ATTEMPTS)
        ids = list(session.scalars(update(InboxEvent).where(waiting)
                                   .values(attempts=InboxEvent.attempts + 1, claimed_at=now)
                                   .returning(InboxEvent.id)))
        session.commit()
        if not ids:
            return []
        return [dict(row.body) for row in session.scalars(
            select(InboxEvent).where(InboxEvent.id.in_(ids)).order_by(InboxEvent.received_at, InboxEvent.id))]


def redeliver(sessions: SessionFactory, now: datetime, grace: timedelta,
              dispatch: Callable[[dict[str, Any]], object]) -> int:
    """Hand every event left unhandled by a dead process to `dispatch` again, oldest first; return how many."""
    bodies = take_unfinished(sessions, now, grace)
    for body in bodies:
        log.warning("handling event %s again: the process that acked it did not finish it", body.get("event_id"))
        try:
            dispatch(body)
        except Exception:  # one bad event must not stop the others
            log.exception("handling event %s again failed", body.get("event_id"))
    return len(bodies)
