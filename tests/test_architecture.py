"""The arrows between packages point one way, and the pure rules stay pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", python_files("storage") + python_files("prompts"), ids=str)
def test_storage_and_prompts_never_import_bot(path: Path) -> None:
    assert not any(name == "bot" or name.startswith("bot.") for name in imports_of(path))


@pytest.mark.parametrize("path", python_files("bot/rules"), ids=str)
def test_rules_import_neither_slack_nor_the_database(path: Path) -> None:
    forbidden = ("slack_bolt", "slack_sdk", "sqlalchemy", "storage", "apscheduler")
    offending = {n for n in imports_of(path) if n.split(".")[0] in forbidden or n.startswith("bot.") and not n.startswith("bot.rules")}
    assert offending == set()


@pytest.mark.parametrize("path", python_files("bot/rules"), ids=str)
def test_rules_never_read_the_clock(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for call in ("datetime.now(", "date.today(", "time.time(", "datetime.utcnow(", "datetime.today("):
        assert call not in source, f"{path.name} reads the clock with {call}"


def test_slack_ids_in_manifest_and_code_agree() -> None:
    import yaml

    from bot import ids

    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == [ids.GOAL_COMMAND]


# The progress model is the only place that computes progress, pace, status or forecasts (issue 8): screens
# import its answer, and from the other rules only types and the parsers they echo.
BLOCKS_MAY_IMPORT = {"bot.rules.progress", "bot.rules.schedule", "bot.rules.smart", "bot.rules.numbers",
                     "bot.rules.digest_math"}


@pytest.mark.parametrize("path", python_files("bot/blocks") + [ROOT / "bot" / "charts.py"], ids=str)
def test_screens_read_the_progress_model_and_compute_none_of_their_own(path: Path) -> None:
    rules = {n for n in imports_of(path) if n.startswith("bot.rules")}
    assert rules <= BLOCKS_MAY_IMPORT, rules - BLOCKS_MAY_IMPORT
    source = path.read_text(encoding="utf-8")
    for name in ("expected_fraction", "pace_status", "progress_fraction", "linear_regression", "def progress_of",
                 "def pace_of", "def expected_of"):
        assert name not in source, f"{path.name} computes {name} itself"


def test_one_module_holds_the_progress_model() -> None:
    assert not (ROOT / "bot" / "rules" / "pace.py").exists()
    assert not (ROOT / "bot" / "rules" / "forecast.py").exists()
    assert not (ROOT / "bot" / "blocks" / "forecast.py").exists()
