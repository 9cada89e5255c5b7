"""Bulk import of cameras from CSV or GeoJSON through a mapping file of kind "camera".

The whole file is read and checked before anything is written. File-level problems (a bad
mapping, missing columns, not UTF-8, malformed GeoJSON, a feature that is not a Point) reject
the whole file. Row-level problems reject that row only, with the CameraRecord message; the
valid rows are then written in one transaction. A record's `external_id` is its re-import key:
it matches the camera imported earlier with that id (or, failing that, the camera whose
reference it is, so an export re-imported into the same system updates in place).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from cameras.choices import CameraSource, CameraStatus
from cameras.events import publish_camera_changed
from cameras.geometry import view_cone
from cameras.models import Camera
from cameras.records import CameraRecord
from cameras.services.registry import _apply as apply_record
from cameras.services.registry import new_reference
from feeds.imports.csv_import import count_lines, csv_rows, describe_errors
from feeds.imports.mapping import CellError, Mapping, MappingError
from rtcc import geojson
from rtcc.csv_export import FORMULA_STARTS
from rtcc.errors import InvalidInput, PermissionDenied

TARGET = "camera"
GEOJSON_SUFFIXES = (".geojson", ".json")
FILE_SUFFIXES = (".csv", *GEOJSON_SUFFIXES)
# More decimal places than this (0.1 mm) in a GeoJSON position is float noise or corruption.
MAX_DECIMALS = 9
LOCATION_FIELDS = {"latitude", "longitude", "location"}
CREDENTIAL_FIELDS = {"stream_username", "stream_password"}
IMPORT_LOCK_KEY = 7_201_101  # pg advisory lock: one camera import writes at a time
MAX_LISTED_PROBLEMS = 1000
PROGRESS_EVERY = 25

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SourceRow:
    number: int  # line of the CSV file, or feature number (1-based) of the GeoJSON file
    cells: dict[str, str]
    problem: str = ""
    point: tuple[float, float] | None = None  # (longitude, latitude) of a GeoJSON feature


@dataclass
class CameraImportReport:
    file_format: str = "csv"
    rows: int = 0
    accepted_rows: int = 0
    rejected: int = 0
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outside_service_area: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False

    def reject(self, number: int, reason: str) -> None:
        self.rejected += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append((number, reason))

    def as_dict(self) -> dict[str, Any]:
        where = "feature" if self.file_format == "geojson" else "line"
        return {
            "target": TARGET,
            "format": self.file_format,
            "rows": self.rows,
            "accepted_rows": self.accepted_rows,
            "rejected": self.rejected,
            "records": self.records,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "outside_service_area": self.outside_service_area,
            "problems": [{where: number, "reason": reason} for number, reason in self.problems],
            "dry_run": self.dry_run,
        }


def import_cameras(
    *,
    path: Path,
    mapping: Mapping,
    user: AbstractBaseUser,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> CameraImportReport:
    """Import cameras from a CSV or GeoJSON file: every row accepted or rejected, all writes in one transaction."""
    if not has_capability(user, "cameras.manage"):
        raise PermissionDenied("Your role does not allow importing cameras.")
    if mapping.kind != TARGET:
        raise InvalidInput(f"mapping: it fills {mapping.kind!r} records, not {TARGET!r}")
    is_geojson = path.suffix.lower() in GEOJSON_SUFFIXES
    report = CameraImportReport(file_format="geojson" if is_geojson else "csv", dry_run=dry_run)
    try:
        total, rows = _geojson_rows(path, mapping) if is_geojson else (count_lines(path), _csv_rows(path, mapping))
        records = _checked_records(rows, mapping, report, total, progress)
    except MappingError as exc:
        raise InvalidInput(str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"file: {path.name} is not {mapping.encoding} text ({exc.reason} at byte {exc.start})"
        ) from exc
    except csv.Error as exc:
        raise InvalidInput(f"file: {path.name} is not a readable CSV file ({exc})") from exc
    if dry_run:
        _apply_all(records, user=user, report=report, write=False)
        return report
    with transaction.atomic(durable=True):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        _apply_all(records, user=user, report=report, write=True)
        audit_record(
            actor=user,
            action="camera.import",
            object_ref=f"file:{path.name}"[:128],
            details={"mapping": Path(mapping.source).name, **_counts(report)},
        )
    return report


def _counts(report: CameraImportReport) -> dict[str, Any]:
    summary = report.as_dict()
    del summary["problems"]
    return summary


# --- reading ------------------------------------------------------------------------------------


def _csv_rows(path: Path, mapping: Mapping) -> Iterator[SourceRow]:
    for line, cells, problem in csv_rows(path, mapping):
        yield SourceRow(number=line, cells={name: _unescaped(text) for name, text in cells.items()}, problem=problem)


def _unescaped(text: str) -> str:
    """Undo the apostrophe our CSV export puts before text a spreadsheet would run as a formula."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _geojson_rows(path: Path, mapping: Mapping) -> tuple[int, list[SourceRow]]:
    """Every feature as a row of its properties plus its Point; anything else rejects the file."""
    text = path.read_bytes().decode("utf-8-sig")
    try:
        document = geojson.loads(text, max_decimals=MAX_DECIMALS)
    except geojson.GeoJSONError as exc:
        raise InvalidInput(f"file: {path.name} is not valid GeoJSON: {exc}", details=exc.problems) from exc
    if document["type"] == "FeatureCollection":
        features = document["features"]
    elif document["type"] == "Feature":
        features = [document]
    else:
        raise InvalidInput(f"file: cameras come as a FeatureCollection of Point features, not a {document['type']}")
    not_points = [
        f"feature {number}: {_geometry_name(feature['geometry'])}"
        for number, feature in enumerate(features, start=1)
        if (feature["geometry"] or {}).get("type") != "Point"
    ]
    if not_points:
        more = f" (and {len(not_points) - 5} more)" if len(not_points) > 5 else ""
        raise InvalidInput(f"file: every feature needs a Point geometry: {'; '.join(not_points[:5])}{more}")
    properties = [feature["properties"] or {} for feature in features]
    present = set().union(*properties) if properties else set()
    wanted = mapping.columns() - set().union(*(r.columns() for r in mapping.rules if r.name in LOCATION_FIELDS))
    missing = sorted(wanted - present)
    if missing and features:  # an empty collection is an empty import, not a mapping mismatch
        raise InvalidInput(f"columns: no feature of {path.name} has the propert(ies) {missing}")
    rows = [
        SourceRow(
            number=number,
            cells={name: _cell(value) for name, value in props.items()},
            point=(feature["geometry"]["coordinates"][0], feature["geometry"]["coordinates"][1]),
        )
        for number, (feature, props) in enumerate(zip(features, properties, strict=True), start=1)
    ]
    return len(rows), rows


