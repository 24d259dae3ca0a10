"""`goalbot shell`: a terminal workspace that runs the real app, with the Web API answered in-process."""

from __future__ import annotations

import logging
import queue
import sys
from typing import Any, TextIO

from bot.clock import FixedClock, as_utc, system_clock
from bot.local.render import Choice, render_message
from bot.local.workspace import LocalWorkspace
from bot.services.conversation import CHOOSE, CONFIRM
from bot.settings import Settings
from prompts import normalize_lang, t
from storage.repositories import get_conversation, get_user_pref

BANNER = """goalbot shell — a local Slack workspace (no Slack account or network needed).
Type /goal … as in Slack, or plain messages to the bot. A number picks a button.
  >TEXT        reply in the thread of the latest check-in (or latest bot message)
  :home        open the App Home tab        :jobs checkins|digests|reminders|reviews  run a scheduled job now
  :time ISO    pretend it is that time      :quit (or Ctrl-D) leaves
"""


class Shell:
    """Reads lines, turns them into signed Slack requests, prints what the bot posts."""

    def __init__(self, workspace: LocalWorkspace, user_id: str, out: TextIO) -> None:
        self.ws = workspace
        self.user = user_id
        self.out = out
        self.choices: list[Choice] = []
        self.events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self.last_thread: str | None = None
        self.show_home = False  # Home is republished after every change; print it only when asked with :home
        workspace.fake.subscribe(lambda kind, payload: self.events.put((kind, payload)))

    def handle(self, line: str) -> bool:
        """Process one typed line; False when the person wants to leave. A crash is reported, never fatal."""
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        try:
            self._handle(line)
        except Exception:  # noqa: BLE001 - the shell is a workspace: like Slack, it stays up and says so
            logging.getLogger(__name__).exception("the shell failed on %r", line)
            print(f"goalbot:\n  {t(self._lang(), 'errors.internal')}", file=self.out)
        return True

    def _lang(self) -> str:
        with self.ws.deps.sessions() as session:
            pref = get_user_pref(session, self.ws.team_id, self.user)
            return normalize_lang((pref.lang or pref.slack_locale) if pref else None, self.ws.settings.default_lang)

    def _waiting_for_choice(self) -> bool:
        """A bare number picks a button only when the newest message offers some and no question wants a number."""
        if not self.choices:
            return False
        with self.ws.deps.sessions() as session:
            convo = get_conversation(session, self.ws.team_id, self.user)
            return convo is None or convo.step in (CONFIRM, CHOOSE)

    def _handle(self, line: str) -> None:
        if line.startswith(":"):
            self._meta(line)
        elif line.isdigit() and self._waiting_for_choice():
            self._pick(int(line))
        elif line.startswith("/goal"):
            self.ws.command(line[len("/goal"):].strip(), user=self.user)
        elif line.startswith(">"):
            self.ws.say(line[1:].strip(), user=self.user, thread_ts=self.last_thread)
        else:
            self.ws.say(line, user=self.user)
        self.flush()

    def _pick(self, number: int) -> None:
        choice = next((c for c in self.choices if c.number == number), None)
        if choice is None:
            print(f"(no choice {number}; pick one of {[c.number for c in self.choices]})", file=self.out)
            return
        if choice.channel == "home":
            view = self.ws.fake.home_view(self.user) or {}
            self.ws.click_in_view(view, choice.action_id, user=self.user, value=choice.value)
            return
        message = next((m for m in self.ws.fake.messages(choice.channel) if m.get("ts") == choice.message_ts), None)
        if message is None:
            print("(that message is gone)", file=self.out)
            return
        self.ws.click(message, choice.action_id, user=self.user, value=choice.value)

    def _meta(self, line: str) -> None:
        name, _, arg = line[1:].partition(" ")
        if name == "home":
            self.show_home = True
            self.ws.open_home(self.user)
        elif name == "time":
            from datetime import datetime

            try:
                at = datetime.fromisoformat(arg.strip())
            except ValueError:
                print("(use :time 2026-12-07T09:00+01:00)", file=self.out)
                return
            at = as_utc(at)  # stored timestamps are UTC whatever offset was typed
            clock = self.ws.deps.clock
            if isinstance(clock, FixedClock):
                clock.set(at)
            else:
                self.ws.deps.clock = FixedClock(at)
            print(f"(the clock now reads {self.ws.deps.clock().isoformat()})", file=self.out)
        elif name == "jobs":
            from bot.jobs.runner import run_job

            summary = run_job(self.ws.deps, self.ws.app.client, arg.strip() or "checkins")
            print(f"(job {arg.strip() or 'checkins'}: {summary})", file=self.out)
        else:
            print(BANNER, file=self.out)

    def flush(self) -> None:
        """Print every message the bot posted since the last flush."""
        self.ws.wait()
        printed_choices: list[Choice] = []
        printed_any = False
        while True:
            try:
                kind, payload = self.events.get_nowait()
            except queue.Empty:
                break
            if kind in ("message", "update", "ephemeral"):
                if payload.get("user") not in (None, self.ws.fake.bot_user_id) and kind == "message":
                    continue  # the person's own messages are already on screen
                rendered = render_message(payload, first_number=1,
                                          prefix="goalbot (only you can see this)" if kind == "ephemeral"
                                          else "goalbot (edited)" if kind == "update" else "goalbot")
                if kind == "message" and payload.get("ts"):
                    self.last_thread = payload.get("thread_ts") or payload.get("ts")
                printed_choices = list(rendered.choices)
                printed_any = True
                print("\n".join(rendered.lines), file=self.out)
            elif kind == "home" and self.show_home:
                view = payload.get("view") or payload
                rendered = render_message({"blocks": view.get("blocks"), "channel": "home"},
                                          first_number=1, prefix="App Home")
                printed_choices = [dataclass_replace_channel(c, "home") for c in rendered.choices]
                printed_any = True
                print("\n".join(rendered.lines), file=self.out)
        self.show_home = False
        if printed_choices or printed_any:
            self.choices = printed_choices  # only the newest message's buttons can be picked by a bare number


def dataclass_replace_channel(choice: Choice, channel: str) -> Choice:
    """The same choice, marked as living in another surface."""
    import dataclasses

    return dataclasses.replace(choice, channel=channel)


def run_shell(settings: Settings, *, user_id: str = "U0LOCAL", stdin: TextIO = sys.stdin,
              stdout: TextIO = sys.stdout) -> int:
    """Run the interactive loop until :quit or end of input."""
    if settings.log_level != "DEBUG":
        # The conversation is the output here; INFO lines from jobs and Bolt would interleave with it.
        logging.getLogger().setLevel(logging.WARNING)
    workspace = LocalWorkspace(settings, clock=system_clock)
    workspace.add_user(user_id, name="you")
    shell = Shell(workspace, user_id, stdout)
    interactive = stdin.isatty()
    print(BANNER, file=stdout)
    try:
        while True:
            if interactive:
                print("you> ", end="", file=stdout, flush=True)
            line = stdin.readline()
            if not line:
                break
            if not interactive:
                print(f"you> {line.rstrip()}", file=stdout)
            if not shell.handle(line):
                break
    except KeyboardInterrupt:
        pass
    finally:
        workspace.close()
    return 0
