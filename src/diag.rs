//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every check in coursebook reports through [`Diagnostics`] instead of returning early, so one
//! run lists every problem in a course. Paths are relative to the course root so messages are the
//! same on every machine (and in snapshots). This module owns printing; it never decides the exit
//! code (main does).

use std::cell::Cell;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: pos.line,
            col: pos.col,
            severity: Severity::Error,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, pos, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The location as `path:line:col`, or just `path` when no line is known.
    pub fn location(&self) -> String {
        let path = self.path.display().to_string().replace('\\', "/");
        if self.line == 0 {
            path
        } else {
            format!("{path}:{}:{}", self.line, self.col.max(1))
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{label}: {}: {}",
            escape_controls(&self.location()),
            escape_controls(&self.message)
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", escape_controls(help))?;
        }
        Ok(())
    }
}

/// A bidirectional control character (U+202A–U+202E, U+2066–U+2069): it makes text display in
/// another order than it is written ("Trojan Source").
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with control and bidi-override characters written as escapes (`\n`, `\u{1b}`): a
/// file name or quoted text with a newline in it must not start a line of its own in a log,
/// where CI would read `::error ...` as a workflow command or an escape sequence would drive
/// the terminal. Each diagnostic stays one line (and its help another).
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| (c.is_control() && c != '\t') || is_bidi_control(c);
    if !text.contains(unsafe_char) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A 1-based line and column (in characters). Line 0 means "the whole file".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const FILE: Pos = Pos { line: 0, col: 0 };

    pub fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }

    /// The line and column of byte `offset` in `text` (clamped to the text).
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Pos { line, col }
    }

    /// This position shifted down by `lines` (for text embedded after a header, such as YAML
    /// inside a fenced block or Markdown after front matter).
    pub fn shifted(self, lines: usize) -> Self {
        Pos {
            line: self.line + lines,
            col: self.col,
        }
    }
}

/// Where each line of a page's expanded Markdown came from, so a problem found in text that
/// `{{#include}}` brought in (content::directives) is reported at the included file's own line,
/// not at a line of the page that does not exist.
///
/// Lines are counted as the Markdown passes count them: the expanded body's lines shifted by the
/// lines before it (`Page::body_line`). A piece covers the lines from its `from` to the next
/// piece's; lines that mix two files (text after a directive on its line) count as the piece
/// that starts on them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origins {
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    from: usize,
    path: PathBuf,
    /// The line of `path` that line `from` is.
    line: usize,
    /// Characters the including line put before each included line (its indentation).
    shift: usize,
    /// Every line of the piece stands for this one column of `line` (a block generated from
    /// another file, whose own lines the page does not hold).
    fixed: Option<usize>,
    /// Appended to the help: where the file was included or generated from.
    note: Option<String>,
}

impl Origins {
    /// From page line `from` on, the lines are `path`'s from `line` on, each after `shift`
    /// characters of indentation. A piece starting on the line the last one starts on replaces
    /// it (an include that ends where the page resumes).
    pub fn push(
        &mut self,
        from: usize,
        path: &Path,
        line: usize,
        shift: usize,
        note: Option<String>,
    ) {
        self.push_piece(Piece {
            from,
            path: path.to_path_buf(),
            line,
            shift,
            fixed: None,
            note,
        });
    }

    /// From page line `from` on, every line stands for `path`'s `pos` (until the next piece).
    pub fn push_fixed(&mut self, from: usize, path: &Path, pos: Pos, note: Option<String>) {
        self.push_piece(Piece {
            from,
            path: path.to_path_buf(),
            line: pos.line,
            shift: 0,
            fixed: Some(pos.col),
            note,
        });
    }

    fn push_piece(&mut self, piece: Piece) {
        // Pieces stay sorted by `from`, so a lookup is a binary search.
        while self.pieces.last().is_some_and(|p| p.from >= piece.from) {
            self.pieces.pop();
        }
        self.pieces.push(piece);
    }

    /// Whether any line comes from elsewhere than the page itself at its own line.
    pub fn is_identity(&self, page: &Path) -> bool {
        self.pieces
            .iter()
            .all(|p| p.path == page && p.line == p.from && p.shift == 0 && p.fixed.is_none())
    }

    /// The file and position that page line `pos` of `page` stands for (`page` and `pos`
    /// themselves for the page's own lines, and for a position in another file).
    pub fn locate(&self, page: &Path, path: &mut PathBuf, pos: &mut Pos) -> Option<&str> {
        if path.as_path() != page || pos.line == 0 {
            return None;
        }
        let i = self.pieces.partition_point(|p| p.from <= pos.line);
        let piece = self.pieces.get(i.checked_sub(1)?)?;
        *path = piece.path.clone();
        *pos = match piece.fixed {
            Some(col) => Pos::new(piece.line, col),
            None => Pos::new(
                piece.line + (pos.line - piece.from),
                pos.col.saturating_sub(piece.shift).max(1),
            ),
        };
        piece.note.as_deref()
    }

