"""Who is talking: language and time zone from the stored preference, else from Slack's users.info."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.context import Caller, RequestContext
from bot.deps import Deps
from prompts import normalize_lang
from storage.db import SessionFactory, unit_of_work
from storage.models import UserPref
from storage.repositories import get_user_pref, upsert_user_pref

log = logging.getLogger(__name__)
PROFILE_TTL = timedelta(days=1)


@dataclass(frozen=True)
class Profile:
    """The person's language and time zone, resolved."""

    team_id: str
    user_id: str
    lang: str
    tz: str
    fetched: bool  # Slack answered users.info at some point (False: defaults, or Slack could not say)
    lang_choice: str | None = None
    slack_locale: str | None = None


@dataclass(frozen=True)
class SlackProfile:
    """What users.info says about a person."""

    tz: str | None
    locale: str | None
    display_name: str | None
    admin: bool = False  # a workspace owner or admin: a goalbot admin (bot.rules.visibility)


def valid_tz(name: str | None, default: str) -> str:
    """Return `name` when it is a known IANA zone, else the default."""
    if name:
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return default


def _profile(pref: UserPref | None, team_id: str, user_id: str, default_lang: str, default_tz: str) -> Profile:
    lang_choice = pref.lang if pref else None
    locale = pref.slack_locale if pref else None
    return Profile(team_id=team_id, user_id=user_id, lang=normalize_lang(lang_choice or locale, default_lang),
                   tz=valid_tz(pref.tz if pref else None, default_tz),
                   fetched=pref is not None and pref.profile_fetched_at is not None,
                   lang_choice=lang_choice, slack_locale=locale)


def fetch_slack_profile(client: WebClient, user_id: str) -> SlackProfile | None:
    """users.info for the person; None (logged) when Slack refuses, so defaults answer this time."""
    try:
        user: dict[str, Any] = client.users_info(user=user_id, include_locale=True).get("user") or {}
    except SlackApiError as error:
        log.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
        return None
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    return SlackProfile(tz=user.get("tz") or None, locale=user.get("locale") or None,
                        display_name=str(name)[:80] if name else None,
                        admin=bool(user.get("is_admin") or user.get("is_owner")))


def resolve_profile(
    sessions: SessionFactory, client: WebClient | None, *, team_id: str, user_id: str, now: datetime,
    default_lang: str, default_tz: str,
) -> Profile:
    """Return the person's profile, refreshing Slack's locale and time zone at most once a day.

    Read, then ask Slack with no transaction open, then write what Slack said in a short unit of work. A
    known person whose profile is fresh costs one read: most requests write nothing here.
    """
    with sessions() as session:
        pref = get_user_pref(session, team_id, user_id)
        fetched = pref.profile_fetched_at if pref is not None else None
        known = _profile(pref, team_id, user_id, default_lang, default_tz)
    slack = None
    if client is not None and (fetched is None or now - fetched > PROFILE_TTL):
        slack = fetch_slack_profile(client, user_id)
    if pref is not None and slack is None:
        return known
    with unit_of_work(sessions, rewritable=True) as session:
        pref = upsert_user_pref(session, team_id, user_id)
        if slack is not None:
            pref.tz = slack.tz or pref.tz
            pref.slack_locale = slack.locale or pref.slack_locale
            pref.display_name = slack.display_name or pref.display_name
            pref.slack_admin = slack.admin
            pref.profile_fetched_at = now
        return _profile(pref, team_id, user_id, default_lang, default_tz)


def resolve_context(deps: Deps, client: WebClient | None, caller: Caller) -> RequestContext:
    """The caller with their language and time zone (refreshed from Slack at most daily)."""
    settings = deps.settings
    profile = resolve_profile(deps.sessions, client, team_id=caller.team_id, user_id=caller.user_id, now=caller.now,
                              default_lang=settings.default_lang, default_tz=settings.default_tz)
    return RequestContext.of(caller, lang=profile.lang, tz=profile.tz, fiscal_year_start=settings.fiscal_year_start)


def stored_context(deps: Deps, caller: Caller) -> RequestContext:
    """The caller with the language and time zone already stored: no Slack call, for answers due within the ack."""
    settings = deps.settings
    with deps.sessions() as session:
        pref = get_user_pref(session, caller.team_id, caller.user_id)
        profile = _profile(pref, caller.team_id, caller.user_id, settings.default_lang, settings.default_tz)
    return RequestContext.of(caller, lang=profile.lang, tz=profile.tz, fiscal_year_start=settings.fiscal_year_start)


def set_language(deps: Deps, ctx: RequestContext, lang: str) -> None:
    """Keep the language the person chose with `/goal lang`; it wins over Slack's locale."""
    with unit_of_work(deps.sessions) as session:
        upsert_user_pref(session, ctx.team_id, ctx.user_id).lang = lang


def dm_channel(deps: Deps, client: WebClient, ctx: RequestContext) -> str:
    """Return the bot's DM channel with the person (opened once with conversations.open, then remembered)."""
    with deps.sessions() as session:
        pref = get_user_pref(session, ctx.team_id, ctx.user_id)
        if pref is not None and pref.dm_channel:
            return pref.dm_channel
    channel = str(client.conversations_open(users=ctx.user_id)["channel"]["id"])
    with unit_of_work(deps.sessions, rewritable=True) as session:
        upsert_user_pref(session, ctx.team_id, ctx.user_id).dm_channel = channel
    return channel
