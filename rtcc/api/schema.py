"""OpenAPI generation: every operation also documents the error answers it can give.

`rtcc.errors.api_exception_handler` turns every refusal into `{"error": ..., "details": ...}`.
The schema says so, per operation, for the statuses that operation can produce: 401 and 403
always (every view authenticates and checks a capability); 400 and 404 when it takes input (any
input may name an object that does not exist) or pages by number; 409 for state changes; 413
for request bodies; 429 when the view is throttled. Schemathesis (tests/security/test_fuzz_api.py)
holds the server to it.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

DESCRIPTIONS = {
    "400": "Invalid input: `error` names the first bad field (`field: message`), `details` has all of them.",
    "401": "No credentials, or credentials that are unknown, revoked or disabled.",
    "403": "The caller lacks the capability this operation needs.",
    "404": "An object named in the path, query or body does not exist or is not visible; or no such page.",
    "409": "The object is not in a state that allows this action.",
    "413": "The request body is larger than the limit.",
    "429": "Too many requests; retry after the number of seconds in `Retry-After`.",
}


class ErrorOut(serializers.Serializer):
    """The body of every refusal (4xx)."""

    error = serializers.CharField(help_text="What went wrong, for a person to read.")
    details = serializers.JSONField(required=False, help_text="Field errors or other structured detail.")


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                error = OpenApiResponse(response=ErrorOut, description=DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(error, code, direction=direction)
            elif "content" not in responses[code]:
                described = responses[code].get("description") or DESCRIPTIONS[code]
                error = OpenApiResponse(response=ErrorOut, description=described)
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        return responses

    def _error_codes(self) -> list[str]:
        parameters = self._get_parameters()
        has_path = any(p.get("in") == "path" for p in parameters)
        has_query = any(p.get("in") == "query" for p in parameters)
        has_body = self.method in {"POST", "PUT", "PATCH"}
        codes = ["401", "403"]
        if has_body or has_query or has_path:
            # Any input may name an object (`{id}`, `?operation=`, `"camera": 7`) that does not exist.
            codes += ["400", "404"]
        elif self.method == "GET" and self._pages_by_number():
            codes.append("404")
        if self.method in WRITE_METHODS:
            codes.append("409")
        if has_body:
            codes.append("413")
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        return sorted(codes)

    def _pages_by_number(self) -> bool:
        paginator = self._get_paginator()
        return isinstance(paginator, PageNumberPagination) and self._is_list_view()
