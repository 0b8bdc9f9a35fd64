//! A rating as reports show it: the outcome resolved in its rule set to
//! its tone, symbol and label, or why there is none. Written once here so
//! every format shows the same word and colour.

use crate::config::document::Tone;
use crate::model::indicator::RuleUse;
use crate::model::Project;
use crate::rules::evaluate::Rating;

/// A rating resolved for display.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shown<'a> {
    Outcome {
        name: &'a str,
        tone: Tone,
        symbol: Option<&'a str>,
        /// The outcome's label, or its name when it has none.
        label: &'a str,
        because: Option<&'a str>,
    },
    /// The rule ran but gave no outcome, with why.
    NotRated(&'a str),
    /// The indicator has no such rule, with the rating's note.
    NoRule(&'a str),
}

impl<'a> Shown<'a> {
    pub(crate) fn of(
        project: &'a Project,
        rule: Option<&RuleUse>,
        rating: &'a Rating,
    ) -> Shown<'a> {
        match (rating, rule) {
            (r, None) => Shown::NoRule(r.note().unwrap_or_default()),
            (Rating::NotRated(why), Some(_)) => Shown::NotRated(why),
            (Rating::Outcome { name, because }, Some(u)) => {
                let outcome = project.rule_sets.get(&u.rule).and_then(|r| r.outcome(name));
                Shown::Outcome {
                    name,
                    tone: outcome.map_or(Tone::Neutral, |o| o.tone),
                    symbol: outcome.and_then(|o| o.symbol.as_deref()),
                    label: outcome.and_then(|o| o.label.as_deref()).unwrap_or(name),
                    because: because.as_deref(),
                }
            }
        }
    }

    /// Why: the rule's reason for its outcome, or why there is none.
    pub(crate) fn because(&self) -> Option<&'a str> {
        match self {
            Shown::Outcome { because, .. } => *because,
            Shown::NotRated(why) | Shown::NoRule(why) => Some(why),
        }
    }
}

/// The key of a rating in a count or a filter: its tone's colour for a
/// coloured outcome, `neutral` for an uncoloured one, `not-rated`, `none`.
pub(crate) fn rating_key(shown: &Shown) -> &'static str {
    match shown {
        Shown::Outcome { tone, .. } => tone_colour(*tone),
        Shown::NotRated(_) => "not-rated",
        Shown::NoRule(_) => "none",
    }
}

/// The colour a tone is painted in (the HTML class; the workbook's fills).
pub(crate) fn tone_colour(tone: Tone) -> &'static str {
    match tone {
        Tone::Bad => "red",
        Tone::Caution => "amber",
        Tone::Good => "green",
        Tone::Neutral => "neutral",
    }
}
