//! The course folder as a boundary. Every file of a course is untrusted (courses are built in CI
//! from pull requests), so every path that course input names — `src`, the theme, the glossary,
//! a quiz named in front matter, a template include, a symbolic link met while walking — is
//! resolved here (a component at a time, each symbolic link followed) and refused at the first
//! step that leaves the course folder (the one holding book.toml), before anything outside is
//! read (out there only the symbolic links on the way to the course folder are looked at, so a
//! place inside may be named through any of them); only regular files are read: never a
//! device, a FIFO (which would hang the build) or a folder.
//!
//! Files found by [`walk`] need no second check: the walk starts inside, and every symbolic
//! link it meets is resolved and checked before it is followed.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The folder that reads must stay inside, canonical.
#[derive(Clone, Debug)]
pub struct Jail {
    root: PathBuf,
    /// The folder as it was named (`.`, or a path through a link such as `/tmp`): paths the
    /// build makes start with it.
    named: PathBuf,
    /// For `--include-from`'s jail ([`Jail::for_includes`]), the course folder inside `root`,
    /// canonical: a file of the course is hidden by its path from the course, not from `root`
    /// (a book at `repo/.books/b` lost all its includes as "hidden"), and `{{#quiz}}` reads
    /// the course's own files only.
    course: Option<PathBuf>,
}

/// `--include-from`: a folder around the course whose files `{{#include}}` may read too (PyO3's
/// and mdBook's own guides include their repository's README and sources). Chosen on the
/// command line, by whoever runs the build, never by the course: a book.toml key would let a
/// pull request pick it. Hidden files stay refused (`.git/config` holds the CI job's token).
static INCLUDE_FROM: std::sync::OnceLock<Jail> = std::sync::OnceLock::new();

/// Why a configuration file of `len` bytes is refused before it is parsed: over [`MAX_CONFIG`].
pub fn config_too_large(len: usize) -> Option<Denied> {
    (len as u64 > MAX_CONFIG).then_some(Denied::TooLarge(len as u64, MAX_CONFIG))
}

/// Set `--include-from`, once, before the build.
pub fn include_from(dir: &Path) {
    let _ = INCLUDE_FROM.set(Jail::new(dir));
}

/// The files read through a jail since [`take_read`] last took them, kept only once
/// [`record_reads`] asked (serve: its watcher follows the files a build read outside the folders
/// it watches, an include from `listings/` or a glossary beside book.toml). Where they really
/// are, links followed, as the watcher reports them.
static READ: std::sync::Mutex<Option<std::collections::BTreeSet<PathBuf>>> =
    std::sync::Mutex::new(None);
