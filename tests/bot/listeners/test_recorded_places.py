"""Never trust where a payload points: cards are updated and answered where goalbot recorded them.

Each attack is a validly signed request from the person themselves whose `container`, `channel` or
`private_metadata` names another place (here the #sales channel and its digest); it changes nothing, posts
nothing there, and the person is told calmly in their DM.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import update

from bot import ids
from bot.local.workspace import LocalWorkspace, find_button
from prompts import t
from slackfake import FAKE_BOT_TOKEN
from storage.models import Conversation
from tests.bot.checkin_support import add_goal, checkins_of, last_card, run, thread_answers
from tests.bot.conftest import dm_texts, last_bot_message, saved_next
from tests.bot.jobs.test_reviews import run_reviews
from tests.bot.listeners.test_goal_conversation import conversation_step, goals_of
from tests.bot.listeners.test_manage import add_goal as add_manage_goal
from tests.bot.listeners.test_manage import goal_of, last_modal, submit_edit

SALES = "C0SALES001"
DIGEST = "Sales team digest: 3 goals on track"


@pytest.fixture
def sales(workspace: LocalWorkspace) -> dict[str, Any]:
    """#sales, where Anna is a member and goalbot has posted the team digest; returns the digest message."""
    workspace.fake.add_channel(SALES, name="sales", members=["U1", "U2"])
    client = WebClient(token=FAKE_BOT_TOKEN, base_url=workspace.fake.base_url)
    posted = client.chat_postMessage(channel=SALES, text=DIGEST)
    return next(m for m in workspace.fake.messages(SALES) if m["ts"] == posted["ts"])


def untouched(ws: LocalWorkspace, digest: dict[str, Any]) -> bool:
    """#sales still holds only the digest, as it was posted."""
    messages = ws.fake.messages(SALES)
    return [(m["ts"], m["text"], m.get("blocks")) for m in messages] == [
        (digest["ts"], digest["text"], digest.get("blocks"))]


def click_pointing_at(ws: LocalWorkspace, message: dict[str, Any], action_id: str, *, user: str, channel: str,
                      message_ts: str) -> None:
    """Click a button of `message`, with a container that names another channel and message."""
    button, block_id = find_button(message, action_id)
    ws.dispatch(*ws.requests.block_actions(
        user_id=user, action_id=action_id, value=button.get("value", ""), block_id=block_id or "actions",
        message=message, channel_id=channel, message_ts=message_ts,
        action_text=(button.get("text") or {}).get("text", "")))


def summary_card(ws: LocalWorkspace, user: str) -> dict[str, Any]:
    ws.command("acquire 10 new clients in the next six months", user=user)
    ws.say("8 - referrals from existing clients", user=user)
    ws.say("expand into healthcare", user=user)
    return last_bot_message(ws, user)


# --- the conversation's card ----------------------------------------------------------------------------------


@pytest.mark.parametrize("action_id", [ids.ACTION_CANCEL, ids.ACTION_CONFIRM, ids.ACTION_EDIT])
def test_a_card_button_whose_container_points_at_the_digest_changes_nothing(
    workspace: LocalWorkspace, sales: dict[str, Any], action_id: str,
) -> None:
    card = summary_card(workspace, "U1")
    click_pointing_at(workspace, card, action_id, user="U1", channel=SALES, message_ts=sales["ts"])
    assert untouched(workspace, sales)
    assert not [c for c in workspace.fake.calls("chat.update") if c.params.get("channel") == SALES]
    assert conversation_step(workspace, "U1") == "confirm" and goals_of(workspace, "U1") == []
    assert last_bot_message(workspace, "U1")["text"] == t("en", "errors.wrong_place")
    # The honest press on the same card still works afterwards.
    workspace.click(card, ids.ACTION_CONFIRM, user="U1")
    assert len(goals_of(workspace, "U1")) == 1


@pytest.mark.both_databases
def test_an_old_cards_answer_goes_to_the_dm_not_where_the_payload_points(
    workspace: LocalWorkspace, sales: dict[str, Any],
) -> None:
    old = summary_card(workspace, "U2")
    workspace.say("annulla", user="U2")
    click_pointing_at(workspace, old, ids.ACTION_CANCEL, user="U2", channel=SALES, message_ts=sales["ts"])
    assert untouched(workspace, sales)
    assert dm_texts(workspace, "U2")[-1] == t("it", "goal.card_inactive")


def test_a_goal_started_from_a_channel_is_confirmed_from_its_card_in_the_dm(
    workspace: LocalWorkspace, sales: dict[str, Any],
) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1", channel=SALES)
    workspace.say("8 - referrals from existing clients", user="U1")
    workspace.say("expand into healthcare", user="U1")
    card = last_bot_message(workspace, "U1")
    workspace.click(card, ids.ACTION_CONFIRM, user="U1")
    assert len(goals_of(workspace, "U1")) == 1
    closed = next(m for m in workspace.fake.dm_messages("U1") if m["ts"] == card["ts"])
    assert not any(block["type"] == "actions" for block in closed["blocks"])
    assert untouched(workspace, sales)


def test_a_conversation_recorded_before_its_dm_was_still_confirms_and_answers_in_the_dm(
    workspace: LocalWorkspace, sales: dict[str, Any],
) -> None:
    card = summary_card(workspace, "U1")
    with workspace.deps.sessions() as session:  # as stored before the DM was recorded: where /goal was typed
        session.execute(update(Conversation).where(Conversation.user_id == "U1").values(channel_id=SALES))
        session.commit()
    workspace.click(card, ids.ACTION_CONFIRM, user="U1")
    assert len(goals_of(workspace, "U1")) == 1
    assert saved_next("en") in dm_texts(workspace, "U1")[-1]
    assert untouched(workspace, sales)


