//! A page file under `pages/` as written: what one report shows. Columns
//! and rows are read by visitors rather than untagged enums, so each item
//! keeps its place in the file for messages.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A file under `pages/`: one report, written in the formats it lists as
/// `<file name>.md`, `.html` and `.xlsx`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageDoc {
    /// The report's title, printed at its top.
    pub title: String,
    /// A sentence under the title: who the report is for, what it covers.
    #[serde(default)]
    pub description: Option<String>,
    /// The formats written, by name: `markdown`, `html`, `xlsx` (default
    /// all of them).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub formats: Option<Vec<Spanned<String>>>,
    /// Months shown for monthly indicators (default 13, at most 24).
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub months: Option<Spanned<u32>>,
    /// Quarters shown for quarterly indicators (default 5, at most 8).
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub quarters: Option<Spanned<u32>>,
    /// Years shown for annual indicators (default 3, at most 4).
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub years: Option<Spanned<u32>>,
    /// The columns of each table after the reference and the title, in order.
    #[schemars(with = "Vec<ColumnSchema>")]
    pub columns: Vec<Spanned<ColumnDoc>>,
    /// Whether each indicator's breakdown tables are shown (default true).
    #[serde(default)]
    pub breakdowns: Option<bool>,
    /// Whether each section lists its commentary below its table (default
    /// true), as analysis and actions.
    #[serde(default)]
    pub commentary: Option<bool>,
    /// Whether each section shows, per indicator, a chart of its periods
    /// with the target, last year and a benchmark, its figures and its
    /// commentary, after its tables (default false; drawn in HTML and
    /// PDF, the formats that can draw).
    #[serde(default)]
    pub charts: Option<bool>,
    /// The sections, in order.
    pub sections: Vec<SectionDoc>,
    /// How the page's tables mark a cell with no value and one where
    /// nothing applies (default `n/a` and `–`), and any reason's own mark.
    #[serde(default)]
    pub markers: Option<MarkersDoc>,
}

/// A page's marks for cells without a figure.
#[derive(Debug, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct MarkersDoc {
    /// A value that is missing (default `n/a`); its reason is under the table.
    pub missing: Option<String>,
    /// A cell where nothing applies, such as a target never set (default
    /// `–`; `""` leaves it blank).
    pub not_applicable: Option<String>,
    /// A missing value's own mark by its reason, as the published table
    /// prints it: `{ "to be confirmed (TBC)": tbc }`.
    #[serde(default)]
    pub reasons: std::collections::BTreeMap<String, String>,
}

/// One section of a page.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionDoc {
    /// The section's heading; left out, the section is a block of rows
    /// with no heading, as a published table has.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub title: Option<Spanned<String>>,
    /// Whether the section starts a new page where the format has pages
    /// (the PDF, the web page printed, the workbook printed).
    #[serde(default)]
    pub new_page: Option<bool>,
    /// Every indicator declared with this `section:`, in declaration order
    /// (before any `rows`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub indicators_of: Option<Spanned<String>>,
    /// The rows: an indicator's id, `{ indicator, ref, label }`, or a
    /// sub-heading `{ heading: TEXT }`.
    #[serde(default)]
    #[schemars(with = "Vec<RowSchema>")]
    pub rows: Vec<Spanned<RowDoc>>,
}

/// One row of a section as written.
#[derive(Debug, Clone, PartialEq)]
pub enum RowDoc {
    Indicator {
        id: String,
        /// The published reference printed as the row's label (`CP6B-NI`).
        reference: Option<String>,
        /// The title printed instead of the indicator's.
        label: Option<String>,
    },
    Heading(String),
}

/// The schema of [`RowDoc`].
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum RowSchema {
    /// An indicator's id.
    Id(String),
    /// An indicator with its published reference and a label.
    Indicator {
        indicator: String,
        /// The published reference (`M6-QL (val)`, `43`).
        #[serde(rename = "ref")]
        reference: Option<String>,
        /// The title printed instead of the indicator's.
        label: Option<String>,
    },
    /// A sub-heading within the section.
    Heading { heading: String },
}

/// One column of a page as written: a name, or a map for a column with
/// settings. Every form takes an optional `label` for its heading.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDoc {
    /// `periods`, `latest`, `trend`, `change`, `dot`, `rag`, `avg_12m`,
    /// `max_12m`, `min_12m`, `target`, `outturn`, `benchmarks`,
    /// `commentary`, `owner`, `reporter`, `outcome`; or the key of a map
    /// form (`change`, `target`, `benchmark`, `rated`).
    pub kind: String,
    /// The map form's value (`last_year`, `2023-24`, `england`, a rated
    /// comparison's name).
    pub of: Option<String>,
    /// How a change is printed (`points` or `relative`).
    pub display: Option<String>,
    /// How a change shows its direction (`plus_minus`, `unsigned`, `arrow`).
    pub sign: Option<String>,
    pub label: Option<String>,
    /// A heading over this column and the columns beside it with the same.
    pub group: Option<String>,
}

