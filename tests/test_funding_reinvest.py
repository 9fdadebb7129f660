"""Reinvested savings (reinvest_share / 节能收益再投入比例) and capital returned (negative
capex_profile entries), issue 16, against brute force over every plan with start years.

The oracle is written here from the rules as the README states them: a project started in
year t with b build years pays capex·φ_k in year t+k (φ_k < 0: capital returned) and saves
S − opex in each benefit year t+b … t+b+L−1; a share ρ of the saving of year y' is added to
the next year's budget (y'+1) of the project's own pool and of ``total``; a horizon row
gains every such amount whose next year lies in the horizon.
"""
from __future__ import annotations

import itertools
import random

import pytest

from retrofit_opt import load_case, solve_case
from retrofit_opt.errors import CaseError
from retrofit_opt.evaluate import budget_uses

from workbooks import write_workbook

YEARS = (2024, 2025, 2026, 2027)
HEADER = ["id", "name", "capex (万元)", "energy_saving (tce/yr)", "annual_cost_saving (万元/yr)", "lifetime",
          "build_years", "capex_profile", "budget_pool", "reinvest_share", "earliest_year"]


def oracle_use(projects, plan, row):
    pool, year = row["pool"], row["year"]
    used = 0.0
    for pid, start in plan.items():
        p = projects[pid]
        if pool not in ("total", p["pool"]):
            continue
        shares = [x / sum(p["profile"]) for x in p["profile"]]
        if year is None:
            used += p["capex"]
        elif 0 <= year - start < p["build"]:
            used += p["capex"] * shares[year - start]
        benefit_years = range(start + p["build"], start + p["build"] + p["life"])
        credit_years = [y + 1 for y in benefit_years if (y + 1 == year if year is not None else
                                                          YEARS[0] <= y + 1 <= YEARS[-1])]
        used -= p["reinvest"] * max(p["saving_money"], 0) * len(credit_years)
    return used


def oracle_best(projects, rows):
    ids = list(projects)
    choices = [[None] + list(range(projects[i]["earliest"] or YEARS[0], YEARS[-1] - projects[i]["build"] + 2))
               for i in ids]
    best = 0.0
    for combo in itertools.product(*choices):
        plan = {i: c for i, c in zip(ids, combo) if c is not None}
        if all(oracle_use(projects, plan, r) <= r["limit"] + 1e-7 for r in rows):
            best = max(best, sum(projects[i]["tce"] for i in plan))
    return best


def write(tmp_path, projects, rows, name="case.xlsx"):
    return write_workbook(tmp_path / name, {
        "projects": [HEADER] + [[pid, pid, p["capex"], p["tce"], p["saving_money"], p["life"], p["build"],
                                 "/".join(f"{x:g}" for x in p["profile"]), p["pool"], p["reinvest"], p["earliest"]]
                                for pid, p in projects.items()],
        "budgets": [["pool", "year", "limit (万元)"]] + [[r["pool"], r["year"], r["limit"]] for r in rows],
        "parameters": [["parameter", "value"], ["objective", "max_saving"], ["start_year", YEARS[0]],
                       ["end_year", YEARS[-1]], ["mip_gap", 0]],
    })


def project(capex, tce, money, build=1, profile=(1,), pool="own", reinvest=0.0, earliest=None, life=10):
    return dict(capex=capex, tce=tce, saving_money=money, build=build, profile=profile, pool=pool,
                reinvest=reinvest, earliest=earliest, life=life)


def check(tmp_path, projects, rows):
    case = load_case(write(tmp_path, projects, rows))
    result = solve_case(case, explain=False)
    assert result.status == "optimal"
    best = oracle_best(projects, rows)
    assert sum(projects[i]["tce"] for i in result.plan) == pytest.approx(best)
    for use, r in zip(budget_uses(case, result.plan), rows):
        assert use.used == pytest.approx(oracle_use(projects, result.plan, r), abs=1e-6)
        assert use.used <= r["limit"] + 1e-6
    return result, best


def test_reinvested_saving_funds_a_later_project(tmp_path):
    """Hand-worked: A (capex 100 in 2024) saves 80 万元/yr from 2025; with ρ = 0.5, 2026's own
    pool of 60 gains 40 → B (capex 90, in 2026) fits only thanks to the reinvestment."""
    projects = {"A": project(100, 50, 80, reinvest=0.5, earliest=2024), "B": project(90, 40, 0, earliest=2026)}
    rows = [dict(pool="own", year=y, limit=lim) for y, lim in ((2024, 100), (2025, 0), (2026, 60), (2027, 0))]
    result, best = check(tmp_path, projects, rows)
    assert result.plan == {"A": 2024, "B": 2026} and best == 90
    projects["A"]["reinvest"] = 0.0
    _, without = check(tmp_path, projects, rows)
    assert without == 50


def test_capital_returned_in_the_third_build_year(tmp_path):
    """C pays 80 and 60 and gets 40 back in its third build year (profile 80/60/-40, total
    100 = capex): that 40 lets D (40 in the same year) fit a zero budget year."""
    projects = {"C": project(100, 70, 0, build=3, profile=(80, 60, -40), earliest=2024),
                "D": project(40, 20, 0, earliest=2026)}
    rows = [dict(pool="own", year=2024, limit=80), dict(pool="own", year=2025, limit=60),
            dict(pool="own", year=2026, limit=0), dict(pool="own", year=2027, limit=0)]
    result, best = check(tmp_path, projects, rows)
    assert result.plan == {"C": 2024, "D": 2026} and best == 90


def random_case(seed):
    rng = random.Random(7000 + seed)
    projects = {}
    for k in range(4):
        build = rng.choice([1, 1, 2, 3])
        profile = {1: (1,), 2: rng.choice([(40, 60), (120, -20)]), 3: rng.choice([(50, 70, -20), (20, 30, 50)])}[build]
        projects[f"P{k}"] = project(rng.randint(50, 300), rng.randint(10, 200), rng.randint(40, 250), build=build,
                                    profile=profile, pool="other" if k == 3 else "own",
                                    reinvest=rng.choice([0.5, 1.0]), earliest=rng.choice([None, 2025, 2026]),
                                    life=rng.choice([1, 3, 10]))
    total = sum(p["capex"] for p in projects.values())
    rows = [dict(pool="own", year=y, limit=rng.randint(total // 10, total // 4)) for y in YEARS]
    rows += [dict(pool="total", year=None, limit=round(total * rng.choice([0.5, 0.8]))),
             dict(pool="other", year=rng.choice(YEARS), limit=rng.randint(0, total // 4))]
    return projects, rows


SEEDS = range(12)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_multi_year_reinvestment(tmp_path, seed):
    projects, rows = random_case(seed)
    check(tmp_path, projects, rows)


def test_the_random_cases_exercise_reinvestment():
    """In several of the random cases the reinvested savings change the optimum (so the
    tests above would catch a model that ignores them)."""
    changed = 0
    for seed in SEEDS:
        projects, rows = random_case(seed)
        plain = {pid: dict(p, reinvest=0.0) for pid, p in projects.items()}
        changed += oracle_best(projects, rows) > oracle_best(plain, rows) + 1e-9
    assert changed >= 4


def test_profile_returning_all_capital_is_rejected(tmp_path):
    projects = {"C": project(100, 70, 0, build=2, profile=(50, -50))}
    path = write(tmp_path, projects, [dict(pool="own", year=2024, limit=100)])
    with pytest.raises(CaseError) as err:
        load_case(path)
    assert "capital returned" in str(err.value) and "capex_profile" in str(err.value)
