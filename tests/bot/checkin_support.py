"""Helpers for check-in tests: goals set up in the database, jobs run at the test's clock, cards and threads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from bot import ids
from bot.jobs.runner import run_job
from bot.local.workspace import LocalWorkspace
from storage.models import CheckIn, Goal
from tests.bot.conftest import all_text

LONG_AGO = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def add_goal(
    ws: LocalWorkspace, user: str, *, title: str = "Sign 10 new clients in healthcare", target: float = 10,
    unit: str | None = "clients", baseline: float | None = 0, current: float | None = 4, direction: str = "increase",
    start: date = date(2026, 10, 1), deadline: date = date(2027, 1, 31), created: datetime = LONG_AGO,
    lang: str = "en", type_: str = "new_business", metric: str | None = "new_clients",
) -> int:
    """Store an active goal as if its owner had confirmed it at `created`; return its id."""
    with ws.deps.sessions() as session:
        goal = Goal(team_id=ws.team_id, user_id=user, title=title, type=type_, subject=title, metric=metric,
                    unit=unit, direction=direction, baseline=baseline, target=target, current=current,
                    start_date=start, deadline=deadline, status="active", lang=lang, created_at=created,
                    updated_at=created)
        session.add(goal)
        session.commit()
        return goal.id


def run(ws: LocalWorkspace, job: str = "checkins", at: datetime | None = None) -> dict[str, Any]:
    """Run a scheduled job (plan + deliver) at `at`, moving the test clock there first."""
    if at is not None:
        ws.deps.clock.set(at)  # type: ignore[attr-defined]
    return run_job(ws.deps, ws.app.client, job, now=ws.deps.clock())


def bot_messages(ws: LocalWorkspace, user: str) -> list[dict[str, Any]]:
    """The bot's messages in the person's DM, oldest first (thread replies included)."""
    return [m for m in ws.fake.dm_messages(user) if m.get("user") == ws.fake.bot_user_id]


def cards(ws: LocalWorkspace, user: str) -> list[dict[str, Any]]:
    """The check-in cards in the person's DM, oldest first."""
    return [m for m in bot_messages(ws, user) if _has_action(m, ids.ACTION_CHECKIN_UPDATE)]


def last_card(ws: LocalWorkspace, user: str) -> dict[str, Any]:
    """The newest check-in card in the person's DM."""
    found = cards(ws, user)
    assert found, f"{user} got no check-in card"
    return found[-1]


def thread_answers(ws: LocalWorkspace, user: str, card: dict[str, Any]) -> list[str]:
    """The bot's answers in a card's thread, as readable text."""
    return [all_text(m) for m in ws.fake.thread(ws.fake.dm_channel(user), card["ts"])
            if m["ts"] != card["ts"] and m.get("user") == ws.fake.bot_user_id]


def thread_messages(ws: LocalWorkspace, user: str, card: dict[str, Any]) -> list[dict[str, Any]]:
    """The bot's messages in a card's thread."""
    return [m for m in ws.fake.thread(ws.fake.dm_channel(user), card["ts"])
            if m["ts"] != card["ts"] and m.get("user") == ws.fake.bot_user_id]


def checkins_of(ws: LocalWorkspace, goal_id: int) -> list[CheckIn]:
    """A goal's check-ins, oldest week first."""
    with ws.deps.sessions() as session:
        return list(session.scalars(select(CheckIn).where(CheckIn.goal_id == goal_id).order_by(CheckIn.week_start)))


def goal_of(ws: LocalWorkspace, goal_id: int) -> Goal:
    """The goal as stored now."""
    with ws.deps.sessions() as session:
        goal = session.get(Goal, goal_id)
        assert goal is not None
        return goal


def _has_action(message: dict[str, Any], action_id: str) -> bool:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return True
    return False
