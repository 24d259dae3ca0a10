"""The inbox: a person's DM message is recorded before Slack gets its 200, and handled from that record.

Slack does not send an acked event again, so a process killed between the ack and the answer would lose what
the person wrote. The ack path inserts one row (its event id is unique: Slack's retries and duplicates stop
there); the answer's own transaction marks the row done, together with the conversation's change and its
replies queued in the outbox (bot.services.conversation.answer_message), so a second handling changes nothing.
A row still waiting after GOALBOT_INBOX_GRACE_SECONDS belongs to a process that died: any process takes it up
again (`redeliver`, at start-up and every few seconds), at most MAX_ATTEMPTS times.

Scope, when a process handles its own requests (Socket Mode, `goalbot run`, the shell): message events (the SMART
conversation in the DM, check-in replies in threads, edits and deletions of replies). Other events are
deduplicated by event id in processed_events and not replayed.

Handoff (`goalbot serve --http`, bot/handoff.py): every request's work after the ack is one row here, written
before the 200 with the Bolt lazy function to run (`hand_off`), claimed by one after-ack process (`claim`) and
marked done when it returns (with its worker's next `claim`), or by the answer's own transaction for a DM
message (`finish`).
A holder renews its claims while it works (`renew`); a claim not renewed for GOALBOT_INBOX_GRACE_SECONDS belongs
to a dead process and is claimed again, and a restarted after-ack process first releases what its predecessor
held (`release`). Commands, buttons and non-message events are thus replayed after a crash too (at least once;
DM messages exactly once).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from weakref import WeakKeyDictionary

from slack_bolt import BoltRequest
from sqlalchemy import (
    ColumnElement,
    Engine,
    MetaData,
    Table,
    and_,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.clock import as_utc
from bot.context import RECEIVED_AT_KEY
from bot.rules.statuses import InboxStatus
from storage.db import (
    SessionFactory,
    ack_path_engine,
    make_engine,
    make_session_factory,
    no_fsync_at_commit,
    once_more_if_dropped,
)
from storage.models import HANDOFF_CLAIMS, InboxEvent, Timestamp
from storage.repositories import insert_ignore, insert_new, rowcount

log = logging.getLogger(__name__)

HANDLING_LEASE = timedelta(minutes=2)  # a recovery's own handling may take this long before another takes over
MAX_ATTEMPTS = 3  # an event that killed its handler this often is given up (logged), not replayed forever
REDELIVERY = "goalbot_inbox_redelivery"  # request context flag: this dispatch comes from the inbox itself


def replayed_request(body: dict[str, Any], lazy_function: str | None = None,
                     received_at: datetime | None = None) -> BoltRequest:
    """A recorded request handed to the Bolt app again, as Socket Mode would (its signature was checked when it
    arrived); with `lazy_function`, Bolt's lazy_only dispatch runs that lazy listener alone; with `received_at`,
    the request's "now" is when it arrived."""
    headers: dict[str, str | Sequence[str]] | None = (
        {"x-slack-bolt-lazy-only": "1", "x-slack-bolt-lazy-function-name": lazy_function} if lazy_function else None)
    context: dict[str, Any] = {REDELIVERY: True}
    if received_at is not None:
        context[RECEIVED_AT_KEY] = as_utc(received_at)
    return BoltRequest(body=body, mode="socket_mode", context=context, headers=headers)


def recorded(body: dict[str, Any]) -> bool:
    """True for the events the inbox keeps: message events carrying an event id."""
    event = body.get("event")
    return (body.get("type") == "event_callback" and bool(body.get("event_id"))
            and isinstance(event, dict) and event.get("type") == "message")


def receive(sessions: SessionFactory, body: dict[str, Any], now: datetime, lazy_function: str | None = None) -> bool:
    """Record the event before it is acked (one insert); False when it was already received (a duplicate).

    `lazy_function`: the message came through a handoff queue of its own (SQLite, `handoff_sessions`); this row
    is then only what its answer is compared with, and no recovery here takes it up.
    """

    def insert() -> bool:
        with sessions() as session:
            new = insert_ignore(session, InboxEvent, dict(
                event_id=str(body["event_id"])[:64], team_id=str(body.get("team_id") or "")[:32] or None,
                body=body, status=InboxStatus.RECEIVED, attempts=0, received_at=now, lazy_function=lazy_function,
            ), conflict_on=["event_id"], returning=InboxEvent.id)
            session.commit()
            return new is not None

    return once_more_if_dropped(insert)


