"""Write examples/qinghai_batch.xlsx, the batch manifest the README runs:

    python examples/build_batch_example.py

Sheet 批量运行 (runs): the bundled Ganhe and Qinghai cases solved, Ganhe's budget
scenarios compared and its total budget swept.  Sheet 省级目标 (province_targets): two
province-level rows the parks' solve plans are summed against.  **The province-level
values are invented for illustration** (they are not published targets): they show a
roll-up that meets one row and misses the other.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

RUNS = [
    ["案例", "命令", "输出", "园区", "选项"],
    ["../cases/ganhe_2024.xlsx", "solve", "ganhe_plan.xlsx", "甘河工业园区", "--no-explain"],
    ["../cases/qinghai_2025.xlsx", "solve", "qinghai_plan.xlsx", "青海示范集群", "--no-explain"],
    ["../cases/ganhe_2024.xlsx", "compare", "ganhe_scenarios.xlsx", "甘河工业园区", "--no-explain"],
    ["../cases/ganhe_2024.xlsx", "sweep", "ganhe_sweep.xlsx", "甘河工业园区",
     "--budget-from 150000 --budget-to 260000 --steps 6 --no-priority"],
]
PROVINCE = [
    ["说明", "指标", "类型", "值"],
    ["省级节能量（示例值）", "节能量", "min_total", 120000],
    ["省级投资上限（示例值）", "投资", "max_total", 380000],
]


def main(out: Path = HERE / "qinghai_batch.xlsx") -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in (("批量运行", RUNS), ("省级目标", PROVINCE)):
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for col, width in zip("ABCDE", (28, 10, 24, 16, 60)):
            ws.column_dimensions[col].width = width
    wb.save(out)
    return out


if __name__ == "__main__":
    print(f"wrote {main()}")
