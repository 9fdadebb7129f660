"""Read and validate in one call: the library's entry point for a case file."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from retrofit_opt.case import Case
from retrofit_opt.errors import CaseError, Problem
from retrofit_opt.reader import read_case
from retrofit_opt.validate import validate


def load_case(path: str | Path) -> Case:
    """The validated case in ``path``; raises :class:`CaseError` listing every problem."""
    problems: list[Problem] = []
    with collection_paused():
        raw = read_case(path, problems)
        if raw is None:
            raise CaseError(problems, Path(path).name)
        return validate(raw, problems)


@contextmanager
def collection_paused():
    """Python's cyclic garbage collector paused for the block, and resumed after it if it
    was running.  Reading a 50,000-project case creates millions of small objects (cell
    values, rows, projects) and no reference cycles worth collecting; each full collection
    walks all of them, which was a third of the loading time.  Objects are freed by
    reference counting as before; the collector runs normally again afterwards."""
    was_running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_running:
            gc.enable()
