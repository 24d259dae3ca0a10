"""`/goal`, `/goal TEXT`, help, list, lang and cancel: the goal conversation's commands."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks.common import escape, text_message
from bot.blocks.goals import help_message
from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.commands import teams
from bot.listeners.support import ephemeral, reply, send_notices
from bot.rules.commands import Command
from bot.rules.mentions import split_leading_people
from bot.services import conversation, goal_actions, profiles
from prompts import LANGUAGES, t


def new_goal(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
             respond: Respond) -> None:
    """Start the SMART conversation in the person's DM with the bot."""
    channel = profiles.dm_channel(deps, client, ctx)
    messages = conversation.start_goal(deps, ctx.in_channel(channel), command.args)
    reply(deps, client, ctx, channel, messages, key=f"cmd:{body.get('trigger_id') or ctx.now.isoformat()}")
    if ctx.channel_id != channel:
        ephemeral(respond, text_message(t(ctx.lang, "goal.moved_to_dm")))


def show_help(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
              respond: Respond) -> None:
    """Explain every subcommand."""
    ephemeral(respond, help_message(ctx.lang))


def show_list(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
              respond: Respond) -> None:
    """List the person's goals, or (`/goal list @rep`) a report's, for their managers and admins."""
    if command.args.strip() and teams.list_of_someone(deps, client, ctx, command.args, respond):
        return
    ephemeral(respond, goal_actions.my_list(deps, ctx))


def set_language(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """Choose English or Italian, overriding Slack's locale."""
    choice = command.args.strip().lower()
    if choice not in LANGUAGES:
        ephemeral(respond, text_message(t(ctx.lang, "lang.usage", value=escape(choice))))
        return
    profiles.set_language(deps, ctx, choice)
    ephemeral(respond, text_message(t(choice, "lang.set")))


def cancel_goal(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                respond: Respond) -> None:
    """Drop the conversation in progress."""
    [answer] = conversation.cancel_goal(deps, ctx)
    ephemeral(respond, answer)
    send_notices(deps, client, [answer])  # the manager of a goal agreed in a proposal is told it was dropped


def names_someone(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                  respond: Respond) -> None:
    """A goal sentence that starts with a person: ask whether it is theirs, showing the proposal's command, rather
    than set the caller a goal about them (or propose one nobody confirmed)."""
    [person, *_], goal = split_leading_people(command.args)
    # A Slack mention (its id checked by parse_person) is shown as one; a typed @name as typed, escaped.
    who = escape(f"@{person.name}") if person.name else f"<@{person.id}>"
    ephemeral(respond, text_message(t(ctx.lang, "goal.names_someone", who=who, goal=escape(goal[:200]))))


def unknown(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
            respond: Respond) -> None:
    """Answer a subcommand goalbot does not know with what it does know."""
    ephemeral(respond, text_message(t(ctx.lang, "errors.unknown_subcommand", name=escape(command.args[:50]))))
