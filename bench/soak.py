"""R6 soak: 10 minutes at 10x a big city's peak through the real ingest APIs, with 200 live WebSocket clients.

Run through `make bench` (600 s) or shorter to try it out (`BENCH_SOAK_SECONDS=120`; the verdict
is then "not judged"). Creates its own database (`rtcc_bench_soak`, migrated like any other) and
drops it before it exits; its servers use a Redis database of their own (`BENCH_SOAK_REDIS_URL`,
default db 13).

Processes (started with bench/lpr_ingest.py's helpers): uvicorn with 2 workers, a Celery worker
(prefork, 2 processes) and Celery beat, so the periodic schedule runs as in production. Load, from
this process, on a fixed schedule, each POST on a pool of 16 threads so that a slow answer does
not delay the next one:

- LPR: 5 POSTs/s of 100 reads to /api/v1/ingest/lpr/ (500 reads/s; 60 readers, 100,000-entry
  hotlist; 0.5% of reads carry a hotlist plate, look-alike plates add "possible" hits);
- CAD: 1 POST/s of 20 records to /api/v1/ingest/cad/ (new incidents and updates of recent ones);
- shots: 1 POST/s of one detection to /api/v1/ingest/shots/;
- 200 WebSocket clients on /ws/ops/ (one signed-in analyst session each) that count what they
  receive and answer nothing.

Errors: any non-2xx answer, any exception in a request, any WebSocket closed before the end, any
record dead-lettered, any worker or server process gone, any inbox batch still waiting 120 s after the
load stopped (the workers did not keep up). RSS of every process (each uvicorn and
Celery process, beat, this load generator) is read from /proc at the start of the load, after the
warm-up (the first fifth of the run, at least 30 s) and at the end; "flat" means end <= 1.2 x the
after-warm-up value for every process. The machine's load average at start and end is printed
beside them: on a shared machine the figures say as much about the neighbours as about the code.
The last line is the JSON that bench/run.py collects.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcc.settings")
# The servers' queue, cache and channel layer; bench.lpr_ingest sets REDIS_URL from BENCH_LPR_REDIS_URL
# when imported, so both get the soak's Redis database before Django reads its settings.
os.environ["REDIS_URL"] = os.environ["BENCH_LPR_REDIS_URL"] = os.environ.get(
    "BENCH_SOAK_REDIS_URL", "redis://127.0.0.1:6379/13"
)
os.environ["RTCC_MFA_REQUIRED"] = "0"  # sessions come from force_login; the servers inherit this

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
import websockets  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.services import user_ensure_with_role  # noqa: E402
from bench.cad_ingest import records as cad_records  # noqa: E402
from bench.lpr_ingest import (  # noqa: E402
    _up,
    _worker_up,
    make_reads,
    seed_feed,
    seed_hotlist,
    start,
    stop,
    wait_for,
)
from feeds import services as feed_services  # noqa: E402
from lpr.partitions import days_between, ensure_partitions  # noqa: E402

DATABASE = os.environ.get("BENCH_SOAK_DATABASE", "rtcc_bench_soak")
SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "600"))
FULL_SECONDS = 600
WS_CLIENTS = int(os.environ.get("BENCH_SOAK_WS_CLIENTS", "200"))
HOTLIST = 100_000
SEED = 2061
RSS_GROWTH_LIMIT = 1.2
DRAIN_SECONDS = 120
POOL_SIZE = 16  # POSTs in flight at most, all streams together
WS_CONNECTING_AT_ONCE = 20
# (stream, POSTs per second, records per POST)
STREAMS = {"lpr": (5, 100), "cad": (1, 20), "shots": (1, 1)}


@dataclass
class Tally:
    """What the load generator saw; threads add to it under the lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: Counter[str] = field(default_factory=Counter)
    records: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    latency_ms: dict[str, list[float]] = field(default_factory=dict)
    max_late_s: float = 0.0
    max_in_flight: Counter[str] = field(default_factory=Counter)
    ws_messages: int = 0
    ws_connected: int = 0
    ws_closed_early: int = 0

    def error(self, what: str, detail: str) -> None:
        with self.lock:
            self.errors[what] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{what}: {detail[:200]}")


