"""A Slack workspace in one process: the fake Web API, signed Slack requests and the real Bolt app."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

from slack_bolt import App, BoltResponse

from bot import ids
from bot.app import build_app
from bot.clock import Clock, system_clock
from bot.deps import Deps
from bot.runtime import make_deps
from bot.settings import Settings
from slackfake import FAKE_BOT_TOKEN, FAKE_SIGNING_SECRET, FakeSlackWebAPI, SlackRequestFactory


class LocalWorkspace:
    """Drives the real app through Bolt's dispatch with signed requests; the Web API is answered in-process."""

    def __init__(self, settings: Settings, *, clock: Clock = system_clock, team_id: str = "T0001",
                 fake: FakeSlackWebAPI | None = None) -> None:
        self.fake = fake or FakeSlackWebAPI(team_id=team_id)
        self.fake.start()
        self.settings = dataclasses.replace(settings, api_url=self.fake.base_url, bot_token=FAKE_BOT_TOKEN,
                                            signing_secret=FAKE_SIGNING_SECRET, app_token=None,
                                            client_id=None, client_secret=None,  # one workspace, one token
                                            response_url_prefixes=(f"{self.fake.root_url}/response/",))
        self.deps: Deps = make_deps(self.settings, clock)
        self.app: App = build_app(self.deps)
        # Signatures use the real time: Bolt rejects requests more than five minutes from its own clock.
        self.requests = SlackRequestFactory(FAKE_SIGNING_SECRET, team_id, clock=time.time,
                                            response_url_for=self.fake.response_url)
        self.team_id = team_id

    def add_user(self, user_id: str, *, name: str = "", tz: str | None = None, locale: str | None = None) -> None:
        """Add a member to the workspace (time zone and locale as users.info reports them)."""
        self.fake.add_user(user_id, name=name or user_id.lower(), tz=tz or self.settings.default_tz,
                           locale=locale or ("it-IT" if self.settings.default_lang == "it" else "en-US"))

    def dispatch(self, body: str, headers: dict[str, str]) -> BoltResponse:
        """Send one signed request through Bolt and wait until the work after the ack is done."""
        response = self.app.dispatch(self.requests.bolt_request(body, headers))
        self.wait()
        return response

    def wait(self, timeout: float = 60.0) -> None:
        """Wait until no listener or lazy listener is running (the timeout only catches a hang, on a busy machine)."""
        if not self.deps.executor.wait_idle(timeout):
            raise TimeoutError(f"goalbot was still working after {timeout:.0f} s")

    def command(self, text: str, *, user: str, channel: str | None = None) -> BoltResponse:
        """Type `/goal TEXT` (in the bot's DM unless a channel is given)."""
        found = self.fake.channel(channel) if channel else None
        return self.dispatch(*self.requests.slash_command(
            text, user_id=user, channel_id=found["id"] if found else channel,
            channel_name=found["name"] if found and found.get("name") else None))

    def say(self, text: str, *, user: str, thread_ts: str | None = None, event_id: str | None = None,
            retry_num: int | None = None, channel: str | None = None) -> BoltResponse | None:
        """Type a message in the DM with the bot, or in a channel (in a thread when thread_ts is given).

        goalbot subscribes to DM messages only (manifest.yml), so a channel message is posted and goes no further.
        """
        message = self.fake.add_user_message(user, text, thread_ts=thread_ts, channel=channel)
        if not ids.is_dm_channel(message["channel"]):
            return None
        parent = next((m for m in self.fake.messages(message["channel"]) if m["ts"] == thread_ts), None)
        body, headers = self.requests.message_event(
            text, user=user, ts=message["ts"], thread_ts=thread_ts, event_id=event_id,
            parent_user_id=(parent or {}).get("user", self.fake.bot_user_id) if thread_ts else None,
            retry_num=retry_num, retry_reason="http_timeout" if retry_num else None)
        return self.dispatch(body, headers)

    def edit(self, ts: str, text: str, *, user: str, event_id: str | None = None, retry_num: int | None = None,
             channel: str | None = None) -> BoltResponse | None:
        """Edit one's own message: Slack changes it and, in the DM with the bot, sends message_changed (redeliver
        with event_id). goalbot subscribes to DM messages only, so an edit in a channel goes no further."""
        edit = self.fake.edit_user_message(user, ts, text, channel=channel)
        message, previous = edit["message"], edit["previous_message"]
        if not ids.is_dm_channel(str(message["channel"])):
            return None
        body, headers = self.requests.message_event(
            text, user=user, ts=ts, thread_ts=message.get("thread_ts"), subtype="message_changed",
            edited=message["edited"], previous_text=previous["text"], event_id=event_id, retry_num=retry_num,
            retry_reason="http_timeout" if retry_num else None)
        return self.dispatch(body, headers)

    def delete(self, ts: str, *, user: str, event_id: str | None = None,
               channel: str | None = None) -> BoltResponse | None:
        """Delete one's own message: Slack removes it and, in the DM with the bot, sends message_deleted."""
        deleted = self.fake.delete_user_message(user, ts, channel=channel)
        if not ids.is_dm_channel(str(deleted["channel"])):
            return None
        body, headers = self.requests.message_event(
            deleted["text"], user=user, ts=ts, thread_ts=deleted.get("thread_ts"), subtype="message_deleted",
            event_id=event_id)
        return self.dispatch(body, headers)

    def click(self, message: dict[str, Any], action_id: str, *, user: str, value: str | None = None,
              ephemeral: bool = False) -> BoltResponse:
        """Click a button of a posted (or ephemeral) message, found by action_id (and value when several share it)."""
        button, block_id = find_button(message, action_id, value)
        return self.dispatch(*self.requests.block_actions(
            user_id=user, action_id=action_id, value=button.get("value", ""), block_id=block_id or "actions",
            message=message, action_text=(button.get("text") or {}).get("text", ""), is_ephemeral=ephemeral))

    def click_in_view(self, view: dict[str, Any], action_id: str, *, user: str, value: str | None = None) -> BoltResponse:
        """Click a button in a Home tab or modal."""
        button, block_id = find_button(view, action_id, value)
        return self.dispatch(*self.requests.block_actions(
            user_id=user, action_id=action_id, value=button.get("value", ""), block_id=block_id or "actions",
            container_type="view", view=view, action_text=(button.get("text") or {}).get("text", "")))

    def submit(self, view: dict[str, Any], values: dict[str, dict[str, Any]], *, user: str) -> BoltResponse:
        """Submit a modal with the given input values; the fake applies the app's answer (close, errors, update)."""
        response = self.dispatch(*self.requests.view_submission(
            user_id=user, callback_id=view.get("callback_id", ""), values=values, view=view))
        if response.status == 200 and view.get("id"):
            self.fake.answer_submission(str(view["id"]), submission_answer(response))
        return response

    def open_home(self, user: str) -> BoltResponse:
        """Open the App Home tab."""
        return self.dispatch(*self.requests.app_home_opened(user=user, view=self.fake.home_view(user)))

    def close(self) -> None:
        """Stop the fake server and release the database."""
        self.fake.stop()
        self.deps.executor.shutdown(wait=True)


def submission_answer(response: BoltResponse) -> dict[str, Any]:
    """The app's ack to a view_submission as JSON ({} for an empty ack, which closes the modal)."""
    body = response.body if isinstance(response.body, str) else ""
    try:
        answer = json.loads(body) if body.strip() else {}
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def find_button(container: dict[str, Any], action_id: str, value: str | None = None) -> tuple[dict[str, Any], str | None]:
    """Return the button with this action_id (and value, or a value ending in ":value") in a message or view."""
    for block in container.get("blocks") or []:
        elements = list(block.get("elements") or [])
        if block.get("accessory"):
            elements.append(block["accessory"])
        for element in elements:
            found = str(element.get("value") or "")
            if element.get("action_id") == action_id and (value is None or value in (found, found.rpartition(":")[2])):
                return element, block.get("block_id")
    raise LookupError(f"no button {action_id!r} (value {value!r}) in {container.get('text') or container.get('type')}")
