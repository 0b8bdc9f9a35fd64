#!/usr/bin/env bash
# Placeholder dates cost what ordinary dates do: times `rubric run` on the
# example generated at SCALE (default 10), then on a copy where 10% of every
# date column holds a placeholder (half 9999-12-31, half 0001-01-01), and
# prints the medians and their ratio (the target: at most 2x).
#   bash bench/placeholder-dates.sh [SCALE]
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-10}"
runs="${BENCH_RUNS:-5}"
python=$(bash bench/duckdb-venv.sh)
cargo build --release --locked --quiet --bin rubric --example generate_example_data
base=target/bench/placeholders-x$scale
rm -rf "$base"; mkdir -p "$base/generated" "$base/clean/data" "$base/dirty/data"
./target/release/examples/generate_example_data --scale "$scale" "$base/generated" > /dev/null
cp data/published.parquet "$base/generated/"
for p in clean dirty; do cp -r indicators rules rubric.yaml calendars "$base/$p/"; done
# Both copies are written by DuckDB, so they differ only in their dates.
"$python" - "$base/generated" "$base/clean/data" "$base/dirty/data" <<'PY'
import duckdb, os, sys
generated, clean, dirty = sys.argv[1:4]
con = duckdb.connect()
for name in sorted(os.listdir(generated)):
    src, dst = os.path.join(generated, name), os.path.join(dirty, name)
    con.execute(f"COPY (SELECT * FROM read_parquet('{src}')) TO '{os.path.join(clean, name)}' (FORMAT parquet)")
    cols = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{src}')").fetchall()
    exprs = []
    for col, kind, *_ in cols:
        q = '"' + col.replace('"', '""') + '"'
        if kind == "DATE":
            exprs.append(
                f"CASE WHEN hash(file_row_number, '{col}') % 20 = 0 THEN DATE '9999-12-31' "
                f"WHEN hash(file_row_number, '{col}') % 20 = 1 THEN DATE '0001-01-01' ELSE {q} END AS {q}"
            )
        else:
            exprs.append(q)
    con.execute(f"COPY (SELECT {', '.join(exprs)} FROM read_parquet('{src}', file_row_number = true)) TO '{dst}' (FORMAT parquet)")
PY
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_run() {
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e" ./target/release/rubric --project "$1" run --period 2023-07 --quiet --out "$1/out" 2>&1 >/dev/null | tail -1
  done | median
}
clean_s=$(time_run "$base/clean")
dirty_s=$(time_run "$base/dirty")
echo "scale $scale: clean $clean_s s, 10% placeholder dates $dirty_s s, ratio $(echo "$dirty_s $clean_s" | awk '{printf "%.2f", $1 / $2}')x (medians of $runs)"
