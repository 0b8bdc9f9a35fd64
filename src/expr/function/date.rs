//! `date("YYYY-MM-DD")`: a date written in an expression.

use super::Function;
use crate::calendar::period::days_from_date;
use crate::calendar::Calendar;
use crate::expr::date::Date as RhaiDate;
use crate::expr::value::{Eval, Fallback, Lit, Ty, Val};
use arrow_array::cast::AsArray;
use arrow_array::Date32Array;
use arrow_schema::DataType;
use chrono::NaiveDate;
use rhai::{Engine, EvalAltResult, ImmutableString};
use std::sync::Arc;

#[derive(Debug)]
pub(super) struct Date;

fn parse(text: &str) -> Option<i32> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(days_from_date)
}

impl Function for Date {
    fn name(&self) -> &'static str {
        "date"
    }

    fn usage(&self) -> &'static str {
        "date(\"YYYY-MM-DD\")"
    }

    fn register(&self, engine: &mut Engine, _calendar: &Arc<Calendar>) {
        engine.register_fn(
            self.name(),
            |text: ImmutableString| -> Result<RhaiDate, Box<EvalAltResult>> {
                parse(text.as_str()).map(RhaiDate).ok_or_else(|| {
                    format!("date(\"{text}\") is not a date: write it as \"YYYY-MM-DD\"").into()
                })
            },
        );
    }

    fn typed(&self, args: &[Ty]) -> Option<Ty> {
        (args == [Ty::Str]).then_some(Ty::Date)
    }

    /// A written date is a constant (the plan folds it); a text column's
    /// values are parsed, and one missing or not a date is left to Rhai,
    /// which says so.
    fn eval(&self, args: Vec<Val>, _rows: usize, _calendar: &Calendar) -> Eval<Val> {
        match args.as_slice() {
            [Val::Scalar(Lit::Str(s))] => {
                parse(s).map(|d| Val::Scalar(Lit::Date(d))).ok_or(Fallback)
            }
            [Val::Array(texts)] => {
                let texts = arrow_cast::cast(texts, &DataType::Utf8).map_err(|_| Fallback)?;
                let days = texts
                    .as_string::<i32>()
                    .iter()
                    .map(|t| t.and_then(parse).ok_or(Fallback))
                    .collect::<Eval<Vec<i32>>>()?;
                Ok(Val::Array(Arc::new(Date32Array::from(days))))
            }
            _ => Err(Fallback),
        }
    }
}
