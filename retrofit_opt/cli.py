"""Command line: parse, call the library, map library errors to a clean message.

Exit codes: 0 solved (or valid), 1 solved but targets unmet / infeasible, 2 bad input or
usage, 3 solver failure, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""
from __future__ import annotations

import functools
import json
import os
import sys
import time
from pathlib import Path

import click

from retrofit_opt import __version__, limits
from retrofit_opt.errors import CaseError, RetrofitError, format_problems
from retrofit_opt.limits import MAX_SWEEP_STEPS, check_budget_level

EXIT_OK, EXIT_UNMET, EXIT_BAD_INPUT, EXIT_SOLVER = 0, 1, 2, 3


def stoppable(command):
    """Run a command with Ctrl-C and SIGTERM handled (:mod:`retrofit_opt.interrupts`): the
    command stops within a second or two at any stage, leaves no temporary file and an
    existing output unchanged, and exits 130 (SIGINT) or 143 (SIGTERM)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        from retrofit_opt import interrupts
        _skip_the_final_collection()
        code = 0
        try:
            with interrupts.installed():
                command(*args, **kwargs)
        except interrupts.Interrupted as stop:
            code = _stopped(stop)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            if code != 0 and interrupts.received() is not None:  # the failure came from the signal
                code = _stopped(interrupts.Interrupted(interrupts.received()))
        except Exception:
            # A library that catches every exception (openpyxl's descriptors turn any error
            # in a conversion, the interrupt included, into a TypeError) can hide the signal
            # behind another error: after a signal, any failure is the stop it asked for.
            if interrupts.received() is None:
                raise
            code = _stopped(interrupts.Interrupted(interrupts.received()))
        solve_module = sys.modules.get("retrofit_opt.solve")
        if solve_module is not None and (solve_module.ABANDONED or solve_module.CANCELLED):
            # A HiGHS call that ignored its time limit and the cancel may still run in a worker
            # thread, and a cancelled one can abort the interpreter's exit: leave at once
            # (everything is written and every temporary file removed by now).
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        sys.exit(code)
    return run


_FINAL_COLLECTION_SKIPPED = []


def _skip_the_final_collection() -> None:
    """At interpreter exit, freeze what the garbage collector tracks (``gc.freeze``, an
    ``atexit`` hook: it runs before the interpreter's last collection) so that exit does
    not walk the objects a command left behind — a written workbook's cells are cyclic
    garbage, and collecting the ~900,000 objects of a 10,000-project ``compare`` took
    ~0.9 s after everything was written.  Every file is closed and written by then; the
    memory goes back with the process.  Registered once per process; in a process that
    goes on (tests, a notebook) it only acts when that process ends."""
    if not _FINAL_COLLECTION_SKIPPED:
        import atexit
        import gc
        atexit.register(gc.freeze)
        _FINAL_COLLECTION_SKIPPED.append(True)


def _stopped(stop) -> int:
    click.echo(f"{stop}: stopped; nothing more was written (an existing output file is unchanged)", err=True)
    return stop.exit_code


def _fail(error: RetrofitError) -> None:
    click.echo(str(error), err=True)
    sys.exit(error.exit_code)


def _warn(warnings) -> None:
    if warnings:
        click.echo(format_problems(list(warnings)), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="retrofit-opt")
def main() -> None:
    """Choose which energy-saving and emission-reduction retrofit projects to fund, and
    when, to meet plan targets within budgets.

    \b
    Example:
      retrofit-opt template my_case.xlsx --lang zh
      retrofit-opt validate my_case.xlsx
      retrofit-opt solve my_case.xlsx -o my_result.xlsx
    """


@main.command()
@click.argument("case", type=click.Path(dir_okay=True, path_type=Path))
@stoppable
def validate(case: Path) -> None:
    """Check CASE and list every problem with sheet, row, column and a fix.

    Exit code 0 when the case is valid (warnings are shown), 2 when it is not.

    \b
    Example:
      retrofit-opt validate cases/ganhe_2024.xlsx
    """
    from retrofit_opt.loader import load_case
    try:
        loaded = load_case(case)
    except RetrofitError as err:
        _fail(err)
    _warn(loaded.warnings)
    years = f", {loaded.years[0]}–{loaded.years[-1]}" if loaded.multi_year else ", single period"
    click.echo(f"{case.name}: valid — {len(loaded.projects)} projects, {len(loaded.budgets)} budget rows, "
               f"{len(loaded.targets)} targets{years}.")


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of sheet names, headers and notes.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--example", type=click.Choice(["single", "multi"]), default=None,
              help="Fill the template with a small example case (single period, or multi-year 2024–2026) "
                   "that validates and solves; without it the template is empty.")
@stoppable
def template(out: Path, lang: str, force: bool, example: str | None) -> None:
    """Write an empty, documented case workbook to OUT.

    Every sheet of the case format, header notes with unit and meaning, drop-downs for
    yes/no, objective, target kind and metric and budget pools, number and year checks,
    grouped columns, and an instructions sheet.

    \b
    Example:
      retrofit-opt template new_case.xlsx --lang en
      retrofit-opt template example_case.xlsx --example multi
    """
    from retrofit_opt.template import write_template
    if out.exists() and not force:
        _fail(RetrofitError(f"{out} exists; pass --force to replace it"))
    try:
        write_template(out, lang, example)
    except RetrofitError as err:
        _fail(err)
    click.echo(f"wrote {out}")


