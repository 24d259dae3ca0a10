"""The weekly digest job: once per channel and week at the subscriber's local time, through restarts and removals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot import cli
from bot.clock import FixedClock, VirtualTimer
from bot.jobs.digests import plan_digests
from bot.jobs.runner import run_job
from bot.local.workspace import LocalWorkspace
from prompts import t
from slackfake import FAKE_BOT_TOKEN
from storage.models import OutboxMessage
from tests.bot.conftest import all_text, dm_texts, make_settings, restart
from tests.bot.digest_support import FRIDAY_4PM_ROME, MONDAY, add_checkin, add_goal, channel_posts, digest_text


class Crash(BaseException):
    """The process dying: not an Exception, so nothing in the planner catches it."""


def run(ws: LocalWorkspace, at: datetime, job: str = "digests") -> dict[str, Any]:
    """Run the job (plan + deliver) at `at`, moving the test clock there first."""
    ws.deps.clock.set(at)  # type: ignore[attr-defined]
    return run_job(ws.deps, ws.app.client, job, now=at)


def sales_team(ws: LocalWorkspace) -> None:
    """#sales with Anna and Marco and their goals, subscribed by Anna (Rome) on Thursday: Friday 16:00."""
    ws.fake.add_channel("C1", name="sales", members=["U1", "U2"])
    goal = add_goal(ws, "U1", title="Close €120k of new ARR", unit="EUR", target=120_000, current=40_000)
    add_checkin(ws, goal, MONDAY, 40_000, note="two proposals out")
    add_goal(ws, "U2", title="Rinnovare 12 contratti", unit="deals", target=12, current=5)
    ws.command("digest <#C1|sales>", user="U1")


def digest_rows(ws: LocalWorkspace) -> list[OutboxMessage]:
    with ws.deps.sessions() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")
                                    .order_by(OutboxMessage.id)))


def test_the_weekly_digest_is_posted_once_when_friday_four_pm_passes_in_rome(workspace: LocalWorkspace) -> None:
    sales_team(workspace)
    assert run(workspace, FRIDAY_4PM_ROME - timedelta(minutes=1))["planned"] == 0
    first = run(workspace, FRIDAY_4PM_ROME)
    again = run(workspace, FRIDAY_4PM_ROME + timedelta(minutes=5))
    assert first["planned"] == 2 and first["sent"] == 2  # the digest and its chart
    assert (again["planned"], again["sent"]) == (0, 0)
    [digest] = channel_posts(workspace, "C1")
    assert "*anna*" in all_text(digest) and "<@U2>" in all_text(digest)  # U1 subscribed, so goalbot knows her name
    assert [(row.idempotency_key, row.status) for row in digest_rows(workspace)] == [
        ("digest:T0001:C1:2026-11-23", "sent"), ("digest:T0001:C1:2026-11-23:chart", "sent")]
    assert len(workspace.fake.files()) == 1


def test_after_downtime_last_weeks_digest_is_not_sent_once_a_new_week_began(workspace: LocalWorkspace) -> None:
    sales_team(workspace)
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # the process was down from Friday to Monday
    assert run(workspace, monday)["planned"] == 0
    assert channel_posts(workspace, "C1") == []
    assert run(workspace, FRIDAY_4PM_ROME + timedelta(weeks=1))["planned"] == 2
    [digest] = channel_posts(workspace, "C1")
    assert "week of 30 November 2026" in all_text(digest)


def test_a_stopped_digest_is_not_posted(workspace: LocalWorkspace) -> None:
    sales_team(workspace)
    workspace.command("digest off <#C1|sales>", user="U1")
    assert run(workspace, FRIDAY_4PM_ROME)["planned"] == 0
    assert channel_posts(workspace, "C1") == []


@pytest.fixture
def processes(database_url: str, clock: FixedClock, timer: VirtualTimer) -> Iterator[list[LocalWorkspace]]:
    """Processes sharing one database and one Slack workspace: the first, then each restart."""
    first = LocalWorkspace(make_settings(database_url), clock=clock)
    first.deps.timer = timer
    first.add_user("U1", name="anna", tz="Europe/Rome", locale="en-US")
    first.add_user("U2", name="marco", tz="Europe/Rome", locale="it-IT")
    started = [first]
    yield started
    for ws in started:
        ws.close()



def test_a_digest_planned_before_a_crash_is_posted_once_by_the_next_process(
    database_url: str, clock: FixedClock, processes: list[LocalWorkspace],
) -> None:
    first = processes[0]
    sales_team(first)
    clock.set(FRIDAY_4PM_ROME)
    assert plan_digests(first.deps, first.app.client, FRIDAY_4PM_ROME) == 2  # queued, then the process dies
    second = restart(database_url, clock, processes)
    summary = run(second, FRIDAY_4PM_ROME + timedelta(minutes=1))
    assert (summary["planned"], summary["sent"]) == (0, 2)
    assert len(channel_posts(second, "C1")) == 1


