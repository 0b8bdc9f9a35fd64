"""Measures where the data lives: runs the SQL `rubric sql --format json`
writes in DuckDB, writes the result as a series table (the README's series
contract), then checks `rubric run --series` on it gives every figure and
rating of a native run.

    python bench/sql_series.py PROJECT SQL.json SERIES.parquet NATIVE.csv FROM_SERIES.csv

With three arguments it writes the series table; with five it compares. The two CSVs are the
long forms of a native run and of `rubric run --series SERIES.parquet`;
they must agree in every column, the reasons for missing values included."""
import csv, json, os, sys

import duckdb


def write_series(project, translation, out):
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute("SET enable_progress_bar = false")
    out = os.path.abspath(out)
    cwd = os.getcwd()
    os.chdir(project)
    try:
        con.execute(
            "CREATE TEMP TABLE rubric_series (indicator VARCHAR NOT NULL, breakdown VARCHAR NOT NULL, "
            "breakdown_value VARCHAR NOT NULL, period VARCHAR NOT NULL, numerator DOUBLE, "
            "denominator DOUBLE, value DOUBLE, missing_reason VARCHAR)"
        )
        for q in translation["queries"]:
            sql = q["sql"].strip().rstrip(";")
            con.execute(
                f"INSERT INTO rubric_series {sql}"
            )
        con.execute(f"COPY rubric_series TO '{out}' (FORMAT PARQUET)")
        return con.execute("SELECT count(*) FROM rubric_series").fetchone()[0]
    finally:
        os.chdir(cwd)


def rows_of(path, skipped):
    with open(path) as f:
        return {
            (r["indicator"], r["breakdown"], r["breakdown_value"], r["period"]): r
            for r in csv.DictReader(f)
            if r["indicator"] not in skipped
        }


def compare(native, from_series, skipped):
    ours, theirs = rows_of(native, skipped), rows_of(from_series, skipped)
    if ours.keys() != theirs.keys():
        missing = sorted(ours.keys() - theirs.keys())[:5]
        extra = sorted(theirs.keys() - ours.keys())[:5]
        sys.exit(f"the rows differ: only native {missing}, only from the series {extra}")
    cells = 0
    for key, row in ours.items():
        for column, value in row.items():
            if theirs[key][column] != value:
                sys.exit(f"{key} {column}: native {value!r}, from the series {theirs[key][column]!r}")
            cells += 1
    return len(ours), cells


def main():
    project, sql_json, series = sys.argv[1:4]
    with open(sql_json) as f:
        translation = json.load(f)
    if len(sys.argv) == 4:
        written = write_series(project, translation, series)
        print(f"wrote {written} series rows to {series}")
        return
    skipped = {s["indicator"] for s in translation["skipped"]}
    rows, cells = compare(sys.argv[4], sys.argv[5], skipped)
    print(
        f"a run from DuckDB's series agrees with the native run: {rows} rows, "
        f"{cells} cells ({len(skipped)} indicator(s) without SQL left out)"
    )


main()
