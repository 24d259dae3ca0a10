"""Queries and writes, one function per question the app asks of its data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, and_, case, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased, selectinload
from sqlalchemy.sql.functions import FunctionElement

from storage.models import (
    CheckIn,
    Conversation,
    DigestSubscription,
    Goal,
    GoalRevision,
    OutboxMessage,
    ProcessedEvent,
    TeamSettings,
    UserPref,
    Workspace,
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
    return insert_once(session_factory, ProcessedEvent(event_id=event_id, received_at=at))


def insert_once(session_factory, row: Any) -> bool:  # type: ignore[no-untyped-def]
    """Insert a row keyed by what it remembers, in its own transaction; False when the key was already there."""
    with session_factory() as session:
        session.add(row)
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


def _digest_goal_filter(team_id: str, user_ids: Sequence[str], closed_since: datetime) -> list[Any]:
    """Goals a digest shows: the members' active goals and those they achieved since the week began."""
    return [
        Goal.team_id == team_id,
        Goal.user_id.in_(list(user_ids)),
        or_(Goal.status == "active",
            and_(Goal.status.in_(("achieved", "done")), Goal.closed_at >= closed_since)),
    ]


DAY_ZERO = date(2000, 1, 1)  # check-in days are counted from here, so sums stay small enough for exact floats


class days_since_day_zero(FunctionElement[float]):  # noqa: N801 - reads like the SQL function it stands for
    """Whole days from DAY_ZERO to a date column, in the dialect's own (cheap) date arithmetic."""

    type = Float()
    inherit_cache = True


@compiles(days_since_day_zero, "sqlite")
def _days_sqlite(element: days_since_day_zero, compiler: Any, **kw: Any) -> str:
    # julianday('2000-01-01') is 2451544.5; a literal saves parsing it again for every row.
    return f"(julianday({compiler.process(element.clauses, **kw)}) - 2451544.5)"


@compiles(days_since_day_zero, "postgresql")
def _days_postgresql(element: days_since_day_zero, compiler: Any, **kw: Any) -> str:
    return f"(({compiler.process(element.clauses, **kw)}) - DATE '{DAY_ZERO.isoformat()}')"


def digest_rows(session: Session, team_id: str, user_ids: Sequence[str], closed_since: datetime) -> list[Any]:
    """The digest's goals with their check-in trend and latest answered check-in: one query, whatever the team.

    The trend comes as least-squares sums over (d, value) of every check-in with a value, d being its week's
    Monday in days since DAY_ZERO, so the database adds up a year of weekly check-ins instead of sending each
    one over (bot.rules.digest_math.trend_forecast turns the sums into the forecast). The columns come in the
    order bot.services.digests.row_standing unpacks them: the goal's, the trend's, then its latest answered
    check-in's.
    """
    if not user_ids:
        return []
    d = days_since_day_zero(CheckIn.week_start)
    y = CheckIn.value
    reached = or_(and_(Goal.direction == "increase", y >= Goal.target),
                  and_(Goal.direction == "decrease", y <= Goal.target))
    answered = aliased(CheckIn)
    # Walks the (goal, week) index backwards and stops at the first answered week: a row or two per goal.
    latest_answered = (
        select(answered.id).where(answered.goal_id == Goal.id, answered.status == "answered")
        .order_by(answered.week_start.desc()).limit(1).correlate(Goal).scalar_subquery()
    )
    trends = (
        select(
            Goal.id.label("goal_id"), func.count(CheckIn.id).label("n"), func.sum(d).label("sd"),
            func.sum(y).label("sy"), func.sum(d * d).label("sdd"), func.sum(d * y).label("sdy"),
            # Dates compare as dates (ISO text in SQLite): no date arithmetic needed for the extremes.
            func.min(CheckIn.week_start).label("first_week"), func.max(CheckIn.week_start).label("last_week"),
            func.min(case((reached, CheckIn.week_start))).label("reached_week"),
            latest_answered.label("last_id"),
        )
        .select_from(Goal)
        .outerjoin(CheckIn, and_(CheckIn.goal_id == Goal.id, y.is_not(None), CheckIn.status != "skipped"))
        .where(*_digest_goal_filter(team_id, user_ids, closed_since))
        # Grouped in the order the owner index hands rows over, so SQLite needs no sort for the GROUP BY.
        .group_by(Goal.team_id, Goal.user_id, Goal.status, Goal.id)
        # Materialized: computed once even when PostgreSQL has no statistics yet and guesses a single goal.
        .cte("digest_trends")
        .prefix_with("MATERIALIZED")
    )
    last = aliased(CheckIn)
    query = (
        select(
            Goal.id, Goal.user_id, Goal.title, Goal.unit, Goal.direction, Goal.baseline, Goal.target, Goal.current,
            Goal.start_date, Goal.deadline, Goal.status, Goal.adjusted_at, Goal.closed_at,
            trends.c.n, trends.c.sd, trends.c.sy, trends.c.sdd, trends.c.sdy, trends.c.first_week,
            trends.c.last_week, trends.c.reached_week,
            last.week_start, last.answered_at, last.value, last.mood, last.note, last.blocker,
        )
        .select_from(trends)
        .join(Goal, Goal.id == trends.c.goal_id)
        .outerjoin(last, last.id == trends.c.last_id)
        .order_by(Goal.user_id, Goal.id)
    )
    return list(session.execute(query))


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


def inactive_teams(session: Session) -> frozenset[str]:
    """Workspaces that uninstalled goalbot or revoked its token: nothing is sent to them (cached per session)."""
    cached = session.info.get("inactive_teams")
    if cached is None:
        cached = frozenset(session.scalars(select(Workspace.team_id).where(
            (Workspace.uninstalled_at.is_not(None)) | (Workspace.tokens_revoked_at.is_not(None)))))
        session.info["inactive_teams"] = cached
    return cached
