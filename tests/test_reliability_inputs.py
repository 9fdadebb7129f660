"""Reliability, round 2 (issue 18): every hostile or careless input of the black-box attack
gets a clear answer — a located error with exit 2 and nothing written, or the value read as
the user meant it — never a silent wrong answer and never a traceback.

Each case writes a real .xlsx (tests/workbooks.py) and runs the real command line.
"""
from __future__ import annotations

import copy
import math
import os
import re

import pytest
from click.testing import CliRunner

from retrofit_opt import limits
from retrofit_opt.cli import main
from retrofit_opt.errors import Problem, format_problems
from workbooks import minimal_case

EXCEL_ERRORS = ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#GETTING_DATA"]
FIX = "the formula in this cell failed in Excel — fix it or type the value"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    text = (result.stdout or "") + (result.stderr or "")
    assert "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def validate(make_case, sheets):
    return run("validate", make_case(sheets))


def refused(make_case, sheets, *needles):
    """validate and solve both exit 2, name every needle, write nothing."""
    path = make_case(sheets)
    out = path.with_name("out.xlsx")
    for result in (run("validate", path), run("solve", path, "-o", out)):
        assert result.exit_code == 2, result.output
        for needle in needles:
            assert needle in result.stderr, f"{needle!r} not in:\n{result.stderr}"
        assert not out.exists()
    return result.stderr


def multi_year(start=2025, end=2027):
    sheets = minimal_case()
    sheets["parameters"] += [["start_year", start], ["end_year", end]]
    return sheets


def with_scenarios(sheets, header, *rows):
    sheets = copy.deepcopy(sheets)
    sheets["scenarios"] = [["name", *header], *[list(r) for r in rows]]
    return sheets


# ----------------------------------------------------------------- Excel error values
@pytest.mark.parametrize("error", EXCEL_ERRORS)
@pytest.mark.parametrize("column, letter", [(1, "B"), (2, "C"), (5, "F"), (6, "G"), (7, "H")])
def test_an_excel_error_value_is_an_error_in_every_column(make_case, error, column, letter):
    """name, capex, mandatory, exclusive_group and requires alike: never taken as data."""
    sheets = minimal_case()
    sheets["projects"][2][column] = error
    stderr = refused(make_case, sheets, f"is the Excel error {error}", FIX)
    assert re.search(rf"sheet 'projects', row 3, column {letter} ", stderr), stderr


def test_two_failed_lookups_do_not_make_an_exclusive_group(make_case):
    sheets = minimal_case()
    sheets["projects"][1][6] = sheets["projects"][2][6] = "#N/A"
    stderr = refused(make_case, sheets, "exclusive_group is the Excel error #N/A")
    assert "row 2" in stderr and "row 3" in stderr


def test_an_error_value_in_budget_pool_cannot_escape_the_pool(make_case):
    sheets = minimal_case()
    sheets["projects"][0].append("budget_pool")
    for row in sheets["projects"][1:]:
        row.append("own")
    sheets["projects"][1][-1] = "#N/A"
    sheets["budgets"].append(["own", None, 100])
    refused(make_case, sheets, "budget_pool is the Excel error #N/A", "column I 'budget_pool'")


@pytest.mark.parametrize("sheet, row, col", [("budgets", 1, 0), ("targets", 1, 0), ("parameters", 1, 1),
                                             ("budgets", 1, 2)])
def test_error_values_on_other_sheets(make_case, sheet, row, col):
    sheets = minimal_case()
    sheets[sheet][row][col] = "#REF!"
    refused(make_case, sheets, "the Excel error #REF!", f"sheet '{sheet}', row {row + 1}")


# ---------------------------------------------------------------- scenarios validated
def test_scenario_weighted_objective_without_weights(make_case):
    sheets = with_scenarios(minimal_case(), ["objective"], ["weighted", "weighted"])
    refused(make_case, sheets, "sheet 'scenarios', row 2", "objective 'weighted' needs weights")


