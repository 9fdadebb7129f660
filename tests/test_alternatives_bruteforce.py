"""The alternatives study against brute force (tests/alternatives_oracle.py).

Each seed writes a small random case as a real .xlsx workbook, loads it, runs
:func:`retrofit_opt.studies.alternatives.find_alternatives` (real HiGHS), enumerates every
plan of the case, and checks:

* plan 1 is the optimum (or the best plan under --keep/--drop conditions);
* every reported plan is feasible (the oracle's own checker), its objective is the
  oracle's and lies within E of the true optimum (of the best plan under the conditions);
* the plans are distinct, and there are min(count, plans within E) of them;
* each alternative is as different as possible: its least Hamming distance to the plans
  before it equals the largest any remaining plan within E has;
* core / optional / never equal the classes of the enumerated plans within E — both when
  the classes are proven by re-solves and when they are read off a complete count;
* the count of distinct plans within E (``enumerate_cap``) is exact, or capped when the
  cap is below it;
* with conditions: the best plan under them is the brute-force best under them, and the
  reported cost is optimum − that best;
* multi-year: plans differing only in start years are one plan unless ``by_start_year``.

E is drawn per seed and nudged so that no plan lies within 1e-6 (relative) of the
threshold: there the tolerances of a solver, not the model, would decide.
"""
from __future__ import annotations

import math
import random

import pytest

from retrofit_opt.errors import CaseError

import alternatives_oracle as ao
import multiyear_oracle as my
import oracle
from random_cases import random_case as rich_random_case
from workbooks import write_workbook
from retrofit_opt.loader import load_case
from retrofit_opt.studies.alternatives import find_alternatives

SEEDS = range(50)
RICH_SEEDS = [s for s in range(60) if 1 + s % 14 <= 9][:24]  # tests/random_cases.py, ≤ 9 projects
MY_SEEDS = range(24)
WITHIN = (0.0, 0.02, 0.05, 0.1, 0.2, 0.4)


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


def check_study(result, plans_all, minimise, within, count, units_of, selectable, all_ids, feasible, value_of):
    """The common checks; ``plans_all`` are the oracle's (plan, value) under the study's conditions."""
    reference = ao.best(plans_all, minimise)
    assert result.status == "optimal", result.message
    assert close(result.reference, reference), (result.reference, reference)
    inside = ao.band(plans_all, reference, within, minimise)
    distinct = {units_of(p) for p, _ in inside}
    reported = [units_of(a.plan) for a in result.plans]
    assert close(result.plans[0].objective, reference)
    for a in result.plans:
        assert feasible(a.plan), a.plan
        assert close(value_of(a.plan), a.objective)
        assert ao.is_within(a.objective, reference, within, minimise), (a.objective, reference, within)
    assert len(set(reported)) == len(reported), "plans repeat"
    assert len(reported) == min(count, len(distinct)), (len(reported), len(distinct))
    assert result.exhausted == (len(distinct) < count)
    for k in range(1, len(reported)):
        want = ao.best_next_distance(distinct, reported[:k])
        got = min(len(reported[k] ^ r) for r in reported[:k])
        assert got == want == result.plans[k].distance, (k, got, want, result.plans[k].distance)
    want_classes = ao.classes([frozenset(pid for pid in _ids(u)) for u in distinct], selectable, all_ids)
    got_classes = {pid: c.kind for pid, c in result.classes.items()}
    assert got_classes == want_classes
    return distinct


def _ids(units):
    return {u[0] if isinstance(u, tuple) else u for u in units}


# ---------------------------------------------------------------------- single period
def _sp_setup(tmp_path, seed):
    case = ao.random_sp_case(seed)
    path = write_workbook(tmp_path / f"sp_{seed}.xlsx", ao.sp_sheets(case))
    return case, load_case(path)


def _sp_feasible(problem):
    return lambda plan: not oracle.violations(problem, set(plan))


def _sp_value(problem):
    return lambda plan: oracle.objective(problem, set(plan))


def _selectable(problem):
    return {p.id for p in problem.projects if not p.excluded}


