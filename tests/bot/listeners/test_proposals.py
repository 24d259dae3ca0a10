"""Goals set together, through signed Slack requests: a manager proposes, the report accepts or answers with a
change and a reason, nothing is a goal until both agree, and the report then walks the remaining letters."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from bot import ids
from bot.blocks.standing import measure_text, standing_of, title_text
from bot.jobs.runner import run_job
from bot.local.workspace import LocalWorkspace
from prompts import fmt_amount, phrase, t
from storage.models import Goal, GoalProposal
from tests.bot.conftest import all_text, last_bot_message
from tests.bot.listeners.test_issue8_regressions import labels
from tests.bot.team_support import EN_ANSWERS, IT_ANSWERS, last_answer, last_dm, save_goal

EN_GOAL = "acquire 10 new clients in the next six months"


def goals_of(ws: LocalWorkspace, user: str) -> list[Goal]:
    with ws.deps.sessions() as session:
        return list(session.scalars(select(Goal).where(Goal.user_id == user)))


def dm_texts_of(ws: LocalWorkspace, user: str) -> list[str]:
    return [str(m["text"]) for m in ws.fake.dm_messages(user) if m.get("user") == ws.fake.bot_user_id]


@pytest.fixture
def managed(team: LocalWorkspace) -> LocalWorkspace:
    """Mia manages Anna (EN) and Marco (IT)."""
    team.command("team add <@U1|anna> <@U2|marco>", user="UM")
    return team


def test_a_proposal_accepted_by_the_report_becomes_their_goal_once_they_confirm(managed: LocalWorkspace) -> None:
    managed.command(f"for <@U1|anna> {EN_GOAL}", user="UM")
    assert last_answer(managed, "UM") == t("en", "proposal.sent", id=1, person="<@U1>", title=EN_GOAL)
    assert last_dm(managed, "U1") == t("en", "proposal.received", id=1, person="<@UM>", title=EN_GOAL)
    assert goals_of(managed, "U1") == []  # nothing is active until both agree

    managed.command("accept 1", user="U1")
    assert last_answer(managed, "U1") == t("en", "proposal.you_accepted_owner", id=1, person="<@UM>")
    assert last_dm(managed, "UM") == t("en", "proposal.accepted_by_owner", id=1, person="<@U1>", title=EN_GOAL)
    assert last_dm(managed, "U1") == t("en", "ask.achievable")  # confidence and plan are the report's own
    assert goals_of(managed, "U1") == []

    for answer in EN_ANSWERS:
        managed.say(answer, user="U1")
    [goal] = goals_of(managed, "U1")
    assert (goal.title, goal.target, goal.confidence, goal.status) == (EN_GOAL, 10, 8, "active")
    with managed.deps.sessions() as session:
        assert session.get_one(GoalProposal, 1).goal_id == goal.id

    managed.command("proposal 1", user="UM")
    history = last_answer(managed, "UM")
    assert t("en", "proposal.goal_linked", goal=goal.id) in history
    assert [line.split(" · ", 1)[1] for line in history.splitlines()[1:3]] == [
        f"<@UM> proposed: {EN_GOAL}", "<@U1> accepted"]


def test_an_italian_report_negotiates_a_change_before_accepting(managed: LocalWorkspace) -> None:
    managed.command(f"for <@U2|marco> {EN_GOAL}", user="UM")
    assert last_dm(managed, "U2") == t("it", "proposal.received", id=1, person="<@UM>", title=EN_GOAL)

    managed.command("counter 1 acquisire 8 nuovi clienti nei prossimi sei mesi", user="U2")
    assert last_answer(managed, "U2") == t("it", "proposal.reason_needed", id=1)
    changed = "acquisire 8 nuovi clienti nei prossimi sei mesi"
    reason = "due clienti sono passati al team di Bob"
    managed.command(f"controproposta 1 {changed} perché {reason}", user="U2")
    assert last_answer(managed, "U2") == t("it", "proposal.counter_sent", id=1, person="<@UM>", title=changed)
    assert last_dm(managed, "UM") == t("en", "proposal.change_received", id=1, person="<@U2>", title=changed,
                                       reason=reason)
    managed.command("accetta 1", user="U2")  # it is Mia's turn now
    assert last_answer(managed, "U2") == t("it", "proposal.not_your_turn", id=1, person="<@UM>")
    assert goals_of(managed, "U2") == []

    managed.command("accept 1", user="UM")
    assert last_answer(managed, "UM") == t("en", "proposal.you_accepted_manager", id=1, person="<@U2>")
    texts = dm_texts_of(managed, "U2")
    assert t("it", "proposal.accepted_by_manager", id=1, person="<@UM>", title=changed) in texts
    assert texts[-1] == t("it", "ask.achievable")
    for answer in IT_ANSWERS:
        managed.say(answer, user="U2")
    [goal] = goals_of(managed, "U2")
    assert (goal.title, goal.target, goal.lang) == (changed, 8, "it")

    managed.command("proposta 1", user="U2")
    lines = last_answer(managed, "U2").splitlines()
    assert [line.split(" · ", 1)[1] for line in lines[1:4]] == [
        f"<@UM> ha proposto: {EN_GOAL}",
        f"<@U2> ha proposto una modifica: {changed}. Motivo: {reason}",
        "<@UM> ha accettato",
    ]


@pytest.mark.parametrize(("user", "lang", "list_word", "counter"), [
    ("U1", "en", "list", "counter 1 acquire 8 new clients in the next six months because two moved to Bob"),
    ("U2", "it", "elenco", "controproposta 1 acquisire 8 nuovi clienti nei prossimi sei mesi perché due sono di Bob"),
])
def test_a_reports_list_names_the_proposal_waiting_and_whose_answer_it_waits_for(
    managed: LocalWorkspace, user: str, lang: str, list_word: str, counter: str,
) -> None:
    # `/goal list` answered "You have no goals yet" while the manager's proposal waited for this person.
    managed.command(f"for <@{user}|rep> {EN_GOAL}", user="UM")
    managed.command(list_word, user=user)
    assert last_answer(managed, user) == t(lang, "list.proposal_yours", id=1, title=EN_GOAL, manager="<@UM>")
    managed.command(counter, user=user)
    changed = counter.split(" 1 ", 1)[1].split(" because " if lang == "en" else " perché ")[0]
    managed.command(list_word, user=user)
    assert last_answer(managed, user) == t(lang, "list.proposal_theirs", id=1, title=changed, manager="<@UM>")
    managed.command(list_word, user="UM")  # the manager's own list is about the manager's goals
    assert "#1" not in last_answer(managed, "UM")


def test_only_the_reports_manager_or_an_admin_proposes(managed: LocalWorkspace) -> None:
    managed.command(f"for <@U2|marco> {EN_GOAL}", user="U1")  # a peer
    assert last_answer(managed, "U1") == " ".join([t("en", "refused.who.manager"),
                                                   t("en", "refused.named", people="<@UM>")])
    managed.command(f"for <@U2|marco> {EN_GOAL}", user="UADM")
    assert last_answer(managed, "UADM") == t("en", "proposal.sent", id=1, person="<@U2>", title=EN_GOAL)
    with managed.deps.sessions() as session:
        assert session.scalar(select(func.count()).select_from(GoalProposal)) == 1


@pytest.mark.both_databases
def test_a_proposal_is_answered_only_by_its_two_sides_in_turn(managed: LocalWorkspace) -> None:
    managed.command(f"for <@U1|anna> {EN_GOAL}", user="UM")
    managed.command("accept 1", user="UM")
    assert last_answer(managed, "UM") == t("en", "proposal.not_your_turn", id=1, person="<@U1>")
    managed.command("accept 1", user="UE")
    assert last_answer(managed, "UE") == t("en", "proposal.not_yours", id=1)
    managed.command("proposal 1", user="UE")
    assert last_answer(managed, "UE") == t("en", "proposal.not_yours", id=1)
    managed.command("accept 7", user="U1")
    assert last_answer(managed, "U1") == t("en", "proposal.not_found", id=7)
    managed.command("accept 1", user="U1")
    managed.command("counter 1 win 3 deals because why not", user="UM")
    assert last_answer(managed, "UM") == t("en", "proposal.closed", id=1)


def test_for_without_a_person_is_an_ordinary_goal_sentence(managed: LocalWorkspace) -> None:
    managed.command("per il prossimo trimestre aumentare le vendite del prodotto X del 15%", user="U2")
    assert t("it", "goal.understood") in dm_texts_of(managed, "U2")[-2]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("text", "key"), [
    ("for <@U1|anna>", "proposal.usage_for"),
    ("for", "proposal.usage_for"),
    ("accept", "proposal.usage"),
    ("counter one two", "proposal.usage"),
])
def test_proposal_usage(managed: LocalWorkspace, text: str, key: str) -> None:
    managed.command(text, user="UM")
    assert last_answer(managed, "UM") == t("en", key)


IT_GOAL = "acquisire 10 nuovi clienti nei prossimi sei mesi"


def set_goal_alone(ws: LocalWorkspace, user: str) -> None:
    save_goal(ws, user, IT_GOAL, IT_ANSWERS)


def test_with_approval_on_a_goal_set_alone_waits_for_the_manager(team: LocalWorkspace) -> None:
    team.command("team add <@U2|marco>", user="UL")
    team.command("team approval on", user="UL")
    set_goal_alone(team, "U2")
    assert last_dm(team, "U2") == t("it", "proposal.approval.awaiting", id=1, person="<@UL>", title=IT_GOAL)
    assert goals_of(team, "U2") == []
    run_job(team.deps, team.app.client, "outbox", now=team.deps.clock())
    assert last_dm(team, "UL") == t("it", "proposal.approval.requested", id=1, person="<@U2>", title=IT_GOAL)

    team.command("accetta 1", user="UL")
    assert last_answer(team, "UL") == t("it", "proposal.you_accepted_manager", id=1, person="<@U2>")
    assert t("it", "proposal.accepted_by_manager", id=1, person="<@UL>", title=IT_GOAL) in dm_texts_of(team, "U2")
    assert goals_of(team, "U2") == []  # active once Marco confirms the card
    team.say("sì", user="U2")
    [goal] = goals_of(team, "U2")
    assert (goal.title, goal.confidence, goal.status) == (IT_GOAL, 8, "active")


def test_with_approval_on_the_manager_can_ask_for_changes(team: LocalWorkspace) -> None:
    team.command("team add <@U2|marco>", user="UL")
    team.command("team approvazione on", user="UL")
    set_goal_alone(team, "U2")
    team.command("counter 1 acquisire 12 nuovi clienti nei prossimi sei mesi perché il mercato è cresciuto", user="UL")
    assert last_dm(team, "U2") == t("it", "proposal.change_received", id=1, person="<@UL>",
                                    title="acquisire 12 nuovi clienti nei prossimi sei mesi",
                                    reason="il mercato è cresciuto")
    assert goals_of(team, "U2") == []


def test_with_approval_off_a_goal_set_alone_is_active_at_once(team: LocalWorkspace) -> None:
    team.command("team add <@U2|marco>", user="UL")
    team.command("team approval on", user="UL")
    team.command("team approval off", user="UL")
    set_goal_alone(team, "U2")
    [goal] = goals_of(team, "U2")
    assert goal.status == "active"


# A proposal whose words go against its metric, as Mia (EN, Anna's manager) and Luca (IT, Marco's) type it.
MORE_CHURN = {"en": ("UM", "U1", "increase churn rate to 5% by june"),
              "it": ("UL", "U2", "aumentare il churn al 5% entro giugno")}


@pytest.mark.parametrize(("lang", "way"), [("en", "decrease"), ("it", "decrease"), ("en", "increase")])
def test_a_proposal_raising_churn_is_asked_back_to_the_manager_and_sent_the_way_picked(
    team: LocalWorkspace, lang: str, way: str,
) -> None:
    # "/goal for @anna increase churn rate to 5%" went to Anna as "churn raised to 5%"; only she was asked.
    manager, report, sentence = MORE_CHURN[lang]
    team.command(f"team add <@{report}>", user=manager)
    team.command(f"{'for' if lang == 'en' else 'per'} <@{report}> {sentence}", user=manager)
    question = team.fake.ephemeral_messages(manager)[-1]
    amount = phrase(lang, "to", 5, "%")
    assert t(lang, "direction.churn_rate", amount=amount) in all_text(question)
    assert t(lang, "direction.hint_buttons") in all_text(question)
    assert labels(question) == [t(lang, f"direction.pick_{w}", amount=amount) for w in ("decrease", "increase")]
    with team.deps.sessions() as session:
        assert session.scalar(select(func.count()).select_from(GoalProposal)) == 0  # nothing sent while it asks
    [button] = [b for b in question["blocks"][1]["elements"] if json.loads(b["value"])["way"] == way]
    team.click(question, ids.ACTION_PROPOSE_DIRECTION, user=manager, value=button["value"], ephemeral=True)
    # Brought down, the manager's words say the opposite: marked as the original wording, as the goal's screens do.
    title = t(lang, "standing.original_title", title=sentence) if way == "decrease" else sentence
    assert last_answer(team, manager) == t(lang, "proposal.sent", id=1, person=f"<@{report}>", title=title)
    assert t(lang, "proposal.received", id=1, person=f"<@{manager}>", title=title) == last_dm(team, report)
    measure = t(lang, "measure.decrease" if way == "decrease" else "measure.increase_to",
                metric=t(lang, "metrics.churn_rate"), target_to=amount)
    assert measure in all_text(team.fake.dm_messages(report)[-1])
    # The report sets it up the way agreed: not asked the question again.
    team.command("accept 1" if lang == "en" else "accetta 1", user=report)
    assert t(lang, "proposal.accepted_by_owner", id=1, person=f"<@{report}>", title=title) == last_dm(team, manager)
    assert not any(t(lang, "direction.churn_rate", amount=amount) in text for text in dm_texts_of(team, report))
    if way == "decrease":
        assert t(lang, "ask.start", metric=t(lang, "metrics.churn_rate"), target_to=amount,
                 example=fmt_amount(lang, 10, "%")) in dm_texts_of(team, report)[-1]
        team.say("8%", user=report)
    else:  # raised to a level: where it stands today is asked as well, so progress counts from there
        assert t(lang, "ask.start_up", metric=t(lang, "metrics.churn_rate"), target_to=amount,
                 example=fmt_amount(lang, 2.5, "%")) in dm_texts_of(team, report)[-1]
        team.say("3%", user=report)
    for answer in (EN_ANSWERS if lang == "en" else IT_ANSWERS):
        team.say(answer, user=report)
    [goal] = goals_of(team, report)
    assert (goal.direction, goal.title, goal.title_reversed) == (way, sentence, way == "decrease")


# --- The manager hears how the goal agreed ended: confirmed (active), or dropped before it was. ---

# (manager, report, manager's language, report's language, the report's way of saying "accept")
PAIRS = {"en": ("UM", "U1", "en", "en", "accept 1"), "it": ("UL", "U2", "it", "it", "accetta 1"),
         "en-it": ("UM", "U2", "en", "it", "accetta 1")}


def agreed(ws: LocalWorkspace, pair: str) -> tuple[str, str, str, str]:
    """The manager proposes EN_GOAL to the report, who accepts it and is asked how confident they are."""
    manager, report, manager_lang, report_lang, accept = PAIRS[pair]
    ws.command(f"team add <@{report}>", user=manager)
    ws.command(f"for <@{report}> {EN_GOAL}", user=manager)
    ws.command(accept, user=report)
    return manager, report, manager_lang, report_lang


def answers_of(lang: str) -> tuple[str, ...]:
    return EN_ANSWERS if lang == "en" else IT_ANSWERS


def confirmed_text(ws: LocalWorkspace, lang: str, report: str) -> str:
    """What the manager should read once the report's goal from proposal 1 is active, from the catalog."""
    with ws.deps.sessions() as session:
        [goal] = session.scalars(select(Goal).where(Goal.user_id == report))
        return t(lang, "proposal.confirmed", person=f"<@{report}>", id=1, goal=goal.id, title=title_text(lang, goal),
                 measure=measure_text(lang, standing_of(goal, ws.deps.clock().date())))


