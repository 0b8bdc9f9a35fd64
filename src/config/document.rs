//! The YAML documents exactly as analysts write them. Nothing here is
//! validated beyond its shape; `crate::model` turns these into checked types.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

pub use super::breakdown::{BreakdownDoc, BreakdownSchema};
pub use super::comparison::{BenchmarkTableDoc, RatedDoc};
pub use super::number::{Number, NumberOrText};

/// A file under `indicators/`: one or many indicators.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorFile {
    /// The indicators declared in this file.
    #[schemars(with = "Vec<IndicatorDoc>")]
    pub indicators: Vec<Spanned<IndicatorDoc>>,
}

/// One indicator: what it measures, how it is judged and how it is shown.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDoc {
    /// Short unique identifier, usable as a name in expressions (letters, digits, `_`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Title as printed in the scorecard.
    pub title: String,
    /// Scorecard section the indicator appears in.
    pub section: String,
    /// The role accountable for the indicator (a role title, not a person).
    pub owner: String,
    /// The outcome the indicator evidences, in one sentence.
    pub outcome: String,
    /// Unit of the value: count, percent, rate, days or number.
    #[schemars(with = "Unit")]
    pub unit: Spanned<Unit>,
    /// Whether a higher value is better, worse, or neither.
    pub polarity: Polarity,
    /// Decimal places shown in reports.
    #[schemars(with = "u8")]
    pub decimals: Spanned<u8>,
    /// How the value is computed from the data.
    pub measure: MeasureDoc,
    /// Target per financial year, keyed `2023-24`: a number, a strict
    /// comparator (`"< 36"`) or a state (`TBC`).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, NumberOrText>")]
    pub targets: BTreeMap<String, Spanned<Number>>,
    /// Named comparison values, e.g. `england: 21`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub benchmarks: BTreeMap<String, Spanned<Number>>,
    /// Name of the direction-of-travel rule set.
    #[schemars(with = "Option<String>")]
    pub dot: Option<Spanned<String>>,
    /// Parameters overriding the DoT rule set's defaults for this indicator.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub dot_params: BTreeMap<String, Spanned<Number>>,
    /// Name of the RAG rule set.
    #[schemars(with = "Option<String>")]
    pub rag: Option<Spanned<String>>,
    /// Parameters overriding the RAG rule set's defaults for this indicator.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub rag_params: BTreeMap<String, Spanned<Number>>,
    /// A column to break the figures down by (e.g. `team`): the short
    /// form of `breakdowns` with one column.
    #[schemars(with = "Option<String>")]
    pub breakdown: Option<Spanned<String>>,
    /// Several breakdowns, each shown as its own table: a column's name
    /// (`team`, `locality` through a lookup, `sex`), or an age band at the
    /// period's end (`{ age_band: date_of_birth, bands: [1, 5, 10, 16] }`).
    #[serde(default)]
    #[schemars(with = "Vec<BreakdownSchema>")]
    pub breakdowns: Vec<Spanned<BreakdownDoc>>,
    /// Commentary per period, keyed `2023-07`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub commentary: BTreeMap<String, Spanned<String>>,
    /// Changes to the definition from a given month: earlier periods keep
    /// the definition as it was, later ones use the change.
    #[serde(default)]
    #[schemars(with = "Vec<VersionDoc>")]
    pub versions: Vec<Spanned<VersionDoc>>,
    /// Expected-value tests: small fixture rows and the figures they must
    /// give; `rubric test` runs them.
    #[serde(default)]
    #[schemars(with = "Vec<TestDoc>")]
    pub tests: Vec<Spanned<TestDoc>>,
    /// First period with data; earlier periods report "not collected".
    #[schemars(with = "Option<String>")]
    pub collected_from: Option<Spanned<String>>,
    /// How often the indicator is reported: monthly (the default),
    /// quarterly (financial quarters, Q1 is April to June) or annual
    /// (financial years).
    #[serde(default)]
    pub frequency: Frequency,
    /// What a period's change and direction of travel compare with:
    /// `previous_period`, or `same_period_last_year`. The default is the
    /// previous period, except for a cumulative value (financial year or
    /// quarter to date, reported more often than it resets), which is
    /// compared with the same point of the previous year.
    #[serde(default)]
    pub compare_with: Option<CompareWith>,
    /// How the change against the previous period and last year is
    /// printed: `points` (the difference, in points for a percentage) or
    /// `relative` (the percent change). Overrides `display.change`.
    #[serde(default)]
    pub change_display: Option<ChangeDisplay>,
    /// Comparisons rated beside `dot` and `rag`, each with its own rule
    /// set: against the previous period, the same period last year or a
    /// benchmark. Pages show each as a column (`{ rated: NAME }`).
    #[serde(default)]
    #[schemars(with = "Vec<RatedDoc>")]
    pub rated: Vec<Spanned<RatedDoc>>,
    /// The role that reports the figure, when it is not the owner.
    #[serde(default)]
    pub reporter: Option<String>,
}

