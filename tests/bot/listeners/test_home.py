"""The App Home tab: published when opened and after each change, most relevant goals first, within 100 blocks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot import ids
from bot.local.workspace import LocalWorkspace
from prompts import t
from storage.models import CheckIn, UserPref
from tests.bot.conftest import all_text, dm_texts
from tests.bot.listeners.test_goal_conversation import goals_of
from tests.bot.listeners.test_manage import add_checkin, add_goal, goal_of, last_modal, submit_edit


def home(ws: LocalWorkspace, user: str) -> dict[str, Any]:
    view = ws.fake.home_view(user)
    assert view is not None, "no Home view was published"
    return view


def home_text(ws: LocalWorkspace, user: str) -> str:
    return all_text({"blocks": home(ws, user)["blocks"]})


def test_opening_the_home_tab_publishes_the_dashboard(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 11, 16))
    add_checkin(workspace, goal_id, date(2026, 11, 30), 2.0, note="two referrals", mood="on_track")
    workspace.open_home("U1")
    text = home_text(workspace, "U1")
    assert "acquire 10 new clients in the next six months" in text
    assert t("en", "measure.reach", pair="2 of 10 clients", date="26 May 2027") in text
    assert "▰▰▱▱▱▱▱▱▱▱ 20%" in text
    assert "Next check-in: *Monday 30 November* at 09:00" in text
    assert "two referrals" in text and "30 Nov" in text
    # One check-in is no trend, and the values can span three weeks from the start (16 November) on 7 December.
    assert t("en", "forecast.not_enough_until", date="7 December 2026") in text
    for action_id in (ids.ACTION_HOME_NEW_GOAL, ids.ACTION_HOME_CHECKIN, ids.ACTION_HOME_EDIT):
        assert action_id in str(home(workspace, "U1")["blocks"])


def test_the_home_shows_the_forecast_from_the_check_in_history(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 11, 2), deadline=date(2027, 2, 22))
    # One client a week from zero on 2 November: 10 on 11 January, 16 by the deadline.
    for week, value in ((date(2026, 11, 16), 2.0), (date(2026, 11, 30), 4.0), (date(2026, 12, 14), 6.0)):
        add_checkin(workspace, goal_id, week, value)
    workspace.open_home("U1")
    text = home_text(workspace, "U1")
    assert t("en", "forecast.reach", date="11 January 2027", deadline="22 February 2027") in text


def test_goal_list_shows_the_forecast_too(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", start_date=date(2026, 11, 2), deadline=date(2027, 2, 22))
    add_checkin(workspace, goal_id, date(2026, 11, 30), 4.0)
    add_goal(workspace, "U1", title="no check-ins yet")
    workspace.command("list", user="U1")
    text = all_text(workspace.fake.ephemeral_messages("U1")[-1])
    assert t("en", "forecast.not_enough") in text  # neither one check-in nor none is a trend
    assert "1 clients" not in text and "goals." in text


def test_the_home_speaks_the_owners_language(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U2", title="acquisire 10 nuovi clienti", lang="it")
    workspace.open_home("U2")
    text = home_text(workspace, "U2")
    assert t("it", "home.header") in text and "lunedì 30 novembre" in text and "Aggiorna" in text


def test_without_goals_the_home_offers_to_start_one(workspace: LocalWorkspace) -> None:
    workspace.open_home("U1")
    blocks = home(workspace, "U1")["blocks"]
    assert t("en", "home.empty") in all_text({"blocks": blocks})
    assert ids.ACTION_HOME_NEW_GOAL in str(blocks) and ids.ACTION_HOME_CHECKIN not in str(blocks)


def test_a_paused_owner_sees_the_pause_and_the_check_in_after_it(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    with workspace.deps.sessions() as session:
        session.add(UserPref(team_id=workspace.team_id, user_id="U1", paused_until=date(2026, 12, 10)))
        session.commit()
    workspace.open_home("U1")
    text = home_text(workspace, "U1")
    assert "paused until 10 December 2026" in text and "Monday 14 December" in text


def test_opening_the_messages_tab_publishes_nothing(workspace: LocalWorkspace) -> None:
    add_goal(workspace, "U1")
    workspace.dispatch(*workspace.requests.app_home_opened(user="U1", tab="messages"))
    assert workspace.fake.home_view("U1") is None


def test_the_home_refreshes_after_an_edit_and_after_done(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.open_home("U1")
    workspace.click_in_view(home(workspace, "U1"), ids.ACTION_HOME_EDIT, user="U1", value=str(goal_id))
    submit_edit(workspace, "U1", target="14", reason="a new territory")
    text = home_text(workspace, "U1")
    assert "of 14 clients" in text and "Adjusted on 26 Nov" in text and "a new territory" in text

    workspace.command(f"drop {goal_id} all signed elsewhere", user="U1")
    text = home_text(workspace, "U1")
    assert "Closed goals" in text and f"{t('en', 'pace.dropped')} on 26 Nov" in text and "all signed" in text
    assert ids.ACTION_HOME_EDIT not in str(home(workspace, "U1")["blocks"])


@pytest.mark.both_databases
def test_the_new_goal_button_starts_the_conversation_in_the_dm(workspace: LocalWorkspace) -> None:
    workspace.open_home("U1")
    workspace.click_in_view(home(workspace, "U1"), ids.ACTION_HOME_NEW_GOAL, user="U1")
    assert t("en", "ask.what") in dm_texts(workspace, "U1")[-1]
    workspace.say("acquire 10 new clients in the next six months", user="U1")
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]


def checkins_of(ws: LocalWorkspace, goal_id: int) -> list[CheckIn]:
    with ws.deps.sessions() as session:
        return list(session.scalars(select(CheckIn).where(CheckIn.goal_id == goal_id)))


@pytest.mark.both_databases
def test_the_check_in_button_opens_the_check_in_modal(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.open_home("U1")
    workspace.click_in_view(home(workspace, "U1"), ids.ACTION_HOME_CHECKIN, user="U1", value=str(goal_id))
    modal = last_modal(workspace)
    assert modal["callback_id"] == ids.VIEW_CHECKIN
    # The week's check-in is asked in the DM too, so closing the modal still leaves it to answer there.
    [checkin] = checkins_of(workspace, goal_id)
    assert checkin.week_start == date(2026, 11, 23) and checkin.status == "asked" and checkin.message_ts
    workspace.submit(modal, {ids.BLOCK_CHECKIN_VALUE: {ids.INPUT_CHECKIN_VALUE: "4"},
                             ids.BLOCK_CHECKIN_NOTE: {ids.INPUT_CHECKIN_NOTE: "two demos booked"}}, user="U1")
    [checkin] = checkins_of(workspace, goal_id)
    assert (checkin.status, checkin.value, checkin.note) == ("answered", 4.0, "two demos booked")
    assert goal_of(workspace, goal_id).current == 4


@pytest.mark.both_databases
def test_the_check_in_all_button_asks_every_goal_in_the_dm(workspace: LocalWorkspace) -> None:
    first = add_goal(workspace, "U1")
    second = add_goal(workspace, "U1", title="book 30 discovery calls")
    workspace.open_home("U1")
    workspace.click_in_view(home(workspace, "U1"), ids.ACTION_HOME_CHECKIN, user="U1", value="all")
    assert len(checkins_of(workspace, first)) == len(checkins_of(workspace, second)) == 1
    texts = dm_texts(workspace, "U1")
    assert any("acquire 10 new clients" in t for t in texts) and any("book 30 discovery calls" in t for t in texts)


def test_the_edit_button_opens_the_edit_modal(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.open_home("U1")
    workspace.click_in_view(home(workspace, "U1"), ids.ACTION_HOME_EDIT, user="U1", value=str(goal_id))
    assert last_modal(workspace)["callback_id"] == ids.VIEW_EDIT_GOAL


def test_a_stale_home_button_for_a_closed_goal_gets_a_clear_answer(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.open_home("U1")
    stale = home(workspace, "U1")
    workspace.command(f"drop {goal_id}", user="U1")
    workspace.click_in_view(stale, ids.ACTION_HOME_EDIT, user="U1", value=str(goal_id))
    assert "already closed (dropped)" in dm_texts(workspace, "U1")[-1]
    assert goal_of(workspace, goal_id).status == "dropped"


def test_many_goals_fit_in_100_blocks_most_urgent_first(workspace: LocalWorkspace) -> None:
    for number in range(30):
        add_goal(workspace, "U1", title=f"goal number {number}", deadline=date(2027, 5, 26) - timedelta(days=number))
    # Off track by its numbers (0 of 10 with most of its time gone), whatever the stored `pace` says.
    urgent = add_goal(workspace, "U1", title="the one off track", pace="on_track", deadline=date(2027, 6, 30),
                      start_date=date(2026, 1, 1), current=0)
    workspace.open_home("U1")
    view = home(workspace, "U1")
    assert len(view["blocks"]) <= 100
    text = all_text({"blocks": view["blocks"]})
    assert text.index("the one off track") < text.index("goal number 29") < text.index("goal number 28")
    assert "goal number 0" not in text  # the latest deadline is the one left out
    assert f"*#{urgent}*" in text
    assert "more goals aren't shown here" in text and "/goal list" in text


def test_goal_text_in_the_home_is_escaped(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1", title="<!channel> beat <@U2>")
    add_checkin(workspace, goal_id, date(2026, 11, 30), 1.0, note="<https://evil.example|prize>")
    workspace.open_home("U1")
    text = home_text(workspace, "U1")
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text and "<https://evil" not in text


def test_a_slack_error_on_publish_does_not_break_the_change(workspace: LocalWorkspace) -> None:
    goal_id = add_goal(workspace, "U1")
    workspace.open_home("U1")
    workspace.fake.fail_next("views.publish", status=200, error="not_enabled")
    workspace.command(f"drop {goal_id}", user="U1")
    assert goal_of(workspace, goal_id).status == "dropped"
    assert "Dropped" in all_text(workspace.fake.ephemeral_messages("U1")[-1])
    assert [c.response.get("error") for c in workspace.fake.calls("views.publish")] == [None, "not_enabled"]


def test_home_is_published_again_when_a_goal_is_saved_in_the_conversation(workspace: LocalWorkspace) -> None:
    workspace.open_home("U1")
    assert t("en", "home.empty") in home_text(workspace, "U1")
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("8 - referrals from existing clients", user="U1")
    workspace.say("expand into the healthcare market", user="U1")
    workspace.say("yes", user="U1")
    home = workspace.fake.home_view("U1")
    assert home is not None and "acquire 10 new clients" in str(home)


def test_a_person_who_never_opened_the_home_gets_it_built_when_they_first_open_it(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    for answer in ("8 - referrals from existing clients", "expand into the healthcare market", "yes"):
        workspace.say(answer, user="U1")
    goal_id = goals_of(workspace, "U1")[0].id
    workspace.command(f"drop {goal_id}", user="U1")
    assert workspace.fake.calls("views.publish") == []  # no Home built for a tab nobody has looked at
    workspace.open_home("U1")
    opened = home_text(workspace, "U1")
    assert t("en", "home.closed_header") in opened and "acquire 10 new clients" in opened
    workspace.open_home("U1")  # every open publishes it again, the first one only is noted
    assert len(workspace.fake.calls("views.publish")) == 2