# --- the check-in card and its modal ---------------------------------------------------------------------------


@pytest.mark.both_databases
def test_a_checkin_modal_whose_metadata_names_sales_records_nothing_and_posts_nothing_there(
    workspace: LocalWorkspace, sales: dict[str, Any],
) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.click(card, ids.ACTION_CHECKIN_UPDATE, user="U1")
    [modal] = workspace.fake.modals()
    metadata = json.loads(modal["private_metadata"])
    for thread_ts in (sales["ts"], None):
        forged = {**modal, "private_metadata": json.dumps({**metadata, "channel": SALES, "thread_ts": thread_ts})}
        response = workspace.submit(forged, {ids.BLOCK_CHECKIN_VALUE: {ids.INPUT_CHECKIN_VALUE: "7"}}, user="U1")
        assert response.status == 200
        assert untouched(workspace, sales)
        [checkin] = checkins_of(workspace, goal_id)
        assert checkin.value is None and checkin.status == "asked"
        assert last_bot_message(workspace, "U1")["text"] == t("en", "errors.wrong_place")
    # The modal as goalbot opened it still records, and answers in the card's thread.
    workspace.submit(modal, {ids.BLOCK_CHECKIN_VALUE: {ids.INPUT_CHECKIN_VALUE: "7"}}, user="U1")
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.value == 7
    assert t("en", "checkin.recorded.value", amount="*7* clients", change="+3") in thread_answers(workspace, "U1",
                                                                                                  card)[-1]


def test_the_modal_carries_the_recorded_place_not_the_clicked_one(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.click(card, ids.ACTION_CHECKIN_UPDATE, user="U1")
    [modal] = workspace.fake.modals()
    metadata = json.loads(modal["private_metadata"])
    assert (metadata["channel"], metadata["thread_ts"]) == (card["channel"], card["ts"])


@pytest.mark.parametrize("action_id", [ids.ACTION_CHECKIN_ON_TRACK, ids.ACTION_CHECKIN_SKIP,
                                       ids.ACTION_CHECKIN_UPDATE])
def test_a_checkin_button_whose_container_points_at_sales_changes_nothing(
    workspace: LocalWorkspace, sales: dict[str, Any], action_id: str,
) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    click_pointing_at(workspace, card, action_id, user="U1", channel=SALES, message_ts=sales["ts"])
    assert untouched(workspace, sales)
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.mood, checkin.status) == (None, "asked")
    assert workspace.fake.modals() == []
    assert last_bot_message(workspace, "U1")["text"] == t("en", "errors.wrong_place")
    assert thread_answers(workspace, "U1", card) == []


def test_a_checkin_button_pressed_on_another_dm_message_changes_nothing(workspace: LocalWorkspace) -> None:
    # Same DM, wrong message: a message goalbot sent that is not this check-in's card.
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    workspace.say("hello", user="U1")
    other = last_bot_message(workspace, "U1")
    click_pointing_at(workspace, card, ids.ACTION_CHECKIN_BLOCKED, user="U1", channel=card["channel"],
                      message_ts=other["ts"])
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.mood is None
    assert last_bot_message(workspace, "U1")["text"] == t("en", "errors.wrong_place")


# --- the review card and the edit modal it opens -----------------------------------------------------------------


def review_card(ws: LocalWorkspace) -> tuple[int, dict[str, Any]]:
    goal_id = add_manage_goal(ws, "U1", start_date=date(2026, 9, 1), deadline=date(2026, 12, 4))
    run_reviews(ws, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    return goal_id, last_bot_message(ws, "U1")


def test_a_review_click_whose_container_points_at_the_digest_leaves_the_digest_alone(
    workspace: LocalWorkspace, sales: dict[str, Any],
) -> None:
    goal_id, review = review_card(workspace)
    # The goal fell short, so the review offers *Missed* (not *Achieved*): the click that closes it and edits a card.
    _button, block_id = find_button(review, ids.ACTION_REVIEW_MISSED)
    workspace.dispatch(*workspace.requests.block_actions(
        user_id="U1", action_id=ids.ACTION_REVIEW_MISSED, value=str(goal_id), block_id=block_id or "actions",
        message=review, channel_id=SALES, message_ts=sales["ts"], action_text="Missed"))
    assert goal_of(workspace, goal_id).status == "missed"  # the click did its work
    assert untouched(workspace, sales)
    assert not [c for c in workspace.fake.calls("chat.update") if c.params.get("channel") == SALES]


def test_an_edit_modal_whose_metadata_names_the_digest_saves_but_edits_only_the_recorded_card(
    workspace: LocalWorkspace, sales: dict[str, Any],
) -> None:
    goal_id, review = review_card(workspace)
    workspace.click(review, ids.ACTION_REVIEW_EXTEND, user="U1", value=str(goal_id))
    modal = last_modal(workspace)
    metadata = json.loads(modal["private_metadata"])
    assert metadata["card"] == [review["channel"], review["ts"]]  # the honest modal names the review card
    forged = {**modal, "private_metadata": json.dumps({**metadata, "card": [SALES, sales["ts"]]})}
    submit_edit(workspace, "U1", forged, deadline="end of next quarter", reason="the customer's budget moved")
    assert goal_of(workspace, goal_id).deadline == date(2027, 3, 31)
    assert untouched(workspace, sales)
