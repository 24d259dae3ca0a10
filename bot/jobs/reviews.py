"""The review planner: at a goal's deadline, and at the end of each calendar quarter, ask its owner to review it.

A review is a DM with three buttons — achieved, extend, adjust — queued in the outbox under the key
`review:<goal>:deadline` or `review:<goal>:<YYYY>Q<n>`, so running the planner again sends nothing new.
Times are the owner's local ones (UserPref.tz): the deadline review goes out on the deadline day from the
owner's check-in time on (or on the first run after it, if goalbot was down); the quarter review on the last
day of the quarter from that time on, for goals still running after it, and is not sent more than a week late.
A pause (UserPref.paused_until) holds reviews back until it ends.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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


def review_occasion(goal: Goal, *, local_now: datetime, review_time: str) -> tuple[str, date | None] | None:
    """("deadline", None), ("quarter", its last day) or None: which review, if any, is due for the goal now."""
    today = local_now.date()
    on_time = local_now.time() >= parse_hhmm(review_time)
    if today > goal.deadline or (today == goal.deadline and on_time):
        return "deadline", None
    end = last_quarter_end(today)
    if today - end > QUARTER_GRACE or (today == end and not on_time):
        return None
    if goal.deadline > end and goal.start_date < end:
        return "quarter", end
    return None


def review_key(goal_id: int, occasion: str, quarter_end_day: date | None) -> str:
    """The outbox idempotency key of a review: review:<goal>:deadline or review:<goal>:2026Q4."""
    if occasion == "deadline" or quarter_end_day is None:
        return f"review:{goal_id}:deadline"
    return f"review:{goal_id}:{quarter_label(quarter_end_day)}"


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
        due: list[tuple[str, Goal, str, date | None, str, date]] = []
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
            due.append((review_key(goal.id, *occasion), goal, occasion[0], occasion[1], lang, local_now.date()))
        already = existing_outbox_keys(session, [item[0] for item in due])
        for key, goal, occasion, end, lang, today in due:
            if key in already:
                continue
            message = review_message(lang, goal, occasion=occasion, today=today, quarter_end=end,
                                     quarter=quarter_label(end) if end else None)
            queued += enqueue(session, key=key, kind=KIND, team_id=goal.team_id, channel=goal.user_id,
                              payload=message.payload(), now=now, ref_id=goal.id)
    return queued
