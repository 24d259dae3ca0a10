"""The one engine, the session factory and the unit of work; nothing connects at import time."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

SessionFactory = sessionmaker[Session]
T = TypeVar("T")
Person = tuple[str, str]  # (team id, user id)


def make_engine(url: str, connections: int = 12) -> Engine:
    """Create an engine tuned for the backend: SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL at
    most `connections` connections (half kept open), because every process of a deployment draws on the
    server's max_connections (100 by default) and a thread that finds the pool busy waits its turn instead."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            # WAL lets the scheduler write while listeners read; foreign keys are off by default in SQLite.
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    kept = max(1, connections // 2)
    engine = create_engine(url, pool_pre_ping=True, pool_size=kept, max_overflow=max(0, connections - kept))

    # goalbot's statements are many and short. PostgreSQL compiles a statement whose cost estimate passes
    # jit_above_cost (100,000): a digest of 2,000 goals crossed it and spent 28 ms compiling to save nothing
    # (45 ms against 25 ms executing).
    event.listen(engine, "connect", _postgresql_settings("jit = off"))
    return engine


def ack_path_engine(url: str, connections: int) -> Engine:
    """A PostgreSQL engine for the writes an ack waits for (replay fingerprints, handed-off requests): autocommit,
    so a write is one statement and one round trip; no pre-ping (it would double them: a dropped connection is
    retried once by the caller); and no wait for the disk at commit (synchronous_commit off: a killed goalbot
    loses nothing, a crash of the server may lose the last few milliseconds). At most `connections` open."""
    engine = create_engine(url, pool_size=min(4, connections), max_overflow=max(0, connections - 4))
    event.listen(engine, "connect", _postgresql_settings("synchronous_commit TO OFF"))
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _postgresql_settings(*settings: str) -> Callable[[Any, Any], None]:
    """A connect listener that SETs these for the connection's whole life (committed, so no transaction is left)."""

    def apply(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            for setting in settings:
                cursor.execute(f"SET {setting}")
        dbapi_connection.commit()

    return apply


def no_fsync_at_commit(engine: Engine) -> Engine:
    """A SQLite side file's engine that skips the fsync at commit (WAL, synchronous=NORMAL: only checkpoints sync):
    what it commits survives a killed process, not a power cut; for per-request writes on the ack path."""

    @event.listens_for(engine, "connect")
    def _normal_sync(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def make_session_factory(engine: Engine) -> SessionFactory:
    """Return the session factory every layer uses; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(
    sessions: SessionFactory, *, person: Person | None = None, rewritable: bool = False,
) -> Iterator[Session]:
    """One transaction per use case: committed when the block ends, rolled back when it raises.

    No Slack call may run inside one: fetch before it, send after it (or through the outbox), so a slow Slack
    never holds a database lock. With `person` (team id, user id), it runs under that person's lock
    (lock_person): one person's use cases run one at a time, in the order they take the lock. `rewritable`: it
    only stores what Slack said (a profile, a DM channel id), so running it again writes the same: its commit
    does not stop a request from running again after a dropped connection (once_more_if_dropped).
    """
    with sessions() as session:
        if rewritable:
            session.info["rewritable"] = True
        try:
            if person is not None:
                lock_person(session, *person)
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def person_lock_key(team_id: str, user_id: str) -> int:
    """A stable signed 32-bit key for one person (the second half of a two-key PostgreSQL advisory lock)."""
    digest = hashlib.blake2b(f"{team_id}:{user_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_person(session: Session, team_id: str, user_id: str) -> None:
    """Hold this person's lock until the transaction ends: their use cases then run one at a time, in order.

    Must be the transaction's first statement, so everything after it reads what the previous holder committed.
    PostgreSQL: a transaction-scoped advisory lock on the person (other people are not held up, and it holds
    across processes). Advisory locks belong to the whole database, not to a schema, so the key also names the
    schema: two goalbots in two schemas of one database (or the suite's parallel workers) never wait on each
    other's people. SQLite: BEGIN IMMEDIATE takes the database's single write lock up front, so the reads
    that follow see the latest commit instead of a snapshot another writer is about to make stale.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(current_schema()), :key)"),
                        {"key": person_lock_key(team_id, user_id)})
    elif dialect == "sqlite":
        # pysqlite opens its transaction lazily (before the first write); an explicit BEGIN IMMEDIATE as the
        # first statement becomes that transaction, committed or rolled back by the session as usual.
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def connection_dropped(error: BaseException) -> bool:
    """True when the database connection died under the statement (a restart, a failover, a killed backend)."""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


_commits = threading.local()


@event.listens_for(Session, "after_commit")
def _count_commit(session: Session) -> None:
    if session.info.get("rewritable"):
        return
    _commits.count = getattr(_commits, "count", 0) + 1


def once_more_if_dropped(work: Callable[[], T], *, only_before_commits: bool = False) -> T:
    """Run `work`; when a dropped connection interrupted it, run it once more (on a fresh, pre-pinged connection).

    The one retry policy for lost connections: `in_transaction` and the listeners' runner use it. The database
    rolled the interrupted transaction back, so running it again applies it once. `only_before_commits`: work
    made of several transactions runs again only when none of them committed yet (this thread's commits, except
    rewritable ones: a request whose first transaction cached the person's profile still runs again).
    """
    before = getattr(_commits, "count", 0)
    try:
        return work()
    except DBAPIError as error:
        if not connection_dropped(error):
            raise
        if only_before_commits and getattr(_commits, "count", 0) != before:
            raise
        return work()


def in_transaction(sessions: SessionFactory, work: Callable[[Session], T], *, person: Person | None = None) -> T:
    """Run `work` in one unit of work; a unique-key collision with a concurrent twin runs it once more.

    Two requests from one person at once (a double-typed command) can collide on a unique key; the loser
    runs again and sees the winner's row, instead of answering "something went wrong". With `person`, the
    work runs under that person's lock (lock_person), so their answers are applied one at a time. A dropped
    connection runs it once more too (once_more_if_dropped).
    """

    def attempt() -> T:
        with unit_of_work(sessions, person=person) as session:
            return work(session)

    try:
        return once_more_if_dropped(attempt)
    except IntegrityError:
        return once_more_if_dropped(attempt)
