"""The /goal slash command: acknowledged at once, the work done after the ack in a lazy listener."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.deps import Deps
from bot.listeners.commands import goals  # noqa: F401 - registers its subcommands
from bot.listeners.commands import digests  # noqa: F401
from bot.listeners.commands import manage  # noqa: F401
from bot.listeners.commands import checkins  # noqa: F401
from bot.listeners.commands import teams  # noqa: F401
from bot.listeners.commands import proposals  # noqa: F401
from bot.listeners.commands.registry import HANDLERS
from bot.listeners.support import ack_now, make_turn, report_failure
from bot.rules.commands import parse_command

log = logging.getLogger(__name__)



def run_command(deps: Deps) -> Callable[..., None]:
    """The lazy half of /goal: route the subcommand and answer, whatever goes wrong."""

    def lazy_goal_command(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        team_id, user_id = body["team_id"], body["user_id"]
        lang = deps.settings.default_lang
        try:
            turn = make_turn(deps, client, team_id=team_id, user_id=user_id, channel_id=body.get("channel_id"))
            lang = turn.lang
            command = parse_command(body.get("text") or "")
            handler = HANDLERS.get(command.name, HANDLERS["unknown"])
            handler(deps, client, turn, command, body, respond)
        except Exception as error:  # noqa: BLE001 - after the ack the only way to answer is to report it
            report_failure(client, user_id, lang, error, respond=respond)

    return lazy_goal_command


def register(app: App, deps: Deps) -> None:
    """Bind /goal."""
    app.command(ids.GOAL_COMMAND)(ack=ack_now, lazy=[run_command(deps)])
