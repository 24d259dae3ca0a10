"""Managers and teams through signed Slack requests: admins, reporting lines, a report's goals, objectives,
private goals and approval, in English and Italian, checked against the catalog."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot import ids
from bot.local.workspace import LocalWorkspace, find_button
from bot.rules.commands import SUBCOMMANDS
from prompts import fmt_amount, fmt_date, t
from storage.models import CheckIn, CheckInComment, Goal, UserPref
from storage.teams import approval_required, get_manager
from tests.bot.conftest import all_text
from tests.bot.listeners.test_manage import add_checkin, add_goal
from tests.bot.team_support import (
    EN_ANSWERS,
    IT_ANSWERS,
    answer_to,
    last_answer,
    last_answer_shown,
    last_dm,
    save_goal,
)


def test_a_manager_adds_two_reports_who_are_told_in_their_own_language(team: LocalWorkspace) -> None:
    team.command("team add <@U1|anna> <@U2|marco>", user="UM")
    assert last_answer(team, "UM") == "\n".join([
        t("en", "team.added", person="<@U1>", manager="<@UM>"),
        t("en", "team.added", person="<@U2>", manager="<@UM>"),
    ])
    assert last_dm(team, "U1") == t("en", "team.dm_added", manager="<@UM>")
    assert last_dm(team, "U2") == t("it", "team.dm_added", manager="<@UM>")
    with team.deps.sessions() as session:
        assert (get_manager(session, "T0001", "U1"), get_manager(session, "T0001", "U2")) == ("UM", "UM")


def test_an_italian_manager_adds_a_report_by_plain_name(team: LocalWorkspace) -> None:
    team.command("team aggiungi @anna", user="UL")
    assert last_answer(team, "UL") == t("it", "team.added", person="<@U1>", manager="<@UL>")


def test_an_unknown_or_ambiguous_name_is_asked_back_and_nothing_changes(team: LocalWorkspace) -> None:
    team.command("team add @nobody @Sam", user="UM")
    assert last_answer(team, "UM") == "\n".join([
        t("en", "people.unknown", name="@nobody"),
        t("en", "people.ambiguous", name="@Sam", candidates="<@US1>, <@US2>"),
    ])
    team.command("team aggiungi @nessuno", user="UL")
    assert last_answer(team, "UL") == t("it", "people.unknown", name="@nessuno")
    with team.deps.sessions() as session:
        assert get_manager(session, "T0001", "US1") is None


def test_moving_a_report_asks_first_and_only_up_the_line_or_an_admin_may(team: LocalWorkspace) -> None:
    team.command("team add <@U1|anna>", user="UM")
    team.command("team add <@U1|anna>", user="UE")  # Eve tries to take Anna
    assert last_answer(team, "UE") == t("en", "team.refused", person="<@U1>", reason=" ".join([
        t("en", "refused.reason.has_manager"), t("en", "refused.named", people="<@UM>")]))
    team.command("team add <@U1|anna> to <@UL|luca>", user="UADM")
    assert last_answer(team, "UADM") == t("en", "team.needs_confirmation", person="<@U1>", previous="<@UM>",
                                          manager="<@UL>")
    team.command("team add <@U1|anna> to <@UL|luca> confirm", user="UADM")
    assert last_answer(team, "UADM") == t("en", "team.moved", person="<@U1>", previous="<@UM>", manager="<@UL>")
    assert last_dm(team, "U1") == t("en", "team.dm_added", manager="<@UL>")


def test_nobody_manages_themselves_up_the_line(team: LocalWorkspace) -> None:
    team.command("team add <@UM|mia>", user="UV")
    team.command("team add <@UV|vera> to <@UM|mia>", user="UADM")
    assert last_answer(team, "UADM") == t("en", "team.refused", person="<@UV>",
                                          reason=t("en", "refused.reason.cycle"))


@pytest.mark.both_databases
def test_removing_a_report_tells_them(team: LocalWorkspace) -> None:
    team.command("team add <@U2|marco>", user="UL")
    team.command("team rimuovi <@U2|marco>", user="U1")  # a peer cannot
    assert last_answer(team, "U1").startswith(t("en", "team.refused", person="<@U2>",
                                                reason=t("en", "refused.who.managers")))
    team.command("team rimuovi <@U2|marco>", user="UL")
    assert last_answer(team, "UL") == t("it", "team.removed", person="<@U2>", previous="<@UL>")
    assert last_dm(team, "U2") == t("it", "team.dm_removed", manager="<@UL>")


@pytest.mark.both_databases
def test_the_team_at_a_glance(team: LocalWorkspace) -> None:
    save_goal(team, "U1", "acquire 10 new clients in the next six months")
    team.command("team", user="UM")
    assert last_answer(team, "UM") == t("en", "team.empty")
    team.command("team add <@U1|anna> <@U2|marco>", user="UM")
    team.command("team", user="UM")
    text = last_answer_shown(team, "UM")
    assert t("en", "team.header") in text
    assert "acquire 10 new clients in the next six months" in text
    assert t("en", "team.no_goals", person="<@U2>") in text


ROLES = [
    ("U1", "en", True),  # the owner
    ("UM", "en", True),  # the manager
    ("UV", "en", True),  # the manager's manager
    ("UADM", "en", True),  # an admin
    ("U2", "it", False),  # a peer
    ("UE", "en", False),  # an outsider
]
TITLE = "acquire 10 new clients in the next six months"


@pytest.fixture
def reports_goal(team: LocalWorkspace) -> int:
    """Anna's goal; Anna and Marco report to Mia, who reports to Vera."""
    goal_id = save_goal(team, "U1", TITLE)
    team.command("team add <@U1|anna> <@U2|marco>", user="UM")
    team.command("team add <@UM|mia>", user="UV")
    assert goal_id is not None
    return goal_id