def manager_dms(ws: LocalWorkspace, manager: str, key: str) -> list[str]:
    """The manager's DMs that are the catalog's `key`, whatever fills its placeholders."""
    template = re.escape(t(PAIRS_LANG[manager], key))
    pattern = re.compile(re.sub(r"\\\{\w+\\\}", ".*", template), re.DOTALL)
    return [text for text in dm_texts_of(ws, manager) if pattern.fullmatch(text)]


PAIRS_LANG = {"UM": "en", "UL": "it"}


@pytest.mark.parametrize("pair", ["en", "it", "en-it"])
def test_the_manager_is_told_once_when_the_report_confirms_the_goal_in_the_dm(team: LocalWorkspace, pair: str) -> None:
    # The manager read "becomes active when they confirm it", and then nothing, ever.
    manager, report, manager_lang, report_lang = agreed(team, pair)
    *answers, yes = answers_of(report_lang)
    for answer in answers:
        team.say(answer, user=report)
    assert manager_dms(team, manager, "proposal.confirmed") == []
    typed = team.fake.add_user_message(report, yes)
    body, headers = team.requests.message_event(yes, user=report, ts=typed["ts"], event_id="EvConfirm")
    team.dispatch(body, headers)
    # Slack did not see the ack in time and delivers the same event again: nothing is sent twice.
    again, retry_headers = team.requests.message_event(yes, user=report, ts=typed["ts"], event_id="EvConfirm",
                                                       retry_num=1, retry_reason="http_timeout")
    team.dispatch(again, retry_headers)
    assert [goal.status for goal in goals_of(team, report)] == ["active"]
    assert manager_dms(team, manager, "proposal.confirmed") == [confirmed_text(team, manager_lang, report)]
    run_job(team.deps, team.app.client, "outbox", now=team.deps.clock())  # nothing was left waiting to go again
    assert manager_dms(team, manager, "proposal.confirmed") == [confirmed_text(team, manager_lang, report)]


