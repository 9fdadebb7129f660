"""Run ``retrofit-opt solve`` in this process with timers around its stages.

``python bench/cli_stages.py STAGES.json -- solve CASE -o OUT --json --no-explain ...``

Runs the real command (``retrofit_opt.cli.main``) and writes the seconds spent in each
stage to STAGES.json.  Nothing in the package changes: the timers wrap the functions the
command calls, looked up where the command looks them up.

* ``imports``: importing the modules ``solve`` imports (click, the CLI, the loader, the
  pipeline with Pyomo, the report with openpyxl);
* ``read``: ``load_case`` (reading the workbook and validating it);
* ``build``: ``build_model`` (the Pyomo model);
* ``load``: Pyomo → HiGHS (``Solver.solve`` minus HiGHS's own run time);
* ``solve``: HiGHS's run time (``Highs.getRunTime``);
* ``after_solve``: the rest of ``solve_case`` (reading the plan back, evaluating it);
* ``write``: ``write_results`` (the results workbook); ``json``: ``Result.to_json`` and
  ``json.dumps`` (``--json``); ``echo``: printing it.
"""
from __future__ import annotations

import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

STAGES: dict[str, float] = {}
EXTRA: dict[str, object] = {}


def timed(name, fn):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            STAGES[name] = STAGES.get(name, 0.0) + time.perf_counter() - t
    wrapper.__wrapped__ = fn
    return wrapper


def main() -> int:
    out = sys.argv[1]
    args = sys.argv[sys.argv.index("--") + 1:]
    t = time.perf_counter()
    import click  # noqa: F401

    import retrofit_opt.cli as cli
    import retrofit_opt.loader as loader
    import retrofit_opt.studies.solve as pipeline
    import retrofit_opt.report as report
    import retrofit_opt.results as results
    import retrofit_opt.solve as solve
    STAGES["imports"] = time.perf_counter() - t

    loader.load_case = timed("read", loader.load_case)
    pipeline.build_model = timed("build", pipeline.build_model)
    report.write_results = timed("write", report.write_results)

    original_solve = solve.Solver.solve

    def solver_solve(self, *a, **k):
        t = time.perf_counter()
        outcome = original_solve(self, *a, **k)
        seconds = time.perf_counter() - t
        highs = self.highs().getRunTime()
        STAGES["solve"] = STAGES.get("solve", 0.0) + highs
        STAGES["load"] = STAGES.get("load", 0.0) + seconds - highs
        EXTRA["outcome"] = {"status": outcome.status, "objective": outcome.objective, "bound": outcome.bound,
                            "gap": outcome.gap}
        lp = self.highs().getLp()
        EXTRA["size"] = {"num_col": lp.num_col_, "num_row": lp.num_row_, "num_nz": len(lp.a_matrix_.value_)}
        return outcome
    solve.Solver.solve = solver_solve

    original_solve_case = pipeline.solve_case

    def solve_case(*a, **k):
        t = time.perf_counter()
        result = original_solve_case(*a, **k)
        total = time.perf_counter() - t
        STAGES["after_solve"] = total - STAGES.get("build", 0.0) - STAGES.get("load", 0.0) - STAGES.get("solve", 0.0)
        EXTRA["objective"] = result.objective
        EXTRA["status"] = result.status
        EXTRA["chosen"] = len(result.plan)
        return result
    pipeline.solve_case = solve_case

    results.Result.to_json = timed("json", results.Result.to_json)

    class TimedJson:
        @staticmethod
        def dumps(*a, **k):
            t = time.perf_counter()
            try:
                return json.dumps(*a, **k)
            finally:
                STAGES["json"] = STAGES.get("json", 0.0) + time.perf_counter() - t
    cli.json = TimedJson
    cli.click.echo = timed("echo", cli.click.echo)

    code = 0
    t = time.perf_counter()
    try:
        cli.main(args, standalone_mode=False)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    STAGES["command"] = time.perf_counter() - t
    STAGES["in_script"] = time.perf_counter() - T0
    with open(out, "w") as fh:
        json.dump({"stages": STAGES, "exit_code": code, **EXTRA}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
