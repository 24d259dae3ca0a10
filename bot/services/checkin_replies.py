"""Answers typed in a check-in's thread: a value, a blocker, or a question back when goalbot is unsure.

How a thread reply finds its check-in: CheckIn.message_ts/channel_id when known (set by `/goal checkin`, which
posts at once, and copied on the first lookup); otherwise the outbox row that delivered the scheduled message
(kind "checkin", ref_id = the check-in's id, sent_ts = the thread's ts, indexed). Every reply is applied once:
its (channel, ts) is claimed in processed_events inside the same transaction that records it, so a Slack retry,
a duplicate event id or the same message under a new event id changes nothing twice. Every recorded value keeps
the reply's ts in its reading, so an edit or a deletion of that reply in Slack finds it (checkin_readings).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.blocks import checkins as blocks
from bot.blocks.common import Message, clip, escape, text_message
from bot.context import RequestContext
from bot.delivery.direct import ReplyTo, queue_replies
from bot.deps import Deps
from bot.rules.replies import asks_to_skip, skip_reason
from bot.rules.reply_check import TOO_LARGE
from bot.rules.statuses import ENDED, ReadingSource
from bot.services.checkin_buttons import skip_week
from bot.services.checkins import (
    MAX_TEXT,
    Origin,
    bare_number,
    closed_reply,
    judge_reply,
    one_of,
    record_value,
)
from bot.settings import Settings
from prompts import t
from storage.db import in_transaction
from storage.models import CheckIn
from storage.repositories import (
    claim_in_transaction,
    find_checkin_by_delivered_thread,
    find_checkin_by_thread,
)

log = logging.getLogger(__name__)


def find_thread_checkin(
    session: Session, *, team_id: str, user_id: str, channel: str, thread_ts: str,
) -> CheckIn | None:
    """The person's check-in whose message started this thread, or None when the thread is something else."""
    checkin = find_checkin_by_thread(session, team_id, user_id, channel, thread_ts)
    if checkin is not None:
        return checkin
    delivered = find_checkin_by_delivered_thread(session, team_id, user_id, thread_ts)
    if delivered is None or delivered.sent_channel not in (None, channel):
        return None
    checkin = delivered.checkin
    if checkin.message_ts is None:
        # Next time the check-in's own (indexed) columns answer; a later `/goal checkin` may move them on.
        checkin.message_ts, checkin.channel_id = thread_ts, channel
    return checkin


def _typed(ctx: RequestContext, text: str, ts: str) -> Origin:
    """A reply typed in the thread: the reading remembers the message, so an edit or a deletion finds it."""
    return Origin(ReadingSource.REPLY, ctx.user_id, text=text, channel=ctx.channel_id, ts=ts)


def answer_reply(session: Session, checkin: CheckIn, ctx: RequestContext, text: str, ts: str,
                 settings: Settings) -> list[Message]:
    """Apply a reply typed in the check-in's thread: a value, a blocker, a skipped week, or a question back when
    unsure."""
    goal = checkin.goal
    lang = ctx.lang
    checkin.reply_ts = ts
    checkin.reply_text = clip(text, MAX_TEXT)
    if goal.status in ENDED:
        return closed_reply(lang, goal)
    pending = dict(checkin.pending or {})
    confirmed = [float(c) for c in pending.get("candidates") or []]
    reading, verdict = judge_reply(text, lang, goal, confirmed)
    if pending.get("awaiting") == "blocker":
        # The answer to "what's blocking you?" is the blocker, numbers and all; a clear value is recorded too.
        checkin.blocker = clip(text, MAX_TEXT)
        checkin.pending = None
        if verdict.value is not None:
            return record_value(session, checkin, goal, value=verdict.value, now=ctx.now, tz=ctx.tz, lang=lang,
                                blocker=checkin.blocker, origin=_typed(ctx, text, ts))
        return [text_message(t(lang, "checkin.mood.blocker_saved", blocker=escape(clip(text, 500))))]
    if verdict.reason == TOO_LARGE:
        return [text_message(t(lang, "edge.number_too_large"))]  # nothing recorded, nothing offered back
    if reading.note:
        checkin.note = clip(reading.note, MAX_TEXT)
    if reading.blocker:
        checkin.blocker = clip(reading.blocker, MAX_TEXT)
    value = verdict.value
    if value is None and confirmed:
        # "3" in answer to "3 in total or 7?" picks the reading it names.
        value = one_of(bare_number(text, lang), confirmed)
    if value is not None:
        return record_value(session, checkin, goal, value=value, now=ctx.now, tz=ctx.tz, lang=lang,
                            blocker=reading.blocker, origin=_typed(ctx, text, ts))
    if asks_to_skip(text):  # "salto questa settimana", "I'm on holiday": as the Skip button, said back
        return skip_week(session, checkin, ctx, settings, typed=True, reason=skip_reason(text))
    reason = verdict.reason or "no_number"
    checkin.pending = {"awaiting": "value", "reason": reason, "candidates": [c.value for c in verdict.candidates],
                       "meanings": [c.meaning for c in verdict.candidates]}
    return [blocks.question_message(lang, goal, checkin.id, text=text, reason=reason,
                                    candidates=list(verdict.candidates), blocker=reading.blocker)]



@dataclass(frozen=True)
class ThreadAnswer:
    """What a reply in a thread did: `is_checkin` False when the thread is no check-in's; the answer to post."""

    is_checkin: bool
    messages: list[Message]
    keys: list[str] = field(default_factory=list)  # with reply_to: the answer, queued in the outbox


def answer_thread_reply(deps: Deps, ctx: RequestContext, *, channel: str, thread_ts: str, ts: str,
                        text: str, reply_to: ReplyTo | None = None) -> ThreadAnswer:
    """Record a reply in a check-in's thread, once however often Slack delivers it.

    With `reply_to`, the answer is queued in the outbox in the same transaction (keys for deliver_replies): a
    process killed after recording it still answers (the outbox sends it), and a second handling sends nothing.
    """

    def work(session: Session) -> ThreadAnswer:
        checkin = find_thread_checkin(session, team_id=ctx.team_id, user_id=ctx.user_id, channel=channel,
                                      thread_ts=thread_ts)
        if checkin is None:
            return ThreadAnswer(False, [])
        if not claim_in_transaction(session, f"msg:{channel}:{ts}", ctx.now):
            log.info("check-in reply %s/%s already applied", channel, ts)
            return ThreadAnswer(True, [])
        messages = answer_reply(session, checkin, ctx, text.strip(), ts, deps.settings)
        if reply_to is None:
            return ThreadAnswer(True, messages)
        keys = queue_replies(session, deps, team_id=ctx.team_id, channel=reply_to.channel, messages=messages,
                             key=reply_to.key, thread_ts=reply_to.thread_ts)
        return ThreadAnswer(True, messages, keys)

    return in_transaction(deps.sessions, work, person=(ctx.team_id, ctx.user_id))
