"""Never silently wrong, through Slack's dispatch: every reading is echoed with Undo and Correct, and edits and
deletions of a reply in the check-in's thread update that week once (SQLite and PostgreSQL, English and Italian)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot import ids
from bot.blocks.edit import HISTORY_ENTRIES
from bot.listeners.events import edits
from bot.local.workspace import LocalWorkspace, find_button
from prompts import fmt_date, phrase, t, tn
from storage.models import CheckInReading
from storage.repositories import readings_of_checkin
from tests.bot.checkin_support import add_goal, checkins_of, goal_of, last_card, run, thread_answers, thread_messages
from tests.bot.conftest import all_text

LANGS = {"U1": "en", "U2": "it"}
CLIENTS = {"en": ("client", "clients"), "it": ("cliente", "clienti")}


def at_clients(user: str, count: int) -> str:
    """A count of clients after "at", the way the language says it: "at *7* clients", "a *7* clienti"."""
    return phrase(LANGS[user], "at", count, "clients", clients(user, count))


def clients(user: str, count: int) -> str:
    """How the echo shows a count of clients: the number in bold, the noun in the form the number takes."""
    one, other = CLIENTS[LANGS[user]]
    return f"*{count}* {one if count == 1 else other}"


def readings(ws: LocalWorkspace, goal_id: int) -> list[tuple[float, str, str]]:
    """The goal's reading history, oldest first: (value, source, status)."""
    [checkin] = checkins_of(ws, goal_id)
    with ws.deps.sessions() as session:
        return [(r.value, r.source, r.status) for r in readings_of_checkin(session, checkin.id)]


def echoes(ws: LocalWorkspace, user: str, card: dict[str, Any]) -> list[dict[str, Any]]:
    """The thread answers that carry Undo and Correct, oldest first, as the fake Slack holds them now."""
    found = []
    for message in thread_messages(ws, user, card):
        try:
            find_button(message, ids.ACTION_READING_UNDO)
        except LookupError:
            continue
        found.append(message)
    return found


def reply(ws: LocalWorkspace, user: str, card: dict[str, Any], text: str) -> str:
    """Type a reply in the card's thread; return its ts."""
    ws.say(text, user=user, thread_ts=card["ts"])
    return next(str(m["ts"]) for m in reversed(ws.fake.dm_messages(user)) if m.get("user") == user)


def said(ws: LocalWorkspace, user: str, card: dict[str, Any]) -> list[str]:
    """What the bot said in the card's thread, one line of notification text per answer, oldest first."""
    return [m["text"] for m in thread_messages(ws, user, card)]


def started(ws: LocalWorkspace, user: str, **goal: Any) -> tuple[int, dict[str, Any]]:
    """A goal at 4 of 10 clients, its weekly card sent."""
    goal_id = add_goal(ws, user, lang=LANGS[user], **goal)
    run(ws)
    return goal_id, last_card(ws, user)


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("user", ["U1", "U2"])
def test_a_recorded_reply_is_echoed_with_what_was_understood_and_undo_and_correct(
    workspace: LocalWorkspace, user: str,
) -> None:
    lang = LANGS[user]
    goal_id, card = started(workspace, user)
    reply(workspace, user, card, "+3")
    [echo] = echoes(workspace, user, card)
    assert all_text(echo).startswith(t(lang, "checkin.recorded.value", amount=clients(user, 7), change="+3"))
    [(value, source, status)] = readings(workspace, goal_id)
    assert (value, source, status) == (7, "reply", "current")
    undo = find_button(echo, ids.ACTION_READING_UNDO)[0]
    correct = find_button(echo, ids.ACTION_READING_CORRECT)[0]
    assert (undo["text"]["text"], correct["text"]["text"]) == (t(lang, "reading.buttons.undo"),
                                                               t(lang, "reading.buttons.correct"))
    with workspace.deps.sessions() as session:
        [reading_id] = session.scalars(select(CheckInReading.id)).all()
    assert undo["value"] == correct["value"] == str(reading_id)


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("user", ["U1", "U2"])
def test_one_client_is_singular_in_the_echo(workspace: LocalWorkspace, user: str) -> None:
    _, card = started(workspace, user, current=0)
    reply(workspace, user, card, "1")
    [answer] = thread_answers(workspace, user, card)
    assert answer.startswith(t(LANGS[user], "checkin.recorded.value", amount=clients(user, 1), change="+1"))


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("user", ["U1", "U2"])
def test_undo_restores_the_previous_reading_then_the_week_before_any(workspace: LocalWorkspace, user: str) -> None:
    lang = LANGS[user]
    goal_id, card = started(workspace, user)
    reply(workspace, user, card, "7")
    reply(workspace, user, card, "8")
    workspace.click(echoes(workspace, user, card)[-1], ids.ACTION_READING_UNDO, user=user)
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.value, checkin.status, goal_of(workspace, goal_id).current) == (7, "answered", 7)
    assert said(workspace, user, card)[-1] == t(lang, "reading.undone", amount=clients(user, 8),
                                                          restored_at=at_clients(user, 7))
    assert readings(workspace, goal_id) == [(7, "reply", "current"), (8, "reply", "undone")]

    workspace.click(echoes(workspace, user, card)[0], ids.ACTION_READING_UNDO, user=user)
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.value, checkin.status, goal_of(workspace, goal_id).current) == (None, "asked", 4)
    title = goal_of(workspace, goal_id).title
    assert said(workspace, user, card)[-1] == t(lang, "reading.undone_empty", amount=clients(user, 7),
                                                          restored_at=at_clients(user, 4), title=title)
    assert readings(workspace, goal_id) == [(7, "reply", "undone"), (8, "reply", "undone")]


