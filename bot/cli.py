"""The `goalbot` command line: serve, shell, db upgrade, parse goal, export, jobs run."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from bot.clock import FixedClock, system_clock
from bot.rules.replies import GoalContext
from bot.settings import Settings, SettingsError

log = logging.getLogger("goalbot")


class UsageError(Exception):
    """A command-line argument is wrong; the message says how to fix it."""


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--now must be an ISO-8601 date-time such as 2026-11-30T09:00:00+01:00, not {value!r}.")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check_tz(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--tz must be an IANA time zone such as Europe/Rome, not {value!r}.")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="goalbot", description="SMART goals for account executives, in Slack.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="serve in Socket Mode when Slack tokens are set, else open the local shell")
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="connect to Slack (Socket Mode, or HTTP with --http)")
    serve.add_argument("--http", action="store_true", help="serve Slack's HTTP requests at POST /slack/events")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--no-scheduler", action="store_true", help="do not run the weekly jobs in this process")
    serve.set_defaults(func=cmd_serve)

    shell = sub.add_parser("shell", help="a local terminal workspace: talk to goalbot without Slack")
    shell.add_argument("--user", default=None,
                       help="who you are: a Slack user id such as U0MANAGER or a name such as @marco "
                            "(default: whoever typed last, else U0LOCAL); :as @NAME switches inside the shell")
    shell.set_defaults(func=cmd_shell)

    demo = sub.add_parser("demo", help="the local shell on a demo sales team with twelve weeks of history")
    demo.add_argument("--database", default="sqlite:///goalbot-demo.db",
                      help="where the demo lives (default sqlite:///goalbot-demo.db, apart from goalbot.db)")
    demo.add_argument("--reset", action="store_true", help="throw the demo away and seed it again (SQLite only)")
    demo.add_argument("--user", default=None, help="who you are (default @anna; :as @laura is the manager)")
    demo.set_defaults(func=cmd_demo)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply schema migrations").set_defaults(func=cmd_db_upgrade)

    parse = sub.add_parser("parse", help="show how goalbot understands text")
    parse_sub = parse.add_subparsers(dest="parse_command", required=True)
    goal = parse_sub.add_parser("goal", help="parse a goal sentence and print JSON")
    goal.add_argument("text")
    goal.add_argument("--lang", choices=("en", "it"), default=None, help="default: detected from the text")
    goal.add_argument("--now", default=None, help="ISO-8601 date-time to resolve deadlines from")
    goal.add_argument("--tz", default=None, help="IANA time zone (default GOALBOT_DEFAULT_TZ)")
    goal.set_defaults(func=cmd_parse_goal)
    reply = parse_sub.add_parser("reply", help="read a check-in reply against a goal and print JSON")
    reply.add_argument("text")
    reply.add_argument("--goal", required=True,
                       help='the goal as JSON: {"unit": "clients", "baseline": 0, "target": 10, "current": 4, '
                            '"direction": "increase"}')
    reply.add_argument("--lang", choices=("en", "it"), default=None, help="default: detected from the text")
    reply.set_defaults(func=cmd_parse_reply)

    export = sub.add_parser("export", help="all goals and their check-ins, as CSV or JSON on stdout")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--team", default=None)
    export.add_argument("--user", default=None)
    export.set_defaults(func=cmd_export)

    jobs = sub.add_parser("jobs", help="run a scheduled job once")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_run = jobs_sub.add_parser("run", help="run a job now (idempotent: running it twice sends nothing new)")
    # The names live in bot/jobs/registry.py alone; an unknown one is refused there, with the list.
    jobs_run.add_argument("job", help="the scheduled job to run (a wrong name is answered with the list)")
    jobs_run.add_argument("--now", default=None, help="ISO-8601 date-time the job should believe it is")
    jobs_run.set_defaults(func=cmd_jobs_run)
    return parser


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve in Socket Mode when tokens are configured, else open the local shell."""
    if settings.bot_token and settings.app_token:
        args.http, args.port, args.host, args.no_scheduler = False, 3000, "0.0.0.0", False
        return cmd_serve(args, settings)
    print("No SLACK_BOT_TOKEN/SLACK_APP_TOKEN configured: opening the local shell (see README to connect Slack).")
    args.user = None
    return cmd_shell(args, settings)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Connect to Slack and run until interrupted."""
    from bot.app import build_app
    from bot.runtime import make_deps

    if args.http:
        if not settings.signing_secret:
            raise SettingsError("SLACK_SIGNING_SECRET is missing: HTTP mode needs it to verify Slack's requests "
                                "(Slack app settings > Basic Information > Signing Secret).")
        if not settings.bot_token:
            raise SettingsError("SLACK_BOT_TOKEN is missing: set the xoxb- bot token from OAuth & Permissions.")
    elif not (settings.app_token and settings.bot_token):
        raise SettingsError("SLACK_APP_TOKEN is missing: Socket Mode needs an xapp- app-level token (or use "
                            "`goalbot serve --http`, or `goalbot shell` to try goalbot without Slack).")
    deps = make_deps(settings, system_clock)
    app = build_app(deps)
    scheduler = None
    if not args.no_scheduler:
        from bot.jobs.scheduler import start_scheduler

        scheduler = start_scheduler(deps, app.client)
    try:
        if args.http:
            from bot.server import make_http_server

            server = make_http_server(app, deps, args.host, args.port)
            log.info("serving Slack requests on http://%s:%s/slack/events", args.host, server.server_port)
            server.serve_forever()
        else:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            SocketModeHandler(app, settings.app_token).start()
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    return 0


def cmd_shell(args: argparse.Namespace, settings: Settings) -> int:
    """Open the local terminal workspace."""
    from bot.shell import run_shell

    return run_shell(settings, user_id=args.user)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Seed the demo team (once) in its own database, then open the shell in it."""
    import dataclasses
    from pathlib import Path

    from bot.local.demo import prepare
    from bot.local.state import state_path
    from bot.local.timetravel import ShellClock

    demo_settings = dataclasses.replace(settings, database_url=args.database)
    url = make_url(demo_settings.database_url)
    if args.reset:
        if url.get_backend_name() != "sqlite" or not url.database:
            raise UsageError("--reset only throws away a SQLite demo; drop a PostgreSQL demo database yourself.")
        for path in (url.database, url.database + "-wal", url.database + "-shm", str(state_path(args.database))):
            Path(path).unlink(missing_ok=True)
    if prepare(demo_settings, clock=ShellClock()):
        print(f"Seeded a demo sales team in {_printable_url(demo_settings.database_url)}: laura (manager, "
              "Italian) and five account executives — anna, james and priya in English, marco and sofia in Italian.")
    return cmd_shell(args, demo_settings)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """Apply migrations."""
    from alembic.runtime.migration import MigrationContext

    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(settings.database_url)

    def revision() -> str | None:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    before = revision()
    upgrade(engine)
    after = revision()
    engine.dispose()
    where = _printable_url(settings.database_url)
    if before is None:
        print(f"Created a new database at {where} (schema revision {after}).")
    elif before != after:
        print(f"Upgraded the database at {where} from schema revision {before} to {after}.")
    else:
        print(f"The database at {where} already has the latest schema (revision {after}); nothing to change.")
    return 0


