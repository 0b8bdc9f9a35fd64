//! The workbook's **Definitions** sheet: each indicator's owner, outcome,
//! unit, polarity, frequency, measure in words, breakdowns, targets, rule
//! sets and the file and line that define it.

use super::review::describe_measure;
use super::xlsx_style::header_format;
use crate::layout::Board;
use crate::model::indicator::RuleUse;
use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

/// Shown where a definition has no such thing (page tables use the
/// page's own marks).
const NONE: &str = "–";

/// The definition of every indicator the page shows.
pub(super) fn definitions_sheet(sheet: &mut Worksheet, board: &Board) -> Result<(), XlsxError> {
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
    for (r, ind) in board.lines().map(|l| l.indicator).enumerate() {
        let targets: Vec<String> = ind
            .targets
            .iter()
            .map(|(y, t)| format!("{y}: {}", t.shown(ind.polarity, ind.unit, ind.decimals)))
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
                describe_measure(&mut text, board.project, &ind.measure, 0);
                text.trim_end().to_string()
            },
            if ind.breakdowns.is_empty() {
                NONE.to_string()
            } else {
                let names: Vec<String> = ind.breakdowns.iter().map(|b| b.describe()).collect();
                names.join("; ")
            },
            if targets.is_empty() {
                NONE.to_string()
            } else {
                targets.join("; ")
            },
            rule(ind.dot.as_ref()),
            rule(ind.rag.as_ref()),
            format!("{}:{}", crate::text::slashed(&ind.file), ind.place.line),
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
