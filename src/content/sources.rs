//! Reading the course's Markdown: each file split into front matter and body, its front matter
//! parsed, all files in parallel. `coursebook serve` keeps what it read in a [`SourceCache`] and
//! reads again only the files that changed, so one edit costs one file, not the course.

use super::{Course, FrontMatter, frontmatter, read_text};
use crate::diag::{Diagnostic, Diagnostics, rel};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// A Markdown file read from disk and split.
#[derive(Clone, Debug)]
pub struct Source {
    pub src_rel: PathBuf,
    pub root_rel: PathBuf,
    /// The front matter, or why it could not be read (reported when the page is made).
    pub front: Result<FrontMatter, Diagnostic>,
    /// Shared, not copied, by every rebuild that finds the file unchanged.
    pub body: Arc<str>,
    /// Lines of the file before `body` (front matter), for positions.
    pub body_line: usize,
    /// A hash of the whole file: equal hashes mean the page renders the same (0 when read
    /// without a cache: only serve's keys use it).
    pub hash: u64,
    /// A hash of what the course's structure takes from the file: front matter, first heading
    /// (0 without a cache).
    pub tree_key: u64,
    /// A warning about the text itself (bidirectional controls), repeated on every build.
    pub warning: Option<Diagnostic>,
    /// What reading it reported beyond its front matter's errors: unknown front matter keys,
    /// and what expanding its `{{#…}}` directives found (content::directives).
    pub directive_diags: Vec<Diagnostic>,
    /// The places in `directive_diags` of includes whose file does not exist or is hidden, with
    /// their help ([`Source::lenient`]).
    pub missing_includes: Vec<(usize, &'static str)>,
    /// The files included into it (canonical paths): serve re-reads it on every build, as a
    /// change to an included file does not touch its own.
    pub includes: Vec<PathBuf>,
    /// The mdbook-quiz files among `includes` (content::directives `Expanded::quizzes`).
    pub quizzes: Vec<PathBuf>,
    /// Where the lines of `body` came from, when includes brought in other files' lines.
    pub origins: Option<Arc<crate::diag::Origins>>,
}

impl Source {
    /// In a book ordered by SUMMARY.md, an include whose file does not exist is a warning, as
    /// mdBook only logs it and shows the directive as written (rust-analyzer's book includes
    /// files its build generates), and so is one of a hidden file, which is never published
    /// (Comprehensive Rust includes `.cargo/config.toml`); a coursebook course keeps the error.
    pub fn lenient(&mut self) {
        for &(i, help) in &self.missing_includes {
            if let Some(d) = self.directive_diags.get_mut(i) {
                d.severity = crate::diag::Severity::Warning;
                d.help = Some(help.to_string());
            }
        }
    }

    /// What reading the file found beyond its front matter's errors: its text's warning, then
    /// its directives' and front matter keys' problems.
    pub fn problems(&self) -> Vec<Diagnostic> {
        self.warning
            .iter()
            .chain(&self.directive_diags)
            .cloned()
            .collect()
    }
}

/// What identifies a version of a file without reading it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    std::fs::metadata(path).ok().map(|m| Stamp {
        modified: m.modified().ok(),
        len: m.len(),
    })
}

/// Files read by an earlier build, by path relative to the source folder.
#[derive(Default)]
pub struct SourceCache {
    files: HashMap<PathBuf, (Stamp, Arc<Source>)>,
    /// Hashes of the other files pages depend on (quizzes).
    data: HashMap<PathBuf, (Stamp, u64)>,
    /// The files the last walk found, kept while no file is created, removed or renamed.
    walk: Option<Vec<PathBuf>>,
    /// The course last built from them, its key, and what building it reported.
    course: Option<(u64, Course, Vec<Diagnostic>)>,
    /// The lessons' quiz files as read and parsed (serve only).
    pub quizzes: super::quiz::QuizCache,
    /// Set by `coursebook serve`, whose watcher reports every change through
    /// [`SourceCache::invalidate`]: an entry is then reused without even a `stat`.
    pub watched: bool,
    /// Where each path the entries above are kept by (relative to the sources) really is,
    /// links followed ([`SourceCache::learn_real`]): the watcher names a file where it is, so
    /// an edit to `shared/b.md` must also forget `01-basics/b.md -> ../shared/b.md`.
    real: HashMap<PathBuf, PathBuf>,
}