def test_undo_takes_the_replys_words_back_with_its_value(workspace: LocalWorkspace) -> None:
    goal_id, card = started(workspace, "U2")
    reply(workspace, "U2", card, "siamo a 7, due firme la settimana scorsa")
    reply(workspace, "U2", card, "8, bloccato dal legale sul contratto ASL")
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.note == "8, bloccato dal legale sul contratto ASL" and checkin.blocker
    workspace.click(echoes(workspace, "U2", card)[-1], ids.ACTION_READING_UNDO, user="U2")
    [checkin] = checkins_of(workspace, goal_id)
    # Home and the digest show the week's value with its words: 7 with the words that said 7, and no blocker.
    assert (checkin.value, checkin.note, checkin.blocker) == (7, "siamo a 7, due firme la settimana scorsa", None)


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("user", ["U1", "U2"])
def test_an_old_undo_is_refused_calmly_and_changes_nothing(workspace: LocalWorkspace, user: str) -> None:
    lang = LANGS[user]
    goal_id, card = started(workspace, user)
    reply(workspace, user, card, "7")
    first_echo = echoes(workspace, user, card)[0]
    reply(workspace, user, card, "9")
    workspace.click(first_echo, ids.ACTION_READING_UNDO, user=user)
    refusal = t(lang, "reading.not_current", amount=clients(user, 7), current_at=at_clients(user, 9))
    assert said(workspace, user, card)[-1] == refusal
    assert goal_of(workspace, goal_id).current == 9
    assert readings(workspace, goal_id) == [(7, "reply", "superseded"), (9, "reply", "current")]
    # The same press twice: the second one finds the reading undone already.
    latest = echoes(workspace, user, card)[-1]
    workspace.click(latest, ids.ACTION_READING_UNDO, user=user)
    workspace.click(latest, ids.ACTION_READING_UNDO, user=user)
    assert said(workspace, user, card)[-1] == t(lang, "reading.not_current", amount=clients(user, 9),
                                                          current_at=at_clients(user, 7))
    assert goal_of(workspace, goal_id).current == 7


def test_undo_closes_its_buttons_so_the_answer_shows_it_was_undone(workspace: LocalWorkspace) -> None:
    _, card = started(workspace, "U1")
    reply(workspace, "U1", card, "7")
    echo = echoes(workspace, "U1", card)[0]
    workspace.click(echo, ids.ACTION_READING_UNDO, user="U1")
    closed = next(m for m in workspace.fake.dm_messages("U1") if m["ts"] == echo["ts"])
    assert not any(b["type"] == "actions" for b in closed["blocks"])
    assert t("en", "reading.closed_undone") in all_text(closed)


