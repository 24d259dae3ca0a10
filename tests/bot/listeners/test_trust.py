"""What a new user reads and would find false: each case set up through the real entry points, both languages."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot import ids
from bot.local.workspace import LocalWorkspace
from prompts import at_amount, fmt_amount, fmt_date, fmt_number, phrase, t, tn
from storage.models import Conversation, Goal, GoalRevision
from tests.bot.checkin_support import (
    add_goal,
    cards,
    checkins_of,
    goal_of,
    last_card,
    run,
    thread_answers,
    thread_messages,
)
from tests.bot.conftest import all_text, dm_texts, last_bot_message, saved_next, say_goal
from tests.bot.digest_support import channel_posts, digest_text
from tests.bot.listeners.test_home import home_text
from tests.bot.listeners.test_issue8_regressions import labels, reply_on_growth_from_200k
from tests.bot.listeners.test_manage import add_goal as add_manage_goal
from tests.bot.listeners.test_manage import last_modal, submit_edit
from tests.bot.team_support import make_manager

# Variants differ in words only (the language, the phrasing): the first runs on both databases, the rest on SQLite.
pytestmark = pytest.mark.variants_on_one_database

# A goal for next quarter, its plan and a short reason, as an English (U1) and an Italian (U2) rep type them.
NEXT_QUARTER = {"en": "close 10 new deals next quarter", "it": "chiudere 10 nuovi contratti nel prossimo trimestre"}
PLAN = {"en": "two demos a week", "it": "due demo a settimana"}
SHORT_REASON = {"en": "team quota", "it": "quota del team"}
PEOPLE = [("U1", "en"), ("U2", "it")]


@pytest.mark.both_databases
@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_a_next_quarter_goal_gets_its_first_check_in_in_its_first_week_as_announced(
    workspace: LocalWorkspace, user: str, lang: str,
) -> None:
    # Thursday 26 November 2026
    say_goal(workspace, user, NEXT_QUARTER[lang], f"7 - {PLAN[lang]}", SHORT_REASON[lang], "yes")
    first_day = date(2027, 1, 1)
    moment = t(lang, "checkin.at", date=fmt_date(lang, date(2027, 1, 4), "weekday"), time="09:00")
    # The confirmation names the first check-in the planner sends (a Monday), not the period's first day (a Friday).
    assert t(lang, "goal.saved_next_later", start=fmt_date(lang, first_day, "weekday"), first=moment) \
        in dm_texts(workspace, user)[-1]
    workspace.open_home(user)
    assert t(lang, "home.next_checkin", date=fmt_date(lang, date(2027, 1, 4), "weekday"), time="09:00") \
        in home_text(workspace, user)
    workspace.command("checkin-time" if lang == "en" else "orario", user=user)
    assert f"*{moment}*" in all_text(workspace.fake.ephemeral_messages(user)[-1])
    for monday in (datetime(2026, 11, 30, 8, 0, tzinfo=UTC), datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
                   datetime(2026, 12, 28, 8, 0, tzinfo=UTC)):
        assert run(workspace, at=monday)["planned"] == 0, monday  # December: the quarter has not begun
    assert cards(workspace, user) == []
    assert run(workspace, at=datetime(2027, 1, 4, 8, 0, tzinfo=UTC))["planned"] == 1  # 09:00 in Rome
    assert len(cards(workspace, user)) == 1


@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_a_short_reason_is_taken_alike_in_english_and_italian(workspace: LocalWorkspace, user: str, lang: str) -> None:
    reason = SHORT_REASON[lang]
    say_goal(workspace, user, NEXT_QUARTER[lang], f"7 - {PLAN[lang]}", reason)
    summary = dm_texts(workspace, user)[-1]
    assert t(lang, "summary.header") in summary and reason in summary
    asked_again = t(lang, "feedback.relevant.too_short", example="").partition("_")[0]  # the words before the example
    assert not any(asked_again in text for text in dm_texts(workspace, user))


@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_a_bare_confidence_is_recorded_said_back_and_can_be_corrected(
    workspace: LocalWorkspace, user: str, lang: str,
) -> None:
    plan = PLAN[lang]
    say_goal(workspace, user, NEXT_QUARTER[lang], "7")
    asked = dm_texts(workspace, user)[-1]
    assert t(lang, "goal.confidence_noted", confidence=7) in asked
    assert t(lang, "feedback.achievable.no_plan") in asked and t(lang, "goal.no_plan_keep") in asked
    workspace.say("6", user=user)  # a second bare number corrects the confidence
    assert t(lang, "goal.confidence_noted", confidence=6) in dm_texts(workspace, user)[-1]
    workspace.say(plan, user=user)
    workspace.say(SHORT_REASON[lang], user=user)
    summary = dm_texts(workspace, user)[-1]
    assert f"{t(lang, 'summary.confidence', value=6)} — {plan}" in summary


@pytest.mark.parametrize(("user", "lang", "yes"), [("U1", "en", "yes"), ("U2", "it", "sì")])
def test_yes_after_a_bare_confidence_goes_on_without_a_plan(
    workspace: LocalWorkspace, user: str, lang: str, yes: str,
) -> None:
    say_goal(workspace, user, NEXT_QUARTER[lang], "7", yes)
    assert t(lang, "ask.relevant", example=t(lang, "examples.relevant.new_business")) in dm_texts(workspace, user)[-1]


@pytest.mark.parametrize(("user", "lang", "sentence", "measure", "plan", "reason"), [
    ("U1", "en", "improve our customer base by june", "reduce churn from 6% to 4%", "8 - reviews",
     "cut churn in enterprise"),
    ("U2", "it", "migliorare la base clienti entro giugno", "ridurre il churn dal 6% al 4%", "8 - revisioni",
     "ridurre il churn enterprise"),
])
def test_a_churn_measure_given_later_makes_the_goal_a_retention_goal(
    workspace: LocalWorkspace, user: str, lang: str, sentence: str, measure: str, plan: str, reason: str,
) -> None:
    # English asks "what exactly?" first, Italian "what number?": either way the churn answer sets the type.
    say_goal(workspace, user, sentence, measure, plan)
    assert t(lang, "ask.relevant", example=t(lang, "examples.relevant.retention")) in dm_texts(workspace, user)[-1]
    workspace.say(reason, user=user)
    workspace.say("yes" if lang == "en" else "sì", user=user)
    with workspace.deps.sessions() as session:
        goal = session.scalars(select(Goal).where(Goal.user_id == user)).one()
    assert (goal.type, goal.metric, goal.direction, goal.baseline, goal.target) == \
        ("retention", "churn_rate", "decrease", 6.0, 4.0)


@pytest.mark.parametrize(("user", "lang", "sentence", "ceiling"), [
    ("U1", "en", "churn rate by the end of next year", "keep it below 5%"),
    ("U2", "it", "tasso di churn entro la fine del prossimo anno", "tenerlo sotto il 5%"),
    ("U1", "en", "churn rate by the end of next year", "below 5%"),
    ("U2", "it", "tasso di churn entro la fine del prossimo anno", "sotto il 5%"),
])
def test_a_ceiling_typed_at_the_measurable_step_is_a_ceiling(
    workspace: LocalWorkspace, user: str, lang: str, sentence: str, ceiling: str,
) -> None:
    say_goal(workspace, user, sentence, ceiling, "8 - reviews", "cut churn in enterprise")
    assert t(lang, "measure.keep_below", metric=t(lang, "metrics.churn_rate"), target_at=at_amount(lang, 5.0, "%")) \
        in dm_texts(workspace, user)[-1]
    workspace.say("yes" if lang == "en" else "sì", user=user)
    with workspace.deps.sessions() as session:
        goal = session.scalars(select(Goal).where(Goal.user_id == user)).one()
    assert (goal.metric, goal.direction, goal.target) == ("churn_rate", "keep_below", 5.0)


@pytest.mark.parametrize(("user", "lang", "example"), [("U1", "en", "`4.5%`"), ("U2", "it", "`4,5%`")])
def test_a_ceiling_goals_card_suggests_a_value_under_the_ceiling(
    workspace: LocalWorkspace, user: str, lang: str, example: str,
) -> None:
    add_goal(workspace, user, title="keep churn below 5%", target=5, unit="%", baseline=None, current=None,
             direction="keep_below", lang=lang, type_="retention", metric="churn_rate")
    run(workspace)
    card = all_text(last_card(workspace, user))
    assert t(lang, "checkin.hint", examples=example) in card and "`5%`" not in card
    workspace.say(example.strip("`"), user=user, thread_ts=last_card(workspace, user)["ts"])
    with workspace.deps.sessions() as session:
        assert session.scalars(select(Goal).where(Goal.user_id == user)).one().current == 4.5


def _churn_goal(ws: LocalWorkspace, user: str, lang: str) -> int:
    return add_manage_goal(ws, user, title="increase churn rate to 5% by june" if lang == "en"
                           else "aumentare il tasso di churn al 5% entro giugno", type="retention",
                           metric="churn_rate", unit="%", direction="increase", target=5.0, lang=lang)


@pytest.mark.both_databases
@pytest.mark.parametrize(("user", "lang"), [("U1", "en"), ("U2", "it")])
def test_the_edit_form_changes_a_goals_direction_with_its_history(
    workspace: LocalWorkspace, user: str, lang: str,
) -> None:
    goal_id = _churn_goal(workspace, user, lang)
    workspace.command("edit" if lang == "en" else "modifica", user=user)
    view = last_modal(workspace)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    direction = inputs[ids.BLOCK_EDIT_DIRECTION]
    assert direction["label"]["text"] == t(lang, "manage.edit.direction_label")
    assert [o["text"]["text"] for o in direction["element"]["options"]] == \
        [t(lang, f"directions.{code}") for code in ("increase", "decrease", "maintain", "keep_below")]
    assert direction["element"]["initial_option"]["value"] == "increase"
    submit_edit(workspace, user, direction="keep_below", reason="a ceiling")
    goal = goal_of(workspace, goal_id)
    assert goal.direction == "keep_below" and goal.title_updated_at is None  # the words said "increase"
    change = t(lang, "manage.change", field=t(lang, "manage.fields.direction"),
               before=t(lang, "directions.increase"), after=t(lang, "directions.keep_below"))
    assert change in dm_texts(workspace, user)[-1]
    workspace.command(f"history {goal_id}" if lang == "en" else f"storia {goal_id}", user=user)
    assert change in all_text(workspace.fake.ephemeral_messages(user)[-1])
    workspace.command("list" if lang == "en" else "elenco", user=user)
    assert t(lang, "standing.original_title", title=goal.title) in all_text(workspace.fake.ephemeral_messages(user)[-1])


@pytest.mark.parametrize(("user", "lang", "typed"), [
    ("U1", "en", "edit {id} direction keep below because it is a ceiling"),
    ("U2", "it", "modifica {id} direzione al massimo perché è un tetto"),
])
def test_a_typed_edit_changes_a_goals_direction(workspace: LocalWorkspace, user: str, lang: str, typed: str) -> None:
    goal_id = _churn_goal(workspace, user, lang)
    workspace.command(typed.format(id=goal_id), user=user)
    assert goal_of(workspace, goal_id).direction == "keep_below"
    assert t(lang, "directions.keep_below") in all_text(workspace.fake.ephemeral_messages(user)[-1])


@pytest.mark.parametrize(("user", "lang", "typed", "start"), [
    ("U1", "en", "edit {id} direction reduce because we want it lower", "edit {id} baseline 7% because we are there"),
    ("U2", "it", "modifica {id} direzione riduci perché lo vogliamo più basso",
     "modifica {id} partenza 7% perché siamo lì"),
])
def test_a_goal_turned_into_a_reduction_without_a_value_today_asks_for_one(
    workspace: LocalWorkspace, user: str, lang: str, typed: str, start: str,
) -> None:
    # It was saved and then read "now –, down to 5%" on every screen, with no word of what was missing.
    goal_id = _churn_goal(workspace, user, lang)
    workspace.command(typed.format(id=goal_id), user=user)
    assert goal_of(workspace, goal_id).direction == "decrease"
    asked = t(lang, "manage.edit.needs_start", id=goal_id)
    assert asked in all_text(workspace.fake.ephemeral_messages(user)[-1])
    workspace.command(start.format(id=goal_id), user=user)
    goal = goal_of(workspace, goal_id)
    assert goal.baseline == 7.0
    assert asked not in all_text(workspace.fake.ephemeral_messages(user)[-1])
    # The words still say "increase": the starting point's edit did not mark them in line with the numbers again.
    workspace.command("list" if lang == "en" else "elenco", user=user)
    assert t(lang, "standing.original_title", title=goal.title) in all_text(workspace.fake.ephemeral_messages(user)[-1])


@pytest.mark.parametrize(("user", "lang", "sentence", "level"), [
    ("U1", "en", "churn rate by the end of next year", "5%"),
    ("U2", "it", "tasso di churn entro la fine del prossimo anno", "al 5%"),
])
def test_a_bare_churn_level_at_the_measurable_step_is_one_to_come_down_to(
    workspace: LocalWorkspace, user: str, lang: str, sentence: str, level: str,
) -> None:
    # It read as "churn rate +5%", an increase; the goal sentence reads a bare churn level as a reduction.
    say_goal(workspace, user, sentence, level, "8%", "8 - reviews", "cut churn in enterprise",
             "yes" if lang == "en" else "sì")
    with workspace.deps.sessions() as session:
        goal = session.scalars(select(Goal).where(Goal.user_id == user)).one()
    assert (goal.direction, goal.baseline, goal.target) == ("decrease", 8.0, 5.0)


@pytest.mark.parametrize(("user", "lang", "reply"), [
    ("U1", "en", "we're at €160,000, closed two deals"),
    ("U2", "it", "siamo a 160.000 euro, chiusi due contratti"),
])
def test_a_growth_reply_with_the_amount_and_a_count_beside_it_is_recorded(
    workspace: LocalWorkspace, user: str, lang: str, reply: str,
) -> None:
    # It was refused as "that amount isn't in the goal's unit (%)": the amount was in the goal's own euros.
    goal_id = add_manage_goal(workspace, user, title="grow product Alfa revenue by 20%", type="revenue",
                              metric="revenue", unit="%", direction="increase", target=20.0, baseline=150_000.0,
                              baseline_unit="EUR", lang=lang)
    run(workspace, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    workspace.say(reply, user=user, thread_ts=last_card(workspace, user)["ts"])
    assert goal_of(workspace, goal_id).current == pytest.approx(100 / 15)


@pytest.mark.parametrize(("user", "lang", "blocker"), [
    ("U1", "en", "blocked: legal review on two contracts"), ("U2", "it", "bloccato: revisione legale su due contratti"),
])
def test_a_blocker_without_a_number_is_said_to_be_kept_while_the_number_is_asked(
    workspace: LocalWorkspace, user: str, lang: str, blocker: str,
) -> None:
    goal_id = add_goal(workspace, user, lang=lang)
    run(workspace)
    card = last_card(workspace, user)
    workspace.say(blocker, user=user, thread_ts=card["ts"])  # the whole reply is the blocker
    [question] = thread_answers(workspace, user, card)
    assert t(lang, "checkin.recorded.blocker", blocker=blocker) in question
    assert t(lang, "checkin.ask.no_number", title="Sign 10 new clients in healthcare") in question
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.blocker == blocker


@pytest.mark.parametrize(("user", "lang", "sentence"), [
    ("U1", "en", "raise our renewal rate to 95% by june"),
    ("U2", "it", "portare il tasso di rinnovo al 95% entro giugno"),
])
def test_a_rate_raised_to_a_level_is_said_as_a_level_not_a_rise_by(
    workspace: LocalWorkspace, user: str, lang: str, sentence: str,
) -> None:
    # It read "renewal rate up 95%", as if the rate should grow by 95 points.
    workspace.command(sentence, user=user)
    understood = dm_texts(workspace, user)[0]
    assert t(lang, "measure.increase_to", metric=t(lang, "metrics.renewal_rate"),
             target_to=phrase(lang, "to", 95.0, "%")) in understood


@pytest.mark.both_databases
@pytest.mark.parametrize(("user", "lang", "reply"), [("U1", "en", "+5"), ("U2", "it", "+5")])
def test_a_signed_number_without_a_unit_on_a_growth_goal_in_euros_is_asked_back(
    workspace: LocalWorkspace, user: str, lang: str, reply: str,
) -> None:
    # "+5" on +15% sales from €200,000 was recorded as +5 points of growth: 5 euros, 5 thousand or 5 points?
    goal_id, card = reply_on_growth_from_200k(workspace, user, lang, reply)
    assert goal_of(workspace, goal_id).current is None  # nothing recorded while it asks
    question = thread_messages(workspace, user, card)[-1]
    assert t(lang, "checkin.ask.growth_bare_change") in all_text(question)
    assert labels(question) == [
        t(lang, "checkin.ask.pick_growth_points", points="+" + tn(lang, "count.points", 5),
          value_by=phrase(lang, "by", 5, "%")),
        t(lang, "checkin.ask.pick_money_change", change="+" + fmt_amount(lang, 5_000, "EUR"),
          amount=fmt_amount(lang, 205_000, "EUR")),
        t(lang, "checkin.ask.pick_money_change", change="+" + fmt_amount(lang, 5, "EUR"),
          amount=fmt_amount(lang, 200_005, "EUR")),
    ]
    workspace.click(question, ids.ACTION_CHECKIN_PICK, user=user, value=question["blocks"][1]["elements"][1]["value"])
    assert goal_of(workspace, goal_id).current == 2.5  # €5,000 more, as picked
    assert t(lang, "checkin.recorded.reached", amount=f"*{fmt_amount(lang, 205_000, 'EUR')}*",
             value_by=phrase(lang, "by", 2.5, "%")) in thread_answers(workspace, user, card)[-1]


@pytest.mark.parametrize(("user", "lang", "reply", "recorded"), [
    ("U1", "en", "+€5,000", 2.5), ("U2", "it", "+5.000 €", 2.5), ("U1", "en", "we're at €210k", 5.0),
])
def test_a_change_with_its_currency_on_a_growth_goal_is_still_recorded_as_written(
    workspace: LocalWorkspace, user: str, lang: str, reply: str, recorded: float,
) -> None:
    goal_id, card = reply_on_growth_from_200k(workspace, user, lang, reply)
    assert goal_of(workspace, goal_id).current == recorded
    assert t(lang, "checkin.ask.growth_bare_change") not in thread_answers(workspace, user, card)[-1]


SIX_MONTHS = {"en": "win 10 new clients in the next six months", "it": "acquisire 10 nuovi clienti nei prossimi sei mesi"}
REASON = {"en": "enter the healthcare market", "it": "entrare nel mercato sanitario"}


def _moment(lang: str, day: date, time: str) -> str:
    return t(lang, "checkin.at", date=fmt_date(lang, day, "weekday"), time=time)


@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_a_goal_already_started_names_its_first_check_in_and_the_planner_sends_it_then(
    workspace: LocalWorkspace, user: str, lang: str,
) -> None:
    # Thursday 26 November 2026: it only said "every week", while a later goal named its first moment.
    say_goal(workspace, user, SIX_MONTHS[lang], f"8 - {PLAN[lang]}", REASON[lang], "yes")
    assert t(lang, "goal.saved_next", first=_moment(lang, date(2026, 11, 30), "09:00")) in dm_texts(workspace, user)[-1]
    assert run(workspace, at=datetime(2026, 11, 30, 7, 59, tzinfo=UTC))["planned"] == 0  # 08:59 in Rome
    assert cards(workspace, user) == []
    assert run(workspace, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))["planned"] == 1  # 09:00 in Rome, as announced
    assert len(cards(workspace, user)) == 1


@pytest.mark.parametrize(("user", "lang", "when"), [("U1", "en", "friday 16:00"), ("U2", "it", "venerdì 16:00")])
def test_the_first_check_in_announced_follows_the_persons_own_check_in_time(
    workspace: LocalWorkspace, user: str, lang: str, when: str,
) -> None:
    workspace.command(("checkin-time " if lang == "en" else "orario ") + when, user=user)
    say_goal(workspace, user, SIX_MONTHS[lang], f"8 - {PLAN[lang]}", REASON[lang], "yes")
    assert t(lang, "goal.saved_next", first=_moment(lang, date(2026, 11, 27), "16:00")) in dm_texts(workspace, user)[-1]


@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_a_goal_set_after_this_weeks_check_in_names_next_weeks(workspace: LocalWorkspace, user: str, lang: str) -> None:
    # Monday 30 November, 10:00 in Rome: this week's moment (09:00) has gone; the planner sends the next one.
    workspace.deps.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    say_goal(workspace, user, SIX_MONTHS[lang], f"8 - {PLAN[lang]}", REASON[lang], "yes")
    assert t(lang, "goal.saved_next", first=_moment(lang, date(2026, 12, 7), "09:00")) in dm_texts(workspace, user)[-1]
    assert run(workspace, at=datetime(2026, 11, 30, 9, 5, tzinfo=UTC))["planned"] == 0
    assert run(workspace, at=datetime(2026, 12, 7, 8, 0, tzinfo=UTC))["planned"] == 1


@pytest.mark.parametrize(("user", "lang", "sentence"), [
    ("U1", "en", "win 2 new clients by Saturday"), ("U2", "it", "acquisire 2 nuovi clienti entro sabato"),
])
def test_a_goal_due_before_any_check_in_says_none_will_come(
    workspace: LocalWorkspace, user: str, lang: str, sentence: str,
) -> None:
    say_goal(workspace, user, sentence, f"8 - {PLAN[lang]}", REASON[lang], "yes")
    saved = dm_texts(workspace, user)[-1]
    assert t(lang, "goal.saved_no_checkin") in saved
    assert saved_next(lang) not in saved


# A direction against the metric, as an English (U1) and an Italian (U2) rep type it.
MORE_CHURN = {"en": "increase churn rate to 5% by june", "it": "aumentare il churn al 5% entro giugno"}
CHURN_REASON = {"en": "cut churn in enterprise", "it": "ridurre il churn enterprise"}
YES_NO = {"en": ("yes", "no"), "it": ("sì", "no")}


def _churn_question(lang: str) -> str:
    return t(lang, "direction.churn_rate", amount=phrase(lang, "to", 5, "%"))


def _only_goal(ws: LocalWorkspace, user: str) -> Goal:
    with ws.deps.sessions() as session:
        return session.scalars(select(Goal).where(Goal.user_id == user)).one()


@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_increasing_churn_is_asked_back_and_yes_brings_it_down(workspace: LocalWorkspace, user: str, lang: str) -> None:
    # "increase churn rate to 5%" was saved as written: churn raised to 5%, a goal no team wants.
    say_goal(workspace, user, MORE_CHURN[lang])
    question = last_bot_message(workspace, user)
    assert _churn_question(lang) in all_text(question) and t(lang, "direction.hint_decrease") in all_text(question)
    assert labels(question) == [t(lang, f"direction.pick_{way}", amount=phrase(lang, "to", 5, "%"))
                                for way in ("decrease", "increase")]
    workspace.say(YES_NO[lang][0], user=user)
    asked = dm_texts(workspace, user)[-1]  # down to 5% from where? asked as for any reduction
    assert t(lang, "ask.start", metric=t(lang, "metrics.churn_rate"), target_to=phrase(lang, "to", 5, "%"),
             example=fmt_amount(lang, 10, "%")) in asked
    for answer in ("8%", f"8 - {PLAN[lang]}", CHURN_REASON[lang], YES_NO[lang][0]):
        workspace.say(answer, user=user)
    goal = _only_goal(workspace, user)
    assert (goal.metric, goal.direction, goal.baseline, goal.target) == ("churn_rate", "decrease", 8.0, 5.0)
    assert goal.title == MORE_CHURN[lang]  # the owner's words, verbatim


@pytest.mark.both_databases
@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_a_churn_goal_flipped_to_a_reduction_marks_its_words_as_the_original_wording_everywhere(
    workspace: LocalWorkspace, user: str, lang: str,
) -> None:
    # "increase churn rate to 5%" answered "down" was saved as a reduction whose title still said "increase",
    # unmarked, on every screen: the words said the opposite of the numbers beside them.
    say_goal(workspace, user, MORE_CHURN[lang], YES_NO[lang][0], "8%", f"8 - {PLAN[lang]}", CHURN_REASON[lang])
    marked = t(lang, "standing.original_title", title=f"*{MORE_CHURN[lang]}*")
    assert marked in all_text(last_bot_message(workspace, user))  # the summary card, before it is saved
    workspace.say(YES_NO[lang][0], user=user)
    goal = _only_goal(workspace, user)
    assert goal.direction == "decrease" and goal.title == MORE_CHURN[lang]
    original = t(lang, "standing.original_title", title=MORE_CHURN[lang])
    saved = all_text(last_bot_message(workspace, user))
    assert original in saved and t(lang, "goal.saved_title_kept", id=goal.id) in saved
    workspace.command("list" if lang == "en" else "elenco", user=user)
    assert original in all_text(workspace.fake.ephemeral_messages(user)[-1])
    workspace.open_home(user)
    assert original in home_text(workspace, user)
    run(workspace, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    assert original in all_text(last_card(workspace, user))
    workspace.fake.add_channel("C1", name="sales", members=[user])
    make_manager(workspace, user)
    workspace.command("digest now #sales", user=user, channel="C1")
    [digest] = channel_posts(workspace, "C1")
    assert original in digest_text(workspace, "C1", digest)
    # Reworded by its owner, the title is in line with the numbers again: no mark anywhere.
    workspace.command(("edit {id} title reduce churn rate to 5% by june because it was backwards" if lang == "en"
                       else "modifica {id} titolo ridurre il churn al 5% entro giugno perché era al contrario")
                      .format(id=goal.id), user=user)
    workspace.command("list" if lang == "en" else "elenco", user=user)
    listed = all_text(workspace.fake.ephemeral_messages(user)[-1])
    assert t(lang, "standing.original_title", title=_only_goal(workspace, user).title) not in listed


@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_a_churn_goal_kept_going_up_as_typed_is_not_marked(workspace: LocalWorkspace, user: str, lang: str) -> None:
    say_goal(workspace, user, MORE_CHURN[lang], YES_NO[lang][1], "3%", f"8 - {PLAN[lang]}", CHURN_REASON[lang],
             YES_NO[lang][0])
    goal = _only_goal(workspace, user)
    assert goal.direction == "increase" and not goal.title_reversed and goal.baseline == 3
    workspace.command("list" if lang == "en" else "elenco", user=user)
    assert t(lang, "standing.original_title", title=goal.title) not in all_text(
        workspace.fake.ephemeral_messages(user)[-1])


@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_no_keeps_churn_going_up_and_is_not_asked_again(workspace: LocalWorkspace, user: str, lang: str) -> None:
    say_goal(workspace, user, MORE_CHURN[lang], YES_NO[lang][1])
    assert t(lang, "feedback.measurable.measure_recorded", measure=t(
        lang, "measure.increase_to", metric=t(lang, "metrics.churn_rate"), target_to=phrase(lang, "to", 5, "%"),
    )) in dm_texts(workspace, user)[-2]
    # Raised to a level: where churn stands today is asked, so progress counts from there.
    assert t(lang, "ask.start_up", metric=t(lang, "metrics.churn_rate"), target_to=phrase(lang, "to", 5, "%"),
             example=fmt_amount(lang, 2.5, "%")) in dm_texts(workspace, user)[-1]
    workspace.say("3%", user=user)
    assert t(lang, "ask.achievable") in dm_texts(workspace, user)[-1]
    # Changing the number from the summary card keeps the way already answered.
    for answer in (f"8 - {PLAN[lang]}", CHURN_REASON[lang]):
        workspace.say(answer, user=user)
    workspace.click(last_bot_message(workspace, user), ids.ACTION_EDIT, user=user)
    workspace.click(last_bot_message(workspace, user), ids.ACTION_CHOICE, user=user, value="measurable")
    workspace.say("6%", user=user)
    workspace.say(YES_NO[lang][0], user=user)
    assert sum(_churn_question(lang) in text for text in dm_texts(workspace, user)) == 1
    goal = _only_goal(workspace, user)
    assert (goal.direction, goal.target) == ("increase", 6.0)


@pytest.mark.parametrize(("user", "lang", "way", "direction"), [
    ("U1", "en", "decrease", "decrease"), ("U2", "it", "decrease", "decrease"), ("U1", "en", "increase", "increase"),
])
@pytest.mark.both_databases
def test_the_direction_question_has_a_button_for_each_way(
    workspace: LocalWorkspace, user: str, lang: str, way: str, direction: str,
) -> None:
    say_goal(workspace, user, MORE_CHURN[lang])
    workspace.click(last_bot_message(workspace, user), ids.ACTION_DIRECTION, user=user, value=way)
    with workspace.deps.sessions() as session:
        convo = session.scalars(select(Conversation).where(Conversation.user_id == user)).one()
        assert convo.draft["direction"] == direction and convo.pending is None
    asked = dm_texts(workspace, user)[-1]
    assert (t(lang, "ask.start", metric=t(lang, "metrics.churn_rate"), target_to=phrase(lang, "to", 5, "%"),
              example=fmt_amount(lang, 10, "%")) in asked) == (direction == "decrease")


@pytest.mark.parametrize(("user", "lang", "sentence", "answer"), [
    ("U1", "en", "reduce retention to 80% by june", "up"),
    ("U2", "it", "ridurre il tasso di fidelizzazione all'80% entro giugno", "su"),
    ("U1", "en", "lower the renewal rate to 80% by june", "really raise it"),
])
def test_reducing_retention_is_asked_back_and_a_way_typed_in_words_is_taken(
    workspace: LocalWorkspace, user: str, lang: str, sentence: str, answer: str,
) -> None:
    say_goal(workspace, user, sentence)
    metric = "renewal_rate" if "renewal" in sentence else "retention_rate"
    assert t(lang, f"direction.{metric}", amount=phrase(lang, "to", 80, "%")) in dm_texts(workspace, user)[-1]
    workspace.say("hmm", user=user)  # no way named: the same question again, nothing decided
    assert t(lang, f"direction.{metric}", amount=phrase(lang, "to", 80, "%")) in dm_texts(workspace, user)[-1]
    workspace.say(answer, user=user)
    workspace.say("70%", user=user)  # raised to 80%: from where? asked, never counted from zero
    for answer_ in (f"8 - {PLAN[lang]}", CHURN_REASON[lang], YES_NO[lang][0]):
        workspace.say(answer_, user=user)
    goal = _only_goal(workspace, user)
    assert (goal.metric, goal.direction, goal.baseline, goal.target) == (metric, "increase", 70.0, 80.0)


@pytest.mark.parametrize(("user", "lang", "answer"), [("U1", "en", "down to 3%"), ("U2", "it", "giù al 3%")])
def test_a_way_and_a_new_number_answer_the_direction_question_together(
    workspace: LocalWorkspace, user: str, lang: str, answer: str,
) -> None:
    say_goal(workspace, user, MORE_CHURN[lang], answer)
    assert t(lang, "ask.start", metric=t(lang, "metrics.churn_rate"), target_to=phrase(lang, "to", 3, "%"),
             example=fmt_amount(lang, 6, "%")) in dm_texts(workspace, user)[-1]


@pytest.mark.parametrize(("user", "lang", "sentence"), [
    ("U1", "en", "increase churn from 3% to 5% by june"), ("U2", "it", "aumentare il churn dal 3% al 5% entro giugno"),
])
def test_bringing_down_a_churn_typed_as_going_up_asks_for_another_target(
    workspace: LocalWorkspace, user: str, lang: str, sentence: str,
) -> None:

    say_goal(workspace, user, sentence, YES_NO[lang][0])
    answer = "\n".join(dm_texts(workspace, user)[-2:])  # why, then the Measurable question again
    assert t(lang, "feedback.achievable.target_not_below_baseline", target=fmt_amount(lang, 5, "%"),
             baseline=fmt_amount(lang, 3, "%")) in answer
    assert not any(t(lang, "feedback.measurable.measure_recorded", measure="").rstrip(".") in text
                   for text in dm_texts(workspace, user))  # "churn from 3% down to 5%" is never said
    workspace.say("2%", user=user)
    with workspace.deps.sessions() as session:
        draft = session.scalars(select(Conversation).where(Conversation.user_id == user)).one().draft
    assert (draft["direction"], draft["baseline"], draft["target"]) == ("decrease", 3.0, 2.0)


@pytest.mark.parametrize(("user", "lang", "points"), [("U1", "en", "+1 point"), ("U2", "it", "+1 punto")])
def test_one_point_of_growth_is_said_in_the_singular(workspace: LocalWorkspace, user: str, lang: str, points: str) -> None:
    _goal_id, card = reply_on_growth_from_200k(workspace, user, lang, "+1")
    assert labels(thread_messages(workspace, user, card)[-1])[0] == t(
        lang, "checkin.ask.pick_growth_points", points=points, value_by=phrase(lang, "by", 1, "%"))


def _churn_reduction(ws: LocalWorkspace, user: str, lang: str) -> int:
    return add_manage_goal(ws, user, title="reduce churn rate to 5% by june" if lang == "en"
                           else "ridurre il tasso di churn al 5% entro giugno", type="retention",
                           metric="churn_rate", unit="%", direction="decrease", target=5.0, lang=lang)


RAISE_CHURN = {"en": "edit {id} direction increase because we want it higher",
               "it": "modifica {id} direzione aumentare perché lo vogliamo più alto"}


@pytest.mark.both_databases
@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_a_typed_edit_raising_churn_is_asked_back_and_saved_only_for_the_way_picked(
    workspace: LocalWorkspace, user: str, lang: str,
) -> None:
    # `/goal edit 3 direction increase` on churn was saved at once: the question the conversation asks was skipped.
    goal_id = _churn_reduction(workspace, user, lang)
    workspace.command(RAISE_CHURN[lang].format(id=goal_id), user=user)
    question = workspace.fake.ephemeral_messages(user)[-1]
    assert _churn_question(lang) in all_text(question) and t(lang, "direction.hint_buttons") in all_text(question)
    assert labels(question) == [t(lang, f"direction.pick_{way}", amount=phrase(lang, "to", 5, "%"))
                                for way in ("decrease", "increase")]
    assert goal_of(workspace, goal_id).direction == "decrease"  # nothing saved while it asks
    [down, up] = question["blocks"][1]["elements"]
    workspace.click(question, ids.ACTION_EDIT_DIRECTION, user=user, value=down["value"], ephemeral=True)
    assert t(lang, "manage.edit.direction_kept", id=goal_id, direction=t(lang, "directions.decrease")) in all_text(
        workspace.fake.ephemeral_messages(user)[-1])
    assert goal_of(workspace, goal_id).direction == "decrease"
    workspace.click(question, ids.ACTION_EDIT_DIRECTION, user=user, value=up["value"], ephemeral=True)
    goal = goal_of(workspace, goal_id)
    assert goal.direction == "increase"
    saved = all_text(workspace.fake.ephemeral_messages(user)[-1])
    assert t(lang, "manage.change", field=t(lang, "manage.fields.direction"), before=t(lang, "directions.decrease"),
             after=t(lang, "directions.increase")) in saved
    assert _churn_question(lang) not in saved  # answered: not repeated as a warning
    with workspace.deps.sessions() as session:
        revisions = session.scalars(select(GoalRevision).where(GoalRevision.goal_id == goal_id)).all()
        assert [(r.field, r.reason) for r in revisions] == [
            ("direction", "we want it higher" if lang == "en" else "lo vogliamo più alto")]


@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_the_edit_form_raising_churn_asks_back_once_then_keeps_it(workspace: LocalWorkspace, user: str,
                                                                  lang: str) -> None:
    goal_id = _churn_reduction(workspace, user, lang)
    workspace.command("edit" if lang == "en" else "modifica", user=user)
    first = json.loads(submit_edit(workspace, user, direction="increase", reason="higher").body)
    assert first["response_action"] == "update"
    assert _churn_question(lang) in all_text({"blocks": first["view"]["blocks"]})
    assert goal_of(workspace, goal_id).direction == "decrease"
    warned = {**first["view"], "id": last_modal(workspace)["id"]}
    submit_edit(workspace, user, view=warned)
    assert goal_of(workspace, goal_id).direction == "increase"


# A growth goal counted in clients (+20% on 50 clients), and a count goal from a starting count, as each rep types it.
CLIENTS_UP = {"en": ("increase new clients by 20% by june", "50 clients"),
              "it": ("aumentare i nuovi clienti del 20% entro giugno", "50 clienti")}


def _first_check_in(ws: LocalWorkspace, user: str, lang: str, *answers: str) -> dict[str, Any]:
    say_goal(ws, user, *answers, f"8 - {PLAN[lang]}", REASON[lang], YES_NO[lang][0])
    run(ws, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    return last_card(ws, user)


@pytest.mark.parametrize(("user", "lang"), PEOPLE)
def test_a_bare_change_on_a_growth_goal_counted_in_clients_is_asked_back_more_clients_first(
    workspace: LocalWorkspace, user: str, lang: str,
) -> None:
    # "+5" on +20% from 50 clients was recorded as +5 points of growth: the rep meant 5 more clients (+10%).
    card = _first_check_in(workspace, user, lang, *CLIENTS_UP[lang])
    workspace.say("+5", user=user, thread_ts=card["ts"])
    goal = _only_goal(workspace, user)
    assert (goal.baseline, goal.baseline_unit, goal.current) == (50, "clients", None)  # nothing recorded yet
    question = thread_messages(workspace, user, card)[-1]
    assert t(lang, "checkin.ask.growth_bare_change_count") in all_text(question)
    assert labels(question) == [
        t(lang, "checkin.ask.pick_money_change", change="+5", amount=fmt_amount(lang, 55, "clients")),
        t(lang, "checkin.ask.pick_growth_points", points="+" + tn(lang, "count.points", 5),
          value_by=phrase(lang, "by", 5, "%")),
    ]
    workspace.click(question, ids.ACTION_CHECKIN_PICK, user=user, value=question["blocks"][1]["elements"][0]["value"])
    assert _only_goal(workspace, user).current == 10.0  # 55 clients on 50: grown by 10%


@pytest.mark.parametrize(("user", "lang", "answers"), [
    ("U1", "en", ("get to 60 active accounts from 40 by june",)),
    ("U2", "it", ("passare da 40 a 60 clienti entro giugno",)),  # clients won: no "what will we count?"
])
def test_a_bare_change_on_a_count_from_a_starting_count_is_that_many_more(
    workspace: LocalWorkspace, user: str, lang: str, answers: tuple[str, ...],
) -> None:
    card = _first_check_in(workspace, user, lang, *answers)
    workspace.say("+5", user=user, thread_ts=card["ts"])
    assert _only_goal(workspace, user).current == 45.0  # 40 accounts and 5 more, recorded without a question
    assert f"*{fmt_number(lang, 45)}*" in thread_answers(workspace, user, card)[-1]
