"""`/goal digest #channel [weekday HH:MM]`, `/goal digest off #channel` and `/goal digest now #channel`."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.blocks.common import escape, text_message
from bot.blocks.teams import refusal_text
from bot.delivery.errors import classify
from bot.delivery.sender import deliver_due
from bot.deps import Deps
from bot.listeners.commands.registry import ephemeral, subcommand
from bot.rules.commands import Command
from bot.rules.digest_math import ChannelRef, parse_channel, parse_schedule
from bot.rules.visibility import ChannelAction
from bot.services import digests, teams
from bot.services.conversation import Turn
from prompts import t
from storage.models import OutboxMessage
from storage.repositories import get_digest_subscription, save_digest_subscription

log = logging.getLogger(__name__)

OFF_WORDS = frozenset({"off", "stop", "unsubscribe", "disattiva", "basta", "ferma"})
NOW_WORDS = frozenset({"now", "ora", "adesso", "subito"})
CHANNEL_ACTIONS = {"subscribe": ChannelAction.SUBSCRIBE, "off": ChannelAction.STOP, "now": ChannelAction.POST_NOW}
_LOCALES = {"en": "en_US", "it": "it_IT"}


@subcommand("digest")
def digest_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                   respond: Respond) -> None:
    """Subscribe a channel to the weekly team digest, stop it, or post one now."""
    lang = turn.lang
    words = command.args.split()
    action = "subscribe"
    if words and words[0].lower() in OFF_WORDS | NOW_WORDS:
        action = "off" if words[0].lower() in OFF_WORDS else "now"
        words = words[1:]
    if not words:
        ephemeral(respond, text_message(t(lang, "digest.cmd.usage")))
        return
    ref = parse_channel(words[0])
    if ref is None:
        ephemeral(respond, text_message(t(lang, "digest.cmd.bad_channel", text=escape(command.args[:100]))))
        return
    channel_id = resolve_channel(client, ref, body)
    if channel_id is None:
        ephemeral(respond, text_message(t(lang, "digest.cmd.unknown_channel", name=escape(ref.name or ""))))
        return
    refusal = channel_refusal(deps, client, turn, channel_id, CHANNEL_ACTIONS[action])
    if refusal is not None:
        ephemeral(respond, text_message(refusal))
        return
    rest = " ".join(words[1:])
    if action == "off":
        stop(deps, turn, channel_id, respond)
    elif action == "now":
        post_now(deps, client, turn, channel_id, respond)
    else:
        subscribe(deps, client, turn, channel_id, rest, respond)


def channel_refusal(deps: Deps, client: WebClient, turn: Turn, channel_id: str, action: ChannelAction) -> str | None:
    """Why the speaker may not do this to the channel (bot.rules.visibility), or None when they may.

    A channel whose members Slack will not list (a private one goalbot is not in) shows nobody's goals: the
    access checks that follow answer for it.
    """
    try:
        members = frozenset(digests.channel_members(client, channel_id))
    except SlackApiError:
        return None
    decision = teams.channel_decision(deps.sessions, turn, channel_id, members, action)
    if decision:
        return None
    retry = decision.retry_at.astimezone(ZoneInfo(turn.tz)).strftime("%H:%M") if decision.retry_at else ""
    return refusal_text(turn.lang, decision, time=retry)


def resolve_channel(client: WebClient, ref: ChannelRef, body: dict[str, Any]) -> str | None:
    """The id of the channel the person named: Slack's escaped id, the channel they typed in, or by name."""
    if ref.id:
        return ref.id
    if ref.name and ref.name == str(body.get("channel_name") or "").lower() and body.get("channel_id"):
        return str(body["channel_id"])
    cursor: str | None = None
    while True:
        response = client.conversations_list(types="public_channel,private_channel", exclude_archived=True,
                                             limit=1000, cursor=cursor)
        for channel in response.get("channels") or []:
            if str(channel.get("name") or "").lower() == ref.name:
                return str(channel["id"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return None


def _weekday_name(lang: str, weekday: int) -> str:
    return str(get_day_names("wide", locale=_LOCALES.get(lang, "en_US"))[weekday])


def subscribe(deps: Deps, client: WebClient, turn: Turn, channel_id: str, schedule_text: str,
              respond: Respond) -> None:
    """Save (or re-schedule) the channel's weekly digest in the subscriber's time zone and language."""
    lang, channel = turn.lang, f"<#{channel_id}>"
    schedule = parse_schedule(schedule_text) if schedule_text else (None, None)
    if schedule is None:
        ephemeral(respond, text_message(t(lang, "digest.cmd.bad_schedule", text=escape(schedule_text[:100]),
                                          channel=channel)))
        return
    weekday = schedule[0] if schedule[0] is not None else deps.settings.digest_weekday
    hhmm = schedule[1] or deps.settings.digest_time
    access = digests.channel_access(client, channel_id)
    if access.problem == "is_archived":
        ephemeral(respond, text_message(t(lang, "digest.cmd.archived", channel=channel)))
        return
    with deps.sessions() as session:
        save_digest_subscription(session, team_id=turn.team_id, channel_id=channel_id, weekday=weekday, hhmm=hhmm,
                                 tz=turn.tz, lang=lang, by=turn.user_id, now=turn.now)
        session.commit()
    key = "digest.cmd.subscribed" if access.problem is None else "digest.cmd.subscribed_invite"
    ephemeral(respond, text_message(t(lang, key, channel=channel, weekday=_weekday_name(lang, weekday),
                                      time=hhmm, tz=turn.tz)))


def stop(deps: Deps, turn: Turn, channel_id: str, respond: Respond) -> None:
    """Stop the channel's weekly digest."""
    channel = f"<#{channel_id}>"
    with deps.sessions() as session:
        subscription = get_digest_subscription(session, turn.team_id, channel_id)
        if subscription is None or not subscription.active:
            ephemeral(respond, text_message(t(turn.lang, "digest.cmd.not_subscribed", channel=channel)))
            return
        subscription.active = False
        session.commit()
    ephemeral(respond, text_message(t(turn.lang, "digest.cmd.stopped", channel=channel)))


def post_now(deps: Deps, client: WebClient, turn: Turn, channel_id: str, respond: Respond) -> None:
    """Build a digest in the asker's language and time zone, queue it, and deliver it at once."""
    lang, channel = turn.lang, f"<#{channel_id}>"
    access = digests.channel_access(client, channel_id)
    if access.problem is not None:
        key = "digest.cmd.archived" if access.problem == "is_archived" else "digest.cmd.not_member"
        ephemeral(respond, text_message(t(lang, key, channel=channel)))
        return
    key = digests.now_key(channel_id, turn.now)
    digests.queue_digest(deps, client, team_id=turn.team_id, channel_id=channel_id, key=key, now=turn.now,
                         tz=turn.tz, lang=lang, ref_id=None)
    status, error = deliver_now(deps, client, key)
    if status == "sent":
        ephemeral(respond, text_message(t(lang, "digest.cmd.posted", channel=channel)))
    elif status == "failed":
        ephemeral(respond, text_message(t(lang, "digest.cmd.refused", channel=channel, error=escape(error or ""))))
    else:
        ephemeral(respond, text_message(t(lang, "digest.cmd.queued", channel=channel)))


def deliver_now(deps: Deps, client: WebClient, key: str) -> tuple[str, str | None]:
    """Run the outbox's delivery once (the shared sender and rate limiter) and report how `key` fared."""
    try:
        deliver_due(deps, client, now=deps.clock())
    except (SlackApiError, OSError) as error:
        # The message stays in the outbox: the next delivery run retries it.
        log.warning("delivering digest %s now failed: %s", key, classify(error).code)
    with deps.sessions() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).first()
        return (row.status, row.last_error) if row is not None else ("pending", None)
