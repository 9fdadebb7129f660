"""Validate the funding rules of a case (issue 16) and carry them on the case.

* ``budgets``: the optional columns ``enterprise`` / ``sector`` / ``category`` restrict a row
  to one group's projects (at most one of the three per row), e.g. "企业A 自筹 ≤ 5,000 万元/年".
* ``subsidy_rules`` / 补贴规则: one award rule per row (:class:`retrofit_opt.case.AwardRule`).
* ``projects``: ``salvage_value`` / 残值 (万元, received at the end of the lifetime), 0 or more.

Rules (each break is an error with sheet, row, column, the value and a fix): a rule has a
name (unique), a pool other than ``total``, a rate ≥ 0 (at least one above 0), caps ≥ 0; a
scope other than ``all`` names existing categories / sectors / enterprises / project ids;
under a cap per enterprise every entitled project names its enterprise and an enterprise's
entitled projects share one ``budget_pool`` and are all inside or all outside every
grouped budget row (so the capped award needs no split between rows); a project's awards
plus its subsidy share never exceed its capex.

Called from :func:`retrofit_opt.validate.validate` by hook lines; this module only reads
cells through the sheet objects validate passes in.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from retrofit_opt import schema
from retrofit_opt.case import SUBSIDY_POOL, TOTAL_POOL, AwardRule, Case
from retrofit_opt.schema.vocabulary import pool_alias

GROUP_COLUMNS = ("enterprise", "sector", "category")


class _At:
    """The row object the sheet's ``problem`` method expects (only ``.row`` is used)."""

    def __init__(self, row: int | None):
        self.row = row


def budget_group(sheet, row) -> tuple[str, str] | None:
    """The (column, name) group a budgets row is restricted to, or None."""
    given = [(key, sheet.get(row, key)) for key in GROUP_COLUMNS]
    given = [(key, value) for key, value in given if value]
    if len(given) > 1:
        sheet.problem(row, given[1][0], "a budget row can be restricted to one group only (" + ", ".join(
            f"{k} {v}" for k, v in given) + ")", "keep one of enterprise, sector, category; add a row per group",
            given[1][1])
    return given[0] if given else None


def _pool(text: str, case: Case) -> str:
    canonical = pool_alias(text)
    name = canonical if canonical is not None else " ".join(str(text).split())
    known = [b.pool for b in case.budgets] + [p.budget_pool for p in case.projects]
    for spelled in known:
        if schema.normalise_name(spelled) == schema.normalise_name(name):
            return spelled
    return name


def attach_funding(case: Case, rules_sheet, budgets_sheet, projects_sheet, baseline_sheet=None) -> Case:
    """The case with its award rules read and every funding rule checked.  Problems go to
    the sheets' shared problem list; the caller raises them with all the others."""
    case = _attach_salvage(case, projects_sheet)
    if baseline_sheet is not None:
        case = _attach_accounting(case, baseline_sheet)
    case = _attach_reinvest(case, projects_sheet)
    rules = []
    names: dict[str, int] = {}
    for row in rules_sheet.rows:
        rule = _rule(case, rules_sheet, row, names)
        if rule is not None:
            rules.append(rule)
    case = dataclasses.replace(case, award_rules=tuple(rules))
    _check_groups(case, budgets_sheet)
    _check_enterprise_caps(case, rules_sheet)
    _check_award_totals(case, projects_sheet)
    return case


def _attach_salvage(case: Case, sheet) -> Case:
    """``salvage_value`` / 残值 (万元, at the end of the lifetime): 0 or more."""
    if not sheet.has("salvage_value"):
        return case
    rows = {row.row: row for row in sheet.rows}
    projects = []
    for project in case.projects:
        raw = rows.get(project.row)
        value = sheet.get(raw, "salvage_value") if raw is not None else None
        if value is not None and value < 0:
            sheet.problem(raw, "salvage_value", "salvage_value is negative", "enter the residual value (0 or "
                          "more); a removal cost belongs in opex_change", value)
            value = None
        projects.append(dataclasses.replace(project, salvage_value=value) if value else project)
    return dataclasses.replace(case, projects=tuple(projects))


