#!/usr/bin/env bash
# Set up a fresh environment and run the whole test suite: the README's test command.
# Installs LibreOffice Calc from Debian packages when it is missing (the report test
# recalculates the results workbook in it), creates .venv, installs retrofit-opt with its
# test extras, and runs pytest.  Extra arguments go to pytest.
# When another apt or dpkg holds the package manager's lock, it waits for it (up to
# APT_LOCK_WAIT seconds, default 300) and then says what to do.
set -euo pipefail
cd "$(dirname "$0")/.."
APT_LOCK_WAIT="${APT_LOCK_WAIT:-300}"

apt_locked() {  # does the output of a failed apt-get say another process holds its lock?
  grep -qiE "could not get lock|unable to acquire the dpkg frontend lock|unable to lock" <<<"$1"
}

apt_run() {  # apt-get "$@", waiting (bounded) while another package manager holds the lock
  local waited=0 output
  while true; do
    if output=$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=10 "$@" 2>&1); then
      return 0
    fi
    if ! apt_locked "$output"; then
      echo "tests/run.sh: 'apt-get $*' failed:" >&2
      tail -n 5 <<<"$output" >&2
      echo "Install LibreOffice Calc yourself (e.g. 'sudo apt-get install libreoffice-calc-nogui') and run" \
           "'bash tests/run.sh' again." >&2
      exit 1
    fi
    if [ "$waited" -ge "$APT_LOCK_WAIT" ]; then
      echo "tests/run.sh: the package manager is still busy after ${APT_LOCK_WAIT} s (another apt-get or dpkg" \
           "holds its lock, e.g. an automatic update)." >&2
      echo "Wait until it has finished ('ps aux | grep -E \"apt|dpkg\"' shows it), then run 'bash tests/run.sh'" \
           "again; or install LibreOffice Calc yourself: 'sudo apt-get install libreoffice-calc-nogui'." >&2
      exit 1
    fi
    echo "the package manager is busy (another apt-get or dpkg holds its lock); waiting" \
         "(${waited} of ${APT_LOCK_WAIT} s)..." >&2
    sleep 10
    waited=$((waited + 20))  # 10 s inside apt-get's own lock timeout, 10 s here
  done
}

if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing LibreOffice Calc (headless) for the report recalculation test..."
    apt_run update -qq
    apt_run install -y -qq --no-install-recommends libreoffice-calc-nogui
  else
    echo "LibreOffice Calc is missing: install it (e.g. 'sudo apt-get install libreoffice-calc-nogui');" \
         "the report recalculation test needs it." >&2
  fi
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[test]"
exec .venv/bin/python -m pytest "$@"
