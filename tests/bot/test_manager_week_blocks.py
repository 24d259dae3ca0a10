"""The manager's week as Block Kit for a big team: a line with *Comment* per report while Slack's 50 blocks
allow, then the rest of the team in one line with a menu, so every report can be commented on."""

from __future__ import annotations

from datetime import date

from bot import ids
from bot.blocks.common import MAX_BLOCKS
from bot.blocks.digests import DigestView
from bot.blocks.manager_week import manager_week
from bot.services.manager_week import ManagerWeek
from prompts import t

MONDAY = date(2026, 11, 23)


def test_every_report_of_a_big_team_can_be_commented_on() -> None:
    reports = [f"UREP{n:02d}" for n in range(60)]
    view = DigestView(lang="en", week_start=MONDAY, today=MONDAY, people=[(r, []) for r in reports],
                      names={r: f"rep{r[-2:]}" for r in reports})
    blocks = manager_week("en", ManagerWeek("UMGR", reports, view, [])).payload()["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    buttons = [b["accessory"]["value"] for b in blocks
               if (b.get("accessory") or {}).get("action_id") == ids.ACTION_WEEK_COMMENT]
    [menu] = [b["accessory"] for b in blocks if (b.get("accessory") or {}).get("action_id") == ids.ACTION_WEEK_COMMENT_PICK]
    listed = [option["value"] for option in menu["options"]]
    assert buttons + listed == reports  # worst first, as the view orders them; nobody twice, nobody left out
    assert menu["options"][0]["text"]["text"] == f"@rep{listed[0][-2:]}"
    assert t("en", "week.reports_label") in str(blocks)


def test_the_comment_hint_comes_only_with_comment_buttons() -> None:
    # Reports without goals get no Comment button: the hint about the buttons was shown all the same.
    hint = t("en", "week.comment_hint")
    nobody = DigestView(lang="en", week_start=MONDAY, today=MONDAY, people=[])
    assert hint not in str(manager_week("en", ManagerWeek("UMGR", ["UREP01"], nobody, [])).payload()["blocks"])
    one = DigestView(lang="en", week_start=MONDAY, today=MONDAY, people=[("UREP01", [])])
    assert hint in str(manager_week("en", ManagerWeek("UMGR", ["UREP01"], one, [])).payload()["blocks"])
