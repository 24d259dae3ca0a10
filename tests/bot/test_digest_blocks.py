"""The digest's Block Kit: Slack's limits for any team size, escaping, and numbers exactly as prompts writes them."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.common import MAX_BLOCKS, SECTION_LIMIT
from bot.blocks.digests import MESSAGE_CHARS, DigestView, Formats, digest_messages
from bot.blocks.standing import value_of_target
from bot.rules.digest_math import DigestGoal, LastCheckIn
from bot.rules.progress import GoalNumbers, Kind, standing
from prompts import fmt_amount, fmt_number, t
from slackfake.web_api import validate_blocks

TODAY, WEEK = date(2026, 11, 27), date(2026, 11, 23)
UNITS = ("EUR", "USD", "GBP", "CHF", "%", "clients", "deals", "accounts", "meetings", None, "widgets")


@pytest.mark.parametrize("lang", ["en", "it"])
def test_digest_numbers_read_exactly_like_everywhere_else(lang: str) -> None:
    fmt = Formats(lang)
    rng = random.Random(lang)
    values = [0.0, -0.0, -0.001, 0.005, 0.125, 2.675, 1234.5, -1234.5, 1e9 + 0.5, 999.995, 12.0]
    values += [rng.choice([rng.uniform(-1e6, 1e7), float(rng.randint(0, 10**6)), round(rng.uniform(0, 999), 3)])
               for _ in range(400)]
    for value in values:
        for unit in UNITS:
            assert fmt.amount(value, unit) == fmt_amount(lang, value, unit), (value, unit)
        assert fmt.number(value) == fmt_number(lang, value)
    assert fmt.amount(None, "EUR") == fmt_amount(lang, None, "EUR")
    assert fmt.number(None) == fmt_number(lang, None)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_a_reduce_goal_reads_the_same_with_the_digests_formats(lang: str) -> None:
    fmt = Formats(lang)
    for value in (None, 0.0, 6.4, 8.0, 11.0, 2.675, 1234.5):
        for unit in UNITS:
            for target in (0.0, 5.0, 8.0, 11.0, 1.5):
                plain = value_of_target(lang, value, target, unit, down=True)
                assert value_of_target(lang, value, target, unit, down=True, amount=fmt.amount,
                                       number=fmt.number) == plain, (value, target, unit)


# Ties in the shortest decimal form ("2.675", "0.5") are where rounding the float and rounding its shortest form part.
_TIES = st.builds(lambda whole, places, sign: sign * (whole + 0.5 * 10.0 ** -places),
                  st.integers(0, 10**9), st.integers(0, 2), st.sampled_from([1.0, -1.0]))


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.floats(-1e13, 1e13), _TIES, st.decimals(-10**7, 10**7, places=3).map(float)),
       lang=st.sampled_from(["en", "it"]))
def test_any_number_reads_exactly_like_everywhere_else(value: float, lang: str) -> None:
    fmt = Formats(lang)
    assert fmt.number(value) == fmt_number(lang, value)
    for unit in ("EUR", "%", "clients"):
        assert fmt.amount(value, unit) == fmt_amount(lang, value, unit), (value, unit)


def _team(people: int, goals_each: int, *, title: str = "Grow {n}", note: str | None = "on it",
          checked_in: bool = True) -> DigestView:
    last = LastCheckIn(week_start=WEEK, on=WEEK, value=1.0, mood="blocked", note=note, blocker=note)
    history = tuple((date(2026, 10, 5) + (WEEK - date(2026, 10, 5)) * k / 7, 1000.0 * k) for k in range(1, 8))
    standings = [
        DigestGoal(id=p * 100 + g, owner=f"U{p:03d}", title=title.format(n=p * 100 + g), adjusted=g == 0,
                   standing=standing(GoalNumbers(kind=Kind.REACH, target=100_000.0, baseline=0.0,
                                                 current=1000.0 * (p % 90), start=date(2026, 10, 1),
                                                 deadline=date(2026, 12, 31), unit="EUR", history=history), TODAY),
                   last=last, checked_in=checked_in, skipped=False)
        for p in range(people) for g in range(goals_each)
    ]
    people_goals: dict[str, list] = {}
    for item in standings:
        people_goals.setdefault(item.owner, []).append(item)
    return DigestView(lang="en", week_start=WEEK, today=TODAY, people=list(people_goals.items()),
                      blockers=standings[:8], at_risk=standings[:5], missing=[f"U{p:03d}" for p in range(60)])


@pytest.mark.parametrize(("people", "goals_each"), [(1, 1), (60, 2), (3, 40), (500, 4)])
def test_every_message_stays_within_slacks_limits(people: int, goals_each: int) -> None:
    messages = digest_messages(_team(people, goals_each))
    for message in messages:
        payload = message.payload()
        assert len(payload["blocks"]) <= MAX_BLOCKS
        assert validate_blocks(payload["blocks"]) == []
        texts = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
        assert all(len(text) <= SECTION_LIMIT for text in texts)
        assert sum(len(text) for text in texts) <= MESSAGE_CHARS
    shown = "\n".join(b["text"]["text"] for m in messages for b in m.payload()["blocks"] if b["type"] == "section")
    assert all(f"<@U{p:03d}>" in shown for p in range(people))  # nobody is dropped when the digest is split


def test_a_long_digest_says_it_continues_in_the_thread() -> None:
    messages = digest_messages(_team(60, 2))
    assert len(messages) > 1
    main = messages[0].payload()
    assert "Continued in the thread" in main["blocks"][-1]["elements"][0]["text"]
    assert messages[1].payload()["text"].startswith("Team digest, week of 23 November 2026 (part 2 of")


def test_user_text_cannot_ping_or_link() -> None:
    view = _team(2, 1, title="<!channel> win <https://evil.example|click> & more", note="<!here> <@U999> help")
    text = "\n".join(str(m.payload()) for m in digest_messages(view))
    assert "<!channel>" not in text and "<!here>" not in text and "<https://evil" not in text
    assert "<@U999>" not in text
    assert "&lt;!channel&gt; win &lt;https://evil.example|click&gt; &amp; more" in text


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize(("asked", "checked_in", "skipped", "says"), [
    (False, False, False, None),  # no check-in went out yet this week: neither "everyone" nor "missing"
    (True, True, False, "digest.everyone_checked_in"),
    (True, False, False, "digest.missing"),
    (True, False, True, None),  # a skipped week is not a check-in (it said "everyone has checked in")
])
def test_everyone_checked_in_only_after_a_check_in_was_asked(lang: str, asked: bool, checked_in: bool,
                                                             skipped: bool, says: str | None) -> None:
    from bot.services.digests import digest_view

    item = DigestGoal(id=1, owner="U001", title="Grow", adjusted=False, last=None, checked_in=checked_in,
                      skipped=skipped, asked=asked,
                      standing=standing(GoalNumbers(kind=Kind.REACH, target=10.0, baseline=0.0, current=4.0,
                                                    start=date(2026, 10, 1), deadline=date(2027, 3, 31),
                                                    unit="clients"), TODAY))
    view = digest_view([item], lang=lang, week_start=WEEK, today=TODAY)
    shown = str([m.payload() for m in digest_messages(view)])
    everyone, missing = t(lang, "digest.everyone_checked_in"), t(lang, "digest.missing", people="").split("{")[0]
    assert (everyone in shown) == (says == "digest.everyone_checked_in")
    assert (missing.strip() in shown) == (says == "digest.missing")



@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize(("base", "base_unit", "money"), [
    (80_000.0, "EUR", True),  # +15% on €80,000: "6% of 15% (€84,800 of €92,000)"
    (None, None, False),  # no starting amount: nothing to say in money
    (40.0, "clients", False),  # a count grown by a percentage is no amount of money
])
def test_a_growth_goals_digest_line_says_where_it_stands_in_money(
        lang: str, base: float | None, base_unit: str | None, money: bool) -> None:
    from bot.services.digests import digest_view

    numbers = GoalNumbers(Kind.GROWTH, 15.0, base, 6.0, date(2026, 9, 1), date(2027, 3, 7), "%",
                          base_amount=base, base_unit=base_unit)
    item = DigestGoal(id=2, owner="U001", title="analytics add-on +15%", adjusted=False, last=None, checked_in=False,
                      skipped=False, asked=False, standing=standing(numbers, TODAY))
    view = digest_view([item], lang=lang, week_start=WEEK, today=TODAY)
    shown = json.dumps([m.payload() for m in digest_messages(view)], ensure_ascii=False)
    in_money = t(lang, "measure.growth_money", now=fmt_amount(lang, 84_800, "EUR"), amount=fmt_amount(lang, 92_000, "EUR"))
    assert t(lang, "measure.of", current=fmt_amount(lang, 6, "%"), target=fmt_amount(lang, 15, "%")) in shown
    assert (in_money in shown) == money
