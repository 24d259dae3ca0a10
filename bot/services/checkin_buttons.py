"""The check-in card's buttons (On track, At risk, Blocked, Skip, a picked reading) and the Update progress modal.

Every answer goes in the check-in's thread. The modal's number is checked while Slack waits (errors shown under
the field), then recorded after the ack.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks import checkins as blocks
from bot.blocks.common import Message, clip, text_message
from bot.blocks.standing import measure_text, numbers_of, standing_of, status_label
from bot.context import RequestContext
from bot.delivery.outbox import find_sent
from bot.deps import Deps
from bot.rules.progress import Kind
from bot.rules.statuses import ENDED, CheckInStatus, Mood, ReadingSource
from bot.services.checkin_schedule import load_schedule, local_moment, skip_moment
from bot.services.checkins import (
    MAX_TEXT,
    Origin,
    bare_number,
    closed_reply,
    judge_reply,
    record_value,
)
from bot.settings import Settings
from prompts import fmt_amount, t
from storage.db import unit_of_work
from storage.models import CheckIn, Goal
from storage.repositories import get_checkin

log = logging.getLogger(__name__)

PICK = "pick"  # one of the readings offered for an ambiguous reply
SKIP = "skip"


def owned_checkin(session: Session, checkin_id: int, ctx: RequestContext) -> CheckIn | None:
    """The check-in, when it exists and belongs to the person acting on it."""
    checkin = get_checkin(session, checkin_id)
    if checkin is None or checkin.goal.user_id != ctx.user_id or checkin.goal.team_id != ctx.team_id:
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


@dataclass(frozen=True)
class Place:
    """Where goalbot answers about a check-in: its card's thread as recorded when the card was sent, else the DM."""

    channel: str
    thread_ts: str | None


def recorded_place(session: Session, checkin: CheckIn, ctx: RequestContext) -> Place:
    """The check-in card's channel and ts as goalbot recorded them (the check-in row or its sent outbox row).

    A card not known to be sent yet is answered in the person's DM, outside any thread.
    """
    channel, ts = thread_of(session, checkin, ctx.user_id)
    return Place(channel, ts) if ts else Place(ctx.user_id, None)


def remember_place(checkin: CheckIn, recorded: Place) -> None:
    """Keep the card's place (found through its sent outbox row) on the check-in, so thread replies find it directly."""
    if recorded.thread_ts and checkin.message_ts is None:
        checkin.message_ts, checkin.channel_id = recorded.thread_ts, recorded.channel


def points_elsewhere(recorded: Place, channel: str | None, *message_ts: str | None) -> bool:
    """True when a payload claims a place other than the recorded card or its thread (payload fields are hints).

    `message_ts`: the clicked message and the thread it is in; either may be the card. Nothing to check against
    (the card's ts is unknown) is not a mismatch: the answer then goes to the DM, not where the payload says.
    """
    if recorded.thread_ts is None or not any(message_ts):
        return False
    return channel != recorded.channel or recorded.thread_ts not in message_ts


def refused_place(ctx: RequestContext, what: str, channel: str | None, recorded: Place) -> list[Message]:
    """Log a payload that points somewhere else than the recorded card; the calm answer for the person's DM."""
    log.warning("%s by %s names channel %s, but the check-in card is in %s: ignored", what, ctx.user_id, channel,
                recorded.channel)
    return [text_message(t(ctx.lang, "errors.wrong_place"))]


def _numbers_line(lang: str, goal: Goal, today: date) -> str:
    item = standing_of(goal, today)
    return t(lang, "checkin.mood.numbers", pace=status_label(lang, item), measure=measure_text(lang, item))


def set_mood(session: Session, checkin: CheckIn, ctx: RequestContext, mood: str) -> list[Message]:
    """On track / At risk / Blocked: keep how the owner feels; Blocked asks what blocks them."""
    goal = checkin.goal
    lang = ctx.lang
    if goal.status in ENDED:
        return closed_reply(lang, goal)
    checkin.mood = mood
    if checkin.status == CheckInStatus.SKIPPED:
        checkin.status = CheckInStatus.ASKED
    title = blocks.title_of(goal)
    if mood == Mood.BLOCKED:
        checkin.pending = {"awaiting": "blocker"}
        return [text_message(t(lang, "checkin.mood.blocked", title=title))]
    lines = [t(lang, f"checkin.mood.{mood}", title=title), _numbers_line(lang, goal, ctx.today)]
    if checkin.status != CheckInStatus.ANSWERED:
        lines.append(blocks.reply_hint(lang, numbers_of(goal), "checkin.mood.ask_number"))
    return [text_message("\n".join(lines))]


