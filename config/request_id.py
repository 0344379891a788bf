"""A request id for every request, in its log lines and its response.

The id comes from the proxy's X-Request-ID header when that is a plain token,
so the proxy's log and the service's can be matched; otherwise (no header, or
one with anything but letters, digits and ``._:-``, or longer than 128
characters) a new one is made. It is sent back as X-Request-ID, and every log
record emitted while the request is served carries it as ``request_id`` (``-``
outside a request), through RequestIdFilter on the log handler.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-ID"
NO_REQUEST = "-"
WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,128}")

current_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def request_id_for(request: HttpRequest) -> str:
    """The proxy's id for the request if it is safe to log and echo, else a new one."""
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if WELL_FORMED.fullmatch(offered):
        return str(offered)
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First of the middleware, so that whatever answers (a redirect, an error
    page) carries the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_for(request)
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _forget_request_id(**kwargs: Any) -> None:
    # Cleared once the response has been sent rather than when the middleware
    # returns: Django logs a refused request ("Not Found", "Forbidden") after
    # the middleware, and that line should carry the id too.
    current_request_id.set(NO_REQUEST)


request_finished.connect(_forget_request_id, dispatch_uid="config.request_id")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on each record the handler emits."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True
