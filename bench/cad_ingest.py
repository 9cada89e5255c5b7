"""CAD ingest end to end (POST → 202 → worker → incidents persisted) against raw COPY into the same table.

Run through `make bench`. Starts its own uvicorn and Celery worker on the development database
(with a private Redis database), uses a feed and source names of its own, and deletes every row
it wrote before it exits. Prints records/s for both paths and their ratio.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcc.settings")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
# Pub/sub channels ignore the Redis database: a prefix of its own keeps a running demo out of it.
os.environ.setdefault("RTCC_CHANNEL_PREFIX", "rtcc-bench-cad")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
import requests  # noqa: E402
from django.db import connection  # noqa: E402

from feeds import services as feed_services  # noqa: E402
from feeds.models import DeadLetter, Feed, InboxBatch  # noqa: E402
from incidents.models import Incident  # noqa: E402
from rtcc.models import OutboxEvent  # noqa: E402

RECORDS = int(os.environ.get("BENCH_CAD_RECORDS", "20000"))
BATCH = int(os.environ.get("BENCH_CAD_BATCH", "1000"))
CLIENTS = 2


def records(run: str, count: int) -> list[dict[str, Any]]:
    base = datetime.now(UTC) - timedelta(hours=2)
    return [
        {
            "external_id": f"{run}-{i}",
            "call_type": "TRBL W/SUBJ",
            "priority": 3,
            "status": "received",
            "received_at": (base + timedelta(seconds=i % 3600)).isoformat(),
            "address": f"{100 + i % 900} N MAIN ST",
            "latitude": 43.0 + (i % 1000) / 10000,
            "longitude": -87.95 + (i % 1000) / 10000,
            "district": str(1 + i % 7),
        }
        for i in range(count)
    ]


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_CONN_MAX_AGE": "0", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def end_to_end(run: str, key: str, port: int) -> float:
    rows = records(run, RECORDS)
    batches = [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]
    session = requests.Session()
    session.headers["Authorization"] = f"Api-Key {key}"

    def post(batch: list[dict[str, Any]]) -> None:
        response = session.post(f"http://127.0.0.1:{port}/api/v1/ingest/cad/", json={"records": batch}, timeout=120)
        response.raise_for_status()

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(post, batches))
    wait_for(lambda: Incident.objects.filter(source=run).count() == RECORDS, 600, "incidents persisted")
    return RECORDS / (time.perf_counter() - started)


def raw_copy(source: str) -> float:
    rows = records(source, RECORDS)
    now = datetime.now(UTC).isoformat()
    buffer = io.StringIO()
    for row in rows:
        point = f"SRID=4326;POINT({row['longitude']} {row['latitude']})"
        fields = [
            source,
            row["external_id"],
            row["call_type"],
            "",
            "3",
            "received",
            row["received_at"],
            "\\N",
            "\\N",
            "\\N",
            row["address"],
            point,
            "ok",
            "",
            row["district"],
            "",
            "",
            now,
            now,
        ]
        buffer.write("\t".join(fields) + "\n")
    columns = (
        "source, external_id, call_type, final_call_type, priority, status, received_at, dispatched_at, "
        "arrived_at, closed_at, address, location, location_status, beat, district, disposition, narrative, "
        "created_at, updated_at"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.copy(f"COPY incidents_incident ({columns}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())
    return RECORDS / (time.perf_counter() - started)


def main() -> dict[str, Any]:
    run = f"bench-{secrets.token_hex(3)}"
    copy_source = f"{run}-copy"
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    feed, key = feed_services.feed_create(name=f"Benchmark {run}", kind="cad", slug=run)
    port = 8000 + secrets.randbelow(900) + 50
    logs = ROOT / "bench" / "results"
    web = start([sys.executable, "-m", "uvicorn", "rtcc.asgi:application", "--port", str(port)], logs / "web.log")
    worker = start(
        [sys.executable, "-m", "celery", "-A", "rtcc", "worker", "--concurrency", "2", "-l", "warning"],
        logs / "worker.log",
    )
    try:
        wait_for(lambda: _up(port), 60, "uvicorn")
        time.sleep(3)  # worker start-up
        e2e = end_to_end(run, key, port)
        copy = raw_copy(copy_source)
    finally:
        for process in (web, worker):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        DeadLetter.objects.filter(feed=feed).delete()
        InboxBatch.objects.filter(feed=feed).delete()
        Incident.objects.filter(source__in=[run, copy_source]).delete()
        OutboxEvent.objects.filter(payload__source=run).delete()
        Feed.objects.filter(pk=feed.pk).delete()
    return {
        "id": "cad_ingest",
        "what": f"CAD records/s end to end (POST→202→worker→persisted), {RECORDS} records in batches of {BATCH}, "
        f"{CLIENTS} clients; baseline: raw COPY of the same rows into incidents_incident",
        "records": RECORDS,
        "end_to_end_per_s": round(e2e),
        "raw_copy_per_s": round(copy),
        "ratio": round(e2e / copy, 3),
    }


def _up(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok
    except requests.RequestException:
        return False


if __name__ == "__main__":
    print(json.dumps(main()))
