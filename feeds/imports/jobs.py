"""Import jobs: an admin's upload, checked at once, imported by a worker with progress in the database."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from feeds.imports.csv_import import import_csv
from feeds.imports.mapping import CellError, MappingError, mapping_from_text
from feeds.models import Feed, ImportJob
from rtcc.errors import InvalidInput

logger = logging.getLogger(__name__)


def import_job_create(
    *, feed: Feed, upload: UploadedFile, mapping_name: str, mapping_text: str, user: AbstractBaseUser
) -> ImportJob:
    """Check the mapping and the file size now (clear 400s), store the file, enqueue the import."""
    from feeds.tasks import run_import_job

    try:
        mapping = mapping_from_text(mapping_text, name=mapping_name)
    except MappingError as exc:
        raise InvalidInput(str(exc)) from exc
    if mapping.kind != feed.kind:
        raise InvalidInput(f"mapping: it fills {mapping.kind!r} records but feed {feed.slug!r} takes {feed.kind!r}")
    if upload.size is not None and upload.size > settings.RTCC_IMPORT_MAX_BYTES:
        raise InvalidInput(f"file: larger than the limit of {settings.RTCC_IMPORT_MAX_BYTES} bytes")
    with transaction.atomic(durable=True):
        job = ImportJob.objects.create(
            feed=feed,
            file=upload,
            original_name=Path(upload.name or "upload.csv").name[:255],
            mapping_name=mapping_name[:120],
            mapping_text=mapping_text,
            created_by=user,  # type: ignore[misc]
        )
        job_id = job.pk
        transaction.on_commit(lambda: run_import_job.delay(job_id))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Worker side: import the stored file, writing progress as it goes; failures end in status failed."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    job = ImportJob.objects.select_related("feed").get(pk=job_id)
    if not claimed:
        return job  # already running or finished (a redelivered task)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(lines_done=done, lines_total=total)

    try:
        mapping = mapping_from_text(job.mapping_text, name=job.mapping_name)
        report = import_csv(path=Path(job.file.path), mapping=mapping, feed=job.feed, progress=progress)
    except (MappingError, CellError) as exc:
        return _finish(job, status=ImportJob.Status.FAILED, error=str(exc))
    except FileNotFoundError:
        return _finish(job, status=ImportJob.Status.FAILED, error=f"file: {job.file.name} is missing from storage")
    except UnicodeDecodeError as exc:
        return _finish(job, status=ImportJob.Status.FAILED, error=f"file: not {mapping.encoding} text ({exc.reason})")
    job.report = report.as_dict()
    return _finish(job, status=ImportJob.Status.DONE, error="")


def _finish(job: ImportJob, *, status: str, error: str) -> ImportJob:
    job.status, job.error, job.finished_at = status, error, timezone.now()
    job.save(update_fields=["status", "error", "report", "finished_at"])
    ImportJob.objects.filter(pk=job.pk, lines_total__gt=0).update(lines_done=F("lines_total"))
    return job
