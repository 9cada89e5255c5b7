"""Retention with controlled time (explicit now=): expired reads purged, held, case-linked and hit reads
kept, whole day partitions dropped when nothing in them is kept, exact ledger counts, idempotent runs;
expired hits; partitions ahead; legal holds; the purge ledger API and page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from audit.models import AuditEvent
from lpr import retention
from lpr.models import Hit, Hotlist, HotlistEntry, PurgeLedger, Read, Reader
from lpr.partitions import existing_partitions, partition_name
from lpr.services.reads import reads_insert_and_match
from lpr.tasks_retention import create_read_partitions, purge_expired_reads

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
# 30 days of reads: everything before 2025-05-02 12:00 UTC has expired; hits: 365 days.
READ_CUTOFF = dt.datetime(2025, 5, 2, 12, 0, tzinfo=UTC)
HIT_CUTOFF = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_other_partitions(db: None) -> None:
    """Start from no day partitions: other tests' reads leave theirs (TRUNCATE keeps them), and these
    tests count the partitions dropped. Dropped inside the test's transaction, so they come back."""
    with connection.cursor() as cursor:
        for name in existing_partitions().values():
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(name)}")


@pytest.fixture(autouse=True)
def policies(settings: Any) -> None:
    settings.RTCC_LPR_READ_RETENTION_DAYS = 30
    settings.RTCC_LPR_HIT_RETENTION_DAYS = 365


class World:
    """Reads over several days; `ids[name]` is each read's id."""

    def __init__(self, feed: Any, hotlist: Hotlist) -> None:
        self.feed = feed
        self.entry = HotlistEntry.objects.create(hotlist=hotlist, plate="HIT123", plate_confusable="H1T123", reason="x")
        self.ids: dict[str, int] = {}

    def add(self, name: str, read_at: dt.datetime, *, hold: bool = False, case: str = "", hit: bool = False) -> None:
        record = {
            "external_id": name,
            "read_at": read_at,
            "plate_raw": "ABC123",
            "plate": "ABC123",
            "state": "WI",
            "confidence": 90.0,
            "latitude": None,
            "longitude": None,
            "reader": "pole-17",
        }
        with transaction.atomic():
            reads_insert_and_match(feed=self.feed, reads=[record])
        read_id = Read.objects.get(external_id=name).pk
        self.ids[name] = read_id
        if hold or case:
            Read.objects.filter(pk=read_id).update(legal_hold=hold, case_number=case)
        if hit:
            Hit.objects.create(
                read_id=read_id,
                read_at=read_at,
                entry=self.entry,
                hotlist=self.entry.hotlist,
                kind="exact",
                priority=1,
                plate="ABC123",
            )

    def remaining(self) -> set[str]:
        names = {read_id: name for name, read_id in self.ids.items()}
        return {names[read_id] for read_id in Read.objects.filter(pk__in=names).values_list("pk", flat=True)}


@pytest.fixture
def world(lpr_feed: tuple[Any, str], reader: Reader, hotlist: Hotlist) -> World:
    w = World(lpr_feed[0], hotlist)
    # Older than the hit retention: its only hit expires, then the read goes too (day dropped).
    w.add("old-hit-read", at("2024-05-01"), hit=True)
    # Older than the hit retention but held: hit and read both stay.
    w.add("old-held-hit-read", at("2024-05-02"), hit=True, hold=True)
    # 2025-04-20: nothing kept -> the whole partition is dropped.
    for n in range(3):
        w.add(f"apr20-{n}", at("2025-04-20", 8 + n))
    # 2025-04-21: one held read among five -> rewritten with the held read only.
    for n in range(4):
        w.add(f"apr21-{n}", at("2025-04-21", 8 + n))
    w.add("apr21-held", at("2025-04-21", 20), hold=True)
    # 2025-04-22: mostly kept (a case and a hit) -> the plain read is deleted.
    w.add("apr22-plain", at("2025-04-22", 8))
    w.add("apr22-case", at("2025-04-22", 9), case="2025-000123")
    w.add("apr22-hit", at("2025-04-22", 10), hit=True)
    # 2025-05-02 straddles the cutoff (12:00): the morning read expired, the evening one not.
    w.add("may02-morning", at("2025-05-02", 6))
    w.add("may02-evening", at("2025-05-02", 18))
    w.add("may20", at("2025-05-20"))
    return w