# The role tables below ask every person on one team, each in a subtest named after the case: building the team
# (a goal through its conversation, two reporting lines) cost ten times what one question does, and it was built
# again for each of some 70 cases. The questions change nothing (each case checks so), so the cases share it.

@pytest.mark.both_databases
def test_list_of_a_report_by_role(team: LocalWorkspace, reports_goal: int, subtests: pytest.Subtests) -> None:
    for viewer, lang, sees in ROLES:
        with subtests.test(viewer=viewer, lang=lang, sees=sees):
            answer = answer_to(team, "list <@U1|anna>", viewer)
            if sees:
                text = all_text(answer)
                assert TITLE in text and (viewer == "U1" or t(lang, "others.header", person="<@U1>") in text)
            else:
                assert answer["text"] == " ".join([t(lang, "refused.who.owner_and_managers"),
                                         t(lang, "refused.named", people="<@U1>, <@UM>, <@UV>")])


OWNERS_COMMANDS = ["edit {id} target 12 because the pipeline doubled", "done {id} signed", "drop {id}", "private {id}",
                   "align {id} off", "missed {id}"]
ACTORS = [("UM", "en", True), ("UV", "en", True), ("UADM", "en", True),  # the manager, their manager, an admin
          ("U2", "it", False), ("UE", "en", False)]  # a peer, an outsider


def test_only_the_owner_changes_a_goal_and_the_line_is_told_what_is_theirs(
        team: LocalWorkspace, reports_goal: int, subtests: pytest.Subtests) -> None:
    for actor, lang, up_the_line in ACTORS:
        for command in OWNERS_COMMANDS:
            with subtests.test(actor=actor, lang=lang, up_the_line=up_the_line, command=command):
                answer = answer_to(team, command.format(id=reports_goal), actor)["text"]
                if up_the_line:
                    assert answer == t(lang, "manage.owners_call", id=reports_goal, person="<@U1>")
                else:  # whose goal it is, and what it is, stay unsaid
                    assert answer == t(lang, "manage.not_yours", id=reports_goal)
                with team.deps.sessions() as session:
                    goal = session.get_one(Goal, reports_goal)
                    assert (goal.target, goal.status, goal.visibility, goal.objective_id) == (
                        10, "active", "public", None)


def test_history_of_a_reports_goal_by_role(team: LocalWorkspace, reports_goal: int,
                                           subtests: pytest.Subtests) -> None:
    for viewer, lang, sees in ROLES:
        with subtests.test(viewer=viewer, lang=lang, sees=sees):
            answer = answer_to(team, f"history {reports_goal}", viewer)
            if sees:
                assert TITLE in all_text(answer)
            else:
                assert answer["text"] == t(lang, "refused.who.owner_and_managers")


