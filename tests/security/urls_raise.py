"""Test-only URLconf: the real routes plus views that fail, to see the production error pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

SECRET_DETAIL = "db password is hunter2"  # must never reach the client


def page_crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


def page_forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(SECRET_DETAIL)


def page_suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET_DETAIL)


class ApiCrash(APIView):
    def get(self, request: Request) -> Response:
        raise RuntimeError(SECRET_DETAIL)


handler500 = "rtcc.errors.server_error"
handler404 = "rtcc.errors.not_found"

urlpatterns = [
    path("boom/", page_crash),
    path("forbidden/", page_forbidden),
    path("suspicious/", page_suspicious),
    path("api/v1/boom/", ApiCrash.as_view()),
    path("api/v1/plain-boom/", page_crash),
    path("", include("rtcc.urls")),
]
