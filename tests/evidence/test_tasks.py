from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from cases.models import Case
from evidence import services
from evidence.models import CustodyEntry, Evidence
from evidence.tasks import verify_all
from tests.conftest import wait_until
from tests.evidence.conftest import png_bytes, upload


def _two_items(analyst: Any, case: Case) -> tuple[Evidence, Evidence]:
    first = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("a.png", png_bytes()), title="a"
    )
    second = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("b.png", png_bytes(6, 6)), title="b"
    )
    return first, second


def _tamper(evidence: Evidence) -> None:
    path = Path(evidence.file.path)
    path.write_bytes(path.read_bytes() + b"appended")


@pytest.mark.django_db
def test_verify_command_prints_a_report_and_exits_1_on_a_mismatch(analyst: Any, case: Case, media: Path) -> None:
    first, second = _two_items(analyst, case)
    out = StringIO()
    call_command("verify_evidence", "--case", case.number, stdout=out)
    assert "checked 2, mismatched 0" in out.getvalue()
    _tamper(second)
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_evidence", "--case", str(case.pk), stdout=out)
    assert exited.value.code == 1
    assert f"MISMATCH evidence {second.pk} ({case.number}) b.png" in out.getvalue()
    assert "checked 2, mismatched 1" in out.getvalue()
    assert Evidence.objects.get(pk=first.pk).integrity_ok is True


@pytest.fixture
def real_media_case(analyst: Any) -> Iterator[Case]:
    """A case whose files go to the worker's MEDIA_ROOT (a separate process, started with the default)."""
    case = Case.objects.create(
        number=f"RTCC-TEST-{uuid.uuid4().hex[:8]}", title="Nightly check", lead=analyst, created_by=analyst
    )
    yield case
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "evidence" / case.number, ignore_errors=True)


@pytest.mark.worker
def test_nightly_task_on_a_real_worker_reports_the_altered_file(
    worker: None, analyst: Any, real_media_case: Case
) -> None:
    first, second = _two_items(analyst, real_media_case)
    _tamper(first)
    verify_all.delay()  # no result backend: the outcome is read from the database
    wait_until(
        lambda: set(Evidence.objects.values_list("pk", "integrity_ok")) == {(first.pk, False), (second.pk, True)},
        timeout=60,
        what="the worker to verify both items",
    )
    checks = CustodyEntry.objects.filter(evidence=first, action="integrity_checked")
    assert [(c.actor, c.detail["ok"]) for c in checks] == [(None, False)]
    assert Evidence.objects.get(pk=second.pk).integrity_ok is True
