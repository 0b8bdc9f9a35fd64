//! The figures of a measure as SQL over the grid of months and groups:
//! value, numerator, denominator and the reason a value is missing, in
//! the words a native run gives.

use super::{gives_reasons, per_group, Builder, NoSql};
use crate::model::measure::{Aggregate, BaseId, Cohort, Measure, Population};

/// The figures of one measure as SQL over the joined grid row; `missing`
/// is why the value is missing (NULL when it is not), in the scan's words.
pub(super) struct Figure {
    pub(super) value: String,
    pub(super) numerator: String,
    pub(super) denominator: String,
    pub(super) missing: String,
}

impl Figure {
    fn whole(value: String) -> Figure {
        Figure {
            value,
            numerator: "NULL".to_string(),
            denominator: "NULL".to_string(),
            missing: "NULL".to_string(),
        }
    }
}

impl Builder<'_> {
    pub(super) fn figure(&mut self, m: &Measure) -> Result<Figure, NoSql> {
        let d = self.d;
        Ok(match m {
            Measure::Base(id) => {
                let name = self.base(*id)?;
                match self.project.base_measures[*id].aggregate {
                    Aggregate::Count | Aggregate::Distinct(_) => {
                        Figure::whole(format!("coalesce({name}.v, 0)"))
                    }
                    Aggregate::Sum(_) | Aggregate::Mean(_) => Figure {
                        value: format!("{name}.v"),
                        missing: format!(
                            "CASE WHEN {name}.v IS NULL THEN {} END",
                            self.reasons(*id, &name)
                        ),
                        ..Figure::whole(String::new())
                    },
                }
            }
            Measure::Ratio {
                numerator,
                denominator,
                scale,
            } => {
                let (n, dn) = (self.figure(numerator)?, self.figure(denominator)?);
                let (nv, dv) = (&n.value, &dn.value);
                let both = format!("({nv}) IS NOT NULL AND ({dv}) IS NOT NULL");
                Figure {
                    value: format!(
                        "CASE WHEN {both} AND ({dv}) <> 0 THEN ({nv}) * {} / ({dv}) END",
                        d.float(*scale)
                    ),
                    numerator: format!("CASE WHEN {both} THEN {nv} END"),
                    denominator: format!("CASE WHEN {both} THEN {dv} END"),
                    missing: format!(
                        "CASE WHEN ({nv}) IS NULL THEN {} WHEN ({dv}) IS NULL THEN {} WHEN ({dv}) = 0 THEN {} END",
                        d.concat(&[d.string("numerator: "), n.missing]),
                        d.concat(&[d.string("denominator: "), dn.missing]),
                        d.string("the denominator is 0")
                    ),
                }
            }
            Measure::Rate {
                measure,
                population,
                per,
            } => {
                let inner = self.figure(measure)?;
                let m = &inner.value;
                let pop = match population {
                    Population::Fixed(v) => d.float(*v),
                    Population::Table { .. } => self.population(population)?,
                };
                let ok = format!("({m}) IS NOT NULL AND ({pop}) > 0");
                let year = format!("CAST({} AS {})", d.int_div("grid.p", "12"), d.text());
                // The population as Rust prints a float: whole numbers bare.
                let shown = format!(
                    "CASE WHEN ({pop}) = CAST(CAST({pop} AS BIGINT) AS {double}) THEN CAST(CAST({pop} AS BIGINT) AS {text}) ELSE CAST({pop} AS {text}) END",
                    double = d.double(),
                    text = d.text()
                );
                Figure {
                    value: format!("CASE WHEN {ok} THEN ({m}) * {} / ({pop}) END", d.float(*per)),
                    numerator: format!("CASE WHEN {ok} THEN {m} END"),
                    denominator: format!("CASE WHEN {ok} THEN {pop} END"),
                    missing: format!(
                        "CASE WHEN ({m}) IS NULL THEN {} WHEN ({pop}) IS NULL THEN {} WHEN ({pop}) <= 0 THEN {} END",
                        inner.missing,
                        d.concat(&[d.string("no population for "), year.clone(), d.string(" or earlier")]),
                        d.concat(&[d.string("the population for "), year, d.string(" is "), shown]),
                    ),
                }
            }
            Measure::Cohort(c) => {
                let cte = format!("cohort{}", self.ctes.len());
                let grouped = self.cohort(c)?;
                self.ctes.push(format!("{cte} AS ({grouped})"));
                self.joins.push(format!(
                    "LEFT JOIN {cte} ON {cte}.p = grid.p AND {cte}.b = grid.b AND {cte}.g = grid.g"
                ));
                Figure::whole(format!("coalesce({cte}.v, 0)"))
            }
            Measure::Expression(f) => return Err(NoSql::Formula(f.inputs.clone())),
        })
    }

    /// A cohort's distinct ids per period and group (`p, b, g, v`).
    fn cohort(&mut self, c: &Cohort) -> Result<String, NoSql> {
        let d = self.d;
        let members: Vec<usize> = c.members().collect();
        let names = members
            .iter()
            .map(|m| self.base(*m))
            .collect::<Result<Vec<_>, _>>()?;
        let breakdowns = &self.project.base_measures[members[0]].breakdowns;
        let any_having = members
            .iter()
            .any(|m| self.project.base_measures[*m].having.is_some());
        if c.is_union() && !any_having {
            let union: Vec<String> = names
                .iter()
                .map(|n| format!("SELECT * FROM {n}_placed"))
                .collect();
            return Ok(per_group(
                d,
                breakdowns,
                "",
                "count(DISTINCT v) AS v",
                &union.join(" UNION ALL "),
            ));
        }
        // Each member's ids per period and group (a member with `having`
        // only those meeting it, as the native run keeps each group's held
        // ids), combined as sets.
        let mut held = Vec::with_capacity(members.len());
        for (m, n) in members.iter().zip(&names) {
            let placed = format!("SELECT * FROM {n}_placed");
            let base = &self.project.base_measures[*m];
            held.push(match &base.having {
                Some(h) => {
                    let (per_id, kept) = self.ids_having(h, breakdowns, &placed)?;
                    format!("SELECT p, b, g, v FROM ({per_id}) AS rubric_per_id WHERE {kept}")
                }
                None => {
                    let per_id = per_group(d, breakdowns, ", v", "count(*) AS rubric_n", &placed);
                    format!("SELECT p, b, g, v FROM ({per_id}) AS rubric_per_id")
                }
            });
        }
        let held_by = |m: usize| &held[members.iter().position(|x| *x == m).unwrap_or(0)];
        let ids = if c.is_union() {
            held.join(" UNION ALL ")
        } else {
            // One set operation at a time, each side its own subquery, so
            // no dialect's precedence of INTERSECT over UNION and EXCEPT
            // comes into it.
            let mut steps = Vec::new();
            let (mut ids, all_from) = if c.any_of.is_empty() {
                (held_by(c.all_of[0]).clone(), 1)
            } else {
                let any: Vec<&String> = c.any_of.iter().map(|m| held_by(*m)).collect();
                (
                    any.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" UNION "),
                    0,
                )
            };
            for m in &c.all_of[all_from..] {
                steps.push(("INTERSECT", held_by(*m)));
            }
            for m in &c.none_of {
                steps.push(("EXCEPT", held_by(*m)));
            }
            for (k, (op, other)) in steps.into_iter().enumerate() {
                ids = format!(
                    "SELECT p, b, g, v FROM ({ids}) AS rubric_s{k} {op} SELECT p, b, g, v FROM ({other}) AS rubric_t{k}"
                );
            }
            ids
        };
        Ok(format!(
            "SELECT p, b, g, count(DISTINCT v) AS v FROM ({ids}) AS rubric_members GROUP BY p, b, g"
        ))
    }

    /// Why a sum or mean has no value: the least reason its rows give
    /// (`missing_reason`), else that there are none.
    fn reasons(&self, id: BaseId, name: &str) -> String {
        let none = self.d.string("no rows in this period");
        if gives_reasons(&self.project.base_measures[id]) {
            format!("coalesce({name}.reason, {none})")
        } else {
            none
        }
    }
}
