"""Fixtures for the listener tests: a workspace with managers, reps, an admin and an outsider."""

from __future__ import annotations

import pytest

from bot.local.workspace import LocalWorkspace


@pytest.fixture
def team(workspace: LocalWorkspace) -> LocalWorkspace:
    """Anna (EN) and Marco (IT) are reps; Mia manages in English, Luca in Italian; Vera is Mia's manager;
    Ada is a Slack admin; Eve is nobody to anyone; two people show as "Sam"."""
    fake = workspace.fake
    fake.add_user("UM", name="mia", tz="Europe/Rome", locale="en-US")
    fake.add_user("UL", name="luca", tz="Europe/Rome", locale="it-IT")
    fake.add_user("UV", name="vera", tz="Europe/Rome", locale="en-US")
    fake.add_user("UADM", name="ada", tz="Europe/Rome", locale="en-US", is_admin=True)
    fake.add_user("UE", name="eve", tz="Europe/Rome", locale="en-US")
    fake.add_user("US1", name="sam.smith", display_name="Sam", tz="Europe/Rome")
    fake.add_user("US2", name="sam.jones", display_name="Sam", tz="Europe/Rome")
    return workspace
