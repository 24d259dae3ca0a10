"""Typed SQLAlchemy 2 models: the database is the source of truth for goals, schedules and what was sent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from storage.statuses import CheckInStatus, GoalStatus, OutboxStatus, ReadingStatus


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time, stored in UTC and read back timezone-aware in UTC, on SQLite as on PostgreSQL.

    SQLite keeps no offset: without this, 10:00+01:00 would be stored as 10:00 and read back as 10:00 UTC. A naive
    datetime is refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """The same instant in UTC; refuses a datetime without a time zone."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"a timestamp needs a time zone, got the naive {value.isoformat()}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Aware in UTC, whether the driver kept the offset (PostgreSQL) or not (SQLite)."""
        if value is None:
            return None
        return aware(value).astimezone(UTC)


def aware(value: datetime) -> datetime:
    """A stored instant as the driver returned it, made aware: SQLite keeps no offset, and what goalbot stores is UTC."""
    # combine(), not replace(tzinfo=UTC): on Python 3.11 replace() parses its keywords, 0.71 µs a call against
    # 0.15 µs, and a digest reads thousands of these.
    return value if value.tzinfo is not None else datetime.combine(value.date(), value.time(), UTC)


Timestamp = UtcDateTime()


class Base(DeclarativeBase):
    """Declarative base for every goalbot table."""


class UserPref(Base):
    """What goalbot knows about a person: language, time zone, check-in schedule, pause."""

    __tablename__ = "user_prefs"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    lang: Mapped[str | None] = mapped_column(String(8))  # chosen with /goal lang; wins over Slack's locale
    slack_locale: Mapped[str | None] = mapped_column(String(16))
    tz: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(80))  # from users.info; digests name people without pinging
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    checkin_weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday; None = team default
    checkin_time: Mapped[str | None] = mapped_column(String(5))
    paused_until: Mapped[date | None] = mapped_column(Date)
    profile_fetched_at: Mapped[datetime | None] = mapped_column(Timestamp)
    slack_admin: Mapped[bool | None] = mapped_column(Boolean)  # users.info is_owner or is_admin; None = not asked yet
    # When the person first opened goalbot's Home tab: only then is the Home published again after each change.
    home_opened_at: Mapped[datetime | None] = mapped_column(Timestamp)


class TeamSettings(Base):
    """Workspace-wide defaults set by an admin."""

    __tablename__ = "team_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    checkin_weekday: Mapped[int | None] = mapped_column(Integer)
    checkin_time: Mapped[str | None] = mapped_column(String(5))


class Conversation(Base):
    """A SMART conversation in progress; at most one per person, so a restart resumes it."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_conversation_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    history: Mapped[list[str]] = mapped_column(JSON, default=list)  # steps visited, for "back"
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # a warning awaiting "yes", or a value awaiting a choice
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    # Carried by every button of this conversation's cards: a press on an older conversation's card (ids can be
    # reused once a row is deleted) is recognised and changes nothing. None for conversations started before it.
    card_key: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(Timestamp)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)


class Goal(Base):
    """A confirmed SMART goal and where it stands."""

    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_owner", "team_id", "user_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)  # the owner's own words, verbatim
    type: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(Text)
    metric: Mapped[str | None] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(16))
    baseline: Mapped[float | None] = mapped_column(Float)
    # The unit of `baseline` when it differs in kind from the target's: a growth goal's target is "+15%" and
    # its starting amount is €200,000 (EUR). None means the target's unit.
    baseline_unit: Mapped[str | None] = mapped_column(String(16))
    target: Mapped[float] = mapped_column(Float)
    current: Mapped[float | None] = mapped_column(Float)
    start_date: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    confidence: Mapped[int | None] = mapped_column(Integer)
    plan: Mapped[str | None] = mapped_column(Text)
    relevance: Mapped[str | None] = mapped_column(Text)
    # The company or team objective the goal serves; "something else" stays free text in `relevance`.
    # No foreign key: objectives are retired (active = False), never deleted, and adding one on SQLite means
    # recreating `goals`, whose DROP with foreign keys on would cascade away every check-in.
    objective_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # public: in channel digests and exports; private: the owner and up the reporting line only.
    visibility: Mapped[str] = mapped_column(String(16), default="public", server_default="public")
    status: Mapped[str] = mapped_column(String(16), default=GoalStatus.ACTIVE)
    pace: Mapped[str | None] = mapped_column(String(16))  # last computed: on_track, at_risk, off_track, achieved
    closed_note: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)
    closed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    adjusted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # When the title was last brought in line with the numbers (rewritten after an edit, or reworded by the
    # owner): an edit after it leaves the title as the owner's original wording, and screens say so.
    title_updated_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # The title's words go the other way from the goal since it was set: the owner answered that "increase churn
    # rate to 5%" meant bringing it down. Screens mark the words as the original wording until they are reworded.
    title_reversed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    checkins: Mapped[list[CheckIn]] = relationship(
        back_populates="goal", order_by="CheckIn.week_start", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[GoalRevision]] = relationship(
        back_populates="goal", order_by="GoalRevision.id", cascade="all, delete-orphan"
    )


