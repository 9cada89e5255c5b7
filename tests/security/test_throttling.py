"""Ingest is throttled per feed API key (requests, not records); public forms are limited per address."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from feeds import services as feed_services
from rtcc.throttles import FeedIngestThrottle, ingest_key, parse_rate
from tests.cameras.test_registration import registration
from tests.conftest import cad_record

pytestmark = pytest.mark.django_db

NOW = 60 * 31_666_667 + 20.0  # 20 s into a minute: the whole test stays in one window


@pytest.fixture
def fixed_clock(monkeypatch: Any) -> Iterator[list[float]]:
    clock = [NOW]
    monkeypatch.setattr(FeedIngestThrottle, "timer", staticmethod(lambda: clock[0]))
    yield clock


def feed_with_client(slug: str, kind: str = "cad") -> tuple[Any, APIClient]:
    feed, key = feed_services.feed_create(name=slug, kind=kind, slug=slug)
    for window in (int(NOW // 60), int(NOW // 60) + 1):
        cache.delete(ingest_key(feed.pk, 60, window))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return feed, client


def post(client: APIClient, count: int = 1, prefix: str = "T") -> Any:
    records = [cad_record(f"{prefix}-{n}") for n in range(count)]
    return client.post("/api/v1/ingest/cad/", {"records": records}, format="json")


def test_ingest_over_the_rate_is_429_with_retry_after_per_feed_key(settings: Any, fixed_clock: list[float]) -> None:
    settings.RTCC_INGEST_RATE = "2/minute"
    _, first = feed_with_client("cad-a")
    _, second = feed_with_client("cad-b")
    # A batch counts once, however many records it carries.
    assert post(first, count=50, prefix="A").status_code == 202
    assert post(first, prefix="B").status_code == 202
    refused = post(first, prefix="C")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"  # the rest of the minute
    assert refused.json()["error"].startswith("Request was throttled")
    # Another feed's key has its own allowance.
    assert post(second, prefix="D").status_code == 202
    # The next window opens the first feed again.
    fixed_clock[0] = NOW + 60
    assert post(first, prefix="E").status_code == 202


def test_default_rate_leaves_room_for_the_lpr_benchmark(settings: Any) -> None:
    # ~10,000-read batches several times a second: 600 requests a minute is 10 a second.
    assert parse_rate(settings.RTCC_INGEST_RATE) == (600, 60)
    assert parse_rate("off") is None
    with pytest.raises(ValueError, match="not '<count>"):
        parse_rate("fast")


def test_every_ingest_endpoint_is_throttled() -> None:
    from django.urls import get_resolver

    from feeds.api.views import IngestApi

    ingest = [
        p
        for p in get_resolver().reverse_dict
        if hasattr(p, "view_class") and issubclass(p.view_class, IngestApi)  # type: ignore[attr-defined]
    ]
    assert len(ingest) >= 5  # cad, shots, gps, cap, lpr (+ vendor webhooks)
    for view in ingest:
        assert FeedIngestThrottle in view.view_class.throttle_classes, view  # type: ignore[attr-defined]


def test_public_camera_registration_is_limited_per_address(settings: Any) -> None:
    settings.RTCC_REGISTRATION_PER_IP_HOUR = 1
    ip = "198.51.100.201"
    cache.delete(f"cameras:registration-attempts:{ip}")
    client = Client()
    assert client.post("/cameras/register/", registration(), REMOTE_ADDR=ip).status_code == 302
    limited = client.post("/cameras/register/", registration(), REMOTE_ADDR=ip)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "3600"
    cache.delete(f"cameras:registration-attempts:{ip}")
