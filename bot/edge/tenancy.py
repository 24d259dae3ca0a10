"""Only our workspace: the team, app and enterprise a request names must be the ones goalbot is installed in.

In single-token mode the install is the bot token's: SLACK_TEAM_ID / SLACK_APP_ID / SLACK_ENTERPRISE_ID when
set, else the team (and enterprise) auth.test reports for the token, asked once. In OAuth mode (bot/installs.py)
any workspace with an installation in the store is ours; an org-wide (enterprise) install is not supported.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import InstallationStore

from bot.edge.payloads import Identity
from bot.settings import Settings

log = logging.getLogger(__name__)
# Slack's word that a workspace removed goalbot: they concern a workspace that had it, even once its installation
# is gone, and they never bring a workspace back (bot.middleware.reactivate_workspaces).
LIFECYCLE_EVENTS = frozenset({"app_uninstalled", "tokens_revoked"})
RETRY_SECONDS = 30.0  # after a failed auth.test, requests are refused this long before Slack is asked again


@dataclass(frozen=True)
class Install:
    """Where goalbot is installed: requests naming anything else are refused."""

    team_id: str | None
    app_id: str | None
    enterprise_id: str | None


class Tenancy:
    """Decides whether a request's identity is our install (learning the install once from auth.test)."""

    def __init__(self, *, team_id: str | None, app_id: str | None, enterprise_id: str | None,
                 client: WebClient | None) -> None:
        self._configured = Install(team_id, app_id, enterprise_id)
        self._client = client
        self._install: Install | None = self._configured if team_id else None
        self._lock = threading.Lock()
        self._failed_at: float | None = None

    def install(self) -> Install | None:
        """Our install, or None while Slack cannot tell us (then every request is refused)."""
        if self._install is not None:
            return self._install
        with self._lock:
            recently_failed = self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_SECONDS
            if self._install is None and self._client is not None and not recently_failed:
                try:
                    answer = self._client.auth_test()
                except (SlackApiError, OSError) as error:
                    # Not asked again for a while: a Slack outage must not put auth.test in every ack path.
                    self._failed_at = time.monotonic()
                    log.warning("auth.test failed, cannot tell which workspace is ours yet: %s", type(error).__name__)
                    return None
                self._install = Install(team_id=str(answer.get("team_id") or "") or None,
                                        app_id=self._configured.app_id,
                                        enterprise_id=self._configured.enterprise_id or answer.get("enterprise_id"))
        return self._install

    def foreign(self, identity: Identity, event_type: str | None = None) -> str | None:
        """Why the identity is not our install (e.g. "team"), or None when it is ours."""
        install = self.install()
        if install is None or install.team_id is None:
            return "install unknown"
        if identity.team_id != install.team_id:
            return "team"
        if install.app_id and identity.api_app_id != install.app_id:
            return "app"
        if identity.enterprise_id != install.enterprise_id:
            return "enterprise"
        return None


class InstalledTenancy(Tenancy):
    """OAuth mode: a request is ours when its workspace has an installation in the store (and it names our app,
    when SLACK_APP_ID is set). Uninstall and token-revoked events pass for any workspace: Slack signed them for
    this app, and they concern a workspace that had goalbot, even after its installation was deleted."""

    def __init__(self, store: InstallationStore, *, app_id: str | None) -> None:
        super().__init__(team_id=None, app_id=app_id, enterprise_id=None, client=None)
        self._store = store

    def foreign(self, identity: Identity, event_type: str | None = None) -> str | None:
        """Why the identity is not an installed workspace, or None when it is (`event_type`: an event's type)."""
        if self._configured.app_id and identity.api_app_id != self._configured.app_id:
            return "app"
        if identity.enterprise_id is not None:
            return "enterprise"
        if not identity.team_id:
            return "team"
        if event_type in LIFECYCLE_EVENTS:
            return None
        if self._store.find_bot(enterprise_id=None, team_id=identity.team_id) is None:
            return "team"
        return None


def tenancy_for(settings: Settings, client: WebClient | None, store: InstallationStore | None = None) -> Tenancy:
    """The install check for these settings: in OAuth mode (a store) any installed workspace, else the bot token's
    workspace unless SLACK_TEAM_ID says otherwise."""
    if store is not None:
        return InstalledTenancy(store, app_id=settings.app_id)
    return Tenancy(team_id=settings.team_id, app_id=settings.app_id, enterprise_id=settings.enterprise_id,
                   client=client)
