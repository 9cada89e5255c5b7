"""A strict RFC 7946 GeoJSON checker whose messages say where the problem is.

`loads(text)` parses and checks a document and raises `GeoJSONError` listing the problems, each
prefixed with the JSON path of the offending member (`features[2].geometry.coordinates[0]: …`).
Beyond the RFC's MUSTs it refuses what RFC 7946 says to avoid and what usually means a broken
file: duplicate member names, positions with more than three numbers, nested or single-member
GeometryCollections, and rings against the right-hand rule. `max_decimals` optionally refuses
coordinates written with more decimal places than any survey needs (float noise, corruption).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from itertools import pairwise
from typing import Any

GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
COLLECTION = "GeometryCollection"
TYPES = (*GEOMETRY_TYPES, COLLECTION, "Feature", "FeatureCollection")
# RFC 7946 section 7.1: members that define another kind of object must not appear.
FORBIDDEN = {
    "FeatureCollection": ("coordinates", "geometries", "geometry", "properties"),
    "Feature": ("coordinates", "geometries", "features"),
    "geometry": ("geometry", "properties", "features"),
}
MAX_PROBLEMS = 50
SHOWN_IN_MESSAGE = 5


class GeoJSONError(ValueError):
    """The text is not valid GeoJSON; `problems` lists every problem found (up to MAX_PROBLEMS)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:SHOWN_IN_MESSAGE])
        more = f" (and {len(problems) - SHOWN_IN_MESSAGE} more)" if len(problems) > SHOWN_IN_MESSAGE else ""
        super().__init__(shown + more)


