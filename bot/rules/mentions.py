"""People and channels named in command text: Slack's escaped `<@U…|name>` and `<#C…|name>`, or a plain `@name`.

Pure: matching a plain name takes the workspace directory as a parameter (the service fetches it from users.list).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.rules.digest_math import ChannelRef, parse_channel

__all__ = [
    "ChannelRef",
    "DirectoryEntry",
    "NameMatch",
    "NameResult",
    "PersonRef",
    "TeamArgs",
    "match_name",
    "normalize_name",
    "parse_channel",
    "parse_person",
    "parse_team_args",
    "split_leading_people",
]

_ESCAPED_USER = re.compile(r"^<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<name>[^>]*))?>$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_PLAIN_NAME = re.compile(r"^@(?P<name>[\w.\-']{1,80})$", re.UNICODE)
# "to @manager" / "a @manager" / "sotto @manager": who the reports go to, in English or Italian.
_TO_WORDS = frozenset({"to", "under", "a", "sotto", "per"})
# One word of command text; an escaped mention is one word even when its label has spaces ("<@U1|Mario Rossi>").
_WORD = re.compile(r"\s*(<[^>]*>|\S+)")


@dataclass(frozen=True)
class PersonRef:
    """A person named in command text: their id when Slack escaped it (or it was typed as an id), else a name."""

    id: str | None
    name: str | None
    text: str  # the word as typed, to echo back in an answer


def parse_person(word: str) -> PersonRef | None:
    """Read `<@U123|name>`, `<@U123>`, `@name` or a bare user id; None when the word names nobody."""
    word = word.strip()
    match = _ESCAPED_USER.match(word)
    if match:
        return PersonRef(id=match["id"], name=match["name"] or None, text=word)
    match = _PLAIN_NAME.match(word)
    if match:
        return PersonRef(id=None, name=match["name"], text=word)
    if _USER_ID.match(word):
        return PersonRef(id=word, name=None, text=word)
    return None


def split_leading_people(text: str) -> tuple[list[PersonRef], str]:
    """Take the people named at the start of `text`; return them and the rest, verbatim."""
    people: list[PersonRef] = []
    rest = text.strip()
    while rest:
        match = _WORD.match(rest)
        ref = parse_person(match[1]) if match else None
        if match is None or ref is None:
            break
        people.append(ref)
        rest = rest[match.end():].strip()
    return people, rest


@dataclass(frozen=True)
class TeamArgs:
    """`@a @b [to @manager]`: the people to add, and the manager when one was named."""

    people: tuple[PersonRef, ...]
    manager: PersonRef | None
    leftover: str  # words that name nobody; non-empty means the command was not understood


def parse_team_args(text: str) -> TeamArgs:
    """Read the people of `/goal team add @a @b to @manager` (or `a @manager`, `sotto @manager`)."""
    people, rest = split_leading_people(text)
    manager: PersonRef | None = None
    word, _, after = rest.partition(" ")
    if word.lower() in _TO_WORDS:
        named, rest = split_leading_people(after)
        if len(named) == 1:
            manager = named[0]
        else:
            rest = f"{word} {after}".strip()
    return TeamArgs(people=tuple(people), manager=manager, leftover=rest)


def normalize_name(name: str) -> str:
    """Fold case, accents and separators so "@Mario.Rossi", "mario rossi" and "Mario_Rossì" compare equal."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lstrip("@"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s._\-]+", " ", plain).strip().casefold()


@dataclass(frozen=True)
class DirectoryEntry:
    """A workspace member as users.list describes them."""

    id: str
    name: str  # the handle
    display_name: str | None = None
    real_name: str | None = None
    deleted: bool = False
    is_bot: bool = False


class NameMatch(StrEnum):
    """How a plain `@name` matched the directory."""

    FOUND = "found"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class NameResult:
    """The outcome of matching a name: the one id found, or the candidates when several people fit."""

    match: NameMatch
    ids: tuple[str, ...] = ()


def match_name(name: str, directory: Sequence[DirectoryEntry]) -> NameResult:
    """Find the one active person a plain name means: the handle first, then display or real name."""
    wanted = normalize_name(name)
    people = [e for e in directory if not e.deleted and not e.is_bot]
    for fields in (lambda e: (e.name,), lambda e: (e.display_name, e.real_name)):
        ids = tuple(sorted({e.id for e in people if any(f and normalize_name(f) == wanted for f in fields(e))}))
        if len(ids) == 1:
            return NameResult(NameMatch.FOUND, ids)
        if len(ids) > 1:
            return NameResult(NameMatch.AMBIGUOUS, ids)
    return NameResult(NameMatch.UNKNOWN)
