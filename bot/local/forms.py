"""A modal as a terminal form: its fields asked one at a time, goalbot's errors shown on their field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.local.render import Field, Names, form_fields, readable, render_message, state_value
from prompts import t, tn

SUBMIT_WORDS = ("yes", "y", "sì", "si", "ok", "")


@dataclass(frozen=True)
class Step:
    """What a typed line did to the form: lines to print, and whether to submit or close it now."""

    lines: list[str]
    submit: bool = False
    close: bool = False


class Form:
    """A modal being filled in, field by field; the shell's own words in `lang`, the person's language."""

    def __init__(self, view: dict[str, Any], lang: str) -> None:
        self.view = view
        self.lang = lang
        self.fields: list[Field] = form_fields(view)
        self.values: dict[str, str] = {f.block_id: f.initial for f in self.fields}
        self.todo: list[int] = list(range(len(self.fields)))
        self.errors: dict[str, str] = {}

    @property
    def current(self) -> Field | None:
        """The field the next line fills, or None when every field has an answer."""
        return self.fields[self.todo[0]] if self.todo else None

    @property
    def title(self) -> str:
        """The modal's title."""
        return str((self.view.get("title") or {}).get("text") or "")

    def prompt(self) -> str:
        """`  Field> ` while a field is asked, `  submit?> ` once all are answered."""
        return f"  {self.current.label}> " if self.current is not None else f"  {t(self.lang, 'shell.form.submit_prompt')}> "

    def intro(self, names: Names) -> list[str]:
        """The form as it opens: title, its text, every field with its hint, how to send or close it."""
        submit = str((self.view.get("submit") or {}).get("text") or t(self.lang, "shell.form.submit"))
        close = str((self.view.get("close") or {}).get("text") or t(self.lang, "shell.form.cancel"))
        lines = [f"┌─ {self.title} ({t(self.lang, 'shell.form.intro')})"]
        texts = render_message({"blocks": [b for b in self.view.get("blocks") or [] if b.get("type") != "input"]},
                               names).lines
        lines.extend(f"│ {line}" for line in texts)
        for index, field in enumerate(self.fields, start=1):
            optional = f" ({t(self.lang, 'shell.form.optional')})" if field.optional else ""
            lines.append(f"│ {index}. {field.label}{optional}" + (f" — {field.hint}" if field.hint else ""))
        lines.append(f"└─ {submit}: :submit · {close}: :cancel")
        return lines + self.ask()

    def ask(self) -> list[str]:
        """The question for the current field (its error first, its choices, its value now)."""
        field = self.current
        if field is None:
            return [f"({t(self.lang, 'shell.form.all_filled')})"]
        lines = []
        error = self.errors.get(field.block_id)
        if error:
            lines.append(f"  ✗ {field.label}: {readable(error)}")
        current = self.values.get(field.block_id) or ""
        if field.kind == "static_select":
            options = "  ".join(f"[{i}] {label}" for i, (_, label) in enumerate(field.options, start=1))
            lines.append(f"  {field.label}: {options}")
            current = dict(field.options).get(current, current)
        shown = f" ({t(self.lang, 'shell.form.now', value=current)})" if current else ""
        colon = "" if field.label.endswith(("?", ":")) else ":"
        return [*lines, f"  {field.label}{shown}{colon}"]

    def take(self, line: str) -> Step:
        """Apply one typed line: a field's answer, a field number to change, yes/:submit, or :cancel."""
        if line == ":cancel":
            return Step([f"({t(self.lang, 'shell.form.closed', title=self.title)})"], close=True)
        if line.startswith(":") and line != ":submit":
            # In Slack an open modal covers the workspace: nothing else can be done until it is sent or closed.
            return Step([f"({t(self.lang, 'shell.form.is_open', title=self.title)})", *self.ask()])
        field = self.current
        if line == ":submit" or (field is None and line.lower() in SUBMIT_WORDS):
            missing = [i for i, f in enumerate(self.fields) if not f.optional and not self.values.get(f.block_id)]
            if missing:
                self.todo = missing
                return Step([f"({t(self.lang, 'shell.form.required_empty')})", *self.ask()])
            return Step([], submit=True)
        if field is None:
            if line.isdigit() and 1 <= int(line) <= len(self.fields):
                self.todo = [int(line) - 1]
                return Step(self.ask())
            return Step([f"({t(self.lang, 'shell.form.how_to_send')})"])
        if line:
            value = _choice(field, line) if field.kind == "static_select" else line
            if value is None:
                return Step([f"({tn(self.lang, 'shell.form.pick', len(field.options))})", *self.ask()])
            self.values[field.block_id] = value
        elif not field.optional and not self.values.get(field.block_id):
            return Step([f"({t(self.lang, 'shell.form.required', label=field.label)})", *self.ask()])
        self.todo.pop(0)
        self.errors.pop(field.block_id, None)
        return Step(self.ask())

    def state(self) -> dict[str, dict[str, Any]]:
        """The view_submission state values Slack would send for what was typed."""
        return {f.block_id: {f.action_id: state_value(f, self.values.get(f.block_id, ""))} for f in self.fields}

    def refused(self, errors: dict[str, Any]) -> list[str]:
        """goalbot answered response_action=errors: ask again the fields it refused, error on each."""
        self.errors = {str(k): str(v) for k, v in errors.items()}
        self.todo = [i for i, f in enumerate(self.fields) if f.block_id in self.errors] or [0]
        return [f"  {t(self.lang, 'shell.form.refused')}", *self.ask()]


def _choice(field: Field, line: str) -> str | None:
    """The option value a line picks: its number, its label or its value; None when it picks nothing."""
    values = [value for value, _ in field.options]
    labels = {label.lower(): value for value, label in field.options}
    if line.isdigit() and 1 <= int(line) <= len(values):
        return values[int(line) - 1]
    if line.lower() in labels:
        return labels[line.lower()]
    return line if line in values else None


__all__ = ["Form", "Step"]
