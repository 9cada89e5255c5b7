"""LPR: reads/s through the real ingest API (persisted and matched) against raw COPY; plate search over many reads.

Run through `make bench` (small defaults: 50,000 reads, search over 1,000,000) or alone for the
full figures of the LPR issue (about 10 minutes, 5 GB of disk while it runs):

    .venv/bin/python bench/lpr_ingest.py --reads 200000 --search-reads 10000000

Creates its own database (`rtcc_bench_lpr`, migrated like any other) and drops it before it exits:
the development database is never touched. In it: an LPR feed with 60 readers (10 mobile), a
hotlist of 100,000 entries over three lists (one set-based INSERT), and seeded reads of the last
hour of which about 0.5% carry a hotlist plate.

Ingest: starts uvicorn and a Celery worker (own processes, pointed at the bench database, a Redis
database of their own and the default dev settings), POSTs the reads to /api/v1/ingest/lpr/ in
batches of 10,000 from client threads, and times from the first POST until every inbox batch is
processed (reads persisted, matched, hits and their events written, all in one transaction per
batch); then checks that every read is stored and none dead-lettered. The baseline, in the same
run, is one raw COPY of the same rows into the same partitioned, fully indexed lpr_read (emptied
first, same partitions). Also printed: CPU seconds of uvicorn, of the worker and of the rest of the
machine (PostgreSQL, the client, and any other work on a shared machine) while reads flowed.

Search: fills lpr_read with --search-reads reads over 60 days (one INSERT … SELECT generate_series
per day partition, the days shared over two connections, indexes in place, timed separately),
ANALYZEs, then times what lpr.search runs for a plate — the newest 200 reads with their reader, plus
the total counted up to 10,000 when the page is full — for exact plates and for partial ones
('AB?12*' → LIKE 'AB_12%', the trigram index), each over a 30-day window. The EXPLAIN ANALYZE of one
of each goes to stderr.

The last line of stdout is the JSON that bench/run.py collects. Flags (see --help): --reads,
--batch, --clients, --web-workers, --worker-concurrency, --hotlist, --search-reads (0 skips the
search), --queries, --skip-ingest, --keep (leave the database for inspection; the next run drops it).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcc.settings")
# The worker's queue and the cache live in a Redis database of their own (tests use 9/14, CAD bench 12).
os.environ["REDIS_URL"] = os.environ.get("BENCH_LPR_REDIS_URL", "redis://127.0.0.1:6379/15")

import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
import requests  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from feeds import services as feed_services  # noqa: E402
from feeds.models import Feed  # noqa: E402
from lpr.ingest import clean_read  # noqa: E402
from lpr.models import Hotlist, Reader  # noqa: E402
from lpr.partitions import days_between, ensure_partitions  # noqa: E402
from lpr.plates import CONFUSABLE_SQL  # noqa: E402
from lpr.services.reads import COLUMNS  # noqa: E402

DATABASE = os.environ.get("BENCH_LPR_DATABASE", "rtcc_bench_lpr")
SEED = 2041
READERS = 60
MOBILE_READERS = 10  # patrol-car readers: their reads carry their own position
HIT_SHARE = 0.005
# The LPR issue's targets hold for its sizes (200,000 reads through the API, search over 10,000,000).
TARGET_READS = 200_000
TARGET_READS_PER_S = 20_000
TARGET_RATIO = 0.5
TARGET_SEARCH_READS = 10_000_000
SEARCH_DAYS = 60
WINDOW_DAYS = 30
TARGET_EXACT_P50_MS = 10.0
TARGET_PARTIAL_P50_MS = 200.0
CENTER = (43.05, -87.95)  # (lat, lon)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAKES = ["Toyota", "Ford", "Honda", "Chevrolet", "Nissan", "Hyundai", "Kia", ""]
COLORS = ["silver", "black", "white", "grey", "blue", "red", ""]
HOTLISTS = [
    ("NCIC stolen vehicles", "ncic", 1, 0.7),
    ("Local BOLO", "local", 2, 0.2),
    ("Parking scofflaws", "local", 4, 0.1),
]

# What lpr.search.reads_search runs for a plate (less its audit row): the newest PAGE reads with
# their reader and, when the page is full, the total counted up to TOTAL_CAP + 1.
PAGE, TOTAL_CAP = 200, 10_000
_SEARCH_WHERE = "{plate} AND r.read_at >= %(since)s AND r.read_at < %(until)s"
PAGE_SQL = f"""
SELECT r.*, reader.name FROM lpr_read r LEFT JOIN lpr_reader reader ON reader.id = r.reader_id
WHERE {_SEARCH_WHERE} ORDER BY r.read_at DESC, r.id DESC LIMIT {PAGE}
"""  # noqa: S608 (constant SQL; values are bound parameters)
COUNT_SQL = f"SELECT count(*) FROM (SELECT 1 FROM lpr_read r WHERE {_SEARCH_WHERE} LIMIT {TOTAL_CAP + 1}) capped"  # noqa: S608
EXACT = "r.plate = %(plate)s"
PARTIAL = "r.plate LIKE %(pattern)s"  # 'AB?12*' as the search page turns it: 'AB_12%'

# One day of generated reads: vehicle v = a hash of the read number; its plate is v written as
# three letters and four digits (exactly `plate_of` below), read by one of the seeded readers.
GENERATE_SQL = f"""
INSERT INTO lpr_read ({", ".join(COLUMNS)})
SELECT %(day_start)s::timestamptz + (g - %(first)s) * %(step)s * interval '1 microsecond',
       %(feed)s, r.id, 'gen-' || g, p.plate, p.plate, 'WI', 60 + (g %% 40), r.location, r.direction,
       (ARRAY['Toyota','Ford','Honda','Chevrolet',''])[1 + g %% 5], '',
       (ARRAY['silver','black','white',''])[1 + g %% 4], '', ''
