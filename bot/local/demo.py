"""`goalbot demo`: a sales team with twelve weeks of history and the company objectives its goals serve, so a digest,
a chart, App Home and `/goal aziendali` show something at once.

The team is written through goalbot's own services (check-ins recorded with `record_value`, which sets pace and
status as a real reply would), in a database of its own, and the people and #sales are added to the shell's
workspace exactly as `:as` and `:channel` would add them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.jobs.runner import run_job
from bot.local.state import ShellState, state_path
from bot.local.workspace import LocalWorkspace
from bot.rules.goals import parse_goal
from bot.rules.schedule import week_start
from bot.rules.statuses import ReadingSource
from bot.services.checkins import Origin, record_value
from bot.settings import Settings
from storage.models import CheckIn, Goal, UserPref
from storage.repositories import save_digest_subscription
from storage.teams import add_objective, set_manager

TEAM_ID = "T0001"
WEEKS = 12


@dataclass(frozen=True)
class Person:
    """A member of the demo team."""

    user_id: str
    name: str
    lang: str
    tz: str


@dataclass(frozen=True)
class DemoGoal:
    """One goal and its weekly values (None: the week was skipped); blockers by week number."""

    owner: str
    title: str
    type: str
    subject: str | None
    metric: str
    unit: str
    direction: str
    baseline: float | None
    target: float
    values: tuple[float | None, ...]
    confidence: int
    plan: str
    relevance: str
    blockers: tuple[tuple[int, str], ...] = ()
    baseline_unit: str | None = None  # a growth goal's starting amount is in a currency: baseline is that amount


MANAGER = Person("U0LAURA", "laura", "it", "Europe/Rome")
TEAM = (
    MANAGER,
    Person("U0ANNA", "anna", "en", "Europe/London"),
    Person("U0MARCO", "marco", "it", "Europe/Rome"),
    Person("U0SOFIA", "sofia", "it", "Europe/Rome"),
    Person("U0JAMES", "james", "en", "America/New_York"),
    Person("U0PRIYA", "priya", "en", "Europe/Berlin"),
)

GOALS = (
    DemoGoal("U0ANNA", "close 12 new deals with mid-market accounts in the next four months", "new_business", "mid-market accounts",
             "deals", "deals", "increase", None, 12,
             (1, 2, 3, 3, 5, 6, 7, 8, 9, 10, 11, 12), 8, "two demos a week and referrals", "grow mid-market revenue"),
    DemoGoal("U0ANNA", "increase sales of the analytics add-on by 15% in the next six months", "revenue",
             "analytics add-on", "sales", "%", "increase", 80_000, 15,
             (0.5, 1, 1.5, 2, 2, 3, 3.5, 4, 4.5, 5, 5.5, 6), 7, "bundle it into renewals", "raise revenue per account",
             baseline_unit="EUR"),
    DemoGoal("U0MARCO", "acquisire 10 nuovi clienti nel settore sanitario nei prossimi nove mesi", "new_business",
             "settore sanitario", "new_clients", "clients", "increase", None, 10,
             (0, 0, 1, 1, 1, 1, 1, 2, 2, 2, None, 2), 6, "fiere di settore e referenze", "entrare nel mercato sanitario",
             ((6, "la gara dell'ASL di Bergamo è ferma in attesa del parere legale"),
              (9, "manca un caso di studio nel settore sanitario"))),
    DemoGoal("U0MARCO", "mantenere il tasso di rinnovo sopra il 90% nei prossimi dieci mesi", "retention", None,
             "renewal_rate", "%", "maintain", 92, 90,
             (92, 91, 93, 92, 90, 91, 92, 92, 93, 91, 92, 92), 9, "chiamata trimestrale a ogni cliente",
             "proteggere la base clienti"),
    DemoGoal("U0SOFIA", "portare il fatturato della Lombardia da 200.000 € a 260.000 € nei prossimi quattro mesi", "revenue",
             "Lombardia", "revenue", "EUR", "increase", 200_000, 260_000,
             (204_000, 209_000, 214_000, 218_000, 222_000, 228_000, 233_000, 236_000, 241_000, 245_000, 249_000,
              252_000), 7, "upsell sui 20 clienti principali", "crescita del fatturato regionale",
             ((10, "due rinnovi slittano a gennaio per il budget dei clienti"),)),
    DemoGoal("U0SOFIA", "ridurre il churn dall'8% al 5% in sei mesi", "retention", None, "churn_rate", "%", "decrease",
             8, 5, (8, 7.8, 7.7, 7.5, 7.4, 7.2, 7, 6.9, 6.8, 6.6, 6.5, 6.4), 7, "onboarding rifatto per i nuovi",
             "proteggere la base clienti"),
    DemoGoal("U0JAMES", "grow ARR with enterprise accounts from $1.2M to $1.5M in the next seven months", "revenue",
             "enterprise accounts", "arr", "USD", "increase", 1_200_000, 1_500_000,
             (1_210_000, 1_220_000, 1_235_000, 1_250_000, 1_260_000, 1_270_000, 1_290_000, 1_300_000, 1_310_000,
              1_320_000, 1_330_000, 1_345_000), 8, "three expansion deals in negotiation", "enterprise expansion",
             ((4, "procurement at Globex wants a security review first"),)),
    DemoGoal("U0JAMES", "book 40 discovery meetings with new prospects in the next three months", "new_business", "new prospects",
             "meetings", "meetings", "increase", None, 40,
             (2, 5, 8, 10, 13, 16, 19, 22, 25, 27, 30, 33), 8, "outbound sequences and events", "fill the pipeline"),
    DemoGoal("U0PRIYA", "keep a 95% customer retention rate over the next year", "retention", None, "retention_rate",
             "%", "maintain", 96, 95, (96, 96, 95, 95, 94, 95, 96, 95, 95, 96, 95, 95), 9, "QBRs with every account",
             "protect recurring revenue"),
    DemoGoal("U0PRIYA", "win 6 new logos in the DACH region in the next six months", "new_business", "DACH region",
             "new_clients", "clients", "increase", None, 6, (0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3), 7,
             "partner channel in Munich", "open the DACH market",
             ((7, "waiting for the German contract template from legal"),)),
)


# Laura's company objectives, as `/goal aziendale aggiungi …` records them, and the goals aligned to each (by the
# relevance their owners gave): one with a measure whose goals' gains add up, two counted by goals on track.
OBJECTIVES = (
    ("200.000 € di nuovo fatturato entro giugno 2027", "EUR", 200_000.0,
     ("crescita del fatturato regionale", "raise revenue per account")),
    ("Proteggere la base clienti", None, None,
     ("proteggere la base clienti", "protect recurring revenue")),
    ("Aprire nuovi mercati: sanità e DACH", None, None, ("entrare nel mercato sanitario", "open the DACH market")),
)


def seed(workspace: LocalWorkspace, now: datetime) -> None:
    """Add the team to the workspace and write its goals, twelve weeks of check-ins and the #sales digest."""
    for person in TEAM:
        workspace.add_user(person.user_id, name=person.name, tz=person.tz,
                           locale="it-IT" if person.lang == "it" else "en-US")
    sales = workspace.fake.create_channel("sales", creator=MANAGER.user_id)
    for person in TEAM[1:]:
        workspace.fake.invite_to_channel(MANAGER.user_id, person.user_id, sales["id"])
    workspace.fake.invite_to_channel(MANAGER.user_id, workspace.fake.bot_user_id, sales["id"])
    people = {p.user_id: p for p in TEAM}
    with workspace.deps.sessions() as session:
        for person in TEAM:
            session.add(UserPref(team_id=TEAM_ID, user_id=person.user_id, lang=person.lang, slack_locale=None,
                                 tz=person.tz, display_name=person.name, profile_fetched_at=now))
        for person in TEAM[1:]:
            # Laura is the account executives' manager in goalbot, as `/goal team add` would make her.
            set_manager(session, TEAM_ID, person.user_id, MANAGER.user_id, by=MANAGER.user_id, now=now)
        serves = {}
        for title, unit, target, relevances in OBJECTIVES:
            objective = add_objective(session, TEAM_ID, title, owner_id=MANAGER.user_id, now=now, unit=unit,
                                      target=target)
            serves.update(dict.fromkeys(relevances, objective.id))
        for spec in GOALS:
            _write_goal(session, spec, people[spec.owner], now, objective_id=serves.get(spec.relevance))
        save_digest_subscription(session, team_id=TEAM_ID, channel_id=sales["id"], weekday=4, hhmm="16:00",
                                 tz=MANAGER.tz, lang=MANAGER.lang, by=MANAGER.user_id, now=now)
        session.commit()


