"""The Portfolio sheet: the chosen projects in priority order, their economics, and a
totals row of live ``=SUM()`` formulas equal to the evaluation totals of the plan."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from openpyxl.utils import get_column_letter

from retrofit_opt import economics, funding
from retrofit_opt.case import TOTAL_POOL, metrics_in_use
from retrofit_opt.indicators import IndicatorTable, indicator_table
from retrofit_opt.report import labels as L
from retrofit_opt.report.common import contribution, contribution_unit, evaluation_years, total_at
from retrofit_opt.report.writer import (INTEGER, MONEY, PERCENT, RATIO, TOTAL_FONT, YEAR, Formula, SheetWriter,
                                        number_format)

FIRST_ROW = 2  # data start under the header row
PAYBACK = "0.0"  # years
PER_TONNE = "#,##0.0"  # 元/tce, 元/t CO2


@dataclass
class Column:
    key: str
    header: str
    value: Callable  # (project, start) → cell value
    fmt: str | None = None
    total: str = ""  # "sum" | "ratio" | ""
    metric: str | None = None  # the metric a sum column totals


@dataclass(frozen=True)
class Line:
    """One chosen project with the numbers the sheet shows for it."""

    project: object
    start: int | None
    contribution: float  # to the objective (min_cost: energy saving)
    per_wan: float | None  # contribution per 万元 of capex; None when capex is 0


def ranked(result) -> list[Line]:
    """The chosen projects, best contribution per 万元 first; ties keep the input order;
    a project without capex comes first."""
    case = result.case
    objective = result.options.get("objective", case.parameters.objective)
    lines = []
    for project in case.projects:
        if project.id not in result.plan:
            continue
        start = result.plan[project.id]
        value = contribution(case, project, start, objective, case.parameters.weights)
        lines.append(Line(project, start, value, value / project.capex if project.capex > 0 else None))
    order = {p.id: i for i, p in enumerate(case.projects)}
    return sorted(lines, key=lambda ln: (0 if ln.per_wan is None else 1,
                                         -(ln.per_wan or 0.0), order[ln.project.id]))


def shown_metrics(result) -> list[str]:
    """energy_saving and co2_reduction always, any other metric a chosen project has."""
    case = result.case
    in_use = metrics_in_use(map(case.project, result.plan))
    return [m for m in case.metrics if m in ("energy_saving", "co2_reduction") or m in in_use]


def columns(result, lang: str, table: IndicatorTable | None = None) -> list[Column]:
    case = result.case
    params = case.parameters
    table = indicator_table(result) if table is None else table
    chosen = [case.project(pid) for pid in result.plan]
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    head = lambda name: L.column_header("projects", name, lang)  # noqa: E731
    objective = result.options.get("objective", params.objective)
    cols = [Column("rank", t("portfolio.rank"), None, INTEGER),
            Column("id", head("id"), lambda p, s: p.id),
            Column("name", head("name"), lambda p, s: p.name)]
    if case.multi_year:
        cols.append(Column("start_year", t("portfolio.start_year"), lambda p, s: s, YEAR))
    for name in ("enterprise", "sector", "category"):
        if name != "category" or any(p.category for p in chosen):
            cols.append(Column(name, head(name), lambda p, s, n=name: getattr(p, n)))
    if any(p.budget_pool != TOTAL_POOL or p.subsidy_rate > 0 for p in case.projects):
        cols.append(Column("budget_pool", head("budget_pool"), lambda p, s: p.budget_pool))
        cols.append(Column("subsidy_rate", head("subsidy_rate"), lambda p, s: p.subsidy_rate, "0.0%"))
    cols.append(Column("capex", head("capex"), lambda p, s: p.capex, MONEY, "sum"))
    if case.award_rules:
        awards = funding.awards_by_project(case, result.plan)
        cols.append(Column("award", t("portfolio.award"), lambda p, s: awards.get(p.id, 0.0), MONEY, "sum"))
    for metric in shown_metrics(result):
        unit = case.metric_units.get(metric, "")
        cols.append(Column(metric, L.metric_header(metric, unit, lang), lambda p, s, m=metric: p.metric(m),
                           number_format(unit), "sum", metric))
    cols.append(Column("annual_cost_saving", head("annual_cost_saving"),
                       lambda p, s: p.annual_cost_saving, MONEY, "sum"))
    if any(p.opex_change for p in chosen):
        cols.append(Column("opex_change", head("opex_change"), lambda p, s: p.opex_change, MONEY, "sum"))
    cols += [
        Column("net_benefit", t("portfolio.net_benefit"),
               lambda p, s: economics.annual_net_benefit(p, params), MONEY, "sum"),
        Column("payback", t("portfolio.payback"), lambda p, s: payback_cell(p, params, t("portfolio.never"), table),
               "0.0", "ratio"),
        *indicator_columns(case, lang, ("discounted_payback", "npv", "npv_enterprise", "irr"), table),
        Column("cost_per_tce", t("portfolio.cost_per_tce"),
               lambda p, s: _ratio(p.capex, p.metric("energy_saving"), lang), RATIO, "ratio"),
        Column("cost_per_co2", t("portfolio.cost_per_co2"),
               lambda p, s: _ratio(p.capex, p.metric("co2_reduction"), lang), RATIO, "ratio"),
        *indicator_columns(case, lang, ("lcse", "abatement_cost"), table),
        Column("contribution", t("portfolio.contribution", unit=contribution_unit(case, objective, lang)),
               None, RATIO),
    ]
    return cols


def shows_enterprise_npv(case) -> bool:
    """The enterprise's NPV differs from the NPV only for subsidised projects."""
    return any(p.subsidy_rate > 0 for p in case.projects)


