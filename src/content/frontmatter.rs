//! Lesson front matter: the YAML block between `---` lines at the top of a Markdown file.

use crate::diag::Diagnostic;
use crate::yaml::{self, Spanned};
use serde::Deserialize;
use std::path::Path;

/// Unknown keys are not refused here: [`key_problems`] makes them warnings (a typo of a known
/// key stays an error), as mdBook-era books and other tools put keys of their own there.
#[derive(Clone, Debug, Default, Deserialize)]
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
    /// `false` leaves the page out of the course's search.
    pub search: Option<bool>,
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

const KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "objectives",
    "terms",
    "quiz",
    "draft",
    "search",
    "link-terms",
    "link_terms",
];

pub fn parse(yaml_text: &str, path: &Path, line_offset: usize) -> Result<FrontMatter, Diagnostic> {
    if yaml_text.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    yaml::parse::<FrontMatter>(yaml_text, path, line_offset)
}

/// `text` with NUL, the other C0 controls but tab and newline, DEL, C1 controls and bidi
/// overrides replaced with U+FFFD, as the Markdown of a lesson has its NULs replaced: a YAML or
/// TOML escape (`"A\0B"`) can put them in a title shown on every page. Also whether any was.
pub fn clean_text(text: String) -> (String, bool) {
    if !text.contains(unsafe_char) {
        return (text, false);
    }
    let clean = text
        .chars()
        .map(|c| if unsafe_char(c) { '\u{fffd}' } else { c })
        .collect();
    (clean, true)
}

/// [`clean_text`] on a string in place (the text of a quiz or a glossary entry); whether any
/// character was replaced.
pub fn clean_in_place(text: &mut String) -> bool {
    let (clean, changed) = clean_text(std::mem::take(text));
    *text = clean;
    changed
}

/// The warning for text in which [`clean_text`] replaced something: `what` (a key, a
/// question, an entry) at `pos`, with `help` saying where to remove them.
pub fn replaced_warning(
    path: impl AsRef<Path>,
    pos: crate::diag::Pos,
    what: &str,
    help: &str,
) -> Diagnostic {
    Diagnostic::warning(
        path.as_ref(),
        pos,
        format!("{what} has control or bidi-override characters; shown as U+FFFD"),
    )
    .with_help(help)
}

/// The help for text from YAML, where an escape is how they get in.
pub const FROM_YAML_ESCAPE: &str =
    "remove them (a YAML escape such as \"\\0\" or \"\\u202E\" puts them there)";

/// What [`clean_text`] replaces: controls but tab and newline, and bidi overrides.
pub fn unsafe_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n')) || crate::diag::is_bidi_control(c)
}

/// Replace what [`clean_text`] replaces in the front matter's text shown on pages (title,
/// description, objectives), with a warning at each such key's line.
pub fn clean(
    front: &mut FrontMatter,
    yaml_text: &str,
    path: &Path,
    line_offset: usize,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut warn = |key: &str| {
        let line = yaml_text
            .lines()
            .position(|l| l.starts_with(key) && l[key.len()..].trim_start().starts_with(':'))
            .unwrap_or(0);
        out.push(replaced_warning(
            path,
            crate::diag::Pos::new(line_offset + line + 1, 1),
            &format!("`{key}`"),
            "remove them from the front matter",
        ));
    };
    for (key, value) in [
        ("title", &mut front.title),
        ("description", &mut front.description),
    ] {
        if let Some(v) = value.take() {
            let (v, changed) = clean_text(v);
            if changed {
                warn(key);
            }
            *value = Some(v);
        }
    }
    let mut any = false;
    for objective in &mut front.objectives {
        let (v, changed) = clean_text(std::mem::take(objective));
        any |= changed;
        *objective = v;
    }
    if any {
        warn("objectives");
    }
    out
}

/// The front matter's keys coursebook does not know: a typo of a known key is an error with
/// "did you mean", any other a warning that it is ignored. Top-level keys are read line by line
/// (`key:` at the start of a line), which is how front matter is written.
pub fn key_problems(yaml_text: &str, path: &Path, line_offset: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, line) in yaml_text.lines().enumerate() {
        if line.starts_with([' ', '\t', '-', '#', '{', '[', '?', '&', '*', '!', '|', '>'])
            || !line.contains(':')
        {
            continue;
        }
        let key = line
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        if key.is_empty() || KEYS.contains(&key) {
            continue;
        }
        let pos = crate::diag::Pos::new(line_offset + i + 1, 1);
        let help =
            "front matter keys: id, title, description, objectives, terms, quiz, draft, link-terms";
        out.push(match crate::config::keys::closest(key, KEYS) {
            Some(near) => Diagnostic::error(
                path,
                pos,
                format!("unknown front matter key `{key}`; did you mean `{near}`?"),
            )
            .with_help(help),
            None => Diagnostic::warning(
                path,
                pos,
                format!("front matter key `{key}` is not one coursebook uses; ignored"),
            )
            .with_help(help),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_warnings_and_typos_errors() {
        let d = key_problems(
            "title: A\ntitel: B\nauthor: me\n  nested: x\nobjectives:\n  - y\n",
            Path::new("a.md"),
            1,
        );
        let d: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d[0].starts_with(
                "error: a.md:3:1: unknown front matter key `titel`; did you mean `title`?"
            ),
            "{d:?}"
        );
        assert!(
            d[1].starts_with(
                "warning: a.md:4:1: front matter key `author` is not one coursebook uses; ignored"
            ),
            "{d:?}"
        );
        // And the known keys are still read.
        let f = parse("title: A\nauthor: me\n", Path::new("a.md"), 1).unwrap_or_default();
        assert_eq!(f.title.as_deref(), Some("A"));
    }

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
