"""The 备选方案 / Alternatives sheet of ``retrofit-opt alternatives``, and its workbook.

``result`` is a :class:`retrofit_opt.results_alternatives.AlternativesResult`; nothing
here solves or evaluates, and nothing imports Pyomo: every number of a plan was computed
from its chosen set by :mod:`retrofit_opt.evaluate` before it reaches the sheet.

One sheet, top to bottom: what was asked and found (optimum, E, the threshold, the
conditions and what they cost, how many plans lie within E, the core list), the plans side
by side (objective, gap to the optimum, capex, projects in / out against plan 1, each
target) with a chart of their objective and capex, then the project × plan matrix with
every project's class and how it was proven.  Labels: ``alt.*`` rows of ``schema/labels.csv``.
"""
from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

import retrofit_opt
from retrofit_opt.case import plain_number
from retrofit_opt.report import labels as L
from retrofit_opt.schema import labels as label_table
from retrofit_opt.report.common import objective_unit, status_text, target_text, yes_no
from retrofit_opt.atomic import write_atomically
from retrofit_opt.report.save import saver
from retrofit_opt.report.run_info import write_run_info
from retrofit_opt.report.writer import (GAP, INTEGER, MONEY, NOTE_FONT, SECTION_FONT, TITLE_FONT, YEAR,
                                        WRAP, SheetWriter, display_width, number_format)
from retrofit_opt.report.workbook import Report, fit_to_page_width, report_language

CLASS_FILL = {"core": PatternFill("solid", fgColor="A9D08E"), "optional": PatternFill("solid", fgColor="FFE699"),
              "never": PatternFill("solid", fgColor="D9D9D9"), "unproven": PatternFill("solid", fgColor="F4B084")}
CHOSEN_FILL = PatternFill("solid", fgColor="C6EFCE")
CLASS_ORDER = {"core": 0, "optional": 1, "unproven": 2, "never": 3}
CHART_ROWS = 20  # rows the chart takes under the plans table
VALUE_COL = 3  # the summary's values (its labels span A:B)
PLAN_COL = 7  # first plan column, in the plans table and in the matrix
FIXED_WIDTHS = {"A": 12, "B": 30, "C": 24, "D": 9, "E": 50, "F": 18}  # matrix: id, name, enterprise, class, how, best
PLAN_WIDTH = 17
LINE_HEIGHT = 15  # points per wrapped line


def labels() -> dict[str, tuple[str, str]]:
    """key → (en, zh): the one label table, ``schema/labels.csv``."""
    return label_table.table()


def label(key: str, lang: str, **fmt) -> str:
    """The label ``key`` of ``schema/labels.csv`` in ``lang``."""
    return label_table.text(key, lang, **fmt)


def share_text(value: float) -> str:
    """0.02 → '2 %' (zh: '2%'); a planner's percentage, never exponent form."""
    return f"{plain_number(round(value * 100, 6))} %"


def conditions_text(conditions, lang: str) -> str:
    t = lambda key, **fmt: label(key, lang, **fmt)  # noqa: E731
    sep = "、" if lang == "zh" else ", "
    parts = []
    if conditions.keep:
        parts.append(t("alt.keep", ids=sep.join(conditions.keep)))
    if conditions.drop:
        parts.append(t("alt.drop", ids=sep.join(conditions.drop)))
    if conditions.keep_enterprises:
        parts.append(t("alt.keep_enterprise", names=sep.join(conditions.keep_enterprises)))
    if conditions.drop_enterprises:
        parts.append(t("alt.drop_enterprise", names=sep.join(conditions.drop_enterprises)))
    return ("；" if lang == "zh" else "; ").join(parts) or t("alt.conditions_none")