# The inbox's table for its conditional UPDATEs, as bot/delivery/outbox.py does (OUTBOX): no session
# synchronisation for an UPDATE of the table.
INBOX = cast(Table, InboxEvent.__table__)


def _mark_done(session: Session, event_id: str, now: datetime) -> int:
    """How many rows this marked done: 1, or 0 when it was done already or was never in the inbox."""
    return rowcount(session.execute(update(INBOX).where(
        InboxEvent.event_id == event_id[:64], InboxEvent.status == InboxStatus.RECEIVED)
        .values(status=InboxStatus.DONE, done_at=now)))


def finish(session: Session, event_id: str, now: datetime) -> bool:
    """Mark the event done in the caller's transaction; False when another handling already finished it."""
    if _mark_done(session, event_id, now):
        return True
    # Not in the inbox at all (a request that did not come through the ack path): nothing to compare with.
    return session.scalar(select(InboxEvent.id).where(InboxEvent.event_id == event_id[:64])) is None


def finish_now(sessions: SessionFactory, event_id: str, now: datetime) -> None:
    """Mark the event done on its own (its listener finished, or had nothing to do with it)."""
    # The UPDATE alone: most events were finished by their service already, and whether this one was is not
    # asked here (finish's second look would only say so), one statement less on every event.
    with sessions() as session:
        _mark_done(session, event_id, now)
        session.commit()


