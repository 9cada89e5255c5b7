"""Generated access test: every route the URL resolver knows, for every role (and anonymous).

A new page or API without an entry in accounts.roles.CAPABILITIES (or an explicit public /
feed-key exemption below) fails this file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import CAPABILITIES, Role
from tests.factories import CameraFactory, IncidentFactory

# Routes that are deliberately reachable without a role, and why.
PUBLIC = {
    "": "redirects to /wall/ or /ops/, which are guarded",
    "healthz": "liveness probe for load balancers; returns no data",
    "favicon.ico": "redirect to the static icon",
    "accounts/login/": "the sign-in page",
    "accounts/logout/": "signing out",
    "cameras/register/": "community camera self-registration (honeypot + per-IP rate limit)",
    "cameras/register/thanks/": "shows the submitter the reference of their own submission (from their session)",
}
# Routes authenticated by a feed API key, never by a person's session (tests/feeds/test_ingest_api.py).
FEED_KEY = {
    "api/v1/ingest/cad/",
    "api/v1/ingest/shots/",
    "api/v1/ingest/cap/",
    "api/v1/ingest/gps/",
    "api/v1/ingest/lpr/",
    "api/v1/ingest/lpr/openalpr/",
}
# Admin site: one capability for every admin URL; a representative sample is requested.
ADMIN_SAMPLE = [
    "/admin/",
    "/admin/incidents/incident/",
    "/admin/incidents/calltype/",
    "/admin/feeds/feed/",
    "/admin/feeds/deadletter/",
    "/admin/auth/user/",
    "/admin/shots/shotsfired/",
    "/admin/alerts/alert/",
    "/admin/cap/capalert/",
    "/admin/cameras/camera/",
    "/admin/cameras/camera/add/",
    "/admin/lpr/reader/",
    "/admin/lpr/hit/",
]
# Query strings a route needs to answer 200 when allowed.
REQUIRED_QUERY = {
    "api/v1/events/": "?after=0",
    "api/v1/monitoring/subjects/<int:subject_id>/track/": "?purpose=investigation&case_number=M-1",
    "api/v1/monitoring/subjects/positions/": "?purpose=investigation&case_number=M-1",
    "api/v1/search/": "?q=main",
    "api/v1/cameras/nearby/": "?lat=43.05&lon=-87.95&radius=300",
    "api/v1/correlation/": "?lat=43.05&lon=-87.95",
    "api/v1/lpr/reads/search/": "?purpose=stolen_vehicle&case_number=M-1&plate=ABC123",
    "api/v1/lpr/reads/export/": "?purpose=stolen_vehicle&case_number=M-1&plate=ABC123",
    "api/v1/areas/at/": "?lat=43.05&lon=-87.95",
    "api/v1/evidence/<int:evidence_id>/download/": "?reason=matrix",
}
# Placeholders that mean another object than the default for routes under a prefix.
PREFIXED_PLACEHOLDERS = {
    "api/v1/cameras/": {"<int:pk>": "camera", "<int:job_id>": "camera_job"},
    "cameras/": {"<int:pk>": "camera", "<int:job_id>": "camera_job"},
    "api/v1/lpr/hits/": {"<int:pk>": "lpr_hit"},
    "api/v1/alerts/": {"<int:pk>": "alert"},
}
ROLES: list[str | None] = [None, "norole", Role.ANALYST, Role.SUPERVISOR, Role.ADMIN, Role.WALL]


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            route = prefix + str(entry.pattern)
            if route.startswith("admin/"):
                continue
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def capability_of(callback: Any) -> str | None:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return getattr(view_class, "capability", None) or getattr(callback, "capability", None)


ROUTES = sorted(walk(get_resolver().url_patterns))
GUARDED = [(route, capability_of(cb)) for route, cb in ROUTES if route not in PUBLIC and route not in FEED_KEY]
CALLBACKS = dict(ROUTES)


def answers_get(callback: Any) -> bool:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return view_class is None or hasattr(view_class, "get")


def test_every_route_is_guarded_or_declared_public() -> None:
    undeclared = [route for route, capability in GUARDED if capability not in CAPABILITIES]
    assert undeclared == [], f"routes without a capability in accounts.roles.CAPABILITIES: {undeclared}"
    assert {route for route, _ in ROUTES} >= set(PUBLIC) | FEED_KEY


def _client(role: str | None, make_user: Any) -> Client:
    client = Client()
    if role == "norole":
        client.force_login(make_user("matrix-norole", None))
    elif role is not None:
        client.force_login(make_user(f"matrix-{role}", Role(role)))
    return client


def _concrete(route: str, ids: dict[str, int]) -> str:
    path = route
    for prefix, overrides in PREFIXED_PLACEHOLDERS.items():
        if route.startswith(prefix):
            for placeholder, kind in overrides.items():
                path = path.replace(placeholder, str(ids[kind]))
    for placeholder, value in ids.items():
        if placeholder.startswith("<"):
            path = path.replace(placeholder, str(value))
    return "/" + path + REQUIRED_QUERY.get(route, "")


def _objects(make_user: Any) -> dict[str, int]:
    """One object of each kind a route can point at, so allowed roles get a 200, not a 404."""
    from feeds import services as feed_services
    from feeds.models import ImportJob

    feed, _ = feed_services.feed_create(name="Matrix CAD", kind="cad", slug="matrix-cad")
    job = ImportJob.objects.create(
        feed=feed,
        file="imports/matrix.csv",
        original_name="matrix.csv",
        mapping_name="milwaukee_cad.json",
        mapping_text="{}",
        created_by=make_user("matrix-owner", None),
    )
    from datetime import date

    from monitoring.models import Subject

    subject = Subject.objects.create(
        source="em", device_id="D-1", reference="EM-1", supervision_type="parole", active_from=date(2026, 1, 1)
    )
    return {
        "<int:pk>": IncidentFactory().id,
        "<int:job_id>": job.id,
        "<int:subject_id>": subject.id,
        "<int:rule_id>": _rule_id(make_user),
        "camera": _camera_with_files().id,
        "camera_job": ImportJob.objects.create(
            target="camera",
            file="imports/cameras.csv",
            original_name="cameras.csv",
            mapping_name="rtcc_cameras.json",
            mapping_text="{}",
            created_by=make_user("matrix-owner", None),
        ).id,
        **_lpr_objects(make_user),
        "alert": _alert().pk,
        "<int:operation_id>": _operation(make_user).pk,
        "<int:bulletin_id>": _bulletin(make_user).pk,
        **_evidence_objects(make_user),
    }


def _evidence_objects(make_user: Any) -> dict[str, int]:
    """A case with one evidence file (written under the test's tmp MEDIA_ROOT)."""
    import hashlib

    from django.core.files.base import ContentFile

    from cases.models import Case
    from evidence.models import Evidence

    owner = make_user("matrix-owner", None)
    case = Case.objects.create(number="RTCC-MATRIX-EV", title="Matrix", lead=owner, created_by=owner)
    content = b"plate,at\nABC123,12:00\n"
    evidence = Evidence(
        case=case,
        title="Matrix reads",
        kind="export",
        original_name="reads.csv",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        mime_type="text/csv",
        uploader=owner,
    )
    evidence.file.save("reads.csv", ContentFile(content), save=True)
    return {"<int:case_id>": case.pk, "<int:evidence_id>": evidence.pk}


def _alert() -> Any:
    from alerts.services import alert_raise_or_update

    # On the ops stream, so every role that reads alerts may open it.
    return alert_raise_or_update(type="cap", source_key="matrix:1", priority=3, title="Matrix alert")


def _rule_id(make_user: Any) -> int:
    from rules.models import Rule

    owner = make_user("matrix-owner", None)
    actions = {"raise_alert": {"priority": 1, "title": "{call_type}"}, "audience": "ops"}
    rule = Rule.objects.create(
        name="Matrix rule", trigger="incident", actions=actions, created_by=owner, updated_by=owner
    )
    return rule.pk


def _bulletin(make_user: Any) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from bulletins.models import Bulletin

    owner = make_user("matrix-owner", None)
    expires = timezone.now() + timedelta(days=1)
    return Bulletin.objects.create(kind="bolo", title="Matrix bulletin", expires_at=expires, created_by=owner)


def _operation(make_user: Any) -> Any:
    from datetime import timedelta

    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.utils import timezone

    from operations.models import Operation

    now = timezone.now()
    square = Polygon(((-87.96, 43.04), (-87.94, 43.04), (-87.94, 43.06), (-87.96, 43.06), (-87.96, 43.04)))
    return Operation.objects.create(
        name="Matrix operation",
        area=MultiPolygon(square, srid=4326),
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=5),
        created_by=make_user("matrix-owner", None),
    )


