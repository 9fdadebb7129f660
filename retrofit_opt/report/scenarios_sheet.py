"""The Scenarios and Scenario matrix sheets of ``retrofit-opt compare``.

``runs`` is the list :func:`retrofit_opt.studies.compare.compare_scenarios` returns: one object per
scenario with ``.scenario`` (name, description, overrides) and ``.result`` (a solved
:class:`retrofit_opt.results.Result`), the base case first.  Every number comes from the
results' own evaluation (budget uses, target checks, totals).
"""
from __future__ import annotations

from openpyxl.styles import PatternFill

from retrofit_opt.report import labels as L
from retrofit_opt.report.charts import bars, reference
from retrofit_opt.report.common import objective_unit, status_text, yes_no
from retrofit_opt.report.writer import (GAP, INTEGER, MONEY, NOTE_FONT, TITLE_FONT, YEAR, SheetWriter,
                                        number_format)

CHOSEN_FILL = PatternFill("solid", fgColor="C6EFCE")
_SIGN = {"min_total": "≥", "max_total": "≤", "intensity_reduction": "−%"}


def budget_label(pool: str, year, lang: str) -> str:
    when = L.label("scenarios.horizon", lang) if year is None else (f"{year}年" if lang == "zh" else str(year))
    from retrofit_opt.report.common import pool_name
    return f"{pool_name(pool, lang)}（{when}）" if lang == "zh" else f"{pool_name(pool, lang)} ({when})"


def target_key(check) -> tuple:
    return (check.metric, check.kind, check.year)


def target_label(key: tuple, lang: str) -> str:
    metric, kind, year = key
    when = "" if year is None else (f"（{year}年）" if lang == "zh" else f" in {year}")
    return f"{L.metric_name(metric, lang)} {_SIGN.get(kind, kind)}{when}"


def overrides_text(scenario, lang: str = "en") -> str:
    """A scenario's overrides, keys in the report's language (budget_scale → 预算系数)."""
    from retrofit_opt.report.run_info import setting_name

    def shown(value):
        return f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)

    def name(key):
        label = f"override.{key}"
        if L.label_exists(label):
            return L.label(label, lang)
        for prefix in ("budget:", "target:"):
            if key.startswith(prefix) and L.label_exists(f"override.{prefix[:-1]}"):
                rest = key[len(prefix):]
                from retrofit_opt.report.common import pool_name
                return L.label(f"override.{prefix[:-1]}", lang, name=pool_name(rest, lang) if prefix == "budget:"
                               else L.metric_name(rest, lang))
        return setting_name(key, lang)
    return ("；" if lang == "zh" else "; ").join(f"{name(key)}={shown(value)}"
                                                for key, value in scenario.overrides.items())


def scenario_name(scenario, index: int, lang: str) -> str:
    """The base case's name in the report's language; other scenarios as the case names them."""
    return L.label("scenarios.base_name", lang) if index == 0 and scenario.name == "base" and lang == "zh" \
        else scenario.name


def _columns(runs):
    """Budget rows and targets over all scenarios, in order of first appearance."""
    budgets, targets = [], []
    for run in runs:
        for use in run.result.budget_uses:
            key = (use.budget.pool, use.budget.year)
            if key not in budgets:
                budgets.append(key)
        for check in run.result.target_checks:
            if target_key(check) not in targets:
                targets.append(target_key(check))
    return budgets, targets


