"""Operations pages: list with create form (supervisors), workspace (staff)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from operations.models import Operation
from tests.operations.conftest import SQUARE_GEOJSON

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**overrides: str) -> dict[str, str]:
    now = timezone.localtime()
    body = {
        "name": "Juneteenth parade",
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "area_geojson": json.dumps(SQUARE_GEOJSON),
    }
    return {**body, **overrides}


def test_supervisor_creates_from_the_form_and_lands_in_the_workspace(supervisor: Any) -> None:
    client = logged_in(supervisor)
    assert b'id="operation-form"' in client.get(reverse("operation-list")).content
    response = client.post(reverse("operation-list"), form())
    operation = Operation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("operation-workspace", args=[operation.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Juneteenth parade" in page and 'id="workspace-config"' in page and "<script>" not in page


def test_form_errors_are_shown_and_nothing_is_created(supervisor: Any) -> None:
    client = logged_in(supervisor)
    response = client.post(reverse("operation-list"), form(area_geojson='{"type": "Polygon"}'))
    assert response.status_code == 400
    assert "area_geojson: root: &quot;coordinates&quot; member required" in response.content.decode()
    response = client.post(reverse("operation-list"), form(ends_at="yesterday"))
    assert response.status_code == 400 and "ends_at: Enter a valid date/time." in response.content.decode()
    assert not Operation.objects.exists()


def test_analyst_sees_the_list_without_the_form_and_cannot_post(analyst: Any, operation: Operation) -> None:
    client = logged_in(analyst)
    page = client.get(reverse("operation-list")).content.decode()
    assert "Summerfest" in page and 'id="operation-form"' not in page
    assert client.post(reverse("operation-list"), form()).status_code == 403
    assert client.get(reverse("operation-workspace", args=[operation.pk])).status_code == 200
    assert client.get(reverse("operation-workspace", args=[999999])).status_code == 404
    assert Operation.objects.count() == 1


def test_nav_link_only_for_roles_that_read_operations(analyst: Any, make_user: Any) -> None:
    from accounts.roles import Role

    assert b'href="/operations/"' in logged_in(analyst).get(reverse("feed-health")).content
    wall = make_user("wall-1", Role.WALL)
    assert logged_in(wall).get(reverse("operation-list")).status_code == 403


def test_area_can_come_from_an_uploaded_file(supervisor: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("area.geojson", json.dumps(SQUARE_GEOJSON).encode(), "application/geo+json")
    response = logged_in(supervisor).post(reverse("operation-list"), {**form(area_geojson=""), "area_file": upload})
    assert response.status_code == 302 and Operation.objects.get().area_source == "GeoJSON"
    both = SimpleUploadedFile("area.geojson", json.dumps(SQUARE_GEOJSON).encode())
    response = logged_in(supervisor).post(reverse("operation-list"), {**form(), "area_file": both})
    assert response.status_code == 400 and "paste GeoJSON or upload a file, not both" in response.content.decode()
