"""Installs in several workspaces (OAuth) over the real HTTP server: two workspaces install goalbot through
/slack/install → Slack's authorize page (the fake's) → /slack/oauth_redirect (oauth.v2.access), then each sets a
goal, a check-in time, a digest and an export through signed requests — with the same user and channel ids in
both, so anything keyed by a person or a channel alone would show — and neither sees the other's. One
uninstalls and stops; it installs again and comes back."""

from __future__ import annotations

import csv
import html
import http.client
import io
import logging
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot import ids
from bot.app import build_app
from bot.clock import FixedClock, VirtualTimer
from bot.deps import Deps
from bot.installs import BOT_SCOPES, InstallationClients, NotInstalledError, client_for
from bot.jobs.runner import run_job
from bot.runtime import make_deps
from bot.server import HttpServer, make_http_server
from bot.settings import Settings, SettingsError
from slackfake import FAKE_SIGNING_SECRET, FakeSlackWebAPI, SlackRequestFactory, post
from storage.models import Workspace
from tests.bot.conftest import all_text, make_settings

CLIENT_ID, CLIENT_SECRET = "1111.2222", "oauth-client-secret"
GOALS = {"T0001": "acquire 10 new clients in healthcare in the next six months",
         "T0002": "acquire 7 new clients in banking in the next six months"}
MONDAY_9_ROME = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
TUESDAY_930_ROME = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)


class Team:
    """One workspace as its people use goalbot: signed requests to the server, what Slack shows them."""

    def __init__(self, fake: FakeSlackWebAPI, url: str, deps: Deps) -> None:
        self.fake, self.url, self.deps = fake, url, deps
        self.team_id = fake.team_id
        self.requests = SlackRequestFactory(FAKE_SIGNING_SECRET, self.team_id, clock=time.time,
                                            bot_user_id=fake.bot_user_id, bot_id=fake.bot_id,
                                            team_domain=fake.team_domain, response_url_for=fake.response_url)
        fake.add_user("U1", name="anna", tz="Europe/Rome", locale="en-US")
        fake.add_channel("C0SALES", name="sales", members=["U1"])

    def send(self, body: str, headers: dict[str, str]) -> int:
        """POST a signed request to /slack/events and wait until goalbot's work after the ack is done."""
        status, _, _ = post(f"{self.url}/slack/events", body, headers)
        assert self.deps.executor.wait_idle(60)
        return status

    def command(self, text: str, *, channel: str | None = None) -> int:
        """U1 types `/goal TEXT` (in the DM with goalbot unless a channel is given)."""
        found = self.fake.channel(channel) if channel else None
        return self.send(*self.requests.slash_command(text, user_id="U1", channel_id=channel,
                                                      channel_name=found["name"] if found else None))

    def say(self, text: str) -> int:
        """U1 writes in the DM with goalbot."""
        message = self.fake.add_user_message("U1", text)
        return self.send(*self.requests.message_event(text, user="U1", ts=message["ts"]))

    def set_goal(self) -> None:
        """The whole SMART conversation, as a person has it."""
        self.command(GOALS[self.team_id])
        self.say("8 - two demos a week")
        self.say("enter a new market")
        self.say("yes")

    def dm(self) -> list[str]:
        """goalbot's messages in U1's DM here, as readable text."""
        return [all_text(m) for m in self.fake.dm_messages("U1") if m.get("user") == self.fake.bot_user_id]

    def answers(self) -> str:
        """Everything goalbot answered U1 only to them (ephemeral) here."""
        return "\n".join(all_text(m) for m in self.fake.ephemeral_messages("U1"))

    def cards(self) -> list[dict[str, Any]]:
        """The check-in cards in U1's DM here."""
        return [m for m in self.fake.dm_messages("U1") if m.get("user") == self.fake.bot_user_id
                and ids.ACTION_CHECKIN_UPDATE in str(m.get("blocks"))]

    def tokens_used(self) -> set[str | None]:
        """The tokens goalbot called this workspace's Web API with."""
        return {call.token for call in self.fake.calls()
                if call.method not in ("oauth.v2.access", "response_url", "upload")}  # not Web API methods


