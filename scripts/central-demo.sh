#!/usr/bin/env bash
# A central store and two branches on one machine (README "Central store and two branches").
#
#   central  http://localhost:5100/  PostgreSQL database pos_central on 127.0.0.1:5432
#   CAFE03   http://localhost:5001/  SQLite in instance/demo-cafe03/
#   CAFE07   http://localhost:5002/  SQLite in instance/demo-cafe07/
#
# The branches start from nothing but `pos init` and their sync token: `pos sync once` brings
# their site, vendors, catalog and users from central. Ctrl+C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
POS=.venv/bin/pos
PG_ADMIN=${PG_ADMIN:-postgresql://postgres@127.0.0.1:5432/test}
PG_URL=${CENTRAL_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/pos_central}
CENTRAL_PORT=${CENTRAL_PORT:-5100}
DIR=instance/demo-central
mkdir -p "$DIR"

.venv/bin/python - "$PG_ADMIN" "${PG_URL##*/}" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    if not conn.execute("select 1 from pg_database where datname = %s", (sys.argv[2],)).fetchone():
        conn.execute(f'CREATE DATABASE "{sys.argv[2]}"')
        print(f"PostgreSQL 데이터베이스 {sys.argv[2]}을(를) 만들었습니다")
PY

central() { POS_ROLE=central DATABASE_URL="$PG_URL" POS_INSTANCE="$PWD/$DIR" POS_SITE= "$POS" "$@"; }
central init
central demo >/dev/null

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

central serve --host 127.0.0.1 --port "$CENTRAL_PORT" &
pids+=($!)
for _ in $(seq 60); do
  curl -fsS "http://127.0.0.1:$CENTRAL_PORT/api/health" >/dev/null 2>&1 && break
  sleep 0.5
done

port=5001
for site in CAFE03 CAFE07; do
  inst="$PWD/instance/demo-$(echo "$site" | tr 'A-Z' 'a-z')"
  mkdir -p "$inst"
  token_file="$inst/sync_token"
  if [ ! -s "$token_file" ]; then
    central sync token "$site" 2>/dev/null > "$token_file"
    chmod 600 "$token_file"
  fi
  branch() {
    POS_ROLE=branch POS_SITE="$site" POS_INSTANCE="$inst" DATABASE_URL="sqlite:///$inst/pos.sqlite3" \
      CENTRAL_URL="http://127.0.0.1:$CENTRAL_PORT" SYNC_TOKEN="$(cat "$token_file")" "$POS" "$@"
  }
  branch init >/dev/null
  branch sync once
  branch serve --host 0.0.0.0 --port "$port" &
  pids+=($!)
  port=$((port + 1))
done

cat <<TXT

  중앙 저장소   http://localhost:$CENTRAL_PORT/admin/reports   (manager / manager1234, admin / admin1234)
  3호점 CAFE03  http://localhost:5001/   김하늘 PIN 1234
  7호점 CAFE07  http://localhost:5002/   박가람 PIN 2468
  Ctrl+C로 모두 멈춥니다.
TXT
wait
