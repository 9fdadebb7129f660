"""Command line: parse, call the library, map library errors to a clean message.

Exit codes: 0 solved (or valid), 1 solved but targets unmet / infeasible, 2 bad input or
usage, 3 solver failure.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from retrofit_opt import __version__
from retrofit_opt.errors import CaseError, RetrofitError, format_problems

EXIT_OK, EXIT_UNMET, EXIT_BAD_INPUT, EXIT_SOLVER = 0, 1, 2, 3


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
def template(out: Path, lang: str, force: bool) -> None:
    """Write an empty, documented case workbook to OUT.

    Every sheet of the case format, header notes with unit and meaning, drop-downs for
    yes/no, objective and target kind, and an instructions sheet.

    \b
    Example:
      retrofit-opt template new_case.xlsx --lang en
    """
    from retrofit_opt.template import write_template
    if out.exists() and not force:
        _fail(RetrofitError(f"{out} exists; pass --force to replace it"))
    try:
        write_template(out, lang)
    except RetrofitError as err:
        _fail(err)
    click.echo(f"wrote {out}")


def default_output(case: Path) -> Path:
    return case.with_name(f"{case.stem}_result.xlsx")


@main.command()
@click.argument("case", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="Results workbook to write (default: <case>_result.xlsx next to the case).")
@click.option("--json", "as_json", is_flag=True, help="Also print one JSON object with the result to stdout.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
              help="Solver time limit in seconds (default: the case's time_limit, else 300).")
@click.option("--mip-gap", type=click.FloatRange(min=0, max=1),
              help="Relative optimality gap at which to stop; 0 proves optimality (default 1e-4).")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the results workbook "
              "(default: the case's).")
@click.option("--no-explain", is_flag=True, help="Skip the force-in re-solves that explain left-out projects.")
def solve(case: Path, out: Path | None, as_json: bool, time_limit, mip_gap, lang, no_explain: bool) -> None:
    """Choose the projects of CASE and write the results workbook.

    Exit code 0 when solved with every target met, 1 when targets cannot be met or the
    solver stopped without a plan (the workbook explains why), 2 for bad input, 3 when
    the solver failed.

    \b
    Example:
      retrofit-opt solve cases/ganhe_2024.xlsx -o ganhe_result.xlsx --json
    """
    from retrofit_opt.loader import load_case
    from retrofit_opt.pipeline import solve_case
    from retrofit_opt.report import check_output_path, write_results
    out = out or default_output(case)
    try:
        check_output_path(out, case)
        loaded = load_case(case)
        _warn(loaded.warnings)
        result = solve_case(loaded, time_limit=time_limit, mip_gap=mip_gap, explain=not no_explain)
        write_results(result, out, lang or loaded.language)
    except RetrofitError as err:
        _fail(err)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    click.echo(_summary_line(result, out), err=as_json)
    sys.exit(result.exit_code)


def _summary_line(result, out: Path) -> str:
    gap = f", gap {result.gap:.4%}" if result.gap is not None else ""
    objective = f", objective {result.objective:,.6g}" if result.objective is not None else ""
    unmet = [t.label for t in result.targets if not t.met]
    met = "all targets met" if result.targets_met else (
        "targets not met: " + "; ".join(unmet) if unmet else "no plan found")
    return (f"{result.status}{objective}{gap}; {len(result.plan)} of {len(result.case.projects)} projects "
            f"chosen; {met}. Results: {out}")


if __name__ == "__main__":  # pragma: no cover
    main()
