"""Reading the user's answer at each step of the goal conversation (English or Italian)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.rules.goals import (
    ADDITIVE_METRICS,
    METRIC_UNITS,
    MONEY_METRICS,
    RATE_METRICS,
    UNIT_METRICS,
    find_direction,
    find_metric,
    find_subject,
    goal_type,
    level_direction,
    read_measure,
    unsaid_direction,
)
from bot.rules.limits import goal_amount
from bot.rules.numbers import Amount, find_amounts, parse_number
from bot.rules.smart import GoalDraft, is_non_answer, subject_optional

__all__ = ["BaseAnswer", "CloseReply", "StartAnswer", "confidence_answer", "read_base", "read_close_reply",
           "read_confidence", "read_direction_choice", "read_intent", "read_measurable", "read_specific", "read_start"]

# Whole answers only: "yes, but make it 20%" is an answer, not a confirmation. Keys are accent-free.
_INTENTS: dict[str, frozenset[str]] = {
    "yes": frozenset({
        "yes", "y", "yeah", "yep", "yup", "ok", "okay", "k", "sure", "confirm", "confirmed", "correct",
        "yes please", "looks good", "sounds good", "go ahead", "save", "save it", "keep it", "ok keep it",
        "si", "s", "certo", "conferma", "confermo", "confermato", "va bene", "ok va bene", "esatto", "giusto",
        "d accordo", "daccordo", "perfetto", "salva", "tienilo", "va benissimo", "si grazie", "yes thanks",
    }),
    "cancel": frozenset({
        "cancel", "stop", "quit", "exit", "abort", "cancel it", "never mind", "nevermind", "forget it",
        "annulla", "basta", "esci", "lascia perdere", "lascia stare", "ferma", "fermati",
    }),
    "back": frozenset({"back", "go back", "previous", "indietro", "torna indietro", "vai indietro", "torna"}),
    "skip": frozenset({"skip", "skip it", "skip this", "pass", "salta", "saltala", "salta questo", "passa"}),
}
# "No" to "mark it as achieved anyway?": the goal stays as it is (accent-free, whole answers).
_NO = frozenset({"no", "nope", "no thanks", "no grazie", "non ora", "not now", "lascia", "keep it open"})
# How long `/goal done`'s "mark it as achieved anyway? Say why" waits for its answer in the DM: an hour later, a
# sentence typed there is about something else and must not close a goal by decision.
CLOSE_QUESTION_OPEN = timedelta(hours=1)
_CONFIDENCE_SCALE = re.compile(r"^\s*(?:/|out\s+of|su|di)\s*10\b", re.IGNORECASE)
_CONFIDENCE_WORD = re.compile(
    r"(?:(?:my\s+)?confiden\w*(?:\s+(?:is|level))?|i['’]d\s+say|i\s+would\s+say|(?:la\s+mia\s+)?fiducia(?:\s+è)?"
    r"|sicurezza|direi|voto)\W*$",
    re.IGNORECASE,
)
_LEADING_WORD = re.compile(r"\s*([^\W\d_]+)")
_PLAN_SEPARATORS = " \t\n-–—:;,./|()"
# Whole words only (\b): "distributori del Veneto" lost its "di" ("stributori") and "sud Italia" its "su".
_FILLER = re.compile(
    r"^(?:(?:it\s+is|it['’]s|this\s+is|it['’]s\s+about|about|for|on|with|to|the|our|my|si\s+tratta\s+d(?:i|el|ella|ei)"
    r"|riguarda|per|su|sul|sulla|sui|con|il|lo|la|i|gli|le|del|della|dei|degli|delle|di|nostro|nostra|nostri|nostre"
    r"|mio|mia|miei|mie)\b\s*|l['’]\s*)+",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]|_", " ", plain).split())


def read_intent(text: str, lang: str) -> str | None:
    """"yes", "cancel", "back" or "skip" when the whole answer says so, in either language; else None."""
    folded = _fold(text)
    for intent, words in _INTENTS.items():
        if folded in words:
            return intent
    return None


class CloseReply(StrEnum):
    """What a DM message says to "mark it as achieved anyway? Say why"."""

    STALE = "stale"  # asked too long ago: the message is about something else
    KEEP = "keep"  # no, or cancel: the goal stays active
    ASK_WHY = "ask_why"  # yes, or a shrug: still no reason to keep in the history
    REASON = "reason"  # the reason: close it as achieved by the owner's decision


def read_close_reply(text: str, lang: str, *, asked_at: datetime, now: datetime) -> CloseReply:
    """Read the answer to `/goal done`'s override question typed in the DM (it names no goal: the question does)."""
    if now - asked_at > CLOSE_QUESTION_OPEN or now < asked_at:
        return CloseReply.STALE
    folded = _fold(text)
    if read_intent(text, lang) == "cancel" or folded in _NO or folded.split(" ", 1)[0] in ("no", "nope"):
        return CloseReply.KEEP
    if not folded or read_intent(text, lang) == "yes" or is_non_answer(text):
        return CloseReply.ASK_WHY
    return CloseReply.REASON


