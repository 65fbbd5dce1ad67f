//! Markdown → HTML fragments: the only pulldown-cmark user.
//!
//! A page's events go through small named passes, each owning one concern (callouts, heading
//! ids, code and widgets, math, links, glossary mentions), instead of one loop full of flags.
//! Problems become diagnostics at the Markdown file's line; rendering always finishes.

pub mod block_cache;
mod callouts;
pub mod containers;
mod density;
pub mod fences;
mod footnotes;
pub mod hidden;
pub mod highlight;
pub mod later;
pub mod links;
pub mod math;
mod mathjax;
pub mod mentions;
mod raw_code;
pub mod raw_html;
mod raw_links;
pub mod scope_spans;
mod slug;
mod stream;
#[cfg(test)]
mod token_kinds;

pub use links::{LinkTable, PendingLink};
pub use slug::slugify; // used by the glossary

use crate::diag::{Diagnostic, LineIndex, Pos};
pub use crate::render::widgets::{CalloutView, MentionView};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use stream::{Env, Events, pass};

pub type Ev<'a> = (Event<'a>, Range<usize>);

/// What the theme draws inside a page's Markdown: fenced blocks whose info string names a
/// widget (`quiz`, `calculator`, …), callouts and glossary mentions. A template error goes to
/// `diags` (and the element is left out).
pub trait Widgets: Sync {
    fn is_widget(&self, info: &str) -> bool;
    /// `body_line` is the number of lines in the file before the block's first body line.
    fn render(&self, info: &str, body: &str, body_line: usize, out: &mut Output);
    fn callout(&self, view: &CalloutView<'_>, diags: &mut Vec<Diagnostic>) -> String;
    fn mention(&self, view: &MentionView<'_>, diags: &mut Vec<Diagnostic>) -> String;
}

/// What a page needs to know about the rest of the course.
pub struct PageContext<'a> {
    /// The Markdown file relative to the course root, for messages.
    pub source: &'a Path,
    /// The Markdown file relative to src, for resolving relative links.
    pub src_rel: &'a Path,
    /// The page's own URL relative to the site root.
    pub url: &'a str,
    /// Lines of the file before the Markdown body.
    pub line_offset: usize,
    pub links: &'a LinkTable,
    pub widgets: &'a dyn Widgets,
    /// The interface strings (a callout's default title).
    pub strings: &'a crate::i18n::Strings,
    pub mentions: Option<&'a mentions::Matcher>,
    /// The page's title, which its template shows: a leading `# Title` that repeats it is left
    /// out of the body (its id is kept in `Output::title_id`).
    pub title: Option<&'a str>,
    /// The title is not the author's own (front matter): it comes from SUMMARY.md or the first
    /// heading. A leading `# Heading` is then the page's heading, as in mdBook, which shows the
    /// page's own Markdown and no title of its own: it moves into the template's `h1`
    /// (`Output::title_html`), markup and all, whatever SUMMARY.md calls the page.
    pub own_heading: bool,
    /// `[output.html.code.hidelines]`: language → the prefix of its hidden lines (Rust's `#`
    /// is built in).
    pub hidelines: &'a std::collections::BTreeMap<String, String>,
    /// Where the expanded page's lines come from (includes), for positions written in a
    /// message's text; the diagnostics themselves are moved by the caller.
    pub origins: Option<&'a crate::diag::Origins>,
    /// Which text is math, and what a formula that cannot be rendered is.
    pub math: MathRules,
    /// Where the page's code blocks are put off to, to be highlighted with the course's
    /// (later.rs); none: highlighted in place.
    pub later: Option<&'a later::Later>,
}

/// Which text is math on a page, and what a formula that cannot be rendered is.
#[derive(Clone, Copy, Debug)]
pub struct MathRules {
    /// `$…$` and `$$…$$` are math: in a course (its sources in `content/`, ordered by name or
    /// by a SUMMARY.md), and in an mdBook book whose book.toml names a math preprocessor that
    /// reads them (mdbook-katex). mdBook itself never reads `$`, so in other books it is text
    /// (`$HOME`, `$PATH`).
    pub dollars: bool,
    /// `[output.html] mathjax-support`: `\\( … \\)`, `\\[ … \\]` (and `$$…$$`) as MathJax finds
    /// them, after Markdown (see `mathjax.rs`).
    pub mathjax: bool,
    /// An mdBook book: a formula coursebook cannot render is a warning, shown as its LaTeX;
    /// in a course it is an error.
    pub lenient: bool,
}

impl MathRules {
    /// A course's rules: `$` math, errors.
    #[cfg(test)]
    pub const COURSE: MathRules = MathRules {
        dollars: true,
        mathjax: false,
        lenient: false,
    };
}

/// A rendered fragment and what the build must check later.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub html: String,
    pub diags: Vec<Diagnostic>,
    pub links: Vec<PendingLink>,
    /// Glossary term ids mentioned (linked) on the page.
    pub mentioned: Vec<String>,
    /// Quiz ids on the page, with their fingerprints, for the page's data.
    pub quizzes: Vec<String>,
    /// The quizzes' ids and their questions' element names (`<quiz id>-<question id>`) on the
    /// page, each unique ([`crate::widgets::PageWidgets::quiz_markup`]).
    pub quiz_names: std::collections::HashSet<String>,
    /// The page has a calculator or a playground: its template loads widgets.js.
    pub has_widgets: bool,
    /// The page has highlighted code: its template loads highlight.css.
    pub has_code: bool,
    /// HTML shown after the page's own content and key terms (the lesson's quiz file).
    pub appendix: String,
    /// The lesson's `terms:` as glossary entry indices (filled by the site build), each with
    /// whether its definition is shown: past the page's budget
    /// (`site/pages/markdown.rs` `KEY_TERM_BYTES`) a key term only links to the glossary.
    pub key_terms: Vec<(usize, bool)>,
    /// The id of a leading `# Title` the site dropped because the template shows the title.
    pub title_id: Option<String>,
    /// A leading `# Heading` moved into the template's `h1` (see `Ctx::own_heading`): its inner
    /// HTML.
    pub title_html: Option<String>,
    /// The page's first heading is a `# Heading` that does not open it (the Reference's rule
    /// marker `r[shebang]` comes before `# Shebang` on 110 pages): it is the page's title, and
    /// the template shows no title of its own above it (it was shown twice).
    pub own_h1: bool,
    /// The page's `##` headings, id and text, for "On this page".
    pub sections: Vec<(String, String)>,
    /// Where each quiz block made from `{{#quiz}}` starts in the body, once rendered as a quiz.
    pub quiz_fences: Vec<usize>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_MATH
}

