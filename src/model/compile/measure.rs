//! Measures: each kind's fields checked against one table, sources and
//! columns resolved with their types, filters and formulas compiled.

use super::kinds::{kind, Compiling, Need, Windows, KINDS};
use super::{Ctx, IndicatorSite};
use crate::config::document::*;
use crate::config::span::{Location, Spanned};
use crate::diagnostic::{Diagnostic, Place};
use crate::model::measure::Measure;

/// A field of a measure: its name and where it is set in a document (a
/// nested measure at its `kind:`). Which kinds take it is each kind's own
/// (`kinds/`).
struct Field {
    name: &'static str,
    at: fn(&MeasureDoc) -> Option<&Location>,
}

fn loc<T>(s: &Option<Spanned<T>>) -> Option<&Location> {
    s.as_ref().map(|s| &s.referenced)
}

/// Every field of `MeasureDoc` but `kind`: the one table behind both the
/// check and its messages (a test holds it to the document type).
const FIELDS: &[Field] = &[
    Field {
        name: "source",
        at: |d| loc(&d.source),
    },
    Field {
        name: "date",
        at: |d| loc(&d.date),
    },
    Field {
        name: "start",
        at: |d| loc(&d.start),
    },
    Field {
        name: "end",
        at: |d| loc(&d.end),
    },
    Field {
        name: "filter",
        at: |d| loc(&d.filter),
    },
    Field {
        name: "distinct",
        at: |d| loc(&d.distinct),
    },
    Field {
        name: "sum",
        at: |d| loc(&d.sum),
    },
    Field {
        name: "mean",
        at: |d| loc(&d.mean),
    },
    Field {
        name: "missing_reason",
        at: |d| loc(&d.missing_reason),
    },
    Field {
        name: "history",
        at: |d| d.history.as_ref().map(|h| &h.referenced),
    },
    Field {
        name: "having",
        at: |d| loc(&d.having),
    },
    Field {
        name: "lookup",
        at: |d| d.lookup.first().map(|l| &l.referenced),
    },
    Field {
        name: "numerator",
        at: |d| d.numerator.as_ref().map(|_| &d.kind.referenced),
    },
    Field {
        name: "denominator",
        at: |d| d.denominator.as_ref().map(|_| &d.kind.referenced),
    },
    Field {
        name: "open_on_end_day",
        at: |d| loc(&d.open_on_end_day),
    },
    Field {
        name: "scale",
        at: |d| loc(&d.scale),
    },
    Field {
        name: "measure",
        at: |d| d.measure.as_ref().map(|_| &d.kind.referenced),
    },
    Field {
        name: "any_of",
        at: |d| d.any_of.first().map(|m| &m.kind.referenced),
    },
    Field {
        name: "all_of",
        at: |d| d.all_of.first().map(|m| &m.kind.referenced),
    },
    Field {
        name: "none_of",
        at: |d| d.none_of.first().map(|m| &m.kind.referenced),
    },
    Field {
        name: "population",
        at: |d| d.population.as_ref().map(|_| &d.kind.referenced),
    },
    Field {
        name: "per",
        at: |d| loc(&d.per),
    },
    Field {
        name: "window",
        at: |d| loc(&d.window),
    },
    Field {
        name: "formula",
        at: |d| loc(&d.formula),
    },
];

/// Every (kind, key) pair a measure accepts besides `kind`, from the one
/// table the check uses: the test that no key is silently ignored is
/// generated from it, so a new key cannot be added without its case.
pub fn accepted_keys() -> Vec<(&'static str, &'static str)> {
    FIELDS
        .iter()
        .flat_map(|f| {
            KINDS
                .iter()
                .filter(|k| k.keys().contains(&f.name))
                .map(move |k| (k.name(), f.name))
        })
        .collect()
}

/// What a measure of this kind takes, for messages: `kind, source, date, ...`.
fn takes(kind: MeasureKind) -> String {
    let kind = self::kind(kind);
    let fields: Vec<&str> = FIELDS
        .iter()
        .filter(|f| kind.keys().contains(&f.name))
        .map(|f| f.name)
        .collect();
    format!(
        "a {} measure takes: kind, {}",
        kind.name(),
        fields.join(", ")
    )
}

pub(super) fn compile_measure(
    doc: &MeasureDoc,
    windows: Windows,
    site: &IndicatorSite,
    ctx: &mut Ctx,
) -> Option<Measure> {
    let measure_kind = kind(doc.kind.value);
    let kind_name = measure_kind.name();
    let mut ok = true;
    for field in FIELDS {
        if let Some(location) = (field.at)(doc) {
            if !measure_kind.keys().contains(&field.name) {
                ctx.problems.push(
                    Diagnostic::new(
                        site.file,
                        Place::from(location),
                        format!("`{}` is not used by a {kind_name} measure", field.name),
                    )
                    .subject(site.subject.clone())
                    .help(takes(doc.kind.value)),
                );
                ok = false;
            }
        }
    }
    measure_kind.compile(Compiling {
        doc,
        windows,
        site,
        ctx,
        ok,
        need: Need {
            kind: &doc.kind,
            takes,
            site,
        },
        inner: compile_measure,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_table_names_every_field_of_the_document_type() {
        let schema = schemars::schema_for!(MeasureDoc);
        let properties = schema.as_value()["properties"]
            .as_object()
            .expect("a measure document is an object");
        let mut declared: Vec<&str> = properties
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "kind")
            .collect();
        declared.sort_unstable();
        let mut table: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        table.sort_unstable();
        assert_eq!(table, declared);
    }

    #[test]
    fn every_kind_is_registered_once_and_takes_only_fields_of_the_table() {
        let schema = schemars::schema_for!(MeasureKind);
        let names: Vec<String> = schema.as_value()["enum"]
            .as_array()
            .expect("the kinds are an enum of names")
            .iter()
            .map(|n| n.as_str().expect("a name").to_string())
            .collect();
        assert_eq!(names.len(), KINDS.len(), "{names:?}");
        for name in &names {
            let registered: Vec<_> = KINDS.iter().filter(|k| k.name() == name).collect();
            assert_eq!(registered.len(), 1, "the kind `{name}`");
            let k = registered[0];
            assert_eq!(kind(k.kind()).name(), k.name());
            assert!(!k.keys().is_empty(), "the kind `{name}` takes no key");
            for key in k.keys() {
                assert!(
                    FIELDS.iter().any(|f| f.name == *key),
                    "the kind `{name}` takes `{key}`, which is no field of MeasureDoc"
                );
            }
        }
    }
}