@pytest.mark.both_databases
def test_admins_add_admins_and_anyone_can_see_who_they_are(team: LocalWorkspace) -> None:
    team.command("admin add <@U1|anna>", user="U2")
    assert last_answer(team, "U2") == t("it", "refused.who.admins")  # no admin has used goalbot yet
    team.command("admin add <@U1|anna>", user="UADM")
    assert last_answer(team, "UADM") == t("en", "admin.added", person="<@U1>")
    team.command("admin add @anna", user="UADM")
    assert last_answer(team, "UADM") == t("en", "admin.already", person="<@U1>")
    team.command("admin list", user="U2")
    text = last_answer_shown(team, "U2")
    assert t("it", "admin.slack_line", person="<@UADM>") in text
    assert t("it", "admin.goalbot_line", person="<@U1>", by="<@UADM>") in text
    with team.deps.sessions() as session:
        assert session.get_one(UserPref, ("T0001", "UADM")).slack_admin is True


@pytest.mark.both_databases
def test_objectives_need_an_admin_or_a_manager_and_roll_up(team: LocalWorkspace) -> None:
    team.command("objective add €2M new ARR in healthcare", user="U1")
    assert last_answer(team, "U1") == t("en", "refused.who.admins_or_managers")
    team.command("team add <@U1|anna> <@U2|marco>", user="UM")
    team.command("objective add €2M new ARR in healthcare", user="UM")
    assert last_answer(team, "UM") == t("en", "objective.added_measure", id=1, title="€2M new ARR in healthcare",
                                        target=fmt_amount("en", 2_000_000, "EUR"))
    team.command("aziendale aggiungi Entrare nel mercato sanitario entro il Q4 2027", user="UADM")
    assert last_answer(team, "UADM") == t("en", "objective.added", id=2,
                                          title="Entrare nel mercato sanitario entro il Q4 2027")
    goal_id = save_goal(team, "U1", "€500k new ARR from healthcare clients by June 2027")
    team.command(f"align {goal_id} 1", user="U1")
    assert last_answer(team, "U1") == t("en", "align.done", id=goal_id, objective=1,
                                        title="€500k new ARR from healthcare clients by June 2027",
                                        objective_title="€2M new ARR in healthcare")
    team.command(f"align {goal_id} 1", user="UM")  # only the owner aligns their goal; the manager is told what is theirs
    assert last_answer(team, "UM") == t("en", "manage.owners_call", id=goal_id, person="<@U1>")
    team.command(f"allinea {goal_id} 9", user="U1")
    assert last_answer(team, "U1") == t("en", "align.unknown_objective", id=9)
    team.command("checkin", user="U1")
    card = [m for m in team.fake.dm_messages("U1") if m.get("user") == team.fake.bot_user_id][-1]
    team.say("€200k", user="U1", thread_ts=card["ts"])
    team.command("aziendali", user="U2")  # the word the Italian help shows
    text = last_answer_shown(team, "U2")
    assert t("it", "objective.header") in text
    assert "200.000\u00a0€ su 2.000.000\u00a0€" in text
    assert t("it", "objective.no_goals", id=2, title="Entrare nel mercato sanitario entro il Q4 2027") in text


@pytest.mark.both_databases
def test_a_goal_goes_private_and_public_only_by_its_owner(team: LocalWorkspace) -> None:
    goal_id = save_goal(team, "U2", "acquisire 10 nuovi clienti nei prossimi sei mesi")
    team.command(f"privato {goal_id}", user="U2")
    assert last_answer(team, "U2") == t("it", "visibility.private", id=goal_id,
                                        title="acquisire 10 nuovi clienti nei prossimi sei mesi")
    team.command(f"public {goal_id}", user="U1")
    assert last_answer(team, "U1") == t("en", "manage.not_yours", id=goal_id)
    with team.deps.sessions() as session:
        assert session.get_one(Goal, goal_id).visibility == "private"
    team.command(f"pubblico #{goal_id}", user="U2")
    assert last_answer(team, "U2") == t("it", "visibility.public", id=goal_id,
                                        title="acquisire 10 nuovi clienti nei prossimi sei mesi")


