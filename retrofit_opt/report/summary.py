"""The Summary sheet: status, objective, gap, times; each target; each budget row; the
portfolio's totals; and, for an infeasible case, the diagnosis."""
from __future__ import annotations

from retrofit_opt.report import labels as L
from retrofit_opt.report.common import (budget_name, evaluation_years, objective_unit, pool_name, status_text,
                                        target_text, total_at, yes_no)
from retrofit_opt.report.writer import (GAP, MONEY, PERCENT, SECONDS, SECTION_FONT, SIGNED_PERCENT_NUMBER,
                                        TITLE_FONT, YEAR, SheetWriter, number_format)


def write_summary(w: SheetWriter, result, lang: str) -> None:
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(1, 1, t("summary.title"), font=TITLE_FONT, measure=False)
    row = 3

    # --- solution
    w.put(row, 1, t("summary.solution"), font=SECTION_FONT, measure=False)
    row += 1
    w.header(row, 1, [t("summary.item"), t("summary.value"), t("summary.unit")])
    row += 1
    objective = result.options.get("objective", case.parameters.objective)
    unit = objective_unit(case, objective, lang)
    value_format = number_format(unit) if unit in ("万元", "tce/yr", "t/yr") else "#,##0.00"
    items = [
        ("summary.case", case.source_name or "", None, ""),
        ("summary.status", status_text(result, lang), None, ""),
        ("summary.termination", result.termination, None, ""),
        ("summary.objective", f"{objective}: {t('objective.' + objective)}", None, ""),
        ("summary.objective_value", result.objective, value_format, unit),
        ("summary.bound", result.bound, value_format, unit),
        ("summary.gap", result.gap if result.gap is not None else "—", GAP, ""),
        ("summary.solve_time", result.timings.get("solve"), SECONDS, "s"),
        ("summary.total_time", result.timings.get("total"), SECONDS, "s"),
        ("summary.chosen", len(result.plan), "0", ""),
        ("summary.candidates", len(case.projects), "0", ""),
        ("summary.targets_met", yes_no(result.targets_met, lang), None, ""),
    ]
    for key, value, fmt, unit_text in items:
        w.put(row, 1, t(key))
        w.put(row, 2, value if value is not None else "—", fmt)
        w.put(row, 3, unit_text)
        row += 1
    row += 1

    # --- targets
    w.put(row, 1, t("summary.targets"), font=SECTION_FONT, measure=False)
    row += 1
    if not result.target_checks:
        w.put(row, 1, t("summary.no_targets"), measure=False)
        row += 2
    else:
        diagnosed = any(c.best_reachable is not None for c in result.target_checks) or result.diagnosis is not None
        intensity = any(c.kind == "intensity_reduction" for c in result.target_checks)
        headers = [t("summary.target"), t("summary.metric"), t("summary.kind"), t("summary.year"),
                   t("summary.target_value"), t("summary.unit"), t("summary.required"), t("summary.achieved"),
                   t("summary.margin"), t("summary.met")]
        if intensity:
            headers += [t("summary.intensity_change"), t("summary.intensity_reached")]
        if diagnosed:
            headers.append(t("summary.best_reachable"))
        w.header(row, 1, headers)
        row += 1
        for check in result.target_checks:
            metric_unit = case.metric_units.get(check.metric, "")
            fmt = number_format(metric_unit)
            values = [target_text(check, lang), L.metric_name(check.metric, lang), t("kind." + check.kind),
                      check.year if check.year is not None else "—", check.target_value,
                      metric_unit, check.required, check.achieved, check.margin, yes_no(check.met, lang)]
            formats = [None, None, None, YEAR, "#,##0.0##", None, fmt, fmt, fmt, None]
            if intensity:
                values += [check.achieved_intensity_change, intensity_sentence(result, check, lang)]
                formats += [SIGNED_PERCENT_NUMBER, None]
            if diagnosed:
                values.append(check.best_reachable if check.best_reachable is not None else "—")
                formats.append(fmt)
            w.row(row, 1, values, formats)
            row += 1
        row = _intensity_both_ways(w, result, lang, row)  # issue 16
        row += 1

    # --- budgets
    w.put(row, 1, t("summary.budgets"), font=SECTION_FONT, measure=False)
    row += 1
    if not result.budget_uses:
        w.put(row, 1, t("summary.no_budgets"), measure=False)
        row += 2
    else:
        w.header(row, 1, [t("summary.pool"), t("summary.year"), t("summary.limit"), t("summary.used"),
                          t("summary.remaining"), t("summary.share_used"), t("summary.within")])
        row += 1
        for use in result.budget_uses:
            b = use.budget
            share = use.used / b.limit if b.limit > 0 else "—"
            w.row(row, 1, [budget_name(b, lang), b.year if b.year is not None else t("summary.whole_horizon"), b.limit,
                           use.used, b.limit - use.used, share, yes_no(use.ok, lang)],
                  [None, YEAR, MONEY, MONEY, MONEY, PERCENT, None])
            row += 1
        row += 1

    # --- totals
    w.put(row, 1, t("summary.totals"), font=SECTION_FONT, measure=False)
    row += 1
    years = evaluation_years(case)
    year_headers = [t("summary.total_at") if y is None else t("summary.total_in", year=y) for y in years]
    w.header(row, 1, [t("summary.metric"), t("summary.unit"), *year_headers])
    row += 1
    for money in ("capex", "npv"):
        w.row(row, 1, [L.field_name("projects", money, lang), "万元", result.totals.get(money, 0.0)],
              [None, None, MONEY])
        row += 1
    for metric in summary_metrics(result):
        metric_unit = case.metric_units.get(metric, "")
        fmt = number_format(metric_unit)
        w.row(row, 1, [L.metric_name(metric, lang), metric_unit,
                       *[total_at(result, metric, y) for y in years]],
              [None, None, *[fmt] * len(years)])
        row += 1
    row += 1

    # --- diagnosis
    if result.diagnosis is not None:
        row = _write_diagnosis(w, result, lang, row)
    w.finish("A2")


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
        named = next((target_text(c, lang) for c in result.target_checks if c.label == target.label), target.label)
        w.note(row, L.label("intensity.both_ways", lang, target=named, accounted=fmt(ways["energy_accounted"]),
                            gross=fmt(ways["energy_gross"]), co2=fmt(ways["co2"]), base=target.base_year))
        row += 1
    return row


