"""Queries and writes, one function per question the app asks of its data."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    CursorResult,
    Date,
    DateTime,
    Engine,
    Executable,
    Result,
    Select,
    String,
    Table,
    and_,
    any_,
    bindparam,
    delete,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.sqlite import Insert as SQLiteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, contains_eager, selectinload

from storage.models import (
    Base,
    CheckIn,
    CheckInReading,
    Conversation,
    DigestSubscription,
    Goal,
    GoalRevision,
    OutboxMessage,
    ProcessedEvent,
    TeamSettings,
    Timestamp,
    UserPref,
    Workspace,
)
from storage.statuses import CheckInStatus, GoalStatus, OutboxStatus, ReadingStatus

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgreSQLInsert


def get_user_pref(session: Session, team_id: str, user_id: str) -> UserPref | None:
    """Return what is stored about a person, or None."""
    return session.get(UserPref, (team_id, user_id))


def insert_ignore(session: Session | Connection, model: type[Base], values: dict[str, Any], *,
                  conflict_on: Sequence[str] | None = None, returning: Any = None) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: a concurrent twin's row wins and nothing fails.

    Returns the `returning` column of the new row, or None when the row already existed (RETURNING, not
    rowcount: psycopg reports -1 for a single INSERT through the ORM session). `session` may also be a bare
    connection (the replay fingerprints autocommit on connections of their own).
    """
    dialect = session.get_bind().dialect if isinstance(session, Session) else session.dialect
    statement = _insert_ignore_statement(cast(Table, model.__table__), dialect.name,
                                         tuple(conflict_on) if conflict_on else None,
                                         None if returning is None else returning.key)
    if isinstance(session, Session) and session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()  # what the ORM statement did before it ran (a Core statement does not autoflush)
    result = session.execute(statement, values)
    return None if returning is None else result.scalar()


def insert_new(connection: Connection, model: type[Base], values: dict[str, Any], *, conflict_on: Sequence[str],
               returning: Any) -> bool:
    """insert_ignore as one autocommitted statement on a bare connection: True when the row is new.

    On SQLite without RETURNING: with it, the statement (and the file's write lock) stayed open until Python had
    fetched its row, and that thread could wait for the GIL meanwhile while other threads' inserts waited for the
    lock (three times as many waits with eight threads inserting). PostgreSQL reads `returning` (psycopg's rowcount
    is not to be trusted here, as insert_ignore says)."""
    if connection.dialect.name != "sqlite":
        return insert_ignore(connection, model, values, conflict_on=conflict_on, returning=returning) is not None
    statement = _insert_ignore_statement(cast(Table, model.__table__), "sqlite", tuple(conflict_on), None)
    return rowcount(connection.execute(statement, values)) == 1


@functools.cache
def _insert_ignore_statement(table: Table, dialect: str, conflict_on: tuple[str, ...] | None,
                             returning: str | None) -> Executable:
    """The statement of insert_ignore, built once per table and shape, with the values bound at execution.

    Why: `insert(Model).values(**row)` coerced every value into a new statement and went through the ORM's bulk
    path; on the ack path (a replay fingerprint, an inbox row) that was most of a request's CPU. A Core insert
    of the table with the row as parameters compiles once and is found in SQLAlchemy's cache by its shape.
    """
    statement = _insert(dialect, table).on_conflict_do_nothing(
        index_elements=list(conflict_on) if conflict_on else None)
    return statement if returning is None else statement.returning(table.c[returning])


def _insert(dialect: str, target: Table | type[Base]) -> SQLiteInsert | PostgreSQLInsert:
    """The dialect's INSERT, which can say ON CONFLICT. PostgreSQL's dialect is imported here, where it is used: a
    process on SQLite (the shell, the command line) never loads it, some 60 ms of CPU at every start."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        return insert(target)
    return sqlite_insert(target)


T = TypeVar("T")


def among(session: Session, column: InstrumentedAttribute[T], values: Sequence[T]) -> ColumnElement[bool]:
    """`column IN values` for a long list: on PostgreSQL one array parameter (= ANY), so two thousand ids are
    one bind to render and parse, not two thousand."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(list(values))


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (its result is a CursorResult; the ORM types it as Result)."""
    return cast(CursorResult[Any], result).rowcount


def upsert_user_pref(session: Session, team_id: str, user_id: str) -> UserPref:
    """Return the person's preferences row, creating it when missing (safe when two requests race)."""
    pref = session.get(UserPref, (team_id, user_id))
    if pref is None:
        insert_ignore(session, UserPref, {"team_id": team_id, "user_id": user_id})
        pref = session.get(UserPref, (team_id, user_id))
        if pref is None:
            raise LookupError(f"the preferences of {team_id}/{user_id} vanished while being created")
    return pref


