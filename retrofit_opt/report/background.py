"""A results workbook built on a thread of its own while the caller goes on.

``compare`` writes the base case's sheets (Summary, Portfolio, Not selected, …) beside the
Scenarios sheets; they depend on the base case's result only, so they can be built while
the scenarios solve: HiGHS runs without the GIL, and the Python work of building the
sheets fills the second core (issue 19: at 10,000 projects the base sheets took as long as
the five scenario solves).  The workbook is only built in memory here; nothing is written
until the caller saves it, so an interrupted run leaves no output.
"""
from __future__ import annotations

import threading
from datetime import datetime

from retrofit_opt.report.workbook import build_workbook


class WorkbookInBackground:
    """:func:`~retrofit_opt.report.workbook.build_workbook` of ``result`` on a daemon
    thread; :meth:`report` waits for it and returns the :class:`Report` (raising, in the
    caller's thread, whatever the build raised)."""

    def __init__(self, result, lang: str | None = None, written_at: datetime | None = None):
        self._result = result
        self._report = None
        self._error: BaseException | None = None

        def work():
            try:
                self._report = build_workbook(result, lang, written_at)
            except BaseException as exc:  # noqa: BLE001 - raised again by report(), in the caller's thread
                self._error = exc
        self._thread = threading.Thread(target=work, name="base-workbook", daemon=True)
        self._thread.start()

    def report(self, result=None):
        """The built workbook; ``result``, when given, must be the one it was built from."""
        if result is not None and result is not self._result:
            raise ValueError("the workbook built in the background is of another result")
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._report
