"""LPR hits as alerts (one alert model for everything): raised with the hit, closed by its verification."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alerts import services as alert_services
from alerts.choices import AlertType, Disposition
from lpr.events import distribution_streams
from lpr.models import Hit


def hit_source_key(hit_id: int) -> str:
    return f"lpr_hit:{hit_id}"


def hits_raise_alerts(*, hits: Sequence[Hit]) -> None:
    """One alert per new hit, for the hotlist's distribution only (two queries for the whole batch)."""
    if not hits:
        return
    streams: dict[int, list[str]] = {}  # per hotlist: the distribution is the list's, not the hit's
    for hit in hits:
        if hit.hotlist_id not in streams:
            streams[hit.hotlist_id] = distribution_streams(hit)
    alert_services.alerts_raise_many(
        type=AlertType.LPR_HIT,
        specs=[
            alert_services.AlertSpec(
                source_key=hit_source_key(hit.pk),
                priority=min(max(hit.priority, 1), 5),
                title=f"LPR hit {hit.plate} · {hit.hotlist.name}"[:200],
                detail=" · ".join(p for p in (hit.entry.reason, hit.reader.name if hit.reader else "") if p),
                location=hit.location,
                streams=streams[hit.hotlist_id],
                context={"hit_id": hit.pk, "plate": hit.plate, "retroactive": hit.retroactive},
            )
            for hit in hits
        ],
    )


def hit_alert_confirmed(*, user: Any, hit: Hit) -> None:
    """The verifier confirmed the hit: that is their acknowledgement of its alert."""
    alert_services.alert_acknowledge_for_source(user=user, type=AlertType.LPR_HIT, source_key=hit_source_key(hit.pk))


def hit_alert_rejected(*, user: Any, hit: Hit, reason: str) -> None:
    """A rejected hit was a false positive: its alert is resolved as such by the person who rejected it."""
    alert_services.alert_resolve_for_source_by(
        user=user,
        type=AlertType.LPR_HIT,
        source_key=hit_source_key(hit.pk),
        disposition=Disposition.FALSE_POSITIVE,
        note=f"Hit rejected: {reason}",
    )