def get_team_settings(session: Session, team_id: str) -> TeamSettings | None:
    """Return the workspace defaults, or None."""
    return session.get(TeamSettings, team_id)


def upsert_team_settings(session: Session, team_id: str) -> TeamSettings:
    """Return the workspace defaults row, creating it when missing."""
    insert_ignore(session, TeamSettings, {"team_id": team_id})
    row = session.get(TeamSettings, team_id)
    if row is None:
        raise LookupError(f"the settings of {team_id} vanished while being created")
    return row


def team_settings_of(session: Session, team_ids: Sequence[str]) -> dict[str, TeamSettings]:
    """The workspace defaults of these teams, by team id, in one query."""
    if not team_ids:
        return {}
    return {s.team_id: s for s in session.scalars(select(TeamSettings).where(TeamSettings.team_id.in_(list(team_ids))))}


def user_prefs_of_teams(session: Session, team_ids: Sequence[str]) -> dict[tuple[str, str], UserPref]:
    """Everything stored about the people of these teams, keyed by (team id, user id): a handful of parameters
    however many people there are."""
    if not team_ids:
        return {}
    return {(p.team_id, p.user_id): p for p in session.scalars(
        select(UserPref).where(UserPref.team_id.in_(list(team_ids))))}


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


class PlanningGoal(NamedTuple):
    """An active goal as the check-in planner reads it: a plain row, never an ORM object."""

    id: int
    team_id: str
    user_id: str
    created_at: datetime | None
    deadline: date
    start_date: date


class OwnerSchedule(NamedTuple):
    """What the planner needs of a goal owner's preferences: zone, language, weekly moment, pause."""

    team_id: str
    user_id: str
    tz: str | None
    lang: str | None
    slack_locale: str | None
    profile_fetched: bool  # users.info answered once: the zone is known (None there means Slack has none)
    checkin_weekday: int | None
    checkin_time: str | None
    paused_until: date | None


def active_goals_after(session: Session, after_id: int, limit: int) -> list[PlanningGoal]:
    """The next `limit` active goals with an id above `after_id`, in id order: the planner streams every active
    goal through this in batches (a keyset page along the primary key), so memory does not grow with the table."""
    rows = session.execute(
        select(Goal.id, Goal.team_id, Goal.user_id, Goal.created_at, Goal.deadline, Goal.start_date)
        .where(Goal.status == GoalStatus.ACTIVE, Goal.id > after_id).order_by(Goal.id).limit(limit))
    return [PlanningGoal(*row) for row in rows]


def owner_schedules(session: Session, owners: Sequence[tuple[str, str]]) -> dict[tuple[str, str], OwnerSchedule]:
    """The stored preferences of these (team, user) owners that have any, one query per team."""
    by_team: dict[str, list[str]] = {}
    for team_id, user_id in owners:
        by_team.setdefault(team_id, []).append(user_id)
    found: dict[tuple[str, str], OwnerSchedule] = {}
    for team_id, user_ids in by_team.items():
        rows = session.execute(select(
            UserPref.team_id, UserPref.user_id, UserPref.tz, UserPref.lang, UserPref.slack_locale,
            UserPref.profile_fetched_at.is_not(None), UserPref.checkin_weekday, UserPref.checkin_time, UserPref.paused_until,
        ).where(UserPref.team_id == team_id, among(session, UserPref.user_id, sorted(set(user_ids)))))
        found.update(((row.team_id, row.user_id), OwnerSchedule(*row)) for row in rows)
    return found