/// Render a page's Markdown body.
///
/// The passes are chained iterators (see `stream`), so the page's events are never all held at
/// once; what they find goes into one `Output`, shared through a `RefCell` that each pass
/// borrows only while it records something.
pub fn render(body: &str, ctx: &PageContext<'_>) -> Output {
    let out = RefCell::new(Output::default());
    let lines = LineIndex::new(body);
    let at = |offset: usize| lines.pos(offset).shifted(ctx.line_offset);
    // Too deep a nesting would make parsing quadratic (see `containers`): the page is refused
    // with nothing rendered, before the parser sees it.
    if let Some((offset, depth)) = containers::too_deep(body) {
        out.borrow_mut().diags.push(
            Diagnostic::error(
                ctx.source,
                at(offset),
                format!(
                    "blockquotes and lists nested more than {} deep ({depth} on this line); the page is not rendered",
                    containers::MAX_CONTAINERS
                ),
            )
            .with_help("no course needs this many levels: take the `>` and list markers down to a few"),
        );
        return out.into_inner();
    }
    // Too much structure would make the parser's tree of the page a hundred times its size
    // (see `density`): refused the same way.
    if let Some(offset) = density::too_dense(body) {
        out.borrow_mut().diags.push(
            Diagnostic::error(
                ctx.source,
                at(offset),
                format!(
                    "the page holds more than {} lines and markup characters (`*`, `` ` ``, `[`, `|`…) by this line; the page is not rendered",
                    density::MAX_NODES
                ),
            )
            .with_help("split it into several pages: each of those costs memory to parse, and real pages hold a few thousand"),
        );
        return out.into_inner();
    }
    let mut options = options();
    if !ctx.math.dollars {
        options.remove(Options::ENABLE_MATH);
    }
    let events = Parser::new_ext(body, options).into_offset_iter();
    let env = Env {
        ctx,
        at: &at,
        out: &out,
    };
    // A character reference to a control character (`&#1;`, `&#x1b;`) is decoded by the parser
    // into the text, where a written one never is (content/sources.rs `replace_controls`): it
    // becomes U+FFFD too, said once a page.
    let mut warned = false;
    let (out_ref, at_ref) = (&out, &at);
    let events = events.map(move |(event, range)| match event {
        Event::Text(t) if may_hold_control(&t) && t.chars().any(forbidden_control) => {
            if !std::mem::replace(&mut warned, true) {
                let c = t.chars().find(|&c| forbidden_control(c)).unwrap_or('\0');
                out_ref.borrow_mut().diags.push(
                    Diagnostic::warning(
                        ctx.source,
                        at_ref(range.start),
                        format!(
                            "a character reference to a control character (U+{:04X}) cannot be in a web page; it is shown as U+FFFD (\u{fffd})",
                            u32::from(c)
                        ),
                    )
                    .with_help("remove it"),
                );
            }
            (Event::Text(CowStr::from(without_controls(&t))), range)
        }
        other => (other, range),
    });
    let events = raw_html::apply(events, &env);
    let events = raw_links::apply(events, &env);
    let events = raw_code::apply(events, &env);
    let events = callouts::apply(events, body, &env);
    let events = slug::heading_ids(
        events,
        slug::explicit_ids(body),
        |id, text| {
            out.borrow_mut().sections.push((id.to_string(), text));
        },
        |id, first, here| {
            // The first heading's place as its author sees it: an included file's own line.
            let (mut path, mut pos) = (ctx.source.to_path_buf(), at(first));
            if let Some(origins) = ctx.origins {
                origins.locate(ctx.source, &mut path, &mut pos);
            }
            let first = format!(
                "{}:{}",
                path.display().to_string().replace('\\', "/"),
                pos.line
            );
            out.borrow_mut().diags.push(
                Diagnostic::warning(
                    ctx.source,
                    at(here),
                    format!("the id `{id}` is already used on this page at {first}; this heading's is made unique"),
                )
                .with_help("give each heading its own `{#id}`; links to `#id` go to the first"),
            );
        },
    );
    let events = leading_title(events, &env);
    let events = code_blocks(events, &env);
    let events: Box<dyn Iterator<Item = Ev<'_>>> = match ctx.math.mathjax {
        true => Box::new(mathjax::apply(events, ctx.math.dollars)),
        false => Box::new(events),
    };
    let events = math_pass(events, &env);
    let events = unbalanced_math(events, body, &env);
    let events = links::rewrite(events, &env);
    let events = task_list_labels(events, ctx.strings);
    let events = footnotes::apply(events, &env);
    // Where the writer is, for the message if the page's HTML passes its bound.
    let last = std::cell::Cell::new(0);
    let events = events.map(|(e, range)| {
        last.set(range.start);
        (e, range)
    });
    // Room for the page's HTML up front: grown from nothing, it was copied as it doubled (a
    // page with code is 3.5–5 times its Markdown, its spans and all).
    let mut html = Capped {
        html: String::with_capacity(body.len().saturating_mul(HTML_PER_BYTE).min(PAGE_ROOM)),
        limit: MAX_PAGE_HTML,
    };
    let written = match ctx.mentions {
        Some(m) => pulldown_cmark::html::write_html_fmt(
            &mut html,
            mentions::link(events, m, &env, body.len()).map(|(e, _)| e),
        ),
        None => pulldown_cmark::html::write_html_fmt(&mut html, events.map(|(e, _)| e)),
    };
    // The only error Capped returns: the page stopped rendering at the event that passed it.
    if written.is_err() {
        if let Some(later) = ctx.later {
            later.set_capped();
        }
        out.borrow_mut().diags.push(
            Diagnostic::error(
                ctx.source,
                at(last.get()),
                format!(
                    "the page's HTML grows past {} MB here; the page is not rendered further",
                    MAX_PAGE_HTML >> 20
                ),
            )
            .with_help("split the page, or repeat fewer quizzes, includes or widgets on it"),
        );
    }
    let mut out = out.into_inner();
    out.html = html.html;
    unrendered_quizzes(body, &at, ctx, &mut out);
    if out.title_html.is_some() {
        lift_heading(&mut out);
    }
    out
}

/// A quiz block made from mdbook-quiz's `{{#quiz}}` that Markdown did not read as a block of
/// its own (the directive mid-line, in a table cell, a heading, raw HTML, a comment or a code
/// block) is its JSON shown as text or kept in the page, answer keys and all: an error at the
/// directive, never a page that gives the answers away.
fn unrendered_quizzes(
    body: &str,
    at: &dyn Fn(usize) -> Pos,
    ctx: &PageContext<'_>,
    out: &mut Output,
) {
    let fence = crate::content::mdbook_quiz::FENCE;
    for (offset, _) in body.match_indices(fence) {
        // Rendered in the order of the page, so in order of offset.
        if out.quiz_fences.binary_search(&offset).is_ok() {
            continue;
        }
        out.diags.push(
            Diagnostic::error(
                ctx.source,
                at(offset),
                "this `{{#quiz}}` does not stand on a line of its own (it is mid-line, in a table, a heading, HTML, a comment or a code block), so its questions and answers would be shown as text",
            )
            .with_help("put `{{#quiz file.toml}}` on a line of its own, with a blank line before and after it (in a blockquote or list item too)"),
        );
    }
}

/// Move the page's leading `<h1 …>…</h1>` out of its HTML into `title_html` and `title_id`.
fn lift_heading(out: &mut Output) {
    out.title_html = None;
    // After the comments `leading_title` let pass before it, which stay where they are.
    let (comments, html) = out.html.split_at(comments_len(&out.html));
    let Some(rest) = html.strip_prefix("<h1") else {
        return;
    };
    let (Some(open_end), Some(close)) = (rest.find('>'), rest.find("</h1>")) else {
        return;
    };
    if close < open_end {
        return;
    }
    let tag = &rest[..open_end];
    out.title_id = tag.split_once(" id=\"").and_then(|(_, v)| {
        v.split_once('"')
            .map(|(id, _)| crate::markdown::plain_text(id))
    });
    out.title_html = Some(rest[open_end + 1..close].to_string());
    let after = &rest[close + "</h1>".len()..];
    out.html = format!("{comments}{}", after.strip_prefix('\n').unwrap_or(after));
}

/// The length of `html`'s leading HTML comments and the white space between them.
fn comments_len(html: &str) -> usize {
    let bytes = html.as_bytes();
    let mut at = 0;
    loop {
        at += bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if !bytes[at..].starts_with(b"<!--") {
            return at;
        }
        at = comment_end(bytes, at + 4);
    }
}

/// Where the HTML comment whose `<!--` ends at `from` ends: after its `-->`, or at the end of
/// `html` when it is never closed (a browser reads the rest as the comment). `<!-->` and
/// `<!--->` are empty comments, as browsers parse them.
pub fn comment_end(html: &[u8], from: usize) -> usize {
    let rest = html.get(from..).unwrap_or_default();
    if rest.starts_with(b">") {
        return from + 1;
    }
    if rest.starts_with(b"->") {
        return from + 2;
    }
    memchr::memmem::find(rest, b"-->").map_or(html.len(), |i| from + i + 3)
}

