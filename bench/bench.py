"""Times Rubric against DuckDB on the same Parquet files and the same work.

For each scale it runs, several times each, and reports medians:
  - rubric run on the full example scorecard (every indicator),
  - rubric run on the four typical indicators of bench/project,
  - DuckDB computing those four indicators with equivalent SQL,
  - the bare projected Parquet read inside rubric (the floor: `read sources`).
It first checks that DuckDB and Rubric give the same numbers.
Run it through bench/run.sh, which builds, generates the data and sets up DuckDB.
"""
import csv, json, os, resource, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUBRIC = os.path.join(ROOT, "target", "release", "rubric")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
MONTHS = [f"{y}-{m:02d}" for y, m in [(2022, 7), (2022, 8), (2022, 9), (2022, 10), (2022, 11), (2022, 12),
                                      (2023, 1), (2023, 2), (2023, 3), (2023, 4), (2023, 5), (2023, 6), (2023, 7)]]

SQL = {
    "B1": "SELECT strftime(referral_date, '%Y-%m') AS m, count(*) FILTER (WHERE outcome = 'assessment') AS v "
          "FROM '{d}/referrals.parquet' GROUP BY m",
    "B2": "SELECT strftime(referral_date, '%Y-%m') AS m, "
          "100.0 * count(*) FILTER (WHERE referral_date - previous_referral_date <= 365) / count(*) AS v "
          "FROM '{d}/referrals.parquet' GROUP BY m",
    "B3": "SELECT strftime(completed_date, '%Y-%m') AS m, "
          "100.0 * count(*) FILTER (WHERE completed_date - start_date <= 45) / count(*) AS v "
          "FROM '{d}/assessments.parquet' WHERE completed_date IS NOT NULL GROUP BY m",
    "B4": "SELECT strftime(referral_date, '%Y-%m') AS m, count(DISTINCT child_id) AS v "
          "FROM '{d}/referrals.parquet' GROUP BY m",
}

DUCKDB_CHILD = r'''
import duckdb, json, resource, sys, time
sql = json.loads(sys.argv[1])
con = duckdb.connect()
con.execute("SET threads TO 2")
start = time.perf_counter()
out = {k: dict(con.execute(q).fetchall()) for k, q in sql.items()}
took = time.perf_counter() - start
print(json.dumps({"seconds": took, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "values": out}))
'''


def run_rubric(project, out, extra=()):
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", RUBRIC, "--project", project, "run", "--out", out,
                           "--period", "2023-07", "--timings", *extra],
                          capture_output=True, text=True, check=True)
    took = time.perf_counter() - start
    lines = proc.stderr.strip().splitlines()
    read_ms = next(float(l.split(":")[1].split()[0]) for l in lines if "read sources" in l)
    return took, int(lines[-1]), read_ms / 1000.0


def run_duckdb(python, data):
    sql = {k: q.replace("{d}", data) for k, q in SQL.items()}
    proc = subprocess.run([python, "-c", DUCKDB_CHILD, json.dumps(sql)], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def check_same(out, duck):
    rows = {}
    with open(os.path.join(out, "scorecard.csv")) as f:
        for r in csv.DictReader(f):
            if r["breakdown_value"] == "all":
                rows[(r["indicator"], r["period"])] = r["value"]
    for key, by_month in duck["values"].items():
        for m in MONTHS:
            ours = float(rows[(key, m)])
            theirs = float(by_month.get(m, 0))
            if abs(ours - theirs) > 1e-9 * max(1.0, abs(theirs)):
                sys.exit(f"MISMATCH {key} {m}: rubric {ours} duckdb {theirs}")


def main():
    python, scales = sys.argv[1], sys.argv[2:]
    print(f"{'scale':>5} {'referrals':>10} | {'full example':>12} | {'4 indicators':>12} {'duckdb':>8} {'ratio':>6} "
          f"{'read floor':>10} {'x floor':>7} | {'rubric MB':>9} {'duckdb MB':>9}")
    for scale in scales:
        base = os.path.join(ROOT, "target", "bench", f"x{scale}")
        data = os.path.join(base, "data")
        full, four = os.path.join(base, "full"), os.path.join(base, "four")
        duck = run_duckdb(python, data)
        run_rubric(four, os.path.join(four, "out"))
        check_same(os.path.join(four, "out"), duck)
        full_t = [run_rubric(full, os.path.join(full, "out")) for _ in range(RUNS)]
        four_t = [run_rubric(four, os.path.join(four, "out")) for _ in range(RUNS)]
        duck_t = [run_duckdb(python, data) for _ in range(RUNS)]
        med = lambda xs: statistics.median(xs)
        f_full = med([t[0] for t in full_t])
        f_four = med([t[0] for t in four_t])
        f_read = med([t[2] for t in four_t])
        f_duck = med([d["seconds"] for d in duck_t])
        mem_r = max(t[1] for t in four_t) / 1024
        mem_d = max(d["peak_kb"] for d in duck_t) / 1024
        with open(os.path.join(data, "..", "referrals.count")) as f:
            referrals = f.read().strip()
        print(f"{scale:>5} {referrals:>10} | {f_full:>11.3f}s | {f_four:>11.3f}s {f_duck:>7.3f}s {f_duck / f_four:>5.2f}x "
              f"{f_read:>9.3f}s {f_four / max(f_read, 1e-9):>6.2f}x | {mem_r:>9.0f} {mem_d:>9.0f}")
    print("ratio: DuckDB time / Rubric time (above 1: Rubric faster); x floor: Rubric time / bare projected read;")
    print(f"medians of {RUNS} runs each; Rubric times include process start and writing the outputs.")


if __name__ == "__main__":
    main()
