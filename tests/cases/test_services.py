"""Case services: numbering, the state machine (409s), the append-only log, corrections, links."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEvent
from cases import services
from cases.choices import CaseStatus, LogKind
from cases.models import Case, CaseLink, CaseLogEntry
from rtcc.errors import Conflict, InvalidInput, PermissionDenied
from rtcc.models import OutboxEvent
from tests.factories import CameraFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def test_open_numbers_the_case_audits_and_tells_case_readers_only(analyst: Any) -> None:
    case = services.case_open(actor=analyst, title="  Carjacking  ", summary="")
    assert re.fullmatch(rf"RTCC-{timezone.now().year}-\d{{6}}", case.number)
    assert case.title == "Carjacking" and case.lead == analyst and case.status == CaseStatus.OPEN
    second = services.case_open(actor=analyst, title="Another")
    assert int(second.number[-6:]) == int(case.number[-6:]) + 1
    assert AuditEvent.objects.filter(action="case.open", case_number=case.number).exists()
    streams = set(OutboxEvent.objects.filter(type="case.opened").values_list("stream", flat=True))
    assert streams == {"role.analyst", "role.supervisor"}  # not "ops": the wall must not see cases


@pytest.mark.django_db(transaction=True)
def test_concurrent_opens_get_distinct_numbers(make_user: Any) -> None:
    users = [make_user(f"ana{i}", Role.ANALYST) for i in range(6)]
    barrier = threading.Barrier(len(users))
    numbers: list[str] = []
    errors: list[BaseException] = []

    def open_one(user: Any) -> None:
        try:
            barrier.wait(timeout=10)
            numbers.append(services.case_open(actor=user, title=f"case of {user.username}").number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert len(numbers) == 6 and len(set(numbers)) == 6


def test_state_machine_and_conflicts(case: Case, analyst: Any, supervisor: Any) -> None:
    with pytest.raises(Conflict):
        services.case_approve(actor=supervisor, case_id=case.pk)  # not submitted yet
    services.case_submit(actor=analyst, case_id=case.pk)
    with pytest.raises(Conflict):
        services.case_submit(actor=analyst, case_id=case.pk)
    with pytest.raises(PermissionDenied):
        services.case_approve(actor=analyst, case_id=case.pk)
    with pytest.raises(InvalidInput, match="comment: required"):
        services.case_return(actor=supervisor, case_id=case.pk, comment="   ")
    services.case_return(actor=supervisor, case_id=case.pk, comment="Add the camera you reviewed.")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    returned = case.log.get(kind=LogKind.RETURNED)
    assert returned.text == "Add the camera you reviewed." and returned.author == supervisor
    services.case_submit(actor=analyst, case_id=case.pk)
    services.case_approve(actor=supervisor, case_id=case.pk)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.approved_by == supervisor and case.approved_at
    with pytest.raises(Conflict):
        services.case_update(actor=analyst, case_id=case.pk, changes={"title": "changed"})
    with pytest.raises(Conflict):
        services.case_link_add(actor=analyst, case_id=case.pk, kind="incident", object_id=IncidentFactory().pk)
    late = services.log_append(actor=analyst, case_id=case.pk, text="Footage arrived from partner.")
    assert late.after_approval
    services.case_close(actor=analyst, case_id=case.pk)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at
    kinds = list(case.log.order_by("id").values_list("kind", flat=True))
    assert kinds == ["submitted", "returned", "submitted", "approved", "note", "closed"]
    assert not case.log.get(kind=LogKind.APPROVED).after_approval
    assert set(AuditEvent.objects.filter(case_number=case.number).values_list("action", flat=True)) >= {
        "case.open",
        "case.submitted",
        "case.returned",
        "case.approved",
        "case.closed",
        "case.log",
    }


def test_update_fields(case: Case, analyst: Any, supervisor: Any) -> None:
    services.case_update(
        actor=analyst,
        case_id=case.pk,
        changes={
            "summary": "Suspect vehicle located via LPR.",
            "contributions": ["vehicle_located", "footage_provided"],
            "outcome": "arrest",
            "external_numbers": ["MPD-26-001234"],
            "contributors": [supervisor.pk],
        },
    )
    case.refresh_from_db()
    assert case.outcome == "arrest" and case.external_numbers == ["MPD-26-001234"]
    assert list(case.contributors.all()) == [supervisor]
    with pytest.raises(InvalidInput, match="contributions"):
        services.case_update(actor=analyst, case_id=case.pk, changes={"contributions": ["magic"]})
    with pytest.raises(InvalidInput, match="number: cannot be changed"):
        services.case_update(actor=analyst, case_id=case.pk, changes={"number": "RTCC-1999-000001"})


def test_log_is_append_only_in_postgres(case: Case, analyst: Any) -> None:
    entry = services.log_append(actor=analyst, case_id=case.pk, text="Reviewed camera 12", kind="camera_reviewed")
    for sql in (
        "UPDATE cases_caselogentry SET text = 'edited' WHERE id = %s",
        "DELETE FROM cases_caselogentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.text == "Reviewed camera 12"


def test_log_input_checks(case: Case, analyst: Any) -> None:
    with pytest.raises(InvalidInput, match="text: required"):
        services.log_append(actor=analyst, case_id=case.pk, text="  \n ")
    with pytest.raises(InvalidInput, match="action_at: cannot be in the future"):
        services.log_append(actor=analyst, case_id=case.pk, text="x", action_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(InvalidInput, match="action_at: more than 7 days"):
        services.log_append(actor=analyst, case_id=case.pk, text="x", action_at=timezone.now() - timedelta(days=8))
    with pytest.raises(InvalidInput, match="kind"):
        services.log_append(actor=analyst, case_id=case.pk, text="x", kind="approved")
    with pytest.raises(InvalidInput, match="corrects"):
        services.log_append(actor=analyst, case_id=case.pk, text="x", kind="correction")
    earlier = services.log_append(
        actor=analyst,
        case_id=case.pk,
        text="Relayed plate to units",
        kind="info_relayed",
        action_at=timezone.now() - timedelta(hours=2),
    )
    assert earlier.recorded_at > earlier.action_at
    assert CaseLogEntry.objects.filter(case=case).count() == 1  # nothing partial from the refused ones


def test_corrections_reference_an_entry_of_the_same_case(case: Case, analyst: Any) -> None:
    entry = services.log_append(actor=analyst, case_id=case.pk, text="Camera 14 reviewed", kind="camera_reviewed")
    fix = services.log_append(
        actor=analyst, case_id=case.pk, text="It was camera 41", kind="correction", corrects_id=entry.pk
    )
    assert fix.corrects == entry
    other = services.case_open(actor=analyst, title="Other")
    with pytest.raises(InvalidInput, match="corrects: no entry"):
        services.log_append(actor=analyst, case_id=other.pk, text="x", kind="correction", corrects_id=entry.pk)
    from cases.selectors import case_log

    shown = {e.pk: e for e in case_log(case=case)}
    assert shown[entry.pk].corrected_by == [fix.pk]  # type: ignore[attr-defined]


def test_links_checked_logged_and_unique(case: Case, analyst: Any, make_user: Any) -> None:
    camera = CameraFactory()
    link = services.case_link_add(actor=analyst, case_id=case.pk, kind="camera", object_id=camera.pk)
    assert link.label
    assert case.log.filter(kind=LogKind.LINK_ADDED, text__startswith=f"linked camera {camera.pk}").exists()
    with pytest.raises(Conflict, match="already linked"):
        services.case_link_add(actor=analyst, case_id=case.pk, kind="camera", object_id=camera.pk)
    with pytest.raises(InvalidInput, match="object_id: no incident"):
        services.case_link_add(actor=analyst, case_id=case.pk, kind="incident", object_id=999999)
    with pytest.raises(InvalidInput, match="object_id"):
        services.case_link_add(actor=analyst, case_id=case.pk, kind="lpr_read", object_id=999999)
    incident = IncidentFactory()
    services.case_link_add(actor=analyst, case_id=case.pk, kind="incident", object_id=incident.pk)
    assert CaseLink.objects.filter(case=case).count() == 2
    wall = make_user("wall1", Role.WALL)
    with pytest.raises(PermissionDenied):
        services.case_link_add(actor=wall, case_id=case.pk, kind="incident", object_id=incident.pk)


def test_open_with_links_is_all_or_nothing(analyst: Any) -> None:
    incident = IncidentFactory()
    with pytest.raises(InvalidInput):
        services.case_open(actor=analyst, title="x", links=[("incident", incident.pk), ("camera", 987654)])
    assert not Case.objects.exists() and not CaseLink.objects.exists()


def test_plate_searched_refers_to_the_actors_own_audited_search(case: Case, analyst: Any, supervisor: Any) -> None:
    from audit.services import audit_record

    mine = audit_record(actor=analyst, action="lpr.search", purpose="robbery", case_number=case.number)
    theirs = audit_record(actor=supervisor, action="lpr.search", purpose="robbery", case_number=case.number)
    entry = services.log_append(
        actor=analyst, case_id=case.pk, kind="plate_searched", text="Searched ABC123", audit_event_id=mine.pk
    )
    assert entry.audit_event_id == mine.pk
    with pytest.raises(InvalidInput, match="audit_event_id: no search"):
        services.log_append(actor=analyst, case_id=case.pk, kind="plate_searched", text="x", audit_event_id=theirs.pk)
    with pytest.raises(InvalidInput, match="audit_event_id: only for a plate search"):
        services.log_append(actor=analyst, case_id=case.pk, kind="note", text="x", audit_event_id=mine.pk)