class Checked(click.ParamType):
    """A number checked by :mod:`retrofit_opt.limits`, the one validation path every value
    takes: NaN, infinity, out-of-range and implausible values are usage errors (exit 2)."""

    name = "number"

    def __init__(self, check):
        self.check = check

    def convert(self, value, param, ctx):
        from retrofit_opt.limits import OptionError
        try:
            return self.check(value, f"--{param.name.replace('_', '-')}" if param else "the value")
        except OptionError as err:
            self.fail(str(err), param, ctx)


def solver_options(per: str = ""):
    """The ``--time-limit`` and ``--mip-gap`` options every solving command shares."""
    each = f" {per}" if per else ""

    def decorate(command):
        from retrofit_opt import limits
        command = click.option("--mip-gap", type=Checked(limits.check_mip_gap),
                               help=f"Relative optimality gap at which to stop{each}; 0 proves optimality "
                               "(default: the case's mip_gap, else 1e-4).")(command)
        return click.option("--time-limit", type=Checked(limits.check_time_limit),
                            help=f"Time limit{each} in seconds (default: the case's time_limit, else 300); "
                            "the whole command (reading, solving, explaining, writing) keeps to it.")(command)
    return decorate


def robust_options(cvar: bool = True):
    """``--robust-gamma``, ``--confidence`` (and ``--cvar-alpha``/``--risk-aversion``),
    ``--samples`` and ``--seed``: the robust variants of issue 14 (retrofit_opt.studies.robust)."""
    def decorate(command):
        command = click.option("--seed", type=int, default=0, show_default=True,
                               help="Seed of the sampled scenarios (fresh scenarios for the out-of-sample "
                               "estimate use seed + 1000003).")(command)
        command = click.option("--samples", type=click.IntRange(min=1, max=100000),
                               help="Scenarios sampled from the ranges for --confidence"
                               + (" and --cvar-alpha" if cvar else "") + " (default 500).")(command)
        if cvar:
            command = click.option("--risk-aversion", type=click.FloatRange(0, 1),
                                   help="λ of the mean-CVaR objective (0: expected NPV, 1: pure CVaR); with "
                                   "--cvar-alpha.")(command)
            command = click.option("--cvar-alpha", type=click.FloatRange(0, 1, max_open=True),
                                   help="Maximise LOGOS's mean-CVaR of NPV at confidence α (objective max_npv): "
                                   "(1-λ)·E[NPV] + λ·mean NPV of the worst 1-α of the scenarios.")(command)
        command = click.option("--confidence", type=click.FloatRange(0, 1, min_open=True),
                               help="Chance-constrained plan: every minimum and intensity target met in at least "
                               "this share of the sampled scenarios (e.g. 0.9).")(command)
        return click.option("--robust-gamma", type=click.IntRange(min=0),
                            help="Γ-robust plan: every minimum and intensity target still holds if any G "
                            "projects deliver only the low end of their saving range (saving_low).")(command)
    return decorate


def _robust_asked(robust_gamma=None, confidence=None, cvar_alpha=None, risk_aversion=None) -> bool:
    return any(v is not None for v in (robust_gamma, confidence, cvar_alpha, risk_aversion))


def _robust_line(run, out: Path, lang: str = "en") -> str:
    """The line ``solve`` prints for a robust run, in ``lang`` (labels ``cli.robust.*``)."""
    from retrofit_opt.report.common import target_text
    from retrofit_opt.schema import labels
    t = lambda key, **fmt: labels.text(key, lang, **fmt)  # noqa: E731
    result = run.result
    line = t("cli.robust.infeasible") if result.status == "infeasible" else _summary_text(result, lang)
    if run.kind == "gamma":
        extra = (t("cli.robust.gamma_met", gamma=f"{run.gamma:g}") if run.requirement_met
                 else t("cli.robust.gamma_unmet", gamma=f"{run.gamma:g}"))
    elif run.kind == "confidence":
        checks = {c.label: c for c in result.target_checks}

        def name(target):
            check = checks.get(target.label)
            return target_text(check, lang, result.case) if lang != "en" and check is not None else target.label

        shares = t("cli.robust.share_sep").join(
            t("cli.robust.share", target=name(x), inside=f"{x.in_sample:.1%}", outside=f"{x.out_of_sample:.1%}")
            for x in run.targets if x.in_sample is not None)
        extra = (t("cli.robust.confidence", confidence=f"{run.confidence:g}") + shares) if run.has_plan else \
            t("cli.robust.confidence_none", share=f"{run.confidence:.0%}")
    else:
        extra = t("cli.robust.cvar", value=_figure(run.cvar.objective), expected=_figure(run.cvar.expected_npv),
                  tail=_figure(run.cvar.cvar_npv)) if run.cvar else ""
    price = run.price_of_robustness
    if price is not None:
        extra += t("cli.robust.price", price=_figure(price))
    return f"{line}{extra}" + t("cli.summary.results", out=out)


def default_output(case: Path) -> Path:
    return case.with_name(f"{case.stem}_result.xlsx")


@main.command()
@click.argument("case", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="Results workbook to write (default: <case>_result.xlsx next to the case).")
@click.option("--json", "as_json", is_flag=True, help="Also print one JSON object with the result to stdout.")
@solver_options()
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the results workbook "
              "(default: the case's).")