def write_scenarios(w: SheetWriter, runs, lang: str) -> None:
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(1, 1, t("scenarios.title"), font=TITLE_FONT, measure=False)
    w.put(2, 1, t("scenarios.note"), font=NOTE_FONT, measure=False)
    budgets, targets = _columns(runs)
    headers = [t("scenarios.name"), t("scenarios.description"), t("scenarios.overrides"), t("summary.status"),
               t("scenarios.objective_name"), t("scenarios.objective"), t("scenarios.objective_unit"),
               t("summary.gap"), t("summary.chosen"), t("scenarios.capex"), t("summary.targets_met")]
    first_budget = len(headers) + 1
    for pool, year in budgets:
        headers.append(t("scenarios.used", budget=budget_label(pool, year, lang)))
    for pool, year in budgets:
        headers.append(t("scenarios.limit", budget=budget_label(pool, year, lang)))
    for key in targets:
        label = target_label(key, lang)
        headers += [t("scenarios.required", target=label), t("scenarios.achieved", target=label),
                    t("scenarios.met", target=label)]
    headers.append(t("summary.message"))
    head = 4
    w.header(head, 1, headers)
    row = head
    for k, run in enumerate(runs):
        row = head + 1 + k
        result, scenario = run.result, run.scenario
        objective = result.options.get("objective", result.case.parameters.objective)
        unit = objective_unit(result.case, objective, lang)
        description = scenario.description if k else t("scenarios.base_description")
        solved = result.status in ("optimal", "feasible")  # else there is no plan to report on
        values = [scenario_name(scenario, k, lang), description or "", overrides_text(scenario, lang),
                  status_text(result, lang),
                  t("objective." + objective) if lang == "zh" else f"{objective}: {t('objective.' + objective)}", result.objective, unit,
                  result.gap, len(result.plan), result.totals.get("capex", 0.0) if solved else None,
                  yes_no(result.targets_met, lang)]
        formats = [None, None, None, None, None, number_format(unit), None, GAP, INTEGER, MONEY, None]
        uses = {(u.budget.pool, u.budget.year): u for u in result.budget_uses}
        for key in budgets:
            values.append(uses[key].used if key in uses and solved else None)
            formats.append(MONEY)
        for key in budgets:
            values.append(uses[key].budget.limit if key in uses else None)
            formats.append(MONEY)
        checks = {target_key(c): c for c in result.target_checks}
        for key in targets:
            check = checks.get(key)
            fmt = number_format(result.case.metric_units.get(key[0], ""))
            if check is None:
                values += [None, None, None]
            else:
                values += [check.required, check.achieved if solved else None, yes_no(check.met and solved, lang)]
            formats += [fmt, fmt, None]
        from retrofit_opt.report.summary import diagnosis_message
        diagnosis = diagnosis_message(result, lang) if result.diagnosis is not None else None
        values.append(diagnosis)
        formats.append(None)
        w.row(row, 1, values, formats)
    last = row
    w.finish("B5")
    anchor = last + 3
    names = reference(w.ws, 1, head + 1, last)
    bars(w.ws, f"A{anchor}", t("scenarios.chart_objective"), t("scenarios.name"), t("scenarios.objective"),
         names, [reference(w.ws, 6, head, last)])
    if budgets:
        bars(w.ws, f"H{anchor}", t("scenarios.chart_spend"), t("scenarios.name"), "万元", names,
             [reference(w.ws, first_budget + b, head, last) for b in range(len(budgets))])
    else:
        bars(w.ws, f"H{anchor}", t("scenarios.chart_capex"), t("scenarios.name"), "万元", names,
             [reference(w.ws, 10, head, last)])


def write_scenario_matrix(w: SheetWriter, runs, lang: str) -> None:
    """Project × scenario: 1 (multi-year: the start year) when chosen, blank when not."""
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    case = runs[0].result.case
    multi = case.multi_year
    w.put(1, 1, t("matrix.title"), font=TITLE_FONT, measure=False)
    w.put(2, 1, t("matrix.note"), font=NOTE_FONT, measure=False)
    head = 4
    w.header(head, 1, [L.field_name("projects", "id", lang), L.field_name("projects", "name", lang),
                       L.column_header("projects", "capex", lang, "万元")]
             + [scenario_name(run.scenario, k, lang) for k, run in enumerate(runs)] + [t("matrix.count")])
    plans = [run.result.plan for run in runs]
    chosen_format = [YEAR if multi else INTEGER] * len(plans)
    names, marks, counts = [], [], []
    for project in case.projects:
        chosen = [(plan[project.id] if multi and plan[project.id] is not None else 1) if project.id in plan else None
                  for plan in plans]
        names.append([project.id, project.name, project.capex])
        marks.append(chosen)
        counts.append([len(chosen) - chosen.count(None)])
    w.rows(head + 1, 1, names, [None, None, MONEY])
    w.rows(head + 1, 4, marks, chosen_format, fill=CHOSEN_FILL)
    w.rows(head + 1, 4 + len(runs), counts, [INTEGER])
    total = head + 1 + len(case.projects)
    w.put(total, 2, t("matrix.total"))
    for s, run in enumerate(runs):
        w.put(total, 4 + s, len(run.result.plan), INTEGER)
    w.finish(f"D{head + 1}")