ACCOUNTING_COLUMNS = ("feedstock_energy", "renewable_energy", "certificate_energy")


def _attach_accounting(case: Case, sheet) -> Case:
    """Energy-intensity accounting columns of the baseline sheet (tce, 0 or more; feedstock
    plus new renewables below the energy consumption)."""
    if not any(sheet.has(key) for key in ACCOUNTING_COLUMNS):
        return case
    by_row = {row.row: row for row in sheet.rows}
    year_rows = {}
    for row in by_row.values():
        year = sheet.get(row, "year")
        if year in case.baseline and year not in year_rows:
            year_rows[year] = row
    baseline = dict(case.baseline)
    for year, row in year_rows.items():
        values = {}
        for key in ACCOUNTING_COLUMNS:
            value = sheet.get(row, key) if sheet.has(key) else None
            if value is not None and value < 0:
                sheet.problem(row, key, f"{key} is negative", "enter 0 or more (tce)", value)
                value = None
            if value:
                values[key] = value
        entry = dataclasses.replace(baseline[year], **values)
        if entry.feedstock_energy + entry.renewable_energy >= entry.energy_consumption > 0:
            sheet.problem(row, "feedstock_energy", "feedstock and new renewable energy leave no energy consumption "
                          f"({entry.feedstock_energy:g} + {entry.renewable_energy:g} ≥ {entry.energy_consumption:g} tce)",
                          "check the three columns' values and units", entry.feedstock_energy)
        baseline[year] = entry
    return dataclasses.replace(case, baseline=baseline)


def _attach_reinvest(case: Case, sheet) -> Case:
    """``reinvest_share`` / 节能收益再投入比例 per project, blank = the parameter; only a
    multi-year case has later years to reinvest in (elsewhere a warning, and it is ignored)."""
    default = case.parameters.reinvest_share
    rows = {row.row: row for row in sheet.rows}
    projects = []
    warned = False
    for project in case.projects:
        raw = rows.get(project.row)
        value = sheet.get(raw, "reinvest_share") if raw is not None and sheet.has("reinvest_share") else None
        share = default if value is None else value
        if share and not case.multi_year and (value is not None or not warned):
            warned = True
            sheet.problem(raw, "reinvest_share" if value is not None else None, "reinvest_share needs a multi-year "
                          "case (savings fund later years' budgets); it is ignored", "set start_year and end_year "
                          "in parameters, or clear reinvest_share", share, severity="warning")
        if not case.multi_year:
            share = 0.0
        projects.append(dataclasses.replace(project, reinvest_share=share) if share else project)
    return dataclasses.replace(case, projects=tuple(projects))


