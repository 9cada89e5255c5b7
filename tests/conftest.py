"""Shared fixtures: users per role, a CAD feed with its key, and real background processes
(Celery worker, uvicorn ASGI server) running against the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import user_ensure_with_role
from feeds import services as feed_services

ROOT = Path(__file__).resolve().parent.parent
# Logs of background processes and screenshots; separate runs side by side can use their own.
OUTPUT_DIR = ROOT / os.environ.get("RTCC_TEST_OUTPUT", "test-output")
if os.environ.get("PYTEST_XDIST_WORKER"):  # one directory per test process: logs of servers they start
    OUTPUT_DIR = OUTPUT_DIR / os.environ["PYTEST_XDIST_WORKER"]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    def make(username: str, role: Role | None) -> Any:
        if role is None:
            from tests.factories import UserFactory

            return UserFactory(username=username)
        return user_ensure_with_role(username=username, password=PASSWORD, role=role)

    return make


@pytest.fixture
def analyst(make_user: Callable[..., Any]) -> Any:
    return make_user("ana", Role.ANALYST)


@pytest.fixture
def supervisor(make_user: Callable[..., Any]) -> Any:
    return make_user("sup", Role.SUPERVISOR)


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    return make_user("adm", Role.ADMIN)


@pytest.fixture
def norole_user(make_user: Callable[..., Any]) -> Any:
    return make_user("nobody", None)


@pytest.fixture
def cad_feed(db: None) -> tuple[Any, str]:
    return feed_services.feed_create(name="Test CAD", kind="cad", slug="test-cad")


@pytest.fixture
def feed_client(cad_feed: tuple[Any, str]) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {cad_feed[1]}")
    return client


def cad_record(external_id: str = "CAD-1", **overrides: Any) -> dict[str, Any]:
    record = {
        "external_id": external_id,
        "call_type": "SHOTS FIRED",
        "priority": 1,
        "received_at": "2026-11-23T10:00:00-06:00",
        "address": "2483 W HADLEY ST",
        "latitude": 43.0695,
        "longitude": -87.9447,
        "district": "5",
    }
    record.update(overrides)
    return record


# --- real background processes -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _process_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    db = settings.DATABASES["default"]
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = dict(os.environ)
    env.update({"DATABASE_URL": url, "DATABASE_CONN_MAX_AGE": "0", "DJANGO_DEBUG": "1", "PYTHONUNBUFFERED": "1"})
    # Servers skip the second factor unless the caller asks for it (tests/accounts/test_mfa_browser.py).
    env["RTCC_MFA_REQUIRED"] = "0"
    env.update(extra or {})
    return env


def _start(name: str, args: list[str], env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], Path]:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    log_path = OUTPUT_DIR / f"{name}.log"
    log = log_path.open("ab")
    process = subprocess.Popen(args, cwd=ROOT, env=_process_env(env), stdout=log, stderr=subprocess.STDOUT)
    return process, log_path


BIN = Path(sys.executable).parent


def start_worker(name: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], Path]:
    """A real `celery worker` (solo pool: one process, so kill -9 really kills it)."""
    (OUTPUT_DIR / f"{name}.log").unlink(missing_ok=True)
    process, log = _start(
        name, [str(BIN / "celery"), "-A", "rtcc", "worker", "--pool", "solo", "-l", "info", "-n", f"{name}@%h"], env
    )
    _wait_for(lambda: b"ready." in log.read_bytes() or process.poll() is not None, timeout=60, what=name, log=log)
    assert process.poll() is None, log.read_text()
    return process, log


def start_uvicorn(
    name: str, env: dict[str, str] | None = None, port: int | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """A real uvicorn serving rtcc.asgi on a free port (or `port`); returns the process and its base URL."""
    port = port or free_port()
    process, log = _start(
        name, [str(BIN / "uvicorn"), "rtcc.asgi:application", "--host", "127.0.0.1", "--port", str(port)], env
    )

    def up() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return process.poll() is not None

    _wait_for(up, timeout=60, what=name, log=log)
    assert process.poll() is None, log.read_text()
    return process, f"http://127.0.0.1:{port}"


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(predicate: Callable[[], bool], *, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    detail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{detail}")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None, django_db_blocker: Any) -> Iterator[subprocess.Popen[bytes]]:
    """A real `celery worker` process consuming the test Redis database."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # drop tasks left by earlier runs
    process, _ = start_worker("celery-worker")
    yield process
    stop_process(process)


@pytest.fixture
def worker(celery_worker_process: subprocess.Popen[bytes], transactional_db: None) -> Iterator[None]:
    """The real worker, drained at the end of the test so no task races the table flush."""
    from feeds.models import InboxBatch

    yield
    _wait_for(lambda: not InboxBatch.objects.filter(status="received").exists(), timeout=30, what="worker to drain")


@pytest.fixture(scope="session")
def asgi_server(django_db_setup: None) -> Iterator[str]:
    """A real uvicorn serving rtcc.asgi (HTTP + WebSocket) on a free port; yields its base URL."""
    process, url = start_uvicorn("uvicorn")
    yield url
    stop_process(process)


def wait_until(predicate: Callable[[], bool], *, timeout: float = 20, what: str = "condition") -> None:
    _wait_for(predicate, timeout=timeout, what=what)


@pytest.fixture(autouse=True)
def mfa_only_when_marked(request: pytest.FixtureRequest, settings: Any) -> None:
    # Most tests sign in with force_login and test something else; @pytest.mark.mfa keeps the
    # second factor required (tests/accounts/helpers.py::login_verified signs in with it).
    if request.node.get_closest_marker("mfa") is None:
        settings.RTCC_MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # PBKDF2 costs ~0.3 s per user; tests that log in through a real server hash with it explicitly.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(scope="session", autouse=True)
def close_stray_connections(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Async tests leave connections in asgiref's thread pool; end them so the test DB can be dropped."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def empty_partitioned_reads(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    """After a transactional test, empty lpr_read: Django's flush skips this unmanaged, partitioned table.

    Left-over reads would be matched retroactively by a later test's new hotlist entry.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if transactional:
        from django.db import connection

        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE lpr_read")
