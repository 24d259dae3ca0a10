"""The issue's outsider probes, through signed requests: channel digests, exports and team settings ask the one
visibility policy, and a private goal stays out of channels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.local.workspace import LocalWorkspace
from prompts import t
from storage.models import DigestSubscription, Goal, TeamSettings
from tests.bot.conftest import all_text
from tests.bot.digest_support import channel_posts, digest_text
from tests.bot.listeners.test_manage import add_checkin, add_goal
from tests.bot.team_support import answer_to, last_answer, last_answer_shown


@pytest.fixture
def exec_channel(team: LocalWorkspace) -> LocalWorkspace:
    """#exec is private, goalbot is in it, Vera manages Mia and both are in it; Eve and Anna are not."""
    team.fake.add_channel("G1", name="exec", members=["UV", "UM"], is_private=True)
    team.fake.add_channel("C1", name="sales", members=["UM", "U1", "U2"])
    team.command("team add <@UM|mia>", user="UV")
    team.command("team add <@U1|anna> <@U2|marco>", user="UM")
    add_goal(team, "UM", title="Close the Acme renewal")
    return team


def subscriptions(ws: LocalWorkspace) -> list[tuple[str, str, bool]]:
    with ws.deps.sessions() as session:
        return [(s.channel_id, s.created_by, s.active) for s in session.scalars(select(DigestSubscription))]


def test_an_outsider_cannot_subscribe_a_private_channel(exec_channel: LocalWorkspace) -> None:
    exec_channel.command("digest <#G1|exec>", user="UE")
    assert last_answer(exec_channel, "UE") == t("en", "refused.who.channel_members")
    assert subscriptions(exec_channel) == []


def test_an_outsider_cannot_stop_export_or_post_a_channels_digest(exec_channel: LocalWorkspace) -> None:
    exec_channel.command("digest <#G1|exec>", user="UV")
    for command in ("digest off <#G1|exec>", "export <#G1|exec>", "digest now <#G1|exec>"):
        exec_channel.command(command, user="U1")
        assert last_answer(exec_channel, "U1") == t("en", "refused.who.channel_members"), command
    assert subscriptions(exec_channel) == [("G1", "UV", True)]
    assert exec_channel.fake.files() == [] and channel_posts(exec_channel, "G1") == []


def test_a_plain_member_cannot_change_someone_elses_digest(exec_channel: LocalWorkspace) -> None:
    exec_channel.command("digest <#C1|sales>", user="UM")
    exec_channel.command("digest off <#C1|sales>", user="U2")
    assert last_answer(exec_channel, "U2") == " ".join([t("it", "refused.who.channel_leads"),
                                                        t("it", "refused.named", people="<@UM>")])
    assert subscriptions(exec_channel) == [("C1", "UM", True)]


def test_a_digest_now_at_most_once_an_hour_per_channel(exec_channel: LocalWorkspace, clock: FixedClock) -> None:
    exec_channel.command("digest now <#C1|sales>", user="UM", channel="C1")
    assert len(channel_posts(exec_channel, "C1")) == 1
    clock.set(clock() + timedelta(minutes=10))
    exec_channel.command("digest now <#C1|sales>", user="UM", channel="C1")
    # Posted at 10:00 UTC, 11:00 in Rome: the next one may go at 12:00 Rome time.
    assert last_answer(exec_channel, "UM") == t("en", "refused.reason.too_soon", time="12:00")
    assert len(channel_posts(exec_channel, "C1")) == 1
    clock.set(clock() + timedelta(minutes=50))
    exec_channel.command("digest now <#C1|sales>", user="UM", channel="C1")
    assert len(channel_posts(exec_channel, "C1")) == 2


def test_only_admins_and_managers_move_the_team_check_in(exec_channel: LocalWorkspace) -> None:
    exec_channel.command("checkin-time team sunday 03:00", user="UE")
    assert last_answer(exec_channel, "UE") == t("en", "refused.who.admins_or_managers")
    with exec_channel.deps.sessions() as session:
        assert session.get(TeamSettings, "T0001") is None
    exec_channel.command("orario team lunedì 09:00", user="UM")
    with exec_channel.deps.sessions() as session:
        assert (session.get_one(TeamSettings, "T0001").checkin_weekday, session.get_one(TeamSettings, "T0001").checkin_time) \
            == (0, "09:00")


