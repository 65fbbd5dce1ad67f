//! Every page through its template (in parallel, each written to the staging folder at once),
//! the generated pages, and then the check that needs every page (`anchors`): links into
//! another page's anchors.

use super::Ctx;
use super::anchors::{check_anchors, collect_ids};
use super::markdown::Rendered;
use super::print;
use super::views::{Shared, book_view, glossary_letters, used_in, version};
use crate::content::{Course, PageKind};
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{PageView, Renderer};
use crate::site::output::{SiteFiles, Staging};
use crate::site::{CONTENTS_URL, GLOSSARY_URL, PRINT_URL, PROGRESS_URL, toc};
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

/// A page through its template, kept by `coursebook serve` for the next rebuild.
#[derive(Clone)]
pub struct Assembled {
    bytes: Arc<Vec<u8>>,
    hash: u64,
    ids: Arc<HashSet<String>>,
    /// Already in the staging folder (plain builds): `bytes` is empty.
    written: bool,
}

impl Assembled {
    /// `for_cache`: hash the bytes, so `serve` writes only changed files. `ids`: collect the
    /// page's anchors, which only pages that some link points into need (always when cached:
    /// a later edit may add such a link).
    fn new(html: String, for_cache: bool, ids: bool) -> Self {
        let ids = Arc::new(if ids || for_cache {
            collect_ids(&html)
        } else {
            HashSet::new()
        });
        let bytes = html.into_bytes();
        let hash = if for_cache {
            let mut h = DefaultHasher::new();
            bytes.hash(&mut h);
            h.finish()
        } else {
            0
        };
        Assembled {
            bytes: Arc::new(bytes),
            hash,
            ids,
            written: false,
        }
    }
}

/// What every page's sidebar, pager and title depend on: the course's structure.
pub(super) fn structure_key(course: &Course, version: &str, templates: u64, shared: u64) -> u64 {
    let mut h = DefaultHasher::new();
    (version, templates, shared).hash(&mut h);
    course.toc.hash(&mut h);
    course.order.hash(&mut h);
    for p in &course.pages {
        (&p.url, &p.title, &p.number, &p.front.description, &p.source).hash(&mut h);
        // Lists name each lesson by its id for the learner's progress (data-lesson).
        p.front.id.as_ref().map(|id| &id.value).hash(&mut h);
    }
    h.finish()
}

/// What every page's view shares.
fn shared<'a>(ctx: &Ctx<'a>) -> Shared<'a> {
    let (config, course) = (ctx.config, ctx.course);
    Shared {
        config,
        course,
        glossary: ctx.glossary,
        matcher: ctx.matcher,
        book: book_view(config, course, ctx.strings),
        version: version(
            &Theme {
                dir: config.theme_dir.clone(),
            },
            ctx.strings,
        ),
        has_glossary: ctx.glossary.is_some(),
        position: {
            let mut position = vec![None; course.pages.len()];
            for (at, &page) in course.order.iter().enumerate() {
                if position[page].is_none() {
                    position[page] = Some(at);
                }
            }
            position
        },
        toc_words: toc::TocWords::new(ctx.strings),
        toc_entries: ctx.renderer.wants_toc_entries(),
    }
}

