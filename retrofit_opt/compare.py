"""Solve every scenario of a case (PRODUCT.md §1 workflow 2), the case as given first."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from retrofit_opt.case import Case, Scenario
from retrofit_opt.errors import CaseError, Problem
from retrofit_opt.pipeline import solve_case
from retrofit_opt.results import Result
from retrofit_opt.scenarios import apply_scenario

BASE = Scenario("base", "the case as given")


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    result: Result


def compare_scenarios(case: Case, *, time_limit: float | None = None, mip_gap: float | None = None,
                      explain: bool = False,
                      progress: Callable[[int, int], None] | None = None) -> list[ScenarioResult]:
    if not case.scenarios:
        raise CaseError([Problem("the case has no scenarios to compare",
                                 "add a 'scenarios' (情景) sheet with one row per scenario, e.g. a "
                                 "budget_scale column (see `retrofit-opt template`)")], case.source_name)
    runs = [BASE, *case.scenarios]
    out = []
    for k, scenario in enumerate(runs):
        variant = case if scenario is BASE else apply_scenario(case, scenario)
        out.append(ScenarioResult(scenario, solve_case(variant, time_limit=time_limit, mip_gap=mip_gap,
                                                       explain=explain)))
        if progress:
            progress(k + 1, len(runs))
    return out
