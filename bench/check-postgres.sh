#!/usr/bin/env bash
# Measures computed by PostgreSQL, rated by Rubric: the example's tables in
# the real PostgreSQL bench/postgres.sh starts, `rubric sql --dialect
# postgres` run there, and `rubric run --series` on its result must give
# outputs byte-identical to a native run.
#   bash bench/check-postgres.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/postgres.sh > /dev/null
python=$(bash bench/duckdb-venv.sh)
psql=(psql -X -q -h "${RUBRIC_PG_DIR:-/tmp/rubric-postgres}" -p "${RUBRIC_PG_PORT:-54329}"
  -U rubric -d "${RUBRIC_PG_DATABASE:-rubric}" -v ON_ERROR_STOP=1)
work=target/postgres-check
rm -rf "$work"; mkdir -p "$work"
cargo run --locked --quiet -- run --quiet --out "$work/native"
cargo run --locked --quiet -- sql --dialect postgres --format json > "$work/sql.json"
"$python" bench/postgres_series.py "$work/sql.json" "$work/series.parquet" "${psql[@]}"
cargo run --locked --quiet -- run --quiet --out "$work/from-postgres" --series "$work/series.parquet"
diff -r "$work/native" "$work/from-postgres" > "$work/diff.txt" \
  || { head -40 "$work/diff.txt"; echo "a run from PostgreSQL's series differs from the native run"; exit 1; }
echo "a run from PostgreSQL's series is byte-identical to the native run ($(ls "$work/native" | wc -l) files)"
