//! The sidebar's table of contents, per page, with a bounded size: only the branches that lead
//! to the current page are open, and a level with many entries shows a window around the
//! current one plus a link to the full contents page. A page's sidebar therefore stays the same
//! size however many lessons the course has (total output grows linearly, not quadratically).

use crate::content::progress::lesson_key;
use crate::content::{Course, TocNode};
use crate::i18n::Strings;
use crate::markdown::links::relative_url as relative;
use crate::render::{TocEntryView, escape_html, fill_markup, write_escaped};

/// Entries shown on each side of the current one in a long list.
const WINDOW: usize = 12;

pub fn sidebar(course: &Course, current: Option<usize>, page_url: &str) -> Vec<TocEntryView> {
    // The precomputed path to the current page: no search of the tree per page.
    let path = current
        .and_then(|c| course.toc_paths.get(c))
        .and_then(Option::as_deref);
    level(&course.toc, course, current, path, page_url, true)
}

/// The whole tree, for the contents page.
pub fn full(course: &Course, page_url: &str) -> Vec<TocEntryView> {
    level(&course.toc, course, None, None, page_url, false)
}

fn level(
    nodes: &[TocNode],
    course: &Course,
    current: Option<usize>,
    path: Option<&[usize]>,
    page_url: &str,
    windowed: bool,
) -> Vec<TocEntryView> {
    let on_path = path.and_then(|p| p.first().copied());
    let range = if windowed && nodes.len() > 2 * WINDOW + 1 {
        let center = on_path.unwrap_or(0);
        center.saturating_sub(WINDOW)..(center + WINDOW + 1).min(nodes.len())
    } else {
        0..nodes.len()
    };
    let mut out = Vec::new();
    if range.start > 0 {
        out.push(more(range.start, page_url));
    }
    for (i, node) in nodes.iter().enumerate().take(range.end).skip(range.start) {
        out.push(match node {
            TocNode::Part(title) => entry("part", title.clone(), None, None),
            TocNode::Separator => entry("separator", String::new(), None, None),
            TocNode::Item {
                title,
                page,
                number,
                children,
            } => {
                let open = on_path == Some(i) || !windowed;
                let mut e = entry(
                    if page.is_some() { "item" } else { "draft" },
                    title.clone(),
                    number.clone(),
                    page.map(|p| relative(page_url, &course.pages[p].url)),
                );
                e.lesson = page.map(|p| lesson_key(&course.pages[p]));
                e.current = page.is_some() && *page == current;
                e.open = open && on_path == Some(i);
                if open {
                    let rest = path.filter(|_| on_path == Some(i)).map(|p| &p[1..]);
                    e.children = level(children, course, current, rest, page_url, windowed);
                }
                e
            }
        });
    }
    if range.end < nodes.len() {
        out.push(more(nodes.len() - range.end, page_url));
    }
    out
}

fn entry(
    kind: &'static str,
    title: String,
    number: Option<String>,
    href: Option<String>,
) -> TocEntryView {
    TocEntryView {
        kind,
        title,
        number,
        href,
        lesson: None,
        current: false,
        open: false,
        children: Vec::new(),
    }
}

/// A "12 more…" entry: its title is the count, which the template words
/// (`page.toc_more`, in the page's language).
fn more(count: usize, page_url: &str) -> TocEntryView {
    entry(
        "more",
        count.to_string(),
        None,
        Some(relative(page_url, super::CONTENTS_URL)),
    )
}

/// The words the sidebar's markup uses, in the page's language.
pub struct TocWords {
    coming_soon: String,
    /// `coming_soon` without its brackets, lowercase: a draft titled so says it once.
    soon_bare: String,
    toc_more: String,
}

impl TocWords {
    pub fn new(strings: &Strings) -> TocWords {
        let coming_soon = strings.get("page", "coming_soon").to_string();
        let soon_bare = coming_soon
            .replace(['(', ')'], "")
            .to_lowercase()
            .trim()
            .to_string();
        TocWords {
            coming_soon,
            soon_bare,
            toc_more: strings.get("page", "toc_more").to_string(),
        }
    }
}

/// The sidebar's markup, an `<ol>` of `entries`, exactly as the default theme's `base.html`
/// wrote it with a loop over them: made here, the loop over a page's fifty-odd entries was
/// 70 ms of CPU time in a build of 1,000 lessons (minijinja evaluating each entry's tests and
/// lookups), a twentieth of the whole build.
pub fn html(entries: &[TocEntryView], words: &TocWords) -> String {
    let mut out = String::with_capacity(64 + entries.len() * 160);
    out.push_str("<ol>");
    write_entries(&mut out, entries, words);
    out.push_str("\n</ol>");
    out
}

fn write_entries(out: &mut String, entries: &[TocEntryView], words: &TocWords) {
    let text = |out: &mut String, text: &str| {
        let _ = write_escaped(out, text);
    };
    for e in entries {
        match e.kind {
            "part" => {
                out.push_str("\n<li class=\"toc-part\">");
                text(out, &e.title);
                out.push_str("</li>");
            }
            "separator" => out.push_str("\n<li class=\"toc-separator\"><hr></li>"),
            "draft" => {
                out.push_str("\n<li class=\"toc-draft\"><span>");
                write_number(out, e);
                text(out, &e.title);
                out.push_str("</span>");
                if e.title.to_lowercase().trim() != words.soon_bare {
                    out.push_str(" <small>");
                    text(out, &words.coming_soon);
                    out.push_str("</small>");
                }
                write_children(out, e, words);
                out.push_str("</li>");
            }
            "more" => {
                out.push_str("\n<li class=\"toc-more\"><a href=\"");
                text(out, e.href.as_deref().unwrap_or_default());
                out.push_str("\">");
                let count = escape_html(&e.title);
                out.push_str(&fill_markup(&words.toc_more, |name| {
                    (name == "count").then(|| count.clone())
                }));
                out.push_str("</a></li>");
            }
            _ => {
                out.push_str(match e.open {
                    true => "\n<li class=\"toc-open\"><a href=\"",
                    false => "\n<li><a href=\"",
                });
                text(out, e.href.as_deref().unwrap_or_default());
                out.push('"');
                if let Some(lesson) = e.lesson.as_deref().filter(|l| !l.is_empty()) {
                    out.push_str(" data-lesson=\"");
                    text(out, lesson);
                    out.push('"');
                }
                if e.current {
                    out.push_str(" aria-current=\"page\"");
                }
                out.push('>');
                write_number(out, e);
                text(out, &e.title);
                out.push_str("</a>");
                write_children(out, e, words);
                out.push_str("</li>");
            }
        }
    }
}

/// An entry's number and the space after it, if it has one.
fn write_number(out: &mut String, e: &TocEntryView) {
    if let Some(number) = e.number.as_deref().filter(|n| !n.is_empty()) {
        out.push_str("<span class=\"toc-number\">");
        let _ = write_escaped(out, number);
        out.push_str("</span> ");
    }
}

fn write_children(out: &mut String, e: &TocEntryView, words: &TocWords) {
    if !e.children.is_empty() {
        out.push_str("<ol>");
        write_entries(out, &e.children, words);
        out.push_str("</ol>");
    }
}
