"""Per-person serialisation: a double tap or answers sent at once are applied one at a time, never an error."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from slack_bolt import BoltResponse

from bot import ids
from bot.clock import FixedClock
from bot.local.workspace import LocalWorkspace
from prompts import t
from tests.bot.checkin_support import add_goal, checkins_of, goal_of, last_card, run, thread_answers
from tests.bot.conftest import dm_texts, last_bot_message, saved_next
from tests.bot.listeners.test_goal_conversation import conversation_step, goals_of

# Their subject is how the database serialises and dedupes: on every database (tests/database_choice.py).
pytestmark = pytest.mark.both_databases

ROOT = Path(__file__).resolve().parents[3]
GOAL = "acquire 10 new clients in the next six months"
ANSWERS = ("8 - referrals from existing clients", "expand into healthcare")


def summary_card(ws: LocalWorkspace, user: str) -> dict[str, object]:
    """Walk a conversation up to its summary card (the confirm step) and return the card."""
    ws.command(GOAL, user=user)
    for answer in ANSWERS:
        ws.say(answer, user=user)
    card = last_bot_message(ws, user)
    assert any(block.get("type") == "actions" for block in card["blocks"])
    return card


def goal_count(ws: LocalWorkspace, user: str) -> int:
    return len(goals_of(ws, user))


def saved_count(ws: LocalWorkspace, user: str, lang: str = "en") -> int:
    """How many "Saved" answers the person got (each carries the saved-goal's what-next line)."""
    return sum(saved_next(lang) in text for text in dm_texts(ws, user))


def at_once(requests: list[Callable[[], BoltResponse]]) -> list[BoltResponse]:
    """Send the requests from as many threads, released together (as a client firing them back to back)."""
    gate = threading.Barrier(len(requests))
    responses: list[BoltResponse | None] = [None] * len(requests)

    def send(index: int) -> None:
        gate.wait()
        responses[index] = requests[index]()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in responses if r is not None]


Signed = tuple[str, dict[str, str]]


def yes_messages(ws: LocalWorkspace, user: str, count: int, word: str = "yes") -> list[Signed]:
    """`count` signed DM messages saying `word`, each its own event (typed now, not yet sent to goalbot)."""
    out: list[Signed] = []
    for _ in range(count):
        message = ws.fake.add_user_message(user, word)
        out.append(ws.requests.message_event(word, user=user, ts=message["ts"]))
    return out


def to(ws: LocalWorkspace, signed: Signed) -> Callable[[], BoltResponse]:
    """Sending this signed request to this app."""
    return lambda: ws.app.dispatch(ws.requests.bolt_request(*signed))


def yes_requests(ws: LocalWorkspace, user: str, count: int, word: str = "yes") -> list[Callable[[], BoltResponse]]:
    """`count` DM messages saying `word`, ready to be sent to this app."""
    return [to(ws, signed) for signed in yes_messages(ws, user, count, word)]


def test_a_double_tap_on_confirm_saves_once_and_then_says_already_saved(workspace: LocalWorkspace) -> None:
    card = summary_card(workspace, "U1")
    workspace.click(card, ids.ACTION_CONFIRM, user="U1")
    workspace.click(card, ids.ACTION_CONFIRM, user="U1")  # the second tap carries the card as it was
    assert goal_count(workspace, "U1") == 1
    assert saved_count(workspace, "U1") == 1
    assert dm_texts(workspace, "U1")[-1] == t("en", "goal.already_saved")
    assert t("en", "errors.internal") not in dm_texts(workspace, "U1")


def test_a_second_yes_typed_after_saving_is_answered_calmly_in_italian(workspace: LocalWorkspace) -> None:
    workspace.command("acquisire 10 nuovi clienti nei prossimi sei mesi", user="U2")
    workspace.say("8 - referenze", user="U2")
    workspace.say("entrare nel mercato sanitario", user="U2")
    workspace.say("sì", user="U2")
    workspace.say("sì", user="U2")
    assert goal_count(workspace, "U2") == 1
    assert saved_count(workspace, "U2", "it") == 1
    assert dm_texts(workspace, "U2")[-1] == t("it", "goal.already_saved")


def test_a_new_goal_after_saving_starts_afresh(workspace: LocalWorkspace) -> None:
    card = summary_card(workspace, "U1")
    workspace.click(card, ids.ACTION_CONFIRM, user="U1")
    workspace.command("increase sales of product X by 15% next quarter", user="U1")
    workspace.say("yes", user="U1")  # answers the new conversation, not the saved one
    assert dm_texts(workspace, "U1")[-1] != t("en", "goal.already_saved")
    assert goal_count(workspace, "U1") == 1


