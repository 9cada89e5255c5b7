"""import_areas: clockwise (pre-RFC 7946) rings re-oriented, invalid shapes repaired, bad files refused whole."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from areas.choices import AreaKind
from areas.imports import AreaFileError, Fields
from areas.models import Beat, District
from areas.services import areas_import

ROOT = Path(__file__).resolve().parents[2]
SLICE = ROOT / "tests" / "fixtures" / "areas" / "chicago_beats_slice.geojson"
OWN_BAD = sorted((ROOT / "tests" / "fixtures" / "areas" / "bad").glob("*.geojson"))
HINT_BAD = sorted((ROOT / "tests" / "cameras" / "fixtures" / "geojsonhint" / "bad").glob("*.geojson"))
FULL = ROOT.parent / "shared" / "data" / "chicago_police_beats_2014.geojson"
BEATS = Fields(code="BEAT_NUM", district="DISTRICT", sector="SECTOR")

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_areas", *args, stdout=out)
    return out.getvalue()


def sql(query: str) -> tuple:  # type: ignore[type-arg]
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchone()  # type: ignore[return-value]


def test_fixture_slice_keeps_the_original_clockwise_rings() -> None:
    from rtcc.geojson import signed_area

    document = json.loads(SLICE.read_text())
    assert SLICE.stat().st_size < 100_000
    assert all(signed_area(f["geometry"]["coordinates"][0]) < 0 for f in document["features"])


def test_clockwise_beats_import_valid_and_counter_clockwise() -> None:
    output = run(str(SLICE), "--derive-districts")
    assert "beats: 5 created, 0 updated" in output
    assert "features read: 6; parts merged into an area with the same code: 1" in output
    # 6 clockwise exterior rings, plus the 2 holes of beat 1654 (counter-clockwise upstream).
    assert "rings re-oriented to RFC 7946 (exterior counter-clockwise): 8" in output
    assert "districts derived from beats: 3" in output
    assert sql("SELECT count(*), bool_and(ST_IsValid(area)), bool_and(ST_IsPolygonCCW(area)) FROM areas_beat") == (
        5,
        True,
        True,
    )
    assert Beat.objects.get(code="3100").area.num_geom == 2
    assert Beat.objects.get(code="1654").area[0].num_interior_rings == 2
    beat = Beat.objects.get(code="0124")
    assert (beat.district_code, beat.sector, beat.source) == ("01", "2", SLICE.name)
    assert set(District.objects.values_list("code", flat=True)) == {"01", "16", "31"}
    assert sql("SELECT bool_and(ST_IsValid(area)), bool_and(ST_IsPolygonCCW(area)) FROM areas_district") == (True, True)


def test_reimport_updates_by_code_and_replace_removes_the_rest() -> None:
    run(str(SLICE))
    Beat.objects.filter(code="0112").update(sector="X")
    output = run(str(SLICE))
    assert "beats: 0 created, 5 updated, 0 deleted" in output
    assert Beat.objects.count() == 5 and Beat.objects.get(code="0112").sector == "1"
    document = json.loads(SLICE.read_text())
    document["features"] = document["features"][:2]
    text = json.dumps(document)
    summary = areas_import(text=text, kind=AreaKind.BEATS, fields=BEATS, source="two.geojson", replace=True)
    assert (summary.created, summary.updated, summary.deleted) == (0, 2, 3)
    assert sorted(Beat.objects.values_list("code", flat=True)) == ["0112", "0113"]


def test_dry_run_writes_nothing() -> None:
    output = run(str(SLICE), "--dry-run", "--derive-districts")
    assert "beats: 5 would be created" in output
    assert Beat.objects.count() == 0 and District.objects.count() == 0


def test_self_intersecting_polygon_is_repaired_and_reported() -> None:
    bowtie = [[-87.6, 41.8], [-87.5, 41.9], [-87.5, 41.8], [-87.6, 41.9], [-87.6, 41.8]]
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"BEAT_NUM": 101},
                    "geometry": {"type": "Polygon", "coordinates": [bowtie]},
                }
            ],
        }
    )
    summary = areas_import(text=text, kind=AreaKind.BEATS, fields=BEATS, source="bowtie.geojson")
    assert summary.repaired == ["features[0] (code 101)"]
    assert sql("SELECT ST_IsValid(area), ST_IsPolygonCCW(area), ST_NumGeometries(area) FROM areas_beat") == (
        True,
        True,
        2,
    )


def test_districts_file_imports_with_its_own_code_field() -> None:
    square = [[-87.7, 41.8], [-87.6, 41.8], [-87.6, 41.9], [-87.7, 41.9], [-87.7, 41.8]]
    path_text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"DIST": "7", "NAME": "Englewood"},
                    "geometry": {"type": "Polygon", "coordinates": [square]},
                }
            ],
        }
    )
    fields = Fields(code="DIST", name="NAME")
    summary = areas_import(text=path_text, kind=AreaKind.DISTRICTS, fields=fields, source="d.geojson")
    assert summary.created == 1
    assert District.objects.get(code="7").name == "Englewood"


@pytest.mark.parametrize("path", OWN_BAD, ids=lambda p: p.stem)
def test_own_bad_fixtures_are_rejected_with_a_message_and_write_nothing(path: Path) -> None:
    expected = {
        "not_a_feature_collection": "root: a FeatureCollection of polygons is required, not a Feature",
        "point_feature": "features[0]: has a Point; a Polygon or MultiPolygon is required",
        "unclosed_ring": "the first and last positions of a linear ring must be the same",
        "lat_lon_swapped": "outside longitude -180..180 / latitude -90..90 (latitude and longitude swapped?)",
        "missing_code": 'features[1]: property "BEAT_NUM" (the code) is missing or empty',
    }[path.stem]
    with pytest.raises(CommandError, match="nothing imported") as caught:
        run(str(path))
    assert expected in str(caught.value)
    assert Beat.objects.count() == 0


@pytest.mark.parametrize("path", HINT_BAD, ids=lambda p: p.stem)
def test_every_geojsonhint_bad_fixture_is_rejected_with_a_message(path: Path) -> None:
    with pytest.raises(AreaFileError) as caught:
        areas_import(text=path.read_text(), kind=AreaKind.BEATS, fields=BEATS, source=path.name)
    assert caught.value.problems and all(problem.strip() for problem in caught.value.problems)
    assert Beat.objects.count() == 0


def test_skip_rejected_imports_the_good_features_and_lists_the_bad() -> None:
    output = run(str(ROOT / "tests" / "fixtures" / "areas" / "bad" / "missing_code.geojson"), "--skip-rejected")
    assert "beats: 1 created" in output and "features rejected: 1" in output
    assert list(Beat.objects.values_list("code", flat=True)) == ["0101"]


@pytest.mark.skipif(not FULL.exists(), reason=f"{FULL} not present (the shared data folder is not in a plain clone)")
def test_full_chicago_beats_file_imports() -> None:
    output = run(str(FULL), "--derive-districts")
    print(output)
    # 277 polygons; beat 3100 (O'Hare, district 31) comes as 3 features, stored as one beat of 3 parts.
    assert "features read: 277; parts merged into an area with the same code: 2" in output
    assert "districts derived from beats: 23" in output
    assert sql(
        "SELECT count(*), sum(ST_NumGeometries(area)), bool_and(ST_IsValid(area)),"
        " bool_and(ST_IsPolygonCCW(area)) FROM areas_beat"
    ) == (275, 277, True, True)
    assert sql("SELECT count(*), bool_and(ST_IsValid(area)), bool_and(ST_IsPolygonCCW(area)) FROM areas_district") == (
        23,
        True,
        True,
    )
