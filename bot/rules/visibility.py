"""Who may see and change what: the one visibility and permission policy of goalbot.

A person sees their own goals; their manager, and that manager's managers up the line, see them too; goalbot
admins see everything. A channel's digest and export show only channel members' public goals, to channel
members, and never a check-in's note. Every read path and every team-wide or channel-wide change asks here.

Pure: the reporting lines, admins, channel members and `now` are parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = [
    "NOW_INTERVAL",
    "ChannelAction",
    "ChannelState",
    "Decision",
    "GoalView",
    "Org",
    "ReadPath",
    "Reason",
    "Relation",
    "Visibility",
    "Who",
    "may_act_on_channel",
    "may_add_admin",
    "may_change_goal",
    "may_change_team_settings",
    "may_comment",
    "may_decline_manager",
    "may_propose_goal",
    "may_remove_from_team",
    "may_see_goal",
    "may_set_manager",
    "goal_readable",
    "note_readable",
    "notes_shown",
    "channel_shows",
    "private_shown",
]

# `/goal digest now` posts at most once an hour per channel: a channel is a shared room, not a test bench.
NOW_INTERVAL = timedelta(hours=1)


class Visibility(StrEnum):
    """Whether a goal may appear in channel digests and exports."""

    PUBLIC = "public"
    PRIVATE = "private"


class Relation(StrEnum):
    """How a viewer stands to a goal's owner, closest first."""

    OWNER = "owner"
    MANAGER = "manager"  # the owner's direct manager
    UPLINE = "upline"  # a manager above the direct manager
    ADMIN = "admin"
    NONE = "none"


class ReadPath(StrEnum):
    """Every way goalbot shows a goal to someone."""

    LIST = "list"
    HISTORY = "history"
    HOME = "home"
    BUTTON = "button"
    MODAL = "modal"
    EXPORT = "export"  # a person's own export, or a manager's of a report
    WEEK = "week"  # the manager's week (`/goal team week` and its weekly DM): their reports, up the line only
    CHANNEL_DIGEST = "channel_digest"
    CHANNEL_EXPORT = "channel_export"

    @property
    def is_channel(self) -> bool:
        """True for what is shown to a channel's members rather than to one person about one person."""
        return self in (ReadPath.CHANNEL_DIGEST, ReadPath.CHANNEL_EXPORT)


class ChannelAction(StrEnum):
    """What someone may do to a channel's digest."""

    SUBSCRIBE = "subscribe"
    CHANGE = "change"
    STOP = "stop"
    POST_NOW = "post_now"
    EXPORT = "export"


class Reason(StrEnum):
    """Why something was refused."""

    NOT_ALLOWED = "not_allowed"
    NOT_A_MEMBER = "not_a_member"
    TOO_SOON = "too_soon"
    CYCLE = "cycle"
    HAS_MANAGER = "has_manager"
    OWNERS_CALL = "owners_call"  # someone up the line, or an admin: they see the goal, its owner changes it
    NOT_CURRENT = "not_current"  # declining a manager who no longer is one


class Who(StrEnum):
    """Who can do what was refused, so the refusal can say it."""

    OWNER = "owner"
    OWNER_AND_MANAGERS = "owner_and_managers"  # the owner, the managers up their line, admins
    MANAGERS = "managers"  # the person's managers up the line, or an admin
    MANAGER = "manager"  # the person's direct manager, or an admin
    ADMINS = "admins"
    ADMINS_OR_MANAGERS = "admins_or_managers"
    CHANNEL_MEMBERS = "channel_members"
    CHANNEL_LEADS = "channel_leads"  # channel members who are managers or admins, or who set the digest up
    NOBODY = "nobody"  # e.g. the hour between two `digest now`


@dataclass(frozen=True)
class Decision:
    """An answer: allowed, or refused with the reason and who could do it (named people where known)."""

    allowed: bool
    reason: Reason | None = None
    who: Who | None = None
    people: tuple[str, ...] = ()
    retry_at: datetime | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def _refuse(reason: Reason, who: Who, people: tuple[str, ...] = (), retry_at: datetime | None = None) -> Decision:
    return Decision(False, reason, who, people, retry_at)


