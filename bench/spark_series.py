"""Measures computed by Apache Spark: runs the SQL `rubric sql --dialect
spark --format json` writes in a local Spark session (two threads, as two
executors' cores), and writes the series table (the README's series
contract) as one Parquet file for `rubric run --series`.

    python bench/spark_series.py PROJECT SQL.json SERIES.parquet

The queries read the project's Parquet files by paths relative to the
project folder, so Spark runs there. On a cluster, the same SQL runs
through spark-sql or a Databricks SQL warehouse (see the README)."""
import glob, json, os, shutil, sys, tempfile, time

from pyspark.sql import SparkSession


def main():
    project, sql_json, out = sys.argv[1:4]
    with open(sql_json) as f:
        translation = json.load(f)
    out = os.path.abspath(out)
    os.chdir(project)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("rubric-series")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter()
    # One statement for every indicator: Spark plans and schedules it once
    # (a job per query costs about a second each on two cores).
    queries = translation["queries"]
    series = spark.sql(" UNION ALL ".join(
        f"SELECT * FROM ({q['sql']}) AS rubric_q{i}" for i, q in enumerate(queries)))
    staging = tempfile.mkdtemp(prefix="rubric-spark-")
    try:
        series.coalesce(1).write.mode("overwrite").parquet(os.path.join(staging, "series"))
        (part,) = glob.glob(os.path.join(staging, "series", "part-*.parquet"))
        shutil.move(part, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    rows = spark.read.parquet(out).count()
    took = time.perf_counter() - start
    spark.stop()
    print(f"Spark wrote {rows} series rows of {len(queries)} indicators to {out} in {took:.1f} s")


main()