def test_only_the_goals_owner_can_undo_and_is_told_so_privately(workspace: LocalWorkspace) -> None:
    goal_id, card = started(workspace, "U1")
    reply(workspace, "U1", card, "7")
    workspace.click(echoes(workspace, "U1", card)[0], ids.ACTION_READING_UNDO, user="U2")
    assert goal_of(workspace, goal_id).current == 7
    assert [m["text"] for m in workspace.fake.ephemeral_messages("U2")] == [t("it", "reading.not_owner")]
    assert readings(workspace, goal_id) == [(7, "reply", "current")]


def open_correction(ws: LocalWorkspace, user: str, card: dict[str, Any]) -> dict[str, Any]:
    ws.click(echoes(ws, user, card)[-1], ids.ACTION_READING_CORRECT, user=user)
    modal = ws.fake.modals()[-1]
    assert modal["callback_id"] == ids.VIEW_READING_CORRECT
    return modal


def correct(ws: LocalWorkspace, modal: dict[str, Any], typed: str, user: str) -> Any:
    return ws.submit(modal, {ids.BLOCK_READING_VALUE: {ids.INPUT_READING_VALUE: typed}}, user=user)


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("user", ["U1", "U2"])
def test_correct_opens_the_value_and_records_the_corrected_one(workspace: LocalWorkspace, user: str) -> None:
    lang = LANGS[user]
    goal_id, card = started(workspace, user)
    reply(workspace, user, card, "7")
    modal = open_correction(workspace, user, card)
    field = next(b for b in modal["blocks"] if b.get("block_id") == ids.BLOCK_READING_VALUE)
    assert field["element"]["initial_value"] == "7"
    assert clients(user, 7) in all_text(modal)

    response = correct(workspace, modal, "9", user)
    assert response.status == 200 and not response.body
    assert goal_of(workspace, goal_id).current == 9
    answer = thread_answers(workspace, user, card)[-1]
    assert answer.startswith(t(lang, "reading.corrected", before=clients(user, 7), after=clients(user, 9)))
    assert readings(workspace, goal_id) == [(7, "reply", "superseded"), (9, "correction", "current")]
    # The correction is a reading like any other: Undo on it brings the 7 back.
    workspace.click(echoes(workspace, user, card)[-1], ids.ACTION_READING_UNDO, user=user)
    assert goal_of(workspace, goal_id).current == 7


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "typed", "error_key"), [
    ("U1", "lots", "checkin.modal.unreadable"),
    ("U2", "tanti", "checkin.modal.unreadable"),
])
def test_an_unreadable_correction_keeps_the_modal_open_with_the_error_on_the_field(
    workspace: LocalWorkspace, user: str, typed: str, error_key: str,
) -> None:
    goal_id, card = started(workspace, user)
    reply(workspace, user, card, "7")
    response = correct(workspace, open_correction(workspace, user, card), typed, user)
    answer = json.loads(response.body)
    assert answer == {"response_action": "errors", "errors": {ids.BLOCK_READING_VALUE: t(LANGS[user], error_key)}}
    assert goal_of(workspace, goal_id).current == 7


def test_a_change_in_the_correction_counts_from_where_the_week_started(workspace: LocalWorkspace) -> None:
    goal_id, card = started(workspace, "U1")
    reply(workspace, "U1", card, "+3")
    correct(workspace, open_correction(workspace, "U1", card), "+2", "U1")
    assert goal_of(workspace, goal_id).current == 6  # 4 + 2, not 7 + 2


def test_correcting_a_reading_replaced_while_the_modal_was_open_changes_nothing(workspace: LocalWorkspace) -> None:
    goal_id, card = started(workspace, "U1")
    reply(workspace, "U1", card, "7")
    modal = open_correction(workspace, "U1", card)
    reply(workspace, "U1", card, "8")
    response = correct(workspace, modal, "9", "U1")
    assert response.status == 200 and not response.body
    assert said(workspace, "U1", card)[-1] == t("en", "reading.not_current", amount=clients("U1", 7),
                                                current_at=at_clients("U1", 8))
    assert goal_of(workspace, goal_id).current == 8


