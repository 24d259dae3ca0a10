"""`/goal checkin`, `/goal checkin-time`, `/goal pause` and `/goal resume`: check-ins on demand and on schedule.

`/goal checkin [id]` posts the check-in now (all active goals, or one), recorded as this week's check-in.
The schedule's rules live in bot/services/checkin_schedule.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks.common import escape, text_message
from bot.blocks.teams import refusal_text
from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.support import ephemeral
from bot.rules.commands import Command
from bot.rules.deadlines import resolve_deadline
from bot.rules.limits import row_id
from bot.rules.schedule import parse_weekly_time
from bot.services import checkin_schedule as schedules
from bot.services import teams
from bot.services.checkin_now import send_now
from bot.services.profiles import dm_channel
from prompts import fmt_date, t

MAX_PAUSE = timedelta(days=366)
TEAM_WORDS = ("team", "squadra")
RESET_WORDS = ("reset", "default", "predefinito", "ripristina")


def checkin_now(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                respond: Respond) -> None:
    """Post the check-in for every active goal (or the one named) in the person's DM, now."""
    arg = command.args.strip().lstrip("#")
    goal_id = row_id(arg)
    channel = dm_channel(deps, client, ctx)
    request_key = str(body.get("trigger_id") or ctx.now.timestamp())
    result = send_now(deps, client, ctx, channel, request_key=request_key, goal_id=goal_id)
    if result.posted == 0 and result.queued == 0:
        ephemeral(respond, text_message(t(ctx.lang, "checkin.now.none")))
    elif result.queued:
        ephemeral(respond, text_message(t(ctx.lang, "checkin.now.queued")))
    elif ctx.channel_id != channel:
        ephemeral(respond, text_message(t(ctx.lang, "checkin.now.sent")))


def _schedule_text(ctx: RequestContext, answer: schedules.ScheduleAnswer, key: str) -> str:
    """The person's schedule in words, with the next moment a check-in really goes out."""
    schedule = answer.schedule
    return t(ctx.lang, key, day=schedules.day_name(ctx.lang, schedule.weekday), time=schedule.time, tz=ctx.tz,
             next=schedules.local_moment(ctx.lang, answer.next_at, ctx.tz))


def checkin_time(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """Show or change when the weekly check-in arrives (the person's, or the team default)."""
    args = command.args.strip()
    lang = ctx.lang
    first, _, rest = args.partition(" ")
    if not args:
        answer = schedules.current_schedule(deps, ctx)
        ephemeral(respond, text_message(_schedule_text(ctx, answer, "checkin.time.current")))
        return
    if first.lower() in RESET_WORDS:
        answer = schedules.set_own_schedule(deps, ctx, None)
        ephemeral(respond, text_message(_schedule_text(ctx, answer, "checkin.time.reset")))
        return
    team = first.lower() in TEAM_WORDS
    if team and not (decision := teams.change_team_defaults(deps.sessions, ctx)):
        ephemeral(respond, text_message(refusal_text(lang, decision)))
        return
    reading = parse_weekly_time(rest if team else args)
    if reading.value is None:
        ephemeral(respond, text_message(t(lang, f"checkin.time.{reading.error}")))
        return
    if team:
        schedules.set_team_schedule(deps, ctx, reading.value)
        day = schedules.day_name(lang, reading.value.weekday)
        ephemeral(respond, text_message(t(lang, "checkin.time.team_set", day=day, time=reading.value.time)))
        return
    answer = schedules.set_own_schedule(deps, ctx, reading.value)
    ephemeral(respond, text_message(_schedule_text(ctx, answer, "checkin.time.set")))


def pause(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
          respond: Respond) -> None:
    """Hold check-ins back until a day (holidays); they resume by themselves on that day."""
    text = command.args.strip()
    lang = ctx.lang
    if not text:
        ephemeral(respond, text_message(t(lang, "checkin.pause.usage")))
        return
    result = resolve_deadline(text, lang=lang, now=ctx.now, tz=ctx.tz)
    if result.deadline is None:
        ephemeral(respond, text_message(t(lang, "checkin.pause.unreadable", text=escape(text[:200]))))
        return
    if result.error == "past":
        ephemeral(respond, text_message(t(lang, "checkin.pause.past", date=fmt_date(lang, result.deadline))))
        return
    if result.deadline - ctx.today > MAX_PAUSE:
        ephemeral(respond, text_message(t(lang, "checkin.pause.too_far")))
        return
    answer = schedules.pause_until(deps, ctx, result.deadline)
    ephemeral(respond, text_message(t(lang, "checkin.pause.set", date=fmt_date(lang, result.deadline),
                                      next=schedules.local_moment(lang, answer.next_at, ctx.tz))))


def resume(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
           respond: Respond) -> None:
    """Restart paused check-ins now."""
    was_paused, answer = schedules.resume(deps, ctx)
    key = "checkin.pause.resumed" if was_paused else "checkin.pause.not_paused"
    ephemeral(respond, text_message(t(ctx.lang, key, next=schedules.local_moment(ctx.lang, answer.next_at, ctx.tz))))
