"""Resolving people named in command text through users.list, cached, against the fake Web API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient

from bot.rules.mentions import NameMatch, parse_person
from bot.services.directory import DIRECTORY_TTL, UserDirectory
from slackfake.web_api import FakeSlackWebAPI

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def slack() -> Iterator[tuple[FakeSlackWebAPI, WebClient]]:
    """A workspace with two people shown as "Mario", one Giulia and a bot."""
    with FakeSlackWebAPI() as fake:
        fake.add_user("U1", name="mario.rossi", display_name="Mario", real_name="Mario Rossi")
        fake.add_user("U2", name="mario.bianchi", display_name="Mario", real_name="Mario Bianchi")
        fake.add_user("U3", name="giulia", real_name="Giulia Verdi")
        fake.add_user("UB", name="helper", is_bot=True)
        yield fake, WebClient(token="xoxb-test", base_url=fake.base_url)


def _refs(*words: str):  # type: ignore[no-untyped-def]
    return [parse_person(word) for word in words]


def test_plain_names_resolve_and_unknown_or_ambiguous_ones_say_so(slack: tuple[FakeSlackWebAPI, WebClient]) -> None:
    _, client = slack
    resolved = UserDirectory().resolve(client, "T0001", _refs("@giulia", "@Mario", "@nobody", "@mario.rossi"), NOW)
    assert [(r.user_id, r.match, r.candidates) for r in resolved] == [
        ("U3", NameMatch.FOUND, ("U3",)),
        (None, NameMatch.AMBIGUOUS, ("U1", "U2")),
        (None, NameMatch.UNKNOWN, ()),
        ("U1", NameMatch.FOUND, ("U1",)),
    ]


def test_escaped_mentions_need_no_lookup(slack: tuple[FakeSlackWebAPI, WebClient]) -> None:
    fake, client = slack
    resolved = UserDirectory().resolve(client, "T0001", _refs("<@U9|someone>"), NOW)
    assert [r.user_id for r in resolved] == ["U9"]
    assert fake.calls("users.list") == []


def test_users_list_is_asked_once_per_ttl_and_reads_every_page(slack: tuple[FakeSlackWebAPI, WebClient]) -> None:
    fake, client = slack
    for i in range(250):  # more than one page of 200
        fake.add_user(f"UX{i:03d}", name=f"person{i}")
    directory = UserDirectory()
    assert directory.resolve(client, "T0001", _refs("@person249"), NOW)[0].user_id == "UX249"
    pages = len(fake.calls("users.list"))
    assert pages == 2
    fake.add_user("U4", name="newcomer")
    assert directory.resolve(client, "T0001", _refs("@newcomer"), NOW + timedelta(minutes=1))[0].user_id is None
    assert len(fake.calls("users.list")) == pages
    later = NOW + DIRECTORY_TTL
    assert directory.resolve(client, "T0001", _refs("@newcomer"), later)[0].user_id == "U4"
