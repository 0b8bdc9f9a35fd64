//! The measures written as SQL, so they can run where the data is (DuckDB
//! or Spark over the same Parquet files, PostgreSQL or SQL Server over
//! tables named after the sources) and another engine can check Rubric's
//! figures. One query per indicator gives the series table of the README's
//! series contract for every month Rubric computes (the four years to the
//! reporting month), the whole and each breakdown value: `indicator,
//! breakdown, breakdown_value, period, numerator, denominator, value,
//! missing_reason`. The period logic is the scan's: a flow counts in its
//! date's month, a snapshot at the end of every month it is open, windows
//! widen both, and rows closed before they opened count nowhere. Paths are
//! relative to the project folder, where the SQL is meant to run. Every
//! name and text from the definitions is quoted or escaped as a literal.

use crate::calendar::period::Month;
use crate::config::document::WindowKind;
use crate::expr::history::previous_column;
use crate::expr::plan::SqlWriter;
use crate::expr::row_expr::{RowExpr, PERIOD_END, PERIOD_START};
use crate::measure::domain::Domain;
use crate::model::indicator::Indicator;
use crate::model::measure::{band_labels, Aggregate, BaseId, By, Measure, Timing, HAVING_ROWS};
use crate::model::Project;
// What the whole is called in the breakdown columns: the series table's.
use crate::measure::series::WHOLE;
use std::fmt::Write as _;

mod figure;
mod grouping;
mod no_sql;
mod tables;
use crate::dialect::Dialect;
use figure::Figure;
use grouping::{age_band, group_label, per_group};
pub use no_sql::NoSql;

/// The SQL of a project, ready to run in order.
#[derive(Debug)]
pub struct Translation {
    pub reporting: Month,
    pub dialect: Dialect,
    pub queries: Vec<Query>,
    /// Indicators with no SQL, and why.
    pub skipped: Vec<Skipped>,
}

#[derive(Debug)]
pub struct Query {
    pub indicator: String,
    pub sql: String,
}

#[derive(Debug)]
pub struct Skipped {
    pub indicator: String,
    pub why: NoSql,
}

/// The SQL for the indicators at `indices` as of `reporting`.
pub fn translate(
    project: &Project,
    reporting: Month,
    indices: &[usize],
    dialect: Dialect,
) -> Translation {
    let holidays: Vec<i32> = project.calendar.holidays().collect();
    let domain = Domain::ending(reporting);
    let mut queries = Vec::new();
    let mut skipped = Vec::new();
    for &i in indices {
        let ind = &project.indicators[i];
        match indicator_query(project, ind, domain, dialect, &holidays) {
            Ok(sql) => queries.push(Query {
                indicator: ind.id.clone(),
                sql,
            }),
            Err(why) => skipped.push(Skipped {
                indicator: ind.id.clone(),
                why,
            }),
        }
    }
    Translation {
        reporting,
        dialect,
        queries,
        skipped,
    }
}

