"""Runs the SQL `rubric sql --format json` writes in DuckDB and checks it
gives Rubric's figures (scorecard.csv of a run of the same project).

    python bench/sql_check.py PROJECT SQL.json SCORECARD.csv

Run from anywhere; the queries read the project's data/ folder. Prints the
number of figures compared, and exits 1 on the first difference."""
import csv, json, os, sys, time

import duckdb


def month_of(label, frequency):
    """The last month ('YYYY-MM') of a scorecard period: monthly periods are
    months, quarters are `2022-23 Q1` (April to June) and years `2022-23`."""
    if frequency == "monthly":
        return label
    start = int(label[:4])
    if frequency == "quarterly":
        month = 3 + 3 * int(label.split(" Q")[1])
        return f"{start + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
    return f"{start + 1}-03"


def run(project, translation, threads=2):
    con = duckdb.connect()
    con.execute(f"SET threads TO {threads}")
    # DuckDB draws a progress bar on stdout for long queries.
    con.execute("SET enable_progress_bar = false")
    cwd = os.getcwd()
    os.chdir(project)
    try:
        start = time.perf_counter()
        rows = {}
        for q in translation["queries"]:
            # The series table: indicator, breakdown, breakdown_value,
            # period, numerator, denominator, value, missing_reason.
            for r in con.execute(q["sql"]).fetchall():
                rows[(r[0], r[3], r[1], r[2])] = (r[6], r[4], r[5])
        took = time.perf_counter() - start
    finally:
        os.chdir(cwd)
    return rows, took


def close(ours, theirs):
    if ours == "NA" or theirs is None:
        return ours == "NA" and theirs is None
    a, b = float(ours), float(theirs)
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def unneutralised(text):
    """A CSV text cell as written before Rubric neutralised a formula
    (a leading ' before =, +, -, @, tab or carriage return)."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def check(rows, scorecard, translation):
    skipped = {s["indicator"] for s in translation["skipped"]}
    compared = 0
    with open(scorecard) as f:
        for r in csv.DictReader(f):
            if r["indicator"] in skipped:
                continue
            key = (
                r["indicator"],
                month_of(r["period"], r["frequency"]),
                unneutralised(r["breakdown"]),
                unneutralised(r["breakdown_value"]),
            )
            if key not in rows:
                sys.exit(f"MISSING in DuckDB: {key}")
            value, numerator, denominator = rows[key]
            pairs = [("value", r["value"], value)]
            if r["numerator"] != "NA":
                pairs.append(("numerator", r["numerator"], numerator))
            if r["denominator"] != "NA":
                pairs.append(("denominator", r["denominator"], denominator))
            for what, ours, theirs in pairs:
                if not close(ours, theirs):
                    sys.exit(f"MISMATCH {key} {what}: rubric {ours} duckdb {theirs}")
                compared += 1
    return compared


if __name__ == "__main__":
    project, sql_json, scorecard = sys.argv[1:4]
    translation = json.load(open(sql_json))
    rows, took = run(project, translation)
    n = check(rows, scorecard, translation)
    print(f"{n} figures of {len(translation['queries'])} indicators agree ({len(translation['skipped'])} without SQL); DuckDB took {took:.3f} s")
