"""What every listener and job needs, wired once at start-up and handed to register(app, deps)."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.oauth.installation_store import InstallationStore

from bot.clock import SYSTEM_TIMER, Clock, Timer
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
    """

    _KEEP = 1000  # verdicts nobody waited for (a lazy half that timed out), dropped oldest first

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[threading.Event, list[bool]]] = {}

    def _entry(self, key: str) -> tuple[threading.Event, list[bool]]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = (threading.Event(), [])
                while len(self._entries) > self._KEEP:
                    self._entries.pop(next(iter(self._entries)))
            return entry

    def give(self, key: str, accepted: bool) -> None:
        """Record the ack's verdict: True when the modal closed, False when it stayed open (errors, warnings)."""
        event, verdict = self._entry(key)
        verdict.append(accepted)
        event.set()

    def wait(self, key: str, timeout: float = 10.0) -> bool | None:
        """The ack's verdict on this submission, or None when none came within `timeout` seconds."""
        event, verdict = self._entry(key)
        arrived = event.wait(timeout)
        with self._lock:
            self._entries.pop(key, None)
        return verdict[0] if arrived and verdict else None


def submission_key(body: dict[str, Any]) -> str:
    """One modal submission: who submitted which view in which state."""
    view = body.get("view") or {}
    user = (body.get("user") or {}).get("id")
    return f"{user}:{view.get('id')}:{view.get('hash')}"


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
