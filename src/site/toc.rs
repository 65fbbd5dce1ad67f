//! The sidebar's table of contents, per page, with a bounded size: only the branches that lead
//! to the current page are open, and a level with many entries shows a window around the
//! current one plus a link to the full contents page. A page's sidebar therefore stays the same
//! size however many lessons the course has (total output grows linearly, not quadratically).

use crate::content::progress::lesson_key;
use crate::content::{Course, TocNode};
use crate::markdown::links::relative_url as relative;
use crate::render::TocEntryView;

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
