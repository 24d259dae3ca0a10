"""Queries and writes for managers and teams: reporting lines, goalbot admins, objectives, approval settings,
check-in comments and goal proposals. One function per question; rows or dataclasses come back, never tuples."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    CheckInComment,
    GoalbotAdmin,
    GoalProposal,
    ManagerSettings,
    Objective,
    OutboxMessage,
    ProposalEvent,
    ReportingLine,
    UserPref,
)


@dataclass(frozen=True)
class ManagerChange:
    """What setting a person's manager did: the new manager and the one they had before (None if none)."""

    user_id: str
    manager_id: str | None
    previous_manager_id: str | None


@dataclass(frozen=True)
class ManagerRef:
    """A manager (anyone with reports) and their workspace."""

    team_id: str
    manager_id: str


@dataclass(frozen=True)
class AdminEntry:
    """A goalbot admin and why: a Slack owner or admin, or added by another goalbot admin."""

    user_id: str
    source: str  # "slack" or "goalbot"
    added_by: str | None


# Reporting lines ------------------------------------------------------------------------------------------------


def get_manager(session: Session, team_id: str, user_id: str) -> str | None:
    """Return the person's manager in goalbot, or None."""
    line = session.get(ReportingLine, (team_id, user_id))
    return line.manager_id if line is not None else None


def reporting_line(session: Session, team_id: str, user_id: str) -> ReportingLine | None:
    """The person's reporting line (their manager, who set it and when), or None."""
    return session.get(ReportingLine, (team_id, user_id))


def managers_by_person(session: Session, team_id: str) -> dict[str, str]:
    """Return every reporting line of the workspace as person → manager, in one query."""
    rows = session.execute(
        select(ReportingLine.user_id, ReportingLine.manager_id).where(ReportingLine.team_id == team_id)
    )
    return {row.user_id: row.manager_id for row in rows}


def all_managers(session: Session) -> list[ManagerRef]:
    """Everyone with at least one report, in every workspace, in one query."""
    rows = session.execute(
        select(ReportingLine.team_id, ReportingLine.manager_id).distinct()
        .order_by(ReportingLine.team_id, ReportingLine.manager_id)
    )
    return [ManagerRef(row.team_id, row.manager_id) for row in rows]


def reports_of(session: Session, team_id: str, manager_id: str) -> list[ReportingLine]:
    """Return the manager's direct reports, in the order they were added."""
    return list(
        session.scalars(
            select(ReportingLine)
            .where(ReportingLine.team_id == team_id, ReportingLine.manager_id == manager_id)
            .order_by(ReportingLine.set_at, ReportingLine.user_id)
        )
    )


def set_manager(session: Session, team_id: str, user_id: str, manager_id: str, *, by: str, now: datetime) -> ManagerChange:
    """Make `manager_id` the person's one manager, replacing any other; say who it was before."""
    line = session.get(ReportingLine, (team_id, user_id))
    previous = line.manager_id if line is not None else None
    if line is None:
        session.add(ReportingLine(team_id=team_id, user_id=user_id, manager_id=manager_id, set_by=by, set_at=now))
    elif line.manager_id != manager_id:
        line.manager_id, line.set_by, line.set_at = manager_id, by, now
    session.flush()
    return ManagerChange(user_id=user_id, manager_id=manager_id, previous_manager_id=previous)


def remove_manager(session: Session, team_id: str, user_id: str) -> ManagerChange:
    """Take the person off their manager's team; say who the manager was (None when they had none)."""
    previous = get_manager(session, team_id, user_id)
    session.execute(delete(ReportingLine).where(ReportingLine.team_id == team_id, ReportingLine.user_id == user_id))
    return ManagerChange(user_id=user_id, manager_id=None, previous_manager_id=previous)


# Admins ---------------------------------------------------------------------------------------------------------


