"""The Yearly plan sheet (multi-year cases only, PRODUCT.md §4):

1. spend per budget pool and year (capex spread over the build years by the capex profile,
   split between pools by the subsidy rate, :func:`rules.option_spend`) against each
   yearly limit and the horizon's limit;
2. the capacity formed by the end of each year for every metric a target names
   (:func:`rules.counts_in_year`, net of interactions), with each milestone's required
   value under its year, the achieved value, the margin and a check mark, and, for
   intensity targets, the intensity reached;
3. a start-year (Gantt-like) schedule of the chosen projects: build years, the year the
   capacity is formed and counts, benefit years — coloured, with a legend;
4. a native line chart per metric: capacity at year end against the milestones.

Every number is plain data (no formulas), recomputed from the case and the plan with the
shared planning rules; the milestone values come from the result's own target checks.
No Pyomo here.
"""
from __future__ import annotations

from openpyxl.chart import LineChart, Reference, Series
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from retrofit_opt import evaluate
from retrofit_opt.case import TOTAL_POOL
from retrofit_opt.report import labels as L
from retrofit_opt.report.common import pool_name, target_text
from retrofit_opt.report.summary import intensity_sentence
from retrofit_opt.report.writer import (HEADER_FONT, MONEY, NOTE_FONT, PERCENT, SECTION_FONT, TITLE_FONT,
                                        YEAR, SheetWriter, number_format)

FIRST_YEAR_COL = 4  # columns A–C label the rows; the years start in column D in every section
CHECK, CROSS = "✓", "✗"
TOLERANCE = 1e-6  # as evaluate.BudgetUse.ok and TargetCheck.met
BUILD_FILL = PatternFill("solid", fgColor="F8CBAD")
FORMED_FILL = PatternFill("solid", fgColor="FFD966")
BENEFIT_FILL = PatternFill("solid", fgColor="A9D08E")
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
MARK_FILLS = {"build": BUILD_FILL, "formed": FORMED_FILL, "benefit": BENEFIT_FILL}
CHART_ROWS = 16  # rows a chart covers


# ----------------------------------------------------------------------------- the numbers
def pools(case, plan) -> list[str]:
    """``total`` first, then the pools of the budget rows, then any other pool a chosen
    project draws from, each once, in the order met."""
    names = [TOTAL_POOL, *(b.pool for b in case.budgets)]
    for project in case.projects:
        if project.id in plan:
            names += list(project.pool_shares())
    return list(dict.fromkeys(names))


def pool_spend(case, plan, pool: str, year: int | None) -> float:
    """万元 the plan draws on ``pool`` in ``year`` (``None``: over the whole horizon)."""
    return evaluate.pool_spend(case, plan, pool, year)


def capacity(case, plan, metric: str, year: int) -> float:
    """Capacity of ``metric`` counted at the end of ``year`` (:func:`evaluate.metric_total`)."""
    return evaluate.metric_total(case, plan, metric, year)


def target_metrics(result) -> list[str]:
    """Metrics a target names, in the targets' order; energy and CO2 when there is none."""
    named = list(dict.fromkeys(c.metric for c in result.target_checks))
    return named or [m for m in ("energy_saving", "co2_reduction") if m in result.case.metric_units]


def schedule_mark(project, start: int, year: int) -> str | None:
    """``build`` in a build year before the last; ``formed`` in the last build year (the
    capacity formed by its end counts); ``benefit`` in a year of benefit; else ``None``."""
    formed = start + project.build_years - 1
    if start <= year < formed:
        return "build"
    if year == formed:
        return "formed"
    if formed < year <= formed + project.lifetime:
        return "benefit"
    return None


def _within(used: float, limit: float) -> bool:
    return used <= limit * (1 + TOLERANCE) + TOLERANCE


