"""Per-client attempt counting for the public registration form (Django cache, so Redis in production).

Every POST counts, valid or not: a bot that keeps failing validation is still a bot.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from rtcc.throttles import count_in_window

WINDOW_SECONDS = 3600


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies saw.

    `RTCC_TRUSTED_PROXY_COUNT` (default 0) says how many reverse proxies stand in front of the
    app; each appends the address it received from to X-Forwarded-For, so the client is that many
    entries from the right. Entries further left are whatever the client chose to send.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.RTCC_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            remote = forwarded[-proxies]
    if remote is None:
        return None
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return None


def attempt_key(ip: str | None) -> str:
    return f"cameras:registration-attempts:{ip or 'unknown'}"


def registration_attempt_allowed(ip: str | None) -> bool:
    """Count one attempt from `ip`; False once it made more than RTCC_REGISTRATION_PER_IP_HOUR this hour.

    The window starts with the first attempt and lasts an hour (the counter's time to live).
    """
    attempts = count_in_window(attempt_key(ip), seconds=WINDOW_SECONDS)
    return attempts is None or attempts <= settings.RTCC_REGISTRATION_PER_IP_HOUR
