"""The fake's channels and membership, validated as Slack does: what the shell's :channel, :join and /invite use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackfake import FakeSlackWebAPI, WorkspaceError


@pytest.fixture
def slack() -> Iterator[tuple[FakeSlackWebAPI, WebClient]]:
    """A fake with two people and the bot's Web API client."""
    with FakeSlackWebAPI() as fake:
        fake.add_user("U1", name="anna")
        fake.add_user("U2", name="marco")
        yield fake, WebClient(token="xoxb-test", base_url=fake.base_url)


def error_of(call: object) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()  # type: ignore[operator]
    return str(caught.value.response["error"])


def test_a_new_channel_has_its_creator_only_and_the_bot_cannot_post_until_invited(slack) -> None:  # type: ignore[no-untyped-def]
    fake, web = slack
    sales = fake.create_channel("sales", creator="U1")
    assert sales["id"].startswith("C") and len(sales["id"]) == 11 and sales["members"] == ["U1"]
    assert error_of(lambda: web.chat_postMessage(channel=sales["id"], text="hi")) == "not_in_channel"
    assert web.conversations_info(channel=sales["id"])["channel"]["is_member"] is False

    fake.invite_to_channel("U1", fake.bot_user_id, "#sales")
    assert web.chat_postMessage(channel=sales["id"], text="hi")["ok"]
    assert set(web.conversations_members(channel=sales["id"])["members"]) == {"U1", "UBOT"}
    joined = [m for m in fake.messages(sales["id"]) if m.get("subtype") == "channel_join"]
    assert [(m["user"], m["inviter"]) for m in joined] == [("UBOT", "U1")]


@pytest.mark.parametrize(("name", "code"), [("Sales Team", "invalid_name_specials"), ("", "invalid_name"),
                                             ("x" * 81, "invalid_name")])
def test_channel_names_are_checked_as_slack_checks_them(slack, name: str, code: str) -> None:  # type: ignore[no-untyped-def]
    fake, _ = slack
    with pytest.raises(WorkspaceError) as caught:
        fake.create_channel(name, creator="U1")
    assert caught.value.code == code


def test_membership_errors_are_slacks(slack) -> None:  # type: ignore[no-untyped-def]
    fake, web = slack
    fake.create_channel("sales", creator="U1")
    secret = fake.create_channel("secret", creator="U1", is_private=True)
    for inviter, who, channel, code in (("U2", "UBOT", "sales", "not_in_channel"),
                                        ("U1", "U1", "sales", "already_in_channel"),
                                        ("U1", "U9", "sales", "user_not_found")):
        with pytest.raises(WorkspaceError) as caught:
            fake.invite_to_channel(inviter, who, channel)
        assert caught.value.code == code
    with pytest.raises(WorkspaceError):
        fake.join_channel("U2", secret["id"])  # private: only by invitation
    assert "U2" in fake.join_channel("U2", "#sales")["members"]
    assert error_of(lambda: web.conversations_join(channel=secret["id"])) == "channel_not_found"
    assert web.conversations_join(channel=fake.channel("sales")["id"])["channel"]["is_member"] is True
    assert web.conversations_join(channel=fake.channel("sales")["id"])["warning"] == "already_in_channel"
    sales_id = fake.channel("sales")["id"]
    assert error_of(lambda: web.conversations_invite(channel=sales_id, users="UBOT")) == "cant_invite_self"
    assert error_of(lambda: web.conversations_invite(channel=sales_id, users="U2")) == "already_in_channel"


def test_a_snapshot_restores_people_channels_and_messages_in_a_new_process(slack) -> None:  # type: ignore[no-untyped-def]
    fake, _ = slack
    sales = fake.create_channel("sales", creator="U1")
    posted = fake.add_user_message("U1", "hello", channel=sales["id"])
    with FakeSlackWebAPI() as later:
        later.restore(fake.snapshot())
        assert {u["name"] for u in later.users()} == {"anna", "marco"}
        assert [m["text"] for m in later.messages("#sales")] == ["hello"]
        assert float(later.add_user_message("U1", "again", channel=sales["id"])["ts"]) > float(posted["ts"])


def test_a_submission_answer_closes_updates_or_pushes_the_modal(slack) -> None:  # type: ignore[no-untyped-def]
    fake, web = slack
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Edit"},
             "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Target?"}}]}
    opened = web.views_open(trigger_id="1.2.abc", view=modal)["view"]
    assert fake.open_modal()["id"] == opened["id"]
    assert fake.answer_submission(opened["id"], {"response_action": "errors", "errors": {"b": "no"}})["id"] == opened["id"]
    updated = fake.answer_submission(opened["id"], {"response_action": "update",
                                                    "view": {**modal, "title": {"type": "plain_text", "text": "Sure?"}}})
    assert updated["title"]["text"] == "Sure?"
    pushed = fake.answer_submission(opened["id"], {"response_action": "push", "view": modal})
    assert pushed["previous_view_id"] == opened["id"]
    assert fake.answer_submission(pushed["id"], {})["id"] == opened["id"]  # closing the pushed one shows the first
    assert fake.answer_submission(opened["id"], {"response_action": "clear"}) is None
