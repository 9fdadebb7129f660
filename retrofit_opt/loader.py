"""Read and validate in one call: the library's entry point for a case file."""
from __future__ import annotations

from pathlib import Path

from retrofit_opt.case import Case
from retrofit_opt.errors import CaseError, Problem
from retrofit_opt.reader import read_case
from retrofit_opt.validate import validate


def load_case(path: str | Path) -> Case:
    """The validated case in ``path``; raises :class:`CaseError` listing every problem."""
    problems: list[Problem] = []
    raw = read_case(path, problems)
    if raw is None:
        raise CaseError(problems, Path(path).name)
    return validate(raw, problems)
