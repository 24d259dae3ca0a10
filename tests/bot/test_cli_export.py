"""`goalbot export`: every goal with its check-ins on stdout, as CSV or JSON, from the configured database."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cli import main
from storage.db import make_engine, make_session_factory
from storage.models import CheckIn, Goal, GoalRevision

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The test database as the CLI's DATABASE_URL (no .env file read), with two people's goals in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        for user, title, team in (("U1", "=acquire 10 new clients", "T1"), ("U2", "keep 90% retention", "T1"),
                                  ("U3", "another workspace", "T2")):
            goal = Goal(team_id=team, user_id=user, title=title, type="new_business", metric="new_clients",
                        unit="clients", direction="increase", target=10.0, start_date=date(2026, 11, 26),
                        deadline=date(2027, 5, 26), status="active", lang="en", created_at=NOW, updated_at=NOW)
            session.add(goal)
            session.flush()
            session.add(CheckIn(goal_id=goal.id, week_start=date(2026, 11, 30), status="answered", value=3.0,
                                note="three “signed”, àccènts kept"))
            session.add(GoalRevision(goal_id=goal.id, changed_by=user, changed_at=NOW, field="target",
                                     before="8", after="10", reason="pipeline grew"))
        session.commit()
    engine.dispose()
    return database_url


def test_export_writes_csv_rows_for_every_goal_and_check_in(cli_database: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["user_id"], r["checkin_value"]) for r in rows] == [("U1", "3.0"), ("U2", "3.0"), ("U3", "3.0")]
    assert rows[0]["title"] == "'=acquire 10 new clients"  # a spreadsheet must not run it as a formula
    assert rows[1]["checkin_note"] == "three “signed”, àccènts kept"


def test_export_as_json_filtered_by_team_and_user(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "json", "--team", "T1", "--user", "U1"]) == 0
    data = json.loads(capsys.readouterr().out)
    [goal] = data["goals"]
    assert goal["title"] == "=acquire 10 new clients"  # JSON keeps the text exactly as written
    assert goal["checkins"][0]["value"] == 3.0 and goal["checkins"][0]["week_start"] == "2026-11-30"
    assert goal["revisions"] == [{"changed_at": goal["revisions"][0]["changed_at"], "changed_by": "U1",
                                  "field": "target", "before": "8", "after": "10", "reason": "pipeline grew"}]


def test_an_unknown_format_is_refused_with_the_choices(cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export", "--format", "xlsx"])
    assert exited.value.code == 2
    assert "choose from 'csv', 'json'" in capsys.readouterr().err