/// Whether [`READ`] is kept: a plain build's reads take no lock.
static RECORDING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Keep the path of every file read from now on (see [`take_read`]).
pub fn record_reads() {
    let mut read = READ
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    read.get_or_insert_with(Default::default);
    RECORDING.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// The files read since the last call (none unless [`record_reads`] was called), in order.
pub fn take_read() -> Vec<PathBuf> {
    let mut read = READ
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    read.as_mut()
        .map(|r| std::mem::take(r).into_iter().collect())
        .unwrap_or_default()
}

/// Note that the build read `path` (canonical), for serve to follow its folder.
pub fn note_read(path: &Path) {
    if !RECORDING.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let mut read = READ
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(read) = read.as_mut() {
        read.insert(path.to_path_buf());
    }
}

/// The most symbolic links one path may go through (Linux's own limit).
const MAX_LINKS: usize = 40;

/// Why a path was refused.
#[derive(Debug)]
pub enum Denied {
    /// It resolves to this place outside the course folder.
    Outside(PathBuf),
    /// It is a folder, a device, a FIFO or a socket, where a file was expected.
    NotAFile,
    /// It is a file, where a folder was expected.
    NotAFolder,
    /// It cannot be resolved or read (missing, no permission, a link loop).
    Io(io::Error),
    /// It is larger than the bound for its kind of file: its size, and the bound
    /// ([`MAX_TEXT`], [`MAX_CONFIG`]).
    TooLarge(u64, u64),
    /// It is hidden or inside a hidden folder (`.git/config`, `.env`), where it would be
    /// published.
    Hidden,
    /// It is inside a site coursebook built (a folder with its marker), where a source was
    /// expected.
    BuiltSite,
    /// It is a folder this many levels below the folder walked, past [`MAX_DEPTH`].
    TooDeep(usize),
}

/// How many folders deep a walk goes: a lesson 2,000 folders down took 49 s and failed in the
/// theme's templates (recursion limit), naming no file of the course. Real courses nest a few.
pub const MAX_DEPTH: usize = 32;

/// The largest text file coursebook reads (a lesson, an included file, a quiz, the glossary,
/// SUMMARY.md, book.toml, a template): parsing takes a multiple of a file's size in memory, and
/// a 700 MB lesson took 21 GB and 107 s before it failed. The largest lesson of the benchmark is
/// 9 KB; an included source file of a real book, a few hundred.
pub const MAX_TEXT: u64 = 16 << 20;

/// The largest configuration file coursebook reads (book.toml, a theme's `i18n/*.toml`): real
/// ones are a few KB, and TOML takes about 50 times a file's size to parse (a 14 MB book.toml
/// of nested arrays took 700 MB, a 15 MB strings file 578 MB).
pub const MAX_CONFIG: u64 = 1 << 20;

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Denied::Outside(target) => write!(
                f,
                "it leads outside the course folder (to {}); coursebook reads only files inside it",
                target.display()
            ),
            Denied::NotAFile => f.write_str("it is not a regular file"),
            Denied::TooDeep(depth) => write!(
                f,
                "it is {depth} folders deep, and coursebook reads folders up to {MAX_DEPTH} deep"
            ),
            Denied::NotAFolder => f.write_str("it is not a folder"),
            Denied::Io(e) => write!(f, "{e}"),
            Denied::TooLarge(bytes, limit) => {
                let mb = (*bytes as f64 / (1 << 20) as f64 * 10.0).round() / 10.0;
                // Just over the bound, in MB, would read as the bound itself ("1.0 MB ... up
                // to 1 MB"), and a bound under 1 MB as "0 MB": said in KB, rounded up, instead.
                if *limit < 1 << 20 || mb <= (limit >> 20) as f64 {
                    write!(
                        f,
                        "it is {} KB, and coursebook reads such files of up to {} KB",
                        bytes.div_ceil(1 << 10),
                        limit >> 10
                    )
                } else {
                    write!(
                        f,
                        "it is {mb:.1} MB, and coursebook reads such files of up to {} MB",
                        limit >> 20
                    )
                }
            }
            Denied::Hidden => f.write_str(
                "it is a hidden file or inside a hidden folder (`.git/`, `.env`), which is never published",
            ),
            Denied::BuiltSite => f.write_str(
                "it is inside a site coursebook built, which is output, never a source",
            ),
        }
    }
}

impl Jail {
    /// The course folder `root`. If it cannot be resolved, reads are checked against `root` as
    /// given (and will fail as they would have anyway).
    /// The jail of `{{#include}}` and its kin in the course at `root`: the course folder, or the
    /// folder given by `--include-from` when it holds the course ([`include_from`]).
    pub fn for_includes(root: &Path) -> Jail {
        match (INCLUDE_FROM.get(), std::fs::canonicalize(root)) {
            (Some(outer), Ok(course)) if course.starts_with(&outer.root) => Jail {
                course: Some(course),
                ..outer.clone()
            },
            _ => Jail::new(root),
        }
    }

    /// The course folder's own jail: this one, or the course inside `--include-from`'s.
    pub fn course_only(&self) -> Jail {
        match &self.course {
            Some(course) => Jail::new(course),
            None => self.clone(),
        }
    }

    /// Whether `dir` holds the course folder `root`, as `--include-from` must; and why not.
    pub fn may_include_from(dir: &Path, root: &Path) -> Result<(), String> {
        let (dir, root) = (
            std::fs::canonicalize(dir).map_err(|e| e.to_string())?,
            std::fs::canonicalize(root).map_err(|e| e.to_string())?,
        );
        if dir.parent().is_none() {
            return Err("the file system's root is not a folder around a book: includes could read the whole machine (/proc, /etc)".to_string());
        }
        if !root.starts_with(&dir) {
            return Err(format!(
                "it does not hold the course folder {}",
                root.display()
            ));
        }
        Ok(())
    }

    pub fn new(root: &Path) -> Jail {
        Jail {
            root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            named: absolute(root),
            course: None,
        }
    }

