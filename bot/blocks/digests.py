"""Block Kit for the team digest: a headline, one section per person, split into thread replies when long."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any, ClassVar

from babel.numbers import get_currency_symbol, get_decimal_symbol, get_group_symbol
from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot.blocks.common import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    Message,
    clip,
    context,
    escape,
    section,
    section_dict,
    text_message,
)
from bot.blocks.objectives import rollup_line
from bot.blocks.standing import bar, status_key, value_of_target
from bot.rules.digest_math import HEADLINE, MORE, DigestGoal, headline_counts
from bot.rules.objectives import Rollup
from bot.rules.progress import (
    Kind,
    Standing,
    Status,
    Total,
    estimate,
    growth_target_amount,
    projection,
    reached_amount,
    target_in_range,
)
from prompts import at_amount, elide_italian, fmt_date, keys, normalize_lang, plural_form, t, the_amount, tn

# Slack refuses messages whose blocks hold much more than ~13k characters (msg_blocks_too_long) even under 50 blocks.
MESSAGE_CHARS = 11_000
TITLE_CHARS = 150
QUOTE_CHARS = 200
LIST_LIMIT = 5
MISSING_LIMIT = 40
# Enum members as module names: on Python 3.11 each `Enum.MEMBER` lookup takes a slow path (bot.rules.progress).
_MAINTAIN, _GROWTH, _REDUCE, _ACHIEVED = Kind.MAINTAIN, Kind.GROWTH, Kind.REDUCE, Status.ACHIEVED


@dataclass
class DigestView:
    """Everything a digest shows, computed: people with their goals (worst first) and the headline."""

    lang: str
    week_start: date
    today: date
    people: list[tuple[str, list[DigestGoal]]]
    totals: list[Total] = field(default_factory=list)
    achieved: list[DigestGoal] = field(default_factory=list)
    at_risk: list[DigestGoal] = field(default_factory=list)
    blockers: list[DigestGoal] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped: list[DigestGoal] = field(default_factory=list)  # active goals whose week was skipped on purpose
    asked: bool = False  # a check-in went out this week for an active goal: only then can everyone have answered
    names: dict[str, str] = field(default_factory=dict)  # display names: a weekly digest should not ping everyone
    objectives: list[Rollup] = field(default_factory=list)  # the objectives this digest's goals serve, from them

    @property
    def goals(self) -> list[DigestGoal]:
        """Every goal in the digest."""
        return [s for _, goals in self.people for s in goals]


class Formats:
    """prompts' number, amount and date formatting for one language, pre-computed for a digest of thousands.

    Babel re-reads its locale data on every call; a 2,000-goal digest formats ~10,000 values. The output is the
    same as prompts.fmt_amount / fmt_number (tests/bot/test_digest_blocks.py pins them together): Babel's
    symbols, Babel's half-even rounding of the shortest decimal form of the float, its grouping.
    """

    _CURRENCIES = ("EUR", "USD", "GBP", "CHF")
    _LOCALES: ClassVar[dict[str, str]] = {"en": "en_US", "it": "it_IT"}
    _STEPS: ClassVar[dict[int, Decimal]] = {0: Decimal(1), 1: Decimal("0.1"), 2: Decimal("0.01")}
    _SPECS: ClassVar[dict[int, str]] = {0: ",.0f", 1: ",.1f", 2: ",.2f"}  # the format spec, not built per number
    _SCALES: ClassVar[dict[int, float]] = {0: 10.0, 1: 100.0, 2: 1000.0}  # 10 ** (decimals + 1): where a tie falls

    def __init__(self, lang: str) -> None:
        self.lang = normalize_lang(lang)
        locale = self._LOCALES[self.lang]
        self._group, self._decimal = get_group_symbol(locale), get_decimal_symbol(locale)
        self._swapped = (self._group, self._decimal) != (",", ".")
        self._symbols = {code: get_currency_symbol(code, locale=locale) for code in self._CURRENCIES}
        self._symbol_first = self.lang == "en"
        self._templates: dict[str, str] = {}
        # Plain dicts, never lru_cache(self._method) kept on self: that bound method made every Formats a reference
        # cycle, and through `counted` the whole digest with it (~31,000 objects for 2,000 goals), freed only when
        # the collector found it, not when the digest was dropped (bot.heap).
        self._dates: dict[tuple[date, str], str] = {}
        self._percents: dict[int, str] = {}
        self._amounts: dict[tuple[float, str | None], str] = {}  # targets and totals repeat across a team
        self.names: dict[str, str] = {}
        self._plural: dict[float, str] = {}
        self._at: dict[tuple[float, str | None], str] = {}
        self._the: dict[float, str] = {}
        self._italian = self.lang == "it"
        self._dated: dict[tuple[str, date, str], str] = {}
        self._numbers: dict[tuple[float, int, bool], str] = {}
        self._unit_labels: dict[tuple[str, float], str] = {}
        self._paces: dict[tuple[Status, bool], str] = {}
        self.counted: tuple[DigestView, dict[str, str]] | None = None  # the view's counts, formatted (_counted)

    def dated(self, key: str, day: date, style: str = "short") -> str:
        """t(key, date=…) for a date-only line ("last check-in 23 Nov"), once per key and day: a team's thousands of
        goals fall on a few dozen days."""
        text = self._dated.get((key, day, style))
        if text is None:
            text = self._dated[(key, day, style)] = self.t(key, date=self.date(day, style))
        return text

    def unit_label(self, unit: str, count: float) -> str:
        """A counted unit in the plural form `count` takes ("clients", "cliente"), or as written without a form."""
        key = (unit, count)
        label = self._unit_labels.get(key)
        if label is None:
            forms = f"unit_forms.{unit}"
            label = self._unit_labels[key] = (self.tn(forms, count) if f"{forms}.other" in _unit_keys(self.lang)
                                               else unit)
        return label

    def person(self, user_id: str) -> str:
        """A person by display name (escaped, no notification); a mention only when the name is unknown."""
        name = self.names.get(user_id)
        return f"*{escape(name)}*" if name else f"<@{user_id}>"

    def tn(self, key: str, count: float, **params: object) -> str:
        """prompts.tn with the template and the plural rule looked up once per digest."""
        form = self._plural.get(count)
        if form is None:
            form = self._plural[count] = plural_form(self.lang, count)
        name = f"{key}.{form}"
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = tn(self.lang, key, count, shown="{count}")
        return template.format(count=self.number(count), **params) if "{" in template else template

    def at(self, value: float, unit: str | None) -> str:
        """prompts.at_amount, cached: "at 90%" / "al 90%"."""
        key = (value, unit)
        text = self._at.get(key)
        if text is None:
            text = self._at[key] = at_amount(self.lang, value, unit)
        return text

    def the(self, value: float) -> str:
        """prompts.the_amount of a percentage, cached: "5%" / "il 5%"."""
        text = self._the.get(value)
        if text is None:
            text = self._the[value] = the_amount(self.lang, value, "%")
        return text

    def fill(self, key: str, **params: object) -> str:
        """prompts.t's template filled, without the language's last touch: for a piece of a text that `finish`es as a
        whole (a goal's lines: one elision pass over the goal instead of one per piece, the same text)."""
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = t(self.lang, key)
        return template.format_map(params)

    def finish(self, text: str) -> str:
        """The last touch a text filled with `fill` needs (Italian elision before 8 and 11), as prompts.finish."""
        return elide_italian(text) if self._italian else text

    def pace(self, standing: Standing) -> str:
        """The status label (bot.blocks.standing.status_key), once per status a digest."""
        key = (standing.status, standing.numbers.override)
        label = self._paces.get(key)
        if label is None:
            label = self._paces[key] = self.t(status_key(standing))
        return label

    def t(self, key: str, **params: object) -> str:
        """prompts.t with the template looked up once per digest."""
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = t(self.lang, key)
        if not params:
            return template
        text = template.format_map(params)  # the keyword dict as it is, not unpacked into a copy
        return elide_italian(text) if self._italian else text

    def number(self, value: float | None, decimals: int = 2, *, keep_zeros: bool = False) -> str:
        """Like prompts.fmt_number: grouped, at most `decimals` decimals (exactly that many with keep_zeros)."""
        if not value:  # None is "–"; 0.0 and -0.0 are one dict key but not one text ("-0"): never cached
            return "–" if value is None else self._number(value, decimals, keep_zeros)
        key = (value, decimals, keep_zeros)  # targets and rounded forecasts repeat across a team
        text = self._numbers.get(key)
        if text is None:
            text = self._numbers[key] = self._number(value, decimals, keep_zeros)
        return text

    def _number(self, value: float, decimals: int, keep_zeros: bool) -> str:
        if (type(value) is float and 1e-4 <= abs(value) < 1e9
                and (value.is_integer() or 0.001 < value * self._SCALES[decimals] % 1.0 < 0.999)):
            # Neither a tie nor an exponent in the shortest form, known without writing it (repr() is a third of a
            # number's cost, ~2,500 numbers a build): a tie's shortest form is k / 10**(decimals + 1) for a whole
            # k ending in 5, and below 1e9 the float it reads back as, times that power, lies within 2**-12 of k
            # (half an ulp of the float, half an ulp of the product); a whole float's ends in ".0"; from 1e-4 on,
            # repr() writes no exponent. So the float rounds as Babel rounds its shortest form (below).
            text = format(value, self._SPECS[decimals])
        else:
            shortest = repr(float(value))
            # A tie has exactly decimals + 1 digits after the point, the last a 5 (no partition: ~13,000 calls).
            if "e" in shortest or (shortest[-1] == "5" and len(shortest) - shortest.find(".") == decimals + 2):
                # Babel rounds the shortest decimal form half-even: at a tie ("2.675") that differs from rounding
                # the float itself (2.67499999…); so do exponents. Only these go through Decimal.
                rounded = Decimal(shortest).quantize(self._STEPS[decimals], rounding=ROUND_HALF_EVEN)
                text = format(rounded, self._SPECS[decimals])
            else:
                # No tie in the shortest form: no rounding boundary lies between it and the float (a boundary
                # there would be a shorter form of the same float), so the float rounds as Babel rounds the
                # shortest form.
                text = format(value, self._SPECS[decimals])
        if decimals and not keep_zeros:
            text = text.rstrip("0").rstrip(".")
        if self._swapped:  # the locale's symbols; three replaces cost a third of str.translate with a mapping
            text = text.replace(",", "\0").replace(".", self._decimal).replace("\0", self._group)
        return text

    def amount(self, value: float | None, unit: str | None) -> str:
        """Like prompts.fmt_amount: currencies with their symbol, percentages, counts with their unit."""
        if not value:  # None, 0.0 and -0.0 (one dict key for two texts: Babel writes "-0"): never cached
            return self._amount(value, unit)
        key = (value, unit)
        text = self._amounts.get(key)
        if text is None:
            text = self._amounts[key] = self._amount(value, unit)
        return text

    def _amount(self, value: float | None, unit: str | None) -> str:
        if value is None:
            return "–"  # the en dash prompts.fmt_amount writes for a missing value
        if unit in self._symbols:
            whole = float(value).is_integer()
            digits = self.number(abs(value), 0 if whole else 2, keep_zeros=True)
            sign = "-" if math.copysign(1.0, value) < 0 else ""  # Babel keeps the sign of -0.001 and -0.0
            symbol = self._symbols[unit]
            return f"{sign}{symbol}{digits}" if self._symbol_first else f"{sign}{digits}\u00a0{symbol}"
        if unit == "%":
            return f"{self.number(value, 1)}%"
        text = self.number(value)
        if unit:
            if f"unit_forms.{unit}.other" in _unit_keys(self.lang):
                return f"{text} {self.tn(f'unit_forms.{unit}', value)}"
            name = self.t(f"units.{unit}") if f"units.{unit}" in _unit_keys(self.lang) else unit
            return f"{text} {name}"
        return text

    def date(self, day: date, style: str = "long") -> str:
        """prompts.fmt_date, once per day and style a digest: its goals fall on a few dozen days."""
        text = self._dates.get((day, style))
        if text is None:
            text = self._dates[(day, style)] = fmt_date(self.lang, day, style)
        return text

    def percent(self, whole: int) -> str:
        """A whole percentage ("40%"), once per value a digest."""
        text = self._percents.get(whole)
        if text is None:
            text = self._percents[whole] = f"{self.number(whole, 0)}%"
        return text


@lru_cache(maxsize=4)
def _unit_keys(lang: str) -> frozenset[str]:
    return frozenset(k for k in keys(lang) if k.startswith(("units.", "unit_forms.")))


def _title(fmt: Formats, item: DigestGoal) -> str:
    title = escape(clip(item.title, TITLE_CHARS))
    return fmt.fill("standing.original_title", title=title) if item.original_title else title


def blocker_line(fmt: Formats, item: DigestGoal, user: str) -> str:
    """A goal's blocker reported this week, quoted (escaped) under who said it and the goal: the channel digest's
    *Blockers this week* and the manager's week say it the same way."""
    said = (item.last.blocker or item.last.note or "") if item.last else ""
    quote = escape(clip(" ".join(said.split()), QUOTE_CHARS)) or fmt.t("digest.blocked_no_note")
    return fmt.t("digest.blocker_line", user=user, title=_title(fmt, item), quote=quote)


def _percent(fmt: Formats, fraction: float) -> str:
    return fmt.percent(round(fraction * 100))


def pace_counts(view: DigestView) -> dict[str, int]:
    """How many of the digest's goals are in each place of its headline (bot.rules.digest_math.headline_counts)."""
    return headline_counts(view.goals, view.week_start)


def _counted(fmt: Formats, view: DigestView) -> dict[str, str]:
    if fmt.counted is not None and fmt.counted[0] is view:  # the summary and the fallback text say the same
        return fmt.counted[1]
    counts = pace_counts(view)
    more = [fmt.tn(f"digest.more.{place}", counts[place]) for place in MORE if counts[place]]
    counted = {"people": fmt.tn("count.people", len(view.people)), "goals": fmt.tn("count.goals", len(view.goals)),
               **{place: fmt.tn(f"digest.count.{place}", counts[place]) for place in HEADLINE},
               "more": "".join(" · " + text for text in more), "more_text": "".join(", " + text for text in more)}
    fmt.counted = (view, counted)
    return counted


def fallback_text(view: DigestView, fmt: Formats | None = None) -> str:
    """The notification text of the main message."""
    fmt = fmt or Formats(view.lang)
    return fmt.t("digest.fallback", date=fmt.date(view.week_start), **_counted(fmt, view))


def _headline(view: DigestView, fmt: Formats) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=clip(fmt.t("digest.header", date=fmt.date(view.week_start)), 150)),
        section(fmt.t("digest.summary", **_counted(fmt, view))),
    ]
    if view.totals:
        lines = [total_line(fmt, total) for total in view.totals]
        blocks.append(section(fmt.t("digest.totals_label") + "\n" + "\n".join(lines)))
    if view.objectives:
        lines = [rollup_line(view.lang, result) for result in view.objectives]
        blocks.append(section(fmt.t("digest.objectives_label") + "\n" + "\n".join(lines)))
    if view.achieved:
        lines = [fmt.t("digest.achieved_line", user=fmt.person(s.owner), title=_title(fmt, s))
                 for s in view.achieved[:LIST_LIMIT]]
        if len(view.achieved) > LIST_LIMIT:
            lines.append(fmt.tn("digest.and_more", len(view.achieved) - LIST_LIMIT))
        blocks.append(section(fmt.t("digest.achieved_label", count=len(view.achieved)) + "\n" + "\n".join(lines)))
    if view.at_risk:
        lines = [fmt.t("digest.at_risk_line", pace=fmt.pace(s.standing), user=fmt.person(s.owner),
                       title=_title(fmt, s), detail=_risk_detail(fmt, s)) for s in view.at_risk]
        blocks.append(section(fmt.t("digest.at_risk_label") + "\n" + "\n".join(lines)))
    if view.blockers:
        quotes = []
        for s in view.blockers[:LIST_LIMIT]:
            quotes.append(blocker_line(fmt, s, fmt.person(s.owner)))
        if len(view.blockers) > LIST_LIMIT:
            quotes.append(fmt.tn("digest.and_more", len(view.blockers) - LIST_LIMIT))
        blocks.append(section(fmt.t("digest.blockers_label") + "\n" + "\n".join(quotes)))
    if view.missing:
        names = ", ".join(fmt.person(u) for u in view.missing[:MISSING_LIMIT])
        if len(view.missing) > MISSING_LIMIT:
            names += " " + fmt.tn("digest.and_more", len(view.missing) - MISSING_LIMIT)
        blocks.append(context(fmt.t("digest.missing", people=names)))
    elif view.asked and not view.skipped:  # a skipped week is not a check-in (each one says so on its line)
        blocks.append(context(fmt.t("digest.everyone_checked_in")))
    return blocks


