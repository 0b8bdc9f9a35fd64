//! `scorecard.xlsx`: the scorecard as analysts keep it in Excel. Sheets:
//! **Scorecard** laid out like a board table (per frequency, sections of
//! indicators with their periods, changes, 12-month average and maximum,
//! target, RAG, DoT, benchmarks and commentary), **Data** (the long form,
//! as the CSV), **Definitions** (what each indicator counts and how it is
//! rated) and one **ID teams** sheet per indicator with a breakdown.
//! Every figure is a number cell with a number format (a percentage is
//! 0.81 shown as 81%), never text a spreadsheet could turn into a date; a
//! missing figure is the text `n/a` with a note giving the reason; RAG is
//! a word coloured by conditional formatting; there are no formulas. The
//! creation date is the reporting month's last day, so the same inputs
//! give the same bytes.

use super::long_form::{self, Cell as DataCell};
use super::xlsx_style::header_format;
use crate::calendar::period::Month;
use crate::config::document::{ChangeSign, Frequency, Tone, Unit};
use crate::format::period_heading;
use crate::layout::{Board, Cell, Column, Line, Shown, FREQUENCIES};
use crate::model::indicator::Indicator;
use crate::model::page::Markers;
use crate::rules::scorecard::Row;
use chrono::Datelike;
use rust_xlsxwriter::{
    Color, ConditionalFormatText, ConditionalFormatTextRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, Note, Workbook, Worksheet, XlsxError,
};

/// The colours (text, fill) of each coloured tone, as on the HTML page.
fn tone_colours(tone: Tone) -> Option<(u32, u32)> {
    match tone {
        Tone::Bad => Some((0xA4161A, 0xFBE3E4)),
        Tone::Caution => Some((0x7A4A00, 0xFFF1CC)),
        Tone::Good => Some((0x0B5D1E, 0xDCF1E0)),
        Tone::Neutral => None,
    }
}

/// The columns of the Scorecard sheet after the periods, in the order
/// the workbook has always had them.
const ORDER: [Column<'static>; 9] = [
    Column::Change(None, ChangeSign::PlusMinus),
    Column::ChangeYoy(None, ChangeSign::PlusMinus),
    Column::Avg12m,
    Column::Max12m,
    Column::Target(None),
    Column::Rag,
    Column::Dot,
    Column::Benchmark(""),
    Column::Commentary,
];

/// Excel's limits: rows and columns of a sheet.
const EXCEL_ROWS: usize = 1_048_576;
const EXCEL_COLUMNS: usize = 16_384;

/// The workbook.
pub(super) struct Xlsx;

impl super::PageWriter for Xlsx {
    fn format(&self) -> crate::model::page::Format {
        crate::model::page::Format {
            name: "xlsx",
            extension: "xlsx",
            words: "Excel workbook",
            default: true,
        }
    }

    fn fits(&self, board: &Board, long: &[long_form::Column]) -> Result<(), super::OutputError> {
        fits(board, long)
    }

    fn render(
        &self,
        board: &Board,
        long: &[long_form::Column],
    ) -> Result<Vec<u8>, super::RenderError> {
        Ok(build(board, long)?)
    }
}

/// Whether the workbook fits Excel's sheets: the Data sheet holds a row
/// per figure, the Scorecard sheet a column per period and benchmark.
/// Checked before any output is written.
pub(crate) fn fits(board: &Board, long: &[long_form::Column]) -> Result<(), super::OutputError> {
    let widest = FREQUENCIES
        .iter()
        .map(|f| board.columns(*f, &ORDER).len())
        .max()
        .unwrap_or(0)
        .max(long.len());
    within_excel(long.first().map_or(0, |c| c.cells.len()) + 1, widest)
}

fn within_excel(data_rows: usize, widest: usize) -> Result<(), super::OutputError> {
    if data_rows > EXCEL_ROWS {
        return Err(super::OutputError::TooLarge(format!(
            "the workbook's Data sheet would need {data_rows} rows, more than the {EXCEL_ROWS} Excel holds: report fewer indicators or fewer breakdown values"
        )));
    }
    if widest > EXCEL_COLUMNS {
        return Err(super::OutputError::TooLarge(format!(
            "the workbook would need {widest} columns, more than the {EXCEL_COLUMNS} Excel holds: use fewer benchmark names"
        )));
    }
    Ok(())
}

