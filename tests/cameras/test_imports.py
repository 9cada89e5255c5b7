"""Bulk camera import through mapping files: Chicago approach files, bad rows, bad files, CLI and web job."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from audit.models import AuditEvent
from cameras.exports import COLUMNS
from cameras.imports import import_cameras
from cameras.models import Camera
from feeds.imports.mapping import MappingError, load_mapping, parse_mapping
from feeds.models import ImportJob
from rtcc.errors import InvalidInput, PermissionDenied
from rtcc.models import OutboxEvent
from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
MAPPINGS = ROOT / "cameras" / "mappings"
RED_LIGHT = load_mapping(MAPPINGS / "chicago_red_light.json")
SPEED = load_mapping(MAPPINGS / "chicago_speed.json")
OWN = load_mapping(MAPPINGS / "rtcc_cameras.json")
SHARED = ROOT.parent / "shared" / "data"
FULL_RED_LIGHT = SHARED / "chicago_red_light_camera_locations.csv"
FULL_SPEED = SHARED / "chicago_speed_camera_locations.csv"

OWN_COLUMNS = ["external_id", "name", "owner_type", "latitude", "longitude", "heading", "fov", "range_m", "tier"]
OWN_COLUMNS += ["stream_url", "tags"]


def own_csv(tmp_path: Path, *rows: str, name: str = "cameras.csv") -> Path:
    """A file in our export's layout: the cells given for OWN_COLUMNS, the other columns empty."""
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow(dict(zip(OWN_COLUMNS, next(csv.reader([row])), strict=True)))
    return path


@pytest.mark.django_db
def test_red_light_rows_are_all_accounted_for_and_headings_come_from_the_approach(admin_user: Any) -> None:
    report = import_cameras(path=FIXTURES / "chicago_red_light_sample.csv", mapping=RED_LIGHT, user=admin_user)
    assert (report.rows, report.accepted_rows, report.rejected) == (7, 4, 3)
    assert report.rows == report.accepted_rows + report.rejected
    assert (report.records, report.created, report.updated) == (6, 6, 0)
    assert report.outside_service_area == 6  # Chicago is outside the Milwaukee service area, imported anyway
    headings = dict(Camera.objects.values_list("external_id", "heading"))
    assert headings == {
        "chicago-rl:Test-Alpha:NB": 180,  # northbound traffic comes from the south: the camera looks south
        "chicago-rl:Test-Beta:EB": 270,
        "chicago-rl:Test-Beta:WB": 90,
        "chicago-rl:Test-Beta:SB": 0,
        "chicago-rl:Test-Gamma:NB": 180,  # NB listed twice: one camera
        "chicago-rl:Test-Delta:SEB": 315,
    }
    camera = Camera.objects.get(external_id="chicago-rl:Test-Beta:WB")
    assert camera.name == "Red-light camera Test-Beta (WB approach)"
    assert (camera.owner_name, camera.owner_type, camera.tier, camera.fov, camera.range_m) == (
        "City of Chicago",
        "traffic",
        "register",
        60,
        80,
    )
    assert (camera.source, camera.status, camera.reviewed_by) == ("import", "approved", admin_user)
    assert camera.tags == ["chicago", "red-light"]
    assert (camera.location.x, camera.location.y) == (-87.66, 41.91)
    # WB traffic comes from the east, so the cone lies east of the intersection.
    assert camera.view_cone is not None and camera.view_cone.centroid.x > camera.location.x
    reasons = dict(report.problems)
    assert reasons[6].startswith("approach NB: latitude:")
    assert reasons[7] == "approach: no value in FIRST APPROACH, SECOND APPROACH, THIRD APPROACH (nothing to import)"
    assert reasons[8].startswith("approach XB: heading: 'XB' is not in the mapping's table")
    audit = AuditEvent.objects.get(action="camera.import")
    assert audit.actor == admin_user and audit.details["created"] == 6 and audit.details["rejected"] == 3
    assert OutboxEvent.objects.filter(type="camera.updated").count() == 6


