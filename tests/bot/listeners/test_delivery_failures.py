"""Slack errors while replying: retried, queued in the outbox, or reported; and duplicates applied once."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import VirtualTimer
from bot.local.workspace import LocalWorkspace
from prompts import t
from storage.models import Conversation, OutboxMessage
from tests.bot.conftest import dm_texts


def test_rate_limited_reply_is_retried_after_retry_after(workspace: LocalWorkspace, timer: VirtualTimer) -> None:
    workspace.fake.fail_next("chat.postMessage", status=429, retry_after=3)
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]
    statuses = [c.status for c in workspace.fake.calls("chat.postMessage")]
    assert statuses[0] == 429 and 200 in statuses
    assert 3 <= timer.monotonic() < 4  # Slack's Retry-After, plus under a second of jitter


def test_server_error_is_retried(workspace: LocalWorkspace) -> None:
    workspace.fake.fail_next("chat.postMessage", status=500)
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]


def test_reply_that_keeps_failing_is_kept_in_the_outbox(workspace: LocalWorkspace) -> None:
    workspace.fake.fail_next("chat.postMessage", status=503, times=10)
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    with workspace.deps.sessions() as session:
        queued = list(session.scalars(select(OutboxMessage)))
        convo = session.scalars(select(Conversation)).one()
    assert queued and all(m.status == "pending" and m.kind == "reply" for m in queued)
    assert t("en", "ask.achievable") in queued[-1].payload["text"]
    assert convo.step == "achievable"  # the conversation itself was saved


def test_duplicate_event_id_is_applied_once(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    before = len(dm_texts(workspace, "U1"))
    workspace.say("8 - referrals", user="U1", event_id="Ev0SAME")
    workspace.say("8 - referrals", user="U1", event_id="Ev0SAME", retry_num=1)
    assert len(dm_texts(workspace, "U1")) == before + 1


def test_bot_messages_and_edits_are_ignored(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    before = len(dm_texts(workspace, "U1"))
    workspace.dispatch(*workspace.requests.message_event("8", user="U1", bot_id="BOTHER"))
    workspace.dispatch(*workspace.requests.message_event("9", user="U1", subtype="message_changed"))
    workspace.dispatch(*workspace.requests.message_event("9", user="U1", subtype="message_deleted"))
    assert len(dm_texts(workspace, "U1")) == before
