"""The one outbox: every scheduled (or retried) message is written here first, then delivered once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.db import SessionFactory
from storage.models import OutboxMessage

LEASE = timedelta(minutes=2)  # a claim older than this belongs to a process that died mid-send


def enqueue(
    session: Session, *, key: str, kind: str, team_id: str, channel: str, payload: dict[str, Any], now: datetime,
    ref_id: int | None = None, not_before: datetime | None = None,
) -> bool:
    """Write a message to deliver; False when one with the same idempotency key already exists."""
    values = dict(
        idempotency_key=key, kind=kind, team_id=team_id, channel=channel, payload=payload, ref_id=ref_id,
        status="pending", attempts=0, next_attempt_at=not_before or now, created_at=now,
    )
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = session.execute(insert(OutboxMessage).values(**values).on_conflict_do_nothing(
        index_elements=["idempotency_key"]))
    return bool(result.rowcount)


def claim_due(sessions: SessionFactory, *, now: datetime, worker: str, limit: int = 200) -> list[OutboxMessage]:
    """Claim up to `limit` messages due now (or abandoned by a dead process); each claim is won by one worker."""
    with sessions() as session:
        candidates: Sequence[tuple[int, str]] = session.execute(
            select(OutboxMessage.id, OutboxMessage.status)
            .where(or_(
                (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - LEASE),
            ))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        ).all()
        claimed_ids: list[int] = []
        for msg_id, status in candidates:
            # Compare-and-set: only one process's UPDATE matches the old state, on SQLite and PostgreSQL alike.
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == msg_id, OutboxMessage.status == status,
                       or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - LEASE)
                       if status == "sending" else OutboxMessage.status == "pending")
                .values(status="sending", claimed_by=worker, claimed_at=now)
            )
            if result.rowcount == 1:
                claimed_ids.append(msg_id)
        session.commit()
        if not claimed_ids:
            return []
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed_ids))
                                    .order_by(OutboxMessage.id)))


def pending_count(session: Session) -> int:
    """How many messages are still waiting to be delivered."""
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.status.in_(("pending", "sending")))) or 0