@pytest.mark.django_db
def test_speed_file_skips_na_and_reads_diagonal_approaches(admin_user: Any) -> None:
    report = import_cameras(path=FIXTURES / "chicago_speed_sample.csv", mapping=SPEED, user=admin_user)
    assert (report.rows, report.accepted_rows, report.rejected, report.created) == (3, 3, 0, 5)
    headings = dict(Camera.objects.values_list("external_id", "heading"))
    assert headings == {
        "chicago-speed:TST001:WB": 90,
        "chicago-speed:TST001:EB": 270,
        "chicago-speed:TST002:NB": 180,
        "chicago-speed:TST003:NEB": 225,
        "chicago-speed:TST003:SWB": 45,
    }
    assert all(tags == ["chicago", "speed"] for tags in Camera.objects.values_list("tags", flat=True))


@pytest.mark.django_db
def test_reimport_updates_the_same_cameras_instead_of_duplicating(admin_user: Any, tmp_path: Path) -> None:
    sample = FIXTURES / "chicago_red_light_sample.csv"
    import_cameras(path=sample, mapping=RED_LIGHT, user=admin_user)
    again = import_cameras(path=sample, mapping=RED_LIGHT, user=admin_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert Camera.objects.count() == 6
    moved = tmp_path / "moved.csv"
    moved.write_bytes(
        sample.read_bytes().replace(b"Test-Alpha,NB,,,01/02/2010,41.9,", b"Test-Alpha,SB,,,01/02/2010,41.8,")
    )
    before = Camera.objects.get(external_id="chicago-rl:Test-Beta:EB").updated_at
    report = import_cameras(path=moved, mapping=RED_LIGHT, user=admin_user)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 5)  # Alpha SB is a new approach
    assert Camera.objects.get(external_id="chicago-rl:Test-Alpha:SB").location.y == 41.8
    assert Camera.objects.get(external_id="chicago-rl:Test-Beta:EB").updated_at == before


@pytest.mark.django_db
def test_changed_position_updates_the_camera_and_its_view_cone(admin_user: Any, tmp_path: Path) -> None:
    import_cameras(
        path=own_csv(tmp_path, "A-1,Gate,city,43.05,-87.95,0,90,50,register,,"), mapping=OWN, user=admin_user
    )
    cone_before = Camera.objects.get().view_cone
    path = own_csv(tmp_path, "A-1,Gate,city,43.05,-87.95,180,90,50,register,,", name="turned.csv")
    report = import_cameras(path=path, mapping=OWN, user=admin_user)
    assert (report.created, report.updated) == (0, 1)
    camera = Camera.objects.get()
    assert camera.heading == 180
    assert camera.view_cone.centroid.y < camera.location.y < cone_before.centroid.y


