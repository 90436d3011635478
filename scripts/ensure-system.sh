#!/usr/bin/env bash
# Installs and starts what the tests need outside Python: Debian chromium and fonts-noto-cjk
# (browser tests, Hangul screenshots) and a running PostgreSQL on 127.0.0.1:5432.
# `ensure-system.sh venv` only installs python3-venv (Debian's python3 lacks it).
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

if [ "${1:-}" = "venv" ]; then
  # Debian's python3 needs python3-venv before `python3 -m venv` works
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  exit 0
fi

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]} (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! pg_up; then
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "== installing postgresql (apt)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  fi
  echo "== starting PostgreSQL"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
pg_up || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
url="${TEST_PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/test}"
if command -v psql >/dev/null && ! psql "$url" -qtAc "select 1" >/dev/null 2>&1; then
  echo "cannot log in to PostgreSQL as $url: allow it in pg_hba.conf (trust for 127.0.0.1) or" >&2
  echo "set TEST_PG_ADMIN_URL to a role that may create databases" >&2
  exit 1
fi
