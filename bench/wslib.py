"""Shared helpers of the WebSocket benchmarks (bench/ws_latency.py, bench/ws_fanout.py).

Both run against a database of their own (created migrated, dropped at the end), a private Redis
database (7) and channel prefix, and their own uvicorn (and Celery worker) started as in production
(docker-compose.yml command lines). Clients are real WebSocket clients in the benchmark process
(asyncio, the `websockets` library, permessage-deflate on as in browsers), each signed in with its
own Django session of a user holding `ops.stream`; the second factor is off (RTCC_MFA_REQUIRED=0).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "bench" / "results"


def django_setup() -> None:
    """Settings for the benchmark process and every process it starts (they inherit the environment)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcc.settings")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
    os.environ.setdefault("RTCC_CHANNEL_PREFIX", "rtcc-bench-h6")
    os.environ["RTCC_MFA_REQUIRED"] = "0"
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")
    import django

    django.setup()


def say(*parts: Any) -> None:
    """Human-readable progress on stderr (stdout ends with the JSON line bench/run.py reads)."""
    print(time.strftime("%H:%M:%S", time.gmtime()), *parts, file=sys.stderr, flush=True)


def raise_fd_limit(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, needed)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    if wanted < needed:
        raise SystemExit(f"need {needed} file descriptors, the hard limit is {hard}")
    return wanted


@contextlib.contextmanager
def own_database(name: str) -> Iterator[str]:
    """A freshly migrated database for the run; yields its URL for child processes, drops it after."""
    from django.db import connection

    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        db = connection.settings_dict
        yield f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    finally:
        connection.close()
        connection.creation.destroy_test_db(original, verbosity=0)