def test_approval_is_a_managers_setting(team: LocalWorkspace) -> None:
    team.command("team approval on", user="U1")
    assert last_answer(team, "U1") == t("en", "refused.who.admins_or_managers")
    team.command("team add <@U2|marco>", user="UL")
    team.command("team approvazione on", user="UL")
    assert last_answer(team, "UL") == t("it", "approval.on")
    with team.deps.sessions() as session:
        assert approval_required(session, "T0001", "UL") is True
    team.command("team approval off", user="UL")
    assert last_answer(team, "UL") == t("it", "approval.off")


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("text", "user", "key"), [
    ("team frobnicate", "U1", "team.usage"),
    ("team add", "U1", "team.usage"),
    ("admin add nobody", "U1", "admin.usage"),
    ("objective add", "U2", "objective.usage"),
    ("private three", "U2", "visibility.usage"),
    ("team approval maybe", "UM", "approval.usage"),
    ("align 3", "U1", "align.usage"),
    ("comment 3", "UM", "comment.usage"),
])
def test_usage_when_the_command_is_not_understood(team: LocalWorkspace, text: str, user: str, key: str) -> None:
    team.command(text, user=user)
    lang = "it" if user == "U2" else "en"
    assert last_answer(team, user) == t(lang, key)



@pytest.mark.both_databases
@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("owner", "lang"), [("U1", "en"), ("U2", "it")])
def test_a_managers_comment_lands_in_the_check_in_thread(team: LocalWorkspace, owner: str, lang: str) -> None:
    goal_id = save_goal(team, owner, TITLE)
    team.command(f"comment {goal_id} nice one", user="UM")  # not their manager yet
    assert last_answer(team, "UM") == t("en", "refused.who.managers")
    team.command(f"team add <@{owner}>", user="UM")
    team.command(f"comment {goal_id} nice one", user="UM")
    assert last_answer(team, "UM") == t("en", "comment.no_checkin", id=goal_id, title=TITLE)
    team.command("checkin", user=owner)
    card = [m for m in team.fake.dm_messages(owner) if m.get("user") == team.fake.bot_user_id][-1]
    team.command(f"comment {goal_id} Great week — <!here> let's review *Acme* on Thursday", user="UM")
    assert last_answer(team, "UM") == t("en", "comment.posted", person=f"<@{owner}>", id=goal_id, title=TITLE)
    [reply] = [m for m in team.fake.thread(card["channel"], card["ts"]) if m["ts"] != card["ts"]]
    assert reply["text"] == t(lang, "comment.in_thread", person="<@UM>",
                              text="Great week — &lt;!here&gt; let's review *Acme* on Thursday")
    with team.deps.sessions() as session:
        [kept] = session.scalars(select(CheckInComment)).all()
        assert (kept.author_id, kept.text, kept.message_ts) == (
            "UM", "Great week — <!here> let's review *Acme* on Thursday", reply["ts"])


@pytest.mark.both_databases
@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("manager", "lang"), [("UM", "en"), ("UL", "it")])
def test_the_managers_week_shows_who_is_behind_and_why(team: LocalWorkspace, manager: str, lang: str) -> None:
    team.command("team add <@U1|anna> <@U2|marco>", user=manager)
    behind = add_goal(team, "U1", title="Sign 10 new clients", target=10, current=1, start_date=date(2026, 8, 1))
    add_checkin(team, behind, date(2026, 11, 23), 1.0, note="two deals slipped to January", mood="at_risk")
    private = add_goal(team, "U2", title="Rinnovo riservato", visibility="private")
    asked_this_week(team, private)
    team.command("objective add Enter the healthcare market by Q4 2027", user=manager)
    team.command("team week", user=manager)
    text = last_answer_shown(team, manager)
    assert t(lang, "week.header", date=fmt_date(lang, date(2026, 11, 23))) in text
    assert t(lang, "week.behind_label") in text and f"*#{behind}* Sign 10 new clients" in text
    assert ">two deals slipped to January" in text  # notes go up the line
    assert t(lang, "week.missing", people="<@U2>") in text  # Marco's only goal is private: the line sees it
    assert t(lang, "objective.no_goals", id=1, title="Enter the healthcare market by Q4 2027") in text


def test_the_week_of_reports_without_goals_says_so(team: LocalWorkspace) -> None:
    team.command("team add <@U1|anna> <@U2|marco>", user="UM")
    goal_id = add_goal(team, "U1", title="Sign 10 new clients")
    team.command("team week", user="UM")
    text = last_answer_shown(team, "UM")
    assert t("en", "week.no_goals", people="<@U2>") in text
    # Set this week, after Monday's check-ins went out: nothing was asked yet, so Anna is not "missing".
    assert "week.missing" not in text and t("en", "week.missing", people="<@U1>") not in text
    asked_this_week(team, goal_id)
    team.command("team week", user="UM")
    assert t("en", "week.missing", people="<@U1>") in last_answer_shown(team, "UM")