@pytest.mark.django_db
def test_dry_run_counts_and_writes_nothing(admin_user: Any) -> None:
    report = import_cameras(
        path=FIXTURES / "chicago_red_light_sample.csv", mapping=RED_LIGHT, user=admin_user, dry_run=True
    )
    assert (report.rows, report.created, report.rejected, report.dry_run) == (7, 6, 3, True)
    assert Camera.objects.count() == 0
    assert not AuditEvent.objects.filter(action="camera.import").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "complaint"),
    [
        ("B-1,Bad lat,city,91,-87.95,0,90,50,register,,", "latitude: Ensure this value is less than or equal to 90."),
        ("B-2,Bad lon,city,43.05,-181,0,90,50,register,,", "longitude: Ensure this value is greater than or equal"),
        ("B-3,No lon,city,43.05,,0,90,50,register,,", "longitude: This field is required."),
        ("B-4,Text lat,city,north,-87.95,0,90,50,register,,", "latitude: 'north' is not a number"),
        (
            "B-5,Heading,city,43.05,-87.95,400,90,50,register,,",
            "heading: Ensure this value is less than or equal to 360",
        ),
        (
            "B-6,Heading,city,43.05,-87.95,-5,90,50,register,,",
            "heading: Ensure this value is greater than or equal to 0",
        ),
        ("B-7,Fov zero,city,43.05,-87.95,0,0,50,register,,", "fov: Field of view must be more than 0"),
        ("B-8,Fov wide,city,43.05,-87.95,0,361,50,register,,", "fov: Field of view must be more than 0"),
        ("B-9,Owner,mall,43.05,-87.95,0,90,50,register,,", 'owner_type: "mall" is not a valid choice.'),
        ("B-10,Stream,city,43.05,-87.95,0,90,50,register,ftp://cam/x,", "stream_url: Give a URL with a host"),
    ],
)
def test_bad_rows_are_rejected_with_the_field_and_good_rows_still_import(
    admin_user: Any, tmp_path: Path, row: str, complaint: str
) -> None:
    path = own_csv(tmp_path, "G-1,Good,city,43.05,-87.95,10,90,50,register,,", row)
    report = import_cameras(path=path, mapping=OWN, user=admin_user)
    assert (report.rows, report.accepted_rows, report.rejected) == (2, 1, 1)
    ((line, reason),) = report.problems
    assert line == 3 and complaint in reason
    assert list(Camera.objects.values_list("external_id", flat=True)) == ["G-1"]


@pytest.mark.django_db
def test_same_external_id_twice_in_a_file_rejects_the_later_row(admin_user: Any, tmp_path: Path) -> None:
    path = own_csv(
        tmp_path, "D-1,First,city,43.05,-87.95,0,90,50,register,,", "D-1,Second,city,43.06,-87.95,0,90,50,,,"
    )
    report = import_cameras(path=path, mapping=OWN, user=admin_user)
    assert report.problems == [(3, "external_id: 'D-1' was already given in line 2")]
    assert Camera.objects.get().name == "First"


@pytest.mark.django_db
def test_stream_credentials_in_a_file_are_encrypted_and_never_reported(admin_user: Any, tmp_path: Path) -> None:
    path = own_csv(
        tmp_path,
        "S-1,Stream,city,43.05,-87.95,0,90,50,live,rtsp://viewer:hunter2secret@10.0.0.5:554/live,",
        "S-2,Broken,city,43.05,-87.95,0,0,50,live,rtsp://viewer:hunter2secret@10.0.0.6/live,",
    )
    report = import_cameras(path=path, mapping=OWN, user=admin_user)
    camera = Camera.objects.get()
    assert camera.stream_url == "rtsp://10.0.0.5:554/live" and camera.has_credentials
    assert "hunter2secret" not in camera.stream_credentials_encrypted
    assert "hunter2secret" not in json.dumps(report.as_dict())
    assert "hunter2secret" not in json.dumps(list(AuditEvent.objects.values_list("details", flat=True)))
    assert "hunter2secret" not in json.dumps(list(OutboxEvent.objects.values_list("payload", flat=True)))


@pytest.mark.django_db
def test_file_level_problems_reject_the_whole_file(admin_user: Any, tmp_path: Path) -> None:
    wrong_header = tmp_path / "wrong.csv"
    wrong_header.write_text("INTERSECTION,LATITUDE,LONGITUDE\nA-B,41.9,-87.6\n")
    with pytest.raises(InvalidInput, match=r"no column\(s\) \['FIRST APPROACH', 'SECOND APPROACH', 'THIRD APPROACH'\]"):
        import_cameras(path=wrong_header, mapping=RED_LIGHT, user=admin_user)
    latin1 = tmp_path / "latin1.csv"
    # 2,000 good rows first, so the bad byte is met long after rows were read and checked.
    good_rows = own_csv(tmp_path, *(f"L-{n},Ok,city,43.05,-87.95,0,90,50,register,," for n in range(2000))).read_bytes()
    latin1.write_bytes(good_rows + "X-1,Caf\xe9".encode("latin-1") + b",city,43.05,-87.95" + b"," * 19 + b"\r\n")
    with pytest.raises(InvalidInput, match=r"latin1\.csv is not utf-8-sig text"):
        import_cameras(path=latin1, mapping=OWN, user=admin_user)
    feed_mapping = load_mapping(ROOT / "feeds" / "mappings" / "milwaukee_cad.json")
    with pytest.raises(InvalidInput, match="it fills 'cad' records, not 'camera'"):
        import_cameras(path=latin1, mapping=feed_mapping, user=admin_user)
    assert Camera.objects.count() == 0  # the good rows of latin1.csv were not written either


