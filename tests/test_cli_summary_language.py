"""The lines ``retrofit-opt solve``, ``compare`` and ``risk`` print are in the report's language: --lang,
else the case's (labels cli.summary.* of schema/labels.csv), checked through click's
CliRunner on real workbooks and the real solver, in both languages; its figures are
never in exponent form."""
from __future__ import annotations

import re

from click.testing import CliRunner

from retrofit_opt.cli import main
from test_micro_cases import case_sheets

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def big_case():
    """Budget 2,000,000 万元, max_npv given: A npv 12,345,678, B 3; A alone fits."""
    return case_sheets([{"id": "A", "capex": 1_500_000, "energy_saving": 10, "npv": 12_345_678},
                        {"id": "B", "capex": 900_000, "energy_saving": 5, "npv": 3}],
                       budgets=[("total", 2_000_000)], objective="max_npv")


def test_solve_line_in_chinese_and_english(make_case, tmp_path):
    """Budget 1000, max_saving: A 600 → 500 tce, B 500 → 400, C 400 → 350: {A,C} = 850."""
    case = make_case(case_sheets([{"id": "A", "capex": 600, "energy_saving": 500},
                                  {"id": "B", "capex": 500, "energy_saving": 400},
                                  {"id": "C", "capex": 400, "energy_saving": 350}],
                                 budgets=[("total", 1000)]))
    zh = run("solve", case, "-o", tmp_path / "zh.xlsx", "--lang", "zh")
    assert zh.exit_code == 0, zh.output
    line = zh.output.strip().splitlines()[-1]
    assert line == (f"最优，优化目标值 850 吨标准煤/年，最优性差距 0.0000%；3个候选项目中入选2个；全部目标完成。"
                    f"结果文件：{tmp_path / 'zh.xlsx'}")
    assert not LATIN_WORD.findall(line.split("结果文件：")[0])  # no English word before the file name
    en = run("solve", case, "-o", tmp_path / "en.xlsx", "--lang", "en")
    assert en.exit_code == 0, en.output
    assert en.output.strip().splitlines()[-1] == (
        f"optimal, objective 850, gap 0.0000%; 2 of 3 projects chosen; all targets met. Results: {tmp_path / 'en.xlsx'}")
    assert not re.search(r"[\u4e00-\u9fff]", en.output.strip().splitlines()[-1])


