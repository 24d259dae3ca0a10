"""Slash-command acknowledgement latency over HTTP: goalbot's real app against a bare Bolt app that only acks.

Three apps, each in a process of its own, all on the same waitress server settings `goalbot serve --http` uses
(bot.server.HttpServer): "bare" is a Bolt app that only acks, behind Bolt's own SlackRequestHandler; "edge" is
the same bare app behind goalbot's HTTP edge (bot/edge/wsgi.py: signature on raw bytes, replay fingerprint in
the database, payload validation, tenancy), so its row is the edge's own cost; "goalbot" is the real app behind
the edge, exactly as `goalbot serve --http` serves it (a web process that acks and hands the work after the ack
to the inbox, and a forked after-ack process that runs it: bot/handoff.py); the Slack Web API is answered by
slackfake.web_api.FakeSlackWebAPI in a third process, so the work goalbot does after the ack really runs
(users.info, conversations.open, chat.postMessage, response_url answers). This process is the load generator:
an open-loop schedule of signed slash commands (`/goal help`, `/goal list`, `/goal <goal sentence>` from 40
English and Italian users), one new connection per request as Slack does, and every latency is measured from
the request's *scheduled* send time to the end of the response, so a stalled server cannot hide its backlog
(no coordinated omission). Both apps get the same requests; the run alternates them in slices (bare, goalbot,
goalbot, bare, …) so noise from anything else on the machine falls on both alike, and waits for goalbot's work
after the ack to finish before each slice (its inbox rows done). Besides the ack, the table shows what the
person waits for: from the request to its first answer at the response_url. `--compare-inline` adds goalbot
with that work in the web process, as it ran before the handoff.

    .venv/bin/python bench/ack_latency.py [--rate 100] [--seconds 20] [--rounds 4] [--database-url postgresql+psycopg://…]

Target: goalbot's p99 at most 1.2× the bare app's and under 50 ms. A bare Bolt 1.30 app answers in about 12 ms at
p50 because its ack path polls every 10 ms; goalbot acks /goal from a listener middleware in the request thread,
so it does not wait for that poll. Exit status 0 when the target is met, 1 when it is not.
"""

from __future__ import annotations

import argparse
import http.client
import math
import multiprocessing as mp
import os
import random
import re
import resource
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
SLACK_ACK_TIMEOUT_S = 3.0  # Slack shows the person an error when the ack takes longer than this
P99_RATIO_TARGET = 1.2
P99_ABSOLUTE_TARGET_MS = 50.0
WEB_CORE = "GOALBOT_BENCH_WEB_CORE"  # set by --web-core for the server processes

# (user id, Slack locale): a sales floor of 40 people, every other one Italian (answered in Italian).
USERS = tuple((f"U{n:03d}", "it-IT" if n % 2 else "en-US") for n in range(1, 41))
GOALS = {
    "en": (
        "acquire 10 new clients in the next six months",
        "increase upsell revenue from 200k to 300k by the end of Q2",
        "keep retention above 90% this year",
        "book 40 discovery meetings by March 31",
        "close 12 deals worth 50k each before the end of the quarter",
    ),
    "it": (
        "acquisire 10 nuovi clienti nei prossimi sei mesi",
        "aumentare il fatturato da 200k a 300k entro fine giugno",
        "ridurre il tasso di abbandono dal 12% all'8% entro dicembre",
        "fissare 30 appuntamenti con nuovi clienti entro marzo",
        "chiudere 15 contratti entro la fine del trimestre",
    ),
}
# Of every ten commands: three ask for help, three list goals, four start a goal conversation.
KINDS = ("help",) * 3 + ("list",) * 3 + ("goal",) * 4


# --------------------------------------------------------------------------- processes under test


def run_fake_slack(team_id: str, conn: Connection) -> None:
    """Child process: serve the fake Web API with the bench's users until told to stop; report what it saw."""
    from _support import counting_fake

    fake, answers = counting_fake(team_id, USERS)
    first_answer: dict[str, float] = {}  # response_url id -> when its first answer arrived (CLOCK_MONOTONIC)

    def answered(kind: str, payload: dict[str, Any]) -> None:
        if kind == "response":
            first_answer.setdefault(str(payload.get("id")), time.monotonic())

    fake.subscribe(answered)
    conn.send(fake.root_url)
    while True:
        command = conn.recv()
        if command == "count":
            conn.send(answers())
        elif command == "answered":  # and forget: the next app gets the same requests (the same ids)
            conn.send(dict(first_answer))
            first_answer.clear()
        elif command == "stop":
            fake.stop()
            conn.send("stopped")
            return


