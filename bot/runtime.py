"""Start-up wiring shared by every entry point: settings → engine → migrations → deps."""

from __future__ import annotations

from bot.clock import SYSTEM_TIMER, Clock, Timer, system_clock
from bot.deps import Deps, TrackingExecutor
from bot.settings import Settings
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade


def make_deps(settings: Settings, clock: Clock = system_clock, *, migrate: bool = True,
              timer: Timer = SYSTEM_TIMER) -> Deps:
    """Connect to the database (migrating it to the latest schema) and return the app's dependencies."""
    engine = make_engine(settings.database_url, settings.db_connections)
    if migrate:
        upgrade(engine)
    return Deps(settings=settings, sessions=make_session_factory(engine), clock=clock, executor=TrackingExecutor(),
                timer=timer)


def configure_logging(level: str, log_format: str = "text") -> None:
    """Log to stderr at the configured level (text or JSON lines, never a request body), counting errors."""
    from bot.edge.logs import configure

    configure(level, log_format)