def get_goal(session: Session, goal_id: int, *, lock: bool = False) -> Goal | None:
    """Return one goal by id; with `lock`, locked until the transaction ends (PostgreSQL) and read afresh."""
    if lock:
        return session.get(Goal, goal_id, with_for_update=True, populate_existing=True)
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


def goal_with_history(session: Session, goal_id: int) -> Goal | None:
    """One goal with its check-ins and revisions loaded (what its standing is computed from)."""
    return session.scalars(select(Goal).options(selectinload(Goal.checkins), selectinload(Goal.revisions))
                           .where(Goal.id == goal_id)).first()


def get_checkin(session: Session, checkin_id: int) -> CheckIn | None:
    """Return one check-in by id."""
    return session.get(CheckIn, checkin_id)


def insert_checkin(session: Session, goal_id: int, week: date, now: datetime) -> int | None:
    """Insert this week's check-in for a goal, asked now; its id, or None when the week already has one."""
    checkin_id: int | None = insert_ignore(session, CheckIn, {"goal_id": goal_id, "week_start": week,
                                                             "status": CheckInStatus.ASKED, "asked_at": now},
                                           conflict_on=["goal_id", "week_start"], returning=CheckIn.id)
    return checkin_id


def insert_checkins(session: Session, goal_ids: Sequence[int], week: date, now: datetime) -> list[int]:
    """The week's check-in, asked now, for each of these goals that is still active and has none yet: one
    INSERT … SELECT … ON CONFLICT DO NOTHING. Returns the ids of the rows it inserted; a goal closed meanwhile,
    or whose week another planner run already took, is left out."""
    if not goal_ids:
        return []
    chosen = select(Goal.id, literal(week, Date()), literal("asked"), literal(now, Timestamp)).where(
        among(session, Goal.id, goal_ids), Goal.status == GoalStatus.ACTIVE)
    statement = (_insert(session.get_bind().dialect.name, CheckIn)
                 .from_select(["goal_id", "week_start", "status", "asked_at"], chosen)
                 .on_conflict_do_nothing(index_elements=["goal_id", "week_start"]).returning(CheckIn.id))
    return list(session.scalars(statement))


def insert_select_ignore(session: Session, model: type[Base], columns: Sequence[str], rows: Select[Any], *,
                         conflict_on: Sequence[str]) -> None:
    """INSERT … SELECT … ON CONFLICT DO NOTHING: many rows written by one statement, none of them in Python.
    `rows` must have a WHERE clause (SQLite would otherwise read the ON of ON CONFLICT as a join's)."""
    session.execute(_insert(session.get_bind().dialect.name, model).from_select(list(columns), rows)
                    .on_conflict_do_nothing(index_elements=list(conflict_on)))


def checkin_message_rows(session: Session, checkin_ids: Sequence[int], key_prefix: str,
                         key_suffix: str) -> Select[Any]:
    """For each of these check-ins: its outbox key (prefix, goal id, suffix), the goal's team and owner, and the
    check-in's id — the rows the planner's messages are written from, in SQL."""
    key = literal(key_prefix) + CheckIn.goal_id.cast(String) + literal(key_suffix)
    return (select(key.label("key"), Goal.team_id, Goal.user_id, CheckIn.id)
            .join(Goal, Goal.id == CheckIn.goal_id).where(among(session, CheckIn.id, checkin_ids)))


def unanswered_checkins(session: Session, *, asked_by: datetime, week_from: date) -> list[CheckIn]:
    """Check-ins of active goals asked by `asked_by` with no reply, no button, no skip and no reminder yet,
    of weeks from `week_from` on; each with its goal loaded."""
    return list(session.scalars(
        select(CheckIn).join(Goal, CheckIn.goal_id == Goal.id).options(contains_eager(CheckIn.goal))
        .where(CheckIn.status == CheckInStatus.ASKED, CheckIn.reminded_at.is_(None), CheckIn.reply_ts.is_(None),
               CheckIn.mood.is_(None), CheckIn.asked_at <= asked_by, CheckIn.week_start >= week_from,
               Goal.status == GoalStatus.ACTIVE)))


class AskedGoal(NamedTuple):
    """A goal of the person's whose check-in went out lately, and whether one of them still awaits an answer."""

    title: str
    waiting: bool


