"""Safe output: never over the input, written to a temporary file and renamed into place."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from retrofit_opt.errors import OutputError


def check_output_path(out: Path, case: Path | None = None) -> None:
    """Refuse an output that is the input, a folder, or in a folder that cannot be written."""
    out = Path(out)
    try:
        _check_output_path(out, case)
    except OSError as exc:  # e.g. a name too long for the file system, a folder we may not search
        raise OutputError(f"cannot write the output {out}: {exc.strerror or exc} — choose another output path") \
            from exc
    except RuntimeError as exc:  # Path.resolve on a symlink loop (Python < 3.13)
        raise OutputError(f"{exc}: too many levels of symbolic links — pass the file itself, not a link that "
                          "points to itself") from exc


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


def write_atomically(out: Path, save) -> None:
    """Call ``save(temp_path)`` then rename the temporary file over ``out``: a reader sees
    either the old file or the complete new one, never a partial workbook."""
    out = Path(out)
    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".xlsx.tmp", dir=out.parent or ".")
        os.close(fd)
        save(Path(temp))
        os.chmod(temp, _file_mode(out))  # mkstemp makes the file private (0600)
        os.replace(temp, out)
    except OSError as exc:
        _release_quietly(exc)
        raise OutputError(f"could not write {out}: {exc.strerror or exc} — choose another output path, or "
                          "free space / fix the folder's permissions") from exc
    finally:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)


def _release_quietly(exc: BaseException) -> None:
    """Close what the failed save left open, now and silently: a half-written zip archive
    would otherwise try to finish itself when garbage-collected and print "Exception
    ignored in ZipFile.__del__" (e.g. on a full disk) under the clean message."""
    import gc
    import sys
    import traceback
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        traceback.clear_frames(exc.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _file_mode(out: Path) -> int:
    """The mode the output should have: an existing file's own, else what the umask gives
    a newly created file."""
    try:
        return out.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
