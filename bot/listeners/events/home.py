"""app_home_opened: publish the person's dashboard each time they open the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.support import lazy_listener
from bot.middleware import ack_if_needed
from bot.services.home import open_home


def home_tab(body: dict[str, Any]) -> bool:
    """True when the Home tab (not the Messages tab) was opened."""
    event = body.get("event") or {}
    return event.get("tab") == "home" and bool(event.get("user"))


def register(app: App, deps: Deps) -> None:
    """Bind app_home_opened (the Messages tab opening is ignored)."""

    # No one to answer when it fails: the tab keeps showing its previous version. Language and time zone are
    # refreshed from Slack at most daily, as for any other request.
    @lazy_listener(deps, report_in=None, accept=home_tab)
    def home_opened(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        open_home(deps, client, ctx.team_id, ctx.user_id)

    app.event("app_home_opened")(ack=ack_if_needed, lazy=[home_opened])
