"""The one engine, the session factory and the unit of work; nothing connects at import time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

SessionFactory = sessionmaker[Session]
T = TypeVar("T")


def make_engine(url: str) -> Engine:
    """Create an engine tuned for the backend: SQLite gets WAL, foreign keys and a busy timeout."""
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
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_session_factory(engine: Engine) -> SessionFactory:
    """Return the session factory every layer uses; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(sessions: SessionFactory) -> Iterator[Session]:
    """One transaction per use case: committed when the block ends, rolled back when it raises.

    No Slack call may run inside one: fetch before it, send after it (or through the outbox), so a slow Slack
    never holds a database lock.
    """
    with sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def in_transaction(sessions: SessionFactory, work: Callable[[Session], T]) -> T:
    """Run `work` in one unit of work; a unique-key collision with a concurrent twin runs it once more.

    Two requests from one person at once (a double-typed command) can collide on a unique key; the loser
    runs again and sees the winner's row, instead of answering "something went wrong".
    """
    try:
        with unit_of_work(sessions) as session:
            return work(session)
    except IntegrityError:
        with unit_of_work(sessions) as session:
            return work(session)