impl Translation {
    /// One script: each query after a comment naming it.
    pub fn script(&self, project: &Project) -> String {
        let run = match self.dialect {
            Dialect::Duckdb => "Run in the project folder: duckdb < this.sql",
            Dialect::Spark => "Run in the project folder: spark-sql -f this.sql",
            Dialect::Postgres => {
                "Run where a table named after each source holds its rows: psql -f this.sql"
            }
            Dialect::Tsql => {
                "Run where a table named after each source holds its rows: sqlcmd -i this.sql"
            }
        };
        let mut out = format!(
            "-- Rubric's measures as {} SQL, reporting period {}.\n-- {run}\n\n",
            self.dialect.name(),
            self.reporting
        );
        for q in &self.queries {
            let title = project
                .indicators
                .iter()
                .find(|i| i.id == q.indicator)
                .map_or("", |i| i.title.as_str());
            let _ = writeln!(
                out,
                "{}\n{};\n",
                comment(&format!("{}: {title}", q.indicator)),
                q.sql
            );
        }
        for s in &self.skipped {
            let _ = writeln!(
                out,
                "{}",
                comment(&format!("{} has no SQL: {}", s.indicator, s.why))
            );
        }
        out
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "reporting": self.reporting.to_string(),
            "dialect": self.dialect.name(),
            "queries": self.queries.iter().map(|q| serde_json::json!({
                "indicator": q.indicator, "sql": q.sql,
            })).collect::<Vec<_>>(),
            "skipped": self.skipped.iter().map(|s| serde_json::json!({
                "indicator": s.indicator, "why": s.why.to_string(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// Builds one indicator's query: a CTE per base measure and population,
/// a grid of months by breakdown values, and the figures over it.
struct Builder<'a> {
    project: &'a Project,
    domain: Domain,
    d: Dialect,
    holidays: &'a [i32],
    ctes: Vec<String>,
    /// Base measures already given a CTE, with its name.
    bases: Vec<(BaseId, String)>,
    populations: usize,
    /// Queries listing the breakdown values, one per base with a breakdown.
    groups: Vec<String>,
    /// What the figures join to the grid of months and groups.
    joins: Vec<String>,
}

fn indicator_query(
    project: &Project,
    ind: &Indicator,
    domain: Domain,
    d: Dialect,
    holidays: &[i32],
) -> Result<String, NoSql> {
    // The months as a list of numbers and names: no engine's own way of
    // counting or formatting is needed.
    let months: Vec<String> = (0..domain.len())
        .map(|t| {
            let m = domain.month(t);
            format!("({}, {})", m.0, d.string(&m.to_string()))
        })
        .collect();
    let mut b = Builder {
        project,
        domain,
        d,
        holidays,
        ctes: vec![format!(
            "periods AS (SELECT p, period FROM (VALUES {}) AS rubric_months(p, period))",
            months.join(", ")
        )],
        joins: Vec::new(),
        bases: Vec::new(),
        populations: 0,
        groups: Vec::new(),
    };
    // Runs of months sharing one definition (a dated change starts a new run).
    let mut runs: Vec<(Month, Month, &Measure)> = Vec::new();
    for t in 0..domain.len() {
        let m = domain.month(t);
        let measure = ind.measure_at(m);
        match runs.last_mut() {
            Some(run) if std::ptr::eq(run.2, measure) => run.1 = m,
            _ => runs.push((m, m, measure)),
        }
    }
    let mut figures = Vec::new();
    for (from, to, measure) in &runs {
        figures.push((*from, *to, b.figure(measure)?));
    }
    let data_end = project.data_end(ind);
    // A part of the figures over the grid: `before` where not collected
    // yet, `after` (else NULL) after the data ends.
    let pick = |part: fn(&Figure) -> &String, before: String, after: Option<String>| -> String {
        let body = if figures.len() == 1 {
            part(&figures[0].2).clone()
        } else {
            let arms: Vec<String> = figures
                .iter()
                .map(|(f, t, fig)| {
                    format!("WHEN grid.p BETWEEN {} AND {} THEN {}", f.0, t.0, part(fig))
                })
                .collect();
            format!("CASE {} END", arms.join(" "))
        };
        let body = match &data_end {
            Some(end) => format!(
                "CASE WHEN grid.p > {} THEN {} ELSE {body} END",
                end.month.0,
                after.clone().unwrap_or_else(|| "NULL".to_string())
            ),
            None => body,
        };
        match ind.collected_from {
            Some(from) => format!(
                "CASE WHEN grid.p < {} THEN {before} ELSE {body} END",
                from.0
            ),
            None => body,
        }
    };
    let not_collected = ind
        .collected_from
        .map(|from| d.string(&format!("not collected before {from}")))
        .unwrap_or_default();
    let number = |e: String| format!("CAST({e} AS {})", d.double());
    let (value, numerator, denominator) = (
        number(pick(|f| &f.value, "NULL".to_string(), None)),
        number(pick(|f| &f.numerator, "NULL".to_string(), None)),
        number(pick(|f| &f.denominator, "NULL".to_string(), None)),
    );
    let no_data = data_end.as_ref().map(|e| d.string(&e.reason()));
    let missing = pick(|f| &f.missing, not_collected, no_data);
    let mut groups = vec![format!(
        "SELECT {all} AS b, {all} AS g",
        all = d.string(WHOLE)
    )];
    groups.extend(b.groups.iter().cloned());
    let joins: String = b.joins.iter().map(|j| format!("\n  {j}")).collect();
    let mut ctes = b.ctes;
    ctes.push(format!("groups AS ({})", groups.join(" UNION ")));
    ctes.push("grid AS (SELECT p, period, b, g FROM periods CROSS JOIN groups)".to_string());
    Ok(format!(
        "WITH {}\nSELECT {} AS indicator, grid.b AS breakdown, grid.g AS breakdown_value, grid.period AS period,\n  \
         {numerator} AS numerator,\n  {denominator} AS denominator,\n  {value} AS value,\n  \
         CAST({missing} AS {}) AS missing_reason\n\
         FROM grid{joins}\nORDER BY grid.b, grid.g, grid.p",
        ctes.join(",\n"),
        d.string(&ind.id),
        d.text(),
    ))
}

impl Builder<'_> {
    /// A condition written in this query's dialect.
    /// Each id's rows per period and group (`per_id`, from `placed`), and
    /// the condition on them that `having` is; a measure counts the ids
    /// meeting it, a cohort's member keeps them.
    fn ids_having(
        &self,
        having: &RowExpr,
        breakdowns: &[crate::model::measure::Breakdown],
        placed: &str,
    ) -> Result<(String, String), NoSql> {
        let d = self.d;
        let held = self
            .condition(having, &|c| d.ident(c))
            .ok_or_else(|| NoSql::Having(having.text.trim().to_string()))?;
        let rows = format!("count(*) AS {}", d.ident(HAVING_ROWS));
        Ok((per_group(d, breakdowns, ", v", &rows, placed), held))
    }

    fn condition(&self, f: &RowExpr, column: &dyn Fn(&str) -> String) -> Option<String> {
        f.to_sql(&SqlWriter {
            dialect: self.d,
            column,
            holidays: self.holidays,
        })
    }

    /// The CTE of a base measure: (p, g, v) per month computed and group.
    fn base(&mut self, id: BaseId) -> Result<String, NoSql> {
        if let Some((_, name)) = self.bases.iter().find(|(b, _)| *b == id) {
            return Ok(name.clone());
        }
        let d = self.d;
        let name = format!("b{}", self.bases.len());
        let base = &self.project.base_measures[id];
        let mut source = self.source(&base.source)?;
        let previous = base.previous_columns();
        if let (Some(h), false) = (&base.history, previous.is_empty()) {
            // Each entity's rows in order: by the order date (empty first),
            // then by place in the file, as the scan orders them (where the
            // engine knows the place: see `numbered`).
            let entity = self.column(&base.source, &h.entity);
            let (numbered, place) = self.numbered(&base.source)?;
            let place = place.map(|p| format!(", {p}")).unwrap_or_default();
            let order = format!(
                "PARTITION BY {entity} ORDER BY {} ASC{}{place}",
                self.column(&base.source, &h.order),
                d.nulls_first()
            );
            let lags: Vec<String> = previous
                .iter()
                .map(|c| {
                    format!(
                        "CASE WHEN {entity} IS NULL THEN NULL ELSE lag({}) OVER ({order}) END AS {}",
                        self.column(&base.source, c),
                        d.ident(&previous_column(c))
                    )
                })
                .collect();
            source = format!(
                "(SELECT *, {} FROM {numbered}) AS rubric_history_rows",
                lags.join(", ")
            );
        }
        // Lookups as left joins to one row per key (Rubric refuses a key
        // on several rows before any figure is given).
        for (i, l) in base.lookups.iter().enumerate() {
            let key = format!("rubric_key_{i}");
            let brought: Vec<String> = l
                .columns
                .iter()
                .map(|c| format!("{} AS {}", self.column(&l.source, c), d.ident(c)))
                .collect();
            let _ = write!(
                source,
                " LEFT JOIN (SELECT {} AS {key}, {} FROM {}) AS rubric_lookup_{i} ON {} = rubric_lookup_{i}.{key}",
                self.column(&l.source, &l.on),
                brought.join(", "),
                self.source(&l.source)?,
                self.column(&base.source, &l.key),
            );
        }
        let col = |c: &str| self.column(&base.source, c);
        let mut conditions = Vec::new();
        let (from, to) = match &base.timing {
            Timing::Flow { date } => {
                let m = self.month_of(&col(date));
                conditions.push(format!("{} IS NOT NULL", col(date)));
                let to = base
                    .window
                    .map_or_else(|| m.clone(), |w| window_end(d, &m, w));
                (m, to)
            }
            Timing::Snapshot {
                start,
                end,
                open_on_end_day,
            } => {
                let s = col(start);
                conditions.push(format!("{s} IS NOT NULL"));
                let last = self.domain.last.0.to_string();
                let to = match end {
                    // No end column: every row stays open.
                    None => last,
                    Some(end) => {
                        let e = col(end);
                        conditions.push(format!("({e} IS NULL OR {e} >= {s})"));
                        match base.window {
                            // Open on its end day: as if it ended a day later.
                            None if *open_on_end_day => format!(
                                "coalesce({} - 1, {last})",
                                self.month_of(&d.add_days(&e, "1"))
                            ),
                            None => format!("coalesce({} - 1, {last})", self.month_of(&e)),
                            Some(w) => format!(
                                "coalesce({}, {last})",
                                window_end(d, &self.month_of(&e), w)
                            ),
                        }
                    }
                };
                (self.month_of(&s), to)
            }
        };
        // A filter reading the period is applied once rows meet periods.
        let mut period_filter = None;
        let mut carried = String::new();
        match &base.filter {
            Some(f) if f.reads_period => {
                for c in &f.columns {
                    let _ = write!(carried, ", {} AS {}", col(c), d.ident(c));
                }
                let window = base.window;
                let column = |c: &str| match c {
                    PERIOD_START => d.first_day(&window_start(d, "periods.p", window)),
                    PERIOD_END => d.last_day("periods.p"),
                    _ => format!("{name}_rows.{}", d.ident(c)),
                };
                period_filter = Some(
                    self.condition(f, &column)
                        .ok_or_else(|| NoSql::Filter(f.text.trim().to_string()))?,
                );
            }
            Some(f) => conditions.push(self.filter(&base.source, f)?),
            None => {}
        }
        let value = match &base.aggregate {
            Aggregate::Count => "count(*)".to_string(),
            Aggregate::Distinct(c) => {
                conditions.push(format!("{} IS NOT NULL", col(c)));
                "count(DISTINCT v)".to_string()
            }
            Aggregate::Sum(c) | Aggregate::Mean(c) => {
                // Rows with no value but a reason count nowhere and give it.
                match (&base.missing_reason, gives_reasons(base)) {
                    (Some(r), true) => {
                        conditions.push(format!(
                            "({} IS NOT NULL OR {} IS NOT NULL)",
                            col(c),
                            col(r)
                        ));
                        let _ = write!(
                            carried,
                            ", CASE WHEN {} IS NULL THEN {} END AS rubric_reason",
                            col(c),
                            col(r)
                        );
                    }
                    _ => conditions.push(format!("{} IS NOT NULL", col(c))),
                }
                if matches!(base.aggregate, Aggregate::Sum(_)) {
                    "sum(v)".to_string()
                } else {
                    "avg(v)".to_string()
                }
            }
        };
        let v = match &base.aggregate {
            Aggregate::Count => "NULL".to_string(),
            Aggregate::Distinct(c) => col(c),
            Aggregate::Sum(c) | Aggregate::Mean(c) => format!("CAST({} AS {})", col(c), d.double()),
        };
        // Each breakdown's value per row (a column's) or per row and period
        // (an age band's, from the date of birth carried).
        let mut row_groups = String::new();
        let mut placed_groups = Vec::new();
        let mut listings = Vec::new();
        for (i, b) in base.breakdowns.iter().enumerate() {
            let g = format!("rubric_g{i}");
            let by = d.string(&b.name);
            match &b.by {
                By::Column(c) => {
                    let label = group_label(d, &col(c));
                    let listing = format!("SELECT DISTINCT {by}, {label} FROM {source}");
                    listings.push(listing);
                    let _ = write!(row_groups, ", {label} AS {g}");
                    placed_groups.push(g);
                }
                By::AgeBand { birth, bands } => {
                    let _ = write!(row_groups, ", {} AS {g}", col(birth));
                    placed_groups.push(format!("{} AS {g}", age_band(d, &g, bands)));
                    let values: Vec<String> = band_labels(bands)
                        .iter()
                        .map(|l| format!("({by}, {})", d.string(l)))
                        .collect();
                    let listing = format!(
                        "SELECT b, g FROM (VALUES {}) AS rubric_bands(b, g) UNION SELECT DISTINCT {by}, {g} FROM {name}_placed",
                        values.join(", ")
                    );
                    listings.push(listing);
                }
            }
        }
        let mut placed_groups: String = placed_groups.iter().map(|g| format!(", {g}")).collect();
        if gives_reasons(base) {
            placed_groups.push_str(", rubric_reason");
        }
        let (first, last) = (self.domain.first.0, self.domain.last.0);
        let rows = format!(
            "{name}_rows AS{} (SELECT {from} AS p_from, {to} AS p_to{row_groups}, {v} AS v{carried} FROM {source} WHERE {})",
            d.materialized(),
            conditions.join(" AND ")
        );
        let placed = if let Some(held) = period_filter {
            format!("SELECT periods.p{placed_groups}, v FROM {name}_rows JOIN periods ON periods.p BETWEEN p_from AND p_to WHERE {held}")
        } else if from == to {
            format!(
                "SELECT p{placed_groups}, v FROM (SELECT p_from AS p, * FROM {name}_rows WHERE p_from BETWEEN {first} AND {last}) AS rubric_in_domain"
            )
        } else {
            format!("SELECT periods.p{placed_groups}, v FROM {name}_rows JOIN periods ON periods.p BETWEEN p_from AND p_to")
        };
        for listing in listings {
            if !self.groups.contains(&listing) {
                self.groups.push(listing);
            }
        }
        self.ctes.push(rows);
        // Kept by name, so a cohort can put its members' rows together.
        self.ctes.push(format!("{name}_placed AS ({placed})"));
        let placed = format!("SELECT * FROM {name}_placed");
        let grouped = if let Some(h) = &base.having {
            let (per_id, held) = self.ids_having(h, &base.breakdowns, &placed)?;
            format!("SELECT p, b, g, count(*) AS v FROM ({per_id}) AS rubric_per_id WHERE {held} GROUP BY p, b, g")
        } else if gives_reasons(base) {
            let selected = format!("{value} AS v, min(rubric_reason) AS reason");
            per_group(d, &base.breakdowns, "", &selected, &placed)
        } else {
            per_group(d, &base.breakdowns, "", &format!("{value} AS v"), &placed)
        };
        self.ctes.push(format!("{name} AS ({grouped})"));
        self.joins.push(format!(
            "LEFT JOIN {name} ON {name}.p = grid.p AND {name}.b = grid.b AND {name}.g = grid.g"
        ));
        self.bases.push((id, name.clone()));
        Ok(name)
    }
}

/// Whether a base measure's rows can give a reason for a missing value:
/// a sum or mean of a table with a `missing_reason` column (a measure
/// counting ids per entity gives none).
fn gives_reasons(base: &crate::model::measure::BaseMeasure) -> bool {
    base.missing_reason.is_some()
        && base.having.is_none()
        && matches!(base.aggregate, Aggregate::Sum(_) | Aggregate::Mean(_))
}

/// The first month of the window ending in month number `m` (as
/// `measure::period_filter::period_span`).
fn window_start(d: Dialect, m: &str, window: Option<WindowKind>) -> String {
    match window {
        None => m.to_string(),
        Some(WindowKind::Rolling12m) => format!("({m} - 11)"),
        Some(WindowKind::FinancialYearToDate) => {
            format!("({} * 12 + 3)", d.int_div(&format!("({m} - 3)"), "12"))
        }
        Some(WindowKind::QuarterToDate) => format!("({m} - {m} % 3)"),
    }
}

/// The last month whose window holds month number `m`.
fn window_end(d: Dialect, m: &str, window: WindowKind) -> String {
    match window {
        WindowKind::Rolling12m => format!("({m} + 11)"),
        // Financial years end in March: month number 3 of the next year minus one.
        WindowKind::FinancialYearToDate => {
            format!("({} * 12 + 14)", d.int_div(&format!("({m} - 3)"), "12"))
        }
        WindowKind::QuarterToDate => format!("({m} + 2 - {m} % 3)"),
    }
}

/// A `--` comment of one line, whatever `text` holds: every line break
/// (and any other control character) becomes a space, so a title or a
/// filter can never end the comment and start a statement.
fn comment(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    format!("-- {one_line}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_cannot_end_its_line() {
        let c = comment("A1: x\nCOPY (SELECT 1) TO 'p.csv';\r\n-- */ \u{2028}; ok");
        assert_eq!(c.lines().count(), 1, "{c}");
        assert!(c.starts_with("-- A1: x COPY"), "{c}");
    }
    use crate::calendar::period::Month;

    #[test]
    fn window_ends_match_the_scan() {
        // Evaluate the SQL integer arithmetic in Rust to check it.
        let fy = |m: i32| ((m - 3).div_euclid(12)) * 12 + 14;
        let qtd = |m: i32| m + 2 - m % 3;
        for y in 2020..2025 {
            for month in 1..=12 {
                let m = Month::new(y, month);
                assert_eq!(Month(fy(m.0)), m.financial_year().last_month(), "{m}");
                assert_eq!(Month(qtd(m.0)), m.quarter_end(), "{m}");
            }
        }
        assert_eq!(
            window_end(Dialect::Duckdb, "m", WindowKind::Rolling12m),
            "(m + 11)"
        );
        let fy_start = |m: i32| ((m - 3).div_euclid(12)) * 12 + 3;
        let q_start = |m: i32| m - m % 3;
        for y in 2020..2025 {
            for month in 1..=12 {
                let m = Month::new(y, month);
                assert_eq!(
                    Month(fy_start(m.0)),
                    m.financial_year().first_month(),
                    "{m}"
                );
                assert_eq!(Month(q_start(m.0)), m.quarter_end().offset(-2), "{m}");
            }
        }
    }
}
