//! SUMMARY.md in mdBook's syntax: prefix chapters, part titles (a heading of any level),
//! numbered chapters nested by indentation (`-`, `*`, `+` or `1.` lists), separators, suffix
//! chapters, draft chapters `- [Title]()`, and HTML comments, which are skipped.
//!
//! A line-based parser: SUMMARY.md is a list of links, and reading it line by line gives every
//! entry its line number for error messages.

use crate::diag::{Diagnostic, Pos};
use std::path::Path;

#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    Part { title: String },
    Separator,
    Chapter(Chapter),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chapter {
    pub title: String,
    /// `None` for a draft chapter.
    pub target: Option<String>,
    pub numbered: bool,
    pub line: usize,
    pub col: usize,
    pub children: Vec<Entry>,
}

/// The deepest a chapter may sit in the table of contents (mdBook's books use three or four):
/// 5,000 levels took 23 s and 409 MB and then failed in the theme's sidebar.
pub const MAX_NESTING: usize = 16;

/// The most entries SUMMARY.md may have (chapters, drafts, parts and separators), as many as
/// a course may have lessons: 12 MB of `---` lines took 2.3 GB.
pub const MAX_ENTRIES: usize = super::MAX_LESSONS;

pub fn parse(text: &str, path: &Path) -> (Vec<Entry>, Vec<Diagnostic>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut diags = Vec::new();
    // Numbered chapters of the current list, with their indentation, nested when the list ends.
    let mut list: Vec<(usize, Chapter)> = Vec::new();
    let mut seen_title = false;
    // The indentation of the chapters enclosing the current one: how deep it is.
    let mut open_indents: Vec<usize> = Vec::new();
    let text = without_comments(text);
    let mut count = 0;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        count += 1;
        if count > MAX_ENTRIES {
            diags.push(
                Diagnostic::error(
                    path,
                    Pos::new(line_no, 1),
                    format!("SUMMARY.md has more than {MAX_ENTRIES} entries; the rest is not read"),
                )
                .with_help("split the course into several courses"),
            );
            break;
        }
        let indent = raw.len() - raw.trim_start().len();
        if let Some(title) = heading(trimmed) {
            if !seen_title && entries.is_empty() && list.is_empty() {
                seen_title = true; // "# Summary": the document's own title.
                continue;
            }
            entries.extend(nest(&mut list));
            // Its Markdown read as a chapter's title is (mdBook shows `# Building `rustc``
            // as "Building rustc"; the backticks were in every page's sidebar).
            entries.push(Entry::Part {
                title: crate::markdown::inline_text(title.trim()),
            });
            continue;
        }
        seen_title = true;
        if trimmed.len() >= 3
            && (trimmed.chars().all(|c| c == '-')
                || trimmed.chars().all(|c| c == '*')
                || trimmed.chars().all(|c| c == '_'))
        {
            entries.extend(nest(&mut list));
            entries.push(Entry::Separator);
            continue;
        }
        let (numbered, item) = match list_item(trimmed) {
            Some(rest) => (true, rest.trim()),
            None => (false, trimmed),
        };
        let col = raw
            .find('[')
            .map_or(indent + 1, |c| raw[..c].chars().count() + 1);
        let Some((title, target, mut trailing)) = parse_link(item) else {
            diags.push(
                Diagnostic::error(
                    path,
                    Pos::new(line_no, indent + 1),
                    format!(
                        "cannot read this SUMMARY.md line: `{}`",
                        crate::diag::clip(trimmed, 120)
                    ),
                )
                .with_help(
                    "entries look like `- [Title](path/to/lesson.md)`, `# Part title` or `---`",
                ),
            );
            continue;
        };
        // Further links on a prefix or suffix chapter's line are chapters too, as in mdBook
        // (cairo-book: `[The Cairo Book](title-page.md) [Foreword](ch00-01-foreword.md)`).
        let mut more = Vec::new();
        while !numbered && let Some((title, target, rest)) = parse_link(trailing.trim_start()) {
            let at = raw.len() - trailing.trim_start().len() - (raw.len() - raw.trim_end().len());
            more.push(Chapter {
                title,
                target,
                numbered,
                line: line_no,
                col: raw[..at].chars().count() + 1,
                children: Vec::new(),
            });
            trailing = rest;
        }
        if !trailing.trim().is_empty() {
            // mdBook shows the link alone too; said, not dropped silently.
            let at = raw.len() - trailing.trim_start().len() - (raw.len() - raw.trim_end().len());
            diags.push(
                Diagnostic::warning(
                    path,
                    Pos::new(line_no, raw[..at].chars().count() + 1),
                    format!(
                        "`{}` after the link is not shown in the table of contents",
                        crate::diag::clip(trailing.trim(), 60)
                    ),
                )
                .with_help("put it in the link's title, or remove it"),
            );
        }
        let chapter = Chapter {
            title,
            target,
            numbered,
            line: line_no,
            col,
            children: Vec::new(),
        };
        if numbered {
            if list.is_empty() {
                open_indents.clear();
            }
            while open_indents.last().is_some_and(|&i| i >= indent) {
                open_indents.pop();
            }
            if open_indents.len() >= MAX_NESTING {
                diags.push(
                    Diagnostic::error(
                        path,
                        Pos::new(line_no, indent + 1),
                        format!("chapters are nested more than {MAX_NESTING} levels deep here"),
                    )
                    .with_help(
                        "indent this entry less: a table of contents this deep cannot be shown",
                    ),
                );
                continue;
            }
            open_indents.push(indent);
            list.push((indent, chapter));
        } else {
            entries.extend(nest(&mut list));
            entries.push(Entry::Chapter(chapter));
            entries.extend(more.into_iter().map(Entry::Chapter));
        }
    }
    entries.extend(nest(&mut list));
    (entries, diags)
}

