"""`/goal digest`: subscribing a channel to the weekly team digest, stopping it, and posting one now."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.context import RequestContext
from bot.delivery.errors import classify
from bot.delivery.outbox import find_by_key
from bot.delivery.sender import deliver_due
from bot.deps import Deps
from bot.rules.digest_math import ChannelRef
from bot.rules.statuses import OutboxStatus
from bot.services import digests
from storage.db import unit_of_work
from storage.repositories import get_digest_subscription, save_digest_subscription

log = logging.getLogger(__name__)


def find_channel(client: WebClient, ref: ChannelRef, *, here: str | None, here_name: str | None) -> str | None:
    """The id of the channel the person named: Slack's escaped id, the channel they typed in, or by name."""
    if ref.id:
        return ref.id
    if ref.name and ref.name == (here_name or "").lower() and here:
        return here
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


def subscribe(deps: Deps, client: WebClient, ctx: RequestContext, channel_id: str, *, weekday: int,
              hhmm: str) -> str | None:
    """Save (or re-schedule) the channel's weekly digest in the subscriber's time zone and language.

    Returns goalbot's problem with the channel: None, "not_in_channel"/"channel_not_found" (saved: the
    subscriber can invite goalbot) or "is_archived" (not saved).
    """
    access = digests.channel_access(client, channel_id)
    if access.problem == "is_archived":
        return access.problem
    with unit_of_work(deps.sessions) as session:
        save_digest_subscription(session, team_id=ctx.team_id, channel_id=channel_id, weekday=weekday, hhmm=hhmm,
                                 tz=ctx.tz, lang=ctx.lang, by=ctx.user_id, now=ctx.now)
    return access.problem


def unsubscribe(deps: Deps, ctx: RequestContext, channel_id: str) -> bool:
    """Stop the channel's weekly digest; False when it had none."""
    with unit_of_work(deps.sessions) as session:
        subscription = get_digest_subscription(session, ctx.team_id, channel_id)
        if subscription is None or not subscription.active:
            return False
        subscription.active = False
        return True


@dataclass(frozen=True)
class PostedNow:
    """How `/goal digest now` fared: goalbot's problem with the channel, else the outbox row's status and error."""

    problem: str | None
    status: str = OutboxStatus.PENDING
    error: str | None = None


def post_now(deps: Deps, client: WebClient, ctx: RequestContext, channel_id: str) -> PostedNow:
    """Build a digest in the asker's language and time zone, queue it, and deliver it at once."""
    access = digests.channel_access(client, channel_id)
    if access.problem is not None:
        return PostedNow(access.problem)
    key = digests.now_key(ctx.team_id, channel_id, ctx.now)
    digests.queue_digest(deps, client, team_id=ctx.team_id, channel_id=channel_id, key=key, now=ctx.now,
                         tz=ctx.tz, lang=ctx.lang, ref_id=None)
    try:
        deliver_due(deps, client, now=deps.clock(), team_id=ctx.team_id)  # this workspace's rows, its client
    except (SlackApiError, OSError) as error:
        # The message stays in the outbox: the next delivery run retries it.
        log.warning("delivering digest %s now failed: %s", key, classify(error).code)
    with deps.sessions() as session:
        row = find_by_key(session, key)
        if row is None:
            return PostedNow(None)
        return PostedNow(None, row.status, row.last_error)