def _geometry_name(geometry: dict[str, Any] | None) -> str:
    return "no geometry (null)" if geometry is None else f"a {geometry['type']}"


def _cell(value: Any) -> str:
    """A property value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


# --- checking -----------------------------------------------------------------------------------


def _checked_records(
    rows: Iterable[SourceRow],
    mapping: Mapping,
    report: CameraImportReport,
    total: int,
    progress: Progress | None,
) -> list[dict[str, Any]]:
    """The validated records of the accepted rows; every rejected row is in the report with its reason."""
    accepted: list[dict[str, Any]] = []
    first_seen: dict[str, int] = {}
    for row in rows:
        report.rows += 1
        if progress is not None and report.rows % PROGRESS_EVERY == 0:
            progress(row.number, total)
        records, reasons = _row_records(row, mapping, first_seen)
        if reasons:
            report.reject(row.number, "; ".join(reasons))
            continue
        report.accepted_rows += 1
        for record in records:
            if record.get("external_id"):
                first_seen[record["external_id"]] = row.number
            if _outside_service_area(record):
                report.outside_service_area += 1
        accepted.extend(records)
    report.records = len(accepted)
    if progress is not None:
        progress(total, total)
    return accepted


def _row_records(
    row: SourceRow, mapping: Mapping, first_seen: dict[str, int]
) -> tuple[list[dict[str, Any]], list[str]]:
    if row.problem:
        return [], [row.problem]
    expanded = mapping.expand(row.cells)
    if not expanded and mapping.each is not None:
        columns = ", ".join(mapping.each.columns)
        return [], [f"{mapping.each.name}: no value in {columns} (nothing to import)"]
    records: list[dict[str, Any]] = []
    reasons: list[str] = []
    ids_in_row: set[str] = set()
    for label, cells in expanded:
        prefix = f"{label}: " if label else ""
        try:
            record = mapping.record_from_row(cells)
        except CellError as exc:
            reasons.append(f"{prefix}{exc}")
            continue
        if row.point is not None:
            record["longitude"], record["latitude"] = row.point
        serializer = CameraRecord(data=record)
        if not serializer.is_valid():
            reasons.append(f"{prefix}{describe_errors(serializer.errors)}")
            continue
        # Only what the file gave: defaults (fov, range_m, tier) must not overwrite a camera on update.
        data = {k: v for k, v in serializer.validated_data.items() if k in record or k in CREDENTIAL_FIELDS}
        external_id = data.get("external_id", "")
        if external_id and (external_id in first_seen or external_id in ids_in_row):
            where = f"line {first_seen[external_id]}" if external_id in first_seen else "this row"
            reasons.append(f"{prefix}external_id: {external_id!r} was already given in {where}")
            continue
        ids_in_row.add(external_id)
        records.append(data)
    return records, reasons


def _outside_service_area(record: dict[str, Any]) -> bool:
    min_lon, min_lat, max_lon, max_lat = settings.RTCC_SERVICE_AREA
    return not (min_lon <= record["longitude"] <= max_lon and min_lat <= record["latitude"] <= max_lat)


# --- writing ------------------------------------------------------------------------------------


def _matching(records: list[dict[str, Any]], *, lock: bool) -> tuple[dict[str, Camera], set[str]]:
    """Existing cameras by import key: an earlier import's external_id first, else a camera reference."""
    keys = [record["external_id"] for record in records if record.get("external_id")]
    queryset = Camera.objects.select_for_update() if lock else Camera.objects.all()
    found = {c.external_id: c for c in queryset.filter(source=CameraSource.IMPORT, external_id__in=keys)}
    taken = {camera.pk for camera in found.values()}
    by_reference = queryset.filter(reference__in=[key for key in keys if key not in found]).exclude(pk__in=taken)
    references = set()
    for camera in by_reference:
        found[camera.reference] = camera
        references.add(camera.reference)
    return found, references


