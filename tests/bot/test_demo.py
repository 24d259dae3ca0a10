"""`goalbot demo`'s team: realistic enough that a digest, a chart and App Home have something to show at once."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from bot.local.demo import GOALS, MANAGER, OBJECTIVES, TEAM, seed
from bot.local.workspace import LocalWorkspace
from bot.services.teams import objective_lines
from storage.models import CheckIn, DigestSubscription, Goal
from storage.teams import reports_of


def test_the_demo_team_as_seeded(workspace: LocalWorkspace, subtests: pytest.Subtests) -> None:
    """Both checks read one seeded demo (seeding is most of the CPU here, ~2 s each, and it writes the same rows)."""
    seed(workspace, workspace.deps.clock())
    with subtests.test("every kind of goal and twelve weeks of history"):
        has_every_kind_of_goal_and_twelve_weeks_of_history(workspace)
    with subtests.test("every deadline is what its title says"):
        every_deadline_is_what_its_title_says(workspace)
    with subtests.test("the company objectives roll up the goals that serve them"):
        the_company_objectives_roll_up_the_goals_that_serve_them(workspace)


def has_every_kind_of_goal_and_twelve_weeks_of_history(workspace: LocalWorkspace) -> None:
    """Five reps of the manager, both languages, every kind and direction, one achieved, one behind, history."""
    with workspace.deps.sessions() as session:
        goals = list(session.scalars(select(Goal)))
        checkins = list(session.scalars(select(CheckIn)))
        [digest] = list(session.scalars(select(DigestSubscription)))
        owners = {g.user_id for g in goals}
        assert len(owners) == 5 and MANAGER.user_id not in owners
        assert {line.user_id for line in reports_of(session, "T0001", MANAGER.user_id)} == owners
        assert {g.lang for g in goals} == {"en", "it"}
        assert {g.type for g in goals} == {"revenue", "retention", "new_business"}
        assert {g.direction for g in goals} == {"increase", "maintain", "decrease"}
        assert [g.status for g in goals].count("achieved") == 1
        assert any(g.pace in ("at_risk", "off_track") for g in goals if g.status == "active")
        weeks = {g.id: len({c.week_start for c in checkins if c.goal_id == g.id}) for g in goals}
        assert max(weeks.values()) == 12
        assert sum(1 for c in checkins if c.blocker) >= 3 and any(c.status == "skipped" for c in checkins)
    sales = workspace.fake.channel("#sales")
    assert sales is not None and sales["bot_is_member"] and set(sales["members"]) == {p.user_id for p in TEAM}
    assert digest.channel_id == sales["id"] and digest.active


def every_deadline_is_what_its_title_says(workspace: LocalWorkspace) -> None:
    """Each seeded deadline is read from its title, whatever the day the demo is seeded."""
    # "entro giugno" seeded in December read "entro il 2 giugno"; "entro fine anno" became 30 December: a
    # deadline computed as weeks from today drifted from its title. Each one is now read from the title.
    months = {"four": 4, "quattro": 4, "six": 6, "sei": 6, "seven": 7, "nove": 9, "dieci": 10, "three": 3, "year": 12}
    with workspace.deps.sessions() as session:
        for goal in session.scalars(select(Goal)):
            word = next(w for w in months if f" {w} " in f" {goal.title} ")
            expected = goal.created_at.date() + relativedelta(months=months[word])
            assert abs((goal.deadline - expected).days) <= 1, goal.title
            assert goal.deadline > workspace.deps.clock().date() or goal.status != "active", goal.title


def the_company_objectives_roll_up_the_goals_that_serve_them(workspace: LocalWorkspace) -> None:
    """`/goal aziendali` has something to show: laura's objectives, each with the goals whose relevance it is."""
    lines = objective_lines(workspace.deps.sessions, "T0001", workspace.deps.clock().date())
    assert [line.rollup.objective.title for line in lines] == [title for title, *_ in OBJECTIVES]
    assert {line.owner_id for line in lines} == {MANAGER.user_id}
    for line, (_title, unit, _target, relevances) in zip(lines, OBJECTIVES, strict=True):
        serving = [g for g in GOALS if g.relevance in relevances]
        assert line.rollup.goals == len(serving) >= 1
        if unit is not None:  # the measured one adds up what its goals gained since their start
            assert line.rollup.measured and line.rollup.not_added == 0
            # A growth in percent on a starting amount adds the money it stands for ("+6% on €80,000": €4,800).
            gains = [(g.values[-1] or 0.0) / 100 * (g.baseline or 0.0) if g.baseline_unit else
                     (g.values[-1] or 0.0) - (g.baseline or 0.0) for g in serving]
            assert line.rollup.gained == pytest.approx(sum(gains)) and sum(gains) > 0