def asked_this_week(ws: LocalWorkspace, goal_id: int) -> None:
    """This week's check-in of the goal, sent and not answered yet."""
    with ws.deps.sessions() as session:
        session.add(CheckIn(goal_id=goal_id, week_start=date(2026, 11, 23), status="asked"))
        session.commit()


def test_the_week_of_someone_without_reports(team: LocalWorkspace) -> None:
    team.command("team week", user="U1")
    assert last_answer(team, "U1") == t("en", "team.empty")


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "word"), [("U1", "help"), ("U2", "aiuto")])
def test_help_names_the_managers_commands(team: LocalWorkspace, user: str, word: str) -> None:
    team.command(word, user=user)
    words = re.findall(r"`/goal ([\w-]+)", last_answer_shown(team, user))
    assert {"team", "for", "objectives", "private", "comment", "align"} <= {SUBCOMMANDS.get(w) for w in words}
    if word == "aiuto":  # an Italian reader is shown the Italian words goalbot understands, not English ones
        assert not set(words) & {"list", "help", "history", "export", "cancel", "lang", "for", "comment", "align",
                                 "private", "public", "objective", "objectives"}


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "lang", "sentence", "answers"), [
    ("U1", "en", "acquire 10 new clients in the next six months", ("8 - referrals and two demos a week", "#1", "yes")),
    ("U2", "it", "acquisire 10 nuovi clienti nei prossimi sei mesi",
     ("8 - referenze e due demo a settimana", "Entrare nel mercato sanitario entro il Q4 2027", "sì")),
])
def test_the_relevant_step_offers_the_objectives(team: LocalWorkspace, user: str, lang: str, sentence: str,
                                                 answers: tuple[str, ...]) -> None:
    team.command("objective add Entrare nel mercato sanitario entro il Q4 2027", user="UADM")
    team.command(sentence, user=user)
    team.say(answers[0], user=user)
    question = all_text([m for m in team.fake.dm_messages(user) if m.get("user") == team.fake.bot_user_id][-1])
    assert t(lang, "ask.objectives") in question
    assert "#1 Entrare nel mercato sanitario entro il Q4 2027" in question and t(lang, "ask.objective_other") in question
    for answer in answers[1:]:
        team.say(answer, user=user)
    with team.deps.sessions() as session:
        [goal] = session.scalars(select(Goal).where(Goal.user_id == user)).all()
    assert (goal.objective_id, goal.relevance) == (1, "Entrare nel mercato sanitario entro il Q4 2027")


def test_an_answer_that_names_no_objective_is_kept_as_free_text(team: LocalWorkspace) -> None:
    team.command("objective add Entrare nel mercato sanitario entro il Q4 2027", user="UADM")
    goal_id = save_goal(team, "U1", TITLE)  # answers "expand into the healthcare market"
    with team.deps.sessions() as session:
        goal = session.get_one(Goal, goal_id)
        assert (goal.objective_id, goal.relevance) == (None, "expand into the healthcare market")


