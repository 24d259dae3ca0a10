"""The App Home tab: built from the database and published with views.publish, on open and after each change."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.home import home_view, next_checkin_text
from bot.deps import Deps
from bot.rules.statuses import GoalStatus
from bot.services.checkin_schedule import load_schedule, next_checkin
from bot.services.checkins import owner_lang
from bot.services.profiles import valid_tz
from storage.db import once_more_if_dropped
from storage.repositories import get_user_pref, list_goals

log = logging.getLogger(__name__)


def build_home(deps: Deps, team_id: str, user_id: str) -> dict[str, Any]:
    """The person's Home view as JSON, from what is stored now."""
    settings = deps.settings
    now = deps.clock()
    with deps.sessions() as session:
        pref = get_user_pref(session, team_id, user_id)
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
        return home_view(lang, goals, schedule_text=text, today=today)


def refresh_home(deps: Deps, client: WebClient, team_id: str, user_id: str) -> bool:
    """Publish the person's Home tab again; False (logged) when Slack refuses, since the next open retries."""
    # Read-only, so a connection lost meanwhile is simply read again.
    view = once_more_if_dropped(lambda: build_home(deps, team_id, user_id))
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        log.warning("views.publish for %s failed: %s", user_id, error.response.get("error"))
        return False
    except OSError as error:  # the network: the change itself is saved, and the next open publishes again
        log.warning("views.publish for %s failed: %s", user_id, error)
        return False
    return True
