"""`Authorization: Api-Key <key>` for machine feeds."""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from feeds.models import Feed
from feeds.selectors import feed_get_by_api_key


@dataclass(frozen=True)
class FeedPrincipal:
    """Stands in for request.user when a feed, not a person, is calling."""

    feed: Feed
    is_authenticated: bool = True
    is_active: bool = True

    def __str__(self) -> str:
        return f"feed:{self.feed.slug}"


class FeedApiKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[FeedPrincipal, Feed] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise AuthenticationFailed("Authorization header must be 'Api-Key <key>'.")
        feed = feed_get_by_api_key(key=header[1].decode(errors="replace"))
        if feed is None:
            raise AuthenticationFailed("Unknown or revoked API key.")
        if not feed.enabled:
            raise AuthenticationFailed(f"Feed {feed.slug!r} is disabled.")
        return FeedPrincipal(feed=feed), feed

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