/// What one page's Markdown may render to. Its Markdown is at most 32 MB after includes
/// (content/directives.rs), but a line of Markdown can stand for far more HTML: one
/// `{{#quiz}}` of 2,000 choices is 350 KB of markup, and 510 of them made a 175 MB page (960 MB
/// of memory, 9 s). The largest page of the 1,000-lesson bench is a few hundred KB; 64 MB is
/// the Markdown bound twice, room for any page written by hand.
/// A lesson's quiz file, drawn after the page (`site/pages/markdown.rs`), counts too.
pub const MAX_PAGE_HTML: usize = 64 << 20;

/// The room [`render`] makes for a page's HTML: this many bytes a byte of Markdown (code-heavy
/// pages of the bench course are 4.0–5.4 times theirs, p10–p90), up to [`PAGE_ROOM`]; a longer
/// page grows as it is written.
const HTML_PER_BYTE: usize = 6;
const PAGE_ROOM: usize = 4 << 20;

/// A page's HTML that refuses the write that would take it past `limit`, so pulldown-cmark's
/// writer stops pulling events (and rendering widgets) there instead of being measured after.
struct Capped {
    html: String,
    limit: usize,
}

impl std::fmt::Write for Capped {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.html.len().saturating_add(s.len()) > self.limit {
            return Err(std::fmt::Error);
        }
        self.html.push_str(s);
        Ok(())
    }
}

/// The text of an HTML fragment: tags dropped, the common entities decoded (for titles and
/// accessible names).
pub fn plain_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The words of inline Markdown, its markup dropped: a title in SUMMARY.md or a page's first
/// heading, shown as text in the sidebar, the browser's tab and links (mdBook shows
/// ``[`panic!`](…)`` as *panic!*, not with its backticks).
pub fn inline_text(markdown: &str) -> String {
    if !markdown.contains(['`', '*', '_', '[', '<', '\\', '&', '~', '$']) {
        return markdown.to_string();
    }
    // Read as the middle of a paragraph: `1. Intro` or `# Notes` is a title, not a list or a
    // heading.
    let mut out = String::new();
    for event in Parser::new_ext(&format!("a {markdown}"), options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    match out.strip_prefix("a ") {
        Some(text) => text.trim().to_string(),
        None => markdown.to_string(),
    }
}

/// A quiz prompt cut after its first paragraph: that paragraph is the question's `<legend>`,
/// which may hold phrasing content only, and the rest (code, lists, more paragraphs: an
/// mdbook-quiz prompt's program) follows it as blocks. A prompt that does not start with a
/// paragraph is all rest.
pub fn split_prompt(text: &str) -> (&str, &str) {
    match Parser::new_ext(text, options()).into_offset_iter().next() {
        Some((Event::Start(Tag::Paragraph), range)) => text.split_at(range.end.min(text.len())),
        _ => ("", text),
    }
}

/// Render inline Markdown (a glossary definition, a quiz choice) without the surrounding `<p>`.
pub fn render_inline(text: &str) -> String {
    if is_plain(text) {
        return text.trim_end().to_string();
    }
    render_inline_parsed(text)
}

/// [`render_inline`] through the parser.
fn render_inline_parsed(text: &str) -> String {
    let mut html = String::new();
    let events = Parser::new_ext(text, options()).filter(|e| {
        !matches!(
            e,
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
        )
    });
    let events = events.map(raw_html::inline).map(|e| match e {
        Event::InlineMath(m) => Event::Html(CowStr::from(
            math::render(&m, false).unwrap_or_else(|_| highlight::escape(&m)),
        )),
        other => other,
    });
    pulldown_cmark::html::push_html(&mut html, events);
    html.trim_end().to_string()
}

/// Whether `text` is one line that Markdown, with [`options`], renders as itself in a paragraph:
/// it starts with a letter (no list, heading, quote or indented code), and holds only letters,
/// digits, spaces, non-ASCII characters that are no white space, and punctuation that marks
/// nothing up and that smart punctuation leaves alone (no quotes, no `--` nor `...`). Such text
/// needs no parser: a quiz's choices, feedback and prompts are mostly this, and parsing each
/// (twice for a label) was most of drawing a quiz. `plain_text_renders_as_itself` holds the
/// two to the same output.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && !text.contains("..")
        && !text.contains("--")
        && text.chars().all(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => true,
            ' ' | ',' | ';' | ':' | '?' | '!' | '.' | '-' | '(' | ')' | '/' | '%' | '+' | '=' => {
                true
            }
            c => !c.is_ascii() && !c.is_whitespace(),
        })
}

/// The first formula in a snippet of Markdown (quiz text, a glossary definition) that does not
/// render, with why: those snippets are rendered far from any page, where a formula that fails
/// falls back to its text, so their checks ask here to say so at the question or entry.
pub fn math_problem(text: &str) -> Option<(String, String)> {
    if !text.contains('$') {
        return None;
    }
    let mut dollars = Dollars::default();
    Parser::new_ext(text, options())
        .into_offset_iter()
        .find_map(|(e, range)| {
            let (latex, display) = match &e {
                Event::InlineMath(m) => (m, false),
                Event::DisplayMath(m) => (m, true),
                // Unbalanced braces leave the dollars as text, as in a page.
                _ => {
                    return dollars.feed(&e, range, text).map(|found| {
                        let why = format!("its braces are unbalanced ({})", found.what());
                        (found.quote.trim().to_string(), why)
                    });
                }
            };
            math::render(latex, display)
                .err()
                .map(|why| (latex.to_string(), why))
        })
}

/// The languages of the code blocks in a snippet of Markdown (quiz text) that are shown as
/// plain text though they name a language: no grammar knows it, or it was meant for an mdBook
/// preprocessor. Said at the question, as a lesson's block is said at its line.
pub fn unhighlighted_languages(text: &str) -> Vec<String> {
    if !text.contains("```") && !text.contains("~~~") {
        return Vec::new();
    }
    Parser::new_ext(text, options())
        .filter_map(|e| match e {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = fence_language(&info);
                let plain = !highlight::knows(lang) || highlight::drawn_by_preprocessor(lang);
                plain.then(|| lang.to_string())
            }
            _ => None,
        })
        .collect()
}

/// The indented code blocks of a snippet of Markdown that are not inside a list or a quote,
/// each as the byte range of its lines (indentation included): mdbook-quiz highlights every
/// `pre > code` as Rust, an indented block as much as a fenced one, and its importer makes them
/// fenced blocks. Only when some line is indented: it parses the snippet.
pub fn top_level_indented_code(text: &str) -> Vec<Range<usize>> {
    if !text.contains("\n    ") && !text.contains("\n\t") && !text.starts_with([' ', '\t']) {
        return Vec::new();
    }
    let mut depth = 0usize;
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 && tag == Tag::CodeBlock(CodeBlockKind::Indented) {
                    out.push(range);
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out
}

/// Render block Markdown (a quiz explanation) with code highlighted and math rendered, but no
/// links rewritten: such snippets live outside a page's link table.
/// `hidelines`: the book's `[output.html.code.hidelines]`, as for a lesson's code.
pub fn render_block(text: &str, hidelines: &BTreeMap<String, String>) -> String {
    if is_plain(text) {
        return format!("<p>{}</p>", text.trim_end());
    }
    render_block_parsed(text, hidelines)
}

/// [`render_block`] through the parser.
fn render_block_parsed(text: &str, hidelines: &BTreeMap<String, String>) -> String {
    let mut html = String::new();
    let events = highlighted_blocks(snippet_events(text), false, hidelines);
    pulldown_cmark::html::push_html(&mut html, events);
    html.trim_end().to_string()
}

/// No language's hidden lines but Rust's `#` (`hidden::prefix`'s own).
static NO_HIDELINES: BTreeMap<String, String> = BTreeMap::new();

/// A quiz or glossary snippet's events, through the raw-HTML filter (without it,
/// `raw-html = false` let a hint's `<img onerror=…>` into the page as is), its formulas
/// rendered (one that cannot be is shown as its LaTeX: said where the snippet was checked).
fn snippet_events(text: &str) -> impl Iterator<Item = Event<'_>> {
    Parser::new_ext(text, options())
        .map(raw_html::inline)
        .map(|e| match e {
            Event::InlineMath(m) => Event::Html(CowStr::from(
                math::render(&m, false).unwrap_or_else(|_| highlight::escape(&m)),
            )),
            Event::DisplayMath(m) => Event::Html(CowStr::from(
                math::render(&m, true).unwrap_or_else(|_| highlight::escape(&m)),
            )),
            other => other,
        })
}

