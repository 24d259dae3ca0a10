"""`/goal for @rep GOAL`, `/goal accept N`, `/goal counter N VERSION because WHY` and `/goal proposal N`.

A proposal goes to the other side in a DM in their language; when both agree, the report's SMART conversation
starts from the agreed goal in their DM.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks import proposals as blocks
from bot.blocks.common import Message
from bot.blocks.teams import refusal_text, text_only
from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.commands.goals import new_goal
from bot.listeners.commands.teams import context_of, resolve_people, tell_person
from bot.listeners.support import ephemeral, lazy_listener, reply
from bot.rules.commands import Command
from bot.rules.mentions import split_leading_people
from bot.rules.visibility import Decision
from bot.services import profiles, proposals
from bot.services.goals_admin import GoalRefused, split_leading_id, split_reason
from prompts import t

T = TypeVar("T")


def propose_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                    respond: Respond) -> None:
    """Propose a goal to a report; "per il Q1 …" that names nobody is an ordinary goal sentence."""
    refs, text = split_leading_people(command.args)
    if not refs and command.args.strip():
        new_goal(deps, client, ctx, Command("goal", f"{command.name} {command.args}".strip()), body, respond)
        return
    if len(refs) != 1 or not text:
        ephemeral(respond, text_only(t(ctx.lang, "proposal.usage_for")))
        return
    people = resolve_people(deps, client, ctx, refs, respond)
    if people is None:
        return
    _propose(deps, client, ctx, lambda message: ephemeral(respond, message), people[0], text)


def _propose(deps: Deps, client: WebClient, ctx: RequestContext, answer: Callable[[Message], None], owner: str,
             text: str, way: str | None = None) -> None:
    """Send the proposal and tell the report; a goal against its metric is asked back to the manager first."""
    news = proposals.propose(deps.sessions, ctx, owner, text, way)
    if isinstance(news, Decision):
        answer(text_only(refusal_text(ctx.lang, news)))
    elif isinstance(news, Message):
        answer(news)  # "churn usually comes down: down to 5%, or really up?", with a button for each way
    else:
        answer(blocks.sent(ctx.lang, news))
        tell_person(deps, client, ctx, news.other, lambda lang: blocks.received(lang, news))


def propose_direction(deps: Deps) -> Callable[..., None]:
    """A way picked under "churn usually comes down: down to 5%, or really up?", asked of the manager proposing or
    of either side answering with a change: the version is sent that way (the report is not asked it again)."""

    @lazy_listener(deps)
    def propose_direction_click(ctx: RequestContext, body: dict[str, Any], client: WebClient,
                                respond: Respond | None) -> None:
        try:
            picked = json.loads(str(body["actions"][0].get("value") or "{}"))
            way, text = str(picked["way"]), str(picked["text"])
            counter = (int(picked["proposal"]), str(picked["reason"])) if "proposal" in picked else None
            owner = "" if counter is not None else str(picked["owner"])
        except (ValueError, KeyError, TypeError):
            return  # not a value goalbot wrote: nothing to send

        def answer(message: Message) -> None:
            if respond is not None:  # the question was the command's ephemeral answer: the outcome takes its place
                ephemeral(respond, message, replace=True)
            else:
                reply(deps, client, ctx, ctx.user_id, [message], key=f"propose-direction:{body.get('trigger_id')}")

        if counter is None:
            _propose(deps, client, ctx, answer, owner, text, way)
            return
        number, reason = counter
        try:
            news = proposals.counter(deps.sessions, ctx, number, text, reason, way)
        except GoalRefused as refused:  # answered meanwhile (a second click, the other side): say so
            answer(text_only(refused.text(ctx.lang)))
            return
        _countered(deps, client, ctx, answer, news)

    return propose_direction_click


def _with_proposal(ctx: RequestContext, args: str, respond: Respond, work: Callable[[int, str], T]) -> T | None:
    """Read `N rest` and run the use case on proposal N; on a missing number or a refusal, say so and give None."""
    proposal_id, rest = split_leading_id(args)
    if proposal_id is None:
        ephemeral(respond, text_only(t(ctx.lang, "proposal.usage")))
        return None
    try:
        return work(proposal_id, rest)
    except GoalRefused as refused:
        ephemeral(respond, text_only(refused.text(ctx.lang)))
        return None


def counter_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                    respond: Respond) -> None:
    """Answer a proposal with another version and why; the other side is asked."""
    news = _with_proposal(ctx, command.args, respond,
                          lambda number, rest: proposals.counter(deps.sessions, ctx, number, *split_reason(rest)))
    if news is not None:
        _countered(deps, client, ctx, lambda message: ephemeral(respond, message), news)


def _countered(deps: Deps, client: WebClient, ctx: RequestContext, answer: Callable[[Message], None],
               news: proposals.ProposalNews | Message) -> None:
    """Say the change went to the other side and tell them; a version against its metric is asked back first."""
    if isinstance(news, Message):
        answer(news)  # "churn usually comes down: down to 5%, or really up?", with a button for each way
        return
    answer(blocks.sent(ctx.lang, news))
    tell_person(deps, client, ctx, news.other, lambda lang: blocks.received(lang, news))


def accept_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                   respond: Respond) -> None:
    """Agree to a proposal; the report then sets the goal up in their DM."""
    news = _with_proposal(ctx, command.args, respond, lambda number, _: proposals.accept(deps.sessions, ctx, number))
    if news is None:
        return
    ephemeral(respond, blocks.accepted_for_actor(ctx.lang, news))
    if news.actor_id == news.owner_id:
        tell_person(deps, client, ctx, news.manager_id, lambda lang: blocks.accepted_for_other(lang, news))
        owner_ctx = ctx
    else:
        owner_ctx = context_of(deps, client, ctx, news.owner_id)
    channel = profiles.dm_channel(deps, client, owner_ctx)
    messages = proposals.set_up_agreed(deps.sessions, owner_ctx.in_channel(channel), news)
    if news.actor_id != news.owner_id:
        messages = [blocks.accepted_for_other(owner_ctx.lang, news), *messages]
    reply(deps, client, owner_ctx, channel, messages,
          key=f"proposal:{news.proposal_id}:agreed:{ctx.now.isoformat()}")


def history_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                    respond: Respond) -> None:
    """Show a proposal's negotiation, step by step."""
    proposal = _with_proposal(ctx, command.args, respond,
                              lambda number, _: proposals.history(deps.sessions, ctx, number))
    if proposal is None:
        return
    ephemeral(respond, blocks.history(ctx.lang, proposal, ctx.tz))
