"""Planners for weekly check-ins and their one reminder: write what is due to the outbox, never send.

Check-ins: a goal is due once its owner's local weekday and time have come this week (their own setting, else
the team's, else GOALBOT_CHECKIN_AT; their Slack time zone, else GOALBOT_DEFAULT_TZ). The week's CheckIn
(unique per goal and week) and, only when that insert wins, its outbox message commit together (PLAN_BATCH goals
to a transaction, set-based), so a planner run that dies half-way resumes where it stopped and nothing is planned
twice. The card itself is rendered when the outbox sends it.
A goal created after this week's moment waits for next week; a goal past its deadline gets no more check-ins
(the deadline review takes over); a pause holds back check-ins whose local day falls before the pause's end.
A moment missed while the bot was down is caught up within the same local week, never in the next one.

Time zones: owners the bot has never looked up (no users.info yet) are looked up here, once; everyone else's
zone is refreshed whenever they talk to the bot (bot/services/profiles.py), so the planner makes no Slack
calls on an ordinary run. If the lookup fails, the default zone is used and it is tried again an hour later.

Reminders: a check-in still unanswered (no reply, no button, not skipped) two days after its message was
delivered gets one reminder in its thread; reminded_at is set in the same transaction as the outbox row, and
the row's key is unique per check-in, so there is never a second. A reminder that would land more than
REMINDER_WINDOW after the check-in (the bot was down, or a pause just ended) is not sent at all.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.blocks import checkins as blocks
from bot.delivery.outbox import enqueue, enqueue_from
from bot.deps import Deps
from bot.installs import NotInstalledError, client_for
from bot.rules.schedule import goal_due, is_paused, open_slot
from bot.services.checkin_schedule import schedule_for
from bot.services.checkins import checkin_key_parts, owner_lang
from bot.services.profiles import resolve_profile, valid_tz
from storage.db import unit_of_work
from storage.models import CheckIn, Goal, OutboxMessage, TeamSettings
from storage.repositories import (
    OwnerSchedule,
    active_goals_after,
    checkin_message_rows,
    claim_reminder,
    inactive_teams,
    insert_checkins,
    latest_sent,
    owner_schedules,
    team_settings_of,
    unanswered_checkins,
    user_prefs_of_teams,
)

log = logging.getLogger(__name__)

REMINDER_AFTER = timedelta(days=2)
REMINDER_WINDOW = timedelta(days=4)  # later than this after the check-in, a "gentle nudge" is just noise
PLAN_BATCH = 2000  # goals read, decided and written per transaction: memory stays flat, a crash loses nothing


# users.info failures by (database, team, user), so someone Slack cannot find is not looked up every minute.
_lookup_failed: dict[tuple[str, str, str], datetime] = {}
LOOKUP_RETRY = timedelta(hours=1)

CARD = "checkin"  # the outbox payload's "card": rendered when it is sent (bot.services.checkins.checkin_card)


def _owner_zone(deps: Deps, client: WebClient | None, pref: OwnerSchedule | None, team_id: str, user_id: str,
                now: datetime) -> str:
    """The owner's time zone (looked up in Slack the first time, which also stores their language)."""
    settings = deps.settings
    if pref is not None and (pref.tz or pref.profile_fetched):
        return valid_tz(pref.tz, settings.default_tz)
    failed = _lookup_failed.get((settings.database_url, team_id, user_id))
    if failed is not None and now - failed < LOOKUP_RETRY:
        return settings.default_tz
    try:
        team_client: WebClient | None = client_for(client, team_id) if client is not None else None
    except NotInstalledError:  # OAuth mode, goals kept from before an install: the default zone, looked up later
        team_client = None
    profile = resolve_profile(deps.sessions, team_client, team_id=team_id, user_id=user_id, now=now,
                              default_lang=settings.default_lang, default_tz=settings.default_tz)
    if not profile.fetched:
        _lookup_failed[(settings.database_url, team_id, user_id)] = now
        return profile.tz
    _lookup_failed.pop((settings.database_url, team_id, user_id), None)
    return profile.tz