/// Every page through its template, then the anchor check. With a cache (`coursebook serve`),
/// a page whose inputs are unchanged is taken from it (`ctx.shared_key` hashes what every page
/// depends on beyond its own Markdown: configuration, glossary, link table).
pub fn assemble(
    ctx: &Ctx<'_>,
    rendered: &[Rendered],
    renderer: &Renderer,
    cache: Option<&mut HashMap<u64, Assembled>>,
    staging: Option<&Staging>,
    site: &mut SiteFiles,
    diags: &mut Diagnostics,
) {
    let (config, course) = (ctx.config, ctx.course);
    let shared = shared(ctx);
    let root = &config.root;
    // One edited lesson costs one template render: every page's sidebar, pager and title depend
    // on the course's structure and the templates, and on nothing else beyond its Markdown.
    let structure = cache.as_ref().map_or(0, |_| {
        structure_key(
            course,
            &shared.version,
            renderer.fingerprint,
            ctx.shared_key,
        )
    });
    let previous = cache.as_deref();
    let key_of = |parts: &dyn Fn(&mut DefaultHasher)| {
        let mut h = DefaultHasher::new();
        structure.hash(&mut h);
        parts(&mut h);
        h.finish()
    };
    // Pages some `#anchor` link points into: only their ids are collected.
    let targets: HashSet<&String> = rendered
        .iter()
        .flat_map(|r| r.out.links.iter().map(|l| &l.page))
        .collect();
    // The generated pages (contents, glossary, 404) need the course's structure and every page's
    // mentions, not the pages' HTML: they are rendered while the pages are.
    let other_pages = || {
        let mut out = Vec::new();
        let key = key_of(&|h| CONTENTS_URL.hash(h));
        let page = render_uncached(renderer, root, previous, key, &|| {
            let mut contents = shared.bare_view(
                PageKind::Contents,
                CONTENTS_URL,
                ctx.strings.get("page", "contents").to_string(),
            );
            // Its list is the whole tree, and so is its sidebar.
            let full = toc::full(course, CONTENTS_URL);
            contents.toc_html = toc::html(&full, &shared.toc_words);
            contents.toc = full;
            contents.template = "contents.html";
            contents.lessons = shared.lessons(CONTENTS_URL);
            contents
        });
        out.push((key, CONTENTS_URL, page));
        // The progress page: every lesson's row, painted from the learner's storage by
        // progress.js; the review's quizzes are fetched from their lessons, not carried here.
        let key = key_of(&|h| PROGRESS_URL.hash(h));
        let page = render_uncached(renderer, root, previous, key, &|| {
            let mut progress = shared.view(
                PageKind::Progress,
                PROGRESS_URL,
                ctx.strings.get("progress", "title").to_string(),
            );
            progress.template = "progress.html";
            progress.lessons = shared.lessons(PROGRESS_URL);
            progress
        });
        out.push((key, PROGRESS_URL, page));
        if let Some(g) = ctx.glossary {
            let used = used_in(course, g, rendered);
            let key = key_of(&|h| (GLOSSARY_URL, &used).hash(h));
            let page = render_uncached(renderer, root, previous, key, &|| {
                let mut page = shared.view(
                    PageKind::Glossary,
                    GLOSSARY_URL,
                    ctx.strings.get("page", "glossary").to_string(),
                );
                page.template = "glossary.html";
                page.glossary = glossary_letters(&shared, g, &used);
                page
            });
            out.push((key, GLOSSARY_URL, page));
        }
        // The course's own page-not-found page (`input-404`) is a page of the course.
        if course.pages.iter().any(|p| p.kind == PageKind::NotFound) {
            return out;
        }
        let key = key_of(&|h| "404.html".hash(h));
        let page = render_uncached(renderer, root, previous, key, &|| {
            // Its sidebar is set by `served_anywhere`.
            let mut not_found = shared.bare_view(
                PageKind::NotFound,
                "404.html",
                ctx.strings.get("page", "not_found_title").to_string(),
            );
            shared.served_anywhere(&mut not_found);
            not_found
        });
        out.push((key, "404.html", page));
        out
    };
    // An mdBook book's root is its first chapter again (views.rs).
    let root_copy = super::views::first_chapter_as_root(config, course);
    let (results, other_pages) = rayon::join(
        || {
            (0..course.pages.len())
                .into_par_iter()
                .with_max_len(1)
                .map(|i| {
                    let copy = root_copy.filter(|_| i == course.home);
                    let key =
                        key_of(&|h| (rendered[i].key, i, copy.map(|f| rendered[f].key)).hash(h));
                    if let Some(hit) = previous.and_then(|c| c.get(&key)) {
                        return (course.pages[i].url.clone(), key, Ok(hit.clone()));
                    }
                    let view = match copy {
                        Some(first) => shared.root_copy_view(first, &rendered[first].out),
                        None => shared.page_view(i, &rendered[i].out),
                    };
                    let url = &course.pages[i].url;
                    let mut page = renderer.render(&view, root).map(|html| {
                        Assembled::new(html, previous.is_some(), targets.contains(url))
                    });
                    // A plain build writes the page now and keeps only its ids: memory stays flat
                    // however large the course.
                    if let (Some(staging), Ok(done)) = (staging, &mut page) {
                        if let Err(d) = staging.put(url, &done.bytes) {
                            return (url.clone(), key, Err(d));
                        }
                        done.bytes = Arc::new(Vec::new());
                        done.written = true;
                    } else if let (None, None, Ok(done)) = (staging, previous, &mut page) {
                        // Nothing will be written (`check`, or a build that already failed):
                        // keep the page's ids, not its bytes.
                        done.bytes = Arc::new(Vec::new());
                    }
                    (url.clone(), key, page)
                })
                .collect::<Vec<(String, u64, Result<Assembled, Diagnostic>)>>()
        },
        other_pages,
    );
    let mut kept: HashMap<u64, Assembled> = HashMap::new();
    let mut ids: HashMap<String, (usize, Arc<HashSet<String>>)> = HashMap::new();
    let mut first_template_error = true;
    // In the order of `course.pages`, as `rendered` is.
    for (i, (url, key, result)) in results.into_iter().enumerate() {
        match result {
            Ok(page) => {
                if previous.is_some() {
                    kept.insert(key, page.clone());
                }
                ids.insert(url.clone(), (i, page.ids));
                if !page.written {
                    site.share(url, page.bytes, page.hash);
                }
            }
            Err(d) => {
                // The same template (or write) error would repeat on every page.
                if first_template_error {
                    diags.push(d);
                    first_template_error = false;
                }
            }
        }
    }
    // Generated pages, each also kept while its inputs are unchanged.
    let mut generated = |key: u64, url: &str, page: Option<Result<Assembled, Diagnostic>>| {
        let page = match previous.and_then(|c| c.get(&key)).cloned().map(Ok).or(page) {
            Some(Ok(page)) => page,
            Some(Err(d)) => return diags.push(d),
            None => return,
        };
        if previous.is_some() {
            kept.insert(key, page.clone());
        }
        if !page.written {
            site.share(url, page.bytes, page.hash);
        }
    };
    for (key, url, page) in other_pages {
        generated(key, url, page);
    }
    if let Some(cache) = cache {
        *cache = kept;
    }
    check_anchors(rendered, &ids, diags);
}

