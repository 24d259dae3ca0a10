"""SMART checks on a goal draft, returned as issue codes the prompts turn into sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from bot.rules.goals import LEVEL_METRICS, RATE_METRICS, SMART_PARTS, ParsedGoal, ReadingNote, content_words

__all__ = ["BASE_STEP", "PAST_START_CODES", "START_STEP", "start_example", "ISSUE_CODES", "GoalDraft", "SmartIssue", "check_goal", "check_part", "missing_parts",
           "needs_base"]

# Not a SMART letter but a question of Measurable: the starting amount a growth percentage grows from.
BASE_STEP = "base"
START_STEP = "start"  # a reduce goal's value today: "churn down to 3%" from where?

ISSUE_CODES: dict[str, tuple[str, ...]] = {
    "specific": ("too_vague", "no_subject"),
    "measurable": ("no_target", "no_metric"),
    "achievable": (
        "retention_over_100",
        "percent_over_100",
        "growth_far_beyond_baseline",
        "target_not_above_baseline",
        "target_not_below_baseline",
        "no_confidence",
        "confidence_low",
        "no_plan",
    ),
    "relevant": ("no_relevance", "not_an_objective", "too_short"),
    "time_bound": ("no_deadline", "deadline_past", "deadline_too_far"),
}

# A goal the customer base or the new-business count already pins down needs no named subject.
_SUBJECT_OPTIONAL = frozenset({"new_business", "retention"})
_RETENTION_RATES = frozenset({"retention_rate", "renewal_rate"})
# Percentages that are levels rather than growth, yet may legitimately pass 100 ("120% of quota").
_UNCAPPED_LEVELS = frozenset({"quota", "nrr"})  # net revenue retention passes 100% when customers grow
# A yes, a no or a shrug answers the question before it, not "what exactly?" or "which objective?".
_YES_OR_NO = frozenset("yes yeah yep ok okay sure fine no nope si sì certo va bene vabbè idea lo".split())
_SHRUGS = frozenset("boh idk dunno none nothing unknown nessuno niente non so know don dont not sure n a na".split())
_VAGUE_SUBJECTS = _YES_OR_NO | _SHRUGS | frozenset("""
all everything everyone anything general overall total company whole clients customers accounts products sales
revenue tutto tutti tutte qualsiasi generale totale azienda clienti account prodotti vendite fatturato
more better much lot improve increase grow do make get di più piu meglio molto fare bene migliorare aumentare
crescere the of a più""".split())
# A reason made only of these names no objective ("yes", "no idea", "non lo so").
_NON_ANSWERS = _YES_OR_NO | (_SHRUGS - {"unknown", "nessuno"}) | {"nulla"}
_MAX_GROWTH_PERCENT = 100.0
_MAX_MULTIPLE = 3.0
_MIN_CONFIDENCE = 5
_MAX_YEARS = 2
# Two words that carry meaning, counted the same in both languages: "team quota" as "quota del team".
_MIN_RELEVANCE_WORDS = 2


@dataclass
class GoalDraft:
    """What the conversation has collected so far."""

    text: str
    type: str
    subject: str | None
    metric: str | None
    unit: str | None
    direction: str | None
    baseline: float | None
    target: float | None
    deadline: date | None
    confidence: int | None = None
    plan: str | None = None
    relevance: str | None = None
    notes: tuple[ReadingNote, ...] = ()  # what was read from a weak signal, said back on the summary card
    # A growth goal ("+15% sales"): the amount it grows from and that amount's unit (a currency, a count).
    # Kept apart from `baseline`, which is in the target's unit (%), so the checks on the target stay as they are.
    base_amount: float | None = None
    base_unit: str | None = None
    # An increase to a level the metric reaches ("revenue to €500k"), read from the sentence: its start is asked.
    reaches_level: bool = False

    @classmethod
    def from_parsed(cls, parsed: ParsedGoal) -> GoalDraft:
        """Start a draft from a parsed goal sentence (a past deadline is kept so it can be echoed)."""
        return cls(
            text=parsed.text, type=parsed.type, subject=parsed.subject, metric=parsed.metric, unit=parsed.unit,
            direction=parsed.direction, baseline=parsed.baseline, target=parsed.target, deadline=parsed.deadline,
            notes=parsed.notes, base_amount=parsed.base_amount, base_unit=parsed.base_unit,
            reaches_level=parsed.reaches_level,
        )


@dataclass(frozen=True)
class SmartIssue:
    """One thing to fix (blocking) or to reconsider (warning) in a SMART part."""

    part: str
    code: str
    params: dict[str, str | float] = field(default_factory=dict)
    blocking: bool = True


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def subject_optional(goal_type: str) -> bool:
    """Retention and new-business goals are specific by their kind: no product or segment is required."""
    return goal_type in _SUBJECT_OPTIONAL


def missing_parts(draft: GoalDraft, *, today: date) -> list[str]:
    """The SMART parts still unanswered, in SMART order."""
    missing = {
        "specific": _blank(draft.subject) and draft.type not in _SUBJECT_OPTIONAL,
        "measurable": draft.target is None,
        BASE_STEP: needs_base(draft),
        START_STEP: needs_start(draft),
        "achievable": draft.confidence is None,
        "relevant": _blank(draft.relevance),
        "time_bound": draft.deadline is None or draft.deadline < today,
    }
    return [part for part in _STEPS if missing[part]]


_STEPS = ("specific", "measurable", BASE_STEP, START_STEP, "achievable", "relevant", "time_bound")


def start_example(target: float, unit: str | None = None, direction: str | None = "decrease") -> float:
    """A value today to show in the start question, on the side of the target a start must be. Down: twice it (5
    over zero); a percentage stays a possible one, halfway from the target to 100% ("retention down to 80%": 90%,
    not 160%). Up: half of it; a percentage past 20% ten points under it ("NRR to 110%": 100%, not 55%)."""
    if direction == "increase":
        return target - 10 if unit == "%" and target > 20 else target / 2
    example = target * 2 if target > 0 else 5.0
    if unit == "%" and example > 100 and target < 100:
        return (target + 100) / 2
    return example


def needs_start(draft: GoalDraft) -> bool:
    """A goal without its value today whose progress counts from there: a reduce goal ("churn down to 3%"), where
    every check-in would otherwise say "needs a starting point", and an increase to a level ("portfolio revenue to
    €500k", "€1M ARR", "NRR to 110%"), where the first check-in would otherwise count from zero. Amounts added from
    zero ("sell €200k", "10 new clients") start at zero and are not asked; "0" is a valid answer to the question."""
    if draft.target is None or draft.baseline is not None:
        return False
    if draft.direction == "decrease":
        return True
    return draft.direction == "increase" and draft.base_amount is None and not _is_growth_percent(draft) and (
        draft.reaches_level or (draft.metric in LEVEL_METRICS and draft.type != "new_business"))


def needs_base(draft: GoalDraft) -> bool:
    """A growth percentage ("+15% sales") whose starting amount is not known yet: without it, "+15%" of what?"""
    return (draft.target is not None and draft.metric is not None and draft.direction in (None, "increase")
            and _is_growth_percent(draft) and draft.base_amount is None)


def _specific(draft: GoalDraft) -> list[SmartIssue]:
    params: dict[str, str | float] = {"type": draft.type}
    subject = draft.subject
    if subject is None or _blank(subject):
        if draft.type in _SUBJECT_OPTIONAL:
            return []
        code = "too_vague" if draft.target is None else "no_subject"
        return [SmartIssue("specific", code, params)]
    words = re.findall(r"[^\W\d_]+", subject.lower())
    if words and all(w in _VAGUE_SUBJECTS or len(w) < 2 for w in words):
        return [SmartIssue("specific", "too_vague", params)]
    return []


def _measurable(draft: GoalDraft) -> list[SmartIssue]:
    if draft.target is None:
        return [SmartIssue("measurable", "no_target", {"type": draft.type})]
    if draft.metric is None:
        # Counting "things" still works; the user may keep it.
        return [SmartIssue("measurable", "no_metric", {"type": draft.type}, blocking=False)]
    return []


def _is_growth_percent(draft: GoalDraft) -> bool:
    """A percentage that is a change ("sales up 15%") rather than a level ("90% retention")."""
    return (draft.unit == "%" and draft.baseline is None and draft.metric not in RATE_METRICS
            and draft.metric not in _UNCAPPED_LEVELS and draft.direction not in ("maintain", "keep_below"))


def _target_issues(draft: GoalDraft) -> list[SmartIssue]:
    target, baseline = draft.target, draft.baseline
    if target is None:
        return []
    amounts: dict[str, str | float] = {"target": float(target)}
    if baseline is not None:
        amounts["baseline"] = float(baseline)
    if draft.unit == "%":
        if draft.metric in _RETENTION_RATES and target > 100:
            return [SmartIssue("achievable", "retention_over_100", amounts)]
        is_level = not _is_growth_percent(draft) and draft.metric not in _UNCAPPED_LEVELS
        if is_level and target > 100:
            return [SmartIssue("achievable", "percent_over_100", amounts)]
        if _is_growth_percent(draft) and draft.direction == "decrease" and target > 100:
            return [SmartIssue("achievable", "percent_over_100", amounts)]  # cannot fall by more than all of it
        if _is_growth_percent(draft) and target > _MAX_GROWTH_PERCENT:
            return [SmartIssue("achievable", "growth_far_beyond_baseline", {"growth": float(target), **amounts},
                               blocking=False)]
    if baseline is None:
        return []
    # A target at or past its own start leaves nothing to do: the goal would read as achieved the day it is set.
    # Blocking, for a new goal (asked for another target) and an edit (refused) alike: never kept with a "yes".
    if draft.direction == "increase":
        if target <= baseline:
            return [SmartIssue("achievable", "target_not_above_baseline", amounts)]
        if baseline > 0 and target > _MAX_MULTIPLE * baseline:
            growth = round((target - baseline) / baseline * 100, 1)
            return [SmartIssue("achievable", "growth_far_beyond_baseline", {"growth": growth, **amounts},
                               blocking=False)]
    if draft.direction == "decrease" and target >= baseline:
        return [SmartIssue("achievable", "target_not_below_baseline", amounts)]
    return []


def _achievable(draft: GoalDraft) -> list[SmartIssue]:
    issues = _target_issues(draft)
    if draft.confidence is None:
        issues.append(SmartIssue("achievable", "no_confidence", {}))
        return issues
    if draft.confidence < _MIN_CONFIDENCE:
        issues.append(SmartIssue("achievable", "confidence_low", {"confidence": draft.confidence}, blocking=False))
    if _blank(draft.plan):
        issues.append(SmartIssue("achievable", "no_plan", {}, blocking=False))
    return issues


def is_non_answer(text: str) -> bool:
    """A yes, a no or a shrug ("sì", "no idea", "non lo so"): words that give no reason at all."""
    return all(w in _NON_ANSWERS for w in re.findall(r"[^\W\d_]+", text.lower()))


def _relevant(draft: GoalDraft) -> list[SmartIssue]:
    relevance = draft.relevance
    if relevance is None or _blank(relevance):
        return [SmartIssue("relevant", "no_relevance", {"type": draft.type})]
    if is_non_answer(relevance):
        # "yes", "no idea": keeping it ("reply yes to keep it") would save a non-answer as the goal's reason.
        return [SmartIssue("relevant", "not_an_objective", {"type": draft.type})]
    if len(content_words(relevance)) < _MIN_RELEVANCE_WORDS:
        return [SmartIssue("relevant", "too_short", {"type": draft.type}, blocking=False)]
    return []


def _time_bound(draft: GoalDraft, today: date) -> list[SmartIssue]:
    if draft.deadline is None:
        return [SmartIssue("time_bound", "no_deadline", {})]
    params: dict[str, str | float] = {"date": draft.deadline.isoformat()}
    if draft.deadline < today:
        return [SmartIssue("time_bound", "deadline_past", params)]
    if draft.deadline > today + relativedelta(years=_MAX_YEARS):
        return [SmartIssue("time_bound", "deadline_too_far", params, blocking=False)]
    return []


def check_part(part: str, draft: GoalDraft, *, today: date) -> list[SmartIssue]:
    """Every issue with one SMART part of the draft, blocking ones first."""
    if part == "specific":
        issues = _specific(draft)
    elif part == "measurable":
        issues = _measurable(draft)
    elif part == "achievable":
        issues = _achievable(draft)
    elif part == "relevant":
        issues = _relevant(draft)
    elif part == "time_bound":
        issues = _time_bound(draft, today)
    elif part in (BASE_STEP, START_STEP):
        issues = []  # any positive amount is a starting point; the answer's reader refuses the rest
    else:
        raise ValueError(f"unknown SMART part: {part}")
    return sorted(issues, key=lambda issue: not issue.blocking)


def check_goal(draft: GoalDraft, *, today: date) -> list[SmartIssue]:
    """Every issue with the draft, part by part in SMART order."""
    return [issue for part in SMART_PARTS for issue in check_part(part, draft, today=today)]


# A target that does not get past its start in the goal's direction: nothing to do, achieved from day one.
PAST_START_CODES = frozenset({"target_not_above_baseline", "target_not_below_baseline"})

# Issues about the size of the target, fixed by changing the target: the conversation sends the person back to
# Measurable, and an edit checks them when the target changes.
TARGET_CODES = frozenset(
    {"retention_over_100", "percent_over_100", "growth_far_beyond_baseline", "target_not_above_baseline",
     "target_not_below_baseline"}
)
