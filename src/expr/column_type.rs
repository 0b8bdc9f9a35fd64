//! The column types expressions understand, and how Arrow columns are
//! normalised to them (so every later step sees one type per kind).

use arrow_array::{cast::AsArray, types::Int32Type, Array, ArrayRef};
use arrow_schema::{ArrowError, DataType};
use std::sync::Arc;

use crate::expr::date::Date;
use rhai::{Dynamic, ImmutableString};

/// What a column holds, as far as expressions and measures care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Int,
    Float,
    Str,
    Bool,
    Date,
}

impl ColumnType {
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Int => "integer",
            ColumnType::Float => "number",
            ColumnType::Str => "text",
            ColumnType::Bool => "true/false",
            ColumnType::Date => "date",
        }
    }

    /// The usable kind of an Arrow type, or `None` when Rubric cannot use it.
    pub fn of(data_type: &DataType) -> Option<ColumnType> {
        use DataType::*;
        Some(match data_type {
            Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 => ColumnType::Int,
            Float16
            | Float32
            | Float64
            | Decimal32(_, _)
            | Decimal64(_, _)
            | Decimal128(_, _)
            | Decimal256(_, _) => ColumnType::Float,
            Utf8 | LargeUtf8 | Utf8View => ColumnType::Str,
            Dictionary(_, value) if ColumnType::of(value) == Some(ColumnType::Str) => {
                ColumnType::Str
            }
            Boolean => ColumnType::Bool,
            Date32 | Date64 | Timestamp(_, _) => ColumnType::Date,
            _ => return None,
        })
    }
}

/// Casts a column to the one Arrow type used for its kind: Int64, Float64,
/// Date32, Boolean, and Utf8 or a dictionary of Utf8 (kept: predicates on a
/// dictionary run once per distinct value).
pub fn normalise(array: &ArrayRef) -> Result<ArrayRef, ArrowError> {
    let target = match ColumnType::of(array.data_type()) {
        Some(ColumnType::Int) => DataType::Int64,
        Some(ColumnType::Float) => DataType::Float64,
        Some(ColumnType::Bool) => DataType::Boolean,
        Some(ColumnType::Date) => DataType::Date32,
        Some(ColumnType::Str) => match array.data_type() {
            DataType::Dictionary(_, _) => {
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
            }
            _ => DataType::Utf8,
        },
        None => {
            return Err(ArrowError::CastError(format!(
                "unsupported column type {}",
                array.data_type()
            )))
        }
    };
    if array.data_type() == &target {
        return Ok(Arc::clone(array));
    }
    let cast = arrow_cast::cast(array, &target)?;
    // A cast gives a null where a value cannot be held (a timestamp
    // millions of years away): say so rather than drop the row unseen.
    if cast.null_count() > array.null_count() {
        if let Some(row) = (0..array.len()).find(|&i| array.is_valid(i) && cast.is_null(i)) {
            let shown = arrow_cast::display::ArrayFormatter::try_new(
                array.as_ref(),
                &arrow_cast::display::FormatOptions::default(),
            )
            .map(|f| f.value(row).to_string())
            .unwrap_or_default();
            return Err(ArrowError::CastError(format!(
                "it holds {shown}, outside the dates Rubric can hold (about 5.8 million years either side of 1970)"
            )));
        }
    }
    Ok(cast)
}

/// The value of row `i` of a normalised column as a Rhai value; `()` when null.
pub fn dynamic_at(array: &dyn Array, i: usize) -> Dynamic {
    if array.is_null(i) {
        return Dynamic::UNIT;
    }
    match array.data_type() {
        DataType::Int64 => Dynamic::from_int(
            array
                .as_primitive::<arrow_array::types::Int64Type>()
                .value(i),
        ),
        DataType::Float64 => Dynamic::from_float(
            array
                .as_primitive::<arrow_array::types::Float64Type>()
                .value(i),
        ),
        DataType::Boolean => Dynamic::from_bool(array.as_boolean().value(i)),
        DataType::Date32 => Dynamic::from(Date(
            array
                .as_primitive::<arrow_array::types::Date32Type>()
                .value(i),
        )),
        DataType::Utf8 => Dynamic::from(ImmutableString::from(array.as_string::<i32>().value(i))),
        DataType::Dictionary(_, _) => {
            let dict = array.as_dictionary::<Int32Type>();
            let key = dict.keys().value(i) as usize;
            let values = dict.values().as_string::<i32>();
            Dynamic::from(ImmutableString::from(values.value(key)))
        }
        _ => Dynamic::UNIT,
    }
}

/// The string at row `i` of a normalised text column (plain or dictionary).
pub fn str_at(array: &dyn Array, i: usize) -> Option<&str> {
    if array.is_null(i) {
        return None;
    }
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string::<i32>().value(i)),
        DataType::Dictionary(_, _) => {
            let dict = array.as_dictionary::<Int32Type>();
            let key = dict.keys().value(i) as usize;
            Some(dict.values().as_string::<i32>().value(key))
        }
        _ => None,
    }
}