def test_scenario_budget_on_an_unknown_pool(make_case):
    sheets = with_scenarios(minimal_case(), ["budget:nowhere (万元)"], ["odd", 500])
    refused(make_case, sheets, "sheet 'scenarios', row 2", "budget:nowhere names a pool the case does not have",
            "total")


@pytest.mark.parametrize("header, value, text", [
    ("budget:total (万元)", -100, "must be at least 0"), ("budget_scale", -0.5, "must be at least 0"),
    ("grid_co2_factor", -1, "grid_co2_factor is negative"), ("time_limit", -5, "time_limit must be above 0"),
    ("time_limit", 1e9, "time_limit must be at most 604800 s"), ("mip_gap", 2, "mip_gap"),
    ("budget:total (万元)", 1e300, "implausibly large")])
def test_scenario_values_go_through_the_same_checks(make_case, header, value, text):
    sheets = with_scenarios(minimal_case(), [header], ["s1", value])
    refused(make_case, sheets, "sheet 'scenarios', row 2", text)


def test_scenario_start_year_in_a_single_period_case(make_case):
    sheets = with_scenarios(minimal_case(), ["start_year"], ["later", 2026])
    refused(make_case, sheets, "sheet 'scenarios', row 2", "start_year is given without end_year")


def test_scenario_end_year_before_start_year(make_case):
    sheets = with_scenarios(multi_year(), ["end_year"], ["short", 2020])
    refused(make_case, sheets, "sheet 'scenarios', row 2", "start_year 2025 is after end_year 2020")


def test_scenario_end_year_earlier_than_project_windows(make_case):
    sheets = multi_year(2025, 2030)
    sheets["projects"][0].append("earliest_year")
    for row in sheets["projects"][1:]:
        row.append(None)
    sheets["projects"][1][-1] = 2029
    sheets = with_scenarios(sheets, ["end_year"], ["short", 2026])
    refused(make_case, sheets, "sheet 'scenarios', row 2", "scenario 'short' makes the case invalid",
            "earliest_year 2029 is outside the horizon 2025–2026")


def test_valid_scenarios_still_compare(make_case, tmp_path):
    sheets = with_scenarios(minimal_case(), ["budget:总预算 (万元)", "budget_scale"], ["tight", 800, None],
                            ["loose", None, 2])
    result = run("compare", make_case(sheets), "-o", tmp_path / "cmp.xlsx")
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "cmp.xlsx").exists()


# -------------------------------------------------------------- CLI options and API
@pytest.mark.parametrize("option", [["--time-limit", "nan"], ["--time-limit", "inf"], ["--time-limit", "-5"],
                                    ["--mip-gap", "nan"], ["--mip-gap", "1.5"], ["--time-limit", "1e9"]])
def test_solver_options_are_checked(make_case, option):
    path = make_case()
    result = run("solve", path, "-o", path.with_name("o.xlsx"), *option)
    assert result.exit_code == 2 and option[0] in result.stderr, result.output
    assert not path.with_name("o.xlsx").exists()


@pytest.mark.parametrize("budgets", [["nan", "10"], ["0", "inf"], ["0", "1e300"], ["-1", "10"]])
def test_sweep_budget_options_are_checked(make_case, budgets):
    path = make_case()
    result = run("sweep", path, "--budget-from", budgets[0], "--budget-to", budgets[1], "-o",
                 path.with_name("s.xlsx"))
    assert result.exit_code == 2 and "Invalid value for '--budget" in result.stderr, result.output


def test_api_arguments_take_the_same_path(make_case):
    from retrofit_opt import load_case, solve_case
    from retrofit_opt.studies.sweep import run_sweep
    case = load_case(make_case())
    for kwargs in ({"time_limit": math.nan}, {"time_limit": -1}, {"mip_gap": math.inf}):
        with pytest.raises(limits.OptionError):
            solve_case(case, **kwargs)
    with pytest.raises(limits.OptionError, match="not a finite number"):
        run_sweep(case, [0.0, math.inf])
    with pytest.raises(limits.OptionError):
        run_sweep(case, [0.0, 100.0], time_limit=math.nan)


