"""The one settings object: read from the environment (and a .env file), validated at start-up."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

LANGUAGES = ("en", "it")
SLACK_API_DEFAULT = "https://slack.com/api/"
SLACK_HOOKS_PREFIX = "https://hooks.slack.com/"


class SettingsError(ValueError):
    """A setting is missing or invalid; the message is one sentence a person can act on."""


@dataclass(frozen=True)
class Settings:
    """Everything goalbot reads from its environment."""

    bot_token: str | None
    signing_secret: str | None
    app_token: str | None
    api_url: str
    database_url: str
    default_tz: str
    default_lang: str
    checkin_weekday: int
    checkin_time: str
    digest_weekday: int
    digest_time: str
    log_level: str
    # chat.postMessage workspace-wide budget; Slack documents "several hundred per minute" (see bot/delivery/ratelimit.py).
    slack_posts_per_minute: int = 300
    # The HTTP edge (bot/edge, bot/server.py): see README "Running in production".
    team_id: str | None = None  # our install; None: learnt from auth.test for the bot token
    app_id: str | None = None
    enterprise_id: str | None = None
    response_url_prefixes: tuple[str, ...] = (SLACK_HOOKS_PREFIX,)
    max_body_bytes: int = 262_144
    http_threads: int = 8
    db_connections: int = 12
    http_connection_limit: int = 1_000
    http_timeout_seconds: int = 30
    log_format: str = "text"
    processed_events_ttl_seconds: int = 3_600
    fingerprints_ttl_seconds: int = 600
    sent_outbox_ttl_days: int = 30
    # Durability (bot/delivery): conversations.history/replies calls a minute for checking uncertain sends (Slack
    # allows non-Marketplace apps one), how long a dead process's claim on an outbox row lasts, and how long an
    # acked event may wait in the inbox before another process handles it.
    history_calls_per_minute: int = 1
    outbox_lease_seconds: int = 120
    inbox_grace_seconds: int = 60
    # Where the work after an ack runs (bot/handoff.py): False, in the process that acked (Socket Mode, `goalbot
    # run`, the shell, tests); True, recorded in the inbox before the ack and run by an after-ack process
    # (`goalbot serve --http` turns it on and starts one; `goalbot worker` runs one too).
    handoff: bool = False
    # The month (1-12) the workspace's fiscal year starts in: "FY27 Q1" and "fine anno fiscale" are read against it.
    fiscal_year_start: int = 1
    # Installs in several workspaces (OAuth, bot/installs.py): with both set, `serve --http` serves /slack/install.
    client_id: str | None = None
    client_secret: str | None = None
    redirect_uri: str | None = None  # the manifest's redirect URL; Slack uses the app's first one when unset

    @property
    def oauth(self) -> bool:
        """True when goalbot is installed through OAuth (each workspace its own bot token), not one SLACK_BOT_TOKEN."""
        return bool(self.client_id and self.client_secret)

    @property
    def authorize_url(self) -> str:
        """Slack's OAuth authorize page, beside the Web API (https://slack.com/oauth/v2/authorize, or the fake's)."""
        root = self.api_url.removesuffix("/").removesuffix("/api")
        return f"{root}/oauth/v2/authorize"

    @property
    def has_slack(self) -> bool:
        """True when enough Slack credentials are configured to talk to a real workspace."""
        return bool(self.bot_token)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env") -> Settings:
        """Read and validate settings; values in `environ` win over the .env file."""
        values: dict[str, str] = {}
        if env_file is not None and Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            value = values.get(name, "").strip()
            return value or None

        bot_token = get("SLACK_BOT_TOKEN")
        if bot_token and not bot_token.startswith("xoxb-"):
            raise SettingsError(
                "SLACK_BOT_TOKEN must be a bot token starting with xoxb- (Slack app settings > OAuth & Permissions)."
            )
        app_token = get("SLACK_APP_TOKEN")
        if app_token and not app_token.startswith("xapp-"):
            raise SettingsError(
                "SLACK_APP_TOKEN must be an app-level token starting with xapp- with the connections:write scope "
                "(Slack app settings > Basic Information > App-Level Tokens)."
            )
        oauth = _oauth_settings(get, bot_token)
        if app_token and not bot_token:
            raise SettingsError("SLACK_BOT_TOKEN is missing: Socket Mode (SLACK_APP_TOKEN) also needs the xoxb- bot token.")
        api_url = get("SLACK_API_URL") or SLACK_API_DEFAULT
        if not api_url.startswith(("http://", "https://")):
            raise SettingsError(f"SLACK_API_URL must be an http(s) URL such as {SLACK_API_DEFAULT}, not {api_url!r}.")
        if not api_url.endswith("/"):
            api_url += "/"
        database_url = get("DATABASE_URL") or "sqlite:///goalbot.db"
        try:
            url = make_url(database_url)
        except ArgumentError:
            raise SettingsError(
                "DATABASE_URL is not a database URL: use sqlite:///goalbot.db or postgresql+psycopg://user@host/db."
            ) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise SettingsError("DATABASE_URL must point to SQLite (sqlite:///…) or PostgreSQL (postgresql+psycopg://…).")
        if url.get_backend_name() == "postgresql" and url.drivername != "postgresql+psycopg":
            database_url = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        default_tz = get("GOALBOT_DEFAULT_TZ") or "Europe/Rome"
        try:
            ZoneInfo(default_tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"GOALBOT_DEFAULT_TZ must be an IANA time zone such as Europe/Rome or America/New_York, not {default_tz!r}."
            ) from None
        default_lang = (get("GOALBOT_DEFAULT_LANG") or "en").lower()
        if default_lang not in LANGUAGES:
            raise SettingsError(f"GOALBOT_DEFAULT_LANG must be en or it, not {default_lang!r}.")
        checkin_weekday, checkin_time = _weekday_time(
            "GOALBOT_CHECKIN_AT", get("GOALBOT_CHECKIN_AT") or "monday 09:00"
        )
        digest_weekday, digest_time = _weekday_time("GOALBOT_DIGEST_AT", get("GOALBOT_DIGEST_AT") or "friday 16:00")
        return cls(
            bot_token=bot_token,
            signing_secret=get("SLACK_SIGNING_SECRET"),
            app_token=app_token,
            api_url=api_url,
            database_url=database_url,
            default_tz=default_tz,
            default_lang=default_lang,
            checkin_weekday=checkin_weekday,
            checkin_time=checkin_time,
            digest_weekday=digest_weekday,
            digest_time=digest_time,
            log_level=(get("GOALBOT_LOG_LEVEL") or "INFO").upper(),
            slack_posts_per_minute=_positive_int("GOALBOT_SLACK_POSTS_PER_MINUTE",
                                                 get("GOALBOT_SLACK_POSTS_PER_MINUTE") or "300"),
            **_edge_settings(get),
            fiscal_year_start=_month("GOALBOT_FISCAL_YEAR_START", get("GOALBOT_FISCAL_YEAR_START") or "1"),
            **oauth,
        )


def _oauth_settings(get: Callable[[str], str | None], bot_token: str | None) -> dict[str, Any]:
    """SLACK_CLIENT_ID / SLACK_CLIENT_SECRET / SLACK_REDIRECT_URI: both credentials or neither, and not beside a
    single SLACK_BOT_TOKEN (which workspace would a request be answered with?)."""
    client_id, client_secret, redirect_uri = get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET"), get("SLACK_REDIRECT_URI")
    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise SettingsError(f"{missing} is missing: installs in several workspaces need both SLACK_CLIENT_ID and "
                            "SLACK_CLIENT_SECRET (Slack app settings > Basic Information > App Credentials).")
    if client_id and bot_token:
        raise SettingsError("Set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                            "(installs in any workspace, each with its own token), not both.")
    if redirect_uri and not redirect_uri.startswith(("https://", "http://")):
        raise SettingsError("SLACK_REDIRECT_URI must be the redirect URL of the app's OAuth settings, such as "
                            f"https://your-host/slack/oauth_redirect, not {redirect_uri!r}.")
    return {"client_id": client_id, "client_secret": client_secret, "redirect_uri": redirect_uri}


def _edge_settings(get: Callable[[str], str | None]) -> dict[str, Any]:
    """The HTTP edge's settings: install identity, limits, logging and housekeeping ages."""
    prefixes = tuple(p.strip() for p in (get("GOALBOT_RESPONSE_URL_PREFIXES") or SLACK_HOOKS_PREFIX).split(","))
    for prefix in prefixes:
        if not prefix.startswith(("https://", "http://")) or prefix.count("/") < 3:
            raise SettingsError("GOALBOT_RESPONSE_URL_PREFIXES must be URL prefixes ending in a slash after the "
                                f"host, such as {SLACK_HOOKS_PREFIX}, not {prefix!r}.")
    log_format = (get("GOALBOT_LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        raise SettingsError(f"GOALBOT_LOG_FORMAT must be text or json, not {log_format!r}.")

    def number(name: str, default: int) -> int:
        return _positive_int(name, get(name) or str(default))

    return {
        "team_id": get("SLACK_TEAM_ID"), "app_id": get("SLACK_APP_ID"), "enterprise_id": get("SLACK_ENTERPRISE_ID"),
        "response_url_prefixes": prefixes, "log_format": log_format,
        "max_body_bytes": number("GOALBOT_MAX_BODY_BYTES", 262_144),
        "http_threads": number("GOALBOT_HTTP_THREADS", 8),
        "db_connections": number("GOALBOT_DB_CONNECTIONS", 12),
        "http_connection_limit": number("GOALBOT_HTTP_CONNECTION_LIMIT", 1_000),
        "http_timeout_seconds": number("GOALBOT_HTTP_TIMEOUT_SECONDS", 30),
        "processed_events_ttl_seconds": number("GOALBOT_PROCESSED_EVENTS_TTL_SECONDS", 3_600),
        "fingerprints_ttl_seconds": number("GOALBOT_FINGERPRINTS_TTL_SECONDS", 600),
        "sent_outbox_ttl_days": number("GOALBOT_SENT_OUTBOX_TTL_DAYS", 30),
        "history_calls_per_minute": number("GOALBOT_SLACK_HISTORY_CALLS_PER_MINUTE", 1),
        "outbox_lease_seconds": number("GOALBOT_OUTBOX_LEASE_SECONDS", 120),
        "inbox_grace_seconds": number("GOALBOT_INBOX_GRACE_SECONDS", 60),
    }


def _positive_int(name: str, value: str) -> int:
    """Parse a positive whole number for a setting, or raise a SettingsError naming the variable."""
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"{name} must be a positive whole number such as 300, not {value!r}.")
    return int(value)


def _month(name: str, value: str) -> int:
    """Parse a month number 1-12 for a setting, or raise a SettingsError naming the variable."""
    if not value.isdigit() or not 1 <= int(value) <= 12:
        raise SettingsError(f"{name} must be the month the fiscal year starts in, 1-12 (2 for February), not {value!r}.")
    return int(value)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday_time(name: str, value: str) -> tuple[int, str]:
    """Parse 'monday 09:00' for a setting, or raise a SettingsError naming the variable."""
    parts = value.lower().split()
    ok = len(parts) == 2 and parts[0] in _WEEKDAYS and len(parts[1]) == 5 and parts[1][2] == ":"
    if ok:
        hh, mm = parts[1].split(":")
        ok = hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60
    if not ok:
        raise SettingsError(f"{name} must be a weekday and a 24-hour time such as 'monday 09:00', not {value!r}.")
    return _WEEKDAYS.index(parts[0]), parts[1]