def asked_goals(session: Session, team_id: str, user_id: str, *, week_from: date) -> list[AskedGoal]:
    """The person's active goals with a check-in of a week from `week_from` on, answered or not, oldest first, in
    one statement: which of them still await an answer is a column, not a second query."""
    asked = CheckIn.goal_id == Goal.id, CheckIn.asked_at.is_not(None), CheckIn.week_start >= week_from
    waiting = select(CheckIn.id).where(*asked, CheckIn.status == CheckInStatus.ASKED).exists()
    return [AskedGoal(title, bool(open_)) for title, open_ in session.execute(
        select(Goal.title, waiting).where(
            Goal.team_id == team_id, Goal.user_id == user_id, Goal.status == GoalStatus.ACTIVE,
            select(CheckIn.id).where(*asked).exists())
        .order_by(Goal.id))]


def claim_reminder(session: Session, checkin_id: int, now: datetime) -> bool:
    """Compare-and-set: mark the check-in reminded if it still needs a reminder; False when it no longer does."""
    claimed = rowcount(session.execute(update(CheckIn).where(
        CheckIn.id == checkin_id, CheckIn.reminded_at.is_(None), CheckIn.status == CheckInStatus.ASKED,
        CheckIn.reply_ts.is_(None), CheckIn.mood.is_(None)).values(reminded_at=now)))
    return claimed == 1


@dataclass(frozen=True)
class ActiveGoalWeek:
    """One of a person's active goals as the check-in planner weighs it: when it began, its deadline, and whether
    its check-in for the week was already created."""

    created_at: datetime | None
    deadline: date
    asked: bool
    start_date: date


def active_goal_weeks(session: Session, team_id: str, user_id: str, week: date) -> list[ActiveGoalWeek]:
    """The person's active goals with whether each already has its check-in for the week starting `week`."""
    rows = session.execute(
        select(Goal.created_at, Goal.deadline, CheckIn.id, Goal.start_date).outerjoin(
            CheckIn, and_(CheckIn.goal_id == Goal.id, CheckIn.week_start == week))
        .where(Goal.team_id == team_id, Goal.user_id == user_id, Goal.status == GoalStatus.ACTIVE)).all()
    return [ActiveGoalWeek(created, deadline, asked is not None, start)
            for created, deadline, asked, start in rows]


@dataclass(frozen=True)
class DeliveredCheckIn:
    """A check-in found through the outbox row that delivered it, and the channel Slack posted it in."""

    checkin: CheckIn
    sent_channel: str | None


def find_checkin_by_thread(session: Session, team_id: str, user_id: str, channel: str,
                           thread_ts: str) -> CheckIn | None:
    """The person's check-in whose own message (posted at once) started this thread."""
    return session.scalars(select(CheckIn).join(Goal).where(
        Goal.team_id == team_id, Goal.user_id == user_id, CheckIn.message_ts == thread_ts,
        CheckIn.channel_id == channel)).first()


def find_checkin_by_delivered_thread(session: Session, team_id: str, user_id: str,
                                     thread_ts: str) -> DeliveredCheckIn | None:
    """The person's check-in whose scheduled message (delivered by the outbox) started this thread."""
    row = session.execute(
        select(CheckIn, OutboxMessage.sent_channel).join(Goal)
        .join(OutboxMessage, and_(OutboxMessage.ref_id == CheckIn.id, OutboxMessage.kind == "checkin"))
        .where(Goal.team_id == team_id, Goal.user_id == user_id, OutboxMessage.sent_ts == thread_ts)
    ).first()
    return None if row is None else DeliveredCheckIn(checkin=row.CheckIn, sent_channel=row.sent_channel)


def lock_checkin(session: Session, checkin_id: int) -> None:
    """Hold the check-in's row until the transaction ends (PostgreSQL), so two readings never both become current."""
    session.execute(select(CheckIn.id).where(CheckIn.id == checkin_id).with_for_update())


def current_reading(session: Session, checkin_id: int) -> CheckInReading | None:
    """The reading in force on a check-in, if any."""
    return session.scalars(select(CheckInReading).where(
        CheckInReading.checkin_id == checkin_id, CheckInReading.status == ReadingStatus.CURRENT)
        .order_by(CheckInReading.id.desc()).limit(1)).first()