# --------------------------------------------------------------- magnitudes, no traceback
@pytest.mark.parametrize("col, value", [(2, 1e-320), (3, 1e-320), (4, 5e-324), (3, 1e-7)])
def test_tiny_magnitudes_below_the_resolution_are_errors(make_case, col, value):
    sheets = minimal_case()
    sheets["projects"][1][col] = value
    refused(make_case, sheets, "below the resolution of 1e-06", "sheet 'projects', row 2")


def test_zero_saving_is_still_fine(make_case, tmp_path):
    sheets = minimal_case()
    sheets["projects"][1][4] = 0
    assert validate(make_case, sheets).exit_code == 0


@pytest.mark.parametrize("header, value, text", [("lifetime", 1e6, "lifetime 1000000 is more than 200 years"),
                                                 ("build_years", 10_000_000, "is more than 50 years")])
def test_lifetime_and_build_years_are_bounded_single_period(make_case, header, value, text):
    sheets = minimal_case()
    sheets["projects"][0].append(header)
    for row in sheets["projects"][1:]:
        row.append(None)
    sheets["projects"][1][-1] = value
    refused(make_case, sheets, text)


def test_build_years_bounded_by_the_horizon_before_allocation(make_case):
    """1e9 build years in a multi-year case: refused at once, no memory blow-up (2 to 50
    build years beyond the horizon stay a warning: the project can never be selected)."""
    sheets = multi_year(2025, 2027)
    sheets["projects"][0].append("build_years")
    for row in sheets["projects"][1:]:
        row.append(None)
    sheets["projects"][1][-1] = 1_000_000_000
    refused(make_case, sheets, "build_years 1000000000 is more than 50 years")
    sheets["projects"][1][-1] = 5
    result = validate(make_case, sheets)
    assert result.exit_code == 0 and "cannot be completed within 2025–2027" in result.stderr, result.output


def test_horizon_is_bounded(make_case):
    refused(make_case, multi_year(1900, 2200), "the horizon 1900–2200 has 301 years")


def test_huge_budget_is_an_error_not_a_crash(make_case):
    sheets = minimal_case()
    sheets["budgets"][1][2] = 1e14
    refused(make_case, sheets, "implausibly large")


@pytest.mark.parametrize("value", [0, -5000])
def test_baseline_energy_must_be_positive(make_case, value):
    sheets = multi_year(2025, 2026)
    sheets["targets"] = [["metric", "year", "kind", "value", "base_year"],
                         ["energy_saving", 2026, "intensity_reduction", 10, 2025]]
    sheets["baseline"] = [["year", "energy_consumption (tce)", "value_added (万元)"],
                          [2025, value, 1000], [2026, 100000, 1100]]
    refused(make_case, sheets, "the baseline energy consumption must be positive", "sheet 'baseline', row 2")


