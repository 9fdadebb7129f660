"""Baseline vs plan (基准对比), for multi-year cases with a baseline sheet: per year, energy
use, energy intensity (tce per 万元 of value added), CO2 and water without the plan (the
baseline as given) and with it (baseline less the capacity counted at that year's end),
against the intensity each target requires in its year."""
from __future__ import annotations

from openpyxl.chart import LineChart, Reference

from retrofit_opt.report import labels as L
from retrofit_opt.report.writer import SECTION_FONT, TITLE_FONT, YEAR, SheetWriter
from retrofit_opt.evaluate import metric_total

HEADER_ROW = 4
INTENSITY = "0.0000"
AMOUNT = "#,##0"
QUANTITIES = (("energy_saving", "energy_consumption", "tce"), ("co2_reduction", "co2", "t"),
              ("water_saving", "water", "m³"))


def has_baseline(case) -> bool:
    return case.multi_year and bool(case.baseline)


def baseline_rows(case, plan) -> list[dict]:
    """One dict per baseline year: value added and, per quantity the baseline gives, the
    use without the plan, the capacity counted at the year's end, the use with the plan,
    and both intensities."""
    rows = []
    for year in sorted(case.baseline):
        b = case.baseline[year]
        row = {"year": year, "value_added": b.value_added}
        for metric, column, _ in QUANTITIES:
            base = getattr(b, column)
            if base is None:
                continue
            in_horizon = case.parameters.start_year is None or year >= case.parameters.start_year
            saving = metric_total(case, plan, metric, year) if in_horizon else 0.0
            row[column] = {"without": base, "saving": saving, "with": base - saving,
                           "intensity_without": base / b.value_added if b.value_added else None,
                           "intensity_with": (base - saving) / b.value_added if b.value_added else None}
        rows.append(row)
    return rows


def required_intensity(case, metric: str, year: int):
    """The intensity an intensity_reduction target on ``metric`` requires in ``year``."""
    column = dict((m, c) for m, c, _ in QUANTITIES)[metric]
    for target in case.targets:
        target_year = target.year if target.year is not None else case.parameters.end_year
        if target.kind == "intensity_reduction" and target.metric == metric and target_year == year \
                and target.base_year in case.baseline:
            base = case.baseline[target.base_year]
            return getattr(base, column) / base.value_added * (1 - target.value / 100)
    return None


def write_baseline(w: SheetWriter, result, lang: str) -> None:
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(1, 1, t("baseline.title"), font=TITLE_FONT, measure=False)
    w.note(2, t("baseline.note"))
    rows = baseline_rows(case, result.plan)
    row = HEADER_ROW
    chart_rows = None
    for metric, column, unit in QUANTITIES:
        if not any(column in r for r in rows):
            continue
        name = t(f"baseline.{column}")
        w.put(row, 1, name, font=SECTION_FONT, measure=False)
        row += 1
        u = lambda text: L.with_unit(text, unit, lang)  # noqa: E731
        per = f"{unit}/万元"
        w.header(row, 1, [t("cash.year_calendar"), u(t("baseline.without")), u(t("baseline.saving")),
                          u(t("baseline.with")), t("baseline.value_added"),
                          L.with_unit(t("baseline.intensity_without"), per, lang),
                          L.with_unit(t("baseline.intensity_with"), per, lang),
                          t("baseline.change"), L.with_unit(t("baseline.required"), per, lang)])
        header = row
        row += 1
        base_intensity = None
        for r in rows:
            if column not in r:
                continue
            q = r[column]
            if base_intensity is None:
                base_intensity = q["intensity_without"]
            change = (q["intensity_with"] / base_intensity - 1) if base_intensity else None
            required = required_intensity(case, metric, r["year"])
            w.row(row, 1, [r["year"], q["without"], q["saving"], q["with"], r["value_added"],
                           q["intensity_without"], q["intensity_with"], change,
                           required if required is not None else None],
                  [YEAR, AMOUNT, AMOUNT, AMOUNT, AMOUNT, INTENSITY, INTENSITY, "+0.00%;-0.00%;0.00%", INTENSITY])
            row += 1
        if chart_rows is None and column == "energy_consumption":
            chart_rows = (header, header + 1, row - 1)
        row += 1
    w.note(row, t("baseline.note_change"))
    row += 1
    w.finish(None)
    if chart_rows is not None:
        _chart(w, lang, *chart_rows, anchor=row + 1)


def _chart(w: SheetWriter, lang: str, header: int, first: int, last: int, anchor: int) -> None:
    """Energy intensity per year without and with the plan (straight lines), the required
    intensity as large markers in the target years; axis from 0."""
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    ws = w.ws
    chart = LineChart()
    chart.title = t("baseline.chart")
    chart.y_axis.title = L.with_unit(t("baseline.intensity_axis"), "tce/万元", lang)
    chart.x_axis.title = t("cash.year_calendar")
    for col, marker in ((6, "circle"), (7, "circle"), (9, "diamond")):
        chart.add_data(Reference(ws, min_col=col, min_row=header, max_row=last), titles_from_data=True)
        series = chart.series[-1]
        series.marker.symbol = marker
        series.marker.size = 10 if marker == "diamond" else 6
        if marker == "diamond":
            series.graphicalProperties.line.noFill = True
            from openpyxl.chart.shapes import GraphicalProperties
            series.marker.graphicalProperties = GraphicalProperties(solidFill="C62828")
            series.marker.graphicalProperties.line.solidFill = "C62828"
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, f"A{anchor}")
