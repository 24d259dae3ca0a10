"""HTTP mode in production: the edge (bot/edge/wsgi.py) served by waitress, in one or several processes.

Why waitress (not gunicorn): waitress reads every request asynchronously and hands it to a worker thread only
once it is complete, so an idle or slow client costs a socket, not a thread (the stdlib server held 406
threads for 400 slow connections); it refuses a body whose Content-Length is over max_request_body_size before
reading it (413), closes idle connections after channel_timeout, and stops accepting past connection_limit.
gunicorn's sync and gthread workers read requests in their worker threads (its docs ask for a buffering
proxy in front against slow clients) and it has no body-size limit. `--workers N` forks N waitress processes
that share one listening socket, and `--after-ack N` the processes that run the work after each ack (the web
processes hand it off through the inbox: bot/handoff.py); the scheduler runs in exactly one process per database
(bot/jobs/leader.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from waitress.server import create_server

from bot.deps import Deps
from bot.doorbell import Doorbell
from bot.settings import Settings

log = logging.getLogger(__name__)


class HttpServer:
    """A waitress server on a socket: serve_forever() in a thread, shutdown() from another."""

    def __init__(self, wsgi: Callable[..., Any], settings: Settings, host: str, port: int,
                 sock: socket.socket | None = None) -> None:
        options: dict[str, Any] = dict(
            threads=settings.http_threads,
            connection_limit=settings.http_connection_limit,
            channel_timeout=settings.http_timeout_seconds,
            cleanup_interval=max(1, min(30, settings.http_timeout_seconds // 2)),
            max_request_body_size=settings.max_body_bytes,
            max_request_header_size=32_768,
            backlog=1024,
            ident="goalbot",
            expose_tracebacks=False,
            clear_untrusted_proxy_headers=True,
        )
        if sock is not None:
            options["sockets"] = [sock]
        else:
            options.update(host=host, port=port)
        self._server = create_server(wsgi, **options)
        self.server_port: int = int(self._server.effective_port)

    def serve_forever(self) -> None:
        """Serve until shutdown() (or the process ends)."""
        with contextlib.suppress(OSError, ValueError):  # the map was closed under the loop by shutdown()
            self._server.run()

    def shutdown(self) -> None:
        """Stop accepting and close every connection."""
        self._server.close()

    def server_close(self) -> None:
        """Kept for the stdlib server's interface: shutdown() already closed the socket."""


def make_http_server(app: Any, deps: Deps, host: str, port: int, sock: socket.socket | None = None) -> HttpServer:
    """The edge WSGI app for `app`, served by waitress on host:port (port 0 picks a free one) or on `sock`."""
    from bot.edge.wsgi import SlackEdge

    return HttpServer(SlackEdge(app, deps), deps.settings, host, port, sock)


# --------------------------------------------------------------------------- processes


SWITCH_INTERVAL = 0.0005  # seconds; CPython's default is 0.005


def tune_process() -> None:
    """Make a web process hand the GIL over sooner: a request crosses threads three times (waitress' loop reads
    it, a worker runs the app, the loop writes the answer) and each crossing can wait a whole switch interval
    while the listeners' work holds the GIL; at the default 5 ms that alone cost acks tens of milliseconds."""
    sys.setswitchinterval(SWITCH_INTERVAL)



def serve_process(settings: Settings, host: str, port: int, *, sock: socket.socket | None,
                  scheduler: bool, on_ready: Callable[[int], None] | None = None,
                  doorbell: Doorbell | None = None) -> None:
    """One web process: its own database connections and Bolt app, contending for the scheduler, serving."""
    from bot.app import build_app
    from bot.clock import system_clock
    from bot.heap import settle
    from bot.jobs.leader import SchedulerLeader
    from bot.runtime import make_deps

    tune_process()
    deps = make_deps(settings, system_clock, migrate=False)
    deps.doorbell = doorbell  # rung after each handoff (settings.handoff), read by the after-ack processes
    app = build_app(deps)
    leader = SchedulerLeader(deps, app.client).start() if scheduler else None
    if not settings.handoff:  # with handoff the after-ack processes take up what a dead process left
        start_inbox_recovery(app, deps)
    server = make_http_server(app, deps, host, port, sock)
    settle()  # everything loaded so far lives as long as the process (bot.heap)
    log.info("serving Slack requests on http://%s:%s/slack/events (pid %s)", host, server.server_port, os.getpid())
    if on_ready is not None:
        on_ready(server.server_port)

    def stop(_signum: int, _frame: Any) -> None:
        server.shutdown()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if leader is not None:
            leader.stop()
        deps.executor.shutdown(wait=False)


def redispatch(app: Any) -> Callable[[dict[str, Any]], None]:
    """Hand a recorded event to the Bolt app again, as Socket Mode would (its signature was checked on arrival)."""
    from bot.delivery import inbox

    def dispatch(body: dict[str, Any]) -> None:
        app.dispatch(inbox.replayed_request(body))

    return dispatch


