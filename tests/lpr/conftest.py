from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import Point
from rest_framework.test import APIClient

from feeds import services as feed_services
from lpr.models import Hotlist, Reader


@pytest.fixture
def lpr_feed(db: None) -> tuple[Any, str]:
    return feed_services.feed_create(name="Test LPR", kind="lpr", slug="test-lpr")


@pytest.fixture
def lpr_client(lpr_feed: tuple[Any, str]) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {lpr_feed[1]}")
    return client


@pytest.fixture
def reader(lpr_feed: tuple[Any, str]) -> Reader:
    return Reader.objects.create(
        name="Pole 17 NB", feed=lpr_feed[0], external_id="pole-17", location=Point(-87.9065, 43.0389, srid=4326)
    )


@pytest.fixture
def hotlist(admin_user: Any) -> Hotlist:
    return Hotlist.objects.create(name="Stolen vehicles (NCIC)", source="ncic", priority=1, owner=admin_user)
