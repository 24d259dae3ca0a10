"""The SMART conversation as a person lives it: signed Slack requests in, the bot's DM messages out."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot import ids
from bot.blocks.common import escape
from bot.local.workspace import LocalWorkspace
from bot.rules.goals import rate_total
from bot.services.conversation import SAVED
from prompts import fmt_amount, fmt_date, fmt_number, phrase, t
from storage.models import Conversation, Goal
from tests.bot.conftest import all_text, dm_texts, last_bot_message


def goals_of(ws: LocalWorkspace, user: str) -> list[Goal]:
    with ws.deps.sessions() as session:
        return list(session.scalars(select(Goal).where(Goal.user_id == user).order_by(Goal.id)))


def conversation_step(ws: LocalWorkspace, user: str) -> str | None:
    with ws.deps.sessions() as session:
        convo = session.scalars(select(Conversation).where(Conversation.user_id == user)).first()
        return convo.step if convo and convo.step != SAVED else None  # a saved goal's row is no conversation


def test_slash_command_is_acknowledged_at_once_with_an_empty_body(workspace: LocalWorkspace) -> None:
    response = workspace.command("increase sales of product X by 15% next quarter", user="U1")
    assert response.status == 200
    assert response.body == ""


def test_full_sentence_asks_only_for_what_is_missing(workspace: LocalWorkspace) -> None:
    workspace.command("increase sales of product X by 15% next quarter", user="U1")
    texts = dm_texts(workspace, "U1")
    assert "product X" in texts[0] and "31 March 2027" in texts[0]
    # +15% of what? The one thing the sentence leaves out is the amount sales start from.
    assert t("en", "ask.base", growth="+15%", metric="sales", example="€200,000") in texts[-1]
    specific = t("en", "ask.specific", example=t("en", "examples.specific.revenue"))
    assert not any(specific in text or t("en", "ask.time_bound") in text for text in texts)
    workspace.say("€200k", user="U1")
    recorded, asked = dm_texts(workspace, "U1")[-2:]
    assert t("en", "goal.base_recorded", base="€200,000", metric="sales", growth="+15%",
             amount="€230,000") in recorded
    assert t("en", "ask.achievable") in asked

    workspace.say("8 - 40 deals in pipeline and two demos a week", user="U1")
    assert t("en", "ask.relevant", example=t("en", "examples.relevant.revenue")) in dm_texts(workspace, "U1")[-1]
    workspace.say("grow EMEA revenue", user="U1")
    card = last_bot_message(workspace, "U1")
    assert t("en", "summary.header") in all_text(card)
    workspace.say("yes", user="U1")

    print(dm_texts(workspace, "U1")[-4:])
    [goal] = goals_of(workspace, "U1")
    assert (goal.type, goal.subject, goal.metric, goal.unit, goal.direction) == (
        "revenue", "product X", "sales", "%", "increase")
    assert goal.target == 15 and goal.deadline.isoformat() == "2027-03-31"
    assert goal.confidence == 8 and goal.relevance == "grow EMEA revenue"
    saved = t("en", "goal.saved", title=goal.title, date=fmt_date("en", date(2027, 3, 31)))
    assert saved in dm_texts(workspace, "U1")[-1]
    assert conversation_step(workspace, "U1") is None


def test_italian_speaker_is_answered_in_italian(workspace: LocalWorkspace) -> None:
    workspace.command("acquisire 10 nuovi clienti nei prossimi sei mesi", user="U2")
    texts = dm_texts(workspace, "U2")
    assert "26 maggio 2027" in texts[0]
    assert t("it", "ask.achievable") in texts[-1]
    workspace.say("7 - due demo a settimana", user="U2")
    workspace.say("entrare nel mercato sanitario", user="U2")
    workspace.say("sì", user="U2")
    [goal] = goals_of(workspace, "U2")
    assert (goal.type, goal.target, goal.unit, goal.lang) == ("new_business", 10, "clients", "it")
    assert t("it", "goal.saved", title=goal.title, date=fmt_date("it", goal.deadline)) in dm_texts(workspace, "U2")[-1]


def test_empty_goal_command_starts_in_the_dm_and_asks_for_the_goal(workspace: LocalWorkspace) -> None:
    workspace.command("", user="U1")
    texts = dm_texts(workspace, "U1")
    assert "SMART" in texts[0]
    assert t("en", "ask.what") in texts[-1]
    workspace.say("acquire 10 new clients in the next six months", user="U1")
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]


def test_command_from_a_channel_points_to_the_dm(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="sales", members=["U1"])
    workspace.command("acquire 10 new clients in the next six months", user="U1", channel="C1")
    assert any(t("en", "goal.moved_to_dm") in all_text(m) for m in workspace.fake.ephemeral_messages("U1"))
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]


def test_vague_goal_gets_specific_example(workspace: LocalWorkspace) -> None:
    workspace.command("increase sales", user="U1")
    question = dm_texts(workspace, "U1")[-1]
    assert "Specific" in question
    assert t("en", "examples.specific.revenue") in question
    workspace.say("product X in the mid-market segment", user="U1")
    assert t("en", "ask.measurable") in dm_texts(workspace, "U1")[-1]


def test_impossible_retention_target_is_questioned(workspace: LocalWorkspace) -> None:
    workspace.command("keep a 120% customer retention rate over the next year", user="U1")
    texts = dm_texts(workspace, "U1")
    warning = t("en", "feedback.achievable.retention_over_100", target_of="of 120%")
    assert any(warning in text for text in texts)
    assert conversation_step(workspace, "U1") == "measurable"
    workspace.say("92%", user="U1")
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]


def test_growth_far_beyond_baseline_can_be_kept_with_yes(workspace: LocalWorkspace) -> None:
    workspace.command("grow ARR on my EMEA accounts from €100k to €500k by end of 2027", user="U1")
    warning = t("en", "feedback.achievable.growth_far_beyond_baseline", growth_by="by 400%", baseline="€100,000",
                target_the="€500,000")
    assert any(warning in text for text in dm_texts(workspace, "U1"))
    workspace.say("yes", user="U1")
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]


def test_past_deadline_gets_a_clear_answer_with_an_example(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the enterprise segment", user="U1")
    workspace.say("8 - referrals", user="U1")
    workspace.say("expand the enterprise segment", user="U1")
    assert t("en", "ask.time_bound") in dm_texts(workspace, "U1")[-1]
    workspace.say("by 1 March 2025", user="U1")
    answer = dm_texts(workspace, "U1")[-1]
    assert t("en", "feedback.time_bound.deadline_past", date=fmt_date("en", date(2025, 3, 1))) in answer
    workspace.say("whenever", user="U1")
    assert t("en", "feedback.time_bound.unreadable", text="whenever") in dm_texts(workspace, "U1")[-1]
    workspace.say("Q2 2027", user="U1")
    texts = dm_texts(workspace, "U1")
    assert any(fmt_date("en", date(2027, 6, 30)) in text for text in texts[-2:])
    assert t("en", "summary.header") in texts[-1]


def test_back_returns_one_step_and_cancel_drops_everything(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("8 - referrals", user="U1")
    assert conversation_step(workspace, "U1") == "relevant"
    workspace.say("back", user="U1")
    assert conversation_step(workspace, "U1") == "achievable"
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]
    workspace.say("annulla", user="U1")
    assert conversation_step(workspace, "U1") is None
    assert goals_of(workspace, "U1") == []
    assert t("en", "goal.cancelled") in dm_texts(workspace, "U1")[-1]


def test_confirm_button_saves_the_goal_and_closes_the_card(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("8 - referrals from existing clients", user="U1")
    workspace.say("expand into healthcare", user="U1")
    card = last_bot_message(workspace, "U1")
    workspace.click(card, ids.ACTION_CONFIRM, user="U1")
    assert len(goals_of(workspace, "U1")) == 1
    updated = next(m for m in workspace.fake.dm_messages("U1") if m["ts"] == card["ts"])
    assert not any(block["type"] == "actions" for block in updated["blocks"])


@pytest.mark.both_databases
def test_edit_button_changes_one_part_and_returns_to_the_card(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("8 - referrals from existing clients", user="U1")
    workspace.say("expand into healthcare", user="U1")
    workspace.click(last_bot_message(workspace, "U1"), ids.ACTION_EDIT, user="U1")
    chooser = last_bot_message(workspace, "U1")
    workspace.click(chooser, ids.ACTION_CHOICE, user="U1", value="time_bound")
    assert t("en", "ask.time_bound") in dm_texts(workspace, "U1")[-1]
    workspace.say("by end of year", user="U1")
    assert t("en", "summary.header") in dm_texts(workspace, "U1")[-1]
    workspace.click(last_bot_message(workspace, "U1"), ids.ACTION_CONFIRM, user="U1")
    print(dm_texts(workspace, "U1")[-4:])
    [goal] = goals_of(workspace, "U1")
    assert goal.deadline.isoformat() == "2026-12-31"


def test_cancel_button_saves_nothing(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("8 - referrals from existing clients", user="U1")
    workspace.say("expand into healthcare", user="U1")
    workspace.click(last_bot_message(workspace, "U1"), ids.ACTION_CANCEL, user="U1")
    assert goals_of(workspace, "U1") == []
    assert conversation_step(workspace, "U1") is None


def summary_card_for(ws: LocalWorkspace, user: str, goal: str, *answers: str) -> dict[str, object]:
    """Type a goal and its answers; return the summary card the bot shows."""
    ws.command(goal, user=user)
    for answer in answers:
        ws.say(answer, user=user)
    return last_bot_message(ws, user)


def test_an_old_cards_buttons_never_act_on_a_newer_conversation(workspace: LocalWorkspace) -> None:
    # The goal is saved by typing "yes", so its summary card keeps its buttons; a new conversation starts.
    old_card = summary_card_for(workspace, "U1", "acquire 10 new clients in the next six months",
                                "8 - referrals from existing clients", "expand into healthcare")
    workspace.say("yes", user="U1")
    workspace.command("increase sales of product X by 15% next quarter", user="U1")
    step = conversation_step(workspace, "U1")

    for action_id in (ids.ACTION_CANCEL, ids.ACTION_CONFIRM, ids.ACTION_EDIT):
        workspace.click(old_card, action_id, user="U1")
        assert dm_texts(workspace, "U1")[-1] == t("en", "goal.card_inactive")
    assert conversation_step(workspace, "U1") == step  # the new conversation goes on where it was
    assert [g.title for g in goals_of(workspace, "U1")] == ["acquire 10 new clients in the next six months"]
    unchanged = next(m for m in workspace.fake.dm_messages("U1") if m["ts"] == old_card["ts"])
    assert unchanged["blocks"] == old_card["blocks"]  # not marked as if the press had done something


def test_a_cancelled_conversations_card_saves_nothing_when_confirmed_later(workspace: LocalWorkspace) -> None:
    card = summary_card_for(workspace, "U2", "acquisire 10 nuovi clienti nei prossimi sei mesi", "8 - referenze",
                            "entrare nel mercato sanitario")
    workspace.say("annulla", user="U2")
    workspace.click(card, ids.ACTION_CONFIRM, user="U2")
    assert goals_of(workspace, "U2") == []
    assert dm_texts(workspace, "U2")[-1] == t("it", "goal.card_inactive")


def test_conversation_survives_a_restart(database_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.bot.conftest import make_settings

    first = LocalWorkspace(make_settings(database_url), clock=clock)
    first.add_user("U1", name="anna")
    first.command("acquire 10 new clients in the next six months", user="U1")
    first.say("8 - referrals", user="U1")
    first.close()

    second = LocalWorkspace(make_settings(database_url), clock=clock)  # a new process on the same database
    second.add_user("U1", name="anna")
    second.say("expand into healthcare", user="U1")
    assert t("en", "summary.header") in dm_texts(second, "U1")[-1]
    second.say("yes", user="U1")
    assert len(goals_of(second, "U1")) == 1
    second.close()


def test_a_new_goal_replaces_the_unfinished_one(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.command("keep a 90% customer retention rate over the next year", user="U1")
    with workspace.deps.sessions() as session:
        conversations = list(session.scalars(select(Conversation).where(Conversation.user_id == "U1")))
    assert len(conversations) == 1
    assert "retention" in conversations[0].draft["text"]


def test_confidence_without_plan_asks_for_the_plan(workspace: LocalWorkspace) -> None:
    workspace.command("acquire 10 new clients in the next six months", user="U1")
    workspace.say("8", user="U1")
    assert t("en", "feedback.achievable.no_plan") in dm_texts(workspace, "U1")[-1]
    workspace.say("two demos a week and referrals", user="U1")
    relevant = t("en", "ask.relevant", example=t("en", "examples.relevant.new_business"))
    assert relevant in dm_texts(workspace, "U1")[-1]
    workspace.say("expand into healthcare", user="U1")
    workspace.say("yes", user="U1")
    print(dm_texts(workspace, "U1")[-4:])
    [goal] = goals_of(workspace, "U1")
    assert (goal.confidence, goal.plan) == (8, "two demos a week and referrals")


def test_message_without_a_conversation_points_to_the_command(workspace: LocalWorkspace) -> None:
    workspace.say("hello", user="U1")
    assert t("en", "goal.no_conversation") in dm_texts(workspace, "U1")[-1]


def test_growth_without_a_baseline_is_questioned_but_can_be_kept(workspace: LocalWorkspace) -> None:
    workspace.command("increase sales of product X by 250% next quarter", user="U1")
    warning = t("en", "feedback.achievable.growth_far_beyond_any", growth_by="by 250%", target_the="250%")
    assert any(warning in text for text in dm_texts(workspace, "U1"))
    workspace.say("yes", user="U1")
    assert t("en", "ask.base", growth="+250%", metric="sales", example="€200,000") in dm_texts(workspace, "U1")[-1]
    workspace.say("€100k", user="U1")
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]


def test_unrealistic_target_can_be_replaced_instead_of_kept(workspace: LocalWorkspace) -> None:
    workspace.command("increase sales of product X by 250% next quarter", user="U1")
    workspace.say("25%", user="U1")
    assert t("en", "feedback.measurable.measure_recorded", measure="sales up 25%") in dm_texts(workspace, "U1")[-2]
    workspace.say("€100k", user="U1")
    workspace.say("8 - two demos a week", user="U1")
    workspace.say("grow EMEA revenue", user="U1")
    workspace.say("yes", user="U1")
    print(dm_texts(workspace, "U1")[-4:])
    [goal] = goals_of(workspace, "U1")
    assert goal.target == 25


def test_retention_goal_card_names_its_implied_subject(workspace: LocalWorkspace) -> None:
    workspace.command("keep a 90% customer retention rate over the next year", user="U1")
    workspace.say("9 - quarterly business reviews with top accounts", user="U1")
    workspace.say("reduce churn in the enterprise segment", user="U1")
    card = all_text(last_bot_message(workspace, "U1"))
    assert "*Specific*\ncustomer retention" in card and "not set" not in card
    assert t("en", "measure.maintain", metric="retention rate", target_at="at 90%") in card
    assert "26 November 2027" in card


# --- numbers out of range: asked again, never an error ----------------------------------------------------------

FOUR_HUNDRED_NINES = "9" * 400


def _asked_again(ws: LocalWorkspace, user: str, lang: str, refused: str) -> None:
    """The person's last two messages: why the number was refused, then the Measurable question again."""
    limit = fmt_number(lang, 1e12)
    texts = dm_texts(ws, user)
    assert t(lang, f"feedback.measurable.out_of_range_{refused}", limit=limit) in texts[-2]
    assert t(lang, "ask.measurable") in texts[-1]
    assert not any(t(lang, "errors.internal") in text for text in texts)
    assert conversation_step(ws, user) == "measurable"


