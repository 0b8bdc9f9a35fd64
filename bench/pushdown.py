"""Times the example read from PostgreSQL row by row against the same
example with its measures pushed down (see bench/pushdown.sh). Counts the
bytes received on the loopback interface during each run: the rows or the
series that crossed from the database."""
import os, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUBRIC = os.path.join(ROOT, "target", "release", "rubric")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def loopback_bytes():
    with open("/proc/net/dev") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name.strip() == "lo":
                return int(rest.split()[0])
    raise SystemExit("no loopback interface in /proc/net/dev")


def project(base, pushdown):
    p = os.path.join(base, "pushdown" if pushdown else "rows")
    shutil.rmtree(p, ignore_errors=True)
    os.makedirs(os.path.join(p, "sources"))
    os.makedirs(os.path.join(p, "data"))
    for sub in ("indicators", "rules", "calendars", "pages"):
        shutil.copytree(os.path.join(ROOT, sub), os.path.join(p, sub))
    shutil.copy(os.path.join(ROOT, "rubric.yaml"), p)
    shutil.copy(os.path.join(ROOT, "data", "benchmarks.csv"), os.path.join(p, "data"))
    shipped = open(os.path.join(ROOT, "sources", "example.yaml")).read()
    block = shipped[shipped.index("  - name: benchmarks\n"):]
    end = block.find("  - name: ", 1)
    text = "sources:\n" + (block if end < 0 else block[:end]).rstrip() + "\n"
    names = sorted(f[:-8] for f in os.listdir(os.path.join(base, "data")) if f.endswith(".parquet"))
    for n in names:
        text += f"  - name: {n}\n    kind: odbc\n    connection: RUBRIC_BENCH_DB\n    table: {n}\n"
        if pushdown:
            text += "    pushdown: postgres\n"
    open(os.path.join(p, "sources", "example.yaml"), "w").write(text)
    return p


def run(p):
    out = os.path.join(p, "out")
    before = loopback_bytes()
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", RUBRIC, "--project", p, "run", "--quiet",
                           "--period", "2023-07", "--out", out], capture_output=True, text=True)
    took = time.perf_counter() - start
    received = loopback_bytes() - before
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return took, received, int(proc.stderr.strip().splitlines()[-1]) * 1024


def main():
    base = sys.argv[1]
    rows, pushed = project(base, False), project(base, True)
    results = {}
    for name, p in (("rows", rows), ("pushdown", pushed)):
        results[name] = [run(p) for _ in range(RUNS)]
    for f in sorted(os.listdir(os.path.join(rows, "out"))):
        a = open(os.path.join(rows, "out", f), "rb").read()
        b = open(os.path.join(pushed, "out", f), "rb").read()
        if a != b:
            raise SystemExit(f"{f} differs between reading the rows and pushing the measures down")
    print(f"outputs byte-identical ({len(os.listdir(os.path.join(rows, 'out')))} files); medians of {RUNS} runs")
    print("| run | time | loopback bytes | peak memory |")
    print("| --- | ---: | ---: | ---: |")
    med = {}
    for name, rs in results.items():
        t, b, m = (statistics.median(x[i] for x in rs) for i in range(3))
        med[name] = (t, b)
        print(f"| {name} | {t:.2f} s | {b / 1e6:,.1f} MB | {m / 1e6:,.0f} MB |")
    (tr, br), (tp, bp) = med["rows"], med["pushdown"]
    print(f"pushdown: {tr / tp:.1f}x faster, {br / max(bp, 1):,.0f}x fewer bytes")


main()
