"""A Ctrl-C whose exception a finalizer swallowed still stops a batch.

Python runs a signal handler in whatever frame is executing; when that is a ``__del__``
(a garbage-collected ``ZipFile`` while a case is read or a workbook written) the handler's
``KeyboardInterrupt`` is printed as "Exception ignored in …" and lost.  A CI run once
lost a SIGINT that way: the batch ran to its end and exited 0.  Under the command line's
handlers the signal is recorded, and :func:`run_batch` looks for it after each step."""
from __future__ import annotations

import shutil
import signal

from batch_helpers import BUNDLED

from retrofit_opt import interrupts
from retrofit_opt.report.run_output import WORKBOOKS
from retrofit_opt.studies.batch import run_batch
from retrofit_opt.studies.execution import ExecutorSpec
from retrofit_opt.studies.manifest import plan_batch

TINY = next(p for p in BUNDLED if p.stem == "tiny")


def plan_of_copies(tmp_path, names):
    """The batch plan of one tiny case copied once per name (cases/<name>.xlsx → out/)."""
    cases, out = tmp_path / "cases", tmp_path / "out"
    cases.mkdir()
    out.mkdir()
    for name in names:
        shutil.copy(TINY, cases / f"{name}.xlsx")
    return plan_batch([cases], out, {"no_explain": True}), out


class SignalsFromItsFinalizer:
    """Sends SIGINT to this process from ``__del__``: ``signal.raise_signal`` runs the
    handler before it returns, so the handler raises inside the finalizer."""

    def __del__(self):
        signal.raise_signal(signal.SIGINT)


def test_a_signal_swallowed_by_a_finalizer_still_stops_the_batch(tmp_path):
    plan, out = plan_of_copies(tmp_path, ("a", "b", "c", "d"))
    seen = []

    def progress(update):
        if update.record is not None and not seen:
            SignalsFromItsFinalizer()  # collected at once: the signal's exception is swallowed
            seen.append(interrupts.received())

    with interrupts.installed():
        result = run_batch(plan.runs, workbooks=WORKBOOKS, executor=ExecutorSpec("serial", 1), progress=progress)
    assert seen == [signal.SIGINT]  # the handler ran, and its exception did not reach run_batch
    assert result.interrupted
    statuses = [r.status for r in result.runs]
    assert statuses == ["optimal", "not run", "not run", "not run"], statuses
    assert sorted(p.name for p in out.iterdir()) == ["a_result.xlsx"]


def test_a_signal_swallowed_after_the_last_run_still_says_interrupted(tmp_path):
    """The CI failure's shape: the signal came as the last workbook was written, no later
    write looked for it, and the batch reported a clean finish (exit 0, not 130)."""
    plan, out = plan_of_copies(tmp_path, ("a", "b"))

    def progress(update):
        if update.record is not None and update.done == update.total:
            SignalsFromItsFinalizer()

    with interrupts.installed():
        result = run_batch(plan.runs, workbooks=WORKBOOKS, executor=ExecutorSpec("serial", 1), progress=progress)
    assert interrupts.received() == signal.SIGINT
    assert result.interrupted  # the command exits 130
    assert [r.status for r in result.runs] == ["optimal", "optimal"]  # both had finished: kept


def test_outside_the_handlers_an_earlier_signal_stops_nothing(tmp_path):
    """A signal an earlier command in this process received (the handlers since removed)
    does not stop a later library call: checks act only while the handlers are installed."""
    with interrupts.installed():
        try:
            signal.raise_signal(signal.SIGINT)
        except interrupts.Interrupted:
            pass
    assert interrupts.received() == signal.SIGINT
    interrupts.check()  # no longer installed: nothing raised
    plan, _ = plan_of_copies(tmp_path, ("a",))
    result = run_batch(plan.runs, workbooks=WORKBOOKS, executor=ExecutorSpec("serial", 1))
    assert not result.interrupted and [r.status for r in result.runs] == ["optimal"]
