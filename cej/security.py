"""Response headers every page and API answer carries."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    """Transcripts, steps, names: nothing the application answers may stay in a browser's or a proxy's
    cache. Every response gets `Cache-Control: no-store` unless its view set its own policy (the admin
    does; static files are served before this, by WhiteNoise, with their long cache)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class ClientErrorsInOneLine(logging.Filter):
    """A 403 or a 404 is the client's doing: log it in one line, without the traceback Django attaches
    (a log full of tracebacks for refused requests hides the real errors). 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
