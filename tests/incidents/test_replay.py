"""replay_calls: Milwaukee layout → timed CAD messages, posted through the real ingest API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from feeds.models import InboxBatch
from incidents.models import Incident
from incidents.replay import messages_for, read_milwaukee
from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parents[2]
DEMO_CSV = ROOT / "demo" / "milwaukee_calls_2018-05-01_03.csv"
ROW = {
    "id": "1211384",
    "time": "2018-05-01 00:10:24",
    "location": "3017-A N 28TH ST,MKE",
    "latitude": "43.0737821",
    "longitude": "-87.94879379999999",
    "district": "5",
    "nature": "BATTERY",
    "status": "Unable to Locate Complainant",
}


def test_each_call_becomes_four_messages_in_time_order() -> None:
    messages = list(messages_for(ROW))
    assert [m.stage for m in messages] == ["received", "dispatched", "on_scene", "closed"]
    assert messages == sorted(messages)
    first, last = messages[0].record, messages[-1].record
    assert first["address"] == "3017-A N 28TH ST"
    assert (first["latitude"], first["longitude"]) == (43.0737821, -87.94879379999999)
    assert last["disposition"] == "Unable to Locate Complainant"


def test_rows_without_coordinates_send_none() -> None:
    (received, *_) = messages_for({**ROW, "latitude": "", "longitude": ""})
    assert "latitude" not in received.record


def test_demo_slice_is_sorted_and_has_the_known_dirt() -> None:
    rows = read_milwaukee(DEMO_CSV)
    assert len(rows) == 5496
    assert [r["time"] for r in rows] == sorted(r["time"] for r in rows)
    assert any(r["district"] == "CITY" for r in rows)
    assert any(not r["latitude"] for r in rows)


def test_other_layouts_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("replay_calls", str(other), "--key", "x")


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_replay_posts_through_the_api_and_calls_open_then_close(asgi_server: str, worker: None, cad_feed: Any) -> None:
    from incidents.services import call_type_upsert

    for code in {r["nature"] for r in read_milwaukee(DEMO_CSV, limit=5)}:
        call_type_upsert(code=code, default_priority=3)
    _, key = cad_feed
    # 100,000x: five calls and their whole lifecycles replay in a few seconds.
    call_command(
        "replay_calls",
        str(DEMO_CSV),
        "--limit",
        "5",
        "--speed",
        "100000",
        "--tick",
        "0.05",
        "--url",
        asgi_server,
        "--key",
        key,
    )
    assert InboxBatch.objects.count() >= 4  # a call's four messages never share a batch
    wait_until(lambda: Incident.objects.filter(status="closed").count() == 5, what="five closed incidents")
    incident = Incident.objects.get(external_id="1211376")
    assert (incident.call_type, incident.address, incident.district) == ("ENTRY AUTOS", "2900 W OKLAHOMA AV", "6")
    assert incident.disposition == "To be Filed"
    assert incident.dispatched_at <= incident.arrived_at <= incident.closed_at


@pytest.mark.django_db(transaction=True)
def test_replay_stops_at_once_on_a_refused_key(asgi_server: str) -> None:
    with pytest.raises(CommandError, match="--key: the server refused"):
        call_command(
            "replay_calls",
            str(DEMO_CSV),
            "--limit",
            "1",
            "--speed",
            "100000",
            "--url",
            asgi_server,
            "--key",
            "rtcc_00000000_wrong",
        )
