//! Rendering pages: Markdown bodies in parallel, then each page through its template, then the
//! checks that need every page (anchors), then the site's other files.

use super::output::{SiteFiles, Staging};
use super::{CONTENTS_URL, GLOSSARY_URL, toc};
use crate::config::{Config, LinkTerms};
use crate::content::glossary::{self, Glossary};
use crate::content::{Course, Page, PageKind};
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::i18n::Strings;
use crate::markdown::links::relative_url;
use crate::markdown::mentions::{Matcher, Term};
use crate::markdown::{self, LinkTable, Output, PageContext};
use crate::render::{BookView, LessonCardView, LinkView, PageView, Renderer};
use crate::render::{GlossaryEntryView, GlossaryLetterView, KeyTermView};
use crate::theme::Theme;
use crate::widgets::PageWidgets;
use rayon::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What page rendering needs from the rest of the build.
pub struct Ctx<'a> {
    pub config: &'a Config,
    pub course: &'a Course,
    pub glossary: Option<&'a Glossary>,
    pub matcher: Option<&'a Matcher>,
    /// A hash of what every page depends on beyond its own files (configuration, glossary,
    /// link table): part of serve's cache keys.
    pub shared_key: u64,
    /// The interface's strings (widgets and quizzes are rendered with the page's Markdown).
    pub strings: &'a Strings,
    /// The theme's templates, for the widgets drawn with the page's Markdown.
    pub renderer: &'a Renderer,
}

/// What `coursebook serve` passes to [`render_all`]: the rendered Markdown it keeps, by key,
/// and the hashes of the course's other files (quizzes).
type RenderCache<'a> = (&'a mut HashMap<u64, Arc<Output>>, &'a HashMap<PathBuf, u64>);

/// The mention matcher for a glossary: every term with its aliases.
pub fn matcher(config: &Config, glossary: &Glossary) -> Matcher {
    let terms = glossary
        .entries
        .iter()
        .map(|e| Term {
            id: e.id.clone(),
            names: std::iter::once(e.term.clone())
                .chain(e.aliases.iter().cloned())
                .collect(),
            definition: markdown::render_inline(&e.definition),
        })
        .collect();
    Matcher::new(terms, config.link_terms == LinkTerms::All, GLOSSARY_URL)
}

/// What a page's rendered Markdown depends on, hashed: its own file, its quiz file (`data`:
/// hashes of the course's other files) and `ctx.shared_key` (the link table, the glossary and the
/// configuration). Equal keys mean the cached output is still right.
fn page_key(ctx: &Ctx<'_>, page: &Page, data: &HashMap<PathBuf, u64>) -> u64 {
    let mut h = DefaultHasher::new();
    (
        ctx.shared_key,
        &page.url,
        &page.title,
        page.hash,
        page.kind as u8,
    )
        .hash(&mut h);
    if let Some(src) = &page.src_rel {
        let dir = src.parent().unwrap_or(Path::new(""));
        let quiz = match &page.front.quiz {
            Some(named) => dir.join(&named.value),
            None => src.with_extension("quiz.yaml"),
        };
        match data.get(&quiz) {
            Some(hash) => hash.hash(&mut h),
            // Not a file the walk found (`..` in its path, say): read it.
            None => ctx
                .config
                .jail
                .read(&ctx.config.src.join(&quiz))
                .ok()
                .hash(&mut h),
        }
    }
    h.finish()
}

/// Markdown → HTML for every page, in parallel. With a cache (`coursebook serve`: outputs by
/// key, and the hashes of the course's other files), pages whose inputs did not change are not
/// rendered again.
pub fn render_all(
    ctx: &Ctx<'_>,
    links: &LinkTable,
    cache: Option<RenderCache<'_>>,
    diags: &mut Diagnostics,
) -> Vec<Rendered> {
    let (cache, data) = match cache {
        Some((c, d)) => (Some(c), Some(d)),
        None => (None, None),
    };
    let previous = cache.as_deref();
    let results: Vec<Rendered> = ctx
        .course
        .pages
        .par_iter()
        .map(|page| {
            let key = data.map_or(0, |d| page_key(ctx, page, d));
            if let Some(hit) = previous.and_then(|c| c.get(&key)) {
                return Rendered {
                    key,
                    out: Arc::clone(hit),
                };
            }
            let mut out = render_page(ctx, page, links);
            resolve_terms(ctx, page, &mut out);
            Rendered {
                key,
                out: Arc::new(out),
            }
        })
        .collect();
    if let Some(cache) = cache {
        *cache = results
            .iter()
            .map(|r| (r.key, Arc::clone(&r.out)))
            .collect();
    }
    for r in &results {
        diags.extend(r.out.diags.iter().cloned());
    }
    results
}

