"""Award rules (subsidy_rules) and group caps on budgets (issue 16) against brute force.

The oracle below is written from the rules as the issue states them, independently of
retrofit_opt.funding and the model: for every plan (each subset of projects, and in a
multi-year case each start year), an award rule pays min(rate·saving/10⁴, cap per project,
share·capex) 万元 per project, in its completion year; with a cap per enterprise and year the
enterprise's projects completing that year together get min(Σ, cap).  The award is drawn
from the rule's pool and lowers the own pool's spending; ``total`` counts all capex; a row
with an enterprise / sector / category counts only that group's projects.  The best
feasible energy saving must equal the solver's, and the solver's plan must meet the
budgets as the oracle computes them.
"""
from __future__ import annotations

import itertools
import random

import pytest

from retrofit_opt import load_case, solve_case
from retrofit_opt.evaluate import budget_uses
from retrofit_opt.funding import awards_by_project

from workbooks import write_workbook

PROJECT_HEADER = ["id", "name", "enterprise", "sector", "category", "capex (万元)", "energy_saving (tce/yr)",
                  "co2_reduction (t/yr)", "budget_pool", "subsidy_rate", "earliest_year", "latest_year",
                  "build_years", "capex_profile"]
RULE_HEADER = ["name", "pool", "rate_per_tce (元/tce)", "rate_per_t_co2 (元/t)", "cap_per_project (万元)",
               "cap_share_of_capex", "cap_per_enterprise_year (万元)", "applies_to", "applies_names"]
BUDGET_HEADER = ["pool", "year", "limit (万元)", "enterprise", "sector", "category"]


# ------------------------------------------------------------------------------ the oracle
def oracle_award(rule, project):
    if rule["applies_to"] == "category" and project["category"] not in rule["names"]:
        return 0.0
    amount = (rule["rate_tce"] * project["saving"] + rule["rate_co2"] * project["co2"]) / 10_000
    for cap in (rule["cap_project"], None if rule["cap_share"] is None else rule["cap_share"] * project["capex"]):
        if cap is not None:
            amount = min(amount, cap)
    return amount


def oracle_awards(projects, rules, plan):
    """(rule index, project id) → award, for plan = {id: start year or None}."""
    out = {}
    for r, rule in enumerate(rules):
        groups = {}
        for pid, start in plan.items():
            p = projects[pid]
            w = oracle_award(rule, p)
            if w <= 0:
                continue
            done = None if start is None else start + p["build"] - 1
            groups.setdefault((p["enterprise"], done) if rule["cap_ent"] is not None else pid, []).append((pid, w))
        for members in groups.values():
            total = sum(w for _, w in members)
            scale = 1.0 if rule["cap_ent"] is None else min(1.0, rule["cap_ent"] / total)
            for pid, w in members:
                out[(r, pid)] = w * scale
    return out


def oracle_row_use(projects, rules, plan, awards, row):
    pool, year, group = row["pool"], row["year"], row["group"]
    used = 0.0
    for pid, start in plan.items():
        p = projects[pid]
        if group is not None and p[group[0]] != group[1]:
            continue
        share = 1.0 if pool == "total" else (p["subsidy"] if pool == "subsidy" else 0.0) + (
            1 - p["subsidy"] if p["pool"] == pool else 0.0)
        if year is None:
            used += share * p["capex"]
        elif start is not None and 0 <= year - start < p["build"]:
            used += share * p["capex"] * p["profile"][year - start]
        if pool == "total":
            continue
        done = None if start is None else start + p["build"] - 1
        if year is not None and year != done:
            continue
        for r, rule in enumerate(rules):
            a = awards.get((r, pid), 0.0)
            if rule["pool"] == pool:
                used += a
            if p["pool"] == pool:
                used -= a
    return used


