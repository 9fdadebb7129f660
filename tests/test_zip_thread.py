"""The results workbook's zip archive written on a thread of its own (report/zip_thread.py):
the same entries, in the same order, with the same contents and compression as writing in
place; an error on the thread reaches the caller; an abandoned save skips what is left and
still removes the files handed over."""
from __future__ import annotations

import io
import os
import zipfile

import pytest

from retrofit_opt.report.zip_thread import ArchiveOnAThread


def entries(data: bytes) -> list[tuple]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(i.filename, i.compress_type, i.CRC, i.file_size, archive.read(i.filename)) for i in archive.infolist()]


def test_the_thread_writes_the_archive_writing_in_place_writes(tmp_path):
    big = tmp_path / "sheet.xml"
    big.write_bytes(os.urandom(1 << 16) * 40)  # several chunks
    small = tmp_path / "small.xml"
    small.write_text("<worksheet/>")
    direct, threaded = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(direct, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("a.xml", "<a/>")
        archive.write(big, "xl/worksheets/sheet1.xml")
        archive.write(small, "xl/worksheets/sheet2.xml")
        names = archive.namelist()
    removed = []
    archive = zipfile.ZipFile(threaded, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    on_thread = ArchiveOnAThread(archive)
    on_thread.writestr("a.xml", "<a/>")
    on_thread.write(big, "xl/worksheets/sheet1.xml", after=lambda: removed.append("big"))
    on_thread.write(small, "xl/worksheets/sheet2.xml")
    assert on_thread.namelist() == names  # waits for the writes handed over
    on_thread.close()
    assert removed == ["big"]
    assert entries(threaded.getvalue()) == entries(direct.getvalue())


def test_an_error_on_the_thread_is_raised_at_close_and_the_rest_is_skipped(tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(), "w", zipfile.ZIP_DEFLATED)
    on_thread = ArchiveOnAThread(archive)
    after = []
    on_thread.write(tmp_path / "missing.xml", "x.xml", after=lambda: after.append("first"))
    on_thread.writestr("later.xml", "<later/>")
    on_thread.write(tmp_path / "missing-too.xml", "y.xml", after=lambda: after.append("second"))
    with pytest.raises(FileNotFoundError):
        on_thread.close()
    assert after == ["first", "second"]  # every file handed over is cleaned up
    assert "later.xml" not in archive.namelist()
    archive.close()


def test_an_abandoned_save_skips_what_is_left(tmp_path):
    part = tmp_path / "part.xml"
    part.write_text("<p/>")
    archive = zipfile.ZipFile(io.BytesIO(), "w", zipfile.ZIP_DEFLATED)
    on_thread = ArchiveOnAThread(archive)
    cleaned = []
    on_thread.write(part, "p.xml", after=lambda: cleaned.append(1))
    on_thread.abandon()
    assert cleaned == [1]  # the file handed over is cleaned up, written or not
    with pytest.raises(RuntimeError, match="stopped"):
        on_thread.writestr("q.xml", "<q/>")  # nothing is handed to an ended thread
    archive.close()


def test_a_clean_up_that_fails_is_reported_and_stops_nothing(tmp_path):
    part = tmp_path / "part.xml"
    part.write_text("<p/>")
    archive = zipfile.ZipFile(io.BytesIO(), "w", zipfile.ZIP_DEFLATED)
    on_thread = ArchiveOnAThread(archive)

    def fails():
        raise PermissionError("cannot remove the part")

    on_thread.write(part, "p.xml", after=fails)
    with pytest.raises(PermissionError, match="cannot remove"):
        on_thread.close()  # raised, not a thread that died and a close that waits for ever
    archive.close()
