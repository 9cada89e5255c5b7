"""Events the CAP app publishes on the `ops` stream."""

from __future__ import annotations

import json
from typing import Any

from cap.models import CapAlert
from rtcc.outbox import record_events


def cap_payload(alert: CapAlert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "event": alert.event,
        "headline": alert.headline,
        "severity": alert.severity,
        "urgency": alert.urgency,
        "state": alert.state,
        "sender": alert.sender,
        "expires": alert.expires.isoformat() if alert.expires else None,
        "area": json.loads(alert.area.simplify(0.001, preserve_topology=True).geojson) if alert.area else None,
    }


def publish_cap_changed(*, changed: list[CapAlert], created_ids: set[int]) -> None:
    record_events(
        stream="ops",
        events=[("cap.created" if a.pk in created_ids else "cap.updated", cap_payload(a)) for a in changed],
    )
