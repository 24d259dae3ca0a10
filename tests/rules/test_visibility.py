"""The one visibility policy: every read path tried by every role, every change, and its invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.visibility import (
    NOW_INTERVAL,
    ChannelAction,
    ChannelState,
    Decision,
    GoalView,
    Org,
    ReadPath,
    Reason,
    Relation,
    Visibility,
    Who,
    goal_readable,
    may_act_on_channel,
    may_add_admin,
    may_change_goal,
    may_change_team_settings,
    may_comment,
    may_decline_manager,
    may_propose_goal,
    may_remove_from_team,
    may_see_goal,
    may_set_manager,
    note_readable,
    notes_shown,
    private_shown,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
# Rep reports to Manager, who reports to VP; Peer shares Rep's manager; Admin is a goalbot admin; Outsider is
# nobody to Rep and not in the channel.
ORG = Org(managers={"UREP": "UMGR", "UPEER": "UMGR", "UMGR": "UVP"}, admins=frozenset({"UADM"}))
ROLES = {"owner": "UREP", "outsider": "UOUT", "peer": "UPEER", "manager": "UMGR", "managers_manager": "UVP",
         "admin": "UADM"}
CHANNEL = frozenset({"UREP", "UPEER", "UMGR", "UVP", "UADM"})
PERSONAL = [p for p in ReadPath if not p.is_channel]
IN_CHANNEL = [p for p in ReadPath if p.is_channel]

# role: (personal path public goal, personal private, channel public, channel private, note personal, note channel)
EXPECTED = {
    "owner": (True, True, True, False, True, False),
    "outsider": (False, False, False, False, False, False),
    "peer": (False, False, True, False, False, False),
    "manager": (True, True, True, False, True, False),
    "managers_manager": (True, True, True, False, True, False),
    "admin": (True, True, True, False, True, False),
}


def test_the_paths_cover_every_read_path_and_the_roles_every_role() -> None:
    assert set(PERSONAL) | set(IN_CHANNEL) == set(ReadPath) and len(IN_CHANNEL) == 2
    # What the digest and export builders ask: a channel's path carries neither notes nor private goals.
    assert [p for p in ReadPath if notes_shown(p) or private_shown(p)] == PERSONAL
    assert set(EXPECTED) == set(ROLES)


@pytest.mark.parametrize("path", list(ReadPath))
@pytest.mark.parametrize("role", list(ROLES))
def test_every_read_path_by_every_role(role: str, path: ReadPath) -> None:
    viewer = ROLES[role]
    public_personal, private_personal, public_channel, private_channel, note_personal, note_channel = EXPECTED[role]
    public, private = GoalView("UREP", Visibility.PUBLIC), GoalView("UREP", Visibility.PRIVATE)
    if path.is_channel:
        assert goal_readable(ORG, viewer, public, path, CHANNEL) is public_channel
        assert goal_readable(ORG, viewer, private, path, CHANNEL) is private_channel
        assert note_readable(ORG, viewer, public, path) is note_channel
    else:
        assert goal_readable(ORG, viewer, public, path, CHANNEL) is public_personal
        assert goal_readable(ORG, viewer, private, path, CHANNEL) is private_personal
        assert note_readable(ORG, viewer, private, path) is note_personal


def test_a_channel_shows_only_its_members_goals() -> None:
    goal = GoalView("UREP")
    assert goal_readable(ORG, "UMGR", goal, ReadPath.CHANNEL_DIGEST, frozenset({"UMGR", "UPEER"})) is False


@pytest.mark.parametrize(("viewer", "relation"), [
    ("UREP", Relation.OWNER), ("UMGR", Relation.MANAGER), ("UVP", Relation.UPLINE), ("UADM", Relation.ADMIN),
    ("UPEER", Relation.NONE), ("UOUT", Relation.NONE),
])
def test_relation_to_the_owner(viewer: str, relation: Relation) -> None:
    assert ORG.relation(viewer, "UREP") is relation


def test_a_refused_read_names_who_can_see_it() -> None:
    assert may_see_goal(ORG, "UPEER", "UREP") == Decision(False, Reason.NOT_ALLOWED, Who.OWNER_AND_MANAGERS,
                                                          ("UREP", "UMGR", "UVP"))


# role: (change the goal, comment on its check-ins, propose a goal to the owner, take the owner off the team)
GOAL_ACTIONS = {
    "owner": (True, False, False, False),
    "outsider": (False, False, False, False),
    "peer": (False, False, False, False),
    "manager": (False, True, True, True),
    "managers_manager": (False, True, False, True),
    "admin": (False, True, True, True),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_who_changes_comments_proposes_and_removes(role: str) -> None:
    actor = ROLES[role]
    got = (may_change_goal(ORG, actor, "UREP").allowed, may_comment(ORG, actor, "UREP").allowed,
           may_propose_goal(ORG, actor, "UREP").allowed, may_remove_from_team(ORG, actor, "UREP").allowed)
    assert got == GOAL_ACTIONS[role]


# role: (team-wide settings, add an admin)
TEAM_ACTIONS = {
    "owner": (False, False), "outsider": (False, False), "peer": (False, False),
    "manager": (True, False), "managers_manager": (True, False), "admin": (True, True),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_who_changes_team_settings_and_admins(role: str) -> None:
    actor = ROLES[role]
    assert (may_change_team_settings(ORG, actor).allowed, may_add_admin(ORG, actor).allowed) == TEAM_ACTIONS[role]


def test_refusals_say_who_can_do_it() -> None:
    # Up the line the owner is named and the refusal says what is theirs instead; an outsider is not told whose.
    assert may_change_goal(ORG, "UMGR", "UREP") == Decision(False, Reason.OWNERS_CALL, Who.OWNER, ("UREP",))
    assert may_change_goal(ORG, "UADM", "UREP") == Decision(False, Reason.OWNERS_CALL, Who.OWNER, ("UREP",))
    assert may_change_goal(ORG, "UPEER", "UREP") == Decision(False, Reason.NOT_ALLOWED, Who.OWNER)
    assert may_propose_goal(ORG, "UVP", "UREP") == Decision(False, Reason.NOT_ALLOWED, Who.MANAGER, ("UMGR",))
    assert may_change_team_settings(ORG, "UREP") == Decision(False, Reason.NOT_ALLOWED, Who.ADMINS_OR_MANAGERS,
                                                             ("UADM",))
    assert may_add_admin(ORG, "UMGR") == Decision(False, Reason.NOT_ALLOWED, Who.ADMINS, ("UADM",))
    assert may_comment(ORG, "UPEER", "UREP") == Decision(False, Reason.NOT_ALLOWED, Who.MANAGERS, ("UMGR", "UVP"))


@pytest.mark.parametrize(("actor", "person", "manager", "expected"), [
    ("UNEW", "UFREE", "UNEW", Decision(True)),  # anyone takes on a person with no manager yet
    ("UMGR", "UREP", "UMGR", Decision(True)),  # already theirs: nothing changes
    ("UVP", "UREP", "UVP", Decision(True)),  # a manager up the line moves a report to themselves
    ("UOTHER", "UREP", "UOTHER", Decision(False, Reason.HAS_MANAGER, Who.MANAGERS, ("UMGR", "UVP"))),
    ("UMGR", "UFREE", "UVP", Decision(False, Reason.NOT_ALLOWED, Who.ADMINS, ("UADM",))),  # "to @x" is an admin's
    ("UADM", "UREP", "UOTHER", Decision(True)),  # an admin moves anyone
    ("UADM", "UVP", "UREP", Decision(False, Reason.CYCLE, Who.NOBODY)),  # VP under their own report's report
    ("UREP", "UREP", "UREP", Decision(False, Reason.CYCLE, Who.NOBODY)),  # nobody manages themselves
])
def test_who_sets_a_reporting_line(actor: str, person: str, manager: str, expected: Decision) -> None:
    assert may_set_manager(ORG, actor, person, manager) == expected


# --- channels -------------------------------------------------------------------------------------------------

DIGEST = ChannelState(members=frozenset({"UREP", "UPEER", "UMGR", "UVP", "UADM", "USETTER"}), set_up_by="USETTER")
NO_DIGEST = ChannelState(members=DIGEST.members)


# actor: (subscribe a channel with no digest, anything else on a channel with no digest, anything on a digest)
CHANNEL_ACTIONS = {
    "UOUT": (False, False, False),  # an outsider: never
    "UREP": (True, False, False),
    "UPEER": (True, False, False),
    "UMGR": (True, True, True),
    "UVP": (True, True, True),
    "UADM": (True, True, True),
    "USETTER": (True, False, True),  # a plain member, who set up DIGEST
}


@pytest.mark.parametrize("actor", list(CHANNEL_ACTIONS))
@pytest.mark.parametrize("action", list(ChannelAction))
def test_who_acts_on_a_channels_digest(actor: str, action: ChannelAction) -> None:
    new_ok, other_without_digest_ok, existing_ok = CHANNEL_ACTIONS[actor]
    expected_without_digest = new_ok if action is ChannelAction.SUBSCRIBE else other_without_digest_ok
    assert may_act_on_channel(ORG, actor, action, NO_DIGEST, NOW).allowed is expected_without_digest
    assert may_act_on_channel(ORG, actor, action, DIGEST, NOW).allowed is existing_ok


def test_an_outsider_manager_or_admin_is_still_refused_a_channel_they_are_not_in() -> None:
    outside = ChannelState(members=frozenset({"UREP"}), set_up_by="UREP")
    for actor in ("UMGR", "UADM"):
        decision = may_act_on_channel(ORG, actor, ChannelAction.EXPORT, outside, NOW)
        assert decision == Decision(False, Reason.NOT_A_MEMBER, Who.CHANNEL_MEMBERS)


def test_a_refused_channel_change_names_who_set_it_up() -> None:
    decision = may_act_on_channel(ORG, "UPEER", ChannelAction.STOP, DIGEST, NOW)
    assert decision == Decision(False, Reason.NOT_ALLOWED, Who.CHANNEL_LEADS, ("USETTER",))


@pytest.mark.parametrize(("minutes_ago", "allowed"), [(None, True), (0, False), (59, False), (60, True), (300, True)])
def test_posting_now_at_most_once_an_hour(minutes_ago: int | None, allowed: bool) -> None:
    last = None if minutes_ago is None else NOW - timedelta(minutes=minutes_ago)
    channel = ChannelState(members=DIGEST.members, set_up_by="USETTER", last_posted_now=last)
    decision = may_act_on_channel(ORG, "UMGR", ChannelAction.POST_NOW, channel, NOW)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.reason is Reason.TOO_SOON and decision.retry_at == last + NOW_INTERVAL  # type: ignore[operator]


# --- properties -----------------------------------------------------------------------------------------------

PEOPLE = [f"U{i}" for i in range(8)]
people = st.sampled_from(PEOPLE)
orgs = st.builds(
    Org,
    managers=st.dictionaries(people, people, max_size=8),  # may hold loops: the policy must still terminate
    admins=st.frozensets(people, max_size=2),
)
goals = st.builds(GoalView, owner_id=people, visibility=st.sampled_from(list(Visibility)))
paths = st.sampled_from(list(ReadPath))
members = st.frozensets(people)


@given(orgs, people, goals, st.sampled_from(PERSONAL))
def test_visibility_is_monotone_up_the_reporting_line(org: Org, viewer: str, goal: GoalView, path: ReadPath) -> None:
    in_line = viewer == goal.owner_id or viewer in org.chain(goal.owner_id)
    if in_line:
        assert goal_readable(org, viewer, goal, path)
        for manager in org.chain(viewer):
            assert goal_readable(org, manager, goal, path) and note_readable(org, manager, goal, path)


@given(orgs, people, goals, st.sampled_from(PERSONAL))
def test_admins_see_everything_and_others_outside_the_line_nothing(org: Org, viewer: str, goal: GoalView,
                                                                  path: ReadPath) -> None:
    in_line = viewer == goal.owner_id or viewer in org.chain(goal.owner_id)
    assert goal_readable(org, viewer, goal, path) is (in_line or org.is_admin(viewer))


@given(orgs, people, goals, paths, members)
def test_an_outsider_never_sees_a_private_goal_or_a_note(org: Org, viewer: str, goal: GoalView, path: ReadPath,
                                                         channel: frozenset[str]) -> None:
    outsider = viewer != goal.owner_id and viewer not in org.chain(goal.owner_id) and not org.is_admin(viewer)
    if outsider:
        assert not note_readable(org, viewer, goal, path)
        if goal.visibility is Visibility.PRIVATE:
            assert not goal_readable(org, viewer, goal, path, channel)


@given(orgs, people, goals, members)
def test_channels_never_carry_notes_or_private_goals(org: Org, viewer: str, goal: GoalView,
                                                    channel: frozenset[str]) -> None:
    for path in (ReadPath.CHANNEL_DIGEST, ReadPath.CHANNEL_EXPORT):
        assert not note_readable(org, viewer, goal, path)
        if goal.visibility is Visibility.PRIVATE:
            assert not goal_readable(org, viewer, goal, path, channel)


@given(orgs, people, people, people)
def test_an_allowed_reporting_line_never_makes_a_loop(org: Org, actor: str, person: str, manager: str) -> None:
    if may_set_manager(org, actor, person, manager).allowed:
        after = Org(managers={**org.managers, person: manager}, admins=org.admins)
        assert person not in after.chain(person)
        if person not in org.chain(person):  # the rest of the org had no loop through person
            assert len(after.chain(person)) == len(set(after.chain(person)))


@given(orgs, people, st.sampled_from(list(ChannelAction)), members, st.none() | people)
def test_nobody_outside_a_channel_acts_on_it(org: Org, actor: str, action: ChannelAction, channel: frozenset[str],
                                             setter: str | None) -> None:
    state = ChannelState(members=channel, set_up_by=setter)
    if actor not in channel:
        assert may_act_on_channel(org, actor, action, state, NOW).reason is Reason.NOT_A_MEMBER


@pytest.mark.parametrize(("set_by", "allowed"), [("UMGR", True), ("UADM", False), ("UVP", False)])
def test_a_manager_who_named_themselves_can_be_declined(set_by: str, allowed: bool) -> None:
    assert may_decline_manager(ORG, "UREP", "UMGR", set_by).allowed is allowed
    assert may_decline_manager(ORG, "UREP", "UVP", set_by) == Decision(False, Reason.NOT_CURRENT, Who.NOBODY)
