"""The scheduler inside `goalbot serve`: fixed jobs that look at the database; failures and twins are harmless."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot.clock import FixedClock
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.jobs.registry import PLANNERS
from bot.jobs.scheduler import OUTBOX_JOB_ID, start_scheduler
from tests.bot.delivery.helpers import OutboxBench

OWNERS = 30


@pytest.fixture
def box(database_url: str, clock: FixedClock) -> Iterator[OutboxBench]:
    bench = OutboxBench(database_url, clock, users=OWNERS)
    yield bench
    bench.close()


@pytest.fixture
def schedulers() -> Iterator[list[BackgroundScheduler]]:
    started: list[BackgroundScheduler] = []
    yield started
    for scheduler in started:
        scheduler.shutdown(wait=True)


@pytest.fixture
def test_planner() -> Iterator[Callable[[Callable[[Deps, WebClient, datetime], int]], None]]:
    """Register a planner under a test name for the duration of one test."""

    def register(fn: Callable[[Deps, WebClient, datetime], int]) -> None:
        PLANNERS["test-weekly"] = fn

    yield register
    PLANNERS.pop("test-weekly", None)


def checkins_for_everyone(deps: Deps, client: WebClient, now: datetime) -> int:
    """Plan one check-in per owner for the week of `now`, idempotently, as the real planners do."""
    week = now.date().isocalendar().week
    with deps.sessions() as session:
        planned = sum(enqueue(session, key=f"checkin:U{n}:{week}", kind="checkin", team_id="T0001",
                              channel=f"U{n}", payload={"text": "How is your goal going?"}, now=now)
                      for n in range(1, OWNERS + 1))
        session.commit()
    return planned


def test_scheduler_wakes_each_planner_and_the_outbox_under_fixed_ids(
    box: OutboxBench, schedulers: list[BackgroundScheduler],
) -> None:
    scheduler = start_scheduler(box.deps, box.client)
    schedulers.append(scheduler)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {f"plan-{name}" for name in PLANNERS} | {OUTBOX_JOB_ID}
    for job in jobs.values():
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    assert jobs["plan-checkins"].trigger.interval.total_seconds() == 60
    assert jobs[OUTBOX_JOB_ID].trigger.interval.total_seconds() <= 10


def test_check_ins_due_while_the_process_was_down_go_out_once_it_starts(
    box: OutboxBench, schedulers: list[BackgroundScheduler], test_planner: Callable[..., None],
) -> None:
    test_planner(checkins_for_everyone)
    schedulers.append(start_scheduler(box.deps, box.client))
    box.fake.wait_for(lambda: len(box.posted_keys()) == OWNERS, timeout=20)
    assert set(box.posted_keys().values()) == {1}


def test_a_failing_planner_runs_again_at_its_next_tick(
    box: OutboxBench, schedulers: list[BackgroundScheduler], test_planner: Callable[..., None],
) -> None:
    runs: list[datetime] = []
    second_run = threading.Event()

    def flaky(deps: Deps, client: WebClient, now: datetime) -> int:
        runs.append(now)
        if len(runs) == 1:
            raise RuntimeError("database went away")
        second_run.set()
        return 0

    test_planner(flaky)
    scheduler = start_scheduler(box.deps, box.client)
    schedulers.append(scheduler)
    box.fake.wait_for(lambda: runs, timeout=10)
    for _ in range(50):  # bring the next tick forward (a tick landing while the first run ends is skipped)
        scheduler.get_job("plan-test-weekly").modify(next_run_time=datetime.now(UTC))
        if second_run.wait(timeout=0.2):
            break
    assert second_run.is_set()


def test_two_serve_processes_on_one_database_send_each_check_in_once(
    box: OutboxBench, schedulers: list[BackgroundScheduler], test_planner: Callable[..., None],
) -> None:
    test_planner(checkins_for_everyone)
    for _ in range(2):
        schedulers.append(start_scheduler(box.other_process(), box.client))
    box.fake.wait_for(lambda: len(box.posted_keys()) == OWNERS, timeout=20)
    for scheduler in schedulers:  # let any run still in flight finish before counting
        scheduler.shutdown(wait=True)
    schedulers.clear()
    assert set(box.posted_keys().values()) == {1}
    assert box.fake.stats()["duplicates"] == 0
