"""Events API listeners, one module per event family."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.listeners.events import messages
from bot.listeners.events import home
from bot.listeners.events import lifecycle


def register(app: App, deps: Deps) -> None:
    """Bind every event listener."""
    messages.register(app, deps)
    home.register(app, deps)
    lifecycle.register(app, deps)
