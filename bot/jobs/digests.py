"""The weekly team digests: each subscribed channel's digest is queued once its local weekday and time pass."""

from __future__ import annotations

import logging
from datetime import date, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery.errors import classify
from bot.deps import Deps
from bot.installs import NotInstalledError, client_for
from bot.rules.digest_math import due_week
from bot.services import digests
from storage.db import unit_of_work
from storage.models import DigestSubscription
from storage.repositories import existing_outbox_keys, inactive_teams, list_active_digest_subscriptions

log = logging.getLogger(__name__)


def plan_digests(deps: Deps, client: WebClient, now: datetime) -> int:
    """Queue this week's digest of every channel whose slot has passed and is not queued yet; how many queued."""
    queued = digests.notify_failed_digests(deps, now)
    with deps.sessions() as session:
        subscriptions = [s for s in list_active_digest_subscriptions(session)
                         if s.team_id not in inactive_teams(session)]  # uninstalled: nothing planned
        due = []
        for subscription in subscriptions:
            week = due_week(now, tz=subscription.tz, weekday=subscription.weekday, hhmm=subscription.time,
                            created_at=subscription.created_at)
            if week is not None:
                due.append((subscription, week))
        keys = [k for s, week in due for k in (digests.weekly_key(s.team_id, s.channel_id, week),
                                               digests.notice_key(s.team_id, s.channel_id, week))]
        done = existing_outbox_keys(session, keys)
    for subscription, week in due:
        channel = subscription.channel_id
        if {digests.weekly_key(subscription.team_id, channel, week),
                digests.notice_key(subscription.team_id, channel, week)} & done:
            continue
        try:
            queued += plan_one(deps, client_for(client, subscription.team_id), subscription, week, now)
        except NotInstalledError:
            log.warning("digest for %s not planned: goalbot has no installation in workspace %s",
                        subscription.channel_id, subscription.team_id)
        except (SlackApiError, OSError) as error:
            # Slack is unreachable or busy: nothing was queued, so the next run (a minute later) tries again.
            log.warning("digest for %s not planned yet: %s", subscription.channel_id, classify(error).code)
    return queued


def plan_one(deps: Deps, client: WebClient, subscription: DigestSubscription, week: date,
             now: datetime) -> int:
    """Queue one channel's weekly digest, or tell its subscriber why goalbot cannot post it (`client`: the
    channel's workspace's)."""
    access = digests.channel_access(client, subscription.channel_id)
    if access.problem is not None:
        with unit_of_work(deps.sessions) as session:
            return digests.queue_removed_notice(session, subscription, week_start=week, problem=access.problem,
                                                now=now)
    return digests.queue_digest(
        deps, client, team_id=subscription.team_id, channel_id=subscription.channel_id,
        key=digests.weekly_key(subscription.team_id, subscription.channel_id, week), now=now, tz=subscription.tz, lang=subscription.lang,
        ref_id=subscription.id)
