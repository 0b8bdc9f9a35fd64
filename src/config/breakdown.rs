//! A breakdown as written in `breakdowns:`: a column's name or an age
//! band. Read by a visitor rather than an untagged enum, so each item keeps
//! its place in the file for messages.

use schemars::JsonSchema;
use serde::Deserialize;

/// One breakdown of `breakdowns`: a column, or each row's age band at the
/// end of the period measured.
#[derive(Debug, Clone, PartialEq)]
pub enum BreakdownDoc {
    Column(String),
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
                f.write_str("a column's name, or `{ age_band: COLUMN, bands: [1, 5, 10, 16] }`")
            }
            fn visit_str<E>(self, v: &str) -> Result<BreakdownDoc, E> {
                Ok(BreakdownDoc::Column(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<BreakdownDoc, A::Error> {
                use serde::de::Error;
                let (mut of, mut bands, mut name) = (None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "age_band" if of.is_none() => of = Some(map.next_value::<String>()?),
                        "bands" if bands.is_none() => bands = Some(map.next_value::<Vec<u32>>()?),
                        "name" if name.is_none() => name = Some(map.next_value::<String>()?),
                        "age_band" | "bands" | "name" => {
                            return Err(A::Error::duplicate_field("the key"))
                        }
                        other => {
                            return Err(A::Error::unknown_field(
                                other,
                                &["age_band", "bands", "name"],
                            ))
                        }
                    }
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
