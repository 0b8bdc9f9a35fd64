//! A number in a map of numbers (targets, benchmarks, rule parameters),
//! read so that whatever was written is kept for the compiler to judge.

use schemars::JsonSchema;
use serde::Deserialize;

/// The schema of a target: a number, or words (`"< 36"`, `TBC`).
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum NumberOrText {
    Number(f64),
    Text(String),
}

/// A value in a map of numbers (targets, benchmarks, rule parameters).
/// Whatever was written is kept, so the compiler reports every value that
/// is not a number, each at its place, instead of the reader stopping at
/// the first.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    Value(f64),
    /// Text where a number may go: a target's comparator or state
    /// (`< 36`, `TBC`); an error anywhere else.
    Text(String),
    /// Not a number: what was written, in words.
    Other(String),
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                Ok(Number::Value(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Number, E> {
                Ok(Number::Value(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                Ok(Number::Value(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Number, E> {
                Ok(Number::Text(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Number, E> {
                Ok(Number::Other(format!("`{v}`")))
            }
            fn visit_unit<E>(self) -> Result<Number, E> {
                Ok(Number::Other("nothing".into()))
            }
            fn visit_none<E>(self) -> Result<Number, E> {
                Ok(Number::Other("nothing".into()))
            }
            // A list or mapping is refused where it starts, so an unclosed
            // `[` is reported on its own line, not where parsing gives up.
        }
        d.deserialize_any(Visit)
    }
}