def get_reading(session: Session, reading_id: int) -> CheckInReading | None:
    """One reading by id, with its check-in and goal reachable."""
    return session.get(CheckInReading, reading_id)


def latest_reading_of_message(session: Session, channel: str, message_ts: str) -> CheckInReading | None:
    """The newest reading read from this message (a reply, then its edits), if any."""
    return session.scalars(select(CheckInReading).where(
        CheckInReading.message_channel == channel, CheckInReading.message_ts == message_ts)
        .order_by(CheckInReading.id.desc()).limit(1)).first()


def readings_of_checkin(session: Session, checkin_id: int) -> list[CheckInReading]:
    """Every reading of a check-in, oldest first: the history of what was recorded, undone and corrected."""
    return list(session.scalars(select(CheckInReading).where(CheckInReading.checkin_id == checkin_id)
                                .order_by(CheckInReading.id)))


def readings_of_goal(session: Session, goal_id: int) -> list[tuple[CheckInReading, date]]:
    """Every reading of a goal's check-ins with its check-in's week, oldest first (the goal's history shows them)."""
    rows = session.execute(select(CheckInReading, CheckIn.week_start).join(CheckIn, CheckIn.id == CheckInReading.checkin_id)
                           .where(CheckIn.goal_id == goal_id).order_by(CheckInReading.id))
    return [(reading, week) for reading, week in rows]


def has_later_value(session: Session, goal_id: int, week: date) -> bool:
    """True when a later week's check-in of the goal holds a value (it, not this week, is the goal's current)."""
    return session.scalar(select(CheckIn.id).where(
        CheckIn.goal_id == goal_id, CheckIn.week_start > week, CheckIn.status == CheckInStatus.ANSWERED,
        CheckIn.value.is_not(None)).limit(1)) is not None


def claim_in_transaction(session: Session, event_id: str, now: datetime) -> bool:
    """Claim an event id inside the caller's transaction; False (the session rolled back) when already claimed."""
    session.add(ProcessedEvent(event_id=event_id[:64], received_at=now))
    try:
        session.flush()
    except IntegrityError:
        # A concurrent twin waits on the row lock (PostgreSQL) or the write lock (SQLite), then lands here.
        session.rollback()
        return False
    return True


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


def get_digest_subscription_by_id(session: Session, subscription_id: int) -> DigestSubscription | None:
    """Return a digest subscription by id, or None."""
    return session.get(DigestSubscription, subscription_id)


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

# The statuses are written into the SQL as the literals they are (goalbot's own words, never user input).
# SQLite writes a REAL in text with 15 significant digits (`r.value || ''`), which changes nine values in ten:
# 88.46234567891234 came back as 88.4623456789123, so a maintain goal's latest value no longer matched its current
# one (a week below the floor counted twice) and a value a hair under the floor read as held. 18 digits give every
# float back exactly (checked on 300,000 values; 17 do not with SQLite's own printf).
_RECENT_SQLITE = f"""(SELECT group_concat(r.week_start || ';' || printf('%!.18g', r.value), ';') FROM (
        SELECT c.week_start, c.value FROM checkins c
        WHERE c.goal_id = g.id AND c.status = '{CheckInStatus.ANSWERED}' AND c.value IS NOT NULL
        ORDER BY c.week_start DESC LIMIT :recent) r)"""
# ARRAY(subquery) keeps the subquery's ORDER BY (no aggregate to re-sort what the index scan already returns in
# order): the same text as string_agg(… ORDER BY week_start DESC) gave, 2 ms sooner on a 2,000-goal digest.
_RECENT_POSTGRESQL = f"""array_to_string(ARRAY(
        SELECT c.week_start::text || ';' || c.value::text FROM checkins c
        WHERE c.goal_id = g.id AND c.status = '{CheckInStatus.ANSWERED}' AND c.value IS NOT NULL
        ORDER BY c.week_start DESC LIMIT :recent), ';')"""