def skip_week(session: Session, checkin: CheckIn, ctx: RequestContext, settings: Settings,
              typed: bool = False, reason: str | None = None) -> list[Message]:
    """Skip this week's check-in: no reminder; the next week's arrives as usual. A skip `typed` in the thread
    keeps its `reason` ("I'm on PTO") as the week's note, for the manager's week, and a bare "skip" none."""
    goal = checkin.goal
    if checkin.status == CheckInStatus.ASKED:
        checkin.status = CheckInStatus.SKIPPED
    if typed and checkin.status == CheckInStatus.SKIPPED:
        checkin.note = clip(reason, MAX_TEXT) if reason else None
    checkin.pending = None
    session.flush()
    schedule = load_schedule(session, settings, goal.team_id, goal.user_id, ctx.tz)
    at = skip_moment(session, schedule, team_id=goal.team_id, user_id=goal.user_id, now=ctx.now)
    return [text_message(t(ctx.lang, "checkin.mood.skipped", title=blocks.title_of(goal),
                           next=local_moment(ctx.lang, at, schedule.tz)))]


def pick_value(session: Session, checkin: CheckIn, ctx: RequestContext, value: float) -> list[Message]:
    """One of the readings offered for an ambiguous reply was chosen (if that question is still the open one)."""
    goal = checkin.goal
    if goal.status in ENDED:
        return closed_reply(ctx.lang, goal)
    pending = checkin.pending or {}
    offered = [float(c) for c in pending.get("candidates") or []] if pending.get("awaiting") == "value" else []
    if not any(math.isclose(value, c, rel_tol=1e-9, abs_tol=1e-9) for c in offered):
        # The week was settled since the question (a correction, another reply, a second click): an old button
        # would put back the value the person had just corrected away, without a word.
        correct = t(ctx.lang, "reading.buttons.correct")
        if checkin.value is None:
            return [text_message(t(ctx.lang, "checkin.pick_stale_empty"))]
        unit = "%" if numbers_of(goal).kind is Kind.GROWTH else goal.unit
        return [text_message(t(ctx.lang, "checkin.pick_stale", value=fmt_amount(ctx.lang, checkin.value, unit),
                               correct=correct))]
    return record_value(session, checkin, goal, value=value, now=ctx.now, tz=ctx.tz, lang=ctx.lang,
                        origin=Origin(ReadingSource.PICK, ctx.user_id))


def read_modal_value(text: str, lang: str, goal: Goal, *,
                     before: float | None = None) -> tuple[float | None, str | None]:
    """The modal's number as a value (a change counts from `before` when given), or the error to show under it."""
    text = (text or "").strip()
    _reading, verdict = judge_reply(text, lang, goal, [], before=before)
    if verdict.value is not None:
        return verdict.value, None
    bare = bare_number(text, lang)
    if verdict.reason in ("ambiguous_delta", "jump") and bare is not None:
        return bare, None  # the field asks for the new value: a plain number is the total, typed on purpose
    if verdict.reason == "unit_mismatch":
        return None, t(lang, "checkin.modal.unit", unit=blocks.fmt_unit(lang, goal.unit))
    if verdict.candidates:
        unit = "%" if numbers_of(goal).kind is Kind.GROWTH else goal.unit
        options = " / ".join(fmt_amount(lang, c.value, unit) for c in verdict.candidates[:5])
        return None, t(lang, "checkin.modal.choose", options=options)
    return None, t(lang, "checkin.modal.unreadable")


def record_modal(session: Session, checkin: CheckIn, ctx: RequestContext, value_text: str, note: str | None) -> list[Message]:
    """Record the modal's value and note."""
    goal = checkin.goal
    if goal.status in ENDED:
        return closed_reply(ctx.lang, goal)
    value, error = read_modal_value(value_text, ctx.lang, goal)
    if value is None:
        return [text_message(error or t(ctx.lang, "checkin.modal.unreadable"))]
    if note and note.strip():
        checkin.note = clip(note.strip(), MAX_TEXT)
    return record_value(session, checkin, goal, value=value, now=ctx.now, tz=ctx.tz, lang=ctx.lang,
                        origin=Origin(ReadingSource.MODAL, ctx.user_id, text=value_text.strip()))


@dataclass(frozen=True)
class ButtonAnswer:
    """What a click on a check-in did: the answer, where it goes, and whether the check-in was there to change."""

    messages: list[Message]
    changed: bool
    place: Place


def _pick(session: Session, checkin: CheckIn, ctx: RequestContext, value: str) -> list[Message]:
    try:
        picked = float(value.split(":", 1)[1])
    except (IndexError, ValueError):
        return [text_message(t(ctx.lang, "checkin.modal.gone"))]
    return pick_value(session, checkin, ctx, picked)


