"""Scheduled jobs register here: each plans what is due into the outbox; delivery is one shared step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient

from bot.deps import Deps

# A planner looks at the database at `now`, writes what is due to the outbox (idempotently), and says how many.
Planner = Callable[[Deps, WebClient, datetime], int]
PLANNERS: dict[str, Planner] = {}


def planner(name: str) -> Callable[[Planner], Planner]:
    """Register a function as the planner of the job `name` (run by the scheduler and `goalbot jobs run NAME`)."""

    def decorate(fn: Planner) -> Planner:
        PLANNERS[name] = fn
        return fn

    return decorate
