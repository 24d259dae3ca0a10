"""Exactly one scheduler per database, however many `goalbot serve` processes run.

Every process contends for one lock; the holder runs the scheduler, the others look again every few seconds,
so when the holder dies (its lock goes with its connection or its file handle) another takes over.
- PostgreSQL: a session-level `pg_try_advisory_lock` on a dedicated connection. Any number of web processes,
  on any number of hosts, behind a load balancer: no extra deployment to keep at one replica.
- SQLite: an exclusive `flock` on a file next to the database (SQLite is one host by nature).
The holder writes a heartbeat row at every outbox tick; /healthz on any process reports it.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from slack_sdk import WebClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from bot.deps import Deps
from storage.models import SchedulerHeartbeat

log = logging.getLogger(__name__)

# One key per schema: goalbot's database is its schema (tests give each run a private one in a shared database).
_PG_KEY = "hashtext('goalbot-scheduler:' || current_schema())"
_PG_TRY = f"SELECT pg_try_advisory_lock({_PG_KEY})"
_PG_UNLOCK = f"SELECT pg_advisory_unlock({_PG_KEY})"
RETRY_SECONDS = 10.0
HEARTBEAT_SECONDS = 5


class SchedulerLock:
    """One process per database holds it: a PostgreSQL advisory lock or a file lock next to a SQLite file."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        """Try once, without waiting; True when this process now holds the lock."""
        if self.engine.dialect.name == "postgresql":
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if connection.scalar(text(_PG_TRY)):
                self._connection = connection
                return True
            connection.close()
            return False
        path = self._lock_path()
        if path is None:  # an in-memory database lives in this process only
            return True
        handle = open(path, "a")  # noqa: SIM115 - held open as long as the lock
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def alive(self) -> bool:
        """True while the lock is still ours (a PostgreSQL connection that dropped took the lock with it)."""
        if self._connection is None:
            return True
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except DBAPIError:
            return False

    def release(self) -> None:
        """Give the lock up (closing the connection or file releases it)."""
        if self._connection is not None:
            # Unlocked first: a closed connection's lock goes only when its server process has exited, which it
            # does after the close returns, so the next contender could still find it held.
            with contextlib.suppress(DBAPIError):
                self._connection.execute(text(_PG_UNLOCK))
            # Invalidated, not returned to the pool: a pooled connection would keep holding the session lock.
            self._connection.invalidate()
            self._connection.close()
            self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def _lock_path(self) -> Path | None:
        database = self.engine.url.database
        if not database or database == ":memory:":
            return None
        return Path(f"{database}.scheduler.lock")


def holder_id() -> str:
    """host:pid, recorded in the heartbeat so an operator knows which process runs the scheduler."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def beat(deps: Deps, holder: str) -> None:
    """Record that the scheduler ticked now."""
    with deps.sessions() as session:
        row = session.get(SchedulerHeartbeat, "scheduler")
        if row is None:
            session.add(SchedulerHeartbeat(name="scheduler", holder=holder, ticked_at=deps.clock()))
        else:
            row.holder, row.ticked_at = holder, deps.clock()
        session.commit()


class SchedulerLeader:
    """Contends for the lock in a background thread and runs the scheduler while holding it."""

    def __init__(self, deps: Deps, client: WebClient, *, retry_seconds: float = RETRY_SECONDS) -> None:
        bind = deps.sessions.kw["bind"]
        self.deps, self.client, self.retry_seconds = deps, client, retry_seconds
        self.lock = SchedulerLock(bind)
        self.scheduler: Any = None
        self.holder = holder_id()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scheduler-leader", daemon=True)

    @property
    def leading(self) -> bool:
        """True while this process runs the scheduler."""
        return self.scheduler is not None

    def start(self) -> SchedulerLeader:
        """Start contending in the background."""
        self._thread.start()
        return self

    def step(self) -> None:
        """One look: take the lock and start the scheduler, or stop it when the lock was lost."""
        if self.scheduler is None:
            try:
                acquired = self.lock.acquire()
            except DBAPIError as error:
                log.warning("could not contend for the scheduler lock: %s", type(error).__name__)
                return
            if acquired:
                self._start_scheduler()
        elif not self.lock.alive():
            log.warning("lost the scheduler lock (database connection dropped); stopping the scheduler here")
            self._stop_scheduler()

    def stop(self) -> None:
        """Stop contending, stop the scheduler if it runs here, and release the lock."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._stop_scheduler()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception:  # contention must survive anything; it looks again later
                log.exception("scheduler leadership check failed")
            self._stop.wait(self.retry_seconds)

    def _start_scheduler(self) -> None:
        from apscheduler.triggers.interval import IntervalTrigger

        from bot.jobs.scheduler import guarded, start_scheduler

        self.scheduler = start_scheduler(self.deps, self.client)
        self.scheduler.add_job(guarded("heartbeat", lambda: beat(self.deps, self.holder)),
                               IntervalTrigger(seconds=HEARTBEAT_SECONDS), id="heartbeat", name="heartbeat",
                               replace_existing=True, next_run_time=datetime.now(UTC))
        log.info("this process (%s) runs the scheduler", self.holder)

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            with contextlib.suppress(Exception):  # already stopped
                self.scheduler.shutdown(wait=False)
            self.scheduler = None
        self.lock.release()
