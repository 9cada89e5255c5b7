"""Camera health: real probes of loopback servers, state changes on the map, admin alerts on long outages."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import OperationalError
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert
from cameras import services
from cameras.models import Camera
from cameras.services.health import probe_stream
from cameras.tasks import probe_camera_health
from rtcc.models import OutboxEvent
from tests.conftest import free_port, wait_until
from tests.factories import CameraFactory


@contextmanager
def tcp_listener() -> Iterator[int]:
    """A port on loopback that accepts TCP connections (an RTSP server as far as a connect probe can tell)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.1)
    stopping = threading.Event()

    def accept_and_hang_up() -> None:
        while not stopping.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.close()

    thread = threading.Thread(target=accept_and_hang_up, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stopping.set()
        thread.join(timeout=5)
        server.close()


@dataclass
class HttpStub:
    """What a loopback HTTP server saw: request paths and how many HEAD requests were in flight at once."""

    port: int = 0
    paths: list[str] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def http_server(answer: Callable[[str], int] = lambda path: 200) -> Iterator[HttpStub]:
    """A real threaded HTTP server on loopback; `answer(path)` runs in the request thread and gives the status."""
    stub = HttpStub()

    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            with stub.lock:
                stub.paths.append(self.path)
                stub.in_flight += 1
                stub.peak_in_flight = max(stub.peak_in_flight, stub.in_flight)
            try:
                status = answer(self.path)
            finally:
                with stub.lock:
                    stub.in_flight -= 1
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url() -> str:
    return f"rtsp://127.0.0.1:{free_port()}/stream"


def live_camera(stream_url: str, **fields: Any) -> Camera:
    return CameraFactory(tier="live", stream_url=stream_url, **fields)


def camera_events(camera: Camera) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(type="camera.updated", payload__id=camera.pk).order_by("seq"))


def offline_for(camera: Camera, minutes: float) -> None:
    """As if earlier probes had found the camera unreachable `minutes` ago and ever since."""
    since = timezone.now() - timedelta(minutes=minutes)
    Camera.objects.filter(pk=camera.pk).update(health="offline", health_changed_at=since, health_checked_at=since)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- probing --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_probe_records_online_and_offline_from_real_servers() -> None:
    answers = {"/live": 200, "/needs-login": 401, "/broken": 503}
    with tcp_listener() as rtsp_port, http_server(lambda path: answers[path]) as http:
        rtsp_up = live_camera(f"rtsp://127.0.0.1:{rtsp_port}/stream")
        closed_port = free_port()
        rtsp_down = live_camera(f"rtsp://127.0.0.1:{closed_port}/stream")
        http_up = live_camera(http.url("/live"))
        http_auth = live_camera(http.url("/needs-login"))
        http_error = live_camera(http.url("/broken"))

        results = services.cameras_probe_all()

    assert {result.camera_id: result.online for result in results} == {
        rtsp_up.pk: True,
        rtsp_down.pk: False,
        http_up.pk: True,
        http_auth.pk: True,
        http_error.pk: False,
    }
    expected = {
        rtsp_up: ("online", f"TCP {rtsp_port} open"),
        http_up: ("online", "HTTP 200"),
        http_auth: ("online", "HTTP 401"),  # it answered: the host is up, credentials are another matter
        http_error: ("offline", "HTTP 503"),
    }
    for camera, (health, detail) in expected.items():
        camera.refresh_from_db()
        assert (camera.health, camera.health_detail) == (health, detail), camera.stream_url
        assert camera.health_checked_at is not None
    rtsp_down.refresh_from_db()
    assert rtsp_down.health == "offline"
    assert rtsp_down.health_detail.startswith(f"TCP {closed_port}: ")  # then the OS's words for "refused"
    assert sorted(http.paths) == ["/broken", "/live", "/needs-login"]


@pytest.mark.django_db
def test_health_changed_at_and_map_event_move_only_when_the_state_changes() -> None:
    with tcp_listener() as port:
        camera = live_camera(f"rtsp://127.0.0.1:{port}/stream")

        services.cameras_probe_all()
        camera.refresh_from_db()
        first_check = camera.health_checked_at
        assert camera.health == "online"
        assert camera.health_changed_at == first_check
        events = camera_events(camera)
        assert [(event.stream, event.payload["health"]) for event in events] == [("ops", "online")]

        services.cameras_probe_all()
        camera.refresh_from_db()
        assert camera.health_checked_at > first_check
        assert camera.health_changed_at == first_check
        assert len(camera_events(camera)) == 1

    Camera.objects.filter(pk=camera.pk).update(stream_url=closed_port_url())
    services.cameras_probe_all()
    camera.refresh_from_db()
    assert camera.health == "offline"
    assert camera.health_changed_at == camera.health_checked_at > first_check
    assert [event.payload["health"] for event in camera_events(camera)] == ["online", "offline"]


