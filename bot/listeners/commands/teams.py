"""`/goal admin`, `/goal team`, `/goal objective(s)`, `/goal private|public N` and `/goal list @rep`.

People are named as Slack sends them (`<@U…|name>`) or as a plain `@name`, resolved through users.list; a name
that matches nobody, or several people, is asked back and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks import teams as blocks
from bot.blocks.manager_week import manager_week as manager_week_message
from bot.blocks.common import Message, clip, escape
from bot.deps import Deps
from bot.delivery.direct import post_messages
from bot.listeners.commands.registry import ephemeral, subcommand
from bot.listeners.support import dm_channel, make_turn
from bot.rules.commands import Command
from bot.rules.mentions import PersonRef, parse_team_args, split_leading_people
from bot.rules.objectives import read_objective
from bot.rules.visibility import Decision, Visibility
from bot.services import teams
from bot.services.manager_week import manager_week_for
from bot.services.conversation import Turn
from bot.services.goals_admin import GoalRefused, split_leading_id
from prompts import t

ADD_WORDS = frozenset({"add", "aggiungi"})
REMOVE_WORDS = frozenset({"remove", "rimuovi", "togli"})
LIST_WORDS = frozenset({"list", "lista", "elenco"})
APPROVAL_WORDS = frozenset({"approval", "approvazione"})
WEEK_WORDS = frozenset({"week", "settimana"})
CONFIRM_WORDS = frozenset({"confirm", "conferma"})
ON_WORDS = frozenset({"on", "sì", "si", "attiva"})
OFF_WORDS = frozenset({"off", "no", "disattiva"})


def resolve_people(deps: Deps, client: WebClient, turn: Turn, refs: list[PersonRef],
                   respond: Respond) -> list[str] | None:
    """The ids of the people named; None (after asking back) when a plain name matched nobody or several."""
    resolved = deps.directory.resolve(client, turn.team_id, refs, turn.now)
    problem = blocks.unresolved_people(turn.lang, resolved)
    if problem is not None:
        ephemeral(respond, blocks.text_only(problem))
        return None
    return [person.user_id for person in resolved if person.user_id is not None]


def _split(args: str) -> tuple[str, str]:
    word, _, rest = args.strip().partition(" ")
    return word.lower(), rest.strip()


@subcommand("admin")
def admin_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                  respond: Respond) -> None:
    """`/goal admin add @x` (admins only) and `/goal admin list`."""
    action, rest = _split(command.args)
    if action in LIST_WORDS or not action:
        ephemeral(respond, blocks.admins_list(turn.lang, teams.admins(deps.sessions, turn)))
        return
    refs, leftover = split_leading_people(rest)
    if action not in ADD_WORDS or not refs or leftover:
        ephemeral(respond, blocks.text_only(t(turn.lang, "admin.usage")))
        return
    people = resolve_people(deps, client, turn, refs, respond)
    if people is None:
        return
    result = teams.add_admins(deps.sessions, turn, people)
    if isinstance(result, Decision):
        ephemeral(respond, blocks.text_only(blocks.refusal_text(turn.lang, result)))
        return
    ephemeral(respond, blocks.admins_added(turn.lang, people, result))


@subcommand("team")
def team_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """`/goal team`, `team add @a @b [to @m] [confirm]`, `team remove @a`, `team approval on|off`, `team week`."""
    action, rest = _split(command.args)
    if not action:
        ephemeral(respond, blocks.team_overview(turn.lang, teams.team_overview(deps.sessions, turn)))
    elif action in APPROVAL_WORDS:
        approval(deps, turn, rest, respond)
    elif action in WEEK_WORDS:
        ephemeral(respond, manager_week_message(turn.lang, manager_week_for(deps.sessions, turn)))
    elif action in ADD_WORDS | REMOVE_WORDS:
        change_team(deps, client, turn, action in ADD_WORDS, rest, respond)
    else:
        ephemeral(respond, blocks.text_only(t(turn.lang, "team.usage")))


def change_team(deps: Deps, client: WebClient, turn: Turn, adding: bool, text: str, respond: Respond) -> None:
    """Add people to a team (the speaker's, or the one named after "to"), or take them off; tell each in a DM."""
    words = text.split()
    confirmed = bool(words) and words[-1].lower() in CONFIRM_WORDS
    if confirmed:
        text = text[: text.lower().rstrip().rfind(words[-1].lower())].strip()
    args = parse_team_args(text)
    if not args.people or args.leftover or (args.manager is not None and not adding):
        ephemeral(respond, blocks.text_only(t(turn.lang, "team.usage")))
        return
    refs = list(args.people) + ([args.manager] if args.manager is not None else [])
    ids = resolve_people(deps, client, turn, refs, respond)
    if ids is None:
        return
    people, manager = (ids[:-1], ids[-1]) if args.manager is not None else (ids, None)
    if adding:
        change = teams.add_reports(deps.sessions, turn, people, manager, confirmed=confirmed)
    else:
        change = teams.remove_reports(deps.sessions, turn, people)
    ephemeral(respond, blocks.team_change(turn.lang, change))
    for person in change.told:
        tell_person(deps, client, turn, person.user_id, lambda lang, p=person: blocks.told_about_manager(
            lang, p.outcome, change.manager_id, p.previous_manager_id))


def tell_person(deps: Deps, client: WebClient, turn: Turn, user_id: str, render: Callable[[str], Message]) -> None:
    """DM someone other than the speaker, in their own language (after the change is committed)."""
    them = make_turn(deps, client, team_id=turn.team_id, user_id=user_id, channel_id=None)
    channel = dm_channel(deps, client, turn.team_id, user_id)
    post_messages(client, deps, team_id=turn.team_id, channel=channel, messages=[render(them.lang)],
                  key=f"team:{user_id}:{turn.user_id}:{turn.now.isoformat()}")


def approval(deps: Deps, turn: Turn, text: str, respond: Respond) -> None:
    """Turn approval of the speaker's reports' goals on or off."""
    choice = text.strip().lower()
    if choice not in ON_WORDS | OFF_WORDS:
        ephemeral(respond, blocks.text_only(t(turn.lang, "approval.usage")))
        return
    required = choice in ON_WORDS
    decision = teams.set_approval(deps.sessions, turn, required)
    if not decision:
        ephemeral(respond, blocks.text_only(blocks.refusal_text(turn.lang, decision)))
        return
    ephemeral(respond, blocks.text_only(t(turn.lang, "approval.on" if required else "approval.off")))


@subcommand("objective")
def objective_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                      respond: Respond) -> None:
    """`/goal objective add TEXT` (admins and managers); `/goal objective` alone lists them."""
    action, rest = _split(command.args)
    if not action or action in LIST_WORDS:
        list_objectives(deps, turn, respond)
        return
    if action not in ADD_WORDS or not rest:
        ephemeral(respond, blocks.text_only(t(turn.lang, "objective.usage")))
        return
    draft = read_objective(rest, turn.lang)
    result = teams.create_objective(deps.sessions, turn, draft.title, draft.unit, draft.target)
    if isinstance(result, Decision):
        ephemeral(respond, blocks.text_only(blocks.refusal_text(turn.lang, result)))
        return
    ephemeral(respond, blocks.objective_added(turn.lang, result.id, result.title, result.unit, result.target))