# Weeks on the wrong side of a maintain goal's floor (or a keep_below goal's ceiling): by more than 1e-9, the
# tolerance of bot.rules.progress (weeks_below, is_reached), so a value a float's rounding past it is held here as
# on every other screen. One subquery per direction, each a comparison the index answers (ix_checkins_trend); a
# CASE inside one subquery's WHERE would filter row by row.
_DIGEST_SQL = f"""
SELECT g.id, g.user_id, g.title, g.unit, g.metric, g.direction, g.baseline, g.baseline_unit, g.target, g.current,
       g.start_date,
       g.deadline, g.status, g.adjusted_at, g.title_updated_at, g.title_reversed, g.closed_at,
       EXISTS (SELECT 1 FROM goal_revisions gr WHERE gr.goal_id = g.id AND gr.field = 'override') AS override,
       {{recent}} AS recent,
       CASE WHEN g.direction = 'maintain' THEN (
           SELECT count(*) FROM checkins b WHERE b.goal_id = g.id AND b.status = '{CheckInStatus.ANSWERED}' AND b.value < g.target - 1e-9)
       WHEN g.direction = 'keep_below' THEN (
           SELECT count(*) FROM checkins b WHERE b.goal_id = g.id AND b.status = '{CheckInStatus.ANSWERED}' AND b.value > g.target + 1e-9)
       END AS below,
       (SELECT {{this_week}} FROM checkins w WHERE w.goal_id = g.id AND w.week_start >= :week
        ORDER BY w.week_start DESC LIMIT 1) AS this_week,
       l.week_start, l.answered_at, l.value, l.mood, {{note}}, l.blocker{{extra}}
FROM goals g
{{latest}}
WHERE g.team_id = :team AND {{where}}
ORDER BY g.user_id, g.id
"""

# The latest answered check-in of each goal. SQLite walks the (goal, week) index once per goal for the id; PostgreSQL
# would hash the whole checkins table for that join (60 ms of a 2,000-goal digest), so it gets a LATERAL join.
_LATEST_SQLITE = f"""LEFT JOIN checkins l ON l.id = (
    SELECT a.id FROM checkins a WHERE a.goal_id = g.id AND a.status = '{CheckInStatus.ANSWERED}'
    ORDER BY a.week_start DESC LIMIT 1)"""
_LATEST_POSTGRESQL = f"""LEFT JOIN LATERAL (
    SELECT a.week_start, a.answered_at, a.value, a.mood, a.note, a.blocker FROM checkins a
    WHERE a.goal_id = g.id AND a.status = '{CheckInStatus.ANSWERED}' ORDER BY a.week_start DESC LIMIT 1) l ON true"""
_TEAM_WHERE = f"g.user_id IN :users{{public}} AND (g.status = '{GoalStatus.ACTIVE}' OR g.closed_at >= :since)"


# This week's check-in status; a skipped week's with the reason typed for it ("skipped:on PTO"), on the paths that
# may quote notes (bot.services.goal_rows.row_goal splits it): no other statement, no other column.
_THIS_WEEK_NOTE = (f"CASE WHEN w.status = '{CheckInStatus.SKIPPED}' AND w.note IS NOT NULL "
                   f"THEN w.status || ':' || w.note ELSE w.status END")


def _digest_sql(dialect: str, *, where: str, extra: str, notes: bool = True) -> str:
    """The digest statement in the dialect's form (the same columns and rows on both); without `notes` the latest
    check-in's note column is NULL and this week's skip comes without its reason (a path that may not quote them
    never receives them)."""
    postgresql = dialect == "postgresql"
    return _DIGEST_SQL.format(recent=_RECENT_POSTGRESQL if postgresql else _RECENT_SQLITE,
                              latest=_LATEST_POSTGRESQL if postgresql else _LATEST_SQLITE, where=where, extra=extra,
                              note="l.note" if notes else "NULL",
                              this_week=_THIS_WEEK_NOTE if notes else "w.status")


