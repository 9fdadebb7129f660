"""The command line skips the interpreter's last garbage collection at exit (``gc.freeze``
in an ``atexit`` hook, issue 19): the process must still leave everything written — the
workbook complete, the JSON on stdout whole, the exit code as documented — and a process
that goes on after a command (tests, a notebook) must keep collecting garbage."""
from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from retrofit_opt import cli

CASES = Path(__file__).resolve().parents[1] / "cases"


def test_a_command_run_as_a_process_leaves_everything_written(tmp_path):
    out = tmp_path / "compare.xlsx"
    code = "import sys\nfrom retrofit_opt.cli import main\nsys.argv[0] = 'retrofit-opt'\nmain()"
    proc = subprocess.run([sys.executable, "-c", code, "compare", str(CASES / "ganhe_2024.xlsx"), "--no-explain",
                           "--json", "-o", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr[-2000:]  # one scenario of the bundled case is infeasible
    document = json.loads(proc.stdout)
    assert len(document["scenarios"]) == 5
    wb = openpyxl.load_workbook(out)
    matrix = wb[wb.sheetnames[1]]
    chosen = sum(1 for row in matrix.iter_rows(min_row=5, min_col=4, max_col=8, values_only=True)
                 for value in row if value == 1)
    assert chosen == sum(len(s["selected"]) for s in document["scenarios"]) > 0


def test_the_exit_hook_is_registered_once_and_collection_goes_on_in_process(tmp_path):
    runner = CliRunner()
    for k in range(2):
        result = runner.invoke(cli.main, ["validate", str(CASES / "tiny.xlsx")])
        assert result.exit_code == 0, result.output
    assert cli._FINAL_COLLECTION_SKIPPED == [True]
    assert gc.isenabled()

    class Cycle:
        pass

    a, b = Cycle(), Cycle()
    a.other, b.other = b, a
    del a, b
    assert gc.collect() >= 2  # nothing was frozen while this process runs


def test_a_signal_swallowed_by_a_finalizer_during_the_save_still_stops_before_the_rename(tmp_path):
    """A SIGINT whose Interrupted is raised inside a ``__del__`` (Python prints "Exception
    ignored in …" and goes on) was lost: the command wrote its output and exited 0.  The
    atomic writer checks for a received signal before it replaces the output."""
    import os
    import signal

    from retrofit_opt import interrupts
    from retrofit_opt.atomic import write_atomically

    out = tmp_path / "result.xlsx"
    out.write_bytes(b"the earlier output")

    class SignalsWhenCollected:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)  # the handler raises Interrupted inside __del__

    def save(path):
        path.write_bytes(b"new")
        a, b = SignalsWhenCollected(), SignalsWhenCollected()
        a.other, b.other = b, a
        del a, b
        gc.collect()  # the finalizer runs and its exception is swallowed

    stopped = False
    hook = sys.unraisablehook
    seen = []
    sys.unraisablehook = seen.append  # what Python would print as "Exception ignored in …"
    try:
        with interrupts.installed():
            try:
                write_atomically(out, save)
            except interrupts.Interrupted:
                stopped = True
    finally:
        sys.unraisablehook = hook
    assert stopped
    assert seen == []  # the swallowed Interrupted is not reported as an ignored exception
    assert out.read_bytes() == b"the earlier output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.xlsx"]
