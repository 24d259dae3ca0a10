"""`/goal edit`, `/goal done`, `/goal drop`, `/goal history` and `/goal export`: adjusting, closing, exporting.

`/goal edit` opens the edit modal (one active goal, or `/goal edit 3`), offers a pick of goals when there are
several, or applies a typed edit at once: `/goal edit 3 target 12 because two deals slipped` (fields: target,
deadline, metric, unit, baseline — Italian: obiettivo, scadenza, metrica, unità, partenza; the reason after
"because"/"perché" is required). `/goal done [id] [note]` and `/goal drop [id] [note]` close a goal; a leading
number is always read as the goal id. `/goal export [json] [#channel]` uploads a CSV (or JSON) to the DM.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks import edit as edit_blocks
from bot.blocks.common import escape, text_message
from bot.deps import Deps
from bot.listeners.commands.registry import ephemeral, subcommand
from bot.listeners.support import dm_channel
from bot.rules.commands import Command
from bot.rules.digest_math import parse_channel
from bot.services import export as exports
from bot.services import goals_admin as admin
from bot.services.conversation import Turn
from bot.services.digests import channel_members
from bot.services.home import refresh_home
from prompts import t, tn
from storage.models import Goal
from storage.repositories import (
    get_digest_subscription,
    list_active_digest_subscriptions,
    list_goals,
    list_goals_of_users,
)

log = logging.getLogger(__name__)


def open_modal(client: WebClient, trigger_id: str | None, view: dict[str, Any], lang: str,
               failed_key: str = "manage.edit.modal_failed") -> str | None:
    """Open a modal; on failure the text to tell the person (the trigger may have expired), else None."""
    try:
        client.views_open(trigger_id=trigger_id or "", view=view)
    except SlackApiError as error:
        code = str(error.response.get("error") or "error")
        log.warning("views.open failed: %s", code)
        return t(lang, failed_key, error=escape(code))
    return None


@subcommand("edit")
def edit_goal(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
              respond: Respond) -> None:
    """Open the edit modal (picking the goal first when there are several), or apply a typed edit."""
    lang = turn.lang
    typed = admin.read_text_edit(command.args)
    with deps.sessions() as session:
        try:
            picked = admin.pick_goal(session, turn.team_id, turn.user_id, typed.goal_id)
        except admin.GoalRefused as refusal:
            ephemeral(respond, text_message(refusal.text(lang)))
            return
        if isinstance(picked, list):
            ephemeral(respond, edit_blocks.goal_picker(lang, picked, action_id=ids.ACTION_GOAL_EDIT,
                                                       prompt_key="manage.edit.pick", today=turn.today))
            return
        if typed.field is None:
            if typed.value:
                ephemeral(respond, text_message(t(lang, "manage.edit.usage")))
                return
            problem = open_modal(client, body.get("trigger_id"), admin.edit_view(lang, picked), lang)
            if problem:
                ephemeral(respond, text_message(problem))
            return
    apply_typed_edit(deps, client, turn, typed, picked.id, respond)


def apply_typed_edit(deps: Deps, client: WebClient, turn: Turn, typed: admin.TextEdit, goal_id: int,
                     respond: Respond) -> None:
    """`/goal edit 3 target 12 because …`: validate like the modal, save with a revision, confirm."""
    lang = turn.lang
    assert typed.field is not None
    with deps.sessions() as session:
        goal = admin.owned_goal(session, turn.team_id, turn.user_id, goal_id, lock=True)
        plan = admin.read_edit(goal, {typed.field: typed.value, "reason": typed.reason}, lang=lang, now=turn.now,
                               tz=turn.tz, today=turn.today)
        if not plan.ok:
            problems = [message for name, message in plan.errors.items() if name != "reason"]
            if "reason" in plan.errors:
                problems.append(t(lang, "manage.edit.typed_reason_required"))
            ephemeral(respond, text_message("\n".join(problems)))
            return
        revisions = admin.apply_edit(session, goal, plan, by=turn.user_id, at=turn.now, today=turn.today)
        session.commit()
        message = edit_blocks.edit_saved(lang, goal, revisions, plan.warnings, today=turn.today)
    ephemeral(respond, message)
    refresh_home(deps, client, turn.team_id, turn.user_id)


def _close(status: str) -> Any:
    """The handler of `/goal done`, `/goal missed` or `/goal drop`."""

    def close(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
              respond: Respond) -> None:
        lang = turn.lang
        goal_id, note = admin.split_leading_id(command.args)
        with deps.sessions() as session:
            try:
                picked = admin.pick_goal(session, turn.team_id, turn.user_id, goal_id, lock=True)
                if isinstance(picked, list):
                    ephemeral(respond, edit_blocks.goal_picker(lang, picked, action_id=None, today=turn.today,
                                                               prompt_key=f"manage.close.pick_{status}"))
                    return
                closing, override = status, False
                if status == "done":
                    # Achieved only when the numbers say so, or as the owner's explicit, recorded override.
                    decision = admin.decide_achieved(lang, picked, today=turn.today, note=note)
                    if decision.status is None:
                        ephemeral(respond, edit_blocks.needs_override(lang, picked, decision.shown))
                        return
                    closing, override = decision.status, decision.override
                admin.close_goal(session, picked, closing, by=turn.user_id, at=turn.now, note=note,
                                 override=override)
            except admin.GoalRefused as refusal:
                ephemeral(respond, text_message(refusal.text(lang)))
                return
            session.commit()
            message = edit_blocks.closed(lang, picked, override=override)
        ephemeral(respond, message)
        refresh_home(deps, client, turn.team_id, turn.user_id)

    return close


subcommand("done")(_close("done"))
subcommand("missed")(_close("missed"))
subcommand("drop")(_close("dropped"))


@subcommand("history")
def show_history(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """Every change to one of the person's goals (closed ones too)."""
    lang = turn.lang
    goal_id, _ = admin.split_leading_id(command.args)
    with deps.sessions() as session:
        if goal_id is None:
            goals = list_goals(session, turn.team_id, turn.user_id)
            if len(goals) != 1:
                message = (text_message(t(lang, "manage.no_goals")) if not goals else
                           edit_blocks.goal_picker(lang, goals, action_id=None, prompt_key="manage.history.pick",
                                                   today=turn.today))
                ephemeral(respond, message)
                return
            goal_id = goals[0].id
        try:
            goal = admin.owned_goal(session, turn.team_id, turn.user_id, goal_id, active=False)
        except admin.GoalRefused as refusal:
            ephemeral(respond, text_message(refusal.text(lang)))
            return
        message = edit_blocks.history(lang, goal, admin.revisions_of(session, goal), tz=ZoneInfo(turn.tz))
    ephemeral(respond, message)