    /// `path` resolved, if it stays inside the course folder. It is resolved a step at a time,
    /// each symbolic link read and followed, and refused at the first step that leaves the
    /// folder: nothing outside is ever read, so a message cannot tell whether a file out there
    /// exists (`quiz: ../../etc/passwd` said "leads outside" for a file that exists and "does
    /// not exist" for one that does not; red team 5). What it names is the author's own text:
    /// the path as written, or the target of a link inside.
    ///
    /// Any spelling of a place inside is accepted, not only the one the course was named by: a
    /// path or an absolute link's target that does not start with the folder's name is
    /// followed from the file system's root, through the folders that hold the course and the
    /// symbolic links on the way to it (`/tmp` -> `/private/tmp` on macOS, a repository
    /// reached through a link while `--include-from` names it directly; red team 6). Out
    /// there a step is taken only toward the course folder: anything else is refused at once
    /// with the same message, whether it exists, is a folder, or is a link leading on.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Denied> {
        let path = absolute(path);
        let mut shown = lexical(&path);
        let outside = |shown: &Path| Denied::Outside(shown.to_path_buf());
        // The components still to take, last first.
        let mut todo: Vec<std::ffi::OsString> = Vec::new();
        // Always inside `root`, or a folder holding it (on the way in, or after a `..` out of
        // it); canonical, so `..` is a `pop`.
        let mut at = self.start(&path, &mut todo);
        let mut links = 0;
        while let Some(part) = todo.pop() {
            let inside = at.starts_with(&self.root);
            match part.to_str() {
                Some(".") => continue,
                Some("..") => {
                    // Out of the root this reaches a folder holding it, from which only a step
                    // back toward it is taken (below).
                    at.pop();
                    continue;
                }
                _ => {}
            }
            let next = at.join(&part);
            if !inside && self.root.starts_with(&next) {
                // A folder on the canonical way to the root: no link there to look at.
                at = next;
                continue;
            }
            // Out of the root, only a symbolic link may lead back in; whatever else is there
            // (or nothing) is refused with the same message.
            let meta = match std::fs::symlink_metadata(&next) {
                Ok(meta) => meta,
                Err(_) if !inside => return Err(outside(&shown)),
                Err(e) => return Err(Denied::Io(e)),
            };
            if !meta.is_symlink() {
                if !inside {
                    return Err(outside(&shown));
                }
                at = next;
                continue;
            }
            links += 1;
            if links > MAX_LINKS {
                if !inside {
                    return Err(outside(&shown));
                }
                return Err(Denied::Io(io::Error::other(
                    "too many levels of symbolic links",
                )));
            }
            let target = match std::fs::read_link(&next) {
                Ok(target) => target,
                Err(_) if !inside => return Err(outside(&shown)),
                Err(e) => return Err(Denied::Io(e)),
            };
            if target.is_absolute() {
                // A link inside is the author's text; one outside is not theirs to be shown.
                if inside {
                    shown = target.clone();
                }
                at = self.start(&target, &mut todo);
            } else {
                todo.extend(components(&target));
            }
        }
        if !at.starts_with(&self.root) {
            // A folder holding the course (`..` from its root).
            return Err(outside(&shown));
        }
        Ok(at)
    }

    /// Where resolving the absolute `path` starts, with its components to take pushed on
    /// `todo`: the canonical root when `path` starts with the course folder's name or its
    /// canonical path (no disk looked at for the common case), else the file system's root.
    fn start(&self, path: &Path, todo: &mut Vec<std::ffi::OsString>) -> PathBuf {
        match path
            .strip_prefix(&self.named)
            .or_else(|_| path.strip_prefix(&self.root))
        {
            Ok(rel) => {
                todo.extend(components(rel));
                self.root.clone()
            }
            Err(_) => {
                todo.extend(components(path));
                path.ancestors()
                    .last()
                    .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
            }
        }
    }

    /// `path` resolved, if it is a folder inside the course folder.
    pub fn resolve_dir(&self, path: &Path) -> Result<PathBuf, Denied> {
        let canonical = self.resolve(path)?;
        if canonical.is_dir() {
            Ok(canonical)
        } else {
            Err(Denied::NotAFolder)
        }
    }

    /// The bytes of `path`, if it is a regular file inside the course folder.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, Denied> {
        self.read_within(path, MAX_TEXT)
    }

    /// [`Jail::read`] for a kind of file with a bound of its own, below [`MAX_TEXT`] (a lesson's
    /// quiz file, the glossary): one over `limit` bytes is refused before it is read.
    pub fn read_within(&self, path: &Path, limit: u64) -> Result<Vec<u8>, Denied> {
        Self::read_resolved(&self.resolve(path)?, limit)
    }

    /// [`Jail::read_within`] for a path this jail has resolved: not walked again (a quiz file
    /// was resolved three times, a tenth of a 1,000-lesson build's first step in system calls).
    fn read_resolved(canonical: &Path, limit: u64) -> Result<Vec<u8>, Denied> {
        let limit = limit.min(MAX_TEXT);
        // Noted even when missing: creating the file is a change serve must see.
        note_read(canonical);
        let meta = std::fs::metadata(canonical).map_err(Denied::Io)?;
        if !meta.is_file() || machine_file(canonical) {
            return Err(Denied::NotAFile);
        }
        if meta.len() > limit {
            return Err(Denied::TooLarge(meta.len(), limit));
        }
        std::fs::read(canonical).map_err(Denied::Io)
    }

    /// [`Jail::read`] for a file whose text is published as it is (`{{#include}}` and its
    /// kin): one that is hidden or inside a hidden folder of the course, where it leads, is
    /// refused. `{{#include ../.git/config}}` put the CI job's token (actions/checkout's
    /// `extraheader`) into the page, print.html and the search index.
    pub fn read_published(&self, path: &Path) -> Result<Vec<u8>, Denied> {
        Self::read_resolved(&self.resolve_public(path)?, MAX_TEXT)
    }

    /// [`Jail::read_published`] with [`Jail::read_within`]'s bound.
    pub fn read_published_within(&self, path: &Path, limit: u64) -> Result<Vec<u8>, Denied> {
        Self::read_resolved(&self.resolve_public(path)?, limit)
    }

    /// [`Jail::resolve`] for a path whose file is published: refused if where it really is
    /// (links followed) is hidden or inside a hidden folder of the course (`.git/`), or inside
    /// a site coursebook built.
    pub fn resolve_public(&self, path: &Path) -> Result<PathBuf, Denied> {
        let canonical = self.resolve(path)?;
        let from = match &self.course {
            Some(course) if canonical.starts_with(course) => course,
            _ => &self.root,
        };
        if is_hidden(canonical.strip_prefix(from).unwrap_or(&canonical)) {
            return Err(Denied::Hidden);
        }
        // Nor from a built site: `{{#include ../site/a.html}}` took in the previous build's
        // page, which held the one before, 2.3 times larger each build.
        if canonical
            .ancestors()
            .skip(1)
            .take_while(|dir| dir.starts_with(&self.root) && *dir != self.root)
            .any(crate::site::output::is_built_site)
        {
            return Err(Denied::BuiltSite);
        }
        Ok(canonical)
    }
}

