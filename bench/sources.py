"""Times Rubric reading the example from CSV files and from PostgreSQL
through ODBC, each against its peer on the same data in the same run:
  - CSV: DuckDB running the SQL of `rubric sql` with every Parquet read
    turned into a read of the same CSV file (figures checked equal first);
  - ODBC: the floor of `psql \\copy (SELECT ...) TO '/dev/null'` of the very
    SELECTs Rubric sent (taken from the server's statement log), in one
    psql session.
Both Rubric runs must write the same bytes as the Parquet run first.
Run it through bench/sources.sh, which prepares the data and the database.
"""
import json, os, re, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sql_check  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUBRIC = os.path.join(ROOT, "target", "release", "rubric")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PG_DIR = os.environ.get("RUBRIC_PG_DIR", "/tmp/rubric-postgres")
PG_PORT = os.environ.get("RUBRIC_PG_PORT", "54329")
PG_DATABASE = os.environ.get("RUBRIC_PG_DATABASE", "rubric")
OUTPUTS = ["scorecard.csv", "scorecard.md", "scorecard.html", "scorecard.parquet", "scorecard.xlsx"]

DUCKDB_CHILD = r'''
import json, resource, sys
sys.path.insert(0, sys.argv[1])
import sql_check
project, translation, figures = sys.argv[2], json.load(open(sys.argv[3])), sys.argv[4]
rows, took = sql_check.run(project, translation)
json.dump([[list(k), list(v)] for k, v in rows.items()], open(figures, "w"))
print(json.dumps({"seconds": took, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
'''


def run_rubric(project, out):
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", RUBRIC, "--project", project, "run", "--out", out,
                           "--period", "2023-07", "--quiet"], capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"rubric run failed in {project}:\n{proc.stderr}")
    return took, int(proc.stderr.strip().splitlines()[-1])


def same_outputs(a, b):
    for name in OUTPUTS:
        if open(os.path.join(a, name), "rb").read() != open(os.path.join(b, name), "rb").read():
            sys.exit(f"{name} differs between {a} and {b}")


def psql(sql, *extra):
    return subprocess.run(["psql", "-X", "-q", "-h", PG_DIR, "-p", PG_PORT, "-U", "rubric", "-d", PG_DATABASE,
                           "-v", "ON_ERROR_STOP=1", *extra, "-c", sql], capture_output=True, text=True, check=True)


def selects_sent(project, out):
    """The SELECTs a run of `project` sends, from the server's log."""
    log = os.path.join(PG_DIR, "log")
    psql("ALTER SYSTEM SET log_statement = 'all'")
    psql("SELECT pg_reload_conf()")
    time.sleep(0.5)
    start = os.path.getsize(log)
    run_rubric(project, out)
    psql("ALTER SYSTEM RESET log_statement")
    psql("SELECT pg_reload_conf()")
    with open(log, errors="replace") as f:
        f.seek(start)
        text = f.read()
    # Plain, or inside the cursor a driver declares to fetch in pieces.
    found = re.findall(r"(SELECT [^\n]*?)(?:;fetch [^\n]*)?\n", text)
    return sorted({s.strip() for s in found if "WHERE 1 = 0" not in s and "pg_" not in s})


def copy_floor(selects):
    script = "".join(f"\\copy ({s}) TO '/dev/null'\n" for s in selects)
    path = os.path.join(PG_DIR, "floor.sql")
    open(path, "w").write(script)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(["psql", "-X", "-q", "-h", PG_DIR, "-p", PG_PORT, "-U", "rubric", "-d", PG_DATABASE,
                        "-v", "ON_ERROR_STOP=1", "-f", path], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    python, base = sys.argv[1], sys.argv[2]
    parquet, csv, odbc = (os.path.join(base, p) for p in ("parquet", "csv", "odbc"))
    run_rubric(parquet, os.path.join(parquet, "out"))
    parts = os.environ.get("BENCH_PARTS", "csv,odbc").split(",")
    if "csv" in parts:
        bench_csv(python, parquet, csv)
    if "odbc" in parts:
        # The driver's two ways: the whole result held in memory first, or
        # fetched through a cursor in pieces (the README's advice).
        held = re.sub(r";UseDeclareFetch=1;Fetch=\d+", "", os.environ["RUBRIC_BENCH_DB"])
        bench_odbc(parquet, odbc, held, "whole result")
        bench_odbc(parquet, odbc, held + ";UseDeclareFetch=1;Fetch=65536", "cursor, 65536 rows a fetch")
    print(f"medians of {RUNS} runs; Rubric times are whole processes (start, compile, read, compute, write);")
    print("DuckDB's are the queries in a warm connection; the floor is one psql session, start included.")


def bench_csv(python, parquet, csv):
    # CSV: same bytes as Parquet, then DuckDB's figures on the same files.
    run_rubric(csv, os.path.join(csv, "out"))
    same_outputs(os.path.join(parquet, "out"), os.path.join(csv, "out"))
    translation = json.loads(subprocess.run([RUBRIC, "--project", parquet, "sql", "--period", "2023-07",
                                             "--format", "json"], capture_output=True, text=True, check=True).stdout)
    for q in translation["queries"]:
        q["sql"] = re.sub(r"read_parquet\('data/(\w+)\.parquet'\)", r"read_csv('extracts/\1.csv', header = true)",
                          q["sql"])
    translation_file = os.path.join(csv, "sql.json")
    json.dump(translation, open(translation_file, "w"))
    figures_file = os.path.join(csv, "duckdb-figures.json")

    def duck():
        proc = subprocess.run([python, "-c", DUCKDB_CHILD, os.path.dirname(os.path.abspath(__file__)), csv,
                               translation_file, figures_file], capture_output=True, text=True, check=True)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    duck()
    rows = {tuple(k): tuple(v) for k, v in json.load(open(figures_file))}
    compared = sql_check.check(rows, os.path.join(csv, "out", "scorecard.csv"), translation)
    csv_t = [run_rubric(csv, os.path.join(csv, "out")) for _ in range(RUNS)]
    csv_d = [duck() for _ in range(RUNS)]
    med = statistics.median
    t, d = med(x[0] for x in csv_t), med(x["seconds"] for x in csv_d)
    print(f"CSV:  rubric {t:.3f} s (peak {max(x[1] for x in csv_t) / 1024:.0f} MB), "
          f"DuckDB {d:.3f} s (peak {max(x['peak_kb'] for x in csv_d) / 1024:.0f} MB): DuckDB / Rubric {d / t:.2f}x; "
          f"{compared} figures agree", flush=True)


def bench_odbc(parquet, odbc, connection, how):
    """Same bytes as Parquet, then the floor of the same SELECTs."""
    os.environ["RUBRIC_BENCH_DB"] = connection
    run_rubric(odbc, os.path.join(odbc, "out"))
    same_outputs(os.path.join(parquet, "out"), os.path.join(odbc, "out"))
    selects = selects_sent(odbc, os.path.join(odbc, "out"))
    odbc_t = [run_rubric(odbc, os.path.join(odbc, "out")) for _ in range(RUNS)]
    floor = copy_floor(selects)
    o = statistics.median(x[0] for x in odbc_t)
    print(f"ODBC ({how}): rubric {o:.3f} s (peak {max(x[1] for x in odbc_t) / 1024:.0f} MB), psql \\copy floor "
          f"of its {len(selects)} SELECTs {floor:.3f} s: Rubric / floor {o / floor:.2f}x", flush=True)


if __name__ == "__main__":
    main()
