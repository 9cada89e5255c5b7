"""Per-address limit on sign-in POSTs (Django cache, so shared by every web process through Redis).

django-axes locks a username after 5 failures; without this limit one address could lock out
every account in a few seconds by cycling through usernames.
"""

from __future__ import annotations

import time

from django.conf import settings

from rtcc.throttles import count_in_window

WINDOW_SECONDS = 60


def login_post_allowed(ip: str | None) -> bool:
    """Count one sign-in POST from `ip`; False once it sent more than RTCC_LOGIN_POSTS_PER_MINUTE this minute."""
    key = f"accounts:login-posts:{ip or 'unknown'}:{int(time.time() // WINDOW_SECONDS)}"
    posts = count_in_window(key, seconds=WINDOW_SECONDS * 2)
    return posts is None or posts <= settings.RTCC_LOGIN_POSTS_PER_MINUTE
