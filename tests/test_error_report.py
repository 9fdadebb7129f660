"""The error block: every location reported, repeated problems folded, no traceback."""
from click.testing import CliRunner

from retrofit_opt.cli import main
from workbooks import minimal_case


def test_a_problem_repeated_in_many_rows_is_folded_but_every_row_is_named(make_case):
    sheets = minimal_case()
    header = sheets["projects"][0]
    sheets["projects"] = [header] + [[f"P{i}", f"project {i}", "lots", 10, 20, "no", "", ""]
                                     for i in range(1, 11)]
    run = CliRunner().invoke(main, ["validate", str(make_case(sheets))])
    assert run.exit_code == 2 and "Traceback" not in run.output
    text = run.stderr
    full = [line for line in text.splitlines() if "capex is not a number" in line]
    assert len(full) == 3  # rows 2, 3, 4 in full …
    folded = [line for line in text.splitlines() if "the same in 7 more row(s)" in line]
    assert len(folded) == 1  # … then the other seven rows, every one named
    assert "rows 5, 6, 7, 8, 9, 10, 11" in folded[0] and "sheet 'projects'" in folded[0]
    assert "10 error(s)" in text
