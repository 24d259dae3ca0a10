"""Rendering for managers and teams: refusals that say who can, team changes, the team at a glance, admins,
objectives with their roll-ups, a report's goals. People are shown as Slack mentions, user text escaped."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)

from bot import ids
from bot.blocks.common import Message, actions, button, clip, context, escape, modal, section
from bot.blocks.goals import goal_line
from bot.blocks.objectives import rollup_line
from bot.rules.mentions import NameMatch
from bot.rules.visibility import Decision, Reason, Visibility
from bot.services.directory import ResolvedPerson
from bot.services.teams import MAX_COMMENT, CommentTarget, ObjectiveLine, Outcome, ReportGoals, TeamChange
from prompts import fmt_amount, t
from storage.models import Objective
from storage.teams import AdminEntry

_REASON_KEYS = frozenset({Reason.CYCLE, Reason.HAS_MANAGER, Reason.TOO_SOON, Reason.NOT_CURRENT})
_MAX_SECTIONS = 45


def mention(user_id: str | None) -> str:
    """A person as Slack shows them; in an ephemeral answer or a DM it pings nobody else."""
    return f"<@{user_id}>" if user_id else ""


def text_only(text: str) -> Message:
    """A one-section message."""
    return Message(text=text, blocks=[section(text)])


def refusal_text(lang: str, decision: Decision, **params: Any) -> str:
    """Why something was refused, and who can do it instead (named when known)."""
    reason = decision.reason
    key = f"refused.reason.{reason}" if reason in _REASON_KEYS else f"refused.who.{decision.who}"
    text = t(lang, key, **params) if params else t(lang, key)
    if decision.people and reason is not Reason.CYCLE:
        text += " " + t(lang, "refused.named", people=", ".join(mention(p) for p in decision.people))
    return text


def unresolved_people(lang: str, resolved: Sequence[ResolvedPerson]) -> str | None:
    """What to ask back when a typed @name matched nobody or several people; None when everyone was found."""
    lines = []
    for person in resolved:
        name = escape(clip(person.ref.text, 80))
        if person.match is NameMatch.UNKNOWN:
            lines.append(t(lang, "people.unknown", name=name))
        elif person.match is NameMatch.AMBIGUOUS:
            candidates = ", ".join(mention(c) for c in person.candidates)
            lines.append(t(lang, "people.ambiguous", name=name, candidates=candidates))
    return "\n".join(lines) or None


def team_change(lang: str, change: TeamChange) -> Message:
    """One line per person named in `/goal team add|remove`."""
    lines = []
    for person in change.people:
        params = {"person": mention(person.user_id), "manager": mention(change.manager_id),
                  "previous": mention(person.previous_manager_id)}
        if person.outcome is Outcome.REFUSED:
            assert person.refusal is not None
            lines.append(t(lang, "team.refused", person=params["person"],
                           reason=refusal_text(lang, person.refusal)))
        else:
            lines.append(t(lang, f"team.{person.outcome}", **params))
    return text_only("\n".join(lines))


def told_about_manager(lang: str, outcome: Outcome, manager_id: str | None, previous_id: str | None,
                       declinable: bool = False) -> Message:
    """The DM a person gets when their manager in goalbot changes: who, and what that manager can see; when the
    manager named themselves, a *Not my manager* button (bot.rules.visibility.may_decline_manager)."""
    if outcome is Outcome.REMOVED:
        return text_only(t(lang, "team.dm_removed", manager=mention(previous_id)))
    text = t(lang, "team.dm_added", manager=mention(manager_id))
    if not declinable or manager_id is None:
        return text_only(text)
    return Message(text=text, blocks=[section(text), context(t(lang, "team.decline_hint", manager=mention(manager_id))),
                                      actions(button(t(lang, "team.decline"), ids.ACTION_TEAM_DECLINE,
                                                     value=manager_id))])


def team_overview(lang: str, reports: Sequence[ReportGoals], today: date) -> Message:
    """The manager's reports and their active goals, at a glance."""
    if not reports:
        return text_only(t(lang, "team.empty"))
    blocks: list[Block] = [HeaderBlock(text=t(lang, "team.header"))]
    for report in reports:
        if len(blocks) >= _MAX_SECTIONS:
            break
        person = mention(report.user_id)
        if not report.goals:
            blocks.append(section(t(lang, "team.no_goals", person=person)))
            continue
        lines = [t(lang, "team.report", person=person)] + [goal_line(lang, goal, today) for goal in report.goals]
        blocks.append(section("\n".join(lines)))
    return Message(text=t(lang, "team.fallback"), blocks=blocks)


