"""`/goal digest`: subscribing a channel, stopping it, and a digest posted now, as the channel sees it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.local.workspace import LocalWorkspace
from prompts import at_amount, fmt_amount, fmt_date, t, tn
from storage.models import OutboxMessage
from tests.bot.conftest import all_text
from tests.bot.digest_support import (
    MONDAY,
    add_checkin,
    add_goal,
    channel_posts,
    digest_text,
    digest_thread,
    ephemeral_texts,
    subscription,
)
from tests.bot.team_support import make_manager

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def mixed_team(ws: LocalWorkspace) -> dict[str, int]:
    """#sales: Anna (two goals), Marco (one), Luca (no goal), a bot; Zoe has goals but is not in the channel."""
    ws.add_user("U3", name="luca")
    ws.add_user("U4", name="zoe")
    ws.fake.add_user("UOTHERBOT", name="otherbot", is_bot=True)
    ws.fake.add_channel("C1", name="sales", members=["U1", "U2", "U3", "UOTHERBOT"])
    goals = {
        "anna_revenue": add_goal(ws, "U1", title="Close €120k of new ARR", unit="EUR", target=120_000,
                                 current=30_000, adjusted=True),
        "anna_clients": add_goal(ws, "U1", title="Sign 10 new clients", target=10, current=7),
        "marco": add_goal(ws, "U2", title="Chiudere 80k di rinnovi", unit="EUR", target=80_000, current=70_000),
        "zoe": add_goal(ws, "U4", title="Zoe's secret goal", target=5, current=1),
    }
    add_checkin(ws, goals["anna_revenue"], MONDAY - timedelta(weeks=2), 20_000, note="two deals slipped")
    add_checkin(ws, goals["anna_revenue"], MONDAY - timedelta(weeks=1), 30_000, note="legal review pending")
    add_checkin(ws, goals["anna_clients"], MONDAY - timedelta(weeks=1), 6)
    add_checkin(ws, goals["anna_clients"], MONDAY, 7, note="signed Acme")
    add_checkin(ws, goals["marco"], MONDAY, 70_000, mood="blocked", blocker="waiting for the pricing sign-off")
    add_checkin(ws, goals["anna_revenue"], MONDAY, None, mood=None, status="asked")  # asked, not answered yet
    return goals


def test_subscribing_a_channel_mentioned_by_slack_uses_friday_at_four_in_the_subscribers_zone(
    workspace: LocalWorkspace,
) -> None:
    workspace.fake.add_channel("C1", name="sales", members=["U1"])
    workspace.command("digest <#C1|sales>", user="U1")
    assert "<#C1> will get the team digest every Friday at 16:00 (Europe/Rome)" in ephemeral_texts(workspace, "U1")[-1]
    saved = subscription(workspace, "C1")
    assert saved is not None
    assert (saved.weekday, saved.time, saved.tz, saved.lang, saved.created_by, saved.active) == (
        4, "16:00", "Europe/Rome", "en", "U1", True)


def test_a_channel_typed_by_name_is_found_and_the_schedule_is_the_one_asked_for(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="sales", members=["U1"])
    workspace.fake.add_channel("C9", name="general", members=["U1"])
    workspace.command("digest #sales monday 9:30", user="U1", channel="C9")
    assert "<#C1> will get the team digest every Monday at 09:30" in ephemeral_texts(workspace, "U1")[-1]
    saved = subscription(workspace, "C1")
    assert saved is not None and (saved.weekday, saved.time) == (0, "09:30")


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("lang,user,typed", [("en", "U1", "digest monday 9:30"), ("it", "U2", "digest lunedì 9:30")])
def test_a_digest_typed_in_the_channel_itself_is_for_that_channel(workspace: LocalWorkspace, lang: str, user: str,
                                                                  typed: str) -> None:
    workspace.fake.add_channel("C1", name="sales", members=[user])
    if lang == "it":
        workspace.command("lang it", user=user)
    workspace.command(typed, user=user, channel="C1")
    saved = subscription(workspace, "C1")
    assert saved is not None and (saved.weekday, saved.time) == (0, "09:30")
    workspace.command("digest off", user=user, channel="C1")
    assert t(lang, "digest.cmd.stopped", channel="<#C1>") in ephemeral_texts(workspace, user)[-1]
    workspace.command("digest now", user=user)  # in the DM there is no channel to mean: how to name one
    assert t(lang, "digest.cmd.usage") in ephemeral_texts(workspace, user)[-1]


def test_an_italian_subscriber_is_answered_in_italian(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="vendite", members=["U2"])
    workspace.command("digest #vendite venerdì 17:00", user="U2", channel="C1")
    assert "<#C1> riceverà il riepilogo del team ogni venerdì alle 17:00" in ephemeral_texts(workspace, "U2")[-1]
    saved = subscription(workspace, "C1")
    assert saved is not None and saved.lang == "it"


