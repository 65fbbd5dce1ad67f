//! Lesson front matter: the YAML block between `---` lines at the top of a Markdown file.

use crate::diag::Diagnostic;
use crate::yaml::{self, Spanned};
use serde::Deserialize;
use std::path::Path;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// A stable name for the lesson's saved progress: kept, the lesson keeps its learners'
    /// answers when it is renamed or moved (content::progress).
    pub id: Option<Spanned<String>>,
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub objectives: Vec<String>,
    #[serde(default)]
    pub terms: Vec<Spanned<String>>,
    pub quiz: Option<Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    /// `false` turns off linking of glossary mentions in this lesson.
    #[serde(rename = "link-terms", alias = "link_terms")]
    pub link_terms: Option<bool>,
    /// mdBook's `{{#title …}}` in the body: the page's `<title>` only (content::directives).
    #[serde(skip)]
    pub html_title: Option<String>,
}

/// A Markdown file split into its front matter and body.
pub struct Split<'a> {
    pub front: Option<&'a str>,
    /// Lines before the front matter's YAML (the opening `---`).
    pub front_line: usize,
    pub body: &'a str,
    /// Lines before the body starts.
    pub body_line: usize,
}

pub fn split(text: &str) -> Split<'_> {
    let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text_nobom.split_inclusive('\n');
    let none = Split {
        front: None,
        front_line: 0,
        body: text_nobom,
        body_line: 0,
    };
    match lines.next() {
        Some(first) if first.trim_end() == "---" => {}
        _ => return none,
    }
    let start = text_nobom.find('\n').map_or(text_nobom.len(), |i| i + 1);
    let mut offset = start;
    for (i, line) in lines.enumerate() {
        let line_no = i + 2;
        if line.trim_end() == "---" || line.trim_end() == "..." {
            return Split {
                front: Some(&text_nobom[start..offset]),
                front_line: 1,
                body: &text_nobom[offset + line.len()..],
                body_line: line_no,
            };
        }
        offset += line.len();
    }
    none
}

pub fn parse(yaml_text: &str, path: &Path, line_offset: usize) -> Result<FrontMatter, Diagnostic> {
    if yaml_text.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    yaml::parse::<FrontMatter>(yaml_text, path, line_offset).map_err(|mut d| {
        if d.message.contains("unknown field") {
            d = d.with_help(
                "front matter keys: id, title, description, objectives, terms, quiz, draft, link-terms",
            );
        }
        d
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let s = split("---\ntitle: A\n---\n# Body\n");
        assert_eq!(s.front, Some("title: A\n"));
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 3);
    }

    #[test]
    fn no_front_matter_without_closing_fence() {
        let s = split("---\ntitle: A\n# Body\n");
        assert!(s.front.is_none());
    }
}
