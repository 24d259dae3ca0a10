"""Approval reminders: after two working days without the manager's answer, once per round."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.jobs.runner import run_job
from bot.local.workspace import LocalWorkspace
from prompts import t
from tests.bot.team_support import IT_ANSWERS, last_dm, save_goal

GOAL = "acquisire 10 nuovi clienti nei prossimi sei mesi"


def run_at(ws: LocalWorkspace, at: datetime) -> int:
    ws.deps.clock.set(at)  # type: ignore[attr-defined]
    return int(run_job(ws.deps, ws.app.client, "approval_reminders", now=at)["planned"])


def test_a_waiting_approval_is_recalled_after_two_working_days_once(workspace: LocalWorkspace) -> None:
    workspace.add_user("UL", name="luca", tz="Europe/Rome", locale="it-IT")
    workspace.command("team add <@U2|marco>", user="UL")
    workspace.command("team approval on", user="UL")
    save_goal(workspace, "U2", GOAL, IT_ANSWERS)  # Thursday 26 November
    assert run_at(workspace, datetime(2026, 11, 27, 10, 0, tzinfo=UTC)) == 0  # Friday: one working day
    assert run_at(workspace, datetime(2026, 11, 29, 10, 0, tzinfo=UTC)) == 0  # Sunday: the weekend does not count
    assert run_at(workspace, datetime(2026, 11, 30, 10, 0, tzinfo=UTC)) == 1  # Monday: two
    assert last_dm(workspace, "UL") == t("it", "proposal.approval.reminder", id=1, person="<@U2>", title=GOAL)
    assert run_at(workspace, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)) == 0  # once per round


def test_an_answered_approval_is_not_recalled(workspace: LocalWorkspace) -> None:
    workspace.add_user("UL", name="luca", tz="Europe/Rome", locale="it-IT")
    workspace.command("team add <@U2|marco>", user="UL")
    workspace.command("team approval on", user="UL")
    save_goal(workspace, "U2", GOAL, IT_ANSWERS)
    workspace.command("accetta 1", user="UL")
    assert run_at(workspace, datetime(2026, 12, 2, 10, 0, tzinfo=UTC)) == 0
