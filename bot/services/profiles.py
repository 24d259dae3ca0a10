"""Who is talking: language and time zone from the stored preference, else from Slack's users.info."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.clock import as_utc
from prompts import normalize_lang
from storage.repositories import upsert_user_pref

log = logging.getLogger(__name__)
PROFILE_TTL = timedelta(days=1)


@dataclass(frozen=True)
class Profile:
    """The person's language and time zone, resolved."""

    team_id: str
    user_id: str
    lang: str
    tz: str


def valid_tz(name: str | None, default: str) -> str:
    """Return `name` when it is a known IANA zone, else the default."""
    if name:
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return default


def resolve_profile(
    session: Session, client: WebClient | None, *, team_id: str, user_id: str, now: datetime,
    default_lang: str, default_tz: str,
) -> Profile:
    """Return the person's profile, refreshing Slack's locale and time zone at most once a day."""
    pref = upsert_user_pref(session, team_id, user_id)
    fetched = as_utc(pref.profile_fetched_at) if pref.profile_fetched_at is not None else None
    if client is not None and (fetched is None or now - fetched > PROFILE_TTL):
        try:
            user = client.users_info(user=user_id, include_locale=True).get("user") or {}
            pref.tz = user.get("tz") or pref.tz
            pref.slack_locale = user.get("locale") or pref.slack_locale
            profile = user.get("profile") or {}
            name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
            pref.display_name = str(name)[:80] if name else pref.display_name
            # Slack's owners and admins are goalbot admins (bot.rules.visibility); kept fresh with the profile.
            pref.slack_admin = bool(user.get("is_admin") or user.get("is_owner"))
            pref.profile_fetched_at = now
        except SlackApiError as error:
            # Defaults are a fine answer for this message; the next one tries again.
            log.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
    lang = normalize_lang(pref.lang or pref.slack_locale, default_lang)
    return Profile(team_id=team_id, user_id=user_id, lang=lang, tz=valid_tz(pref.tz, default_tz))
