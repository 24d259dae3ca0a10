"""`/goal`, `/goal TEXT`, help, list, lang and cancel: the goal conversation's commands."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks.common import escape, text_message
from bot.blocks.goals import goal_list, help_message
from bot.deps import Deps
from bot.listeners.commands.registry import ephemeral, subcommand
from bot.listeners.support import dm_channel, reply, run_in_session
from bot.rules.commands import Command
from bot.services import conversation
from bot.services.conversation import Turn
from prompts import LANGUAGES, t
from storage.repositories import list_goals, upsert_user_pref


@subcommand("new", "goal")
def new_goal(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
             respond: Respond) -> None:
    """Start the SMART conversation in the person's DM with the bot."""
    channel = dm_channel(deps, client, turn.team_id, turn.user_id)
    messages = run_in_session(deps, lambda session: conversation.start(session, turn, command.args))
    reply(deps, client, turn, channel, messages, key=f"cmd:{body.get('trigger_id') or turn.now.isoformat()}")
    if body.get("channel_id") != channel:
        ephemeral(respond, text_message(t(turn.lang, "goal.moved_to_dm")))


@subcommand("help")
def show_help(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
              respond: Respond) -> None:
    """Explain every subcommand."""
    ephemeral(respond, help_message(turn.lang))


@subcommand("list")
def show_list(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
              respond: Respond) -> None:
    """List the person's goals."""
    with deps.sessions() as session:
        goals = list_goals(session, turn.team_id, turn.user_id)
        message = goal_list(turn.lang, goals, turn.today)
    ephemeral(respond, message)


@subcommand("lang")
def set_language(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """Choose English or Italian, overriding Slack's locale."""
    choice = command.args.strip().lower()
    if choice not in LANGUAGES:
        ephemeral(respond, text_message(t(turn.lang, "lang.usage", value=escape(choice))))
        return
    with deps.sessions() as session:
        upsert_user_pref(session, turn.team_id, turn.user_id).lang = choice
        session.commit()
    ephemeral(respond, text_message(t(choice, "lang.set")))


@subcommand("cancel")
def cancel_goal(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                respond: Respond) -> None:
    """Drop the conversation in progress."""
    messages = run_in_session(deps, lambda session: conversation.cancel(session, turn))
    ephemeral(respond, messages[0])


@subcommand("unknown")
def unknown(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
            respond: Respond) -> None:
    """Answer a subcommand goalbot does not know with what it does know."""
    ephemeral(respond, text_message(t(turn.lang, "errors.unknown_subcommand", name=escape(command.args[:50]))))
