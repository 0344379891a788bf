"""`make demo` serves with a task worker beside the server, as one command:
scripts/demo-serve.sh starts both, and Ctrl-C (or either stopping) stops both
with their children. Run with a stand-in interpreter that only records what it
was asked to run and waits, so the test takes a second."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "scripts" / "demo-serve.sh"

# Records its pid and arguments, starts a child (as the server's autoreloader
# does), records the child's pid, and waits; "runserver" exits as soon as the
# worker has started when STUB_SERVER_EXITS is set.
STUB = """#!/bin/sh
echo "$$ $*" >> "$STUB_LOG"
case "$*" in *runserver*) if [ -n "${STUB_SERVER_EXITS:-}" ]; then
  until grep -q db_worker "$STUB_LOG"; do sleep 0.05; done; exit 1; fi ;; esac
sleep 30 &
echo "$! child" >> "$STUB_LOG"
wait
"""


def _start(tmp_path: Path, **extra: str) -> tuple[subprocess.Popen[bytes], Path]:
    stub = tmp_path / "python"
    stub.write_text(STUB)
    stub.chmod(0o755)
    log = tmp_path / "log"
    log.touch()
    env = {
        **os.environ,
        "PYTHON": str(stub),
        "PORT": "8799",
        "STUB_LOG": str(log),
        **extra,
    }
    with open(tmp_path / "out", "wb") as out:
        process = subprocess.Popen(
            [str(SCRIPT)],
            env=env,
            stdout=out,
            stderr=subprocess.DEVNULL,
            # As from a terminal, where Ctrl-C reaches the script: a shell
            # cannot trap a signal ignored when it starts, and the suite may
            # itself run with SIGINT ignored (started in the background).
            preexec_fn=_interruptible,
        )
    return process, log


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _serving(tmp_path: Path) -> None:
    """Wait until the script says it is serving: its traps are set by then, so
    a Ctrl-C is its to handle (before, on a busy machine, it may not be yet)."""
    out = tmp_path / "out"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if "Serving on" in out.read_text():
            return
        time.sleep(0.05)
    raise AssertionError(f"the script did not say it was serving: {out.read_text()!r}")


def _lines(log: Path, count: int) -> list[str]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = log.read_text().splitlines()
        if len(lines) >= count:
            return lines
        time.sleep(0.05)
    raise AssertionError(f"expected {count} lines, got {log.read_text()!r}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waiting for its parent to collect it has stopped all the same.
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().split(")")[-1].split()[0] != "Z"


def _gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def test_the_make_targets_serve_through_the_script() -> None:
    makefile = (ROOT / "Makefile").read_text()
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/demo-serve.sh" in serve
    assert "\ndemo: setup serve\n" in makefile
    assert "manage.py db_worker" in SCRIPT.read_text()


def test_ctrl_c_stops_the_server_and_the_worker(tmp_path: Path) -> None:
    process, log = _start(tmp_path)
    try:
        lines = _lines(log, 4)
        commands = [line.split(" ", 1)[1] for line in lines if "manage.py" in line]
        assert sorted(commands) == [
            "manage.py db_worker",
            "manage.py runserver 127.0.0.1:8799",
        ]
        pids = [int(line.split()[0]) for line in lines]
        assert all(_alive(pid) for pid in pids)
        _serving(tmp_path)

        process.send_signal(signal.SIGINT)

        # Generous: a busy machine may be slow to run the trap; a hang still fails.
        assert process.wait(timeout=30) == 130
        assert _gone(pids), log.read_text()
    finally:
        process.kill()


def test_the_worker_does_not_outlive_the_server(tmp_path: Path) -> None:
    process, log = _start(tmp_path, STUB_SERVER_EXITS="1")
    try:
        lines = _lines(log, 2)
        worker = [line for line in lines if "db_worker" in line]
        assert worker

        process.wait(timeout=10)

        pids = [int(line.split()[0]) for line in log.read_text().splitlines()]
        assert _gone(pids), log.read_text()
    finally:
        process.kill()
