//! The key to a page's ratings, from the rule sets rating the columns it
//! shows.

use super::{Board, Column};

/// One rule set in a page's key: what it does and its outcomes as shown.
pub(crate) struct RatingKey<'a> {
    pub description: Option<&'a str>,
    /// Each outcome's symbol (may be empty) and label.
    pub outcomes: Vec<(&'a str, &'a str)>,
}

impl<'a> Board<'a> {
    /// The key to the page's ratings: each rule set rating a column the
    /// page shows (RAG first, then direction of travel), with its outcomes'
    /// symbols and labels and what it does, from the rule sets themselves.
    pub(crate) fn rating_key(&self) -> Vec<RatingKey<'a>> {
        let mut names: Vec<&'a str> = Vec::new();
        let project = self.project;
        let mut add = |rule: Option<&'a str>| {
            if let Some(r) = rule.filter(|r| !names.contains(r)) {
                names.push(r);
            }
        };
        let reporting = self.reporting;
        if self.shows(|c| matches!(c, Column::Rag)) {
            for l in self.lines() {
                add(l.indicator.rag_at(reporting).map(|u| u.rule.as_str()));
            }
        }
        if self.shows(|c| matches!(c, Column::Dot)) {
            for l in self.lines() {
                add(l.indicator.dot_at(reporting).map(|u| u.rule.as_str()));
            }
        }
        names
            .into_iter()
            .filter_map(|n| project.rule_sets.get(n))
            .map(|r| RatingKey {
                description: r.description.as_deref().map(str::trim),
                outcomes: r
                    .outcomes
                    .iter()
                    .map(|o| {
                        (
                            o.symbol.as_deref().unwrap_or_default(),
                            o.label.as_deref().unwrap_or(&o.name),
                        )
                    })
                    .collect(),
            })
            .collect()
    }
}
