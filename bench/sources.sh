#!/usr/bin/env bash
# Sources benchmark: bash bench/sources.sh [SCALE]   (default 100)
# The example at SCALE read from CSV files, against DuckDB reading the same
# CSV files for the same work (the SQL of `rubric sql`, its Parquet reads
# turned into CSV reads), figures checked equal first; and read from
# PostgreSQL through ODBC, against the floor of `psql \copy` of the same
# SELECTs to /dev/null. Prints medians of BENCH_RUNS (default 5) runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-100}
cargo build --release --locked --quiet --bin rubric --example generate_example_data
python=$(bash bench/duckdb-venv.sh)
base=$(pwd)/target/bench/x$scale
if [ ! -f "$base/data/ssd_cin_episodes.parquet" ]; then
  mkdir -p "$base"
  ./target/release/examples/generate_example_data --scale "$scale" "$base/data" > "$base/generate.log"
  cp data/published.parquet "$base/data/"
fi
# The Parquet project (the reference run), the CSV project, the ODBC project.
for p in parquet csv odbc; do
  rm -rf "$base/$p"; mkdir -p "$base/$p/sources"
  cp -r indicators rules calendars rubric.yaml "$base/$p/"
done
cp -al "$base/data" "$base/parquet/data"   # hard links: a symlink out of the project is refused
cp sources/example.yaml "$base/parquet/sources/"
mkdir -p "$base/csv/extracts"
"$python" - "$base" <<'EOF'
import duckdb, os, sys
base = sys.argv[1]
shipped = open("sources/example.yaml").read()
names = sorted(f[:-8] for f in os.listdir(f"{base}/data") if f.endswith(".parquet"))
for name in names:
    csv = f"{base}/csv/extracts/{name}.csv"
    if not os.path.exists(csv):
        duckdb.sql(f"COPY (SELECT * FROM '{base}/data/{name}.parquet') TO '{csv}' (HEADER)")
for kind, where in (("csv", "    path: extracts/{n}.csv\n"),
                    ("odbc", "    kind: odbc\n    connection: RUBRIC_BENCH_DB\n    table: {n}\n")):
    out = []
    for line in shipped.splitlines():
        out.append(line + "\n")
        if line.startswith("  - name: "):
            out.append(where.format(n=line[len("  - name: "):]))
    for n in names:
        if f"  - name: {n}\n" not in shipped:
            out.append(f"  - name: {n}\n" + where.format(n=n))
    open(f"{base}/{kind}/sources/example.yaml", "w").write("".join(out))
EOF
export RUBRIC_PG_DATABASE=rubric_bench
RUBRIC_BENCH_DB=$(bash bench/postgres.sh "$base/data")
export RUBRIC_BENCH_DB
"$python" bench/sources.py "$python" "$base"