@pytest.mark.django_db
def test_only_approved_live_share_cameras_are_probed() -> None:
    with http_server() as http:
        probed = live_camera(http.url("/approved-live"))
        others = [
            CameraFactory(tier="footage", stream_url=http.url("/footage-tier")),
            CameraFactory(tier="register", stream_url=http.url("/register-tier")),
            live_camera(http.url("/pending"), status="pending"),
            live_camera(http.url("/rejected"), status="rejected"),
            live_camera(http.url("/retired"), status="retired"),
            live_camera(""),
        ]

        results = services.cameras_probe_all()

    assert [result.camera_id for result in results] == [probed.pk]
    assert http.paths == ["/approved-live"]
    for camera in others:
        camera.refresh_from_db()
        assert (camera.health, camera.health_checked_at) == ("unknown", None), camera.stream_url
        assert camera_events(camera) == []


@pytest.mark.django_db
def test_probes_run_in_parallel(settings: Any) -> None:
    # Every answer waits until all cameras' requests have arrived: probing one after another
    # breaks the barrier (the server then answers 503), so the cameras come out offline.
    cameras_count = 8
    settings.RTCC_CAMERA_PROBE_TIMEOUT_SECONDS = 15
    everyone_arrived = threading.Barrier(cameras_count, timeout=5)

    def answer_when_all_arrived(path: str) -> int:
        try:
            everyone_arrived.wait()
        except threading.BrokenBarrierError:
            return 503
        return 200

    with http_server(answer_when_all_arrived) as http:
        cameras = [live_camera(http.url(f"/cam-{i}")) for i in range(cameras_count)]
        results = services.cameras_probe_all()

    assert http.peak_in_flight == cameras_count
    assert all(result.online for result in results)
    assert set(Camera.objects.filter(pk__in=[c.pk for c in cameras]).values_list("health", flat=True)) == {"online"}


@dataclass
class DatabaseView:
    """What another database session sees while a probe is being answered."""

    camera_row_locked: bool
    prober_session_state: str


def look_from_another_session(camera_id: int, prober_pid: int) -> DatabaseView:
    """Runs in a server thread, hence on its own connection: is the camera row locked, is a transaction open?"""
    try:
        with connection.cursor() as cursor:
            try:
                with transaction.atomic():
                    cursor.execute("SELECT id FROM cameras_camera WHERE id = %s FOR UPDATE NOWAIT", [camera_id])
                locked = False
            except OperationalError:
                locked = True
            cursor.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", [prober_pid])
            (state,) = cursor.fetchone()
        return DatabaseView(camera_row_locked=locked, prober_session_state=state)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_probe_runs_outside_any_transaction() -> None:
    views: list[DatabaseView] = []
    camera = CameraFactory(tier="live")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (prober_pid,) = cursor.fetchone()

    def answer(path: str) -> int:
        views.append(look_from_another_session(camera.pk, prober_pid))
        return 200

    with http_server(answer) as http:
        Camera.objects.filter(pk=camera.pk).update(stream_url=http.url("/live"))
        services.cameras_probe_all()

        # The same look while this session holds the row in a transaction: proves the check can fail.
        with transaction.atomic():
            Camera.objects.select_for_update().get(pk=camera.pk)
            holder = threading.Thread(target=lambda: views.append(look_from_another_session(camera.pk, prober_pid)))
            holder.start()
            holder.join(timeout=10)

    during_probe, during_control = views
    assert during_probe == DatabaseView(camera_row_locked=False, prober_session_state="idle")
    assert during_control == DatabaseView(camera_row_locked=True, prober_session_state="idle in transaction")
    camera.refresh_from_db()
    assert camera.health == "online"


# --- outage alerts --------------------------------------------------------------------------------


def offline_alerts(camera: Camera) -> list[Alert]:
    return list(Alert.objects.filter(type="camera_offline", source_key=f"camera:{camera.pk}"))


