//! The course model: pages, their order and nesting, and the files copied as they are.
//!
//! Pure data, no HTML. Loading reads `content/` (through SUMMARY.md when there is one, else by
//! file and folder names), parses front matter, and reports every problem it finds.

pub(crate) mod directives;
pub mod frontmatter;
pub mod glossary;
pub(crate) mod mdbook_quiz;
pub mod progress;
pub mod quiz;
pub mod sources;
pub mod summary;
mod tree;
mod urls;
pub use urls::built_sites_left_out;

pub use frontmatter::FrontMatter;
pub use sources::{Source, SourceCache};
pub use urls::{page_url, strip_number};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Pos, rel};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageKind {
    Home,
    Chapter,
    Lesson,
    Glossary,
    Contents,
    Progress,
    NotFound,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub kind: PageKind,
    /// The Markdown file, relative to the course root (for messages); `None` when generated.
    pub source: Option<PathBuf>,
    /// The Markdown file relative to `src` (for resolving links).
    pub src_rel: Option<PathBuf>,
    /// Where the page is written, relative to the site root, e.g. `foundations/models.html`.
    pub url: String,
    pub title: String,
    /// Section number such as `1.2.` for numbered chapters.
    pub number: Option<String>,
    pub front: FrontMatter,
    pub body: std::sync::Arc<str>,
    /// Lines of the file before `body` (front matter), for positions.
    pub body_line: usize,
    /// Where the lines of `body` came from, when includes brought in other files' lines.
    pub origins: Option<std::sync::Arc<crate::diag::Origins>>,
    /// A hash of the Markdown file, for serve's caches (0 for generated pages, and in plain
    /// builds, which do not need it).
    pub hash: u64,
    /// The lesson's quiz file, parsed and checked (`quiz::attach_lesson_quizzes`); quizzes
    /// written as ```` ```quiz ```` blocks are parsed with the page's Markdown.
    pub quiz: Option<std::sync::Arc<quiz::Quiz>>,
}

#[derive(Clone, Debug, Hash)]
pub enum TocNode {
    Part(String),
    Separator,
    Item {
        title: String,
        /// Index into `Course::pages`; `None` for a draft.
        page: Option<usize>,
        number: Option<String>,
        children: Vec<TocNode>,
    },
}

/// A file from `content/` copied to the site as it is.
#[derive(Clone, Debug)]
pub struct Asset {
    pub source: PathBuf,
    /// Relative to src, `/`-separated.
    pub src_rel: String,
    pub url: String,
}

#[derive(Clone, Debug, Default)]
pub struct Course {
    /// Ordered by SUMMARY.md: an mdBook book, whose links mdBook never checks.
    pub from_summary: bool,
    pub pages: Vec<Page>,
    pub toc: Vec<TocNode>,
    /// Page indices in reading order (for previous / next).
    pub order: Vec<usize>,
    pub home: usize,
    pub assets: Vec<Asset>,
    /// For each page, the child indices leading to it in `toc` (`None` when it is not there).
    pub toc_paths: Vec<Option<Vec<usize>>>,
    /// Other files found beside lessons (`*.quiz.yaml`, the glossary), relative to src.
    pub data_files: Vec<PathBuf>,
}

impl Course {
    /// Pages in reading order, each once (the table of contents may list a page twice).
    pub fn reading_order(&self) -> Vec<usize> {
        let mut seen = vec![false; self.pages.len()];
        self.order
            .iter()
            .copied()
            .filter(|&i| !std::mem::replace(&mut seen[i], true))
            .collect()
    }

    pub fn page_by_src(&self, src_rel: &Path) -> Option<usize> {
        self.pages
            .iter()
            .position(|p| p.src_rel.as_deref() == Some(src_rel))
    }
}

/// Read a file the walk found (so inside the course) as UTF-8, reporting unreadable and
/// non-UTF-8 files at their path.
pub fn read_text(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    let shown = rel(root, path);
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > crate::confine::MAX_TEXT
    {
        diags.push(
            Diagnostic::error(
                shown,
                Pos::FILE,
                format!(
                    "cannot read the file: {}",
                    crate::confine::Denied::TooLarge(meta.len(), crate::confine::MAX_TEXT)
                ),
            )
            .with_help("split it into several lessons"),
        );
        return None;
    }
    // A lesson that is a link to a file outside the sources (which serve watches whole):
    // noted where it leads, so that serve follows edits there.
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && let Ok(real) = std::fs::canonicalize(path)
    {
        crate::confine::note_read(&real);
    }
    match std::fs::read(path) {
        // A lesson keeps its NUL bytes here: `sources::replace_controls` replaces them, with
        // the other controls, and says so.
        Ok(bytes) => decode(shown, bytes, false, diags),
        Err(e) => {
            diags.push(Diagnostic::error(
                shown,
                Pos::FILE,
                format!("cannot read the file: {e}"),
            ));
            None
        }
    }
}

