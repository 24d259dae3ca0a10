"""The /goal slash command: acknowledged at once, the work done after the ack in a lazy listener."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks.common import Message, escape, text_message
from bot.blocks.goals import goal_list, help_message
from bot.deps import Deps
from bot.listeners.support import dm_channel, make_turn, reply, report_failure, run_in_session
from bot.rules.commands import Command, parse_command
from bot.services import conversation
from bot.services.conversation import Turn
from prompts import LANGUAGES, t
from storage.repositories import list_goals, upsert_user_pref

log = logging.getLogger(__name__)
Handler = Callable[[Deps, WebClient, Turn, Command, dict[str, Any], Respond], None]
_HANDLERS: dict[str, Handler] = {}


def subcommand(*names: str) -> Callable[[Handler], Handler]:
    """Register a function as the handler of `/goal NAME`."""

    def decorate(fn: Handler) -> Handler:
        for name in names:
            _HANDLERS[name] = fn
        return fn

    return decorate


def ack_command(ack: Ack) -> None:
    """Acknowledge /goal at once: everything else happens after the ack."""
    ack()


def run_command(deps: Deps) -> Callable[..., None]:
    """The lazy half of /goal: route the subcommand and answer, whatever goes wrong."""

    def lazy_goal_command(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        team_id, user_id = body["team_id"], body["user_id"]
        lang = deps.settings.default_lang
        try:
            turn = make_turn(deps, client, team_id=team_id, user_id=user_id, channel_id=body.get("channel_id"))
            lang = turn.lang
            command = parse_command(body.get("text") or "")
            handler = _HANDLERS.get(command.name, unknown)
            handler(deps, client, turn, command, body, respond)
        except Exception as error:  # noqa: BLE001 - after the ack the only way to answer is to report it
            report_failure(client, user_id, lang, error, respond=respond)

    return lazy_goal_command


def register(app: App, deps: Deps) -> None:
    """Bind /goal."""
    app.command(ids.GOAL_COMMAND)(ack=ack_command, lazy=[run_command(deps)])


def _ephemeral(respond: Respond, message: Message) -> None:
    payload = message.payload()
    respond(text=payload["text"], blocks=payload.get("blocks"), response_type="ephemeral", replace_original=False)


@subcommand("new", "goal")
def new_goal(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
             respond: Respond) -> None:
    """Start the SMART conversation in the person's DM with the bot."""
    channel = dm_channel(deps, client, turn.team_id, turn.user_id)
    messages = run_in_session(deps, lambda session: conversation.start(session, turn, command.args))
    reply(deps, client, turn, channel, messages, key=f"cmd:{body.get('trigger_id') or turn.now.isoformat()}")
    if body.get("channel_id") != channel:
        _ephemeral(respond, text_message(t(turn.lang, "goal.moved_to_dm")))


@subcommand("help")
def show_help(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
              respond: Respond) -> None:
    """Explain every subcommand."""
    _ephemeral(respond, help_message(turn.lang))


@subcommand("list")
def show_list(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
              respond: Respond) -> None:
    """List the person's goals."""
    with deps.sessions() as session:
        goals = list_goals(session, turn.team_id, turn.user_id)
        message = goal_list(turn.lang, goals)
    _ephemeral(respond, message)


@subcommand("lang")
def set_language(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """Choose English or Italian, overriding Slack's locale."""
    choice = command.args.strip().lower()
    if choice not in LANGUAGES:
        _ephemeral(respond, text_message(t(turn.lang, "lang.usage", value=escape(choice))))
        return
    with deps.sessions() as session:
        upsert_user_pref(session, turn.team_id, turn.user_id).lang = choice
        session.commit()
    _ephemeral(respond, text_message(t(choice, "lang.set")))


@subcommand("cancel")
def cancel_goal(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                respond: Respond) -> None:
    """Drop the conversation in progress."""
    messages = run_in_session(deps, lambda session: conversation.cancel(session, turn))
    _ephemeral(respond, messages[0])


def unknown(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
            respond: Respond) -> None:
    """Answer a subcommand goalbot does not know with what it does know."""
    _ephemeral(respond, text_message(t(turn.lang, "errors.unknown_subcommand", name=escape(command.args[:50]))))
