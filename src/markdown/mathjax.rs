//! mdBook's MathJax delimiters (`[output.html] mathjax-support = true`) found where MathJax
//! finds them: in the text Markdown made. mdBook renders the Markdown first and MathJax reads
//! the page, so `\\( x\_1 \\)` reaches MathJax as `\( x_1 \)`: Markdown's escapes (`\*`, `\_`,
//! `\\`, `\{`…) are applied to the formula, and code, links, emphasis and raw HTML are not
//! math. This pass does the same on the page's events and hands the formulas on as math events,
//! which the math pass renders to MathML like `$…$`.
//!
//! MathJax 2 (the one mdBook loads) takes `\( … \)` inline and `\[ … \]` and `$$ … $$` as
//! display math; `$$` is looked for here only where `$` math is off (pulldown-cmark reads it
//! where it is on). A formula lies within one run of text (line breaks included); one that does
//! not close there stays as written.

use super::Ev;
use super::stream::Events;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::VecDeque;
use std::ops::Range;

/// Delimiters as MathJax finds them in the text: opening, closing, display.
const INLINE: (&str, &str, bool) = ("\\(", "\\)", false);
const DISPLAY: (&str, &str, bool) = ("\\[", "\\]", true);
const DOLLARS: (&str, &str, bool) = ("$$", "$$", true);

/// The pass: runs of text are held until they end (a paragraph's text between two pieces of
/// markup), then their formulas become `InlineMath` / `DisplayMath` events.
pub fn apply<'a: 'p, 'p>(events: impl Events<'a> + 'p, dollars: bool) -> impl Events<'a> + 'p {
    let delimiters: &'static [(&str, &str, bool)] = if dollars {
        &[INLINE, DISPLAY]
    } else {
        &[INLINE, DISPLAY, DOLLARS]
    };
    Runs {
        upstream: events,
        run: Vec::new(),
        queue: VecDeque::new(),
        delimiters,
        ended: false,
        in_code: false,
    }
}

struct Runs<'a, I> {
    upstream: I,
    /// The run of text (and soft line breaks) being held.
    run: Vec<Ev<'a>>,
    queue: VecDeque<Ev<'a>>,
    delimiters: &'static [(&'static str, &'static str, bool)],
    ended: bool,
    /// Inside a code block: its text is code, never math.
    in_code: bool,
}

impl<'a, I: Iterator<Item = Ev<'a>>> Iterator for Runs<'a, I> {
    type Item = Ev<'a>;

    fn next(&mut self) -> Option<Ev<'a>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(event);
            }
            if self.ended {
                return None;
            }
            let next = self.upstream.next();
            match next {
                Some((e @ Event::Start(Tag::CodeBlock(_)), range)) => {
                    self.flush();
                    self.in_code = true;
                    self.queue.push_back((e, range));
                }
                Some((e @ Event::End(TagEnd::CodeBlock), range)) => {
                    self.in_code = false;
                    self.queue.push_back((e, range));
                }
                Some((e @ (Event::Text(_) | Event::SoftBreak), range)) if !self.in_code => {
                    self.run.push((e, range));
                    continue;
                }
                Some(other) => {
                    self.flush();
                    self.queue.push_back(other);
                }
                None => {
                    self.ended = true;
                    self.flush();
                }
            }
        }
    }
}

impl<'a, I> Runs<'a, I> {
    fn flush(&mut self) {
        if !self.run.is_empty() {
            let run = std::mem::take(&mut self.run);
            self.queue.extend(formulas(run, self.delimiters));
        }
    }
}