# ----------------------------------------------------------------------------- the sheet
def write_yearly_plan(w: SheetWriter, result, lang: str) -> None:
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    years = list(case.years)
    w.put(1, 1, t("yearly.title"), font=TITLE_FONT, measure=False)
    w.put(2, 1, t("yearly.horizon", first=years[0], last=years[-1]), measure=False)
    row = _write_spend(w, result, lang, years, 4)
    row, charts = _write_capacity(w, result, lang, years, row)
    row = _write_schedule(w, result, lang, years, row)
    for n, (title, unit, first_row, last_row, header_row) in enumerate(charts):
        _add_chart(w, title, unit, years, header_row, first_row, last_row, row + n * (CHART_ROWS + 1), lang)
    w.finish("D4")


def _year_headers(years) -> list[str]:
    return [str(y) for y in years]


def _write_spend(w: SheetWriter, result, lang: str, years, row: int) -> int:
    case, plan = result.case, result.plan
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(row, 1, t("yearly.spend"), font=SECTION_FONT, measure=False)
    row += 1
    columns = [*years, None]  # None: the whole horizon
    w.header(row, 1, [t("yearly.pool"), t("yearly.item"), t("yearly.unit"), *_year_headers(years),
                      t("yearly.whole_horizon")])
    row += 1
    limits = {(b.pool, b.year): b.limit for b in case.budgets}
    for pool in pools(case, plan):
        spent = [pool_spend(case, plan, pool, y) for y in columns]
        w.put(row, 1, pool_name(pool, lang), font=HEADER_FONT)
        w.put(row, 2, t("yearly.spent"))
        w.put(row, 3, "万元")
        w.row(row, FIRST_YEAR_COL, spent, [MONEY] * len(spent))
        row += 1
        if not any((pool, y) in limits for y in columns):
            continue
        w.put(row, 2, t("yearly.limit"))
        w.put(row, 3, "万元")
        w.put(row + 1, 2, t("yearly.share"))
        w.put(row + 2, 2, t("yearly.within"))
        for offset, (year, used) in enumerate(zip(columns, spent)):
            limit = limits.get((pool, year))
            if limit is None:
                continue
            col = FIRST_YEAR_COL + offset
            w.put(row, col, limit, MONEY)
            if limit > 0:
                w.put(row + 1, col, used / limit, PERCENT)
            ok = _within(used, limit)
            w.put(row + 2, col, CHECK if ok else CROSS).fill = OK_FILL if ok else BAD_FILL
        row += 3
    w.note(row + 1, t("yearly.note_spend"))
    return row + 3


def _write_capacity(w: SheetWriter, result, lang: str, years, row: int):
    case, plan = result.case, result.plan
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(row, 1, t("yearly.capacity"), font=SECTION_FONT, measure=False)
    row += 1
    if not result.target_checks:
        w.put(row, 1, t("yearly.no_targets"), measure=False)
        row += 1
    intensity = any(c.achieved_intensity_change is not None for c in result.target_checks)
    after = FIRST_YEAR_COL + len(years)
    headers = [t("yearly.metric"), t("yearly.item"), t("yearly.unit"), *_year_headers(years),
               t("yearly.achieved"), t("yearly.margin"), t("yearly.met")]
    if intensity:
        headers.append(t("yearly.intensity"))
    header_row = row
    w.header(row, 1, headers)
    row += 1
    charts = []
    for metric in target_metrics(result):
        unit = case.metric_units.get(metric, "")
        fmt = number_format(unit)
        name = L.metric_name(metric, lang)
        first = row
        w.put(row, 1, name, font=HEADER_FONT)
        w.put(row, 2, t("yearly.formed"))
        w.put(row, 3, unit)
        w.row(row, FIRST_YEAR_COL, [capacity(case, plan, metric, y) for y in years], [fmt] * len(years))
        row += 1
        for check in (c for c in result.target_checks if c.metric == metric):
            w.put(row, 1, target_text(check, lang))
            w.put(row, 2, t("yearly.cap" if check.kind == "max_total" else "yearly.required"))
            w.put(row, 3, unit)
            if check.year in years:
                cell = w.put(row, FIRST_YEAR_COL + years.index(check.year), check.required, fmt)
                cell.fill = OK_FILL if check.met else BAD_FILL
            w.put(row, after, check.achieved, fmt)
            w.put(row, after + 1, check.margin, fmt)
            w.put(row, after + 2, CHECK if check.met else CROSS).fill = OK_FILL if check.met else BAD_FILL
            if check.achieved_intensity_change is not None:
                w.put(row, after + 3, intensity_sentence(result, check, lang))
            row += 1
        charts.append((name, unit, first, row - 1, header_row))
    w.note(row + 1, t("yearly.note_capacity"))
    return row + 3, charts


