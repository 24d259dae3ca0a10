"""Button clicks (block_actions), one module per feature."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.listeners.actions import goals
from bot.listeners.actions import manage
from bot.listeners.actions import checkins


def register(app: App, deps: Deps) -> None:
    """Bind every action listener."""
    goals.register(app, deps)
    manage.register(app, deps)
    checkins.register(app, deps)
