"""The audit hash chain: built by the database, verified by `audit_verify`, tampering found."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from accounts.roles import Role
from audit.chain import chain_verify
from audit.models import GENESIS_HASH, AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_verify", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def seed(actor: Any, count: int) -> list[AuditEvent]:
    return [
        audit_record(
            actor=actor,
            action="lpr.search",
            object_ref=f"lpr_read:{n}",
            purpose="robbery",
            case_number="RTCC-2026-000001",
            details={"criteria": {"plate_pattern": f"ABC{n}"}, "n": n},
        )
        for n in range(count)
    ]


def tamper(sql: str, params: list[Any]) -> None:
    """Change the trail behind the triggers' back, as someone with the table owner's rights could."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred FK checks first: ALTER needs none pending
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update_delete")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_no_update_delete")


def test_rows_are_chained_by_the_database_in_order(analyst: Any) -> None:
    events = seed(analyst, 3)
    assert [event.seq for event in events] == [1, 2, 3]  # read back from the INSERT … RETURNING
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert len({event.hash for event in events}) == 3
    stored = AuditEvent.objects.get(pk=events[2].pk)
    assert (stored.seq, stored.hash) == (3, events[2].hash)


def test_hash_is_sha256_of_prev_hash_and_canonical_content(analyst: Any) -> None:
    (event,) = seed(analyst, 1)
    event.refresh_from_db()
    micros = int(event.at.timestamp()) * 1_000_000 + event.at.microsecond
    with connection.cursor() as cursor:
        cursor.execute("SELECT details::text FROM audit_auditevent WHERE id = %s", [event.pk])
        details_text = cursor.fetchone()[0]
    content = (
        f'[{event.pk}, 1, {micros}, {analyst.pk}, "lpr.search", "lpr_read:0", "robbery", "RTCC-2026-000001", '
        f"{details_text}]"
    )
    assert event.hash == hashlib.sha256((GENESIS_HASH + content).encode()).hexdigest()


def test_hash_does_not_depend_on_the_session_time_zone(analyst: Any) -> None:
    seed(analyst, 2)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'Asia/Kathmandu'")
        audit_record(actor=analyst, action="test.tz", object_ref="x")
    assert chain_verify().intact


def test_intact_chain_verifies_and_prints_count_and_head(analyst: Any) -> None:
    events = seed(analyst, 4)
    code, out = verify()
    assert code == 0, out
    assert "events: 4" in out
    assert f"head: seq 4 hash {events[-1].hash}" in out
    assert "chain intact" in out


def test_empty_trail_verifies() -> None:
    code, out = verify()
    assert code == 0
    assert "events: 0" in out


def test_changed_row_is_named_by_its_seq(analyst: Any) -> None:
    events = seed(analyst, 5)
    tamper("UPDATE audit_auditevent SET object_ref = 'lpr_read:999' WHERE id = %s", [events[2].pk])
    code, out = verify()
    assert code == 1
    assert f"BROKEN at seq 3 (id {events[2].pk})" in out
    assert "content hash mismatch" in out


def test_rehashed_row_breaks_the_next_link(analyst: Any) -> None:
    """A forger who also recomputes the changed row's hash still breaks its successor's prev_hash."""
    events = seed(analyst, 4)
    tamper(
        """UPDATE audit_auditevent SET details = '{"n": 1}', hash = encode(sha256(convert_to(prev_hash ||
           jsonb_build_array(id, seq, (extract(epoch FROM at) * 1000000)::bigint, actor_id, action, object_ref,
           purpose, case_number, '{"n": 1}'::jsonb)::text, 'UTF8')), 'hex') WHERE id = %s""",
        [events[1].pk],
    )
    code, out = verify()
    assert code == 1
    assert "BROKEN at seq 3" in out
    assert "prev-hash mismatch" in out


def test_deleted_row_is_found_as_a_gap(analyst: Any) -> None:
    events = seed(analyst, 5)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    code, out = verify()
    assert code == 1
    assert "BROKEN at seq 3" in out
    assert "gap in seq: expected 2, found 3" in out
    assert "prev-hash mismatch" in out


def test_deleted_first_row_is_found(analyst: Any) -> None:
    events = seed(analyst, 2)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])
    code, out = verify()
    assert code == 1
    assert "BROKEN at seq 2" in out


def test_raw_sql_insert_is_chained_whatever_it_claims(analyst: Any) -> None:
    events = seed(analyst, 2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (action, seq, prev_hash, hash) VALUES ('raw.insert', 1, 'forged', 'forged')"
            " RETURNING seq, prev_hash, hash"
        )
        seq, prev_hash, digest = cursor.fetchone()
    assert (seq, prev_hash) == (3, events[1].hash)
    assert digest != "forged"
    code, out = verify()
    assert code == 0, out
    assert "events: 3" in out


def test_update_and_delete_are_still_refused(analyst: Any) -> None:
    (event,) = seed(analyst, 1)
    from django.db import Error

    for statement in ("UPDATE audit_auditevent SET purpose = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(Error, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).purpose == "robbery"


def test_expect_head_is_found_and_a_rewritten_head_is_not(analyst: Any) -> None:
    events = seed(analyst, 3)
    noted = events[1].hash
    seed(analyst, 2)
    code, out = verify("--expect-head", noted)
    assert code == 0, out
    assert "expected head found in the chain at seq 2" in out
    code, out = verify("--expect-head", "f" * 64)
    assert code == 1
    assert "EXPECTED HEAD NOT FOUND" in out


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_valid_chain(make_user: Callable[..., Any]) -> None:
    """Threads on their own connections write at once; the advisory lock serialises the chain."""
    users = [make_user(f"writer{n}", Role.ANALYST) for n in range(4)]
    per_thread = 25
    barrier = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def write(user: Any) -> None:
        try:
            barrier.wait()
            for n in range(per_thread):
                with transaction.atomic():
                    audit_record(actor=user, action="test.concurrent", object_ref=f"n:{n}")
                    if n % 5 == 0:  # a second row in the same transaction
                        audit_record(actor=user, action="test.concurrent", object_ref=f"n:{n}b")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    expected = len(users) * (per_thread + per_thread // 5)
    report = chain_verify()
    assert report.intact, report.broken
    assert report.count == expected
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, expected + 1))
