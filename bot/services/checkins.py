"""The check-in row and how a value is read and recorded on it; each use case has its own module beside this one.

checkin_schedule (when the weekly check-in comes, pause, resume), checkin_replies (answers typed in the thread),
checkin_buttons (the card's buttons and the update modal), checkin_now (`/goal checkin` and the Home's button).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.blocks import checkins as blocks
from bot.blocks.common import Message, clip, text_message
from bot.blocks.standing import numbers_of, overridden, standing_of
from bot.rules.deadlines import local_today
from bot.rules.limits import storable_amount
from bot.rules.numbers import find_amounts
from bot.rules.progress import Status, standing
from bot.rules.replies import GoalContext, ReplyReading, read_reply
from bot.rules.reply_check import Verdict, judge
from bot.rules.statuses import CheckInStatus, GoalStatus, ReadingSource, ReadingStatus
from bot.services.profiles import valid_tz
from bot.settings import Settings
from prompts import normalize_lang, t
from storage.models import CheckIn, CheckInReading, Goal, UserPref
from storage.repositories import (
    current_reading,
    find_checkin_of_week,
    get_checkin,
    get_user_pref,
    goal_with_history,
    has_later_value,
    insert_checkin,
    lock_checkin,
)

MAX_TEXT = 2000  # notes and blockers are kept verbatim up to this length; Slack messages can be far longer


def owner_lang(pref: UserPref | None, fallback: str) -> str:
    """The language to write to a goal's owner in."""
    if pref is None:
        return normalize_lang(fallback)
    return normalize_lang(pref.lang or pref.slack_locale, normalize_lang(fallback))


def checkin_key(goal_id: int, week: date) -> str:
    """The outbox idempotency key of a goal's scheduled check-in message for a week."""
    prefix, suffix = checkin_key_parts(week)
    return f"{prefix}{goal_id}{suffix}"


def checkin_key_parts(week: date) -> tuple[str, str]:
    """What comes before and after the goal's id in `checkin_key` (the planner builds the keys in SQL)."""
    return "checkin:", f":{week.isoformat()}"


def checkin_card(session: Session, checkin_id: int, now: datetime, settings: Settings) -> dict[str, Any] | None:
    """The weekly card of a planned check-in, rendered as it is sent: from the goal as it stands then, in its
    owner's language, on their local day; None when the check-in or its goal is gone."""
    checkin = get_checkin(session, checkin_id)
    goal = goal_with_history(session, checkin.goal_id) if checkin is not None else None
    if goal is None:
        return None
    pref = get_user_pref(session, goal.team_id, goal.user_id)
    lang = owner_lang(pref, settings.default_lang)
    today = now.astimezone(ZoneInfo(valid_tz(pref.tz if pref else None, settings.default_tz))).date()
    return blocks.checkin_message(lang, goal, checkin_id, today).payload()


def checkin_of_week(session: Session, goal_id: int, week: date, now: datetime) -> tuple[CheckIn, bool]:
    """This week's check-in for the goal, created when missing; True when it was created now."""
    created = insert_checkin(session, goal_id, week, now) is not None
    checkin = find_checkin_of_week(session, goal_id, week)
    if checkin is None:
        raise LookupError(f"the check-in of goal {goal_id} for {week} vanished while being created")
    return checkin, created


def goal_context(goal: Goal, *, before: float | None = None) -> GoalContext:
    """The goal as the reply reader needs it: the start the progress model measures from (None when unknown).

    `before`: the goal's value before the reading being replaced (an edit or a correction reads "+3" from
    there, not from the value it replaces).
    """
    return GoalContext(baseline=numbers_of(goal).start_value, target=goal.target,
                       current=goal.current if before is None else before,
                       unit=goal.unit, direction=goal.direction)


def read_for_goal(text: str, lang: str, goal: Goal, *, before: float | None = None) -> ReplyReading:
    """Read a reply against the goal (from `before` when it replaces an earlier reading)."""
    return read_reply(text, lang=lang, goal=goal_context(goal, before=before))


def judge_reply(text: str, lang: str, goal: Goal, confirmed: list[float], *,
                before: float | None = None) -> tuple[ReplyReading, Verdict]:
    """The parser's reading of a reply and the model's verdict on it: record a value, or ask back.

    `before`: as in `goal_context`; the verdict then also weighs the reply against that value.
    """
    reading = read_for_goal(text, lang, goal, before=before)
    numbers = numbers_of(goal) if before is None else replace(numbers_of(goal), current=before)
    return reading, judge(reading, find_amounts(text, lang), numbers, confirmed=confirmed)


