"""Checks the script `rubric sql` writes parses in DuckDB into exactly the
statements the translation holds (one SELECT per query: nothing a title,
a filter or a name in it could add), then runs them and
checks they give Rubric's figures.

    python bench/sql_script_check.py PROJECT SCRIPT.sql SQL.json SCORECARD.csv
"""
import json, os, sys

import duckdb

from sql_check import check

project, script_file, sql_json, scorecard = sys.argv[1:5]
script = open(script_file).read()
translation = json.load(open(sql_json))
statements = duckdb.extract_statements(script)
expected = [q["sql"] for q in translation["queries"]]
if len(statements) != len(expected):
    sys.exit(f"the script parses into {len(statements)} statements, not {len(expected)}")
for s, want in zip(statements, expected):
    # DuckDB keeps the `;` and the comments that follow a statement with it.
    if want.strip() not in s.query:
        sys.exit(f"a statement differs from the translation:\n{s.query}\n---\n{want}")
    rest = s.query.replace(want.strip(), "", 1)
    for line in rest.splitlines():
        t = line.strip().lstrip(";").strip()
        if t and not t.startswith("--"):
            sys.exit(f"a statement carries more than its query: {line!r}")
for s in statements:
    if s.type != duckdb.StatementType.SELECT:
        sys.exit(f"a query is not a SELECT: {s.type}")
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
os.chdir(project)
rows = {}
for s in statements:
    # The series table: indicator, breakdown, breakdown_value, period,
    # numerator, denominator, value, missing_reason.
    for r in con.execute(s.query).fetchall():
        rows[(r[0], r[3], r[1], r[2])] = (r[6], r[4], r[5])
os.chdir("/")
n = check(rows, scorecard, translation)
print(f"{len(statements)} statements, {n} figures agree")
