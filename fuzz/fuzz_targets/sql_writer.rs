//! Any title, filter literal, column and team names: the script `rubric
//! sql` writes has exactly one `;` per statement of its translation (the
//! setup, then one query per indicator) once DuckDB's tokenizer has read
//! its strings, identifiers and comments, so nothing in a name can end a
//! statement or start another.
#![no_main]
use arrow_array::{ArrayRef, Date32Array, RecordBatch, StringArray};
use libfuzzer_sys::fuzz_target;
use parquet::arrow::ArrowWriter;
use rubric::calendar::period::Month;
use rubric::model::compile_project;
use sqlparser::dialect::DuckDbDialect;
use sqlparser::tokenizer::{Token, Tokenizer};
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{1}');
    let title = parts.next().unwrap_or_default().to_string();
    let date_column = parts.next().unwrap_or("d").to_string();
    let team_column = parts.next().unwrap_or("t").to_string();
    let literal = parts.next().unwrap_or_default().to_string();
    let teams: Vec<String> = parts.map(String::from).collect();
    if date_column.is_empty() || team_column.is_empty() || date_column == team_column {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for sub in ["indicators", "rules", "data"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("folder");
    }
    let rows = teams.len().max(1);
    let batch = RecordBatch::try_from_iter([
        (
            date_column.as_str(),
            Arc::new(Date32Array::from(vec![19_417; rows])) as ArrayRef,
        ),
        (
            team_column.as_str(),
            Arc::new(StringArray::from(
                (0..rows).map(|i| teams.get(i).cloned()).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
    ])
    .expect("batch");
    let file = std::fs::File::create(dir.path().join("data/referrals.parquet")).expect("file");
    let mut writer = ArrowWriter::try_new(file, batch.schema(), None).expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
    let q = |s: &str| serde_json::to_string(s).expect("json");
    let rhai_literal = format!("`{}`", literal.replace('`', ""));
    std::fs::write(
        dir.path().join("indicators/a.yaml"),
        format!(
            "indicators:\n  - id: A1\n    title: {}\n    section: S\n    owner: Analyst\n    outcome: O.\n    unit: count\n    polarity: neutral\n    decimals: 0\n    measure:\n      kind: flow\n      source: referrals\n      date: {}\n      filter: {}\n    breakdown: {}\n",
            q(&title),
            q(&date_column),
            q(&format!("{} != {rhai_literal}", "true.to_string()")),
            q(&team_column),
        ),
    )
    .expect("indicator");
    let Ok(project) = compile_project(dir.path(), &rubric::output::formats()) else {
        return;
    };
    let month = Month::parse("2023-03").expect("month");
    use rubric::dialect::Dialect;
    use sqlparser::dialect::{Dialect as Grammar, HiveDialect, MsSqlDialect, PostgreSqlDialect};
    let grammars: [(Dialect, &dyn Grammar); 4] = [
        (Dialect::Duckdb, &DuckDbDialect {}),
        (Dialect::Postgres, &PostgreSqlDialect {}),
        (Dialect::Tsql, &MsSqlDialect {}),
        (Dialect::Spark, &HiveDialect {}),
    ];
    for (dialect, grammar) in grammars {
        let translation = rubric::sql::translate(&project, month, &[0], dialect);
        let script = translation.script(&project);
        let tokens = Tokenizer::new(grammar, &script)
            .tokenize()
            .expect("the script tokenizes");
        let statements = tokens.iter().filter(|t| matches!(t, Token::SemiColon)).count();
        assert_eq!(statements, translation.queries.len(), "{script}");
    }
});
