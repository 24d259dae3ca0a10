"""Load test: 3 web processes and 1 scheduler on one PostgreSQL, under signed Slack traffic.

    .venv/bin/python bench/load_test.py                       # 100 requests/s for 60 s
    .venv/bin/python bench/load_test.py --seconds 10          # a shorter run
    .venv/bin/python bench/load_test.py --rate 50 --workers 2 --postgres-url postgresql+psycopg://…

What runs: a private schema on the PostgreSQL server (dropped afterwards); the fake Slack Web API
(slackfake/web_api.py) in a process of its own with 40 people, half of them Italian; goalbot exactly as it is
deployed: `goalbot serve --http --workers 3 --no-scheduler` (three web processes sharing one port, behind the
HTTP edge and waitress, that only ack, and the after-ack process it forks to do the work: bot/handoff.py) and one
`goalbot worker` (the scheduler: weekly jobs, outbox, housekeeping, and an after-ack process too). Before the
load, each person gets an active goal and its weekly check-in card (`goalbot jobs run checkins`).

The load, open loop (a slow answer never delays the next request), each request signed as Slack signs it, a
new connection each: 40% `/goal` commands (help, list, a goal sentence in English or Italian, some typed in a
channel), 35% DM messages (answers to the conversation a sentence started, or small talk), 25% button clicks
on the person's check-in card (On track / At risk). Latency is from each request's *scheduled* time to the end
of its response (the ack), so a backlog is charged to the server. After the load, the run waits until the
fake has received every answer (quiet for 5 s), then counts:
- errors: non-200 answers, failed connections, acks slower than Slack's 3 s, and every "something went wrong"
  answer a person got, plus ERROR lines in the servers' logs;
- duplicates: messages the fake received twice with the same idempotency key in the same channel (goalbot's
  keys travel in each message's metadata).
**Target:** 0 errors and 0 duplicates.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ack_latency import Outcome, Planned, percentile, run_load  # noqa: E402 - the same open-loop sender

SIGNING_SECRET = "load-test-signing-secret"
BOT_TOKEN = "xoxb-load-test"
TEAM = "T0LOADTEST"
SLACK_ACK_TIMEOUT_S = 3.0
USERS = tuple((f"U{n:04d}", "it-IT" if n % 2 else "en-US") for n in range(1, 41))
GOALS = {
    "en": ("acquire 10 new clients in the next six months", "increase upsell revenue from 200k to 300k by the end of Q2",
           "book 40 discovery meetings by March 31"),
    "it": ("acquisire 10 nuovi clienti nei prossimi sei mesi", "aumentare il fatturato da 200k a 300k entro fine giugno",
           "fissare 30 appuntamenti con nuovi clienti entro marzo"),
}
DMS = {
    "en": ("8 - two demos a week and referrals", "expand into the healthcare market", "by the end of June", "back",
           "hello"),
    "it": ("8 - due demo a settimana e referenze", "entrare nel mercato sanitario", "entro fine giugno", "indietro",
           "ciao"),
}
KINDS = ("command",) * 8 + ("dm",) * 7 + ("button",) * 5  # 40% / 35% / 25%


# --------------------------------------------------------------------------- the fake Slack, in its own process


def run_fake_slack(conn: Connection) -> None:
    """Child process: the fake Web API with the team's people; answers 'cards', 'report' and 'stop'."""
    from _support import counting_fake

    from bot import ids
    from prompts import t

    fake, answers = counting_fake(TEAM, USERS)
    fake.add_channel("C0SALES", name="sales", members=[u for u, _ in USERS])
    conn.send(fake.root_url)
    internal = (t("en", "errors.internal"), t("it", "errors.internal"))
    while True:
        command = conn.recv()
        if command == "cards":
            cards: dict[str, dict[str, Any]] = {}
            for user_id, _ in USERS:
                for message in fake.dm_messages(user_id):
                    for block in message.get("blocks") or []:
                        for element in block.get("elements") or []:
                            if isinstance(element, dict) and element.get("action_id") == ids.ACTION_CHECKIN_ON_TRACK:
                                cards[user_id] = {"message": message, "checkin": element.get("value"),
                                                  "block_id": block.get("block_id")}
            conn.send(cards)
        elif command == "answers":
            conn.send(answers())
        elif command == "report":
            texts = [json.dumps(m, ensure_ascii=False)
                     for m in (*fake.messages(), *fake.responses(), *fake.ephemeral_messages())]
            went_wrong = sum(any(i in text for i in internal) for text in texts)
            conn.send({**fake.stats(), "went_wrong": went_wrong, "messages": len(texts)})
        elif command == "stop":
            fake.stop()
            conn.send("stopped")
            return


# --------------------------------------------------------------------------- goalbot, as deployed


