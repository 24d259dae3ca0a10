"""`goalbot shell`: a terminal workspace that runs the real app, with the Web API answered in-process."""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from sqlalchemy import select

from bot import ids
from bot.delivery.ratelimit import ChannelPacer, shared_limits
from bot.jobs.checkins import REMINDER_AFTER
from bot.jobs.registry import OUTBOX_JOB, PLANNERS, job_names
from bot.jobs.runner import UnknownJobError, run_job
from bot.local.forms import Form
from bot.local.render import Choice, render_message
from bot.local.state import ShellState, state_path
from bot.local.timetravel import TICK, ShellClock, TimeError, parse_target, stops
from bot.local.workspace import LocalWorkspace, submission_answer
from bot.rules.statuses import OutboxStatus
from bot.services.conversation import CHOOSE, CONFIRM, DIRECTION, RATE, SAVED
from bot.settings import Settings
from bot.terminal import terminal_locale
from prompts import fmt_date, normalize_lang, t, tn
from slackfake import WorkspaceError, dm_channel_id
from storage.models import DigestSubscription, OutboxMessage, TeamSettings, UserPref
from storage.repositories import get_conversation, get_user_pref

log = logging.getLogger(__name__)
# The jobs whose posts the shell names when it says what goes out (`shell.sends.NAME` in the catalogs); any other
# (housekeeping posts nothing, a test's planner) is named by the job's name.
SENDING_JOBS = ("checkins", "reminders", "reviews", "digests", "manager_weeks", "approval_reminders")


def counted(lang: str, name: str, count: int) -> str:
    """What job `name` sends, counted in the person's language: "1 reminder", "2 promemoria"."""
    return tn(lang, f"shell.sends.{name}", count) if name in SENDING_JOBS else f"{count} {name}"


FILES_DIR = Path("goalbot-files")
BOT_NAME = "goalbot"
NAME = re.compile(r"^@?([a-z][a-z0-9._-]{0,20})$")

# Every shell command in `:help`'s order; its usage, what it does and an example are `shell.help.NAME` in the catalogs.
COMMANDS = ("goal", "text", "number", "press", "reply", "thread", "edit", "delete", "home", "as", "who", "channel",
            "join", "invite", "dm", "time", "jobs", "files", "submit", "help", "quit")


def help_text(lang: str) -> str:
    """Every command with an example, and how to start as someone else."""
    rows = [(t(lang, f"shell.help.{name}.usage"), t(lang, f"shell.help.{name}.what"),
             t(lang, f"shell.help.{name}.example")) for name in COMMANDS]
    width = max(len(usage) for usage, _, _ in rows)
    lines = [t(lang, "shell.help_header")]
    for usage, what, example in rows:
        lines.append(f"  {usage:<{width}}  {what}")
        lines.append(f"  {'':<{width}}    {t(lang, 'shell.help_example', example=example)}")
    lines.append(t(lang, "shell.help_footer"))
    return "\n".join(lines)


@dataclass(frozen=True)
class Shown:
    """A message on screen that can be pressed or answered: its label and where to find it."""

    label: str
    kind: str  # message, ephemeral, home
    channel: str | None
    ts: str | None


