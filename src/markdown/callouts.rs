//! GitHub callouts: `> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`, with
//! optional text after the marker as a custom title (`> [!TIP] Key idea`).
//!
//! pulldown-cmark's GFM mode does not accept a custom title, so the marker is read from the
//! source and the quote's first line is replaced by a title.

use super::Ev;
use super::highlight::escape;
use super::stream::pass;
use crate::i18n::Strings;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::VecDeque;
use std::iter::Peekable;

/// The markers, and the interface strings (`callout.<key>`) of their default titles.
const KINDS: [(&str, &str); 5] = [
    ("NOTE", "note"),
    ("TIP", "tip"),
    ("IMPORTANT", "important"),
    ("WARNING", "warning"),
    ("CAUTION", "caution"),
];

/// `(kind, title)` when the quote at `source` starts with a callout marker.
fn marker(source: &str, strings: &Strings) -> Option<(&'static str, String)> {
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
        strings.get("callout", default).to_string()
    } else {
        title.to_string()
    };
    Some(((*key), title))
}

pub fn apply<'a, 's>(
    events: impl Iterator<Item = Ev<'a>> + 's,
    source: &'s str,
    strings: &'s Strings,
) -> impl Iterator<Item = Ev<'a>> + 's
where
    'a: 's,
{
    // One entry per open blockquote: is it a callout?
    let mut stack: Vec<bool> = Vec::new();
    pass(
        events.peekable(),
        move |(event, range), upstream, queue| match &event {
            Event::Start(Tag::BlockQuote(_)) => {
                let found = source.get(range.clone()).and_then(|s| marker(s, strings));
                stack.push(found.is_some());
                let Some((kind, title)) = found else {
                    queue.push_back((event, range));
                    return;
                };
                let class = kind.to_ascii_lowercase();
                let html = format!(
                    "<aside class=\"callout callout-{class}\" aria-label=\"{}\">\n<p class=\"callout-title\">{}</p>\n",
                    escape(&title),
                    escape(&title)
                );
                queue.push_back((Event::Html(CowStr::from(html)), range));
                skip_marker_line(upstream, queue);
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                if stack.pop() == Some(true) {
                    queue.push_back((Event::Html(CowStr::from("</aside>\n")), range));
                } else {
                    queue.push_back((event, range));
                }
            }
            _ => queue.push_back((event, range)),
        },
    )
}

/// Drop the first paragraph's first line (the marker and title); drop the paragraph if that
/// line was all of it.
fn skip_marker_line<'a>(
    upstream: &mut Peekable<impl Iterator<Item = Ev<'a>>>,
    queue: &mut VecDeque<Ev<'a>>,
) {
    let Some((Event::Start(Tag::Paragraph), _)) = upstream.peek() else {
        return;
    };
    let Some(start) = upstream.next() else { return };
    for (event, _) in upstream.by_ref() {
        match event {
            Event::SoftBreak | Event::HardBreak => {
                queue.push_back(start);
                return;
            }
            Event::End(TagEnd::Paragraph) => return,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::markdown::options;
    use pulldown_cmark::Parser;

    fn render(md: &str) -> String {
        let events = Parser::new_ext(md, options()).into_offset_iter();
        let strings = crate::i18n::Strings::english();
        let events = super::apply(events, md, &strings);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.map(|(e, _)| e));
        html
    }

    #[test]
    fn custom_title_and_default_title() {
        insta::assert_snapshot!(render(
            "> [!TIP] Key idea\n> The *structure* is chosen.\n\n> [!WARNING]\n> Careful.\n\n> plain quote\n"
        ));
    }
}
