"""Behaviour of the SMART checks in bot.rules.smart."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from bot.rules.goals import SMART_PARTS, parse_goal
from bot.rules.smart import (
    BASE_STEP,
    ISSUE_CODES,
    PAST_START_CODES,
    START_STEP,
    GoalDraft,
    SmartIssue,
    check_goal,
    check_part,
    missing_parts,
    needs_base,
    needs_start,
    start_example,
)

TODAY = date(2026, 11, 26)
NOW = datetime.fromisoformat("2026-11-26T10:00:00+00:00")


def complete(**changes: object) -> GoalDraft:
    """A goal with every SMART part answered and nothing to criticise, changed as the test needs."""
    draft = GoalDraft(
        text="increase sales of product X from €100k to €120k by 31 March", type="revenue", subject="product X",
        metric="sales", unit="EUR", direction="increase", baseline=100_000.0, target=120_000.0,
        deadline=date(2027, 3, 31), confidence=7, plan="two demos a week", relevance="grow EMEA revenue 20% this year",
    )
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


def parsed(text: str, lang: str = "en") -> GoalDraft:
    return GoalDraft.from_parsed(parse_goal(text, lang=lang, now=NOW, tz="Europe/Rome"))


def codes(issues: list[SmartIssue]) -> list[str]:
    return [issue.code for issue in issues]


def test_a_complete_goal_has_no_issues_and_nothing_missing() -> None:
    assert check_goal(complete(), today=TODAY) == []
    assert missing_parts(complete(), today=TODAY) == []


# --- specific -------------------------------------------------------------------


def test_vague_goal_is_not_specific() -> None:
    issues = check_part("specific", parsed("increase sales"), today=TODAY)
    assert issues == [SmartIssue("specific", "too_vague", {"type": "revenue"}, blocking=True)]


def test_goal_with_a_target_but_no_subject_asks_which_product() -> None:
    draft = parsed("raggiungere 250.000 euro di fatturato entro fine anno", "it")
    assert codes(check_part("specific", draft, today=TODAY)) == ["no_subject"]


@pytest.mark.parametrize("text", [
    "acquire 10 new clients in the next six months",
    "close €250k of new business by end of year",
    "keep a 90% customer retention rate over the next year",
    "reduce churn to 5%",
])
def test_new_business_and_retention_need_no_named_subject(text: str) -> None:
    draft = parsed(text)
    assert check_part("specific", draft, today=TODAY) == []
    assert "specific" not in missing_parts(draft, today=TODAY)


@pytest.mark.parametrize("subject", ["all products", "tutti i clienti", "everything", "boh", "not sure", "ok", "sì",
                                     "yes"])
def test_a_catch_all_subject_is_too_vague(subject: str) -> None:
    assert codes(check_part("specific", complete(subject=subject), today=TODAY)) == ["too_vague"]


def test_a_named_subject_is_specific() -> None:
    assert check_part("specific", complete(subject="Acme accounts"), today=TODAY) == []


# --- measurable -----------------------------------------------------------------


def test_goal_without_a_target_is_not_measurable() -> None:
    issues = check_part("measurable", parsed("increase sales"), today=TODAY)
    assert codes(issues) == ["no_target"]
    assert issues[0].blocking


def test_a_target_without_a_metric_is_only_a_warning() -> None:
    issues = check_part("measurable", complete(metric=None), today=TODAY)
    assert codes(issues) == ["no_metric"]
    assert not issues[0].blocking


# --- achievable: the size of the target --------------------------------------------


def test_retention_above_100_is_impossible() -> None:
    draft = parsed("reach 110% retention by year end")
    issues = check_part("achievable", draft, today=TODAY)
    assert issues[0] == SmartIssue("achievable", "retention_over_100", {"target": 110.0}, blocking=True)


def test_churn_above_100_percent_is_impossible() -> None:
    draft = complete(type="retention", metric="churn_rate", unit="%", direction="decrease", baseline=None, target=120.0)
    assert codes(check_part("achievable", draft, today=TODAY)) == ["percent_over_100"]


def test_a_level_in_percent_from_a_baseline_cannot_pass_100() -> None:
    draft = complete(metric="conversion", unit="%", baseline=20.0, target=130.0)
    assert codes(check_part("achievable", draft, today=TODAY))[0] == "percent_over_100"


def test_growth_over_100_percent_is_questioned_not_refused() -> None:
    draft = parsed("increase sales of product X by 250% next quarter")
    issues = check_part("achievable", draft, today=TODAY)
    assert SmartIssue("achievable", "growth_far_beyond_baseline", {"growth": 250.0, "target": 250.0},
                      blocking=False) in issues
    assert codes(issues) == ["no_confidence", "growth_far_beyond_baseline"]  # blocking first


def test_doubling_is_fine() -> None:
    draft = parsed("double revenue of the Premium plan by Q3 2027")
    assert codes(check_part("achievable", draft, today=TODAY)) == ["no_confidence"]


def test_cutting_by_more_than_everything_is_impossible() -> None:
    draft = complete(metric="revenue", unit="%", direction="decrease", baseline=None, target=150.0)
    assert codes(check_part("achievable", draft, today=TODAY)) == ["percent_over_100"]


def test_target_more_than_three_times_the_baseline_is_questioned() -> None:
    issues = check_part("achievable", complete(baseline=100_000.0, target=400_000.0), today=TODAY)
    assert issues == [SmartIssue("achievable", "growth_far_beyond_baseline",
                                 {"growth": 300.0, "target": 400_000.0, "baseline": 100_000.0}, blocking=False)]


def test_three_times_the_baseline_is_still_fine() -> None:
    assert check_part("achievable", complete(baseline=100_000.0, target=300_000.0), today=TODAY) == []


# A target at or past its own start is achieved the day it is set: blocking, never kept with a "yes" (the
# conversation asks for another target, an edit is refused). Just past the start is fine.
@pytest.mark.parametrize(("direction", "baseline", "target", "code"), [
    ("increase", 100_000.0, 100_000.0, "target_not_above_baseline"),
    ("increase", 100_000.0, 90_000.0, "target_not_above_baseline"),
    ("increase", 40.0, 40.0, "target_not_above_baseline"),
    ("decrease", 5.0, 8.0, "target_not_below_baseline"),
    ("decrease", 8.0, 8.0, "target_not_below_baseline"),
    ("increase", 100_000.0, 100_001.0, None),
    ("decrease", 8.0, 7.9, None),
    ("maintain", 92.0, 90.0, None),
    ("keep_below", 2.0, 3.0, None),
])
def test_a_target_at_or_past_its_start_blocks(direction: str, baseline: float, target: float, code: str | None) -> None:
    draft = complete(direction=direction, baseline=baseline, target=target)
    issues = check_part("achievable", draft, today=TODAY)
    expected = [SmartIssue("achievable", code, {"target": target, "baseline": baseline})] if code else []
    assert issues == expected
    assert not code or code in PAST_START_CODES


def test_keeping_a_level_is_not_compared_with_the_baseline() -> None:
    draft = complete(type="retention", metric="retention_rate", unit="%", direction="maintain", baseline=92.0, target=90.0)
    assert check_part("achievable", draft, today=TODAY) == []


def test_new_clients_counted_from_zero_are_not_growth_beyond_a_baseline() -> None:
    draft = dataclasses.replace(parsed("acquire 10 new clients in the next six months"), confidence=8, plan="events")
    assert check_part("achievable", draft, today=TODAY) == []


def test_more_than_100_percent_of_quota_is_fine() -> None:
    draft = dataclasses.replace(parsed("hit 120% of quota this quarter"), confidence=6, plan="push renewals")
    assert check_part("achievable", draft, today=TODAY) == []


# --- achievable: confidence and plan ------------------------------------------------


def test_achievable_is_asked_until_there_is_a_confidence() -> None:
    draft = complete(confidence=None, plan=None)
    assert codes(check_part("achievable", draft, today=TODAY)) == ["no_confidence"]
    assert missing_parts(draft, today=TODAY) == ["achievable"]


@pytest.mark.parametrize("confidence", [1, 4])
def test_low_confidence_is_questioned(confidence: int) -> None:
    issues = check_part("achievable", complete(confidence=confidence), today=TODAY)
    assert issues == [SmartIssue("achievable", "confidence_low", {"confidence": confidence}, blocking=False)]


def test_confidence_of_five_is_enough() -> None:
    assert check_part("achievable", complete(confidence=5), today=TODAY) == []


def test_confidence_without_a_plan_asks_for_one() -> None:
    issues = check_part("achievable", complete(plan=None), today=TODAY)
    assert issues == [SmartIssue("achievable", "no_plan", {}, blocking=False)]


# --- relevant --------------------------------------------------------------------


def test_relevance_is_asked_until_answered() -> None:
    draft = complete(relevance="   ")
    assert check_part("relevant", draft, today=TODAY) == [SmartIssue("relevant", "no_relevance", {"type": "revenue"})]
    assert missing_parts(draft, today=TODAY) == ["relevant"]


def test_a_one_word_reason_is_questioned() -> None:
    issues = check_part("relevant", complete(relevance="growth"), today=TODAY)
    assert codes(issues) == ["too_short"]
    assert not issues[0].blocking


@pytest.mark.parametrize("reason", ["yes", "sì", "ok", "no idea", "non lo so", "boh"])
def test_a_yes_or_a_shrug_is_not_a_reason(reason: str) -> None:
    issues = check_part("relevant", complete(relevance=reason), today=TODAY)
    assert codes(issues) == ["not_an_objective"]
    assert issues[0].blocking  # asked again, never offered as "reply yes to keep it"


# --- time-bound ------------------------------------------------------------------


def test_goal_without_a_deadline_is_not_time_bound() -> None:
    assert check_part("time_bound", complete(deadline=None), today=TODAY) == [SmartIssue("time_bound", "no_deadline", {})]


def test_a_past_deadline_blocks_and_names_the_date() -> None:
    draft = complete(deadline=date(2026, 11, 25))
    assert check_part("time_bound", draft, today=TODAY) == [
        SmartIssue("time_bound", "deadline_past", {"date": "2026-11-25"}, blocking=True)
    ]
    assert missing_parts(draft, today=TODAY) == ["time_bound"]


def test_today_is_still_a_valid_deadline() -> None:
    assert check_part("time_bound", complete(deadline=TODAY), today=TODAY) == []


def test_a_deadline_more_than_two_years_away_is_only_a_warning() -> None:
    issues = check_part("time_bound", complete(deadline=date(2028, 11, 27)), today=TODAY)
    assert issues == [SmartIssue("time_bound", "deadline_too_far", {"date": "2028-11-27"}, blocking=False)]


def test_a_deadline_exactly_two_years_away_is_fine() -> None:
    assert check_part("time_bound", complete(deadline=date(2028, 11, 26)), today=TODAY) == []


# --- the whole goal -----------------------------------------------------------------


def test_missing_parts_follow_smart_order() -> None:
    assert missing_parts(parsed("increase sales"), today=TODAY) == list(SMART_PARTS)
    # "down to 5%" from where? The value today is asked right after the Measurable part.
    assert missing_parts(parsed("reduce churn to 5%"), today=TODAY) == ["start", "achievable", "relevant", "time_bound"]
    assert missing_parts(parsed("reduce churn from 8% to 5%"), today=TODAY) == ["achievable", "relevant", "time_bound"]


def test_missing_parts_match_what_the_sentence_left_out() -> None:
    goal = parse_goal("increase sales of product X by 15% next quarter", lang="en", now=NOW, tz="Europe/Rome")
    missing = missing_parts(GoalDraft.from_parsed(goal), today=TODAY)
    assert [part for part in missing if part in SMART_PARTS] == list(goal.missing)


def test_a_growth_percentage_asks_the_amount_it_grows_from_right_after_measurable() -> None:
    draft = parsed("increase sales of product X by 15% next quarter")
    assert needs_base(draft) and missing_parts(draft, today=TODAY)[0] == BASE_STEP
    draft.base_amount, draft.base_unit = 200_000.0, "EUR"
    assert not needs_base(draft) and BASE_STEP not in missing_parts(draft, today=TODAY)
    # A level (retention), a reach goal in money and a count need no starting amount asked.
    for sentence in ("keep a 90% retention rate next year", "grow revenue to €250k by June", "win 10 new clients"):
        assert not needs_base(parsed(sentence)), sentence


def test_check_goal_goes_part_by_part_in_smart_order() -> None:
    draft = parsed("increase sales")
    parts = [issue.part for issue in check_goal(draft, today=TODAY)]
    assert parts == ["specific", "measurable", "achievable", "relevant", "time_bound"]


def test_blocking_issues_come_before_warnings() -> None:
    draft = complete(unit="%", metric="retention_rate", type="retention", baseline=None, target=120.0, confidence=3)
    issues = check_part("achievable", draft, today=TODAY)
    assert codes(issues) == ["retention_over_100", "confidence_low"]
    assert [issue.blocking for issue in issues] == [True, False]


def test_from_parsed_carries_the_sentence_over() -> None:
    goal = parse_goal("acquire 10 new clients in the next six months", lang="en", now=NOW, tz="Europe/Rome")
    draft = GoalDraft.from_parsed(goal)
    assert (draft.text, draft.type, draft.subject, draft.metric, draft.unit, draft.direction, draft.baseline,
            draft.target, draft.deadline) == (goal.text, "new_business", "new clients", "new_clients", "clients",
                                              "increase", 0.0, 10.0, date(2027, 5, 26))
    assert (draft.confidence, draft.plan, draft.relevance) == (None, None, None)


def test_from_parsed_keeps_a_past_deadline_so_it_can_be_echoed() -> None:
    draft = parsed("increase sales of product X by 15% by 31/03/2025")
    assert draft.deadline == date(2025, 3, 31)
    assert codes(check_part("time_bound", draft, today=TODAY)) == ["deadline_past"]


def test_unknown_part_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        check_part("smart", complete(), today=TODAY)


SAMPLES = [
    complete(),
    complete(subject=None, target=None, metric=None, confidence=None, relevance=None, deadline=None),
    complete(subject="all", confidence=2, plan=None, relevance="ok", deadline=date(2030, 1, 1)),
    complete(unit="%", metric="retention_rate", baseline=None, target=101.0, deadline=date(2020, 1, 1)),
    complete(unit="%", metric="churn_rate", direction="decrease", baseline=None, target=101.0),
    complete(unit="%", baseline=None, target=300.0),
    complete(baseline=10.0, target=5.0),
    complete(direction="decrease", baseline=10.0, target=50.0),
    complete(baseline=10.0, target=50.0),
    complete(subject=None, metric=None),
    complete(relevance="growth"),
]


def test_issue_codes_list_every_code_a_check_can_return() -> None:
    assert tuple(ISSUE_CODES) == SMART_PARTS
    returned = {(issue.part, issue.code) for draft in SAMPLES for issue in check_goal(draft, today=TODAY)}
    listed = {(part, code) for part, part_codes in ISSUE_CODES.items() for code in part_codes}
    assert returned == listed


def test_params_hold_only_text_and_numbers() -> None:
    for draft in SAMPLES:
        for issue in check_goal(draft, today=TODAY):
            assert all(isinstance(value, (str, int, float)) for value in issue.params.values())


@pytest.mark.parametrize(("reason", "short"), [
    ("team quota", False), ("quota del team", False), ("retain customers", False), ("fidelizzare i clienti", False),
    ("the growth", True), ("la crescita", True),
])
def test_a_short_reason_reads_the_same_in_english_and_italian(reason: str, short: bool) -> None:
    # Italian's articles and prepositions are not words of the reason: "quota del team" is "team quota".
    assert (codes(check_part("relevant", complete(relevance=reason), today=TODAY)) == ["too_short"]) is short


@pytest.mark.parametrize("target,unit,example", [
    (3.0, "%", 6.0),  # churn down to 3%: "for example 6%"
    (80.0, "%", 90.0),  # a rate down to 80%: never "160%"
    (60.0, "%", 80.0),
    (2.0, "accounts", 4.0),  # counts and amounts double, however large
    (150_000.0, "EUR", 300_000.0),
    (0.0, "%", 5.0),
])
def test_the_start_questions_example_is_above_the_target_and_a_possible_value(
        target: float, unit: str, example: float) -> None:
    assert start_example(target, unit) == example


# A level the metric reaches is asked where it stands today; an amount added from zero is not.
LEVELS = [
    ("it", "voglio portare il fatturato del mio portafoglio a 500 mila euro entro fine marzo", True, None),
    ("en", "grow my portfolio revenue to €500k by end of March", True, None),
    ("en", "reach €1M ARR in enterprise accounts by June", True, None),
    ("it", "portare l'ARR a 1 milione entro giugno", True, None),
    ("it", "raggiungere 1 milione di ARR entro giugno", True, None),
    ("en", "grow NRR to 110% by June", True, None),
    ("it", "aumentare la retention al 95% entro giugno", True, None),
    ("it", "far crescere le vendite in Lombardia a 300 mila euro entro giugno", True, None),
    ("en", "cut churn to 4%", True, None),  # a reduction, asked as before
    ("it", "ridurre il churn al 3% entro fine anno", True, None),
    ("en", "sell €200k of add-on licenses by June", False, None),
    ("it", "vendere 200 mila euro di licenze entro giugno", False, None),
    ("it", "chiudere 300 mila euro di upsell", False, 0.0),
    ("en", "close €500k of new business", False, 0.0),
    ("en", "acquire 10 new clients", False, 0.0),
    ("it", "acquisire 10 nuovi clienti nei prossimi sei mesi", False, 0.0),
    ("en", "book €400k in pipeline", False, None),
    ("en", "add €300k net new ARR by Q2", False, 0.0),
    ("en", "increase revenue by €50k", False, 0.0),  # "by": the extra amount
    ("en", "grow sales by 15% by June", False, None),  # a growth percentage: its base is asked instead
    ("en", "grow ARR from $1.2M to $1.5M by June", False, 1_200_000.0),  # the start is said
    ("en", "hit 120% of quota", False, None),
    ("en", "generate €200k in revenue by June", False, None),
    ("it", "aumentare le disdette a 20 entro giugno", False, None),  # events counted over the period
    ("en", "increase meetings to 40 by June", False, 0.0),
]


@pytest.mark.parametrize(("lang", "text", "asked", "baseline"), LEVELS, ids=[f"{c[0]}:{c[1]}" for c in LEVELS])
def test_a_level_to_reach_asks_where_it_stands_and_an_amount_from_zero_does_not(
        lang: str, text: str, asked: bool, baseline: float | None) -> None:
    draft = parsed(text, lang)
    assert draft.baseline == baseline
    assert needs_start(draft) is asked
    assert (START_STEP in missing_parts(draft, today=TODAY)) is asked


@pytest.mark.parametrize("target,unit,example", [
    (500_000.0, "EUR", 250_000.0),  # revenue up to €500k: "for example €250,000"
    (110.0, "%", 100.0),  # NRR up to 110%: ten points under it, never 55%
    (5.0, "%", 2.5),  # churn raised to 5%: "2.5%", never a negative or zero rate
])
def test_the_start_questions_example_for_an_increase_is_below_the_target(
        target: float, unit: str, example: float) -> None:
    assert start_example(target, unit, "increase") == example
