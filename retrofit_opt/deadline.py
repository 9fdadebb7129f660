"""A command's time budget: the time limit is a promise for the whole command.

``Deadline(seconds)`` starts when the command starts (reading the case counts); each stage
asks how much is left — the model build and the solve, then the explanations, the
diagnosis and the writing of the workbook — and the solve is given what remains after a
reserve for the stages that must follow it (writing the results).
"""
from __future__ import annotations

import time

# Seconds of writing the results workbook, measured (bench/write_bench.py, CPU seconds on a
# 2.6 GHz Xeon, bench/RESULTS.md "Writing speed"): about 2.6e-4 s per project for the tables
# (a 50,000-project knapsack: 13 s) and as much again and more per bar of the MACC sheet
# (its table, four chart points and a label series per project that reduces CO2: a
# generated 10,000-project case, 10 s).  The reserve is a quarter above those figures.
WRITE_SECONDS_PER_PROJECT = 3e-4
WRITE_SECONDS_PER_CURVE_BAR = 7e-4
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
