//! Building the table of contents and page list, from SUMMARY.md or from file and folder names.

use super::summary::{self, Entry};
use super::{Course, FrontMatter, Page, PageKind, Source, TocNode, strip_number};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Pos, rel};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Parse a source's front matter and make its page.
fn make_page(src: Source, kind: PageKind, fallback_title: &str, diags: &mut Diagnostics) -> Page {
    diags.extend(src.problems());
    let front = src.front.unwrap_or_else(|d| {
        diags.push(d);
        FrontMatter::default()
    });
    let title = front
        .title
        .clone()
        .or_else(|| first_heading(&src.body))
        .unwrap_or_else(|| fallback_title.to_string());
    Page {
        kind,
        url: super::page_url(&src.src_rel),
        source: Some(src.root_rel),
        src_rel: Some(src.src_rel),
        title,
        number: None,
        body: src.body,
        body_line: src.body_line,
        origins: src.origins,
        hash: src.hash,
        quiz: None,
        front,
    }
}

pub fn first_heading(body: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|h| crate::markdown::inline_text(h.split(" {#").next().unwrap_or(h).trim()))
        .filter(|h| !h.is_empty())
}

/// `01-what-is-a-model` → `What is a model`.
pub fn humanize(stem: &str) -> String {
    let s = strip_number(stem).replace(['-', '_'], " ");
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

fn stem_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The page of folder `dir` (its `index.md`, else its `README.md`), taken out of `sources`. Both
/// would be `index.html`: the README is then an error, not a page silently dropped.
fn take_index(
    dir: &Path,
    sources: &mut BTreeMap<PathBuf, Source>,
    diags: &mut Diagnostics,
) -> Option<Source> {
    let index = sources.remove(&dir.join("index.md"));
    let readme = sources.remove(&dir.join("README.md"));
    match (index, readme) {
        (Some(index), Some(readme)) => {
            diags.push(
                Diagnostic::error(
                    &readme.root_rel,
                    Pos::FILE,
                    format!(
                        "this page and {} would both be written to {}",
                        index.root_rel.display(),
                        super::urls::page_url(&index.src_rel)
                    ),
                )
                .with_help("keep one of them: a folder's page is its index.md or its README.md"),
            );
            Some(index)
        }
        (index, readme) => index.or(readme),
    }
}

/// Whether `rel` under `src` is a regular file reached without passing a symbolic link: a look
/// through a link (`content/out -> /etc`) would probe what exists outside the course. Only for
/// the wording of a message, so a link simply counts as "not there".
fn plain_file_under(src: &Path, rel: &Path) -> bool {
    let mut at = src.to_path_buf();
    for part in rel.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if !meta.file_type().is_symlink() => {}
            _ => return false,
        }
    }
    std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_file())
}

fn is_index(path: &Path) -> bool {
    matches!(stem_of(path).as_str(), "index" | "README")
}

fn push_page(course: &mut Course, page: Page) -> usize {
    course.pages.push(page);
    course.pages.len() - 1
}

/// mdBook's page-not-found page (`[output.html] input-404`, `404.md` by default): when the
/// file is there, it is the body of the site's 404.html instead of coursebook's own words. It is
/// not a lesson: no table of contents, no reading order, no sitemap.
fn take_not_found(
    config: &Config,
    sources: &mut BTreeMap<PathBuf, Source>,
    course: &mut Course,
    diags: &mut Diagnostics,
) {
    if let Some(src) = sources.remove(Path::new(&config.input_404)) {
        let mut page = make_page(src, PageKind::NotFound, "", diags);
        page.url = "404.html".to_string();
        push_page(course, page);
    } else if let Some(pos) = config.input_404_pos {
        // Named on purpose: say that it was not used (mdBook stops on it). A path out of the
        // sources (`/etc/passwd`, `../x.md`) is an error, as every path that leads outside.
        let path = Path::new(&config.input_404);
        let outside = path.is_absolute()
            || path
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir));
        let diagnostic = match outside {
            true => crate::diag::Diagnostic::error,
            false => crate::diag::Diagnostic::warning,
        };
        diags.push(
            diagnostic(
                "book.toml",
                pos,
                format!(
                    "`input-404` names `{}`, which is not a Markdown file of the course's sources; the default page-not-found page is used",
                    config.input_404
                ),
            )
            .with_help("give the path of a .md file relative to `src`, or leave `input-404` out"),
        );
    }
}

/// Add the home page: `index.md` at the top of src, or a generated one.
fn add_home(
    config: &Config,
    sources: &mut BTreeMap<PathBuf, Source>,
    course: &mut Course,
    diags: &mut Diagnostics,
) {
    let page = match take_index(Path::new(""), sources, diags) {
        Some(src) => make_page(src, PageKind::Home, &config.title, diags),
        None => Page {
            kind: PageKind::Home,
            source: None,
            src_rel: None,
            url: "index.html".to_string(),
            title: config.title.clone(),
            number: None,
            front: FrontMatter {
                description: config.description.clone(),
                ..FrontMatter::default()
            },
            body: "".into(),
            body_line: 0,
            origins: None,
            hash: 0,
            quiz: None,
        },
    };
    course.home = push_page(course, page);
}

