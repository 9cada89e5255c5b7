"""Drill-down lists: each kind's filters on seeded records return exactly the expected records,
newest first; bad filters are 400s naming the field; roles; pagination; every page read audited."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import Client

from accounts.roles import Role
from alerts.models import Alert
from audit.models import AuditEvent
from cameras.models import Camera, FootageRequest
from cases.models import Case, CaseLink, CaseLogEntry
from incidents.models import Incident
from lpr.models import Hit, Hotlist, HotlistEntry
from shots.models import ShotsFired
from tests.factories import CameraFactory, IncidentFactory

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo(settings.TIME_ZONE)
RANGE = {"start": "2026-11-01", "end": "2026-11-07"}


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def column(response: Any, label: str) -> list[str]:
    assert response.status_code == 200, response.content[:400]
    table = response.context["table"]
    index = table["labels"].index(label)
    return [row["cells"][index] for row in table["rows"]]


def drill(who: Any, kind: str, params: dict[str, Any] | None = None) -> Any:
    return client_for(who).get(f"/analytics/drill/{kind}/", {**RANGE, **(params or {})})


@pytest.fixture
def incidents(supervisor: Any) -> dict[str, Incident]:
    made = {
        "i1": IncidentFactory(external_id="I1", call_type="THEFT", district="1", beat="11", received_at=local(2, 10)),
        "i2": IncidentFactory(
            external_id="I2",
            call_type="ALARM",
            final_call_type="THEFT",
            district="1",
            beat="12",
            received_at=local(3, 9),
        ),
        # 23:30 local on the 3rd is already the 4th in UTC: the local day counts.
        "i3": IncidentFactory(
            external_id="I3",
            call_type="THEFT",
            final_call_type="BURGLARY",
            district="2",
            beat="21",
            received_at=local(3, 23, 30),
        ),
        "i4": IncidentFactory(external_id="I4", call_type="THEFT", district="", beat="", received_at=local(5, 12)),
        "i5": IncidentFactory(external_id="I5", call_type="THEFT", district="1", received_at=local(20, 12, month=10)),
    }
    camera = CameraFactory()
    # i1: assisted, and a footage request after receipt (a camera action).
    case1 = Case.objects.create(number="RTCC-D-1", title="Theft", lead=supervisor, created_by=supervisor)
    CaseLink.objects.create(case=case1, kind="incident", object_id=made["i1"].pk, added_by=supervisor)
    _footage(camera, made["i1"], supervisor, local(2, 10, 30))
    # i3: assisted; its case has a "camera reviewed" entry after receipt.
    case3 = Case.objects.create(number="RTCC-D-3", title="Burglary", lead=supervisor, created_by=supervisor)
    CaseLink.objects.create(case=case3, kind="incident", object_id=made["i3"].pk, added_by=supervisor)
    CaseLogEntry.objects.create(
        case=case3, kind="camera_reviewed", text="Cam 4", author=supervisor, action_at=local(4, 0, 15)
    )
    # i4: a footage request made before the call came in does not count as a camera action.
    _footage(camera, made["i4"], supervisor, local(5, 11))
    return made


def _footage(camera: Camera, incident: Incident, user: Any, at: dt.datetime) -> None:
    request = FootageRequest.objects.create(
        camera=camera,
        incident=incident,
        window_start=at,
        window_end=at + dt.timedelta(minutes=10),
        reason="Test",
        requested_by=user,
    )
    FootageRequest.objects.filter(pk=request.pk).update(requested_at=at)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["I4", "I3", "I2", "I1"]),
        ({"call_type": "THEFT"}, ["I4", "I2", "I1"]),  # effective call type: I2 was reclassified, I3 away
        ({"call_type": ["THEFT", "BURGLARY"]}, ["I4", "I3", "I2", "I1"]),
        ({"district": "1"}, ["I2", "I1"]),
        ({"district": "(none)"}, ["I4"]),
        ({"beat": "21"}, ["I3"]),
        ({"day": "2026-11-03"}, ["I3", "I2"]),
        ({"from": "2026-11-03", "to": "2026-11-04"}, ["I3", "I2"]),
        ({"from": "2026-11-03T09:00:00", "to": "2026-11-03T23:00:00"}, ["I2"]),
        ({"assisted": "1"}, ["I3", "I1"]),
        ({"assisted": "0"}, ["I4", "I2"]),
        ({"first_camera": "1"}, ["I3", "I1"]),
        ({"first_camera": "0"}, ["I4", "I2"]),
        ({"assisted": "1", "district": "2"}, ["I3"]),
        ({"start": "2026-10-01", "end": "2026-10-31"}, ["I5"]),
    ],
)
def test_incident_filters(supervisor: Any, incidents: Any, params: dict[str, Any], expected: list[str]) -> None:
    assert column(drill(supervisor, "incidents", params), "CAD number") == expected


def test_incident_call_type_column_is_the_effective_one(supervisor: Any, incidents: Any) -> None:
    assert column(drill(supervisor, "incidents"), "Call type") == ["THEFT", "BURGLARY", "THEFT", "THEFT"]


@pytest.fixture
def alerts(make_user: Any, supervisor: Any) -> dict[str, Any]:
    first, second = make_user("ack-one", Role.ANALYST), make_user("ack-two", Role.ANALYST)

    def alert(title: str, at: dt.datetime, **fields: Any) -> Alert:
        fields.setdefault("streams", ["ops"])
        made = Alert.objects.create(title=title, priority=2, source_key=title, **fields)
        Alert.objects.filter(pk=made.pk).update(created_at=at)
        return made

    alert("A1", local(2, 8, 15), type="cad_call", disposition="actionable", acknowledged_by=first, status="resolved")
    alert(
        "A2",
        local(2, 14, 40),
        type="rule_match",
        context={"rule": {"id": 42, "name": "Rule"}},
        disposition="false_positive",
        acknowledged_by=second,
        status="resolved",
    )
    alert("A3", local(4, 8, 50), type="cad_call")
    alert("A4", local(3, 8, 0), type="cad_call", streams=["admin"])  # not on a stream a supervisor receives
    alert("A5", local(20, 8, 0, month=10), type="cad_call")
    return {"first": first, "second": second}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["A3", "A2", "A1"]),
        ({"type": "cad_call"}, ["A3", "A1"]),
        ({"disposition": "none"}, ["A3"]),
        ({"disposition": "false_positive"}, ["A2"]),
        ({"rule": "42"}, ["A2"]),
        ({"rule": "43"}, []),
        ({"hour": "8"}, ["A3", "A1"]),
        ({"day": "2026-11-02"}, ["A2", "A1"]),
    ],
)
def test_alert_filters(supervisor: Any, alerts: Any, params: dict[str, Any], expected: list[str]) -> None:
    assert column(drill(supervisor, "alerts", params), "Title") == expected


def test_alert_user_filter_is_who_acknowledged(supervisor: Any, alerts: Any) -> None:
    assert column(drill(supervisor, "alerts", {"user": str(alerts["second"].pk)}), "Title") == ["A2"]


@pytest.fixture
def hits(supervisor: Any) -> None:
    ncic = Hotlist.objects.create(name="NCIC stolen", source="ncic", owner=supervisor)
    # Unverified and rejected hits reach only their hotlist's distribution: the BOLO list's is supervisors.
    bolo = Hotlist.objects.create(name="Local BOLO", source="bolo", owner=supervisor, distribution_roles=["supervisor"])
    rows = [
        ("HIT001", ncic, "actionable", "", "", local(2, 9)),
        ("HIT002", bolo, "rejected", "misread", "", local(3, 9)),
        ("HIT003", ncic, "unverified", "", "", local(4, 9)),
        ("HIT004", ncic, "actionable", "", "arrest", local(5, 9)),
        ("HIT005", ncic, "actionable", "", "", local(1, 9, month=10)),
    ]
    for read_id, (plate, hotlist, status, reason, outcome, at) in enumerate(rows, start=700_001):
        entry = HotlistEntry.objects.create(
            hotlist=hotlist, plate_raw=plate, plate=plate, plate_confusable=plate, reason="Stolen"
        )
        Hit.objects.create(
            read_id=read_id,
            read_at=at,
            entry=entry,
            hotlist=hotlist,
            kind="exact",
            priority=1,
            plate=plate,
            status=status,
            reject_reason=reason,
            outcome=outcome,
            verified_by=None if status == "unverified" else supervisor,
            location=Point(-87.9, 43.0, srid=4326),
        )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["HIT004", "HIT002", "HIT001"]),  # HIT003: unverified, on a list not distributed to supervisors
        ({"status": "unverified"}, []),
        ({"status": "actionable"}, ["HIT004", "HIT001"]),
        ({"hotlist_source": "bolo"}, ["HIT002"]),
        ({"reject_reason": "misread"}, ["HIT002"]),
        ({"outcome": "arrest"}, ["HIT004"]),
    ],
)
def test_hit_filters(supervisor: Any, hits: None, params: dict[str, Any], expected: list[str]) -> None:
    assert column(drill(supervisor, "hits", params), "Plate") == expected


def test_hit_list_is_audited_as_a_read_of_plate_data_with_links_to_each_hit(supervisor: Any, hits: None) -> None:
    response = drill(supervisor, "hits", {"status": "actionable"})
    assert [row["url"] for row in response.context["table"]["rows"]] == [
        f"/lpr/hits/{Hit.objects.get(plate=plate).pk}/" for plate in ("HIT004", "HIT001")
    ]
    listed = AuditEvent.objects.get(action="lpr.hits.list")
    assert listed.actor_id == supervisor.pk
    assert listed.details == {
        "shown": 2,
        "filters": {"start": "2026-11-01", "end": "2026-11-07", "status": "actionable"},
        "via": "analytics.drill",
    }


@pytest.fixture
def cases(supervisor: Any) -> None:
    rows = [
        ("RTCC-C-1", "arrest", ["footage_provided"], local(2, 9)),
        ("RTCC-C-2", "unknown", ["suspect_identified", "footage_provided"], local(3, 9)),
        ("RTCC-C-3", "arrest", [], local(6, 9)),
        ("RTCC-C-4", "arrest", [], local(9, 9)),
    ]
    for number, outcome, contributions, at in rows:
        case = Case.objects.create(
            number=number,
            title=number,
            lead=supervisor,
            created_by=supervisor,
            outcome=outcome,
            contributions=contributions,
        )
        Case.objects.filter(pk=case.pk).update(created_at=at)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # C-3 has no RTCC contribution (as the case metrics, the list leaves it out); C-4 is after the range.
        ({}, ["RTCC-C-2", "RTCC-C-1"]),
        ({"outcome": "arrest"}, ["RTCC-C-1"]),
        ({"contribution": "footage_provided"}, ["RTCC-C-2", "RTCC-C-1"]),
    ],
)
def test_case_filters(supervisor: Any, cases: None, params: dict[str, Any], expected: list[str]) -> None:
    response = drill(supervisor, "cases", params)
    assert column(response, "Number") == expected
    urls = [row["url"] for row in response.context["table"]["rows"]]
    assert urls == [f"/cases/{Case.objects.get(number=number).pk}/" for number in expected]


@pytest.fixture
def shots(supervisor: Any) -> None:
    rows = [
        ("S1", "1", local(2, 1)),
        ("S2", "1", local(3, 1)),
        ("S3", "2", local(4, 1)),
        ("S4", "2", local(5, 1)),
        ("S5", "2", local(6, 1)),
    ]
    made = {}
    for external_id, district, at in rows:
        made[external_id] = ShotsFired.objects.create(
            source="shotspotter",
            external_id=external_id,
            detected_at=at,
            detection_type="single",
            district=district,
            address=f"{external_id} Main St",
        )
    case = Case.objects.create(number="RTCC-S-1", title="Shots", lead=supervisor, created_by=supervisor)
    CaseLink.objects.create(case=case, kind="shots", object_id=made["S1"].pk, added_by=supervisor)
    key = f"shots:{made['S2'].pk}"
    Alert.objects.create(type="shots_fired", priority=1, title="S2", source_key=key, acknowledged_by=supervisor)
    key = f"shots:{made['S3'].pk}"
    Alert.objects.create(type="shots_fired", priority=1, title="S3", source_key=key)  # never acknowledged
    # S4: a case links its incident; S5: a footage request for its incident.
    for external_id in ("S4", "S5"):
        made[external_id].incident = IncidentFactory(received_at=made[external_id].detected_at)
        made[external_id].save(update_fields=["incident"])
    CaseLink.objects.create(case=case, kind="incident", object_id=made["S4"].incident.pk, added_by=supervisor)
    _footage(CameraFactory(), made["S5"].incident, supervisor, local(6, 2))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["S5 Main St", "S4 Main St", "S3 Main St", "S2 Main St", "S1 Main St"]),
        ({"district": "1"}, ["S2 Main St", "S1 Main St"]),
        ({"actioned": "1"}, ["S5 Main St", "S4 Main St", "S2 Main St", "S1 Main St"]),
        ({"actioned": "0"}, ["S3 Main St"]),
        ({"actioned": "1", "district": "2"}, ["S5 Main St", "S4 Main St"]),
    ],
)
def test_shot_filters(supervisor: Any, shots: None, params: dict[str, Any], expected: list[str]) -> None:
    assert column(drill(supervisor, "shots", params), "Address") == expected


@pytest.fixture
def cameras() -> None:
    rows = [
        ("CAM-D1", "footage", "city", "approved", local(2, 9)),
        ("CAM-D2", "live", "business", "approved", local(3, 9)),
        ("CAM-D3", "footage", "residential", "pending", local(4, 9)),  # not visible to a supervisor
        ("CAM-D0", "live", "city", "approved", None),  # registered today, outside the usual range
    ]
    for reference, tier, owner_type, status, at in rows:
        camera = CameraFactory(reference=reference, tier=tier, owner_type=owner_type, status=status)
        if at is not None:
            Camera.objects.filter(pk=camera.pk).update(created_at=at)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["CAM-D2", "CAM-D1"]),
        ({"tier": "footage"}, ["CAM-D1"]),
        ({"owner_type": "business"}, ["CAM-D2"]),
        ({"status": "approved"}, ["CAM-D2", "CAM-D1"]),
        ({"start": "2026-11-03", "end": "2026-11-20"}, ["CAM-D2"]),
        ({"start": "2026-11-03", "end": "2026-11-20", "all_dates": "1"}, ["CAM-D0", "CAM-D2", "CAM-D1"]),
    ],
)
def test_camera_filters(supervisor: Any, cameras: None, params: dict[str, Any], expected: list[str]) -> None:
    assert column(drill(supervisor, "cameras", params), "Reference") == expected


def test_a_drill_page_read_is_audited_with_kind_and_filters(supervisor: Any, incidents: Any) -> None:
    drill(supervisor, "incidents", {"call_type": ["THEFT", "BURGLARY"], "assisted": "1", "page": "1"})
    event = AuditEvent.objects.get(action="analytics.drill")
    assert event.actor_id == supervisor.pk and event.object_ref == "analytics:incidents"
    assert event.details == {
        "kind": "incidents",
        "filters": {"start": "2026-11-01", "end": "2026-11-07", "call_type": ["THEFT", "BURGLARY"], "assisted": "1"},
        "page": 1,
        "shown": 2,  # I1 (theft) and I3 (burglary)
    }


def test_fifty_records_a_page(supervisor: Any) -> None:
    IncidentFactory.create_batch(51, received_at=local(2, 12))
    first = drill(supervisor, "incidents")
    assert len(first.context["table"]["rows"]) == 50 and first.context["has_next"] is True
    second = drill(supervisor, "incidents", {"page": "2"})
    assert len(second.context["table"]["rows"]) == 1 and second.context["has_next"] is False


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("alerts", {"beat": "1"}, "beat"),
        ("alerts", {"district": "1"}, "district"),  # alerts have no district
        ("cameras", {"call_type": "THEFT"}, "call_type"),
        ("alerts", {"type": "nope"}, "type"),
        ("alerts", {"hour": "24"}, "hour"),
        ("alerts", {"user": "abc"}, "user"),
        ("incidents", {"assisted": "maybe"}, "assisted"),
        ("incidents", {"day": "2026-02-30"}, "day"),
        ("incidents", {"from": "soon"}, "from"),
        ("incidents", {"to": "9999-12-31"}, "to"),  # years outside 1900-2199, as the dashboard filter
        ("incidents", {"day": "0001-01-01"}, "day"),
        ("incidents", {"beat": "B" * 17}, "beat"),
        ("incidents", {"start": "2026-11-31"}, "start"),
        ("incidents", {"page": "0"}, "page"),
        ("cameras", {"all_dates": "always"}, "all_dates"),
        ("hits", {"status": "maybe"}, "status"),
        ("cases", {"contribution": "luck"}, "contribution"),
        ("shots", {"actioned": "2"}, "actioned"),
    ],
)
def test_bad_filters_are_400s_naming_the_field(supervisor: Any, kind: str, params: dict[str, str], field: str) -> None:
    response = drill(supervisor, kind, params)
    assert response.status_code == 400
    assert f"{field}:" in response.content.decode()
    assert not AuditEvent.objects.filter(action="analytics.drill").exists()


def test_unknown_kind_is_404(supervisor: Any) -> None:
    assert client_for(supervisor).get("/analytics/drill/nosuch/").status_code == 404


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ANALYST, Role.ADMIN, Role.WALL])
def test_only_metrics_readers_with_the_records_capability_may_drill(make_user: Any, role: Role) -> None:
    client = client_for(make_user(f"drill-{role}", role))
    for kind in ("incidents", "alerts", "hits", "cases", "shots", "cameras"):
        assert client.get(f"/analytics/drill/{kind}/").status_code == 403, kind


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get("/analytics/drill/incidents/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
