"""Buttons for managing goals: the App Home's (new goal, check in, edit), the goal picker's Edit, and the review's
achieved / extend / adjust."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks import checkins as checkin_blocks
from bot.blocks import edit as edit_blocks
from bot.blocks.common import Message, context, text_message
from bot.deps import Deps
from bot.listeners.commands.manage import open_modal
from bot.listeners.support import ack_now, dm_channel, make_turn, reply, report_failure, run_in_session
from bot.services import checkins, conversation
from bot.services import goals_admin as admin
from bot.services.conversation import Turn
from bot.rules.schedule import week_start
from bot.services.home import refresh_home
from storage.repositories import find_checkin_of_week
from prompts import t

log = logging.getLogger(__name__)
Work = Callable[[Deps, WebClient, Turn, dict[str, Any], dict[str, Any]], None]



def lazy(deps: Deps, work: Work) -> Callable[..., None]:
    """Run `work` after the ack; whatever fails, the person hears about it in the DM."""

    def lazy_manage_action(body: dict[str, Any], client: WebClient) -> None:
        user_id = body["user"]["id"]
        team_id = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
        lang = deps.settings.default_lang
        try:
            turn = make_turn(deps, client, team_id=team_id, user_id=user_id, channel_id=None)
            lang = turn.lang
            work(deps, client, turn, body, body["actions"][0])
        except Exception as error:  # noqa: BLE001 - report, never leave the click unanswered
            report_failure(client, user_id, lang, error)

    return lazy_manage_action


def tell(deps: Deps, client: WebClient, turn: Turn, body: dict[str, Any], message: Message) -> None:
    """Answer a click in the person's DM with the bot (Home clicks have no conversation of their own)."""
    key = f"manage-act:{body.get('trigger_id') or (body.get('actions') or [{}])[0].get('action_ts')}"
    reply(deps, client, turn, turn.user_id, [message], key=key)


def goal_id_of(action: dict[str, Any]) -> int | None:
    """The goal id a button carries as its value."""
    value = str(action.get("value") or "")
    return int(value) if value.isdigit() else None


def message_card(body: dict[str, Any]) -> tuple[str, str] | None:
    """(channel, ts) of the message whose button was clicked, or None for a click in a view."""
    container = body.get("container") or {}
    if container.get("type") != "message" or not container.get("message_ts"):
        return None
    return str(container.get("channel_id") or (body.get("channel") or {}).get("id")), str(container["message_ts"])


def close_card(client: WebClient, body: dict[str, Any], label: str) -> None:
    """Replace the clicked message's buttons with what was chosen, so a review cannot be answered twice."""
    card = message_card(body)
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

    def work(deps: Deps, client: WebClient, turn: Turn, body: dict[str, Any], action: dict[str, Any]) -> None:
        with deps.sessions() as session:
            try:
                goal = admin.owned_goal(session, turn.team_id, turn.user_id, goal_id_of(action))
            except admin.GoalRefused as refusal:
                tell(deps, client, turn, body, text_message(refusal.text(turn.lang)))
                return
            card = message_card(body) if action.get("action_id", "").startswith("review_") else None
            view = admin.edit_view(turn.lang, goal, kind=kind, card=card)
        problem = open_modal(client, body.get("trigger_id"), view, turn.lang)
        if problem:
            tell(deps, client, turn, body, text_message(problem))

    return work


def review_achieved(deps: Deps, client: WebClient, turn: Turn, body: dict[str, Any], action: dict[str, Any]) -> None:
    """The review's "achieved": close the goal as achieved when its numbers say so; else ask for the owner's why."""
    closed_it = False
    with deps.sessions() as session:
        try:
            goal = admin.owned_goal(session, turn.team_id, turn.user_id, goal_id_of(action), lock=True)
            decision = admin.decide_achieved(turn.lang, goal, today=turn.today, note=None)
            if decision.status is None:
                message = edit_blocks.needs_override(turn.lang, goal, decision.shown)
            else:
                admin.close_goal(session, goal, "achieved", by=turn.user_id, at=turn.now, note=None)
                session.commit()
                closed_it = True
                message = edit_blocks.closed(turn.lang, goal)
        except admin.GoalRefused as refusal:
            message = text_message(refusal.text(turn.lang))
    if closed_it:
        close_card(client, body, (action.get("text") or {}).get("text") or t(turn.lang, "review.achieved"))
    tell(deps, client, turn, body, message)
    refresh_home(deps, client, turn.team_id, turn.user_id)


