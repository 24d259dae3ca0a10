"""The replies a check-in suggests are replies goalbot records as meant, for every kind of goal, in both languages.

A generic "for example `7`, `+3` or `70%`" was a trap: on a $150,000 goal "+3" recorded $150,003, and on a growth
goal "70%" is asked back. Each example is now read back through the same reader and judge as a real reply.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.checkins import checkin_message, reply_hint
from bot.blocks.common import Message
from bot.blocks.standing import numbers_of
from bot.rules.progress import grown_amount, growth_percent
from bot.rules.reply_check import reply_examples
from bot.services.checkins import judge_reply
from prompts import t
from storage.models import Goal
from tests.bot.conftest import all_text

TODAY = date(2026, 12, 7)


def goal(direction: str, unit: str | None, target: float, baseline: float | None, current: float | None,
         metric: str | None = None, baseline_unit: str | None = None) -> Goal:
    """A goal as stored, not saved: the check-in card and the reply reader only read its numbers."""
    return Goal(team_id="T1", user_id="U1", title="a goal", type="revenue", metric=metric, unit=unit,
                direction=direction, baseline=baseline, baseline_unit=baseline_unit, target=target, current=current,
                start_date=date(2026, 10, 1), deadline=date(2027, 6, 30), status="active", lang="en",
                created_at=datetime(2026, 10, 1, tzinfo=UTC), updated_at=datetime(2026, 10, 1, tzinfo=UTC))


@st.composite
def goals(draw: st.DrawFn) -> Goal:
    kind = draw(st.sampled_from(["reach", "reduce", "maintain", "keep_below", "growth"]))
    if kind == "growth":
        base = float(draw(st.integers(1_000, 5_000_000)))
        target = float(draw(st.integers(1, 60)))
        current = draw(st.none() | st.floats(0, target * 0.9).map(lambda v: round(v, 2)))
        return goal("increase", "%", target, base, current, metric="sales", baseline_unit=draw(st.sampled_from(
            ["EUR", "USD"])))
    if kind == "maintain":
        target = float(draw(st.integers(50, 99)))
        return goal("maintain", "%", target, None, draw(st.none() | st.integers(40, 100).map(float)),
                    metric="retention_rate")
    if kind == "keep_below":  # a ceiling: "keep churn below 3%"
        target = float(draw(st.integers(1, 20)))
        return goal("keep_below", "%", target, None, draw(st.none() | st.integers(0, 30).map(float)),
                    metric="churn_rate")
    unit = draw(st.sampled_from(["EUR", "USD", "clients", "%"]))
    top = {"EUR": 5_000_000, "USD": 5_000_000, "clients": 500, "%": 100}[unit]
    low, high = sorted(draw(st.lists(st.integers(0, top), min_size=2, max_size=2, unique=True)))
    if kind == "reach":
        baseline = draw(st.none() | st.just(float(low)))
        start = baseline or 0.0
        current = draw(st.none() | st.integers(int(start), high - 1).map(float))
        return goal("increase", unit, float(high), baseline, current, metric="win_rate" if unit == "%" else None)
    current = draw(st.none() | st.integers(low + 1, high).map(float))
    return goal("decrease", unit, float(low), float(high), current, metric="churn_rate" if unit == "%" else None)


def suggested(message: Message) -> list[str]:
    """The replies a message suggests, as the person would type them (the text between backticks)."""
    return re.findall(r"`([^`]+)`", all_text(message.payload()))


@settings(max_examples=300, deadline=None)
@given(stored=goals(), lang=st.sampled_from(["en", "it"]))
def test_every_reply_the_card_suggests_is_recorded_as_it_reads(stored: Goal, lang: str) -> None:
    g = numbers_of(stored)
    examples = reply_examples(g)
    card = checkin_message(lang, stored, 1, TODAY)
    if examples is None:  # nothing would surely be read as meant: the card suggests nothing to type
        assert t(lang, "checkin.hint_plain") in all_text(card.payload())
        return
    replies = suggested(card)
    assert len(replies) == (1 if examples.step is None else 2), replies
    total = examples.total if stored.baseline_unit is None else growth_percent(g.base_amount or 0, examples.total)
    now = g.current if g.current is not None else (g.start_value or 0.0)
    meant = [total] + ([] if examples.step is None else [now + examples.step])
    for reply, value in zip(replies, meant, strict=True):
        _reading, verdict = judge_reply(reply, lang, stored, [])
        assert verdict.value is not None, (reply, verdict.reason)  # recorded, not asked back
        assert abs(verdict.value - value) < 1e-6, (reply, verdict.value, value)


def test_a_dollar_goal_suggests_dollars_at_its_own_scale() -> None:
    stored = goal("increase", "USD", 165_000, 150_000, None)
    assert suggested(checkin_message("en", stored, 1, TODAY)) == ["$151,000", "+$1,000"]
    stored = goal("increase", "%", 10, 150_000, None, metric="sales", baseline_unit="USD")
    assert grown_amount(150_000, 0) == 150_000 and suggested(checkin_message("en", stored, 1, TODAY)) == ["$151,000"]


def test_an_italian_churn_goal_suggests_a_rate_below_where_it_stands() -> None:
    stored = goal("decrease", "%", 5, 8, 6.4, metric="churn_rate")
    assert suggested(checkin_message("it", stored, 1, TODAY)) == ["5,9%"]
    assert reply_hint("it", numbers_of(stored), "checkin.mood.ask_number") == t("it", "checkin.mood.ask_number",
                                                                    examples="`5,9%`")


def test_a_ceiling_or_a_floor_without_a_value_suggests_one_on_the_held_side() -> None:
    # Before any check-in, the line itself ("5%") reads as if the goal stood exactly on it.
    ceiling = goal("keep_below", "%", 5, None, None, metric="churn_rate")
    assert suggested(checkin_message("en", ceiling, 1, TODAY)) == ["4.5%"]
    assert suggested(checkin_message("it", ceiling, 1, TODAY)) == ["4,5%"]
    floor = goal("maintain", "%", 90, None, None, metric="retention_rate")
    assert suggested(checkin_message("en", floor, 1, TODAY)) == ["90.5%"]
    tickets = goal("keep_below", "clients", 3, None, None)
    assert suggested(checkin_message("en", tickets, 1, TODAY)) == ["2"]
