"""P6 fan-out: 1,000 WebSocket clients, 100 events/s for 60 s; live-delivery loss, then catch-up to 0 missing.

Run through `make bench` (or alone: `.venv/bin/python bench/ws_fanout.py`). Creates its own database
(`rtcc_bench_ws_fanout`, dropped at the end), uses Redis database 7 with the channel prefix
`rtcc-bench-h6`, and starts one uvicorn as docker-compose.yml does. 1,000 clients (sessions of 20
analysts) hold /ws/ops/ open in this process. A producer process (this script with --produce) writes
one `incident.updated` outbox event per transaction at 100/s through rtcc.outbox.record_events,
which broadcasts each after commit (the same path as every service). Each client records the seq of
every event it reads live. Afterwards every client does what static/js/live.js does after a
reconnect: GET /api/v1/events/?after=<last seq it holds without a gap> with its own session, page by
page. Reported: live-delivery loss, then events still missing after catch-up (target 0), the
producer's achieved rate, live lag, CPU seconds of each process, and the catch-up cost.

Env: BENCH_WS_CLIENTS (1000), BENCH_WS_SECONDS (60), BENCH_WS_RATE (100), BENCH_WS_DEFLATE=0 (clients
without permessage-deflate). Runs smaller than 1,000 clients x 60 s x 100/s get the verdict "not judged".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import resource
import secrets
import statistics
import sys
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import wslib

wslib.django_setup()

CLIENTS = int(os.environ.get("BENCH_WS_CLIENTS", "1000"))
SECONDS = float(os.environ.get("BENCH_WS_SECONDS", "60"))
RATE = float(os.environ.get("BENCH_WS_RATE", "100"))
USERS = 20
TABS = 4  # sockets per session: an analyst's browser with the map, incidents, alerts and wall pages open
DATABASE = "rtcc_bench_ws_fanout"
EVENT_TYPE = "incident.updated"
LAG_SAMPLE_EVERY = 10  # every 10th client also records how late each event arrived
CATCHUP_PARALLEL = 16
CATCHUP_PAGE = 5000  # the API's largest page (static/js/live.js takes the default 1,000: same bytes, more requests)
QUIET_SECONDS = 3.0
CONNECT_TIMEOUT_S = float(os.environ.get("BENCH_WS_CONNECT_TIMEOUT", "300"))
SEQ = re.compile(r'"seq":\s*(\d+)')
SENT_AT = re.compile(r'"sent_at":\s*([0-9.]+)')


# --- producer process -------------------------------------------------------------------------


def event_payload(run: str, n: int) -> dict[str, Any]:
    """The shape and size of incidents.events.incident_payload, tagged with the run and the send time."""
    return {
        "id": 100000 + n,
        "source": run,
        "external_id": f"{run}-{n}",
        "call_type": "SHOTS FIRED",
        "final_call_type": "",
        "priority": 1,
        "status": "dispatched",
        "received_at": "2026-11-24T02:13:00+00:00",
        "address": f"{2400 + n % 900} W HADLEY ST",
        "lat": 43.0695 + (n % 100) / 10000,
        "lon": -87.9447 + (n % 100) / 10000,
        "location_status": "ok",
        "district": str(1 + n % 7),
        "beat": f"{1 + n % 7}{n % 10}",
        "disposition": "",
        "run": run,
        "n": n,
        "sent_at": time.time(),
    }


def produce(run: str, rate: float, seconds: float) -> None:
    from django.db import transaction

    from rtcc.outbox import record_events

    total = int(rate * seconds)
    busy: list[float] = []
    late: list[float] = []
    print("producing", file=sys.stderr, flush=True)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.monotonic() + 0.2
    for n in range(total):
        due = start + n / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        else:
            late.append(now - due)
        began = time.perf_counter()
        with transaction.atomic():
            record_events(stream="ops", events=[(EVENT_TYPE, event_payload(run, n))])
        busy.append((time.perf_counter() - began) * 1000)
    elapsed = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "events": total,
                "seconds": elapsed,
                "rate": total / elapsed,
                "write_and_broadcast_p50_ms": statistics.median(busy),
                "write_and_broadcast_p99_ms": wslib.percentile(busy, 0.99),
                "max_late_ms": max(late, default=0.0) * 1000,
                "cpu_seconds": usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime,
            }
        )
    )


# --- clients ----------------------------------------------------------------------------------


class Tally:
    """What one client read live: every event seq, and (sampled clients) each event's lag."""

    __slots__ = ("lags", "seqs")

    def __init__(self, sample_lag: bool) -> None:
        self.seqs = array("q")
        self.lags: array[float] | None = array("d") if sample_lag else None


