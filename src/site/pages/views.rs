//! Views for the page templates: what every page shares (the book, the sidebar, the reading
//! order), each page's own view, the home page's lesson cards and the glossary page's letters.

use super::markdown::Rendered;
use crate::config::Config;
use crate::content::glossary::{self, Glossary};
use crate::content::{Course, PageKind, progress};
use crate::i18n::Strings;
use crate::markdown::links::relative_url;
use crate::markdown::{self, Output};
use crate::render::safe_html;
use crate::render::{BookView, LessonCardView, LinkView, PageView, TocEntryView};
use crate::render::{GlossaryEntryView, GlossaryLetterView, KeyTermView};
use crate::site::{GLOSSARY_URL, toc};
use crate::theme::Theme;
use std::collections::HashMap;

pub(super) fn kind_name(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Home => "home",
        PageKind::Chapter => "chapter",
        PageKind::Lesson => "lesson",
        PageKind::Glossary => "glossary",
        PageKind::Contents => "contents",
        PageKind::Progress => "progress",
        PageKind::NotFound => "not-found",
    }
}

pub(super) fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

pub(super) fn book_view(config: &Config, course: &Course, strings: &Strings) -> BookView {
    BookView {
        generator: concat!("coursebook ", env!("CARGO_PKG_VERSION")),
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        dir: strings.dir,
        authors: config.authors.clone(),
        repository: config.git_repository_url.clone(),
        store: progress::namespace(config),
        lesson_count: course.order.iter().filter(|&&i| i != course.home).count(),
        additional_css: additional(&config.additional_css.0),
        additional_js: if config.raw_html {
            additional(&config.additional_js.0)
        } else {
            Vec::new()
        },
        print: config.print,
        search: config.search,
    }
}

/// Whether the course is an mdBook book, laid out as mdBook lays one out: ordered by
/// SUMMARY.md, its sources in a folder other than coursebook's `content/`. Such a book is
/// built as mdBook shows it (its root, its Rust blocks' Run button said missing); a course
/// keeps coursebook's own home page.
pub(crate) fn is_mdbook_book(config: &Config, course: &Course) -> bool {
    course.from_summary && config.src.file_name().is_none_or(|n| n != "content")
}

/// The page an mdBook book's root (`index.html`) is a second copy of, as mdBook writes its first
/// chapter there: a book ordered by SUMMARY.md whose first chapter is not `README.md` or
/// `index.md` (which are the root themselves), in mdBook's layout (sources in a folder other
/// than coursebook's `content/`, where a course's root is its generated home page with the
/// lessons and the learner's progress). The Rustonomicon, the Reference, the edition guide,
/// the Embedded book and the rustc dev guide all open on their introduction.
pub(crate) fn first_chapter_as_root(config: &Config, course: &Course) -> Option<usize> {
    // A course whose SUMMARY.md could not be read has no pages, not even a home.
    let home = course.pages.get(course.home)?;
    if !is_mdbook_book(config, course) || home.source.is_some() {
        return None;
    }
    course
        .order
        .iter()
        .copied()
        .find(|&i| i != course.home && course.pages[i].source.is_some())
}

/// The fragment redirects of the page at `url` (`"/a.html#old" = "b.html#new"`): old fragment →
/// address, as JSON, if it has any. Their keys and addresses are checked in `files.rs`.
fn fragment_redirects(config: &Config, url: &str) -> Option<String> {
    let map: serde_json::Map<String, serde_json::Value> = config
        .redirect
        .iter()
        .filter_map(|(old, (new, _))| {
            let (Some(page), Some(fragment)) = super::files::redirect_key(old) else {
                return None;
            };
            (page == url && super::files::redirect_target_ok(new))
                .then(|| (fragment.to_string(), serde_json::Value::from(new.as_str())))
        })
        .collect();
    (!map.is_empty()).then(|| serde_json::Value::Object(map).to_string())
}

fn additional(paths: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    paths
        .iter()
        .filter_map(|p| super::files::additional_url(p))
        // Each file linked once (files.rs warns about the others): one listed 10,000 times
        // was 10,000 links on every page.
        .filter(|url| seen.insert(url.clone()))
        // Encoded as links are: `x#y.css` would load `x`.
        .map(|url| crate::markdown::links::encode_path(&url))
        .collect()
}

