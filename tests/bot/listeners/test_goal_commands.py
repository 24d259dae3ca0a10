"""`/goal` subcommands and bad input: every answer is clear, localized, and never pings anyone."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.local.workspace import LocalWorkspace
from prompts import t, tn
from storage.models import Goal
from tests.bot.conftest import all_text, dm_texts


def ephemeral_texts(ws: LocalWorkspace, user: str) -> list[str]:
    return [all_text(m) for m in ws.fake.ephemeral_messages(user)]


def save_goal(ws: LocalWorkspace, user: str, sentence: str) -> None:
    ws.command(sentence, user=user)
    ws.say("€200k", user=user)  # the amount "+15%" grows from
    ws.say("8 - referrals and two demos a week", user=user)
    ws.say("expand into the healthcare market", user=user)
    ws.say("yes", user=user)


def test_help_explains_every_subcommand(workspace: LocalWorkspace) -> None:
    workspace.command("help", user="U1")
    [text] = ephemeral_texts(workspace, "U1")
    assert t("en", "help.text") in text
    for name in ("list", "checkin", "pause", "edit", "done", "drop", "digest", "export", "lang", "cancel"):
        assert f"/goal {name}" in text


def test_help_in_italian_for_an_italian_locale(workspace: LocalWorkspace) -> None:
    workspace.command("aiuto", user="U2")
    [text] = ephemeral_texts(workspace, "U2")
    assert t("it", "help.text") in text


def test_list_shows_goals_with_progress_and_deadline(workspace: LocalWorkspace) -> None:
    save_goal(workspace, "U1", "acquire 10 new clients in the next six months")
    workspace.command("list", user="U1")
    text = ephemeral_texts(workspace, "U1")[-1]
    assert "acquire 10 new clients in the next six months" in text
    assert t("en", "measure.reach", pair="0 of 10 clients", date="26 May 2027") in text
    assert "0 clients of 10 clients" not in text and "1 goals" not in text
    assert tn("en", "list.fallback", 1) in text


def test_list_without_goals_says_how_to_start(workspace: LocalWorkspace) -> None:
    workspace.command("list", user="U1")
    assert t("en", "list.empty") in ephemeral_texts(workspace, "U1")[-1]


def test_lang_switches_the_conversation_language(workspace: LocalWorkspace) -> None:
    workspace.command("lang it", user="U1")
    assert t("it", "lang.set") in ephemeral_texts(workspace, "U1")[-1]
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    assert t("it", "ask.achievable") in dm_texts(workspace, "U1")[-1]


def test_lang_with_an_unknown_language_lists_the_choices(workspace: LocalWorkspace) -> None:
    workspace.command("lang fr", user="U1")
    text = ephemeral_texts(workspace, "U1")[-1]
    assert t("en", "lang.usage", value="fr") in text


def test_unknown_subcommand_gets_a_hint_in_the_person_language(workspace: LocalWorkspace) -> None:
    workspace.command("frobnicate", user="U2")
    text = ephemeral_texts(workspace, "U2")[-1]
    assert t("it", "errors.unknown_subcommand", name="frobnicate") in text


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "lang", "typed", "who", "goal"), [
    ("U1", "en", "<@U2|marco> acquire 10 new clients in the next six months", "@marco",
     "acquire 10 new clients in the next six months"),
    ("U2", "it", "@anna ridurre il churn al 4% entro giugno", "@anna", "ridurre il churn al 4% entro giugno"),
    ("U1", "en", "<@U2> win 3 <new> logos", "<@U2>", "win 3 &lt;new&gt; logos"),
])
def test_a_goal_sentence_that_starts_with_a_person_is_asked_about_and_sets_nothing(
        workspace: LocalWorkspace, user: str, lang: str, typed: str, who: str, goal: str) -> None:
    workspace.command(typed, user=user)
    assert t(lang, "goal.names_someone", who=who, goal=goal) in ephemeral_texts(workspace, user)[-1]
    assert dm_texts(workspace, user) == []  # no conversation started: nothing about them is set for the caller
    with workspace.deps.sessions() as session:
        assert session.scalars(select(Goal)).all() == []


def test_mrkdwn_control_sequences_are_stored_verbatim_and_never_ping(workspace: LocalWorkspace) -> None:
    sentence = "<!channel> increase sales of <@U999> & <#C1|sales> product X by 15% next quarter <!here>"
    save_goal(workspace, "U1", sentence)
    workspace.command("list", user="U1")
    with workspace.deps.sessions() as session:
        goal = session.scalars(select(Goal)).one()
    assert goal.title == sentence
    posted = workspace.fake.calls("chat.postMessage") + workspace.fake.calls("response_url")
    assert posted
    for call in posted:
        payload = json.dumps(call.params)
        for sequence in ("<!channel>", "<!here>", "<@U999>", "<#C1"):
            assert sequence not in payload
    assert "&lt;!channel&gt;" in ephemeral_texts(workspace, "U1")[-1]


def test_emoji_and_accents_survive_the_round_trip(workspace: LocalWorkspace) -> None:
    sentence = "🚀 aumentare le vendite del prodotto Più™ del 15% nel prossimo trimestre"
    save_goal(workspace, "U2", sentence)
    with workspace.deps.sessions() as session:
        assert session.scalars(select(Goal.title)).one() == sentence


def test_text_over_the_limit_gets_a_clear_answer(workspace: LocalWorkspace) -> None:
    workspace.command("increase sales " + "x" * 5000, user="U1")
    assert t("en", "errors.too_long", limit=1000) in dm_texts(workspace, "U1")[-1]


def test_empty_message_during_a_conversation_repeats_the_question(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("   ", user="U1")
    texts = dm_texts(workspace, "U1")
    assert t("en", "errors.empty") in texts[-2] and t("en", "ask.achievable") in texts[-1]


def test_numbers_in_either_locale_format_are_read(workspace: LocalWorkspace) -> None:
    workspace.command("portare il fatturato dei clienti retail da 1.234,5 a 2.000,5 euro entro fine anno", user="U2")
    workspace.say("8 - campagna", user="U2")
    workspace.say("crescita del fatturato retail", user="U2")
    workspace.say("sì", user="U2")
    workspace.command("increase revenue of retail accounts from 1,234.5 to 2,000.5 euro by end of year", user="U1")
    workspace.say("8 - campaign", user="U1")
    workspace.say("grow retail revenue", user="U1")
    workspace.say("yes", user="U1")
    with workspace.deps.sessions() as session:
        values = session.execute(select(Goal.baseline, Goal.target).order_by(Goal.id)).all()
    assert [tuple(v) for v in values] == [(1234.5, 2000.5), (1234.5, 2000.5)]


def test_the_list_names_the_goal_still_being_set_up_as_not_saved(workspace: LocalWorkspace) -> None:
    workspace.command("acquisire 10 nuovi clienti nei prossimi sei mesi <!here>", user="U2")
    workspace.command("list", user="U2")
    unfinished = t("it", "list.unfinished", title="acquisire 10 nuovi clienti nei prossimi sei mesi &lt;!here&gt;")
    listed = ephemeral_texts(workspace, "U2")[-1]
    assert unfinished in listed and t("it", "list.empty") not in listed  # not "you have no goals" and silence
    for answer in ("7 - due demo a settimana", "entrare nel mercato sanitario", "sì"):
        workspace.say(answer, user="U2")
    workspace.command("list", user="U2")
    assert t("it", "list.unfinished", title="X").split("X")[0] not in ephemeral_texts(workspace, "U2")[-1]