class Clock:
    """Messages read by all clients and when the last one arrived (to see the stream drain)."""

    def __init__(self) -> None:
        self.messages = 0
        self.last_at = time.perf_counter()
        # perf_counter → wall clock, to compare with the producer's time.time() (same machine)
        self.wall_offset = time.time() - time.perf_counter()


def collector(tally: Tally, clock: Clock) -> Callable[[str, float], None]:
    def on_message(text: str, at: float) -> None:
        if '"events"' not in text:
            return  # heartbeat
        clock.messages += 1
        clock.last_at = at
        tally.seqs.extend(int(seq) for seq in SEQ.findall(text))
        if tally.lags is not None:
            wall = at + clock.wall_offset
            tally.lags.extend((wall - float(sent)) * 1000 for sent in SENT_AT.findall(text))

    return on_message


def gap_start(held: set[int], expected: list[int]) -> int | None:
    """The seq after which a client that holds `held` must catch up (None: nothing missing)."""
    for seq in expected:
        if seq not in held:
            return seq - 1
    return None


async def catch_up(port: int, cookie: str, after: int, wanted: set[int]) -> tuple[set[int], int, int]:
    """GET /api/v1/events/?after=… until has_more is false; returns wanted seqs found, pages, bytes.

    Seqs are read with a regular expression (payloads carry no "seq" key), which keeps the
    benchmark's own CPU out of the server's way; the last page is checked as JSON.
    """
    found: set[int] = set()
    pages = size = 0
    headers = {"Cookie": f"sessionid={cookie}", "Accept": "application/json"}
    while True:
        path = f"/api/v1/events/?after={after}&limit={CATCHUP_PAGE}"
        status, body = await wslib.http(port, "GET", path, headers=headers)
        if status != 200:
            raise SystemExit(f"catch-up answered {status}: {body[:300]!r}")
        pages, size = pages + 1, size + len(body)
        text = body.decode()
        seqs = [int(seq) for seq in SEQ.findall(text)]
        found.update(seq for seq in seqs if seq in wanted)
        more = text.rstrip().endswith('"has_more":true}') or text.rstrip().endswith('"has_more": true}')
        if not more or not seqs:
            if not more and json.loads(text)["has_more"]:
                raise SystemExit("could not read has_more from the catch-up page")
            return found, pages, size
        after = seqs[-1]