def _deadline(spec: DemoGoal, owner: Person, created: datetime) -> date:
    """The deadline goalbot reads in the title on the day the goal was set, so "in the next six months" is six
    months from then whatever day the demo is seeded (fixed dates such as "by June" drifted from their titles)."""
    deadline = parse_goal(spec.title, lang=owner.lang, now=created, tz=owner.tz).deadline
    if deadline is None:
        raise ValueError(f"the demo goal {spec.title!r} names no deadline")
    return deadline


def _write_goal(session: Session, spec: DemoGoal, owner: Person, now: datetime, *, objective_id: int | None) -> None:
    zone = ZoneInfo(owner.tz)
    today = now.astimezone(zone).date()
    start = week_start(today) - timedelta(weeks=WEEKS)
    created = datetime.combine(start, datetime.min.time(), zone).replace(hour=10)
    goal = Goal(team_id=TEAM_ID, user_id=owner.user_id, title=spec.title, type=spec.type, subject=spec.subject,
                metric=spec.metric, unit=spec.unit, direction=spec.direction, baseline=spec.baseline,
                baseline_unit=spec.baseline_unit, target=spec.target,
                current=spec.baseline if spec.baseline_unit is None else None, start_date=start,
                deadline=_deadline(spec, owner, created), confidence=spec.confidence, plan=spec.plan,
                relevance=spec.relevance, objective_id=objective_id, status="active", lang=owner.lang,
                created_at=created, updated_at=created)
    session.add(goal)
    session.flush()
    blockers = dict(spec.blockers)
    for week, value in enumerate(spec.values):
        monday: date = start + timedelta(weeks=week)
        asked = datetime.combine(monday, datetime.min.time(), zone).replace(hour=9)
        checkin = CheckIn(goal_id=goal.id, week_start=monday, status="asked", asked_at=asked)
        session.add(checkin)
        session.flush()
        if value is None:
            checkin.status = "skipped"
            continue
        answered = asked + timedelta(hours=3)
        blocker = blockers.get(week)
        record_value(session, checkin, goal, value=value, now=answered, tz=owner.tz, lang=owner.lang, blocker=blocker,
                     origin=Origin(ReadingSource.REPLY, owner.user_id, text=str(value)))
        checkin.blocker = blocker
        checkin.mood = "blocked" if blocker else None
        checkin.reply_text = str(value)
        if goal.status != "active":
            break


def prepare(settings: Settings, *, clock: Clock, reset: bool = False) -> bool:
    """Seed the demo database and its workspace unless they are there already; True when it seeded now."""
    path = state_path(settings.database_url)
    if path.exists() and not reset:
        return False
    workspace = LocalWorkspace(settings, clock=clock)
    try:
        seed(workspace, clock())
        # The history ends last week; this week's check-ins went out on Monday, as the scheduler would have sent
        # them: each rep opens the demo to a check-in waiting for an answer, and the digest names who has not.
        run_job(workspace.deps, workspace.app.client, "checkins", now=clock())
        ShellState(user="U0ANNA", place=None, workspace=workspace.fake.snapshot()).save(path)
    finally:
        workspace.close()
    return True


__all__ = ["GOALS", "OBJECTIVES", "TEAM", "prepare", "seed"]
