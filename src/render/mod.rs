//! Pages through templates: the only minijinja user. Templates see typed view structs
//! ([`PageView`] and friends), never string-keyed maps, and `UndefinedBehavior::Strict` turns a
//! typo in a theme into an error at `template:line` instead of an empty string.

use crate::diag::{Diagnostic, Pos};
use crate::i18n::Strings;
use crate::theme::{TEMPLATES, Theme};
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

pub mod markup;
pub mod quiz;
pub mod widgets;

/// Instructions one page's render may run.
const TEMPLATE_FUEL: u64 = 50_000_000;

/// What one render of a course's own template may write: [`OUTPUT_BASE`] plus
/// [`OUTPUT_PER_VIEW_BYTE`] per byte of its view as JSON (so every string it may print counts:
/// the page's HTML and quiz, print.html's every chapter, the contents page's every lesson; and
/// each list entry brings its field names, room for its markup). Fuel bounds instructions, not
/// bytes: one `{{ s }}` of a doubled string wrote 32 MB a page, 3.2 GB for 100 one-line lessons.
/// 4 MB is far above any page of the default theme but print.html and the contents page (which
/// the view term covers); 8 a byte lets a theme print each value twice, escaped (`"` is 6 bytes
/// as `&quot;`), which no theme we know of needs.
const OUTPUT_BASE: u64 = 4 << 20;
const OUTPUT_PER_VIEW_BYTE: u64 = 8;
/// And all renders of a build together, so 10,000 one-line pages of 4 MB cannot fill a disk:
/// this much plus [`SITE_OUTPUT_PER_INPUT_BYTE`] per byte of the course's lessons and
/// [`SITE_OUTPUT_PER_PAGE`] per page (the sidebar, header and footer every page repeats: 20 KB
/// on the default theme).
const SITE_OUTPUT_BASE: u64 = 256 << 20;
const SITE_OUTPUT_PER_INPUT_BYTE: u64 = 16;
const SITE_OUTPUT_PER_PAGE: u64 = 256 << 10;