async def fanout(port: int, cookies: list[str], run: str, database_url: str, web_pid: int) -> dict[str, Any]:
    from rtcc.models import OutboxEvent

    clock = Clock()
    tallies = [Tally(i % LAG_SAMPLE_EVERY == 0) for i in range(len(cookies))]
    sockets = [wslib.Socket(port, cookie) for cookie in cookies]
    opened, connect_s = await wslib.open_all(
        sockets, [collector(tally, clock) for tally in tallies], timeout=CONNECT_TIMEOUT_S
    )
    wslib.say(f"{len(opened)} of {len(sockets)} sockets open in {connect_s:.1f} s; producing {RATE:.0f}/s")
    # Sockets that did not open within the time allowed take no part (reported as clients_connected).
    sockets = [sockets[i] for i in opened]
    tallies = [tallies[i] for i in opened]
    cookies = [cookies[i] for i in opened]
    await asyncio.sleep(2.0)

    redis_pid = _redis_pid()
    cpu_before = _cpu(web_pid, redis_pid)
    producer = wslib.start(
        "ws_fanout-producer",
        [sys.executable, __file__, "--produce", run, str(RATE), str(SECONDS)],
        database_url,
    )
    started = time.perf_counter()
    while producer.poll() is None:
        await asyncio.sleep(0.25)
    if producer.returncode != 0:
        raise SystemExit(f"producer failed; see {wslib.LOGS / 'ws_fanout-producer.log'}")
    produced = json.loads((wslib.LOGS / "ws_fanout-producer.log").read_text().strip().splitlines()[-1])
    # The live stream has drained when no client has read anything for QUIET_SECONDS (heartbeats aside).
    drain_deadline = time.perf_counter() + 120
    while time.perf_counter() < drain_deadline and time.perf_counter() - clock.last_at < QUIET_SECONDS:
        await asyncio.sleep(0.25)
    live_seconds = clock.last_at - started
    cpu = {name: after - cpu_before[name] for name, after in _cpu(web_pid, redis_pid).items()}
    cpu["producer"] = produced["cpu_seconds"]
    closed_early = sum(1 for sock in sockets if sock.closed_code is not None)
    await asyncio.gather(*(sock.close() for sock in sockets))

    def produced_seqs() -> list[int]:
        from django.db import connection

        try:
            rows = OutboxEvent.objects.filter(type=EVENT_TYPE, payload__run=run).order_by("seq")
            return list(rows.values_list("seq", flat=True))
        finally:
            connection.close()  # the database is dropped at the end: leave no session in it

    expected = await asyncio.to_thread(produced_seqs)
    wanted = set(expected)
    held = [set(tally.seqs) & wanted for tally in tallies]
    live_missing = [len(wanted) - len(h) for h in held]
    lags = [lag for tally in tallies if tally.lags is not None for lag in tally.lags]
    duplicates = sum(len(tally.seqs) - len(set(tally.seqs)) for tally in tallies)
    wslib.say(
        f"live: {sum(live_missing)} of {len(wanted) * len(tallies)} deliveries missed; "
        f"{sum(1 for m in live_missing if m)} clients missed something; catching up"
    )

    gate = asyncio.Semaphore(CATCHUP_PARALLEL)
    pages = sizes = 0

    async def recover(i: int) -> int:
        nonlocal pages, sizes
        after = gap_start(held[i], expected)
        if after is None:
            return 0
        async with gate:
            found, used, size = await catch_up(port, cookies[i], after, wanted)
        pages, sizes = pages + used, sizes + size
        held[i] |= found
        return len(wanted) - len(held[i])

    catchup_started = time.perf_counter()
    still_missing = await asyncio.gather(*(recover(i) for i in range(len(tallies))))
    catchup_s = time.perf_counter() - catchup_started
    return {
        "connected": len(sockets),
        "connect_s": connect_s,
        "produced": produced,
        "expected": len(wanted),
        "live_missing": live_missing,
        "after_catchup_missing": sum(still_missing),
        "duplicates": duplicates,
        "lags": lags,
        "live_seconds": live_seconds,
        "cpu": cpu,
        "closed_early": closed_early,
        "catchup_s": catchup_s,
        "catchup_pages": pages,
        "catchup_mb": sizes / 1e6,
    }


def _redis_pid() -> int | None:
    import redis

    try:
        return int(redis.Redis.from_url(os.environ["REDIS_URL"]).info("server")["process_id"])
    except Exception:
        return None


def _cpu(web_pid: int, redis_pid: int | None) -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {"web": wslib.cpu_seconds(web_pid), "clients": usage.ru_utime + usage.ru_stime}
    if redis_pid is not None:
        with contextlib.suppress(OSError):
            figures["redis"] = wslib.cpu_seconds(redis_pid)
    return figures


def run_loop(coroutine: Any) -> Any:
    try:
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(coroutine)
    except ImportError:
        return asyncio.run(coroutine)