def indicator_columns(case, lang: str, keys, table: IndicatorTable | None = None) -> list[Column]:
    """The per-project economic indicators of :mod:`retrofit_opt.economics`, shared by the
    Portfolio and Not selected sheets (those that depend on neither plan nor start year
    read from ``table``, :mod:`retrofit_opt.indicators`).  An undefined indicator
    (``None``) is a blank cell; :func:`indicator_notes` explains the blanks.  NPVs are sums
    (a totals formula), the other indicators are not additive and get no total."""
    params = case.parameters
    table = IndicatorTable(case) if table is None else table
    t = lambda key: L.label(key, lang)  # noqa: E731
    spec = {
        "discounted_payback": (lambda p, s: table.get("discounted_payback", p), PAYBACK, ""),
        "npv": (lambda p, s: table.npv(p, s), MONEY, "sum"),
        "npv_enterprise": (lambda p, s: table.npv_enterprise(p, s), MONEY, "sum"),
        "irr": (lambda p, s: table.get("irr", p), PERCENT, ""),
        "lcse": (lambda p, s: table.get("lcse", p), PER_TONNE, ""),
        "abatement_cost": (lambda p, s: table.get("abatement_cost", p), PER_TONNE, ""),
    }
    cols = []
    for key in keys:
        if key == "npv_enterprise" and not shows_enterprise_npv(case):
            continue
        value, fmt, total = spec[key]
        cols.append(Column(key, t(f"portfolio.{key}"), value, fmt, total))
    return cols


def indicator_notes(case, lang: str, table: IndicatorTable | None = None) -> list[str]:
    """How the indicators are defined, and what a blank cell means."""
    table = IndicatorTable(case) if table is None else table
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    notes = [t("portfolio.note_indicators"), t("portfolio.note_blanks")]
    if shows_enterprise_npv(case):
        notes.append(t("portfolio.note_enterprise"))
    if case.award_rules:
        notes.append(t("portfolio.note_award"))
    contradicting = [p.id for p in case.projects if table.get("npv_contradicts_flows", p)]
    if contradicting:
        notes.append(t("portfolio.note_npv_given", ids=", ".join(contradicting[:10])
                       + (" …" if len(contradicting) > 10 else "")))
    return notes


def payback_cell(project, params, never: str, table: IndicatorTable | None = None):
    """The simple payback, ``never`` when the project never pays back, or a blank cell
    (``None``) when a given npv contradicts the cash flows (see the npv note)."""
    if table is None:
        if economics.given_npv_contradicts_flows(project, params):
            return None
        return _or_text(economics.simple_payback(project, params), never)
    if table.get("npv_contradicts_flows", project):
        return None
    return _or_text(table.get("simple_payback", project), never)


def _or_text(value, text):
    return text if value is None else value


def _ratio(numerator: float, denominator: float, lang: str):
    return numerator / denominator if denominator > 0 else L.label("portfolio.na", lang)


