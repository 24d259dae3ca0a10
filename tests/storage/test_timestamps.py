"""Timestamps are instants: whatever offset they are written with, they are stored and read back in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import StatementError

from bot.delivery import outbox
from storage.db import make_session_factory
from storage.models import OutboxMessage, ProcessedEvent

ROME_WINTER = timezone(timedelta(hours=1))


def test_a_time_written_at_plus_one_hour_reads_back_as_the_same_instant_in_utc(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    # A shell whose clock is at +01:00 queues a message for 10:00 there, which is 09:00 UTC.
    written = datetime(2026, 11, 30, 10, 0, tzinfo=ROME_WINTER)
    with sessions() as session:
        outbox.enqueue(session, key="k1", kind="test", team_id="T1", channel="U1", payload={"text": "hi"},
                       now=written - timedelta(hours=1), not_before=written)
        session.commit()
    with sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
    assert row.next_attempt_at == written
    assert row.next_attempt_at.utcoffset() == timedelta(0)
    assert (row.next_attempt_at.hour, row.created_at.hour) == (9, 8)


def test_due_messages_are_compared_as_instants_whatever_the_offset(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with sessions() as session:
        outbox.enqueue(session, key="k1", kind="test", team_id="T1", channel="U1", payload={"text": "hi"},
                       now=datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
                       not_before=datetime(2026, 11, 30, 10, 0, tzinfo=ROME_WINTER))
        session.commit()
    # 09:30 UTC is after 10:00 in Rome (09:00 UTC): due, though "09:30" < "10:00" as wall-clock text.
    assert outbox.claim_due(sessions, now=datetime(2026, 11, 30, 8, 59, tzinfo=UTC), worker="w") == []
    [claimed] = outbox.claim_due(sessions, now=datetime(2026, 11, 30, 9, 30, tzinfo=UTC), worker="w")
    assert claimed.idempotency_key == "k1"
    with sessions() as session:
        # Claimed: if this worker died, the row would be free again when the lease from 09:30 UTC runs out.
        assert outbox.next_due_at(session) == datetime(2026, 11, 30, 9, 30, tzinfo=UTC) + outbox.LEASE
        claimed_at = session.scalars(select(OutboxMessage.claimed_at)).one()
    assert claimed_at == datetime(2026, 11, 30, 9, 30, tzinfo=UTC) and claimed_at.tzinfo is not None


def test_a_time_without_a_zone_is_refused_not_guessed(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with sessions() as session, pytest.raises(StatementError, match="needs a time zone"):
        session.add(ProcessedEvent(event_id="Ev1", received_at=datetime(2026, 11, 30, 10, 0)))
        session.commit()
