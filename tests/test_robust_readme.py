"""The numbers of README "Robust plans: when savings fall short" (the Ganhe case with its
constructed ranges, and its min_cost copy written by tests/ganhe_objective.py), through
the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ganhe_objective import GANHE, write_ganhe_with_objective
from retrofit_opt.cli import main


def _solve(path: Path, *options, tmp_path):
    result = CliRunner().invoke(main, ["solve", str(path), *map(str, options), "-o", str(tmp_path / "out.xlsx"),
                                       "--json", "--no-explain"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _targets(doc):
    return {t["target"]: t for t in doc["robust"]["targets"]}


def test_ganhe_gamma_two_costs_nothing_at_its_own_objective(tmp_path):
    doc = _solve(GANHE, "--robust-gamma", 2, tmp_path=tmp_path)
    assert doc["objective"] == pytest.approx(46729.67)
    assert doc["price_of_robustness"] == pytest.approx(0.0, abs=1e-6)
    targets = _targets(doc)
    assert round(targets["energy_saving ≥ 35300"]["worst_case"], 1) == 43295.7
    assert round(targets["co2_reduction ≥ 75000"]["worst_case"]) == 88504


def test_ganhe_min_cost_price_of_robustness(tmp_path):
    doc = _solve(write_ganhe_with_objective(tmp_path / "g.xlsx", "min_cost"), "--robust-gamma", 2,
                 tmp_path=tmp_path)
    curve = [p["objective"] for p in doc["robust"]["price_curve"]]
    assert curve == pytest.approx([175050, 181450, 184250, 186350, 189150, 191050])
    assert doc["objective"] == pytest.approx(184250)
    assert doc["price_of_robustness"] == pytest.approx(9200)
    assert round(doc["price_of_robustness"] / doc["robust"]["deterministic_objective"], 3) == 0.053
    energy, co2 = _targets(doc)["energy_saving ≥ 35300"], _targets(doc)["co2_reduction ≥ 75000"]
    assert round(energy["worst_case"], 1) == 36680.7 and round(co2["worst_case"], 1) == 75512.9
    assert doc["robust"]["out_of_sample_samples"] == 2000 and doc["robust"]["out_of_sample_seed"] == 1000003
    assert round(energy["out_of_sample_probability"], 4) == 0.9995
    assert round(co2["out_of_sample_probability"], 3) == 0.928
    assert round(energy["deterministic_plan_out_of_sample_probability"], 3) == 0.671
    assert round(co2["deterministic_plan_out_of_sample_probability"], 4) == 0.0045


def test_ganhe_min_cost_chance_constrained(tmp_path):
    doc = _solve(write_ganhe_with_objective(tmp_path / "g.xlsx", "min_cost"), "--confidence", 0.95,
                 tmp_path=tmp_path)
    assert doc["objective"] == pytest.approx(185350)
    assert doc["price_of_robustness"] == pytest.approx(10300)
    co2 = _targets(doc)["co2_reduction ≥ 75000"]
    assert co2["in_sample_probability"] >= 0.95
    assert round(co2["out_of_sample_probability"], 3) == 0.967
    low, high = co2["out_of_sample_interval"]
    assert (round(low, 3), round(high, 3)) == (0.958, 0.974)
