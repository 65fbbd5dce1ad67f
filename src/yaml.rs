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
    // serde lists the expected keys itself; ours come in a `help:` line with the right names.
    let trimmed = trimmed.split(", expected").next().unwrap_or(trimmed);
    let trimmed = trimmed.trim_end_matches(':').trim();
    if trimmed.is_empty() {
        "invalid YAML".to_string()
    } else {
        trimmed.to_string()
    }
}
