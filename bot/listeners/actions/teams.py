"""The manager's week: *Comment* on a report's line (or picked from the menu of the rest) opens a form; its
words go in the report's check-in thread and are kept on that check-in. And the way a manager picks for a proposal
whose words go against its metric (bot.listeners.commands.proposals.propose_direction)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks import teams as blocks
from bot.context import RequestContext
from bot.deps import Deps, submission_key
from bot.listeners.actions.manage import tell
from bot.listeners.commands.manage import open_modal
from bot.listeners.commands.proposals import propose_direction
from bot.listeners.commands.teams import post_comment, tell_person
from bot.listeners.support import lazy_listener, reply
from bot.listeners.views.fields import field_check, field_value, metadata_of
from bot.middleware import ack_if_needed
from bot.rules.limits import row_id
from bot.rules.visibility import Decision
from bot.services import teams
from prompts import t


def _owner_of(action: dict[str, Any]) -> str:
    """The report a *Comment* button (its value) or the menu (its selected option) names."""
    selected = (action.get("selected_option") or {}).get("value")
    return str(selected or action.get("value") or "")


def open_comment(deps: Deps) -> Any:
    """After the ack: the form for the report, when the presser may comment on their check-ins; else why not."""

    @lazy_listener(deps)
    def week_comment(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        owner = _owner_of(body["actions"][0])
        target = teams.comment_target(deps.sessions, ctx, owner)
        if isinstance(target, Decision):
            tell(deps, client, ctx, body, blocks.text_only(blocks.refusal_text(ctx.lang, target)))
            return
        if not target.goals:
            tell(deps, client, ctx, body, blocks.text_only(
                t(ctx.lang, "comment.nothing_to_comment", person=blocks.mention(owner))))
            return
        problem = open_modal(client, body.get("trigger_id"), blocks.comment_modal(ctx.lang, target), ctx.lang)
        if problem:
            tell(deps, client, ctx, body, blocks.text_only(problem))

    return week_comment


def _comment_text(body: dict[str, Any]) -> str:
    return field_value(body, ids.BLOCK_COMMENT_TEXT, ids.INPUT_COMMENT_TEXT) or ""


def _checked(ctx: RequestContext, body: dict[str, Any]) -> str | None:
    problem = teams.comment_problem(_comment_text(body))
    return None if problem is None else t(ctx.lang, problem[0], **problem[1])


def declined(deps: Deps) -> Any:
    """*Not my manager*: the line goes when the manager named themselves; both sides are told."""

    @lazy_listener(deps)
    def team_decline(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        manager = str(body["actions"][0].get("value") or "")
        decision = teams.decline_manager(deps.sessions, ctx, manager)
        if not decision:
            tell(deps, client, ctx, body, blocks.text_only(blocks.refusal_text(ctx.lang, decision)))
            return
        tell(deps, client, ctx, body, blocks.text_only(t(ctx.lang, "team.declined", manager=blocks.mention(manager))))
        tell_person(deps, client, ctx, manager, lambda lang: blocks.text_only(
            t(lang, "team.declined_manager", person=blocks.mention(ctx.user_id))))

    return team_decline


def register(app: App, deps: Deps) -> None:
    """Bind *Comment*, its menu and its form, and *Not my manager*."""
    app.action(ids.ACTION_TEAM_DECLINE)(ack=ack_if_needed, lazy=[declined(deps)])
    app.action(ids.ACTION_PROPOSE_DIRECTION)(ack=ack_if_needed, lazy=[propose_direction(deps)])
    for action_id in (ids.ACTION_WEEK_COMMENT, ids.ACTION_WEEK_COMMENT_PICK):
        app.action(action_id)(ack=ack_if_needed, lazy=[open_comment(deps)])

    @lazy_listener(deps)
    def comment_submitted(ctx: RequestContext, body: dict[str, Any], client: WebClient,
                          respond: Respond | None) -> None:
        if deps.verdicts.wait(submission_key(body)) is False:
            return  # the form stayed open with the ack's error
        values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
        picked = ((values.get(ids.BLOCK_COMMENT_GOAL) or {}).get(ids.INPUT_COMMENT_GOAL) or {}).get("selected_option")
        goal_id = row_id(str((picked or {}).get("value") or metadata_of(body).get("goal") or ""))
        if goal_id is None:
            return
        answer = post_comment(deps, client, ctx, goal_id, _comment_text(body))
        reply(deps, client, ctx, ctx.user_id, [blocks.text_only(answer)],
              key=f"comment-modal:{(body.get('view') or {}).get('id') or body.get('trigger_id')}")

    app.view(ids.VIEW_COMMENT)(ack=field_check(deps, ids.BLOCK_COMMENT_TEXT, _checked), lazy=[comment_submitted])