@pytest.mark.parametrize("seed", SEEDS)
def test_alternatives_and_classes_match_brute_force(tmp_path, seed):
    case, loaded = _sp_setup(tmp_path, seed)
    rng = random.Random(seed)
    problem = case.problem
    plans_all = ao.sp_plans(case)
    count = rng.choice([1, 3, 5, 8])
    if not plans_all:
        result = find_alternatives(loaded, within=0.02, count=count)
        assert result.status == "infeasible" and result.plans == [] and result.exit_code == 1
        return
    optimum = ao.best(plans_all, case.minimise)
    within = ao.clear_within([v for _, v in plans_all], optimum, rng.choice(WITHIN), case.minimise)
    result = find_alternatives(loaded, within=within, count=count)
    assert close(result.optimum, optimum)
    assert result.exact
    distinct = check_study(result, plans_all, case.minimise, within, count, frozenset, _selectable(problem),
                           [p.id for p in problem.projects], _sp_feasible(problem), _sp_value(problem))
    # counting: exact up to the cap (or when the alternatives already found every plan), capped
    # above it; the classes read off a complete count agree with the proven ones
    cap = rng.choice([len(distinct), len(distinct) + 3, max(1, len(distinct) - 1)])
    counted = find_alternatives(loaded, within=within, count=count, enumerate_cap=cap)
    if len(distinct) <= max(cap, len(result.plans)):
        assert (counted.plans_within, counted.plans_within_capped) == (len(distinct), False)
        assert all(c.reason in ("enumerated", "mandatory", "not_selectable") for c in counted.classes.values())
    else:
        assert counted.plans_within_capped and counted.plans_within >= cap
    assert {p: c.kind for p, c in counted.classes.items()} == {p: c.kind for p, c in result.classes.items()}


@pytest.mark.parametrize("seed", RICH_SEEDS)
def test_rich_random_cases_match_brute_force(tmp_path, seed):
    """tests/random_cases.py: pools, subsidies, interactions, weighted objectives, benefit
    metrics, Chinese headers and unit conversions."""
    rc = rich_random_case(seed)
    problem = rc.problem
    sp = ao.SPCase(problem)
    plans_all = ao.sp_plans(sp)
    try:
        loaded = load_case(rc.write(tmp_path / f"rich_{seed}.xlsx"))
    except CaseError as err:
        # Mandatory propagated through prerequisites (issue 18): validate refuses a forced
        # chain into an exclusive group or an excluded project — brute force must agree
        # that no plan exists.
        assert err.errors and all("through their prerequisites" in e.message or "which is excluded" in e.message
                                  for e in err.errors), err.report()
        assert not plans_all, "validate refused a case that brute force finds plans for"
        return
    if not plans_all:
        assert find_alternatives(loaded, count=3).status == "infeasible"
        return
    rng = random.Random(seed + 1000)
    optimum = ao.best(plans_all, problem.minimise)
    within = ao.clear_within([v for _, v in plans_all], optimum, rng.choice(WITHIN), problem.minimise)
    count = rng.choice([2, 4, 6])
    result = find_alternatives(loaded, within=within, count=count)
    check_study(result, plans_all, problem.minimise, within, count, frozenset, _selectable(problem),
                [p.id for p in problem.projects], _sp_feasible(problem), _sp_value(problem))


def _conditions(case: ao.SPCase, rng: random.Random):
    """Conditions the request check accepts: keep a selectable project, drop a
    non-mandatory one, keep / drop an enterprise."""
    problem = case.problem
    keepable = [p.id for p in problem.projects if not p.excluded]
    droppable = [p.id for p in problem.projects if not p.mandatory]
    kind = rng.choice(["keep", "drop", "keep_ent", "drop_ent", "mixed"])
    keep, drop, keep_ent, drop_ent = [], [], [], []
    if kind in ("keep", "mixed") and keepable:
        keep = [rng.choice(keepable)]
    if kind in ("drop", "mixed"):
        drop = [pid for pid in rng.sample(droppable, k=min(len(droppable), rng.randint(1, 2))) if pid not in keep]
    if kind == "keep_ent":
        keep_ent = [rng.choice(sorted(set(case.enterprise.values())))]
    if kind == "drop_ent":
        mandatory_ents = {case.enterprise[p.id] for p in problem.projects if p.mandatory}
        choices = sorted(set(case.enterprise.values()) - mandatory_ents)
        drop_ent = choices[:1]
    return keep, drop, keep_ent, drop_ent


