"""An objective's roll-up as one line, for `/goal objectives`, the App Home, the manager's week and the digest."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import clip, escape
from bot.rules.objectives import Rollup
from bot.rules.progress import progress_bar
from prompts import fmt_amount, t, tn

__all__ = ["rollup_line"]


def rollup_line(lang: str, result: Rollup) -> str:
    """One objective and how it stands."""
    objective = result.objective
    params: dict[str, Any] = {"id": objective.id, "title": escape(clip(objective.title, 300))}
    if result.goals == 0:
        return t(lang, "objective.no_goals", **params)
    bar = progress_bar(result.fraction or 0.0)
    if result.measured:
        line = t(lang, "objective.measured", bar=bar, gained=fmt_amount(lang, result.gained, objective.unit),
                 target=fmt_amount(lang, objective.target, objective.unit), on_track=result.on_track,
                 count=result.goals, **params)
        if result.not_started:
            line += " " + tn(lang, "objective.not_started", result.not_started)
        if result.not_added:
            line += "\n" + t(lang, "objective.not_added", count=result.not_added)
        return line
    line = t(lang, "objective.counted", bar=bar, on_track=result.on_track, count=result.goals, **params)
    return line + (" " + tn(lang, "objective.not_started", result.not_started) if result.not_started else "")
