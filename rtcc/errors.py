"""Domain errors and the one place that turns them into HTTP responses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """Base of every error a service may raise on purpose."""

    status_code = 400
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)


class InvalidInput(ApplicationError):
    status_code = 400
    default_message = "Invalid input."


class NotFound(ApplicationError):
    status_code = 404
    default_message = "Not found."


class Conflict(ApplicationError):
    """The object is not in a state that allows the action (e.g. acknowledging a resolved alert)."""

    status_code = 409
    default_message = "The object changed; reload and try again."


class PermissionDenied(ApplicationError):
    status_code = 403
    default_message = "You do not have permission to do this."


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: domain errors become {"error": ..., "details": ...}."""
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"error": exc.message}
        if exc.details is not None:
            body["details"] = exc.details
        return Response(body, status=exc.status_code)
    if isinstance(exc, drf_exceptions.ParseError):
        return Response({"error": f"Malformed request body: {exc.detail}"}, status=400)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"error": str(response.data["detail"])}
    return response


def render_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """HTML counterpart of the API handler, used by page views."""
    return render(request, "error.html", {"message": exc.message}, status=exc.status_code)
