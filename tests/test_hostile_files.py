"""Hostile and mistaken input files, and output paths that cannot be written.

Every case runs the real command line in a child process (``python -m retrofit_opt.cli``)
that limits its own address space to ``MEMORY_LIMIT`` before importing anything and
reports its peak resident memory when it exits; the parent gives it ``TIME_LIMIT``
seconds.  Each must end with exit code 2 and a readable message on stderr that names the
file and says what to do — no Python traceback, no output file, no temporary file left
behind, the input unchanged — within bounded time and memory.

What "unreadable" and "not writable" mean here, honestly: the tests may run as root (CI
containers do), and root reads a ``chmod 000`` file and writes into a ``chmod 555``
folder, so those would prove nothing.  Instead:

* unreadable input: a named pipe (reading it would block forever), a file whose read
  fails with an I/O error (a link to ``/proc/self/mem``, which refuses a read at offset 0
  even for root), a folder, a path through a regular file;
* unwritable output: a folder that refuses new files even for root (``/sys``), a
  ``chmod 555`` folder when not root, a path through a regular file, a missing folder, a
  name too long for the file system, an output that is a folder.
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import struct
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbooks import minimal_case, write_workbook

MEMORY_LIMIT = 2 << 30  # address space of the child process (RLIMIT_AS)
PEAK_RSS_LIMIT_MIB = 400  # a refused file must not be inflated: the child stays small
TIME_LIMIT = 60  # seconds

# The child limits itself before importing anything, runs the CLI, and on exit reports its
# peak resident set size on stderr (atexit runs after click's sys.exit as well).  It runs in
# a process forked first: Linux keeps a peak RSS across execve, so a process started from
# this test process would report this process's peak (hundreds of MB) as its own.
CHILD = f"""
import os, sys
pid = os.fork()
if pid:
    sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
