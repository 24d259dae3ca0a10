"""What every listener and job needs, wired once at start-up and handed to register(app, deps)."""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.oauth.installation_store import InstallationStore

from bot.clock import SYSTEM_TIMER, Clock, Timer
from bot.doorbell import Doorbell
from bot.services.directory import UserDirectory
from bot.settings import Settings
from storage.db import SessionFactory


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, counting work in flight so the shell and tests can wait for quiet."""

    def __init__(self, max_workers: int = 8) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="goalbot-listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run `fn` on the pool and count it until it finishes."""
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no listener work is running; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)


class AckVerdicts:
    """The ack half's verdict on a modal submission, handed to its lazy half in the same process.

    Bolt (process_before_response=False) starts lazy listeners alongside the ack function, not after it. A lazy
    save could commit before the ack's check read the goal, and the check then answered "Nothing changed" on a
    modal whose edit had just been saved. The lazy half waits here for the ack's verdict first; with no verdict
    (the ack ran in another process, or took longer than `wait`'s timeout) it checks on its own as before.
    Bolt queues each ack on the listener pool ahead of its own lazy half, so the wait lasts as long as the check.
    Verdicts queue per key: the same modal submitted twice (a double click) gives two, one for each lazy half.
    """

    _KEEP = 1000  # keys whose verdicts nobody took (a lazy half that timed out), dropped oldest first

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._verdicts: dict[str, deque[bool]] = {}

    def give(self, key: str, accepted: bool) -> None:
        """Record the ack's verdict: True when the modal closed, False when it stayed open (errors, warnings)."""
        with self._changed:
            self._verdicts.setdefault(key, deque()).append(accepted)
            while len(self._verdicts) > self._KEEP:
                self._verdicts.pop(next(iter(self._verdicts)))
            self._changed.notify_all()

    def wait(self, key: str, timeout: float = 10.0) -> bool | None:
        """The ack's verdict on this submission, or None when none came within `timeout` seconds."""
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._verdicts.get(key)), timeout):
                return None
            queued = self._verdicts[key]
            verdict = queued.popleft()
            if not queued:
                del self._verdicts[key]
            return verdict


def submission_key(body: dict[str, Any]) -> str:
    """One modal submission: who submitted which view in which state (never raises on a malformed body)."""
    view = body.get("view")
    user = body.get("user")
    view = view if isinstance(view, dict) else {}
    user = user if isinstance(user, dict) else {}
    return f"{user.get('id')}:{view.get('id')}:{view.get('hash')}"


@dataclass
class Deps:
    """The composition root's output: settings, the one session factory, the one clock, the executor."""

    settings: Settings
    sessions: SessionFactory
    clock: Clock
    executor: TrackingExecutor
    timer: Timer = SYSTEM_TIMER  # elapsed time and waits (rate limits, retries); tests use a virtual one
    directory: UserDirectory = field(default_factory=UserDirectory)  # users.list, cached
    verdicts: AckVerdicts = field(default_factory=AckVerdicts)  # modal acks → their lazy halves
    installations: InstallationStore | None = None  # OAuth mode: each workspace's bot token (bot/installs.py)
    doorbell: Doorbell | None = None  # `serve --http`: rung after a handoff, wakes an after-ack process (bot.doorbell)