def test_a_channel_without_goalbot_is_saved_and_the_person_is_told_how_to_invite_it(
    workspace: LocalWorkspace,
) -> None:
    workspace.fake.add_channel("C2", name="random", members=["U1"], bot_is_member=False)
    workspace.command("digest #random", user="U1")
    answer = ephemeral_texts(workspace, "U1")[-1]
    assert "I'm not in <#C2> yet" in answer and "Type `/invite @goalbot` in <#C2>" in answer
    assert subscription(workspace, "C2") is not None

    workspace.command("digest now #random", user="U1")
    answer = ephemeral_texts(workspace, "U1")[-1]
    assert "Type `/invite @goalbot` in <#C2>, then run `/goal digest now <#C2>` again" in answer
    assert workspace.fake.messages("C2") == []


def test_unknown_channels_and_unreadable_schedules_get_a_clear_answer(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="sales", members=["U1"])
    workspace.command("digest #nowhere", user="U1")
    workspace.command("digest #sales someday at noonish", user="U1")
    workspace.command("digest sales", user="U1")
    workspace.command("digest", user="U1")
    unknown, schedule, no_channel, usage = ephemeral_texts(workspace, "U1")
    assert "I can't find a channel called #nowhere" in unknown
    assert "couldn't read “someday at noonish” as a day and time" in schedule
    assert t("en", "digest.cmd.bad_channel", text="sales") in no_channel
    assert t("en", "digest.cmd.usage") in usage
    assert subscription(workspace, "C1") is None


def test_stopping_a_digest_and_stopping_one_that_does_not_exist(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="sales", members=["U1"])
    workspace.command("digest <#C1|sales>", user="U1")
    workspace.command("digest off <#C1|sales>", user="U1")
    workspace.command("digest off <#C1|sales>", user="U1")
    stopped, nothing = ephemeral_texts(workspace, "U1")[-2:]
    assert "<#C1> won't get the team digest any more" in stopped
    assert t("en", "digest.cmd.not_subscribed", channel="<#C1>") in nothing
    saved = subscription(workspace, "C1")
    assert saved is not None and saved.active is False


@pytest.mark.draws_chart
def test_a_digest_now_for_a_channel_of_mixed_members(workspace: LocalWorkspace) -> None:
    mixed_team(workspace)
    make_manager(workspace, "U1")
    workspace.command("digest now #sales", user="U1", channel="C1")

    [digest] = channel_posts(workspace, "C1")
    text = digest_text(workspace, "C1", digest)
    assert "Posted the team digest in <#C1>" in ephemeral_texts(workspace, "U1")[-1]
    # The team is the members who own goals: not Luca (no goal), not the bot, not Zoe (not in the channel).
    # Anna has talked to goalbot, so she is named (no notification); Marco is only known by id, so mentioned.
    assert "*anna*" in text and "<@U1>" not in text and "<@U2>" in text
    assert "<@U3>" not in text and "UOTHERBOT" not in text and "<@U4>" not in text and "secret" not in text
    assert "*2 people · 3 goals*" in text
    # Per goal: progress bar, value against target with its unit, pace, forecast, the last check-in.
    assert "▰▰▱▱▱▱▱▱▱▱ 25% · €30,000 of €120,000 · 🔴 off track" in text
    assert "Close €120k of new ARR* _(adjusted)_" in text
    # three points over seven weeks: a trend, as a range, below the target (📉)
    assert t("en", "digest.forecast_between", low="X", high="Y", date="Z").split("X")[0] + "€" in text
    assert "last check-in 17 Nov" in text
    assert "legal review pending" not in text and "signed Acme" not in text  # notes go up the line, not to channels
    assert "▰▰▰▰▰▰▰▱▱▱ 70% · 7 of 10 clients · 🟢 on track" in text
    # The headline: gains per unit against the gain needed, who is most at risk, blockers, who has not checked in.
    assert t("en", "digest.total_line", gained="€100,000", needed="€200,000", percent="50%",
             goals=tn("en", "count.goals", 2)) in text
    assert t("en", "digest.total_line", gained="7", needed="10 clients", percent="70%",
             goals=tn("en", "count.goals", 1)) in text
    assert "*Most at risk*" in text and t("en", "digest.at_risk_line", pace=t("en", "pace.off_track"), user="*anna*",
                                          title="Close €120k of new ARR", detail=t(
                                              "en", "standing.expected", done_at="at 25%", expected_the="62%")) in text
    assert "<@U2> on _Chiudere 80k di rinnovi_:\n>waiting for the pricing sign-off" in text
    assert "*Not checked in this week:* *anna*" in text
    # The chart, uploaded in the digest's thread: a PNG that matplotlib drew.
    [upload] = [m for m in digest_thread(workspace, "C1", digest) if m.get("upload")]
    [png] = workspace.fake.files()
    assert png["name"] == "team-progress.png" and png["thread_ts"] == digest["ts"] and upload["files"]
    assert png["content"].startswith(PNG_SIGNATURE) and b"Matplotlib" in png["content"][:200]
    assert len(workspace.fake.calls("files.completeUploadExternal")) == 1


