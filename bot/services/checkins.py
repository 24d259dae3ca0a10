"""Weekly check-ins: the owner's schedule, replies read in the thread, buttons, the update modal, on demand.

How a thread reply finds its check-in: CheckIn.message_ts/channel_id when known (set by `/goal checkin`, which
posts at once, and copied on the first lookup); otherwise the outbox row that delivered the scheduled message
(kind "checkin", ref_id = the check-in's id, sent_ts = the thread's ts, indexed). Every reply is applied once:
its (channel, ts) is claimed in processed_events inside the same transaction that records it, so a Slack retry,
a duplicate event id or the same message under a new event id changes nothing twice. Edits and deletions of a
reply are not re-read (bot/listeners/events/messages.py drops those subtypes): a correction is a new reply.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from slack_sdk import WebClient
from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.blocks import checkins as blocks
from bot.blocks.common import Message, clip, escape, text_message
from bot.blocks.standing import measure_text, numbers_of, overridden, standing_of, status_label
from bot.delivery.direct import post_messages
from bot.delivery.errors import classify
from bot.delivery.outbox import enqueue, find_sent
from bot.deps import Deps
from bot.rules.deadlines import local_today
from bot.rules.numbers import find_amounts
from bot.rules.progress import Kind, Status, standing
from bot.rules.replies import GoalContext, ReplyReading, read_reply
from bot.rules.reply_check import Verdict, judge
from bot.clock import as_utc
from bot.rules.schedule import NextCheckIn, PlannedGoal, current_slot, week_start
from bot.rules.schedule import next_checkin as rules_next_checkin
from bot.services.conversation import Turn
from bot.settings import Settings
from prompts import fmt_amount, fmt_date, normalize_lang, t
from storage.models import (
    CheckIn,
    Goal,
    OutboxMessage,
    ProcessedEvent,
    TeamSettings,
    UserPref,
)

log = logging.getLogger(__name__)

ASKED, ANSWERED, SKIPPED = "asked", "answered", "skipped"
NOT_RECORDING = ("done", "dropped", "missed")  # closed goals a check-in no longer changes
MAX_TEXT = 2000  # notes and blockers are kept verbatim up to this length; Slack messages can be far longer


@dataclass(frozen=True)
class Schedule:
    """When a person's weekly check-in is due: weekday (0 = Monday), local "HH:MM", zone, pause."""

    weekday: int
    time: str
    tz: str
    paused_until: date | None


def schedule_for(pref: UserPref | None, team: TeamSettings | None, settings: Settings, tz: str) -> Schedule:
    """The person's own check-in time, else the team default, else the app default."""
    weekday, hhmm = settings.checkin_weekday, settings.checkin_time
    if team is not None and team.checkin_weekday is not None and team.checkin_time:
        weekday, hhmm = team.checkin_weekday, team.checkin_time
    if pref is not None and pref.checkin_weekday is not None and pref.checkin_time:
        weekday, hhmm = pref.checkin_weekday, pref.checkin_time
    return Schedule(weekday, hhmm, tz, pref.paused_until if pref is not None else None)


def load_schedule(session: Session, settings: Settings, team_id: str, user_id: str, tz: str) -> Schedule:
    """Read a person's schedule from the database."""
    return schedule_for(session.get(UserPref, (team_id, user_id)), session.get(TeamSettings, team_id), settings, tz)


def owner_lang(pref: UserPref | None, fallback: str) -> str:
    """The language to write to a goal's owner in."""
    if pref is None:
        return normalize_lang(fallback)
    return normalize_lang(pref.lang or pref.slack_locale, normalize_lang(fallback))


def stored_lang(session: Session, team_id: str, user_id: str, default: str) -> str:
    """The person's language from what is stored (no Slack call: for answers due within the 3-second ack)."""
    return owner_lang(session.get(UserPref, (team_id, user_id)), default)


def day_name(lang: str, weekday: int) -> str:
    """The weekday's name in the language: Friday / venerdì."""
    return get_day_names("wide", locale="it_IT" if lang == "it" else "en_US")[weekday]


