"""Handoff: a web process only acks; the work after the ack runs in an after-ack process, from the inbox.

Why: in one process the work after each ack (parsing, database writes, replies, Web API calls) competes with
the acks for the GIL, and the acks' p99 tripled (bench/ack_latency.py). This is Bolt's own seam for it, the one
its AWS Lambda adapter uses: a LazyListenerRunner whose start() hands the request off instead of running it.
Here start() writes one inbox row (the body and the lazy function's name) before the 200 leaves; an after-ack
process claims rows (bot.delivery.inbox.claim: each row is won by one process) and dispatches each to the Bolt
app with lazy_only set, so Bolt runs that lazy function alone, as it would have in the web process.

Modal submissions stay in the web process: their ack carries the validation errors, and the ack's verdict
reaches the lazy half in-process (bot.deps.AckVerdicts); a lazy half in another process would wait out the
verdict's timeout first. They are rare next to commands, buttons and messages.

The requests people send most (slash commands, button clicks, their DM messages) are acked with an empty 200
whatever they say, so the web process does not run Bolt for them at all: the HTTP edge hands the whole request
off (`InboxLazyRunner.hand_off_whole`, one row named WHOLE_REQUEST) and the after-ack process dispatches it to
Bolt as the web process would have, running its lazy listeners in order in the same thread (`CollectingRunner`).
Bolt's dispatch (middleware, listener matching, a deep copy of the request per lazy listener) was half of a web
process's CPU per request, and what the acks' tail waited behind (bench/ack_latency.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App, BoltRequest
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.util.utils import get_name_for_callable

from bot.delivery import inbox
from bot.deps import Deps
from bot.doorbell import Doorbell

log = logging.getLogger(__name__)

WHOLE_REQUEST = "*"  # an inbox row whose whole request the after-ack process dispatches (no lazy function named)
POLL_SECONDS = 0.02  # an idle after-ack process looks for new rows this often (one indexed read)
DOORBELL_POLL_SECONDS = 0.5  # … and this often, asleep until its web processes ring a doorbell (bot.doorbell)
BUSY_SECONDS = 1.0  # it goes to sleep until the bell after claiming nothing for this long
# … and without a doorbell (`goalbot worker`, not forked by `serve`) it then looks this often: at 20 ms an idle
# worker used 8% of a core (81 ms of CPU in 10 s, measured), for answers at most 80 ms sooner after a quiet spell.
QUIET_POLL_SECONDS = 0.1
INLINE_TYPES = ("view_submission", "view_closed")  # see the module docstring
AFTER_ACK_NICENESS = 5  # added to an after-ack process's nice value (lower CPU priority than the web processes)


class InboxLazyRunner(LazyListenerRunner):
    """Bolt's lazy listener runner in a web process: the lazy function's request becomes an inbox row."""

    def __init__(self, deps: Deps, inline: LazyListenerRunner) -> None:
        self.deps = deps
        self.queue = inbox.handoff_sessions(deps.sessions)
        self.inline = inline
        self.logger = inline.logger

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        """Record the request for an after-ack process (in the request's thread, before the ack is sent)."""
        body = request.body
        if body.get("type") in INLINE_TYPES:
            self.inline.start(function, request)
            return
        name = request.lazy_function_name or get_name_for_callable(function)
        try:
            if inbox.hand_off(self.queue, body, name, self.deps.clock()):
                self._ring()
            else:
                log.info("skipping event %s: already received", body.get("event_id"))
        except Exception:  # the database is away: better answered here, late, than not at all
            log.exception("could not hand a %s off to the inbox; handling it here", body.get("type") or "command")
            self.inline.start(function, request)


    def hand_off_whole(self, body: dict[str, Any]) -> bool:
        """Record a whole request for an after-ack process, acked without Bolt; False when it must go through Bolt
        here (not one whose ack is always empty, or the database is away)."""
        if not acked_empty(body):
            return False
        try:
            if inbox.hand_off(self.queue, body, WHOLE_REQUEST, self.deps.clock()):
                self._ring()
            else:
                log.info("skipping event %s: already received", body.get("event_id"))
        except Exception:  # the database is away: Bolt's dispatch here tries again, then answers inline
            log.exception("could not hand a %s off to the inbox", body.get("type") or "command")
            return False
        return True

    def _ring(self) -> None:
        if self.deps.doorbell is not None:  # `serve --http`: wake an idle after-ack process (bot.doorbell)
            self.deps.doorbell.ring()


def acked_empty(body: dict[str, Any]) -> bool:
    """True for the requests goalbot always acks with an empty 200 before any listener looks at them: slash
    commands and button clicks (bot.middleware.ack_early) and a person's message event (events are acked empty;
    a bot's own messages are left to Bolt, which drops them)."""
    if isinstance(body.get("command"), str) and "ssl_check" not in body:
        return True
    if body.get("type") == "block_actions":
        return True
    event = body.get("event")
    return inbox.recorded(body) and isinstance(event, dict) and not event.get("bot_id")


def use_inbox(app: App, deps: Deps) -> InboxLazyRunner:
    """Make `app` hand its lazy listeners' work to the inbox (modal submissions excepted); the runner doing it."""
    runner = app.listener_runner
    handoff = InboxLazyRunner(deps, runner.lazy_listener_runner)
    runner.lazy_listener_runner = handoff
    return handoff


def handoff_of(app: App) -> InboxLazyRunner | None:
    """The runner handing `app`'s work to the inbox, or None when the app runs its own work."""
    runner = app.listener_runner.lazy_listener_runner
    return runner if isinstance(runner, InboxLazyRunner) else None


def lazy_request(claimed: inbox.Claimed) -> BoltRequest:
    """The request Bolt's lazy_only dispatch runs one lazy function for (signature checked on arrival)."""
    return inbox.replayed_request(claimed.body, claimed.lazy_function, claimed.received_at)


class CollectingRunner(LazyListenerRunner):
    """Bolt's lazy listener runner in an after-ack process: while `collect` holds a list (a whole request being
    dispatched in this thread), lazy listeners are added to it, to be run in order in this thread; otherwise
    they start as Bolt would start them."""

    def __init__(self, inline: LazyListenerRunner) -> None:
        self.inline = inline
        self.logger = inline.logger
        self._local = threading.local()

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        """Collect the lazy listener when a whole request is being dispatched here, else start it."""
        collected: list[tuple[Callable[..., None], BoltRequest]] | None = getattr(self._local, "collected", None)
        if collected is None:
            self.inline.start(function, request)
        else:
            collected.append((function, request))

    def dispatch_whole(self, app: App, body: dict[str, Any], received_at: datetime | None = None) -> None:
        """Dispatch a handed-off request to `app` as the web process would have, then run its lazy listeners
        one after the other in this thread (the row is done when they are)."""
        collected: list[tuple[Callable[..., None], BoltRequest]] = []
        self._local.collected = collected
        try:
            # Checked on arrival; a DM message is deduplicated by its row; "now" is when it arrived.
            app.dispatch(inbox.replayed_request(body, received_at=received_at))
        finally:
            self._local.collected = None
        for function, request in collected:
            self.inline.run(function, request)


class AfterAck:
    """The loop of an after-ack process: claim handed-off rows, run each on a pool, mark it done, keep claims alive.

    `worker` names this process in the rows it holds; `threads` handlings run at once, and only that many rows
    are claimed, so a second after-ack process finds the rest.
    """

    def __init__(self, app: App, deps: Deps, worker: str, threads: int = 8) -> None:
        self.app, self.deps, self.worker, self.threads = app, deps, worker, threads
        runner = app.listener_runner
        self.whole = CollectingRunner(runner.lazy_listener_runner)
        runner.lazy_listener_runner = self.whole
        self.queue = inbox.handoff_sessions(deps.sessions)
        self.lease = timedelta(seconds=deps.settings.inbox_grace_seconds)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="after-ack")
        self._held: set[int] = set()
        self._finished: list[int] = []  # handled, to be marked done with the next claim
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._wake = threading.Event()  # a handling finished: there is room to claim more at once

    def handle(self, claimed: inbox.Claimed) -> None:
        """Run one row's lazy function; the row is done when it returns (the listener reports its own failures)."""
        try:
            if self.queue is not self.deps.sessions and inbox.recorded(claimed.body):
                # The answer is compared with this row, in the database, and commits with it (exactly once).
                inbox.receive(self.deps.sessions, claimed.body, claimed.received_at, claimed.lazy_function)
            if claimed.lazy_function == WHOLE_REQUEST:
                self.whole.dispatch_whole(self.app, claimed.body, claimed.received_at)
            else:
                self.app.dispatch(lazy_request(claimed))
        except Exception:  # one bad row must not stop the others; it is done, as a failed inline handling is
            log.exception("handling %s (%s) failed", claimed.lazy_function, claimed.body.get("type") or "command")
        finally:
            with self._idle:
                self._finished.append(claimed.id)
            self._wake.set()

    def step(self, *, stale: bool, claiming: bool = True) -> int:
        """Mark what finished done, claim what this process has room for (`stale`: also rows whose holder died)
        and start them; `claiming=False` when stopping."""
        with self._lock:
            finished, self._finished = self._finished, []
            room = self.threads - len(self._held) + len(finished)
        # Rows to mark done make this round a write transaction anyway: claiming in it costs less than asking first.
        looking = claiming and room > 0 and (stale or bool(finished) or inbox.anything_waiting(self.queue))
        try:
            rows = inbox.claim(self.queue, now=self.deps.clock(), worker=self.worker, limit=room if looking else 0,
                               lease=self.lease if stale else None, finished=finished) if looking or finished else []
        except Exception:
            with self._lock:
                self._finished.extend(finished)  # marked done with the next round (or run again, if this dies)
            raise
        with self._idle:
            self._held.difference_update(finished)
            self._idle.notify_all()
        for row in rows:
            if row.attempts > 1:
                log.warning("handling %s again: the process that held it did not finish it", row.lazy_function)
            with self._lock:
                self._held.add(row.id)
            self._pool.submit(self.handle, row)
        return len(rows)

    def renew(self) -> None:
        """Tell other after-ack processes the rows held here are still being worked on."""
        with self._lock:
            held = list(self._held)
        inbox.renew(self.queue, held, self.worker, self.deps.clock())

    def run(self, stop: threading.Event, alive: Callable[[], bool] = lambda: True) -> None:
        """Poll, claim and hand out rows until `stop` is set or `alive()` turns False (the parent died).

        While requests keep coming it looks every POLL_SECONDS, gathering what arrived meanwhile into one claim.
        Once it has claimed nothing for BUSY_SECONDS, with a doorbell (bot.doorbell) it sleeps until the bell
        rings, or DOORBELL_POLL_SECONDS; a bell heeded under load too made each request a claim of its own, and the
        after-ack process, with more transactions to run, fell behind.
        """
        def wake_on_stop() -> None:
            stop.wait()
            self._wake.set()

        threading.Thread(target=wake_on_stop, name="after-ack-stop", daemon=True).start()
        armed = threading.Event()  # asleep until the bell: only then does a ring wake it
        doorbell = self.deps.doorbell
        if doorbell is not None:
            doorbell.listen(lambda: self._wake.set() if armed.is_set() else None)
        every = max(0.25, self.lease.total_seconds() / 4)
        next_stale = 0.0
        busy_at = time.monotonic()
        while not stop.is_set() and alive():
            now = time.monotonic()
            stale = now >= next_stale
            try:
                if stale:
                    next_stale = now + every
                    self.renew()
                if doorbell is not None and now - busy_at >= BUSY_SECONDS:
                    armed.set()  # before the look: a ring from now on wakes it, a request from before, the look finds
                started = self.step(stale=stale)
            except Exception:  # the database may be away for a moment; look again later
                log.exception("could not look for handed-off work")
                started = 0
            if started:
                busy_at = time.monotonic()
            else:
                quiet = doorbell is None and time.monotonic() - busy_at >= BUSY_SECONDS
                idle = DOORBELL_POLL_SECONDS if armed.is_set() else QUIET_POLL_SECONDS if quiet else POLL_SECONDS
                # Until a handling finishes (or, armed, the bell rings), or the next look at stale claims is due.
                self._wake.wait(min(idle, max(0.0, next_stale - time.monotonic())))
            armed.clear()
            self._wake.clear()
        self._pool.shutdown(wait=True, cancel_futures=False)
        with contextlib.suppress(Exception):  # what finished meanwhile; if this fails, the lease runs it again
            self.step(stale=False, claiming=False)