def test_a_target_or_start_out_of_range_in_english_is_asked_again_and_never_stored(workspace: LocalWorkspace) -> None:
    workspace.command(f"acquire {FOUR_HUNDRED_NINES} new clients in the next six months", user="U1")
    _asked_again(workspace, "U1", "en", "target")
    for answer, refused in (("-5", "target"), (f"{FOUR_HUNDRED_NINES} new clients", "target"),
                            ("from -3 to 10 new clients", "baseline"), ("1" + "0" * 13, "target")):
        workspace.say(answer, user="U1")
        _asked_again(workspace, "U1", "en", refused)
    workspace.say("12 new clients", user="U1")
    assert t("en", "ask.achievable") in dm_texts(workspace, "U1")[-1]
    workspace.say("8 - two demos a week", user="U1")
    workspace.say("expand into the healthcare market", user="U1")
    assert t("en", "summary.header") in all_text(last_bot_message(workspace, "U1"))
    workspace.say("yes", user="U1")
    [goal] = goals_of(workspace, "U1")
    assert (goal.baseline, goal.target) == (0, 12)


def test_a_target_or_start_out_of_range_in_italian_is_asked_again_in_italian(workspace: LocalWorkspace) -> None:
    workspace.command("acquisire nuovi clienti nei prossimi sei mesi", user="U2")
    workspace.say("da -3 a 10", user="U2")
    _asked_again(workspace, "U2", "it", "baseline")
    workspace.say(f"{FOUR_HUNDRED_NINES} nuovi clienti", user="U2")
    _asked_again(workspace, "U2", "it", "target")
    workspace.command(f"acquisire {FOUR_HUNDRED_NINES} nuovi clienti nei prossimi sei mesi", user="U2")
    _asked_again(workspace, "U2", "it", "target")
    workspace.say("10", user="U2")
    assert t("it", "ask.achievable") in dm_texts(workspace, "U2")[-1]
    assert goals_of(workspace, "U2") == []


