"""The Summary sheet (概要): a one-page executive summary for park leadership.

From the top: a headline sentence (how many projects, how much, what they save, whether
every target is met); the solution's quality in plain words; the objective; where the
portfolio's NPV is negative, which projects carry it; the key figures in the units
leadership reads (亿元, 万吨标准煤 …) with the exact figure beside; each target achieved
against required; each budget row used against its limit; for an infeasible case, the
diagnosis; and two charts (targets, budgets) below the tables, whose numbers sit on the
hidden chart-data sheet.  Solver details (termination, bound, times) are on Run info.
"""
from __future__ import annotations

from openpyxl.styles import Font, PatternFill

from retrofit_opt.indicators import indicator_table
from retrofit_opt.report import charts
from retrofit_opt.report import labels as L
from retrofit_opt.report.common import (budget_name, budget_uses_of, evaluation_years, leadership_figure, objective_of,
                                        percent_text, plain_decimal, pool_name, target_checks_of, target_text,
                                        total_at, unit_text, yes_no)
from retrofit_opt.report.writer import (MONEY, PERCENT, SECTION_FONT, TITLE_FONT, YEAR,
                                        SheetWriter, number_format)

HEADLINE_FONT = Font(bold=True, size=13, color="1F3864")
QUALITY_FONT = Font(size=11, color="1F3864")
MET_FILL = PatternFill("solid", fgColor="C6EFCE")  # Excel's "good" green
UNMET_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's "bad" red
SPAN = 9  # columns the sentences at the top span
LEADER_FORMAT = "#,##0.00"
CHART_ROWS = 18
INTENSITY_FORMAT = "0.0000"
# The change against the base year to two decimals (one more than a plan's 12.5 %): a
# 0.05-point margin must not read as 0.1 (issue 13).
INTENSITY_CHANGE = '+0.00" %";"−"0.00" %";0.00" %"'


def write_summary(w: SheetWriter, result, lang: str, chart_data=None) -> None:
    """The executive summary; ``chart_data`` (a :class:`charts.ChartData`) holds the
    charts' numbers on the hidden sheet (no charts without it)."""
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(1, 1, t("summary.title_case", case=case.source_name) if case.source_name else t("summary.title"),
          font=TITLE_FONT, measure=False)
    row = 2
    w.line(row, headline(result, lang), font=HEADLINE_FONT, span=SPAN)
    row += 1
    w.line(row, t("summary.quality_line", quality=quality_text(result, lang)), font=QUALITY_FONT, span=SPAN)
    row += 1
    objective = objective_of(result)
    w.line(row, t("summary.objective_line", objective=t("objective." + objective)), span=SPAN)
    row += 1
    npv_line = negative_npv_line(result, lang)
    if npv_line:
        w.line(row, npv_line, span=SPAN)
        row += 1
    row += 1
    row = _write_key_figures(w, result, lang, row)
    target_rows = None
    row, target_rows = _write_targets(w, result, lang, row)
    row, budget_rows = _write_budgets(w, result, lang, row)
    if result.diagnosis is not None:
        row = _write_diagnosis(w, result, lang, row)
    w.finish("A2")
    if chart_data is not None:
        _add_charts(w, result, lang, chart_data, row, target_rows, budget_rows)