@subcommand("objectives")
def objectives_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                       respond: Respond) -> None:
    """`/goal objectives`: every company objective with its roll-up."""
    list_objectives(deps, turn, respond)


def list_objectives(deps: Deps, turn: Turn, respond: Respond) -> None:
    """Answer with the objectives and how they stand."""
    ephemeral(respond, blocks.objectives_list(turn.lang, teams.objective_lines(deps.sessions, turn.team_id)))


@subcommand("private", "public")
def visibility_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                       respond: Respond) -> None:
    """`/goal private N` keeps a goal out of channel digests and exports; `/goal public N` brings it back."""
    visibility = Visibility.PRIVATE if command.name == "private" else Visibility.PUBLIC
    text = command.args.strip().lstrip("#")
    if not text.isdigit():
        ephemeral(respond, blocks.text_only(t(turn.lang, "visibility.usage")))
        return
    try:
        goal = teams.set_visibility(deps.sessions, turn, int(text), visibility)
    except GoalRefused as refused:
        ephemeral(respond, blocks.text_only(refused.text(turn.lang)))
        return
    ephemeral(respond, blocks.visibility_changed(turn.lang, goal.id, goal.title, visibility))


def list_of_someone(deps: Deps, client: WebClient, turn: Turn, args: str, respond: Respond) -> bool:
    """`/goal list @rep`: answer with the rep's goals when the speaker may see them; False when nobody was named."""
    refs, leftover = split_leading_people(args)
    if len(refs) != 1 or leftover:
        return False
    people = resolve_people(deps, client, turn, refs, respond)
    if people is None:
        return True
    [owner] = people
    result = teams.goals_of(deps.sessions, turn, owner)
    if isinstance(result, Decision):
        ephemeral(respond, blocks.text_only(blocks.refusal_text(turn.lang, result)))
    else:
        ephemeral(respond, blocks.others_goals(turn.lang, owner, result))
    return True



@subcommand("comment")
def comment_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                    respond: Respond) -> None:
    """`/goal comment N TEXT`: a manager's comment, posted in the thread of the goal's latest check-in."""
    goal_id, text = split_leading_id(command.args)
    if goal_id is None or not text:
        ephemeral(respond, blocks.text_only(t(turn.lang, "comment.usage")))
        return
    try:
        place = teams.comment_on_goal(deps.sessions, turn, goal_id, text)
    except GoalRefused as refused:
        ephemeral(respond, blocks.text_only(refused.text(turn.lang)))
        return
    owner = make_turn(deps, client, team_id=turn.team_id, user_id=place.owner_id, channel_id=None)
    sent = post_messages(client, deps, team_id=turn.team_id, channel=place.channel,
                         messages=[blocks.comment_in_thread(owner.lang, turn.user_id, text)],
                         key=f"comment:{place.comment_id}", thread_ts=place.thread_ts)
    if sent:  # else it waits in the outbox, and the comment stays kept on the check-in
        teams.comment_posted(deps.sessions, place.comment_id, sent[0])
    ephemeral(respond, blocks.text_only(t(turn.lang, "comment.posted", person=blocks.mention(place.owner_id),
                                           id=place.goal_id, title=escape(clip(place.goal_title, 300)))))


@subcommand("align")
def align_command(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                  respond: Respond) -> None:
    """`/goal align 3 2` ties goal 3 to objective 2, so it rolls up into it; `/goal align 3 off` unties it."""
    goal_id, rest = split_leading_id(command.args)
    objective_id, leftover = split_leading_id(rest)
    clearing = objective_id is None and rest.lower() in OFF_WORDS
    if goal_id is None or leftover or (objective_id is None and not clearing):
        ephemeral(respond, blocks.text_only(t(turn.lang, "align.usage")))
        return
    try:
        goal, objective = teams.align_goal(deps.sessions, turn, goal_id, objective_id)
    except GoalRefused as refused:
        ephemeral(respond, blocks.text_only(refused.text(turn.lang)))
        return
    ephemeral(respond, blocks.aligned(turn.lang, goal.id, goal.title, objective))