# --- what the feeds send -------------------------------------------------------------------------


def shot_record(n: int) -> dict[str, Any]:
    rng = random.Random(SEED + n)
    return {
        "external_id": f"SOAK-SHOT-{n}",
        "detected_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "latitude": round(43.05 + rng.uniform(-0.05, 0.05), 6),
        "longitude": round(-87.95 + rng.uniform(-0.05, 0.05), 6),
        "rounds": rng.randint(1, 8),
        "type": rng.choice(["single", "multiple"]),
        "confidence": round(rng.uniform(0.6, 0.99), 2),
        "review_status": "pending",
    }


def batch_maker(stream: str, hot_plates: list[str]) -> Callable[[int], list[dict[str, Any]]]:
    """The records of the n-th POST of a stream."""
    rng = random.Random(SEED)
    per_post = STREAMS[stream][1]

    def lpr(n: int) -> list[dict[str, Any]]:
        reads = make_reads(rng, per_post, hot_plates)
        for i, read in enumerate(reads):
            read["external_id"] = f"s{n:07d}-{i:03d}"
            read["read_at"] = (datetime.now(UTC) - timedelta(seconds=rng.uniform(0, 5))).isoformat()
        return reads

    def cad(n: int) -> list[dict[str, Any]]:
        # After the first minute, half new calls and half updates of calls sent a minute earlier
        # (CAD feeds resend calls as they move on).
        if n < 60:
            return cad_records(f"soak-{n}", per_post)
        updates = cad_records(f"soak-{n - 60}", per_post // 2)
        for record in updates:
            record["status"] = "dispatched"
        return cad_records(f"soak-{n}", per_post - per_post // 2) + updates

    return {"lpr": lpr, "cad": cad, "shots": lambda n: [shot_record(n)]}[stream]


# --- load ----------------------------------------------------------------------------------------


def post_loop(
    stream: str,
    url: str,
    key: str,
    make: Callable[[int], list[dict[str, Any]]],
    until: float,
    pool: ThreadPoolExecutor,
    tally: Tally,
) -> None:
    """Sends POSTs on a fixed schedule until `until` (monotonic), each on the pool so that a slow answer
    does not delay the next one; waits for the last answers. Lateness of the schedule is recorded."""
    per_second, _ = STREAMS[stream]
    session = requests.Session()  # thread-safe enough for concurrent POSTs; one connection pool per stream
    session.headers["Authorization"] = f"Api-Key {key}"
    session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=POOL_SIZE))
    latencies: list[float] = []
    tally.latency_ms[stream] = latencies

    def post(n: int) -> None:
        body = {"records": make(n)}
        sent = time.perf_counter()
        try:
            response = session.post(url, json=body, timeout=30)
            if not 200 <= response.status_code < 300:
                tally.error(f"{stream} http {response.status_code}", response.text)
        except requests.RequestException as exc:
            tally.error(f"{stream} exception", repr(exc))
        with tally.lock:
            latencies.append((time.perf_counter() - sent) * 1000)
            tally.sent[stream] += 1
            tally.records[stream] += len(body["records"])

    started, n = time.monotonic(), 0
    pending: list[Future[None]] = []
    while (due := started + n / per_second) < until:
        time.sleep(max(0.0, due - time.monotonic()))
        with tally.lock:
            tally.max_late_s = max(tally.max_late_s, time.monotonic() - due)
            in_flight = sum(not future.done() for future in pending)
            tally.max_in_flight[stream] = max(tally.max_in_flight[stream], in_flight)
        pending = [future for future in pending if not future.done()]
        pending.append(pool.submit(post, n))
        n += 1
    for future in pending:
        future.result()


