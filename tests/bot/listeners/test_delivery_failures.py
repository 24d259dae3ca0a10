"""Slack errors while replying: retried, queued in the outbox, or reported; and duplicates applied once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.clock import VirtualTimer
from bot.local.workspace import LocalWorkspace
from prompts import t
from slackfake.web_api import RESET
from storage.models import Conversation, OutboxMessage
from tests.bot.conftest import dm_texts, saved_next

# Their subject is how the database serialises and dedupes: on every database (tests/database_choice.py).
pytestmark = pytest.mark.both_databases


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
        queued = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
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


def _answers_once(workspace: LocalWorkspace, user: str) -> None:
    texts = dm_texts(workspace, user)
    assert len(texts) == len(set(texts)), texts  # no answer shown twice


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("status", [500, 503, RESET])
def test_a_conversation_under_a_storm_of_failures_after_posting_shows_each_answer_once(
        workspace: LocalWorkspace, status: int) -> None:
    # Every other post reaches the channel, then Slack's answer is lost (a 5xx, or the connection reset).
    for _ in range(6):
        workspace.fake.fail_next("chat.postMessage", status=status, after_posting=True)
        workspace.fake.fail_next("chat.postMessage", status=status, after_posting=False)
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("8 - referrals from existing clients", user="U1")
    workspace.say("expand into healthcare", user="U1")
    workspace.say("yes", user="U1")
    texts = dm_texts(workspace, "U1")
    _answers_once(workspace, "U1")
    assert any(saved_next("en") in text for text in texts)
    assert workspace.fake.stats()["duplicates"] == 0
    assert workspace.fake.calls("conversations.history")  # each lost answer was looked for before posting again
    with workspace.deps.sessions() as session:
        assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}


def test_an_answer_slower_than_the_client_timeout_is_shown_once(workspace: LocalWorkspace) -> None:
    workspace.app.client.timeout = 1  # Slack posts, but answers after the client gave up
    workspace.fake.delay_next("chat.postMessage", 1.5)
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    _answers_once(workspace, "U1")
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]
    assert len(workspace.fake.calls("conversations.history")) == 1  # looked once, found it, did not post again
