"""Carbon dual-control accounting of energy-intensity targets (issue 16), hand-worked.

Base 2020: energy 1,000,000 tce, value added 500,000 万元, feedstock (原料用能) 100,000 tce.
Target 2025: energy 1,300,000 tce, value added 700,000 万元, feedstock 150,000 tce, new
renewable electricity 50,000 tce, cross-province green certificates 30,000 tce; intensity
−13.5 % against 2020.

* no deductions: allowed 0.865 × (1,000,000/500,000) × 700,000 = 1,211,000 → saving 89,000;
* feedstock deducted in both years: intensity₀ = 900,000/500,000 = 1.8, allowed
  0.865 × 1.8 × 700,000 = 1,089,900; energy counted 1,150,000 → saving 60,100;
* and new renewables: energy counted 1,100,000 → saving 10,100;
* and certificates, at most 50 % of that saving (发改环资〔2024〕113号): min(30,000, 5,050)
  → saving 5,050.

Projects P1 (100 万元, 6,000 tce/yr), P2 (80, 4,200), P3 (500, 90,000); least cost: P1 alone
with every deduction (6,000 ≥ 5,050), P1 + P2 without certificates (10,200 ≥ 10,100), P3
otherwise.  With P1 the intensity reached is (1,100,000 − 5,050 − 6,000)/700,000 = 1.555643
against 1.8: −13.5754 %.
"""
from __future__ import annotations

import pytest

from retrofit_opt import load_case, solve_case
from retrofit_opt.errors import CaseError

from workbooks import write_workbook

BASE_HEADER = ["year", "energy_consumption (tce)", "value_added (万元)"]


def case_file(tmp_path, columns, name="case.xlsx"):
    extra = {"feedstock": ("feedstock_energy (tce)", 100_000, 150_000),
             "renewable": ("renewable_energy (tce)", 0, 50_000),
             "certificate": ("certificate_energy (tce)", 0, 30_000)}
    header = BASE_HEADER + [extra[c][0] for c in columns]
    rows = [[2020, 1_000_000, 500_000] + [extra[c][1] for c in columns],
            [2025, 1_300_000, 700_000] + [extra[c][2] for c in columns]]
    return write_workbook(tmp_path / name, {
        "projects": [["id", "name", "capex (万元)", "energy_saving (tce/yr)"],
                     ["P1", "one", 100, 6000], ["P2", "two", 80, 4200], ["P3", "three", 500, 90_000]],
        "targets": [["metric", "kind", "value", "year", "base_year"],
                    ["energy_saving", "intensity_reduction", 13.5, 2025, 2020]],
        "baseline": [header] + rows,
        "parameters": [["parameter", "value"], ["objective", "min_cost"], ["mip_gap", 0]],
    })


@pytest.mark.parametrize("columns, required, plan", [
    ((), 89_000, {"P3"}),
    (("feedstock",), 60_100, {"P3"}),
    (("feedstock", "renewable"), 10_100, {"P1", "P2"}),
    (("feedstock", "renewable", "certificate"), 5_050, {"P1"}),
])
def test_required_saving_hand_worked(tmp_path, columns, required, plan):
    result = solve_case(load_case(case_file(tmp_path, columns)), explain=False)
    (check,) = result.target_checks
    assert check.required == pytest.approx(required)
    assert set(result.plan) == plan


def test_intensity_reached_counts_the_same_deductions(tmp_path):
    result = solve_case(load_case(case_file(tmp_path, ("feedstock", "renewable", "certificate"))), explain=False)
    (check,) = result.target_checks
    assert check.achieved_intensity_change == pytest.approx(100 * ((1_100_000 - 5_050 - 6_000) / 700_000 / 1.8 - 1))
    assert check.achieved_intensity_change == pytest.approx(-13.5754, abs=1e-4)


def test_certificates_below_the_cap_count_in_full(tmp_path):
    """Certificates of 2,000 tce (below 50 % × 10,100 = 5,050) deduct all 2,000: saving 8,100."""
    path = case_file(tmp_path, ("feedstock", "renewable", "certificate"))
    from openpyxl import load_workbook
    wb = load_workbook(path)
    wb["baseline"]["F3"] = 2_000
    wb.save(path)
    (check,) = solve_case(load_case(path), explain=False).target_checks
    assert check.required == pytest.approx(8_100)


def test_negative_feedstock_is_rejected(tmp_path):
    path = case_file(tmp_path, ("feedstock",))
    from openpyxl import load_workbook
    wb = load_workbook(path)
    wb["baseline"]["D2"] = -5
    wb.save(path)
    with pytest.raises(CaseError) as err:
        load_case(path)
    assert "feedstock_energy is negative" in str(err.value)


def test_summary_states_the_intensity_both_ways(tmp_path):
    """Energy intensity as the target counts it (−13.58 %) and on the consumption as given:
    (1,300,000 − 6,000)/700,000 = 1.848571 against 2.0, −7.57 %; CO2 intensity: the baseline
    here has no CO2, so the note says it is not stated (never a bare '—')."""
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from retrofit_opt.cli import main
    out = tmp_path / "result.xlsx"
    path = case_file(tmp_path, ("feedstock", "renewable", "certificate"))
    run = CliRunner().invoke(main, ["solve", str(path), "-o", str(out), "--lang", "en"])
    assert run.exit_code == 0, run.output
    texts = [c.value for row in load_workbook(out)["Summary"].iter_rows() for c in row if isinstance(c.value, str)]
    line = next(t for t in texts if "as the target counts it" in t)
    assert "13.58" in line and f"{100 * (1 - 1_294_000 / 700_000 / 2.0):.2f}" in line
    assert "the baseline gives no CO2 emissions, so the CO2 intensity is not stated" in line and "—" not in line
    assert "less feedstock energy, new renewable electricity, green certificates" in line
    assert "vs 2020 by 2025:" in line  # the target year is stated in a single-period case too