def get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
    """A browser's GET that does not follow redirects: status, headers, body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}" if parts.query else parts.path,
                           headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8")
    finally:
        connection.close()


def install(base: str, team_id: str) -> str:
    """Someone in `team_id` installs goalbot: /slack/install, Slack's approval, /slack/oauth_redirect; the page."""
    status, headers, page = get(f"{base}/slack/install")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]  # Bolt ties the state to the installer's browser
    authorize = html.unescape(re.search(r'href="([^"]+oauth/v2/authorize[^"]*)"', page).group(1))  # type: ignore[union-attr]
    assert "state=" in authorize and "scope=" in authorize
    status, headers, _ = get(f"{authorize}&team={team_id}")  # the person approves on Slack's page
    assert status == 302
    status, _, page = get(headers["Location"], cookie)
    assert status == 200, page
    return page


@pytest.fixture
def server(database_url: str, clock: FixedClock) -> Iterator[tuple[str, Deps, FakeSlackWebAPI]]:
    """goalbot in OAuth mode over HTTP, in front of a fake Slack with two workspaces; nothing installed yet."""
    fake = FakeSlackWebAPI(team_id="T0001").start()
    fake.add_workspace("T0002")
    fake.oauth_client = (CLIENT_ID, CLIENT_SECRET)
    settings = make_settings(database_url, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                             SLACK_SIGNING_SECRET=FAKE_SIGNING_SECRET, SLACK_API_URL=fake.base_url,
                             GOALBOT_RESPONSE_URL_PREFIXES=f"{fake.root_url}/response/")
    deps = make_deps(settings, clock, timer=VirtualTimer())
    app = build_app(deps)
    http_server: HttpServer = make_http_server(app, deps, "127.0.0.1", 0)
    threading.Thread(target=http_server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{http_server.server_port}"
    fake.redirect_urls = [f"{url}/slack/oauth_redirect"]  # the manifest's redirect URL, as Slack knows it
    yield url, deps, fake
    http_server.shutdown()
    deps.executor.shutdown(wait=True)
    deps.sessions.kw["bind"].dispose()
    fake.stop()


@pytest.fixture
def teams(server: tuple[str, Deps, FakeSlackWebAPI]) -> dict[str, Team]:
    """Both workspaces installed through the redirect flow."""
    url, deps, fake = server
    for team_id in ("T0001", "T0002"):
        assert "Thank you" in install(url, team_id)
    return {team_id: Team(fake.workspace(team_id), url, deps) for team_id in ("T0001", "T0002")}


def run(deps: Deps, job: str, at: datetime) -> dict[str, Any]:
    """A scheduled job as the scheduler runs it, with the app's client (each workspace's token)."""
    deps.clock.set(at)  # type: ignore[attr-defined]
    client = build_client(deps)
    return run_job(deps, client, job, now=at)


def build_client(deps: Deps) -> InstallationClients:
    """The client the scheduler is given in OAuth mode (`goalbot worker` builds the same)."""
    assert deps.installations is not None
    return InstallationClients(deps.installations, deps.settings.api_url, sleep=deps.timer.sleep)


def test_two_workspaces_install_and_never_see_each_other(teams: dict[str, Team],
                                                         server: tuple[str, Deps, FakeSlackWebAPI]) -> None:
    deps = server[1]
    a, b = teams["T0001"], teams["T0002"]
    for team in (a, b):
        team.set_goal()
        assert any("Saved" in text and GOALS[team.team_id] in text for text in team.dm()), team.dm()

    # Goals: each lists its own.
    for team, other in ((a, b), (b, a)):
        team.command("list")
        assert GOALS[team.team_id] in team.answers() and GOALS[other.team_id] not in team.answers()

    # Settings: A's U1 checks in on Tuesdays; B's U1 keeps the default Monday.
    a.command("checkin-time tuesday 09:30")
    assert run(deps, "checkins", MONDAY_9_ROME)["sent"] == 1
    assert (len(a.cards()), len(b.cards())) == (0, 1)
    assert run(deps, "checkins", TUESDAY_930_ROME)["sent"] == 1
    assert (len(a.cards()), len(b.cards())) == (1, 1)
    assert GOALS["T0002"] in all_text(b.cards()[0]) and GOALS["T0001"] in all_text(a.cards()[0])

    # Digests: the same channel id in both workspaces; each digest shows its own team's goal.
    for team, other in ((a, b), (b, a)):
        team.command("digest #sales friday 16:00", channel="C0SALES")
        team.command("digest now #sales", channel="C0SALES")
        posts = [all_text(m) for m in team.fake.messages("C0SALES") if m.get("user") == team.fake.bot_user_id]
        assert GOALS[team.team_id] in "\n".join(posts) and GOALS[other.team_id] not in "\n".join(posts)

    # Exports: each CSV holds its own goal only.
    for team, other in ((a, b), (b, a)):
        team.command("export")
        [upload] = [f for f in team.fake.files() if f["name"].endswith(".csv")]
        rows = list(csv.DictReader(io.StringIO(upload["content"].decode("utf-8"))))
        assert {r["title"] for r in rows} == {GOALS[team.team_id]}
        assert GOALS[other.team_id] not in upload["content"].decode("utf-8")

    # Every Web API call in a workspace was made with that workspace's own token.
    token_a, token_b = a.tokens_used(), b.tokens_used()
    assert len(token_a) == 1 and len(token_b) == 1 and token_a != token_b


def test_an_uninstalled_workspace_stops_and_a_reinstall_brings_it_back(
        teams: dict[str, Team], server: tuple[str, Deps, FakeSlackWebAPI], caplog: pytest.LogCaptureFixture) -> None:
    url, deps, fake = server
    a, b = teams["T0001"], teams["T0002"]
    for team in (a, b):
        team.set_goal()
    fake.uninstall("T0002")
    assert b.send(*b.requests.app_uninstalled()) == 200
    assert deps.installations is not None
    assert deps.installations.find_bot(enterprise_id=None, team_id="T0002") is None
    with pytest.raises(NotInstalledError):
        client_for(build_client(deps), "T0002")

    b.fake.reset_calls()
    assert run(deps, "checkins", MONDAY_9_ROME)["sent"] == 1  # A's check-in only
    assert (len(a.cards()), len(b.cards())) == (1, 0)
    assert b.fake.calls("chat.postMessage") == []
    # B's requests are refused now (no installation): nothing done, nothing answered there.
    b.command("list")
    assert b.fake.ephemeral_messages("U1") == [] or GOALS["T0002"] not in b.answers()

    with caplog.at_level(logging.INFO, logger="bot.services.workspaces"):
        assert "Thank you" in install(url, "T0002")
    assert any("T0002 is active again" in r.getMessage() for r in caplog.records)
    with deps.sessions() as session:
        row = session.get(Workspace, "T0002")
        assert row is not None and row.uninstalled_at is None and row.tokens_revoked_at is None
    assert run(deps, "checkins", datetime(2026, 12, 7, 8, 0, tzinfo=UTC))["sent"] == 2  # both, the next Monday
    assert (len(a.cards()), len(b.cards())) == (2, 1)


def test_an_install_with_a_forged_state_or_code_saves_nothing(server: tuple[str, Deps, FakeSlackWebAPI]) -> None:
    url, deps, _ = server
    status, headers, _ = get(f"{url}/slack/install")
    cookie = headers["Set-Cookie"].split(";")[0]
    status, _, _ = get(f"{url}/slack/oauth_redirect?code=made-up&state=made-up", cookie)
    assert status in (400, 401)
    assert deps.installations is not None
    assert deps.installations.find_bot(enterprise_id=None, team_id="T0001") is None


@pytest.mark.one_database
def test_the_scopes_asked_at_install_are_the_manifests() -> None:
    manifest = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text())
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES


@pytest.mark.one_database
@pytest.mark.parametrize(("env", "says"), [
    ({"SLACK_CLIENT_ID": CLIENT_ID}, "SLACK_CLIENT_SECRET is missing"),
    ({"SLACK_CLIENT_SECRET": CLIENT_SECRET}, "SLACK_CLIENT_ID is missing"),
    ({"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET, "SLACK_BOT_TOKEN": "xoxb-1"}, "not both"),
    ({"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET, "SLACK_REDIRECT_URI": "host/x"},
     "SLACK_REDIRECT_URI"),
])
def test_oauth_settings_are_checked_at_start_up(env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        Settings.from_env(env, env_file=None)


@pytest.mark.one_database
def test_the_authorize_page_sits_beside_the_web_api() -> None:
    assert Settings.from_env({}, env_file=None).authorize_url == "https://slack.com/oauth/v2/authorize"
    fake = Settings.from_env({"SLACK_API_URL": "http://127.0.0.1:9/api/"}, env_file=None)
    assert fake.authorize_url == "http://127.0.0.1:9/oauth/v2/authorize"