/// The schema of [`ColumnDoc`].
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ColumnSchema {
    /// `periods`, `latest`, `trend`, `change`, `change_yoy`, `dot`, `rag`,
    /// `avg_12m`, `max_12m`, `min_12m`, `target`, `outturn`, `benchmarks`,
    /// `commentary`, `owner`, `reporter` or `outcome`.
    Name(String),
    /// A change: against `previous` or `last_year`, printed as `points` or
    /// `relative`.
    Change {
        change: String,
        display: Option<String>,
        /// `plus_minus` (`+10%`, the default), `unsigned` (`10%`) or
        /// `arrow` (`↑ 10%`).
        sign: Option<String>,
        label: Option<String>,
        /// A heading over consecutive columns with the same group.
        group: Option<String>,
    },
    /// The target of a financial year (`2023-24`), or `in_force`.
    Target {
        target: String,
        label: Option<String>,
        /// A heading over consecutive columns with the same group.
        group: Option<String>,
    },
    /// One benchmark by name.
    Benchmark {
        benchmark: String,
        label: Option<String>,
        /// A heading over consecutive columns with the same group.
        group: Option<String>,
    },
    /// A rated comparison by name (`dot`, `rag`, or one under `rated:`).
    Rated {
        rated: String,
        label: Option<String>,
        /// A heading over consecutive columns with the same group.
        group: Option<String>,
    },
    /// Any named column with its own heading.
    Labelled {
        column: String,
        label: Option<String>,
        /// A heading over consecutive columns with the same group.
        group: Option<String>,
    },
}

const COLUMN_KEYS: [&str; 9] = [
    "change",
    "target",
    "benchmark",
    "rated",
    "column",
    "display",
    "sign",
    "label",
    "group",
];

impl<'de> Deserialize<'de> for ColumnDoc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = ColumnDoc;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a column's name (`change`, `rag`, ...) or a map such as `{ change: last_year, display: relative }`")
            }
            fn visit_str<E>(self, v: &str) -> Result<ColumnDoc, E> {
                Ok(ColumnDoc {
                    kind: v.to_string(),
                    of: None,
                    display: None,
                    sign: None,
                    label: None,
                    group: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ColumnDoc, A::Error> {
                use serde::de::Error;
                let mut doc = ColumnDoc {
                    kind: String::new(),
                    of: None,
                    display: None,
                    sign: None,
                    label: None,
                    group: None,
                };
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value::<String>()?;
                    match key.as_str() {
                        "display" if doc.display.is_none() => doc.display = Some(value),
                        "sign" if doc.sign.is_none() => doc.sign = Some(value),
                        "group" if doc.group.is_none() => doc.group = Some(value),
                        "label" if doc.label.is_none() => doc.label = Some(value),
                        "column" if doc.kind.is_empty() => doc.kind = value,
                        k @ ("change" | "target" | "benchmark" | "rated")
                            if doc.kind.is_empty() =>
                        {
                            doc.kind = k.to_string();
                            doc.of = Some(value);
                        }
                        k if COLUMN_KEYS.contains(&k) => {
                            return Err(A::Error::custom(format!(
                                "`{k}` is given twice, or with another of change, target, benchmark, rated, column"
                            )))
                        }
                        other => return Err(A::Error::unknown_field(other, &COLUMN_KEYS)),
                    }
                }
                if doc.kind.is_empty() {
                    return Err(A::Error::custom(
                        "a column map needs one of `change`, `target`, `benchmark`, `rated` or `column`",
                    ));
                }
                Ok(doc)
            }
        }
        d.deserialize_any(Visit)
    }
}