@pytest.mark.parametrize("pair", ["en", "it"])
def test_a_double_click_on_confirm_tells_the_manager_once(team: LocalWorkspace, pair: str) -> None:
    manager, report, manager_lang, report_lang = agreed(team, pair)
    for answer in answers_of(report_lang)[:-1]:
        team.say(answer, user=report)
    card = last_bot_message(team, report)
    team.click(card, ids.ACTION_CONFIRM, user=report)
    team.click(card, ids.ACTION_CONFIRM, user=report)
    assert manager_dms(team, manager, "proposal.confirmed") == [confirmed_text(team, manager_lang, report)]
    assert last_dm(team, report) == t(report_lang, "goal.already_saved")


@pytest.mark.parametrize(("pair", "how"), [("en", "typed"), ("it", "typed"), ("en", "button"), ("it", "button"),
                                           ("en", "command"), ("it", "new goal")])
@pytest.mark.both_databases
def test_the_manager_is_told_when_the_report_drops_the_goal_agreed(team: LocalWorkspace, pair: str, how: str) -> None:
    manager, report, manager_lang, report_lang = agreed(team, pair)
    team.say(answers_of(report_lang)[0], user=report)
    told = t(manager_lang, "proposal.set_up_dropped", person=f"<@{report}>", id=1, title=EN_GOAL)
    mention = f"<@{manager}>"
    if how == "typed":
        team.say("cancel" if report_lang == "en" else "annulla", user=report)
        assert last_dm(team, report) == t(report_lang, "proposal.cancelled_agreed", id=1, manager=mention)
    elif how == "button":
        team.say(answers_of(report_lang)[1], user=report)
        card = last_bot_message(team, report)
        team.click(card, ids.ACTION_CANCEL, user=report)
        team.click(card, ids.ACTION_CANCEL, user=report)  # a double click: told once
        assert t(report_lang, "proposal.cancelled_agreed", id=1, manager=mention) in dm_texts_of(team, report)
    elif how == "command":
        team.command("cancel", user=report)
        assert last_answer(team, report) == t(report_lang, "proposal.cancelled_agreed", id=1, manager=mention)
    else:
        team.command("aumentare le vendite del 10% entro giugno", user=report)
        assert t(report_lang, "proposal.draft_dropped", id=1, title=EN_GOAL, manager=mention) in dm_texts_of(
            team, report)
    assert manager_dms(team, manager, "proposal.set_up_dropped") == [told]
    assert goals_of(team, report) == []
    # The proposal stays agreed: `/goal accept 1` picks it up again, and confirming it tells the manager.
    team.command(PAIRS[pair][4], user=report)
    for answer in answers_of(report_lang):
        team.say(answer, user=report)
    assert manager_dms(team, manager, "proposal.confirmed") == [confirmed_text(team, manager_lang, report)]