# ----------------------------------------------------------------------------- sentences
def headline(result, lang: str) -> str:
    """建议实施21个项目，总投资20.80亿元，形成年节能能力4.67万吨标准煤，5项目标全部完成."""
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    case = result.case
    if result.status not in ("optimal", "feasible"):
        return t("summary.headline_none" if result.status == "infeasible" else "summary.headline_timeout")
    capex, money_unit = leadership_figure(result.totals.get("capex", 0.0), "万元", lang)
    year = evaluation_years(case)[0]
    energy_unit = case.metric_units.get("energy_saving", "tce/yr")
    energy, energy_label = leadership_figure(total_at(result, "energy_saving", year), energy_unit, lang)
    checks = target_checks_of(result)
    unmet = [c for c in checks if not c.met]
    if not checks:
        targets = t("summary.headline_no_targets")
    elif not unmet:
        targets = t("summary.headline_all_met", n=len(checks))
    else:
        targets = t("summary.headline_unmet", n=len(checks), k=len(unmet),
                    names=t("summary.list_sep").join(L.metric_name(c.metric, lang) for c in unmet))
    if lang == "zh":
        energy_label = energy_label.removesuffix("/年")
    total_capex = result.totals.get("capex", 0.0)
    if abs(total_capex) < 1e4:  # under 1 亿元: in 万元, as a plan writes a small sum
        capex, money_unit = total_capex, L.unit_text("万元", lang)
    scaled = energy_label != L.unit_text(energy_unit, lang).removesuffix("/年" if lang == "zh" else "")
    return t("summary.headline", n=len(result.plan), capex=plain_decimal(capex, 2 if abs(total_capex) >= 1e4 else 0),
             money=money_unit, energy=plain_decimal(energy, 2 if scaled else 0), energy_unit=energy_label,
             targets=targets)


def quality_text(result, lang: str) -> str:
    """已证明最优 / 可行方案，与最优的差距不超过 0.01% / the status for no plan."""
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    if result.status == "optimal" and (result.gap is None or result.gap <= 1e-9):
        return t("quality.proven")
    if result.status in ("optimal", "feasible"):
        if result.gap is None:
            return t("quality.unproven")
        return t("quality.within", gap=percent_text(result.gap))
    return t(f"status.{result.status}") if L.label_exists(f"status.{result.status}") else result.status


def negative_npv_line(result, lang: str) -> str:
    """Where the portfolio's NPV is negative: which chosen projects carry it, and how many
    of them have no cash return at all (environmental works)."""
    npv = result.totals.get("npv")
    if npv is None or npv >= 0 or not result.plan:
        return ""
    case = result.case
    table = indicator_table(result)
    values = [(table.npv(case.project(pid), start), case.project(pid)) for pid, start in result.plan.items()]
    negative = sorted(((v, p) for v, p in values if v < 0), key=lambda pair: pair[0])
    if not negative:
        return ""
    money = lambda v: ("{}{}" if lang == "zh" else "{} {}").format(*_money_pair(v, lang))  # noqa: E731
    top = negative[:3]
    names = L.label("summary.list_sep", lang).join(
        L.label("summary.npv_project", lang, id=p.id, name=p.name, npv=money(v)) for v, p in top)
    no_cash = sum(1 for _, p in negative if p.annual_cost_saving <= 0)
    text = L.label("summary.npv_negative", lang, npv=money(npv), k=len(negative), n=len(result.plan),
                   sum=money(sum(v for v, _ in negative)), projects=names)
    if no_cash:
        text += L.label("summary.npv_no_cash", lang, k=no_cash)
    return text


def _money_pair(value: float, lang: str) -> tuple[str, str]:
    shown, unit = leadership_figure(value, "万元", lang)
    return plain_decimal(shown, 2), unit


# ------------------------------------------------------------------------------- tables
def _section(w: SheetWriter, row: int, title: str) -> int:
    w.put(row, 1, title, font=SECTION_FONT, measure=False)
    return row + 1


def key_figures(result, lang: str) -> list[tuple[str, float, str, float, str, str]]:
    """(label, leadership value, its unit, exact value, canonical unit shown, number format)."""
    case = result.case
    rows = []
    year = evaluation_years(case)[0]
    for money in ("capex", "npv"):
        value = result.totals.get(money, 0.0)
        lead, unit = leadership_figure(value, "万元", lang)
        rows.append((L.field_name("projects", money, lang), lead, unit, value, "万元", MONEY))
    subsidy = sum(case.project(pid).capex * case.project(pid).subsidy_rate for pid in result.plan)
    if subsidy > 0:
        lead, unit = leadership_figure(subsidy, "万元", lang)
        rows.append((L.label("summary.subsidy", lang), lead, unit, subsidy, "万元", MONEY))
    if case.award_rules:  # issue 16: the awards of the subsidy_rules sheet, beside the subsidy
        from retrofit_opt import funding
        awards = sum(funding.awards_by_project(case, result.plan).values())
        lead, unit = leadership_figure(awards, "万元", lang)
        rows.append((L.label("summary.awards", lang), lead, unit, awards, "万元", MONEY))
    for metric in summary_metrics(result):
        metric_unit = case.metric_units.get(metric, "")
        value = total_at(result, metric, year)
        lead, unit = leadership_figure(value, metric_unit, lang)
        rows.append((L.metric_name(metric, lang), lead, unit, value, unit_text(metric_unit, lang),
                     number_format(metric_unit)))
    return rows


