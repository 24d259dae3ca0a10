"""Modal submissions (view_submission), one module per feature."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.listeners.views import manage
from bot.listeners.views import checkins


def register(app: App, deps: Deps) -> None:
    """Bind every modal listener."""
    manage.register(app, deps)
    checkins.register(app, deps)
