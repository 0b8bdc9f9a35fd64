//! A Rhai expression over the columns of a source's rows (a filter),
//! compiled once, evaluated a batch at a time: through the vectorised plan
//! where it covers the expression, per row otherwise.

use super::column_type::{dynamic_at, ColumnType};
use super::plan::Plan;
use super::site::{parse_error_with, unknown_calls, unknown_function, variables, ExprSite};
use crate::calendar::Calendar;
use crate::diagnostic::Diagnostic;
use arrow_array::{Array, BooleanArray, RecordBatch};
use rhai::{Dynamic, Engine, Scope, AST};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The names a measure's filter reads the measured period by: the first
/// and last day of the span its figure covers (a month, or the whole
/// window of a windowed measure). The scan gives them to the filter as
/// two date columns, one value per row and period.
pub const PERIOD_START: &str = "period_start";
pub const PERIOD_END: &str = "period_end";

/// Where each `;` outside strings, comments and brackets is: the ends of
/// the `let` lines before a filter's expression.
fn top_level_semicolons(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let (mut depth, mut at) = (0i32, 0);
    for (code, piece) in super::history::pieces(text) {
        if code {
            for (i, c) in piece.char_indices() {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    ';' if depth == 0 => found.push(at + i),
                    _ => {}
                }
            }
        }
        at += piece.len();
    }
    found
}

/// The names a filter gives values with `let name = ...;` before its one
/// expression (after the last `;`, compiled as an expression alone, so it
/// may hold what any filter may). Anything else a script may hold (other
/// statements, functions, a block in a named value) is refused, as is a
/// name that is already a column.
fn named_values(
    engine: &Engine,
    ast: &AST,
    text: &str,
    semicolons: &[usize],
    site: &ExprSite,
    columns: &BTreeSet<String>,
) -> Result<BTreeSet<String>, Vec<Diagnostic>> {
    let mut named = BTreeSet::new();
    let Some(&last_semicolon) = semicolons.last() else {
        return Ok(named);
    };
    let shape = || {
        vec![site
            .diagnostic(
                rhai::Position::NONE,
                "a filter is one expression, after any `let name = ...;` lines naming values it uses",
            )
            .help("e.g. `let age = age_at(pers_dob, period_end); age >= 16 && age <= 17`")]
    };
    let statements = ast.statements();
    if statements.len() != semicolons.len() + 1 || ast.iter_functions().next().is_some() {
        return Err(shape());
    }
    let mut scope = Scope::new();
    for name in columns {
        scope.push_dynamic(name.as_str(), Dynamic::UNIT);
    }
    for stmt in &statements[..semicolons.len()] {
        let rhai::Stmt::Var(var, _, pos) = stmt else {
            return Err(shape());
        };
        let name = var.0.name.to_string();
        if columns.contains(&name) {
            return Err(vec![site
                .diagnostic(*pos, format!("`{name}` is already a column of the source"))
                .help("give the value a name of its own")]);
        }
        scope.push_dynamic(name.clone(), Dynamic::UNIT);
        named.insert(name);
    }
    // Each named value and the expression, as expressions alone.
    let mut from = 0;
    for &end in semicolons {
        let line = text[from..end].trim_start();
        let value = line
            .strip_prefix("let")
            .and_then(|rest| rest.split_once('='))
            .map(|(_, value)| value);
        match value {
            Some(v) if engine.compile_expression_with_scope(&scope, v).is_ok() => {}
            _ => return Err(shape()),
        }
        from = end + 1;
    }
    let expression = &text[last_semicolon + 1..];
    if expression.trim().is_empty()
        || engine
            .compile_expression_with_scope(&scope, expression)
            .is_err()
    {
        return Err(shape());
    }
    Ok(named)
}

/// A compiled row filter.
#[derive(Debug, Clone)]
pub struct RowExpr {
    pub text: String,
    pub site: ExprSite,
    ast: AST,
    /// The source's columns the expression reads, in name order.
    pub columns: Vec<String>,
    /// Whether it reads `period_start` or `period_end`, so must be
    /// evaluated once per row and period rather than once per row.
    pub reads_period: bool,
    plan: Option<Plan>,
}

/// A filter failed on a row: the message says which row and why.
#[derive(Debug, Clone)]
pub struct RowError {
    pub row: usize,
    pub message: String,
}

pub fn is_period(name: &str) -> bool {
    name == PERIOD_START || name == PERIOD_END
}

