"""Table-driven tests for bot.rules.replies: what a check-in reply means for the goal."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.rules.replies import MAX_REPLY_CHARS, REASONS, GoalContext, asks_to_skip, read_reply, skip_reason

# Sign 10 new clients this quarter; 4 so far.
CLIENTS = GoalContext(baseline=0, target=10, current=4, unit="clients", direction="increase")
# Close 12 deals; 5 so far, counted with no unit label.
DEALS = GoalContext(baseline=0, target=12, current=5, unit=None, direction="increase")
# Grow booked revenue from €50k to €500k; €100k so far.
REVENUE = GoalContext(baseline=50_000, target=500_000, current=100_000, unit="EUR", direction="increase")
# Lift retention from 80% to 90%; 82% now.
RETENTION = GoalContext(baseline=80, target=90, current=82, unit="%", direction="increase")
# Reduce churn from 8% to 5%; 7% now.
CHURN = GoalContext(baseline=8, target=5, current=7, unit="%", direction="decrease")
# Keep NPS at or above 50; 52 now.
NPS = GoalContext(baseline=50, target=50, current=52, unit=None, direction="maintain")
# A brand-new goal: no baseline, no check-in yet.
FRESH = GoalContext(baseline=None, target=10, current=None, unit="clients", direction="increase")


@dataclass(frozen=True)
class Ask:
    """The reply must be asked back, for this reason, offering these values."""

    reason: str
    candidates: tuple[float, ...] = ()


# (reply, lang, goal, the value a person reading it would record, or Ask(...) when they would ask back)
REPLIES: list[tuple[str, str, GoalContext, float | Ask]] = [
    # a bare number is the new total
    ("7", "en", CLIENTS, 7),
    ("7 clients", "en", CLIENTS, 7),
    ("sette", "it", CLIENTS, 7),
    ("ten!", "en", CLIENTS, 10),
    ("sei", "it", CLIENTS, 6),
    ("sei clienti", "it", CLIENTS, 6),
    # progress written as a fraction of the target
    ("7/10", "en", CLIENTS, 7),
    ("7 out of 10", "en", CLIENTS, 7),
    ("6 su 10", "it", CLIENTS, 6),
    ("6/12", "en", CLIENTS, Ask("ambiguous_fraction", (6,))),
    # a percentage on a count goal is the share of the way from baseline to target
    ("70%", "en", CLIENTS, 7),
    ("siamo al 70%", "it", CLIENTS, 7),
    ("75%", "en", CLIENTS, Ask("percent_of_what", (7, 8))),
    ("70% of pipeline", "en", CLIENTS, Ask("percent_of_what", (70,))),
    ("up 20%", "en", DEALS, Ask("percent_of_what", (20,))),
    ("from 60% to 70%", "en", CLIENTS, 7),
    ("70% dell'obiettivo", "it", CLIENTS, 7),
    ("70%", "en", REVENUE, 365_000),
    ("70%", "en", NPS, Ask("percent_of_what", (70,))),
    # a percentage on a percentage goal is the value itself
    ("70%", "en", RETENTION, 70),
    ("siamo all'85%", "it", RETENTION, 85),
    ("retention at 84.5%", "en", RETENTION, 84.5),
    ("+2%", "en", RETENTION, 84),
    # increments
    ("+3", "en", CLIENTS, 7),
    ("3 more", "en", CLIENTS, 7),
    ("altri 3", "it", CLIENTS, 7),
    ("tre nuovi clienti", "it", CLIENTS, 7),
    ("3 clienti in più questa settimana", "it", CLIENTS, 7),
    ("one more", "en", CLIENTS, 5),
    ("another €30k", "en", REVENUE, 130_000),
    ("+€30k this week", "en", REVENUE, 130_000),
    ("closed 3 more deals", "en", DEALS, 8),
    ("need 3 more", "en", CLIENTS, 7),
    # an explicit total wins over the increments around it
    ("closed 3 more deals, now at 7", "en", DEALS, 7),
    ("ho chiuso 3 nuovi clienti, ora siamo a 7", "it", CLIENTS, 7),
    ("closed 3 deals this week, 9 total", "en", DEALS, 9),
    ("went from 4 to 6", "en", CLIENTS, 6),
    ("passati da 4 a 6", "it", CLIENTS, 6),
    ("siamo a 6, altri 2 in arrivo", "it", CLIENTS, 6),
    ("a quota 8", "it", CLIENTS, 8),
    # distance still to go
    ("3 to go", "en", CLIENTS, 7),
    ("ne mancano 2", "it", CLIENTS, 8),
    # money
    ("€120k", "en", REVENUE, 120_000),
    ("120.000 euro", "it", REVENUE, 120_000),
    ("120k", "en", REVENUE, 120_000),
    ("siamo a 130 mila euro", "it", REVENUE, 130_000),
    ("fatturato: 130k", "it", REVENUE, 130_000),
    ("closed a €30k deal, total €130k", "en", REVENUE, 130_000),
    ("$5k", "en", REVENUE, Ask("unit_mismatch", (5_000,))),
    ("£10k", "en", REVENUE, Ask("unit_mismatch", (10_000,))),
    ("€20k deal signed", "en", CLIENTS, Ask("unit_mismatch", (20_000,))),
    ("120", "en", REVENUE, Ask("ambiguous_scale", (120, 120_000))),
    ("+3", "en", REVENUE, Ask("ambiguous_scale", (100_003, 103_000))),  # €3 more, or 3k with the k left out?
    ("altri 5", "it", REVENUE, Ask("ambiguous_scale", (100_005, 105_000))),
    ("+€5k", "en", REVENUE, 105_000),
    # nothing moved
    ("no change", "en", CLIENTS, 4),
    ("nessun cambiamento", "it", CLIENTS, 4),
    ("still 4", "en", CLIENTS, 4),
    ("fermo a 4", "it", CLIENTS, 4),
    ("stuck at 4", "en", CLIENTS, 4),
    ("no change", "en", FRESH, Ask("no_reference")),
    # blockers do not hide the value
    ("blocked by legal review, still at 4", "en", CLIENTS, 4),
    ("in attesa di procurement, fermi a 4", "it", CLIENTS, 4),
    ("€120k, waiting on legal for a €40k deal", "en", REVENUE, 120_000),
    ("waiting on 2 signatures", "en", CLIENTS, Ask("no_number")),
    # decrease goals
    ("churn down to 6%", "en", CHURN, 6),
    ("churn al 6,5%", "it", CHURN, 6.5),
    ("down 1 point", "en", CHURN, 6),
    ("churn went up to 7.5%", "en", CHURN, 7.5),
    ("purtroppo risalito al 7,2", "it", CHURN, 7.2),  # "al": where it is now, not by how much it rose
    ("tornato al 7,5%", "it", CHURN, 7.5),
    ("rientrati al 6,5%", "it", CHURN, 6.5),
    ("il churn è al 6%", "it", CHURN, 6),
    ("peggiorato al 7,4", "it", CHURN, 7.4),
    ("back to 7.2", "en", CHURN, 7.2),
    ("slipped to 7.4%", "en", CHURN, 7.4),
    ("returned to 6.5", "en", CHURN, 6.5),
    ("risaliti a 6", "it", CLIENTS, 6),
    # signs in words, halves, and a number the person says it is not (a shell session's misreadings)
    ("meno 5k, c'è stato uno storno", "it", REVENUE, 95_000),
    ("minus 5k", "en", REVENUE, 95_000),
    ("meno 0,3", "it", CHURN, 6.7),  # was read as a churn of 0.3%
    ("minus 0.3", "en", CHURN, 6.7),
    ("più 2", "it", CLIENTS, 6),
    ("6 e mezzo", "it", CHURN, 6.5),  # was read as 6
    ("six and a half", "en", CHURN, 6.5),
    ("2 ore e mezza di call, siamo a 5", "it", CLIENTS, 5),
    ("scusa errore, erano 120 mila non 130", "it", REVENUE, 120_000),
    ("non 130 ma 120 mila", "it", REVENUE, 120_000),
    ("sorry, it was 120k not 130k", "en", REVENUE, 120_000),
    ("120k, not 130k", "en", REVENUE, 120_000),
    ("closed 2 more, €22k total this week", "en", REVENUE, Ask("ambiguous_delta", (22_000, 122_000))),
    ("nothing closed yet, 2 in legal", "en", CLIENTS, 4),  # was recorded as +2
    ("ancora niente di chiuso, 2 in trattativa", "it", CLIENTS, 4),
    ("calato ancora, 0,5", "it", CHURN, Ask("ambiguous_delta", (0.5, 6.5))),  # offered 7.5: "calato" says down
    # the person doubts what their number counts: asked, not recorded (a tester's was recorded as 5)
    ("sono a 5 ma uno è un rinnovo, non so se conta", "it", CLIENTS, Ask("unsure", (5,))),
    ("at 5, not sure if the renewal counts", "en", CLIENTS, Ask("unsure", (5,))),
    ("non so se riesco a chiudere entro venerdì, siamo a 5", "it", CLIENTS, 5),  # a doubt about Friday, not the 5
    ("-0.5%", "en", CHURN, 6.5),
    # maintain goals
    ("52", "en", NPS, 52),
    ("NPS 48 this month", "en", NPS, 48),
    # a fresh goal reads totals but cannot place increments
    ("3", "en", FRESH, 3),
    ("+3", "en", FRESH, Ask("no_reference")),
    ("tre nuovi clienti", "it", FRESH, Ask("no_reference")),
    # dates and times are not values
    ("signing on the 12th, now at 6", "en", CLIENTS, 6),
    ("meeting on March 12, at 5 now", "en", CLIENTS, 5),
    ("entro il 15 chiudiamo, ora siamo a 5", "it", CLIENTS, 5),
    ("call alle 10, siamo a 5", "it", CLIENTS, 5),
    ("all good for Q3 2027, at 5", "en", CLIENTS, 5),
    # ask back rather than guess
    ("7 or 8", "en", CLIENTS, Ask("several_numbers", (7, 8))),
    ("met 5 clients, 2 signed", "en", CLIENTS, Ask("several_numbers", (5, 2))),
    ("7 clients, 2 more than last week", "en", CLIENTS, Ask("several_numbers", (7, 2))),
    ("closed 2 deals by Friday", "en", DEALS, Ask("ambiguous_delta", (2, 7))),
    ("abbiamo firmato 2 contratti", "it", CLIENTS, Ask("ambiguous_delta", (2, 6))),
    ("ho parlato con 5 clienti", "it", CLIENTS, Ask("ambiguous_delta", (5, 9))),
    ("talked to 5 prospects", "en", CLIENTS, Ask("ambiguous_delta", (5, 9))),
    ("ottima settimana, 2 demo fatte e 1 contratto firmato", "it", CLIENTS, Ask("several_numbers", (2, 1))),
    ("lost 1 client", "en", CLIENTS, Ask("ambiguous_delta", (3, 4))),
    ("3", "en", CLIENTS, Ask("ambiguous_delta", (3, 7))),
    ("5k", "en", REVENUE, Ask("ambiguous_delta", (5_000, 105_000))),
    ("good week", "en", CLIENTS, Ask("no_number")),
    ("settimana tranquilla, sei sempre gentile", "it", CLIENTS, Ask("no_number")),
    ("un nuovo cliente", "it", CLIENTS, Ask("no_number")),
]


# Grow closed revenue from $1.9M to $2.2M; $1.9M now.
BOOKED = GoalContext(baseline=1_900_000, target=2_200_000, current=1_900_000, unit="USD", direction="increase")
# Kinds of replies that used to be misread, written fresh as account executives type them in Slack.
UNDERSTANDING: list[tuple[str, str, GoalContext, float | Ask]] = [
    # hopes, plans, hedges and the future are not progress
    ("hoping for two more by Friday", "en", CLIENTS, Ask("hedged")),
    ("maybe 6, waiting for confirmation", "en", CLIENTS, Ask("hedged")),
    ("should close 2 more next week", "en", DEALS, Ask("hedged")),
    ("we'll probably get to 7 by end of month", "en", CLIENTS, Ask("hedged")),
    ("planning to sign 3 in january", "en", CLIENTS, Ask("hedged")),
    ("expecting 5 by q1", "en", CLIENTS, Ask("hedged")),
    ("forse 6, aspetto conferma", "it", CLIENTS, Ask("hedged")),
    ("contiamo di chiuderne 3 a gennaio", "it", DEALS, Ask("hedged")),
    ("probabilmente arriviamo a 7", "it", CLIENTS, Ask("hedged")),
    ("spero altri 2 entro venerdì", "it", CLIENTS, Ask("hedged")),
    ("chiuderemo 3 contratti la prossima settimana", "it", DEALS, Ask("hedged")),
    ("magari 8 entro fine mese", "it", CLIENTS, Ask("hedged")),
    ("siamo a 6, speriamo altri 2 a dicembre", "it", CLIENTS, 6),
    # the same, mistyped or abbreviated, or said to be unconfirmed in another clause
    ("mayby 6", "en", CLIENTS, Ask("hedged")),
    ("hopeing for 6 by friday", "en", CLIENTS, Ask("hedged")),
    ("probbaly 7 next week", "en", CLIENTS, Ask("hedged")),
    ("prob 6 but not confirmed yet", "en", CLIENTS, Ask("hedged")),
    ("possibly 5", "en", CLIENTS, Ask("hedged")),
    ("6, tbc", "en", CLIENTS, Ask("hedged")),
    ("probabilemnte 6", "it", CLIENTS, Ask("hedged")),
    ("speraimo 7 entro venerdì", "it", CLIENTS, Ask("hedged")),
    ("6 ma da confermare", "it", CLIENTS, Ask("hedged")),
    ("siamo a 6, non ancora confermato", "it", CLIENTS, Ask("hedged")),
    ("best possible week, now at 6", "en", CLIENTS, 6),
    ("now at 6, hoping for 2 more", "en", CLIENTS, 6),
    # no change, with numbers about other things
    ("no movement, 4 meetings with procurement this week", "en", CLIENTS, 4),
    ("no change. 3 demos booked for next week", "en", CLIENTS, 4),
    ("nothing new, call with legal tuesday at 3pm", "en", CLIENTS, 4),
    ("churn flat, 3 tickets escalated", "en", CHURN, 7),
    ("tutto fermo, riunione con l'ufficio acquisti martedì alle 15", "it", CLIENTS, 4),
    ("nessuna novità, 2 call fissate per il 12", "it", CLIENTS, 4),
    ("invariato, sentiti 5 prospect", "it", CLIENTS, 4),
    ("no change, still at 4", "en", CLIENTS, 4),
    ("nothing changed, demo w/ acme on 12/14", "en", CLIENTS, 4),
    ("fermo, 2 demo fissate", "it", CLIENTS, 4),
    ("tutto fermi, 3 offerte inviate", "it", CLIENTS, 4),
    ("siamo fermi a 4", "it", CLIENTS, 4),
    # fractions in words
    ("about half way", "en", CLIENTS, 5),
    ("halfway there", "en", CLIENTS, 5),
    ("a third of the way", "en", RETENTION, 83.333333),
    ("a third of the way", "en", CLIENTS, Ask("percent_of_what", (3, 4))),
    ("roughly a fifth of the way there", "en", CLIENTS, 2),
    ("three quarters of the way", "en", REVENUE, 387_500),
    ("siamo circa a metà", "it", CLIENTS, 5),
    ("a metà strada", "it", CLIENTS, 5),
    ("siamo a tre quarti", "it", DEALS, 9),
    ("giù di mezzo punto", "it", CHURN, 6.5),
    ("down half a point", "en", CHURN, 6.5),
    ("su di mezzo punto", "it", RETENTION, 82.5),
    ("quasi a metà", "it", CLIENTS, Ask("approximate", (5,))),
    ("nearly halfway", "en", CLIENTS, Ask("approximate", (5,))),
    # totals that only make sense as totals
    ("USD 2.05M closed", "en", BOOKED, 2_050_000),
    ("closed $2.1M so far", "en", BOOKED, 2_100_000),
    ("chiusi 2,1 milioni di dollari", "it", BOOKED, 2_100_000),
    ("closed $100k", "en", BOOKED, Ask("ambiguous_delta", (100_000, 2_000_000))),
    # blockers with dates and times stay blockers
    ("legal review pushed to Monday 10am", "en", CLIENTS, Ask("no_number")),
    ("il contratto slitta a fine gennaio", "it", CLIENTS, Ask("no_number")),
    ("still 4, signature slipped to the 15th", "en", CLIENTS, 4),
    ("fermi a 4, la firma è rinviata al 12 gennaio", "it", CLIENTS, 4),
    # counts said without a digit: one more, or none new (at 4 clients)
    ("ho chiuso un altro cliente", "it", CLIENTS, 5),
    ("ho chiuso un'altra trattativa", "it", DEALS, 6),
    ("un cliente in più", "it", CLIENTS, 5),
    ("nessun nuovo cliente", "it", CLIENTS, 4),
    ("closed another client", "en", CLIENTS, 5),
    ("another two clients", "en", CLIENTS, 6),  # the number says how many
    ("another 2 clients", "en", CLIENTS, 6),
    ("no new clients this week", "en", CLIENTS, 4),
    ("ho chiuso un altro cliente", "it", CHURN, Ask("no_number")),  # a client more says nothing of a churn rate
    ("closed another client", "en", REVENUE, Ask("no_number")),
    ("tutto fermo per colpa del legale", "it", CLIENTS, 4),
    ("everything is stuck because of legal", "en", CLIENTS, 4),
    # a fix to an earlier reply is not this week's progress: asked, with the value as one choice
    ("in realtà siamo a 5, la volta scorsa avevo sbagliato", "it", CLIENTS, Ask("correction", (5.0,))),
    ("actually 5 - I got it wrong last week", "en", CLIENTS, Ask("correction", (5.0,))),
    ("typo last week, we are at 5", "en", CLIENTS, Ask("correction", (5.0,))),
    # from zero, a total and this week's increase are the same number: nothing to ask
    ("ho chiuso 3 clienti questa settimana!", "it", GoalContext(baseline=0, target=10, current=0, unit="clients",
                                                                direction="increase"), 3),
]
NEW_BLOCKERS: list[tuple[str, str, str | None]] = [
    ("legal review pushed to Monday 10am", "en", "legal review pushed to Monday 10am"),
    ("il contratto slitta a fine gennaio", "it", "il contratto slitta a fine gennaio"),
    ("still 4, signature slipped to the 15th", "en", "signature slipped to the 15th"),
    ("fermi a 4, la firma è rinviata al 12 gennaio", "it", "la firma è rinviata al 12 gennaio"),
    ("siamo a 5, manca il budget marketing", "it", "manca il budget marketing"),
    ("tutto fermo per colpa del legale", "it", "tutto fermo per colpa del legale"),
    ("il legale ci sta bloccando", "it", "il legale ci sta bloccando"),
    ("everything is stuck because of legal", "en", "everything is stuck because of legal"),
    ("5 now, missing the budget sign-off", "en", "missing the budget sign-off"),
    ("siamo a 7, manca poco", "it", None),  # "almost there", not an obstacle
    ("7, ne mancano 3", "it", None),
    ("7, lacking a sponsor at Acme", "en", "lacking a sponsor at Acme"),
]


def _id(case: tuple[str, str, GoalContext, float | Ask]) -> str:
    return f"{case[1]}:{case[0]}"


@pytest.mark.parametrize("case", REPLIES + UNDERSTANDING, ids=[_id(c) for c in REPLIES + UNDERSTANDING])
def test_reply_reads_as_a_person_would(case: tuple[str, str, GoalContext, float | Ask]) -> None:
    text, lang, goal, expected = case
    reading = read_reply(text, lang=lang, goal=goal)
    if isinstance(expected, Ask):
        assert (reading.confident, reading.value, reading.reason) == (False, None, expected.reason)
        assert reading.candidates == pytest.approx(expected.candidates)
        assert reading.reason in REASONS
    else:
        assert (reading.confident, reading.reason, reading.candidates) == (True, None, ())
        assert reading.value == pytest.approx(expected)


def test_table_covers_both_languages_and_at_least_forty_replies() -> None:
    assert len(REPLIES) >= 40
    assert {lang for _, lang, _, _ in REPLIES} == {"en", "it"}


# (reply, lang, goal, expected delta)
DELTAS = [
    ("7", "en", CLIENTS, 3.0),
    ("+3", "en", CLIENTS, 3.0),
    ("no change", "en", CLIENTS, 0.0),
    ("churn down to 6%", "en", CHURN, -1.0),
    ("3", "en", FRESH, None),
]


@pytest.mark.parametrize(("text", "lang", "goal", "delta"), DELTAS)
def test_delta_is_the_change_from_the_current_value(text: str, lang: str, goal: GoalContext, delta: float | None) -> None:
    assert read_reply(text, lang=lang, goal=goal).delta == delta


def test_delta_on_a_fresh_goal_is_the_stated_increment() -> None:
    fresh_with_baseline = GoalContext(baseline=2, target=10, current=None, unit="clients", direction="increase")
    reading = read_reply("+3", lang="en", goal=fresh_with_baseline)
    assert (reading.value, reading.delta) == (5.0, 3.0)


# (reply, lang, expected note)
NOTES = [
    ("7", "en", None),
    ("  +3 ", "en", None),
    ("7/10", "en", None),
    ("70%", "en", None),
    ("good week", "en", "good week"),
    ("  closed 3 more deals, now at 7  ", "en", "closed 3 more deals, now at 7"),
    ("tre nuovi clienti", "it", "tre nuovi clienti"),
]


@pytest.mark.parametrize(("text", "lang", "note"), NOTES)
def test_note_keeps_the_owners_words_verbatim(text: str, lang: str, note: str | None) -> None:
    assert read_reply(text, lang=lang, goal=CLIENTS).note == note


# (reply, lang, expected blocker)
BLOCKERS: list[tuple[str, str, str | None]] = [
    ("blocked by legal review, still at 4", "en", "blocked by legal review"),
    ("still 4. Waiting on procurement to sign off.", "en", "Waiting on procurement to sign off"),
    ("stuck on the security questionnaire", "en", "stuck on the security questionnaire"),
    ("deal on hold until budget is approved, 5 now", "en", "deal on hold until budget is approved"),
    ("siamo a 5, bloccato dal legale", "it", "bloccato dal legale"),
    # a frozen budget holds the work up (a tester's "invariato, Esselunga ha congelato il budget" raised nothing)
    ("invariato, Esselunga ha congelato il budget fino a gennaio", "it",
     "Esselunga ha congelato il budget fino a gennaio"),
    ("flat, Acme froze the budget until January", "en", "Acme froze the budget until January"),
    ("budget freeze at Acme, still 4", "en", "budget freeze at Acme"),
    ("in attesa di risposta dal cliente; ora siamo a 5", "it", "in attesa di risposta dal cliente"),
    ("problema con il procurement, ancora 4", "it", "problema con il procurement"),
    ("stuck at 4", "en", None),
    ("7 clients, great week", "en", None),
    ("fermo a 4", "it", None),
]


@pytest.mark.parametrize(("text", "lang", "blocker"), BLOCKERS + NEW_BLOCKERS)
def test_blocker_is_the_clause_that_names_it(text: str, lang: str, blocker: str | None) -> None:
    assert read_reply(text, lang=lang, goal=CLIENTS).blocker == blocker


def test_no_confident_wrong_value_in_the_tables() -> None:
    """The invariant that matters most: every reading is exactly right, or not confident (and asked back)."""
    wrong = []
    for text, lang, goal, expected in REPLIES + UNDERSTANDING:
        reading = read_reply(text, lang=lang, goal=goal)
        right = not isinstance(expected, Ask) and reading.value == pytest.approx(expected)
        if reading.confident and not right:
            wrong.append((text, reading.value, expected))
    assert wrong == []


def test_a_very_long_reply_is_read_in_one_pass() -> None:
    # 20,000 characters of an owner pasting notes: read (not timed here; see the report), ending with the total.
    filler = "call with acme on 12/3 at 10:30, 4 stakeholders, budget 120k, next steps tbd; " * 400
    text = (filler[: MAX_REPLY_CHARS - 20] + " now at 7 clients").rjust(MAX_REPLY_CHARS)
    assert len(text) == MAX_REPLY_CHARS
    reading = read_reply(text, lang="en", goal=CLIENTS)
    assert reading.confident is False or reading.value == 7


def test_a_reply_longer_than_any_check_in_is_not_read() -> None:
    reading = read_reply("7 " * MAX_REPLY_CHARS, lang="en", goal=CLIENTS)
    assert (reading.confident, reading.reason) == (False, "too_long")


@pytest.mark.parametrize(("text", "skips"), [
    ("salto questa settimana", True),
    ("questa settimana niente, sono in ferie", True),
    ("I'm on holiday this week", True),
    ("skip this week please", True),
    ("skip", True),  # the button's word typed alone was answered "I couldn't find a number"
    ("Salta.", True),
    ("salta questa settimana", True),
    ("skip 3", False),
    ("salta 2 clienti", False),
    ("we're out of the office until Monday", True),
    ("niente di nuovo", False),  # no change is a value, not a skipped week
    ("the client is on holiday", False),  # someone else away is news, not the owner skipping
    ("7", False),
])
def test_a_reply_asks_to_skip_the_week(text: str, skips: bool) -> None:
    assert asks_to_skip(text) is skips


@pytest.mark.parametrize(("text", "reason"), [
    ("skip", None), ("Skip this week", None), ("salto questa settimana", None), ("salto", None),
    ("I'm on PTO this week", "I'm on PTO this week"), ("sono in ferie", "sono in ferie"),
    ("salto questa settimana, sono in ferie", "salto questa settimana, sono in ferie"),
])
def test_a_typed_skip_keeps_its_reason_and_a_bare_skip_has_none(text: str, reason: str | None) -> None:
    assert skip_reason(text) == reason
