"""The /goal slash command: acknowledged at once, the work done after the ack in a lazy listener."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.commands.registry import HANDLERS
from bot.listeners.support import lazy_listener
from bot.middleware import ack_if_needed
from bot.rules.commands import parse_command


def register(app: App, deps: Deps) -> None:
    """Bind /goal: route the subcommand and answer, whatever goes wrong."""

    @lazy_listener(deps, ephemeral=True)
    def goal_command(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        command = parse_command(body.get("text") or "")
        handler = HANDLERS.get(command.name, HANDLERS["unknown"])
        if respond is None:
            raise LookupError("a slash command without a response_url")  # Slack always sends one
        handler(deps, client, ctx, command, body, respond)

    app.command(ids.GOAL_COMMAND)(ack=ack_if_needed, lazy=[goal_command])
