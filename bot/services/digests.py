"""Team channel digests: who is in the team, how their goals stand, and the digest written to the outbox."""

from __future__ import annotations

import base64
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.common import Message
from bot.blocks.digests import DigestView, digest_messages, removed_notice
from bot.charts import team_progress_png
from bot.clock import as_utc
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.rules.digest_math import DigestGoal, LastCheckIn, achieved_this_week, most_at_risk
from bot.rules.progress import ACTIVE_ORDER, GoalNumbers, Kind, kind_of, standing, team_totals
from prompts import fmt_date, t
from storage.db import unit_of_work
from storage.models import DigestSubscription
from storage.repositories import (
    digest_rows,
    display_names,
    failed_outbox_messages,
    get_digest_subscription_by_id,
)

log = logging.getLogger(__name__)

KIND = "digest"
NOTICE_KIND = "notice"
MEMBERS_PAGE = 200  # Slack recommends pages of at most 200 for conversations.members
CHART_FILENAME = "team-progress.png"
_WEEKLY_KEY = re.compile(r"^digest:(?P<channel>[^:]+):(?P<week>\d{4}-\d{2}-\d{2})$")
# Permanent failures that mean "goalbot cannot post there": the subscriber can fix them by inviting goalbot.
_NOT_THERE = ("not_in_channel", "channel_not_found")


def weekly_key(channel_id: str, week_start: date) -> str:
    """The idempotency key of a channel's weekly digest: one per channel and week."""
    return f"digest:{channel_id}:{week_start.isoformat()}"


def now_key(channel_id: str, now: datetime) -> str:
    """The idempotency key of a digest asked for with `/goal digest now` (not the weekly one)."""
    return f"{now_key_prefix(channel_id)}{now.astimezone(UTC).strftime('%Y%m%dT%H%M%S')}"


def now_key_prefix(channel_id: str) -> str:
    """What every `/goal digest now` key of the channel starts with (to find the last one)."""
    return f"digest:{channel_id}:now:"


def notice_key(channel_id: str, week_start: date) -> str:
    """The key of the DM telling a subscriber this week's digest could not be posted (at most one a week)."""
    return f"digest-notice:{channel_id}:{week_start.isoformat()}"


# --- Slack: the channel and its members -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelAccess:
    """Whether goalbot can read and post in a channel: `problem` is None, "not_in_channel" or "channel_not_found"."""

    channel_id: str
    problem: str | None


def channel_access(client: WebClient, channel_id: str) -> ChannelAccess:
    """Ask Slack whether goalbot is a member of the channel (private channels it is not in are invisible)."""
    try:
        info = client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as error:
        code = str(error.response.get("error") or "")
        if code in _NOT_THERE:
            return ChannelAccess(channel_id, "channel_not_found")
        raise
    if info.get("is_archived"):
        return ChannelAccess(channel_id, "is_archived")
    return ChannelAccess(channel_id, None if info.get("is_member") else "not_in_channel")


def channel_members(client: WebClient, channel_id: str) -> list[str]:
    """Every member of a channel, following Slack's pagination cursor."""
    members: list[str] = []
    cursor: str | None = None
    while True:
        response = client.conversations_members(channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor)
        members.extend(str(m) for m in response.get("members") or [])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return list(dict.fromkeys(members))


# --- the database: every goal of the team, in a constant number of queries ---------------------------------------



def _local_date(value: datetime | None, zone: ZoneInfo) -> date | None:
    return as_utc(value).astimezone(zone).date() if value is not None else None


def _recent(text: str | None, weeks: dict[str, date]) -> tuple[tuple[date, float], ...]:
    """"2026-11-23=7.0;2026-11-16=5.0" (newest first, as the query sends it) as (week, value), oldest first.

    `weeks` caches the parsed Mondays: a team's check-ins fall on the same few dozen weeks.
    """
    if not text:
        return ()
    points = []
    for item in text.split(";"):
        day, _, value = item.partition("=")
        week = weeks.get(day)
        if week is None:
            week = weeks[day] = date.fromisoformat(day[:10])
        points.append((week, float(value)))
    points.reverse()
    return tuple(points)