class Shell:
    """Reads lines, turns them into what a person does in Slack, prints what the bot posts."""

    PROGRESS_EVERY = 2.0  # seconds between two "still sending" lines while a job runs

    def __init__(self, workspace: LocalWorkspace, user_id: str, out: TextIO, *, clock: ShellClock,
                 state_file: Path | None = None) -> None:
        self.ws = workspace
        self.fake = workspace.fake
        self.me = user_id
        self.place = dm_channel_id(user_id)
        self.out = out
        self.clock = clock
        self.state_file = state_file
        self.events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self.labels: dict[str, Shown] = {}
        self.label_of: dict[tuple[str, str | None, str | None], str] = {}
        self.newest: Shown | None = None  # the newest thing printed in this place: what a bare number presses
        self.newest_choices: list[Choice] = []
        self.last_thread: Shown | None = None
        self.form: Form | None = None
        self.show_home = False
        self.files: dict[str, Path] = {}  # file id -> where it was saved, kept across runs
        self.seen: set[tuple[str, str]] = set()
        self.noticed: set[str] = set()  # channels already pointed out during the current command
        workspace.fake.subscribe(lambda kind, payload: self.events.put((kind, payload)))

    # ------------------------------------------------------------------ names and people

    def name_of(self, ident: str) -> str:
        """A user's or channel's name for display."""
        if ident == self.fake.bot_user_id:
            return BOT_NAME
        for user in self.fake.users():
            if user["id"] == ident:
                return str(user["name"])
        channel = self.fake.channel(ident)
        return str(channel["name"]) if channel and channel.get("name") else ident

    def user_by_name(self, name: str) -> str | None:
        """The id of the person called `name` (or goalbot's), or None."""
        name = name.lstrip("@").lower()
        if name == BOT_NAME:
            return self.fake.bot_user_id
        return next((u["id"] for u in self.fake.users() if u["name"].lower() == name or u["id"] == name.upper()),
                    None)

    def lang(self) -> str:
        """The language goalbot speaks to the person typing."""
        with self.ws.deps.sessions() as session:
            pref = get_user_pref(session, self.ws.team_id, self.me)
            stored = (pref.lang or pref.slack_locale) if pref else None
        if stored is None:
            user = next((u for u in self.fake.users() if u["id"] == self.me), None)
            stored = user["locale"] if user else None
        return normalize_lang(stored, self.ws.settings.default_lang)

    def tz(self) -> str:
        """The time zone of the person typing."""
        user = next((u for u in self.fake.users() if u["id"] == self.me), None)
        return str((user or {}).get("tz") or self.ws.settings.default_tz)

    def prompt(self) -> str:
        """`you> ` in the DM, `marco #sales> ` in a channel, `  Field> ` while a form is open."""
        if self.form is not None:
            return self.form.prompt()
        where = "" if ids.is_dm_channel(self.place) else f" #{self.name_of(self.place)}"
        return f"{self.name_of(self.me)}{where}> "

    # ------------------------------------------------------------------ input

    def handle(self, line: str) -> bool:
        """Process one typed line; False when the person wants to leave. A crash is reported, never fatal."""
        line = line.strip()
        if line in (":quit", ":q", ":exit"):
            return False
        self.noticed = set()
        try:
            if self.form is not None:
                self._fill(line)
            elif line:
                self._handle(line)
            self.flush()
        except Exception:  # the shell is a workspace: like Slack, it stays up and says so
            log.exception("the shell failed on %r", line)
            self.say_bot([t(self.lang(), "errors.internal")])
        finally:
            self.save()
        return True

    def _handle(self, line: str) -> None:
        if line.startswith(":"):
            self._meta(line)
        elif line.isdigit() and self._waiting_for_choice(int(line)):
            self._press(self.newest, int(line))
        elif line.startswith("/goal"):
            self.ws.command(line[len("/goal"):].strip(), user=self.me, channel=self._channel_arg())
        elif line.startswith(("/invite", "/join")):
            name, _, rest = line[1:].partition(" ")
            self._meta(f":{name} {rest}")
        elif line.startswith("/"):
            self.note(t(self.lang(), "shell.not_a_slash_command", command=line.split()[0]))
        elif line.startswith(">"):
            if self.last_thread is None:
                self.note(t(self.lang(), "shell.no_thread_yet"))
            else:
                self._reply(self.last_thread, line[1:].strip())
        else:
            if line.isdigit() and self.newest is not None and self._asks_for_a_number():
                # As in Slack, a number typed in the DM is a message, not an answer: say where the answer goes.
                self.note(t(self.lang(), "shell.number_is_a_message", label=self.newest.label, text=line))
            self._post(line)

    def _channel_arg(self) -> str | None:
        return None if ids.is_dm_channel(self.place) else self.place

    def _post(self, text: str, thread_ts: str | None = None, channel: str | None = None) -> None:
        channel = channel or self.place
        if not ids.is_dm_channel(channel):
            found = self.fake.channel(channel)
            if found is None or self.me not in found["members"]:
                self.note(t(self.lang(), "shell.not_in_channel", channel=self.name_of(channel)))
                return
        self.ws.say(text, user=self.me, thread_ts=thread_ts,
                    channel=None if channel == dm_channel_id(self.me) else channel)

    def _waiting_for_choice(self, number: int) -> bool:
        """A bare number presses a button only when the newest message here offers that button and no question
        wants a number; otherwise it is text (a confidence of 3, a target of 8)."""
        if self.newest is None or not any(c.number == number for c in self.newest_choices):
            return False
        if self._asks_for_a_number():
            return False
        with self.ws.deps.sessions() as session:
            convo = get_conversation(session, self.ws.team_id, self.me)
            # "Down to 5%, or really up?" and "track 136 in all?" wait for a button, though asked at Measurable.
            asked = (convo.pending or {}).get("code") if convo is not None else None
            return convo is None or convo.step in (CONFIRM, CHOOSE, SAVED) or asked in (DIRECTION, RATE)

    def _asks_for_a_number(self) -> bool:
        """The newest message is a check-in: its buttons are optional, the number it asks for goes in its thread."""
        return any(c.action_id == ids.ACTION_CHECKIN_UPDATE for c in self.newest_choices)

    # ------------------------------------------------------------------ buttons and threads

    def _find(self, shown: Shown) -> dict[str, Any] | None:
        """The message (or Home view) as it is now."""
        if shown.kind == "home":
            return self.fake.home_view(self.me)
        if shown.kind == "ephemeral":
            return next((m for m in reversed(self.fake.ephemeral_messages(self.me)) if m["ts"] == shown.ts), None)
        return next((m for m in self.fake.messages(shown.channel) if m["ts"] == shown.ts), None)

    def _press(self, shown: Shown | None, number: int) -> None:
        message = self._find(shown) if shown else None
        if shown is None or message is None:
            self.note(t(self.lang(), "shell.message_gone"))
            return
        choices = render_message(message).choices
        choice = next((c for c in choices if c.number == number), None)
        if choice is None:
            lang = self.lang()
            offered = ", ".join(f"{c.number} {c.label}" for c in choices) or t(lang, "shell.no_buttons_left")
            self.note(t(lang, "shell.no_such_button", label=shown.label, number=number, offered=offered))
            return
        if shown.kind == "home":
            self.ws.click_in_view(message, choice.action_id, user=self.me, value=choice.value)
        else:
            self.ws.click(message, choice.action_id, user=self.me, value=choice.value,
                          ephemeral=shown.kind == "ephemeral")

    def _reply(self, shown: Shown, text: str) -> None:
        if shown.kind != "message" or not shown.ts or not text:
            self.note(t(self.lang(), "shell.reply_needs_message"))
            return
        message = self._find(shown)
        parent = (message or {}).get("thread_ts") or shown.ts
        self._post(text, thread_ts=parent, channel=shown.channel)

    def _shown(self, label: str) -> Shown | None:
        shown = self.labels.get(label.strip().lower())
        if shown is None:
            self.note(t(self.lang(), "shell.no_such_label", label=_quoted(label)))
        return shown

    # ------------------------------------------------------------------ : commands

    def _meta(self, line: str) -> None:
        name, _, arg = line[1:].partition(" ")
        arg = arg.strip()
        handler: dict[str, Callable[[str], None]] = {
            "help": lambda a: print(help_text(self.lang()), file=self.out),
            "home": self._home, "as": self._as, "who": self._who, "channel": self._channel,
            "join": self._join, "invite": self._invite, "dm": lambda a: self._enter(dm_channel_id(self.me)),
            "time": self._time, "jobs": self._jobs, "files": self._files,
            "press": self._press_command, "reply": self._reply_command,
            "edit": self._edit_command, "delete": self._delete_command,
            "submit": self._no_form, "cancel": self._no_form,
        }
        if name not in handler:
            self.note(t(self.lang(), "shell.unknown_command", name=name))
            return
        handler[name](arg)

    def _no_form(self, arg: str) -> None:
        self.note(t(self.lang(), "shell.no_form"))

    def _press_command(self, arg: str) -> None:
        label, _, number = arg.partition(" ")
        if not number.strip().isdigit():
            self.note(t(self.lang(), "shell.press_usage"))
            return
        shown = self._shown(label)
        if shown is not None:
            self._press(shown, int(number))

    def _reply_command(self, arg: str) -> None:
        label, _, text = arg.partition(" ")
        shown = self._shown(label) if text.strip() else None
        if not text.strip():
            self.note(t(self.lang(), "shell.reply_usage"))
        elif shown is not None:
            self._reply(shown, text.strip())

    # ------------------------------------------------------------------ editing and deleting one's messages

    def _mine(self) -> list[dict[str, Any]]:
        """The person's own messages in this place (thread replies too), oldest first."""
        return [m for m in self.fake.messages(self.place) if m.get("user") == self.me and not m.get("subtype")
                and not m.get("bot_id")]

    def _which(self, which: str, verb: str) -> dict[str, Any] | None:
        """The person's message `which` names: last, a label (their newest reply in its thread) or a ts."""
        mine = self._mine()
        if not mine:
            self._nothing_to(verb)
            return None
        if which.lower() == "last":
            return mine[-1]
        shown = self.labels.get(which.lower())
        if shown is not None and shown.kind == "message" and shown.channel == self.place:
            message = self._find(shown)
            parent = (message or {}).get("thread_ts") or shown.ts
            replies = [m for m in mine if m.get("thread_ts") == parent and m["ts"] != parent]
            if not replies:
                self.note(t(self.lang(), "shell.not_replied", label=shown.label))
                return None
            return replies[-1]
        found = next((m for m in mine if m["ts"] == which), None)
        if found is None:
            self.note(t(self.lang(), "shell.not_yours", which=_quoted(which), verb=verb))
            self._list_mine(verb)
        return found

    def _list_mine(self, verb: str) -> None:
        """The person's latest messages here, with what :edit and :delete accept for each."""
        mine = self._mine()
        if not mine:
            self._nothing_to(verb)
            return
        lang = self.lang()
        print(t(lang, "shell.latest_mine", verb=verb), file=self.out)
        for message in mine[-8:]:
            thread = self._thread_of(message)
            where = ("" if thread is None else f" ({t(lang, 'shell.in_thread', label=thread)})" if thread
                     else f" ({t(lang, 'shell.in_a_thread')})")
            print(f"  {message['ts']}{where}: {_quoted(str(message.get('text') or ''))}", file=self.out)

    def _nothing_to(self, verb: str) -> None:
        """Say that there is nothing of the person's here to edit (or delete)."""
        lang = self.lang()
        self.note(t(lang, "shell.nothing_to_edit") if verb == "edit" else t(lang, "shell.nothing_to_delete"))

    def _thread_of(self, message: dict[str, Any]) -> str | None:
        """The label of the thread a reply is in ("" when unlabelled), None for a message not in a thread."""
        thread = message.get("thread_ts") if message.get("thread_ts") != message["ts"] else None
        return None if thread is None else self.label_of.get(("message", self.place, thread), "")

    def _where(self, lang: str, message: dict[str, Any]) -> str:
        thread = self._thread_of(message)
        if thread is None:
            return t(lang, "shell.your_message")
        return t(lang, "shell.your_reply_in_thread", label=thread) if thread else t(lang, "shell.your_reply")

    def _edit_command(self, arg: str) -> None:
        which, _, text = arg.partition(" ")
        if not which or not text.strip():
            self.note(t(self.lang(), "shell.edit_usage"))
            self._list_mine("edit")
            return
        message = self._which(which, "edit")
        if message is None:
            return
        if (message.get("text") or "") == text.strip():
            self.note(t(self.lang(), "shell.edit_same"))
            return
        lang = self.lang()
        self.note(t(lang, "shell.edited", what=self._where(lang, message),
                    before=_quoted(str(message.get("text") or "")), after=_quoted(text.strip())))
        self.ws.edit(str(message["ts"]), text.strip(), user=self.me, channel=self._channel_arg())

    def _delete_command(self, arg: str) -> None:
        which = arg.split()[0] if arg.split() else ""
        if not which:
            self.note(t(self.lang(), "shell.delete_usage"))
            self._list_mine("delete")
            return
        message = self._which(which, "delete")
        if message is None:
            return
        lang = self.lang()
        self.note(t(lang, "shell.deleted", what=self._where(lang, message), text=_quoted(str(message.get("text") or ""))))
        self.ws.delete(str(message["ts"]), user=self.me, channel=self._channel_arg())

    def _home(self, arg: str) -> None:
        self.show_home = True
        self.ws.open_home(self.me)

    def _as(self, arg: str) -> None:
        words = arg.split()
        match = NAME.match(words[0].lower()) if words else None
        if match is None:
            self.note(t(self.lang(), "shell.as_usage"))
            return
        name = match.group(1)
        lang = next((w for w in words[1:] if w in ("en", "it")), None)
        tz = next((w for w in words[1:] if "/" in w), None)
        if tz is not None:
            try:
                ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                self.note(t(self.lang(), "shell.not_a_zone", tz=tz))
                return
        if name == BOT_NAME:
            self.note(t(self.lang(), "shell.bot_is_not_a_person"))
            return
        user_id = self.user_by_name(name)
        if user_id is None:
            user_id = "U0" + re.sub(r"[^A-Z0-9]", "", name.upper())[:9]
            lang = lang or self.ws.settings.default_lang
            self.ws.add_user(user_id, name=name, tz=tz, locale="it-IT" if lang == "it" else "en-US")
            # Said to the person who typed :as, in their language: the newcomer speaks from the next line on.
            said = self.lang()
            self.note(t(said, "shell.joined_workspace", name=name, language=t(said, f"shell.languages.{lang}"),
                        tz=tz or self.ws.settings.default_tz))
        elif lang or tz:
            user = next(u for u in self.fake.users() if u["id"] == user_id)
            self.fake.add_user(user_id, name=user["name"], tz=tz or user["tz"],
                               locale=("it-IT" if lang == "it" else "en-US") if lang else user["locale"])
            self.note(t(self.lang(), "shell.profile_changed", name=name, code=lang or "it"))
        self.me = user_id
        self._enter(dm_channel_id(user_id) if ids.is_dm_channel(self.place) else self.place)

    def _who(self, arg: str) -> None:
        said = self.lang()
        for user in self.fake.users():
            marker = f"  {t(said, 'shell.who_you')}" if user["id"] == self.me else ""
            lang = "it" if str(user["locale"]).startswith("it") else "en"
            print(f"  @{user['name']} ({user['id']}) {lang} {user['tz']}{marker}", file=self.out)
        print(f"  @{BOT_NAME} ({self.fake.bot_user_id}) {t(said, 'shell.who_bot')}", file=self.out)
        for channel in self.fake.channels():
            members = [self.name_of(m) for m in channel["members"]] + ([BOT_NAME] if channel["bot_is_member"] else [])
            print(f"  #{channel['name']}: {', '.join('@' + m for m in members)}", file=self.out)

    def _channel(self, arg: str) -> None:
        name = arg.split()[0].lstrip("#").lower() if arg else ""
        if not name:
            self.note(t(self.lang(), "shell.channel_usage"))
            return
        found = self.fake.channel(name)
        if found is None:
            try:
                found = self.fake.create_channel(name, creator=self.me, is_private="private" in arg.split()[1:])
            except WorkspaceError as error:
                self.note(t(self.lang(), "shell.channel_refused", channel=name, code=error.code))
                return
            self.note(t(self.lang(), "shell.channel_created", channel=name))
        elif self.me not in found["members"]:
            if found["is_private"]:
                self.note(t(self.lang(), "shell.channel_private", channel=name))
                return
            self.note(t(self.lang(), "shell.channel_not_joined", channel=name))
        self._enter(found["id"])

    def _join(self, arg: str) -> None:
        channel = arg.lstrip("#") or self.place
        if ids.is_dm_channel(channel):
            self.note(t(self.lang(), "shell.join_in_dm"))
            return
        try:
            joined = self.fake.join_channel(self.me, channel)
        except WorkspaceError as error:
            lang = self.lang()
            self.note(t(lang, "shell.join_refused", channel=arg or t(lang, "shell.this_channel"), code=error.code))
            return
        self._enter(joined["id"])

    def _invite(self, arg: str) -> None:
        words = arg.split()
        if not words or ids.is_dm_channel(self.place):
            self.note(t(self.lang(), "shell.invite_where"))
            return
        who = self.user_by_name(words[0])
        if who is None:
            self.note(t(self.lang(), "shell.nobody_called", name=words[0]))
            return
        try:
            self.fake.invite_to_channel(self.me, who, self.place)
        except WorkspaceError as error:
            self.note(t(self.lang(), "shell.invite_refused", code=error.code))

    def _enter(self, channel: str) -> None:
        self.place = channel
        self.newest, self.newest_choices = None, []
        unseen = [m for m in self.fake.messages(channel) if (channel, m["ts"]) not in self.seen]
        for message in unseen[-8:]:
            self.show_message(message)
        self.seen.update((channel, m["ts"]) for m in unseen)

    def _files(self, arg: str) -> None:
        if not self.files:
            self.note(t(self.lang(), "shell.no_files"))
        for path in self.files.values():
            print(f"  {path}", file=self.out)

    # ------------------------------------------------------------------ time and jobs

    def _time(self, arg: str) -> None:
        now = self.clock()
        lang = self.lang()
        if not arg:
            self.note(t(lang, "shell.time_now", when=self._when(lang, now), tz=self.tz()))
            return
        try:
            target = parse_target(arg, now=now, tz=self.tz())
        except TimeError as error:
            self.note(error.said(lang) + ".")
            return
        if target <= now:
            # Going back is allowed (to replay a date), but the jobs already ran: nothing is sent again.
            self.clock.move_to(target)
            self.note(t(lang, "shell.clock_back", when=self._when(lang, target), tz=self.tz()))
            return
        client = self.ws.app.client
        daily, current = self._daily_times(), now
        while current < target:
            # Recomputed at every stop: a check-in sent on the way sets when its reminder falls due.
            stop = min([*stops(current, target, daily), *self._reminders_due(current, target)])
            with self.clock.stopped_at(stop):
                self._run_jobs(client, sorted(PLANNERS), at_stop=True)
            current = stop
        self.clock.move_to(target)
        self.note(t(lang, "shell.clock_moved", when=self._when(lang, target), tz=self.tz()))

    def _when(self, lang: str, at: datetime) -> str:
        """A moment in the person's time zone and language: "Monday 7 December 2026 09:00"."""
        local = at.astimezone(ZoneInfo(self.tz()))
        return t(lang, "shell.when", day=fmt_date(lang, local.date(), "weekday_year"), time=f"{local:%H:%M}")

    def _daily_times(self) -> set[tuple[str, str]]:
        """Every (HH:MM, time zone) at which a check-in, reminder, review or digest can fall due."""
        settings = self.ws.settings
        with self.ws.deps.sessions() as session:
            zones = {settings.default_tz} | {str(u["tz"]) for u in self.fake.users() if u.get("tz")}
            zones |= {tz for (tz,) in session.query(UserPref.tz).filter(UserPref.tz.is_not(None)) if tz is not None}
            times = {settings.checkin_time, settings.digest_time}
            times |= {hhmm for (hhmm,) in session.query(UserPref.checkin_time)
                      .filter(UserPref.checkin_time.is_not(None)) if hhmm is not None}
            times |= {hhmm for (hhmm,) in session.query(TeamSettings.checkin_time)
                      .filter(TeamSettings.checkin_time.is_not(None)) if hhmm is not None}
            pairs = {(hhmm, tz) for hhmm in times for tz in zones}
            pairs |= {(s.time, s.tz) for s in session.query(DigestSubscription).filter(DigestSubscription.active)}
        return pairs

    def _reminders_due(self, after: datetime, until: datetime) -> list[datetime]:
        """When the reminders of check-ins delivered so far fall due, between `after` and `until`."""
        with self.ws.deps.sessions() as session:
            sent = session.scalars(select(OutboxMessage.sent_at).where(
                OutboxMessage.kind == "checkin", OutboxMessage.status == OutboxStatus.SENT,
                OutboxMessage.sent_at > after - REMINDER_AFTER - TICK, OutboxMessage.sent_at <= until - REMINDER_AFTER))
            due = [at + REMINDER_AFTER + TICK for at in sent if at is not None]
        return [at for at in due if after < at <= until]

    def _run_jobs(self, client: WebClient, names: list[str], *, at_stop: bool = False) -> None:
        """Run jobs as the scheduler would at the clock's time: plan, say what goes out, deliver with progress."""
        planned = {name: int(PLANNERS[name](self.ws.deps, client, self.clock()) or 0) for name in names}
        planned = {name: count for name, count in planned.items() if count}
        if not planned:
            return
        lang = self.lang()
        what = ", ".join(counted(lang, name, count) for name, count in planned.items())
        self.note(t(lang, "shell.sends_at", when=self._when(lang, self.clock()), what=what) if at_stop
                  else t(lang, "shell.sends_late", what=what))
        summary = self._with_progress(lambda: run_job(self.ws.deps, client, OUTBOX_JOB, now=self.clock()),
                                      expected=sum(planned.values()))
        if summary.get("pending") or summary.get("failed"):
            self.note(tn(self.lang(), "shell.outbox_left", summary["pending"], failed=summary["failed"]))

    def catch_up(self) -> None:
        """What fell due while the shell was closed goes out now, as the scheduler would have sent it then."""
        try:
            self._run_jobs(self.ws.app.client, sorted(PLANNERS))
        except Exception:  # the shell still opens: the next :time runs the jobs again
            log.exception("the jobs due at start failed")
            self.say_bot([t(self.lang(), "errors.internal")])

    def _with_progress(self, work: Callable[[], dict[str, Any]], expected: int = 0) -> dict[str, Any]:
        """Run a job on a thread, printing the messages it posts as they arrive (Slack paces posts per channel),
        and every PROGRESS_EVERY seconds how many went out so far."""
        result: dict[str, Any] = {}
        failure: list[BaseException] = []
        posted = [0]

        def count(kind: str, payload: dict[str, Any]) -> None:
            if kind == "message" and payload.get("user") == self.fake.bot_user_id and not payload.get("subtype"):
                posted[0] += 1

        def target() -> None:
            try:
                result.update(work())
            except BaseException as error:  # noqa: BLE001 - re-raised on the shell's thread
                failure.append(error)

        unsubscribe = self.fake.subscribe(count)
        worker = threading.Thread(target=target, name="shell-job", daemon=True)
        try:
            worker.start()
            said_at = time.monotonic()
            while worker.is_alive():
                worker.join(timeout=0.2)
                self.flush(wait=False)
                if time.monotonic() - said_at >= self.PROGRESS_EVERY:
                    # Other people's DMs are not printed here: without this line a long job looks like a hang.
                    lang = self.lang()
                    self.note(tn(lang, "shell.progress_of", expected, posted=posted[0]) if expected
                              else tn(lang, "shell.progress", posted[0]))
                    said_at = time.monotonic()
        finally:
            unsubscribe()
        if failure:
            raise failure[0]
        self.flush()
        return result

    def _jobs(self, arg: str) -> None:
        name = arg or "checkins"
        client = self.ws.app.client
        try:
            summary = self._with_progress(lambda: run_job(self.ws.deps, client, name, now=self.clock()))
        except UnknownJobError:
            self.note(t(self.lang(), "shell.job_unknown", name=_quoted(name), jobs=", ".join(job_names())))
            return
        lang = self.lang()
        if summary["pending"]:
            self.note(t(lang, "shell.job_done_pending", name=name, planned=summary["planned"], sent=summary["sent"],
                        pending=summary["pending"]))
        else:
            self.note(t(lang, "shell.job_done", name=name, planned=summary["planned"], sent=summary["sent"]))

    # ------------------------------------------------------------------ forms (modals)

    def _open_form(self, view: dict[str, Any]) -> None:
        self.form = Form(view, self.lang())
        self._print(self.form.intro(self.name_of))

    def _fill(self, line: str) -> None:
        form = self.form
        assert form is not None
        step = form.take(line)
        self._print(step.lines)
        if step.close:
            self.fake.close_modal()
            self.form = None
        elif step.submit:
            self._submit(form)

    def _submit(self, form: Form) -> None:
        view = self.fake.open_modal() or form.view
        self.form = None
        answer = submission_answer(self.ws.submit(view, form.state(), user=self.me))
        if answer.get("response_action") == "errors":
            self.form = form
            self._print(form.refused(answer.get("errors") or {}))
            return
        top = self.fake.open_modal()
        if top is not None and answer.get("response_action") not in ("update", "push"):
            # A pushed modal was closed: the one beneath is back (update and push arrive as events).
            self.form = Form(top, self.lang())
            self._print(self.form.ask())

    def _print(self, lines: list[str]) -> None:
        for line in lines:
            print(line, file=self.out)

    # ------------------------------------------------------------------ output

    def note(self, text: str) -> None:
        """A line from the shell itself (not from goalbot), in parentheses."""
        print(f"({text})", file=self.out)

    def say_bot(self, lines: list[str], header: str = BOT_NAME) -> None:
        """Print lines as a message from goalbot."""
        print(f"{header}:", file=self.out)
        for line in lines:
            print(f"  {line}", file=self.out)

    def _label(self, kind: str, channel: str | None, ts: str | None) -> Shown:
        key = (kind, channel, ts)
        label = self.label_of.get(key)
        if label is None:
            label = "home" if kind == "home" else f"m{sum(1 for k in self.labels if k != 'home') + 1}"
            self.label_of[key] = label
        shown = Shown(label, kind, channel, ts)
        self.labels[label] = shown
        return shown

    def show_message(self, message: dict[str, Any], *, kind: str = "message", edited: bool = False) -> None:
        """Print a message with who wrote it, where, and its label when it has buttons or a thread."""
        channel = message.get("channel")
        author = message.get("user")
        lang = self.lang()
        if message.get("subtype") == "channel_join":
            inviter = message.get("inviter")
            by = f" ({t(lang, 'shell.invited_by', name=self.name_of(inviter))})" if inviter else ""
            joined = t(lang, "shell.joined_channel", name=self.name_of(str(author)), channel=self.name_of(str(channel)))
            print(f"· {joined}{by}", file=self.out)
            return
        rendered = render_message(message, self.name_of)
        ts = message.get("ts")
        thread_ts = message.get("thread_ts") if message.get("thread_ts") != ts else None
        bot_wrote = author in (None, self.fake.bot_user_id) or kind in ("home", "ephemeral") or message.get("bot_id")
        # goalbot's posts in a channel (a digest) get their thread a moment later (its chart): labelled at once, so
        # the "in thread m2" that follows names a message already on screen.
        in_channel = kind == "message" and not thread_ts and bool(channel) and not ids.is_dm_channel(str(channel))
        labelled = (bool(rendered.choices) or bool(message.get("reply_count")) or kind == "home"
                    or (in_channel and bool(bot_wrote)))
        shown = self._label(kind, channel, ts) if labelled else None
        parent = self.label_of.get(("message", channel, thread_ts)) if thread_ts else None
        if thread_ts and parent is None:
            parent = self._label("message", channel, thread_ts).label
        name = BOT_NAME if bot_wrote else self.name_of(str(author))
        header = t(lang, "shell.app_home") if kind == "home" else name
        notes = []
        if kind == "ephemeral":
            notes.append(t(lang, "shell.only_you"))
        if edited:
            notes.append(t(lang, "shell.edited_mark"))
        if parent:
            notes.append(t(lang, "shell.in_thread", label=parent))
        if channel and channel != self.place and kind == "message":
            notes.append(t(lang, "shell.in_your_dm") if channel == dm_channel_id(self.me)
                         else t(lang, "shell.in_channel", channel=self.name_of(channel)))
        if notes:
            header += f" ({', '.join(notes)})"
        if shown:
            header += f" [{shown.label}]"
        lines = rendered.lines
        if edited and shown is None and ts:
            shown = Shown(self.label_of.get((kind, channel, ts), ""), kind, channel, ts)
            if shown.label:
                header = f"{name} ({t(lang, 'shell.edited_label', label=shown.label)})"
            changed = [line for line in lines if line.startswith("· →")]
            lines = changed or lines  # a closed card: only what was chosen is new
            shown = None
        for item in message.get("files") or []:
            lines.append(self._save_file(lang, item))
        self.say_bot(lines, header)
        if channel and ts:
            self.seen.add((channel, str(ts)))
        if channel in (self.place, None) or kind in ("home", "ephemeral"):
            self.newest, self.newest_choices = shown, rendered.choices
            if kind == "message" and (shown is not None or parent):
                # A reply in a thread (labelled or not) makes that thread the one >TEXT answers.
                self.last_thread = Shown(parent, "message", channel, thread_ts) if parent else shown

    def _save_file(self, lang: str, summary: dict[str, Any]) -> str:
        record = next((f for f in self.fake.files() if f["id"] == summary.get("id")), None)
        title = summary.get("title") or summary.get("name")
        if record is None or record.get("content") is None:
            # Shown again after a restart: the bytes were saved then, the workspace file keeps no copy.
            earlier = self.files.get(str(summary.get("id")))
            return (t(lang, "shell.file_saved", title=title, path=earlier) if earlier
                    else t(lang, "shell.file_missing", title=title))
        FILES_DIR.mkdir(exist_ok=True)
        name = Path(str(record["name"])).name or record["id"]
        path = FILES_DIR / name
        counter = 1
        while path.exists() and path.read_bytes() != record["content"]:
            counter += 1
            path = FILES_DIR / f"{Path(name).stem}-{counter}{Path(name).suffix}"
        path.write_bytes(record["content"])
        self.files[str(record["id"])] = path
        return t(lang, "shell.file_saved", title=record.get("title") or name, path=path)

    def _visible(self, message: dict[str, Any]) -> str:
        """show (print it), notice (one line: something arrived elsewhere) or hide (not this person's to see)."""
        channel = str(message.get("channel") or "")
        if channel == self.place or channel == dm_channel_id(self.me):
            return "show"
        found = self.fake.channel(channel) if not ids.is_dm_channel(channel) else None
        return "notice" if found is not None and self.me in found["members"] else "hide"

    def flush(self, wait: bool = True) -> None:
        """Print everything the workspace shows this person since the last flush."""
        if wait:
            self.ws.wait()
        noticed: set[str] = set()
        while True:
            try:
                kind, payload = self.events.get_nowait()
            except queue.Empty:
                break
            if kind in ("message", "update"):
                if kind == "message" and payload.get("user") == self.me and not payload.get("subtype"):
                    self.seen.add((str(payload.get("channel")), str(payload.get("ts"))))
                    continue  # the person's own messages are already on screen
                visible = self._visible(payload)
                if visible == "show":
                    self.show_message(payload, edited=kind == "update")
                elif visible == "notice" and kind == "message":
                    noticed.add(str(payload.get("channel")))
            elif kind == "user_message" and payload.get("user") == self.me:
                self.seen.add((str(payload.get("channel")), str(payload.get("ts"))))  # typed here, already shown
            elif kind == "ephemeral" and payload.get("user") == self.me:
                self.show_message(payload, kind="ephemeral", edited=bool(payload.get("replaced")))
            elif kind == "home" and self.show_home and payload.get("user_id") in (self.me, None):
                self.show_message({"blocks": payload.get("blocks")}, kind="home")
            elif kind in ("modal_open", "modal_push", "modal_update"):
                self._open_form(payload)
        for channel in sorted(noticed - self.noticed):
            self.note(t(self.lang(), "shell.new_in_channel", channel=self.name_of(channel)))
        self.noticed |= noticed
        if wait:
            self.show_home = False

    def save(self) -> None:
        """Keep the workspace, the clock and who is where for the next run."""
        if self.state_file is None:
            return
        labels = [[kind, channel, ts, label] for (kind, channel, ts), label in self.label_of.items()]
        ShellState(offset=self.clock.offset, user=self.me, place=self.place, labels=labels,
                   workspace=self.fake.snapshot(), files={k: str(v) for k, v in self.files.items()}
                   ).save(self.state_file)

    def resume(self, labels: list[list[Any]]) -> None:
        """Show where the person was: the last messages of the place they were in, with the labels they had."""
        for kind, channel, ts, label in labels:
            self.label_of[(kind, channel, ts)] = label
            self.labels[label] = Shown(label, kind, channel, ts)
        messages = [m for m in self.fake.messages(self.place) if m.get("user") == self.fake.bot_user_id]
        if messages:
            self.note(t(self.lang(), "shell.left_off"))
            for message in messages[-2:]:
                self.show_message(message)
        # Only this place counts as read: entering another (:dm, :as, :channel) shows its latest messages, as
        # opening a conversation in Slack shows its history.
        self.seen.update((str(m["channel"]), str(m["ts"])) for m in self.fake.messages(self.place))