def _risk_detail(fmt: Formats, item: DigestGoal) -> str:
    """Why a goal is at risk: done against expected for a distance to cover; for a floor, how it held."""
    standing = item.standing
    if standing.progress is None or standing.numbers.kind is _MAINTAIN:
        return _measure(fmt, item)
    return fmt.t("standing.expected", done_at=fmt.at(float(round(max(standing.progress, 0.0) * 100)), "%"),
                 expected_the=fmt.the(float(round(standing.expected * 100))))


def total_line(fmt: Formats, total: Total) -> str:
    """"+€60,000 of €240,000 needed (25%) · 3 goals" — gained so far against the gain needed, active goals only."""
    gained = estimate(total.gained, total.unit)
    # Counts name their unit once, after the target: "+7 of 10 clients needed", never "7 clients of 10 clients".
    line = fmt.t("digest.total_line",
                 gained=fmt.amount(gained, total.unit) if total.unit in Formats._CURRENCIES else fmt.number(gained),
                 needed=fmt.amount(estimate(total.needed, total.unit), total.unit),
                 percent=_percent(fmt, max(total.share, 0.0)), goals=fmt.tn("count.goals", total.goals))
    if total.closed:
        line += " " + fmt.tn("digest.total_closed", total.closed)
    return line


def _measure(fmt: Formats, item: DigestGoal) -> str:
    """The goal's numbers ("2,09 su 12 clienti"), filled but not finished: the caller's text is finished whole."""
    g = item.standing.numbers
    kind = g.kind
    if kind is _MAINTAIN:
        floor_at = fmt.at(g.target, g.unit)
        wording = "keep_below" if g.ceiling else "maintain"
        if g.current is None:
            return fmt.fill(f"measure.{wording}_none", floor_at=floor_at, date=fmt.date(g.deadline))
        key = f"measure.{wording}_held" if item.standing.held else f"measure.{wording}_below"
        return fmt.fill(key, current=fmt.amount(g.current, g.unit), floor_at=floor_at, date=fmt.date(g.deadline),
                        weeks=fmt.tn("count.weeks_below", item.standing.weeks_below))
    unit = "%" if kind is _GROWTH else g.unit
    value = item.standing.value
    if kind is _REDUCE:  # "now 6.4%, down to 5%", never "6.4% of 5%" (the one wording, bot.blocks.standing)
        return value_of_target(fmt.lang, value, g.target, unit, down=True, amount=fmt.amount, number=fmt.number)
    if unit and unit not in Formats._CURRENCIES and unit != "%":
        return fmt.fill("measure.of_count", current=fmt.number(value or 0.0), target=fmt.number(g.target),
                        unit=fmt.unit_label(unit, g.target))
    text = fmt.fill("measure.of", current=fmt.amount(value, unit), target=fmt.amount(g.target, unit))
    if kind is _GROWTH:  # "6% of 15% (€84,800 of €92,000)": a manager checks money against the books
        # The target's amount as every screen says it (blocks.standing.measure_text): growth_target_amount.
        now, goal = reached_amount(g, value or 0.0), growth_target_amount(g)
        if now is not None and goal is not None:
            text += " " + fmt.fill("measure.growth_money", now=fmt.amount(float(round(now[0])), now[1]),
                                   amount=fmt.amount(float(round(goal)), now[1]))
    return text


