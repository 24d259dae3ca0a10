"""`/goal checkin`, `/goal checkin-time`, `/goal pause` and `/goal resume`: check-ins on demand and on schedule.

`/goal checkin [id]` posts the check-in now (all active goals, or one), recorded as this week's check-in.
`/goal checkin-time friday 16:00` sets the person's weekly moment (in their Slack time zone); `reset` goes back
to the team's; `team monday 09:00` sets the team default (any member may: goalbot has no admin role yet, and
each person's own choice wins over it). `/goal pause until 7 January` holds check-ins back until that day
(they resume by themselves); `/goal resume` restarts them at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks.common import escape, text_message
from bot.deps import Deps
from bot.listeners.commands.registry import ephemeral, subcommand
from bot.listeners.support import dm_channel
from bot.rules.commands import Command
from bot.rules.deadlines import resolve_deadline
from bot.rules.schedule import parse_weekly_time
from bot.services import checkins as service
from bot.services.conversation import Turn
from bot.rules.limits import row_id
from prompts import fmt_date, t
from storage.models import TeamSettings
from storage.repositories import upsert_user_pref

MAX_PAUSE = timedelta(days=366)
TEAM_WORDS = ("team", "squadra")
RESET_WORDS = ("reset", "default", "predefinito", "ripristina")


@subcommand("checkin")
def checkin_now(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                respond: Respond) -> None:
    """Post the check-in for every active goal (or the one named) in the person's DM, now."""
    arg = command.args.strip().lstrip("#")
    goal_id = row_id(arg)
    channel = dm_channel(deps, client, turn.team_id, turn.user_id)
    request_key = str(body.get("trigger_id") or turn.now.timestamp())
    result = service.send_now(deps, client, turn, channel, request_key=request_key, goal_id=goal_id)
    if result.posted == 0 and result.queued == 0:
        ephemeral(respond, text_message(t(turn.lang, "checkin.now.none")))
    elif result.queued:
        ephemeral(respond, text_message(t(turn.lang, "checkin.now.queued")))
    elif body.get("channel_id") != channel:
        ephemeral(respond, text_message(t(turn.lang, "checkin.now.sent")))


def _schedule_answer(deps: Deps, turn: Turn, key: str) -> str:
    """The person's schedule in words, with the next moment a check-in really goes out."""
    with deps.sessions() as session:
        schedule = service.load_schedule(session, deps.settings, turn.team_id, turn.user_id, turn.tz)
        at = service.next_checkin(session, schedule, team_id=turn.team_id, user_id=turn.user_id, now=turn.now)
    return t(turn.lang, key, day=service.day_name(turn.lang, schedule.weekday), time=schedule.time, tz=turn.tz,
             next=service.local_moment(turn.lang, at, turn.tz))


@subcommand("checkin-time")
def checkin_time(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """Show or change when the weekly check-in arrives (the person's, or the team default)."""
    args = command.args.strip()
    lang = turn.lang
    first, _, rest = args.partition(" ")
    if not args:
        ephemeral(respond, text_message(_schedule_answer(deps, turn, "checkin.time.current")))
        return
    if first.lower() in RESET_WORDS:
        with deps.sessions() as session:
            pref = upsert_user_pref(session, turn.team_id, turn.user_id)
            pref.checkin_weekday, pref.checkin_time = None, None
            session.commit()
        ephemeral(respond, text_message(_schedule_answer(deps, turn, "checkin.time.reset")))
        return
    team = first.lower() in TEAM_WORDS
    reading = parse_weekly_time(rest if team else args)
    if reading.value is None:
        ephemeral(respond, text_message(t(lang, f"checkin.time.{reading.error}")))
        return
    with deps.sessions() as session:
        if team:
            row = session.get(TeamSettings, turn.team_id) or TeamSettings(team_id=turn.team_id)
            row.checkin_weekday, row.checkin_time = reading.value.weekday, reading.value.time
            session.add(row)
        else:
            pref = upsert_user_pref(session, turn.team_id, turn.user_id)
            pref.checkin_weekday, pref.checkin_time = reading.value.weekday, reading.value.time
        session.commit()
    if team:
        day = service.day_name(lang, reading.value.weekday)
        ephemeral(respond, text_message(t(lang, "checkin.time.team_set", day=day, time=reading.value.time)))
        return
    ephemeral(respond, text_message(_schedule_answer(deps, turn, "checkin.time.set")))


@subcommand("pause")
def pause(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
          respond: Respond) -> None:
    """Hold check-ins back until a day (holidays); they resume by themselves on that day."""
    text = command.args.strip()
    lang = turn.lang
    if not text:
        ephemeral(respond, text_message(t(lang, "checkin.pause.usage")))
        return
    result = resolve_deadline(text, lang=lang, now=turn.now, tz=turn.tz)
    if result.deadline is None:
        ephemeral(respond, text_message(t(lang, "checkin.pause.unreadable", text=escape(text[:200]))))
        return
    if result.error == "past":
        ephemeral(respond, text_message(t(lang, "checkin.pause.past", date=fmt_date(lang, result.deadline))))
        return
    if result.deadline - turn.today > MAX_PAUSE:
        ephemeral(respond, text_message(t(lang, "checkin.pause.too_far")))
        return
    with deps.sessions() as session:
        upsert_user_pref(session, turn.team_id, turn.user_id).paused_until = result.deadline
        session.commit()
        schedule = service.load_schedule(session, deps.settings, turn.team_id, turn.user_id, turn.tz)
        at = service.next_checkin(session, schedule, team_id=turn.team_id, user_id=turn.user_id, now=turn.now)
    ephemeral(respond, text_message(t(lang, "checkin.pause.set", date=fmt_date(lang, result.deadline),
                                      next=service.local_moment(lang, at, turn.tz))))


@subcommand("resume")
def resume(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
           respond: Respond) -> None:
    """Restart paused check-ins now."""
    with deps.sessions() as session:
        pref = upsert_user_pref(session, turn.team_id, turn.user_id)
        was_paused = pref.paused_until is not None and pref.paused_until > turn.today
        pref.paused_until = None
        session.commit()
    key = "checkin.pause.resumed" if was_paused else "checkin.pause.not_paused"
    with deps.sessions() as session:
        schedule = service.load_schedule(session, deps.settings, turn.team_id, turn.user_id, turn.tz)
        at = service.next_checkin(session, schedule, team_id=turn.team_id, user_id=turn.user_id, now=turn.now)
    ephemeral(respond, text_message(t(turn.lang, key, next=service.local_moment(turn.lang, at, turn.tz))))