def write_alternatives(w: SheetWriter, result, lang: str) -> None:
    t = lambda key, **fmt: label(key, lang, **fmt)  # noqa: E731
    case = result.case
    objective = case.parameters.objective
    unit = objective_unit(case, objective, lang)
    value_format = number_format(unit)
    within = share_text(result.within)
    w.put(1, 1, t("alt.title"), font=TITLE_FONT, measure=False)
    w.note(2, t("alt.note", within=within))
    w.note(3, t("alt.note_classes", within=within))

    # ---------------------------------------------------------------- what was asked and found
    w.header(5, 1, [t("alt.item")])
    w.header(5, VALUE_COL, [t("alt.value")])
    w.ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=VALUE_COL - 1)
    w.ws.merge_cells(start_row=5, start_column=VALUE_COL, end_row=5, end_column=PLAN_COL - 1)
    info = [(t("alt.objective"), f"{objective}: {L.label('objective.' + objective, lang)}", None),
            (t("alt.optimum", unit=unit), result.optimum, value_format),
            (t("alt.within"), within, None),
            (t("alt.threshold", unit=unit), result.threshold, value_format),
            (t("alt.distinct_by"), t("alt.distinct_years" if result.by_start_year else "alt.distinct_projects"), None),
            (t("alt.conditions"), conditions_text(result.conditions, lang), None)]
    if result.conditions:
        info += [(t("alt.reference", unit=unit), result.reference, value_format),
                 (t("alt.condition_cost", unit=unit), result.condition_cost, value_format),
                 (t("alt.condition_cost_share"), result.condition_cost_share, GAP)]
    info.append((t("alt.plans_found"), f"{len(result.plans)} ({result.count})", None))
    if result.exhausted:
        info.append((t("alt.message"), t("alt.exhausted", n=len(result.plans), within=within), None))
    if result.enumerate_cap is not None:
        counted = (t("alt.plans_within_capped", n=result.plans_within) if result.plans_within_capped
                   else result.plans_within)
        info.append((t("alt.plans_within", within=within), counted, INTEGER))
    if result.classes:
        info += [(t("alt.core_count"), len(result.core), INTEGER),
                 (t("alt.optional_count"), len(result.optional), INTEGER),
                 (t("alt.never_count"), len(result.never), INTEGER)]
        if result.unproven:
            info.append((t("alt.unproven_count"), len(result.unproven), INTEGER))
        info.append((t("alt.core_list"), ", ".join(result.core) or "—", None))
        gap = result.optimum_gap if result.optimum_gap is not None else 0.0
        info.append((t("alt.exact"), yes_no(True, lang) if result.exact else t("alt.exact_no", gap=f"{gap:.4%}"),
                     None))
    if not result.plans:
        info.append((t("alt.message"), t("alt.none", message=result.message), None))
    elif result.message and not result.exhausted:
        info.append((t("alt.message"), result.message, None))
    row = 6
    for name, value, fmt in info:
        w.put(row, 1, name, measure=False, wrap=True)
        cell = w.put(row, VALUE_COL, value, fmt, measure=False, wrap=isinstance(value, str))
        if not isinstance(value, str):
            cell.alignment = Alignment(horizontal="left")
        w.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=VALUE_COL - 1)
        w.ws.merge_cells(start_row=row, start_column=VALUE_COL, end_row=row, end_column=PLAN_COL - 1)
        _fit_height(w, row, [value] if isinstance(value, str) else [], sum(FIXED_WIDTHS[c] for c in "CDEF"))
        _fit_height(w, row, [name], FIXED_WIDTHS["A"] + FIXED_WIDTHS["B"], keep_taller=True)
        row += 1
    if not result.plans:
        _finish(w)
        return

    # ---------------------------------------------------------------- plans side by side
    # one column per plan (the same columns as the matrix below), one row per quantity
    row += 1
    w.put(row, 1, t("alt.plans"), font=SECTION_FONT, measure=False)
    head = row + 1
    plans = result.plans
    first = plans[0].plan
    sep = ", "  # project ids: ASCII lists break at the spaces when wrapped
    loss_key = "alt.loss_min" if result.minimise else "alt.loss"

    def changed(plan, added: bool) -> str:
        ids = ([pid for pid in plan.selected(case) if pid not in first] if added
               else [p.id for p in case.projects if p.id in first and p.id not in plan.plan])
        return sep.join(ids) or "—"
    rows = [(t("alt.role"), [t(f"alt.role.{a.role}") for a in plans], None),
            (t("alt.objective_value", unit=unit), [a.objective for a in plans], value_format),
            (t("alt.gap_to_optimum"), [a.gap_to_optimum for a in plans], GAP),
            (t(loss_key, unit=unit), [a.loss for a in plans], value_format),
            (t("alt.capex"), [a.totals.get("capex", 0.0) for a in plans], MONEY),
            (t("alt.chosen"), [len(a.plan) for a in plans], INTEGER),
            (t("alt.distance_years" if result.by_start_year else "alt.distance"), [a.distance for a in plans], INTEGER),
            (t("alt.added"), [changed(a, True) for a in plans], None),
            (t("alt.removed"), [changed(a, False) for a in plans], None)]
    for k, check in enumerate(plans[0].target_checks):
        rows.append((t("alt.target_achieved", target=target_text(check, lang)),
                     [a.target_checks[k].achieved for a in plans],
                     number_format(case.metric_units.get(check.metric, ""))))
    rows += [(t("alt.targets_met"), [yes_no(all(c.met for c in a.target_checks), lang) for a in plans], None),
             (t("alt.status"), [status_text(SimpleNamespace(status=a.status, gap=a.gap), lang) for a in plans], None)]
    _label(w, head, t("alt.plan"), header=True)
    w.header(head, PLAN_COL, [t("alt.plan_n", n=a.number) for a in plans])
    objective_row = capex_row = None
    for offset, (name, values, fmt) in enumerate(rows):
        r = head + 1 + offset
        _label(w, r, name)
        for s, value in enumerate(values):
            w.put(r, PLAN_COL + s, value, fmt, measure=False, wrap=isinstance(value, str))
        _fit_height(w, r, [v for v in values if isinstance(v, str)], PLAN_WIDTH)
        if fmt == value_format and objective_row is None:
            objective_row = r
        if fmt == MONEY and capex_row is None:
            capex_row = r
    last = head + len(rows)
    _chart(w, head, objective_row, capex_row, len(plans), unit, lang, f"A{last + 2}")

    # ---------------------------------------------------------------- project × plan matrix
    row = last + 2 + CHART_ROWS + 1
    w.put(row, 1, t("alt.matrix"), font=SECTION_FONT, measure=False)
    w.note(row + 1, t("alt.matrix_note", within=within))
    head = row + 2
    plan_col = PLAN_COL
    w.header(head, 1, [t("alt.project"), t("alt.name"), t("alt.enterprise"), t("alt.class"), t("alt.how"),
                       t("alt.best_without", unit=unit)]
             + [t("alt.plan_n", n=p.number) for p in result.plans] + [t("alt.in_plans")])
    order = sorted(range(len(case.projects)), key=lambda k: (
        CLASS_ORDER.get(result.classes[case.projects[k].id].kind, 9) if result.classes else 0, k))
    multi = case.multi_year
    for offset, k in enumerate(order):
        project = case.projects[k]
        r = head + 1 + offset
        w.row(r, 1, [project.id, project.name, project.enterprise or ""])
        cls = result.classes.get(project.id)
        if cls is not None:
            cell = w.put(r, 4, t(f"alt.class.{cls.kind}"))
            cell.fill = CLASS_FILL[cls.kind]
            how = t(f"alt.reason.{cls.reason}", within=within)
            w.put(r, 5, how, measure=False, wrap=True)
            _fit_height(w, r, [how], FIXED_WIDTHS["E"])
            if cls.kind == "core" and cls.best_without_status is not None:
                if cls.best_without is None:
                    w.put(r, 6, t("alt.no_plan_without"))
                else:
                    w.put(r, 6, cls.best_without, value_format)
        count = 0
        for s, plan in enumerate(result.plans):
            if project.id in plan.plan:
                start = plan.plan[project.id]
                cell = w.put(r, plan_col + s, start if multi and start is not None else 1, YEAR if multi else INTEGER)
                cell.fill = CHOSEN_FILL
                count += 1
        w.put(r, plan_col + len(result.plans), count, INTEGER)
    _finish(w)