/// Markdown for a place that may hold phrasing content only: a quiz choice's `<label>`, a
/// glossary definition in its `<p>` or its tooltip's `<span>`. One paragraph renders as
/// [`render_inline`] does; blocks become spans the stylesheet lays out as blocks: paragraphs
/// and block quotes `<span class="para">`, lists `<span class="para list">` of
/// `<span class="item">`, and a code block (an mdbook-quiz choice that is a whole program)
/// highlighted `<span class="code-lines"><code>`. Clicking a program in a label still picks its
/// choice, and a screen reader reads it as the choice's name.
pub fn render_phrasing(text: &str) -> String {
    render_phrasing_with(text, &NO_HIDELINES)
}

/// [`render_phrasing`] with the book's `[output.html.code.hidelines]`, as a quiz is drawn.
pub fn render_phrasing_with(text: &str, hidelines: &BTreeMap<String, String>) -> String {
    if is_plain(text) {
        return text.trim_end().to_string();
    }
    render_phrasing_parsed(text, hidelines)
}

/// [`render_phrasing_with`] through the parser.
fn render_phrasing_parsed(text: &str, hidelines: &BTreeMap<String, String>) -> String {
    let blocks = Parser::new_ext(text, options())
        .filter(|e| {
            matches!(
                e,
                Event::Start(
                    Tag::Paragraph
                        | Tag::CodeBlock(_)
                        | Tag::List(_)
                        | Tag::BlockQuote(_)
                        | Tag::Heading { .. }
                        | Tag::Table(_)
                )
            )
        })
        .map(|e| matches!(e, Event::Start(Tag::Paragraph)))
        .collect::<Vec<_>>();
    if blocks.len() <= 1 && blocks.iter().all(|&paragraph| paragraph) {
        return render_inline(text);
    }
    let span = |class: &str| Event::Html(CowStr::from(format!("<span class=\"{class}\">")));
    let end = || Event::Html(CowStr::from("</span>"));
    let events = snippet_events(text).filter_map(move |e| {
        Some(match e {
            // A tight list's items hold no paragraph; a loose one's do: both read alike.
            Event::Start(Tag::Paragraph | Tag::BlockQuote(_) | Tag::Heading { .. }) => span("para"),
            Event::End(TagEnd::Paragraph | TagEnd::BlockQuote(_) | TagEnd::Heading(_)) => end(),
            Event::Start(Tag::List(Some(_))) => span("para list ordered"),
            Event::Start(Tag::List(None)) => span("para list"),
            Event::Start(Tag::Item) => span("item"),
            Event::End(TagEnd::List(_) | TagEnd::Item) => end(),
            Event::Rule => return None,
            other => other,
        })
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, highlighted_blocks(events, true, hidelines));
    html.trim_end().to_string()
}

/// Code blocks in quiz text (an mdbook-quiz prompt's program, a hint's snippet) highlighted as
/// a lesson's are, with the same `<pre class="code">` markup: a learner reads the program they
/// are asked about in the colours of the lesson above it. In `phrasing` text (a label) the
/// block is a `<span class="code-lines">` instead.
/// Where a change in quiz code starts and ends, as mdbook-quiz marks it (`` `[…]` ``, turned
/// into these by content/mdbook_quiz.rs): drawn `<mark>` around the highlighted code.
pub const MARK_START: char = '\u{E010}';
/// See [`MARK_START`].
pub const MARK_END: char = '\u{E011}';

/// `code` without [`MARK_START`] and [`MARK_END`], and the ranges they marked, in characters.
fn marked_ranges(code: &str) -> (String, Vec<(usize, usize)>) {
    let mut plain = String::with_capacity(code.len());
    let mut ranges = Vec::new();
    let (mut chars, mut start) = (0, None);
    for c in code.chars() {
        match c {
            MARK_START => start = Some(chars),
            MARK_END => {
                if let Some(from) = start.take() {
                    ranges.push((from, chars));
                }
            }
            _ => {
                plain.push(c);
                chars += 1;
            }
        }
    }
    (plain, ranges)
}

/// Highlighted `html` with `<mark>` around the text at `ranges` (characters of its text, an
/// entity one character). A mark is closed before each tag and opened again after it, so marks
/// hold text only and nest inside the highlighter's spans.
fn with_marks(html: &str, ranges: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(html.len() + ranges.len() * 13);
    let (mut at, mut inside) = (0usize, false);
    // The ranges come in order and apart (marked_ranges): one look at the next, not at all of
    // them for each character (a quiz file of marks would have taken hours).
    let mut next = ranges.iter().peekable();
    let mut in_range = |at: usize| {
        while next.peek().is_some_and(|&&(_, end)| end <= at) {
            next.next();
        }
        next.peek().is_some_and(|&&(start, _)| start <= at)
    };
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            if inside {
                out.push_str("</mark>");
                inside = false;
            }
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let len = if c == '&' {
            rest.find(';').map_or(1, |i| i + 1)
        } else {
            c.len_utf8()
        };
        let wanted = in_range(at);
        if wanted != inside {
            out.push_str(if wanted { "<mark>" } else { "</mark>" });
            inside = wanted;
        }
        out.push_str(&rest[..len]);
        rest = &rest[len..];
        at += 1;
    }
    if inside {
        out.push_str("</mark>");
    }
    out
}

