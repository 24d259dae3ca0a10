"""When the weekly check-in comes: the person's own moment, the team default, a pause, and the next send.

`/goal checkin-time friday 16:00` sets the person's weekly moment (in their Slack time zone); `reset` goes back
to the team's; `team monday 09:00` sets the team default (any member may: goalbot has no admin role yet, and
each person's own choice wins over it). `/goal pause until 7 January` holds check-ins back until that day
(they resume by themselves); `/goal resume` restarts them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from sqlalchemy.orm import Session

from bot.context import RequestContext
from bot.deps import Deps
from bot.rules.schedule import WeeklyTime, current_slot, next_send
from bot.settings import Settings
from prompts import fmt_date, t
from storage.db import unit_of_work
from storage.models import TeamSettings, UserPref
from storage.repositories import (
    get_team_settings,
    get_user_pref,
    has_checkin_in_week,
    upsert_team_settings,
    upsert_user_pref,
)


@dataclass(frozen=True)
class Schedule:
    """When a person's weekly check-in is due: weekday (0 = Monday), local "HH:MM", zone, pause."""

    weekday: int
    time: str
    tz: str
    paused_until: date | None


def schedule_for(pref: UserPref | None, team: TeamSettings | None, settings: Settings, tz: str) -> Schedule:
    """The person's own check-in time, else the team default, else the app default."""
    weekday, hhmm = settings.checkin_weekday, settings.checkin_time
    if team is not None and team.checkin_weekday is not None and team.checkin_time:
        weekday, hhmm = team.checkin_weekday, team.checkin_time
    if pref is not None and pref.checkin_weekday is not None and pref.checkin_time:
        weekday, hhmm = pref.checkin_weekday, pref.checkin_time
    return Schedule(weekday, hhmm, tz, pref.paused_until if pref is not None else None)


def load_schedule(session: Session, settings: Settings, team_id: str, user_id: str, tz: str) -> Schedule:
    """Read a person's schedule from the database."""
    return schedule_for(get_user_pref(session, team_id, user_id), get_team_settings(session, team_id), settings, tz)


def day_name(lang: str, weekday: int) -> str:
    """The weekday's name in the language: Friday / venerdì."""
    return str(get_day_names("wide", locale="it_IT" if lang == "it" else "en_US")[weekday])


def local_moment(lang: str, at: datetime, tz: str) -> str:
    """A send moment as the person reads it: "Friday 27 November at 16:00"."""
    local = at.astimezone(ZoneInfo(tz))
    return t(lang, "checkin.at", date=fmt_date(lang, local.date(), "weekday"), time=local.strftime("%H:%M"))


def next_checkin(session: Session, schedule: Schedule, *, team_id: str, user_id: str, now: datetime) -> datetime:
    """The next moment a check-in will really be sent (this week's is skipped when it already went out)."""
    week, _ = current_slot(now, schedule.tz, schedule.weekday, schedule.time)
    done = has_checkin_in_week(session, team_id, user_id, week)
    return next_send(now, schedule.tz, schedule.weekday, schedule.time, paused_until=schedule.paused_until,
                     after_week=week if done else None)



@dataclass(frozen=True)
class ScheduleAnswer:
    """A person's schedule and the next moment a check-in really goes out."""

    schedule: Schedule
    next_at: datetime


def _answer(session: Session, deps: Deps, ctx: RequestContext) -> ScheduleAnswer:
    schedule = load_schedule(session, deps.settings, ctx.team_id, ctx.user_id, ctx.tz)
    return ScheduleAnswer(schedule, next_checkin(session, schedule, team_id=ctx.team_id, user_id=ctx.user_id,
                                                 now=ctx.now))


def current_schedule(deps: Deps, ctx: RequestContext) -> ScheduleAnswer:
    """The person's schedule as it stands."""
    with deps.sessions() as session:
        return _answer(session, deps, ctx)


def set_own_schedule(deps: Deps, ctx: RequestContext, moment: WeeklyTime | None) -> ScheduleAnswer:
    """Set the person's weekly moment (None: back to the team's)."""
    with unit_of_work(deps.sessions) as session:
        pref = upsert_user_pref(session, ctx.team_id, ctx.user_id)
        pref.checkin_weekday, pref.checkin_time = (moment.weekday, moment.time) if moment else (None, None)
        return _answer(session, deps, ctx)


def set_team_schedule(deps: Deps, ctx: RequestContext, moment: WeeklyTime) -> None:
    """Set the team's default weekly moment."""
    with unit_of_work(deps.sessions) as session:
        row = upsert_team_settings(session, ctx.team_id)
        row.checkin_weekday, row.checkin_time = moment.weekday, moment.time


def pause_until(deps: Deps, ctx: RequestContext, day: date) -> ScheduleAnswer:
    """Hold check-ins back until `day`."""
    with unit_of_work(deps.sessions) as session:
        upsert_user_pref(session, ctx.team_id, ctx.user_id).paused_until = day
        return _answer(session, deps, ctx)


def resume(deps: Deps, ctx: RequestContext) -> tuple[bool, ScheduleAnswer]:
    """Restart paused check-ins now; True when they were paused."""
    with unit_of_work(deps.sessions) as session:
        pref = upsert_user_pref(session, ctx.team_id, ctx.user_id)
        was_paused = pref.paused_until is not None and pref.paused_until > ctx.today
        pref.paused_until = None
        return was_paused, _answer(session, deps, ctx)
