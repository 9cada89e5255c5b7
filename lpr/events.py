"""LPR hit events. An unverified hit goes only to its hotlist's distribution; a verified one to everyone."""

from __future__ import annotations

from collections import defaultdict
from typing import TypedDict

from accounts.roles import Role
from lpr.choices import HitStatus
from lpr.models import Hit
from rtcc.geo import lat_lon
from rtcc.outbox import record_events
from rtcc.realtime import role_stream, user_stream

# Who receives unverified hits of a hotlist that names no distribution.
DEFAULT_DISTRIBUTION = (Role.ANALYST,)
SOUND_PRIORITY = 2  # priority 1 and 2 hits sound an alarm at the recipients' screens


class HitPayload(TypedDict):
    id: int
    status: str
    kind: str
    priority: int
    sound: bool
    plate: str
    state: str
    hotlist: str
    reason: str
    reader: str
    read_at: str
    lat: float | None
    lon: float | None
    retroactive: bool


def hit_payload(hit: Hit) -> HitPayload:
    lat, lon = lat_lon(hit.location)
    return HitPayload(
        id=hit.pk,
        status=hit.status,
        kind=hit.kind,
        priority=hit.priority,
        sound=hit.priority <= SOUND_PRIORITY and hit.status == HitStatus.UNVERIFIED,
        plate=hit.plate,
        state=hit.state,
        hotlist=hit.hotlist.name,
        reason=hit.entry.reason,
        reader=hit.reader.name if hit.reader else "",
        read_at=hit.read_at.isoformat(),
        lat=lat,
        lon=lon,
        retroactive=hit.retroactive,
    )


def distribution_streams(hit: Hit) -> list[str]:
    hotlist = hit.hotlist
    roles = hotlist.distribution_roles or list(DEFAULT_DISTRIBUTION)
    streams = [role_stream(role) for role in roles]
    streams += [user_stream(user_id) for user_id in hotlist.distribution_users.values_list("pk", flat=True)]
    return streams


def publish_hits_raised(*, hits: list[Hit]) -> None:
    """New hits (always unverified): to the distribution of their hotlist only."""
    by_stream: dict[str, list[tuple[str, dict[str, object]]]] = defaultdict(list)
    for hit in hits:
        for stream in distribution_streams(hit):
            by_stream[stream].append(("lpr.hit.raised", dict(hit_payload(hit))))
    for stream, events in by_stream.items():
        record_events(stream=stream, events=events)


def publish_hit_changed(*, hit: Hit) -> None:
    """Verified (actionable) hits go to the whole ops stream; other changes to the distribution."""
    payload = dict(hit_payload(hit))
    if hit.status == HitStatus.ACTIONABLE:
        record_events(stream="ops", events=[("lpr.hit.actionable", payload)])
    for stream in distribution_streams(hit):
        record_events(stream=stream, events=[("lpr.hit.updated", payload)])