fn highlighted_blocks<'a, 'h>(
    events: impl Iterator<Item = Event<'a>> + 'h,
    phrasing: bool,
    hidelines: &'h BTreeMap<String, String>,
) -> impl Iterator<Item = Event<'a>> + 'h {
    let mut events = events;
    std::iter::from_fn(move || {
        let event = events.next()?;
        let Event::Start(Tag::CodeBlock(kind)) = &event else {
            return Some(event);
        };
        let info = match kind {
            CodeBlockKind::Fenced(info) => info.to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        let mut code = String::new();
        for inner in events.by_ref() {
            match inner {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
        }
        if phrasing {
            // A span's last line break would show as an empty line (`white-space: pre-wrap`).
            code.truncate(code.trim_end_matches('\n').len());
        }
        let lang = fence_language(&info);
        // Rust's `# ` lines are hidden as in a lesson (shown by no button here: a quiz's program
        // is what the question is about), but for a numbered program, whose lines a question
        // counts. Marks are counted in the text as shown, without the hidden lines' `# `.
        let hide = hidden::prefix(&info, lang, hidelines).filter(|_| !numbered(&info));
        let (code, marks) = match code.contains(MARK_START) {
            true => {
                let shown = hide.as_ref().map(|p| hidden::shown(&code, p));
                let marks = marked_ranges(shown.as_deref().unwrap_or(&code)).1;
                (marked_ranges(&code).0, marks)
            }
            false => (code, Vec::new()),
        };
        let inner = match hidden::prefix(&info, lang, hidelines) {
            Some(prefix) if !numbered(&info) => hidden::highlight(&code, lang, &prefix),
            _ => highlight::highlight(&code, lang).0,
        };
        let inner = match marks.is_empty() {
            true => inner,
            false => with_marks(&inner, &marks),
        };
        let class = code_class(&info, lang);
        Some(Event::Html(CowStr::from(match phrasing {
            true => format!("<span class=\"code-lines\"><code{class}>{inner}</code></span>"),
            false if numbered(&info) => format!(
                "<pre class=\"code numbered\" tabindex=\"0\">{}<code{class}>{inner}</code></pre>\n",
                line_numbers(&code)
            ),
            false => {
                format!("<pre class=\"code\" tabindex=\"0\"><code{class}>{inner}</code></pre>\n")
            }
        })))
    })
}

/// Task-list checkboxes are read-only; give each an accessible name so it is not an unlabelled
/// form control.
fn task_list_labels<'a: 's, 's>(
    events: impl Events<'a> + 's,
    strings: &'s crate::i18n::Strings,
) -> impl Events<'a> + 's {
    events.map(move |(event, range)| match event {
        Event::TaskListMarker(done) => {
            let (checked, label) = if done {
                (" checked", strings.get("page", "task_done"))
            } else {
                ("", strings.get("page", "task_not_done"))
            };
            let html = format!(
                "<input type=\"checkbox\" disabled{checked} aria-label=\"{}\"> ",
                highlight::escape(label)
            );
            (Event::Html(CowStr::from(html)), range)
        }
        other => (other, range),
    })
}

/// Leave out a first heading `# Title` that repeats the page's title (the template shows it),
/// recording its id so `#anchor` links to it still land on the template's `h1`.
fn leading_title<'a: 'p, 'p>(
    events: impl Events<'a> + 'p,
    env: &'p Env<'p>,
) -> impl Events<'a> + 'p {
    let mut first = true;
    let mut headed = false;
    pass(events, move |(event, range), upstream, queue| {
        if !first
            && !headed
            && let Event::Start(Tag::Heading { level, .. }) = &event
        {
            headed = true;
            if *level == pulldown_cmark::HeadingLevel::H1 {
                env.out.borrow_mut().own_h1 = true;
            }
        }
        if first && matches!(event, Event::Start(Tag::HtmlBlock)) {
            // A comment before the title (a licence header, book-ja's English original) is not
            // content the reader sees: the heading after it still opens the page (553 of 562
            // comprehensive-rust pages showed their title twice). The comment stays in the page.
            queue.push_back((event, range));
            let mut html = String::new();
            let mut only_html = true;
            for (inner, r) in upstream.by_ref() {
                let end = matches!(inner, Event::End(TagEnd::HtmlBlock));
                match &inner {
                    Event::Html(h) => html.push_str(h),
                    // `raw-html = false` made it text: shown, so content.
                    _ if !end => only_html = false,
                    _ => {}
                }
                queue.push_back((inner, r));
                if end {
                    break;
                }
            }
            first = only_html && comments_len(&html) == html.len();
            return;
        }
        let is_first = std::mem::replace(&mut first, false);
        if matches!(event, Event::Start(Tag::Heading { .. })) {
            headed = true;
        }
        let (true, Some(title), Event::Start(Tag::Heading { level, id, .. })) =
            (is_first, env.ctx.title, &event)
        else {
            queue.push_back((event, range));
            return;
        };
        if *level != pulldown_cmark::HeadingLevel::H1 {
            queue.push_back((event, range));
            return;
        }
        if env.ctx.own_heading {
            // Rendered with the rest (links, code, math), then taken out of the HTML.
            env.out.borrow_mut().title_html = Some(String::new());
            queue.push_back((event, range));
            return;
        }
        let id = id.as_ref().map(ToString::to_string);
        let (rest, text) = slug::rest_of_heading(upstream);
        if text.trim() == title.trim() {
            env.out.borrow_mut().title_id = id;
        } else {
            queue.push_back((event, range));
            queue.extend(rest);
        }
    })
}

/// Fenced code: widgets go to their renderer, other code is highlighted at build time.
fn code_blocks<'a: 'p, 'p>(events: impl Events<'a> + 'p, env: &'p Env<'p>) -> impl Events<'a> + 'p {
    let Env { ctx, at, out } = *env;
    pass(events, move |(event, range), upstream, queue| {
        let Event::Start(Tag::CodeBlock(kind)) = &event else {
            queue.push_back((event, range));
            return;
        };
        let info = match kind {
            CodeBlockKind::Fenced(info) => info.to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        let mut code = String::new();
        for (inner, _) in upstream.by_ref() {
            match inner {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
        }
        let lang = fence_language(&info).to_string();
        let html = if ctx.widgets.is_widget(&lang) {
            // The block's body starts on the line after the opening fence.
            let body_line = at(range.start).line;
            let mut out = out.borrow_mut();
            out.has_widgets |= lang != "quiz";
            if lang == "quiz" && info.contains(crate::content::mdbook_quiz::MARK) {
                out.quiz_fences.push(range.start);
            }
            let mut widget_out = Output {
                quizzes: std::mem::take(&mut out.quizzes),
                quiz_names: std::mem::take(&mut out.quiz_names),
                ..Output::default()
            };
            ctx.widgets.render(&lang, &code, body_line, &mut widget_out);
            out.diags.append(&mut widget_out.diags);
            out.quizzes = widget_out.quizzes;
            out.quiz_names = widget_out.quiz_names;
            out.has_code |= widget_out.has_code;
            widget_out.html
        } else {
            out.borrow_mut().has_code = true;
            if highlight::drawn_by_preprocessor(&lang) {
                // Nothing is lost silently: a block for a preprocessor that is not here
                // (```mermaid```, ```aquascope```) is shown as its code, and said so.
                out.borrow_mut().diags.push(
                    Diagnostic::warning(
                        ctx.source,
                        at(range.start),
                        format!("a ```{lang} block is shown as code: in mdBook a preprocessor draws it, and coursebook has none for `{lang}`"),
                    )
                    .with_help("draw it beforehand and include the image, or name it `text` to show the code on purpose"),
                );
            } else if !highlight::knows(&lang) {
                out.borrow_mut().diags.push(
                    Diagnostic::warning(
                        ctx.source,
                        at(range.start),
                        format!("a ```{lang} block is shown as plain text: coursebook has no highlighting for `{lang}` and nothing expands it"),
                    )
                    .with_help("name a language coursebook highlights, or `text` for plain text on purpose"),
                );
            }
            let highlighter = |code: &str, lang: &str| match ctx.later {
                Some(later) => later.highlight(code, lang),
                None => highlight::highlight(code, lang).0,
            };
            let inner = match hidden::prefix(&info, &lang, ctx.hidelines) {
                Some(prefix) => hidden::highlight_by(&code, &lang, &prefix, &highlighter),
                None => highlighter(&code, &lang),
            };
            let class = code_class(&info, &lang);
            // A block with hidden lines has its button from the first paint (shown only with
            // JavaScript, which it needs: book.js), so nothing moves when the script runs.
            // Search knows it by `data-show-hidden` and leaves its label out (search.rs
            // `left_out`).
            let button = if inner.contains("<span class=\"boring\">") {
                format!(
                    "<button type=\"button\" class=\"show-hidden-lines\" data-show-hidden aria-pressed=\"false\">{}</button>\n",
                    highlight::escape(ctx.strings.get("page", "show_hidden_lines"))
                )
            } else {
                String::new()
            };
            format!(
                "{button}<pre class=\"code\" tabindex=\"0\"><code{class}>{inner}</code></pre>\n"
            )
        };
        queue.push_back((Event::Html(CowStr::from(html)), range));
    })
}

/// A control character an HTML page may not hold: all but tab, line feed, form feed and
/// carriage return.
pub(crate) fn forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')
}

/// `text` with each [`forbidden_control`] replaced by U+FFFD.
pub(crate) fn without_controls(text: &str) -> String {
    text.chars()
        .map(|c| if forbidden_control(c) { '\u{fffd}' } else { c })
        .collect()
}