def cmd_parse_goal(args: argparse.Namespace, settings: Settings) -> int:
    """Print how a goal sentence is understood, as JSON."""
    from bot.rules.goals import detect_language, parse_goal

    now = _parse_now(args.now) or system_clock()
    tz = _check_tz(args.tz or settings.default_tz)
    if not args.text.strip():
        raise UsageError("the goal text is empty: try goalbot parse goal \"acquire 10 new clients in the next six months\".")
    lang = args.lang or detect_language(args.text)
    parsed = parse_goal(args.text, lang=lang, now=now, tz=tz, fiscal_year_start_month=settings.fiscal_year_start)
    print(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=2))
    return 0


_DIRECTIONS = ("increase", "maintain", "decrease")


def _goal_context(raw: str) -> GoalContext:
    """The --goal JSON as the reply reader's goal, or a UsageError saying what is wrong with it."""
    example = '{"unit": "clients", "baseline": 0, "target": 10, "current": 4, "direction": "increase"}'
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise UsageError(f"--goal is not valid JSON ({error.msg} at character {error.pos}); for example {example}.")
    if not isinstance(data, dict):
        raise UsageError(f"--goal must be a JSON object such as {example}.")

    def number(key: str, *, required: bool = False) -> float | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UsageError(f"--goal needs \"{key}\" as a number, not {value!r}; for example {example}.")
        return float(value)

    direction = data.get("direction", "increase")
    if direction not in _DIRECTIONS:
        raise UsageError(f"--goal \"direction\" must be increase, maintain or decrease, not {direction!r}.")
    unit = data.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise UsageError(f"--goal \"unit\" must be text such as \"clients\", \"EUR\" or \"%\", not {unit!r}.")
    target = number("target", required=True)
    assert target is not None
    return GoalContext(baseline=number("baseline"), target=target, current=number("current"), unit=unit,
                       direction=direction)


