"""Weekly check-ins (issue 3)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.deps import Deps
from bot.services.conversation import Turn


def handle_thread_reply(deps: Deps, client: WebClient, turn: Turn, event: dict[str, Any]) -> bool:
    """Record a reply in a check-in thread; False when the thread is not a check-in."""
    return False
