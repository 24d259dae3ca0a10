"""Reading people and channels out of command text, and matching a plain @name against the directory."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.mentions import (
    ChannelRef,
    DirectoryEntry,
    NameMatch,
    NameResult,
    PersonRef,
    match_name,
    normalize_name,
    parse_channel,
    parse_person,
    parse_team_args,
    split_leading_people,
)


@pytest.mark.parametrize(("word", "expected"), [
    ("<@U0ALICE|alice>", PersonRef("U0ALICE", "alice", "<@U0ALICE|alice>")),
    ("<@U0ALICE>", PersonRef("U0ALICE", None, "<@U0ALICE>")),
    ("<@W0ENTERPRISE|bob>", PersonRef("W0ENTERPRISE", "bob", "<@W0ENTERPRISE|bob>")),
    ("@mario.rossi", PersonRef(None, "mario.rossi", "@mario.rossi")),
    ("@Niccolò", PersonRef(None, "Niccolò", "@Niccolò")),
    ("U0ALICE", PersonRef("U0ALICE", None, "U0ALICE")),
    ("alice", None),
    ("@", None),
    ("<#C0SALES|sales>", None),
    ("<@U0ALICE|alice", None),
    ("10", None),
])
def test_parse_person(word: str, expected: PersonRef | None) -> None:
    assert parse_person(word) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("<#C0SALES|sales>", ChannelRef("C0SALES", "sales")),
    ("<#G0EXEC>", ChannelRef("G0EXEC", None)),
    ("#Sales", ChannelRef(None, "sales")),
    ("<@U0ALICE|alice>", None),
])
def test_channels_are_read_the_same_way_as_for_digests(word: str, expected: ChannelRef | None) -> None:
    assert parse_channel(word) == expected


@pytest.mark.parametrize(("text", "ids_or_names", "rest"), [
    ("<@U0A|a> acquire 10 new clients in the next six months", ["U0A"], "acquire 10 new clients in the next six months"),
    ("@bob win 5 deals", ["bob"], "win 5 deals"),
    ("<@U0A|a> <@U0B|b>", ["U0A", "U0B"], ""),
    ("<@U0A|Mario Rossi>  win 5 deals", ["U0A"], "win 5 deals"),
    ("win 5 deals @bob", [], "win 5 deals @bob"),
    ("", [], ""),
])
def test_split_leading_people(text: str, ids_or_names: list[str], rest: str) -> None:
    people, remainder = split_leading_people(text)
    assert [p.id or p.name for p in people] == ids_or_names
    assert remainder == rest


@pytest.mark.parametrize(("text", "people", "manager", "leftover"), [
    ("<@U0A|a> <@U0B|b>", ["U0A", "U0B"], None, ""),
    ("<@U0A|a> <@U0B|b> to <@U0M|m>", ["U0A", "U0B"], "U0M", ""),
    ("<@U0A|a> a <@U0M|m>", ["U0A"], "U0M", ""),
    ("@anna sotto @marco", ["anna"], "marco", ""),
    ("<@U0A|a> to", ["U0A"], None, "to"),
    ("<@U0A|a> to <@U0M|m> <@U0N|n>", ["U0A"], None, "to <@U0M|m> <@U0N|n>"),
    ("everyone", [], None, "everyone"),
])
def test_parse_team_args(text: str, people: list[str], manager: str | None, leftover: str) -> None:
    args = parse_team_args(text)
    assert [p.id or p.name for p in args.people] == people
    assert (args.manager.id or args.manager.name if args.manager else None) == manager
    assert args.leftover == leftover


DIRECTORY = [
    DirectoryEntry("U1", "mario.rossi", display_name="Mario", real_name="Mario Rossi"),
    DirectoryEntry("U2", "mario.bianchi", display_name="Mario", real_name="Mario Bianchi"),
    DirectoryEntry("U3", "giulia", display_name="Giulia", real_name="Giulia Verdi"),
    DirectoryEntry("U4", "old.giulia", display_name="Giulia V", real_name="Giulia Verdi", deleted=True),
    DirectoryEntry("UBOT", "goalbot", is_bot=True),
    DirectoryEntry("U5", "niccolo", display_name="Niccolò", real_name="Niccolò Neri"),
]


@pytest.mark.parametrize(("name", "expected"), [
    ("mario.rossi", NameResult(NameMatch.FOUND, ("U1",))),
    ("Mario_Rossi", NameResult(NameMatch.FOUND, ("U1",))),  # the handle, whatever the separators
    ("mario", NameResult(NameMatch.AMBIGUOUS, ("U1", "U2"))),  # two people show as "Mario"
    ("Giulia Verdi", NameResult(NameMatch.FOUND, ("U3",))),  # the deleted namesake does not count
    ("nicolo", NameResult(NameMatch.UNKNOWN)),
    ("niccolo", NameResult(NameMatch.FOUND, ("U5",))),
    ("Niccolò Neri", NameResult(NameMatch.FOUND, ("U5",))),
    ("goalbot", NameResult(NameMatch.UNKNOWN)),  # bots are nobody's report
    ("", NameResult(NameMatch.UNKNOWN)),
])
def test_match_name(name: str, expected: NameResult) -> None:
    assert match_name(name, DIRECTORY) == expected


ids = st.from_regex(r"U[A-Z0-9]{2,12}", fullmatch=True)
labels = st.text(st.characters(blacklist_characters="<>|", blacklist_categories=["Cs"]), min_size=1, max_size=40)


@given(ids, labels, st.sampled_from(["", "win 5 deals"]))
def test_an_escaped_mention_always_gives_its_id_and_leaves_the_rest(user_id: str, label: str, rest: str) -> None:
    people, remainder = split_leading_people(f"<@{user_id}|{label}> {rest}")
    assert [p.id for p in people] == [user_id] and remainder == rest


@given(st.text(max_size=40))
def test_normalizing_a_name_twice_changes_nothing(name: str) -> None:
    assert normalize_name(normalize_name(name)) == normalize_name(name)
