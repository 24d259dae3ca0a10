"""Block Kit for weekly check-ins: the check-in card, thread answers, questions back, the update modal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot import ids
from bot.blocks.common import Message, actions, button, clip, context, escape, section
from bot.blocks.forecast import forecast_line, goal_forecast
from bot.blocks.goals import current_value
from bot.blocks.readings import echo_line, reading_buttons
from bot.rules.numbers import find_amounts
from bot.rules.pace import (
    expected_fraction,
    pace_status,
    progress_bar,
    progress_fraction,
)
from prompts import fmt_amount, fmt_date, fmt_number, t

TITLE_LIMIT = 300  # a goal title is the owner's sentence; a check-in card only needs to recognise it


def title_of(goal: Any) -> str:
    """The goal's title, escaped for mrkdwn and clipped for a card."""
    return escape(clip(goal.title or goal.subject or "", TITLE_LIMIT))


def percent(lang: str, fraction: float) -> str:
    """A fraction as a whole percentage: 0.4 → "40%"."""
    return fmt_amount(lang, float(round(fraction * 100)), "%")


def progress_of(goal: Any) -> float:
    """How far the goal is from its start to its target (0..1, beyond 1 past it)."""
    return progress_fraction(baseline=goal.baseline, target=goal.target, current=current_value(goal),
                             direction=goal.direction)


def expected_of(goal: Any, today: date) -> float:
    """The share of the goal's time that has elapsed on `today`."""
    return expected_fraction(start=goal.start_date, deadline=goal.deadline, today=today)


def pace_of(goal: Any, today: date) -> str:
    """The goal's status on `today`, from its numbers: on_track, at_risk, off_track or achieved."""
    return pace_status(baseline=goal.baseline, target=goal.target, current=goal.current, direction=goal.direction,
                       start=goal.start_date, deadline=goal.deadline, today=today)


def _standing(lang: str, goal: Any, today: date) -> list[str]:
    """Where the goal stands and the pace it needs, as mrkdwn lines."""
    target = fmt_amount(lang, goal.target, goal.unit)
    current = current_value(goal)
    if goal.direction == "maintain":
        line = (t(lang, "checkin.progress_maintain", current=fmt_amount(lang, current, goal.unit), target=target)
                if current is not None else t(lang, "checkin.progress_unknown", target=target))
        return [line, t(lang, "checkin.expected_maintain", target=target, date=fmt_date(lang, goal.deadline))]
    fraction = progress_of(goal)
    return [
        t(lang, "checkin.progress", bar=progress_bar(fraction), current=fmt_amount(lang, current, goal.unit),
          target=target, percent=percent(lang, fraction)),
        t(lang, "checkin.expected", expected=percent(lang, expected_of(goal, today)),
          date=fmt_date(lang, goal.deadline)),
    ]


def checkin_message(lang: str, goal: Any, checkin_id: int, today: date) -> Message:
    """The weekly check-in card: the goal, where it stands, the pace it needs, and the five buttons."""
    title = title_of(goal)
    lines = _standing(lang, goal, today)
    blocks: list[Block] = [section(t(lang, "checkin.header", title=title)), section("\n".join(lines))]
    blocks.append(context(t(lang, "checkin.status", pace=t(lang, f"pace.{pace_of(goal, today)}"))))
    value = str(checkin_id)
    blocks.append(actions(
        button(t(lang, "checkin.buttons.update"), ids.ACTION_CHECKIN_UPDATE, value, style="primary"),
        button(t(lang, "checkin.buttons.on_track"), ids.ACTION_CHECKIN_ON_TRACK, value),
        button(t(lang, "checkin.buttons.at_risk"), ids.ACTION_CHECKIN_AT_RISK, value),
        button(t(lang, "checkin.buttons.blocked"), ids.ACTION_CHECKIN_BLOCKED, value),
        button(t(lang, "checkin.buttons.skip"), ids.ACTION_CHECKIN_SKIP, value),
        block_id=ids.BLOCK_CHECKIN_ACTIONS,
    ))
    blocks.append(context(t(lang, "checkin.hint")))
    return Message(text=t(lang, "checkin.fallback", title=title), blocks=blocks)


def reminder_message(lang: str, goal: Any) -> Message:
    """The one gentle reminder, posted in the check-in's thread."""
    text = t(lang, "checkin.remind.text", title=title_of(goal))
    return Message(text=text, blocks=[section(text)])


