"""The strict GeoJSON checker against the geojsonhint fixtures, and the camera importer refusing bad files whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cameras.imports import MAX_DECIMALS, import_cameras
from cameras.models import Camera
from feeds.imports.mapping import load_mapping
from rtcc import geojson
from rtcc.errors import InvalidInput

FIXTURES = Path(__file__).parent / "fixtures" / "geojsonhint"
BAD = sorted((FIXTURES / "bad").glob("*.geojson"))
GOOD = sorted((FIXTURES / "good").glob("*.geojson"))
OWN_MAPPING = Path(__file__).resolve().parents[2] / "cameras" / "mappings" / "rtcc_cameras.json"
# Upstream expects no error for this "bad" fixture (geojsonhint only warns about precision, and
# RFC 7946 does not limit it). Its 10 decimal places are float noise: the camera importer, which
# checks with max_decimals, rejects it; the plain RFC check accepts it.
PRECISION_ONLY = "excessive_precision_truncated.geojson"


def test_the_fixture_sets_are_complete() -> None:
    assert len(BAD) == 44 and len(GOOD) == 18
    assert all(path.with_suffix(".result").exists() for path in BAD)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_every_bad_fixture_is_rejected_with_a_message(path: Path) -> None:
    with pytest.raises(geojson.GeoJSONError) as caught:
        geojson.loads(path.read_text(), max_decimals=MAX_DECIMALS)
    assert caught.value.problems and all(problem.strip() for problem in caught.value.problems)
    assert str(caught.value)
    if path.name != PRECISION_ONLY:
        with pytest.raises(geojson.GeoJSONError):
            geojson.loads(path.read_text())  # the RFC rules alone catch it too


def test_excessive_precision_is_only_refused_when_a_limit_is_given() -> None:
    text = (FIXTURES / "bad" / PRECISION_ONLY).read_text()
    assert json.loads((FIXTURES / "bad" / PRECISION_ONLY).with_suffix(".result").read_text()) == []
    assert geojson.loads(text)["type"] == "LineString"
    with pytest.raises(geojson.GeoJSONError, match=r"coordinates\[0\]: 10 decimal places, more than the 9 accepted"):
        geojson.loads(text, max_decimals=9)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_every_good_fixture_is_accepted(path: Path) -> None:
    assert geojson.check(geojson.loads(path.read_text())) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "Point", "coordinates": [1, 2], "type": "Point"}', 'root: the member "type" appears more than once'),
        ('{"type": "featurecollection", "features": []}', 'unknown type "featurecollection" (types are case-sensitive'),
        ('{"type": "Point",\n "coordinates": [1, 2,]}', "not JSON: Expecting value at line 2, column 23"),
        ('{"type": "Point", "coordinates": [NaN, 2]}', "not JSON: NaN is not a JSON number"),
        ('{"type": "Point", "coordinates": [true, 2]}', "each element of a position must be a number, found a boolean"),
        (
            '{"type": "Feature", "id": null, "properties": {}, "geometry": null}',
            '"id" member must be a string or a number',
        ),
        (
            '{"type": "Feature", "properties": {}, "geometry": {"type": "Feature"}}',
            "must be a geometry object, not a Feature",
        ),
        (
            '{"type": "LineString", "coordinates": [[1, 2], [1, 2, 3, 4]]}',
            "coordinates[1]: a position has 2 or 3 numbers",
        ),
        (
            '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]],'
            " [[0.2, 0.2], [0.5, 0.2], [0.5, 0.5], [0.2, 0.2]]]}",
            "coordinates[1]: an interior ring (hole) must be clockwise",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature",'
            ' "properties": {"a": {"b": 1, "b": 2}}, "geometry": null}]}',
            'features[0].properties.a: the member "b" appears more than once',
        ),
        (
            '{"type": "FeatureCollection", "features": [], "bbox": [0, 0, 1]}',
            "bbox: must have 4 numbers (2D) or 6 (3D)",
        ),
    ],
)
def test_messages_say_what_is_wrong_and_where(text: str, message: str) -> None:
    with pytest.raises(geojson.GeoJSONError) as caught:
        geojson.loads(text)
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_deeply_nested_json_is_refused_not_crashed() -> None:
    with pytest.raises(geojson.GeoJSONError, match="nested too deeply"):
        geojson.loads("[" * 100_000 + "]" * 100_000)


@pytest.mark.django_db
@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_camera_import_of_a_bad_fixture_imports_nothing(admin_user: Any, path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_cameras(path=path, mapping=load_mapping(OWN_MAPPING), user=admin_user)
    assert caught.value.message.startswith(f"file: {path.name} is not valid GeoJSON: ")
    assert Camera.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_fixtures_without_camera_points_are_refused_whole(admin_user: Any, path: Path) -> None:
    # Valid GeoJSON, but no file here is a set of Point features with camera properties.
    with pytest.raises(InvalidInput, match=r"^(file|columns): "):
        import_cameras(path=path, mapping=load_mapping(OWN_MAPPING), user=admin_user)
    assert Camera.objects.count() == 0
