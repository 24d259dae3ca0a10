"""Runs one job: its planner writes what is due to the outbox, then the outbox is delivered.

Used by the scheduler inside `goalbot serve` and by `goalbot jobs run NAME [--now ISO-8601]`. Planners are
idempotent (unique outbox keys), and delivery sends each outbox row once, so running a job twice sends
nothing new.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.clock import as_utc
from bot.delivery.outbox import next_due_at
from bot.delivery.sender import DeliveryReport, deliver_due
from bot.deps import Deps
from bot.jobs.registry import OUTBOX_JOB, PLANNERS, job_names
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)

WAIT_HORIZON = timedelta(seconds=60)  # a retry due sooner than this is waited for; later ones stay for the scheduler
MAX_RUN_SECONDS = 30 * 60.0  # a job run never lasts longer than this; what is left stays in the outbox


class UnknownJobError(SettingsError):
    """The job name is not one goalbot knows; the message lists the ones it does."""


def run_job(deps: Deps, client: WebClient, name: str, *, now: datetime | None = None) -> dict[str, Any]:
    """Plan job `name` at `now` (default: the clock), deliver until nothing due remains, and summarise."""
    planners = PLANNERS
    if name != OUTBOX_JOB and name not in planners:
        raise UnknownJobError(f"There is no job called {name!r}: the jobs are {', '.join(job_names())}.")
    start = as_utc(now or deps.clock())
    timer = deps.timer
    started = timer.monotonic()

    def logical_now() -> datetime:
        # --now pins where the run starts; from there time moves on with the timer, so retries fall due.
        return start + timedelta(seconds=timer.monotonic() - started)

    planned = 0 if name == OUTBOX_JOB else int(planners[name](deps, client, start) or 0)
    total = DeliveryReport()
    while True:
        remaining = MAX_RUN_SECONDS - (timer.monotonic() - started)
        report = deliver_due(deps, client, now=logical_now(), max_seconds=max(remaining, 1.0))
        total.sent += report.sent
        total.retried += report.retried
        total.failed += report.failed
        total.deferred += report.deferred
        total.pending_left = report.pending_left
        if not report.pending_left or remaining <= 0:
            break
        with deps.sessions() as session:
            due = next_due_at(session, timedelta(seconds=deps.settings.outbox_lease_seconds))
        wait = (due - logical_now()).total_seconds() if due is not None else None
        if wait is None or wait > WAIT_HORIZON.total_seconds() or wait > remaining:
            break
        timer.sleep(max(wait, 0.0) + 0.01)
    summary = {"job": name, "planned": planned, "sent": total.sent, "retried": total.retried,
               "failed": total.failed, "pending": total.pending_left}
    log.info("job %s: %s", name, summary)
    return summary


def run_job_once(settings: Settings, name: str, clock: Any) -> dict[str, Any]:
    """`goalbot jobs run NAME`: connect, run the job once at the clock's time, and return its summary."""
    from bot.installs import jobs_client, require_credentials
    from bot.runtime import make_deps

    require_credentials(settings)
    if name != OUTBOX_JOB and name not in PLANNERS:
        raise UnknownJobError(f"There is no job called {name!r}: the jobs are {', '.join(job_names())}.")
    deps = make_deps(settings, clock)
    try:
        return run_job(deps, jobs_client(settings, deps.sessions.kw["bind"]), name, now=clock())
    finally:
        deps.executor.shutdown(wait=False)
        bind = deps.sessions.kw.get("bind")
        if bind is not None:
            bind.dispose()


__all__ = ["UnknownJobError", "job_names", "run_job", "run_job_once"]
