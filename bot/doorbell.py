"""The doorbell between the processes `goalbot serve --http` forks: web processes ring it when they hand a request
off, and an idle after-ack process wakes at once.

Why: without it an idle after-ack process asked the database for new rows every 20 ms (bot.handoff.POLL_SECONDS),
about 13% of a core per idle process, and a request waited up to those 20 ms to be picked up. A pipe made before the
fork is shared by every child; a byte written after each handoff wakes one reader. It only hurries things up:
an after-ack process still looks on its own (bot.handoff.DOORBELL_POLL_SECONDS) for rows no bell announces, handed
off by processes it shares no pipe with (another host's web processes, `goalbot worker`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable


class Doorbell:
    """A pipe: `ring` from any process forked after it was made, `listen` in the processes that do the work."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)  # a full pipe already says there is work: ringing never waits

    def ring(self) -> None:
        """Wake one listening process (never blocks, never fails: the listeners also look on their own)."""
        with contextlib.suppress(OSError):
            os.write(self._write, b"\0")

    def listen(self, heard: Callable[[], None]) -> threading.Thread:
        """Call `heard` whenever the bell rings, from a daemon thread of this process; the thread, started."""
        def loop() -> None:
            while True:
                try:
                    rung = os.read(self._read, 4096)  # every ring so far: one call covers them all
                except OSError:
                    return
                if not rung:
                    return  # every writer closed it
                heard()

        thread = threading.Thread(target=loop, name="after-ack-doorbell", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Close both ends (a test's bell; `serve --http` keeps its own for the life of the process)."""
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


__all__ = ["Doorbell"]
