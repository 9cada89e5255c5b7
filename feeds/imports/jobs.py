"""Import jobs: an admin's upload, checked at once, imported by a worker with progress in the database.

One machinery serves feed imports (records into a feed's pipeline) and the import targets other
apps register in feeds.imports.mapping (e.g. cameras): the job's `target` says which.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from feeds.imports.csv_import import import_csv
from feeds.imports.mapping import CellError, Mapping, MappingError, importer_for, mapping_from_text
from feeds.models import Feed, ImportJob
from rtcc.errors import ApplicationError, InvalidInput
from rtcc.uploads import require_text

logger = logging.getLogger(__name__)

RECENT_JOBS = 20


def import_job_create(
    *, feed: Feed, upload: UploadedFile, mapping_name: str, mapping_text: str, user: AbstractBaseUser
) -> ImportJob:
    """Check the mapping and the file size now (clear 400s), store the file, enqueue the import."""
    mapping = _checked_mapping(mapping_name, mapping_text)
    if mapping.kind != feed.kind:
        raise InvalidInput(f"mapping: it fills {mapping.kind!r} records but feed {feed.slug!r} takes {feed.kind!r}")
    return _enqueue(target=ImportJob.FEED, feed=feed, upload=upload, name=mapping_name, text=mapping_text, user=user)


def target_import_job_create(
    *,
    target: str,
    upload: UploadedFile,
    mapping_name: str,
    mapping_text: str,
    user: AbstractBaseUser,
    suffixes: tuple[str, ...] = (".csv",),
    dry_run: bool = False,
) -> ImportJob:
    """The same for a registered import target (e.g. "camera"): the mapping must fill that target."""
    mapping = _checked_mapping(mapping_name, mapping_text)
    if mapping.kind != target:
        raise InvalidInput(f"mapping: it fills {mapping.kind!r} records, not {target!r}")
    if Path(upload.name or "").suffix.lower() not in suffixes:
        raise InvalidInput(f"file: the name must end in one of {', '.join(suffixes)}")
    return _enqueue(
        target=target, feed=None, upload=upload, name=mapping_name, text=mapping_text, user=user, dry=dry_run
    )


def _checked_mapping(name: str, text: str) -> Mapping:
    try:
        return mapping_from_text(text, name=name)
    except MappingError as exc:
        raise InvalidInput(str(exc)) from exc


def _enqueue(
    *,
    target: str,
    feed: Feed | None,
    upload: UploadedFile,
    name: str,
    text: str,
    user: AbstractBaseUser,
    dry: bool = False,
) -> ImportJob:
    from feeds.tasks import run_import_job

    if upload.size is not None and upload.size > settings.RTCC_IMPORT_MAX_BYTES:
        raise InvalidInput(f"file: larger than the limit of {settings.RTCC_IMPORT_MAX_BYTES} bytes")
    # CSV, JSON or GeoJSON: text by content, whatever the name says.
    require_text(upload, field="file", json=Path(upload.name or "").suffix.lower() in (".json", ".geojson"))
    with transaction.atomic(durable=True):
        job = ImportJob.objects.create(
            target=target,
            feed=feed,
            dry_run=dry,
            file=upload,
            original_name=Path(upload.name or "upload.csv").name[:255],
            mapping_name=name[:120],
            mapping_text=text,
            created_by=user,  # type: ignore[misc]
        )
        job_id = job.pk
        transaction.on_commit(lambda: run_import_job.delay(job_id))
    return job


def import_jobs_recent(*, target: str) -> QuerySet[ImportJob]:
    """The latest jobs of one target, newest first (the upload pages list them)."""
    return ImportJob.objects.filter(target=target).select_related("feed", "created_by")[:RECENT_JOBS]


def import_job_get(*, job_id: int, target: str) -> ImportJob | None:
    return ImportJob.objects.filter(pk=job_id, target=target).select_related("feed").first()


def import_job_status(job: ImportJob) -> dict[str, Any]:
    """What the job pages poll: status, progress and, once done, the report."""
    return {
        "status": job.status,
        "lines_done": job.lines_done,
        "lines_total": job.lines_total,
        "report": job.report,
        "error": job.error,
    }


def import_job_run(*, job_id: int) -> ImportJob:
    """Worker side: import the stored file, writing progress as it goes; failures end in status failed."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    job = ImportJob.objects.select_related("feed", "created_by").get(pk=job_id)
    if not claimed:
        return job  # already running or finished (a redelivered task)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(lines_done=done, lines_total=total)

    encoding = "utf-8"
    try:
        mapping = mapping_from_text(job.mapping_text, name=job.mapping_name)
        encoding = mapping.encoding
        path = Path(job.file.path)
        if job.target == ImportJob.FEED:
            assert job.feed is not None  # the table's check constraint
            report: Any = import_csv(path=path, mapping=mapping, feed=job.feed, progress=progress)
        else:
            importer = importer_for(job.target)
            report = importer(path=path, mapping=mapping, user=job.created_by, dry_run=job.dry_run, progress=progress)
    except (MappingError, CellError) as exc:
        return _finish(job, status=ImportJob.Status.FAILED, error=str(exc))
    except ApplicationError as exc:
        return _finish(job, status=ImportJob.Status.FAILED, error=exc.message)
    except FileNotFoundError:
        return _finish(job, status=ImportJob.Status.FAILED, error=f"file: {job.file.name} is missing from storage")
    except UnicodeDecodeError as exc:
        return _finish(job, status=ImportJob.Status.FAILED, error=f"file: not {encoding} text ({exc.reason})")
    job.report = report.as_dict()
    return _finish(job, status=ImportJob.Status.DONE, error="")


def _finish(job: ImportJob, *, status: str, error: str) -> ImportJob:
    job.status, job.error, job.finished_at = status, error, timezone.now()
    job.save(update_fields=["status", "error", "report", "finished_at"])
    ImportJob.objects.filter(pk=job.pk, lines_total__gt=0).update(lines_done=F("lines_total"))
    return job