def test_a_growth_goals_starting_amount_out_of_range_is_asked_again(workspace: LocalWorkspace) -> None:
    limit = fmt_number("it", 1e12)
    # Typed with the sentence: refused like any starting point, and the Measurable question asked again.
    workspace.command("aumentare le vendite del prodotto X del 15% da 9000000000000000 € nel prossimo trimestre",
                      user="U2")
    _asked_again(workspace, "U2", "it", "baseline")
    workspace.say("del 15%", user="U2")
    ask = t("it", "ask.base", growth="+15%", metric="vendite", example=fmt_amount("it", 200_000, "EUR"))
    assert ask in dm_texts(workspace, "U2")[-1]
    # Answering "+15% from how much?": said why, and asked again.
    workspace.say("9000000000000000 €", user="U2")
    refused, again = dm_texts(workspace, "U2")[-2:]
    assert t("it", "feedback.measurable.base_out_of_range", limit=limit) in refused and ask in again
    workspace.say("200.000 €", user="U2")
    assert t("it", "ask.achievable") in dm_texts(workspace, "U2")[-1]


def test_a_new_goal_over_an_unfinished_one_says_the_first_was_dropped(workspace: LocalWorkspace) -> None:
    workspace.command("win 8 new logos in healthcare by June <!channel>", user="U1")
    workspace.say("8 - strong pipeline", user="U1")
    workspace.command("acquisire 10 nuovi clienti nei prossimi sei mesi", user="U1")
    dropped = t("en", "goal.draft_dropped", title="win 8 new logos in healthcare by June &lt;!channel&gt;")
    texts = dm_texts(workspace, "U1")
    assert sum(dropped in text for text in texts) == 1  # escaped: the echo never pings the channel
    workspace.command("increase sales of product X by 15% next quarter", user="U1")
    assert t("en", "goal.draft_dropped", title="acquisire 10 nuovi clienti nei prossimi sei mesi") in \
        dm_texts(workspace, "U1")[-3]
    assert goals_of(workspace, "U1") == []


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user,goal,plan", [
    ("en", "U1", "win 8 new logos in healthcare by June <!channel>", "8 - strong pipeline"),
    ("it", "U2", "acquisire 10 nuovi clienti nei prossimi sei mesi", "7 - due demo a settimana"),
])
def test_a_bare_goal_over_an_unfinished_one_picks_it_up_where_it_was(
        workspace: LocalWorkspace, lang: str, user: str, goal: str, plan: str) -> None:
    workspace.command(goal, user=user)
    workspace.say(plan, user=user)
    asked = dm_texts(workspace, user)[-1]  # the Relevant question
    workspace.command("", user=user)  # lost sight of it: `/goal` again
    resumed, again = dm_texts(workspace, user)[-2:]
    assert resumed == t(lang, "goal.draft_resumed", title=escape(goal))
    assert again == asked and t(lang, "goal.draft_dropped", title=escape(goal)) not in resumed
    workspace.say("grow revenue in EMEA" if lang == "en" else "entrare nel mercato sanitario", user=user)
    workspace.say("yes" if lang == "en" else "sì", user=user)
    assert len(goals_of(workspace, user)) == 1  # the answers given before the second /goal were kept