/// How a change is printed.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ChangeDisplay {
    /// The difference: `+2 pts` for a percentage, `+12` for a count.
    Points,
    /// The percent change: 33.3% to 36.9% is `+11%`.
    Relative,
}

impl ChangeDisplay {
    /// Today's boards: points for a percentage, percent change otherwise.
    pub fn default_for(unit: Unit) -> ChangeDisplay {
        match unit {
            Unit::Percent => ChangeDisplay::Points,
            _ => ChangeDisplay::Relative,
        }
    }
}

/// How a change shows its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChangeSign {
    /// `+10%`, `-10%` (the default).
    #[default]
    PlusMinus,
    /// `10%` either way: a page that shows the direction elsewhere.
    Unsigned,
    /// `↑ 10%`, `↓ 10%`, `→ 0%`: the change and its arrow in one cell.
    Arrow,
}

#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CompareWith {
    PreviousPeriod,
    SamePeriodLastYear,
}

#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    #[default]
    Monthly,
    Quarterly,
    Annual,
}

impl Frequency {
    pub fn name(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::Annual => "annual",
        }
    }

    /// Months from one period to the next.
    pub fn step(self) -> usize {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::Annual => 12,
        }
    }

    /// The window that makes a monthly flow count a whole period.
    pub fn flow_window(self) -> Option<WindowKind> {
        match self {
            Frequency::Monthly => None,
            Frequency::Quarterly => Some(WindowKind::QuarterToDate),
            Frequency::Annual => Some(WindowKind::FinancialYearToDate),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Percent,
    Rate,
    Days,
    Number,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Percent => "percent",
            Unit::Rate => "rate",
            Unit::Days => "days",
            Unit::Number => "number",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    HigherIsBetter,
    LowerIsBetter,
    Neutral,
}

impl Polarity {
    pub fn name(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "higher_is_better",
            Polarity::LowerIsBetter => "lower_is_better",
            Polarity::Neutral => "neutral",
        }
    }
}