def test_solve_line_follows_the_case_language_without_lang(make_case, tmp_path):
    """A case with Chinese headers (tests/test_report.zh_case) prints the Chinese line."""
    from test_report import write_case, zh_case
    path = write_case(tmp_path / "案例.xlsx", zh_case())
    result = run("solve", path, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("最优，优化目标值 1,100 吨标准煤/年")


def test_infeasible_line_in_both_languages(make_case, tmp_path):
    """Target 1,000 tce but A + B save only 900 within the budget: no plan (exit 1)."""
    case = make_case(case_sheets([{"id": "A", "capex": 500, "energy_saving": 500},
                                  {"id": "B", "capex": 500, "energy_saving": 400}],
                                 budgets=[("total", 1000)], targets=[("energy_saving", "min_total", 1000)]))
    zh = run("solve", case, "-o", tmp_path / "zh.xlsx", "--lang", "zh")
    assert zh.exit_code == 1
    assert zh.output.strip().splitlines()[-1].startswith(
        "无可行解；2个候选项目中入选0个；在预算内无法完成全部目标：见概要表中的诊断。结果文件：")
    en = run("solve", case, "-o", tmp_path / "en.xlsx", "--lang", "en")
    assert en.output.strip().splitlines()[-1].startswith(
        "infeasible; 0 of 2 projects chosen; targets cannot all be met within the budgets: see the diagnosis")


def test_large_objective_is_never_in_exponent_form(make_case, tmp_path):
    case = make_case(big_case())
    for lang, figure in (("zh", "优化目标值 12,345,678 万元"), ("en", "objective 12,345,678")):
        result = run("solve", case, "-o", tmp_path / f"{lang}.xlsx", "--lang", lang)
        line = result.output.strip().splitlines()[-1]
        assert figure in line, line
        assert not re.search(r"\de[+-]?\d", line), line


def test_robust_solve_line_in_both_languages(tmp_path):
    """``solve --robust-gamma``: the Γ sentence and the price of robustness follow the
    language too; the English line keeps its wording."""
    from robust_cases import random_small_case, write_case
    path = write_case(tmp_path / "case.xlsx", random_small_case(3, n=8, objectives=("max_saving",)))
    zh = run("solve", path, "--robust-gamma", 2, "-o", tmp_path / "zh.xlsx", "--lang", "zh")
    assert zh.exit_code in (0, 1), zh.output
    line = zh.output.strip().splitlines()[-1]
    assert "；Γ = 2" in line and "稳健性代价" in line and "结果文件：" in line
    assert not LATIN_WORD.findall(line.split("结果文件：")[0]), line
    en = run("solve", path, "--robust-gamma", 2, "-o", tmp_path / "en.xlsx", "--lang", "en")
    line = en.output.strip().splitlines()[-1]
    assert re.search(r"; Γ = 2: every target holds with any 2 project\(s\) at the low end; price of robustness "
                     r"[\d,.]+\. Results: ", line) or "; no plan meets the targets with Γ = 2" in line, line
    assert not re.search(r"[\u4e00-\u9fff]", line.split("Results:")[0]), line


def test_compare_lines_in_both_languages(make_case, tmp_path):
    """Budget 1000 (scenario 'tight': 600), max_saving: A 600 → 500 tce, B 500 → 400,
    C 400 → 350.  Base {A,C} = 850; tight: A alone (500) beats B (400) and C (350)."""
    sheets = case_sheets([{"id": "A", "capex": 600, "energy_saving": 500},
                          {"id": "B", "capex": 500, "energy_saving": 400},
                          {"id": "C", "capex": 400, "energy_saving": 350}], budgets=[("total", 1000)])
    sheets["scenarios"] = [["name", "budget:total"], ["tight", 600]]
    case = make_case(sheets)
    zh = run("compare", case, "-o", tmp_path / "zh.xlsx", "--lang", "zh", "--no-explain")
    assert zh.exit_code == 0, zh.output
    lines = zh.output.strip().splitlines()[-3:]
    assert lines[0].startswith("基准情景：最优")
    assert lines[0].endswith("优化目标值 850 吨标准煤/年，最优性差距 0.0000%；3个候选项目中入选2个；全部目标完成。"), lines
    assert lines[1].startswith("tight：最优") and "优化目标值 500 吨标准煤/年" in lines[1], lines
    assert lines[2] == f"结果文件：{tmp_path / 'zh.xlsx'}"
    assert not LATIN_WORD.findall("".join(lines[:2]).replace("tight", ""))
    en = run("compare", case, "-o", tmp_path / "en.xlsx", "--lang", "en", "--no-explain")
    assert en.exit_code == 0, en.output
    lines = en.output.strip().splitlines()[-3:]
    assert lines[0].startswith("base: optimal, objective 850")
    assert lines[1].startswith("tight: optimal, objective 500") and lines[1].endswith("all targets met."), lines
    assert lines[2] == f"Results: {tmp_path / 'en.xlsx'}"


def test_risk_lines_in_both_languages(make_case, tmp_path):
    """The risk command's deterministic line and its results line follow --lang (the
    headlines between them come from the Risk sheet's own bilingual table)."""
    case = make_case(case_sheets([{"id": "A", "capex": 600, "energy_saving": 500},
                                  {"id": "C", "capex": 400, "energy_saving": 350}], budgets=[("total", 1000)]))
    zh = run("risk", case, "--samples", "50", "--seed", "1", "-o", tmp_path / "zh.xlsx", "--lang", "zh")
    assert zh.exit_code == 0, zh.output
    lines = zh.output.strip().splitlines()
    assert lines[0] == "最优，优化目标值 850 吨标准煤/年，最优性差距 0.0000%；2个候选项目中入选2个；全部目标完成。", lines
    assert lines[-1] == f"结果文件：{tmp_path / 'zh.xlsx'}"
    assert not LATIN_WORD.findall("".join(lines[:-1])), lines
    en = run("risk", case, "--samples", "50", "--seed", "1", "-o", tmp_path / "en.xlsx", "--lang", "en")
    assert en.exit_code == 0, en.output
    lines = en.output.strip().splitlines()
    assert lines[0] == "optimal, objective 850, gap 0.0000%; 2 of 2 projects chosen; all targets met.", lines
    assert lines[-1] == f"Results: {tmp_path / 'en.xlsx'}"
