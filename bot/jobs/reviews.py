"""The review planner: at a goal's deadline, and at the end of each calendar quarter, ask its owner to review it.

A review is a DM with three buttons — achieved, extend, adjust — queued in the outbox under the key
`review:<goal>:deadline` or `review:<goal>:<YYYY>Q<n>`, so running the planner again sends nothing new.
Times are the owner's local ones (UserPref.tz): the deadline review goes out on the deadline day from the
owner's check-in time on (or on the first run after it, if goalbot was down); the quarter review on the last
day of the quarter from that time on, for goals still running after it, and is not sent more than a week late.
A pause (UserPref.paused_until) holds reviews back until it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.blocks.edit import review_message
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.rules.schedule import parse_hhmm
from bot.services.profiles import valid_tz
from prompts import normalize_lang
from storage.db import unit_of_work
from storage.models import Goal, UserPref
from storage.repositories import (
    existing_outbox_keys,
    get_team_settings,
    goals_due_for_review,
    inactive_teams,
    user_prefs_of,
)

KIND = "review"
QUARTER_GRACE = timedelta(days=7)  # a quarter review later than this would no longer be about that quarter


def quarter_end(day: date) -> date:
    """The last day of the calendar quarter `day` falls in."""
    first_of_next = date(day.year + (day.month > 9), (((day.month - 1) // 3 + 1) * 3) % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def last_quarter_end(day: date) -> date:
    """The latest quarter end on or before `day`."""
    end = quarter_end(day)
    return end if end == day else quarter_end(date(day.year, ((day.month - 1) // 3) * 3 + 1, 1) - timedelta(days=1))


def quarter_label(end: date) -> str:
    """"2026Q4" for the quarter ending on `end`."""
    return f"{end.year}Q{(end.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Occasion:
    """Which review is due: the goal's deadline, or the end of the quarter that ended on `quarter_end`."""

    kind: Literal["deadline", "quarter"]
    quarter_end: date | None = None

    @property
    def quarter(self) -> str | None:
        """"2026Q4" for a quarter review, None for a deadline review."""
        return quarter_label(self.quarter_end) if self.quarter_end is not None else None


DEADLINE = Occasion("deadline")


@dataclass(frozen=True)
class _Due:
    """A review the planner found due, before it knows whether it was already queued."""

    key: str
    goal: Goal
    occasion: Occasion
    lang: str
    today: date


def review_occasion(goal: Goal, *, local_now: datetime, review_time: str) -> Occasion | None:
    """The review due for the goal now (at its deadline, or at a quarter's end it runs past), or None."""
    today = local_now.date()
    on_time = local_now.time() >= parse_hhmm(review_time)
    if today > goal.deadline or (today == goal.deadline and on_time):
        return DEADLINE
    end = last_quarter_end(today)
    if today - end > QUARTER_GRACE or (today == end and not on_time):
        return None
    if goal.deadline > end and goal.start_date < end:
        return Occasion("quarter", end)
    return None


def review_key(goal_id: int, occasion: Occasion) -> str:
    """The outbox idempotency key of a review: review:<goal>:deadline or review:<goal>:2026Q4."""
    return f"review:{goal_id}:{occasion.quarter or 'deadline'}"


def plan_reviews(deps: Deps, client: WebClient, now: datetime) -> int:
    """Queue every review due at `now` (deadline or quarter end, in each owner's time zone); how many queued."""
    settings = deps.settings
    utc_today = now.astimezone(UTC).date()
    latest_end = last_quarter_end(utc_today + timedelta(days=1))  # any zone's today is within a day of UTC's
    in_quarter_window = utc_today - latest_end <= QUARTER_GRACE + timedelta(days=1)
    queued = 0
    with unit_of_work(deps.sessions) as session:
        goals = goals_due_for_review(session, deadline_by=utc_today + timedelta(days=1),
                                     quarter_end=latest_end if in_quarter_window else None)
        goals = [g for g in goals if g.team_id not in inactive_teams(session)]  # uninstalled: nothing planned
        prefs = user_prefs_of(session, [g.user_id for g in goals])
        teams = {team_id: get_team_settings(session, team_id) for team_id in {g.team_id for g in goals}}
        due: list[_Due] = []
        for goal in goals:
            pref: UserPref | None = prefs.get((goal.team_id, goal.user_id))
            team = teams.get(goal.team_id)
            local_now = now.astimezone(ZoneInfo(valid_tz(pref.tz if pref else None, settings.default_tz)))
            if pref is not None and pref.paused_until is not None and local_now.date() < pref.paused_until:
                continue
            review_time = (pref and pref.checkin_time) or (team and team.checkin_time) or settings.checkin_time
            occasion = review_occasion(goal, local_now=local_now, review_time=review_time)
            if occasion is None:
                continue
            lang = normalize_lang((pref and (pref.lang or pref.slack_locale)) or goal.lang, settings.default_lang)
            due.append(_Due(review_key(goal.id, occasion), goal, occasion, lang, local_now.date()))
        already = existing_outbox_keys(session, [item.key for item in due])
        for item in due:
            if item.key in already:
                continue
            message = review_message(item.lang, item.goal, occasion=item.occasion.kind, today=item.today,
                                     quarter_end=item.occasion.quarter_end, quarter=item.occasion.quarter)
            queued += enqueue(session, key=item.key, kind=KIND, team_id=item.goal.team_id, channel=item.goal.user_id,
                              payload=message.payload(), now=now, ref_id=item.goal.id)
    return queued
