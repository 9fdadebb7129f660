"""Cash flow (现金流): the chosen portfolio's yearly and cumulative cash flow.

Each chosen project pays its capex over its build years by the capex profile, then earns
its yearly cost saving, pays its O&M change and, at the case's carbon price, earns the
value of its CO2 reduction, for ``lifetime`` years (:func:`retrofit_opt.economics.cash_flows`
states the same flows).  The columns add these up per year; discounted at the case's
rate to the horizon's start (single-period cases: to the start of construction), their sum
is the portfolio's NPV, the sum of the projects' NPVs on the Portfolio sheet (a project
whose NPV the input gives is the exception, noted below the table).  A project's salvage
value (残值) comes in with its last benefit year and counts in the net flow, as in its NPV.
The subsidy and the awards of the ``subsidy_rules`` sheet (paid in the completion year)
are transfers from a pool to the enterprises: shown, not counted in the NPV.  Reinvested
savings (节能收益再投入, multi-year cases) are the part of a year's net saving, ρ·max(S −
O&M, 0), that raises the next year's budget of the project's pool: part of the cost
saving already counted, shown beside it, never added again.
"""
from __future__ import annotations

import math

from openpyxl.chart import BarChart, LineChart, Reference

from retrofit_opt import economics, funding
from retrofit_opt.indicators import indicator_table
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
    awards = funding.awards_by_project(case, plan) if case.award_rules else {}

    def at(year):
        return years.setdefault(year, {"year": year, "capex": 0.0, "saving": 0.0, "opex": 0.0, "carbon": 0.0,
                                       "salvage": 0.0, "subsidy": 0.0, "award": 0.0, "reinvest": 0.0})

    for pid, start in plan.items():
        p = case.project(pid)
        first = start if start is not None else origin
        for k, share in enumerate(p.capex_shares):
            row = at(first + k)
            row["capex"] += p.capex * share
            row["subsidy"] += p.capex * share * p.subsidy_rate
        at(first + p.build_years - 1)["award"] += awards.get(pid, 0.0)
        carbon = p.metric("co2_reduction") * params.carbon_price / 1e4
        reinvested = p.reinvest_share * max(p.annual_cost_saving - p.opex_change, 0.0) if case.multi_year else 0.0
        for j in range(p.lifetime):
            row = at(first + p.build_years + j)
            row["saving"] += p.annual_cost_saving
            row["opex"] += p.opex_change
            row["carbon"] += carbon
            row["reinvest"] += reinvested
        at(first + p.build_years + p.lifetime - 1)["salvage"] += p.salvage_value
    if not years:
        return []
    out = [at(y) for y in range(min(years), max(years) + 1)]
    rate = params.discount_rate
    cumulative = cumulative_discounted = 0.0
    for row in out:
        row["net"] = -row["capex"] + row["saving"] - row["opex"] + row["carbon"] + row["salvage"]
        row["factor"] = 1.0 / (1.0 + rate) ** (row["year"] - origin)
        row["discounted"] = row["net"] * row["factor"]
        cumulative += row["net"]
        cumulative_discounted += row["discounted"]
        row["cumulative"], row["cumulative_discounted"] = cumulative, cumulative_discounted
    return out


def shown_keys(case, plan) -> list[str]:
    """The sheet's columns: salvage only when a chosen project has one, awards only with
    award rules, reinvested savings only in a multi-year case where a chosen project
    reinvests."""
    chosen = [case.project(pid) for pid in plan]
    keys = ["year", "capex", "saving", "opex", "carbon"]
    if any(p.salvage_value for p in chosen):
        keys.append("salvage")
    keys += ["net", "cumulative", "factor", "discounted", "cumulative_discounted", "subsidy"]
    if case.award_rules:
        keys.append("award")
    if case.multi_year and any(p.reinvest_share for p in chosen):
        keys.append("reinvest")
    return keys


SIGNS = {"capex": -1.0, "opex": -1.0}  # columns shown as outflows
FORMATS = {"year": YEAR, "factor": FACTOR}


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
    keys = shown_keys(case, result.plan)
    w.header(HEADER_ROW, 1, [t("cash.year_calendar" if case.multi_year else "cash.year_offset"),
                             *[t(f"cash.{k}") for k in keys[1:]]])
    row = HEADER_ROW + 1
    for f in flows:
        w.row(row, 1, [SIGNS.get(k, 1.0) * f[k] if k != "year" else f[k] for k in keys],
              [FORMATS.get(k, MONEY) for k in keys])
        row += 1
    first, last = HEADER_ROW + 1, row - 1
    w.put(row, 1, t("portfolio.total"), font=TOTAL_FONT)
    summed = ("capex", "saving", "opex", "carbon", "salvage", "net", "discounted", "subsidy", "award", "reinvest")
    sums = {k: SIGNS.get(k, 1.0) * math.fsum(f[k] for f in flows) for k in summed}
    for col, key in enumerate(keys, start=1):
        if key in sums:
            letter = chr(ord("A") + col - 1)
            w.put(row, col, Formula(f"=SUM({letter}{first}:{letter}{last})", sums[key]), MONEY, font=TOTAL_FONT)
    row += 2
    table = indicator_table(result)
    npv_sum = sum(table.npv(case.project(pid), s) for pid, s in result.plan.items())
    w.note(row, t("cash.note_npv", npv=f"{sums['discounted']:,.2f}", portfolio=f"{npv_sum:,.2f}"))
    row += 1
    given = [pid for pid in result.plan if case.project(pid).npv_given is not None]
    if given:
        w.note(row, t("cash.note_given", ids=", ".join(given)))
        row += 1
    for key in ("salvage", "award", "reinvest"):
        if key in keys:
            w.note(row, t(f"cash.note_{key}"))
            row += 1
    w.finish(f"B{HEADER_ROW + 1}")
    _chart(w, flows, lang, first, last, row + 1, keys.index("net") + 1, keys.index("cumulative") + 1)


def nice_floor(value: float) -> float:
    """A round number at or below ``value`` (0 for a value ≥ 0): −80,976 → −100,000."""
    if value >= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(-value))
    return -math.ceil(-value / magnitude) * magnitude


def _chart(w: SheetWriter, flows, lang: str, first: int, last: int, anchor: int, net_col: int,
           cumulative_col: int) -> None:
    """Yearly net cash flow as columns, cumulative net cash flow as a straight line (万元)."""
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    ws = w.ws
    bars = BarChart()
    bars.type = "col"
    bars.title = t("cash.chart")
    bars.y_axis.title = t("cash.axis")
    bars.x_axis.title = t("cash.year_calendar" if len(str(flows[0]["year"])) == 4 else "cash.year_offset")
    bars.add_data(Reference(ws, min_col=net_col, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    line = LineChart()
    line.add_data(Reference(ws, min_col=cumulative_col, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
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
