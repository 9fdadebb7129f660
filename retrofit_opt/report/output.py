"""Safe output: never over the input, written to a temporary file and renamed into place."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from retrofit_opt.atomic import write_atomically  # noqa: F401 (the report's writer)
from retrofit_opt.errors import OutputError


def check_output_path(out: Path, case: Path | None = None) -> None:
    """Refuse an output that is the input, a folder, or in a folder that cannot be written."""
    out = Path(out)
    try:
        _check_output_path(out, case)
    except OSError as exc:  # e.g. a name too long for the file system, a folder we may not search
        raise OutputError(f"cannot write the output {out}: {exc.strerror or exc} — choose another output path") \
            from exc


def _check_output_path(out: Path, case: Path | None) -> None:
    if case is not None and Path(case).exists() and out.exists() and os.path.samefile(out, case) or \
            case is not None and Path(out).resolve() == Path(case).resolve():
        raise OutputError(f"the output {out} is the case file itself; the input is never overwritten — "
                          "choose another name with -o")
    if out.is_dir():
        raise OutputError(f"the output {out} is a folder — give a file name, e.g. -o {out / 'result.xlsx'}")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        if parent.exists():
            raise OutputError(f"{parent} is a file, not a folder, so the output {out} cannot be written there — "
                              "choose another output path")
        raise OutputError(f"the folder {parent} does not exist — create it or choose another output path")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"the folder {parent} is not writable — choose another output path")
    if out.suffix.lower() != ".xlsx":
        raise OutputError(f"the output {out.name} must end in .xlsx — choose a name such as "
                          f"{out.with_suffix('.xlsx').name}")
    # os.access answers yes for root everywhere; creating the temporary file is the real test,
    # done now so that nobody waits for a long solve to learn that the result cannot be saved.
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".xlsx.tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"the folder {parent} is not writable ({exc.strerror or exc}) — choose another "
                          "output path") from exc
    os.close(fd)
    os.unlink(probe)
