"""/goal is acknowledged even when goalbot is busy with the work after earlier commands."""

from __future__ import annotations

import threading

import pytest

from bot.local.workspace import LocalWorkspace
from prompts import t
from tests.bot.conftest import all_text

# Their subject is how the database serialises and dedupes: on every database (tests/database_choice.py).
pytestmark = pytest.mark.both_databases


def test_goal_typed_while_every_listener_thread_is_busy_is_acknowledged_and_answered_later(
    workspace: LocalWorkspace,
) -> None:
    release = threading.Event()
    # More blocked tasks than the pool has threads, whatever its size.
    busy = [workspace.deps.executor.submit(release.wait, 30) for _ in range(64)]
    try:
        # Dispatched without waiting for the listener pool: the ack must not queue behind the busy threads
        # (Bolt would answer 404 after its 3-second ack timeout, and Slack would show the person an error).
        response = workspace.app.dispatch(workspace.requests.bolt_request(
            *workspace.requests.slash_command("help", user_id="U1")))
        assert (response.status, response.body) == (200, "")
        assert workspace.fake.ephemeral_messages("U1") == []  # the answer itself waits for a free thread
    finally:
        release.set()
    for future in busy:
        future.result(timeout=30)
    workspace.wait()
    [help_text] = [all_text(m) for m in workspace.fake.ephemeral_messages("U1")]
    assert t("en", "help.text") in help_text


def test_button_clicked_while_every_listener_thread_is_busy_is_acknowledged_and_answered_later(
    workspace: LocalWorkspace,
) -> None:
    from bot import ids
    from tests.bot.conftest import dm_texts, last_bot_message

    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("8 - referrals from existing clients", user="U1")
    workspace.say("expand into the healthcare market", user="U1")
    card = last_bot_message(workspace, "U1")
    release = threading.Event()
    busy = [workspace.deps.executor.submit(release.wait, 30) for _ in range(64)]
    try:
        body, headers = workspace.requests.block_actions(
            user_id="U1", action_id=ids.ACTION_CONFIRM, value=ids.ACTION_CONFIRM, message=card)
        response = workspace.app.dispatch(workspace.requests.bolt_request(body, headers))
        assert response.status == 200
    finally:
        release.set()
    for future in busy:
        future.result(timeout=30)
    workspace.wait()
    assert "Saved" in dm_texts(workspace, "U1")[-1]
