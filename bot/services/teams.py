"""Managers and teams: admins, reporting lines, a manager's view of their reports, objectives, goal visibility
and per-team approval. Each use case is one transaction; Slack is called by the listener, before or after it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.blocks.common import clip, escape
from bot.context import RequestContext
from bot.rules import visibility as policy
from bot.rules.objectives import ObjectiveFacts, Rollup
from bot.rules.visibility import ChannelAction, ChannelState, Decision, GoalView, ReadPath, Visibility
from bot.services.checkin_buttons import thread_of
from bot.services.digests import now_key_prefix
from bot.services.goals_admin import GoalRefused, owned_goal
from bot.services.objectives import objective_rollups
from bot.services.org import load_org
from storage.db import SessionFactory, unit_of_work
from storage.models import CheckInComment, Goal, Objective
from storage.repositories import get_digest_subscription, get_goal, get_user_pref, list_goals, list_goals_of_users
from storage.teams import (
    AdminEntry,
    add_admin,
    add_checkin_comment,
    add_objective,
    get_objective,
    last_queued_at,
    list_admins,
    list_objectives,
    managers_by_person,
    remove_manager,
    reporting_line,
    reports_of,
    set_approval_required,
    set_manager,
)


class Outcome(StrEnum):
    """What happened to one person named in a team command."""

    ADDED = "added"
    ALREADY = "already"
    MOVED = "moved"
    NEEDS_CONFIRMATION = "needs_confirmation"
    REMOVED = "removed"
    NOT_IN_TEAM = "not_in_team"
    REFUSED = "refused"


@dataclass(frozen=True)
class PersonOutcome:
    """One person's line in the answer: what happened, the manager before, and the refusal when refused."""

    user_id: str
    outcome: Outcome
    previous_manager_id: str | None = None
    refusal: Decision | None = None


@dataclass(frozen=True)
class TeamChange:
    """The answer to `/goal team add|remove`: the manager concerned and each person's outcome."""

    manager_id: str | None
    people: list[PersonOutcome]

    @property
    def told(self) -> list[PersonOutcome]:
        """The people whose manager changed: they are told in a DM."""
        return [p for p in self.people if p.outcome in (Outcome.ADDED, Outcome.MOVED, Outcome.REMOVED)]


def add_admins(sessions: SessionFactory, ctx: RequestContext, people: Sequence[str]) -> Decision | list[str]:
    """Make people goalbot admins (an admin's call); the ids newly made admins, or the refusal."""
    with sessions() as session:
        decision = policy.may_add_admin(load_org(session, ctx.team_id), ctx.user_id)
        if not decision:
            return decision
        added = [p for p in people if add_admin(session, ctx.team_id, p, by=ctx.user_id, now=ctx.now)]
        session.commit()
        return added


def admins(sessions: SessionFactory, ctx: RequestContext) -> list[AdminEntry]:
    """Who the goalbot admins are (anyone may ask)."""
    with sessions() as session:
        return list_admins(session, ctx.team_id)


def add_reports(sessions: SessionFactory, ctx: RequestContext, people: Sequence[str], manager_id: str | None,
                *, confirmed: bool = False) -> TeamChange:
    """Make `manager_id` (the speaker when None) the manager of each person the policy allows.

    Moving someone who already has another manager waits for `confirmed`: the answer asks first.
    """
    manager = manager_id or ctx.user_id
    outcomes: list[PersonOutcome] = []
    with sessions() as session:
        for person in dict.fromkeys(people):  # a person named twice is answered once
            org = load_org(session, ctx.team_id)  # reloaded: each line added changes what the next may do
            decision = policy.may_set_manager(org, ctx.user_id, person, manager)
            current = org.managers.get(person)
            if not decision:
                outcomes.append(PersonOutcome(person, Outcome.REFUSED, current, decision))
            elif current == manager:
                outcomes.append(PersonOutcome(person, Outcome.ALREADY, current))
            elif current is not None and not confirmed:
                outcomes.append(PersonOutcome(person, Outcome.NEEDS_CONFIRMATION, current))
            else:
                set_manager(session, ctx.team_id, person, manager, by=ctx.user_id, now=ctx.now)
                outcomes.append(PersonOutcome(person, Outcome.MOVED if current else Outcome.ADDED, current))
        session.commit()
    return TeamChange(manager, outcomes)


