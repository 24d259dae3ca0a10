"""`/goal admin`, `/goal team`, `/goal objective(s)`, `/goal private|public N` and `/goal list @rep`.

People are named as Slack sends them (`<@U…|name>`) or as a plain `@name`, resolved through users.list; a name
that matches nobody, or several people, is asked back and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks import teams as blocks
from bot.blocks.common import Message, clip, escape
from bot.blocks.manager_week import manager_week as manager_week_message
from bot.context import Caller, RequestContext
from bot.delivery.direct import post_messages
from bot.deps import Deps
from bot.listeners.support import ephemeral
from bot.rules.commands import Command
from bot.rules.limits import row_id
from bot.rules.mentions import PersonRef, parse_team_args, split_leading_people
from bot.rules.objectives import read_objective
from bot.rules.visibility import Decision, Visibility
from bot.services import profiles, teams
from bot.services.goals_admin import GoalRefused, split_leading_id
from bot.services.manager_week import manager_week_for
from prompts import t

ADD_WORDS = frozenset({"add", "aggiungi"})
REMOVE_WORDS = frozenset({"remove", "rimuovi", "togli"})
LIST_WORDS = frozenset({"list", "lista", "elenco"})
APPROVAL_WORDS = frozenset({"approval", "approvazione"})
WEEK_WORDS = frozenset({"week", "settimana"})
CONFIRM_WORDS = frozenset({"confirm", "conferma"})
ON_WORDS = frozenset({"on", "sì", "si", "attiva"})
OFF_WORDS = frozenset({"off", "no", "disattiva"})


def resolve_people(deps: Deps, client: WebClient, ctx: RequestContext, refs: list[PersonRef],
                   respond: Respond) -> list[str] | None:
    """The ids of the people named; None (after asking back) when a plain name matched nobody or several."""
    resolved = deps.directory.resolve(client, ctx.team_id, refs, ctx.now)
    problem = blocks.unresolved_people(ctx.lang, resolved)
    if problem is not None:
        ephemeral(respond, blocks.text_only(problem))
        return None
    return [person.user_id for person in resolved if person.user_id is not None]


def _split(args: str) -> tuple[str, str]:
    word, _, rest = args.strip().partition(" ")
    return word.lower(), rest.strip()


def admin_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                  respond: Respond) -> None:
    """`/goal admin add @x` (admins only) and `/goal admin list`."""
    action, rest = _split(command.args)
    if action in LIST_WORDS or not action:
        ephemeral(respond, blocks.admins_list(ctx.lang, teams.admins(deps.sessions, ctx)))
        return
    refs, leftover = split_leading_people(rest)
    if action not in ADD_WORDS or not refs or leftover:
        ephemeral(respond, blocks.text_only(t(ctx.lang, "admin.usage")))
        return
    people = resolve_people(deps, client, ctx, refs, respond)
    if people is None:
        return
    result = teams.add_admins(deps.sessions, ctx, people)
    if isinstance(result, Decision):
        ephemeral(respond, blocks.text_only(blocks.refusal_text(ctx.lang, result)))
        return
    ephemeral(respond, blocks.admins_added(ctx.lang, people, result))


def team_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """`/goal team`, `team add @a @b [to @m] [confirm]`, `team remove @a`, `team approval on|off`, `team week`."""
    action, rest = _split(command.args)
    if not action:
        ephemeral(respond, blocks.team_overview(ctx.lang, teams.team_overview(deps.sessions, ctx), ctx.today))
    elif action in APPROVAL_WORDS:
        approval(deps, ctx, rest, respond)
    elif action in WEEK_WORDS:
        ephemeral(respond, manager_week_message(ctx.lang, manager_week_for(deps.sessions, ctx)))
    elif action in ADD_WORDS | REMOVE_WORDS:
        change_team(deps, client, ctx, action in ADD_WORDS, rest, respond)
    else:
        ephemeral(respond, blocks.text_only(t(ctx.lang, "team.usage")))


def change_team(deps: Deps, client: WebClient, ctx: RequestContext, adding: bool, text: str, respond: Respond) -> None:
    """Add people to a team (the speaker's, or the one named after "to"), or take them off; tell each in a DM."""
    words = text.split()
    confirmed = bool(words) and words[-1].lower() in CONFIRM_WORDS
    if confirmed:
        text = text[: text.lower().rstrip().rfind(words[-1].lower())].strip()
    args = parse_team_args(text)
    if not args.people or args.leftover or (args.manager is not None and not adding):
        ephemeral(respond, blocks.text_only(t(ctx.lang, "team.usage")))
        return
    refs = list(args.people) + ([args.manager] if args.manager is not None else [])
    ids = resolve_people(deps, client, ctx, refs, respond)
    if ids is None:
        return
    people, manager = (ids[:-1], ids[-1]) if args.manager is not None else (ids, None)
    if adding:
        change = teams.add_reports(deps.sessions, ctx, people, manager, confirmed=confirmed)
    else:
        change = teams.remove_reports(deps.sessions, ctx, people)
    ephemeral(respond, blocks.team_change(ctx.lang, change))
    for person in change.told:
        # A manager who named themselves can be declined; a line an admin set is the admin's to change.
        tell_person(deps, client, ctx, person.user_id, partial(
            blocks.told_about_manager, outcome=person.outcome, manager_id=change.manager_id,
            previous_id=person.previous_manager_id, declinable=change.manager_id == ctx.user_id))


def context_of(deps: Deps, client: WebClient, ctx: RequestContext, user_id: str) -> RequestContext:
    """Another person's context in this request: their language and time zone (users.info at most daily)."""
    caller = Caller(team_id=ctx.team_id, user_id=user_id, channel_id=None, now=ctx.now,
                    enterprise_id=ctx.enterprise_id)
    return profiles.resolve_context(deps, client, caller)


def tell_person(deps: Deps, client: WebClient, ctx: RequestContext, user_id: str, render: Callable[[str], Message]) -> None:
    """DM someone other than the speaker, in their own language (after the change is committed)."""
    them = context_of(deps, client, ctx, user_id)
    channel = profiles.dm_channel(deps, client, them)
    post_messages(client, deps, team_id=ctx.team_id, channel=channel, messages=[render(them.lang)],
                  key=f"team:{user_id}:{ctx.user_id}:{ctx.now.isoformat()}")


def approval(deps: Deps, ctx: RequestContext, text: str, respond: Respond) -> None:
    """Turn approval of the speaker's reports' goals on or off."""
    choice = text.strip().lower()
    if choice not in ON_WORDS | OFF_WORDS:
        ephemeral(respond, blocks.text_only(t(ctx.lang, "approval.usage")))
        return
    required = choice in ON_WORDS
    decision = teams.set_approval(deps.sessions, ctx, required)
    if not decision:
        ephemeral(respond, blocks.text_only(blocks.refusal_text(ctx.lang, decision)))
        return
    ephemeral(respond, blocks.text_only(t(ctx.lang, "approval.on" if required else "approval.off")))


def objective_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                      respond: Respond) -> None:
    """`/goal objective add TEXT` (admins and managers); `/goal objective` alone lists them."""
    action, rest = _split(command.args)
    if not action or action in LIST_WORDS:
        list_objectives(deps, ctx, respond)
        return
    if action not in ADD_WORDS or not rest:
        ephemeral(respond, blocks.text_only(t(ctx.lang, "objective.usage")))
        return
    draft = read_objective(rest, ctx.lang)
    result = teams.create_objective(deps.sessions, ctx, draft.title, draft.unit, draft.target)
    if isinstance(result, Decision):
        ephemeral(respond, blocks.text_only(blocks.refusal_text(ctx.lang, result)))
        return
    ephemeral(respond, blocks.objective_added(ctx.lang, result.id, result.title, result.unit, result.target))


