#!/usr/bin/env bash
# The two commands of the README:
#   bash scripts/dev.sh up     set up and start the desk on its embedded default (SQLite, simulated
#                              market, paper broker, demo accounts, web on 127.0.0.1:8000)
#   bash scripts/dev.sh test   set up and run the whole test suite (SQLite and PostgreSQL+pgvector)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3

setup_venv() {
  local extras=$1
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip wheel setuptools
  fi
  local stamp="$VENV/.installed-$extras-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    # torch is pinned to the CPU build (2.13.0); naming it in the same command keeps pip from
    # pulling a multi-GB CUDA build.
    "$VENV/bin/pip" install -q -e ".[$extras]" "torch==2.13.0"
    touch "$stamp"
  fi
}

ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      echo "starting PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    fi
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || {
    echo "PostgreSQL is not reachable on 127.0.0.1:5432; the store tests need it" >&2; exit 1; }
  bash .ci/pgvector.sh
  # an apt install of server-dev packages can restart the server: wait for it again
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
}

cmd=${1:-}
shift || true
case "$cmd" in
  up)
    setup_venv "embeddings"
    export HF_HUB_OFFLINE=${HF_HUB_OFFLINE:-1} TOKENIZERS_PARALLELISM=false
    "$VENV/bin/desk" init
    exec "$VENV/bin/desk" up "$@"
    ;;
  test)
    setup_venv "dev,embeddings"
    ensure_postgres
    if [ -f .ci/browser.sh ]; then bash .ci/browser.sh; fi
    export DESK_TEST_DATABASE_URL=${DESK_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}
    export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
    echo "== lint: ruff, import layers"
    "$VENV/bin/ruff" check .
    "$VENV/bin/lint-imports"
    echo "== types: mypy strict on core/, store/ and tools/"
    "$VENV/bin/mypy" core store tools
    echo "== tests"
    exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider -n 2 --dist loadfile "$@"
    ;;
  *)
    echo "usage: bash scripts/dev.sh up|test [args]" >&2
    exit 2
    ;;
esac
