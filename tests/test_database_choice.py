"""The check that lets listener tests run on one database: statements known by their site, sites left out named."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from storage.db import lock_person, make_engine
from tests.database_choice import Sites, first_database_only, site_of


def test_a_statement_is_known_by_the_goalbot_functions_that_issued_it() -> None:
    engine = make_engine("sqlite://")
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *_: seen.append(site_of(sys._getframe(1))))
    with Session(engine) as session:
        lock_person(session, "T1", "U1")
    engine.dispose()
    assert seen == ["storage/db.py:lock_person"]  # the test itself is not goalbot: not part of the site


def test_a_site_only_first_database_tests_reached_is_named_with_a_test_that_reaches_it() -> None:
    # A synthetic run: two workers; "insert" ran on PostgreSQL in the second, "report" never did.
    controller = Sites()
    controller.merge(Sites(first_only={"insert": "tests/bot/listeners/test_a.py::test_one[sqlite]",
                                       "report": "tests/bot/listeners/test_a.py::test_two[sqlite]"}).as_json())
    controller.merge(Sites(postgresql={"insert"}).as_json())
    assert controller.never_on_postgresql() == {"report": "tests/bot/listeners/test_a.py::test_two[sqlite]"}
    controller.merge(Sites(postgresql={"report"}).as_json())
    assert controller.never_on_postgresql() == {}


@dataclass
class _Item:
    nodeid: str
    marked: bool = False

    def get_closest_marker(self, name: str) -> object | None:
        return object() if self.marked and name == "both_databases" else None


@pytest.mark.parametrize(("nodeid", "marked", "first_only"), [
    ("tests/bot/listeners/test_home.py::test_x[postgresql]", False, True),
    ("tests/bot/listeners/test_home.py::test_x[postgresql]", True, False),
    ("tests/storage/test_repositories.py::test_x[postgresql]", False, False),
    ("tests/bot/jobs/test_reviews.py::test_x[postgresql]", False, False),
])
def test_listener_tests_run_on_the_first_database_unless_marked(nodeid: str, marked: bool, first_only: bool) -> None:
    assert first_database_only(_Item(nodeid, marked)) is first_only  # type: ignore[arg-type]
