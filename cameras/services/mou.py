"""MOU expiry: warn admins ahead of time, and push the lapse to every map when it happens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from alerts.choices import AlertAudience, AlertStatus, AlertType
from alerts.models import Alert
from alerts.services import alert_raise_or_update, alert_reopen_for_source, alert_resolve_for_source
from cameras.choices import CameraStatus
from cameras.events import publish_camera_changed
from cameras.models import Camera


@dataclass
class MouCheck:
    warned: list[int] = field(default_factory=list)
    lapsed: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)


def cameras_check_mou(*, today: dt.date) -> MouCheck:
    """Daily: alert admins N days before an MOU expires; on expiry, maps learn live/footage are off."""
    horizon = today + timedelta(days=settings.RTCC_MOU_WARNING_DAYS)
    outcome = MouCheck()
    approved = Camera.objects.filter(status=CameraStatus.APPROVED, mou_expires_on__isnull=False)
    with transaction.atomic(durable=True):
        to_warn = approved.filter(mou_expires_on__lte=horizon).filter(
            Q(mou_warned_for__isnull=True) | ~Q(mou_warned_for=F("mou_expires_on"))
        )
        for camera in to_warn.select_for_update(of=("self",)):
            _mou_alert(camera, today)
            expires = camera.mou_expires_on
            camera.mou_warned_for = expires
            camera.save(update_fields=["mou_warned_for"])
            outcome.warned.append(camera.pk)
        lapsed = approved.filter(mou_expires_on__lt=today).filter(
            Q(mou_lapse_published_for__isnull=True) | ~Q(mou_lapse_published_for=F("mou_expires_on"))
        )
        lapsed_cameras = list(lapsed.select_for_update(of=("self",)))
        for camera in lapsed_cameras:
            _mou_alert(camera, today)
            camera.mou_lapse_published_for = camera.mou_expires_on
            camera.save(update_fields=["mou_lapse_published_for"])
            outcome.lapsed.append(camera.pk)
        publish_camera_changed(cameras=lapsed_cameras)
        outcome.cleared = _resolve_renewed(horizon)
    return outcome


def _mou_alert(camera: Camera, today: dt.date) -> None:
    expires = camera.mou_expires_on
    assert expires is not None
    verb = "expired on" if expires < today else "expires on"
    # A renewed MOU nearing its next expiry reopens the alert the renewal resolved.
    alert_reopen_for_source(type=AlertType.MOU_EXPIRING, source_key=f"camera:{camera.pk}")
    alert_raise_or_update(
        type=AlertType.MOU_EXPIRING,
        source_key=f"camera:{camera.pk}",
        priority=4,
        title=f"Camera MOU {verb} {expires:%Y-%m-%d}: {camera.name}",
        detail=(
            f"{camera.reference} ({camera.owner_name or 'owner unknown'}). Live access and footage "
            "requests stop when the MOU expires; renew it and enter the new expiry date."
        ),
        location=camera.location,
        audience=AlertAudience.ADMIN,
    )


def _resolve_renewed(horizon: dt.date) -> list[int]:
    """Open MOU alerts whose camera now has an MOU beyond the warning window (renewed) are resolved."""
    open_keys = Alert.objects.filter(type=AlertType.MOU_EXPIRING).exclude(status=AlertStatus.RESOLVED)
    camera_ids = [int(key.split(":")[1]) for key in open_keys.values_list("source_key", flat=True)]
    renewed = Camera.objects.filter(pk__in=camera_ids).filter(
        Q(mou_expires_on__isnull=True) | Q(mou_expires_on__gt=horizon) | ~Q(status=CameraStatus.APPROVED)
    )
    cleared = []
    for camera_id in renewed.values_list("pk", flat=True):
        alert_resolve_for_source(type=AlertType.MOU_EXPIRING, source_key=f"camera:{camera_id}", note="MOU renewed")
        cleared.append(camera_id)
    return cleared