def goal_text(fmt: Formats, item: DigestGoal) -> str:
    """One goal: title, the measure, bar, status, forecast and the last check-in (the model's answer)."""
    # Its pieces are filled (Formats.fill) and each of its three lines finished once: elision cannot reach across
    # pieces joined by a line break or " · " (never by an article's space), so the text is the same as finishing
    # every piece. Not the whole text at once: the bar and the emoji make it four bytes a character, and the
    # elision's expression, run over all of it whenever a title holds "l 8", cost more than the calls it saved.
    standing = item.standing
    numbers = standing.numbers
    title = fmt.fill("digest.goal_title", title=_title(fmt, item))
    if item.adjusted:
        title += " " + fmt.t("digest.adjusted")
    percent = standing.percent
    shown = "" if percent is None else " " + fmt.percent(percent)
    if numbers.kind is _MAINTAIN:  # a floor held week by week: no bar to fill, as on every other screen
        progress = fmt.fill("digest.goal_held", measure=_measure(fmt, item), pace=fmt.pace(standing))
    else:
        progress = fmt.fill("digest.goal_progress", bar=bar(standing) + shown, measure=_measure(fmt, item),
                            pace=fmt.pace(standing))
    details: list[str] = []
    outlook = standing.forecast
    if outlook is not None and standing.status is not _ACHIEVED:
        if outlook.reach is not None:
            details.append(fmt.dated("digest.forecast_reach", outlook.reach))
        else:
            unit = "%" if numbers.kind is _GROWTH else numbers.unit
            low, high = projection(outlook.low, unit), projection(outlook.high, unit)
            low_text, high_text = fmt.amount(low, unit), fmt.amount(high, unit)
            # A range whose ends read the same is one value ("13.6% by 9 Mar", not "13.6%–13.6%").
            key = "digest.forecast_at" if low_text == high_text else (
                "digest.forecast_between_target" if target_in_range(numbers, outlook)
                else "digest.forecast_between")
            if key != "digest.forecast_at" and unit and unit not in Formats._CURRENCIES and unit != "%":
                low_text = fmt.number(low)  # a count's unit once: "38–39 meetings", not "38 meetings–39 meetings"
            details.append(fmt.fill(key, low=low_text, high=high_text, date=fmt.date(numbers.deadline, "short")))
    last = item.last
    if last is None:
        details.append(fmt.t("digest.no_checkin_yet"))
    else:
        line = fmt.dated("digest.last_checkin", last.on)
        said = " ".join(last.note.split()) if last.note else ""  # a channel's digest has no notes
        if said:
            line += " " + fmt.fill("digest.quoted", text=escape(clip(said, QUOTE_CHARS)))
        details.append(line)
    if numbers.closed_as is None:
        if item.skipped:
            details.append(fmt.t("digest.skipped_this_week"))
        elif item.unanswered:
            details.append(fmt.t("digest.no_checkin_this_week"))
    return f"{fmt.finish(title)}\n{fmt.finish(progress)}\n{fmt.finish(' · '.join(details))}"


