"""A modal filled in the terminal: each line a field's answer, choices by number, errors back on their field."""

from __future__ import annotations

from typing import Any

from bot.local.forms import Form
from prompts import t, tn


def view() -> dict[str, Any]:
    """A modal like goalbot's edit form: a required text, a select with a current value, an optional note."""
    options = [{"text": {"type": "plain_text", "text": label}, "value": value}
               for value, label in (("none", "no unit"), ("EUR", "EUR"), ("clients", "clients"))]
    return {"type": "modal", "title": {"type": "plain_text", "text": "Adjust goal"}, "blocks": [
        {"type": "input", "block_id": "target", "label": {"type": "plain_text", "text": "Target"},
         "element": {"type": "plain_text_input", "action_id": "t", "initial_value": "10"}},
        {"type": "input", "block_id": "unit", "label": {"type": "plain_text", "text": "Unit"}, "optional": True,
         "element": {"type": "static_select", "action_id": "u", "options": options, "initial_option": options[2]}},
        {"type": "input", "block_id": "why", "label": {"type": "plain_text", "text": "Why the change?"},
         "element": {"type": "plain_text_input", "action_id": "w"}},
    ]}


def fill(form: Form, *lines: str) -> list[str]:
    printed: list[str] = []
    for line in lines:
        printed.extend(form.take(line).lines)
    return printed


def test_an_empty_line_keeps_the_value_shown_and_a_number_picks_an_option() -> None:
    form = Form(view(), "en")
    assert form.ask()[-1] == f"  Target ({t('en', 'shell.form.now', value='10')}):"
    fill(form, "", "2", "the pipeline doubled")
    assert form.state() == {
        "target": {"t": {"type": "plain_text_input", "value": "10"}},
        "unit": {"u": {"type": "static_select", "selected_option": {
            "text": {"type": "plain_text", "text": "EUR", "emoji": True}, "value": "EUR"}}},
        "why": {"w": {"type": "plain_text_input", "value": "the pipeline doubled"}},
    }
    assert form.take("yes").submit


def test_a_required_field_is_asked_again_and_a_wrong_choice_is_refused() -> None:
    form = Form(view(), "en")
    printed = fill(form, "12", "7")
    assert f"({tn('en', 'shell.form.pick', 3)})" in printed and form.current is not None and form.current.block_id == "unit"
    printed = fill(form, "clients", "")
    assert f"({t('en', 'shell.form.required', label='Why the change?')})" in printed and form.current is not None and form.current.block_id == "why"
    assert not form.take(":submit").submit  # still empty


def test_goalbots_errors_come_back_on_their_field_and_cancel_closes() -> None:
    form = Form(view(), "en")
    fill(form, "lots", "", "because")
    printed = form.refused({"target": "I couldn't read a *number* here."})
    assert "  ✗ Target: I couldn't read a number here." in printed and form.current is not None and form.current.block_id == "target"
    fill(form, "12")
    assert form.current is None and form.values["target"] == "12"
    assert form.take(":cancel").close


def test_a_shell_command_typed_while_the_form_is_open_is_not_taken_as_an_answer() -> None:
    form = Form(view(), "en")
    printed = fill(form, ":press m3 2", ":time +1w")
    assert form.values["target"] == "10" and form.current is not None and form.current.block_id == "target"
    assert printed[0] == f"({t('en', 'shell.form.is_open', title='Adjust goal')})"
    assert printed[-1] == f"  Target ({t('en', 'shell.form.now', value='10')}):"


def test_an_italian_person_reads_the_form_in_italian_and_si_sends_it() -> None:
    form = Form(view(), "it")
    intro = form.intro(lambda ident: ident)
    assert intro[0] == f"┌─ Adjust goal ({t('it', 'shell.form.intro')})"  # goalbot's own words come in the view
    assert f"│ 2. Unit ({t('it', 'shell.form.optional')})" in intro
    assert f"└─ {t('it', 'shell.form.submit')}: :submit · {t('it', 'shell.form.cancel')}: :cancel" in intro
    assert f"({tn('it', 'shell.form.pick', 3)})" in fill(form, "12", "7")
    assert fill(form, "", "")[-2:] == [f"({t('it', 'shell.form.required', label='Why the change?')})", "  Why the change?"]
    assert fill(form, "perché sì") == [f"({t('it', 'shell.form.all_filled')})"]
    assert form.prompt() == f"  {t('it', 'shell.form.submit_prompt')}> "
    assert form.take("sì").submit