def intensity_sentence(result, check, lang: str) -> str:
    """An intensity target's outcome the way a plan states it: ``−13.1 % vs 2020 (target
    −12.5 %)`` / ``较2020年下降13.1%（目标下降12.5%）``; empty for other targets."""
    change = check.achieved_intensity_change
    if change is None:
        return ""
    base = _base_year(result, check)
    planned = -check.target_value  # the planned change, % (negative: a fall)
    decimals = 1
    while decimals < 3 and (round(change, decimals) <= planned) != check.met:
        decimals += 1  # never let rounding make an unmet target look met, or the reverse
    return L.label("intensity.sentence", lang, reached=_signed_percent(change, f".{decimals}f", lang),
                   base=base if base is not None else L.label("intensity.base_year", lang),
                   target=_signed_percent(planned, "g", lang))


def _signed_percent(value: float, fmt: str, lang: str) -> str:
    text = format(abs(value), fmt)
    if float(text) == 0:
        return L.label("intensity.flat", lang)
    return L.label("intensity.fall" if value < 0 else "intensity.rise", lang, value=text)


def _base_year(result, check):
    """The base year of the intensity target a check was made for (checks follow the
    case's targets in order)."""
    targets = result.case.targets
    if len(targets) == len(result.target_checks):
        target = targets[result.target_checks.index(check)]
    else:
        target = next((t for t in targets if t.label == check.label), None)
    return None if target is None else target.base_year