pub struct Renderer {
    env: Environment<'static>,
    theme: Theme,
    /// The course root, to name an override template in messages.
    root: PathBuf,
    strings: Strings,
    /// A hash of every template's source: `coursebook serve` renders pages again when it changes.
    pub fingerprint: u64,
    /// What a course's own templates may still write in this build (see [`SITE_OUTPUT_BASE`]).
    site_left: AtomicU64,
    /// The templates the course's theme has its own version of (which may loop over a page's
    /// `toc`, or draw a widget its own way).
    own_templates: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct BookView {
    /// "coursebook <version>", for `<meta name="generator">`.
    pub generator: &'static str,
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    /// "ltr" or "rtl".
    pub dir: &'static str,
    pub authors: Vec<String>,
    pub repository: Option<String>,
    /// The course's namespace in the learner's storage (content::progress), for the scripts.
    pub store: String,
    /// How many lessons the course's progress counts (every page but the home page).
    pub lesson_count: usize,
    /// `additional-css` and `additional-js`, as paths from the site's root.
    pub additional_css: Vec<String>,
    pub additional_js: Vec<String>,
    /// The course has a print page (`[output.html.print]`), linked from the contents page.
    pub print: bool,
    /// The course has search (`[output.html.search] enable`): the header's search box.
    pub search: bool,
}

#[derive(Serialize)]
pub struct LinkView {
    pub title: String,
    pub href: String,
}

#[derive(Serialize)]
pub struct TocEntryView {
    /// "item", "draft", "part", "separator" or "more".
    pub kind: &'static str,
    pub title: String,
    pub number: Option<String>,
    pub href: Option<String>,
    /// The lesson's name in the learner's storage, for painting its progress.
    pub lesson: Option<String>,
    pub current: bool,
    /// The current page is inside this entry.
    pub open: bool,
    pub children: Vec<TocEntryView>,
}

#[derive(Serialize)]
pub struct KeyTermView {
    pub id: String,
    pub term: String,
    pub definition: String,
    pub href: String,
}

#[derive(Serialize)]
pub struct LessonCardView {
    pub title: String,
    pub number: Option<String>,
    pub href: String,
    pub description: Option<String>,
    pub depth: usize,
    /// The lesson's name in the learner's storage.
    pub lesson: String,
}

#[derive(Serialize)]
pub struct GlossaryEntryView {
    pub id: String,
    pub term: String,
    pub aliases: Vec<String>,
    pub definition: String,
    pub see: Vec<LinkView>,
    pub used_in: Vec<LinkView>,
    /// Lessons that use the term beyond those in `used_in`.
    pub used_in_more: usize,
}

#[derive(Serialize)]
pub struct GlossaryLetterView {
    pub letter: String,
    pub id: String,
    pub entries: Vec<GlossaryEntryView>,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub book: &'a BookView,
    /// "home", "chapter", "lesson", "glossary", "contents" or "not-found".
    pub kind: &'static str,
    pub title: String,
    /// The page's `<title>` when it is not its title (mdBook's `{{#title}}`).
    pub html_title: Option<String>,
    /// The id of the page's h1, when the author gave the title heading one.
    pub title_id: Option<String>,
    /// The page's own leading heading, as HTML, shown instead of `title` (mdBook's pages).
    pub title_html: Option<String>,
    /// The page's own `# Heading` is its title, further down (see `markdown::Output::own_h1`):
    /// the template shows no title above it.
    pub own_h1: bool,
    pub number: Option<String>,
    pub description: Option<String>,
    /// Relative path from this page to the site root ("", "../", or the site-url for 404).
    pub root: String,
    pub objectives: Vec<String>,
    /// The page's rendered Markdown, a string already marked safe ([`safe_html`]): passed to
    /// the template as it is, where a `String` was copied into the context and twice more by
    /// `|safe` (a whole site's worth of HTML each time).
    pub content: minijinja::Value,
    /// Shown after the key terms: the lesson's quiz.
    pub appendix: minijinja::Value,
    pub key_terms: Vec<KeyTermView>,
    /// The sidebar's entries: given only to a theme with templates of its own, which may loop
    /// over them (and on the contents page, whose list is the whole tree); empty otherwise.
    pub toc: Vec<TocEntryView>,
    /// The sidebar as markup (site/toc.rs `html`), which the default `base.html` shows.
    pub toc_html: String,
    pub prev: Option<LinkView>,
    pub next: Option<LinkView>,
    pub edit_url: Option<String>,
    /// `[output.html.redirect]`'s keys with a fragment on this page, as JSON: `{"old-id":
    /// "new.html#id"}`, which book.js follows (mdBook writes a script with the same map).
    pub redirects: Option<String>,
    pub lessons: Vec<LessonCardView>,
    pub glossary: Vec<GlossaryLetterView>,
    pub has_glossary: bool,
    /// This page's name in the learner's storage (lessons and chapters), so its visit counts.
    pub lesson: Option<String>,
    /// A lesson without a quiz: it offers "Mark as done".
    pub mark_done: bool,
    /// The page's sections (its `##` headings), for "On this page".
    pub sections: Vec<LinkView>,
    pub has_quiz: bool,
    /// The page has a calculator or playground (loads widgets.js).
    pub has_widgets: bool,
    /// The page has highlighted code (loads highlight.css).
    pub has_code: bool,
    /// The print page's chapters (`print.html`), and whether each starts a printed page.
    pub chapters: Vec<PrintChapterView>,
    pub page_break: bool,
    /// Cache-busting suffixes for theme files, so a new build is never mixed with an old one.
    pub version: &'a str,
    pub template: &'static str,
}

/// One page of the course inside `print.html` (site/pages/print.rs), its ids made unique.
#[derive(Serialize)]
pub struct PrintChapterView {
    /// The chapter's own anchor: links to the page point here.
    pub id: String,
    pub heading_id: String,
    pub title: String,
    /// The page's own leading heading, as HTML, shown instead of `title` (mdBook's pages).
    pub title_html: Option<String>,
    pub number: Option<String>,
    /// "home", "chapter" or "lesson".
    pub kind: &'static str,
    /// The learner's progress key of a lesson or chapter (`data-lesson`): a quiz checked on the
    /// print page counts for its lesson.
    pub lesson: Option<String>,
    pub description: Option<String>,
    pub objectives: Vec<String>,
    /// The page's HTML, its quiz included.
    pub content: String,
}

impl Renderer {
    /// Load every template; problems are returned as diagnostics at the template's line.
    pub fn new(theme: Theme, root: &Path, strings: &Strings) -> (Renderer, Vec<Diagnostic>) {
        let mut env = Environment::new();
        // The interface's strings, as `t.<section>.<key>` in every template: strict undefined
        // makes a misspelt key an error at its template line.
        env.add_filter("fill", fill);
        // minijinja's `safe` copies its string twice (into a `String`, then a new one): one
        // already safe (a page's HTML, [`safe_html`]) is passed on as it is.
        env.add_filter("safe", |value: minijinja::Value| match value.is_safe() {
            true => Ok(value),
            false => <String as minijinja::value::ArgType>::from_value(Some(&value))
                .map(minijinja::filters::safe),
        });
        // minijinja's HTML escaping also writes `/` as `&#x2f;` (every relative link became
        // `..&#x2f;page.html`): `&`, `<`, `>` and both quotes are what HTML needs escaped, in
        // text and in quoted attributes. 16 KB of the 100-lesson bench's pages were slashes.
        env.set_formatter(
            |out, state, value| match (state.auto_escape(), value.as_str()) {
                (minijinja::AutoEscape::Html, Some(text)) if !value.is_safe() => {
                    write_escaped(out, text).map_err(|e| {
                        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
                    })
                }
                _ => minijinja::escape_formatter(out, state, value),
            },
        );
        env.add_global(
            "t",
            minijinja::Value::from(minijinja::value::Serde(&strings.sections)),
        );
        env.set_debug(true);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // A course's own theme is course input: a template that loops forever runs out of fuel
        // and fails at its line instead of hanging the build. The largest page (the contents
        // of a 10,000-lesson course) uses a few hundred thousand units. The embedded theme is
        // ours: it runs without the accounting (2 % of a build's instructions).
        if theme.dir.is_some() {
            env.set_fuel(Some(TEMPLATE_FUEL));
        }
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        let loader_theme = theme.clone();
        env.set_loader(move |name| {
            let path = loader_theme.template_path(name);
            // An include that climbs out of the theme, or a link leading outside it, fails the
            // template at the line that named it.
            if let Err(why) = loader_theme.override_file(&path) {
                return Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    why,
                ));
            }
            Ok(loader_theme
                .file(&path)
                .map(|(bytes, _)| String::from_utf8_lossy(&bytes).into_owned()))
        });
        let mut diags = Vec::new();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&format!("{:?}", strings.sections), &mut h);
        let mut own_templates = Vec::new();
        for &name in TEMPLATES {
            let file = theme.file(&theme.template_path(name));
            if matches!(file, Some((_, Some(_)))) {
                own_templates.push(name);
            }
            std::hash::Hash::hash(&file, &mut h);
            if let Err(e) = env.get_template(name) {
                diags.push(template_error(&theme, root, &e));
            }
        }
        let fingerprint = std::hash::Hasher::finish(&h);
        (
            Renderer {
                env,
                theme,
                root: root.to_path_buf(),
                strings: strings.clone(),
                fingerprint,
                site_left: AtomicU64::new(u64::MAX),
                own_templates,
            },
            diags,
        )
    }

    /// The default theme in English, for tests and fuzzing outside a build.
    #[cfg(test)]
    pub fn english_default() -> Renderer {
        Renderer::new(Theme::default(), Path::new("."), &Strings::english()).0
    }

    /// Whether pages need their sidebar as entries (`toc`) besides its markup: only a theme's
    /// own templates may loop over them; the default ones show `toc_html`.
    pub fn wants_toc_entries(&self) -> bool {
        !self.own_templates.is_empty()
    }

    /// A widget's markup: `default` (the default theme's templates written in Rust,
    /// [`markup`]) when the theme keeps every one of `templates` (the widget's template, then
    /// those it includes), else the theme's `templates[0]` given `view` as `name`.
    pub fn widget<T: Serialize>(
        &self,
        templates: &[&str],
        name: &str,
        view: &T,
        default: impl FnOnce(&T, &Strings) -> String,
    ) -> Result<String, Diagnostic> {
        match templates.iter().any(|t| self.own_templates.contains(t)) {
            false => Ok(default(view, &self.strings)),
            true => self.render_widget(templates.first().copied().unwrap_or_default(), name, view),
        }
    }

    /// The strings the templates see as `t`.
    pub fn strings(&self) -> &Strings {
        &self.strings
    }

    /// A widget's markup (`quiz.html`, …) from its view, given to the template as `name`.
    /// Widgets are drawn while the page's Markdown renders, before the page's own template.
    pub fn render_widget<T: Serialize>(
        &self,
        template: &str,
        name: &str,
        view: &T,
    ) -> Result<String, Diagnostic> {
        let template = self
            .env
            .get_template(template)
            .map_err(|e| template_error(&self.theme, &self.root, &e))?;
        let context = std::collections::BTreeMap::from([(
            name.to_string(),
            minijinja::Value::from(minijinja::value::Serde(view)),
        )]);
        if self.theme.dir.is_none() {
            return template
                .render(minijinja::Value::from(context))
                .map_err(|e| template_error(&self.theme, &self.root, &e));
        }
        crate::memory_watch::started(template.name().to_string());
        let what = format!("one `{}`", template.name());
        let context = minijinja::Value::from(context);
        self.render_bounded(&template, context, view, &what, &self.root)
    }

    pub fn render(&self, view: &PageView<'_>, root: &Path) -> Result<String, Diagnostic> {
        let template = self
            .env
            .get_template(view.template)
            .map_err(|e| template_error(&self.theme, root, &e))?;
        if self.theme.dir.is_none() {
            return template
                .render(minijinja::value::Serde(view))
                .map_err(|e| template_error(&self.theme, root, &e));
        }
        // A course's own theme: named if it runs out of memory (memory_watch.rs), and bounded
        // in what it writes.
        crate::memory_watch::started(format!("{} for \"{}\"", view.template, view.title));
        let what = format!("the page \"{}\"", view.title);
        let context = minijinja::Value::from(minijinja::value::Serde(view));
        self.render_bounded(&template, context, view, &what, root)
    }

    /// Let a course's own templates write this much in all in this build, besides what each
    /// render may (set once a build knows its course; unbounded until then).
    pub fn bound_site(&self, lesson_bytes: u64, pages: u64) {
        let budget = SITE_OUTPUT_BASE
            .saturating_add(lesson_bytes.saturating_mul(SITE_OUTPUT_PER_INPUT_BYTE))
            .saturating_add(pages.saturating_mul(SITE_OUTPUT_PER_PAGE));
        self.site_left.store(budget, Ordering::Relaxed);
    }

    /// A course's own template rendered into a buffer that refuses to grow past what its view
    /// allows ([`OUTPUT_BASE`]) or what the site has left ([`SITE_OUTPUT_BASE`]): the render
    /// stops at the write that would pass it, before its bytes are copied, instead of being
    /// measured after. `what` names the page or widget in the message.
    fn render_bounded<V: Serialize>(
        &self,
        template: &minijinja::Template<'_, '_>,
        context: minijinja::Value,
        view: &V,
        what: &str,
        root: &Path,
    ) -> Result<String, Diagnostic> {
        let mut view_bytes = Count(0);
        // These views are plain structs and always serialise; one that did not gets the base.
        let _ = serde_json::to_writer(&mut view_bytes, view);
        let own = OUTPUT_BASE.saturating_add(view_bytes.0.saturating_mul(OUTPUT_PER_VIEW_BYTE));
        let site = self.site_left.load(Ordering::Relaxed);
        let mut out = Bounded {
            buf: Vec::new(),
            limit: own.min(site),
            refused: false,
        };
        let rendered = template.render_captured_to(context, &mut out).map(|_| ());
        // Renders in parallel may each start with what the site has left: it is overshot by at
        // most one page's bound a thread.
        let written = out.buf.len() as u64;
        let _ = self
            .site_left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                Some(left.saturating_sub(written))
            });
        let shown = self.theme.shown_path(template.name(), root);
        match rendered {
            // minijinja writes whole `str`s; not UTF-8 would be its bug, reported, not a panic.
            Ok(()) => String::from_utf8(out.buf).map_err(|_| {
                Diagnostic::error(
                    shown,
                    Pos::FILE,
                    format!("template error: {what} did not render as UTF-8"),
                )
            }),
            // minijinja replaces the error of a failed write with one that has no template or
            // line: the render's own template is named.
            Err(_) if out.refused => {
                let whose = if own <= site {
                    format!("{} for {what}", shown_bytes(own))
                } else {
                    format!(
                        "the {} the whole site had left, at {what}",
                        shown_bytes(site)
                    )
                };
                Err(Diagnostic::error(
                    shown,
                    Pos::FILE,
                    format!("template error: the template writes more than {whose}; it was stopped there"),
                )
                .with_help(format!(
                    "a template may write {} MB plus {OUTPUT_PER_VIEW_BYTE} bytes a byte of what it is given; repeating a page's content many times or growing text in a loop passes that",
                    OUTPUT_BASE >> 20
                )))
            }
            Err(e) => Err(template_error(&self.theme, root, &e)),
        }
    }
}

