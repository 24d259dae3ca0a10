"""The manager's week: how the manager's reports stand (private goals too: it goes up the line only), who has
not checked in, what was achieved, blockers and notes quoted, and the objectives' roll-ups.

Built in a constant number of queries whatever the team's size: the reporting lines, the digest's one query for
every goal with its trend and latest check-in, and the objectives with their aligned goals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.blocks.digests import DigestView
from bot.context import RequestContext
from bot.rules.objectives import Rollup
from bot.rules.visibility import ReadPath, may_see_goal
from bot.services.digests import digest_view, team_goals
from bot.services.objectives import objective_rollups
from bot.services.org import load_org
from storage.db import SessionFactory
from storage.repositories import display_names
from storage.teams import list_objectives, reports_of


@dataclass(frozen=True)
class ManagerWeek:
    """What the manager's weekly message shows: the reports' digest view and the objectives' roll-ups."""

    manager_id: str
    reports: list[str]
    view: DigestView
    objectives: list[Rollup]


def build_manager_week(session: Session, *, team_id: str, manager_id: str, now: datetime, tz: str,
                       lang: str) -> ManagerWeek:
    """Load and compute the manager's week at `now`, in the manager's time zone and language."""
    today = now.astimezone(ZoneInfo(tz)).date()
    week_start = today - timedelta(days=today.weekday())
    org = load_org(session, team_id)  # the one rule, asked as on every read path (a report's manager may)
    reports = [line.user_id for line in reports_of(session, team_id, manager_id)
               if may_see_goal(org, manager_id, line.user_id)]
    goals = team_goals(session, team_id=team_id, member_ids=reports, today=today, week_start=week_start,
                       tz=tz, path=ReadPath.WEEK)
    objectives = objective_rollups(session, team_id, list_objectives(session, team_id), today)
    view = digest_view(goals, lang=lang, week_start=week_start, today=today)
    view.names = display_names(session, team_id, reports)  # the menu of reports past the message's block limit
    return ManagerWeek(manager_id, reports, view, objectives)


def manager_week_for(sessions: SessionFactory, ctx: RequestContext) -> ManagerWeek:
    """The speaker's week as their reports' manager, now (`/goal team week`)."""
    with sessions() as session:
        return build_manager_week(session, team_id=ctx.team_id, manager_id=ctx.user_id, now=ctx.now,
                                  tz=ctx.tz, lang=ctx.lang)
