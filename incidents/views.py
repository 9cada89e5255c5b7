from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.permissions import capability_required
from accounts.roles import has_capability
from cameras.choices import AccessTier, OwnerType
from incidents.choices import Priority
from rtcc.selectors import latest_seq


@capability_required("ops.view")
def ops_map(request: HttpRequest) -> HttpResponse:
    """The analyst's live map: markers and list fed by the layer API and the /ws/ops/ socket."""
    cameras = has_capability(request.user, "cameras.read")
    footage = has_capability(request.user, "cameras.footage")
    config = {
        "layerUrl": reverse("api-incident-layer"),
        "eventsUrl": reverse("api-event-list"),
        "socketPath": "/ws/ops/",
        "latestSeq": latest_seq(),
        "tileUrl": settings.RTCC_TILE_URL,
        "tileAttribution": settings.RTCC_TILE_ATTRIBUTION,
        "center": settings.RTCC_MAP_CENTER,
        "zoom": settings.RTCC_MAP_ZOOM,
        "heartbeatSeconds": settings.RTCC_WS_HEARTBEAT_SECONDS,
        "listUrl": reverse("api-incident-list"),
        "shotsUrl": reverse("api-shots-layer"),
        "alertsUrl": reverse("api-alert-list"),
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
    }
    return render(request, "incidents/ops_map.html", {"ops_config": config})
