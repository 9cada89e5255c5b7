"""CSV import through mapping files: quirks of real exports, row-level report, pipeline hand-off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from feeds.imports.csv_import import import_csv
from feeds.imports.mapping import MappingError, load_mapping, parse_mapping
from feeds.models import InboxBatch
from incidents.models import Incident
from tests.conftest import wait_until

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
MILWAUKEE_MAPPING = ROOT / "feeds" / "mappings" / "milwaukee_cad.json"
DEMO_CSV = ROOT / "demo" / "milwaukee_calls_2018-05-01_03.csv"
FULL_MILWAUKEE = ROOT.parent / "shared" / "data" / "milwaukee_calls_for_service_2018-05.csv"


@pytest.mark.django_db
def test_county_export_rows_are_accepted_flagged_or_rejected_with_line_numbers(cad_feed: Any) -> None:
    feed, _ = cad_feed
    report = import_csv(path=FIXTURES / "county_cad.csv", mapping=load_mapping(FIXTURES / "county_cad.yaml"), feed=feed)
    assert report.rows == 7
    assert (report.accepted, report.flagged_missing, report.flagged_out_of_area, report.rejected) == (2, 1, 1, 3)
    assert report.accepted + report.flagged + report.rejected == report.rows
    reasons = {p.line: p.reason for p in report.problems}
    assert "matches none of the formats" in reasons[5]  # month 13: line numbers count the quoted newline
    assert reasons[7].startswith("call_type:")
    assert reasons[9] == "row has 7 cells but the header has 6"

    (batch,) = InboxBatch.objects.all()
    first = batch.records[0]
    assert first["external_id"] == "C-100"
    assert first["received_at"] == "2026-03-01T14:05:00-06:00"  # 12-hour clock, 2-digit year, CST
    assert (first["latitude"], first["longitude"]) == (43.05, -87.95)
    assert first["narrative"] == "caller heard\nthree shots"
    assert first["priority"] == 1
    assert "latitude" not in batch.records[1]  # empty WKT cell: no coordinates, flagged missing


@pytest.mark.django_db
def test_dry_run_counts_without_writing(cad_feed: Any) -> None:
    feed, _ = cad_feed
    report = import_csv(path=DEMO_CSV, mapping=load_mapping(MILWAUKEE_MAPPING), feed=feed, dry_run=True)
    assert report.rows == 5496
    assert report.accepted + report.flagged + report.rejected == 5496
    assert report.rejected == 0 and report.flagged > 0
    assert InboxBatch.objects.count() == 0


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ([], "expected an object"),
        ({"kind": "weather", "fields": {}}, "kind"),
        ({"kind": "cad", "fields": {}}, "fields"),
        ({"kind": "cad", "fields": {"callType": {"column": "x"}}}, "fields.callType"),
        ({"kind": "cad", "fields": {"call_type": {"colum": "x"}}}, "unknown key"),
        ({"kind": "cad", "fields": {"call_type": {"column": "x", "value": "y"}}}, "exactly one"),
        ({"kind": "cad", "fields": {"received_at": {"column": "t", "type": "datetime"}}}, "received_at.format"),
        ({"kind": "cad", "fields": {"priority": {"column": "p", "type": "decimal"}}}, "priority.type"),
        ({"kind": "cad", "timezone": "Mars/Olympus", "fields": {"call_type": {"column": "x"}}}, "timezone"),
        ({"kind": "cad", "csv": {"delimiter": ";;"}, "fields": {"call_type": {"column": "x"}}}, "csv.delimiter"),
        ({"kind": "cad", "fields": {"address": {"wkt_column": "g"}}}, "wkt_column only fills"),
        ({"kind": "cad", "extra": 1, "fields": {"call_type": {"column": "x"}}}, "unknown key"),
    ],
)
def test_mapping_mistakes_name_the_key(spec: Any, complaint: str) -> None:
    with pytest.raises(MappingError, match=complaint.replace(".", r"\.")):
        parse_mapping(spec)


@pytest.mark.django_db
def test_missing_columns_are_named_before_anything_is_written(cad_feed: Any, tmp_path: Path) -> None:
    feed, _ = cad_feed
    other = tmp_path / "other.csv"
    other.write_text("id,when\n1,2\n")
    with pytest.raises(MappingError, match=r"no column\(s\) \['district', 'latitude'"):
        import_csv(path=other, mapping=load_mapping(MILWAUKEE_MAPPING), feed=feed)
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
def test_command_reports_counts_and_writes_a_json_report(cad_feed: Any, tmp_path: Path, capsys: Any) -> None:
    report_path = tmp_path / "report.json"
    call_command(
        "import_records",
        "cad",
        str(FIXTURES / "county_cad.csv"),
        "--mapping",
        str(FIXTURES / "county_cad.yaml"),
        "--feed",
        "test-cad",
        "--report",
        str(report_path),
    )
    out = capsys.readouterr()
    assert "rows 7: accepted 2, flagged 2 (missing coordinates 1, out of area 1), rejected 3" in out.out
    assert "line 9: row has 7 cells" in out.out
    assert "100.0%" in out.err  # the progress bar ends full
    report = json.loads(report_path.read_text())
    assert report["rejected"] == 3 and len(report["problems"]) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--feed", "nope"], "--feed"),
        (["--feed", "test-cad", "--batch-size", "0"], "--batch-size"),
    ],
)
def test_command_names_bad_arguments(cad_feed: Any, args: list[str], complaint: str) -> None:
    with pytest.raises(CommandError, match=complaint):
        call_command("import_records", "cad", str(DEMO_CSV), "--mapping", str(MILWAUKEE_MAPPING), *args)


@pytest.mark.django_db
def test_binary_file_is_refused_with_a_message(cad_feed: Any, tmp_path: Path) -> None:
    binary = tmp_path / "export.csv"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(CommandError, match="not utf-8-sig text"):
        call_command("import_records", "cad", str(binary), "--mapping", str(MILWAUKEE_MAPPING), "--feed", "test-cad")


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
@pytest.mark.skipif(not FULL_MILWAUKEE.exists(), reason="needs ../shared/data (present in CI, not in a plain clone)")
def test_full_milwaukee_file_is_imported_and_nothing_is_lost(worker: None, cad_feed: Any, capsys: Any) -> None:
    call_command(
        "import_records", "cad", str(FULL_MILWAUKEE), "--mapping", str(MILWAUKEE_MAPPING), "--feed", "test-cad"
    )
    summary = capsys.readouterr().out
    assert "rows 33968: accepted 33485, flagged 483 (missing coordinates 11, out of area 472), rejected 0" in summary
    wait_until(lambda: not InboxBatch.objects.filter(status="received").exists(), timeout=180, what="import processed")
    stored = Incident.objects.filter(source="test-cad")
    assert stored.count() == 33968
    assert stored.filter(location_status="missing").count() == 11
    assert stored.filter(location_status="out_of_area").count() == 472
    assert stored.filter(status="closed").count() == 33968


DC_MAPPING = ROOT / "feeds" / "mappings" / "dc_shotspotter.json"
FULL_DC = ROOT.parent / "shared" / "data" / "dc_shotspotter_incidents_2006-2013.csv"


@pytest.fixture
def dc_feed(db: None) -> Any:
    from feeds import services as feed_services

    return feed_services.feed_create(name="DC ShotSpotter", kind="shots", slug="dc-shots")[0]


@pytest.mark.django_db
def test_dc_style_export_reads_two_digit_years_in_eastern_time(dc_feed: Any, settings: Any) -> None:
    settings.RTCC_SERVICE_AREA = [-77.12, 38.79, -76.90, 39.0]  # Washington DC
    report = import_csv(path=FIXTURES / "dc_style_shots.csv", mapping=load_mapping(DC_MAPPING), feed=dc_feed)
    assert (report.rows, report.accepted, report.flagged, report.rejected) == (4, 3, 0, 1)
    assert report.problems[0].line == 4 and report.problems[0].reason.startswith("latitude:")  # sensors must locate
    (batch,) = InboxBatch.objects.all()
    first, second, fourth = batch.records
    assert first["detected_at"] == "2006-01-27T03:35:00-05:00"
    assert second["detected_at"] == "2013-12-31T23:59:00-05:00"
    assert fourth["detected_at"] == "2009-07-04T21:16:00-04:00"  # four-digit year, summer time
    assert (first["type"], second["type"]) == ("single", "multiple")
    assert report.time_range["detected_at"][0].startswith("2006-01-27")
    assert report.time_range["detected_at"][1].startswith("2013-12-31")


@pytest.mark.django_db
@pytest.mark.skipif(not FULL_DC.exists(), reason="needs ../shared/data (present in CI, not in a plain clone)")
def test_full_dc_file_years_are_2006_to_2013(dc_feed: Any, capsys: Any) -> None:
    call_command(
        "import_records", "shots", str(FULL_DC), "--mapping", str(DC_MAPPING), "--feed", "dc-shots", "--dry-run"
    )
    out = capsys.readouterr().out
    assert "rows 39066:" in out and "rejected 0" in out
    assert "detected_at: from 2006-01-27T" in out
    assert "to 2013-" in out