@dataclass(frozen=True)
class _Slot:
    """A check-in moment that has come this week: the week's Monday, the moment (UTC) and its local day."""

    week: date
    at: datetime
    send_day: date


@dataclass
class _Run:
    """What one planner run remembers between batches: a handful of values, whatever the number of goals."""

    inactive: frozenset[str]
    teams: dict[str, TeamSettings | None] = field(default_factory=dict)
    # The same rule (open_slot) once per distinct schedule: owners sharing a zone and a moment share the answer.
    slots: dict[tuple[str, int, str, date | None], _Slot | None] = field(default_factory=dict)
    planned: int = 0


def plan_checkins(deps: Deps, client: WebClient, now: datetime) -> int:
    """Write to the outbox one check-in message per active goal whose owner's weekly moment has come.

    The active goals stream through in batches of PLAN_BATCH, in id order (a keyset page of plain rows: never
    the whole table at once, never ORM objects); each batch's check-ins are one INSERT … SELECT … ON CONFLICT DO
    NOTHING per week and their messages one more, committed together, so memory stays flat and a run that dies
    resumes where it stopped without planning anything twice. The message only names its card: the sender
    renders it (bot.services.checkins.checkin_card) in the owner's language and zone, showing the goal as it
    is when it goes out.
    """
    with deps.sessions() as session:
        run = _Run(inactive=inactive_teams(session))  # uninstalled workspaces: nothing planned
    after = 0
    while True:
        with deps.sessions() as session:
            goals = active_goals_after(session, after, PLAN_BATCH)
            if not goals:
                break
            after = goals[-1].id
            goals = [g for g in goals if g.team_id not in run.inactive]
            owners = sorted({(g.team_id, g.user_id) for g in goals})
            prefs = owner_schedules(session, owners)
            unseen = sorted({team for team, _ in owners} - run.teams.keys())
            known = team_settings_of(session, unseen)
            run.teams.update({team: known.get(team) for team in unseen})
        # Outside any transaction: an owner never looked up is asked about in Slack here, once.
        slots = {owner: _slot_of(deps, client, run, prefs.get(owner), owner, now) for owner in owners}
        due: dict[date, list[int]] = defaultdict(list)
        for goal in goals:
            slot = slots[(goal.team_id, goal.user_id)]
            # The same rule announces the next check-in (bot.rules.schedule.next_checkin): what is said is what happens.
            if slot is not None and goal_due(goal.created_at, goal.deadline, slot.at, slot.send_day, goal.start_date):
                due[slot.week].append(goal.id)
        if due:
            run.planned += _plan_batch(deps, due, now)
    return run.planned


def _slot_of(deps: Deps, client: WebClient | None, run: _Run, pref: OwnerSchedule | None, owner: tuple[str, str],
             now: datetime) -> _Slot | None:
    """The owner's check-in moment this week when it has come (and no pause holds it back), else None."""
    team_id, user_id = owner
    try:
        tz = _owner_zone(deps, client, pref, team_id, user_id, now)
    except Exception:
        log.exception("could not resolve the time zone of %s; using the default", user_id)
        tz = deps.settings.default_tz
    schedule = schedule_for(pref, run.teams.get(team_id), deps.settings, tz)
    key = (tz, schedule.weekday, schedule.time, schedule.paused_until)
    if key not in run.slots:
        opened = open_slot(now, tz, schedule.weekday, schedule.time, schedule.paused_until)
        run.slots[key] = None if opened is None else _Slot(*opened, opened[1].astimezone(ZoneInfo(tz)).date())
    return run.slots[key]


def _plan_batch(deps: Deps, due: dict[date, list[int]], now: datetime) -> int:
    """Insert the batch's check-ins and their outbox messages in one transaction (all or nothing); if that
    fails, each goal is tried on its own so one bad row does not hold back the others."""
    try:
        return _insert_batch(deps, due, now)
    except Exception:
        log.exception("planning a batch of check-ins failed; retrying them one by one")
    planned = 0
    for week, goal_ids in due.items():
        for goal_id in goal_ids:
            try:
                planned += _insert_batch(deps, {week: [goal_id]}, now)
            except Exception:
                log.exception("planning the check-in of goal %s for week %s failed", goal_id, week)
    return planned


