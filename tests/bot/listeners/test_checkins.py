"""Weekly check-ins as a person lives them: the card in the DM, replies in its thread, buttons, the modal."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot import ids
from bot.local.workspace import LocalWorkspace
from prompts import fmt_amount, t
from storage.models import CheckIn, ProcessedEvent
from tests.bot.checkin_support import (
    add_goal,
    bot_messages,
    cards,
    checkins_of,
    goal_of,
    last_card,
    run,
    thread_answers,
    thread_messages,
)
from tests.bot.conftest import all_text, dm_texts
from tests.bot.team_support import make_manager


def ephemeral_texts(ws: LocalWorkspace, user: str) -> list[str]:
    return [all_text(m) for m in ws.fake.ephemeral_messages(user)]


def test_the_weekly_card_shows_the_goal_the_pace_it_needs_and_five_buttons(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    summary = run(workspace)
    assert (summary["planned"], summary["sent"]) == (1, 1)
    card = last_card(workspace, "U1")
    text = all_text(card)
    assert "Sign 10 new clients in healthcare" in text
    assert t("en", "measure.reach", pair="4 of 10 clients", date="31 January 2027") in text
    assert "▰▰▰▰▱▱▱▱▱▱ 40%" in text
    # 56 of 122 days gone on Thursday 26 November
    assert t("en", "standing.expected", done_at="at 40%", expected_the="46%") in text
    assert t("en", "checkin.status", pace=t("en", "pace.at_risk")) in text
    buttons = [e["text"]["text"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [t("en", f"checkin.buttons.{name}") for name in ("update", "on_track", "at_risk", "blocked", "skip")]
    assert run(workspace)["planned"] == 0
    assert len(cards(workspace, "U1")) == 1


def test_a_churn_cards_pace_line_says_both_percentages_are_of_the_way(workspace: LocalWorkspace) -> None:
    # Churn is itself a percentage: "at 0% of the way, 46% expected" reads as churn expected at 46%.
    add_goal(workspace, "U1", title="reduce churn from 8% to 5%", unit="%", baseline=8, target=5, current=8,
             direction="decrease", type_="retention", metric="churn_rate")
    run(workspace)
    text = all_text(last_card(workspace, "U1"))
    assert t("en", "standing.expected", done_at="at 0%", expected_the="46%") in text
    assert re.search(r"\d%\s+expected", text) is None


def test_italian_owner_gets_the_card_in_italian(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U2", title="Acquisire 10 nuovi clienti", lang="it")
    run(workspace)
    text = all_text(last_card(workspace, "U2"))
    assert "Aggiornamento settimanale" in text
    assert t("it", "measure.reach", pair="4 su 10 clienti", date="31 gennaio 2027") in text
    assert t("it", "standing.expected", done_at="al 40%", expected_the="il 46%") in text
    assert "Salta questa settimana" in text


def test_reply_in_thread_records_progress_and_answers_with_status_and_forecast(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.say("7", user="U1", thread_ts=card["ts"])
    [answer] = thread_answers(workspace, "U1", card)
    assert t("en", "checkin.recorded.value", amount="*7* clients", change="+3") in answer
    assert "▰▰▰▰▰▰▰▱▱▱ 70%" in answer
    assert t("en", "checkin.recorded.status", pace=t("en", "pace.on_track")) in answer
    assert t("en", "forecast.not_enough") in answer  # one week of history is no trend
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.status, checkin.value, checkin.previous_value, checkin.pace) == ("answered", 7, 4, "on_track")
    assert checkin.reply_text == "7" and checkin.note is None
    goal = goal_of(workspace, goal_id)
    assert (goal.current, goal.pace, goal.status) == (7, "on_track", "active")
    assert not any(m.get("thread_ts") is None and "Recorded" in all_text(m) for m in bot_messages(workspace, "U1"))


@pytest.mark.parametrize(("user", "reply", "expected"), [
    ("U1", "7/10", 7),
    ("U1", "70%", 7),
    ("U1", "+3", 7),
    ("U1", "3 more", 7),
    ("U1", "closed 3 more deals, now at 7", 7),
    ("U2", "ho chiuso 3 nuovi clienti, ora siamo a 7", 7),
    ("U2", "tre nuovi clienti", 7),
    ("U2", "siamo all'80%", 8),
])
@pytest.mark.one_database  # the table is about reading replies; storing the total is checked on both databases
def test_replies_in_english_and_italian_are_read_as_the_new_total(
    workspace: LocalWorkspace, user: str, reply: str, expected: float,
) -> None:
    goal_id = add_goal(workspace, user)
    run(workspace)
    workspace.say(reply, user=user, thread_ts=last_card(workspace, user)["ts"])
    assert goal_of(workspace, goal_id).current == expected
    assert checkins_of(workspace, goal_id)[0].reply_text == reply


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "lang", "reply", "expected"), [
    ("U2", "it", "meno 0,3", 6.7),  # read as a churn of 0.3%, "on track", before
    ("U1", "en", "six and a half", 6.5),  # read as 6
    ("U2", "it", "scusa, erano 6,8 non 6,5", 6.8),  # asked between 6.5 and 13.5 before
])
def test_a_churn_reply_with_a_sign_a_half_or_a_rejected_number_is_recorded_as_meant(
    workspace: LocalWorkspace, user: str, lang: str, reply: str, expected: float,
) -> None:
    goal_id = add_goal(workspace, user, title="Churn PMI", target=5, unit="%", baseline=8, current=7,
                       direction="decrease", type_="retention", metric="churn_rate", lang=lang)
    run(workspace)
    card = last_card(workspace, user)
    workspace.say(reply, user=user, thread_ts=card["ts"])
    assert goal_of(workspace, goal_id).current == pytest.approx(expected)
    said = thread_answers(workspace, user, card)[-1].splitlines()[0]
    assert f"*{fmt_amount(lang, expected, '%')}*" in said  # what it recorded, said back in the person's notation


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "reply", "expected"), [
    ("U1", "€120k", 120_000),
    ("U2", "120.000 euro", 120_000),
])
def test_money_replies_are_read_in_the_owners_notation(
    workspace: LocalWorkspace, user: str, reply: str, expected: float,
) -> None:
    goal_id = add_goal(workspace, user, title="Grow ARR to €500k", target=500_000, unit="EUR", baseline=50_000,
                       current=100_000, type_="revenue", metric="arr")
    run(workspace)
    card = last_card(workspace, user)
    workspace.say(reply, user=user, thread_ts=card["ts"])
    assert goal_of(workspace, goal_id).current == expected
    answer = thread_answers(workspace, user, card)[0]
    assert ("€120,000" if user == "U1" else "120.000\u00a0€") in answer


def test_unclear_reply_gets_a_question_with_what_was_understood_and_the_choice_is_recorded(
    workspace: LocalWorkspace,
) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.say("closed 3", user="U1", thread_ts=card["ts"])
    [question] = thread_messages(workspace, "U1", card)
    text = all_text(question)
    assert "I read: “closed 3”" in text and t("en", "checkin.ask.ambiguous_delta") in text
    assert "`3`" in text and "`+3`" in text
    assert goal_of(workspace, goal_id).current == 4  # not a guess
    labels = [e["text"]["text"] for b in question["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["Now at 3 clients", "Now at 7 clients"]

    workspace.click(question, ids.ACTION_CHECKIN_PICK, user="U1", value=question["blocks"][1]["elements"][1]["value"])
    assert goal_of(workspace, goal_id).current == 7
    closed = next(m for m in workspace.fake.dm_messages("U1") if m["ts"] == question["ts"])
    assert not any(b["type"] == "actions" for b in closed["blocks"])
    recorded = t("en", "checkin.recorded.value", amount="*7* clients", change="+3")
    assert recorded in thread_answers(workspace, "U1", card)[-1]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "lang", "reply"), [("U1", "en", "at 5, not sure if the renewal counts"),
                                                     ("U2", "it", "sono a 5 ma uno è un rinnovo, non so se conta")])
def test_a_number_its_owner_doubts_is_asked_and_recorded_once_confirmed(
    workspace: LocalWorkspace, user: str, lang: str, reply: str,
) -> None:
    goal_id = add_goal(workspace, user, lang=lang, title="Sign 10 new clients in healthcare")
    run(workspace)
    card = last_card(workspace, user)
    workspace.say(reply, user=user, thread_ts=card["ts"])
    assert goal_of(workspace, goal_id).current == 4  # not recorded on a doubt
    [question] = thread_messages(workspace, user, card)
    assert t(lang, "checkin.ask.unsure", title="Sign 10 new clients in healthcare") in all_text(question)
    workspace.click(question, ids.ACTION_CHECKIN_PICK, user=user, value=question["blocks"][1]["elements"][0]["value"])
    assert goal_of(workspace, goal_id).current == 5


@pytest.mark.both_databases
@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "lang"), [("U1", "en"), ("U2", "it")])
def test_an_old_questions_button_pressed_after_the_week_was_settled_changes_nothing_and_says_so(
    workspace: LocalWorkspace, user: str, lang: str,
) -> None:
    # A shell session's: the question stayed live after the value was settled by a later reply, and pressing
    # its other option put back, without a word, the value the person had just corrected away.
    goal_id = add_goal(workspace, user, lang=lang)
    run(workspace)
    card = last_card(workspace, user)
    workspace.say("closed 3" if lang == "en" else "ho chiuso 3 contratti", user=user, thread_ts=card["ts"])
    [question] = thread_messages(workspace, user, card)
    workspace.say("6", user=user, thread_ts=card["ts"])  # settled: 6
    assert goal_of(workspace, goal_id).current == 6
    workspace.click(question, ids.ACTION_CHECKIN_PICK, user=user, value=question["blocks"][1]["elements"][1]["value"])
    assert goal_of(workspace, goal_id).current == 6  # not the 7 the old question offered
    assert t(lang, "checkin.pick_stale", value=fmt_amount(lang, 6, "clients"),
             correct=t(lang, "reading.buttons.correct")) in thread_answers(workspace, user, card)[-1]


def test_an_italian_percentage_between_two_counts_is_asked_back_in_italian(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U2", lang="it")
    run(workspace)
    card = last_card(workspace, "U2")
    workspace.say("siamo all'85%", user="U2", thread_ts=card["ts"])
    [question] = thread_messages(workspace, "U2", card)
    assert "Ho letto: “siamo all'85%”" in all_text(question)
    labels = [e["text"]["text"] for b in question["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert labels == [t("it", "checkin.ask.pick_value", value="8 clienti"),
                      t("it", "checkin.ask.pick_value", value="9 clienti")]
    workspace.say("9", user="U2", thread_ts=card["ts"])
    assert goal_of(workspace, goal_id).current == 9


def test_the_question_can_be_answered_by_typing_plus_or_the_total(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.say("closed 3", user="U1", thread_ts=card["ts"])
    workspace.say("+3", user="U1", thread_ts=card["ts"])
    assert goal_of(workspace, goal_id).current == 7
    workspace.say("signed 2", user="U1", thread_ts=card["ts"])  # 2 in total, or 9?
    workspace.say("2", user="U1", thread_ts=card["ts"])  # the bare number picks the first reading: the total
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.value, checkin.previous_value, checkin.pending) == (2, 4, None)


def test_a_correction_of_last_week_is_not_recorded_as_this_weeks_progress(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U2", lang="it")
    run(workspace)
    card = last_card(workspace, "U2")
    workspace.say("in realtà siamo a 5, la volta scorsa avevo sbagliato", user="U2", thread_ts=card["ts"])
    [question] = thread_answers(workspace, "U2", card)
    assert t("it", "checkin.ask.correction", title="Sign 10 new clients in healthcare") in question
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.status == "asked" and checkin.value is None  # nothing counted as this week's "+1"
    workspace.say("5", user="U2", thread_ts=card["ts"])  # then it is this week's total after all
    assert checkins_of(workspace, goal_id)[0].value == 5


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user,reply", [("it", "U2", "questa settimana niente, sono in ferie"),
                                             ("it", "U2", "salto questa settimana"),
                                             ("en", "U1", "I'm on holiday this week"),
                                             ("en", "U1", "skip"), ("it", "U2", "salta")])
def test_a_reply_that_skips_the_week_skips_it_as_the_button_does(
    workspace: LocalWorkspace, lang: str, user: str, reply: str,
) -> None:
    goal_id = add_goal(workspace, user, lang=lang)
    run(workspace)
    card = last_card(workspace, user)
    workspace.say(reply, user=user, thread_ts=card["ts"])
    [answer] = thread_answers(workspace, user, card)
    assert t(lang, "checkin.mood.skipped", title="X", next="Y").split("X")[0] in answer  # said back, not asked
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.status == "skipped" and checkin.value is None and checkin.reply_text == reply
    # The note is the reason the manager's week quotes: a bare "skip" gives none.
    assert checkin.note == (None if reply in ("salto questa settimana", "skip", "salta") else reply)


def test_reply_without_a_number_is_asked_back_and_its_note_kept(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.say("Tough week, prospects on holiday", user="U1", thread_ts=card["ts"])
    [question] = thread_answers(workspace, "U1", card)
    assert t("en", "checkin.ask.no_number", title="Sign 10 new clients in healthcare") in question
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.status == "asked" and checkin.note == "Tough week, prospects on holiday"
    workspace.say("5", user="U1", thread_ts=card["ts"])
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.value == 5 and checkin.note == "Tough week, prospects on holiday"


def test_blocker_in_a_reply_is_kept_and_shown(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.say("now at 5, waiting on legal for 2 contracts", user="U1", thread_ts=card["ts"])
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.value == 5 and "waiting on legal" in (checkin.blocker or "")
    blocker = t("en", "checkin.recorded.blocker", blocker="waiting on legal for 2 contracts")
    assert blocker in thread_answers(workspace, "U1", card)[0]


def test_reply_text_is_escaped_when_echoed(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.say("<!channel> no idea", user="U1", thread_ts=card["ts"])
    answer = thread_answers(workspace, "U1", card)[0]
    assert "&lt;!channel&gt;" in answer and "<!channel>" not in answer


def test_maintain_goal_is_on_track_while_at_or_above_its_floor(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", title="Keep renewals at 90% or more", target=90, unit="%", baseline=92,
                       current=None, direction="maintain", type_="retention", metric="renewal_rate")
    run(workspace)
    card = last_card(workspace, "U1")
    assert t("en", "measure.maintain_none", floor_at="at 90%", date="31 January 2027") in all_text(card)
    assert t("en", "pace.not_started") in all_text(card)  # no value yet: not "at risk"
    workspace.say("91%", user="U1", thread_ts=card["ts"])
    assert goal_of(workspace, goal_id).pace == "on_track"
    workspace.say("actually 88%", user="U1", thread_ts=card["ts"])
    goal = goal_of(workspace, goal_id)
    # A week below the floor is a miss, not "98% of 90%".
    assert (goal.current, goal.pace, goal.status) == (88, "off_track", "active")
    answer = thread_answers(workspace, "U1", card)[-1]
    assert t("en", "pace.off_track") in answer and "98%" not in answer


def test_reaching_the_target_marks_the_goal_achieved_and_congratulates(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U2", lang="it")
    run(workspace)
    card = last_card(workspace, "U2")
    workspace.say("siamo a 10!", user="U2", thread_ts=card["ts"])
    # From 4 to 10 in one week: confirmed before it is recorded.
    question = thread_messages(workspace, "U2", card)[-1]
    assert t("it", "checkin.ask.jump", title="Sign 10 new clients in healthcare", target="10 clienti",
             unit="clienti") in all_text(question)
    assert goal_of(workspace, goal_id).current == 4
    workspace.say("10", user="U2", thread_ts=card["ts"])
    goal = goal_of(workspace, goal_id)
    assert (goal.status, goal.pace) == ("achieved", "achieved") and goal.closed_at is not None
    assert t("it", "checkin.recorded.achieved", title="Sign 10 new clients in healthcare",
             value="10 clienti") in thread_answers(workspace, "U2", card)[-1]
    assert run(workspace, at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC))["planned"] == 0  # no check-ins after


def test_retried_and_duplicated_events_apply_a_reply_once(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.say("+3", user="U1", thread_ts=card["ts"], event_id="Ev0REPLY")
    workspace.say("+3", user="U1", thread_ts=card["ts"], event_id="Ev0REPLY", retry_num=1)
    [typed] = [m for m in workspace.fake.dm_messages("U1") if m.get("user") == "U1"][:1]
    # The same message again under a new event id (Slack may deliver a message twice): still applied once.
    workspace.dispatch(*workspace.requests.message_event(
        "+3", user="U1", ts=typed["ts"], thread_ts=card["ts"], parent_user_id=workspace.fake.bot_user_id))
    assert goal_of(workspace, goal_id).current == 7
    assert len(thread_answers(workspace, "U1", card)) == 1
    with workspace.deps.sessions() as session:
        claimed = session.scalars(select(ProcessedEvent.event_id).where(ProcessedEvent.event_id.like("msg:%"))).all()
    assert len(claimed) == 1


@pytest.mark.both_databases
def test_bot_messages_edits_and_deletions_in_a_checkin_thread_are_ignored(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    for event in (
        workspace.requests.message_event("9", user="U1", thread_ts=card["ts"], bot_id="BOTHER"),
        workspace.requests.message_event("9", user="U1", thread_ts=card["ts"], subtype="message_changed"),
        workspace.requests.message_event("9", user="U1", thread_ts=card["ts"], subtype="message_deleted"),
    ):
        workspace.dispatch(*event)
    assert goal_of(workspace, goal_id).current == 4
    assert thread_answers(workspace, "U1", card) == []


@pytest.mark.both_databases
def test_a_thread_that_is_not_a_checkin_is_left_to_the_conversation(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    workspace.command("list", user="U1")
    workspace.say("hello", user="U1")
    pointer = bot_messages(workspace, "U1")[-1]
    workspace.say("7", user="U1", thread_ts=pointer["ts"])
    assert "/goal" in dm_texts(workspace, "U1")[-1]


def test_on_track_and_at_risk_buttons_keep_the_mood_and_answer_by_the_numbers(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", current=3)
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.click(card, ids.ACTION_CHECKIN_ON_TRACK, user="U1")
    answer = thread_answers(workspace, "U1", card)[-1]
    assert "you feel *on track*" in answer and "By the numbers: 🟠 at risk" in answer
    assert t("en", "checkin.mood.numbers", pace=t("en", "pace.at_risk"),
             measure=t("en", "measure.reach", pair="3 of 10 clients", date="31 January 2027")) in answer
    workspace.click(card, ids.ACTION_CHECKIN_AT_RISK, user="U1")
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.mood == "at_risk" and checkin.message_ts == card["ts"]
    at_risk = t("en", "checkin.mood.at_risk", title="Sign 10 new clients in healthcare")
    assert at_risk in thread_answers(workspace, "U1", card)[-1]


@pytest.mark.both_databases
def test_blocked_asks_what_blocks_and_keeps_the_answer_as_the_blocker(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U2", lang="it")
    run(workspace)
    card = last_card(workspace, "U2")
    workspace.click(card, ids.ACTION_CHECKIN_BLOCKED, user="U2")
    assert t("it", "checkin.mood.blocked", title="Sign 10 new clients in healthcare") in thread_answers(
        workspace, "U2", card)[-1]
    workspace.say("aspettiamo l'ufficio legale per 2 contratti", user="U2", thread_ts=card["ts"])
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.mood, checkin.blocker) == ("blocked", "aspettiamo l'ufficio legale per 2 contratti")
    assert goal_of(workspace, goal_id).current == 4  # the 2 contracts are the obstacle, not progress
    saved = t("it", "checkin.mood.blocker_saved", blocker="aspettiamo l'ufficio legale per 2 contratti")
    assert saved in thread_answers(workspace, "U2", card)[-1]


def test_skip_this_week_stops_the_reminder_and_says_when_the_next_one_comes(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.click(card, ids.ACTION_CHECKIN_SKIP, user="U1")
    assert "Next check-in: *Monday 30 November at 09:00*" in thread_answers(workspace, "U1", card)[-1]
    assert checkins_of(workspace, goal_id)[0].status == "skipped"
    assert run(workspace, "reminders", at=datetime(2026, 11, 28, 11, 0, tzinfo=UTC))["planned"] == 0
    run(workspace, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    assert len(cards(workspace, "U1")) == 2


def test_update_button_opens_a_modal_that_records_the_value_and_note(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.click(card, ids.ACTION_CHECKIN_UPDATE, user="U1")
    [modal] = workspace.fake.modals()
    assert modal["callback_id"] == ids.VIEW_CHECKIN and "Now: 4 clients" in all_text(modal)
    response = workspace.submit(modal, {ids.BLOCK_CHECKIN_VALUE: {ids.INPUT_CHECKIN_VALUE: "+3"},
                                        ids.BLOCK_CHECKIN_NOTE: {ids.INPUT_CHECKIN_NOTE: "Two referrals"}}, user="U1")
    assert response.status == 200 and not response.body
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.value, checkin.note, checkin.status) == (7, "Two referrals", "answered")
    recorded = t("en", "checkin.recorded.value", amount="*7* clients", change="+3")
    assert recorded in thread_answers(workspace, "U1", card)[-1]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "typed", "error"), [
    ("U1", "lots", t("en", "checkin.modal.unreadable")),
    ("U2", "tanti", t("it", "checkin.modal.unreadable")),
    ("U1", "7 or 8", t("en", "checkin.modal.choose", options="7 clients / 8 clients")),
])
@pytest.mark.one_database
def test_an_unreadable_number_in_the_modal_keeps_it_open_with_a_localized_error(
    workspace: LocalWorkspace, user: str, typed: str, error: str,
) -> None:
    goal_id = add_goal(workspace, user)
    run(workspace)
    workspace.click(last_card(workspace, user), ids.ACTION_CHECKIN_UPDATE, user=user)
    response = workspace.submit(workspace.fake.modals()[-1],
                                {ids.BLOCK_CHECKIN_VALUE: {ids.INPUT_CHECKIN_VALUE: typed}}, user=user)
    assert '"response_action": "errors"' in response.body.replace("'", '"') or "errors" in response.body
    assert error in response.body
    assert goal_of(workspace, goal_id).current == 4


def test_a_plain_number_in_the_modal_is_the_new_total(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", current=5)
    run(workspace)
    workspace.click(last_card(workspace, "U1"), ids.ACTION_CHECKIN_UPDATE, user="U1")
    workspace.submit(workspace.fake.modals()[-1], {ids.BLOCK_CHECKIN_VALUE: {ids.INPUT_CHECKIN_VALUE: "3"}},
                     user="U1")
    assert goal_of(workspace, goal_id).current == 3


def test_checkin_command_posts_the_checkin_now_as_this_weeks(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", created=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    workspace.command("checkin", user="U1")
    card = last_card(workspace, "U1")
    [checkin] = checkins_of(workspace, goal_id)
    assert str(checkin.week_start) == "2026-11-23" and checkin.message_ts == card["ts"]
    workspace.say("6", user="U1", thread_ts=card["ts"])
    assert goal_of(workspace, goal_id).current == 6
    assert run(workspace)["planned"] == 0 and len(cards(workspace, "U1")) == 1


def test_checkin_command_when_slack_is_busy_queues_the_card_and_its_thread_still_works(
    workspace: LocalWorkspace,
) -> None:
    goal_id = add_goal(workspace, "U1")
    # Slack answers ok:false fatal_error (a 5xx would be retried by the client first, sleeping for real).
    workspace.fake.fail_next("chat.postMessage", status=200, error="fatal_error")
    workspace.command("checkin", user="U1")
    assert t("en", "checkin.now.queued") in ephemeral_texts(workspace, "U1")[-1]
    assert cards(workspace, "U1") == []
    run(workspace, "outbox", at=workspace.deps.clock() + timedelta(minutes=1))
    card = last_card(workspace, "U1")
    workspace.say("8", user="U1", thread_ts=card["ts"])
    assert goal_of(workspace, goal_id).current == 8
    assert checkins_of(workspace, goal_id)[0].message_ts == card["ts"]


def test_checkin_command_without_goals_says_how_to_set_one(workspace: LocalWorkspace) -> None:
    workspace.command("checkin", user="U1")
    assert t("en", "checkin.now.none") in ephemeral_texts(workspace, "U1")[-1]


def test_checkin_command_from_a_channel_points_to_the_dm(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="sales", members=["U1"])
    add_goal(workspace, "U1")
    workspace.command("checkin", user="U1", channel="C1")
    assert t("en", "checkin.now.sent") in ephemeral_texts(workspace, "U1")[-1]
    assert len(cards(workspace, "U1")) == 1


def test_checkin_time_moves_the_weekly_checkin(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    run(workspace)  # this week's, on Monday's default
    workspace.command("checkin-time fri 4pm", user="U1")
    answer = ephemeral_texts(workspace, "U1")[-1]
    assert "every *Friday* at *16:00* (Europe/Rome)" in answer
    # This week already had its check-in, and the answer says so.
    assert "Next one: *" + t("en", "checkin.after_this_week", moment="Friday 4 December at 16:00") + "*" in answer
    assert run(workspace, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))["planned"] == 0  # not on Monday any more
    assert run(workspace, at=datetime(2026, 12, 4, 14, 59, tzinfo=UTC))["planned"] == 0
    assert run(workspace, at=datetime(2026, 12, 4, 15, 0, tzinfo=UTC))["planned"] == 1
    workspace.command("orario", user="U1")
    assert "Next one: *" + t("en", "checkin.after_this_week", moment="Friday 11 December at 16:00") + "*" \
        in ephemeral_texts(workspace, "U1")[-1]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "typed", "answer"), [
    ("U1", "checkin-time friday", t("en", "checkin.time.no_time")),
    ("U1", "checkin-time 16:00", t("en", "checkin.time.no_day")),
    ("U2", "orario venerdì 25:00", t("it", "checkin.time.bad_time")),
])
@pytest.mark.one_database
def test_checkin_time_that_cannot_be_read_gets_a_clear_answer(
    workspace: LocalWorkspace, user: str, typed: str, answer: str,
) -> None:
    workspace.command(typed, user=user)
    assert answer in ephemeral_texts(workspace, user)[-1]


@pytest.mark.both_databases
def test_team_default_checkin_time_applies_to_people_without_their_own(workspace: LocalWorkspace) -> None:
    workspace.add_user("U3", name="luca", tz="Europe/Rome", locale="en-US")
    add_goal(workspace, "U2", lang="it")
    add_goal(workspace, "U3")
    workspace.command("checkin-time wednesday 10:00", user="U3")  # U3's own choice wins over the team's
    workspace.command("checkin-time team tuesday 09:30", user="U1")  # not a manager: refused, nothing changes
    assert workspace.fake.ephemeral_messages("U1")[-1]["text"] == t("en", "refused.who.admins_or_managers")
    make_manager(workspace, "U1")
    workspace.command("checkin-time team tuesday 09:30", user="U1")
    assert "team's default check-in is now every *Tuesday* at *09:30*" in ephemeral_texts(workspace, "U1")[-1]
    assert run(workspace, at=datetime(2026, 12, 1, 8, 29, tzinfo=UTC))["planned"] == 0
    run(workspace, at=datetime(2026, 12, 1, 8, 30, tzinfo=UTC))  # Tuesday 09:30 in Rome
    assert (len(cards(workspace, "U2")), len(cards(workspace, "U3"))) == (1, 0)
    run(workspace, at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC))  # Wednesday 10:00 in Rome
    assert (len(cards(workspace, "U2")), len(cards(workspace, "U3"))) == (1, 1)
    workspace.command("checkin-time reset", user="U3")
    assert "back on the team's check-in time, every *Tuesday* at *09:30*" in ephemeral_texts(workspace, "U3")[-1]


def test_pause_until_a_date_stops_checkins_and_they_resume_by_themselves(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1", deadline=datetime(2027, 3, 31).date())
    workspace.deps.clock.set(datetime(2026, 12, 18, 10, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    workspace.command("pause until 7 January", user="U1")
    answer = ephemeral_texts(workspace, "U1")[-1]
    assert "paused until *7 January 2027*" in answer and "*Monday 11 January at 09:00*" in answer
    for monday in (datetime(2026, 12, 21, 8), datetime(2026, 12, 28, 8), datetime(2027, 1, 4, 8)):
        assert run(workspace, at=monday.replace(tzinfo=UTC))["planned"] == 0
    assert run(workspace, at=datetime(2027, 1, 11, 8, 0, tzinfo=UTC))["planned"] == 1


@pytest.mark.both_databases
def test_pause_in_italian_and_resume(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U2", lang="it")
    workspace.command("pausa fino al 7 gennaio", user="U2")
    assert "in pausa fino al *7 gennaio 2027*" in ephemeral_texts(workspace, "U2")[-1]
    assert run(workspace)["planned"] == 0
    workspace.command("riprendi", user="U2")
    assert "ripartiti" in ephemeral_texts(workspace, "U2")[-1]
    assert run(workspace)["planned"] == 1


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("typed", "answer"), [
    ("pause until 1 March 2025", t("en", "checkin.pause.past", date="1 March 2025")),
    ("pause until whenever", t("en", "checkin.pause.unreadable", text="until whenever")),
    ("pause", t("en", "checkin.pause.usage")),
    ("pause until 2029-01-01", t("en", "checkin.pause.too_far")),
], ids=["past", "unreadable", "no date", "too far"])
@pytest.mark.one_database
def test_pause_with_a_date_that_cannot_be_used_gets_a_clear_answer(
    workspace: LocalWorkspace, typed: str, answer: str,
) -> None:
    workspace.command(typed, user="U1")
    assert answer in ephemeral_texts(workspace, "U1")[-1]


def test_resume_when_not_paused_says_when_the_next_one_is(workspace: LocalWorkspace) -> None:
    workspace.command("resume", user="U1")
    assert "aren't paused. The next one is *Monday 30 November at 09:00*" in ephemeral_texts(workspace, "U1")[-1]


@pytest.mark.both_databases
def test_no_reply_after_two_days_gets_one_gentle_reminder_in_the_thread(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    assert run(workspace, "reminders", at=datetime(2026, 11, 28, 9, 59, tzinfo=UTC))["planned"] == 0
    assert run(workspace, "reminders", at=datetime(2026, 11, 28, 10, 1, tzinfo=UTC))["sent"] == 1
    assert run(workspace, "reminders", at=datetime(2026, 11, 29, 10, 0, tzinfo=UTC))["planned"] == 0
    [reminder] = thread_answers(workspace, "U1", card)
    # At 4 of 10 clients, the replies it suggests are the fifth client as a total, or one more.
    assert t("en", "checkin.remind.text", title="Sign 10 new clients in healthcare",
             examples=t("en", "checkin.examples_two", total="5", step="+1")) in reminder
    assert checkins_of(workspace, goal_id)[0].reminded_at is not None
    workspace.say("6", user="U1", thread_ts=card["ts"])  # the reply lands in the same thread
    assert goal_of(workspace, goal_id).current == 6


def test_an_answered_checkin_gets_no_reminder(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    add_goal(workspace, "U2", lang="it")
    run(workspace)
    workspace.say("6", user="U1", thread_ts=last_card(workspace, "U1")["ts"])
    workspace.click(last_card(workspace, "U2"), ids.ACTION_CHECKIN_ON_TRACK, user="U2")
    assert run(workspace, "reminders", at=datetime(2026, 11, 29, 10, 0, tzinfo=UTC))["planned"] == 0


def test_a_checkin_for_an_old_week_is_not_reminded_about(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    run(workspace)
    assert run(workspace, "reminders", at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC))["planned"] == 0


def test_reminders_wait_for_a_pause_to_end(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    run(workspace)
    workspace.command("pause until 30 November", user="U1")
    assert run(workspace, "reminders", at=datetime(2026, 11, 28, 10, 0, tzinfo=UTC))["planned"] == 0


def test_a_checkin_row_is_unique_per_goal_and_week(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    workspace.command("checkin", user="U1")  # on demand in the same week: same row, a new message
    with workspace.deps.sessions() as session:
        rows = session.scalars(select(CheckIn).where(CheckIn.goal_id == goal_id)).all()
    assert len(rows) == 1 and len(cards(workspace, "U1")) == 2
    first, second = cards(workspace, "U1")
    workspace.say("5", user="U1", thread_ts=first["ts"])  # the older message's thread still works
    workspace.say("6", user="U1", thread_ts=second["ts"])
    assert goal_of(workspace, goal_id).current == 6
    assert checkins_of(workspace, goal_id)[0].previous_value == 4


def test_the_modal_opened_without_a_thread_still_answers_in_the_checkins_thread(workspace: LocalWorkspace) -> None:
    from bot.blocks.checkins import update_modal

    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    [checkin] = checkins_of(workspace, goal_id)
    view = update_modal("en", goal_of(workspace, goal_id), {"checkin": checkin.id, "channel": "D1", "thread_ts": None})
    workspace.submit(view, {ids.BLOCK_CHECKIN_VALUE: {ids.INPUT_CHECKIN_VALUE: "6"}}, user="U1")
    recorded = t("en", "checkin.recorded.value", amount="*6* clients", change="+2")
    assert recorded in thread_answers(workspace, "U1", card)[-1]