/// A measure. One flat shape for every kind so that each field keeps its
/// place in the file; which fields a kind needs is checked when compiling.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureDoc {
    /// flow, snapshot, ratio, rate, window, expression or cohort.
    #[schemars(with = "MeasureKind")]
    pub kind: Spanned<MeasureKind>,
    /// Source table (the Parquet file name under `data/` without `.parquet`).
    #[schemars(with = "Option<String>")]
    pub source: Option<Spanned<String>>,
    /// flow: the date column placing each row in a period.
    #[schemars(with = "Option<String>")]
    pub date: Option<Spanned<String>>,
    /// snapshot: the date the row opens.
    #[schemars(with = "Option<String>")]
    pub start: Option<Spanned<String>>,
    /// snapshot: the date the row closes (empty while still open).
    #[schemars(with = "Option<String>")]
    pub end: Option<Spanned<String>>,
    /// A Rhai expression over the row's columns; rows where it is false are left out.
    #[schemars(with = "Option<String>")]
    pub filter: Option<Spanned<String>>,
    /// Count distinct values of this column instead of rows.
    #[schemars(with = "Option<String>")]
    pub distinct: Option<Spanned<String>>,
    /// Sum this column instead of counting rows.
    #[schemars(with = "Option<String>")]
    pub sum: Option<Spanned<String>>,
    /// Average this column instead of counting rows.
    #[schemars(with = "Option<String>")]
    pub mean: Option<Spanned<String>>,
    /// With `sum` or `mean`: a text column saying why a row has no value
    /// (as pre-aggregated tables often do); it becomes the missing reason.
    #[schemars(with = "Option<String>")]
    pub missing_reason: Option<Spanned<String>>,
    /// snapshot: a row ending on the period's last day is open at its end
    /// (some returns count it so; by default it is closed).
    #[schemars(with = "Option<bool>")]
    pub open_on_end_day: Option<Spanned<bool>>,
    /// ratio: the measure counted on top.
    pub numerator: Option<Box<MeasureDoc>>,
    /// ratio: the measure counted below.
    pub denominator: Option<Box<MeasureDoc>>,
    /// ratio: multiplier of numerator / denominator (100 for a percentage).
    #[schemars(with = "Option<f64>")]
    pub scale: Option<Spanned<f64>>,
    /// rate and window: the measure being rated or windowed.
    pub measure: Option<Box<MeasureDoc>>,
    /// cohort: distinct counts whose ids make up the cohort: an id held by
    /// any of them (each id counted once across them all). `measures` is
    /// the older name.
    #[serde(default, alias = "measures")]
    pub any_of: Vec<MeasureDoc>,
    /// cohort: distinct counts every id counted must also be held by.
    #[serde(default)]
    pub all_of: Vec<MeasureDoc>,
    /// cohort: distinct counts no id counted may be held by.
    #[serde(default)]
    pub none_of: Vec<MeasureDoc>,
    /// rate: the population the measure is divided by.
    pub population: Option<PopulationDoc>,
    /// rate: the rate is per this many of the population (e.g. 10000).
    #[schemars(with = "Option<f64>")]
    pub per: Option<Spanned<f64>>,
    /// window: rolling_12m or financial_year_to_date.
    #[schemars(with = "Option<WindowKind>")]
    pub window: Option<Spanned<WindowKind>>,
    /// expression: a Rhai formula over other indicators' values in the same period.
    #[schemars(with = "Option<String>")]
    pub formula: Option<Spanned<String>>,
    /// flow and snapshot: the rows of one entity (a child, a worker) in
    /// order, so the filter can read `previous(column)`, the same entity's
    /// previous row's value.
    #[schemars(with = "Option<HistoryDoc>")]
    pub history: Option<Spanned<HistoryDoc>>,
    /// With `distinct`: count only the ids whose rows in the period meet
    /// this Rhai expression over `rows` (e.g. `rows >= 20`).
    #[schemars(with = "Option<String>")]
    pub having: Option<Spanned<String>>,
    /// flow and snapshot: columns brought from other sources by key, one
    /// row per key there (many-to-one), usable as the row's own.
    #[serde(default)]
    #[schemars(with = "Vec<LookupDoc>")]
    pub lookup: Vec<Spanned<LookupDoc>>,
}

/// How a source's rows make up each entity's history.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryDoc {
    /// The column identifying the entity (e.g. `person_id`).
    #[schemars(with = "String")]
    pub entity: Spanned<String>,
    /// The date column ordering an entity's rows (earliest first).
    #[schemars(with = "String")]
    pub order: Spanned<String>,
}

/// Columns of another source matched to each row by key: a child's date of
/// birth from `ssd_person` by person id, a team's locality.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupDoc {
    /// The source looked up: one row per key.
    #[schemars(with = "String")]
    pub source: Spanned<String>,
    /// The column of the measure's rows holding the key.
    #[schemars(with = "String")]
    pub key: Spanned<String>,
    /// The looked-up source's key column (by default named as `key`).
    #[schemars(with = "Option<String>")]
    pub on: Option<Spanned<String>>,
    /// The columns brought; a row whose key matches no row has them empty.
    #[schemars(with = "Vec<String>")]
    pub columns: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    Flow,
    Snapshot,
    Ratio,
    Rate,
    Window,
    Expression,
    Cohort,
}

impl MeasureKind {
    /// As written in `kind:`.
    pub fn name(self) -> &'static str {
        match self {
            MeasureKind::Flow => "flow",
            MeasureKind::Snapshot => "snapshot",
            MeasureKind::Ratio => "ratio",
            MeasureKind::Rate => "rate",
            MeasureKind::Window => "window",
            MeasureKind::Expression => "expression",
            MeasureKind::Cohort => "cohort",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    #[serde(rename = "rolling_12m")]
    Rolling12m,
    FinancialYearToDate,
    QuarterToDate,
}

/// A population: either a fixed number or a table with one row per year.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PopulationDoc {
    /// A fixed population.
    #[schemars(with = "Option<f64>")]
    pub value: Option<Spanned<f64>>,
    /// A source table with one row per calendar year.
    #[schemars(with = "Option<String>")]
    pub source: Option<Spanned<String>>,
    /// The integer year column of that table.
    #[schemars(with = "Option<String>")]
    pub year: Option<Spanned<String>>,
    /// The population column of that table.
    #[schemars(with = "Option<String>")]
    pub column: Option<Spanned<String>>,
    /// Rows to keep, if the table holds several populations.
    #[schemars(with = "Option<String>")]
    pub filter: Option<Spanned<String>>,
}