@pytest.mark.both_databases
@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("manager", "lang"), [("UM", "en"), ("UL", "it")])
def test_comment_on_a_reports_line_of_the_week_lands_in_their_check_in_thread(team: LocalWorkspace, manager: str,
                                                                             lang: str) -> None:
    team.command("team add <@U1|anna> <@U2|marco>", user=manager)
    first = save_goal(team, "U2", "acquisire 10 nuovi clienti nei prossimi sei mesi", IT_ANSWERS)
    second = save_goal(team, "U2", "aumentare le vendite del prodotto X del 15% nel prossimo trimestre",
                       ("200.000 €", "8 - due demo a settimana", "crescere nel mid-market", "sì"))  # +15% from…
    team.command("checkin", user="U2")
    cards = [m for m in team.fake.dm_messages("U2") if m.get("user") == team.fake.bot_user_id][-2:]
    team.command("team week", user=manager)
    week = team.fake.ephemeral_messages(manager)[-1]
    assert t(lang, "week.reports_label") in all_text(week)
    # Anna has no goal yet: nothing to comment on, and she has no button.
    with pytest.raises(LookupError):
        find_button(week, ids.ACTION_WEEK_COMMENT, "U1")
    team.click(week, ids.ACTION_WEEK_COMMENT, user=manager, value="U2", ephemeral=True)
    modal = team.fake.modals()[-1]
    assert modal["callback_id"] == ids.VIEW_COMMENT
    assert t(lang, "comment.modal_intro", person="<@U2>") in all_text(modal)
    empty = team.submit(modal, {ids.BLOCK_COMMENT_GOAL: {ids.INPUT_COMMENT_GOAL: {"selected_option": {
        "value": str(second)}}}, ids.BLOCK_COMMENT_TEXT: {ids.INPUT_COMMENT_TEXT: "  "}}, user=manager)
    assert t(lang, "comment.empty") in empty.body
    team.submit(modal, {ids.BLOCK_COMMENT_GOAL: {ids.INPUT_COMMENT_GOAL: {"selected_option": {"value": str(second)}}},
                        ids.BLOCK_COMMENT_TEXT: {ids.INPUT_COMMENT_TEXT: "Bel lavoro su *X* <!here>"}}, user=manager)
    card = next(c for c in cards if "prodotto X" in c["text"])
    [reply] = [m for m in team.fake.thread(card["channel"], card["ts"]) if m["ts"] != card["ts"]]
    assert reply["text"] == t("it", "comment.in_thread", person=f"<@{manager}>", text="Bel lavoro su *X* &lt;!here&gt;")
    assert last_dm(team, manager) == t(lang, "comment.posted", person="<@U2>", id=second,
                                       title="aumentare le vendite del prodotto X del 15% nel prossimo trimestre")
    with team.deps.sessions() as session:
        [kept] = session.scalars(select(CheckInComment)).all()
        assert (kept.author_id, kept.text) == (manager, "Bel lavoro su *X* <!here>")
    assert first != second


def test_comment_is_refused_to_someone_not_up_the_reports_line(team: LocalWorkspace) -> None:
    team.command("team add <@U1|anna>", user="UM")
    save_goal(team, "U1", TITLE)
    team.command("checkin", user="U1")
    team.command("team week", user="UM")
    week = team.fake.ephemeral_messages("UM")[-1]
    team.click(week, ids.ACTION_WEEK_COMMENT, user="UE", value="U1", ephemeral=True)  # a forwarded payload
    assert last_dm(team, "UE") == t("en", "refused.who.managers") + " " + t("en", "refused.named", people="<@UM>")
    assert team.fake.modals() == []


def bot_dms(ws: LocalWorkspace, user: str) -> list[dict[str, Any]]:
    return [m for m in ws.fake.dm_messages(user) if m.get("user") == ws.fake.bot_user_id]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "lang", "sentence", "answers"), [
    ("U1", "en", TITLE, EN_ANSWERS),
    ("U2", "it", "acquisire 10 nuovi clienti nei prossimi sei mesi", IT_ANSWERS),
])
def test_the_relevant_step_offers_the_objectives_as_buttons(team: LocalWorkspace, user: str, lang: str,
                                                            sentence: str, answers: tuple[str, ...]) -> None:
    team.command("objective add Enter the healthcare market by Q4 2027", user="UADM")
    team.command("objective add €2M new ARR in healthcare", user="UADM")
    team.command(sentence, user=user)
    team.say(answers[0], user=user)
    question = bot_dms(team, user)[-1]
    team.click(question, ids.ACTION_OBJECTIVE, user=user, value="2")
    card = bot_dms(team, user)[-1]
    shown = t(lang, "summary.objective", objective="#2 €2M new ARR in healthcare")
    assert t(lang, "summary.header") in all_text(card) and shown in all_text(card)
    team.click(question, ids.ACTION_OBJECTIVE, user=user, value="1")  # an older question's button changes nothing
    team.say(answers[-1], user=user)
    with team.deps.sessions() as session:
        [goal] = session.scalars(select(Goal).where(Goal.user_id == user)).all()
    assert (goal.objective_id, goal.relevance) == (2, "€2M new ARR in healthcare")