/// One run of text, its formulas made math events; the run as it was when it holds none.
fn formulas<'a>(run: Vec<Ev<'a>>, delimiters: &[(&str, &str, bool)]) -> Vec<Ev<'a>> {
    // The run's text, and where each event starts in it.
    let mut text = String::new();
    let mut starts = Vec::with_capacity(run.len());
    for (event, _) in &run {
        starts.push(text.len());
        match event {
            Event::Text(t) => text.push_str(t),
            _ => text.push('\n'),
        }
    }
    let spans = find(&text, delimiters);
    if spans.is_empty() {
        return run;
    }
    // Where an offset of the run's text is in the page's Markdown: exact inside text that is
    // its source as written, else the start of its event.
    let source = |offset: usize| -> usize {
        let i = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let Some((event, range)) = run.get(i) else {
            return 0;
        };
        let into = offset - starts[i];
        match event {
            Event::Text(t) if t.len() == range.len() => range.start + into.min(range.len()),
            _ if into > 0 => range.end,
            _ => range.start,
        }
    };
    let mut out = Vec::with_capacity(spans.len() * 2 + 1);
    let mut done = 0;
    let plain = |out: &mut Vec<Ev<'a>>, from: usize, to: usize| {
        if from < to {
            out.push((
                Event::Text(CowStr::from(text[from..to].to_string())),
                source(from)..source(to),
            ));
        }
    };
    for span in &spans {
        plain(&mut out, done, span.whole.start);
        let latex = CowStr::from(text[span.latex.clone()].trim().to_string());
        let range = source(span.whole.start)..source(span.whole.end);
        out.push(match span.display {
            true => (Event::DisplayMath(latex), range),
            false => (Event::InlineMath(latex), range),
        });
        done = span.whole.end;
    }
    plain(&mut out, done, text.len());
    out
}

/// A formula in a run's text: its delimiters and all, and the LaTeX between them.
#[derive(Debug, PartialEq)]
struct Span {
    whole: Range<usize>,
    latex: Range<usize>,
    display: bool,
}

/// The formulas of `text`, left to right: the nearest opening, then its closing; an opening
/// with no closing, or nothing but spaces before it, is text.
///
/// Linear in the run's length: looking for every delimiter, and for each opening's closing, to
/// the run's end at every step was quadratic (a 700 KB paragraph of unclosed `\(` took over
/// 20 s, and so did 800 KB of `\(a\)`, `\[` being looked for to the end each time). Each
/// delimiter's next opening and next closing is kept in a `Next` and looked for again only once
/// the scan has passed it; once one is not found, it is not looked for again.
fn find(text: &str, delimiters: &[(&str, &str, bool)]) -> Vec<Span> {
    let mut opens = vec![Next::Unknown; delimiters.len()];
    let mut closes = vec![Next::Unknown; delimiters.len()];
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some((i, k)) = delimiters
        .iter()
        .zip(&mut opens)
        .enumerate()
        .filter_map(|(k, (d, next))| next.seek(text, d.0, at).map(|i| (i, k)))
        .min_by_key(|(i, _)| *i)
    {
        let (open, close, display) = delimiters[k];
        let inner = i + open.len();
        // `inner` only grows, as `at` does: a closing's cached place stays right.
        match closes[k].seek(text, close, inner) {
            Some(c) if !text[inner..c].trim().is_empty() => {
                let end = c + close.len();
                spans.push(Span {
                    whole: i..end,
                    latex: inner..c,
                    display,
                });
                at = end;
            }
            _ => at = inner,
        }
    }
    spans
}

/// Where a delimiter is next in a run's text, as far as it has been looked for.
#[derive(Clone, Copy)]
enum Next {
    /// Not looked for yet.
    Unknown,
    /// The first at or after the last place asked from.
    At(usize),
    /// None at or after the last place asked from, so none after any later one either.
    Never,
}

impl Next {
    /// The first `pattern` in `text` at or after `from`, which must not be before any earlier
    /// `from`: the text is searched again only when the scan has passed the cached place, so
    /// each byte is searched once per delimiter.
    fn seek(&mut self, text: &str, pattern: &str, from: usize) -> Option<usize> {
        match *self {
            Next::At(p) if p >= from => return Some(p),
            Next::Never => return None,
            _ => {}
        }
        let found = text[from..].find(pattern).map(|i| from + i);
        *self = found.map_or(Next::Never, Next::At);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    /// The page's HTML with each formula as `[i:…]` or `[d:…]`.
    fn marked(markdown: &str, dollars: bool) -> String {
        let mut options = Options::empty();
        if dollars {
            options |= Options::ENABLE_MATH;
        }
        let events = Parser::new_ext(markdown, options).into_offset_iter();
        let events = apply(events, dollars).map(|(e, _)| match e {
            Event::InlineMath(m) => Event::Html(format!("[i:{m}]").into()),
            Event::DisplayMath(m) => Event::Html(format!("[d:{m}]").into()),
            e => e,
        });
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events);
        html
    }