impl SourceCache {
    /// The files of the last walk, when still valid.
    pub fn walk(&self) -> Option<&[PathBuf]> {
        self.walk.as_deref().filter(|_| self.watched)
    }

    pub fn keep_walk(&mut self, files: &[PathBuf]) {
        if self.watched {
            self.walk = Some(files.to_vec());
        }
    }

    /// A file or folder was created, removed or renamed: walk the sources again.
    pub fn forget_walk(&mut self) {
        self.walk = None;
        self.course = None;
    }

    /// The course built last time, if it was built from sources with this key.
    pub fn course(&self, key: u64) -> Option<(&Course, &[Diagnostic])> {
        self.course
            .as_ref()
            .filter(|(k, _, _)| *k == key && self.watched)
            .map(|(_, c, d)| (c, d.as_slice()))
    }

    pub fn keep_course(&mut self, key: u64, course: &Course, diags: &[Diagnostic]) {
        if self.watched {
            self.course = Some((key, course.clone(), diags.to_vec()));
        }
    }

    /// The watcher saw `path` change: read it again whatever its stamp says (a coarse clock can
    /// give two quick saves of the same length one modification time). `path` may be a folder.
    /// It is named as the watcher watched it (`/course/./content/…` for `src` "./content", even
    /// when `content` is a link) or where a link leads: every entry whose path is it, or inside
    /// it, by the sources' name, their canonical path or where the entry's own path leads, goes.
    pub fn invalidate(&mut self, src: &Path, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let canonical = src.canonicalize().ok();
        let named = std::path::absolute(src).ok();
        // The changed places, relative to the sources (`Path::strip_prefix` takes no notice of
        // a `.` inside a path).
        let mut gone: Vec<PathBuf> = [named.as_deref(), canonical.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|base| path.strip_prefix(base).ok().map(Path::to_path_buf))
            .collect();
        if let Some(real) = real_path(&path) {
            if let Some(r) = canonical.as_deref().and_then(|c| real.strip_prefix(c).ok()) {
                gone.push(r.to_path_buf());
            }
            gone.extend(
                self.real
                    .iter()
                    .filter(|(_, to)| to.starts_with(&real))
                    .map(|(key, _)| key.clone()),
            );
        }
        if gone.iter().any(|r| r.as_os_str().is_empty()) {
            // The source folder itself.
            self.clear();
            return;
        }
        // Outside the sources (book.toml, the theme) there is nothing of ours to forget.
        if gone.is_empty() {
            return;
        }
        let hit = |key: &Path| gone.iter().any(|r| key.starts_with(r));
        self.files.retain(|k, _| !hit(k));
        self.data.retain(|k, _| !hit(k));
        self.quizzes
            .retain(|(quiz, lesson), _| !hit(quiz) && !hit(lesson));
        // A link may now lead elsewhere: learnt again after the next build.
        self.real.retain(|k, _| !hit(k));
    }

    /// Note where the paths of entries kept since the last call really are (serve, after each
    /// build): a `canonicalize` for each path read afresh, none for one kept.
    pub fn learn_real(&mut self, src: &Path) {
        if !self.watched {
            return;
        }
        let keys: Vec<PathBuf> = self
            .files
            .keys()
            .chain(self.data.keys())
            .chain(
                self.quizzes
                    .keys()
                    .flat_map(|(quiz, lesson)| [quiz, lesson]),
            )
            .filter(|k| !self.real.contains_key(*k))
            .cloned()
            .collect();
        for key in keys {
            if let Ok(real) = src.join(&key).canonicalize() {
                self.real.insert(key, real);
            }
        }
    }

    /// Forget everything (the watcher lost track of events).
    pub fn clear(&mut self) {
        self.real.clear();
        self.files.clear();
        self.data.clear();
        self.quizzes.clear();
        self.forget_walk();
    }

