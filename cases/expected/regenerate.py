"""Write the expected results of the bundled cases (review the diff before committing)."""
import json
import sys
from pathlib import Path

from retrofit_opt import load_case
from retrofit_opt.studies.solve import solve_case

HERE = Path(__file__).parent
CASES = ("tiny", "ganhe_2024", "qinghai_2025", "ganhe_awards_2024")


def expected(name: str) -> dict:
    result = solve_case(load_case(HERE.parent / f"{name}.xlsx"), mip_gap=0, explain=False)
    out = result.to_json()
    return {key: out[key] for key in ("status", "objective", "objective_name", "selected", "targets",
                                      "budgets", "totals", "targets_met")}


if __name__ == "__main__":
    for name in sys.argv[1:] or CASES:
        if not (HERE.parent / f"{name}.xlsx").exists():
            print(f"skipping {name}: no such case")
            continue
        (HERE / f"{name}.json").write_text(json.dumps(expected(name), ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
        print(f"wrote {name}.json")
