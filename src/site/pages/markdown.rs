//! The Markdown step: every page's body to HTML in parallel (serve reuses what did not change,
//! by key), its quiz file attached, its `terms:` resolved against the glossary, and the title
//! the template shows dropped from the body.

use super::*;
use crate::config::LinkTerms;
use crate::content::glossary::Glossary;
use crate::content::{Page, PageKind};
use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::later::{self, Later};
use crate::markdown::mentions::{Matcher, Term};
use crate::markdown::{self, LinkTable, Output, PageContext};
use crate::site::GLOSSARY_URL;
use crate::widgets::PageWidgets;
use rayon::prelude::*;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

/// The mention matcher for a glossary: every term with its aliases; `all`: link every mention,
/// not only a page's first (`[course] link-terms = "all"`).
pub fn matcher(glossary: &Glossary, all: bool) -> Matcher {
    let terms = glossary
        .entries
        .iter()
        .map(|e| Term {
            id: e.id.clone(),
            names: std::iter::once(e.term.clone())
                .chain(e.aliases.iter().cloned())
                .collect(),
            definition: markdown::render_phrasing(&e.definition),
        })
        .collect();
    Matcher::new(terms, all, GLOSSARY_URL)
}

/// What a page's rendered Markdown depends on, hashed: its own file, its quiz file (`data`:
/// hashes of the course's other files) and `ctx.shared_key` (the link table, the glossary and the
/// configuration). Equal keys mean the cached output is still right.
pub(super) fn page_key(ctx: &Ctx<'_>, page: &Page, data: &HashMap<PathBuf, u64>) -> u64 {
    let mut h = DefaultHasher::new();
    (
        ctx.shared_key,
        &page.url,
        &page.title,
        page.hash,
        page.kind as u8,
        // A shared quiz past its budget is not attached (content/quiz.rs
        // `bound_shared_quizzes`), whatever the lesson and the quiz file hold.
        page.quiz.is_some(),
    )
        .hash(&mut h);
    if let Some(src) = &page.src_rel {
        let quiz = crate::content::quiz::lesson_quiz_path(src, page.front.quiz.as_ref());
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
/// rendered again. The code blocks of the pages rendered are highlighted after them, all
/// together (markdown/later.rs); the quiz files' markup follows, once the pages are whole.
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
    // The pages rendered with their code blocks put off (markdown/later.rs), then the course's
    // blocks highlighted together, then each page's put back in its place.
    let (drawn, put_off): (Vec<Drawn>, Vec<later::Blocks>) = ctx
        .course
        .pages
        .par_iter()
        // One page a piece of work: rayon otherwise hands a thread a run of pages it can no
        // longer split, and the other core waited for that run's end (20 ms of one core idle
        // at the end of this step on the code-heavy bench course).
        .with_max_len(1)
        .map(|page| {
            let key = data.map_or(0, |d| page_key(ctx, page, d));
            if let Some(hit) = previous.and_then(|c| c.get(&key)) {
                let kept = Rendered {
                    key,
                    out: Arc::clone(hit),
                };
                return (Drawn::Kept(kept), Vec::new());
            }
            let later = Later::default();
            let out = render_body(ctx, page, links, Some(&later));
            let (capped, blocks) = later.into_parts();
            (
                Drawn::Body {
                    key,
                    out: Box::new(out),
                    capped,
                },
                blocks,
            )
        })
        .unzip();
    let (blocks_html, numbers) = later::highlight_pages(&put_off);
    drop(put_off);
    let results: Vec<Rendered> = drawn
        .into_par_iter()
        .zip(numbers)
        .zip(&ctx.course.pages)
        .with_max_len(1)
        .map(|((drawn, numbers), page)| {
            let (key, mut out, capped) = match drawn {
                Drawn::Kept(kept) => return kept,
                Drawn::Body { key, out, capped } => (key, *out, capped),
            };
            // Markers are only in the body: a lifted title is a heading's inline content.
            if !numbers.is_empty() {
                let block = |n: usize| numbers.get(n).map(|&i| blocks_html[i].as_str());
                // Where a page stops at its bound depends on its blocks' HTML: one that reached
                // it is rendered again with its code in place, for the same page and message.
                match (!capped).then(|| later::fill(&out.html, block)) {
                    Some(html) if html.len() <= markdown::MAX_PAGE_HTML => out.html = html,
                    _ => out = render_body(ctx, page, links, None),
                }
            }
            finish_page(ctx, page, &mut out);
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

/// A page after the Markdown step's first part: kept from serve's cache, or its body rendered
/// with its code blocks put off.
enum Drawn {
    Kept(Rendered),
    Body {
        key: u64,
        out: Box<Output>,
        capped: bool,
    },
}

/// A page's rendered Markdown and the key of everything it was made from.
pub struct Rendered {
    pub key: u64,
    pub out: Arc<Output>,
}

/// The definitions a lesson's Key terms list carries, in bytes of their HTML: this much, plus
/// four times the lesson's Markdown. Each listed term carries its whole definition, highlighted
/// code and all, into every lesson that lists it: 30 one-line lessons listing 200 terms with an
/// 8 KB code block each made 1.34 GB of output from 1.8 MB, and one 5 MB definition listed by 40
/// lessons 206 MB. A real list is a handful of terms of a sentence or two (a few KB). Past the
/// budget, the rest of the list links to the glossary without definitions, with a warning at
/// the term where that starts. (Tooltips have their own budget, `markdown/mentions.rs`.)
pub(crate) const KEY_TERM_BYTES: usize = 64 * 1024;

/// A lesson's `terms:` → glossary entries; an unknown term is an error at its line.
pub(super) fn resolve_terms(ctx: &Ctx<'_>, page: &Page, out: &mut Output) {
    let Some(source) = &page.source else { return };
    let mut listed = std::collections::HashSet::new();
    let mut repeated = std::collections::HashSet::new();
    let mut left = Some(KEY_TERM_BYTES.saturating_add(page.body.len().saturating_mul(4)));
    // A glossary that is there but was refused (too large, hidden, outside) is an error at the
    // glossary already: each of 6,000 listed terms need not say it has none.
    let refused = ctx.glossary.is_none()
        && !page.front.terms.is_empty()
        && (ctx.config.glossary_refused
            || std::fs::symlink_metadata(ctx.config.src.join(&ctx.config.glossary)).is_ok());
    for t in &page.front.terms {
        let pos = crate::yaml::pos_of(t, 1);
        match ctx.glossary {
            Some(g) => match g.find(&t.value) {
                // A term listed twice (or by two of its names) is shown once: each carries its
                // definition, and 10,000 of one term made a 574 MB page.
                Some(i) if !listed.insert(i) => {
                    if repeated.insert(i) {
                        out.diags.push(
                            Diagnostic::warning(
                                source,
                                pos,
                                format!("the term \"{}\" is listed twice in `terms`", t.value),
                            )
                            .with_help("list each key term once"),
                        );
                    }
                }
                Some(i) => {
                    let size = ctx.matcher.map_or(0, |m| m.definition(i).len());
                    let had_room = left.is_some();
                    // Once one does not fit, the rest of the list goes without: the warning
                    // names where the definitions stop.
                    left = left.and_then(|l| l.checked_sub(size));
                    if had_room && left.is_none() {
                        out.diags.push(
                            Diagnostic::warning(
                                source,
                                pos,
                                format!(
                                    "key terms stop showing their definitions here: this lesson's list already carries as many as it may ({} KB and four times the lesson's Markdown); \"{}\" and the terms after it link to the glossary without one",
                                    KEY_TERM_BYTES >> 10,
                                    t.value
                                ),
                            )
                            .with_help("list fewer key terms, or shorten their definitions"),
                        );
                    }
                    out.key_terms.push((i, left.is_some()));
                }
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
            None if refused => {}
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

/// The widgets' settings for a page's own file.
fn page_widgets<'c>(ctx: &Ctx<'c>, page: &Page, source: &std::path::Path) -> PageWidgets<'c> {
    let config = ctx.config;
    PageWidgets {
        source: source.to_path_buf(),
        lang: config.language.clone(),
        store_prefix: format!(
            "{}:{}",
            crate::content::progress::namespace(config),
            crate::content::progress::lesson_key(page)
        ),
        renderer: ctx.renderer,
        hidelines: &config.hidelines,
    }
}

/// A page's Markdown to HTML, its code highlighted in place or put off to `later`.
fn render_body(ctx: &Ctx<'_>, page: &Page, links: &LinkTable, later: Option<&Later>) -> Output {
    let config = ctx.config;
    let link_terms = ctx.config.link_terms != LinkTerms::None
        && page.front.link_terms != Some(false)
        && matches!(page.kind, PageKind::Lesson | PageKind::Chapter);
    let (Some(source), Some(src_rel)) = (&page.source, &page.src_rel) else {
        return Output::default();
    };
    let widgets = page_widgets(ctx, page, source);
    let ctx = PageContext {
        hidelines: &config.hidelines,
        origins: page.origins.as_deref(),
        source,
        src_rel,
        url: &page.url,
        line_offset: page.body_line,
        links,
        widgets: &widgets,
        strings: ctx.strings,
        mentions: if link_terms { ctx.matcher } else { None },
        title: Some(&page.title),
        own_heading: page.front.title.is_none(),
        math: markdown::MathRules {
            // mdBook never reads `$`: in a book only a math preprocessor (mdbook-katex) does.
            // A course ordered by a SUMMARY.md in coursebook's `content/` is still a course.
            dollars: !super::views::is_mdbook_book(config, ctx.course)
                || config.math_preprocessor.is_some(),
            mathjax: config.mathjax_support,
            lenient: links.lenient,
        },
        later,
    };
    let mut out = markdown::render(&page.body, &ctx);
    // The Markdown step counts the expanded page's lines; text an include brought in is
    // reported at its own file's line.
    if let Some(origins) = &page.origins {
        for d in &mut out.diags {
            origins.relocate(source, d);
        }
        for link in &mut out.links {
            origins.locate(source, &mut link.source, &mut link.pos);
        }
    }
    out
}

/// What follows a page's HTML once it is whole: the lesson's quiz file.
fn finish_page(ctx: &Ctx<'_>, page: &Page, out: &mut Output) {
    let config = ctx.config;
    let (Some(source), Some(src_rel)) = (&page.source, &page.src_rel) else {
        return;
    };
    // The lesson's quiz file, parsed with the course (content::quiz), drawn after the page.
    // Its markup counts toward the page's HTML bound (`markdown::MAX_PAGE_HTML`), as a quiz
    // written in the page does: the file itself is at most `MAX_QUIZ_FILE` (1 MB), but its
    // code is highlighted, and it is drawn again in print.html.
    if let Some(quiz) = &page.quiz {
        let appendix = page_widgets(ctx, page, source).quiz_markup(quiz, out);
        if out.html.len().saturating_add(appendix.len()) > markdown::MAX_PAGE_HTML {
            let file = crate::content::quiz::lesson_quiz_path(src_rel, page.front.quiz.as_ref());
            let (at, pos) = match &page.front.quiz {
                Some(named) => (source.clone(), crate::yaml::pos_of(named, 1)),
                None => (
                    crate::diag::rel(&config.root, &config.src.join(file)),
                    crate::diag::Pos::FILE,
                ),
            };
            out.diags.push(
                Diagnostic::error(
                    at,
                    pos,
                    format!(
                        "with its quiz, the page's HTML grows past {} MB; the quiz is not drawn",
                        markdown::MAX_PAGE_HTML >> 20
                    ),
                )
                .with_help("split the lesson and its quiz, or shorten the quiz's code"),
            );
        } else {
            out.appendix = appendix;
        }
    }
}
