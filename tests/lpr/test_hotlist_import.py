"""Hotlist files through mappings: Genetec text layout (no header, ; , or tab), generic CSV, idempotent
re-import with history, replace mode, retroactive matching once, the scheduled refresh and expiry."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from alerts.models import Alert
from audit.models import AuditEvent
from feeds.imports.mapping import MappingError, parse_mapping
from lpr.imports import hotlist_import, mapping_path
from lpr.models import Hit, HotlistEntry, HotlistEntryChange
from lpr.services.hotlists import entry_create
from lpr.services.reads import reads_insert_and_match
from lpr.tasks import expire_hotlist_entries, refresh_hotlists
from rtcc.errors import InvalidInput, PermissionDenied
from tests.conftest import wait_until

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
GENETEC = FIXTURES / "genetec_hotlist_semicolon.txt"
GENERIC = FIXTURES / "generic_hotlist.csv"
CHICAGO = ZoneInfo("America/Chicago")
GENETEC_HEADER = "Category;PlateState;PlateNumber;EffectiveDate;ExpiryDate;PermitID"


def run(hotlist: Any, path: Path, mapping: str = "genetec_hotlist", **options: Any) -> Any:
    from feeds.imports.mapping import load_mapping

    return hotlist_import(hotlist_id=hotlist.pk, path=path, mapping=load_mapping(mapping_path(mapping)), **options)


def genetec_copy(tmp_path: Path, delimiter: str = ";", *, header: bool = False, drop: str = "") -> Path:
    lines = GENETEC.read_text().splitlines()
    if header:
        lines.insert(0, GENETEC_HEADER)
    text = "\n".join(line for line in lines if not (drop and drop in line)) + "\n"
    path = tmp_path / f"hotlist_{ord(delimiter)}.txt"
    path.write_text(text.replace(";", delimiter))
    return path


def entries(hotlist: Any) -> dict[str, HotlistEntry]:
    return {entry.plate: entry for entry in HotlistEntry.objects.filter(hotlist=hotlist)}


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_a_genetec_file_without_header_imports_with_any_of_its_delimiters(
    hotlist: Any, tmp_path: Path, delimiter: str
) -> None:
    report = run(hotlist, genetec_copy(tmp_path, delimiter))
    assert report.counts() | {"hotlist": ""} == {
        "hotlist": "",
        "rows": 4,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "deactivated": 0,
        "stored_inactive": 1,
        "hits": 0,
        "replace": False,
        "dry_run": False,
    }
    found = entries(hotlist)
    stolen = found["ABC1234"]
    assert (stolen.plate_raw, stolen.state, stolen.reason) == ("ABC 1234", "WI", "Stolen vehicle")
    assert stolen.external_id == "P-100"
    assert stolen.effective_from == dt.datetime(2026, 1, 1, tzinfo=CHICAGO)
    assert stolen.expires_at == dt.datetime(2099, 12, 31, tzinfo=CHICAGO)
    assert found["XYZ987"].effective_from == dt.datetime(2026, 1, 15, tzinfo=CHICAGO)  # US month-first date
    wanted = found["GHJ55"]
    assert (wanted.state, wanted.external_id, wanted.expires_at, wanted.active) == ("", "", None, True)
    assert found["OLD999"].active is False  # listed, but its expiry has passed
    assert list(stolen.changes.values_list("action", flat=True)) == ["import"]


def test_a_genetec_file_that_does_carry_the_header_row_skips_it(hotlist: Any, tmp_path: Path) -> None:
    report = run(hotlist, genetec_copy(tmp_path, header=True))
    assert (report.rows, report.created, report.rejected) == (4, 4, 0)


def test_reimporting_the_same_file_changes_nothing(hotlist: Any, tmp_path: Path) -> None:
    path = genetec_copy(tmp_path)
    run(hotlist, path)
    report = run(hotlist, path)
    assert (report.created, report.updated, report.unchanged, report.deactivated) == (0, 0, 4, 0)
    assert HotlistEntryChange.objects.count() == 4


def test_a_changed_row_updates_its_entry_with_before_and_after(hotlist: Any, tmp_path: Path, analyst: Any) -> None:
    run(hotlist, genetec_copy(tmp_path))
    changed = tmp_path / "changed.txt"
    changed.write_text(
        GENETEC.read_text().replace("12/31/2099", "06/30/2099").replace("Wanted person", "Wanted: armed")
    )
    report = run(hotlist, changed, user=analyst)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 2)
    change = HotlistEntryChange.objects.filter(entry__plate="XYZ987").last()
    assert (change.action, change.changed_by, change.before, change.after) == (
        "import",
        analyst,
        {"expires_at": "2099-12-31T06:00:00+00:00"},
        {"expires_at": "2099-06-30T05:00:00+00:00"},
    )
    assert entries(hotlist)["GHJ55"].reason == "Wanted: armed"  # keyed by plate + state (no PermitID)
    audit = AuditEvent.objects.get(action="lpr.hotlist.import")
    assert (audit.actor, audit.details["updated"]) == (analyst, 2)


def test_replace_deactivates_what_the_file_no_longer_lists(hotlist: Any, tmp_path: Path) -> None:
    run(hotlist, genetec_copy(tmp_path))
    manual, _ = entry_create(user=None, hotlist_id=hotlist.pk, data={"plate": "MAN123", "reason": "typed in"})
    shorter = genetec_copy(tmp_path, drop="XYZ987")

    plain = run(hotlist, shorter)
    assert plain.deactivated == 0 and entries(hotlist)["XYZ987"].active  # without replace nothing goes

    report = run(hotlist, shorter, replace=True)
    assert (report.unchanged, report.deactivated) == (3, 2)
    found = entries(hotlist)
    assert not found["XYZ987"].active and not found["MAN123"].active
    last = manual.changes.last()
    assert (last.action, last.before, last.after) == ("import", {"active": True}, {"active": False})

    back = run(hotlist, genetec_copy(tmp_path), replace=True)  # listed again: active again
    assert (back.created, back.updated) == (0, 1)
    assert entries(hotlist)["XYZ987"].active


def test_replace_refuses_a_file_without_a_valid_row(hotlist: Any, tmp_path: Path) -> None:
    run(hotlist, genetec_copy(tmp_path))
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InvalidInput, match="will not empty"):
        run(hotlist, empty, replace=True)
    assert HotlistEntry.objects.filter(active=True).count() == 3


def test_every_row_of_a_generic_csv_is_accounted_for(hotlist: Any) -> None:
    report = run(hotlist, GENERIC, "generic_hotlist")
    assert report.rows == 7 == report.created + report.updated + report.unchanged + report.rejected
    assert (report.created, report.rejected) == (2, 5)
    assert report.problems == [
        (4, "plate: This field is required."),
        (5, "plate: Plate longer than 16 characters."),
        (6, "state: State 'WISCONSIN' is not a two-letter code."),
        (7, "expires_at: Must be after effective_from."),
        (8, "external_id 'G-1' was already given in line 2"),
    ]
    found = entries(hotlist)
    assert (found["ABC1234"].case_number, found["ABC1234"].ncic_number) == ("MPD-26-0001", "V123456789")
    assert (found["KLM456"].plate_raw, found["KLM456"].effective_from) == ("KLM-456", None)


def test_new_entries_match_recent_reads_once(hotlist: Any, lpr_feed: Any, reader: Any) -> None:
    read = {
        "external_id": "r-1",
        "read_at": timezone.now() - dt.timedelta(hours=2),
        "plate_raw": "KLM456",
        "plate": "KLM456",
        "state": "IL",
        "confidence": 90.0,
        "latitude": None,
        "longitude": None,
        "reader": "pole-17",
    }
    with transaction.atomic():
        reads_insert_and_match(feed=lpr_feed[0], reads=[read])
    report = run(hotlist, GENERIC, "generic_hotlist")
    assert report.hits == 1
    hit = Hit.objects.get()
    assert (hit.plate, hit.retroactive, hit.entry.external_id) == ("KLM456", True, "G-2")
    assert run(hotlist, GENERIC, "generic_hotlist").hits == 0 and Hit.objects.count() == 1


def test_a_dry_run_counts_and_writes_nothing(hotlist: Any, tmp_path: Path) -> None:
    report = run(hotlist, genetec_copy(tmp_path), dry_run=True)
    assert (report.created, report.dry_run) == (4, True)
    assert not HotlistEntry.objects.exists() and not HotlistEntryChange.objects.exists()


def test_a_role_without_hotlist_management_may_not_import(hotlist: Any, norole_user: Any, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        run(hotlist, genetec_copy(tmp_path), user=norole_user)
    assert not HotlistEntry.objects.exists()


def test_the_command_reports_every_row(hotlist: Any, admin_user: Any, capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "import_hotlist", str(GENERIC), "--hotlist", hotlist.name, "--mapping", "generic_hotlist", "--user", "adm"
    )
    out = capsys.readouterr().out
    assert f"{hotlist.name}: rows 7: created 2, updated 0, unchanged 0, rejected 5;" in out
    assert "line 8: external_id 'G-1' was already given in line 2" in out
    assert HotlistEntry.objects.filter(entered_by=admin_user).count() == 2


def test_a_mapping_header_must_name_every_column_its_rules_read() -> None:
    spec = {
        "kind": "hotlist_entry",
        "csv": {"header": ["Category", "PlateNumber"]},
        "fields": {"reason": {"column": "Category"}, "plate": {"column": "Plate"}},
    }
    with pytest.raises(MappingError, match=r"csv\.header: the rules read column\(s\) \['Plate'\]"):
        parse_mapping(spec)
    with pytest.raises(MappingError, match=r"csv\.header: a non-empty list"):
        parse_mapping(spec | {"csv": {"header": "Category;PlateNumber"}})


# --- scheduled refresh and expiry ---------------------------------------------------------------------


def test_the_refresh_replaces_the_list_and_records_when(hotlist: Any, tmp_path: Path) -> None:
    hotlist.refresh_path = str(genetec_copy(tmp_path))
    hotlist.refresh_mapping = "genetec_hotlist"
    hotlist.save()
    result = refresh_hotlists()
    assert result["failed"] == {} and result["refreshed"][hotlist.name]["created"] == 4
    hotlist.refresh_from_db()
    assert hotlist.last_refreshed_at is not None

    listed = GENETEC.read_text().replace("Stolen plate;IL;XYZ987;01/15/2026;12/31/2099;P-101", "New;IL;NEW1;;;P-200")
    Path(hotlist.refresh_path).write_text(listed)
    result = refresh_hotlists()
    assert (result["refreshed"][hotlist.name]["created"], result["refreshed"][hotlist.name]["deactivated"]) == (1, 1)


def test_a_missing_refresh_file_changes_nothing_and_alerts_admins(
    hotlist: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = genetec_copy(tmp_path)
    hotlist.refresh_path, hotlist.refresh_mapping = str(path), "genetec_hotlist"
    hotlist.save()
    refresh_hotlists()
    hotlist.refresh_from_db()
    refreshed_at = hotlist.last_refreshed_at
    path.unlink()

    with caplog.at_level(logging.ERROR, logger="lpr.imports"):
        result = refresh_hotlists()
    assert "cannot read" in result["failed"][hotlist.name] and "not refreshed" in caplog.text
    assert HotlistEntry.objects.filter(active=True).count() == 3  # nothing deactivated
    hotlist.refresh_from_db()
    assert hotlist.last_refreshed_at == refreshed_at
    alert = Alert.objects.get(source_key=f"hotlist:{hotlist.pk}")
    assert (alert.streams, alert.status, alert.title) == (["admin"], "new", f"Hotlist {hotlist.name} not refreshed")

    genetec_copy(tmp_path)  # the file is back
    refresh_hotlists()
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_expired_entries_are_deactivated_by_the_task(hotlist: Any) -> None:
    entry_create(
        user=None,
        hotlist_id=hotlist.pk,
        data={"plate": "OLD1", "reason": "x", "expires_at": timezone.now() - dt.timedelta(minutes=5)},
    )
    assert expire_hotlist_entries() == 1
    assert not HotlistEntry.objects.get(plate="OLD1").active


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_the_worker_runs_the_refresh_task(worker: None, hotlist: Any, tmp_path: Path) -> None:
    hotlist.refresh_path, hotlist.refresh_mapping = str(genetec_copy(tmp_path)), "genetec_hotlist.json"
    hotlist.save()
    refresh_hotlists.delay()
    wait_until(lambda: HotlistEntry.objects.filter(hotlist=hotlist).count() == 4, what="refresh in the worker")
    wait_until(lambda: type(hotlist).objects.get(pk=hotlist.pk).last_refreshed_at is not None, what="refresh recorded")
