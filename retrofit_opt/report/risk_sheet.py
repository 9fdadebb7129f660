"""The 风险分析 / Risk sheet of ``retrofit-opt risk`` (issue 14), and its workbook.

Reads a :class:`retrofit_opt.results_risk.RiskResult` only (no Pyomo, no solving): key
findings in plain language, the probability of each target with a bar chart, budgets,
the plan's totals as percentiles, histograms of the energy saving and the NPV, the
projects that drive the risk, and the tornado chart.  Labels: ``risk.*`` rows of ``schema/labels.csv``.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from retrofit_opt.report import labels as L
from retrofit_opt.schema import labels as label_table
from retrofit_opt.report.charts import bars, reference
from retrofit_opt.report.common import objective_unit, pool_name, status_text, target_text
from retrofit_opt.atomic import write_atomically
from retrofit_opt.report.save import saver
from retrofit_opt.report.writer import (INTEGER, MONEY, PERCENT, SECTION_FONT, TITLE_FONT, SheetWriter,
                                        number_format)

CHART_ROWS = 20  # rows a chart placed below its table takes
HEADLINE_FONT = Font(bold=True, size=11, color="1F3864")


def label(key: str, lang: str, **fmt) -> str:
    """The label ``key`` of ``schema/labels.csv`` in ``lang``."""
    return label_table.text(key, lang, **fmt)


def percent(p: float) -> str:
    """A probability as leadership reads it: 87%, 99.6%, 100%."""
    value = 100 * p
    return f"{value:.0f}%" if abs(value - round(value)) < 0.05 or 2 <= value <= 98 else f"{value:.1f}%"


def input_label(item, case, lang: str) -> str:
    name = label(f"risk.quantity.{item.quantity}", lang)
    return f"{item.project_id} {name}" if item.project_id else name


def uncertain_things(result, lang: str) -> str:
    """What has a range, in words: 节能量、投资、碳价."""
    seen = dict.fromkeys(i.quantity for i in result.inputs)
    return label("risk.and", lang).join(label(f"risk.quantity.{q}", lang) for q in seen)


def headlines(result, lang: str) -> list[str]:
    """The plain-language lines for leadership: one per target, one per budget at risk."""
    t = lambda key, **fmt: label(key, lang, **fmt)  # noqa: E731
    if not result.has_plan:
        return [t("risk.no_plan", status=status_text(result.deterministic, lang))]
    if not result.inputs:
        return [t("risk.no_inputs")]
    things = uncertain_things(result, lang)
    lines, always, always_low = [], [], 1.0
    for risk, check in zip(result.targets, result.deterministic.target_checks):
        text = target_text(check, lang)
        low, high = percent(risk.interval[0]), percent(risk.interval[1])
        if risk.probability == 1.0:
            always.append(t("risk.quote_open") + text + t("risk.quote_close"))
            always_low = min(always_low, risk.interval[0])
        else:
            lines.append(t("risk.headline", inputs=things, target=text, p=percent(risk.probability), low=low,
                           high=high))
    if always:
        low = percent(always_low)
        lines.append(t("risk.headline_all", inputs=things, targets=t("risk.and").join(always),
                       samples=result.samples, low=low))
    for b in result.budgets:
        if b.probability < 1.0:
            lines.append(t("risk.headline_budget", pool=pool_name(b.pool, lang) + (f" {b.year}" if b.year else ""),
                           p=percent(b.probability), overrun=f"{b.expected_overrun:,.0f}"))
    return lines


def _sentences(text: str) -> list[str]:
    """A long note as one sentence per row (readable on screen and in print)."""
    import re
    parts = re.split(r"(?<=。)|(?<=\.) ", text)
    return [p.strip() for p in parts if p and p.strip()]


def write_risk(w: SheetWriter, result, lang: str) -> None:
    t = lambda key, **fmt: label(key, lang, **fmt)  # noqa: E731
    case = result.case
    ws = w.ws
    w.put(1, 1, t("risk.title"), font=TITLE_FONT, measure=False)
    w.note(2, t("risk.setup", samples=result.samples, seed=result.seed if result.seed is not None else "—",
                distribution=t(f"risk.distribution.{result.distribution}"), correlation=result.correlation,
                group=t(f"risk.group.{result.group_by}"), inputs=len(result.inputs)))
    row = 4
    w.put(row, 1, t("risk.leadership"), font=SECTION_FONT, measure=False)
    for line in headlines(result, lang):
        row += 1
        w.put(row, 1, line, font=HEADLINE_FONT, measure=False)
    if not result.has_plan:
        w.finish(None)
        return
    row += 2

    # ---------------------------------------------------------------- targets
    w.put(row, 1, t("risk.targets"), font=SECTION_FONT, measure=False)
    head = row + 1
    w.header(head, 1, [t("risk.target"), t("risk.required"), t("risk.deterministic"), t("risk.probability"),
                       t("risk.interval_low"), t("risk.interval_high"), t("risk.expected_shortfall"),
                       t("risk.shortfall_when_missed"), t("risk.p10"), t("risk.p50"), t("risk.p90")])
    row = head
    for risk, check in zip(result.targets, result.deterministic.target_checks):
        row += 1
        fmt = number_format(case.metric_units.get(risk.metric, ""))
        w.row(row, 1, [target_text(check, lang), risk.required, risk.deterministic, risk.probability,
                       risk.interval[0], risk.interval[1], risk.expected_shortfall, risk.shortfall_when_missed,
                       risk.percentiles.p10, risk.percentiles.p50, risk.percentiles.p90],
              [None, fmt, fmt, PERCENT, PERCENT, PERCENT, fmt, fmt, fmt, fmt, fmt])
    if result.targets:
        chart = bars(ws, f"A{row + 2}", t("risk.chart_probability"), t("risk.target"),
                     t("risk.chart_probability_y"), reference(ws, 1, head + 1, row), [reference(ws, 4, head, row)])
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0.0, 1.0
        chart.y_axis.number_format = "0%"
        chart.legend = None
        row += CHART_ROWS
    row += 2

    # ---------------------------------------------------------------- budgets
    if result.budgets:
        w.put(row, 1, t("risk.budgets"), font=SECTION_FONT, measure=False)
        row += 1
        w.header(row, 1, [t("risk.pool"), t("risk.year"), t("risk.limit"), t("risk.spend"), t("risk.within"),
                          t("risk.interval_low"), t("risk.interval_high"), t("risk.expected_overrun"),
                          t("risk.p10"), t("risk.p50"), t("risk.p90")])
        for b in result.budgets:
            row += 1
            w.row(row, 1, [pool_name(b.pool, lang), b.year if b.year is not None else L.label(
                "summary.whole_horizon", lang), b.limit, b.deterministic, b.probability, b.interval[0],
                b.interval[1], b.expected_overrun, b.percentiles.p10, b.percentiles.p50, b.percentiles.p90],
                [None, INTEGER, MONEY, MONEY, PERCENT, PERCENT, PERCENT, MONEY, MONEY, MONEY, MONEY])
        row += 2

    # ---------------------------------------------------------------- totals
    w.put(row, 1, t("risk.totals"), font=SECTION_FONT, measure=False)
    row += 1
    w.header(row, 1, [t("risk.quantity"), t("risk.unit"), t("risk.deterministic"), t("risk.mean"), t("risk.p10"),
                      t("risk.p50"), t("risk.p90")])
    det = result.deterministic
    objective = case.parameters.objective
    items = [(L.metric_name("energy_saving", lang), case.metric_units.get("energy_saving", ""), "energy_saving"),
             (L.metric_name("co2_reduction", lang), case.metric_units.get("co2_reduction", ""), "co2_reduction"),
             (t("risk.capex"), "万元", "capex"), (t("risk.npv"), "万元", "npv")]
    for name, unit, key in items:
        row += 1
        p = result.totals[key]
        value = det.totals[key]
        value = value[str(case.parameters.end_year)] if isinstance(value, dict) else value
        fmt = number_format(unit)
        w.row(row, 1, [name, unit, value, p.mean, p.p10, p.p50, p.p90], [None, None, fmt, fmt, fmt, fmt, fmt])
    row += 1
    unit = objective_unit(case, objective, lang)
    fmt = number_format(unit)
    p = result.objective
    w.row(row, 1, [t("risk.objective", objective=L.label("objective." + objective, lang)), unit, det.objective,
                   p.mean, p.p10, p.p50, p.p90], [None, None, fmt, fmt, fmt, fmt, fmt])
    row += 2

    # ---------------------------------------------------------------- histograms
    for key, name, unit in (("energy_saving", L.metric_name("energy_saving", lang),
                             case.metric_units.get("energy_saving", "")), ("npv", t("risk.npv"), "万元")):
        hist = result.histograms[key]
        title = t("risk.histogram", quantity=L.with_unit(name, unit, lang))
        w.put(row, 1, title, font=SECTION_FONT, measure=False)
        head = row + 1
        w.header(head, 1, [t("risk.bin_from"), t("risk.bin_to"), t("risk.count")])
        fmt = number_format(unit)
        for k, count in enumerate(hist.counts):
            w.row(head + 1 + k, 1, [hist.edges[k], hist.edges[k + 1], count], [fmt, fmt, INTEGER])
        last = head + len(hist.counts)
        chart = bars(ws, f"E{head}", title, t("risk.histogram_x", quantity=L.with_unit(name, unit, lang)),
                     t("risk.count"), reference(ws, 1, head + 1, last), [reference(ws, 3, head, last)])
        chart.gapWidth = 10
        chart.legend = None
        chart.x_axis.number_format = "#,##0"
        row = max(last, head + CHART_ROWS) + 2

    # ---------------------------------------------------------------- drivers
    w.put(row, 1, t("risk.drivers"), font=SECTION_FONT, measure=False)
    w.note(row + 1, t("risk.drivers_note"))
    row += 2
    w.header(row, 1, [t("risk.target"), t("risk.rank"), t("risk.project"), t("risk.name"), t("risk.variance_share")])
    for risk, check in zip(result.targets, det.target_checks):
        for rank, d in enumerate(risk.drivers, start=1):
            row += 1
            w.row(row, 1, [target_text(check, lang), rank, d.project_id, d.name, d.variance_share],
                  [None, INTEGER, None, None, PERCENT])
    row += 2

    # ---------------------------------------------------------------- tornado
    w.put(row, 1, t("risk.tornado"), font=SECTION_FONT, measure=False)
    if not result.tornado:
        w.note(row + 1, t("risk.tornado_none") if not result.tornado_candidates else
               t("risk.tornado_note", shown=0, candidates=result.tornado_candidates, limit=result.tornado_limit))
        row += 3
    else:
        w.note(row + 1, t("risk.tornado_note", shown=len(result.tornado), candidates=result.tornado_candidates,
                          limit=result.tornado_limit))
        head = row + 2
        w.header(head, 1, [t("risk.input"), t("risk.low"), t("risk.estimate"), t("risk.high"),
                           t("risk.objective_low"), t("risk.objective_high"), t("risk.delta_low"),
                           t("risk.delta_high"), t("risk.plan_low"), t("risk.plan_high"), t("risk.status"),
                           t("risk.plan_changed")])
        base = det.objective
        row = head
        for bar in result.tornado:
            row += 1
            i = bar.input
            in_fmt = MONEY if i.quantity == "capex" else "#,##0.00##"
            delta_low = bar.objective_low - base if bar.objective_low is not None else None
            delta_high = bar.objective_high - base if bar.objective_high is not None else None
            changed = label("risk.yes" if bar.plan_changed_low or bar.plan_changed_high else "risk.no", lang)
            w.row(row, 1, [input_label(i, case, lang), i.low, i.estimate, i.high, bar.objective_low,
                           bar.objective_high, delta_low, delta_high, bar.plan_low, bar.plan_high,
                           f"{bar.status_low} / {bar.status_high}", changed],
                  [None, in_fmt, in_fmt, in_fmt, fmt, fmt, fmt, fmt, fmt, fmt, None, None])
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "clustered"
        chart.overlap = 100
        chart.title = t("risk.chart_tornado")
        chart.style = 10
        chart.x_axis.title = t("risk.input")
        chart.y_axis.title = t("risk.chart_tornado_x")
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.x_axis.scaling.orientation = "maxMin"  # largest swing on top
        chart.y_axis.crosses = "max"
        chart.x_axis.tickLblPos = "low"
        chart.width, chart.height = 18.0, max(7.0, 1.0 * len(result.tornado) + 3)
        for col in (7, 8):
            chart.add_data(Reference(ws, min_col=col, min_row=head, max_row=row), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=row))
        ws.add_chart(chart, f"A{row + 2}")
        row += 2 + int(chart.height * 2) + 2
    for k, sentence in enumerate(_sentences(t("risk.method"))):
        w.note(row + k, sentence)
    w.finish(None)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 30)


def build_risk_workbook(result, lang: str | None = None, written_at: datetime | None = None,
                        provenance: dict | None = None):
    """The Risk sheet first, then the deterministic result's own sheets (Summary, …);
    ``provenance``: the batch rows of Run info (``retrofit-opt batch``)."""
    from retrofit_opt.report.workbook import build_workbook, report_language
    lang = report_language(result.deterministic, lang)
    report = build_workbook(result.deterministic, lang, written_at, provenance)
    ws = report.workbook.create_sheet(label("sheet.risk", lang), 0)
    write_risk(SheetWriter(ws, report.formulas), result, lang)
    report.workbook.active = 0
    for k, sheet in enumerate(report.workbook.worksheets):
        sheet.sheet_view.tabSelected = k == 0
    return report


def write_risk_workbook(result, out: Path, lang: str | None = None):
    from retrofit_opt.report.workbook import fit_to_page_width
    report = build_risk_workbook(result, lang)
    fit_to_page_width(report.workbook, result.case, lang or result.case.language)
    write_atomically(Path(out), saver(report.workbook))
    return report