/// Whether `text` may hold a [`forbidden_control`], by its bytes (C1 controls start with 0xC2,
/// as do common characters such as `©` and the no-break space). Every lesson and every text of
/// a page passes here: eight bytes at a time, looked at one by one only where a word holds a
/// byte below 0x20, 0x7F or 0xC2 (a byte at a time cost 1 % of a build's instructions).
pub(crate) fn may_hold_control(text: &str) -> bool {
    const FLAGGED: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            t[b] = !matches!(b, 0x09 | 0x0a | 0x0c | 0x0d);
            b += 1;
        }
        t[0x7f] = true;
        t[0xc2] = true;
        t
    };
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether a byte of `w` is zero (no false negatives; a false positive only costs a look).
    let zero_byte = |w: u64| w.wrapping_sub(ONES) & !w & HIGH != 0;
    let flagged = |bytes: &[u8]| bytes.iter().any(|&b| FLAGGED[usize::from(b)]);
    let mut words = text.as_bytes().chunks_exact(8);
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0;
        if (below_space || zero_byte(w ^ (ONES * 0x7f)) || zero_byte(w ^ (ONES * 0xc2)))
            && flagged(chunk)
        {
            return true;
        }
    }
    flagged(words.remainder())
}

/// A fence's language: its info string's first word (```` ```rust,ignore ````, ```` ```rust {.x} ````),
/// or the word in braces that opens it (R Markdown's and Quarto's ```` ```{r} ````, Pandoc's
/// ```` ```{.python} ````), which was read as no language at all and so said nothing.
pub fn fence_language(info: &str) -> &str {
    let info = info.trim_start();
    match info.strip_prefix('{') {
        Some(braced) => braced
            .trim_start_matches('.')
            .split(['}', ' ', ',', '\t'])
            .next()
            .unwrap_or(""),
        None => info.split([' ', ',', '{']).next().unwrap_or(""),
    }
}

/// Whether snippets' HTML (a quiz's markup) holds a code block of [`highlighted_blocks`], for
/// which its page needs the highlighting stylesheet.
pub fn holds_code(html: &str) -> bool {
    html.contains("<pre class=\"code") || html.contains("<span class=\"code-lines\">")
}

/// Whether a block in quiz text asks for line numbers (```` ```rust numbered ````): an mdbook-quiz
/// Tracing program does, as mdbook-quiz shows it, since the learner is asked for the line of
/// its error.
fn numbered(info: &str) -> bool {
    info.split([' ', '\t', ',']).skip(1).any(|w| w == NUMBERED)
}

/// The info-string word that numbers a quiz program's lines.
pub const NUMBERED: &str = "numbered";

/// A numbered block's gutter: one number a line, beside the code (a grid in the stylesheet), not
/// in it, so that copying the code copies no number; hidden from screen readers, which move by
/// line themselves, and from search (site/search.rs `left_out`).
fn line_numbers(code: &str) -> String {
    let lines = code.trim_end_matches('\n').lines().count().max(1);
    let mut out = String::from("<span class=\"line-numbers\" aria-hidden=\"true\">");
    for n in 1..=lines {
        if n > 1 {
            out.push('\n');
        }
        out.push_str(&n.to_string());
    }
    out.push_str("</span>");
    out
}

/// The `class` attribute of a code block's `<code>`, as mdBook writes it: `language-<lang>`,
/// then each further word of the info string, split at spaces, tabs and commas
/// (```` ```rust,ignore,does_not_compile ```` → `language-rust ignore does_not_compile`).
/// Scripts read them: the Rust Book's ferris.js (`does_not_compile`, `panics`,
/// `not_desired_behavior`), mdBook's book.js (`ignore`, `editable`, `noplayground`,
/// `should_panic`…). A word holding anything but ASCII letters, digits, `_` and `-`
/// (`hidelines=#`, read by `hidden::prefix`) is not made a class: it would not be one a script
/// looks for, and cannot end the attribute.
fn code_class(info: &str, lang: &str) -> String {
    let mut classes = if lang.is_empty() {
        String::new()
    } else {
        format!("language-{}", highlight::escape(lang))
    };
    let words = info.split([' ', '\t', ',']).filter(|w| !w.is_empty());
    for word in words.skip(1) {
        if word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            if !classes.is_empty() {
                classes.push(' ');
            }
            classes.push_str(word);
        }
    }
    if classes.is_empty() {
        return classes;
    }
    format!(" class=\"{classes}\"")
}

fn math_pass<'a: 'p, 'p>(events: impl Events<'a> + 'p, env: &'p Env<'p>) -> impl Events<'a> + 'p {
    let Env { ctx, at, out } = *env;
    events.map(move |(event, range)| {
        let (latex, display) = match &event {
            Event::InlineMath(m) => (m.to_string(), false),
            Event::DisplayMath(m) => (m.to_string(), true),
            _ => return (event, range),
        };
        let html = match math::render(&latex, display) {
            Ok(html) => html,
            Err(message) => {
                let (d, class) = math_problem_at(ctx, at(range.start), &latex, &message);
                out.borrow_mut().diags.push(d);
                format!(
                    "<code class=\"{class}\">{}</code>",
                    highlight::escape(latex.trim())
                )
            }
        };
        (Event::Html(CowStr::from(html)), range)
    })
}

/// A formula that cannot be rendered: an error in a course; in an mdBook book (whose math
/// KaTeX or MathJax rendered in mdBook, each knowing commands math-core does not) a warning,
/// the formula shown as its LaTeX source and the build going on. With the class of the `<code>`
/// it is shown in.
fn math_problem_at(
    ctx: &PageContext<'_>,
    pos: Pos,
    latex: &str,
    message: &str,
) -> (Diagnostic, &'static str) {
    let (latex, rules) = (shorten(latex), ctx.math);
    if rules.lenient {
        let d = Diagnostic::warning(
            ctx.source,
            pos,
            format!(
                "cannot render math `{latex}`: {}; it is shown as its LaTeX source",
                message.trim_end_matches('.')
            ),
        )
        .with_help(
            "coursebook renders math to MathML itself (math-core), which lacks some commands of KaTeX and MathJax (mdbook-katex's `macros` file is read); write the formula with commands it knows",
        );
        return (d, "math-source");
    }
    let help = match rules.mathjax {
        true => {
            "math is LaTeX between `$…$`, `$$…$$`, `\\( … \\)` or `\\[ … \\]`; write `\\$` for a dollar sign"
        }
        false => {
            "math is LaTeX between `$…$` (inline) or `$$…$$` (display); write `\\$` for a dollar sign"
        }
    };
    let d = Diagnostic::error(
        ctx.source,
        pos,
        format!("cannot render math `{latex}`: {message}"),
    )
    .with_help(help);
    (d, "math-error")
}

/// Math with unbalanced braces is not math to pulldown-cmark (its `$` must close at the brace
/// depth it opened at), so `$\frac{x$` reached the page as literal text with no word, while
/// `$\foo{x}$` was an error. A pair whose source has unbalanced braces is the same error as
/// other math ([`Dollars`] finds them).
fn unbalanced_math<'a: 'p, 'p>(
    events: impl Events<'a> + 'p,
    body: &'p str,
    env: &'p Env<'p>,
) -> impl Events<'a> + 'p {
    let Env { ctx, at, out } = *env;
    let mut dollars = Dollars::default();
    events.map(move |(event, range)| {
        // Without `$` math a dollar is only text.
        if !ctx.math.dollars {
            return (event, range);
        }
        if let Some(found) = dollars.feed(&event, range.clone(), body) {
            let mut d = Diagnostic::error(
                ctx.source,
                at(found.start),
                format!(
                    "cannot render math `{}`: its braces are unbalanced ({}), so it would be shown as text",
                    shorten(found.quote.trim()),
                    found.what()
                ),
            )
            .with_help("close every `{` with a `}`; write `\\{` and `\\}` for literal braces");
            // In an mdBook book it is shown as text, as said, and the build goes on.
            if ctx.math.lenient {
                d.severity = crate::diag::Severity::Warning;
            }
            out.borrow_mut().diags.push(d);
        }
        (event, range)
    })
}

