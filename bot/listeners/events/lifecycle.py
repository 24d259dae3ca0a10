"""app_uninstalled, tokens_revoked and user_change: the workspace's and its people's lifecycle."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.deps import Deps
from bot.services import workspaces

log = logging.getLogger(__name__)


def on_uninstalled(deps: Deps) -> Any:
    """Stop sending to a workspace that uninstalled goalbot."""

    def handle_app_uninstalled(body: dict[str, Any]) -> None:
        workspaces.stop_sending(deps, str(body["team_id"]), uninstalled=True)

    return handle_app_uninstalled


def on_tokens_revoked(deps: Deps) -> Any:
    """Stop sending when the bot token is revoked (revoked user tokens are not goalbot's: it uses none)."""

    def handle_tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            workspaces.stop_sending(deps, str(body["team_id"]), uninstalled=False)

    return handle_tokens_revoked


def on_user_change(deps: Deps) -> Any:
    """Refresh a person's time zone and locale as soon as Slack says they changed."""

    def handle_user_change(body: dict[str, Any], event: dict[str, Any]) -> None:
        if workspaces.refresh_profile(deps, str(body["team_id"]), event["user"]):
            log.info("refreshed the profile of %s after user_change", event["user"].get("id"))

    return handle_user_change


def register(app: App, deps: Deps) -> None:
    """Bind the lifecycle events."""
    app.event("app_uninstalled")(on_uninstalled(deps))
    app.event("tokens_revoked")(on_tokens_revoked(deps))
    app.event("user_change")(on_user_change(deps))