def review_missed(deps: Deps, client: WebClient, turn: Turn, body: dict[str, Any], action: dict[str, Any]) -> None:
    """The review's "missed": close the goal as missed, honestly, and say so."""
    with deps.sessions() as session:
        try:
            goal = admin.owned_goal(session, turn.team_id, turn.user_id, goal_id_of(action), lock=True)
            admin.close_goal(session, goal, "missed", by=turn.user_id, at=turn.now, note=None)
            session.commit()
            message = edit_blocks.closed(turn.lang, goal)
        except admin.GoalRefused as refusal:
            message = text_message(refusal.text(turn.lang))
    close_card(client, body, (action.get("text") or {}).get("text") or t(turn.lang, "review.missed"))
    tell(deps, client, turn, body, message)
    refresh_home(deps, client, turn.team_id, turn.user_id)


def home_new_goal(deps: Deps, client: WebClient, turn: Turn, body: dict[str, Any], action: dict[str, Any]) -> None:
    """The Home's "New goal": start the SMART conversation in the DM, like `/goal`."""
    channel = dm_channel(deps, client, turn.team_id, turn.user_id)
    in_dm = Turn(team_id=turn.team_id, user_id=turn.user_id, channel_id=channel, lang=turn.lang, tz=turn.tz,
                 now=turn.now)
    messages = run_in_session(deps, lambda session: conversation.start(session, in_dm, ""))
    reply(deps, client, in_dm, channel, messages, key=f"home-new:{body.get('trigger_id')}")


def home_checkin(deps: Deps, client: WebClient, turn: Turn, body: dict[str, Any], action: dict[str, Any]) -> None:
    """The Home's "Check in": the check-in modal for one goal; for all of them, this week's check-ins in the DM.

    A goal not asked yet this week gets its check-in message first (as `/goal checkin` would), so closing the
    modal without saving still leaves a check-in to answer in the DM, and the modal's answer lands in its thread.
    """
    goal_id = goal_id_of(action)
    channel = dm_channel(deps, client, turn.team_id, turn.user_id)
    request_key = str(body.get("trigger_id"))
    if goal_id is None:
        checkins.send_now(deps, client, turn, channel, request_key=request_key)
        return
    week = week_start(turn.today)
    with deps.sessions() as session:
        try:
            admin.owned_goal(session, turn.team_id, turn.user_id, goal_id)
        except admin.GoalRefused as refusal:
            tell(deps, client, turn, body, text_message(refusal.text(turn.lang)))
            return
        asked = find_checkin_of_week(session, goal_id, week) is not None
    if not asked:
        checkins.send_now(deps, client, turn, channel, request_key=request_key, goal_id=goal_id)
    with deps.sessions() as session:
        checkin = find_checkin_of_week(session, goal_id, week)
        if checkin is None:
            return  # Slack refused the check-in message for now: it is queued in the outbox instead
        view = checkin_blocks.update_modal(turn.lang, checkin.goal, {
            "checkin": checkin.id, "channel": checkin.channel_id or channel, "thread_ts": checkin.message_ts})
    problem = open_modal(client, body.get("trigger_id"), view, turn.lang, failed_key="home.errors.checkin_modal_failed")
    if problem:
        tell(deps, client, turn, body, text_message(problem))


def register(app: App, deps: Deps) -> None:
    """Bind the Home, picker and review buttons."""
    edit = lazy(deps, open_edit("edit"))
    for action_id in (ids.ACTION_HOME_EDIT, ids.ACTION_GOAL_EDIT, ids.ACTION_REVIEW_ADJUST):
        app.action(action_id)(ack=ack_now, lazy=[edit])
    app.action(ids.ACTION_REVIEW_EXTEND)(ack=ack_now, lazy=[lazy(deps, open_edit("extend"))])
    app.action(ids.ACTION_REVIEW_ACHIEVED)(ack=ack_now, lazy=[lazy(deps, review_achieved)])
    app.action(ids.ACTION_REVIEW_MISSED)(ack=ack_now, lazy=[lazy(deps, review_missed)])
    app.action(ids.ACTION_HOME_NEW_GOAL)(ack=ack_now, lazy=[lazy(deps, home_new_goal)])
    app.action(ids.ACTION_HOME_CHECKIN)(ack=ack_now, lazy=[lazy(deps, home_checkin)])