@pytest.mark.parametrize("pair", ["en", "it"])
def test_accepting_again_while_setting_it_up_starts_over_without_telling_the_manager_it_was_dropped(
    team: LocalWorkspace, pair: str,
) -> None:
    manager, report, manager_lang, report_lang = agreed(team, pair)
    team.say(answers_of(report_lang)[0], user=report)
    team.command(PAIRS[pair][4], user=report)  # the same proposal, set up again from its start
    assert t(report_lang, "goal.draft_dropped", title=EN_GOAL) in dm_texts_of(team, report)
    assert manager_dms(team, manager, "proposal.set_up_dropped") == []
    for answer in answers_of(report_lang):
        team.say(answer, user=report)
    assert manager_dms(team, manager, "proposal.confirmed") == [confirmed_text(team, manager_lang, report)]


def test_a_goal_set_alone_with_approval_tells_the_manager_when_it_becomes_active(team: LocalWorkspace) -> None:
    team.command("team add <@U2|marco>", user="UL")
    team.command("team approval on", user="UL")
    set_goal_alone(team, "U2")
    # The request for approval goes as the answer does, not at the outbox's next round.
    assert last_dm(team, "UL") == t("it", "proposal.approval.requested", id=1, person="<@U2>", title=IT_GOAL)
    team.command("accetta 1", user="UL")
    team.say("sì", user="U2")
    assert manager_dms(team, "UL", "proposal.confirmed") == [confirmed_text(team, "it", "U2")]