class _Object(dict):  # type: ignore[type-arg]
    """A JSON object that remembers the member names it was given more than once."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    result = _Object(pairs)
    if len(result) != len(pairs):
        names = [name for name, _ in pairs]
        result.duplicates = tuple(sorted({name for name in names if names.count(name) > 1}))
    return result


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str, *, max_decimals: int | None = None) -> Any:
    """Parse and check GeoJSON text; returns the document or raises GeoJSONError."""
    try:
        document = json.loads(text, object_pairs_hook=_object, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise GeoJSONError([f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]) from exc
    except ValueError as exc:
        raise GeoJSONError([f"not JSON: {exc}"]) from exc
    except RecursionError as exc:
        raise GeoJSONError(["not usable JSON: nested too deeply"]) from exc
    problems = check(document, max_decimals=max_decimals)
    if problems:
        raise GeoJSONError(problems)
    return document


def check(document: Any, *, max_decimals: int | None = None) -> list[str]:
    """Every problem of an already parsed document (empty when it is valid GeoJSON)."""
    checker = _Checker(max_decimals)
    checker.duplicates(document)
    if isinstance(document, dict):
        checker.any_object(document, "")
    else:
        checker.add("", f"the root of a GeoJSON document must be an object, not {kind_of(document)}")
    return checker.problems[:MAX_PROBLEMS]


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def decimals(value: float) -> int:
    """Decimal places the number was written with (its shortest round-trip form)."""
    if isinstance(value, int):
        return 0
    exponent = Decimal(repr(value)).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in degrees²: positive when the ring runs counter-clockwise."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise(ring)) / 2


class _Checker:
    def __init__(self, max_decimals: int | None) -> None:
        self.max_decimals = max_decimals
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{path or 'root'}: {message}")

    def duplicates(self, document: Any) -> None:
        # Iterative: properties may nest as deep as the JSON parser allowed.
        stack: list[tuple[str, Any]] = [("", document)]
        while stack:
            path, value = stack.pop()
            if isinstance(value, dict):
                for name in getattr(value, "duplicates", ()):
                    self.add(path, f'the member "{name}" appears more than once (ambiguous)')
                stack.extend((f"{path}.{key}" if path else key, item) for key, item in value.items())
            elif isinstance(value, list):
                stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))

    def type_of(self, obj: dict[str, Any], path: str) -> str | None:
        if "type" not in obj:
            self.add(path, '"type" member required')
            return None
        name = obj["type"]
        if not isinstance(name, str):
            self.add(path, f'"type" member must be a string, not {kind_of(name)}')
            return None
        if name not in TYPES:
            meant = [t for t in TYPES if t.lower() == name.lower()]
            hint = f' (types are case-sensitive: "{meant[0]}")' if meant else f"; the types are {', '.join(TYPES)}"
            self.add(path, f'unknown type "{name}"{hint}')
            return None
        return name

    def bbox(self, obj: dict[str, Any], path: str) -> None:
        if "bbox" not in obj:
            return
        box = obj["bbox"]
        where = f"{path}.bbox" if path else "bbox"
        if not isinstance(box, list):
            self.add(where, f"must be an array of numbers, not {kind_of(box)}")
        elif not all(is_number(item) for item in box):
            self.add(where, "each element of a bbox must be a number")
        elif len(box) not in (4, 6):
            self.add(where, f"must have 4 numbers (2D) or 6 (3D), not {len(box)}")

    def forbidden(self, obj: dict[str, Any], path: str, what: str, label: str) -> None:
        for name in FORBIDDEN[what]:
            if name in obj:
                self.add(path, f'a {label} must not have a "{name}" member')

    def any_object(self, obj: dict[str, Any], path: str) -> None:
        name = self.type_of(obj, path)
        self.bbox(obj, path)
        if name == "FeatureCollection":
            self.collection(obj, path)
        elif name == "Feature":
            self.feature(obj, path)
        elif name is not None:
            self.geometry(obj, path, name, inside_collection=False)

    def collection(self, obj: dict[str, Any], path: str) -> None:
        self.forbidden(obj, path, "FeatureCollection", "FeatureCollection")
        features = obj.get("features")
        where = f"{path}.features" if path else "features"
        if "features" not in obj:
            self.add(path, '"features" member required')
            return
        if not isinstance(features, list):
            self.add(where, f"must be an array, not {kind_of(features)}")
            return
        for index, feature in enumerate(features):
            item = f"{where}[{index}]"
            if not isinstance(feature, dict):
                self.add(item, f"every feature must be an object, not {kind_of(feature)}")
            elif feature.get("type") != "Feature":
                self.add(item, f'a feature must have "type": "Feature", not {json.dumps(feature.get("type"))}')
                self.bbox(feature, item)
            else:
                self.bbox(feature, item)
                self.feature(feature, item)

    def feature(self, obj: dict[str, Any], path: str) -> None:
        self.forbidden(obj, path, "Feature", "Feature")
        if "id" in obj and not (isinstance(obj["id"], str) or is_number(obj["id"])):
            self.add(path, f'"id" member must be a string or a number, not {kind_of(obj["id"])}')
        if "properties" not in obj:
            self.add(path, '"properties" member required (an object or null)')
        elif obj["properties"] is not None and not isinstance(obj["properties"], dict):
            self.add(path, f'"properties" member must be an object or null, not {kind_of(obj["properties"])}')
        if "geometry" not in obj:
            self.add(path, '"geometry" member required (a geometry object or null)')
            return
        geometry, where = obj["geometry"], f"{path}.geometry" if path else "geometry"
        if geometry is None:
            return
        if not isinstance(geometry, dict):
            self.add(where, f"must be a geometry object or null, not {kind_of(geometry)}")
            return
        name = self.type_of(geometry, where)
        self.bbox(geometry, where)
        if name in ("Feature", "FeatureCollection"):
            self.add(where, f"must be a geometry object, not a {name}")
        elif name is not None:
            self.geometry(geometry, where, name, inside_collection=False)

    def geometry(self, obj: dict[str, Any], path: str, name: str, *, inside_collection: bool) -> None:
        self.forbidden(obj, path, "geometry", "geometry object")
        if name == COLLECTION:
            self.geometry_collection(obj, path, inside_collection=inside_collection)
            return
        if "coordinates" not in obj:
            self.add(path, '"coordinates" member required')
            return
        where = f"{path}.coordinates" if path else "coordinates"
        coordinates = obj["coordinates"]
        if name == "Point":
            self.position(coordinates, where)
        elif name in ("MultiPoint", "LineString"):
            self.positions(coordinates, where, minimum=2 if name == "LineString" else 0)
        elif name == "MultiLineString" and self.array(coordinates, where, "lines"):
            for index, line in enumerate(coordinates):
                self.positions(line, f"{where}[{index}]", minimum=2)
        elif name == "Polygon":
            self.polygon(coordinates, where)
        elif name == "MultiPolygon" and self.array(coordinates, where, "polygons"):
            for index, polygon in enumerate(coordinates):
                self.polygon(polygon, f"{where}[{index}]")

    def geometry_collection(self, obj: dict[str, Any], path: str, *, inside_collection: bool) -> None:
        if inside_collection:
            self.add(path, "a GeometryCollection must not be nested in another one")
        geometries = obj.get("geometries")
        where = f"{path}.geometries" if path else "geometries"
        if "geometries" not in obj:
            self.add(path, '"geometries" member required')
            return
        if not isinstance(geometries, list):
            self.add(where, f"must be an array, not {kind_of(geometries)}")
            return
        if len(geometries) == 1:
            self.add(where, "a GeometryCollection with a single geometry: use that geometry (or a Multi* type)")
        for index, member in enumerate(geometries):
            item = f"{where}[{index}]"
            if not isinstance(member, dict):
                self.add(item, f"must be a geometry object, not {kind_of(member)}")
                continue
            name = self.type_of(member, item)
            self.bbox(member, item)
            if name in ("Feature", "FeatureCollection"):
                self.add(item, f"must be a geometry object, not a {name}")
            elif name is not None:
                self.geometry(member, item, name, inside_collection=True)

    def array(self, value: Any, path: str, what: str) -> bool:
        if isinstance(value, list):
            return True
        if is_number(value):
            self.add(path, f"a number was found where an array of {what} was expected (nest it more deeply)")
        else:
            self.add(path, f"must be an array of {what}, not {kind_of(value)}")
        return False

    def position(self, value: Any, path: str) -> bool:
        if not self.array(value, path, "numbers (a position)"):
            return False
        if not all(is_number(item) for item in value):
            found = next(kind_of(item) for item in value if not is_number(item))
            self.add(path, f"each element of a position must be a number, found {found}")
            return False
        if not 2 <= len(value) <= 3:
            self.add(path, f"a position has 2 or 3 numbers (longitude, latitude[, altitude]), not {len(value)}")
            return False
        if self.max_decimals is not None:
            places = max(decimals(item) for item in value)
            if places > self.max_decimals:
                self.add(
                    path,
                    f"{places} decimal places, more than the {self.max_decimals} accepted: round to 7 (about 1 cm)",
                )
        return True

    def positions(self, value: Any, path: str, *, minimum: int) -> bool:
        if not self.array(value, path, "positions"):
            return False
        valid = all([self.position(item, f"{path}[{index}]") for index, item in enumerate(value)])
        if valid and len(value) < minimum:
            self.add(path, f"a line needs {minimum} or more positions, not {len(value)}")
            return False
        return valid

    def polygon(self, value: Any, path: str) -> None:
        if not self.array(value, path, "linear rings"):
            return
        for index, ring in enumerate(value):
            where = f"{path}[{index}]"
            if not self.positions(ring, where, minimum=0):
                continue
            if len(ring) < 4:
                self.add(where, f"a linear ring needs 4 or more positions, not {len(ring)}")
            elif ring[0] != ring[-1]:
                self.add(where, "the first and last positions of a linear ring must be the same")
            elif index == 0 and signed_area(ring) < 0:
                self.add(where, "the exterior ring must be counter-clockwise (right-hand rule)")
            elif index > 0 and signed_area(ring) > 0:
                self.add(where, "an interior ring (hole) must be clockwise (right-hand rule)")
