"""Italian before a percentage: "al 15%", "all'8%", "allo 0%", "dell'85%", "dal 100%" — never "del 8%" or "a 0%".

Two checks over the catalog: no Italian template puts a bare preposition or article before a placeholder that can
hold a percentage (those take an articulated phrase built by `prompts.phrase`, such as {growth_by} or
{restored_at}); and every text that says a percentage after a preposition, rendered by the code that sends it,
reads right for 0%, 1%, 8%, 11%, 15%, 80%, 85% and 100%.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

import prompts
from bot.blocks import edit as edit_blocks
from bot.blocks import readings
from bot.blocks.checkins import question_message
from bot.blocks.goals import base_problem, describe_measure, feedback
from bot.rules.progress import Reading
from bot.rules.smart import GoalDraft, SmartIssue
from bot.services.goals_admin import decide_achieved
from storage.models import Goal

VALUES = (0, 1, 8, 11, 15, 80, 85, 100)
# How Italian says each value's article (lo zero, l'uno, l'otto, l'undici, il quindici, l'ottanta, il cento),
# written out rather than computed, so the helper is checked against the language and not against itself.
ARTICLE = {0: "lo", 1: "l'", 8: "l'", 11: "l'", 15: "il", 80: "l'", 85: "l'", 100: "il"}
JOINED = {  # preposition + article
    "a": {"il": "al ", "l'": "all'", "lo": "allo "},
    "di": {"il": "del ", "l'": "dell'", "lo": "dello "},
    "da": {"il": "dal ", "l'": "dall'", "lo": "dallo "},
}


def joined(preposition: str, value: int, shown: str | None = None) -> str:
    """"dell'8%", "allo *0%*": the preposition joined with the value's article, then the value."""
    return JOINED[preposition][ARTICLE[value]] + (shown if shown is not None else f"{value}%")


# Placeholders a bare preposition may precede: they never hold a percentage (dates, people, channels, amounts in
# a currency, counts, the "x su y" ratio of two values, a confidence out of 10).
NEVER_A_PERCENTAGE = {
    "date", "deadline", "ended", "reach", "start", "person", "people", "manager", "previous", "channel", "title",
    "total", "by", "confidence", "amount", "same", "said", "base", "needed", "target", "titles",
    "limit", "week",  # MAX_AMOUNT as a plain number (bot.rules.limits); a week is a date
    "count",  # a plural form's number: how many things ("2 su 5 messaggi"), never a percentage
}
_BEFORE_PLACEHOLDER = re.compile(
    r"(?<![\w'])(a|al|allo|all'|del|dello|dell'|dal|dallo|dall'|di|da|il|lo|l'|sul|su|nel|fino a)\s\*?_?\{(\w+)\}")
# "su {target}" is the ratio "4% su 10%"; anywhere else {target} takes a phrase ({target_at}, {target_to}…).
_TARGET_RATIO = re.compile(r"\bsu \{target\}")


@pytest.mark.parametrize("key", sorted(prompts.keys("it")))
def test_no_bare_preposition_before_a_placeholder_that_can_be_a_percentage(key: str) -> None:
    template = prompts.keys("it")[key]
    for match in _BEFORE_PLACEHOLDER.finditer(template):
        name = match.group(2)
        assert name in NEVER_A_PERCENTAGE, f"{key}: “{match.group(0)}” — use an articulated phrase (prompts.phrase)"
        if name == "target":
            assert _TARGET_RATIO.search(match.group(0)), f"{key}: “{match.group(0)}”"


def _goal(**fields: object) -> Goal:
    values: dict[str, object] = dict(
        id=3, team_id="T1", user_id="U1", title="tasso di conversione", type="other", subject=None,
        metric="conversion_rate", unit="%", direction="increase", baseline=None, target=100.0, current=0.0,
        start_date=date(2026, 10, 1), deadline=date(2027, 3, 31), status="active", lang="it",
        created_at=datetime(2026, 10, 1, tzinfo=UTC), updated_at=datetime(2026, 10, 1, tzinfo=UTC),
    )
    values.update(fields)
    goal = Goal(**values)
    goal.checkins, goal.revisions = [], []
    return goal


def _draft(**fields: object) -> GoalDraft:
    values: dict[str, object] = dict(text="x", type="other", subject="x", metric="cancellations", unit="%",
                                     direction="decrease", baseline=None, target=15.0, deadline=date(2027, 3, 31))
    values.update(fields)
    return GoalDraft(**values)  # type: ignore[arg-type]


