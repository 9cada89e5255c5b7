"""Hit verification services enforce the hotlist distribution, not only the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from lpr.services.hits import hit_confirm, hit_reject
from lpr.services.hotlists import entry_create
from lpr.services.reads import reads_insert_and_match
from rtcc.errors import NotFound

pytestmark = pytest.mark.django_db


def a_hit(lpr_feed: Any, hotlist: Any) -> Any:
    entry_create(user=None, hotlist_id=hotlist.pk, data={"plate": "ABC1234", "reason": "stolen"})
    read = {
        "external_id": "r1",
        "read_at": timezone.now() - timedelta(minutes=1),
        "plate_raw": "ABC1234",
        "plate": "ABC1234",
        "state": "",
        "confidence": 90.0,
        "latitude": None,
        "longitude": None,
        "reader": "pole-17",
    }
    with transaction.atomic():
        (hit,) = reads_insert_and_match(feed=lpr_feed[0], reads=[read]).hits
    return hit


def test_a_verifier_outside_the_distribution_cannot_decide_the_hit(
    lpr_feed, reader, hotlist, analyst, supervisor
) -> None:
    hit = a_hit(lpr_feed, hotlist)  # default distribution: analysts
    with pytest.raises(NotFound):
        hit_confirm(user=supervisor, hit_id=hit.pk)
    with pytest.raises(NotFound):
        hit_reject(user=supervisor, hit_id=hit.pk, reason="misread")
    assert hit_confirm(user=analyst, hit_id=hit.pk).status == "actionable"
