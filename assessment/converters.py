"""Path converters for the assessment's addresses."""

from __future__ import annotations


class IndicatorCodeConverter:
    """An indicator's code in an address, such as D1.4: letters, digits, dots
    and dashes, at most as long as the code field (12). Anything else is not
    an address (404) and never reaches the database: PostgreSQL refuses some
    characters (NUL) in a query outright."""

    regex = r"[A-Za-z0-9][A-Za-z0-9.\-]{0,11}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