def is_goalbot_admin(session: Session, team_id: str, user_id: str) -> bool:
    """True for Slack's owners and admins (as users.info last said) and for people a goalbot admin added."""
    if session.get(GoalbotAdmin, (team_id, user_id)) is not None:
        return True
    pref = session.get(UserPref, (team_id, user_id))
    return bool(pref is not None and pref.slack_admin)


def add_admin(session: Session, team_id: str, user_id: str, *, by: str, now: datetime) -> bool:
    """Make the person a goalbot admin; False when they already were one by this table."""
    if session.get(GoalbotAdmin, (team_id, user_id)) is not None:
        return False
    session.add(GoalbotAdmin(team_id=team_id, user_id=user_id, added_by=by, added_at=now))
    session.flush()
    return True


def list_admins(session: Session, team_id: str) -> list[AdminEntry]:
    """Return the goalbot admins: Slack's owners and admins first, then those added in goalbot."""
    slack = session.scalars(
        select(UserPref.user_id).where(UserPref.team_id == team_id, UserPref.slack_admin.is_(True)).order_by(UserPref.user_id)
    )
    entries = [AdminEntry(user_id=user_id, source="slack", added_by=None) for user_id in slack]
    seen = {entry.user_id for entry in entries}
    added = session.scalars(
        select(GoalbotAdmin).where(GoalbotAdmin.team_id == team_id).order_by(GoalbotAdmin.added_at, GoalbotAdmin.user_id)
    )
    entries += [AdminEntry(user_id=row.user_id, source="goalbot", added_by=row.added_by)
                for row in added if row.user_id not in seen]
    return entries


# Objectives -----------------------------------------------------------------------------------------------------


def add_objective(
    session: Session, team_id: str, title: str, *, owner_id: str, now: datetime,
    unit: str | None = None, target: float | None = None,
) -> Objective:
    """Record a company or team objective, with its measure when it has one."""
    objective = Objective(team_id=team_id, title=title, unit=unit, target=target, owner_id=owner_id, active=True,
                          created_at=now)
    session.add(objective)
    session.flush()
    return objective


def list_objectives(session: Session, team_id: str) -> list[Objective]:
    """Return the workspace's active objectives, oldest first."""
    return list(
        session.scalars(
            select(Objective).where(Objective.team_id == team_id, Objective.active.is_(True)).order_by(Objective.id)
        )
    )


def get_objective(session: Session, team_id: str, objective_id: int) -> Objective | None:
    """Return one of the workspace's objectives, or None (another workspace's id is None too)."""
    objective = session.get(Objective, objective_id)
    return objective if objective is not None and objective.team_id == team_id else None


# Approval -------------------------------------------------------------------------------------------------------


def approval_required(session: Session, team_id: str, manager_id: str) -> bool:
    """True when goals the manager's reports set alone wait for the manager's approval."""
    settings = session.get(ManagerSettings, (team_id, manager_id))
    return bool(settings is not None and settings.approval_required)


def set_approval_required(session: Session, team_id: str, manager_id: str, required: bool, *, by: str,
                          now: datetime) -> ManagerSettings:
    """Turn approval on or off for the manager's team."""
    settings = session.get(ManagerSettings, (team_id, manager_id))
    if settings is None:
        settings = ManagerSettings(team_id=team_id, manager_id=manager_id)
        session.add(settings)
    settings.approval_required, settings.updated_by, settings.updated_at = required, by, now
    session.flush()
    return settings


# Check-in comments ----------------------------------------------------------------------------------------------


def add_checkin_comment(session: Session, checkin_id: int, author_id: str, text: str, *, now: datetime) -> CheckInComment:
    """Keep a manager's comment on a check-in (the thread post's ts is set once it is posted)."""
    comment = CheckInComment(checkin_id=checkin_id, author_id=author_id, text=text, created_at=now)
    session.add(comment)
    session.flush()
    return comment