def goalbot_env(database_url: str, fake_url: str, log_level: str = "WARNING") -> dict[str, str]:
    """The environment `goalbot serve` and `goalbot worker` read, pointed at the fake and the private schema."""
    now_rome = datetime.now(ZoneInfo("Europe/Rome"))
    day = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[now_rome.weekday()]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "GOALBOT_", "DATABASE_URL"))}
    env.update({
        "DATABASE_URL": database_url, "SLACK_API_URL": f"{fake_url}/api/", "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "GOALBOT_RESPONSE_URL_PREFIXES": f"{fake_url}/response/",
        "GOALBOT_LOG_LEVEL": log_level, "GOALBOT_DEFAULT_TZ": "Europe/Rome",
        # The server is shared (max_connections 100): 4 processes × (6 + up to 8 for the fingerprints) at most.
        "GOALBOT_DB_CONNECTIONS": "6",
        # Today, local midnight: this week's check-in moment has come, whatever the hour the bench runs.
        "GOALBOT_CHECKIN_AT": f"{day} 00:00", "PYTHONPATH": str(ROOT),
    })
    return env


def goalbot(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("goalbot")), *args]


def seed_goals(database_url: str) -> None:
    """One active goal per person, set up a month ago (so this week's check-in is due)."""
    from sqlalchemy import insert

    from storage.db import make_engine
    from storage.models import Goal

    engine = make_engine(database_url)
    created = datetime.now(UTC) - timedelta(days=30)
    with engine.begin() as conn:
        conn.execute(insert(Goal), [{
            "team_id": TEAM, "user_id": user_id, "title": GOALS[lang][0], "type": "new_business",
            "subject": "new clients", "metric": "new_clients", "unit": "clients", "direction": "increase",
            "baseline": 0.0, "target": 10.0, "current": 2.0, "start_date": created.date(),
            "deadline": date.today() + timedelta(days=180), "status": "active", "lang": lang, "created_at": created,
            "updated_at": created} for user_id, locale in USERS for lang in ["it" if locale == "it-IT" else "en"]])
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"goalbot did not answer /healthz on port {port} within {timeout:.0f} s")


# --------------------------------------------------------------------------- the load


def plan(rate: float, seconds: float, fake_url: str, cards: dict[str, dict[str, Any]], seed: int) -> list[Planned]:
    """The open-loop schedule: evenly spaced, signed requests of every kind."""
    from bot import ids
    from slackfake.payloads import SlackRequestFactory

    rng = random.Random(seed)
    factory = SlackRequestFactory(SIGNING_SECRET, TEAM, response_url_for=lambda rid, **_: f"{fake_url}/response/{rid}")
    planned: list[Planned] = []
    for index in range(int(rate * seconds)):
        user_id, locale = rng.choice(USERS)
        lang = "it" if locale == "it-IT" else "en"
        kind = rng.choice(KINDS)
        if kind == "button" and user_id not in cards:
            kind = "dm"
        if kind == "command":
            text = rng.choice(("help" if lang == "en" else "aiuto", "list" if lang == "en" else "elenco",
                               *GOALS[lang]))
            body, headers = factory.slash_command(text, user_id=user_id,
                                                  channel_id="C0SALES" if rng.random() < 0.2 else None)
        elif kind == "dm":
            body, headers = factory.message_event(rng.choice(DMS[lang]), user=user_id)
        else:
            card = cards[user_id]
            action = rng.choice((ids.ACTION_CHECKIN_ON_TRACK, ids.ACTION_CHECKIN_AT_RISK))
            body, headers = factory.block_actions(user_id=user_id, action_id=action, value=str(card["checkin"]),
                                                  block_id=card["block_id"], message=card["message"])
        planned.append(Planned(index / rate, kind, body, dict(headers)))
    return planned


def logged(paths: list[Path], *markers: str) -> list[str]:
    """The lines the goalbot processes logged that carry one of `markers` (or start a traceback)."""
    found: list[str] = []
    for path in paths:
        if path.is_file():
            found += [line.strip() for line in path.read_text(errors="replace").splitlines()
                      if any(f" {m} " in line for m in markers) or line.startswith("Traceback")]
    return found


# --------------------------------------------------------------------------- orchestration


def ask(conn: Connection, command: str) -> Any:
    conn.send(command)
    return conn.recv()