FROM generate_series(%(first)s::bigint, %(last)s::bigint) g
CROSS JOIN LATERAL (SELECT abs(hashint8(g)::bigint) %% %(vehicles)s AS v) h
CROSS JOIN LATERAL (
    SELECT chr(65 + (h.v %% 26)::int) || chr(65 + (h.v / 26 %% 26)::int) || chr(65 + (h.v / 676 %% 26)::int)
           || lpad((h.v / 17576 %% 10000)::text, 4, '0') AS plate
) p
JOIN bench_readers r ON r.n = g %% %(readers)s
"""  # noqa: S608 (constant SQL; values are bound parameters)


def verdict(met: bool, full_size: bool) -> str:
    if not full_size:
        return "not judged (smaller than the issue's run)"
    return "pass" if met else "miss"


def plate_of(vehicle: int) -> str:
    """Python twin of the plate expression in GENERATE_SQL."""
    letters = "".join(LETTERS[vehicle // 26**k % 26] for k in range(3))
    return f"{letters}{vehicle // 17576 % 10000:04d}"


def random_plate(rng: random.Random) -> str:
    return "".join(rng.choices(LETTERS, k=3)) + f"{rng.randrange(10000):04d}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--reads", type=int, default=int(os.environ.get("BENCH_LPR_READS", "50000")), help="reads POSTed")
    add("--batch", type=int, default=10_000, help="reads per POST (the API allows 10,000)")
    add("--clients", type=int, default=2, help="client threads posting at once")
    add("--web-workers", type=int, default=2, help="uvicorn worker processes")
    add("--worker-concurrency", type=int, default=2, help="Celery worker processes")
    add("--hotlist", type=int, default=100_000, help="hotlist entries")
    add(
        "--search-reads",
        type=int,
        default=int(os.environ.get("BENCH_LPR_SEARCH_READS", "1000000")),
        help="reads generated for the search figures (0: no search)",
    )
    add("--queries", type=int, default=200, help="searches of each kind timed")
    add("--skip-ingest", action="store_true", help="search figures only")
    add("--keep", action="store_true", help="leave the bench database (the next run drops it)")
    return parser.parse_args()


# --- seeding -------------------------------------------------------------------------------------


def seed_feed(rng: random.Random) -> tuple[Any, str, list[Reader]]:
    feed, key = feed_services.feed_create(name="Bench LPR", kind="lpr", slug="bench-lpr")
    readers = []
    for n in range(READERS):
        mobile = n < MOBILE_READERS
        lat, lon = CENTER[0] + rng.uniform(-0.08, 0.08), CENTER[1] + rng.uniform(-0.1, 0.1)
        readers.append(
            Reader(
                name=f"Bench reader {n}",
                kind="mobile" if mobile else "fixed",
                feed=feed,
                external_id=f"reader-{n}",
                location=None if mobile else f"SRID=4326;POINT({lon} {lat})",
                direction="" if mobile else rng.choice(["NB", "SB", "EB", "WB"]),
            )
        )
    return feed, key, Reader.objects.bulk_create(readers)


def seed_hotlist(rng: random.Random, size: int) -> tuple[list[str], float]:
    """`size` distinct plates over a few hotlists in one INSERT … SELECT unnest(…); returns the plates."""
    owner = get_user_model().objects.create_user(username="bench-lpr-owner", password=secrets.token_urlsafe(24))
    hotlists = [
        Hotlist.objects.create(name=name, source=source, priority=priority, owner=owner)
        for name, source, priority, _ in HOTLISTS
    ]
    plates: set[str] = set()
    while len(plates) < size:
        plates.add(random_plate(rng))
    ordered = sorted(plates)
    rng.shuffle(ordered)
    weights = [share for *_, share in HOTLISTS]
    hotlist_ids = [rng.choices(hotlists, weights)[0].pk for _ in ordered]
    states = [rng.choice(["WI", "WI", "WI", "IL", ""]) for _ in ordered]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO lpr_hotlistentry (hotlist_id, plate_raw, plate, plate_confusable, state, reason, case_number,
                ncic_number, vehicle_description, effective_from, expires_at, entered_by_id, notes, external_id,
                active, created_at, updated_at)
            SELECT h, p, p, {CONFUSABLE_SQL.format(column="p")}, s, 'bench', '', '', '', NULL,
                   CASE WHEN n %% 10 = 0 THEN now() + interval '30 days' END, NULL, '', 'bench-' || n, true,
                   now(), now()
            FROM unnest(%s::int[], %s::text[], %s::text[]) WITH ORDINALITY AS t(h, p, s, n)
            """,  # noqa: S608 (constant SQL)
            [hotlist_ids, ordered, states],
        )
        cursor.execute("ANALYZE lpr_hotlistentry")
    return ordered, time.perf_counter() - started