class GoalRevision(Base):
    """One change to a goal: who, when, why, before and after."""

    __tablename__ = "goal_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    changed_by: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(Timestamp)
    field: Mapped[str] = mapped_column(String(32))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)

    goal: Mapped[Goal] = relationship(back_populates="revisions")


class CheckIn(Base):
    """One goal's check-in for one week: asked once, answered in the thread."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("goal_id", "week_start", name="uq_checkin_goal_week"),
        # Covers the team digest's trend sums and "latest answered week": read from the index, not the rows.
        Index("ix_checkins_trend", "goal_id", "week_start", "status", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)  # Monday of the owner's local week
    status: Mapped[str] = mapped_column(String(16), default=CheckInStatus.ASKED)
    value: Mapped[float | None] = mapped_column(Float)
    previous_value: Mapped[float | None] = mapped_column(Float)
    pace: Mapped[str | None] = mapped_column(String(16))
    mood: Mapped[str | None] = mapped_column(String(16))  # on_track / at_risk / blocked from the buttons
    note: Mapped[str | None] = mapped_column(Text)
    blocker: Mapped[str | None] = mapped_column(Text)
    reply_text: Mapped[str | None] = mapped_column(Text)  # the owner's reply, verbatim
    reply_ts: Mapped[str | None] = mapped_column(String(32))  # the last thread reply applied: a redelivery is a no-op
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # a question asked back, awaiting the owner's answer
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    asked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    answered_at: Mapped[datetime | None] = mapped_column(Timestamp)
    reminded_at: Mapped[datetime | None] = mapped_column(Timestamp)

    goal: Mapped[Goal] = relationship(back_populates="checkins")


class CheckInReading(Base):
    """One value recorded on a check-in, kept after it is undone or replaced: the history shows every reading.

    `message_ts` is the owner's reply it was read from (None for buttons and modals), so an edit or a deletion of
    that reply in Slack finds it. `replaces_id` is the reading it superseded: undoing this one restores that one.
    """

    __tablename__ = "checkin_readings"
    __table_args__ = (Index("ix_checkin_readings_message", "message_channel", "message_ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    previous_value: Mapped[float | None] = mapped_column(Float)  # the goal's value just before this reading
    previous_status: Mapped[str] = mapped_column(String(16))  # the check-in's status just before it
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("checkin_readings.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(16))  # reply, edit, pick, modal, correction
    status: Mapped[str] = mapped_column(String(16), default=ReadingStatus.CURRENT)
    text: Mapped[str | None] = mapped_column(Text)  # what the owner wrote, verbatim (clipped)
    message_channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp)  # when it stopped being current

    checkin: Mapped[CheckIn] = relationship()


class ReportingLine(Base):
    """Who a person reports to in goalbot: at most one manager each, so the primary key is the person."""

    __tablename__ = "reporting_lines"
    __table_args__ = (Index("ix_reporting_lines_manager", "team_id", "manager_id"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(32))
    set_by: Mapped[str] = mapped_column(String(32))
    set_at: Mapped[datetime] = mapped_column(Timestamp)


class GoalbotAdmin(Base):
    """A person made a goalbot admin by another admin (Slack's owners and admins are admins without a row)."""

    __tablename__ = "goalbot_admins"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(Timestamp)


class Objective(Base):
    """A company or team objective goals align to; with a measure (unit and target) its goals' gains add up."""

    __tablename__ = "objectives"
    __table_args__ = (Index("ix_objectives_team", "team_id", "active"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)  # verbatim, as the admin or manager typed it
    unit: Mapped[str | None] = mapped_column(String(16))
    target: Mapped[float | None] = mapped_column(Float)
    owner_id: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class ManagerSettings(Base):
    """A manager's settings for their reports: whether goals a rep sets alone need the manager's approval."""

    __tablename__ = "manager_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(Timestamp)


class CheckInComment(Base):
    """A manager's comment on a check-in, kept here and posted in the check-in's thread."""

    __tablename__ = "checkin_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)  # verbatim
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    message_ts: Mapped[str | None] = mapped_column(String(32))  # the thread reply, once posted


class GoalProposal(Base):
    """A goal two people are agreeing on: proposed by a manager, or set by a rep awaiting approval.

    Nothing becomes an active goal until both agree; then `goal_id` points at the goal that was created.
    """

    __tablename__ = "goal_proposals"
    __table_args__ = (
        Index("ix_goal_proposals_owner", "team_id", "owner_id", "status"),
        Index("ix_goal_proposals_manager", "team_id", "manager_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(32))  # the rep whose goal it will be
    manager_id: Mapped[str] = mapped_column(String(32))
    origin: Mapped[str] = mapped_column(String(16))  # manager (proposed for the rep) or rep (awaiting approval)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, agreed, withdrawn
    awaiting: Mapped[str] = mapped_column(String(32))  # whose answer is awaited
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)  # the SMART draft as currently proposed
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)
    reminded_at: Mapped[datetime | None] = mapped_column(Timestamp)

    events: Mapped[list[ProposalEvent]] = relationship(
        back_populates="proposal", order_by="ProposalEvent.id", cascade="all, delete-orphan"
    )


class ProposalEvent(Base):
    """One step of a negotiation: who proposed, accepted or asked for a change, with the reason and the draft."""

    __tablename__ = "proposal_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("goal_proposals.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))  # proposed, change_requested, countered, accepted, approved, ...
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)  # verbatim
    created_at: Mapped[datetime] = mapped_column(Timestamp)

    proposal: Mapped[GoalProposal] = relationship(back_populates="events")