@click.option("--no-explain", is_flag=True, help="Skip the force-in re-solves that explain left-out projects.")
@robust_options()
@stoppable
def solve(case: Path, out: Path | None, as_json: bool, time_limit, mip_gap, lang, no_explain: bool,
          robust_gamma, confidence, cvar_alpha, risk_aversion, samples, seed) -> None:
    """Choose the projects of CASE and write the results workbook.

    Exit code 0 when solved with every target met, 1 when targets cannot be met or the
    solver stopped without a plan (the workbook explains why), 2 for bad input, 3 when
    the solver failed.

    With --robust-gamma, --confidence or --cvar-alpha the plan is robust (see the
    Robustness sheet: the price of robustness against the plan at the estimates); exit
    code 1 then means no plan meets the robust requirement.

    \b
    Example:
      retrofit-opt solve cases/ganhe_2024.xlsx -o ganhe_result.xlsx --json
      retrofit-opt solve cases/ganhe_2024.xlsx --robust-gamma 2 -o ganhe_robust.xlsx
    """
    started = time.monotonic()  # the time limit covers the whole command, reading included
    from retrofit_opt.deadline import Deadline
    from retrofit_opt.loader import load_case
    from retrofit_opt.studies.solve import solve_case
    from retrofit_opt.report import check_output_path, write_results
    out = out or default_output(case)
    robust = _robust_asked(robust_gamma, confidence, cvar_alpha, risk_aversion)
    try:
        check_output_path(out, case)
        loaded = load_case(case)
        _warn(loaded.warnings)
        if robust:
            from retrofit_opt.studies.robust import solve_robust
            run = solve_robust(loaded, gamma=robust_gamma, confidence=confidence, cvar_alpha=cvar_alpha,
                               risk_aversion=risk_aversion, samples=samples, seed=seed, time_limit=time_limit,
                               mip_gap=mip_gap, explain=not no_explain)
            write_results(run.result, out, lang or loaded.language, robust=run)
        else:
            deadline = Deadline(time_limit or loaded.parameters.time_limit, started)
            result = solve_case(loaded, time_limit=time_limit, mip_gap=mip_gap, explain=not no_explain,
                                deadline=deadline, on_stage=_stage_trace())
            (_stage_trace() or (lambda name: None))("write")
            write_results(result, out, lang or loaded.language)
    except RetrofitError as err:
        _fail(err)
    if robust:
        if as_json:
            click.echo(json.dumps(run.to_json(), ensure_ascii=False, indent=2))
        click.echo(_robust_line(run, out, lang or loaded.language), err=as_json)
        sys.exit(run.exit_code)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    click.echo(_summary_line(result, out, lang or loaded.language), err=as_json)
    sys.exit(result.exit_code)


def _stage_trace():
    """With RETROFIT_OPT_TRACE_STAGES=1, each stage's start is printed on stderr ("stage: solve")."""
    if os.environ.get("RETROFIT_OPT_TRACE_STAGES") != "1":
        return None
    return lambda name: click.echo(f"stage: {name}", err=True)


def _summary_line(result, out: Path, lang: str = "en") -> str:
    """The one line ``solve`` prints: status, objective, gap, projects chosen, targets, and
    the results file, in ``lang`` (labels ``cli.summary.*`` of schema/labels.csv)."""
    from retrofit_opt.schema import labels
    return _summary_text(result, lang) + labels.text("cli.summary.results", lang, out=out)


def _summary_text(result, lang: str = "en") -> str:
    """:func:`_summary_line` without the results file."""
    from retrofit_opt.report.common import objective_unit, target_text
    from retrofit_opt.schema import labels
    t = lambda key, **fmt: labels.text(key, lang, **fmt)  # noqa: E731
    gap = t("cli.summary.gap", gap=f"{result.gap:.4%}") if result.gap is not None else ""
    objective = ""
    if result.objective is not None:
        name = result.options.get("objective", result.case.parameters.objective)
        unit = objective_unit(result.case, name, lang) if lang == "zh" else ""
        objective = t("cli.summary.objective", value=_figure(result.objective), unit=unit).rstrip()
    if result.status == "timeout":
        met = t("cli.summary.timeout")
    elif result.status == "infeasible":
        met = t("cli.summary.infeasible")
    elif result.targets_met:
        met = t("cli.summary.all_met")
    else:
        unmet = [t_.label if lang == "en" else target_text(t_, lang, result.case)
                 for t_ in result.target_checks if not t_.met]
        met = t("cli.summary.unmet", targets=("；" if lang == "zh" else "; ").join(unmet))
    status = t(f"cli.status.{result.status}") if labels.has(f"cli.status.{result.status}") else result.status
    return t("cli.summary.line", status=status, objective=objective, gap=gap, chosen=len(result.plan),
             total=len(result.case.projects), met=met)


def _cli_text(key: str, lang: str, **fmt) -> str:
    """A line of the command's output in ``lang``, from the label table."""
    from retrofit_opt.schema import labels
    return labels.text(key, lang, **fmt)


def _figure(value: float) -> str:
    """A figure as the summary line writes it: six significant digits with thousands
    separators, never in exponent form."""
    text = f"{value:,.6g}"
    if "e" in text:
        text = f"{value:,.0f}" if abs(value) >= 1 else f"{value:.6f}".rstrip("0").rstrip(".")
    return text


