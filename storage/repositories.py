"""Queries and writes, one function per question the app asks of its data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from storage.models import CheckIn, Conversation, Goal, GoalRevision, ProcessedEvent, TeamSettings, UserPref


def get_user_pref(session: Session, team_id: str, user_id: str) -> UserPref | None:
    """Return what is stored about a person, or None."""
    return session.get(UserPref, (team_id, user_id))


def upsert_user_pref(session: Session, team_id: str, user_id: str) -> UserPref:
    """Return the person's preferences row, creating it when missing."""
    pref = session.get(UserPref, (team_id, user_id))
    if pref is None:
        pref = UserPref(team_id=team_id, user_id=user_id)
        session.add(pref)
    return pref


def get_team_settings(session: Session, team_id: str) -> TeamSettings | None:
    """Return the workspace defaults, or None."""
    return session.get(TeamSettings, team_id)


def get_conversation(session: Session, team_id: str, user_id: str) -> Conversation | None:
    """Return the person's conversation in progress, if any."""
    return session.scalars(
        select(Conversation).where(Conversation.team_id == team_id, Conversation.user_id == user_id)
    ).first()


def delete_conversation(session: Session, team_id: str, user_id: str) -> None:
    """End the person's conversation in progress."""
    session.execute(delete(Conversation).where(Conversation.team_id == team_id, Conversation.user_id == user_id))


def list_goals(
    session: Session, team_id: str | None = None, user_id: str | None = None, statuses: Sequence[str] | None = None
) -> list[Goal]:
    """Return goals (with check-ins and revisions loaded), oldest first, filtered by team, owner and status."""
    query = select(Goal).options(selectinload(Goal.checkins), selectinload(Goal.revisions)).order_by(Goal.id)
    if team_id is not None:
        query = query.where(Goal.team_id == team_id)
    if user_id is not None:
        query = query.where(Goal.user_id == user_id)
    if statuses is not None:
        query = query.where(Goal.status.in_(list(statuses)))
    return list(session.scalars(query))


def get_goal(session: Session, goal_id: int) -> Goal | None:
    """Return one goal by id."""
    return session.get(Goal, goal_id)


def add_revision(
    session: Session, goal: Goal, *, by: str, at: datetime, field: str, before: str | None, after: str | None,
    reason: str | None,
) -> GoalRevision:
    """Record one change to a goal."""
    revision = GoalRevision(
        goal_id=goal.id, changed_by=by, changed_at=at, field=field, before=before, after=after, reason=reason
    )
    session.add(revision)
    return revision


def find_checkin_by_message(session: Session, channel_id: str, message_ts: str) -> CheckIn | None:
    """Return the check-in whose message is the parent of a thread."""
    return session.scalars(
        select(CheckIn).where(CheckIn.message_ts == message_ts, CheckIn.channel_id == channel_id)
    ).first()


def claim_event(session_factory, event_id: str, at: datetime) -> bool:  # type: ignore[no-untyped-def]
    """Record an event id; False when it was already handled (a Slack retry or a duplicate)."""
    with session_factory() as session:
        session.add(ProcessedEvent(event_id=event_id, received_at=at))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
    return True
