"""Camera export as CSV or GeoJSON, streamed; re-importable with cameras/mappings/rtcc_cameras.json.

Stream credentials are never exported (only the URL, and never with a user:password@ part).
Contact fields are filled only for roles that may see them. Text cells that a spreadsheet would
run as a formula get a leading apostrophe, which the camera importer removes again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from accounts.roles import has_capability
from audit.services import audit_record
from cameras.api.serializers import CONTACT_FIELDS
from cameras.models import Camera
from rtcc.csv_export import csv_stream, formula_safe
from rtcc.errors import InvalidInput, PermissionDenied

FORMATS = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}
COLUMNS = (
    "reference",
    "external_id",
    "name",
    "owner_name",
    "owner_type",
    *CONTACT_FIELDS,
    "address",
    "latitude",
    "longitude",
    "mount_height_m",
    "heading",
    "fov",
    "range_m",
    "tier",
    "stream_url",
    "retention_days",
    "recording_hours",
    "mou_signed_on",
    "mou_expires_on",
    "tags",
    "status",
)
# The camera importer accepts at most 9 decimal places in GeoJSON; 9 keeps positions exact to 0.1 mm.
GEOJSON_DECIMALS = 9


def cameras_export(
    *, user: AbstractBaseUser, cameras: QuerySet[Camera], file_format: str, contacts: bool, filters: dict[str, Any]
) -> Iterator[str]:
    """Record the export in the audit trail and return the file's text in chunks (CSV or GeoJSON)."""
    if not has_capability(user, "cameras.manage"):
        raise PermissionDenied("Your role does not allow exporting cameras.")
    if file_format not in FORMATS:
        raise InvalidInput(f"format: one of {', '.join(FORMATS)}")
    with transaction.atomic(durable=True):
        audit_record(
            actor=user,
            action="camera.export",
            object_ref="cameras",
            details={"format": file_format, "count": cameras.count(), "contacts": contacts, "filters": filters},
        )
    rows = (export_row(camera, contacts=contacts) for camera in cameras.iterator(chunk_size=500))
    return csv_chunks(rows) if file_format == "csv" else geojson_chunks(rows)


def export_row(camera: Camera, *, contacts: bool) -> dict[str, Any]:
    """One camera as typed values, keyed by COLUMNS."""
    row: dict[str, Any] = {
        "reference": camera.reference,
        # The re-import key: the id of an imported camera, else the camera's own reference.
        "external_id": camera.external_id if camera.source == "import" and camera.external_id else camera.reference,
        "latitude": camera.location.y,
        "longitude": camera.location.x,
        "stream_url": without_userinfo(camera.stream_url),
        "mou_signed_on": camera.mou_signed_on.isoformat() if camera.mou_signed_on else None,
        "mou_expires_on": camera.mou_expires_on.isoformat() if camera.mou_expires_on else None,
        "tags": list(camera.tags),
    }
    for name in COLUMNS:
        if name not in row:
            row[name] = getattr(camera, name)
    if not contacts:
        row.update(dict.fromkeys(CONTACT_FIELDS, ""))
    return row


def without_userinfo(url: str) -> str:
    """The URL without any user:password@ (stored URLs have none; this makes sure no export ever does)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return ""
    if parts.username is None and parts.password is None:
        return url
    netloc = host if ":" not in host else f"[{host}]"
    return urlunsplit((parts.scheme, netloc + (f":{port}" if port else ""), parts.path, parts.query, parts.fragment))


def csv_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    return csv_stream(COLUMNS, ([csv_cell(row[name]) for name in COLUMNS] for row in rows), rows_per_chunk=200)


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return csv_cell(",".join(value))
    if isinstance(value, float):
        return repr(value)
    return formula_safe(value) if isinstance(value, str) else str(value)


def geojson_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    separator = ""
    for row in rows:
        coordinates = [round(row["longitude"], GEOJSON_DECIMALS), round(row["latitude"], GEOJSON_DECIMALS)]
        properties = {name: row[name] for name in COLUMNS if name not in ("latitude", "longitude")}
        feature = {
            "type": "Feature",
            "id": row["reference"],
            "geometry": {"type": "Point", "coordinates": coordinates},
            "properties": properties,
        }
        yield separator + json.dumps(feature, ensure_ascii=False)
        separator = ",\n"
    yield "]}\n"
