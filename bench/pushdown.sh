#!/usr/bin/env bash
# Pushdown benchmark: bash bench/pushdown.sh [SCALE]   (default 100)
# The example at SCALE in PostgreSQL (bench/postgres.sh), run by Rubric
# reading the rows through ODBC against Rubric with every source marked
# `pushdown: postgres` (the measures run in the database, the series come
# back): outputs checked byte-identical first, then medians of BENCH_RUNS
# (default 3) runs of each, with the bytes that crossed the loopback
# interface and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-100}
cargo build --release --locked --quiet --bin rubric --example generate_example_data
base=$(pwd)/target/bench/x$scale/ssd
if [ ! -f "$base/data/ssd_cin_episodes.parquet" ]; then
  mkdir -p "$base"
  ./target/release/examples/generate_example_data --scale "$scale" "$base/data" > "$base/generate.log"
  cp data/published.parquet "$base/data/"
fi
export RUBRIC_PG_DATABASE=rubric_ssd$scale
RUBRIC_BENCH_DB=$(bash bench/postgres.sh "$base/data")
export RUBRIC_BENCH_DB
python3 bench/pushdown.py "$base"
