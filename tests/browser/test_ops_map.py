"""User journey in headless Chromium against a real uvicorn + Celery worker on the test database:
the analyst signs in, opens /ops/, and a CAD record posted to the ingest API appears live."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from django.contrib.auth.hashers import make_password
from playwright.sync_api import Browser, Page, expect, sync_playwright

from accounts.roles import Role
from incidents.models import Incident
from tests.conftest import OUTPUT_DIR, cad_record, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.worker]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "analyst-browser-pass"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here by the
    # test itself are still plain synchronous calls, so Django's async guard is lifted meanwhile.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))  # type: ignore[attr-defined]
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"))  # type: ignore[attr-defined]
    local = (asgi_server, asgi_server.replace("http://", "ws://"), "data:")
    page.on(
        "request",
        lambda r: r.url.startswith(local) or page.problems.append(f"external request: {r.url}"),  # type: ignore[attr-defined]
    )
    yield page
    context.close()


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/ops/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/ops/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/ops/")


@pytest.fixture
def analyst_login(make_user: Any) -> str:
    user = make_user("browser-analyst", Role.ANALYST)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    return user.username


def test_posted_cad_record_appears_on_map_and_list_without_reload(
    page: Page, asgi_server: str, worker: None, analyst_login: str, cad_feed: Any
) -> None:
    sign_in(page, asgi_server, analyst_login)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    expect(page.locator("#open-total")).to_have_text("0")

    _, key = cad_feed
    posted_at = time.monotonic()
    response = requests.post(
        f"{asgi_server}/api/v1/ingest/cad/",
        json={"records": [cad_record("BROWSER-1", received_at=datetime.now(UTC).isoformat())]},
        headers={"Authorization": f"Api-Key {key}"},
        timeout=10,
    )
    assert response.status_code == 202, response.text

    row = page.locator('#incident-list li[data-external-id="BROWSER-1"]')
    expect(row).to_be_visible(timeout=2_000)
    incident_id = Incident.objects.get(external_id="BROWSER-1").id
    marker = page.locator(f"path.incident-marker.incident-{incident_id}")
    expect(marker).to_be_visible(timeout=2_000)
    seconds_to_screen = time.monotonic() - posted_at
    expect(row).to_contain_text("SHOTS FIRED")
    expect(row).to_contain_text("2483 W HADLEY ST")
    expect(page.locator("#open-total")).to_have_text("1")
    expect(page.locator('.counter[data-priority="1"] b')).to_have_text("1")

    # An update to the same CAD number changes the row in place: still one row, new status.
    requests.post(
        f"{asgi_server}/api/v1/ingest/cad/",
        json={
            "records": [
                {
                    "external_id": "BROWSER-1",
                    "call_type": "SHOTS FIRED",
                    "status": "on_scene",
                    "received_at": datetime.now(UTC).isoformat(),
                }
            ]
        },
        headers={"Authorization": f"Api-Key {key}"},
        timeout=10,
    )
    expect(row).to_contain_text("on scene", timeout=2_000)
    expect(page.locator("#incident-list li")).to_have_count(1)

    marker.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("BROWSER-1")
    page.wait_for_timeout(400)  # let the popup finish fading in before the screenshot
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT_DIR / "ops_map_live_incident.png"))
    assert page.problems == []  # type: ignore[attr-defined]
    print(f"ingest → marker on screen: {seconds_to_screen:.2f} s")


def test_events_missed_during_a_disconnect_are_caught_up(
    page: Page, asgi_server: str, worker: None, analyst_login: str, cad_feed: Any
) -> None:
    sign_in(page, asgi_server, analyst_login)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    # Drop the socket and keep the browser offline so it cannot reconnect while the event happens.
    page.context.set_offline(True)
    page.evaluate("window.rtccLive.socket.close()")
    expect(page.locator("#conn")).to_have_attribute("data-state", "reconnecting")
    _, key = cad_feed
    requests.post(
        f"{asgi_server}/api/v1/ingest/cad/",
        json={"records": [cad_record("MISSED-1", priority=2, call_type="FIGHT")]},
        headers={"Authorization": f"Api-Key {key}"},
        timeout=10,
    )
    wait_until(lambda: Incident.objects.filter(external_id="MISSED-1").exists(), what="incident stored")
    page.wait_for_timeout(1500)
    expect(page.locator('#incident-list li[data-external-id="MISSED-1"]')).to_have_count(0)
    page.context.set_offline(False)
    expect(page.locator('#incident-list li[data-external-id="MISSED-1"]')).to_be_visible(timeout=10_000)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live")


def test_map_without_tiles_makes_no_outside_request(page: Page, asgi_server: str, analyst_login: str) -> None:
    sign_in(page, asgi_server, analyst_login)
    expect(page.locator("#map.no-tiles")).to_be_visible()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    page.screenshot(path=str(OUTPUT_DIR / "ops_map_empty.png"))
    assert page.problems == []  # type: ignore[attr-defined]


def test_api_docs_render_from_local_files(page: Page, asgi_server: str, analyst_login: str) -> None:
    sign_in(page, asgi_server, analyst_login)
    page.goto(f"{asgi_server}/api/docs/")
    expect(page.locator(".swagger-ui .title")).to_contain_text("RTCC Ops API", timeout=10_000)
    expect(page.get_by_text("/api/v1/ingest/cad/")).to_be_visible()
    assert page.problems == []  # type: ignore[attr-defined]


def test_shots_detection_appears_on_the_map_with_an_alert_and_updates_after_review(
    page: Page, asgi_server: str, worker: None, analyst_login: str
) -> None:
    from feeds import services as feed_services
    from shots.models import ShotsFired

    _, key = feed_services.feed_create(name="Sensors", kind="shots", slug="sensors")
    sign_in(page, asgi_server, analyst_login)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)

    detection = {
        "external_id": "SST-1",
        "detected_at": datetime.now(UTC).isoformat(),
        "latitude": 43.0695,
        "longitude": -87.9447,
        "rounds": 3,
        "type": "multiple",
        "confidence": 0.9,
        "address": "2483 W HADLEY ST",
    }
    headers = {"Authorization": f"Api-Key {key}"}
    url = f"{asgi_server}/api/v1/ingest/shots/"
    assert requests.post(url, json={"records": [detection]}, headers=headers, timeout=10).status_code == 202

    alert = page.locator("#alert-list li", has_text="Shots fired at 2483 W HADLEY ST")
    expect(alert).to_be_visible(timeout=2_000)
    expect(page.locator("#alert-total")).to_have_text("1")
    shot_id = ShotsFired.objects.get(external_id="SST-1").id
    ring = page.locator(f"path.shots-marker.shots-{shot_id}")
    expect(ring).to_be_visible(timeout=2_000)
    expect(page.locator('#incident-list li[data-external-id="SST-1"]')).to_contain_text("SHOTS FIRED (SENSOR)")
    page.screenshot(path=str(OUTPUT_DIR / "ops_map_shots_alert.png"))

    reviewed = {**detection, "review_status": "not_gunfire"}
    assert requests.post(url, json={"records": [reviewed]}, headers=headers, timeout=10).status_code == 202
    expect(ring).to_have_class(re.compile(r"\bnot_gunfire\b"), timeout=2_000)
    expect(alert).to_have_class(re.compile(r"\bresolved\b"))
    expect(page.locator("#alert-total")).to_have_text("0")
    assert page.problems == []  # type: ignore[attr-defined]


def test_feed_widget_and_health_page_show_a_silent_feed(page: Page, asgi_server: str, analyst_login: str) -> None:
    from datetime import timedelta

    from feeds import services as feed_services
    from feeds.models import Feed

    feed, _ = feed_services.feed_create(name="County CAD", kind="cad", slug="county-cad")
    Feed.objects.filter(pk=feed.pk).update(last_record_at=datetime.now(UTC) - timedelta(hours=2))
    sign_in(page, asgi_server, analyst_login)
    expect(page.locator("#feed-widget")).to_contain_text("County CAD: silent", timeout=5_000)
    page.click("#feed-widget")
    expect(page).to_have_url(f"{asgi_server}/feeds/health/")
    expect(page.locator('tr[data-status="silent"]')).to_contain_text("nothing for 120 min (limit 15)")
    page.screenshot(path=str(OUTPUT_DIR / "feed_health.png"))
    assert page.problems == []  # type: ignore[attr-defined]


def test_admin_map_widgets_load_without_outside_requests(page: Page, asgi_server: str, make_user: Any) -> None:
    from tests.factories import IncidentFactory

    admin = make_user("browser-admin", Role.ADMIN)
    admin.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    admin.save(update_fields=["password"])
    incident = IncidentFactory()
    page.goto(f"{asgi_server}/admin/login/?next=/admin/")  # forwards to our sign-in page
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{asgi_server}/admin/")
    for path in (f"/admin/incidents/incident/{incident.pk}/change/", "/admin/monitoring/zone/add/"):
        page.goto(f"{asgi_server}{path}")
        expect(page.locator(".leaflet-container").first).to_be_visible(timeout=5_000)
    page.screenshot(path=str(OUTPUT_DIR / "admin_zone_map.png"))
    assert page.problems == []  # type: ignore[attr-defined]


def test_admin_imports_a_file_and_watches_the_progress_bar_to_the_report(
    page: Page, asgi_server: str, worker: None, make_user: Any, cad_feed: Any
) -> None:
    from pathlib import Path

    from feeds.models import ImportJob

    admin = make_user("browser-importer", Role.ADMIN)
    admin.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    admin.save(update_fields=["password"])
    page.goto(f"{asgi_server}/accounts/login/?next=/feeds/import/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{asgi_server}/feeds/import/")
    page.select_option("#id_feed", label="Test CAD (cad)")
    page.select_option("#id_mapping", "milwaukee_cad.json")
    demo = Path(__file__).resolve().parents[2] / "demo" / "milwaukee_calls_2018-05-01_03.csv"
    page.set_input_files("#id_file", str(demo))
    page.click("form.import-form button[type=submit]")
    expect(page.locator("#state")).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.locator("#rows")).to_have_text("5496")
    expect(page.locator("#progress")).to_have_attribute("aria-valuenow", "100")
    page.screenshot(path=str(OUTPUT_DIR / "import_report.png"))
    for job in ImportJob.objects.all():
        job.file.delete(save=False)
    assert page.problems == []  # type: ignore[attr-defined]


def test_analyst_views_a_monitoring_track_with_a_purpose_and_it_is_audited(
    page: Page, asgi_server: str, analyst_login: str
) -> None:
    from datetime import date, timedelta

    from django.contrib.gis.geos import Point

    from audit.models import AuditEvent
    from monitoring.models import Ping, Subject

    subject = Subject.objects.create(
        source="em", device_id="D-9", reference="EM-2077", supervision_type="parole", active_from=date(2026, 1, 1)
    )
    now = datetime.now(UTC)
    for minutes, (lat, lon) in enumerate([(43.05, -87.95), (43.052, -87.947), (43.055, -87.944)]):
        Ping.objects.create(
            subject=subject, recorded_at=now - timedelta(minutes=30 - minutes), location=Point(lon, lat)
        )
    sign_in(page, asgi_server, analyst_login)
    expect(page.locator("#track-tool")).to_be_visible(timeout=5_000)
    page.select_option("#track-purpose", "victim_safety")
    page.fill("#track-case", "2026-00913")
    page.click("#track-tool button[type=submit]")
    expect(page.locator(f"path.track-line.track-{subject.pk}")).to_be_visible(timeout=5_000)
    expect(page.locator("#track-message")).to_contain_text("3 positions")
    page.screenshot(path=str(OUTPUT_DIR / "ops_map_track.png"))
    event = AuditEvent.objects.exclude(action="auth.login").get()
    assert (event.object_ref, event.purpose, event.case_number) == (
        f"subject:{subject.pk}",
        "victim_safety",
        "2026-00913",
    )
    assert page.problems == []  # type: ignore[attr-defined]