/// A page's rendered Markdown and the key of everything it was made from.
pub struct Rendered {
    pub key: u64,
    pub out: Arc<Output>,
}

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
fn structure_key(course: &Course, version: &str, templates: u64, shared: u64) -> u64 {
    let mut h = DefaultHasher::new();
    (version, templates, shared).hash(&mut h);
    course.toc.hash(&mut h);
    course.order.hash(&mut h);
    for p in &course.pages {
        (&p.url, &p.title, &p.number, &p.front.description, &p.source).hash(&mut h);
    }
    h.finish()
}

/// A lesson's `terms:` → glossary entries; an unknown term is an error at its line.
fn resolve_terms(ctx: &Ctx<'_>, page: &Page, out: &mut Output) {
    let Some(source) = &page.source else { return };
    for t in &page.front.terms {
        let pos = crate::yaml::pos_of(t, 1);
        match ctx.glossary {
            Some(g) => match g.find(&t.value) {
                Some(i) => out.key_terms.push(i),
                None => out.diags.push(
                    Diagnostic::error(
                        source,
                        pos,
                        format!("the term \"{}\" is not in the glossary", t.value),
                    )
                    .with_help(format!(
                        "add it to {} or fix the spelling",
                        ctx.config.glossary.display()
                    )),
                ),
            },
            None => out.diags.push(
                Diagnostic::error(
                    source,
                    pos,
                    format!(
                        "the lesson lists the term \"{}\" but the course has no glossary",
                        t.value
                    ),
                )
                .with_help(format!(
                    "create {}/{}",
                    crate::diag::rel(&ctx.config.root, &ctx.config.src).display(),
                    ctx.config.glossary.display()
                )),
            ),
        }
    }
}

fn render_page(ctx: &Ctx<'_>, page: &Page, links: &LinkTable) -> Output {
    let config = ctx.config;
    let link_terms = ctx.config.link_terms != LinkTerms::None
        && page.front.link_terms != Some(false)
        && matches!(page.kind, PageKind::Lesson | PageKind::Chapter);
    let (Some(source), Some(src_rel)) = (&page.source, &page.src_rel) else {
        return Output::default();
    };
    let widgets = PageWidgets {
        source: source.clone(),
        lang: config.language.clone(),
        store_prefix: format!(
            "coursebook:{}:{}:{}",
            config.site_url,
            markdown::slugify(&config.title),
            page.url
        ),
        renderer: ctx.renderer,
    };
    let ctx = PageContext {
        source,
        src_rel,
        url: &page.url,
        line_offset: page.body_line,
        links,
        widgets: &widgets,
        mentions: if link_terms { ctx.matcher } else { None },
    };
    let mut out = markdown::render(&page.body, &ctx);
    attach_quiz_file(config, page, source, src_rel, &widgets, &mut out);
    // The page's title is shown by the template; drop a leading `# Title` that repeats it.
    let (html, title_id) = strip_leading_h1(&out.html, &page.title);
    out.html = html;
    out.title_id = title_id;
    out
}