def main() -> dict[str, Any]:
    wslib.raise_fd_limit(2 * CLIENTS + 256)
    run = f"bench-fan-{secrets.token_hex(3)}"
    load_start = round(os.getloadavg()[0], 1)
    with wslib.own_database(DATABASE) as database_url:
        wslib.flush_redis()
        began = time.perf_counter()
        sessions = wslib.session_cookies(max(1, CLIENTS // TABS), min(USERS, CLIENTS), run)
        cookies = [sessions[i % len(sessions)] for i in range(CLIENTS)]
        wslib.say(f"{len(sessions)} sessions in {time.perf_counter() - began:.1f} s")
        web, port = wslib.start_uvicorn("ws_fanout-web", database_url)
        try:
            result = run_loop(fanout(port, cookies, run, database_url, web.pid))
        finally:
            wslib.stop(web)
    wslib.flush_redis()
    live_missing = result["live_missing"]
    deliveries = result["expected"] * result["connected"]
    full = CLIENTS >= 1000 and SECONDS >= 60 and RATE >= 100
    produced = result["produced"]
    met = (
        result["after_catchup_missing"] == 0
        and result["expected"] == int(RATE * SECONDS)
        and result["connected"] == CLIENTS
    )
    return {
        "id": "P6 ws_fanout",
        "what": f"{CLIENTS} /ws/ops/ clients, outbox events written by a producer process at {RATE:.0f}/s for "
        f"{SECONDS:.0f} s and broadcast after commit; live-delivery loss, then each client's catch-up "
        "(GET /api/v1/events/?after=<last seq without a gap>) as static/js/live.js does it",
        "clients": CLIENTS,
        "clients_connected": result["connected"],
        "heartbeat_seconds": float(os.environ.get("RTCC_WS_HEARTBEAT_SECONDS", "15")),
        "sessions": max(1, CLIENTS // TABS),
        "events": result["expected"],
        "producer_rate_per_s": round(produced["rate"], 1),
        "producer_write_and_broadcast_p50_ms": round(produced["write_and_broadcast_p50_ms"], 2),
        "producer_write_and_broadcast_p99_ms": round(produced["write_and_broadcast_p99_ms"], 2),
        "deliveries_expected": deliveries,
        "live_missed": sum(live_missing),
        "live_loss_percent": round(100 * sum(live_missing) / deliveries, 2) if deliveries else None,
        "clients_with_live_loss": sum(1 for missing in live_missing if missing),
        "live_missed_per_client_max": max(live_missing, default=0),
        "live_duplicates": result["duplicates"],
        "live_delivery_seconds": round(result["live_seconds"], 1),
        "live_deliveries_per_s": round((deliveries - sum(live_missing)) / result["live_seconds"])
        if result["live_seconds"] > 0
        else None,
        **wslib.figures("live_lag", result["lags"]),
        "web_cpu_us_per_live_delivery": round(1e6 * result["cpu"]["web"] / (deliveries - sum(live_missing)))
        if deliveries > sum(live_missing)
        else None,
        "sockets_closed_early": result["closed_early"],
        "connect_seconds": round(result["connect_s"], 1),
        **{f"cpu_seconds_{name}": round(value, 1) for name, value in result["cpu"].items()},
        "catchup_seconds": round(result["catchup_s"], 1),
        "catchup_requests": result["catchup_pages"],
        "catchup_mb": round(result["catchup_mb"], 1),
        "missing_after_catchup": result["after_catchup_missing"],
        "load_average_start_end": [load_start, round(os.getloadavg()[0], 1)],
        "target_missing_after_catchup": 0,
        "verdict": ("pass" if met else "miss") if full else "not judged",
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--produce"]:
        produce(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
        sys.exit(0)
    outcome = main()
    for name, value in outcome.items():
        if name not in {"id", "what"}:
            print(f"{name}: {value}", file=sys.stderr)
    print(json.dumps(outcome))
