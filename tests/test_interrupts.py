"""Ctrl-C (SIGINT) and SIGTERM at every stage of ``solve``: the command stops within a
second or two with exit 130 / 143, leaves no temporary file next to the output, and an
output written by an earlier run is unchanged.

A real child process runs ``retrofit-opt solve`` with ``RETROFIT_OPT_TRACE_STAGES=1``,
which prints ``stage: <name>`` on stderr as each stage begins; the test sends the signal
as soon as the stage it aims at begins (after a short pause: 2 s into the solve, which runs
for many seconds; 0.3 s into the explanations, which take about a second).  The case is
the seeded 500-project multidimensional knapsack of test_solver_limits (far from proven
optimal in minutes), so the solve at gap 0 runs long.
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

from test_solver_limits import hard_case  # noqa: F401  (the fixture)

STOP_WITHIN = 5.0  # s from the signal to the exit: "a second or two", with room for a loaded machine


def start(case: Path, out: Path, *options) -> subprocess.Popen:
    env = dict(os.environ, RETROFIT_OPT_TRACE_STAGES="1", PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "retrofit_opt.cli", "solve", str(case), "-o", str(out), *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def wait_for_stage(proc: subprocess.Popen, stage: str, timeout: float = 240) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if line.strip() == f"stage: {stage}":
            return seen
    proc.kill()
    pytest.fail(f"stage {stage} never began: {''.join(seen)}")


def signal_and_wait(proc: subprocess.Popen, signum, when: str) -> tuple[str, float]:
    """Send ``signum`` and wait for the process to end: (its stderr, seconds it took)."""
    sent = time.monotonic()
    proc.send_signal(signum)
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"did not stop after {signal.Signals(signum).name} {when}")
    return stderr, time.monotonic() - sent


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("stage, pause, options", [
    ("solve", 2.0, ["--time-limit", "600", "--mip-gap", "0"]),
    # the explanations take max(1 s, 0.75 × the main solve) here (issue 19's scaled budget;
    # the main solve at gap 0.2 takes well under a second): the signal comes early in them
    ("explain", 0.3, ["--time-limit", "600", "--mip-gap", "0.2"]),
    ("write", 0.0, ["--time-limit", "600", "--mip-gap", "0.2", "--no-explain"]),
])
def test_a_signal_stops_any_stage_cleanly(hard_case, tmp_path, signum, code, stage, pause, options):  # noqa: F811
    out = tmp_path / "result.xlsx"
    out.write_bytes(b"an earlier result")  # must survive the interrupted run
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    proc = start(hard_case, out, *options)
    wait_for_stage(proc, stage)
    time.sleep(pause)
    stderr, took = signal_and_wait(proc, signum, f"at {stage}")
    assert proc.returncode == code, (proc.returncode, stderr)
    assert took < STOP_WITHIN, f"took {took:.1f} s to stop"
    assert "Traceback" not in stderr, stderr
    assert "stopped; nothing more was written" in stderr, stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() == before, "the earlier output was changed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.xlsx"], list(tmp_path.iterdir())


@pytest.mark.parametrize("pause", [0.05, 0.15, 0.25, 0.35, 0.45, 0.6])
def test_ctrl_c_anywhere_in_the_explanations_never_crashes(hard_case, tmp_path, pause):  # noqa: F811
    """The explanations start hundreds of short hot-started HiGHS runs, each in a worker
    thread: a signal that came while a run's thread was starting once left that run going
    unjoined, and the instance changed under it crashed the process (exit −11, about one
    run in ten at these pauses).  Every pause must end in a clean exit 130."""
    out = tmp_path / "result.xlsx"
    proc = start(hard_case, out, "--time-limit", "600", "--mip-gap", "0.2")
    wait_for_stage(proc, "explain")
    time.sleep(pause)
    stderr, _ = signal_and_wait(proc, signal.SIGINT, "in the explanations")
    assert proc.returncode == 130, (proc.returncode, stderr)
    assert "Traceback" not in stderr and "stopped; nothing more was written" in stderr, stderr
    assert not out.exists()


def test_a_signal_hidden_behind_another_error_still_exits_130(tmp_path):
    """openpyxl's descriptors catch every exception in a conversion — the interrupt too —
    and raise a TypeError instead (seen once when SIGINT came during the write).  A real
    SIGINT is sent to this process inside such a block: the command still exits 130 with
    the stop message, not a traceback and exit 1."""
    import click
    from click.testing import CliRunner

    from retrofit_opt.cli import stoppable

    @click.command()
    @stoppable
    def swallowing():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler raises here
        except BaseException:  # what openpyxl's descriptor does
            raise TypeError("expected <class 'float'>")

    @click.command()
    @stoppable
    def plain_error():
        raise TypeError("a real bug, no signal")

    result = CliRunner().invoke(swallowing, [])
    assert result.exit_code == 130, (result.exit_code, result.output, result.exception)
    assert "interrupted (Ctrl-C): stopped; nothing more was written" in result.output
    # without a signal an error is still an error (a traceback for the bug report)
    result = CliRunner().invoke(plain_error, [])
    assert isinstance(result.exception, TypeError), result