# --- A change answered against its metric is asked back, as the manager's own proposal is. ---

COUNTERS = {"en": ("UM", "U1", "counter 1 increase churn rate to 5% by june because renewals slipped",
                   "increase churn rate to 5% by june", "renewals slipped", "accept 1"),
            "it": ("UL", "U2",
                   "controproposta 1 aumentare il churn al 5% entro giugno perché i rinnovi sono in ritardo",
                   "aumentare il churn al 5% entro giugno", "i rinnovi sono in ritardo", "accetta 1")}


@pytest.mark.parametrize(("lang", "way"), [("en", "decrease"), ("it", "decrease"), ("it", "increase")])
def test_a_counter_proposal_raising_churn_is_asked_back_and_sent_the_way_picked(
    team: LocalWorkspace, lang: str, way: str,
) -> None:
    # The report's "increase churn rate to 5%" went to the manager as "churn raised to 5%", asked only at set-up.
    manager, report, counter, changed, reason, accept = COUNTERS[lang]
    team.command(f"team add <@{report}>", user=manager)
    team.command(f"for <@{report}> {EN_GOAL}", user=manager)
    team.command(counter, user=report)
    question = team.fake.ephemeral_messages(report)[-1]
    amount = phrase(lang, "to", 5, "%")
    assert t(lang, "direction.churn_rate", amount=amount) in all_text(question)
    assert t(lang, "direction.hint_buttons") in all_text(question)
    assert labels(question) == [t(lang, f"direction.pick_{w}", amount=amount) for w in ("decrease", "increase")]
    with team.deps.sessions() as session:  # nothing sent while it asks: still the manager's version, the report's turn
        proposal = session.get_one(GoalProposal, 1)
        assert (proposal.draft["text"], proposal.awaiting) == (EN_GOAL, report)
    assert not any(t(lang, "proposal.change_received").split("{")[0] in text for text in dm_texts_of(team, manager))
    [button] = [b for b in question["blocks"][1]["elements"] if json.loads(b["value"])["way"] == way]
    team.click(question, ids.ACTION_PROPOSE_DIRECTION, user=report, value=button["value"], ephemeral=True)
    title = t(lang, "standing.original_title", title=changed) if way == "decrease" else changed
    assert last_answer(team, report) == t(lang, "proposal.counter_sent", id=1, person=f"<@{manager}>", title=title)
    assert last_dm(team, manager) == t(lang, "proposal.change_received", id=1, person=f"<@{report}>", title=title,
                                       reason=reason)
    measure = t(lang, "measure.decrease" if way == "decrease" else "measure.increase_to",
                metric=t(lang, "metrics.churn_rate"), target_to=amount)
    assert measure in all_text(team.fake.dm_messages(manager)[-1])
    # A second click on the question: the change went already, and it is the manager's turn.
    team.click(question, ids.ACTION_PROPOSE_DIRECTION, user=report, value=button["value"], ephemeral=True)
    assert last_answer(team, report) == t(lang, "proposal.not_your_turn", id=1, person=f"<@{manager}>")
    team.command(accept, user=manager)
    assert not any(t(lang, "direction.churn_rate", amount=amount) in text for text in dm_texts_of(team, report))
    team.say("8%" if way == "decrease" else "3%", user=report)  # where churn stands today, asked either way
    for answer in answers_of(lang):
        team.say(answer, user=report)
    [goal] = goals_of(team, report)
    assert (goal.direction, goal.title, goal.title_reversed) == (way, changed, way == "decrease")
    assert manager_dms(team, manager, "proposal.confirmed") == [confirmed_text(team, lang, report)]
    if way == "decrease":
        assert t(lang, "standing.original_title", title=changed) in manager_dms(team, manager, "proposal.confirmed")[0]


