"""CAP 1.2 (OASIS Common Alerting Protocol) reader with the checks of the standard's schema.

Parsing goes through defusedxml (no entity expansion, no external entities). Every violation is
reported as `<element>: <problem>` so a sender sees which element to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

NS = "urn:oasis:names:tc:emergency:cap:1.2"
STATUS = {"Actual", "Exercise", "System", "Test", "Draft"}
MSG_TYPE = {"Alert", "Update", "Cancel", "Ack", "Error"}
SCOPE = {"Public", "Restricted", "Private"}
CATEGORY = {
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
}
URGENCY = {"Immediate", "Expected", "Future", "Past", "Unknown"}
SEVERITY = {"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
CERTAINTY = {"Observed", "Likely", "Possible", "Unlikely", "Unknown", "Very Likely"}  # 1.0 term still accepted


class CapError(ValueError):
    """The message is not valid CAP 1.2; the text names the element."""


@dataclass
class CapArea:
    description: str
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)  # (lat, lon) rings
    circles: list[tuple[float, float, float]] = field(default_factory=list)  # (lat, lon, radius km)


@dataclass
class CapInfo:
    language: str
    categories: list[str]
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    expires: datetime | None = None
    areas: list[CapArea] = field(default_factory=list)


@dataclass
class CapMessage:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    references: list[tuple[str, str]] = field(default_factory=list)  # (sender, identifier)
    infos: list[CapInfo] = field(default_factory=list)


def parse_cap(text: str) -> CapMessage:
    """Parse and check one CAP 1.2 <alert>; raises CapError naming the offending element."""
    try:
        root = SafeElementTree.fromstring(text.encode() if isinstance(text, str) else text)
    except DefusedXmlException as exc:
        raise CapError(f"xml: forbidden construct ({type(exc).__name__})") from exc
    except SafeElementTree.ParseError as exc:
        raise CapError(f"xml: not well-formed ({exc})") from exc
    if root.tag != f"{{{NS}}}alert":
        raise CapError(f"alert: root element must be <alert> in namespace {NS}, got {root.tag}")
    message = CapMessage(
        identifier=_required(root, "identifier"),
        sender=_required(root, "sender"),
        sent=_datetime(root, "sent", required=True),  # type: ignore[arg-type]
        status=_choice(root, "status", STATUS),
        msg_type=_choice(root, "msgType", MSG_TYPE),
        scope=_choice(root, "scope", SCOPE),
    )
    if message.msg_type in {"Update", "Cancel"} and not _text(root, "references"):
        raise CapError(f"references: required when msgType is {message.msg_type}")
    for entry in _text(root, "references").split():
        parts = entry.split(",")
        if len(parts) != 3:
            raise CapError(f"references: {entry!r} is not 'sender,identifier,sent'")
        message.references.append((parts[0], parts[1]))
    for position, info in enumerate(root.findall(f"{{{NS}}}info"), start=1):
        message.infos.append(_info(info, position))
    return message


def _info(element: Element, position: int) -> CapInfo:
    where = f" (info {position})"
    categories = [c.text.strip() for c in element.findall(f"{{{NS}}}category") if c.text]
    if not categories:
        raise CapError(f"category: required in every <info>{where}")
    unknown = [c for c in categories if c not in CATEGORY]
    if unknown:
        raise CapError(f"category: {unknown[0]!r} is not one of {sorted(CATEGORY)}{where}")
    info = CapInfo(
        language=_text(element, "language") or "en-US",
        categories=categories,
        event=_required(element, "event", where),
        urgency=_choice(element, "urgency", URGENCY, where),
        severity=_choice(element, "severity", SEVERITY, where),
        certainty=_choice(element, "certainty", CERTAINTY, where),
        headline=_text(element, "headline"),
        description=_text(element, "description"),
        instruction=_text(element, "instruction"),
        sender_name=_text(element, "senderName"),
        expires=_datetime(element, "expires"),
    )
    for number, area in enumerate(element.findall(f"{{{NS}}}area"), start=1):
        info.areas.append(_area(area, f"{where[:-1]}, area {number})"))
    return info


def _area(element: Element, where: str) -> CapArea:
    area = CapArea(description=_required(element, "areaDesc", where))
    for polygon in element.findall(f"{{{NS}}}polygon"):
        ring = [_point(pair, "polygon", where) for pair in (polygon.text or "").split()]
        if len(ring) < 4 or ring[0] != ring[-1]:
            raise CapError(f"polygon: needs at least 4 'lat,lon' pairs with the first repeated last{where}")
        area.polygons.append(ring)
    for circle in element.findall(f"{{{NS}}}circle"):
        try:
            centre, radius = (circle.text or "").split()
            lat, lon = _point(centre, "circle", where)
            area.circles.append((lat, lon, float(radius)))
        except ValueError as exc:
            raise CapError(f"circle: expected 'lat,lon radius_km'{where}") from exc
    return area


def _point(pair: str, name: str, where: str) -> tuple[float, float]:
    try:
        lat_text, lon_text = pair.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError as exc:
        raise CapError(f"{name}: {pair!r} is not 'lat,lon'{where}") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CapError(f"{name}: {pair!r} is outside WGS 84 ranges{where}")
    return lat, lon


def _text(element: Element, name: str) -> str:
    child = element.find(f"{{{NS}}}{name}")
    return (child.text or "").strip() if child is not None else ""


def _required(element: Element, name: str, where: str = "") -> str:
    value = _text(element, name)
    if not value:
        raise CapError(f"{name}: required{where}")
    return value


def _choice(element: Element, name: str, allowed: set[str], where: str = "") -> str:
    value = _required(element, name, where)
    if value not in allowed:
        raise CapError(f"{name}: {value!r} is not one of {sorted(allowed)}{where}")
    return value


def _datetime(element: Element, name: str, *, required: bool = False) -> datetime | None:
    value = _required(element, name) if required else _text(element, name)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CapError(f"{name}: {value!r} is not a CAP date-time (e.g. 2026-11-23T22:41:00-06:00)") from exc
    if parsed.tzinfo is None:
        raise CapError(f"{name}: {value!r} needs a time-zone offset")
    return parsed