def test_a_new_goal_after_a_saved_one_drops_nothing(workspace: LocalWorkspace) -> None:
    workspace.command("acquisire 10 nuovi clienti nei prossimi sei mesi", user="U2")
    for answer in ("7 - due demo a settimana", "entrare nel mercato sanitario", "sì"):
        workspace.say(answer, user="U2")
    workspace.command("ridurre il churn al 3% entro fine anno", user="U2")
    assert not any("Ho scartato" in text or t("it", "goal.draft_dropped", title="").split("*")[0] in text
                   for text in dm_texts(workspace, "U2"))


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user,goal,start,typed", [
    ("it", "U2", "ridurre il churn al 3% entro fine 2027", "6,5%", 6.5),
    ("en", "U1", "reduce churn to 3% by the end of 2027", "6.5%", 6.5),
])
def test_a_reduce_goal_asks_where_it_starts_and_counts_from_there(
    workspace: LocalWorkspace, lang: str, user: str, goal: str, start: str, typed: float,
) -> None:
    workspace.command(goal, user=user)
    asked = t(lang, "ask.start", metric=t(lang, "metrics.churn_rate"), target_to=phrase(lang, "to", 3, "%"),
              example=fmt_amount(lang, 6, "%"))
    assert asked in dm_texts(workspace, user)[-1]  # "churn down to 3%" from where? asked, never assumed
    workspace.say("2%", user=user)  # already under the target: said, and asked again
    assert t(lang, "feedback.start.not_above", value=fmt_amount(lang, 2, "%"), target=fmt_amount(lang, 3, "%")) \
        in dm_texts(workspace, user)[-2]
    workspace.say(start, user=user)
    recorded = t(lang, "goal.start_recorded", value=fmt_amount(lang, typed, "%"),
                 metric=t(lang, "metrics.churn_rate"), target_to=phrase(lang, "to", 3, "%"))
    assert recorded in dm_texts(workspace, user)[-2]
    for answer in ("7 - success plans", "protect the installed base", "yes" if lang == "en" else "sì"):
        workspace.say(answer, user=user)
    [saved] = goals_of(workspace, user)
    assert (saved.direction, saved.baseline, saved.target) == ("decrease", typed, 3)