    /// The hashes of `files` (relative to `src`), reading only those that changed.
    pub fn data_hashes(&mut self, src: &Path, files: &[PathBuf]) -> HashMap<PathBuf, u64> {
        let mut out = HashMap::with_capacity(files.len());
        for file in files {
            let full = src.join(file);
            if self.watched
                && let Some((_, hash)) = self.data.get(file)
            {
                out.insert(file.clone(), *hash);
                continue;
            }
            let Some(now) = stamp(&full) else { continue };
            let hash = match self.data.get(file) {
                Some((then, hash)) if *then == now => *hash,
                _ => {
                    let Ok(bytes) = std::fs::read(&full) else {
                        continue;
                    };
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    bytes.hash(&mut h);
                    let hash = h.finish();
                    self.data.insert(file.clone(), (now, hash));
                    hash
                }
            };
            out.insert(file.clone(), hash);
        }
        out
    }
}

/// Where `path` really is: its folder's links followed, not its own (an edit made through a
/// link is named where the file is, so a change named by a link is the link's own), and a file
/// just removed has a folder still.
fn real_path(path: &Path) -> Option<PathBuf> {
    Some(path.parent()?.canonicalize().ok()?.join(path.file_name()?))
}

/// One file read (or its errors), its stamp, and whether it was read now (not from the cache).
type ReadResult = (Option<Stamp>, Result<Arc<Source>, Diagnostics>, bool);

