"""Goals and their check-ins as JSON or CSV, for spreadsheets and backups (`/goal export`, `goalbot export`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from bot.blocks.standing import standing_of
from storage.models import Goal

GOAL_FIELDS = ("id", "team_id", "user_id", "title", "type", "metric", "unit", "direction", "baseline", "baseline_unit",
               "target",
               "current", "start_date", "deadline", "status", "created_at", "adjusted_at", "closed_at",
               "closed_note", "objective_id", "visibility")
# The progress model's answer on the day of the export: the same status and progress every screen shows.
MODEL_FIELDS = ("kind", "standing", "progress_percent", "expected_percent", "override")
# manager_id: the owner's manager in goalbot, from the reporting lines
RECORD_FIELDS = (*GOAL_FIELDS, *MODEL_FIELDS, "manager_id")
CHECKIN_FIELDS = ("week_start", "status", "value", "pace", "mood", "note", "blocker", "answered_at")
REVISION_FIELDS = ("changed_at", "changed_by", "field", "before", "after", "reason")
# A spreadsheet runs a cell starting with one of these as a formula ("=HYPERLINK(…)"): CSV cells get a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def model_record(goal: Goal, today: date) -> dict[str, Any]:
    """The model's standing of a goal as export columns."""
    item = standing_of(goal, today)
    return {"kind": str(item.numbers.kind), "standing": str(item.status), "progress_percent": item.percent,
            "expected_percent": None if item.closed or item.progress is None else round(item.expected * 100),
            "override": item.numbers.override}


def _checkin_fields(with_notes: bool) -> tuple[str, ...]:
    return CHECKIN_FIELDS if with_notes else tuple(f for f in CHECKIN_FIELDS if f != "note")


def goal_records(goals: Sequence[Goal], today: date, *, managers: Mapping[str, str] | None = None,
                 with_notes: bool = True) -> list[dict[str, Any]]:
    """Each goal as a JSON-ready dict with the model's standing, its check-ins and revisions nested.

    A channel's export goes without check-in notes (`with_notes=False`): notes go up the reporting line only.
    """
    managers = managers or {}
    fields = _checkin_fields(with_notes)
    return [
        {**{name: _plain(getattr(goal, name)) for name in GOAL_FIELDS}, **model_record(goal, today),
         "manager_id": managers.get(goal.user_id),
         "checkins": [{name: _plain(getattr(c, name)) for name in fields} for c in goal.checkins],
         "revisions": [{name: _plain(getattr(r, name)) for name in REVISION_FIELDS} for r in goal.revisions]}
        for goal in goals
    ]


def to_json(goals: Sequence[Goal], today: date, *, managers: Mapping[str, str] | None = None,
            with_notes: bool = True) -> str:
    """All goals as a JSON document (text kept verbatim)."""
    records = goal_records(goals, today, managers=managers, with_notes=with_notes)
    return json.dumps({"goals": records}, ensure_ascii=False, indent=2)


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: user text that looks like a formula is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(goals: Sequence[Goal], today: date, *, managers: Mapping[str, str] | None = None,
           with_notes: bool = True) -> str:
    """All goals as CSV: one row per check-in (goal columns repeated), one row for a goal without any."""
    buffer = io.StringIO()
    fields = _checkin_fields(with_notes)
    header = list(RECORD_FIELDS) + [f"checkin_{name}" for name in fields]
    writer = csv.writer(buffer)
    writer.writerow(header)
    for record in goal_records(goals, today, managers=managers, with_notes=with_notes):
        base = [record[name] for name in RECORD_FIELDS]
        checkins = record["checkins"] or [dict.fromkeys(fields)]
        for checkin in checkins:
            writer.writerow([safe_cell(cell) for cell in base + [checkin[name] for name in fields]])
    return buffer.getvalue()


def render(goals: Sequence[Goal], fmt: str, *, today: date, managers: Mapping[str, str] | None = None,
           with_notes: bool = True) -> str:
    """The export in `fmt` ("csv" or "json"), with the model's standing on `today`."""
    if fmt == "json":
        return to_json(goals, today, managers=managers, with_notes=with_notes) + "\n"
    return to_csv(goals, today, managers=managers, with_notes=with_notes)


def filename(scope: str, now: datetime, fmt: str) -> str:
    """The file's name: goalbot-goals-<scope>-<date>.<fmt>, safe for any file system."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in scope)[:40] or "export"
    return f"goalbot-goals-{safe}-{now.date().isoformat()}.{fmt}"
