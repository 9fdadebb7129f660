"""The results workbook (no Pyomo here: reports see only the case and the result).

:func:`write_results` writes Summary, Portfolio, Not selected and Run info atomically;
:func:`build_workbook` builds it in memory; :func:`check_output_path` refuses an output
that is the input or cannot be written.
"""
from __future__ import annotations

from retrofit_opt.report.output import check_output_path, write_atomically  # noqa: F401
from retrofit_opt.report.workbook import build_workbook, write_results  # noqa: F401