@dataclass(frozen=True)
class Org:
    """The workspace's reporting lines (person → manager) and its goalbot admins."""

    managers: Mapping[str, str] = field(default_factory=dict)
    admins: frozenset[str] = frozenset()
    _with_reports: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_with_reports", frozenset(self.managers.values()))

    def chain(self, person: str) -> tuple[str, ...]:
        """The person's managers, closest first, up to the top (stops at a loop, should storage ever hold one)."""
        seen: list[str] = []
        current = self.managers.get(person)
        while current is not None and current != person and current not in seen:
            seen.append(current)
            current = self.managers.get(current)
        return tuple(seen)

    def is_admin(self, person: str) -> bool:
        """True for goalbot admins."""
        return person in self.admins

    def is_manager(self, person: str) -> bool:
        """True for anyone with at least one report."""
        return person in self._with_reports

    def relation(self, viewer: str, owner: str) -> Relation:
        """How the viewer stands to the owner; the closest relation wins."""
        if viewer == owner:
            return Relation.OWNER
        chain = self.chain(owner)
        if chain and chain[0] == viewer:
            return Relation.MANAGER
        if viewer in chain:
            return Relation.UPLINE
        if self.is_admin(viewer):
            return Relation.ADMIN
        return Relation.NONE


@dataclass(frozen=True)
class GoalView:
    """What the policy needs of a goal: whose it is and whether it is private."""

    owner_id: str
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True)
class ChannelState:
    """What the policy needs of a channel: its members, who set its digest up, when one was last posted now."""

    members: frozenset[str]
    set_up_by: str | None = None  # None: the channel has no digest
    last_posted_now: datetime | None = None


# --- reading ----------------------------------------------------------------------------------------------------


def may_see_goal(org: Org, viewer: str, owner: str) -> Decision:
    """The owner, the managers up their line and admins see a person's goals and notes; nobody else."""
    if org.relation(viewer, owner) is not Relation.NONE:
        return ALLOWED
    return _refuse(Reason.NOT_ALLOWED, Who.OWNER_AND_MANAGERS, (owner, *org.chain(owner)))


def goal_readable(org: Org, viewer: str, goal: GoalView, path: ReadPath,
                  channel_members: frozenset[str] = frozenset()) -> bool:
    """True when `viewer` may see the goal through `path`.

    Personal paths follow the reporting line. Channel paths show a member's public goal to the channel's members
    (who already share the room), whatever the line says; a private goal never appears there.
    """
    if path.is_channel:
        return channel_shows(goal, channel_members) and viewer in channel_members
    return may_see_goal(org, viewer, goal.owner_id).allowed


def channel_shows(goal: GoalView, channel_members: frozenset[str]) -> bool:
    """Whether a channel's digest or export, read by its members, may show (or count) the goal: a member's public
    goal. Roll-ups shown in a channel count only these, so no private goal leaks as a share of a sum."""
    return goal.visibility is Visibility.PUBLIC and goal.owner_id in channel_members


def notes_shown(path: ReadPath) -> bool:
    """Whether a path quotes check-in notes at all: a channel's digest and export carry numbers, status and
    blockers, never a note (those go up the reporting line only)."""
    return not path.is_channel


def private_shown(path: ReadPath) -> bool:
    """Whether a path may show private goals to a viewer who may see them: never a channel's digest or export."""
    return not path.is_channel


def note_readable(org: Org, viewer: str, goal: GoalView, path: ReadPath) -> bool:
    """A check-in's free-text note goes up the line only, and never into a channel."""
    return notes_shown(path) and may_see_goal(org, viewer, goal.owner_id).allowed


# --- changing ---------------------------------------------------------------------------------------------------


def may_change_goal(org: Org, actor: str, owner: str) -> Decision:
    """Only the owner changes their goal (edit, close, check in, align, private/public).

    The managers up the owner's line and admins see it and are told what is theirs instead (comment, propose);
    anyone else is refused without being told whose goal it is.
    """
    if actor == owner:
        return ALLOWED
    if org.relation(actor, owner) is Relation.NONE:
        return _refuse(Reason.NOT_ALLOWED, Who.OWNER)
    return _refuse(Reason.OWNERS_CALL, Who.OWNER, (owner,))


def may_comment(org: Org, actor: str, owner: str) -> Decision:
    """The managers up the owner's line and admins comment on the owner's check-ins."""
    if org.relation(actor, owner) in (Relation.MANAGER, Relation.UPLINE, Relation.ADMIN):
        return ALLOWED
    return _refuse(Reason.NOT_ALLOWED, Who.MANAGERS, org.chain(owner))


