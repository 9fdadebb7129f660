"""The Frontier and Pareto sheets of ``retrofit-opt sweep``.

``run`` is a :class:`retrofit_opt.results.SweepRun` (case, pool, points, least budget,
Pareto frontier, options); nothing here solves or evaluates: every number was computed
from the plans by :mod:`retrofit_opt.evaluate` before it reaches the sheet.
"""
from __future__ import annotations

from retrofit_opt.report import labels as L
from retrofit_opt.report.charts import reference, scatter
from retrofit_opt.report.common import objective_unit, status_text, yes_no
from retrofit_opt.report.writer import (GAP, INTEGER, MONEY, SECONDS, SECTION_FONT, TITLE_FONT,
                                        SheetWriter, number_format)


def quantity_label(name: str, case, lang: str) -> str:
    if name == "capex":
        return L.column_header("projects", "capex", lang, "万元")
    if name == "npv":
        return L.label("portfolio.npv", lang)
    return L.metric_header(name, case.metric_units.get(name, ""), lang)


def quantity_format(name: str, case) -> str:
    return MONEY if name in ("capex", "npv") else number_format(case.metric_units.get(name, ""))


def write_frontier(w: SheetWriter, run, lang: str) -> None:
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    case = run.case
    objective = case.parameters.objective
    unit = objective_unit(case, objective, lang)
    value_format = number_format(unit)
    least = run.least
    w.put(1, 1, t("frontier.title"), font=TITLE_FONT, measure=False)
    w.header(3, 1, [t("summary.item"), t("summary.value")])
    info = [(t("frontier.pool"), run.pool, None),
            (t("frontier.objective_name"), f"{objective}: {t('objective.' + objective)}", None)]
    if least is not None:
        found = least.budget is not None
        info += [(t("frontier.least_value"), least.budget if found else t("frontier.least_none"),
                  MONEY if found else None),
                 (t("frontier.least_status"), status_text(least, lang), None),
                 (t("frontier.least_gap"), least.gap, GAP),
                 (t("frontier.least_chosen"), ", ".join(p.id for p in case.projects if p.id in least.plan)
                  if found else "", None)]
    row = 4
    for name, value, fmt in info:
        w.row(row, 1, [name, value], [None, fmt])
        row += 1
    if least is not None:
        w.note(row, t("frontier.least_method"))
        row += 1
    w.note(row, t("frontier.note"))
    row += 2

    head = row
    w.header(head, 1, [t("frontier.level"), t("frontier.status"), t("frontier.objective", unit=unit),
                       t("frontier.gap"), t("frontier.spend"), t("frontier.targets_met"), t("frontier.carried"),
                       t("frontier.chosen"), t("frontier.seconds"), t("frontier.above_least")])
    last = head
    for k, point in enumerate(run.points):
        last = head + 1 + k
        above = (yes_no(point.level >= least.budget - 1e-9 * max(1.0, least.budget), lang)
                 if least is not None and least.budget is not None else "")
        w.row(last, 1, [point.level, status_text(point, lang), point.objective, point.gap, point.spend,
                        yes_no(point.targets_met, lang), yes_no(point.carried, lang), point.chosen, point.seconds,
                        above],
              [MONEY, None, value_format, GAP, MONEY, None, None, INTEGER, SECONDS, None])

    # --- the chart: the frontier, and the least budget as a vertical line
    series = [dict(x=reference(w.ws, 1, head + 1, last), y=reference(w.ws, 3, head + 1, last),
                   title=t("frontier.series"), line=True, marker="circle")]
    values = [p.objective for p in run.points if p.objective is not None]
    if least is not None and least.budget is not None and values:
        # helper cells under the table: (least budget, lowest objective), (least budget, highest objective)
        helper = last + 2
        w.put(helper, 1, t("frontier.series_least"), font=SECTION_FONT, measure=False)
        w.row(helper + 1, 1, [least.budget, None, min(values)], [MONEY, None, value_format])
        w.row(helper + 2, 1, [least.budget, None, max(values)], [MONEY, None, value_format])
        series.append(dict(x=reference(w.ws, 1, helper + 1, helper + 2), y=reference(w.ws, 3, helper + 1, helper + 2),
                           title=t("frontier.series_least"), line=True, marker=None, dash=True))
    if run.points:
        scatter(w.ws, "L3", t("frontier.chart"), t("frontier.axis_budget"), t("frontier.objective", unit=unit),
                series)
    w.finish(f"A{head + 1}")


def write_pareto(w: SheetWriter, run, lang: str) -> None:
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    case, front = run.case, run.pareto
    x_label, y_label = quantity_label(front.x, case, lang), quantity_label(front.y, case, lang)
    x_name = f"{x_label} ({t('pareto.min' if front.x_minimised else 'pareto.max')})"
    y_name = f"{y_label} ({t('pareto.min' if front.y_minimised else 'pareto.max')})"
    w.put(1, 1, t("pareto.title", x=x_label, y=y_label), font=TITLE_FONT, measure=False)
    w.note(2, t("pareto.note", x=x_label, y=y_label))
    head = 4
    if not front.points:
        w.put(head, 1, t("pareto.none"), measure=False)
        w.finish(None)
        return
    x_fmt, y_fmt = quantity_format(front.x, case), quantity_format(front.y, case)
    w.header(head, 1, [x_name, y_name, t("pareto.epsilon", x=x_label), t("frontier.status"), t("frontier.gap"),
                       t("frontier.chosen"), t("frontier.targets_met")])
    last = head
    for k, point in enumerate(front.points):
        last = head + 1 + k
        w.row(last, 1, [point.x, point.y, point.epsilon, status_text(point, lang), point.gap, len(point.plan),
                        yes_no(point.targets_met, lang)],
              [x_fmt, y_fmt, x_fmt, None, GAP, INTEGER, None])
    w.finish(f"A{head + 1}")
    scatter(w.ws, "J3", t("pareto.chart"), x_label, y_label,
            [dict(x=reference(w.ws, 1, head + 1, last), y=reference(w.ws, 2, head + 1, last),
                  title=t("pareto.series"), line=True, marker="diamond")])
