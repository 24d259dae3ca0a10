"""Several goalbot processes on one database, and a process killed mid fan-out: each message goes out once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.delivery import sender
from bot.delivery.outbox import LEASE
from bot.delivery.sender import DeliveryReport, deliver_due
from slackfake import FAKE_BOT_TOKEN
from storage.models import OutboxMessage
from tests.bot.delivery.helpers import OutboxBench

ROOT = Path(__file__).resolve().parents[3]
USERS = 120


@pytest.fixture
def box(database_url: str, clock: FixedClock) -> Iterator[OutboxBench]:
    bench = OutboxBench(database_url, clock, users=USERS)
    yield bench
    bench.close()


def fill(box: OutboxBench, count: int = USERS) -> list[str]:
    keys = [f"checkin:{n}" for n in range(1, count + 1)]
    for n, key in enumerate(keys, start=1):
        box.add(key, f"U{n}")
    return keys


def statuses(box: OutboxBench) -> dict[str, str]:
    with box.deps.sessions() as session:
        return dict(session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.status)).all())


def settled(box: OutboxBench) -> dict[str, str]:
    """The statuses once the database has finished what a killed process had sent it (a COMMIT on its way)."""
    previous = statuses(box)
    while True:
        time.sleep(0.5)
        current = statuses(box)
        if current == previous:
            return current
        previous = current


# Imports goalbot, says it is ready, and runs the command only once the test opens the gate: processes
# started together can be seconds apart on a loaded machine, and a late one would find the work done.
GATED = """
import pathlib, sys, time
from bot.cli import main
from bot.delivery import sender
sender.BATCH_MAX = 50  # claims of 50, not 500: a few claims each share out 150 messages between the processes
gate = pathlib.Path(sys.argv[1])
(gate / f"ready-{__import__('os').getpid()}").touch()
waited = 0
while not (gate / "go").exists():
    time.sleep(0.05)
    waited += 1
    if waited > 2400:  # two minutes: the test that started us is gone
        sys.exit("no go")