/// Read `files` (absolute, each with its path relative to `src`), reusing `cache` entries whose
/// file is unchanged. The result keeps the order of `files`.
pub fn read_all(
    root: &Path,
    files: Vec<(PathBuf, PathBuf)>,
    mut cache: Option<&mut SourceCache>,
    diags: &mut Diagnostics,
) -> Vec<Source> {
    let previous = cache.as_deref();
    // What includes bring into these pages, in all (directives.rs `MAX_COURSE_INCLUDED`).
    let included = std::sync::atomic::AtomicUsize::new(0);
    // Made once: its course folder resolved for each file was three system calls a folder
    // above it, every build.
    let jail = crate::confine::Jail::for_includes(root);
    let results: Vec<ReadResult> = files
        .into_par_iter()
        .with_max_len(1)
        .map(|(file, src_rel)| {
            let kept = previous.and_then(|c| c.files.get(&src_rel));
            // Watched: an entry still here is unchanged (the watcher would have removed it).
            let now = match (previous, kept) {
                (Some(c), Some((then, _))) if c.watched => Some(*then),
                (Some(_), _) => stamp(&file),
                (None, _) => None,
            };
            if let Some((then, hit)) = kept
                && now == Some(*then)
            {
                return (now, Ok(Arc::clone(hit)), false);
            }
            let mut errors = Diagnostics::default();
            let source = read_one(
                root,
                &jail,
                &file,
                src_rel,
                previous.is_some(),
                &included,
                &mut errors,
            );
            (now, source.map(Arc::new).ok_or(errors), true)
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for (now, result, fresh) in results {
        match result {
            // What reading it found is said when it becomes a page (`tree::make_page`,
            // `refresh`): a file SUMMARY.md does not list is not built, so its broken includes
            // do not fail the build (Comprehensive Rust has such files).
            Ok(source) => {
                if let (Some(cache), Some(now), true, false) = (
                    cache.as_deref_mut(),
                    now,
                    fresh,
                    !source.includes.is_empty(),
                ) {
                    cache
                        .files
                        .insert(source.src_rel.clone(), (now, Arc::clone(&source)));
                }
                out.push(Arc::unwrap_or_clone(source));
            }
            Err(errors) => diags.extend(errors.into_vec()),
        }
    }
    out
}

/// Read and split one file. `keyed`: compute the hashes serve's caches use (a plain build has
/// no use for them).
fn read_one(
    root: &Path,
    jail: &crate::confine::Jail,
    file: &Path,
    src_rel: PathBuf,
    keyed: bool,
    included: &std::sync::atomic::AtomicUsize,
    diags: &mut Diagnostics,
) -> Option<Source> {
    let mut text = read_text(root, file, diags)?;
    let root_rel = rel(root, file);
    let controls = replace_controls(&mut text, &root_rel);
    let warning = bidi_warning(&text, &root_rel);
    let split = frontmatter::split(&text);
    let mut front = match split.front {
        Some(yaml) => frontmatter::parse(yaml, &root_rel, split.front_line),
        None => Ok(FrontMatter::default()),
    };
    let mut key_problems = split.front.map_or_else(Vec::new, |yaml| {
        frontmatter::key_problems(yaml, &root_rel, split.front_line)
    });
    if let (Some(yaml), Ok(front)) = (split.front, &mut front) {
        key_problems.extend(frontmatter::clean(front, yaml, &root_rel, split.front_line));
    }
    // mdBook's `{{#include}}` and friends, expanded before anything reads the Markdown.
    let expanded =
        super::directives::expand(jail, file, &root_rel, split.body, split.body_line, included);
    if let (Some(title), Ok(front)) = (expanded.as_ref().and_then(|e| e.title.clone()), &mut front)
    {
        // `<title>` text, cleaned as front matter's title is.
        let (title, changed) = frontmatter::clean_text(title);
        if changed {
            let at = split.body.find("{{#title").unwrap_or(0);
            let line = split.body_line + split.body[..at].matches('\n').count() + 1;
            key_problems.push(frontmatter::replaced_warning(
                &root_rel,
                crate::diag::Pos::new(line, 1),
                "`{{#title}}`",
                "remove them from the title",
            ));
        }
        front.html_title = Some(title);
    }
    let key = |value: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        value(&mut h);
        h.finish()
    };
    let (body, mut directive_diags, includes, quizzes, origins, missing_includes): (
        Arc<str>,
        _,
        _,
        _,
        _,
        _,
    ) = match expanded {
        Some(e) => {
            let origins = (!e.origins.is_identity(&root_rel)).then(|| Arc::new(e.origins));
            (
                Arc::from(e.text.as_str()),
                e.diags,
                e.files,
                e.quizzes,
                origins,
                e.missing,
            )
        }
        None => (
            Arc::from(split.body),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            None,
            Vec::new(),
        ),
    };
    directive_diags.extend(controls);
    directive_diags.extend(key_problems);
    let included = !includes.is_empty();
    // The page renders what its includes hold too: their text is part of its hash.
    let (hash, tree_key) = if keyed {
        (
            key(&|h| (text.as_str(), included.then_some(&*body)).hash(h)),
            key(&|h| (format!("{front:?}"), super::tree::first_heading(&body)).hash(h)),
        )
    } else {
        (0, 0)
    };
    Some(Source {
        warning,
        directive_diags,
        missing_includes,
        includes,
        quizzes,
        origins,
        front,
        body,
        body_line: split.body_line,
        hash,
        tree_key,
        src_rel,
        root_rel,
    })
}

/// The course built last time from sources with the same structure, with each page's text,
/// hash and front matter taken from `sources`.
pub fn refresh(
    (kept, found): (&Course, &[Diagnostic]),
    sources: Vec<Source>,
    diags: &mut Diagnostics,
) -> Course {
    let mut course = kept.clone();
    let mut by_path: HashMap<PathBuf, Source> = sources
        .into_iter()
        .map(|s| (s.src_rel.clone(), s))
        .collect();
    for page in &mut course.pages {
        if let Some(source) = page.src_rel.as_ref().and_then(|p| by_path.remove(p)) {
            diags.extend(source.problems());
            page.body = source.body;
            page.origins = source.origins;
            page.hash = source.hash;
            if let Ok(front) = source.front {
                page.front = front;
            }
        }
    }
    diags.extend(found.iter().cloned());
    course
}

/// Control characters other than white space (U+0000–U+001F but tab, line feed, form feed and
/// carriage return; U+007F–U+009F) may not be in an HTML page (the validator calls them
/// forbidden code points): each becomes U+FFFD, with one warning per file, at the first. A
/// bell or an escape sequence pasted with a terminal session reached the page as it was.
pub(crate) fn replace_controls(text: &mut String, path: &Path) -> Option<Diagnostic> {
    if !crate::markdown::may_hold_control(text) {
        return None;
    }
    let (offset, c) = text
        .char_indices()
        .find(|&(_, c)| crate::markdown::forbidden_control(c))?;
    let warning = Diagnostic::warning(
        path,
        crate::diag::Pos::of_offset(text, offset),
        format!(
            "a control character (U+{:04X}) cannot be in a web page; it is shown as U+FFFD (�)",
            u32::from(c)
        ),
    )
    .with_help("remove it (a terminal's escape sequences or a bell pasted with its output)");
    *text = crate::markdown::without_controls(text);
    Some(warning)
}

/// Bidirectional control characters (U+202A–U+202E, U+2066–U+2069) make text display in another
/// order than it is written ("Trojan Source"): in a lesson, a code block can read differently
/// from what it does. One warning per file, at the first.
fn bidi_warning(text: &str, path: &Path) -> Option<Diagnostic> {
    // Every one of them is encoded E2 80 AA–AE or E2 81 A6–A9: look at each E2 byte (a fast SIMD
    // search; smart quotes and dashes start with it too) rather than at every character.
    let bytes = text.as_bytes();
    let first = memchr::memchr_iter(0xE2, bytes).find_map(|at| {
        let c = text.get(at..at + 3)?.chars().next()?;
        crate::diag::is_bidi_control(c).then_some((at, c))
    });
    let (offset, c) = first?;
    Some(
        Diagnostic::warning(
            path,
            crate::diag::Pos::of_offset(text, offset),
            format!(
                "a bidirectional control character (U+{:04X}) makes the text display in another order than it is written",
                u32::from(c)
            ),
        )
        .with_help("remove it unless the text really needs it (right-to-left quotes in left-to-right text)"),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    /// The watcher names a changed file where it is: an edit to a link's target must forget
    /// the link's entry too, and a change spelled through the sources' link or with a `.` in
    /// it must find the entries (red team 6: the page stayed as it was).
    #[cfg(unix)]
    #[test]
    fn a_change_forgets_every_entry_that_leads_to_it() {
        let t = tempfile::tempdir().unwrap();
        let real = t.path().join("real");
        std::fs::create_dir_all(real.join("shared")).unwrap();
        std::fs::create_dir_all(real.join("part")).unwrap();
        std::fs::write(real.join("shared/b.md"), "b").unwrap();
        std::fs::write(real.join("a.md"), "a").unwrap();
        std::os::unix::fs::symlink("../shared/b.md", real.join("part/b.md")).unwrap();
        std::os::unix::fs::symlink("real", t.path().join("content")).unwrap();
        let src = t.path().join("content");
        let files = ["a.md", "part/b.md", "shared/b.md"].map(PathBuf::from);
        let mut cache = SourceCache {
            watched: true,
            ..SourceCache::default()
        };
        let kept = |cache: &mut SourceCache| {
            cache.data_hashes(&src, &files);
            cache.learn_real(&src);
        };
        let left = |cache: &SourceCache| {
            let mut left: Vec<String> =
                cache.data.keys().map(|k| k.display().to_string()).collect();
            left.sort();
            left
        };
        for changed in [
            src.join("shared/b.md"),
            t.path().join("./content/./shared/b.md"),
            real.join("shared/b.md"),
            real.join("shared"),
        ] {
            kept(&mut cache);
            cache.invalidate(&src, &changed);
            assert_eq!(left(&cache), ["a.md"], "{}", changed.display());
        }
        // The link itself, retargeted: its own entry only.
        kept(&mut cache);
        cache.invalidate(&src, &src.join("part/b.md"));
        assert_eq!(left(&cache), ["a.md", "shared/b.md"]);
        // Outside the sources: nothing.
        kept(&mut cache);
        cache.invalidate(&src, &t.path().join("book.toml"));
        assert_eq!(left(&cache).len(), 3);
    }
}
