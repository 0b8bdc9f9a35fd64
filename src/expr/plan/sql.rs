//! A plan written as SQL (DuckDB's dialect) that gives Rhai's answers: a
//! missing value compares as Rhai compares `()` (equal only to another
//! missing value, never ordered), values of different kinds are never
//! equal, floats compare with Rhai's relative tolerance, and the result is
//! never NULL. Used to check Rubric's figures against another engine.

use super::{ArithOp, CmpOp, Lit, Node, Part, Plan, Ty, Whole};
use crate::calendar::period::date_from_days;

/// The statements the SQL of any plan relies on, run once before it:
/// Rhai's float tolerance, and the working days of `holidays` (days since
/// 1970-01-01) as a running count per day from 1900 to 2199.
pub fn sql_setup(holidays: &[i32]) -> Vec<String> {
    let days: Vec<String> = holidays.iter().map(|d| date_literal(*d)).collect();
    let holidays = if days.is_empty() {
        "SELECT NULL::DATE AS day WHERE false".to_string()
    } else {
        format!("SELECT unnest([{}]) AS day", days.join(", "))
    };
    vec![
        format!(
            "CREATE OR REPLACE TEMP MACRO rubric_float_scale(x, y) AS \
             CASE WHEN x * y = 0 THEN 1.0 ELSE greatest(abs(x), abs(y)) END"
        ),
        format!(
            "CREATE OR REPLACE TEMP TABLE rubric_working_days AS \
             SELECT d::DATE AS day, sum(CASE WHEN isodow(d) <= 5 AND d::DATE NOT IN ({holidays}) \
             THEN 1 ELSE 0 END) OVER (ORDER BY d) AS running \
             FROM range(DATE '1900-01-01', DATE '2200-01-01', INTERVAL 1 DAY) AS t(d)"
        ),
        "CREATE OR REPLACE TEMP MACRO rubric_working_days_to(d) AS \
         (SELECT running FROM rubric_working_days WHERE day = d)"
            .to_string(),
        // Whole months as `calendar::elapsed` counts them.
        "CREATE OR REPLACE TEMP MACRO rubric_months_forward(a, b) AS \
         CAST((year(b) - year(a)) * 12 + month(b) - month(a) - CASE WHEN day(b) < day(a) THEN 1 ELSE 0 END AS BIGINT)"
            .to_string(),
        "CREATE OR REPLACE TEMP MACRO rubric_whole_months(a, b) AS \
         CASE WHEN b >= a THEN rubric_months_forward(a, b) ELSE -rubric_months_forward(b, a) END"
            .to_string(),
    ]
}

/// Rhai's relative tolerance for float comparisons (`f64::EPSILON`).
const EPSILON: &str = "2.220446049250313e-16";

impl Plan {
    /// The expression as a SQL condition that is true exactly where the
    /// plan keeps a row. `column` writes a column reference. `None` when a
    /// part has no faithful SQL (moving a date by working days).
    pub fn to_sql(&self, column: &dyn Fn(&str) -> String) -> Option<String> {
        condition(&self.root, column)
    }
}

/// A boolean node as SQL that is never NULL.
fn condition(node: &Node, column: &dyn Fn(&str) -> String) -> Option<String> {
    Some(match node {
        Node::Cmp(op, a, b) => compare(*op, a, b, column)?,
        Node::Not(a) => format!("(NOT {})", condition(a, column)?),
        Node::And(items) | Node::Or(items) => {
            let is_and = matches!(node, Node::And(_));
            if items.is_empty() {
                return Some(if is_and { "TRUE" } else { "FALSE" }.to_string());
            }
            let parts = items
                .iter()
                .map(|i| condition(i, column))
                .collect::<Option<Vec<_>>>()?;
            format!("({})", parts.join(if is_and { " AND " } else { " OR " }))
        }
        Node::In(needle, items) => {
            let parts = items
                .iter()
                .map(|item| compare(CmpOp::Eq, needle, &Node::Lit(item.clone()), column))
                .collect::<Option<Vec<_>>>()?;
            if parts.is_empty() {
                "FALSE".to_string()
            } else {
                format!("({})", parts.join(" OR "))
            }
        }
        other => format!("coalesce({}, false)", value(other, column)?),
    })
}