def _write_key_figures(w: SheetWriter, result, lang: str, row: int) -> int:
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    case = result.case
    year = evaluation_years(case)[0]
    title = t("summary.key_figures") if year is None else t("summary.key_figures_year", year=year)
    row = _section(w, row, title)
    w.header(row, 1, [t("summary.item"), t("summary.value"), t("summary.unit"), t("summary.exact"),
                      t("summary.exact_unit")])
    row += 1
    w.row(row, 1, [t("summary.chosen"), len(result.plan), t("summary.count_unit"), len(case.projects),
                   t("summary.candidates_unit")], [None, "0", None, "0", None])
    row += 1
    for label, lead, unit, exact, exact_unit, fmt in key_figures(result, lang):
        w.row(row, 1, [label, lead, unit, exact, exact_unit], [None, LEADER_FORMAT, None, fmt, None])
        row += 1
    return row + 1


def _write_targets(w: SheetWriter, result, lang: str, row: int):
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    case = result.case
    checks = target_checks_of(result)
    row = _section(w, row, t("summary.targets"))
    if not checks:
        w.put(row, 1, t("summary.no_targets"), measure=False)
        return row + 2, None
    diagnosed = any(c.best_reachable is not None for c in checks) or result.diagnosis is not None
    intensity = any(c.kind == "intensity_reduction" for c in checks)
    headers = [t("summary.target"), t("summary.unit"), t("summary.required"), t("summary.achieved"),
               t("summary.margin"), t("summary.completion"), t("summary.met")]
    if intensity:
        headers += [t("summary.intensity_change"), t("summary.intensity_reached"), t("summary.base_intensity"),
                    t("summary.plan_intensity")]
    if diagnosed:
        headers.append(t("summary.best_reachable"))
    w.header(row, 1, headers)
    row += 1
    first = row
    for check in checks:
        metric_unit = case.metric_units.get(check.metric, "")
        fmt = number_format(metric_unit)
        values = [target_text(check, lang, result.case), unit_text(metric_unit, lang), check.required,
                  check.achieved, check.margin, completion(check), yes_no(check.met, lang)]
        formats = [None, None, fmt, fmt, fmt, PERCENT, None]
        if intensity:
            base, plan = intensity_values(result, check)
            values += [check.achieved_intensity_change, intensity_sentence(result, check, lang), base, plan]
            formats += [INTENSITY_CHANGE, None, INTENSITY_FORMAT, INTENSITY_FORMAT]
        if diagnosed:
            values.append(check.best_reachable if check.best_reachable is not None else "—")
            formats.append(fmt)
        w.row(row, 1, values, formats)
        w.ws.cell(row=row, column=7).fill = MET_FILL if check.met else UNMET_FILL
        row += 1
    last = row - 1
    if intensity:
        w.note(row + 1, t("summary.note_intensity"))
        row += 2
    row = _intensity_both_ways(w, result, lang, row)  # issue 16
    return row + 1, (first, last)


def _intensity_both_ways(w, result, lang: str, row: int) -> int:
    """Under the targets: each energy-intensity target that deducts feedstock, renewables or
    certificates, stated both ways (as the target counts it, and on the energy consumption
    as given), with the CO2 intensity over the same years."""
    from retrofit_opt import evaluate
    case = result.case
    for target in case.targets:
        if not evaluate.accounting_applies(case, target) or result.status not in ("optimal", "feasible"):
            continue
        ways = evaluate.intensity_both_ways(case, result.plan, target)
        fmt = lambda v: "—" if v is None else _signed_percent(v, ".2f", lang)  # noqa: E731
        named = next((target_text(c, lang, case) for c in result.target_checks if c.label == target.label),
                     target.label)
        co2 = (L.label("intensity.co2_missing", lang) if ways["co2"] is None
               else L.label("intensity.co2_clause", lang, co2=fmt(ways["co2"])))
        w.note(row, L.label("intensity.both_ways", lang, target=named, accounted=fmt(ways["energy_accounted"]),
                            gross=fmt(ways["energy_gross"]), co2=co2, base=target.base_year,
                            deductions=deductions_text(case, target, lang)))
        row += 1
    return row