@pytest.mark.django_db
def test_first_failed_probe_does_not_alert() -> None:
    camera = live_camera(closed_port_url())
    services.cameras_probe_all()
    camera.refresh_from_db()
    assert camera.health == "offline"
    assert offline_alerts(camera) == []


@pytest.mark.django_db
def test_outage_longer_than_threshold_raises_one_admin_alert_and_recovery_resolves_it() -> None:
    threshold = settings.RTCC_CAMERA_OFFLINE_ALERT_MINUTES
    camera = live_camera(closed_port_url(), name="Corner of 5th and Main")

    offline_for(camera, threshold - 1)
    services.cameras_probe_all()
    assert offline_alerts(camera) == []

    offline_for(camera, threshold + 1)
    services.cameras_probe_all()
    (alert,) = offline_alerts(camera)
    assert (alert.streams, alert.status, alert.priority) == (["admin"], "new", 3)
    assert "Corner of 5th and Main" in alert.title
    assert camera.reference in alert.detail
    raised = OutboxEvent.objects.filter(type="alert.raised", payload__id=alert.pk)
    assert list(raised.values_list("stream", flat=True)) == ["admin"]

    services.cameras_probe_all()  # still down: the same alert, nothing new on the stream
    assert offline_alerts(camera) == [alert]
    assert not OutboxEvent.objects.filter(type="alert.updated", payload__id=alert.pk).exists()

    with tcp_listener() as port:
        Camera.objects.filter(pk=camera.pk).update(stream_url=f"rtsp://127.0.0.1:{port}/stream")
        services.cameras_probe_all()
    (alert,) = offline_alerts(camera)
    assert (alert.status, alert.resolution_note) == ("resolved", "camera back online")
    camera.refresh_from_db()
    assert camera.health == "online"


@pytest.mark.django_db
def test_second_long_outage_raises_the_alert_again() -> None:
    threshold = settings.RTCC_CAMERA_OFFLINE_ALERT_MINUTES
    now = timezone.now()
    camera = live_camera(closed_port_url())

    def record(online: bool, at: datetime) -> None:
        services.camera_health_record(camera_id=camera.pk, online=online, detail="test", checked_at=at)

    record(False, now - timedelta(minutes=3 * threshold))
    record(False, now - timedelta(minutes=2 * threshold - 1))
    record(True, now - timedelta(minutes=2 * threshold))
    assert [alert.status for alert in offline_alerts(camera)] == ["resolved"]

    record(False, now - timedelta(minutes=threshold + 5))
    record(False, now)

    assert [alert.status for alert in offline_alerts(camera)] == ["new"]


@pytest.mark.django_db
def test_offline_alert_is_listed_for_admins_but_not_for_analysts_or_supervisors(
    admin_user: Any, analyst: Any, supervisor: Any
) -> None:
    camera = live_camera(closed_port_url())
    offline_for(camera, settings.RTCC_CAMERA_OFFLINE_ALERT_MINUTES + 5)
    services.cameras_probe_all()
    (alert,) = offline_alerts(camera)

    admin_rows = client_for(admin_user).get("/api/v1/alerts/").json()["results"]
    assert [(row["id"], row["type"]) for row in admin_rows] == [(alert.pk, "camera_offline")]
    for user in (analyst, supervisor):
        response = client_for(user).get("/api/v1/alerts/")
        assert response.status_code == 200
        assert response.json()["results"] == []


# --- through the real worker ----------------------------------------------------------------------


@pytest.mark.worker
def test_beat_task_probes_cameras_in_a_real_worker(worker: None) -> None:
    with tcp_listener() as port:
        up = live_camera(f"rtsp://127.0.0.1:{port}/stream")
        down = live_camera(closed_port_url())

        probe_camera_health.delay()

        wait_until(
            lambda: (
                set(Camera.objects.filter(health_checked_at__isnull=False).values_list("pk", flat=True))
                == {up.pk, down.pk}
            ),
            what="worker probed both cameras",
        )
    assert dict(Camera.objects.values_list("pk", "health")) == {up.pk: "online", down.pk: "offline"}
    assert len(camera_events(up)) == len(camera_events(down)) == 1


def test_stream_url_with_an_impossible_port_is_offline_without_a_connection_attempt() -> None:
    assert probe_stream("rtsp://127.0.0.1:99999/stream", timeout=1) == (False, "invalid port in stream URL")
