"""Modal submissions (view_submission), one module per feature."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Bind every modal listener."""
