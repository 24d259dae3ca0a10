"""The clock inside `goalbot serve`: a few fixed APScheduler jobs that wake the process to look at the database.

The database says what is due and what was sent; APScheduler only wakes the process. Each registered planner
runs every minute (reviews hourly) and once at start, so check-ins that fell due while the process was down go
out when it comes back; the outbox is delivered every few seconds. Jobs live in memory under fixed ids, never
one stored job per goal, so two processes on one database just both look, and the outbox's claims make each
message go out once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.delivery.sender import deliver_due
from bot.deps import Deps
from bot.jobs.registry import EVERY_MINUTE, PLAN_EVERY, PLANNERS

log = logging.getLogger(__name__)

OUTBOX_JOB_ID = "deliver-outbox"
OUTBOX_EVERY_SECONDS = 5


class _SkippedDeliveryFilter(logging.Filter):
    """A long fan-out spans many outbox ticks; APScheduler's "skipped: maximum number of running instances" for
    that job is expected, not a warning worth a log line every five seconds."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.msg.startswith("Execution of job") and "maximum number of running" in record.msg
                    and isinstance(record.args, tuple) and bool(record.args) and OUTBOX_JOB_ID in str(record.args[0]))


def guarded(name: str, fn: Callable[[], object]) -> Callable[[], None]:
    """Wrap a job so an error is logged and the next run still happens."""

    def run() -> None:
        try:
            fn()
        except Exception:
            log.exception("scheduled job %s failed; it runs again at its next tick", name)

    run.__name__ = f"job_{name}"
    return run


def plan_job(deps: Deps, client: WebClient, name: str, wake_outbox: Callable[[], None]) -> Callable[[], None]:
    """The scheduled body of planner `name`: plan at the clock's time, then wake the outbox job to deliver."""

    def plan() -> None:
        planned = PLANNERS[name](deps, client, deps.clock())
        if planned:
            log.info("planned %s %s message(s)", planned, name)
            wake_outbox()

    return guarded(f"plan-{name}", plan)


def outbox_job(deps: Deps, client: WebClient) -> Callable[[], None]:
    """The scheduled body of the outbox delivery."""

    def deliver() -> None:
        report = deliver_due(deps, client)
        if report.sent or report.failed or report.retried:
            log.info("outbox: %s", report)

    return guarded(OUTBOX_JOB_ID, deliver)


def start_scheduler(deps: Deps, client: WebClient) -> BackgroundScheduler:
    """Start the background scheduler with one job per planner and one for the outbox; return it running."""
    logger = logging.getLogger("bot.jobs.scheduler.apscheduler")
    if not any(isinstance(f, _SkippedDeliveryFilter) for f in logger.filters):
        logger.addFilter(_SkippedDeliveryFilter())
    scheduler = BackgroundScheduler(
        timezone=UTC,
        logger=logger,
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=8)},
        # misfire_grace_time=None: a late tick (busy machine, suspended laptop) still runs; coalesce runs it once.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    def wake_outbox() -> None:
        # Deliver what was just planned now rather than at the next tick (a run in progress picks it up too).
        scheduler.modify_job(OUTBOX_JOB_ID, next_run_time=datetime.now(UTC))

    now = datetime.now(UTC)
    for name in sorted(PLANNERS):
        every = PLAN_EVERY.get(name, EVERY_MINUTE)
        # next_run_time=now: every planner looks once at start, catching up on what fell due during downtime.
        scheduler.add_job(plan_job(deps, client, name, wake_outbox), IntervalTrigger(seconds=every.total_seconds(), timezone=UTC),
                          id=f"plan-{name}", name=f"plan-{name}", replace_existing=True, next_run_time=now)
    scheduler.add_job(outbox_job(deps, client), IntervalTrigger(seconds=OUTBOX_EVERY_SECONDS, timezone=UTC),
                      id=OUTBOX_JOB_ID, name=OUTBOX_JOB_ID, replace_existing=True, next_run_time=now)
    scheduler.start()
    log.info("scheduler started: %s", ", ".join(job.id for job in scheduler.get_jobs()))
    return scheduler
