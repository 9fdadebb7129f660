"""Robust variants against brute force (issue 14): the Γ-robust plan equals enumeration
over plans × every choice of Γ projects falling to their low ends; the chance-constrained
plan equals enumeration over plans on the same sampled scenarios; without ranges every
variant gives the deterministic plan."""
from __future__ import annotations

import math

import numpy as np
import pytest

from robust_cases import best, chance_ok, feasible_plans, gamma_robust, random_small_case, write_case
from retrofit_opt.loader import load_case
from retrofit_opt.studies.solve import solve_case
from retrofit_opt.studies.robust import draw_samples, solve_robust


def _close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-6)


@pytest.mark.parametrize("seed", range(24))
def test_gamma_robust_plan_equals_brute_force(tmp_path, seed):
    small = random_small_case(seed)
    case = load_case(write_case(tmp_path / "c.xlsx", small))
    for gamma in (0, 1, 2, 3):
        run = solve_robust(case, gamma=gamma, explain=False, price_curve=False)
        expected = best(small, lambda c: gamma_robust(small, c, gamma))
        got = run.result.objective if run.has_plan else None
        assert _close(got, expected), (seed, gamma, got, expected, run.result.plan)
        if run.has_plan:
            chosen = tuple(i for i in small.items if i.id in run.result.plan)
            assert gamma_robust(small, chosen, gamma)
            assert run.requirement_met


def test_price_curve_matches_separate_solves(tmp_path):
    """The persistent re-solves over Γ give the same objectives as brute force per Γ, and
    the objective never improves as Γ grows."""
    small = random_small_case(3, n=8, objectives=("max_saving",))
    case = load_case(write_case(tmp_path / "c.xlsx", small))
    run = solve_robust(case, gamma=2, explain=False)
    assert [p.gamma for p in run.price][:3] == [0.0, 1.0, 2.0]
    for point in run.price:
        expected = best(small, lambda c: gamma_robust(small, c, int(point.gamma)))
        assert _close(point.objective, expected), (point, expected)
    values = [p.objective for p in run.price if p.objective is not None]
    assert all(a >= b - 1e-9 for a, b in zip(values, values[1:]))
    assert _close(run.price[0].objective, run.deterministic_objective)


@pytest.mark.parametrize("seed", range(16))
def test_chance_constrained_plan_equals_brute_force_on_same_scenarios(tmp_path, seed):
    small = random_small_case(100 + seed)
    case = load_case(write_case(tmp_path / "c.xlsx", small))
    n, sample_seed = 40, 7 + seed
    drawn = draw_samples(case, n, sample_seed)
    savings = np.asarray(drawn.energy_saving).tolist()
    for confidence in (0.5, 0.8, 0.95):
        run = solve_robust(case, confidence=confidence, samples=n, seed=sample_seed, out_of_sample=500,
                           explain=False)
        expected = best(small, lambda c: chance_ok(small, c, savings, confidence))
        got = run.result.objective if run.has_plan else None
        assert _close(got, expected), (seed, confidence, got, expected, run.result.plan)
        if run.has_plan:
            assert all(t.in_sample >= confidence for t in run.targets)
            assert run.out_of_sample_seed != sample_seed
            t = run.targets[0]
            assert t.interval[0] <= t.out_of_sample <= t.interval[1]