def edit_event(ws: LocalWorkspace, user: str, ts: str, text: str, *, event_id: str) -> tuple[str, dict[str, str]]:
    """The owner edits a message: Slack changes it and builds the message_changed event (not yet delivered)."""
    edit = ws.fake.edit_user_message(user, ts, text)
    return ws.requests.message_event(
        text, user=user, ts=ts, thread_ts=edit["message"]["thread_ts"], subtype="message_changed",
        edited=edit["message"]["edited"], previous_text=edit["previous_message"]["text"], event_id=event_id)


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "first", "edited", "before", "after"), [
    ("U1", "7", "8", 7, 8),
    ("U1", "+3", "+4", 7, 8),  # the edit's change counts from where the week started, as the reply's did
    ("U2", "siamo a 7", "siamo a 8", 7, 8),
    ("U2", "altri 3", "altri 2", 7, 6),
])
def test_an_edited_reply_updates_the_checkin_once_even_when_the_edit_is_redelivered(
    workspace: LocalWorkspace, user: str, first: str, edited: str, before: int, after: int,
) -> None:
    lang = LANGS[user]
    goal_id, card = started(workspace, user)
    ts = reply(workspace, user, card, first)
    body, headers = edit_event(workspace, user, ts, edited, event_id="Ev0EDIT1")
    workspace.dispatch(body, headers)
    workspace.dispatch(body, {**headers, "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
    # The same edit under another event id (Slack does not promise one id per change).
    workspace.dispatch(*workspace.requests.message_event(
        edited, user=user, ts=ts, thread_ts=card["ts"], subtype="message_changed",
        edited=json.loads(body)["event"]["message"]["edited"], previous_text=first, event_id="Ev0EDIT2"))
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.value, goal_of(workspace, goal_id).current) == (after, after)
    answers = thread_answers(workspace, user, card)
    assert len(answers) == 2
    assert answers[-1].startswith(t(lang, "reading.edited", before=clients(user, before), after=clients(user, after)))
    assert readings(workspace, goal_id) == [(before, "reply", "superseded"), (after, "edit", "current")]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("user", ["U1", "U2"])
def test_an_edit_that_changes_nothing_records_nothing(workspace: LocalWorkspace, user: str) -> None:
    goal_id, card = started(workspace, user)
    ts = reply(workspace, user, card, "7")
    workspace.edit(ts, "7", user=user)  # Slack reports unfurls and the like as edits with the same words
    assert len(thread_answers(workspace, user, card)) == 1
    workspace.edit(ts, "7 ", user=user)
    workspace.edit(ts, "7/10", user=user)  # new words, same number
    assert said(workspace, user, card)[1:] == [t(LANGS[user], "reading.edit_unchanged",
                                                           amount=clients(user, 7))]
    assert readings(workspace, goal_id) == [(7, "reply", "current")]


@pytest.mark.both_databases
def test_an_edit_goalbot_cannot_read_keeps_the_value_and_asks(workspace: LocalWorkspace) -> None:
    goal_id, card = started(workspace, "U1")
    ts = reply(workspace, "U1", card, "7")
    workspace.edit(ts, "hoping for 9 by friday", user="U1")
    assert goal_of(workspace, goal_id).current == 7
    answers = said(workspace, "U1", card)
    assert answers[1] == t("en", "reading.edit_unclear", current_at=at_clients("U1", 7))
    assert t("en", "checkin.ask.hedged", title=goal_of(workspace, goal_id).title) in answers[2]


@pytest.mark.both_databases
def test_a_reply_that_was_asked_back_is_read_again_when_edited(workspace: LocalWorkspace) -> None:
    goal_id, card = started(workspace, "U1")
    ts = reply(workspace, "U1", card, "closed 3")
    assert goal_of(workspace, goal_id).current == 4
    workspace.edit(ts, "now at 7", user="U1")
    assert goal_of(workspace, goal_id).current == 7
    assert thread_answers(workspace, "U1", card)[-1].startswith(
        t("en", "checkin.recorded.value", amount=clients("U1", 7), change="+3"))


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("user", ["U1", "U2"])
def test_a_deleted_reply_withdraws_its_reading_once_and_the_thread_says_so(
    workspace: LocalWorkspace, user: str,
) -> None:
    lang = LANGS[user]
    goal_id, card = started(workspace, user)
    reply(workspace, user, card, "6")
    ts = reply(workspace, user, card, "8")
    workspace.delete(ts, user=user, event_id="Ev0DEL")
    workspace.dispatch(*workspace.requests.message_event("8", user=user, ts=ts, thread_ts=card["ts"],
                                                         subtype="message_deleted", event_id="Ev0DELAGAIN"))
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.value, goal_of(workspace, goal_id).current) == (6, 6)
    answers = said(workspace, user, card)
    assert answers.count(t(lang, "reading.withdrawn", amount=clients(user, 8), restored_at=at_clients(user, 6))) == 1
    assert readings(workspace, goal_id) == [(6, "reply", "current"), (8, "reply", "withdrawn")]