def objectives_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                       respond: Respond) -> None:
    """`/goal objectives`: every company objective with its roll-up."""
    list_objectives(deps, ctx, respond)


def list_objectives(deps: Deps, ctx: RequestContext, respond: Respond) -> None:
    """Answer with the objectives and how they stand."""
    ephemeral(respond, blocks.objectives_list(ctx.lang, teams.objective_lines(deps.sessions, ctx.team_id, ctx.today)))


def visibility_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                       respond: Respond) -> None:
    """`/goal private N` keeps a goal out of channel digests and exports; `/goal public N` brings it back."""
    visibility = Visibility.PRIVATE if command.name == "private" else Visibility.PUBLIC
    goal_id = row_id(command.args.strip().lstrip("#"))
    if goal_id is None:
        ephemeral(respond, blocks.text_only(t(ctx.lang, "visibility.usage")))
        return
    try:
        goal = teams.set_visibility(deps.sessions, ctx, goal_id, visibility)
    except GoalRefused as refused:
        ephemeral(respond, blocks.text_only(refused.text(ctx.lang)))
        return
    ephemeral(respond, blocks.visibility_changed(ctx.lang, goal.id, goal.title, visibility))


def list_of_someone(deps: Deps, client: WebClient, ctx: RequestContext, args: str, respond: Respond) -> bool:
    """`/goal list @rep`: answer with the rep's goals when the speaker may see them; False when nobody was named."""
    refs, leftover = split_leading_people(args)
    if len(refs) != 1 or leftover:
        return False
    people = resolve_people(deps, client, ctx, refs, respond)
    if people is None:
        return True
    [owner] = people
    result = teams.goals_of(deps.sessions, ctx, owner)
    if isinstance(result, Decision):
        ephemeral(respond, blocks.text_only(blocks.refusal_text(ctx.lang, result)))
    else:
        ephemeral(respond, blocks.others_goals(ctx.lang, owner, result, ctx.today))
    return True



