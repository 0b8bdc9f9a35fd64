#!/usr/bin/env bash
# Installs DuckDB (version pinned in bench/requirements.txt) into
# target/bench/venv on first use; prints the venv's python.
#   bash bench/duckdb-venv.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/bench/venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import duckdb, sqlglot' 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/requirements.txt >&2
fi
echo "$(pwd)/$venv/bin/python"