def oracle_best(projects, rules, rows, years):
    """The largest feasible energy saving (counted at the end of the horizon) and its plans."""
    ids = list(projects)
    choices = []
    for pid in ids:
        p = projects[pid]
        if years is None:
            choices.append([False, None])
        else:
            last = min(p["latest"] or years[-1], years[-1] - p["build"] + 1)
            choices.append([False] + list(range(p["earliest"] or years[0], last + 1)))
    best, best_plans = 0.0, []
    for combo in itertools.product(*choices):
        plan = {pid: c for pid, c in zip(ids, combo) if c is not False}
        awards = oracle_awards(projects, rules, plan)
        if any(oracle_row_use(projects, rules, plan, awards, row) > row["limit"] + 1e-7 for row in rows):
            continue
        saving = sum(projects[pid]["saving"] for pid in plan)
        if saving > best + 1e-9:
            best, best_plans = saving, [plan]
        elif abs(saving - best) <= 1e-9:
            best_plans.append(plan)
    return best, best_plans


# --------------------------------------------------------------------------- the workbook
def workbook(tmp_path, projects, rules, rows, years, name="case.xlsx"):
    sheets = {
        "projects": [PROJECT_HEADER] + [
            [pid, f"project {pid}", p["enterprise"], p["sector"], p["category"], p["capex"], p["saving"], p["co2"],
             p["pool"], p["subsidy"], p["earliest"], p["latest"], p["build"],
             "/".join(f"{x:g}" for x in p["profile"]) if p["build"] > 1 else None]
            for pid, p in projects.items()],
        "subsidy_rules": [RULE_HEADER] + [
            [rule["name"], rule["pool"], rule["rate_tce"], rule["rate_co2"], rule["cap_project"], rule["cap_share"],
             rule["cap_ent"], rule["applies_to"], ",".join(rule["names"]) or None] for rule in rules],
        "budgets": [BUDGET_HEADER] + [
            [row["pool"], row["year"], row["limit"], *[row["group"][1] if row["group"] and row["group"][0] == g
                                                       else None for g in ("enterprise", "sector", "category")]]
            for row in rows],
        "parameters": [["parameter", "value"], ["objective", "max_saving"], ["mip_gap", 0]] + (
            [["start_year", years[0]], ["end_year", years[-1]]] if years else []),
    }
    return write_workbook(tmp_path / name, sheets)


def check_against_oracle(tmp_path, projects, rules, rows, years=None):
    case = load_case(workbook(tmp_path, projects, rules, rows, years))
    result = solve_case(case, explain=False)
    best, plans = oracle_best(projects, rules, rows, years)
    assert result.status == "optimal"
    saving = sum(projects[pid]["saving"] for pid in result.plan)
    assert saving == pytest.approx(best, abs=1e-6)
    plan = dict(result.plan)
    awards = oracle_awards(projects, rules, plan)
    for use, row in zip(budget_uses(case, plan), rows):
        assert use.used == pytest.approx(oracle_row_use(projects, rules, plan, awards, row), abs=1e-6)
        assert use.used <= row["limit"] + 1e-6
    by_project = {}
    for (_, pid), a in awards.items():
        by_project[pid] = by_project.get(pid, 0.0) + a
    assert awards_by_project(case, plan) == pytest.approx({k: v for k, v in by_project.items() if v > 0})
    return result, awards, best


def project(capex, saving, co2=0.0, enterprise="E1", sector="S1", category="C1", pool="own", subsidy=0.0,
            earliest=None, latest=None, build=1, profile=(1.0,)):
    return dict(capex=capex, saving=saving, co2=co2, enterprise=enterprise, sector=sector, category=category,
                pool=pool, subsidy=subsidy, earliest=earliest, latest=latest, build=build, profile=profile)


def rule(rate_tce=400.0, rate_co2=0.0, cap_project=None, cap_share=None, cap_ent=None, pool="fund",
         applies_to="all", names=(), name="R"):
    return dict(name=name, pool=pool, rate_tce=rate_tce, rate_co2=rate_co2, cap_project=cap_project,
                cap_share=cap_share, cap_ent=cap_ent, applies_to=applies_to, names=list(names))


def row(pool, limit, year=None, group=None):
    return dict(pool=pool, limit=limit, year=year, group=group)