KEPT_AFTER_PURGE = {
    "old-held-hit-read",
    "apr21-held",
    "apr22-case",
    "apr22-hit",
    "may02-evening",
    "may20",
}


def test_expired_reads_are_purged_and_held_case_and_hit_reads_are_kept(world: World) -> None:
    hits, reads = retention.retention_purge(now=NOW)
    assert world.remaining() == KEPT_AFTER_PURGE
    assert (hits.rows_removed, reads.rows_removed, reads.partitions_dropped) == (1, 10, 2)
    assert Hit.objects.filter(read_id=world.ids["old-held-hit-read"]).exists()
    assert not Hit.objects.filter(read_id=world.ids["old-hit-read"]).exists()


def test_whole_days_with_nothing_kept_are_dropped_and_mostly_expired_days_rewritten(world: World) -> None:
    before = existing_partitions()
    retention.reads_purge(now=NOW)
    after = existing_partitions()
    dropped = {day.isoformat() for day in set(before) - set(after)}
    assert dropped == {"2025-04-20"}  # 2024-05-01 still has its hit until the hits policy runs
    assert dt.date(2025, 4, 21) in after  # rewritten: only the held read is left in it
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {partition_name(dt.date(2025, 4, 21))}")  # noqa: S608
        assert cursor.fetchone()[0] == 1


def test_the_ledger_records_each_policy_with_exact_counts(world: World) -> None:
    retention.retention_purge(now=NOW)
    hits = PurgeLedger.objects.get(policy="hits")
    reads = PurgeLedger.objects.get(policy="reads")
    assert (hits.rows_removed, hits.partitions_dropped, hits.window_end) == (1, 0, HIT_CUTOFF)
    assert hits.window_start == at("2024-05-01", 0)
    assert (reads.rows_removed, reads.partitions_dropped, reads.window_end) == (10, 2, READ_CUTOFF)
    assert reads.window_start == at("2024-05-01", 0)


def test_a_second_run_removes_nothing_and_says_so(world: World) -> None:
    retention.retention_purge(now=NOW)
    hits, reads = retention.retention_purge(now=NOW)
    assert (hits.rows_removed, reads.rows_removed, reads.partitions_dropped) == (0, 0, 0)
    assert world.remaining() == KEPT_AFTER_PURGE
    second = PurgeLedger.objects.order_by("-id")[:2]
    assert [(row.policy, row.rows_removed, row.partitions_dropped, row.window_start) for row in second] == [
        ("reads", 0, 0, None),
        ("hits", 0, 0, None),
    ]


def test_releasing_a_hold_lets_the_next_purge_take_the_read(world: World, supervisor: Any) -> None:
    retention.retention_purge(now=NOW)
    retention.reads_set_legal_hold(
        user=supervisor, read_ids=[world.ids["apr21-held"]], hold=False, reason="case closed"
    )
    _, reads = retention.retention_purge(now=NOW)
    assert (reads.rows_removed, reads.partitions_dropped) == (1, 1)
    assert "apr21-held" not in world.remaining()


