from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from operations.models import Operation

# A 0.02° x 0.02° square around (43.05, -87.95), the factories' default incident location (Milwaukee).
SQUARE = [[-87.96, 43.04], [-87.94, 43.04], [-87.94, 43.06], [-87.96, 43.06], [-87.96, 43.04]]
SQUARE_GEOJSON = {"type": "Polygon", "coordinates": [SQUARE]}


@pytest.fixture
def operation(supervisor: Any) -> Operation:
    now = timezone.now()
    return Operation.objects.create(
        name="Summerfest",
        area=MultiPolygon(Polygon(SQUARE), srid=4326),
        area_source="GeoJSON",
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6),
        created_by=supervisor,
    )
