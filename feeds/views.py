from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.permissions import capability_required
from feeds import selectors
from feeds.forms import ImportForm
from feeds.imports.jobs import import_job_create, import_job_get, import_jobs_recent
from feeds.models import ImportJob
from rtcc.errors import InvalidInput


@capability_required("feeds.health")
def feed_health_page(request: HttpRequest) -> HttpResponse:
    """Every feed with its status and counters; refreshed in place every 15 s."""
    feeds = selectors.feeds_health_visible_to(user=request.user)
    return render(
        request,
        "feeds/health.html",
        {"feeds": feeds, "health_config": {"apiUrl": reverse("api-feed-health"), "refreshSeconds": 15}},
    )


@capability_required("feeds.import")
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV and pick a mapping; the import runs in a worker and the job page shows progress."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            name, text = form.mapping_name_and_text()
            job = import_job_create(
                feed=form.cleaned_data["feed"],
                upload=form.cleaned_data["file"],
                mapping_name=name,
                mapping_text=text,
                user=request.user,  # type: ignore[arg-type]
            )
        except forms.ValidationError as exc:
            form.add_error(None, exc)
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("feed-import-job", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    jobs = import_jobs_recent(target=ImportJob.FEED)
    return render(request, "feeds/import_upload.html", {"form": form, "jobs": jobs}, status=status)


@capability_required("feeds.import")
def import_job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    """One import job: a progress bar while the worker runs, then the report."""
    job = import_job_get(job_id=job_id, target=ImportJob.FEED)
    if job is None:
        return render(request, "error.html", {"message": "No such import."}, status=404)
    config = {"statusUrl": reverse("api-import-job", args=[job.pk]), "pollMilliseconds": 700, "target": job.target}
    return render(request, "feeds/import_job.html", {"job": job, "job_config": config})
