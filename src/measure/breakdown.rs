//! What a figure can be broken down by: how a value is named, and the
//! limits that keep a breakdown to teams and localities, not children.

use super::tables::source_error;
use crate::error::EvalError;
use crate::model::measure::BaseMeasure;
use crate::model::Project;

use crate::model::measure::UNRECORDED_GROUP;

/// The most values a figure is broken down by: a breakdown is for teams,
/// localities or workers, not for children or case numbers, and each value
/// adds rows to every report.
pub(crate) const MAX_BREAKDOWN_VALUES: usize = 2_000;

/// The longest breakdown value shown in a report, in characters.
pub(crate) const MAX_SHOWN_CHARS: usize = 200;

/// Why a row's breakdown value cannot be a group.
pub(super) enum GroupProblem {
    TooMany,
    TooLong(usize),
}

/// The error for a breakdown that cannot be made, naming the column, its
/// source and the indicators that break down by it.
pub(super) fn breakdown_error(
    project: &Project,
    base: &BaseMeasure,
    column: &str,
    problem: GroupProblem,
) -> EvalError {
    let position = project
        .base_measures
        .iter()
        .position(|b| std::ptr::eq(b, base));
    let users: Vec<&str> = project
        .indicators
        .iter()
        .filter(|i| {
            i.measures()
                .any(|m| position.is_some_and(|p| m.base_ids().contains(&p)))
        })
        .map(|i| i.id.as_str())
        .collect();
    let (message, help) = match problem {
        GroupProblem::TooMany => (
            format!(
                "`{column}` of `{}` has more than {MAX_BREAKDOWN_VALUES} distinct values, too many to break figures down by (indicators {})",
                base.source,
                users.join(", ")
            ),
            "break down by a column with fewer values (a team, a locality), or remove `breakdown:`",
        ),
        GroupProblem::TooLong(n) => (
            format!(
                "`{column}` of `{}` holds a value of {n} characters, longer than the {MAX_SHOWN_CHARS} a breakdown value shown in a report may have (indicators {})",
                base.source,
                users.join(", ")
            ),
            "fix the value where the data is exported, or break down by another column",
        ),
    };
    source_error(project, &base.source, message, help)
}

/// The longest reason for a missing value shown in a report, in characters.
pub(crate) const MAX_REASON_CHARS: usize = 1_000;

/// A reason for a missing value, refused when too long to show, naming
/// its column and source.
pub(super) fn check_reason(
    project: &Project,
    base: &BaseMeasure,
    reason: &str,
) -> Result<(), EvalError> {
    let n = reason.chars().count();
    if n <= MAX_REASON_CHARS {
        return Ok(());
    }
    let column = base.missing_reason.as_deref().unwrap_or_default();
    Err(source_error(
        project,
        &base.source,
        format!(
            "`{column}` of `{}` gives a reason of {n} characters for a missing value, longer than the {MAX_REASON_CHARS} a report shows",
            base.source
        ),
        "shorten the reason where the data is exported",
    ))
}

/// A breakdown value as written in the data. A value written exactly as
/// the label for empty values is shown in quotes, `"(not recorded)"`, so
/// the empty rows and the rows that say so stay two groups.
pub(crate) fn written_group(value: &str) -> std::borrow::Cow<'_, str> {
    if value == UNRECORDED_GROUP {
        std::borrow::Cow::Owned(format!("\"{value}\""))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}
