"""Admin pages of the camera import: upload a file and pick a mapping; a worker imports it."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.permissions import capability_required
from cameras.imports import FILE_SUFFIXES, TARGET
from feeds.forms import MappingUploadForm
from feeds.imports.jobs import import_job_get, import_jobs_recent, target_import_job_create
from rtcc.errors import InvalidInput

SHIPPED_DIR = Path(__file__).resolve().parent / "mappings"


class CameraImportForm(MappingUploadForm):
    shipped_dir = SHIPPED_DIR
    file = forms.FileField(help_text="CSV (.csv) or GeoJSON (.geojson, .json) with Point features.")
    dry_run = forms.BooleanField(required=False, label="Dry run", help_text="Check and count only; write nothing.")
    field_order = ["file", "mapping", "mapping_file", "dry_run"]


@capability_required("cameras.manage")
def camera_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a camera file and pick a mapping; the import runs in a worker and the job page shows progress."""
    form = CameraImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            name, text = form.mapping_name_and_text()
            job = target_import_job_create(
                target=TARGET,
                upload=form.cleaned_data["file"],
                mapping_name=name,
                mapping_text=text,
                user=request.user,  # type: ignore[arg-type]
                suffixes=FILE_SUFFIXES,
                dry_run=form.cleaned_data["dry_run"],
            )
        except forms.ValidationError as exc:
            form.add_error(None, exc)
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("camera-import-job", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    jobs = import_jobs_recent(target=TARGET)
    return render(request, "cameras/import_upload.html", {"form": form, "jobs": jobs}, status=status)


@capability_required("cameras.manage")
def camera_import_job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    """One camera import: a progress bar while the worker runs, then the report."""
    job = import_job_get(job_id=job_id, target=TARGET)
    if job is None:
        return render(request, "error.html", {"message": "No such import."}, status=404)
    config = {"statusUrl": reverse("api-camera-import-job", args=[job.pk]), "pollMilliseconds": 700, "target": TARGET}
    return render(request, "cameras/import_job.html", {"job": job, "job_config": config})
