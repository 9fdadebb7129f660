"""Ctrl-C (SIGINT) and SIGTERM while ``sweep`` and ``compare`` run their solves in worker
processes (``--jobs 2``): the command stops within a few seconds with exit 130 / 143, no
worker process outlives it, no temporary file is left next to the output, and an output
written by an earlier run is unchanged.

The case is test_solver_limits' seeded 500-project multidimensional knapsack (far from
proven optimal in minutes at gap 0) with a total budget and three budget scenarios, so
every worker is busy in HiGHS when the signal comes.  The command runs in a session of
its own; the test waits until both workers of the pool exist, gives them two seconds to
start solving, sends the signal to the command alone (as a terminal's Ctrl-C reaches the
foreground process, or ``kill`` a single pid) and then checks that nothing of the session
is left.
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_solver_limits import knapsack_sheets
from workbooks import write_workbook

STOP_WITHIN = 5.0  # s from the signal to the exit, with room for a loaded machine


@pytest.fixture(scope="module")
def busy_case(tmp_path_factory) -> Path:
    sheets = knapsack_sheets()
    sheets["budgets"] = [["pool", "limit (万元)"], ["total", 400]]
    sheets["scenarios"] = [["name", "budget:total"], ["s1", 300], ["s2", 350], ["s3", 250]]
    return write_workbook(tmp_path_factory.mktemp("busy") / "knapsack.xlsx", sheets)


def session_processes(sid: int) -> list[str]:
    """Command lines of the live processes of session ``sid``."""
    listing = subprocess.run(["ps", "-ww", "-eo", "pid=,sid=,stat=,args="], capture_output=True, text=True).stdout
    alive = []
    for line in listing.splitlines():
        pid, session, stat, *args = line.split(None, 3)
        if session == str(sid) and not stat.startswith("Z"):
            alive.append(" ".join(args))
    return alive


def wait_for_workers(proc: subprocess.Popen, count: int, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the command ended before its workers started: {proc.communicate()}")
        workers = [a for a in session_processes(proc.pid) if "spawn_main" in a]
        if len(workers) >= count:
            return
        time.sleep(0.2)
    proc.kill()
    pytest.fail(f"{count} workers never started")


COMMANDS = {
    "sweep": ["sweep", "--budget-from", "200", "--budget-to", "400", "--steps", "4", "--no-priority"],
    "compare": ["compare", "--no-explain"],
}


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_signal_stops_the_workers_too(busy_case, tmp_path, command, signum, code):
    out = tmp_path / "result.xlsx"
    out.write_bytes(b"an earlier result")  # must survive the interrupted run
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    proc = subprocess.Popen(
        [sys.executable, "-m", "retrofit_opt.cli", COMMANDS[command][0], str(busy_case), *COMMANDS[command][1:],
         "--jobs", "2", "--mip-gap", "0", "--time-limit", "600", "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        wait_for_workers(proc, 2)
        time.sleep(2.0)  # the workers are in HiGHS by now
        sent = time.monotonic()
        proc.send_signal(signum)
        try:
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{command} did not stop after {signal.Signals(signum).name}")
        took = time.monotonic() - sent
        assert proc.returncode == code, (proc.returncode, stderr)
        assert took < STOP_WITHIN, f"took {took:.1f} s to stop"
        assert "Traceback" not in stderr, stderr
        assert "stopped; nothing more was written" in stderr, stderr
        left = session_processes(proc.pid)
        for _ in range(25):  # the pool's processes may take a moment to go
            if not left:
                break
            time.sleep(0.2)
            left = session_processes(proc.pid)
        assert not left, f"processes outlived the command: {left}"
        assert hashlib.sha256(out.read_bytes()).hexdigest() == before, "the earlier output was changed"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["result.xlsx"], list(tmp_path.iterdir())
    finally:
        if proc.poll() is None:
            proc.kill()
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # never leave a worker behind on failure
        except ProcessLookupError:
            pass
