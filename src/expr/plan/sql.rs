//! A plan written as SQL (in any of `rubric sql`'s dialects) that gives
//! Rhai's answers: a missing value compares as Rhai compares `()` (equal
//! only to another missing value, never ordered), values of different
//! kinds are never equal, floats compare with Rhai's relative tolerance,
//! and the result is never NULL. Every helper is written inline, so a
//! query needs nothing created before it (a database user who may only
//! read can run it).

use super::{ArithOp, CmpOp, Lit, Node, Plan, Ty};
use crate::dialect::Dialect;
use crate::expr::function::SqlContext;

/// Rhai's relative tolerance for float comparisons (`f64::EPSILON`).
const EPSILON: &str = "2.220446049250313e-16";

/// How one query writes a plan: the dialect, a column reference, and the
/// holidays (days since 1970-01-01) that are not working days.
pub struct SqlWriter<'a> {
    pub dialect: Dialect,
    pub column: &'a dyn Fn(&str) -> String,
    pub holidays: &'a [i32],
}

impl Plan {
    /// The expression as a SQL condition that is true exactly where the
    /// plan keeps a row. `None` when a part has no faithful SQL (moving a
    /// date by working days).
    pub(crate) fn to_sql(&self, w: &SqlWriter) -> Option<String> {
        w.condition(&self.root)
    }
}

impl SqlWriter<'_> {
    /// A boolean node as SQL that is never NULL.
    fn condition(&self, node: &Node) -> Option<String> {
        let d = self.dialect;
        Some(match node {
            Node::Cmp(op, a, b) => self.compare(*op, a, b)?,
            Node::Not(a) => format!("(NOT {})", self.condition(a)?),
            Node::And(items) | Node::Or(items) => {
                let is_and = matches!(node, Node::And(_));
                if items.is_empty() {
                    return Some(d.truth(is_and));
                }
                let parts = items
                    .iter()
                    .map(|i| self.condition(i))
                    .collect::<Option<Vec<_>>>()?;
                format!("({})", parts.join(if is_and { " AND " } else { " OR " }))
            }
            Node::In(needle, items) => {
                let parts = items
                    .iter()
                    .map(|item| self.compare(CmpOp::Eq, needle, &Node::Lit(item.clone())))
                    .collect::<Option<Vec<_>>>()?;
                if parts.is_empty() {
                    d.truth(false)
                } else {
                    format!("({})", parts.join(" OR "))
                }
            }
            other => d.is_true(&self.value(other)?),
        })
    }

    /// Comparison with Rhai's rules (see `super::compare`).
    fn compare(&self, op: CmpOp, a: &Node, b: &Node) -> Option<String> {
        let d = self.dialect;
        let (at, bt) = (a.ty(), b.ty());
        let (x, y) = (self.value(a)?, self.value(b)?);
        let both_missing = format!("({x} IS NULL AND {y} IS NULL)");
        if at == Ty::Unit || bt == Ty::Unit || !(at == bt || (at.numeric() && bt.numeric())) {
            return Some(match op {
                CmpOp::Eq => both_missing,
                CmpOp::Ne => format!("(NOT {both_missing})"),
                _ => d.truth(false),
            });
        }
        if at == Ty::Float || bt == Ty::Float {
            // The larger magnitude of the two (1 when either is 0).
            let scale = format!(
                "(CASE WHEN {x} * {y} = 0 THEN 1.0 WHEN abs({x}) >= abs({y}) THEN abs({x}) ELSE abs({y}) END)"
            );
            let close = d.known(&format!("abs({x} - {y}) / {scale} <= {EPSILON}"));
            return Some(match op {
                CmpOp::Eq => format!("({both_missing} OR {close})"),
                CmpOp::Ne => format!("(NOT ({both_missing} OR {close}))"),
                CmpOp::Gt => d.known(&format!("({x} - {y}) / {scale} > {EPSILON}")),
                CmpOp::Ge => d.known(&format!("({x} - {y}) / {scale} > -{EPSILON}")),
                CmpOp::Lt => d.known(&format!("({y} - {x}) / {scale} > {EPSILON}")),
                CmpOp::Le => d.known(&format!("({y} - {x}) / {scale} > -{EPSILON}")),
            });
        }
        Some(match op {
            CmpOp::Eq => d.same(&x, &y),
            CmpOp::Ne => format!("(NOT {})", d.same(&x, &y)),
            CmpOp::Lt => d.known(&format!("{x} < {y}")),
            CmpOp::Le => d.known(&format!("{x} <= {y}")),
            CmpOp::Gt => d.known(&format!("{x} > {y}")),
            CmpOp::Ge => d.known(&format!("{x} >= {y}")),
        })
    }

    /// Any node as a SQL value (NULL for a missing value).
    fn value(&self, node: &Node) -> Option<String> {
        let d = self.dialect;
        Some(match node {
            Node::Column(name, _) => (self.column)(name),
            Node::Lit(l) => literal(d, l),
            Node::Cmp(..) | Node::Not(_) | Node::And(_) | Node::Or(_) | Node::In(..) => {
                d.value_of(&self.condition(node)?)
            }
            Node::Arith(_, _, _, Ty::Unit) => "NULL".to_string(),
            Node::Arith(op, a, b, ty) => {
                let (x, y) = (self.value(a)?, self.value(b)?);
                match (op, ty) {
                    (ArithOp::Add, _) => format!("({x} + {y})"),
                    (ArithOp::Sub, _) => format!("({x} - {y})"),
                    (ArithOp::Mul, _) => format!("({x} * {y})"),
                    (ArithOp::Div, Ty::Int) => d.int_div(&x, &y),
                    (ArithOp::Div, _) => format!("(CAST({x} AS {}) / {y})", d.double()),
                }
            }
            Node::Call(call) if call.ty == Ty::Unit => "NULL".to_string(),
            Node::Call(call) => {
                let args = call
                    .args
                    .iter()
                    .map(|a| self.value(a))
                    .collect::<Option<Vec<_>>>()?;
                let context = SqlContext {
                    dialect: d,
                    holidays: self.holidays,
                };
                call.function.sql(&context, &args)?
            }
        })
    }
}

