"""The README's batch commands run exactly as written (from a copy of the repository's
cases/ and examples/), and the bundled example manifest is what its build script writes."""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent


def readme_batch_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Batch runs: many parks, many scenarios", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_readme_batch_commands_run_as_written(tmp_path):
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    commands = readme_batch_commands()
    assert len(commands) == 2
    outputs = []
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "retrofit-opt"
        done = subprocess.run([sys.executable, "-m", "retrofit_opt.cli", *words[1:]], cwd=tmp_path,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr
        outputs.append(done)
    data = json.loads(outputs[1].stdout)
    assert [r["command"] for r in data["runs"]] == ["solve", "solve", "compare", "sweep"]
    assert data["failed"] == 0 and len(data["province"]["targets"]) == 2
    assert sorted(p.name for p in (tmp_path / "batch_out").glob("*.xlsx")) == sorted(
        ["batch_summary.xlsx", "ganhe_2024_result.xlsx", "ganhe_awards_2024_result.xlsx",  # every bundled case
         "qinghai_2025_result.xlsx", "tiny_result.xlsx",
         "ganhe_plan.xlsx", "qinghai_plan.xlsx", "ganhe_scenarios.xlsx", "ganhe_sweep.xlsx"])


def test_example_manifest_is_what_its_build_script_writes(tmp_path):
    sys.path.insert(0, str(ROOT / "examples"))
    import build_batch_example
    built = build_batch_example.main(tmp_path / "built.xlsx")
    for a, b in zip(openpyxl.load_workbook(built).worksheets,
                    openpyxl.load_workbook(ROOT / "examples" / "qinghai_batch.xlsx").worksheets):
        assert a.title == b.title
        assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True))
