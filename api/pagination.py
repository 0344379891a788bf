"""Cursor pagination for every list of the API: rows in the order of their
primary key, a page at a time, each page naming the cursor of the next. The
cursor is opaque to clients (it encodes the last key seen), so a row added
or removed meanwhile neither repeats nor skips another."""

# No `from __future__ import annotations`: ninja reads the routes' and
# schemas' annotations at run time to build the requests and the document.

import base64
import binascii
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase

CURSOR_VERSION = "v1:"


def encode_cursor(last_pk: int) -> str:
    # Without padding: the cursor goes into URLs as it is.
    encoded = base64.urlsafe_b64encode(f"{CURSOR_VERSION}{last_pk}".encode())
    return encoded.decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The key a cursor names; a cursor not made here is a 422."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        if not text.startswith(CURSOR_VERSION):
            raise ValueError(text)
        last_pk = int(text.removeprefix(CURSOR_VERSION))
    except (ValueError, UnicodeError, binascii.Error) as error:
        raise ValidationError(
            [{"loc": ["query", "cursor"], "msg": "This cursor was not made here."}]
        ) from error
    if last_pk < 0:
        raise ValidationError(
            [{"loc": ["query", "cursor"], "msg": "This cursor was not made here."}]
        )
    return last_pk


class CursorPagination(PaginationBase):
    """``?cursor=`` (from the previous page's ``next_cursor``) and
    ``?page_size=`` (1 to API_MAX_PAGE_SIZE, API_PAGE_SIZE when not given)."""

    items_attribute = "results"

    class Input(Schema):
        cursor: str | None = Field(
            None, description="The next_cursor of the page before; none for the first."
        )
        page_size: int | None = Field(
            None, ge=1, description="Rows a page: 50 unless said, at most 100."
        )

    class Output(Schema):
        next_cursor: str | None = Field(
            description="Pass as ?cursor= for the next page; null on the last page."
        )
        next: str | None = Field(description="The next page's URL; null on the last.")
        results: list[Any]

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        size = min(
            pagination.page_size or settings.API_PAGE_SIZE, settings.API_MAX_PAGE_SIZE
        )
        rows = queryset.order_by("pk")
        if pagination.cursor:
            rows = rows.filter(pk__gt=decode_cursor(pagination.cursor))
        page = list(rows[: size + 1])
        cursor = encode_cursor(page[size - 1].pk) if len(page) > size else None
        next_url = None
        if cursor is not None:
            query = request.GET.copy()
            query["cursor"] = cursor
            next_url = request.build_absolute_uri(
                f"{request.path}?{urlencode(sorted(query.items()))}"
            )
        return {"next_cursor": cursor, "next": next_url, "results": page[:size]}
