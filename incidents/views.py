from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from accounts.permissions import capability_required
from accounts.roles import has_capability
from alerts.choices import AlertType
from cameras.choices import AccessTier, OwnerType
from incidents.choices import Priority
from lpr.search_purposes import search_purposes
from rtcc.selectors import latest_seq


def _reverse_if(name: str, allowed: bool) -> str | None:
    """URL of an optional layer, or None when the role may not see it or the route does not exist."""
    if not allowed:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _live_map_config() -> dict[str, object]:
    """What every live map page needs: the layers it starts from, the event stream, the base map."""
    return {
        "layerUrl": reverse("api-incident-layer"),
        "shotsUrl": reverse("api-shots-layer"),
        "alertsUrl": reverse("api-alert-list"),
        "eventsUrl": reverse("api-event-list"),
        "socketPath": "/ws/ops/",
        "latestSeq": latest_seq(),
        "tileUrl": settings.RTCC_TILE_URL,
        "tileAttribution": settings.RTCC_TILE_ATTRIBUTION,
        "center": settings.RTCC_MAP_CENTER,
        "zoom": settings.RTCC_MAP_ZOOM,
        "heartbeatSeconds": settings.RTCC_WS_HEARTBEAT_SECONDS,
    }


@capability_required("ops.view")
def ops_map(request: HttpRequest) -> HttpResponse:
    """The analyst's live map: markers and list fed by the layer API and the /ws/ops/ socket."""
    cameras = has_capability(request.user, "cameras.read")
    footage = has_capability(request.user, "cameras.footage")
    tracks = has_capability(request.user, "monitoring.tracks")
    config = {
        **_live_map_config(),
        "listUrl": reverse("api-incident-list"),
        "feedHealthUrl": reverse("api-feed-health"),
        "capUrl": reverse("api-cap-layer"),
        "subjectsUrl": reverse("api-subject-list") if has_capability(request.user, "monitoring.tracks") else None,
        "trackUrlTemplate": reverse("api-subject-track", args=[0]).replace("/0/", "/{id}/"),
        "priorities": [{"value": p.value, "label": p.label} for p in Priority],
        "camerasLayerUrl": reverse("api-camera-layer") if cameras else None,
        "camerasNearbyUrl": reverse("api-camera-nearby") if cameras else None,
        "footageCreateUrl": reverse("api-footage-create") if footage else None,
        "footageListUrl": reverse("api-footage-list") if footage else None,
        # View cones only from this zoom on: further out they are clutter (and many to fetch).
        "coneMinZoom": settings.RTCC_CAMERA_CONE_MIN_ZOOM,
        "cameraTiers": [
            {"value": t.value, "label": t.label}
            for t in (AccessTier.LIVE, AccessTier.FOOTAGE, AccessTier.REGISTER_ONLY)
        ],
        "cameraOwnerTypes": [{"value": o.value, "label": o.label} for o in OwnerType],
        "lprHitsLayerUrl": reverse("api-lpr-hit-layer") if has_capability(request.user, "lpr.read") else None,
        "lprReadersLayerUrl": reverse("api-lpr-reader-layer") if has_capability(request.user, "lpr.readers") else None,
        "lprHitUrlTemplate": reverse("lpr-hit", args=[0]).replace("/0/", "/{id}/"),
        # Correlation panel (ops_correlation.js): plate reads and GPS subjects need a purpose.
        "correlationUrl": reverse("api-correlation") if has_capability(request.user, "correlation.read") else None,
        "purposes": [{"value": code, "label": label} for code, label in search_purposes()],
        "canSearchLpr": has_capability(request.user, "lpr.search"),
        "canTrack": has_capability(request.user, "monitoring.tracks"),
        "lprSearchPageUrl": reverse("lpr-search") if has_capability(request.user, "lpr.search") else None,
        # Alert panel (incidents/static/incidents/ops_alerts.js).
        "alertTypes": [{"value": t.value, "label": t.label} for t in AlertType],
        "alertDetailUrlTemplate": reverse("api-alert-detail", args=[0]).replace("/0/", "/{id}/"),
        "alertActionUrlTemplate": reverse("api-alert-detail", args=[0]).replace("/0/", "/{id}/") + "{action}/",
        "alertBulkAckUrl": reverse("api-alert-bulk-acknowledge"),
        "alertMutesUrl": reverse("api-alert-mute-active"),
        "alertMuteCreateUrl": reverse("api-alert-mute-create"),
        "alertMuteEndUrlTemplate": reverse("api-alert-mute-end", args=[0]).replace("/0/", "/{id}/"),
        "alertWorkloadUrl": reverse("api-alert-workload"),
        "alertSoundPriority": 2,
        "alertMuteMaxHours": getattr(settings, "RTCC_ALERT_MUTE_MAX_HOURS", 12),
        "canWorkAlerts": has_capability(request.user, "alerts.work"),
        "canMuteAlerts": has_capability(request.user, "alerts.mute"),
        "canOverseeAlerts": has_capability(request.user, "alerts.oversight"),
        "currentUser": {"id": request.user.pk, "username": request.user.get_username()},
        # Complete map (docs/ops-map.md): quick search, GPS positions and zones, beats and districts.
        "searchUrl": reverse("api-map-search") if has_capability(request.user, "ops.search") else None,
        "subjectPositionsUrl": reverse("api-subject-positions") if tracks else None,
        "zonesLayerUrl": reverse("api-zone-layer") if tracks else None,
        "beatsLayerUrl": _reverse_if("api-area-beat-layer", has_capability(request.user, "areas.read")),
        "districtsLayerUrl": _reverse_if("api-area-district-layer", has_capability(request.user, "areas.read")),
        "operationsUrl": _reverse_if("api-operation-list", has_capability(request.user, "operations.read")),
        "shiftsCurrentUrl": _reverse_if("api-shift-current", has_capability(request.user, "shifts.read")),
        "casesUrl": _reverse_if("api-case-list", has_capability(request.user, "cases.write")),
    }
    return render(request, "incidents/ops_map.html", {"ops_config": config})


@capability_required("ops.wall")
def wall(request: HttpRequest) -> HttpResponse:
    """The video-wall display: read-only, large type, follows the newest priority-1 event.

    A wall display runs unattended for days, so its session is not cut by the staff session
    limit (RTCC_WALL_SESSION_SECONDS, default 30 days); the role can read the live picture only.
    """
    request.session.set_expiry(settings.RTCC_WALL_SESSION_SECONDS)
    config = {**_live_map_config(), "focusSeconds": settings.RTCC_WALL_FOCUS_SECONDS}
    return render(request, "incidents/wall.html", {"wall_config": config})
