"""The digest's one query gives the same standing as the progress model over every check-in, on both databases."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, event

from bot.blocks.standing import standing_of
from bot.rules.digest_math import DigestGoal, achieved_this_week
from bot.rules.visibility import ReadPath
from bot.services.digests import team_goals
from storage.db import make_session_factory
from storage.models import CheckIn, Goal
from storage.repositories import READ_AHEAD_MEMBERS, list_goals

TODAY, WEEK = date(2026, 11, 27), date(2026, 11, 23)
AT = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _goal(owner: str, *, direction: str, target: float, baseline: float | None, current: float | None,
          start: date, status: str = "active", closed_at: datetime | None = None) -> Goal:
    return Goal(team_id="T1", user_id=owner, title=f"{owner} {direction}", type="revenue", unit="EUR", metric="revenue",
                direction=direction, baseline=baseline, target=target, current=current, start_date=start,
                deadline=start + timedelta(weeks=30), status=status, lang="en", created_at=AT, updated_at=AT,
                closed_at=closed_at)


def test_the_digest_query_gives_the_models_standing_from_every_check_in(engine: Engine) -> None:
    rng = random.Random(3)
    sessions = make_session_factory(engine)
    histories: dict[int, list[tuple[date, float]]] = {}
    with sessions() as session:
        goals = []
        for n in range(12):
            direction = ("increase", "decrease", "maintain")[n % 3]
            start = date(2026, 1, 5) + timedelta(days=n)
            goal = _goal(f"U{n % 4}", direction=direction, target=100.0, baseline=[None, 20.0, 150.0][n % 3],
                         current=50.0, start=start)
            session.add(goal)
            goals.append(goal)
        session.flush()
        for goal in goals:
            weeks = sorted(rng.sample(range(0, 45), rng.randint(0, 15)))
            history = []
            for week in weeks:
                monday = goal.start_date - timedelta(days=goal.start_date.weekday()) + timedelta(weeks=week)
                value = round(rng.uniform(0, 160), 2)
                skipped = rng.random() < 0.1
                session.add(CheckIn(goal_id=goal.id, week_start=monday, status="skipped" if skipped else "answered",
                                    value=None if skipped else value,
                                    answered_at=None if skipped else datetime.combine(
                                        monday + timedelta(days=2), datetime.min.time(), tzinfo=UTC)))
                if not skipped:
                    history.append((monday, value))
            histories[goal.id] = history
        session.commit()

        shown = team_goals(session, team_id="T1", member_ids=["U0", "U1", "U2", "U3"], today=TODAY,
                           week_start=WEEK, tz="Europe/Rome",
                           path=ReadPath.CHANNEL_DIGEST)
        stored = {g.id: standing_of(g, TODAY) for g in list_goals(session, "T1")}
    assert len(shown) == 12
    for item in shown:
        expected = stored[item.id]
        assert item.standing.status == expected.status
        assert item.standing.progress == expected.progress
        assert item.standing.held == expected.held and item.standing.weeks_below == expected.weeks_below
        assert item.standing.forecast == expected.forecast
        latest = histories[item.id][-1][0] if histories[item.id] else None
        assert (item.last.week_start if item.last else None) == latest



def test_every_digit_of_a_recorded_value_reaches_the_digest(engine: Engine) -> None:
    # Values as a calculation leaves them (17 significant digits): SQLite used to send the digest 15 of them, so a
    # maintain goal's latest value no longer matched its current one and its week below the floor counted twice.
    sessions = make_session_factory(engine)
    weeks = [date(2026, 10, 5) + timedelta(weeks=k) for k in range(8)]
    values = [10.0 * k + 1 / 3 for k in range(1, 8)] + [88.46234567891234]
    with sessions() as session:
        floor = _goal("U1", direction="maintain", target=90.0, baseline=None, current=values[-1], start=weeks[0])
        reach = _goal("U2", direction="increase", target=200.0, baseline=0.0, current=values[-2], start=weeks[0])
        session.add_all([floor, reach])
        session.flush()
        for goal, recorded in ((floor, [95.12345678901234, values[-1]]), (reach, values[:-1])):
            for monday, value in zip(weeks[-len(recorded):], recorded, strict=True):
                session.add(CheckIn(goal_id=goal.id, week_start=monday, status="answered", value=value,
                                    answered_at=datetime.combine(monday, datetime.min.time(), tzinfo=UTC)))
        session.commit()
        shown = {item.id: item.standing for item in team_goals(
            session, team_id="T1", member_ids=["U1", "U2"], today=TODAY, week_start=WEEK, tz="Europe/Rome",
            path=ReadPath.CHANNEL_DIGEST)}
        stored = {g.id: standing_of(g, TODAY) for g in list_goals(session, "T1")}
    assert shown[floor.id].weeks_below == stored[floor.id].weeks_below == 1
    assert shown[reach.id].forecast is not None
    assert shown[reach.id].forecast == stored[reach.id].forecast


def test_every_recorded_value_reaches_the_digest_to_the_last_bit(engine: Engine) -> None:
    # Whatever text the query carries the recent values in, it must give the stored float back: negative, tiny,
    # huge and whole ones too.
    sessions = make_session_factory(engine)
    rng = random.Random(11)
    values = [0.4, 1 / 3, -0.7, 1e-7, 1.0, -1.0, 3.0, 1.5, -1234.5678901234567, 2.0 ** 53 - 1, 2.0 ** 53 + 2, 1e300,
              88.46234567891234, 239008.56797231236, *(rng.uniform(-1e6, 1e6) for _ in range(20)),
              *(10 ** rng.uniform(-6, 16) for _ in range(20))]
    weeks = [date(2026, 1, 5) + timedelta(weeks=k) for k in range(len(values))]
    with sessions() as session:
        goals = [_goal(f"V{n}", direction="increase", target=1e9, baseline=0.0, current=None, start=weeks[0])
                 for n in range(0, len(values), 7)]
        session.add_all(goals)
        session.flush()
        for n, (monday, value) in enumerate(zip(weeks, values, strict=True)):
            session.add(CheckIn(goal_id=goals[n // 7].id, week_start=monday, status="answered", value=value))
        session.commit()
        shown = team_goals(session, team_id="T1", member_ids=[goal.user_id for goal in goals], today=TODAY,
                           week_start=WEEK, tz="Europe/Rome", path=ReadPath.CHANNEL_DIGEST)
    read = [value for item in sorted(shown, key=lambda item: item.id) for _, value in item.standing.numbers.history]
    assert [value.hex() for value in read] == [value.hex() for value in values]


def test_one_query_for_the_whole_team_whatever_its_size(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    counts = []
    for size in (3, 60):
        with sessions() as session:
            for n in range(size):
                session.add(_goal(f"S{size}-{n}", direction="increase", target=10, baseline=0, current=2,
                                  start=date(2026, 10, 1)))
            session.commit()
            statements.clear()
            standings = team_goals(session, team_id="T1", member_ids=[f"S{size}-{n}" for n in range(size)],
                                   today=TODAY, week_start=WEEK, tz="Europe/Rome",
                                   path=ReadPath.CHANNEL_DIGEST)
            counts.append(len(statements))
        assert len(standings) == size
    assert counts == [1, 1]


def test_a_large_teams_digest_read_in_two_parts_on_postgresql_gives_the_same_goals(engine: Engine) -> None:
    # A channel of READ_AHEAD_MEMBERS or more: on PostgreSQL the second half of its members is read on another
    # connection while the first half is computed. Same goals, same order, same standing: only the statements differ.
    rng = random.Random(5)
    sessions = make_session_factory(engine)
    members = [f"R{n:03d}" for n in range(READ_AHEAD_MEMBERS + 21)]
    with sessions() as session:
        goals = [_goal(owner, direction=("increase", "decrease", "maintain")[n % 3], target=100.0,
                       baseline=[0.0, 150.0, None][n % 3], current=rng.uniform(10, 140), start=date(2026, 9, 7))
                 for n, owner in enumerate(members) for _ in range(1 + n % 2)]
        session.add_all(goals)
        session.flush()
        for goal in goals:
            for week in range(rng.randint(0, 9)):
                monday = date(2026, 9, 7) + timedelta(weeks=week)
                session.add(CheckIn(goal_id=goal.id, week_start=monday, status="answered",
                                    value=round(rng.uniform(0, 160), 2), mood="on_track",
                                    answered_at=datetime.combine(monday, datetime.min.time(), tzinfo=UTC)))
        session.commit()
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    shuffled = members[::-1] + ["UNOBODY"]  # the channel's order, and a member without goals
    read: dict[bool, list[DigestGoal]] = {}
    counts: dict[bool, int] = {}
    for ahead in (False, True):
        statements.clear()
        with sessions() as session:
            read[ahead] = list(team_goals(session, team_id="T1", member_ids=shuffled, today=TODAY, week_start=WEEK,
                                          tz="Europe/Rome", path=ReadPath.CHANNEL_DIGEST, read_ahead=ahead))
        counts[ahead] = len(statements)
    assert len(read[True]) == len(goals) and read[True] == read[False]
    assert [item.owner for item in read[True]] == sorted(item.owner for item in read[True])  # whole members, in order
    assert counts == {False: 1, True: 2 if engine.dialect.name == "postgresql" else 1}


def test_goals_closed_before_this_week_and_dropped_goals_are_left_out(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with sessions() as session:
        for status, closed in (("active", None), ("achieved", datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
                               ("achieved", datetime(2026, 11, 20, 9, 0, tzinfo=UTC)), ("dropped", AT)):
            session.add(_goal("U1", direction="increase", target=10, baseline=0, current=10, start=date(2026, 10, 1),
                              status=status, closed_at=closed))
        session.commit()
        shown = team_goals(session, team_id="T1", member_ids=["U1"], today=TODAY, week_start=WEEK, tz="Europe/Rome",
                           path=ReadPath.CHANNEL_DIGEST)
    assert [(s.standing.numbers.closed_as, achieved_this_week(s, WEEK)) for s in shown] == [
        (None, False), ("achieved", True)]


def test_a_note_reaches_the_managers_week_and_never_a_channels_digest(engine: Engine) -> None:
    # The channel's digest asks the query for no notes at all (their column comes back empty), the manager's week
    # for them: the same statement serves both paths.
    sessions = make_session_factory(engine)
    with sessions() as session:
        goal = _goal("U1", direction="increase", target=100.0, baseline=0.0, current=40.0, start=date(2026, 10, 5))
        session.add(goal)
        session.flush()
        session.add(CheckIn(goal_id=goal.id, week_start=WEEK, status="answered", value=40.0, note="called ACME",
                            answered_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC)))
        session.commit()
        read = {path: team_goals(session, team_id="T1", member_ids=["U1"], today=TODAY, week_start=WEEK,
                                 tz="Europe/Rome", path=path)[0].last
                for path in (ReadPath.CHANNEL_DIGEST, ReadPath.WEEK)}
    notes = {path: (None if last is None else (last.week_start, last.note)) for path, last in read.items()}
    assert notes == {ReadPath.WEEK: (WEEK, "called ACME"), ReadPath.CHANNEL_DIGEST: (WEEK, None)}
