"""Buttons for managing goals: the App Home's (new goal, check in, edit), the goal picker's Edit, and the review's
achieved / extend / adjust. Each answers in the person's DM with the bot."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.common import Message, context, text_message
from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.commands.manage import open_modal
from bot.listeners.support import ephemeral, lazy_listener, reply
from bot.middleware import ack_if_needed
from bot.rules.limits import row_id
from bot.rules.statuses import GoalStatus
from bot.services import checkin_now, conversation, goal_actions
from bot.services import goals_admin as admin
from bot.services.home import refresh_home
from bot.services.profiles import dm_channel
from prompts import t

log = logging.getLogger(__name__)
Work = Callable[[Deps, WebClient, RequestContext, dict[str, Any], dict[str, Any]], None]


def tell(deps: Deps, client: WebClient, ctx: RequestContext, body: dict[str, Any], message: Message) -> None:
    """Answer a click in the person's DM with the bot (Home clicks have no conversation of their own)."""
    key = f"manage-act:{body.get('trigger_id') or (body.get('actions') or [{}])[0].get('action_ts')}"
    reply(deps, client, ctx, ctx.user_id, [message], key=key)


def goal_id_of(action: dict[str, Any]) -> int | None:
    """The goal id a button carries as its value."""
    value = str(action.get("value") or "")
    return row_id(value)


def message_card(body: dict[str, Any]) -> tuple[str, str] | None:
    """(channel, ts) of the message whose button was clicked, or None for a click in a view."""
    container = body.get("container") or {}
    if container.get("type") != "message" or not container.get("message_ts"):
        return None
    return str(container.get("channel_id") or (body.get("channel") or {}).get("id")), str(container["message_ts"])


def close_card(client: WebClient, body: dict[str, Any], label: str, card: tuple[str, str] | None) -> None:
    """Replace the review card's buttons (as goalbot recorded it) with what was chosen, so it is answered once."""
    if card is None:
        return
    original = (body.get("message") or {}).get("blocks") or []
    blocks = [b for b in original if b.get("type") != "actions"] + [context(f"→ {label}").to_dict()]
    try:
        client.chat_update(channel=card[0], ts=card[1], text=(body.get("message") or {}).get("text") or label,
                           blocks=blocks[:50])
    except SlackApiError as error:  # a stale card is cosmetic; the answer itself is saved
        log.warning("could not update the review card: %s", error.response.get("error"))


def open_edit(kind: str) -> Work:
    """Open the edit modal (or the extend modal) for the goal the button names, if it is the person's."""

    def work(deps: Deps, client: WebClient, ctx: RequestContext, body: dict[str, Any], action: dict[str, Any]) -> None:
        card = (goal_actions.review_card(deps, ctx, goal_id_of(action), message_card(body))
                if action.get("action_id", "").startswith("review_") else None)
        view = goal_actions.edit_view_for(deps, ctx, goal_id_of(action), kind=kind, card=card)
        if isinstance(view, admin.GoalRefused):
            tell(deps, client, ctx, body, text_message(view.text(ctx.lang)))
            return
        problem = open_modal(client, body.get("trigger_id"), view, ctx.lang)
        if problem:
            tell(deps, client, ctx, body, text_message(problem))

    work.__name__ = f"open_{kind}"
    return work


def review_achieved(deps: Deps, client: WebClient, ctx: RequestContext, body: dict[str, Any],
                    action: dict[str, Any]) -> None:
    """The review's "achieved": close the goal as achieved when its numbers say so; else ask for the owner's why."""
    _review_close(deps, client, ctx, body, action, GoalStatus.ACHIEVED, "review.achieved")


def review_missed(deps: Deps, client: WebClient, ctx: RequestContext, body: dict[str, Any],
                  action: dict[str, Any]) -> None:
    """The review's "missed": close the goal as missed, honestly, and say so."""
    _review_close(deps, client, ctx, body, action, GoalStatus.MISSED, "review.missed")


def _review_close(deps: Deps, client: WebClient, ctx: RequestContext, body: dict[str, Any], action: dict[str, Any],
                  status: GoalStatus, label_key: str) -> None:
    closing = goal_actions.close(deps, ctx, goal_id_of(action), status)
    if closing.closed:  # an achievement the numbers do not show stays open until the owner says why
        close_card(client, body, (action.get("text") or {}).get("text") or t(ctx.lang, label_key),
                   goal_actions.review_card(deps, ctx, goal_id_of(action), message_card(body)))
    tell(deps, client, ctx, body, closing.message)
    refresh_home(deps, client, ctx.team_id, ctx.user_id)