impl<'de> Deserialize<'de> for RowDoc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RowDoc;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an indicator's id, `{ indicator: ID, ref: REF, label: TITLE }` or `{ heading: TEXT }`")
            }
            fn visit_str<E>(self, v: &str) -> Result<RowDoc, E> {
                Ok(RowDoc::Indicator {
                    id: v.to_string(),
                    reference: None,
                    label: None,
                })
            }
            // A reference such as `43` is read as a number by YAML.
            fn visit_u64<E>(self, v: u64) -> Result<RowDoc, E> {
                Ok(RowDoc::Indicator {
                    id: v.to_string(),
                    reference: None,
                    label: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RowDoc, A::Error> {
                use serde::de::Error;
                let (mut id, mut reference, mut label, mut heading) = (None, None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "indicator" => &mut id,
                        "ref" => &mut reference,
                        "label" => &mut label,
                        "heading" => &mut heading,
                        other => {
                            return Err(A::Error::unknown_field(
                                other,
                                &["indicator", "ref", "label", "heading"],
                            ))
                        }
                    };
                    if slot.is_some() {
                        return Err(A::Error::custom(format!("`{key}` is given twice")));
                    }
                    *slot = Some(map.next_value::<Text>()?.0);
                }
                match (id, heading) {
                    (Some(id), None) => Ok(RowDoc::Indicator {
                        id,
                        reference,
                        label,
                    }),
                    (None, Some(h)) if reference.is_none() && label.is_none() => {
                        Ok(RowDoc::Heading(h))
                    }
                    (None, Some(_)) => Err(A::Error::custom(
                        "a sub-heading has only `heading`; `ref` and `label` belong to an indicator's row",
                    )),
                    (Some(_), Some(_)) => Err(A::Error::custom(
                        "a row is an `indicator` or a `heading`, not both",
                    )),
                    (None, None) => Err(A::Error::missing_field("indicator")),
                }
            }
        }
        d.deserialize_any(Visit)
    }
}

/// Text written as a string or a number (a reference `43`, a label `2023`).
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            // A decimal is read as a number before it reaches here, and
            // `3.10` and `3.1` are then the same: printing either could be
            // wrong, so the text must be quoted.
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Text, E> {
                Err(E::custom(format!(
                    "`{v}` is read as a number, so it may not print as written (3.10 would print 3.1): quote it, as `\"{v}\"`, to print it as text"
                )))
            }
        }
        d.deserialize_any(Visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Both {
        columns: Vec<ColumnDoc>,
        rows: Vec<RowDoc>,
    }

    #[test]
    fn columns_and_rows_read_in_every_form() {
        let doc: Both = serde_saphyr::from_str(
            "columns:\n  - periods\n  - { change: last_year, display: relative, label: vs last year }\n  - { column: rag, label: RAG }\nrows:\n  - PUB1\n  - { indicator: PUB2, ref: 43 }\n  - { heading: Early help }\n",
        )
        .unwrap();
        assert_eq!(doc.columns[0].kind, "periods");
        assert_eq!(doc.columns[1].of.as_deref(), Some("last_year"));
        assert_eq!(doc.columns[1].display.as_deref(), Some("relative"));
        assert_eq!(doc.columns[2].kind, "rag");
        assert_eq!(doc.columns[2].label.as_deref(), Some("RAG"));
        assert_eq!(
            doc.rows[1],
            RowDoc::Indicator {
                id: "PUB2".into(),
                reference: Some("43".into()),
                label: None
            }
        );
        assert_eq!(doc.rows[2], RowDoc::Heading("Early help".into()));
    }

    #[test]
    fn regression_a_decimal_reference_is_refused_with_how_to_quote_it() {
        let read = |written: &str| {
            serde_saphyr::from_str::<Both>(&format!(
                "columns: []\nrows: [{{ indicator: A, ref: {written} }}]\n"
            ))
            .map(|doc| match &doc.rows[0] {
                RowDoc::Indicator { reference, .. } => reference.clone(),
                other => panic!("{other:?}"),
            })
        };
        for text in ["\"3.10\"", "'3.1'", "43", "CP6B-NI"] {
            let as_written = text.trim_matches(['"', '\'']).to_string();
            assert_eq!(read(text).unwrap(), Some(as_written));
        }
        // A bare decimal is refused with how to write it, not "expected a
        // number" (the field wants text).
        let e = read("3.1").unwrap_err().to_string();
        assert!(e.contains("quote it, as `\"3.1\"`"), "{e}");
    }

    #[test]
    fn a_column_or_row_that_mixes_forms_is_refused() {
        for yaml in [
            "columns: [{ change: previous, target: 2023-24 }]\nrows: []\n",
            "columns: [{ label: x }]\nrows: []\n",
            "columns: [{ colour: red }]\nrows: []\n",
            "columns: []\nrows: [{ indicator: A, heading: B }]\n",
            "columns: []\nrows: [{ heading: B, ref: C }]\n",
        ] {
            assert!(serde_saphyr::from_str::<Both>(yaml).is_err(), "{yaml}");
        }
    }
}
