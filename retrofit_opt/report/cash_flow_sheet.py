"""Cash flow (现金流): the chosen portfolio's yearly and cumulative cash flow.

Each chosen project pays its capex over its build years by the capex profile, then earns
its yearly cost saving, pays its O&M change and, at the case's carbon price, earns the
value of its CO2 reduction, for ``lifetime`` years (:func:`retrofit_opt.economics.cash_flows`
states the same flows).  The columns add these up per year; discounted at the case's
rate to the horizon's start (single-period cases: to the start of construction), their sum
is the portfolio's NPV, the sum of the projects' NPVs on the Portfolio sheet (a project
whose NPV the input gives is the exception, noted below the table).  The subsidy is a
transfer from the subsidy pool to the enterprises: shown, not counted in the NPV.
"""
from __future__ import annotations

import math

from openpyxl.chart import BarChart, LineChart, Reference

from retrofit_opt import economics
from retrofit_opt.report import labels as L
from retrofit_opt.report.writer import MONEY, TITLE_FONT, TOTAL_FONT, YEAR, Formula, SheetWriter

HEADER_ROW = 4
FACTOR = "0.0000"


def yearly_flows(case, plan) -> list[dict]:
    """One dict per year (calendar year, or year from the start of construction in a
    single-period case): capex, cost saving, O&M change, carbon value, subsidy (万元)."""
    params = case.parameters
    origin = params.start_year if case.multi_year and params.start_year is not None else 0
    years: dict[int, dict] = {}

    def at(year):
        return years.setdefault(year, {"year": year, "capex": 0.0, "saving": 0.0, "opex": 0.0, "carbon": 0.0,
                                       "subsidy": 0.0})

    for pid, start in plan.items():
        p = case.project(pid)
        first = start if start is not None else origin
        for k, share in enumerate(p.capex_shares):
            row = at(first + k)
            row["capex"] += p.capex * share
            row["subsidy"] += p.capex * share * p.subsidy_rate
        carbon = p.metric("co2_reduction") * params.carbon_price / 1e4
        for j in range(p.lifetime):
            row = at(first + p.build_years + j)
            row["saving"] += p.annual_cost_saving
            row["opex"] += p.opex_change
            row["carbon"] += carbon
    if not years:
        return []
    out = [at(y) for y in range(min(years), max(years) + 1)]
    rate = params.discount_rate
    cumulative = cumulative_discounted = 0.0
    for row in out:
        row["net"] = -row["capex"] + row["saving"] - row["opex"] + row["carbon"]
        row["factor"] = 1.0 / (1.0 + rate) ** (row["year"] - origin)
        row["discounted"] = row["net"] * row["factor"]
        cumulative += row["net"]
        cumulative_discounted += row["discounted"]
        row["cumulative"], row["cumulative_discounted"] = cumulative, cumulative_discounted
    return out


def write_cash_flow(w: SheetWriter, result, lang: str) -> None:
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(1, 1, t("cash.title"), font=TITLE_FONT, measure=False)
    flows = yearly_flows(case, result.plan)
    if not flows:
        w.put(3, 1, t("portfolio.empty"), measure=False)
        w.finish(None)
        return
    rate = f"{case.parameters.discount_rate:.2%}"
    w.note(2, t("cash.note_multi" if case.multi_year else "cash.note_single", rate=rate))
    keys = ["year", "capex", "saving", "opex", "carbon", "net", "cumulative", "factor", "discounted",
            "cumulative_discounted", "subsidy"]
    w.header(HEADER_ROW, 1, [t("cash.year_calendar" if case.multi_year else "cash.year_offset"),
                             *[t(f"cash.{k}") for k in keys[1:]]])
    row = HEADER_ROW + 1
    for f in flows:
        values = [f["year"], -f["capex"], f["saving"], -f["opex"], f["carbon"], f["net"], f["cumulative"],
                  f["factor"], f["discounted"], f["cumulative_discounted"], f["subsidy"]]
        w.row(row, 1, values, [YEAR, *[MONEY] * 6, FACTOR, MONEY, MONEY, MONEY])
        row += 1
    first, last = HEADER_ROW + 1, row - 1
    w.put(row, 1, t("portfolio.total"), font=TOTAL_FONT)
    sums = {"capex": -math.fsum(f["capex"] for f in flows), "saving": math.fsum(f["saving"] for f in flows),
            "opex": -math.fsum(f["opex"] for f in flows), "carbon": math.fsum(f["carbon"] for f in flows),
            "net": math.fsum(f["net"] for f in flows), "discounted": math.fsum(f["discounted"] for f in flows),
            "subsidy": math.fsum(f["subsidy"] for f in flows)}
    for col, key in enumerate(keys, start=1):
        if key in sums:
            letter = chr(ord("A") + col - 1)
            w.put(row, col, Formula(f"=SUM({letter}{first}:{letter}{last})", sums[key]), MONEY, font=TOTAL_FONT)
    row += 2
    npv_sum = sum(economics.npv(case.project(pid), case.parameters, s) for pid, s in result.plan.items())
    w.note(row, t("cash.note_npv", npv=f"{sums['discounted']:,.2f}", portfolio=f"{npv_sum:,.2f}"))
    row += 1
    given = [pid for pid in result.plan if case.project(pid).npv_given is not None]
    if given:
        w.note(row, t("cash.note_given", ids=", ".join(given)))
        row += 1
    w.finish(f"B{HEADER_ROW + 1}")
    _chart(w, flows, lang, first, last, row + 1)


def nice_floor(value: float) -> float:
    """A round number at or below ``value`` (0 for a value ≥ 0): −80,976 → −100,000."""
    if value >= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(-value))
    return -math.ceil(-value / magnitude) * magnitude


def _chart(w: SheetWriter, flows, lang: str, first: int, last: int, anchor: int) -> None:
    """Yearly net cash flow as columns, cumulative net cash flow as a straight line (万元)."""
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    ws = w.ws
    bars = BarChart()
    bars.type = "col"
    bars.title = t("cash.chart")
    bars.y_axis.title = t("cash.axis")
    bars.x_axis.title = t("cash.year_calendar" if len(str(flows[0]["year"])) == 4 else "cash.year_offset")
    bars.add_data(Reference(ws, min_col=6, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    line = LineChart()
    line.add_data(Reference(ws, min_col=7, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
    line.series[0].marker.symbol = "circle"
    low = min(min(f["net"] for f in flows), min(f["cumulative"] for f in flows))
    high = max(max(f["net"] for f in flows), max(f["cumulative"] for f in flows), 0.0)
    bars.y_axis.scaling.min = nice_floor(low)
    bars.y_axis.scaling.max = -nice_floor(-high) if high > 0 else 0.0
    line.y_axis = bars.y_axis  # one axis: both series in 万元
    bars += line
    bars.width, bars.height = 22, 10
    bars.y_axis.delete = bars.x_axis.delete = False
    ws.add_chart(bars, f"A{anchor}")
