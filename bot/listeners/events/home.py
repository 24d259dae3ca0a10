"""app_home_opened: publish the person's dashboard each time they open the Home tab."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.deps import Deps
from bot.listeners.support import make_turn
from bot.services.home import refresh_home

log = logging.getLogger(__name__)


def on_home_opened(deps: Deps) -> Any:
    """Refresh the Home tab (the Messages tab opening is ignored)."""

    def handle_app_home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        team_id = body.get("team_id") or ""
        try:
            # Language and time zone refreshed from Slack at most daily, as for any other request.
            make_turn(deps, client, team_id=team_id, user_id=event["user"], channel_id=None)
            refresh_home(deps, client, team_id, event["user"])
        except Exception:  # noqa: BLE001 - no one to answer: the tab keeps showing its previous version
            log.exception("refreshing the Home tab of %s failed", event.get("user"))

    return handle_app_home_opened


def register(app: App, deps: Deps) -> None:
    """Bind app_home_opened."""
    app.event("app_home_opened")(on_home_opened(deps))
