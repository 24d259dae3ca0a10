"""`/goal digest #channel [weekday HH:MM]`, `/goal digest off #channel` and `/goal digest now #channel`."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import escape, text_message
from bot.blocks.teams import refusal_text
from bot.context import RequestContext
from bot.deps import Deps
from bot.ids import is_dm_channel
from bot.listeners.support import ephemeral
from bot.rules.commands import Command
from bot.rules.digest_math import parse_channel, parse_schedule
from bot.rules.statuses import OutboxStatus
from bot.rules.visibility import ChannelAction
from bot.services import digest_subscriptions as subscriptions
from bot.services import digests, teams
from bot.services.checkin_schedule import day_name
from prompts import t

OFF_WORDS = frozenset({"off", "stop", "unsubscribe", "disattiva", "basta", "ferma"})
NOW_WORDS = frozenset({"now", "ora", "adesso", "subito"})
CHANNEL_ACTIONS = {"subscribe": ChannelAction.SUBSCRIBE, "off": ChannelAction.STOP, "now": ChannelAction.POST_NOW}


def channel_refusal(deps: Deps, client: WebClient, ctx: RequestContext, channel_id: str,
                    action: ChannelAction) -> str | None:
    """Why the speaker may not do this to the channel (bot.rules.visibility), or None when they may.

    A channel whose members Slack will not list (a private one goalbot is not in) shows nobody's goals: the
    access checks that follow answer for it.
    """
    try:
        members = frozenset(digests.channel_members(client, channel_id))
    except SlackApiError:
        return None
    decision = teams.channel_decision(deps.sessions, ctx, channel_id, members, action)
    if decision:
        return None
    retry = decision.retry_at.astimezone(ZoneInfo(ctx.tz)).strftime("%H:%M") if decision.retry_at else ""
    return refusal_text(ctx.lang, decision, time=retry)


def digest_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                   respond: Respond) -> None:
    """Subscribe a channel to the weekly team digest, stop it, or post one now."""
    lang = ctx.lang
    words = command.args.split()
    action = "subscribe"
    if words and words[0].lower() in OFF_WORDS | NOW_WORDS:
        action = "off" if words[0].lower() in OFF_WORDS else "now"
        words = words[1:]
    ref = parse_channel(words[0]) if words else None
    here = ctx.channel_id if ctx.channel_id and not is_dm_channel(ctx.channel_id) else None
    if ref is None and here is not None and (words or action != "subscribe"):
        # Typed in the channel itself ("/goal digest now", "/goal digest friday 16:00"): that channel is meant.
        channel_id = here
    elif not words:
        ephemeral(respond, text_message(t(lang, "digest.cmd.usage")))
        return
    elif ref is None:
        ephemeral(respond, text_message(t(lang, "digest.cmd.bad_channel", text=escape(command.args[:100]))))
        return
    else:
        found = subscriptions.find_channel(client, ref, here=ctx.channel_id, here_name=body.get("channel_name"))
        if found is None:
            ephemeral(respond, text_message(t(lang, "digest.cmd.unknown_channel", name=escape(ref.name or ""))))
            return
        channel_id, words = found, words[1:]
    refusal = channel_refusal(deps, client, ctx, channel_id, CHANNEL_ACTIONS[action])
    if refusal is not None:
        ephemeral(respond, text_message(refusal))
        return
    rest = " ".join(words)
    if action == "off":
        stop(deps, ctx, channel_id, respond)
    elif action == "now":
        post_now(deps, client, ctx, channel_id, respond)
    else:
        subscribe(deps, client, ctx, channel_id, rest, respond)


def subscribe(deps: Deps, client: WebClient, ctx: RequestContext, channel_id: str, schedule_text: str,
              respond: Respond) -> None:
    """Save (or re-schedule) the channel's weekly digest in the subscriber's time zone and language."""
    lang, channel = ctx.lang, f"<#{channel_id}>"
    schedule = parse_schedule(schedule_text) if schedule_text else (None, None)
    if schedule is None:
        ephemeral(respond, text_message(t(lang, "digest.cmd.bad_schedule", text=escape(schedule_text[:100]),
                                          channel=channel)))
        return
    weekday = schedule[0] if schedule[0] is not None else deps.settings.digest_weekday
    hhmm = schedule[1] or deps.settings.digest_time
    problem = subscriptions.subscribe(deps, client, ctx, channel_id, weekday=weekday, hhmm=hhmm)
    if problem == "is_archived":
        ephemeral(respond, text_message(t(lang, "digest.cmd.archived", channel=channel)))
        return
    key = "digest.cmd.subscribed" if problem is None else "digest.cmd.subscribed_invite"
    ephemeral(respond, text_message(t(lang, key, channel=channel, weekday=day_name(lang, weekday),
                                      time=hhmm, tz=ctx.tz)))


def stop(deps: Deps, ctx: RequestContext, channel_id: str, respond: Respond) -> None:
    """Stop the channel's weekly digest."""
    channel = f"<#{channel_id}>"
    key = "digest.cmd.stopped" if subscriptions.unsubscribe(deps, ctx, channel_id) else "digest.cmd.not_subscribed"
    ephemeral(respond, text_message(t(ctx.lang, key, channel=channel)))


def post_now(deps: Deps, client: WebClient, ctx: RequestContext, channel_id: str, respond: Respond) -> None:
    """Post a digest now, in the asker's language and time zone, and say how it fared."""
    lang, channel = ctx.lang, f"<#{channel_id}>"
    posted = subscriptions.post_now(deps, client, ctx, channel_id)
    if posted.problem is not None:
        key = "digest.cmd.archived" if posted.problem == "is_archived" else "digest.cmd.not_member"
        ephemeral(respond, text_message(t(lang, key, channel=channel)))
    elif posted.status == OutboxStatus.SENT:
        ephemeral(respond, text_message(t(lang, "digest.cmd.posted", channel=channel)))
    elif posted.status == OutboxStatus.FAILED:
        ephemeral(respond, text_message(t(lang, "digest.cmd.refused", channel=channel,
                                          error=escape(posted.error or ""))))
    else:
        ephemeral(respond, text_message(t(lang, "digest.cmd.queued", channel=channel)))
