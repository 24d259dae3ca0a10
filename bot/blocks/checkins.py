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

from bot import ids
from bot.blocks.common import Message, actions, button, clip, context, escape, modal, section
from bot.blocks.readings import change_text, echo_line, reading_buttons
from bot.blocks.standing import (
    expected_text,
    forecast_line,
    measure_text,
    numbers_of,
    progress_text,
    standing_of,
    status_label,
    title_text,
)
from bot.rules.numbers import find_amounts
from bot.rules.progress import CURRENCIES, GoalNumbers, Kind, Reading, Standing, Status, reached_amount, reached_change
from bot.rules.reply_check import reply_examples
from prompts import fmt_amount, fmt_number, phrase, t

TITLE_LIMIT = 300  # a goal title is the owner's sentence; a check-in card only needs to recognise it


def title_of(goal: Any, lang: str = "en") -> str:
    """The goal's title, escaped for mrkdwn and clipped for a card (marked as the original wording once edited)."""
    return title_text(lang, goal, TITLE_LIMIT)


def standing_lines(lang: str, item: Standing) -> list[str]:
    """Where the goal stands, its progress and the pace it needs, as mrkdwn lines (the model's answer)."""
    lines = [measure_text(lang, item)]
    if item.numbers.kind is not Kind.MAINTAIN and item.progress is not None:
        lines.append(progress_text(lang, item))
    expected = expected_text(lang, item)
    if expected:
        lines.append(expected)
    return lines


def checkin_message(lang: str, goal: Any, checkin_id: int, today: date) -> Message:
    """The weekly check-in card: the goal, where it stands, the pace it needs, and the five buttons."""
    title = title_of(goal, lang)
    item = standing_of(goal, today)
    blocks: list[Block] = [section(t(lang, "checkin.header", title=title)),
                           section("\n".join(standing_lines(lang, item)))]
    blocks.append(context(t(lang, "checkin.status", pace=status_label(lang, item))))
    value = str(checkin_id)
    blocks.append(actions(
        button(t(lang, "checkin.buttons.update"), ids.ACTION_CHECKIN_UPDATE, value, style="primary"),
        button(t(lang, "checkin.buttons.on_track"), ids.ACTION_CHECKIN_ON_TRACK, value),
        button(t(lang, "checkin.buttons.at_risk"), ids.ACTION_CHECKIN_AT_RISK, value),
        button(t(lang, "checkin.buttons.blocked"), ids.ACTION_CHECKIN_BLOCKED, value),
        button(t(lang, "checkin.buttons.skip"), ids.ACTION_CHECKIN_SKIP, value),
        block_id=ids.BLOCK_CHECKIN_ACTIONS,
    ))
    blocks.append(context(reply_hint(lang, item.numbers, "checkin.hint")))
    return Message(text=t(lang, "checkin.fallback", title=title), blocks=blocks)


def reply_hint(lang: str, numbers: GoalNumbers, key: str, **params: Any) -> str:
    """The catalog's `key` with replies to suggest for this goal (`key`_plain when none would surely be read)."""
    examples = reply_examples(numbers)
    if examples is None:
        return t(lang, f"{key}_plain", **params)

    def written(value: float) -> str:
        unit = examples.unit
        return fmt_amount(lang, value, unit) if unit in CURRENCIES or unit == "%" else fmt_number(lang, value)

    total = written(examples.total)
    shown = (t(lang, "checkin.examples_one", total=total) if examples.step is None
             else t(lang, "checkin.examples_two", total=total, step="+" + written(examples.step)))
    return t(lang, key, examples=shown, **params)


def reminder_message(lang: str, goal: Any) -> Message:
    """The one gentle reminder, posted in the check-in's thread."""
    text = reply_hint(lang, numbers_of(goal), "checkin.remind.text", title=title_of(goal, lang))
    return Message(text=text, blocks=[section(text)])


