"""A results workbook built on a thread of its own while the caller goes on.

``compare`` writes the base case's sheets (Summary, Portfolio, Not selected, …) beside the
Scenarios sheets; they depend on the base case's result only, so they can be built while
the scenarios solve: HiGHS runs without the GIL, and the Python work of building the
sheets fills the second core (issue 19: at 10,000 projects the base sheets took as long as
the five scenario solves).  The sheets are then finished (fonts, print setup) and serialised
there too (:func:`~retrofit_opt.report.save.serialise_ahead`), so that the final save
writes their XML as it is.  The workbook is only built in memory here; nothing is
written until the caller saves it, so an interrupted run leaves no output.
"""
from __future__ import annotations

from datetime import datetime

from retrofit_opt.background import InBackground
from retrofit_opt.report.workbook import comparison_base_sheets


class WorkbookInBackground(InBackground):
    """The base case's sheets of ``compare``
    (:func:`~retrofit_opt.report.workbook.comparison_base_sheets` of ``result``) on a daemon
    thread; :meth:`report` waits for it and returns the :class:`Report` (raising, in the
    caller's thread, whatever the build raised).  No other thread may change the workbook's
    styles meanwhile (openpyxl's style tables are not thread-safe): ``compare`` only solves
    until it asks for the report."""

    def __init__(self, result, lang: str | None = None, written_at: datetime | None = None):
        self._result = result
        super().__init__(comparison_base_sheets, result, lang, written_at, name="base-workbook")

    def report(self, result=None):
        """The built workbook; ``result``, when given, must be the one it was built from.
        Waits for the build first, also when it then refuses: no build is left running."""
        report = self.result()
        if result is not None and result is not self._result:
            raise ValueError("the workbook built in the background is of another result")
        return report
