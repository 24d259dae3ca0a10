"""The manager's weekly DM: once a week, the day after the team's check-in day at the check-in time (the
manager's own local time), each manager gets their week (bot.services.manager_week) in a DM.

Queued in the outbox under `manager-week:<team>:<manager>:<Monday>`, so running the planner again sends nothing
new; a week missed while goalbot was down is sent on the first run later that week, never the week after.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.blocks.manager_week import manager_week
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.rules.schedule import parse_hhmm
from bot.services.manager_week import build_manager_week
from bot.services.profiles import valid_tz
from bot.settings import Settings
from prompts import normalize_lang
from storage.models import UserPref
from storage.repositories import existing_outbox_keys, get_team_settings, user_prefs_of
from storage.teams import all_managers

KIND = "manager_week"


def zone_and_lang(pref: UserPref | None, settings: Settings) -> tuple[str, str]:
    """A person's time zone and language for a scheduled message, from what is stored about them."""
    tz = valid_tz(pref.tz if pref else None, settings.default_tz)
    return tz, normalize_lang((pref.lang or pref.slack_locale) if pref else None, settings.default_lang)


def week_key(team_id: str, manager_id: str, monday: str) -> str:
    """The outbox idempotency key of one manager's week."""
    return f"manager-week:{team_id}:{manager_id}:{monday}"


def plan_manager_weeks(deps: Deps, client: WebClient, now: datetime) -> int:
    """Queue the week of every manager whose moment has come this week (their local time); how many queued."""
    settings = deps.settings
    queued = 0
    with deps.sessions() as session:
        managers = all_managers(session)
        prefs = user_prefs_of(session, [m.manager_id for m in managers])
        due = []
        for ref in managers:
            pref = prefs.get((ref.team_id, ref.manager_id))
            team = get_team_settings(session, ref.team_id)
            tz, lang = zone_and_lang(pref, settings)
            local_now = now.astimezone(ZoneInfo(tz))
            if pref is not None and pref.paused_until is not None and local_now.date() < pref.paused_until:
                continue
            checkin_day = team.checkin_weekday if team and team.checkin_weekday is not None else settings.checkin_weekday
            at = (team and team.checkin_time) or settings.checkin_time
            monday = local_now.date() - timedelta(days=local_now.weekday())
            # The day after the reps' check-ins: their answers are in by then.
            moment = datetime.combine(monday + timedelta(days=(checkin_day + 1) % 7), parse_hhmm(at),
                                      tzinfo=local_now.tzinfo)
            if local_now < moment:
                continue
            due.append((week_key(ref.team_id, ref.manager_id, monday.isoformat()), ref, tz, lang))
        already = existing_outbox_keys(session, [item[0] for item in due])
        for key, ref, tz, lang in due:
            if key in already:
                continue
            week = build_manager_week(session, team_id=ref.team_id, manager_id=ref.manager_id, now=now, tz=tz,
                                      lang=lang)
            queued += enqueue(session, key=key, kind=KIND, team_id=ref.team_id, channel=ref.manager_id,
                              payload=manager_week(lang, week).payload(), now=now)
        session.commit()
    return queued
