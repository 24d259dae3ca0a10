"""Adjusting and closing goals as a person does it: `/goal edit` and its modal, done, drop, history."""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

import pytest
from slack_bolt import BoltResponse
from sqlalchemy import select

from bot import ids
from bot.local.workspace import LocalWorkspace
from prompts import fmt_amount, fmt_date, phrase, t, unit_name
from storage.models import CheckIn, Goal, GoalRevision
from tests.bot.conftest import NOW, all_text, dm_texts, last_bot_message

# --------------------------------------------------------------------------------------------------- helpers


def add_goal(ws: LocalWorkspace, user: str, **fields: Any) -> int:
    """Store an active goal as the SMART conversation would have saved it; returns its id."""
    values: dict[str, Any] = dict(
        team_id=ws.team_id, user_id=user, title="acquire 10 new clients in the next six months",
        type="new_business", subject=None, metric="new_clients", unit="clients", direction="increase",
        baseline=None, target=10.0, current=None, start_date=date(2026, 11, 26), deadline=date(2027, 5, 26),
        confidence=8, plan="two demos a week", relevance="expand into healthcare", status="active", lang="en",
        created_at=NOW, updated_at=NOW,
    )
    values.update(fields)
    with ws.deps.sessions() as session:
        goal = Goal(**values)
        session.add(goal)
        session.commit()
        return goal.id


def add_checkin(ws: LocalWorkspace, goal_id: int, week: date, value: float, **fields: Any) -> None:
    """Store an answered check-in (and move the goal's current value to it)."""
    with ws.deps.sessions() as session:
        session.add(CheckIn(goal_id=goal_id, week_start=week, status="answered", value=value, **fields))
        goal = session.get(Goal, goal_id)
        assert goal is not None
        goal.current = value
        session.commit()


def goal_of(ws: LocalWorkspace, goal_id: int) -> Goal:
    with ws.deps.sessions() as session:
        goal = session.get(Goal, goal_id)
        assert goal is not None
        return goal


def revisions_of(ws: LocalWorkspace, goal_id: int) -> list[GoalRevision]:
    with ws.deps.sessions() as session:
        return list(session.scalars(select(GoalRevision).where(GoalRevision.goal_id == goal_id)
                                    .order_by(GoalRevision.id)))


def ephemeral_texts(ws: LocalWorkspace, user: str) -> list[str]:
    return [all_text(m) for m in ws.fake.ephemeral_messages(user)]


def last_modal(ws: LocalWorkspace) -> dict[str, Any]:
    modals = ws.fake.modals()
    assert modals, "no modal was opened"
    return modals[-1]