def _finish(w: SheetWriter) -> None:
    """Column widths (the summary's labels and the in/out lists would otherwise widen the
    columns the tables share) and a print setup of one page wide."""
    w.finish(None)
    for letter, width in FIXED_WIDTHS.items():
        w.ws.column_dimensions[letter].width = width
    for col in range(PLAN_COL, w.ws.max_column + 1):
        w.ws.column_dimensions[get_column_letter(col)].width = PLAN_WIDTH
    w.ws.page_setup.orientation = "landscape"
    w.ws.page_setup.paperSize = w.ws.PAPERSIZE_A4
    w.ws.sheet_properties.pageSetUpPr.fitToPage = True
    w.ws.page_setup.fitToWidth = 1
    w.ws.page_setup.fitToHeight = 0


def _fit_height(w: SheetWriter, row: int, texts: list[str], width: float, keep_taller: bool = False) -> None:
    """Row height for wrapped text: LibreOffice does not grow rows that hold merged cells."""
    lines = max([1] + [math.ceil(display_width(text) / max(1.0, width - 2)) for text in texts])
    if lines > 1:
        current = w.ws.row_dimensions[row].height
        height = LINE_HEIGHT * lines
        w.ws.row_dimensions[row].height = max(height, current or 0) if keep_taller else height


