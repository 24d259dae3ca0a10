"""The /goal subcommand registry: each feature module registers its handlers with @subcommand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks.common import Message
from bot.deps import Deps
from bot.rules.commands import Command
from bot.services.conversation import Turn

Handler = Callable[[Deps, WebClient, Turn, Command, dict[str, Any], Respond], None]
HANDLERS: dict[str, Handler] = {}


def subcommand(*names: str) -> Callable[[Handler], Handler]:
    """Register a function as the handler of `/goal NAME`."""

    def decorate(fn: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = fn
        return fn

    return decorate


def ephemeral(respond: Respond, message: Message) -> None:
    """Answer only the person who typed the command, where they typed it."""
    payload = message.payload()
    respond(text=payload["text"], blocks=payload.get("blocks"), response_type="ephemeral", replace_original=False)
