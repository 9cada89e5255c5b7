"""Bulletin state machine, self-approval, versions, expiry and the append-only records (raw SQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEvent
from bulletins import services
from bulletins.choices import BulletinStatus
from bulletins.models import Bulletin, BulletinVersion, Dissemination
from rtcc.errors import Conflict, InvalidInput, PermissionDenied
from rtcc.models import OutboxEvent
from tests.bulletins.conftest import content

pytestmark = pytest.mark.django_db


def test_full_life_cycle(analyst: Any, supervisor: Any) -> None:
    bulletin = services.bulletin_create(actor=analyst, **content())
    assert (bulletin.status, bulletin.version) == (BulletinStatus.DRAFT, 1)
    services.bulletin_submit(actor=analyst, bulletin_id=bulletin.pk)
    approved = services.bulletin_approve(actor=supervisor, bulletin_id=bulletin.pk)
    assert approved.status == BulletinStatus.APPROVED and approved.approved_by == supervisor
    entry = services.bulletin_disseminate(
        actor=analyst, bulletin_id=bulletin.pk, recipients="District 3 patrol; MCSO", channel="email"
    )
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.DISSEMINATED
    assert (entry.version, entry.by, entry.channel) == (1, analyst, "email")
    actions = set(AuditEvent.objects.filter(object_ref=f"bulletin:{bulletin.pk}").values_list("action", flat=True))
    assert actions == {"bulletin.approve", "bulletin.disseminate"}
    assert OutboxEvent.objects.filter(type="bulletin.disseminated").exists()


def test_cannot_disseminate_before_approval(draft: Any, analyst: Any, supervisor: Any) -> None:
    for step in ("draft", "pending"):
        with pytest.raises(Conflict) as caught:
            services.bulletin_disseminate(actor=analyst, bulletin_id=draft.pk, recipients="All units", channel="radio")
        assert caught.value.message == "status: approve the bulletin before disseminating it", step
        if step == "draft":
            services.bulletin_submit(actor=analyst, bulletin_id=draft.pk)
    assert not Dissemination.objects.exists()


def test_author_cannot_approve_own_bulletin(supervisor: Any, second_supervisor: Any) -> None:
    bulletin = services.bulletin_create(actor=supervisor, **content())
    services.bulletin_submit(actor=supervisor, bulletin_id=bulletin.pk)
    with pytest.raises(PermissionDenied) as caught:
        services.bulletin_approve(actor=supervisor, bulletin_id=bulletin.pk)
    assert caught.value.message.startswith("approve: you wrote this bulletin")
    assert services.bulletin_approve(actor=second_supervisor, bulletin_id=bulletin.pk).status == "approved"


def test_supervisor_who_edited_cannot_approve(draft: Any, supervisor: Any, second_supervisor: Any) -> None:
    services.bulletin_update(actor=supervisor, bulletin_id=draft.pk, changes={"summary": "Edited by sup"})
    services.bulletin_submit(actor=supervisor, bulletin_id=draft.pk)
    with pytest.raises(PermissionDenied):
        services.bulletin_approve(actor=supervisor, bulletin_id=draft.pk)
    services.bulletin_approve(actor=second_supervisor, bulletin_id=draft.pk)


def test_analyst_cannot_approve(draft: Any, analyst: Any, make_user: Any) -> None:
    services.bulletin_submit(actor=analyst, bulletin_id=draft.pk)
    other = make_user("ana2", Role.ANALYST)
    with pytest.raises(PermissionDenied):
        services.bulletin_approve(actor=other, bulletin_id=draft.pk)


def test_approve_requires_pending(draft: Any, supervisor: Any) -> None:
    with pytest.raises(Conflict, match="status: only a bulletin pending approval"):
        services.bulletin_approve(actor=supervisor, bulletin_id=draft.pk)


def test_every_edit_is_a_version_and_editing_approved_needs_approval_again(
    approved: Any, analyst: Any, supervisor: Any
) -> None:
    services.bulletin_disseminate(actor=analyst, bulletin_id=approved.pk, recipients="All units", channel="print")
    edited = services.bulletin_update(actor=analyst, bulletin_id=approved.pk, changes={"title": "Suspect in custody?"})
    assert (edited.status, edited.version, edited.approved_by) == (BulletinStatus.DRAFT, 2, None)
    versions = list(BulletinVersion.objects.filter(bulletin=approved).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content["title"] == "Armed robbery suspect — red sedan"
    assert versions[1].content["title"] == "Suspect in custody?"
    assert versions[1].created_by == analyst
    with pytest.raises(Conflict, match="approve the bulletin"):
        services.bulletin_disseminate(actor=analyst, bulletin_id=approved.pk, recipients="x", channel="radio")
    services.bulletin_submit(actor=analyst, bulletin_id=approved.pk)
    services.bulletin_approve(actor=supervisor, bulletin_id=approved.pk)
    second = services.bulletin_disseminate(actor=analyst, bulletin_id=approved.pk, recipients="y", channel="radio")
    assert second.version == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "   "}, "title: this field may not be blank"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "expires_at: must be in the future"),
        ({"subjects": [{"name": "x", "shoe": "12"}]}, "subjects[0].shoe: unknown key"),
        ({"vehicles": [{}]}, "vehicles[0]: empty block"),
        ({"vehicles": "ABC123"}, "vehicles: must be a list of objects"),
    ],
)
def test_validation_names_the_field(analyst: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.bulletin_create(actor=analyst, **content(**overrides))
    assert caught.value.message.startswith(message)
    assert not Bulletin.objects.exists()


def test_expiry(draft: Any, analyst: Any) -> None:
    assert services.bulletins_expire_due(now=timezone.now()) == 0
    assert services.bulletins_expire_due(now=timezone.now() + timedelta(days=4)) == 1
    draft.refresh_from_db()
    assert draft.status == BulletinStatus.EXPIRED
    with pytest.raises(Conflict, match="status: the bulletin is expired and can no longer be changed"):
        services.bulletin_update(actor=analyst, bulletin_id=draft.pk, changes={"summary": "late"})


def test_withdraw_by_author_or_supervisor_only(draft: Any, make_user: Any, supervisor: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.bulletin_withdraw(actor=make_user("ana2", Role.ANALYST), bulletin_id=draft.pk)
    assert services.bulletin_withdraw(actor=supervisor, bulletin_id=draft.pk).status == BulletinStatus.WITHDRAWN


@pytest.mark.parametrize("statement", ["UPDATE {table} SET {column} = {value}", "DELETE FROM {table}"])
def test_dissemination_log_and_versions_are_append_only_in_the_database(
    approved: Any, analyst: Any, statement: str
) -> None:
    services.bulletin_disseminate(actor=analyst, bulletin_id=approved.pk, recipients="All units", channel="radio")
    for table, column, value in (
        ("bulletins_dissemination", "recipients", "'nobody'"),
        ("bulletins_bulletinversion", "content", "'{}'::jsonb"),
    ):
        with (
            pytest.raises((InternalError, ProgrammingError, IntegrityError)) as caught,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement.format(table=table, column=column, value=value))
        assert "append-only" in str(caught.value)
    assert Dissemination.objects.get().recipients == "All units"
    assert BulletinVersion.objects.filter(bulletin=approved).count() == 1


def test_the_beat_task_expires_due_bulletins() -> None:
    # The periodic task calls the same service as `manage.py expire_bulletins`.
    from bulletins.tasks import expire_due
    from rtcc.celery import app

    assert app.conf.beat_schedule["bulletins-expire-due"]["task"] == expire_due.name
    assert expire_due.apply().get() == 0  # nothing due in an empty database