/// `path` made absolute from the working folder without looking at the disk (its `..` kept: a
/// `..` after a link goes up from where the link leads).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `path` with `.` and `a/..` taken away as text, never looking at the disk (a `..` at the
/// root is the root; a leading one of a relative path is kept): how a path is shown.
pub fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match (part, out.components().next_back()) {
            (Component::CurDir, _) => {}
            (Component::ParentDir, Some(Component::Normal(_))) => {
                out.pop();
            }
            (Component::ParentDir, Some(Component::RootDir | Component::Prefix(_))) => {}
            (other, _) => out.push(other),
        }
    }
    out
}

/// A relative path's components as text, last first (for taking them from the end).
fn components(path: &Path) -> Vec<std::ffi::OsString> {
    let mut parts: Vec<std::ffi::OsString> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(p) => Some(p.to_os_string()),
            std::path::Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    parts.reverse();
    parts
}

/// Whether a path relative to the course is hidden or inside a hidden folder (`.git/config`,
/// `.env`): the machine's files, never the course's to publish.
pub fn is_hidden(rel: &Path) -> bool {
    rel.components().any(|c| {
        matches!(c, std::path::Component::Normal(name) if name.to_string_lossy().starts_with('.'))
    })
}

/// What a walk found: regular files, sorted by path, and the entries it refused.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    /// Paths (as walked) and why they were left out: links leading outside, special files,
    /// unreadable folders.
    pub refused: Vec<(PathBuf, Denied)>,
    /// Folders left out because `skip` said so, as walked.
    pub skipped: Vec<PathBuf>,
    /// Entries left out because they are a file or folder already walked, reached again
    /// through a link (or a hard link): the path as walked, and the one it was first found at.
    pub again: Vec<(PathBuf, PathBuf)>,
}