impl RowExpr {
    /// Compiles `text` against the columns of its source. Unknown names and
    /// functions, and columns of a type expressions cannot use, are reported.
    pub fn compile(
        engine: &Engine,
        calendar: &Arc<Calendar>,
        text: &str,
        site: ExprSite,
        columns: &BTreeMap<String, Option<ColumnType>>,
        known_functions: &BTreeSet<String>,
    ) -> Result<RowExpr, Vec<Diagnostic>> {
        let mut scope = Scope::new();
        for name in columns.keys() {
            scope.push_dynamic(name.as_str(), Dynamic::UNIT);
        }
        let names: BTreeSet<String> = columns.keys().cloned().collect();
        let lets = top_level_semicolons(text);
        let compiled = if lets.is_empty() {
            engine.compile_expression_with_scope(&scope, text)
        } else {
            engine.compile_with_scope(&scope, text)
        };
        let ast = compiled.map_err(|e| {
            let period: &[(&str, &str)] = if names.contains(PERIOD_END) {
                &[
                    (PERIOD_START, "the measured period's first day"),
                    (PERIOD_END, "its last day"),
                ]
            } else {
                &[]
            };
            vec![parse_error_with(
                &site,
                &e,
                &names,
                "the source's columns are",
                period,
            )]
        })?;
        let named = named_values(engine, &ast, text, &lets, &site, &names)?;
        let mut problems: Vec<Diagnostic> = unknown_calls(&ast, known_functions)
            .into_iter()
            .map(|(name, pos)| unknown_function(&site, &name, pos, known_functions))
            .collect();
        let mut used = variables(&ast);
        used.retain(|v| !named.contains(v));
        let mut typed = HashMap::new();
        for name in &used {
            match columns.get(name) {
                Some(Some(t)) => {
                    typed.insert(name.clone(), *t);
                }
                _ => problems.push(
                    site.diagnostic(
                        rhai::Position::NONE,
                        format!("column `{name}` has a type expressions cannot use"),
                    )
                    .help("use a column of integers, numbers, text, true/false or dates"),
                ),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let plan = Plan::build(&ast, &typed, calendar);
        let reads_period = used.iter().any(|c| is_period(c));
        Ok(RowExpr {
            text: text.to_string(),
            site,
            ast,
            columns: used.into_iter().filter(|c| !is_period(c)).collect(),
            reads_period,
            plan,
        })
    }

    /// True when the whole expression runs on Arrow kernels.
    pub fn is_vectorised(&self) -> bool {
        self.plan.is_some()
    }

    /// Which rows pass, over a batch of normalised columns.
    pub fn evaluate(&self, engine: &Engine, batch: &RecordBatch) -> Result<BooleanArray, RowError> {
        if let Some(plan) = &self.plan {
            if let Ok(mask) = plan.evaluate(batch) {
                return Ok(mask);
            }
        }
        self.evaluate_per_row(engine, batch)
    }

    /// The filter as a SQL condition giving the same rows (see
    /// `Plan::to_sql`); `None` when it has no plan or no faithful SQL.
    pub fn to_sql(&self, writer: &crate::expr::plan::SqlWriter) -> Option<String> {
        self.plan.as_ref()?.to_sql(writer)
    }

    /// The vectorised plan's answer alone: `None` when the expression has no
    /// plan, `Some(Err(Fallback))` when the plan declined this batch.
    pub fn evaluate_vectorised(
        &self,
        batch: &RecordBatch,
    ) -> Option<Result<BooleanArray, super::value::Fallback>> {
        self.plan.as_ref().map(|p| p.evaluate(batch))
    }

    /// The exact reference: the Rhai expression run once per row.
    pub fn evaluate_per_row(
        &self,
        engine: &Engine,
        batch: &RecordBatch,
    ) -> Result<BooleanArray, RowError> {
        let period: &[&str] = if self.reads_period {
            &[PERIOD_START, PERIOD_END]
        } else {
            &[]
        };
        let arrays: Vec<(&str, &dyn Array)> = self
            .columns
            .iter()
            .map(String::as_str)
            .chain(period.iter().copied())
            .filter_map(|c| batch.column_by_name(c).map(|a| (c, a.as_ref())))
            .collect();
        let mut scope = Scope::new();
        for (name, _) in &arrays {
            scope.push_dynamic(*name, Dynamic::UNIT);
        }
        let columns_only = scope.len();
        let mut out = Vec::with_capacity(batch.num_rows());
        for row in 0..batch.num_rows() {
            // The values a row's `let` lines named go with the row.
            scope.rewind(columns_only);
            for (name, array) in &arrays {
                scope.set_value(*name, dynamic_at(*array, row));
            }
            let value = engine
                .eval_ast_with_scope::<Dynamic>(&mut scope, &self.ast)
                .map_err(|e| RowError {
                    row,
                    message: super::site::runtime_message(&e),
                })?;
            match value.as_bool() {
                Ok(b) => out.push(b),
                Err(type_name) => {
                    return Err(RowError {
                        row,
                        message: format!("the filter gave {type_name}, not true or false"),
                    })
                }
            }
        }
        Ok(BooleanArray::from(out))
    }
}
