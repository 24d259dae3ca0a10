"""Exactly one scheduler per database: of several processes contending, one holds the lock; when it lets go
(or dies), another takes over."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.jobs.leader import SchedulerLock
from storage.db import make_engine


def test_one_of_two_processes_holds_the_scheduler_lock_and_the_other_takes_over(database_url: str,
                                                                                 engine: Engine) -> None:
    other_engine = make_engine(database_url)  # a second process: its own engine, its own connections
    first, second = SchedulerLock(engine), SchedulerLock(other_engine)
    try:
        assert first.acquire() is True
        assert second.acquire() is False
        assert first.alive()
        first.release()  # the holder stops (or dies: its connection or file handle closes the same way)
        assert second.acquire() is True
        assert first.acquire() is False
    finally:
        first.release()
        second.release()
        other_engine.dispose()
