"""`/goal export`: a CSV (or JSON) of goals and check-ins uploaded to the person's DM; a digest channel's team."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.local.workspace import LocalWorkspace
from prompts import t, tn
from slackfake.web_api import dm_channel_id
from storage.models import DigestSubscription, Goal
from tests.bot.conftest import NOW, all_text
from tests.bot.listeners.test_manage import add_checkin, add_goal, ephemeral_texts


def uploaded(ws: LocalWorkspace) -> dict[str, Any]:
    files = ws.fake.files()
    assert files, "nothing was uploaded"
    return files[-1]


def csv_rows(ws: LocalWorkspace) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(uploaded(ws)["content"].decode("utf-8"))))


def subscribe(ws: LocalWorkspace, channel: str, by: str) -> None:
    with ws.deps.sessions() as session:
        session.add(DigestSubscription(team_id=ws.team_id, channel_id=channel, weekday=4, time="16:00",
                                       tz="Europe/Rome", lang="en", created_by=by, active=True, created_at=NOW))
        session.commit()


def test_export_sends_a_csv_of_goals_and_check_ins_to_the_dm(workspace: LocalWorkspace) -> None:
    first = add_goal(workspace, "U1")
    add_checkin(workspace, first, date(2026, 11, 30), 2.0, note="two referrals",
                answered_at=datetime(2026, 11, 30, 9, 30, tzinfo=UTC))
    add_checkin(workspace, first, date(2026, 12, 7), 3.0, mood="at_risk", blocker="legal review")
    add_goal(workspace, "U1", title="book 30 discovery calls", metric="meetings", unit="meetings", target=30.0)
    add_goal(workspace, "U2", title="not Anna's")
    workspace.command("export", user="U1")

    upload = uploaded(workspace)
    assert upload["channels"] == [dm_channel_id("U1")]
    assert upload["name"].endswith(".csv") and "2026-11-26" in upload["name"]
    rows = csv_rows(workspace)
    assert [(r["id"], r["checkin_week_start"], r["checkin_value"]) for r in rows] == [
        (str(first), "2026-11-30", "2.0"), (str(first), "2026-12-07", "3.0"), (str(first + 1), "", "")]
    assert rows[0]["title"] == "acquire 10 new clients in the next six months"
    assert rows[0]["target"] == "10.0" and rows[0]["deadline"] == "2027-05-26" and rows[0]["status"] == "active"
    assert rows[0]["checkin_note"] == "two referrals" and rows[1]["checkin_blocker"] == "legal review"
    assert rows[1]["checkin_mood"] == "at_risk"
    assert all(r["user_id"] == "U1" for r in rows)


def test_export_in_json_keeps_text_verbatim_with_revisions(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.command(f"edit {goal_id} target 12 because =cmd|' /C calc'!A0", user="U1")
    workspace.command("export json", user="U1")
    data = json.loads(uploaded(workspace)["content"])
    [goal] = data["goals"]
    assert goal["target"] == 12.0
    assert goal["revisions"][0]["reason"] == "=cmd|' /C calc'!A0"
    assert goal["revisions"][0]["before"] == "10" and goal["revisions"][0]["after"] == "12"


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", title='=HYPERLINK("https://evil.example","click")')
    add_checkin(workspace, goal_id, date(2026, 11, 30), 2.0, note="@SUM(1+1)*cmd")
    workspace.command(f"done {goal_id} +ok, signed early", user="U1")
    workspace.command("export", user="U1")
    [row] = csv_rows(workspace)
    assert row["title"] == '\'=HYPERLINK("https://evil.example","click")'
    assert row["checkin_note"] == "'@SUM(1+1)*cmd" and row["closed_note"] == "'+ok, signed early"


def test_export_from_a_channel_says_where_the_file_went(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="sales", members=["U1"])
    add_goal(workspace, "U1")
    workspace.command("export", user="U1", channel="C1")
    assert t("en", "export.sent") in ephemeral_texts(workspace, "U1")[-1]
    assert uploaded(workspace)["channels"] == [dm_channel_id("U1")]


def test_export_without_goals_says_so_instead_of_an_empty_file(workspace: LocalWorkspace) -> None:
    workspace.command("export", user="U1")
    assert workspace.fake.files() == []
    assert t("en", "manage.no_goals") in ephemeral_texts(workspace, "U1")[-1]


def test_a_slack_error_during_the_upload_is_told_to_the_person(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    workspace.fake.fail_next("files.completeUploadExternal", status=200, error="not_allowed_token_type")
    workspace.command("export", user="U1")
    assert t("en", "export.failed", error="not_allowed_token_type") in ephemeral_texts(workspace, "U1")[-1]


@pytest.mark.both_databases
def test_the_digest_subscriber_exports_the_channels_public_goals_without_notes(workspace: LocalWorkspace) -> None:
    workspace.add_user("U3", name="giulia")
    workspace.fake.add_channel("C1", name="sales-team", members=["U1", "U2", "U3"])
    subscribe(workspace, "C1", by="U1")
    marco = add_goal(workspace, "U2", title="marco's goal")
    add_checkin(workspace, marco, date(2026, 11, 23), 3.0, note="private thoughts about Acme")
    add_goal(workspace, "U3", title="giulia's goal")
    secret = add_goal(workspace, "U3", title="giulia's private goal")
    with workspace.deps.sessions() as session:
        session.get_one(Goal, secret).visibility = "private"
        session.commit()
    workspace.command("export <#C1|sales-team>", user="U1")
    rows = csv_rows(workspace)
    assert sorted(r["title"] for r in rows) == ["giulia's goal", "marco's goal"]
    assert "checkin_note" not in rows[0] and "private thoughts" not in uploaded(workspace)["content"].decode()
    assert uploaded(workspace)["channels"] == [dm_channel_id("U1")]
    assert "<#C1>" in (uploaded(workspace)["initial_comment"] or "")


def test_a_plain_member_who_did_not_set_the_digest_up_cannot_export_it(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="sales-team", members=["U1", "U2"])
    subscribe(workspace, "C1", by="U2")
    add_goal(workspace, "U2", title="marco's goal")
    workspace.command("export #sales-team", user="U1")
    assert workspace.fake.ephemeral_messages("U1")[-1]["text"] == " ".join([
        t("en", "refused.who.channel_leads"), t("en", "refused.named", people="<@U2>")])
    assert workspace.fake.files() == []


def test_someone_outside_the_channel_cannot_export_its_team(workspace: LocalWorkspace) -> None:
    workspace.add_user("U3", name="giulia")
    workspace.fake.add_channel("C1", name="sales-team", members=["U1", "U2"])
    subscribe(workspace, "C1", by="U3")  # even the one who set it up, once they have left the channel
    add_goal(workspace, "U2", title="marco's goal")
    workspace.command("export <#C1|sales-team>", user="U3")
    assert workspace.fake.ephemeral_messages("U3")[-1]["text"] == t("en", "refused.who.channel_members")
    assert workspace.fake.files() == []


def test_a_channel_without_a_digest_has_no_team_to_export(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C2", name="random", members=["U1", "U2"])
    workspace.command("export <#C2|random>", user="U1")
    assert t("en", "export.no_digest", channel="<#C2>") in ephemeral_texts(workspace, "U1")[-1]
    workspace.command("export to everyone", user="U1")
    assert t("en", "export.usage") in all_text(workspace.fake.ephemeral_messages("U1")[-1])
    assert workspace.fake.files() == []


@pytest.mark.both_databases
def test_a_manager_exports_their_reports_goals_private_ones_and_notes_included(workspace: LocalWorkspace) -> None:
    # A shell session's manager found no way to export their team: `/goal export` said "You have no goals yet",
    # `/goal export team` and `/goal export @ava` only repeated the usage.
    workspace.add_user("UM", name="mia", tz="Europe/Rome", locale="it-IT")
    workspace.command("team add @anna @marco", user="UM")
    anna = add_goal(workspace, "U1", title="anna's goal")
    add_checkin(workspace, anna, date(2026, 11, 23), 3.0, note="private thoughts about Acme")
    secret = add_goal(workspace, "U2", title="marco's private goal")
    with workspace.deps.sessions() as session:
        session.get_one(Goal, secret).visibility = "private"
        session.commit()
    add_goal(workspace, "UM", title="mia's own goal")
    workspace.command("esporta team", user="UM")
    rows = csv_rows(workspace)
    assert sorted({r["title"] for r in rows}) == ["anna's goal", "marco's private goal"]  # up the line: all of them
    assert "private thoughts about Acme" in uploaded(workspace)["content"].decode()
    assert uploaded(workspace)["channels"] == [dm_channel_id("UM")]
    assert uploaded(workspace)["initial_comment"] == tn("it", "export.reports_comment", 2)

    workspace.command("export @anna", user="UM")  # one report's
    assert {r["title"] for r in csv_rows(workspace)} == {"anna's goal"}
    assert uploaded(workspace)["initial_comment"] == tn("it", "export.person_comment", 1, person="<@U1>")


def test_someone_who_is_not_up_the_line_cannot_export_a_persons_goals(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U2", title="marco's goal")
    workspace.command("export @marco", user="U1")
    assert not workspace.fake.files()
    said = ephemeral_texts(workspace, "U1")[-1]
    assert "marco's goal" not in said and t("en", "export.usage") not in said  # refused in words, nothing uploaded
    workspace.command("export team", user="U1")  # no reports: the team answer, not an empty file
    assert t("en", "team.empty") in ephemeral_texts(workspace, "U1")[-1]
