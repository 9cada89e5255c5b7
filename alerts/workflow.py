"""The analyst's alert actions: acknowledge, assign (take), resolve with a disposition, notes, bulk acknowledge.

Every action locks the alert row (select_for_update) in one durable transaction, so two analysts
acting at once are serialised: the second sees the first's change and gets a 409 naming the holder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.roles import has_capability
from alerts.choices import AlertStatus, Disposition
from alerts.events import publish_alert_changed, publish_alerts_changed, user_ref
from alerts.models import Alert, AlertNote
from alerts.selectors import alert_list_visible_to
from alerts.services import alert_mark_resolved
from audit.services import audit_record
from rtcc.errors import ApplicationError, Conflict, InvalidInput, NotFound, PermissionDenied

ANALYST_DISPOSITIONS = [d for d in Disposition.values if d != Disposition.SYSTEM]
BULK_MAX = 200


def _require_work(user: Any) -> None:
    if not has_capability(user, "alerts.work"):
        raise PermissionDenied("Your role does not allow working alerts.")


def _locked(user: Any, alert_id: int) -> Alert:
    # Visibility first (not yours = missing), then the row lock for the state check.
    if not alert_list_visible_to(user=user).filter(pk=alert_id).exists():
        raise NotFound(f"No such alert: {alert_id}.")
    # Lock first, then read with the joins in a new statement: a locking SELECT that had to wait
    # re-checks the alert row but not the joined user rows (they would be from before the wait).
    list(Alert.objects.select_for_update().filter(pk=alert_id).values_list("pk"))
    return Alert.objects.select_related("assignee", "acknowledged_by", "resolved_by").get(pk=alert_id)


def _who(user: Any) -> str:
    name = user.get_full_name()
    return f"{user.get_username()} ({name})" if name else user.get_username()


def holder_text(alert: Alert) -> str:
    """'assigned to jdoe (Jane Doe)' / 'acknowledged by jdoe' / 'resolved by …' / 'new'."""
    if alert.status == AlertStatus.RESOLVED:
        return f"resolved by {_who(alert.resolved_by)}" if alert.resolved_by else "resolved by the source"
    if alert.status == AlertStatus.ASSIGNED and alert.assignee:
        return f"assigned to {_who(alert.assignee)}"
    if alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by:
        return f"acknowledged by {_who(alert.acknowledged_by)}"
    return str(alert.status)


def _conflict(alert: Alert, action: str) -> Conflict:
    return Conflict(
        f"status: alert {alert.pk} is already {holder_text(alert)}; cannot {action}.",
        details={"status": alert.status, "holder": _holder_ref(alert)},
    )


def _holder_ref(alert: Alert) -> dict[str, Any] | None:
    holder = {
        AlertStatus.ASSIGNED: alert.assignee,
        AlertStatus.ACKNOWLEDGED: alert.acknowledged_by,
        AlertStatus.RESOLVED: alert.resolved_by,
    }.get(AlertStatus(alert.status))
    ref = user_ref(holder)
    return dict(ref) if ref else None


def _refuse_if_held_by_other(user: Any, alert: Alert) -> None:
    # An assigned alert belongs to its assignee; only they or a supervisor may move or close it.
    if (
        alert.status == AlertStatus.ASSIGNED
        and alert.assignee_id != user.pk
        and not has_capability(user, "alerts.oversight")
    ):
        raise Conflict(
            f"assignee: alert {alert.pk} is held by {_who(alert.assignee)}.",
            details={"status": alert.status, "holder": _holder_ref(alert)},
        )


def _acknowledge(user: Any, alert: Alert) -> None:
    if alert.status != AlertStatus.NEW:
        raise _conflict(alert, "acknowledge")
    alert.status, alert.acknowledged_by, alert.acknowledged_at = AlertStatus.ACKNOWLEDGED, user, timezone.now()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "updated_at"])
    audit_record(actor=user, action="alert.acknowledge", object_ref=f"alert:{alert.pk}")


def alert_acknowledge(*, user: Any, alert_id: int) -> Alert:
    """I have seen it: new -> acknowledged (only from new)."""
    _require_work(user)
    with transaction.atomic(durable=True):
        alert = _locked(user, alert_id)
        _acknowledge(user, alert)
        publish_alert_changed(alert=alert, created=False)
    return alert


def alert_assign(*, user: Any, alert_id: int, assignee_id: int | None = None) -> Alert:
    """Take an alert (default: assign to myself). Re-assigning a held alert: its assignee or a supervisor only."""
    _require_work(user)
    assignee = user
    if assignee_id is not None and assignee_id != user.pk:
        assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None or not has_capability(assignee, "alerts.work"):
            raise InvalidInput(f"assignee: user {assignee_id} does not exist or cannot work alerts.")
    with transaction.atomic(durable=True):
        alert = _locked(user, alert_id)
        if alert.status == AlertStatus.RESOLVED:
            raise _conflict(alert, "assign")
        _refuse_if_held_by_other(user, alert)
        if alert.status == AlertStatus.ASSIGNED and alert.assignee_id == assignee.pk:
            raise _conflict(alert, "assign it again")
        now = timezone.now()
        if alert.acknowledged_at is None:  # taking an alert also acknowledges it (time-to-acknowledge)
            alert.acknowledged_by, alert.acknowledged_at = user, now
        previous = alert.assignee_id
        alert.status, alert.assignee, alert.assigned_at = AlertStatus.ASSIGNED, assignee, now
        alert.save(
            update_fields=["status", "assignee", "assigned_at", "acknowledged_by", "acknowledged_at", "updated_at"]
        )
        audit_record(
            actor=user,
            action="alert.assign",
            object_ref=f"alert:{alert.pk}",
            details={"assignee": assignee.pk, "previous": previous},
        )
        publish_alert_changed(alert=alert, created=False)
    return alert


def alert_resolve(*, user: Any, alert_id: int, disposition: str, note: str = "") -> Alert:
    """Close an alert with a disposition (required). An alert held by someone else: theirs or a supervisor's."""
    _require_work(user)
    if not disposition:
        raise InvalidInput("disposition: required")
    if disposition not in ANALYST_DISPOSITIONS:
        raise InvalidInput(f"disposition: one of {ANALYST_DISPOSITIONS}")
    note = note.strip()
    with transaction.atomic(durable=True):
        alert = _locked(user, alert_id)
        if alert.status == AlertStatus.RESOLVED:
            raise _conflict(alert, "resolve")
        _refuse_if_held_by_other(user, alert)
        _close(user, alert, disposition, note)
        publish_alert_changed(alert=alert, created=False)
    return alert


