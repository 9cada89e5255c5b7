"""OpenALPR / Rekor agent webhooks: one `alpr_group` (a vehicle seen over several frames) → one read record.

Rules (docs/lpr-ingest.md explains why):

- plate: `best_plate_number`, the group's result; `best_plate.plate` only when it is missing.
- reader: the agent's `camera_id` as text; a reader with that external id must be registered for the feed.
- external_id: `best_uuid` (the group's best frame, the id the agent names its image by).
- state: the suffix of `best_region` ("us-wi" → "WI"), only when `best_region_confidence` is at least
  REGION_MIN_CONFIDENCE; an unsure state is left empty, because a wrong state hides a hit.
- images: never stored; `image_ref` points at the best frame on the agent and the plate's box in it.
- preview groups (`is_preview`) are skipped: the agent sends the final group for the same vehicle later.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from lpr.ingest import TEXT_LIMITS

logger = logging.getLogger(__name__)

GROUP_TYPE = "alpr_group"
REGION_MIN_CONFIDENCE = 80.0
EXTERNAL_ID_LIMIT = 64


class GroupError(ValueError):
    """The payload is not an alpr_group we can read; `field` names the payload field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidGroups(ValueError):
    """Some groups of a payload cannot be read; `problems` names each one (index and field)."""

    def __init__(self, problems: list[dict[str, Any]], *, total: int) -> None:
        first = problems[0]
        super().__init__(
            f"{len(problems)} of {total} alpr_group objects cannot be read (first: group {first['index']}, "
            f"field(s) {', '.join(sorted(first['errors']))}); nothing was accepted."
        )
        self.problems = problems


@dataclass
class Payload:
    records: list[dict[str, Any]] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # place of each record's group in the payload
    previews: int = 0


def records_from_payload(payload: Any) -> Payload:
    """The read records of one group or a list of groups; preview groups are counted, not read.

    Raises InvalidGroups naming every group that cannot be read (by its position in the payload).
    """
    groups = payload if isinstance(payload, list) else [payload]
    result = Payload()
    problems: list[dict[str, Any]] = []
    for index, group in enumerate(groups):
        if isinstance(group, dict) and group.get("is_preview") is True:
            result.previews += 1
            continue
        try:
            result.records.append(record_from_group(group))
        except GroupError as exc:
            problems.append({"index": index, "errors": {exc.field: [exc.message]}})
            continue
        result.positions.append(index)
    if problems:
        raise InvalidGroups(problems, total=len(groups))
    return result


def record_from_group(group: Any) -> dict[str, Any]:
    """One alpr_group as a read record (JSON-ready: times as ISO 8601 text)."""
    if not isinstance(group, dict):
        raise GroupError("alpr_group", "expected a JSON object")
    if group.get("data_type") != GROUP_TYPE:
        raise GroupError("data_type", f"only {GROUP_TYPE!r} is accepted here, got {group.get('data_type')!r}")
    best_plate: dict[str, Any] = group["best_plate"] if isinstance(group.get("best_plate"), dict) else {}
    record: dict[str, Any] = {
        "external_id": _external_id(group),
        "read_at": _epoch_ms(group.get("epoch_start"), "epoch_start"),
        "plate": _plate(group, best_plate),
        "state": _state(group),
        "reader": _reader(group),
        "direction": _direction(group.get("travel_direction")),
        "vehicle_make": _top_candidate(group, "make"),
        "vehicle_model": _top_candidate(group, "make_model"),
        "vehicle_color": _top_candidate(group, "color"),
        "vehicle_type": _top_candidate(group, "body_type"),
        "image_ref": _image_ref(group, best_plate),
    }
    confidence = group.get("best_confidence", best_plate.get("confidence"))
    if confidence is not None:
        record["confidence"] = confidence  # clean_read checks the 0-100 range
    record.update(_position(group))
    return record


