"""The forecast line every surface shows (check-in replies, digests, the App Home, `/goal list`), on known histories."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from bot.blocks.forecast import checkin_history, forecast_line, goal_forecast
from prompts import t


def goal(history: list[tuple[date, float]], **fields: Any) -> SimpleNamespace:
    values: dict[str, Any] = dict(baseline=None, direction="increase", target=10.0, unit="clients",
                                  start_date=date(2026, 11, 2), deadline=date(2027, 2, 22), current=None)
    values.update(fields)
    checkins = [SimpleNamespace(value=v, status="answered", answered_at=None, week_start=d) for d, v in history]
    if history and values["current"] is None:
        values["current"] = history[-1][1]
    return SimpleNamespace(checkins=checkins, **values)


def line(lang: str, g: SimpleNamespace) -> str:
    return forecast_line(lang, g, goal_forecast(g))


def test_a_steady_pace_gives_the_projection_and_the_day_the_target_is_met() -> None:
    g = goal([(date(2026, 11, 16), 2.0), (date(2026, 11, 30), 4.0)])  # one client a week from zero
    assert line("en", g) == ("📈 At this pace: *16 clients* by 22 February 2027 (+1 clients a week) — "
                             "target reached around *11 January 2027*.")
    assert line("it", g) == ("📈 Di questo passo: *16 clienti* entro il 22 febbraio 2027 (+1 clienti a settimana) — "
                             "obiettivo raggiunto verso il *11 gennaio 2027*.")


def test_a_slow_pace_says_the_target_comes_after_the_deadline() -> None:
    g = goal([(date(2026, 11, 30), 1.0), (date(2026, 12, 28), 2.0)])  # one client every four weeks
    text = line("en", g)
    assert text.startswith("📉 At this pace: *4 clients* by 22 February 2027")
    assert "target reached only around *9 August 2027*, after the deadline" in text  # day 280


def test_no_progress_means_the_target_is_not_reached() -> None:
    g = goal([(date(2026, 11, 16), 0.0), (date(2026, 11, 30), 0.0)])
    assert "the target isn't reached at this pace" in line("en", g)


def test_one_check_in_without_a_baseline_for_a_maintain_goal_is_not_enough() -> None:
    g = goal([(date(2026, 11, 30), 91.0)], direction="maintain", unit="%", target=90.0)
    assert t("en", "manage.forecast.not_enough") in line("en", g)


def test_a_maintain_goal_shows_where_the_trend_leads_only() -> None:
    g = goal([(date(2026, 11, 30), 92.0), (date(2026, 12, 28), 91.0)], direction="maintain", unit="%",
             target=90.0, baseline=None)
    assert line("en", g) == "📈 At this pace: *89%* by 22 February 2027 (−0.2% a week)."


def test_a_decrease_goal_counts_down_to_its_target() -> None:
    g = goal([(date(2026, 11, 30), 9.0), (date(2026, 12, 28), 7.0)], direction="decrease", unit="%", target=5.0,
             baseline=10.0)
    text = line("en", g)
    # Least squares through (0, 10), (28, 9), (56, 7): 10.17 − 0.0536·day, 5% on day 97.
    assert "*4.2%* by 22 February 2027" in text and "target reached around *7 February 2027*" in text


def test_money_is_projected_in_whole_amounts_in_the_locale() -> None:
    g = goal([(date(2026, 11, 30), 104_321.5), (date(2026, 12, 28), 108_765.25)], unit="EUR", target=150_000.0,
             baseline=100_000.0)
    # Least squares through (0, 100,000), (28, 104,321.5), (56, 108,765.25): 117,510.1 on day 112.
    assert "*117.510\u00a0€*" in line("it", g) and "+1.096\u00a0€ a settimana" in line("it", g)
    assert "*€117,510*" in line("en", g)


def test_a_target_already_met_says_when() -> None:
    g = goal([(date(2026, 11, 16), 6.0), (date(2026, 11, 30), 11.0)])
    assert line("en", g) == "🏆 Target reached on *30 November 2026*."


def test_skipped_weeks_are_ignored_and_answers_are_dated_when_given() -> None:
    g = goal([])
    g.checkins = [
        SimpleNamespace(value=3.0, status="answered", answered_at=datetime(2026, 12, 2, 17, tzinfo=UTC),
                        week_start=date(2026, 11, 30)),
        SimpleNamespace(value=None, status="skipped", answered_at=None, week_start=date(2026, 12, 7)),
        SimpleNamespace(value=None, status="asked", answered_at=None, week_start=date(2026, 12, 14)),
    ]
    assert checkin_history(g) == [(date(2026, 12, 2), 3.0)]
