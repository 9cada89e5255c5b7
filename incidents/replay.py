"""Turn a Milwaukee calls-for-service export into a timed stream of CAD messages.

Each call becomes four messages: received, dispatched, on scene and closed (with the export's
final status as disposition), spread over a call duration derived from the CAD number so
replays are reproducible. The feeds issue generalises file layouts into mapping files.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

MILWAUKEE_COLUMNS = ("id", "time", "location", "latitude", "longitude", "district", "nature", "status")


@dataclass(order=True)
class Message:
    due: datetime
    external_id: str = field(compare=False)
    stage: str = field(compare=False)
    record: dict[str, Any] = field(compare=False)


def read_milwaukee(path: Path, *, limit: int | None = None) -> list[dict[str, str]]:
    """Rows of a Milwaukee export, oldest first; refuses files with other columns."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = set(MILWAUKEE_COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        rows = sorted(reader, key=lambda row: (row["time"], row["id"]))
    return rows[:limit] if limit else rows


def call_duration(external_id: str) -> timedelta:
    """15 to 89 minutes, stable for a CAD number."""
    return timedelta(minutes=15 + zlib.crc32(external_id.encode()) % 75)


def _coordinates(row: dict[str, str]) -> dict[str, float]:
    try:
        return {"latitude": float(row["latitude"]), "longitude": float(row["longitude"])}
    except ValueError:
        return {}


def messages_for(row: dict[str, str], *, suffix: str = "") -> Iterator[Message]:
    """The four messages of one call, due at simulated (source) times."""
    external_id = row["id"] + suffix
    received = datetime.fromisoformat(row["time"])
    duration = call_duration(row["id"])
    address = row["location"].removesuffix(",MKE").strip()
    base = {"external_id": external_id, "call_type": row["nature"]}
    yield Message(
        received,
        external_id,
        "received",
        {**base, "status": "received", "address": address, "district": row["district"], **_coordinates(row)},
    )
    yield Message(received + duration * 0.15, external_id, "dispatched", {**base, "status": "dispatched"})
    yield Message(received + duration * 0.35, external_id, "on_scene", {**base, "status": "on_scene"})
    yield Message(
        received + duration, external_id, "closed", {**base, "status": "closed", "disposition": row["status"][:128]}
    )


STAGE_TIME_FIELD = {
    "received": "received_at",
    "dispatched": "dispatched_at",
    "on_scene": "arrived_at",
    "closed": "closed_at",
}