def deductions_text(case, target, lang: str) -> str:
    """The deductions an energy-intensity target makes, as the baseline gives them:
    原料用能、新增可再生能源、绿证 (only those with a figure in the base or target year)."""
    year = target.year if target.year is not None else case.parameters.end_year
    rows = [case.baseline[y] for y in (target.base_year, year) if y in case.baseline]
    kinds = [kind for kind in ("feedstock_energy", "renewable_energy", "certificate_energy")
             if any(getattr(r, kind) for r in rows)]
    return L.label("summary.list_sep", lang).join(L.label(f"intensity.deduct.{kind}", lang) for kind in kinds)


def completion(check) -> float | str:
    """Achieved as a share of required (a cap: the share of the cap used)."""
    if check.required <= 0:
        return "—"
    return check.achieved / check.required


def _write_budgets(w: SheetWriter, result, lang: str, row: int):
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    uses = budget_uses_of(result)
    row = _section(w, row, t("summary.budgets"))
    if not uses:
        w.put(row, 1, t("summary.no_budgets"), measure=False)
        return row + 2, None
    w.header(row, 1, [t("summary.pool"), t("summary.year"), t("summary.limit"), t("summary.used"),
                      t("summary.remaining"), t("summary.share_used"), t("summary.within")])
    row += 1
    first = row
    for use in uses:
        b = use.budget
        share = use.used / b.limit if b.limit > 0 else "—"
        w.row(row, 1, [budget_name(b, lang), b.year if b.year is not None else t("summary.whole_horizon"),
                       b.limit, use.used, b.limit - use.used, share, yes_no(use.ok, lang)],
              [None, YEAR, MONEY, MONEY, MONEY, PERCENT, None])
        w.ws.cell(row=row, column=7).fill = MET_FILL if use.ok else UNMET_FILL
        row += 1
    return row + 1, (first, row - 1)


# ------------------------------------------------------------------------------ intensity
def _target_of(result, check):
    """The case target a check was made for (checks follow the case's targets in order)."""
    targets = result.case.targets
    checks = target_checks_of(result)
    if len(targets) == len(checks):
        return targets[checks.index(check)]
    return next((t for t in targets if t.label == check.label), None)


def _base_year(result, check):
    target = _target_of(result, check)
    return None if target is None else target.base_year


def intensity_values(result, check) -> tuple[float | str, float | str]:
    """(base-year intensity, target-year intensity with the plan) per 万元 of value added:
    tce/万元 for energy, m³/万元 for water; "—" for other targets."""
    from retrofit_opt.evaluate import BASELINE_COLUMN
    target = _target_of(result, check)
    case = result.case
    if check.kind != "intensity_reduction" or target is None or target.base_year not in case.baseline:
        return "—", "—"
    column = BASELINE_COLUMN[target.metric]
    year = target.year if target.year is not None else case.parameters.end_year
    base, then = case.baseline[target.base_year], case.baseline.get(year)
    if then is None or not base.value_added or not then.value_added:
        return "—", "—"
    return (getattr(base, column) / base.value_added,
            (getattr(then, column) - check.achieved) / then.value_added)


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def intensity_sentence(result, check, lang: str) -> str:
    """An intensity target's outcome the way a plan states it, to one more decimal than
    the target: ``−12.55 % vs 2020 (target −12.5 %)`` / ``较2020年下降12.55%（目标下降12.5%）``;
    empty for other targets."""
    change = check.achieved_intensity_change
    if change is None:
        return ""
    base = _base_year(result, check)
    planned = -check.target_value  # the planned change, % (negative: a fall)
    decimals = _decimals(check.target_value) + 1
    while decimals < 4 and (round(change, decimals) <= planned) != check.met:
        decimals += 1  # never let rounding make an unmet target look met, or the reverse
    return L.label("intensity.sentence", lang, reached=_signed_percent(change, f".{decimals}f", lang),
                   base=base if base is not None else L.label("intensity.base_year", lang),
                   target=_signed_percent(planned, "g", lang))


