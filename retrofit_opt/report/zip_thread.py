"""The results workbook's zip archive written on a thread of its own (issue 19): each part
is deflated there — zlib runs without the GIL — while the save writes the next sheet's
rows.  The parts go into the archive in the order the save hands them over, with the
same names, contents and zip entries as writing them in place (``ZipFile.write`` and
``writestr``), so the package is unchanged.

Only the calls openpyxl's ``ExcelWriter`` makes are offered: ``write``, ``writestr``,
``namelist`` and ``close``.  An error on the thread is raised by the next call that needs
the thread's work (``namelist``, ``close``); the save then fails as it would in place.
"""
from __future__ import annotations

import queue
import shutil
import threading
from zipfile import ZipInfo

CHUNK = 1 << 20  # a megabyte a deflate call: long enough without the GIL to be worth the handover


class ArchiveOnAThread:
    """``archive``'s writes, in order, on a daemon thread."""

    def __init__(self, archive):
        self.archive = archive
        self._tasks: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._abandoned = False
        self._thread = threading.Thread(target=self._work, name="zip", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            action, after = task
            for step in (action if self._error is None and not self._abandoned else None, after):
                if step is None:
                    continue
                try:
                    step()
                except BaseException as error:  # kept for the caller; the later writes are skipped
                    if self._error is None:
                        self._error = error

    def _put(self, action, after=None) -> None:
        if not self._thread.is_alive():
            raise RuntimeError("the archive's thread has stopped")
        self._tasks.put((action, after))

    def write(self, filename, arcname, *, after=None) -> None:
        """``ZipFile.write(filename, arcname)`` in turn, reading a megabyte at a time;
        ``after()`` once it is done (or skipped), e.g. removing ``filename``."""
        def action():
            archive = self.archive
            info = ZipInfo.from_file(filename, arcname, strict_timestamps=archive._strict_timestamps)
            info.compress_type = archive.compression
            info._compresslevel = archive.compresslevel
            with open(filename, "rb") as source, archive.open(info, "w") as target:
                shutil.copyfileobj(source, target, CHUNK)
        self._put(action, after)

    def writestr(self, name, data) -> None:
        self._put(lambda: self.archive.writestr(name, data))

    def _wait(self) -> None:
        done = threading.Event()
        self._put(_nothing, after=done.set)  # set even when the writes before it failed
        while not done.wait(0.5):
            if not self._thread.is_alive():  # pragma: no cover - the loop above never leaves early
                raise RuntimeError("the archive's thread has stopped")
        if self._error is not None:
            raise self._error

    def namelist(self) -> list[str]:
        self._wait()
        return self.archive.namelist()

    def close(self) -> None:
        """Every write done, the archive closed; the thread's error, if any, raised."""
        try:
            self._wait()
        finally:
            self._end()
        self.archive.close()

    def abandon(self) -> None:
        """End the thread, skipping the writes not yet done (their ``after`` still runs):
        the save failed and its archive is discarded."""
        self._abandoned = True
        self._end()

    def _end(self) -> None:
        if self._thread.is_alive():
            self._tasks.put(None)
            self._thread.join()


def _nothing() -> None:
    pass