def _camera_with_files() -> Any:
    from django.core.files.base import ContentFile

    camera = CameraFactory()
    camera.snapshot.save("snap.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32), save=False)
    camera.mou_file.save("mou.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    camera.save(update_fields=["snapshot", "mou_file"])
    return camera


def _lpr_objects(make_user: Any) -> dict[str, int]:
    from django.utils import timezone

    from cap.models import CapAlert
    from lpr.models import Hit, Hotlist, HotlistEntry

    owner = make_user("matrix-owner", None)
    hotlist = Hotlist.objects.create(name="Matrix list", source="bolo", owner=owner)
    entry = HotlistEntry.objects.create(hotlist=hotlist, plate="ABC123", plate_confusable="A8C123", reason="matrix")
    cap = CapAlert.objects.create(
        source="matrix",
        sender="matrix",
        identifier="M-1",
        sent="2026-01-01T00:00:00Z",
        status="Actual",
        msg_type="Alert",
        scope="Public",
        event="Test",
        severity="Minor",
        urgency="Past",
        certainty="Observed",
        infos=[],
        xml="<alert/>",
    )
    # Actionable, so every role that reads LPR data may open it (unverified hits are for the distribution).
    hit = Hit.objects.create(
        read_id=1,
        read_at=timezone.now(),
        entry=entry,
        hotlist=hotlist,
        kind="exact",
        priority=2,
        plate="ABC123",
        status="actionable",
        verified_by=owner,
        verified_at=timezone.now(),
    )
    return {
        "<int:hotlist_id>": hotlist.pk,
        "<int:entry_id>": entry.pk,
        "<int:cap_id>": cap.pk,
        "<int:hit_id>": hit.pk,
        "lpr_hit": hit.pk,
    }


def _assert_access(
    response: Any, *, allowed: bool, anonymous: bool, url: str, is_api: bool, reads: bool = True
) -> None:
    if allowed:
        # A POST-only action answers an allowed role's GET with 405: the role check came first.
        expected = 200 if reads else 405
        assert response.status_code == expected, f"{url}: expected {expected}, got {response.status_code}"
    elif anonymous and not is_api:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    elif anonymous:
        assert response.status_code == 401, f"{url}: expected 401, got {response.status_code}"
    else:
        assert response.status_code == 403, f"{url}: expected 403, got {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda r: str(r or "anonymous"))
@pytest.mark.parametrize(("route", "capability"), GUARDED, ids=[route for route, _ in GUARDED])
def test_route_allows_exactly_the_roles_of_its_capability(
    make_user: Any, role: str | None, route: str, capability: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path  # camera snapshot and MOU files of _objects()
    url = _concrete(route, _objects(make_user))
    response = _client(role, make_user).get(url)
    allowed = role in CAPABILITIES[capability]
    _assert_access(
        response,
        allowed=allowed,
        anonymous=role is None,
        url=url,
        is_api=route.startswith("api/"),
        reads=answers_get(CALLBACKS[route]),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda r: str(r or "anonymous"))
@pytest.mark.parametrize("url", ADMIN_SAMPLE)
def test_admin_site_is_for_the_admin_role_only(make_user: Any, role: str | None, url: str) -> None:
    response = _client(role, make_user).get(url)
    if role == Role.ADMIN:
        assert response.status_code == 200, url
    else:
        # The admin site sends everyone else to its own login page.
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


@pytest.mark.django_db
def test_public_routes_answer_without_login() -> None:
    client = Client()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/").status_code == 302