@pytest.mark.both_databases
def test_the_managers_own_change_raising_churn_is_asked_back_too(team: LocalWorkspace) -> None:
    team.command("team add <@U2>", user="UL")
    team.command("per <@U2> ridurre il churn al 4% entro giugno", user="UL")
    team.command("controproposta 1 ridurre il churn al 6% entro giugno perché il 4% è troppo", user="U2")
    team.command("controproposta 1 aumentare il churn al 5% entro giugno perché è il budget", user="UL")
    question = team.fake.ephemeral_messages("UL")[-1]
    amount = phrase("it", "to", 5, "%")
    assert labels(question) == [t("it", f"direction.pick_{w}", amount=amount) for w in ("decrease", "increase")]
    [button] = [b for b in question["blocks"][1]["elements"] if json.loads(b["value"])["way"] == "decrease"]
    team.click(question, ids.ACTION_PROPOSE_DIRECTION, user="UL", value=button["value"], ephemeral=True)
    title = t("it", "standing.original_title", title="aumentare il churn al 5% entro giugno")
    assert last_answer(team, "UL") == t("it", "proposal.counter_sent", id=1, person="<@U2>", title=title)
    assert last_dm(team, "U2") == t("it", "proposal.change_received", id=1, person="<@UL>", title=title,
                                    reason="è il budget")


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("report", "goal"), [("<@U1|anna>", EN_GOAL), ("<@U2|marco>", IT_GOAL)])
def test_the_same_proposal_sent_twice_while_the_first_is_open_makes_one_proposal(
    managed: LocalWorkspace, report: str, goal: str,
) -> None:
    # A tester's double "/goal per @marco rinnovare 8 contratti…": two proposals, each accepted once, two goals.
    owner = report[2:4]
    managed.command(f"for {report} {goal}", user="UM")
    managed.command(f"for {report}   {goal.upper()} ", user="UM")  # the same words, however typed
    assert last_answer(managed, "UM") == t("en", "proposal.already_open", id=1, person=f"<@{owner}>")
    with managed.deps.sessions() as session:
        assert session.scalar(select(func.count()).select_from(GoalProposal)) == 1
    managed.command(f"for {report} {goal} by March", user="UM")  # other words: another proposal
    assert last_answer(managed, "UM") == t("en", "proposal.sent", id=2, person=f"<@{owner}>", title=f"{goal} by March")
