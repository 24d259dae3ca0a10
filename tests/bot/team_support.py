"""Helpers for the manager and team tests: goalbot's latest answers and DMs, and saving a goal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.local.workspace import LocalWorkspace
from storage.models import Goal
from storage.teams import set_manager
from tests.bot.conftest import NOW, all_text


def last_dm(ws: LocalWorkspace, user: str) -> str:
    """The text of goalbot's latest direct message to the person."""
    return str([m for m in ws.fake.dm_messages(user) if m.get("user") == ws.fake.bot_user_id][-1]["text"])


def last_answer(ws: LocalWorkspace, user: str) -> str:
    """The text of goalbot's latest answer only the person sees."""
    return str(ws.fake.ephemeral_messages(user)[-1]["text"])


def answer_to(ws: LocalWorkspace, command: str, user: str) -> dict[str, Any]:
    """`/goal COMMAND` by the person, and the one answer only they see: a new one, never an earlier command's
    (several cases asked on one workspace must not pass on the answer to the case before)."""
    before = len(ws.fake.ephemeral_messages(user))
    ws.command(command, user=user)
    answers = ws.fake.ephemeral_messages(user)[before:]
    assert len(answers) == 1, f"{user} typed {command!r} and was answered {len(answers)} times"
    return answers[0]


def last_answer_shown(ws: LocalWorkspace, user: str) -> str:
    """Everything the person can read in goalbot's latest answer, blocks included."""
    return all_text(ws.fake.ephemeral_messages(user)[-1])


EN_ANSWERS = ("8 - referrals and two demos a week", "expand into the healthcare market", "yes")
IT_ANSWERS = ("8 - referenze e due demo a settimana", "entrare nel mercato sanitario", "sì")


def save_goal(ws: LocalWorkspace, user: str, sentence: str, answers: tuple[str, ...] = EN_ANSWERS) -> int | None:
    """Walk a goal through the SMART conversation and confirm it; its id (None when it was not saved)."""
    ws.command(sentence, user=user)
    for answer in answers:
        ws.say(answer, user=user)
    with ws.deps.sessions() as session:
        return session.scalars(select(Goal.id).where(Goal.user_id == user).order_by(Goal.id.desc())).first()


def make_manager(ws: LocalWorkspace, user: str) -> None:
    """Give the person a report, so goalbot counts them a manager (who may post a channel's digest now)."""
    with ws.deps.sessions() as session:
        set_manager(session, ws.team_id, f"UREPORTOF{user}", user, by=user, now=NOW)
        session.commit()
