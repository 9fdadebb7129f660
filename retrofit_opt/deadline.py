"""A command's time budget: the time limit is a promise for the whole command.

``Deadline(seconds)`` starts when the command starts (reading the case counts); each stage
asks how much is left — the model build and the solve, then the explanations, the
diagnosis and the writing of the workbook — and the solve is given what remains after a
reserve for the stages that must follow it (writing the results).
"""
from __future__ import annotations

import time

# Seconds of writing the results workbook, measured (bench/write_ab.py, CPU seconds on a
# 2.6 GHz Xeon, bench/RESULTS-rowfast.md): 5.6 s for a generated 10,000-project case
# (9,950 bars on the MACC sheet), 17.5 s for 50,000 (49,750 bars) — the tables per project,
# the MACC sheet's table and four chart points per bar (its labels are capped at 40).  The
# reserve, 0.3 ms per project and 0.3 ms per bar, is a quarter above the 10,000-project
# figure and 1.8× the 50,000 one.
WRITE_SECONDS_PER_PROJECT = 3e-4
WRITE_SECONDS_PER_CURVE_BAR = 3e-4
WRITE_SECONDS_MIN = 1.0
MIN_SOLVE_SECONDS = 1.0  # a solve always gets at least this long, however late it starts


class Deadline:
    """Seconds left of a budget that started at ``started`` (``time.monotonic()``)."""

    def __init__(self, seconds: float, started: float | None = None):
        self.seconds = float(seconds)
        self.started = time.monotonic() if started is None else started

    @property
    def at(self) -> float:
        return self.started + self.seconds

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def for_stage(self, reserve: float = 0.0, floor: float = 0.0) -> float:
        """Seconds a stage may take, leaving ``reserve`` for the stages after it (at least ``floor``)."""
        return max(floor, self.remaining() - reserve)


def write_reserve(case) -> float:
    """Seconds kept back for writing the results workbook of ``case`` (a
    :class:`~retrofit_opt.case.Case`, or just its number of projects): the tables grow with
    the projects, the MACC sheet with the projects that reduce CO2."""
    if isinstance(case, int):
        projects, bars = case, 0
    else:
        projects = len(case.projects)
        bars = sum(1 for p in case.projects if not p.excluded and p.metric("co2_reduction") > 0)
    return WRITE_SECONDS_MIN + WRITE_SECONDS_PER_PROJECT * projects + WRITE_SECONDS_PER_CURVE_BAR * bars
