//! Where a value sits in its YAML file. The document types carry their
//! values as `Spanned<T>` (the value and where it was written); the rest of
//! Rubric reads a span only as a [`Place`], so swapping the YAML crate
//! means changing this file and the document types.

use crate::diagnostic::Place;

pub(crate) use serde_saphyr::{Location, Spanned};

impl From<&Location> for Place {
    fn from(location: &Location) -> Self {
        Place::new(location.line() as u32, location.column() as u32)
    }
}
