"""OR-Library mknap1 (Petersen 1967 capital budgeting): the CLI reaches every published optimum.

Each problem max Σ p_j x_j s.t. Σ_j r_ij x_j ≤ b_i becomes a case workbook: item j is a
project with capex 1 (no budget row), its profit the energy_saving, each weight row i a
``benefit:r<i>`` column with a ``max_total`` target b_i, objective max_saving.  The data is committed in
tests/data/orlib/ (its README.md gives the source, terms and format).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from retrofit_opt.cli import main
from workbooks import write_workbook

DATA = Path(__file__).resolve().parent / "data" / "orlib"
MKNAP1 = DATA / "mknap1.txt"
N_PROBLEMS = 7


@dataclass
class Knapsack:
    number: int
    profits: list[float]
    weights: list[list[float]]  # m rows of n
    capacities: list[float]
    optimum: float


def parse_mknap(text: str) -> list[Knapsack]:
    """``K``, then per problem ``n m opt``, n profits, m×n weights row by row, m capacities."""
    numbers = [float(token) for token in text.split()]
    pos = 0

    def take(count):
        nonlocal pos
        chunk = numbers[pos:pos + count]
        if len(chunk) != count:
            raise ValueError("mknap file ends early")
        pos += count
        return chunk

    (k,) = take(1)
    problems = []
    for number in range(1, int(k) + 1):
        n, m, opt = take(3)
        n, m = int(n), int(m)
        profits = take(n)
        weights = [take(n) for _ in range(m)]
        capacities = take(m)
        problems.append(Knapsack(number, profits, weights, capacities, opt))
    if pos != len(numbers):
        raise ValueError(f"{len(numbers) - pos} numbers left after {int(k)} problems")
    return problems


def load_problems() -> list[Knapsack]:
    if not MKNAP1.is_file():
        pytest.fail(f"OR-Library data not found: {MKNAP1} (committed under tests/data/orlib/)")
    return parse_mknap(MKNAP1.read_text())


def case_sheets(problem: Knapsack) -> dict[str, list[list]]:
    m = len(problem.weights)
    head = ["id", "name", "capex (万元)", "energy_saving (tce/yr)"] + [f"benefit:r{i + 1}" for i in range(m)]
    rows = [head]
    for j, profit in enumerate(problem.profits):
        rows.append([f"J{j + 1}", f"item {j + 1}", 1, profit] + [row[j] for row in problem.weights])
    targets = [["metric", "kind", "value"]] + [[f"benefit:r{i + 1}", "max_total", b]
                                               for i, b in enumerate(problem.capacities)]
    return {"projects": rows, "targets": targets,
            "parameters": [["parameter", "value"], ["objective", "max_saving"]]}


def test_mknap1_file_has_seven_problems_with_optima():
    problems = load_problems()
    assert len(problems) == N_PROBLEMS
    assert [len(p.profits) for p in problems] == [6, 10, 15, 20, 28, 39, 50]
    assert all(p.optimum > 0 for p in problems)


@pytest.mark.parametrize("number", range(1, N_PROBLEMS + 1))
def test_cli_reaches_published_optimum(number, tmp_path):
    problem = load_problems()[number - 1]
    path = write_workbook(tmp_path / f"mknap1_{number}.xlsx", case_sheets(problem))
    out = tmp_path / f"mknap1_{number}_result.xlsx"
    run = CliRunner().invoke(main, ["solve", str(path), "-o", str(out), "--json", "--mip-gap", "0"])
    assert run.exit_code == 0, run.output
    report = json.loads(run.stdout)
    assert report["status"] == "optimal"
    assert math.isclose(report["objective"], problem.optimum, rel_tol=1e-9, abs_tol=1e-6), (
        f"mknap1 problem {number}: objective {report['objective']}, published optimum {problem.optimum}")
    chosen = [int(pid[1:]) - 1 for pid in report["selected"]]
    assert math.isclose(sum(problem.profits[j] for j in chosen), problem.optimum, rel_tol=1e-9, abs_tol=1e-6)
    for i, (row, capacity) in enumerate(zip(problem.weights, problem.capacities)):
        used = sum(row[j] for j in chosen)
        assert used <= capacity + 1e-9, f"constraint {i + 1}: {used} > {capacity}"
        assert math.isclose(report["totals"][f"benefit:r{i + 1}"], used, rel_tol=1e-9, abs_tol=1e-9)
    assert out.is_file()