/// Counts the bytes written to it (a view's size as JSON).
struct Count(u64);

impl std::io::Write for Count {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 = self.0.saturating_add(bytes.len() as u64);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A render's output that fails the write that would take it past `limit`.
struct Bounded {
    buf: Vec<u8>,
    limit: u64,
    refused: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if (self.buf.len() as u64).saturating_add(bytes.len() as u64) > self.limit {
            self.refused = true;
            return Err(std::io::Error::other(
                "the template's output passes its bound",
            ));
        }
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// "4 MB", "300 KB", "20 bytes": a bound as a message shows it (rounded down).
fn shown_bytes(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else if bytes >= 1 << 10 {
        format!("{} KB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// `&`, `<`, `>`, `"` and `'` as entities: what HTML text and quoted attributes need.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let _ = write_escaped(&mut out, text);
    out
}

/// HTML the build made (a page's rendered Markdown), for a template as a string marked safe.
pub fn safe_html(html: impl Into<String>) -> minijinja::Value {
    minijinja::Value::from_safe_string(html.into())
}

/// [`escape_html`] written as runs of plain text between the characters it replaces: a
/// character at a time cost 2 % of a build's instructions (every value of every page).
pub(crate) fn write_escaped(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut plain = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[plain..i])?;
        out.write_str(entity)?;
        plain = i + 1;
    }
    out.write_str(&text[plain..])
}

/// `{{ t.page.lesson_number|fill(number=number) }}`: an interface string with its `{name}`
/// placeholders filled. The string's own text is escaped; a value is escaped unless it is
/// markup already (`{% set x %}…{% endset %}`, `|safe`), so a translation can place markup
/// (`{formula}`) wherever its grammar wants it.
fn fill(
    text: &str,
    values: minijinja::value::Kwargs,
) -> Result<minijinja::Value, minijinja::Error> {
    // Take every value, used or not: a translation may leave a placeholder out.
    let mut given = std::collections::HashMap::new();
    for name in values.args() {
        given.insert(name, values.get::<minijinja::Value>(name)?);
    }
    let out = fill_markup(text, |name| {
        given.get(name).map(|value| match value.is_safe() {
            true => value.to_string(),
            false => escape_html(&value.to_string()),
        })
    });
    Ok(minijinja::Value::from_safe_string(out))
}

/// An interface string as markup: its `{name}` placeholders replaced by `value(name)` (markup
/// already), its own text escaped; a placeholder without a value is left as written.
pub(crate) fn fill_markup(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let (before, from) = rest.split_at(open);
        let _ = write_escaped(&mut out, before);
        let name = from[1..]
            .split('}')
            .next()
            .filter(|_| from[1..].contains('}'));
        match name.and_then(|n| value(n).map(|v| (n, v))) {
            Some((name, markup)) => {
                out.push_str(&markup);
                rest = &from[name.len() + 2..];
            }
            None => {
                out.push('{');
                rest = &from[1..];
            }
        }
    }
    let _ = write_escaped(&mut out, rest);
    out
}

fn template_error(theme: &Theme, root: &Path, e: &minijinja::Error) -> Diagnostic {
    // An error inside an include comes wrapped once per include: it is reported where it
    // happened, with how it was reached. (A template that includes itself was 500 wrappers
    // long, one line of 40 KB.)
    let mut chain = vec![e];
    let mut rest = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        match inner.downcast_ref::<minijinja::Error>() {
            Some(m) => chain.push(m),
            None => rest.push(inner.to_string()),
        }
        source = inner.source();
    }
    let at = chain
        .iter()
        .rev()
        .find(|m| m.name().is_some())
        .copied()
        .unwrap_or(e);
    let name = at.name().unwrap_or("base.html");
    let path = theme.shown_path(name, root);
    let line = at.line().unwrap_or(0);
    let innermost = chain.last().copied().unwrap_or(e);
    let mut message = innermost.detail().map_or_else(
        || innermost.kind().to_string(),
        |d| format!("{}: {d}", innermost.kind()),
    );
    for r in rest.iter().take(2) {
        message.push_str(&format!(" ({r})"));
    }
    if chain.len() > 1 {
        let outer = e.name().unwrap_or("base.html");
        message.push_str(&format!(
            " (reached through {} include{} from {outer}:{})",
            chain.len() - 1,
            if chain.len() == 2 { "" } else { "s" },
            e.line().unwrap_or(0)
        ));
    }
    Diagnostic::error(
        path,
        Pos::new(line, 1),
        format!("template error: {message}"),
    )
    .with_help(
        "check the template against the default theme's (coursebook's themes/default/templates)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A course's own widget template: bounded per render (4 MB + 8 a byte of its view) and,
    /// across renders, by what the site has left; each render's bytes are taken from that.
    #[test]
    fn a_course_template_is_stopped_at_its_own_and_the_site_bound() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap_or_else(|e| unreachable!("{e}"));
        let term = templates.join("term.html");
        let write =
            |text: &str| std::fs::write(&term, text).unwrap_or_else(|e| unreachable!("{e}"));
        let view = crate::render::widgets::MentionView {
            id: "model",
            text: "model",
            href: "../glossary.html#term-model",
            tip: "tip-model-1",
            definition_html: "A function.",
        };
        let theme = Theme {
            dir: Some(dir.path().to_path_buf()),
        };
        let renderer_for = |theme: &Theme| {
            let (renderer, diags) = Renderer::new(theme.clone(), dir.path(), &Strings::english());
            assert!(diags.is_empty(), "{diags:?}");
            renderer
        };
        write("{% for i in range(100) %}{{ m.text }}{% endfor %}");
        let renderer = renderer_for(&theme);
        renderer.site_left.store(1_000, Ordering::Relaxed);
        let first = renderer.render_widget("term.html", "m", &view);
        assert_eq!(first.map(|h| h.len()).ok(), Some(500));
        assert_eq!(renderer.site_left.load(Ordering::Relaxed), 500);
        renderer.render_widget("term.html", "m", &view).ok();
        let third = renderer.render_widget("term.html", "m", &view);
        let said = third.err().map(|d| d.message).unwrap_or_default();
        assert!(
            said.contains("more than the 0 bytes the whole site had left"),
            "{said}"
        );
        write("{{ \"x\" * 5000000 }}");
        let renderer = renderer_for(&theme);
        let said = renderer
            .render_widget("term.html", "m", &view)
            .err()
            .map(|d| format!("{}: {}", d.path.display(), d.message))
            .unwrap_or_default();
        assert!(
            said.contains("templates/term.html: template error: the template writes more than 4 MB for one `term.html`"),
            "{said}"
        );
    }

