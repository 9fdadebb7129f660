"""retrofit-opt: choose and schedule energy-saving and emission-reduction retrofit projects.

The stages are kept apart: ``read → validate → build model → solve → extract results →
write report``.  The public entry points are :func:`retrofit_opt.load_case` (read and
validate a case workbook) and :func:`retrofit_opt.solve_case` (model, solve, extract).
"""

__version__ = "0.1.0"

from retrofit_opt.errors import CaseError, Problem, RetrofitError, SolverError  # noqa: E402

__all__ = ["CaseError", "Problem", "RetrofitError", "SolverError", "__version__",
           "alternatives", "load_case", "solve_case"]


def load_case(path, **kwargs):
    """Read and validate a case workbook; see :func:`retrofit_opt.loader.load_case`."""
    from retrofit_opt.loader import load_case as _load_case
    return _load_case(path, **kwargs)


def solve_case(case, **kwargs):
    """Build, solve and extract a validated case; see :func:`retrofit_opt.studies.solve.solve_case`."""
    from retrofit_opt.studies.solve import solve_case as _solve_case
    return _solve_case(case, **kwargs)


def alternatives(case, within: float = 0.02, count: int = 5, **kwargs):
    """Up to ``count`` plans within ``within`` (0.02 = 2 %) of the optimum, each as different
    as possible from the plans before it, and every project's class (core / optional /
    never); ``case`` is a loaded case or a workbook path.  Keywords: keep, drop,
    keep_enterprises, drop_enterprises, by_start_year, enumerate_cap, time_limit, mip_gap;
    see :func:`retrofit_opt.studies.alternatives.find_alternatives`."""
    from retrofit_opt.studies.alternatives import find_alternatives
    return find_alternatives(case, within=within, count=count, **kwargs)
