"""Render Slack messages and views as terminal text: mrkdwn made readable, buttons as numbered choices."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Resolves a user or channel id to a name ("marco", "sales"); the id itself when unknown.
Names = Callable[[str], str]

_MENTION = re.compile(r"<([@#!])([A-Z0-9^a-z]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^|>]+)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")


@dataclass(frozen=True)
class Choice:
    """A button the person can press by its number within its message."""

    number: int
    label: str
    action_id: str
    value: str


@dataclass(frozen=True)
class Field:
    """One input of a modal: what to ask, what it holds now and, for a select, the options."""

    block_id: str
    action_id: str
    kind: str  # plain_text_input, static_select, datepicker, number_input
    label: str
    hint: str
    optional: bool
    initial: str
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    multiline: bool = False


@dataclass
class Rendered:
    """Text lines to print and the choices they offer."""

    lines: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)


def readable(text: str, names: Names | None = None) -> str:
    """Slack mrkdwn as a person reads it: no formatting marks, mentions as @name and #channel, links spelt out."""
    names = names or (lambda ident: ident)

    def mention(match: re.Match[str]) -> str:
        sigil, ident, label = match.groups()
        if sigil == "!":
            return "@" + (label or ident)
        return sigil + (label or names(ident))

    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _BARE_LINK.sub(lambda m: m.group(1), text)
    text = _MENTION.sub(mention, text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    # Slack shows &lt; as <, so the terminal does too: what the user sees in Slack is what they see here.
    return html.unescape(text)


def _text(obj: dict[str, Any] | None, names: Names | None) -> str:
    return readable((obj or {}).get("text", ""), names)


def render_blocks(blocks: list[dict[str, Any]], names: Names | None = None) -> Rendered:
    """Lines and numbered buttons for a list of blocks (a message's, a Home tab's or a modal's)."""
    out = Rendered()

    def add_button(element: dict[str, Any]) -> str:
        number = len(out.choices) + 1
        label = _text(element.get("text"), names)
        out.choices.append(Choice(number, label, element.get("action_id", ""), element.get("value", "")))
        return f"[{number}] {label}"

    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            out.lines.append(f"== {_text(block.get('text'), names)} ==")
        elif kind == "section":
            if block.get("text"):
                out.lines.extend(_text(block["text"], names).splitlines())
            for item in block.get("fields") or []:
                label, _, value = _text(item, names).partition("\n")
                out.lines.append(f"  {label}: {' '.join(value.splitlines())}" if value else f"  {label}")
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                out.lines.append("  " + add_button(accessory))
        elif kind == "context":
            texts = [_text(e, names) for e in block.get("elements") or [] if "text" in e]
            out.lines.extend("· " + line for line in " ".join(texts).splitlines())
        elif kind == "divider":
            out.lines.append("-" * 40)
        elif kind == "image":
            out.lines.append(f"[image: {block.get('alt_text', '')}]")
        elif kind == "actions":
            labels = [add_button(e) for e in block.get("elements") or [] if e.get("type") == "button"]
            if labels:
                out.lines.append("  ".join(labels))
        elif kind == "rich_text":
            out.lines.extend(_rich_text(block).splitlines())
    return out


def _rich_text(block: dict[str, Any]) -> str:
    parts: list[str] = []
    for element in block.get("elements") or []:
        for item in element.get("elements") or []:
            parts.append(str(item.get("text") or item.get("url") or ""))
    return "".join(parts)


def render_message(message: dict[str, Any], names: Names | None = None) -> Rendered:
    """A posted message's lines (its blocks, else its text, then any files) and its buttons."""
    blocks = message.get("blocks") or []
    if blocks:
        out = render_blocks(blocks, names)
    else:
        out = Rendered(lines=readable(message.get("text") or "", names).splitlines())
    return out


def form_fields(view: dict[str, Any]) -> list[Field]:
    """The inputs of a modal, in order, with their current values."""
    fields: list[Field] = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        kind = str(element.get("type") or "plain_text_input")
        options = tuple((str(o.get("value")), _text(o.get("text"), None)) for o in element.get("options") or [])
        if kind == "static_select":
            initial = str((element.get("initial_option") or {}).get("value") or "")
        elif kind == "datepicker":
            initial = str(element.get("initial_date") or "")
        else:
            initial = str(element.get("initial_value") or "")
        fields.append(Field(
            block_id=str(block.get("block_id") or ""), action_id=str(element.get("action_id") or ""), kind=kind,
            label=_text(block.get("label"), None), hint=_text(block.get("hint"), None),
            optional=bool(block.get("optional")), initial=initial, options=options,
            multiline=bool(element.get("multiline")),
        ))
    return fields


def state_value(field: Field, typed: str) -> dict[str, Any]:
    """The view_submission state Slack sends for one field holding `typed` (an option's value for a select)."""
    if field.kind == "static_select":
        label = dict(field.options).get(typed, typed)
        option = {"text": {"type": "plain_text", "text": label, "emoji": True}, "value": typed} if typed else None
        return {"type": "static_select", "selected_option": option}
    if field.kind == "datepicker":
        return {"type": "datepicker", "selected_date": typed or None}
    return {"type": field.kind, "value": typed or None}
