"""What happens to a recorded reading afterwards: Undo, Correct, and the owner editing or deleting the reply it was
read from in Slack. Every change is a new row in the readings history; nothing recorded is ever overwritten.

Undo and a deleted reply take the reading back: the check-in returns to the reading it replaced (or to no value
that week) and the goal to where that leaves it. Correct and an edited reply record a new reading that replaces
it. Only the current reading can be undone or corrected, and only by the goal's owner; a press on an older one
changes nothing and says so. Edits and deletions are applied once, however often Slack delivers them.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks import checkins as blocks
from bot.blocks import readings as reading_blocks
from bot.blocks.common import Message, clip, text_message
from bot.context import RequestContext
from bot.deps import Deps
from bot.rules.statuses import ENDED, CheckInStatus, ReadingSource, ReadingStatus
from bot.services.checkin_buttons import (
    Place,
    points_elsewhere,
    read_modal_value,
    recorded_place,
    refused_place,
    thread_of,
)
from bot.services.checkin_replies import ThreadAnswer, answer_reply, find_thread_checkin
from bot.services.checkins import MAX_TEXT, Origin, closed_reply, judge_reply, record_value, settle_goal
from prompts import t
from storage.db import unit_of_work
from storage.models import CheckIn, CheckInReading
from storage.repositories import claim_in_transaction, get_reading, latest_reading_of_message, lock_checkin

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadingAnswer:
    """What a press on Undo or Correct did: the answer, where it goes, whether anything changed.

    `private` answers go to the presser alone (someone other than the owner pressed).
    """

    messages: list[Message]
    changed: bool = False
    private: bool = False
    channel: str | None = None
    thread_ts: str | None = None


def locked_reading(session: Session, reading_id: int | None) -> CheckInReading | None:
    """The reading, read afresh after locking its check-in: a double press is decided one press at a time."""
    reading = get_reading(session, reading_id) if reading_id is not None else None
    if reading is None:
        return None
    lock_checkin(session, reading.checkin_id)
    session.refresh(reading)
    session.refresh(reading.checkin)
    return reading


def _refusal(reading: CheckInReading | None, ctx: RequestContext, *,
             current_only: bool = True) -> ReadingAnswer | None:
    """Why this press changes nothing (gone, someone else's, no longer current), or None when it may act.

    `current_only=False` skips the last reason: a modal's ack may run after its own lazy half replaced the reading.
    """
    if reading is None or reading.checkin.goal.team_id != ctx.team_id:
        return ReadingAnswer([text_message(t(ctx.lang, "checkin.modal.gone"))])
    goal = reading.checkin.goal
    if goal.user_id != ctx.user_id:
        return ReadingAnswer([text_message(t(ctx.lang, "reading.not_owner"))], private=True)
    if goal.status in ENDED:
        return ReadingAnswer(closed_reply(ctx.lang, goal))
    if current_only and reading.status != ReadingStatus.CURRENT:
        checkin = reading.checkin
        current = checkin.value if checkin.status == CheckInStatus.ANSWERED else None
        return ReadingAnswer([reading_blocks.not_current_message(ctx.lang, unit=goal.unit, value=reading.value,
                                                                 current=current)])
    return None


def _restorable(session: Session, reading: CheckInReading) -> tuple[CheckInReading | None, CheckInReading]:
    """The reading this one replaced that still stands (skipping undone or withdrawn ones), and the chain's first."""
    first = reading
    seen = {reading.id}
    while first.replaces_id is not None and first.replaces_id not in seen:
        earlier = get_reading(session, first.replaces_id)
        if earlier is None:
            break
        if earlier.status == ReadingStatus.SUPERSEDED:
            return earlier, earlier
        seen.add(earlier.id)
        first = earlier
    return None, first


@dataclass(frozen=True)
class TakenBack:
    """A reading taken back: its value, the week's value now (None: no value that week), the goal's value now."""

    value: float
    week_value: float | None
    goal_value: float | None


def take_back(session: Session, reading: CheckInReading, status: ReadingStatus, ctx: RequestContext) -> TakenBack:
    """Undo or withdraw the current reading: the check-in goes back to what it was before it."""
    checkin, goal = reading.checkin, reading.checkin.goal
    reading.status, reading.ended_at = status, ctx.now
    restored, first = _restorable(session, reading)
    if restored is not None:
        restored.status, restored.ended_at = ReadingStatus.CURRENT, None
        week_value: float | None = restored.value
        checkin.status = CheckInStatus.ANSWERED
    elif first.previous_status == CheckInStatus.ANSWERED:
        week_value = first.previous_value  # answered before readings were kept: its value was the goal's then
        checkin.status = CheckInStatus.ANSWERED
    else:
        week_value = None
        checkin.status = first.previous_status
        checkin.answered_at = None
    checkin.value = week_value
    _words_back(checkin, reading, restored)
    settle_goal(session, checkin, goal, week_value, now=ctx.now, tz=ctx.tz)
    session.flush()
    return TakenBack(value=reading.value, week_value=week_value, goal_value=goal.current)


def _words_back(checkin: CheckIn, taken: CheckInReading, restored: CheckInReading | None) -> None:
    """The week's note and blocker go back with its value: Home showed the undone reply's words beside the value
    an earlier reply had recorded ("4.5% — at the start of the month we were at 5%")."""
    said = (taken.text or "").strip()
    if not said:
        return
    before = (restored.text or "").strip() if restored is not None else ""
    if checkin.note is not None and checkin.note.strip() == said:
        checkin.note = before or None
    if checkin.blocker is not None and checkin.blocker.strip() in said and checkin.blocker.strip() not in before:
        checkin.blocker = None


def _taken_back_message(ctx: RequestContext, key: str, checkin: CheckIn, taken: TakenBack) -> Message:
    goal = checkin.goal
    restored = taken.week_value if taken.week_value is not None else taken.goal_value
    message = reading_blocks.taken_back_message(ctx.lang, key, title=blocks.title_of(goal, ctx.lang), unit=goal.unit,
                                                value=taken.value, restored=restored,
                                                week_empty=taken.week_value is None)
    return Message(text=message.text, blocks=message.blocks, changes_goals=True)


def _placed(answer: ReadingAnswer, place: Place) -> ReadingAnswer:
    """The answer, to be posted at `place`."""
    return ReadingAnswer(answer.messages, changed=answer.changed, private=answer.private, channel=place.channel,
                         thread_ts=place.thread_ts)


def _misplaced(session: Session, reading: CheckInReading | None, ctx: RequestContext, what: str,
               channel: str | None, *message_ts: str | None) -> tuple[Place, ReadingAnswer | None]:
    """Where to answer (the owner's check-in's recorded place, else the DM), and the refusal (for the DM) when the
    payload names another place than the recorded one."""
    goal = reading.checkin.goal if reading is not None else None
    if reading is None or goal is None or (goal.team_id, goal.user_id) != (ctx.team_id, ctx.user_id):
        return Place(ctx.user_id, None), None
    recorded = recorded_place(session, reading.checkin, ctx)
    if points_elsewhere(recorded, channel, *message_ts):
        return recorded, ReadingAnswer(refused_place(ctx, what, channel, recorded), channel=ctx.user_id)
    return recorded, None


def undo(deps: Deps, ctx: RequestContext, reading_id: int | None, *, channel: str | None = None,
         message_ts: str | None = None, thread_ts: str | None = None) -> ReadingAnswer:
    """Undo: take the reading back, when it is the owner's and still the current one.

    `channel`, `message_ts` and `thread_ts` are where the payload says the press happened: only checked against
    the check-in's recorded card; the answer goes to the card's recorded thread.
    """
    with unit_of_work(deps.sessions, person=(ctx.team_id, ctx.user_id)) as session:
        reading = locked_reading(session, reading_id)
        recorded, misplaced = _misplaced(session, reading, ctx, "an Undo click", channel, message_ts, thread_ts)
        if misplaced is not None:
            return misplaced
        refused = _refusal(reading, ctx)
        if refused is not None or reading is None:
            return _placed(refused or ReadingAnswer([]), recorded)
        taken = take_back(session, reading, ReadingStatus.UNDONE, ctx)
        return _placed(ReadingAnswer([_taken_back_message(ctx, "undone", reading.checkin, taken)], changed=True),
                       recorded)


def correction_modal(deps: Deps, ctx: RequestContext, reading_id: int | None, *, channel: str | None,
                     message_ts: str | None = None, thread_ts: str | None) -> dict[str, Any] | ReadingAnswer:
    """The Correct modal for the reading, or the answer refusing it.

    The modal's metadata names the check-in card's recorded place, not the payload's (which is only checked).
    """
    with unit_of_work(deps.sessions, person=(ctx.team_id, ctx.user_id)) as session:
        reading = get_reading(session, reading_id) if reading_id is not None else None
        recorded, misplaced = _misplaced(session, reading, ctx, "a Correct click", channel, message_ts, thread_ts)
        if misplaced is not None:
            return misplaced
        refused = _refusal(reading, ctx)
        if refused is not None or reading is None:
            return _placed(refused or ReadingAnswer([]), recorded)
        goal = reading.checkin.goal
        return reading_blocks.correct_modal(ctx.lang, title=blocks.title_of(goal, ctx.lang), value=reading.value,
                                            unit=goal.unit, metadata={"reading": reading.id,
                                                                      "channel": recorded.channel,
                                                                      "thread_ts": recorded.thread_ts})


def check_correction(deps: Deps, ctx: RequestContext, reading_id: int, text: str) -> str | None:
    """The error to show under the Correct modal's field, or None when the value can be recorded.

    Bolt starts the lazy half alongside this ack, so whether the reading is still current is decided there.
    """
    with deps.sessions() as session:
        reading = get_reading(session, reading_id)
        refused = _refusal(reading, ctx, current_only=False)
        if refused is not None or reading is None:
            return refused.messages[0].text if refused is not None and refused.messages else None
        checkin = reading.checkin
        return read_modal_value(text, ctx.lang, checkin.goal, before=checkin.previous_value)[1]


def submit_correction(deps: Deps, ctx: RequestContext, reading_id: int, text: str, *, channel: str | None,
                      thread_ts: str | None) -> ReadingAnswer | None:
    """Record the corrected value as a new reading that replaces it; None when the ack already refused it.

    The answer goes in the check-in's recorded thread. `channel` and `thread_ts` come from the modal's
    private_metadata, which the client sends back: a place other than the recorded card records nothing.
    """
    with unit_of_work(deps.sessions, person=(ctx.team_id, ctx.user_id)) as session:
        reading = locked_reading(session, reading_id)
        if reading is None or _refusal(reading, ctx, current_only=False) is not None:
            return None  # the ack showed why under the field, and the modal stayed open
        checkin = reading.checkin
        goal = checkin.goal
        value = read_modal_value(text, ctx.lang, goal, before=checkin.previous_value)[0]
        if value is None:
            return None
        recorded = recorded_place(session, checkin, ctx)
        if points_elsewhere(recorded, channel, thread_ts) or (channel or None) not in (None, recorded.channel,
                                                                                       ctx.user_id):
            return ReadingAnswer(refused_place(ctx, "a Correct modal", channel, recorded), channel=ctx.user_id)
        refused = _refusal(reading, ctx)
        if refused is not None:  # replaced since the modal opened: the newer reading stands
            return _placed(refused, recorded)
        headline = reading_blocks.corrected_headline(ctx.lang, "corrected", unit=goal.unit, before=reading.value,
                                                     after=value)
        messages = record_value(session, checkin, goal, value=value, now=ctx.now, tz=ctx.tz, lang=ctx.lang,
                                origin=Origin(ReadingSource.CORRECTION, ctx.user_id, text=text.strip()),
                                headline=headline)
        return _placed(ReadingAnswer(messages, changed=True), recorded)


def _reread(session: Session, checkin: CheckIn, ctx: RequestContext, text: str, ts: str,
            channel: str) -> list[Message]:
    """Read an edited reply again, from where the week started; record it when it says something new."""
    goal = checkin.goal
    if goal.status in ENDED:
        return closed_reply(ctx.lang, goal)
    if checkin.reply_ts == ts:
        checkin.reply_text = clip(text, MAX_TEXT)
    current = checkin.value if checkin.status == CheckInStatus.ANSWERED else None
    parsed, verdict = judge_reply(text, ctx.lang, goal, [], before=checkin.previous_value)
    if parsed.blocker:
        checkin.blocker = clip(parsed.blocker, MAX_TEXT)
    if verdict.value is not None:
        if current is not None and math.isclose(verdict.value, current, rel_tol=1e-9, abs_tol=1e-9):
            return [reading_blocks.edit_unchanged_message(ctx.lang, unit=goal.unit, value=current)]
        headline = (reading_blocks.corrected_headline(ctx.lang, "edited", unit=goal.unit, before=current,
                                                      after=verdict.value) if current is not None else None)
        return record_value(session, checkin, goal, value=verdict.value, now=ctx.now, tz=ctx.tz, lang=ctx.lang,
                            origin=Origin(ReadingSource.EDIT, ctx.user_id, text=text, channel=channel, ts=ts),
                            blocker=parsed.blocker, headline=headline)
    reason = verdict.reason or "no_number"
    checkin.pending = {"awaiting": "value", "reason": reason, "candidates": [c.value for c in verdict.candidates],
                       "meanings": [c.meaning for c in verdict.candidates]}
    return [text_message(reading_blocks.edit_unclear_line(ctx.lang, unit=goal.unit, current=current)),
            blocks.question_message(ctx.lang, goal, checkin.id, text=text, reason=reason,
                                    candidates=list(verdict.candidates))]


def reread_edited_reply(deps: Deps, ctx: RequestContext, *, channel: str, thread_ts: str, ts: str, text: str,
                        previous_text: str | None, edited_ts: str | None) -> ThreadAnswer:
    """The owner edited a reply in a check-in's thread: read it again and update that week once."""
    text = text.strip()
    if previous_text is not None and previous_text.strip() == text:
        return ThreadAnswer(True, [])  # Slack also reports unfurls and attachments as edits: the words are the same
    with unit_of_work(deps.sessions, person=(ctx.team_id, ctx.user_id)) as session:
        checkin = find_thread_checkin(session, team_id=ctx.team_id, user_id=ctx.user_id, channel=channel,
                                      thread_ts=thread_ts)
        if checkin is None:
            return ThreadAnswer(False, [])
        reading = latest_reading_of_message(session, channel, ts)
        if reading is None and checkin.reply_ts != ts:
            return ThreadAnswer(True, [])  # not a reply goalbot read as this week's answer
        if not claim_in_transaction(session, f"edit:{channel}:{ts}:{edited_ts or text[:20]}", ctx.now):
            log.info("edit of %s/%s already applied", channel, ts)
            return ThreadAnswer(True, [])
        if reading is None:
            # it had been asked back
            return ThreadAnswer(True, answer_reply(session, checkin, ctx, text, ts, deps.settings))
        return ThreadAnswer(True, _reread(session, checkin, ctx, text, ts, channel))


@dataclass(frozen=True)
class Withdrawal:
    """A deleted reply's reading withdrawn: where to say so (the check-in's thread) and what."""

    channel: str
    thread_ts: str | None
    messages: list[Message]


def withdraw_deleted_reply(deps: Deps, ctx: RequestContext, *, channel: str, ts: str) -> Withdrawal | None:
    """The owner deleted a reply: withdraw the reading it gave, once; None when it gave none in force."""
    with unit_of_work(deps.sessions, person=(ctx.team_id, ctx.user_id)) as session:
        found = latest_reading_of_message(session, channel, ts)
        reading = locked_reading(session, found.id if found is not None else None)
        if reading is None:
            return None
        checkin = reading.checkin
        if checkin.goal.user_id != ctx.user_id or checkin.goal.team_id != ctx.team_id:
            return None
        if not claim_in_transaction(session, f"del:{channel}:{ts}", ctx.now):
            return None
        if reading.status == ReadingStatus.SUPERSEDED:
            reading.status, reading.ended_at = ReadingStatus.WITHDRAWN, ctx.now  # never restored by an Undo
            return None
        if reading.status != ReadingStatus.CURRENT:
            return None
        taken = take_back(session, reading, ReadingStatus.WITHDRAWN, ctx)
        where, thread_ts = thread_of(session, checkin, channel)
        return Withdrawal(where, thread_ts, [_taken_back_message(ctx, "withdrawn", checkin, taken)])