def local_moment(lang: str, at: NextCheckIn | datetime | None, tz: str) -> str:
    """A send moment as the person reads it: "Friday 27 November at 16:00", or "in a moment" when already due."""
    if at is None:
        return t(lang, "checkin.none_due")
    if isinstance(at, NextCheckIn):
        if at.due_now:
            return t(lang, "checkin.due_now")
        sent, at = at.this_week_sent, at.at
        local = at.astimezone(ZoneInfo(tz))
        moment = t(lang, "checkin.at", date=fmt_date(lang, local.date(), "weekday"), time=local.strftime("%H:%M"))
        return t(lang, "checkin.after_this_week", moment=moment) if sent else moment
    local = at.astimezone(ZoneInfo(tz))
    return t(lang, "checkin.at", date=fmt_date(lang, local.date(), "weekday"), time=local.strftime("%H:%M"))


def next_checkin(session: Session, schedule: Schedule, *, team_id: str, user_id: str,
                 now: datetime) -> NextCheckIn | None:
    """The next check-in the planner will really send this person (the planner's own rule, over their goals)."""
    week, _ = current_slot(now, schedule.tz, schedule.weekday, schedule.time)
    rows = session.execute(
        select(Goal.created_at, Goal.deadline, CheckIn.id).outerjoin(
            CheckIn, and_(CheckIn.goal_id == Goal.id, CheckIn.week_start == week))
        .where(Goal.team_id == team_id, Goal.user_id == user_id, Goal.status == "active")).all()
    goals = [PlannedGoal(as_utc(created), deadline, asked is not None) for created, deadline, asked in rows]
    return rules_next_checkin(now, schedule.tz, schedule.weekday, schedule.time,
                              paused_until=schedule.paused_until, goals=goals)


# --- the check-in row ----------------------------------------------------------------------------------------


def insert_checkin(session: Session, goal_id: int, week: date, now: datetime) -> int | None:
    """Insert this week's check-in for a goal; its id, or None when the week already has one (unique key)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (insert(CheckIn).values(goal_id=goal_id, week_start=week, status=ASKED, asked_at=now)
                 .on_conflict_do_nothing(index_elements=["goal_id", "week_start"]).returning(CheckIn.id))
    return session.execute(statement).scalar()


def checkin_of_week(session: Session, goal_id: int, week: date, now: datetime) -> tuple[CheckIn, bool]:
    """This week's check-in for the goal, created when missing; True when it was created now."""
    created = insert_checkin(session, goal_id, week, now) is not None
    checkin = session.scalars(select(CheckIn).where(CheckIn.goal_id == goal_id, CheckIn.week_start == week)).one()
    return checkin, created


def checkin_key(goal_id: int, week: date) -> str:
    """The outbox idempotency key of a goal's scheduled check-in message for a week."""
    return f"checkin:{goal_id}:{week.isoformat()}"


def find_thread_checkin(
    session: Session, *, team_id: str, user_id: str, channel: str, thread_ts: str,
) -> CheckIn | None:
    """The person's check-in whose message started this thread, or None when the thread is something else."""
    mine = and_(Goal.team_id == team_id, Goal.user_id == user_id)
    checkin = session.scalars(select(CheckIn).join(Goal).where(
        mine, CheckIn.message_ts == thread_ts, CheckIn.channel_id == channel)).first()
    if checkin is not None:
        return checkin
    row = session.execute(
        select(CheckIn, OutboxMessage.sent_channel).join(Goal)
        .join(OutboxMessage, and_(OutboxMessage.ref_id == CheckIn.id, OutboxMessage.kind == "checkin"))
        .where(mine, OutboxMessage.sent_ts == thread_ts)
    ).first()
    if row is None or row[1] not in (None, channel):
        return None
    checkin = row[0]
    if checkin.message_ts is None:
        # Next time the check-in's own (indexed) columns answer; a later `/goal checkin` may move them on.
        checkin.message_ts, checkin.channel_id = thread_ts, channel
    return checkin


def claim_message(session: Session, channel: str, ts: str, now: datetime) -> bool:
    """Claim a person's message in this transaction; False (session rolled back) when it was already applied."""
    session.add(ProcessedEvent(event_id=f"msg:{channel}:{ts}"[:64], received_at=now))
    try:
        session.flush()
    except IntegrityError:
        # A concurrent twin waits on the row lock (PostgreSQL) or the write lock (SQLite), then lands here.
        session.rollback()
        return False
    return True


# --- reading and recording -----------------------------------------------------------------------------------


