"""Admin file imports: upload + mapping → a worker imports with progress → the report on the job page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from feeds.models import ImportJob, InboxBatch
from incidents.models import Incident
from tests.conftest import wait_until

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def admin_client(admin_user: Any) -> Iterator[Client]:
    # Uploads land in MEDIA_ROOT, which the worker process shares; they are removed afterwards.
    client = Client()
    client.force_login(admin_user)
    yield client
    for job in ImportJob.objects.all():
        job.file.delete(save=False)


def upload(client: Client, feed_id: int, *, mapping: str = "__upload__", mapping_file: Any = None) -> Any:
    data: dict[str, Any] = {
        "feed": feed_id,
        "mapping": mapping,
        "file": SimpleUploadedFile("county.csv", (FIXTURES / "county_cad.csv").read_bytes(), "text/csv"),
    }
    if mapping_file is not None:
        data["mapping_file"] = mapping_file
    return client.post("/feeds/import/", data)


def county_mapping() -> SimpleUploadedFile:
    return SimpleUploadedFile("county_cad.yaml", (FIXTURES / "county_cad.yaml").read_bytes(), "application/yaml")


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_uploaded_file_is_imported_by_a_worker_with_a_report(worker: None, admin_client: Client, cad_feed: Any) -> None:
    response = upload(admin_client, cad_feed[0].pk, mapping_file=county_mapping())
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/feeds/import/{job.pk}/"
    wait_until(lambda: ImportJob.objects.get().status == "done", what="import job done")
    status = admin_client.get(f"/api/v1/imports/{job.pk}/").json()
    assert status["lines_done"] == status["lines_total"] > 0
    report = status["report"]
    assert (report["rows"], report["accepted"], report["rejected"]) == (7, 2, 3)
    assert report["problems"][0] == {"line": 5, "reason": report["problems"][0]["reason"]}
    wait_until(lambda: not InboxBatch.objects.filter(status="received").exists(), what="batch processed")
    assert Incident.objects.filter(source="test-cad").count() == 4
    page = admin_client.get(f"/feeds/import/{job.pk}/").content.decode()
    assert "county.csv" in page and 'id="progress"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mapping", "mapping_file", "complaint"),
    [
        ("__upload__", None, "Choose a mapping file to upload."),
        ("__upload__", SimpleUploadedFile("m.json", b"{not json", "application/json"), "is not valid JSON"),
        ("dc_shotspotter.json", None, "it fills &#x27;shots&#x27; records but feed"),
        ("nope.json", None, "Select a valid choice"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_stored(
    admin_client: Client, cad_feed: Any, mapping: str, mapping_file: Any, complaint: str
) -> None:
    response = upload(admin_client, cad_feed[0].pk, mapping=mapping, mapping_file=mapping_file)
    assert response.status_code == 400
    assert complaint in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_job_that_cannot_read_its_file_fails_with_the_reason(
    admin_user: Any, cad_feed: Any, tmp_path: Path, settings: Any
) -> None:
    from feeds.imports.jobs import import_job_run

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "other.csv").write_text("a,b\n1,2\n")
    job = ImportJob.objects.create(
        feed=cad_feed[0],
        file="imports/other.csv",
        original_name="other.csv",
        mapping_name="milwaukee_cad.json",
        mapping_text=(Path(__file__).resolve().parents[2] / "feeds/mappings/milwaukee_cad.json").read_text(),
        created_by=admin_user,
    )
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("columns: other.csv has no column(s)")
    import_job_run(job_id=job.pk)  # a redelivered task does nothing
    assert ImportJob.objects.get().status == "failed"


@pytest.mark.django_db
def test_job_whose_file_vanished_fails_with_the_reason(admin_user: Any, cad_feed: Any) -> None:
    from feeds.imports.jobs import import_job_run

    job = ImportJob.objects.create(
        feed=cad_feed[0],
        file="imports/gone.csv",
        original_name="gone.csv",
        mapping_name="milwaukee_cad.json",
        mapping_text=(Path(__file__).resolve().parents[2] / "feeds/mappings/milwaukee_cad.json").read_text(),
        created_by=admin_user,
    )
    assert import_job_run(job_id=job.pk).error == "file: imports/gone.csv is missing from storage"


@pytest.mark.django_db
def test_feed_with_its_own_mapping_needs_no_mapping_argument(cad_feed: Any, capsys: Any) -> None:
    from django.core.management import call_command

    feed = cad_feed[0]
    feed.mapping = (FIXTURES / "county_cad.yaml").read_text()
    feed.full_clean()
    feed.save()
    call_command("import_records", "cad", str(FIXTURES / "county_cad.csv"), "--feed", "test-cad", "--dry-run")
    assert "rows 7: accepted 2" in capsys.readouterr().out


@pytest.mark.django_db
def test_feed_mapping_is_checked_when_saved(cad_feed: Any) -> None:
    from django.core.exceptions import ValidationError

    feed = cad_feed[0]
    feed.mapping = (Path(__file__).resolve().parents[2] / "feeds/mappings/dc_shotspotter.json").read_text()
    with pytest.raises(ValidationError, match="fills 'shots' records"):
        feed.full_clean()
    feed.mapping = "kind: cad\nfields: {callType: {column: x}}"
    with pytest.raises(ValidationError, match=r"fields\.callType"):
        feed.full_clean()


@pytest.mark.django_db
def test_choosing_the_feeds_own_mapping_when_it_has_none_is_refused(admin_client: Client, cad_feed: Any) -> None:
    response = upload(admin_client, cad_feed[0].pk, mapping="__feed__")
    assert response.status_code == 400
    assert "has no mapping of its own" in response.content.decode()
