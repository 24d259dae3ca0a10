"""Adjusting, closing, reviewing and exporting goals: the use cases, one unit of work each.

The rules of an edit (what may change, how a form is read, revisions) live in bot/services/goals_admin.py;
here each use case reads, decides and writes in one transaction and hands back what to show.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks import edit as edit_blocks
from bot.blocks.common import Message, clip, escape, text_message
from bot.blocks.goals import Proposed, direction_question, goal_list
from bot.blocks.standing import measure_text, standing_of
from bot.blocks.teams import refusal_text
from bot.context import RequestContext
from bot.deps import Deps
from bot.jobs.reviews import KIND as REVIEW_KIND
from bot.rules.digest_math import ChannelRef
from bot.rules.history import GoalMark, ReadingEvent, reading_events, timeline
from bot.rules.limits import row_id
from bot.rules.statuses import CheckInStatus, GoalStatus
from bot.rules.visibility import ChannelAction
from bot.services import goals_admin as admin
from bot.services import teams
from bot.services.conversation import ask_close_reason
from bot.services.conversation import current as conversation_in_progress
from bot.services.digests import channel_members
from prompts import t
from storage.db import unit_of_work
from storage.models import Goal
from storage.repositories import (
    get_digest_subscription,
    list_active_digest_subscriptions,
    list_goals,
    readings_of_goal,
    was_sent_at,
)
from storage.teams import open_proposals, reports_of

log = logging.getLogger(__name__)


def _recorded_review_card(session: Session, ctx: RequestContext, goal_id: Any,
                          claimed: Any) -> tuple[str, str] | None:
    """The (channel, ts) a payload names, when goalbot sent this person's review of this goal there; else None.

    Buttons and modals carry where their card is (`container`, `private_metadata`); only a card goalbot
    recorded as sent is ever edited, so a payload naming another message (a channel's digest) edits nothing.
    """
    if not claimed:
        return None
    goal = session.get(Goal, goal_id) if isinstance(goal_id, int) else None
    card = tuple(str(part) for part in claimed) if isinstance(claimed, (list, tuple)) and len(claimed) == 2 else None
    if (goal is not None and card is not None and goal.team_id == ctx.team_id and goal.user_id == ctx.user_id
            and was_sent_at(session, kind=REVIEW_KIND, ref_id=goal.id, channel=card[0], ts=card[1])):
        return card[0], card[1]
    log.warning("a review card at %s named by %s for goal %s is not one goalbot sent them: left alone", claimed,
                ctx.user_id, goal_id)
    return None


def review_card(deps: Deps, ctx: RequestContext, goal_id: int | None,
                claimed: tuple[str, str] | None) -> tuple[str, str] | None:
    """The clicked review card, if goalbot sent it to this person about this goal (else None: nothing to edit)."""
    with deps.sessions() as session:
        return _recorded_review_card(session, ctx, goal_id, claimed)


def goals_of(deps: Deps, ctx: RequestContext) -> list[Goal]:
    """The person's goals (closed ones too), oldest first, with check-ins and revisions."""
    with deps.sessions() as session:
        return list_goals(session, ctx.team_id, ctx.user_id)


def my_list(deps: Deps, ctx: RequestContext) -> Message:
    """`/goal list`: the person's goals, and the one they are still setting up (not saved: said so, not hidden)."""
    with deps.sessions() as session:
        goals = list_goals(session, ctx.team_id, ctx.user_id)
        convo = conversation_in_progress(session, ctx)
        draft = str(convo.draft.get("text") or "").strip() if convo is not None else ""
        # A goal a manager proposed (or one waiting for approval) is not a goal yet, but it is not nothing either:
        # "You have no goals yet" was the whole answer while a proposal waited for this person.
        proposals = [Proposed(p.id, dict(p.draft), p.manager_id, p.awaiting == ctx.user_id)
                     for p in open_proposals(session, ctx.team_id, ctx.user_id) if p.owner_id == ctx.user_id]
        return goal_list(ctx.lang, goals, ctx.today, unfinished=draft or None, proposals=proposals)


@dataclass(frozen=True)
class EditStart:
    """What `/goal edit …` leads to: a message to show, a modal to open, and whether a goal changed."""

    message: Message | None = None
    view: dict[str, Any] | None = None
    saved: bool = False


def edit_command(deps: Deps, ctx: RequestContext, typed: admin.TextEdit) -> EditStart:
    """Pick the goal; then the edit modal to open, or the typed edit validated like the modal and saved."""
    lang = ctx.lang
    with unit_of_work(deps.sessions) as session:
        try:
            picked = admin.pick_goal(session, ctx.team_id, ctx.user_id, typed.goal_id)
        except admin.GoalRefused as refusal:
            return EditStart(text_message(refusal.text(lang)))
        if isinstance(picked, list):
            return EditStart(edit_blocks.goal_picker(lang, picked, action_id=ids.ACTION_GOAL_EDIT,
                                                     prompt_key="manage.edit.pick", today=ctx.today))
        if typed.field is None:
            if typed.value:
                return EditStart(text_message(t(lang, "manage.edit.usage")))
            return EditStart(view=admin.edit_view(lang, picked))
        goal = admin.owned_goal(session, ctx.team_id, ctx.user_id, picked.id, lock=True)
        return _typed_edit(session, ctx, goal, {typed.field: typed.value, "reason": typed.reason})


def _typed_edit(session: Session, ctx: RequestContext, goal: Goal, form: dict[str, str | None],
                accepted: tuple[str, ...] = ()) -> EditStart:
    """A typed edit validated like the modal and saved; a direction against the metric is asked back first."""
    lang = ctx.lang
    plan = admin.read_edit(goal, form, lang=lang, now=ctx.now, tz=ctx.tz, today=ctx.today, accepted=accepted)
    if not plan.ok:
        problems = [message for name, message in plan.errors.items() if name != "reason"]
        if "reason" in plan.errors:
            problems.append(t(lang, "manage.edit.typed_reason_required"))
        return EditStart(text_message("\n".join(problems)))
    if plan.against is not None:
        # "churn usually comes down: down to 5%, or really up?" — nothing is saved until a way is picked.
        meant, draft = plan.against

        def value_of(way: str) -> str:
            return json.dumps({"goal": goal.id, "way": way, "reason": plan.reason}, ensure_ascii=False)

        return EditStart(direction_question(lang, draft, meant, action=ids.ACTION_EDIT_DIRECTION, value_of=value_of))
    revisions = admin.apply_edit(session, goal, plan, by=ctx.user_id, at=ctx.now, today=ctx.today)
    warnings = [(code, text) for code, text in plan.warnings if code != admin.AGAINST_METRIC]
    return EditStart(edit_blocks.edit_saved(lang, goal, revisions, warnings, today=ctx.today), saved=True)


def choose_edit_direction(deps: Deps, ctx: RequestContext, value: str) -> EditStart:
    """A way's button under a typed edit's "churn usually comes down: down to 5%, or really up?": the edit with
    that way, saved (the way already the goal's changes nothing, and says so)."""
    try:
        picked = json.loads(value or "{}")
        goal_id, way, reason = picked["goal"], picked["way"], str(picked.get("reason") or "")
    except (ValueError, KeyError, TypeError):
        goal_id, way, reason = None, None, ""
    lang = ctx.lang
    with unit_of_work(deps.sessions) as session:
        try:
            goal = admin.owned_goal(session, ctx.team_id, ctx.user_id, goal_id if isinstance(goal_id, int) else None,
                                    lock=True)
        except admin.GoalRefused as refusal:
            return EditStart(text_message(refusal.text(lang)))
        if way not in ("increase", "decrease"):
            return EditStart(text_message(t(lang, "manage.edit.usage")))
        if way == goal.direction:
            return EditStart(text_message(t(lang, "manage.edit.direction_kept", id=goal.id,
                                            direction=t(lang, f"directions.{way}"))))
        return _typed_edit(session, ctx, goal, {"direction": way, "reason": reason}, accepted=(admin.AGAINST_METRIC,))


@dataclass(frozen=True)
class TitleKept:
    """The answer to "Keep my original words", and whether the title changed back."""

    message: Message
    changed: bool


def keep_original_title(deps: Deps, ctx: RequestContext, value: str) -> TitleKept:
    """The edit confirmation's "Keep my original words": undo the title rewrite it made (value "goal:revision")."""
    goal_text, _, revision_text = (value or "").partition(":")
    lang = ctx.lang
    with unit_of_work(deps.sessions) as session:
        try:
            goal = admin.owned_goal(session, ctx.team_id, ctx.user_id, row_id(goal_text), active=False, lock=True)
        except admin.GoalRefused as refusal:
            return TitleKept(text_message(refusal.text(lang)), False)
        revision = admin.keep_original_title(session, goal, row_id(revision_text), by=ctx.user_id, at=ctx.now)
        title = escape(clip(goal.title, 300))
        if revision is None:
            return TitleKept(text_message(t(lang, "manage.title.not_applicable", title=title)), False)
        measure = measure_text(lang, standing_of(goal, ctx.today))
        return TitleKept(text_message(t(lang, "manage.title.kept", title=title, measure=measure)), True)


@dataclass(frozen=True)
class Closing:
    """The answer to closing a goal, and whether it was closed (so the Home is refreshed)."""

    message: Message
    closed: bool


def close(deps: Deps, ctx: RequestContext, goal_id: int | None, status: GoalStatus, *, note: str | None = None,
          pick_key: str | None = None) -> Closing:
    """Close the goal as `status`; with `pick_key`, a missing id with several active goals offers a choice."""
    lang = ctx.lang
    with unit_of_work(deps.sessions) as session:
        try:
            if pick_key is None:
                goal = admin.owned_goal(session, ctx.team_id, ctx.user_id, goal_id, lock=True)
            else:
                picked = admin.pick_goal(session, ctx.team_id, ctx.user_id, goal_id, lock=True)
                if isinstance(picked, list):
                    return Closing(edit_blocks.goal_picker(lang, picked, action_id=None, prompt_key=pick_key,
                                                           today=ctx.today), closed=False)
                goal = picked
            override = False
            if status in (GoalStatus.DONE, GoalStatus.ACHIEVED):
                # Achieved only when the numbers say so, or as the owner's explicit, recorded override.
                decision = admin.decide_achieved(lang, goal, today=ctx.today,
                                                 note=note if status == GoalStatus.DONE else None)
                if decision.status is None:
                    ask_close_reason(session, ctx, goal.id)  # "sì" and the reason may come in the DM next
                    return Closing(edit_blocks.needs_override(lang, goal, decision.shown), closed=False)
                status, override = decision.status, decision.override
            admin.close_goal(session, goal, status, by=ctx.user_id, at=ctx.now, note=note, override=override)
        except admin.GoalRefused as refusal:
            session.rollback()
            return Closing(text_message(refusal.text(lang)), closed=False)
        return Closing(edit_blocks.closed(lang, goal, override=override), closed=True)


def history(deps: Deps, ctx: RequestContext, goal_id: int | None) -> Message:
    """Every change to a goal and every value its check-ins recorded, undid or withdrew (closed goals too): the person's own, or a report's for the managers up the line and
    admins (bot.rules.visibility); a choice among the person's own when none is named."""
    lang = ctx.lang
    with deps.sessions() as session:
        if goal_id is None:
            goals = list_goals(session, ctx.team_id, ctx.user_id)
            if not goals and reports_of(session, ctx.team_id, ctx.user_id):
                # A manager asking for history means a report's goal: say how, not "you have no goals yet".
                return text_message(t(lang, "manage.history.no_goals_manager"))
            if len(goals) != 1:
                return (text_message(t(lang, "manage.no_goals")) if not goals else
                        edit_blocks.goal_picker(lang, goals, action_id=None, prompt_key="manage.history.pick",
                                                today=ctx.today))
            goal_id = goals[0].id
        try:
            goal = teams.readable_goal(session, ctx.team_id, ctx.user_id, goal_id)
        except admin.GoalRefused as refusal:
            return text_message(refusal.text(lang))
        events: list[ReadingEvent | GoalMark] = [*reading_events(readings_of_goal(session, goal.id), goal.user_id)]
        revisions = admin.revisions_of(session, goal)
        skipped = [GoalMark(c.answered_at or c.asked_at or datetime.combine(c.week_start, time(), UTC), goal.user_id,
                            "skipped", c.week_start, c.note) for c in goal.checkins if c.status == CheckInStatus.SKIPPED]
        if not (events or revisions or skipped):  # "not changed since it was set, no value yet" says it all
            return edit_blocks.history(lang, goal, [], tz=ZoneInfo(ctx.tz))
        # Its first entry: when it was set up (the history had changes and values, never the goal's start).
        marks = [GoalMark(goal.created_at, goal.user_id, "set"), *skipped]
        return edit_blocks.history(lang, goal, timeline(revisions, [*events, *marks]), tz=ZoneInfo(ctx.tz))


def edit_view_for(deps: Deps, ctx: RequestContext, goal_id: int | None, *, kind: str,
                  card: tuple[str, str] | None) -> dict[str, Any] | admin.GoalRefused:
    """The edit (or extend) modal for the person's goal, or why they cannot change it."""
    with deps.sessions() as session:
        try:
            goal = admin.owned_goal(session, ctx.team_id, ctx.user_id, goal_id)
        except admin.GoalRefused as refusal:
            return refusal
        return admin.edit_view(ctx.lang, goal, kind=kind, card=card)


@dataclass(frozen=True)
class EditCheck:
    """The edit modal checked while Slack waits: errors per block, or a view showing warnings, or neither."""

    errors: dict[str, str] | None = None
    view: dict[str, Any] | None = None


def _read_form(session: Any, ctx: RequestContext, view: dict[str, Any], *,
               lock: bool = False) -> tuple[Goal, admin.EditPlan, dict[str, Any], dict[str, Any]]:
    """The goal, the plan read from the submitted form, the form and the modal's metadata."""
    meta = edit_blocks.read_metadata(view)
    form = edit_blocks.form_values(((view.get("state") or {}).get("values")) or {})
    goal_id = meta.get("goal_id")
    goal = admin.owned_goal(session, ctx.team_id, ctx.user_id, goal_id if isinstance(goal_id, int) else None,
                            lock=lock)
    plan = admin.read_edit(goal, form, lang=ctx.lang, now=ctx.now, tz=ctx.tz, today=ctx.today,
                           initial=meta.get("initial") or {}, accepted=tuple(meta.get("accepted") or ()))
    return goal, plan, form, meta


def check_edit_form(deps: Deps, ctx: RequestContext, view: dict[str, Any]) -> EditCheck:
    """Errors go back next to their field; a realism warning is shown once before it is kept."""
    lang = ctx.lang
    with deps.sessions() as session:
        try:
            goal, plan, form, meta = _read_form(session, ctx, view)
        except admin.GoalRefused as refusal:
            return EditCheck(errors={ids.BLOCK_EDIT_REASON: refusal.text(lang)})
        if plan.errors:
            shown = set(meta.get("fields") or edit_blocks.EDIT_FIELDS) | {"reason"}
            errors: dict[str, str] = {}
            for name, message in plan.errors.items():
                block = edit_blocks.block_id_of(name if name in shown else "reason")
                errors[block] = (errors[block] + " " + message) if block in errors else message
            return EditCheck(errors=errors)
        if plan.warnings:
            accepted = [*meta.get("accepted", []), *(code for code, _ in plan.warnings)]
            return EditCheck(view=edit_blocks.edit_modal(
                lang, goal, initial=meta.get("initial") or {}, fields=meta.get("fields") or (), typed=form,
                warnings=plan.warnings, accepted=accepted, metrics=admin.metric_codes(),
                kind=meta.get("kind") or "edit", card=meta.get("card")))
    return EditCheck()


@dataclass(frozen=True)
class SavedEdit:
    """A saved edit: the confirmation, and the review card to close with `card_text` (channel, ts) if any."""

    message: Message
    card: tuple[str, str] | None
    card_text: str


def save_edit_form(deps: Deps, ctx: RequestContext, view: dict[str, Any]) -> SavedEdit | None:
    """Save the submitted change with its revisions; None when there is nothing (left) to save."""
    with unit_of_work(deps.sessions) as session:
        try:
            goal, plan, _form, meta = _read_form(session, ctx, view, lock=True)
        except admin.GoalRefused:
            return None  # answered by the ack already
        # Bolt runs this after every ack: errors and first-time warnings went back to the modal, and a
        # repeated submission of a change already saved has nothing left to change.
        if not plan.ok or plan.warnings or not plan.changes:
            return None
        revisions = admin.apply_edit(session, goal, plan, by=ctx.user_id, at=ctx.now, today=ctx.today)
        card = _recorded_review_card(session, ctx, goal.id, meta.get("card"))
        return SavedEdit(edit_blocks.edit_saved(ctx.lang, goal, revisions, today=ctx.today), card,
                         t(ctx.lang, "review.card_done", id=goal.id, title=escape(clip(goal.title, 300))))


# --- export ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamExport:
    """A digest channel's team's goals, or the refusal to show instead."""

    goals: list[Goal]
    channel_id: str | None
    refusal: str | None = None


def team_export(deps: Deps, client: WebClient, ctx: RequestContext, ref: ChannelRef, *,
                typed_here: bool) -> TeamExport:
    """A digest channel's members' public goals, if the person may export them (bot.rules.visibility); else the
    refusal. Check-in notes are the caller's to leave out: they go up the reporting line only.

    `typed_here`: the channel was named by the name of the channel the command was typed in.
    """
    lang = ctx.lang
    with deps.sessions() as session:
        subscribed = [s.channel_id for s in list_active_digest_subscriptions(session) if s.team_id == ctx.team_id]
    channel_id = ref.id
    if channel_id is None and typed_here:
        channel_id = ctx.channel_id
    if channel_id is None:
        channel_id = _subscribed_channel_named(client, subscribed, ref.name or "")
    with deps.sessions() as session:
        subscription = get_digest_subscription(session, ctx.team_id, channel_id) if channel_id else None
    label = f"<#{channel_id}>" if channel_id else "#" + escape(ref.name or "")
    if subscription is None or not subscription.active or channel_id is None:
        return TeamExport([], channel_id, t(lang, "export.no_digest", channel=label))
    try:
        members = channel_members(client, channel_id)
    except SlackApiError as error:
        return TeamExport([], channel_id, t(lang, "export.channel_unreadable", channel=label,
                                            error=escape(str(error.response.get("error")))))
    decision = teams.channel_decision(deps.sessions, ctx, channel_id, frozenset(members), ChannelAction.EXPORT)
    if not decision:
        return TeamExport([], channel_id, refusal_text(lang, decision))
    return TeamExport(teams.channel_goals(deps.sessions, ctx, frozenset(members)), channel_id)


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
