"""Session limits (idle 30 min, absolute 12 h, wall exempt from idle), own sessions page, revocation."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import UserSession
from accounts.roles import Role
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_sign_in_records_a_session_by_the_hash_of_its_key(analyst: Any) -> None:
    client = signed_in(analyst)
    key = client.session.session_key
    row = UserSession.objects.get(user=analyst)
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest() != key
    assert row.ended_at is None and "rtcc_login_at" in client.session


def test_a_request_after_31_idle_minutes_redirects_to_login(analyst: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(analyst)
        assert client.get("/ops/").status_code == 200
        clock.move_to(start + timedelta(minutes=31))
        response = client.get("/ops/")
        assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/ops/"
        login_page = client.get(response["Location"])
        assert b"signed out after 30 minutes without activity" in login_page.content
        assert client.get("/ops/")["Location"].startswith("/accounts/login/")
    row = UserSession.objects.get(user=analyst)
    assert row.end_reason == "idle" and row.ended_at is not None
    assert AuditEvent.objects.filter(action="session.expired_idle", actor_id=analyst.pk).count() == 1
    assert not AuditEvent.objects.filter(action="auth.logout").exists()


def test_29_idle_minutes_are_fine(analyst: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(analyst)
        clock.move_to(start + timedelta(minutes=29))
        assert client.get("/ops/").status_code == 200


def test_the_api_answers_401_json_after_the_idle_limit(analyst: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(analyst)
        clock.move_to(start + timedelta(minutes=31))
        response = client.get("/api/v1/events/?after=0")
        assert response.status_code == 401 and response.json()["code"] == "session_idle"


def test_background_api_polling_does_not_keep_a_session_alive(analyst: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(analyst)
        for minute in (5, 10, 15, 20, 25, 30):
            clock.move_to(start + timedelta(minutes=minute))
            assert client.get("/api/v1/events/?after=0").status_code == 200
        clock.move_to(start + timedelta(minutes=31))
        assert client.get("/api/v1/events/?after=0").status_code == 401


def test_real_input_and_navigation_keep_a_session_alive(analyst: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(analyst)
        clock.move_to(start + timedelta(minutes=20))
        assert client.post("/accounts/activity/").status_code == 204
        clock.move_to(start + timedelta(minutes=45))
        assert client.get("/ops/").status_code == 200
        clock.move_to(start + timedelta(minutes=70))
        assert client.get("/api/v1/events/?after=0").status_code == 200
    assert UserSession.objects.get(user=analyst).last_activity_at == start + timedelta(minutes=45)


def test_the_absolute_limit_ends_even_an_active_session(analyst: Any, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(analyst)
        for minute in (20, 40, 60):
            clock.move_to(start + timedelta(minutes=minute))
            assert client.post("/accounts/activity/").status_code == 204
        clock.move_to(start + timedelta(minutes=61))
        response = client.get("/ops/")
        assert response["Location"].startswith("/accounts/login/")
        assert b"1-hour limit" in client.get(response["Location"]).content
    assert UserSession.objects.get(user=analyst).end_reason == "absolute"
    assert AuditEvent.objects.filter(action="session.expired_absolute").exists()


def test_the_wall_display_is_exempt_from_the_idle_limit(make_user: Any) -> None:
    wall = make_user("wall-1", Role.WALL)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(wall)
        assert client.get("/wall/").status_code == 200
        clock.move_to(start + timedelta(hours=20))
        assert client.get("/api/v1/events/?after=0").status_code == 200
        clock.move_to(start + timedelta(days=31))
        assert client.get("/api/v1/events/?after=0").status_code == 401


def test_own_sessions_page_lists_and_signs_out_another_session(analyst: Any) -> None:
    laptop = Client(HTTP_USER_AGENT="Laptop browser")
    laptop.force_login(analyst)
    phone = Client(HTTP_USER_AGENT="Phone browser")
    phone.force_login(analyst)
    page = laptop.get("/accounts/sessions/").content.decode()
    assert page.count("data-session-id=") == 2 and "this browser" in page
    other = UserSession.objects.get(key_hash=hashlib.sha256(phone.session.session_key.encode()).hexdigest())
    assert laptop.post(f"/accounts/sessions/{other.pk}/revoke/").status_code == 302
    assert phone.get("/ops/")["Location"].startswith("/accounts/login/")
    assert laptop.get("/ops/").status_code == 200
    other.refresh_from_db()
    assert other.end_reason == "revoked" and other.ended_by_id == analyst.pk
    assert AuditEvent.objects.filter(action="session.revoked", actor_id=analyst.pk).count() == 1
    assert laptop.get("/accounts/sessions/").content.decode().count("data-session-id=") == 1


def test_nobody_revokes_someone_elses_session_from_their_own_page(analyst: Any, supervisor: Any) -> None:
    victim = signed_in(supervisor)
    row = UserSession.objects.get(user=supervisor)
    assert signed_in(analyst).post(f"/accounts/sessions/{row.pk}/revoke/").status_code == 404
    assert victim.get("/ops/").status_code == 200


def test_sign_out_all_other_sessions_keeps_this_one(analyst: Any) -> None:
    here = signed_in(analyst)
    others = [signed_in(analyst) for _ in range(2)]
    assert here.post("/accounts/sessions/revoke-others/").status_code == 302
    assert here.get("/ops/").status_code == 200
    assert all(o.get("/ops/")["Location"].startswith("/accounts/login/") for o in others)


def test_admin_revokes_all_sessions_of_a_user(analyst: Any, admin_user: Any) -> None:
    target = signed_in(analyst)
    admin = signed_in(admin_user)
    page = admin.get("/accounts/users/").content.decode()
    assert f'data-username="{analyst.username}"' in page
    assert admin.post(f"/accounts/users/{analyst.pk}/revoke-sessions/").status_code == 302
    assert target.get("/ops/")["Location"].startswith("/accounts/login/")
    assert UserSession.objects.get(user=analyst).ended_by_id == admin_user.pk


def test_session_pages_need_their_capabilities(analyst: Any, make_user: Any) -> None:
    assert signed_in(analyst).get("/accounts/users/").status_code == 403
    assert signed_in(make_user("wall-1", Role.WALL)).get("/accounts/sessions/").status_code == 403
    assert Client().get("/accounts/sessions/")["Location"].startswith("/accounts/login/")


def test_revoking_requires_post_with_csrf(analyst: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    assert client.post("/accounts/sessions/revoke-others/").status_code == 403
    assert client.get("/accounts/sessions/revoke-others/").status_code == 405
