"""Reviews at a goal's deadline and at the end of each quarter: planned once, in the owner's time, and answered."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import ids
from bot.clock import FixedClock
from bot.jobs.reviews import (
    Occasion,
    last_quarter_end,
    quarter_end,
    quarter_label,
    review_key,
    review_occasion,
)
from bot.jobs.runner import run_job
from bot.local.workspace import LocalWorkspace
from prompts import fmt_date, phrase, t, unit_name
from storage.models import Goal, OutboxMessage, UserPref
from tests.bot.conftest import all_text, dm_texts, last_bot_message
from tests.bot.listeners.test_manage import add_goal, goal_of, last_modal, revisions_of, submit_edit


def run_reviews(ws: LocalWorkspace, at: datetime) -> dict[str, object]:
    """Run the reviews job at `at`, with the workspace's clock there too (clicks that follow happen then)."""
    clock = ws.deps.clock
    assert isinstance(clock, FixedClock)
    clock.set(at)
    return run_job(ws.deps, ws.app.client, "reviews", now=at)


def review_keys(ws: LocalWorkspace) -> list[str]:
    with ws.deps.sessions() as session:
        return list(session.scalars(select(OutboxMessage.idempotency_key)
                                    .where(OutboxMessage.kind == "review").order_by(OutboxMessage.id)))


def set_pref(ws: LocalWorkspace, user: str, **fields: object) -> None:
    with ws.deps.sessions() as session:
        session.merge(UserPref(team_id=ws.team_id, user_id=user, **fields))
        session.commit()


def test_quarter_arithmetic() -> None:
    assert quarter_end(date(2026, 11, 26)) == date(2026, 12, 31)
    assert quarter_end(date(2027, 2, 28)) == date(2027, 3, 31)
    assert last_quarter_end(date(2026, 11, 26)) == date(2026, 9, 30)
    assert last_quarter_end(date(2026, 12, 31)) == date(2026, 12, 31)
    assert last_quarter_end(date(2027, 1, 3)) == date(2026, 12, 31)
    assert quarter_label(date(2027, 6, 30)) == "2027Q2"


def test_the_owner_is_asked_to_review_on_the_deadline_day_once(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 9, 1), deadline=date(2026, 12, 4))
    run_reviews(workspace, datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    run_reviews(workspace, datetime(2026, 12, 4, 7, 30, tzinfo=UTC))  # 08:30 in Rome: before the check-in time
    assert review_keys(workspace) == []

    run_reviews(workspace, datetime(2026, 12, 4, 8, 5, tzinfo=UTC))  # 09:05 in Rome
    assert review_keys(workspace) == [f"review:{goal_id}:deadline"]
    review = last_bot_message(workspace, "U1")
    text = all_text(review)
    assert "reaches its deadline today (4 December 2026)" in text
    # 4 of 10 clients: the review offers *Missed*, never a one-click *Achieved*.
    for action_id in (ids.ACTION_REVIEW_MISSED, ids.ACTION_REVIEW_EXTEND, ids.ACTION_REVIEW_ADJUST):
        assert action_id in str(review["blocks"])
    assert ids.ACTION_REVIEW_ACHIEVED not in str(review["blocks"])

    run_reviews(workspace, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    assert review_keys(workspace) == [f"review:{goal_id}:deadline"]
    asked = t("en", "review.deadline", id=goal_id, title="acquire 10 new clients in the next six months",
              date=fmt_date("en", date(2026, 12, 4)), when=t("en", "review.today"))
    assert len([text for text in dm_texts(workspace, "U1") if asked in text]) == 1


def test_the_review_follows_the_owners_time_zone(workspace: LocalWorkspace) -> None:
    set_pref(workspace, "U1", tz="America/New_York")
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 9, 1), deadline=date(2026, 12, 4))
    run_reviews(workspace, datetime(2026, 12, 4, 12, 0, tzinfo=UTC))  # 07:00 in New York
    assert review_keys(workspace) == []
    run_reviews(workspace, datetime(2026, 12, 4, 14, 30, tzinfo=UTC))  # 09:30 in New York
    assert review_keys(workspace) == [f"review:{goal_id}:deadline"]


def test_goals_running_past_the_quarter_are_reviewed_at_its_end(workspace: LocalWorkspace) -> None:
    running = add_goal(workspace, "U1", start_date=date(2026, 10, 1), deadline=date(2027, 3, 31))
    ending = add_goal(workspace, "U1", start_date=date(2026, 10, 1), deadline=date(2026, 12, 31))
    brand_new = add_goal(workspace, "U1", start_date=date(2026, 12, 31), deadline=date(2027, 3, 31))
    closed = add_goal(workspace, "U1", start_date=date(2026, 10, 1), deadline=date(2027, 3, 31), status="done")
    run_reviews(workspace, datetime(2026, 12, 31, 8, 30, tzinfo=UTC))
    assert sorted(review_keys(workspace)) == sorted([f"review:{running}:2026Q4", f"review:{ending}:deadline"])
    quarter = t("en", "review.quarter", id=running, title="acquire 10 new clients in the next six months",
                date=fmt_date("en", date(2027, 3, 31)))
    assert any(quarter in text for text in dm_texts(workspace, "U1"))
    assert not any(str(key).startswith((f"review:{brand_new}:", f"review:{closed}:")) for key in review_keys(workspace))