@pytest.mark.django_db
def test_geojson_points_import_and_other_geometries_reject_the_file(admin_user: Any, tmp_path: Path) -> None:
    def feature(lon: float, lat: float, external_id: str, geometry: str = "Point") -> dict[str, Any]:
        coordinates: Any = [lon, lat] if geometry == "Point" else [[lon, lat], [lon, lat + 0.5]]
        # Every property of our export is there (the mapping's columns), most of them null.
        properties = dict.fromkeys(COLUMNS) | {"external_id": external_id, "name": f"Cam {external_id}", "fov": 360}
        properties |= {"owner_type": "school", "tags": ["school", "gate"]}
        del properties["latitude"], properties["longitude"]
        return {"type": "Feature", "geometry": {"type": geometry, "coordinates": coordinates}, "properties": properties}

    good = tmp_path / "cams.geojson"
    good.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature(-87.9, 43.0, "G1"), feature(-87.9, 95, "G2")]})
    )
    report = import_cameras(path=good, mapping=OWN, user=admin_user)
    assert (report.rows, report.created, report.rejected) == (2, 1, 1)
    assert report.as_dict()["problems"][0]["feature"] == 2
    assert "latitude:" in report.problems[0][1]
    camera = Camera.objects.get()
    assert (camera.location.x, camera.location.y, camera.fov, camera.heading) == (-87.9, 43.0, 360, None)
    assert camera.tags == ["gate", "school"]
    assert camera.view_cone is not None  # a 360° camera needs no heading

    mixed = tmp_path / "mixed.geojson"
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    assert import_cameras(path=empty, mapping=OWN, user=admin_user).as_dict()["rows"] == 0
    missing = tmp_path / "sparse.geojson"
    sparse = feature(-87.9, 43.0, "S1")
    sparse["properties"] = {"name": "Only a name", "owner_type": "city"}
    missing.write_text(json.dumps({"type": "FeatureCollection", "features": [sparse]}))
    with pytest.raises(
        InvalidInput, match=r"columns: no feature of sparse\.geojson has the propert\(ies\) \['address'"
    ):
        import_cameras(path=missing, mapping=OWN, user=admin_user)
    mixed.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [feature(-87.9, 43.0, "M1"), feature(-87.8, 43.0, "M2", "LineString")],
            }
        )
    )
    with pytest.raises(InvalidInput, match="every feature needs a Point geometry: feature 2: a LineString"):
        import_cameras(path=mixed, mapping=OWN, user=admin_user)
    assert Camera.objects.count() == 1


