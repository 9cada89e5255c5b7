"""Two analysts take the same alert at the same moment, each on their own DB connection: one wins, the
other is told who holds it. Real PostgreSQL row locks (select_for_update), no mocks."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from alerts.models import Alert
from tests.alerts.conftest import client_for, raise_alert

pytestmark = pytest.mark.django_db(transaction=True)


def race(users: list[Any], url: str) -> dict[str, Any]:
    barrier = threading.Barrier(len(users))
    answers: dict[str, Any] = {}

    def attempt(user: Any) -> None:
        try:
            client = client_for(user)
            barrier.wait(timeout=10)
            answers[user.username] = client.post(url, {}, format="json")
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=attempt, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


@pytest.mark.parametrize("round_number", range(3))
def test_two_analysts_assign_at_once_exactly_one_wins_and_the_other_sees_who(
    analyst: Any, analyst_b: Any, round_number: int
) -> None:
    alert = raise_alert(round_number)
    answers = race([analyst, analyst_b], f"/api/v1/alerts/{alert.pk}/assign/")
    codes = sorted(response.status_code for response in answers.values())
    assert codes == [200, 409], {name: r.json() for name, r in answers.items()}
    winner = next(name for name, r in answers.items() if r.status_code == 200)
    loser = next(r for r in answers.values() if r.status_code == 409)
    alert.refresh_from_db()
    assert alert.assignee.username == winner
    expected = "bob (Bob Baker)" if winner == "bob" else "ana"
    assert expected in loser.json()["error"]
    assert loser.json()["details"]["holder"]["username"] == winner


def test_two_analysts_acknowledge_at_once_exactly_one_wins(analyst: Any, analyst_b: Any) -> None:
    alert = raise_alert()
    answers = race([analyst, analyst_b], f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert sorted(r.status_code for r in answers.values()) == [200, 409]
    assert Alert.objects.get(pk=alert.pk).status == "acknowledged"
