//! The only writer of the output folder. The new site is written to a staging folder beside the
//! destination and swapped in whole, so a failed build leaves the previous site untouched; a
//! folder that coursebook did not make is never deleted.

use crate::diag::{Diagnostic, Pos};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Marks a folder as coursebook output, so a later build may replace it.
pub const MARKER: &str = ".coursebook";

pub enum FileData {
    Bytes(Vec<u8>),
    /// Bytes shared with `coursebook serve`'s cache, with their hash already known.
    Shared(std::sync::Arc<Vec<u8>>, u64),
    Copy(PathBuf),
}

/// The whole site in memory (or as paths to copy), keyed by URL relative to the site root.
#[derive(Default)]
pub struct SiteFiles {
    pub files: BTreeMap<String, FileData>,
}

impl SiteFiles {
    pub fn add(&mut self, url: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(url.into(), FileData::Bytes(bytes.into()));
    }

    pub fn share(&mut self, url: impl Into<String>, bytes: std::sync::Arc<Vec<u8>>, hash: u64) {
        self.files.insert(url.into(), FileData::Shared(bytes, hash));
    }

    pub fn copy(&mut self, url: impl Into<String>, from: PathBuf) {
        self.files.insert(url.into(), FileData::Copy(from));
    }

    pub fn append(&mut self, mut other: SiteFiles) {
        self.files.append(&mut other.files);
    }
}

/// A URL that stays inside the site folder once joined to it.
fn safe_relative(url: &str) -> Option<PathBuf> {
    let path = Path::new(url);
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| path.to_path_buf())
}

fn io_error(path: &Path, what: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(path, Pos::FILE, format!("cannot {what}: {e}"))
}

/// Check that `dest` may be replaced: missing, or a readable folder that is empty or made by
/// coursebook, and not a folder that holds the course itself. Anything else — a file, a
/// symbolic link, a folder that cannot be read, someone else's folder — is refused.
pub fn check_destination(dest: &Path, course_root: &Path) -> Result<(), Diagnostic> {
    let refuse = |why: String| {
        Diagnostic::error(dest, Pos::FILE, why)
            .with_help("choose another folder with `--dest-dir` or `build-dir` under [build]")
    };
    let canonical_root =
        fs::canonicalize(course_root).unwrap_or_else(|_| course_root.to_path_buf());
    if let Ok(canonical_dest) = fs::canonicalize(dest)
        && canonical_root.starts_with(&canonical_dest)
    {
        return Err(refuse(
            "the output folder holds the course itself; refusing to replace it".into(),
        ));
    }
    let meta = match fs::symlink_metadata(dest) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(refuse(format!("cannot look at the output folder: {e}"))),
        Ok(meta) => meta,
    };
    if meta.file_type().is_symlink() {
        return Err(refuse(
            "the output path is a symbolic link; refusing to replace it (name the folder it points to)".into(),
        ));
    }
    if !meta.is_dir() {
        return Err(refuse(
            "the output path is a file, not a folder; refusing to replace it".into(),
        ));
    }
    let mut entries = fs::read_dir(dest).map_err(|e| {
        refuse(format!(
            "cannot read the output folder ({e}); refusing to replace what it may hold"
        ))
    })?;
    if entries.next().is_none() || made_by_us(dest) {
        Ok(())
    } else {
        Err(refuse(
            "the output folder is not empty and was not made by coursebook; refusing to replace it"
                .into(),
        ))
    }
}

/// What the marker says.
const MARKER_TEXT: &str = "This folder was made by coursebook; a new build replaces it whole.\n";

/// A folder that carries coursebook's marker (as a regular file, not a link to one, saying
/// what coursebook writes in it: an empty `.coursebook` is not one).
fn made_by_us(dir: &Path) -> bool {
    let marker = dir.join(MARKER);
    fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file() && m.len() == MARKER_TEXT.len() as u64)
        && fs::read(&marker).is_ok_and(|text| text == MARKER_TEXT.as_bytes())
}

/// Holds a lock for as long as a build writes to `dest`: a second build (or `serve` and
/// `build`) into the same folder waits instead of mixing two sites. The lock is the operating
/// system's, so it is released if the process dies. On Unix it is taken on the folder that holds
/// `dest` (nothing is left behind); elsewhere on a hidden file beside `dest`.
pub struct DestLock {
    _file: fs::File,
}

impl DestLock {
    pub fn acquire(dest: &Path) -> Result<DestLock, Diagnostic> {
        let (parent, name) = beside(dest);
        fs::create_dir_all(&parent).map_err(|e| io_error(&parent, "create the folder", &e))?;
        let (file, path) = lock_file(&parent, &name)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                errln!(
                    "waiting for another coursebook writing to {} to finish …",
                    dest.display()
                );
                file.lock().map_err(|e| io_error(&path, "lock", &e))?;
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_error(&path, "lock", &e)),
        }
        Ok(DestLock { _file: file })
    }
}