/// The text with every `<!-- … -->` blanked out (spaces; line breaks kept, so line numbers
/// stay right). An unclosed comment runs to the end, as in HTML.
fn without_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<!--") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("-->").map_or(after.len(), |e| e + 3);
        out.extend(
            after[..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' }),
        );
        rest = &after[end..];
    }
    out.push_str(rest);
    out.into()
}

/// `# Title` … `###### Title` → the title.
fn heading(line: &str) -> Option<&str> {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    line[hashes..]
        .strip_prefix(' ')
        .map(|t| t.trim().trim_end_matches('#').trim())
}

/// A list item's text: after `- `, `* `, `+ `, or `1. ` / `1) `.
fn list_item(line: &str) -> Option<&str> {
    if let Some(rest) = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .or_else(|| line.strip_prefix("+ "))
    {
        return Some(rest);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    line[digits..]
        .strip_prefix(". ")
        .or_else(|| line[digits..].strip_prefix(") "))
}

/// Turns a run of list items with their indentation into a tree: an item is the child of the
/// nearest earlier item with less indentation.
fn nest(list: &mut Vec<(usize, Chapter)>) -> Vec<Entry> {
    let items = std::mem::take(list);
    let mut iter = items.into_iter().peekable();
    let mut out = Vec::new();
    while let Some((indent, chapter)) = iter.next() {
        out.push(Entry::Chapter(take_children(indent, chapter, &mut iter)));
    }
    out
}

fn take_children(
    indent: usize,
    mut chapter: Chapter,
    iter: &mut std::iter::Peekable<std::vec::IntoIter<(usize, Chapter)>>,
) -> Chapter {
    while let Some((child_indent, _)) = iter.peek() {
        if *child_indent <= indent {
            break;
        }
        let Some((child_indent, child)) = iter.next() else {
            break;
        };
        chapter
            .children
            .push(Entry::Chapter(take_children(child_indent, child, iter)));
    }
    chapter
}

/// `[Title](target)` → (title, Some(target), what follows the link); `[Title]()` → (title,
/// None, …). The address is read as CommonMark reads a link's: `<…>`, or up to a space or the
/// `)` that closes the link (parentheses inside balanced), then an optional title in quotes.
/// mdBook reads SUMMARY.md with pulldown-cmark, so `[Async](a.md) (advanced)` and
/// `[A](a.md "tip")` link `a.md` there (the async book has such lines).
fn parse_link(item: &str) -> Option<(String, Option<String>, &str)> {
    let rest = item.strip_prefix('[')?;
    let close = find_closing_bracket(rest)?;
    let title = crate::markdown::inline_text(&rest[..close]);
    let after = rest[close + 1..].trim_start();
    let inner = after.strip_prefix('(')?;
    let (target, trailing) = match destination(inner) {
        Some(found) => found,
        // Not a CommonMark link (`[A](my lesson.md)`): everything up to the last `)`, as
        // before, rather than refuse a line an author meant plainly.
        None => {
            let end = inner.rfind(')')?;
            let target = inner[..end].trim();
            (
                target.trim_start_matches('<').trim_end_matches('>'),
                &inner[end + 1..],
            )
        }
    };
    Some((
        title,
        // Percent-decoded as a link's address is (`a%20b.md`, `e%23f.md`).
        (!target.is_empty()).then(|| crate::markdown::links::percent_decode(target)),
        trailing,
    ))
}

/// A link's address and optional title after its `(`: (address, the text after the closing
/// `)`), or `None` when that is not how the text goes on.
fn destination(inner: &str) -> Option<(&str, &str)> {
    let inner = inner.trim_start();
    let (target, rest) = if let Some(angled) = inner.strip_prefix('<') {
        let end = angled.find(['>', '<'])?;
        (&angled[..end], angled[end..].strip_prefix('>')?)
    } else {
        let mut depth = 0usize;
        let mut end = inner.len();
        let mut escaped = false;
        for (i, c) in inner.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = i;
                    break;
                }
                ')' => depth -= 1,
                c if c.is_whitespace() => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        (&inner[..end], &inner[end..])
    };
    let mut rest = rest.trim_start();
    if let Some(close) = match rest.chars().next() {
        Some('"') => Some('"'),
        Some('\'') => Some('\''),
        Some('(') => Some(')'),
        _ => None,
    } {
        let end = rest[1..].find(close)? + 1;
        rest = rest[end + 1..].trim_start();
    }
    Some((target, rest.strip_prefix(')')?))
}