def cmd_parse_reply(args: argparse.Namespace, settings: Settings) -> int:
    """Print how a check-in reply is read against a goal, as JSON."""
    from dataclasses import asdict

    from bot.rules.goals import detect_language
    from bot.rules.replies import read_reply

    goal = _goal_context(args.goal)
    if not args.text.strip():
        raise UsageError('the reply text is empty: try goalbot parse reply "closed 3 more, now at 7" --goal \'{...}\'.')
    lang = args.lang or detect_language(args.text)
    reading = read_reply(args.text, lang=lang, goal=goal)
    output = asdict(reading)
    output["candidates"] = list(reading.candidates)
    print(json.dumps(output, ensure_ascii=False, indent=2))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write every goal with its check-ins (notes and private goals included) to stdout: an operator's command."""
    from bot.runtime import make_deps
    from bot.services.export import render
    from storage.repositories import list_goals
    from storage.teams import managers_by_person

    deps = make_deps(settings)
    with deps.sessions() as session:
        goals = list_goals(session, args.team, args.user)
        managers = {person: manager for team in sorted({g.team_id for g in goals})
                    for person, manager in managers_by_person(session, team).items()}
        sys.stdout.write(render(goals, args.format, managers=managers))
    return 0


def cmd_jobs_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one scheduled job now and say what it did."""
    from bot.jobs.runner import run_job_once

    now = _parse_now(args.now)
    clock = FixedClock(now) if now else system_clock
    summary = run_job_once(settings, args.job, clock)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `goalbot` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings: Settings | None = None
    try:
        settings = Settings.from_env()
        from bot.runtime import configure_logging

        configure_logging(settings.log_level)
        return int(args.func(args, settings))
    except (SettingsError, UsageError) as error:
        print(f"goalbot: {error}", file=sys.stderr)
        return 2
    except DBAPIError as error:
        # A database that is down or misconfigured is an operator's problem to fix, not a bug: one sentence.
        where = _printable_url(settings.database_url) if settings else "DATABASE_URL"
        first_line = (str(error.orig or error).strip().splitlines() or [type(error).__name__])[0]
        problem = "cannot reach the database" if isinstance(error, OperationalError) else "the database failed"
        print(f"goalbot: {problem} at {where}: {first_line}", file=sys.stderr)
        return 2


def _printable_url(database_url: str) -> str:
    """The database URL without its password, fit for an error message."""
    try:
        url = make_url(database_url)
        # URL.set() ignores password=None, so the URL is rebuilt without it.
        return URL.create(url.drivername, username=url.username, host=url.host, port=url.port,
                          database=url.database, query=url.query).render_as_string(hide_password=False)
    except ArgumentError:
        return "DATABASE_URL"


if __name__ == "__main__":
    sys.exit(main())
