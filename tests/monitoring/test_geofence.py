"""Electronic monitoring: pings of registered devices, exclusion-zone dwell alerts (once), exits."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from alerts.models import Alert
from feeds import services as feed_services
from feeds.models import InboxBatch
from monitoring.ingest import ping_records_process
from monitoring.models import Ping, Subject, Zone, ZoneVisit

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 09:00 in Chicago
INSIDE = (43.0500, -87.9500)
OUTSIDE = (43.0600, -87.9300)


def ping(at: datetime, where: tuple[float, float], device: str = "DEV-7") -> dict[str, Any]:
    return {"device_id": device, "recorded_at": at.isoformat(), "latitude": where[0], "longitude": where[1]}


def process(feed: Any, records: list[dict[str, Any]]) -> Any:
    with transaction.atomic():
        return ping_records_process(feed=feed, records=records)


@pytest.mark.django_db
def test_driving_through_for_less_than_the_dwell_raises_no_alert(feed: Any, zone: Zone) -> None:
    minute = timedelta(minutes=1)
    process(feed, [ping(START, OUTSIDE), ping(START + minute, INSIDE), ping(START + 2 * minute, OUTSIDE)])
    assert Alert.objects.count() == 0
    visit = ZoneVisit.objects.get()
    assert visit.exited_at == START + 2 * minute and not visit.alerted


@pytest.mark.django_db
def test_staying_longer_than_the_dwell_alerts_once_and_leaving_resolves(feed: Any, zone: Zone) -> None:
    pings = [ping(START + timedelta(seconds=30 * i), INSIDE) for i in range(10)]  # 4.5 min inside
    process(feed, pings[:3])  # 60 s: not yet
    assert Alert.objects.count() == 0
    process(feed, pings[3:])
    alert = Alert.objects.get()
    assert (alert.type, alert.priority, alert.status) == ("geofence", 2, "new")
    assert alert.title == "EM-1042 inside exclusion zone Victim residence"
    assert "Officer Diaz" in alert.detail and "Since 09:00:00" in alert.detail
    process(feed, [ping(START + timedelta(minutes=6), OUTSIDE)])
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution_note.startswith("Back in compliance at 09:06")
    assert Alert.objects.count() == 1


@pytest.mark.django_db
def test_repeated_and_late_pings_change_nothing(feed: Any, zone: Zone) -> None:
    pings = [ping(START + timedelta(minutes=i), INSIDE) for i in range(4)]
    process(feed, pings)
    process(feed, pings)  # the feed sends the same batch again
    process(feed, [ping(START - timedelta(minutes=5), OUTSIDE)])  # a late ping from before
    assert Ping.objects.count() == 5
    assert Alert.objects.count() == 1 and ZoneVisit.objects.get().exited_at is None


@pytest.mark.django_db
def test_schedule_limits_enforcement(feed: Any, zone: Zone) -> None:
    zone.schedule_start, zone.schedule_end = time(22, 0), time(6, 0)  # curfew-style, wraps midnight
    zone.save()
    process(feed, [ping(START + timedelta(minutes=i), INSIDE) for i in range(5)])  # 09:00 local: not enforced
    assert Alert.objects.count() == 0
    night = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)  # 23:00 local
    process(feed, [ping(night + timedelta(minutes=i), INSIDE) for i in range(5)])
    assert Alert.objects.count() == 1


@pytest.mark.django_db
def test_inclusion_zone_alerts_when_outside(feed: Any, zone: Zone) -> None:
    zone.kind = "inclusion"
    zone.save()
    process(feed, [ping(START + timedelta(minutes=i), OUTSIDE) for i in range(4)])
    assert Alert.objects.get().title == "EM-1042 outside inclusion zone Victim residence"


@pytest.mark.django_db
def test_unknown_device_is_dead_lettered_with_the_reason(feed: Any, subject: Subject) -> None:
    result = process(feed, [ping(START, INSIDE), ping(START, INSIDE, device="DEV-404")])
    assert result.processed == 1
    assert "no subject registered for device 'DEV-404'" in result.failures[0].error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({**ping(START, INSIDE), "latitude": 95}, "latitude"),
        ({**ping(START, INSIDE), "battery_pct": 140}, "battery_pct"),
        ({**ping(START, INSIDE), "recorded_at": "2099-01-01T00:00:00Z"}, "recorded_at"),
        ({**ping(START, INSIDE), "speed": 3}, "speed"),
        ({k: v for k, v in ping(START, INSIDE).items() if k != "device_id"}, "device_id"),
    ],
)
def test_gps_ingest_refuses_bad_pings(feed: Any, record: dict[str, Any], field: str) -> None:
    key = feed_services.feed_rotate_key(feed=feed)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = client.post("/api/v1/ingest/gps/", {"records": [record]}, format="json")
    assert response.status_code == 400
    assert field in response.json()["details"]["records"][0]["errors"]
    assert InboxBatch.objects.count() == 0
