#!/usr/bin/env bash
# Audits every HTML page in out/ for WCAG 2.2 A and AA with axe-core (from
# the npm registry) in headless chromium: as loaded, after a filter and
# with every expandable open, at 1280 px and at 320 px wide (reflow). Fails
# on any violation, listing each, and when, at 1280 px, a row's indicator,
# latest value, target, RAG or DoT cell is outside the window. Screenshots of each page at both widths
# are left in target/axe/ to be looked at.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=4.10.3
dir=target/axe
mkdir -p "$dir"
if [ ! -f "$dir/node_modules/axe-core/axe.min.js" ]; then
  npm install --silent --no-audit --no-fund --prefix "$dir" "axe-core@$AXE_VERSION" > /dev/null
fi
browser=${RUBRIC_BROWSER:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
failed=0
for page in out/*.html; do
  name=$(basename "$page" .html)
  audited="$dir/$name.audit.html"
  # The page as written, with axe and the runner after its own script.
  {
    sed 's#</body>##; s#</html>##' "$page"
    printf '<script>\n'; cat "$dir/node_modules/axe-core/axe.min.js"; printf '\n</script>\n'
    printf '<script>\n'; cat bench/axe-runner.js; printf '\n</script>\n</body>\n</html>\n'
  } > "$audited"
  for width in 1280 320; do
    # 320 px is 1280 at 400% zoom, set by the runner (a window cannot be
    # made narrower than 500 px); its screenshot is four times as tall, so
    # both show the same 3,000 CSS px of the page.
    profile=$(mktemp -d)
    "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --user-data-dir="$profile" \
      --window-size=1280,900 --virtual-time-budget=60000 --dump-dom "file://$PWD/$audited#w=$width" \
      2> /dev/null > "$dir/$name.$width.dom" || true
    "$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" \
      --hide-scrollbars --window-size="1280,$((3000 * 1280 / width))" --screenshot="$PWD/$dir/$name.$width.png" \
      "file://$PWD/$audited#w=$width&shot" > /dev/null 2>&1 || true
    rm -rf "$profile"
    results=$(sed -n 's#.*<pre id="axe-results">\(.*\)</pre>.*#\1#p' "$dir/$name.$width.dom")
    if [ -z "$results" ]; then
      echo "$page at ${width}px: the audit did not finish"
      failed=1
    elif [ "$results" != "[]" ]; then
      echo "$page at ${width}px: WCAG 2.2 A/AA violations:"
      printf '%s\n' "$results" | sed 's/&quot;/"/g; s/&gt;/>/g; s/&lt;/</g; s/&amp;/\&/g' \
        | python3 -c 'import json,sys
for v in json.load(sys.stdin):
    print("  [%s] %s (%s): %s %s" % (v["state"], v["id"], v.get("impact") or "-", v["help"], "; ".join(v["nodes"])))'
      failed=1
    else
      echo "$page at ${width}px: no WCAG 2.2 A/AA violation (as loaded, filtered, expanded)"
    fi
  done
done
exit $failed
