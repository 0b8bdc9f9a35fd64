#!/usr/bin/env bash
# Measures computed by DuckDB from `rubric sql`, rated by Rubric: the
# series table DuckDB writes, run with `rubric run --series`, must give
# every figure and rating of a native run (bench/sql_series.py).
#   bash bench/check-series.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash bench/duckdb-venv.sh)
work=target/series-check
rm -rf "$work"; mkdir -p "$work"
cargo run --locked --quiet -- run --quiet --out "$work/native"
cargo run --locked --quiet -- sql --format json > "$work/sql.json"
"$python" bench/sql_series.py . "$work/sql.json" "$work/series.parquet"
cargo run --locked --quiet -- run --quiet --out "$work/from-series" --series "$work/series.parquet"
"$python" bench/sql_series.py . "$work/sql.json" "$work/series.parquet" \
  "$work/native/scorecard.csv" "$work/from-series/scorecard.csv"