def comments_on(session: Session, checkin_ids: Sequence[int]) -> list[CheckInComment]:
    """Return the comments on the given check-ins, oldest first, in one query."""
    if not checkin_ids:
        return []
    return list(
        session.scalars(
            select(CheckInComment).where(CheckInComment.checkin_id.in_(list(checkin_ids))).order_by(CheckInComment.id)
        )
    )


# Proposals ------------------------------------------------------------------------------------------------------


def create_proposal(
    session: Session, team_id: str, *, owner_id: str, manager_id: str, origin: str, actor_id: str,
    draft: dict[str, Any], now: datetime,
) -> GoalProposal:
    """Open a proposal awaiting the other party, with its first event in the history."""
    awaiting = owner_id if actor_id == manager_id else manager_id
    proposal = GoalProposal(team_id=team_id, owner_id=owner_id, manager_id=manager_id, origin=origin, status="open",
                            awaiting=awaiting, draft=draft, created_at=now, updated_at=now)
    proposal.events.append(ProposalEvent(actor_id=actor_id, action="proposed", draft=draft, created_at=now))
    session.add(proposal)
    session.flush()
    return proposal


def record_proposal_event(
    session: Session, proposal: GoalProposal, *, actor_id: str, action: str, now: datetime,
    draft: dict[str, Any] | None = None, reason: str | None = None, status: str | None = None,
) -> ProposalEvent:
    """Add a step to the negotiation; a new draft replaces the proposal's, and the other party is awaited next."""
    event = ProposalEvent(actor_id=actor_id, action=action, draft=draft, reason=reason, created_at=now)
    proposal.events.append(event)
    if draft is not None:
        proposal.draft = draft
    if status is not None:
        proposal.status = status
    proposal.awaiting = proposal.owner_id if actor_id == proposal.manager_id else proposal.manager_id
    proposal.updated_at = now
    proposal.reminded_at = None  # a new round: its own reminder, if it waits too long
    session.flush()
    return event


def get_proposal(session: Session, team_id: str, proposal_id: int) -> GoalProposal | None:
    """Return one proposal of the workspace with its history loaded, or None."""
    return session.scalars(
        select(GoalProposal)
        .options(selectinload(GoalProposal.events))
        .where(GoalProposal.id == proposal_id, GoalProposal.team_id == team_id)
    ).first()


def open_proposals(session: Session, team_id: str, user_id: str) -> list[GoalProposal]:
    """Return the open proposals the person is part of, as owner or manager, oldest first."""
    return list(
        session.scalars(
            select(GoalProposal)
            .options(selectinload(GoalProposal.events))
            .where(
                GoalProposal.team_id == team_id,
                GoalProposal.status == "open",
                (GoalProposal.owner_id == user_id) | (GoalProposal.manager_id == user_id),
            )
            .order_by(GoalProposal.id)
        )
    )


def link_proposal_goal(session: Session, proposal_id: int, goal_id: int, *, now: datetime) -> None:
    """Point an agreed proposal at the goal its owner just confirmed."""
    proposal = session.get(GoalProposal, proposal_id)
    if proposal is not None:
        proposal.goal_id, proposal.updated_at = goal_id, now


def last_queued_at(session: Session, team_id: str, key_prefix: str) -> datetime | None:
    """When the latest outbox message whose idempotency key starts with `key_prefix` was queued, or None."""
    return session.scalar(
        select(func.max(OutboxMessage.created_at)).where(
            OutboxMessage.team_id == team_id, OutboxMessage.idempotency_key.startswith(key_prefix, autoescape=True))
    )


def approvals_waiting(session: Session) -> list[GoalProposal]:
    """Open goals set alone that wait for the manager and whose round has not been recalled yet, in one query."""
    return list(
        session.scalars(
            select(GoalProposal).where(
                GoalProposal.status == "open", GoalProposal.origin == "rep",
                GoalProposal.awaiting == GoalProposal.manager_id, GoalProposal.reminded_at.is_(None),
            ).order_by(GoalProposal.id)
        )
    )
