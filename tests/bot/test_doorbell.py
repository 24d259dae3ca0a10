"""The doorbell between `serve --http`'s web and after-ack processes: a ring wakes a listener; ringing never waits."""

from __future__ import annotations

import os
import threading

from bot.doorbell import Doorbell


def test_a_ring_from_another_process_wakes_the_listener() -> None:
    bell = Doorbell()
    woken = threading.Event()
    try:
        bell.listen(woken.set)
        pid = os.fork()
        if pid == 0:  # a forked web process rings, as after a handoff
            bell.ring()
            os._exit(0)
        os.waitpid(pid, 0)
        assert woken.wait(30)
    finally:
        bell.close()


def test_ringing_never_waits_even_when_nobody_listens() -> None:
    bell = Doorbell()
    try:
        for _ in range(200_000):  # far more than a pipe holds (64 KiB): the rest are dropped, the caller goes on
            bell.ring()
        woken = threading.Event()
        bell.listen(woken.set)
        assert woken.wait(30)  # what was rung before anyone listened still wakes the first listener
    finally:
        bell.close()
