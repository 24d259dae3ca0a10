"""Repository functions under concurrency: a person's first two requests at once both succeed."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, func, select

from storage.db import make_session_factory
from storage.models import UserPref
from storage.repositories import upsert_user_pref


def test_two_first_requests_from_one_person_both_get_their_preferences(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def first_request(lang: str) -> None:
        try:
            with sessions() as session:
                barrier.wait(timeout=5)
                pref = upsert_user_pref(session, "T1", "U1")
                pref.tz = "Europe/Rome"
                session.commit()
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=first_request, args=(lang,)) for lang in ("en", "it")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(UserPref)) == 1
