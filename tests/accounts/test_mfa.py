"""TOTP second factor: enrolment gate, verification, one-time recovery codes, admin reset."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa_services import mfa_recovery_regenerate
from accounts.mfa_services import setup_key as mfa_setup_key
from accounts.models import UserSession
from accounts.roles import Role
from audit.models import AuditEvent
from tests.accounts.helpers import confirmed_device, current_code, login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.mfa]

GUARDED_PAGES = ["/ops/", "/cases/", "/lpr/search/", "/accounts/sessions/", "/accounts/security/", "/admin/"]


def actions(user: Any = None) -> list[str]:
    events = AuditEvent.objects.order_by("pk")
    if user is not None:
        events = events.filter(actor_id=user.pk)
    return list(events.values_list("action", flat=True))


def code_from_key(setup_key: str) -> str:
    from base64 import b32decode

    return f"{totp(b32decode(setup_key)):06d}"


def test_user_without_a_device_reaches_only_enrolment(analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    for path in GUARDED_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/mfa/enrol/?next="), path
    api = client.get("/api/v1/events/?after=0")
    assert api.status_code == 403 and "Multi-factor" in api.json()["detail"]
    assert client.post("/api/v1/search/", {}).status_code == 403
    page = client.get("/accounts/mfa/enrol/?next=/ops/")
    assert page.status_code == 200
    assert b"<svg" in page.content and b"setup-key" in page.content
    assert client.post("/accounts/logout/").status_code == 302


def test_enrolment_confirms_with_a_code_and_shows_recovery_codes_once(analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    page = client.get("/accounts/mfa/enrol/?next=/ops/").content.decode()
    setup_key = re.search(r'id="setup-key">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    response = client.post("/accounts/mfa/enrol/", {"code": code_from_key(setup_key), "next": "/ops/"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/recovery-codes/")
    shown = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", shown)
    assert len(codes) == 10
    assert re.findall(r"<li>([a-z2-7]{8})</li>", client.get("/accounts/mfa/recovery-codes/").content.decode()) == []
    assert client.get("/ops/").status_code == 200
    assert TOTPDevice.objects.get(user=analyst).confirmed
    assert "mfa.enrolled" in actions(analyst)


def test_a_wrong_code_fails_and_is_audited(analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    client.get("/accounts/mfa/enrol/")
    device = TOTPDevice.objects.get(user=analyst)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/mfa/enrol/", {"code": wrong})
    assert response.status_code == 400 and b"not right" in response.content
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/ops/")["Location"].startswith("/accounts/mfa/enrol/")
    assert actions(analyst)[-1] == "mfa.failed"


def test_verify_step_after_password(analyst: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise delay the right one
    device = confirmed_device(analyst)
    client = Client()
    client.force_login(analyst)
    assert client.get("/ops/")["Location"] == "/accounts/mfa/verify/?next=%2Fops%2F"
    # Enrolling again with only the password is refused: the existing device must be used.
    assert client.get("/accounts/mfa/enrol/")["Location"].startswith("/accounts/mfa/verify/")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    failed = client.post("/accounts/mfa/verify/", {"code": wrong, "next": "/ops/"})
    assert failed.status_code == 400 and b"not right" in failed.content
    assert client.get("/ops/").status_code == 302
    verified = client.post("/accounts/mfa/verify/", {"code": current_code(device), "next": "/ops/"})
    assert verified.status_code == 302 and verified["Location"] == "/ops/"
    assert client.get("/ops/").status_code == 200
    assert actions(analyst)[-2:] == ["mfa.failed", "mfa.verified"]


def test_verify_refuses_an_outside_next_url(analyst: Any) -> None:
    device = confirmed_device(analyst)
    client = Client()
    client.force_login(analyst)
    response = client.post("/accounts/mfa/verify/", {"code": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_recovery_code_works_exactly_once(analyst: Any) -> None:
    confirmed_device(analyst)
    code = mfa_recovery_regenerate(user=analyst)[0]
    first = Client()
    first.force_login(analyst)
    used = first.post("/accounts/mfa/recovery/", {"code": code.upper(), "next": "/ops/"})
    assert used.status_code == 302 and used["Location"] == "/ops/"
    assert first.get("/ops/").status_code == 200
    second = Client()
    second.force_login(analyst)
    again = second.post("/accounts/mfa/recovery/", {"code": code, "next": "/ops/"})
    assert again.status_code == 400 and b"works once" in again.content
    assert second.get("/ops/").status_code == 302
    assert StaticDevice.objects.get(user=analyst).token_set.count() == 9
    assert "mfa.recovery_used" in actions(analyst) and actions(analyst)[-1] == "mfa.failed"


def test_regenerating_recovery_codes_retires_the_old_ones(analyst: Any) -> None:
    client = Client()
    login_verified(client, analyst)
    old = set(StaticDevice.objects.get(user=analyst).token_set.values_list("token", flat=True))
    response = client.post("/accounts/security/recovery-codes/")
    assert response.status_code == 302
    new = re.findall(r"<li>([a-z2-7]{8})</li>", client.get(response["Location"]).content.decode())
    assert len(new) == 10 and not old & set(new)
    assert set(StaticDevice.objects.get(user=analyst).token_set.values_list("token", flat=True)) == set(new)
    assert actions(analyst)[-1] == "mfa.recovery_regenerated"


def test_unverified_session_cannot_regenerate_recovery_codes(analyst: Any) -> None:
    confirmed_device(analyst)
    client = Client()
    client.force_login(analyst)
    assert client.post("/accounts/security/recovery-codes/")["Location"].startswith("/accounts/mfa/verify/")
    assert "mfa.recovery_regenerated" not in actions(analyst)


def test_admin_resets_a_users_mfa_and_ends_their_sessions(analyst: Any, admin_user: Any) -> None:
    target = Client()
    login_verified(target, analyst)
    admin = Client()
    login_verified(admin, admin_user)
    assert b"enrolled" in admin.get("/accounts/users/").content
    response = admin.post(f"/accounts/users/{analyst.pk}/reset-mfa/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    assert not StaticDevice.objects.filter(user=analyst).exists()
    assert not UserSession.objects.filter(user=analyst, ended_at__isnull=True).exists()
    assert target.get("/ops/")["Location"].startswith("/accounts/login/")
    assert "mfa.reset" in actions(admin_user)


def test_only_admins_reset_mfa(analyst: Any, supervisor: Any) -> None:
    confirmed_device(analyst)
    client = Client()
    login_verified(client, supervisor)
    assert client.post(f"/accounts/users/{analyst.pk}/reset-mfa/").status_code == 403
    assert TOTPDevice.objects.filter(user=analyst, confirmed=True).exists()


def test_wall_display_needs_mfa_too(make_user: Any) -> None:
    wall = make_user("wall-1", Role.WALL)
    client = Client()
    client.force_login(wall)
    assert client.get("/wall/")["Location"].startswith("/accounts/mfa/enrol/")
    login_verified(client, wall)
    assert client.get("/wall/").status_code == 200


def test_login_verified_helper_passes_the_gate(analyst: Any) -> None:
    client = Client()
    login_verified(client, analyst)
    assert client.get("/ops/").status_code == 200
    assert client.get("/api/v1/events/?after=0").status_code == 200


def test_mfa_can_be_turned_off(analyst: Any, settings: Any) -> None:
    settings.RTCC_MFA_REQUIRED = False
    client = Client()
    client.force_login(analyst)
    assert client.get("/ops/").status_code == 200


def test_password_sign_in_and_out_are_audited(analyst: Any) -> None:
    client = Client()
    failed = client.post(
        "/accounts/login/", {"username": analyst.username, "password": "wrong"}, REMOTE_ADDR="10.8.0.1"
    )
    assert failed.status_code == 200
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("pk")
    assert event.details["username"] == analyst.username
    unknown = client.post("/accounts/login/", {"username": "ghost", "password": "x"}, REMOTE_ADDR="10.8.0.1")
    assert unknown.status_code == 200
    ghost = AuditEvent.objects.filter(action="auth.login_failed").latest("pk")
    assert ghost.actor_id is None and ghost.details["username"] == "ghost"
    from tests.conftest import PASSWORD

    ok = client.post("/accounts/login/", {"username": analyst.username, "password": PASSWORD}, REMOTE_ADDR="10.8.0.1")
    assert ok.status_code == 302
    assert client.get("/ops/")["Location"].startswith("/accounts/mfa/enrol/")
    client.post("/accounts/logout/")
    assert actions(analyst)[-2:] == ["auth.login", "auth.logout"]


def test_totp_code_changes_with_time(analyst: Any) -> None:
    # Guards the helper the browser test relies on: the code follows the (controlled) clock.
    device = confirmed_device(analyst)
    with time_machine.travel("2026-11-24 10:00:00Z", tick=False):
        first = current_code(device)
    with time_machine.travel("2026-11-24 10:00:30Z", tick=False):
        assert current_code(device) != first


def test_demo_commands_enrol_users_and_print_the_current_code(analyst: Any, settings: Any) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.DEBUG = True
    keys = StringIO()
    call_command("demo_mfa", stdout=keys)
    device = TOTPDevice.objects.get(user=analyst, confirmed=True)
    assert f"{analyst.username}" in keys.getvalue() and mfa_setup_key(device) in keys.getvalue()
    call_command("demo_mfa", stdout=StringIO())  # again: the same key, still valid
    assert TOTPDevice.objects.get(user=analyst).pk == device.pk
    code = StringIO()
    call_command("mfa_code", analyst.username, stdout=code)
    assert code.getvalue().strip() == current_code(device)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("mfa_code", analyst.username)
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_mfa")


def test_the_admin_site_does_not_show_second_factor_secrets(admin_user: Any) -> None:
    confirmed_device(admin_user)
    client = Client()
    login_verified(client, admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
