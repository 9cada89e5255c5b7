"""JSON parsing with a hard body-size limit (DRF reads the stream directly, bypassing Django's)."""

from __future__ import annotations

from typing import IO, Any

import orjson
from django.conf import settings
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser


class RequestTooLarge(APIException):
    status_code = 413
    default_code = "request_too_large"


def read_limited(stream: IO[bytes] | None) -> bytes:
    """The whole body, refusing more than DATA_UPLOAD_MAX_MEMORY_SIZE bytes with 413."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if stream is None:
        raise ParseError("The request body is empty.")
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise RequestTooLarge(f"The request body is larger than the limit of {limit} bytes.")
    return body


class LimitedXMLTextParser(BaseParser):
    """XML bodies (CAP) handed to the view as text; the view parses them safely."""

    media_type = "application/xml"

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return read_limited(stream).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(f"The body is not UTF-8 text: {exc.reason} at byte {exc.start}.") from exc


class LimitedCapXMLParser(LimitedXMLTextParser):
    media_type = "application/cap+xml"


class LimitedTextXMLParser(LimitedXMLTextParser):
    media_type = "text/xml"


XML_PARSERS = [LimitedCapXMLParser, LimitedXMLTextParser, LimitedTextXMLParser]


class LimitedJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        body = read_limited(stream)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error: {exc}") from exc
