"""Checks the script `rubric sql --dialect D` writes parses, in that
engine's grammar (sqlglot's), into exactly the translation's queries and
nothing else: one SELECT per indicator, whatever a title, a filter or a
name in it holds.

    python bench/sql_parse_check.py DIALECT SCRIPT.sql SQL.json

DIALECT is Rubric's name (duckdb, postgres, tsql, spark)."""
import json, sys

import sqlglot
from sqlglot import exp

dialect, script_file, sql_json = sys.argv[1:4]
grammar = {"duckdb": "duckdb", "postgres": "postgres", "tsql": "tsql", "spark": "spark"}[dialect]
script = open(script_file).read()
translation = json.load(open(sql_json))
# A comment after the last statement parses as an empty one.
statements = [s for s in sqlglot.parse(script, read=grammar) if s is not None and not isinstance(s, exp.Semicolon)]
queries = translation["queries"]
if len(statements) != len(queries):
    sys.exit(f"{dialect}: the script parses into {len(statements)} statements, not {len(queries)}")
for s, q in zip(statements, queries):
    if not isinstance(s, (exp.Select, exp.Union)):
        sys.exit(f"{dialect}: a statement is not a query: {type(s).__name__}")
    alone = sqlglot.parse(q["sql"], read=grammar)
    if len(alone) != 1 or alone[0] != s:
        sys.exit(f"{dialect}: {q['indicator']}'s statement differs from its query")
    for node in s.walk():
        if isinstance(node, (exp.Command, exp.Drop, exp.Copy, exp.Insert, exp.Create)):
            sys.exit(f"{dialect}: {q['indicator']}'s query holds a {type(node).__name__}")
print(f"{dialect}: {len(statements)} statements, each its query")
