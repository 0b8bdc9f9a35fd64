//! The values a vectorised plan computes with: a column of the batch's
//! length or one constant, each with its static type. Shared by the plan
//! and the functions analysts call (`expr::function`).

use super::column_type::ColumnType;
use super::date::Date;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Datum, Float64Array, Int64Array, Scalar, StringArray,
};
use rhai::Dynamic;
use std::sync::Arc;

/// A constant in an expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Unit,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Date(i32),
}

/// The static type of a plan's node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Int,
    Float,
    Str,
    Bool,
    Date,
    Unit,
}

impl Ty {
    pub(crate) fn of_column(t: ColumnType) -> Ty {
        match t {
            ColumnType::Int => Ty::Int,
            ColumnType::Float => Ty::Float,
            ColumnType::Str => Ty::Str,
            ColumnType::Bool => Ty::Bool,
            ColumnType::Date => Ty::Date,
        }
    }

    pub(crate) fn numeric(self) -> bool {
        matches!(self, Ty::Int | Ty::Float)
    }

    /// A date, or a missing value (which every date function passes on).
    pub(crate) fn date_like(self) -> bool {
        matches!(self, Ty::Date | Ty::Unit)
    }
}

impl Lit {
    pub(crate) fn ty(&self) -> Ty {
        match self {
            Lit::Unit => Ty::Unit,
            Lit::Bool(_) => Ty::Bool,
            Lit::Int(_) => Ty::Int,
            Lit::Float(_) => Ty::Float,
            Lit::Str(_) => Ty::Str,
            Lit::Date(_) => Ty::Date,
        }
    }

    pub(crate) fn from_dynamic(d: &Dynamic) -> Option<Lit> {
        if d.is_unit() {
            Some(Lit::Unit)
        } else if let Ok(b) = d.as_bool() {
            Some(Lit::Bool(b))
        } else if let Ok(i) = d.as_int() {
            Some(Lit::Int(i))
        } else if let Ok(f) = d.as_float() {
            Some(Lit::Float(f))
        } else if d.is_string() {
            Some(Lit::Str(d.clone().into_string().ok()?))
        } else {
            d.clone().try_cast::<Date>().map(|x| Lit::Date(x.0))
        }
    }

    /// A one-row array holding this constant (`None` for `()`).
    pub(crate) fn array(&self) -> Option<ArrayRef> {
        Some(match self {
            Lit::Unit => return None,
            Lit::Bool(b) => Arc::new(BooleanArray::from(vec![*b])),
            Lit::Int(i) => Arc::new(Int64Array::from(vec![*i])),
            Lit::Float(f) => Arc::new(Float64Array::from(vec![*f])),
            Lit::Str(s) => Arc::new(StringArray::from(vec![s.as_str()])),
            Lit::Date(d) => Arc::new(Date32Array::from(vec![*d])),
        })
    }
}

/// An intermediate value: a column of the batch's length, or one constant.
pub(crate) enum Val {
    Array(ArrayRef),
    Scalar(Lit),
}

impl Val {
    pub(crate) fn datum(&self) -> Option<Box<dyn Datum>> {
        match self {
            Val::Array(a) => Some(Box::new(Arc::clone(a))),
            Val::Scalar(l) => l
                .array()
                .map(|a| Box::new(Scalar::new(a)) as Box<dyn Datum>),
        }
    }

    /// Whether this is the constant `()`.
    pub(crate) fn is_unit(&self) -> bool {
        matches!(self, Val::Scalar(Lit::Unit))
    }
}

/// The plan could not be sure of this batch: evaluate it per row instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fallback;

pub(crate) type Eval<T> = Result<T, Fallback>;

/// The value as a column of `rows` rows (`None` for `()`).
pub(crate) fn broadcast(v: Val, rows: usize) -> Option<ArrayRef> {
    match v {
        Val::Array(a) => Some(a),
        Val::Scalar(l) => {
            let one = l.array()?;
            let idx = arrow_array::UInt32Array::from(vec![0u32; rows]);
            arrow_select::take::take(&one, &idx, None).ok()
        }
    }
}
