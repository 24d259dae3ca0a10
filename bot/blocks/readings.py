"""Block Kit for recorded readings: the echo of what was understood, Undo and Correct, the correction modal, and
the thread answers when a reading is undone, corrected, edited or withdrawn."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, InputBlock, PlainTextInputElement, PlainTextObject

from bot import ids
from bot.blocks.common import Message, actions, button, modal, section, text_message
from prompts import fmt_amount, fmt_number, phrase, t, tn, unit_name

_SYMBOLS = ("%", "EUR", "USD", "GBP", "CHF")


def amount_text(lang: str, value: float | None, unit: str | None) -> str:
    """A value with its number in bold and a count unit in the form the number takes: "*7* clients", "*€120,000*"."""
    if value is None:
        return "–"
    if not unit or unit in _SYMBOLS:
        return f"*{fmt_amount(lang, value, unit)}*"
    return f"*{fmt_number(lang, value)}* {unit_name(lang, unit, value)}"


def change_text(lang: str, change: float, unit: str | None) -> str:
    """A change with its sign: "+3", "−2", "+€20,000"; a percentage moves by points: 88% → 93% is "+5 points",
    not "+5%" (which a reader could take for 5% more, 92.4%)."""
    sign = "+" if change >= 0 else "−"
    if unit == "%":  # to one decimal, as the percentages beside it: "4,2%" then "+4,2 points", not "+4,17"
        return sign + tn(lang, "count.points", round(abs(change), 1))
    shown = fmt_amount(lang, abs(change), unit) if unit in _SYMBOLS else fmt_number(lang, abs(change))
    return f"{sign}{shown}"


def echo_line(lang: str, unit: str | None, value: float, change: float | None,
              reached: tuple[float, str] | None = None, reached_change: float | None = None) -> str:
    """What was recorded, as understood: "✅ Recorded *7* clients (+3).", "✅ Ho registrato il *12,5%*"; a growth
    goal with a starting amount also names the amount reached, `reached` (amount, currency), and the change in
    that currency, `reached_change`, both from the model."""
    amount = phrase(lang, "the", value, unit, amount_text(lang, value, unit))
    if reached is not None:
        amount = t(lang, "checkin.recorded.reached", amount=amount_text(lang, reached[0], reached[1]),
                   value_by=phrase(lang, "by", value, unit))
    if change is None:
        return t(lang, "checkin.recorded.first", amount=amount)
    if change == 0:
        return t(lang, "checkin.recorded.unchanged", amount=amount)
    shown = (change_text(lang, reached_change, reached[1]) if reached is not None and reached_change is not None
             else change_text(lang, change, unit))
    return t(lang, "checkin.recorded.value", amount=amount, change=shown)


def reading_buttons(lang: str, reading_id: int) -> ActionsBlock:
    """Undo and Correct, both carrying the reading they act on."""
    value = str(reading_id)
    return actions(button(t(lang, "reading.buttons.undo"), ids.ACTION_READING_UNDO, value),
                   button(t(lang, "reading.buttons.correct"), ids.ACTION_READING_CORRECT, value),
                   block_id=ids.BLOCK_READING_ACTIONS)


def correct_modal(lang: str, *, title: str, value: float, unit: str | None, metadata: dict[str, Any]) -> dict[str, Any]:
    """The Correct modal: the reading as recorded and a field for the right value."""
    return modal(
        ids.VIEW_READING_CORRECT, title=t(lang, "reading.modal.title"), submit=t(lang, "reading.modal.submit"),
        close=t(lang, "reading.modal.close"), metadata=json.dumps(metadata),
        blocks=[
            section(t(lang, "reading.modal.intro", title=title, amount=amount_text(lang, value, unit))),
            InputBlock(
                block_id=ids.BLOCK_READING_VALUE,
                label=PlainTextObject(text=t(lang, "reading.modal.label")),
                hint=PlainTextObject(text=t(lang, "reading.modal.hint")),
                element=PlainTextInputElement(
                    action_id=ids.INPUT_READING_VALUE, max_length=200,
                    initial_value=fmt_number(lang, value),
                ),
            ),
        ],
    )


def taken_back_message(lang: str, key: str, *, title: str, unit: str | None, value: float,
                       restored: float | None, week_empty: bool) -> Message:
    """A reading undone (`key` "undone") or withdrawn with its deleted reply ("withdrawn"), and where things are."""
    amount, back = amount_text(lang, value, unit), amount_text(lang, restored, unit)
    return text_message(t(lang, f"reading.{key}_empty" if week_empty else f"reading.{key}", amount=amount,
                          restored_at=phrase(lang, "at", restored, unit, back), title=title))


def not_current_message(lang: str, *, unit: str | None, value: float, current: float | None) -> Message:
    """A press on a reading that was undone or replaced: nothing changes."""
    return text_message(t(lang, "reading.not_current", amount=amount_text(lang, value, unit),
                          current_at=phrase(lang, "at", current, unit, amount_text(lang, current, unit))))


def corrected_headline(lang: str, key: str, *, unit: str | None, before: float, after: float) -> str:
    """The first line of a corrected or edited reading's answer: "✏️ Corrected: *7* clients → *8* clients."."""
    return t(lang, f"reading.{key}", before=amount_text(lang, before, unit), after=amount_text(lang, after, unit))


def edit_unchanged_message(lang: str, *, unit: str | None, value: float) -> Message:
    """An edited reply that reads as the same value: nothing to change, and said so."""
    return text_message(t(lang, "reading.edit_unchanged", amount=amount_text(lang, value, unit)))


def edit_unclear_line(lang: str, *, unit: str | None, current: float | None) -> str:
    """An edited reply goalbot cannot read with confidence: the check-in keeps its value (a question follows)."""
    return t(lang, "reading.edit_unclear",
             current_at=phrase(lang, "at", current, unit, amount_text(lang, current, unit)))

