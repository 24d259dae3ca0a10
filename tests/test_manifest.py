"""manifest.yml validates against Slack's v1 manifest schema and matches what the code binds and calls."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from bot.ids import GOAL_COMMAND

ROOT = Path(__file__).resolve().parent.parent
# Vendored from slackapi/manifest-schema (MIT, see fixtures/MANIFEST_SCHEMA_LICENSE) so the test runs offline.
SCHEMA_PATH = Path(__file__).resolve().parent / "fixtures" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    """manifest.yml parsed with safe_load."""
    loaded = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_manifest_is_valid_against_v1_schema(manifest: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    errors = sorted(Draft7Validator(schema).iter_errors(manifest), key=lambda e: list(e.absolute_path))
    report = "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    assert not errors, report
    assert "_metadata" not in manifest  # v1: absent means major_version 1


def test_display_information_limits(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert info["name"] == "goalbot"
    assert len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    # The schema spells this constraint "regex", which JSON Schema ignores, so check it here.
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", info["background_color"]), info["background_color"]


def test_slash_command_matches_code(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [GOAL_COMMAND]
    assert commands[0]["should_escape"] is True  # people arrive as <@U…|name>, channels as <#C…|name>
    assert "url" not in commands[0]  # Socket Mode


def test_scopes_cover_what_the_app_calls(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "im:history", "users:read", "commands", "files:write"} <= scopes
    assert len(scopes) == len(manifest["oauth_config"]["scopes"]["bot"])


def test_events_and_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    events = settings["event_subscriptions"]["bot_events"]
    assert {"message.im", "app_home_opened"} <= set(events)
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert "request_url" not in settings["event_subscriptions"] and "request_url" not in settings["interactivity"]
    home = manifest["features"]["app_home"]
    # message.im only reaches the app if users can write in the Messages tab.
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is False