    /// A page's HTML goes to templates marked safe (`content`, `appendix`): written as it is with
    /// or without `|safe`, which still marks any other value safe as minijinja's does.
    #[test]
    fn html_marked_safe_is_written_as_it_is_and_safe_marks_the_rest() {
        #[derive(Serialize)]
        struct View {
            html: minijinja::Value,
            text: &'static str,
        }
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap_or_else(|e| unreachable!("{e}"));
        std::fs::write(
            templates.join("term.html"),
            "{{ m.html }}|{{ m.html|safe }}|{{ m.text }}|{{ m.text|safe }}|{{ 5|safe }}",
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let theme = Theme {
            dir: Some(dir.path().to_path_buf()),
        };
        let (renderer, diags) = Renderer::new(theme, dir.path(), &Strings::english());
        assert!(diags.is_empty(), "{diags:?}");
        let view = View {
            html: safe_html("<b>x</b>"),
            text: "<i>",
        };
        let written = renderer.render_widget("term.html", "m", &view);
        assert_eq!(
            written.ok().as_deref(),
            Some("<b>x</b>|<b>x</b>|&lt;i&gt;|<i>|5")
        );
    }

    #[test]
    fn templates_escape_what_html_needs_and_leave_slashes() {
        assert_eq!(
            escape_html(r#"../a/b?x=1&y="2" 'c' <d>"#),
            "../a/b?x=1&amp;y=&quot;2&quot; &#39;c&#39; &lt;d&gt;"
        );
        let renderer = Renderer::english_default();
        let view = crate::render::widgets::MentionView {
            id: "model",
            text: "<model>",
            href: "../glossary.html#term-model",
            tip: "tip-model-1",
            definition_html: "A <em>function</em>.",
        };
        let html = renderer
            .render_widget("term.html", "m", &view)
            .unwrap_or_else(|d| unreachable!("{d}"));
        assert!(
            html.contains(r#"href="../glossary.html#term-model""#),
            "{html}"
        );
        assert!(html.contains(">&lt;model&gt;</a>"), "{html}");
        assert!(html.contains("A <em>function</em>."), "{html}");
    }
}