def _rule(case: Case, sheet, row, names) -> AwardRule | None:
    name = sheet.get(row, "name")
    if name is None:
        return None
    if name in names:
        sheet.problem(row, "name", f"rule '{name}' appears twice (also row {names[name]})",
                      "give every rule its own name", name)
    names[name] = row.row
    pool = _pool(sheet.get(row, "pool") or SUBSIDY_POOL, case)
    if pool == TOTAL_POOL:
        sheet.problem(row, "pool", "awards cannot be drawn from the pool total (it counts all spending)",
                      "name the fund that pays the awards, e.g. subsidy or 节能专项资金", pool)
    values = {key: sheet.get(row, key) for key in ("rate_per_tce", "rate_per_t_co2", "cap_per_project",
                                                  "cap_share_of_capex", "cap_per_enterprise_year")}
    ok = True
    for key, value in values.items():
        if value is not None and value < 0:
            sheet.problem(row, key, f"{key} is negative", "enter 0 or more", value)
            ok = False
    if not (values["rate_per_tce"] or values["rate_per_t_co2"]) and ok:
        sheet.problem(row, "rate_per_tce", "the rule has no rate", "enter rate_per_tce (元/tce) or "
                      "rate_per_t_co2 (元/t)")
        ok = False
    kind = sheet.get(row, "applies_to", "all") if row.cells.get("applies_to") is not None else "all"
    listed = tuple(sheet.get(row, "applies_names") or ())
    if kind != "all":
        known = {p.id for p in case.projects} if kind == "projects" else {
            getattr(p, kind) for p in case.projects if getattr(p, kind)}
        if not listed:
            sheet.problem(row, "applies_names", f"applies_to {kind} needs the {kind} names",
                          f"list them in applies_names, separated by commas, or set applies_to to all")
            ok = False
        for item in listed:
            if item not in known:
                sheet.problem(row, "applies_names", f"no project has {kind} '{item}'",
                              f"use one of: {', '.join(sorted(known)[:10])}", item)
                ok = False
    elif listed:
        sheet.problem(row, "applies_names", "applies_names is given but applies_to is all",
                      "set applies_to to category, sector, enterprise or projects", ", ".join(listed))
        ok = False
    if not ok:
        return None
    return AwardRule(name, pool, values["rate_per_tce"] or 0.0, values["rate_per_t_co2"] or 0.0,
                     values["cap_per_project"], values["cap_share_of_capex"], values["cap_per_enterprise_year"],
                     (kind, listed), row.row)


def _check_groups(case: Case, sheet) -> None:
    for budget in case.budgets:
        if budget.group is None:
            continue
        column, name = budget.group
        if not any(getattr(p, column) == name for p in case.projects):
            sheet.problem(_At(budget.row), column, f"no project has {column} '{name}'; the row limits nothing",
                          f"check the spelling against the projects' {column} column", name, severity="warning")


def _check_enterprise_caps(case: Case, sheet) -> None:
    for rule in case.award_rules:
        if rule.cap_per_enterprise_year is None:
            continue
        members: dict[str, list] = defaultdict(list)
        for p in case.projects:
            if rule.entitlement(p) > 0:
                if not p.enterprise:
                    sheet.problem(_At(rule.row), "cap_per_enterprise_year", f"rule '{rule.name}' caps awards per "
                                  f"enterprise, but project {p.id} names no enterprise",
                                  "fill the enterprise column of the projects sheet", p.id)
                members[p.enterprise].append(p)
        for enterprise, projects in members.items():
            pools = sorted({p.budget_pool for p in projects})
            if len(pools) > 1:
                sheet.problem(_At(rule.row), "cap_per_enterprise_year", f"rule '{rule.name}' caps enterprise "
                              f"'{enterprise}', whose projects are paid from different pools ({', '.join(pools)}); "
                              "the capped award has no defined split between them",
                              "give the enterprise's projects one budget_pool, or drop the cap per enterprise")
            for budget in case.budgets:
                if budget.group is None or budget.pool not in (rule.pool, *pools):
                    continue
                inside = {budget.covers(p) for p in projects}
                if len(inside) > 1:
                    sheet.problem(_At(rule.row), "cap_per_enterprise_year", f"rule '{rule.name}' caps enterprise "
                                  f"'{enterprise}', but budget row {budget.row} ({budget.label}) holds only some "
                                  "of its projects", "restrict that budget row by enterprise, or drop the cap")


def _check_award_totals(case: Case, sheet) -> None:
    for p in case.projects:
        awards = sum(rule.entitlement(p) for rule in case.award_rules)
        if awards and awards + p.subsidy_rate * p.capex > p.capex * (1 + 1e-9):
            sheet.problem(_At(p.row), "capex", f"the awards of project {p.id} ({awards:,.6g} 万元) plus its subsidy "
                          f"share ({p.subsidy_rate * p.capex:,.6g} 万元) exceed its capex ({p.capex:,.6g} 万元)",
                          "add cap_share_of_capex to the rules, or lower subsidy_rate", p.capex)