def decline_manager(sessions: SessionFactory, ctx: RequestContext, manager: str) -> Decision:
    """The speaker says `manager` is not their manager: the line goes when the policy allows (allowed or why not)."""
    with unit_of_work(sessions, person=(ctx.team_id, ctx.user_id)) as session:
        line = reporting_line(session, ctx.team_id, ctx.user_id)
        decision = policy.may_decline_manager(load_org(session, ctx.team_id), ctx.user_id, manager,
                                              line.set_by if line is not None else None)
        if decision:
            remove_manager(session, ctx.team_id, ctx.user_id)
        return decision


def remove_reports(sessions: SessionFactory, ctx: RequestContext, people: Sequence[str]) -> TeamChange:
    """Take people off their manager's team, where the speaker is up their line or an admin."""
    outcomes: list[PersonOutcome] = []
    with sessions() as session:
        org = load_org(session, ctx.team_id)
        for person in dict.fromkeys(people):
            current = org.managers.get(person)
            decision = policy.may_remove_from_team(org, ctx.user_id, person)
            if current is None:
                outcomes.append(PersonOutcome(person, Outcome.NOT_IN_TEAM))
            elif not decision:
                outcomes.append(PersonOutcome(person, Outcome.REFUSED, current, decision))
            else:
                remove_manager(session, ctx.team_id, person)
                outcomes.append(PersonOutcome(person, Outcome.REMOVED, current))
        session.commit()
    return TeamChange(None, outcomes)


@dataclass(frozen=True)
class ReportGoals:
    """One report and their goals, for the manager's view."""

    user_id: str
    goals: list[Goal]


def team_overview(sessions: SessionFactory, ctx: RequestContext) -> list[ReportGoals]:
    """The speaker's direct reports with their active goals, in two queries whatever the team's size."""
    with sessions() as session:
        reports = [line.user_id for line in reports_of(session, ctx.team_id, ctx.user_id)]
        goals = list_goals_of_users(session, ctx.team_id, reports)
    by_owner: dict[str, list[Goal]] = {person: [] for person in reports}
    for goal in goals:
        if goal.status == "active":
            by_owner[goal.user_id].append(goal)
    return [ReportGoals(person, by_owner[person]) for person in reports]


def reports_goals(sessions: SessionFactory, ctx: RequestContext) -> tuple[int, list[Goal]]:
    """The speaker's direct reports (how many) and all their goals, closed ones too, with check-ins and revisions:
    what `/goal export team` sends (the reporting line sees private goals and notes, as on every other screen)."""
    with sessions() as session:
        reports = [line.user_id for line in reports_of(session, ctx.team_id, ctx.user_id)]
        return len(reports), list_goals_of_users(session, ctx.team_id, reports)


def goals_of(sessions: SessionFactory, ctx: RequestContext, owner: str) -> Decision | list[Goal]:
    """Someone's goals, when the speaker may see them (themselves, up their line, an admin); else the refusal."""
    with sessions() as session:
        decision = policy.may_see_goal(load_org(session, ctx.team_id), ctx.user_id, owner)
        if not decision:
            return decision
        return list_goals(session, ctx.team_id, owner)


def set_visibility(sessions: SessionFactory, ctx: RequestContext, goal_id: int, visibility: Visibility) -> Goal:
    """Mark one of the speaker's goals private or public (GoalRefused when it is not theirs)."""
    with sessions() as session:
        goal = owned_goal(session, ctx.team_id, ctx.user_id, goal_id, active=False, lock=True)
        goal.visibility = visibility.value
        goal.updated_at = ctx.now
        session.commit()
        return goal


