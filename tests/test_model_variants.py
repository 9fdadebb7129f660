"""model/variants.py against brute force on cases/tiny.xlsx (6 projects, 64 sets,
cases/README.md): forcing a project in or out gives the best set that contains / avoids
it, and release() restores the optimum.  The oracle enumerates the sets and keeps those
within the 150 万元, the exclusive group (P2/P3), P5's prerequisite P4 and mandatory P1,
written out here independently of the package."""
from itertools import combinations
from pathlib import Path

import pytest

from retrofit_opt import load_case
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model.extract import extract_plan
from retrofit_opt.model.variants import force_in, force_out, release
from retrofit_opt.solve import Solver

CASES = Path(__file__).resolve().parents[1] / "cases"


@pytest.fixture(scope="module")
def tiny():
    case = load_case(CASES / "tiny.xlsx")
    data = ModelData.from_case(case)
    model = build_model(data)
    return case, data, model, Solver(model, 60, 0)


def feasible_sets(case):
    projects = {p.id: p for p in case.projects}
    budget = sum(b.limit for b in case.budgets if b.pool == "total" and b.year is None)
    for k in range(len(projects) + 1):
        for chosen in combinations(sorted(projects), k):
            s = set(chosen)
            if sum(projects[p].capex for p in s) > budget + 1e-9:
                continue
            if any(projects[p].mandatory for p in set(projects) - s):
                continue
            groups = [projects[p].exclusive_group for p in s if projects[p].exclusive_group]
            if len(groups) != len(set(groups)):
                continue
            if any(q not in s for p in s for q in projects[p].requires):
                continue
            yield s, sum(projects[p].metric("energy_saving") for p in s)


def best(case, keep):
    values = [v for s, v in feasible_sets(case) if keep(s)]
    return max(values) if values else None


@pytest.mark.parametrize("pid", ["P1", "P2", "P3", "P4", "P5", "P6"])
def test_force_in_and_force_out_match_brute_force(tiny, pid):
    case, data, model, solver = tiny
    p_index = [p.id for p in case.projects].index(pid)
    force_in(model, data, p_index)
    outcome = solver.solve()
    release(model)
    want = best(case, lambda s: pid in s)
    assert (outcome.objective if outcome.has_solution else None) == pytest.approx(want)
    force_out(model, data, [p_index])
    outcome = solver.solve()
    plan = extract_plan(model, data) if outcome.has_solution else {}
    release(model)
    want = best(case, lambda s: pid not in s)
    assert (outcome.objective if outcome.has_solution else None) == pytest.approx(want)
    assert pid not in plan


def test_release_restores_the_optimum(tiny):
    case, data, model, solver = tiny
    force_out(model, data, [0, 1])
    release(model)
    assert solver.solve().objective == pytest.approx(best(case, lambda s: True)) == pytest.approx(125.0)
    assert model.component("force_in") is None and model.component("force_out") is None