/// Read a file that course input names (book.toml's glossary, a quiz in front matter,
/// SUMMARY.md) as UTF-8, only if it is a regular file inside the course folder, neither hidden
/// nor in a built site: each is published, and `quiz: ../.env.d/q.yaml` published a hidden
/// file while a link to `.git/config` as SUMMARY.md quoted its lines (the CI token) in the
/// errors. A refusal is reported at `named_at` (the file and position that named it), else at
/// the path itself.
pub fn read_named_text(
    config: &Config,
    path: &Path,
    named_at: Option<(&Path, Pos)>,
    diags: &mut Diagnostics,
) -> Option<String> {
    read_named_text_within(
        config,
        path,
        named_at,
        (crate::confine::MAX_TEXT, ""),
        diags,
    )
}

/// [`read_named_text`] for a kind of file with a bound of its own (`limit`: its bytes, and the
/// help to give when it is over them): refused before it is read, so before it is parsed.
pub fn read_named_text_within(
    config: &Config,
    path: &Path,
    named_at: Option<(&Path, Pos)>,
    limit: (u64, &str),
    diags: &mut Diagnostics,
) -> Option<String> {
    let shown = rel(&config.root, path);
    match config.jail.read_published_within(path, limit.0) {
        Ok(bytes) => decode(shown, bytes, true, diags),
        Err(denied) => {
            let (at, pos) = named_at.unwrap_or((&shown, Pos::FILE));
            let too_large = matches!(denied, crate::confine::Denied::TooLarge(..));
            let mut d = Diagnostic::error(
                at,
                pos,
                format!("cannot read {}: {denied}", shown.display()),
            );
            if too_large && !limit.1.is_empty() {
                d = d.with_help(limit.1);
            }
            diags.push(d);
            None
        }
    }
}

/// Bytes read from `path` ahead of time (a lesson's quiz file, `quiz::LessonQuizFiles`) as
/// [`read_named_text_within`] makes them text.
pub fn decode_read(
    root: &Path,
    path: &Path,
    bytes: Vec<u8>,
    diags: &mut Diagnostics,
) -> Option<String> {
    decode(rel(root, path), bytes, true, diags)
}

fn decode(
    shown: PathBuf,
    mut bytes: Vec<u8>,
    replace_nul: bool,
    diags: &mut Diagnostics,
) -> Option<String> {
    lone_cr_to_lf(&mut bytes);
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            // A byte-order mark (some Windows editors write one) is not part of the text.
            if let Some(rest) = text.strip_prefix('\u{feff}') {
                text = rest.to_string();
            }
            // NUL may not reach the page or an id: CommonMark replaces it with U+FFFD.
            if replace_nul && text.contains('\0') {
                text = text.replace('\0', "\u{fffd}");
            }
            Some(text)
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    shown,
                    crate::diag::utf8_error_pos(&e),
                    "the file is not valid UTF-8",
                )
                .with_help("save the file as UTF-8 in your editor"),
            );
            None
        }
    }
}

/// A carriage return that no newline follows (old Mac line endings) ends a line for CommonMark
/// and YAML, but front matter, line numbers and the passes that look at lines count `\n` only:
/// a CR-only lesson lost its front matter, its links and math silently (the whole page became
/// one heading) and every message said line 1. Each becomes `\n`: one byte for one, so every
/// offset stays where it was, and `\r\n` (and a file without CR) is left as it is.
pub fn lone_cr_to_lf(bytes: &mut [u8]) {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\r', &bytes[from..]) {
        let at = from + i;
        if bytes.get(at + 1) != Some(&b'\n') {
            bytes[at] = b'\n';
        }
        from = at + 1;
    }
}

/// The most Markdown files a course may have: twice the benchmark's largest course (10,000
/// lessons). Each page costs memory whatever it holds (its place in every list, its search
/// documents): 200,000 files of 4 bytes took 879 MB, 50,000 empty ones with long names 840 MB.
pub const MAX_LESSONS: usize = 20_000;

