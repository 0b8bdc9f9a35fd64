#!/usr/bin/env bash
# What the pages and their PDFs cost:
#   bash bench/pages.sh BASELINE_CHECKOUT [SCALE...]   (default scales: 1 100)
# BASELINE_CHECKOUT is a checkout of Rubric from before PDFs (a git
# worktree of 52de393), built here in release mode. At each scale the full
# example is run by the baseline on its own definitions, by this build on
# the same definitions (every page now also written as a PDF), and by this
# build on this checkout's definitions (a fourth page, with charts): whole
# processes, runs alternating, medians of BENCH_RUNS (default 5); then the
# time each spends writing its outputs, as `--timings` reports it.
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=$(cd "$1" && pwd)
shift
scales=("${@:-1 100}")
[ $# -gt 0 ] || scales=(1 100)
runs=${BENCH_RUNS:-5}
cargo build --release --locked --quiet --bin rubric --example generate_example_data
(cd "$baseline" && cargo build --release --locked --quiet --bin rubric --example generate_example_data)
for s in "${scales[@]}"; do
  base=target/bench/x$s
  if [ ! -f "$base/data/ssd_cin_episodes.parquet" ]; then
    mkdir -p "$base"
    ./target/release/examples/generate_example_data --scale "$s" "$base/data" > "$base/generate.log"
  fi
  cp data/published.parquet data/benchmarks.csv "$base/data/"
  for p in pages-before pages-now; do
    rm -rf "$base/$p"; mkdir -p "$base/$p"
    cp -al "$(pwd)/$base/data" "$base/$p/data"   # hard links: a symlink out of the project is refused
  done
  (cd "$baseline" && cp -r indicators rules sources pages calendars rubric.yaml "$OLDPWD/$base/pages-before/")
  cp -r indicators rules sources pages calendars rubric.yaml "$base/pages-now/"
  python3 - "$baseline/target/release/rubric" "$(pwd)/target/release/rubric" "$base" "$runs" "$s" <<'EOF'
import re, statistics, subprocess, sys, time
before, now, base, runs, scale = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
cases = [
    ("before PDFs, its definitions", before, base + "/pages-before"),
    ("with PDFs, the same definitions", now, base + "/pages-before"),
    ("with PDFs, this checkout's definitions", now, base + "/pages-now"),
]
whole = {c[0]: [] for c in cases}
writing = {c[0]: [] for c in cases}
for _ in range(runs):
    for name, exe, project in cases:
        out = f"{project}/out-{exe.split('/')[-4]}"
        start = time.perf_counter()
        subprocess.run([exe, "--project", project, "run", "--period", "2023-07", "--quiet", "--out", out], check=True)
        whole[name].append(time.perf_counter() - start)
        timed = subprocess.run([exe, "--project", project, "run", "--period", "2023-07", "--timings", "--quiet", "--out", out],
                               check=True, capture_output=True, text=True).stderr
        writing[name].append(float(re.search(r"write outputs:\s+([\d.]+) ms", timed).group(1)))
first = statistics.median(whole[cases[0][0]])
print(f"\nx{scale}: medians of {runs}")
print("| run | whole run | against before | writing the outputs |")
print("| --- | ---: | ---: | ---: |")
for name, _, _ in cases:
    w = statistics.median(whole[name])
    print(f"| {name} | {w:.3f} s | {w / first:.2f}x | {statistics.median(writing[name]):.0f} ms |")
EOF
done