def test_two_taps_at_once_save_once_without_an_error(workspace: LocalWorkspace) -> None:
    card = summary_card(workspace, "U1")
    taps = [lambda: workspace.app.dispatch(workspace.requests.bolt_request(*workspace.requests.block_actions(
        user_id="U1", action_id=ids.ACTION_CONFIRM, value=_confirm_value(card), block_id="actions", message=card)))
        for _ in range(2)]
    assert all(r.status == 200 for r in at_once(taps))
    workspace.wait()
    assert goal_count(workspace, "U1") == 1
    assert saved_count(workspace, "U1") == 1
    assert t("en", "goal.already_saved") in dm_texts(workspace, "U1")
    assert t("en", "errors.internal") not in dm_texts(workspace, "U1")


def test_twenty_yes_at_once_give_exactly_one_saved_and_no_error(workspace: LocalWorkspace) -> None:
    summary_card(workspace, "U1")
    assert all(r.status == 200 for r in at_once(yes_requests(workspace, "U1", 20)))
    workspace.wait()
    texts = dm_texts(workspace, "U1")
    assert goal_count(workspace, "U1") == 1
    assert saved_count(workspace, "U1") == 1
    assert texts.count(t("en", "goal.already_saved")) == 19
    assert t("en", "errors.internal") not in texts


def test_answers_sent_at_once_are_applied_one_after_the_other(workspace: LocalWorkspace) -> None:
    # "back" twice at once from the summary card ends where two "back" typed one after the other end.
    workspace.add_user("U3", name="bea", tz="Europe/Rome", locale="en-US")
    summary_card(workspace, "U3")
    workspace.say("back", user="U3")
    workspace.say("back", user="U3")
    summary_card(workspace, "U1")
    assert all(r.status == 200 for r in at_once(yes_requests(workspace, "U1", 2, word="back")))
    workspace.wait()
    assert t("en", "errors.internal") not in dm_texts(workspace, "U1")
    assert conversation_step(workspace, "U1") == conversation_step(workspace, "U3") != "confirm"
    assert dm_texts(workspace, "U1")[-1] == dm_texts(workspace, "U3")[-1]


def test_twenty_yes_split_between_two_processes_give_one_saved_and_no_error(
    workspace: LocalWorkspace, database_url: str, clock: FixedClock,
) -> None:
    # Another goalbot process (its own interpreter, engine and app) on the same database, behind the same Slack.
    summary_card(workspace, "U1")
    signed = yes_messages(workspace, "U1", 20)
    second = subprocess.Popen(
        [sys.executable, "-m", "tests.bot.second_process", database_url, workspace.fake.base_url,
         clock().isoformat()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert second.stdin is not None and second.stdout is not None
    second.stdin.write(json.dumps(signed[::2]) + "\n")
    second.stdin.flush()
    assert second.stdout.readline().strip() == "ready"
    second.stdin.write("go\n")
    second.stdin.flush()
    ours = at_once([to(workspace, request) for request in signed[1::2]])
    out, _ = second.communicate(timeout=120)
    workspace.wait()
    assert second.returncode == 0 and json.loads(out) == [200] * 10
    assert [r.status for r in ours] == [200] * 10
    texts = dm_texts(workspace, "U1")
    assert goal_count(workspace, "U1") == 1
    assert saved_count(workspace, "U1") == 1
    assert texts.count(t("en", "goal.already_saved")) == 19
    assert t("en", "errors.internal") not in texts


def _confirm_value(card: dict[str, object]) -> str:
    from bot.local.workspace import find_button

    button, _ = find_button(card, ids.ACTION_CONFIRM)
    return str(button.get("value") or "")


def test_checkin_replies_sent_at_once_are_each_answered_and_the_last_applied_is_kept(
    workspace: LocalWorkspace,
) -> None:
    goal_id = add_goal(workspace, "U1")
    run(workspace)
    card = last_card(workspace, "U1")
    requests = []
    for value in range(5, 10):
        typed = workspace.fake.add_user_message("U1", str(value), thread_ts=card["ts"])
        signed = workspace.requests.message_event(str(value), user="U1", ts=typed["ts"], thread_ts=card["ts"],
                                                  parent_user_id=workspace.fake.bot_user_id)
        requests.append(to(workspace, signed))
    assert all(r.status == 200 for r in at_once(requests))
    workspace.wait()
    answers = thread_answers(workspace, "U1", card)
    assert len(answers) == 5 and t("en", "errors.internal") not in dm_texts(workspace, "U1")
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.value in (5, 6, 7, 8, 9) and checkin.status == "answered"
    assert checkin.value == goal_of(workspace, goal_id).current  # the check-in and its goal agree
