#!/usr/bin/env bash
# Checks that DuckDB, running the SQL `rubric sql` writes for the shipped
# example, gives the figures `rubric run` gives. Installs DuckDB (version
# pinned in bench/requirements.txt) into target/bench/venv on first use.
#   bash bench/check-sql.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash bench/duckdb-venv.sh)
work=target/sql-check
rm -rf "$work"; mkdir -p "$work"
cargo run --locked --quiet -- run --out "$work/out" > /dev/null
cargo run --locked --quiet -- sql --format json > "$work/sql.json"
"$python" bench/sql_check.py . "$work/sql.json" "$work/out/scorecard.csv"