# Answers to "churn usually comes down: down to 5%, or really up?" that name a way (accent-free words). "Keep it"
# keeps what was typed: here it is no "yes" to the question's first offer.
_DOWN_WORDS = frozenset("down giu lower less meno decrease reduce ridurre diminuire abbassare scendere calo".split())
_UP_WORDS = frozenset("up su higher more piu raise increase aumentare alzare salire aumento".split())
_AS_TYPED = frozenset({"keep it", "ok keep it", "keep it as it is", "as it is", "as typed", "tienilo", "tienilo cosi",
                       "lascialo cosi", "va bene cosi", "cosi"})


def read_direction_choice(text: str, lang: str, *, meant: str, typed: str) -> str | None:
    """The direction chosen in answer to "X usually goes `meant`: do you want that, or really `typed`?": yes is
    the way the metric is meant to go, no (or "keep it") the way it was typed, and words that name a way ("down",
    "giù", "really raise it", "ridurlo") that way, numbers around them aside; None when the answer names none."""
    folded = _fold(text)
    if folded in _AS_TYPED:
        return typed
    if read_intent(text, lang) == "yes":
        return meant
    if folded in _NO:
        return typed
    words = set(re.findall(r"[^\W\d_]+", folded))
    verb = find_direction(text)
    down = bool(words & _DOWN_WORDS) or verb == "decrease"
    up = bool(words & _UP_WORDS) or verb == "increase"
    if down == up:
        return None  # neither, or both ("not up, down"): asked again rather than guessed
    return "decrease" if down else "increase"


def _rate_level(target: float, baseline: float | None, direction: str | None) -> float | None:
    if baseline is None or direction not in ("increase", "decrease"):
        return None
    return baseline + target if direction == "increase" else baseline - target


def read_measurable(text: str, *, lang: str, draft: GoalDraft) -> dict[str, object]:
    """Fields (unit, baseline, target, direction, metric) set by an answer to "what number?"; {} if none."""
    measure = read_measure(text, lang, signed=True)  # a negative answer is refused, never read as positive
    if measure.target is None:
        return {}
    updates: dict[str, object] = {}
    metric, _ = find_metric(text)
    metric = metric or draft.metric
    unit = measure.unit or draft.unit
    if metric is None and unit in UNIT_METRICS:
        metric = UNIT_METRICS[unit]
    if unit is None and metric in METRIC_UNITS:
        unit = METRIC_UNITS[metric]
    if metric != draft.metric:
        updates["metric"] = metric
        if draft.type == "other" and goal_type(metric, text) != "other":
            updates["type"] = goal_type(metric, text)  # "churn from 6% to 4%" makes a vague goal a retention one
    # "keep it below 5%" is a ceiling, "tenerlo sopra il 90%" a floor: read as the goal sentence reads them.
    direction = level_direction(text, metric, find_direction(text), measure) or draft.direction
    if measure.growth_base:
        # "15% from €200k": the percentage and the amount it grows from, asked apart otherwise.
        updates.update(base_amount=measure.baseline, base_unit=measure.baseline_unit, target=measure.target)
        if unit != draft.unit:
            updates["unit"] = unit
        if direction != draft.direction:
            updates["direction"] = direction
        return updates
    baseline = measure.baseline if measure.baseline is not None else draft.baseline
    target = measure.target
    if measure.baseline is not None and find_direction(text) is None and target != measure.baseline:
        # "from 100k to 120k" says which way the goal goes.
        direction = "increase" if target > measure.baseline else "decrease"
    if metric in RATE_METRICS and unit == "%" and measure.relative:
        level = _rate_level(target, baseline, direction)
        if level is None:
            return {}  # "+5 points" of retention cannot become a level without the baseline
        target = level
    if direction is None:
        direction = unsaid_direction(metric, baseline, target)  # "al 5%" of churn is a level to come down to
    counted_from_zero = unit != "%" and metric in ADDITIVE_METRICS  # new clients, deals, upsell
    if measure.baseline is not None:
        updates["baseline"] = measure.baseline
    elif unit != draft.unit and draft.baseline is not None:
        # A baseline in another unit no longer compares with the target.
        updates["baseline"] = 0.0 if counted_from_zero else None
    elif draft.baseline is None and counted_from_zero:
        updates["baseline"] = 0.0
    updates["target"] = target
    if unit != draft.unit:
        updates["unit"] = unit
    if direction != draft.direction:
        updates["direction"] = direction
    return updates


