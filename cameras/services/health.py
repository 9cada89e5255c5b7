"""Health of live-share cameras: probe the stream host, record changes, alert admins on long outages."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alerts.choices import AlertAudience, AlertType
from alerts.services import alert_raise_or_update, alert_reopen_for_source, alert_resolve_for_source
from cameras.choices import AccessTier, CameraStatus, Health
from cameras.events import publish_camera_changed
from cameras.models import Camera

DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}
MAX_PARALLEL_PROBES = 32


@dataclass(frozen=True)
class ProbeResult:
    camera_id: int
    online: bool
    detail: str


def probe_stream(url: str, timeout: float) -> tuple[bool, str]:
    """RTSP: a TCP connect to the stream host. HTTP(S): a HEAD request; any answer below 500 is 'up'."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    except ValueError:
        return False, "invalid port in stream URL"
    if scheme in ("http", "https"):
        try:
            # Camera web servers often use self-signed certificates; we only ask whether it answers.
            # trust_env=False: camera hosts are on the agency network, never behind an outbound proxy.
            with requests.Session() as session:
                session.trust_env = False
                response = session.head(url, timeout=timeout, allow_redirects=False, verify=False)
        except requests.RequestException as exc:
            return False, f"HTTP: {type(exc).__name__}"
        if response.status_code >= 500:
            return False, f"HTTP {response.status_code}"
        return True, f"HTTP {response.status_code}"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True, f"TCP {port} open"
    except OSError as exc:
        return False, f"TCP {port}: {exc.strerror or type(exc).__name__}"


def cameras_probe_all() -> list[ProbeResult]:
    """Probe every approved live-share camera in parallel, outside any transaction, then record results."""
    targets = list(
        Camera.objects.filter(status=CameraStatus.APPROVED, tier=AccessTier.LIVE)
        .exclude(stream_url="")
        .values_list("pk", "stream_url")
    )
    timeout = settings.RTCC_CAMERA_PROBE_TIMEOUT_SECONDS

    def probe(target: tuple[int, str]) -> ProbeResult:
        camera_id, url = target
        online, detail = probe_stream(url, timeout)
        return ProbeResult(camera_id, online, detail)

    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_PROBES, max(1, len(targets)))) as pool:
        results = list(pool.map(probe, targets))
    checked_at = timezone.now()
    for result in results:
        camera_health_record(
            camera_id=result.camera_id, online=result.online, detail=result.detail, checked_at=checked_at
        )
    return results


def camera_health_record(*, camera_id: int, online: bool, detail: str, checked_at: datetime) -> Camera | None:
    """Store one probe result; a change goes live to the maps, a long outage raises an admin alert."""
    state = Health.ONLINE if online else Health.OFFLINE
    with transaction.atomic(durable=True):
        camera = Camera.objects.select_for_update().filter(pk=camera_id).first()
        if camera is None:
            return None
        changed = camera.health != state
        camera.health, camera.health_checked_at, camera.health_detail = state, checked_at, detail[:200]
        if changed:
            camera.health_changed_at = checked_at
        camera.save(update_fields=["health", "health_checked_at", "health_detail", "health_changed_at"])
        if changed:
            publish_camera_changed(cameras=[camera])
        _alert_on_outage(camera, checked_at)
    return camera


def _alert_on_outage(camera: Camera, now: datetime) -> None:
    source_key = f"camera:{camera.pk}"
    if camera.health == Health.ONLINE:
        alert_resolve_for_source(type=AlertType.CAMERA_OFFLINE, source_key=source_key, note="camera back online")
        return
    threshold = timedelta(minutes=settings.RTCC_CAMERA_OFFLINE_ALERT_MINUTES)
    if camera.health_changed_at is not None and now - camera.health_changed_at >= threshold:
        # A second outage reopens the alert the first one left resolved.
        alert_reopen_for_source(type=AlertType.CAMERA_OFFLINE, source_key=source_key)
        alert_raise_or_update(
            type=AlertType.CAMERA_OFFLINE,
            source_key=source_key,
            priority=3,
            title=f"Camera offline: {camera.name}",
            detail=(
                f"{camera.reference} unreachable since {timezone.localtime(camera.health_changed_at):%Y-%m-%d %H:%M}"
                f" ({camera.health_detail})."
            ),
            location=camera.location,
            audience=AlertAudience.ADMIN,
        )
