"""Footage requests to camera owners: within the owner's retention, answered with files or a decline."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from cameras.choices import AccessTier, CameraStatus, FootageStatus
from cameras.files import sniff_content_type
from cameras.models import Camera, FootageFile, FootageRequest
from incidents.models import Incident
from rtcc.errors import InvalidInput, NotFound, PermissionDenied
from rtcc.uploads import refuse_active_content

MAX_WINDOW = timedelta(hours=24)


def _require(user: AbstractBaseUser) -> None:
    if not has_capability(user, "cameras.footage"):
        raise PermissionDenied("Your role does not allow footage requests.")


def footage_request_create(
    *,
    user: AbstractBaseUser,
    camera_id: int,
    window_start: datetime,
    window_end: datetime,
    reason: str,
    case_number: str = "",
    incident_id: int | None = None,
    now: datetime | None = None,
) -> tuple[FootageRequest, list[str]]:
    """Ask a camera's owner for video; refused when the MOU lapsed or the footage is already deleted."""
    _require(user)
    now = now or timezone.now()
    camera = Camera.objects.filter(pk=camera_id, status=CameraStatus.APPROVED).first()
    if camera is None:
        raise NotFound("No such camera.")
    today = timezone.localdate(now)
    if camera.mou_expired(today):
        raise InvalidInput(
            f"camera: footage requests to {camera.reference} are disabled: its MOU expired on {camera.mou_expires_on}"
        )
    if camera.tier == AccessTier.REGISTER_ONLY:
        raise InvalidInput(f"camera: {camera.reference} is register-only; contact the owner directly")
    if window_end <= window_start:
        raise InvalidInput("window_end: must be after window_start")
    if window_end - window_start > MAX_WINDOW:
        raise InvalidInput("window_end: a request covers at most 24 hours; make several requests")
    if window_start > now:
        raise InvalidInput("window_start: cannot be in the future")
    if not reason.strip():
        raise InvalidInput("reason: say why the footage is needed")
    incident = None
    if incident_id is not None:
        incident = Incident.objects.filter(pk=incident_id).first()
        if incident is None:
            raise InvalidInput(f"incident_id: no incident {incident_id}")
    warnings, available_until = _retention(camera, window_start, now)
    with transaction.atomic(durable=True):
        request = FootageRequest.objects.create(
            camera=camera,
            incident=incident,
            window_start=window_start,
            window_end=window_end,
            reason=reason.strip()[:500],
            case_number=case_number.strip()[:40],
            available_until=available_until,
            requested_by=user,  # type: ignore[misc]
        )
        audit_record(
            actor=user,
            action="footage.request",
            object_ref=f"camera:{camera.pk}",
            purpose="footage_request",
            case_number=case_number,
            details={"request": request.pk, "incident": incident_id, "reason": reason[:500]},
        )
    return request, warnings


def _retention(camera: Camera, window_start: datetime, now: datetime) -> tuple[list[str], datetime | None]:
    if camera.retention_days is None:
        return ["The owner's retention is unknown: ask soon, the footage may be overwritten."], None
    available_until = window_start + timedelta(days=camera.retention_days)
    if available_until <= now:
        raise InvalidInput(
            f"window_start: outside the owner's retention of {camera.retention_days} days; "
            f"footage from before {timezone.localtime(now - timedelta(days=camera.retention_days)):%Y-%m-%d %H:%M} "
            "has already been deleted"
        )
    left = available_until - now
    if left <= timedelta(hours=settings.RTCC_FOOTAGE_EXPIRY_WARNING_HOURS):
        hours = max(1, int(left.total_seconds() // 3600))
        return [f"The owner deletes this footage in about {hours} h: call the owner now."], available_until
    return [], available_until


def _open_request(request_id: int) -> FootageRequest:
    request = FootageRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound("No such footage request.")
    if request.status != FootageStatus.REQUESTED:
        raise InvalidInput(f"status: request {request_id} is already {request.status}")
    return request


def footage_request_fulfil(
    *, user: AbstractBaseUser, request_id: int, files: list[UploadedFile], note: str = ""
) -> FootageRequest:
    """Record the owner's delivery: each file stored with its SHA-256, size and sniffed type."""
    _require(user)
    if not files:
        raise InvalidInput("files: attach at least one file the owner delivered")
    for upload in files:
        if upload.size is not None and upload.size > settings.RTCC_FOOTAGE_MAX_BYTES:
            raise InvalidInput(f"files: {upload.name} is larger than {settings.RTCC_FOOTAGE_MAX_BYTES} bytes")
        # Owners deliver many (often proprietary DVR) formats, kept as downloads; programs and HTML never.
        refuse_active_content(upload, field="files")
    with transaction.atomic(durable=True):
        request = _open_request(request_id)
        for upload in files:
            digest, size = _hash(upload)
            FootageFile.objects.create(
                request=request,
                file=upload,
                original_name=(upload.name or "footage")[:255],
                sha256=digest,
                size_bytes=size,
                content_type=sniff_content_type(upload),
                uploaded_by=user,  # type: ignore[misc]
            )
        request.status, request.closed_by, request.closed_at = FootageStatus.FULFILLED, user, timezone.now()  # type: ignore[assignment]
        request.response_note = note.strip()[:500]
        request.save(update_fields=["status", "closed_by", "closed_at", "response_note"])
        audit_record(
            actor=user, action="footage.fulfil", object_ref=f"footage:{request.pk}", details={"files": len(files)}
        )
    return request


def footage_request_decline(*, user: AbstractBaseUser, request_id: int, note: str) -> FootageRequest:
    """Record that the owner declined (or had nothing); the note says why."""
    _require(user)
    if not note.strip():
        raise InvalidInput("note: say why the owner declined")
    with transaction.atomic(durable=True):
        request = _open_request(request_id)
        request.status, request.closed_by, request.closed_at = FootageStatus.DECLINED, user, timezone.now()  # type: ignore[assignment]
        request.response_note = note.strip()[:500]
        request.save(update_fields=["status", "closed_by", "closed_at", "response_note"])
        audit_record(actor=user, action="footage.decline", object_ref=f"footage:{request.pk}")
    return request


def footage_requests_expire(*, now: datetime | None = None) -> int:
    """Open requests whose footage the owner has deleted by now become expired."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = FootageRequest.objects.filter(status=FootageStatus.REQUESTED, available_until__lt=now).update(
            status=FootageStatus.EXPIRED, closed_at=now
        )
        if expired:
            audit_record(
                actor=None, action="retention.expire", object_ref="footage_request", details={"expired": expired}
            )
    return expired


def _hash(upload: UploadedFile) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size