def _signed_percent(value: float, fmt: str, lang: str) -> str:
    text = format(abs(value), fmt)
    if float(text) == 0:
        return L.label("intensity.flat", lang)
    return L.label("intensity.fall" if value < 0 else "intensity.rise", lang, value=text)


def summary_metrics(result) -> list[str]:
    """Metrics shown in the key figures: energy and CO2 always, any other a project of the case has."""
    case = result.case
    return [m for m in case.metrics
            if m in ("energy_saving", "co2_reduction") or m in case.metrics_in_use()]


# ------------------------------------------------------------------------------ diagnosis
def _write_diagnosis(w: SheetWriter, result, lang: str, row: int) -> int:
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    d = result.diagnosis
    row = _section(w, row, t("summary.diagnosis"))
    w.put(row, 1, t("summary.message"))
    w.line(row, diagnosis_message(result, lang), col=2, span=SPAN - 1)
    row += 1
    w.put(row, 1, t("summary.hard_rules"))
    w.put(row, 2, yes_no(d.hard_rules_feasible, lang))
    row += 1
    if d.compromise_plan:
        w.put(row, 1, t("summary.compromise"))
        w.put(row, 2, ", ".join(_plan_text(result.case, d.compromise_plan)))
        row += 1
    row += 1
    by_label = {c.label: c for c in target_checks_of(result)}
    w.header(row, 1, [t("summary.target"), t("summary.unit"), t("summary.achieved"), t("summary.required"),
                      t("summary.best_reachable"), t("summary.extra_target")])
    row += 1
    for label_text in list(dict.fromkeys([*d.best_reachable, *d.extra_budget_per_target])):
        check = by_label.get(label_text)
        metric_unit = result.case.metric_units.get(check.metric, "") if check else ""
        fmt = number_format(metric_unit)
        best = d.best_reachable.get(label_text)
        extra = d.extra_budget_per_target.get(label_text, "missing")
        w.row(row, 1, [target_text(check, lang, result.case) if check else label_text,
                       unit_text(metric_unit, lang), check.achieved if check else "—",
                       check.required if check else "—",
                       best if best is not None else t("summary.unknown"),
                       extra if isinstance(extra, (int, float)) else
                       t("summary.never") if extra is None else t("summary.unknown")],
              [None, None, fmt, fmt, fmt, MONEY])
        row += 1
    row += 1
    row = _section(w, row, t("summary.extra_all"))
    if d.extra_budget is None:
        w.put(row, 1, t("summary.extra_none"), measure=False)
        row += 1
    else:
        w.header(row, 1, [t("summary.extra_row"), t("summary.extra_amount")])
        row += 1
        for name, amount in d.extra_budget.items():
            w.row(row, 1, [budget_row_text(name, lang), amount], [None, MONEY])
            row += 1
    return row + 1


def budget_row_text(name: str, lang: str) -> str:
    """A diagnosis' budget row label (``total``, ``subsidy 2023``, ``节能资金``) in the
    report's language: the special pools translated, a year kept."""
    pool, _, year = name.rpartition(" ")
    if pool and year.isdigit():
        return f"{pool_name(pool, lang)} {year}" if lang != "zh" else f"{pool_name(pool, lang)}（{year}年）"
    return pool_name(name, lang)


