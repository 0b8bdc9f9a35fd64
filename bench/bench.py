"""Times Rubric against DuckDB on the same Parquet files and the same work.

For each scale it runs, several times each, and reports medians:
  - rubric run on the full example scorecard (every indicator),
  - DuckDB computing the same figures with the SQL `rubric sql` writes
    (every indicator but the one formula over two others),
  - rubric run on the four typical indicators of bench/project, against
    DuckDB running hand-written SQL for them,
  - the bare projected Parquet read of the same columns (the floor:
    `examples/read_floor.rs`, a process that starts, compiles the project,
    reads with Rubric's own reader and exits; timed whole like Rubric).
It first checks that DuckDB and Rubric give the same numbers.
Run it through bench/run.sh, which builds, generates the data and sets up DuckDB.
"""
import csv, json, os, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sql_check  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUBRIC = os.path.join(ROOT, "target", "release", "rubric")
READ_FLOOR = os.path.join(ROOT, "target", "release", "examples", "read_floor")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
MONTHS = [f"{y}-{m:02d}" for y, m in [(2022, 7), (2022, 8), (2022, 9), (2022, 10), (2022, 11), (2022, 12),
                                      (2023, 1), (2023, 2), (2023, 3), (2023, 4), (2023, 5), (2023, 6), (2023, 7)]]

SQL = {
    "B1": "SELECT strftime(cine_referral_date, '%Y-%m') AS m, count(*) FILTER (WHERE cine_referral_outcome_json = 'assessment') AS v "
          "FROM '{d}/ssd_cin_episodes.parquet' GROUP BY m",
    "B2": "SELECT strftime(cine_referral_date, '%Y-%m') AS m, "
          "100.0 * count(*) FILTER (WHERE cine_referral_date - previous_referral_date <= 365) / count(*) AS v "
          "FROM '{d}/ssd_cin_episodes.parquet' GROUP BY m",
    "B3": "SELECT strftime(cina_assessment_auth_date, '%Y-%m') AS m, "
          "100.0 * count(*) FILTER (WHERE cina_assessment_auth_date - cina_assessment_start_date <= 45) / count(*) AS v "
          "FROM '{d}/ssd_cin_assessments.parquet' WHERE cina_assessment_auth_date IS NOT NULL GROUP BY m",
    "B4": "SELECT strftime(cine_referral_date, '%Y-%m') AS m, count(DISTINCT cine_person_id) AS v "
          "FROM '{d}/ssd_cin_episodes.parquet' GROUP BY m",
}

DUCKDB_CHILD = r'''
import duckdb, json, resource, sys, time
sql = json.loads(sys.argv[1])
con = duckdb.connect()
con.execute("SET threads TO 2")
# DuckDB draws a progress bar on stdout for long queries.
con.execute("SET enable_progress_bar = false")
start = time.perf_counter()
out = {k: dict(con.execute(q).fetchall()) for k, q in sql.items()}
took = time.perf_counter() - start
print(json.dumps({"seconds": took, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "values": out}))
'''

# Runs the generated SQL of a whole project in a fresh process (so its peak
# memory is DuckDB's alone) and writes the figures to a JSON file.
DUCKDB_PROJECT_CHILD = r'''
import json, resource, sys
sys.path.insert(0, sys.argv[1])
import sql_check
project, translation, figures = sys.argv[2], json.load(open(sys.argv[3])), sys.argv[4]
rows, took = sql_check.run(project, translation)
json.dump([[list(k), list(v)] for k, v in rows.items()], open(figures, "w"))
print(json.dumps({"seconds": took, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
'''


def run_rubric(project, out, extra=()):
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", RUBRIC, "--project", project, "run", "--out", out,
                           "--period", "2023-07", "--quiet", *extra],
                          capture_output=True, text=True, check=True)
    took = time.perf_counter() - start
    return took, int(proc.stderr.strip().splitlines()[-1])