    /// `d` moved to where its text came from, with a note saying how it got into the page.
    pub fn relocate(&self, page: &Path, d: &mut Diagnostic) {
        let mut pos = Pos::new(d.line, d.col);
        if let Some(note) = self.locate(page, &mut d.path, &mut pos) {
            d.help = Some(match d.help.take() {
                Some(help) => format!("{help} ({note})"),
                None => note.to_string(),
            });
        }
        d.line = pos.line;
        d.col = pos.col;
    }
}

/// Collects diagnostics from every stage; the build fails once, at the end.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// `--deny-warnings` (for CI): a warning fails the build as an error does.
    deny_warnings: bool,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics pushed since there were `n`.
    pub fn since(&self, n: usize) -> &[Diagnostic] {
        self.items.get(n..).unwrap_or_default()
    }

    /// Whether any of `more` would fail the build (an error, or a warning under
    /// `--deny-warnings`).
    pub fn would_fail(&self, more: &[Diagnostic]) -> bool {
        more.iter().any(|d| self.fails(d))
    }

    /// Make every warning fail the build (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        self.deny_warnings = true;
    }

    pub fn denies_warnings(&self) -> bool {
        self.deny_warnings
    }

    fn fails(&self, d: &Diagnostic) -> bool {
        d.severity == Severity::Error || self.deny_warnings
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| self.fails(d))
    }

    /// The problems that fail the build: errors, and warnings under `--deny-warnings`.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| self.fails(d)).count()
    }

    /// All diagnostics, sorted by file and position so output is stable.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort();
        items.dedup();
        items
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// What is shown to the author: [`Diagnostics::sorted`] (without warnings unless
    /// `warnings`), but of each kind of problem in one file only the first
    /// [`SHOWN_PER_KIND`], then one line counting the rest. A lesson with 700,000 broken links
    /// printed 1.4 million lines (11 s, and a CI log nobody can read); the first few say what
    /// to fix, the count says how much. The build's count of problems is unchanged.
    pub fn shown(&self, warnings: bool) -> Vec<Shown> {
        let mut out = Vec::new();
        // Per file: each kind's count so far, and the kinds cut, in the order first cut.
        let mut seen: std::collections::HashMap<(Severity, String), usize> = Default::default();
        let mut cut: Vec<(Severity, String, Diagnostic)> = Vec::new();
        let mut file: Option<PathBuf> = None;
        let flush = |cut: &mut Vec<(Severity, String, Diagnostic)>,
                     seen: &std::collections::HashMap<(Severity, String), usize>,
                     out: &mut Vec<Shown>| {
            for (severity, kind, like) in cut.drain(..) {
                let count = seen.get(&(severity, kind)).copied().unwrap_or(0);
                out.push(Shown::More {
                    more: count.saturating_sub(SHOWN_PER_KIND),
                    like,
                });
            }
        };
        // Warnings of one kind across the course: Comprehensive Rust's 365 pages each said its
        // front matter key `minutes` is not one coursebook uses.
        let mut course_wide: Vec<(String, usize, Diagnostic)> = Vec::new();
        let mut course_seen: std::collections::HashMap<String, usize> = Default::default();
        for d in self.sorted() {
            if !warnings && d.severity == Severity::Warning {
                continue;
            }
            if d.severity == Severity::Warning {
                let kind = kind_of(&d.message);
                let count = course_seen.entry(kind.clone()).or_insert(0);
                *count += 1;
                if *count > SHOWN_WARNINGS_PER_KIND {
                    match course_wide.iter_mut().find(|(k, _, _)| *k == kind) {
                        Some((_, more, _)) => *more += 1,
                        None => course_wide.push((kind, 1, d)),
                    }
                    continue;
                }
            }
            if file.as_ref() != Some(&d.path) {
                flush(&mut cut, &seen, &mut out);
                seen.clear();
                file = Some(d.path.clone());
            }
            let kind = kind_of(&d.message);
            let count = seen.entry((d.severity, kind.clone())).or_insert(0);
            *count += 1;
            match *count {
                n if n <= SHOWN_PER_KIND => out.push(Shown::One(d)),
                n if n == SHOWN_PER_KIND + 1 => cut.push((d.severity, kind, d)),
                _ => {}
            }
        }
        flush(&mut cut, &seen, &mut out);
        for (_, more, like) in course_wide {
            out.push(Shown::Elsewhere { more, like });
        }
        out
    }
}

