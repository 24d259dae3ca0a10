"""Adjusting and closing goals: edits kept as revisions, done/drop, history, and the answers to a review.

Who may change a goal: the visibility policy's answer (bot.rules.visibility.may_change_goal): its owner. Every change — an edit of the target, deadline,
metric, unit or baseline, and closing a goal — is kept as a GoalRevision with who, when, why, before and after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.common import escape
from bot.blocks.edit import DIRECTIONS, NONE_CHOICE, UNITS, edit_modal
from bot.blocks.goals import base_problem, direction_question, feedback
from bot.blocks.standing import numbers_of, standing_of, value_of_target
from bot.rules import visibility as policy
from bot.rules.answers import read_base
from bot.rules.deadlines import resolve_deadline
from bot.rules.goals import against_metric
from bot.rules.limits import MAX_AMOUNT
from bot.rules.numbers import parse_number
from bot.rules.progress import Kind, can_close_as_achieved, kind_of
from bot.rules.smart import PAST_START_CODES, TARGET_CODES, GoalDraft, check_part, is_non_answer, needs_start
from bot.rules.statuses import CLOSING, GoalStatus
from bot.rules.titles import retitle, title_is_original
from bot.services.org import load_org
from prompts import fmt_amount, fmt_date, fmt_number, keys, phrase, t, the_amount
from storage.models import Goal, GoalRevision
from storage.repositories import add_revision, get_goal, list_goals

EDITABLE = ("target", "direction", "deadline", "metric", "unit", "baseline")
# The warning code of a direction against the metric (bot.rules.goals.against_metric), kept once answered.
AGAINST_METRIC = "against_metric"
# The title is changed by a typed edit (`/goal edit 3 title …`) or the confirmation's buttons, not the form.
TYPED_ONLY = ("title",)
MAX_REASON = 1000
MAX_TITLE = 1000
MAX_NOTE = 1000

# `/goal edit 3 target 12 because …`: field names and the words that introduce the reason, in both languages.
FIELD_WORDS = {
    "target": "target", "obiettivo": "target", "traguardo": "target",
    "deadline": "deadline", "scadenza": "deadline", "date": "deadline", "data": "deadline",
    "metric": "metric", "metrica": "metric", "misura": "metric",
    "unit": "unit", "unità": "unit", "unita": "unit",
    "baseline": "baseline", "partenza": "baseline", "base": "baseline", "start": "baseline",
    "title": "title", "titolo": "title", "wording": "title",
    "direction": "direction", "direzione": "direction", "verso": "direction",
}
# A direction typed in words (`/goal edit 3 direction keep below because …`), beside the select's labels.
DIRECTION_WORDS = {
    "increase": "increase", "up": "increase", "grow": "increase", "aumentare": "increase", "aumento": "increase",
    "crescere": "increase", "decrease": "decrease", "reduce": "decrease", "down": "decrease", "ridurre": "decrease",
    "diminuire": "decrease", "riduzione": "decrease", "riduci": "decrease", "diminuisci": "decrease",
    "abbassare": "decrease", "scendere": "decrease", "lower": "decrease", "maintain": "maintain", "floor": "maintain",
    "at least": "maintain", "keep above": "maintain", "almeno": "maintain", "mantenere": "maintain",
    "keep_below": "keep_below", "keep below": "keep_below", "below": "keep_below", "ceiling": "keep_below",
    "at most": "keep_below", "under": "keep_below", "sotto": "keep_below", "al massimo": "keep_below",
    "tetto": "keep_below", "tenere sotto": "keep_below",
}
_REASON_WORDS = re.compile(r"\s+(?:because|since|reason:?|perch[eé]|poich[eé]|motivo:?)\s+", re.IGNORECASE)
_LEADING_ID = re.compile(r"^#?(\d{1,9})(?=\s|$)")


class GoalRefused(Exception):
    """The person cannot act on this goal; carries the prompt key and parameters of the explanation."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, lang: str) -> str:
        """The explanation in the person's language."""
        return t(lang, self.key, **self.params)


