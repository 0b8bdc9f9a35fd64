#!/usr/bin/env bash
# Starts a private PostgreSQL cluster (Debian's postgresql package) on a
# loopback port, loads every table of a data folder into it, and prints
# the ODBC connection string for Debian's odbc-postgresql driver.
#   bash bench/postgres.sh [DATA_DIR]      (default: data)
# into the database RUBRIC_PG_DATABASE (default: rubric).
# The cluster lives in /tmp/rubric-postgres (RUBRIC_PG_DIR), where the
# `postgres` user can reach it: it owns the cluster when this runs as root
# (PostgreSQL refuses to run as root). It is left running; `bash
# bench/postgres.sh --stop` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${RUBRIC_PG_DIR:-/tmp/rubric-postgres}
port=${RUBRIC_PG_PORT:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "${1:-}" = "--stop" ]; then
  as_owner "$bin/pg_ctl" -D "$base/cluster" stop -m fast > /dev/null 2>&1 || true
  exit 0
fi
data=${1:-data}
db=${RUBRIC_PG_DATABASE:-rubric}
export DEBIAN_FRONTEND=noninteractive
if [ ! -e /usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so ] || [ ! -x "$bin/initdb" ]; then
  apt-get install -y -q postgresql odbc-postgresql unixodbc > /dev/null 2>&1 \
    || { apt-get update -q > /dev/null && apt-get install -y -q postgresql odbc-postgresql unixodbc > /dev/null; }
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
mkdir -p "$base"
if [ "$(id -u)" = 0 ]; then chown postgres "$base"; fi
# Connections over TCP need the password (so tests can check a wrong
# one is reported without it); the local socket is trusted.
password=rubric-ci-password
if [ ! -f "$base/cluster/PG_VERSION" ]; then
  echo "$password" > "$base/pwfile"
  if [ "$(id -u)" = 0 ]; then chown postgres "$base/pwfile"; fi
  as_owner "$bin/initdb" -D "$base/cluster" -U rubric --pwfile="$base/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 > /dev/null
fi
if ! as_owner "$bin/pg_ctl" -D "$base/cluster" status > /dev/null 2>&1; then
  as_owner "$bin/pg_ctl" -D "$base/cluster" -l "$base/log" -w \
    -o "-p $port -k $base -c listen_addresses=127.0.0.1 -c fsync=off" start > /dev/null
fi
psql=(psql -X -q -h "$base" -p "$port" -U rubric -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
  || "${psql[@]}" -d postgres -c "CREATE DATABASE \"$db\"" > /dev/null
# Each Parquet table as CSV (DuckDB) into a table of the same columns.
python=$(bash bench/duckdb-venv.sh)
"$python" - "$data" "$base/load-$db" <<'EOF' | "${psql[@]}" -d "$db" > /dev/null
import duckdb, os, sys
data, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
types = {"BIGINT": "bigint", "INTEGER": "bigint", "DATE": "date", "VARCHAR": "text",
         "DOUBLE": "double precision", "BOOLEAN": "boolean"}
print("SET client_min_messages = warning;")
for f in sorted(os.listdir(data)):
    if not f.endswith(".parquet"):
        continue
    name = f[:-len(".parquet")]
    path = os.path.join(data, f)
    columns = duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    ddl = ", ".join(f'"{c[0]}" {types[c[1]]}' for c in columns)
    csv = os.path.join(out, name + ".csv")
    duckdb.sql(f"COPY (SELECT * FROM '{path}') TO '{csv}' (HEADER, NULLSTR '\\N')")
    print(f'DROP TABLE IF EXISTS "{name}"; CREATE TABLE "{name}" ({ddl});')
    print(f"\\copy \"{name}\" FROM '{csv}' WITH (FORMAT csv, HEADER true, NULL '\\N')")
    print(f'ANALYZE "{name}";')
EOF
echo "Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so;Server=127.0.0.1;Port=$port;Database=$db;UID=rubric;PWD=$password;BoolsAsChar=0;UseDeclareFetch=1;Fetch=65536"
