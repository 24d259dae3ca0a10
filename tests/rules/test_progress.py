"""The progress model: a table per kind and status, and Hypothesis properties of its invariants."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.progress import (
    GoalNumbers,
    Kind,
    NoForecast,
    Status,
    can_close_as_achieved,
    forecast,
    gain,
    is_jump,
    kind_of,
    percent_readings,
    progress,
    projection,
    reached_amount,
    reached_change,
    standing,
    status,
    target_in_range,
    team_totals,
)

START = date(2026, 10, 1)
DEADLINE = date(2027, 3, 31)
MID = date(2026, 12, 30)  # about half way


def goal(kind: Kind = Kind.REACH, *, target: float = 10, baseline: float | None = 0, current: float | None = None,
         closed_as: str | None = None, override: bool = False, unit: str | None = "clients",
         history: tuple[tuple[date, float], ...] = (), deadline: date = DEADLINE, ceiling: bool = False) -> GoalNumbers:
    return GoalNumbers(kind=kind, target=target, baseline=baseline, current=current, start=START, deadline=deadline,
                       unit=unit, closed_as=closed_as, override=override, history=history, ceiling=ceiling)


# --- tables ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("direction,unit,metric,kind", [
    ("increase", "clients", "new_clients", Kind.REACH),
    ("increase", "EUR", "revenue", Kind.REACH),
    ("increase", "%", "sales", Kind.GROWTH),
    ("increase", "%", "retention_rate", Kind.REACH),
    ("decrease", "%", "churn_rate", Kind.REDUCE),
    ("decrease", "accounts", None, Kind.REDUCE),
    ("maintain", "%", "retention_rate", Kind.MAINTAIN),
])
def test_each_stored_goal_has_one_kind(direction: str, unit: str, metric: str | None, kind: Kind) -> None:
    assert kind_of(direction, unit, metric) is kind


@pytest.mark.parametrize("numbers,today,expected", [
    # reach: 10 new clients, half way through the period
    (goal(current=None), START + timedelta(days=3), Status.NOT_STARTED),  # nothing recorded, nothing due yet
    (goal(current=None), MID, Status.OFF_TRACK),  # nothing recorded half way through: behind, not "not started"
    (goal(current=5), MID, Status.ON_TRACK),
    (goal(current=3), MID, Status.AT_RISK),
    (goal(current=1), MID, Status.OFF_TRACK),
    (goal(current=10), MID, Status.ACHIEVED),
    (goal(current=9), DEADLINE + timedelta(days=1), Status.OVERDUE),  # missed once its owner says so
    # reach from a starting point: €200k → €260k, at €230k half way is on track (not 88% of the target)
    (goal(target=260_000, baseline=200_000, current=230_000, unit="EUR"), MID, Status.ON_TRACK),
    (goal(target=260_000, baseline=200_000, current=205_000, unit="EUR"), MID, Status.OFF_TRACK),
    # growth: +15%, values are growth so far
    (goal(Kind.GROWTH, target=15, baseline=None, current=7.5, unit="%"), MID, Status.ON_TRACK),
    (goal(Kind.GROWTH, target=15, baseline=None, current=15, unit="%"), MID, Status.ACHIEVED),
    # reduce: churn from 8% down to 3%
    (goal(Kind.REDUCE, target=3, baseline=8, current=5.5, unit="%"), MID, Status.ON_TRACK),
    (goal(Kind.REDUCE, target=3, baseline=8, current=8, unit="%", history=((START, 8.0),)), MID, Status.OFF_TRACK),
    # saved with its start as its value and nothing recorded since: not started, as a growth goal would read
    (goal(Kind.REDUCE, target=3, baseline=8, current=8, unit="%"), START + timedelta(days=3), Status.NOT_STARTED),
    (goal(target=10, baseline=0, current=0), START + timedelta(days=7), Status.NOT_STARTED),
    (goal(Kind.REDUCE, target=3, baseline=8, current=3, unit="%"), MID, Status.ACHIEVED),
    (goal(Kind.REDUCE, target=3, baseline=None, current=5, unit="%"), MID, Status.NEEDS_BASELINE),
    # maintain: retention at least 90%
    (goal(Kind.MAINTAIN, target=90, baseline=None, current=None, unit="%"), MID, Status.NOT_STARTED),
    (goal(Kind.MAINTAIN, target=90, baseline=None, current=92, unit="%"), MID, Status.ON_TRACK),
    (goal(Kind.MAINTAIN, target=90, baseline=None, current=88, unit="%"), MID, Status.OFF_TRACK),
    (goal(Kind.MAINTAIN, target=90, baseline=None, current=92, unit="%", history=((START, 88.0),)), MID,
     Status.AT_RISK),
    (goal(Kind.MAINTAIN, target=90, baseline=None, current=92, unit="%"), DEADLINE, Status.ACHIEVED),
    (goal(Kind.MAINTAIN, target=90, baseline=None, current=92, unit="%", history=((START, 88.0),)),
     DEADLINE + timedelta(days=1), Status.OVERDUE),
    # keep below: churn at or under 3% (a ceiling, the floor's sides swapped)
    (goal(Kind.MAINTAIN, target=3, baseline=None, current=2, unit="%", ceiling=True), MID, Status.ON_TRACK),
    (goal(Kind.MAINTAIN, target=3, baseline=None, current=4, unit="%", ceiling=True), MID, Status.OFF_TRACK),
    (goal(Kind.MAINTAIN, target=3, baseline=None, current=2, unit="%", ceiling=True, history=((START, 4.0),)), MID,
     Status.AT_RISK),
    (goal(Kind.MAINTAIN, target=3, baseline=None, current=3, unit="%", ceiling=True), DEADLINE, Status.ACHIEVED),
    # closed: the numbers decide, not the click
    (goal(current=0, closed_as="achieved"), MID, Status.MISSED),
    (goal(current=0, closed_as="done"), MID, Status.MISSED),
    (goal(current=0, closed_as="achieved", override=True), MID, Status.ACHIEVED),
    (goal(current=10, closed_as="achieved"), MID, Status.ACHIEVED),
    (goal(current=4, closed_as="missed"), MID, Status.MISSED),
    (goal(current=4, closed_as="dropped"), MID, Status.DROPPED),
])
def test_status_table(numbers: GoalNumbers, today: date, expected: Status) -> None:
    assert status(numbers, today) is expected


def test_progress_is_measured_from_the_start_not_from_zero() -> None:
    assert progress(goal(target=260_000, baseline=200_000, current=230_000, unit="EUR")) == pytest.approx(0.5)
    assert progress(goal(Kind.REDUCE, target=3, baseline=8, current=5.5, unit="%")) == pytest.approx(0.5)


def test_a_maintain_goal_has_no_fraction_of_its_floor() -> None:
    assert progress(goal(Kind.MAINTAIN, target=90, baseline=None, current=83, unit="%")) is None


def test_no_forecast_from_two_weeks_of_history() -> None:
    numbers = goal(current=2, history=((START + timedelta(days=7), 1.0), (START + timedelta(days=14), 2.0)))
    assert forecast(numbers, START + timedelta(days=15)) is None


def test_a_steady_trend_forecasts_the_day_the_target_is_met() -> None:
    history = tuple((START + timedelta(days=7 * i), float(i)) for i in range(1, 6))
    result = forecast(goal(current=5, history=history), START + timedelta(days=36))
    assert result is not None and result.reach is not None
    assert START + timedelta(days=68) <= result.reach <= START + timedelta(days=72)  # a client a week: ten weeks


def test_an_overdue_goal_gets_no_forecast() -> None:
    history = tuple((START + timedelta(days=7 * i), float(i)) for i in range(1, 6))
    assert forecast(goal(current=5, history=history), DEADLINE + timedelta(days=1)) is None


@pytest.mark.parametrize("lang", ["en", "it"])
def test_a_range_that_holds_the_target_never_says_below_it(lang: str) -> None:
    # Weeks of 0, 0, 2, 2, 3, 3, 4 clients: likely 8.9 by the deadline, but anywhere from 7.6 to 11.3. "Between 8
    # and 11 clients, below the target of 10" was false; the line says the target is in the range.
    from bot.blocks.standing import forecast_line
    from prompts import phrase, t

    values = (0.0, 0.0, 2.0, 2.0, 3.0, 3.0, 4.0)
    history = tuple((START + timedelta(days=7 * i), v) for i, v in enumerate(values, start=1))
    numbers = goal(current=4, history=history, deadline=START + timedelta(days=100))
    result = forecast(numbers, START + timedelta(days=50))
    assert result is not None and result.reach is None and target_in_range(numbers, result)
    line = forecast_line(lang, standing(numbers, START + timedelta(days=50)))
    assert t(lang, "forecast.between_target", low="X", high="Y", deadline="Z",
             target_of=phrase(lang, "of", 10, "clients")).split("Z")[1] in line
    low = line.split("*")[1]
    assert low.isdigit()  # the unit once, after the second number: "between 8 and 11 clients"


def test_one_outlier_does_not_move_a_robust_trend_past_the_target() -> None:
    # "81.4 clients by June" from one typo among steady weeks: the median slope ignores it.
    history = tuple((START + timedelta(days=7 * i), float(i) if i != 4 else 60.0) for i in range(1, 8))
    result = forecast(goal(current=7, history=history, deadline=START + timedelta(days=200)), START + timedelta(days=50))
    assert result is None or result.high <= 40


@pytest.mark.parametrize("numbers,percent,values", [
    (goal(target=10, baseline=0), 70, [7.0]),  # counted from zero: % of the target, nothing else
    (goal(target=260_000, baseline=200_000, unit="EUR"), 30, [218_000.0, 78_000.0]),  # of the way, or of target
    (goal(Kind.GROWTH, target=15, baseline=None, unit="%"), 85, [12.75, 85.0, -15.0]),
    (goal(Kind.MAINTAIN, target=90, baseline=None, unit="clients"), 85, []),
    (goal(target=30, baseline=20, unit="%"), 25, [25.0]),  # a rate goal: the percentage is the value
])
def test_what_a_percentage_can_mean(numbers: GoalNumbers, percent: float, values: list[float]) -> None:
    assert [r.value for r in percent_readings(numbers, percent).readings] == values


def test_reaching_the_target_in_one_jump_is_to_be_confirmed() -> None:
    assert is_jump(goal(current=1), 10)
    assert not is_jump(goal(current=8), 10)
    assert not is_jump(goal(current=1), 3)


# --- properties ---------------------------------------------------------------------------------------------------

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.5, max_value=1e6, allow_nan=False, allow_infinity=False)
days = st.integers(min_value=0, max_value=400)


@given(baseline=values, distance=positive, a=values, b=values)
def test_progress_grows_with_the_value_on_increase_goals(baseline: float, distance: float, a: float, b: float) -> None:
    numbers = goal(target=baseline + distance, baseline=baseline, unit="EUR")
    low, high = sorted((a, b))
    assert progress(numbers, low) <= progress(numbers, high)  # type: ignore[operator]


@given(baseline=values, distance=positive, a=values, b=values)
def test_progress_grows_as_the_value_falls_on_reduce_goals(baseline: float, distance: float, a: float,
                                                          b: float) -> None:
    numbers = goal(Kind.REDUCE, target=baseline - distance, baseline=baseline, unit="accounts")
    low, high = sorted((a, b))
    assert progress(numbers, high) <= progress(numbers, low)  # type: ignore[operator]


@given(kind=st.sampled_from([Kind.REACH, Kind.REDUCE, Kind.GROWTH]), baseline=values, distance=positive,
       current=values, offset=days)
def test_achieved_exactly_when_the_target_is_reached(kind: Kind, baseline: float, distance: float, current: float,
                                                    offset: int) -> None:
    target = baseline - distance if kind is Kind.REDUCE else baseline + distance
    numbers = goal(kind, target=target, baseline=baseline, current=current, unit="EUR")
    reached = current <= target + 1e-9 if kind is Kind.REDUCE else current >= target - 1e-9
    if kind is Kind.GROWTH:
        reached = current >= target - 1e-9
    today = START + timedelta(days=offset)
    assert (status(numbers, today) is Status.ACHIEVED) == reached
    assert can_close_as_achieved(numbers, today) == reached


@given(current=values, target=positive, override=st.booleans(), closed=st.sampled_from(["achieved", "done"]))
def test_a_closed_goal_reads_achieved_only_when_reached_or_overridden(current: float, target: float,
                                                                      override: bool, closed: str) -> None:
    numbers = goal(target=target, baseline=0, current=current, closed_as=closed, override=override, unit="EUR")
    assert (status(numbers, MID) is Status.ACHIEVED) == (current >= target - 1e-9 or override)


@given(floor=st.floats(min_value=1, max_value=100), weekly=st.lists(st.floats(min_value=0, max_value=100),
                                                                       min_size=1, max_size=20), offset=days)
def test_maintain_goals_never_show_a_share_of_their_floor(floor: float, weekly: list[float], offset: int) -> None:
    history = tuple((START + timedelta(days=7 * i), v) for i, v in enumerate(weekly))
    numbers = goal(Kind.MAINTAIN, target=floor, baseline=None, current=weekly[-1], unit="%", history=history)
    item = standing(numbers, START + timedelta(days=offset))
    assert item.progress is None and item.percent is None
    if any(v < floor - 1e-9 for v in weekly):  # a float hair under the floor holds it, as in is_reached
        assert item.status not in (Status.ON_TRACK, Status.ACHIEVED)


goal_rows = st.lists(st.tuples(st.sampled_from(["EUR", "clients", "%"]), st.sampled_from([Kind.REACH, Kind.REDUCE]),
                               st.one_of(st.none(), st.floats(min_value=0, max_value=1e5)),
                               st.floats(min_value=1, max_value=1e5), st.one_of(st.none(), st.floats(0, 2e5)),
                               st.sampled_from([None, "achieved", "dropped"])), max_size=30)


@given(rows=goal_rows)
def test_team_totals_are_the_sum_of_their_active_goals_gains(rows: list[Any]) -> None:
    goals = [goal(kind, target=(baseline or 0) + distance if kind is Kind.REACH else 0, baseline=baseline,
                  current=current, unit=unit, closed_as=closed)
             for unit, kind, baseline, distance, current, closed in rows]
    totals = {total.unit: total for total in team_totals(goals)}
    for unit in ("EUR", "clients"):
        active = [gain(g) for g in goals if g.unit == unit and g.closed_as is None and gain(g) is not None]
        closed = [g for g in goals if g.unit == unit and g.closed_as is not None and gain(g) is not None]
        if not active:  # closed goals alone add nothing up: no "+€0 of €0 needed · 0 goals" line
            assert unit not in totals
            continue
        assert totals[unit].gained == pytest.approx(sum(a for a, _, _ in active))  # type: ignore[misc]
        assert totals[unit].needed == pytest.approx(sum(b for _, b, _ in active))  # type: ignore[misc]
        assert totals[unit].goals == len(active) and totals[unit].closed == len(closed)
    assert "%" not in totals  # rates never add up


@given(base=st.floats(min_value=1_000, max_value=1e6), growth=st.floats(min_value=1, max_value=100),
       now=st.one_of(st.none(), st.floats(min_value=-50, max_value=150)), reach=st.floats(min_value=1, max_value=1e5))
def test_a_growth_on_a_euro_base_adds_the_money_it_stands_for_to_the_euro_total(
    base: float, growth: float, now: float | None, reach: float,
) -> None:
    # The demo's digest: "+€52,000 of €60,000 needed · 1 goal" beside anna's +15% on €80,000, left out.
    grow = GoalNumbers(Kind.GROWTH, growth, 0.0, now, START, DEADLINE, "%", base_amount=base, base_unit="EUR")
    other = goal(target=reach, baseline=0, current=reach / 2, unit="EUR")
    (total,) = team_totals([grow, other])
    at_target, at_now = reached_amount(grow, growth), reached_amount(grow, now) if now is not None else None
    assert at_target is not None
    assert total.goals == 2 and total.unit == "EUR"
    assert total.needed == pytest.approx(reach + at_target[0] - base)
    assert total.gained == pytest.approx(reach / 2 + ((at_now[0] - base) if at_now is not None else 0.0))


@given(baseline=st.floats(min_value=0, max_value=1e5), distance=positive)
def test_a_goal_with_no_check_in_adds_nothing_to_the_totals(baseline: float, distance: float) -> None:
    (total,) = team_totals([goal(target=baseline + distance, baseline=baseline, current=None, unit="EUR")])
    assert total.gained == 0 and total.needed == pytest.approx(distance)


def _weekly(values: tuple[float, ...], first: date) -> tuple[tuple[date, float], ...]:
    return tuple((first + timedelta(days=7 * i), v) for i, v in enumerate(values))


@pytest.mark.parametrize(("values", "first", "today", "deadline", "why"), [
    # Four weekly values that jump up and down, on a two-month goal: the paces they allow end on both sides of
    # the target, too uneven to bet on (and not "after three weeks of check-ins I'll say", said after four).
    ((2.0, 8.0, 3.0, 4.0), START + timedelta(days=5), START + timedelta(days=28), START + timedelta(days=60),
     NoForecast.UNCERTAIN),
    # The last value is five weeks old: its pace said "reached around …" a month ago.
    ((2.0, 4.0, 6.0, 8.0), START + timedelta(days=7), START + timedelta(days=64), START + timedelta(days=120),
     NoForecast.STALE),
    # The deadline is today: nothing left to project.
    ((2.0, 4.0, 6.0, 8.0), START + timedelta(days=7), START + timedelta(days=40), START + timedelta(days=40),
     NoForecast.LAST_DAY),
    ((2.0,), START + timedelta(days=7), START + timedelta(days=8), START + timedelta(days=120), NoForecast.NOT_ENOUGH),
    # Due 19 days after its start: three weeks of values can never come before the deadline.
    ((2.0,), START + timedelta(days=6), START + timedelta(days=7), START + timedelta(days=19), NoForecast.TOO_SHORT),
    ((2.0, 2.0), START + timedelta(days=6), START + timedelta(days=13), START + timedelta(days=21),
     NoForecast.TOO_SHORT),
])
def test_no_forecast_says_why(values: tuple[float, ...], first: date, today: date, deadline: date,
                              why: NoForecast) -> None:
    numbers = goal(current=values[-1], history=_weekly(values, first), deadline=deadline)
    item = standing(numbers, today)
    assert item.forecast is None and item.quiet is why


@pytest.mark.parametrize("lang", ["en", "it"])
def test_a_stale_pace_names_the_last_value_instead_of_a_date_already_past(lang: str) -> None:
    from bot.blocks.standing import forecast_line
    from prompts import fmt_date, t

    history = _weekly((2.0, 4.0, 6.0, 8.0), START + timedelta(days=7))
    line = forecast_line(lang, standing(goal(current=8, history=history, deadline=START + timedelta(days=120)),
                                        START + timedelta(days=64)))
    assert line == t(lang, "forecast.stale", date=fmt_date(lang, history[-1][0]))


def test_a_steady_climb_far_from_its_deadline_is_on_course_at_any_of_its_paces() -> None:
    # A shell session's: 150k → 162k, 165k, 173k, 180k in four weeks, 200k due in June. Projected to June, the
    # slowest and fastest paces differ by more than the whole goal, yet every one of them gets there: it was
    # called "too uneven to project".
    weeks = _weekly((162_000.0, 165_000.0, 173_000.0, 180_000.0), START + timedelta(days=5))
    g = goal(baseline=150_000, target=200_000, current=180_000, history=weeks, deadline=START + timedelta(days=210))
    result = forecast(g, weeks[-1][0])
    assert result is not None and result.reach is not None
    assert weeks[-1][0] < result.reach < START + timedelta(days=60)  # about 20 days at ~7,750 a week


@pytest.mark.parametrize(("weeks", "today", "promised"), [
    # Three weekly values from a start on a Wednesday: 19 days, not yet three weeks; the day they are is named.
    (3, START + timedelta(days=19), START + timedelta(days=21)),
    (1, START + timedelta(days=5), START + timedelta(days=21)),
    # Four weeks on with one value (weeks skipped): what is missing is values, and no day is promised.
    (1, START + timedelta(days=30), None),
])
def test_while_too_few_values_the_first_day_a_forecast_can_come_is_named_only_if_ahead(
        weeks: int, today: date, promised: date | None) -> None:
    values = tuple(float(week) for week in range(1, weeks + 1))
    item = standing(goal(current=values[-1], history=_weekly(values, START + timedelta(days=5))), today)
    assert item.forecast is None and item.quiet is NoForecast.NOT_ENOUGH and item.forecast_from == promised


@given(st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=6))
def test_the_day_promised_for_a_forecast_brings_one_when_the_values_keep_coming(weeks: int, offset: int) -> None:
    first = START + timedelta(days=offset)  # the first value, 0 to 6 days after the start
    values = tuple(float(week) for week in range(1, weeks + 1))
    item = standing(goal(current=values[-1], history=_weekly(values, first), deadline=START + timedelta(days=200)),
                    first + timedelta(weeks=weeks - 1))
    if item.forecast_from is not None:
        # Weekly values on: the first one on or after that day brings a forecast, or the model says why not (never
        # "not enough" again).
        later = _weekly(tuple(float(week) for week in range(1, weeks + 5)), first)
        cut = next(n for n, (day, _) in enumerate(later) if day >= item.forecast_from)
        history = later[:cut + 1]
        then = standing(goal(current=history[-1][1], history=history, deadline=START + timedelta(days=200)),
                        history[-1][0])
        assert then.quiet is not NoForecast.NOT_ENOUGH


@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_forecast_line_names_the_day_it_can_come(lang: str) -> None:
    from bot.blocks.standing import forecast_line
    from prompts import fmt_date, t

    item = standing(goal(current=2, history=_weekly((1.0, 2.0), START + timedelta(days=5))), START + timedelta(days=12))
    assert forecast_line(lang, item) == t(lang, "forecast.not_enough_until", date=fmt_date(lang, START + timedelta(days=21)))


@pytest.mark.parametrize("lang", ["en", "it"])
def test_a_goal_too_short_for_a_forecast_says_so_instead_of_promising_one_after_its_deadline(lang: str) -> None:
    from bot.blocks.standing import forecast_line
    from prompts import fmt_date, t

    deadline = START + timedelta(days=19)  # a shell session's: "from 23 December" on a goal due the 20th
    item = standing(goal(current=2, history=_weekly((2.0,), START + timedelta(days=6)), deadline=deadline),
                    START + timedelta(days=6))
    assert item.forecast_from is None
    assert forecast_line(lang, item) == t(lang, "forecast.too_short", date=fmt_date(lang, deadline))


@given(weeks=st.integers(1, 6), offset=st.integers(0, 6), length=st.integers(1, 60), late=st.integers(0, 20))
def test_a_day_promised_for_a_forecast_is_always_before_the_deadline(weeks: int, offset: int, length: int,
                                                                    late: int) -> None:
    first = START + timedelta(days=offset)
    history = _weekly(tuple(float(week) for week in range(1, weeks + 1)), first)
    deadline = START + timedelta(days=length)
    today = history[-1][0] + timedelta(days=late % 7)
    item = standing(goal(current=history[-1][1], history=history, deadline=deadline), today)
    assert item.forecast_from is None or today < item.forecast_from < deadline


@given(st.lists(st.floats(min_value=0, max_value=10), min_size=1, max_size=10), st.integers(0, 200))
def test_a_forecast_never_names_a_day_already_past(values: list[float], days_on: int) -> None:
    history = _weekly(tuple(sorted(values)), START + timedelta(days=7))
    today = history[-1][0] + timedelta(days=days_on % 40)
    result = forecast(goal(current=history[-1][1], history=history, deadline=START + timedelta(days=300)), today)
    assert result is None or result.reach is None or result.reach >= today


@given(base=st.floats(min_value=1_000, max_value=1e7), before=st.floats(min_value=-50, max_value=200),
       after=st.floats(min_value=-50, max_value=200), currency=st.sampled_from(["EUR", "USD"]))
def test_a_growths_change_in_money_is_the_difference_of_the_amounts_it_reached(
    base: float, before: float, after: float, currency: str,
) -> None:
    g = GoalNumbers(Kind.GROWTH, 15.0, 0.0, after, START, DEADLINE, "%", base_amount=base, base_unit=currency)
    moved = reached_change(g, after, after - before)
    now, then = reached_amount(g, after), reached_amount(g, before)
    assert moved is not None and now is not None and then is not None
    assert abs(moved - (now[0] - then[0])) <= 0.011  # each amount is to the cent
    assert (moved > 0.01) <= (after > before) and (moved < -0.01) <= (after < before)  # the same way as the growth


def test_a_change_has_no_amount_without_a_starting_amount_in_a_currency() -> None:
    assert reached_change(goal(current=7), 7, 2) is None  # 7 clients, +2: nothing to convert
    assert reached_change(GoalNumbers(Kind.GROWTH, 15.0, 0.0, 7.5, START, DEADLINE, "%", base_amount=40,
                                      base_unit="clients"), 7.5, 2.5) is None


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (372_286.4, "EUR", 372_000.0),  # a tester's digest: "tra 372.286 € e 545.000 €"
    (1_462_499.0, "USD", 1_462_000.0),
    (4_849.0, "EUR", 4_800.0),
    (612.4, "EUR", 612.0),
    (38.6, "meetings", 39.0),  # counts and rates as estimate() shows them
    (13.64, "%", 13.6),
])
def test_a_projection_is_shown_only_as_precise_as_a_pace_is(value: float, unit: str, shown: float) -> None:
    assert projection(value, unit) == shown


def test_values_that_never_left_the_start_are_not_progress() -> None:
    # A shell session's: "flat, Acme froze the budget" (0 of 20) read "🟢 on track", the week after the card had said
    # "⚪ not started", to someone who had just said they were stuck.
    flat = _weekly((0.0,), START + timedelta(days=6))
    early = standing(goal(target=20, baseline=0, current=0, history=flat, deadline=START + timedelta(days=120)),
                     START + timedelta(days=6))
    assert early.status is Status.NOT_STARTED
    later = _weekly((0.0, 0.0, 0.0, 0.0), START + timedelta(days=6))
    behind = standing(goal(target=20, baseline=0, current=0, history=later, deadline=START + timedelta(days=120)),
                      START + timedelta(days=27))
    assert behind.status in (Status.AT_RISK, Status.OFF_TRACK)  # nothing done with a fifth of the time gone
    moved = _weekly((0.0, 1.0), START + timedelta(days=6))
    assert standing(goal(target=20, baseline=0, current=1, history=moved, deadline=START + timedelta(days=120)),
                    START + timedelta(days=13)).status is not Status.NOT_STARTED  # one meeting is a start


@given(weeks=st.integers(1, 10), days=st.integers(0, 200))
def test_a_goal_whose_values_never_moved_is_never_on_track_while_progress_is_due(weeks: int, days: int) -> None:
    history = _weekly(tuple(0.0 for _ in range(weeks)), START + timedelta(days=6))
    item = standing(goal(target=20, baseline=0, current=0, history=history, deadline=START + timedelta(days=150)),
                    history[-1][0] + timedelta(days=days % 7))
    assert item.status is not Status.ON_TRACK
