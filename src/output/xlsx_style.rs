//! The workbook's shared cell styles.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

/// A table's heading row: bold, wrapped, banded, ruled below.
pub(super) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xF3F2F1))
        .set_border_bottom(FormatBorder::Thin)
        .set_align(FormatAlign::Top)
}
