"""A modal's ack hands its verdict to the work after the ack: one verdict per submission, never lost."""

from __future__ import annotations

import threading

from bot.deps import AckVerdicts, submission_key


def test_the_same_modal_submitted_twice_gives_each_lazy_half_its_own_verdict() -> None:
    verdicts = AckVerdicts()
    verdicts.give("U1:V1:h1", accepted=True)
    verdicts.give("U1:V1:h1", accepted=False)
    assert [verdicts.wait("U1:V1:h1", timeout=1), verdicts.wait("U1:V1:h1", timeout=1)] == [True, False]


def test_a_lazy_half_that_starts_first_gets_the_verdict_given_later() -> None:
    verdicts = AckVerdicts()
    got: list[bool | None] = []
    waiter = threading.Thread(target=lambda: got.append(verdicts.wait("U1:V2:h", timeout=30)))
    waiter.start()
    verdicts.give("U1:V2:h", accepted=False)
    waiter.join()
    assert got == [False]


def test_with_no_verdict_the_lazy_half_checks_on_its_own() -> None:
    assert AckVerdicts().wait("U1:V3:h", timeout=0.01) is None


def test_a_malformed_submission_still_has_a_key() -> None:
    assert submission_key({"view": "not a view", "user": ["U1"]}) == "None:None:None"
    assert submission_key({"view": {"id": "V1", "hash": "h"}, "user": {"id": "U1"}}) == "U1:V1:h"