def diagnosis_message(result, lang: str, diagnosis=None, checks=None) -> str:
    """The diagnosis in the report's language, rebuilt from its structured fields."""
    d = diagnosis if diagnosis is not None else result.diagnosis
    checks = checks if checks is not None else target_checks_of(result)
    parts = []
    if not d.hard_rules_feasible:
        parts.append(L.label("summary.diag_hard", lang))
    by_label = {c.label: c for c in checks}
    for name, value in d.best_reachable.items():
        if value is not None:
            check = by_label.get(name)
            unit = unit_text(result.case.metric_units.get(check.metric, ""), lang) if check else ""
            parts.append(L.label("summary.diag_target_unreachable", lang,
                                 target=target_text(check, lang, result.case) if check else name,
                                 value=f"{value:,.2f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")))
    if d.extra_budget is None:
        parts.append(L.label("summary.diag_none", lang))
    else:
        needed = {k: v for k, v in d.extra_budget.items() if v > 1e-6}
        if needed:
            sep = "，" if lang == "zh" else ", "
            parts.append(L.label("summary.diag_extra", lang, amounts=sep.join(
                f"{budget_row_text(k, lang)} +{v:,.2f} 万元" for k, v in needed.items())))
    return ("；" if lang == "zh" else "; ").join(parts)


GROUP_CHARS = 4  # a group's name in a chart label: its first characters (the table gives it whole)


def chart_budget_name(budget, lang: str) -> str:
    """A budget row as a chart's category label: the pool, and a group cap's group — in a
    Chinese report cut to GROUP_CHARS characters (节能改造资金（黄河鑫业…）), so that the
    rotated labels leave the plot its height (the table above names the row in full); an
    English report cites the input's name whole (a cut Chinese name is no name)."""
    if budget.group is None:
        return pool_name(budget.pool, lang)
    value = budget.group[1]
    if lang != "zh":
        return f"{pool_name(budget.pool, lang)} ({value})"
    short = value if len(value) <= GROUP_CHARS + 1 else value[:GROUP_CHARS] + "…"
    return f"{pool_name(budget.pool, lang)}（{short}）"


def _plan_text(case, plan: dict) -> list[str]:
    """Project ids of a plan in input order, with start years in multi-year cases."""
    return [p.id if plan[p.id] is None else f"{p.id} ({plan[p.id]})" for p in case.projects if p.id in plan]


# --------------------------------------------------------------------------------- charts
def _add_charts(w: SheetWriter, result, lang: str, data, row: int, target_rows, budget_rows) -> None:
    """Targets achieved against required (% of required), budgets used against their limit
    (% of the limit), side by side below the tables; the numbers are on the hidden
    chart-data sheet."""
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    anchor = row + 1
    checks = target_checks_of(result)
    if checks:
        names = [L.metric_name(c.metric, lang) + (f" {c.year}" if c.year is not None and result.case.multi_year
                                                   else "") for c in checks]
        achieved = [round(100 * c.achieved / c.required, 1) if c.required > 0 else 0.0 for c in checks]
        refs = data.table(t("summary.chart_targets"), [t("summary.chart_category"), t("summary.series_achieved"),
                                                       t("summary.series_required")],
                          [[n, a, 100.0] for n, a in zip(names, achieved)])
        charts.bar_chart(w.ws, f"A{anchor}", t("summary.chart_targets"), "", t("summary.axis_percent"),
                         refs[0], refs[1:], number_format="0", colours=("2E7D32", "BDBDBD"), width=12.5)
    uses = [u for u in budget_uses_of(result) if u.budget.year is None and u.budget.limit > 0] or \
        [u for u in budget_uses_of(result) if u.budget.limit > 0]
    if uses:
        # each row by its full name (a group cap is told from its pool) and as a share of its
        # limit: pools of 2,500 and 208,400 万元 side by side stay readable (the 万元 are in the table)
        names = [chart_budget_name(u.budget, lang) + (f" {u.budget.year}" if u.budget.year is not None else "")
                 for u in uses]
        refs = data.table(t("summary.chart_budgets"), [t("summary.chart_category"), t("summary.series_used"),
                                                       t("summary.series_limit")],
                          [[n, round(100 * u.used / u.budget.limit, 1), 100.0] for n, u in zip(names, uses)])
        charts.bar_chart(w.ws, f"{'F' if checks else 'A'}{anchor}", t("summary.chart_budgets"), "",
                         t("summary.axis_budget_percent"), refs[0], refs[1:], number_format="0",
                         colours=("1F77B4", "BDBDBD"), width=12.5)
