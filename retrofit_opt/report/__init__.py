"""The results workbook (no Pyomo here: reports see only the case and the result).

Placeholder until the full report lands: writes the chosen portfolio, atomically.
"""
from __future__ import annotations

from retrofit_opt.report.output import check_output_path, write_atomically  # noqa: F401
from retrofit_opt.report.workbook import write_results  # noqa: F401
