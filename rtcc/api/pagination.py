"""The default page shape of list APIs: `?limit=&offset=`, with a ceiling on `limit`."""

from __future__ import annotations

from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset pages; `limit` above `max_limit` is cut to it (an unbounded limit reached the
    database as an out-of-range integer: a 500 found by the fuzzer)."""

    max_limit = 1000
