"""The nested priority list against brute force over chains S1 ⊆ S2 ⊆ S3 (real .xlsx case
files, real solver), and its ranking and greedy comparison.

Semantics checked: at the lower levels only budgets (the swept total at that level, the
other pool at its limit), exclusive groups, prerequisites and overlaps hold; mandatory
projects and targets hold at the top level only; the objective is Σ_s w_s·f_s(S_s).
"""
from __future__ import annotations

import math
import random

import pytest
from sweep_cases import random_raw

from retrofit_opt.scenarios import at_level
from retrofit_opt.loader import load_case
from retrofit_opt.studies.greedy import greedy_plan
from retrofit_opt.studies.priority import nested_priority, scenario_levels

SEEDS = range(24)


def brute_force_chain(raw, levels, weights):
    """max Σ_s w_s·f(S_s) over chains S_1 ⊆ … ⊆ S_S (S = len(levels)), enumerating subsets."""
    subsets = list(raw.subsets())
    value = {s: raw.value(s) for s in subsets}
    top = len(levels) - 1
    # best[s][S] = best Σ_{r ≤ s} w_r·f(S_r) over chains ending with S_s = S (None: infeasible)
    best_prev = {}
    for s, level in enumerate(levels):
        feasible = [S for S in subsets if (raw.keeps_all_rules(S, level) if s == top
                                           else raw.keeps_lower_rules(S, level))]
        best = {}
        for S in feasible:
            if s == 0:
                best[S] = weights[0] * value[S]
                continue
            below = [best_prev[T] for T in best_prev if T <= S]
            if below:
                best[S] = max(below) + weights[s] * value[S]
        best_prev = best
    return max(best_prev.values()) if best_prev else None


def make_levels(raw, rng):
    capex = sum(p.capex for p in raw.projects)
    fractions = sorted(rng.sample([0.15, 0.25, 0.35, 0.45, 0.55, 0.7, 0.85, 1.0], 3))
    return [float(round(capex * f)) for f in fractions]


@pytest.mark.parametrize("seed", SEEDS)
def test_nested_priority_equals_brute_force(seed, tmp_path):
    raw = random_raw(seed, n=random.Random(seed).choice([5, 6, 7, 8]))
    rng = random.Random(1000 + seed)
    levels = make_levels(raw, rng)
    weights = [rng.choice([1.0, 2.0, 0.5]) for _ in levels] if seed % 2 else None
    case = load_case(raw.write(tmp_path / "case.xlsx"))
    ranking = nested_priority(case, levels, "total", weights, mip_gap=0)
    expected = brute_force_chain(raw, levels, weights or [1.0] * len(levels))
    if expected is None:
        assert ranking.status == "infeasible"
        assert not ranking.plans and not ranking.entries
        return
    assert ranking.status == "optimal"
    plans = [frozenset(plan) for plan in ranking.plans]
    w = weights or [1.0] * len(levels)
    # the tool's portfolios are a feasible chain whose value is the brute-force optimum
    assert all(plans[s] <= plans[s + 1] for s in range(len(plans) - 1))
    for s, (plan, level) in enumerate(zip(plans, levels)):
        ok = raw.keeps_all_rules(plan, level) if s == len(levels) - 1 else raw.keeps_lower_rules(plan, level)
        assert ok, (s, sorted(plan))
    achieved = sum(w[s] * raw.value(plans[s]) for s in range(len(levels)))
    assert math.isclose(achieved, expected, rel_tol=1e-9, abs_tol=1e-6), (achieved, expected)
    assert math.isclose(ranking.objective_value, expected, rel_tol=1e-9, abs_tol=1e-6)
    for s, row in enumerate(ranking.comparison):
        assert math.isclose(row.objective, raw.value(plans[s]), rel_tol=1e-9, abs_tol=1e-6)
        assert row.weight == w[s] and row.budget == levels[s]


@pytest.mark.parametrize("seed", range(6))
def test_rank_is_the_first_level_that_funds_a_project(seed, tmp_path):
    raw = random_raw(100 + seed, n=8)
    levels = make_levels(raw, random.Random(seed))
    case = load_case(raw.write(tmp_path / "case.xlsx"))
    ranking = nested_priority(case, levels, mip_gap=0)
    if not ranking.plans:
        return
    entries = {e.project_id: e for e in ranking.entries}
    assert set(entries) == set(ranking.plans[-1])
    for pid, entry in entries.items():
        first = min(s for s, plan in enumerate(ranking.plans) if pid in plan)
        assert entry.level == first + 1 and entry.budget == levels[first]
    ranks = [e.rank for e in ranking.entries]
    assert ranks == list(range(1, len(ranks) + 1))
    assert [e.level for e in ranking.entries] == sorted(e.level for e in ranking.entries)


