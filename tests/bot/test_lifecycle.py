"""A workspace's lifecycle through signed events and the CLI: uninstall and token revocation stop every send,
user_change refreshes a person's time zone and locale, purge erases a workspace, housekeeping trims tables."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from bot.cli import main
from bot.edge.signature import Fingerprints
from bot.jobs.housekeeping import housekeep
from bot.jobs.registry import PLANNERS
from bot.local.workspace import LocalWorkspace
from storage.models import (
    Goal,
    GoalProposal,
    Objective,
    OutboxMessage,
    ProcessedEvent,
    ReportingLine,
    UserPref,
    Workspace,
    slack_oauth_states,
)
from tests.bot.checkin_support import add_goal, run


def queue_checkin_without_sending(ws: LocalWorkspace) -> None:
    """A check-in planned into the outbox and not delivered yet."""
    assert PLANNERS["checkins"](ws.deps, ws.app.client, ws.deps.clock()) == 1


def outbox_statuses(ws: LocalWorkspace) -> list[str]:
    with ws.deps.sessions() as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


@pytest.mark.parametrize("event", ["app_uninstalled", "tokens_revoked"])
def test_uninstall_or_revoked_token_cancels_waiting_messages_and_stops_the_scheduler(
        workspace: LocalWorkspace, event: str) -> None:
    add_goal(workspace, "U1")
    queue_checkin_without_sending(workspace)
    assert outbox_statuses(workspace) == ["pending"]
    body, headers = getattr(workspace.requests, event)()
    response = workspace.dispatch(body, headers)
    assert response.status == 200
    assert outbox_statuses(workspace) == ["cancelled"]
    with workspace.deps.sessions() as session:
        row = session.get(Workspace, workspace.team_id)
        assert row is not None
        assert (row.uninstalled_at if event == "app_uninstalled" else row.tokens_revoked_at) is not None
    workspace.fake.reset_calls()
    add_goal(workspace, "U2")
    summary = run(workspace, at=workspace.deps.clock() + timedelta(days=7))
    assert summary["planned"] == 0 and summary["sent"] == 0
    assert workspace.fake.calls("chat.postMessage") == []


@pytest.mark.parametrize("event", ["app_uninstalled", "tokens_revoked"])
def test_a_workspace_that_installs_again_is_active_again_at_its_next_request(
        workspace: LocalWorkspace, event: str, caplog: pytest.LogCaptureFixture) -> None:
    workspace.command("help", user="U1")  # seen active just before: the uninstall must still be looked at
    add_goal(workspace, "U1")
    workspace.dispatch(*getattr(workspace.requests, event)())
    workspace.dispatch(*workspace.requests.tokens_revoked())  # Slack sends both; neither brings it back
    with workspace.deps.sessions() as session:
        row = session.get(Workspace, workspace.team_id)
        assert row is not None and (row.uninstalled_at or row.tokens_revoked_at) is not None
    with caplog.at_level("INFO", logger="bot.services.workspaces"):
        workspace.command("help", user="U1")  # only an installed app hears from a workspace
    assert any(f"workspace {workspace.team_id} is active again" in r.getMessage() for r in caplog.records)
    with workspace.deps.sessions() as session:
        row = session.get(Workspace, workspace.team_id)
        assert row is not None and row.uninstalled_at is None and row.tokens_revoked_at is None
    summary = run(workspace, at=workspace.deps.clock() + timedelta(days=7))
    assert summary["planned"] == 1 and summary["sent"] == 1


def test_a_revoked_user_token_alone_changes_nothing(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    queue_checkin_without_sending(workspace)
    body = json.loads(workspace.requests.tokens_revoked(user_ids=["U1"])[0])
    body["event"]["tokens"]["bot"] = []
    raw = json.dumps(body)
    assert workspace.dispatch(raw, workspace.requests.sign(raw)).status == 200
    assert outbox_statuses(workspace) == ["pending"]


def user_change(ws: LocalWorkspace, user_id: str, *, tz: str, locale: str) -> str:
    event = {"type": "user_change", "event_ts": "1764583200.000100",
             "user": {"id": user_id, "team_id": ws.team_id, "name": user_id.lower(), "tz": tz,
                      "tz_offset": 0, "locale": locale, "profile": {"display_name": "Anna B."}}}
    return json.dumps({"token": "x", "team_id": ws.team_id, "api_app_id": "A0001", "event": event,
                       "type": "event_callback", "event_id": ws.requests.next_event_id(), "event_time": 1764583200,
                       "authorizations": [{"enterprise_id": None, "team_id": ws.team_id, "user_id": "UBOT",
                                           "is_bot": True, "is_enterprise_install": False}]})


def test_user_change_refreshes_the_time_zone_and_locale_of_someone_goalbot_knows(workspace: LocalWorkspace) -> None:
    workspace.command("help", user="U1")  # U1 has used goalbot: Rome, English
    raw = user_change(workspace, "U1", tz="America/New_York", locale="it-IT")
    assert workspace.dispatch(raw, workspace.requests.sign(raw)).status == 200
    with workspace.deps.sessions() as session:
        pref = session.get(UserPref, (workspace.team_id, "U1"))
        assert pref is not None and (pref.tz, pref.slack_locale, pref.display_name) == (
            "America/New_York", "it-IT", "Anna B.")
    raw = user_change(workspace, "U9", tz="Asia/Tokyo", locale="en-US")  # a stranger: nothing stored
    assert workspace.dispatch(raw, workspace.requests.sign(raw)).status == 200
    with workspace.deps.sessions() as session:
        assert session.get(UserPref, (workspace.team_id, "U9")) is None


def test_workspace_purge_counts_first_then_deletes_only_that_workspace(
        workspace: LocalWorkspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    add_goal(workspace, "U1")
    workspace.command("help", user="U1")
    now = workspace.deps.clock()
    with workspace.deps.sessions() as session:
        session.add(Goal(**{c.name: getattr(session.get(Goal, 1), c.name) for c in Goal.__table__.columns
                            if c.name != "id"} | {"team_id": "T0OTHER"}))
        for team in (workspace.team_id, "T0OTHER"):  # the managers' tables, in both workspaces
            session.add(ReportingLine(team_id=team, user_id="U1", manager_id="U9", set_by="U9", set_at=now))
            session.add(Objective(team_id=team, title="Enter healthcare", owner_id="U9", created_at=now))
            session.add(GoalProposal(team_id=team, owner_id="U1", manager_id="U9", origin="manager", status="open",
                                     awaiting="U1", draft={}, created_at=now, updated_at=now))
        session.commit()
    monkeypatch.setenv("DATABASE_URL", workspace.settings.database_url)
    assert main(["workspace", "purge", workspace.team_id]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["would_delete"]["goals"] == 1 and dry["would_delete"]["people"] == 1
    assert (dry["would_delete"]["teams"], dry["would_delete"]["objectives"], dry["would_delete"]["proposals"]) == (
        1, 1, 1)
    with workspace.deps.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Goal)) == 2
    assert main(["workspace", "purge", workspace.team_id, "--yes"]) == 0
    assert json.loads(capsys.readouterr().out)["deleted"]["goals"] == 1
    with workspace.deps.sessions() as session:
        assert list(session.scalars(select(Goal.team_id))) == ["T0OTHER"]
        for model in (ReportingLine, Objective, GoalProposal):
            assert list(session.scalars(select(model.team_id))) == ["T0OTHER"]
        assert session.scalar(select(func.count()).select_from(UserPref)) == 0
    assert main(["workspace", "purge", "not-a-team"]) == 2


def test_housekeeping_forgets_old_event_ids_fingerprints_and_sent_messages(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    run(workspace)  # one check-in sent
    now = workspace.deps.clock()
    with workspace.deps.sessions() as session:
        session.add_all([ProcessedEvent(event_id="Ev0OLD", received_at=now - timedelta(hours=2)),
                         ProcessedEvent(event_id="Ev0NEW", received_at=now - timedelta(minutes=5))])
        session.commit()
    fingerprints = Fingerprints(workspace.deps.sessions)
    assert fingerprints.remember("old", now - timedelta(minutes=11))
    assert fingerprints.remember("new", now - timedelta(minutes=1))
    with workspace.deps.sessions() as session:  # two installs started in a browser, one long abandoned
        session.execute(insert(slack_oauth_states), [
            {"state": "old", "expire_at": now.replace(tzinfo=None) - timedelta(minutes=1)},
            {"state": "new", "expire_at": now.replace(tzinfo=None) + timedelta(minutes=9)}])
        session.commit()
    workspace.say("hello", user="U1")  # a DM message: its inbox row is done once answered
    assert housekeep(workspace.deps, now) == {"processed_events": 1, "request_fingerprints": 1, "outbox": 0,
                                              "oauth_states": 1, "inbox_events": 0}
    assert not fingerprints.remember("new", now) and fingerprints.remember("old", now)  # "old" was forgotten
    assert housekeep(workspace.deps, now + timedelta(hours=2))["inbox_events"] == 1
    assert housekeep(workspace.deps, now + timedelta(days=31))["outbox"] == 2  # the check-in, and the answer
    with workspace.deps.sessions() as session:
        assert list(session.scalars(select(ProcessedEvent.event_id))) == []
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    fingerprints.close()