fn build(board: &Board, long: &[long_form::Column]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A faster deflate: the default level took half the time of writing
    // all outputs at scale 1; level 3 makes the file about 12% larger.
    book.set_zip_compression_level(3);
    let last_day = board.reporting.last_day();
    let created = ExcelDateTime::from_ymd(
        last_day.year() as u16,
        last_day.month() as u8,
        last_day.day() as u8,
    )?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{}: {}", board.page.title, board.title_period()))
            .set_creation_datetime(&created),
    );
    scorecard_sheet(book.add_worksheet(), board)?;
    data_sheet(book.add_worksheet(), long)?;
    super::xlsx_definitions::definitions_sheet(book.add_worksheet(), board)?;
    // A page with `breakdowns: false` shows none, here as in its tables.
    for line in board.lines().filter(|_| board.page.breakdowns) {
        if !line.breakdowns.is_empty() {
            teams_sheet(book.add_worksheet(), board, line)?;
        }
    }
    book.save_to_buffer().map(super::zip_host::as_made_on_unix)
}

/// The number format of an indicator's values: percentages as Excel
/// percentages (the cell holds the fraction), counts with thousands.
fn value_format(ind: &Indicator) -> Format {
    let decimals = if ind.decimals == 0 {
        String::new()
    } else {
        format!(".{}", "0".repeat(usize::from(ind.decimals)))
    };
    let pattern = match ind.unit {
        Unit::Percent => format!("0{decimals}%"),
        Unit::Count => format!("#,##0{decimals}"),
        _ => format!("0{decimals}"),
    };
    Format::new().set_num_format(pattern)
}

/// The number stored for a value: a fraction for a percentage.
fn stored(ind: &Indicator, v: f64) -> f64 {
    match ind.unit {
        Unit::Percent => v / 100.0,
        _ => v,
    }
}

fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    ind: &Indicator,
    value: Option<f64>,
    why_missing: Option<&str>,
    m: &Markers,
) -> Result<(), XlsxError> {
    match value {
        Some(v) => {
            sheet.write_number_with_format(row, col, stored(ind, v), &value_format(ind))?;
        }
        None => {
            let right = Format::new().set_align(FormatAlign::Right);
            sheet.write_string_with_format(row, col, m.missing_for(why_missing), &right)?;
            if let Some(why) = why_missing.filter(|w| !w.is_empty()) {
                sheet.insert_note(row, col, &Note::new(why).set_author("Rubric"))?;
            }
        }
    }
    Ok(())
}

/// One row's figures for the periods shown, from column `first` on.
fn period_cells(
    sheet: &mut Worksheet,
    row: u32,
    first: u16,
    ind: &Indicator,
    rows: &[&Row],
    periods: &[Month],
    m: &Markers,
) -> Result<(), XlsxError> {
    for (k, month) in periods.iter().enumerate() {
        figure(
            sheet,
            row,
            first + k as u16,
            ind,
            rows.iter().find(|r| r.period == *month).copied(),
            m,
        )?;
    }
    Ok(())
}

/// A period's figure, or `n/a` (with the reason as a note when there is a row).
fn figure(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    ind: &Indicator,
    r: Option<&Row>,
    m: &Markers,
) -> Result<(), XlsxError> {
    match r {
        Some(r) => {
            write_value(
                sheet,
                row,
                col,
                ind,
                r.point.value,
                r.point.missing.as_deref(),
                m,
            )?;
            // A figure to read with care says why in a note.
            if r.point.value.is_some() && !r.flags.is_empty() {
                let why: Vec<String> = r.flags.iter().map(ToString::to_string).collect();
                sheet.insert_note(row, col, &Note::new(why.join("; ")).set_author("Rubric"))?;
            }
            Ok(())
        }
        None => {
            sheet.write_string(row, col, &m.missing)?;
            Ok(())
        }
    }
}

fn rating_word(shown: &Shown, m: &Markers) -> String {
    match shown {
        Shown::Outcome { label, .. } => label.to_string(),
        Shown::NotRated(_) => "Not rated".to_string(),
        Shown::NoRule(_) => m.not_applicable.clone(),
    }
}

