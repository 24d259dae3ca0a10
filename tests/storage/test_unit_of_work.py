"""The unit of work: what a use case wrote is kept when it returns, and nothing of it when it raises."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage.db import in_transaction, make_engine, make_session_factory, once_more_if_dropped, unit_of_work
from storage.models import Goal, UserPref
from storage.repositories import insert_checkin, upsert_user_pref

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def prefs(engine: Engine) -> int:
    with make_session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(UserPref)) or 0


def test_a_unit_that_returns_is_committed(engine: Engine) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        upsert_user_pref(session, "T1", "U1")
    assert prefs(engine) == 1


def test_a_unit_that_raises_leaves_nothing_behind(engine: Engine) -> None:
    with pytest.raises(RuntimeError), unit_of_work(make_session_factory(engine)) as session:
        upsert_user_pref(session, "T1", "U1")
        session.flush()
        raise RuntimeError("Slack refused")
    assert prefs(engine) == 0


def test_a_collision_with_a_concurrent_twin_runs_the_work_once_more(engine: Engine) -> None:
    attempts: list[int] = []

    def work(session: object) -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return "done"

    assert in_transaction(make_session_factory(engine), work) == "done"
    assert len(attempts) == 2


def test_insert_ignore_keeps_the_first_row_and_says_so(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        goal = Goal(team_id="T1", user_id="U1", title="ten clients", type="new_business", direction="increase",
                    target=10, start_date=date(2026, 11, 26), deadline=date(2027, 5, 26), created_at=NOW,
                    updated_at=NOW)
        session.add(goal)
        session.flush()
        first = insert_checkin(session, goal.id, date(2026, 11, 23), NOW)
        second = insert_checkin(session, goal.id, date(2026, 11, 23), NOW)
    assert first is not None and second is None


def test_a_persons_lock_holds_within_a_schema_and_not_across_schemas(engine: Engine) -> None:
    """Advisory locks belong to the whole PostgreSQL database: the key names the schema, so goalbot in another
    schema (another deployment, or a parallel test worker) never waits on this one's people."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one write lock per database file; there are no schemas to keep apart")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from storage.db import lock_person

    other = create_engine(engine.url.set(query={**engine.url.query, "options": "-csearch_path=public"}))
    holder = make_session_factory(engine)()
    try:
        lock_person(holder, "T1", "U1")
        with make_session_factory(other)() as elsewhere:
            elsewhere.execute(text("SET LOCAL lock_timeout = '2s'"))
            lock_person(elsewhere, "T1", "U1")  # another schema: not held up
            elsewhere.rollback()
        with make_session_factory(engine)() as same, pytest.raises(OperationalError):
            same.execute(text("SET LOCAL lock_timeout = '200ms'"))
            lock_person(same, "T1", "U1")  # the same schema and person: waits for the holder
    finally:
        holder.rollback()
        holder.close()
        other.dispose()


def dropped() -> DBAPIError:
    """What SQLAlchemy raises when the server killed the connection under a statement."""
    return DBAPIError("UPDATE user_prefs", {}, Exception("terminating connection"), connection_invalidated=True)


@pytest.mark.parametrize(("rewritable", "runs"), [(True, 2), (False, 1)])
def test_a_request_runs_again_after_a_drop_unless_it_already_committed_something_new(
        engine: Engine, rewritable: bool, runs: int) -> None:
    # A first /goal caches the person's Slack profile, then its next transaction loses its connection: the
    # cache is written again with the same values, so the request runs again instead of "something went wrong".
    sessions = make_session_factory(engine)
    attempts: list[int] = []

    def request() -> str:
        attempts.append(1)
        with unit_of_work(sessions, rewritable=rewritable) as session:
            upsert_user_pref(session, "T1", "U1").dm_channel = "D1"
        if len(attempts) == 1:
            raise dropped()
        return "answered"

    if runs == 2:
        assert once_more_if_dropped(request, only_before_commits=True) == "answered"
    else:
        with pytest.raises(DBAPIError):
            once_more_if_dropped(request, only_before_commits=True)
    assert len(attempts) == runs
    assert prefs(engine) == 1


def test_postgresql_connections_do_not_jit_compile_goalbots_short_statements(database_url: str) -> None:
    # A digest of 2,000 goals passed PostgreSQL's JIT cost threshold and spent 28 ms compiling, more than half
    # its run time; bench/digest.py shows the build with and without it.
    if not database_url.startswith("postgresql"):
        pytest.skip("JIT is PostgreSQL's")
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW jit")).scalar() == "off"
    finally:
        engine.dispose()
