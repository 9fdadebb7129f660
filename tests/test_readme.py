"""The README runs as written: its Python API example (extracted and run as is), its shell
commands (every one after the quick start runs in the activated environment), the files it
names (all in the repository) and the outputs of its examples (ignored by git)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
ACTIVATE = "source .venv/bin/activate"


def blocks(language: str) -> list[tuple[int, str]]:
    """(offset in the README, code) of every fenced block in ``language``."""
    return [(m.start(), m.group(1)) for m in re.finditer(rf"^```{language}\n(.*?)^```", README, re.S | re.M)]


def section(heading: str) -> str:
    start = README.index(f"\n## {heading}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def api_example() -> str:
    code = re.findall(r"^```python\n(.*?)^```", section("Python API"), re.S | re.M)
    assert len(code) == 1, "the Python API section has one example"
    return code[0]


def test_python_api_example_runs_as_written(tmp_path):
    """Run from a folder holding the repository's cases, as the README says (``cases/…``)."""
    shutil.copytree(REPO / "cases", tmp_path / "cases", ignore=shutil.ignore_patterns("*.py", "expected"))
    script = tmp_path / "example.py"
    script.write_text(api_example(), encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    assert lines[0] == "optimal 46729.67"  # the Ganhe figure the README's worked example gives
    assert "1100.0 ['P1', 'P2']" in lines
    assert any("capex is not a number (found 'lots')" in line for line in lines)
    assert any("time_limit must be positive (found -1)" in line for line in lines)
    assert (tmp_path / "ganhe_2024_api_result.xlsx").stat().st_size > 0


def test_every_command_after_the_quick_start_runs_in_the_activated_environment():
    """Bare ``retrofit-opt`` and ``python`` are on the PATH only in the activated
    environment: the README must say so before it first uses them."""
    activated = README.find(f"```bash\n{ACTIVATE}\n```")
    assert activated > 0, "the README says once how to activate the environment"
    quick_start = section("Quick start")
    for offset, code in blocks("bash") + blocks("text"):
        for line in code.splitlines():
            command = line.removeprefix("$ ").strip()
            if re.match(r"(retrofit-opt|python)\b", command):
                assert offset > activated, f"used before the activation line: {command}"
            if offset < activated and command and command not in quick_start:
                raise AssertionError(f"command before the activation: {command}")


def test_outputs_of_the_readme_examples_are_ignored_by_git():
    outputs = set(re.findall(r"(?:-o |to_excel\(\")([\w./-]+\.xlsx)", README))
    for _, code in blocks("bash"):  # the default outputs, next to the case
        for case in re.findall(r"retrofit-opt (?:compare|sweep) ([\w./-]+)\.xlsx(?![^\n]*-o )", code):
            outputs.add(f"{case}_{'compare' if 'compare' in code else 'sweep'}.xlsx")
    outputs.add("cases/ganhe_2024_compare.xlsx")  # `retrofit-opt compare cases/ganhe_2024.xlsx` in the text
    assert {"ganhe_2024_result.xlsx", "ganhe_scenarios.xlsx", "ganhe_sweep.xlsx", "ganhe_2024_api_result.xlsx",
            "qinghai_2025_result.xlsx"} <= outputs
    check = subprocess.run(["git", "check-ignore", "--no-index", *sorted(outputs)], cwd=REPO,
                           capture_output=True, text=True)
    ignored = set(check.stdout.split())
    assert ignored == outputs, f"not in .gitignore: {sorted(outputs - ignored)}"


def test_readme_names_only_files_in_the_repository():
    named = set(re.findall(r"(?<![\w<>*/.-])((?:[\w.-]+/)+[\w.-]+\.(?:md|py|csv|xlsx|json|sh|txt))\b", README))
    named |= set(re.findall(r"(?<![\w/.-])([\w-]+\.md)\b", README))
    outputs = set(re.findall(r"(?:-o |to_excel\(\")([\w./-]+\.xlsx)", README))
    missing = [n for n in sorted(named - outputs) if not (REPO / n).exists() and not list(REPO.rglob(n))]
    assert not missing, f"the README names files that are not in the repository: {missing}"
    assert "cases/README.md" in named and "models/formulation.md" in named  # the pattern finds references
