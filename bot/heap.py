"""The garbage collector around goalbot's big builds and at process start.

CPython collects cycles by counting allocations: every ~700 new container objects a young collection walks what
survived, and what survives a few of them is walked again by the older generations, up to the whole heap. A
2,000-goal digest makes ~31,000 objects the collector tracks (rows, numbers, standings, lists), all alive until
it is queued, so the collector walked each of them two or three times: ~50 collections and ~30 ms of a build's ~300 ms of CPU
here, and a full collection now and then, its slowest builds. Paused from the build until the digest is queued
and dropped, the collector never sees them: reference counting frees the digest at once (it holds no reference
cycle: tests/bot/test_heap.py), and the collection owed when it resumes finds a few dozen young objects.
Pausing around a build whose objects are still alive when it resumes would not pay: that one collection walks
them all, cold.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "settle"]

_lock = threading.Lock()
_pauses = 0  # builds running with the collector paused (threads may build two digests at once)
_resume = False  # whether the collector was on when the first of them paused it


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a big build without cycle collections; the collector resumes (if it was on) when the last one ends."""
    global _pauses, _resume
    with _lock:
        if not _pauses:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if not _pauses and _resume:
                gc.enable()  # the first allocation after this collects what the build left young, once


def settle() -> None:
    """Once a process has loaded its code and wiring: move everything alive into the collector's permanent
    generation (gc.freeze), so no full collection walks the modules, SQLAlchemy's and Babel's tables again (with
    the app loaded, a full collection of its ~83,000 objects took 68 ms of CPU here; after it, well under 1 ms)."""
    gc.collect()
    gc.freeze()
