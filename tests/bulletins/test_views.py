"""Bulletin pages: list, create form, detail with actions by role, refusal before approval, dissemination log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from bulletins.models import Bulletin, Dissemination

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "attempt_to_identify",
        "title": "Who is this man?",
        "marking": "LAW ENFORCEMENT SENSITIVE",
        "summary": "Used a stolen card at 3 stores.",
        "subjects": "name: unknown\ndescription: white cap, grey jacket\n\nname: companion\ndob: 30s",
        "vehicles": "plate: KLM555\nstate: WI\ncolour: blue",
        "lat": "43.04",
        "lon": "-87.91",
        "location_label": "",
        "contact_name": "Det. Ruiz",
        "contact_phone": "",
        "contact_email": "",
        "expires_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "case_id": "",
    }
    data.update(overrides)
    return data


def test_create_submit_approve_disseminate_through_pages(analyst: Any, supervisor: Any) -> None:
    response = client_for(analyst).post("/bulletins/new/", form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    bulletin = Bulletin.objects.get()
    assert [s["name"] for s in bulletin.subjects] == ["unknown", "companion"]
    assert (bulletin.vehicles[0]["plate"], bulletin.vehicles[0]["colour"], bulletin.vehicles[0]["make"]) == (
        "KLM555",
        "blue",
        "",
    )
    page = client_for(analyst).get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "LAW ENFORCEMENT SENSITIVE" in page and 'id="submit-btn"' in page and 'id="approve-btn"' not in page
    refused = client_for(analyst).post(
        f"/bulletins/{bulletin.pk}/disseminate/", {"recipients": "D1", "channel": "radio"}
    )
    assert refused.status_code == 409
    assert "status: approve the bulletin before disseminating it" in refused.content.decode()
    assert client_for(analyst).post(f"/bulletins/{bulletin.pk}/submit/").status_code == 302
    assert client_for(analyst).post(f"/bulletins/{bulletin.pk}/approve/").status_code == 403
    sup_page = client_for(supervisor).get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert 'id="approve-btn"' in sup_page
    assert client_for(supervisor).post(f"/bulletins/{bulletin.pk}/approve/").status_code == 302
    sent = client_for(analyst).post(
        f"/bulletins/{bulletin.pk}/disseminate/", {"recipients": "All districts", "channel": "print"}
    )
    assert sent.status_code == 302
    assert Dissemination.objects.get().recipients == "All districts"
    page = client_for(supervisor).get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "All districts" in page and "Disseminated" in page


def test_form_errors_name_the_field(analyst: Any) -> None:
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(analyst).post("/bulletins/new/", form_data(expires_at=past))
    assert response.status_code == 400 and "expires_at: must be in the future" in response.content.decode()
    response = client_for(analyst).post("/bulletins/new/", form_data(title=""))
    assert response.status_code == 400 and "title: This field is required." in response.content.decode()
    response = client_for(analyst).post("/bulletins/new/", form_data(subjects="height 6ft"))
    assert response.status_code == 400 and "subjects: write &#x27;key: value&#x27; lines" in response.content.decode()
    assert not Bulletin.objects.exists()


def test_pages_by_role(make_user: Any, analyst: Any) -> None:
    client_for(analyst).post("/bulletins/new/", form_data())
    bulletin = Bulletin.objects.get()
    admin = make_user("adm", Role.ADMIN)
    assert client_for(admin).get("/bulletins/").status_code == 200
    assert client_for(admin).get("/bulletins/new/").status_code == 403
    wall = make_user("wall", Role.WALL)
    assert client_for(wall).get("/bulletins/").status_code == 403
    assert client_for(wall).get(f"/bulletins/{bulletin.pk}/pdf/").status_code == 403
    assert Client().get("/bulletins/").status_code == 302
    pdf = client_for(analyst).get(f"/bulletins/{bulletin.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_edit_of_approved_bulletin_is_a_new_draft_version(analyst: Any, supervisor: Any) -> None:
    client_for(analyst).post("/bulletins/new/", form_data())
    bulletin = Bulletin.objects.get()
    client_for(analyst).post(f"/bulletins/{bulletin.pk}/submit/")
    client_for(supervisor).post(f"/bulletins/{bulletin.pk}/approve/")
    edit_page = client_for(analyst).get(f"/bulletins/{bulletin.pk}/edit/").content.decode()
    assert "submitted and approved again" in edit_page
    response = client_for(analyst).post(f"/bulletins/{bulletin.pk}/edit/", form_data(title="Identified: J. Roe"))
    assert response.status_code == 302
    bulletin.refresh_from_db()
    assert (bulletin.title, bulletin.version, bulletin.status) == ("Identified: J. Roe", 2, "draft")


def test_non_image_photo_on_the_form_writes_nothing(analyst: Any) -> None:
    fake = SimpleUploadedFile("face.jpg", b"MZ\x90\x00not an image", content_type="image/jpeg")
    response = client_for(analyst).post("/bulletins/new/", {**form_data(), "photo": fake})
    assert response.status_code == 400
    assert "photo: the file is not an image" in response.content.decode()
    assert not Bulletin.objects.exists()
