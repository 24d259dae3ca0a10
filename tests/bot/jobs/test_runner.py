"""`goalbot jobs run NAME [--now]`: plan, deliver, summarise; running it twice sends nothing new."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.cli import main
from bot.clock import FixedClock
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.jobs.registry import PLANNERS
from bot.jobs.runner import UnknownJobError, run_job
from slackfake import FAKE_BOT_TOKEN
from tests.bot.delivery.helpers import OutboxBench

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def box(database_url: str, clock: FixedClock) -> Iterator[OutboxBench]:
    bench = OutboxBench(database_url, clock)
    yield bench
    bench.close()


@pytest.fixture
def weekly_hello() -> Iterator[str]:
    """A planner that greets U1 and U2 once per ISO week, keyed like a real planner's outbox rows."""

    def plan(deps: Deps, client: WebClient, now: datetime) -> int:
        week = now.date().isocalendar()
        with deps.sessions() as session:
            queued = sum(enqueue(session, key=f"hello:{user}:{week.year}-W{week.week}", kind="hello",
                                 team_id="T0001", channel=user, payload={"text": f"Hello, week {week.week}"},
                                 now=now) for user in ("U1", "U2"))
            session.commit()
        return queued

    PLANNERS["test-weekly-hello"] = plan
    yield "test-weekly-hello"
    PLANNERS.pop("test-weekly-hello", None)


def test_outbox_job_delivers_what_is_due_and_summarises(box: OutboxBench) -> None:
    box.add("m1", "U1")
    box.add("m2", "U2")
    summary = run_job(box.deps, box.client, "outbox")
    assert summary == {"job": "outbox", "planned": 0, "sent": 2, "retried": 0, "failed": 0, "pending": 0}
    json.dumps(summary)


def test_running_a_job_twice_sends_nothing_new(box: OutboxBench, weekly_hello: str) -> None:
    first = run_job(box.deps, box.client, weekly_hello, now=MONDAY)
    second = run_job(box.deps, box.client, weekly_hello, now=MONDAY + timedelta(hours=2))
    assert (first["planned"], first["sent"]) == (2, 2)
    assert (second["planned"], second["sent"]) == (0, 0)
    assert box.posted_keys() == {"hello:U1:2026-W49": 1, "hello:U2:2026-W49": 1}


def test_now_runs_any_week(box: OutboxBench, weekly_hello: str) -> None:
    run_job(box.deps, box.client, weekly_hello, now=MONDAY)
    next_week = run_job(box.deps, box.client, weekly_hello, now=MONDAY + timedelta(weeks=1))
    assert next_week["sent"] == 2
    assert [m["text"] for m in box.fake.dm_messages("U1")] == ["Hello, week 49", "Hello, week 50"]


def test_a_retry_due_within_the_run_is_waited_for(box: OutboxBench) -> None:
    box.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    box.add("m1", "U1")
    summary = run_job(box.deps, box.client, "outbox")
    assert (summary["sent"], summary["retried"], summary["pending"]) == (1, 1, 0)


def test_a_retry_far_away_is_left_in_the_outbox(box: OutboxBench) -> None:
    box.fake.fail_next("chat.postMessage", status=429, retry_after=600)
    box.add("m1", "U1")
    summary = run_job(box.deps, box.client, "outbox")
    assert (summary["sent"], summary["retried"], summary["pending"]) == (0, 1, 1)


def test_unknown_job_is_named_with_the_ones_that_exist(box: OutboxBench) -> None:
    with pytest.raises(UnknownJobError, match=r"no job called 'remind-me'.*outbox"):
        run_job(box.deps, box.client, "remind-me")


def test_cli_runs_a_job_against_a_local_fake_slack(
    box: OutboxBench, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env file
    monkeypatch.setenv("DATABASE_URL", box.settings.database_url)
    monkeypatch.setenv("SLACK_API_URL", box.fake.base_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", FAKE_BOT_TOKEN)  # configured like any Slack: no special case for the fake
    box.add("m1", "U1")

    code = main(["jobs", "run", "outbox", "--now", "2026-11-26T11:00:00+01:00"])

    assert code == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {
        "job": "outbox", "planned": 0, "sent": 1, "retried": 0, "failed": 0, "pending": 0}
    assert box.row("m1").status == "sent"


def test_cli_without_a_bot_token_says_so(
    box: OutboxBench, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", box.settings.database_url)
    monkeypatch.delenv("SLACK_API_URL", raising=False)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert main(["jobs", "run", "outbox"]) == 2
    assert "SLACK_BOT_TOKEN is missing" in capsys.readouterr().err