fn find_closing_bracket(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 0 => return Some(i),
            ']' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each top-level entry in a line: title, numbered, target and how many children.
    fn shape(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| match e {
                Entry::Part { title } => format!("part {title}"),
                Entry::Separator => "---".into(),
                Entry::Chapter(c) => format!(
                    "{} {} {:?} {}",
                    c.title,
                    c.numbered,
                    c.target,
                    c.children.len()
                ),
            })
            .collect()
    }

    #[test]
    fn parses_parts_nesting_drafts_and_suffix() {
        let text = "# Summary\n\n[Intro](intro.md)\n\n# Part one\n\n- [A](a.md)\n  - [A1](a/1.md)\n    - [A1x](a/1x.md)\n  - [A2]()\n- [B](b.md)\n\n---\n\n[Credits](credits.md)\n";
        let (entries, diags) = parse(text, Path::new("SUMMARY.md"));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            shape(&entries),
            [
                "Intro false Some(\"intro.md\") 0",
                "part Part one",
                "A true Some(\"a.md\") 2",
                "B true Some(\"b.md\") 0",
                "---",
                "Credits false Some(\"credits.md\") 0",
            ]
        );
        let Entry::Chapter(a) = &entries[2] else {
            unreachable!()
        };
        let Entry::Chapter(a1) = &a.children[0] else {
            unreachable!()
        };
        assert_eq!(a1.children.len(), 1);
        let Entry::Chapter(a2) = &a.children[1] else {
            unreachable!()
        };
        assert_eq!(a2.target, None);
    }

    #[test]
    fn parts_at_any_level_comments_and_ordered_lists() {
        let text = "# Summary\n\n<!-- a comment\nover lines -->\n[Intro](README.md)\n\n## Part `one`\n\n1. [A](a.md)\n   + [A1]()\n\n---\n\n### Part two ###\n\n- [B](b.md) <!-- inline -->\n";
        let (entries, diags) = parse(text, Path::new("SUMMARY.md"));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            shape(&entries),
            [
                "Intro false Some(\"README.md\") 0",
                "part Part one",
                "A true Some(\"a.md\") 1",
                "---",
                "part Part two",
                "B true Some(\"b.md\") 0",
            ]
        );
    }

    /// As pulldown-cmark reads them for mdBook: text after the link (rust-lang/async-book's
    /// `(cancellation safety)`) and a link title are not part of the address; the text after
    /// is a warning at its column.
    #[test]
    fn a_link_ends_at_its_own_parenthesis() {
        let text = "# Summary\n- [C](part/cancellation.md) (cancellation safety)\n- [T](t.md \"tip\")\n- [U](<u v.md> 'x')\n- [P](p_(1).md)\n- [S](my lesson.md)\n- [E](e\\).md)\n";
        let (entries, diags) = parse(text, Path::new("src/SUMMARY.md"));
        assert_eq!(
            shape(&entries),
            [
                "C true Some(\"part/cancellation.md\") 0",
                "T true Some(\"t.md\") 0",
                "U true Some(\"u v.md\") 0",
                "P true Some(\"p_(1).md\") 0",
                "S true Some(\"my lesson.md\") 0",
                "E true Some(\"e\\\\).md\") 0",
            ]
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].line, diags[0].col), (2, 29));
        assert!(
            diags[0]
                .message
                .contains("`(cancellation safety)` after the link is not shown"),
            "{}",
            diags[0].message
        );
    }

    /// mdBook makes every link of a prefix or suffix chapter's line a chapter (cairo-book's
    /// title page and foreword share a line); a list item keeps its first link.
    #[test]
    fn links_side_by_side_outside_lists_are_chapters_each() {
        let text =
            "# Summary\n[Title](title.md) [Foreword](foreword.md) tail\n\n- [A](a.md) [B](b.md)\n";
        let (entries, diags) = parse(text, Path::new("src/SUMMARY.md"));
        assert_eq!(
            shape(&entries),
            [
                "Title false Some(\"title.md\") 0",
                "Foreword false Some(\"foreword.md\") 0",
                "A true Some(\"a.md\") 0",
            ]
        );
        let Entry::Chapter(foreword) = &entries[1] else {
            unreachable!()
        };
        assert_eq!((foreword.line, foreword.col), (2, 19));
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].message.contains("`tail` after the link"));
        assert!(diags[1].message.contains("`[B](b.md)` after the link"));
    }

    #[test]
    fn bad_line_is_reported_with_its_line() {
        let (_, diags) = parse(
            "# Summary\n- [A](a.md)\n- oops\n",
            Path::new("content/SUMMARY.md"),
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 3);
    }
}