#[cfg(unix)]
fn lock_file(parent: &Path, _name: &str) -> Result<(fs::File, PathBuf), Diagnostic> {
    fs::File::open(parent)
        .map(|f| (f, parent.to_path_buf()))
        .map_err(|e| io_error(parent, "open the folder to lock it", &e))
}

#[cfg(not(unix))]
fn lock_file(parent: &Path, name: &str) -> Result<(fs::File, PathBuf), Diagnostic> {
    let path = parent.join(format!(".{name}.coursebook-lock"));
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map(|f| (f, path.clone()))
        .map_err(|e| io_error(&path, "open the lock file", &e))
}

/// The folder that holds `dest`, and `dest`'s name: staging folders and the lock go beside it.
fn beside(dest: &Path) -> (PathBuf, String) {
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    (parent.to_path_buf(), name)
}

/// A new site being written beside `dest`: files go into a staging folder, which replaces `dest`
/// whole in [`Staging::finish`]. Dropped unfinished (the build failed), it is removed and `dest`
/// is left as it was.
pub struct Staging {
    dest: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    finished: bool,
    _lock: DestLock,
}

impl Staging {
    /// Lock `dest`, check that it may be replaced, and make an empty staging folder beside it
    /// (named for this process, so no two builds ever share one).
    pub fn begin(dest: &Path, course_root: &Path) -> Result<Staging, Diagnostic> {
        let lock = DestLock::acquire(dest)?;
        check_destination(dest, course_root)?;
        let (parent, name) = beside(dest);
        remove_leftovers(&parent, &name)?;
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.coursebook-new-{pid}"));
        let old = parent.join(format!(".{name}.coursebook-old-{pid}"));
        let staging = Staging {
            dest: dest.to_path_buf(),
            dir,
            old,
            finished: false,
            _lock: lock,
        };
        fs::create_dir(&staging.dir)
            .map_err(|e| io_error(&staging.dir, "create the folder", &e))?;
        fs::write(staging.dir.join(MARKER), MARKER_TEXT)
            .map_err(|e| io_error(&staging.dir, "write", &e))?;
        Ok(staging)
    }

