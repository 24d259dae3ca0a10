"""The `goalbot` command line as an operator uses it: in-process through bot.cli.main, and as the real script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from bot.cli import main
from prompts import t
from storage.migrate import head_revisions

REPO = Path(__file__).resolve().parents[1]
NOW = "2026-11-26T10:00:00+01:00"
GOALBOT_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL", "DATABASE_URL",
                     "GOALBOT_DEFAULT_TZ", "GOALBOT_DEFAULT_LANG", "GOALBOT_CHECKIN_AT", "GOALBOT_DIGEST_AT",
                     "GOALBOT_LOG_LEVEL", "GOALBOT_FISCAL_YEAR_START")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No goalbot variable from the developer's shell and no .env file: each test sets what it means."""
    for name in GOALBOT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'goalbot.db'}")
    monkeypatch.chdir(tmp_path)


def run_goalbot(*args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` (the console script's code path) in the test's directory and environment."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=os.getcwd(), timeout=timeout)


def assert_one_sentence(stderr: str, *names: str) -> None:
    """The error is a single `goalbot: …` line naming what to fix, never a traceback."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("goalbot: ")
    for name in names:
        assert name in lines[0]


# ----------------------------------------------------------------------------- parse goal


def parsed(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["parse", "goal", *args]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_parse_goal_prints_how_an_english_sentence_is_understood(capsys: pytest.CaptureFixture[str]) -> None:
    goal = parsed(capsys, "acquire 10 new clients in the next six months", "--now", NOW, "--tz", "Europe/Rome")
    assert goal == {
        "type": "new_business",
        "subject": "new clients",
        "metric": "new_clients",
        "unit": "clients",
        "direction": "increase",
        "baseline": 0.0,
        "target": 10.0,
        "deadline": "2027-05-26",
        "missing": ["achievable", "relevant"],
        "notes": [],
    }


def test_parse_goal_understands_an_italian_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    goal = parsed(capsys, "ridurre il tasso di abbandono dal 12% all'8% entro dicembre",
                  "--lang", "it", "--now", NOW, "--tz", "Europe/Rome")
    assert (goal["type"], goal["metric"], goal["unit"], goal["direction"]) == ("retention", "churn_rate", "%", "decrease")
    assert (goal["baseline"], goal["target"], goal["deadline"]) == (12.0, 8.0, "2026-12-31")
    assert goal["missing"] == ["achievable", "relevant"]


def test_parse_goal_resolves_relative_deadlines_in_the_given_time_zone(capsys: pytest.CaptureFixture[str]) -> None:
    # 23:30 on 31 December in UTC is already the new year in Rome, and still the old one in New York.
    late = "2026-12-31T23:30:00+00:00"
    rome = parsed(capsys, "close 12 deals by the end of the year", "--now", late, "--tz", "Europe/Rome")
    new_york = parsed(capsys, "close 12 deals by the end of the year", "--now", late, "--tz", "America/New_York")
    assert (rome["deadline"], new_york["deadline"]) == ("2027-12-31", "2026-12-31")


def test_parse_goal_detects_italian_when_no_language_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    sentence = "aumentare il fatturato di 1.500 euro entro settembre"
    detected = parsed(capsys, sentence, "--now", NOW, "--tz", "Europe/Rome")
    as_english = parsed(capsys, sentence, "--lang", "en", "--now", NOW, "--tz", "Europe/Rome")
    # In Italian "1.500" is one thousand five hundred; read as English it would be one and a half.
    assert detected["target"] == 1500.0
    assert as_english["target"] == 1.5
    assert detected["deadline"] == "2027-09-30"


def test_parse_goal_detects_english_when_no_language_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    detected = parsed(capsys, "grow revenue by 1.500 euro by september", "--now", NOW, "--tz", "Europe/Rome")
    assert detected["target"] == 1.5


def test_parse_goal_through_the_console_script() -> None:
    result = run_goalbot("parse", "goal", "acquisire 10 nuovi clienti nei prossimi sei mesi", "--now", NOW,
                         "--tz", "Europe/Rome")
    assert result.returncode == 0, result.stderr
    goal = json.loads(result.stdout)
    assert (goal["type"], goal["metric"], goal["target"], goal["deadline"]) == (
        "new_business", "new_clients", 10.0, "2027-05-26")


@pytest.mark.parametrize(("option", "value"), [("--now", "next tuesday"), ("--tz", "Mars/Base")])
def test_invalid_parse_option_exits_2_naming_the_option(capsys: pytest.CaptureFixture[str], option: str,
                                                        value: str) -> None:
    assert main(["parse", "goal", "acquire 10 new clients", option, value]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_sentence(captured.err, option, value)


def test_empty_goal_text_exits_2_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "goal", "   "]) == 2
    assert_one_sentence(capsys.readouterr().err, "goalbot parse goal")


# ----------------------------------------------------------------------------- db upgrade

[LATEST] = head_revisions()


def test_db_upgrade_creates_the_schema_in_a_new_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fresh" / "goalbot.db"
    path.parent.mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("LANG", "C.UTF-8")
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["db", "upgrade"]) == 0
    first = capsys.readouterr().out
    assert first.strip() == t("en", "cli.db_created", url=f"sqlite:///{path}", after=LATEST, before="")
    engine = create_engine(f"sqlite:///{path}")
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"alembic_version", "goals", "user_prefs", "conversations"} <= tables

    assert main(["db", "upgrade"]) == 0  # running it again is harmless, and says so
    assert capsys.readouterr().out.strip() == t("en", "cli.db_current", url=f"sqlite:///{path}", after=LATEST,
                                                 before="")
    monkeypatch.setenv("LANG", "it_IT.UTF-8")  # `make run` in an Italian terminal: its first line is Italian too
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.strip() == t("it", "cli.db_current", url=f"sqlite:///{path}", after=LATEST,
                                                 before="")
    ignored = set((Path(__file__).parents[1] / ".gitignore").read_text(encoding="utf-8").split())
    assert {"*.db", "*.db-wal", "*.db-shm", "goalbot-files/", "*.workspace.json"} <= ignored  # what a run leaves


# ----------------------------------------------------------------------------- configuration errors


@pytest.mark.parametrize(("variable", "value"), [
    ("SLACK_BOT_TOKEN", "abc"),
    ("SLACK_APP_TOKEN", "xoxb-not-an-app-token"),
    ("GOALBOT_DEFAULT_TZ", "Mars/Base"),
    ("GOALBOT_DEFAULT_LANG", "fr"),
    ("GOALBOT_CHECKIN_AT", "someday 25:00"),
    ("DATABASE_URL", "mysql://x"),
    ("DATABASE_URL", "not a url"),
])
def test_bad_setting_exits_2_naming_the_variable(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str], variable: str,
                                                 value: str) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["db", "upgrade"]) == 2
    assert_one_sentence(capsys.readouterr().err, variable)


def test_setting_in_the_env_file_is_checked_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".env").write_text("GOALBOT_DEFAULT_TZ=Mars/Base\n")
    assert main(["parse", "goal", "acquire 10 new clients"]) == 2
    assert_one_sentence(capsys.readouterr().err, "GOALBOT_DEFAULT_TZ", "Mars/Base")


def test_bad_setting_through_the_console_script_prints_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "abc")
    result = run_goalbot("run")
    assert result.returncode == 2
    assert_one_sentence(result.stderr, "SLACK_BOT_TOKEN", "xoxb-")


def test_serve_without_an_app_token_says_what_to_set(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-123")
    assert main(["serve"]) == 2
    assert_one_sentence(capsys.readouterr().err, "SLACK_APP_TOKEN", "xapp-", "goalbot serve --http")


def test_serve_over_http_without_a_signing_secret_says_what_to_set(monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-123")
    assert main(["serve", "--http", "--port", "0"]) == 2
    assert_one_sentence(capsys.readouterr().err, "SLACK_SIGNING_SECRET")


def test_unreachable_postgresql_is_one_clear_sentence_without_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://goalbot:s3cret@127.0.0.1:1/goalbot")
    result = run_goalbot("db", "upgrade")
    assert result.returncode == 2
    assert_one_sentence(result.stderr, "cannot reach the database at postgresql+psycopg://goalbot@127.0.0.1:1/goalbot")
    assert "s3cret" not in result.stderr


def test_unopenable_sqlite_file_is_one_clear_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no-such-dir' / 'goalbot.db'}")
    assert main(["export"]) == 2
    assert_one_sentence(capsys.readouterr().err, "cannot reach the database", "no-such-dir")


# ----------------------------------------------------------------------------- the local shell


def test_shell_walks_through_a_goal_to_the_saved_list(tmp_path: Path) -> None:
    typed = "\n".join([
        ":time 2026-11-26T10:00:00+01:00",
        "/goal acquire 10 new clients in the next six months",
        "8 - 40 deals in pipeline and two demos a week",
        "grow EMEA revenue",
        "yes",
        "/goal list",
        ":quit",
    ]) + "\n"
    result = run_goalbot("shell", stdin=typed)
    assert result.returncode == 0, result.stderr
    transcript = result.stdout
    assert "Traceback" not in transcript + result.stderr

    card = transcript[transcript.index("== Your SMART goal =="):transcript.index("you> yes")]
    assert "acquire 10 new clients in the next six months" in card
    assert "confidence 8/10" in card and "grow EMEA revenue" in card and "26 May 2027" in card
    assert "[1] Confirm  [2] Edit  [3] Cancel" in card

    after_yes = transcript[transcript.index("you> yes"):transcript.index("you> /goal list")]
    assert "Saved" in after_yes
    goal_list = transcript[transcript.index("you> /goal list"):transcript.index("you> :quit")]
    assert "== Your goals ==" in goal_list
    assert "acquire 10 new clients in the next six months" in goal_list and "by 26 May 2027" in goal_list

    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        saved = conn.exec_driver_sql("SELECT user_id, target, deadline FROM goals").all()
    engine.dispose()
    assert [(row[0], row[1], str(row[2])[:10]) for row in saved] == [("U0LOCAL", 10, "2027-05-26")]


def test_parse_goal_reads_fiscal_phrases_against_the_fiscal_year_setting(capsys: pytest.CaptureFixture[str],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOALBOT_FISCAL_YEAR_START", "2")
    goal = parsed(capsys, "close 10 deals by Q3 FY", "--now", NOW, "--tz", "Europe/Rome")
    assert goal["deadline"] == "2027-10-31"
    assert goal["notes"] == [{"code": "fiscal_deadline", "phrase": "by Q3 FY", "value": "2027-10-31",
                              "fiscal_start": "2027-02-01"}]


@pytest.mark.parametrize("value", ["0", "13", "feb"])
def test_an_invalid_fiscal_year_start_exits_2_naming_the_setting(capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("GOALBOT_FISCAL_YEAR_START", value)
    assert main(["parse", "goal", "close 10 deals by Q3 FY"]) == 2
    assert_one_sentence(capsys.readouterr().err, "GOALBOT_FISCAL_YEAR_START", value)


# ----------------------------------------------------------------------------- parse reply

CLIENTS_GOAL = '{"unit": "clients", "baseline": 0, "target": 10, "current": 4, "direction": "increase"}'


def read(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["parse", "reply", *args]) == 0
    answer: dict[str, object] = json.loads(capsys.readouterr().out)
    return answer


def test_parse_reply_prints_the_reading(capsys: pytest.CaptureFixture[str]) -> None:
    assert read(capsys, "closed 3 more, now at 7", "--goal", CLIENTS_GOAL) == {
        "value": 7.0, "delta": 3.0, "confident": True, "candidates": [], "reason": None,
        "note": "closed 3 more, now at 7", "blocker": None,
    }


def test_parse_reply_shows_what_would_be_asked_in_italian(capsys: pytest.CaptureFixture[str]) -> None:
    reading = read(capsys, "forse 6, aspetto conferma dal legale", "--lang", "it", "--goal", CLIENTS_GOAL)
    assert (reading["confident"], reading["value"], reading["reason"]) == (False, None, "hedged")
    assert reading["blocker"] == "aspetto conferma dal legale"


def test_parse_reply_through_the_console_script() -> None:
    result = run_goalbot("parse", "reply", "3 to go", "--goal", CLIENTS_GOAL)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["value"] == 7.0


@pytest.mark.parametrize(("goal", "named"), [
    ("{unit: clients}", "JSON"),
    ("[1, 2]", "object"),
    ('{"unit": "clients"}', "target"),
    ('{"target": "ten"}', "target"),
    ('{"target": 10, "direction": "up"}', "direction"),
])
def test_invalid_goal_json_is_one_clear_line(capsys: pytest.CaptureFixture[str], goal: str, named: str) -> None:
    assert main(["parse", "reply", "7", "--goal", goal]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_sentence(captured.err, "--goal", named)