@pytest.mark.parametrize("seed", range(30))
def test_keep_and_drop_give_the_brute_force_best_under_the_condition(tmp_path, seed):
    case, loaded = _sp_setup(tmp_path, seed)
    rng = random.Random(seed + 7)
    problem = case.problem
    keep, drop, keep_ent, drop_ent = _conditions(case, rng)
    unconditioned = ao.sp_plans(case)
    conditioned = ao.sp_plans(case, keep, drop, keep_ent, drop_ent)
    kwargs = dict(keep=keep, drop=drop, keep_enterprises=keep_ent, drop_enterprises=drop_ent)
    if not conditioned:
        result = find_alternatives(loaded, count=3, **kwargs)
        assert result.status == "infeasible" and not result.plans
        return
    reference = ao.best(conditioned, case.minimise)
    within = ao.clear_within([v for _, v in conditioned], reference, rng.choice(WITHIN), case.minimise)
    count = rng.choice([2, 4])
    result = find_alternatives(loaded, within=within, count=count, **kwargs)
    optimum = ao.best(unconditioned, case.minimise)
    assert close(result.optimum, optimum)
    assert result.plans[0].role == "best_under_conditions"
    assert close(result.condition_cost, (reference - optimum) if case.minimise else (optimum - reference))
    for a in result.plans:
        assert all(pid in a.plan for pid in keep) and not any(pid in a.plan for pid in drop)
        assert not any(case.enterprise[pid] in drop_ent for pid in a.plan)
        assert all(any(case.enterprise[pid] == e for pid in a.plan) for e in keep_ent)
        assert close(a.loss, (a.objective - optimum) if case.minimise else (optimum - a.objective))
    check_study(result, conditioned, case.minimise, within, count, frozenset, _selectable(problem),
                [p.id for p in problem.projects], _sp_feasible(problem), _sp_value(problem))


def test_the_random_cases_cover_what_matters():
    """Worth something only if the seeds reach every class, ties, negative optima, the
    count cap and exhausted bands."""
    seen = {"core": 0, "optional": 0, "never": 0, "exhausted": 0, "min_cost": 0, "max_npv<=0": 0, "E=0 ties": 0}
    for seed in SEEDS:
        case = ao.random_sp_case(seed)
        plans_all = ao.sp_plans(case)
        if not plans_all:
            continue
        optimum = ao.best(plans_all, case.minimise)
        rng = random.Random(seed)
        count = rng.choice([1, 3, 5, 8])
        within = ao.clear_within([v for _, v in plans_all], optimum, rng.choice(WITHIN), case.minimise)
        inside = ao.band(plans_all, optimum, within, case.minimise)
        for kind in ao.classes([s for s, _ in inside], _selectable(case.problem),
                               [p.id for p in case.problem.projects]).values():
            seen[kind] += 1
        seen["exhausted"] += len(inside) < count
        seen["min_cost"] += case.minimise
        seen["max_npv<=0"] += case.problem.objective == "max_npv" and optimum <= 0
        seen["E=0 ties"] += within == 0 and len(inside) > 1
    assert all(v >= 1 for v in seen.values()), seen
    assert seen["core"] >= 20 and seen["optional"] >= 20 and seen["never"] >= 20, seen


# ---------------------------------------------------------------------- multi-year
@pytest.mark.parametrize("seed", MY_SEEDS)
@pytest.mark.parametrize("by_start_year", [False, True])
def test_multiyear_plans_differ_by_start_year_only_when_asked(tmp_path, seed, by_start_year):
    case = my.random_case(seed)
    path = write_workbook(tmp_path / f"my_{seed}.xlsx", my.case_sheets(case, "zh" if seed % 2 else "en"))
    loaded = load_case(path)
    plans_all = ao.my_plans(case)
    rng = random.Random(seed + 99)
    count = rng.choice([3, 5, 8])
    if not plans_all:
        assert find_alternatives(loaded, count=count, by_start_year=by_start_year).status == "infeasible"
        return
    minimise = my.minimising(case)
    optimum = ao.best(plans_all, minimise)
    within = ao.clear_within([v for _, v in plans_all], optimum, rng.choice(WITHIN), minimise)
    result = find_alternatives(loaded, within=within, count=count, by_start_year=by_start_year)
    units_of = (lambda plan: ao.my_units(plan, by_start_year))
    selectable = {p.id for p in case.projects if my.start_options(case, p)}
    distinct = check_study(result, plans_all, minimise, within, count, units_of, selectable,
                           [p.id for p in case.projects], lambda plan: not my.violations(case, plan),
                           lambda plan: my.objective(case, plan))
    counted = find_alternatives(loaded, within=within, count=1, by_start_year=by_start_year,
                                enumerate_cap=len(distinct) + 1)
    assert (counted.plans_within, counted.plans_within_capped) == (len(distinct), False)
    if not by_start_year:
        by_year = {ao.my_units(p, True) for p, v in ao.band(plans_all, optimum, within, minimise)}
        assert len(distinct) <= len(by_year)