fn literal(d: Dialect, l: &Lit) -> String {
    match l {
        Lit::Unit => "NULL".to_string(),
        Lit::Bool(b) => d.boolean(*b),
        Lit::Int(i) => format!("CAST({i} AS BIGINT)"),
        Lit::Float(f) if f.is_finite() => d.float(*f),
        Lit::Float(f) => format!("CAST('{f}' AS {})", d.double()),
        Lit::Str(s) => d.string(s),
        Lit::Date(days) => d.date(*days),
    }
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
        sql_in(Dialect::Duckdb, text)
    }

    fn sql_in(dialect: Dialect, text: &str) -> Option<String> {
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
            .to_sql(&SqlWriter {
                dialect,
                column: &|c| dialect.ident(c),
                holidays: &[],
            })
    }

    #[test]
    fn a_missing_value_equals_only_a_missing_value_and_is_never_ordered() {
        assert_eq!(sql("s == ()").unwrap(), "(\"s\" IS NULL AND NULL IS NULL)");
        assert_eq!(
            sql("n != 3").unwrap(),
            "(NOT (\"n\" IS NOT DISTINCT FROM CAST(3 AS BIGINT)))"
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
            "coalesce((CAST(2.5 AS DOUBLE) - \"x\") / (CASE WHEN \"x\" * CAST(2.5 AS DOUBLE) = 0 THEN 1.0 WHEN abs(\"x\") >= abs(CAST(2.5 AS DOUBLE)) THEN abs(\"x\") ELSE abs(CAST(2.5 AS DOUBLE)) END) > 2.220446049250313e-16, false)"
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
        // Weekdays from the first Monday, as `Calendar::working_upto`.
        let k = |c: &str| format!("((\"{c}\" - DATE '0001-01-01') + 1)");
        let to = |c: &str| {
            let k = k(c);
            format!("(5 * ({k} // 7) + CASE WHEN {k} % 7 > 5 THEN 5 ELSE {k} % 7 END)")
        };
        assert_eq!(
            sql("working_days_between(a, b) > 2 || year(a) == 2023").unwrap(),
            format!("(coalesce(({} - {}) > CAST(2 AS BIGINT), false) OR (CAST(year(\"a\") AS BIGINT) IS NOT DISTINCT FROM CAST(2023 AS BIGINT)))", to("b"), to("a"))
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
    fn moving_a_date_by_months_is_built_from_month_ends_in_every_dialect() {
        for (dialect, month_end) in [
            (Dialect::Duckdb, "last_day("),
            (Dialect::Postgres, "make_date("),
            (Dialect::Tsql, "EOMONTH("),
            (Dialect::Spark, "last_day("),
        ] {
            let sql = sql_in(dialect, "add_years(a, 1) > b && add_days(b, -3) < a").unwrap();
            assert!(sql.contains(month_end), "{dialect:?}: {sql}");
            assert!(
                sql.contains("CAST(CAST(-3 AS BIGINT) AS INT"),
                "{dialect:?}: {sql}"
            );
        }
    }

    #[test]
    fn moving_a_date_by_working_days_has_no_sql() {
        assert_eq!(sql("add_working_days(a, 3) > b"), None);
    }
}

#[cfg(test)]
mod dialect_tests {
    use super::*;

    #[test]
    fn sql_server_has_no_booleans_only_conditions() {
        let w = SqlWriter {
            dialect: Dialect::Tsql,
            column: &|c| Dialect::Tsql.ident(c),
            holidays: &[],
        };
        let flag = Node::Column("flag".to_string(), Ty::Bool);
        assert_eq!(w.condition(&flag).unwrap(), "(coalesce([flag], 0) = 1)");
        let lt = Node::Cmp(
            CmpOp::Lt,
            Box::new(Node::Column("n".to_string(), Ty::Int)),
            Box::new(Node::Lit(Lit::Int(3))),
        );
        assert_eq!(
            w.condition(&lt).unwrap(),
            "(CASE WHEN [n] < CAST(3 AS BIGINT) THEN 1 ELSE 0 END = 1)"
        );
        let eq = Node::Cmp(
            CmpOp::Eq,
            Box::new(flag),
            Box::new(Node::Lit(Lit::Bool(true))),
        );
        assert_eq!(
            w.condition(&eq).unwrap(),
            "(CASE WHEN [flag] = CAST(1 AS BIT) OR ([flag] IS NULL AND CAST(1 AS BIT) IS NULL) THEN 1 ELSE 0 END = 1)"
        );
    }
}