def recorded_message(
    lang: str, goal: Any, *, value: float, pace: str, today: date, blocker: str | None,
    reading_id: int | None = None, change: float | None = None, headline: str | None = None,
) -> Message:
    """The thread answer after a check-in: what was understood, the bar, the pace status and the forecast.

    With `reading_id`, Undo and Correct buttons act on that reading.
    """
    formatted = fmt_amount(lang, value, goal.unit)
    lines = [headline or echo_line(lang, goal.unit, value, change)]
    target = fmt_amount(lang, goal.target, goal.unit)
    fraction = progress_of(goal)
    if goal.direction == "maintain":
        lines.append(t(lang, "checkin.recorded.progress_maintain", bar=progress_bar(fraction), target=target))
        lines.append(t(lang, "checkin.recorded.status_maintain", pace=t(lang, f"pace.{pace}"), target=target))
    else:
        lines.append(t(lang, "checkin.recorded.progress", bar=progress_bar(fraction),
                       percent=percent(lang, fraction), target=target))
        lines.append(t(lang, "checkin.recorded.status", pace=t(lang, f"pace.{pace}"),
                       expected=percent(lang, expected_of(goal, today))))
    lines.append(forecast_line(lang, goal, goal_forecast(goal)))
    if blocker:
        lines.append(t(lang, "checkin.recorded.blocker", blocker=escape(clip(blocker, 500))))
    blocks: list[Block] = [section("\n".join(lines))]
    if pace == "achieved":
        blocks.append(section(t(lang, "checkin.recorded.achieved", title=title_of(goal), value=formatted)))
    if reading_id is not None:
        blocks.append(reading_buttons(lang, reading_id))
    return Message(text=lines[0], blocks=blocks)


def question_message(
    lang: str, goal: Any, checkin_id: int, *, text: str, reason: str, candidates: Sequence[float],
) -> Message:
    """A reply read without confidence: what was understood, why it is unclear, and the readings to pick."""
    params = {"title": title_of(goal), "unit": fmt_unit(lang, goal.unit),
              "target": fmt_amount(lang, goal.target, goal.unit)}
    lines = [t(lang, "checkin.ask.understood", text=escape(clip(text, 500))),
             t(lang, f"checkin.ask.{reason}", **params)]
    blocks: list[Block] = []
    example = candidates[0] if candidates else (current_value(goal) or goal.target)
    if candidates:
        lines.append(t(lang, "checkin.ask.choose"))
        blocks.append(section("\n".join(lines)))
        blocks.append(actions(
            *(button(t(lang, "checkin.ask.pick", value=fmt_amount(lang, c, goal.unit)), ids.ACTION_CHECKIN_PICK,
                     f"{checkin_id}:{c!r}") for c in candidates[:5]),
            block_id=ids.BLOCK_CHECKIN_PICK,
        ))
    else:
        blocks.append(section("\n".join(lines)))
    total, delta = example, _example_delta(goal, example)
    amounts = find_amounts(text, lang)
    if reason == "ambiguous_delta" and len(amounts) == 1:
        total = delta = amounts[0].value  # "reply 3 or +3": the same number, as a total or as a change
    blocks.append(context(t(lang, "checkin.ask.how_to", total=fmt_number(lang, total), delta=fmt_number(lang, delta))))
    return Message(text="\n".join(lines), blocks=blocks)


def _example_delta(goal: Any, example: float) -> float:
    current = current_value(goal)
    if current is not None and example > current:
        return example - current
    return 1.0 if not goal.unit or not goal.unit.isupper() else 1000.0


def fmt_unit(lang: str, unit: str | None) -> str:
    """The goal's unit as a person says it: €, %, clients."""
    if not unit:
        return "–"
    if unit == "%":
        return "%"
    try:
        return t(lang, f"units.{unit}")
    except KeyError:
        return unit


def update_modal(lang: str, goal: Any, metadata: dict[str, Any]) -> dict[str, Any]:
    """The Update progress modal: the new value and an optional note."""
    current = current_value(goal)
    view = View(
        type="modal",
        callback_id=ids.VIEW_CHECKIN,
        title=PlainTextObject(text=clip(t(lang, "checkin.modal.title"), 24)),
        submit=PlainTextObject(text=clip(t(lang, "checkin.modal.submit"), 24)),
        close=PlainTextObject(text=clip(t(lang, "checkin.modal.close"), 24)),
        private_metadata=json.dumps(metadata),
        blocks=[
            section(t(lang, "checkin.modal.goal", title=title_of(goal), current=fmt_amount(lang, current, goal.unit),
                      target=fmt_amount(lang, goal.target, goal.unit))),
            InputBlock(
                block_id=ids.BLOCK_CHECKIN_VALUE,
                label=PlainTextObject(text=t(lang, "checkin.modal.value_label")),
                hint=PlainTextObject(text=t(lang, "checkin.modal.value_hint")),
                element=PlainTextInputElement(
                    action_id=ids.INPUT_CHECKIN_VALUE, max_length=200,
                    placeholder=PlainTextObject(text=clip(t(lang, "checkin.modal.value_placeholder"), 150)),
                ),
            ),
            InputBlock(
                block_id=ids.BLOCK_CHECKIN_NOTE,
                label=PlainTextObject(text=t(lang, "checkin.modal.note_label")),
                optional=True,
                element=PlainTextInputElement(
                    action_id=ids.INPUT_CHECKIN_NOTE, multiline=True, max_length=2000,
                    placeholder=PlainTextObject(text=clip(t(lang, "checkin.modal.note_placeholder"), 150)),
                ),
            ),
        ],
    )
    return view.to_dict()


def chosen_blocks(original: Sequence[dict[str, Any]], label: str) -> list[dict[str, Any]]:
    """A question's blocks with its buttons replaced by the choice made, so it cannot be clicked twice."""
    kept = [b for b in original if b.get("type") != "actions"]
    return [*kept, context(label).to_dict()][:50]
