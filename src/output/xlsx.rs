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

use super::format;
use super::long_form::{Cell, Column};
use super::review::describe_measure;
use crate::config::document::{Frequency, Unit};
use crate::measure::period::period_heading;
use crate::model::indicator::{Indicator, RuleUse};
use crate::model::Project;
use crate::rules::evaluate::Rating;
use crate::scorecard::{shown_periods, Row, Scorecard};
use chrono::Datelike;
use rust_xlsxwriter::{
    Color, ConditionalFormatText, ConditionalFormatTextRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError,
};
use std::collections::{BTreeMap, BTreeSet};

/// Shown where a value could not be computed (a note says why).
const MISSING: &str = "n/a";
/// Shown where an indicator has no such thing.
const NONE: &str = "–";

/// The RAG words and their colours (text, fill), as on the HTML page.
const RAG_COLOURS: [(&str, u32, u32); 3] = [
    ("Red", 0xA4161A, 0xFBE3E4),
    ("Amber", 0x7A4A00, 0xFFF1CC),
    ("Green", 0x0B5D1E, 0xDCF1E0),
];

pub fn render(project: &Project, card: &Scorecard, long: &[Column]) -> Result<Vec<u8>, String> {
    build(project, card, long).map_err(|e| e.to_string())
}

fn build(project: &Project, card: &Scorecard, long: &[Column]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A faster deflate: the default level took half the time of writing
    // all outputs at scale 1; level 3 makes the file about 12% larger.
    book.set_zip_compression_level(3);
    let last_day = card.reporting.last_day();
    let created = ExcelDateTime::from_ymd(
        last_day.year() as u16,
        last_day.month() as u8,
        last_day.day() as u8,
    )?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("Scorecard: {}", card.reporting.short_label()))
            .set_creation_datetime(&created),
    );
    let mut by_indicator: BTreeMap<usize, Vec<&Row>> = BTreeMap::new();
    for r in &card.rows {
        by_indicator.entry(r.indicator).or_default().push(r);
    }
    scorecard_sheet(book.add_worksheet(), project, card, &by_indicator)?;
    data_sheet(book.add_worksheet(), long)?;
    definitions_sheet(book.add_worksheet(), project)?;
    for (i, ind) in project.indicators.iter().enumerate() {
        if ind.breakdown.is_some() {
            let rows = by_indicator.get(&i).map_or(&[][..], Vec::as_slice);
            teams_sheet(book.add_worksheet(), project, card, ind, rows)?;
        }
    }
    book.save_to_buffer()
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

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xF3F2F1))
        .set_border_bottom(FormatBorder::Thin)
        .set_align(FormatAlign::Top)
}

fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    ind: &Indicator,
    value: Option<f64>,
    why_missing: Option<&str>,
) -> Result<(), XlsxError> {
    match value {
        Some(v) => {
            sheet.write_number_with_format(row, col, stored(ind, v), &value_format(ind))?;
        }
        None => {
            let right = Format::new().set_align(FormatAlign::Right);
            sheet.write_string_with_format(row, col, MISSING, &right)?;
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
    periods: &[crate::measure::period::Month],
) -> Result<(), XlsxError> {
    for (k, m) in periods.iter().enumerate() {
        let col = first + k as u16;
        match rows.iter().find(|r| r.period == *m) {
            Some(r) => write_value(
                sheet,
                row,
                col,
                ind,
                r.point.value,
                r.point.missing.as_deref(),
            )?,
            None => {
                sheet.write_string(row, col, MISSING)?;
            }
        }
    }
    Ok(())
}

fn rating_word(project: &Project, rule: Option<&RuleUse>, rating: &Rating) -> String {
    match (rating, rule) {
        (Rating::Outcome { name, .. }, Some(u)) => project
            .rule_sets
            .get(&u.rule)
            .and_then(|r| r.outcome(name))
            .and_then(|o| o.label.clone())
            .unwrap_or_else(|| name.clone()),
        (Rating::NotRated(_), Some(_)) => "Not rated".to_string(),
        (_, None) => NONE.to_string(),
    }
}

fn rating_reason(rating: &Rating) -> Option<&str> {
    match rating {
        Rating::Outcome { because, .. } => because.as_deref(),
        Rating::NotRated(why) => Some(why),
    }
}

/// Colours the RAG words in a column range.
fn colour_rag(sheet: &mut Worksheet, first: u32, last: u32, col: u16) -> Result<(), XlsxError> {
    if last < first {
        return Ok(());
    }
    for (word, ink, fill) in RAG_COLOURS {
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

fn scorecard_sheet(
    sheet: &mut Worksheet,
    project: &Project,
    card: &Scorecard,
    by_indicator: &BTreeMap<usize, Vec<&Row>>,
) -> Result<(), XlsxError> {
    sheet.set_name("Scorecard")?;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(
        0,
        0,
        format!("Scorecard: {}", card.reporting.short_label()),
        &bold.clone().set_font_size(14),
    )?;
    sheet.write_string(
        1,
        0,
        format!(
            "Reporting period {}; {} indicators. n/a: no value (the cell's note says why); –: does not apply.",
            card.reporting,
            project.indicators.len()
        ),
    )?;
    let benchmarks: BTreeSet<&str> = project
        .indicators
        .iter()
        .flat_map(|i| i.benchmark_names())
        .collect();
    let mut row = 3u32;
    for frequency in [Frequency::Monthly, Frequency::Quarterly, Frequency::Annual] {
        let members: Vec<usize> = (0..project.indicators.len())
            .filter(|&i| project.indicators[i].frequency == frequency)
            .collect();
        if members.is_empty() {
            continue;
        }
        let periods = shown_periods(card.reporting, frequency);
        let mut headers: Vec<String> = vec!["ID".into(), "Indicator".into()];
        headers.extend(periods.iter().map(|m| period_heading(*m, frequency)));
        headers.extend(
            [
                "vs previous",
                "vs last year",
                "12-month average",
                "12-month max",
                "Target",
                "RAG",
                "DoT",
            ]
            .map(String::from),
        );
        headers.extend(
            benchmarks
                .iter()
                .map(|b| format!("Benchmark: {}", b.replace('_', " "))),
        );
        headers.push("Commentary".into());
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16, h, &header_format())?;
        }
        if frequency == Frequency::Monthly {
            sheet.set_freeze_panes(row + 1, 2)?;
        }
        row += 1;
        let first_col_after = 2 + periods.len() as u16;
        let rag_col = first_col_after + 5;
        let first_data_row = row;
        let mut sections: Vec<&str> = Vec::new();
        for &i in &members {
            let s = project.indicators[i].section.as_str();
            if !sections.contains(&s) {
                sections.push(s);
            }
        }
        for section in sections {
            sheet.write_string_with_format(row, 0, section, &bold)?;
            row += 1;
            for &i in members
                .iter()
                .filter(|&&i| project.indicators[i].section == section)
            {
                let ind = &project.indicators[i];
                let whole: Vec<&Row> = by_indicator
                    .get(&i)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .copied()
                    .filter(|r| r.group.is_none())
                    .collect();
                sheet.write_string(row, 0, &ind.id)?;
                sheet.write_string(row, 1, &ind.title)?;
                period_cells(sheet, row, 2, ind, &whole, &periods)?;
                if let Some(latest) = whole.last() {
                    change_cells(sheet, row, first_col_after, ind, latest)?;
                    let c = &latest.comparison;
                    let col = first_col_after + 2;
                    write_value(
                        sheet,
                        row,
                        col,
                        ind,
                        c.avg_12m,
                        Some("no 12 months to average"),
                    )?;
                    write_value(sheet, row, col + 1, ind, c.max_12m, Some("no 12 months"))?;
                    match latest.target {
                        Some(t) => write_value(sheet, row, col + 2, ind, Some(t), None)?,
                        None => {
                            sheet.write_string(row, col + 2, NONE)?;
                        }
                    }
                    for (offset, rule, rating) in [
                        (5u16, ind.rag_at(latest.period), &latest.rag),
                        (6, ind.dot_at(latest.period), &latest.dot),
                    ] {
                        let c = first_col_after + offset;
                        sheet.write_string(row, c, rating_word(project, rule, rating))?;
                        if let Some(why) = rating_reason(rating).filter(|w| !w.is_empty()) {
                            sheet.insert_note(row, c, &Note::new(why).set_author("Rubric"))?;
                        }
                    }
                    let in_force = ind.benchmarks_at(latest.period);
                    for (k, b) in benchmarks.iter().enumerate() {
                        let c = first_col_after + 7 + k as u16;
                        match in_force.get(*b) {
                            Some(v) => write_value(sheet, row, c, ind, Some(*v), None)?,
                            None => {
                                sheet.write_string(row, c, NONE)?;
                            }
                        }
                    }
                    if let Some(text) = &latest.commentary {
                        sheet.write_string(
                            row,
                            first_col_after + 7 + benchmarks.len() as u16,
                            text.trim(),
                        )?;
                    }
                }
                row += 1;
            }
        }
        colour_rag(sheet, first_data_row, row.saturating_sub(1), rag_col)?;
        commentary_column(sheet, first_col_after + 7 + benchmarks.len() as u16)?;
        row += 1;
    }
    sheet.set_column_width(0, 7)?;
    sheet.set_column_width(1, 48)?;
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

/// Changes against the previous period and last year: points for a
/// percentage, a percent change otherwise (stored as a fraction).
fn change_cells(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    ind: &Indicator,
    latest: &Row,
) -> Result<(), XlsxError> {
    let c = &latest.comparison;
    let decimals = if ind.decimals == 0 {
        String::new()
    } else {
        format!(".{}", "0".repeat(usize::from(ind.decimals)))
    };
    let pairs = [(c.change, c.change_pct), (c.change_yoy, c.change_yoy_pct)];
    for (k, (change, pct)) in pairs.into_iter().enumerate() {
        let col = col + k as u16;
        let cell = match ind.unit {
            Unit::Percent => change.map(|v| {
                (
                    v,
                    format!("+0{decimals}\" pts\";-0{decimals}\" pts\";0\" pts\""),
                )
            }),
            _ => match (pct, change) {
                (Some(p), _) => Some((p / 100.0, "+0%;-0%;0%".to_string())),
                (None, Some(v)) => Some((v, format!("+0{decimals};-0{decimals};0"))),
                _ => None,
            },
        };
        match cell {
            Some((v, pattern)) => {
                sheet.write_number_with_format(
                    row,
                    col,
                    v,
                    &Format::new().set_num_format(pattern),
                )?;
            }
            None => {
                sheet.write_string(row, col, NONE)?;
            }
        }
    }
    Ok(())
}

fn data_sheet(sheet: &mut Worksheet, long: &[Column]) -> Result<(), XlsxError> {
    sheet.set_name("Data")?;
    for (c, column) in long.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, &column.name, &header_format())?;
        for (r, cell) in column.cells.iter().enumerate() {
            let r = r as u32 + 1;
            match cell {
                Cell::Number(v) => {
                    sheet.write_number(r, c as u16, *v)?;
                }
                Cell::Text(t) => {
                    sheet.write_string(r, c as u16, t)?;
                }
                // As in the CSV: missing is said, never a blank cell.
                Cell::Null => {
                    sheet.write_string(r, c as u16, "NA")?;
                }
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

fn definitions_sheet(sheet: &mut Worksheet, project: &Project) -> Result<(), XlsxError> {
    sheet.set_name("Definitions")?;
    let headers = [
        "ID",
        "Indicator",
        "Section",
        "Owner",
        "Outcome",
        "Unit",
        "Polarity",
        "Frequency",
        "Measure",
        "Breakdown",
        "Targets",
        "DoT rule",
        "RAG rule",
        "Defined in",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &header_format())?;
    }
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (r, ind) in project.indicators.iter().enumerate() {
        let targets: Vec<String> = ind
            .targets
            .iter()
            .map(|(y, v)| format!("{y}: {}", format::value(*v, ind.unit, ind.decimals)))
            .collect();
        let rule = |u: Option<&RuleUse>| u.map_or(NONE.to_string(), |u| u.rule.clone());
        let cells = [
            ind.id.clone(),
            ind.title.clone(),
            ind.section.clone(),
            ind.owner.clone(),
            ind.outcome.clone(),
            ind.unit.name().to_string(),
            ind.polarity.name().replace('_', " "),
            ind.frequency.name().to_string(),
            {
                let mut text = String::new();
                describe_measure(&mut text, project, &ind.measure, 0);
                text.trim_end().to_string()
            },
            ind.breakdown.clone().unwrap_or_else(|| NONE.to_string()),
            if targets.is_empty() {
                NONE.to_string()
            } else {
                targets.join("; ")
            },
            rule(ind.dot.as_ref()),
            rule(ind.rag.as_ref()),
            format!("{}:{}", ind.file.display(), ind.place.line),
        ];
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(r as u32 + 1, c as u16, text, &wrap)?;
        }
    }
    sheet.set_column_width(1, 40)?;
    sheet.set_column_width(8, 60)?;
    sheet.set_freeze_panes(1, 1)?;
    Ok(())
}

fn teams_sheet(
    sheet: &mut Worksheet,
    project: &Project,
    card: &Scorecard,
    ind: &Indicator,
    rows: &[&Row],
) -> Result<(), XlsxError> {
    // Sheet names are at most 31 characters; ids are short.
    let name: String = format!("{} teams", ind.id).chars().take(31).collect();
    sheet.set_name(name)?;
    let periods = shown_periods(card.reporting, ind.frequency);
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{} {} by {}",
            ind.id,
            ind.title,
            ind.breakdown.as_deref().unwrap_or_default()
        ),
        &Format::new().set_bold(),
    )?;
    let mut headers = vec!["Team".to_string()];
    headers.extend(periods.iter().map(|m| period_heading(*m, ind.frequency)));
    headers.extend(["Target", "RAG"].map(String::from));
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, h, &header_format())?;
    }
    let mut groups: Vec<Option<&str>> = vec![None];
    for r in rows {
        if let Some(g) = r.group.as_deref() {
            if !groups.contains(&Some(g)) {
                groups.push(Some(g));
            }
        }
    }
    let mut row = 3u32;
    for g in &groups {
        sheet.write_string(row, 0, g.unwrap_or("All"))?;
        let mine: Vec<&Row> = rows
            .iter()
            .copied()
            .filter(|r| r.group.as_deref() == *g)
            .collect();
        period_cells(sheet, row, 1, ind, &mine, &periods)?;
        if let Some(latest) = mine.last() {
            let col = 1 + periods.len() as u16;
            match latest.target {
                Some(t) => write_value(sheet, row, col, ind, Some(t), None)?,
                None => {
                    sheet.write_string(row, col, NONE)?;
                }
            }
            sheet.write_string(
                row,
                col + 1,
                rating_word(project, ind.rag_at(latest.period), &latest.rag),
            )?;
        }
        row += 1;
    }
    colour_rag(sheet, 3, row - 1, 2 + periods.len() as u16)?;
    sheet.set_column_width(0, 24)?;
    Ok(())
}