def goal_context(goal: Goal) -> GoalContext:
    """The goal as the reply reader needs it: the start the progress model measures from (None when unknown)."""
    return GoalContext(baseline=numbers_of(goal).start_value, target=goal.target, current=goal.current,
                       unit=goal.unit, direction=goal.direction)


def read_for_goal(text: str, lang: str, goal: Goal) -> ReplyReading:
    """Read a reply against the goal."""
    return read_reply(text, lang=lang, goal=goal_context(goal))


def judge_reply(text: str, lang: str, goal: Goal, confirmed: list[float]) -> tuple[ReplyReading, Verdict]:
    """The parser's reading of a reply and the model's verdict on it: record a value, or ask back."""
    reading = read_for_goal(text, lang, goal)
    return reading, judge(reading, find_amounts(text, lang), numbers_of(goal), confirmed=confirmed)


def _bare_number(text: str, lang: str) -> float | None:
    """The value of a reply that is one unsigned number and nothing else ("3", "€120k"), else None."""
    amounts = find_amounts(text, lang)
    if len(amounts) != 1 or amounts[0].sign:
        return None
    rest = (text[: amounts[0].start] + text[amounts[0].end :]).strip(" .!")
    return amounts[0].value if not rest else None


def _one_of(value: float | None, candidates: list[float]) -> float | None:
    if value is None:
        return None
    return next((c for c in candidates if math.isclose(c, value, rel_tol=1e-9, abs_tol=1e-9)), None)



def record_value(
    session: Session, checkin: CheckIn, goal: Goal, *, value: float, now: datetime, tz: str, lang: str,
    blocker: str | None = None,
) -> list[Message]:
    """Record the week's value: the check-in, the goal's current value and status; the thread answer."""
    today = local_today(now, tz)
    previous = standing_of(goal, today).value
    if checkin.status != ANSWERED or checkin.previous_value is None:
        checkin.previous_value = previous  # a correction later in the week keeps where the week started
    checkin.value = value
    checkin.status = ANSWERED
    checkin.answered_at = now
    checkin.pending = None
    goal.current = value
    goal.updated_at = now
    session.flush()
    session.refresh(goal, attribute_names=["checkins"])
    numbers = replace(numbers_of(goal), closed_as=None, override=False)
    item = standing(numbers, today)  # as if open: a correction may take an automatic achievement back
    checkin.pace = goal.pace = str(item.status)
    if item.status is Status.ACHIEVED and goal.status == "active":
        goal.status, goal.closed_at = "achieved", now
    elif goal.status == "achieved" and item.status is not Status.ACHIEVED and not overridden(goal):
        goal.status, goal.closed_at = "active", None
    session.flush()
    return [blocks.recorded_message(lang, goal, value=value, previous=previous, today=today, blocker=blocker)]


def _closed(lang: str, goal: Goal) -> list[Message]:
    return [text_message(t(lang, "checkin.recorded.closed", title=blocks.title_of(goal),
                           status=t(lang, f"status.{goal.status}")))]


def answer_reply(session: Session, checkin: CheckIn, turn: Turn, text: str, ts: str) -> list[Message]:
    """Apply a reply typed in the check-in's thread: a value, a blocker, or a question back when unsure."""
    goal = checkin.goal
    lang = turn.lang
    checkin.reply_ts = ts
    checkin.reply_text = clip(text, MAX_TEXT)
    if goal.status in NOT_RECORDING:
        return _closed(lang, goal)
    pending = dict(checkin.pending or {})
    confirmed = [float(c) for c in pending.get("candidates") or []]
    reading, verdict = judge_reply(text, lang, goal, confirmed)
    if pending.get("awaiting") == "blocker":
        # The answer to "what's blocking you?" is the blocker, numbers and all; a clear value is recorded too.
        checkin.blocker = clip(text, MAX_TEXT)
        checkin.pending = None
        if verdict.value is not None:
            return record_value(session, checkin, goal, value=verdict.value, now=turn.now, tz=turn.tz, lang=lang,
                                blocker=checkin.blocker)
        return [text_message(t(lang, "checkin.mood.blocker_saved", blocker=escape(clip(text, 500))))]
    if reading.note:
        checkin.note = clip(reading.note, MAX_TEXT)
    if reading.blocker:
        checkin.blocker = clip(reading.blocker, MAX_TEXT)
    value = verdict.value
    if value is None and confirmed:
        # "3" in answer to "3 in total or 7?" picks the reading it names.
        value = _one_of(_bare_number(text, lang), confirmed)
    if value is not None:
        return record_value(session, checkin, goal, value=value, now=turn.now, tz=turn.tz, lang=lang,
                            blocker=reading.blocker)
    reason = verdict.reason or "no_number"
    checkin.pending = {"awaiting": "value", "reason": reason, "candidates": [c.value for c in verdict.candidates],
                       "meanings": [c.meaning for c in verdict.candidates]}
    return [blocks.question_message(lang, goal, checkin.id, text=text, reason=reason,
                                    candidates=list(verdict.candidates))]