def summary_metrics(result) -> list[str]:
    """Metrics shown in the totals: energy and CO2 always, any other a project of the case has."""
    case = result.case
    return [m for m in case.metrics
            if m in ("energy_saving", "co2_reduction") or any(p.metric(m) for p in case.projects)]


def _write_diagnosis(w: SheetWriter, result, lang: str, row: int) -> int:
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    d = result.diagnosis
    w.put(row, 1, t("summary.diagnosis"), font=SECTION_FONT, measure=False)
    row += 1
    w.put(row, 1, t("summary.message"))
    w.put(row, 2, diagnosis_message(result, lang), measure=False)
    row += 1
    w.put(row, 1, t("summary.hard_rules"))
    w.put(row, 2, yes_no(d.hard_rules_feasible, lang))
    row += 1
    if d.compromise_plan:
        w.put(row, 1, t("summary.compromise"))
        w.put(row, 2, ", ".join(_plan_text(result.case, d.compromise_plan)))
        row += 1
    row += 1
    by_label = {c.label: c for c in result.target_checks}
    w.header(row, 1, [t("summary.target"), t("summary.unit"), t("summary.achieved"), t("summary.required"),
                      t("summary.best_reachable"), t("summary.extra_target")])
    row += 1
    for label_text in list(dict.fromkeys([*d.best_reachable, *d.extra_budget_per_target])):
        check = by_label.get(label_text)
        metric_unit = result.case.metric_units.get(check.metric, "") if check else ""
        fmt = number_format(metric_unit)
        best = d.best_reachable.get(label_text)
        extra = d.extra_budget_per_target.get(label_text, "missing")
        w.row(row, 1, [target_text(check, lang) if check else label_text, metric_unit,
                       check.achieved if check else "—", check.required if check else "—",
                       best if best is not None else t("summary.unknown"),
                       extra if isinstance(extra, (int, float)) else
                       t("summary.never") if extra is None else t("summary.unknown")],
              [None, None, fmt, fmt, fmt, MONEY])
        row += 1
    row += 1
    w.put(row, 1, t("summary.extra_all"), font=SECTION_FONT, measure=False)
    row += 1
    if d.extra_budget is None:
        w.put(row, 1, t("summary.extra_none"), measure=False)
        row += 1
    else:
        w.header(row, 1, [t("summary.extra_row"), t("summary.extra_amount")])
        row += 1
        for name, amount in d.extra_budget.items():
            w.row(row, 1, [name, amount], [None, MONEY])
            row += 1
    return row + 1


def diagnosis_message(result, lang: str) -> str:
    """The diagnosis in the report's language (English: the diagnosis' own message)."""
    d = result.diagnosis
    if lang == "en" and d.message:
        return d.message
    parts = []
    if not d.hard_rules_feasible:
        parts.append(L.label("summary.diag_hard", lang))
    by_label = {c.label: c for c in result.target_checks}
    for name, value in d.best_reachable.items():
        if value is not None:
            check = by_label.get(name)
            parts.append(L.label("summary.diag_target_unreachable", lang,
                                 target=target_text(check, lang) if check else name, value=f"{value:,.6g}"))
    if d.extra_budget is None:
        parts.append(L.label("summary.diag_none", lang))
    else:
        needed = {k: v for k, v in d.extra_budget.items() if v > 1e-6}
        if needed:
            parts.append(L.label("summary.diag_extra", lang, amounts="，".join(
                f"{k} +{v:,.2f} 万元" for k, v in needed.items()) if lang == "zh" else ", ".join(
                f"{k} +{v:,.2f} 万元" for k, v in needed.items())))
    return ("；" if lang == "zh" else "; ").join(parts)


def _plan_text(case, plan: dict) -> list[str]:
    """Project ids of a plan in input order, with start years in multi-year cases."""
    return [p.id if plan[p.id] is None else f"{p.id} ({plan[p.id]})" for p in case.projects if p.id in plan]