def test_symlink_loop_input_is_a_clear_error(tmp_path):
    loop = tmp_path / "loop.xlsx"
    os.symlink(loop, loop)
    for args in (["validate", loop], ["solve", loop, "-o", tmp_path / "o.xlsx"]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "symbolic links" in result.stderr or "symlink" in result.stderr, result.stderr


# ------------------------------------------------------------------------ bounded work
def test_a_stray_cell_far_below_is_one_row_not_a_million(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in minimal_case().items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb["projects"].cell(row=1_048_576, column=12, value="stray note")  # outside the table's columns
    path = tmp_path / "stray.xlsx"
    wb.save(path)
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert "more than" not in result.output


def test_the_problem_report_is_bounded():
    problems = [Problem(f"value {k} is wrong in its own way {k}", "fix it", "projects", k + 2, f"C 'c{k % 7}'")
                for k in range(50_000)]
    text = format_problems(problems, "big.xlsx")
    assert len(text) < 20_000, len(text)
    assert "50000 error(s)" in text and "and " in text and "more, by kind" in text
    assert text.count("\n") < 80
    repeated = [Problem("capex is not a number", "enter a number", "projects", k + 2, "C 'capex'")
                for k in range(50_000)]
    text = format_problems(repeated)
    assert len(text) < 5_000 and "the same in 49997 more row(s)" in text and "and 49977 more" in text


# ------------------------------------------------------------ rules through chains
def test_mandatory_propagates_through_prerequisites_to_an_exclusive_conflict(make_case):
    """P1 mandatory requires P2; P2 requires P3; P2 and P3 are alternatives: infeasible
    whatever the budget, and validate says so by name."""
    sheets = minimal_case()
    rows = sheets["projects"]
    rows[1][5], rows[1][7] = "yes", "P2"
    rows[2][7] = "P3"
    rows[3][7] = ""
    rows[2][6] = rows[3][6] = "alt"
    stderr = refused(make_case, sheets, "P1 → P2 → P3", "P1 → P2", "same exclusive group 'alt'")
    assert "budget" not in stderr.split("—")[0]


def test_mandatory_chain_to_an_excluded_project(make_case):
    sheets = minimal_case()
    rows = sheets["projects"]
    rows[0].append("excluded")
    for r in rows[1:]:
        r.append("no")
    rows[1][5], rows[1][7] = "yes", "P2"
    rows[2][7] = "P3"
    rows[3][7], rows[3][-1] = "", "yes"
    refused(make_case, sheets, "mandatory project P1 needs P3 through its prerequisites (P1 → P2 → P3)",
            "P3 is excluded")


# ------------------------------------------------------------------- messages
def test_year_written_with_nian_is_read(make_case, tmp_path):
    sheets = multi_year("2025年", "2027 年")
    result = run("solve", make_case(sheets), "-o", tmp_path / "o.xlsx", "--json")
    assert result.exit_code == 0, result.output
    assert '"start_year": 2025' in result.stdout or "2025" in result.stdout


@pytest.mark.parametrize("profile", ["40,60", "40、60", "40;60", "40/60", "40，60", "400/600"])
def test_capex_profile_separators(make_case, profile):
    sheets = multi_year(2025, 2027)
    sheets["projects"][0] += ["build_years", "capex_profile"]
    for row in sheets["projects"][1:]:
        row += [None, None]
    sheets["projects"][1][-2:] = [2, profile]
    result = validate(make_case, sheets)
    assert result.exit_code == 0, result.output


def test_overlap_larger_than_both_savings_is_an_error(make_case):
    sheets = minimal_case()
    sheets["interactions"] = [["project_a", "project_b", "energy_overlap (tce/yr)"], ["P1", "P2", 900]]
    refused(make_case, sheets, "the overlap 900 is larger than both projects' energy_saving (800 and 300)",
            "sheet 'interactions', row 2")


def test_overlap_within_the_savings_is_fine(make_case):
    sheets = minimal_case()
    sheets["interactions"] = [["project_a", "project_b", "energy_overlap (tce/yr)"], ["P1", "P2", 100]]
    assert validate(make_case, sheets).exit_code == 0


# ------------------------------------------------------------ file-level messages
def test_a_password_protected_workbook_is_named_so(tmp_path):
    """Excel saves an encrypted .xlsx as an OLE compound file with an EncryptionInfo stream."""
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptionInfo".encode("utf-16-le")
                     + bytes(1024) + "EncryptedPackage".encode("utf-16-le") + bytes(2048))
    result = run("validate", path)
    assert result.exit_code == 2 and "password-protected" in result.stderr and ".xls file" not in result.stderr


def test_a_chart_sheet_named_projects_is_explained(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in minimal_case().items():
        if title == "projects":
            wb.create_chartsheet("projects")
            continue
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    path = tmp_path / "chart.xlsx"
    wb.save(path)
    result = run("validate", path)
    assert result.exit_code == 2, result.output
    assert "sheet 'projects' is a chart sheet, not a table of cells" in result.stderr
    assert "damaged" not in result.stderr


def _rewrite(path, edit):
    import zipfile
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            data = edit(info.filename, data)
            if data is not None:
                archive.writestr(info, data)


def test_strict_open_xml_is_named_so(make_case):
    path = make_case()
    _rewrite(path, lambda name, data: data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                                   b"http://purl.oclc.org/ooxml/spreadsheetml/main")
             if name == "xl/workbook.xml" else data)
    result = run("validate", path)
    assert result.exit_code == 2 and "Strict Open XML" in result.stderr, result.stderr
    assert "has no 'projects'" not in result.stderr


def test_a_missing_sheet_part_is_damage_not_a_missing_sheet(make_case):
    path = make_case()
    _rewrite(path, lambda name, data: None if name == "xl/worksheets/sheet1.xml" else data)
    result = run("validate", path)
    assert result.exit_code == 2 and "the workbook lists sheet data that is not in the file" in result.stderr
    assert "has no 'projects'" not in result.stderr


@pytest.mark.parametrize("name", ["case.dat", "case.xlsx.bak", "case"])
def test_a_valid_workbook_with_another_extension_is_read(make_case, tmp_path, name):
    path = make_case()
    other = path.rename(tmp_path / name)
    result = run("solve", other, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output


def test_disk_full_gives_one_clean_message(tmp_path):
    """A write that fails half-way (here: the file-size limit, the way a full disk fails) is
    one message, without "Exception ignored in ZipFile.__del__", and leaves nothing behind."""
    import resource
    import signal as signals
    import subprocess
    import sys
    from pathlib import Path

    def small_files():
        signals.signal(signals.SIGXFSZ, signals.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
    case = Path(__file__).parent.parent / "cases" / "ganhe_2024.xlsx"
    out = tmp_path / "out.xlsx"
    proc = subprocess.run([sys.executable, "-m", "retrofit_opt.cli", "solve", str(case), "-o", str(out),
                           "--no-explain"], preexec_fn=small_files, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2, proc.stderr
    assert "could not write" in proc.stderr
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------ more bounds on work
def test_profile_entries_are_bounded(make_case):
    sheets = multi_year(2025, 2027)
    sheets["projects"][0] += ["build_years", "capex_profile"]
    for row in sheets["projects"][1:]:
        row += [None, None]
    sheets["projects"][1][-2:] = [2, "/".join(["1"] * 60)]
    refused(make_case, sheets, "capex_profile has 60 entries; at most 50 build years are supported")


def test_scenarios_are_bounded(make_case):
    sheets = with_scenarios(minimal_case(), ["budget_scale"],
                            *[[f"s{k}", 1 + k / 10_000] for k in range(limits.MAX_SCENARIOS + 1)])
    refused(make_case, sheets, f"more than {limits.MAX_SCENARIOS} scenarios")


def test_sweep_levels_are_bounded(make_case):
    from retrofit_opt import load_case
    from retrofit_opt.studies.sweep import run_sweep
    case = load_case(make_case())
    with pytest.raises(limits.OptionError, match="the number of budget levels must be at most 10000"):
        run_sweep(case, [float(k) for k in range(limits.MAX_SWEEP_STEPS + 1)])
    path = make_case()
    result = run("sweep", path, "--budget-from", 0, "--budget-to", 10, "--steps", 10_001, "-o",
                 path.with_name("s.xlsx"))
    assert result.exit_code == 2 and "--steps" in result.stderr


def test_data_rows_are_counted_not_row_numbers(make_case, monkeypatch):
    """The bound counts rows with data (lowered here so that the test stays small)."""
    from retrofit_opt import reader
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    sheets = minimal_case()
    sheets["projects"].insert(2, [None] * 8)  # blank rows do not count
    sheets["projects"].insert(2, [None] * 8)
    assert validate(make_case, sheets).exit_code == 0
    sheets["projects"].append(["P4", "four", 10, 5, 5, "no", "", ""])
    stderr = refused(make_case, sheets, "more than 3 rows with data; the rest is not read (row 7 and below)")
    assert "sheet 'projects'" in stderr
