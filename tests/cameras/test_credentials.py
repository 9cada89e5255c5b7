"""Stream credentials: encrypted at rest, never in an API response, event, audit entry or log line."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from audit.models import AuditEvent
from cameras.models import Camera
from rtcc.crypto import decrypt_text, encrypt_text, reencrypt_text
from rtcc.models import OutboxEvent

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-Pa55"
USER = "camadmin"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def create_camera_with_credentials(admin: Any) -> dict[str, Any]:
    response = client_for(admin).post(
        "/api/v1/cameras/create/",
        {
            "name": "Corner store, street view",
            "owner_type": "business",
            "latitude": 43.05,
            "longitude": -87.95,
            "heading": 90,
            "tier": "live",
            "stream_url": f"rtsp://{USER}:{SECRET}@10.0.0.7:554/stream1",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_credentials_in_a_stream_url_are_moved_out_and_encrypted(admin_user) -> None:
    body = create_camera_with_credentials(admin_user)
    camera = Camera.objects.get(pk=body["id"])
    assert camera.stream_url == "rtsp://10.0.0.7:554/stream1"
    assert SECRET not in camera.stream_credentials_encrypted and USER not in camera.stream_credentials_encrypted
    assert json.loads(decrypt_text(camera.stream_credentials_encrypted)) == {"username": USER, "password": SECRET}
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(c)::text FROM cameras_camera c WHERE id = %s", [camera.pk])
        row = cursor.fetchone()
    assert row is not None and SECRET not in row[0]


def test_no_api_response_carries_the_credentials(admin_user, analyst, supervisor, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    body = create_camera_with_credentials(admin_user)
    camera_id = body["id"]
    responses = [json.dumps(body)]
    for user in (admin_user, analyst, supervisor):
        client = client_for(user)
        for url in (
            f"/api/v1/cameras/{camera_id}/",
            "/api/v1/cameras/",
            "/api/v1/cameras/layer/",
            "/api/v1/cameras/layer/?cones=1",
            "/api/v1/cameras/nearby/?lat=43.0501&lon=-87.9495&radius=200",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            responses.append(response.content.decode())
    update = client_for(admin_user).post(
        f"/api/v1/cameras/{camera_id}/update/", {"stream_password": "n3w-" + SECRET}, format="json"
    )
    assert update.status_code == 200
    responses.append(update.content.decode())
    everything = "\n".join(responses)
    assert SECRET not in everything and USER not in everything
    assert "stream_credentials_encrypted" not in everything
    assert body["has_credentials"] is True
    assert SECRET not in caplog.text


def test_events_and_audit_never_hold_credentials(admin_user) -> None:
    body = create_camera_with_credentials(admin_user)
    client_for(admin_user).post(
        f"/api/v1/cameras/{body['id']}/update/", {"stream_username": "other", "stream_password": SECRET}, format="json"
    )
    stored = json.dumps([e.payload for e in OutboxEvent.objects.all()]) + json.dumps(
        [e.details for e in AuditEvent.objects.all()]
    )
    assert SECRET not in stored and USER not in stored
    assert AuditEvent.objects.filter(action="camera.update", details__stream_credentials="changed").exists()


def test_analysts_see_the_stream_url_only_when_live_access_is_allowed(admin_user, analyst) -> None:
    body = create_camera_with_credentials(admin_user)
    detail = client_for(analyst).get(f"/api/v1/cameras/{body['id']}/").json()
    assert detail["stream_url"] == "rtsp://10.0.0.7:554/stream1"
    assert "has_credentials" not in detail
    client_for(admin_user).post(f"/api/v1/cameras/{body['id']}/update/", {"tier": "footage"}, format="json")
    assert "stream_url" not in client_for(analyst).get(f"/api/v1/cameras/{body['id']}/").json()


def test_a_stream_url_with_another_scheme_is_refused_naming_the_field(admin_user) -> None:
    response = client_for(admin_user).post(
        "/api/v1/cameras/create/",
        {"name": "x", "owner_type": "city", "latitude": 43, "longitude": -87.9, "stream_url": "ftp://cam/1"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("stream_url:")
    assert not Camera.objects.exists()


def test_key_rotation_keeps_old_secrets_readable(settings) -> None:
    from cryptography.fernet import Fernet

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.RTCC_FIELD_ENCRYPTION_KEYS = [old_key]
    token = encrypt_text("pw")
    settings.RTCC_FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert decrypt_text(token) == "pw"
    rotated = reencrypt_text(token)
    settings.RTCC_FIELD_ENCRYPTION_KEYS = [new_key]
    assert decrypt_text(rotated) == "pw"


def test_rotate_field_keys_command_moves_secrets_to_the_new_key(settings, admin_user) -> None:
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.RTCC_FIELD_ENCRYPTION_KEYS = [old_key]
    body = create_camera_with_credentials(admin_user)
    settings.RTCC_FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys")
    settings.RTCC_FIELD_ENCRYPTION_KEYS = [new_key]
    camera = Camera.objects.get(pk=body["id"])
    assert json.loads(decrypt_text(camera.stream_credentials_encrypted))["password"] == SECRET


def test_pages_never_show_the_credentials(admin_user, analyst, client) -> None:
    body = create_camera_with_credentials(admin_user)
    pages = []
    client.force_login(admin_user)
    for url in (f"/admin/cameras/camera/{body['id']}/change/", "/admin/cameras/camera/", "/cameras/review/"):
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    client.force_login(analyst)
    response = client.get("/ops/")
    assert response.status_code == 200
    pages.append(response.content.decode())
    everything = "\n".join(pages)
    assert SECRET not in everything
    camera = Camera.objects.get(pk=body["id"])
    assert camera.stream_credentials_encrypted not in everything


def test_snapshot_is_served_as_an_image_and_the_mou_only_to_admins(admin_user, analyst, settings, tmp_path) -> None:
    from django.core.files.base import ContentFile

    from tests.factories import CameraFactory

    settings.MEDIA_ROOT = tmp_path
    camera = CameraFactory()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    camera.snapshot.save("s.png", ContentFile(png), save=False)
    camera.mou_file.save("m.pdf", ContentFile(b"%PDF-1.4 signed"), save=False)
    camera.save(update_fields=["snapshot", "mou_file"])
    response = client_for(analyst).get(f"/api/v1/cameras/{camera.pk}/snapshot/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png
    assert client_for(analyst).get(f"/api/v1/cameras/{camera.pk}/mou/").status_code == 403
    download = client_for(admin_user).get(f"/api/v1/cameras/{camera.pk}/mou/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="camera.mou.download", actor_id=admin_user.pk).count() == 1
    camera.snapshot.save("fake.png", ContentFile(b"<script>alert(1)</script>"), save=False)
    camera.save(update_fields=["snapshot"])
    assert client_for(analyst).get(f"/api/v1/cameras/{camera.pk}/snapshot/").status_code == 404
