"""The batch roll-up workbook (汇总 / Batch summary): one row per run with status,
objective, gap, capex, targets met, the error if any and a link to its workbook, charts
across parks; and the provincial roll-up (省级汇总): the parks' solve plans summed —
capex, energy saving, CO2, cost saving — against the manifest's province-level targets.

Reads :class:`~retrofit_opt.results_batch.BatchResult` only (no Pyomo, no studies)."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

import retrofit_opt
from retrofit_opt.report import charts
from retrofit_opt.report import labels as L
from retrofit_opt.report.output import write_atomically
from retrofit_opt.report.save import saver
from retrofit_opt.report.writer import (GAP, MONEY, SECONDS, SECTION_FONT, TITLE_FONT,
                                        TOTAL_FONT, SheetWriter, display_width, number_format)
from retrofit_opt.results_batch import ERROR, OK_STATUSES, ROLLUP_METRICS, ROLLUP_UNITS, BatchResult

LINK_FONT = Font(color="0563C1", underline="single")
ERROR_FONT = Font(color="C00000")
RUN_HEADER_ROW = 4
COLUMNS = ("index", "park", "case", "command", "status", "objective", "objective_name", "gap", "capex",
           "energy_saving", "co2_reduction", "targets", "targets_met", "note", "error", "seconds", "workbook")
STATUS_KEYS = {"optimal": "status.optimal", "feasible": "status.feasible_nogap", "infeasible": "batch.infeasible",
               "timeout": "batch.timeout", ERROR: "batch.error", "interrupted": "batch.interrupted",
               "not run": "batch.not_run"}


def _t(key: str, lang: str, **fmt) -> str:
    return L.label(key, lang, **fmt)


def _status_text(status: str, lang: str, resumed: bool = False) -> str:
    text = _t(STATUS_KEYS[status], lang) if status in STATUS_KEYS else status
    return text + (_t("batch.resumed", lang) if resumed else "")


def _status(record, lang: str) -> str:
    return _status_text(record.status, lang, record.resumed)


def _link(target: str, summary_dir: Path) -> str:
    """A link that still works when the output folder is moved: relative to the roll-up."""
    try:
        return os.path.relpath(Path(target).resolve(), summary_dir.resolve()).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return Path(target).resolve().as_uri()


WRAPPED = {"note": 36, "error": 48}  # long texts wrap in columns of these widths


def details_text(record, lang: str) -> str:
    """The compare / sweep particulars of a run, in the workbook's language."""
    d = record.details
    if not d:
        return ""
    if "samples" in d:
        text = _t("batch.note.risk", lang, samples=d["samples"])
        if "lowest" in d:
            text += _t("batch.note.risk_lowest", lang, p=f"{d['lowest']:.1%}", target=d["target"])
        return text
    if "scenarios" in d:
        return _t("batch.note.compare", lang, scenarios=d["scenarios"], meeting=d["meeting"], solved=d["solved"])
    statuses = "、".join(f"{n} {_status_text(s, lang)}" for s, n in d.get("statuses", {}).items()) if lang == "zh" \
        else ", ".join(f"{n} {_status_text(s, lang)}" for s, n in d.get("statuses", {}).items())
    text = _t("batch.note.sweep", lang, levels=d["levels"], statuses=statuses)
    if "least_budget" in d:
        text += (_t("batch.note.least", lang, budget=f"{d['least_budget']:,.6g}") if d["least_budget"] is not None
                 else _t("batch.note.no_least", lang))
    return text


def executor_text(batch: BatchResult, lang: str) -> str:
    kind, workers, scheduler = batch.executor_spec or ("", 0, None)
    if kind == "serial":
        return _t("batch.exec.serial", lang)
    if kind == "processes":
        return _t("batch.exec.processes", lang, workers=workers)
    if kind == "dask":
        return (_t("batch.exec.dask_local", lang, workers=workers) if scheduler == "local"
                else _t("batch.exec.dask", lang, scheduler=scheduler))
    return batch.executor


