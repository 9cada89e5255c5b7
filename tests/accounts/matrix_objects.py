"""One object of each kind a route can point at, for the generated access test."""

from __future__ import annotations

from typing import Any

from tests.factories import CameraFactory, IncidentFactory


def matrix_objects(make_user: Any) -> dict[str, Any]:
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
        **_audit_objects(make_user),
        **_analytics_objects(),
        "<int:report_id>": _shift_report().pk,
    }


def _shift_report() -> Any:
    from datetime import UTC, date, datetime

    from analytics.models import ShiftReport

    starts, ends = datetime(2026, 1, 1, 13, tzinfo=UTC), datetime(2026, 1, 1, 21, tzinfo=UTC)
    return ShiftReport.objects.create(shift_date=date(2026, 1, 1), shift="Day", starts_at=starts, ends_at=ends)


def _analytics_objects() -> dict[str, Any]:
    """A dashboard with at least one table, that table's key (CSV export) and a drill-down kind."""
    from analytics.dashboards import dashboards
    from analytics.filters import MetricFilter

    board = next((board for board in dashboards() if board.tables), dashboards()[0])
    table = board.tables[0](MetricFilter.last_days()).key if board.tables else "no-table-yet"
    return {"<dashboard:key>": board.key, "<slug:key>": board.key, "<slug:table>": table, "<slug:kind>": "incidents"}


def _audit_objects(make_user: Any) -> dict[str, int]:
    from django.utils import timezone

    from audit.models import AuditFlag
    from audit.services import audit_record

    now = timezone.now()
    flag = AuditFlag.objects.create(
        kind="off_shift",
        user=make_user("matrix-flagged", None),
        key="",
        day=now.date(),
        window_start=now,
        window_end=now,
        count=1,
        first_event_at=now,
        last_event_at=now,
    )
    return {"<int:event_id>": audit_record(actor=None, action="matrix.seed").pk, "<int:flag_id>": flag.pk}


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
