"""Who may see what: the one place goalbot's permission rules live."""

from __future__ import annotations

from collections.abc import Collection


def may_export_team(user_id: str, *, subscriber: str, members: Collection[str]) -> bool:
    """Whether a person may export a digest channel's team: its subscriber, or any member of the channel.

    goalbot has no manager role: the digest already shows the channel all of its members' goals, so the export
    reveals nothing new to them.
    """
    return user_id == subscriber or user_id in members