/// What tells a file or folder from every other ([`identity`]).
#[cfg(unix)]
pub type Identity = (u64, u64);
#[cfg(not(unix))]
pub type Identity = PathBuf;

/// What tells a file or folder from every other, links followed: its device and inode where
/// there are such (one `stat`, where resolving its path reads every folder above it).
#[cfg(unix)]
pub fn identity(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub fn identity(path: &Path) -> Option<Identity> {
    std::fs::canonicalize(path).ok()
}

/// Every regular file under `dir`, sorted, skipping names starting with `.` and folders for
/// which `skip` says so (e.g. a built site inside the sources). Symbolic links are followed
/// only when they resolve inside the jail, and not into a hidden file or folder there: a link
/// `content/g -> ../.git` (or `src = ".git"`) published `.git/config`, the CI job's token, as
/// an asset. Each file and folder is walked once, however many links lead to it: 49 links
/// (two in each of 24 folders, to the next) made 2^24 paths to one lesson, and 300 links to
/// one 4 MB lesson a 1.2 GB print.html; the others are in [`Walk::again`]. Folders deeper than
/// [`MAX_DEPTH`] are refused.
pub fn walk(jail: &Jail, dir: &Path, skip: &dyn Fn(&Path) -> bool) -> Walk {
    let mut out = Walk::default();
    // Every file and folder where it really is (no link followed) first: a link to one of
    // them is the one left out, whichever comes first by name.
    let mut seen = std::collections::HashMap::new();
    let mut real = walkdir::WalkDir::new(dir).max_depth(MAX_DEPTH).into_iter();
    while let Some(entry) = real.next() {
        // What cannot be read is told by the walk below.
        let Ok(entry) = entry else {
            continue;
        };
        let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        let is_dir = entry.file_type().is_dir();
        if hidden || (is_dir && entry.depth() > 0 && skip(entry.path())) {
            if is_dir {
                real.skip_current_dir();
            }
            continue;
        }
        if (is_dir || entry.file_type().is_file())
            && let Some(id) = identity(entry.path())
        {
            seen.insert(id, entry.into_path());
        }
    }
    let mut entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                // The walk follows links itself, so a link to a missing file outside failed
                // here as "No such file" while one to a file there "leads outside": judged by
                // the jail first, it says the same of both.
                let denied = match jail.resolve(&path) {
                    Err(denied @ Denied::Outside(_)) => denied,
                    _ => Denied::Io(io::Error::other(e)),
                };
                out.refused.push((path, denied));
                continue;
            }
        };
        let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        let is_dir = entry.file_type().is_dir();
        if hidden {
            if is_dir {
                entries.skip_current_dir();
            }
            continue;
        }
        if (entry.path_is_symlink() || entry.depth() == 0)
            && let Err(denied) = jail.resolve_public(entry.path())
        {
            out.refused.push((entry.path().to_path_buf(), denied));
            if is_dir {
                entries.skip_current_dir();
            }
            continue;
        }
        if is_dir && entry.depth() > 0 && skip(entry.path()) {
            out.skipped.push(entry.path().to_path_buf());
            entries.skip_current_dir();
            continue;
        }
        if is_dir && entry.depth() > MAX_DEPTH {
            out.refused
                .push((entry.path().to_path_buf(), Denied::TooDeep(entry.depth())));
            entries.skip_current_dir();
            continue;
        }
        if (is_dir || entry.file_type().is_file())
            && let Some(id) = identity(entry.path())
        {
            match seen.get(&id) {
                Some(first) if first != entry.path() => {
                    out.again.push((entry.path().to_path_buf(), first.clone()));
                    if is_dir {
                        entries.skip_current_dir();
                    }
                    continue;
                }
                Some(_) => {}
                None => {
                    seen.insert(id, entry.path().to_path_buf());
                }
            }
        }
        if entry.file_type().is_file() {
            out.files.push(entry.into_path());
        } else if !is_dir {
            out.refused.push((entry.into_path(), Denied::NotAFile));
        }
    }
    out
}