def _quoted(text: str, limit: int = 60) -> str:
    """A person's words on one line, in quotes, shortened."""
    line = " ".join(text.split())
    return f"“{line if len(line) <= limit else line[: limit - 1] + '…'}”"


def quiet_logs(settings: Settings) -> None:
    """Only warnings on the terminal (unless GOALBOT_LOG_LEVEL=DEBUG): the conversation is the output here, and
    INFO lines from jobs and Bolt would interleave with it."""
    if settings.log_level != "DEBUG":
        logging.getLogger().setLevel(logging.WARNING)


def run_shell(settings: Settings, *, user_id: str = "U0LOCAL", stdin: TextIO = sys.stdin,
              stdout: TextIO = sys.stdout, notice: tuple[str, dict[str, str]] | None = None) -> int:
    """Run the interactive loop until :quit or end of input; `notice` (a catalog key and its parameters) is said
    first, in the language of the person played, as everything after it."""
    quiet_logs(settings)
    path = state_path(settings.database_url)
    state = ShellState.load(path)
    clock = ShellClock(state.offset)
    workspace = LocalWorkspace(settings, clock=clock)
    workspace.fake.restore(state.workspace)
    # The fake answers at once and limits nothing, so Slack's 1 post/s/channel pacing would only make the
    # person wait: a week of check-ins arrives as fast as it is planned.
    client = workspace.app.client
    shared_limits(str(client.base_url), str(client.token or ""), settings.slack_posts_per_minute).channels = \
        ChannelPacer(interval=0.0)
    shell: Shell | None = None
    try:
        me = _resolve_user(workspace, user_id, state.user)
        shell = Shell(workspace, me, stdout, clock=clock, state_file=path)
        shell.files = {k: Path(v) for k, v in state.files.items()}
        if state.place and (not ids.is_dm_channel(state.place) or state.place == dm_channel_id(me)):
            shell.place = state.place
        if notice is not None:
            print(t(shell.lang(), notice[0], **notice[1]), file=stdout)
        print(t(shell.lang(), "shell.banner"), file=stdout)
        shell.resume(state.labels)
        shell.catch_up()
        interactive = stdin.isatty() and stdin is sys.stdin
        if interactive:
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401 - line editing and history for input()
        while True:
            if interactive:
                try:
                    line = input(shell.prompt())
                except EOFError:
                    break
            else:
                line = stdin.readline()
                if not line:
                    break
                print(f"{shell.prompt()}{line.rstrip()}", file=stdout)
            if not shell.handle(line):
                break
    except KeyboardInterrupt:
        pass
    finally:
        if shell is not None:
            shell.save()
        workspace.close()
    return 0


def _resolve_user(workspace: LocalWorkspace, requested: str | None, remembered: str | None) -> str:
    """The person to play: --user (an id such as U0MANAGER, or @name), else the one from last time, else you."""
    users = {u["id"]: u for u in workspace.fake.users()}
    wanted = requested or remembered or "U0LOCAL"
    if wanted.startswith("@"):
        name = wanted[1:].lower()
        found = next((uid for uid, u in users.items() if u["name"].lower() == name), None)
        if found:
            return str(found)
        user_id = "U0" + re.sub(r"[^A-Z0-9]", "", name.upper())[:9]
        workspace.add_user(user_id, name=name, locale=terminal_locale())
        return user_id
    if wanted not in users:
        workspace.add_user(wanted, name="you" if wanted == "U0LOCAL" else wanted.lower().removeprefix("u0"),
                           locale=terminal_locale())
    return wanted
