"""Where and when a correlation is centred: an incident, an alert or a map point."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from alerts.choices import AlertType
from alerts.selectors import alert_list_visible_to
from incidents.selectors import incident_get_for_user
from rtcc.errors import InvalidInput, NotFound
from shots.selectors import shots_list_visible_to


@dataclass(frozen=True)
class Anchor:
    """The spot and moment the panel looks around; `incident_id` is left out of "prior incidents"."""

    lat: float
    lon: float
    at: dt.datetime
    label: str = ""
    address: str = ""
    incident_id: int | None = None
    cad_number: str = ""


def anchor_for_incident(*, user: AbstractBaseUser | AnonymousUser, incident_id: int) -> Anchor:
    """An incident's location and the time the call was received."""
    incident = incident_get_for_user(user=user, incident_id=incident_id)
    if incident.location is None:
        raise InvalidInput("incident: has no location")
    return Anchor(
        lat=incident.location.y,
        lon=incident.location.x,
        at=incident.received_at,
        label=f"#{incident.external_id} {incident.final_call_type or incident.call_type}",
        address=incident.address,
        incident_id=incident.pk,
        cad_number=incident.external_id,
    )


def anchor_for_alert(*, user: AbstractBaseUser | AnonymousUser, alert_id: int) -> Anchor:
    """An alert's location and creation time; a shots-fired alert uses the detection's own time."""
    alert = alert_list_visible_to(user=user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound("No such alert.")
    if alert.location is None:
        raise InvalidInput("alert: has no location")
    at, address, incident_id, cad_number = alert.created_at, "", None, ""
    kind, _, ref = alert.source_key.partition(":")
    if alert.type == AlertType.SHOTS_FIRED and kind == "shots" and ref.isdigit():
        shot = (
            shots_list_visible_to(user=user)
            .filter(pk=int(ref))
            .select_related("incident")
            .only("detected_at", "address", "incident__id", "incident__external_id")
            .first()
        )
        if shot is not None:
            at, address = shot.detected_at, shot.address
            if shot.incident is not None:
                incident_id, cad_number = shot.incident.pk, shot.incident.external_id
    return Anchor(
        lat=alert.location.y,
        lon=alert.location.x,
        at=at,
        label=alert.title,
        address=address,
        incident_id=incident_id,
        cad_number=cad_number,
    )