/// Without SUMMARY.md: folders are chapters (their `index.md` is the chapter page), Markdown
/// files are lessons, both ordered by name.
pub fn from_names(
    config: &Config,
    markdown: Vec<Source>,
    course: &mut Course,
    diags: &mut Diagnostics,
) {
    let mut sources: BTreeMap<PathBuf, Source> = markdown
        .into_iter()
        .map(|s| (s.src_rel.clone(), s))
        .collect();
    take_not_found(config, &mut sources, course, diags);
    add_home(config, &mut sources, course, diags);
    course.order.push(course.home);
    let toc = build_dir(Path::new(""), &mut sources, course, diags, "");
    course.toc = toc;
}

fn build_dir(
    dir: &Path,
    sources: &mut BTreeMap<PathBuf, Source>,
    course: &mut Course,
    diags: &mut Diagnostics,
    prefix: &str,
) -> Vec<TocNode> {
    // Direct children of `dir`: files, and sub-folders that hold Markdown. Paths order by
    // component, so everything under `dir` is one range of the map: linear in the files overall.
    let mut children: BTreeMap<String, Option<PathBuf>> = BTreeMap::new();
    for key in sources.range(dir.to_path_buf()..) {
        let key = key.0;
        let Ok(rest) = key.strip_prefix(dir) else {
            break;
        };
        let mut comps = rest.components();
        let Some(first) = comps.next() else { continue };
        let name = first.as_os_str().to_string_lossy().into_owned();
        if comps.next().is_some() {
            children.entry(name).or_insert(None);
        } else if !is_index(key) || dir == Path::new("") {
            children.insert(name, Some(key.clone()));
        }
    }
    let mut nodes = Vec::new();
    let mut n = 0;
    for (name, file) in children {
        n += 1;
        let number = format!("{prefix}{n}.");
        match file {
            Some(key) => {
                let Some(src) = sources.remove(&key) else {
                    continue;
                };
                let mut page = make_page(src, PageKind::Lesson, &humanize(&stem_of(&key)), diags);
                if page.front.draft {
                    nodes.push(TocNode::Item {
                        title: page.title,
                        page: None,
                        number: Some(number),
                        children: Vec::new(),
                    });
                    continue;
                }
                page.number = Some(number.clone());
                let title = page.title.clone();
                let idx = push_page(course, page);
                course.order.push(idx);
                nodes.push(TocNode::Item {
                    title,
                    page: Some(idx),
                    number: Some(number),
                    children: Vec::new(),
                });
            }
            None => {
                let sub = dir.join(&name);
                let page = match take_index(&sub, sources, diags) {
                    Some(src) => make_page(src, PageKind::Chapter, &humanize(&name), diags),
                    None => generated_chapter(&sub, &name),
                };
                let mut page = page;
                page.number = Some(number.clone());
                let title = page.title.clone();
                let idx = push_page(course, page);
                course.order.push(idx);
                let children = build_dir(&sub, sources, course, diags, &number);
                nodes.push(TocNode::Item {
                    title,
                    page: Some(idx),
                    number: Some(number),
                    children,
                });
            }
        }
    }
    nodes
}

fn generated_chapter(sub: &Path, name: &str) -> Page {
    let src_rel = sub.join("index.md");
    Page {
        kind: PageKind::Chapter,
        source: None,
        url: super::page_url(&src_rel),
        src_rel: None,
        title: humanize(name),
        number: None,
        front: FrontMatter::default(),
        body: "".into(),
        body_line: 0,
        origins: None,
        hash: 0,
        quiz: None,
    }
}

/// With SUMMARY.md: its entries, in its order; files it does not list are not built.
pub fn from_summary(
    config: &Config,
    text: &str,
    markdown: Vec<Source>,
    course: &mut Course,
    diags: &mut Diagnostics,
) {
    let summary_rel = rel(&config.root, &config.src.join("SUMMARY.md"));
    let (entries, errors) = summary::parse(text, &summary_rel);
    diags.extend(errors);
    // Files that pages include (`{{#include part.md}}`) are part of those pages.
    let included: std::collections::HashSet<PathBuf> = markdown
        .iter()
        .flat_map(|s| s.includes.iter().cloned())
        .collect();
    let mut sources: BTreeMap<PathBuf, Source> = markdown
        .into_iter()
        .map(|s| (s.src_rel.clone(), s))
        .collect();
    let home_listed =
        entries_mention(&entries, "index.md") || entries_mention(&entries, "README.md");
    if !home_listed {
        // A home page of coursebook's own (the title, the description, the contents): an
        // unlisted `README.md` or `index.md` is not built, as in mdBook (trpl-zh-cn's README.md,
        // a stale contents list with dead links, became the site's front page).
        add_home(config, &mut BTreeMap::new(), course, diags);
        course.order.push(course.home);
    }
    let mut ctx = SummaryCtx {
        config,
        summary_rel: &summary_rel,
        sources: &mut sources,
        diags,
        home_listed,
    };
    let mut counter = 0;
    course.toc = ctx.convert(&entries, course, "", &mut counter);
    if home_listed && course.pages.is_empty() {
        add_home(config, &mut BTreeMap::new(), course, ctx.diags);
    }
    take_not_found(config, &mut sources, course, diags);
    for key in sources.keys() {
        let is_included = !included.is_empty()
            && std::fs::canonicalize(config.src.join(key)).is_ok_and(|p| included.contains(&p));
        if !is_included {
            diags.push(Diagnostic::warning(
                rel(&config.root, &config.src.join(key)),
                Pos::FILE,
                "this file is not listed in SUMMARY.md, so it is not built",
            ));
        }
    }
}

