"""What a person's week costs goalbot: CPU time and SQL statements for a typical session, through the real app.

One session, in the local workspace (the real Bolt app, signed requests, the fake Web API over HTTP): an English
and an Italian account executive each set a goal in the DM (the command and four answers), list their goals,
get their weekly check-in (the scheduled job plans and sends it) and answer it in the thread. The figures are
the process's CPU time (every thread: listeners, senders, the fake Slack) and the statements sent to the
database, for the session only (the database is migrated and the app built before the clock starts).

    .venv/bin/python bench/request_cost.py                       # SQLite, 15 sessions
    .venv/bin/python bench/request_cost.py --old-ref 1ce33bc     # that commit's code and this one, alternating
    .venv/bin/python bench/request_cost.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

With --old-ref, two child processes (the commit's code and this one, each importing only its own tree) run
the sessions in turn, so both see the same machine load; the suite's in-process tests do this kind of work.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# A child measuring another commit's code (--code-root) imports that tree's bot/storage/prompts, never this one's.
sys.path.insert(0, next((sys.argv[i + 1] for i, arg in enumerate(sys.argv[:-1]) if arg == "--code-root"),
                        str(Path(__file__).resolve().parents[1])))
sys.path.insert(1, str(Path(__file__).resolve().parent))

from _support import Child, load_average, old_code, postgres_schema

START = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # a Thursday, as in the tests
CHECKIN_AT = START + timedelta(days=4)  # the next Monday, after 09:00 in Rome: the weekly check-in is due
SESSIONS = (
    ("U1", "en", ["acquire 10 new clients in the next six months", "7 - two demos a week",
                  "enter the healthcare market", "yes"], "signed 3"),
    ("U2", "it", ["acquisire 10 nuovi clienti nei prossimi sei mesi", "7 - due demo a settimana",
                  "entrare nel mercato sanitario", "sì"], "ne ho firmati 2"),
)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_session(url: str) -> dict[str, float]:
    """Run the session once on a fresh database; its CPU milliseconds and SQL statements."""
    from sqlalchemy import event, select
    from sqlalchemy.engine import Engine

    from bot import ids
    from bot.clock import FixedClock, VirtualTimer
    from bot.jobs.runner import run_job
    from bot.local.workspace import LocalWorkspace
    from bot.settings import Settings
    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.models import Base, Goal

    if url.startswith("sqlite:///"):  # empty, as a new workspace's database is
        for suffix in ("", "-wal", "-shm", "-requests"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    engine = make_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as conn:  # empty, as a new workspace's database is
            Base.metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(engine)
    engine.dispose()
    env = {"DATABASE_URL": url, "GOALBOT_DEFAULT_TZ": "Europe/Rome", "GOALBOT_DEFAULT_LANG": "en"}
    clock = FixedClock(START)
    ws = LocalWorkspace(Settings.from_env(env, env_file=None), clock=clock)
    ws.deps.timer = VirtualTimer()
    statements = [0]

    def count(*_args: Any) -> None:
        statements[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    try:
        for user, locale, _answers, _reply in SESSIONS:
            ws.add_user(user, name=user.lower(), tz="Europe/Rome", locale="en-US" if locale == "en" else "it-IT")
        cpu = _cpu_seconds()
        for user, _locale, answers, _reply in SESSIONS:
            ws.command(answers[0], user=user)
            for answer in answers[1:]:
                ws.say(answer, user=user)
            ws.command("list", user=user)
        clock.set(CHECKIN_AT)
        run_job(ws.deps, ws.app.client, "checkins", now=CHECKIN_AT)
        for user, _locale, _answers, reply in SESSIONS:
            card = [m for m in ws.fake.dm_messages(user) if ids.ACTION_CHECKIN_UPDATE in json.dumps(m)][-1]
            ws.say(reply, user=user, thread_ts=card["ts"])
        cpu = _cpu_seconds() - cpu
        with ws.deps.sessions() as session:  # the figures count only if the session went as scripted
            recorded = sorted(float(value or 0) for value in session.scalars(select(Goal.current)))
        if recorded != [2, 3]:
            raise RuntimeError(f"the session did not go as scripted: goals at {recorded}, not [2, 3]")
    finally:
        event.remove(Engine, "before_cursor_execute", count)
        ws.close()
    return {"cpu_ms": cpu * 1000, "statements": statements[0]}


def child(url: str) -> None:
    """Run a session per line read, printing its figures as JSON (the first line says the child is ready)."""
    print(json.dumps({"ready": True}), flush=True)
    for _order in sys.stdin:
        print(json.dumps(one_session(url)), flush=True)


def database_urls(base: str | None, tmp: str, count: int) -> tuple[list[str], list[Any]]:
    """One database per child (SQLite files, or PostgreSQL schemas of their own), and how to drop them."""
    if base is None:
        return [f"sqlite:///{tmp}/bench-{n}.db" for n in range(count)], []
    made = [postgres_schema(base, "goalbot_bench_requests") for _ in range(count)]
    return [url for url, _ in made], [drop for _, drop in made]


def main() -> int:
    """Parse the arguments and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="sessions per code (default 15)")
    parser.add_argument("--old-ref", default=None, help="also run the code of this git commit, alternating")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite files)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code-root", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.database_url)
        return 0
    root = str(Path(__file__).resolve().parents[1])
    with tempfile.TemporaryDirectory(prefix="goalbot-bench-requests-") as tmp:
        trees = [("this code", root)]
        if args.old_ref:
            (Path(tmp) / "old").mkdir()
            trees.insert(0, (f"old ({args.old_ref})", old_code(args.old_ref, str(Path(tmp) / "old"))))
        urls, drops = database_urls(args.database_url, tmp, len(trees))
        try:
            script = str(Path(__file__).resolve())
            children = [Child(label, script, tree, ["--database-url", url])
                        for (label, tree), url in zip(trees, urls, strict=True)]
            results: dict[str, list[dict[str, Any]]] = {running.label: [] for running in children}
            for _ in range(args.runs):
                for running in children:
                    results[running.label].append(running.ask({"do": "session"}))
            for running in children:
                running.close()
        finally:
            for drop in drops:
                drop()
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"One session: 2 goals set in the DM (EN, IT), 2 lists, the check-in job, 2 thread replies; {database}, "
          f"{args.runs} sessions per code, alternating.")
    print("| code | CPU ms p50 | CPU ms p95 | SQL statements | load average |")
    print("|---|---|---|---|---|")
    for label, sessions in results.items():
        cpu = sorted(result["cpu_ms"] for result in sessions)
        p95 = cpu[min(len(cpu) - 1, round(0.95 * (len(cpu) - 1)))]
        sql = statistics.median(result["statements"] for result in sessions)
        print(f"| {label} | {statistics.median(cpu):.0f} | {p95:.0f} | {sql:.0f} | {load_average()} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
