"""The inbox in one process: an acked DM message a dead process left is answered once, a finished one never
again, and one that keeps killing its handler is given up."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from bot.delivery import inbox
from bot.local.workspace import LocalWorkspace
from bot.server import redispatch
from prompts import t
from storage.models import Conversation, InboxEvent
from tests.bot.conftest import dm_texts

GRACE = timedelta(seconds=60)


def left_by_a_dead_process(ws: LocalWorkspace, text: str, user: str = "U1") -> dict[str, object]:
    """A DM message recorded before its ack by a process that died before handling it."""
    typed = ws.fake.add_user_message(user, text)
    body: dict[str, object] = json.loads(ws.requests.message_event(text, user=user, ts=typed["ts"])[0])
    assert inbox.receive(ws.deps.sessions, body, ws.deps.clock() - 2 * GRACE)
    assert not inbox.receive(ws.deps.sessions, body, ws.deps.clock())  # Slack's retry of it stops here
    return body


def recover(ws: LocalWorkspace) -> int:
    count = inbox.redeliver(ws.deps.sessions, ws.deps.clock(), GRACE, redispatch(ws.app))
    ws.wait()
    return count


def test_an_acked_message_left_unhandled_is_answered_once(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    before = len(dm_texts(workspace, "U1"))
    left_by_a_dead_process(workspace, "8 - referrals from existing clients")
    assert recover(workspace) == 1
    assert recover(workspace) == 0  # done: nothing to take up again
    answers = dm_texts(workspace, "U1")[before:]
    assert len(answers) == 1 and t("en", "ask.relevant", example="").split("—")[0] in answers[0]
    with workspace.deps.sessions() as session:
        assert session.scalars(select(Conversation.step)).one() == "relevant"
        assert session.scalars(select(InboxEvent.status)).one() == "done"


def test_a_message_still_in_its_grace_period_is_left_to_its_process(workspace: LocalWorkspace) -> None:
    typed = workspace.fake.add_user_message("U1", "hello")
    body = json.loads(workspace.requests.message_event("hello", user="U1", ts=typed["ts"])[0])
    assert inbox.receive(workspace.deps.sessions, body, workspace.deps.clock())
    assert recover(workspace) == 0


def test_a_message_that_keeps_killing_its_handler_is_given_up(workspace: LocalWorkspace) -> None:
    left_by_a_dead_process(workspace, "hello")
    with workspace.deps.sessions() as session:
        session.execute(update(InboxEvent).values(attempts=inbox.MAX_ATTEMPTS))
        session.commit()
    assert recover(workspace) == 0
    with workspace.deps.sessions() as session:
        assert session.scalars(select(InboxEvent.status)).one() == "abandoned"
    assert dm_texts(workspace, "U1") == []
