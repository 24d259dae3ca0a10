"""Queries and writes, one function per question the app asks of its data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, and_, bindparam, delete, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    Timestamp,
    CheckIn,
    Conversation,
    DigestSubscription,
    Goal,
    GoalRevision,
    OutboxMessage,
    ProcessedEvent,
    TeamSettings,
    UserPref,
)


def get_user_pref(session: Session, team_id: str, user_id: str) -> UserPref | None:
    """Return what is stored about a person, or None."""
    return session.get(UserPref, (team_id, user_id))


def upsert_user_pref(session: Session, team_id: str, user_id: str) -> UserPref:
    """Return the person's preferences row, creating it when missing (safe when two requests race)."""
    pref = session.get(UserPref, (team_id, user_id))
    if pref is None:
        # INSERT … ON CONFLICT DO NOTHING: a concurrent first request from the same person must not fail.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(UserPref).values(team_id=team_id, user_id=user_id).on_conflict_do_nothing())
        pref = session.get(UserPref, (team_id, user_id))
        assert pref is not None
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


# --- team digests ---------------------------------------------------------------------------------------------


def get_digest_subscription(session: Session, team_id: str, channel_id: str) -> DigestSubscription | None:
    """Return a channel's digest subscription (active or not), or None."""
    return session.scalars(
        select(DigestSubscription)
        .where(DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id)
    ).first()


def save_digest_subscription(
    session: Session, *, team_id: str, channel_id: str, weekday: int, hhmm: str, tz: str, lang: str, by: str,
    now: datetime,
) -> DigestSubscription:
    """Subscribe a channel (or re-schedule and re-activate its subscription)."""
    subscription = get_digest_subscription(session, team_id, channel_id)
    if subscription is None:
        subscription = DigestSubscription(team_id=team_id, channel_id=channel_id, created_at=now)
        session.add(subscription)
    elif not subscription.active:
        subscription.created_at = now  # a reactivated subscription starts with its next slot, like a new one
    subscription.weekday, subscription.time, subscription.tz, subscription.lang = weekday, hhmm, tz, lang
    subscription.created_by, subscription.active = by, True
    return subscription


def list_active_digest_subscriptions(session: Session) -> list[DigestSubscription]:
    """Every channel that gets the weekly digest."""
    return list(session.scalars(
        select(DigestSubscription).where(DigestSubscription.active.is_(True)).order_by(DigestSubscription.id)))


RECENT_VALUES = 7  # the latest recorded values per goal a digest reads (the forecast looks at the last 6)

_RECENT_SQLITE = """(SELECT group_concat(r.week_start || '=' || r.value, ';') FROM (
        SELECT c.week_start, c.value FROM checkins c
        WHERE c.goal_id = g.id AND c.status = 'answered' AND c.value IS NOT NULL
        ORDER BY c.week_start DESC LIMIT :recent) r)"""
_RECENT_POSTGRESQL = """(SELECT string_agg(r.week_start::text || '=' || r.value::text, ';' ORDER BY r.week_start DESC)
        FROM (SELECT c.week_start, c.value FROM checkins c
              WHERE c.goal_id = g.id AND c.status = 'answered' AND c.value IS NOT NULL
              ORDER BY c.week_start DESC LIMIT :recent) r)"""

_DIGEST_SQL = """
SELECT g.id, g.user_id, g.title, g.unit, g.metric, g.direction, g.baseline, g.target, g.current, g.start_date,
       g.deadline, g.status, g.adjusted_at, g.closed_at,
       EXISTS (SELECT 1 FROM goal_revisions gr WHERE gr.goal_id = g.id AND gr.field = 'override') AS override,
       {recent} AS recent,
       CASE WHEN g.direction = 'maintain' THEN (
           SELECT count(*) FROM checkins b WHERE b.goal_id = g.id AND b.status = 'answered' AND b.value < g.target)
       END AS below,
       (SELECT w.status FROM checkins w WHERE w.goal_id = g.id AND w.week_start >= :week
        ORDER BY w.week_start DESC LIMIT 1) AS this_week,
       l.week_start, l.answered_at, l.value, l.mood, l.note, l.blocker
FROM goals g
LEFT JOIN checkins l ON l.id = (
    SELECT a.id FROM checkins a WHERE a.goal_id = g.id AND a.status = 'answered'
    ORDER BY a.week_start DESC LIMIT 1)
WHERE g.team_id = :team AND g.user_id IN :users
  AND (g.status = 'active' OR g.closed_at >= :since)
ORDER BY g.user_id, g.id
"""


