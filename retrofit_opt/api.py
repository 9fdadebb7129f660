"""The Python API for notebooks: :func:`read_case` and :func:`solve`, with every option
checked before anything is solved (``Case.from_frames`` is in :mod:`retrofit_opt.frames`).

Bad input raises :class:`~retrofit_opt.errors.CaseError` carrying every problem, with the
messages of the command line: ``read_case`` reads and validates like ``retrofit-opt
validate``; ``solve`` refuses unknown options and out-of-range values as the CLI's options
do.
"""
from __future__ import annotations

import difflib
import math
import numbers
from pathlib import Path

from retrofit_opt.case import Case
from retrofit_opt.errors import CaseError, Problem

SOURCE = "solve()"
SOLVE_OPTIONS = {  # option → what it takes (for messages)
    "time_limit": "seconds, a positive number (default: the case's time_limit parameter, else 300)",
    "mip_gap": "the relative gap at which the solver stops, from 0 (prove optimality) to 1 "
               "(default: the case's mip_gap parameter, else 1e-4)",
    "explain": "True or False: re-solve with each left-out project forced in to say why it is out (default True)",
    "explain_limit": "how many left-out projects to explain at most, a whole number ≥ 0 (default 200)",
    "diagnose": "True or False: when targets cannot be met, find the best reachable values and the budget "
                "they need (default True)",
}


def read_case(path: str | Path) -> Case:
    """Read and validate the case workbook at ``path``: the :class:`Case`, or
    :class:`CaseError` listing every problem (the messages of ``retrofit-opt validate``)."""
    from retrofit_opt.loader import load_case
    return load_case(path)


def solve(case: Case, **options):
    """Solve a validated case (from :func:`read_case` or :meth:`Case.from_frames`): the
    :class:`~retrofit_opt.results.Result`.  ``options``: see :data:`SOLVE_OPTIONS`; an
    unknown option or a bad value raises :class:`CaseError` before anything is solved."""
    checked = solve_options(case, options)
    from retrofit_opt import solve_case  # the package's one pointer to the main pipeline
    return solve_case(case, **checked)


def solve_options(case: Case, options: dict) -> dict:
    """``options`` checked; raises :class:`CaseError` listing every problem."""
    problems: list[Problem] = []
    if not isinstance(case, Case):
        problems.append(Problem(f"solve() needs a Case, not {type(case).__name__}",
                                "read one with retrofit_opt.read_case(path) or build one with "
                                "retrofit_opt.Case.from_frames(projects=…)"))
    checked = {}
    for name, value in options.items():
        if name not in SOLVE_OPTIONS:
            close = difflib.get_close_matches(name, SOLVE_OPTIONS, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            problems.append(Problem(f"unknown option '{name}' for solve()",
                                    hint + "the options are: " + ", ".join(SOLVE_OPTIONS)))
            continue
        if value is None and name in ("time_limit", "mip_gap"):
            continue  # the case's own setting
        message = _option_problem(name, value)
        if message:
            problems.append(Problem(f"{name} {message}", f"{name} takes {SOLVE_OPTIONS[name]}", value=value))
        else:
            checked[name] = (float(value) if name in ("time_limit", "mip_gap") else
                             int(value) if name == "explain_limit" else value)
    if problems:
        raise CaseError(problems, SOURCE)
    return checked


def _option_problem(name: str, value) -> str | None:
    """Why ``value`` is no good for option ``name``, or ``None``."""
    if name in ("explain", "diagnose"):
        return None if isinstance(value, bool) else "must be True or False"
    if name == "explain_limit":
        ok = isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be a whole number of 0 or more"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return "must be a number"
    if not math.isfinite(value):
        return "must be a finite number"
    if name == "time_limit" and value <= 0:
        return "must be positive"
    if name == "mip_gap" and not 0 <= value <= 1:
        return "must be between 0 and 1"
    return None
