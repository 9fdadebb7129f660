#!/usr/bin/env bash
# Set up a fresh environment and run the whole test suite: the README's test command.
# Installs LibreOffice Calc from Debian packages when it is missing (the report test
# recalculates the results workbook in it), creates .venv, installs retrofit-opt with its
# test extras, and runs pytest.  Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing LibreOffice Calc (headless) for the report recalculation test..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
  else
    echo "LibreOffice Calc is missing: install it (e.g. 'sudo apt-get install libreoffice-calc-nogui');" \
         "the report recalculation test needs it." >&2
  fi
fi
# The print test reads LibreOffice's PDFs with pdftotext (poppler-utils); a CJK font makes the
# Chinese reports render as they print on a user's machine.
if ! command -v pdftotext >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing poppler-utils and a CJK font for the report print test..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils fonts-noto-cjk >/dev/null
  else
    echo "pdftotext or a CJK font is missing: install them (e.g. 'sudo apt-get install poppler-utils fonts-noto-cjk');" \
         "the report print test needs them." >&2
  fi
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[test]"
exec .venv/bin/python -m pytest "$@"
