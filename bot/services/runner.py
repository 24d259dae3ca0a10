"""How listeners run a request's work against the database: a connection lost before anything committed is retried."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from bot.delivery import inbox
from bot.deps import Deps
from storage.db import once_more_if_dropped

T = TypeVar("T")


def run_request(work: Callable[[], T]) -> T:
    """Run a request's work; a dropped database connection before its first commit runs it once more."""
    # After a commit the work is not run again: it may have told the person something already.
    return once_more_if_dropped(work, only_before_commits=True)


def finish_event(deps: Deps, body: dict[str, Any]) -> None:
    """The listener is done with this event (or had nothing to do with it): its inbox row, if any, is done."""
    if inbox.recorded(body):
        once_more_if_dropped(lambda: inbox.finish_now(deps.sessions, str(body["event_id"]), deps.clock()))