def row_goal(row: Any, zone: ZoneInfo, *, today: date, weeks: dict[str, date] | None = None) -> DigestGoal:
    """One row of the digest query as the goal the digest shows, with the model's standing."""
    # Unpacked by position (the order of digest_rows' columns): a 2,000-goal digest reads ~50,000 values.
    (goal_id, owner, title, unit, metric, direction, baseline, baseline_unit, target, current, start, deadline, status,
     adjusted_at, closed_at, override, recent, below, this_week, last_week, last_answered_at, last_value, last_mood,
     last_note, last_blocker) = row
    kind = kind_of(direction, unit, metric)
    numbers = GoalNumbers(
        kind=kind, target=float(target), baseline=None if baseline is None else float(baseline),
        current=None if current is None else float(current), start=start, deadline=deadline, unit=unit,
        closed_as=None if status == "active" else status, override=bool(override), history=_recent(recent, {} if weeks is None else weeks),
        base_amount=float(baseline) if kind is Kind.GROWTH and baseline else None,
        base_unit=baseline_unit if kind is Kind.GROWTH else None,
        below_count=None if below is None else int(below),
    )
    last = None
    if last_week is not None:
        last = LastCheckIn(week_start=last_week, on=_local_date(last_answered_at, zone) or last_week,
                           value=last_value, mood=last_mood, note=last_note, blocker=last_blocker)
    week_start = today - timedelta(days=today.weekday())
    return DigestGoal(id=goal_id, owner=owner, title=title, adjusted=adjusted_at is not None,
                      standing=standing(numbers, today), last=last,
                      checked_in=this_week == "answered" or (last is not None and last.week_start >= week_start),
                      skipped=this_week == "skipped", closed_on=_local_date(closed_at, zone))


def team_goals(
    session: Session, *, team_id: str, member_ids: list[str], today: date, week_start: date, tz: str,
    public_only: bool = True,
) -> list[DigestGoal]:
    """Every goal of the members with its standing (a channel's: public goals only): one query, whatever the team."""
    zone = ZoneInfo(tz)
    since = datetime.combine(week_start, time(0, 0), tzinfo=zone)
    weeks: dict[str, date] = {}
    return [row_goal(row, zone, today=today, weeks=weeks)
            for row in digest_rows(session, team_id, member_ids, since, week_start, public_only=public_only)]


def digest_view(goals: list[DigestGoal], *, lang: str, week_start: date, today: date) -> DigestView:
    """Group the goals by person and pick out the headline: totals, achievements, risks, blockers."""
    people: dict[str, list[DigestGoal]] = defaultdict(list)
    for item in goals:
        people[item.owner].append(item)

    def worst_first(owner: str) -> tuple[int, str]:
        return (min(ACTIVE_ORDER[g.status] for g in people[owner]), owner)

    owners = sorted(people, key=worst_first)
    active = [g for g in goals if not g.standing.closed]
    missing = [o for o in owners if any(not g.standing.closed and not g.checked_in and not g.skipped
                                        for g in people[o])]
    blockers = [g for g in goals if g.checked_in and g.last is not None
                and (g.last.blocker or g.last.mood == "blocked")]
    return DigestView(
        lang=lang, week_start=week_start, today=today,
        people=[(owner, people[owner]) for owner in owners],
        totals=team_totals(g.standing.numbers for g in goals),
        achieved=[g for g in goals if achieved_this_week(g, week_start)],
        at_risk=most_at_risk(active), blockers=blockers, missing=missing,
    )


# --- building and queueing one digest -------------------------------------------------------------------------------


@dataclass
class BuiltDigest:
    """A digest ready to send: the main message, its follow-ups for the thread, and the view they render."""

    view: DigestView
    messages: list[Message]