/// Load the whole course from `config.src`. With a cache (`coursebook serve`), unchanged
/// Markdown files are not read again.
pub fn load(
    config: &Config,
    mut cache: Option<&mut SourceCache>,
    diags: &mut Diagnostics,
) -> Course {
    let src = &config.src;
    // Quizzes are kept only when the watcher tells what changed (sources.rs `watched`).
    let watched = cache.as_ref().is_some_and(|c| c.watched);
    if !src.is_dir() {
        diags.push(
            Diagnostic::error(
                rel(&config.root, src),
                Pos::FILE,
                "the course source folder does not exist",
            )
            .with_help("create it, or set `src` under [book] in book.toml"),
        );
        return Course::default();
    }
    let files = match cache.as_deref().and_then(SourceCache::walk) {
        Some(files) => files.to_vec(),
        None => {
            let before = diags.len();
            let files = urls::walk(config, diags);
            if let Some(c) = cache.as_deref_mut().filter(|_| diags.len() == before) {
                c.keep_walk(&files);
            }
            files
        }
    };
    let mut markdown = Vec::new();
    let mut course = Course {
        from_summary: src.join("SUMMARY.md").is_file(),
        ..Course::default()
    };
    let glossary = config.glossary.clone();
    // With SUMMARY.md, URLs are the files' own names (mdBook's); without, numeric prefixes
    // order the course and are dropped.
    let ordered_by_summary = course.from_summary;
    for file in files {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let src_rel = file.strip_prefix(src).unwrap_or(&file).to_path_buf();
        if name.ends_with(".md") {
            if name == "SUMMARY.md" && src_rel.parent() == Some(Path::new("")) {
                continue;
            }
            markdown.push((file, src_rel));
        } else if quiz::is_quiz_file(name) || src_rel == glossary {
            course.data_files.push(src_rel);
        } else {
            let url = if ordered_by_summary {
                urls::named_asset_url(&src_rel)
            } else {
                urls::asset_url(&src_rel)
            };
            course.assets.push(Asset {
                source: file,
                src_rel: src_rel.to_string_lossy().replace('\\', "/"),
                url,
            });
        }
    }
    if markdown.len() > MAX_LESSONS {
        diags.push(
            Diagnostic::error(
                rel(&config.root, &markdown[MAX_LESSONS].0),
                Pos::FILE,
                format!(
                    "the course has {} Markdown files, and coursebook builds courses of up to {MAX_LESSONS}",
                    markdown.len()
                ),
            )
            .with_help("split the course into several courses"),
        );
        // The rest is not read: the build fails, and each page costs memory and time.
        markdown.truncate(MAX_LESSONS);
    }
    let mut markdown = sources::read_all(&config.root, markdown, cache.as_deref_mut(), diags);
    if ordered_by_summary {
        markdown.iter_mut().for_each(Source::lenient);
    }
    quiz::warn_unread_quizzes(config, &course.data_files, &markdown, diags);
    // An mdbook-quiz file read by `{{#quiz}}` is the quiz's source, like a `.quiz.yaml`: not
    // published (mdBook copies it, answer keys and all, beside the page that conceals them).
    let quizzes: std::collections::HashSet<&PathBuf> =
        markdown.iter().flat_map(|s| &s.quizzes).collect();
    if !quizzes.is_empty() {
        course
            .assets
            .retain(|a| std::fs::canonicalize(&a.source).map_or(true, |p| !quizzes.contains(&p)));
    }
    let summary_path = src.join("SUMMARY.md");
    if summary_path.is_dir() {
        // Not silently ordered by file names instead of the order the author meant.
        diags.push(
            Diagnostic::error(
                crate::diag::rel(&config.root, &summary_path),
                Pos::FILE,
                "SUMMARY.md is a folder, not the file of the course's table of contents",
            )
            .with_help("make SUMMARY.md a Markdown file, or remove the folder to order lessons by their file names"),
        );
        return course;
    }
    let summary = if summary_path.is_file() {
        match read_named_text(config, &summary_path, None, diags) {
            // Its titles are on every page (sidebar, contents, `<title>`).
            Some(mut text) => {
                let shown = crate::diag::rel(&config.root, &summary_path);
                diags.extend(sources::replace_controls(&mut text, &shown));
                Some(text)
            }
            None => return course,
        }
    } else {
        None
    };
    // serve: when no title, draft flag, file or SUMMARY.md changed, the structure is the same
    // as last time; only the pages' text is new.
    let key = cache.as_deref().map(|_| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (format!("{config:?}"), &summary, &course.assets.len()).hash(&mut h);
        for s in &markdown {
            (&s.src_rel, s.tree_key).hash(&mut h);
        }
        h.finish()
    });
    if let (Some(c), Some(key)) = (cache.as_deref(), key)
        && let Some(kept) = c.course(key)
    {
        let mut course = sources::refresh(kept, markdown, diags);
        progress::check_ids(&course, diags);
        let quizzes = cache.map(|c| &mut c.quizzes).filter(|_| watched);
        quiz::attach_lesson_quizzes(config, &mut course, quizzes, None, diags);
        return course;
    }
    // The sources' own problems (a broken include, a bad directive) are made into pages'
    // problems below, but a kept structure must not hold a page's: `refresh` reports the fresh
    // sources' problems of the pages itself, and serve went on showing an include fixed since
    // (600 lessons fixed, 595 problems still shown; one fixed in one and made in another,
    // twice). A draft's stay with the structure: `refresh` does not read drafts again, and
    // serve must not pass what `coursebook build` fails.
    let source_problems: HashMap<PathBuf, Vec<String>> = match cache.is_some() {
        true => markdown
            .iter()
            .map(|s| {
                let texts = s.problems().iter().map(ToString::to_string).collect();
                (s.src_rel.clone(), texts)
            })
            .collect(),
        false => HashMap::new(),
    };
    let mut found = Diagnostics::default();
    match &summary {
        Some(text) => tree::from_summary(config, text, markdown, &mut course, &mut found),
        None => tree::from_names(config, markdown, &mut course, &mut found),
    }
    let glossary = course.data_files.contains(&config.glossary);
    urls::check_collisions(&course, &config.root, (config.print, glossary), &mut found);
    bound_titles(&mut course, &mut found);
    if config.no_section_label {
        unnumber(&mut course);
    }
    course.toc_paths = vec![None; course.pages.len()];
    index_paths(&course.toc, &mut Vec::new(), &mut course.toc_paths);
    let found = found.into_vec();
    if let (Some(c), Some(key)) = (cache.as_deref_mut(), key) {
        let pages: std::collections::HashSet<&String> = course
            .pages
            .iter()
            .filter_map(|p| p.src_rel.as_ref())
            .filter_map(|r| source_problems.get(r))
            .flatten()
            .collect();
        let structural: Vec<Diagnostic> = found
            .iter()
            .filter(|d| !pages.contains(&d.to_string()))
            .cloned()
            .collect();
        c.keep_course(key, &course, &structural);
    }
    diags.extend(found);
    progress::check_ids(&course, diags);
    // A plain build attaches the quizzes itself, after asking the site store (site/mod.rs).
    if let Some(c) = cache {
        let quizzes = Some(&mut c.quizzes).filter(|_| watched);
        quiz::attach_lesson_quizzes(config, &mut course, quizzes, None, diags);
    }
    course
}

