"""The fake's conversations.list: what `/goal digest #name` uses to find a channel by its name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from slackfake.web_api import FakeSlackWebAPI


@pytest.fixture
def client() -> Iterator[tuple[FakeSlackWebAPI, WebClient]]:
    """A fake with public channels (one the bot is not in), a private one it is in and one it is not."""
    with FakeSlackWebAPI() as fake:
        fake.add_user("U1", name="anna")
        fake.add_channel("C1", name="sales", members=["U1"])
        fake.add_channel("C2", name="random", members=["U1"], bot_is_member=False)
        fake.add_channel("G1", name="leads", members=["U1"], is_private=True)
        fake.add_channel("G2", name="secret", members=["U1"], bot_is_member=False, is_private=True)
        fake.dm_channel("U1")
        yield fake, WebClient(token="xoxb-test", base_url=fake.base_url)


def test_lists_public_channels_and_private_ones_the_bot_is_in(client: tuple[FakeSlackWebAPI, WebClient]) -> None:
    _, web = client
    listed = web.conversations_list(types="public_channel,private_channel")["channels"]
    assert {(c["id"], c["name"], c["is_member"]) for c in listed} == {
        ("C1", "sales", True), ("C2", "random", False), ("G1", "leads", True)}


def test_lists_only_the_types_asked_for_page_by_page(client: tuple[FakeSlackWebAPI, WebClient]) -> None:
    _, web = client
    first = web.conversations_list(limit=1)
    second = web.conversations_list(limit=1, cursor=first["response_metadata"]["next_cursor"])
    assert [c["name"] for c in first["channels"] + second["channels"]] == ["sales", "random"]
    assert second["response_metadata"]["next_cursor"] == ""