/// Colours the RAG words in a column range by their outcomes' tones.
fn colour_rag(
    sheet: &mut Worksheet,
    board: &Board,
    first: u32,
    last: u32,
    col: u16,
) -> Result<(), XlsxError> {
    if last < first {
        return Ok(());
    }
    for (tone, word) in board.rag_tones() {
        let Some((ink, fill)) = tone_colours(tone) else {
            continue;
        };
        sheet.add_conditional_format(
            first,
            col,
            last,
            col,
            &ConditionalFormatText::new()
                .set_rule(ConditionalFormatTextRule::Contains(word.to_string()))
                .set_format(
                    Format::new()
                        .set_font_color(Color::RGB(ink))
                        .set_background_color(Color::RGB(fill)),
                ),
        )?;
    }
    Ok(())
}

/// A column's heading: the page's label, or the workbook's own.
fn heading(board: &Board, column: &Column, frequency: Frequency) -> String {
    if let Some(label) = board.label(column, frequency) {
        return label;
    }
    match column {
        Column::Id if board.uses_refs => "Ref".into(),
        Column::Id => "ID".into(),
        Column::Title => "Indicator".into(),
        Column::Period(m) => period_heading(*m, frequency),
        Column::Latest => "Latest".into(),
        Column::Trend => "Trend".into(),
        Column::Change(..) => "vs previous".into(),
        Column::ChangeYoy(..) => "vs last year".into(),
        Column::Dot => "DoT".into(),
        Column::Rated(r) => r.replace('_', " "),
        Column::Avg12m => "12-month average".into(),
        Column::Max12m => "12-month max".into(),
        Column::Min12m => "12-month min".into(),
        Column::Target(None) => "Target".into(),
        Column::Target(Some(fy)) => format!("Target {fy}"),
        Column::Outturn => "Last year's outturn".into(),
        Column::Rag => "RAG".into(),
        Column::Benchmark(b) => format!("Benchmark: {}", b.replace('_', " ")),
        Column::Commentary => "Commentary".into(),
        Column::Owner => "Owner".into(),
        Column::Reporter => "Reporter".into(),
        Column::Outcome => "Outcome".into(),
    }
}

fn scorecard_sheet(sheet: &mut Worksheet, board: &Board) -> Result<(), XlsxError> {
    sheet.set_name("Scorecard")?;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(
        0,
        0,
        format!("{}: {}", board.page.title, board.title_period()),
        &bold.clone().set_font_size(14),
    )?;
    sheet.write_string(
        1,
        0,
        format!(
            "Reporting period {}; {}. n/a: no value (the cell's note says why); –: does not apply.",
            board.reporting,
            crate::text::count_of(board.page.indicators().len(), "indicator")
        ),
    )?;
    if let Some(d) = &board.page.description {
        sheet.write_string(2, 0, d.trim())?;
    }
    let mut row = 3u32;
    let mut frozen = false;
    // Rows a section that starts a new page begins at, for printing.
    let mut breaks = Vec::new();
    for frequency in FREQUENCIES {
        let sections = board.sections_of(frequency);
        if sections.is_empty() {
            continue;
        }
        let columns = board.columns(frequency, &ORDER);
        // Headings over runs of columns, merged across them, a row above.
        let spans = board.group_spans(&columns);
        if !spans.is_empty() {
            let mut at = 0u16;
            for (group, n) in spans {
                let last = at + n as u16 - 1;
                match group {
                    Some(g) if n > 1 => {
                        sheet.merge_range(row, at, row, last, g, &header_format())?;
                    }
                    Some(g) => {
                        sheet.write_string_with_format(row, at, g, &header_format())?;
                    }
                    None => {}
                }
                at = last + 1;
            }
            row += 1;
        }
        for (c, column) in columns.iter().enumerate() {
            sheet.write_string_with_format(
                row,
                c as u16,
                heading(board, column, frequency),
                &header_format(),
            )?;
        }
        // The first table's heading and titles stay in view, whatever its
        // frequency.
        if !frozen {
            sheet.set_freeze_panes(row + 1, 2)?;
            frozen = true;
        }
        row += 1;
        let first_data_row = row;
        for (section, lines) in sections {
            if section.new_page && row > first_data_row {
                breaks.push(row);
            }
            // A block with no title has no heading row.
            if !section.name.is_empty() {
                sheet.write_string_with_format(row, 0, section.name, &bold)?;
                row += 1;
            }
            for line in lines {
                if let Some(sub) = line.subheading {
                    sheet.write_string_with_format(row, 1, sub, &bold)?;
                    row += 1;
                }
                for (c, column) in columns.iter().enumerate() {
                    write_cell(sheet, row, c as u16, board, line, column)?;
                }
                row += 1;
            }
        }
        let position =
            |wanted: &Column| columns.iter().position(|c| c == wanted).unwrap_or(0) as u16;
        colour_rag(
            sheet,
            board,
            first_data_row,
            row.saturating_sub(1),
            position(&Column::Rag),
        )?;
        commentary_column(sheet, position(&Column::Commentary))?;
        row += 1;
    }
    if !breaks.is_empty() {
        sheet.set_page_breaks(&breaks)?;
    }
    sheet.set_column_width(0, 7)?;
    sheet.set_column_width(1, 48)?;
    Ok(())
}