def comment_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                    respond: Respond) -> None:
    """`/goal comment N TEXT`: a manager's comment, posted in the thread of the goal's latest check-in."""
    goal_id, text = split_leading_id(command.args)
    if goal_id is None or not text:
        ephemeral(respond, blocks.text_only(t(ctx.lang, "comment.usage")))
        return
    ephemeral(respond, blocks.text_only(post_comment(deps, client, ctx, goal_id, text)))


def post_comment(deps: Deps, client: WebClient, ctx: RequestContext, goal_id: int, text: str) -> str:
    """Keep a manager's comment on the goal's latest check-in and post it in that thread, in the owner's language;
    what to tell the manager (where it went, or why it could not go)."""
    try:
        place = teams.comment_on_goal(deps.sessions, ctx, goal_id, text)
    except GoalRefused as refused:
        return refused.text(ctx.lang)
    owner = context_of(deps, client, ctx, place.owner_id)
    sent = post_messages(client, deps, team_id=ctx.team_id, channel=place.channel,
                         messages=[blocks.comment_in_thread(owner.lang, ctx.user_id, text)],
                         key=f"comment:{place.comment_id}", thread_ts=place.thread_ts)
    if sent:  # else it waits in the outbox, and the comment stays kept on the check-in
        teams.comment_posted(deps.sessions, place.comment_id, sent[0])
    return t(ctx.lang, "comment.posted", person=blocks.mention(place.owner_id), id=place.goal_id,
             title=escape(clip(place.goal_title, 300)))


def align_command(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                  respond: Respond) -> None:
    """`/goal align 3 2` ties goal 3 to objective 2, so it rolls up into it; `/goal align 3 off` unties it."""
    goal_id, rest = split_leading_id(command.args)
    objective_id, leftover = split_leading_id(rest)
    clearing = objective_id is None and rest.lower() in OFF_WORDS
    if goal_id is None or (leftover and not clearing) or (objective_id is None and not clearing):
        ephemeral(respond, blocks.text_only(t(ctx.lang, "align.usage")))
        return
    try:
        goal, objective = teams.align_goal(deps.sessions, ctx, goal_id, objective_id)
    except GoalRefused as refused:
        ephemeral(respond, blocks.text_only(refused.text(ctx.lang)))
        return
    ephemeral(respond, blocks.aligned(ctx.lang, goal.id, goal.title, objective))
