"""Scheduled jobs. Each feature module registers its planner on import; list them here."""

from bot.jobs import (
    checkins,  # noqa: F401
    digests,  # noqa: F401
    reviews,  # noqa: F401
)
