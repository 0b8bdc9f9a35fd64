//! The measures written as SQL for DuckDB over the same Parquet files, so
//! another engine can check Rubric's figures (and race it: see `bench/`).
//! One query per indicator gives every month Rubric computes (the four
//! years to the reporting month) for the whole and each breakdown value:
//! `indicator, period, breakdown_value, value, numerator, denominator`.
//! The period logic is the scan's: a flow counts in its date's month, a
//! snapshot at the end of every month it is open, windows widen both, and
//! rows closed before they opened count nowhere. Paths are relative to the
//! project folder, where the SQL is meant to run.

use crate::calendar::period::Month;
use crate::config::document::WindowKind;
use crate::expr::history::previous_column;
use crate::expr::plan::{sql_setup, string_literal};
use crate::expr::row_expr::{RowExpr, PERIOD_END, PERIOD_START};
use crate::measure::domain::Domain;
use crate::model::indicator::Indicator;
use crate::model::measure::{
    band_labels, Aggregate, BaseId, By, Measure, Population, Timing, HAVING_ROWS,
};
use crate::model::Project;
use std::fmt::Write as _;

mod grouping;
use grouping::{age_band, group_label, per_group};

/// The SQL of a project, ready to run in order.
#[derive(Debug)]
pub struct Translation {
    pub reporting: Month,
    /// Statements to run once first (calendar and comparison helpers).
    pub setup: Vec<String>,
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
    pub why: String,
}

/// The SQL for the indicators at `indices` as of `reporting`.
pub fn translate(project: &Project, reporting: Month, indices: &[usize]) -> Translation {
    let holidays: Vec<i32> = project.calendar.holidays().collect();
    let domain = Domain::ending(reporting);
    let mut queries = Vec::new();
    let mut skipped = Vec::new();
    for &i in indices {
        let ind = &project.indicators[i];
        match indicator_query(project, ind, domain) {
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
        setup: sql_setup(&holidays),
        queries,
        skipped,
    }
}

impl Translation {
    /// One script: the setup, then each query after a comment naming it.
    pub fn script(&self, project: &Project) -> String {
        let mut out = format!(
            "-- Rubric's measures as DuckDB SQL, reporting period {}.\n\
             -- Run in the project folder: duckdb < this.sql\n\n",
            self.reporting
        );
        for s in &self.setup {
            let _ = writeln!(out, "{s};\n");
        }
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
            "setup": self.setup,
            "queries": self.queries.iter().map(|q| serde_json::json!({
                "indicator": q.indicator, "sql": q.sql,
            })).collect::<Vec<_>>(),
            "skipped": self.skipped.iter().map(|s| serde_json::json!({
                "indicator": s.indicator, "why": s.why,
            })).collect::<Vec<_>>(),
        })
    }
}

/// The figures of one measure as SQL over the joined grid row.
struct Figure {
    value: String,
    numerator: String,
    denominator: String,
}

/// Builds one indicator's query: a CTE per base measure and population,
/// a grid of months by breakdown values, and the figures over it.
struct Builder<'a> {
    project: &'a Project,
    domain: Domain,
    ctes: Vec<String>,
    /// Base measures already given a CTE, with its name.
    bases: Vec<(BaseId, String)>,
    populations: usize,
    /// Queries listing the breakdown values, one per base with a breakdown.
    groups: Vec<String>,
    /// What the figures join to the grid of months and groups.
    joins: Vec<String>,
}