/// A content hash of the theme files, appended to their URLs so browsers never mix builds.
pub(crate) fn version(theme: &Theme, strings: &Strings) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let script_strings = strings.script_json().into_bytes();
    for bytes in theme
        .static_files()
        .0
        .into_iter()
        .map(|(_, b)| b)
        .chain(std::iter::once(script_strings.into()))
    {
        for b in bytes.iter() {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash ^= crate::theme::QUIZ_WASM.len() as u64;
    format!("{:08x}", hash & 0xffff_ffff)
}

pub(super) struct Shared<'a> {
    pub(super) config: &'a Config,
    pub(super) course: &'a Course,
    pub(super) glossary: Option<&'a Glossary>,
    /// The glossary's matcher, which holds every definition rendered.
    pub(super) matcher: Option<&'a crate::markdown::mentions::Matcher>,
    pub(super) book: BookView,
    pub(super) version: String,
    pub(super) has_glossary: bool,
    /// Each page's place in the reading order, for its previous and next links.
    pub(super) position: Vec<Option<usize>>,
    /// The words of the sidebar's markup.
    pub(super) toc_words: toc::TocWords,
    /// Pages carry their sidebar's entries too ([`Renderer::wants_toc_entries`]).
    pub(super) toc_entries: bool,
}

impl Shared<'_> {
    /// A page's view with its sidebar (no current page).
    pub(super) fn view(&self, kind: PageKind, url: &str, title: String) -> PageView<'_> {
        let mut view = self.bare_view(kind, url, title);
        self.set_toc(&mut view, toc::sidebar(self.course, None, url));
        view
    }

    /// The page's sidebar: its markup, and its entries for a theme whose own templates may loop
    /// over them (the default templates show the markup).
    pub(super) fn set_toc(&self, view: &mut PageView<'_>, entries: Vec<TocEntryView>) {
        view.toc_html = toc::html(&entries, &self.toc_words);
        view.toc = match self.toc_entries {
            true => entries,
            false => Vec::new(),
        };
    }

    /// A page's view without its sidebar, for a page that sets its own ([`Shared::set_toc`]).
    pub(super) fn bare_view(&self, kind: PageKind, url: &str, title: String) -> PageView<'_> {
        PageView {
            book: &self.book,
            kind: kind_name(kind),
            title,
            html_title: None,
            number: None,
            description: None,
            root: root_of(url),
            objectives: Vec::new(),
            content: safe_html(""),
            appendix: safe_html(""),
            title_id: None,
            title_html: None,
            own_h1: false,
            key_terms: Vec::new(),
            toc: Vec::new(),
            toc_html: String::new(),
            prev: None,
            next: None,
            edit_url: None,
            redirects: None,
            lessons: Vec::new(),
            glossary: Vec::new(),
            has_glossary: self.has_glossary,
            lesson: None,
            mark_done: false,
            sections: Vec::new(),
            has_quiz: false,
            has_widgets: false,
            has_code: false,
            chapters: Vec::new(),
            page_break: false,
            version: &self.version,
            template: "page.html",
        }
    }

    /// Glossary entry `i`'s definition as inline HTML: the matcher's, rendered once for the
    /// build, rather than rendered again for each page that shows it.
    pub(super) fn definition(&self, i: usize) -> String {
        match (self.matcher, self.glossary) {
            (Some(m), _) => m.definition(i).to_string(),
            (None, Some(g)) => markdown::render_phrasing(&g.entries[i].definition),
            (None, None) => String::new(),
        }
    }

    pub(super) fn link(&self, from: &str, index: usize) -> LinkView {
        let page = &self.course.pages[index];
        LinkView {
            title: page.title.clone(),
            href: relative_url(from, &page.url),
        }
    }

    /// The site's root written as the book's first chapter (`first`, see
    /// [`first_chapter_as_root`]), as mdBook writes it: its content, its links leading where
    /// they lead from the chapter, and the next page after it.
    pub(super) fn root_copy_view(&self, first: usize, out: &Output) -> PageView<'_> {
        let page = &self.course.pages[first];
        let mut view = self.page_view(first, out);
        let url = "index.html";
        view.root = root_of(url);
        view.content = safe_html(super::rebase::moved(&out.html, &page.url, url));
        view.appendix = safe_html(super::rebase::moved(&out.appendix, &page.url, url));
        for term in &mut view.key_terms {
            term.href = format!("{}#term-{}", relative_url(url, GLOSSARY_URL), term.id);
        }
        self.set_toc(&mut view, toc::sidebar(self.course, Some(first), url));
        view.prev = None;
        view.next = self.position[first]
            .and_then(|pos| self.course.order.get(pos + 1))
            .map(|&p| self.link(url, p));
        view
    }

    pub(super) fn page_view(&self, index: usize, out: &Output) -> PageView<'_> {
        let page = &self.course.pages[index];
        let mut view = self.bare_view(page.kind, &page.url, page.title.clone());
        view.number = page.number.clone();
        view.html_title = page.front.html_title.clone();
        view.description = page.front.description.clone();
        view.objectives = page
            .front
            .objectives
            .iter()
            .map(|o| markdown::render_inline(o))
            .collect();
        view.content = match page.kind {
            // mdBook's `input-404` page: served at any depth, so every address starts from
            // the site's own path, as in coursebook's own 404 page (`served_anywhere` below).
            PageKind::NotFound => safe_html(super::rebase::absolute(
                &out.html,
                &page.url,
                &self.config.site_url,
            )),
            _ => safe_html(&out.html),
        };
        view.appendix = safe_html(&out.appendix);
        view.title_id = out.title_id.clone();
        view.title_html = out.title_html.clone();
        view.own_h1 = out.own_h1;
        view.has_quiz = !out.quizzes.is_empty();
        if matches!(page.kind, PageKind::Lesson | PageKind::Chapter) {
            view.lesson = Some(progress::lesson_key(page));
            view.mark_done = !view.has_quiz;
        }
        view.sections = out
            .sections
            .iter()
            .map(|(id, title)| LinkView {
                title: title.clone(),
                href: format!("#{id}"),
            })
            .collect();
        if let Some(g) = self.glossary {
            view.key_terms = out
                .key_terms
                .iter()
                .map(|&(i, shown)| {
                    let e = &g.entries[i];
                    KeyTermView {
                        id: e.id.clone(),
                        term: e.term.clone(),
                        // Within the lesson's budget (`markdown.rs` `KEY_TERM_BYTES`), rendered
                        // once for the build; past it, the term links to its entry alone.
                        definition: match shown {
                            true => self.definition(i),
                            false => String::new(),
                        },
                        href: format!("{}#term-{}", relative_url(&page.url, GLOSSARY_URL), e.id),
                    }
                })
                .collect();
        }
        view.has_widgets = out.has_widgets;
        view.has_code = out.has_code;
        self.set_toc(&mut view, toc::sidebar(self.course, Some(index), &page.url));
        if let Some(pos) = self.position[index] {
            view.prev = pos
                .checked_sub(1)
                .map(|p| self.link(&page.url, self.course.order[p]));
            view.next = self
                .course
                .order
                .get(pos + 1)
                .map(|&p| self.link(&page.url, p));
        }
        if let (Some(template), Some(source)) = (&self.config.edit_url_template, &page.source) {
            // Encoded as a page's own links are: `{path}` alone as the template made a file
            // named `javascript:alert(1).md` a script address in every page's edit link.
            let path = source.to_string_lossy().replace('\\', "/");
            view.edit_url =
                Some(template.replace("{path}", &crate::markdown::links::encode_path(&path)));
        }
        view.redirects = fragment_redirects(self.config, &page.url);
        if page.kind == PageKind::Home {
            view.lessons = self.lessons(&page.url);
        }
        if page.kind == PageKind::NotFound {
            self.served_anywhere(&mut view);
        }
        view
    }

    /// The 404 page, coursebook's own or the course's: served at any depth, so its links start
    /// from the site's own path.
    pub(super) fn served_anywhere(&self, view: &mut PageView<'_>) {
        let site_url = &self.config.site_url;
        view.root = site_url.clone();
        let entries = toc::sidebar(self.course, None, "index.html")
            .into_iter()
            .map(|mut e| {
                absolutize(&mut e, site_url);
                e
            })
            .collect();
        self.set_toc(view, entries);
        view.template = "404.html";
    }

    pub(super) fn lessons(&self, from: &str) -> Vec<LessonCardView> {
        self.course
            .order
            .iter()
            .filter(|&&i| i != self.course.home)
            .map(|&i| {
                let p = &self.course.pages[i];
                LessonCardView {
                    title: p.title.clone(),
                    number: p.number.clone(),
                    href: relative_url(from, &p.url),
                    description: p.front.description.clone(),
                    depth: p
                        .number
                        .as_deref()
                        .map_or(1, |n| n.matches('.').count().max(1)),
                    lesson: progress::lesson_key(p),
                }
            })
            .collect()
    }
}

