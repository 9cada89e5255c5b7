"""P2 ingest → browser latency: POST a shots-fired detection, time until each of 200 WebSocket clients has it.

Run through `make bench` (or alone: `.venv/bin/python bench/ws_latency.py`). Creates its own database
(`rtcc_bench_ws_latency`, dropped at the end), uses Redis database 7 with the channel prefix
`rtcc-bench-h6`, and starts uvicorn and a Celery worker as docker-compose.yml does. 200 clients
(sessions of 10 analysts) hold /ws/ops/ open in this process; 50 detections are POSTed one by one,
200 ms apart, through the real ingest API with a shots feed key. Each (post, client) latency is
`time the client read the shots.created event - time just before the POST was written`, both from
this process's perf_counter. Path measured: HTTP ingest (202) → Celery → upsert, incident, alert →
commit → channel layer → uvicorn → socket.

Baseline in the same run: a raw Redis PUBLISH to 200 redis-py asyncio SUBSCRIBErs in this process,
the same number of messages of the same size. Env: BENCH_WS_LATENCY_CLIENTS, BENCH_WS_POSTS, BENCH_WS_SPACING_MS,
BENCH_WS_DEFLATE=0 (clients without permessage-deflate). Smaller runs get the verdict "not judged".
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import wslib

wslib.django_setup()

from feeds import services as feed_services  # noqa: E402
from feeds.models import InboxBatch  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_WS_LATENCY_CLIENTS", "200"))
POSTS = int(os.environ.get("BENCH_WS_POSTS", "50"))
WARMUP = 5  # first posts wake the worker's pool children and the server's code paths; not counted
SPACING_S = float(os.environ.get("BENCH_WS_SPACING_MS", "200")) / 1000
USERS = 10
TARGET_P50_MS = 50.0
TARGET_P99_MS = 250.0
DATABASE = "rtcc_bench_ws_latency"
BASELINE_SPACING_S = 0.05
CONNECT_TIMEOUT_S = 300
STRAGGLER_WAIT_S = 60  # after the last post; a pair not received by then counts as missing


def detection(external_id: str, n: int) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "detected_at": (datetime.now(UTC) - timedelta(seconds=2)).isoformat(),
        "latitude": 43.03 + (n % 50) / 1000,
        "longitude": -87.96 + (n % 37) / 1000,
        "rounds": 1 + n % 6,
        "type": "multiple",
        "confidence": 0.9,
        "review_status": "pending",
        "address": f"{2400 + n} W HADLEY ST",
        "district": str(1 + n % 7),
    }


def collector(box: dict[str, float]) -> Callable[[str, float], None]:
    def on_message(text: str, at: float) -> None:
        if '"shots.created"' not in text:
            return  # hello/heartbeat, incident and alert events of the same batch
        for event in json.loads(text).get("events", []):
            if event["type"] == "shots.created":
                box.setdefault(event["payload"]["external_id"], at)

    return on_message


async def ws_run(port: int, key: str, cookies: list[str], run: str) -> dict[str, Any]:
    boxes: list[dict[str, float]] = [{} for _ in cookies]
    sockets = [wslib.Socket(port, cookie) for cookie in cookies]
    opened, connect_s = await wslib.open_all(sockets, [collector(box) for box in boxes], timeout=CONNECT_TIMEOUT_S)
    wslib.say(f"{len(opened)} of {len(sockets)} sockets open in {connect_s:.1f} s")
    if len(opened) < len(sockets):
        await asyncio.gather(*(sockets[i].close() for i in opened))
        raise SystemExit(f"only {len(opened)} of {len(sockets)} sockets opened within {CONNECT_TIMEOUT_S} s")
    await asyncio.sleep(1.0)
    posted: dict[str, float] = {}
    accepted: dict[str, float] = {}
    batches: dict[str, str] = {}
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
    for n in range(WARMUP + POSTS):
        external_id = f"{run}-{n}"
        body = json.dumps({"records": [detection(external_id, n)]}).encode()
        started = time.perf_counter()
        status, content = await wslib.http(port, "POST", "/api/v1/ingest/shots/", headers=headers, body=body)
        done = time.perf_counter()
        if status != 202:
            raise SystemExit(f"ingest answered {status}: {content[:300]!r}")
        posted[external_id], accepted[external_id] = started, done
        batches[external_id] = json.loads(content)["batch_id"]
        await asyncio.sleep(max(0.0, started + SPACING_S - time.perf_counter()))
    deadline = time.perf_counter() + STRAGGLER_WAIT_S
    while time.perf_counter() < deadline and any(len(box) < len(posted) for box in boxes):
        await asyncio.sleep(0.1)
    closed_early = sum(1 for sock in sockets if sock.closed_code is not None)
    await asyncio.gather(*(sock.close() for sock in sockets))
    measured = list(posted)[WARMUP:]
    latencies, missing = [], 0
    first, spread = [], []
    for external_id in measured:
        times = [box[external_id] for box in boxes if external_id in box]
        missing += len(boxes) - len(times)
        latencies += [(at - posted[external_id]) * 1000 for at in times]
        if times:
            first.append((min(times) - posted[external_id]) * 1000)
            spread.append((max(times) - min(times)) * 1000)
    return {
        "connect_s": connect_s,
        "latencies": latencies,
        "missing": missing,
        "closed_early": closed_early,
        "ingest_202": [(accepted[e] - posted[e]) * 1000 for e in measured],
        "first": first,
        "spread": spread,
        "batches": [batches[e] for e in measured],
    }


async def redis_baseline(clients: int, messages: int, size: int) -> dict[str, Any]:
    """Raw PUBLISH → SUBSCRIBE round trip to `clients` subscribers, one connection each, in this process."""
    import redis.asyncio as aioredis

    url = os.environ["REDIS_URL"]
    channel = f"{os.environ['RTCC_CHANNEL_PREFIX']}:baseline:{secrets.token_hex(4)}"
    boxes: list[dict[int, float]] = [{} for _ in range(clients)]
    connections = [aioredis.Redis.from_url(url) for _ in range(clients)]
    pubsubs = [connection.pubsub() for connection in connections]
    for pubsub in pubsubs:
        await pubsub.subscribe(channel)

    async def read(pubsub: Any, box: dict[int, float]) -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                at = time.perf_counter()
                box[json.loads(message["data"])["n"]] = at

    readers = [asyncio.create_task(read(pubsub, box)) for pubsub, box in zip(pubsubs, boxes, strict=True)]
    publisher = aioredis.Redis.from_url(url)
    await asyncio.sleep(0.5)
    sent: dict[int, float] = {}
    for n in range(WARMUP + messages):
        payload = json.dumps({"n": n, "pad": "x" * max(0, size - 30)})
        sent[n] = time.perf_counter()
        receivers = await publisher.publish(channel, payload)
        if receivers != clients:
            raise SystemExit(f"PUBLISH reached {receivers} of {clients} subscribers")
        await asyncio.sleep(BASELINE_SPACING_S)
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and any(len(box) < len(sent) for box in boxes):
        await asyncio.sleep(0.05)
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    for pubsub, connection in zip(pubsubs, connections, strict=True):
        await pubsub.aclose()
        await connection.aclose()
    await publisher.aclose()
    measured = range(WARMUP, WARMUP + messages)
    latencies = [(box[n] - sent[n]) * 1000 for box in boxes for n in measured if n in box]
    return {"latencies": latencies, "missing": clients * messages - len(latencies)}


def run_loop(coroutine: Any) -> Any:
    try:
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(coroutine)
    except ImportError:
        return asyncio.run(coroutine)


def main() -> dict[str, Any]:
    wslib.raise_fd_limit(2 * CLIENTS + 256)
    run = f"bench-ws-{secrets.token_hex(3)}"
    load_start = round(os.getloadavg()[0], 1)
    with wslib.own_database(DATABASE) as database_url:
        wslib.flush_redis()
        _, key = feed_services.feed_create(name=f"Benchmark {run}", kind="shots", slug=run)
        started = time.perf_counter()
        cookies = wslib.session_cookies(CLIENTS, USERS, run)
        wslib.say(f"{CLIENTS} sessions of {USERS} analysts in {time.perf_counter() - started:.1f} s")
        web, port = wslib.start_uvicorn("ws_latency-web", database_url)
        worker = wslib.start_worker("ws_latency-worker", database_url)
        cpu_before = {"web": wslib.cpu_seconds(web.pid), "worker": wslib.children_cpu_seconds(worker.pid)}
        wall_before = time.perf_counter()
        try:
            ws = run_loop(ws_run(port, key, cookies, run))
            wall = time.perf_counter() - wall_before
            cpu = {
                "web": wslib.cpu_seconds(web.pid) - cpu_before["web"],
                "worker": wslib.children_cpu_seconds(worker.pid) - cpu_before["worker"],
            }
        finally:
            wslib.stop(web)
            wslib.stop(worker)
        worker_ms = [
            (batch.processed_at - batch.received_at).total_seconds() * 1000
            for batch in InboxBatch.objects.filter(id__in=ws["batches"])
            if batch.processed_at is not None
        ]
    wslib.say("baseline: raw Redis PUBLISH → SUBSCRIBE")
    base = run_loop(redis_baseline(CLIENTS, POSTS, 600))
    wslib.flush_redis()
    full = CLIENTS >= 200 and POSTS >= 50 and SPACING_S <= 0.2
    p50 = statistics.median(ws["latencies"]) if ws["latencies"] else float("inf")
    p99 = wslib.percentile(ws["latencies"], 0.99) if ws["latencies"] else float("inf")
    met = p50 <= TARGET_P50_MS and p99 <= TARGET_P99_MS and ws["missing"] == 0
    base_p50 = statistics.median(base["latencies"])
    return {
        "id": "P2 ws_latency",
        "what": f"shots-fired POST (feed key) → Celery → outbox → channel layer → {CLIENTS} /ws/ops/ clients; "
        f"{POSTS} posts {int(SPACING_S * 1000)} ms apart after {WARMUP} warm-up posts; one process clock; "
        f"baseline: raw Redis PUBLISH → {CLIENTS} SUBSCRIBErs (redis-py asyncio) in the same process",
        "clients": CLIENTS,
        "posts": POSTS,
        "pairs": len(ws["latencies"]) + ws["missing"],
        "missing_pairs": ws["missing"],
        "sockets_closed_early": ws["closed_early"],
        **wslib.figures("latency", ws["latencies"]),
        **wslib.figures("post_to_202", ws["ingest_202"]),
        **wslib.figures("post_to_first_client", ws["first"]),
        **wslib.figures("first_to_last_client", ws["spread"]),
        **wslib.figures("worker_received_to_processed", worker_ms),
        **wslib.figures("baseline_redis_pubsub", base["latencies"]),
        "baseline_missing": base["missing"],
        "ratio_p50": round(p50 / base_p50, 1) if base_p50 else None,
        "connect_seconds": round(ws["connect_s"], 1),
        "cpu_seconds_web": round(cpu["web"], 1),
        "cpu_seconds_worker": round(cpu["worker"], 1),
        "wall_seconds": round(wall, 1),
        "load_average_start_end": [load_start, round(os.getloadavg()[0], 1)],
        "target_p50_ms": TARGET_P50_MS,
        "target_p99_ms": TARGET_P99_MS,
        "ratio_p50_to_target": round(p50 / TARGET_P50_MS, 2),
        "ratio_p99_to_target": round(p99 / TARGET_P99_MS, 2),
        "verdict": ("pass" if met else "miss") if full else "not judged",
    }


if __name__ == "__main__":
    outcome = main()
    for name, value in outcome.items():
        if name not in {"id", "what"}:
            print(f"{name}: {value}", file=sys.stderr)
    print(json.dumps(outcome))
