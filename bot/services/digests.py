"""Team channel digests: who is in the team, how their goals stand, and the digest written to the outbox."""

from __future__ import annotations

import base64
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.common import Message
from bot.blocks.digests import DigestView, digest_messages, removed_notice
from bot.charts import team_progress_png
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.heap import collector_paused
from bot.rules.digest_math import DigestGoal, achieved_this_week, most_at_risk
from bot.rules.objectives import Rollup
from bot.rules.progress import ACTIVE_ORDER, team_totals
from bot.rules.visibility import ReadPath, channel_shows, notes_shown, private_shown
from bot.services.goal_rows import WeekCache, row_goal
from bot.services.objectives import objective_rollups
from prompts import fmt_date, t
from storage.db import unit_of_work
from storage.models import DigestSubscription
from storage.repositories import (
    digest_row_parts,
    display_names,
    failed_outbox_messages,
    get_digest_subscription_by_id,
)
from storage.teams import list_objectives

log = logging.getLogger(__name__)

KIND = "digest"
NOTICE_KIND = "notice"
MEMBERS_PAGE = 200  # Slack recommends pages of at most 200 for conversations.members
CHART_FILENAME = "team-progress.png"
# Keys name the workspace: a channel shared between two workspaces (Slack Connect) has one id in both.
_WEEKLY_KEY = re.compile(r"^digest:(?P<team>[^:]+):(?P<channel>[^:]+):(?P<week>\d{4}-\d{2}-\d{2})$")
# Permanent failures that mean "goalbot cannot post there": the subscriber can fix them by inviting goalbot.
_NOT_THERE = ("not_in_channel", "channel_not_found")


def weekly_key(team_id: str, channel_id: str, week_start: date) -> str:
    """The idempotency key of a channel's weekly digest: one per workspace, channel and week."""
    return f"digest:{team_id}:{channel_id}:{week_start.isoformat()}"


def now_key(team_id: str, channel_id: str, now: datetime) -> str:
    """The idempotency key of a digest asked for with `/goal digest now` (not the weekly one)."""
    return f"{now_key_prefix(team_id, channel_id)}{now.astimezone(UTC).strftime('%Y%m%dT%H%M%S')}"


def now_key_prefix(team_id: str, channel_id: str) -> str:
    """What every `/goal digest now` key of the channel starts with (to find the last one)."""
    return f"digest:{team_id}:{channel_id}:now:"


def notice_key(team_id: str, channel_id: str, week_start: date) -> str:
    """The key of the DM telling a subscriber this week's digest could not be posted (at most one a week)."""
    return f"digest-notice:{team_id}:{channel_id}:{week_start.isoformat()}"


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



def team_goals(
    session: Session, *, team_id: str, member_ids: list[str], today: date, week_start: date, tz: str,
    path: ReadPath, read_ahead: bool = False,
) -> list[DigestGoal]:
    """Every goal of the members with its standing, as `path` may show them (bot.rules.visibility: a channel's
    digest has public goals only and no check-in notes): one query, whatever the team; with `read_ahead` (a
    session that has written nothing: the other connection would not see it), two on PostgreSQL for a large team,
    the second read while the first part's goals are computed (storage.repositories.digest_row_parts)."""
    zone = ZoneInfo(tz)
    since = datetime.combine(week_start, time(0, 0), tzinfo=zone)
    weeks: WeekCache = {}
    notes = notes_shown(path)
    parts = digest_row_parts(session, team_id, member_ids, since, week_start, public_only=not private_shown(path),
                             notes=notes, read_ahead=read_ahead)
    return [row_goal(row, zone, today=today, weeks=weeks, notes=notes) for rows in parts for row in rows]


def digest_view(goals: list[DigestGoal], *, lang: str, week_start: date, today: date) -> DigestView:
    """Group the goals by person and pick out the headline: totals, achievements, risks, blockers."""
    # One pass for the grouping, each person's worst status and who has not checked in (thousands of goals).
    people: dict[str, list[DigestGoal]] = defaultdict(list)
    worst: dict[str, int] = {}
    behind: set[str] = set()
    active = []
    for item in goals:
        owner = item.owner
        people[owner].append(item)
        rank = ACTIVE_ORDER[item.standing.status]
        if rank < worst.get(owner, len(ACTIVE_ORDER)):
            worst[owner] = rank
        if not item.standing.closed:
            active.append(item)
            if item.unanswered:
                behind.add(owner)
    owners = sorted(people, key=lambda owner: (worst[owner], owner))  # worst first
    missing = [owner for owner in owners if owner in behind]
    blockers = [g for g in goals if g.checked_in and g.last is not None
                and (g.last.blocker or g.last.mood == "blocked")]
    return DigestView(
        lang=lang, week_start=week_start, today=today,
        people=[(owner, people[owner]) for owner in owners],
        totals=team_totals(g.standing.numbers for g in goals),
        achieved=[g for g in goals if achieved_this_week(g, week_start)],
        at_risk=most_at_risk(active), blockers=blockers, missing=missing, asked=any(g.asked for g in active),
        skipped=[g for g in active if g.skipped and not g.checked_in],
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
    goals = team_goals(session, team_id=team_id, member_ids=member_ids, today=today, week_start=week_start, tz=tz,
                       path=ReadPath.CHANNEL_DIGEST, read_ahead=True)  # queue_digest's session only reads
    view = digest_view(goals, lang=lang, week_start=week_start, today=today)
    view.names = display_names(session, team_id, [owner for owner, _ in view.people])
    view.objectives = digest_objectives(session, team_id, frozenset(member_ids), today) if goals else []
    return BuiltDigest(view=view, messages=digest_messages(view))


def digest_objectives(session: Session, team_id: str, members: frozenset[str], today: date) -> list[Rollup]:
    """The objectives the channel's members' goals serve, rolled up from the goals the channel may see (members'
    public goals, bot.rules.visibility.channel_shows), never a private goal's share; in two queries."""
    rows = list_objectives(session, team_id)
    if not rows:
        return []
    results = objective_rollups(session, team_id, rows, today, counted=lambda goal: channel_shows(goal, members))
    return [result for result in results if result.goals]


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
    # The digest's objects (~31,000 for 2,000 goals) all live until it is queued: the collector would only walk
    # them, young and again older. Paused until they are freed, it never sees them (bot.heap).
    with collector_paused():
        with deps.sessions() as session:
            built = build_digest(session, team_id=team_id, member_ids=members, now=now, tz=tz, lang=lang)
        chart = team_progress_png(built.view) if built.view.people else None
        with unit_of_work(deps.sessions) as session:
            queued = enqueue_digest(session, built, key=key, team_id=team_id, channel_id=channel_id, now=now,
                                    ref_id=ref_id, chart=chart)
        del built, chart  # freed before the collector resumes: nothing of the digest is left for it to walk
    return queued


def queue_removed_notice(
    session: Session, subscription: DigestSubscription, *, week_start: date, problem: str, now: datetime,
    error: str | None = None,
) -> int:
    """DM the subscriber that this week's digest could not be posted and how to fix it (once per week)."""
    message = removed_notice(subscription.lang, subscription.channel_id, problem, error=error or problem)
    return int(enqueue(session, key=notice_key(subscription.team_id, subscription.channel_id, week_start), kind=NOTICE_KIND,
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
