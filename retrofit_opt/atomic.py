"""The one atomic file writer: every workbook the package writes (results, comparisons,
sweeps, templates) goes through :func:`write_atomically`."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from retrofit_opt import interrupts
from retrofit_opt.errors import OutputError


def write_atomically(out: Path, save) -> None:
    """Call ``save(temp_path)`` then rename the temporary file over ``out``: a reader sees
    either the old file or the complete new one, never a partial workbook."""
    out = Path(out)
    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".xlsx.tmp", dir=out.parent or ".")
        os.close(fd)
        save(Path(temp))
        os.chmod(temp, file_mode(out))  # mkstemp makes the file private (0600)
        # A signal that arrived during the save but was swallowed (raised inside a finalizer,
        # e.g. a garbage-collected ZipFile's __del__: "Exception ignored in …") still stops
        # the command here, before the output is replaced.
        interrupts.check()
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


def file_mode(out: Path) -> int:
    """The mode the output should have: an existing file's own, else what the umask gives
    a newly created file."""
    try:
        return out.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