import atexit, resource
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))
atexit.register(lambda: sys.stderr.write(
    "\\n[peak-rss-kib %d]\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
sys.argv = ["retrofit-opt", *sys.argv[1:]]
from retrofit_opt.cli import main
main()
"""
PEAK = re.compile(r"\n\[peak-rss-kib (\d+)\]\n$")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str  # without the peak-memory line
    seconds: float
    peak_mib: float


def run_cli(*args, cwd: Path | None = None) -> Run:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, *map(str, args)], capture_output=True, text=True,
                          timeout=TIME_LIMIT, cwd=cwd)
    seconds = time.perf_counter() - started
    match = PEAK.search(proc.stderr)
    assert match, f"the child did not exit normally (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    return Run(proc.returncode, proc.stdout, proc.stderr[:match.start()], seconds, int(match.group(1)) / 1024)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_refused(run: Run, *, names: str, says: str | tuple[str, ...]):
    """Exit 2, one readable block on stderr naming ``names`` and containing each ``says``."""
    assert run.code == 2, (run.code, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    assert names in run.stderr, run.stderr
    for text in (says,) if isinstance(says, str) else says:
        assert text in run.stderr, f"{text!r} not in:\n{run.stderr}"
    assert " — " in run.stderr, f"no fix given:\n{run.stderr}"  # every message carries what to do
    assert run.peak_mib < PEAK_RSS_LIMIT_MIB, f"peak memory {run.peak_mib:.0f} MiB"


@pytest.fixture
def valid_case(tmp_path) -> Path:
    return write_workbook(tmp_path / "case.xlsx", minimal_case())


def solve_refused(case: Path, *, names: str, says, out: Path | None = None) -> Run:
    """``solve case -o out`` is refused: nothing new in the case's folder, the case unchanged."""
    out = out or case.parent / "result.xlsx"
    before, files = sha256(case) if case.is_file() else None, listing(case.parent)
    run = run_cli("solve", case, "-o", out)
    assert_refused(run, names=names, says=says)
    assert listing(case.parent) == files, "a refused run must leave no output and no temporary file"
    if before is not None:
        assert sha256(case) == before
    return run


# ------------------------------------------------------------------- not an .xlsx at all
def _zip_of_text(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")


def _ole(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))  # an old binary .xls header


WRONG_FILES = {
    # name: (make the file, what the message must say)
    "random.xlsx": (lambda p: p.write_bytes(random.Random(1).randbytes(4096)), "is not an .xlsx workbook"),
    "notes.xlsx": (lambda p: p.write_text("id,name,capex\nP1,Boiler,100\n"), "is not an .xlsx workbook"),
    "empty.xlsx": (lambda p: p.write_bytes(b""), "is empty"),
    "archive.xlsx": (_zip_of_text, "is a zip archive but not an Excel workbook"),
    "truncated.xlsx": (lambda p: p.write_bytes(_valid_bytes()[:1500]), "is damaged or not an .xlsx workbook"),
    "legacy.xls": (_ole, "is a .xls file"),
    "legacy_renamed.xlsx": (_ole, "is an old .xls file"),
    "case.csv": (lambda p: p.write_text("id,name,capex\nP1,Boiler,100\n"), "is a .csv file"),
    "case.xlsm": (lambda p: p.write_bytes(_valid_bytes()), "is a macro-enabled workbook (.xlsm)"),
}


def _valid_bytes() -> bytes:
    import io
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in minimal_case().items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", sorted(WRONG_FILES))
def test_a_file_that_is_not_an_xlsx_is_refused_with_what_to_do(tmp_path, name):
    make, says = WRONG_FILES[name]
    path = tmp_path / name
    make(path)
    run = solve_refused(path, names=name, says=says)
    assert "xlsx" in run.stderr.split(" — ", 1)[1], "the fix must say how to get an .xlsx"
    validate = run_cli("validate", path)
    assert_refused(validate, names=name, says=says)


# ------------------------------------------------------------------------- zip bombs
def _rewrite(source: Path, target: Path, replace: dict[str, bytes | None] = None, stream: dict = None,
             level: int = 6) -> Path:
    """Copy the .xlsx ``source`` to ``target`` with some parts replaced (bytes) or written
    from a generator of chunks (``stream``), never holding a streamed part in memory."""
    replace, stream = replace or {}, stream or {}
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED,
                                                         compresslevel=level) as dst:
        for info in src.infolist():
            if info.filename in stream:
                with dst.open(info.filename, "w", force_zip64=True) as member:
                    for chunk in stream[info.filename]():
                        member.write(chunk)
            else:
                data = replace.get(info.filename, src.read(info.filename))
                dst.writestr(info.filename, data)
    return target


def _zeros(total: int, chunk: int = 1 << 20):
    def chunks():
        block = b"\0" * chunk
        for _ in range(total // chunk):
            yield block
    return chunks


def test_zip_bomb_of_one_gib_is_refused_without_inflating_it(valid_case, tmp_path):
    """A real bomb: 1 GiB of zeros deflated (about 4 MiB) as the first sheet's XML."""
    bomb = _rewrite(valid_case, tmp_path / "bomb.xlsx", stream={"xl/worksheets/sheet1.xml": _zeros(1 << 30)},
                    level=1)
    assert bomb.stat().st_size < 8 << 20
    run = solve_refused(bomb, names="bomb.xlsx", says=("unpacks to 1024 MiB", "refusing to read it"))
    assert run.seconds < TIME_LIMIT


def test_highly_compressed_part_is_refused_by_its_ratio(valid_case, tmp_path):
    """100 MiB that compress more than 200-fold: under the size limit, over the ratio limit."""
    bomb = _rewrite(valid_case, tmp_path / "ratio.xlsx", stream={"xl/worksheets/sheet2.xml": _zeros(100 << 20)},
                    level=9)
    solve_refused(bomb, names="ratio.xlsx", says=("unpacks to 100 MiB", "refusing to read it"))


def _patch_sizes(path: Path, member: str, size: int, *, local: bool) -> None:
    """Overwrite the uncompressed size recorded for ``member`` in the central directory
    (and, if ``local``, in its local header) — the sizes a zip reader trusts."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    patched = 0
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + name_length]) == name:
            struct.pack_into("<L", data, central + 24, size)
            offset = struct.unpack_from("<L", data, central + 42)[0]
            if local:
                assert data[offset:offset + 4] == b"PK\x03\x04"
                struct.pack_into("<L", data, offset + 22, size)
            patched += 1
        central = data.find(b"PK\x01\x02", central + 4)
    assert patched == 1
    path.write_bytes(bytes(data))


def test_zip_claiming_a_huge_member_is_refused(valid_case, tmp_path):
    """A crafted header: the sheet claims to unpack to almost 4 GiB."""
    bomb = tmp_path / "claims.xlsx"
    bomb.write_bytes(valid_case.read_bytes())
    _patch_sizes(bomb, "xl/worksheets/sheet1.xml", 0xFFFF0000, local=True)
    solve_refused(bomb, names="claims.xlsx", says=("unpacks to 4096 MiB", "refusing to read it"))


def test_zip_understating_a_member_is_damaged_not_a_crash(valid_case, tmp_path):
    """The opposite lie: the headers claim 200 bytes for a larger sheet, so a reader gets
    truncated XML (and a checksum mismatch) — a damaged file, reported as such."""
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(valid_case.read_bytes())
    _patch_sizes(liar, "xl/worksheets/sheet1.xml", 200, local=True)
    solve_refused(liar, names="liar.xlsx", says="could not be read as an Excel workbook")


# ------------------------------------------------------------------ XML entity bombs
LAUGHS = '<!ENTITY lol0 "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))  # 10^9 "lol"s


def _with_doctype(xml: bytes, root: str, entities: str, old: bytes, new: bytes) -> bytes:
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[1]
    assert old.decode() in text
    text = text.replace(old.decode(), new.decode(), 1)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE {root} [{entities}]>\n{text}'.encode("utf-8")


ENTITY_BOMBS = {
    # name: (part, root element, entity declarations, text replaced, replacement)
    "laughs_in_workbook": ("xl/workbook.xml", "workbook", LAUGHS, b'name="projects"', b'name="&lol9;"'),
    "laughs_in_sheet": ("xl/worksheets/sheet1.xml", "worksheet", LAUGHS, b"<t>P1</t>", b"<t>&lol9;</t>"),
    "laughs_in_styles": ("xl/styles.xml", "styleSheet", LAUGHS, b'name="Normal"', b'name="&lol9;"'),
    "quadratic_in_sheet": ("xl/worksheets/sheet1.xml", "worksheet", f'<!ENTITY a "{"x" * 100_000}">',
                           b"<t>P1</t>", b"<t>" + b"&a;" * 10_000 + b"</t>"),
    "external_entity": ("xl/worksheets/sheet1.xml", "worksheet", '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
                        b"<t>P1</t>", b"<t>&xxe;</t>"),
}


@pytest.mark.parametrize("name", sorted(ENTITY_BOMBS))
def test_xml_entity_bomb_inside_an_xlsx_is_refused(valid_case, tmp_path, name):
    part, root, entities, old, new = ENTITY_BOMBS[name]
    with zipfile.ZipFile(valid_case) as archive:
        xml = archive.read(part)
    bomb = _rewrite(valid_case, tmp_path / f"{name}.xlsx", replace={part: _with_doctype(xml, root, entities, old, new)})
    run = solve_refused(bomb, names=f"{name}.xlsx", says="XML entity or DTD declarations")
    assert "root:" not in run.stderr  # nothing of /etc/passwd leaks into a message


# --------------------------------------------------------------------- unreadable input
def test_a_named_pipe_is_refused_instead_of_blocking(tmp_path):
    pipe = tmp_path / "case.xlsx"
    os.mkfifo(pipe)
    run = run_cli("solve", pipe, "-o", tmp_path / "out.xlsx")
    assert_refused(run, names="case.xlsx", says="is not a regular file")
    assert run.seconds < 20
    assert listing(tmp_path) == ["case.xlsx"]


def test_a_file_whose_read_fails_is_refused(tmp_path):
    """``/proc/self/mem`` is a regular file that fails with EIO when read at offset 0 —
    a real read error, for root too (like a disk or network share failing)."""
    link = tmp_path / "case.xlsx"
    link.symlink_to("/proc/self/mem")
    run = run_cli("solve", link, "-o", tmp_path / "out.xlsx")
    assert_refused(run, names="case.xlsx", says=("cannot read", "Input/output error"))


@pytest.mark.parametrize("kind", ["folder", "through_a_file", "missing"])
def test_a_path_that_is_not_a_file_is_refused(tmp_path, valid_case, kind):
    path = {"folder": tmp_path / "folder.xlsx", "through_a_file": valid_case / "case.xlsx",
            "missing": tmp_path / "missing.xlsx"}[kind]
    if kind == "folder":
        path.mkdir()
    says = {"folder": "is a folder, not a case workbook", "through_a_file": "file not found",
            "missing": "file not found"}[kind]
    run = run_cli("solve", path, "-o", tmp_path / "out.xlsx")
    assert_refused(run, names=path.name, says=says)
    assert not (tmp_path / "out.xlsx").exists()


def test_a_file_name_too_long_for_the_file_system_is_refused(tmp_path):
    name = "c" * 300 + ".xlsx"
    run = run_cli("validate", tmp_path / name)
    assert_refused(run, names=name, says="File name too long")


# ------------------------------------------------------------------ unwritable output
def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder that really refuses a new file for this user (see the module docstring)."""
    if os.geteuid() != 0:
        folder = tmp_path / "read_only"
        folder.mkdir()
        folder.chmod(0o555)
    else:
        folder = Path("/sys")
    try:
        (folder / "probe.xlsx").write_bytes(b"")
    except OSError:
        return folder
    (folder / "probe.xlsx").unlink()
    raise AssertionError(f"{folder} accepted a new file; the test needs a folder that refuses one")


OUTPUTS = {
    # kind: (output path from (tmp_path, case), what the message must say)
    "a_folder": (lambda t, c: t, "is a folder"),
    "under_a_file": (lambda t, c: c / "result.xlsx", "is a file, not a folder"),
    "missing_folder": (lambda t, c: t / "no" / "such" / "result.xlsx", "does not exist"),
    "name_too_long": (lambda t, c: t / ("r" * 300 + ".xlsx"), "File name too long"),
    "unwritable_folder": (lambda t, c: _unwritable_folder(t) / "result.xlsx", ("could not write", "not writable")),
    "not_xlsx": (lambda t, c: t / "result.csv", "must end in .xlsx"),
}


@pytest.mark.parametrize("kind", sorted(OUTPUTS))
def test_an_output_that_cannot_be_written_is_refused(tmp_path, valid_case, kind):
    make, says = OUTPUTS[kind]
    out = make(tmp_path, valid_case)
    before, files = sha256(valid_case), listing(tmp_path)
    run = run_cli("solve", valid_case, "-o", out)
    assert run.code == 2, run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    said = (says,) if isinstance(says, str) else says
    assert any(s in run.stderr for s in said), run.stderr
    assert str(out.parent) in run.stderr or out.name in run.stderr
    assert any(fix in run.stderr for fix in ("choose another", "give a file name", "choose a name"))
    assert sha256(valid_case) == before
    assert listing(tmp_path) == files, "no output and no temporary file may be left"
    if out.parent.is_dir():
        assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.stem}.")]


@pytest.mark.parametrize("kind", ["missing_folder", "under_a_file", "unwritable_folder"])
def test_output_refusal_comes_before_the_solve(tmp_path, valid_case, kind):
    """A wrong output path is found before any work (nobody waits for a long solve to learn
    that the result cannot be saved): the message says nothing of a result."""
    run = run_cli("solve", valid_case, "-o", OUTPUTS[kind][0](tmp_path, valid_case))
    assert run.code == 2 and "objective" not in run.stderr and "optimal" not in run.stderr, run.stderr
    assert "could not write" not in run.stderr  # refused by the check, not by a failed save


def test_valid_case_solves_within_the_same_limits(tmp_path, valid_case):
    """The limits themselves are not what refuses the files above: a valid case solves
    under them and writes a complete workbook."""
    out = tmp_path / "result.xlsx"
    run = run_cli("solve", valid_case, "-o", out)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert load_workbook(out).sheetnames[0] == "Summary"
