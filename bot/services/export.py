"""Goals and their check-ins as JSON or CSV, for spreadsheets and backups."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from storage.models import Goal

GOAL_FIELDS = ("id", "team_id", "user_id", "title", "type", "metric", "unit", "direction", "baseline", "target",
               "current", "deadline", "status", "created_at")
CHECKIN_FIELDS = ("week_start", "status", "value", "pace", "mood", "note", "blocker", "answered_at")


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def goal_records(goals: Sequence[Goal]) -> list[dict[str, Any]]:
    """Each goal as a JSON-ready dict with its check-ins nested."""
    return [
        {**{name: _plain(getattr(goal, name)) for name in GOAL_FIELDS},
         "checkins": [{name: _plain(getattr(c, name)) for name in CHECKIN_FIELDS} for c in goal.checkins]}
        for goal in goals
    ]


def to_json(goals: Sequence[Goal]) -> str:
    """All goals as a JSON document."""
    return json.dumps({"goals": goal_records(goals)}, ensure_ascii=False, indent=2)


def to_csv(goals: Sequence[Goal]) -> str:
    """All goals as CSV: one row per check-in (goal columns repeated), one row for a goal without any."""
    buffer = io.StringIO()
    header = list(GOAL_FIELDS) + [f"checkin_{name}" for name in CHECKIN_FIELDS]
    writer = csv.writer(buffer)
    writer.writerow(header)
    for record in goal_records(goals):
        base = [record[name] for name in GOAL_FIELDS]
        checkins = record["checkins"] or [dict.fromkeys(CHECKIN_FIELDS)]
        for checkin in checkins:
            writer.writerow(base + [checkin[name] for name in CHECKIN_FIELDS])
    return buffer.getvalue()
