"""Planners for weekly check-ins and their one reminder: write what is due to the outbox, never send.

Check-ins: a goal is due once its owner's local weekday and time have come this week (their own setting, else
the team's, else GOALBOT_CHECKIN_AT; their Slack time zone, else GOALBOT_DEFAULT_TZ). The week's CheckIn
(unique per goal and week) and, only when that insert wins, its outbox message commit together (a hundred goals
to a transaction), so a planner run that dies half-way resumes where it stopped and nothing is planned twice.
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
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.blocks import checkins as blocks
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.installs import NotInstalledError, client_for
from bot.rules.schedule import goal_due, is_paused, open_slot
from bot.rules.statuses import GoalStatus
from bot.services.checkin_schedule import schedule_for
from bot.services.checkins import checkin_key, owner_lang
from bot.services.profiles import resolve_profile, valid_tz
from prompts import normalize_lang
from storage.db import unit_of_work
from storage.models import CheckIn, Goal, OutboxMessage, UserPref
from storage.repositories import (
    GoalWeek,
    active_goals,
    checkins_of_weeks,
    claim_reminder,
    goals_by_id,
    inactive_teams,
    insert_checkin,
    latest_sent,
    team_settings_of,
    unanswered_checkins,
    user_prefs_of_teams,
)

log = logging.getLogger(__name__)

REMINDER_AFTER = timedelta(days=2)
REMINDER_WINDOW = timedelta(days=4)  # later than this after the check-in, a "gentle nudge" is just noise
PLAN_BATCH = 100  # goals per transaction: a row and its message always commit together, a crash loses a batch


# users.info failures by (database, team, user), so someone Slack cannot find is not looked up every minute.
_lookup_failed: dict[tuple[str, str, str], datetime] = {}
LOOKUP_RETRY = timedelta(hours=1)


def _owner_zone(deps: Deps, client: WebClient | None, pref: UserPref | None, team_id: str, user_id: str,
                now: datetime) -> tuple[str, str | None, str | None]:
    """The owner's zone (looked up in Slack the first time), language and locale."""
    settings = deps.settings
    if pref is not None and (pref.tz or pref.profile_fetched_at is not None):
        return valid_tz(pref.tz, settings.default_tz), pref.lang, pref.slack_locale
    failed = _lookup_failed.get((settings.database_url, team_id, user_id))
    if failed is not None and now - failed < LOOKUP_RETRY:
        return settings.default_tz, None, None
    try:
        team_client: WebClient | None = client_for(client, team_id) if client is not None else None
    except NotInstalledError:  # OAuth mode, goals kept from before an install: the default zone, looked up later
        team_client = None
    profile = resolve_profile(deps.sessions, team_client, team_id=team_id, user_id=user_id, now=now,
                              default_lang=settings.default_lang, default_tz=settings.default_tz)
    if not profile.fetched:
        _lookup_failed[(settings.database_url, team_id, user_id)] = now
        return profile.tz, None, None
    _lookup_failed.pop((settings.database_url, team_id, user_id), None)
    return profile.tz, profile.lang_choice, profile.slack_locale


def plan_checkins(deps: Deps, client: WebClient, now: datetime) -> int:
    """Write to the outbox one check-in message per active goal whose owner's weekly moment has come."""
    settings = deps.settings
    with deps.sessions() as session:
        goals = active_goals(session)
        goals = [g for g in goals if g.team_id not in inactive_teams(session)]  # uninstalled: nothing planned
        team_ids = sorted({g.team_id for g in goals})
        # Per team rather than per person: a handful of parameters however many people there are.
        prefs = user_prefs_of_teams(session, team_ids)
        teams = team_settings_of(session, team_ids)
    by_owner: dict[tuple[str, str], list[Goal]] = defaultdict(list)
    for goal in goals:
        by_owner[(goal.team_id, goal.user_id)].append(goal)

    due: list[tuple[Goal, date, datetime, str, str]] = []  # goal, week, send moment, lang, tz
    for (team_id, user_id), owned in by_owner.items():
        pref = prefs.get((team_id, user_id))
        try:
            tz, lang_choice, locale = _owner_zone(deps, client, pref, team_id, user_id, now)
        except Exception:
            log.exception("could not resolve the time zone of %s; using the default", user_id)
            tz, lang_choice, locale = settings.default_tz, None, None
        schedule = schedule_for(pref, teams.get(team_id), settings, tz)
        slot = open_slot(now, tz, schedule.weekday, schedule.time, schedule.paused_until)
        if slot is None:
            continue
        week, at = slot
        send_day = at.astimezone(ZoneInfo(tz)).date()
        lang = normalize_lang(lang_choice or locale, settings.default_lang)
        # The same rule announces the next check-in (bot.rules.schedule.next_checkin): what is said is what happens.
        due.extend((goal, week, at, lang, tz) for goal in owned
                   if goal_due(goal.created_at, goal.deadline, at, send_day))
    if not due:
        return 0

    with deps.sessions() as session:
        # Owners' local weeks differ by a day at most: two or three week starts cover everyone due.
        existing = checkins_of_weeks(session, sorted({w for _, w, _, _, _ in due}))
    todo = [(goal.id, week, lang, tz) for goal, week, _at, lang, tz in due if GoalWeek(goal.id, week) not in existing]
    planned = 0
    for start in range(0, len(todo), PLAN_BATCH):
        batch = todo[start:start + PLAN_BATCH]
        try:
            planned += _plan_batch(deps, batch, now)
        except Exception:
            log.exception("planning a batch of check-ins failed; retrying them one by one")
            for item in batch:
                try:
                    planned += _plan_batch(deps, [item], now)
                except Exception:
                    log.exception("planning the check-in of goal %s for week %s failed", item[0], item[1])
    return planned


def _plan_batch(deps: Deps, batch: list[tuple[int, date, str, str]], now: datetime) -> int:
    """Each goal's check-in row with its outbox message, the batch in one transaction (all or nothing)."""
    planned = 0
    with unit_of_work(deps.sessions) as session:
        goals = goals_by_id(session, [item[0] for item in batch])
        for goal_id, week, lang, tz in batch:
            goal = goals.get(goal_id)
            if goal is None or goal.status != GoalStatus.ACTIVE:
                continue
            checkin_id = insert_checkin(session, goal_id, week, now)
            if checkin_id is None:
                continue  # another planner run got there first: its message is already in the outbox
            message = blocks.checkin_message(lang, goal, checkin_id, now.astimezone(ZoneInfo(tz)).date())
            enqueue(session, key=checkin_key(goal_id, week), kind="checkin", team_id=goal.team_id,
                    channel=goal.user_id, payload=message.payload(), now=now, ref_id=checkin_id)
            planned += 1
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
        payload = {**blocks.reminder_message(lang, goal).payload(), **thread}
        enqueue(session, key=f"reminder:{checkin_id}", kind="reminder", team_id=goal.team_id, channel=channel,
                payload=payload, now=now, ref_id=checkin_id)
        return 1
