"""Another process taking one core, for ``bench/load.py --busy``: the service
as it runs beside other work (a backup, a PDF pack, a neighbour on the host).
"""

from __future__ import annotations

import os
import subprocess
import sys

# A loop on the clock, so that it ends by itself even if nobody stops it.
SPIN = (
    "import time\nend = time.monotonic() + {seconds}\n"
    "while time.monotonic() < end: pass"
)


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def take_a_core(seconds: float) -> subprocess.Popen[bytes]:
    """Start a process that keeps one core busy for ``seconds`` (at the default
    priority, as other work would run), or until ``release`` stops it.

    It runs in a session of its own, as other work on a host does (a cron
    job, another service): Linux shares the CPU between sessions first
    (autogroups), so a loop in the load test's own session would take its
    CPU from the load test's session alone.
    """
    return subprocess.Popen(
        [sys.executable, "-c", SPIN.format(seconds=round(seconds))],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def release(spinner: subprocess.Popen[bytes]) -> None:
    if spinner.poll() is None:
        spinner.kill()
    spinner.wait()