def bare_number(text: str, lang: str) -> float | None:
    """The value of a reply that is one unsigned number and nothing else ("3", "€120k"), else None."""
    amounts = find_amounts(text, lang)
    if len(amounts) != 1 or amounts[0].sign:
        return None
    rest = (text[: amounts[0].start] + text[amounts[0].end :]).strip(" .!")
    return amounts[0].value if not rest else None


def one_of(value: float | None, candidates: list[float]) -> float | None:
    """The candidate equal to `value` (a reading offered before), else None."""
    if value is None:
        return None
    return next((c for c in candidates if math.isclose(c, value, rel_tol=1e-9, abs_tol=1e-9)), None)


@dataclass(frozen=True)
class Origin:
    """Where a recorded value came from: how, by whom, the owner's words, and the reply's place when typed."""

    source: ReadingSource
    by: str
    text: str | None = None
    channel: str | None = None
    ts: str | None = None


def settle_goal(session: Session, checkin: CheckIn, goal: Goal, value: float | None, *, now: datetime,
                tz: str) -> Status:
    """Put the week's value (None: the week has none) on the goal: current, status and achieved, as the progress
    model says; return the model's status.

    A later week's value stays the goal's current one: changing an older week only changes that week.
    """
    goal.updated_at = now
    if not has_later_value(session, goal.id, checkin.week_start):
        goal.current = value if value is not None else checkin.previous_value
    session.flush()
    session.refresh(goal, attribute_names=["checkins"])
    numbers = replace(numbers_of(goal), closed_as=None, override=False)
    status = standing(numbers, local_today(now, tz)).status  # as if open: a correction may take an achievement back
    checkin.pace = str(status) if value is not None else None
    goal.pace = str(status)
    if status is Status.ACHIEVED and goal.status == GoalStatus.ACTIVE:
        goal.status, goal.closed_at = GoalStatus.ACHIEVED, now
    elif goal.status == GoalStatus.ACHIEVED and status is not Status.ACHIEVED and not overridden(goal):
        goal.status, goal.closed_at = GoalStatus.ACTIVE, None  # a correction took the achievement back
    return status


def add_reading(session: Session, checkin: CheckIn, *, value: float, previous: float | None, origin: Origin,
                now: datetime) -> CheckInReading:
    """Keep the value as the check-in's current reading; the one it replaces stays in the history."""
    lock_checkin(session, checkin.id)  # a concurrent twin waits here, then sees this reading as the one to replace
    replaced = current_reading(session, checkin.id)
    if replaced is not None:
        replaced.status, replaced.ended_at = ReadingStatus.SUPERSEDED, now
    reading = CheckInReading(
        checkin_id=checkin.id, value=value, previous_value=previous, previous_status=checkin.status,
        replaces_id=replaced.id if replaced is not None else None, source=origin.source,
        status=ReadingStatus.CURRENT, text=clip(origin.text, MAX_TEXT) if origin.text is not None else None,
        message_channel=origin.channel if origin.ts else None, message_ts=origin.ts, created_by=origin.by,
        created_at=now)
    session.add(reading)
    session.flush()
    return reading


def record_value(
    session: Session, checkin: CheckIn, goal: Goal, *, value: float, now: datetime, tz: str, lang: str,
    origin: Origin, blocker: str | None = None, headline: str | None = None,
) -> list[Message]:
    """Record the week's value as a reading: the check-in, the goal's value and status; the thread answer.

    The answer echoes what was understood, with Undo and Correct buttons carrying the reading's id;
    `headline` replaces the echo's first line (a correction or an edit says what changed).
    """
    if not storable_amount(value):
        return [text_message(t(lang, "edge.number_too_large"))]  # nothing recorded: asked again instead
    today = local_today(now, tz)
    previous = standing_of(goal, today).value
    if checkin.status != CheckInStatus.ANSWERED or checkin.previous_value is None:
        checkin.previous_value = previous  # a correction later in the week keeps where the week started
    reading = add_reading(session, checkin, value=value, previous=previous, origin=origin, now=now)
    checkin.value = value
    checkin.status = CheckInStatus.ANSWERED
    checkin.answered_at = now
    checkin.pending = None
    settle_goal(session, checkin, goal, value, now=now, tz=tz)
    session.flush()
    change = None if previous is None else value - previous
    return [blocks.recorded_message(lang, goal, value=value, change=change, today=today, blocker=blocker,
                                    reading_id=reading.id, headline=headline)]


def closed_reply(lang: str, goal: Goal) -> list[Message]:
    """The answer to a check-in on a goal its owner closed."""
    return [text_message(t(lang, "checkin.recorded.closed", title=blocks.title_of(goal),
                           status=t(lang, f"status.{goal.status}")))]