def home_new_goal(deps: Deps, client: WebClient, ctx: RequestContext, body: dict[str, Any],
                  action: dict[str, Any]) -> None:
    """The Home's "New goal": start the SMART conversation in the DM, like `/goal`."""
    channel = dm_channel(deps, client, ctx)
    in_dm = ctx.in_channel(channel)
    messages = conversation.start_goal(deps, in_dm, "")
    reply(deps, client, in_dm, channel, messages, key=f"home-new:{body.get('trigger_id')}")


def home_checkin(deps: Deps, client: WebClient, ctx: RequestContext, body: dict[str, Any],
                 action: dict[str, Any]) -> None:
    """The Home's "Check in": the check-in modal for one goal; for all of them, this week's check-ins in the DM."""
    goal_id = goal_id_of(action)
    channel = dm_channel(deps, client, ctx)
    request_key = str(body.get("trigger_id"))
    if goal_id is None:
        checkin_now.send_now(deps, client, ctx, channel, request_key=request_key)
        return
    found = checkin_now.home_checkin(deps, client, ctx, goal_id, channel, request_key=request_key)
    if found.refusal is not None:
        tell(deps, client, ctx, body, text_message(found.refusal.text(ctx.lang)))
        return
    if found.view is None:
        return  # Slack refused the check-in message for now: it is queued in the outbox instead
    problem = open_modal(client, body.get("trigger_id"), found.view, ctx.lang,
                         failed_key="home.errors.checkin_modal_failed")
    if problem:
        tell(deps, client, ctx, body, text_message(problem))


def keep_title(deps: Deps) -> Callable[..., None]:
    """An edit confirmation's "Keep my original words": the title rewrite undone, the button closed.

    A typed edit's confirmation is ephemeral: Slack changes it only through its response_url (respond).
    """

    @lazy_listener(deps)
    def keep_title_click(ctx: RequestContext, body: dict[str, Any], client: WebClient,
                         respond: Respond | None) -> None:
        kept = goal_actions.keep_original_title(deps, ctx, str(body["actions"][0].get("value") or ""))
        if kept.changed:
            label = t(ctx.lang, "manage.title.closed")
            if (body.get("container") or {}).get("is_ephemeral") and respond is not None:
                original = (body.get("message") or {}).get("blocks") or []
                blocks = [b for b in original if b.get("type") != "actions"] + [context(f"→ {label}").to_dict()]
                respond(text=(body.get("message") or {}).get("text") or label, blocks=blocks[:50],
                        replace_original=True, response_type="ephemeral")
            else:
                close_card(client, body, label, message_card(body))
            refresh_home(deps, client, ctx.team_id, ctx.user_id)
        tell(deps, client, ctx, body, kept.message)

    return keep_title_click


def edit_direction(deps: Deps) -> Callable[..., None]:
    """A way picked under a typed edit's "churn usually comes down: down to 5%, or really up?": the edit saved
    that way. The question was the command's ephemeral answer: the outcome takes its place (respond)."""

    @lazy_listener(deps)
    def edit_direction_click(ctx: RequestContext, body: dict[str, Any], client: WebClient,
                             respond: Respond | None) -> None:
        result = goal_actions.choose_edit_direction(deps, ctx, str(body["actions"][0].get("value") or ""))
        message = result.message or text_message(t(ctx.lang, "manage.edit.usage"))
        if (body.get("container") or {}).get("is_ephemeral") and respond is not None:
            ephemeral(respond, message, replace=True)
        else:
            tell(deps, client, ctx, body, message)
        if result.saved:
            refresh_home(deps, client, ctx.team_id, ctx.user_id)

    return edit_direction_click


# Each button, bound once to its work.
BUTTONS: dict[str, Work] = {
    ids.ACTION_HOME_EDIT: open_edit("edit"),
    ids.ACTION_GOAL_EDIT: open_edit("edit"),
    ids.ACTION_REVIEW_ADJUST: open_edit("edit"),
    ids.ACTION_REVIEW_EXTEND: open_edit("extend"),
    ids.ACTION_REVIEW_ACHIEVED: review_achieved,
    ids.ACTION_REVIEW_MISSED: review_missed,
    ids.ACTION_HOME_NEW_GOAL: home_new_goal,
    ids.ACTION_HOME_CHECKIN: home_checkin,
}


def manage_button(deps: Deps, work: Work) -> Callable[..., None]:
    """Run `work` after the ack; whatever fails, the person hears about it in the DM."""

    @lazy_listener(deps)
    def manage_click(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        work(deps, client, ctx, body, body["actions"][0])

    return manage_click


def register(app: App, deps: Deps) -> None:
    """Bind the Home, picker and review buttons."""
    for action_id, work in BUTTONS.items():
        app.action(action_id)(ack=ack_if_needed, lazy=[manage_button(deps, work)])
    app.action(ids.ACTION_TITLE_KEEP)(ack=ack_if_needed, lazy=[keep_title(deps)])
    app.action(ids.ACTION_EDIT_DIRECTION)(ack=ack_if_needed, lazy=[edit_direction(deps)])