@pytest.mark.both_databases
def test_something_else_is_said_in_ones_own_words(team: LocalWorkspace) -> None:
    team.command("objective add Entrare nel mercato sanitario entro il Q4 2027", user="UADM")
    team.command("acquisire 10 nuovi clienti nei prossimi sei mesi", user="U2")
    team.say(IT_ANSWERS[0], user="U2")
    team.click(bot_dms(team, "U2")[-1], ids.ACTION_OBJECTIVE_OTHER, user="U2")
    assert bot_dms(team, "U2")[-1]["text"] == t("it", "ask.objective_typed")
    team.say("fidelizzare i clienti del nord", user="U2")
    assert "fidelizzare i clienti del nord" in all_text(bot_dms(team, "U2")[-1])
    team.say("sì", user="U2")
    with team.deps.sessions() as session:
        [goal] = session.scalars(select(Goal).where(Goal.user_id == "U2")).all()
    assert (goal.objective_id, goal.relevance) == (None, "fidelizzare i clienti del nord")


@pytest.mark.both_databases
def test_an_objective_picked_before_approval_is_kept_when_the_manager_approves(team: LocalWorkspace) -> None:
    team.command("team add <@U2|marco>", user="UL")
    team.command("team approval on", user="UL")
    team.command("objective add Entrare nel mercato sanitario entro il Q4 2027", user="UL")
    team.command("acquisire 10 nuovi clienti nei prossimi sei mesi", user="U2")
    team.say(IT_ANSWERS[0], user="U2")
    team.click(bot_dms(team, "U2")[-1], ids.ACTION_OBJECTIVE, user="U2", value="1")
    team.say("sì", user="U2")
    team.command("counter 1 acquisire 12 nuovi clienti nei prossimi sei mesi perché il mercato è cresciuto", user="UL")
    team.command("accetta 1", user="U2")
    shown = t("it", "summary.objective", objective="#1 Entrare nel mercato sanitario entro il Q4 2027")
    team.say("8 - due demo a settimana", user="U2")  # how confident they are is always the rep's own
    assert shown in all_text(bot_dms(team, "U2")[-1])
    team.say("sì", user="U2")
    with team.deps.sessions() as session:
        [goal] = session.scalars(select(Goal).where(Goal.user_id == "U2")).all()
    assert (goal.target, goal.objective_id, goal.status) == (12, 1, "active")


@pytest.mark.both_databases
@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("manager", "lang"), [("UM", "en"), ("UL", "it")])
def test_a_managers_home_shows_the_team_and_the_objectives_they_own(team: LocalWorkspace, manager: str,
                                                                    lang: str) -> None:
    team.command("team add <@U1|anna> <@U2|marco>", user=manager)
    team.command("objective add €2M new ARR in healthcare", user=manager)
    team.command("objective add Enter the healthcare market by Q4 2027", user="UADM")  # not theirs
    revenue = add_goal(team, "U1", title="€500k new ARR in healthcare", unit="EUR", metric="revenue",
                       baseline=0.0, target=500_000.0, current=100_000.0, objective_id=1)
    add_checkin(team, revenue, date(2026, 11, 23), 100_000.0, note="Acme signed")
    add_goal(team, "U2", title="Rinnovo riservato", visibility="private")
    team.open_home(manager)
    text = all_text(team.fake.home_view(manager) or {})
    assert t(lang, "home.team.header") in text
    assert t(lang, "home.team.report", person="<@U1>") in text and t(lang, "home.team.report", person="<@U2>") in text
    assert f"*#{revenue}* €500k new ARR in healthcare" in text
    assert t(lang, "home.team.last", date=fmt_date(lang, date(2026, 11, 23), "short")) in text
    assert "Rinnovo riservato" in text and t(lang, "home.team.no_checkin") in text  # private goals go up the line
    assert t(lang, "home.objectives_header") in text and "€2M new ARR in healthcare" in text
    assert f"{fmt_amount(lang, 100_000.0, 'EUR')} " in text
    assert "Enter the healthcare market" not in text
    # A report's Home has no team of theirs.
    team.open_home("U1")
    assert t("en", "home.team.header") not in all_text(team.fake.home_view("U1") or {})


@pytest.mark.both_databases
def test_someone_who_names_themselves_manager_can_be_declined(team: LocalWorkspace) -> None:
    team.command("team add <@U2|marco>", user="UE")  # Eve, a peer, takes on Marco, who has no manager
    told = bot_dms(team, "U2")[-1]
    assert told["text"] == t("it", "team.dm_added", manager="<@UE>")
    assert t("it", "team.decline_hint", manager="<@UE>") in all_text(told)
    team.click(told, ids.ACTION_TEAM_DECLINE, user="U2", value="UE")
    assert last_dm(team, "U2") == t("it", "team.declined", manager="<@UE>")
    assert last_dm(team, "UE") == t("en", "team.declined_manager", person="<@U2>")
    with team.deps.sessions() as session:
        assert get_manager(session, team.team_id, "U2") is None
    team.click(told, ids.ACTION_TEAM_DECLINE, user="U2", value="UE")  # pressed again: nothing left to decline
    assert last_dm(team, "U2") == t("it", "refused.reason.not_current")


