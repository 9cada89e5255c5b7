"""Domain errors and the one place that turns them into HTTP responses."""

from __future__ import annotations

import logging
import sys
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.defaults import page_not_found
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


logger = logging.getLogger("rtcc.errors")


def error_reference() -> str:
    """A short id that ties the message a user sees to the traceback in the log."""
    return uuid.uuid4().hex[:12]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: domain errors become {"error": ..., "details": ...}.

    An unexpected exception becomes a 500 with a reference (the traceback goes to the log, never to
    the client); under DEBUG it propagates to Django's debug page instead.
    """
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"error": exc.message}
        if exc.details is not None:
            body["details"] = exc.details
        return Response(body, status=exc.status_code)
    if isinstance(exc, drf_exceptions.ParseError):
        return Response({"error": f"Malformed request body: {exc.detail}"}, status=400)
    if isinstance(exc, drf_exceptions.ValidationError):
        # django-filter and serializers' is_valid(raise_exception=True): the same shape as InvalidInput.
        from rtcc.api.inputs import describe_errors  # rtcc.api.inputs imports this module

        return Response({"error": describe_errors(exc.detail), "details": exc.detail}, status=400)
    response = exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None
        reference = error_reference()
        request = context.get("request")
        logger.error(
            "Internal error %s on %s %s",
            reference,
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        return Response({"error": "Internal error", "reference": reference}, status=500)
    if isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"error": str(response.data["detail"])}
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/, our page elsewhere; both give a reference, never a traceback."""
    reference = error_reference()
    logger.error("Internal error %s on %s %s", reference, request.method, request.path, exc_info=sys.exc_info())
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "Internal error", "reference": reference}, status=500)
    # No request context: the error may have come from a context processor or the database.
    return HttpResponse(loader.get_template("500.html").render({"reference": reference}), status=500)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a path no route matches answers JSON under /api/ (API clients parse it), our page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": f"No API endpoint at {request.path}."}, status=404)
    return page_not_found(request, exception)


def render_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """HTML counterpart of the API handler, used by page views."""
    return render(request, "error.html", {"message": exc.message}, status=exc.status_code)