@pytest.mark.variants_on_one_database
@pytest.mark.parametrize(("user", "lang", "sentence", "early", "subject", "rest"), [
    ("U1", "en", "grow ARR from $1.2M to $1.5M by June", "7 - upsell", "mid-market accounts in the UK",
     ["grow ARR", "yes"]),
    ("U2", "it", "portare il fatturato da 150.000 € a 200.000 € entro giugno", "8/10 nuovi distributori",
     "distributori del Veneto", ["crescere nel nord-est", "sì"]),
])
def test_a_confidence_typed_at_the_specific_step_is_kept_for_later_never_the_subject(
        workspace: LocalWorkspace, user: str, lang: str, sentence: str, early: str, subject: str,
        rest: list[str]) -> None:
    workspace.command(sentence, user=user)
    assert conversation_step(workspace, user) == "specific"  # the sentence names no product, segment or accounts
    workspace.say(early, user=user)
    kept = dm_texts(workspace, user)[-2]  # then the Specific question again
    confidence, plan = early.split("/10 ") if "/10" in early else early.split(" - ")
    assert t(lang, "goal.confidence_early", confidence=confidence, plan=plan) in kept
    assert conversation_step(workspace, user) == "specific"  # asked again, the answer is no subject
    workspace.say(subject, user=user)
    for answer in rest:
        workspace.say(answer, user=user)
    [goal] = goals_of(workspace, user)
    assert (goal.subject, goal.confidence, goal.plan) == (subject, int(confidence), plan)
    assert not any(t(lang, "ask.achievable") in text for text in dm_texts(workspace, user))  # answered already


