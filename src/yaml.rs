//! YAML: the only user of serde-saphyr.
//!
//! Front matter, quizzes, glossaries and widget blocks all come through [`parse`], which applies
//! the same budgets (so a billion-laughs or deeply nested file is rejected in milliseconds) and
//! turns a parse error into a [`Diagnostic`] at the right line of the right file, even when the
//! YAML is embedded in a Markdown file below other lines.

use crate::diag::{Diagnostic, Pos};
use serde::de::DeserializeOwned;
use std::path::Path;

pub use serde_saphyr::Spanned;

/// Parse `text` as `T`. `line_offset` is the number of lines in the file before `text` starts.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    line_offset: usize,
) -> Result<T, Diagnostic> {
    let options = serde_saphyr::options! {
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_depth: 64,
            max_nodes: 250_000,
        },
    };
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|err| {
        let pos = err
            .location()
            .map(|l| Pos::new(l.line() as usize, l.column() as usize))
            .unwrap_or(Pos::new(1, 1))
            .shifted(line_offset);
        Diagnostic::error(path, pos, clean_message(&err.to_string()))
    })
}

/// The items of a YAML list that did not deserialize as a whole, each on its own, so every
/// broken item is reported, not only the first (serde stops at the first error). `items` are
/// the items' positions in `text` (1-based line and column, from a lenient parse that reads
/// them as anything); each item's text runs to the next item, indented as it was. Returns each
/// item read or its error (`fix` adds a help line), in order; nothing for a flow list.
pub fn items_one_by_one<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    line_offset: usize,
    items: &[Pos],
    fix: &dyn Fn(Diagnostic) -> Diagnostic,
) -> Vec<Result<T, Diagnostic>> {
    // Only a block list, an item a line: flow lists (`[{…}, {…}]`) keep their first error.
    if items.windows(2).any(|w| w[1].line <= w[0].line) {
        return Vec::new();
    }
    let lines = crate::diag::LineIndex::new(text);
    let offset_of = |p: Pos| lines.offset(p);
    let mut found = Vec::new();
    for (i, &at) in items.iter().enumerate() {
        let start = offset_of(at);
        // Up to the start of the line that holds the next item ("  - " and all).
        let end = items.get(i + 1).map_or(text.len(), |&next| {
            let next = offset_of(next);
            text[..next]
                .rfind('\n')
                .map_or(next, |nl| nl + 1)
                .max(start)
        });
        let item = format!(
            "{}{}",
            " ".repeat(at.col.saturating_sub(1)),
            &text[start..end]
        );
        found.push(parse::<T>(&item, path, line_offset + at.line - 1).map_err(fix));
    }
    found
}

/// The position of a spanned value, shifted by the embedding offset.
pub fn pos_of<T>(s: &Spanned<T>, line_offset: usize) -> Pos {
    Pos::new(s.referenced.line() as usize, s.referenced.column() as usize).shifted(line_offset)
}

/// serde-saphyr's messages may carry their own "at line X column Y" suffix; ours go in front.
fn clean_message(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg).trim();
    let trimmed = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    // A value given by an alias says where its anchor is, "(defined at line …)": the position
    // is cut above, and the words left were shown as "expected string scalar (defined".
    let trimmed = trimmed.strip_suffix(" (defined").unwrap_or(trimmed);
    // serde lists the expected keys itself; ours come in a `help:` line with the right names.
    // Other messages keep their "expected …" (`invalid type: map, expected a string`): cut,
    // they said what was wrong but not what to write.
    let trimmed = if trimmed.starts_with("unknown field") || trimmed.starts_with("unknown variant")
    {
        trimmed.split(", expected").next().unwrap_or(trimmed)
    } else {
        trimmed
    };
    let trimmed = trimmed.trim_end_matches(':').trim();
    // The library's advice to its own callers is not the author's.
    if let Some(key) = trimmed.strip_prefix("duplicate mapping key: ").map(|rest| {
        rest.split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest)
    }) {
        return format!("the key `{key}` is written twice here: keep one");
    }
    if trimmed.contains("budget breached") {
        return "the YAML is too large or nests too deep (coursebook reads at most 250,000 nodes, 64 levels deep)".to_string();
    }
    if trimmed.is_empty() {
        "invalid YAML".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Q {
        prompt: String,
        correct: Option<bool>,
        count: Option<u32>,
    }

    fn message(yaml: &str) -> String {
        parse::<Q>(yaml, Path::new("q.yaml"), 2)
            .map_or_else(|d| d.to_string(), |q| format!("parsed {q:?}"))
    }

    #[derive(serde::Deserialize, Debug)]
    struct Two {
        #[allow(dead_code, reason = "only the message is looked at")]
        a: Vec<String>,
        #[allow(dead_code, reason = "only the message is looked at")]
        b: String,
    }

    #[test]
    fn an_alias_s_anchor_position_is_not_left_half_cut() {
        let m = parse::<Two>("a: &t [x]\nb: *t\n", Path::new("q.yaml"), 0)
            .map_or_else(|d| d.to_string(), |t| format!("parsed {t:?}"));
        assert!(m.contains("q.yaml:2:"), "{m}");
        assert!(!m.contains("(defined"), "{m}");
    }

    #[test]
    fn library_advice_is_not_shown_to_authors() {
        let m = message("prompt: P\nprompt: Q\n");
        assert!(m.contains("the key `prompt` is written twice here"), "{m}");
        assert!(!m.contains("DuplicateKeyPolicy"), "{m}");
        // As serde-saphyr words a breached budget (a 250,001-node file).
        let m = clean_message("budget breached: Nodes { nodes: 250001 } at line 9 column 1");
        assert!(m.contains("nests too deep"), "{m}");
        assert!(!m.contains("budget"), "{m}");
    }

    #[test]
    fn messages_say_what_was_expected_and_where() {
        // A type error keeps serde's "expected …": it is the only hint at what to write.
        let m = message("prompt: [1, 2]\n");
        assert!(m.starts_with("error: q.yaml:3:"), "{m}");
        assert!(m.contains("expected"), "{m}");
        let m = message("prompt: P\ncount: -3\n");
        assert!(m.starts_with("error: q.yaml:4:"), "{m}");
        // Unknown keys drop serde's list: the caller's help names the keys.
        let m = message("prompt: P\ncolour: red\n");
        assert!(m.contains("unknown field `colour`"), "{m}");
        assert!(!m.contains("expected"), "{m}");
        for m in [m, message("prompt: [1\n")] {
            assert!(!m.contains("at line"), "{m}");
        }
    }
}
