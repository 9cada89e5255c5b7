"""Turn validated API/form input into the keyword arguments of bulletins.services."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point

from rtcc.errors import InvalidInput

PLAIN = ("kind", "title", "marking", "summary", "subjects", "vehicles", "location_label",
         "contact_name", "contact_phone", "contact_email", "expires_at")  # fmt: skip


def content_changes(data: dict[str, Any]) -> dict[str, Any]:
    changes = {key: data[key] for key in PLAIN if key in data}
    if "lat" in data or "lon" in data:
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise InvalidInput("lat: give both lat and lon, or neither")
        changes["location"] = None if lat is None else Point(float(lon), float(lat), srid=4326)  # type: ignore[arg-type]
    if "case_id" in data:
        changes["case_id"] = data["case_id"]
        if data["case_id"] is not None:
            from cases.models import Case

            if not Case.objects.filter(pk=data["case_id"]).exists():
                raise InvalidInput(f"case_id: no case {data['case_id']}")
    return changes
