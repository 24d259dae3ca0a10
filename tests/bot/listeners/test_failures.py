"""After the ack, a failure becomes an answer in the person's language, never silence; the ack still came first."""

from __future__ import annotations

import pytest

from bot import ids
from bot.local.workspace import LocalWorkspace
from bot.services import conversation, goal_actions
from prompts import t
from tests.bot.conftest import all_text, dm_texts, last_bot_message

# Their subject is how the database serialises and dedupes: on every database (tests/database_choice.py).
pytestmark = pytest.mark.both_databases


def broken(*args: object, **kwargs: object) -> None:
    raise RuntimeError("the database went away")


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "lang"), [("U1", "en"), ("U2", "it")])
def test_a_failing_subcommand_is_answered_where_it_was_typed(
    workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch, user: str, lang: str,
) -> None:
    monkeypatch.setattr(goal_actions, "history", broken)
    response = workspace.command("history", user=user)
    assert response.status == 200
    assert [all_text(m) for m in workspace.fake.ephemeral_messages(user)] == [t(lang, "errors.internal")]


def test_a_failing_button_is_answered_in_the_dm(workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("8 - two demos a week", user="U1")
    workspace.say("grow EMEA revenue", user="U1")
    card = last_bot_message(workspace, "U1")
    monkeypatch.setattr(conversation, "press_card", broken)
    response = workspace.click(card, ids.ACTION_CONFIRM, user="U1")
    assert response.status == 200
    assert dm_texts(workspace, "U1")[-1] == t("en", "errors.internal")


def test_a_failing_dm_message_is_answered_in_the_dm(
    workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(conversation, "answer_message", broken)
    workspace.say("hello", user="U2")
    assert dm_texts(workspace, "U2")[-1] == t("it", "errors.internal")