def _confidence_amount(text: str, amounts: list[Amount]) -> Amount | None:
    for amount in amounts:
        if _CONFIDENCE_SCALE.match(text[amount.end:]):
            return amount
    for amount in amounts:
        if _CONFIDENCE_WORD.search(text[:amount.start]):
            return amount
    return amounts[0] if amounts else None


# The shape the Achievable question asks for ("8 — 40 deals in pipeline", "7/10: upsell"): a score from 1 to 10 first,
# then a dash, colon or "/10", then words. "5 key accounts in Lombardy" has no such mark: it stays a subject.
_CONFIDENCE_SHAPE = re.compile(r"^\s*(?:10|[1-9])\s*(?:/\s*10\b\s*[-–—:,]?|[-–—:])\s*[^\W\d_]", re.UNICODE)


def confidence_answer(text: str, lang: str) -> tuple[int, str | None] | None:
    """The confidence and plan of an answer written the way the Achievable question asks for them, wherever it
    was typed; None for anything else (a subject that starts with a number is not a score)."""
    if not _CONFIDENCE_SHAPE.match(text):
        return None
    confidence, plan = read_confidence(text, lang)
    return None if confidence is None else (confidence, plan)


def read_confidence(text: str, lang: str) -> tuple[int | None, str | None]:
    """Confidence from 1 to 10 and the plan around it: "8 - 40 deals in pipeline" gives (8, "40 deals in pipeline")."""
    amounts = find_amounts(text, lang)
    amount = _confidence_amount(text, amounts)
    leading = _LEADING_WORD.match(text)
    if leading and (amount is None or amount.start > leading.start(1)):
        # A number word opening the answer is the score, even where it is ambiguous in prose ("sei, ...").
        value = parse_number(leading.group(1), lang)
        if value is not None:
            amount = Amount(value=value, unit=None, start=leading.start(1), end=leading.end(1))
    if amount is None:
        return None, None
    end = amount.end
    scale = _CONFIDENCE_SCALE.match(text[end:])
    if scale:
        end += scale.end()
    before = text[:amount.start]
    said = _CONFIDENCE_WORD.search(before)
    if said:
        before = before[:said.start()]
    elif re.search(r"[^\W\d_]", before):
        # Words before the number that do not say "confidence" ("hello 6"): not a score the person meant.
        return None, None
    pieces = (before.strip(_PLAN_SEPARATORS), text[end:].strip(_PLAN_SEPARATORS))
    plan = " ".join(p for p in pieces if p) or None
    value = amount.value / 10 if amount.unit == "%" else amount.value
    if amount.unit not in (None, "%") or not value.is_integer() or not 1 <= value <= 10:
        return None, plan
    return int(value), plan