/// One cell of the Scorecard sheet. A line with no latest period shows
/// only its id, title and periods.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    board: &Board,
    line: &Line,
    column: &Column,
) -> Result<(), XlsxError> {
    let ind = line.indicator;
    let m = &board.page.markers;
    let cell = line.cell(column, board);
    if line.latest.is_none() && !matches!(cell, Cell::Text(_) | Cell::Figure { .. }) {
        return Ok(());
    }
    match cell {
        Cell::Text(t) => {
            sheet.write_string(row, col, t)?;
        }
        Cell::Figure { row: r } => figure(sheet, row, col, ind, r, m)?,
        Cell::Statistic(v) => {
            let why = match column {
                Column::Avg12m => "no 12 months to average",
                Column::Outturn => "no value for the last financial year",
                _ => "no 12 months",
            };
            write_value(sheet, row, col, ind, v, Some(why), m)?;
        }
        Cell::Change {
            change,
            pct,
            display,
            sign,
        } => super::xlsx_change::change_cell(
            sheet,
            row,
            col,
            ind,
            (change, pct),
            (display, sign),
            m,
        )?,
        Cell::Trend(values) => {
            sheet.write_string(row, col, crate::format::trend(&values))?;
        }
        Cell::Target(Some((_, Some(v), false))) => {
            write_value(sheet, row, col, ind, Some(v), None, m)?
        }
        // A number with its year and rank as a note; a state as written.
        Cell::Benchmark(Some(f)) => {
            match f.value {
                Some(v) => write_value(sheet, row, col, ind, Some(v), None, m)?,
                None => {
                    let right = Format::new().set_align(FormatAlign::Right);
                    sheet.write_string_with_format(
                        row,
                        col,
                        f.state.as_deref().unwrap_or(&m.not_applicable),
                        &right,
                    )?;
                }
            }
            if f.vintage.is_some() || f.rank.is_some() {
                let text = crate::format::benchmark(f, ind.unit, ind.decimals, true);
                sheet.insert_note(row, col, &Note::new(text).set_author("Rubric"))?;
            }
        }
        // A strict target or a state is written as printed (`<36%`, `TBC`).
        Cell::Target(Some((shown, _, _))) => {
            let right = Format::new().set_align(FormatAlign::Right);
            sheet.write_string_with_format(row, col, shown, &right)?;
        }
        Cell::Target(None) | Cell::Benchmark(None) => {
            sheet.write_string(row, col, &m.not_applicable)?;
        }
        Cell::Rating(shown) => {
            sheet.write_string(row, col, rating_word(shown, m))?;
            if let Some(why) = shown.because().filter(|w| !w.is_empty()) {
                sheet.insert_note(row, col, &Note::new(why).set_author("Rubric"))?;
            }
        }
        Cell::Commentary(Some(text)) => {
            sheet.write_string(row, col, text.trim())?;
        }
        Cell::Commentary(None) => {}
        Cell::NotApplicable => {
            sheet.write_string(row, col, &m.not_applicable)?;
        }
    }
    Ok(())
}