def make_reads(rng: random.Random, count: int, hot_plates: list[str]) -> list[dict[str, Any]]:
    """Reads of the last hour as agents send them; about HIT_SHARE of them carry a hotlist plate."""
    now = datetime.now(UTC)
    reads = []
    for i in range(count):
        plate = rng.choice(hot_plates) if rng.random() < HIT_SHARE else random_plate(rng)
        reader = rng.randrange(READERS)
        read: dict[str, Any] = {
            "external_id": f"r{i:09d}",
            "read_at": (now - timedelta(seconds=rng.uniform(0, 3600))).isoformat(timespec="milliseconds"),
            "plate": f"{plate[:3]} {plate[3:]}" if i % 3 == 0 else plate,
            "state": "WI" if i % 7 else "",
            "confidence": round(rng.uniform(55, 99.5), 1),
            "reader": f"reader-{reader}",
            "vehicle_make": rng.choice(MAKES),
            "vehicle_color": rng.choice(COLORS),
            "image_ref": f"lpr/{now:%Y%m%d}/{i:09d}.jpg",
        }
        if reader < MOBILE_READERS:
            read["latitude"] = round(CENTER[0] + rng.uniform(-0.08, 0.08), 6)
            read["longitude"] = round(CENTER[1] + rng.uniform(-0.1, 0.1), 6)
        reads.append(read)
    return reads


