//! `index.html`: the pack as a folder. Every page in every format written
//! and the figures as data, with the reporting period and a fingerprint of
//! the definitions they were made from (no clock time and no commit, so
//! the same definitions and data give the same bytes).

use crate::model::page::Page;
use crate::model::Project;
use crate::rules::scorecard::Scorecard;
use serde::Serialize;

const TEMPLATE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Scorecard pack: {{ label }}</title>
<style>
body { font-family: system-ui, sans-serif; color: #1b1b1b; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
a { color: #1d4f91; }
.meta { color: #4a4a4a; }
li { margin: 0.3rem 0; }
</style>
</head>
<body>
<main>
<h1>Scorecard pack: {{ label }}</h1>
<p class="meta">Reporting period {{ period }}. Made from the definitions with fingerprint <code>{{ fingerprint }}</code>: the same indicator, rule, page and source files give the same fingerprint.</p>
<h2>Pages</h2>
<ul>
{%- for p in pages %}
<li>{{ p.title }}: {% for f in p.files %}<a href="{{ f.name }}">{{ f.kind }}</a>{% if not loop.last %}, {% endif %}{% endfor %}</li>
{%- endfor %}
</ul>
<h2>Every figure, as data</h2>
<ul>
<li><a href="scorecard.csv">CSV</a>, <a href="scorecard.parquet">Parquet</a>: one row per indicator, breakdown value and period, with its status and reason</li>
</ul>
</main>
</body>
</html>
"#;

#[derive(Serialize)]
struct Listed {
    title: String,
    files: Vec<File>,
}

#[derive(Serialize)]
struct File {
    name: String,
    kind: &'static str,
}

/// The index of the pack `project` writes for `card`.
pub(crate) fn render(project: &Project, card: &Scorecard) -> Result<Vec<u8>, minijinja::Error> {
    let default = Page::default_board(&project.indicators, &project.formats);
    let pages: Vec<Listed> = std::iter::once(&default)
        .chain(&project.pages)
        .map(|page| Listed {
            title: page.title.clone(),
            files: page
                .formats
                .iter()
                .map(|f| File {
                    name: format!("{}.{}", page.name, f.extension),
                    kind: f.words,
                })
                .collect(),
        })
        .collect();
    let mut env = minijinja::Environment::new();
    env.add_template("index.html", TEMPLATE)?;
    let html = env
        .get_template("index.html")?
        .render(minijinja::context! {
            label => card.reporting.short_label(),
            period => card.reporting.to_string(),
            fingerprint => project.texts.fingerprint(),
            pages => pages,
        })?;
    Ok(html.into_bytes())
}