/// Whether `path` (canonical) is one of the machine's files rather than a course's, whatever
/// folder the jail is: the kernel's files under /proc and /sys look regular
/// (`/proc/self/environ` holds the CI's secrets), and so do other programs' shared memory
/// segments, which sit directly in /dev/shm. A folder below /dev/shm is a course built in
/// memory (a tmpfs, as benchmarks and CI runners use), and its files are the course's.
fn machine_file(path: &Path) -> bool {
    if path.starts_with("/proc") || path.starts_with("/sys") {
        return true;
    }
    match path.strip_prefix("/dev/shm") {
        // At least a folder and a file below /dev/shm.
        Ok(below) => below.components().count() < 2,
        Err(_) => path.starts_with("/dev"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use std::fs;

    #[test]
    fn the_machines_files_are_told_from_a_course_in_memory() {
        for path in [
            "/proc/self/environ",
            "/sys/kernel/notes",
            "/dev/zero",
            "/dev/mqueue/q",
            "/dev/shm",
            "/dev/shm/.org.chromium.Chromium.abc",
            "/dev",
        ] {
            assert!(machine_file(Path::new(path)), "{path}");
        }
        for path in [
            "/dev/shm/course/book.toml",
            "/dev/shm/s/on/content/a.md",
            "/home/me/course/book.toml",
            "/devices/course/a.md",
        ] {
            assert!(!machine_file(Path::new(path)), "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_are_followed_and_links_outside_refused() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let course = tempfile::tempdir().unwrap();
        let root = course.path();
        fs::create_dir_all(root.join("content/sub")).unwrap();
        fs::write(root.join("content/a.md"), "a").unwrap();
        fs::write(root.join("content/sub/b.md"), "b").unwrap();
        fs::write(root.join("content/.hidden.md"), "h").unwrap();
        std::os::unix::fs::symlink(root.join("content/a.md"), root.join("content/link.md"))
            .unwrap();
        // A file of the course outside the folder walked, linked into it: read there.
        fs::write(root.join("shared.md"), "s").unwrap();
        std::os::unix::fs::symlink(root.join("shared.md"), root.join("content/shared.md")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            root.join("content/s.txt"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("content/out")).unwrap();
        std::os::unix::fs::symlink("/proc/self/environ", root.join("content/env.txt")).unwrap();

        let jail = Jail::new(root);
        let walk = walk(&jail, &root.join("content"), &|_| false);
        let names: Vec<String> = walk
            .files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        // A link to a file the walk has where it really is: read once, at its own name.
        assert_eq!(
            names,
            ["content/a.md", "content/shared.md", "content/sub/b.md"]
        );
        assert_eq!(
            walk.again,
            [(root.join("content/link.md"), root.join("content/a.md"))]
        );
        let mut refused: Vec<String> = walk
            .refused
            .iter()
            .map(|(p, d)| {
                assert!(matches!(d, Denied::Outside(_)), "{d}");
                p.strip_prefix(root).unwrap().display().to_string()
            })
            .collect();
        refused.sort();
        assert_eq!(refused, ["content/env.txt", "content/out", "content/s.txt"]);

        assert!(matches!(
            jail.read(&root.join("content/s.txt")),
            Err(Denied::Outside(_))
        ));
        assert!(matches!(
            jail.read(Path::new("/etc/hostname")),
            Err(Denied::Outside(_))
        ));
        assert!(matches!(
            jail.read(&root.join("content/../../etc/hostname")),
            Err(Denied::Outside(_) | Denied::Io(_))
        ));
        assert!(matches!(
            jail.read(&root.join("content")),
            Err(Denied::NotAFile)
        ));
        assert_eq!(jail.read(&root.join("content/link.md")).unwrap(), b"a");
    }

    /// A course named through a link (`/tmp` -> `/private/tmp` on macOS) and paths spelled
    /// the other way were refused as "outside" (red team 6): every spelling of a place inside
    /// is accepted, and what is really outside is refused with one message whether it exists,
    /// is a folder or is a link leading on.
    #[cfg(unix)]
    #[test]
    fn any_spelling_of_a_place_inside_is_accepted_and_nothing_else() {
        use std::os::unix::fs::symlink;
        let t = tempfile::tempdir().unwrap();
        let t = t.path().canonicalize().unwrap();
        fs::create_dir_all(t.join("phys/c/shared")).unwrap();
        fs::write(t.join("phys/c/shared/b.md"), "b").unwrap();
        fs::write(t.join("phys/secret.txt"), "secret").unwrap();
        symlink(t.join("phys"), t.join("logi")).unwrap();
        symlink("phys", t.join("rel")).unwrap();
        symlink(t.join("phys/secret.txt"), t.join("out-link")).unwrap();
        // A lesson written with the logical path, as `ln -s "$PWD/shared/b.md"` writes it.
        symlink(t.join("logi/c/shared/b.md"), t.join("phys/c/b.md")).unwrap();
        symlink("../../../rel/c/shared/b.md", t.join("phys/c/shared/up.md")).unwrap();
        let real = t.join("phys/c/shared/b.md");
        for named in [t.join("phys/c"), t.join("logi/c"), t.join("rel/c/../c")] {
            let jail = Jail::new(&named);
            for path in [
                t.join("phys/c/shared/b.md"),
                t.join("logi/c/shared/b.md"),
                t.join("rel/c/shared/../shared/b.md"),
                t.join("phys/c/b.md"),
                t.join("logi/c/b.md"),
                t.join("logi/c/shared/up.md"),
                t.join("phys/c/../c/b.md"),
            ] {
                assert_eq!(jail.resolve(&path).unwrap(), real, "{}", path.display());
            }
            for (path, shown) in [
                ("phys/secret.txt", "phys/secret.txt"),
                ("logi/secret.txt", "logi/secret.txt"),
                ("logi/missing.txt", "logi/missing.txt"),
                ("phys/c/../secret.txt", "phys/secret.txt"),
                ("out-link", "out-link"),
                ("nowhere/c/b.md", "nowhere/c/b.md"),
                ("logi", "logi"),
            ] {
                let got = jail.resolve(&t.join(path));
                assert!(
                    matches!(&got, Err(Denied::Outside(to)) if *to == t.join(shown)),
                    "{path}: {got:?}"
                );
            }
        }
        // A link outside is followed only to come back in; where it leads is never shown.
        symlink(t.join("out-link"), t.join("phys/c/s.md")).unwrap();
        let got = Jail::new(&t.join("phys/c")).resolve(&t.join("logi/c/s.md"));
        assert!(
            matches!(&got, Err(Denied::Outside(to)) if *to == t.join("out-link")),
            "{got:?}"
        );
    }

    /// A link to a missing file outside said "No such file", one to a file there "leads
    /// outside": the walk told which files outside exist.
    #[cfg(unix)]
    #[test]
    fn the_walk_says_the_same_of_links_outside_whether_their_file_exists() {
        let course = tempfile::tempdir().unwrap();
        let root = course.path();
        fs::create_dir_all(root.join("content")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", root.join("content/x.txt")).unwrap();
        std::os::unix::fs::symlink("/etc/no-such-file", root.join("content/y.txt")).unwrap();
        std::os::unix::fs::symlink(
            "../../../../../../no-such-dir/z",
            root.join("content/z.txt"),
        )
        .unwrap();
        std::os::unix::fs::symlink("missing.txt", root.join("content/m.txt")).unwrap();
        let walk = walk(&Jail::new(root), &root.join("content"), &|_| false);
        let mut said: Vec<(String, bool)> = walk
            .refused
            .iter()
            .map(|(p, d)| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, matches!(d, Denied::Outside(_)))
            })
            .collect();
        said.sort();
        let want = [
            ("m.txt", false),
            ("x.txt", true),
            ("y.txt", true),
            ("z.txt", true),
        ];
        assert_eq!(said, want.map(|(n, o)| (n.to_string(), o)));
    }

    #[test]
    fn the_output_folder_inside_the_sources_is_not_walked() {
        let course = tempfile::tempdir().unwrap();
        let root = course.path();
        fs::create_dir_all(root.join("site/x")).unwrap();
        fs::write(root.join("site/x/index.html"), "old").unwrap();
        fs::write(root.join("a.md"), "a").unwrap();
        let jail = Jail::new(root);
        let walk = walk(&jail, root, &|dir| dir.ends_with("site"));
        assert_eq!(walk.files.len(), 1, "{:?}", walk.files);
        assert!(walk.refused.is_empty());
    }
}
