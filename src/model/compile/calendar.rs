//! The working-day calendar: the one named in `rubric.yaml` (England and
//! Wales by default), with the project's closure days.

use crate::calendar::{parse_day, Calendar, BUILTIN};
use crate::config::document::{CalendarDoc, ProjectDoc};
use crate::config::files::read_text;
use crate::config::load::parse;
use crate::config::Loaded;
use crate::diagnostic::{Diagnostic, Place, SourceTexts};
use std::path::{Path, PathBuf};

pub(super) fn build_calendar(
    settings: Option<&Loaded<ProjectDoc>>,
    root: &Path,
    texts: &mut SourceTexts,
    problems: &mut Vec<Diagnostic>,
) -> Calendar {
    let builtin = |name: &str, problems: &mut Vec<Diagnostic>| {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        let file = PathBuf::from(format!("calendars/{name}.yaml"));
        parse::<CalendarDoc>(text, &file, problems).map(|d| (d, file))
    };
    let chosen = match settings.and_then(|s| s.doc.calendar.as_ref().map(|c| (s, c))) {
        None => builtin(BUILTIN[0].0, problems),
        Some((_, name)) if BUILTIN.iter().any(|(n, _)| *n == name.value) => {
            builtin(&name.value, problems)
        }
        Some((s, name)) => {
            let written = match crate::config::project_path::project_relative(&name.value) {
                Ok(w) => w,
                Err(why) => {
                    problems.push(
                        Diagnostic::new(&s.file, Place::from(&name.referenced), format!("the calendar `{}` is outside the project: {why}", crate::text::visible(&name.value, false)))
                            .help("put the calendar file inside the project folder and give its path relative to it, e.g. `calendars/local.yaml`"),
                    );
                    return Calendar::new("(no calendar)", []);
                }
            };
            let path = root.join(&written);
            if !path.is_file() {
                let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                problems.push(
                    Diagnostic::new(&s.file, Place::from(&name.referenced), format!("there is no calendar `{}`", crate::text::visible(&name.value, false)))
                        .help(format!("name a built-in calendar ({}) or the path of a calendar file in the project", names.join(", "))),
                );
                return Calendar::new("(no calendar)", []);
            }
            let relative = PathBuf::from(&written);
            read_text(root, &path, &relative, problems).and_then(|t| {
                texts.insert(relative.clone(), t.clone());
                parse::<CalendarDoc>(&t, &relative, problems).map(|d| (d, relative))
            })
        }
    };
    let Some((doc, file)) = chosen else {
        return Calendar::new("(no calendar)", []);
    };
    let mut days = Vec::new();
    for h in &doc.holidays {
        match parse_day(&h.date.value) {
            Some(d) => days.push(d),
            None => problems.push(
                Diagnostic::new(
                    &file,
                    Place::from(&h.date.referenced),
                    format!("`{}` is not a date", h.date.value),
                )
                .help("write holidays as `- { date: 2023-05-08, title: ... }`"),
            ),
        }
    }
    let mut closures = Vec::new();
    if let Some(s) = settings {
        for c in &s.doc.closure_days {
            match parse_day(&c.value) {
                Some(d) => closures.push(d),
                None => problems.push(
                    Diagnostic::new(
                        &s.file,
                        Place::from(&c.referenced),
                        format!("`{}` is not a date", c.value),
                    )
                    .help("write closure days as dates: `closure_days: [2023-12-29]`"),
                ),
            }
        }
    }
    Calendar::new(doc.name, days).with_closures(closures)
}

/// A built-in calendar by name (`england-and-wales`, `scotland`, `northern-ireland`).
pub fn builtin_calendar(name: &str) -> Option<Calendar> {
    let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
    let doc: CalendarDoc = parse(text, Path::new(name), &mut Vec::new())?;
    let days: Vec<i32> = doc
        .holidays
        .iter()
        .filter_map(|h| parse_day(&h.date.value))
        .collect();
    Some(Calendar::new(doc.name, days))
}
