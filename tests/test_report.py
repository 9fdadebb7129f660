"""The results workbook (PRODUCT.md §4): every number on Summary and Portfolio recomputed
from the input and the chosen set with this file's own arithmetic (no retrofit_opt.evaluate,
economics or model), the optimum and the force-in losses checked by enumeration, input text
that looks like a formula kept as text, both languages, and safe output through the CLI."""
from __future__ import annotations

import ast
import hashlib
import itertools
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

import retrofit_opt
from retrofit_opt.cli import main
from retrofit_opt.report import write_results
from retrofit_opt.report.workbook import build_workbook

from workbooks import classic, minimal_case

REL = 1e-9
RATE = 0.08
INJECTED = ['=HYPERLINK("http://x","y")', "+cmd", "-1+2", "@SUM(A1)"]


def approx(value):
    return pytest.approx(value, rel=REL, abs=1e-9)


# ----------------------------------------------------------------------------- input data
def write_case(path: Path, sheets: dict) -> Path:
    """Write a case workbook; every string is stored as a text cell (so that a name such as
    '=HYPERLINK(...)' is text in the input too, as a user would type it with a quote)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
    wb.save(path)
    return path


PROJECT_FIELDS = ("id", "name", "enterprise", "sector", "capex", "energy", "co2", "so2", "acs", "opex",
                  "lifetime", "excluded", "group", "requires", "pool", "subsidy")


def rich_projects(inject: bool = False) -> list[dict]:
    rows = [
        ("A1", "Waste heat boiler", "Steel Co", "steel", 1200, 900, 2300, 5, 260, 10, 12, False, "boiler", "",
         "enterprise", 0.3),
        ("A2", "Boiler replacement", "Steel Co", "steel", 900, 600, 1500, 3, 180, 0, 15, False, "boiler", "",
         "", 0.0),
        ("B1", "PV rooftop", "Glass Co", "glass", 800, 400, 1100, 0, 150, 5, 20, False, "", "", "special", 0.2),
        ("B2", "Motor VFD", "Glass Co", "glass", 300, 250, 620, 0, 90, 0, 10, False, "", "", "", 0.0),
        ("B3", "Compressed air", "Glass Co", "glass", 250, 180, 450, 0, 60, 0, 10, False, "", "B2", "", 0.0),
        ("C1", "Excluded thing", "Chem Co", "chemicals", 100, 500, 1200, 0, 40, 0, 15, True, "", "", "", 0.0),
        ("C2", "Lighting", "Chem Co", "chemicals", 150, 60, 150, 0, 30, 0, 8, False, "", "", "", 0.0),
    ]
    projects = [dict(zip(PROJECT_FIELDS, row)) for row in rows]
    if inject:
        for project, name in zip((projects[0], projects[3], projects[6], projects[5]), INJECTED):
            project["name"] = name  # A1, B2, C2, C1
        projects[3]["enterprise"] = "=1+1"
        projects[4]["sector"] = "@glass"
        projects[0]["group"] = projects[1]["group"] = "=grp"
    return projects


def rich_sheets(projects: list[dict], objective="max_saving", energy_target=1200, interactions=None,
                budgets=None) -> dict:
    header = ["id", "name", "enterprise", "sector", "capex (万元)", "energy_saving (tce/yr)",
              "co2_reduction (t/yr)", "so2_reduction (t/yr)", "annual_cost_saving (万元/yr)",
              "opex_change (万元/yr)", "lifetime", "excluded", "exclusive_group", "requires", "budget_pool",
              "subsidy_rate"]
    rows = [[p["id"], p["name"], p["enterprise"], p["sector"], p["capex"], p["energy"], p["co2"], p["so2"],
             p["acs"], p["opex"], p["lifetime"], "yes" if p["excluded"] else "no", p["group"] or None,
             p["requires"] or None, p["pool"] or None, p["subsidy"]] for p in projects]
    interactions = RICH_INTERACTIONS if interactions is None else interactions
    budgets = RICH_BUDGETS if budgets is None else budgets
    return {
        "projects": [header, *rows],
        "budgets": [["pool", "year", "limit (万元)"], *[[pool, None, limit] for pool, limit in budgets.items()]],
        "targets": [["metric", "year", "kind", "value", "base_year"],
                    ["energy_saving", None, "min_total", energy_target, None],
                    ["co2_reduction", None, "min_total", 3000, None],
                    ["energy_saving", 2025, "intensity_reduction", 3, 2020]],
        "baseline": [["year", "energy_consumption (tce)", "value_added (万元)"],
                     [2020, BASELINE[2020][0], BASELINE[2020][1]], [2025, BASELINE[2025][0], BASELINE[2025][1]]],
        "interactions": [["project_a", "project_b", "energy_overlap", "co2_overlap"],
                         *[[a, b, e, c] for (a, b), (e, c) in interactions.items()]],
        "parameters": [["parameter", "value"], ["objective", objective], ["carbon_price", CARBON_PRICE],
                       ["discount_rate", RATE]],
    }


RICH_BUDGETS = {"total": 2800, "special": 700, "subsidy": 400, "enterprise": 1000}
RICH_INTERACTIONS = {("B2", "B3"): (40, 100), ("A1", "B1"): (10, 0)}
BASELINE = {2020: (100000, 500000), 2025: (110000, 560000)}
CARBON_PRICE = 50  # 元/t


# ----------------------------------------------------------------------------- own arithmetic
def net_benefit(p) -> float:
    return p["acs"] - p["opex"] + p["co2"] * CARBON_PRICE / 1e4


def own_npv(p) -> float:
    """Single period: −capex + Σ_{k=1..L} net benefit / 1.08^k."""
    return -p["capex"] + sum(net_benefit(p) / (1 + RATE) ** k for k in range(1, p["lifetime"] + 1))


def net_total(projects, chosen, field, interactions=RICH_INTERACTIONS) -> float:
    by_id = {p["id"]: p for p in projects}
    total = sum(by_id[i][field] for i in chosen)
    index = {"energy": 0, "co2": 1}.get(field)
    if index is not None:
        for (a, b), overlaps in interactions.items():
            if a in chosen and b in chosen:
                total -= overlaps[index]
    return total


def pool_spend(projects, chosen, pool) -> float:
    total = 0.0
    for p in projects:
        if p["id"] not in chosen:
            continue
        if pool == "total":
            total += p["capex"]
        elif pool == "subsidy":
            total += p["capex"] * p["subsidy"]
        elif (p["pool"] or "total") == pool:
            total += p["capex"] * (1 - p["subsidy"])
    return total


def required_intensity_saving(percent=3.0, base=2020, year=2025) -> float:
    e0, va0 = BASELINE[base]
    e, va = BASELINE[year]
    return e - (1 - percent / 100) * e0 / va0 * va


def intensity_change(saving, base=2020, year=2025) -> float:
    e0, va0 = BASELINE[base]
    e, va = BASELINE[year]
    return 100 * (((e - saving) / va) / (e0 / va0) - 1)


def own_objective(projects, chosen, objective) -> float:
    by_id = {p["id"]: p for p in projects}
    if objective == "max_saving":
        return net_total(projects, chosen, "energy")
    if objective == "max_co2":
        return net_total(projects, chosen, "co2")
    if objective == "min_cost":
        return sum(by_id[i]["capex"] for i in chosen)
    return sum(own_npv(by_id[i]) for i in chosen)


def hard_rules_hold(projects, chosen, budgets=RICH_BUDGETS) -> bool:
    by_id = {p["id"]: p for p in projects}
    if any(by_id[i]["excluded"] for i in chosen):
        return False
    groups = [by_id[i]["group"] for i in chosen if by_id[i]["group"]]
    if len(groups) != len(set(groups)):
        return False
    if any(by_id[i]["requires"] and by_id[i]["requires"] not in chosen for i in chosen):
        return False
    return all(pool_spend(projects, chosen, pool) <= limit + 1e-9 for pool, limit in budgets.items())


def targets_hold(projects, chosen, energy_target=1200) -> bool:
    energy = net_total(projects, chosen, "energy")
    return (energy >= energy_target - 1e-9 and net_total(projects, chosen, "co2") >= 3000 - 1e-9
            and energy >= required_intensity_saving() - 1e-9)


def enumerate_best(projects, objective, must=None, energy_target=1200, targets=True):
    """Brute force over every subset: the best objective (and its sets) under all rules."""
    ids = [p["id"] for p in projects]
    best = None
    for n in range(len(ids) + 1):
        for subset in itertools.combinations(ids, n):
            chosen = set(subset)
            if must and must not in chosen:
                continue
            if not hard_rules_hold(projects, chosen):
                continue
            if targets and not targets_hold(projects, chosen, energy_target):
                continue
            value = own_objective(projects, chosen, objective)
            if best is None or (value < best if objective == "min_cost" else value > best):
                best = value
    return best


# ----------------------------------------------------------------------------- reading the workbook
def rows_of(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def table_after(rows: list[list], title: str) -> list[dict]:
    """The table under a section title: the next row is its header, it ends at a blank row."""
    start = next(i for i, r in enumerate(rows) if r and (r[0] == title or isinstance(r[0], str)
                                                          and r[0].startswith(title + " (")))
    header = [h for h in rows[start + 1] if h is not None]
    table = []
    for r in rows[start + 2:]:
        if all(v is None for v in r):
            break
        table.append(dict(zip(header, r)))
    return table


def listed(ws) -> list[list]:
    """The header and data rows of a table starting at row 1, up to the first blank row
    (the notes under the Not selected table are not rows of it)."""
    rows = rows_of(ws)
    end = next((i for i, r in enumerate(rows) if all(v is None for v in r)), len(rows))
    return rows[:end]


def key_values(rows: list[list], title="Solution") -> dict:
    return {r["Item"]: r["Value"] for r in table_after(rows, title)}


def portfolio_parts(ws):
    """(header, project rows, overlap row or None, total row number) of the Portfolio sheet."""
    rows = rows_of(ws)
    header = rows[0]
    projects, overlap, total_row = [], None, None
    for number, r in enumerate(rows[1:], start=2):
        if r[0] is not None:
            projects.append(dict(zip(header, r)))
        elif r[2] == "Total" or r[2] == "合计":
            total_row = number
            break
        elif r[2] is not None:
            overlap = dict(zip(header, r))
    return header, projects, overlap, total_row


def evaluate_cell(ws, ref: str) -> float:
    """This test's own evaluation of the totals formulas (SUM of a column range, a ratio)."""
    value = ws[ref].value
    if not (isinstance(value, str) and ws[ref].data_type == "f"):
        return value
    m = re.fullmatch(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", value)
    if m:
        col, first, col2, last = m.group(1), int(m.group(2)), m.group(3), int(m.group(4))
        assert col == col2
        return sum(evaluate_cell(ws, f"{col}{r}") or 0.0 for r in range(first, last + 1))
    m = re.fullmatch(r"=([A-Z]+\d+)/([A-Z]+\d+)", value)
    assert m, f"unexpected formula {value}"
    return evaluate_cell(ws, m.group(1)) / evaluate_cell(ws, m.group(2))


def column(header, title) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(header.index(title) + 1)


def solve(path, **kwargs):
    case = retrofit_opt.load_case(path)
    return retrofit_opt.solve_case(case, **kwargs)


def write(result, path, lang="en"):
    write_results(result, path, lang)
    return load_workbook(path)


# ----------------------------------------------------------------------------- the minimal case
def test_minimal_case_numbers_recomputed(make_case, tmp_path):
    result = solve(make_case())
    wb = write(result, tmp_path / "out.xlsx")
    assert classic(wb.sheetnames) == ["Summary", "Portfolio", "Not selected", "MACC", "Run info"]
    data = {r[0]: dict(zip(("capex", "energy", "co2"), r[2:5])) for r in minimal_case()["projects"][1:]}
    header, projects, overlap, total_row = portfolio_parts(wb["Portfolio"])
    chosen = {p["id"] for p in projects}
    assert chosen == {"P1", "P2"}  # P3 needs P2; 1000 + 400 ≤ 1500 gives the most tce
    assert overlap is None
    for p in projects:
        d = data[p["id"]]
        assert p["capex (万元)"] == approx(d["capex"])
        assert p["energy_saving (tce/yr)"] == approx(d["energy"])
        assert p["co2_reduction (t/yr)"] == approx(d["co2"])
        assert p["Cost per tce/yr (万元 per tce/yr)"] == approx(d["capex"] / d["energy"])
        assert p["Cost per t CO2/yr (万元 per t/yr)"] == approx(d["capex"] / d["co2"])
        assert p["NPV (万元)"] == approx(-d["capex"])  # no cost saving, no carbon price
        assert p["Simple payback (years)"] == "never pays back"
    ws = wb["Portfolio"]
    for title, key in (("capex (万元)", "capex"), ("energy_saving (tce/yr)", "energy"),
                       ("co2_reduction (t/yr)", "co2")):
        cell = f"{column(header, title)}{total_row}"
        assert ws[cell].data_type == "f" and ws[cell].value.startswith("=SUM(")
        assert evaluate_cell(ws, cell) == approx(sum(data[i][key] for i in chosen))
    summary = rows_of(wb["Summary"])
    kv = key_values(rows_of(wb["Run info"]))
    assert kv["Status"] == "optimal"
    assert kv["Objective value"] == approx(1100)
    assert kv["Projects chosen"] == 2 and kv["Candidate projects"] == 3
    (target,) = table_after(summary, "Targets")
    assert (target["Required"], target["Achieved"], target["Margin"], target["Met?"]) == (500, 1100, 600, "yes")
    (budget,) = table_after(summary, "Budgets")
    assert budget["Used (万元)"] == approx(1400) and budget["Remaining (万元)"] == approx(100)
    assert budget["Share used"] == approx(1400 / 1500)
    (p3,) = [dict(zip(listed(wb["Not selected"])[0], r)) for r in listed(wb["Not selected"])[1:]]
    assert p3["id"] == "P3" and p3["Reason"].startswith("left out on merit")
    # P3 needs P2, and P1 + P2 + P3 = 1700 > 1500: with P3 the best is {P2, P3}, 500 tce → loss 600
    assert p3["Objective loss if forced in (tce/yr)"] == approx(600)


# ----------------------------------------------------------------------------- the rich case
@pytest.mark.parametrize("objective", ["max_saving", "min_cost", "max_npv", "max_co2"])
def test_rich_case_every_number_recomputed(tmp_path, objective):
    projects = rich_projects()
    by_id = {p["id"]: p for p in projects}
    path = write_case(tmp_path / "rich.xlsx", rich_sheets(projects, objective))
    result = solve(path)
    wb = write(result, tmp_path / "out.xlsx")

    # --- Portfolio, row by row
    ws = wb["Portfolio"]
    header, rows, overlap, total_row = portfolio_parts(ws)
    chosen = {r["id"] for r in rows}
    assert chosen == set(result.plan)
    assert hard_rules_hold(projects, chosen) and targets_hold(projects, chosen)
    best = enumerate_best(projects, objective)
    assert own_objective(projects, chosen, objective) == approx(best)  # the optimum, by enumeration
    for r in rows:
        p = by_id[r["id"]]
        assert r["name"] == p["name"] and r["enterprise"] == p["enterprise"] and r["sector"] == p["sector"]
        assert r["budget_pool"] == (p["pool"] or "total") and r["subsidy_rate"] == approx(p["subsidy"])
        assert r["capex (万元)"] == approx(p["capex"])
        assert r["energy_saving (tce/yr)"] == approx(p["energy"])
        assert r["co2_reduction (t/yr)"] == approx(p["co2"])
        if "so2_reduction (t/yr)" in header:
            assert r["so2_reduction (t/yr)"] == approx(p["so2"])
        assert r["annual_cost_saving (万元/yr)"] == approx(p["acs"])
        if "opex_change (万元/yr)" in header:
            assert r["opex_change (万元/yr)"] == approx(p["opex"])
        assert r["Annual net benefit (万元/yr)"] == approx(net_benefit(p))
        assert r["Simple payback (years)"] == approx(p["capex"] / net_benefit(p))
        assert r["NPV (万元)"] == approx(own_npv(p))
        assert r["Cost per tce/yr (万元 per tce/yr)"] == approx(p["capex"] / p["energy"])
        assert r["Cost per t CO2/yr (万元 per t/yr)"] == approx(p["capex"] / p["co2"])
    # priority rank: contribution to the objective per 万元 (min_cost: energy per 万元)
    numerator = {"max_saving": lambda p: p["energy"], "min_cost": lambda p: p["energy"],
                 "max_co2": lambda p: p["co2"], "max_npv": own_npv}[objective]
    contribution_title = next(h for h in header if h.startswith("Contribution per 万元"))
    for r in rows:
        assert r[contribution_title] == approx(numerator(by_id[r["id"]]) / by_id[r["id"]]["capex"])
    input_order = [p["id"] for p in projects]
    order = sorted(chosen, key=lambda i: (-numerator(by_id[i]) / by_id[i]["capex"], input_order.index(i)))
    assert [r["id"] for r in rows] == order
    assert [r["Priority rank"] for r in rows] == list(range(1, len(rows) + 1))
    notes = [r[0] for r in rows_of(ws)[total_row:] if r[0]]
    assert any(n.startswith("Priority rank: projects ordered by their contribution") for n in notes)

    # --- overlaps and the totals row
    own_overlap = {"energy": net_total(projects, chosen, "energy") - sum(by_id[i]["energy"] for i in chosen),
                   "co2": net_total(projects, chosen, "co2") - sum(by_id[i]["co2"] for i in chosen)}
    if any(own_overlap.values()):
        assert overlap is not None
        assert (overlap["energy_saving (tce/yr)"] or 0) == approx(own_overlap["energy"])
        assert (overlap["co2_reduction (t/yr)"] or 0) == approx(own_overlap["co2"])
    else:
        assert overlap is None
    expected_totals = {
        "capex (万元)": sum(by_id[i]["capex"] for i in chosen),
        "energy_saving (tce/yr)": net_total(projects, chosen, "energy"),
        "co2_reduction (t/yr)": net_total(projects, chosen, "co2"),
        "annual_cost_saving (万元/yr)": sum(by_id[i]["acs"] for i in chosen),
        "Annual net benefit (万元/yr)": sum(net_benefit(by_id[i]) for i in chosen),
        "NPV (万元)": sum(own_npv(by_id[i]) for i in chosen),
    }
    expected_totals["Simple payback (years)"] = (expected_totals["capex (万元)"]
                                                 / expected_totals["Annual net benefit (万元/yr)"])
    expected_totals["Cost per tce/yr (万元 per tce/yr)"] = (expected_totals["capex (万元)"]
                                                          / expected_totals["energy_saving (tce/yr)"])
    expected_totals["Cost per t CO2/yr (万元 per t/yr)"] = (expected_totals["capex (万元)"]
                                                          / expected_totals["co2_reduction (t/yr)"])
    for title, value in expected_totals.items():
        cell = f"{column(header, title)}{total_row}"
        assert ws[cell].data_type == "f", title
        assert evaluate_cell(ws, cell) == approx(value), title
    capex_total = ws[f"{column(header, 'capex (万元)')}{total_row}"].value
    sum_range = re.fullmatch(r"=SUM\([A-Z]+(\d+):[A-Z]+(\d+)\)", capex_total)
    assert (int(sum_range.group(1)), int(sum_range.group(2))) == (2, total_row - 1)  # every row above

    # --- Summary
    summary = rows_of(wb["Summary"])
    kv = key_values(rows_of(wb["Run info"]))
    assert kv["Status"] == "optimal"
    assert kv["Objective value"] == approx(own_objective(projects, chosen, objective))
    assert kv["Objective"].startswith(objective)
    assert kv["Projects chosen"] == len(chosen) and kv["Candidate projects"] == len(projects)
    assert kv["All targets met"] == "yes"
    assert 0 <= kv["Optimality gap"] <= 1e-4
    targets = table_after(summary, "Targets")
    energy, co2 = net_total(projects, chosen, "energy"), net_total(projects, chosen, "co2")
    own_targets = [(1200, energy, None), (3000, co2, None),
                   (required_intensity_saving(), energy, intensity_change(energy))]
    assert len(targets) == 3
    for row, (required, achieved, change) in zip(targets, own_targets):
        assert row["Required"] == approx(required)
        assert row["Achieved"] == approx(achieved)
        assert row["Margin"] == approx(achieved - required)
        assert row["Met?"] == ("yes" if achieved >= required else "no")
        if change is None:
            assert row["Intensity change vs base year (%)"] is None
        else:
            assert row["Intensity change vs base year (%)"] == approx(change)
    budgets = table_after(summary, "Budgets")
    assert [b["Pool"] for b in budgets] == list(RICH_BUDGETS)
    for b in budgets:
        used = pool_spend(projects, chosen, b["Pool"])
        limit = RICH_BUDGETS[b["Pool"]]
        assert b["Year"] == "whole horizon"
        assert b["Limit (万元)"] == approx(limit) and b["Used (万元)"] == approx(used)
        assert b["Remaining (万元)"] == approx(limit - used) and b["Share used"] == approx(used / limit)
        assert b["Within limit?"] == "yes"
    totals = {r["Item"]: r for r in table_after(summary, "Key figures of the chosen portfolio")
              if r["Item"] not in ("Projects chosen", "Subsidy drawn")}
    own = {"capex": expected_totals["capex (万元)"], "npv": expected_totals["NPV (万元)"],
           "energy_saving": energy, "co2_reduction": co2,
           "so2_reduction": sum(by_id[i]["so2"] for i in chosen)}
    assert set(totals) == set(own)
    for metric, value in own.items():
        assert totals[metric]["Exact value"] == approx(value)

    # --- Not selected: every other project once, with its reason; losses by enumeration
    ns_rows = listed(wb["Not selected"])
    left_out = [dict(zip(ns_rows[0], r)) for r in ns_rows[1:]]
    assert [r["id"] for r in left_out] == [p["id"] for p in projects if p["id"] not in chosen]
    loss_title = next(h for h in ns_rows[0] if h.startswith("Objective loss if forced in"))
    for r in left_out:
        p = by_id[r["id"]]
        assert r["name"] == p["name"] and r["capex (万元)"] == approx(p["capex"])
        if p["excluded"]:
            assert r["Reason"] == "excluded in the input"
            continue
        forced = enumerate_best(projects, objective, must=p["id"])
        if forced is None:
            assert r["Reason"] == "forcing it in breaks a budget, target or rule"
            assert r[loss_title] is None
        else:
            loss = forced - best if objective == "min_cost" else best - forced
            # the wording follows the objective (min_cost: forcing raises the cost); a tie is a tie
            assert r["Reason"] == ("a tie: another optimal plan includes it" if abs(loss) < 1e-6 else
                                   "left out on merit: forcing it in raises the total investment"
                                   if objective == "min_cost" else
                                   "left out on merit: forcing it in worsens the objective")
            assert r[loss_title] == approx(loss)
        if p["group"] and any(by_id[c]["group"] == p["group"] for c in chosen):
            other = next(c for c in chosen if by_id[c]["group"] == p["group"])
            assert other in (r["Related projects"] or "") and "exclusive group" in r["Detail"]


def test_infeasible_variant_explains_and_never_says_optimal(tmp_path):
    projects = rich_projects()
    path = write_case(tmp_path / "rich.xlsx", rich_sheets(projects, energy_target=5000))
    result = solve(path)
    assert result.status == "infeasible"
    wb = write(result, tmp_path / "out.xlsx")
    summary = rows_of(wb["Summary"])
    kv = key_values(rows_of(wb["Run info"]))
    assert "optimal" not in kv["Status"] and kv["Status"].startswith("infeasible")
    assert kv["Objective value"] == "—" and kv["All targets met"] == "no" and kv["Projects chosen"] == 0
    targets = table_after(summary, "Targets")
    # best reachable within the budgets, ignoring the other targets: enumeration without targets
    best_energy = max(net_total(projects, set(s), "energy") for n in range(len(projects) + 1)
                      for s in itertools.combinations([p["id"] for p in projects], n)
                      if hard_rules_hold(projects, set(s)))
    best_co2 = max(net_total(projects, set(s), "co2") for n in range(len(projects) + 1)
                   for s in itertools.combinations([p["id"] for p in projects], n)
                   if hard_rules_hold(projects, set(s)))
    assert [t["Best reachable within budgets"] for t in targets] == [approx(best_energy), approx(best_co2),
                                                                     approx(best_energy)]
    assert [t["Achieved"] for t in targets] == [0, 0, 0] and [t["Met?"] for t in targets] == ["no"] * 3
    assert targets[2]["Intensity change vs base year (%)"] == approx(intensity_change(0.0))
    flat = [v for r in summary for v in r if isinstance(v, str)]
    assert "Why the targets cannot all be met" in flat
    diagnosis = {r[0]: r[1] for r in summary[[r[0] for r in summary].index("Why the targets cannot all be met"):]
                 if r[0] is not None}
    assert "energy_saving ≥ 5000: best reachable within the budgets is 1,450" in diagnosis["Diagnosis"]
    assert diagnosis["Budgets, mandatory and logic rules can hold"] == "yes"
    compromise = set(diagnosis["Compromise plan within the budgets (least relative shortfall)"].split(", "))
    assert hard_rules_hold(projects, compromise)
    start = [i for i, r in enumerate(summary) if r[:2] == ["Target", "Unit"]][-1]  # the diagnosis' table
    per_target = [dict(zip(summary[start], r)) for r in summary[start + 1:start + 4]]
    assert [t["Best reachable within budgets"] for t in per_target] == [approx(best_energy), approx(best_co2),
                                                                        approx(best_energy)]
    # 5000 tce exceeds every allowed combination (exclusive group, exclusion), whatever the budget
    assert [t["Extra budget for this target alone (万元)"] for t in per_target] == [
        "not reachable with any budget", 0, 0]
    assert "no extra budget makes every target reachable" in flat
    ws = wb["Portfolio"]
    assert ws["A2"].value is None and "no plan" in (ws["A3"].value or "")
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    ns = listed(wb["Not selected"])
    reasons = {r[0]: r[ns[0].index("Reason")] for r in ns[1:]}
    assert set(reasons) == {p["id"] for p in projects}
    assert reasons["C1"] == "excluded in the input"
    assert {v for k, v in reasons.items() if k != "C1"} == {"no plan was found"}


def test_multi_year_start_years_totals_and_budgets(tmp_path):
    header = ["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)",
              "annual_cost_saving (万元/yr)", "lifetime", "earliest_year", "latest_year", "build_years",
              "capex_profile"]
    data = [("M1", "Short-lived retrofit", 100, 300, 700, 20, 1, 2024, 2024, 1, None),
            ("M2", "Big boiler", 1000, 800, 2000, 200, 15, 2024, 2026, 2, "40/60"),
            ("M3", "Motors", 300, 250, 600, 60, 10, 2025, 2026, 1, None),
            ("M4", "Lighting", 200, 100, 250, 30, 10, None, None, 1, None)]
    sheets = {
        "projects": [header, *[list(r) for r in data]],
        "budgets": [["pool", "year", "limit (万元)"], ["total", None, 1500], ["total", 2024, 600],
                    ["total", 2025, 700]],
        "targets": [["metric", "year", "kind", "value"], ["energy_saving", 2025, "min_total", 300],
                    ["energy_saving", None, "min_total", 900]],
        "interactions": [["project_a", "project_b", "energy_overlap", "co2_overlap"], ["M2", "M3", 50, 120]],
        "parameters": [["parameter", "value"], ["objective", "max_saving"], ["start_year", 2024],
                       ["end_year", 2026]],
    }
    result = solve(write_case(tmp_path / "multi.xlsx", sheets))
    wb = write(result, tmp_path / "out.xlsx")
    ws = wb["Portfolio"]
    header_row, rows, overlap, total_row = portfolio_parts(ws)
    by_id = {r[0]: dict(zip(("id", "name", "capex", "energy", "co2", "acs", "lifetime", "first", "last", "build",
                              "profile"), r)) for r in data}
    plan = {r["id"]: r["Start year"] for r in rows}
    assert plan == result.plan

    def counts(pid, year):
        p = by_id[pid]
        formed = plan[pid] + p["build"] - 1
        return formed <= year <= formed + p["lifetime"]

    def own_total(field, year):
        counted = {i for i in plan if counts(i, year)}
        total = sum(by_id[i][field] for i in counted)
        if {"M2", "M3"} <= counted:
            total -= {"energy": 50, "co2": 120}[field]
        return total

    for title, field in (("energy_saving (tce/yr)", "energy"), ("co2_reduction (t/yr)", "co2")):
        assert evaluate_cell(ws, f"{column(header_row, title)}{total_row}") == approx(own_total(field, 2026))

    def shares(p):
        if p["profile"]:
            parts = [float(x) for x in p["profile"].split("/")]
            return [x / sum(parts) for x in parts]
        return [1 / p["build"]] * p["build"]

    def own_npv_multi(pid):
        p, start = by_id[pid], plan[pid]
        capex = sum(p["capex"] * s / (1 + RATE) ** k for k, s in enumerate(shares(p)))
        income = sum(p["acs"] / (1 + RATE) ** (p["build"] + j) for j in range(p["lifetime"]))
        return (income - capex) / (1 + RATE) ** (start - 2024)

    for r in rows:
        assert r["NPV (万元)"] == approx(own_npv_multi(r["id"]))
    assert evaluate_cell(ws, f"{column(header_row, 'NPV (万元)')}{total_row}") == approx(
        sum(own_npv_multi(i) for i in plan))
    summary = rows_of(wb["Summary"])
    for b in table_after(summary, "Budgets"):
        year = b["Year"]
        used = 0.0
        for pid, start in plan.items():
            p = by_id[pid]
            for k, s in enumerate(shares(p)):
                if year == "whole horizon" or start + k == year:
                    used += p["capex"] * s
        assert b["Used (万元)"] == approx(used)
    targets = table_after(summary, "Targets")
    assert [t["Achieved"] for t in targets] == [approx(own_total("energy", 2025)),
                                                approx(own_total("energy", 2026))]
    totals = {r["Item"]: r for r in table_after(summary, "Key figures of the chosen portfolio")}
    assert totals["energy_saving"]["Exact value"] == approx(own_total("energy", 2026))  # the horizon's end


def weighted_case() -> dict:
    """Weighted objective, a benefit: metric capped by a max_total target, a given npv."""
    return {
        "projects": [["id", "name", "capex (万元)", "energy_saving (tce/yr)", "benefit:land (ha)", "mandatory",
                      "npv (万元)"],
                     ["F1", "Cheap measure", 0.5, 10, 1, "yes", None],
                     ["G1", "Good", 500, 300, 2, "no", 100],
                     ["G2", "Other", 400, 100, 0, "no", -20]],
        "budgets": [["pool", "limit (万元)"], ["total", 800]],
        "targets": [["metric", "kind", "value"], ["benefit:land", "max_total", 5]],
        "parameters": [["parameter", "value"], ["objective", "weighted"], ["weight:energy_saving", 1],
                       ["weight:npv", 2], ["weight:capex", -0.1]],
    }


def test_weighted_objective_benefit_metric_and_given_npv(tmp_path):
    data = {"F1": (0.5, 10, 1, None), "G1": (500, 300, 2, 100), "G2": (400, 100, 0, -20)}

    def npv(pid):  # a given npv is used as written; F1 has no benefit at all
        return data[pid][3] if data[pid][3] is not None else -data[pid][0]

    def score(ids):
        return sum(data[i][1] + 2 * npv(i) - 0.1 * data[i][0] for i in ids)

    feasible = [set(s) for n in range(4) for s in itertools.combinations(data, n)
                if "F1" in s and sum(data[i][0] for i in s) <= 800 and sum(data[i][2] for i in s) <= 5]
    best = max(score(s) for s in feasible)
    result = solve(write_case(tmp_path / "weighted.xlsx", weighted_case()))
    wb = write(result, tmp_path / "out.xlsx")
    ws = wb["Portfolio"]
    header, rows, overlap, total_row = portfolio_parts(ws)
    chosen = {r["id"] for r in rows}
    assert score(chosen) == approx(best) and overlap is None
    for r in rows:
        capex, energy, land, _ = data[r["id"]]
        assert r["benefit:land (ha)"] == approx(land) and r["NPV (万元)"] == approx(npv(r["id"]))
        assert r["Contribution per 万元 (score per 万元)"] == approx((energy + 2 * npv(r["id"]) - 0.1 * capex) / capex)
    assert [r["id"] for r in rows] == sorted(chosen, key=lambda i: -(score({i}) / data[i][0]))
    assert evaluate_cell(ws, f"{column(header, 'benefit:land (ha)')}{total_row}") == approx(
        sum(data[i][2] for i in chosen))
    summary = rows_of(wb["Summary"])
    assert key_values(rows_of(wb["Run info"]))["Objective value"] == approx(best)
    (target,) = table_after(summary, "Targets")
    land = sum(data[i][2] for i in chosen)
    assert "≤" in target["Target"] and (target["Required"], target["Achieved"]) == (5, approx(land))
    assert target["Margin"] == approx(5 - land)  # a cap: the room left under it
    left = dict(zip(rows_of(wb["Not selected"])[0], rows_of(wb["Not selected"])[1]))
    forced = max(score(s) for s in feasible if left["id"] in s)
    assert left["Objective loss if forced in (score)"] == approx(best - forced)


# ----------------------------------------------------------------------------- text stays text
def _cells_with(wb, text):
    return [(ws.title, c.coordinate, c) for ws in wb for row in ws.iter_rows() for c in row if c.value == text]


@pytest.mark.parametrize("energy_target", [1200, 5000])  # solved, and infeasible (every project left out)
def test_input_text_that_looks_like_a_formula_arrives_as_text(tmp_path, energy_target):
    projects = rich_projects(inject=True)
    path = write_case(tmp_path / "inject.xlsx", rich_sheets(projects, energy_target=energy_target))
    result = solve(path)
    assert {p.name for p in result.case.projects} >= set(INJECTED)
    out = tmp_path / "out.xlsx"
    report = write_results(result, out, "en")
    wb = load_workbook(out)
    for text in [*INJECTED, "=1+1", "@glass"]:
        project = next(p for p in projects if text in (p["name"], p["enterprise"], p["sector"]))
        cells = _cells_with(wb, text)
        sheets = {title for title, _, _ in cells}
        expected_sheets = {"Portfolio"} if project["id"] in result.plan else {"Not selected"}
        if text in (p["name"] for p in projects):
            assert expected_sheets <= sheets, (text, sheets)
        assert cells, text
        for title, ref, cell in cells:
            assert cell.data_type == "s", (text, title, ref)
            assert cell.value == text
    # the only formulas are the declared totals, each with the tool's own number
    formulas = {(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"}
    assert formulas == set(report.formulas)
    for title, ref in formulas:
        assert re.fullmatch(r"=SUM\([A-Z]+\d+:[A-Z]+\d+\)|=[A-Z]+\d+/[A-Z]+\d+", wb[title][ref].value)
    # the exclusive group '=grp' appears inside the detail sentence, as text
    texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    if energy_target == 1200:
        assert any("'=grp'" in t for t in texts)


def test_text_with_tab_or_carriage_return_is_text(tmp_path, make_case):
    result = solve(make_case())
    case = result.case
    odd = ["\t=1+1", "\r=2+2", "=cmd|' /C calc'!A0"]
    projects = tuple(replace(p, name=name) for p, name in zip(case.projects, odd))
    result = replace(result, case=replace(case, projects=projects))
    out = tmp_path / "out.xlsx"
    report = write_results(result, out, "en")
    wb = load_workbook(out)
    for name, kept in zip(odd, ["\t=1+1", "\n=2+2", "=cmd|' /C calc'!A0"]):
        cells = _cells_with(wb, kept)
        assert cells, name
        assert all(c.data_type == "s" for _, _, c in cells)
    formulas = {(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"}
    assert formulas == set(report.formulas)


# ----------------------------------------------------------------------------- languages
def zh_case() -> dict:
    return {
        "项目": [["项目编号", "项目名称", "企业", "投资（万元）", "节能量（吨标准煤/年）", "二氧化碳减排量（吨/年）", "前置项目"],
                ["P1", "余热回收", "甲公司", 1000, 800, 2000, None],
                ["P2", "电机变频", "乙公司", 400, 300, 700, None],
                ["P3", "空压机改造", "乙公司", 300, 200, 500, "P2"]],
        "预算": [["资金池", "年份", "上限（万元）"], ["总预算", None, 1500]],
        "目标": [["指标", "年份", "类型", "值"], ["节能量", None, "不低于", 500]],
        "参数": [["参数", "值"], ["objective", "最大节能量"]],
    }


def test_chinese_case_gets_chinese_labels(tmp_path):
    path = write_case(tmp_path / "案例.xlsx", zh_case())
    result = solve(path)
    assert result.case.language == "zh"
    out = tmp_path / "结果.xlsx"
    write_results(result, out, None)
    wb = load_workbook(out)
    assert classic(wb.sheetnames) == ["概要", "项目组合", "未入选", "边际减排成本曲线", "运行信息"]
    header = [c.value for c in wb["项目组合"][1]]
    for title in ("优先序", "项目编号", "项目名称", "投资（万元）", "节能量（吨标准煤/年）", "二氧化碳减排量（吨/年）",
                  "净现值（万元）", "静态回收期（年）"):
        assert title in header
    summary = rows_of(wb["概要"])
    kv = {r["项目"]: r["数值"] for r in table_after(rows_of(wb["运行信息"]), "求解结果")}
    assert kv["求解状态"] == "最优" and kv["目标函数值"] == approx(1100) and kv["全部目标达成"] == "是"
    (target,) = table_after(summary, "目标完成情况")
    assert target["目标"] == "节能量 ≥ 500" and target["是否达成"] == "是"
    ns = rows_of(wb["未入选"])
    assert ns[0][:2] == ["项目编号", "项目名称"]
    row = dict(zip(ns[0], ns[1]))
    assert row["原因"] == "择优未选：强制入选会使优化目标变差"
    # P1 + P2 use 1,400 of 1,500: 100 remain, P3 needs 300 — the binding row is named; forced
    # in, the best plan is {P2, P3} = 500 tce (P1 pushed out)
    assert row["说明"] == ("强制入选将使年节能量减少 600.0 吨标准煤/年；与入选项目同时实施将超出总预算（剩余100万元，"
                         "需300万元）；强制入选时的最优方案须挤出 P1")
    # --lang en overrides the case's language
    en = tmp_path / "en.xlsx"
    write_results(result, en, "en")
    assert classic(load_workbook(en).sheetnames) == ["Summary", "Portfolio", "Not selected", "MACC", "Run info"]


def test_english_labels_and_formats(make_case, tmp_path):
    result = solve(make_case())
    wb = write(result, tmp_path / "out.xlsx")
    ws = wb["Portfolio"]
    header = [c.value for c in ws[1]]
    assert all(c.font.bold for c in ws[1] if c.value)
    assert ws.freeze_panes == "D2" and wb["Not selected"].freeze_panes == "C2"
    assert wb["Summary"].freeze_panes and wb["Run info"].freeze_panes
    capex = column(header, "capex (万元)")
    energy = column(header, "energy_saving (tce/yr)")
    assert ws[f"{capex}2"].number_format == "#,##0.00" and ws[f"{energy}2"].number_format == "#,##0.0"
    assert ws.column_dimensions["C"].width >= len("Waste heat recovery")
    assert all(6 <= ws.column_dimensions[c].width <= 62 for c in ws.column_dimensions)


def test_status_text_never_calls_a_non_optimal_result_optimal(make_case, tmp_path):
    result = solve(make_case())
    for status, gap, expected in (("feasible", 0.02, "feasible, not proven optimal (gap 2.0000%)"),
                                  ("timeout", None, "time limit reached without a plan"),
                                  ("optimal", 5e-5, "optimal within the MIP gap tolerance (gap 0.0050%)")):
        changed = replace(result, status=status, gap=gap)
        wb = build_workbook(changed, "en").workbook
        kv = key_values(rows_of(wb["Run info"]))
        assert kv["Status"] == expected
        if status != "optimal":
            assert "optimal" not in kv["Status"].replace("not proven optimal", "")


def test_run_info_reproduces_the_run(make_case, tmp_path):
    case_path = make_case()
    result = solve(case_path)
    wb = write(result, tmp_path / "out.xlsx")
    info = {r[0]: r[1] for r in rows_of(wb["Run info"]) if r[0] is not None}
    assert info["Input file"] == case_path.name
    assert info["Input SHA-256"] == hashlib.sha256(case_path.read_bytes()).hexdigest()
    assert info["retrofit-opt version"] == retrofit_opt.__version__
    from importlib.metadata import version
    for lib in ("highspy", "pyomo", "openpyxl", "pandas"):
        assert info[lib] == version(lib)
    assert info["python"] == ".".join(map(str, sys.version_info[:3]))
    stamp = datetime.fromisoformat(info["Written at (UTC)"])
    assert stamp.utcoffset().total_seconds() == 0
    assert info["time_limit"] == result.options["time_limit"] and info["mip_gap"] == result.options["mip_gap"]
    assert info["objective"] == "max_saving" and info["discount_rate"] == 0.08
    assert {"build", "solve", "explain", "total"} <= set(info)


# ----------------------------------------------------------------------------- no Pyomo in reports
FORBIDDEN = ("pyomo", "highspy", "retrofit_opt.model", "retrofit_opt.solve", "retrofit_opt.studies")


def test_report_package_does_not_import_pyomo_or_the_model():
    package = Path(retrofit_opt.__file__).parent / "report"
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), (source.name, name)
    code = "import sys, retrofit_opt.report; print('pyomo' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------- safe output
def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".")]


def test_cli_solving_twice_replaces_the_output(make_case, tmp_path):
    case = make_case()
    before = sha(case)
    out = tmp_path / "result.xlsx"
    first = run_cli("solve", case, "-o", out)
    assert first.exit_code == 0, first.output
    assert load_workbook(out)["Summary"]
    sheets = minimal_case()
    sheets["budgets"][1][2] = 1800  # room for P3 as well
    make_case(sheets, name="case2.xlsx")
    second = run_cli("solve", tmp_path / "case2.xlsx", "-o", out)
    assert second.exit_code == 0, second.output
    _, rows, _, _ = portfolio_parts(load_workbook(out)["Portfolio"])
    assert sorted(r["id"] for r in rows) == ["P1", "P2", "P3"]
    assert sha(case) == before  # the input is never touched
    assert temp_files(tmp_path) == []
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # a normal new file, not mkstemp's private 0600


def test_cli_default_output_is_next_to_the_case(make_case, tmp_path):
    case = make_case()
    result = run_cli("solve", case)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "case_result.xlsx").is_file()


def test_cli_failed_run_leaves_an_existing_output_untouched(make_case, tmp_path):
    case = make_case()
    out = tmp_path / "result.xlsx"
    assert run_cli("solve", case, "-o", out).exit_code == 0
    before = sha(out)
    bad = minimal_case()
    bad["projects"][2][2] = "lots"  # capex is not a number
    bad_path = make_case(bad, name="bad.xlsx")
    result = run_cli("solve", bad_path, "-o", out)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert sha(out) == before
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    assert run_cli("solve", broken, "-o", out).exit_code == 2
    assert sha(out) == before
    assert temp_files(tmp_path) == []


def test_cli_refuses_to_write_over_the_input(make_case):
    case = make_case()
    before = sha(case)
    result = run_cli("solve", case, "-o", case)
    assert result.exit_code == 2
    assert "input is never overwritten" in result.output
    assert sha(case) == before


def test_cli_infeasible_case_still_writes_the_explaining_workbook(tmp_path):
    path = write_case(tmp_path / "rich.xlsx", rich_sheets(rich_projects(), energy_target=5000))
    out = tmp_path / "out.xlsx"
    result = run_cli("solve", path, "-o", out)
    assert result.exit_code == 1
    assert "Why the targets cannot all be met" in [r[0] for r in rows_of(load_workbook(out)["Summary"])]


def test_a_failing_save_leaves_the_old_output_and_no_temp_file(make_case, tmp_path, monkeypatch):
    result = solve(make_case())
    out = tmp_path / "out.xlsx"
    write_results(result, out)
    before = sha(out)
    from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook

    def half_save(self, filename):
        Path(filename).write_bytes(b"PK partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(OpenpyxlWorkbook, "save", half_save)
    import retrofit_opt.report.save as fast_save  # the results workbook's own save (report/save.py)
    monkeypatch.setattr(fast_save, "save_workbook", lambda workbook, filename: half_save(workbook, filename))
    from retrofit_opt.errors import OutputError
    with pytest.raises(OutputError, match="No space left"):
        write_results(result, out)
    assert sha(out) == before
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