/// `no-section-label`: no "1.2." before titles, in the sidebar, the lists or the pages.
fn unnumber(course: &mut Course) {
    fn walk(nodes: &mut [TocNode]) {
        for node in nodes {
            if let TocNode::Item {
                number, children, ..
            } = node
            {
                *number = None;
                walk(children);
            }
        }
    }
    walk(&mut course.toc);
    for page in &mut course.pages {
        page.number = None;
    }
}

fn index_paths(nodes: &[TocNode], prefix: &mut Vec<usize>, out: &mut Vec<Option<Vec<usize>>>) {
    for (i, node) in nodes.iter().enumerate() {
        if let TocNode::Item { page, children, .. } = node {
            prefix.push(i);
            if let Some(slot) = page.and_then(|p| out.get_mut(p)) {
                slot.get_or_insert_with(|| prefix.clone());
            }
            index_paths(children, prefix, out);
            prefix.pop();
        }
    }
}

/// The most characters of a page's title. Every page's sidebar lists the titles of the course
/// (capped in number, not in length): 40 lessons with 1 MB titles made a 1.2 GB site.
const MAX_PAGE_TITLE: usize = 1_000;

/// Cut titles past [`MAX_PAGE_TITLE`], in the pages and the contents alike, with a warning at
/// each page's file.
fn bound_titles(course: &mut Course, diags: &mut Diagnostics) {
    fn cut(title: &mut String) -> bool {
        match title.char_indices().nth(MAX_PAGE_TITLE) {
            Some((at, _)) => {
                title.truncate(at);
                title.push('…');
                true
            }
            None => false,
        }
    }
    fn walk(nodes: &mut [TocNode]) {
        for node in nodes {
            match node {
                TocNode::Part(title) => {
                    cut(title);
                }
                TocNode::Item {
                    title, children, ..
                } => {
                    cut(title);
                    walk(children);
                }
                TocNode::Separator => {}
            }
        }
    }
    for page in &mut course.pages {
        if cut(&mut page.title) {
            diags.push(
                Diagnostic::warning(
                    page.source.clone().unwrap_or_else(|| PathBuf::from("SUMMARY.md")),
                    Pos::FILE,
                    format!(
                        "the page's title is longer than {MAX_PAGE_TITLE} characters; it is cut there (every page's contents lists it)"
                    ),
                )
                .with_help("give the page a shorter `title`; its first paragraph can say the rest"),
            );
        }
    }
    walk(&mut course.toc);
}
