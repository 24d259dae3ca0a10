"""Block Kit for adjusting goals: the edit modal, the goal picker, change confirmations, history, the review DM."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)

from bot import ids
from bot.blocks.common import Message, actions, button, clip, context, escape, modal, section
from bot.blocks.goals import describe_measure, goal_line
from bot.blocks.readings import amount_text
from bot.blocks.standing import forecast_line, measure_text, standing_of, status_label, title_is_original
from bot.rules.history import GoalMark, ReadingEvent
from bot.rules.progress import MAINTAIN_DIRECTIONS, Standing, Status
from prompts import fmt_amount, fmt_date, keys, t, tn

EDIT_FIELDS = ("target", "direction", "deadline", "metric", "unit", "baseline")
_BLOCKS = {
    "target": (ids.BLOCK_EDIT_TARGET, ids.INPUT_EDIT_TARGET),
    "direction": (ids.BLOCK_EDIT_DIRECTION, ids.INPUT_EDIT_DIRECTION),
    "deadline": (ids.BLOCK_EDIT_DEADLINE, ids.INPUT_EDIT_DEADLINE),
    "metric": (ids.BLOCK_EDIT_METRIC, ids.INPUT_EDIT_METRIC),
    "unit": (ids.BLOCK_EDIT_UNIT, ids.INPUT_EDIT_UNIT),
    "baseline": (ids.BLOCK_EDIT_BASELINE, ids.INPUT_EDIT_BASELINE),
    "reason": (ids.BLOCK_EDIT_REASON, ids.INPUT_EDIT_REASON),
}
UNITS = ("%", "EUR", "USD", "GBP", "CHF", "clients", "deals", "accounts", "meetings")
NONE_CHOICE = "none"  # the select option meaning "no metric" / "no unit"
DIRECTIONS = ("increase", "decrease", "maintain", "keep_below")  # a goal always has one: no "none" option


def block_id_of(field: str) -> str:
    """The modal's block id for a form field (for response_action=errors)."""
    return _BLOCKS[field][0]


def form_values(state_values: dict[str, Any]) -> dict[str, str | None]:
    """Read the submitted modal's state into field → typed text (None for a field the modal did not show)."""
    out: dict[str, str | None] = {}
    for name, (block_id, action_id) in _BLOCKS.items():
        entry = (state_values.get(block_id) or {}).get(action_id)
        if entry is None:
            out[name] = None
        elif entry.get("type") == "static_select" or "selected_option" in entry:
            out[name] = ((entry.get("selected_option") or {}).get("value")) or NONE_CHOICE
        else:
            out[name] = entry.get("value") or ""
    return out


def _label(lang: str, group: str, code: str) -> str:
    if code == NONE_CHOICE:
        return t(lang, f"manage.edit.no_{group[:-1]}")
    label = keys(lang).get(f"{group}.{code}")
    return clip(label or code, 75)  # the name in the person's language only: no English code beside it


def _select(lang: str, group: str, codes: Sequence[str], current: str | None, action_id: str, *,
            none: bool = True) -> StaticSelectElement:
    choices = [NONE_CHOICE, *codes] if none else list(codes)
    if current and current not in choices:
        choices.append(current)  # a code from an older catalog still shows as itself
    options = [Option(value=code[:150], text=PlainTextObject(text=_label(lang, group, code))) for code in choices]
    chosen = current or NONE_CHOICE
    initial = next(o for o, code in zip(options, choices, strict=False) if code == chosen)
    return StaticSelectElement(action_id=action_id, options=options[:100], initial_option=initial)


def _text_input(action_id: str, value: str, placeholder: str, *, multiline: bool = False,
                max_length: int = 200) -> PlainTextInputElement:
    return PlainTextInputElement(action_id=action_id, initial_value=value or None, multiline=multiline,
                                 max_length=max_length, placeholder=clip(placeholder, 150))