@pytest.mark.django_db
def test_importing_needs_the_manage_capability(analyst: Any) -> None:
    with pytest.raises(PermissionDenied):
        import_cameras(path=FIXTURES / "chicago_red_light_sample.csv", mapping=RED_LIGHT, user=analyst)
    assert Camera.objects.count() == 0


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ({"each": {"columns": ["A"], "as": "x"}, "kind": "cad"}, "each: a cad feed takes one record per row"),
        ({"each": {"columns": [], "as": "x"}}, "each.columns"),
        ({"each": {"columns": ["A"]}}, "each.as"),
        ({"each": {"columns": ["A"], "as": "x", "skip": "NA"}}, "each.skip"),
        ({"each": {"columns": ["A"], "as": "x", "every": 1}}, "each: expected an object"),
        ({"fields": {"name": {"template": "no placeholder"}}}, "fields.name.template"),
        ({"fields": {"name": {"template": "{A} {B"}}}, "unbalanced"),
        ({"fields": {"name": {"template": "{A}", "column": "A"}}}, "exactly one of 'column', 'value' or 'template'"),
        ({"fields": {"heading": {"column": "A", "unmapped": "reject"}}}, "fields.heading.unmapped"),
        ({"fields": {"colour": {"column": "A"}}}, "fields.colour: not a record field"),
    ],
)
def test_camera_mapping_mistakes_name_the_key(spec: dict[str, Any], complaint: str) -> None:
    full = {"kind": "camera", "fields": {"name": {"column": "N"}}} | spec
    with pytest.raises(MappingError, match=complaint.replace(".", r"\.").replace("(", r"\(")):
        parse_mapping(full)


def test_templates_are_empty_when_a_referenced_cell_is_empty() -> None:
    mapping = parse_mapping(
        {
            "kind": "camera",
            "fields": {"name": {"template": "{A}-{B}", "default": "unnamed"}, "address": {"column": "A"}},
        }
    )
    assert mapping.columns() == {"A", "B"}
    assert mapping.record_from_row({"A": " x ", "B": "y"})["name"] == "x-y"
    assert mapping.record_from_row({"A": "x", "B": " "})["name"] == "unnamed"


@pytest.mark.django_db
def test_command_prints_the_report_and_writes_it_as_json(admin_user: Any, tmp_path: Path, capsys: Any) -> None:
    report_path = tmp_path / "report.json"
    call_command(
        "import_cameras",
        str(FIXTURES / "chicago_red_light_sample.csv"),
        "--mapping",
        str(MAPPINGS / "chicago_red_light.json"),
        "--report",
        str(report_path),
    )
    out = capsys.readouterr()
    assert "rows 7: accepted 4, rejected 3; cameras 6: created 6, updated 0, unchanged 0" in out.out
    assert "line 8: approach XB: heading:" in out.out
    assert "100.0%" in out.err
    assert json.loads(report_path.read_text())["rejected"] == 3
    assert Camera.objects.count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--user", "nobody-here"], "--user: no active user"),
        (["--mapping", str(ROOT / "feeds" / "mappings" / "milwaukee_cad.json")], "not 'camera'"),
        (["--user", "ana"], "does not allow importing cameras"),
    ],
)
def test_command_names_bad_arguments(admin_user: Any, analyst: Any, args: list[str], complaint: str) -> None:
    base = ["--mapping", str(MAPPINGS / "chicago_red_light.json")]
    with pytest.raises(CommandError, match=complaint):
        call_command("import_cameras", str(FIXTURES / "chicago_red_light_sample.csv"), *base, *args)
    assert Camera.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "mapping", "rows", "cameras"),
    [(FULL_RED_LIGHT, RED_LIGHT, 149, 299), (FULL_SPEED, SPEED, 160, 230)],
    ids=["red-light", "speed"],
)
def test_full_chicago_files_import_every_row(
    admin_user: Any, path: Path, mapping: Any, rows: int, cameras: int
) -> None:
    if not path.exists():
        pytest.skip("needs ../shared/data (present in CI, not in a plain clone)")
    report = import_cameras(path=path, mapping=mapping, user=admin_user)
    assert (report.rows, report.accepted_rows, report.rejected) == (rows, rows, 0)
    assert report.created == report.records == report.outside_service_area == Camera.objects.count() == cameras
    assert not Camera.objects.filter(heading__isnull=True).exists()
    assert not Camera.objects.filter(view_cone__isnull=True).exists()
    if mapping is RED_LIGHT:
        assert Camera.objects.get(external_id="chicago-rl:Damen-Fullerton:EB").heading == 270
        assert Camera.objects.get(external_id="chicago-rl:Central-Milwaukee:SEB").heading == 315
    else:
        assert Camera.objects.get(external_id="chicago-speed:CHI032:NEB").heading == 225
        assert not Camera.objects.filter(external_id__endswith=":NA").exists()
    assert import_cameras(path=path, mapping=mapping, user=admin_user).unchanged == cameras


