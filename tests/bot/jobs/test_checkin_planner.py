"""The check-in planner over time: local times in several zones across DST, restarts, and Slack failing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FixedClock, VirtualTimer
from bot.local.workspace import LocalWorkspace
from prompts import t
from storage.models import CheckIn, Goal, OutboxMessage, UserPref
from tests.bot.checkin_support import add_goal, cards, checkins_of, goal_of, last_card, run, thread_answers
from tests.bot.conftest import make_settings, restart


class Crash(BaseException):
    """The process dying: not an Exception, so nothing in the planner catches it."""


def test_a_week_of_checkins_in_three_time_zones_across_a_daylight_saving_change(workspace: LocalWorkspace) -> None:
    # Rome (Monday 09:00), New York (Monday 09:00; DST ends Sunday 1 November), Tokyo (Friday 16:00, no DST).
    workspace.add_user("U3", name="jane", tz="America/New_York", locale="en-US")
    workspace.add_user("U4", name="kenji", tz="Asia/Tokyo", locale="en-US")
    for user in ("U1", "U3", "U4"):
        add_goal(workspace, user, created=datetime(2026, 10, 23, 12, 0, tzinfo=UTC))  # after last week's moments
    with workspace.deps.sessions() as session:
        session.add(UserPref(team_id=workspace.team_id, user_id="U4", checkin_weekday=4, checkin_time="16:00"))
        session.commit()
    arrivals: dict[str, list[datetime]] = {"U1": [], "U3": [], "U4": []}
    tick = datetime(2026, 10, 24, 0, 0, tzinfo=UTC)  # Saturday, before Rome's change on the 25th
    while tick < datetime(2026, 11, 3, 0, 0, tzinfo=UTC):
        run(workspace, at=tick)
        for user, seen in arrivals.items():
            if len(cards(workspace, user)) > len(seen):
                seen.append(tick)
        tick += timedelta(hours=1)
    assert arrivals == {
        "U1": [datetime(2026, 10, 26, 8, 0, tzinfo=UTC), datetime(2026, 11, 2, 8, 0, tzinfo=UTC)],
        "U3": [datetime(2026, 10, 26, 13, 0, tzinfo=UTC), datetime(2026, 11, 2, 14, 0, tzinfo=UTC)],
        "U4": [datetime(2026, 10, 30, 7, 0, tzinfo=UTC)],
    }
    with workspace.deps.sessions() as session:
        weeks = sorted((c.goal.user_id, c.week_start) for c in session.scalars(select(CheckIn)))
        zones = {p.user_id: p.tz for p in session.scalars(select(UserPref))}
    assert weeks == [("U1", date(2026, 10, 26)), ("U1", date(2026, 11, 2)), ("U3", date(2026, 10, 26)),
                     ("U3", date(2026, 11, 2)), ("U4", date(2026, 10, 26))]
    assert zones == {"U1": "Europe/Rome", "U3": "America/New_York", "U4": "Asia/Tokyo"}  # from users.info, once
    assert len(workspace.fake.calls("users.info")) == 3


def test_replies_through_the_week_in_both_languages(workspace: LocalWorkspace) -> None:
    english = add_goal(workspace, "U1", current=2)
    italian = add_goal(workspace, "U2", current=2, lang="it")
    for week, (en_reply, it_reply) in enumerate((("4", "siamo a 4"), ("+2", "altri 2"), ("now at 9", "ora siamo a 9"))):
        monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC) + timedelta(weeks=week)
        run(workspace, at=monday)
        workspace.deps.clock.set(monday + timedelta(hours=3))  # type: ignore[attr-defined]
        workspace.say(en_reply, user="U1", thread_ts=last_card(workspace, "U1")["ts"])
        workspace.say(it_reply, user="U2", thread_ts=last_card(workspace, "U2")["ts"])
    for goal_id in (english, italian):
        assert [c.value for c in checkins_of(workspace, goal_id)] == [4, 6, 9]
        assert goal_of(workspace, goal_id).current == 9
    recorded = t("it", "checkin.recorded.value", amount="*9* clienti", change="+3")
    assert recorded in thread_answers(workspace, "U2", last_card(workspace, "U2"))[0]


def test_a_goal_set_up_after_this_weeks_moment_waits_for_next_week(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", created=datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    assert run(workspace)["planned"] == 0
    assert run(workspace, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))["planned"] == 1
    assert [str(c.week_start) for c in checkins_of(workspace, goal_id)] == ["2026-11-30"]


def test_a_goal_past_its_deadline_gets_no_more_checkins(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1", deadline=date(2026, 11, 20))
    assert run(workspace)["planned"] == 0


def test_the_default_time_zone_is_used_when_slack_cannot_say(workspace: LocalWorkspace) -> None:
    workspace.add_user("U5", name="nomad", tz=None, locale="en-US")
    add_goal(workspace, "U5", created=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    assert run(workspace, at=datetime(2026, 11, 30, 7, 59, tzinfo=UTC))["planned"] == 0
    assert run(workspace, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))["planned"] == 1  # Monday 09:00 in Rome


@pytest.fixture
def processes(database_url: str, clock: FixedClock, timer: VirtualTimer) -> Iterator[list[LocalWorkspace]]:
    """Processes on one database and one Slack workspace: the first, then each restart; all closed at the end."""
    started = [LocalWorkspace(make_settings(database_url), clock=clock)]
    started[0].deps.timer = timer
    yield started
    for ws in started:
        ws.close()



def test_a_planner_that_dies_half_way_resumes_after_a_restart(
    database_url: str, clock: FixedClock, processes: list[LocalWorkspace], monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = processes[0]
    users = [f"U{n}" for n in range(10, 15)]
    for user in users:
        first.add_user(user, name=user.lower(), tz="Europe/Rome")
        add_goal(first, user)
    import bot.jobs.checkins as planner_module

    real_enqueue = planner_module.enqueue_from
    calls = {"n": 0}

    def enqueue_then_die(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash()  # the second batch's messages: its check-in rows are written, uncommitted
        return real_enqueue(*args, **kwargs)

    monkeypatch.setattr(planner_module, "PLAN_BATCH", 2)
    monkeypatch.setattr(planner_module, "enqueue_from", enqueue_then_die)
    with pytest.raises(Crash):
        run(first)
    monkeypatch.setattr(planner_module, "enqueue_from", real_enqueue)
    with first.deps.sessions() as session:
        # The first transaction (two goals) committed; the second died with its rows and messages unwritten.
        assert len(session.scalars(select(CheckIn)).all()) == 2
        assert len(session.scalars(select(OutboxMessage)).all()) == 2

    second = restart(database_url, clock, processes)
    summary = run(second)
    assert (summary["planned"], summary["sent"]) == (3, 5)
    assert [len(cards(second, user)) for user in users] == [1] * 5
    assert run(second)["planned"] == 0


def test_a_delivery_that_dies_half_way_is_finished_by_the_next_process_once(
    database_url: str, clock: FixedClock, processes: list[LocalWorkspace],
) -> None:
    first = processes[0]
    users = [f"U{n}" for n in range(20, 24)]
    for user in users:
        first.add_user(user, name=user.lower(), tz="Europe/Rome")
        add_goal(first, user)
    from bot.jobs.registry import PLANNERS

    assert PLANNERS["checkins"](first.deps, first.app.client, clock()) == 4
    # The process claims two messages and dies before sending them: they stay "sending" under its name.
    with first.deps.sessions() as session:
        for message in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id).limit(2)):
            message.status, message.claimed_by, message.claimed_at = "sending", "dead-process", clock()
        session.commit()
    second = restart(database_url, clock, processes)
    assert run(second)["sent"] == 2  # the two unclaimed ones; the dead process's claims are still leased
    clock.set(clock() + timedelta(minutes=3))  # the lease runs out
    assert run(second)["sent"] == 2
    assert [len(cards(second, user)) for user in users] == [1] * 4
    with second.deps.sessions() as session:
        assert {m.status for m in session.scalars(select(OutboxMessage))} == {"sent"}


def test_rate_limits_and_server_errors_during_a_fan_out_are_retried_and_nothing_is_sent_twice(
    workspace: LocalWorkspace,
) -> None:
    users = [f"U{n}" for n in range(30, 34)]
    for user in users:
        workspace.add_user(user, name=user.lower(), tz="Europe/Rome")
        add_goal(workspace, user)
    workspace.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    workspace.fake.fail_next("chat.postMessage", status=500)
    summary = run(workspace)
    assert (summary["planned"], summary["sent"], summary["pending"]) == (4, 4, 0)
    assert summary["retried"] == 2
    assert [len(cards(workspace, user)) for user in users] == [1] * 4
    stats = workspace.fake.stats()
    assert (stats["rejected_429"], stats["rejected_500"], stats["duplicates"]) == (1, 1, 0)


def test_a_thread_answer_slack_refuses_for_a_while_is_queued_and_the_checkin_kept(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    # Slack answers ok:false fatal_error (a 5xx would be retried by the client first, sleeping for real).
    workspace.fake.fail_next("chat.postMessage", status=200, error="fatal_error")
    workspace.say("7", user="U1", thread_ts=card["ts"])
    assert goal_of(workspace, goal_id).current == 7  # recorded although the answer could not be posted yet
    assert thread_answers(workspace, "U1", card) == []
    with workspace.deps.sessions() as session:
        [queued] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reply")).all()
        assert queued.payload["thread_ts"] == card["ts"]
    run(workspace, "outbox", at=workspace.deps.clock() + timedelta(minutes=5))
    recorded = t("en", "checkin.recorded.value", amount="*7* clients", change="+3")
    assert recorded in thread_answers(workspace, "U1", card)[0]


def test_when_slack_cannot_say_where_someone_is_the_default_zone_is_used_and_asked_again_later(
    workspace: LocalWorkspace,
) -> None:
    workspace.add_user("U6", name="far", tz="America/New_York", locale="en-US")
    add_goal(workspace, "U6", created=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    workspace.fake.fail_next("users.info", status=200, error="fatal_error")
    assert run(workspace, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))["planned"] == 1  # 09:00 in Rome
    asked = len(workspace.fake.calls("users.info"))
    run(workspace, at=datetime(2026, 11, 30, 8, 30, tzinfo=UTC))
    assert len(workspace.fake.calls("users.info")) == asked  # not every minute
    run(workspace, at=datetime(2026, 11, 30, 9, 30, tzinfo=UTC))
    with workspace.deps.sessions() as session:
        pref = session.get(UserPref, (workspace.team_id, "U6"))
        assert pref is not None and pref.tz == "America/New_York"


# --- streamed in batches: the same check-ins whatever the batch size, once -------------------------------------


MONDAY_EVENING = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # Monday 09:00 has come in Rome, New York and Tokyo


def _a_mixed_team(ws: LocalWorkspace) -> dict[str, list[int]]:
    """Owners in three zones and both languages, one on Friday 16:00, one paused; goals set up too late, past
    their deadline or closed. Returns each owner's goal ids, the ones due this Monday first."""
    people = {"U1": ("Europe/Rome", "en-US"), "U2": ("Europe/Rome", "it-IT"), "U3": ("America/New_York", "en-US"),
              "U4": ("Asia/Tokyo", "it-IT"), "U5": ("Europe/Rome", "en-US"), "U6": ("Europe/Rome", "it-IT")}
    for user, (tz, locale) in people.items():
        ws.add_user(user, name=user.lower(), tz=tz, locale=locale)
    goals: dict[str, list[int]] = {}
    for user in people:
        goals[user] = [add_goal(ws, user, lang="it" if people[user][1] == "it-IT" else "en", current=n, target=10 + n)
                       for n in range(3)]
    goals["U1"].append(add_goal(ws, "U1", created=MONDAY_EVENING - timedelta(hours=1)))  # after 09:00: next week
    goals["U2"].append(add_goal(ws, "U2", deadline=date(2026, 11, 27)))  # past its deadline: the review's turn
    with ws.deps.sessions() as session:
        session.add(UserPref(team_id=ws.team_id, user_id="U5", checkin_weekday=4, checkin_time="16:00"))
        session.add(UserPref(team_id=ws.team_id, user_id="U6", paused_until=date(2026, 12, 7)))
        closed = session.get(Goal, goals["U3"][2])
        assert closed is not None
        closed.status = "achieved"
        session.commit()
    return goals