def test_a_line_an_admin_set_is_not_declined_by_the_report(team: LocalWorkspace) -> None:
    team.command("team add <@U1|anna> to <@UM|mia>", user="UADM")
    told = bot_dms(team, "U1")[-1]
    with pytest.raises(LookupError):
        find_button(told, ids.ACTION_TEAM_DECLINE)
    team.click({**told, "blocks": [{"type": "actions", "elements": [
        {"type": "button", "action_id": ids.ACTION_TEAM_DECLINE, "value": "UM", "text": {"type": "plain_text", "text": "x"}}]}]},
        ids.ACTION_TEAM_DECLINE, user="U1", value="UM")  # a forged press
    assert last_dm(team, "U1").startswith(t("en", "refused.who.admins"))
    with team.deps.sessions() as session:
        assert get_manager(session, team.team_id, "U1") == "UM"


def test_the_owner_unties_a_goal_from_its_objective(team: LocalWorkspace) -> None:
    team.command("objective add Enter the healthcare market by Q4 2027", user="UADM")
    goal_id = save_goal(team, "U2", "acquisire 10 nuovi clienti nei prossimi sei mesi", IT_ANSWERS)
    team.command(f"align {goal_id} 1", user="U2")
    team.command(f"align {goal_id} off", user="U2")
    assert last_answer(team, "U2") == t("it", "align.cleared", id=goal_id,
                                        title="acquisire 10 nuovi clienti nei prossimi sei mesi")
    with team.deps.sessions() as session:
        assert session.get_one(Goal, goal_id).objective_id is None


def _card(ws: LocalWorkspace, owner: str) -> dict[str, Any]:
    """The check-in card `/goal checkin` just sent the person."""
    ws.command("checkin", user=owner)
    return [m for m in ws.fake.dm_messages(owner) if m.get("user") == ws.fake.bot_user_id][-1]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("manager", "lang"), [("UM", "en"), ("UL", "it")])
def test_the_managers_week_says_a_skipped_week_as_skipped_and_shows_this_weeks_blocker(
        team: LocalWorkspace, manager: str, lang: str) -> None:
    team.command("team add <@U1|anna> <@U2|marco> <@US1|sam.smith>", user=manager)
    add_goal(team, "U1", title="Sign 10 new clients", baseline=0.0, current=4.0, start_date=date(2026, 10, 1))
    add_goal(team, "U2", title="Rinnovare 5 contratti", baseline=0.0, current=2.0, start_date=date(2026, 10, 1),
             lang="it")
    add_goal(team, "US1", title="Win Globex & Initech", baseline=0.0, current=4.0, start_date=date(2026, 10, 1))
    team.say("I'm on PTO this week <!here>", user="U1", thread_ts=_card(team, "U1")["ts"])  # skipped, saying why
    team.click(_card(team, "U2"), ids.ACTION_CHECKIN_SKIP, user="U2")  # the Skip button: no reason
    team.say("salto questa settimana", user="U2", thread_ts=_card(team, "U2")["ts"])  # typed, but no reason either
    card = _card(team, "US1")
    team.say("5, waiting on legal at Globex", user="US1", thread_ts=card["ts"])
    team.command("team week", user=manager)
    text = last_answer_shown(team, manager)
    assert t(lang, "week.everyone_checked_in") not in text  # two skipped weeks are not check-ins
    assert t(lang, "week.skipped_label") in text
    assert t(lang, "week.skipped_line", user="<@U1>", title="Sign 10 new clients") + "\n>I'm on PTO this week &lt;!here&gt;" \
        in text
    assert t(lang, "week.skipped_line", user="<@U2>", title="Rinnovare 5 contratti") + "\n>" not in text
    assert t(lang, "digest.blockers_label") in text
    assert t(lang, "digest.blocker_line", user="<@US1>", title="Win Globex &amp; Initech",
             quote="waiting on legal at Globex") in text
