"""Start-up wiring shared by every entry point: settings → engine → migrations → deps."""

from __future__ import annotations

import logging

from bot.clock import SYSTEM_TIMER, Clock, Timer, system_clock
from bot.deps import Deps, TrackingExecutor
from bot.settings import Settings
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade


def make_deps(settings: Settings, clock: Clock = system_clock, *, migrate: bool = True,
              timer: Timer = SYSTEM_TIMER) -> Deps:
    """Connect to the database (migrating it to the latest schema) and return the app's dependencies."""
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return Deps(settings=settings, sessions=make_session_factory(engine), clock=clock, executor=TrackingExecutor(),
                timer=timer)


def configure_logging(level: str) -> None:
    """Log to stderr at the configured level, quieting chatty libraries."""
    logging.basicConfig(level=getattr(logging, level, logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
