"""Tests slower than ten seconds are listed at the end of a run, unless their
docstring says why in a paragraph beginning ``Slow:``.

A test's time is its setup and call; the test database's one-off setup (the
template copied for the process, see database_template.py) is not counted
against whichever test happened to come first.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

LIMIT_SECONDS = 10.0
SHARED_SETUP = pytest.StashKey[list[float]]()
REASON = "slow_reason"


def has_reason(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    doc = inspect.getdoc(function) or ""
    return any(part.strip().startswith("Slow:") for part in doc.split("\n\n"))


def shared_setup_seconds(config: pytest.Config, seconds: float) -> None:
    """Called by the database setup: seconds not to count against a test."""
    config.stash.setdefault(SHARED_SETUP, []).append(seconds)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]):
    outcome = yield
    report = outcome.get_result()
    if call.when == "setup":
        shared = item.config.stash.get(SHARED_SETUP, [])
        if shared:
            report.duration = max(0.0, report.duration - sum(shared))
            shared.clear()
    if call.when in ("setup", "call") and has_reason(item):
        report.user_properties.append((REASON, True))


_durations: dict[str, float] = {}
_excused: set[str] = set()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when not in ("setup", "call"):
        return
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration
    if (REASON, True) in report.user_properties:
        _excused.add(report.nodeid)


def slow_without_reason() -> list[tuple[str, float]]:
    return sorted(
        (
            (nodeid, seconds)
            for nodeid, seconds in _durations.items()
            if seconds > LIMIT_SECONDS and nodeid not in _excused
        ),
        key=lambda pair: -pair[1],
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    slow = slow_without_reason()
    if not slow:
        return
    terminalreporter.section(f"slower than {LIMIT_SECONDS:.0f} s, with no reason given")
    for nodeid, seconds in slow:
        terminalreporter.write_line(f"{seconds:6.1f} s  {nodeid}")
    terminalreporter.write_line(
        "Make these faster, or say why in a docstring paragraph beginning 'Slow:'."
    )
