//! GitHub callouts: `> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`, with
//! optional text after the marker as a custom title (`> [!TIP] Key idea`).
//!
//! pulldown-cmark's GFM mode does not accept a custom title, so the marker is read from the
//! source and the quote's first line is replaced by a title.

use super::Ev;
use super::highlight::escape;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

const KINDS: [(&str, &str); 5] = [
    ("NOTE", "Note"),
    ("TIP", "Tip"),
    ("IMPORTANT", "Important"),
    ("WARNING", "Warning"),
    ("CAUTION", "Caution"),
];

/// `(kind, title)` when the quote at `source` starts with a callout marker.
fn marker(source: &str) -> Option<(&'static str, String)> {
    let first = source
        .lines()
        .next()?
        .trim_start()
        .strip_prefix('>')?
        .trim_start();
    let rest = first.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let kind = rest[..close].to_ascii_uppercase();
    let (key, default) = KINDS.iter().find(|(k, _)| *k == kind)?;
    let title = rest[close + 1..].trim();
    let title = if title.is_empty() {
        (*default).to_string()
    } else {
        title.to_string()
    };
    Some(((*key), title))
}

pub fn apply<'a>(events: Vec<Ev<'a>>, source: &str) -> Vec<Ev<'a>> {
    let mut out = Vec::with_capacity(events.len());
    // One entry per open blockquote: is it a callout?
    let mut stack: Vec<bool> = Vec::new();
    let mut iter = events.into_iter().peekable();
    while let Some((event, range)) = iter.next() {
        match &event {
            Event::Start(Tag::BlockQuote(_)) => {
                let found = source.get(range.clone()).and_then(marker);
                stack.push(found.is_some());
                let Some((kind, title)) = found else {
                    out.push((event, range));
                    continue;
                };
                let class = kind.to_ascii_lowercase();
                let html = format!(
                    "<aside class=\"callout callout-{class}\" aria-label=\"{}\">\n<p class=\"callout-title\">{}</p>\n",
                    escape(&title),
                    escape(&title)
                );
                out.push((Event::Html(CowStr::from(html)), range.clone()));
                skip_marker_line(&mut iter, &mut out);
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                if stack.pop() == Some(true) {
                    out.push((Event::Html(CowStr::from("</aside>\n")), range));
                } else {
                    out.push((event, range));
                }
            }
            _ => out.push((event, range)),
        }
    }
    out
}

/// Drop the first paragraph's first line (the marker and title); drop the paragraph if that
/// line was all of it.
fn skip_marker_line<'a>(
    iter: &mut std::iter::Peekable<std::vec::IntoIter<Ev<'a>>>,
    out: &mut Vec<Ev<'a>>,
) {
    let Some((Event::Start(Tag::Paragraph), _)) = iter.peek() else {
        return;
    };
    let Some(start) = iter.next() else { return };
    for (event, range) in iter.by_ref() {
        match event {
            Event::SoftBreak | Event::HardBreak => {
                out.push(start);
                return;
            }
            Event::End(TagEnd::Paragraph) => return,
            _ => {
                let _ = range;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::markdown::options;
    use pulldown_cmark::Parser;

    fn render(md: &str) -> String {
        let events = Parser::new_ext(md, options()).into_offset_iter().collect();
        let events = super::apply(events, md);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        html
    }

    #[test]
    fn custom_title_and_default_title() {
        insta::assert_snapshot!(render(
            "> [!TIP] Key idea\n> The *structure* is chosen.\n\n> [!WARNING]\n> Careful.\n\n> plain quote\n"
        ));
    }
}