# (catalog key, how the code renders it for a value, the phrase it must contain)
Render = Callable[[int], str]
CASES: list[tuple[str, Render, Callable[[int], str]]] = [
    ("measure.decrease_by", lambda v: describe_measure("it", _draft(target=float(v))),
     lambda v: "in calo " + joined("di", v)),
    ("measure.decrease_from", lambda v: describe_measure("it", _draft(metric="churn_rate", baseline=float(v),
                                                                      target=0.5)),
     lambda v: joined("da", v)),
    ("measure.decrease", lambda v: describe_measure("it", _draft(metric="churn_rate", target=float(v))),
     lambda v: "da ridurre " + joined("a", v)),
    ("measure.increase_from", lambda v: describe_measure("it", _draft(metric="win_rate", direction="increase",
                                                                      baseline=0.5, target=float(v))),
     lambda v: joined("a", v)),
    ("measure.maintain", lambda v: describe_measure("it", _draft(metric="retention_rate", direction="maintain",
                                                                 target=float(v))),
     lambda v: "almeno " + joined("a", v)),
    ("feedback.achievable.growth_far_beyond_any",
     lambda v: feedback("it", SmartIssue("achievable", "growth_far_beyond_baseline",
                                         {"growth": float(v), "target": float(v)}), _draft()).text,
     lambda v: "crescita " + joined("di", v)),
    ("feedback.achievable.growth_far_beyond_baseline",
     lambda v: feedback("it", SmartIssue("achievable", "growth_far_beyond_baseline",
                                         {"growth": float(v), "target": 2e5, "baseline": 1e5}),
                        _draft(unit="EUR")).text,
     lambda v: "crescita " + joined("di", v)),
    ("feedback.achievable.percent_over_100",
     lambda v: feedback("it", SmartIssue("achievable", "percent_over_100", {"target": float(v)}),
                        _draft(target=float(v))).text,
     lambda v: "target " + joined("di", v)),
    ("feedback.achievable.growth_far_beyond_any (the target)",
     lambda v: feedback("it", SmartIssue("achievable", "growth_far_beyond_baseline",
                                         {"growth": float(v), "target": float(v)}), _draft()).text,
     lambda v: "ma " + {"lo": "lo ", "l'": "l'", "il": "il "}[ARTICLE[v]] + f"{v}% è realistico"),
    ("feedback.measurable.base_not_positive",
     lambda v: base_problem("it", "not_positive", 0.0, _draft(direction="increase", target=float(v)), "0",
                            limit=1e12).text,
     lambda v: "crescita " + joined("di", v)),
    ("checkin.ask.pick_growth",
     lambda v: str(question_message("it", _goal(metric="sales", target=15.0, current=None), 1, text="x%",
                                    reason="growth_percent", candidates=[Reading(float(v), "growth")]).blocks),
     lambda v: "Crescita " + joined("di", v)),
    ("checkin.ask.pick_growth_of_the_way",
     lambda v: str(question_message("it", _goal(metric="sales", target=15.0, current=None), 1, text="x%",
                                    reason="growth_percent",
                                    candidates=[Reading(float(v), "growth_of_the_way", said=float(v)),
                                                Reading(0.5, "growth")]).blocks),
     lambda v: "(" + {"lo": "lo ", "l'": "l'", "il": "il "}[ARTICLE[v]] + f"{v}% del percorso)"),
    ("checkin.ask.pick_growth_of_start",
     lambda v: str(question_message("it", _goal(metric="sales", target=15.0, current=None), 1, text="x%",
                                    reason="growth_percent",
                                    candidates=[Reading(float(v) - 100, "growth_of_start", said=float(v)),
                                                Reading(0.5, "growth")]).blocks),
     lambda v: "Ora " + joined("a", v) + " del valore di partenza"),
    ("checkin.recorded.reached", lambda v: readings.echo_line("it", "%", float(v), None, (1000.0, "EUR")),
     lambda v: "una crescita " + joined("di", v)),
    ("manage.close.needs_override",
     lambda v: edit_blocks.needs_override("it", _goal(current=float(v)), decide_achieved(
         "it", _goal(current=float(v)), today=date(2026, 12, 1), note=None).shown).text,
     lambda v: "è " + joined("a", v, f"{v}% su 100%")),
    ("reading.undone", lambda v: readings.taken_back_message("it", "undone", title="x", unit="%", value=99.0,
                                                            restored=float(v), week_empty=False).text,
     lambda v: "torna " + joined("a", v, f"*{v}%*")),
    ("reading.withdrawn_empty", lambda v: readings.taken_back_message("it", "withdrawn", title="x", unit="%",
                                                                     value=99.0, restored=float(v),
                                                                     week_empty=True).text,
     lambda v: "torna " + joined("a", v, f"*{v}%*")),
    ("reading.not_current", lambda v: readings.not_current_message("it", unit="%", value=99.0,
                                                                  current=float(v)).text,
     lambda v: "resta " + joined("a", v, f"*{v}%*")),
    ("reading.edit_unclear", lambda v: readings.edit_unclear_line("it", unit="%", current=float(v)),
     lambda v: "resta " + joined("a", v, f"*{v}%*")),
    ("forecast.at", lambda v: prompts.t("it", "forecast.at", value="1%", deadline="31 marzo 2027",
                                        target_of=prompts.phrase("it", "of", float(v), "%")),
     lambda v: "target " + joined("di", v)),
    ("standing.expected", lambda v: prompts.t("it", "standing.expected", done_at=prompts.at_amount("it", v, "%"),
                                              expected_the=prompts.the_amount("it", v, "%")),
     lambda v: "completato " + joined("a", v)),
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(("key", "render", "expected"), CASES, ids=[case[0] for case in CASES])
def test_every_percentage_after_a_preposition_takes_its_article(
    key: str, render: Render, expected: Callable[[int], str], value: int,
) -> None:
    text = render(value)
    assert expected(value) in text, (key, text)
    # Never the bare or wrong form: "del 8%", "a 0%", "al 85%".
    wrong = [f"{p}{value}%" for forms in JOINED.values() for art, p in forms.items() if art != ARTICLE[value]]
    assert not any(w in text or w.replace("%", "%*") in text for w in wrong), (key, text)
