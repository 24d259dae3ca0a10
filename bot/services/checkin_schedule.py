"""When the weekly check-in comes: the person's own moment, the team default, a pause, and the next send.

`/goal checkin-time friday 16:00` sets the person's weekly moment (in their Slack time zone); `reset` goes back
to the team's; `team monday 09:00` sets the team default (any member may: goalbot has no admin role yet, and
each person's own choice wins over it). `/goal pause until 7 January` holds check-ins back until that day
(they resume by themselves); `/goal resume` restarts them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from sqlalchemy.orm import Session

from bot.context import RequestContext
from bot.deps import Deps
from bot.rules.schedule import NextCheckIn, PlannedGoal, WeeklyTime, current_slot
from bot.rules.schedule import next_checkin as rules_next_checkin
from bot.settings import Settings
from prompts import fmt_date, t
from storage.db import unit_of_work
from storage.models import TeamSettings
from storage.repositories import (
    active_goal_weeks,
    get_team_settings,
    get_user_pref,
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


class WeeklyPrefs(Protocol):
    """What a schedule reads of a person's preferences: a stored UserPref, or the planner's plain row."""

    @property
    def checkin_weekday(self) -> int | None: ...
    @property
    def checkin_time(self) -> str | None: ...
    @property
    def paused_until(self) -> date | None: ...


def schedule_for(pref: WeeklyPrefs | None, team: TeamSettings | None, settings: Settings, tz: str) -> Schedule:
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


def local_moment(lang: str, at: NextCheckIn | datetime | None, tz: str) -> str:
    """A send moment as the person reads it: "Friday 27 November at 16:00", or "in a moment" when already due."""
    if at is None:
        return t(lang, "checkin.none_due")
    if isinstance(at, NextCheckIn):
        if at.due_now:
            return t(lang, "checkin.due_now")
        sent, at = at.this_week_sent, at.at
        local = at.astimezone(ZoneInfo(tz))
        moment = t(lang, "checkin.at", date=fmt_date(lang, local.date(), "weekday"), time=local.strftime("%H:%M"))
        return t(lang, "checkin.after_this_week", moment=moment) if sent else moment
    local = at.astimezone(ZoneInfo(tz))
    return t(lang, "checkin.at", date=fmt_date(lang, local.date(), "weekday"), time=local.strftime("%H:%M"))


def next_checkin(session: Session, schedule: Schedule, *, team_id: str, user_id: str,
                 now: datetime) -> NextCheckIn | None:
    """The next check-in the planner will really send this person (the planner's own rule, over their goals)."""
    week, _ = current_slot(now, schedule.tz, schedule.weekday, schedule.time)
    goals = [PlannedGoal(row.created_at, row.deadline, row.asked, row.start_date)
             for row in active_goal_weeks(session, team_id, user_id, week)]
    return rules_next_checkin(now, schedule.tz, schedule.weekday, schedule.time,
                              paused_until=schedule.paused_until, goals=goals)


def first_checkin(session: Session, settings: Settings, *, team_id: str, user_id: str, tz: str, now: datetime,
                  created_at: datetime, deadline: date, start_date: date) -> NextCheckIn | None:
    """The first check-in the planner will send about one new goal (its own rule, for that goal alone)."""
    schedule = load_schedule(session, settings, team_id, user_id, tz)
    return rules_next_checkin(now, schedule.tz, schedule.weekday, schedule.time, paused_until=schedule.paused_until,
                              goals=[PlannedGoal(created_at, deadline, False, start_date)])


def skip_moment(session: Session, schedule: Schedule, *, team_id: str, user_id: str,
                now: datetime) -> NextCheckIn | None:
    """The next check-in after a skipped week ("Skipped this week" already says why it is a later week)."""
    at = next_checkin(session, schedule, team_id=team_id, user_id=user_id, now=now)
    return None if at is None else replace(at, this_week_sent=False)


@dataclass(frozen=True)
class ScheduleAnswer:
    """A person's schedule and the next moment a check-in really goes out."""

    schedule: Schedule
    next_at: NextCheckIn | None


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