@pytest.mark.parametrize(("user", "lang", "sentence", "answers"), [
    ("U2", "it", "passare da 40 a 60 clienti entro giugno", ("7 - due demo a settimana", "crescere nel nord", "sì")),
    ("U2", "it", "portare i clienti da 40 a 60 entro giugno", ("7 - due demo a settimana", "crescere nel nord", "sì")),
    ("U1", "en", "go from 40 to 60 clients by June", ("7 - two demos a week", "grow in the north", "yes")),
    ("U1", "en", "grow clients from 40 to 60 by June", ("7 - two demos a week", "grow in the north", "yes")),
])
def test_a_count_from_a_start_to_a_target_is_said_back_and_saved_as_typed(
    workspace: LocalWorkspace, user: str, lang: str, sentence: str, answers: tuple[str, ...],
) -> None:
    # "passare da 40 a 60 clienti" was "type: other, what will we count?", and "i clienti da 40 a 60" lost its unit.
    workspace.command(sentence, user=user)
    understood, asked = dm_texts(workspace, user)[-2:]
    assert t(lang, "types.new_business") in understood and t(lang, "metrics.new_clients") in understood
    assert phrase(lang, "from", 40, "clients") in understood and phrase(lang, "to", 60, "clients") in understood
    assert t(lang, "ask.achievable") in asked
    assert not any(t(lang, "feedback.measurable.no_metric") in text for text in dm_texts(workspace, user))
    for answer in answers:
        workspace.say(answer, user=user)
    [goal] = goals_of(workspace, user)
    assert (goal.metric, goal.unit, goal.direction, goal.baseline, goal.target) == (
        "new_clients", "clients", "increase", 40, 60)


