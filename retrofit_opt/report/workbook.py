"""The results workbook (PRODUCT.md §4): Summary, Portfolio, Not selected, Yearly plan
(multi-year cases), MACC (when a candidate reduces CO2), Run info.

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
from retrofit_opt.report.macc_sheet import has_curve, write_macc
from retrofit_opt.report.not_selected import write_not_selected
from retrofit_opt.report.output import write_atomically
from retrofit_opt.report.portfolio import write_portfolio
from retrofit_opt.report.run_info import write_run_info
from retrofit_opt.report.summary import write_summary
from retrofit_opt.report.writer import SheetWriter
from retrofit_opt.report.yearly_plan import write_yearly_plan

SHEETS = ("summary", "portfolio", "not_selected", "yearly_plan", "macc", "run_info")
MULTI_YEAR_ONLY = ("yearly_plan",)  # written only for multi-year cases


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


def build_workbook(result, lang: str | None = None, written_at: datetime | None = None,
                   provenance: dict | None = None) -> Report:
    """The results workbook in memory (nothing is written); ``provenance``: the batch rows of
    Run info (:func:`~retrofit_opt.report.run_info.write_batch_provenance`)."""
    lang = report_language(result, lang)
    wb = Workbook()
    wb.remove(wb.active)
    report = Report(wb, lang)
    writers = {
        "summary": lambda w: write_summary(w, result, lang),
        "portfolio": lambda w: write_portfolio(w, result, lang),
        "not_selected": lambda w: write_not_selected(w, result, lang),
        "yearly_plan": lambda w: write_yearly_plan(w, result, lang),
        "macc": lambda w: write_macc(w, result, lang),
        "run_info": lambda w: write_run_info(w, result, lang, written_at, provenance),
    }
    for key in SHEETS:
        if key in MULTI_YEAR_ONLY and not result.case.multi_year:
            continue
        if key == "macc" and not has_curve(result):  # no project reduces CO2
            continue
        ws = wb.create_sheet(L.sheet_title(key, lang))
        writers[key](SheetWriter(ws, report.formulas))
    wb.active = 0
    wb.properties.creator = f"retrofit-opt {retrofit_opt.__version__}"
    wb.properties.title = L.label("summary.title", lang)
    return report


PRINT_FIT_COLUMNS = 14  # sheets up to this wide print one page wide; wider ones stay legible


def fit_to_page_width(wb) -> None:
    """Print setup for managers who print: landscape A4; narrow sheets one page wide; wide
    sheets (Portfolio) at full size with their frozen header rows repeated on every page."""
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        if ws.max_column <= PRINT_FIT_COLUMNS:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
        elif ws.freeze_panes:
            header_rows = ws[ws.freeze_panes].row - 1
            if header_rows >= 1:
                ws.print_title_rows = f"1:{header_rows}"


def write_results(result, out: Path, lang: str | None = None, provenance: dict | None = None) -> Report:
    """Build the workbook, then write it atomically to ``out``: the file is complete or
    absent, and an existing ``out`` is replaced only once the new one is fully saved."""
    report = build_workbook(result, lang, provenance=provenance)
    fit_to_page_width(report.workbook)
    write_atomically(Path(out), report.workbook.save)
    return report


# ----------------------------------------------------------------------------------------------
# retrofit-opt compare / sweep (the sheet writers live in scenarios_sheet, frontier_sheet and
# priority_sheet; these functions only assemble the workbooks)
def _select_first(wb) -> None:
    wb.active = 0
    for k, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = k == 0


def build_comparison_workbook(runs, lang: str | None = None, written_at: datetime | None = None,
                              provenance: dict | None = None) -> Report:
    """``retrofit-opt compare``: Scenarios and Scenario matrix first, then the base case's
    own sheets (``runs[0]``: Summary, Portfolio, Not selected, …, Run info)."""
    from retrofit_opt.report.scenarios_sheet import write_scenario_matrix, write_scenarios
    report = build_workbook(runs[0].result, lang, written_at, provenance)
    for index, (key, writer) in enumerate((("scenarios", write_scenarios),
                                           ("scenario_matrix", write_scenario_matrix))):
        ws = report.workbook.create_sheet(L.sheet_title(key, report.lang), index)
        writer(SheetWriter(ws, report.formulas), runs, report.lang)
    _select_first(report.workbook)
    return report


def write_comparison(runs, out: Path, lang: str | None = None, provenance: dict | None = None) -> Report:
    report = build_comparison_workbook(runs, lang, provenance=provenance)
    fit_to_page_width(report.workbook)
    write_atomically(Path(out), report.workbook.save)
    return report


def build_sweep_workbook(run, lang: str | None = None, written_at: datetime | None = None,
                         provenance: dict | None = None) -> Report:
    """``retrofit-opt sweep``: Frontier, Pareto (when asked), Priority list (when asked), Run info."""
    from retrofit_opt.report.frontier_sheet import write_frontier, write_pareto
    from retrofit_opt.report.priority_sheet import write_priority
    lang = report_language(run, lang)
    wb = Workbook()
    wb.remove(wb.active)
    report = Report(wb, lang)
    info = run.run_info()
    sheets = [("frontier", lambda w: write_frontier(w, run, lang))]
    if run.pareto is not None:
        sheets.append(("pareto", lambda w: write_pareto(w, run, lang)))
    if run.priority is not None:
        sheets.append(("priority", lambda w: write_priority(w, run, lang)))
    sheets.append(("run_info", lambda w: write_run_info(w, info, lang, written_at, provenance)))
    for key, writer in sheets:
        writer(SheetWriter(wb.create_sheet(L.sheet_title(key, lang)), report.formulas))
    _select_first(wb)
    wb.properties.creator = f"retrofit-opt {retrofit_opt.__version__}"
    wb.properties.title = L.label("frontier.title", lang)
    return report


def write_sweep(run, out: Path, lang: str | None = None, provenance: dict | None = None) -> Report:
    report = build_sweep_workbook(run, lang, provenance=provenance)
    fit_to_page_width(report.workbook)
    write_atomically(Path(out), report.workbook.save)
    return report