def read_specific(text: str, *, lang: str, draft: GoalDraft) -> dict[str, object]:
    """The subject named by an answer to "which product, segment or accounts?", plus metric/type if stated."""
    answer = text.strip().strip(" \t\n.,;:!?\"'“”")
    answer = _FILLER.sub("", answer).strip()
    if not answer:
        return {}
    updates: dict[str, object] = {}
    metric, _ = find_metric(answer)
    if metric is not None:
        # "sales of product X": the metric was restated, the subject is what follows it.
        narrower = find_subject(answer, lang)
        if narrower:
            answer = narrower
        if metric != draft.metric:
            updates["metric"] = metric
            kind = goal_type(metric, text)
            if kind != draft.type:
                updates["type"] = kind
        if not narrower and subject_optional(str(updates.get("type", draft.type))):
            return updates  # "reduce churn from 6% to 4%" names no segment, and a retention goal needs none
    updates["subject"] = answer
    return updates


@dataclass(frozen=True)
class BaseAnswer:
    """The starting amount of a growth goal read from an answer, or why it could not be read."""

    amount: float | None = None
    unit: str | None = None
    problem: str | None = None  # unreadable, percent, not_positive, out_of_range, no_currency


# Words that only say where someone stands ("we're at", "ora siamo a", "currently about"): around one amount they
# make an answer a level, not a description of the goal ("Specific: we're at $200k" was saved as the subject).
_STANDING_WORDS = frozenset("""
we re are were i m am it s is its our currently now today right at about around roughly approximately approx nearly
almost so far total start starting from this year quarter month week
siamo sono è e ora adesso attualmente oggi a al all alla ai circa quasi sui sulle intorno partiamo partendo da in
totale quest anno trimestre mese settimana""".split())


def only_a_level(text: str, lang: str) -> bool:
    """The answer is one amount, alone or with words that only say where one stands ("200.000 €", "we're at
    $200k", "ora siamo a 200.000 euro"): a number where a description was asked for."""
    amounts = find_amounts(text, lang)
    if len(amounts) != 1:
        return False
    rest = text[:amounts[0].start] + text[amounts[0].end:]
    return all(word in _STANDING_WORDS for word in re.findall(r"[^\W\d_]+", rest.casefold()))


def read_base(text: str, *, lang: str, metric: str | None) -> BaseAnswer:
    """The amount a growth goal starts from: "€200k", "200.000 euro", "40 clients" (money needs its currency)."""
    amounts = find_amounts(text, lang)
    found = next((a for a in amounts if a.unit != "%"), None)
    if found is None:
        # The growth is the percentage; where it starts is an amount.
        return BaseAnswer(problem="percent" if amounts else "unreadable")
    if found.value <= 0 or found.sign < 0:
        return BaseAnswer(problem="not_positive")  # nothing grows by a percentage from zero
    if not goal_amount(found.value):
        return BaseAnswer(problem="out_of_range")  # not finite or beyond MAX_AMOUNT: nothing to compute with
    if found.unit is not None:
        return BaseAnswer(found.value, found.unit)
    if metric in MONEY_METRICS:
        return BaseAnswer(found.value, None, problem="no_currency")
    return BaseAnswer(found.value, METRIC_UNITS.get(metric or ""))


@dataclass(frozen=True)
class StartAnswer:
    """Where a reduce goal starts: the value now, or why the answer is not one."""

    value: float | None = None
    problem: str | None = None  # unreadable, several, unit, not_above


def read_start(text: str, *, lang: str, unit: str | None, target: float, direction: str | None = "decrease") -> StartAnswer:
    """Where a goal stands now ("6%", "siamo al 6%", "8 accounts", "100 mila"): one value in its unit (a rate's
    bare number is that rate), above the target for a REDUCE goal, below it (zero included) for an increase."""
    amounts = find_amounts(text, lang)
    if not amounts:
        return StartAnswer(problem="unreadable")
    if len(amounts) > 1:
        return StartAnswer(problem="several")
    found = amounts[0]
    if found.unit is not None and found.unit != unit and not (found.unit == "%" and unit is None):
        return StartAnswer(problem="unit")
    if found.sign < 0 or not goal_amount(found.value):
        return StartAnswer(problem="unreadable")
    if direction == "increase":
        if found.value >= target:
            return StartAnswer(found.value, problem="not_below")  # already there: nothing to raise
        return StartAnswer(found.value)
    if found.value <= target:
        return StartAnswer(found.value, problem="not_above")  # already there: nothing to reduce
    return StartAnswer(found.value)
