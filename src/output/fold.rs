//! Which columns of a web page's table fold away on a screen too narrow
//! for them, and which must stay in view. A table with more than a few
//! periods shows the latest ones and folds the older behind a button (the
//! page's script does it, so without a script, and in print, every period
//! shows); the indicator, the latest value, the target, RAG and DoT are
//! the columns a reader needs without scrolling sideways.

use crate::layout::{Board, Column};
use serde::Serialize;

/// Periods a table keeps unfolded at the least; fewer are never folded.
const FOLD_FROM: usize = 4;

/// What the markup says of each column.
pub(super) struct Marks {
    /// How many period columns come after this one (0: the latest), for a
    /// period column that may fold.
    pub ages: Vec<Option<usize>>,
    /// Whether the column must stay in view.
    pub keys: Vec<bool>,
    /// The row of group headings, one cell per ungrouped column (so a
    /// folded column takes its cell with it) and one per group.
    pub groups: Vec<GroupCell>,
}

#[derive(Serialize)]
pub(super) struct GroupCell {
    pub text: String,
    /// The first column it stands over, and how many.
    pub from: usize,
    pub span: usize,
}

pub(super) fn marks(board: &Board, columns: &[Column]) -> Marks {
    let spans = board.group_spans(columns);
    // With no group at all, `spans` is empty.
    let mut grouped = vec![false; columns.len()];
    let mut at = 0;
    for (group, n) in &spans {
        grouped[at..at + n].fill(group.is_some());
        at += n;
    }
    let foldable: Vec<bool> = columns
        .iter()
        .zip(&grouped)
        .map(|(c, g)| matches!(c, Column::Period(_)) && !g)
        .collect();
    let count = foldable.iter().filter(|f| **f).count();
    let mut after = count;
    let ages: Vec<Option<usize>> = foldable
        .iter()
        .map(|f| {
            if !*f || count < FOLD_FROM {
                return None;
            }
            after -= 1;
            Some(after)
        })
        .collect();
    let latest_period = columns.iter().rposition(|c| matches!(c, Column::Period(_)));
    let keys = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            matches!(
                c,
                Column::Latest | Column::Target(None) | Column::Rag | Column::Dot
            ) || Some(i) == latest_period
        })
        .collect();
    let mut groups = Vec::new();
    let mut at = 0;
    for (group, n) in spans {
        match group {
            Some(text) => groups.push(GroupCell {
                text: text.to_string(),
                from: at,
                span: n,
            }),
            None => groups.extend((at..at + n).map(|i| GroupCell {
                text: String::new(),
                from: i,
                span: 1,
            })),
        }
        at += n;
    }
    Marks { ages, keys, groups }
}