def start_inbox_recovery(app: Any, deps: Deps) -> threading.Thread:
    """At start-up and then every few seconds, handle the events a killed process acked and left unfinished."""
    from datetime import timedelta

    from bot.delivery import inbox

    grace = timedelta(seconds=deps.settings.inbox_grace_seconds)
    dispatch = redispatch(app)

    def loop() -> None:
        while True:
            try:
                inbox.redeliver(deps.sessions, deps.clock(), grace, dispatch)
            except Exception:  # the database may be away for a moment; look again later
                log.exception("could not look for unfinished events")
            time.sleep(max(1.0, grace.total_seconds() / 4))

    thread = threading.Thread(target=loop, name="inbox-recovery", daemon=True)
    thread.start()
    return thread


def serve_http(settings: Settings, host: str, port: int, *, workers: int, scheduler: bool,
               after_ack: int = 1) -> int:
    """`goalbot serve --http --workers N`: migrate once, then N forked web processes on one listening socket and
    `after_ack` forked after-ack processes (bot/handoff.py), each started again if it dies.

    The web processes only ack: the work after each ack is handed to the inbox (settings.handoff) and run by an
    after-ack process (these, or `goalbot worker`'s), so it never competes with the acks for the GIL.
    """
    import dataclasses
    import uuid

    from bot.runtime import make_deps

    settings = dataclasses.replace(settings, handoff=True)
    # Counters from every process are summed at /metrics (prometheus-client's multiprocess mode); the variable
    # must be set before prometheus_client is first imported, which is why nothing above imports bot.edge.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="goalbot-metrics-"))
    _load_before_forking()
    make_deps(settings, migrate=True).sessions.kw["bind"].dispose()  # migrate before any process starts
    listener = socket.create_server((host, port), backlog=1024, reuse_port=False)
    listener.set_inheritable(True)
    log.info("serving on http://%s:%s with %d web process(es) and %d after-ack process(es)", host,
             listener.getsockname()[1], workers, after_ack)
    children: dict[int, tuple[str, int, str]] = {}  # pid -> (kind, slot, the name it signs its claims with)
    stopping = False
    doorbell = Doorbell()  # made before the forks: every child shares it, the ones started again too

    def spawn(kind: str, slot: int, previous: str | None = None) -> None:
        if stopping:  # told to stop while starting the others: a process started now would never be told
            return
        tag = uuid.uuid4().hex[:8]
        # Blocked across the fork, so the new process starts with the stop signals held: a SIGTERM before it has
        # dropped the handler the fork copied from here would run that handler in it (it signalled the siblings
        # and returned) and the process then served on for ever, while `serve` waited for it.
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us with SIGTERM
            # Until the process installs its own handler, SIGTERM ends it at once (one held since the fork too).
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
            _die_with_parent()
            try:
                if kind == "web":
                    serve_process(settings, host, port, sock=listener, scheduler=scheduler, doorbell=doorbell)
                else:
                    listener.close()
                    from bot.handoff import run_after_ack, worker_name

                    run_after_ack(settings, worker_name(os.getpid(), tag), previous=previous, supervised=True,
                                  doorbell=doorbell)
            finally:
                os._exit(0)
        from bot.handoff import worker_name

        children[pid] = (kind, slot, worker_name(pid, tag))
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        if stopping:
            # The stop's handler ran between the fork and the line above (Python runs a handler at a line of the
            # main thread after the signal, which may have come before the block), so it signalled every process
            # but this one.
            os.kill(pid, signal.SIGTERM)

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for slot in range(after_ack):
        spawn("after-ack", slot)
    for slot in range(workers):
        spawn("web", slot)
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        kind, slot, name = children.pop(pid, ("", -1, ""))
        _mark_dead(pid)
        if slot >= 0 and not stopping:
            log.warning("%s process %s exited (status %s); starting another", kind, pid, status)
            time.sleep(1)  # a process that dies at start must not become a fork loop
            spawn(kind, slot, previous=name if kind == "after-ack" else None)
    listener.close()
    return 0


_STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})


def _load_before_forking() -> None:
    """Import what every web and after-ack process runs, once, in the parent (as gunicorn's --preload does).

    Each forked process then starts with the code loaded, sharing its pages with the others: a process started
    again after a crash answers within a fraction of a second instead of importing the app anew (~0.7 s of CPU
    each here), and N processes cost one import instead of N. Nothing imported here opens a connection or starts
    a thread; the database connections are made after the fork, in each process (bot.runtime.make_deps).
    """
    import bot.app
    import bot.edge.wsgi
    import bot.handoff
    import bot.jobs.leader  # noqa: F401  (the modules are the point; nothing is called here)


def _die_with_parent() -> None:
    """A forked process ends with `serve --http` itself, even when that is killed with SIGKILL (Linux)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _mark_dead(pid: int) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


__all__ = ["HttpServer", "make_http_server", "serve_http", "serve_process"]
