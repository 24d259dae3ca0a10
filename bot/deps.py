"""What every listener and job needs, wired once at start-up and handed to register(app, deps)."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

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


@dataclass
class Deps:
    """The composition root's output: settings, the one session factory, the one clock, the executor."""

    settings: Settings
    sessions: SessionFactory
    clock: Clock
    executor: TrackingExecutor
    timer: Timer = SYSTEM_TIMER  # elapsed time and waits (rate limits, retries); tests use a virtual one
    directory: UserDirectory = field(default_factory=UserDirectory)  # users.list, cached