def _label(w: SheetWriter, row: int, text: str, header: bool = False) -> None:
    """A row label of the plans table, across the columns left of the plans."""
    if header:
        w.header(row, 1, [text])
    else:
        w.put(row, 1, text, measure=False, wrap=True)
    w.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=PLAN_COL - 1)


def _chart(w: SheetWriter, head: int, objective_row: int, capex_row: int, n: int, unit: str, lang: str,
           anchor: str) -> None:
    """Objective per plan as columns, total capex as a line on a second axis, read from
    the plans table's rows."""
    t = lambda key, **fmt: label(key, lang, **fmt)  # noqa: E731
    categories = Reference(w.ws, min_col=PLAN_COL, max_col=PLAN_COL + n - 1, min_row=head, max_row=head)

    def row_series(row: int, title: str) -> Series:
        values = Reference(w.ws, min_col=PLAN_COL, max_col=PLAN_COL + n - 1, min_row=row, max_row=row)
        return Series(values, title=title)
    bars = BarChart()
    bars.type = "col"
    bars.title = t("alt.chart")
    bars.style = 10
    bars.series.append(row_series(objective_row, t("alt.series_objective", unit=unit)))
    bars.set_categories(categories)
    bars.y_axis.title = t("alt.series_objective", unit=unit)
    bars.y_axis.majorGridlines = None
    line = LineChart()
    line.series.append(row_series(capex_row, t("alt.series_capex")))
    line.set_categories(categories)
    line.y_axis.axId = 200
    line.y_axis.title = t("alt.series_capex")
    line.y_axis.crosses = "max"
    for series in line.series:
        series.marker.symbol = "circle"
        series.marker.size = 7
        series.smooth = False
    for axis in (bars.x_axis, bars.y_axis, line.y_axis):
        axis.delete = False
    bars += line
    bars.width, bars.height = 18.0, 9.5
    bars.legend.position = "b"
    w.ws.add_chart(bars, anchor)


# -------------------------------------------------------------------------------- the workbook
def build_alternatives_workbook(result, lang: str | None = None, written_at: datetime | None = None) -> Report:
    """Alternatives, then Run info (in memory; nothing is written)."""
    lang = report_language(result, lang)
    wb = Workbook()
    wb.remove(wb.active)
    report = Report(wb, lang)
    write_alternatives(SheetWriter(wb.create_sheet(label("sheet.alternatives", lang)), report.formulas), result, lang)
    write_run_info(SheetWriter(wb.create_sheet(L.sheet_title("run_info", lang)), report.formulas), result, lang,
                   written_at)
    wb.active = 0
    wb.properties.creator = f"retrofit-opt {retrofit_opt.__version__}"
    wb.properties.title = label("alt.title", lang)
    return report


def write_alternatives_workbook(result, out: Path, lang: str | None = None) -> Report:
    """Build the workbook and write it atomically to ``out`` (complete or absent)."""
    report = build_alternatives_workbook(result, lang)
    fit_to_page_width(report.workbook)
    write_atomically(Path(out), saver(report.workbook))
    return report