/// Long commentary wraps in a column of its own width instead of
/// widening the printed page.
fn commentary_column(sheet: &mut Worksheet, col: u16) -> Result<(), XlsxError> {
    sheet.set_column_width(col, 40)?;
    sheet.set_column_format(
        col,
        &Format::new().set_text_wrap().set_align(FormatAlign::Top),
    )?;
    Ok(())
}

/// A change against the previous period or last year as the indicator
/// prints it: the difference (points for a percentage), or the percent
/// change (stored as a fraction).
fn data_sheet(sheet: &mut Worksheet, long: &[long_form::Column]) -> Result<(), XlsxError> {
    sheet.set_name("Data")?;
    for (c, column) in long.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, &column.name, &header_format())?;
        for (r, cell) in column.cells.iter().enumerate() {
            let r = r as u32 + 1;
            match cell {
                DataCell::Number(v) => {
                    sheet.write_number(r, c as u16, *v)?;
                }
                DataCell::Text(t) => {
                    sheet.write_string(r, c as u16, t)?;
                }
                // Excel's own missing: an empty cell, which keeps a number
                // column numbers only (sums, averages and pivots skip it;
                // the text `NA` made the column text). The row's status
                // and reason say why a value is missing.
                DataCell::Null => {}
            }
        }
    }
    let rows = long.first().map_or(0, |c| c.cells.len()) as u32;
    if !long.is_empty() {
        sheet.autofilter(0, 0, rows, long.len() as u16 - 1)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn teams_sheet(sheet: &mut Worksheet, board: &Board, line: &Line) -> Result<(), XlsxError> {
    let ind = line.indicator;
    // Sheet names are at most 31 characters; ids are short.
    let name: String = format!("{} teams", ind.id).chars().take(31).collect();
    sheet.set_name(name)?;
    let periods = &line.periods;
    let names: Vec<&str> = line.breakdowns.iter().map(|b| b.name).collect();
    sheet.write_string_with_format(
        0,
        0,
        format!("{} {} by {}", ind.id, ind.title, names.join(", by ")),
        &Format::new().set_bold(),
    )?;
    let mut row = 2u32;
    // One table per breakdown, each headed by its name and led by the whole.
    for table in &line.breakdowns {
        let mut headers = vec![table.name.to_string()];
        headers.extend(periods.iter().map(|m| period_heading(*m, ind.frequency)));
        headers.extend(["Target", "RAG"].map(String::from));
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16, h, &header_format())?;
        }
        let first = row + 1;
        let all = std::iter::once(("All", &line.whole));
        for (name, mine) in all.chain(table.values.iter().map(|t| (t.name, &t.rows))) {
            row += 1;
            sheet.write_string(row, 0, name)?;
            period_cells(sheet, row, 1, ind, mine, periods, &board.page.markers)?;
            if let Some(latest) = mine.last() {
                let col = 1 + periods.len() as u16;
                match latest.target {
                    Some(t) => {
                        write_value(sheet, row, col, ind, Some(t), None, &board.page.markers)?
                    }
                    None => {
                        sheet.write_string(row, col, &board.page.markers.not_applicable)?;
                    }
                }
                let shown = Shown::of(board.project, ind.rag_at(latest.period), &latest.rag);
                sheet.write_string(row, col + 1, rating_word(&shown, &board.page.markers))?;
            }
        }
        colour_rag(sheet, board, first, row, 2 + periods.len() as u16)?;
        row += 2;
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_freeze_panes(3, 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_past_excel_s_limits_is_refused_before_writing() {
        assert!(within_excel(EXCEL_ROWS, 30).is_ok());
        let rows = within_excel(EXCEL_ROWS + 1, 30).unwrap_err();
        assert!(matches!(rows, super::super::OutputError::TooLarge(_)));
        assert!(rows.to_string().contains("1048577 rows"), "{rows}");
        let columns = within_excel(10, EXCEL_COLUMNS + 1).unwrap_err();
        assert!(columns.to_string().contains("16385 columns"), "{columns}");
    }
}
