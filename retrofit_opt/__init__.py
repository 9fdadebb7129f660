"""retrofit-opt: choose and schedule energy-saving and emission-reduction retrofit projects.

The stages are kept apart: ``read → validate → build model → solve → extract results →
write report``.  The Python API (for notebooks): :func:`read_case` (read and validate a
case workbook), :meth:`Case.from_frames` (the same from pandas DataFrames) and
:func:`solve` (model, solve, extract; options checked).  Imports are lazy: ``import
retrofit_opt`` loads neither Pyomo nor pandas.
"""

__version__ = "0.1.0"

import sys as _sys  # noqa: E402
import types as _types  # noqa: E402

from retrofit_opt.case import Case  # noqa: E402
from retrofit_opt.errors import CaseError, Problem, RetrofitError, SolverError  # noqa: E402

__all__ = ["Case", "CaseError", "Problem", "RetrofitError", "SolverError", "__version__",
           "read_case", "solve", "load_case", "solve_case", "risk", "sample_scenarios"]


def read_case(path):
    """Read and validate a case workbook; see :func:`retrofit_opt.api.read_case`."""
    from retrofit_opt.api import read_case as _read_case
    return _read_case(path)


def solve(case, **options):
    """Solve a validated case, options checked; see :func:`retrofit_opt.api.solve`."""
    from retrofit_opt.api import solve as _solve
    return _solve(case, **options)


class _SolverModule(_types.ModuleType):
    """The module ``retrofit_opt.solve`` (the one that talks to HiGHS), callable as the API
    function :func:`solve`.  Importing a submodule binds it on its package, so after the
    first solve ``retrofit_opt.solve`` is that module, not the function defined above: a
    callable module keeps ``retrofit_opt.solve(case, …)`` and ``retrofit_opt.solve.Solver``
    both working, whatever was imported first."""

    def __call__(self, case, **options):
        from retrofit_opt.api import solve as _solve
        return _solve(case, **options)


class _Package(_types.ModuleType):
    def __setattr__(self, name, value):
        if name == "solve" and type(value) is _types.ModuleType:
            value.__class__ = _SolverModule
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


def _case_from_frames(cls, frames=None, /, *, projects=None, budgets=None, targets=None, baseline=None,
                      parameters=None, scenarios=None, interactions=None, name: str = "DataFrames"):
    """The validated case of pandas DataFrames, one per sheet, checked exactly like a
    workbook (same rules, same messages; rows numbered as in a sheet with the header in
    row 1).  Pass the sheets as keywords (``projects=df``, the only one required) or as a
    mapping of sheet names, English or Chinese (``pandas.read_excel(path,
    sheet_name=None)``).  Raises :class:`CaseError` listing every problem.  See
    :mod:`retrofit_opt.frames`."""
    from retrofit_opt.frames import case_from_frames  # pandas is loaded only when used
    return case_from_frames(frames, name=name, projects=projects, budgets=budgets, targets=targets,
                            baseline=baseline, parameters=parameters, scenarios=scenarios,
                            interactions=interactions)


# The public constructor lives here, in the API layer: case.py stays below validation.
Case.from_frames = classmethod(_case_from_frames)


def load_case(path, **kwargs):
    """Read and validate a case workbook; see :func:`retrofit_opt.loader.load_case`."""
    from retrofit_opt.loader import load_case as _load_case
    return _load_case(path, **kwargs)


def solve_case(case, **kwargs):
    """Build, solve and extract a validated case; see :func:`retrofit_opt.studies.solve.solve_case`."""
    from retrofit_opt.studies.solve import solve_case as _solve_case
    return _solve_case(case, **kwargs)


def risk(case, **kwargs):
    """How sure the plan of a validated case is to meet its targets under the case's
    ranges; see :func:`retrofit_opt.studies.risk.risk_study`."""
    from retrofit_opt.studies.risk import risk_study
    return risk_study(case, **kwargs)


def sample_scenarios(case, n=2000, seed=0):
    """Seeded scenarios of a case's ranged inputs; see :func:`retrofit_opt.uncertainty.sample_scenarios`."""
    from retrofit_opt.uncertainty import sample_scenarios as _sample
    return _sample(case, n, seed)
