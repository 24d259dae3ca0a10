"""Check-ins on demand: `/goal checkin [id]` and the App Home's "Check in", recorded as this week's check-in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.blocks import checkins as blocks
from bot.blocks.common import Message
from bot.context import RequestContext
from bot.delivery.direct import post_messages
from bot.deps import Deps
from bot.rules.schedule import week_start
from bot.rules.statuses import CheckInStatus, GoalStatus
from bot.services import goals_admin as admin
from bot.services.checkins import checkin_key, checkin_of_week
from storage.db import unit_of_work
from storage.repositories import find_checkin_of_week, get_checkin, list_goals


@dataclass(frozen=True)
class SendResult:
    """What `/goal checkin` did: messages posted now and messages queued for when Slack accepts them."""

    posted: int
    queued: int


def send_now(deps: Deps, client: WebClient, ctx: RequestContext, channel: str, *, request_key: str,
             goal_id: int | None = None) -> SendResult:
    """Post a check-in for each active goal now, recorded as this week's check-in (one row per goal and week).

    One unit of work asks them all, the messages go out with none open (what Slack refuses for now is queued
    in the outbox as a "checkin" about its check-in, so a reply in its thread still finds it), and one more
    records where the posted ones landed.
    """
    now, week = ctx.now, week_start(ctx.today)
    asked: list[tuple[int, int, Message]] = []  # goal id, check-in id, message
    with unit_of_work(deps.sessions) as session:
        for goal in list_goals(session, ctx.team_id, ctx.user_id, statuses=(GoalStatus.ACTIVE,)):
            if goal_id is not None and goal.id != goal_id:
                continue
            checkin, _ = checkin_of_week(session, goal.id, week, now)
            if checkin.status == CheckInStatus.SKIPPED:
                checkin.status = CheckInStatus.ASKED
            checkin.asked_at = now
            asked.append((goal.id, checkin.id, blocks.checkin_message(ctx.lang, goal, checkin.id, ctx.today)))
    landed: list[tuple[int, str]] = []
    for gid, checkin_id, message in asked:
        sent = post_messages(client, deps, team_id=ctx.team_id, channel=channel, messages=[message],
                             key=f"{checkin_key(gid, week)}:now:{request_key}", kind="checkin", ref_id=checkin_id)
        if sent:
            landed.append((checkin_id, sent[0]))
    if landed:
        with unit_of_work(deps.sessions) as session:
            for checkin_id, ts in landed:
                row = get_checkin(session, checkin_id)
                if row is not None:
                    row.message_ts, row.channel_id = ts, channel
    return SendResult(len(landed), len(asked) - len(landed))


@dataclass(frozen=True)
class HomeCheckIn:
    """The Home's "Check in" for one goal: the modal to open, or why not (None for both: queued for later)."""

    view: dict[str, Any] | None
    refusal: admin.GoalRefused | None = None


def home_checkin(deps: Deps, client: WebClient, ctx: RequestContext, goal_id: int, channel: str, *,
                 request_key: str) -> HomeCheckIn:
    """The check-in modal for one goal; a goal not asked yet this week gets its check-in message first.

    So closing the modal without saving still leaves a check-in to answer in the DM, and the modal's answer
    lands in its thread.
    """
    week = week_start(ctx.today)
    with deps.sessions() as session:
        try:
            admin.owned_goal(session, ctx.team_id, ctx.user_id, goal_id)
        except admin.GoalRefused as refusal:
            return HomeCheckIn(None, refusal)
        asked = find_checkin_of_week(session, goal_id, week) is not None
    if not asked:
        send_now(deps, client, ctx, channel, request_key=request_key, goal_id=goal_id)
    with deps.sessions() as session:
        checkin = find_checkin_of_week(session, goal_id, week)
        if checkin is None:
            return HomeCheckIn(None)  # Slack refused the check-in message for now: it is queued in the outbox
        return HomeCheckIn(blocks.update_modal(ctx.lang, checkin.goal, {
            "checkin": checkin.id, "channel": checkin.channel_id or channel, "thread_ts": checkin.message_ts}))
