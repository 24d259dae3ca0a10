"""Reading `/goal` text: a subcommand in either language, a goal sentence, or a sentence about someone else."""

from __future__ import annotations

import pytest

from bot.rules.commands import parse_command


@pytest.mark.parametrize(("text", "name", "args"), [
    ("", "new", ""),
    ("elenco", "list", ""),
    ("per @marco acquire 5 new clients", "for", "@marco acquire 5 new clients"),
    ("propose @marco acquire 5 new clients", "for", "@marco acquire 5 new clients"),
    ("proponi <@U2|marco> acquisire 5 nuovi clienti", "for", "<@U2|marco> acquisire 5 nuovi clienti"),
    ("frobnicate", "unknown", "frobnicate"),
    ("increase sales of product X by 15% next quarter", "goal", "increase sales of product X by 15% next quarter"),
    # A sentence that starts with a person is a goal for them, not one to set for yourself about them.
    ("@sofia reduce churn to 4% by June", "names_someone", "@sofia reduce churn to 4% by June"),
    ("<@U2|marco> acquisire 5 nuovi clienti", "names_someone", "<@U2|marco> acquisire 5 nuovi clienti"),
    ("<@U2> win 3 logos", "names_someone", "<@U2> win 3 logos"),
    # Words that only look like an id, and Slack's broadcast marks, are the goal's own words.
    ("USA sales up 10% by June", "goal", "USA sales up 10% by June"),
    ("<!channel> increase sales by 15% next quarter", "goal", "<!channel> increase sales by 15% next quarter"),
])
def test_goal_text_is_read_as(text: str, name: str, args: str) -> None:
    command = parse_command(text)
    assert (command.name, command.args) == (name, args)