class DigestSubscription(Base):
    """A channel that gets the weekly team digest."""

    __tablename__ = "digest_subscriptions"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_digest_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    weekday: Mapped[int] = mapped_column(Integer)
    time: Mapped[str] = mapped_column(String(5))
    tz: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    created_by: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class OutboxMessage(Base):
    """A message to deliver: written first, then sent; the idempotency key makes every send happen once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    ref_id: Mapped[int | None] = mapped_column(Integer)  # e.g. the check-in this message asks for
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(Timestamp)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_ts: Mapped[str | None] = mapped_column(String(32), index=True)  # finds the check-in a thread reply answers
    sent_channel: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Set just before a post and kept when its answer never came (a crash, a timeout, a reset, a 5xx): Slack may
    # have the message, so before posting again its channel's history is searched for the key (bot.delivery.sender).
    attempted_at: Mapped[datetime | None] = mapped_column(Timestamp)


class ProcessedEvent(Base):
    """Event ids already handled, so Slack's retries and duplicates are applied once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(Timestamp)


class InboxEvent(Base):
    """An event Slack delivered, recorded before its ack: a process killed after the ack leaves it to be finished."""

    __tablename__ = "inbox_events"
    __table_args__ = (Index("ix_inbox_events_waiting", "status", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)  # Slack's retries and duplicates land here
    team_id: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # the Events API envelope, re-dispatched after a crash
    status: Mapped[str] = mapped_column(String(16))  # InboxStatus: received, done, abandoned
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # handlings started by a recovery
    received_at: Mapped[datetime] = mapped_column(Timestamp)
    claimed_at: Mapped[datetime | None] = mapped_column(Timestamp)  # when a handler last took it up (or renewed)
    done_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Handed off by a web process (bot/handoff.py): the Bolt lazy function to run, and which after-ack process
    # holds it. None for a DM message recorded by a process that handles its own events.
    lazy_function: Mapped[str | None] = mapped_column(String(128))
    claimed_by: Mapped[str | None] = mapped_column(String(64))


# Tables of SQLite side files beside the database, created where they are used (not migrated: PostgreSQL has no
# side files).
side_files = MetaData()

# On SQLite, who holds a handed-off inbox row and whether it is done (bot/delivery/inbox.py handoff_sessions): kept
# in a file of their own, so the after-ack processes' claims and done-marks never take the handoff file's one write
# lock, which every ack's insert needs. A row of the handoff file without a line here is waiting.
HANDOFF_CLAIMS = Table(
    "handoff_claims", side_files,
    Column("id", Integer, primary_key=True, autoincrement=False),  # the inbox_events row's id in the handoff file
    Column("status", String(16), nullable=False),  # InboxStatus: received (held, or free after a release), done…
    Column("attempts", Integer, nullable=False),  # claims so far, this one included
    Column("claimed_at", Timestamp),  # None: released by its dead holder's successor, to be claimed at once
    Column("claimed_by", String(64)),
    Column("done_at", Timestamp),
)


class RequestFingerprint(Base):
    """A signed request already served: the same signature inside Slack's 5-minute window is a replay."""

    __tablename__ = "request_fingerprints"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(Timestamp, index=True)


class Workspace(Base):
    """A workspace's install state: when Slack told us the app was uninstalled or its tokens revoked."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    uninstalled_at: Mapped[datetime | None] = mapped_column(Timestamp)
    tokens_revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)


class SchedulerHeartbeat(Base):
    """The scheduler's last tick and which process holds it, so any web process can report it in /healthz."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    ticked_at: Mapped[datetime] = mapped_column(Timestamp)


# Installs in several workspaces (OAuth, bot/installs.py): slack_sdk's SQLAlchemy installation and state stores
# keep their own tables. They are built here, into goalbot's metadata, from slack_sdk's own definitions, so an
# Alembic migration creates them in goalbot's database and the "autogenerate finds no difference" check covers
# them too (a slack_sdk upgrade that changes them shows up there, not at an install).
SLACK_INSTALLATIONS_TABLE = "slack_installations"
SLACK_BOTS_TABLE = "slack_bots"
SLACK_OAUTH_STATES_TABLE = "slack_oauth_states"
slack_installations = SQLAlchemyInstallationStore.build_installations_table(Base.metadata, SLACK_INSTALLATIONS_TABLE)
slack_bots = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, SLACK_BOTS_TABLE)
slack_oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, SLACK_OAUTH_STATES_TABLE)