def _apply_all(
    records: list[dict[str, Any]], *, user: AbstractBaseUser, report: CameraImportReport, write: bool
) -> None:
    existing, references = _matching(records, lock=write)
    now = timezone.now()
    created: list[Camera] = []
    changed: list[tuple[Camera, list[str]]] = []
    for data in records:
        key = data.get("external_id", "")
        camera = existing.get(key) if key else None
        if camera is None:
            camera = Camera(source=CameraSource.IMPORT, status=CameraStatus.APPROVED, reviewed_by=user, reviewed_at=now)  # type: ignore[misc]
            apply_record(camera, data)
            created.append(camera)
            continue
        if key in references:
            data = {name: value for name, value in data.items() if name != "external_id"}  # keep the camera's own id
        fields = apply_record(camera, data)
        if fields:
            changed.append((camera, fields))
        else:
            report.unchanged += 1
    report.created, report.updated = len(created), len(changed)
    if not write:
        return
    _create(created)
    for camera, fields in changed:
        camera.save(update_fields=[*fields, "updated_at"])  # save() recomputes the view cone
    publish_camera_changed(
        cameras=[c for c in [*created, *(c for c, _ in changed)] if c.status == CameraStatus.APPROVED]
    )


def _create(cameras: list[Camera]) -> None:
    """Insert new cameras in bulk; the cone is computed as Camera.save() would."""
    references = _unused_references(len(cameras))
    for camera, reference in zip(cameras, references, strict=True):
        camera.reference = reference
        camera.view_cone = view_cone(camera.location, camera.heading, camera.fov, camera.range_m)
    Camera.objects.bulk_create(cameras, batch_size=500)


def _unused_references(count: int) -> list[str]:
    chosen: set[str] = set()
    while len(chosen) < count:
        drawn = {new_reference() for _ in range(count - len(chosen))}
        chosen |= drawn - set(Camera.objects.filter(reference__in=drawn).values_list("reference", flat=True))
    return sorted(chosen)
