"""LPR hits are alerts too: raised with the hit (for the hotlist's distribution), closed by its verification."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from alerts.choices import AlertStatus, AlertType, Disposition
from alerts.models import Alert
from lpr.services.hit_alerts import hits_raise_alerts
from lpr.services.hits import hit_confirm, hit_reject
from rtcc.models import OutboxEvent
from tests.alerts.conftest import client_for
from tests.lpr.test_hits_api import add_entry, raise_hits, read

pytestmark = pytest.mark.django_db


def test_a_hit_raises_one_alert_for_the_distribution(lpr_feed: Any, reader: Any, hotlist: Any, analyst: Any) -> None:
    add_entry(hotlist, "ABC1234")
    add_entry(hotlist, "XYZ9876")
    hits = raise_hits(lpr_feed[0], read("ABC1234"), read("XYZ9876"))
    alerts = {a.source_key: a for a in Alert.objects.filter(type=AlertType.LPR_HIT)}
    assert set(alerts) == {f"lpr_hit:{hit.pk}" for hit in hits}
    alert = alerts[f"lpr_hit:{hits[0].pk}"]
    assert (alert.priority, alert.streams, alert.context["hit_id"]) == (1, ["role.analyst"], hits[0].pk)
    assert alert.status == AlertStatus.NEW
    raised = OutboxEvent.objects.filter(type="alert.raised", stream="role.analyst")
    assert raised.count() == 2
    assert not OutboxEvent.objects.filter(type="alert.raised", stream="ops").exists()  # unverified: not for all
    assert client_for(analyst).get(f"/api/v1/alerts/{alert.pk}/").json()["type"] == "lpr_hit"
    with transaction.atomic():
        hits_raise_alerts(hits=hits)  # the same hits again (a retried batch): no second alert
    assert Alert.objects.filter(type=AlertType.LPR_HIT).count() == 2


def test_rejecting_a_hit_resolves_its_alert_as_false_positive(
    lpr_feed: Any, reader: Any, hotlist: Any, analyst: Any
) -> None:
    add_entry(hotlist, "ABC1234")
    (hit,) = raise_hits(lpr_feed[0], read("ABC1234"))
    hit_reject(user=analyst, hit_id=hit.pk, reason="misread")
    alert = Alert.objects.get(source_key=f"lpr_hit:{hit.pk}")
    assert (alert.status, alert.disposition, alert.resolved_by) == (
        AlertStatus.RESOLVED,
        Disposition.FALSE_POSITIVE,
        analyst,
    )


def test_confirming_a_hit_acknowledges_its_alert_by_the_verifier(
    lpr_feed: Any, reader: Any, hotlist: Any, analyst: Any
) -> None:
    add_entry(hotlist, "ABC1234")
    (hit,) = raise_hits(lpr_feed[0], read("ABC1234"))
    hit_confirm(user=analyst, hit_id=hit.pk)
    alert = Alert.objects.get(source_key=f"lpr_hit:{hit.pk}")
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, analyst)
