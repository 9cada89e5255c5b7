from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from feeds import services
from feeds.models import DeadLetter, InboxBatch
from rtcc.celery import app as celery_app
from rtcc.errors import InvalidInput
from tests.conftest import cad_record


@pytest.fixture
def letter(cad_feed: Any) -> DeadLetter:
    feed, _ = cad_feed
    batch = InboxBatch.objects.create(feed=feed, records=[cad_record("G-1")], record_count=1, status="partial")
    return DeadLetter.objects.create(batch=batch, feed=feed, record_index=0, record=batch.records[0], error="bad")


@pytest.mark.django_db
def test_discarded_dead_letter_is_kept_but_never_replayed(letter: DeadLetter) -> None:
    assert services.dead_letters_discard(ids=[letter.id], reason="test record from vendor") == 1
    letter.refresh_from_db()
    assert letter.status == "discarded"
    assert "test record from vendor" in letter.error
    assert services.dead_letters_replay() == {"replayed": 0, "failed": 0}


@pytest.mark.django_db
def test_discard_needs_a_reason(letter: DeadLetter) -> None:
    with pytest.raises(InvalidInput, match="reason"):
        services.dead_letters_discard(ids=[letter.id], reason=" ")


@pytest.mark.django_db
def test_replay_command_names_an_unknown_feed() -> None:
    with pytest.raises(CommandError, match="--feed"):
        call_command("replay_dead_letters", "--feed", "nope")


@pytest.mark.django_db
def test_create_feed_prints_a_working_key_once(capsys: pytest.CaptureFixture[str]) -> None:
    from feeds.selectors import feed_get_by_api_key

    call_command("create_feed", "County CAD", "--kind", "cad")
    key = capsys.readouterr().out.strip()
    assert feed_get_by_api_key(key=key).slug == "county-cad"
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_feed", "County CAD")
    with pytest.raises(CommandError, match="kind"):
        call_command("create_feed", "Sensors", "--kind", "weather")


@pytest.mark.parametrize("task_name", sorted({entry["task"] for entry in celery_app.conf.beat_schedule.values()}))
def test_periodic_tasks_have_consistent_time_limits(task_name: str) -> None:
    # Celery refuses to send a task whose soft limit exceeds its hard limit (beat would fail forever).
    from django.conf import settings
    from django.utils.module_loading import import_string

    from rtcc.celery import app

    task = import_string(task_name)
    soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
    hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
    assert soft <= hard
    assert task_name in {entry["task"] for entry in app.conf.beat_schedule.values()}


@pytest.mark.django_db(transaction=True)
def test_batch_is_processed_while_its_feed_row_is_locked_elsewhere(cad_feed: Any) -> None:
    # Busy feeds have their counter row locked by other ingest transactions most of the time;
    # the worker's claim must lock only the batch, or SKIP LOCKED would skip it and stall it.
    import threading

    import psycopg
    from django.conf import settings as django_settings

    feed, _ = cad_feed
    batch = InboxBatch.objects.create(feed=feed, records=[cad_record("LOCK-1")], record_count=1)
    db = django_settings.DATABASES["default"]
    other = psycopg.connect(
        host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"]
    )
    other.execute("SELECT id FROM feeds_feed WHERE id = %s FOR UPDATE", [feed.pk])
    release = threading.Timer(1.0, other.commit)
    release.start()
    try:
        processed = services.inbox_batch_process(batch_id=str(batch.id))
    finally:
        release.join()
        other.close()
    assert processed is not None and processed.status == "done"
