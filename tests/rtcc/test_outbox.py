"""Outbox: events are written in the change's transaction and broadcast only after commit."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import transaction

from rtcc import outbox
from rtcc.models import OutboxEvent


@pytest.mark.django_db
def test_broadcast_waits_for_commit(django_capture_on_commit_callbacks: Any) -> None:
    with mock.patch("rtcc.realtime.broadcast") as broadcast:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            rows = outbox.record_events(stream="ops", events=[("incident.created", {"id": 1})])
            broadcast.assert_not_called()
        assert len(callbacks) == 1
    broadcast.assert_called_once()
    (message,) = broadcast.call_args.kwargs["messages"]
    assert message["seq"] == rows[0].seq
    assert message["type"] == "incident.created"


@pytest.mark.django_db
def test_rolled_back_change_leaves_no_event_and_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with mock.patch("rtcc.realtime.broadcast") as broadcast:
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            outbox.record_events(stream="ops", events=[("incident.created", {"id": 1})])
            raise RuntimeError("the change failed")
        assert callbacks == []
    broadcast.assert_not_called()
    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_events_must_be_written_inside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        outbox.record_events(stream="ops", events=[("incident.created", {"id": 1})])


@pytest.mark.django_db
def test_seq_increases_in_write_order() -> None:
    with transaction.atomic():
        first = outbox.record_events(stream="ops", events=[("a", {}), ("b", {})])
    with transaction.atomic():
        second = outbox.record_events(stream="ops", events=[("c", {})])
    seqs = [row.seq for row in first + second]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
