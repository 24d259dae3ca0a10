"""The App Home tab: built from the database and published with views.publish, on open and after each change."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.home import TeamMember, home_view, next_checkin_text
from bot.deps import Deps
from bot.rules.digest_math import DigestGoal
from bot.rules.objectives import Rollup
from bot.rules.statuses import GoalStatus
from bot.rules.visibility import ReadPath, may_see_goal
from bot.services.checkin_schedule import load_schedule, next_checkin
from bot.services.checkins import owner_lang
from bot.services.digests import team_goals
from bot.services.objectives import objective_rollups
from bot.services.org import load_org
from bot.services.profiles import valid_tz
from storage.db import once_more_if_dropped, unit_of_work
from storage.repositories import get_user_pref, list_goals, upsert_user_pref
from storage.teams import list_objectives, reports_of

log = logging.getLogger(__name__)


def build_home(deps: Deps, team_id: str, user_id: str, *, only_if_opened: bool = False) -> dict[str, Any] | None:
    """The person's Home view as JSON, from what is stored now; None with `only_if_opened` when they have never
    opened the Home tab."""
    settings = deps.settings
    now = deps.clock()
    with deps.sessions() as session:
        pref = get_user_pref(session, team_id, user_id)
        if only_if_opened and (pref is None or pref.home_opened_at is None):
            return None
        goals = list_goals(session, team_id, user_id)
        lang = owner_lang(pref, settings.default_lang)
        tz = valid_tz(pref.tz if pref else None, settings.default_tz)
        zone = ZoneInfo(tz)
        schedule = load_schedule(session, settings, team_id, user_id, tz)
        upcoming = None
        has_goals = any(g.status == GoalStatus.ACTIVE for g in goals)
        if has_goals:
            # The planner's own rule, so the Home never promises a check-in that will not come.
            upcoming = next_checkin(session, schedule, team_id=team_id, user_id=user_id, now=now)
        today = now.astimezone(zone).date()
        text = next_checkin_text(lang, upcoming, zone, schedule.paused_until, today, has_goals=has_goals)
        return home_view(lang, goals, schedule_text=text, today=today,
                         team=_team(session, team_id, user_id, today, tz),
                         objectives=_owned_objectives(session, team_id, user_id, today))


def _team(session: Session, team_id: str, user_id: str, today: date, tz: str) -> list[TeamMember]:
    """A manager's direct reports with their active goals (private ones too: the Home goes up the line only), in
    four queries whatever the team's size; nobody reports to most people, and then it is one."""
    reports = [line.user_id for line in reports_of(session, team_id, user_id)]
    if not reports:
        return []
    org = load_org(session, team_id)  # the one rule, asked as on every read path (a report's manager may)
    reports = [person for person in reports if may_see_goal(org, user_id, person)]
    week_start = today - timedelta(days=today.weekday())
    goals = team_goals(session, team_id=team_id, member_ids=reports, today=today, week_start=week_start, tz=tz,
                       path=ReadPath.HOME)
    by_owner: dict[str, list[DigestGoal]] = {person: [] for person in reports}
    for goal in goals:
        if not goal.standing.closed:
            by_owner[goal.owner].append(goal)
    return [TeamMember(person, by_owner[person]) for person in reports]


def _owned_objectives(session: Session, team_id: str, user_id: str, today: date) -> list[Rollup]:
    """The objectives the person set up, with their roll-ups (every aligned goal: the owner set the objective)."""
    rows = [row for row in list_objectives(session, team_id) if row.owner_id == user_id]
    return objective_rollups(session, team_id, rows, today) if rows else []


def open_home(deps: Deps, client: WebClient, team_id: str, user_id: str) -> bool:
    """The person opened the Home tab: note it the first time, and publish it; False (logged) when Slack refuses."""
    with unit_of_work(deps.sessions, rewritable=True) as session:  # run again after a drop, it writes the same
        pref = upsert_user_pref(session, team_id, user_id)
        if pref.home_opened_at is None:
            pref.home_opened_at = deps.clock()
    return _publish(deps, client, team_id, user_id, only_if_opened=False)


def refresh_home(deps: Deps, client: WebClient, team_id: str, user_id: str) -> bool:
    """Publish the person's Home tab again after a change, if they have ever opened it; False (logged) when Slack
    refuses, since the next open retries."""
    # Slack shows the last view published when the tab opens, and every open publishes a fresh one: keeping
    # the last view fresh matters only to someone who has one. Most account executives live in the DM and never
    # open the Home, and a change costs them no Home built and no views.publish (a Tier 4 method, ~100 a minute).
    return _publish(deps, client, team_id, user_id, only_if_opened=True)


def _publish(deps: Deps, client: WebClient, team_id: str, user_id: str, *, only_if_opened: bool) -> bool:
    # Read-only, so a connection lost meanwhile is simply read again.
    view = once_more_if_dropped(lambda: build_home(deps, team_id, user_id, only_if_opened=only_if_opened))
    if view is None:
        return True
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        log.warning("views.publish for %s failed: %s", user_id, error.response.get("error"))
        return False
    except OSError as error:  # the network: the change itself is saved, and the next open publishes again
        log.warning("views.publish for %s failed: %s", user_id, error)
        return False
    return True
