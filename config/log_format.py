"""Log lines as production writes them: one line per event.

A traceback stays with its event, on the same line, its line breaks written
as ``\\n``; so are line breaks and other control characters in messages,
which could otherwise forge a log line (a username typed with a line break).
A backslash is written ``\\\\``, so every line reads back unambiguously.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNSAFE = re.compile(r"[\\\x00-\x1f\x7f]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\x{ord(char):02x}"


class OneLineFormatter(logging.Formatter):
    """The record, its traceback included, on one line, timed in UTC (ISO 8601,
    to the millisecond)."""

    def format(self, record: logging.LogRecord) -> str:
        return _UNSAFE.sub(_escape, super().format(record))

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        return moment.isoformat(timespec="milliseconds")
