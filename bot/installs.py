"""Which workspaces goalbot speaks for, and with which bot token.

Single-token mode (the default): SLACK_BOT_TOKEN is the one workspace's token, and one WebClient speaks for it.
OAuth mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, `goalbot serve --http`): any workspace installs goalbot
through /slack/install → Slack → /slack/oauth_redirect (Bolt's OAuthFlow); slack_sdk's SQLAlchemy installation
and state stores keep the installs in goalbot's own database (tables from storage/models.py, migrated by
Alembic), and each workspace is spoken to with its own bot token.

Every Web API call goalbot makes outside a request (jobs, the outbox, digests, exports) names the workspace it
is for through `client_for(client, team_id)`: in OAuth mode the client is an `InstallationClients`, which holds
no token of its own and hands out the installed workspace's client; in single-token mode it is the one client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.clock import SYSTEM_TIMER
from bot.delivery.retries import Sleep, retry_handlers
from bot.settings import Settings, SettingsError
from storage.models import SLACK_BOTS_TABLE, SLACK_INSTALLATIONS_TABLE, SLACK_OAUTH_STATES_TABLE

log = logging.getLogger(__name__)

# The bot scopes goalbot asks for at install: manifest.yml's oauth_config (tests/bot/test_installs.py compares).
# As manifest.yml asks them (a test holds the two together); channels:history and groups:history let an
# uncertain digest post be looked for in its channel before it is posted again.
BOT_SCOPES = ("chat:write", "chat:write.public", "commands", "im:history", "channels:history", "groups:history",
              "im:read", "im:write", "users:read", "channels:read", "groups:read", "files:write")
STATE_SECONDS = 600  # an install started and not finished within ten minutes starts again


def make_client(token: str | None, base_url: str, timeout: int = 10, *, sleep: Sleep = SYSTEM_TIMER.sleep) -> WebClient:
    """A Web API client that retries connection errors, 429s (honouring Retry-After) and 5xx answers."""
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=retry_handlers(sleep))


class NotInstalledError(LookupError):
    """goalbot has no installation (no bot token) for this workspace: it was never installed, or uninstalled."""


class InstallationClients(WebClient):
    """OAuth mode's client: holds no token, and `for_team` gives the client of one installed workspace.

    It is a WebClient so that every job and delivery signature stays "the client"; a call made on it directly,
    without naming the workspace, fails with not_authed rather than speaking for the wrong one.
    """

    def __init__(self, store: InstallationStore, base_url: str, *, sleep: Sleep = SYSTEM_TIMER.sleep) -> None:
        super().__init__(token=None, base_url=base_url, timeout=10, retry_handlers=retry_handlers(sleep))
        self.store = store
        self._sleep = sleep

    def for_team(self, team_id: str) -> WebClient:
        """The client with this workspace's bot token, read from the installation store each time (an
        uninstall or a reinstall takes effect at once); NotInstalledError when there is none."""
        bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalledError(team_id)
        return make_client(bot.bot_token, self.base_url, int(self.timeout), sleep=self._sleep)


def client_for(client: WebClient, team_id: str) -> WebClient:
    """The one way to speak for a workspace outside a request: its own bot token in OAuth mode, else `client`."""
    return client.for_team(team_id) if isinstance(client, InstallationClients) else client


def jobs_client(settings: Settings, engine: Engine, *, sleep: Sleep = SYSTEM_TIMER.sleep) -> WebClient:
    """The client a process without a Bolt app (`goalbot worker`, `goalbot jobs run`) sends with: OAuth's
    InstallationClients, or the one bot token's client; SettingsError when neither is configured."""
    require_credentials(settings)
    if settings.oauth:
        return InstallationClients(installation_store(engine, str(settings.client_id)), settings.api_url, sleep=sleep)
    return make_client(settings.bot_token, settings.api_url, sleep=sleep)


def require_credentials(settings: Settings) -> None:
    """Raise a SettingsError naming what to set when there is neither a bot token nor OAuth credentials."""
    if not (settings.bot_token or settings.oauth):
        raise SettingsError("SLACK_BOT_TOKEN is missing: set the xoxb- bot token from OAuth & Permissions (or "
                            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for installs in several workspaces) so goalbot "
                            "can post to Slack.")


def installation_store(engine: Engine, client_id: str) -> SQLAlchemyInstallationStore:
    """slack_sdk's installation store on goalbot's database (tables created by the oauth_0003 migration)."""
    return SQLAlchemyInstallationStore(client_id=client_id, engine=engine, bots_table_name=SLACK_BOTS_TABLE,
                                       installations_table_name=SLACK_INSTALLATIONS_TABLE,
                                       logger=logging.getLogger("bot.installs.store"))


def oauth_settings(settings: Settings, store: InstallationStore, engine: Engine,
                   on_installed: Callable[[str], None]) -> OAuthSettings:
    """Bolt's OAuth flow on goalbot's database; `on_installed(team_id)` runs after each successful install."""
    assert settings.client_id and settings.client_secret

    def success(args: SuccessArgs) -> BoltResponse:
        team_id = args.installation.team_id
        if team_id:
            on_installed(team_id)
        log.info("goalbot was installed in workspace %s (%s)", team_id, args.installation.team_name)
        return args.default.success(args)

    def failure(args: FailureArgs) -> BoltResponse:
        log.warning("an install did not complete: %s", args.reason)
        return args.default.failure(args)

    return OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.redirect_uri,
        authorization_url=settings.authorize_url,
        installation_store=store,
        installation_store_bot_only=True,  # goalbot never acts as a person: only the bot token matters
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine,
                                              table_name=SLACK_OAUTH_STATES_TABLE),
        state_expiration_seconds=STATE_SECONDS,
        callback_options=CallbackOptions(success=success, failure=failure),
        logger=logging.getLogger("bot.installs.oauth"),
    )


def authorize(settings: Settings, store: InstallationStore) -> InstallationStoreAuthorize:
    """Bolt's per-request authorize from the store, caching auth.test by token (Bolt's default asks Slack on every
    request, in the ack path); a reinstall brings a new token, an uninstall finds no bot."""
    return InstallationStoreAuthorize(installation_store=store, client_id=settings.client_id,
                                      client_secret=settings.client_secret, bot_only=True, cache_enabled=True,
                                      logger=logging.getLogger("bot.installs.authorize"))


__all__ = ["BOT_SCOPES", "InstallationClients", "NotInstalledError", "authorize", "client_for",
           "installation_store", "jobs_client", "make_client", "oauth_settings", "require_credentials"]