/// The lesson's quiz file: `quiz:` in front matter, else `<stem>.quiz.yaml` beside it.
fn attach_quiz_file(
    config: &Config,
    page: &Page,
    source: &Path,
    src_rel: &Path,
    widgets: &PageWidgets,
    out: &mut Output,
) {
    let dir = src_rel.parent().unwrap_or(Path::new(""));
    let (file, named) = match &page.front.quiz {
        Some(named) => (dir.join(&named.value), Some(named)),
        None => {
            let stem = src_rel
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (dir.join(format!("{stem}.quiz.yaml")), None)
        }
    };
    let full = config.src.join(&file);
    // Something that is there but not a file (a folder named like a quiz): read it, so the
    // refusal is reported rather than the quiz silently missing.
    let present = std::fs::symlink_metadata(&full).is_ok();
    if !full.is_file() && !present {
        if let Some(named) = named {
            let pos = crate::yaml::pos_of(named, 1);
            out.diags.push(
                Diagnostic::error(
                    source,
                    pos,
                    format!("the quiz file {} does not exist", named.value),
                )
                .with_help("the path is relative to this lesson's folder"),
            );
        }
        return;
    }
    let shown = crate::diag::rel(&config.root, &full);
    let mut diags = Diagnostics::default();
    let named_at = named.map(|n| (source, crate::yaml::pos_of(n, 1)));
    let Some(text) = crate::content::read_named_text(config, &full, named_at, &mut diags) else {
        out.diags.extend(diags.into_vec());
        return;
    };
    let default_id = file
        .file_stem()
        .map(|s| s.to_string_lossy().trim_end_matches(".quiz").to_string())
        .unwrap_or_default();
    out.appendix = widgets.quiz_html(
        &text,
        &shown,
        0,
        crate::content::strip_number(&default_id),
        out,
    );
}

/// Drop a leading `# Title` that repeats the page title, keeping its id for the template's h1
/// so `#anchor` links to it still work.
fn strip_leading_h1(html: &str, title: &str) -> (String, Option<String>) {
    let trimmed = html.trim_start();
    if let Some(rest) = trimmed.strip_prefix("<h1")
        && let Some(end) = rest.find("</h1>")
    {
        let inner = &rest[..end];
        let (attrs, text) = inner.split_once('>').unwrap_or(("", ""));
        if markdown::plain_text(text).trim() == title.trim() {
            let id = attrs
                .split_once("id=\"")
                .and_then(|(_, r)| r.split_once('"'))
                .map(|(id, _)| id.to_string());
            return (rest[end + 5..].trim_start().to_string(), id);
        }
    }
    (html.to_string(), None)
}

fn kind_name(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Home => "home",
        PageKind::Chapter => "chapter",
        PageKind::Lesson => "lesson",
        PageKind::Glossary => "glossary",
        PageKind::Contents => "contents",
        PageKind::NotFound => "not-found",
    }
}

fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

fn book_view(config: &Config, strings: &Strings) -> BookView {
    BookView {
        generator: concat!("coursebook ", env!("CARGO_PKG_VERSION")),
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        dir: strings.dir,
        authors: config.authors.clone(),
        repository: config.git_repository_url.clone(),
    }
}

/// A content hash of the theme files, appended to their URLs so browsers never mix builds.
fn version(theme: &Theme) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (_, bytes) in theme.static_files().0 {
        for b in bytes.iter() {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash ^= crate::theme::QUIZ_WASM.len() as u64;
    format!("{:08x}", hash & 0xffff_ffff)
}

struct Shared<'a> {
    config: &'a Config,
    course: &'a Course,
    glossary: Option<&'a Glossary>,
    book: BookView,
    version: String,
    has_glossary: bool,
    /// Each page's place in the reading order, for its previous and next links.
    position: Vec<Option<usize>>,
}