# ----------------------------------------------------------------------------- compare / sweep
class _Progress:
    """A click progress bar on stderr per stage (``progress(stage, done, total)``); when
    stderr is not a terminal (a log file, a pipe), one line per finished stage instead."""

    def __init__(self) -> None:
        self.bar = None
        self.stage = None
        self.done = 0
        self.terminal = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.terminal:
            if done >= total:
                click.echo(f"{stage}: {done} of {total} done", err=True)
            return
        if stage != self.stage:
            self.close()
            self.stage, self.done = stage, 0
            self.bar = click.progressbar(length=total, label=f"{stage:<13}", file=sys.stderr, show_pos=True,
                                         show_eta=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def executor_options(what: str):
    """``--jobs`` and ``--scheduler``: where the independent solves of a command run."""
    def decorate(command):
        command = click.option("--scheduler", metavar="ADDRESS",
                               help=f"Run the {what} on a Dask cluster: its scheduler's address (tcp://host:8786), "
                               "or 'local' to start a local Dask cluster of --jobs workers "
                               "(needs: pip install \"retrofit-opt[dask]\").")(command)
        return command
    return decorate


def _executor(jobs: int | None, scheduler: str | None):
    from retrofit_opt.studies.execution import ExecutorError, ExecutorSpec, require_dask
    try:
        if scheduler:
            require_dask()
        return ExecutorSpec.from_options(jobs, scheduler)
    except ExecutorError as err:
        _fail(err)


@main.command()
@click.argument("case", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="Workbook to write (default: <case>_compare.xlsx next to the case).")
@click.option("--json", "as_json", is_flag=True, help="Also print one JSON object with every scenario to stdout.")
@solver_options("per scenario")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the workbook (default: the case's).")
@click.option("--no-explain", is_flag=True, help="Skip the force-in re-solves that explain the base case's "
              "left-out projects.")
@click.option("--jobs", type=click.IntRange(min=1, max=256), default=1, show_default=True,
              help="Worker processes solving scenarios side by side.")
@executor_options("scenarios")
@robust_options()
@stoppable
def compare(case: Path, out: Path | None, as_json: bool, time_limit, mip_gap, lang, no_explain: bool, jobs: int,
            scheduler: str | None, robust_gamma, confidence, cvar_alpha, risk_aversion, samples, seed) -> None:
    """Solve CASE as given and under every scenario of its scenarios (情景) sheet, and
    write one workbook with them side by side.

    Sheets: Scenarios (status, objective, gap, spend per budget row, each target required
    vs achieved, with native Excel charts), Scenario matrix (project × scenario: 1, or the
    start year, when chosen), then the base case's Summary, Portfolio, Not selected and Run
    info.  Exit code 0 when every scenario meets its targets, 1 when one does not (the
    workbook shows which), 2 for bad input (e.g. no scenarios sheet), 3 when the solver
    failed.

    With --robust-gamma or --confidence every scenario is solved robustly (the Robustness
    sheet shows the base case's price of robustness); with --cvar-alpha and
    --risk-aversion the scenarios are LOGOS's: their weights are probabilities, and one
    portfolio per scenario, all following one priority order, maximises the mean-CVaR of
    NPV (the base case is solved as usual beside them).

    \b
    Example:
      retrofit-opt compare cases/ganhe_2024.xlsx -o ganhe_scenarios.xlsx --lang zh
    """
    from retrofit_opt.results import ScenarioResult
    from retrofit_opt.studies.compare import compare_scenarios
    from retrofit_opt.loader import load_case
    from retrofit_opt.report import check_output_path
    from retrofit_opt.report.workbook import write_comparison
    out = out or case.with_name(f"{case.stem}_compare.xlsx")
    executor = _executor(jobs, scheduler)
    progress = _Progress()
    robust = joint = None
    base = {}  # the base case's sheets, built while the other scenarios solve (the plain comparison)
    try:
        check_output_path(out, case)
        loaded = load_case(case)
        _warn(loaded.warnings)
        if cvar_alpha is not None or risk_aversion is not None:
            from retrofit_opt.studies.robust import compare_mean_cvar
            if cvar_alpha is None or risk_aversion is None:
                raise click.UsageError("--cvar-alpha and --risk-aversion go together")
            runs, joint = compare_mean_cvar(loaded, cvar_alpha, risk_aversion, time_limit=time_limit,
                                            mip_gap=mip_gap, explain_base=not no_explain)
        elif _robust_asked(robust_gamma, confidence):
            from retrofit_opt.studies.robust import compare_robust
            robust = compare_robust(loaded, gamma=robust_gamma, confidence=confidence, samples=samples, seed=seed,
                                    time_limit=time_limit, mip_gap=mip_gap, explain_base=not no_explain,
                                    progress=lambda done, total: progress("scenarios", done, total))
            runs = [ScenarioResult(scenario, run.result) for scenario, run in robust]
        else:
            from retrofit_opt.report.background import WorkbookInBackground
            runs = compare_scenarios(loaded, time_limit=time_limit, mip_gap=mip_gap, explain=False,
                                     explain_base=not no_explain,
                                     progress=lambda done, total: progress("scenarios", done, total),
                                     executor=executor, on_stage=_stage_trace(),
                                     on_base=lambda result: base.setdefault(
                                         "sheets", WorkbookInBackground(result, lang or loaded.language)))
        progress.close()
        write_comparison(runs, out, lang or loaded.language,
                         robust=joint if joint is not None else robust[0][1] if robust else None,
                         base=base.get("sheets"))
    except RetrofitError as err:
        progress.close()
        _fail(err)
    if as_json:
        scenarios = [{"name": r.scenario.name, "description": r.scenario.description,
                      "overrides": dict(r.scenario.overrides),
                      **(robust[k][1].to_json() if robust else r.result.to_json())} for k, r in enumerate(runs)]
        document = {"scenarios": scenarios}
        if joint is not None:
            document["cvar"] = joint.to_json()
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    from retrofit_opt.report.scenarios_sheet import scenario_name
    language = lang or loaded.language
    for k, r in enumerate(runs):
        line = (_robust_line(robust[k][1], out).rsplit(". Results:", 1)[0] if robust
                else _summary_text(r.result, language))
        click.echo(_cli_text("cli.compare.scenario", language, name=scenario_name(r.scenario, k, language), line=line),
                   err=as_json)
    if joint is not None:
        stats = joint.stats
        click.echo(f"scenario mean-CVaR: {joint.status}" + (f", objective {stats.objective:,.6g}, expected NPV "
                   f"{stats.expected_npv:,.6g}, worst-tail NPV {stats.cvar_npv:,.6g}" if stats else "") + ".",
                   err=as_json)
    click.echo(_cli_text("cli.results", language, out=out), err=as_json)
    if robust:
        sys.exit(EXIT_OK if all(run.requirement_met for _, run in robust) else EXIT_UNMET)
    if joint is not None:
        sys.exit(EXIT_OK if joint.stats is not None and all(r.result.targets_met for r in runs) else EXIT_UNMET)
    sys.exit(EXIT_OK if all(r.result.targets_met for r in runs) else EXIT_UNMET)


@main.command()
@click.argument("case", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--budget-from", "budget_from", type=Checked(check_budget_level), required=True,
              help="Lowest budget level, in 万元 (10k yuan), whatever unit the case's budgets sheet uses.")
@click.option("--budget-to", "budget_to", type=Checked(check_budget_level), required=True,
              help="Highest budget level, in 万元.")
@click.option("--steps", type=click.IntRange(min=1, max=MAX_SWEEP_STEPS), default=11, show_default=True,
              help="Number of budget levels, evenly spaced from --budget-from to --budget-to.")
@click.option("--pool", default="total", show_default=True,
              help="Budget pool whose whole-horizon limit is swept (总预算 = total); its other rows and every "
                   "other pool keep their limits.")
@click.option("--pareto", "pareto", metavar="X:Y",
              help="Also trace the Pareto frontier of X against Y by the ε-constraint method, e.g. "
                   "capex:co2_reduction (capex is minimised, every other quantity maximised).")
@click.option("--pareto-steps", type=click.IntRange(min=2, max=1000), default=11, show_default=True,
              help="Number of ε values for --pareto.")
@click.option("--priority/--no-priority", default=None,
              help="Also build the nested priority list over budget levels.  [default: built when its "
                   "nested model is small (at most 1,000 binaries: levels × start options, e.g. 5 levels of "
                   "200 projects); --priority builds it at any size]")
@click.option("--priority-steps", type=click.IntRange(min=1, max=100),
              help="Budget levels of the priority list, evenly spaced over the sweep's range (default: "
                   "min(--steps, 5)); when every scenario of the case only sets this pool's budget, the "
                   "scenarios are the levels and their weight column the weights.")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="Workbook to write (default: <case>_sweep.xlsx next to the case).")
@click.option("--json", "as_json", is_flag=True, help="Also print one JSON object with the points to stdout.")
@solver_options("per solve")
@click.option("--jobs", type=click.IntRange(min=1, max=256), default=1, show_default=True,
              help="Worker processes for the budget levels (each keeps its own persistent model).")
@executor_options("budget levels")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the workbook (default: the case's).")
@robust_options(cvar=False)
@stoppable
def sweep(case: Path, budget_from: float, budget_to: float, steps: int, pool: str, pareto: str | None,
          pareto_steps: int, priority: bool | None, priority_steps: int | None, out: Path | None, as_json: bool,
          time_limit, mip_gap, jobs: int, scheduler: str | None, lang, robust_gamma, confidence, samples,
          seed) -> None:
    """Sweep the budget of one pool of CASE and write the budget–benefit frontier.

    Solves CASE at --steps budget levels from --budget-from to --budget-to (万元) on one
    persistent model, changing only the pool's whole-horizon limit; finds the least
    budget that meets every target (a min-cost solve); optionally the Pareto frontier of
    two quantities; and the nested priority list (a project's rank is the first level
    that funds it) against the greedy benefit-per-万元 order.  Sheets: Frontier (with a
    chart), Pareto, Priority list, Run info.  Exit code 0 when some level meets every
    target, 1 when none does, 2 for bad input, 3 when the solver failed.  With
    --robust-gamma or --confidence every budget level and the least budget are solved
    robustly (the Pareto frontier and the priority list stay deterministic).

    \b
    Example:
      retrofit-opt sweep cases/ganhe_2024.xlsx --budget-from 150000 --budget-to 260000 \
          --steps 12 --pareto capex:co2_reduction -o ganhe_sweep.xlsx
    """
    from retrofit_opt.loader import load_case
    from retrofit_opt.report import check_output_path
    from retrofit_opt.report.workbook import write_sweep
    from retrofit_opt.studies.sweep_setup import OptionError, check_range, sweep_from_options
    try:
        check_range(budget_from, budget_to)
    except OptionError as err:
        raise click.BadParameter(err.message, param_hint=f"'{err.option}'") from None
    out = out or case.with_name(f"{case.stem}_sweep.xlsx")
    executor = _executor(jobs, scheduler)
    progress = _Progress()
    try:
        check_output_path(out, case)
        loaded = load_case(case)
        _warn(loaded.warnings)
        variant = None
        if _robust_asked(robust_gamma, confidence):  # the robust study (and Pyomo) only when asked
            from retrofit_opt.studies.robust import sweep_variant
            variant = sweep_variant(loaded, gamma=robust_gamma, confidence=confidence, samples=samples, seed=seed)
        run = sweep_from_options(loaded, budget_from=budget_from, budget_to=budget_to, steps=steps, pool=pool,
                                 pareto=pareto, pareto_steps=pareto_steps, priority=priority,
                                 priority_steps=priority_steps, time_limit=time_limit, mip_gap=mip_gap,
                                 executor=executor, progress=progress, variant=variant)
        if variant is not None:
            run.options.update({"robust_gamma": robust_gamma, "confidence": confidence,
                                "samples": samples if confidence is not None else None, "seed": seed})
        progress.close()
        write_sweep(run, out, lang or loaded.language)
    except OptionError as err:
        progress.close()
        raise click.BadParameter(err.message, param_hint=f"'{err.option}'") from None
    except RetrofitError as err:
        progress.close()
        _fail(err)
    if as_json:
        click.echo(json.dumps(run.to_json(), ensure_ascii=False, indent=2))
    click.echo(_sweep_line(run, out), err=as_json)
    sys.exit(EXIT_OK if run.any_plan_meets_targets else EXIT_UNMET)


def _sweep_line(run, out: Path) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in run.status_counts().items())
    solved = [p for p in run.points if p.objective is not None]
    span = (f"; objective {solved[0].objective:,.6g} at {solved[0].level:,.6g} 万元 to "
            f"{solved[-1].objective:,.6g} at {solved[-1].level:,.6g} 万元" if solved else "")
    least = ""
    if run.least is not None:
        least = (f"; least budget meeting every target {run.least.budget:,.6g} 万元" if run.least.budget is not None
                 else "; no budget on this pool meets every target")
    skipped = ""
    if run.options.get("priority_auto_skipped"):
        skipped = "; priority list not built (large case: pass --priority to build it)"
    return f"{len(run.points)} budget levels of pool {run.pool} ({counts}){span}{least}{skipped}. Results: {out}"


# ----------------------------------------------------------------------------- batch
EXIT_INTERRUPTED = 130  # a batch stopped by a KeyboardInterrupt the tool did not see as a signal


class _BatchProgress:
    """Runs done / total, failures, elapsed and an estimate: one redrawn line on a terminal,
    one plain line per finished run otherwise (logs, CI)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()

    @staticmethod
    def _clock(seconds: float | None) -> str:
        if seconds is None:
            return "—"
        seconds = int(round(seconds))
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
            f"{seconds // 60}:{seconds % 60:02d}"

    def __call__(self, event) -> None:
        if self.live:
            width = 24
            filled = int(width * event.done / event.total) if event.total else width
            line = (f"\r[{'#' * filled}{'-' * (width - filled)}] {event.done}/{event.total} runs, "
                    f"{event.failed} failed, {self._clock(event.elapsed)} elapsed, "
                    f"~{self._clock(event.remaining_seconds)} left ")
            self.stream.write(line)
            self.stream.flush()
        elif event.record is not None:
            r = event.record
            what = r.status if r.error is None else f"{r.status}: {r.error.splitlines()[0]}"
            objective = f", objective {r.objective:,.6g}" if r.objective is not None else ""
            kept = " (kept: --resume)" if r.resumed else ""
            seconds = f" ({r.seconds:.1f} s)" if r.seconds is not None and not r.resumed else ""
            click.echo(f"[{event.done}/{event.total}] {r.case} {r.command}: {what}{objective}{seconds}{kept}",
                       file=self.stream)

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), default="batch_results",
              show_default=True, help="Folder for the runs' workbooks and the roll-up (created if missing).")
@click.option("--jobs", type=click.IntRange(min=1, max=256),
              help="Runs at once: worker processes (default: the core count; 1 runs serially here), or with "
                   "--scheduler local the local Dask cluster's workers.")
@executor_options("runs")
@click.option("--resume", is_flag=True, help="Skip runs whose workbook exists and was written from an input "
              "with the same SHA-256 and the same command and options (recorded in its Run info).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every run to stdout.")
@solver_options("per solve")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of every workbook (default: each case's; "
              "the roll-up: zh).")
@click.option("--no-explain", is_flag=True, help="Skip the force-in explanations in solve and compare runs.")
def batch(inputs: tuple[Path, ...], outdir: Path, jobs: int | None, scheduler: str | None, resume: bool,
          as_json: bool, time_limit, mip_gap, lang, no_explain: bool) -> None:
    """Run many cases — or a manifest of runs — and write each run's workbook plus one
    roll-up (batch_summary.xlsx: 汇总 / Batch summary and 省级汇总 / Province roll-up).

    INPUTS are case workbooks, folders of them (each case is solved), or manifests: a
    .csv, or an .xlsx with a 'runs' (批量运行) sheet — one row per run with columns
    case, command (solve | compare | sweep | risk), output, park and the command's options
    (e.g. budget_from, budget_to, or an 'options' cell "--budget-from 150000
    --budget-to 260000"); an optional 'province_targets' (省级目标) sheet holds the
    province-level rows the parks' solve plans should add up to.  Each run writes the
    workbook the single command writes.  A bad case or a failed solve is an error row,
    never a stop; Ctrl-C stops the workers, keeps the finished runs and writes the
    roll-up.  Runs go to worker processes by default, or to a Dask cluster with
    --scheduler.  Exit code 0 when every run solved with its targets met, 1 when one
    failed or missed targets (see the roll-up), 2 for bad input (a manifest's problems
    are listed with sheet, row and column), 130 when interrupted.

    \b
    Example:
      retrofit-opt batch cases/ -o batch_out --jobs 2 --no-explain
      retrofit-opt batch cases/ -o batch_out --resume --json
    """
    from retrofit_opt import interrupts
    from retrofit_opt.report import check_output_path
    from retrofit_opt.report.batch_sheet import write_batch_summary
    from retrofit_opt.report.run_output import WORKBOOKS
    from retrofit_opt.studies.batch import run_batch
    from retrofit_opt.studies.manifest import SUMMARY_NAME, plan_batch
    executor = _executor(jobs, scheduler)
    summary = outdir / SUMMARY_NAME
    try:
        plan = plan_batch(list(inputs), outdir, {"time_limit": time_limit, "mip_gap": mip_gap, "lang": lang,
                                                 "no_explain": no_explain})
        outdir.mkdir(parents=True, exist_ok=True)
        check_output_path(summary)
    except OSError as err:
        _fail(RetrofitError(f"cannot create the output folder {outdir}: {err.strerror or err} — choose another -o"))
    except RetrofitError as err:
        _fail(err)
    progress = _BatchProgress()
    click.echo(f"{len(plan.runs)} runs on {executor.describe()}; workbooks in {outdir}", err=True)
    # SIGINT and SIGTERM raise Interrupted (a KeyboardInterrupt: run_batch stops its workers
    # and returns the finished runs) and are recorded, so that one whose exception a
    # finalizer swallowed still stops the runs (run_batch looks for it).
    with interrupts.installed():
        try:
            try:
                result = run_batch(plan.runs, workbooks=WORKBOOKS, executor=executor, resume=resume,
                                   province_targets=plan.province_targets, progress=progress)
            except RetrofitError as err:
                progress.close()
                _fail(err)
            progress.close()
            signum = interrupts.take()  # acted on: the runs are stopped; the roll-up is still written
            try:
                write_batch_summary(result, summary, lang or "zh")
            except RetrofitError as err:
                _fail(err)
        except interrupts.Interrupted as stop:  # a second signal, while the roll-up was written
            sys.exit(_stopped(stop))
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    counts = ", ".join(f"{n} {s}" for s, n in _counts(result.runs).items())
    kept = sum(1 for r in result.runs if r.resumed)
    click.echo(f"{len(result.runs)} runs ({counts}){f', {kept} kept from earlier' if kept else ''}; "
               f"{result.failed} failed; {result.seconds:,.1f} s."
               f"{' Interrupted.' if result.interrupted else ''} Roll-up: {summary}", err=as_json)
    if result.interrupted:
        sys.exit(interrupts.Interrupted(signum).exit_code if signum is not None else EXIT_INTERRUPTED)
    sys.exit(result.exit_code)


def _counts(records) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in records:
        counts[r.status] = counts.get(r.status, 0) + 1
    return counts


# ------------------------------------------------------------------------------------ risk
@main.command()
@click.argument("case", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--samples", type=click.IntRange(min=10, max=1_000_000), default=2000, show_default=True,
              help="Scenarios sampled from the case's ranges.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Random seed: the same case, samples and seed give the same figures.")
@click.option("--tornado", type=click.IntRange(min=0, max=1000), default=10, show_default=True,
              help="At most this many uncertain inputs are re-solved at their low and high end for the "
                   "tornado chart (0: none).")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="Workbook to write (default: <case>_risk.xlsx next to the case).")
@click.option("--json", "as_json", is_flag=True, help="Also print one JSON object (the result plus 'risk') to stdout.")
@solver_options("per solve")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the workbook (default: the case's).")
@stoppable
def risk(case: Path, samples: int, seed: int, tornado: int, out: Path | None, as_json: bool, time_limit, mip_gap,
         lang) -> None:
    """How sure is the plan of CASE to meet its targets?  Solves CASE as given, then
    samples scenarios of every range the case gives (saving_low/saving_high,
    co2_low/co2_high, capex_low/capex_high on projects; <key>_low/<key>_high for
    electricity_price, carbon_price, grid_co2_factor on parameters) and reports for the
    chosen plan: the probability of meeting each target (95 % Wilson interval), the
    expected shortfall, P10/P50/P90 of energy saving, CO2, capex and NPV, the projects
    that drive the risk, and a tornado of the objective (one input at a time, re-solved).

    Sheets: Risk (风险分析), then Summary, Portfolio, Not selected, … of the deterministic
    plan.  Exit code 0 when the deterministic plan meets every target, 1 when it does not
    or there is no plan, 2 for bad input, 3 when the solver failed.

    \b
    Example:
      retrofit-opt risk cases/ganhe_2024.xlsx --samples 2000 --seed 1 -o ganhe_risk.xlsx
    """
    from retrofit_opt.loader import load_case
    from retrofit_opt.report import check_output_path
    from retrofit_opt.report.risk_sheet import headlines, write_risk_workbook
    from retrofit_opt.studies.risk import risk_study
    out = out or case.with_name(f"{case.stem}_risk.xlsx")
    try:
        check_output_path(out, case)
        loaded = load_case(case)
        _warn(loaded.warnings)
        result = risk_study(loaded, samples=samples, seed=seed, tornado=tornado, time_limit=time_limit,
                            mip_gap=mip_gap)
        write_risk_workbook(result, out, lang or loaded.language)
    except RetrofitError as err:
        _fail(err)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    language = lang or loaded.language
    click.echo(_cli_text("cli.sentence", language, text=_summary_text(result.deterministic, language)), err=as_json)
    for line in headlines(result, language):
        click.echo(line, err=as_json)
    click.echo(_cli_text("cli.results", language, out=out), err=as_json)
    sys.exit(result.exit_code)


# ----------------------------------------------------------------------------- alternatives
@main.command()
@click.argument("case", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--within", type=click.FloatRange(min=0, max=1), default=0.02, show_default=True,
              help="Share of the optimum a plan's objective may fall short by (0.02 = 2 %; for min_cost: "
                   "exceed by). Measured from the best plan under --keep/--drop when those are given.")
@click.option("--count", type=click.IntRange(min=1, max=1000), default=5, show_default=True,
              help="Plans to report, the optimum (or the best plan under the conditions) first.")
@click.option("--keep", "keep", multiple=True, metavar="ID", help="Every plan includes this project (repeatable).")
@click.option("--drop", "drop", multiple=True, metavar="ID", help="No plan includes this project (repeatable).")
@click.option("--keep-enterprise", "keep_enterprises", multiple=True, metavar="NAME",
              help="Every plan includes at least one project of this enterprise (repeatable).")
@click.option("--drop-enterprise", "drop_enterprises", multiple=True, metavar="NAME",
              help="No plan includes any project of this enterprise (repeatable).")
@click.option("--by-start-year", is_flag=True,
              help="Multi-year cases: a plan that only moves start years counts as a different plan.")
@click.option("--enumerate", "enumerate_cap", type=click.IntRange(min=1, max=100000), metavar="N",
              help="Also count every distinct plan within E, up to N (no-good enumeration; the count says "
                   "when it stopped at N).")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="Workbook to write (default: <case>_alternatives.xlsx next to the case).")
@click.option("--json", "as_json", is_flag=True, help="Also print one JSON object with the plans and classes to stdout.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the workbook (default: the case's).")
@click.option("--time-limit", type=Checked(limits.check_time_limit),
              help="Solver time limit per re-solve in seconds (default: the case's time_limit, else 300).")
@click.option("--mip-gap", type=Checked(limits.check_mip_gap), default=0.0, show_default=True,
              help="Optimality gap of the optimum's solve; 0 proves it, which exact classes need.")
@click.option("--spread-gap", type=click.FloatRange(min=0, max=1),
              help="Gap of the alternatives' re-solves (default: tight enough to prove each is as different as "
                   "possible; 0.01 is much faster with hundreds of projects).")
@stoppable
def alternatives(case: Path, within: float, count: int, keep, drop, keep_enterprises, drop_enterprises,
                 by_start_year: bool, enumerate_cap, out: Path | None, as_json: bool, lang, time_limit,
                 mip_gap: float, spread_gap) -> None:
    """Near-optimal alternatives of CASE: up to --count plans within --within of the
    optimum, each as different as possible from the ones before it, and which projects
    every such plan needs.

    Every plan keeps every budget, target and rule.  Per project: core (no plan within E
    without it, proven by a re-solve with it forced out), never (no plan within E with
    it), optional (otherwise).  --keep/--drop give the best plan under those conditions
    and what they cost against the optimum.  Sheets: Alternatives (plans side by side, a
    chart, the project × plan matrix), Run info.  Exit code 0 when a plan exists, 1 when
    none meets the rules (and conditions), 2 for bad input or options, 3 when the solver
    failed.

    \b
    Example:
      retrofit-opt alternatives cases/ganhe_2024.xlsx --within 0.01 --enumerate 1000
      retrofit-opt alternatives cases/ganhe_2024.xlsx --drop JN01 -o ganhe_no_jn01.xlsx --json
    """
    from retrofit_opt.loader import load_case
    from retrofit_opt.report import check_output_path
    from retrofit_opt.report.alternatives_sheet import write_alternatives_workbook
    from retrofit_opt.studies.alternatives import find_alternatives
    out = out or case.with_name(f"{case.stem}_alternatives.xlsx")
    progress = _Progress()
    try:
        check_output_path(out, case)
        loaded = load_case(case)
        _warn(loaded.warnings)
        result = find_alternatives(loaded, within=within, count=count, keep=keep, drop=drop,
                                   keep_enterprises=keep_enterprises, drop_enterprises=drop_enterprises,
                                   by_start_year=by_start_year, enumerate_cap=enumerate_cap, time_limit=time_limit,
                                   mip_gap=mip_gap, spread_gap=spread_gap, progress=progress)
        progress.close()
        write_alternatives_workbook(result, out, lang or loaded.language)
    except RetrofitError as err:
        progress.close()
        _fail(err)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    click.echo(_alternatives_line(result, out), err=as_json)
    sys.exit(result.exit_code)


def _alternatives_line(result, out: Path) -> str:
    if not result.plans:
        return f"{result.status}: {result.message}. Results: {out}"
    text = (f"{len(result.plans)} plan(s) within {result.within * 100:g} % of "
            f"{'the best plan under the conditions' if result.conditions else 'the optimum'} "
            f"{result.reference:,.6g}")
    if result.conditions:
        cost = result.condition_cost_share
        text += (f" (the conditions cost {result.condition_cost:,.6g}"
                 + (f", {cost:.2%} of the optimum {result.optimum:,.6g})" if cost is not None else ")"))
    if result.exhausted:
        text += "; no further distinct plan exists"
    if result.enumerate_cap is not None:
        text += (f"; at least {result.plans_within} distinct plans within E (counting stopped at the cap)"
                 if result.plans_within_capped else f"; {result.plans_within} distinct plans within E in all")
    if result.classes:
        text += (f"; {len(result.core)} core, {len(result.optional)} optional, {len(result.never)} never"
                 + (f", {len(result.unproven)} not proven" if result.unproven else ""))
        text += f" (core: {', '.join(result.core)})" if result.core else ""
    return f"{text}. Results: {out}"


if __name__ == "__main__":  # pragma: no cover
    main()