def test_a_planner_that_dies_while_queueing_leaves_nothing_half_written(
    database_url: str, clock: FixedClock, processes: list[LocalWorkspace], monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = processes[0]
    sales_team(first)
    import bot.services.digests as service

    real_enqueue = service.enqueue
    calls = {"n": 0}

    def enqueue_then_die(*args: Any, **kwargs: Any) -> bool:
        calls["n"] += 1
        if calls["n"] == 2:  # the digest is written, its chart is not
            raise Crash()
        return real_enqueue(*args, **kwargs)

    monkeypatch.setattr(service, "enqueue", enqueue_then_die)
    with pytest.raises(Crash):
        run(first, FRIDAY_4PM_ROME)
    monkeypatch.setattr(service, "enqueue", real_enqueue)
    assert digest_rows(first) == []  # the digest rolled back with its chart
    second = restart(database_url, clock, processes)
    assert run(second, FRIDAY_4PM_ROME + timedelta(minutes=1))["planned"] == 2
    assert len(channel_posts(second, "C1")) == 1 and len(second.fake.files()) == 1


def test_goalbot_removed_from_the_channel_tells_the_subscriber_in_a_dm_once_a_week(
    workspace: LocalWorkspace,
) -> None:
    sales_team(workspace)
    workspace.fake.add_channel("C1", name="sales", members=["U1", "U2"], bot_is_member=False)  # /remove @goalbot
    assert run(workspace, FRIDAY_4PM_ROME)["planned"] == 1
    assert run(workspace, FRIDAY_4PM_ROME + timedelta(hours=1))["planned"] == 0
    assert workspace.fake.messages("C1") == []
    [notice] = [text for text in dm_texts(workspace, "U1") if "team digest" in text]
    assert "I couldn't post this week's team digest in <#C1>" in notice
    assert "Type `/invite @goalbot` in <#C1>" in notice and "`/goal digest off <#C1>`" in notice


def test_goalbot_removed_after_the_digest_was_queued_still_tells_the_subscriber(workspace: LocalWorkspace) -> None:
    sales_team(workspace)
    workspace.deps.clock.set(FRIDAY_4PM_ROME)  # type: ignore[attr-defined]
    assert plan_digests(workspace.deps, workspace.app.client, FRIDAY_4PM_ROME) == 2
    workspace.fake.add_channel("C1", name="sales", members=["U1", "U2"], bot_is_member=False)
    delivery = run(workspace, FRIDAY_4PM_ROME + timedelta(seconds=30), job="outbox")
    assert delivery["failed"] == 2  # the digest (not_in_channel) and its chart (its thread never existed)
    main, _chart = digest_rows(workspace)
    assert (main.status, main.last_error) == ("failed", "not_in_channel")
    assert run(workspace, FRIDAY_4PM_ROME + timedelta(minutes=1))["planned"] == 1
    assert run(workspace, FRIDAY_4PM_ROME + timedelta(minutes=2))["planned"] == 0
    notices = [text for text in dm_texts(workspace, "U1") if "team digest" in text]
    assert len(notices) == 1 and t("en", "digest.notice_not_member", channel="<#C1>") in notices[0]


def test_slack_failing_while_reading_the_members_plans_nothing_until_it_recovers(workspace: LocalWorkspace) -> None:
    sales_team(workspace)
    workspace.fake.fail_next("conversations.members", status=200, error="fatal_error")
    assert run(workspace, FRIDAY_4PM_ROME)["planned"] == 0
    assert channel_posts(workspace, "C1") == []
    assert run(workspace, FRIDAY_4PM_ROME + timedelta(minutes=1))["planned"] == 2
    assert len(channel_posts(workspace, "C1")) == 1


def test_goalbot_jobs_run_digests_twice_posts_one_digest(
    workspace: LocalWorkspace, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sales_team(workspace)
    monkeypatch.chdir(tmp_path)  # no .env file
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", FAKE_BOT_TOKEN)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_API_URL", workspace.fake.base_url)
    for _ in range(2):
        assert cli.main(["jobs", "run", "digests", "--now", "2026-11-27T16:10:00+01:00"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (first["planned"], first["sent"]) == (2, 2)
    assert (second["planned"], second["sent"]) == (0, 0)
    [digest] = channel_posts(workspace, "C1")
    assert "Close €120k of new ARR" in digest_text(workspace, "C1", digest)


def test_a_digest_slack_refuses_for_another_reason_is_reported_to_the_subscriber(workspace: LocalWorkspace) -> None:
    sales_team(workspace)
    workspace.fake.fail_next("chat.postMessage", status=200, error="restricted_action")
    assert run(workspace, FRIDAY_4PM_ROME)["failed"] == 2  # the digest, and its chart with no thread to go to
    run(workspace, FRIDAY_4PM_ROME + timedelta(minutes=1))
    [notice] = [text for text in dm_texts(workspace, "U1") if "team digest" in text]
    assert "Slack refused it (restricted_action)" in notice