def may_propose_goal(org: Org, actor: str, rep: str) -> Decision:
    """The rep's direct manager, or an admin, proposes a goal for them."""
    chain = org.chain(rep)
    if (chain and chain[0] == actor) or org.is_admin(actor):
        return ALLOWED
    return _refuse(Reason.NOT_ALLOWED, Who.MANAGER, chain[:1])


def may_change_team_settings(org: Org, actor: str) -> Decision:
    """Team-wide settings (check-in default, objectives, approval) need an admin or a manager."""
    if org.is_admin(actor) or org.is_manager(actor):
        return ALLOWED
    return _refuse(Reason.NOT_ALLOWED, Who.ADMINS_OR_MANAGERS, tuple(sorted(org.admins)))


def may_add_admin(org: Org, actor: str) -> Decision:
    """Only an admin makes someone else an admin."""
    if org.is_admin(actor):
        return ALLOWED
    return _refuse(Reason.NOT_ALLOWED, Who.ADMINS, tuple(sorted(org.admins)))


def may_set_manager(org: Org, actor: str, person: str, manager: str) -> Decision:
    """Whether `actor` may make `manager` the manager of `person`.

    An admin sets any line. Anyone may take on a person who has no manager yet as their own report (the person is
    told, in a DM, who now sees their goals). Moving a person who already has a manager takes an admin or a manager
    up that person's line. No line may loop back on itself.
    """
    if person == manager or person in org.chain(manager):
        return _refuse(Reason.CYCLE, Who.NOBODY)
    if org.is_admin(actor):
        return ALLOWED
    if actor != manager:
        return _refuse(Reason.NOT_ALLOWED, Who.ADMINS, tuple(sorted(org.admins)))
    current = org.chain(person)
    if not current or current[0] == manager or actor in current:
        return ALLOWED
    return _refuse(Reason.HAS_MANAGER, Who.MANAGERS, current)


def may_decline_manager(org: Org, person: str, manager: str, set_by: str | None) -> Decision:
    """Whether `person` may decline `manager`: yes when that manager named themselves (`/goal team add` taking on
    someone who had no manager), so nobody reads a peer's goals and notes by claiming to manage them. A line an
    admin or someone up the person's line set stays: the refusal names the admins who can change it.
    """
    if org.managers.get(person) != manager:
        return _refuse(Reason.NOT_CURRENT, Who.NOBODY)
    if set_by is not None and set_by != manager and (org.is_admin(set_by) or set_by in org.chain(person)):
        return _refuse(Reason.NOT_ALLOWED, Who.ADMINS, tuple(sorted(org.admins)))
    return ALLOWED


def may_remove_from_team(org: Org, actor: str, person: str) -> Decision:
    """A manager up the person's line, or an admin, takes them off a team."""
    if actor in org.chain(person) or org.is_admin(actor):
        return ALLOWED
    return _refuse(Reason.NOT_ALLOWED, Who.MANAGERS, org.chain(person))


def may_act_on_channel(org: Org, actor: str, action: ChannelAction, channel: ChannelState, now: datetime) -> Decision:
    """Who may subscribe a channel, change or stop its digest, post one now or export it.

    Always a member of the channel (a digest or export shows the channel's goals to whoever asks). Any member
    sets up a channel that has no digest; after that, members who are managers or admins, or the member who set
    it up. A digest is posted `now` at most once an hour per channel.
    """
    if actor not in channel.members:
        return _refuse(Reason.NOT_A_MEMBER, Who.CHANNEL_MEMBERS)
    new_subscription = action is ChannelAction.SUBSCRIBE and channel.set_up_by is None
    leads = org.is_admin(actor) or org.is_manager(actor) or actor == channel.set_up_by
    if not (new_subscription or leads):
        setter = (channel.set_up_by,) if channel.set_up_by else ()
        return _refuse(Reason.NOT_ALLOWED, Who.CHANNEL_LEADS, setter)
    if action is ChannelAction.POST_NOW and channel.last_posted_now is not None:
        retry_at = channel.last_posted_now + NOW_INTERVAL
        if now < retry_at:
            return _refuse(Reason.TOO_SOON, Who.NOBODY, retry_at=retry_at)
    return ALLOWED