    /// Make the folders that files at `urls` go into (before writing them from many threads).
    /// The staging folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn make_dirs<'a>(&self, urls: impl Iterator<Item = &'a str>) -> Result<(), Diagnostic> {
        let mut dirs: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
        for url in urls {
            if let Some(p) = checked(url)?.parent() {
                dirs.insert(self.dir.join(p));
            }
        }
        for dir in &dirs {
            fs::create_dir_all(dir).map_err(|e| io_error(dir, "create the folder", &e))?;
        }
        Ok(())
    }

    /// Write one file; its folder must exist ([`Staging::make_dirs`]).
    pub fn put(&self, url: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let target = self.dir.join(checked(url)?);
        fs::write(&target, bytes).map_err(|e| io_error(&target, "write", &e))
    }

    /// Write one file piece by piece, as `fill` writes it (a file too large to hold whole:
    /// the print page); its folder must exist.
    pub fn put_with(
        &self,
        url: &str,
        fill: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let target = self.dir.join(checked(url)?);
        let written = fs::File::create(&target).and_then(|file| {
            let mut out = io::BufWriter::with_capacity(1 << 16, file);
            fill(&mut out)?;
            io::Write::flush(&mut out)
        });
        written.map_err(|e| io_error(&target, "write", &e))
    }

    /// Write every file of `site`, in parallel.
    pub fn put_all(&self, site: &SiteFiles) -> Result<(), Diagnostic> {
        self.make_dirs(site.files.keys().map(String::as_str))?;
        let files: Vec<(&String, &FileData)> = site.files.iter().collect();
        files
            .par_iter()
            .try_for_each(|(url, data)| put(&self.dir.join(checked(url)?), data))
    }

    /// Swap the new site in for `dest`.
    pub fn finish(mut self) -> Result<(), Diagnostic> {
        let (dest, old) = (&self.dest, &self.old);
        if fs::symlink_metadata(dest).is_ok() {
            fs::rename(dest, old)
                .map_err(|e| io_error(dest, "move the previous site aside", &e))?;
        }
        if let Err(e) = fs::rename(&self.dir, dest) {
            // Put the previous site back: better an old site than none. (Dropping `self`
            // unfinished removes the staging folder.)
            let _ = fs::rename(old, dest);
            return Err(io_error(dest, "move the new site into place", &e));
        }
        self.finished = true;
        // Checked when the build began, under the lock: the previous site, or an empty folder.
        if fs::symlink_metadata(old).is_ok() {
            fs::remove_dir_all(old).map_err(|e| io_error(old, "remove the previous site", &e))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Staging and previous-site folders that an interrupted build left beside `dest` (under the
/// lock, so no build is using them). Only folders that carry the marker are deleted; anything
/// else with such a name is left alone.
fn remove_leftovers(parent: &Path, name: &str) -> Result<(), Diagnostic> {
    let prefixes = [
        format!(".{name}.coursebook-new"),
        format!(".{name}.coursebook-old"),
    ];
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            continue;
        }
        let path = entry.path();
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if is_dir && made_by_us(&path) {
            fs::remove_dir_all(&path)
                .map_err(|e| io_error(&path, "remove a leftover folder", &e))?;
        }
    }
    Ok(())
}

/// `url` as a path that stays inside the site folder, or the error that refuses it.
fn checked(url: &str) -> Result<PathBuf, Diagnostic> {
    safe_relative(url).ok_or_else(|| {
        Diagnostic::error(
            url,
            Pos::FILE,
            "refusing to write outside the output folder",
        )
    })
}

/// Write `site` to a staging folder, then swap it in for `dest`.
pub fn write(site: &SiteFiles, dest: &Path, course_root: &Path) -> Result<(), Diagnostic> {
    let staging = Staging::begin(dest, course_root)?;
    staging.put_all(site)?;
    staging.finish()
}

/// Write one file of the site at `target`.
fn put(target: &Path, data: &FileData) -> Result<(), Diagnostic> {
    match data {
        FileData::Bytes(bytes) => {
            fs::write(target, bytes).map_err(|e| io_error(target, "write", &e))
        }
        FileData::Shared(bytes, _) => {
            fs::write(target, bytes.as_slice()).map_err(|e| io_error(target, "write", &e))
        }
        FileData::Copy(from) => fs::copy(from, target)
            .map(|_| ())
            .map_err(|e| io_error(from, "copy", &e)),
    }
}

fn hash_of(data: &FileData) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match data {
        FileData::Bytes(b) => b.hash(&mut h),
        FileData::Shared(_, hash) => return *hash,
        FileData::Copy(from) => {
            // Copied files are compared by size and modification time, not read.
            let meta = fs::metadata(from).ok();
            (
                from,
                meta.as_ref().map(fs::Metadata::len),
                meta.and_then(|m| m.modified().ok()),
            )
                .hash(&mut h);
        }
    }
    h.finish()
}

/// Which of the files recorded as written a [`write_changed`] answers for: a file it answers
/// for and no longer has is removed.
#[derive(Clone, Copy)]
pub enum Part<'a> {
    /// The whole site.
    All,
    /// All but these (written in a second part, after the first).
    AllBut(&'a HashSet<String>),
    /// These and the files of `site`.
    Only(&'a HashSet<String>),
}

/// For `coursebook serve`: write only the files whose bytes changed since the last write
/// recorded in `written`, and remove the ones that are gone. The first call (an empty record)
/// writes the whole site the usual way. Returns the URLs written.
pub fn write_changed(
    site: &SiteFiles,
    dest: &Path,
    course_root: &Path,
    written: &mut HashMap<String, u64>,
    part: Part<'_>,
) -> Result<Vec<String>, Diagnostic> {
    let hashes: HashMap<String, u64> = site
        .files
        .iter()
        .map(|(u, d)| (u.clone(), hash_of(d)))
        .collect();
    // A second part never replaces the folder: the first has just written it.
    if !matches!(part, Part::Only(_)) && (written.is_empty() || !made_by_us(dest)) {
        write(site, dest, course_root)?;
        *written = hashes;
        return Ok(site.files.keys().cloned().collect());
    }
    let _lock = DestLock::acquire(dest)?;
    let changed: Vec<(&String, &FileData)> = site
        .files
        .iter()
        .filter(|(u, _)| written.get(*u) != hashes.get(*u))
        .collect();
    changed.par_iter().try_for_each(|(url, data)| {
        let target = dest.join(checked(url)?);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, "create the folder", &e))?;
        }
        put(&target, data)
    })?;
    let changed: Vec<String> = changed.into_iter().map(|(u, _)| u.clone()).collect();
    written.retain(|url, _| {
        let ours = match part {
            Part::All => true,
            Part::AllBut(later) => !later.contains(url),
            Part::Only(these) => these.contains(url),
        };
        let gone = ours && !site.files.contains_key(url);
        if gone && let Some(rel) = safe_relative(url) {
            let _ = fs::remove_file(dest.join(rel));
        }
        !gone
    });
    written.extend(hashes);
    Ok(changed)
}
