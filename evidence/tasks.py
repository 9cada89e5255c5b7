from __future__ import annotations

from typing import Any

from celery import shared_task

from evidence.models import Evidence
from evidence.services import evidence_verify

BATCH_SIZE = 200


def verify_batches(*, case_id: int | None = None) -> dict[str, Any]:
    """Verify every evidence item (or one case's), reading ids in batches; returns counts and mismatching ids."""
    items = Evidence.objects.order_by("id")
    if case_id is not None:
        items = items.filter(case_id=case_id)
    checked, mismatched, last_id = 0, [], 0
    while batch := list(items.filter(pk__gt=last_id).values_list("pk", flat=True)[:BATCH_SIZE]):
        for evidence_id in batch:
            if not evidence_verify(evidence_id=evidence_id).integrity_ok:
                mismatched.append(evidence_id)
            checked += 1
        last_id = batch[-1]
    return {"checked": checked, "mismatched": mismatched}


# Hashing is disk-bound: ~2 GiB files take seconds each; hours are allowed for a large store at night.
@shared_task(acks_late=True, soft_time_limit=4 * 3600, time_limit=4 * 3600 + 300)
def verify_all() -> dict[str, Any]:
    """Nightly integrity check of all evidence (the custody log records each check, actor empty)."""
    return verify_batches()