def set_approval(sessions: SessionFactory, ctx: RequestContext, required: bool) -> Decision:
    """Turn approval of the speaker's reports' goals on or off (a manager's or an admin's call)."""
    with sessions() as session:
        decision = policy.may_change_team_settings(load_org(session, ctx.team_id), ctx.user_id)
        if decision:
            set_approval_required(session, ctx.team_id, ctx.user_id, required, by=ctx.user_id, now=ctx.now)
            session.commit()
        return decision


@dataclass(frozen=True)
class ObjectiveLine:
    """An objective with its roll-up, for `/goal objectives`, the App Home and digests."""

    owner_id: str
    rollup: Rollup


def create_objective(sessions: SessionFactory, ctx: RequestContext, title: str, unit: str | None,
                     target: float | None) -> Decision | ObjectiveFacts:
    """Record a company or team objective (an admin's or a manager's call)."""
    with sessions() as session:
        decision = policy.may_change_team_settings(load_org(session, ctx.team_id), ctx.user_id)
        if not decision:
            return decision
        row = add_objective(session, ctx.team_id, title, owner_id=ctx.user_id, now=ctx.now, unit=unit,
                            target=target)
        session.commit()
        return ObjectiveFacts(row.id, row.title, row.unit, row.target)


def objective_lines(sessions: SessionFactory, team_id: str, today: date) -> list[ObjectiveLine]:
    """Every active objective of the workspace with its roll-up on `today`, in a few queries."""
    with sessions() as session:
        rows = list_objectives(session, team_id)
        results = objective_rollups(session, team_id, rows, today)
    return [ObjectiveLine(row.owner_id, result) for row, result in zip(rows, results, strict=True)]


def channel_decision(sessions: SessionFactory, ctx: RequestContext, channel_id: str, members: frozenset[str],
                     action: ChannelAction) -> Decision:
    """May the speaker subscribe the channel, change or stop its digest, post one now, or export it?"""
    with sessions() as session:
        org = load_org(session, ctx.team_id)
        subscription = get_digest_subscription(session, ctx.team_id, channel_id)
        last_now = last_queued_at(session, ctx.team_id, now_key_prefix(ctx.team_id, channel_id))
    set_up_by = subscription.created_by if subscription is not None else None
    if action is ChannelAction.SUBSCRIBE and subscription is not None and not subscription.active:
        set_up_by = None  # a digest that was stopped is set up anew, by any member
    state = ChannelState(members=members, set_up_by=set_up_by,
                         last_posted_now=last_now)
    return policy.may_act_on_channel(org, ctx.user_id, action, state, ctx.now)


def channel_goals(sessions: SessionFactory, ctx: RequestContext, members: frozenset[str]) -> list[Goal]:
    """The goals a channel export shows the speaker: the members' public goals (notes are the caller's to drop)."""
    with sessions() as session:
        org = load_org(session, ctx.team_id)
        goals = list_goals_of_users(session, ctx.team_id, sorted(members))
    return [g for g in goals if policy.goal_readable(org, ctx.user_id, GoalView(g.user_id, Visibility(g.visibility)),
                                                     ReadPath.CHANNEL_EXPORT, members)]


def change_team_defaults(sessions: SessionFactory, ctx: RequestContext) -> Decision:
    """May the speaker change a team-wide setting (the default check-in time)?"""
    with sessions() as session:
        return policy.may_change_team_settings(load_org(session, ctx.team_id), ctx.user_id)


def readable_goal(session: Session, team_id: str, viewer: str, goal_id: int) -> Goal:
    """The goal when the viewer may see it (its owner, the managers up their line, an admin); else GoalRefused."""
    goal = get_goal(session, goal_id)
    if goal is None or goal.team_id != team_id:
        raise GoalRefused("manage.not_found", id=goal_id)
    if not policy.may_see_goal(load_org(session, team_id), viewer, goal.user_id):
        raise GoalRefused("refused.who.owner_and_managers")
    return goal