@pytest.mark.parametrize(("user", "lang", "sentence", "market"), [
    ("U1", "en", "USA sales up 10% by June", "USA"),
    ("U2", "it", "Lombardia: aumentare il fatturato del 10% entro giugno", "Lombardia"),
])
def test_a_market_that_opens_the_goal_is_its_specific_part(
    workspace: LocalWorkspace, user: str, lang: str, sentence: str, market: str,
) -> None:
    # "/goal USA sales up 10% by June" asked "Specific — what exactly?" although USA names the market.
    workspace.command(sentence, user=user)
    understood = dm_texts(workspace, user)[0]
    assert t(lang, "summary.line", label=t(lang, "parts.specific"), value=market) in understood
    asked = t(lang, "ask.specific", example=t(lang, "examples.specific.revenue"))
    assert not any(asked in text for text in dm_texts(workspace, user))


@pytest.mark.parametrize(("user", "lang", "sentence"), [
    ("U1", "en", "Increase sales by 10% by June"), ("U2", "it", "Aumentare il fatturato del 10% entro giugno"),
])
def test_a_capital_that_only_opens_the_sentence_is_asked_about(
    workspace: LocalWorkspace, user: str, lang: str, sentence: str,
) -> None:
    workspace.command(sentence, user=user)
    assert t(lang, "ask.specific", example=t(lang, "examples.specific.revenue")) in dm_texts(workspace, user)[-1]


# "8 meetings a week" is a number per week, not the goal's total: asked back as the total it adds up to by the
# deadline (26 November to 31 March: about 18 weeks, 144), never saved as "8 meetings".
RATE_GOALS = {
    "en": ("book 8 meetings a week with new prospects by March 31", "8 - two demos a week", "grow the pipeline", "yes"),
    "it": ("fissare 8 appuntamenti a settimana con nuovi clienti entro il 31 marzo", "8 - due demo a settimana",
           "far crescere la pipeline", "sì"),
}


def _rate_question(lang: str, total: float) -> str:
    return t(lang, "rate.question_week", rate=fmt_amount(lang, 8, "meetings"), total=fmt_amount(lang, total, "meetings"),
             date=fmt_date(lang, date(2027, 3, 31)))


@pytest.mark.parametrize(("user", "lang"), [("U1", "en"), ("U2", "it")])
def test_a_number_a_week_is_asked_back_as_its_total_and_the_button_saves_the_total(
    workspace: LocalWorkspace, user: str, lang: str,
) -> None:
    sentence, plan, relevance, yes = RATE_GOALS[lang]
    workspace.command(sentence, user=user)
    total = rate_total(8, "week", date(2026, 11, 26), date(2027, 3, 31))
    assert total == 144
    question = last_bot_message(workspace, user)
    assert _rate_question(lang, total) in all_text(question)
    assert goals_of(workspace, user) == []
    workspace.click(question, ids.ACTION_RATE, user=user)
    recorded = dm_texts(workspace, user)[-2]
    assert t(lang, "feedback.measurable.measure_recorded", measure=fmt_amount(lang, 144, "meetings")) in recorded
    for answer in (plan, relevance, yes):
        workspace.say(answer, user=user)
    [goal] = goals_of(workspace, user)
    assert (goal.metric, goal.unit, goal.direction, goal.baseline, goal.target) == ("meetings", "meetings", "increase",
                                                                                    0, 144)


@pytest.mark.parametrize(("user", "lang", "again", "answer"), [
    ("U1", "en", "8 each week", "120 meetings"), ("U2", "it", "8 alla settimana", "120 appuntamenti"),
])
def test_a_total_typed_answers_the_rate_question_and_a_rate_typed_again_is_asked_again(
    workspace: LocalWorkspace, user: str, lang: str, again: str, answer: str,
) -> None:
    workspace.command(RATE_GOALS[lang][0], user=user)
    workspace.say(again, user=user)
    assert _rate_question(lang, 144) in dm_texts(workspace, user)[-1]
    workspace.say(answer, user=user)
    assert t(lang, "feedback.measurable.measure_recorded", measure=fmt_amount(lang, 120, "meetings")) in \
        dm_texts(workspace, user)[-2]
    assert t(lang, "ask.achievable") in dm_texts(workspace, user)[-1]
    for reply in RATE_GOALS[lang][1:]:
        workspace.say(reply, user=user)
    [goal] = goals_of(workspace, user)
    assert (goal.target, goal.unit) == (120, "meetings")


