"""A workspace's lifecycle: uninstalled or its token revoked (stop sending to it), people's profile changes,
and purging everything goalbot stored about a workspace on request."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.rules.statuses import OutboxStatus
from storage.db import unit_of_work
from storage.models import (
    CheckIn,
    CheckInComment,
    Conversation,
    DigestSubscription,
    Goal,
    GoalbotAdmin,
    GoalProposal,
    GoalRevision,
    InboxEvent,
    ManagerSettings,
    Objective,
    OutboxMessage,
    ProposalEvent,
    ReportingLine,
    TeamSettings,
    UserPref,
    Workspace,
)
from storage.repositories import rowcount

log = logging.getLogger(__name__)


def stop_sending(deps: Deps, team_id: str, *, uninstalled: bool) -> int:
    """Record that the workspace uninstalled goalbot (or revoked its bot token) and cancel what waits to be sent
    there; return how many outbox messages were cancelled."""
    now = deps.clock()
    with unit_of_work(deps.sessions) as session:
        workspace = session.get(Workspace, team_id) or Workspace(team_id=team_id)
        session.add(workspace)
        if uninstalled:
            workspace.uninstalled_at = workspace.uninstalled_at or now
        else:
            workspace.tokens_revoked_at = workspace.tokens_revoked_at or now
        cancelled = rowcount(session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.team_id == team_id, OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
            .values(status=OutboxStatus.CANCELLED, last_error="workspace uninstalled" if uninstalled else "token revoked",
                    claimed_by=None, claimed_at=None)))
    log.info("workspace %s %s: %d outbox message(s) cancelled", team_id,
             "uninstalled goalbot" if uninstalled else "revoked goalbot's token", cancelled or 0)
    if deps.installations is not None:
        # OAuth mode: the bot token is dead either way; without an installation Bolt refuses the workspace's
        # requests and nothing is sent there, until it installs goalbot again.
        deps.installations.delete_all(enterprise_id=None, team_id=team_id)
        log.info("workspace %s: its installation was deleted from the installation store", team_id)
    return int(cancelled or 0)


def reactivate(deps: Deps, team_id: str, *, why: str) -> bool:
    """A workspace marked uninstalled (or its token revoked) is installed again: clear the marks so planning and
    sending resume; True, and a log line saying so, when it was marked."""
    with unit_of_work(deps.sessions) as session:
        workspace = session.get(Workspace, team_id)
        if workspace is None or (workspace.uninstalled_at is None and workspace.tokens_revoked_at is None):
            return False
        marks = {"uninstalled": workspace.uninstalled_at, "token revoked": workspace.tokens_revoked_at}
        workspace.uninstalled_at = workspace.tokens_revoked_at = None
    said = ", ".join(f"{name} at {when.isoformat()}" for name, when in marks.items() if when is not None)
    log.info("workspace %s is active again (%s); it was marked %s; planning and sending resume", team_id, why, said)
    return True


def installed(deps: Deps, team_id: str) -> None:
    """A successful install through /slack/install (OAuth mode): a workspace that had uninstalled comes back."""
    reactivate(deps, team_id, why="installed through /slack/install")


def refresh_profile(deps: Deps, team_id: str, user: dict[str, Any]) -> bool:
    """Apply a user_change: a person goalbot knows gets Slack's new time zone and locale; False for strangers."""
    user_id = str(user.get("id"))
    with unit_of_work(deps.sessions) as session:
        pref = session.get(UserPref, (team_id, user_id))
        if pref is None:  # goalbot stores nothing about people who never used it
            return False
        pref.tz = user.get("tz") or pref.tz
        pref.slack_locale = user.get("locale") or pref.slack_locale
        raw_profile = user.get("profile")
        profile = raw_profile if isinstance(raw_profile, dict) else {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
        pref.display_name = str(name)[:80] if isinstance(name, str) and name else pref.display_name
        pref.profile_fetched_at = deps.clock()
    return True


@dataclass(frozen=True)
class PurgeCounts:
    """How many rows of each kind a workspace has (a dry run) or had (after the purge)."""

    goals: int
    checkins: int
    revisions: int
    people: int
    conversations: int
    digests: int
    outbox: int
    settings: int
    teams: int  # reporting lines, goalbot admins and managers' settings
    objectives: int
    proposals: int
    comments: int
    inbox: int  # recently received messages (their text), kept until housekeeping

    def as_dict(self) -> dict[str, int]:
        """The counts by table, for the CLI's JSON."""
        return dict(self.__dict__)


def purge_counts(session: Session, team_id: str) -> PurgeCounts:
    """Count what goalbot holds about a workspace."""
    goal_ids = select(Goal.id).where(Goal.team_id == team_id).scalar_subquery()
    checkin_ids = select(CheckIn.id).where(CheckIn.goal_id.in_(goal_ids)).scalar_subquery()

    def count(model: Any, *where: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    return PurgeCounts(
        goals=count(Goal, Goal.team_id == team_id), checkins=count(CheckIn, CheckIn.goal_id.in_(goal_ids)),
        revisions=count(GoalRevision, GoalRevision.goal_id.in_(goal_ids)),
        people=count(UserPref, UserPref.team_id == team_id),
        conversations=count(Conversation, Conversation.team_id == team_id),
        digests=count(DigestSubscription, DigestSubscription.team_id == team_id),
        outbox=count(OutboxMessage, OutboxMessage.team_id == team_id),
        settings=count(TeamSettings, TeamSettings.team_id == team_id) + count(Workspace, Workspace.team_id == team_id),
        teams=sum(count(model, model.team_id == team_id) for model in (ReportingLine, GoalbotAdmin, ManagerSettings)),
        objectives=count(Objective, Objective.team_id == team_id),
        proposals=count(GoalProposal, GoalProposal.team_id == team_id),
        comments=count(CheckInComment, CheckInComment.checkin_id.in_(checkin_ids)),
        inbox=count(InboxEvent, InboxEvent.team_id == team_id))


def purge_workspace(deps: Deps, team_id: str, *, dry_run: bool) -> PurgeCounts:
    """Delete everything goalbot stored about a workspace (GDPR erasure), in one transaction; a dry run only
    counts. Returns the counts either way."""
    with unit_of_work(deps.sessions) as session:
        counts = purge_counts(session, team_id)
        if dry_run:
            return counts
        goal_ids = select(Goal.id).where(Goal.team_id == team_id).scalar_subquery()
        proposal_ids = select(GoalProposal.id).where(GoalProposal.team_id == team_id).scalar_subquery()
        # Children first: bulk deletes do not rely on the database's ON DELETE CASCADE (SQLite may have it off).
        session.execute(delete(Conversation).where(Conversation.team_id == team_id))
        session.execute(delete(CheckInComment).where(CheckInComment.checkin_id.in_(
            select(CheckIn.id).where(CheckIn.goal_id.in_(goal_ids)).scalar_subquery())))
        session.execute(delete(CheckIn).where(CheckIn.goal_id.in_(goal_ids)))
        session.execute(delete(GoalRevision).where(GoalRevision.goal_id.in_(goal_ids)))
        session.execute(delete(ProposalEvent).where(ProposalEvent.proposal_id.in_(proposal_ids)))
        session.execute(delete(GoalProposal).where(GoalProposal.team_id == team_id))
        session.execute(delete(Goal).where(Goal.team_id == team_id))
        for model in (UserPref, DigestSubscription, OutboxMessage, TeamSettings, Workspace, ReportingLine,
                      GoalbotAdmin, ManagerSettings, Objective, InboxEvent):
            session.execute(delete(model).where(model.team_id == team_id))
    log.info("purged workspace %s: %s", team_id, counts.as_dict())
    return counts
