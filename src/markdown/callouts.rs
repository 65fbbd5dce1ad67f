//! GitHub callouts: `> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`, with
//! optional text after the marker as a custom title (`> [!TIP] Key idea`).
//!
//! pulldown-cmark's GFM mode does not accept a custom title, so the marker is read from the
//! source and the quote's first line is replaced by a title. The theme's `callout.html` draws
//! the callout's start and end around the quote's Markdown.

use super::stream::{Env, Events, pass};
use super::{CalloutView, Ev};
use crate::diag::Diagnostic;
use crate::i18n::Strings;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::VecDeque;
use std::iter::Peekable;

/// The markers, and their names: the class (`callout-tip`), the template's `c.kind` and the
/// interface string of the default title (`callout.tip`).
const KINDS: [(&str, &str); 5] = [
    ("NOTE", "note"),
    ("TIP", "tip"),
    ("IMPORTANT", "important"),
    ("WARNING", "warning"),
    ("CAUTION", "caution"),
];

/// What is between `[!` and `]` when the quote at `source` starts with one, and the rest of
/// the line.
fn marked(source: &str) -> Option<(&str, &str)> {
    let first = source
        .lines()
        .next()?
        .trim_start()
        .strip_prefix('>')?
        .trim_start();
    let rest = first.strip_prefix("[!")?;
    let close = rest.find(']')?;
    Some((&rest[..close], &rest[close + 1..]))
}

/// The word of a marker that looks like a callout's but is none of [`KINDS`] (`[!INFO]`, an
/// Obsidian or MkDocs kind): GitHub shows such a quote as it is written, and so does coursebook,
/// but the author meant a callout.
fn unknown_marker(source: &str) -> Option<&str> {
    let (word, _) = marked(source)?;
    let known = KINDS.iter().any(|(k, _)| k.eq_ignore_ascii_case(word));
    (!known && !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphabetic())).then_some(word)
}

/// `(kind, title)` when the quote at `source` starts with a callout marker.
fn marker(source: &str, strings: &Strings) -> Option<(&'static str, String)> {
    let (kind, rest) = marked(source)?;
    let kind = kind.to_ascii_uppercase();
    let (_, name) = KINDS.iter().find(|(k, _)| *k == kind)?;
    let title = rest.trim();
    let title = if title.is_empty() {
        strings.get("callout", name).to_string()
    } else {
        title.to_string()
    };
    Some((*name, title))
}

pub fn apply<'a: 's, 's>(
    events: impl Events<'a> + 's,
    source: &'s str,
    env: &'s Env<'s>,
) -> impl Events<'a> + 's {
    let strings = env.ctx.strings;
    let draw = move |view: &CalloutView<'_>| {
        let mut diags = Vec::new();
        let html = env.ctx.widgets.callout(view, &mut diags);
        env.out.borrow_mut().diags.append(&mut diags);
        html
    };
    // One entry per open blockquote: the callout's kind, when it is one.
    let mut stack: Vec<Option<&'static str>> = Vec::new();
    pass(
        events.peekable(),
        move |(event, range), upstream, queue| match &event {
            Event::Start(Tag::BlockQuote(_)) => {
                let quote = source.get(range.clone()).unwrap_or("");
                let found = marker(quote, strings);
                stack.push(found.as_ref().map(|(kind, _)| *kind));
                let Some((kind, title)) = found else {
                    if let Some(word) = unknown_marker(quote) {
                        env.out.borrow_mut().diags.push(
                            Diagnostic::warning(
                                env.ctx.source,
                                (env.at)(range.start),
                                format!("`[!{word}]` is not a callout; the quote is shown as written"),
                            )
                            .with_help("a callout is `> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]`, with an optional title after it"),
                        );
                    }
                    queue.push_back((event, range));
                    return;
                };
                let html = draw(&CalloutView {
                    open: true,
                    kind,
                    title: &title,
                });
                queue.push_back((Event::Html(CowStr::from(html)), range));
                skip_marker_line(upstream, queue);
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                if let Some(Some(kind)) = stack.pop() {
                    let html = draw(&CalloutView {
                        open: false,
                        kind,
                        title: "",
                    });
                    queue.push_back((Event::Html(CowStr::from(html)), range));
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
    use crate::markdown::{LinkTable, PageContext};
    use crate::render::Renderer;
    use crate::widgets::PageWidgets;
    use std::path::Path;

    /// A page through the whole Markdown step, drawn by the default theme in English.
    fn render(md: &str) -> String {
        let renderer = Renderer::english_default();
        let widgets = PageWidgets {
            source: "content/a.md".into(),
            lang: "en".into(),
            store_prefix: "coursebook:/:c:a.html".into(),
            renderer: &renderer,
            hidelines: &std::collections::BTreeMap::new(),
        };
        let links = LinkTable::default();
        let ctx = PageContext {
            hidelines: &std::collections::BTreeMap::new(),
            origins: None,
            source: Path::new("content/a.md"),
            src_rel: Path::new("a.md"),
            url: "a.html",
            line_offset: 0,
            links: &links,
            widgets: &widgets,
            strings: renderer.strings(),
            mentions: None,
            title: None,
            own_heading: false,
            math: crate::markdown::MathRules::COURSE,
            later: None,
        };
        crate::markdown::render(md, &ctx).html
    }

    #[test]
    fn custom_title_and_default_title() {
        insta::assert_snapshot!(render(
            "> [!TIP] Key idea\n> The *structure* is chosen.\n\n> [!WARNING]\n> Careful.\n\n> plain quote\n"
        ));
    }
}