# ---------------------------------------------------------------- each cap binding in turn
def binding_case(which):
    """Five projects whose own pool is tight, so that which projects fit depends on the
    award; ``which`` names the term of min(rate·saving, cap, share·capex, enterprise cap)
    that is smallest for the chosen projects."""
    projects = {
        "A": project(1000, 3000, enterprise="E1"), "B": project(800, 2000, enterprise="E1"),
        "C": project(600, 1800, enterprise="E2"), "D": project(500, 1000, enterprise="E2"),
        "E": project(900, 2600, enterprise="E3"),
    }
    rules = {
        "rate": rule(rate_tce=400),  # 0.04 万元/tce: A 120, B 80, C 72, D 40, E 104 — below every cap
        "project_cap": rule(rate_tce=4000, cap_project=300),  # rate gives 1200, 800, 720, 400, 1040
        "share_cap": rule(rate_tce=4000, cap_project=5000, cap_share=0.3),  # 300, 240, 180, 150, 270
        "enterprise_cap": rule(rate_tce=4000, cap_share=0.5, cap_ent=450),  # E1: 500 + 400 > 450
    }[which]
    rows = [row("total", 3000), row("own", 2300), row("fund", 2000)]
    return projects, [rules], rows


@pytest.mark.parametrize("which", ["rate", "project_cap", "share_cap", "enterprise_cap"])
def test_award_cap_binding_in_turn(tmp_path, which):
    projects, rules, rows = binding_case(which)
    result, awards, best = check_against_oracle(tmp_path, projects, rules, rows)
    r = rules[0]
    for pid in result.plan:
        p = projects[pid]
        terms = {"rate": r["rate_tce"] * p["saving"] / 1e4,
                 "project_cap": r["cap_project"] if r["cap_project"] is not None else float("inf"),
                 "share_cap": r["cap_share"] * p["capex"] if r["cap_share"] is not None else float("inf")}
        if which == "enterprise_cap":
            continue
        assert min(terms, key=terms.get) == which, (pid, terms)
    if which == "enterprise_cap":
        cut = []
        for enterprise in ("E1", "E2", "E3"):
            members = [pid for pid in result.plan if projects[pid]["enterprise"] == enterprise]
            entitled = sum(oracle_award(r, projects[pid]) for pid in members)
            if entitled > 450:
                assert sum(awards[(0, pid)] for pid in members) == pytest.approx(450)
                cut.append(enterprise)
        assert cut  # some enterprise's awards are cut to its cap
    # the award matters: without the rule the own pool allows less
    no_award_best, _ = oracle_best(projects, [], rows, None)
    assert best > no_award_best


def test_award_pool_limit_binds(tmp_path):
    projects, rules, rows = binding_case("share_cap")
    rows = [row("total", 3000), row("own", 2300), row("fund", 400)]
    _, awards, _ = check_against_oracle(tmp_path, projects, rules, rows)
    assert sum(awards.values()) <= 400 + 1e-6


def test_award_per_t_co2_and_category_scope(tmp_path):
    projects = {"A": project(1000, 1000, co2=5000, category="余热"), "B": project(800, 900, co2=2000, category="电机"),
                "C": project(700, 800, co2=3000, category="余热")}
    rules = [rule(rate_tce=0, rate_co2=200, cap_share=0.3, applies_to="category", names=["余热"])]
    rows = [row("own", 1700), row("fund", 500)]
    _, awards, _ = check_against_oracle(tmp_path, projects, rules, rows)
    assert (0, "B") not in awards


# --------------------------------------------------------------------------- group caps
def test_group_caps_enterprise_sector_category(tmp_path):
    projects = {
        "A": project(500, 900, enterprise="企业A", sector="钢铁", category="余热"),
        "B": project(400, 700, enterprise="企业A", sector="钢铁", category="电机"),
        "C": project(300, 500, enterprise="企业B", sector="化工", category="余热"),
        "D": project(350, 600, enterprise="企业B", sector="化工", category="电机"),
        "E": project(200, 300, enterprise="企业C", sector="建材", category="光伏"),
    }
    rows = [row("total", 1600), row("total", 600, group=("enterprise", "企业A")),
            row("own", 700, group=("sector", "化工")), row("total", 800, group=("category", "余热"))]
    check_against_oracle(tmp_path, projects, [], rows)


