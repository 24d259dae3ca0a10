"""One package per Slack surface, each with one register(app, deps)."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import actions, commands, events, views


def register_listeners(app: App, deps: Deps) -> None:
    """Bind every listener to the app."""
    commands.register(app, deps)
    events.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