def worker_name(pid: int, tag: str) -> str:
    """How an after-ack process signs its claims: host, pid and a tag its supervisor knows."""
    host = os.uname().nodename[:30]
    return f"{host}:{pid}:{tag}"


def run_after_ack(settings: Any, worker: str, *, previous: str | None = None, stop: threading.Event | None = None,
                  supervised: bool = False, doorbell: Doorbell | None = None) -> None:
    """An after-ack process: its own database connections and Bolt app (running lazy work inline), then the loop.

    `previous`: the claims of the process this one replaces (it died) are released first and taken up at once.
    `supervised`: forked by `serve --http`, it stops when its parent is gone.
    """
    import dataclasses
    import signal

    from bot.app import build_app
    from bot.clock import system_clock
    from bot.heap import settle
    from bot.runtime import make_deps
    from bot.server import start_inbox_recovery

    # No tune_process(): the short switch interval is for acks; here it would only switch threads more often.
    # Acks are waited for by Slack, within 3 s; this work only by the person, and it can wait a few milliseconds.
    # On a busy machine the kernel then gives a waking web process the CPU first.
    with contextlib.suppress(OSError):
        os.nice(AFTER_ACK_NICENESS)
    inline = dataclasses.replace(settings, handoff=False)
    deps = make_deps(inline, system_clock, migrate=False)
    deps.doorbell = doorbell
    app = build_app(deps)
    after_ack = AfterAck(app, deps, worker)
    if previous:
        released = inbox.release(after_ack.queue, previous)
        if released:
            log.warning("taking up %d request(s) a stopped after-ack process had acked", released)
    start_inbox_recovery(app, deps)  # rows recorded by processes that handle their own work
    settle()  # everything loaded so far lives as long as the process (bot.heap)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    parent = os.getppid()
    alive = (lambda: os.getppid() == parent) if supervised else (lambda: True)
    log.info("running the work after the ack (pid %s, as %s)", os.getpid(), worker)
    try:
        after_ack.run(stop, alive=alive)
    finally:
        deps.executor.shutdown(wait=False)


__all__ = ["WHOLE_REQUEST", "AfterAck", "CollectingRunner", "InboxLazyRunner", "acked_empty", "handoff_of",
           "lazy_request", "run_after_ack", "use_inbox", "worker_name"]