# The digest statement's columns that need a type to come back as dates and datetimes (both statements). The two
# instants come as the driver reads them (naive UTC on SQLite; storage.models.aware reads them): Timestamp's
# conversion is a Python call on every row and column, 4,000 a 2,000-goal digest, for two local dates per goal.
# adjusted_at and title_updated_at are compared with each other only (bot.rules.titles.title_is_original), and are
# NULL on most goals (no conversion then).
_DIGEST_TYPES: dict[str, Any] = dict(start_date=Date, deadline=Date, closed_at=DateTime(timezone=True),
                                     week_start=Date, answered_at=DateTime(timezone=True),
                                     adjusted_at=DateTime(timezone=True), title_updated_at=DateTime(timezone=True),
                                     title_reversed=Boolean)


def digest_rows(
    session: Session, team_id: str, user_ids: Sequence[str], closed_since: datetime, week: date, *,
    public_only: bool = True, notes: bool = True,
) -> list[Any]:
    """The digest's goals, each with its latest recorded values, override flag and check-ins: one query.

    Per goal the database hands over at most RECENT_VALUES values (as "date;value;date;value;…", newest first), walking the
    (goal, week) index backwards, so a year of weekly check-ins is never read row by row; a MAINTAIN goal also
    gets how many recorded values fell below its floor. The columns come in the order
    bot.services.digests.row_goal unpacks them; closed_at and answered_at are naive on SQLite (storage.models.aware
    makes them aware). Goals shown: active ones and those closed since `closed_since`;
    a channel's digest only the public ones (bot.rules.visibility), a manager's week private ones too. Without
    `notes` the latest check-in's note comes back as None (a channel's digest quotes none: 2,000 texts not sent).
    """
    return _digest_select(session, team_id, user_ids, closed_since, week, public_only=public_only, notes=notes)


# A digest of at least this many members reads its rows in two parts on PostgreSQL (digest_row_parts).
READ_AHEAD_MEMBERS = 100


def digest_row_parts(
    session: Session, team_id: str, user_ids: Sequence[str], closed_since: datetime, week: date, *,
    public_only: bool = True, notes: bool = True, read_ahead: bool = True,
) -> Iterator[list[Any]]:
    """digest_rows' rows in parts, each part whole members in the statement's order: on PostgreSQL, for a team of
    READ_AHEAD_MEMBERS or more, two statements, the second running on a connection of its own while the caller
    works on the first part's rows; elsewhere, for smaller teams and without `read_ahead` (a session that has
    written something the other connection would not see), the one statement.

    Why: the server spends ~20 ms on a 2,000-goal digest, and the process waited for all of it before computing a
    single goal; half of it now runs behind the work on the first half. SQLite gains nothing from a second
    connection in a thread: its driver takes the GIL back after every row, so a thread computing beside it
    stalls each row by the interpreter's switch interval (5 ms). The parts read from two snapshots a few
    milliseconds apart; each member's goals come whole from one of them.
    """
    bind = session.get_bind()
    members = sorted(set(user_ids))
    if (not read_ahead or bind.dialect.name != "postgresql" or len(members) < READ_AHEAD_MEMBERS
            or not isinstance(bind, Engine)):
        yield _digest_select(session, team_id, members, closed_since, week, public_only=public_only, notes=notes)
        return
    half = len(members) // 2

    def second_half() -> list[Any]:
        with bind.connect() as connection:
            return _digest_select(connection, team_id, members[half:], closed_since, week, public_only=public_only,
                                  notes=notes)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-read-ahead") as pool:
        ahead = pool.submit(second_half)
        yield _digest_select(session, team_id, members[:half], closed_since, week, public_only=public_only,
                             notes=notes)
        yield ahead.result()


def _digest_select(
    executor: Session | Connection, team_id: str, user_ids: Sequence[str], closed_since: datetime, week: date, *,
    public_only: bool, notes: bool,
) -> list[Any]:
    if not user_ids:
        return []
    dialect = executor.get_bind().dialect.name if isinstance(executor, Session) else executor.dialect.name
    where = _TEAM_WHERE.format(public=" AND g.visibility = 'public'" if public_only else "")
    # One parameter for the members instead of one placeholder each (552 in a 500-member channel, which
    # SQLAlchemy rendered into the statement on every build): a statement text that does not depend on the team.
    # PostgreSQL takes an array; SQLite a JSON array read by json_each (the same index probe per member).
    users: list[str] | str = list(user_ids)
    if dialect == "postgresql":
        where = where.replace("g.user_id IN :users", "g.user_id = ANY(:users)")
    else:
        where = where.replace("g.user_id IN :users", "g.user_id IN (SELECT value FROM json_each(:users))")
        users = json.dumps(users)
    sql = text(_digest_sql(dialect, where=where, extra="", notes=notes)).columns(**_DIGEST_TYPES)
    params = {"team": team_id, "users": users, "since": closed_since, "week": week, "recent": RECENT_VALUES}
    # all(): one fetchall() from the driver; iterating the result would call fetchone() once per row.
    return list(executor.execute(sql, params).all())