def test_out_of_sample_is_estimated_on_fresh_scenarios(tmp_path):
    small = random_small_case(5, n=8, objectives=("min_cost",))
    case = load_case(write_case(tmp_path / "c.xlsx", small))
    run = solve_robust(case, confidence=0.9, samples=60, seed=11, out_of_sample=3000, explain=False)
    assert run.has_plan
    fresh = draw_samples(case, 3000, run.out_of_sample_seed)
    chosen = [k for k, i in enumerate(small.items) if i.id in run.result.plan]
    totals = np.asarray(fresh.energy_saving)[:, chosen].sum(axis=1)
    share = float(np.mean(totals >= small.target - 1e-6 * small.target))
    assert math.isclose(run.targets[0].out_of_sample, share, abs_tol=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_without_ranges_every_option_gives_the_deterministic_plan(tmp_path, seed):
    small = random_small_case(200 + seed, ranges=False)
    case = load_case(write_case(tmp_path / "c.xlsx", small, with_ranges=False))
    plain = solve_case(case, explain=False)
    variants = [dict(gamma=2), dict(gamma=5), dict(confidence=0.9, samples=30)]
    if case.parameters.objective == "max_npv":
        variants += [dict(cvar_alpha=0.95, risk_aversion=0.5, samples=30),
                     dict(cvar_alpha=0.9, risk_aversion=1.0, samples=30)]
    for options in variants:
        run = solve_robust(case, explain=False, **options)
        assert run.result.status == plain.status, options
        assert _close(run.result.objective, plain.objective), options
        if plain.objective is not None:
            values = [small.value(c) for c in feasible_plans(small)
                      if sum(i.saving for i in c) >= small.target - 1e-6 * small.target]
            optima = [c for c in feasible_plans(small) if sum(i.saving for i in c) >= small.target - 1e-6 * small.target
                      and _close(small.value(c), plain.objective)]
            if len(optima) == 1:  # a unique optimum: the very same plan
                assert set(run.result.plan) == set(plain.plan), options
            assert values
        if "cvar_alpha" in options and run.has_plan:
            assert _close(run.cvar.expected_npv, plain.objective)
            assert _close(run.cvar.cvar_npv, plain.objective)


def _fractional_robust(small, chosen, gamma: float) -> bool:
    """Bertsimas–Sim with a fractional Γ: any ⌊Γ⌋ projects fall fully and one more by
    Γ − ⌊Γ⌋; every such choice is enumerated."""
    import itertools
    whole, part = int(gamma), gamma - int(gamma)
    total = sum(i.saving for i in chosen)
    for size in range(min(whole, len(chosen)) + 1):
        for fallen in itertools.combinations(chosen, size):
            rest = [i for i in chosen if i not in fallen]
            extra = max([part * (i.saving - i.low) for i in rest], default=0.0)
            if total - sum(i.saving - i.low for i in fallen) - extra < small.target - 1e-6 * max(1.0, small.target):
                return False
    return True


@pytest.mark.parametrize("seed", range(8))
def test_fractional_gamma_equals_brute_force(tmp_path, seed):
    small = random_small_case(300 + seed)
    case = load_case(write_case(tmp_path / "c.xlsx", small))
    for gamma in (0.5, 1.5, 2.25):
        run = solve_robust(case, gamma=gamma, explain=False, price_curve=False)
        expected = best(small, lambda c: _fractional_robust(small, c, gamma))
        assert _close(run.result.objective if run.has_plan else None, expected), (seed, gamma)


def _co2_target_case(tmp_path, seed):
    """A random case with a CO2 target too; CO2 has no range of its own, so its low end
    follows the energy saving's: co2 · saving_low / saving (the rule of ranges.py, as the
    sampler's)."""
    from openpyxl import load_workbook
    small = random_small_case(400 + seed, objectives=("min_cost", "max_saving"))
    path = write_case(tmp_path / "c.xlsx", small)
    reachable = max(sum(i.co2 for i in c) for c in feasible_plans(small))
    co2_target = float(round(reachable * 0.6))
    wb = load_workbook(path)
    wb["targets"].append(["co2_reduction", None, "min_total", co2_target])
    wb.save(path)
    return small, co2_target, load_case(path)


def _robust_both(small, co2_target, chosen, gamma):
    import itertools
    ok_energy = gamma_robust(small, chosen, gamma)
    total = sum(i.co2 for i in chosen)
    for size in range(min(gamma, len(chosen)) + 1):
        for fallen in itertools.combinations(chosen, size):
            drop = sum(i.co2 - i.co2 * i.low / i.saving for i in fallen)
            if total - drop < co2_target - 1e-6 * max(1.0, co2_target):
                return False
    return ok_energy


@pytest.mark.parametrize("seed", range(8))
def test_gamma_robust_co2_target_follows_saving_range(tmp_path, seed):
    small, co2_target, case = _co2_target_case(tmp_path, seed)
    for gamma in (1, 2):
        run = solve_robust(case, gamma=gamma, explain=False, price_curve=False, out_of_sample=50)
        expected = best(small, lambda c: _robust_both(small, co2_target, c, gamma))
        assert _close(run.result.objective if run.has_plan else None, expected), (seed, gamma)