impl Shared<'_> {
    fn view(&self, kind: PageKind, url: &str, title: String) -> PageView<'_> {
        PageView {
            book: &self.book,
            kind: kind_name(kind),
            title,
            number: None,
            description: None,
            root: root_of(url),
            objectives: Vec::new(),
            content: String::new(),
            appendix: String::new(),
            title_id: None,
            key_terms: Vec::new(),
            toc: toc::sidebar(self.course, None, url),
            prev: None,
            next: None,
            edit_url: None,
            lessons: Vec::new(),
            glossary: Vec::new(),
            has_glossary: self.has_glossary,
            has_quiz: false,
            has_widgets: false,
            version: &self.version,
            template: "page.html",
        }
    }

    fn link(&self, from: &str, index: usize) -> LinkView {
        let page = &self.course.pages[index];
        LinkView {
            title: page.title.clone(),
            href: relative_url(from, &page.url),
        }
    }

    fn page_view(&self, index: usize, out: &Output) -> PageView<'_> {
        let page = &self.course.pages[index];
        let mut view = self.view(page.kind, &page.url, page.title.clone());
        view.number = page.number.clone();
        view.description = page.front.description.clone();
        view.objectives = page
            .front
            .objectives
            .iter()
            .map(|o| markdown::render_inline(o))
            .collect();
        view.content = out.html.clone();
        view.appendix = out.appendix.clone();
        view.title_id = out.title_id.clone();
        view.has_quiz = !out.quizzes.is_empty();
        if let Some(g) = self.glossary {
            view.key_terms = out
                .key_terms
                .iter()
                .map(|&i| {
                    let e = &g.entries[i];
                    KeyTermView {
                        id: e.id.clone(),
                        term: e.term.clone(),
                        definition: markdown::render_inline(&e.definition),
                        href: format!("{}#term-{}", relative_url(&page.url, GLOSSARY_URL), e.id),
                    }
                })
                .collect();
        }
        view.has_widgets = out.html.contains("data-widget=");
        view.toc = toc::sidebar(self.course, Some(index), &page.url);
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
            view.edit_url =
                Some(template.replace("{path}", &source.to_string_lossy().replace('\\', "/")));
        }
        if page.kind == PageKind::Home {
            view.lessons = self.lessons(&page.url);
        }
        view
    }

    fn lessons(&self, from: &str) -> Vec<LessonCardView> {
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
                }
            })
            .collect()
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
    let shared = Shared {
        config,
        course,
        glossary: ctx.glossary,
        book: book_view(config, ctx.strings),
        version: version(&Theme {
            dir: config.theme_dir.clone(),
        }),
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
    };
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
            let mut contents = shared.view(
                PageKind::Contents,
                CONTENTS_URL,
                ctx.strings.get("page", "contents").to_string(),
            );
            contents.toc = toc::full(course, CONTENTS_URL);
            contents.template = "contents.html";
            contents.lessons = shared.lessons(CONTENTS_URL);
            contents
        });
        out.push((key, CONTENTS_URL, page));
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
        let key = key_of(&|h| "404.html".hash(h));
        let page = render_uncached(renderer, root, previous, key, &|| {
            let mut not_found = shared.view(
                PageKind::NotFound,
                "404.html",
                ctx.strings.get("page", "not_found_title").to_string(),
            );
            // Served at any depth, so its links start from the site's own path.
            not_found.root = config.site_url.clone();
            not_found.toc = toc::sidebar(course, None, "index.html")
                .into_iter()
                .map(|mut e| {
                    absolutize(&mut e, &config.site_url);
                    e
                })
                .collect();
            not_found.template = "404.html";
            not_found
        });
        out.push((key, "404.html", page));
        out
    };
    let (results, other_pages) = rayon::join(
        || {
            (0..course.pages.len())
                .into_par_iter()
                .map(|i| {
                    let key = key_of(&|h| (rendered[i].key, i).hash(h));
                    if let Some(hit) = previous.and_then(|c| c.get(&key)) {
                        return (course.pages[i].url.clone(), key, Ok(hit.clone()));
                    }
                    let view = shared.page_view(i, &rendered[i].out);
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
    let mut ids: HashMap<String, Arc<HashSet<String>>> = HashMap::new();
    let mut first_template_error = true;
    for (url, key, result) in results {
        match result {
            Ok(page) => {
                if previous.is_some() {
                    kept.insert(key, page.clone());
                }
                ids.insert(url.clone(), page.ids);
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
        site.share(url, page.bytes, page.hash);
    };
    for (key, url, page) in other_pages {
        generated(key, url, page);
    }
    if let Some(cache) = cache {
        *cache = kept;
    }
    check_anchors(rendered, &ids, diags);
}

/// The glossary page's entries, alphabetical, grouped by letter, each with the lessons that
/// list it in `terms:` or mention it.
/// How many lessons a glossary entry lists under "Used in".
const USED_IN_SHOWN: usize = 12;

/// A generated page through its template, unless the cache holds it under `key`.
fn render_uncached<'a>(
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

/// For each glossary entry, the pages (in reading order) that list it in `terms:` or mention it.
/// Linear in the mentions, not pages × terms.
fn used_in(course: &Course, g: &Glossary, rendered: &[Rendered]) -> Vec<Vec<usize>> {
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
        let mut terms: Vec<usize> = out.key_terms.iter().copied().chain(mentioned).collect();
        terms.sort_unstable();
        terms.dedup();
        for i in terms {
            used[i].push(page);
        }
    }
    used
}

fn glossary_letters(
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
            definition: markdown::render_inline(&e.definition),
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

fn absolutize(entry: &mut crate::render::TocEntryView, base: &str) {
    if let Some(href) = &entry.href {
        entry.href = Some(format!("{base}{href}"));
    }
    for child in &mut entry.children {
        absolutize(child, base);
    }
}

/// Every `id="…"` in a page, for checking `#anchor` links.
fn collect_ids(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            ids.insert(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    ids
}

fn check_anchors(
    rendered: &[Rendered],
    ids: &HashMap<String, Arc<HashSet<String>>>,
    diags: &mut Diagnostics,
) {
    for out in rendered.iter().map(|r| &r.out) {
        for link in &out.links {
            let Some(page_ids) = ids.get(&link.page) else {
                continue;
            };
            if !page_ids.contains(&link.fragment) {
                let mut near: Vec<&String> = page_ids
                    .iter()
                    .filter(|id| !id.starts_with("tip-") && !id.starts_with("fnref"))
                    .collect();
                near.sort();
                let help = if near.is_empty() {
                    "that page has no anchors".to_string()
                } else {
                    let list: Vec<String> = near.iter().take(12).map(|s| format!("#{s}")).collect();
                    format!("anchors on that page: {}", list.join(", "))
                };
                diags.push(
                    Diagnostic::error(
                        &link.source,
                        link.pos,
                        format!(
                            "broken anchor: `{}` has no `#{}`",
                            link.written, link.fragment
                        ),
                    )
                    .with_help(help),
                );
            }
        }
    }
}

/// Theme files, the wasm module, the course's own files, and the files hosts look for.
pub fn static_files(
    config: &Config,
    course: &Course,
    theme: &Theme,
    site: &mut SiteFiles,
    diags: &mut Diagnostics,
) {
    let (files, refused) = theme.static_files();
    for (path, bytes) in files {
        site.add(format!("theme/{path}"), bytes.into_owned());
    }
    for (path, denied) in refused {
        diags.push(Diagnostic::error(
            crate::diag::rel(&config.root, &path),
            Pos::FILE,
            format!("cannot read: {denied}"),
        ));
    }
    site.add("theme/css/highlight.css", markdown::highlight::stylesheet());
    site.add("theme/js/quiz_wasm.js", crate::theme::QUIZ_WASM_JS.to_vec());
    site.add(
        "theme/js/quiz_wasm_bg.wasm",
        crate::theme::QUIZ_WASM.to_vec(),
    );
    for asset in &course.assets {
        site.copy(asset.url.clone(), asset.source.clone());
    }
    if !site.files.contains_key("favicon.svg")
        && let Some((bytes, _)) = theme.file("favicon.svg")
    {
        site.add("favicon.svg", bytes.into_owned());
    }
    site.add(".nojekyll", "");
    if let Some(cname) = &config.cname {
        site.add("CNAME", format!("{}\n", cname.trim()));
    }
    // A sitemap needs absolute URLs: written when the site's address is known (a full
    // site-url, a cname, or a GitHub repository).
    if let Some(base) = &config.absolute_url {
        site.add("sitemap.xml", sitemap(base, course));
    }
}

fn sitemap(base: &str, course: &Course) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut urls: Vec<&str> = course.pages.iter().map(|p| p.url.as_str()).collect();
    urls.sort_unstable();
    for url in urls {
        let shown = url.strip_suffix("index.html").unwrap_or(url);
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            markdown::highlight::escape(&format!("{base}{shown}"))
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}
