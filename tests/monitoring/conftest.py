"""Fixtures shared by the monitoring tests: a GPS feed, a subject and an exclusion zone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from feeds import services as feed_services
from monitoring.models import Subject, Zone


@pytest.fixture
def feed(db: None) -> Any:
    return feed_services.feed_create(name="EM vendor", kind="gps", slug="em")[0]


@pytest.fixture
def subject(feed: Any) -> Subject:
    return Subject.objects.create(
        source="em",
        device_id="DEV-7",
        reference="EM-1042",
        supervision_type="pretrial",
        officer_name="Officer Diaz",
        officer_phone="414-555-0100",
        active_from=date(2026, 1, 1),
    )


@pytest.fixture
def zone(subject: Subject) -> Zone:
    square = Polygon.from_bbox((-87.952, 43.048, -87.948, 43.052))
    zone = Zone.objects.create(name="Victim residence", area=MultiPolygon(square, srid=4326), dwell_seconds=120)
    zone.subjects.add(subject)
    return zone