def test_one_run_asks_each_goal_for_its_own_review(workspace: LocalWorkspace) -> None:
    """A deadline review and a quarter review planned together each carry their own text and key."""
    title = "acquire 10 new clients in the next six months"
    running = add_goal(workspace, "U1", start_date=date(2026, 10, 1), deadline=date(2027, 3, 31))
    ending = add_goal(workspace, "U2", start_date=date(2026, 10, 1), deadline=date(2026, 12, 31), lang="it")
    run_reviews(workspace, datetime(2026, 12, 31, 8, 30, tzinfo=UTC))  # 09:30 in Rome, the quarter's last day
    assert sorted(review_keys(workspace)) == sorted([f"review:{running}:2026Q4", f"review:{ending}:deadline"])

    quarter = all_text(last_bot_message(workspace, "U1"))
    assert t("en", "review.quarter", id=running, title=title, date=fmt_date("en", date(2027, 3, 31))) in quarter
    deadline = all_text(last_bot_message(workspace, "U2"))  # marco writes Italian
    assert t("it", "review.deadline", id=ending, title=title, date=fmt_date("it", date(2026, 12, 31)),
             when=t("it", "review.today")) in deadline


def test_review_occasions_name_the_review_due() -> None:
    goal = Goal(start_date=date(2026, 10, 1), deadline=date(2027, 3, 31))
    rome = ZoneInfo("Europe/Rome")
    on_quarter_end = review_occasion(goal, local_now=datetime(2026, 12, 31, 9, 30, tzinfo=rome), review_time="09:00")
    assert on_quarter_end == Occasion("quarter", date(2026, 12, 31))
    assert review_key(7, on_quarter_end) == "review:7:2026Q4"
    at_deadline = review_occasion(goal, local_now=datetime(2027, 3, 31, 9, 30, tzinfo=rome), review_time="09:00")
    assert at_deadline == Occasion("deadline") and review_key(7, at_deadline) == "review:7:deadline"
    assert review_occasion(goal, local_now=datetime(2026, 12, 31, 8, 0, tzinfo=rome), review_time="09:00") is None


def test_a_paused_owner_is_reviewed_when_the_pause_ends(workspace: LocalWorkspace) -> None:
    set_pref(workspace, "U1", paused_until=date(2026, 12, 10))
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 9, 1), deadline=date(2026, 12, 4))
    run_reviews(workspace, datetime(2026, 12, 4, 10, 0, tzinfo=UTC))
    assert review_keys(workspace) == []
    run_reviews(workspace, datetime(2026, 12, 10, 10, 0, tzinfo=UTC))
    assert review_keys(workspace) == [f"review:{goal_id}:deadline"]
    assert t("en", "review.deadline", id=goal_id, title="acquire 10 new clients in the next six months",
             date=fmt_date("en", date(2026, 12, 4)), when=t("en", "review.passed")) in all_text(
        last_bot_message(workspace, "U1"))