def test_a_private_goal_stays_out_of_the_channel_digest(exec_channel: LocalWorkspace) -> None:
    shown = add_goal(exec_channel, "U1", title="Sign 10 new clients")
    hidden = add_goal(exec_channel, "U2", title="Chiudere il rinnovo riservato")
    exec_channel.command(f"private {hidden}", user="U2")
    exec_channel.command("digest now <#C1|sales>", user="UM", channel="C1")
    [digest] = channel_posts(exec_channel, "C1")
    text = digest_text(exec_channel, "C1", digest)
    assert "Sign 10 new clients" in text and "Chiudere il rinnovo riservato" not in text
    with exec_channel.deps.sessions() as session:
        assert (session.get_one(Goal, shown).visibility, session.get_one(Goal, hidden).visibility) == ("public", "private")


POSTERS = [
    ("UM", "C1"),  # the reps' manager
    ("UADM", "C2"),  # an admin
    ("U2", "C3"),  # a peer, who set the channel's digest up
]


def test_a_channel_digest_quotes_blockers_never_notes_whoever_posts_it(exec_channel: LocalWorkspace,
                                                                        subtests: pytest.Subtests) -> None:
    # Each poster posts in a channel of their own, each a subtest: one team and one blocked week serve them all.
    exec_channel.fake.add_channel("C2", name="emea", members=["UADM", "U1", "U2"])
    exec_channel.fake.add_channel("C3", name="reps", members=["U1", "U2"])
    goal = add_goal(exec_channel, "U1", title="Sign 10 new clients")
    add_checkin(exec_channel, goal, date(2026, 11, 23), 2.0, note="my private worry about Acme",
                blocker="waiting on legal", mood="blocked")
    for poster, channel in POSTERS:
        with subtests.test(poster=poster, channel=channel):
            if poster == "U2":
                exec_channel.command(f"digest <#{channel}|reps>", user=poster, channel=channel)
            exec_channel.command(f"digest now <#{channel}>", user=poster, channel=channel)
            [digest] = channel_posts(exec_channel, channel)
            text = digest_text(exec_channel, channel, digest)
            assert "Sign 10 new clients" in text and "waiting on legal" in text
            assert "private worry" not in text
            # The same note goes up the line: the manager's week quotes it.
            assert "my private worry about Acme" in all_text(answer_to(exec_channel, "team week", "UM"))


def test_an_outsider_posts_no_digest_and_reads_no_note(exec_channel: LocalWorkspace) -> None:
    goal = add_goal(exec_channel, "U1", title="Sign 10 new clients")
    add_checkin(exec_channel, goal, date(2026, 11, 23), 2.0, note="my private worry about Acme")
    exec_channel.command("digest now <#C1|sales>", user="UE", channel="C1")
    assert last_answer(exec_channel, "UE") == t("en", "refused.who.channel_members")
    assert channel_posts(exec_channel, "C1") == []
    for command in ("team week", f"history {goal}", "list <@U1>"):
        exec_channel.command(command, user="UE")
        assert "private worry" not in last_answer_shown(exec_channel, "UE"), command


@pytest.mark.both_databases
def test_the_digest_rolls_objectives_up_from_the_goals_the_channel_may_see(exec_channel: LocalWorkspace) -> None:
    exec_channel.command("objective add €2M new ARR in healthcare", user="UM")
    shown = add_goal(exec_channel, "U1", title="€500k new ARR in healthcare", unit="EUR", metric="revenue",
                     baseline=0.0, target=500_000.0, current=100_000.0, objective_id=1)
    add_goal(exec_channel, "U2", title="Rinnovo riservato", unit="EUR", metric="revenue", baseline=0.0,
             target=500_000.0, current=300_000.0, objective_id=1, visibility="private")
    add_goal(exec_channel, "UE", title="Not in the channel", unit="EUR", metric="revenue", baseline=0.0,
             target=500_000.0, current=250_000.0, objective_id=1)
    exec_channel.command("digest now <#C1|sales>", user="UM", channel="C1")
    [digest] = channel_posts(exec_channel, "C1")
    text = digest_text(exec_channel, "C1", digest)
    assert t("en", "digest.objectives_label") in text
    assert "€100,000 of €2,000,000" in text and "1/1" in text  # only Anna's public goal counts
    assert "€400,000" not in text and "€650,000" not in text
    # The workspace's own list counts every aligned goal, for whoever asks.
    exec_channel.command("objectives", user="U1")
    assert "€650,000 of €2,000,000" in last_answer_shown(exec_channel, "U1")
    assert shown
