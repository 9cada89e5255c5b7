"""Reading a beats or districts GeoJSON file into checked records (no database writes here).

Order: JSON parse → re-orient clockwise rings → the strict RFC 7946 check of `rtcc.geojson` →
file-level rules (a FeatureCollection of Polygon/MultiPolygon features) → per feature: code
present and unique, coordinates in range, GEOS-valid (repaired with MakeValid when not).
A file-level problem raises `AreaFileError`; per-feature problems are collected as rejections.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from areas.geometry import POLYGONAL, orient_document, out_of_range, to_multipolygon
from rtcc import geojson


class AreaFileError(ValueError):
    """The file as a whole cannot be imported; `problems` says why (each with its JSON path)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))


@dataclass(frozen=True)
class AreaRecord:
    index: int
    code: str
    area: MultiPolygon
    district_code: str = ""
    sector: str = ""
    name: str = ""


@dataclass
class ParsedFile:
    records: list[AreaRecord] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # "features[3]: reason"
    reoriented_rings: int = 0
    features: int = 0
    merged: list[str] = field(default_factory=list)  # "features[55] into features[1] (code 3100)"
    repaired: list[str] = field(default_factory=list)  # "features[3] (code 1713): reason"


@dataclass(frozen=True)
class Fields:
    code: str
    district: str = ""
    sector: str = ""
    name: str = ""


def parse_document(text: str) -> tuple[Any, int]:
    """Parse and check GeoJSON text after turning clockwise rings; returns (document, rings turned)."""
    text = text.removeprefix("\ufeff")
    try:
        # The checker's own hook keeps duplicate member names visible to `geojson.check`.
        document = json.loads(text, object_pairs_hook=geojson._object, parse_constant=geojson._refuse_constant)
    except json.JSONDecodeError as exc:
        raise AreaFileError([f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]) from exc
    except (ValueError, RecursionError) as exc:
        raise AreaFileError([f"not JSON: {exc}"]) from exc
    turned = orient_document(document)
    problems = geojson.check(document)
    if problems:
        raise AreaFileError(problems)
    return document, turned


def code_of(value: Any) -> str:
    """A property as a code: numbers without a trailing .0, strings trimmed; '' when missing."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_areas(text: str, fields: Fields) -> ParsedFile:
    """Every feature of a beats/districts file as a record, or a rejection with its index and reason."""
    document, turned = parse_document(text)
    if document.get("type") != "FeatureCollection":
        raise AreaFileError([f"root: a FeatureCollection of polygons is required, not a {document.get('type')}"])
    if not document["features"]:
        raise AreaFileError(["features: the collection is empty"])
    parsed = ParsedFile(reoriented_rings=turned)
    seen: dict[str, int] = {}
    for index, feature in enumerate(document["features"]):
        where = f"features[{index}]"
        properties = feature.get("properties") or {}
        geometry = feature.get("geometry")
        code = code_of(properties.get(fields.code))
        if not code:
            parsed.rejected.append(f'{where}: property "{fields.code}" (the code) is missing or empty')
            continue
        if len(code) > 16:
            parsed.rejected.append(f"{where}: code {code!r} is longer than 16 characters")
            continue
        if geometry is None or geometry.get("type") not in POLYGONAL:
            kind = "no geometry" if geometry is None else f"a {geometry.get('type')}"
            parsed.rejected.append(f"{where}: has {kind}; a Polygon or MultiPolygon is required")
            continue
        outside = out_of_range(geometry)
        if outside:
            parsed.rejected.append(f"{where}.geometry: {outside}")
            continue
        try:
            shape = to_multipolygon(geometry)
        except ValueError as exc:
            parsed.rejected.append(f"{where}.geometry: {exc}")
            continue
        if shape.repaired:
            parsed.repaired.append(f"{where} (code {code})")
        record = AreaRecord(
            index=index,
            code=code,
            area=shape.area,
            district_code=code_of(properties.get(fields.district)) if fields.district else "",
            sector=code_of(properties.get(fields.sector)) if fields.sector else "",
            name=code_of(properties.get(fields.name)) if fields.name else "",
        )
        parsed.features += 1
        if code not in seen:
            seen[code] = len(parsed.records)
            parsed.records.append(record)
            continue
        first = parsed.records[seen[code]]
        if (first.district_code, first.sector) != (record.district_code, record.sector):
            parsed.rejected.append(
                f"{where}: code {code} is already used by features[{first.index}] with another district or sector"
            )
            parsed.features -= 1
            continue
        # Several features with one code are the parts of one area (Chicago beat 3100: 3 polygons).
        parsed.records[seen[code]] = replace(first, area=_merged(first.area, record.area))
        parsed.merged.append(f"{where} into features[{first.index}] (code {code})")
    return parsed


def _merged(first: MultiPolygon, second: MultiPolygon) -> MultiPolygon:
    parts = [*first, *second]
    return MultiPolygon(parts, srid=4326)


def area_from_geojson(text: str) -> MultiPolygon:
    """One area from pasted GeoJSON: a (Multi)Polygon, a Feature of one, or a FeatureCollection of them (unioned).

    Rings are re-oriented and invalid shapes repaired as on import; AreaFileError says what is wrong.
    """
    document, _ = parse_document(text)
    if document.get("type") == "FeatureCollection":
        geometries = [feature.get("geometry") for feature in document["features"]]
    elif document.get("type") == "Feature":
        geometries = [document.get("geometry")]
    else:
        geometries = [document]
    if not geometries:
        raise AreaFileError(["features: the collection is empty"])
    shapes: list[MultiPolygon] = []
    for index, geometry in enumerate(geometries):
        where = "root" if len(geometries) == 1 else f"features[{index}]"
        if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONAL:
            kind = "no geometry" if not isinstance(geometry, dict) else f"a {geometry.get('type')}"
            raise AreaFileError([f"{where}: has {kind}; a Polygon or MultiPolygon is required"])
        outside = out_of_range(geometry)
        if outside:
            raise AreaFileError([f"{where}: {outside}"])
        try:
            shapes.append(to_multipolygon(geometry).area)
        except ValueError as exc:
            raise AreaFileError([f"{where}: {exc}"]) from exc
    union: GEOSGeometry = shapes[0]
    for shape in shapes[1:]:
        union = union.union(shape)
    return to_multipolygon(json.loads(union.json)).area