/// How many problems of one kind in one file are shown before the rest are counted.
pub const SHOWN_PER_KIND: usize = 20;

/// How many warnings of one kind in the whole course are shown before the rest are counted.
pub const SHOWN_WARNINGS_PER_KIND: usize = 10;

/// A line of [`Diagnostics::shown`]: a problem, or how many more like `like` were not shown.
#[derive(Debug)]
pub enum Shown {
    One(Diagnostic),
    More {
        more: usize,
        like: Diagnostic,
    },
    /// Warnings like `like` past the first [`SHOWN_WARNINGS_PER_KIND`] of the course.
    Elsewhere {
        more: usize,
        like: Diagnostic,
    },
}

impl Shown {
    /// The problem shown, or the first of those counted (its file, severity and message).
    pub fn diagnostic(&self) -> &Diagnostic {
        match self {
            Shown::One(d) | Shown::More { like: d, .. } | Shown::Elsewhere { like: d, .. } => d,
        }
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::One(d) => d.fmt(f),
            Shown::More { more, like } => {
                let label = match like.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                write!(
                    f,
                    "{label}: {}: {more} more like \"{}\" (only the first {SHOWN_PER_KIND} of a kind are shown for each file)",
                    escape_controls(&like.path.display().to_string().replace('\\', "/")),
                    escape_controls(&clip(&like.message, 80)),
                )
            }
            Shown::Elsewhere { more, like } => write!(
                f,
                "warning: {more} more like \"{}\" in the course (only the first {SHOWN_WARNINGS_PER_KIND} of a kind are shown), the next at {}",
                escape_controls(&clip(&like.message, 80)),
                escape_controls(&like.location()),
            ),
        }
    }
}

/// A message with what varies between problems of one kind left out: quoted and `code` text
/// and numbers (`broken link: `b` is not a page` and `broken link: `c` …` are one kind).
fn kind_of(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside: Option<char> = None;
    for c in message.chars() {
        match inside {
            Some(close) if c == close => inside = None,
            Some(_) => {}
            None if c == '`' || c == '"' => inside = Some(c),
            None if c.is_ascii_digit() => {}
            None => out.push(c),
        }
    }
    out
}

/// The path of `path` relative to the course root, for messages.
/// Where bytes stop being UTF-8: the line and column of the first bad byte.
pub fn utf8_error_pos(e: &std::string::FromUtf8Error) -> Pos {
    let offset = e.utf8_error().valid_up_to();
    Pos::of_offset(&String::from_utf8_lossy(&e.as_bytes()[..offset]), offset)
}

/// `text` as a message quotes it: at most `max` characters, then `…` (a 220 KB line of
/// SUMMARY.md was echoed whole into its error).
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]).into(),
        None => text.into(),
    }
}

