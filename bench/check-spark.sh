#!/usr/bin/env bash
# Measures computed by Apache Spark (PySpark from PyPI in local mode, Java
# from Debian), rated by Rubric: `rubric run --series` on the series table
# Spark writes from `rubric sql --dialect spark` must give outputs
# byte-identical to a native run.
#   bash bench/check-spark.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v java > /dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q default-jre-headless > /dev/null 2>&1 \
    || { apt-get update -q > /dev/null && apt-get install -y -q default-jre-headless > /dev/null; }
fi
venv=target/bench/spark-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/spark-requirements.txt
fi
work=target/spark-check
rm -rf "$work"; mkdir -p "$work"
cargo run --locked --quiet -- run --quiet --out "$work/native"
cargo run --locked --quiet -- sql --dialect spark --format json > "$work/sql.json"
"$venv/bin/python" bench/spark_series.py . "$work/sql.json" "$work/series.parquet" 2> "$work/spark.log" \
  || { tail -40 "$work/spark.log"; exit 1; }
cargo run --locked --quiet -- run --quiet --out "$work/from-spark" --series "$work/series.parquet"
diff -r "$work/native" "$work/from-spark" > "$work/diff.txt" \
  || { head -40 "$work/diff.txt"; echo "a run from Spark's series differs from the native run"; exit 1; }
echo "a run from Spark's series is byte-identical to the native run ($(ls "$work/native" | wc -l) files)"
