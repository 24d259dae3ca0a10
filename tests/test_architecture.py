"""The arrows between packages point one way, the pure rules stay pure, and what is registered is what exists.

Each checker works on source text, and each rule is also run against a synthetic module that breaks it, so a
checker that cannot fail would fail here.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_in(source: str) -> set[str]:
    """Every module a source imports (absolute imports; relative ones are within the same package)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imports_of(path: Path) -> set[str]:
    return imports_in(path.read_text(encoding="utf-8"))


def offending_imports(source: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> set[str]:
    """The imports of `source` that are a forbidden package or inside one (unless inside an allowed one)."""
    def inside(name: str, packages: tuple[str, ...]) -> bool:
        return any(name == p or name.startswith(p + ".") for p in packages)

    return {name for name in imports_in(source) if inside(name, forbidden) and not inside(name, allowed)}


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def production_files() -> list[Path]:
    """The product: bot/ without the local workspace behind `goalbot shell`, which drives the fake on purpose."""
    return [p for p in python_files("bot")
            if not p.is_relative_to(ROOT / "bot" / "local") and p != ROOT / "bot" / "shell.py"]


RULES_FORBIDDEN = ("slack_bolt", "slack_sdk", "sqlalchemy", "storage", "apscheduler", "bot")
# The stored words (plain StrEnums, no SQLAlchemy) are the one part of storage the rules may read.
RULES_ALLOWED = ("bot.rules", "storage.statuses")
CLOCK_CALLS = ("datetime.now(", "date.today(", "time.time(", "datetime.utcnow(", "datetime.today(")


def clock_reads(source: str) -> list[str]:
    """The calls in `source` that read the real clock."""
    return [call for call in CLOCK_CALLS if call in source]


@pytest.mark.parametrize("path", python_files("storage") + python_files("prompts"), ids=str)
def test_storage_and_prompts_never_import_bot(path: Path) -> None:
    assert offending_imports(path.read_text(encoding="utf-8"), ("bot",)) == set()


@pytest.mark.parametrize("path", python_files("bot/listeners"), ids=str)
def test_listeners_touch_neither_sqlalchemy_nor_storage(path: Path) -> None:
    assert offending_imports(path.read_text(encoding="utf-8"), ("sqlalchemy", "storage")) == set()


@pytest.mark.parametrize("path", production_files(), ids=str)
def test_production_code_never_imports_the_fake_slack(path: Path) -> None:
    assert offending_imports(path.read_text(encoding="utf-8"), ("slackfake",)) == set()


@pytest.mark.parametrize("path", python_files("bot/rules"), ids=str)
def test_rules_import_neither_slack_nor_the_database(path: Path) -> None:
    assert offending_imports(path.read_text(encoding="utf-8"), RULES_FORBIDDEN, allowed=RULES_ALLOWED) == set()


@pytest.mark.parametrize("path", python_files("bot/rules"), ids=str)
def test_rules_never_read_the_clock(path: Path) -> None:
    assert clock_reads(path.read_text(encoding="utf-8")) == []


def test_the_import_checkers_catch_a_deliberate_violation() -> None:
    listener = "from sqlalchemy.orm import Session\nimport storage.repositories\nfrom bot.services import checkins\n"
    assert offending_imports(listener, ("sqlalchemy", "storage")) == {"sqlalchemy.orm", "storage.repositories"}
    product = "from slackfake import FakeSlackWebAPI\nfrom bot.deps import Deps\n"
    assert offending_imports(product, ("slackfake",)) == {"slackfake"}
    storage = "from bot.rules.statuses import GoalStatus\nfrom storage.models import Goal\n"
    assert offending_imports(storage, ("bot",)) == {"bot.rules.statuses"}
    rule = ("import sqlalchemy\nfrom bot.services.home import refresh_home\nfrom bot.rules.pace import pace_status\n"
            "from storage.statuses import GoalStatus\nfrom storage.models import Goal\n")
    assert offending_imports(rule, RULES_FORBIDDEN, allowed=RULES_ALLOWED) == {
        "sqlalchemy", "bot.services.home", "storage.models"}
    assert clock_reads("from datetime import datetime\nnow = datetime.now(UTC)\n") == ["datetime.now("]


# --- registries ---------------------------------------------------------------------------------------------------


def unregistered(words: Mapping[str, str], handlers: Mapping[str, object]) -> tuple[set[str], set[str]]:
    """(subcommands with no handler, handlers no subcommand reaches); "goal", "names_someone" and "unknown" come
    from the parser (PARSED_NAMES)."""
    from bot.rules.commands import PARSED_NAMES

    reachable = set(words.values()) | PARSED_NAMES
    return reachable - set(handlers), set(handlers) - reachable


def test_every_subcommand_has_its_handler_and_every_handler_a_subcommand() -> None:
    from bot.listeners.commands.registry import HANDLERS
    from bot.rules.commands import SUBCOMMANDS

    assert unregistered(SUBCOMMANDS, HANDLERS) == (set(), set())


def test_the_registry_check_catches_a_deliberate_mismatch() -> None:
    words = {"new": "new", "nuovo": "new", "teleport": "teleport"}
    handlers = {"new": object(), "goal": object(), "names_someone": object(), "unknown": object(), "stale": object()}
    assert unregistered(words, handlers) == ({"teleport"}, {"stale"})


def test_every_scheduled_job_is_named_once() -> None:
    from bot.jobs.registry import JOBS, OUTBOX_JOB, PLANNERS, job_names

    names = [job.name for job in JOBS]
    assert len(names) == len(set(names)) and OUTBOX_JOB not in names
    assert job_names() == sorted({*PLANNERS, OUTBOX_JOB})


# --- prompt keys --------------------------------------------------------------------------------------------------


def literal_prompt_keys(source: str) -> set[str]:
    """Every key written as a literal in a `t(lang, "key", …)` call."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)):
            found.add(node.args[1].value)
    return found


def missing_keys(used: set[str], catalog: dict[str, str]) -> set[str]:
    """Keys used but absent from a catalog (a key may be a table of plural forms: `key.one`, `key.other`)."""
    return {key for key in used if key not in catalog and not any(k.startswith(key + ".") for k in catalog)}


def test_every_literal_prompt_key_exists_in_both_catalogs() -> None:
    from prompts import LANGUAGES, keys

    used: set[str] = set()
    for path in python_files("bot"):
        used |= literal_prompt_keys(path.read_text(encoding="utf-8"))
    assert len(used) > 100  # the walk finds the app's texts, not nothing
    for lang in LANGUAGES:
        assert missing_keys(used, keys(lang)) == set(), lang


def test_the_prompt_key_check_catches_a_deliberate_typo() -> None:
    source = 'from prompts import t\ntext = t(lang, "checkin.now.sent")\nother = t(lang, "checkin.now.snet", n=1)\n'
    used = literal_prompt_keys(source)
    assert used == {"checkin.now.sent", "checkin.now.snet"}
    catalog = {"checkin.now.sent": "Sent.", "goals.count.one": "{n} goal", "goals.count.other": "{n} goals"}
    assert missing_keys(used, catalog) == {"checkin.now.snet"}
    assert missing_keys({"goals.count"}, catalog) == set()


def test_slack_ids_in_manifest_and_code_agree() -> None:
    import yaml

    from bot import ids

    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == [ids.GOAL_COMMAND]


# The progress model is the only place that computes progress, pace, status or forecasts (issue 8): screens
# import its answer, and from the other rules only types and the parsers they echo.
BLOCKS_MAY_IMPORT = {"bot.rules.progress", "bot.rules.schedule", "bot.rules.smart", "bot.rules.numbers",
                     "bot.rules.digest_math", "bot.rules.goals", "bot.rules.mentions", "bot.rules.objectives",
                     "bot.rules.visibility", "bot.rules.statuses", "bot.rules.history",
                     "bot.rules.reply_check",  # the replies a card suggests: what the reply judge records as read
                     "bot.rules.titles"}  # whether a title is marked as the original wording (the edit service asks too)


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