@pytest.mark.both_databases
def test_deleting_the_only_reply_leaves_the_week_without_a_value(workspace: LocalWorkspace) -> None:
    goal_id, card = started(workspace, "U1")
    ts = reply(workspace, "U1", card, "7")
    workspace.delete(ts, user="U1")
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.value, checkin.status, goal_of(workspace, goal_id).current) == (None, "asked", 4)
    title = goal_of(workspace, goal_id).title
    assert said(workspace, "U1", card)[-1] == t("en", "reading.withdrawn_empty", amount=clients("U1", 7),
                                                          restored_at=at_clients("U1", 4), title=title)


@pytest.mark.both_databases
def test_deleting_a_replaced_reply_changes_nothing_and_undo_never_brings_it_back(workspace: LocalWorkspace) -> None:
    goal_id, card = started(workspace, "U1")
    ts = reply(workspace, "U1", card, "6")
    reply(workspace, "U1", card, "8")
    answers_before = len(thread_answers(workspace, "U1", card))
    workspace.delete(ts, user="U1")
    assert goal_of(workspace, goal_id).current == 8
    assert len(thread_answers(workspace, "U1", card)) == answers_before
    workspace.click(echoes(workspace, "U1", card)[-1], ids.ACTION_READING_UNDO, user="U1")
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.value, goal_of(workspace, goal_id).current) == (None, 4)


def test_undoing_the_reading_that_reached_the_target_takes_the_achievement_back(workspace: LocalWorkspace) -> None:
    goal_id, card = started(workspace, "U1", current=9)
    reply(workspace, "U1", card, "10")
    assert goal_of(workspace, goal_id).status == "achieved"
    workspace.click(echoes(workspace, "U1", card)[-1], ids.ACTION_READING_UNDO, user="U1")
    goal = goal_of(workspace, goal_id)
    assert (goal.status, goal.current, goal.closed_at) == ("active", 9, None)