def build_digest(
    session: Session, *, team_id: str, member_ids: list[str], now: datetime, tz: str, lang: str,
) -> BuiltDigest:
    """Load, compute and render a channel's digest at `now` in the subscriber's time zone and language."""
    today = now.astimezone(ZoneInfo(tz)).date()
    week_start = today - timedelta(days=today.weekday())
    goals = team_goals(session, team_id=team_id, member_ids=member_ids, today=today, week_start=week_start, tz=tz)
    view = digest_view(goals, lang=lang, week_start=week_start, today=today)
    view.names = display_names(session, team_id, [owner for owner, _ in view.people])
    return BuiltDigest(view=view, messages=digest_messages(view))


def enqueue_digest(
    session: Session, built: BuiltDigest, *, key: str, team_id: str, channel_id: str, now: datetime,
    ref_id: int | None, chart: bytes | None,
) -> int:
    """Write the digest to the outbox (main message, chart, follow-ups in its thread); 0 when it was already there."""
    main, *rest = built.messages
    if not enqueue(session, key=key, kind=KIND, team_id=team_id, channel=channel_id, payload=main.payload(),
                   now=now, ref_id=ref_id):
        return 0
    count = 1
    if chart is not None:
        label = fmt_date(built.view.lang, built.view.week_start)
        upload = {"filename": CHART_FILENAME, "title": t(built.view.lang, "digest.chart_title", date=label),
                  "content_b64": base64.b64encode(chart).decode("ascii")}
        count += enqueue(session, key=f"{key}:chart", kind=KIND, team_id=team_id, channel=channel_id,
                         payload={"upload": upload, "thread_of": key}, now=now, ref_id=ref_id)
    for number, message in enumerate(rest, start=1):
        count += enqueue(session, key=f"{key}:part{number}", kind=KIND, team_id=team_id, channel=channel_id,
                         payload={**message.payload(), "thread_of": key}, now=now, ref_id=ref_id)
    return count


def queue_digest(
    deps: Deps, client: WebClient, *, team_id: str, channel_id: str, key: str, now: datetime, tz: str, lang: str,
    ref_id: int | None,
) -> int:
    """Read the channel's members from Slack, build the digest and its chart, and queue them; how many queued."""
    members = channel_members(client, channel_id)
    with deps.sessions() as session:
        built = build_digest(session, team_id=team_id, member_ids=members, now=now, tz=tz, lang=lang)
    chart = team_progress_png(built.view) if built.view.people else None
    with unit_of_work(deps.sessions) as session:
        return enqueue_digest(session, built, key=key, team_id=team_id, channel_id=channel_id, now=now,
                              ref_id=ref_id, chart=chart)


def queue_removed_notice(
    session: Session, subscription: DigestSubscription, *, week_start: date, problem: str, now: datetime,
    error: str | None = None,
) -> int:
    """DM the subscriber that this week's digest could not be posted and how to fix it (once per week)."""
    message = removed_notice(subscription.lang, subscription.channel_id, problem, error=error or problem)
    return int(enqueue(session, key=notice_key(subscription.channel_id, week_start), kind=NOTICE_KIND,
                       team_id=subscription.team_id, channel=subscription.created_by, payload=message.payload(),
                       now=now, ref_id=subscription.id))


def notify_failed_digests(deps: Deps, now: datetime) -> int:
    """Tell subscribers about weekly digests Slack refused for good (e.g. goalbot was removed from the channel)."""
    queued = 0
    with unit_of_work(deps.sessions) as session:
        for row in failed_outbox_messages(session, KIND, since=now - timedelta(days=14)):
            match = _WEEKLY_KEY.match(row.idempotency_key)
            subscription = get_digest_subscription_by_id(session, row.ref_id) if row.ref_id is not None else None
            if match is None or subscription is None:
                continue  # a follow-up or the chart: the main message's failure already tells the story
            error = row.last_error or ""
            problem = next((code for code in (*_NOT_THERE, "is_archived") if code in error), "refused")
            queued += queue_removed_notice(session, subscription, week_start=date.fromisoformat(match["week"]),
                                           problem=problem, now=now, error=error)
    return queued