/// Comparison with Rhai's rules (see `super::compare`).
fn compare(op: CmpOp, a: &Node, b: &Node, column: &dyn Fn(&str) -> String) -> Option<String> {
    let (at, bt) = (a.ty(), b.ty());
    let (x, y) = (value(a, column)?, value(b, column)?);
    let both_missing = format!("({x} IS NULL AND {y} IS NULL)");
    if at == Ty::Unit || bt == Ty::Unit || !(at == bt || (at.numeric() && bt.numeric())) {
        return Some(match op {
            CmpOp::Eq => both_missing,
            CmpOp::Ne => format!("(NOT {both_missing})"),
            _ => "FALSE".to_string(),
        });
    }
    if at == Ty::Float || bt == Ty::Float {
        let scale = format!("rubric_float_scale({x}, {y})");
        let close = format!("coalesce(abs({x} - {y}) / {scale} <= {EPSILON}, false)");
        return Some(match op {
            CmpOp::Eq => format!("({both_missing} OR {close})"),
            CmpOp::Ne => format!("(NOT ({both_missing} OR {close}))"),
            CmpOp::Gt => format!("coalesce(({x} - {y}) / {scale} > {EPSILON}, false)"),
            CmpOp::Ge => format!("coalesce(({x} - {y}) / {scale} > -{EPSILON}, false)"),
            CmpOp::Lt => format!("coalesce(({y} - {x}) / {scale} > {EPSILON}, false)"),
            CmpOp::Le => format!("coalesce(({y} - {x}) / {scale} > -{EPSILON}, false)"),
        });
    }
    Some(match op {
        CmpOp::Eq => format!("({x} IS NOT DISTINCT FROM {y})"),
        CmpOp::Ne => format!("({x} IS DISTINCT FROM {y})"),
        CmpOp::Lt => format!("coalesce({x} < {y}, false)"),
        CmpOp::Le => format!("coalesce({x} <= {y}, false)"),
        CmpOp::Gt => format!("coalesce({x} > {y}, false)"),
        CmpOp::Ge => format!("coalesce({x} >= {y}, false)"),
    })
}

/// Any node as a SQL value (NULL for a missing value).
fn value(node: &Node, column: &dyn Fn(&str) -> String) -> Option<String> {
    let unit = |n: &Node| n.ty() == Ty::Unit;
    Some(match node {
        Node::Column(name, _) => column(name),
        Node::Lit(l) => literal(l),
        Node::Cmp(..) | Node::Not(_) | Node::And(_) | Node::Or(_) | Node::In(..) => {
            condition(node, column)?
        }
        Node::Arith(_, _, _, Ty::Unit) => "NULL".to_string(),
        Node::Arith(op, a, b, ty) => {
            let (x, y) = (value(a, column)?, value(b, column)?);
            match (op, ty) {
                (ArithOp::Add, _) => format!("({x} + {y})"),
                (ArithOp::Sub, _) => format!("({x} - {y})"),
                (ArithOp::Mul, _) => format!("({x} * {y})"),
                // Rhai divides integers towards zero, as DuckDB's `//` does.
                (ArithOp::Div, Ty::Int) => format!("({x} // {y})"),
                (ArithOp::Div, _) => format!("(CAST({x} AS DOUBLE) / {y})"),
            }
        }
        Node::DaysBetween(a, b) if unit(a) || unit(b) => "NULL".to_string(),
        Node::DaysBetween(a, b) => format!("({} - {})", value(b, column)?, value(a, column)?),
        Node::WholeBetween(_, a, b) if unit(a) || unit(b) => "NULL".to_string(),
        Node::WholeBetween(whole, a, b) => {
            let months = format!(
                "rubric_whole_months({}, {})",
                value(a, column)?,
                value(b, column)?
            );
            match whole {
                Whole::Months => months,
                // Towards zero, as `whole_years` divides.
                Whole::Years => format!("({months} // 12)"),
            }
        }
        Node::DatePart(_, a) if unit(a) => "NULL".to_string(),
        Node::DatePart(part, a) => {
            let f = match part {
                Part::Year => "year",
                Part::Month => "month",
            };
            format!("CAST({f}({}) AS BIGINT)", value(a, column)?)
        }
        Node::WorkingDaysBetween(a, b, _) if unit(a) || unit(b) => "NULL".to_string(),
        Node::WorkingDaysBetween(a, b, _) => format!(
            "(rubric_working_days_to({}) - rubric_working_days_to({}))",
            value(b, column)?,
            value(a, column)?
        ),
        Node::AddWorkingDays(..) => return None,
    })
}

fn literal(l: &Lit) -> String {
    match l {
        Lit::Unit => "NULL".to_string(),
        Lit::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Lit::Int(i) => format!("CAST({i} AS BIGINT)"),
        Lit::Float(f) if f.is_finite() => format!("CAST({f:?} AS DOUBLE)"),
        Lit::Float(f) => format!("CAST('{f}' AS DOUBLE)"),
        Lit::Str(s) => string_literal(s),
        Lit::Date(d) => date_literal(*d),
    }
}

