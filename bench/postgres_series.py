"""Measures computed by PostgreSQL: runs each query `rubric sql --dialect
postgres --format json` writes in the database (through psql, as CSV) and
writes the series table (the README's series contract) as one Parquet
file for `rubric run --series`.

    python bench/postgres_series.py SQL.json SERIES.parquet PSQL_ARGS...

PSQL_ARGS connect psql to the database holding a table named after each
source (bench/postgres.sh loads the example's)."""
import json, os, subprocess, sys, tempfile, time

import duckdb

COLUMNS = {
    "indicator": "VARCHAR", "breakdown": "VARCHAR", "breakdown_value": "VARCHAR",
    "period": "VARCHAR", "numerator": "DOUBLE", "denominator": "DOUBLE",
    "value": "DOUBLE", "missing_reason": "VARCHAR",
}


def main():
    sql_json, out, psql = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3:]
    with open(sql_json) as f:
        translation = json.load(f)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rubric-pg-") as tmp:
        csv_path = os.path.join(tmp, "series.csv")
        with open(csv_path, "wb") as csv:
            for i, q in enumerate(translation["queries"]):
                header = "HEADER" if i == 0 else ""
                sql = q["sql"].strip().rstrip(";")
                csv.write(subprocess.run(
                    psql + ["-c", f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, {header or 'HEADER false'})"],
                    check=True, capture_output=True).stdout)
        took = time.perf_counter() - start
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        types = ", ".join(f"'{k}': '{v}'" for k, v in COLUMNS.items())
        rows = con.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', header = true, columns = {{{types}}})) "
            f"TO '{out}' (FORMAT PARQUET)").fetchone()[0]
    print(f"PostgreSQL gave {rows} series rows of {len(translation['queries'])} indicators in {took:.1f} s")


main()