def _insert_batch(deps: Deps, due: dict[date, list[int]], now: datetime) -> int:
    planned = 0
    with unit_of_work(deps.sessions) as session:
        for week, goal_ids in due.items():
            # Only the rows this run inserted get a message: a week another run took already has its own.
            inserted = insert_checkins(session, goal_ids, week, now)
            if inserted:
                prefix, suffix = checkin_key_parts(week)
                enqueue_from(session, checkin_message_rows(session, inserted, prefix, suffix), kind="checkin",
                             payload={"card": CARD}, now=now)
            planned += len(inserted)
    return planned


def plan_reminders(deps: Deps, client: WebClient, now: datetime) -> int:
    """Write one gentle reminder, in the check-in's thread, for each check-in unanswered for two days."""
    cutoff = now - REMINDER_AFTER
    oldest = cutoff - REMINDER_WINDOW  # delivered before this, the check-in is too old to nudge about
    settings = deps.settings
    with deps.sessions() as session:
        checkins = unanswered_checkins(session, asked_by=cutoff, week_from=(oldest - timedelta(days=7)).date())
        if not checkins:
            return 0
        sent = latest_sent(session, "checkin", [c.id for c in checkins])  # reminders go in the newest thread
        prefs = user_prefs_of_teams(session, sorted({c.goal.team_id for c in checkins}))
    planned = 0
    for checkin in checkins:
        goal = checkin.goal
        pref = prefs.get((goal.team_id, goal.user_id))
        tz = valid_tz(pref.tz if pref else None, settings.default_tz)
        if pref is not None and is_paused(now.astimezone(ZoneInfo(tz)).date(), pref.paused_until):
            continue
        thread = _thread_of(checkin, sent.get(checkin.id))
        if thread is None:
            continue  # never delivered (or refused for good): nothing to remind about
        delivered_at, payload_thread, channel = thread
        if not oldest < delivered_at <= cutoff:
            continue
        lang = owner_lang(pref, settings.default_lang)
        try:
            planned += _remind_one(deps, checkin.id, goal, lang, payload_thread, channel, now)
        except Exception:
            log.exception("planning the reminder of check-in %s failed", checkin.id)
    return planned


def _thread_of(checkin: CheckIn, message: OutboxMessage | None) -> tuple[datetime, dict[str, str], str] | None:
    """When the check-in's newest message went out, how to post in its thread, and to which channel."""
    found: list[tuple[datetime, dict[str, str], str]] = []
    sent_at = message.sent_at if message is not None else None
    if message is not None and sent_at is not None:
        found.append((sent_at, {"thread_of": message.idempotency_key}, message.channel))
    asked = checkin.asked_at
    direct = checkin.message_ts and checkin.channel_id and (message is None or message.sent_ts != checkin.message_ts)
    if direct and asked is not None:
        found.append((asked, {"thread_ts": str(checkin.message_ts)}, str(checkin.channel_id)))  # `/goal checkin`
    return max(found, key=lambda item: item[0]) if found else None


def _remind_one(deps: Deps, checkin_id: int, goal: Goal, lang: str, thread: dict[str, str], channel: str,
                now: datetime) -> int:
    with unit_of_work(deps.sessions) as session:
        # Compare-and-set: of two planners racing, one sets reminded_at and plans; the other plans nothing.
        if not claim_reminder(session, checkin_id, now):
            return 0
        # The reminder suggests replies from where the goal stands (its history): read it in this session.
        payload = {**blocks.reminder_message(lang, session.get(Goal, goal.id) or goal).payload(), **thread}
        enqueue(session, key=f"reminder:{checkin_id}", kind="reminder", team_id=goal.team_id, channel=channel,
                payload=payload, now=now, ref_id=checkin_id)
        return 1