def person_texts(fmt: Formats, owner: str, goals: list[DigestGoal]) -> list[str]:
    """One person's goals as section texts of at most Slack's 3000 characters, their name on the first."""
    texts: list[str] = []
    text = fmt.t("digest.person", user=fmt.person(owner))
    for item in goals:
        piece = goal_text(fmt, item)
        if len(text) + 2 + len(piece) > SECTION_LIMIT:
            texts.append(text)
            text = piece
        else:
            text += "\n\n" + piece
    texts.append(text)
    return texts


def _block_chars(block: Block) -> int:
    data = block.to_dict()
    text = data.get("text")
    if isinstance(text, dict):
        return len(text.get("text", ""))
    return sum(len(e.get("text", "")) for e in data.get("elements", []) if isinstance(e, dict))


class _Pages:
    """Blocks laid out over messages, each within the block and character limits."""

    def __init__(self, first: list[Block], first_limit: int) -> None:
        self.pages: list[list[Block | dict[str, Any]]] = [list(first)]
        self.sizes = [sum(_block_chars(b) for b in first)]
        self.people = [0]
        self.first_limit = first_limit

    def _fits(self, blocks: int, chars: int) -> bool:
        limit = self.first_limit if len(self.pages) == 1 else MAX_BLOCKS
        return len(self.pages[-1]) + blocks <= limit and self.sizes[-1] + chars <= MESSAGE_CHARS

    def _new_page(self) -> None:
        self.pages.append([])
        self.sizes.append(0)
        self.people.append(0)

    def add_person(self, texts: list[str]) -> None:
        """Keep a person's sections in one message when they fit in one; else spread them."""
        chars = sum(len(text) for text in texts)
        if not self._fits(len(texts), chars) and self.pages[-1]:
            self._new_page()
        self.people[-1] += 1
        for text in texts:
            if not self._fits(1, len(text)) and self.pages[-1]:
                self._new_page()
            self.pages[-1].append(section_dict(text))
            self.sizes[-1] += len(text)


