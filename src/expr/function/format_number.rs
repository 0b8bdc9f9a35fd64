//! `format_number(x, decimals)`: for the reasons rules give, a number with
//! a fixed count of decimals (0 to 6), rounded as the reports round, so a
//! reason quotes the figure the page shows.

use super::Function;
use crate::calendar::Calendar;
use rhai::{Engine, FLOAT, INT};
use std::sync::Arc;

#[derive(Debug)]
pub(super) struct FormatNumber;

fn format_number(x: FLOAT, decimals: INT) -> String {
    crate::text::number(x, decimals.clamp(0, 6) as u8)
}

impl Function for FormatNumber {
    fn name(&self) -> &'static str {
        "format_number"
    }

    fn usage(&self) -> &'static str {
        "format_number(x, decimals)"
    }

    fn register(&self, engine: &mut Engine, _calendar: &Arc<Calendar>) {
        engine.register_fn(self.name(), format_number);
        engine.register_fn(self.name(), |x: INT, decimals: INT| {
            format_number(x as FLOAT, decimals)
        });
    }
}