@pytest.mark.parametrize(("lang", "user"), [("en", "U1"), ("it", "U2")])
def test_only_a_check_in_that_went_out_this_week_is_said_to_be_missing(
    workspace: LocalWorkspace, lang: str, user: str,
) -> None:
    # A goal set on Wednesday has had no check-in yet this week: its digest line said "⏳ not checked in this week"
    # while the headline and the manager's week (rightly) did not count it as missing.
    workspace.fake.add_channel("C1", name="sales", members=["U1", "U2"])
    asked = add_goal(workspace, "U1", title="Sign 10 new clients", target=10, current=4)
    add_checkin(workspace, asked, MONDAY, None, mood=None, status="asked")
    add_goal(workspace, "U2", title="Win 8 new logos", target=8, current=None, start=MONDAY + timedelta(days=2))
    make_manager(workspace, user)
    workspace.command("digest now #sales", user=user, channel="C1")
    [digest] = channel_posts(workspace, "C1")
    lines = digest_text(workspace, "C1", digest).splitlines()

    def details(title: str) -> str:
        at = next(n for n, line in enumerate(lines) if line.startswith(f"*{title}"))  # its line in the list
        return "\n".join(lines[at + 1:at + 3])  # the progress line and the details line under the title

    missing = t(lang, "digest.no_checkin_this_week")
    assert missing in details("Sign 10 new clients")
    assert missing not in details("Win 8 new logos")


def test_a_team_too_large_for_one_message_continues_in_the_thread(workspace: LocalWorkspace) -> None:
    members = [f"U{n:03d}" for n in range(100, 190)]
    for user in members:
        workspace.add_user(user)
        add_goal(workspace, user, title=f"Book 40 meetings for {user}", unit="meetings", target=40, current=12)
    workspace.fake.add_channel("C1", name="everyone", members=members)
    make_manager(workspace, members[0])
    workspace.command("digest now <#C1|everyone>", user=members[0], channel="C1")

    [digest] = channel_posts(workspace, "C1")
    parts = [m for m in digest_thread(workspace, "C1", digest) if not m.get("upload")]
    assert parts, "a 90-person digest needs follow-ups"
    assert all(len(m["blocks"]) <= 50 for m in [digest, *parts])
    assert "Continued in the thread" in all_text(digest)
    text = digest_text(workspace, "C1", digest)
    # The one who asked is named; the others are known only by id. Nobody is dropped across the split.
    assert all(f"<@{user}>" in text for user in members[1:]) and f"*{members[0].lower()}*" in text
    assert t("en", "digest.total_line", gained="1,080", needed="3,600 meetings", percent="30%",
             goals=tn("en", "count.goals", 90)) in text
    assert workspace.fake.rejections() == []


def test_goal_titles_and_notes_cannot_ping_the_channel(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="sales", members=["U1"])
    goal = add_goal(workspace, "U1", title="<!channel> hit <https://evil.example|quota> & more")
    add_checkin(workspace, goal, MONDAY, 5, note="<!here> ping <@U2>", blocker="<!everyone>", mood="blocked")
    make_manager(workspace, "U1")
    workspace.command("digest now #sales", user="U1", channel="C1")

    [digest] = channel_posts(workspace, "C1")
    raw = str(digest["blocks"]) + digest["text"]
    for control in ("<!channel>", "<!here>", "<!everyone>", "<@U2>", "<https://evil"):
        assert control not in raw
    assert "&lt;!channel&gt; hit &lt;https://evil.example|quota&gt; &amp; more" in raw
    assert "&lt;!everyone&gt;" in raw


def test_an_italian_subscriber_gets_numbers_and_dates_written_the_italian_way(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="vendite", members=["U1", "U2"])
    goal = add_goal(workspace, "U2", title="Rinnovi EMEA", unit="EUR", target=1_250_000, current=312_500.5)
    add_checkin(workspace, goal, MONDAY, 312_500.5, note="bene")
    make_manager(workspace, "U2")
    workspace.command("digest now #vendite", user="U2", channel="C1")

    [digest] = channel_posts(workspace, "C1")
    text = digest_text(workspace, "C1", digest)
    assert "Riepilogo del team · settimana del 23 novembre 2026" in text
    assert "312.500,50\u00a0€ su 1.250.000\u00a0€" in text
    assert "ultimo aggiornamento 24 nov" in text
    assert "bene" not in text  # a check-in's note goes up the reporting line only, never into a channel
    assert t("it", "pace.off_track") in text