def others_goals(lang: str, owner: str, goals: Sequence[Any], today: date) -> Message:
    """Someone else's goals, for their manager or an admin."""
    person = mention(owner)
    if not goals:
        return text_only(t(lang, "others.empty", person=person))
    blocks: list[Block] = [section(f"*{t(lang, 'others.header', person=person)}*")]
    blocks += [section(goal_line(lang, goal, today)) for goal in goals[:_MAX_SECTIONS]]
    return Message(text=t(lang, "others.fallback", person=person), blocks=blocks)


def admins_list(lang: str, entries: Sequence[AdminEntry]) -> Message:
    """Who the goalbot admins are, and why each is one."""
    if not entries:
        return text_only(t(lang, "admin.none"))
    lines = [t(lang, "admin.slack_line", person=mention(e.user_id)) if e.source == "slack"
             else t(lang, "admin.goalbot_line", person=mention(e.user_id), by=mention(e.added_by))
             for e in entries]
    return Message(text=t(lang, "admin.header"),
                   blocks=[HeaderBlock(text=t(lang, "admin.header")), section("\n".join(lines))])


def admins_added(lang: str, people: Sequence[str], added: Sequence[str]) -> Message:
    """One line per person named in `/goal admin add`."""
    lines = [t(lang, "admin.added" if p in added else "admin.already", person=mention(p)) for p in people]
    return text_only("\n".join(lines))


def objective_added(lang: str, objective_id: int, title: str, unit: str | None, target: float | None) -> Message:
    """Confirm what was recorded: the objective's words, verbatim, and its measure when it has one."""
    params = {"id": objective_id, "title": escape(clip(title, 500))}
    if unit is not None and target is not None:
        return text_only(t(lang, "objective.added_measure", target=fmt_amount(lang, target, unit), **params))
    return text_only(t(lang, "objective.added", **params))


def objectives_list(lang: str, lines: Sequence[ObjectiveLine]) -> Message:
    """`/goal objectives`: every objective with its roll-up."""
    if not lines:
        return text_only(t(lang, "objective.empty"))
    blocks: list[Block] = [HeaderBlock(text=t(lang, "objective.header"))]
    blocks += [section(rollup_line(lang, line.rollup)) for line in lines[:_MAX_SECTIONS]]
    if len(lines) > _MAX_SECTIONS:
        blocks.append(context(t(lang, "list.more", count=len(lines) - _MAX_SECTIONS)))
    return Message(text=t(lang, "objective.fallback"), blocks=blocks)


def visibility_changed(lang: str, goal_id: int, title: str, visibility: Visibility) -> Message:
    """Confirm a goal is now private or public, and what that means."""
    return text_only(t(lang, f"visibility.{visibility}", id=goal_id, title=escape(clip(title, 300))))


def comment_modal(lang: str, target: CommentTarget) -> dict[str, Any]:
    """The *Comment* form of the manager's week: which goal (when there are several) and the words."""
    person = mention(target.owner_id)
    fields: list[Block] = [section(t(lang, "comment.modal_intro", person=person))]
    metadata: dict[str, Any] = {"owner": target.owner_id}
    if len(target.goals) == 1:
        metadata["goal"] = target.goals[0][0]
    else:
        options = [Option(value=str(goal_id), text=PlainTextObject(text=clip(f"#{goal_id} {title}", 75)))
                   for goal_id, title in target.goals[:100]]
        fields.append(InputBlock(block_id=ids.BLOCK_COMMENT_GOAL, label=t(lang, "comment.goal_label"),
                                 element=StaticSelectElement(action_id=ids.INPUT_COMMENT_GOAL, options=options,
                                                             initial_option=options[0])))
    fields.append(InputBlock(
        block_id=ids.BLOCK_COMMENT_TEXT, label=t(lang, "comment.text_label"),
        hint=PlainTextObject(text=clip(t(lang, "comment.text_hint"), 150)),
        element=PlainTextInputElement(action_id=ids.INPUT_COMMENT_TEXT, multiline=True, max_length=MAX_COMMENT)))
    return modal(ids.VIEW_COMMENT, title=t(lang, "comment.modal_title"), submit=t(lang, "comment.modal_submit"),
                 close=t(lang, "comment.modal_close"), metadata=json.dumps(metadata), blocks=fields)


def comment_in_thread(lang: str, author: str, text: str) -> Message:
    """A manager's comment as the owner reads it in their check-in's thread (the words verbatim, escaped)."""
    return text_only(t(lang, "comment.in_thread", person=mention(author), text=escape(clip(text, 2500))))


def aligned(lang: str, goal_id: int, title: str, objective: Objective | None) -> Message:
    """Confirm which objective the goal now serves, or that it serves none."""
    params = {"id": goal_id, "title": escape(clip(title, 300))}
    if objective is None:
        return text_only(t(lang, "align.cleared", **params))
    return text_only(t(lang, "align.done", objective=objective.id,
                       objective_title=escape(clip(objective.title, 300)), **params))
