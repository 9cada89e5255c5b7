"""No N+1 on list endpoints: the queries of a GET do not grow with the rows it lists.

Every GET under /api/v1/ whose answer is a list (an array, or a page of `results`, `features` or
`events`) is found in the OpenAPI schema. Each is either seeded here (2 rows, then 12) and must
answer both with the same number of queries, or named in SKIP with the reason; a new list
endpoint that is neither makes `test_every_list_endpoint_is_covered_or_skipped` fail.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import user_ensure_with_role
from alerts.models import Alert, AlertMute
from areas.models import Beat, District
from audit.services import audit_record
from bulletins.models import Bulletin, BulletinVersion, Dissemination
from cameras.models import FootageRequest
from cap.models import CapAlert
from cases.models import Case
from evidence.models import Evidence
from feeds import services as feed_services
from lpr.models import Hit, Hotlist, HotlistEntry, HotlistEntryChange, PurgeLedger, Reader
from monitoring.models import Subject, Zone
from operations.models import Operation, OperationLogEntry
from rtcc.models import OutboxEvent
from rules.models import Rule, RuleVersion
from shifts.models import HandoverNote
from shots.models import ShotsFired
from tests.factories import CameraFactory, IncidentFactory, UserFactory

SEQUENCE = itertools.count(1)
CENTER = (-87.95, 43.05)  # lon, lat


def square(half_side: float = 0.01) -> MultiPolygon:
    lon, lat = CENTER
    ring = (
        (lon - half_side, lat - half_side),
        (lon + half_side, lat - half_side),
        (lon + half_side, lat + half_side),
        (lon - half_side, lat + half_side),
        (lon - half_side, lat - half_side),
    )
    return MultiPolygon(Polygon(ring), srid=4326)


def point() -> Point:
    return Point(*CENTER, srid=4326)


def someone() -> Any:
    """A distinct related user per row: a lazy lookup per row would cost one query each."""
    return UserFactory(username=f"qc-user-{next(SEQUENCE)}")


@dataclass
class Seeding:
    """Parents shared by the rows of one endpoint (a bulletin for its versions, …)."""

    parents: dict[str, Any] = field(default_factory=dict)

    def parent(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self.parents:
            self.parents[name] = make()
        return self.parents[name]


# --- seeders: create n rows of the endpoint's kind, return the URL to GET ------------------------


def seed_incidents(n: int, s: Seeding) -> str:
    IncidentFactory.create_batch(n)
    return "/api/v1/incidents/"


def seed_incident_layer(n: int, s: Seeding) -> str:
    IncidentFactory.create_batch(n)
    return "/api/v1/incidents/layer/"


def seed_cameras(n: int, s: Seeding) -> str:
    CameraFactory.create_batch(n)
    return "/api/v1/cameras/"


def seed_camera_layer(n: int, s: Seeding) -> str:
    CameraFactory.create_batch(n)
    return "/api/v1/cameras/layer/?cones=1"


def seed_camera_review(n: int, s: Seeding) -> str:
    CameraFactory.create_batch(n, status="pending")
    return "/api/v1/cameras/review/"


def seed_cameras_nearby(n: int, s: Seeding) -> str:
    CameraFactory.create_batch(n)
    return f"/api/v1/cameras/nearby/?lat={CENTER[1]}&lon={CENTER[0]}&radius=500"


def seed_footage_requests(n: int, s: Seeding) -> str:
    now = timezone.now()
    for _ in range(n):
        FootageRequest.objects.create(
            camera=CameraFactory(),
            incident=IncidentFactory(),
            window_start=now - timedelta(hours=2),
            window_end=now - timedelta(hours=1),
            reason="query count",
            requested_by=someone(),
        )
    return "/api/v1/footage-requests/"


def seed_alerts(n: int, s: Seeding) -> str:
    now = timezone.now()
    for _ in range(n):
        i = next(SEQUENCE)
        Alert.objects.create(
            type="cad_call",
            priority=2,
            title=f"Alert {i}",
            source_key=f"qc-{i}",
            streams=["ops"],
            status="assigned",
            assignee=someone(),
            acknowledged_by=someone(),
            acknowledged_at=now,
            assigned_at=now,
        )
    return "/api/v1/alerts/"


def _mutes(n: int) -> None:
    for _ in range(n):
        i = next(SEQUENCE)
        AlertMute.objects.create(
            source_key=f"qc-{i}",
            reason="query count",
            expires_at=timezone.now() + timedelta(hours=1),
            created_by=someone(),
        )


def seed_mutes(n: int, s: Seeding) -> str:
    _mutes(n)
    return "/api/v1/alerts/mutes/"


def seed_mute_history(n: int, s: Seeding) -> str:
    _mutes(n)
    return "/api/v1/alerts/mutes/history/"


def seed_workload(n: int, s: Seeding) -> str:
    analysts = Group.objects.get(name=Role.ANALYST)
    for _ in range(n):
        analyst = someone()
        analyst.groups.add(analysts)
        audit_record(actor=analyst, action="alerts.acknowledge")
    return "/api/v1/alerts/workload/"


def seed_beats(n: int, s: Seeding) -> str:
    for _ in range(n):
        Beat.objects.create(code=f"B{next(SEQUENCE)}", area=square(), source="test", imported_at=timezone.now())
    return "/api/v1/areas/beats/"


def seed_districts(n: int, s: Seeding) -> str:
    for _ in range(n):
        District.objects.create(code=f"D{next(SEQUENCE)}", area=square(), source="test", imported_at=timezone.now())
    return "/api/v1/areas/districts/"


def seed_hotspot_areas(n: int, s: Seeding) -> str:
    seed_beats(n, s)
    return "/api/v1/analytics/hotspots/areas/?level=beat"


def seed_audit_events(n: int, s: Seeding) -> str:
    for _ in range(n):
        audit_record(actor=someone(), action="qc.test")
    return "/api/v1/audit/events/?action=qc.test"


def _bulletin() -> Bulletin:
    return Bulletin.objects.create(
        kind="bolo",
        title=f"Bulletin {next(SEQUENCE)}",
        expires_at=timezone.now() + timedelta(days=7),
        created_by=someone(),
        approved_by=someone(),
    )


def seed_bulletins(n: int, s: Seeding) -> str:
    for _ in range(n):
        _bulletin()
    return "/api/v1/bulletins/"


def seed_bulletin_versions(n: int, s: Seeding) -> str:
    bulletin = s.parent("bulletin", _bulletin)
    for _ in range(n):
        BulletinVersion.objects.create(bulletin=bulletin, number=next(SEQUENCE), content={}, created_by=someone())
    return f"/api/v1/bulletins/{bulletin.pk}/versions/"


def seed_disseminations(n: int, s: Seeding) -> str:
    bulletin = s.parent("bulletin", _bulletin)
    for _ in range(n):
        Dissemination.objects.create(
            bulletin=bulletin, version=1, recipients="district 5", channel="email", by=someone()
        )
    return f"/api/v1/bulletins/{bulletin.pk}/disseminations/"


def seed_cap_layer(n: int, s: Seeding) -> str:
    for _ in range(n):
        i = next(SEQUENCE)
        CapAlert.objects.create(
            source="test",
            sender="nws@example.org",
            identifier=f"CAP-{i}",
            sent=timezone.now(),
            status="Actual",
            msg_type="Alert",
            scope="Public",
            event="Tornado Warning",
            severity="Extreme",
            urgency="Immediate",
            certainty="Observed",
            area=square(),
            infos=[],
            xml="<alert/>",
        )
    return "/api/v1/cap/layer/"


def _case(**extra: Any) -> Case:
    lead = someone()
    return Case.objects.create(number=f"QC-{next(SEQUENCE)}", title="Case", lead=lead, created_by=lead, **extra)


def seed_cases(n: int, s: Seeding) -> str:
    for _ in range(n):
        _case().contributors.add(someone())
    return "/api/v1/cases/"


def seed_case_review(n: int, s: Seeding) -> str:
    for _ in range(n):
        _case(status="pending_review", submitted_at=timezone.now()).contributors.add(someone())
    return "/api/v1/cases/review/"


def seed_evidence(n: int, s: Seeding) -> str:
    case = s.parent("case", _case)
    for _ in range(n):
        Evidence.objects.create(
            case=case,
            title="Exhibit",
            file=f"evidence/qc-{next(SEQUENCE)}.txt",
            original_name="exhibit.txt",
            size=1,
            sha256="0" * 64,
            mime_type="text/plain",
            uploader=someone(),
        )
    return f"/api/v1/cases/{case.pk}/evidence/"


def seed_feed_health(n: int, s: Seeding) -> str:
    for _ in range(n):
        i = next(SEQUENCE)
        feed_services.feed_create(name=f"Feed {i}", kind="cad", slug=f"qc-feed-{i}")
    return "/api/v1/feeds/health/"


def _hotlist() -> Hotlist:
    return Hotlist.objects.create(name=f"Hotlist {next(SEQUENCE)}", source="local", owner=someone())


def _entry(hotlist: Hotlist) -> HotlistEntry:
    plate = f"QC{next(SEQUENCE):05d}"
    return HotlistEntry.objects.create(
        hotlist=hotlist, plate_raw=plate, plate=plate, plate_confusable=plate, reason="stolen", entered_by=someone()
    )


def _reader() -> Reader:
    feed, _ = feed_services.feed_create(name=f"LPR {next(SEQUENCE)}", kind="lpr", slug=f"qc-lpr-{next(SEQUENCE)}")
    return Reader.objects.create(name="Reader", feed=feed, external_id="r1", location=point())


def _hits(n: int) -> None:
    for _ in range(n):
        hotlist = _hotlist()
        entry = _entry(hotlist)
        Hit.objects.create(
            read_id=next(SEQUENCE),
            read_at=timezone.now(),
            entry=entry,
            hotlist=hotlist,
            kind="exact",
            priority=1,
            plate=entry.plate,
            location=point(),
            reader=_reader(),
            status="actionable",
            verified_by=someone(),
            verified_at=timezone.now(),
        )


def seed_hits(n: int, s: Seeding) -> str:
    _hits(n)
    return "/api/v1/lpr/hits/"


def seed_hit_layer(n: int, s: Seeding) -> str:
    _hits(n)
    return "/api/v1/lpr/hits/layer/"


def seed_hotlists(n: int, s: Seeding) -> str:
    for _ in range(n):
        _entry(_hotlist())
    return "/api/v1/lpr/hotlists/"


def seed_hotlist_entries(n: int, s: Seeding) -> str:
    hotlist = s.parent("hotlist", _hotlist)
    for _ in range(n):
        _entry(hotlist)
    return f"/api/v1/lpr/hotlists/{hotlist.pk}/entries/"


def seed_entry_history(n: int, s: Seeding) -> str:
    entry = s.parent("entry", lambda: _entry(_hotlist()))
    for _ in range(n):
        HotlistEntryChange.objects.create(entry=entry, changed_by=someone(), action="update")
    return f"/api/v1/lpr/entries/{entry.pk}/history/"


def seed_purges(n: int, s: Seeding) -> str:
    for _ in range(n):
        PurgeLedger.objects.create(policy="default", window_end=timezone.now(), rows_removed=10)
    return "/api/v1/lpr/purges/"


def seed_reader_layer(n: int, s: Seeding) -> str:
    for _ in range(n):
        _reader()
    return "/api/v1/lpr/readers/layer/"


def seed_subjects(n: int, s: Seeding) -> str:
    for _ in range(n):
        i = next(SEQUENCE)
        Subject.objects.create(
            source="test",
            device_id=f"dev-{i}",
            reference=f"S-{i}",
            supervision_type="probation",
            active_from=timezone.localdate(),
        )
    return "/api/v1/monitoring/subjects/"


def seed_zones(n: int, s: Seeding) -> str:
    for _ in range(n):
        Zone.objects.create(name=f"Zone {next(SEQUENCE)}", area=square())
    return "/api/v1/monitoring/zones/layer/"


def _operation() -> Operation:
    now = timezone.now()
    return Operation.objects.create(
        name=f"Operation {next(SEQUENCE)}",
        area=square(),
        starts_at=now - timedelta(hours=6),
        ends_at=now + timedelta(hours=6),
        created_by=someone(),
    )


def seed_operations(n: int, s: Seeding) -> str:
    for _ in range(n):
        _operation()
    return "/api/v1/operations/"


def seed_operation_incidents(n: int, s: Seeding) -> str:
    operation = s.parent("operation", _operation)
    IncidentFactory.create_batch(n)
    return f"/api/v1/operations/{operation.pk}/incidents/"


def seed_operation_log(n: int, s: Seeding) -> str:
    operation = s.parent("operation", _operation)
    for _ in range(n):
        OperationLogEntry.objects.create(operation=operation, author=someone(), text="note", incident=IncidentFactory())
    return f"/api/v1/operations/{operation.pk}/log/"


def _rule() -> Rule:
    author = someone()
    return Rule.objects.create(name=f"Rule {next(SEQUENCE)}", trigger="incident", created_by=author, updated_by=author)


def seed_rules(n: int, s: Seeding) -> str:
    for _ in range(n):
        _rule()
    return "/api/v1/rules/"


def seed_rule_versions(n: int, s: Seeding) -> str:
    rule = s.parent("rule", _rule)
    for _ in range(n):
        RuleVersion.objects.create(rule=rule, version=next(SEQUENCE), change="update", after={}, changed_by=someone())
    return f"/api/v1/rules/{rule.pk}/versions/"


def seed_map_search(n: int, s: Seeding) -> str:
    IncidentFactory.create_batch(n, address="2483 W HADLEY ST")
    return "/api/v1/search/?q=HADLEY"


def seed_handover(n: int, s: Seeding) -> str:
    for _ in range(n):
        HandoverNote.objects.create(shift_date=timezone.localdate(), shift="day", author=someone(), text="note")
    return f"/api/v1/shifts/handover/?date={timezone.localdate().isoformat()}"


def seed_shots_layer(n: int, s: Seeding) -> str:
    for _ in range(n):
        ShotsFired.objects.create(
            source="test",
            external_id=f"SST-{next(SEQUENCE)}",
            detected_at=timezone.now(),
            location=point(),
            detection_type="multiple",
            incident=IncidentFactory(),
        )
    return "/api/v1/shots/layer/"


def seed_events(n: int, s: Seeding) -> str:
    for _ in range(n):
        OutboxEvent.objects.create(type="incident.updated", stream="ops", payload={"id": next(SEQUENCE)})
    return "/api/v1/events/?after=0"


@dataclass(frozen=True)
class Covered:
    seed: Callable[[int, Seeding], str]
    role: Role = Role.SUPERVISOR
    # The most rows the answer lists, when it caps them.
    limit: int | None = None

    def shown(self, seeded: int) -> int:
        return seeded if self.limit is None else min(seeded, self.limit)


COVERED: dict[str, Covered] = {
    "/api/v1/alerts/": Covered(seed_alerts),
    "/api/v1/alerts/mutes/": Covered(seed_mutes),
    "/api/v1/alerts/mutes/history/": Covered(seed_mute_history),
    "/api/v1/alerts/workload/": Covered(seed_workload),
    "/api/v1/analytics/hotspots/areas/": Covered(seed_hotspot_areas),
    "/api/v1/areas/beats/": Covered(seed_beats),
    "/api/v1/areas/districts/": Covered(seed_districts),
    "/api/v1/audit/events/": Covered(seed_audit_events),
    "/api/v1/bulletins/": Covered(seed_bulletins),
    "/api/v1/bulletins/{bulletin_id}/disseminations/": Covered(seed_disseminations),
    "/api/v1/bulletins/{bulletin_id}/versions/": Covered(seed_bulletin_versions),
    "/api/v1/cameras/": Covered(seed_cameras),
    "/api/v1/cameras/layer/": Covered(seed_camera_layer),
    "/api/v1/cameras/nearby/": Covered(seed_cameras_nearby),
    "/api/v1/cameras/review/": Covered(seed_camera_review, Role.ADMIN),
    "/api/v1/cap/layer/": Covered(seed_cap_layer),
    "/api/v1/cases/": Covered(seed_cases),
    "/api/v1/cases/{case_id}/evidence/": Covered(seed_evidence),
    "/api/v1/cases/review/": Covered(seed_case_review),
    "/api/v1/feeds/health/": Covered(seed_feed_health, Role.ADMIN),
    "/api/v1/footage-requests/": Covered(seed_footage_requests),
    "/api/v1/incidents/": Covered(seed_incidents),
    "/api/v1/incidents/layer/": Covered(seed_incident_layer),
    "/api/v1/lpr/entries/{entry_id}/history/": Covered(seed_entry_history),
    "/api/v1/lpr/hits/": Covered(seed_hits),
    "/api/v1/lpr/hits/layer/": Covered(seed_hit_layer),
    "/api/v1/lpr/hotlists/": Covered(seed_hotlists),
    "/api/v1/lpr/hotlists/{hotlist_id}/entries/": Covered(seed_hotlist_entries),
    "/api/v1/lpr/purges/": Covered(seed_purges),
    "/api/v1/lpr/readers/layer/": Covered(seed_reader_layer),
    "/api/v1/monitoring/subjects/": Covered(seed_subjects),
    "/api/v1/monitoring/zones/layer/": Covered(seed_zones),
    "/api/v1/operations/": Covered(seed_operations),
    "/api/v1/operations/{operation_id}/incidents/": Covered(seed_operation_incidents),
    "/api/v1/operations/{operation_id}/log/": Covered(seed_operation_log),
    "/api/v1/rules/": Covered(seed_rules, Role.ADMIN),
    "/api/v1/rules/{rule_id}/versions/": Covered(seed_rule_versions, Role.ADMIN),
    "/api/v1/search/": Covered(seed_map_search, limit=10),  # ADDRESS_LIMIT
    "/api/v1/shifts/handover/": Covered(seed_handover),
    "/api/v1/shots/layer/": Covered(seed_shots_layer),
    "/api/v1/events/": Covered(seed_events),
}

SKIP: dict[str, str] = {
    "/api/v1/analytics/dashboards/": "the dashboards defined in code (analytics.dashboards), no database rows",
    "/api/v1/lpr/reads/search/": "reads live in day partitions and need a purpose and case number; the page is one "
    "query plus a capped count by construction (lpr.search), timed by bench/lpr_ingest.py (P5)",
}

# Known N+1s (app code to change); strict, so the test says so once they are fixed. Empty since
# alerts.selectors.workload_visible_to and feeds.selectors.feeds_with_health_counts became set-based.
KNOWN_N_PLUS_ONE: dict[str, str] = {}

LIST_KEYS = ("results", "features", "events")


def list_endpoints() -> set[str]:
    """GET paths under /api/v1/ whose 200 answer is an array or holds one under LIST_KEYS."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    found = set()
    for path, operations in schema["paths"].items():
        content = operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        for media in content.values():
            body = resolve(media.get("schema", {}))
            properties = body.get("properties", {})
            if body.get("type") == "array" or any(
                resolve(properties[key]).get("type") == "array" for key in LIST_KEYS if key in properties
            ):
                found.add(path)
    return {path for path in found if path.startswith("/api/v1/")}


