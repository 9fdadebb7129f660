"""A fresh clone has everything its tests and benchmarks read: nothing under tests/ or
bench/ reads outside the repository (the workspace's shared folder in particular), and the
committed OR-Library instances are the published files (SHA-256 as in their README)."""
from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ORLIB = REPO / "tests" / "data" / "orlib"
SHARED = "sha" + "red"  # spelled apart so that this file does not match its own patterns
OUTSIDE = re.compile(rf"\.\./{SHARED}|/work/{SHARED}|[\"']{SHARED}[\"']\s*[/,)]|parents\[2\]")


def test_nothing_under_tests_or_bench_reads_the_shared_folder():
    offenders = []
    for folder in ("tests", "bench"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix not in (".py", ".sh", ".cfg", ".toml", ".ini") or "data" in path.relative_to(REPO).parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if OUTSIDE.search(line):
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, "reads outside the repository:\n" + "\n".join(offenders)


def test_the_pattern_catches_what_it_is_for():
    for line in (f'DATA = Path(__file__).resolve().parents[1].parent / "{SHARED}" / "data"',
                 f'Path("/work/{SHARED}/data/mkp")', f"open('../{SHARED}/data/mkp/mknap1.txt')",
                 "Path(__file__).resolve().parents[" + '2] / "x"'):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search("Timings on a shared machine drift")


def test_orlib_files_are_the_published_ones():
    readme = (ORLIB / "README.md").read_text(encoding="utf-8")
    sums = dict(re.findall(r"^\| `([\w.]+\.txt)` \| `([0-9a-f]{64})` \|$", readme, re.M))
    files = sorted(p.name for p in ORLIB.glob("*.txt"))
    assert sorted(sums) == files == ["mknap1.txt"] + [f"mknapcb{k}.txt" for k in range(1, 10)]
    for name, digest in sums.items():
        assert hashlib.sha256((ORLIB / name).read_bytes()).hexdigest() == digest, name
    for name in [p.name for p in ORLIB.iterdir() if p.name != "README.md"]:
        assert f"`{name}`" in readme, f"{name} is not described in tests/data/orlib/README.md"
    assert sum(p.stat().st_size for p in ORLIB.iterdir()) < 6_000_000


def test_no_leftover_merge_files_are_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    assert tracked, "not a git checkout"
    leftovers = [f for f in tracked if f.endswith((".orig", ".rej", ".bak", "~"))]
    assert not leftovers, leftovers
