"""Shared fixtures: databases (SQLite and PostgreSQL, migrated with Alembic) and the local Slack workspace."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

import bot.runtime
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Base

pytest.register_assert_rewrite("tests.database_choice")  # a plugin (below) this file also imports from
from tests.database_choice import DATABASES, first_database_only  # noqa: E402

pytest_plugins = ("tests.database_choice",)

# No test fails on time: Hypothesis's default deadline (200 ms an example) failed the first example of a parser
# property when it ran first in a worker on a loaded machine (the first parse loads dateparser's languages).
settings.register_profile("goalbot", deadline=None)
settings.load_profile("goalbot")

POSTGRES_URL = os.environ.get("GOALBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("GOALBOT_REQUIRE_POSTGRES") == "1"


# The longest tests, longest first (seconds of wall time each on a quiet machine, most waiting on subprocesses,
# sleeps or HTTP): they start first, spread over the xdist workers, so the run does not end waiting on one of
# them while the other workers sit idle. A test missing here only costs a longer tail, never a failure.
SLOW_FIRST = (
    "tests/bot/test_inbox_crash.py::",
    "tests/bot/delivery/test_concurrency.py::test_process_killed_mid_fan_out",
    "tests/bot/delivery/test_concurrency.py::test_two_goalbot_processes",
    "tests/test_cli.py::test_shell_walks_through_a_goal_to_the_saved_list",
    "tests/bot/test_installs.py::test_two_workspaces_install_and_never_see_each_other",
    "tests/bot/test_reading_invariants.py::",
    "tests/local/test_shell_transcripts.py::test_sales_channel_digest_and_export",
    "tests/bot/test_edge_hostile_input.py::test_hundreds_of_signed_malformed_requests",
    "tests/bot/jobs/test_checkin_planner.py::test_a_week_of_checkins_in_three_time_zones",
    "tests/test_cli.py::test_parse_goal_through_the_console_script",
    "tests/bot/listeners/test_one_at_a_time.py::test_twenty_yes_split_between_two_processes",
    "tests/local/test_shell_transcripts.py::",
    "tests/storage/test_dropped_connections.py::",
    "tests/bot/test_demo.py::",
    "tests/test_cli.py::test_parse_reply_through_the_console_script",
    "tests/rules/test_mentions.py::test_an_escaped_mention_always_gives_its_id",
    "tests/test_cli.py::test_unreachable_postgresql",
    "tests/bot/delivery/test_concurrency.py::",
    "tests/bot/jobs/test_digest_planner.py::test_a_planner_that_dies_while_queueing",
    "tests/test_architecture.py::test_every_literal_prompt_key_exists_in_both_catalogs",
    "tests/bot/listeners/test_channel_rights.py::",
)


def _slowness(item: pytest.Item) -> int:
    # item.nodeid is built on every read: read once, not once per prefix (250,000 reads a collection otherwise).
    nodeid = item.nodeid
    return next((rank for rank, prefix in enumerate(SLOW_FIRST) if nodeid.startswith(prefix)), len(SLOW_FIRST))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `one_database` (what they check does not depend on the database) run on the first one only,
    and so do all but the first variant of a test marked `variants_on_one_database`, and the tests that
    tests/database_choice.py keeps to the first database; the slowest known tests are moved to the front
    (SLOW_FIRST), the rest keep their order."""
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    first_variants: dict[str, str] = {}
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            keep.append(item)
            continue
        # The parameters but the database; the test's first item (on the first database) has its first variant.
        variant = repr(sorted((name, repr(value)) for name, value in callspec.params.items() if name != "database_url"))
        first = first_variants.setdefault(item.nodeid.split("[")[0], variant)
        database = callspec.params.get("database_url")
        if database not in (None, DATABASES[0]) and (
                item.get_closest_marker("one_database")
                # A variant differs from the first only in words (the language, the phrasing, a Slack error's name):
                # the same statements run on the same rows, so the first variant checks them on every database.
                or (item.get_closest_marker("variants_on_one_database") and variant != first)
                or first_database_only(item)):
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = _spread_slow_first(sorted(keep, key=_slowness), _worker_count(config))


def _worker_count(config: pytest.Config) -> int:
    """How many xdist workers share the run (1 without xdist or with another schedule than worksteal)."""
    worker_input = getattr(config, "workerinput", None)
    if worker_input is None or config.getoption("dist", "no") != "worksteal":
        return 1
    return int(worker_input["workercount"])


