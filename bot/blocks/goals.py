"""Block Kit for the goal conversation: questions, feedback, the SMART summary card, goal lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot import ids
from bot.blocks.common import Message, actions, button, clip, context, draft_title, escape, section
from bot.blocks.standing import (
    forecast_line,
    measure_text,
    progress_text,
    standing_of,
    status_label,
    title_is_original,
    title_text,
)
from bot.rules.goals import METRIC_UNITS, MONEY_METRICS, RATE_METRICS, ReadingNote
from bot.rules.progress import MAINTAIN_DIRECTIONS, Kind, grown_amount
from bot.rules.smart import GoalDraft, SmartIssue, start_example
from prompts import at_amount, currency_name, fmt_amount, fmt_date, fmt_number, phrase, t, tn


def _lookup(lang: str, group: str, key: str | None) -> str:
    """Translate a metric or type code, falling back to the code itself."""
    if not key:
        return "–"
    try:
        return t(lang, f"{group}.{key}")
    except KeyError:
        return key.replace("_", " ")


def describe_measure(lang: str, draft: Any) -> str:
    """Say how the goal is measured: '+15%', 'from €100,000 to €120,000', 'at least 90%'."""
    if draft.target is None:
        return t(lang, "summary.not_set")
    if not isinstance(draft, GoalDraft) and getattr(draft, "baseline_unit", None) is not None:
        # A stored growth goal keeps the amount it grows from as its baseline, in its own unit: say it so.
        draft = GoalDraft(text="", type=draft.type, subject=None, metric=draft.metric, unit=draft.unit,
                          direction=draft.direction, baseline=None, target=draft.target, deadline=None,
                          base_amount=draft.baseline, base_unit=draft.baseline_unit)
    metric = _lookup(lang, "metrics", draft.metric)
    target = fmt_amount(lang, draft.target, draft.unit)
    if draft.direction in MAINTAIN_DIRECTIONS:
        key = f"measure.{draft.direction}"
    elif draft.direction == "decrease" and draft.baseline is not None:
        key = "measure.decrease_from"
    elif draft.direction == "decrease":
        # "cut cancellations by a quarter" is a change; "churn to 5%" is a level.
        key = "measure.decrease_by" if draft.unit == "%" and draft.metric not in RATE_METRICS else "measure.decrease"
    elif draft.baseline not in (None, 0) or (draft.baseline == 0 and draft.unit not in ("%",)):
        key = "measure.increase_from" if draft.baseline else "measure.increase_count"
    elif draft.unit == "%" and getattr(draft, "base_amount", None) is not None:
        return t(lang, "measure.increase_by_base", metric=metric, target=target,
                 base=fmt_amount(lang, draft.base_amount, draft.base_unit),
                 amount=fmt_amount(lang, round(grown_amount(draft.base_amount, draft.target)), draft.base_unit))
    elif draft.unit == "%":
        # "+15% sales" is a change; "retention rate to 95%" a level, as for a decrease.
        key = "measure.increase_to" if draft.metric in RATE_METRICS else "measure.increase_by"
    else:
        key = "measure.increase"
    if key == "measure.increase_count" and draft.metric in ("new_clients", "new_accounts"):
        target = f"{fmt_number(lang, draft.target)} {metric}"  # "10 new clients" reads better than "10 clients"
    return t(lang, key, metric=metric, target=target, baseline=fmt_amount(lang, draft.baseline, draft.unit),
             target_at=at_amount(lang, draft.target, draft.unit),
             target_to=phrase(lang, "to", draft.target, draft.unit),
             target_by=phrase(lang, "by", draft.target, draft.unit),
             baseline_from=phrase(lang, "from", draft.baseline, draft.unit))


def understood(lang: str, draft: GoalDraft) -> Message:
    """Echo back what was understood from the goal sentence."""
    lines = [t(lang, "goal.understood")]
    lines.append(t(lang, "summary.line", label=t(lang, "parts.type"), value=_lookup(lang, "types", draft.type)))
    if draft.subject:
        lines.append(t(lang, "summary.line", label=t(lang, "parts.specific"), value=escape(draft.subject)))
    if draft.target is not None:
        lines.append(t(lang, "summary.line", label=t(lang, "parts.measurable"), value=describe_measure(lang, draft)))
    if draft.deadline is not None:
        lines.append(t(lang, "summary.line", label=t(lang, "parts.time_bound"),
                       value=t(lang, "summary.by_date", date=fmt_date(lang, draft.deadline))))
    text = "\n".join(lines)
    return Message(text=text, blocks=[section(text)])


OBJECTIVE_BUTTONS = 20  # an actions block holds 25 elements; "something else" takes one


def objective_label(objective_id: int, title: str) -> str:
    """An objective as its button and the summary card name it: "#2 Enter the healthcare market"."""
    return f"#{objective_id} {title}"


def question(lang: str, part: str, draft: GoalDraft, objectives: Sequence[Sequence[Any]] = (),
             card: str | None = None) -> Message:
    """Ask for one SMART part, with an example that fits the goal's type; Relevant offers the company objectives
    as buttons (each carrying the conversation's card key), and "something else" to say it in one's own words."""
    example = t(lang, f"examples.{part}.{draft.type}") if part in ("specific", "relevant") else ""
    text = t(lang, f"ask.{part}", example=example)
    blocks: list[Block] = [section(text)]
    if objectives:
        blocks.append(section(t(lang, "ask.objectives")))
        buttons = [button(objective_label(int(o[0]), str(o[1])), ids.ACTION_OBJECTIVE,
                          value=card_value(card, str(o[0]))) for o in objectives[:OBJECTIVE_BUTTONS]]
        buttons.append(button(t(lang, "ask.objective_other"), ids.ACTION_OBJECTIVE_OTHER, value=card_value(card)))
        blocks.append(actions(*buttons))
    return Message(text=text, blocks=[*blocks, context(t(lang, "goal.controls_hint"))])


def _base_example(lang: str, draft: GoalDraft) -> str:
    """An example starting amount in the goal's terms: money with its currency, a count with its unit."""
    if draft.metric in METRIC_UNITS:
        return fmt_amount(lang, 40.0, METRIC_UNITS[draft.metric])
    return fmt_amount(lang, 200_000.0, "EUR") if draft.metric in MONEY_METRICS or draft.metric is None else "200"


def _growth(lang: str, draft: GoalDraft) -> str:
    return "+" + fmt_amount(lang, draft.target, "%")


def base_question(lang: str, draft: GoalDraft) -> Message:
    """Ask a growth goal's starting amount: "+15% from how much?"."""
    text = t(lang, "ask.base", growth=_growth(lang, draft), metric=_lookup(lang, "metrics", draft.metric),
             example=_base_example(lang, draft))
    return Message(text=text, blocks=[section(text), context(t(lang, "goal.controls_hint"))])


def start_question(lang: str, draft: GoalDraft) -> Message:
    """Ask a goal's value today: "churn down to 3%: where is it now?", "revenue up to €500k: where is it now?"."""
    assert draft.target is not None
    up = "_up" if draft.direction == "increase" else ""
    text = t(lang, f"ask.start{up}", metric=_lookup(lang, "metrics", draft.metric),
             target_to=phrase(lang, "to", draft.target, draft.unit),
             example=fmt_amount(lang, start_example(draft.target, draft.unit, draft.direction), draft.unit))
    return Message(text=text, blocks=[section(text), context(t(lang, "goal.controls_hint"))])


def start_problem(lang: str, problem: str, value: float | None, draft: GoalDraft, text: str) -> Message:
    """Why an answer is not where a goal starts (unreadable, several, unit, not_above, not_below)."""
    assert draft.target is not None
    message = t(lang, f"feedback.start.{problem}", text=escape(clip(text, 200)),
                value=fmt_amount(lang, value, draft.unit), target=fmt_amount(lang, draft.target, draft.unit))
    return Message(text=message, blocks=[section(message)])


def confidence_kept(lang: str, draft: GoalDraft) -> Message:
    """Say that a confidence and plan typed one step early were kept for the Achievable question."""
    text = t(lang, "goal.confidence_early", confidence=draft.confidence, plan=escape(draft.plan or "—"))
    return Message(text=text, blocks=[section(text)])


def start_recorded(lang: str, draft: GoalDraft) -> Message:
    """Say where the goal starts, and so how far it has to come down (or go up)."""
    assert draft.baseline is not None and draft.target is not None
    up = "_up" if draft.direction == "increase" else ""
    text = t(lang, f"goal.start_recorded{up}", value=fmt_amount(lang, draft.baseline, draft.unit),
             metric=_lookup(lang, "metrics", draft.metric), target_to=phrase(lang, "to", draft.target, draft.unit))
    return Message(text=text, blocks=[section(text)])


def base_problem(lang: str, problem: str, amount: float | None, draft: GoalDraft, text: str, *,
                 limit: float) -> Message:
    """Why an answer is not a starting amount (unreadable, percent, not_positive, out_of_range, no_currency);
    `limit` is the largest amount a goal may have (bot.rules.limits.MAX_AMOUNT)."""
    if problem == "out_of_range":
        message = t(lang, "feedback.measurable.base_out_of_range", limit=fmt_number(lang, limit))
    elif problem == "no_currency":
        message = t(lang, "feedback.measurable.base_no_currency", amount=fmt_number(lang, amount),
                    euro=fmt_amount(lang, amount, "EUR"), dollar=fmt_amount(lang, amount, "USD"))
    else:
        message = t(lang, f"feedback.measurable.base_{problem}", text=escape(clip(text, 200)),
                    growth=_growth(lang, draft), growth_by=phrase(lang, "by", draft.target, "%"),
                    example=_base_example(lang, draft))
    return Message(text=message, blocks=[section(message)])


def base_recorded(lang: str, draft: GoalDraft) -> Message:
    """Say the starting amount recorded and what the growth target means in that amount."""
    assert draft.base_amount is not None and draft.target is not None
    text = t(lang, "goal.base_recorded", base=fmt_amount(lang, draft.base_amount, draft.base_unit),
             metric=_lookup(lang, "metrics", draft.metric), growth=_growth(lang, draft),
             amount=fmt_amount(lang, round(grown_amount(draft.base_amount, draft.target)), draft.base_unit))
    return Message(text=text, blocks=[section(text)])


def direction_question(lang: str, draft: GoalDraft, meant: str, card: str | None = None, *,
                       action: str = ids.ACTION_DIRECTION, value_of: Callable[[str], str] | None = None) -> Message:
    """Ask which way a goal is meant to go when its words go against its metric ("increase churn to 5%"): the way
    the metric is meant to go first, each a button carrying the conversation's card key. Asked outside the
    conversation (an edit, a manager's proposal: `action`, `value_of(way)` for each button's value), only the
    buttons answer it, and its hint says so."""
    assert draft.target is not None and draft.direction is not None
    # "Cut cancellations by 10%" is a change; "churn to 5%" a level (as describe_measure says them).
    change = draft.unit == "%" and draft.metric not in RATE_METRICS
    amount = phrase(lang, "by" if change else "to", draft.target, draft.unit)
    text = t(lang, f"direction.{draft.metric}", amount=amount)
    ways = (meant, draft.direction)
    return Message(text=text, blocks=[
        section(text),
        actions(*(button(t(lang, f"direction.pick_{way}", amount=amount), action,
                         value=card_value(card, way) if value_of is None else value_of(way)) for way in ways)),
        context(t(lang, f"direction.hint_{meant}" if value_of is None else "direction.hint_buttons")),
    ])


def rate_question(lang: str, rate: float, per: str, total: float, unit: str | None, deadline: date,
                  card: str | None) -> Message:
    """Ask before a number a week (or a month) is tracked as a goal: the total it adds up to by the deadline, with a
    button for it; typed answers ("yes", another total) answer it too."""
    params = {"rate": fmt_amount(lang, rate, unit), "total": fmt_amount(lang, total, unit), "date": fmt_date(lang, deadline)}
    text = t(lang, f"rate.question_{per}", **params)
    return Message(text=text, blocks=[
        section(text),
        actions(button(t(lang, "rate.pick_total", **params), ids.ACTION_RATE, value=card_value(card, "total"))),
        context(t(lang, f"rate.hint_{per}", **params)),
    ])


def rate_without_deadline(lang: str, rate: float, per: str, unit: str | None) -> Message:
    """A number a week (or a month) with no deadline to add it up to: asked as a total, with an example."""
    example = fmt_amount(lang, rate * (13 if per == "week" else 3), unit)
    return Message(text=t(lang, f"rate.no_deadline_{per}", rate=fmt_amount(lang, rate, unit), example=example))


def currency_question(lang: str, draft: GoalDraft, target: float, unit: str) -> Message:
    """Ask before a target in another currency replaces the goal's: the same number in the goal's currency?"""
    params = {"said": fmt_amount(lang, target, unit), "unit": currency_name(lang, unit),
              "goal_unit": currency_name(lang, str(draft.unit)), "same": fmt_amount(lang, target, draft.unit),
              "start": fmt_amount(lang, draft.baseline, draft.unit)}
    key = "feedback.measurable.currency_switch_from" if draft.baseline is not None else "feedback.measurable.currency_switch"
    text = t(lang, key, **params)
    return Message(text=text, blocks=[section(text)])


def measure_recorded(lang: str, draft: GoalDraft, title: str | None = None) -> Message:
    """Say what a new Measurable answer recorded ("Recorded: sales from €100,000 to €150,000"), and the goal
    sentence when its number was rewritten to match."""
    text = t(lang, "feedback.measurable.measure_recorded", measure=describe_measure(lang, draft))
    if title is not None:
        text += "\n" + t(lang, "feedback.measurable.title_rewritten", title=escape(clip(title, 500)))
    return Message(text=text, blocks=[section(text)])


def feedback(lang: str, issue: SmartIssue, draft: GoalDraft, warning: bool = False) -> Message:
    """Concrete feedback for one SMART issue; a warning can be kept by answering yes."""
    params: dict[str, Any] = {k: (fmt_amount(lang, v, draft.unit) if isinstance(v, float) and k != "growth" else v)
                              for k, v in issue.params.items()}
    if isinstance(params.get("date"), str):
        params["date"] = fmt_date(lang, date.fromisoformat(params["date"]))
    code = issue.code
    if code == "growth_far_beyond_baseline" and "baseline" not in issue.params:
        code = "growth_far_beyond_any"  # "by 250%": there is no starting value to compare with
    example_part = issue.part if issue.part in ("specific", "relevant") else "specific"
    params.setdefault("example", t(lang, f"examples.{example_part}.{draft.type}"))
    params.setdefault("target", fmt_amount(lang, draft.target, draft.unit))
    target = issue.params.get("target", draft.target)
    target_value = float(target) if isinstance(target, (int, float)) else draft.target
    params["target_of"] = phrase(lang, "of", target_value, draft.unit)  # "un target del 120%"
    params["target_the"] = phrase(lang, "the", target_value, draft.unit)  # "ma l'80% è realistico?"
    params.setdefault("baseline", fmt_amount(lang, draft.baseline, draft.unit))
    if "growth" in params and isinstance(params["growth"], (int, float)):
        params["growth_by"] = phrase(lang, "by", float(params["growth"]), "%")
        params["growth"] = fmt_amount(lang, float(params["growth"]), "%")
    text = t(lang, f"feedback.{issue.part}.{code}", **params)
    if warning and code == "no_plan":
        # A bare "7": say it was taken as the confidence, and how to go on without a plan or change the number.
        text = f"{t(lang, 'goal.confidence_noted', confidence=draft.confidence)} {text}\n{t(lang, 'goal.no_plan_keep')}"
    elif warning:
        text += "\n" + t(lang, "goal.keep_or_change")
    return Message(text=text, blocks=[section(text)])


def implied_subject(lang: str, draft: Any) -> str:
    """Retention and new-business goals name their subject by their kind ("customer retention")."""
    if draft.type in ("retention", "new_business"):
        return _lookup(lang, "types", draft.type)
    return t(lang, "summary.not_set")


def relevance_text(lang: str, relevance: str | None, objective: Sequence[Any] | None = None) -> str:
    """The Relevant letter: the company objective the goal serves ("🎯 #2 …") when one was picked, else the words."""
    if objective:
        return t(lang, "summary.objective", objective=escape(objective_label(int(objective[0]), str(objective[1]))))
    return escape(relevance) if relevance else t(lang, "summary.not_set")


def smart_fields(lang: str, draft: Any, objective: Sequence[Any] | None = None) -> list[tuple[str, str]]:
    """The SMART breakdown as (label, value) pairs, user text escaped; `objective` is the (id, title) it serves."""
    confidence = t(lang, "summary.confidence", value=draft.confidence) if draft.confidence else t(lang, "summary.not_set")
    if draft.plan:
        confidence += " — " + escape(draft.plan)
    return [
        (t(lang, "parts.specific"), escape(draft.subject) if draft.subject else implied_subject(lang, draft)),
        (t(lang, "parts.measurable"), describe_measure(lang, draft)),
        (t(lang, "parts.achievable"), confidence),
        (t(lang, "parts.relevant"), relevance_text(lang, draft.relevance, objective)),
        (t(lang, "parts.time_bound"),
         t(lang, "summary.by_date", date=fmt_date(lang, draft.deadline)) if draft.deadline else t(lang, "summary.not_set")),
    ]


def card_value(card: str | None, part: str | None = None) -> str:
    """A conversation button's value: the conversation's card key, and the part for the part chooser."""
    return ":".join(v for v in (card, part) if v)


def _day(lang: str, value: date) -> str:
    """A day with its weekday and year, as a note says it: "Friday 18 December 2026"."""
    return f"{fmt_date(lang, value, 'weekday')} {value.year}"


def note_text(lang: str, note: ReadingNote) -> str:
    """One weak-signal reading in words, the owner's words escaped."""
    phrase = escape(note.phrase)
    if note.code == "deadline":
        return t(lang, "notes.deadline", phrase=phrase, date=_day(lang, date.fromisoformat(note.value)))
    if note.code == "fiscal_deadline":
        start = date.fromisoformat(note.fiscal_start) if note.fiscal_start else None
        return t(lang, "notes.fiscal_deadline", phrase=phrase, date=_day(lang, date.fromisoformat(note.value)),
                 start=fmt_date(lang, start))
    if note.code == "period":
        return t(lang, "notes.period", phrase=phrase, start=_day(lang, date.fromisoformat(note.value)))
    if note.code == "word":
        return t(lang, "notes.word", phrase=phrase, word=escape(note.value))
    return t(lang, f"notes.{note.code}", phrase=phrase, type=_lookup(lang, "types", note.value))


def weekday_mismatch(lang: str, phrase: str, found: date, *, later: bool = False) -> Message:
    """Ask which day was meant when a weekday and the date next to it disagree (`later`: once the other questions
    are answered, when the goal sentence said it)."""
    key = "feedback.time_bound.weekday_mismatch_later" if later else "feedback.time_bound.weekday_mismatch"
    text = t(lang, key, phrase=escape(phrase), date=fmt_date(lang, found),
             weekday=fmt_date(lang, found, "weekday").split()[0])
    return Message(text=text, blocks=[section(text)])


def summary_card(lang: str, draft: GoalDraft, warnings: Sequence[SmartIssue], card: str | None = None,
                 objective: Sequence[Any] | None = None, *, original: bool = False) -> Message:
    """The SMART summary with Confirm / Edit / Cancel, each carrying the conversation's card key; the Relevant
    letter names the company objective (id, title) the goal serves, when one was picked. `original`: the words
    go the other way from the goal (bot.rules.titles.title_is_original), marked as the original wording."""
    title = escape(draft.text) if draft.text else escape(draft.subject or "")
    shown = f"*{clip(title, 2700)}*"
    blocks: list[Block] = [
        HeaderBlock(text=clip(t(lang, "summary.header"), 150)),
        section(t(lang, "standing.original_title", title=shown) if original else shown),
        SectionBlock(fields=[MarkdownTextObject(text=clip(f"*{label}*\n{value}", 2000))
                             for label, value in smart_fields(lang, draft, objective)]),
    ]
    if draft.notes:
        # Readings of loose words, said plainly so a wrong guess is seen before the goal is saved.
        blocks.append(context(clip("\n".join("🔎 " + note_text(lang, n) for n in draft.notes[:5]), 2900)))
    for issue in warnings[:3]:
        blocks.append(context("⚠️ " + feedback(lang, issue, draft).text))
    blocks.append(actions(
        button(t(lang, "buttons.confirm"), ids.ACTION_CONFIRM, value=card_value(card), style="primary"),
        button(t(lang, "buttons.edit"), ids.ACTION_EDIT, value=card_value(card)),
        button(t(lang, "buttons.cancel"), ids.ACTION_CANCEL, value=card_value(card), style="danger"),
    ))
    blocks.append(context(t(lang, "summary.hint")))
    return Message(text=t(lang, "summary.fallback", title=title), blocks=blocks)


def choose_part(lang: str, card: str | None = None) -> Message:
    """Buttons to pick which SMART part to change, each carrying the conversation's card key."""
    parts = ("specific", "measurable", "achievable", "relevant", "time_bound")
    text = t(lang, "goal.choose_part")
    return Message(text=text, blocks=[
        section(text),
        actions(*(button(t(lang, f"parts.{p}"), ids.ACTION_CHOICE, value=card_value(card, p)) for p in parts)),
    ])


SAVED_TITLE_LIMIT = 1000  # the whole title (bot.services.goals_admin.MAX_TITLE): the confirmation quotes it all


def saved(lang: str, goal: Any, *, first: str | None, later: bool = False) -> Message:
    """Confirmation that the goal was saved, with what happens next: `first`, the first check-in's moment as the
    planner will send it (None when none comes before the deadline); `later`, the goal's period starts later."""
    text = t(lang, "goal.saved", title=title_text(lang, goal, SAVED_TITLE_LIMIT), date=fmt_date(lang, goal.deadline))
    if first is None:
        then = t(lang, "goal.saved_no_checkin")
    elif later:
        then = t(lang, "goal.saved_next_later", start=fmt_date(lang, goal.start_date, "weekday"), first=first)
    else:
        then = t(lang, "goal.saved_next", first=first)
    blocks: list[Block] = [section(text), context(then)]
    if title_is_original(goal):  # saved the other way from its words: how to reword them
        blocks.insert(1, context(t(lang, "goal.saved_title_kept", id=goal.id)))
    return Message(text=text, blocks=blocks, changes_goals=True)


def goal_line(lang: str, goal: Any, today: date) -> str:
    """One goal as a mrkdwn line: title, the measure from its fields, bar, status (the model's answer)."""
    item = standing_of(goal, today)
    bar = progress_text(lang, item) + " · " if item.numbers.kind is not Kind.MAINTAIN else ""
    return t(lang, "list.line", id=goal.id, title=title_text(lang, goal), measure=measure_text(lang, item),
             bar=bar, status=status_label(lang, item))


@dataclass(frozen=True)
class Proposed:
    """An open proposal of the person's goal: its id, its draft, the manager, and whether the person's answer is
    the one awaited."""

    id: int
    draft: dict[str, Any]
    manager_id: str
    yours: bool


def _proposed_line(lang: str, proposal: Proposed) -> str:
    key = "list.proposal_yours" if proposal.yours else "list.proposal_theirs"
    return t(lang, key, id=proposal.id, title=draft_title(lang, proposal.draft), manager=f"<@{proposal.manager_id}>")


def goal_list(lang: str, goals: Sequence[Any], today: date, *, unfinished: str | None = None,
              proposals: Sequence[Proposed] = ()) -> Message:
    """The person's goals, one section each, within Slack's block limit; `unfinished`, the words of a goal they
    are still setting up, is named as not saved, and so are the open `proposals` of their goals."""
    notes = [t(lang, "list.unfinished", title=escape(clip(unfinished, 200)))] if unfinished else []
    notes += [_proposed_line(lang, proposal) for proposal in proposals[:5]]
    if not goals:
        text = "\n".join(notes) or t(lang, "list.empty")
        return Message(text=text, blocks=[section(text)])
    blocks: list[Block] = [HeaderBlock(text=t(lang, "list.header"))]
    blocks.extend(context(note) for note in notes)
    written = 0
    for goal in goals[:45]:
        line = goal_line(lang, goal, today)
        # Slack refuses messages with much more than ~13k characters of block text: forecasts go first.
        if goal.status == "active" and written < 9000:
            line += "\n" + forecast_line(lang, standing_of(goal, today))
        written += len(line)
        blocks.append(section(line))
    if len(goals) > 45:
        blocks.append(context(tn(lang, "list.more", len(goals) - 45)))
    return Message(text=tn(lang, "list.fallback", len(goals)), blocks=blocks)


def help_message(lang: str) -> Message:
    """Every subcommand, explained."""
    text = t(lang, "help.text")
    return Message(text=text, blocks=[HeaderBlock(text=t(lang, "help.header")), section(text), DividerBlock(),
                                      context(t(lang, "help.footer"))])


def proposal_confirmed(lang: str, proposal_id: int, owner: str, goal: Any, today: date) -> Message:
    """To the manager of a proposal: the report confirmed the goal agreed, which is active now, with its measure
    as the goal lists say it (target and deadline)."""
    text = t(lang, "proposal.confirmed", person=f"<@{owner}>", id=proposal_id, goal=goal.id,
             title=title_text(lang, goal), measure=measure_text(lang, standing_of(goal, today)))
    return Message(text=text, blocks=[section(text)])


def proposal_dropped(lang: str, proposal_id: int, owner: str, draft: dict[str, Any]) -> Message:
    """To the manager of a proposal: the report dropped the goal agreed before confirming it; nothing is active."""
    text = t(lang, "proposal.set_up_dropped", person=f"<@{owner}>", id=proposal_id, title=draft_title(lang, draft))
    return Message(text=text, blocks=[section(text)])