def flush_redis() -> None:
    """Empty the benchmark's own Redis database (never anybody else's)."""
    import redis

    url = os.environ["REDIS_URL"]
    if url.rstrip("/").rsplit("/", 1)[-1] in {"0", "9", "10", "11", "12", "13", "14", "15"}:
        raise SystemExit(f"refusing to flush {url}: not the benchmark's Redis database")
    redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    name: str, args: list[str], database_url: str, extra: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    LOGS.mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **(extra or {})}
    log = (LOGS / f"{name}.log").open("wb")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def start_uvicorn(
    name: str, database_url: str, extra: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """uvicorn as docker-compose.yml runs it (one process, access log on), on a free port."""
    port = free_port()
    # BENCH_ASGI_APP / BENCH_ASGI_APP_DIR: run a patched application for a profiling experiment.
    app = os.environ.get("BENCH_ASGI_APP", "rtcc.asgi:application")
    args = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    if os.environ.get("BENCH_ASGI_APP_DIR"):
        args += ["--app-dir", os.environ["BENCH_ASGI_APP_DIR"]]
    process = start(name, args, database_url, extra)

    def up() -> bool:
        if process.poll() is not None:
            raise SystemExit(f"uvicorn exited; see {LOGS / (name + '.log')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    wait_for(up, 60, "uvicorn")
    return process, port


def start_worker(name: str, database_url: str) -> subprocess.Popen[bytes]:
    """A Celery worker as docker-compose.yml runs it (prefork pool, one child per core)."""
    process = start(name, [sys.executable, "-m", "celery", "-A", "rtcc", "worker", "-l", "info"], database_url)
    log = LOGS / f"{name}.log"
    wait_for(lambda: b"ready." in log.read_bytes() or process.poll() is not None, 60, "celery worker")
    if process.poll() is not None:
        raise SystemExit(f"celery worker exited; see {log}")
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its reaped children (from /proc, clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds(pid: int) -> float:
    """CPU time of a process plus its live children (Celery's prefork pool)."""
    total = cpu_seconds(pid)
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            with contextlib.suppress(OSError):
                total += cpu_seconds(int(child))
    return total


# --- sessions and clients -----------------------------------------------------------------


def session_cookies(count: int, users: int, run: str, threads: int = 4) -> list[str]:
    """`count` signed-in sessions spread over `users` analysts (force_login: the real login signals run).

    The analysts get no usable password (hashing one costs a second on a busy machine and nobody
    signs in with it); sign-ins run in a few threads, each closing its database connection after.
    """
    from concurrent.futures import ThreadPoolExecutor

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from accounts.roles import Role
    from accounts.services import user_role_set

    people: list[Any] = []
    for i in range(users):
        person = get_user_model()(username=f"{run}-analyst-{i}", is_active=True)
        person.set_unusable_password()
        person.save()
        people.append(user_role_set(user=person, role=Role.ANALYST))

    def sign_in(indexes: range) -> list[str]:
        try:
            cookies = []
            for i in indexes:
                client = Client()
                client.force_login(people[i % users])
                cookies.append(client.cookies["sessionid"].value)
            return cookies
        finally:
            connection.close()

    step = math.ceil(count / threads)
    with ThreadPoolExecutor(threads) as pool:
        parts = pool.map(sign_in, [range(start, min(count, start + step)) for start in range(0, count, step)])
    return [cookie for part in parts for cookie in part]


class Socket:
    """One /ws/ops/ client; `on_message(text, received_at)` is called for every frame after hello."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.cookie = cookie
        self.latest_at_hello = 0
        self.connection: Any = None
        self.task: asyncio.Task[None] | None = None
        self.closed_code: int | None = None

    async def open(self, on_message: Callable[[str, float], None], compression: bool = True) -> None:
        from websockets.asyncio.client import connect

        base = f"127.0.0.1:{self.port}"
        self.connection = await connect(
            f"ws://{base}/ws/ops/",
            origin=f"http://{base}",  # type: ignore[arg-type]
            additional_headers={"Cookie": f"sessionid={self.cookie}"},
            proxy=None,
            compression="deflate" if compression else None,
            ping_interval=None,  # browsers do not ping; the server's heartbeat keeps the line busy
            max_size=None,
            max_queue=None,  # read as fast as the loop allows; frames wait in our buffer, not TCP's
            open_timeout=60,
        )
        hello = json.loads(await asyncio.wait_for(self.connection.recv(), 60))
        if hello.get("type") != "hello":
            raise RuntimeError(f"expected hello, got {hello}")
        self.latest_at_hello = int(hello["latest_seq"])
        self.task = asyncio.create_task(self._read(on_message))

    async def _read(self, on_message: Callable[[str, float], None]) -> None:
        from websockets.exceptions import ConnectionClosed

        clock = time.perf_counter
        try:
            async for text in self.connection:
                on_message(text, clock())
        except ConnectionClosed as closed:
            self.closed_code = closed.rcvd.code if closed.rcvd is not None else 1006
        else:
            self.closed_code = self.connection.close_code

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()
        if self.task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


async def open_all(
    sockets: list[Socket], handlers: list[Callable[[str, float], None]], parallel: int = 25, timeout: float = 600
) -> tuple[list[int], float]:
    """Connect the sockets (at most `parallel` handshakes at once) until all are open or `timeout` passes.

    Returns the indexes of the sockets that opened and the seconds it took; the rest are abandoned.
    """
    gate = asyncio.Semaphore(parallel)
    compression = os.environ.get("BENCH_WS_DEFLATE", "1") != "0"

    async def one(sock: Socket, handler: Callable[[str, float], None]) -> None:
        async with gate:
            await sock.open(handler, compression=compression)

    started = time.perf_counter()
    tasks = [asyncio.create_task(one(sock, handler)) for sock, handler in zip(sockets, handlers, strict=True)]
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    opened = [i for i, task in enumerate(tasks) if task in done and task.exception() is None]
    failed = [task.exception() for task in done if task.exception() is not None]
    if failed:
        say(f"{len(failed)} sockets failed to open, e.g. {failed[0]!r}")
    return opened, time.perf_counter() - started


async def http(
    port: int, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, bytes]:
    """A bare HTTP/1.0 request on the benchmark's event loop (no thread, so timestamps stay in one clock)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"{method} {path} HTTP/1.0", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    try:
        response = await reader.read()
    finally:
        writer.close()
    head, _, content = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), content


# --- figures ------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def figures(label: str, millis: list[float]) -> dict[str, float | None]:
    if not millis:
        return {f"{label}_p50_ms": None, f"{label}_p95_ms": None, f"{label}_p99_ms": None}
    return {
        f"{label}_p50_ms": round(statistics.median(millis), 2),
        f"{label}_p95_ms": round(percentile(millis, 0.95), 2),
        f"{label}_p99_ms": round(percentile(millis, 0.99), 2),
        f"{label}_max_ms": round(max(millis), 2),
    }
