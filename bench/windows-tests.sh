#!/usr/bin/env bash
# Windows: builds Rubric's library for x86_64-pc-windows-gnu (MinGW from
# Debian) and runs its unit tests under Wine, the Windows-only ones included
# (a workbook held open by another program cannot be replaced; the lock
# file writers share). Installs the Rust target, MinGW and Wine where missing.
# Usage: bash bench/windows-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
rustup target list --installed | grep -qx "$target" || rustup target add "$target" > /dev/null
if ! command -v x86_64-w64-mingw32-gcc > /dev/null || ! command -v wine > /dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q gcc-mingw-w64-x86-64 wine64 > /dev/null 2>&1 \
    || { apt-get update -q > /dev/null && apt-get install -y -q gcc-mingw-w64-x86-64 wine64 > /dev/null; }
fi
shim="$(pwd)/target/windows-shim"
mkdir -p "$shim"
x86_64-w64-mingw32-gcc -shared -O2 -o "$shim/bcryptprimitives.dll" bench/windows/bcryptprimitives.c -ladvapi32
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
export WINEPATH="$shim" WINEDEBUG=-all WINEPREFIX="$(pwd)/target/wine-prefix"
cargo test --locked --quiet --target "$target" --lib
# The whole program on Windows: `rubric init` and `run` under Wine write
# the same bytes as on Linux (regression: definition files were named
# with `\` in the HTML and workbook made on Windows).
cargo build --locked --quiet --target "$target" --bin rubric
cargo build --locked --quiet --bin rubric
exe="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$exe/debug/rubric" init "$work/linux" > /dev/null
(cd "$work/linux" && "$exe/debug/rubric" run --quiet)
wine "$exe/$target/debug/rubric.exe" init "Z:$work/windows" > /dev/null
(cd "$work/windows" && wine "$exe/$target/debug/rubric.exe" run --quiet \
  && wine "$exe/$target/debug/rubric.exe" check > /dev/null)
rm -f "$work/windows/out/.rubric.lock"
diff -r "$work/linux" "$work/windows" || { echo "rubric on Windows wrote other files or bytes than on Linux"; exit 1; }
echo "rubric.exe under Wine: init, run and check as on Linux, the same bytes"
