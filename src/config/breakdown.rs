//! A breakdown as written in `breakdowns:`: a column's name or an age
//! band. Read by a visitor rather than an untagged enum, so each item keeps
//! its place in the file for messages.

use schemars::JsonSchema;
use serde::Deserialize;

/// One breakdown of `breakdowns`: a column, or each row's age band at the
/// end of the period measured.
#[derive(Debug, Clone, PartialEq)]
pub enum BreakdownDoc {
    Column {
        column: String,
        /// The breakdown's name in reports (default: the column's).
        name: Option<String>,
    },
    AgeBand {
        /// The date-of-birth column.
        of: String,
        /// Each band's first age, ascending: `[1, 5, 10, 16]` gives under 1,
        /// 1 to 4, 5 to 9, 10 to 15 and 16 and over.
        bands: Vec<u32>,
        /// The breakdown's name in reports (default `age band`).
        name: Option<String>,
    },
}

/// The schema of [`BreakdownDoc`] (read by a visitor, so each item keeps
/// its place in the file).
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum BreakdownSchema {
    /// A column of the measure's source or of a lookup.
    Column(String),
    /// A column, named for reports (`{ column: cine_referral_team, name: team }`).
    Named {
        /// The column.
        column: String,
        /// The breakdown's name in reports.
        name: String,
    },
    /// Each row's age at the period's end, in bands.
    AgeBand {
        /// The date-of-birth column.
        age_band: String,
        /// Each band's first age, ascending.
        bands: Vec<u32>,
        /// The breakdown's name in reports (default `age band`).
        name: Option<String>,
    },
}

impl<'de> Deserialize<'de> for BreakdownDoc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = BreakdownDoc;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a column's name, `{ column: COLUMN, name: NAME }` or `{ age_band: COLUMN, bands: [1, 5, 10, 16] }`")
            }
            fn visit_str<E>(self, v: &str) -> Result<BreakdownDoc, E> {
                Ok(BreakdownDoc::Column {
                    column: v.to_string(),
                    name: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<BreakdownDoc, A::Error> {
                use serde::de::Error;
                let (mut of, mut bands, mut name, mut column) = (None, None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "column" if column.is_none() => column = Some(map.next_value::<String>()?),
                        "age_band" if of.is_none() => of = Some(map.next_value::<String>()?),
                        "bands" if bands.is_none() => bands = Some(map.next_value::<Vec<u32>>()?),
                        "name" if name.is_none() => name = Some(map.next_value::<String>()?),
                        "age_band" | "bands" | "name" | "column" => {
                            return Err(A::Error::duplicate_field("the key"))
                        }
                        other => {
                            return Err(A::Error::unknown_field(
                                other,
                                &["column", "name", "age_band", "bands"],
                            ))
                        }
                    }
                }
                if let Some(column) = column {
                    if of.is_some() || bands.is_some() {
                        return Err(A::Error::custom(
                            "a breakdown is a `column` or an `age_band`, not both",
                        ));
                    }
                    return Ok(BreakdownDoc::Column { column, name });
                }
                Ok(BreakdownDoc::AgeBand {
                    of: of.ok_or_else(|| A::Error::missing_field("age_band"))?,
                    bands: bands.ok_or_else(|| A::Error::missing_field("bands"))?,
                    name,
                })
            }
        }
        d.deserialize_any(Visit)
    }
}
