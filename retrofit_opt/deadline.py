"""A command's time budget: the time limit is a promise for the whole command.

``Deadline(seconds)`` starts when the command starts (reading the case counts); each stage
asks how much is left — the model build and the solve, then the explanations, the
diagnosis and the writing of the workbook — and the solve is given what remains after a
reserve for the stages that must follow it (writing the results).
"""
from __future__ import annotations

import time

WRITE_SECONDS_PER_PROJECT = 2e-4  # measured: a 50,000-project results workbook takes ~10 s to write
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


def write_reserve(projects: int) -> float:
    """Seconds kept back for writing the results workbook of a case with ``projects`` projects."""
    return WRITE_SECONDS_MIN + WRITE_SECONDS_PER_PROJECT * projects
