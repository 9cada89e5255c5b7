from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.permissions import capability_required
from feeds import selectors


@capability_required("feeds.health")
def feed_health_page(request: HttpRequest) -> HttpResponse:
    """Every feed with its status and counters; refreshed in place every 15 s."""
    feeds = selectors.feeds_health_visible_to(user=request.user)
    return render(
        request,
        "feeds/health.html",
        {"feeds": feeds, "health_config": {"apiUrl": reverse("api-feed-health"), "refreshSeconds": 15}},
    )
