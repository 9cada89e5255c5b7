"""Demo LPR data: seeded once, and the demo replay posts reads through the real API to a real worker."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from lpr.models import Hit, Hotlist, Reader
from tests.conftest import wait_until


def seed(settings: Any, admin_user: Any, tmp_path: Any) -> Any:
    settings.DEBUG = True
    call_command("demo_cameras", "--count", "10", "--admin", admin_user.username, stdout=StringIO())
    key_file = tmp_path / "lpr.key"
    call_command("demo_lpr", "--key-file", str(key_file), "--admin", admin_user.username, stdout=StringIO())
    return key_file


@pytest.mark.django_db
def test_demo_lpr_is_idempotent(settings: Any, admin_user: Any, tmp_path: Any) -> None:
    key_file = seed(settings, admin_user, tmp_path)
    key = key_file.read_text()
    call_command("demo_lpr", "--key-file", str(key_file), "--admin", admin_user.username, stdout=StringIO())
    assert key_file.read_text() == key
    assert Reader.objects.count() == 8
    assert Hotlist.objects.get().entries.count() == 15


@pytest.mark.django_db(transaction=True)
def test_replay_posts_reads_that_the_worker_stores_and_matches(
    settings: Any, admin_user: Any, tmp_path: Any, asgi_server: str, worker: None
) -> None:
    key_file = seed(settings, admin_user, tmp_path)
    call_command(
        "replay_reads",
        "--url",
        asgi_server,
        "--key-file",
        str(key_file),
        "--count",
        "3",
        "--per-post",
        "10",
        "--tick",
        "0",
        "--hit-every",
        "1",
        "--run-id",
        "t",
        stdout=StringIO(),
    )

    def stored() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM lpr_read")
            return int(cursor.fetchone()[0])

    wait_until(lambda: stored() == 30, what="30 demo reads stored")
    wait_until(lambda: Hit.objects.count() == 30, what="every read (all hotlisted) to hit")