def edit_modal(
    lang: str, goal: Any, *, initial: dict[str, str], fields: Sequence[str] = EDIT_FIELDS,
    typed: dict[str, str | None] | None = None, warnings: Sequence[tuple[str, str]] = (),
    accepted: Sequence[str] = (), metrics: Sequence[str] = (), kind: str = "edit",
    card: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The modal to adjust a goal (kind "edit") or only push its deadline (kind "extend"), with a required reason.

    `card` is the (channel, ts) of the review message the modal was opened from, closed once the change is saved.
    """
    typed = typed or {}

    def value(name: str) -> str:
        shown = typed.get(name)
        return initial.get(name, "") if shown is None else shown

    blocks: list[Block] = [section(t(lang, "manage.edit.intro", id=goal.id, title=escape(clip(goal.title, 300)),
                                     measure=describe_measure(lang, goal), date=fmt_date(lang, goal.deadline)))]
    for _code, text in warnings:
        blocks.append(context("⚠️ " + text))
    if warnings:
        blocks.append(context(t(lang, "manage.edit.warning_keep")))
    for name in fields:
        block_id, action_id = _BLOCKS[name]
        element: Any
        if name == "direction":
            element = _select(lang, "directions", DIRECTIONS, value(name), action_id, none=False)
        elif name in ("metric", "unit"):
            codes = metrics if name == "metric" else UNITS
            element = _select(lang, "metrics" if name == "metric" else "units", codes,
                              value(name) if value(name) != NONE_CHOICE else None, action_id)
        else:
            element = _text_input(action_id, value(name), t(lang, f"manage.edit.{name}_placeholder"))
        blocks.append(InputBlock(block_id=block_id, label=t(lang, f"manage.edit.{name}_label"), element=element,
                                 hint=t(lang, f"manage.edit.{name}_hint"), optional=name in ("metric", "unit",
                                                                                              "baseline")))
    block_id, action_id = _BLOCKS["reason"]
    blocks.append(InputBlock(
        block_id=block_id, label=t(lang, "manage.edit.reason_label"),
        element=_text_input(action_id, typed.get("reason") or "", t(lang, "manage.edit.reason_placeholder"),
                            multiline=True, max_length=1000),
    ))
    metadata = json.dumps({"goal_id": goal.id, "initial": initial, "fields": list(fields),
                           "accepted": list(accepted), "kind": kind, "card": list(card) if card else None},
                          ensure_ascii=False)
    return modal(ids.VIEW_EDIT_GOAL, title=t(lang, f"manage.edit.title_{kind}"), submit=t(lang, "manage.edit.submit"),
                 close=t(lang, "manage.edit.close"), metadata=metadata[:3000], blocks=blocks)


def read_metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The edit modal's private metadata; an unreadable one gives an empty dict."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def goal_picker(lang: str, goals: Sequence[Any], *, action_id: str | None, prompt_key: str,
                today: date) -> Message:
    """The person's goals to choose from, each with a button when `action_id` is given, within the block limit."""
    text = t(lang, prompt_key)
    blocks: list[Block] = [section(text)]
    for goal in goals[:45]:
        line = section(goal_line(lang, goal, today))
        if action_id:
            line.accessory = button(t(lang, "manage.pick_button"), action_id, value=str(goal.id))
        blocks.append(line)
    if len(goals) > 45:
        blocks.append(context(tn(lang, "list.more", len(goals) - 45)))
    return Message(text=text, blocks=blocks)


def field_value(lang: str, goal: Any, name: str, raw: str | None) -> str:
    """A revision's stored value as a person reads it: amounts with the unit, dates, metric names."""
    if raw is None or raw == "":
        return t(lang, "manage.history.empty_value")
    try:
        if name == "baseline" and getattr(goal, "baseline_unit", None):
            return fmt_amount(lang, float(raw), goal.baseline_unit)  # a growth goal's starting amount
        if name in ("target", "baseline"):
            return fmt_amount(lang, float(raw), goal.unit)
        if name == "deadline":
            return fmt_date(lang, date.fromisoformat(raw))
    except ValueError:
        return escape(raw)
    if name == "metric":
        return escape(keys(lang).get(f"metrics.{raw}", raw))
    if name == "direction":
        return escape(keys(lang).get(f"directions.{raw}", raw))
    if name in ("unit", "baseline_unit"):
        return escape(keys(lang).get(f"units.{raw}", raw))
    if name == "status":
        return escape(keys(lang).get(f"status.{raw}", raw))
    return escape(raw)


def describe_change(lang: str, goal: Any, name: str, before: str | None, after: str | None) -> str:
    """One change as "target: 10 clients → 12 clients"."""
    return t(lang, "manage.change", field=t(lang, f"manage.fields.{name}"),
             before=field_value(lang, goal, name, before), after=field_value(lang, goal, name, after))


def edit_saved(lang: str, goal: Any, revisions: Sequence[Any], warnings: Sequence[tuple[str, str]] = (), *,
               today: date) -> Message:
    """The confirmation of an adjustment: what changed and why, where the goal now stands, the new forecast."""
    retitled = next((r for r in revisions if r.field == "title" and len(revisions) > 1), None)
    changes = "\n".join("• " + describe_change(lang, goal, r.field, r.before, r.after) for r in revisions
                        if r is not retitled)
    reason = escape(revisions[0].reason) if revisions and revisions[0].reason else ""
    text = t(lang, "manage.edit.saved", id=goal.id, title=escape(clip(goal.title, 300)), changes=changes,
             reason=clip(reason, 1500))
    blocks: list[Block] = [section(text)]
    for _code, warning in warnings:
        blocks.append(context("⚠️ " + warning))
    item = standing_of(goal, today)
    blocks.append(context(measure_text(lang, item) + " · " + status_label(lang, item)))
    if retitled is not None:
        # The title named the old number once: it now names the new one; the owner's words are one press away.
        blocks.append(section(t(lang, "manage.edit.title_rewritten", before=escape(clip(retitled.before or "", 300)),
                                after=escape(clip(retitled.after or "", 300)))))
        blocks.append(actions(button(t(lang, "manage.edit.keep_title"), ids.ACTION_TITLE_KEEP,
                                     value=f"{goal.id}:{retitled.id}")))
    elif title_is_original(goal):
        blocks.append(context(t(lang, "manage.edit.title_kept", id=goal.id)))
    blocks.append(context(forecast_line(lang, item)))
    return Message(text=text, blocks=blocks)


def closed(lang: str, goal: Any, *, override: bool = False) -> Message:
    """The confirmation that a goal was closed, with its note (escaped); an override says it is one."""
    if not override:
        key = f"manage.close.{goal.status}"
    elif goal.direction in MAINTAIN_DIRECTIONS:  # a floor or ceiling misses by a week not held, not by falling short
        key = "manage.close.achieved_override_held"
    else:
        key = "manage.close.achieved_override"
    text = t(lang, key, id=goal.id, title=escape(clip(goal.title, 300)))
    if goal.closed_note:
        text += "\n" + t(lang, "manage.close.note", note=escape(clip(goal.closed_note, 2000)))
    return Message(text=text, blocks=[section(text)])


def needs_override(lang: str, goal: Any, shown_at: str) -> Message:
    """"It shows 0 of 12 clients: mark it as achieved anyway? Say why" — nothing is closed until the owner does."""
    text = t(lang, "manage.close.needs_override", id=goal.id, title=escape(clip(goal.title, 300)),
             shown_at=shown_at)
    return Message(text=text, blocks=[section(text)])


HISTORY_ENTRIES = 45  # with the header, the title and the "and N more" line: within Slack's 50 blocks


def reading_entry(lang: str, goal: Any, event: ReadingEvent) -> str:
    """A check-in's value in the history: what was read, from which words, or that it was taken back."""
    what = t(lang, f"manage.history.reading.{event.kind}", week=fmt_date(lang, event.week, "short"),
             amount=amount_text(lang, event.value, goal.unit))
    if event.text:
        what += "\n" + t(lang, "manage.history.wrote", text=escape(clip(event.text, 1500)))
    return what


def history(lang: str, goal: Any, entries: Sequence[Any], *, tz: Any) -> Message:
    """Every change to a goal and every reading of its check-ins, newest first: when, who, what, and why."""
    title = escape(clip(goal.title, 200))
    if not entries:
        text = t(lang, "manage.history.none", id=goal.id, title=title)
        return Message(text=text, blocks=[section(text)])
    header = clip(t(lang, "manage.history.header", id=goal.id), 150)
    blocks: list[Block] = [HeaderBlock(text=header), section(f"*{title}*")]
    for entry in entries[:HISTORY_ENTRIES]:
        if isinstance(entry, ReadingEvent):
            when, who, what = entry.at, entry.by, reading_entry(lang, goal, entry)
        elif isinstance(entry, GoalMark):
            when, who = entry.at, entry.by
            what = t(lang, f"manage.history.{entry.kind}",
                     week=fmt_date(lang, entry.week, "short") if entry.week is not None else "")
            if entry.text:
                what += "\n" + t(lang, "manage.history.reason", reason=escape(clip(entry.text, 2000)))
        else:
            when, who = entry.changed_at, entry.changed_by
            if entry.field == "override":
                # Closed as achieved on the owner's word: what the numbers showed (the closing beside it says why).
                what = t(lang, "manage.history.override", value=field_value(lang, goal, "target", entry.before))
            else:
                what = describe_change(lang, goal, entry.field, entry.before, entry.after)
                if entry.reason:
                    what += "\n" + t(lang, "manage.history.reason", reason=escape(clip(entry.reason, 2000)))
        line = t(lang, "manage.history.line", date=fmt_date(lang, when.astimezone(tz).date()), user=f"<@{who}>",
                 change=what)
        blocks.append(section(line))
    if len(entries) > HISTORY_ENTRIES:
        blocks.append(context(tn(lang, "manage.history.more", len(entries) - HISTORY_ENTRIES)))
    return Message(text=tn(lang, "manage.history.fallback", len(entries), id=goal.id), blocks=blocks)


def adjusted_line(lang: str, goal: Any) -> str | None:
    """For check-ins and digests: "✏️ adjusted on 26 Nov: target 10 → 12 — reason", or None if never adjusted."""
    if goal.adjusted_at is None:
        return None
    edits = [r for r in (getattr(goal, "revisions", None) or []) if r.field in EDIT_FIELDS]
    if not edits:
        return t(lang, "manage.adjusted_short", date=fmt_date(lang, goal.adjusted_at.date(), "short"))
    last = edits[-1]
    same = [r for r in edits if r.changed_at == last.changed_at]
    changes = "; ".join(describe_change(lang, goal, r.field, r.before, r.after) for r in same)
    return t(lang, "manage.adjusted", date=fmt_date(lang, last.changed_at.date(), "short"), changes=changes,
             reason=escape(clip(last.reason or "", 300)))


def review_message(lang: str, goal: Any, *, occasion: str, today: date, quarter: str | None = None,
                   quarter_end: date | None = None) -> Message:
    """The review DM: where the goal stands, then what can be done about it (review_choice)."""
    title = escape(clip(goal.title, 300))
    if occasion == "deadline":
        intro = t(lang, "review.deadline", id=goal.id, title=title, date=fmt_date(lang, goal.deadline),
                  when=t(lang, "review.today" if today <= goal.deadline else "review.passed"))
    else:
        late = quarter_end is not None and today > quarter_end
        intro = t(lang, "review.late.quarter_ended" if late else "review.quarter", id=goal.id, title=title,
                  quarter=quarter or "", date=fmt_date(lang, goal.deadline), ended=fmt_date(lang, quarter_end))
    item = standing_of(goal, today)
    blocks: list[Block] = [
        section(intro),
        section(goal_line(lang, goal, today)),
        context(forecast_line(lang, item)),
        *review_choice(lang, item, str(goal.id), running=today < goal.deadline),
    ]
    return Message(text=intro, blocks=blocks)


def review_choice(lang: str, item: Standing, value: str, *, running: bool) -> list[Block]:
    """The review's question and its buttons, which always match: *Achieved* only when the numbers say so; *Missed*
    only once the deadline has come (a quarter review of a goal with months to go offers no way to end it in one
    click); then Extend and Adjust."""
    if item.status is Status.ACHIEVED:
        key, first = "review.question", [button(t(lang, "review.achieved"), ids.ACTION_REVIEW_ACHIEVED, value=value,
                                                style="primary")]
    elif running:
        key, first = "review.question_running", []
    else:
        key, first = "review.question_missed", [button(t(lang, "review.missed"), ids.ACTION_REVIEW_MISSED,
                                                       value=value)]
    buttons = [*first, button(t(lang, "review.extend"), ids.ACTION_REVIEW_EXTEND, value=value),
               button(t(lang, "review.adjust"), ids.ACTION_REVIEW_ADJUST, value=value)]
    return [section(t(lang, key)), actions(*buttons, block_id=f"review:{value}")]