def aligned_rows(session: Session, team_id: str, objective_ids: Sequence[int], week: date) -> list[Any]:
    """Every goal aligned to one of the objectives, whatever its state or owner, as digest_rows reads goals (the
    same columns, then the goal's objective id and visibility): one query for the roll-ups of every screen."""
    if not objective_ids:
        return []
    dialect = session.get_bind().dialect.name
    raw = text(_digest_sql(dialect, where="g.objective_id IN :objectives", extra=", g.objective_id, g.visibility"))
    sql = raw.bindparams(bindparam("objectives", expanding=True)).columns(**_DIGEST_TYPES)
    return list(session.execute(sql, {"team": team_id, "objectives": list(objective_ids), "week": week,
                                      "recent": RECENT_VALUES}).all())


def existing_outbox_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of these idempotency keys are already in the outbox."""
    if not keys:
        return set()
    return set(session.scalars(select(OutboxMessage.idempotency_key)
                               .where(OutboxMessage.idempotency_key.in_(list(keys)))))


def latest_sent(session: Session, kind: str, ref_ids: Sequence[int], chunk: int = 500) -> dict[int, OutboxMessage]:
    """The latest message of `kind` Slack accepted about each of these ids (ids per IN far below any limit)."""
    ids = list(ref_ids)
    sent: dict[int, OutboxMessage] = {}
    for start in range(0, len(ids), chunk):
        for message in session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind, OutboxMessage.ref_id.in_(ids[start:start + chunk]),
                                        OutboxMessage.status == OutboxStatus.SENT).order_by(OutboxMessage.id)):
            sent[int(message.ref_id or 0)] = message  # in id order: the latest one wins
    return sent


def failed_outbox_messages(session: Session, kind: str, since: datetime) -> list[OutboxMessage]:
    """Messages of a kind that failed for good since `since` (Slack refused them, e.g. the bot left the channel)."""
    return list(session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.status == OutboxStatus.FAILED, OutboxMessage.created_at >= since)
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
        select(Goal).options(selectinload(Goal.checkins)).where(Goal.status == GoalStatus.ACTIVE, due).order_by(Goal.id)))


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
        .where(UserPref.team_id == team_id, among(session, UserPref.user_id, user_ids),
               UserPref.display_name.is_not(None))
    )
    return {user_id: name for user_id, name in rows if name}


# Built once, on the table's columns: every outbox write and every planner run asks it, and a Core statement
# built once skips both the construction and the ORM's execution path (measured on SQLite, 2 December 2026:
# 579 us a call built each time through the mapped class, 271 us this way).
_WORKSPACES = cast(Table, Workspace.__table__)
_INACTIVE_TEAMS = select(_WORKSPACES.c.team_id).where(
    _WORKSPACES.c.uninstalled_at.is_not(None) | _WORKSPACES.c.tokens_revoked_at.is_not(None))


def inactive_teams(session: Session) -> frozenset[str]:
    """Workspaces that uninstalled goalbot or revoked its token: nothing is sent to them (cached per session)."""
    cached = session.info.get("inactive_teams")
    if cached is None:
        cached = frozenset(session.scalars(_INACTIVE_TEAMS))
        session.info["inactive_teams"] = cached
    return cached


def was_sent_at(session: Session, *, kind: str, ref_id: int, channel: str, ts: str) -> bool:
    """True when goalbot's outbox sent a message of `kind` about `ref_id` that Slack placed at (channel, ts)."""
    return session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.kind == kind, OutboxMessage.ref_id == ref_id,
                                       OutboxMessage.sent_channel == channel, OutboxMessage.sent_ts == ts).limit(1)
    ) is not None