def drain(fake: Connection, quiet: float = 5.0, limit: float = 180.0) -> float:
    """Wait until the fake has received no answer for `quiet` seconds; return how long that took."""
    started = time.monotonic()
    last, since = ask(fake, "answers"), time.monotonic()
    while time.monotonic() - started < limit:
        time.sleep(0.5)
        now = ask(fake, "answers")
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="signed requests per second (default 100)")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of the load (default 60)")
    parser.add_argument("--workers", type=int, default=3, help="web processes (default 3)")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    from _support import load_average, postgres_schema

    ctx = mp.get_context("spawn")
    fake_conn, child = ctx.Pipe()
    fake_process = ctx.Process(target=run_fake_slack, args=(child,), daemon=True)
    fake_process.start()
    fake_url = fake_conn.recv()
    database_url, drop = postgres_schema(args.postgres_url, prefix="goalbot_bench_load")
    started: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="goalbot-load-") as tmp:
        logs = [Path(tmp) / "web.log", Path(tmp) / "worker.log"]
        try:
            env = goalbot_env(database_url, fake_url)
            subprocess.run(goalbot("db", "upgrade"), env=env, check=True, capture_output=True, cwd=tmp)
            seed_goals(database_url)
            setup = subprocess.run(goalbot("jobs", "run", "checkins"), env=env, capture_output=True, text=True,
                                   cwd=tmp)
            if setup.returncode != 0:
                raise RuntimeError(f"planning the check-ins failed: {setup.stderr[-2000:]}")
            cards = ask(fake_conn, "cards")
            port = free_port()
            for command, log in ((goalbot("serve", "--http", "--port", str(port), "--host", "127.0.0.1",
                                          "--workers", str(args.workers), "--no-scheduler"), logs[0]),
                                 (goalbot("worker"), logs[1])):
                started.append(subprocess.Popen(command, env=env, cwd=tmp, stdout=log.open("ab"),
                                                stderr=subprocess.STDOUT, start_new_session=True))
            wait_healthy(port)
            # Warm-up: every person's first command (profile lookups, imports) in each process, not measured.
            warm = plan(5, 12, fake_url, cards, seed=-1)
            run_load(port, warm)
            drain(fake_conn, quiet=2.0)
            before = ask(fake_conn, "report")
            load_before = load_average()
            planned = plan(args.rate, args.seconds, fake_url, cards, args.seed)
            t0 = time.perf_counter()
            outcomes = run_load(port, planned)
            sent_s = time.perf_counter() - t0
            drained = drain(fake_conn)
            after = ask(fake_conn, "report")
            load_after = load_average()
        finally:
            for process in started:  # each started in a session of its own: its group is what we started
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGTERM)
            for process in started:
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, signal.SIGKILL)
            ask(fake_conn, "stop")
            fake_process.join(10)
            drop()
        errors_logged = logged(logs, "ERROR", "CRITICAL")
        warnings_logged = logged(logs, "WARNING")
        exceptions = Counter(line.strip()[:200] for log in logs if log.is_file()
                             for line in log.read_text(errors="replace").splitlines()
                             if re.match(r"[\w.]+(Error|Exception|Violation|Timeout)\b", line))
        kept = Path(tempfile.gettempdir()) / f"goalbot-load-logs-{os.getpid()}"
        kept.mkdir(exist_ok=True)
        for log in logs:
            if log.is_file():
                shutil.copy(log, kept / log.name)

    by_kind: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_kind.setdefault(outcome.kind, []).append(outcome)
    failures = Counter(o.error for o in outcomes if not o.ok)
    went_wrong = after["went_wrong"] - before["went_wrong"]
    duplicates = after["duplicates"] - before["duplicates"]
    print(f"load test: {args.rate:g} signed requests/s for {args.seconds:g} s (sent in {sent_s:.1f} s), "
          f"{args.workers} web processes + 1 scheduler, PostgreSQL, {os.cpu_count()} CPUs, "
          f"load average {load_before} before / {load_after} after")
    print()
    print("| requests | kind | errors | p50 ack ms | p95 ack ms | p99 ack ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    for kind, items in sorted(by_kind.items()) + [("all", outcomes)]:
        latencies = sorted(o.latency_s * 1000 for o in items if o.ok)
        print(f"| {len(items)} | {kind} | {sum(not o.ok for o in items)} | {percentile(latencies, .5):.1f} "
              f"| {percentile(latencies, .95):.1f} | {percentile(latencies, .99):.1f} "
              f"| {latencies[-1] if latencies else float('nan'):.1f} |")
    print()
    print(f"answers the fake received: {after['messages'] - before['messages']} (drained {drained:.1f} s after the load)")
    print(f"HTTP errors: {sum(failures.values())}" + (f" ({dict(failures)})" if failures else ""))
    print(f"'something went wrong' answers: {went_wrong}")
    print(f"ERROR lines / tracebacks in the goalbot logs: {len(errors_logged)}")
    for line, n in exceptions.most_common(5):
        print(f"  {n}× {line}")
    print(f"WARNING lines in the goalbot logs: {len(warnings_logged)}")
    for line, n in Counter(line.split(" WARNING ", 1)[-1][:160] for line in warnings_logged).most_common(3):
        print(f"  {n}× {line}")
    print(f"(the logs are kept in {kept})")
    print(f"duplicates (same idempotency key posted twice in a channel): {duplicates}")
    errors = sum(failures.values()) + went_wrong + len(errors_logged)
    print(f"\ntarget (0 errors, 0 duplicates): {'met' if errors == 0 and duplicates == 0 else 'NOT met'}")
    return 0 if errors == 0 and duplicates == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