def digest_rows(
    session: Session, team_id: str, user_ids: Sequence[str], closed_since: datetime, week: date,
) -> list[Any]:
    """The digest's goals, each with its latest recorded values, override flag and check-ins: one query.

    Per goal the database hands over at most RECENT_VALUES values (as "date=value;…", newest first), walking the
    (goal, week) index backwards, so a year of weekly check-ins is never read row by row; a MAINTAIN goal also
    gets how many recorded values fell below its floor. The columns come in the order
    bot.services.digests.row_goal unpacks them. Goals shown: active ones and those closed since `closed_since`.
    """
    if not user_ids:
        return []
    dialect = session.get_bind().dialect.name
    sql = text(_DIGEST_SQL.format(recent=_RECENT_POSTGRESQL if dialect == "postgresql" else _RECENT_SQLITE))
    sql = sql.bindparams(bindparam("users", expanding=True)).columns(
        start_date=Date, deadline=Date, adjusted_at=Timestamp, closed_at=Timestamp, week_start=Date,
        answered_at=Timestamp)
    params = {"team": team_id, "users": list(user_ids), "since": closed_since, "week": week,
              "recent": RECENT_VALUES}
    return list(session.execute(sql, params))


def existing_outbox_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of these idempotency keys are already in the outbox."""
    if not keys:
        return set()
    return set(session.scalars(select(OutboxMessage.idempotency_key)
                               .where(OutboxMessage.idempotency_key.in_(list(keys)))))


def failed_outbox_messages(session: Session, kind: str, since: datetime) -> list[OutboxMessage]:
    """Messages of a kind that failed for good since `since` (Slack refused them, e.g. the bot left the channel)."""
    return list(session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.status == "failed", OutboxMessage.created_at >= since)
        .order_by(OutboxMessage.id)))


# --- adjusting goals and exports ------------------------------------------------------------------------------


def list_goals_of_users(session: Session, team_id: str, user_ids: Sequence[str]) -> list[Goal]:
    """The goals (with check-ins and revisions loaded) of several people of a team, by owner then age."""
    if not user_ids:
        return []
    return list(session.scalars(
        select(Goal).options(selectinload(Goal.checkins), selectinload(Goal.revisions))
        .where(Goal.team_id == team_id, Goal.user_id.in_(list(user_ids)))
        .order_by(Goal.user_id, Goal.id)))


def goals_due_for_review(session: Session, *, deadline_by: date, quarter_end: date | None) -> list[Goal]:
    """Active goals whose deadline is on or before `deadline_by`, plus (when given) those still running at
    `quarter_end` that started before it; with their check-ins loaded."""
    due = Goal.deadline <= deadline_by
    if quarter_end is not None:
        due = or_(due, and_(Goal.deadline > quarter_end, Goal.start_date < quarter_end))
    return list(session.scalars(
        select(Goal).options(selectinload(Goal.checkins)).where(Goal.status == "active", due).order_by(Goal.id)))


def user_prefs_of(session: Session, user_ids: Sequence[str]) -> dict[tuple[str, str], UserPref]:
    """What is stored about these people, keyed by (team id, user id), in one query."""
    if not user_ids:
        return {}
    rows = session.scalars(select(UserPref).where(UserPref.user_id.in_(sorted(set(user_ids)))))
    return {(pref.team_id, pref.user_id): pref for pref in rows}


def find_checkin_of_week(session: Session, goal_id: int, week: date) -> CheckIn | None:
    """A goal's check-in for the week starting on Monday `week`, if it was asked already."""
    return session.scalars(select(CheckIn).where(CheckIn.goal_id == goal_id, CheckIn.week_start == week)).first()


def display_names(session: Session, team_id: str, user_ids: Sequence[str]) -> dict[str, str]:
    """The display names goalbot knows for these people (one query, whatever their number)."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(UserPref.user_id, UserPref.display_name)
        .where(UserPref.team_id == team_id, UserPref.user_id.in_(list(user_ids)), UserPref.display_name.is_not(None))
    )
    return {user_id: name for user_id, name in rows if name}
