//! `year(d)`, `month(d)` and `day(d)`: a part of a date as a number; missing if the
//! date is missing.

use super::{over_dates, Function, SqlContext};
use crate::calendar::Calendar;
use crate::dialect::DatePart as SqlPart;
use crate::expr::date::one_date;
use crate::expr::value::{broadcast, Eval, Fallback, Lit, Ty, Val};
use arrow_arith::temporal::DatePart as ArrowPart;
use arrow_schema::DataType;
use chrono::{Datelike, NaiveDate};
use rhai::{Dynamic, Engine, INT};
use std::sync::Arc;

#[derive(Debug)]
pub(super) struct DatePart {
    name: &'static str,
    usage: &'static str,
    part: fn(NaiveDate) -> INT,
    arrow: ArrowPart,
    sql: SqlPart,
}

pub(super) const YEAR: DatePart = DatePart {
    name: "year",
    usage: "year(d)",
    part: |d| INT::from(d.year()),
    arrow: ArrowPart::Year,
    sql: SqlPart::Year,
};

pub(super) const MONTH: DatePart = DatePart {
    name: "month",
    usage: "month(d)",
    part: |d| INT::from(d.month()),
    arrow: ArrowPart::Month,
    sql: SqlPart::Month,
};

pub(super) const DAY: DatePart = DatePart {
    name: "day",
    usage: "day(d)",
    part: |d| INT::from(d.day()),
    arrow: ArrowPart::Day,
    sql: SqlPart::Day,
};

impl Function for DatePart {
    fn name(&self) -> &'static str {
        self.name
    }

    fn usage(&self) -> &'static str {
        self.usage
    }

    fn register(&self, engine: &mut Engine, _calendar: &Arc<Calendar>) {
        let (name, part) = (self.name, self.part);
        engine.register_fn(name, move |d: Dynamic| {
            one_date(&d, name).map(|d| match d {
                Some(date) => Dynamic::from_int(part(date.naive())),
                None => Dynamic::UNIT,
            })
        });
    }

    fn typed(&self, args: &[Ty]) -> Option<Ty> {
        over_dates(args, 1, Ty::Int)
    }

    fn eval(&self, args: Vec<Val>, rows: usize, _calendar: &Calendar) -> Eval<Val> {
        let [v] = <[Val; 1]>::try_from(args).map_err(|_| Fallback)?;
        if v.is_unit() {
            return Ok(Val::Scalar(Lit::Unit));
        }
        let arr = broadcast(v, rows).ok_or(Fallback)?;
        let out = arrow_arith::temporal::date_part(&arr, self.arrow).map_err(|_| Fallback)?;
        Ok(Val::Array(
            arrow_cast::cast(&out, &DataType::Int64).map_err(|_| Fallback)?,
        ))
    }

    fn sql(&self, sql: &SqlContext, args: &[String]) -> Option<String> {
        let [a] = args else { return None };
        Some(sql.dialect.date_part(self.sql, a))
    }
}
