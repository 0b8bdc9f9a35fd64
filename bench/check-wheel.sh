#!/usr/bin/env bash
# The Python package as an analyst gets it: builds the wheel with maturin
# (pinned in bench/wheel-requirements.txt) for this platform, installs it
# into a fresh virtual environment with nothing else, and uses the `rubric`
# it puts on the PATH: `rubric init` into a temporary folder, `rubric run`
# there, the outputs exist, `rubric check` is clean, reviews pin and check.
# Usage: bash bench/check-wheel.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/maturin-venv
if [ ! -x "$tools/bin/maturin" ]; then
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check -r bench/wheel-requirements.txt
fi
wheels=target/wheels-check
rm -rf "$wheels"
# The dev profile reuses what the tests compiled (a release build here
# would add a whole optimised build to CI); the packaging is the same, and
# the release workflow builds the wheels optimised.
"$tools/bin/maturin" build --profile dev --locked --quiet --out "$wheels"
wheel=$(ls "$wheels"/rubric_scorecard-*.whl)
# The package's metadata says what it is and carries the README.
"$tools/bin/python" - "$wheel" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    text = z.read(meta).decode()
    names = z.namelist()
    scripts = [n for n in names if ".data/scripts/" in n]
for line in ("Name: rubric-scorecard", "Summary: Rubric: performance scorecards", "Description-Content-Type: text/markdown"):
    assert line in text, f"{line!r} missing from {meta}"
assert "## Install" in text, "the README is the package's description"
assert [s.rsplit("/", 1)[1] for s in scripts] == ["rubric"], scripts
# Both licences the package is offered under travel with it.
for licence in ("LICENSE-MIT", "LICENSE-APACHE"):
    assert any(".dist-info/" in n and n.lower().endswith(licence.lower()) for n in names), f"{licence} missing from the wheel"
PY
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
export PATH="$work/venv/bin:$PATH"
test "$(command -v rubric)" = "$work/venv/bin/rubric"
rubric --version
rubric init "$work/project" > /dev/null
cd "$work/project"
rubric run --quiet
for f in parquet csv md html xlsx; do
  test -s "out/scorecard.$f" || { echo "rubric run wrote no out/scorecard.$f"; exit 1; }
done
check=$(rubric check 2>&1)
test "$check" = "ok: 1 indicators, 4 rule sets, 1 sources checked" || { echo "rubric check: $check"; exit 1; }
rubric review --accept > /dev/null
rubric review --check > /dev/null
echo "wheel $(basename "$wheel"): installed alone in a fresh environment; init, run, check and review work"