def handle_thread_reply(deps: Deps, client: WebClient, turn: Turn, event: dict[str, Any]) -> bool:
    """Record a reply in a check-in thread; False when the thread is not a check-in."""
    channel, thread_ts, ts = event["channel"], str(event["thread_ts"]), str(event["ts"])
    text = (event.get("text") or "").strip()
    with deps.sessions() as session:
        checkin = find_thread_checkin(session, team_id=turn.team_id, user_id=turn.user_id, channel=channel,
                                      thread_ts=thread_ts)
        if checkin is None:
            return False
        if not claim_message(session, channel, ts, turn.now):
            log.info("check-in reply %s/%s already applied", channel, ts)
            return True
        messages = answer_reply(session, checkin, turn, text, ts)
        session.commit()
    post_messages(client, deps, team_id=turn.team_id, channel=channel, messages=messages,
                  key=f"checkin-reply:{channel}:{ts}", thread_ts=thread_ts)
    return True


# --- buttons and the modal -----------------------------------------------------------------------------------


def owned_checkin(session: Session, checkin_id: int, turn: Turn) -> CheckIn | None:
    """The check-in, when it exists and belongs to the person acting on it."""
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None or checkin.goal.user_id != turn.user_id or checkin.goal.team_id != turn.team_id:
        return None
    return checkin


def thread_of(session: Session, checkin: CheckIn, channel: str) -> tuple[str, str | None]:
    """Where the check-in's message is (channel, ts), so an answer can go in its thread; ts None when unsent."""
    if checkin.message_ts:
        return checkin.channel_id or channel, checkin.message_ts
    sent = find_sent(session, "checkin", checkin.id)
    if sent is not None and sent.sent_ts:
        return sent.sent_channel or channel, sent.sent_ts
    return channel, None


def remember_message(checkin: CheckIn, channel: str | None, message_ts: str | None) -> None:
    """Note where the check-in's message is, so replies in its thread find it directly."""
    if channel and message_ts and checkin.message_ts is None:
        checkin.message_ts, checkin.channel_id = message_ts, channel


def _numbers_line(lang: str, goal: Goal, today: date) -> str:
    item = standing_of(goal, today)
    return t(lang, "checkin.mood.numbers", pace=status_label(lang, item), measure=measure_text(lang, item))


def set_mood(session: Session, checkin: CheckIn, turn: Turn, mood: str) -> list[Message]:
    """On track / At risk / Blocked: keep how the owner feels; Blocked asks what blocks them."""
    goal = checkin.goal
    lang = turn.lang
    if goal.status in NOT_RECORDING:
        return _closed(lang, goal)
    checkin.mood = mood
    if checkin.status == SKIPPED:
        checkin.status = ASKED
    title = blocks.title_of(goal)
    if mood == "blocked":
        checkin.pending = {"awaiting": "blocker"}
        return [text_message(t(lang, "checkin.mood.blocked", title=title))]
    lines = [t(lang, f"checkin.mood.{mood}", title=title), _numbers_line(lang, goal, turn.today)]
    if checkin.status != ANSWERED:
        lines.append(t(lang, "checkin.mood.ask_number"))
    return [text_message("\n".join(lines))]


def skip_week(session: Session, checkin: CheckIn, turn: Turn, settings: Settings) -> list[Message]:
    """Skip this week's check-in: no reminder; the next week's arrives as usual."""
    goal = checkin.goal
    if checkin.status == ASKED:
        checkin.status = SKIPPED
    checkin.pending = None
    session.flush()
    schedule = load_schedule(session, settings, goal.team_id, goal.user_id, turn.tz)
    at = next_checkin(session, schedule, team_id=goal.team_id, user_id=goal.user_id, now=turn.now)
    if at is not None:
        at = replace(at, this_week_sent=False)  # "Skipped this week" already says why it is a later week
    return [text_message(t(turn.lang, "checkin.mood.skipped", title=blocks.title_of(goal),
                           next=local_moment(turn.lang, at, schedule.tz)))]