async def ws_client(
    url: str, origin: str, cookie: str, stop_event: asyncio.Event, connecting: asyncio.Semaphore, tally: Tally
) -> None:
    try:
        async with connecting:
            socket = await websockets.connect(
                url,
                origin=origin,  # type: ignore[arg-type]
                additional_headers={"Cookie": cookie},
                proxy=None,
                open_timeout=30,
            )
        async with socket:
            hello = json.loads(await asyncio.wait_for(socket.recv(), 30))
            if hello.get("type") != "hello":
                tally.error("ws refused", str(hello))
                return
            tally.ws_connected += 1
            while not stop_event.is_set():
                try:
                    await asyncio.wait_for(socket.recv(), 1)
                    tally.ws_messages += 1
                except TimeoutError:
                    continue
    except websockets.ConnectionClosed as closed:
        if not stop_event.is_set():
            tally.ws_closed_early += 1
            tally.error("ws closed", f"code {closed.rcvd.code if closed.rcvd else None}")
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        tally.error("ws exception", repr(exc))


def ws_clients(base: str, cookies: list[str], tally: Tally) -> tuple[threading.Thread, Callable[[], None]]:
    """Run the clients in an event loop on a thread; returns the thread and a function that stops them."""
    loop = asyncio.new_event_loop()
    stop_event = asyncio.Event()
    url = base.replace("http://", "ws://") + "/ws/ops/"

    async def run() -> None:
        # Browsers reconnect with jitter: at most WS_CONNECTING_AT_ONCE handshakes at a time.
        connecting = asyncio.Semaphore(WS_CONNECTING_AT_ONCE)
        await asyncio.gather(*(ws_client(url, base, cookie, stop_event, connecting, tally) for cookie in cookies))

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()

    def stop() -> None:
        loop.call_soon_threadsafe(stop_event.set)

    return thread, stop


# --- processes and memory ------------------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def label_processes(roots: dict[str, int]) -> dict[str, int]:
    """'uvicorn', 'uvicorn worker 1', 'uvicorn resource tracker', 'celery worker', 'celery worker child 1', … → pid."""
    labels = {}
    for name, root in roots.items():
        children = 0
        for pid in process_tree(root):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if pid == root:
                labels[name] = pid
            elif "resource_tracker" in command:
                labels[f"{name} resource tracker"] = pid
            else:
                children += 1
                labels[f"{name} {'worker' if name == 'uvicorn' else 'child'} {children}"] = pid
    return labels


def rss_snapshot(labels: dict[str, int]) -> dict[str, float | None]:
    return {name: (round(mb, 1) if (mb := rss_mb(pid)) is not None else None) for name, pid in labels.items()}


# --- run -----------------------------------------------------------------------------------------


def signed_in_cookies(count: int) -> list[str]:
    user = user_ensure_with_role(username="soak-analyst", password=secrets.token_urlsafe(24), role=Role.ANALYST)
    cookies = []
    for _ in range(count):
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    return cookies


def waiting_batches() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE status = 'received'), coalesce(sum(dead_letter_count), 0) "
            "FROM feeds_inboxbatch"
        )
        return cursor.fetchone()


def log_problems(logs: list[Path]) -> int:
    """Lines of the servers' logs that report an error (uvicorn `ERROR:`, Celery `ERROR/…`, tracebacks)."""
    return sum(
        "Traceback" in line or "ERROR" in line
        for log in logs
        if log.exists()
        for line in log.read_text(errors="replace").splitlines()
    )