def _server_settings(api_url: str, database_url: str) -> Any:
    """Settings exactly as `goalbot serve --http` reads them from its environment."""
    from bot.settings import Settings

    env = dict(os.environ)
    env.update({"SLACK_API_URL": api_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "DATABASE_URL": database_url,
                # The fake's response_urls (/response/…) stand in for Slack's hooks host.
                "GOALBOT_RESPONSE_URL_PREFIXES": api_url.rsplit("/api/", 1)[0] + "/response/"})
    env.pop("SLACK_APP_TOKEN", None)
    return Settings.from_env(env, env_file=None)


def build_bare_app(api_url: str) -> Any:
    """A Bolt app whose /goal listener only acknowledges: the floor any Bolt app pays."""
    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    app = App(client=WebClient(token=BOT_TOKEN, base_url=api_url), signing_secret=SIGNING_SECRET,
              token_verification_enabled=False)

    @app.command("/goal")
    def only_ack(ack: Ack) -> None:
        ack()

    return app


def run_server(which: str, api_url: str, database_url: str, log_path: str, conn: Connection) -> None:
    """Child process: serve one app with bot.server.make_http_server until told to stop; logs go to log_path.

    "goalbot" is served as `goalbot serve --http` serves it: its web process hands the work after each ack to the
    inbox (settings.handoff) and a forked after-ack process (bot.handoff.run_after_ack) runs it. "inline" is the
    same app running that work in the web process, as before the handoff (--compare-inline).
    """
    import dataclasses

    log_file = open(log_path, "a", buffering=1)  # noqa: SIM115 - lives as long as the process
    os.dup2(log_file.fileno(), 2)
    sys.stderr = log_file
    # As serve_http: metrics summed over processes (set before bot.edge imports prometheus_client).
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="goalbot-bench-metrics-"))
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.app import build_app
    from bot.runtime import configure_logging, make_deps
    from bot.server import HttpServer, make_http_server, tune_process

    settings = dataclasses.replace(_server_settings(api_url, database_url), handoff=which == "goalbot")
    configure_logging(settings.log_level)
    make_deps(settings).sessions.kw["bind"].dispose()  # migrate before the after-ack process starts
    from bot.doorbell import Doorbell

    doorbell = Doorbell()  # as serve_http: made before the fork, rung by the web process after each handoff
    after_ack = _fork_after_ack(settings, doorbell) if which == "goalbot" else None
    if os.environ.get(WEB_CORE):
        os.sched_setaffinity(0, {0})  # the web process alone on CPU 0 (--web-core)
    tune_process()  # as bot.server.serve_process does, for every app alike
    deps = make_deps(settings, migrate=False)  # the bare app needs deps only for /healthz, served by the same server
    deps.doorbell = doorbell if which == "goalbot" else None
    app = build_app(deps) if which in ("goalbot", "inline") else build_bare_app(settings.api_url)
    if which == "bare":
        server = HttpServer(SlackRequestHandler(app), settings, "127.0.0.1", 0)
    else:
        server = make_http_server(app, deps, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    thread.start()
    started_at = deps.clock()
    if which == "goalbot":
        from bot.delivery.inbox import handoff_sessions

        queue = handoff_sessions(deps.sessions)
    conn.send(server.server_port)
    while True:
        command = conn.recv()
        if command == "drain":
            started = time.perf_counter()
            idle = deps.executor.wait_idle(timeout=600) if which in ("goalbot", "inline") else True
            if which == "goalbot":
                idle = idle and _wait_inbox_done(queue, since=started_at, timeout=600)
            usage = resource.getrusage(resource.RUSAGE_SELF)  # the web process alone, every thread
            conn.send((idle, time.perf_counter() - started, usage.ru_utime + usage.ru_stime, _cpu_of(after_ack)))
        elif command == "stop":
            server.shutdown()
            server.server_close()
            if after_ack is not None:
                os.kill(after_ack, signal.SIGTERM)
                os.waitpid(after_ack, 0)
            conn.send("stopped")
            return


def _cpu_of(pid: int | None) -> float:
    """CPU seconds a running child has used so far (Linux /proc), 0 without one."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _fork_after_ack(settings: Any, doorbell: Any) -> int:
    """The after-ack process `goalbot serve --http` forks beside its web process (bot.server.serve_http)."""
    pid = os.fork()
    if pid == 0:
        from bot.handoff import run_after_ack, worker_name
        from bot.server import _die_with_parent

        _die_with_parent()
        if os.environ.get(WEB_CORE):
            os.sched_setaffinity(0, {1})  # beside the load and the fake Slack, off the web process's core
        try:
            run_after_ack(settings, worker_name(os.getpid(), "bench"), supervised=True, doorbell=doorbell)
        finally:
            os._exit(0)
    return pid


def _wait_inbox_done(queue: Any, since: Any, timeout: float) -> bool:
    """Wait until every request handed off since `since` is done (the after-ack process's work is over)."""
    from bot.delivery.inbox import handed_off

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(row.status != "received" for row in handed_off(queue, since)):
            return True
        time.sleep(0.05)
    return False


# --------------------------------------------------------------------------- load generator


@dataclass
class Planned:
    """One request of the schedule: when it must leave, and the form body Slack would send (with `headers`, a
    request signed beforehand, of any content type; without, a slash command signed as it leaves)."""

    at: float
    kind: str
    body: str
    headers: dict[str, str] | None = None


@dataclass
class Outcome:
    """What happened to one request: latency from its scheduled time, or why it failed."""

    kind: str
    latency_s: float
    ok: bool
    error: str = ""
    response_id: str = ""  # the id in its response_url, to find when the person got the answer
    due: float = 0.0  # its scheduled send time, on time.monotonic() (CLOCK_MONOTONIC, as the fake's clock)
    answer_s: float | None = None  # from `due` to the first answer at its response_url


def plan_requests(rate: float, seconds: float, team_id: str, fake_url: str, seed: int) -> list[Planned]:
    """The open-loop schedule: evenly spaced requests with realistic, varied slash command bodies."""
    from slackfake.payloads import SlackRequestFactory

    rng = random.Random(seed)
    factory = SlackRequestFactory(SIGNING_SECRET, team_id,
                                  response_url_for=lambda rid, **_: f"{fake_url}/response/{rid}")
    planned = []
    for index in range(int(rate * seconds)):
        user_id, locale = rng.choice(USERS)
        kind = rng.choice(KINDS)
        lang = "it" if locale.startswith("it") else "en"
        text = {"help": "help" if lang == "en" else "aiuto", "list": "list" if lang == "en" else "elenco"}.get(
            kind) or rng.choice(GOALS[lang])
        # Most people type /goal in the bot's DM; some in a team channel (goalbot then moves to the DM).
        channel_id = "C0SALES" if rng.random() < 0.2 else None
        body, _ = factory.slash_command(text, user_id=user_id, channel_id=channel_id)
        planned.append(Planned(at=index / rate, kind=kind, body=body))
    return planned


def plan_warmup(team_id: str, fake_url: str) -> list[list[Planned]]:
    """Warm-up phases: each person's first /goal help (the profile lookup), then a few commands of every kind."""
    from slackfake.payloads import SlackRequestFactory

    factory = SlackRequestFactory(SIGNING_SECRET, team_id,
                                  response_url_for=lambda rid, **_: f"{fake_url}/response/{rid}")
    first = [Planned(0, "help", factory.slash_command("help", user_id=user_id)[0]) for user_id, _ in USERS]
    return [first, plan_requests(10, 2, team_id, fake_url, seed=-1)]


def send_one(port: int, body: str, timeout: float, signed: dict[str, str] | None = None) -> int:
    """POST one signed request on a fresh connection (no keep-alive, like Slack); return the status."""
    from slackfake.payloads import FORM, sign_headers

    headers = dict(signed) if signed is not None else sign_headers(
        body, signing_secret=SIGNING_SECRET, timestamp=int(time.time()), content_type=FORM)
    headers["Connection"] = "close"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def run_load(port: int, planned: list[Planned], timeout: float = 10.0) -> list[Outcome]:
    """Send the schedule open-loop: a late or slow answer never delays the next request's departure."""
    outcomes: list[Outcome | None] = [None] * len(planned)
    start = time.perf_counter() + 0.2
    start_mono = time.monotonic() + (start - time.perf_counter())

    def fire(index: int, item: Planned) -> None:
        due = start + item.at
        rid = _response_id(item.body)
        try:
            status = send_one(port, item.body, timeout, item.headers)
            latency = time.perf_counter() - due
            ok = status == 200 and latency <= SLACK_ACK_TIMEOUT_S
            error = "" if ok else (f"HTTP {status}" if status != 200 else "slower than 3 s")
            outcomes[index] = Outcome(item.kind, latency, ok, error, rid, start_mono + item.at)
        except (OSError, http.client.HTTPException) as exc:
            outcomes[index] = Outcome(item.kind, time.perf_counter() - due, False, type(exc).__name__)

    # Enough senders that a slow server never makes a request wait for a free sender.
    with ThreadPoolExecutor(max_workers=512, thread_name_prefix="sender") as senders:
        for index, item in enumerate(planned):
            delay = start + item.at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            senders.submit(fire, index, item)
    return [o for o in outcomes if o is not None]


def _response_id(body: str) -> str:
    """The id at the end of a slash command's response_url ("" for other bodies)."""
    from urllib.parse import parse_qs

    url = (parse_qs(body).get("response_url") or [""])[0]
    return url.rsplit("/", 1)[-1] if "/response/" in url else ""


# --------------------------------------------------------------------------- report


@dataclass
class Row:
    """One app's line of the table."""

    app: str
    requests: int
    errors: int
    p50: float
    p90: float
    p99: float
    max: float
    answers: int
    drain_s: float
    error_kinds: dict[str, int]
    answer_p50: float = float("nan")  # ms from the request to its first response_url answer (what people wait for)
    answer_p99: float = float("nan")
    web_cpu_ms: float = float("nan")  # the web process's CPU time per request (noise-proof, unlike latencies)
    after_ack_cpu_ms: float = float("nan")  # the after-ack process's


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (nan when empty)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarize(app: str, outcomes: list[Outcome], answers: int, drain_s: float, web_cpu_s: float = 0.0,
              after_ack_cpu_s: float = 0.0) -> Row:
    """Percentiles (ms) over the acknowledged requests; failures are counted, not averaged in."""
    latencies = sorted(o.latency_s * 1000 for o in outcomes if o.ok)
    waits = sorted(o.answer_s * 1000 for o in outcomes if o.answer_s is not None)
    return Row(app, len(outcomes), sum(not o.ok for o in outcomes), percentile(latencies, 0.50),
               percentile(latencies, 0.90), percentile(latencies, 0.99), latencies[-1] if latencies else float("nan"),
               answers, drain_s, dict(Counter(o.error for o in outcomes if not o.ok)),
               percentile(waits, 0.50), percentile(waits, 0.99),
               web_cpu_s * 1000 / len(outcomes) if outcomes else float("nan"),
               after_ack_cpu_s * 1000 / len(outcomes) if outcomes else float("nan"))


def verdict(bare: Row, goalbot: Row) -> tuple[float, bool, str]:
    """The p99 ratio, whether the target is met, and why not."""
    ratio = goalbot.p99 / bare.p99 if bare.p99 > 0 else float("inf")
    reasons = []
    if ratio > P99_RATIO_TARGET:
        reasons.append(f"p99 ratio {ratio:.2f} > {P99_RATIO_TARGET}")
    if not goalbot.p99 < P99_ABSOLUTE_TARGET_MS:
        reasons.append(f"p99 {goalbot.p99:.1f} ms >= {P99_ABSOLUTE_TARGET_MS:.0f} ms")
    if goalbot.errors:
        reasons.append(f"{goalbot.errors} errors")
    return ratio, not reasons, "; ".join(reasons)


def logged_problems(log_path: Path) -> list[str]:
    """The WARNING/ERROR lines a server logged, each with the exception that ended its traceback."""
    if not log_path.is_file():
        return []
    problems: list[str] = []
    for line in log_path.read_text(errors="replace").splitlines():
        if re.match(r"\d{4}-\d\d-\d\d ", line):
            if re.search(r" (WARNING|ERROR|CRITICAL) ", line):
                problems.append(line.strip())
        elif problems and re.match(r"[\w.]+(Error|Exception|Violation)\b", line):
            problems[-1] = problems[-1].split(" <- ")[0] + " <- " + line.strip()
    return problems


def print_table(rows: list[Row], rate: float, seconds: float, database: str, load: str) -> None:
    """The table the README quotes."""
    print(f"ack latency: {rate:g} req/s for {seconds:g} s per app, open loop, new connection per request, "
          f"{os.cpu_count()} CPUs, database {database}, load average {load} (the machine is shared)"
          + ("; each web process alone on CPU 0, everything else on CPU 1 (--web-core)" if os.environ.get(WEB_CORE)
             else ""))
    header = f"{'app':<8} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p90':>7} {'p99':>7} {'max':>8} " \
             f"{'answers':>7} {'drain s':>7} {'answer p50':>10} {'p99':>7} {'web cpu ms/req':>14} {'after-ack cpu':>13}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r.app:<8} {r.requests:>8} {r.errors:>6} {r.p50:>7.1f} {r.p90:>7.1f} {r.p99:>7.1f} {r.max:>8.1f} "
              f"{r.answers:>7} {r.drain_s:>7.1f} {r.answer_p50:>10.1f} {r.answer_p99:>7.1f} {r.web_cpu_ms:>14.2f} {r.after_ack_cpu_ms:>13.2f}")
    print("p50..max: request to ack; answer: request to its first response_url answer (ms), what the person waits; "
          "web cpu, after-ack cpu: each process's CPU time per request (ms)")


# --------------------------------------------------------------------------- orchestration


def _start(ctx: Any, target: Callable[..., None], *args: Any) -> tuple[Any, Connection, Any]:
    parent, child = ctx.Pipe()
    process = ctx.Process(target=target, args=(*args, child), daemon=True)
    process.start()
    if not parent.poll(120):
        process.terminate()
        raise RuntimeError(f"{target.__name__} did not start within 120 s")
    return process, parent, parent.recv()


def _stop(process: Any, conn: Connection) -> None:
    conn.send("stop")
    if conn.poll(30):
        conn.recv()
    process.join(10)
    if process.is_alive():
        process.terminate()


def warm_up(port: int, planned: list[Planned]) -> None:
    """Send requests one by one: imports, caches and first-time Slack lookups are not the steady state."""
    for item in planned:
        send_one(port, item.body, timeout=30)


@dataclass
class Served:
    """One app under test: its server process and what it answered so far."""

    which: str
    process: Any
    conn: Connection
    port: int
    log_path: Path
    outcomes: list[Outcome]
    answers: int = 0
    drain_s: float = 0.0

    cpu_s: float = 0.0  # the web process's CPU seconds at the last drain
    web_cpu_s: float = 0.0  # of which while serving the measured slices (and their work after the ack, inline)
    after_ack_cpu: float = 0.0  # the after-ack process's CPU seconds at the last drain
    after_ack_cpu_s: float = 0.0  # of which during the measured slices

    def drain(self) -> tuple[float, float]:
        """Wait until the app's work after the ack is done; return how long that took, and the web process's
        CPU seconds so far."""
        self.conn.send("drain")
        _, seconds, cpu, after_ack_cpu = self.conn.recv()
        self.after_ack_cpu = float(after_ack_cpu)
        return float(seconds), float(cpu)


def fake_answers(fake: Connection) -> int:
    """How many messages and response_url answers the fake Slack has received so far."""
    fake.send("count")
    return int(fake.recv())


def slices(planned: list[Planned], rounds: int) -> list[list[Planned]]:
    """Cut the schedule into `rounds` consecutive slices, each starting at time 0."""
    size = -(-len(planned) // rounds)
    cut = [planned[i:i + size] for i in range(0, len(planned), size)]
    return [[Planned(p.at - part[0].at, p.kind, p.body) for p in part] for part in cut]


def bench_interleaved(ctx: Any, apps: tuple[str, ...], fake: Connection, fake_url: str, database_url: str,
                      planned: list[Planned], warmup: list[list[Planned]], rounds: int, tmp: Path) -> list[Served]:
    """Serve every app in its own process, then alternate them slice by slice, so background noise hits all alike."""
    served: list[Served] = []
    try:
        for which in apps:
            log_path = tmp / f"{which}.log"
            process, conn, port = _start(ctx, run_server, which, f"{fake_url}/api/", database_url, str(log_path))
            served.append(Served(which, process, conn, port, log_path, []))
            for phase in warmup:
                warm_up(port, phase)
                _, served[-1].cpu_s = served[-1].drain()
            fake.send("answered")  # forget the warm-up's answers
            fake.recv()
        for number, part in enumerate(slices(planned, rounds)):
            for app in served if number % 2 == 0 else reversed(served):
                before = fake_answers(fake)
                outcomes = run_load(app.port, part)
                cpu_before, after_ack_before = app.cpu_s, app.after_ack_cpu
                drain_s, app.cpu_s = app.drain()  # the next slice starts on a quiet machine
                app.after_ack_cpu_s += app.after_ack_cpu - after_ack_before
                app.drain_s = max(app.drain_s, drain_s)
                app.web_cpu_s += app.cpu_s - cpu_before
                app.answers += fake_answers(fake) - before
                fake.send("answered")
                answered: dict[str, float] = fake.recv()
                for outcome in outcomes:
                    if outcome.response_id in answered:
                        outcome.answer_s = answered[outcome.response_id] - outcome.due
                app.outcomes += outcomes
    finally:
        for app in served:
            _stop(app.process, app.conn)
    return served


def main(argv: list[str] | None = None) -> int:
    """Run both apps interleaved under the same schedule and print the table with PASS/FAIL."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second (default 100)")
    parser.add_argument("--seconds", type=float, default=20.0, help="load duration per app (default 20)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="slices the duration is cut into, alternating the apps (default 4, i.e. 5 s slices)")
    parser.add_argument("--database-url", default=None,
                        help="default: a SQLite file in a temporary directory (e.g. postgresql+psycopg://…)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--web-core", action="store_true",
                        help="give each app's web process CPU 0 to itself and put everything else (this load "
                             "generator, the fake Slack, goalbot's after-ack process) on CPU 1, as in production, "
                             "where neither Slack nor the load runs on the web host and after-ack processes can "
                             "have cores of their own; the same for every app")
    parser.add_argument("--compare-inline", action="store_true",
                        help="also serve goalbot with its work after the ack in the web process (as before the "
                             "handoff to after-ack processes), alternated with the others")
    args = parser.parse_args(argv)

    if args.web_core:
        if (os.cpu_count() or 1) < 2:
            parser.error("--web-core needs two CPUs")
        os.environ[WEB_CORE] = "1"  # read by each server process (spawned children inherit the environment)
        os.sched_setaffinity(0, {1})  # this process and the fake Slack (spawned below, inheriting it)
    ctx = mp.get_context("spawn")
    team_id = "TB" + uuid.uuid4().hex[:8].upper()  # a fresh team per run, so a shared PostgreSQL stays clean
    apps = ("bare", "edge", "goalbot", "inline") if args.compare_inline else ("bare", "edge", "goalbot")
    load_before = f"{os.getloadavg()[0]:.1f}"
    with tempfile.TemporaryDirectory(prefix="goalbot-bench-") as tmp:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'goalbot.db'}"
        fake_process, fake, fake_url = _start(ctx, run_fake_slack, team_id)
        try:
            planned = plan_requests(args.rate, args.seconds, team_id, fake_url, args.seed)
            warmup = plan_warmup(team_id, fake_url)
            served = bench_interleaved(ctx, apps, fake, fake_url, database_url, planned, warmup,
                                       max(1, args.rounds), Path(tmp))
        finally:
            _stop(fake_process, fake)
        problems = {app.which: logged_problems(app.log_path) for app in served}
    rows = [summarize(app.which, app.outcomes, app.answers, app.drain_s, app.web_cpu_s, app.after_ack_cpu_s)
            for app in served]
    database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print_table(rows, args.rate, args.seconds, database, f"{load_before} before / {os.getloadavg()[0]:.1f} after")
    for row in rows:
        if row.error_kinds:
            print(f"{row.app} errors: " + ", ".join(f"{n}× {kind}" for kind, n in row.error_kinds.items()))
    for which, lines in problems.items():
        if lines:
            print(f"{which} logged {len(lines)} warnings/errors:")
            for line in lines[:5]:
                print(f"  {line[:300]}")
    by_app = {row.app: row for row in rows}
    edge_ratio = by_app["edge"].p99 / by_app["bare"].p99 if by_app["bare"].p99 > 0 else float("inf")
    print(f"p99(bare app behind goalbot's edge)/p99(bare) = {edge_ratio:.2f}  (the edge's own cost)")
    if "inline" in by_app:
        inline_ratio = by_app["inline"].p99 / by_app["bare"].p99 if by_app["bare"].p99 > 0 else float("inf")
        print(f"p99(goalbot, work after the ack in the web process)/p99(bare) = {inline_ratio:.2f}  (before the handoff)")
    ratio, passed, why = verdict(by_app["bare"], by_app["goalbot"])
    print(f"p99(goalbot)/p99(bare) = {ratio:.2f}  target: <= {P99_RATIO_TARGET} and p99 < "
          f"{P99_ABSOLUTE_TARGET_MS:.0f} ms  -> {'PASS' if passed else 'FAIL (' + why + ')'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
