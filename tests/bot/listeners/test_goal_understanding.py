"""What the SMART conversation says back when a goal sentence was read from loose words: signed requests in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.local.workspace import LocalWorkspace
from prompts import fmt_date, t
from storage.models import Goal
from tests.bot.conftest import all_text, dm_texts, last_bot_message, make_settings, say_goal

# Variants differ in words only (the language, the phrasing): the first runs on both databases, the rest on SQLite.
pytestmark = pytest.mark.variants_on_one_database


def _saved_goal(ws: LocalWorkspace, user: str) -> Goal:
    with ws.deps.sessions() as session:
        [goal] = list(session.scalars(select(Goal).where(Goal.user_id == user)))
        return goal


def _to_summary(ws: LocalWorkspace, user: str) -> str:
    ws.say("8 - two demos a week", user=user)
    ws.say("grow the mid-market segment", user=user)
    return all_text(last_bot_message(ws, user))


def test_a_weekday_that_disagrees_with_the_date_is_asked_about(workspace: LocalWorkspace) -> None:
    workspace.command("chiudere 5 contratti entro venerdì 19 dicembre", user="U2")
    asked = t("it", "feedback.time_bound.weekday_mismatch_later", phrase="entro venerdì 19 dicembre",
              date=fmt_date("it", date(2026, 12, 19)), weekday="sabato")
    assert asked in "\n".join(dm_texts(workspace, "U2"))
    understood = next(text for text in dm_texts(workspace, "U2") if t("it", "goal.understood") in text)
    assert fmt_date("it", date(2026, 12, 19)) not in understood  # a date it did not take is not "understood"
    workspace.say("7 - due demo a settimana", user="U2")
    workspace.say("crescere nel segmento PMI", user="U2")
    # The date is not kept behind the owner's back: Time-bound is asked.
    assert t("it", "ask.time_bound") in dm_texts(workspace, "U2")[-1]
    workspace.say("venerdì 18 dicembre", user="U2")
    workspace.say("sì", user="U2")
    assert _saved_goal(workspace, "U2").deadline == date(2026, 12, 18)


def test_the_summary_card_says_how_a_loose_deadline_was_read(workspace: LocalWorkspace) -> None:
    workspace.command("close 5 deals with mid-market accounts by mid-February", user="U1")
    card = _to_summary(workspace, "U1")
    day = date(2027, 2, 15)
    assert t("en", "notes.deadline", phrase="by mid-February", date=f"{fmt_date('en', day, 'weekday')} 2027") in card


def test_the_summary_card_says_which_word_a_typo_was_read_as(workspace: LocalWorkspace) -> None:
    workspace.command("acquisire 5 nuovi clineti entro aprile", user="U2")
    workspace.say("7 - due demo a settimana", user="U2")
    workspace.say("crescere nel segmento PMI", user="U2")
    card = all_text(last_bot_message(workspace, "U2"))
    assert t("it", "notes.word", phrase="clineti", word="clienti") in card


@pytest.fixture
def fiscal_workspace(database_url: str, clock: FixedClock) -> Iterator[LocalWorkspace]:
    """A workspace whose fiscal year starts in February."""
    ws = LocalWorkspace(make_settings(database_url, GOALBOT_FISCAL_YEAR_START="2"), clock=clock)
    ws.add_user("U1", name="anna", tz="Europe/Rome", locale="en-US")
    yield ws
    ws.close()


def test_fiscal_quarters_follow_the_workspace_fiscal_year_and_the_card_says_so(fiscal_workspace: LocalWorkspace) -> None:
    fiscal_workspace.command("close 10 deals with mid-market accounts by Q3 FY", user="U1")
    card = _to_summary(fiscal_workspace, "U1")
    deadline = date(2027, 10, 31)
    assert t("en", "notes.fiscal_deadline", phrase="by Q3 FY", date=f"{fmt_date('en', deadline, 'weekday')} 2027",
             start=fmt_date("en", date(2027, 2, 1))) in card
    fiscal_workspace.say("yes", user="U1")
    assert _saved_goal(fiscal_workspace, "U1").deadline == deadline


def test_a_deadline_already_gone_in_the_sentence_is_left_open_and_asked_after_the_rest(
    workspace: LocalWorkspace,
) -> None:
    workspace.command("acquire 10 new clients in the enterprise segment by 1 March 2025", user="U1")
    texts = dm_texts(workspace, "U1")
    assert any(t("en", "feedback.time_bound.deadline_past_later", date=fmt_date("en", date(2025, 3, 1))) in text
               for text in texts)
    assert t("en", "ask.achievable") in texts[-1]
    workspace.say("8 - referrals", user="U1")
    workspace.say("expand the enterprise segment", user="U1")
    assert t("en", "ask.time_bound") in dm_texts(workspace, "U1")[-1]


@pytest.mark.parametrize("lang,user,sentence,phrase,plan,why,yes", [
    ("en", "U1", "win 10 new clients in the mid-market segment next quarter", "next quarter", "8 - two demos a week",
     "grow the mid-market segment", "yes"),
    ("it", "U2", "acquisire 10 nuovi clienti nel segmento PMI nel prossimo trimestre", "nel prossimo trimestre",
     "8 - due demo a settimana", "crescere nel segmento PMI", "sì"),
])
def test_next_quarter_is_the_goals_period_so_no_progress_is_expected_before_it_starts(
    workspace: LocalWorkspace, lang: str, user: str, sentence: str, phrase: str, plan: str, why: str, yes: str,
) -> None:
    # Set on Thursday 26 November: "next quarter" is January to March, and December owes nothing to it.
    say_goal(workspace, user, sentence, plan, why)
    card = all_text(last_bot_message(workspace, user))
    assert t(lang, "notes.period", phrase=phrase, start=f"{fmt_date(lang, date(2027, 1, 1), 'weekday')} 2027") in card
    workspace.say(yes, user=user)
    goal = _saved_goal(workspace, user)
    assert (goal.start_date, goal.deadline) == (date(2027, 1, 1), date(2027, 3, 31))


@pytest.mark.parametrize("lang,user,sentence,phrase,plan,why", [
    ("en", "U1", "keep customer retention in the enterprise segment above 90% for the whole year", "for the whole year",
     "8 - two calls a week", "reduce churn among enterprise clients"),
    ("it", "U2", "mantenere la retention dei clienti enterprise sopra il 90% per tutto l'anno", "per tutto l'anno",
     "8 - due chiamate a settimana", "ridurre l'abbandono dei clienti enterprise"),
])
def test_for_the_whole_year_is_read_as_a_year_from_today_and_said_back(
    workspace: LocalWorkspace, lang: str, user: str, sentence: str, phrase: str, plan: str, why: str,
) -> None:
    say_goal(workspace, user, sentence, plan, why)
    assert t(lang, "ask.time_bound") not in "\n".join(dm_texts(workspace, user))
    card = all_text(last_bot_message(workspace, user))
    day = date(2027, 11, 26)  # a year from Thursday 26 November 2026: the calendar year may have been meant, so said
    assert t(lang, "notes.deadline", phrase=phrase, date=f"{fmt_date(lang, day, 'weekday')} 2027") in card


@pytest.mark.parametrize("lang,user,sentence,subject,wrong", [
    ("en", "U1", "keep the retention of enterprise clients above 90% next year", "enterprise clients", "clients above"),
    ("it", "U2", "mantenere la retention dei clienti enterprise sopra il 90% entro giugno", "clienti enterprise",
     "enterprise sopra"),
])
def test_the_word_before_a_floor_is_not_part_of_the_specific_part(
    workspace: LocalWorkspace, lang: str, user: str, sentence: str, subject: str, wrong: str,
) -> None:

    workspace.command(sentence, user=user)
    understood = next(text for text in dm_texts(workspace, user) if t(lang, "goal.understood") in text)
    assert subject in understood and wrong not in understood