def split_leading_id(args: str) -> tuple[int | None, str]:
    """Split `3 rest` or `#3 rest` into (3, "rest"); text not starting with a number gives (None, text)."""
    text = (args or "").strip()
    match = _LEADING_ID.match(text)
    if match is None:
        return None, text
    return int(match.group(1)), text[match.end():].strip()


def split_reason(text: str) -> tuple[str, str]:
    """Split `what because why` (or perché, motivo: …) into what and why; why is "" when none was given."""
    parts = _REASON_WORDS.split(text, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def active_goals(session: Session, team_id: str, user_id: str) -> list[Goal]:
    """The person's active goals, oldest first."""
    return list_goals(session, team_id, user_id, statuses=(GoalStatus.ACTIVE,))


def owned_goal(session: Session, team_id: str, user_id: str, goal_id: int | None, *, active: bool = True,
               lock: bool = False) -> Goal:
    """The goal if this person owns it (and it is still active when `active`), else GoalRefused.

    A missing id (a button or modal that carries none) is refused like a goal that is not there to change.

    With `lock` the row is locked until the transaction ends (PostgreSQL), so two clicks or submissions that
    arrive together change the goal once: the second one sees the first one's result.
    """
    if goal_id is None:
        raise GoalRefused("manage.no_active_goals")
    goal = get_goal(session, goal_id, lock=lock)
    if goal is None or goal.team_id != team_id:
        raise GoalRefused("manage.not_found", id=goal_id)
    decision = policy.may_change_goal(load_org(session, team_id), user_id, goal.user_id)
    if not decision:
        if decision.reason is policy.Reason.OWNERS_CALL:  # up the owner's line: say what is theirs to do
            raise GoalRefused("manage.owners_call", id=goal_id, person=f"<@{goal.user_id}>")
        raise GoalRefused("manage.not_yours", id=goal_id)
    if active and goal.status != GoalStatus.ACTIVE:
        raise GoalRefused("manage.already_closed", id=goal_id, status=goal.status)
    return goal


def pick_goal(session: Session, team_id: str, user_id: str, goal_id: int | None, *,
              lock: bool = False) -> Goal | list[Goal]:
    """The goal named by id, the only active goal when none is named, or the active goals to choose from."""
    if goal_id is None:
        goals = active_goals(session, team_id, user_id)
        if not goals:
            raise GoalRefused("manage.no_active_goals")
        if len(goals) > 1:
            return goals
        goal_id = goals[0].id
    return owned_goal(session, team_id, user_id, goal_id, lock=lock)


# ---------------------------------------------------------------------------------------------------- editing


@dataclass
class EditPlan:
    """What an edit form asks for: the changes (field → before, after), errors per field, warnings, the reason."""

    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (issue code, localized text)
    reason: str = ""
    # The new direction goes against the metric ("increase" on churn): the way it is meant to go and the goal as
    # edited, for the conversation's question ("churn usually comes down: down to 5%, or really up?").
    against: tuple[str, GoalDraft] | None = None

    @property
    def ok(self) -> bool:
        """True when the edit can be saved as it is."""
        return not self.errors


def form_texts(lang: str, goal: Goal) -> dict[str, str]:
    """How the edit form shows the goal's current values (a value typed back unchanged is no change)."""
    return {
        "target": fmt_number(lang, goal.target),
        "deadline": fmt_date(lang, goal.deadline),
        "direction": goal.direction,
        "metric": goal.metric or NONE_CHOICE,
        "unit": goal.unit or NONE_CHOICE,
        # A growth goal's starting point is an amount in its own currency: shown (and typed back) with it.
        "baseline": "" if goal.baseline is None else (fmt_amount(lang, goal.baseline, goal.baseline_unit)
                                                      if goal.baseline_unit else fmt_number(lang, goal.baseline)),
    }


def edit_view(lang: str, goal: Goal, *, kind: str = "edit", card: tuple[str, str] | None = None) -> dict[str, Any]:
    """The modal to adjust the goal ("edit") or only to move its deadline ("extend"), prefilled."""
    initial = form_texts(lang, goal)
    fields: tuple[str, ...] = EDITABLE
    if kind == "extend":
        fields, initial["deadline"] = ("deadline",), ""  # the old deadline is the one being replaced
    return edit_modal(lang, goal, initial=initial, fields=fields, metrics=metric_codes(), kind=kind, card=card)


def _number(text: str, lang: str) -> float | None:
    value = parse_number(text, lang)
    if value is None:
        other = "it" if lang == "en" else "en"
        value = parse_number(text, other)  # "1.234,5" typed to an English profile is still a number
    return value


def _choice(text: str, group: str, lang: str, known: tuple[str, ...]) -> str | bool | None:
    """A metric or unit code from a select value or a typed word; False when nothing matches."""
    value = text.strip()
    if value.lower() in (NONE_CHOICE, "-", "–", "nessuna", "nessuno"):
        return None
    for code in known:
        if value.lower() == code.lower():
            return code
    for language in (lang, "it" if lang == "en" else "en"):
        for code in known:
            label = keys(language).get(f"{group}.{code}")
            if label and value.lower() == label.lower():
                return code
    return False


def metric_codes() -> tuple[str, ...]:
    """Every metric goalbot names, in catalog order."""
    return tuple(key.split(".", 1)[1] for key in keys("en") if key.startswith("metrics."))


def read_edit(
    goal: Goal, form: dict[str, str | None], *, lang: str, now: datetime, tz: str, today: date,
    initial: dict[str, str] | None = None, accepted: tuple[str, ...] = (),
) -> EditPlan:
    """Read an edit form (field → typed text; absent fields stay as they are) into changes or errors."""
    plan = EditPlan()
    initial = initial or {}
    fields = (*EDITABLE, *TYPED_ONLY, "baseline_unit")
    new: dict[str, Any] = {name: getattr(goal, name) for name in fields}
    growth = kind_of(goal.direction, goal.unit, goal.metric) is Kind.GROWTH
    for name in (*EDITABLE, *TYPED_ONLY):
        raw = form.get(name)
        if raw is None:
            continue
        text = raw.strip()
        if name in initial and text == initial[name].strip():
            continue  # shown as it was and left alone
        if name == "target":
            if not text:
                plan.errors[name] = t(lang, "manage.edit.target_required")
                continue
            value = _number(text, lang)
            if value is None:
                plan.errors[name] = t(lang, "manage.edit.number_unreadable", text=_escape(text))
            elif value < 0:
                plan.errors[name] = t(lang, "manage.edit.number_negative")
            else:
                new[name] = value
        elif name == "title":
            if not text:
                plan.errors[name] = t(lang, "manage.edit.title_required")
            elif len(text) > MAX_TITLE:
                plan.errors[name] = t(lang, "errors.too_long", limit=MAX_TITLE)
            else:
                new[name] = text  # the owner's words, verbatim
        elif name == "baseline" and growth and text:
            # A growth goal starts from an amount in its own currency ("€200k"), not from a percentage.
            base = read_base(text, lang=lang, metric=goal.metric)
            if base.problem == "no_currency" and goal.baseline_unit is not None:
                new[name] = base.amount  # "210000" on a goal already in euros: the same currency
            elif base.problem is not None:
                plan.errors[name] = feedback_base(lang, goal, base.problem, base.amount, text)
            else:
                new[name], new["baseline_unit"] = base.amount, base.unit
        elif name == "baseline":
            if not text:
                new[name] = None
                continue
            value = _number(text, lang)
            if value is None:
                plan.errors[name] = t(lang, "manage.edit.number_unreadable", text=_escape(text))
            else:
                new[name] = value
        elif name == "deadline":
            if not text:
                plan.errors[name] = t(lang, "manage.edit.deadline_required")
                continue
            result = resolve_deadline(text, lang=lang, now=now, tz=tz)
            if result.error == "past" and result.deadline is not None:
                plan.errors[name] = t(lang, "manage.edit.deadline_past", date=fmt_date(lang, result.deadline))
            elif result.deadline is None:
                plan.errors[name] = t(lang, "manage.edit.deadline_unreadable", text=_escape(text))
            else:
                new[name] = result.deadline
        elif name == "direction":
            direction = DIRECTION_WORDS.get(" ".join(text.lower().split())) or _choice(text, "directions", lang,
                                                                                       DIRECTIONS)
            if not direction:
                plan.errors[name] = t(lang, "manage.edit.direction_unknown", text=_escape(text))
            else:
                new[name] = direction
        else:
            known = metric_codes() if name == "metric" else UNITS
            choice = _choice(text, "metrics" if name == "metric" else "units", lang, known)
            if choice is False:
                plan.errors[name] = t(lang, f"manage.edit.{name}_unknown", text=_escape(text))
            else:
                new[name] = choice
    for name in fields:
        if name not in plan.errors and new[name] != getattr(goal, name):
            plan.changes[name] = (getattr(goal, name), new[name])
    reason = (form.get("reason") or "").strip()
    if not reason:
        plan.errors["reason"] = t(lang, "manage.edit.reason_required")
    elif len(reason) > MAX_REASON:
        plan.errors["reason"] = t(lang, "manage.edit.reason_too_long", limit=MAX_REASON)
    plan.reason = reason
    if not plan.changes and not any(name in plan.errors for name in (*EDITABLE, *TYPED_ONLY)):
        first = next((name for name in (*EDITABLE, *TYPED_ONLY) if form.get(name) is not None), "target")
        plan.errors[first] = t(lang, "manage.edit.nothing_changed")
    if plan.changes:
        _smart_checks(goal, new, plan, lang=lang, today=today, accepted=accepted)
    return plan


def _smart_checks(
    goal: Goal, new: dict[str, Any], plan: EditPlan, *, lang: str, today: date, accepted: tuple[str, ...],
) -> None:
    """The conversation's realism checks on the adjusted goal: blocking ones are errors, the rest warnings."""
    growth = kind_of(new["direction"], new["unit"], new["metric"]) is Kind.GROWTH
    # A growth goal's starting point is the amount it grows from, not a percentage to compare the target with.
    draft = GoalDraft(
        text=goal.title, type=goal.type, subject=goal.subject, metric=new["metric"], unit=new["unit"],
        direction=new["direction"], baseline=None if growth else new["baseline"], target=new["target"],
        deadline=new["deadline"], confidence=goal.confidence, plan=goal.plan, relevance=goal.relevance,
        base_amount=new["baseline"] if growth else None, base_unit=new.get("baseline_unit") if growth else None,
    )
    meant = against_metric(draft.metric, draft.direction) if set(plan.changes) & {"direction", "metric"} else None
    if meant is not None and draft.target is not None and AGAINST_METRIC not in accepted:
        # Asked back before anything else, as the conversation asks it: which way is the goal meant to go?
        plan.against = (meant, draft)
        plan.warnings.append((AGAINST_METRIC, direction_question(lang, draft, meant).text))
    if set(plan.changes) & {"target", "direction", "metric", "unit", "baseline"}:
        for issue in check_part("achievable", draft, today=today):
            if issue.code not in TARGET_CODES:
                continue  # confidence and plan are not part of an adjustment
            text = feedback(lang, issue, draft).text
            if issue.code in PAST_START_CODES:
                # "Churn from 8% down to 10%" would read as achieved at once: refused, with the ways out.
                text = _past_start(lang, goal.id, issue.code, draft)
                plan.errors.setdefault("baseline" if "target" not in plan.changes and "baseline" in plan.changes
                                       else "target", text)
            elif issue.blocking:
                plan.errors.setdefault("target", text)
            elif issue.code not in accepted:
                plan.warnings.append((issue.code, text))
    if set(plan.changes) & {"direction", "baseline"} and draft.direction == "decrease" and needs_start(draft):
        # Turned into a reduction without a value today: every screen would say "now –" until one comes.
        plan.warnings.append(("needs_start", t(lang, "manage.edit.needs_start", id=goal.id)))
    if "deadline" in plan.changes:
        for issue in check_part("time_bound", draft, today=today):
            if not issue.blocking and issue.code not in accepted:
                plan.warnings.append((issue.code, feedback(lang, issue, draft).text))


def _past_start(lang: str, goal_id: int, code: str, draft: GoalDraft) -> str:
    """Why an edit that leaves the target at or past the goal's start is not saved, and what to change instead."""
    key = "manage.edit.target_not_above_start" if code == "target_not_above_baseline" \
        else "manage.edit.target_not_below_start"
    return t(lang, key, id=goal_id, baseline_from=phrase(lang, "from", draft.baseline, draft.unit),
             baseline_the=the_amount(lang, draft.baseline, draft.unit),
             target_the=the_amount(lang, draft.target, draft.unit))


def stored(value: Any) -> str | None:
    """A field value as a revision keeps it: numbers without a needless .0, dates in ISO form."""
    if value is None:
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def apply_edit(
    session: Session, goal: Goal, plan: EditPlan, *, by: str, at: datetime, today: date,
) -> list[GoalRevision]:
    """Save the plan's changes, one revision per field, and mark the goal as adjusted."""
    revisions = []
    title_before = goal.title
    for name, (before, after) in plan.changes.items():
        revisions.append(add_revision(session, goal, by=by, at=at, field=name, before=stored(before),
                                      after=stored(after), reason=plan.reason))
        setattr(goal, name, after)
    if "title" in plan.changes:
        goal.title_updated_at = at  # reworded by the owner: the words are the goal's again
    elif set(plan.changes) & NUMBER_FIELDS:
        revisions.extend(_retitle(session, goal, plan, title_before, by=by, at=at))
    if set(plan.changes) - {"title"}:
        goal.adjusted_at = at
    if revisions:
        goal.updated_at = at
        # The status compares progress with the new target and deadline from now on.
        goal.pace = str(standing_of(goal, today).status)
        session.flush()
    return revisions


# Fields whose change can make the title's words contradict the goal's numbers.
NUMBER_FIELDS = frozenset({"target", "baseline", "direction", "metric", "unit"})


def _retitle(session: Session, goal: Goal, plan: EditPlan, title: str, *, by: str, at: datetime) -> list[GoalRevision]:
    """Rewrite the one mention of a changed number in the title (kept as a "title" revision), when unambiguous.

    A new metric, unit or direction changes what the words say ("increase churn" now meant as "keep it below"):
    no rewrite is safe, and the title stays the owner's original wording (screens mark it so). A title that names
    none of the changed numbers is still true.
    """
    if {"metric", "unit", "direction"} & set(plan.changes):
        return []
    if title_is_original(goal.adjusted_at, goal.title_updated_at, reversed_words=goal.title_reversed):
        # Already out of line with the numbers (an earlier metric or direction change): rewriting one number
        # would not make it true, and marking it in line would hide the mark ("keep churn below 5%" on a reduction).
        return []
    changes = [plan.changes[name] for name in ("target", "baseline") if name in plan.changes]
    rewritten = retitle(title, lang=goal.lang, changes=changes)
    if rewritten is None:
        return []
    goal.title_updated_at = at
    if rewritten == title:
        return []
    goal.title = rewritten
    return [add_revision(session, goal, by=by, at=at, field="title", before=title, after=rewritten,
                         reason=plan.reason)]


def keep_original_title(session: Session, goal: Goal, revision_id: int | None, *, by: str,
                        at: datetime) -> GoalRevision | None:
    """Undo a title rewrite: the owner's original words back (marked as such); None when it no longer applies."""
    rewrite = next((r for r in goal.revisions if r.id == revision_id and r.field == "title"), None)
    if rewrite is None or rewrite.before is None or goal.title != rewrite.after:
        return None
    revision = add_revision(session, goal, by=by, at=at, field="title", before=rewrite.after, after=rewrite.before,
                            reason=None)
    goal.title = rewrite.before
    goal.title_updated_at = None  # the numbers changed since these words: screens mark them as the original
    goal.updated_at = at
    session.flush()
    return revision


@dataclass(frozen=True)
class TextEdit:
    """`/goal edit 3 target 12 because …` read apart."""

    goal_id: int | None
    field: str | None
    value: str
    reason: str


def read_text_edit(args: str) -> TextEdit:
    """Read the typed form of an edit; a missing field means "open the form for this goal"."""
    goal_id, rest = split_leading_id(args)
    head, reason = split_reason(rest)
    word, _, value = head.partition(" ")
    name = FIELD_WORDS.get(word.lower()) if word else None
    if name is None:
        return TextEdit(goal_id, None, head, reason)
    return TextEdit(goal_id, name, value.strip(), reason)


# ---------------------------------------------------------------------------------------------------- closing


def close_goal(
    session: Session, goal: Goal, status: GoalStatus, *, by: str, at: datetime, note: str | None,
    override: bool = False,
) -> GoalRevision:
    """Close the goal as achieved, missed or dropped, keeping the note verbatim and the change as a revision.

    Closing as achieved against the numbers needs `override` (the owner said so, with a reason: the note); it is
    kept in the history as an "override" revision recording what the numbers showed.
    """
    if status not in CLOSING:
        raise ValueError(f"cannot close a goal as {status!r}")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise GoalRefused("manage.close.note_too_long", limit=MAX_NOTE)
    if override:
        if note is None:
            raise ValueError("an override needs the owner's reason")
        add_revision(session, goal, by=by, at=at, field="override", before=stored(goal.current),
                     after="achieved", reason=note)
    revision = add_revision(session, goal, by=by, at=at, field="status", before=goal.status, after=status,
                            reason=note)
    goal.status = status
    goal.closed_at = at
    goal.closed_note = note
    goal.updated_at = at
    goal.pace = "achieved" if status == "achieved" else status
    session.flush()
    return revision


@dataclass(frozen=True)
class CloseDecision:
    """How `/goal done` (or a review's *Achieved*) closes a goal: as achieved, by override, or not without a why."""

    status: GoalStatus | None  # achieved to close; None to ask the owner first
    override: bool
    shown: str  # what the numbers show, after "at" ("at 0 of 12 clients", "allo 0% su 15%"), for the question


def decide_achieved(lang: str, goal: Goal, *, today: date, note: str | None) -> CloseDecision:
    """Achieved when the numbers say so; else only as an explicit override whose reason is the note."""
    numbers = numbers_of(goal)
    value = standing_of(goal, today).value
    shown = phrase(lang, "at", value, goal.unit, value_of_target(lang, value, goal.target, goal.unit))
    if can_close_as_achieved(numbers, today):
        return CloseDecision(GoalStatus.ACHIEVED, False, shown)
    if (note or "").strip() and not is_non_answer(note or ""):  # "/goal done 7 yes" confirms, but says no why
        return CloseDecision(GoalStatus.ACHIEVED, True, shown)
    return CloseDecision(None, False, shown)


def revisions_of(session: Session, goal: Goal) -> list[GoalRevision]:
    """Every change to the goal, oldest first."""
    session.refresh(goal, attribute_names=["revisions"])
    return list(goal.revisions)


def feedback_base(lang: str, goal: Goal, problem: str, amount: float | None, text: str) -> str:
    """Why a growth goal's new starting point cannot be read, as the conversation says it."""
    draft = GoalDraft(text=goal.title, type=goal.type, subject=goal.subject, metric=goal.metric, unit=goal.unit,
                      direction=goal.direction, baseline=None, target=goal.target, deadline=goal.deadline)
    return base_problem(lang, problem, amount, draft, text, limit=MAX_AMOUNT).text


def _escape(text: str) -> str:
    return escape(text[:200])
