"""``retrofit-opt batch`` over the bundled cases plus deliberately broken ones, on worker
processes and on a real Dask LocalCluster: each run gives exactly what the single
``solve`` command gives (status, objective, gap, and the same workbook cell by cell —
hence the same selection), each broken case one error row with the single command's own
message, and the roll-up lists them all with links to the workbooks."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from batch_helpers import batch_json, copy_bundled, run_cli, same_workbook, workbook_values, write_broken

GOOD = ("ganhe_2024", "qinghai_2025", "tiny")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The cases (bundled + broken) and what the single command gives for each."""
    root = tmp_path_factory.mktemp("batch")
    cases = root / "cases"
    copy_bundled(cases)
    words = write_broken(cases)
    single = {}
    (root / "single").mkdir()
    for path in sorted(cases.glob("*.xlsx")):
        out = root / "single" / f"{path.stem}_result.xlsx"
        result = run_cli("solve", path, "-o", out, "--no-explain", "--json")
        single[path.stem] = (result.exit_code, result.output, out)
    (root / "single.json").write_text(json.dumps({k: [v[0], v[1], str(v[2])] for k, v in single.items()}),
                                      encoding="utf-8")
    (root / "words.json").write_text(json.dumps(words), encoding="utf-8")
    return root


def single_runs(folder: Path) -> dict:
    return json.loads((folder / "single.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def processes_batch(folder):
    code, data = batch_json(folder / "cases", "-o", folder / "out", "--jobs", 2, "--no-explain")
    return code, data


def test_each_run_gives_exactly_the_single_command_result(folder, processes_batch):
    code, data = processes_batch
    single = single_runs(folder)
    words = json.loads((folder / "words.json").read_text(encoding="utf-8"))
    runs = {Path(r["case"]).stem: r for r in data["runs"]}
    assert sorted(runs) == sorted(single)  # one run per case file, broken ones included
    assert data["failed"] == len(words) and code == 1
    assert isinstance(data["seconds"], float) and data["seconds"] > 0
    for stem in GOOD:
        exit_code, output, out = single[stem]
        assert exit_code == 0, output
        want = json.loads(output[:output.rindex("}") + 1])
        run = runs[stem]
        assert run["command"] == "solve" and run["error"] is None
        assert run["status"] == want["status"] and run["objective"] == want["objective"] and run["gap"] == want["gap"]
        assert run["capex"] == want["totals"]["capex"]
        same_workbook(Path(run["output"]), Path(out))  # every sheet but Run info, cell by cell: same selection
        portfolio = workbook_values(Path(run["output"]))[openpyxl.load_workbook(out).sheetnames[1]]
        ids = {row[1] for row in portfolio if row and isinstance(row[0], int)}
        assert ids == set(want["selected"] if isinstance(want["selected"][0], str)
                          else [s["id"] for s in want["selected"]])
    for name, word in words.items():
        stem = Path(name).stem
        exit_code, output, out = single[stem]
        run = runs[stem]
        assert exit_code == 2 and not Path(out).exists()
        assert run["status"] == "error" and run["objective"] is None
        assert word in run["error"]
        assert run["error"].splitlines()[0] in output  # the single command's own message
        assert not Path(run["output"]).exists()  # no partial output for a broken case


def test_roll_up_lists_every_run_with_its_error_and_a_link(folder, processes_batch):
    _, data = processes_batch
    wb = openpyxl.load_workbook(folder / "out" / "batch_summary.xlsx")
    assert wb.sheetnames == ["汇总", "省级汇总"]
    ws = wb["汇总"]
    header = [c.value for c in ws[4]]
    rows = [[c for c in row] for row in ws.iter_rows(min_row=5, max_row=4 + len(data["runs"]))]
    assert len(rows) == len(data["runs"])
    col = {name: header.index(name) for name in ("案例文件", "状态", "错误信息", "结果工作簿", "投资（万元）")}
    for run, row in zip(data["runs"], rows):
        assert row[col["案例文件"]].value == run["case"]
        if run["error"]:
            assert row[col["状态"]].value == "错误" and row[col["错误信息"]].value == run["error"]
            assert row[col["结果工作簿"]].value is None
        else:
            link = row[col["结果工作簿"]].hyperlink.target
            assert (folder / "out" / link).resolve() == Path(run["output"]).resolve()
            assert row[col["投资（万元）"]].value == run["capex"]
    province = wb["省级汇总"]
    total_row = next(r for r in province.iter_rows(values_only=True) if r[0] and str(r[0]).endswith("个园区合计"))
    assert total_row[2] == pytest.approx(sum(r["capex"] for r in data["runs"] if r["error"] is None))


def test_same_batch_on_a_real_local_dask_cluster_gives_identical_results(folder, processes_batch):
    from distributed import LocalCluster
    _, by_processes = processes_batch
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        code, data = batch_json(folder / "cases", "-o", folder / "dask_out", "--scheduler", cluster.scheduler_address,
                                "--no-explain")
    assert code == 1 and data["failed"] == by_processes["failed"]
    assert "Dask cluster at tcp://" in data["executor"]
    for a, b in zip(by_processes["runs"], data["runs"]):
        assert (a["case"], a["status"], a["objective"], a["gap"], a["error"]) == \
            (b["case"], b["status"], b["objective"], b["gap"], b["error"])
        if a["error"] is None:
            same_workbook(Path(a["output"]), Path(b["output"]))


def test_serial_batch_gives_the_same_runs(folder, processes_batch):
    _, by_processes = processes_batch
    code, data = batch_json(folder / "cases", "-o", folder / "serial_out", "--jobs", 1, "--no-explain")
    assert data["executor"].startswith("serial")
    assert [(r["status"], r["objective"], r["error"]) for r in data["runs"]] == \
        [(r["status"], r["objective"], r["error"]) for r in by_processes["runs"]]
