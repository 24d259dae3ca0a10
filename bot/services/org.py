"""The workspace's reporting lines and admins, loaded for the visibility policy (bot.rules.visibility)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.rules.visibility import Org
from storage.teams import list_admins, managers_by_person


def load_org(session: Session, team_id: str) -> Org:
    """The workspace's reporting lines and admins, as the visibility policy reads them (two queries)."""
    admins = frozenset(entry.user_id for entry in list_admins(session, team_id))
    return Org(managers=managers_by_person(session, team_id), admins=admins)