sys.exit(main(sys.argv[2:]))
"""


def goalbot(box: OutboxBench, *args: str, posts_per_minute: int = 300,
            gate: Path | None = None) -> subprocess.Popen[str]:
    """Start `goalbot ARGS` in its own process against the test database and the fake Slack.

    With a `gate` folder the process imports goalbot, touches `ready-PID` there and waits for `go` to appear.
    """
    env = {**os.environ, "DATABASE_URL": box.settings.database_url, "SLACK_API_URL": box.fake.base_url,
           "GOALBOT_LOG_LEVEL": "WARNING", "GOALBOT_SLACK_POSTS_PER_MINUTE": str(posts_per_minute)}
    env["SLACK_BOT_TOKEN"] = FAKE_BOT_TOKEN
    command = [sys.executable, "-c", GATED, str(gate), *args] if gate else [sys.executable, "-m", "bot", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_workers_on_one_database_send_each_message_once(
    box: OutboxBench, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sender, "BATCH_MAX", 10)  # small claims, so the two workers contend for every batch
    keys = fill(box)
    box.fake.delay_next("chat.postMessage", 0.01, times=len(keys))
    reports: list[DeliveryReport] = []
    start = threading.Barrier(2)

    def run(worker: str) -> None:
        deps = box.other_process()
        start.wait()
        reports.append(deliver_due(deps, box.client, worker=worker))

    threads = [threading.Thread(target=run, args=(name,)) for name in ("serve-a", "serve-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.sent for r in reports) == len(keys)
    assert all(r.sent > 0 for r in reports), reports  # both really delivered
    assert box.posted_keys() == {key: 1 for key in keys}
    assert box.fake.stats()["duplicates"] == 0
    assert set(statuses(box).values()) == {"sent"}


def test_two_goalbot_processes_running_the_outbox_job_send_each_message_once(
    database_url: str, clock: FixedClock, request: pytest.FixtureRequest, tmp_path: Path,
) -> None:
    box = OutboxBench(database_url, clock, users=150)
    request.addfinalizer(box.close)
    # Slack answering every post in 200 ms: a process's 16 senders get through at most 80 a second, so one process
    # alone would need three claims (of 50, BATCH_MAX in these processes) and some 1.8 s for the 150 messages, time
    # enough for the other to claim its share even when a loaded machine is slow to get it going (the rate limit
    # alone lets a full bucket out at once).
    box.fake.delay_next("chat.postMessage", 0.2, times=150)
    runs = [goalbot(box, "jobs", "run", "outbox", posts_per_minute=12000, gate=tmp_path) for _ in range(2)]
    for run in runs:
        request.addfinalizer(run.kill)  # a failed test leaves no process behind (a no-op once it has ended)
    while len(list(tmp_path.glob("ready-*"))) < 2:
        assert all(run.poll() is None for run in runs), [run.communicate() for run in runs]
        time.sleep(0.01)
    # All due when the gate opens (a process whose first look finds nothing due ends at once), more than one
    # claim takes (BATCH_MAX), so the second process's first claim finds the rest; the processes read the system
    # clock (no --now: each run's --now would start its own logical time).
    start = datetime.now(UTC) - timedelta(seconds=3)
    keys = [f"checkin:{n}" for n in range(1, 151)]
    for n, key in enumerate(keys, start=1):
        box.add(key, f"U{n}", not_before=start + timedelta(seconds=n / 75))
    (tmp_path / "go").touch()
    outputs = [run.communicate(timeout=120) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    assert box.posted_keys() == {key: 1 for key in keys}
    assert box.fake.stats()["duplicates"] == 0
    assert set(statuses(box).values()) == {"sent"}
    with box.deps.sessions() as session:
        workers = set(session.scalars(select(OutboxMessage.claimed_by)))
    assert len({str(worker).split(":")[1] for worker in workers}) == 2  # both processes (pids) sent a share


def test_process_killed_mid_fan_out_loses_nothing_and_posts_nothing_twice(
    database_url: str, clock: FixedClock, request: pytest.FixtureRequest,
) -> None:
    box = OutboxBench(database_url, clock, users=USERS)
    request.addfinalizer(box.close)
    keys = fill(box, USERS - 20)
    later = [f"later:{n}" for n in range(USERS - 19, USERS + 1)]  # due after the crash, never claimed by it
    for n, key in zip(range(USERS - 19, USERS + 1), later, strict=True):
        box.add(key, f"U{n}", not_before=clock() + timedelta(seconds=30))
    box.fake.delay_next("chat.postMessage", 0.3, times=len(keys))  # a slow Slack: the kill lands mid fan-out
    run = goalbot(box, "jobs", "run", "outbox", "--now", clock().isoformat())
    try:
        box.fake.wait_for(lambda: box.fake.stats()["accepted"] >= 20, timeout=60)
    finally:
        run.send_signal(signal.SIGKILL)
        run.communicate(timeout=30)
    # The posts the dead process had in flight: Slack (slowly) accepts them after it died.
    box.fake.wait_for(lambda: len(box.posts()) >= len(box.fake.calls("chat.postMessage")), timeout=10)

    before = settled(box)
    sent_before = {k for k, s in before.items() if s == "sent"}
    in_flight = {k for k, s in before.items() if s == "sending"}  # claimed by the dead process
    with box.deps.sessions() as session:
        uncertain = set(session.scalars(select(OutboxMessage.idempotency_key).where(
            OutboxMessage.attempted_at.is_not(None), OutboxMessage.status == "sending")))
    assert sent_before and len(sent_before) < len(keys)
    assert uncertain and len(uncertain) <= sender.WORKERS  # only the requests in flight are uncertain
    assert set(box.posted_keys()) & (uncertain - sent_before)  # some of those did reach Slack

    # Restarted soon after: what was pending goes out; what the dead process held waits for its lease.
    clock.set(clock() + timedelta(seconds=30))
    assert box.deliver().sent == len(later)
    assert {k for k, s in statuses(box).items() if s == "sending"} == in_flight
    box.fake.reset_calls()
    clock.set(clock() + LEASE)
    box.deliver()

    posted = box.posted_keys()
    assert set(posted) == {*keys, *later}  # nothing lost
    assert posted == {key: 1 for key in posted}  # nothing posted twice: the uncertain ones were found, not re-sent
    assert box.fake.stats()["duplicates"] == 0
    assert set(statuses(box).values()) == {"sent"}
    # One read per channel with an uncertain row, and none for the rows the dead process never tried.
    assert len(box.fake.calls("conversations.history")) == len(uncertain)
