"""Solve every scenario of a case (PRODUCT.md §1 workflow 2), the case as given first."""
from __future__ import annotations

from typing import Callable

from retrofit_opt.background import InBackground
from retrofit_opt.case import Case, Scenario
from retrofit_opt.errors import CaseError, Problem
from retrofit_opt.results import Result, ScenarioResult
from retrofit_opt.scenarios import apply_scenario
from retrofit_opt.studies.solve import Prepared, prepare_case, solve_case, solve_case_then

BASE = Scenario("base", "the case as given")


def compare_scenarios(case: Case, *, time_limit: float | None = None, mip_gap: float | None = None,
                      explain: bool = False, explain_base: bool | None = None,
                      progress: Callable[[int, int], None] | None = None, executor=None,
                      on_base: Callable[[Result], None] | None = None,
                      on_stage: Callable[[str], None] | None = None) -> list[ScenarioResult]:
    """The case as given (``base``) and every scenario of its ``scenarios`` sheet, each
    solved from scratch.  ``explain`` runs the force-in explanations for every scenario;
    ``explain_base`` (default: ``explain``) for the base case only, whose Not selected
    sheet the comparison workbook shows.  ``progress(done, total)`` after each solve.
    ``executor`` (an :class:`~retrofit_opt.studies.execution.ExecutorSpec`; default: this
    process) runs the scenarios side by side; each worker receives its variant case.
    ``on_base(result)`` as soon as the base case is solved and evaluated, before the other
    scenarios end (in this process: on a thread of its own while they solve — the CLI
    starts building the base case's sheets there; what it raises is raised when the
    comparison ends).  In this process the base case's explanations run on that thread
    too, beside the other scenarios' solves (the second core; each HiGHS run in its own
    thread, on its own instance); a signal stops them both, and the command waits (a
    few seconds at most) for the explanations' current run to end before it stops.
    ``on_stage(name)`` as each stage of the base case begins (build, solve, explain)."""
    if not case.scenarios:
        raise CaseError([Problem("the case has no scenarios to compare",
                                 "add a 'scenarios' (情景) sheet with one row per scenario, e.g. a "
                                 "budget_scale column (see `retrofit-opt template`)")], case.source_name)
    runs = [BASE, *case.scenarios]
    variants = [(case if scenario is BASE else apply_scenario(case, scenario),
                 explain if scenario is not BASE or explain_base is None else explain_base) for scenario in runs]
    if executor is not None and executor.kind != "serial" and len(runs) > 1:
        return _compare_on(executor, runs, variants, time_limit, mip_gap, progress, on_base)
    pending = []  # each scenario's result, evaluated on a thread while the next one solves
    try:
        _solve_in_turn(runs, variants, pending, time_limit, mip_gap, progress, on_base, on_stage)
    except BaseException:
        for work in pending:  # a signal, or a failed solve: no HiGHS run on a thread outlives the command
            work.settle(SETTLE_SECONDS)
        raise
    return [ScenarioResult(scenario, done.result()) for scenario, done in zip(runs, pending)]


SETTLE_SECONDS = 5.0  # how long a stopping compare waits for its background work


def _solve_in_turn(runs, variants, pending, time_limit, mip_gap, progress, on_base, on_stage) -> None:
    """The serial path of :func:`compare_scenarios`: each scenario solved in turn, the
    Python work around the solves on threads (``pending`` gets each scenario's result)."""
    ahead: list = [None]  # the next scenario's preparation, started while this one solves
    for k, (scenario, (variant, explaining)) in enumerate(zip(runs, variants)):
        # The base case is prepared before the next scenario's preparation starts: both are
        # Python, and the base's is the one HiGHS waits for.
        prepared = ahead[0].prepared() if ahead[0] is not None else prepare_case(variant)
        ahead[0] = None
        following = variants[k + 1][0] if k + 1 < len(runs) else None
        previous = pending[-1] if pending else None

        def while_solving(following=following, previous=previous) -> None:
            # The Python work that fills the other core starts only once HiGHS is set up:
            # sharing the GIL with it would delay this solve's start (~0.2 s each at 10,000)
            if following is not None:
                ahead[0] = PreparedAhead(following)
            if previous is not None:
                previous.start()

        pending.append(solve_case_then(variant, time_limit=time_limit, mip_gap=mip_gap, explain=explaining,
                                       indicators=scenario is BASE, prepared=prepared, start_evaluation=False,
                                       explain_in_background=scenario is BASE, on_solving=while_solving,
                                       on_stage=on_stage if scenario is BASE else None))
        if k == 0 and on_base is not None:  # called once the base is evaluated, during the next solve
            pending[0] = InBackground(_then, pending[0], on_base, name="base-result", start_now=False)
        if progress:
            progress(k + 1, len(runs))
    pending[-1].start()


def _compare_on(executor, runs, variants, time_limit, mip_gap, progress, on_base) -> list[ScenarioResult]:
    from concurrent.futures import as_completed
    results: list[Result | None] = [None] * len(runs)
    with executor.open() as pool:
        futures = {pool.submit(solve_case, variant, time_limit=time_limit, mip_gap=mip_gap, explain=explaining,
                               indicators=k == 0): k  # the base case's sheets are written
                   for k, (variant, explaining) in enumerate(variants)}
        for done, future in enumerate(as_completed(futures), 1):
            k = futures[future]
            results[k] = future.result()
            if k == 0 and on_base is not None:
                on_base(results[0])
            if progress:
                progress(done, len(runs))
    return [ScenarioResult(scenario, result) for scenario, result in zip(runs, results)]


def _then(done, call) -> Result:
    """``call(result)`` once ``done`` (a solve being evaluated) has its result; the result."""
    result = done.result()
    call(result)
    return result


class PreparedAhead(InBackground):
    """:func:`~retrofit_opt.studies.solve.prepare_case` of the next scenario on a daemon
    thread, made while HiGHS solves the current one (it runs without the GIL): the next
    scenario's model arrays and start plan are ready when its turn comes.  Pure Python,
    nothing solved, nothing written; an interrupted run simply drops it."""

    def __init__(self, case: Case):
        super().__init__(prepare_case, case, name="prepare-scenario")

    def prepared(self) -> Prepared:
        return self.result()
