from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from feeds.choices import BatchStatus, DeadLetterStatus, FeedKind


class Feed(models.Model):
    """A machine source (CAD, sensor vendor…) that pushes records with its own API key."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True, help_text="Used as the `source` of records.")
    kind = models.CharField(max_length=16, choices=FeedKind.choices)
    enabled = models.BooleanField(default=True)
    key_prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the API key.")
    key_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    mapping = models.TextField(
        blank=True,
        help_text="Optional default mapping (JSON or YAML) for file imports into this feed.",
    )
    max_silence_seconds = models.PositiveIntegerField(
        default=900, help_text="Longer without a record raises a 'feed silent' alert (and clears it on recovery)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Counters, kept by the pipeline (F() updates, one per batch).
    last_record_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="Last batch accepted.")
    newest_event_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Newest event time seen in a record (for lag)."
    )
    accepted_records = models.PositiveBigIntegerField(default=0, editable=False)
    rejected_records = models.PositiveBigIntegerField(default=0, editable=False)
    dead_lettered_records = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    def clean(self) -> None:
        # The admin form calls this: a feed's own mapping must parse and fill this feed's kind.
        if not self.mapping.strip():
            return
        from feeds.imports.mapping import MappingError, mapping_from_text

        try:
            mapping = mapping_from_text(self.mapping, name=f"{self.slug or 'feed'}.yaml")
        except MappingError as exc:
            raise ValidationError({"mapping": str(exc)}) from exc
        if mapping.kind != self.kind:
            raise ValidationError(
                {"mapping": f"kind: the mapping fills {mapping.kind!r} records, this feed is {self.kind!r}"}
            )


class InboxBatch(models.Model):
    """A raw batch exactly as received, persisted before the API answers 202."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, related_name="batches")
    records = models.JSONField()
    record_count = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.RECEIVED)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processed_count = models.PositiveIntegerField(default=0)
    dead_letter_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "inbox batches"
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.feed_id}:{self.id} ({self.record_count} records, {self.status})"


class DeadLetter(models.Model):
    """One record that could not be processed, with the raw record and the error, replayable."""

    batch = models.ForeignKey(InboxBatch, on_delete=models.PROTECT, related_name="dead_letters")
    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, related_name="dead_letters")
    record_index = models.PositiveIntegerField()
    external_id = models.CharField(max_length=128, blank=True)
    record = models.JSONField()
    error = models.TextField()
    status = models.CharField(max_length=16, choices=DeadLetterStatus.choices, default=DeadLetterStatus.OPEN)
    attempts = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "record_index"], name="deadletter_unique_record_in_batch"),
        ]
        indexes = [models.Index(fields=["feed", "status"])]

    def __str__(self) -> str:
        return f"dead letter {self.external_id or self.record_index} of {self.batch_id}: {self.status}"


class ImportJob(models.Model):
    """A file uploaded by an admin, imported through a mapping by a worker, with live progress."""

    FEED = "feed"  # `target` of jobs that hand records to a feed's pipeline

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    target = models.CharField(
        max_length=32,
        default=FEED,
        help_text="'feed' (records for the feed's pipeline) or a registered import target such as 'camera'.",
    )
    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, related_name="imports", null=True, blank=True)
    dry_run = models.BooleanField(default=False, help_text="Check and count only; write nothing.")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    mapping_name = models.CharField(max_length=120)
    mapping_text = models.TextField(help_text="The mapping as used, kept with the job.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    lines_done = models.PositiveIntegerField(default=0)
    lines_total = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(target="feed") | models.Q(feed__isnull=False), name="importjob_feed_job_has_feed"
            ),
        ]
        indexes = [models.Index(fields=["target", "created_at"])]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.original_name} into {self.target} ({self.status})"