def input_state(view: dict[str, Any], **typed: str) -> dict[str, dict[str, Any]]:
    """What Slack submits for a modal: every input's initial value, except the ones typed (field name → text)."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        name = block["block_id"].removeprefix("edit_")
        if element["type"] == "static_select":
            chosen = typed.get(name)
            option = (next(o for o in element["options"] if o["value"] == chosen) if chosen is not None
                      else element.get("initial_option"))
            values[block["block_id"]] = {element["action_id"]: {"type": "static_select", "selected_option": option}}
        else:
            text = typed.get(name, element.get("initial_value") or "")
            values[block["block_id"]] = {element["action_id"]: {"type": "plain_text_input", "value": text}}
    return values


def submit_edit(ws: LocalWorkspace, user: str, view: dict[str, Any] | None = None, **typed: str) -> BoltResponse:
    """Type into the edit modal and press Save."""
    view = view or last_modal(ws)
    return ws.submit(view, input_state(view, **typed), user=user)


def ack_body(response: BoltResponse) -> dict[str, Any]:
    return json.loads(response.body) if response.body else {}


# --------------------------------------------------------------------------------------------------- edit


def test_edit_with_one_goal_opens_a_prefilled_modal(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    workspace.command("edit", user="U1")
    view = last_modal(workspace)
    assert view["callback_id"] == ids.VIEW_EDIT_GOAL
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs[ids.BLOCK_EDIT_TARGET]["initial_value"] == "10"
    assert inputs[ids.BLOCK_EDIT_DEADLINE]["initial_value"] == "26 May 2027"
    assert inputs[ids.BLOCK_EDIT_METRIC]["initial_option"]["value"] == "new_clients"
    assert "initial_value" not in inputs[ids.BLOCK_EDIT_REASON]


def test_an_edit_is_saved_with_its_revision_and_the_goal_is_marked_adjusted(workspace: LocalWorkspace,
                                                                            clock: Any) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.command("edit", user="U1")
    response = submit_edit(workspace, "U1", target="12", deadline="30 June 2027",
                           reason="two big deals moved into this half")
    assert response.status == 200 and ack_body(response) == {}

    goal = goal_of(workspace, goal_id)
    assert (goal.target, goal.deadline) == (12, date(2027, 6, 30))
    assert goal.adjusted_at is not None
    revisions = revisions_of(workspace, goal_id)
    assert [(r.field, r.before, r.after) for r in revisions] == [
        ("target", "10", "12"), ("deadline", "2027-05-26", "2027-06-30"),
        # The title named the old target once: rewritten, and kept in the history like any change.
        ("title", "acquire 10 new clients in the next six months", "acquire 12 new clients in the next six months")]
    assert {(r.changed_by, r.reason) for r in revisions} == {("U1", "two big deals moved into this half")}
    assert all(r.changed_at.replace(tzinfo=None) == NOW.replace(tzinfo=None) for r in revisions)
    confirmation = dm_texts(workspace, "U1")[-1]
    assert "10 clients → 12 clients" in confirmation and "26 May 2027 → 30 June 2027" in confirmation


def test_a_slow_check_still_closes_the_modal_of_an_edit_that_is_saved(workspace: LocalWorkspace,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # Bolt starts the lazy save alongside the ack's check; on a busy machine the save used to commit first and
    # the check then answered "Nothing changed" on the modal of an edit that had been saved.
    from bot.services import goal_actions

    real_check = goal_actions.check_edit_form

    def slow_check(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(goal_actions, "check_edit_form", slow_check)
    goal_id = add_goal(workspace, "U1")
    workspace.command("edit", user="U1")
    response = submit_edit(workspace, "U1", target="12", reason="two big deals moved into this half")
    assert ack_body(response) == {}
    assert goal_of(workspace, goal_id).target == 12
    assert [r.field for r in revisions_of(workspace, goal_id)] == ["target", "title"]  # saved once


def test_a_rejected_edit_is_not_saved_by_the_work_after_the_ack(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.command("edit", user="U1")
    response = submit_edit(workspace, "U1", target="12", reason="")
    assert ack_body(response)["errors"] == {ids.BLOCK_EDIT_REASON: t("en", "manage.edit.reason_required")}
    assert goal_of(workspace, goal_id).target == 10 and revisions_of(workspace, goal_id) == []


def test_history_lists_every_change_with_who_when_and_why(workspace: LocalWorkspace, clock: Any) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.command(f"edit {goal_id} target 12 because the pipeline doubled", user="U1")
    clock.set(NOW.replace(day=28))
    workspace.command(f"edit {goal_id} deadline end of next quarter because holidays", user="U1")
    workspace.command(f"history {goal_id}", user="U1")
    text = ephemeral_texts(workspace, "U1")[-1]
    assert "target: 10 clients → 12 clients" in text and "the pipeline doubled" in text
    assert "deadline: 26 May 2027 → 31 March 2027" in text and "holidays" in text
    assert "26 November 2026" in text and "28 November 2026" in text and "<@U1>" in text
    assert text.index("28 November 2026") < text.index("26 November 2026")  # newest first


def test_history_of_an_unchanged_goal_says_so(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.command(f"history {goal_id}", user="U1")
    unchanged = t("en", "manage.history.none", id=goal_id, title="acquire 10 new clients in the next six months")
    assert unchanged in ephemeral_texts(workspace, "U1")[-1]


def test_modal_errors_show_next_to_the_field_and_change_nothing(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.command("edit", user="U1")
    past = ack_body(submit_edit(workspace, "U1", deadline="1 March 2026", reason="slipped"))
    assert past["response_action"] == "errors"
    assert "1 March 2026 is already in the past" in past["errors"][ids.BLOCK_EDIT_DEADLINE]

    unreadable = ack_body(submit_edit(workspace, "U1", target="a lot", deadline="whenever"))
    assert "a lot" in unreadable["errors"][ids.BLOCK_EDIT_TARGET]
    assert "whenever" in unreadable["errors"][ids.BLOCK_EDIT_DEADLINE]
    assert "why" in unreadable["errors"][ids.BLOCK_EDIT_REASON].lower()

    unchanged = ack_body(submit_edit(workspace, "U1", reason="just because"))
    assert unchanged["errors"][ids.BLOCK_EDIT_TARGET] == t("en", "manage.edit.nothing_changed")

    assert goal_of(workspace, goal_id).target == 10 and revisions_of(workspace, goal_id) == []


def test_an_italian_speaker_types_the_target_the_italian_way(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U2", unit="EUR", metric="revenue", type="revenue", target=100000.0,
                       baseline=80000.0, title="fatturato da 80.000 a 100.000 euro", lang="it")
    workspace.command("modifica", user="U2")
    view = last_modal(workspace)
    target = next(b for b in view["blocks"] if b.get("block_id") == ids.BLOCK_EDIT_TARGET)
    assert target["element"]["initial_value"] == "100.000"
    errors = ack_body(submit_edit(workspace, "U2", target="tanti", reason="nuovo listino"))
    assert errors["errors"][ids.BLOCK_EDIT_TARGET] == t("it", "manage.edit.number_unreadable", text="tanti")
    submit_edit(workspace, "U2", target="120.500,50", reason="nuovo listino")
    assert goal_of(workspace, goal_id).target == 120500.5
    assert "100.000\u00a0€ → 120.500,50\u00a0€" in dm_texts(workspace, "U2")[-1]


def test_an_impossible_target_is_refused_with_the_smart_feedback(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", type="retention", metric="retention_rate", unit="%", direction="maintain",
                       target=90.0, title="keep a 90% retention rate")
    workspace.command("edit", user="U1")
    body = ack_body(submit_edit(workspace, "U1", target="120", reason="stretch"))
    assert t("en", "feedback.achievable.retention_over_100", target_of="of 120%") in body["errors"][ids.BLOCK_EDIT_TARGET]
    assert goal_of(workspace, goal_id).target == 90


def _churn_from_8_to_4(ws: LocalWorkspace, user: str, lang: str) -> int:
    return add_goal(ws, user, type="retention", metric="churn_rate", unit="%", direction="decrease", baseline=8.0,
                    target=4.0, current=7.0, lang=lang,
                    title="reduce churn from 8% to 4% by june" if lang == "en" else "ridurre il churn dall'8% al 4%")


def _past_start(lang: str, goal_id: int, way: str, baseline: float, target: float, unit: str) -> str:
    return t(lang, f"manage.edit.target_not_{'below' if way == 'decrease' else 'above'}_start", id=goal_id,
             baseline_from=phrase(lang, "from", baseline, unit), baseline_the=phrase(lang, "the", baseline, unit),
             target_the=phrase(lang, "the", target, unit))


# A target edited at or past the goal's own start was saved, and the goal then read "🏆 achieved".
@pytest.mark.parametrize(("user", "lang", "typed", "target"), [
    ("U1", "en", "edit {id} target 10% because churn went up", 10.0),
    ("U1", "en", "edit {id} target 8 because churn went up", 8.0),
    ("U2", "it", "modifica {id} target 10% perché il churn è salito", 10.0),
    ("U2", "it", "modifica {id} obiettivo 8,0 perché il churn è salito", 8.0),
])
def test_a_reduction_edited_to_a_target_not_below_its_start_is_refused_and_nothing_changes(
    workspace: LocalWorkspace, user: str, lang: str, typed: str, target: float,
) -> None:
    goal_id = _churn_from_8_to_4(workspace, user, lang)
    workspace.command(typed.format(id=goal_id), user=user)
    answer = ephemeral_texts(workspace, user)[-1]
    assert _past_start(lang, goal_id, "decrease", 8, target, "%") in answer
    assert t(lang, "pace.achieved") not in answer
    goal = goal_of(workspace, goal_id)
    assert (goal.target, goal.baseline, goal.direction) == (4, 8, "decrease") and goal.pace != "achieved"
    assert revisions_of(workspace, goal_id) == []


@pytest.mark.parametrize(("user", "lang", "typed"), [
    ("U1", "en", "edit {id} target 90000 because the market shrank"),
    ("U2", "it", "modifica {id} target 90.000 perché il mercato è calato"),
])
def test_a_growth_edited_to_a_target_below_its_start_is_refused(
    workspace: LocalWorkspace, user: str, lang: str, typed: str,
) -> None:
    goal_id = add_goal(workspace, user, type="revenue", metric="revenue", unit="EUR", baseline=100000.0,
                       target=150000.0, title="revenue from €100k to €150k", lang=lang)
    workspace.command(typed.format(id=goal_id), user=user)
    assert _past_start(lang, goal_id, "increase", 100000, 90000, "EUR") in ephemeral_texts(workspace, user)[-1]
    assert goal_of(workspace, goal_id).target == 150000


def test_a_start_edited_past_the_target_is_refused_and_moving_the_start_first_works(
    workspace: LocalWorkspace,
) -> None:
    goal_id = _churn_from_8_to_4(workspace, "U1", "en")
    workspace.command(f"edit {goal_id} baseline 3% because we measured again", user="U1")
    assert _past_start("en", goal_id, "decrease", 3, 4, "%") in ephemeral_texts(workspace, "U1")[-1]
    assert goal_of(workspace, goal_id).baseline == 8
    # The way out the answer names: where it starts first, then the target.
    workspace.command(f"edit {goal_id} baseline 12% because we measured again", user="U1")
    workspace.command(f"edit {goal_id} target 10% because we measured again", user="U1")
    assert (goal_of(workspace, goal_id).baseline, goal_of(workspace, goal_id).target) == (12, 10)


def test_the_edit_form_refuses_a_target_past_the_start_next_to_the_target(workspace: LocalWorkspace) -> None:
    goal_id = _churn_from_8_to_4(workspace, "U2", "it")
    workspace.command("modifica", user="U2")
    body = ack_body(submit_edit(workspace, "U2", target="10", reason="il churn è salito"))
    assert body["response_action"] == "errors"
    assert body["errors"][ids.BLOCK_EDIT_TARGET] == _past_start("it", goal_id, "decrease", 8, 10, "%")
    # Pressing Save again changes nothing: a refusal is not a warning to accept.
    assert ack_body(submit_edit(workspace, "U2", target="10", reason="il churn è salito"))["response_action"] == "errors"
    assert goal_of(workspace, goal_id).target == 4


def test_an_unrealistic_target_is_questioned_once_then_kept(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", type="revenue", metric="revenue", unit="EUR", baseline=100000.0,
                       target=120000.0, title="revenue from €100k to €120k")
    workspace.command("edit", user="U1")
    first = ack_body(submit_edit(workspace, "U1", target="500000", reason="a huge deal is coming"))
    assert first["response_action"] == "update"
    warned = first["view"]
    assert "realistic" in all_text({"blocks": warned["blocks"]})
    assert goal_of(workspace, goal_id).target == 120000

    # Slack keeps what was typed: the updated modal carries it, and pressing Save again keeps the value.
    warned = {**warned, "id": last_modal(workspace)["id"]}
    assert ack_body(submit_edit(workspace, "U1", view=warned)) == {}
    assert goal_of(workspace, goal_id).target == 500000


def test_metric_unit_and_baseline_can_be_changed_too(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.command("edit", user="U1")
    submit_edit(workspace, "U1", metric="deals", unit="deals", baseline="4", reason="we count deals now")
    goal = goal_of(workspace, goal_id)
    assert (goal.metric, goal.unit, goal.baseline) == ("deals", "deals", 4)
    assert {r.field for r in revisions_of(workspace, goal_id)} == {"metric", "unit", "baseline"}


def test_a_typed_edit_needs_a_reason(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.command(f"edit {goal_id} target 12", user="U1")
    assert "because" in ephemeral_texts(workspace, "U1")[-1]
    assert goal_of(workspace, goal_id).target == 10
    workspace.command(f"edit #{goal_id} target 12 because the pipeline doubled", user="U1")
    assert goal_of(workspace, goal_id).target == 12
    assert "10 clients → 12 clients" in ephemeral_texts(workspace, "U1")[-1]


def test_a_typed_edit_in_italian(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U2", lang="it")
    workspace.command(f"modifica {goal_id} scadenza fine del prossimo trimestre perché ferie di Natale", user="U2")
    goal = goal_of(workspace, goal_id)
    assert goal.deadline == date(2027, 3, 31)
    assert revisions_of(workspace, goal_id)[0].reason == "ferie di Natale"
    assert "scadenza: 26 maggio 2027 → 31 marzo 2027" in ephemeral_texts(workspace, "U2")[-1]
    workspace.command(f"modifica {goal_id} scadenza ieri perché sì", user="U2")
    past = t("it", "manage.edit.deadline_past", date=fmt_date("it", date(2026, 11, 25)))
    assert past in ephemeral_texts(workspace, "U2")[-1]


def test_with_several_goals_edit_offers_a_choice_first(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    second = add_goal(workspace, "U1", title="book 30 discovery calls", metric="meetings", unit="meetings",
                      target=30.0)
    workspace.command("edit", user="U1")
    picker = workspace.fake.ephemeral_messages("U1")[-1]
    assert t("en", "manage.edit.pick") in all_text(picker)
    assert not workspace.fake.modals()
    workspace.click(picker, ids.ACTION_GOAL_EDIT, user="U1", value=str(second))
    intro = all_text({"blocks": last_modal(workspace)["blocks"]})
    assert "book 30 discovery calls" in intro


def test_editing_someone_elses_goal_is_refused(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.command(f"edit {goal_id} target 1 because mine now", user="U2")
    assert t("it", "manage.not_yours", id=goal_id) in ephemeral_texts(workspace, "U2")[-1]
    workspace.command(f"done {goal_id}", user="U2")
    workspace.command(f"drop {goal_id}", user="U2")
    assert all(t("it", "manage.not_yours", id=goal_id) in text for text in ephemeral_texts(workspace, "U2")[-2:])

    # A modal for U1's goal submitted by U2 (a forged private_metadata) is refused too.
    workspace.command("edit", user="U1")
    body = ack_body(submit_edit(workspace, "U2", target="1", reason="forged"))
    assert body["errors"][ids.BLOCK_EDIT_REASON] == t("it", "manage.not_yours", id=goal_id)
    goal = goal_of(workspace, goal_id)
    assert (goal.target, goal.status) == (10, "active") and revisions_of(workspace, goal_id) == []


def test_an_unknown_goal_number_gets_a_clear_answer(workspace: LocalWorkspace) -> None:
    workspace.command("edit 99", user="U1")
    assert "can't find goal #99" in ephemeral_texts(workspace, "U1")[-1]
    workspace.command("edit", user="U1")
    assert t("en", "manage.no_active_goals") in ephemeral_texts(workspace, "U1")[-1]


# --------------------------------------------------------------------------------------------------- done/drop


def test_done_closes_the_only_goal_with_the_note_kept_verbatim_and_shown_escaped(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", current=10.0)
    note = "<!channel> signed <@U9> & <https://evil.example|click here>"
    workspace.command(f"done {note}", user="U1")
    goal = goal_of(workspace, goal_id)
    assert (goal.status, goal.closed_note) == ("achieved", note)
    assert goal.closed_at is not None
    text = ephemeral_texts(workspace, "U1")[-1]
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text and "&amp;" in text
    [revision] = revisions_of(workspace, goal_id)
    assert (revision.field, revision.before, revision.after, revision.reason) == ("status", "active", "achieved", note)


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user,done", [("en", "U1", "done"), ("it", "U2", "fatto")])
def test_done_on_an_unmet_goal_asks_and_an_override_is_kept_in_the_history(
    workspace: LocalWorkspace, lang: str, user: str, done: str,
) -> None:
    goal_id = add_goal(workspace, user, target=12.0, current=0.0)
    workspace.command(f"{done} {goal_id}", user=user)
    assert goal_of(workspace, goal_id).status == "active"
    shown = t(lang, "measure.of_count", current="0", target="12", unit=unit_name(lang, "clients", 12))
    assert t(lang, "manage.close.needs_override", id=goal_id, title="acquire 10 new clients in the next six months",
             shown_at=phrase(lang, "at", 0, "clients", shown)) in ephemeral_texts(workspace, user)[-1]

    workspace.command(f"{done} {goal_id} {'sì' if lang == 'it' else 'yes'}", user=user)  # a yes gives no reason
    assert goal_of(workspace, goal_id).status == "active"
    assert t(lang, "manage.close.needs_override", id=goal_id, title="acquire 10 new clients in the next six months",
             shown_at=phrase(lang, "at", 0, "clients", shown)) in ephemeral_texts(workspace, user)[-1]

    workspace.command(f"{done} {goal_id} the customer signed a framework deal worth more", user=user)
    goal = goal_of(workspace, goal_id)
    assert goal.status == "achieved"
    assert t(lang, "manage.close.achieved_override", id=goal_id,
             title="acquire 10 new clients in the next six months") in ephemeral_texts(workspace, user)[-1]
    override, status = revisions_of(workspace, goal_id)
    assert (override.field, override.before, override.after) == ("override", "0", "achieved")
    assert override.reason == "the customer signed a framework deal worth more"
    assert (status.field, status.after) == ("status", "achieved")
    workspace.command(f"history {goal_id}", user=user)  # the history says it was a decision, against the numbers
    assert t(lang, "manage.history.override", value=fmt_amount(lang, 0.0, "clients")) in ephemeral_texts(
        workspace, user)[-1]


@pytest.mark.parametrize("lang,user,done,yes,reason", [
    ("en", "U1", "done", "yes", "the framework deal counts for three clients"),
    ("it", "U2", "fatto", "sì", "il contratto quadro vale per tre clienti"),
])
@pytest.mark.both_databases
def test_done_then_yes_and_the_reason_in_the_dm_close_it_by_decision(
    workspace: LocalWorkspace, lang: str, user: str, done: str, yes: str, reason: str,
) -> None:
    # "Mark it as achieved anyway? Say why" answered the way people answer a question: "yes" in the DM, then the why.
    title = "acquire 10 new clients in the next six months"
    goal_id = add_goal(workspace, user, target=12.0, current=0.0)
    workspace.command(f"{done} {goal_id}", user=user)
    workspace.say(yes, user=user)
    assert goal_of(workspace, goal_id).status == "active"
    assert t(lang, "manage.close.override_why", id=goal_id, title=title) in dm_texts(workspace, user)[-1]
    assert t(lang, "goal.already_saved") not in dm_texts(workspace, user)

    workspace.say(reason, user=user)
    goal = goal_of(workspace, goal_id)
    assert (goal.status, goal.closed_note) == ("achieved", reason)
    assert t(lang, "manage.close.achieved_override", id=goal_id, title=title) in dm_texts(workspace, user)[-1]
    override, _ = revisions_of(workspace, goal_id)
    assert (override.field, override.reason) == ("override", reason)

    workspace.say(yes, user=user)  # the question was answered: a later "yes" closes nothing and asks nothing
    assert t(lang, "manage.close.override_why", id=goal_id, title=title) not in dm_texts(workspace, user)[-1]


@pytest.mark.parametrize("lang,user,done,no", [("en", "U1", "done", "no"), ("it", "U2", "fatto", "no, lascia stare")])
def test_done_then_no_in_the_dm_leaves_the_goal_active(
    workspace: LocalWorkspace, lang: str, user: str, done: str, no: str,
) -> None:
    goal_id = add_goal(workspace, user, target=12.0, current=0.0)
    workspace.command(f"{done} {goal_id}", user=user)
    workspace.say(no, user=user)
    assert goal_of(workspace, goal_id).status == "active"
    assert t(lang, "manage.close.override_kept", id=goal_id,
             title="acquire 10 new clients in the next six months") in dm_texts(workspace, user)[-1]


def test_drop_with_several_goals_asks_which_one(workspace: LocalWorkspace) -> None:
    first = add_goal(workspace, "U1")
    second = add_goal(workspace, "U1", title="book 30 discovery calls")
    workspace.command("drop", user="U1")
    assert t("en", "manage.close.pick_dropped") in ephemeral_texts(workspace, "U1")[-1]
    workspace.command(f"drop {second} budget cut", user="U1")
    assert goal_of(workspace, second).status == "dropped" and goal_of(workspace, second).closed_note == "budget cut"
    assert goal_of(workspace, first).status == "active"
    assert "Dropped" in ephemeral_texts(workspace, "U1")[-1]


def test_a_closed_goal_cannot_be_closed_or_edited_again(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", current=10.0)
    workspace.command(f"done {goal_id}", user="U1")
    workspace.command(f"drop {goal_id}", user="U1")
    assert "already closed (achieved)" in ephemeral_texts(workspace, "U1")[-1]
    workspace.command(f"edit {goal_id}", user="U1")
    assert "already closed" in ephemeral_texts(workspace, "U1")[-1]
    assert goal_of(workspace, goal_id).status == "achieved"


def test_an_injected_reason_is_stored_verbatim_and_escaped_wherever_shown(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", title="<!here> win *everything*")
    reason = "<!everyone> see <https://evil.example|this>"
    workspace.command("edit", user="U1")
    submit_edit(workspace, "U1", target="11", reason=reason)
    assert revisions_of(workspace, goal_id)[0].reason == reason
    workspace.command(f"history {goal_id}", user="U1")
    for message in (last_bot_message(workspace, "U1"), workspace.fake.ephemeral_messages("U1")[-1]):
        text = all_text(message)
        assert "&lt;!everyone&gt;" in text and "&lt;!here&gt;" in text
        assert "<!everyone>" not in text and "<!here>" not in text and "<https://evil" not in text


def test_the_edit_command_works_from_a_full_conversation(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("8 - referrals and two demos a week", user="U1")
    workspace.say("expand into the healthcare market", user="U1")
    workspace.say("yes", user="U1")
    workspace.command("edit", user="U1")
    submit_edit(workspace, "U1", target="15", reason="referrals are working")
    with workspace.deps.sessions() as session:
        [goal] = session.scalars(select(Goal).where(Goal.user_id == "U1")).all()
    assert goal.target == 15 and goal.adjusted_at is not None


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("lang", "user", "done"), [("en", "U1", "done"), ("it", "U2", "fatto")])
def test_a_ceiling_closed_by_decision_says_it_was_not_held_every_week_not_that_it_fell_short(
    workspace: LocalWorkspace, lang: str, user: str, done: str,
) -> None:
    # A shell session's: churn kept under 5% but for one week, closed at 4.5% "by your decision (its numbers fell
    # short)": they did not fall short, one week went over the ceiling.
    title = "keep churn below 5% this quarter"
    goal_id = add_goal(workspace, user, title=title, type="retention", metric="churn_rate", unit="%",
                       direction="keep_below", target=5.0, start_date=date(2026, 10, 1),
                       deadline=date(2026, 11, 25))
    for week, value in ((date(2026, 10, 5), 4.8), (date(2026, 10, 12), 5.4), (date(2026, 11, 16), 4.5)):
        add_checkin(workspace, goal_id, week, value)
    workspace.command(f"{done} {goal_id} ended the quarter at 4.5%", user=user)
    assert goal_of(workspace, goal_id).status == "achieved"
    said = ephemeral_texts(workspace, user)[-1]
    assert t(lang, "manage.close.achieved_override_held", id=goal_id, title=title) in said
    assert t(lang, "manage.close.achieved_override", id=goal_id, title=title) not in said


@pytest.mark.both_databases
@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("lang", "manager", "word"), [("en", "U1", "history"), ("it", "U2", "cronologia")])
def test_history_without_a_number_tells_a_manager_with_no_goals_how_to_read_a_reports(
    workspace: LocalWorkspace, lang: str, manager: str, word: str,
) -> None:
    # A shell session's manager: "/goal history" said "You have no goals yet. Type /goal to set your first one."
    workspace.add_user("U3", name="giulia", tz="Europe/Rome", locale="en-US")
    workspace.command("team add @giulia", user=manager)
    add_goal(workspace, "U3")
    workspace.command(word, user=manager)
    said = ephemeral_texts(workspace, manager)[-1]
    assert t(lang, "manage.history.no_goals_manager") in said and t(lang, "manage.no_goals") not in said
