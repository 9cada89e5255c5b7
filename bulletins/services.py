"""Writes of the bulletins app: drafts and their versions, photos, approval, dissemination, expiry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from bulletins.choices import BulletinKind, BulletinStatus, Channel, HandlingMarking
from bulletins.events import publish_bulletin
from bulletins.models import Bulletin, BulletinPhoto, BulletinVersion, Dissemination
from bulletins.photos import inspect_image
from rtcc.errors import Conflict, InvalidInput, NotFound, PermissionDenied

SUBJECT_KEYS = ("name", "description", "dob", "identifiers")
VEHICLE_KEYS = ("plate", "state", "make", "model", "colour", "notes")
MAX_BLOCKS = 20
MAX_BLOCK_TEXT = 2000
CONTENT_FIELDS = frozenset(
    {
        "kind",
        "title",
        "marking",
        "summary",
        "subjects",
        "vehicles",
        "location",
        "location_label",
        "contact_name",
        "contact_phone",
        "contact_email",
        "expires_at",
        "case_id",
    }
)
EDITABLE_STATUSES = frozenset(
    {BulletinStatus.DRAFT, BulletinStatus.PENDING_APPROVAL, BulletinStatus.APPROVED, BulletinStatus.DISSEMINATED}
)


def max_photos() -> int:
    return int(getattr(settings, "RTCC_BULLETIN_MAX_PHOTOS", 6))


def max_photo_bytes() -> int:
    return int(getattr(settings, "RTCC_BULLETIN_PHOTO_MAX_BYTES", 5 * 1024 * 1024))


def _require(actor: AbstractBaseUser, capability: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied()


def clean_blocks(field: str, blocks: Any, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """Subject or vehicle blocks: a list of objects with known keys and short text values."""
    if not isinstance(blocks, list):
        raise InvalidInput(f"{field}: must be a list of objects")
    if len(blocks) > MAX_BLOCKS:
        raise InvalidInput(f"{field}: at most {MAX_BLOCKS} blocks")
    cleaned: list[dict[str, str]] = []
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            raise InvalidInput(f"{field}[{index}]: must be an object")
        unknown = sorted(set(block) - set(keys))
        if unknown:
            raise InvalidInput(f"{field}[{index}].{unknown[0]}: unknown key (allowed: {', '.join(keys)})")
        item: dict[str, str] = {}
        for key in keys:
            value = block.get(key, "")
            if not isinstance(value, str):
                raise InvalidInput(f"{field}[{index}].{key}: must be text")
            if len(value) > MAX_BLOCK_TEXT:
                raise InvalidInput(f"{field}[{index}].{key}: at most {MAX_BLOCK_TEXT} characters")
            item[key] = value.strip()
        if not any(item.values()):
            raise InvalidInput(f"{field}[{index}]: empty block")
        cleaned.append(item)
    return cleaned


def _check_content(bulletin: Bulletin, *, now: datetime) -> None:
    if not bulletin.title.strip():
        raise InvalidInput("title: this field may not be blank")
    if bulletin.kind not in BulletinKind.values:
        raise InvalidInput(f"kind: must be one of {', '.join(BulletinKind.values)}")
    if bulletin.marking not in HandlingMarking.values:
        raise InvalidInput(f"marking: must be one of {', '.join(HandlingMarking.values)}")
    if bulletin.expires_at <= now:
        raise InvalidInput("expires_at: must be in the future")


def content_of(bulletin: Bulletin) -> dict[str, Any]:
    """The full content of a bulletin as kept in a BulletinVersion."""
    location = bulletin.location
    return {
        "kind": bulletin.kind,
        "title": bulletin.title,
        "marking": bulletin.marking,
        "summary": bulletin.summary,
        "subjects": bulletin.subjects,
        "vehicles": bulletin.vehicles,
        "location": None if location is None else {"lat": location.y, "lon": location.x},
        "location_label": bulletin.location_label,
        "contact": {"name": bulletin.contact_name, "phone": bulletin.contact_phone, "email": bulletin.contact_email},
        "expires_at": bulletin.expires_at.isoformat(),
        "case_id": bulletin.case_id,
        "photos": [{"id": p.pk, "name": p.original_name, "caption": p.caption} for p in bulletin.photos.all()],
    }


def _new_version(bulletin: Bulletin, actor: AbstractBaseUser, number: int) -> BulletinVersion:
    return BulletinVersion.objects.create(
        bulletin=bulletin,
        number=number,
        content=content_of(bulletin),
        created_by=actor,  # type: ignore[misc]
    )


def _apply(bulletin: Bulletin, changes: dict[str, Any]) -> None:
    unknown = set(changes) - CONTENT_FIELDS
    if unknown:
        raise InvalidInput(f"{sorted(unknown)[0]}: cannot be changed")
    for field, value in changes.items():
        if field == "subjects":
            value = clean_blocks("subjects", value, SUBJECT_KEYS)
        elif field == "vehicles":
            value = clean_blocks("vehicles", value, VEHICLE_KEYS)
        elif field == "location" and value is not None and not isinstance(value, Point):
            raise InvalidInput("location: must be a point")
        elif isinstance(value, str):
            value = value.strip()
        setattr(bulletin, field, value)


def bulletin_create(*, actor: AbstractBaseUser, **content: Any) -> Bulletin:
    """A new draft (version 1)."""
    _require(actor, "bulletins.write")
    bulletin = Bulletin(created_by=actor)  # type: ignore[misc]
    _apply(bulletin, content)
    _check_content(bulletin, now=timezone.now())
    with transaction.atomic(durable=True):
        bulletin.save()
        _new_version(bulletin, actor, 1)
        publish_bulletin(bulletin, "bulletin.created")
    return bulletin


def _locked(bulletin_id: int) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().filter(pk=bulletin_id).first()
    if bulletin is None:
        raise NotFound(f"No bulletin {bulletin_id}.")
    return bulletin


def _back_to_draft(bulletin: Bulletin) -> None:
    """Any change to the content of a submitted or approved bulletin needs approval again."""
    if bulletin.status not in EDITABLE_STATUSES:
        raise Conflict(f"status: the bulletin is {bulletin.get_status_display().lower()} and can no longer be changed")
    bulletin.status = BulletinStatus.DRAFT
    bulletin.submitted_at = None
    bulletin.approved_by = None
    bulletin.approved_at = None


def bulletin_update(*, actor: AbstractBaseUser, bulletin_id: int, changes: dict[str, Any]) -> Bulletin:
    """Edit the content: a new version; an approved (or submitted) bulletin becomes a draft again."""
    _require(actor, "bulletins.write")
    if not changes:
        raise InvalidInput("body: nothing to change")
    with transaction.atomic(durable=True):
        bulletin = _locked(bulletin_id)
        _back_to_draft(bulletin)
        _apply(bulletin, changes)
        _check_content(bulletin, now=timezone.now())
        bulletin.version += 1
        bulletin.save()
        _new_version(bulletin, actor, bulletin.version)
        publish_bulletin(bulletin, "bulletin.updated")
    return bulletin


def photo_check(upload: UploadedFile) -> tuple[str, int, int]:
    """Size limit and Pillow content check of an upload: (format, width, height) or InvalidInput."""
    size = upload.size or 0
    if size > max_photo_bytes():
        raise InvalidInput(f"photo: {size} bytes is more than the {max_photo_bytes()} bytes allowed")
    if size == 0:
        raise InvalidInput("photo: the file is empty")
    return inspect_image(upload)


def photo_add(*, actor: AbstractBaseUser, bulletin_id: int, upload: UploadedFile, caption: str = "") -> BulletinPhoto:
    """Attach an image (checked with Pillow, size and count limited): a new version of the content."""
    _require(actor, "bulletins.write")
    image_format, width, height = photo_check(upload)
    size = upload.size or 0
    with transaction.atomic(durable=True):
        bulletin = _locked(bulletin_id)
        if bulletin.photos.count() >= max_photos():
            raise InvalidInput(f"photo: a bulletin has at most {max_photos()} photos")
        _back_to_draft(bulletin)
        photo = BulletinPhoto(
            bulletin=bulletin,
            caption=caption.strip()[:200],
            original_name=(upload.name or "photo")[-200:],
            image_format=image_format,
            width=width,
            height=height,
            size=size,
            uploaded_by=actor,  # type: ignore[misc]
        )
        upload.seek(0)
        photo.image.save(f"photo-{bulletin.version + 1}.{image_format.lower()}", upload, save=False)
        try:
            photo.save()
            bulletin.version += 1
            bulletin.save()
            _new_version(bulletin, actor, bulletin.version)
            publish_bulletin(bulletin, "bulletin.updated")
        except Exception:
            photo.image.delete(save=False)
            raise
    return photo


def bulletin_submit(*, actor: AbstractBaseUser, bulletin_id: int) -> Bulletin:
    """Draft → pending approval."""
    _require(actor, "bulletins.write")
    with transaction.atomic(durable=True):
        bulletin = _locked(bulletin_id)
        if bulletin.status != BulletinStatus.DRAFT:
            raise Conflict(f"status: only a draft can be submitted (this one is {bulletin.status})")
        if bulletin.expires_at <= timezone.now():
            raise Conflict("expires_at: the bulletin has expired; set a new expiry first")
        bulletin.status = BulletinStatus.PENDING_APPROVAL
        bulletin.submitted_at = timezone.now()
        bulletin.save()
        publish_bulletin(bulletin, "bulletin.updated")
    return bulletin


def bulletin_approve(*, actor: AbstractBaseUser, bulletin_id: int) -> Bulletin:
    """Pending approval → approved, by a supervisor who wrote none of it: the content is frozen."""
    _require(actor, "bulletins.approve")
    with transaction.atomic(durable=True):
        bulletin = _locked(bulletin_id)
        if bulletin.status != BulletinStatus.PENDING_APPROVAL:
            raise Conflict(f"status: only a bulletin pending approval can be approved (this one is {bulletin.status})")
        current = BulletinVersion.objects.get(bulletin=bulletin, number=bulletin.version)
        if actor.pk in (bulletin.created_by_id, current.created_by_id):
            raise PermissionDenied("approve: you wrote this bulletin; another supervisor must approve it")
        if bulletin.expires_at <= timezone.now():
            raise Conflict("expires_at: the bulletin has expired; set a new expiry first")
        bulletin.status = BulletinStatus.APPROVED
        bulletin.approved_by = actor  # type: ignore[assignment]
        bulletin.approved_at = timezone.now()
        bulletin.save()
        audit_record(actor=actor, action="bulletin.approve", object_ref=f"bulletin:{bulletin.pk}",
                     details={"version": bulletin.version})  # fmt: skip
        publish_bulletin(bulletin, "bulletin.updated")
    return bulletin


def bulletin_disseminate(*, actor: AbstractBaseUser, bulletin_id: int, recipients: str, channel: str) -> Dissemination:
    """Log one sending of the approved version (to whom, how); refused before approval."""
    _require(actor, "bulletins.write")
    recipients = recipients.strip()
    if not recipients:
        raise InvalidInput("recipients: this field may not be blank")
    if channel not in Channel.values:
        raise InvalidInput(f"channel: must be one of {', '.join(Channel.values)}")
    with transaction.atomic(durable=True):
        bulletin = _locked(bulletin_id)
        if not bulletin.is_approved:
            raise Conflict("status: approve the bulletin before disseminating it")
        if bulletin.expires_at <= timezone.now():
            raise Conflict("expires_at: the bulletin has expired and can no longer be disseminated")
        entry = Dissemination.objects.create(
            bulletin=bulletin,
            version=bulletin.version,
            recipients=recipients,
            channel=channel,
            by=actor,  # type: ignore[misc]
        )
        bulletin.status = BulletinStatus.DISSEMINATED
        bulletin.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="bulletin.disseminate",
            object_ref=f"bulletin:{bulletin.pk}",
            details={"version": bulletin.version, "channel": channel, "recipients": recipients[:500]},
        )
        publish_bulletin(bulletin, "bulletin.disseminated")
    return entry


def bulletin_withdraw(*, actor: AbstractBaseUser, bulletin_id: int) -> Bulletin:
    """Withdraw a bulletin (its author or a supervisor); final."""
    with transaction.atomic(durable=True):
        bulletin = _locked(bulletin_id)
        is_author = bulletin.created_by_id == actor.pk and has_capability(actor, "bulletins.write")
        if not (is_author or has_capability(actor, "bulletins.approve")):
            raise PermissionDenied()
        if bulletin.status in (BulletinStatus.EXPIRED, BulletinStatus.WITHDRAWN):
            raise Conflict(f"status: the bulletin is already {bulletin.status}")
        bulletin.status = BulletinStatus.WITHDRAWN
        bulletin.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="bulletin.withdraw", object_ref=f"bulletin:{bulletin.pk}")
        publish_bulletin(bulletin, "bulletin.updated")
    return bulletin


def bulletins_expire_due(*, now: datetime | None = None) -> int:
    """Mark bulletins past their expiry as expired (periodic task / command); returns how many."""
    now = now or timezone.now()
    live = [s for s in EDITABLE_STATUSES]
    with transaction.atomic(durable=True):
        due = list(Bulletin.objects.select_for_update().filter(status__in=live, expires_at__lte=now))
        for bulletin in due:
            bulletin.status = BulletinStatus.EXPIRED
            bulletin.save(update_fields=["status", "updated_at"])
            publish_bulletin(bulletin, "bulletin.updated")
        if due:
            audit_record(
                actor=None,
                action="retention.expire",
                object_ref="bulletin",
                details={"expired": len(due), "bulletin_ids": [bulletin.pk for bulletin in due]},
            )
    return len(due)


def pdf_export_record(*, actor: AbstractBaseUser, bulletin: Bulletin) -> None:
    """The PDF is an export: audited."""
    audit_record(
        actor=actor,
        action="bulletin.export_pdf",
        object_ref=f"bulletin:{bulletin.pk}",
        details={"version": bulletin.version, "status": bulletin.status},
    )