def _spread_slow_first(ordered: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """The order that starts every worker on its share of the slow tests.

    xdist's worksteal schedule hands each worker one contiguous slice of the collection (sized as below) and
    later moves the tails of long queues to idle workers: with every slow test at the front, the first worker
    would start on all of them while the others run the quick ones. Each slice starts with every n-th slow test.
    """
    slow = [item for item in ordered if _slowness(item) < len(SLOW_FIRST)]
    if workers <= 1 or not slow:
        return ordered
    rest = ordered[len(slow):]
    spread: list[pytest.Item] = []
    remaining = len(ordered)
    for worker in range(workers):
        size = remaining // (workers - worker)
        remaining -= size
        own_slow = slow[worker::workers]
        quick = size - len(own_slow)
        spread += own_slow + rest[:quick]
        del rest[:quick]
    return spread + rest


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is loaded by now (goalbot, SQLAlchemy, the test modules) stays for the whole run: the garbage collector
    stops walking it (gc.freeze), so each full collection during the tests, and pytest's at the end, is cheap."""
    gc.freeze()


def _postgres_available() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except OperationalError as error:
        return str(error).splitlines()[0]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy, so every test starts from the migrated schema."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A private schema in the test database, migrated once; dropped at the end of the run."""
    problem = _postgres_available()
    if problem is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (GOALBOT_REQUIRE_POSTGRES=1) but {POSTGRES_URL} fails: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {problem}")
    # One schema per run and per xdist worker (gw0, gw1, …), so parallel workers never share tables.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    schema = f"goalbot_test_{worker}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(_schema_url(schema))
    upgrade(engine)
    engine.dispose()
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


# Children before parents, then every sequence back to 1 (what TRUNCATE … RESTART IDENTITY did): one round trip.
# DELETE rather than TRUNCATE: a test leaves a few rows, and TRUNCATE replaces every table's and index's files
# (about half a second per test here, most of a PostgreSQL test's time), DELETE of a few rows takes milliseconds.
EMPTY_TABLES = "".join(f'DELETE FROM "{table.name}"; ' for table in reversed(Base.metadata.sorted_tables)) + (
    "SELECT setval(c.oid, 1, false) FROM pg_class c"
    " WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace")


@pytest.fixture(scope="session")
def postgres_cleaner(postgres_schema: str) -> Iterator[Engine]:
    """One connection per worker that empties the private schema before each test."""
    engine = create_engine(_schema_url(postgres_schema), pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    # Every connection's search_path points at the private schema, so parallel runs never meet. Commits do not
    # wait for the disk (synchronous_commit off): what a commit shows other connections is the same, only a
    # crash of the server could lose the last ones, and a test database is thrown away anyway.
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"


@event.listens_for(Engine, "connect")
def _sqlite_commits_skip_the_disk_flush(dbapi_connection: Any, _record: Any) -> None:
    """SQLite as goalbot configures it, but commits do not wait for the disk (synchronous=NORMAL under WAL): the
    same isolation and the same view for every connection and process, only a power cut could lose the last
    commits. Most of a test's time went on those flushes, on a disk shared with the other test runs."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")


@pytest.fixture(scope="session")
def sqlite_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worker's SQLite database folder: one path for the whole run, so its engine can stay warm."""
    return tmp_path_factory.mktemp("sqlite", numbered=False)


@pytest.fixture(scope="session")
def warm_engines() -> Iterator[dict[str, Engine]]:
    """The worker's engines, one per test database URL, kept from test to test as a long-running process keeps
    its one engine: each new engine compiled every statement again (SQLAlchemy caches compiled SQL per engine),
    a third of a listener test's CPU time."""
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, sqlite_folder: Path, warm_engines: dict[str, Engine],
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A freshly migrated, empty database: every test using it runs on SQLite and on PostgreSQL.

    The first engine the app makes on it in a test (bot.runtime.make_engine, in make_deps) is the worker's warm
    one; any further engine, a second process in the test, is a new one of its own.
    """
    if request.param == "sqlite":
        # A new folder each time: the database, its WAL and what goalbot keeps beside it (goalbot.db-requests).
        shutil.rmtree(sqlite_folder)
        sqlite_folder.mkdir()
        shutil.copy(request.getfixturevalue("sqlite_template"), sqlite_folder / "goalbot.db")
        url = f"sqlite:///{sqlite_folder / 'goalbot.db'}"
    else:
        with request.getfixturevalue("postgres_cleaner").begin() as conn:
            conn.exec_driver_sql(EMPTY_TABLES)
        url = _schema_url(request.getfixturevalue("postgres_schema"))
    handed_out: list[Engine] = []

    def make_engine_warm(wanted: str, connections: int = 12) -> Engine:
        if wanted != url or handed_out:
            return make_engine(wanted, connections)
        if url not in warm_engines:
            warm_engines[url] = make_engine(url, connections)
        handed_out.append(warm_engines[url])
        return warm_engines[url]

    monkeypatch.setattr(bot.runtime, "make_engine", make_engine_warm)
    yield url
    if url in warm_engines and url.startswith("sqlite"):
        # Its compiled statements stay; its connections go: they hold this test's file, which the next test
        # replaces. PostgreSQL's stay open from test to test, as in a long-running process (at most the pool's
        # six idle per worker): a new connection per test started a server process and filled its catalog cache
        # each time, a third of the server's CPU (measured 2 December 2026, the listener tests on PostgreSQL:
        # 12 CPU-s of server time before, 8 after; 52.8 s to 46.7 s).
        warm_engines[url].dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
