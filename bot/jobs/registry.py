"""Every scheduled job, named once: its planner and how often the scheduler wakes it.

A planner looks at the database at `now`, writes what is due to the outbox (idempotently), and says how many;
delivery is one shared step (the "outbox" job, which plans nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.deps import Deps
from bot.jobs import approval_reminders, checkins, digests, housekeeping, manager_weeks, reviews

Planner = Callable[[Deps, WebClient, datetime], int]

OUTBOX_JOB = "outbox"
EVERY_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Job:
    """A scheduled job: its name (for `goalbot jobs run NAME`), its planner, and how often it runs in `serve`."""

    name: str
    plan: Planner
    every: timedelta = EVERY_MINUTE


JOBS: tuple[Job, ...] = (
    Job("checkins", checkins.plan_checkins),
    Job("reminders", checkins.plan_reminders),
    Job("digests", digests.plan_digests),
    Job("reviews", reviews.plan_reviews, every=timedelta(hours=1)),
    Job("manager_weeks", manager_weeks.plan_manager_weeks, every=timedelta(minutes=15)),
    Job("approval_reminders", approval_reminders.plan_approval_reminders, every=timedelta(hours=1)),
    Job("housekeeping", housekeeping.plan_housekeeping, every=timedelta(minutes=5)),
)

# By name, for the runner and the scheduler (tests add their own planners here for the length of a test).
PLANNERS: dict[str, Planner] = {job.name: job.plan for job in JOBS}
PLAN_EVERY: dict[str, timedelta] = {job.name: job.every for job in JOBS}


def job_names() -> list[str]:
    """Every job that can run: the planners plus the bare outbox delivery."""
    return sorted({*PLANNERS, OUTBOX_JOB})