def greedy_by_hand(raw, level):
    """Fund by benefit per 万元 (energy saving for max_saving, CO2 for max_co2, the weighted
    score otherwise; ties by id), skipping what does not fit in the total budget ``level``
    or in the fund_a budget."""
    def benefit(p):
        if raw.objective == "max_co2":
            return p.co2
        if raw.objective == "weighted":
            return sum(w * {"energy_saving": p.energy, "co2_reduction": p.co2, "capex": p.capex}[k]
                       for k, w in raw.weights.items())
        return p.energy
    chosen, spent, spent_a = [], 0.0, 0.0
    for p in sorted(raw.projects, key=lambda p: (-benefit(p) / p.capex, p.id)):
        own = p.capex if p.pool == "fund_a" else 0.0
        if spent + p.capex <= level + 1e-9 and (raw.fund_a is None or spent_a + own <= raw.fund_a + 1e-9):
            chosen.append(p.id)
            spent += p.capex
            spent_a += own
    return frozenset(chosen)


@pytest.mark.parametrize("seed", range(8))
def test_greedy_comparison_and_loss(seed, tmp_path):
    raw = random_raw(200 + seed, n=8)
    levels = make_levels(raw, random.Random(seed))
    case = load_case(raw.write(tmp_path / "case.xlsx"))
    ranking = nested_priority(case, levels, mip_gap=0)
    for s, row in enumerate(ranking.comparison):
        picks = greedy_by_hand(raw, levels[s])
        assert frozenset(greedy_plan(at_level(case, "total", levels[s]))) == picks
        assert math.isclose(row.greedy_objective, raw.value(picks), rel_tol=1e-9, abs_tol=1e-6)
        top = s == len(levels) - 1
        assert row.greedy_feasible == (raw.keeps_all_rules(picks, levels[s]) if top
                                       else raw.keeps_lower_rules(picks, levels[s]))
        if row.objective is not None:
            assert math.isclose(row.greedy_loss, row.objective - row.greedy_objective)
    # at the top level, a greedy plan that keeps every rule never beats the optimum
    last = ranking.comparison[-1]
    if last.objective is not None and last.greedy_feasible:
        assert last.greedy_loss >= -1e-6


def test_min_cost_case_is_ranked_by_energy_saving(tmp_path):
    raw = random_raw(7, n=7, objective="max_saving")
    levels = make_levels(raw, random.Random(7))
    case = load_case(raw.write(tmp_path / "case.xlsx", objective="min_cost"))
    ranking = nested_priority(case, levels, mip_gap=0)
    assert ranking.objective == "max_saving"
    expected = brute_force_chain(raw, levels, [1.0] * 3)
    if expected is not None:
        assert math.isclose(ranking.objective_value, expected, rel_tol=1e-9, abs_tol=1e-6)


def test_scenarios_that_set_the_pool_budget_are_the_levels_with_their_weights(tmp_path):
    raw = random_raw(3, n=6)
    scenarios = [["name", "budget:total", "weight"], ["low", 150, 3], ["high", 400, 1], ["mid", 250, 2]]
    case = load_case(raw.write(tmp_path / "case.xlsx", scenarios=scenarios))
    assert scenario_levels(case, "total") == ([150.0, 400.0, 250.0], [3.0, 1.0, 2.0])
    assert scenario_levels(case, "fund_a") is None
    levels, weights = scenario_levels(case, "total")
    ranking = nested_priority(case, levels, "total", weights, mip_gap=0)
    assert ranking.levels == [150.0, 250.0, 400.0] and ranking.weights == [3.0, 2.0, 1.0]
    expected = brute_force_chain(raw, [150.0, 250.0, 400.0], [3.0, 2.0, 1.0])
    if expected is not None:
        assert math.isclose(ranking.objective_value, expected, rel_tol=1e-9, abs_tol=1e-6)
    mixed = [["name", "budget:total", "target_scale"], ["a", 150, 1.1]]
    case = load_case(raw.write(tmp_path / "mixed.xlsx", scenarios=mixed))
    assert scenario_levels(case, "total") is None