pub fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Byte offset → line and column, in O(log lines) per lookup.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// The last lookup's (offset, column). Columns count characters from the line's start, so
    /// on one long line every lookup cost the distance from there: 80,000 math errors on one
    /// 1.3 MB line took 3 s (found by fuzz_markdown). Lookups come nearly in order, so counting
    /// from the previous one keeps a line's lookups linear in its length.
    last: Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        // memchr's vector search: `match_indices` looks a byte at a time, for every page.
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            text,
            starts,
            last: Cell::new((0, 1)),
        }
    }

    /// The byte offset of a 1-based line and column (in characters), clamped to the text.
    pub fn offset(&self, pos: Pos) -> usize {
        let Some(&start) = self.starts.get(pos.line.max(1) - 1) else {
            return self.text.len();
        };
        self.text[start..]
            .char_indices()
            .nth(pos.col.saturating_sub(1))
            .map_or(self.text.len(), |(i, _)| start + i)
    }

    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let Some(before) = self.text.get(start..offset) else {
            return Pos { line, col: 1 };
        };
        let (last_offset, last_col) = self.last.get();
        // Count from the previous lookup when it was on this line (forwards or backwards: the
        // Markdown passes run interleaved, so their lookups are close but not sorted).
        let col = if last_offset < start {
            None
        } else if last_offset <= offset {
            self.text
                .get(last_offset..offset)
                .map(|between| last_col + between.chars().count())
        } else {
            self.text
                .get(offset..last_offset)
                .filter(|_| last_offset < self.starts.get(line).copied().unwrap_or(usize::MAX))
                .map(|between| last_col - between.chars().count())
        };
        let col = col.unwrap_or_else(|| before.chars().count() + 1);
        self.last.set((offset, col));
        Pos { line, col }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_problems_of_one_kind_in_a_file_are_counted_after_the_first() {
        let mut diags = Diagnostics::default();
        for i in 1..=25 {
            diags.push(Diagnostic::error(
                "a.md",
                Pos::new(i, 1),
                format!("broken link: `p{i}.md` is not a page"),
            ));
            diags.push(Diagnostic::warning(
                "a.md",
                Pos::new(i, 2),
                "the heading \"X\" repeats",
            ));
        }
        diags.push(Diagnostic::error(
            "a.md",
            Pos::new(30, 1),
            "another problem",
        ));
        diags.push(Diagnostic::error(
            "b.md",
            Pos::new(1, 1),
            "broken link: `x` is not a page",
        ));
        let shown: Vec<String> = diags.shown(true).iter().map(|s| s.to_string()).collect();
        // 20 links, the first 10 headings of the course, the other one, the count of links,
        // b.md's, then the count of headings.
        assert_eq!(shown.len(), 20 + 10 + 1 + 1 + 1 + 1, "{shown:#?}");
        assert_eq!(
            shown[31],
            "error: a.md: 5 more like \"broken link: `p21.md` is not a page\" (only the first 20 of a kind are shown for each file)"
        );
        assert_eq!(shown[32], "error: b.md:1:1: broken link: `x` is not a page");
        assert_eq!(
            shown[33],
            "warning: 15 more like \"the heading \"X\" repeats\" in the course (only the first 10 of a kind are shown), the next at a.md:11:2"
        );
        // Without warnings, nothing about them; the count of problems is unchanged.
        assert_eq!(diags.shown(false).len(), 20 + 1 + 1 + 1);
        assert_eq!(diags.error_count(), 27);
        assert_eq!(kind_of("line 3: `a` \"b\" c"), "line :   c");
    }

    #[test]
    fn origins_take_a_page_line_back_to_its_file() {
        let page = Path::new("content/a.md");
        let part = Path::new("content/part.md");
        let mut o = Origins::default();
        o.push(4, page, 4, 0, None);
        // Lines 8 to 10 are part.md's 1 to 3, indented by two in the page.
        o.push(8, part, 1, 2, Some("included from content/a.md:8".into()));
        o.push(11, page, 9, 0, None);
        let at = |line, col| {
            let mut d = Diagnostic::error(page, Pos::new(line, col), "m");
            o.relocate(page, &mut d);
            (d.location(), d.help)
        };
        assert_eq!(at(6, 3), ("content/a.md:6:3".into(), None));
        assert_eq!(
            at(9, 5),
            (
                "content/part.md:2:3".into(),
                Some("included from content/a.md:8".into())
            )
        );
        assert_eq!(at(12, 1), ("content/a.md:10:1".into(), None));
        // Another file's message, and one about the whole file, stay as they are.
        let mut other = Diagnostic::error(part, Pos::new(9, 1), "m");
        o.relocate(page, &mut other);
        assert_eq!(other.location(), "content/part.md:9:1");
        assert!(!o.is_identity(page));
    }

    #[test]
    fn quoted_text_is_clipped_at_a_character() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("ééééé", 3), "ééé…");
        assert_eq!(clip(&"> ".repeat(100_000), 4), "> > …");
    }

    #[test]
    fn offsets_map_to_lines_and_char_columns() {
        let text = "ab\nçd\n";
        assert_eq!(Pos::of_offset(text, 0), Pos::new(1, 1));
        assert_eq!(Pos::of_offset(text, 3), Pos::new(2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(Pos::of_offset(text, 5), Pos::new(2, 2));
        assert_eq!(Pos::of_offset(text, 999), Pos::new(3, 1));
    }

    #[test]
    fn line_index_agrees_with_offsets_in_any_order_and_is_linear_on_one_line() {
        let text = "ab\nçd é\n\nxyz";
        let index = LineIndex::new(text);
        for offset in [0, 5, 3, 9, 1, 12, 7, 999, 2, 6, 10, 11, 3] {
            assert_eq!(
                index.pos(offset),
                Pos::of_offset(text, offset),
                "offset {offset}"
            );
        }
        // Found by fuzz_markdown: a column was counted from the line's start on every lookup,
        // so 80,000 errors on one 1.3 MB line took 3 s.
        let line = "é$x$ ".repeat(400_000);
        let index = LineIndex::new(&line);
        let started = std::time::Instant::now();
        let mut last = Pos::new(0, 0);
        for offset in (0..line.len()).step_by(7) {
            last = index.pos(offset);
        }
        assert!(last.col > 300_000);
        let took = started.elapsed();
        assert!(took.as_millis() < 1000, "{took:?}");
    }

    #[test]
    fn display_has_location_and_help() {
        let d = Diagnostic::error("book.toml", Pos::new(3, 1), "unknown key `titel`")
            .with_help("valid keys: title");
        assert_eq!(
            d.to_string(),
            "error: book.toml:3:1: unknown key `titel`\n  help: valid keys: title"
        );
    }
}