def read_floor(project):
    """Median seconds of a process doing only the bare projected read of what
    a run of `project` reads, timed whole like `rubric run`."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([READ_FLOOR, project], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_duckdb(python, data):
    sql = {k: q.replace("{d}", data) for k, q in SQL.items()}
    proc = subprocess.run([python, "-c", DUCKDB_CHILD, json.dumps(sql)], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def run_duckdb_project(python, project, translation_file, figures_file):
    proc = subprocess.run([python, "-c", DUCKDB_PROJECT_CHILD, os.path.dirname(os.path.abspath(__file__)),
                           project, translation_file, figures_file], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def translate(project):
    """`rubric sql` of the whole project, written beside it."""
    path = os.path.join(project, "sql.json")
    with open(path, "w") as f:
        subprocess.run([RUBRIC, "--project", project, "sql", "--period", "2023-07", "--format", "json"],
                       stdout=f, check=True)
    return path


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
    print(f"{'':16} | {'full example (every indicator)':^61} | {'4 typical indicators, hand-written SQL':^52}")
    print(f"{'scale':>5} {'referrals':>10} | {'rubric':>8} {'duckdb':>8} {'ratio':>6} {'read':>7} {'x read':>6} "
          f"{'rubric MB':>9} {'duckdb MB':>9} | {'rubric':>8} {'duckdb':>8} {'ratio':>6} {'read':>7} {'x read':>6} "
          f"{'MB':>4} {'duck MB':>7}")
    for scale in scales:
        base = os.path.join(ROOT, "target", "bench", f"x{scale}")
        data = os.path.join(base, "data")
        full, four = os.path.join(base, "full"), os.path.join(base, "four")
        # Both engines must give the same figures before either is timed.
        duck = run_duckdb(python, data)
        run_rubric(four, os.path.join(four, "out"))
        check_same(os.path.join(four, "out"), duck)
        translation_file = translate(full)
        figures_file = os.path.join(base, "duckdb-figures.json")
        run_rubric(full, os.path.join(full, "out"))
        run_duckdb_project(python, full, translation_file, figures_file)
        translation = json.load(open(translation_file))
        rows = {tuple(k): tuple(v) for k, v in json.load(open(figures_file))}
        compared = sql_check.check(rows, os.path.join(full, "out", "scorecard.csv"), translation)
        full_t = [run_rubric(full, os.path.join(full, "out")) for _ in range(RUNS)]
        full_d = [run_duckdb_project(python, full, translation_file, figures_file) for _ in range(RUNS)]
        four_t = [run_rubric(four, os.path.join(four, "out")) for _ in range(RUNS)]
        four_d = [run_duckdb(python, data) for _ in range(RUNS)]
        med = statistics.median
        row = []
        for ours, theirs, project in ((full_t, full_d, full), (four_t, four_d, four)):
            t = med([x[0] for x in ours])
            d = med([x["seconds"] for x in theirs])
            read = read_floor(project)
            row.append((t, d, d / t, read, t / max(read, 1e-9),
                        max(x[1] for x in ours) / 1024, max(x["peak_kb"] for x in theirs) / 1024))
        with open(os.path.join(data, "..", "referrals.count")) as f:
            referrals = f.read().strip()
        (a, b) = row
        print(f"{scale:>5} {referrals:>10} | {a[0]:>7.3f}s {a[1]:>7.3f}s {a[2]:>5.2f}x {a[3]:>6.3f}s {a[4]:>5.2f}x "
              f"{a[5]:>9.0f} {a[6]:>9.0f} | {b[0]:>7.3f}s {b[1]:>7.3f}s {b[2]:>5.2f}x {b[3]:>6.3f}s {b[4]:>5.2f}x "
              f"{b[5]:>4.0f} {b[6]:>7.0f}")
        print(f"{'':16}   {compared} figures of {len(translation['queries'])} indicators agree "
              f"({len(translation['skipped'])} formula left out)")
    print("ratio: DuckDB time / Rubric time (above 1: Rubric faster); x read: Rubric time / its bare projected read;")
    print(f"medians of {RUNS} runs each; Rubric times include process start and writing the outputs; DuckDB's are")
    print("the queries inside a warm connection.")


if __name__ == "__main__":
    main()
