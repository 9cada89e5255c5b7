"""Registering, reviewing and retiring cameras."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from cameras.choices import CameraSource, CameraStatus
from cameras.events import publish_camera_changed
from cameras.models import Camera
from rtcc.crypto import encrypt_text
from rtcc.errors import InvalidInput, NotFound, PermissionDenied

# Crockford base32 without I, L, O, U: easy to read out over the phone.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8
CREDENTIAL_FIELDS = ("stream_username", "stream_password")


def new_reference() -> str:
    return "CAM-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _require(user: AbstractBaseUser, capability: str) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied("Your role does not allow managing cameras.")


def _apply(camera: Camera, data: dict[str, Any]) -> list[str]:
    """Copy validated record fields onto the camera; returns the model fields that changed."""
    values = dict(data)
    changed: list[str] = []
    if "latitude" in values or "longitude" in values:
        lat = values.pop("latitude", camera.location.y if camera.location else None)
        lon = values.pop("longitude", camera.location.x if camera.location else None)
        point = Point(float(lon), float(lat), srid=4326)
        if camera.location is None or not camera.location.equals_exact(point, 1e-9):
            camera.location = point
            changed.append("location")
    credentials = {name: values.pop(name) for name in CREDENTIAL_FIELDS if name in values}
    if credentials:
        secret = json.dumps(
            {"username": credentials.get("stream_username", ""), "password": credentials.get("stream_password", "")}
        )
        camera.stream_credentials_encrypted = encrypt_text(secret) if any(credentials.values()) else ""
        changed.append("stream_credentials_encrypted")
    for name, value in values.items():
        if getattr(camera, name) != value:
            setattr(camera, name, value)
            changed.append(name)
    return changed


def _save_new(camera: Camera) -> Camera:
    for _ in range(5):
        camera.reference = new_reference()
        try:
            with transaction.atomic():
                camera.save()
            return camera
        except IntegrityError as exc:
            if "reference" not in str(exc):
                raise InvalidInput(f"camera: {exc}") from exc
    raise RuntimeError("could not draw a unique camera reference")


def camera_create(
    *, user: AbstractBaseUser, data: dict[str, Any], source: str = CameraSource.ADMIN, approve: bool = True
) -> Camera:
    """An admin registers a camera (approved at once unless `approve` is False)."""
    _require(user, "cameras.manage")
    with transaction.atomic(durable=True):
        camera = Camera(source=source)
        _apply(camera, data)
        if approve:
            camera.status, camera.reviewed_by, camera.reviewed_at = CameraStatus.APPROVED, user, timezone.now()  # type: ignore[assignment]
        _save_new(camera)
        audit_record(actor=user, action="camera.create", object_ref=f"camera:{camera.pk}", details=_changes(data))
        if camera.status == CameraStatus.APPROVED:
            publish_camera_changed(cameras=[camera])
    return camera


def camera_update(*, user: AbstractBaseUser, camera_id: int, data: dict[str, Any]) -> Camera:
    """An admin edits a camera; the view cone follows location, heading, FOV and range."""
    _require(user, "cameras.manage")
    with transaction.atomic(durable=True):
        camera = _locked(camera_id)
        changed = _apply(camera, data)
        if changed:
            try:
                with transaction.atomic():
                    camera.save()
            except IntegrityError as exc:
                if "camera_unique_import_id" in str(exc):
                    raise InvalidInput("external_id: another camera from this source has this id") from exc
                raise InvalidInput(f"camera: {exc}") from exc
            audit_record(actor=user, action="camera.update", object_ref=f"camera:{camera.pk}", details=_changes(data))
            publish_camera_changed(cameras=[camera])
    return camera


def camera_submit_community(*, data: dict[str, Any], client_ip: str | None) -> Camera:
    """A camera owner's public registration: stored as pending for admin review."""
    fields = {key: value for key, value in data.items() if key not in {"website", "camera_name"}}
    fields["name"] = data["camera_name"]
    with transaction.atomic(durable=True):
        camera = Camera(source=CameraSource.COMMUNITY, status=CameraStatus.PENDING, submitted_from=client_ip)
        _apply(camera, fields)
        return _save_new(camera)


def camera_approve(
    *,
    user: AbstractBaseUser,
    camera_id: int,
    latitude: float | None = None,
    longitude: float | None = None,
    heading: float | None = None,
) -> Camera:
    """Approve a pending camera, optionally correcting where it stands and looks; it appears on the map."""
    _require(user, "cameras.manage")
    with transaction.atomic(durable=True):
        camera = _locked(camera_id)
        if camera.status not in (CameraStatus.PENDING, CameraStatus.REJECTED):
            raise InvalidInput(f"status: camera {camera.reference} is {camera.status}, not pending")
        adjust: dict[str, Any] = {}
        if latitude is not None and longitude is not None:
            adjust.update(latitude=latitude, longitude=longitude)
        if heading is not None:
            adjust["heading"] = heading % 360
        _apply(camera, adjust)
        camera.status, camera.rejection_reason = CameraStatus.APPROVED, ""
        camera.reviewed_by, camera.reviewed_at = user, timezone.now()  # type: ignore[assignment]
        camera.save()
        audit_record(actor=user, action="camera.approve", object_ref=f"camera:{camera.pk}", details=adjust)
        publish_camera_changed(cameras=[camera])
    return camera


def camera_reject(*, user: AbstractBaseUser, camera_id: int, reason: str) -> Camera:
    """Reject a pending registration with a reason the admin can give the owner."""
    _require(user, "cameras.manage")
    if not reason.strip():
        raise InvalidInput("reason: say why the registration is rejected")
    with transaction.atomic(durable=True):
        camera = _locked(camera_id)
        if camera.status != CameraStatus.PENDING:
            raise InvalidInput(f"status: camera {camera.reference} is {camera.status}, not pending")
        camera.status, camera.rejection_reason = CameraStatus.REJECTED, reason.strip()[:500]
        camera.reviewed_by, camera.reviewed_at = user, timezone.now()  # type: ignore[assignment]
        camera.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at", "updated_at"])
        audit_record(
            actor=user, action="camera.reject", object_ref=f"camera:{camera.pk}", details={"reason": reason[:500]}
        )
    return camera


def camera_retire(*, user: AbstractBaseUser, camera_id: int) -> Camera:
    """Take a camera off the map for good (kept for the record of past footage requests)."""
    _require(user, "cameras.manage")
    with transaction.atomic(durable=True):
        camera = _locked(camera_id)
        camera.status = CameraStatus.RETIRED
        camera.save(update_fields=["status", "updated_at"])
        audit_record(actor=user, action="camera.retire", object_ref=f"camera:{camera.pk}")
        publish_camera_changed(cameras=[camera])
    return camera


def _locked(camera_id: int) -> Camera:
    camera = Camera.objects.select_for_update().filter(pk=camera_id).first()
    if camera is None:
        raise NotFound("No such camera.")
    return camera


def _changes(data: dict[str, Any]) -> dict[str, Any]:
    """What the audit trail keeps of an edit: every field except the secrets (only that they changed)."""
    kept = {key: value for key, value in data.items() if key not in CREDENTIAL_FIELDS}
    if any(key in data for key in CREDENTIAL_FIELDS):
        kept["stream_credentials"] = "changed"
    return json.loads(json.dumps(kept, default=str))
