"""LPR pages: the verification queue (live, with an alarm sound) and the verify screen of one hit."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie

from accounts.permissions import capability_required
from audit.services import audit_record
from lpr import selectors
from lpr.choices import HitOutcome, RejectReason
from lpr.events import SOUND_PRIORITY
from lpr.models import Hit
from lpr.selectors import Comparison
from rtcc.errors import NotFound, render_application_error
from rtcc.selectors import latest_seq

# The queue shows this many waiting hits; more means the center is overwhelmed, and the page says so.
QUEUE_LIMIT = 200
# A crop is shown as an image only when it is one of our own static files; anything else stays text
# (a reader's URL would make the browser call a third party, and media files are not served).
_LOCAL_STATIC = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")


def _template_url(name: str) -> str:
    return reverse(name, args=[0]).replace("/0/", "/{id}/")


def crop_url(image_ref: str) -> str | None:
    """The crop's URL when it is a local static file; None means show the reference as text."""
    prefix = settings.STATIC_URL
    if not image_ref.startswith(prefix):
        return None
    rest = image_ref[len(prefix) :]
    if ".." in rest or not _LOCAL_STATIC.match(rest):
        return None
    return image_ref


@capability_required("lpr.hits.verify")
@ensure_csrf_cookie
def hit_queue(request: HttpRequest) -> HttpResponse:
    """Unverified hits of the user's hotlists, highest priority first; new ones arrive live."""
    # The sequence number is taken before the query, so a hit raised in between comes as an event.
    start_seq = latest_seq()
    queue = selectors.hit_queue_for(user=request.user)
    hits = list(queue[:QUEUE_LIMIT])
    audit_record(
        actor=request.user,  # type: ignore[arg-type]
        action="lpr.hits.list",
        object_ref="lpr_hit",
        details={"shown": len(hits)},
    )
    config = {
        "eventsUrl": reverse("api-event-list"),
        "socketPath": "/ws/ops/",
        "latestSeq": start_seq,
        "heartbeatSeconds": settings.RTCC_WS_HEARTBEAT_SECONDS,
        "hitUrlTemplate": _template_url("lpr-hit"),
        "soundPriority": SOUND_PRIORITY,
    }
    context = {
        "hits": hits,
        "more": len(hits) == QUEUE_LIMIT and queue.count() > QUEUE_LIMIT,
        "sound_priority": SOUND_PRIORITY,
        "queue_config": config,
    }
    return render(request, "lpr/hits.html", context)


def _plate_cells(plate: str, comparison: Comparison, other: str) -> list[dict[str, Any]]:
    """One cell per character, flagged where read and entry differ (and whether OCR confuses the two)."""
    flagged = {d.position: d.confusable for d in comparison.differences if d.field == "plate"}
    return [
        {"char": char, "diff": index in flagged, "confusable": flagged.get(index, False)}
        for index, char in enumerate(plate.ljust(len(other), " "))
    ]


@capability_required("lpr.read")
@ensure_csrf_cookie
def hit_detail(request: HttpRequest, hit_id: int) -> HttpResponse:
    """The verify screen: the read beside the hotlist entry, differences highlighted, and the actions."""
    try:
        hit: Hit = selectors.hit_get_for_user(user=request.user, hit_id=hit_id)
    except NotFound as exc:
        return render_application_error(request, exc)
    read = selectors.hit_read(hit=hit)
    audit_record(
        actor=request.user,  # type: ignore[arg-type]
        action="lpr.hit.view",
        object_ref=f"hit:{hit.pk}",
        details={"plate": hit.plate},
    )
    comparison = selectors.hit_compare(hit=hit, read=read)
    fields = {d.field for d in comparison.differences}
    entry = hit.entry
    context = {
        "hit": hit,
        "read": read,
        "entry": entry,
        "vehicle_seen": selectors.read_vehicle_words(read, hit),
        "crop_url": crop_url(read.image_ref if read else hit.image_ref),
        "image_ref": read.image_ref if read else hit.image_ref,
        "read_plate": _plate_cells(hit.plate, comparison, entry.plate),
        "entry_plate": _plate_cells(entry.plate, comparison, hit.plate),
        "differences": comparison.differences,
        "state_differs": "state" in fields,
        "vehicle_differs": "vehicle" in fields,
        "entry_lapsed": "entry" in fields,
        "may_verify": selectors.may_verify(user=request.user, hit=hit),
        "may_record_outcome": selectors.may_record_outcome(user=request.user, hit=hit),
        "reject_reasons": RejectReason.choices,
        "outcomes": HitOutcome.choices,
        "sound_priority": SOUND_PRIORITY,
        "hit_config": {
            "confirmUrl": reverse("api-lpr-hit-confirm", args=[hit.pk]),
            "rejectUrl": reverse("api-lpr-hit-reject", args=[hit.pk]),
            "outcomeUrl": reverse("api-lpr-hit-outcome", args=[hit.pk]),
        },
    }
    return render(request, "lpr/hits_detail.html", context)
