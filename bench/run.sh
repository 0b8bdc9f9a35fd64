#!/usr/bin/env bash
# The benchmark: bash bench/run.sh [SCALE...]   (default scales: 1 10 100)
# Builds Rubric, generates the example data at each scale with the
# project's generator, installs DuckDB from PyPI into a local virtual
# environment, checks both give the same numbers, then prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
scales=("${@:-1 10 100}")
[ $# -gt 0 ] || scales=(1 10 100)
cargo build --release --locked --quiet --bin rubric --example generate_example_data --example read_floor
venv=target/bench/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/requirements.txt
fi
for s in "${scales[@]}"; do
  base=target/bench/x$s
  if [ ! -f "$base/data/ssd_cin_episodes.parquet" ]; then
    mkdir -p "$base"
    ./target/release/examples/generate_example_data --scale "$s" "$base/data" > "$base/generate.log"
  fi
  # The tables the generator does not write: the published figures and benchmarks.
  cp data/published.parquet data/benchmarks.csv "$base/data/"
  grep '^ssd_cin_episodes:' "$base/generate.log" | awk '{print $2}' > "$base/referrals.count"
  for p in full four; do
    rm -rf "$base/$p"; mkdir -p "$base/$p"
    cp -al "$(pwd)/$base/data" "$base/$p/data"   # hard links: a symlink out of the project is refused
  done
  # The shipped example whole: its sources' expectations and pages too.
  cp -r indicators rules sources pages calendars rubric.yaml "$base/full/"
  cp -r bench/project/indicators "$base/four/"; mkdir -p "$base/four/rules"
done
"$venv/bin/python" bench/bench.py "$(pwd)/$venv/bin/python" "${scales[@]}"
