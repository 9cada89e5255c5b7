"""Hit verification through the API and pages: distribution, confirm / reject / outcome, the read beside
the entry, map layers, and the rule that no unverified hit is ever presented as actionable."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from lpr.models import Hit, Hotlist
from lpr.services.hotlists import entry_create
from lpr.services.reads import reads_insert_and_match
from lpr.views import crop_url
from rtcc.models import OutboxEvent

pytestmark = pytest.mark.django_db


def read(plate: str, *, state: str = "WI", minutes_ago: float = 1, **extra: Any) -> dict[str, Any]:
    return {
        "external_id": f"r-{plate}-{minutes_ago}",
        "read_at": timezone.now() - timedelta(minutes=minutes_ago),
        "plate_raw": plate,
        "plate": plate,
        "state": state,
        "confidence": 91.5,
        "latitude": None,
        "longitude": None,
        "reader": "pole-17",
        **extra,
    }


def add_entry(hotlist: Hotlist, plate: str, **fields: Any) -> Any:
    entry, _ = entry_create(
        user=None, hotlist_id=hotlist.pk, data={"plate": plate, "reason": "Stolen vehicle", **fields}
    )
    return entry


def raise_hits(feed: Any, *reads: dict[str, Any]) -> list[Hit]:
    with transaction.atomic():
        return reads_insert_and_match(feed=feed, reads=list(reads)).hits


def client_for(user: Any | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def hit(lpr_feed: Any, reader: Any, hotlist: Hotlist) -> Hit:
    """An unverified P1 hit on a list with the default distribution (analysts)."""
    add_entry(hotlist, "ABC1234", state="WI", case_number="2026-0042")
    (raised,) = raise_hits(lpr_feed[0], read("ABC1234"))
    return raised


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if "results" in body else body["features"]
    return [row["id"] for row in rows]


# --- who sees what --------------------------------------------------------------------------


def test_unverified_hit_is_shown_only_to_its_distribution(hit: Hit, analyst: Any, supervisor: Any, admin_user: Any):
    assert ids(client_for(analyst).get("/api/v1/lpr/hits/")) == [hit.pk]
    assert ids(client_for(analyst).get("/api/v1/lpr/hits/layer/")) == [hit.pk]
    for outsider in (supervisor, admin_user):
        assert ids(client_for(outsider).get("/api/v1/lpr/hits/")) == []
        assert ids(client_for(outsider).get("/api/v1/lpr/hits/layer/")) == []
        assert client_for(outsider).get(f"/api/v1/lpr/hits/{hit.pk}/").status_code == 404


def test_distribution_by_role_and_by_named_user(lpr_feed, reader, hotlist, analyst, supervisor, make_user) -> None:
    named = make_user("ana-named", Role.ANALYST)
    hotlist.distribution_roles = [Role.SUPERVISOR]
    hotlist.save()
    hotlist.distribution_users.add(named)
    add_entry(hotlist, "ABC1234")
    (hit,) = raise_hits(lpr_feed[0], read("ABC1234"))
    assert ids(client_for(supervisor).get("/api/v1/lpr/hits/")) == [hit.pk]
    assert ids(client_for(named).get("/api/v1/lpr/hits/")) == [hit.pk]
    # Naming a distribution replaces the default one: other analysts no longer see it.
    assert ids(client_for(analyst).get("/api/v1/lpr/hits/")) == []
    assert client_for(analyst).post(f"/api/v1/lpr/hits/{hit.pk}/confirm/").status_code == 404


def test_wrong_role_and_anonymous_are_refused(hit: Hit, norole_user: Any, admin_user: Any) -> None:
    assert client_for(None).get("/api/v1/lpr/hits/").status_code == 401
    assert client_for(norole_user).get("/api/v1/lpr/hits/").status_code == 403
    assert client_for(norole_user).get("/api/v1/lpr/readers/layer/").status_code == 403
    # Admins read LPR data but do not verify hits.
    assert client_for(admin_user).post(f"/api/v1/lpr/hits/{hit.pk}/confirm/").status_code == 403
    assert client_for(None).post(f"/api/v1/lpr/hits/{hit.pk}/reject/", {"reason": "misread"}).status_code == 401
    hit.refresh_from_db()
    assert hit.status == "unverified"


def test_supervisor_outside_the_distribution_cannot_verify(hit: Hit, supervisor: Any) -> None:
    client = client_for(supervisor)
    assert client.post(f"/api/v1/lpr/hits/{hit.pk}/confirm/").status_code == 404
    assert client.post(f"/api/v1/lpr/hits/{hit.pk}/reject/", {"reason": "misread"}, format="json").status_code == 404
    hit.refresh_from_db()
    assert hit.status == "unverified"


# --- confirm / reject / outcome -----------------------------------------------------------


def test_confirm_makes_the_hit_actionable_for_everyone(hit: Hit, analyst, supervisor, admin_user) -> None:
    response = client_for(analyst).post(f"/api/v1/lpr/hits/{hit.pk}/confirm/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["verified_by"], body["sound"], body["may_verify"]) == (
        "actionable",
        "ana",
        False,
        False,
    )
    assert body["may_record_outcome"] is True
    for user in (supervisor, admin_user):
        assert ids(client_for(user).get("/api/v1/lpr/hits/?status=actionable")) == [hit.pk]
        assert client_for(user).get(f"/api/v1/lpr/hits/{hit.pk}/").json()["status"] == "actionable"
    again = client_for(analyst).post(f"/api/v1/lpr/hits/{hit.pk}/confirm/")
    assert again.status_code == 400 and "already actionable" in again.json()["error"]


def test_reject_needs_one_of_the_reasons(hit: Hit, analyst: Any, supervisor: Any) -> None:
    client = client_for(analyst)
    url = f"/api/v1/lpr/hits/{hit.pk}/reject/"
    missing = client.post(url, {}, format="json")
    assert missing.status_code == 400 and missing.json()["error"].startswith("reason:")
    assert client.post(url, {"reason": "looks fine to me"}, format="json").status_code == 400
    response = client.post(url, {"reason": "misread"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["reject_reason"]) == ("rejected", "misread")
    # A rejected hit stays with its distribution and can no longer be confirmed.
    assert ids(client_for(supervisor).get("/api/v1/lpr/hits/")) == []
    assert client.post(f"/api/v1/lpr/hits/{hit.pk}/confirm/").status_code == 400
    assert Hit.objects.get(pk=hit.pk).status == "rejected"


def test_outcome_only_after_confirm(hit: Hit, analyst: Any, supervisor: Any) -> None:
    url = f"/api/v1/lpr/hits/{hit.pk}/outcome/"
    early = client_for(analyst).post(url, {"outcome": "recovered"}, format="json")
    assert early.status_code == 400 and "only actionable hits" in early.json()["error"]
    client_for(analyst).post(f"/api/v1/lpr/hits/{hit.pk}/confirm/")
    assert client_for(supervisor).post(url, {"outcome": "towed"}, format="json").status_code == 400
    # Once actionable, any verifier who can see it (everyone) may record what happened.
    response = client_for(supervisor).post(url, {"outcome": "recovered"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["outcome"], response.json()["outcome_by"]) == (
        "actionable",
        "recovered",
        "sup",
    )


def test_expired_entry_cannot_be_confirmed_only_rejected(hit: Hit, analyst: Any) -> None:
    hit.entry.expires_at = timezone.now() - timedelta(minutes=1)
    hit.entry.save()
    body = client_for(analyst).get(f"/api/v1/lpr/hits/{hit.pk}/").json()
    assert [d["field"] for d in body["differences"]] == ["entry"]
    assert client_for(analyst).post(f"/api/v1/lpr/hits/{hit.pk}/confirm/").status_code == 400
    response = client_for(analyst).post(
        f"/api/v1/lpr/hits/{hit.pk}/reject/", {"reason": "entry_expired"}, format="json"
    )
    assert response.json()["status"] == "rejected"


# --- the read beside the entry ---------------------------------------------------------------


def test_detail_shows_the_read_beside_the_entry_with_differences(lpr_feed, reader, hotlist, analyst) -> None:
    add_entry(hotlist, "ABC1234", state="WI", vehicle_description="red Honda Civic", case_number="C-7")
    (hit,) = raise_hits(
        lpr_feed[0],
        read(
            "A8C1234",
            state="",
            direction="NB",
            vehicle_color="silver",
            vehicle_make="Toyota",
            vehicle_model="Camry",
            image_ref="crops/2026/11/24/r-1.jpg",
        ),
    )
    body = client_for(analyst).get(f"/api/v1/lpr/hits/{hit.pk}/").json()
    assert (body["status"], body["kind"], body["priority"], body["sound"]) == ("unverified", "possible", 2, True)
    assert body["read"]["plate"] == "A8C1234" and body["read"]["purged"] is False
    assert (body["read"]["confidence"], body["read"]["direction"], body["read"]["vehicle_make"]) == (
        91.5,
        "NB",
        "Toyota",
    )
    assert body["read"]["image_ref"] == "crops/2026/11/24/r-1.jpg"
    assert body["read"]["lat"] == pytest.approx(43.0389)
    assert (body["entry"]["plate"], body["entry"]["state"], body["entry"]["case_number"]) == ("ABC1234", "WI", "C-7")
    assert body["entry"]["vehicle_description"] == "red Honda Civic"
    differences = body["differences"]
    plate = [d for d in differences if d["field"] == "plate"]
    assert [(d["position"], d["read"], d["entry"], d["confusable"]) for d in plate] == [(1, "8", "B", True)]
    (state,) = [d for d in differences if d["field"] == "state"]
    assert state["message"] == "state: the read has no state; the entry is WI"
    vehicle = [d["message"] for d in differences if d["field"] == "vehicle"]
    assert vehicle == [
        "vehicle colour: read silver, entry describes red",
        "vehicle make: read Toyota, not in the entry's description (red Honda Civic)",
    ]


def test_detail_of_a_purged_read_shows_what_the_hit_kept(hit: Hit, analyst: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM lpr_read WHERE id = %s", [hit.read_id])
    body = client_for(analyst).get(f"/api/v1/lpr/hits/{hit.pk}/").json()
    assert body["read"]["purged"] is True and body["read"]["plate"] == "ABC1234"
    assert body["differences"] == []


# --- lists, layers --------------------------------------------------------------------------


def test_list_filters_newest_first_and_query_count_does_not_grow(lpr_feed, reader, hotlist, analyst) -> None:
    client = client_for(analyst)
    add_entry(hotlist, "AAA1111")
    raise_hits(lpr_feed[0], read("AAA1111", minutes_ago=60 * 5))
    client.get("/api/v1/lpr/hits/")  # the user's roles are cached on the first request
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/lpr/hits/").status_code == 200
    for plate in ("BBB2222", "CCC3333", "DDD4444", "EEE5555"):
        add_entry(hotlist, plate)
        raise_hits(lpr_feed[0], read(plate))
    with CaptureQueriesContext(connection) as five:
        response = client.get("/api/v1/lpr/hits/")
    assert len(five.captured_queries) == len(one.captured_queries)
    assert len(one.captured_queries) <= 3  # count + page (entries and readers joined) + the audit row
    assert response.json()["results"][0]["plate"] == "EEE5555"
    assert len(ids(client.get("/api/v1/lpr/hits/?since_hours=1"))) == 4
    assert ids(client.get("/api/v1/lpr/hits/?status=actionable")) == []
    assert client.get("/api/v1/lpr/hits/?status=bogus").status_code == 400


def test_layers_are_geojson_of_recent_hits_and_readers(lpr_feed, reader, hotlist, analyst, supervisor) -> None:
    add_entry(hotlist, "ABC1234")
    (recent,) = raise_hits(lpr_feed[0], read("ABC1234"))
    (old,) = raise_hits(lpr_feed[0], read("ABC1234", minutes_ago=60 * 30))
    client = client_for(analyst)
    layer = client.get("/api/v1/lpr/hits/layer/").json()
    assert layer["type"] == "FeatureCollection"
    (feature,) = layer["features"]
    assert feature["id"] == recent.pk and feature["geometry"]["type"] == "Point"
    assert (feature["properties"]["status"], feature["properties"]["hotlist_name"]) == ("unverified", hotlist.name)
    assert sorted(ids(client.get("/api/v1/lpr/hits/layer/?since_hours=48"))) == sorted([recent.pk, old.pk])
    assert ids(client.get("/api/v1/lpr/hits/layer/?bbox=-88.1,43.0,-88.0,43.1")) == []
    readers = client_for(supervisor).get("/api/v1/lpr/readers/layer/").json()
    assert [(f["id"], f["properties"]["name"]) for f in readers["features"]] == [(reader.pk, "Pole 17 NB")]


# --- no unverified hit is ever presented as actionable --------------------------------------


def test_no_api_page_or_event_shows_an_unverified_hit_as_actionable(
    lpr_feed, reader, hotlist, analyst, supervisor, admin_user
) -> None:
    add_entry(hotlist, "ABC1234")
    add_entry(hotlist, "XYZ9876")
    hits = {hit.plate: hit for hit in raise_hits(lpr_feed[0], read("ABC1234"), read("XYZ9876"))}
    unverified, confirmed = hits["ABC1234"], hits["XYZ9876"]
    client_for(analyst).post(f"/api/v1/lpr/hits/{confirmed.pk}/confirm/")
    expected = {unverified.pk: "unverified", confirmed.pk: "actionable"}

    for user in (analyst, supervisor, admin_user):
        api = client_for(user)
        for url in ("/api/v1/lpr/hits/", "/api/v1/lpr/hits/layer/?since_hours=24"):
            body = api.get(url).json()
            for row in body.get("results") or body["features"]:
                status = row["status"] if "status" in row else row["properties"]["status"]
                assert status == expected[row["id"]], (user, url)
        for pk, status in expected.items():
            response = api.get(f"/api/v1/lpr/hits/{pk}/")
            if response.status_code == 200:
                assert response.json()["status"] == status
                assert response.json()["may_verify"] is (status == "unverified" and user != admin_user)

        page = Client()
        page.force_login(user)
        queue = page.get("/lpr/hits/")
        if queue.status_code == 200:
            html = queue.content.decode()
            assert f'data-hit-id="{confirmed.pk}"' not in html
            assert re.findall(r'data-status="(\w+)"', html) == (["unverified"] if user == analyst else [])
        for pk, status in expected.items():
            detail = page.get(f"/lpr/hits/{pk}/")
            if detail.status_code == 200:
                html = detail.content.decode()
                (verdict,) = re.findall(r'<p class="verdict status-(\w+)" id="hit-status" data-status="(\w+)">', html)
                assert verdict == (status, status)
                if status == "unverified":
                    text = re.search(r'id="hit-status"[^>]*>(.*?)</p>', html, re.S).group(1)
                    assert "actionable" not in text and "do not act" in text
    admin = Client()
    admin.force_login(admin_user)
    html = admin.get("/admin/lpr/hit/").content.decode()
    assert "ABC1234" not in html  # outside the admin's distribution, like everywhere else

    events = [
        (e.type, e.stream, e.payload["id"], e.payload["status"])
        for e in OutboxEvent.objects.filter(type__startswith="lpr.hit.").order_by("seq")
    ]
    assert sorted(events[:2]) == sorted(
        [
            ("lpr.hit.raised", "role.analyst", unverified.pk, "unverified"),
            ("lpr.hit.raised", "role.analyst", confirmed.pk, "unverified"),
        ]
    )
    assert events[2:] == [
        ("lpr.hit.actionable", "ops", confirmed.pk, "actionable"),
        ("lpr.hit.updated", "role.analyst", confirmed.pk, "actionable"),
    ]


# --- pages ----------------------------------------------------------------------------------


def page_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_queue_page_lists_waiting_hits_high_priority_first_for_verifiers_only(
    lpr_feed, reader, hotlist, analyst, admin_user, make_user
) -> None:
    low = Hotlist.objects.create(name="Parking scofflaws", source="bolo", priority=4, owner=admin_user)
    add_entry(low, "LOW4444")
    add_entry(hotlist, "ABC1234")
    raise_hits(lpr_feed[0], read("LOW4444", minutes_ago=3), read("ABC1234"))
    response = page_for(analyst).get("/lpr/hits/")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<span class="plate">(\w+)</span>', html) == ["ABC1234", "LOW4444"]
    assert html.count('class="flag alarm"') == 1  # P1 sounds, P4 does not
    assert 'id="queue-config"' in html and "Enable sound" in html
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []
    assert '<a href="/lpr/hits/">Hits</a>' in html
    assert page_for(admin_user).get("/lpr/hits/").status_code == 403
    assert "/lpr/hits/" not in page_for(admin_user).get("/ops/").content.decode().split("</nav>")[0]


def test_verify_page_highlights_differing_characters(lpr_feed, reader, hotlist, analyst, supervisor) -> None:
    add_entry(hotlist, "ABC1234", state="WI")
    (hit,) = raise_hits(lpr_feed[0], read("A8C1234", image_ref="https://vendor.example/crop.jpg"))
    response = page_for(analyst).get(f"/lpr/hits/{hit.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="ch diff confusable"') == 2  # the 8 of the read and the B of the entry
    assert 'id="hit-confirm"' in html and 'value="misread"' in html
    # A reader's own URL is shown as text: the browser never calls the vendor.
    assert "<img" not in html and "https://vendor.example/crop.jpg</code>" in html
    assert page_for(supervisor).get(f"/lpr/hits/{hit.pk}/").status_code == 404


def test_crop_is_an_image_only_for_local_static_files() -> None:
    assert crop_url("/static/lpr/crops/r-1.png") == "/static/lpr/crops/r-1.png"
    for ref in ("https://cdn.example/x.jpg", "//evil/x.jpg", "/static/../secret", "/media/crops/x.jpg", "r-1.jpg"):
        assert crop_url(ref) is None


def test_admin_lists_lpr_models_with_entry_history(hit: Hit, admin_user: Any) -> None:
    client = page_for(admin_user)
    for url in ("/admin/lpr/reader/", "/admin/lpr/reader/add/", "/admin/lpr/hotlist/", "/admin/lpr/purgeledger/"):
        assert client.get(url).status_code == 200, url
    entry_page = client.get(f"/admin/lpr/hotlistentry/{hit.entry_id}/change/")
    assert entry_page.status_code == 200 and "create" in entry_page.content.decode()
    assert client.get("/admin/lpr/hotlistentry/add/").status_code == 403
    assert client.post(f"/admin/lpr/hit/{hit.pk}/delete/").status_code == 403


def test_admin_sets_a_lists_distribution_and_the_change_is_audited(admin_user: Any, supervisor: Any) -> None:
    from audit.models import AuditEvent

    client = page_for(admin_user)
    assert client.get("/admin/lpr/hotlist/add/").status_code == 200
    response = client.post(
        "/admin/lpr/hotlist/add/",
        {
            "name": "Gang vehicles",
            "source": "bolo",
            "priority": 2,
            "active": "on",
            "distribution_roles": ["supervisor"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hotlist = Hotlist.objects.get(name="Gang vehicles")
    assert (hotlist.distribution_roles, hotlist.owner) == (["supervisor"], admin_user)
    event = AuditEvent.objects.get(action="lpr.hotlist.create")
    assert event.object_ref == f"hotlist:{hotlist.pk}" and "distribution_roles" in event.details["fields"]
