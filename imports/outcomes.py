"""What a row of a file comes to: created, changed (and how), unchanged, or a
problem by row and column; and the preview of a whole file, with the digest
that lets its confirmation refuse anything but what was shown."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from partnerships.models import LearningPartnership

CREATE = "create"
CHANGE = "change"
UNCHANGED = "unchanged"
PROBLEM = "problem"

# Problems listed in the summary at the top of the page; the rows show all.
SUMMARY_LIMIT = 100


@dataclass(frozen=True)
class Problem:
    """Why a row (or the file) cannot be imported, where a spreadsheet shows
    it: the sheet, the row number and the column's header."""

    row: int
    column: str
    message: str
    sheet: str = ""

    @property
    def where(self) -> str:
        parts = [f"Sheet {self.sheet}"] if self.sheet else []
        parts.append(f"row {self.row}" if parts else f"Row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    """What one row would do, and what saving it needs."""

    number: int
    key: str
    action: str = CREATE
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The record the row matches, if any; the values to save, by model field.
    existing: Any = None
    fields: dict[str, Any] = field(default_factory=dict)
    # For users, the partnerships to add to those they manage.
    partnerships: list[LearningPartnership] = field(default_factory=list)

    def problem(self, column: str, message: str, sheet: str) -> None:
        self.problems.append(Problem(self.number, column, message, sheet))

    def outcome(self) -> dict[str, Any]:
        """The row as the log keeps it."""
        return {
            "row": self.number,
            "action": self.action,
            "key": self.key,
            "changes": [[c.label, c.old, c.new] for c in self.changes],
        }


@dataclass
class Preview:
    kind: str
    file_format: str
    sheet: str
    other_sheets: list[str]
    rows: list[RowPlan]

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def summary_problems(self) -> list[Problem]:
        return self.problems[:SUMMARY_LIMIT]

    @property
    def more_problems(self) -> int:
        return max(len(self.problems) - SUMMARY_LIMIT, 0)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {
            action: self.count(action)
            for action in (CREATE, CHANGE, UNCHANGED, PROBLEM)
        }

    @property
    def fingerprint(self) -> str:
        """Changes whenever what the import would do changes: confirming is
        refused unless it is what the preview showed."""
        data = [self.kind, [row.outcome() for row in self.rows]]
        text = json.dumps(data, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()