def test_achieved_closes_the_goal_and_the_review_card(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 9, 1), deadline=date(2026, 12, 4), current=10)
    workspace.open_home("U1")  # someone who has opened the Home sees it follow the change
    run_reviews(workspace, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    review = last_bot_message(workspace, "U1")
    workspace.click(review, ids.ACTION_REVIEW_ACHIEVED, user="U1", value=str(goal_id))
    goal = goal_of(workspace, goal_id)
    assert goal.status == "achieved" and goal.closed_at is not None
    assert t("en", "manage.close.achieved", id=goal_id, title="acquire 10 new clients in the next six months") \
        in dm_texts(workspace, "U1")[-1]
    card = next(m for m in workspace.fake.dm_messages("U1") if m["ts"] == review["ts"])
    assert ids.ACTION_REVIEW_ACHIEVED not in str(card["blocks"]) and "Achieved" in all_text(card)
    home = workspace.fake.home_view("U1")
    assert home is not None and t("en", "home.closed_header") in all_text({"blocks": home["blocks"]})

    workspace.click(review, ids.ACTION_REVIEW_ACHIEVED, user="U1", value=str(goal_id))  # a stale second click
    assert "already closed (achieved)" in dm_texts(workspace, "U1")[-1]


def test_extend_asks_for_a_new_deadline_and_keeps_the_revision(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 9, 1), deadline=date(2026, 12, 4))
    run_reviews(workspace, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    review = last_bot_message(workspace, "U1")
    workspace.click(review, ids.ACTION_REVIEW_EXTEND, user="U1", value=str(goal_id))
    modal = last_modal(workspace)
    inputs = [b["block_id"] for b in modal["blocks"] if b["type"] == "input"]
    assert inputs == [ids.BLOCK_EDIT_DEADLINE, ids.BLOCK_EDIT_REASON]

    past = t("en", "manage.edit.deadline_past", date=fmt_date("en", date(2026, 12, 1)))
    assert past in str(submit_edit(workspace, "U1", deadline="1 December 2026", reason="late").body)
    submit_edit(workspace, "U1", deadline="end of next quarter", reason="the customer's budget moved")
    assert goal_of(workspace, goal_id).deadline == date(2027, 3, 31)
    [revision] = revisions_of(workspace, goal_id)
    assert (revision.field, revision.before, revision.after) == ("deadline", "2026-12-04", "2027-03-31")
    card = next(m for m in workspace.fake.dm_messages("U1") if m["ts"] == review["ts"])
    assert ids.ACTION_REVIEW_EXTEND not in str(card["blocks"]) and "Reviewed" in all_text(card)


def test_adjust_opens_the_full_edit_modal(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 9, 1), deadline=date(2026, 12, 4))
    run_reviews(workspace, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    workspace.click(last_bot_message(workspace, "U1"), ids.ACTION_REVIEW_ADJUST, user="U1", value=str(goal_id))
    inputs = [b["block_id"] for b in last_modal(workspace)["blocks"] if b["type"] == "input"]
    assert ids.BLOCK_EDIT_TARGET in inputs and ids.BLOCK_EDIT_METRIC in inputs
    submit_edit(workspace, "U1", target="8", deadline="31 January 2027", reason="two clients churned")
    goal = goal_of(workspace, goal_id)
    assert (goal.target, goal.deadline) == (8, date(2027, 1, 31))


def test_someone_else_clicking_a_review_changes_nothing(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 9, 1), deadline=date(2026, 12, 4))
    run_reviews(workspace, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    workspace.click(last_bot_message(workspace, "U1"), ids.ACTION_REVIEW_MISSED, user="U2", value=str(goal_id))
    assert goal_of(workspace, goal_id).status == "active"
    assert t("it", "manage.not_yours", id=goal_id) in dm_texts(workspace, "U2")[-1]


def test_a_quarter_review_missed_on_the_day_goes_out_late_but_not_weeks_late(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 10, 1), deadline=date(2027, 3, 31))
    run_reviews(workspace, datetime(2027, 1, 9, 10, 0, tzinfo=UTC))  # nine days after: about the next quarter now
    assert review_keys(workspace) == []
    run_reviews(workspace, datetime(2027, 1, 2, 10, 0, tzinfo=UTC))
    assert review_keys(workspace) == [f"review:{goal_id}:2026Q4"]
    review = last_bot_message(workspace, "U1")
    assert "The quarter ended on 31 December 2026" in all_text(review)
    # Three months to go: the review asks whether the target still fits; it offers no one-click *Missed*.
    assert t("en", "review.question_running") in all_text(review)
    assert ids.ACTION_REVIEW_MISSED not in str(review["blocks"]) and ids.ACTION_REVIEW_EXTEND in str(review["blocks"])


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user", [("en", "U1"), ("it", "U2")])
def test_a_review_of_an_unmet_goal_closes_it_as_missed_and_never_as_achieved(
    workspace: LocalWorkspace, lang: str, user: str,
) -> None:
    goal_id = add_goal(workspace, user, start_date=date(2026, 9, 1), deadline=date(2026, 12, 4), current=0,
                       target=12)
    run_reviews(workspace, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    review = last_bot_message(workspace, user)
    # A stale or crafted *Achieved* click on 0 of 12 closes nothing: it asks for the owner's reason.
    workspace.dispatch(*workspace.requests.block_actions(
        user_id=user, action_id=ids.ACTION_REVIEW_ACHIEVED, value=str(goal_id), block_id=f"review:{goal_id}",
        message=review, action_text="Achieved"))
    assert goal_of(workspace, goal_id).status == "active"
    shown = t(lang, "measure.of_count", current="0", target="12", unit=unit_name(lang, "clients", 12))
    assert t(lang, "manage.close.needs_override", id=goal_id, title="acquire 10 new clients in the next six months",
             shown_at=phrase(lang, "at", 0, "clients", shown)) in dm_texts(workspace, user)[-1]

    workspace.click(review, ids.ACTION_REVIEW_MISSED, user=user, value=str(goal_id))
    assert goal_of(workspace, goal_id).status == "missed"
    assert t(lang, "manage.close.missed", id=goal_id, title="acquire 10 new clients in the next six months") \
        in dm_texts(workspace, user)[-1]
