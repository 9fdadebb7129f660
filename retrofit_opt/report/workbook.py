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

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from openpyxl import Workbook

import retrofit_opt
from retrofit_opt.report import labels as L
from retrofit_opt.report.charts import ChartData, finish_charts
from retrofit_opt.report.print_setup import prepare_for_print
from retrofit_opt.report.baseline_sheet import has_baseline, write_baseline
from retrofit_opt.report.cash_flow_sheet import write_cash_flow
from retrofit_opt.report.enterprise_sheet import write_enterprises
from retrofit_opt.report.gc_pause import cyclic_gc_paused
from retrofit_opt.report.macc_sheet import has_curve, write_macc
from retrofit_opt.report.not_selected import write_not_selected
from retrofit_opt.report.output import write_atomically
from retrofit_opt.report.save import saver, serialise_ahead
from retrofit_opt.report.portfolio import write_portfolio
from retrofit_opt.report.run_info import write_run_info
from retrofit_opt.report.summary import write_summary
from retrofit_opt.report.writer import SheetWriter
from retrofit_opt.report.yearly_plan import write_yearly_plan

SHEETS = ("summary", "portfolio", "not_selected", "enterprises", "cash_flow", "yearly_plan", "baseline", "macc",
          "run_info")
MULTI_YEAR_ONLY = ("yearly_plan",)  # written only for multi-year cases
# The long tables, written once and never read back: their rows are kept as values until the
# save (report/streamed.py), not as openpyxl cells.
STREAMED_SHEETS = frozenset({"portfolio", "not_selected", "macc", "scenario_matrix"})


@dataclass
class Report:
    workbook: Workbook
    lang: str
    formulas: dict = field(default_factory=dict)  # (sheet title, cell) → the tool's own number
    written_at: datetime | None = None  # the print footers' date, once set (comparison_base_sheets)


def report_language(result, lang: str | None) -> str:
    lang = lang or result.case.language or "en"
    if lang not in L.LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}; use one of {', '.join(L.LANGUAGES)}")
    return lang


@cyclic_gc_paused()
def build_workbook(result, lang: str | None = None, written_at: datetime | None = None,
                   provenance: dict | None = None, robust=None) -> Report:
    """The results workbook in memory (nothing is written); ``provenance``: the batch rows of
    Run info (:func:`~retrofit_opt.report.run_info.write_batch_provenance`); with ``robust``
    (a robust run) a Robustness sheet follows the Summary.  The long tables are streamed
    (:data:`STREAMED_SHEETS`): save the workbook with
    :func:`retrofit_opt.report.save.save_workbook` — openpyxl's own ``save`` cannot see them."""
    lang = report_language(result, lang)
    wb = Workbook()
    wb.remove(wb.active)
    report = Report(wb, lang)
    chart_data = ChartData(wb, lang)
    writers = {
        "summary": lambda w: write_summary(w, result, lang, chart_data),
        "portfolio": lambda w: write_portfolio(w, result, lang),
        "not_selected": lambda w: write_not_selected(w, result, lang),
        "yearly_plan": lambda w: write_yearly_plan(w, result, lang),
        "enterprises": lambda w: write_enterprises(w, result, lang),
        "cash_flow": lambda w: write_cash_flow(w, result, lang),
        "baseline": lambda w: write_baseline(w, result, lang),
        "macc": lambda w: write_macc(w, result, lang),
        "run_info": lambda w: write_run_info(w, result, lang, written_at, provenance),
    }
    for key in SHEETS:
        if key in MULTI_YEAR_ONLY and not result.case.multi_year:
            continue
        if key == "macc" and not has_curve(result):  # no project reduces CO2
            continue
        if key == "baseline" and not has_baseline(result.case):
            continue
        ws = wb.create_sheet(L.sheet_title(key, lang))
        writers[key](SheetWriter(ws, report.formulas, streamed=key in STREAMED_SHEETS))
    if robust is not None:
        add_robustness_sheet(report, robust, 1)
    wb.active = 0
    wb.properties.creator = f"retrofit-opt {retrofit_opt.__version__}"
    wb.properties.title = L.label("summary.title", lang)
    return report


@cyclic_gc_paused()
def finish_workbook(report: Report, case, written_at: datetime | None = None) -> None:
    """What every results workbook gets before it is saved: the chart rules
    (:func:`charts.finish_charts`), the CJK-capable font, and the print setup (A4, header
    and footer, repeated title rows and id/name columns)."""
    wb = report.workbook
    for ws in [ws for ws in wb.worksheets if ws.sheet_state != "visible"]:
        wb.move_sheet(ws, offset=len(wb.worksheets) - 1 - wb.worksheets.index(ws))  # helper data last
    finish_charts(wb)
    prepare_for_print(report.workbook, (case.source_name or "") if case is not None else "", report.lang,
                      written_at or report.written_at)


