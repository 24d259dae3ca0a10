"""`/goal for @rep GOAL`, `/goal accept N`, `/goal counter N VERSION because WHY` and `/goal proposal N`.

A proposal goes to the other side in a DM in their language; when both agree, the report's SMART conversation
starts from the agreed goal in their DM.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks import proposals as blocks
from bot.blocks.teams import refusal_text, text_only
from bot.deps import Deps
from bot.listeners.commands.registry import HANDLERS, ephemeral, subcommand
from bot.listeners.commands.teams import resolve_people, tell_person
from bot.listeners.support import dm_channel, make_turn, reply
from bot.rules.commands import Command
from bot.rules.mentions import split_leading_people
from bot.rules.visibility import Decision
from bot.services import proposals
from bot.services.conversation import Turn
from bot.services.goals_admin import GoalRefused, split_leading_id, split_reason
from prompts import t

T = TypeVar("T")


@subcommand("for")
def propose_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                    respond: Respond) -> None:
    """Propose a goal to a report; "per il Q1 …" that names nobody is an ordinary goal sentence."""
    refs, text = split_leading_people(command.args)
    if not refs and command.args.strip():
        HANDLERS["goal"](deps, client, turn, Command("goal", f"{command.name} {command.args}".strip()), body, respond)
        return
    if len(refs) != 1 or not text:
        ephemeral(respond, text_only(t(turn.lang, "proposal.usage_for")))
        return
    people = resolve_people(deps, client, turn, refs, respond)
    if people is None:
        return
    news = proposals.propose(deps.sessions, turn, people[0], text)
    if isinstance(news, Decision):
        ephemeral(respond, text_only(refusal_text(turn.lang, news)))
        return
    ephemeral(respond, blocks.sent(turn.lang, news))
    tell_person(deps, client, turn, news.other, lambda lang: blocks.received(lang, news))


def _with_proposal(turn: Turn, args: str, respond: Respond, work: Callable[[int, str], T]) -> T | None:
    """Read `N rest` and run the use case on proposal N; on a missing number or a refusal, say so and give None."""
    proposal_id, rest = split_leading_id(args)
    if proposal_id is None:
        ephemeral(respond, text_only(t(turn.lang, "proposal.usage")))
        return None
    try:
        return work(proposal_id, rest)
    except GoalRefused as refused:
        ephemeral(respond, text_only(refused.text(turn.lang)))
        return None


@subcommand("counter")
def counter_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                    respond: Respond) -> None:
    """Answer a proposal with another version and why; the other side is asked."""
    news = _with_proposal(turn, command.args, respond,
                          lambda number, rest: proposals.counter(deps.sessions, turn, number, *split_reason(rest)))
    if news is None:
        return
    ephemeral(respond, blocks.sent(turn.lang, news))
    tell_person(deps, client, turn, news.other, lambda lang: blocks.received(lang, news))


@subcommand("accept")
def accept_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                   respond: Respond) -> None:
    """Agree to a proposal; the report then sets the goal up in their DM."""
    news = _with_proposal(turn, command.args, respond, lambda number, _: proposals.accept(deps.sessions, turn, number))
    if news is None:
        return
    ephemeral(respond, blocks.accepted_for_actor(turn.lang, news))
    if news.actor_id == news.owner_id:
        tell_person(deps, client, turn, news.manager_id, lambda lang: blocks.accepted_for_other(lang, news))
        owner_turn = turn
    else:
        owner_turn = make_turn(deps, client, team_id=turn.team_id, user_id=news.owner_id, channel_id=None)
    channel = dm_channel(deps, client, turn.team_id, news.owner_id)
    messages = proposals.set_up_agreed(deps.sessions, owner_turn, news)
    if news.actor_id != news.owner_id:
        messages = [blocks.accepted_for_other(owner_turn.lang, news), *messages]
    reply(deps, client, owner_turn, channel, messages,
          key=f"proposal:{news.proposal_id}:agreed:{turn.now.isoformat()}")


@subcommand("proposal")
def history_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                    respond: Respond) -> None:
    """Show a proposal's negotiation, step by step."""
    proposal = _with_proposal(turn, command.args, respond,
                              lambda number, _: proposals.history(deps.sessions, turn, number))
    if proposal is None:
        return
    ephemeral(respond, blocks.history(turn.lang, proposal, turn.tz))