def pick_value(session: Session, checkin: CheckIn, turn: Turn, value: float) -> list[Message]:
    """One of the readings offered for an ambiguous reply was chosen."""
    goal = checkin.goal
    if goal.status in NOT_RECORDING:
        return _closed(turn.lang, goal)
    return record_value(session, checkin, goal, value=value, now=turn.now, tz=turn.tz, lang=turn.lang)


def read_modal_value(text: str, lang: str, goal: Goal) -> tuple[float | None, str | None]:
    """The modal's number as a value, or the localized error to show under the field."""
    text = (text or "").strip()
    reading, verdict = judge_reply(text, lang, goal, [])
    if verdict.value is not None:
        return verdict.value, None
    bare = _bare_number(text, lang)
    if verdict.reason in ("ambiguous_delta", "jump") and bare is not None:
        return bare, None  # the field asks for the new value: a plain number is the total, typed on purpose
    if verdict.reason == "unit_mismatch":
        return None, t(lang, "checkin.modal.unit", unit=blocks.fmt_unit(lang, goal.unit))
    if verdict.candidates:
        unit = "%" if numbers_of(goal).kind is Kind.GROWTH else goal.unit
        options = " / ".join(fmt_amount(lang, c.value, unit) for c in verdict.candidates[:5])
        return None, t(lang, "checkin.modal.choose", options=options)
    del reading
    return None, t(lang, "checkin.modal.unreadable")


def record_modal(session: Session, checkin: CheckIn, turn: Turn, value_text: str, note: str | None) -> list[Message]:
    """Record the modal's value and note."""
    goal = checkin.goal
    if goal.status in NOT_RECORDING:
        return _closed(turn.lang, goal)
    value, error = read_modal_value(value_text, turn.lang, goal)
    if value is None:
        return [text_message(error or t(turn.lang, "checkin.modal.unreadable"))]
    if note and note.strip():
        checkin.note = clip(note.strip(), MAX_TEXT)
    return record_value(session, checkin, goal, value=value, now=turn.now, tz=turn.tz, lang=turn.lang)


# --- on demand -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    """What `/goal checkin` did: messages posted now and messages queued for when Slack accepts them."""

    posted: int
    queued: int


def send_now(deps: Deps, client: WebClient, turn: Turn, channel: str, *, request_key: str,
             goal_id: int | None = None) -> SendResult:
    """Post a check-in for each active goal now, recorded as this week's check-in (one row per goal and week)."""
    now = turn.now
    week = week_start(turn.today)
    with deps.sessions() as session:
        query = select(Goal.id).where(Goal.team_id == turn.team_id, Goal.user_id == turn.user_id,
                                      Goal.status == "active").order_by(Goal.id)
        if goal_id is not None:
            query = query.where(Goal.id == goal_id)
        goal_ids = list(session.scalars(query))
    posted = queued = 0
    for gid in goal_ids:
        with deps.sessions() as session:
            goal = session.get(Goal, gid)
            if goal is None or goal.status != "active":
                continue
            checkin, _ = checkin_of_week(session, gid, week, now)
            if checkin.status == SKIPPED:
                checkin.status = ASKED
            checkin.asked_at = now
            message = blocks.checkin_message(turn.lang, goal, checkin.id, turn.today)
            session.commit()
            checkin_id = checkin.id
        payload = message.payload()
        try:
            response = client.chat_postMessage(channel=channel, **payload)
        except Exception as error:  # noqa: BLE001 - classified: retryable goes to the outbox, the rest is raised
            failure = classify(error)
            if failure.permanent:
                raise
            with deps.sessions() as session:
                enqueue(session, key=f"{checkin_key(gid, week)}:now:{request_key}", kind="checkin",
                        team_id=turn.team_id, channel=turn.user_id, payload=payload, now=now, ref_id=checkin_id,
                        not_before=now + timedelta(seconds=failure.retry_after or 1))
                session.commit()
            queued += 1
            continue
        with deps.sessions() as session:
            row = session.get(CheckIn, checkin_id)
            if row is not None:
                row.message_ts, row.channel_id = str(response["ts"]), str(response["channel"])
                session.commit()
        posted += 1
    return SendResult(posted, queued)
