"""Roles and the declarative map of which role may use which capability.

Roles are Django groups. Every page, API view and WebSocket consumer names one capability;
`CAPABILITIES` says which roles hold it. A capability without an entry is refused to all.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models


class Role(models.TextChoices):
    ANALYST = "analyst", "Analyst"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMIN = "admin", "Admin"
    # A video-wall display in the RTCC room: read-only, no personal data beyond the ops stream.
    WALL = "wall", "Wall display"
    # Reads the audit trail, its anomaly flags and the metrics; changes nothing.
    AUDITOR = "auditor", "Auditor"


STAFF_ROLES = frozenset({Role.ANALYST, Role.SUPERVISOR, Role.ADMIN})
# Read-only live picture (incidents, shots, CAP areas, alerts) for staff and the wall display.
LIVE_ROLES = STAFF_ROLES | {Role.WALL}

CAPABILITIES: dict[str, frozenset[str]] = {
    # Live operations: map, incident layer, event stream and catch-up.
    "ops.view": STAFF_ROLES,
    # The shared "ops" event stream and its catch-up API (the wall display follows it too).
    "ops.stream": LIVE_ROLES,
    # The wall-display page: read-only, large type, follows the newest priority-1 event.
    "ops.wall": frozenset({Role.WALL}),
    "incidents.read": LIVE_ROLES,
    "alerts.read": LIVE_ROLES,
    # Work alerts: acknowledge, assign, resolve with a disposition, notes, bulk acknowledge.
    "alerts.work": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    # Mute an alert type or source for a while (reason and expiry required, logged).
    "alerts.mute": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    # Oversight of the alert desk: every mute ever set, every analyst's alerts-per-hour load.
    "alerts.oversight": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # Alert rules (trigger -> action): edit, validate, dry-run.
    "rules.manage": frozenset({Role.ADMIN}),
    # Correlation panel (cameras, shots, prior incidents); its LPR and GPS parts also need
    # lpr.search / monitoring.tracks and a purpose, like any search of those data.
    "correlation.read": STAFF_ROLES,
    # Quick search box on the map (CAD number, address).
    "ops.search": STAFF_ROLES,
    # Police beats and districts (boundaries are public information).
    "areas.read": LIVE_ROLES,
    # Large-event workspaces (parade, game): read, create/edit, and write in their log.
    "operations.read": STAFF_ROLES,
    "operations.manage": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    "operations.log": frozenset({Role.ANALYST, Role.SUPERVISOR, Role.ADMIN}),
    "shots.read": LIVE_ROLES,
    "cap.read": LIVE_ROLES,
    # Positions of people on electronic monitoring: purpose-bound and audited.
    "monitoring.tracks": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    # Feed health (status and counters, no keys): everyone on shift should know a feed is down.
    "feeds.health": STAFF_ROLES,
    # File imports through mapping files.
    "feeds.import": frozenset({Role.ADMIN}),
    # Alerts meant for admins (camera offline, MOU expiring): the "admin" event stream.
    "admin.alerts": frozenset({Role.ADMIN}),
    # Camera registry: map layer, "cameras that can see this spot", camera details.
    "cameras.read": LIVE_ROLES,
    # Owner contact details of partner and community cameras.
    "cameras.contacts": frozenset({Role.ANALYST, Role.ADMIN}),
    # Register, review (approve/reject), import, export and retire cameras.
    "cameras.manage": frozenset({Role.ADMIN}),
    # Ask owners for footage and record their answer.
    "cameras.footage": frozenset({Role.ANALYST, Role.SUPERVISOR, Role.ADMIN}),
    # LPR: hits (unverified ones reach only their hotlist's distribution), verification, hotlists.
    "lpr.read": STAFF_ROLES,
    # Reader registry and map layer (positions of fixed readers are not sensitive).
    "lpr.readers": STAFF_ROLES,
    "lpr.hits.verify": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    "lpr.hotlists.manage": frozenset({Role.ANALYST, Role.SUPERVISOR, Role.ADMIN}),
    # Searching reads: purpose code and case number required, every search audited.
    "lpr.search": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    # Retention purge ledger.
    "lpr.ledger": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # RTCC cases (assist records) and their append-only logs: read, open and write, review.
    "cases.read": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    "cases.write": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    # The review queue: approve a case or return it with comments.
    "cases.review": frozenset({Role.SUPERVISOR}),
    # Evidence files of cases: upload, view, download (each access in the chain of custody).
    "evidence.read": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    "evidence.write": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    # Legal hold on evidence (overrides retention).
    "evidence.hold": frozenset({Role.SUPERVISOR}),
    # Intelligence bulletins (BOLO, officer safety…): draft and read; approve and disseminate.
    "bulletins.read": STAFF_ROLES,
    "bulletins.write": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    "bulletins.approve": frozenset({Role.SUPERVISOR}),
    # Shift log: who is on duty, handover notes (shown on the ops screen at shift change).
    "shifts.read": STAFF_ROLES,
    "shifts.write": frozenset({Role.ANALYST, Role.SUPERVISOR}),
    # Audit trail (append-only, hash-chained): read and filter, export as CSV.
    "audit.read": frozenset({Role.AUDITOR, Role.SUPERVISOR, Role.ADMIN}),
    "audit.export": frozenset({Role.AUDITOR, Role.SUPERVISOR, Role.ADMIN}),
    # Anomaly flags on searches (repeated plate, off-shift, volume, unknown case number): review them.
    "audit.anomalies": frozenset({Role.AUDITOR, Role.SUPERVISOR}),
    # Metrics and reports (issue 9 fills these in).
    "metrics.read": frozenset({Role.AUDITOR, Role.SUPERVISOR}),
    # The records behind a dashboard row (also needs the record kind's own read capability).
    "metrics.drill": frozenset({Role.SUPERVISOR}),
    # Finishing sign-in: the second-factor pages (enrol, verify, recovery code) and the activity
    # ping. Every role, the wall display included (a person sets it up, so it enrols too).
    "accounts.signin": frozenset(Role.values),
    # A signed-in person's own sessions (list, sign out elsewhere) and MFA device / recovery codes.
    "accounts.self": frozenset({Role.ANALYST, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR}),
    # User administration: roles, unlock after failed logins, revoke sessions, reset MFA.
    "accounts.manage": frozenset({Role.ADMIN}),
    # The API schema and its docs.
    "api.schema": STAFF_ROLES,
    # The Django admin site.
    "admin.site": frozenset({Role.ADMIN}),
}

# Model permissions given to each group after every migrate (accounts.signals), for the admin
# site and for anyone reading `user.has_perm`; the capability map above is what interfaces check.
STAFF_VIEW_PERMISSIONS = [
    "incidents.view_incident",
    "incidents.view_calltype",
    "alerts.view_alert",
    "shots.view_shotsfired",
    "cap.view_capalert",
    "cameras.view_camera",
]
GROUP_PERMISSIONS: dict[str, list[str]] = {
    Role.AUDITOR: ["audit.view_auditevent"],
    Role.ANALYST: STAFF_VIEW_PERMISSIONS,
    Role.SUPERVISOR: STAFF_VIEW_PERMISSIONS,
    Role.ADMIN: [
        *STAFF_VIEW_PERMISSIONS,
        "incidents.change_incident",
        "incidents.add_calltype",
        "incidents.change_calltype",
        "incidents.delete_calltype",
        "feeds.view_feed",
        "feeds.add_feed",
        "feeds.change_feed",
        "feeds.view_inboxbatch",
        "feeds.view_deadletter",
        "feeds.change_deadletter",
        "shots.change_shotsfired",
        "monitoring.view_subject",
        "monitoring.add_subject",
        "monitoring.change_subject",
        "monitoring.view_zone",
        "monitoring.add_zone",
        "monitoring.change_zone",
        "monitoring.delete_zone",
        "monitoring.view_zonevisit",
        "audit.view_auditevent",
        "alerts.view_alertmute",
        "cameras.add_camera",
        "cameras.change_camera",
        "cameras.view_footagerequest",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        # The public transparency page's policy text (one row; never deleted).
        "analytics.view_transparencypolicy",
        "analytics.add_transparencypolicy",
        "analytics.change_transparencypolicy",
    ],
}


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """Names of the roles a user holds (cached on the user object for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_rtcc_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))  # type: ignore[attr-defined]
        user._rtcc_roles = cached  # type: ignore[union-attr,attr-defined]
    return cached


def has_capability(user: AbstractBaseUser | AnonymousUser, capability: str) -> bool:
    """True when the user is authenticated, active and holds a role granting the capability."""
    if not user.is_authenticated or not user.is_active:
        return False
    allowed = CAPABILITIES.get(capability)
    if allowed is None:
        return False
    return bool(roles_of(user) & allowed)