# --- processes -----------------------------------------------------------------------------------


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgis://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url(), "DATABASE_CONN_MAX_AGE": "0", "PYTHONUNBUFFERED": "1"}
    env["RTCC_CHANNEL_PREFIX"] = "rtcc-bench-lpr"
    env["RTCC_LOG_LEVEL"] = "WARNING"
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and all its descendants (alive or reaped)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
        todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds spent busy by the whole machine since boot (every process, every helper)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def _up(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code < 500
    except requests.RequestException:
        return False


def _worker_up() -> bool:
    from rtcc.celery import app

    return bool(app.control.ping(timeout=0.5))


# --- ingest --------------------------------------------------------------------------------------


def batch_counts(feed_id: int) -> tuple[int, int, int]:
    """(batches, batches still waiting, records dead-lettered) of the feed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'received'), coalesce(sum(dead_letter_count), 0) "
            "FROM feeds_inboxbatch WHERE feed_id = %s",
            [feed_id],
        )
        return cursor.fetchone()


def through_api(args: argparse.Namespace, reads: list[dict[str, Any]], key: str, feed_id: int) -> dict[str, float]:
    bodies = [orjson.dumps({"records": reads[i : i + args.batch]}) for i in range(0, len(reads), args.batch)]
    port = 8000 + secrets.randbelow(900) + 50
    logs = ROOT / "bench" / "results"
    logs.mkdir(exist_ok=True)
    web = start(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "rtcc.asgi:application",
            "--port",
            str(port),
            "--no-access-log",
            "--workers",
            str(args.web_workers),
        ],
        logs / "lpr-web.log",
    )
    worker = start(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "rtcc",
            "worker",
            "--concurrency",
            str(args.worker_concurrency),
            "-n",
            f"bench-lpr-{secrets.token_hex(3)}@%h",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        logs / "lpr-worker.log",
    )
    try:
        wait_for(lambda: _up(port), 60, "uvicorn")
        wait_for(_worker_up, 60, "the Celery worker")
        session = requests.Session()
        headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
        url = f"http://127.0.0.1:{port}/api/v1/ingest/lpr/"

        def post(body: bytes) -> float:
            sent = time.perf_counter()
            response = session.post(url, data=body, headers=headers, timeout=300)
            if response.status_code != 202:
                raise SystemExit(f"ingest refused a batch: {response.status_code} {response.text[:500]}")
            return time.perf_counter() - sent

        load_before = os.getloadavg()[0]
        cpu_before = cpu_seconds(web.pid), cpu_seconds(worker.pid), machine_busy_seconds()
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            post_seconds = list(pool.map(post, bodies))
        accepted = time.perf_counter()
        wait_for(lambda: batch_counts(feed_id)[1] == 0, 1800, "every batch processed")
        finished = time.perf_counter()
        load_after = os.getloadavg()[0]
        cpu_after = cpu_seconds(web.pid), cpu_seconds(worker.pid), machine_busy_seconds()
    finally:
        stop(web)
        stop(worker)
    batches, _, dead = batch_counts(feed_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM lpr_read")
        (persisted,) = cursor.fetchone()
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE kind = 'exact') FROM lpr_hit")
        hits, exact = cursor.fetchone()
    if persisted != len(reads) or dead or batches != len(bodies):
        raise SystemExit(f"lost reads: {persisted} of {len(reads)} persisted, {dead} dead letters, {batches} batches")
    return {
        "seconds": finished - started,
        "accept_seconds": accepted - started,
        "post_p50_ms": statistics.median(post_seconds) * 1000,
        "hits": hits,
        "exact_hits": exact,
        "load_before": load_before,
        "load_after": load_after,
        "cpu_web": cpu_after[0] - cpu_before[0],
        "cpu_worker": cpu_after[1] - cpu_before[1],
        "cpu_machine": cpu_after[2] - cpu_before[2],
    }


def copy_text(reads: list[dict[str, Any]], feed_id: int, readers: dict[str, Reader]) -> str:
    """The rows the ingest path writes for these reads, as COPY text (prepared outside the timing)."""
    buffer = io.StringIO()
    for record in reads:
        read = clean_read(record)
        reader = readers[read["reader"]]
        if read["latitude"] is not None:
            location = f"SRID=4326;POINT({read['longitude']} {read['latitude']})"
        elif reader.location is not None:
            location = f"SRID=4326;POINT({reader.location.x} {reader.location.y})"
        else:
            location = "\\N"
        fields = [
            read["read_at"].isoformat(),
            str(feed_id),
            str(reader.pk),
            read["external_id"],
            read["plate_raw"],
            read["plate"],
            read["state"],
            str(read["confidence"]),
            location,
            read.get("direction") or reader.direction,
            read["vehicle_make"],
            read["vehicle_model"],
            read["vehicle_color"],
            read["vehicle_type"],
            read["image_ref"],
        ]
        buffer.write("\t".join(fields) + "\n")
    return buffer.getvalue()


def raw_copy(text: str) -> float:
    """Seconds for one COPY of the rows into lpr_read (emptied first), committed."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE lpr_read")
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.copy(f"COPY lpr_read ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        copy.write(text)
    return time.perf_counter() - started


def ingest(args: argparse.Namespace, rng: random.Random, feed: Feed, key: str, readers: list[Reader]) -> dict[str, Any]:
    hot_plates, hotlist_seconds = seed_hotlist(rng, args.hotlist)
    reads = make_reads(rng, args.reads, hot_plates)
    now = datetime.now(UTC)
    # Beat creates partitions ahead; both paths find the same ones.
    ensure_partitions(days_between(now - timedelta(hours=2), now + timedelta(hours=1)))
    text = copy_text(reads, feed.pk, {reader.external_id: reader for reader in readers})
    api = through_api(args, reads, key, feed.pk)
    copy_seconds = raw_copy(text)
    api_rate, copy_rate = args.reads / api["seconds"], args.reads / copy_seconds
    hot = set(hot_plates)
    return {
        "reads": args.reads,
        "batch": args.batch,
        "hotlist_entries": args.hotlist,
        "hotlist_seed_seconds": round(hotlist_seconds, 2),
        "api_reads_per_s": round(api_rate),
        "api_seconds": round(api["seconds"], 2),
        "api_accept_reads_per_s": round(args.reads / api["accept_seconds"]),
        "api_post_p50_ms": round(api["post_p50_ms"]),
        "raw_copy_reads_per_s": round(copy_rate),
        "raw_copy_seconds": round(copy_seconds, 2),
        "ratio": round(api_rate / copy_rate, 3),
        "hits": api["hits"],
        "exact_hits": api["exact_hits"],
        "reads_with_hotlist_plate": sum(read["plate"].replace(" ", "") in hot for read in reads),
        "target_reads_per_s": TARGET_READS_PER_S,
        "target_ratio": TARGET_RATIO,
        "ingest_target": verdict(
            api_rate >= TARGET_READS_PER_S and api_rate >= TARGET_RATIO * copy_rate, args.reads >= TARGET_READS
        ),
        "load1_before_after": f"{api['load_before']:.2f} / {api['load_after']:.2f}",
        # Where the cores went while reads flowed: uvicorn, the Celery worker, and everything else on
        # the machine (PostgreSQL, the posting client, and whatever other work shares the machine).
        "cpu_s_web_worker_rest": f"{api['cpu_web']:.1f} / {api['cpu_worker']:.1f} / "
        f"{api['cpu_machine'] - api['cpu_web'] - api['cpu_worker']:.1f} of {os.cpu_count() * api['seconds']:.1f}",
    }


# --- search --------------------------------------------------------------------------------------


GENERATORS = 2  # connections filling day partitions at once (one per core); PostgreSQL does the work


def generate(count: int, feed_id: int) -> tuple[float, int]:
    """`count` reads over SEARCH_DAYS days (one INSERT … SELECT per day partition, the days shared
    out over GENERATORS connections); (seconds, vehicles)."""
    vehicles = max(1000, count // 10)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    days = [today - timedelta(days=SEARCH_DAYS - n) for n in range(SEARCH_DAYS)]
    per_day = math.ceil(count / SEARCH_DAYS)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE lpr_read, lpr_hit")
        cursor.execute("SELECT count(*) FROM lpr_reader WHERE feed_id = %s", [feed_id])
        (readers,) = cursor.fetchone()
    ensure_partitions(day.date() for day in days)

    def fill(share: list[int]) -> None:
        # A thread has its own Django connection, hence its own temporary table of readers.
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMP TABLE bench_readers AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, "
                    "coalesce(location, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) AS location, direction "
                    "FROM lpr_reader WHERE feed_id = %s",
                    [CENTER[1], CENTER[0], feed_id],
                )
                for n in share:
                    first, last = n * per_day, min(count, (n + 1) * per_day) - 1
                    if last < first:
                        continue
                    cursor.execute(
                        GENERATE_SQL,
                        {
                            "day_start": days[n],
                            "first": first,
                            "last": last,
                            "step": 86_400_000_000 // per_day,
                            "feed": feed_id,
                            "vehicles": vehicles,
                            "readers": readers,
                        },
                    )
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(GENERATORS) as pool:
        # Day n goes to connection n % GENERATORS; list() re-raises a failed connection's error.
        list(pool.map(fill, [list(range(k, len(days), GENERATORS)) for k in range(GENERATORS)]))
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE lpr_read")
        cursor.execute("SELECT count(*) FROM lpr_read")
        (rows,) = cursor.fetchone()
    if rows != count:
        raise SystemExit(f"generation went wrong: {rows} reads for {count}")
    return generated, vehicles


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def timed(plate: str, params: list[dict[str, Any]]) -> tuple[list[float], list[int]]:
    """Milliseconds of each search (page, plus the capped count when the page is full) and rows found."""
    page_sql, count_sql = PAGE_SQL.format(plate=plate), COUNT_SQL.format(plate=plate)
    millis, rows = [], []
    with connection.cursor() as cursor:
        for param in params:
            started = time.perf_counter()
            cursor.execute(page_sql, param)
            found = len(cursor.fetchall())
            if found == PAGE:
                cursor.execute(count_sql, param)
                (found,) = cursor.fetchone()
            millis.append((time.perf_counter() - started) * 1000)
            rows.append(found)
    return millis, rows


def explain(sql: str, params: dict[str, Any]) -> tuple[str, float, str]:
    """(index scans used, execution ms, the plan as text) of one query."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    scans: dict[str, int] = {}

    def walk(node: dict[str, Any]) -> None:
        if "Index Name" in node:
            name = f"{node['Node Type']} on {node['Index Name'].split('_', 3)[-1]}"
            scans[name] = scans.get(name, 0) + 1
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return ", ".join(f"{name} x{n}" for name, n in scans.items()), plan["Execution Time"], text


def search(args: argparse.Namespace, rng: random.Random, feed_id: int) -> dict[str, Any]:
    generated, vehicles = generate(args.search_reads, feed_id)
    until = datetime.now(UTC)
    since = until - timedelta(days=WINDOW_DAYS)
    plates = [plate_of(rng.randrange(vehicles)) for _ in range(args.queries + 20)]
    exact = [{"plate": plate, "since": since, "until": until} for plate in plates]
    partial = [{"pattern": f"{plate[:2]}_{plate[3:5]}%", "since": since, "until": until} for plate in plates]
    timed(EXACT, exact[:20])  # warm-up: plans and catalog caches, not the data
    timed(PARTIAL, partial[:20])
    exact_ms, exact_rows = timed(EXACT, exact[20:])
    partial_ms, partial_rows = timed(PARTIAL, partial[20:])
    exact_scans, exact_explain_ms, exact_plan = explain(PAGE_SQL.format(plate=EXACT), exact[-1])
    partial_scans, partial_explain_ms, partial_plan = explain(PAGE_SQL.format(plate=PARTIAL), partial[-1])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('lpr_read')), pg_database_size(current_database())"
        )
        table_size, database_bytes = cursor.fetchone()
        cursor.execute(
            "SELECT pg_size_pretty(sum(pg_total_relation_size(i.inhrelid))) FROM pg_inherits i "
            "WHERE i.inhparent = 'lpr_read'::regclass"
        )
        (partitions_size,) = cursor.fetchone()
    print(f"-- EXPLAIN ANALYZE exact {exact[-1]['plate']}:\n{exact_plan}\n", file=sys.stderr)
    print(f"-- EXPLAIN ANALYZE partial {partial[-1]['pattern']}:\n{partial_plan}\n", file=sys.stderr)
    return {
        "search_reads": args.search_reads,
        "search_days": SEARCH_DAYS,
        "search_vehicles": vehicles,
        "generate_seconds": round(generated, 1),
        "generate_reads_per_s": round(args.search_reads / generated),
        "lpr_read_size": partitions_size or table_size,
        "database_gb": round(database_bytes / 1e9, 2),
        "window_days": WINDOW_DAYS,
        "queries": args.queries,
        "exact_p50_ms": round(statistics.median(exact_ms), 3),
        "exact_p95_ms": round(percentile(exact_ms, 0.95), 3),
        "exact_mean_rows": round(statistics.mean(exact_rows), 1),
        "partial_p50_ms": round(statistics.median(partial_ms), 3),
        "partial_p95_ms": round(percentile(partial_ms, 0.95), 3),
        "partial_mean_rows": round(statistics.mean(partial_rows), 1),
        "exact_plan_scans": exact_scans,
        "exact_explain_ms": round(exact_explain_ms, 3),
        "partial_plan_scans": partial_scans,
        "partial_explain_ms": round(partial_explain_ms, 3),
        "search_target": verdict(
            statistics.median(exact_ms) <= TARGET_EXACT_P50_MS
            and statistics.median(partial_ms) <= TARGET_PARTIAL_P50_MS,
            args.search_reads >= TARGET_SEARCH_READS,
        ),
    }


def main() -> dict[str, Any]:
    args = parse_args()
    settings_dict = connection.settings_dict
    settings_dict.setdefault("TEST", {})["NAME"] = DATABASE
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    result: dict[str, Any] = {
        "id": "lpr_ingest",
        "what": f"LPR reads/s end to end (POST /api/v1/ingest/lpr/ in batches of {args.batch} → 202 → Celery worker → "
        f"persisted in day-partitioned lpr_read and matched against a {args.hotlist}-entry hotlist), {args.clients} "
        f"clients, uvicorn x{args.web_workers}, Celery x{args.worker_concurrency}; baseline: one raw COPY of the same "
        f"rows into the same table. Plate search (exact; partial 'AB?12*' → LIKE) over {args.search_reads} generated "
        f"reads, {WINDOW_DAYS}-day window, newest {PAGE} with their reader + total counted to {TOTAL_CAP} as "
        "lpr.search does.",
        "load1_start": round(os.getloadavg()[0], 2),
    }
    try:
        rng = random.Random(SEED)
        feed, key, readers = seed_feed(rng)
        if not args.skip_ingest:
            result |= ingest(args, rng, feed, key, readers)
            print(
                f"ingest: {result['api_reads_per_s']} reads/s via the API, raw COPY {result['raw_copy_reads_per_s']}",
                file=sys.stderr,
            )
        if args.search_reads:
            print(f"search: generating {args.search_reads} reads…", file=sys.stderr)
            result |= search(args, rng, feed.pk)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(original, verbosity=0)
    result["load1_end"] = round(os.getloadavg()[0], 2)
    return result


if __name__ == "__main__":
    outcome = main()
    for key, value in outcome.items():
        if key not in {"id", "what"}:
            print(f"{key}: {value}")
    print(json.dumps(outcome))
