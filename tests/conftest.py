import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from workbooks import minimal_case, write_workbook  # noqa: E402


@pytest.fixture
def make_case(tmp_path):
    """``make_case(sheets=None, name='case.xlsx')`` writes a case workbook (default: the
    minimal valid case) into the test's temporary folder and returns its path."""
    def make(sheets=None, name="case.xlsx"):
        return write_workbook(tmp_path / name, sheets if sheets is not None else minimal_case())
    return make


@pytest.fixture(scope="session")
def bundled_outputs(tmp_path_factory):
    """(output name, language) → path of every bundled output (tests/bundled_outputs.py)."""
    from bundled_outputs import write_all
    return write_all(tmp_path_factory.mktemp("bundled_outputs"))