/// A file under `rules/`: one or many rule sets.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rule sets declared in this file.
    #[schemars(with = "Vec<RuleSetDoc>")]
    pub rules: Vec<Spanned<RuleSetDoc>>,
}

/// A named, reusable rule: a Rhai expression returning one of its outcomes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSetDoc {
    /// The name indicators refer to.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// dot (direction of travel) or rag (red/amber/green).
    pub kind: RuleKind,
    /// What the rule does, in words.
    pub description: Option<String>,
    /// Default parameters, available as variables in the expression.
    #[serde(default)]
    pub params: BTreeMap<String, f64>,
    /// Variables that must have a value; otherwise the result is "not rated" with the reason.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub requires: Vec<Spanned<String>>,
    /// The outcomes the expression may return, in display order.
    pub outcomes: Vec<OutcomeDoc>,
    /// What to do when the figure's base is small (under `quality.small_base`):
    /// `not_rated` (the default) or `warn` (rate it; the flag says so).
    #[serde(default)]
    pub on_small_base: SmallBase,
    /// A Rhai expression returning an outcome name, or `()` for "not rated".
    #[schemars(with = "String")]
    pub expression: Spanned<String>,
}

/// How a rule treats a figure with a small base.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum SmallBase {
    /// Not rated, with the reason.
    #[default]
    NotRated,
    /// Rated; the row's flag warns of the small base.
    Warn,
}

#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Dot,
    Rag,
}

/// One possible result of a rule.
#[derive(Debug, Deserialize, JsonSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct OutcomeDoc {
    /// The name the expression returns.
    pub name: String,
    /// Symbol shown in reports (e.g. an arrow).
    pub symbol: Option<String>,
    /// Label shown in reports.
    pub label: Option<String>,
    /// What the outcome means, which decides its colour in reports and
    /// whether `check` asks for commentary: `bad`, `caution`, `good` or
    /// `neutral` (the default).
    #[serde(default)]
    pub tone: Tone,
}

/// What an outcome means to a reader. Reports colour by tone, never by an
/// outcome's name, so outcomes can be named and labelled freely.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Needs attention: red in reports; `check` asks for commentary.
    Bad,
    /// Short of good: amber in reports.
    Caution,
    /// As hoped: green in reports.
    Good,
    /// Neither good nor bad: not coloured.
    #[default]
    Neutral,
}

impl Tone {
    pub fn name(self) -> &'static str {
        match self {
            Tone::Bad => "bad",
            Tone::Caution => "caution",
            Tone::Good => "good",
            Tone::Neutral => "neutral",
        }
    }
}

/// A change to an indicator's definition from a month on.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionDoc {
    /// The first month the change applies to, `2023-04`.
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    /// Why the definition changed, in a sentence.
    pub why: String,
    /// The measure from then on (filters, dates, windows ...).
    pub measure: Option<MeasureDoc>,
    /// DoT rule parameters from then on (over the indicator's own).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub dot_params: BTreeMap<String, Spanned<Number>>,
    /// RAG rule parameters from then on, e.g. a new amber band.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub rag_params: BTreeMap<String, Spanned<Number>>,
    /// The benchmarks from then on (all of them: those left out end).
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    pub benchmarks: Option<BTreeMap<String, Spanned<Number>>>,
}

/// One expected-value test of an indicator.
#[derive(Debug, Deserialize, JsonSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct TestDoc {
    /// What the test shows, in a few words.
    pub name: String,
    /// Fixture rows per source: `assessments: [{ start_date: 2023-03-01, ... }]`.
    /// Columns left out are empty; sources left out have no rows.
    #[serde(default)]
    pub rows: BTreeMap<String, Vec<BTreeMap<String, serde_json::Value>>>,
    /// The figures expected per period, keyed `2023-03`.
    pub expect: BTreeMap<String, ExpectDoc>,
}

/// The figures a test expects for one period; those left out are not checked.
#[derive(Debug, Deserialize, JsonSchema, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct ExpectDoc {
    /// The value, compared at the indicator's decimal places.
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// `ok` or `missing`.
    pub status: Option<String>,
    /// The RAG outcome, or `not_rated`.
    pub rag: Option<String>,
    /// The DoT outcome, or `not_rated`.
    pub dot: Option<String>,
}

