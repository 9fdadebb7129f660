"""Every bundled output, written once per test session: solve on each case of cases/,
compare and sweep on Ganhe, each in both languages (the fixtures of the report tests
that read every sheet, every chart and every printed page)."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from retrofit_opt.cli import main

CASES = Path(__file__).resolve().parent.parent / "cases"
BUNDLED = sorted(p.stem for p in CASES.glob("*.xlsx"))
LANGS = ("zh", "en")


def commands(case_dir: Path = CASES) -> dict[str, list[str]]:
    """Output name → CLI arguments (without -o and --lang)."""
    out = {f"solve_{stem}": ["solve", str(case_dir / f"{stem}.xlsx")] for stem in BUNDLED}
    ganhe = str(case_dir / "ganhe_2024.xlsx")
    out["compare_ganhe"] = ["compare", ganhe]
    out["sweep_ganhe"] = ["sweep", ganhe, "--budget-from", "150000", "--budget-to", "260000", "--steps", "5",
                          "--priority-steps", "3"]
    return out


def write_all(folder: Path) -> dict[tuple[str, str], Path]:
    """(output name, language) → workbook path."""
    runner = CliRunner()
    written = {}
    for name, args in commands().items():
        for lang in LANGS:
            path = folder / f"{name}_{lang}.xlsx"
            result = runner.invoke(main, [*args, "-o", str(path), "--lang", lang])
            assert result.exit_code in (0, 1) and path.is_file(), (name, lang, result.output)
            written[(name, lang)] = path
    return written