def press(deps: Deps, ctx: RequestContext, *, button: str, checkin_id: int | None, value: str,
          channel: str | None, message_ts: str | None, thread_ts: str | None) -> ButtonAnswer:
    """A check-in button: `button` is a Mood, SKIP or PICK (with the reading in `value`, "12:7.0").

    `channel`, `message_ts` and `thread_ts` are where the payload says the click happened: only checked against
    the recorded card; the answer goes to the card's recorded thread.
    """
    dm = Place(ctx.user_id, None)
    with unit_of_work(deps.sessions, person=(ctx.team_id, ctx.user_id)) as session:
        checkin = owned_checkin(session, checkin_id, ctx) if checkin_id is not None else None
        if checkin is None:
            return ButtonAnswer([text_message(t(ctx.lang, "checkin.modal.gone"))], changed=False, place=dm)
        recorded = recorded_place(session, checkin, ctx)
        if points_elsewhere(recorded, channel, message_ts, thread_ts):
            return ButtonAnswer(refused_place(ctx, f"a {button} click", channel, recorded), changed=False, place=dm)
        remember_place(checkin, recorded)
        if button == PICK:
            messages = _pick(session, checkin, ctx, value)
        elif button == SKIP:
            messages = skip_week(session, checkin, ctx, deps.settings)
        else:
            messages = set_mood(session, checkin, ctx, Mood(button))
        return ButtonAnswer(messages, changed=True, place=recorded)


@dataclass(frozen=True)
class ModalOpening:
    """The Update progress modal to open, or (view None) what to answer instead and where."""

    view: dict[str, Any] | None
    messages: list[Message]
    place: Place


def update_modal(deps: Deps, ctx: RequestContext, checkin_id: int | None, *, channel: str | None,
                 message_ts: str | None, thread_ts: str | None) -> ModalOpening:
    """The Update progress modal for the person's check-in; an answer instead when it is gone (or someone else's).

    The modal's metadata names the card's recorded place, not the payload's (which is only checked).
    """
    dm = Place(ctx.user_id, None)
    with unit_of_work(deps.sessions, person=(ctx.team_id, ctx.user_id)) as session:
        checkin = owned_checkin(session, checkin_id, ctx) if checkin_id is not None else None
        if checkin is None:
            return ModalOpening(None, [text_message(t(ctx.lang, "checkin.modal.gone"))], dm)
        recorded = recorded_place(session, checkin, ctx)
        if points_elsewhere(recorded, channel, message_ts, thread_ts):
            return ModalOpening(None, refused_place(ctx, "an Update progress click", channel, recorded), dm)
        remember_place(checkin, recorded)
        view = blocks.update_modal(ctx.lang, checkin.goal, {"checkin": checkin.id, "channel": recorded.channel,
                                                            "thread_ts": recorded.thread_ts})
        return ModalOpening(view, [], recorded)


def check_modal(deps: Deps, ctx: RequestContext, checkin_id: int, value: str) -> str | None:
    """The error to show under the modal's field, or None when the value can be recorded."""
    with deps.sessions() as session:
        checkin = get_checkin(session, checkin_id)
        if checkin is None or checkin.goal.user_id != ctx.user_id or checkin.goal.status in ENDED:
            return t(ctx.lang, "checkin.modal.gone")
        return read_modal_value(value, ctx.lang, checkin.goal)[1]


@dataclass(frozen=True)
class ModalAnswer:
    """Where to answer a recorded modal (the check-in's thread) and what to say."""

    channel: str
    thread_ts: str | None
    messages: list[Message]


def submit_modal(deps: Deps, ctx: RequestContext, checkin_id: int, *, value: str, note: str | None,
                 channel: str | None, thread_ts: str | None) -> ModalAnswer | None:
    """Record the modal's value and note; None when the ack already refused it (the modal stayed open).

    The answer goes in the check-in's recorded thread. `channel` and `thread_ts` come from the modal's
    private_metadata, which the client sends back: a place other than the recorded card records nothing.
    """
    with unit_of_work(deps.sessions, person=(ctx.team_id, ctx.user_id)) as session:
        checkin = owned_checkin(session, checkin_id, ctx)
        if checkin is None:
            return None  # the ack already said so under the field
        goal = checkin.goal
        if goal.status in ENDED or read_modal_value(value, ctx.lang, goal)[0] is None:
            return None  # refused in the ack: the modal stayed open with the reason
        recorded = recorded_place(session, checkin, ctx)
        if points_elsewhere(recorded, channel, thread_ts) or (channel or None) not in (None, recorded.channel, ctx.user_id):
            return ModalAnswer(ctx.user_id, None, refused_place(ctx, "a check-in modal", channel, recorded))
        messages = record_modal(session, checkin, ctx, value, note)
        return ModalAnswer(recorded.channel, recorded.thread_ts, messages)