def test_a_number_a_month_without_a_deadline_is_asked_as_a_total(workspace: LocalWorkspace) -> None:
    workspace.command("chiudere 4 contratti al mese con clienti nuovi", user="U2")
    texts = dm_texts(workspace, "U2")
    assert t("it", "rate.no_deadline_month", rate=fmt_amount("it", 4, "deals"),
             example=fmt_amount("it", 12, "deals")) in texts[-2]
    assert t("it", "ask.measurable") in texts[-1]
    workspace.say("sì", user="U2")  # nothing to say yes to: the total is still asked for
    assert conversation_step(workspace, "U2") == "measurable"


@pytest.mark.both_databases
def test_a_number_a_week_typed_as_the_measurable_answer_is_asked_back_as_its_total(workspace: LocalWorkspace) -> None:
    workspace.command("book more meetings with new prospects by March 31", user="U1")
    assert t("en", "ask.measurable") in dm_texts(workspace, "U1")[-1]
    workspace.say("8 meetings a week", user="U1")
    assert _rate_question("en", 144) in all_text(last_bot_message(workspace, "U1"))
    workspace.click(last_bot_message(workspace, "U1"), ids.ACTION_RATE, user="U1")
    assert t("en", "feedback.measurable.measure_recorded", measure=fmt_amount("en", 144, "meetings")) in \
        dm_texts(workspace, "U1")[-2]


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user,goal,metric,target,too_high,start,typed,checkin,value,percent", [
    ("en", "U1", "reach €1M ARR in enterprise accounts by June 2027", "arr", 1_000_000, "€1.2M", "€800k", 800_000,
     "we're at 900k", 900_000, 50),
    ("it", "U2", "voglio portare il fatturato del mio portafoglio a 500 mila euro entro fine marzo", "revenue", 500_000,
     "600 mila", "300 mila", 300_000, "siamo a 320 mila", 320_000, 10),
])
def test_an_increase_to_a_level_asks_where_it_stands_and_the_first_checkin_counts_from_there(
    workspace: LocalWorkspace, lang: str, user: str, goal: str, metric: str, target: float, too_high: str,
    start: str, typed: float, checkin: str, value: float, percent: int,
) -> None:
    from datetime import UTC, datetime

    from tests.bot.checkin_support import checkins_of, last_card, run, thread_answers

    workspace.command(goal, user=user)
    asked = t(lang, "ask.start_up", metric=t(lang, f"metrics.{metric}"), target_to=phrase(lang, "to", target, "EUR"),
              example=fmt_amount(lang, target / 2, "EUR"))
    assert asked in dm_texts(workspace, user)[-1]  # "to €500k" from where? asked, never counted from zero
    workspace.say(too_high, user=user)  # already past the target: said, and asked again
    past = 1_200_000 if lang == "en" else 600_000
    assert t(lang, "feedback.start.not_below", value=fmt_amount(lang, past, "EUR"),
             target=fmt_amount(lang, target, "EUR")) in dm_texts(workspace, user)[-2]
    workspace.say(start, user=user)
    recorded = t(lang, "goal.start_recorded_up", value=fmt_amount(lang, typed, "EUR"),
                 metric=t(lang, f"metrics.{metric}"), target_to=phrase(lang, "to", target, "EUR"))
    assert recorded in dm_texts(workspace, user)[-2]
    for answer in ("7 - upsell the base", "grow the installed base", "yes" if lang == "en" else "sì"):
        workspace.say(answer, user=user)
    [saved] = goals_of(workspace, user)
    assert (saved.direction, saved.baseline, saved.target) == ("increase", typed, target)

    run(workspace, at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    card = last_card(workspace, user)
    workspace.say(checkin, user=user, thread_ts=card["ts"])
    [answer] = thread_answers(workspace, user, card)
    assert t(lang, "checkin.recorded.value", amount=f"*{fmt_amount(lang, value, 'EUR')}*",
             change="+" + fmt_amount(lang, value - typed, "EUR")) in answer  # not "+€900,000"
    assert f"▱ {percent}%" in answer  # counted from the start given, not from zero
    [row] = checkins_of(workspace, saved.id)
    assert (row.value, row.previous_value) == (value, typed)