def take_unfinished(sessions: SessionFactory, now: datetime, grace: timedelta) -> list[dict[str, Any]]:
    """Claim the events a dead process acked and left unhandled (older than `grace`); return their bodies."""
    stale = now - grace
    waiting = and_(InboxEvent.status == InboxStatus.RECEIVED, InboxEvent.received_at < stale,
                   InboxEvent.lazy_function.is_(None),  # handed-off rows are claimed by after-ack processes
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


# --------------------------------------------------------------------------- handoff (bot/handoff.py)


def handoff_sessions(sessions: SessionFactory) -> SessionFactory:
    """Where handed-off rows live (call once per process): on PostgreSQL the database itself (row locks: the ack's
    insert never waits for a handler's transaction); on SQLite a file of its own beside the database
    (`goalbot.db-inbox`, an inbox_events table of the same shape), because SQLite has one write lock per file and
    the handlers' transactions hold it while they work: acks waiting for it took over a second at p50
    (bench/ack_latency.py), as the replay fingerprints did (bot/edge/signature.py). Only the acks write that file:
    the after-ack processes keep their claims and done-marks in a third one (`goalbot.db-inbox-claims`,
    `_claims_of`). A DM message is then recorded in the database's own inbox by the after-ack process before it is
    handled (`receive`), so its answer still commits together with its row there, exactly once."""
    url = sessions.kw["bind"].url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return sessions
    # No fsync at commit: with one per write (an ack's insert, a claim, a finish) the write lock was held for the
    # disk, not the work, and acks queued behind it.
    path = f"{url.database}-inbox"
    engine = no_fsync_at_commit(make_engine(url.set(database=path).render_as_string(hide_password=False)))
    _create(engine, INBOX)
    queue = make_session_factory(engine)
    _SIDE_FILES[queue] = path
    return queue


def _create(engine: Engine, table: Table) -> None:
    try:
        table.create(engine, checkfirst=True)
    except OperationalError:  # another process of the deployment created it at the same moment
        if not inspect(engine).has_table(table.name):
            raise


# SQLite handoff files (handoff_sessions) -> their path; the claims' sessions of those an after-ack process uses.
_SIDE_FILES: WeakKeyDictionary[SessionFactory, str] = WeakKeyDictionary()
_CLAIMS: WeakKeyDictionary[SessionFactory, SessionFactory] = WeakKeyDictionary()
_CLAIMS_LOCK = threading.Lock()
# The handoff file's inbox_events as the claims file's connections see it (attached as `handoff`).
HANDED = INBOX.to_metadata(MetaData(), schema="handoff")
CLAIMS = HANDOFF_CLAIMS


def _claims_of(queue: SessionFactory) -> SessionFactory | None:
    """On SQLite, the sessions of the claims file beside the handoff file, with the handoff file attached (as
    `handoff`, read only): an after-ack process's claims, renewals and done-marks take the claims file's write lock,
    never the handoff file's, so an ack's insert never waits for them (it did, whole milliseconds at a time, while
    the lower-priority after-ack process held the lock and waited for a CPU: bench/ack_latency.py). The after-ack
    processes serialize their claims on the claims file's lock: each row is still won by one of them. None on
    PostgreSQL, where claims are row locks in the inbox itself."""
    path = _SIDE_FILES.get(queue)
    if path is None:
        return None
    with _CLAIMS_LOCK:
        claims = _CLAIMS.get(queue)
        if claims is None:
            url = queue.kw["bind"].url
            engine = no_fsync_at_commit(make_engine(url.set(database=f"{path}-claims").render_as_string(
                hide_password=False)))

            @event.listens_for(engine, "connect")
            def _attach(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
                dbapi_connection.execute("ATTACH DATABASE ? AS handoff", (path,))

            _create(engine, CLAIMS)
            claims = _CLAIMS[queue] = make_session_factory(engine)
        return claims


def dispose_handoff(queue: SessionFactory, sessions: SessionFactory) -> None:
    """Close the connections of a handoff file (its claims file's, its acks' own) opened with
    handoff_sessions(sessions); nothing when that is the database itself (PostgreSQL), still in use."""
    if queue is sessions:
        return
    writer = _WRITERS.pop(queue, None)
    if writer is not None:
        writer.dispose()
    claims = _CLAIMS.pop(queue, None)
    if claims is not None:
        claims.kw["bind"].dispose()
    queue.kw["bind"].dispose()


@dataclass(frozen=True)
class Claimed:
    """A handed-off request an after-ack process now holds: its body and the lazy function to run."""

    id: int
    body: dict[str, Any]
    lazy_function: str
    received_at: datetime
    attempts: int  # this one included


def hand_off(sessions: SessionFactory, body: dict[str, Any], lazy_function: str, now: datetime) -> bool:
    """Record a request's work after the ack (one insert); False for a DM message already received (a duplicate).

    The row survives a killed goalbot process, not a crash of the database server in the moment after it: on
    PostgreSQL the insert commits without waiting for the disk (synchronous_commit off on its connections, written
    out within a few hundred milliseconds), as the SQLite handoff file does (synchronous=NORMAL). Waiting for the
    disk was most of a PostgreSQL ack's time (bench/ack_latency.py). It is one autocommitted statement
    (`_ack_writer`): on PostgreSQL one round trip, not five.
    """
    # A DM message keeps Slack's event id as its key: retries stop here, and the answer finishes it by that id.
    key = str(body["event_id"])[:64] if recorded(body) else f"lazy:{uuid.uuid4().hex}"
    writer = _ack_writer(sessions)

    def insert() -> bool:
        with writer.connect() as connection:
            return insert_new(connection, InboxEvent, dict(
                event_id=key, team_id=_team_of(body), body=body, status=InboxStatus.RECEIVED, attempts=0,
                received_at=now, lazy_function=lazy_function[:128],
            ), conflict_on=["event_id"], returning=InboxEvent.id)

    return once_more_if_dropped(insert)


_WRITERS: WeakKeyDictionary[SessionFactory, Engine] = WeakKeyDictionary()


def _ack_writer(queue: SessionFactory) -> Engine:
    """The engine of the acks' inserts into `queue`: autocommit, so an insert is one statement and one round trip
    (a transaction was four more on PostgreSQL: the pool's pre-ping, BEGIN, SET LOCAL and COMMIT, each a wake-up
    of a server process that shares the CPUs with the after-ack work, and the ack waited for every one). On
    PostgreSQL connections of their own, without pre-ping (a dropped one is retried once: once_more_if_dropped),
    that skip the disk flush at commit, as the replay fingerprints' do (bot/edge/signature.py); on SQLite the
    handoff file's own engine (synchronous=NORMAL already)."""
    with _CLAIMS_LOCK:
        writer = _WRITERS.get(queue)
        if writer is None:
            bind: Engine = queue.kw["bind"]
            if bind.dialect.name == "postgresql":
                writer = ack_path_engine(bind.url.render_as_string(hide_password=False), 12)
            else:
                writer = bind.execution_options(isolation_level="AUTOCOMMIT")
            _WRITERS[queue] = writer
        return writer


def _team_of(body: dict[str, Any]) -> str | None:
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    return str(team)[:32] if team else None


def _claimable(now: datetime, lease: timedelta | None) -> ColumnElement[bool]:
    """Handed-off rows nobody holds, and (with `lease`) rows whose holder stopped renewing its claim that long ago."""
    free = InboxEvent.claimed_at.is_(None)
    return and_(InboxEvent.status == InboxStatus.RECEIVED, InboxEvent.lazy_function.is_not(None),
                free if lease is None else or_(free, InboxEvent.claimed_at < now - lease))


def anything_waiting(sessions: SessionFactory) -> bool:
    """One indexed read: is a handed-off row waiting for a holder? (What an idle after-ack process polls.)"""
    claims = _claims_of(sessions)
    if claims is not None:
        with claims() as session:
            return bool(session.scalar(select(or_(exists().where(_unclaimed()),
                                                  exists().where(_held_by_nobody(datetime.min, None))))))
    with sessions() as session:
        return bool(session.scalar(select(exists().where(_claimable(datetime.min, None)))))


def claim(sessions: SessionFactory, *, now: datetime, worker: str, limit: int,
          lease: timedelta | None = None, finished: Sequence[int] = ()) -> list[Claimed]:
    """Claim up to `limit` handed-off rows, oldest first; each is won by one worker (as outbox.claim_due does).

    `lease`: also take rows whose holder has not renewed its claim for that long (it died). Every claim counts as
    an attempt; a row claimed MAX_ATTEMPTS times without finishing is given up (logged), not claimed forever.
    `finished`: rows this worker has handled since, marked done in the same transaction (one per round, not three).
    On SQLite all of it is written to the claims file beside the handoff file (`_claims_of`).
    """
    claims = _claims_of(sessions)
    if claims is not None:
        return _claim_beside(claims, now=now, worker=worker, limit=limit, lease=lease, finished=finished)

    def work() -> list[Claimed]:
        with sessions() as session:
            if finished:
                session.execute(update(INBOX).where(
                    InboxEvent.id.in_(list(finished)), InboxEvent.status == InboxStatus.RECEIVED)
                    .values(status=InboxStatus.DONE, done_at=now))
            if limit <= 0:
                session.commit()
                return []
            claimable = _claimable(now, lease)
            if lease is not None:  # only a row that was claimed before can have used up its attempts
                given_up = rowcount(session.execute(update(InboxEvent).where(
                    claimable, InboxEvent.attempts >= MAX_ATTEMPTS).values(status=InboxStatus.ABANDONED, done_at=now)))
                if given_up:
                    log.error("gave up %d acked request(s) after %d handlings each", given_up, MAX_ATTEMPTS)
            chosen = select(InboxEvent.id).where(claimable).order_by(InboxEvent.id).limit(limit)
            if session.get_bind().dialect.name == "postgresql":
                # Rows another worker is claiming right now are skipped, not waited for.
                chosen = chosen.with_for_update(skip_locked=True)
            # One UPDATE returning what it claimed: on PostgreSQL each statement is a round trip and work for a server
            # that shares the CPUs with the web processes; on SQLite a second process sees the first one's claims
            # (single write lock).
            rows = session.execute(update(INBOX).where(InboxEvent.id.in_(chosen.scalar_subquery()), claimable)
                                   .values(claimed_at=now, claimed_by=worker[:64], attempts=InboxEvent.attempts + 1)
                                   .returning(InboxEvent.id, InboxEvent.body, InboxEvent.lazy_function,
                                              InboxEvent.received_at, InboxEvent.attempts)).all()
            session.commit()
            return sorted((Claimed(row.id, dict(row.body), str(row.lazy_function), row.received_at, row.attempts)
                           for row in rows), key=lambda claimed: claimed.id)

    return once_more_if_dropped(work)


def renew(sessions: SessionFactory, ids: Sequence[int], worker: str, now: datetime) -> None:
    """Keep holding these rows (their handlings are still running): nobody takes them up while this goes on."""
    claims = _claims_of(sessions)
    if ids and claims is not None:
        _write(claims, CLAIMS.c.id.in_(list(ids)), CLAIMS.c.claimed_by == worker[:64],
               CLAIMS.c.status == InboxStatus.RECEIVED, table=CLAIMS, claimed_at=now)
    elif ids:
        _write(sessions, InboxEvent.id.in_(list(ids)), InboxEvent.claimed_by == worker[:64],
               InboxEvent.status == InboxStatus.RECEIVED, claimed_at=now)


def release(sessions: SessionFactory, worker: str) -> int:
    """Give back what a dead after-ack process held, so its successor takes it up at once; return how many."""
    claims = _claims_of(sessions)
    if claims is not None:
        return _write(claims, CLAIMS.c.claimed_by == worker[:64], CLAIMS.c.status == InboxStatus.RECEIVED,
                      table=CLAIMS, claimed_at=None, claimed_by=None)
    return _write(sessions, InboxEvent.claimed_by == worker[:64], InboxEvent.status == InboxStatus.RECEIVED,
                  claimed_at=None, claimed_by=None)


def _write(sessions: SessionFactory, *where: ColumnElement[bool], table: Table = INBOX, **values: Any) -> int:
    # One conditional UPDATE: run again after a dropped connection, it changes nothing twice.
    def write() -> int:
        with sessions() as session:
            count = rowcount(session.execute(update(table).where(*where).values(**values)))
            session.commit()
            return count

    return once_more_if_dropped(write)


# --------------------------------------------------------------------------- SQLite: claims beside the handoff file


def _newest_claimed() -> Any:
    return select(func.coalesce(func.max(CLAIMS.c.id), 0)).scalar_subquery()


def _unclaimed() -> ColumnElement[bool]:
    """Handoff rows no after-ack process has claimed yet: past the newest claim. An ack's row gets its id under the
    handoff file's write lock and commits before releasing it, so ids appear in order and none lands behind a claim
    (housekeeping keeps the newest row of each file, so an id is never used twice). `status`: rows an earlier
    goalbot marked done in the handoff file itself."""
    return and_(HANDED.c.id > _newest_claimed(), HANDED.c.status == InboxStatus.RECEIVED,
                HANDED.c.lazy_function.is_not(None))


def _held_by_nobody(now: datetime, lease: timedelta | None) -> ColumnElement[bool]:
    """Claimed rows to claim again: released by a dead holder's successor, or (with `lease`) not renewed that long."""
    free = CLAIMS.c.claimed_at.is_(None)
    return and_(CLAIMS.c.status == InboxStatus.RECEIVED,
                free if lease is None else or_(free, CLAIMS.c.claimed_at < now - lease))


def _claim_beside(claims: SessionFactory, *, now: datetime, worker: str, limit: int, lease: timedelta | None,
                  finished: Sequence[int]) -> list[Claimed]:
    """`claim` on SQLite: one transaction on the claims file (the handoff file only read)."""
    with claims() as session:
        # A write first, even of nothing: it takes the claims file's write lock before anything is read, so no other
        # process claims the same rows meanwhile. (BEGIN IMMEDIATE would take the attached handoff file's lock too.)
        session.execute(update(CLAIMS).where(CLAIMS.c.id.in_(list(finished)), CLAIMS.c.status == InboxStatus.RECEIVED)
                        .values(status=InboxStatus.DONE, done_at=now))
        won: list[tuple[int, int]] = []
        if limit > 0:
            if lease is not None:
                given_up = rowcount(session.execute(update(CLAIMS).where(
                    _held_by_nobody(now, lease), CLAIMS.c.attempts >= MAX_ATTEMPTS)
                    .values(status=InboxStatus.ABANDONED, done_at=now)))
                if given_up:
                    log.error("gave up %d acked request(s) after %d handlings each", given_up, MAX_ATTEMPTS)
            again = select(CLAIMS.c.id).where(_held_by_nobody(now, lease)).order_by(CLAIMS.c.id).limit(limit)
            won += [(row.id, row.attempts) for row in session.execute(
                update(CLAIMS).where(CLAIMS.c.id.in_(again.scalar_subquery()))
                .values(claimed_at=now, claimed_by=worker[:64], attempts=CLAIMS.c.attempts + 1)
                .returning(CLAIMS.c.id, CLAIMS.c.attempts))]
            if len(won) < limit:
                new = select(HANDED.c.id, literal(InboxStatus.RECEIVED.value), literal(1),
                             literal(now, Timestamp), literal(worker[:64])).where(_unclaimed()).order_by(
                    HANDED.c.id).limit(limit - len(won))
                won += [(row.id, row.attempts) for row in session.execute(
                    insert(CLAIMS).from_select(["id", "status", "attempts", "claimed_at", "claimed_by"], new)
                    .returning(CLAIMS.c.id, CLAIMS.c.attempts))]
        session.commit()
        if not won:
            return []
        attempts = dict(won)
        rows = session.execute(select(HANDED.c.id, HANDED.c.body, HANDED.c.lazy_function, HANDED.c.received_at)
                               .where(HANDED.c.id.in_(list(attempts))).order_by(HANDED.c.id))
        return [Claimed(row.id, dict(row.body), str(row.lazy_function), row.received_at, attempts[row.id])
                for row in rows]


@dataclass(frozen=True)
class HandedOff:
    """Where a handed-off request stands: which lazy function, done or not, who holds it, how often it was claimed."""

    id: int
    lazy_function: str
    status: InboxStatus
    attempts: int
    claimed_by: str | None
    received_at: datetime


def handed_off(sessions: SessionFactory, since: datetime | None = None) -> list[HandedOff]:
    """Every handed-off request (received at or after `since`), oldest first, as the after-ack processes left it."""
    claims = _claims_of(sessions)
    if claims is None:
        with sessions() as session:
            rows = session.execute(select(
                InboxEvent.id, InboxEvent.lazy_function, InboxEvent.status, InboxEvent.attempts,
                InboxEvent.claimed_by, InboxEvent.received_at).where(
                InboxEvent.lazy_function.is_not(None),
                true() if since is None else InboxEvent.received_at >= since).order_by(InboxEvent.id)).all()
    else:
        with claims() as session:
            rows = session.execute(select(
                HANDED.c.id, HANDED.c.lazy_function, func.coalesce(CLAIMS.c.status, HANDED.c.status),
                func.coalesce(CLAIMS.c.attempts, HANDED.c.attempts), func.coalesce(CLAIMS.c.claimed_by,
                                                                                   HANDED.c.claimed_by),
                HANDED.c.received_at).select_from(HANDED.outerjoin(CLAIMS, CLAIMS.c.id == HANDED.c.id)).where(
                HANDED.c.lazy_function.is_not(None),
                true() if since is None else HANDED.c.received_at >= since).order_by(HANDED.c.id)).all()
    return [HandedOff(row[0], str(row[1]), InboxStatus(row[2]), int(row[3]), row[4], row[5]) for row in rows]


def forget_handed_off(sessions: SessionFactory, before: datetime) -> int:
    """Housekeeping on SQLite: delete the handoff file's requests finished before `before` and their claims; return
    how many. The newest claim stays (the next claim starts after it); 0 on PostgreSQL (the database's own
    housekeeping deletes them)."""
    claims = _claims_of(sessions)
    if claims is None:
        return 0
    gone = and_(CLAIMS.c.status != InboxStatus.RECEIVED, CLAIMS.c.done_at < before,
                CLAIMS.c.id < _newest_claimed())
    with claims() as session:
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        count = rowcount(session.execute(delete(HANDED).where(HANDED.c.id.in_(select(CLAIMS.c.id).where(gone)))))
        # Rows an earlier goalbot marked done in the handoff file itself.
        count += rowcount(session.execute(delete(HANDED).where(
            HANDED.c.status != InboxStatus.RECEIVED, HANDED.c.received_at < before, HANDED.c.id < _newest_claimed())))
        session.execute(delete(CLAIMS).where(gone))
        session.commit()
    return count
