"""Per-person serialisation: a double tap or answers sent at once are applied one at a time, never an error."""

from __future__ import annotations

import threading
from collections.abc import Callable

from slack_bolt import BoltResponse

from bot import ids
from bot.local.workspace import LocalWorkspace
from prompts import t
from tests.bot.conftest import dm_texts, last_bot_message, make_settings
from tests.bot.listeners.test_goal_conversation import conversation_step, goals_of

GOAL = "acquire 10 new clients in the next six months"
ANSWERS = ("8 - referrals from existing clients", "expand into healthcare")


def summary_card(ws: LocalWorkspace, user: str) -> dict[str, object]:
    """Walk a conversation up to its summary card (the confirm step) and return the card."""
    ws.command(GOAL, user=user)
    for answer in ANSWERS:
        ws.say(answer, user=user)
    card = last_bot_message(ws, user)
    assert any(block.get("type") == "actions" for block in card["blocks"])  # type: ignore[union-attr]
    return card


def goal_count(ws: LocalWorkspace, user: str) -> int:
    return len(goals_of(ws, user))


def saved_count(ws: LocalWorkspace, user: str, lang: str = "en") -> int:
    """How many "Saved" answers the person got (each carries the saved-goal's what-next line)."""
    return sum(t(lang, "goal.saved_next") in text for text in dm_texts(ws, user))


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


def yes_requests(ws: LocalWorkspace, user: str, count: int, word: str = "yes") -> list[Callable[[], BoltResponse]]:
    """`count` signed DM messages saying `word`, each its own event, ready to dispatch (not yet sent)."""
    out: list[Callable[[], BoltResponse]] = []
    for _ in range(count):
        message = ws.fake.add_user_message(user, word)
        body, headers = ws.requests.message_event(word, user=user, ts=message["ts"])
        out.append(lambda body=body, headers=headers: ws.app.dispatch(ws.requests.bolt_request(body, headers)))
    return out


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


def test_two_app_processes_on_one_database_save_once(workspace: LocalWorkspace, database_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    # A second app with its own engine and pool (as another process would have) behind the same Slack.
    other = LocalWorkspace(make_settings(database_url), clock=clock, fake=workspace.fake)
    try:
        summary_card(workspace, "U1")
        requests = yes_requests(workspace, "U1", 20)
        for index in range(0, 20, 2):  # every other request goes to the second app
            request = requests[index]
            requests[index] = _through(other, request)
        assert all(r.status == 200 for r in at_once(requests))
        workspace.wait()
        other.wait()
    finally:
        other.deps.executor.shutdown(wait=True)
    texts = dm_texts(workspace, "U1")
    assert goal_count(workspace, "U1") == 1
    assert saved_count(workspace, "U1") == 1
    assert t("en", "errors.internal") not in texts


def _through(app_ws: LocalWorkspace, request: Callable[[], BoltResponse]) -> Callable[[], BoltResponse]:
    """The same signed request, dispatched by another app instance."""
    body, headers = request.__defaults__  # type: ignore[misc]
    return lambda: app_ws.app.dispatch(app_ws.requests.bolt_request(body, headers))


def _confirm_value(card: dict[str, object]) -> str:
    from bot.local.workspace import find_button

    button, _ = find_button(card, ids.ACTION_CONFIRM)
    return str(button.get("value") or "")