def test_check_ins_streamed_in_small_batches_are_the_ones_the_rule_says_each_once(
    workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.jobs.checkins as planner_module

    goals = _a_mixed_team(workspace)
    monkeypatch.setattr(planner_module, "PLAN_BATCH", 4)  # 20 goals: five batches, owners split across them
    summary = run(workspace, at=MONDAY_EVENING)
    expected = {*goals["U1"][:3], *goals["U2"][:3], *goals["U3"][:2], *goals["U4"][:3]}
    with workspace.deps.sessions() as session:
        planned = {(c.goal_id, c.week_start) for c in session.scalars(select(CheckIn).where(CheckIn.asked_at.is_not(None)))}
        keys = {m.idempotency_key for m in session.scalars(select(OutboxMessage))}
    assert planned == {(goal_id, date(2026, 11, 30)) for goal_id in expected}
    assert keys == {f"checkin:{goal_id}:2026-11-30" for goal_id in expected}
    assert (summary["planned"], summary["sent"]) == (len(expected), len(expected))
    assert [len(cards(workspace, user)) for user in ("U1", "U2", "U3", "U4", "U5", "U6")] == [3, 3, 2, 3, 0, 0]
    # Run again, and with another batch size: nothing more is planned or sent.
    monkeypatch.setattr(planner_module, "PLAN_BATCH", 7)
    assert (run(workspace)["planned"], run(workspace)["sent"]) == (0, 0)
    assert [len(cards(workspace, user)) for user in ("U1", "U2", "U3", "U4")] == [3, 3, 2, 3]


def test_a_card_rendered_when_sent_is_the_card_of_the_goal_in_its_owners_language_and_day(
    workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.jobs.checkins as planner_module
    from bot.blocks.checkins import checkin_message
    from storage.repositories import goal_with_history

    goals = _a_mixed_team(workspace)
    monkeypatch.setattr(planner_module, "PLAN_BATCH", 3)
    run(workspace, at=MONDAY_EVENING)
    for user, lang, today in (("U1", "en", date(2026, 11, 30)), ("U4", "it", date(2026, 12, 1))):  # Tokyo: Tuesday
        sent = sorted(((card["text"], card["blocks"]) for card in cards(workspace, user)), key=repr)
        wanted = []
        for goal_id in goals[user][:3]:
            with workspace.deps.sessions() as session:
                goal = goal_with_history(session, goal_id)
                checkin = session.scalars(select(CheckIn).where(CheckIn.goal_id == goal_id)).one()
                assert goal is not None
                expected = checkin_message(lang, goal, checkin.id, today).payload()
            wanted.append((expected["text"], expected["blocks"]))
        # One card per goal, each the card of its goal (the order of one person's cards is not promised).
        assert sent == sorted(wanted, key=repr)


def test_a_card_whose_goal_was_deleted_before_it_went_out_is_not_sent(workspace: LocalWorkspace) -> None:
    from bot.jobs.registry import PLANNERS

    kept, deleted = add_goal(workspace, "U1"), add_goal(workspace, "U1", title="Book 40 discovery meetings")
    assert PLANNERS["checkins"](workspace.deps, workspace.app.client, MONDAY_EVENING) == 2
    with workspace.deps.sessions() as session:
        goal = session.get(Goal, deleted)
        assert goal is not None
        session.delete(goal)  # its check-in goes with it (ON DELETE CASCADE), its message is still queued
        session.commit()
    summary = run(workspace, "outbox", at=MONDAY_EVENING)
    assert (summary["sent"], summary["failed"]) == (1, 1)
    assert [card["text"] for card in cards(workspace, "U1")] == [t("en", "checkin.fallback", title="Sign 10 new clients in healthcare")]
    with workspace.deps.sessions() as session:
        statuses = {m.idempotency_key: m.status for m in session.scalars(select(OutboxMessage))}
    assert statuses == {f"checkin:{kept}:2026-11-30": "sent", f"checkin:{deleted}:2026-11-30": "failed"}