def _plate(group: dict[str, Any], best_plate: dict[str, Any]) -> Any:
    """`best_plate_number` wins: it is the group's result; `best_plate` is one frame's detail."""
    group_plate = group.get("best_plate_number")
    frame_plate = best_plate.get("plate")
    if isinstance(group_plate, str) and group_plate.strip():
        if isinstance(frame_plate, str) and frame_plate.strip() and frame_plate != group_plate:
            logger.warning(
                "alpr_group %s: best_plate_number %r and best_plate.plate %r disagree; using best_plate_number",
                group.get("best_uuid"),
                group_plate,
                frame_plate,
            )
        return group_plate
    return frame_plate if frame_plate is not None else ""


def _external_id(group: dict[str, Any]) -> str:
    best_uuid = group.get("best_uuid")
    if not isinstance(best_uuid, str) or not best_uuid.strip():
        raise GroupError("best_uuid", "required: the id of the group's best frame")
    # "<agent_uid>-<camera_id>-<epoch ms>": the end is what makes it unique, so a long one keeps its end.
    return best_uuid.strip()[-EXTERNAL_ID_LIMIT:]


def _epoch_ms(value: Any, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise GroupError(field, "required: milliseconds since 1970-01-01 UTC")
    try:
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC).isoformat(timespec="milliseconds")
    except (OverflowError, OSError, ValueError) as exc:
        raise GroupError(field, f"{value!r} is not a usable time") from exc


def _reader(group: dict[str, Any]) -> str:
    camera_id = group.get("camera_id")
    if isinstance(camera_id, bool) or not isinstance(camera_id, int | str) or not str(camera_id).strip():
        raise GroupError("camera_id", "required: the agent's camera id (registered as the reader's external id)")
    return str(camera_id).strip()


def _state(group: dict[str, Any]) -> str:
    region = group.get("best_region")
    confidence = group.get("best_region_confidence")
    if not isinstance(region, str) or not isinstance(confidence, int | float) or confidence < REGION_MIN_CONFIDENCE:
        return ""
    code = region.rsplit("-", 1)[-1].upper()  # "us-wi" → "WI"; a bare country ("us") gives no state
    return code if "-" in region and len(code) == 2 and code.isalpha() else ""


def _direction(degrees: Any) -> str:
    if isinstance(degrees, bool) or not isinstance(degrees, int | float) or not math.isfinite(degrees):
        return ""
    return str(round(degrees) % 360)


def _top_candidate(group: dict[str, Any], attribute: str) -> str:
    vehicle = group.get("vehicle")
    candidates = vehicle.get(attribute) if isinstance(vehicle, dict) else None
    if not isinstance(candidates, list) or not candidates or not isinstance(candidates[0], dict):
        return ""
    name = candidates[0].get("name")
    if not isinstance(name, str):
        return ""
    text = "".join(ch for ch in name.replace("_", " ") if ch.isprintable()).strip()
    return text[: TEXT_LIMITS["vehicle_make"]]


def _position(group: dict[str, Any]) -> dict[str, Any]:
    latitude, longitude = group.get("gps_latitude"), group.get("gps_longitude")
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return {}  # no GPS on the agent (it sends 0, 0): the reader's fixed position is used
    return {"latitude": latitude, "longitude": longitude}


def _image_ref(group: dict[str, Any], best_plate: dict[str, Any]) -> str:
    """`openalpr:<agent_uid>/<best_uuid>` plus `#plate=x,y,w,h` (the plate's box in that frame)."""
    ref = f"openalpr:{group.get('agent_uid') or ''}/{group.get('best_uuid')}"
    points = best_plate.get("coordinates")
    if isinstance(points, list) and points:
        try:
            xs = [int(point["x"]) for point in points]
            ys = [int(point["y"]) for point in points]
        except (KeyError, TypeError, ValueError):
            return ref[: TEXT_LIMITS["image_ref"]]
        ref += f"#plate={min(xs)},{min(ys)},{max(xs) - min(xs)},{max(ys) - min(ys)}"
    return ref[: TEXT_LIMITS["image_ref"]]