/// `print.html` (site/pages/print.rs), when the course has it (`[output.html.print]`), into
/// `site`. With `cache` (`coursebook serve`, which makes it after the other pages are written
/// and the open pages reloaded: it is the whole course, 32 MB at 1,000 lessons), it is made
/// again only when a page's Markdown or the course's structure changed.
pub fn whole_course(
    ctx: &Ctx<'_>,
    rendered: &[Rendered],
    renderer: &Renderer,
    cache: Option<&mut Option<(u64, Assembled)>>,
    staging: Option<&Staging>,
    site: &mut SiteFiles,
    diags: &mut Diagnostics,
) {
    if !ctx.config.print {
        return;
    }
    let shared = shared(ctx);
    let key = {
        let mut h = DefaultHasher::new();
        if cache.is_some() {
            structure_key(
                ctx.course,
                &shared.version,
                renderer.fingerprint,
                ctx.shared_key,
            )
            .hash(&mut h);
        }
        PRINT_URL.hash(&mut h);
        ctx.config.print_page_break.hash(&mut h);
        rendered.iter().for_each(|r| r.key.hash(&mut h));
        h.finish()
    };
    let previous = cache
        .as_deref()
        .and_then(|c| c.as_ref())
        .filter(|(k, _)| *k == key);
    let page = match previous {
        Some((_, page)) => page.clone(),
        None => match print_page(ctx, &shared, rendered, renderer, staging, cache.is_some()) {
            Ok(page) => page,
            Err(d) => return diags.push(d),
        },
    };
    if let Some(cache) = cache {
        *cache = Some((key, page.clone()));
    }
    if !page.written {
        site.share(PRINT_URL, page.bytes, page.hash);
    }
}

/// `print.html` made. A plain build
/// writes it to the staging folder as it is made; `check` (nothing written, nothing kept)
/// makes only its template's part, which can fail.
fn print_page(
    ctx: &Ctx<'_>,
    shared: &Shared<'_>,
    rendered: &[Rendered],
    renderer: &Renderer,
    staging: Option<&Staging>,
    for_cache: bool,
) -> Result<Assembled, Diagnostic> {
    let plan = print::Plan::new(ctx.course);
    let mut view = shared.view(
        PageKind::Contents,
        PRINT_URL,
        ctx.strings.get("page", "print_title").to_string(),
    );
    view.kind = "print";
    view.template = "print.html";
    view.chapters = print::chapters(&plan, shared, rendered);
    view.page_break = ctx.config.print_page_break;
    view.has_code = rendered.iter().any(|r| r.out.has_code);
    // The course's quizzes and widgets work here as on their pages: without their scripts they
    // would show buttons that do nothing and controls that stay disabled.
    view.has_quiz = rendered.iter().any(|r| !r.out.quizzes.is_empty());
    view.has_widgets = rendered.iter().any(|r| r.out.has_widgets);
    let html = renderer.render(&view, &ctx.config.root)?;
    drop(view);
    let fill = |out: &mut dyn std::io::Write| print::write(&html, &plan, ctx.course, rendered, out);
    match (staging, for_cache) {
        (Some(staging), _) => staging.put_with(PRINT_URL, fill).map(|()| Assembled {
            bytes: Arc::new(Vec::new()),
            hash: 0,
            ids: Arc::new(HashSet::new()),
            written: true,
        }),
        (None, true) => {
            let mut bytes = Vec::with_capacity(html.len());
            match fill(&mut bytes) {
                // No ids: no link points into the print page, and it is 32 MB at 1,000 lessons.
                Ok(()) => Ok(Assembled {
                    hash: {
                        let mut h = DefaultHasher::new();
                        bytes.hash(&mut h);
                        h.finish()
                    },
                    bytes: Arc::new(bytes),
                    ids: Arc::new(HashSet::new()),
                    written: false,
                }),
                Err(e) => Err(Diagnostic::error(
                    PRINT_URL,
                    crate::diag::Pos::FILE,
                    format!("cannot make the print page: {e}"),
                )),
            }
        }
        (None, false) => Ok(Assembled::new(String::new(), false, false)),
    }
}

/// A generated page through its template, unless the cache holds it under `key`.
pub(super) fn render_uncached<'a>(
    renderer: &Renderer,
    root: &Path,
    previous: Option<&HashMap<u64, Assembled>>,
    key: u64,
    view: &dyn Fn() -> PageView<'a>,
) -> Option<Result<Assembled, Diagnostic>> {
    previous.is_none_or(|c| !c.contains_key(&key)).then(|| {
        renderer
            .render(&view(), root)
            .map(|html| Assembled::new(html, previous.is_some(), false))
    })
}
