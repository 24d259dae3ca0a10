"""The manager's weekly DM: planned once a week, the day after the team's check-ins, in the manager's language."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.jobs.runner import run_job
from bot.local.workspace import LocalWorkspace
from prompts import fmt_date, t
from tests.bot.team_support import last_dm


def run_at(ws: LocalWorkspace, at: datetime) -> dict[str, object]:
    ws.deps.clock.set(at)  # type: ignore[attr-defined]
    return run_job(ws.deps, ws.app.client, "manager_weeks", now=at)


def test_each_manager_gets_their_week_once_after_the_check_ins(workspace: LocalWorkspace) -> None:
    workspace.add_user("UL", name="luca", tz="Europe/Rome", locale="it-IT")
    workspace.command("team add <@U1|anna> <@U2|marco>", user="UL")
    assert run_at(workspace, datetime(2026, 11, 26, 10, 0, tzinfo=UTC))["planned"] == 1  # Thursday: due since Tuesday
    assert last_dm(workspace, "UL") == t("it", "week.fallback", date=fmt_date("it", datetime(2026, 11, 23).date()))
    assert run_at(workspace, datetime(2026, 11, 27, 10, 0, tzinfo=UTC))["planned"] == 0  # once a week
    assert run_at(workspace, datetime(2026, 11, 30, 10, 0, tzinfo=UTC))["planned"] == 0  # Monday: check-in day
    assert run_at(workspace, datetime(2026, 12, 1, 7, 59, tzinfo=UTC))["planned"] == 0  # Tuesday 08:59 in Rome
    assert run_at(workspace, datetime(2026, 12, 1, 8, 0, tzinfo=UTC))["planned"] == 1  # Tuesday 09:00 in Rome
    assert last_dm(workspace, "UL") == t("it", "week.fallback", date=fmt_date("it", datetime(2026, 11, 30).date()))


def test_nobody_without_reports_gets_a_week(workspace: LocalWorkspace) -> None:
    assert run_at(workspace, datetime(2026, 11, 26, 10, 0, tzinfo=UTC))["planned"] == 0