@subcommand("export")
def export_goals(deps: Deps, client: WebClient, turn: Turn, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """Upload the person's goals and check-ins (or a digest channel's team's) as CSV or JSON to the DM."""
    lang = turn.lang
    words = command.args.split()
    fmt = "json" if any(w.lower() == "json" for w in words) else "csv"
    rest = [w for w in words if w.lower() not in ("json", "csv")]
    if len(rest) > 1 or (rest and parse_channel(rest[0]) is None):
        ephemeral(respond, text_message(t(lang, "export.usage")))
        return
    if rest:
        found = team_goals(deps, client, turn, rest[0], body)
        if isinstance(found, str):
            ephemeral(respond, text_message(found))
            return
        goals, scope, channel_id = found
        comment = tn(lang, "export.team_comment", len(goals), channel=f"<#{channel_id}>")
    else:
        with deps.sessions() as session:
            goals = list_goals(session, turn.team_id, turn.user_id)
        if not goals:
            ephemeral(respond, text_message(t(lang, "manage.no_goals")))
            return
        scope, comment = turn.user_id, tn(lang, "export.comment", len(goals))
    content = exports.render(goals, fmt, today=turn.today)
    try:
        channel = dm_channel(deps, client, turn.team_id, turn.user_id)
        client.files_upload_v2(channel=channel, content=content.encode("utf-8"),
                               filename=exports.filename(scope, turn.now, fmt),
                               title=t(lang, "export.title"), initial_comment=comment)
    except SlackApiError as error:
        code = str(error.response.get("error") or "error")
        log.warning("export upload for %s failed: %s", turn.user_id, code)
        ephemeral(respond, text_message(t(lang, "export.failed", error=escape(code))))
        return
    except OSError as error:
        log.warning("export upload for %s failed: %s", turn.user_id, error)
        ephemeral(respond, text_message(t(lang, "export.failed", error=type(error).__name__)))
        return
    if body.get("channel_id") != channel:
        ephemeral(respond, text_message(t(lang, "export.sent")))


def team_goals(deps: Deps, client: WebClient, turn: Turn, word: str,
               body: dict[str, Any]) -> tuple[list[Goal], str, str] | str:
    """The goals of a digest channel's members, if the person may see them; else the refusal to show.

    A "manager" is whoever subscribed the channel to the digest, or any member of that channel: the digest
    already shows the channel all of its members' goals, so the export reveals nothing new to them.
    """
    lang = turn.lang
    ref = parse_channel(word)
    assert ref is not None
    with deps.sessions() as session:
        subscriptions = {s.channel_id: s for s in list_active_digest_subscriptions(session)
                         if s.team_id == turn.team_id}
        channel_id = ref.id
        if channel_id is None and ref.name == str(body.get("channel_name") or "").lower():
            channel_id = body.get("channel_id")
        if channel_id is None:
            channel_id = _subscribed_channel_named(client, list(subscriptions), ref.name or "")
        subscription = get_digest_subscription(session, turn.team_id, channel_id) if channel_id else None
    label = f"<#{channel_id}>" if channel_id else "#" + escape(ref.name or "")
    if subscription is None or not subscription.active or channel_id is None:
        return t(lang, "export.no_digest", channel=label)
    try:
        members = channel_members(client, channel_id)
    except SlackApiError as error:
        return t(lang, "export.channel_unreadable", channel=label, error=escape(str(error.response.get("error"))))
    if turn.user_id != subscription.created_by and turn.user_id not in members:
        return t(lang, "export.not_manager", channel=label)
    with deps.sessions() as session:
        goals = list_goals_of_users(session, turn.team_id, members)
    return goals, channel_id, channel_id


def _subscribed_channel_named(client: WebClient, channel_ids: list[str], name: str) -> str | None:
    """Which subscribed channel is called `name` (a digest channel typed as #name, not picked from the menu)."""
    for channel_id in channel_ids:
        try:
            info = client.conversations_info(channel=channel_id).get("channel") or {}
        except SlackApiError:
            continue
        if str(info.get("name") or "").lower() == name:
            return channel_id
    return None