fn indicator_query(project: &Project, ind: &Indicator, domain: Domain) -> Result<String, String> {
    let mut b = Builder {
        project,
        domain,
        ctes: vec![format!(
            "periods AS (SELECT p FROM range({}, {}) AS t(p))",
            domain.first.0,
            domain.last.0 + 1
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
    let pick = |part: fn(&Figure) -> &String| -> String {
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
        match ind.collected_from {
            Some(from) => format!("CASE WHEN grid.p < {} THEN NULL ELSE {body} END", from.0),
            None => body,
        }
    };
    let (value, numerator, denominator) = (
        pick(|f| &f.value),
        pick(|f| &f.numerator),
        pick(|f| &f.denominator),
    );
    let mut groups = vec!["SELECT 'all' AS b, 'all' AS g".to_string()];
    groups.extend(b.groups.iter().cloned());
    let joins: String = b.joins.iter().map(|j| format!("\n  {j}")).collect();
    let mut ctes = b.ctes;
    ctes.push(format!("groups AS ({})", groups.join(" UNION ")));
    ctes.push("grid AS (SELECT p, b, g FROM periods CROSS JOIN groups)".to_string());
    Ok(format!(
        "WITH {}\nSELECT {} AS indicator, printf('%04d-%02d', grid.p // 12, grid.p % 12 + 1) AS period, \
         grid.b AS breakdown, grid.g AS breakdown_value,\n  {value} AS value,\n  {numerator} AS numerator,\n  {denominator} AS denominator\n\
         FROM grid{joins}\nORDER BY grid.b, grid.g, grid.p",
        ctes.join(",\n"),
        string_literal(&ind.id),
    ))
}

impl Builder<'_> {
    fn figure(&mut self, m: &Measure) -> Result<Figure, String> {
        Ok(match m {
            Measure::Base(id) => {
                let name = self.base(*id)?;
                let v = match self.project.base_measures[*id].aggregate {
                    Aggregate::Count | Aggregate::Distinct(_) => format!("coalesce({name}.v, 0)"),
                    Aggregate::Sum(_) | Aggregate::Mean(_) => format!("{name}.v"),
                };
                Figure {
                    value: v,
                    numerator: "NULL".to_string(),
                    denominator: "NULL".to_string(),
                }
            }
            Measure::Ratio {
                numerator,
                denominator,
                scale,
            } => {
                let (n, d) = (
                    self.figure(numerator)?.value,
                    self.figure(denominator)?.value,
                );
                let both = format!("({n}) IS NOT NULL AND ({d}) IS NOT NULL");
                Figure {
                    value: format!(
                        "CASE WHEN {both} AND ({d}) <> 0 THEN ({n}) * {} / ({d}) END",
                        float(*scale)
                    ),
                    numerator: format!("CASE WHEN {both} THEN {n} END"),
                    denominator: format!("CASE WHEN {both} THEN {d} END"),
                }
            }
            Measure::Rate {
                measure,
                population,
                per,
            } => {
                let m = self.figure(measure)?.value;
                let pop = match population {
                    Population::Fixed(v) => float(*v),
                    Population::Table { .. } => self.population(population)?,
                };
                let ok = format!("({m}) IS NOT NULL AND ({pop}) > 0");
                Figure {
                    value: format!("CASE WHEN {ok} THEN ({m}) * {} / ({pop}) END", float(*per)),
                    numerator: format!("CASE WHEN {ok} THEN {m} END"),
                    denominator: format!("CASE WHEN {ok} THEN {pop} END"),
                }
            }
            Measure::Cohort(members) => {
                let names = members
                    .iter()
                    .map(|m| self.base(*m))
                    .collect::<Result<Vec<_>, _>>()?;
                let union: Vec<String> = names
                    .iter()
                    .map(|n| format!("SELECT * FROM {n}_placed"))
                    .collect();
                let union = union.join(" UNION ALL ");
                let cte = format!("cohort{}", self.ctes.len());
                let breakdowns = &self.project.base_measures[members[0]].breakdowns;
                let grouped = per_group(breakdowns, "", "count(DISTINCT v) AS v", &union);
                self.ctes.push(format!("{cte} AS ({grouped})"));
                self.joins.push(format!(
                    "LEFT JOIN {cte} ON {cte}.p = grid.p AND {cte}.b = grid.b AND {cte}.g = grid.g"
                ));
                Figure {
                    value: format!("coalesce({cte}.v, 0)"),
                    numerator: "NULL".to_string(),
                    denominator: "NULL".to_string(),
                }
            }
            Measure::Expression(f) => {
                return Err(format!(
                    "a formula over other indicators ({}): their own queries give its inputs",
                    f.inputs.join(", ")
                ))
            }
        })
    }

    /// The CTE of a base measure: (p, g, v) per month computed and group.
    fn base(&mut self, id: BaseId) -> Result<String, String> {
        if let Some((_, name)) = self.bases.iter().find(|(b, _)| *b == id) {
            return Ok(name.clone());
        }
        let name = format!("b{}", self.bases.len());
        let base = &self.project.base_measures[id];
        let mut source = self.source(&base.source)?;
        let previous = base.previous_columns();
        if let (Some(h), false) = (&base.history, previous.is_empty()) {
            // Each entity's rows in order: by the order date (empty first),
            // then by place in the file, as the scan orders them.
            let entity = self.column(&base.source, &h.entity);
            let lags: Vec<String> = previous
                .iter()
                .map(|c| {
                    format!(
                        "CASE WHEN {entity} IS NULL THEN NULL ELSE lag({}) OVER rubric_history END AS {}",
                        self.column(&base.source, c),
                        quote(&previous_column(c))
                    )
                })
                .collect();
            // `read_parquet('path')` with the rows' places in the file.
            let numbered = source.strip_suffix(')').unwrap_or(&source);
            source = format!(
                "(SELECT *, {} FROM {numbered}, file_row_number = true) WINDOW rubric_history AS (PARTITION BY {entity} ORDER BY {} ASC NULLS FIRST, file_row_number)) AS rubric_history_rows",
                lags.join(", "),
                self.column(&base.source, &h.order),
            );
        }
        // Lookups as left joins to one row per key (Rubric refuses a key
        // on several rows before any figure is given).
        for (i, l) in base.lookups.iter().enumerate() {
            let key = format!("rubric_key_{i}");
            let brought: Vec<String> = l
                .columns
                .iter()
                .map(|c| format!("{} AS {}", self.column(&l.source, c), quote(c)))
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
                let m = month_of(&col(date));
                conditions.push(format!("{} IS NOT NULL", col(date)));
                let to = base.window.map_or_else(|| m.clone(), |w| window_end(&m, w));
                (m, to)
            }
            Timing::Snapshot { start, end } => {
                let (s, e) = (col(start), col(end));
                conditions.push(format!("{s} IS NOT NULL"));
                conditions.push(format!("({e} IS NULL OR {e} >= {s})"));
                let last = self.domain.last.0.to_string();
                let to = match base.window {
                    None => format!("coalesce({} - 1, {last})", month_of(&e)),
                    Some(w) => format!("coalesce({}, {last})", window_end(&month_of(&e), w)),
                };
                (month_of(&s), to)
            }
        };
        // A filter reading the period is applied once rows meet periods.
        let mut period_filter = None;
        let mut carried = String::new();
        match &base.filter {
            Some(f) if f.reads_period => {
                for c in &f.columns {
                    let _ = write!(carried, ", {} AS {}", col(c), quote(c));
                }
                let window = base.window;
                period_filter = Some(
                    f.to_sql(&|c| match c {
                        PERIOD_START => first_day(&window_start("periods.p", window)),
                        PERIOD_END => format!("last_day({})", first_day("periods.p")),
                        _ => format!("{name}_rows.{}", quote(c)),
                    })
                    .ok_or_else(|| {
                        format!(
                            "the filter `{}` runs row by row in Rhai, with no SQL to match it",
                            f.text.trim()
                        )
                    })?,
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
                conditions.push(format!("{} IS NOT NULL", col(c)));
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
            Aggregate::Sum(c) | Aggregate::Mean(c) => format!("CAST({} AS DOUBLE)", col(c)),
        };
        // Each breakdown's value per row (a column's) or per row and period
        // (an age band's, from the date of birth carried).
        let mut row_groups = String::new();
        let mut placed_groups = Vec::new();
        let mut listings = Vec::new();
        for (i, b) in base.breakdowns.iter().enumerate() {
            let g = format!("rubric_g{i}");
            let by = string_literal(&b.name);
            match &b.by {
                By::Column(c) => {
                    let label = group_label(&col(c));
                    let listing = format!("SELECT DISTINCT {by}, {label} FROM {source}");
                    listings.push(listing);
                    let _ = write!(row_groups, ", {label} AS {g}");
                    placed_groups.push(g);
                }
                By::AgeBand { birth, bands } => {
                    let _ = write!(row_groups, ", {} AS {g}", col(birth));
                    placed_groups.push(format!("{} AS {g}", age_band(&g, bands)));
                    let values: Vec<String> = band_labels(bands)
                        .iter()
                        .map(|l| format!("({by}, {})", string_literal(l)))
                        .collect();
                    let listing = format!(
                        "SELECT * FROM (VALUES {}) UNION SELECT DISTINCT {by}, {g} FROM {name}_placed",
                        values.join(", ")
                    );
                    listings.push(listing);
                }
            }
        }
        let placed_groups: String = placed_groups.iter().map(|g| format!(", {g}")).collect();
        let (first, last) = (self.domain.first.0, self.domain.last.0);
        let rows = format!(
            "{name}_rows AS (SELECT {from} AS p_from, {to} AS p_to{row_groups}, {v} AS v{carried} FROM {source} WHERE {})",
            conditions.join(" AND ")
        );
        let placed = if let Some(held) = period_filter {
            format!("SELECT periods.p{placed_groups}, v FROM {name}_rows JOIN periods ON periods.p BETWEEN p_from AND p_to WHERE {held}")
        } else if from == to {
            format!(
                "SELECT p{placed_groups}, v FROM (SELECT p_from AS p, * FROM {name}_rows WHERE p_from BETWEEN {first} AND {last})"
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
            // Each id's rows per period (and group), then the ids that meet `having`.
            let held = h.to_sql(&|c| quote(c)).ok_or_else(|| {
                format!(
                    "`having: {}` runs in Rhai, with no SQL to match it",
                    h.text.trim()
                )
            })?;
            let rows = format!("count(*) AS {}", quote(HAVING_ROWS));
            let per_id = per_group(&base.breakdowns, ", v", &rows, &placed);
            format!("SELECT p, b, g, count(*) AS v FROM ({per_id}) WHERE {held} GROUP BY p, b, g")
        } else {
            per_group(&base.breakdowns, "", &format!("{value} AS v"), &placed)
        };
        self.ctes.push(format!("{name} AS ({grouped})"));
        self.joins.push(format!(
            "LEFT JOIN {name} ON {name}.p = grid.p AND {name}.b = grid.b AND {name}.g = grid.g"
        ));
        self.bases.push((id, name.clone()));
        Ok(name)
    }

    /// A population table's value for the grid row's year: the latest
    /// year's total at or before it.
    fn population(&mut self, population: &Population) -> Result<String, String> {
        let Population::Table {
            source: name,
            year,
            column,
            filter,
        } = population
        else {
            unreachable!("fixed populations are written as numbers");
        };
        let source = self.source(name)?;
        let (y, c) = (self.column(name, year), self.column(name, column));
        let mut conditions = vec![format!("{y} IS NOT NULL"), format!("{c} IS NOT NULL")];
        if let Some(f) = filter {
            conditions.push(self.filter(name, f)?);
        }
        let cte = format!("pop{}", self.populations);
        self.populations += 1;
        self.ctes.push(format!(
            "{cte}_by_year AS (SELECT {y} AS y, sum(CAST({c} AS DOUBLE)) AS v FROM {source} WHERE {} GROUP BY y)",
            conditions.join(" AND ")
        ));
        self.ctes.push(format!(
            "{cte} AS (SELECT p, (SELECT arg_max(v, y) FROM {cte}_by_year WHERE y <= p // 12) AS v FROM periods)"
        ));
        self.joins
            .push(format!("LEFT JOIN {cte} ON {cte}.p = grid.p"));
        Ok(format!("{cte}.v"))
    }

    fn filter(&self, source: &str, f: &RowExpr) -> Result<String, String> {
        f.to_sql(&|c| self.column(source, c)).ok_or_else(|| {
            format!(
                "the filter `{}` runs row by row in Rhai, with no SQL to match it",
                f.text.trim()
            )
        })
    }

    fn source(&self, name: &str) -> Result<String, String> {
        let s = self
            .project
            .sources
            .by_name
            .get(name)
            .ok_or_else(|| format!("source `{name}` has no file"))?;
        let path = s.parquet_file().ok_or_else(|| {
            format!(
                "source `{name}` is read from {}, not a Parquet file; `rubric snapshot --out DIR` writes it as Parquet for `rubric sql` to read",
                s.describe()
            )
        })?;
        let path = path.to_string_lossy().replace('\\', "/");
        Ok(format!("read_parquet({})", string_literal(&path)))
    }

    /// A column as the scan sees it: dates of any stored kind as dates.
    fn column(&self, source: &str, name: &str) -> String {
        let quoted = quote(name);
        let stored = self
            .project
            .sources
            .by_name
            .get(source)
            .and_then(|s| s.arrow_types.get(name))
            .map(String::as_str);
        match stored {
            Some(t) if t.starts_with("Date64") || t.starts_with("Timestamp") => {
                format!("CAST({quoted} AS DATE)")
            }
            _ => quoted,
        }
    }
}

/// An identifier quoted, whatever it holds.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The first day of month number `m`.
pub(super) fn first_day(m: &str) -> String {
    format!("make_date(CAST(({m}) // 12 AS BIGINT), CAST(({m}) % 12 + 1 AS BIGINT), 1)")
}

/// The first month of the window ending in month number `m` (as
/// `measure::period_filter::period_span`).
fn window_start(m: &str, window: Option<WindowKind>) -> String {
    match window {
        None => m.to_string(),
        Some(WindowKind::Rolling12m) => format!("({m} - 11)"),
        Some(WindowKind::FinancialYearToDate) => format!("((({m} - 3) // 12) * 12 + 3)"),
        Some(WindowKind::QuarterToDate) => format!("({m} - {m} % 3)"),
    }
}

/// The month of a date as `year * 12 + month - 1` (Rubric's month number).
fn month_of(date: &str) -> String {
    format!("(year({date}) * 12 + month({date}) - 1)")
}

/// The last month whose window holds month number `m`.
fn window_end(m: &str, window: WindowKind) -> String {
    match window {
        WindowKind::Rolling12m => format!("({m} + 11)"),
        // Financial years end in March: month number 3 of the next year minus one.
        WindowKind::FinancialYearToDate => format!("((({m} - 3) // 12) * 12 + 14)"),
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

fn float(v: f64) -> String {
    format!("CAST({v:?} AS DOUBLE)")
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
        assert_eq!(window_end("m", WindowKind::Rolling12m), "(m + 11)");
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