@dataclass(frozen=True)
class CommentPlace:
    """Where a manager's comment goes: the thread of the owner's latest check-in on the goal."""

    comment_id: int
    goal_id: int
    goal_title: str
    owner_id: str
    channel: str
    thread_ts: str


def comment_on_goal(sessions: SessionFactory, ctx: RequestContext, goal_id: int, text: str) -> CommentPlace:
    """Keep a comment on the goal's latest check-in (managers up the line and admins); GoalRefused says why not."""
    with sessions() as session:
        goal = get_goal(session, goal_id)
        if goal is None or goal.team_id != ctx.team_id:
            raise GoalRefused("manage.not_found", id=goal_id)
        if not policy.may_comment(load_org(session, ctx.team_id), ctx.user_id, goal.user_id):
            raise GoalRefused("refused.who.managers")
        pref = get_user_pref(session, ctx.team_id, goal.user_id)
        fallback = pref.dm_channel if pref is not None and pref.dm_channel else goal.user_id
        for checkin in reversed(goal.checkins):  # the latest week first
            channel, thread_ts = thread_of(session, checkin, fallback)
            if thread_ts is not None:
                comment = add_checkin_comment(session, checkin.id, ctx.user_id, text, now=ctx.now)
                session.commit()
                return CommentPlace(comment.id, goal.id, goal.title, goal.user_id, channel, thread_ts)
        raise GoalRefused("comment.no_checkin", id=goal.id, title=escape(clip(goal.title, 300)))


MAX_COMMENT = 2500


@dataclass(frozen=True)
class CommentTarget:
    """A report whose check-ins the speaker may comment on, and their goals that have a check-in to comment on."""

    owner_id: str
    goals: list[tuple[int, str]]  # (id, title), oldest first


def comment_target(sessions: SessionFactory, ctx: RequestContext, owner: str) -> Decision | CommentTarget:
    """What the *Comment* form offers for one report (managers up their line, admins); else the refusal."""
    with sessions() as session:
        decision = policy.may_comment(load_org(session, ctx.team_id), ctx.user_id, owner)
        if not decision:
            return decision
        goals = [g for g in list_goals(session, ctx.team_id, owner) if g.status == "active" and g.checkins]
        return CommentTarget(owner, [(g.id, g.title) for g in goals])


def comment_problem(text: str) -> tuple[str, dict[str, int]] | None:
    """Why a comment cannot be posted as typed (prompt key and parameters), or None."""
    if not text.strip():
        return "comment.empty", {}
    if len(text) > MAX_COMMENT:
        return "comment.too_long", {"limit": MAX_COMMENT}
    return None


def comment_posted(sessions: SessionFactory, comment_id: int, message_ts: str) -> None:
    """Note which thread reply carries the comment."""
    with sessions() as session:
        comment = session.get(CheckInComment, comment_id)
        if comment is not None:
            comment.message_ts = message_ts
            session.commit()


def align_goal(sessions: SessionFactory, ctx: RequestContext, goal_id: int, objective_id: int | None) -> tuple[Goal, Objective | None]:
    """Tie one of the speaker's goals to an objective (None unties it); GoalRefused when either is not there."""
    with sessions() as session:
        goal = owned_goal(session, ctx.team_id, ctx.user_id, goal_id, active=False, lock=True)
        objective = get_objective(session, ctx.team_id, objective_id) if objective_id is not None else None
        if objective_id is not None and (objective is None or not objective.active):
            raise GoalRefused("align.unknown_objective", id=objective_id)
        goal.objective_id = objective_id
        goal.updated_at = ctx.now
        session.commit()
        return goal, objective


def managers_of(sessions: SessionFactory, team_id: str) -> dict[str, str]:
    """Every reporting line of the workspace, person → manager (for exports)."""
    with sessions() as session:
        return managers_by_person(session, team_id)