def write_portfolio(w: SheetWriter, result, lang: str) -> None:
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    table = indicator_table(result)
    cols = columns(result, lang, table)
    index = {c.key: i + 1 for i, c in enumerate(cols)}
    letter = {c.key: get_column_letter(i + 1) for i, c in enumerate(cols)}
    w.header(1, 1, [c.header for c in cols])
    lines = ranked(result)
    formats = [c.fmt for c in cols]
    na = t("portfolio.na")
    table_rows = []
    for rank, line in enumerate(lines, start=1):
        values = []
        for c in cols:
            if c.key == "rank":
                values.append(rank)
            elif c.key == "contribution":
                values.append(line.per_wan if line.per_wan is not None else na)
            else:
                values.append(c.value(line.project, line.start))
        table_rows.append(values)
    w.rows(FIRST_ROW, 1, table_rows, formats, blanks=True)  # column i + 1 is cols[i] (``index``)
    row = FIRST_ROW + len(table_rows)
    objective = result.options.get("objective", case.parameters.objective)
    rule = t(f"portfolio.rule.{objective}")
    if not lines:
        w.put(row + 1, 1, t("portfolio.empty"), measure=False)
        w.finish("D2")
        return

    # Overlaps (and, in multi-year cases, capacity not counted at the horizon's end): the
    # difference between the evaluation total and the plain column sum, so that the SUM
    # below equals the net total the targets count.
    year = evaluation_years(case)[0]
    adjust = {}
    for c in cols:
        if c.total == "sum" and c.metric is not None:
            gross = sum(line.project.metric(c.metric) for line in lines)
            diff = total_at(result, c.metric, year) - gross
            if abs(diff) > 1e-9 * max(1.0, abs(gross)):
                adjust[c.key] = diff
    if adjust:
        w.put(row, index["name"], t("portfolio.adjust") if year is None else t("portfolio.adjust_year", year=year),
              measure=False, wrap=True)
        for key, diff in adjust.items():
            w.put(row, index[key], diff, next(c.fmt for c in cols if c.key == key))
        row += 1
    last = row - 1
    total_row = row
    expected = _expected_totals(result, cols, lines, year, table)
    w.put(total_row, index["name"], t("portfolio.total"), font=TOTAL_FONT)
    for c in cols:
        if c.total == "sum":
            w.put(total_row, index[c.key], Formula(f"=SUM({letter[c.key]}{FIRST_ROW}:{letter[c.key]}{last})",
                                                   expected[c.key]), c.fmt, font=TOTAL_FONT)
    ratios = {"payback": ("capex", "net_benefit"), "cost_per_tce": ("capex", "energy_saving"),
              "cost_per_co2": ("capex", "co2_reduction")}
    # the portfolio's payback comes from the cash flows: blank beside given NPVs they contradict
    flows_contradict = any(table.get("npv_contradicts_flows", line.project) for line in lines)
    for key, (num, den) in ratios.items():
        if key == "payback" and flows_contradict:
            continue
        if key in index and num in index and den in index:
            if expected[den] > 0:
                w.put(total_row, index[key], Formula(f"={letter[num]}{total_row}/{letter[den]}{total_row}",
                                                     expected[num] / expected[den]), RATIO if key != "payback"
                      else "0.0", font=TOTAL_FONT)
            else:
                w.put(total_row, index[key], t("portfolio.na" if key != "payback" else "portfolio.never"))
    row = total_row + 2
    rate = f"{case.parameters.discount_rate:.2%}"
    for note in (t("portfolio.note_rank", rule=rule), t("portfolio.note_totals"),
                 t("portfolio.note_npv", rate=rate), t("portfolio.note_payback"), *indicator_notes(case, lang, table)):
        w.note(row, note)
        row += 1
    w.finish("D2")


def _expected_totals(result, cols: list[Column], lines: list[Line], year, table: IndicatorTable) -> dict[str, float]:
    """The tool's own number for each totals cell: evaluation totals where evaluate has them
    (capex, npv, each metric net of overlaps), plain sums of case data otherwise."""
    params = result.case.parameters
    out = {"capex": result.totals["capex"], "npv": result.totals["npv"],
           "annual_cost_saving": math.fsum(ln.project.annual_cost_saving for ln in lines),
           "opex_change": math.fsum(ln.project.opex_change for ln in lines),
           "net_benefit": math.fsum(economics.annual_net_benefit(ln.project, params) for ln in lines),
           "npv_enterprise": math.fsum(table.npv_enterprise(ln.project, ln.start) for ln in lines)}
    for c in cols:
        if c.metric is not None:
            out[c.key] = total_at(result, c.metric, year)
    if result.case.award_rules:
        out["award"] = math.fsum(funding.awards_by_project(result.case, result.plan).values())
    return out
