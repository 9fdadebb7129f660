"""The numbers of README "Robust plans: when savings fall short" (Ganhe with the ranges
constructed by tests/ganhe_ranges.py), through the CLI."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ganhe_ranges import write_ganhe_with_ranges
from retrofit_opt.cli import main


def _solve(path, *options, tmp_path):
    result = CliRunner().invoke(main, ["solve", str(path), *map(str, options), "-o", str(tmp_path / "out.xlsx"),
                                       "--json", "--no-explain"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ganhe_gamma_two_costs_nothing_at_its_own_objective(tmp_path):
    doc = _solve(write_ganhe_with_ranges(tmp_path / "g.xlsx"), "--robust-gamma", 2, tmp_path=tmp_path)
    assert doc["objective"] == pytest.approx(46729.67)
    assert doc["price_of_robustness"] == pytest.approx(0.0, abs=1e-6)
    energy = doc["robust"]["targets"][0]
    assert energy["target"] == "energy_saving ≥ 35300"
    assert energy["worst_case"] == pytest.approx(43189.536)


def test_ganhe_min_cost_price_of_robustness(tmp_path):
    doc = _solve(write_ganhe_with_ranges(tmp_path / "g.xlsx", objective="min_cost"), "--robust-gamma", 2,
                 tmp_path=tmp_path)
    curve = [p["objective"] for p in doc["robust"]["price_curve"]]
    assert curve == pytest.approx([175050, 176750, 179950, 182250, 184850, 186850])
    assert doc["objective"] == pytest.approx(179950)
    assert doc["price_of_robustness"] == pytest.approx(4900)
    assert doc["robust"]["targets"][0]["worst_case"] == pytest.approx(35401.536)


def test_ganhe_min_cost_chance_constrained(tmp_path):
    doc = _solve(write_ganhe_with_ranges(tmp_path / "g.xlsx", objective="min_cost"), "--confidence", 0.95,
                 tmp_path=tmp_path)
    assert doc["objective"] == pytest.approx(182550)
    energy = doc["robust"]["targets"][0]
    assert energy["in_sample_probability"] >= 0.95
    assert round(energy["out_of_sample_probability"], 3) == 0.998
    low, high = energy["out_of_sample_interval"]
    assert (round(low, 3), round(high, 3)) == (0.995, 0.999)
    assert round(energy["deterministic_plan_out_of_sample_probability"], 3) == 0.775