def recorded_message(
    lang: str, goal: Any, *, value: float, change: float | None, today: date, blocker: str | None,
    reading_id: int | None = None, headline: str | None = None,
) -> Message:
    """The thread answer after a check-in: what was understood, where the goal stands, its status and the forecast.

    `change` is the difference from the value before (None for a first value), computed by the service: blocks do
    no arithmetic. `headline` replaces the echo (a correction or an edit says what changed); with `reading_id`,
    Undo and Correct buttons act on that reading.
    """
    item = standing_of(goal, today)
    formatted = fmt_amount(lang, value, goal.unit)
    numbers = item.numbers  # the numbers the standing was built from: a goal's history is walked once
    moved = None if change is None else reached_change(numbers, value, change)
    lines = [headline or echo_line(lang, goal.unit, value, change, reached_amount(numbers, value), moved)]
    lines.extend(standing_lines(lang, item))
    lines.append(t(lang, "checkin.recorded.status", pace=status_label(lang, item)))
    lines.append(forecast_line(lang, item))
    if blocker:
        lines.append(t(lang, "checkin.recorded.blocker", blocker=escape(clip(blocker, 500))))
    blocks: list[Block] = [section("\n".join(lines))]
    if item.status is Status.ACHIEVED:
        blocks.append(section(t(lang, "checkin.recorded.achieved", title=title_of(goal, lang), value=formatted)))
    if reading_id is not None:
        blocks.append(reading_buttons(lang, reading_id))
    return Message(text=lines[0], blocks=blocks)


def question_message(
    lang: str, goal: Any, checkin_id: int, *, text: str, reason: str, candidates: Sequence[Reading],
    blocker: str | None = None,
) -> Message:
    """A reply read without confidence: what was understood (a blocker it names is kept, and said so), why it is
    unclear, and the readings to pick."""
    numbers = numbers_of(goal)
    unit = "%" if numbers.kind is Kind.GROWTH else goal.unit
    params = {"title": title_of(goal, lang), "unit": fmt_unit(lang, goal.unit),
              "target": fmt_amount(lang, goal.target, unit)}
    lines = [t(lang, "checkin.ask.understood", text=escape(clip(text, 500))),
             *([t(lang, "checkin.recorded.blocker", blocker=escape(clip(blocker, 500)))] if blocker else []),
             t(lang, f"checkin.ask.{reason}", **params)]
    blocks: list[Block] = []
    if candidates:
        if len(candidates) > 1:  # one candidate answers the question already asked ("Is it right?")
            lines.append(t(lang, "checkin.ask.choose"))
        blocks.append(section("\n".join(lines)))
        blocks.append(actions(
            *(button(clip(_pick_label(lang, c, unit, numbers.base_unit), 75),
                     ids.ACTION_CHECKIN_PICK, f"{checkin_id}:{c.value!r}") for c in candidates[:5]),
            block_id=ids.BLOCK_CHECKIN_PICK,
        ))
    else:
        blocks.append(section("\n".join(lines)))
    amounts = find_amounts(text, lang)
    if reason == "ambiguous_delta" and len(amounts) == 1:
        said = fmt_number(lang, amounts[0].value)  # "reply 3 or +3": the same number, as a total or as a change
        blocks.append(context(t(lang, "checkin.ask.how_to", total=said, delta=said)))
    else:  # replies read as meant on this goal (a generic "10" or "+1" may be asked back again)
        blocks.append(context(reply_hint(lang, numbers, "checkin.ask.how_to_examples")))
    return Message(text="\n".join(lines), blocks=blocks)


def _pick_label(lang: str, c: Reading, unit: str | None, base_unit: str | None) -> str:
    """A reading's button: "grown by 2% (10% of the way)", "+5 points of growth", "+€5,000: now €205,000"."""
    # A signed change reads as every recorded change does (blocks.readings.change_text): points for a growth.
    points, change = ("–", "–") if c.said is None else (change_text(lang, c.said, "%"),
                                                      change_text(lang, c.said, base_unit))
    return t(lang, f"checkin.ask.pick_{c.meaning}", value=fmt_amount(lang, c.value, unit),
             value_by=phrase(lang, "by", c.value, unit), said_the=phrase(lang, "the", c.said, "%"),
             said_at=phrase(lang, "at", c.said, "%"), amount=fmt_amount(lang, c.amount, base_unit), points=points,
             change=change)


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
    current = goal.current if goal.current is not None else goal.baseline
    return modal(
        ids.VIEW_CHECKIN, title=t(lang, "checkin.modal.title"), submit=t(lang, "checkin.modal.submit"),
        close=t(lang, "checkin.modal.close"), metadata=json.dumps(metadata),
        blocks=[
            section(t(lang, "checkin.modal.goal", title=title_of(goal, lang), current=fmt_amount(lang, current, goal.unit),
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


def chosen_blocks(original: Sequence[dict[str, Any]], label: str) -> list[dict[str, Any]]:
    """A question's blocks with its buttons replaced by the choice made, so it cannot be clicked twice."""
    kept = [b for b in original if b.get("type") != "actions"]
    return [*kept, context(label).to_dict()][:50]
