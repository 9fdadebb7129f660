"""``sweep`` on the array path (issue 19): the budget levels and the least budget are solved
from :func:`retrofit_opt.model.arrays.model_arrays` unless a robust variant needs Pyomo.

Proven here against the Pyomo model of record: the LP after a level's row bound changes
(``ArraySolver.set_row_upper`` against ``set_budget_limit``) and the least budget's LP
(``model_arrays(minimise_spend=row)`` against ``set_objective(budget_spend)``) are the same
LP entry by entry, and a whole sweep gives the same statuses and objectives (mip_gap 0) on
the bundled cases, random funding cases and random multi-year cases; and the array sweep's
frontier is the brute-force frontier on small award cases.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

import multiyear_oracle
import retrofit_opt
from funding_cases import write_funding_case
from retrofit_opt import evaluate
from retrofit_opt.case import Budget
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model.arrays import model_arrays
from retrofit_opt.scenarios import at_level, with_horizon_row
from retrofit_opt.solve import ArraySolver, Solver
from retrofit_opt.studies import sweep as sweep_module
from test_model_arrays import dense
from workbooks import write_workbook

CASES = Path(__file__).resolve().parents[1] / "cases"


def same_lp(ours, theirs) -> None:
    ours, theirs = dense(ours), dense(theirs)
    assert (ours["n"], ours["m"], ours["sense"]) == (theirs["n"], theirs["m"], theirs["sense"])
    for key in ("col_lower", "col_upper", "cost", "row_lower", "row_upper", "matrix"):
        assert np.array_equal(ours[key], theirs[key]), key
    assert ours["integrality"] == theirs["integrality"]
    if ours["terms"] is not None and theirs["terms"] is not None:
        assert ours["terms"] == theirs["terms"]


def pyomo_lp(model):
    solver = Solver(model, 60, 1e-4)
    solver.opt.set_instance(model)
    return solver.highs().getLp()


def funding_case(tmp_path, seed, multi_year, n=7):
    return retrofit_opt.load_case(write_funding_case(tmp_path / f"f{seed}{multi_year}.xlsx", seed, multi_year, n))


def multiyear_case(tmp_path, seed):
    case = multiyear_oracle.random_case(seed)
    return retrofit_opt.load_case(write_workbook(tmp_path / f"m{seed}.xlsx",
                                                 multiyear_oracle.case_sheets(case, "en", "万元")))


def some_cases(tmp_path):
    yield "tiny", retrofit_opt.load_case(CASES / "tiny.xlsx")
    yield "ganhe_awards", retrofit_opt.load_case(CASES / "ganhe_awards_2024.xlsx")
    yield "qinghai", retrofit_opt.load_case(CASES / "qinghai_2025.xlsx")
    for seed in range(4):
        for multi in (False, True):
            yield f"funding {seed} {multi}", funding_case(tmp_path, seed, multi)
    for seed in range(0, 12, 3):
        yield f"multiyear {seed}", multiyear_case(tmp_path, seed)


def test_a_level_is_the_same_lp_as_pyomos_changed_limit(tmp_path):
    for name, case in some_cases(tmp_path):
        swept, row = with_horizon_row(case, "total", 1e9)
        data = ModelData.from_case(swept)
        arrays = model_arrays(data)
        solver = ArraySolver(arrays, 60, 1e-4)
        model = build_model(data)
        pyomo = Solver(model, 60, 1e-4)
        pyomo.opt.set_instance(model)
        pyomo.only_parameter_changes()
        level = 0.37 * sum(p.capex for p in case.projects)
        solver.set_row_upper(arrays.budget_row(row), level)
        from retrofit_opt.model.variants import set_budget_limit
        set_budget_limit(model, row, level)
        pyomo.opt.update()  # push the changed parameter to HiGHS as a solve would
        same_lp(solver.highs.getLp(), pyomo.highs().getLp())
        assert solver.arrays.row_upper[arrays.budget_row(row)] == level, name


def test_the_least_budget_is_the_same_lp_as_pyomos(tmp_path):
    from retrofit_opt.model.families import budget_spend
    from retrofit_opt.model.variants import set_objective
    for name, case in some_cases(tmp_path):
        for pool in dict.fromkeys(["total", *(b.pool for b in case.budgets)]):
            data = ModelData.from_case(case)
            row = Budget(pool, 0.0)
            model = build_model(data)
            set_objective(model, budget_spend(model, data, row), minimise=True)
            ours = ArraySolver(model_arrays(data, minimise_spend=row), 60, 1e-4).highs.getLp()
            same_lp(ours, pyomo_lp(model))


def sweep_both_ways(case, levels):
    swept, row = with_horizon_row(case, "total", max(levels))
    out = []
    for pyomo in (False, True):
        sweeper = sweep_module._Sweeper(swept, row, 60, 0.0, True, pyomo=pyomo)
        assert sweeper.pyomo == pyomo
        out.append([sweeper.solve(level) for level in levels])
    return out


def test_a_sweep_gives_the_same_frontier_on_both_paths(tmp_path):
    compared = 0
    for name, case in some_cases(tmp_path):
        capex = sum(p.capex for p in case.projects)
        levels = [round(capex * f) for f in (0.1, 0.25, 0.4, 0.6, 0.9)]
        arrays, pyomo = sweep_both_ways(case, levels)
        for a, b in zip(arrays, pyomo):
            assert a.status == b.status, (name, a.level)
            if b.objective is not None:
                assert a.objective == pytest.approx(b.objective, rel=1e-9, abs=1e-6), (name, a.level)
                assert not evaluate.plan_violations(at_level(case, "total", a.level), a.plan), (name, a.level)
                compared += 1
    assert compared >= 20


def test_least_budget_agrees_on_both_paths(tmp_path):
    agreed = 0
    for name, case in some_cases(tmp_path):
        for pool in dict.fromkeys(["total", *(b.pool for b in case.budgets)]):
            ours = sweep_module.least_budget(case, pool, mip_gap=0.0)
            theirs = sweep_module.least_budget(case, pool, mip_gap=0.0, pyomo=True)
            assert ours.status == theirs.status, (name, pool)
            if theirs.budget is not None:
                assert ours.budget == pytest.approx(theirs.budget, rel=1e-9, abs=1e-6), (name, pool)
                agreed += 1
    assert agreed >= 20


def test_the_robust_variant_keeps_the_pyomo_path(tmp_path):
    """A variant edits Pyomo components: the sweeper then builds the Pyomo model."""
    case = retrofit_opt.load_case(CASES / "tiny.xlsx")
    swept, row = with_horizon_row(case, "total", 1000)

    class Variant:
        applied = False

        def apply(self, model, data):
            Variant.applied = True

    sweeper = sweep_module._Sweeper(swept, row, 60, 0.0, True, variant=Variant())
    assert sweeper.pyomo and Variant.applied
    assert sweep_module._Sweeper(swept, row, 60, 0.0, True).pyomo is False


# --------------------------------------------------------------------- brute-force frontier
def brute_best(case, level):
    """The best objective over every plan of a small case at a budget level (evaluate only)."""
    leveled = at_level(case, "total", level)
    data = ModelData.from_case(leveled)
    best = None
    sign = -1.0 if case.parameters.objective == "min_cost" else 1.0
    for combo in itertools.product(*([None] + opts for opts in data.project_options)):
        plan = {case.projects[data.options[i][0]].id: data.options[i][1] for i in combo if i is not None}
        if evaluate.plan_violations(leveled, plan):
            continue
        value = evaluate.objective_value(leveled, plan)
        if best is None or sign * value > sign * best:
            best = value
    return best


@pytest.mark.parametrize("seed, multi_year", [(s, m) for s in range(4) for m in (False, True)])
def test_the_array_sweep_is_the_brute_force_frontier_on_award_cases(tmp_path, seed, multi_year):
    case = funding_case(tmp_path, seed, multi_year, n=5 if not multi_year else 4)
    capex = sum(p.capex for p in case.projects)
    levels = [round(capex * f) for f in (0.15, 0.35, 0.6, 1.0)]
    points = sweep_module.budget_sweep(case, levels, mip_gap=0.0)
    for point in points:
        best = brute_best(case, point.level)
        if best is None:
            assert point.objective is None  # less budget cannot carry a plan up to here
        else:
            assert point.objective == pytest.approx(best, rel=1e-9, abs=1e-6), point.level


# ------------------------------------------------------------- the priority list: auto
def run_sweep_cli(tmp_path, *flags):
    from click.testing import CliRunner
    from retrofit_opt.cli import main
    out = tmp_path / "tiny_sweep.xlsx"
    result = CliRunner().invoke(main, ["sweep", str(CASES / "tiny.xlsx"), "--budget-from", "120", "--budget-to",
                                       "200", "--steps", "3", *flags, "-o", str(out), "--json"])
    assert result.exit_code in (0, 1), result.output
    import json
    return json.loads(result.stdout), result.stderr, out


def test_priority_is_built_unasked_on_a_small_case(tmp_path):
    data, line, _ = run_sweep_cli(tmp_path)
    assert "priority" in data and data["options"]["priority"] is True and "not built" not in line


def test_priority_is_skipped_unasked_on_a_large_case_and_built_when_asked(tmp_path, monkeypatch):
    from retrofit_opt.studies import sweep_setup
    case = retrofit_opt.load_case(CASES / "tiny.xlsx")
    options = len(ModelData.from_case(case).options)
    assert sweep_setup.priority_is_cheap(case, sweep_setup.PRIORITY_AUTO_BINARIES // options)
    assert not sweep_setup.priority_is_cheap(case, sweep_setup.PRIORITY_AUTO_BINARIES // options + 1)
    monkeypatch.setattr(sweep_setup, "PRIORITY_AUTO_BINARIES", 2 * options)  # tiny counts as large here
    data, line, out = run_sweep_cli(tmp_path)
    assert "priority" not in data and "priority list not built (large case: pass --priority" in line
    assert data["options"]["priority"] is False and data["options"]["priority_auto_skipped"] is True
    from openpyxl import load_workbook
    rows = list(load_workbook(out)["Run info"].iter_rows(values_only=True))
    assert ("priority_auto_skipped", "true") in [row[:2] for row in rows]  # English: the option's key
    _, _, out = run_sweep_cli(tmp_path, "--lang", "zh")
    rows = list(load_workbook(out).worksheets[-1].iter_rows(values_only=True))
    assert any(isinstance(row[0], str) and row[0].startswith("优先序列未生成") for row in rows)
    asked, line, _ = run_sweep_cli(tmp_path, "--priority")
    assert "priority" in asked and "not built" not in line
    declined, line, _ = run_sweep_cli(tmp_path, "--no-priority")
    assert "priority" not in declined and "not built" not in line
    assert "priority_auto_skipped" not in declined["options"]


def test_the_nested_model_has_levels_times_options_binaries():
    """priority_is_cheap counts what the nested model holds."""
    from retrofit_opt.model.variants import nested_levels
    case = retrofit_opt.load_case(CASES / "qinghai_2025.xlsx")
    swept, j = with_horizon_row(case, "total", 1e6)
    data = ModelData.from_case(swept)
    levels = [1e5, 2e5, 3e5]
    m = nested_levels(data, j, levels, [1.0] * 3, case.parameters.objective, case.parameters.weights)
    binaries = sum(len(m.level[s].x) for s in m.LEVELS)
    assert binaries == len(levels) * sum(len(case.start_years(p)) for p in case.projects if not p.excluded)


def test_compare_and_a_plain_sweep_do_not_import_pyomo(tmp_path):
    """Without --pareto, a priority list or a robust option, ``sweep`` (like ``compare``)
    never needs a Pyomo component when every solve is feasible: the command line does not
    import Pyomo at all (its import is about half a second of a 10,000-project sweep)."""
    import subprocess
    import sys
    case = CASES / "ganhe_2024.xlsx"
    code = ("import sys\nfrom retrofit_opt.cli import main\n"
            "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit as done:\n"
            "    assert done.code in (0, 1), done.code\nprint('pyomo' in sys.modules)")
    runs = {
        "sweep": ["sweep", str(case), "--budget-from", "150000", "--budget-to", "260000", "--steps", "3",
                  "--no-priority", "-o", str(tmp_path / "s.xlsx")],
        "compare": None,
        "sweep with a priority list": ["sweep", str(case), "--budget-from", "150000", "--budget-to", "260000",
                                       "--steps", "3", "--priority", "-o", str(tmp_path / "p.xlsx")],
    }
    from sweep_cases import random_raw
    feasible = random_raw(8, n=6).write(tmp_path / "case.xlsx", scenarios=[["name", "budget_scale"], ["more", 1.5],
                                                                          ["same", 1.0]])
    # every scenario feasible (an infeasible one is diagnosed on the Pyomo model)
    runs["compare"] = ["compare", str(feasible), "--no-explain", "-o", str(tmp_path / "c.xlsx")]
    imported = {}
    for name, args in runs.items():
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert Path(args[args.index("-o") + 1]).exists()
        imported[name] = proc.stdout.strip().splitlines()[-1]
    assert imported == {"sweep": "False", "compare": "False", "sweep with a priority list": "True"}