def test_a_digest_now_when_slack_refuses_it_is_reported_not_dropped(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="sales", members=["U1"])
    add_goal(workspace, "U1")
    workspace.fake.fail_next("chat.postMessage", status=200, error="is_archived")
    make_manager(workspace, "U1")
    workspace.command("digest now #sales", user="U1", channel="C1")
    assert "Slack refused the team digest for <#C1> (is_archived)" in ephemeral_texts(workspace, "U1")[-1]
    with workspace.deps.sessions() as session:
        [row] = session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("digest:T0001:C1:now:%")
                                                            & ~OutboxMessage.idempotency_key.like("%:chart")))
    assert (row.status, row.last_error) == ("failed", "is_archived")


def test_a_digest_now_of_a_channel_where_nobody_has_goals_says_so(workspace: LocalWorkspace) -> None:
    workspace.fake.add_channel("C1", name="sales", members=["U1", "U2"])
    make_manager(workspace, "U1")
    workspace.command("digest now #sales", user="U1", channel="C1")
    [digest] = channel_posts(workspace, "C1")
    assert t("en", "digest.empty") in all_text(digest)
    assert workspace.fake.files() == []  # no chart to draw


@pytest.mark.parametrize("lang,user", [("en", "U1"), ("it", "U2")])
def test_the_headline_counts_add_up_to_the_goals_when_some_closed_this_week_or_await_review(
    workspace: LocalWorkspace, lang: str, user: str,
) -> None:
    # Five goals in the digest: one on track, one past its deadline not yet reviewed, and three closed this week as
    # missed, dropped and achieved. Every goal the headline names is counted once, so the counts add up to five.
    workspace.fake.add_channel("C1", name="sales", members=[user])
    this_week = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    add_goal(workspace, user, title="Sign 10 new clients", current=7)
    add_goal(workspace, user, title="Book 10 demos", current=6, start=date(2026, 8, 1), deadline=date(2026, 11, 20))
    add_goal(workspace, user, title="Win 10 logos", current=3, status="missed", closed_at=this_week)
    add_goal(workspace, user, title="Open 10 partners", current=2, status="dropped", closed_at=this_week)
    add_goal(workspace, user, title="Renew 10 accounts", current=10, status="achieved", closed_at=this_week)
    make_manager(workspace, user)
    workspace.command("digest now #sales", user=user, channel="C1")

    [digest] = channel_posts(workspace, "C1")
    more = [tn(lang, f"digest.more.{place}", 1) for place in ("overdue", "missed", "dropped")]
    assert t(lang, "digest.summary", people=tn(lang, "count.people", 1), goals=tn(lang, "count.goals", 5),
             **{place: tn(lang, f"digest.count.{place}", n) for place, n in (
                 ("on_track", 1), ("at_risk", 0), ("off_track", 0), ("not_started", 0), ("achieved", 1))},
             more="".join(" · " + text for text in more)) in digest_text(workspace, "C1", digest)
    if lang == "it":  # one achieved goal is "1 raggiunto", in the singular as Italian agrees it
        assert tn(lang, "digest.count.achieved", 1).startswith("1 raggiunto ")
    assert t(lang, "pace.overdue") in digest_text(workspace, "C1", digest)


@pytest.mark.parametrize("lang,user", [("en", "U1"), ("it", "U2")])
def test_a_ceiling_goal_in_the_digest_counts_the_weeks_above_it(workspace: LocalWorkspace, lang: str, user: str) -> None:
    # Churn kept under 3%: 4% last week (above the ceiling), 2% this week: held now, one week missed — at risk.
    workspace.fake.add_channel("C1", name="sales", members=[user])
    goal = add_goal(workspace, user, title="Keep SMB churn below 3%", unit="%", target=3, current=2, baseline=None,
                    direction="keep_below")
    add_checkin(workspace, goal, MONDAY - timedelta(weeks=1), 4)
    add_checkin(workspace, goal, MONDAY, 2)
    make_manager(workspace, user)
    workspace.command("digest now #sales", user=user, channel="C1")
    [digest] = channel_posts(workspace, "C1")
    text = digest_text(workspace, "C1", digest)
    assert t(lang, "measure.keep_below_below", floor_at=at_amount(lang, 3, "%"), current=fmt_amount(lang, 2, "%"),
             date=fmt_date(lang, date(2026, 12, 31)), weeks=tn(lang, "count.weeks_below", 1)) in text
    assert t(lang, "pace.at_risk") in text
