"""An audit row and an outbox event in one transaction, written in either order, never deadlock.

The chain trigger takes the outbox lock before its own (audit migration 0005). Before that, a
transaction holding the outbox lock and waiting for the chain lock deadlocked with one holding the
chain lock and waiting for the outbox lock (schemathesis found it on two concurrent case opens).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction

from audit.chain import chain_verify
from audit.services import audit_record
from rtcc.outbox import record_events

pytestmark = pytest.mark.django_db(transaction=True)


def test_event_then_audit_and_audit_then_event_do_not_deadlock() -> None:
    errors: list[BaseException] = []
    first_holds_outbox = threading.Event()

    def event_then_audit() -> None:
        try:
            with transaction.atomic():
                record_events(stream="ops", events=[("test.lock_order", {"n": 1})])
                first_holds_outbox.set()
                time.sleep(0.5)  # the other thread reaches its audit insert meanwhile
                audit_record(actor=None, action="test.lock_order", object_ref="first")
        except BaseException as exc:
            errors.append(exc)
        finally:
            first_holds_outbox.set()
            connections.close_all()

    def audit_then_event() -> None:
        try:
            first_holds_outbox.wait(timeout=10)
            with transaction.atomic():
                audit_record(actor=None, action="test.lock_order", object_ref="second")
                record_events(stream="ops", events=[("test.lock_order", {"n": 2})])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=event_then_audit), threading.Thread(target=audit_then_event)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert chain_verify().broken is None
