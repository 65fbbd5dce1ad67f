//! Footnotes as mdBook 0.5 writes them: each reference numbered by its footnote's first
//! reference, `<sup class="footnote-reference" id="fr-NAME-1"><a href="#footnote-NAME">1</a>`,
//! and the footnotes gathered at the end of the page, in that order, each with a link back to
//! its references (`<ol class="footnote-definition"><li id="footnote-NAME">…↩</li>`). The
//! parser's own writer put each where it was defined, mid-page, with the bare name as its id
//! (a footnote named like a heading gave two `id="example"`), and no way back (the book audit
//! of 2026-12-05: 117 footnotes on 47 pages of four books). A footnote nothing refers to is
//! left out with a warning, as mdBook leaves it out.

use super::Ev;
use super::stream::Env;
use crate::diag::Diagnostic;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::{HashMap, VecDeque};

/// The page's events with its footnotes' references numbered and their texts at the end.
pub fn apply<'a, 'p>(
    events: impl Iterator<Item = Ev<'a>> + 'p,
    env: &'p Env<'p>,
) -> impl Iterator<Item = Ev<'a>> + 'p
where
    'a: 'p,
{
    Footnotes {
        upstream: events,
        env,
        numbers: HashMap::new(),
        refs: HashMap::new(),
        defs: Vec::new(),
        queue: VecDeque::new(),
        done: false,
    }
}

struct Footnotes<'a, 'p, I> {
    upstream: I,
    env: &'p Env<'p>,
    /// Each footnote's number, by its name: the order of first references.
    numbers: HashMap<String, usize>,
    /// How many references each footnote has had so far.
    refs: HashMap<String, usize>,
    /// Each footnote's text (its events, without its start and end), where it is defined.
    defs: Vec<(String, Vec<Ev<'a>>, usize)>,
    queue: VecDeque<Ev<'a>>,
    done: bool,
}

/// A footnote's name as it stands in an id: white space made `-` (an id holds none).
fn id_of(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    super::highlight::escape(&name).replace('"', "&quot;")
}

impl<'a, I: Iterator<Item = Ev<'a>>> Footnotes<'a, '_, I> {
    /// A reference, numbered: the footnote's number, and this reference's own id.
    fn reference(&mut self, name: &str) -> Event<'a> {
        let next = self.numbers.len() + 1;
        let number = *self.numbers.entry(name.to_string()).or_insert(next);
        let k = self.refs.entry(name.to_string()).or_insert(0);
        *k += 1;
        let id = id_of(name);
        Event::Html(CowStr::from(format!(
            "<sup class=\"footnote-reference\" id=\"fr-{id}-{k}\"><a href=\"#footnote-{id}\">{number}</a></sup>"
        )))
    }

    /// The events of a footnote's text, up to its end; its references numbered on the way.
    fn definition(&mut self) -> Vec<Ev<'a>> {
        let mut body = Vec::new();
        let mut depth = 0usize;
        while let Some((event, range)) = self.upstream.next() {
            match event {
                Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                Event::End(TagEnd::FootnoteDefinition) if depth == 0 => break,
                Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                Event::FootnoteReference(name) => {
                    let html = self.reference(&name);
                    body.push((html, range));
                }
                other => body.push((other, range)),
            }
        }
        body
    }

    /// The footnotes referred to, at the end of the page, in the order of their numbers.
    fn gather(&mut self) {
        let mut defs = std::mem::take(&mut self.defs);
        let mut referred: Vec<(usize, String, Vec<Ev<'a>>)> = Vec::new();
        // A footnote defined twice is written once, its first definition (looked up in a set:
        // a page of 50,000 footnotes made the list's search quadratic).
        let mut taken = std::collections::HashSet::new();
        for (name, body, offset) in defs.drain(..) {
            match self.numbers.get(&name) {
                Some(&n) if taken.insert(n) => referred.push((n, name, body)),
                Some(_) => {}
                None => self.env.out.borrow_mut().diags.push(
                    Diagnostic::warning(
                        self.env.ctx.source,
                        (self.env.at)(offset),
                        format!("the footnote `[^{name}]` is not referred to anywhere on the page; it is left out, as mdBook leaves it out"),
                    )
                    .with_help(format!("refer to it with `[^{name}]` where it belongs, or remove it")),
                ),
            }
        }
        if referred.is_empty() {
            return;
        }
        referred.sort_by_key(|(n, _, _)| *n);
        let html = |s: String| (Event::Html(CowStr::from(s)), 0..0);
        self.queue.push_back(html(
            "<hr>\n<ol class=\"footnote-definition\">\n".to_string(),
        ));
        for (_, name, mut body) in referred {
            let id = id_of(&name);
            let count = self.refs.get(&name).copied().unwrap_or(1).max(1);
            let back: String = (1..=count)
                .map(|k| match k {
                    1 => format!(" <a href=\"#fr-{id}-1\">↩</a>"),
                    k => format!(" <a href=\"#fr-{id}-{k}\">↩{k}</a>"),
                })
                .collect();
            self.queue
                .push_back(html(format!("<li id=\"footnote-{id}\">\n")));
            // The way back goes at the end of its last paragraph, as mdBook puts it.
            let last_paragraph = body
                .iter()
                .rposition(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)));
            match last_paragraph {
                Some(at) if at + 1 == body.len() => body.insert(at, html(back)),
                _ => body.push(html(back)),
            }
            self.queue.extend(body);
            self.queue.push_back(html("</li>\n".to_string()));
        }
        self.queue.push_back(html("</ol>\n".to_string()));
    }
}

impl<'a, I: Iterator<Item = Ev<'a>>> Iterator for Footnotes<'a, '_, I> {
    type Item = Ev<'a>;

    fn next(&mut self) -> Option<Ev<'a>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            if self.done {
                return None;
            }
            match self.upstream.next() {
                Some((Event::FootnoteReference(name), range)) => {
                    let html = self.reference(&name);
                    return Some((html, range));
                }
                Some((Event::Start(Tag::FootnoteDefinition(name)), range)) => {
                    let body = self.definition();
                    self.defs.push((name.to_string(), body, range.start));
                }
                Some(event) => return Some(event),
                None => {
                    self.done = true;
                    self.gather();
                }
            }
        }
    }
}
