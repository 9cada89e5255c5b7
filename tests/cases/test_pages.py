"""Case pages: list with "New case", the case page's actions by role and state, the review queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.roles import Role
from cases import services
from cases.models import Case

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_open_a_case_from_the_list_page(analyst: Any) -> None:
    client = signed_in(analyst)
    assert client.post("/cases/", {"title": ""}).status_code == 400
    response = client.post("/cases/", {"title": "Stolen vehicle, Hwy 41", "summary": "LPR hit"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    page = client.get("/cases/").content.decode()
    assert case.number in page and "New case" in page


def test_case_page_actions_by_role_and_state(analyst: Any, supervisor: Any, case: Case) -> None:
    ana, sup = signed_in(analyst), signed_in(supervisor)
    response = ana.post(f"/cases/{case.pk}/", {"action": "log", "kind": "note", "text": "  "})
    assert response.status_code == 400 and "text: required" in response.content.decode()
    assert ana.post(f"/cases/{case.pk}/", {"action": "submit"}).status_code == 302
    assert ana.post(f"/cases/{case.pk}/", {"action": "approve"}).status_code == 403
    assert 'id="approve-form"' not in ana.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="approve-form"' in sup.get(f"/cases/{case.pk}/").content.decode()
    assert ana.get("/cases/review/").status_code == 403
    assert case.number in sup.get("/cases/review/").content.decode()
    assert sup.post(f"/cases/{case.pk}/", {"action": "return", "comment": ""}).status_code == 400
    assert sup.post(f"/cases/{case.pk}/", {"action": "return", "comment": "More detail"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "open"


def test_corrections_are_shown_struck_through_with_references(analyst: Any, case: Case) -> None:
    entry = services.log_append(actor=analyst, case_id=case.pk, text="Camera 14", kind="camera_reviewed")
    fix = services.log_append(actor=analyst, case_id=case.pk, text="Camera 41", kind="correction", corrects_id=entry.pk)
    page = signed_in(analyst).get(f"/cases/{case.pk}/").content.decode()
    assert 'class="kind-camera_reviewed corrected"' in page
    assert f'corrected by <a href="#entry-{fix.pk}">#{fix.pk}</a>' in page
    assert f'corrects <a href="#entry-{entry.pk}">#{entry.pk}</a>' in page


@pytest.mark.parametrize("role", [Role.WALL, Role.ADMIN, None])
def test_other_roles_get_no_case_page(make_user: Any, role: Role | None, case: Case) -> None:
    client = signed_in(make_user("other", role))
    for path in ("/cases/", f"/cases/{case.pk}/", "/cases/review/"):
        assert client.get(path).status_code == 403
    assert client.post(f"/cases/{case.pk}/", {"action": "submit"}).status_code == 403


def test_case_page_lists_evidence_and_offers_the_court_packet(analyst: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from cases.services import case_open
    from evidence.services import evidence_upload

    case = case_open(actor=analyst, title="Packet case")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=SimpleUploadedFile("still.png", png, "image/png"),
        title="Still from camera", kind="image",
    )  # fmt: skip
    client = Client()
    client.force_login(analyst)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Still from camera" in html
    assert f'href="/api/v1/cases/{case.pk}/packet/"' in html
    assert f'href="/cases/{case.pk}/evidence/new/"' in html