/// The dollars pulldown-cmark left as text, paired as it pairs them (`$…$` opened before a
/// non-space, closed after one and not before a digit; `$$…$$` anywhere in a block), to find
/// the pairs whose source has unbalanced braces. One pass; only the balance and a short quote
/// are kept.
#[derive(Default)]
struct Dollars {
    /// The open candidate: its delimiter's length, where it starts, the brace balance so far
    /// and the first characters of its source.
    open: Option<(usize, usize, i64, String)>,
    skip: bool,
}

/// A pair of dollars around unbalanced braces.
struct Unbalanced {
    start: usize,
    balance: i64,
    quote: String,
}

impl Unbalanced {
    fn what(&self) -> String {
        if self.balance > 0 {
            format!("{} `{{` without a `}}`", self.balance)
        } else {
            format!("{} `}}` without a `{{`", -self.balance)
        }
    }
}

impl Dollars {
    /// Take the next event (with its range in `body`); a pair it closes, if unbalanced.
    fn feed(&mut self, event: &Event, range: Range<usize>, body: &str) -> Option<Unbalanced> {
        let Event::Text(text) = event else {
            if let (Event::SoftBreak | Event::HardBreak, Some((_, _, balance, quote))) =
                (event, &mut self.open)
            {
                add_source("\n", balance, quote);
            } else if !matches!(event, Event::SoftBreak | Event::HardBreak) {
                // Math never spans anything else (a block's end, inline code, a link).
                self.open = None;
                self.skip = false;
            }
            return None;
        };
        let raw = body.get(range.clone()).unwrap_or("");
        // pulldown-cmark gives each `$` as its own event: `$$` is one followed by another, and
        // the second is skipped once the first is taken.
        let dollar = raw == "$";
        if dollar && std::mem::take(&mut self.skip) {
            return None;
        }
        let (head, tail) = (
            body.get(..range.start).unwrap_or(""),
            body.get(range.end..).unwrap_or(""),
        );
        let escaped = head.ends_with('\\');
        let before = head.chars().next_back();
        let after = tail.chars().next();
        let delimiter = dollar && **text == *raw && !escaped;
        let len = if tail.starts_with('$') { 2 } else { 1 };
        let after = if len == 2 {
            tail[1..].chars().next()
        } else {
            after
        };
        match &mut self.open {
            Some((open_len, start, balance, quote)) if delimiter && len == *open_len => {
                self.skip = len == 2;
                let closes = len == 2
                    || (before.is_some_and(|c| !c.is_whitespace())
                        && !after.is_some_and(|c| c.is_ascii_digit()));
                if !closes {
                    add_source(raw, balance, quote);
                    return None;
                }
                let found = (*balance != 0 && !quote.trim().is_empty()).then(|| Unbalanced {
                    start: *start,
                    balance: *balance,
                    quote: std::mem::take(quote),
                });
                self.open = None;
                found
            }
            Some((_, _, balance, quote)) => {
                add_source(raw, balance, quote);
                None
            }
            None if delimiter && (len == 2 || after.is_some_and(|c| !c.is_whitespace())) => {
                self.skip = len == 2;
                self.open = Some((len, range.start, 0, String::new()));
                None
            }
            None => None,
        }
    }
}

/// Count `source`'s braces (not `\{` and `\}`) into `balance`, and keep its first characters.
fn add_source(source: &str, balance: &mut i64, quote: &mut String) {
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => *balance += 1,
            '}' => *balance -= 1,
            _ => {}
        }
    }
    if quote.len() < 80 {
        quote.extend(source.chars().take(80));
    }
}

/// At most 60 characters of `text`, for messages that quote input (a 10 KB formula would bury
/// the message).
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod plain_tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use proptest::prelude::*;

    /// What the fast path is held to: for any text it takes, the parser's output.
    fn same_as_parsed(text: &str) {
        let none = BTreeMap::new();
        assert!(is_plain(text), "{text:?}");
        assert_eq!(render_inline(text), render_inline_parsed(text), "{text:?}");
        assert_eq!(
            render_block(text, &none),
            render_block_parsed(text, &none),
            "{text:?}"
        );
        assert_eq!(
            render_phrasing_with(text, &none),
            render_phrasing_parsed(text, &none),
            "{text:?}"
        );
    }

    #[test]
    fn plain_text_renders_as_itself() {
        for text in [
            "The batch optimizer",
            "Short fast quite old follow first but they.",
            "Which of these is true? Choose one: a, b (or c); 50% + 1 = more!",
            "Lesson 47: Tuning batch optimizers, e.g. 3.5/4 and x-y",
            "Déjà vu — “quoted” ünïcödé 中文 and text  with  spaces   ",
            "a\u{e000}b",
        ] {
            same_as_parsed(text);
        }
        // What the parser would change is not plain.
        for text in [
            "", " lead", "1. list", "it's", "a \"q\"", "wait...", "a -- b", "a *b*", "a_b_", "`c`",
            "<b>", "a & b", "$x$", "[l](u)", "a\nb", "~~s~~", "a | b", "a\tb", "a\u{a0}",
        ] {
            assert!(!is_plain(text), "{text:?}");
        }
    }

    proptest! {
        // Nothing written to the repository (a failure prints its shrunk input, as src/fuzz.rs).
        #![proptest_config(ProptestConfig {
            cases: 2048,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        /// Random text that starts with a letter, mostly of what the fast path takes and now
        /// and then of what it must not (so the boundary is tried both ways).
        #[test]
        fn any_plain_text_renders_as_the_parser_renders_it(
            text in proptest::collection::vec(prop_oneof![
                20 => proptest::sample::select(vec![
                    'a', 'Z', '7', ' ', ' ', ',', ';', ':', '?', '!', '.', '-', '(', ')', '/',
                    '%', '+', '=', 'é', '—', '“', '中', '\u{e000}', '\u{85}',
                ]),
                1 => proptest::sample::select(vec![
                    '\u{a0}', '\u{3000}', '*', '_', '`', '<', '&', '\'', '"', '#', '[', ']',
                    '~', '|', '$', '\\', '\n', '\t', '{', '>',
                ]),
            ], 0..24).prop_map(|cs| std::iter::once('w').chain(cs).collect::<String>())
        ) {
            if is_plain(&text) {
                same_as_parsed(&text);
            }
        }
    }
}

#[cfg(test)]
mod control_tests {
    use super::{forbidden_control, may_hold_control};

    /// The word-at-a-time look never misses what the character look finds, at every place in
    /// and around a word, for every character that matters.
    #[test]
    fn the_byte_look_finds_every_control_the_character_look_does() {
        let chars = (0u32..0x20)
            .chain([0x7f, 0x80, 0x85, 0x9f, 0xa0, 0xa9, 0xff, 0x2028, 0x202e])
            .filter_map(char::from_u32);
        for c in chars {
            for before in 0..20 {
                let text = format!("{}{c}{}", "a".repeat(before), "b\n".repeat(3));
                let has = text.chars().any(forbidden_control);
                assert!(
                    !has || may_hold_control(&text),
                    "U+{:04X} at {before}",
                    u32::from(c)
                );
            }
        }
        assert!(!may_hold_control(
            "plain text,\ttabs\r\nand lines\u{c}, été, 中文"
        ));
        assert!(may_hold_control("a\u{7}"));
    }
}

#[cfg(test)]
mod inline_text_tests {
    use super::inline_text;

    #[test]
    fn titles_lose_their_markup_but_not_their_words() {
        assert_eq!(inline_text("`panic!`"), "panic!");
        assert_eq!(
            inline_text("The *new* [type](x.md) idiom"),
            "The new type idiom"
        );
        assert_eq!(inline_text("1. Intro"), "1. Intro");
        assert_eq!(inline_text("# Notes"), "# Notes");
        assert_eq!(inline_text("- dash"), "- dash");
        assert_eq!(inline_text("a \\* b"), "a * b");
        assert_eq!(inline_text("plain title"), "plain title");
    }
}