def test_an_edit_of_last_weeks_reply_changes_that_week_not_the_goals_latest_value(workspace: LocalWorkspace) -> None:
    goal_id, card = started(workspace, "U1")
    ts = reply(workspace, "U1", card, "6")
    run(workspace, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    reply(workspace, "U1", last_card(workspace, "U1"), "9")
    workspace.edit(ts, "5", user="U1")
    assert [c.value for c in checkins_of(workspace, goal_id)] == [5, 9]
    assert goal_of(workspace, goal_id).current == 9


def test_an_edit_that_fails_is_answered_in_its_thread(
    workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    goal_id, card = started(workspace, "U2")
    ts = reply(workspace, "U2", card, "7")
    monkeypatch.setattr(edits, "reread_edited_reply", broken)
    workspace.edit(ts, "8", user="U2")
    assert said(workspace, "U2", card)[-1] == t("it", "errors.internal")
    assert goal_of(workspace, goal_id).current == 7


def history_of(ws: LocalWorkspace, user: str, goal_id: int) -> dict[str, Any]:
    """`/goal history N` as the person sees it (an answer only they can see)."""
    ws.command(f"history {goal_id}", user=user)
    return ws.fake.ephemeral_messages(user)[-1]


@pytest.mark.both_databases
@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("user", ["U1", "U2"])
def test_the_history_shows_what_each_reply_was_read_as_and_its_undo_newest_first(
    workspace: LocalWorkspace, clock: Any, user: str,
) -> None:
    lang = LANGS[user]
    goal_id, card = started(workspace, user)
    [checkin] = checkins_of(workspace, goal_id)
    week = fmt_date(lang, checkin.week_start, "short")
    start = clock()
    ts = reply(workspace, user, card, "now at 7 <!here> & co")
    clock.set(start + timedelta(minutes=5))
    workspace.edit(ts, "now at 8 <!here> & co", user=user)
    clock.set(start + timedelta(minutes=10))
    workspace.click(echoes(workspace, user, card)[-1], ids.ACTION_READING_UNDO, user=user)

    text = all_text(history_of(workspace, user, goal_id))
    lines = [t(lang, "manage.history.reading.undone", week=week, amount=clients(user, 8)),
             t(lang, "manage.history.reading.edit", week=week, amount=clients(user, 8)),
             t(lang, "manage.history.wrote", text="now at 8 &lt;!here&gt; &amp; co"),
             t(lang, "manage.history.reading.reply", week=week, amount=clients(user, 7)),
             t(lang, "manage.history.wrote", text="now at 7 &lt;!here&gt; &amp; co")]
    assert all(line in text for line in lines)
    assert [text.index(line) for line in lines] == sorted(text.index(line) for line in lines)  # newest first
    assert "<!here>" not in text and f"<@{user}>" in text


@pytest.mark.both_databases
def test_the_history_shows_a_withdrawn_reply_and_a_correction(workspace: LocalWorkspace, clock: Any) -> None:
    goal_id, card = started(workspace, "U1")
    [checkin] = checkins_of(workspace, goal_id)
    week = fmt_date("en", checkin.week_start, "short")
    start = clock()
    reply(workspace, "U1", card, "7")
    clock.set(start + timedelta(minutes=1))
    correct(workspace, open_correction(workspace, "U1", card), "9", "U1")
    clock.set(start + timedelta(minutes=2))
    ts = reply(workspace, "U1", card, "now at 6")
    clock.set(start + timedelta(minutes=3))
    workspace.delete(ts, user="U1")
    text = all_text(history_of(workspace, "U1", goal_id))
    lines = [t("en", "manage.history.reading.withdrawn", week=week, amount=clients("U1", 6)),
             t("en", "manage.history.reading.reply", week=week, amount=clients("U1", 6)),
             t("en", "manage.history.reading.correction", week=week, amount=clients("U1", 9)),
             t("en", "manage.history.reading.reply", week=week, amount=clients("U1", 7))]
    assert [text.index(line) for line in lines] == sorted(text.index(line) for line in lines)


def test_a_long_history_stays_within_slacks_limits(workspace: LocalWorkspace) -> None:
    goal_id, _ = started(workspace, "U1")
    [checkin] = checkins_of(workspace, goal_id)
    with workspace.deps.sessions() as session:
        for n in range(60):
            session.add(CheckInReading(checkin_id=checkin.id, value=n, previous_value=None, previous_status="asked",
                                       source="reply", status="superseded", text="x" * 5000, created_by="U1",
                                       created_at=datetime(2026, 11, 26, 10, n % 60, tzinfo=UTC)))
        session.commit()
    message = history_of(workspace, "U1", goal_id)
    blocks = message["blocks"]
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert blocks[-1]["type"] == "context"
    # 60 values and the day it was set up
    assert blocks[-1]["elements"][0]["text"] == tn("en", "manage.history.more", 61 - HISTORY_ENTRIES)


@pytest.mark.both_databases
@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "lang", "skip"), [("U1", "en", "skip this week, on PTO"),
                                                     ("U2", "it", "salto questa settimana, sono in ferie")])
def test_the_history_starts_where_the_goal_was_set_and_shows_a_skipped_week(
    workspace: LocalWorkspace, clock: Any, user: str, lang: str, skip: str,
) -> None:
    # A manager reading a report's history found values and changes, but not when the goal began or the weeks
    # skipped ("on PTO" only showed in the report's own App Home).
    goal_id, card = started(workspace, user)
    [checkin] = checkins_of(workspace, goal_id)
    reply(workspace, user, card, skip)
    text = all_text(history_of(workspace, user, goal_id))
    skipped = t(lang, "manage.history.skipped", week=fmt_date(lang, checkin.week_start, "short"))
    assert skipped in text and t(lang, "manage.history.set") in text
    assert text.index(skipped) < text.index(t(lang, "manage.history.set"))  # newest first: set up comes last
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.note and t(lang, "manage.history.reason", reason=checkin.note) in text  # the reason given
