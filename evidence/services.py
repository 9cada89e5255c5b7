"""Writes of the evidence app: upload, download, custody records, integrity checks, legal holds."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import File
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from cameras.models import Camera, FootageRequest
from evidence.choices import REASON_REQUIRED, CustodyAction, EvidenceKind
from evidence.content import inspect_upload, served_type, sha256_of
from evidence.events import publish_evidence
from evidence.models import CustodyEntry, Evidence
from evidence.selectors import case_get_for_evidence, evidence_get_for_user
from rtcc.errors import Conflict, InvalidInput, NotFound, PermissionDenied

DEFAULT_MAX_BYTES = 2 * 1024**3


def max_upload_bytes() -> int:
    return int(getattr(settings, "RTCC_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _require(user: AbstractBaseUser, capability: str) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied()


def _custody(
    evidence: Evidence,
    action: CustodyAction,
    actor: AbstractBaseUser | None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> CustodyEntry:
    if action in REASON_REQUIRED and not reason.strip():
        raise InvalidInput(f"reason: say why the evidence is {action.label.lower()}")
    entry = CustodyEntry.objects.create(
        evidence=evidence,
        action=action,
        actor=actor,  # type: ignore[misc]
        reason=reason.strip(),
        detail=detail or {},
    )
    # Every access by a person is also in the platform's audit trail (the nightly re-hash stays in
    # the custody log only).
    if action != CustodyAction.INTEGRITY_CHECKED:
        audit_record(
            actor=actor,
            action=f"evidence.{action}",
            object_ref=f"evidence:{evidence.pk}",
            case_number=evidence.case.number,
            details={"reason": reason.strip(), **(detail or {})},
        )
    return entry


def _source_links(camera_id: int | None, footage_request_id: int | None) -> tuple[Camera | None, FootageRequest | None]:
    camera = Camera.objects.filter(pk=camera_id).first() if camera_id is not None else None
    if camera_id is not None and camera is None:
        raise InvalidInput(f"source_camera_id: no camera {camera_id}")
    request = FootageRequest.objects.filter(pk=footage_request_id).first() if footage_request_id is not None else None
    if footage_request_id is not None and request is None:
        raise InvalidInput(f"source_footage_request_id: no footage request {footage_request_id}")
    if request is not None and camera is None:
        camera = request.camera
    elif request is not None and camera is not None and request.camera_id != camera.pk:
        raise InvalidInput("source_footage_request_id: that request is for another camera")
    return camera, request


def evidence_upload(
    *,
    user: AbstractBaseUser,
    case_id: int,
    uploaded_file: File,
    title: str,
    kind: str = EvidenceKind.OTHER,
    source: str = "",
    source_camera_id: int | None = None,
    source_footage_request_id: int | None = None,
) -> Evidence:
    """Store a file with its hash and sniffed type, its row and its first custody entry, all or nothing."""
    _require(user, "evidence.write")
    case = case_get_for_evidence(user=user, case_id=case_id)
    if not title.strip():
        raise InvalidInput("title: this field may not be blank")
    if kind not in EvidenceKind.values:
        raise InvalidInput(f"kind: {kind!r} is not one of {', '.join(EvidenceKind.values)}")
    name = str(getattr(uploaded_file, "name", "") or "")
    facts = inspect_upload(
        uploaded_file,
        name=name,
        declared_type=str(getattr(uploaded_file, "content_type", "") or ""),
        max_bytes=max_upload_bytes(),
    )
    camera, footage_request = _source_links(source_camera_id, source_footage_request_id)
    evidence = Evidence(
        case=case,
        title=title.strip(),
        kind=kind,
        original_name=name.rsplit("/", 1)[-1][:255],
        size=facts.size,
        sha256=facts.sha256,
        mime_type=facts.mime_type,
        uploader=user,  # type: ignore[misc]
        source=source.strip(),
        source_camera=camera,
        source_footage_request=footage_request,
    )
    evidence.file.save(evidence.original_name, uploaded_file, save=False)
    try:
        with transaction.atomic(durable=True):
            evidence.save()
            _custody(
                evidence,
                CustodyAction.UPLOADED,
                user,
                detail={"sha256": facts.sha256, "size": facts.size, "mime_type": facts.mime_type},
            )
            publish_evidence(evidence, event_type="evidence.added")
    except BaseException:
        # No row, no file: a stored file nobody can find in the database is not evidence.
        evidence.file.storage.delete(evidence.file.name or "")
        raise
    return evidence


def evidence_view(*, user: AbstractBaseUser, evidence_id: int) -> Evidence:
    """The evidence item for a detail page or API read; the read is itself a custody entry."""
    evidence = evidence_get_for_user(user=user, evidence_id=evidence_id)
    with transaction.atomic(durable=True):
        _custody(evidence, CustodyAction.VIEWED, user)
    return evidence


def evidence_record_access(
    *,
    user: AbstractBaseUser,
    evidence_id: int,
    action: CustodyAction,
    reason: str,
    detail: dict[str, Any] | None = None,
) -> CustodyEntry:
    """Record an export (e.g. into a court packet) or a transfer (e.g. to the prosecutor) with its reason."""
    if action not in (CustodyAction.EXPORTED, CustodyAction.TRANSFERRED):
        raise InvalidInput(f"action: {action} is recorded by its own service")
    evidence = evidence_get_for_user(user=user, evidence_id=evidence_id)
    with transaction.atomic(durable=True):
        return _custody(evidence, action, user, reason, detail)


def evidence_download(*, user: AbstractBaseUser, evidence_id: int, reason: str) -> FileResponse:
    """The file as an attachment, never rendered inline; the download and its reason go into the custody log."""
    evidence = evidence_get_for_user(user=user, evidence_id=evidence_id)
    if not reason.strip():
        raise InvalidInput("reason: say why the evidence is downloaded")
    if not evidence.file.storage.exists(evidence.file.name or ""):
        raise Conflict(f"file: evidence {evidence_id} is missing from storage; run an integrity check")
    with transaction.atomic(durable=True):
        _custody(evidence, CustodyAction.DOWNLOADED, user, reason, {"sha256": evidence.sha256})
    handle = evidence.file.storage.open(evidence.file.name or "", "rb")
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=served_type(evidence.mime_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


def evidence_verify(*, evidence_id: int, actor: AbstractBaseUser | None = None) -> Evidence:
    """Hash the stored file again and compare with the hash taken at upload; the result goes into the custody log."""
    if actor is not None:
        evidence = evidence_get_for_user(user=actor, evidence_id=evidence_id)
    else:
        found = Evidence.objects.filter(pk=evidence_id).first()
        if found is None:
            raise NotFound(f"No evidence {evidence_id}.")
        evidence = found
    detail: dict[str, Any] = {"expected_sha256": evidence.sha256}
    try:
        with evidence.file.storage.open(evidence.file.name or "", "rb") as handle:
            found_sha256, found_size = sha256_of(handle)
        detail.update(found_sha256=found_sha256, found_size=found_size)
        ok = found_sha256 == evidence.sha256 and found_size == evidence.size
    except FileNotFoundError:
        detail["error"] = "file missing from storage"
        ok = False
    detail["ok"] = ok
    with transaction.atomic(durable=True):
        changed = evidence.integrity_ok != ok
        evidence.integrity_ok = ok
        evidence.last_verified_at = timezone.now()
        evidence.save(update_fields=["integrity_ok", "last_verified_at"])
        _custody(evidence, CustodyAction.INTEGRITY_CHECKED, actor, detail=detail)
        if changed:
            publish_evidence(evidence, event_type="evidence.changed")
    return evidence


def evidence_hold(*, user: AbstractBaseUser, evidence_id: int, hold: bool, reason: str) -> Evidence:
    """Set or release a legal hold (supervisors; the reason is required both ways and kept in the custody log)."""
    _require(user, "evidence.hold")
    if not reason.strip():
        raise InvalidInput("reason: say why the hold is " + ("set" if hold else "released"))
    evidence_get_for_user(user=user, evidence_id=evidence_id)
    with transaction.atomic(durable=True):
        evidence = Evidence.objects.select_for_update().get(pk=evidence_id)
        if evidence.legal_hold == hold:
            raise Conflict("hold: the evidence is " + ("already" if hold else "not") + " under legal hold")
        evidence.legal_hold = hold
        evidence.hold_reason = reason.strip() if hold else ""
        evidence.hold_set_by = user if hold else None  # type: ignore[assignment]
        evidence.hold_set_at = timezone.now() if hold else None
        evidence.save(update_fields=["legal_hold", "hold_reason", "hold_set_by", "hold_set_at"])
        action = CustodyAction.HOLD_SET if hold else CustodyAction.HOLD_RELEASED
        _custody(evidence, action, user, reason)
        publish_evidence(evidence, event_type="evidence.changed")
    return evidence