def listed(body: Any) -> list[Any]:
    if isinstance(body, list):
        return body
    return next(body[key] for key in LIST_KEYS if key in body)


def get_counted(client: APIClient, url: str) -> tuple[int, list[Any]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(queries.captured_queries), listed(response.json())


@pytest.mark.django_db
def test_every_list_endpoint_is_covered_or_skipped() -> None:
    endpoints = list_endpoints()
    assert "/api/v1/incidents/" in endpoints and "/api/v1/incidents/{id}/" not in endpoints
    assert endpoints - COVERED.keys() - SKIP.keys() == set(), "new list endpoint: add it to COVERED or SKIP"
    assert (COVERED.keys() | SKIP.keys()) - endpoints == set(), "stale entries in COVERED or SKIP"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        pytest.param(path, marks=pytest.mark.xfail(strict=True, reason=KNOWN_N_PLUS_ONE[path]))
        if path in KNOWN_N_PLUS_ONE
        else path
        for path in sorted(COVERED)
    ],
)
def test_list_queries_do_not_grow_with_rows(path: str) -> None:
    covered = COVERED[path]
    user = user_ensure_with_role(username=f"qc-{covered.role}", password="correct-horse-battery", role=covered.role)
    client = APIClient()
    client.force_authenticate(user)
    seeding = Seeding()
    url = covered.seed(2, seeding)
    client.get(url)  # warm-up: per-process caches (content types, roles) fill on the first request
    with_two, rows = get_counted(client, url)
    assert len(rows) == covered.shown(2)
    covered.seed(10, seeding)
    with_twelve, rows = get_counted(client, url)
    assert len(rows) == covered.shown(12)
    assert with_twelve == with_two, f"{path}: {with_two} queries for 2 rows, {with_twelve} for 12"
