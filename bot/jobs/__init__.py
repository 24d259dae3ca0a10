"""Scheduled jobs. Each feature module registers its planner on import; list them here."""

from bot.jobs import digests  # noqa: F401
from bot.jobs import reviews  # noqa: F401
from bot.jobs import checkins  # noqa: F401
