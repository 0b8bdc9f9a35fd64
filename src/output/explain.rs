//! `rubric explain`: why one figure is what it is, in plain words. The
//! definition with its filters, the value with its numerator and
//! denominator (or why it is missing), the comparisons, the target, and for
//! DoT and RAG the outcome, the rule's own reason and every value it read.

use super::review::describe_measure;
use crate::calendar::period::Month;
use crate::config::document::ChangeDisplay;
use crate::config::document::CompareWith;
use crate::format;
use crate::format::period_label;
use crate::model::indicator::RuleUse;
use crate::model::Project;
use crate::rules::evaluate::{comparison_against, rule_inputs, Rating, RuleInput};
use crate::rules::scorecard::Row;
use std::fmt::Write as _;

/// The explanation of one scorecard row.
pub(crate) fn render(project: &Project, row: &Row) -> String {
    let ind = &project.indicators[row.indicator];
    let (unit, decimals) = (ind.unit, ind.decimals);
    let shown = |v: f64| format::value(v, unit, decimals);
    let label = |m: Month| period_label(m, ind.frequency);
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", ind.id, ind.title);
    let _ = writeln!(
        out,
        "{} ({}), {}",
        label(row.period),
        ind.frequency.name(),
        match &row.group {
            Some(part) => match ind.breakdowns.iter().find(|b| b.name == part.by) {
                Some(b) => format!("{} = {}", b.describe(), part.value),
                None => format!("{} = {}", part.by, part.value),
            },
            None => "the whole".to_string(),
        }
    );
    let _ = writeln!(
        out,
        "defined in {}:{}\n",
        crate::text::slashed(&ind.file),
        ind.place.line
    );

    let p = &row.point;
    match p.value {
        Some(v) => {
            let _ = write!(out, "value: {}", shown(v));
            match (p.numerator, p.denominator) {
                (Some(n), Some(d)) => {
                    let _ = writeln!(
                        out,
                        " = numerator {} / denominator {}",
                        format::count(n),
                        format::count(d)
                    );
                }
                _ => {
                    let _ = writeln!(out);
                }
            }
        }
        None => {
            let _ = writeln!(
                out,
                "value: missing, because {}",
                p.missing.as_deref().unwrap_or("no value was computed")
            );
        }
    }
    for flag in &row.flags {
        let _ = writeln!(out, "read with care: {flag}");
    }
    match ind.version_at(row.period) {
        Some(v) => {
            let _ = writeln!(out, "\ndefinition: as changed from {}: {}", v.from, v.why);
        }
        None if !ind.versions.is_empty() => {
            let _ = writeln!(
                out,
                "\ndefinition: as first written (changed from {} on)",
                ind.versions[0].from
            );
        }
        None => {}
    }
    let _ = writeln!(out, "\nhow it is measured:");
    describe_measure(&mut out, project, ind.measure_at(row.period), 1);

    let c = &row.comparison;
    let basis = crate::rules::comparisons::Basis::of(ind);
    let _ = writeln!(out, "\ncompared with:");
    let against =
        |name: &str, m: Month, base: Option<f64>, change: Option<f64>, pct: Option<f64>| match base
        {
            None => format!("- {name} ({}): no value", label(m)),
            Some(b) => {
                // As printed, and the other way in brackets.
                let other = match ind.change_display {
                    ChangeDisplay::Points => ChangeDisplay::Relative,
                    ChangeDisplay::Relative => ChangeDisplay::Points,
                };
                let printed = format::change(change, pct, unit, ind.change_display, decimals);
                let also = format::change(change, pct, unit, other, decimals)
                    .filter(|o| Some(o) != printed.as_ref())
                    .map_or(String::new(), |o| format!(" ({o})"));
                let moved = printed.map_or(String::new(), |t| format!(", a change of {t}{also}"));
                format!("- {name} ({}): {}{moved}", label(m), shown(b))
            }
        };
    let previous = match basis.compare_with {
        CompareWith::PreviousPeriod => "the previous period",
        CompareWith::SamePeriodLastYear => "the same period last year",
    };
    let _ = writeln!(
        out,
        "{}",
        against(
            previous,
            row.period.offset(-(basis.back() as i32)),
            c.previous,
            c.change,
            c.change_pct
        )
    );
    if basis.compare_with == CompareWith::SamePeriodLastYear {
        let why = if ind.cumulative {
            "a to-date value, so "
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  ({why}its change and direction of travel compare with the same period last year)"
        );
    } else {
        let _ = writeln!(
            out,
            "{}",
            against(
                "the same period last year",
                row.period.offset(-12),
                c.last_year,
                c.change_yoy,
                c.change_yoy_pct
            )
        );
    }
    match (c.avg_12m, c.max_12m, c.min_12m) {
        _ if ind.cumulative => {
            let _ = writeln!(
                out,
                "- the last 12 months: no average or highest, as each month's value includes the months before it"
            );
        }
        (Some(avg), Some(max), Some(min)) => {
            let _ = writeln!(
                out,
                "- the last 12 months: average {}, highest {}, lowest {}",
                shown(avg),
                shown(max),
                shown(min)
            );
        }
        _ => {
            let _ = writeln!(out, "- the last 12 months: no values");
        }
    }
    match &row.target_term {
        Some(t) => {
            let strict = if t.strict() {
                " (strict: met only beyond it)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "- the target for {}: {}{strict}",
                row.period.financial_year(),
                t.shown(ind.polarity, unit, decimals)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "- the target for {}: none set",
                row.period.financial_year()
            );
        }
    }
    for (name, f) in &row.benchmarks {
        let _ = writeln!(
            out,
            "- benchmark {}: {}",
            name.replace('_', " "),
            crate::format::benchmark(f, unit, decimals, true)
        );
    }
    if let Some(v) = row.comparison.outturn {
        let _ = writeln!(
            out,
            "- outturn for {}: {}",
            crate::calendar::period::FinancialYear(row.period.financial_year().0 - 1),
            shown(v)
        );
    }

    let input = RuleInput {
        indicator: ind,
        period: row.period,
        point: &row.point,
        comparison: &row.comparison,
        target: row.target,
        target_term: row.target_term.as_ref(),
        small_base: None,
        flags: &row.flags,
        benchmarks: &row.benchmarks,
    };
    for (title, rating, rule_use) in [
        ("direction of travel", &row.dot, ind.dot_at(row.period)),
        ("RAG rating", &row.rag, ind.rag_at(row.period)),
    ] {
        let _ = writeln!(out);
        explain_rating(&mut out, project, title, rating, rule_use, &input);
    }
    for (spec, rating) in ind.rated.iter().zip(&row.rated) {
        let _ = writeln!(out);
        let title = format!(
            "{} (against {})",
            spec.name.replace('_', " "),
            spec.against.describe()
        );
        let against = comparison_against(spec, &input).unwrap_or_default();
        let input = RuleInput {
            comparison: &against,
            ..input
        };
        explain_rating(&mut out, project, &title, rating, Some(&spec.rule), &input);
    }
    if let Some(text) = &row.commentary {
        let _ = writeln!(out, "\ncommentary: {text}");
    }
    out
}

fn explain_rating(
    out: &mut String,
    project: &Project,
    title: &str,
    rating: &Rating,
    rule_use: Option<&RuleUse>,
    input: &RuleInput,
) {
    let Some(u) = rule_use else {
        let _ = writeln!(out, "{title}: not given (no rule set is named)");
        return;
    };
    match rating {
        Rating::Outcome { name, because } => {
            let _ = write!(out, "{title}: {name}, by the rule `{}`", u.rule);
            match because {
                Some(why) => {
                    let _ = writeln!(out, ": {why}");
                }
                None => {
                    let _ = writeln!(out);
                }
            }
        }
        Rating::NotRated(why) => {
            let _ = writeln!(out, "{title}: not rated by the rule `{}`: {why}", u.rule);
        }
    }
    let read = rule_inputs(project, u, input);
    if !read.is_empty() {
        let values: Vec<String> = read.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let _ = writeln!(out, "  the rule read: {}", values.join(", "));
    }
}