#[cfg(test)]
mod split_prompt_tests {
    use super::{NO_HIDELINES, render_block, render_inline, render_phrasing, split_prompt};

    /// A choice's label holds phrasing content only: a program in it is a span of highlighted
    /// code, paragraphs are spans; a one-line choice is as before.
    #[test]
    fn a_choice_that_is_a_program_stays_phrasing_content() {
        let html = render_phrasing("```rust\nlet x = 1;\n```\n");
        assert!(
            html.starts_with(
                "<span class=\"code-lines\"><code class=\"language-rust\"><span class=\""
            ),
            "{html}"
        );
        assert!(!html.contains("<pre") && !html.contains("<p>"), "{html}");
        assert_eq!(
            render_phrasing("One `a`\n\nTwo"),
            "<span class=\"para\">One <code>a</code></span><span class=\"para\">Two</span>"
        );
        assert_eq!(render_phrasing("plain *x*"), render_inline("plain *x*"));
    }

    /// A prompt's program is highlighted as a lesson's code is, with the same markup.
    #[test]
    fn code_in_quiz_text_is_highlighted() {
        let html = render_block(
            "```rust,ignore\nfn main() { let x = 1; }\n```\n",
            &NO_HIDELINES,
        );
        assert!(
            html.starts_with(
                "<pre class=\"code\" tabindex=\"0\"><code class=\"language-rust ignore\"><span class=\""
            ),
            "{html}"
        );
        assert!(html.contains(">fn</span>"), "{html}");
        // `numbered`: a gutter of line numbers beside the code, not in it.
        let html = render_block("```rust numbered\nfn main() {\n}\n```\n", &NO_HIDELINES);
        assert!(
            html.starts_with("<pre class=\"code numbered\" tabindex=\"0\"><span class=\"line-numbers\" aria-hidden=\"true\">1\n2</span><code class=\"language-rust numbered\">"),
            "{html}"
        );
        // No language: plain, escaped.
        assert_eq!(
            render_block("    a < b\n", &NO_HIDELINES),
            "<pre class=\"code\" tabindex=\"0\"><code>a &lt; b\n</code></pre>"
        );
    }

    /// The legend gets the first paragraph; code, lists and later paragraphs follow it.
    #[test]
    fn a_prompt_is_cut_after_its_first_paragraph() {
        let prompt = "What does this print?\n\n```rust\nfn main() {}\n```\n";
        assert_eq!(
            split_prompt(prompt),
            ("What does this print?\n", "\n```rust\nfn main() {}\n```\n")
        );
        assert_eq!(split_prompt("Yes *or* no?"), ("Yes *or* no?", ""));
        assert_eq!(split_prompt("```\ncode\n```\n"), ("", "```\ncode\n```\n"));
    }
}

#[cfg(test)]
mod code_class_tests {
    use super::code_class;

    #[test]
    fn the_info_strings_further_words_are_classes_as_in_mdbook() {
        assert_eq!(
            code_class("rust,ignore,does_not_compile", "rust"),
            " class=\"language-rust ignore does_not_compile\""
        );
        assert_eq!(
            code_class("rust editable\tshould_panic", "rust"),
            " class=\"language-rust editable should_panic\""
        );
        assert_eq!(code_class("rust", "rust"), " class=\"language-rust\"");
        assert_eq!(code_class("", ""), "");
        // Attributes coursebook reads, and words that could end the attribute, are no classes.
        assert_eq!(
            code_class(
                "python,hidelines=!!!,x\"onclick=alert(1),<b>,panics",
                "python"
            ),
            " class=\"language-python panics\""
        );
    }
}

#[cfg(test)]
mod leading_title_tests {
    use super::*;
    use crate::render::Renderer;
    use crate::widgets::PageWidgets;

    /// A page titled "Title" through the Markdown step; `own_heading` as for an mdBook page.
    fn render_titled(md: &str, own_heading: bool) -> Output {
        let renderer = Renderer::english_default();
        let widgets = PageWidgets {
            source: "src/a.md".into(),
            lang: "en".into(),
            store_prefix: "coursebook:/:c:a.html".into(),
            renderer: &renderer,
            hidelines: &std::collections::BTreeMap::new(),
        };
        let links = LinkTable::default();
        let ctx = PageContext {
            hidelines: &std::collections::BTreeMap::new(),
            origins: None,
            source: Path::new("src/a.md"),
            src_rel: Path::new("a.md"),
            url: "a.html",
            line_offset: 0,
            links: &links,
            widgets: &widgets,
            strings: renderer.strings(),
            mentions: None,
            title: Some("Title"),
            own_heading,
            math: MathRules::COURSE,
            later: None,
        };
        render(md, &ctx)
    }

    #[test]
    fn a_title_after_a_comment_is_lifted_and_the_comment_kept() {
        for own_heading in [true, false] {
            let out = render_titled("<!-- licence -->\n\n# Title\n\ntext\n", own_heading);
            assert_eq!(out.html, "<!-- licence -->\n<p>text</p>\n", "{own_heading}");
            assert_eq!(out.title_id.as_deref(), Some("title"));
            let multi = "<!--\nCopyright 2024\nLicence: Apache-2.0\n-->\n<!-- # Title, English -->\n\n# Title\n\ntext\n";
            let out = render_titled(multi, own_heading);
            assert!(!out.html.contains("<h1"), "{}", out.html);
            assert!(
                out.html.starts_with("<!--\nCopyright 2024\nLicence: Apache-2.0\n-->\n<!-- # Title, English -->\n<p>text</p>"),
                "{}",
                out.html
            );
            assert_eq!(out.title_html.is_some(), own_heading);
        }
    }

    #[test]
    fn html_other_than_comments_before_the_title_keeps_it_in_the_page() {
        for md in [
            "<div>x</div>\n\n# Title\n\ntext\n",
            "<!-- a --> <b>b</b>\n\n# Title\n\ntext\n",
        ] {
            for own_heading in [true, false] {
                let out = render_titled(md, own_heading);
                assert!(
                    out.html.contains("<h1 id=\"title\">Title</h1>"),
                    "{}",
                    out.html
                );
                assert!(out.title_html.is_none() && out.title_id.is_none());
            }
        }
    }

    #[test]
    fn comments_end_as_browsers_end_them() {
        assert_eq!(comments_len("<!-- a -->\n <!---->x"), 19);
        assert_eq!(comments_len("<!-->x"), 5);
        assert_eq!(comments_len("<!--->x"), 6);
        assert_eq!(comments_len("<!-- never closed"), 17);
        assert_eq!(comments_len("x<!-- a -->"), 0);
    }
}

#[cfg(test)]
mod mark_tests {
    use super::{marked_ranges, with_marks};

    #[test]
    fn marks_hold_text_only_inside_the_highlighter_s_spans() {
        let html = "<span class=\"hl-k\">let</span> n = <span class=\"hl-o\">&amp;*</span>name;";
        // "let n = &*name;": the change is "&*name", characters 8 to 14.
        assert_eq!(
            with_marks(html, &[(8, 14)]),
            "<span class=\"hl-k\">let</span> n = <span class=\"hl-o\"><mark>&amp;*</mark></span><mark>name</mark>;"
        );
        let (plain, ranges) = marked_ranges("a \u{E010}bc\u{E011} d\u{E011}");
        assert_eq!((plain.as_str(), ranges), ("a bc d", vec![(2, 4)]));
        // 200,000 marks in linear time (each character looked at against every mark was
        // quadratic: a 1 MB quiz file of them would have held the build for hours).
        let (plain, ranges) = marked_ranges(&"x\u{E010}y\u{E011}".repeat(200_000));
        let started = std::time::Instant::now();
        let html = with_marks(&plain, &ranges);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(html.matches("<mark>y</mark>").count(), 200_000);
    }
}
