"""Problems found in user input, and the exceptions the library raises.

Validation never stops at the first problem: every stage appends :class:`Problem` records
to a list, and :func:`raise_if_errors` raises one :class:`CaseError` carrying them all
(the pattern of Calliope's ``print_warnings_and_raise_errors``).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One finding about the input, located as precisely as the input allows."""

    message: str
    fix: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # "C 'capex'" style: Excel letter and header as written
    value: object = None
    severity: str = "error"  # "error" or "warning"

    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None and self.value != "":
            text += f" (found {shown_value(self.value)})"
        if self.fix:
            text += f" — {self.fix}"
        return text


def shown_value(value: object) -> str:
    """A short, safe rendering of a cell value for messages."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class RetrofitError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 2


class CaseError(RetrofitError):
    """The input is unusable; carries every problem found, errors and warnings."""

    exit_code = 2

    def __init__(self, problems: list[Problem], source: str = ""):
        self.problems = list(problems)
        self.source = source
        super().__init__(self.report())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def report(self) -> str:
        return format_problems(self.problems, self.source)


class SolverError(RetrofitError):
    """The solver failed (not the user's input): a distinct exit code."""

    exit_code = 3


class OutputError(RetrofitError):
    """The results could not be written where asked."""

    exit_code = 2


REPEAT_SHOWN = 3  # a problem repeated in more rows is shown this often, then its other rows listed
ROWS_LISTED = 20  # of those other rows, this many are named, the rest counted
LINES_SHOWN = 50  # errors (and warnings) shown in full; beyond, counts per kind


def format_problems(problems: list[Problem], source: str = "") -> str:
    """One readable, bounded block: errors first, then warnings, each numbered.  The same
    problem in the same column of many rows is shown a few times, then its remaining rows
    are listed (the first :data:`ROWS_LISTED`, then a count); past :data:`LINES_SHOWN`
    lines, the rest is summarised as a count per kind of problem, so that 50,000 bad rows
    give a report of a few kB, not of hundreds."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    lines = []
    head = f"{source}: " if source else ""
    if errors:
        lines.append(f"{head}{len(errors)} error(s) in the case; nothing was solved or written.")
        lines += [f"  {i}. {text}" for i, text in enumerate(_bounded(errors), 1)]
    if warnings:
        lines.append(f"{head}{len(warnings)} warning(s):")
        lines += [f"  - {text}" for text in _bounded(warnings)]
    return "\n".join(lines)


def _bounded(problems: list[Problem]) -> list[str]:
    texts = []
    groups = _groups(problems)
    for index, members in enumerate(groups):
        if len(texts) >= LINES_SHOWN:
            rest = [p for group in groups[index:] for p in group]
            counts = Counter(_kind(p) for p in rest)
            summary = "; ".join(f"{kind} ×{n}" for kind, n in counts.most_common(10))
            more = len(counts) - 10
            texts.append(f"and {len(rest)} more, by kind: {summary}" + (f"; {more} other kinds" if more > 0 else ""))
            break
        texts += [str(p) for p in members[:REPEAT_SHOWN]]
        rest = members[REPEAT_SHOWN:]
        if rest:
            rows = ", ".join(str(p.row) for p in rest[:ROWS_LISTED])
            if len(rest) > ROWS_LISTED:
                rows += f" and {len(rest) - ROWS_LISTED} more"
            texts.append(f"the same in {len(rest)} more row(s) of sheet '{rest[0].sheet}', column "
                         f"{rest[0].column}: rows {rows}")
    return texts


def _groups(problems: list[Problem]) -> list[list[Problem]]:
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.sheet, p.column, p.message, p.fix), []).append(p)
    return list(groups.values())


def _kind(problem: Problem) -> str:
    """A problem's kind: its message without the numbers and quoted names that vary."""
    text = re.sub(r"'[^']*'", "'…'", problem.message)
    text = re.sub(r"\d[\d,.]*(e[+-]?\d+)?", "N", text)
    where = f"sheet '{problem.sheet}': " if problem.sheet else ""
    return f"{where}{text}"


def raise_if_errors(problems: list[Problem], source: str = "") -> None:
    if any(p.severity == "error" for p in problems):
        raise CaseError(problems, source)
