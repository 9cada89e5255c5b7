"""Request throttles that hold across every ASGI worker (counters in the shared Redis cache)."""

from __future__ import annotations

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
logger = logging.getLogger(__name__)


def parse_rate(rate: str) -> tuple[int, int] | None:
    """'600/minute' -> (600, 60); '' or 'off' -> None (no limit)."""
    rate = rate.strip().lower()
    if rate in ("", "off", "none"):
        return None
    count, _, period = rate.partition("/")
    if not count.isdigit() or not period or period[0] not in PERIODS:
        raise ValueError(f"Rate {rate!r} is not '<count>/<second|minute|hour|day>'")
    return int(count), PERIODS[period[0]]


def count_in_window(key: str, *, seconds: int) -> int | None:
    """Add one to the counter `key` (created for `seconds`) and return it; None when the cache is down.

    Every limit in the platform fails open when Redis is away: refusing a feed batch would lose
    data, and sign-in still has the per-account lockout kept in the database.
    """
    try:
        cache.add(key, 0, timeout=seconds)
        try:
            return cache.incr(key)
        except ValueError:  # the counter expired between add() and incr(): a new window
            cache.set(key, 1, timeout=seconds)
            return 1
    except (RedisError, OSError):
        logger.warning("rate limit %s skipped: cache unavailable", key.split(":", 2)[:2], exc_info=True)
        return None


def ingest_key(feed_id: int, period: int, window: int) -> str:
    return f"throttle:ingest:{feed_id}:{period}:{window}"


class FeedIngestThrottle(BaseThrottle):
    """RTCC_INGEST_RATE requests per feed API key (batches, not records) in a fixed window.

    One atomic INCR per request: cheap at the LPR rate, and exact across processes. A fixed window
    may let up to twice the rate through around a window boundary; that is accepted here.
    """

    timer = staticmethod(time.time)  # as DRF's SimpleRateThrottle: replaceable in tests

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        feed_id = getattr(request.auth, "pk", None)
        limit = parse_rate(settings.RTCC_INGEST_RATE)
        if feed_id is None or limit is None:
            return True  # unauthenticated calls are refused before this; no rate = no limit
        count, period = limit
        now = self.timer()
        window = int(now // period)
        key = ingest_key(feed_id, period, window)
        made = count_in_window(key, seconds=period + 5)
        if made is None or made <= count:
            return True
        self.retry_after = max(1.0, math.ceil((window + 1) * period - now))
        return False

    def wait(self) -> float | None:
        return self.retry_after