/// A SQL string constant.
pub fn string_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn date_literal(days: i32) -> String {
    format!("DATE '{}'", date_from_days(days).format("%Y-%m-%d"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::expr::column_type::ColumnType;
    use crate::expr::engine::{sandboxed_engine, Limits};
    use rhai::{Dynamic, Scope};
    use std::collections::HashMap;
    use std::sync::Arc;

    fn sql(text: &str) -> Option<String> {
        let cal = Arc::new(Calendar::new("none", []));
        let engine = sandboxed_engine(Limits::default(), Arc::clone(&cal));
        let columns: HashMap<String, ColumnType> = [
            ("n", ColumnType::Int),
            ("x", ColumnType::Float),
            ("s", ColumnType::Str),
            ("flag", ColumnType::Bool),
            ("a", ColumnType::Date),
            ("b", ColumnType::Date),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect();
        let mut scope = Scope::new();
        for name in columns.keys() {
            scope.push_dynamic(name.as_str(), Dynamic::UNIT);
        }
        let ast = engine
            .compile_expression_with_scope(&scope, text)
            .expect("compiles");
        Plan::build(&ast, &columns, &cal)
            .expect("has a plan")
            .to_sql(&|c| format!("\"{}\"", c.replace('"', "\"\"")))
    }

    #[test]
    fn a_missing_value_equals_only_a_missing_value_and_is_never_ordered() {
        assert_eq!(sql("s == ()").unwrap(), "(\"s\" IS NULL AND NULL IS NULL)");
        assert_eq!(
            sql("n != 3").unwrap(),
            "(\"n\" IS DISTINCT FROM CAST(3 AS BIGINT))"
        );
        assert_eq!(
            sql("n < 3").unwrap(),
            "coalesce(\"n\" < CAST(3 AS BIGINT), false)"
        );
        assert_eq!(sql("n < ()").unwrap(), "FALSE");
    }

    #[test]
    fn values_of_different_kinds_are_never_equal() {
        assert_eq!(
            sql("s == 3").unwrap(),
            "(\"s\" IS NULL AND CAST(3 AS BIGINT) IS NULL)"
        );
        assert_eq!(sql("s > 3").unwrap(), "FALSE");
    }

    #[test]
    fn floats_compare_with_rhai_tolerance() {
        assert_eq!(
            sql("x < 2.5").unwrap(),
            "coalesce((CAST(2.5 AS DOUBLE) - \"x\") / rubric_float_scale(\"x\", CAST(2.5 AS DOUBLE)) > 2.220446049250313e-16, false)"
        );
    }

    #[test]
    fn lists_booleans_and_dates() {
        assert_eq!(
            sql("s in [\"a\", \"it's\"]").unwrap(),
            "((\"s\" IS NOT DISTINCT FROM 'a') OR (\"s\" IS NOT DISTINCT FROM 'it''s'))"
        );
        assert_eq!(sql("!flag").unwrap(), "(NOT coalesce(\"flag\", false))");
        assert_eq!(
            sql("flag && days_between(a, b) <= 10").unwrap(),
            "(coalesce(\"flag\", false) AND coalesce((\"b\" - \"a\") <= CAST(10 AS BIGINT), false))"
        );
        assert_eq!(
            sql("working_days_between(a, b) > 2 || year(a) == 2023").unwrap(),
            "(coalesce((rubric_working_days_to(\"b\") - rubric_working_days_to(\"a\")) > CAST(2 AS BIGINT), false) OR (CAST(year(\"a\") AS BIGINT) IS NOT DISTINCT FROM CAST(2023 AS BIGINT)))"
        );
        assert_eq!(
            sql("a >= date(\"2023-04-01\")").unwrap(),
            "coalesce(\"a\" >= DATE '2023-04-01', false)"
        );
    }

    #[test]
    fn integers_divide_towards_zero_and_mixed_arithmetic_is_float() {
        assert_eq!(
            sql("n / 2 == 1").unwrap(),
            "((\"n\" // CAST(2 AS BIGINT)) IS NOT DISTINCT FROM CAST(1 AS BIGINT))"
        );
        assert!(sql("n / 2.0 > 1.0")
            .unwrap()
            .contains("(CAST(\"n\" AS DOUBLE) / CAST(2.0 AS DOUBLE))"));
    }

    #[test]
    fn moving_a_date_by_working_days_has_no_sql() {
        assert_eq!(sql("add_working_days(a, 3) > b"), None);
    }
}
