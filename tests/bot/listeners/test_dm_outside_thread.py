"""A number typed in the DM itself, not in a check-in's thread: never recorded, and never met with a greeting."""

from __future__ import annotations

import pytest

from bot.local.workspace import LocalWorkspace
from prompts import t, tn
from tests.bot.checkin_support import add_goal, goal_of, last_card, run
from tests.bot.conftest import dm_texts

USERS = [("en", "U1", "now at 7"), ("it", "U2", "siamo a 7")]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user,update", USERS)
def test_an_update_typed_outside_the_thread_is_pointed_to_its_check_in(workspace: LocalWorkspace, lang: str,
                                                                       user: str, update: str) -> None:
    goal_id = add_goal(workspace, user, title="Sign 10 <!channel> clients", current=4, lang=lang)
    run(workspace)
    workspace.say(update, user=user)
    answer = dm_texts(workspace, user)[-1]
    assert tn(lang, "checkin.reply_in_thread", 1, titles="*Sign 10 &lt;!channel&gt; clients*") in answer
    assert goal_of(workspace, goal_id).current == 4  # which goal it is about is the thread's to say: not recorded


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user,update", USERS)
def test_with_several_check_ins_waiting_each_is_named(workspace: LocalWorkspace, lang: str, user: str,
                                                      update: str) -> None:
    add_goal(workspace, user, title="Sign 10 clients", lang=lang)
    add_goal(workspace, user, title="Book 40 meetings", target=40, unit="meetings", lang=lang)
    run(workspace)
    workspace.say(update, user=user)
    assert tn(lang, "checkin.reply_in_thread", 2,
              titles="*Sign 10 clients*, *Book 40 meetings*") in dm_texts(workspace, user)[-1]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user,update", USERS)
def test_with_no_check_in_waiting_a_number_gets_the_greeting(workspace: LocalWorkspace, lang: str, user: str,
                                                             update: str) -> None:
    add_goal(workspace, user, lang=lang)  # no check-in asked yet
    workspace.say(update, user=user)
    assert t(lang, "goal.no_conversation") in dm_texts(workspace, user)[-1]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user,update", USERS)
def test_a_new_figure_after_this_weeks_answer_is_pointed_to_the_thread_not_greeted(
    workspace: LocalWorkspace, lang: str, user: str, update: str,
) -> None:
    # A shell session's: "aggiornamento: il fatturato è salito a 190k" in the DM, the week already answered,
    # got "Ciao! Ti aiuto a impostare…", as if nothing had been said.
    goal_id = add_goal(workspace, user, title="Sign 10 clients", current=4, lang=lang)
    run(workspace)
    card = last_card(workspace, user)
    workspace.say("5", user=user, thread_ts=card["ts"])
    workspace.say(update, user=user)
    answer = dm_texts(workspace, user)[-1]
    assert tn(lang, "checkin.update_in_thread", 1, titles="*Sign 10 clients*") in answer
    assert t(lang, "goal.no_conversation") not in answer
    assert goal_of(workspace, goal_id).current == 5  # still not recorded from outside the thread
