"""The team progress chart: a PNG drawn with matplotlib's Agg canvas, so no display is ever needed."""

from __future__ import annotations

import io

from bot.blocks.digests import DigestView, pace_counts
from bot.rules.progress import estimate
from prompts import fmt_amount, fmt_date, t

PACE_COLOURS = {"on_track": "#2a9d8f", "at_risk": "#f4a261", "off_track": "#e63946", "not_started": "#adb5bd",
                "achieved": "#1d3557"}
PACES = ("on_track", "at_risk", "off_track", "not_started", "achieved")
MAX_TOTALS = 6


def team_progress_png(view: DigestView, *, dpi: int = 100) -> bytes:
    """Draw the team's progress (goals by pace, totals against targets, progress against time) as PNG bytes."""
    # Imported here: matplotlib takes seconds to import, and most runs (every shell start) draw no chart.
    # The object-oriented API with an explicit Agg canvas: no pyplot global state, safe in worker threads.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    lang = view.lang
    figure = Figure(figsize=(11, 4.2), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(t(lang, "digest.chart_title", date=fmt_date(lang, view.week_start)), fontsize=13)
    pace_axes, totals_axes, scatter_axes = figure.subplots(1, 3, width_ratios=(1, 1.3, 1.3))

    counts = pace_counts(view)
    labels = [t(lang, f"digest.chart_pace.{pace}") for pace in PACES]
    pace_axes.barh(labels, [counts[p] for p in PACES], color=[PACE_COLOURS[p] for p in PACES])
    pace_axes.invert_yaxis()
    pace_axes.set_title(t(lang, "digest.chart_goals_by_pace"), fontsize=10)
    for index, pace in enumerate(PACES):
        pace_axes.annotate(str(counts[pace]), (counts[pace], index), xytext=(3, 0), textcoords="offset points",
                           va="center", fontsize=9)
    pace_axes.set_xlim(0, max(max(counts.values()), 1) * 1.25)

    totals = view.totals[:MAX_TOTALS]
    totals_axes.set_title(t(lang, "digest.chart_totals"), fontsize=10)
    if totals:
        shares = [min(max(total.share, 0.0), 1.5) for total in totals]
        names = [t(lang, f"units.{total.unit}") if total.unit.islower() else total.unit for total in totals]
        totals_axes.barh(names, [1.0] * len(totals), color="#e9ecef")
        totals_axes.barh(names, shares, color="#457b9d")
        totals_axes.invert_yaxis()
        for index, total in enumerate(totals):
            label = (f"{fmt_amount(lang, estimate(total.gained, total.unit), total.unit)} / "
                     f"{fmt_amount(lang, estimate(total.needed, total.unit), total.unit)}")
            totals_axes.annotate(label, (0.02, index), va="center", fontsize=8, color="#1d3557")
        totals_axes.set_xlim(0, max(1.05, max(shares) * 1.05))
        totals_axes.xaxis.set_major_formatter(lambda value, _pos: f"{value:.0%}")
    else:
        totals_axes.text(0.5, 0.5, t(lang, "digest.chart_no_totals"), ha="center", va="center", fontsize=9,
                         transform=totals_axes.transAxes)
        totals_axes.set_axis_off()

    scatter_axes.set_title(t(lang, "digest.chart_progress_vs_time"), fontsize=10)
    scatter_axes.plot([0, 1], [0, 1], color="#adb5bd", linestyle="--", linewidth=1,
                      label=t(lang, "digest.chart_on_pace_line"))
    for pace in PACES:
        # The model's numbers, only clamped to the plot: goals without a distance (MAINTAIN) have no point here.
        points = [(s.standing.expected, max(min(s.standing.progress, 1.5), -0.2)) for s in view.goals
                  if s.status == pace and not s.standing.closed and s.standing.progress is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            scatter_axes.scatter(xs, ys, s=14, alpha=0.75, color=PACE_COLOURS[pace],
                                 label=t(lang, f"digest.chart_pace.{pace}"))
    scatter_axes.set_xlim(-0.02, 1.02)
    scatter_axes.set_ylim(-0.22, 1.55)
    scatter_axes.set_xlabel(t(lang, "digest.chart_time_elapsed"), fontsize=9)
    scatter_axes.set_ylabel(t(lang, "digest.chart_progress"), fontsize=9)
    scatter_axes.xaxis.set_major_formatter(lambda value, _pos: f"{value:.0%}")
    scatter_axes.yaxis.set_major_formatter(lambda value, _pos: f"{value:.0%}")
    scatter_axes.legend(fontsize=7, loc="upper left")

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")  # matplotlib signs the PNG in its Software text chunk
    return buffer.getvalue()