    #[test]
    fn markdown_escapes_are_applied_before_the_formula_is_read() {
        assert_eq!(
            marked(r"For \\(a \* (a + b)\\) and \\( x\_1 \\).", false),
            "<p>For [i:a * (a + b)] and [i:x_1].</p>\n"
        );
        // A LaTeX line break is `\\\\` in Markdown, as MathJax books write it.
        assert_eq!(
            marked(
                "\\\\[\n\\begin{matrix} a \\\\\\\\ b \\end{matrix}\n\\\\]\n",
                false
            ),
            "<p>[d:\\begin{matrix} a \\\\ b \\end{matrix}]</p>\n"
        );
    }

    #[test]
    fn code_and_unclosed_openings_stay_text_and_dollars_follow_the_book() {
        assert_eq!(
            marked(r"`\\( code \\)` and \\( y \\) and \\( open", false),
            "<p><code>\\\\( code \\\\)</code> and [i:y] and \\( open</p>\n"
        );
        assert_eq!(
            marked("```\n\\\\( no \\\\)\n```\n", false),
            "<pre><code>\\\\( no \\\\)\n</code></pre>\n"
        );
        // `$` is text unless `$` math is on; `$$` is MathJax's display math either way.
        assert_eq!(
            marked("Costs $5 or $$x^2$$, in `$PATH`.", false),
            "<p>Costs $5 or [d:x^2], in <code>$PATH</code>.</p>\n"
        );
        assert_eq!(
            marked(r"both \\(x\\) and $y$", true),
            "<p>both [i:x] and [i:y]</p>\n"
        );
    }

    /// `find` as it was, looking for everything from the current place at every step
    /// (quadratic): the linear one must find the same formulas.
    fn find_quadratic(text: &str, delimiters: &[(&str, &str, bool)]) -> Vec<Span> {
        let mut spans = Vec::new();
        let mut at = 0;
        while let Some((i, (open, close, display))) = delimiters
            .iter()
            .filter_map(|d| text[at..].find(d.0).map(|i| (at + i, *d)))
            .min_by_key(|(i, _)| *i)
        {
            let inner = i + open.len();
            match text[inner..].find(close) {
                Some(n) if !text[inner..inner + n].trim().is_empty() => {
                    let end = inner + n + close.len();
                    spans.push(Span {
                        whole: i..end,
                        latex: inner..inner + n,
                        display,
                    });
                    at = end;
                }
                _ => at = inner,
            }
        }
        spans
    }

    #[test]
    fn the_linear_search_finds_what_the_quadratic_one_did() {
        // Every text of up to 5 pieces from these, and longer pseudo-random ones.
        let pieces = [
            "\\(", "\\)", "\\[", "\\]", "$$", "$", "\\", " ", "a", "\n", "é",
        ];
        let check = |text: &str| {
            for delimiters in [&[INLINE, DISPLAY][..], &[INLINE, DISPLAY, DOLLARS][..]] {
                assert_eq!(
                    find(text, delimiters),
                    find_quadratic(text, delimiters),
                    "{text:?}"
                );
            }
        };
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            texts = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            texts.iter().for_each(|t| check(t));
        }
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            let text: String = (0..200)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    pieces[(seed % pieces.len() as u64) as usize]
                })
                .collect();
            check(&text);
        }
    }

    #[test]
    fn a_formula_over_lines_keeps_its_place_in_the_markdown() {
        let md = "Text\n\\\\[ a\nb \\\\] after\n";
        let events: Vec<_> = apply(
            Parser::new_ext(md, Options::empty()).into_offset_iter(),
            false,
        )
        .filter(|(e, _)| matches!(e, Event::DisplayMath(_)))
        .collect();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].0, Event::DisplayMath("a\nb".into()));
        // From the escaped backslash (pulldown-cmark's event starts at it) to the closing.
        assert_eq!(&md[events[0].1.clone()], "\\[ a\nb \\\\]");
    }
}
