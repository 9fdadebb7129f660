"""Plan evaluation's fast paths (issue 19: ``compare`` evaluates six plans and prepares six
start plans, all Python sharing one GIL) give exactly the numbers of their plain
definitions, written out here as PRODUCT.md §2 states them: metric totals with overlaps,
each project's contribution to the objective, and the greedy order of the start plan.
Exact equality, not a tolerance: the same terms are summed in the same order."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from retrofit_opt import economics, evaluate, rules
from retrofit_opt.loader import load_case
from retrofit_opt.schema.vocabulary import objective as objective_spec
from retrofit_opt.schema.vocabulary import objectives
from retrofit_opt.studies.greedy import greedy_order

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate_case  # noqa: E402

sys.path.remove(str(ROOT / "bench"))


def _cases():
    out = [(path.stem, load_case(path)) for path in sorted((ROOT / "cases").glob("*.xlsx"))]
    out += [("generated 300 × 1", generate_case(300, 1, seed=3)), ("generated 120 × 3", generate_case(120, 3, seed=4))]
    return out


CASES = _cases()


def random_plans(case, count: int, seed: int):
    """Plans of random size, each project at one of its own start years."""
    rng = random.Random(seed)
    candidates = [p for p in case.projects if case.start_years(p)]
    for _ in range(count):
        chosen = rng.sample(candidates, rng.randint(0, len(candidates)))
        yield {p.id: rng.choice(case.start_years(p)) for p in chosen}


def plain_metric_totals(case, plan, metrics, year) -> dict:
    """M_m(y): Σ v_{p,m} over the chosen projects that count at ``year``, in the plan's
    order, less the overlap of every counted pair."""
    counted = [case.project(pid) for pid in plan if rules.counts_in_year(case.project(pid), plan[pid], year)]
    ids = {p.id for p in counted}
    totals = {}
    for metric in metrics:
        total = sum(p.metric(metric) for p in counted)
        for inter in case.interactions:
            if inter.project_a in ids and inter.project_b in ids:
                total -= inter.overlaps.get(metric, 0.0)
        totals[metric] = total
    return totals


def plain_contribution(case, project, start, objective) -> float:
    spec = objective_spec(objective)
    counted = rules.counts_in_year(project, start, case.evaluation_year)

    def value(name):
        if name == "capex":
            return project.capex
        if name == "npv":
            return economics.npv(project, case.parameters, start)
        return project.metric(name) if counted else 0.0

    if spec.rank_quantity is not None:
        return value(spec.rank_quantity)
    total = 0.0
    for name, weight in spec.rank_coefficients(case.parameters.weights):
        total += weight * value(name)
    return total


@pytest.mark.parametrize("name, case", CASES, ids=[name for name, _ in CASES])
def test_metric_totals_are_the_plain_sums(name, case):
    years = [None] if not case.multi_year else [case.parameters.start_year, case.evaluation_year]
    for seed, plan in enumerate(random_plans(case, 25, seed=len(case.projects))):
        for year in years:
            assert rules.metric_totals_in_year(case, plan, case.metrics, year) == \
                plain_metric_totals(case, plan, case.metrics, year), (seed, year)


def test_some_case_here_has_overlaps_and_some_is_multi_year():
    assert any(case.interactions for _, case in CASES)
    assert any(case.multi_year for _, case in CASES)


@pytest.mark.parametrize("name, case", CASES, ids=[name for name, _ in CASES])
def test_contributions_are_each_projects_own(name, case):
    for objective in objectives():
        for start in {None, *(case.start_years(case.projects[0])[:2])}:
            assert evaluate.contributions(case, case.projects, start, objective) == \
                [plain_contribution(case, p, start, objective) for p in case.projects], (objective, start)


@pytest.mark.parametrize("name, case", CASES, ids=[name for name, _ in CASES])
def test_the_greedy_order_is_benefit_per_capex_then_id(name, case):
    candidates = [p for p in case.projects if not p.excluded]
    expected = sorted(candidates, key=lambda p: (-plain_contribution(case, p, None, case.parameters.objective)
                                                 / p.capex, p.id))
    assert [p.id for p in greedy_order(case)] == [p.id for p in expected]
