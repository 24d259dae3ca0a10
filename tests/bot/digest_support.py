"""Helpers for digest tests: a team's goals and check-ins in the database, and the digest as the channel sees it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from bot.local.workspace import LocalWorkspace
from storage.models import CheckIn, DigestSubscription, Goal
from tests.bot.conftest import all_text

MONDAY = date(2026, 11, 23)  # the test clock's week (Thursday 26 November 2026)
FRIDAY_4PM_ROME = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def add_goal(
    ws: LocalWorkspace, user: str, *, title: str = "Sign 10 new clients", target: float = 10,
    unit: str | None = "clients", current: float | None = 4, baseline: float | None = 0,
    direction: str = "increase", start: date = date(2026, 10, 1), deadline: date = date(2026, 12, 31),
    status: str = "active", adjusted: bool = False, closed_at: datetime | None = None, title_reversed: bool = False,
) -> int:
    """Store a confirmed goal; return its id. An adjusted goal's title was brought in line with the edit."""
    at = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    adjusted_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC) if adjusted else None
    with ws.deps.sessions() as session:
        goal = Goal(team_id=ws.team_id, user_id=user, title=title, type="new_business", subject=title,
                    metric="new_clients", unit=unit, direction=direction, baseline=baseline, target=target,
                    current=current, start_date=start, deadline=deadline, status=status, lang="en",
                    created_at=at, updated_at=at, closed_at=closed_at,
                    adjusted_at=adjusted_at, title_updated_at=adjusted_at, title_reversed=title_reversed)
        session.add(goal)
        session.commit()
        return goal.id


def add_checkin(
    ws: LocalWorkspace, goal_id: int, week: date, value: float | None, *, note: str | None = None,
    blocker: str | None = None, mood: str | None = "on_track", status: str = "answered",
) -> None:
    """Store a check-in as if its owner had answered it on the Tuesday of `week`."""
    answered = datetime.combine(week + timedelta(days=1), time(10, 0), tzinfo=UTC)
    with ws.deps.sessions() as session:
        session.add(CheckIn(goal_id=goal_id, week_start=week, status=status, value=value, mood=mood, note=note,
                            blocker=blocker, asked_at=answered, answered_at=answered if status == "answered" else None))
        session.commit()


def subscription(ws: LocalWorkspace, channel: str) -> DigestSubscription | None:
    """The channel's digest subscription as stored."""
    with ws.deps.sessions() as session:
        return session.scalars(select(DigestSubscription).where(DigestSubscription.channel_id == channel)).first()


def channel_posts(ws: LocalWorkspace, channel: str) -> list[dict[str, Any]]:
    """The bot's top-level messages in a channel (digests), oldest first."""
    return [m for m in ws.fake.messages(channel)
            if m.get("user") == ws.fake.bot_user_id and not m.get("thread_ts")]


def digest_thread(ws: LocalWorkspace, channel: str, digest: dict[str, Any]) -> list[dict[str, Any]]:
    """The digest's replies in its thread (follow-up parts and the chart), oldest first."""
    return [m for m in ws.fake.messages(channel) if m.get("thread_ts") == digest["ts"]]


def digest_text(ws: LocalWorkspace, channel: str, digest: dict[str, Any]) -> str:
    """Everything readable in a digest: the main message and every follow-up in its thread."""
    return "\n".join(all_text(m) for m in [digest, *digest_thread(ws, channel, digest)])


def ephemeral_texts(ws: LocalWorkspace, user: str) -> list[str]:
    """What goalbot answered the person, only to them, oldest first."""
    return [all_text(m) for m in ws.fake.ephemeral_messages(user)]
