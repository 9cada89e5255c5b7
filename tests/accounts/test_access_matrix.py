"""Generated access test: every route the URL resolver and the WebSocket router know, for every role.

Each route falls in exactly one group: guarded by a capability of accounts.roles.CAPABILITIES,
public (listed below with the reason), authenticated by a feed key, an MFA step, or the Django
admin site. A new page, API or consumer without a rule fails this file. It runs with MFA
required: allowed roles use an OTP-verified session, and an extra column checks that a
password-only ("unverified") session of an allowed role is refused everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import CAPABILITIES, Role
from rtcc.routing import websocket_urlpatterns
from tests.accounts.helpers import login_verified
from tests.accounts.matrix_objects import matrix_objects

# Routes deliberately reachable without a role: the reason, and what an anonymous GET answers.
PUBLIC: dict[str, tuple[str, int]] = {
    "": ("redirects to the role's home screen, which is guarded", 302),
    "healthz": ("liveness probe for load balancers; returns no data", 200),
    "favicon.ico": ("redirect to the static icon", 301),
    "accounts/login/": ("the sign-in page", 200),
    "accounts/logout/": ("signing out (POST only)", 405),
    "cameras/register/": ("community camera self-registration (honeypot + per-IP rate limit)", 200),
    "cameras/register/thanks/": ("shows the submitter the reference of their own submission", 200),
    "admin/login/": ("sends the admin site's sign-in to ours (same MFA and lockout)", 302),
    "admin/logout/": ("the admin site's sign-out: back to the admin index, which asks to sign in", 302),
    "transparency/": ("public transparency report: counts and the published policy, no personal data", 200),
}
# Steps of signing in with a second factor: a password-only session may use them (and nothing else).
MFA_STEP = {
    "accounts/mfa/verify/",
    "accounts/mfa/enrol/",
    "accounts/mfa/recovery/",
    # Shows the codes kept in the session by enrolment, once; regenerating them needs a verified session.
    "accounts/mfa/recovery-codes/",
}
MFA_PREFIX = "/accounts/mfa/"
# Routes authenticated by a feed API key, never by a person's session (tests/feeds/test_ingest_api.py).
FEED_KEY = {
    "api/v1/ingest/cad/",
    "api/v1/ingest/shots/",
    "api/v1/ingest/cap/",
    "api/v1/ingest/gps/",
    "api/v1/ingest/lpr/",
    "api/v1/ingest/lpr/openalpr/",
}
# Query strings a route needs to answer 200 when allowed.
REQUIRED_QUERY = {
    "api/v1/events/": "?after=0",
    "api/v1/monitoring/subjects/<int:subject_id>/track/": "?purpose=investigation&case_number=M-1",
    "api/v1/monitoring/subjects/positions/": "?purpose=investigation&case_number=M-1",
    "api/v1/search/": "?q=main",
    "api/v1/cameras/nearby/": "?lat=43.05&lon=-87.95&radius=300",
    "api/v1/correlation/": "?lat=43.05&lon=-87.95",
    "api/v1/lpr/reads/search/": "?purpose=stolen_vehicle&case_number=M-1&plate=ABC123",
    "api/v1/lpr/reads/export/": "?purpose=stolen_vehicle&case_number=M-1&plate=ABC123",
    "api/v1/areas/at/": "?lat=43.05&lon=-87.95",
    "api/v1/evidence/<int:evidence_id>/download/": "?reason=matrix",
}
# Placeholders that mean another object than the default for routes under a prefix.
PREFIXED_PLACEHOLDERS = {
    "api/v1/cameras/": {"<int:pk>": "camera", "<int:job_id>": "camera_job"},
    "cameras/": {"<int:pk>": "camera", "<int:job_id>": "camera_job"},
    "api/v1/lpr/hits/": {"<int:pk>": "lpr_hit"},
    "api/v1/alerts/": {"<int:pk>": "alert"},
}
ROLES: list[str | None] = [None, "norole", *Role.values, "unverified"]


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def capability_of(callback: Any) -> str | None:
    view_class = (
        getattr(callback, "cls", None)
        or getattr(callback, "view_class", None)
        or getattr(callback, "consumer_class", None)
    )
    return getattr(view_class, "capability", None) or getattr(callback, "capability", None)


RAW_ROUTES = list(walk(get_resolver().url_patterns))
# A route listed twice is answered by its first entry (ours in front of the admin site's sign-in).
SHADOWED = {"admin/login/"}
CALLBACKS: dict[str, Any] = {}
for _route, _callback in RAW_ROUTES:
    CALLBACKS.setdefault(_route, _callback)
ROUTES = sorted(CALLBACKS.items())
ADMIN = [route for route, _ in ROUTES if route.startswith("admin/") and route not in PUBLIC]
OTHER = {route for route, _ in ROUTES if not route.startswith("admin/")}
GUARDED = sorted(OTHER - set(PUBLIC) - FEED_KEY - MFA_STEP)
WS_ROUTES = [(str(entry.pattern), entry.callback) for entry in websocket_urlpatterns]
# Filled by the tests below; the last test compares it with the resolver's own count.
CHECKED: set[str] = set()


def answers_get(callback: Any) -> bool:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return view_class is None or hasattr(view_class, "get")


def test_the_groups_partition_the_resolver() -> None:
    groups = [set(GUARDED), set(PUBLIC), FEED_KEY, MFA_STEP, set(ADMIN)]
    assert sum(len(group) for group in groups) == len(ROUTES) == len(set().union(*groups))
    assert len(RAW_ROUTES) - len(ROUTES) == len(SHADOWED)
    undeclared = [route for route in GUARDED if capability_of(CALLBACKS[route]) not in CAPABILITIES]
    assert undeclared == [], f"routes without a capability in accounts.roles.CAPABILITIES: {undeclared}"
    no_capability = [route for route, consumer in WS_ROUTES if capability_of(consumer) not in CAPABILITIES]
    assert no_capability == [], f"WebSocket routes without a capability: {no_capability}"


def _user_for(role: str | None, capability: str | None, make_user: Any) -> Any:
    if role == "norole":
        return make_user("matrix-norole", None)
    if role == "unverified":
        # A user who holds a role the route allows, signed in with a password only.
        allowed = sorted(CAPABILITIES.get(capability or "", ())) or [Role.ADMIN]
        return make_user(f"matrix-unverified-{allowed[0]}", Role(allowed[0]))
    return make_user(f"matrix-{role}", Role(role))


def _client(role: str | None, capability: str | None, make_user: Any) -> Client:
    client = Client()
    if role == "unverified":
        client.force_login(_user_for(role, capability, make_user))
    elif role is not None:
        login_verified(client, _user_for(role, capability, make_user))
    return client


def _concrete(route: str, ids: dict[str, int]) -> str:
    path = route
    for prefix, overrides in PREFIXED_PLACEHOLDERS.items():
        if route.startswith(prefix):
            for placeholder, kind in overrides.items():
                path = path.replace(placeholder, str(ids[kind]))
    for placeholder, value in ids.items():
        if placeholder.startswith("<"):
            path = path.replace(placeholder, str(value))
    return "/" + path + REQUIRED_QUERY.get(route, "")


def _admin_concrete(route: str) -> str:
    path = re.sub(r"\^\(\?P<app_label>([a-z_]+)\|.*\)/\$", r"\1/", route)
    path = path.replace("(?P<url>.*)$", "no-such-page/")
    return "/" + re.sub(r"<[^>]+>", "1", path)


def _problem(response: Any, *, role: str | None, url: str, allowed: bool, is_api: bool, reads: bool) -> str | None:
    status = response.status_code
    location = response.get("Location", "")
    if role == "unverified":
        ok = status == 403 if is_api else status == 302 and location.startswith(MFA_PREFIX)
        expected = "403" if is_api else f"302 to {MFA_PREFIX}"
    elif allowed:
        # A POST-only action answers an allowed role's GET with 405: the role check came first.
        expected = "200" if reads else "405"
        ok = status == int(expected)
    elif role is None and not is_api:
        ok = status == 302 and "/accounts/login/" in location
        expected = "302 to login"
    elif role is None:
        ok, expected = status == 401, "401"
    else:
        ok, expected = status == 403, "403"
    return None if ok else f"{url} as {role or 'anonymous'}: expected {expected}, got {status} {location}"


@pytest.mark.mfa
@pytest.mark.django_db
@pytest.mark.parametrize("route", GUARDED)
def test_route_allows_exactly_the_roles_of_its_capability(
    make_user: Any, route: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path  # camera snapshot and MOU files of matrix_objects()
    capability = capability_of(CALLBACKS[route])
    url = _concrete(route, matrix_objects(make_user))
    problems = []
    for role in ROLES:
        response = _client(role, capability, make_user).get(url)
        allowed = role in CAPABILITIES[capability or ""]
        is_api = route.startswith("api/")
        problem = _problem(
            response, role=role, url=url, allowed=allowed, is_api=is_api, reads=answers_get(CALLBACKS[route])
        )
        if problem:
            problems.append(problem)
    assert problems == []
    CHECKED.add(route)


@pytest.mark.mfa
@pytest.mark.django_db
@pytest.mark.parametrize("route", ADMIN)
def test_admin_site_is_for_the_admin_role_only(make_user: Any, route: str) -> None:
    url = _admin_concrete(route)
    problems = []
    for role in ROLES:
        response = _client(role, "admin.site", make_user).get(url)
        status, location = response.status_code, response.get("Location", "")
        if role == Role.ADMIN:
            # Inside the site, Django's model permissions decide (403 on an add or delete page the
            # role's group lacks, 404 or a redirect for a missing id); never the sign-in.
            ok = status in (200, 403, 404) or (status == 302 and "login" not in location)
        elif role == "unverified":
            ok = status == 302 and location.startswith(MFA_PREFIX)
        else:
            # The admin site sends everyone else to its sign-in (which forwards to ours).
            ok = status == 302 and "/admin/login/" in location
        if not ok:
            problems.append(f"{url} as {role or 'anonymous'}: got {status} {location}")
    assert problems == []
    CHECKED.add(route)


@pytest.mark.mfa
@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(PUBLIC))
def test_public_routes_answer_without_login(route: str) -> None:
    reason, status = PUBLIC[route]
    assert Client().get("/" + route).status_code == status, reason
    CHECKED.add(route)


@pytest.mark.mfa
@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(MFA_STEP))
def test_mfa_steps_need_a_password_session(make_user: Any, route: str) -> None:
    anonymous = Client().get("/" + route)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client = Client()
    client.force_login(make_user("matrix-mfa-step", Role.ANALYST))
    assert client.get("/" + route).status_code in (200, 302)
    CHECKED.add(route)


@pytest.mark.mfa
@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(FEED_KEY))
def test_feed_routes_take_a_feed_key_not_a_session(make_user: Any, route: str) -> None:
    assert Client().post("/" + route, data={}, content_type="application/json").status_code == 401
    client = Client()
    login_verified(client, make_user("matrix-admin", Role.ADMIN))
    # A person's session, even an admin's, does not authenticate a feed.
    assert client.post("/" + route, data={}, content_type="application/json").status_code == 401
    CHECKED.add(route)


async def _socket_outcome(route: str, cookie: str | None) -> Any:
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(_application(), "/" + route, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    message = await communicator.receive_output(timeout=5)
    await communicator.disconnect()
    if message["type"] == "websocket.close":
        return message.get("code")
    return "open"


def _application() -> Any:
    from rtcc.asgi import application

    return application


@pytest.mark.mfa
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("route", "consumer"), WS_ROUTES, ids=[route for route, _ in WS_ROUTES])
async def test_websocket_route_allows_exactly_the_roles_of_its_capability(
    make_user: Any, route: str, consumer: Any
) -> None:
    capability = capability_of(consumer)
    problems = []
    for role in ROLES:
        client = await sync_to_async(_client)(role, capability, make_user)
        cookie = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
        outcome = await _socket_outcome(route, cookie)
        if role is None or role == "unverified":
            expected: Any = 4401
        else:
            expected = "open" if role in CAPABILITIES[capability or ""] else 4403
        if outcome != expected:
            problems.append(f"/{route} as {role or 'anonymous'}: expected {expected}, got {outcome}")
    assert problems == []
    CHECKED.add("ws:" + route)


def test_every_route_of_the_resolver_and_router_was_checked(request: pytest.FixtureRequest) -> None:
    """Runs last in this module: the count of routes checked equals the resolver's and router's count."""
    selected = [item for item in request.session.items if item.module is request.module]
    if len(selected) < len(ROUTES) + len(WS_ROUTES) + 2:  # + the partition test and this one
        pytest.skip("only part of the route matrix was selected (-k or a node id); run the whole module")
    expected = {route for route, _ in ROUTES} | {"ws:" + route for route, _ in WS_ROUTES}
    assert len(CHECKED) == len(ROUTES) + len(WS_ROUTES)
    assert expected == CHECKED, f"not checked: {sorted(expected - CHECKED)}"
