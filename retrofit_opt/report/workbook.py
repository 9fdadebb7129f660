"""The results workbook (PRODUCT.md §4): Summary, Portfolio, Not selected, Run info.

Labels are in the case's language or the one asked for; every number comes from the
result's evaluation (:mod:`retrofit_opt.evaluate`), from the case, or from
:mod:`retrofit_opt.economics`, so that it can be recomputed from the input and the chosen
set.  The only formulas are the totals rows; :attr:`Report.formulas` records, for each,
the tool's own number it must evaluate to.  No Pyomo here: the report sees the result
object only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

import retrofit_opt
from retrofit_opt.report import labels as L
from retrofit_opt.report.not_selected import write_not_selected
from retrofit_opt.report.output import write_atomically
from retrofit_opt.report.portfolio import write_portfolio
from retrofit_opt.report.run_info import write_run_info
from retrofit_opt.report.summary import write_summary
from retrofit_opt.report.writer import SheetWriter

SHEETS = ("summary", "portfolio", "not_selected", "run_info")


@dataclass
class Report:
    workbook: Workbook
    lang: str
    formulas: dict = field(default_factory=dict)  # (sheet title, cell) → the tool's own number


def report_language(result, lang: str | None) -> str:
    lang = lang or result.case.language or "en"
    if lang not in L.LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}; use one of {', '.join(L.LANGUAGES)}")
    return lang


def build_workbook(result, lang: str | None = None, written_at: datetime | None = None) -> Report:
    """The results workbook in memory (nothing is written)."""
    lang = report_language(result, lang)
    wb = Workbook()
    wb.remove(wb.active)
    report = Report(wb, lang)
    writers = {
        "summary": lambda w: write_summary(w, result, lang),
        "portfolio": lambda w: write_portfolio(w, result, lang),
        "not_selected": lambda w: write_not_selected(w, result, lang),
        "run_info": lambda w: write_run_info(w, result, lang, written_at),
    }
    for key in SHEETS:
        ws = wb.create_sheet(L.sheet_title(key, lang))
        writers[key](SheetWriter(ws, report.formulas))
    wb.active = 0
    wb.properties.creator = f"retrofit-opt {retrofit_opt.__version__}"
    wb.properties.title = L.label("summary.title", lang)
    return report


def write_results(result, out: Path, lang: str | None = None) -> Report:
    """Build the workbook, then write it atomically to ``out``: the file is complete or
    absent, and an existing ``out`` is replaced only once the new one is fully saved."""
    report = build_workbook(result, lang)
    write_atomically(Path(out), report.workbook.save)
    return report