fn entries_mention(entries: &[Entry], file: &str) -> bool {
    entries.iter().any(|e| match e {
        Entry::Chapter(c) => {
            c.target.as_deref().map(target_file) == Some(file) || entries_mention(&c.children, file)
        }
        _ => false,
    })
}

/// The file a SUMMARY.md entry's link names: without its `#fragment` and leading `./`
/// (`./index.md` is the home page, as in mdBook: rust-cli's and cargo's books list it so).
fn target_file(target: &str) -> &str {
    let mut file = target.split('#').next().unwrap_or(target);
    while let Some(rest) = file.strip_prefix("./") {
        file = rest;
    }
    file
}

struct SummaryCtx<'a> {
    config: &'a Config,
    summary_rel: &'a Path,
    sources: &'a mut BTreeMap<PathBuf, Source>,
    diags: &'a mut Diagnostics,
    home_listed: bool,
}

impl SummaryCtx<'_> {
    fn convert(
        &mut self,
        entries: &[Entry],
        course: &mut Course,
        prefix: &str,
        counter: &mut usize,
    ) -> Vec<TocNode> {
        let mut nodes = Vec::new();
        for entry in entries {
            match entry {
                Entry::Part { title } => nodes.push(TocNode::Part(title.clone())),
                Entry::Separator => nodes.push(TocNode::Separator),
                Entry::Chapter(ch) => {
                    let number = ch.numbered.then(|| {
                        *counter += 1;
                        format!("{prefix}{counter}.")
                    });
                    let page = ch
                        .target
                        .as_deref()
                        .and_then(|t| self.page_for(ch, t, course, number.clone()));
                    let mut sub = 0;
                    let children = self.convert(
                        &ch.children,
                        course,
                        number.as_deref().unwrap_or(prefix),
                        &mut sub,
                    );
                    nodes.push(TocNode::Item {
                        title: ch.title.clone(),
                        page,
                        number,
                        children,
                    });
                }
            }
        }
        nodes
    }

    fn page_for(
        &mut self,
        ch: &summary::Chapter,
        target: &str,
        course: &mut Course,
        number: Option<String>,
    ) -> Option<usize> {
        let file = target.split('#').next().unwrap_or(target);
        let key = PathBuf::from(target_file(target));
        if let Some(existing) = course.page_by_src(&key) {
            self.diags.push(Diagnostic::error(
                self.summary_rel,
                Pos::new(ch.line, ch.col),
                format!("{file} is listed twice"),
            ));
            return Some(existing);
        }
        let Some(src) = self.sources.remove(&key) else {
            // A path that climbs out of the sources (or is absolute) is not even looked at: a
            // look is a probe of what exists outside. Links are not followed either.
            let outside = crate::content::quiz::normalized(&key).is_none();
            let exists = !outside && plain_file_under(&self.config.src, &key);
            let message = if outside {
                format!("`{file}` is outside the course's source folder")
            } else if exists {
                format!("`{file}` cannot be used as a page")
            } else {
                format!("`{file}` does not exist")
            };
            self.diags.push(
                Diagnostic::error(self.summary_rel, Pos::new(ch.line, ch.col), message).with_help(
                    if outside {
                        "name a Markdown file inside the course source folder (paths are relative to it)".to_string()
                    } else if exists {
                        "a chapter is a Markdown (.md) file; link other files from a chapter's text".to_string()
                    } else if file.contains("://") {
                        "SUMMARY.md lists the course's own Markdown files; link other sites from a chapter's text".to_string()
                    } else {
                        format!(
                            "create {} or fix the path (it is relative to the course source folder)",
                            rel(&self.config.root, &self.config.src.join(&key)).display()
                        )
                    },
                ),
            );
            return None;
        };
        let is_home = self.home_listed && key.parent() == Some(Path::new("")) && is_index(&key);
        let kind = if is_home {
            PageKind::Home
        } else if ch.children.is_empty() {
            PageKind::Lesson
        } else {
            PageKind::Chapter
        };
        let mut page = make_page(src, kind, &ch.title, self.diags);
        // SUMMARY.md orders the course: names keep their numbers, as mdBook's URLs do.
        if let Some(src_rel) = &page.src_rel {
            page.url = super::urls::named_url(src_rel);
        }
        if page.front.title.is_none() {
            page.title = ch.title.clone();
        }
        if page.front.draft {
            return None;
        }
        page.number = number;
        let idx = push_page(course, page);
        if is_home {
            course.home = idx;
        }
        course.order.push(idx);
        Some(idx)
    }
}