def comparison_base_sheets(result, lang: str | None = None, written_at: datetime | None = None,
                           provenance: dict | None = None, robust=None) -> Report:
    """The base case's sheets of a comparison workbook (:func:`build_workbook`), finished as
    they will be saved ahead of the comparison sheets — fonts and print setup
    (:func:`finish_workbook` does the same again, to the same effect, once those are added;
    the footers' date is kept for it), no tab selected (the comparison's first sheet will
    be) — and serialised (:func:`~retrofit_opt.report.save.serialise_ahead`), on whichever
    thread builds them: in the background or not, the saved workbook is the same."""
    written_at = written_at or datetime.now(timezone.utc)
    report = build_workbook(result, lang, written_at, provenance, robust=robust)
    report.written_at = written_at
    prepare_for_print(report.workbook, result.case.source_name or "", report.lang, written_at)
    for ws in report.workbook.worksheets:
        ws.sheet_view.tabSelected = False
    serialise_ahead(report.workbook)
    return report


def fit_to_page_width(wb, case=None, lang: str | None = None) -> None:
    """The finishing of :func:`finish_workbook` for callers that hold only the workbook
    (batch runs, the risk workbook): chart rules, font and print setup; the header names
    the case when it is given."""
    lang = lang or ("zh" if any(ws.title == L.sheet_title("run_info", "zh") for ws in wb.worksheets) else "en")
    finish_workbook(Report(wb, lang), case)


def add_robustness_sheet(report: Report, robust, index: int) -> None:
    """The Robustness (稳健性) sheet of a robust run, at position ``index``."""
    from retrofit_opt.report.robustness_sheet import write_robustness
    ws = report.workbook.create_sheet(L.sheet_title("robustness", report.lang), index)
    write_robustness(SheetWriter(ws, report.formulas), robust, report.lang)


@cyclic_gc_paused()  # one pause over build, finish and save: the collector resumes (and catches up) once
def write_results(result, out: Path, lang: str | None = None, provenance: dict | None = None,
                  robust=None) -> Report:
    """Build the workbook, then write it atomically to ``out``: the file is complete or
    absent, and an existing ``out`` is replaced only once the new one is fully saved."""
    report = build_workbook(result, lang, provenance=provenance, robust=robust)
    finish_workbook(report, result.case)
    write_atomically(Path(out), saver(report.workbook))
    return report


# ----------------------------------------------------------------------------------------------
# retrofit-opt compare / sweep (the sheet writers live in scenarios_sheet, frontier_sheet and
# priority_sheet; these functions only assemble the workbooks)
def _select_first(wb) -> None:
    wb.active = 0
    for k, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = k == 0


def build_comparison_workbook(runs, lang: str | None = None, written_at: datetime | None = None,
                              provenance: dict | None = None, robust=None, base=None) -> Report:
    """``retrofit-opt compare``: Scenarios and Scenario matrix first, then the base case's
    own sheets (``runs[0]``: Summary, Portfolio, Not selected, …, Run info).  ``base``: those
    sheets already being built (a :class:`~retrofit_opt.report.background.WorkbookInBackground`
    of ``runs[0].result`` in ``lang``, started while the scenarios solved; without
    ``provenance`` and ``robust``)."""
    from retrofit_opt.report.scenarios_sheet import write_scenario_matrix, write_scenarios
    if base is not None:
        report = base.report(runs[0].result)  # waited for first: a refusal leaves no build running
        if provenance is not None or robust is not None:
            raise ValueError("a workbook built in the background has no provenance or robustness sheet")
        if report.lang != report_language(runs[0].result, lang):
            raise ValueError(f"the base sheets were built in {report.lang!r}, not {lang!r}")
    else:
        report = comparison_base_sheets(runs[0].result, lang, written_at, provenance, robust=robust)
    for index, (key, writer) in enumerate((("scenarios", write_scenarios),
                                           ("scenario_matrix", write_scenario_matrix))):
        ws = report.workbook.create_sheet(L.sheet_title(key, report.lang), index)
        writer(SheetWriter(ws, report.formulas, streamed=key in STREAMED_SHEETS), runs, report.lang)
    _select_first(report.workbook)
    return report


@cyclic_gc_paused()
def write_comparison(runs, out: Path, lang: str | None = None, provenance: dict | None = None,
                     robust=None, base=None) -> Report:
    """Build the comparison workbook (:func:`build_comparison_workbook`; ``base``: its base
    sheets built in the background), then write it atomically to ``out``."""
    report = build_comparison_workbook(runs, lang, provenance=provenance, robust=robust, base=base)
    finish_workbook(report, runs[0].result.case)
    write_atomically(Path(out), saver(report.workbook))
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
    statuses = ("，" if lang == "zh" else ", ").join(
        L.label("run.status_count", lang, n=n, status=L.label(f"status.short.{s}", lang)
                if L.label_exists(f"status.short.{s}") else s) for s, n in run.status_counts().items())
    info = replace(run.run_info(), status=statuses)  # the status counts in the report's language
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
    finish_workbook(report, run.case)
    write_atomically(Path(out), saver(report.workbook))
    return report