def write_runs(w: SheetWriter, batch: BatchResult, lang: str, summary_dir: Path) -> None:
    w.put(1, 1, _t("batch.title", lang), font=TITLE_FONT, measure=False)
    counts = {s: sum(1 for r in batch.runs if r.status == s) for s in dict.fromkeys(r.status for r in batch.runs)}
    shown = ", ".join(f"{n} {_status_text(s, lang)}" for s, n in counts.items())
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    w.note(2, _t("batch.subtitle", lang, runs=len(batch.runs), failed=batch.failed, counts=shown,
                 seconds=f"{batch.seconds:,.1f}", executor=executor_text(batch, lang), stamp=stamp,
                 version=retrofit_opt.__version__)
           + (_t("batch.was_interrupted", lang) if batch.interrupted else ""))
    headers = [_t(f"batch.col.{c}", lang) for c in COLUMNS]
    w.header(RUN_HEADER_ROW, 1, headers)
    w.ws.row_dimensions[RUN_HEADER_ROW].height = 32
    row = RUN_HEADER_ROW + 1
    for r in batch.runs:
        ok = r.status in OK_STATUSES
        values = {
            "index": r.index, "park": r.park, "case": r.case, "command": r.command, "status": _status(r, lang),
            "objective": r.objective, "objective_name": r.objective_name or "", "gap": r.gap,
            "capex": r.totals.get("capex"), "energy_saving": r.totals.get("energy_saving"),
            "co2_reduction": r.totals.get("co2_reduction"),
            "targets": f"{r.targets_met_count}/{r.targets_count}" if ok and r.command != "sweep" else "",
            "targets_met": (_t("yes" if r.targets_met else "no", lang) if r.targets_met is not None else ""),
            "note": details_text(r, lang), "error": r.error or "", "seconds": r.seconds,
        }
        formats = {"objective": "#,##0.00", "gap": GAP, "capex": MONEY, "energy_saving": number_format("tce/yr"),
                   "co2_reduction": number_format("t/yr"), "seconds": SECONDS}
        for col, key in enumerate(COLUMNS, 1):
            if key == "workbook":
                continue
            cell = w.put(row, col, values[key], formats.get(key), wrap=key in WRAPPED, measure=key not in WRAPPED)
            if key == "error" and values[key]:
                cell.font = ERROR_FONT
        lines = max([1] + [sum(max(1, -(-display_width(line) // (width - 2))) for line in str(values[k]).split("\n"))
                           for k, width in WRAPPED.items() if values[k]])
        if lines > 1:  # wrapped text: a row tall enough to show it (no application sizes it on opening),
            w.ws.row_dimensions[row].height = 15 * min(lines, 12)  # every cell of it aligned to the top
            for cell in w.ws[row]:
                cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")
        if r.error is None or r.resumed or r.status in OK_STATUSES:
            if Path(r.output).exists():
                cell = w.put(row, len(COLUMNS), Path(r.output).name)
                cell.hyperlink = _link(r.output, summary_dir)
                cell.font = LINK_FONT
        row += 1
    w.finish(f"C{RUN_HEADER_ROW + 1}")
    for key, width in WRAPPED.items():
        if any(values for values in (details_text(r, lang) if key == "note" else r.error for r in batch.runs)):
            w.ws.column_dimensions[_letter(COLUMNS.index(key) + 1)].width = width
    w.ws.auto_filter.ref = f"A{RUN_HEADER_ROW}:{_letter(len(COLUMNS))}{max(row - 1, RUN_HEADER_ROW)}"


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(col)


PROVINCE_HEADER_ROW = 4


def write_province(w: SheetWriter, batch: BatchResult, lang: str) -> tuple[int, int, int]:
    """The parks' solve plans, their totals, and the province-level targets.  Returns the
    first and last data row of the park table (for the charts) and the next free row."""
    w.put(1, 1, _t("batch.province_title", lang), font=TITLE_FONT, measure=False)
    w.note(2, _t("batch.province_note", lang))
    headers = [_t("batch.col.park", lang), _t("batch.col.case", lang)] + \
        [f"{_t(f'batch.metric.{m}', lang)} ({ROLLUP_UNITS[m]})" for m in ROLLUP_METRICS]
    w.header(PROVINCE_HEADER_ROW, 1, headers)
    w.ws.row_dimensions[PROVINCE_HEADER_ROW].height = 32
    runs = batch.province_runs()
    row = PROVINCE_HEADER_ROW + 1
    for r in runs:
        w.row(row, 1, [r.park, r.case] + [r.totals.get(m, 0.0) for m in ROLLUP_METRICS],
              [None, None] + [number_format(ROLLUP_UNITS[m]) for m in ROLLUP_METRICS])
        row += 1
    first, last = PROVINCE_HEADER_ROW + 1, row - 1
    totals = batch.province_totals()
    w.put(row, 1, _t("batch.total", lang, parks=len(runs)), font=TOTAL_FONT)
    for k, m in enumerate(ROLLUP_METRICS, 3):
        w.put(row, k, totals[m], number_format(ROLLUP_UNITS[m]), font=TOTAL_FONT)
    row += 2
    w.put(row, 1, _t("batch.province_targets", lang), font=SECTION_FONT, measure=False)
    row += 1
    if not batch.province_targets:
        w.note(row, _t("batch.no_province_targets", lang))
        row += 1
    else:
        w.header(row, 1, [_t(f"batch.target.{c}", lang) for c in ("label", "metric", "kind", "value", "total",
                                                                  "margin", "met")])
        row += 1
        for line in batch.province_lines():
            t = line.target
            unit = ROLLUP_UNITS[t.metric]
            margin = line.total - t.value if t.kind == "min_total" else t.value - line.total
            w.row(row, 1, [t.label, f"{_t(f'batch.metric.{t.metric}', lang)} ({unit})",
                           _t(f"batch.kind.{t.kind}", lang), t.value, line.total, margin,
                           _t("yes" if line.met else "no", lang)],
                  [None, None, None, number_format(unit), number_format(unit), number_format(unit), None])
            if not line.met:
                w.ws.cell(row=row, column=7).font = ERROR_FONT
            row += 1
    w.finish(f"A{PROVINCE_HEADER_ROW + 1}")
    return first, last, row + 1


def build_batch_workbook(batch: BatchResult, lang: str, summary_dir: Path) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    registry: dict = {}
    runs_ws = wb.create_sheet(L.sheet_title("batch", lang))
    write_runs(SheetWriter(runs_ws, registry), batch, lang, summary_dir)
    province_ws = wb.create_sheet(L.sheet_title("province", lang))
    first, last, next_row = write_province(SheetWriter(province_ws, registry), batch, lang)
    if last >= first:  # charts across parks, below the province table, from its cells
        categories = charts.reference(province_ws, 1, first, last)
        col = {m: 3 + k for k, m in enumerate(ROLLUP_METRICS)}
        for k, (metric, key) in enumerate((("capex", "batch.chart_capex"), ("energy_saving", "batch.chart_energy"),
                                           ("co2_reduction", "batch.chart_co2"))):
            chart = charts.bars(province_ws, f"A{next_row + 1 + 19 * k}", _t(key, lang), _t("batch.col.park", lang),
                                ROLLUP_UNITS[metric], categories,
                                [charts.reference(province_ws, col[metric], PROVINCE_HEADER_ROW, last)])
            chart.y_axis.scaling.min = 0  # bars from zero: a park's share is read off their heights
            chart.legend = None
    for ws in wb.worksheets:  # landscape A4, one page wide, the header row repeated on every page
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    runs_ws.print_title_rows = f"{RUN_HEADER_ROW}:{RUN_HEADER_ROW}"
    wb.active = 0
    wb.properties.creator = f"retrofit-opt {retrofit_opt.__version__}"
    wb.properties.title = _t("batch.title", lang)
    return wb


def write_batch_summary(batch: BatchResult, out: Path, lang: str = "zh") -> Path:
    """Write the roll-up atomically to ``out`` (complete or absent)."""
    out = Path(out)
    wb = build_batch_workbook(batch, lang, out.parent)
    write_atomically(out, saver(wb))
    return out
