"""The workspace directory from users.list, cached, to resolve people named in command text."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.rules.mentions import DirectoryEntry, NameMatch, PersonRef, match_name

log = logging.getLogger(__name__)

# A new colleague can be named ten minutes after joining; users.list is Tier 2, so it is not asked every command.
DIRECTORY_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class ResolvedPerson:
    """A person named in command text: their id, or why there is none (unknown, or several people fit)."""

    ref: PersonRef
    user_id: str | None
    match: NameMatch
    candidates: tuple[str, ...] = ()


def entry_from_member(member: dict[str, Any]) -> DirectoryEntry:
    """A users.list member as the rules see it."""
    profile = member.get("profile") or {}
    return DirectoryEntry(
        id=str(member["id"]),
        name=str(member.get("name") or ""),
        display_name=profile.get("display_name") or None,
        real_name=profile.get("real_name") or member.get("real_name") or None,
        deleted=bool(member.get("deleted")),
        is_bot=bool(member.get("is_bot")) or member.get("id") == "USLACKBOT",
    )


class UserDirectory:
    """users.list per workspace, kept for DIRECTORY_TTL; one instance per process (in Deps)."""

    def __init__(self, ttl: timedelta = DIRECTORY_TTL) -> None:
        self._ttl = ttl
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[datetime, list[DirectoryEntry]]] = {}

    def entries(self, client: WebClient, team_id: str, now: datetime) -> list[DirectoryEntry]:
        """The workspace's members, from the cache when it is fresh, else from users.list (every page)."""
        with self._lock:
            cached = self._cache.get(team_id)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        members: list[DirectoryEntry] = []
        cursor: str | None = None
        while True:
            response = client.users_list(limit=200, cursor=cursor)
            members += [entry_from_member(m) for m in response.get("members") or []]
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        with self._lock:
            self._cache[team_id] = (now, members)
        return members

    def resolve(self, client: WebClient, team_id: str, refs: Sequence[PersonRef], now: datetime) -> list[ResolvedPerson]:
        """Give every reference its user id; users.list is asked only when someone was typed as a plain @name."""
        directory = self.entries(client, team_id, now) if any(ref.id is None for ref in refs) else []
        resolved = []
        for ref in refs:
            if ref.id is not None:
                resolved.append(ResolvedPerson(ref, ref.id, NameMatch.FOUND, (ref.id,)))
                continue
            result = match_name(ref.name or "", directory)
            user_id = result.ids[0] if result.match is NameMatch.FOUND else None
            resolved.append(ResolvedPerson(ref, user_id, result.match, result.ids))
        return resolved