/// `rubric.yaml` at the project root: settings for the whole project. Optional.
#[derive(Debug, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ProjectDoc {
    /// The working-day calendar: `england-and-wales` (the default),
    /// `scotland`, `northern-ireland`, or the path of a calendar YAML file
    /// inside the project.
    #[schemars(with = "Option<String>")]
    pub calendar: Option<Spanned<String>>,
    /// Extra non-working days, such as office closures: `[2023-12-29]`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub closure_days: Vec<Spanned<String>>,
    /// Limits on every expression of the project; each has a safe default.
    pub limits: Option<LimitsDoc>,
    /// The publication policy `rubric run --publish` applies.
    pub publication: Option<PublicationDoc>,
    /// Flags for figures to read with care.
    pub quality: Option<QualityDoc>,
    /// How a run without `--period` chooses its month: `latest` (the
    /// default: the latest month any source has a dated row in) or
    /// `common` (the latest month every source reaches).
    #[schemars(with = "Option<ReportingMonth>")]
    pub reporting_month: Option<Spanned<ReportingMonth>>,
    /// How reports print figures.
    pub display: Option<DisplayDoc>,
    /// Benchmarks read from a table, with their vintage and rank.
    pub benchmarks: Option<BenchmarkTableDoc>,
    /// Declared sources (more can be written in files under `sources/`).
    #[serde(default)]
    pub sources: Vec<super::sources::SourceDoc>,
}

/// How a run without `--period` chooses its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportingMonth {
    /// The latest month any source has a dated row in.
    #[default]
    Latest,
    /// The latest month every source reaches (its `extracted` day's month
    /// where declared, else its latest dated row's).
    Common,
}

/// How reports print figures, for the whole project.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DisplayDoc {
    /// How changes are printed, per unit: `{ percent: relative }` (the
    /// others keep points for a percentage, percent change otherwise).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, ChangeDisplay>")]
    pub change: BTreeMap<String, Spanned<ChangeDisplay>>,
}

/// When a figure is flagged.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QualityDoc {
    /// A percentage or rate whose denominator is under this has a small
    /// base: flagged, and not rated unless its rule set says `on_small_base: warn`.
    #[schemars(with = "Option<f64>")]
    pub small_base: Option<Spanned<f64>>,
    /// The day the data was extracted (`2023-07-28`): a period ending after
    /// it is flagged incomplete.
    #[schemars(with = "Option<String>")]
    pub extracted: Option<Spanned<String>>,
}

/// How outputs for publication withhold small counts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicationDoc {
    /// Counts from 1 to below this are withheld, with any percentage or
    /// rate built on one, and a second cell where needed (e.g. 5).
    #[schemars(with = "u64")]
    pub suppress_below: Spanned<u64>,
}

/// The sandbox's limits on expressions. An expression that passes one is
/// stopped with an error naming it; raise a limit only for a known reason.
#[derive(Debug, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LimitsDoc {
    /// Operations one evaluation may take (default 100,000).
    #[schemars(with = "Option<u64>")]
    pub max_operations: Option<Spanned<u64>>,
    /// Depth of nested function calls (default 16).
    #[schemars(with = "Option<u64>")]
    pub max_call_levels: Option<Spanned<u64>>,
    /// Depth of nested expressions (default 64).
    #[schemars(with = "Option<u64>")]
    pub max_expr_depth: Option<Spanned<u64>>,
    /// Characters in one string (default 10,000).
    #[schemars(with = "Option<u64>")]
    pub max_string_size: Option<Spanned<u64>>,
    /// Items in one array (default 10,000).
    #[schemars(with = "Option<u64>")]
    pub max_array_size: Option<Spanned<u64>>,
    /// Entries in one map (default 1,000).
    #[schemars(with = "Option<u64>")]
    pub max_map_size: Option<Spanned<u64>>,
}

/// A working-day calendar file: the days that are not working days besides weekends.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDoc {
    /// The calendar's name.
    pub name: String,
    /// The bank holidays.
    pub holidays: Vec<HolidayDoc>,
}

/// One bank holiday.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayDoc {
    /// The day, `YYYY-MM-DD`.
    #[schemars(with = "String")]
    pub date: Spanned<String>,
    /// What the day is.
    pub title: String,
}
