"""From the ``sweep`` options as a user writes them (pool and quantity names in English or
Chinese, level counts) to a :func:`retrofit_opt.frontier.run_sweep` call — shared by
``retrofit-opt sweep`` and ``sweep`` rows of a batch, so that both run the same study.
Pool and quantity names are matched through :mod:`retrofit_opt.schema.vocabulary`."""
from __future__ import annotations

from retrofit_opt import schema
from retrofit_opt.case import SUBSIDY_POOL, TOTAL_POOL, Case
from retrofit_opt.errors import RetrofitError


class OptionError(RetrofitError):
    """An option value that does not fit the case (exit 2); ``option`` names it, e.g. ``--pool``."""

    exit_code = 2

    def __init__(self, message: str, option: str):
        super().__init__(message)
        self.message, self.option = message, option


def resolve_pool(case: Case, text: str) -> str:
    """The case's pool that ``text`` names (matched like headers; 总预算 = total, 补贴资金 = subsidy)."""
    from retrofit_opt.schema.vocabulary import pool_alias
    pools = [TOTAL_POOL] + [b.pool for b in case.budgets] + [p.budget_pool for p in case.projects]
    if any(p.subsidy_rate > 0 for p in case.projects):
        pools.append(SUBSIDY_POOL)
    pools = list(dict.fromkeys(pools))
    wanted = schema.normalise_name(pool_alias(text) or text)
    for pool in pools:
        if schema.normalise_name(pool) == wanted:
            return pool
    raise OptionError(f"unknown budget pool '{text}'; the case's pools are: {', '.join(pools)}", "--pool")


def resolve_quantity(case: Case, text: str) -> str | None:
    from retrofit_opt.schema.vocabulary import quantity_alias
    if quantity_alias(text) is not None:
        return quantity_alias(text)
    wanted = schema.normalise_name(text)
    for metric in case.metric_units:
        if schema.normalise_name(metric) == wanted:
            return metric
    metric = schema.metric_lookup().get(wanted)
    return metric if metric in case.metric_units else None


def resolve_pareto(case: Case, text: str) -> tuple[str, str]:
    """``X:Y`` (e.g. ``capex:co2_reduction``); a ``benefit:<name>`` metric keeps its colon."""
    for k, char in enumerate(text):
        if char == ":":
            x, y = resolve_quantity(case, text[:k]), resolve_quantity(case, text[k + 1:])
            if x and y:
                if x == y:
                    raise OptionError(f"'{text}' names {x} twice; give two different quantities", "--pareto")
                return x, y
    names = ", ".join(["capex", "npv", *case.metric_units])
    raise OptionError(f"'{text}' is not X:Y with X and Y among: {names} (e.g. capex:co2_reduction)", "--pareto")


def check_range(budget_from: float, budget_to: float) -> None:
    if budget_from > budget_to:
        raise OptionError(f"--budget-from ({budget_from:g}) is above --budget-to ({budget_to:g}); "
                          "give the lower level first", "--budget-from")


PRIORITY_AUTO_BINARIES = 1000
"""Without ``--priority``/``--no-priority`` the priority list is built only when its nested
model is small: at most this many binaries (levels × start options), e.g. 5 levels of a
200-project single-period case.  Its one MIP holds a copy of the selection model per
level, and beyond park size it can take longer than the whole sweep (measured on a
generated 500-project case, gap 1e-4: 5 levels 61 s, stopped at the time limit, against
29 s for 20 sweep levels)."""


def priority_is_cheap(case: Case, levels: int) -> bool:
    """Is the nested priority model of ``levels`` levels small enough to build unasked?"""
    options = sum(len(case.start_years(p)) for p in case.projects if not p.excluded)
    return levels * options <= PRIORITY_AUTO_BINARIES


def sweep_from_options(case: Case, *, budget_from: float, budget_to: float, steps: int = 11, pool: str = "total",
                       pareto: str | None = None, pareto_steps: int = 11, priority: bool | None = None,
                       priority_steps: int | None = None, time_limit: float | None = None,
                       mip_gap: float | None = None, executor=None, progress=None, variant=None):
    """The study ``retrofit-opt sweep`` runs, from its options (see its ``--help``).
    ``priority``: True builds the priority list, False does not, None (the default) builds
    it when that is cheap (:func:`priority_is_cheap`); ``run.options["priority"]`` says
    whether it was built."""
    from retrofit_opt.scenarios import budget_levels
    from retrofit_opt.studies.priority import scenario_levels
    from retrofit_opt.studies.sweep import run_sweep
    check_range(budget_from, budget_to)
    swept_pool = resolve_pool(case, pool)
    axes = resolve_pareto(case, pareto) if pareto else None
    levels = budget_levels(budget_from, budget_to, steps)
    priority_levels = weights = None
    weights_from = "equal"
    if priority or priority is None:
        from_scenarios = scenario_levels(case, swept_pool)
        if from_scenarios is not None:
            priority_levels, weights = from_scenarios
            weights_from = "scenarios"
        else:
            count = priority_steps or min(steps, 5)
            priority_levels = [v for v in dict.fromkeys(budget_levels(budget_from, budget_to, count)) if v > 0]
    skipped = priority is None and bool(priority_levels) and not priority_is_cheap(case, len(priority_levels))
    if skipped:
        priority_levels = weights = None
    run = run_sweep(case, levels, swept_pool, pareto=axes, pareto_steps=pareto_steps,
                    priority_levels=priority_levels or None, priority_weights=weights, weights_from=weights_from,
                    time_limit=time_limit, mip_gap=mip_gap, executor=executor, progress=progress,
                    variant=variant)
    run.options["priority"] = run.priority is not None
    if skipped:
        run.options["priority_auto_skipped"] = True
    return run
