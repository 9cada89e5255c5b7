"""django-axes lockout (5 failures → 10 minutes, admin unlock) and the per-address sign-in limit."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from tests.accounts.helpers import login_verified
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

_addresses = count(1)


def fresh_ip() -> str:
    # The per-address limit counts in the shared cache: every test signs in from its own address.
    return f"10.11.{next(_addresses)}.{next(_addresses) % 250 + 1}"


def sign_in(client: Client, username: str, password: str, ip: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_five_times(client: Client, username: str, ip: str) -> list[int]:
    return [sign_in(client, username, "not-the-password", ip).status_code for _ in range(5)]


def test_five_failures_lock_the_account_for_ten_minutes(analyst: Any) -> None:
    client, ip = Client(), fresh_ip()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        statuses = fail_five_times(client, analyst.username, ip)
        assert statuses[:4] == [200, 200, 200, 200]  # the form again, with its error
        locked = sign_in(client, analyst.username, PASSWORD, ip)
        assert locked.status_code == 429
        assert b"locked after 5 failed sign-ins" in locked.content
        assert b"Traceback" not in locked.content
        assert AuditEvent.objects.filter(action="auth.lockout", actor_id=analyst.pk).exists()
        clock.move_to(start + timedelta(minutes=9))
        assert sign_in(client, analyst.username, PASSWORD, ip).status_code == 429
        # An attempt while locked counts too: the ten minutes run from the last attempt (at 9 min).
        clock.move_to(start + timedelta(minutes=18, seconds=59))
        assert sign_in(client, analyst.username, PASSWORD, ip).status_code == 429
        clock.move_to(start + timedelta(minutes=29))
        ok = sign_in(client, analyst.username, PASSWORD, ip)
        assert ok.status_code == 302, ok.content[:300]


def test_still_locked_at_nine_minutes_unlocked_after_ten(analyst: Any) -> None:
    client, ip = Client(), fresh_ip()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail_five_times(client, analyst.username, ip)
        clock.move_to(start + timedelta(minutes=9))
        assert Client().get("/accounts/login/").status_code == 200  # the page itself is not blocked
        from accounts.selectors import locked_usernames

        assert analyst.username in locked_usernames()
        clock.move_to(start + timedelta(minutes=10, seconds=1))
        assert analyst.username not in locked_usernames()
        assert sign_in(Client(), analyst.username, PASSWORD, ip).status_code == 302


def test_success_resets_the_failure_count(analyst: Any) -> None:
    client, ip = Client(), fresh_ip()
    for _ in range(4):
        sign_in(client, analyst.username, "wrong", ip)
    assert sign_in(client, analyst.username, PASSWORD, ip).status_code == 302
    other = Client()
    for _ in range(4):
        sign_in(other, analyst.username, "wrong", ip)
    assert sign_in(other, analyst.username, PASSWORD, ip).status_code == 302


def test_lockout_is_by_username_not_address(analyst: Any, supervisor: Any) -> None:
    ip = fresh_ip()
    fail_five_times(Client(), analyst.username, ip)
    assert sign_in(Client(), supervisor.username, PASSWORD, ip).status_code == 302
    assert sign_in(Client(), analyst.username, PASSWORD, fresh_ip()).status_code == 429


def test_admin_unlocks_a_locked_account(analyst: Any, admin_user: Any, settings: Any) -> None:
    settings.RTCC_MFA_REQUIRED = True
    ip = fresh_ip()
    fail_five_times(Client(), analyst.username, ip)
    admin = Client()
    login_verified(admin, admin_user)
    page = admin.get("/accounts/users/").content.decode()
    row = page[page.index(f'data-username="{analyst.username}"') :]
    assert '<span class="tag bad">locked</span>' in row[: row.index("</tr>")]
    assert admin.post(f"/accounts/users/{analyst.pk}/unlock/").status_code == 302
    assert sign_in(Client(), analyst.username, PASSWORD, ip).status_code == 302
    event = AuditEvent.objects.filter(action="auth.unlock").latest("pk")
    assert event.actor_id == admin_user.pk and event.details["user"] == analyst.username


def test_only_admins_unlock(analyst: Any, supervisor: Any) -> None:
    ip = fresh_ip()
    fail_five_times(Client(), analyst.username, ip)
    client = Client()
    client.force_login(supervisor)
    assert client.post(f"/accounts/users/{analyst.pk}/unlock/").status_code == 403
    assert sign_in(Client(), analyst.username, PASSWORD, ip).status_code == 429


def test_one_address_is_limited_across_usernames(analyst: Any, settings: Any) -> None:
    settings.RTCC_LOGIN_POSTS_PER_MINUTE = 3
    ip = fresh_ip()
    start = timezone.now().replace(second=5)
    with time_machine.travel(start, tick=False) as clock:
        for name in ("a1", "a2", "a3"):
            assert sign_in(Client(), name, "x", ip).status_code == 200
        limited = sign_in(Client(), analyst.username, PASSWORD, ip)
        assert limited.status_code == 429 and b"Too many sign-in attempts" in limited.content
        assert sign_in(Client(), analyst.username, PASSWORD, fresh_ip()).status_code == 302
        clock.move_to(start + timedelta(minutes=1))
        assert sign_in(Client(), analyst.username, PASSWORD, ip).status_code == 302
