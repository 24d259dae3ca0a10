"""Which databases a test runs on, and the check that keeps the choice safe.

The suite runs on SQLite and on PostgreSQL. Tests whose subject is what a person reads (tests/bot/listeners:
signed requests in, Slack messages out) run on the first database only, unless marked `both_databases`: the SQL
under them is the services', and every statement they issue runs on PostgreSQL in some other test. That last
part is not taken on trust: during the run each statement is traced to where goalbot issued it (its site: the
innermost goalbot functions on the stack), and at the end of a whole run on both databases a site that only
first-database-only tests reached fails the run, naming the site and a test that reaches it (mark that test
`both_databases`). `make test-postgres` still runs every test on PostgreSQL.

Measured 2 December 2026, both databases, 3 workers, back to back: every listener test on both databases, 88 s
and 164 busy CPU-s (PostgreSQL's own 13); 77 of their 391 PostgreSQL runs kept (the 51 tests that together reach
the 191 sites no other test reaches on PostgreSQL, chosen greedily, and the four modules about serialising,
deduplicating and failing: `pytestmark` there), 75–76 s and 142 CPU-s (8). The site sets of two whole runs, in
file order and in random order, were the same 373 for the listener tests.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from sqlalchemy import Engine, event

# Which databases the database tests run on (`make test-sqlite`, `make test-postgres`); both by default.
DATABASES = [name for name in os.environ.get("GOALBOT_TEST_DATABASES", "sqlite,postgresql").split(",") if name]
# Where the tests that run on the first database only (unless marked `both_databases`) live.
FIRST_DATABASE_FOLDERS = ("tests/bot/listeners/",)
SITE_DEPTH = 3  # goalbot functions named in a site, innermost first: enough to tell a repository's callers apart

_ROOT = str(Path(__file__).resolve().parent.parent) + os.sep
_OURS = tuple(_ROOT + package + os.sep for package in ("bot", "storage"))


def first_database_only(item: pytest.Item) -> bool:
    """True for a test that runs on the first database only because of where it lives (FIRST_DATABASE_FOLDERS)."""
    return item.nodeid.startswith(FIRST_DATABASE_FOLDERS) and item.get_closest_marker("both_databases") is None


def site_of(frame: FrameType | None) -> str:
    """Where goalbot issued a statement: its innermost SITE_DEPTH functions on the stack, as `file:function`
    (no line numbers, so an edit above a function does not move its site)."""
    names: list[str] = []
    while frame is not None and len(names) < SITE_DEPTH:
        path = frame.f_code.co_filename
        if path.startswith(_OURS):
            names.append(f"{path[len(_ROOT):]}:{frame.f_code.co_name}")
        frame = frame.f_back
    return " < ".join(names)


@dataclass
class Sites:
    """The sites reached during a run: every one reached on PostgreSQL, and each one reached on SQLite by a
    first-database-only test (with the first such test)."""

    postgresql: set[str] = field(default_factory=set)
    first_only: dict[str, str] = field(default_factory=dict)

    def merge(self, other: dict[str, Any]) -> None:
        """Add what a worker process reached (as `as_json` wrote it)."""
        self.postgresql.update(other["postgresql"])
        for site, test in other["first_only"].items():
            self.first_only.setdefault(site, test)

    def as_json(self) -> dict[str, Any]:
        """What a worker sends to the controlling process."""
        return {"postgresql": sorted(self.postgresql), "first_only": dict(self.first_only)}

    def never_on_postgresql(self) -> dict[str, str]:
        """The sites only first-database-only tests reached, each with a test that reaches it."""
        return {site: test for site, test in sorted(self.first_only.items()) if site not in self.postgresql}


class _Tracer:
    """Records each statement's site against the test running now (tests run one at a time in a process; their
    statements may come from the app's threads, whose set.add and dict.setdefault need no lock of ours)."""

    def __init__(self) -> None:
        self.sites = Sites()
        self.test: str | None = None
        self.first_only = False

    def __call__(self, conn: Any, _cursor: Any, _statement: str, _params: Any, _context: Any,
                 _executemany: bool) -> None:
        dialect = conn.dialect.name
        if dialect == "postgresql":
            self.sites.postgresql.add(site_of(sys._getframe(1)))
        elif dialect == "sqlite" and self.first_only and self.test is not None:
            self.sites.first_only.setdefault(site_of(sys._getframe(1)), self.test)


_TRACER = _Tracer()


def _checking() -> bool:
    return "sqlite" in DATABASES and "postgresql" in DATABASES


def pytest_configure(config: pytest.Config) -> None:
    """Trace statements when both databases are in the run."""
    if _checking():
        event.listen(Engine, "before_cursor_execute", _TRACER)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop tracing."""
    if _checking() and event.contains(Engine, "before_cursor_execute", _TRACER):
        event.remove(Engine, "before_cursor_execute", _TRACER)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Note which test the statements belong to while it runs."""
    _TRACER.test = item.nodeid
    _TRACER.first_only = first_database_only(item)
    try:
        return (yield)
    finally:
        _TRACER.test = None
        _TRACER.first_only = False


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Collect a worker's sites (pytest-xdist)."""
    sent = getattr(node, "workeroutput", {}).get("database_sites")
    if sent is not None:
        _TRACER.sites.merge(sent)


def _whole_suite(config: pytest.Config) -> bool:
    """True when the run collected every test: no paths narrower than tests/, no -k, -m, --lf or --deselect."""
    tests = config.rootpath / "tests"
    return (all(Path(arg.split("::")[0]).resolve() in (tests, config.rootpath) for arg in config.args)
            and not config.option.keyword and not config.option.markexpr
            and not config.getoption("lf", False) and not config.getoption("deselect", None))


_LEFT_OUT: dict[str, str] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A worker sends its sites; the controlling process fails a passing whole run whose first-database-only
    tests reached a site that nothing reached on PostgreSQL."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["database_sites"] = _TRACER.sites.as_json()
        return
    if not _checking() or exitstatus != 0 or not _whole_suite(session.config) or not _TRACER.sites.postgresql:
        return
    _LEFT_OUT.update(_TRACER.sites.never_on_postgresql())
    if _LEFT_OUT:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name each site PostgreSQL never ran, and a test to mark `both_databases` for it."""
    if not _LEFT_OUT:
        return
    terminalreporter.section("SQL that ran on SQLite only", red=True)
    terminalreporter.line(f"{len(_LEFT_OUT)} place(s) in goalbot issued SQL only in tests that run on the first "
                          "database; mark one test of each `both_databases` (tests/database_choice.py):")
    for site, test in _LEFT_OUT.items():
        terminalreporter.line(f"  {site}\n    reached by {test}")
