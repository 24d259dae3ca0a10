"""Team storage: reporting lines, admins, objectives, approval, comments and proposals, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import CheckIn, Goal, UserPref
from storage.repositories import aligned_rows
from storage.teams import (
    AdminEntry,
    ManagerChange,
    add_admin,
    add_checkin_comment,
    add_objective,
    approval_required,
    comments_on,
    create_proposal,
    get_manager,
    get_objective,
    get_proposal,
    is_goalbot_admin,
    list_admins,
    list_objectives,
    managers_by_person,
    open_proposals,
    record_proposal_event,
    remove_manager,
    reports_of,
    set_approval_required,
    set_manager,
)
from tests.conftest import POSTGRES_URL, _postgres_available, _schema_url

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _goal(session, user_id: str = "UREP", **values) -> Goal:  # type: ignore[no-untyped-def]
    goal = Goal(team_id="T1", user_id=user_id, title="win 10 new clients", type="new_business", direction="increase",
                target=10, start_date=date(2026, 12, 1), deadline=date(2027, 6, 1), created_at=NOW, updated_at=NOW,
                **values)
    session.add(goal)
    session.flush()
    return goal


def test_a_person_has_at_most_one_manager_and_moving_them_says_who_it_was(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        assert set_manager(session, "T1", "UA", "UM1", by="UM1", now=NOW) == ManagerChange("UA", "UM1", None)
        assert set_manager(session, "T1", "UA", "UM2", by="UADMIN", now=NOW) == ManagerChange("UA", "UM2", "UM1")
        session.commit()
        assert get_manager(session, "T1", "UA") == "UM2"
        assert reports_of(session, "T1", "UM1") == []
        assert [line.user_id for line in reports_of(session, "T1", "UM2")] == ["UA"]
        assert get_manager(session, "T2", "UA") is None  # another workspace knows nothing of it


def test_removing_a_report_ends_the_line_and_leaves_the_others(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        set_manager(session, "T1", "UA", "UM", by="UM", now=NOW)
        set_manager(session, "T1", "UB", "UM", by="UM", now=NOW)
        set_manager(session, "T1", "UM", "UVP", by="UVP", now=NOW)
        assert remove_manager(session, "T1", "UA") == ManagerChange("UA", None, "UM")
        assert remove_manager(session, "T1", "UA") == ManagerChange("UA", None, None)
        session.commit()
        assert managers_by_person(session, "T1") == {"UB": "UM", "UM": "UVP"}


def test_admins_are_slacks_owners_and_admins_plus_those_added(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        session.add(UserPref(team_id="T1", user_id="UOWNER", slack_admin=True))
        session.add(UserPref(team_id="T1", user_id="UREP", slack_admin=False))
        assert add_admin(session, "T1", "UX", by="UOWNER", now=NOW) is True
        assert add_admin(session, "T1", "UX", by="UOWNER", now=NOW) is False
        session.commit()
        assert is_goalbot_admin(session, "T1", "UOWNER")
        assert is_goalbot_admin(session, "T1", "UX")
        assert not is_goalbot_admin(session, "T1", "UREP")
        assert not is_goalbot_admin(session, "T1", "UNOBODY")
        assert list_admins(session, "T1") == [AdminEntry("UOWNER", "slack", None), AdminEntry("UX", "goalbot", "UOWNER")]


def test_objectives_keep_their_measure_and_goals_align_to_them(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        measured = add_objective(session, "T1", "Enter the healthcare market", owner_id="UM", now=NOW,
                                 unit="EUR", target=2_000_000)
        plain = add_objective(session, "T1", "Keep our best customers", owner_id="UM", now=NOW)
        other = add_objective(session, "T2", "Another workspace", owner_id="UZ", now=NOW)
        aligned = _goal(session, objective_id=measured.id)
        _goal(session, user_id="UOTHER")
        session.commit()
        assert [o.title for o in list_objectives(session, "T1")] == ["Enter the healthcare market",
                                                                    "Keep our best customers"]
        assert (measured.unit, measured.target, plain.unit, plain.target) == ("EUR", 2_000_000, None, None)
        assert get_objective(session, "T1", other.id) is None
        rows = aligned_rows(session, "T1", [measured.id, plain.id], date(2026, 11, 23))
        assert [(row[0], row[-2], row[-1]) for row in rows] == [(aligned.id, measured.id, "public")]


def test_existing_goals_are_public_with_no_objective(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        goal = _goal(session)
        session.commit()
        session.expire_all()
        assert (goal.visibility, goal.objective_id) == ("public", None)


def test_approval_is_per_manager_and_off_until_turned_on(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        assert approval_required(session, "T1", "UM") is False
        set_approval_required(session, "T1", "UM", True, by="UM", now=NOW)
        session.commit()
        assert approval_required(session, "T1", "UM") is True
        assert approval_required(session, "T1", "UOTHER") is False
        set_approval_required(session, "T1", "UM", False, by="UM", now=NOW)
        session.commit()
        assert approval_required(session, "T1", "UM") is False


def test_a_comment_is_kept_on_its_check_in(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        goal = _goal(session)
        checkin = CheckIn(goal_id=goal.id, week_start=date(2026, 11, 30), status="answered", value=3)
        session.add(checkin)
        session.flush()
        add_checkin_comment(session, checkin.id, "UM", "Great week — *keep* going <@U1>", now=NOW)
        session.commit()
        assert [(c.author_id, c.text) for c in comments_on(session, [checkin.id])] == [
            ("UM", "Great week — *keep* going <@U1>")
        ]


def test_a_negotiation_keeps_every_step_and_awaits_the_other_party(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with sessions() as session:
        proposal = create_proposal(session, "T1", owner_id="UREP", manager_id="UM", origin="manager", actor_id="UM",
                                   draft={"title": "win 10 new clients", "target": 10}, now=NOW)
        assert proposal.awaiting == "UREP"
        record_proposal_event(session, proposal, actor_id="UREP", action="change_requested", now=NOW,
                              draft={"title": "win 8 new clients", "target": 8}, reason="two accounts moved to Bob")
        assert proposal.awaiting == "UM"
        session.commit()
        proposal_id = proposal.id
    with sessions() as session:
        assert [p.id for p in open_proposals(session, "T1", "UM")] == [proposal_id]
        assert [p.id for p in open_proposals(session, "T1", "UREP")] == [proposal_id]
        assert open_proposals(session, "T1", "UPEER") == []
        loaded = get_proposal(session, "T1", proposal_id)
        assert loaded is not None and get_proposal(session, "T2", proposal_id) is None
        assert loaded.draft["target"] == 8
        assert [(e.actor_id, e.action, e.reason) for e in loaded.events] == [
            ("UM", "proposed", None), ("UREP", "change_requested", "two accounts moved to Bob")]
        record_proposal_event(session, loaded, actor_id="UM", action="accepted", now=NOW, status="agreed")
        session.commit()
        assert open_proposals(session, "T1", "UM") == []


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_at_0001(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database migrated only to the initial schema."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        upgrade(engine, "0001")
        yield engine
        engine.dispose()
        return
    problem = _postgres_available()
    if problem is not None:
        pytest.skip(problem)
    schema = f"goalbot_old_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(_schema_url(schema))
    upgrade(engine, "0001")
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_upgrading_keeps_existing_goals_and_check_ins(engine_at_0001: Engine) -> None:
    engine = engine_at_0001
    # Written as the old code did, with the old schema's columns only.
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO goals (id, team_id, user_id, title, type, direction, target, start_date, deadline, status,"
            " lang, created_at, updated_at) VALUES (1, 'T1', 'UREP', 'win 10', 'new_business', 'increase', 10,"
            " :start, :deadline, 'active', 'en', :now, :now)"), {"start": date(2026, 1, 1), "deadline": date(2026, 6, 1),
                                                                 "now": NOW})
        conn.execute(text("INSERT INTO checkins (goal_id, week_start, status, value) VALUES (1, :week, 'answered', 4)"),
                     {"week": date(2026, 1, 5)})
    upgrade(engine)
    with make_session_factory(engine)() as session:
        goal = session.get(Goal, 1)
        assert goal is not None
        assert (goal.visibility, goal.objective_id, [c.value for c in goal.checkins]) == ("public", None, [4])
        assert get_manager(session, "T1", "UREP") is None