def digest_messages(view: DigestView) -> list[Message]:
    """The main digest message and, for a large team, follow-ups for its thread: each within Slack's limits."""
    fmt = Formats(view.lang)
    fmt.names = view.names
    if not view.people:
        return [text_message(fmt.t("digest.empty"))]
    # The main message keeps one block free for "continued in the thread".
    layout = _Pages([*_headline(view, fmt), DividerBlock()], first_limit=MAX_BLOCKS - 1)
    for owner, goals in view.people:
        layout.add_person(person_texts(fmt, owner, goals))
    pages = layout.pages
    messages = [Message(text=fallback_text(view, fmt), blocks=pages[0])]
    if len(pages) > 1:
        pages[0].append(context(fmt.tn("digest.continued", sum(layout.people[1:]))))
        for number, page in enumerate(pages[1:], start=2):
            text = fmt.t("digest.part_fallback", date=fmt.date(view.week_start), number=number, total=len(pages))
            messages.append(Message(text=text, blocks=page))
    return messages


def removed_notice(lang: str, channel_id: str, problem: str, *, error: str | None = None) -> Message:
    """The DM to a subscriber whose weekly digest Slack refused, saying how to fix it."""
    key = {"not_in_channel": "digest.notice_not_member", "channel_not_found": "digest.notice_not_member",
           "is_archived": "digest.notice_archived"}.get(problem, "digest.notice_refused")
    return text_message(t(lang, key, channel=f"<#{channel_id}>", error=escape(error or problem)))