/// How many lessons a glossary entry lists under "Used in".
pub(super) const USED_IN_SHOWN: usize = 12;

/// For each glossary entry, the pages (in reading order) that list it in `terms:` or mention it.
/// Linear in the mentions, not pages × terms.
pub(super) fn used_in(course: &Course, g: &Glossary, rendered: &[Rendered]) -> Vec<Vec<usize>> {
    let by_id: HashMap<&str, usize> = g
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut used: Vec<Vec<usize>> = vec![Vec::new(); g.entries.len()];
    for &page in &course.order {
        let out = &rendered[page].out;
        let mentioned = out
            .mentioned
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).copied());
        let mut terms: Vec<usize> = out
            .key_terms
            .iter()
            .map(|&(i, _)| i)
            .chain(mentioned)
            .collect();
        terms.sort_unstable();
        terms.dedup();
        for i in terms {
            used[i].push(page);
        }
    }
    used
}

/// The glossary page's entries, alphabetical, grouped by letter, each with the lessons that
/// list it in `terms:` or mention it.
pub(super) fn glossary_letters(
    shared: &Shared<'_>,
    g: &Glossary,
    used: &[Vec<usize>],
) -> Vec<GlossaryLetterView> {
    let mut order: Vec<usize> = (0..g.entries.len()).collect();
    order.sort_by_key(|&i| (glossary::sort_key(&g.entries[i].term), i));
    let mut letters: Vec<GlossaryLetterView> = Vec::new();
    for i in order {
        let e = &g.entries[i];
        let letter: String = glossary::sort_key(&e.term)
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default();
        let entry = GlossaryEntryView {
            id: e.id.clone(),
            term: e.term.clone(),
            aliases: e.aliases.clone(),
            definition: shared.definition(i),
            see: e
                .see
                .iter()
                .filter_map(|id| g.entries.iter().find(|x| &x.id == id))
                .map(|x| LinkView {
                    title: x.term.clone(),
                    href: format!("#term-{}", x.id),
                })
                .collect(),
            // A term used everywhere would list every lesson: the first few say enough, and
            // keep the page small however large the course.
            used_in: used[i]
                .iter()
                .take(USED_IN_SHOWN)
                .map(|&p| shared.link(GLOSSARY_URL, p))
                .collect(),
            used_in_more: used[i].len().saturating_sub(USED_IN_SHOWN),
        };
        match letters.last_mut() {
            Some(l) if l.letter == letter => l.entries.push(entry),
            _ => letters.push(GlossaryLetterView {
                id: format!("letter-{}", markdown::slugify(&letter)),
                letter,
                entries: vec![entry],
            }),
        }
    }
    letters
}

pub(super) fn absolutize(entry: &mut crate::render::TocEntryView, base: &str) {
    if let Some(href) = &entry.href {
        entry.href = Some(format!("{base}{href}"));
    }
    for child in &mut entry.children {
        absolutize(child, base);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_climb_one_level_a_folder() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("foundations/what-is-a-model.html"), "../");
        assert_eq!(root_of("a/b/c.html"), "../../");
        assert_eq!(kind_name(PageKind::NotFound), "not-found");
    }

    #[test]
    fn absolute_toc_links_for_the_404_page() {
        let mut entry = crate::render::TocEntryView {
            kind: "item",
            title: "A".into(),
            number: None,
            href: Some("a.html".into()),
            lesson: None,
            current: false,
            open: false,
            children: vec![crate::render::TocEntryView {
                kind: "item",
                title: "B".into(),
                number: None,
                href: Some("a/b.html".into()),
                lesson: None,
                current: false,
                open: false,
                children: Vec::new(),
            }],
        };
        absolutize(&mut entry, "/academy/");
        assert_eq!(entry.href.as_deref(), Some("/academy/a.html"));
        assert_eq!(entry.children[0].href.as_deref(), Some("/academy/a/b.html"));
    }
}
