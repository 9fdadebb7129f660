"""``rules.total_draw`` (the plan evaluation's spend per budget row) against the rule it
shortens: Σ ``option_draw`` over the chosen (project, start) pairs, compared bit for bit on
random cases, random funding cases (pools, subsidy shares, enterprise / sector / category
rows; single period and multi-year) and random plans, for every budget row of the case and
for rows of every pool and group."""
from __future__ import annotations

import random

import pytest

from funding_cases import write_funding_case
from random_cases import random_case
from retrofit_opt.errors import CaseError
from retrofit_opt.case import SUBSIDY_POOL, TOTAL_POOL, Budget
from retrofit_opt.loader import load_case
from retrofit_opt.rules import horizon_of, option_draw, total_draw


def rows_to_check(case):
    rows = list(case.budgets)
    pools = {TOTAL_POOL, SUBSIDY_POOL} | {p.budget_pool for p in case.projects} | {"no such pool"}
    rows += [Budget(pool, 1.0) for pool in sorted(pools)]
    for kind in ("enterprise", "sector", "category"):
        for value in sorted({getattr(p, kind) for p in case.projects if getattr(p, kind, None)}):
            rows += [Budget(pool, 1.0, group=(kind, value)) for pool in sorted(pools)]
    if case.multi_year:
        rows += [Budget(pool, 1.0, year) for pool in sorted(pools) for year in case.years]
    return rows


def random_plans(case, rng, count=6):
    for _ in range(count):
        chosen = []
        for project in case.projects:
            starts = case.start_years(project)
            if starts and rng.random() < 0.6:
                chosen.append((project, rng.choice(starts)))
        yield chosen


def check(case, seed):
    rng = random.Random(seed)
    horizon = horizon_of(case)
    checked = 0
    for chosen in random_plans(case, rng):
        for budget in rows_to_check(case):
            want = sum(option_draw(project, start, budget, horizon) for project, start in chosen)
            got = total_draw(chosen, budget, horizon)
            assert got == want and type(got) is type(want), (budget, got, want)
            checked += 1
    return checked


def test_total_draw_is_the_sum_of_option_draws_on_random_cases(tmp_path):
    checked = valid = 0
    for seed in range(60):
        try:  # some random cases are built to break a rule (e.g. forced-in exclusive projects)
            case = load_case(random_case(seed).write(tmp_path / f"case{seed}.xlsx"))
        except CaseError:
            continue
        valid += 1
        checked += check(case, seed)
    assert valid >= 40 and checked > 1000


@pytest.mark.parametrize("multi_year", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_total_draw_is_the_sum_of_option_draws_on_funding_cases(seed, multi_year, tmp_path):
    case = load_case(write_funding_case(tmp_path / "case.xlsx", seed, multi_year))
    assert any(b.group is not None for b in rows_to_check(case))
    assert check(case, seed) > 0