# --- the web page and the worker ----------------------------------------------------------------


@pytest.fixture
def admin_client(admin_user: Any) -> Iterator[Client]:
    client = Client()
    client.force_login(admin_user)
    yield client
    for job in ImportJob.objects.all():
        job.file.delete(save=False)


def upload(client: Client, *, mapping: str = "chicago_red_light.json", **extra: Any) -> Any:
    data = {
        "mapping": mapping,
        "file": SimpleUploadedFile(
            "red_light.csv", (FIXTURES / "chicago_red_light_sample.csv").read_bytes(), "text/csv"
        ),
        **extra,
    }
    return client.post("/cameras/import/", data)


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_uploaded_file_is_imported_by_a_worker_with_a_report(worker: None, admin_client: Client) -> None:
    response = upload(admin_client)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (response["Location"], job.target, job.feed) == (f"/cameras/import/{job.pk}/", "camera", None)
    wait_until(lambda: ImportJob.objects.get().status == "done", what="camera import job done")
    status = admin_client.get(f"/api/v1/cameras/imports/{job.pk}/").json()
    assert status["lines_done"] == status["lines_total"] > 0
    report = status["report"]
    assert (report["target"], report["rows"], report["accepted_rows"], report["rejected"]) == ("camera", 7, 4, 3)
    assert report["problems"][0] == {"line": 6, "reason": report["problems"][0]["reason"]}
    assert Camera.objects.filter(source="import").count() == 6
    page = admin_client.get(f"/cameras/import/{job.pk}/").content.decode()
    assert "red_light.csv" in page and 'id="progress"' in page and "/api/v1/cameras/imports/" in page
    assert "red_light.csv" in admin_client.get("/cameras/import/").content.decode()
    assert "red_light.csv" not in admin_client.get("/feeds/import/").content.decode()  # feed jobs only there


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mapping", "extra", "complaint"),
    [
        ("__upload__", {}, "Choose a mapping file to upload."),
        (
            "__upload__",
            {
                "mapping_file": SimpleUploadedFile(
                    "m.json", b'{"kind": "cad", "fields": {"call_type": {"column": "x"}}}'
                )
            },
            "it fills &#x27;cad&#x27; records, not &#x27;camera&#x27;",
        ),
        ("milwaukee_cad.json", {}, "Select a valid choice"),
        ("chicago_red_light.json", {"file": SimpleUploadedFile("cams.txt", b"x")}, "the name must end in one of"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_stored(
    admin_client: Client, mapping: str, extra: dict[str, Any], complaint: str
) -> None:
    response = upload(admin_client, mapping=mapping, **extra)
    assert response.status_code == 400
    assert complaint in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_job_reports_without_writing(admin_client: Client) -> None:
    from feeds.imports.jobs import import_job_run

    upload(admin_client, dry_run="on")  # the enqueue waits for a commit that this test never makes
    job = ImportJob.objects.get()
    assert job.dry_run
    finished = import_job_run(job_id=job.pk)
    assert finished.status == "done" and finished.report["dry_run"] and finished.report["created"] == 6
    assert Camera.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cameras/import/", "/api/v1/cameras/imports/1/"])
def test_import_pages_are_for_admins_only(client: Client, analyst: Any, supervisor: Any, url: str) -> None:
    assert client.get(url).status_code in (302, 401)
    for user in (analyst, supervisor):
        client.force_login(user)
        assert client.get(url).status_code == 403