def _close(user: Any, alert: Alert, disposition: str, note: str) -> None:
    alert_mark_resolved(alert=alert, user=user, disposition=disposition, note=note)
    if note:
        AlertNote.objects.create(alert=alert, author=user, text=note)
    audit_record(
        actor=user, action="alert.resolve", object_ref=f"alert:{alert.pk}", details={"disposition": disposition}
    )


def alert_note_add(*, user: Any, alert_id: int, text: str) -> AlertNote:
    """Append a note (never edited or removed); open or resolved alerts alike."""
    _require_work(user)
    text = text.strip()
    if not text:
        raise InvalidInput("text: required")
    if len(text) > 1000:
        raise InvalidInput("text: at most 1000 characters")
    with transaction.atomic(durable=True):
        alert = _locked(user, alert_id)
        note = AlertNote.objects.create(alert=alert, author=user, text=text)
        audit_record(actor=user, action="alert.note", object_ref=f"alert:{alert.pk}")
        publish_alert_changed(alert=alert, created=False)
    return note


class BulkResult(TypedDict):
    id: int
    ok: bool
    status: int
    error: str


def alerts_acknowledge_bulk(*, user: Any, ids: Sequence[int]) -> list[BulkResult]:
    """Acknowledge each alert it can; the others are reported (not found / already held), never a 500."""
    _require_work(user)
    unique_ids = list(dict.fromkeys(ids))
    if not unique_ids:
        raise InvalidInput("ids: give at least one alert id")
    if len(unique_ids) > BULK_MAX:
        raise InvalidInput(f"ids: at most {BULK_MAX} at once")
    results: dict[int, BulkResult] = {}
    with transaction.atomic(durable=True):
        visible = set(alert_list_visible_to(user=user).filter(pk__in=unique_ids).values_list("pk", flat=True))
        # Lock in id order: two bulk requests over overlapping ids cannot deadlock.
        list(Alert.objects.select_for_update().filter(pk__in=visible).order_by("pk").values_list("pk"))
        alerts = list(
            Alert.objects.select_related("assignee", "acknowledged_by", "resolved_by")
            .filter(pk__in=visible)
            .order_by("pk")
        )
        done: list[Alert] = []
        for alert in alerts:
            try:
                _acknowledge(user, alert)
            except ApplicationError as error:
                results[alert.pk] = BulkResult(id=alert.pk, ok=False, status=error.status_code, error=error.message)
            else:
                results[alert.pk] = BulkResult(id=alert.pk, ok=True, status=200, error="")
                done.append(alert)
        if done:
            publish_alerts_changed(alerts=done, created=False)
    return [results.get(i) or BulkResult(id=i, ok=False, status=404, error=f"No such alert: {i}.") for i in unique_ids]
