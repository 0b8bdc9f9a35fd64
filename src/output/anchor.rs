//! Section anchors of a web page: plain ids from headings, unique on the
//! page, for links and the section filter.

use std::collections::BTreeSet;

/// A section's anchor: its name in lower-case letters and digits (any
/// other character a hyphen), made unique by a number when two sections
/// would share one.
pub(super) fn unique_anchor(section: &str, taken: &mut BTreeSet<String>) -> String {
    let base = anchor(section);
    let mut candidate = base.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

fn anchor(section: &str) -> String {
    let a: String = section
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    match a.trim_matches('-') {
        "" => "section-untitled".to_string(),
        a => format!("section-{a}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn anchors_are_plain() {
        assert_eq!(anchor("Children in care"), "section-children-in-care");
        assert_eq!(anchor("Front door & MASH"), "section-front-door---mash");
        let mut taken = BTreeSet::new();
        assert_eq!(unique_anchor("Ü", &mut taken), "section-untitled");
        assert_eq!(unique_anchor("É", &mut taken), "section-untitled-2");
    }
}