@pytest.mark.parametrize("seed", range(8))
def test_random_single_period(tmp_path, seed):
    rng = random.Random(seed)
    projects = {}
    for k in range(6):
        projects[f"P{k}"] = project(rng.randint(100, 900), rng.randint(100, 3000), co2=rng.randint(0, 6000),
                                    enterprise=rng.choice(["E1", "E2"]), sector=rng.choice(["S1", "S2"]),
                                    category=rng.choice(["C1", "C2"]), pool=rng.choice(["own", "own2"]),
                                    subsidy=rng.choice([0.0, 0.0, 0.1]))
    # one pool per enterprise keeps the enterprise cap's split defined (validation requires it)
    for p in projects.values():
        p["pool"] = "own" if p["enterprise"] == "E1" else "own2"
    rules = [rule(rate_tce=rng.choice([240, 300, 400, 2000]), cap_project=rng.choice([None, 60, 150]),
                  cap_share=rng.choice([None, 0.3]), cap_ent=rng.choice([None, 120]), name="R1"),
             rule(rate_tce=0, rate_co2=rng.choice([50, 150]), cap_share=0.2, pool="subsidy", applies_to="category",
                  names=["C1"], name="R2")]
    total = sum(p["capex"] for p in projects.values())
    rows = [row("total", round(total * 0.7)), row("own", round(total * 0.25)), row("own2", round(total * 0.25)),
            row("fund", rng.choice([100, 400])), row("subsidy", 200),
            row("total", round(total * 0.4), group=("sector", "S1"))]
    check_against_oracle(tmp_path, projects, rules, rows)


# ----------------------------------------------------------------------------- multi-year
@pytest.mark.parametrize("seed", range(6))
def test_random_multi_year(tmp_path, seed):
    rng = random.Random(100 + seed)
    years = [2024, 2025, 2026]
    projects = {}
    for k in range(4):
        build = rng.choice([1, 1, 2])
        projects[f"P{k}"] = project(rng.randint(200, 800), rng.randint(300, 2500), enterprise=rng.choice(["E1", "E2"]),
                                    sector=rng.choice(["S1", "S2"]), build=build,
                                    profile=(1.0,) if build == 1 else (0.4, 0.6),
                                    earliest=rng.choice([None, 2025]))
    rules = [rule(rate_tce=rng.choice([400, 3000]), cap_project=300, cap_share=0.3,
                  cap_ent=rng.choice([None, 200]))]
    total = sum(p["capex"] for p in projects.values())
    rows = [row("total", round(total * 0.8))] + [row("own", round(total * 0.3), year=y) for y in years] + [
        row("fund", 300, year=2025), row("fund", 500), row("own", round(total * 0.2), year=2026, group=("enterprise", "E1"))]
    check_against_oracle(tmp_path, projects, rules, rows, years)


# ----------------------------------------------------------------------------- bad input
def test_bad_rules_are_reported_together(tmp_path):
    from retrofit_opt.errors import CaseError
    projects = {"A": project(100, 5000, enterprise=""), "B": project(100, 100)}
    rules = [rule(pool="total", name="R1"), rule(rate_tce=-5, name="R2"),
             rule(applies_to="category", names=["nope"], name="R3"), rule(cap_ent=10, name="R4"),
             rule(rate_tce=4000, name="R5")]
    path = workbook(tmp_path, projects, rules, [row("own", 100, group=("enterprise", "nobody"))], None)
    before = path.read_bytes()
    with pytest.raises(CaseError) as err:
        load_case(path)
    text = str(err.value)
    assert "pool total" in text
    assert "rate_per_tce is negative" in text
    assert "no project has category 'nope'" in text
    assert "project A names no enterprise" in text
    assert "exceed its capex" in text  # R5: 4000 元/tce × 5000 tce = 2000 万元 > 100 万元
    assert path.read_bytes() == before
