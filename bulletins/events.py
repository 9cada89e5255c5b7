"""Events of the bulletins app: on the role streams of the roles that may read bulletins (not "ops")."""

from __future__ import annotations

from typing import Literal, TypedDict

from accounts.roles import CAPABILITIES
from bulletins.models import Bulletin
from rtcc.outbox import record_events
from rtcc.realtime import role_stream

BulletinEventType = Literal["bulletin.created", "bulletin.updated", "bulletin.disseminated"]


class BulletinPayload(TypedDict):
    id: int
    kind: str
    title: str
    status: str
    version: int
    expires_at: str


def bulletin_payload(bulletin: Bulletin) -> BulletinPayload:
    return BulletinPayload(
        id=bulletin.pk,
        kind=bulletin.kind,
        title=bulletin.title,
        status=bulletin.status,
        version=bulletin.version,
        expires_at=bulletin.expires_at.isoformat(),
    )


def publish_bulletin(bulletin: Bulletin, event_type: BulletinEventType) -> None:
    payload = dict(bulletin_payload(bulletin))
    for role in sorted(CAPABILITIES["bulletins.read"]):
        record_events(stream=role_stream(role), events=[(event_type, payload)])