def _write_schedule(w: SheetWriter, result, lang: str, years, row: int) -> int:
    case, plan = result.case, result.plan
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(row, 1, t("yearly.schedule"), font=SECTION_FONT, measure=False)
    row += 1
    after = FIRST_YEAR_COL + len(years)
    w.header(row, 1, [L.field_name("projects", "id", lang), L.field_name("projects", "name", lang),
                      t("yearly.start"), *_year_headers(years), t("yearly.build_years"), t("yearly.lifetime"),
                      t("yearly.counts_from"), t("yearly.last_benefit")])
    row += 1
    chosen = sorted((p for p in case.projects if p.id in plan),
                    key=lambda p: plan[p.id])  # by start year, then input order (a stable sort)
    if not chosen:
        w.put(row, 1, t("yearly.no_projects"), measure=False)
        row += 1
    for project in chosen:
        start = plan[project.id]
        formed = start + project.build_years - 1
        w.row(row, 1, [project.id, project.name, start], [None, None, YEAR])
        for offset, year in enumerate(years):
            mark = schedule_mark(project, start, year)
            if mark is not None:
                cell = w.put(row, FIRST_YEAR_COL + offset, t(f"yearly.mark.{mark}"))
                cell.fill = MARK_FILLS[mark]
        w.row(row, after, [project.build_years, project.lifetime, formed, formed + project.lifetime],
              [YEAR] * 4)
        row += 1
    row += 1
    w.put(row, 1, t("yearly.legend"), font=HEADER_FONT)
    row += 1
    for mark in ("build", "formed", "benefit"):
        w.put(row, 1, t(f"yearly.mark.{mark}")).fill = MARK_FILLS[mark]
        w.put(row, 2, t(f"yearly.legend.{mark}"), font=NOTE_FONT, measure=False)
        row += 1
    return row + 1


def _add_chart(w: SheetWriter, title: str, unit: str, years, header_row: int, first: int, last: int,
               anchor_row: int, lang: str) -> None:
    """A line for the capacity at year end, a marker for each milestone's required value."""
    ws = w.ws
    chart = LineChart()
    chart.title = L.label("yearly.chart_title", lang, metric=title)
    chart.y_axis.title = unit
    chart.x_axis.title = L.label("yearly.chart_year", lang)
    chart.display_blanks = "gap"
    last_col = FIRST_YEAR_COL + len(years) - 1
    for row in range(first, last + 1):
        values = Reference(ws, min_col=FIRST_YEAR_COL, max_col=last_col, min_row=row, max_row=row)
        label = ws.cell(row=row, column=1 if row > first else 2).value
        series = Series(values, title=str(label))
        if row > first:  # a milestone: markers only
            series.marker.symbol = "diamond"
            series.marker.size = 9
            series.graphicalProperties.line.noFill = True
        else:
            series.marker.symbol = "circle"
        chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=FIRST_YEAR_COL, max_col=last_col, min_row=header_row,
                                   max_row=header_row))
    chart.height, chart.width = 7.5, 16
    ws.add_chart(chart, f"{get_column_letter(1)}{anchor_row}")
