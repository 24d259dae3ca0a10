"""One goal, one moment, one status: every screen shows the model's status and progress, on both databases.

A table of goals — each kind, each status, with and without a starting point, closed, paused, a skipped week —
is stored, then rendered on every surface: the check-in card, the thread answer, `/goal list`, the App Home, the
edit list, the review, the digest (from its own one-query path) and its chart, the CSV and JSON exports.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.blocks.checkins import checkin_message, recorded_message
from bot.blocks.edit import goal_picker, review_message
from bot.blocks.goals import goal_list
from bot.blocks.home import home_view
from bot.blocks.standing import standing_of, value_of_target
from bot.rules.progress import Kind, Status
from bot.services.digests import build_digest
from bot.services.export import render
from prompts import t
from storage.db import make_session_factory
from storage.models import CheckIn, Goal, GoalRevision, UserPref
from storage.repositories import list_goals
from tests.bot.conftest import all_text

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)
WEEK = date(2026, 11, 23)
START = date(2026, 10, 1)
DEADLINE = date(2027, 3, 31)  # 56 of 181 days gone: 31% expected


@dataclass
class Case:
    """A goal as stored, and the status the model gives it."""

    title: str
    status: Status
    direction: str = "increase"
    unit: str | None = "clients"
    metric: str | None = "new_clients"
    baseline: float | None = 0
    target: float = 10
    current: float | None = None
    goal_status: str = "active"
    deadline: date = DEADLINE
    start: date = START
    values: list[float] = field(default_factory=list)  # weekly values up to last week
    this_week: str | None = None  # answered / skipped this week
    override: bool = False
    owner: str = "U1"


CASES = [
    Case("reach not started", Status.NOT_STARTED),
    Case("reach on track", Status.ON_TRACK, current=4, values=[2, 3, 4]),
    Case("reach at risk", Status.AT_RISK, current=2, values=[1, 2]),
    Case("reach off track", Status.OFF_TRACK, current=0, values=[0]),
    Case("reach achieved", Status.ACHIEVED, current=10, values=[4, 10], this_week="answered"),
    Case("reach past its deadline, not reviewed", Status.OVERDUE, current=6, deadline=date(2026, 11, 20),
         start=date(2026, 8, 1)),
    Case("revenue from a start", Status.ON_TRACK, unit="EUR", metric="revenue", baseline=200_000, target=260_000,
         current=220_000, values=[210_000, 220_000]),
    Case("revenue without a start", Status.OFF_TRACK, unit="EUR", metric="revenue", baseline=None, target=250_000,
         current=10_000, values=[10_000]),
    Case("growth of product X", Status.ON_TRACK, unit="%", metric="sales", baseline=None, target=15, current=6,
         values=[3, 6]),
    Case("churn down to 3%", Status.ON_TRACK, direction="decrease", unit="%", metric="churn_rate", baseline=8,
         target=3, current=6, values=[7, 6]),
    Case("at-risk accounts without a start", Status.NEEDS_BASELINE, direction="decrease", unit="accounts",
         metric=None, baseline=None, target=2, current=5, values=[5]),
    Case("retention held", Status.ON_TRACK, direction="maintain", unit="%", metric="retention_rate", baseline=None,
         target=90, current=92, values=[91, 92]),
    Case("retention fell below once", Status.AT_RISK, direction="maintain", unit="%", metric="retention_rate",
         baseline=None, target=90, current=91, values=[88, 91]),
    Case("retention below now", Status.OFF_TRACK, direction="maintain", unit="%", metric="retention_rate",
         baseline=None, target=90, current=85, values=[92, 85]),
    Case("retention no value yet", Status.NOT_STARTED, direction="maintain", unit="%", metric="retention_rate",
         baseline=None, target=90),
    Case("skipped this week", Status.ON_TRACK, current=4, values=[3, 4], this_week="skipped"),
    Case("paused owner", Status.ON_TRACK, current=4, values=[4], owner="U2"),
    Case("closed achieved on the numbers", Status.ACHIEVED, current=10, goal_status="achieved"),
    Case("closed achieved by override", Status.ACHIEVED, current=0, goal_status="achieved", override=True),
    Case("closed as done at 0 of 12", Status.MISSED, target=12, current=0, goal_status="done"),
    Case("closed missed", Status.MISSED, current=3, goal_status="missed"),
    Case("closed dropped", Status.DROPPED, current=3, goal_status="dropped"),
]


def store(engine: Engine) -> dict[str, int]:
    sessions = make_session_factory(engine)
    ids: dict[str, int] = {}
    with sessions() as session:
        session.add(UserPref(team_id="T1", user_id="U2", paused_until=date(2026, 12, 31)))
        for case in CASES:
            closed = case.goal_status != "active"
            goal = Goal(team_id="T1", user_id=case.owner, title=case.title, type="revenue", subject=case.title,
                        metric=case.metric, unit=case.unit, direction=case.direction, baseline=case.baseline,
                        target=case.target, current=case.current, start_date=case.start, deadline=case.deadline,
                        status=case.goal_status, lang="en", created_at=datetime(2026, 8, 1, tzinfo=UTC),
                        updated_at=NOW, closed_at=NOW - timedelta(hours=2) if closed else None)
            session.add(goal)
            session.flush()
            ids[case.title] = goal.id
            weeks = [WEEK - timedelta(weeks=len(case.values) - i) for i in range(len(case.values))]
            if case.this_week == "answered" and case.values:
                weeks = [WEEK - timedelta(weeks=len(case.values) - 1 - i) for i in range(len(case.values))]
            for week, value in zip(weeks, case.values, strict=True):
                session.add(CheckIn(goal_id=goal.id, week_start=week, status="answered", value=value,
                                    answered_at=datetime.combine(week, datetime.min.time(), tzinfo=UTC)
                                    + timedelta(days=1)))
            if case.this_week == "skipped":
                session.add(CheckIn(goal_id=goal.id, week_start=WEEK, status="skipped"))
            if case.override:
                session.add(GoalRevision(goal_id=goal.id, changed_by=case.owner, changed_at=NOW, field="override",
                                         before="0", after="achieved", reason="framework deal"))
        session.commit()
    return ids


def label(lang: str, status: Status) -> str:
    return t(lang, f"pace.{status}")


def digest_line(text: str, title: str) -> str:
    """The digest's line for one goal: the line after its title."""
    start = text.index(f"*{title}*")
    return text[start:].split("\n")[1]


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_surface_shows_the_same_status_and_progress(engine: Engine, lang: str) -> None:
    ids = store(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        goals = {g.title: g for g in list_goals(session, "T1")}
        built = build_digest(session, team_id="T1", member_ids=["U1", "U2"], now=NOW, tz="UTC", lang=lang)
        digest_text = "\n".join(all_text(m.payload()) for m in built.messages)
        digest_status = {g.id: g.status for g in built.view.goals}
        home = all_text(home_view(lang, list(goals.values()), schedule_text="", today=TODAY))
        listing = all_text(goal_list(lang, list(goals.values()), TODAY).payload())
        picker = all_text(goal_picker(lang, list(goals.values()), action_id=None, prompt_key="manage.edit.pick",
                                      today=TODAY).payload())
        exported_csv = {row["id"]: row for row in csv.DictReader(io.StringIO(render(list(goals.values()), "csv",
                                                                                    today=TODAY)))}
        exported_json = {g["id"]: g for g in json.loads(render(list(goals.values()), "json", today=TODAY))["goals"]}

        for case in CASES:
            goal = goals[case.title]
            item = standing_of(goal, TODAY)
            assert item.status is case.status, case.title  # the model's answer, stated in the table
            # Achieved on the owner's word reads so everywhere: "achieved by decision", never a plain 🏆.
            shown = t(lang, "pace.achieved_override") if case.override else label(lang, item.status)
            percent = None if item.percent is None else f"{item.percent}%"
            if case.direction == "maintain":
                assert item.percent is None  # never "x% of the floor"

            texts: dict[str, str] = {"list": listing, "picker": picker}
            review = review_message(lang, goal, occasion="deadline", today=TODAY)
            texts["review"] = all_text(review.payload())
            if case.goal_status == "active":
                texts["card"] = all_text(checkin_message(lang, goal, 1, TODAY).payload())
                if goal.current is not None:
                    texts["answer"] = all_text(recorded_message(lang, goal, value=goal.current, change=None,
                                                                today=TODAY, blocker=None).payload())
            texts["home"] = home
            for surface, text in texts.items():
                # On list-like surfaces, the goal's own entry: from "*#id*" to the next goal's.
                marker = f"*#{goal.id}* "
                own = text[text.rindex(marker):].split("*#")[1] if marker in text else text
                assert shown in own, (surface, case.title)
                if percent is not None and not (surface == "home" and case.goal_status != "active"):
                    assert percent in own, (surface, case.title)
                if case.direction == "maintain":  # a floor has no distance to fill: no bar anywhere
                    assert "▰" not in own and "▱" not in own, (surface, case.title)

            in_digest = case.goal_status == "active" or case.goal_status in ("achieved", "done", "missed",
                                                                            "dropped")
            if in_digest:
                assert digest_status[ids[case.title]] is item.status, ("digest", case.title)
                line = digest_line(digest_text, case.title)
                assert shown in line, ("digest", case.title)
                if percent is not None:
                    assert percent in line, ("digest", case.title)
                if case.direction == "maintain":
                    assert "▰" not in line and "▱" not in line, ("digest", case.title, line)
            if case.this_week == "skipped":
                assert t(lang, "digest.skipped_this_week") in digest_text[digest_text.index(case.title):][:600]
            if case.direction == "decrease" and goal.current is not None:
                # Where a reduce goal stands says which way it goes: "now 6%, down to 3%", never "6% of 3%".
                down = value_of_target(lang, goal.current, goal.target, goal.unit, down=True)
                wrong = value_of_target(lang, goal.current, goal.target, goal.unit)
                for surface, text in (("digest", digest_line(digest_text, case.title)), ("card", texts["card"]),
                                      ("list", listing)):
                    assert down in text and wrong not in text, (surface, case.title, text[:300])

            row = exported_csv[str(ids[case.title])]
            assert row["standing"] == str(item.status), ("csv", case.title)
            assert row["progress_percent"] == ("" if item.percent is None else str(item.percent))
            record = exported_json[ids[case.title]]
            assert (record["standing"], record["progress_percent"]) == (str(item.status), item.percent)

    # The digest counts only real achievements this week, and its totals leave closed goals and starting points out.
    achieved = {g.title for g in built.view.achieved}
    assert achieved == {"reach achieved", "closed achieved on the numbers"}
    eur = next(total for total in built.view.totals if total.unit == "EUR")
    assert (eur.gained, eur.needed) == (20_000 + 10_000, 60_000 + 250_000)
    clients = next(total for total in built.view.totals if total.unit == "clients")
    assert clients.closed == 5
    assert Kind.MAINTAIN not in {total.unit for total in built.view.totals}


def test_a_value_a_hair_under_the_floor_is_held_in_the_digest_as_on_the_card(engine: Engine) -> None:
    # 89.999999999999 differs from the floor by float rounding only: the model holds it (within 1e-9), and the
    # digest's SQL count of weeks below the floor must say the same, or the digest says "except for 1 week".
    sessions = make_session_factory(engine)
    with sessions() as session:
        goal = Goal(team_id="T1", user_id="U1", title="retention at 90", type="retention", subject="retention",
                    metric="retention_rate", unit="%", direction="maintain", baseline=None, target=90,
                    current=92, start_date=date(2026, 8, 1), deadline=date(2027, 6, 30), status="active",
                    lang="en", created_at=datetime(2026, 8, 1, tzinfo=UTC), updated_at=NOW)
        session.add(goal)
        session.flush()
        for weeks_ago, value in ((2, 90 - 1e-12), (1, 92.0)):
            week = WEEK - timedelta(weeks=weeks_ago)
            session.add(CheckIn(goal_id=goal.id, week_start=week, status="answered", value=value,
                                answered_at=datetime.combine(week, datetime.min.time(), tzinfo=UTC)))
        session.commit()
        [stored] = list_goals(session, "T1")
        card = standing_of(stored, TODAY)
        built = build_digest(session, team_id="T1", member_ids=["U1"], now=NOW, tz="UTC", lang="en")
    [in_digest] = built.view.goals
    assert card.status is Status.ON_TRACK and card.weeks_below == 0
    assert (in_digest.status, in_digest.standing.weeks_below) == (card.status, card.weeks_below)
