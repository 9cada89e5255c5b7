"""10,000 open located incidents on the ops map: the clustered layer renders (P2-P5 clustered,
P1 on its own). Playwright measures the time from navigation to the rendered clusters; the figure
is printed and written to <test output>/ops_map_scale.json (no timing assertion: see bench/)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from incidents.models import Incident
from tests.browser.helpers import browser_user, problems, screenshot, sign_in
from tests.conftest import OUTPUT_DIR

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

COUNT = 10_000
# A busy city's open calls: few P1, most P3-P4.
PRIORITY_WEIGHTS = {1: 1, 2: 9, 3: 30, 4: 35, 5: 25}


def seed(count: int) -> dict[int, int]:
    rng = random.Random(6)
    now = timezone.now()
    priorities = rng.choices(list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()), k=count)
    Incident.objects.bulk_create(
        [
            Incident(
                source="scale",
                external_id=f"S-{n:05d}",
                call_type="DISTURBANCE",
                priority=p,
                status="received",
                received_at=now - timedelta(minutes=rng.randrange(1, 720)),
                address=f"{n} N MAIN ST",
                location=Point(-87.95 + rng.uniform(-0.15, 0.15), 43.05 + rng.uniform(-0.1, 0.1), srid=4326),
                location_status="ok",
            )
            for n, p in enumerate(priorities)
        ],
        batch_size=2000,
    )
    return {p: priorities.count(p) for p in PRIORITY_WEIGHTS}


def test_ten_thousand_open_incidents_render_clustered(
    page: Page, asgi_server: str, make_user: Callable[..., Any]
) -> None:
    by_priority = seed(COUNT)
    username = browser_user(make_user, "scale-analyst", Role.ANALYST)
    sign_in(page, asgi_server, username)
    page.wait_for_function("() => window.rtccMapReady === true", timeout=60_000)  # warm-up load

    started = time.monotonic()
    page.goto(f"{asgi_server}/ops/")
    page.wait_for_function(
        "() => window.rtccMapReady === true && document.querySelectorAll('.marker-cluster').length > 0",
        timeout=60_000,
    )
    seconds = time.monotonic() - started
    in_page_ms = page.evaluate("window.rtccMapReadyMs")
    expect(page.locator("#open-total")).to_have_text(str(COUNT))
    held = page.evaluate("window.rtccIncidents.size")
    clusters = page.locator(".marker-cluster").count()
    p1_markers = page.locator("path.incident-marker.p1").count()
    screenshot(page, "ops_map_scale.png")
    report = {
        "incidents": COUNT,
        "by_priority": by_priority,
        "navigation_to_clusters_s": round(seconds, 2),
        "in_page_ready_ms": in_page_ms,
        "cluster_elements": clusters,
        "p1_markers": p1_markers,
    }
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / "ops_map_scale.json").write_text(json.dumps(report, indent=2))
    print(f"ops map scale: {report}")
    assert held == COUNT
    assert p1_markers == by_priority[1]  # P1 is never clustered
    assert clusters < COUNT / 10  # the rest is clustered
    assert problems(page) == []