def test_a_busy_table_makes_the_purge_delete_rows_instead_of_waiting(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test's own transaction holds every lock on lpr_read, so the lock timeout is simulated.
    def lock_timeout(*args: Any) -> None:
        try:
            raise psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
        except psycopg.Error as exc:
            raise OperationalError(str(exc)) from exc

    monkeypatch.setattr(retention, "_drop_or_rewrite", lock_timeout)
    outcome = retention.reads_purge(now=NOW)
    assert (outcome.rows_removed, outcome.partitions_dropped) == (9, 0)
    assert world.remaining() == KEPT_AFTER_PURGE | {"old-hit-read"}
    assert dt.date(2025, 4, 20) in existing_partitions()  # emptied now, dropped by the next run
    monkeypatch.undo()
    assert retention.reads_purge(now=NOW).partitions_dropped == 1


def test_only_one_purge_runs_at_a_time() -> None:
    with retention._only_one_purge() as first:
        db = settings.DATABASES["default"]
        with psycopg.connect(
            dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or 5432
        ) as other:
            taken = other.execute("SELECT pg_try_advisory_lock(%s)", [retention._PURGE_LOCK_KEY]).fetchone()
    assert first is True and taken == (False,)


def test_partitions_are_created_from_yesterday_to_a_week_ahead() -> None:
    today = dt.date(2031, 1, 10)
    created = retention.partitions_create_ahead(today=today)
    assert created == [partition_name(today + dt.timedelta(days=n)) for n in range(-1, 8)]
    assert retention.partitions_create_ahead(today=today) == []


def test_beat_tasks_call_the_services() -> None:
    assert len(create_read_partitions()) <= 9
    outcome = purge_expired_reads()
    assert set(outcome) == {"hits", "reads"} and outcome["reads"]["skipped"] is False
    assert PurgeLedger.objects.count() == 2


# --- legal holds ------------------------------------------------------------------------------

LEGAL_HOLD = "/api/v1/lpr/reads/legal-hold/"


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_supervisor_places_a_hold_and_attaches_reads_to_a_case(world: World, supervisor: Any) -> None:
    ids = [world.ids["apr20-0"], world.ids["apr20-1"]]
    body = {"read_ids": ids, "hold": True, "reason": "homicide 25-0117", "case_number": "25-0117"}
    response = api(supervisor).post(LEGAL_HOLD, body, format="json")
    assert response.status_code == 200 and response.json() == {"changed": 2}
    assert set(Read.objects.filter(pk__in=ids).values_list("legal_hold", "case_number")) == {(True, "25-0117")}
    (event,) = AuditEvent.objects.filter(action="lpr.legal_hold.place")
    assert (event.actor_id, event.case_number, event.details["read_ids"]) == (supervisor.pk, "25-0117", sorted(ids))
    retention.reads_purge(now=NOW)
    assert {"apr20-0", "apr20-1"} <= world.remaining() and "apr20-2" not in world.remaining()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"read_ids": [], "hold": True, "reason": "x"}, "read_ids"),
        ({"read_ids": [987654321], "hold": True, "reason": "x"}, "read_ids"),
        ({"read_ids": [1], "hold": True}, "reason"),
        ({"read_ids": [1], "reason": "x"}, "hold"),
        ({"read_ids": ["one"], "hold": True, "reason": "x"}, "read_ids"),
    ],
)
def test_legal_hold_bad_input_names_the_field(world: World, supervisor: Any, body: dict[str, Any], field: str) -> None:
    response = api(supervisor).post(LEGAL_HOLD, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"].startswith(field)
    assert not Read.objects.filter(legal_hold=True).exclude(external_id__contains="held").exists()


def test_only_supervisors_and_admins_place_legal_holds(world: World, analyst: Any, admin_user: Any) -> None:
    body = {"read_ids": [world.ids["may20"]], "hold": True, "reason": "x"}
    assert api(analyst).post(LEGAL_HOLD, body, format="json").status_code == 403
    assert APIClient().post(LEGAL_HOLD, body, format="json").status_code == 401
    assert api(admin_user).post(LEGAL_HOLD, body, format="json").status_code == 200


# --- the ledger, API and page -----------------------------------------------------------------


def test_purge_ledger_api_lists_runs_newest_first_in_few_queries(supervisor: Any) -> None:
    for n in range(5):
        PurgeLedger.objects.create(policy="reads", window_end=NOW, rows_removed=n, partitions_dropped=n % 2)
    with CaptureQueriesContext(connection) as queries:
        response = api(supervisor).get("/api/v1/lpr/purges/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5 and [row["rows_removed"] for row in body["results"]] == [4, 3, 2, 1, 0]
    assert set(body["results"][0]) == {
        "id",
        "policy",
        "window_start",
        "window_end",
        "rows_removed",
        "partitions_dropped",
        "ran_at",
    }
    assert len(queries) <= 4  # user's roles, count, page (plus the session/token lookup)
    assert api(supervisor).get("/api/v1/lpr/purges/", {"policy": "hits"}).json()["count"] == 0


def test_purge_ledger_is_for_supervisors_and_admins(analyst: Any, admin_user: Any) -> None:
    assert api(analyst).get("/api/v1/lpr/purges/").status_code == 403
    assert api(admin_user).get("/api/v1/lpr/purges/").status_code == 200
    client = Client()
    client.force_login(analyst)
    assert client.get("/lpr/purges/").status_code == 403


def test_purge_ledger_page_shows_runs_and_policies(world: World, supervisor: Any) -> None:
    retention.retention_purge(now=NOW)
    client = Client()
    client.force_login(supervisor)
    response = client.get("/lpr/purges/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="ledger-table"' in page and "30 days" in page and "365 days" in page
    assert [(p.policy, p.rows_removed) for p in response.context["purges"]] == [("reads", 10), ("hits", 1)]