def soak(tally: Tally) -> dict[str, Any]:
    rng = random.Random(SEED)
    lpr_feed, lpr_key, _ = seed_feed(rng)
    hot_plates, _ = seed_hotlist(rng, HOTLIST)
    cad_feed, cad_key = feed_services.feed_create(name="Soak CAD", kind="cad", slug="soak-cad")
    _, shots_key = feed_services.feed_create(name="Soak shots", kind="shots", slug="soak-shots")
    now = datetime.now(UTC)
    ensure_partitions(days_between(now - timedelta(hours=2), now + timedelta(seconds=SECONDS + 3600)))
    cookies = signed_in_cookies(WS_CLIENTS)

    port = 8000 + secrets.randbelow(900) + 50
    base = f"http://127.0.0.1:{port}"
    logs = ROOT / "bench" / "results"
    logs.mkdir(exist_ok=True)
    log_files = [logs / "soak-web.log", logs / "soak-worker.log", logs / "soak-beat.log"]
    uvicorn_args = ["-m", "uvicorn", "rtcc.asgi:application", "--port", str(port), "--workers", "2"]
    worker_args = ["-m", "celery", "-A", "rtcc", "worker", "--concurrency", "2", "-n", f"soak-{port}@%h"]
    worker_args += ["--without-gossip", "--without-mingle", "-l", "warning"]
    beat_args = ["-m", "celery", "-A", "rtcc", "beat", "-l", "warning", "-s", str(logs / f"soak-beat-{port}")]
    processes = {
        "uvicorn": start([sys.executable, *uvicorn_args, "--no-access-log"], log_files[0]),
        "celery worker": start([sys.executable, *worker_args], log_files[1]),
        "celery beat": start([sys.executable, *beat_args], log_files[2]),
    }
    stop_clients: Callable[[], None] = lambda: None  # noqa: E731
    try:
        wait_for(lambda: _up(port), 60, "uvicorn")
        wait_for(_worker_up, 60, "the Celery worker")
        thread, stop_clients = ws_clients(base, cookies, tally)
        wait_for(lambda: tally.ws_connected + sum(tally.errors.values()) >= WS_CLIENTS, 120, "the WebSocket clients")
        labels = label_processes({name: process.pid for name, process in processes.items()})
        labels["load generator"] = os.getpid()
        rss_start = rss_snapshot(labels)
        load1_start = os.getloadavg()[0]
        warm_up = max(30, SECONDS // 5)
        started = time.monotonic()
        until = started + SECONDS
        urls = {stream: f"{base}/api/v1/ingest/{stream}/" for stream in STREAMS}
        keys = {"lpr": lpr_key, "cad": cad_key, "shots": shots_key}
        with ThreadPoolExecutor(len(STREAMS)) as schedulers, ThreadPoolExecutor(POOL_SIZE) as pool:
            futures = [
                schedulers.submit(
                    post_loop, stream, urls[stream], keys[stream], batch_maker(stream, hot_plates), until, pool, tally
                )
                for stream in STREAMS
            ]
            time.sleep(warm_up)
            rss_warm = rss_snapshot(labels)
            for future in futures:
                future.result()
        load_seconds = time.monotonic() - started
        rss_end = rss_snapshot(labels)
        load1 = f"{load1_start:.1f} / {os.getloadavg()[0]:.1f}"
        stopped = time.monotonic()
        backlog_at_stop = waiting_batches()[0]
        while (backlog := waiting_batches()[0]) and time.monotonic() - stopped < DRAIN_SECONDS:
            time.sleep(0.5)
        drain_seconds = time.monotonic() - stopped
        stop_clients()
        thread.join(timeout=30)
        gone = [name for name, pid in labels.items() if rss_mb(pid) is None]
    finally:
        stop_clients()
        for process in processes.values():
            stop(process)
    _, dead_letters = waiting_batches()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM lpr_read")
        (reads_persisted,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM lpr_hit")
        (hits,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM incidents_incident WHERE source = %s", [cad_feed.slug])
        (incidents,) = cursor.fetchone()
    return {
        "load_seconds": load_seconds,
        "drain_seconds": drain_seconds,
        "backlog_at_stop": backlog_at_stop,
        "backlog_left": backlog,
        "warm_up_seconds": warm_up,
        "load1": load1,
        "rss_start": rss_start,
        "rss_warm": rss_warm,
        "rss_end": rss_end,
        "gone": gone,
        "dead_letters": dead_letters,
        "reads_persisted": reads_persisted,
        "hits": hits,
        "incidents": incidents,
        "log_problems": log_problems(log_files),
        "lpr_feed": lpr_feed.pk,
    }


def p(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1) if ordered else 0.0


def main() -> dict[str, Any]:
    settings_dict = connection.settings_dict
    settings_dict.setdefault("TEST", {})["NAME"] = DATABASE
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    tally = Tally()
    try:
        run = soak(tally)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    # Batches still waiting after the drain: the workers did not keep up, which the soak counts as errors.
    errors = sum(tally.errors.values()) + run["dead_letters"] + len(run["gone"]) + run["backlog_left"]
    growth = {
        name: round(run["rss_end"][name] / warm, 2)
        for name, warm in run["rss_warm"].items()
        if warm and run["rss_end"].get(name)
    }
    flat = bool(growth) and all(ratio <= RSS_GROWTH_LIMIT for ratio in growth.values()) and not run["gone"]
    if SECONDS < FULL_SECONDS:
        verdict = f"not judged (ran {SECONDS} s of {FULL_SECONDS})"
    else:
        verdict = "pass" if errors == 0 and flat else "miss"
    return {
        "id": "soak",
        "what": f"R6: {SECONDS} s at 500 LPR reads/s (5 POSTs/s of 100) + 20 CAD records/s + 1 shot/s through the "
        f"ingest APIs, {WS_CLIENTS} WebSocket clients on /ws/ops/; uvicorn x2, Celery worker x2, beat. Errors: "
        "non-2xx, request exceptions, sockets closed early, dead letters, processes gone. RSS flat: end <= "
        f"{RSS_GROWTH_LIMIT} x the value after warm-up ({run['warm_up_seconds']} s), every process",
        "seconds": round(run["load_seconds"], 1),
        "load1_start_end": run["load1"],
        "posts": dict(tally.sent),
        "records": dict(tally.records),
        "lpr_reads_per_s": round(tally.records["lpr"] / run["load_seconds"], 1),
        "schedule_max_late_s": round(tally.max_late_s, 2),
        "posts_in_flight_max": dict(tally.max_in_flight),
        "post_p50_ms": {stream: p(values, 0.5) for stream, values in tally.latency_ms.items()},
        "post_p99_ms": {stream: p(values, 0.99) for stream, values in tally.latency_ms.items()},
        "reads_persisted": run["reads_persisted"],
        "lpr_hits": run["hits"],
        "incidents": run["incidents"],
        "backlog_batches_at_stop": run["backlog_at_stop"],
        "backlog_drain_seconds": round(run["drain_seconds"], 1),
        "ws_connected": tally.ws_connected,
        "ws_messages_received": tally.ws_messages,
        "errors": errors,
        "errors_by_kind": dict(tally.errors)
        | {
            "dead letters": run["dead_letters"],
            "processes gone": run["gone"],
            f"batches still waiting {DRAIN_SECONDS} s after the load": run["backlog_left"],
        },
        "error_samples": tally.error_samples,
        "server_log_errors": run["log_problems"],
        "rss_mb_start": run["rss_start"],
        "rss_mb_after_warm_up": run["rss_warm"],
        "rss_mb_end": run["rss_end"],
        "rss_end_over_warm_up": growth,
        "target": f"0 errors and RSS end <= {RSS_GROWTH_LIMIT} x after warm-up for every process",
        "ratio": max(growth.values()) if growth else None,
        "verdict": verdict,
    }


if __name__ == "__main__":
    outcome = main()
    for key, value in outcome.items():
        if key not in {"id", "what"}:
            print(f"{key}: {value}")
    print(json.dumps(outcome))
