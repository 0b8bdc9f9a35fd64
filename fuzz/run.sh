#!/usr/bin/env bash
# Runs every fuzz target for a bounded time: bash fuzz/run.sh [SECONDS]
# (default 60 per target). Needs the nightly toolchain (cargo-fuzz builds
# with sanitizers); installs cargo-fuzz into target/tools if missing.
# A crash is saved under fuzz/artifacts/<target>/ and the script fails;
# turn it into a regression test in tests/hostile.rs before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
tools="$(pwd)/target/tools"
if [ ! -x "$tools/bin/cargo-fuzz" ]; then
  cargo install cargo-fuzz --locked --root "$tools"
fi
export PATH="$tools/bin:$PATH"
mkdir -p fuzz/corpus/yaml_loader fuzz/corpus/parquet_reader fuzz/corpus/expressions fuzz/corpus/sql_writer
# Seed the corpora with the project's own files, so fuzzing starts from valid input.
cp indicators/*.yaml tests/broken/*.yaml tests/hostile/yaml/*.yaml fuzz/corpus/yaml_loader/ 2>/dev/null || true
cp data/referrals.parquet data/teams.parquet data/population.parquet fuzz/corpus/parquet_reader/
printf 'days_between(d, n) <= 45 && s == "North"\0abcdefghij' > fuzz/corpus/expressions/seed1
printf 'x * 2.5 > n || flag\0\1\2\3\4\5\0\0\0\0\0' > fuzz/corpus/expressions/seed2
printf 'Title\nCOPY 1;\1date\1team */ --\1x\x27; --\1North\1=SUM(A1)' > fuzz/corpus/sql_writer/seed1
for target in yaml_loader expressions parquet_reader sql_writer; do
  echo "== $target for ${seconds}s"
  cargo +nightly fuzz run --fuzz-dir fuzz "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20
done
