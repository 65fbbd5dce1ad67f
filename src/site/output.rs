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

/// Whether `dir` is a site coursebook built, for reading: it holds the marker (any file of that
/// name). Never a source, whether it is the output folder inside the sources (`src = "."`) or
/// a copy of one. Replacing or deleting a folder asks more ([`made_by_us`]).
pub fn is_built_site(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

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
        let (parent, name) = beside(dest)?;
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
/// `out/.` is `out`, and `.` or `out/..` the folder they lead to: the swap renames an entry of
/// the parent, and `.` names none (its staging folder would go inside it).
fn beside(dest: &Path) -> Result<(PathBuf, String), Diagnostic> {
    // `components` drops every `.` but a leading one.
    let clean: PathBuf = dest.components().collect();
    let clean = match clean.file_name() {
        Some(_) => clean,
        None => fs::canonicalize(dest).map_err(|e| io_error(dest, "find the output folder", &e))?,
    };
    let Some(name) = clean.file_name() else {
        return Err(Diagnostic::error(
            dest,
            Pos::FILE,
            "the output folder is the root folder; refusing to replace it",
        ));
    };
    let name = name.to_string_lossy().into_owned();
    let parent = clean
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok((parent.to_path_buf(), name))
}

/// A new site being written beside `dest`: files go into a staging folder, which replaces `dest`
/// whole in [`Staging::finish`]. Dropped unfinished (the build failed), it is removed and `dest`
/// is left as it was.
pub struct Staging {
    /// As the user named it, for messages.
    dest: PathBuf,
    /// The entry the swap renames: `dest` with `.` and `..` resolved ([`beside`]).
    target: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    /// The site this one replaces, when there is one: a file with the same bytes there is
    /// linked into the new site, not written again ([`Staging::place`]).
    previous: Option<PathBuf>,
    /// The site store (site/store.rs): the build's own files are linked from it when it holds
    /// their bytes, else written and kept there.
    store: Option<std::sync::Arc<super::store::Store>>,
    /// The store's files linked into this site so far: a second file with the same bytes is
    /// written (two files of one site never share their bytes on disk, see [`Staging::may_link`]).
    linked_ids: std::sync::Mutex<std::collections::HashSet<super::store::Id>>,
    finished: bool,
    _lock: DestLock,
}

impl Staging {
    /// Lock `dest`, check that it may be replaced, and make an empty staging folder beside it
    /// (named for this process, so no two builds ever share one).
    pub fn begin(dest: &Path, course_root: &Path) -> Result<Staging, Diagnostic> {
        let lock = DestLock::acquire(dest)?;
        check_destination(dest, course_root)?;
        let (parent, name) = beside(dest)?;
        let target = parent.join(&name);
        refuse_mount_point(dest, &target, &parent)?;
        remove_leftovers(&parent, &name, &target);
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.coursebook-new-{pid}"));
        let old = parent.join(format!(".{name}.coursebook-old-{pid}"));
        // `check_destination` found it a folder coursebook made (or empty), not a link.
        let previous = fs::symlink_metadata(&target)
            .is_ok_and(|m| m.is_dir())
            .then(|| target.clone());
        let staging = Staging {
            dest: dest.to_path_buf(),
            target,
            dir,
            old,
            previous,
            store: None,
            linked_ids: std::sync::Mutex::default(),
            finished: false,
            _lock: lock,
        };
        fs::create_dir(&staging.dir).map_err(|e| {
            io_error(&staging.dir, "create the folder", &e).with_help(
                "the new site is written beside the output folder, then swapped in: the folder \
                 that holds it must be writable (or choose an output folder inside one that is)",
            )
        })?;
        fs::write(staging.dir.join(MARKER), MARKER_TEXT)
            .map_err(|e| io_error(&staging.dir, "write", &e))?;
        Ok(staging)
    }

    /// The staging folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Keep the build's own files in `store` ([`Staging::put`], [`Staging::put_with`], and
    /// [`Staging::put_all`] of the build's files).
    pub fn with_store(mut self, store: Option<std::sync::Arc<super::store::Store>>) -> Self {
        self.store = store;
        self
    }

    /// Put the store's file `kept` (holding `id`) into the new site at `url` (a build whose
    /// course is as the store's manifest says): linked where [`Staging::may_link`] allows it,
    /// else copied.
    pub fn put_kept(&self, url: &str, kept: &Path, id: super::store::Id) -> Result<(), Diagnostic> {
        let rel = checked(url)?;
        let target = self.dir.join(&rel);
        if self.may_link(&rel, kept, id) && fs::hard_link(kept, &target).is_ok() {
            return Ok(());
        }
        fs::copy(kept, &target)
            .map(drop)
            .map_err(|e| io_error(&target, "write", &e))
    }

    /// Whether the store's file `kept` may become the new site's file at `rel`: a site's file
    /// shares its bytes on disk with the store's and nothing else, so that a file edited in
    /// place in one site (a script that rewrites pages) never changes another site, nor another
    /// page of its own. So it is linked when no site holds it, or only the site this one
    /// replaces, at the same place; and once in a site.
    #[cfg(unix)]
    fn may_link(&self, rel: &Path, kept: &Path, id: super::store::Id) -> bool {
        use std::os::unix::fs::MetadataExt;
        let Ok(meta) = fs::symlink_metadata(kept) else {
            return false;
        };
        let alone = match meta.nlink() {
            1 => true,
            2 => self.previous.as_ref().is_some_and(|previous| {
                fs::symlink_metadata(previous.join(rel))
                    .is_ok_and(|old| (old.dev(), old.ino()) == (meta.dev(), meta.ino()))
            }),
            _ => false,
        };
        alone
            && self
                .linked_ids
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(id)
    }

    /// Elsewhere the store's files are copied: a link count is not in the standard library.
    #[cfg(not(unix))]
    fn may_link(&self, _rel: &Path, _kept: &Path, _id: super::store::Id) -> bool {
        false
    }

    /// Make the folders that files at `urls` go into (before writing them from many threads).
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

    /// Write one of the build's own files (a page); its folder must exist
    /// ([`Staging::make_dirs`]).
    pub fn put(&self, url: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let rel = checked(url)?;
        self.put_own(url, &rel, bytes)
    }

    /// `bytes` at `rel`, one of the build's own files: with a store, linked from it when it
    /// holds them, else written and kept there; without, as [`Staging::place`] does.
    fn put_own(&self, url: &str, rel: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
        let Some(store) = self.store.as_ref().filter(|s| s.keeping()) else {
            return self.place(rel, bytes);
        };
        let target = self.dir.join(rel);
        let id = store.id(bytes);
        let kept = store.path(id);
        // The kept file's bytes, compared in full: not trusted to its name.
        let holds = holds_same(&kept, bytes.len() as u64, bytes);
        let linked =
            holds && self.may_link(rel, &kept, id) && fs::hard_link(&kept, &target).is_ok();
        if !linked {
            fs::write(&target, bytes).map_err(|e| io_error(&target, "write", &e))?;
            // A kept file with this id that does not hold these bytes is damaged: replaced.
            store.keep(&target, id, !holds && kept.exists());
        }
        store.made(url, id);
        Ok(())
    }

    /// `bytes` at `rel` in the new site: a link to the previous site's file when that holds
    /// the same bytes, else written. A rebuild then writes only what changed, and the previous
    /// site's files live on as the new one's instead of being deleted while as many are made:
    /// on ext4, each new file after many deleted looks past every recently deleted inode, and
    /// that was most of a rebuild's time on this project's machine (tests/bench/HISTORY.md).
    fn place(&self, rel: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
        let target = self.dir.join(rel);
        if self.linked(rel, bytes.len() as u64, bytes) {
            return Ok(());
        }
        fs::write(&target, bytes).map_err(|e| io_error(&target, "write", &e))
    }

    /// [`Staging::linked`] for a course's file copied into the site: an image unchanged since
    /// the previous site is linked from it.
    fn linked_copy(&self, rel: &Path, from: &Path) -> bool {
        fs::File::open(from).is_ok_and(|file| {
            file.metadata()
                .is_ok_and(|meta| meta.is_file() && self.linked(rel, meta.len(), file))
        })
    }

    /// Whether the previous site's file at `rel` holds what `content` reads (`len` bytes) and
    /// is now linked into the new site.
    fn linked(&self, rel: &Path, len: u64, content: impl io::Read) -> bool {
        self.previous.as_ref().is_some_and(|previous| {
            let old = previous.join(rel);
            holds_only(&old, len, content) && fs::hard_link(&old, self.dir.join(rel)).is_ok()
        })
    }

    /// Write one file piece by piece, as `fill` writes it (a file too large to hold whole:
    /// the print page); its folder must exist.
    pub fn put_with(
        &self,
        url: &str,
        fill: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let target = self.dir.join(checked(url)?);
        let store = self.store.as_deref().filter(|s| s.keeping());
        let mut ids = store.map(super::store::IdWriter::new);
        let written = fs::File::create(&target).and_then(|file| {
            let out = io::BufWriter::with_capacity(1 << 16, file);
            let mut out = Tee(out, ids.as_mut());
            fill(&mut out)?;
            io::Write::flush(&mut out)
        });
        written.map_err(|e| io_error(&target, "write", &e))?;
        if let (Some(store), Some(ids)) = (store, ids) {
            let id = ids.finish();
            store.keep(&target, id, false);
            store.made(url, id);
        }
        Ok(())
    }

    /// Write every file of `site`, in parallel; `own`: the build's own files (pages, print,
    /// search), kept in the store, as [`Staging::put`] does.
    pub fn put_all(&self, site: &SiteFiles, own: bool) -> Result<(), Diagnostic> {
        self.make_dirs(site.files.keys().map(String::as_str))?;
        let files: Vec<(&String, &FileData)> = site.files.iter().collect();
        files
            .par_iter()
            .with_max_len(1)
            .try_for_each(|(url, data)| {
                let rel = checked(url)?;
                if own && self.store.is_some() {
                    match data {
                        FileData::Bytes(bytes) => return self.put_own(url, &rel, bytes),
                        FileData::Shared(bytes, _) => return self.put_own(url, &rel, bytes),
                        FileData::Copy(_) => {}
                    }
                }
                // As in [`Staging::place`]: the previous site's file when it holds the same bytes.
                let linked = match data {
                    FileData::Bytes(bytes) => {
                        self.linked(&rel, bytes.len() as u64, bytes.as_slice())
                    }
                    FileData::Shared(bytes, _) => {
                        self.linked(&rel, bytes.len() as u64, bytes.as_slice())
                    }
                    FileData::Copy(from) => self.linked_copy(&rel, from),
                };
                match linked {
                    true => Ok(()),
                    false => put(&self.dir.join(rel), data),
                }
            })
    }

    /// Swap the new site in for `dest`, then remove the previous one.
    pub fn finish(mut self) -> Result<(), Diagnostic> {
        // Judged again: the destination was empty or missing when the build began, and the lock
        // keeps out only other coursebooks, so someone may have saved files there since.
        if fs::symlink_metadata(&self.target).is_ok() && !replaceable(&self.target) {
            return Err(changed_during_build(&self.dest, None));
        }
        let aside = self.swap()?;
        // From here `self.dir` may hold the previous folder (exchanged): never remove it on drop.
        self.finished = true;
        let Some(aside) = aside else { return Ok(()) };
        // And judged once more where it now lies, for files saved between the check and the swap.
        if !replaceable(&aside) {
            return Err(self.swap_back(&aside));
        }
        if let Err(e) = remove_previous(&aside) {
            warn_not_removed(&aside, "the previous site", &e);
        }
        Ok(())
    }

    /// Put the new site in place; returns where the previous folder now is, if there was one.
    fn swap(&self) -> Result<Option<PathBuf>, Diagnostic> {
        let (dest, old) = (&self.target, &self.old);
        let cannot = |e: &io::Error| {
            io_error(&self.dest, "move the new site into place", e)
                .with_help("the previous site is left as it was")
        };
        if fs::symlink_metadata(dest).is_err() {
            fs::rename(&self.dir, dest).map_err(|e| cannot(&e))?;
            return Ok(None);
        }
        // One step where the system has it: a build killed here leaves a site in place.
        if exchange(&self.dir, dest).map_err(|e| cannot(&e))? {
            return Ok(Some(self.dir.clone()));
        }
        fs::rename(dest, old)
            .map_err(|e| io_error(&self.dest, "move the previous site aside", &e))?;
        if let Err(e) = fs::rename(&self.dir, dest) {
            // Put the previous site back: better an old site than none.
            let _ = fs::rename(old, dest);
            let _ = remove_ours(&self.dir);
            return Err(cannot(&e));
        }
        Ok(Some(old.clone()))
    }

    /// Undo [`Staging::swap`]: the folder moved aside is not one coursebook may remove. The new
    /// site is removed; theirs is put back, or, if that fails, left where it is and named.
    fn swap_back(&self, aside: &Path) -> Diagnostic {
        let back = if aside == self.dir {
            exchange(&self.dir, &self.target).and_then(|done| match done {
                true => Ok(()),
                false => Err(io::Error::other("the exchange is not available")),
            })
        } else {
            fs::rename(&self.target, &self.dir).and_then(|()| fs::rename(aside, &self.target))
        };
        match back {
            Ok(()) => {
                if let Err(e) = remove_ours(&self.dir) {
                    warn_not_removed(&self.dir, "the new site", &e);
                }
                changed_during_build(&self.dest, None)
            }
            Err(e) => changed_during_build(&self.dest, Some((aside, e))),
        }
    }
}

/// The error for an output folder that someone wrote into while the build ran.
fn changed_during_build(dest: &Path, kept: Option<(&Path, io::Error)>) -> Diagnostic {
    let why = "files were saved into the output folder while the build ran (it was empty or \
               missing when the build began); refusing to replace it";
    match kept {
        None => Diagnostic::error(dest, Pos::FILE, format!("{why}; it is left as it was"))
            .with_help("move those files elsewhere and build again"),
        Some((aside, e)) => Diagnostic::error(
            dest,
            Pos::FILE,
            format!(
                "{why}, but it could not be put back ({e}): it is kept, whole, at {}",
                aside.display()
            ),
        )
        .with_help("move it back by hand"),
    }
}

/// A folder the swap may replace or remove: an empty folder, or one made by coursebook.
fn replaceable(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
        && (made_by_us(path) || fs::read_dir(path).is_ok_and(|mut e| e.next().is_none()))
}

/// Remove the previous folder, moved aside: coursebook's whole, an empty one only while it is
/// still empty (`remove_dir` refuses a folder that holds anything).
fn remove_previous(aside: &Path) -> io::Result<()> {
    match made_by_us(aside) {
        true => remove_ours(aside),
        false => fs::remove_dir(aside),
    }
}

/// Say that a folder of coursebook's stays behind. A warning: the new site is in place, and the
/// next build tries again (a leftover never stops a build).
fn warn_not_removed(path: &Path, what: &str, e: &io::Error) {
    errln!(
        "{}",
        Diagnostic::warning(path, Pos::FILE, format!("cannot remove {what}: {e}"))
            .with_help("the new site is in place; remove this folder by hand")
    );
}

/// Remove a folder that carries coursebook's marker. A read-only copy of a site (`chmod -R a-w`,
/// a copy from the Nix store) cannot be emptied until its folders are writable: coursebook
/// makes its own folders so, and only when the plain removal was refused.
fn remove_ours(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            make_folders_writable(dir);
            fs::remove_dir_all(dir)
        }
        done => done,
    }
}

#[cfg(unix)]
fn make_folders_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // A folder is yielded before it is read, so one without read permission is opened after
    // this made it readable. Links are not followed: only folders inside `dir` are changed.
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_dir()
            && let Ok(meta) = entry.metadata()
        {
            let mut perms = meta.permissions();
            perms.set_mode(perms.mode() | 0o700);
            let _ = fs::set_permissions(entry.path(), perms);
        }
    }
}

#[cfg(not(unix))]
fn make_folders_writable(_dir: &Path) {}

/// Swap two folders in one step (Linux's `renameat2` with `RENAME_EXCHANGE`): a build killed
/// during the swap leaves either site in place, never none. `Ok(false)` where the system or
/// the file system does not have it (then two renames do the swap).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use nix::errno::Errno;
    use nix::fcntl::{AT_FDCWD, RenameFlags, renameat2};
    match renameat2(AT_FDCWD, a, AT_FDCWD, b, RenameFlags::RENAME_EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::EINVAL | Errno::ENOSYS | Errno::EOPNOTSUPP) => Ok(false),
        Err(e) => Err(io::Error::from(e)),
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// A destination that is a mount point (a Docker volume, a tmpfs) cannot be renamed, so the
/// swap would fail at the end of the build (EBUSY): refused before the build writes anything.
fn refuse_mount_point(dest: &Path, target: &Path, parent: &Path) -> Result<(), Diagnostic> {
    if !is_mount_point(target, parent) {
        return Ok(());
    }
    Err(Diagnostic::error(
        dest,
        Pos::FILE,
        "the output folder is a mount point, which cannot be swapped for the new site",
    )
    .with_help(
        "name a folder inside it (`--dest-dir out/site`): the new site is written beside the \
         output folder and swapped in whole",
    ))
}

#[cfg(unix)]
fn is_mount_point(target: &Path, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(t), Ok(p)) = (fs::symlink_metadata(target), fs::metadata(parent)) else {
        return false;
    };
    // Another file system; a bind mount of the same one shares its device, so is looked up.
    t.is_dir() && (t.dev() != p.dev() || listed_mount(target))
}

#[cfg(not(unix))]
fn is_mount_point(_target: &Path, _parent: &Path) -> bool {
    false
}

/// Whether `/proc/self/mountinfo` lists `target` as a mount point (Linux; elsewhere, no).
fn listed_mount(target: &Path) -> bool {
    let (Ok(canonical), Ok(table)) = (
        fs::canonicalize(target),
        fs::read_to_string("/proc/self/mountinfo"),
    ) else {
        return false;
    };
    table
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .any(|point| Path::new(&unescape_mount(point)) == canonical)
}

/// A mount point as mountinfo writes it: space, tab, newline and backslash as octal escapes.
fn unescape_mount(point: &str) -> String {
    point
        .replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = remove_ours(&self.dir);
        }
    }
}

/// Staging and previous-site folders that an interrupted build left beside `dest` (under the
/// lock, so no build is using them). Only folders that carry the marker are deleted; anything
/// else with such a name is left alone. One that cannot be removed is a warning, not a reason
/// to refuse the build. A build stopped between its two renames (where the one-step exchange
/// is not available) left the previous site aside and none in place: it is put back first.
fn remove_leftovers(parent: &Path, name: &str, target: &Path) {
    let prefixes = [
        format!(".{name}.coursebook-new-"),
        format!(".{name}.coursebook-old-"),
    ];
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut ours: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            let file_name = e.file_name().to_string_lossy().into_owned();
            prefixes.iter().any(|p| file_name.starts_with(p.as_str()))
        })
        .map(|e| e.path())
        .filter(|path| fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) && made_by_us(path))
        .collect();
    if fs::symlink_metadata(target).is_err() {
        restore_previous(&mut ours, &prefixes[1], target);
    }
    for path in ours {
        if let Err(e) = remove_ours(&path) {
            warn_not_removed(&path, "a leftover folder", &e);
        }
    }
}

/// Move the newest previous site among `ours` back to `target` (which is missing), and take it
/// off the list.
fn restore_previous(ours: &mut Vec<PathBuf>, old_prefix: &str, target: &Path) {
    let modified = |p: &PathBuf| fs::metadata(p).and_then(|m| m.modified()).ok();
    let newest = ours
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(old_prefix))
        })
        .max_by_key(|(_, p)| modified(p))
        .map(|(i, _)| i);
    if let Some(i) = newest
        && fs::rename(&ours[i], target).is_ok()
    {
        ours.remove(i);
    }
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
    staging.put_all(site, false)?;
    staging.finish()
}

/// A writer that also feeds a file's id, as the file is written.
struct Tee<'i, 's, W>(W, Option<&'i mut super::store::IdWriter<'s>>);

impl<W: io::Write> io::Write for Tee<'_, '_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.0.write(buf)?;
        if let Some(ids) = self.1.as_deref_mut() {
            ids.feed(&buf[..n]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
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

/// Whether `path` is a regular file holding exactly what `content` reads (`len` bytes), and
/// no other name leads to it (a file of the previous site linked from elsewhere would tie the
/// new site to it).
#[cfg(unix)]
fn holds_only(path: &Path, len: u64, content: impl io::Read) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(path).is_ok_and(|meta| meta.nlink() == 1) && holds_same(path, len, content)
}

/// Whether `path` is a regular file holding exactly what `content` reads (`len` bytes). Read in
/// pieces, stopping at the first difference.
fn holds_same(path: &Path, len: u64, mut content: impl io::Read) -> bool {
    use std::io::Read;
    let Ok(meta) = fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() != len {
        return false;
    }
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let piece = len.min(1 << 16) as usize;
    let (mut mine, mut theirs) = (vec![0u8; piece], vec![0u8; piece]);
    let mut left = len;
    while left > 0 {
        let want = left.min(piece as u64) as usize;
        if file.read_exact(&mut mine[..want]).is_err()
            || content.read_exact(&mut theirs[..want]).is_err()
            || mine[..want] != theirs[..want]
        {
            return false;
        }
        left -= want as u64;
    }
    // Nothing more: neither file grew since it was looked at.
    file.read(&mut [0u8; 1]).is_ok_and(|n| n == 0)
        && content.read(&mut [0u8; 1]).is_ok_and(|n| n == 0)
}

/// Elsewhere every file is written: a link count is not in the standard library there.
#[cfg(not(unix))]
fn holds_only(_path: &Path, _len: u64, _content: impl io::Read) -> bool {
    false
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

/// Write `files` into the site at `dest`, each first to a temporary file beside it, then all
/// renamed into place: a write that fails (a full disk) leaves no file half written and none
/// changed, so "nothing was written" is true and no truncated file is served.
fn put_in_place(dest: &Path, files: &[(&String, &FileData)]) -> Result<(), Diagnostic> {
    let temp_name = format!(".coursebook-tmp-{}", std::process::id());
    let planned: Vec<(PathBuf, PathBuf, &FileData)> = files
        .iter()
        .map(|(url, data)| {
            let target = dest.join(checked(url)?);
            let mut temp = target.clone().into_os_string();
            temp.push(&temp_name);
            Ok((target, PathBuf::from(temp), *data))
        })
        .collect::<Result<_, Diagnostic>>()?;
    let written = planned.par_iter().try_for_each(|(target, temp, data)| {
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, "create the folder", &e))?;
        }
        // The error names the file the site has, not the temporary one.
        put(temp, data).map_err(|mut d| {
            if d.path == *temp {
                d.path.clone_from(target);
            }
            d
        })
    });
    if let Err(d) = written {
        for (_, temp, _) in &planned {
            let _ = fs::remove_file(temp);
        }
        return Err(d);
    }
    for (target, temp, _) in &planned {
        fs::rename(temp, target).map_err(|e| io_error(target, "write", &e))?;
    }
    Ok(())
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

/// What `serve` wrote into the output folder: URL → hash of the bytes, and which folder that
/// was. A build swaps a new folder in, so another coursebook's build into the same place
/// (`coursebook build` beside `serve`, say for CI's address) shows as a folder of another
/// identity: the record no longer says what it holds.
#[derive(Default)]
pub struct Written {
    files: HashMap<String, u64>,
    folder: Option<(u64, u64)>,
}

impl Written {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A folder's identity (device and inode number), where the system has one.
#[cfg(unix)]
fn folder_id(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(dir).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn folder_id(_dir: &Path) -> Option<(u64, u64)> {
    None
}

/// For `coursebook serve`: write only the files whose bytes changed since the last write
/// recorded in `written`, and remove the ones that are gone. The first call (an empty record),
/// and any after the folder was replaced by another build, writes the whole site the usual
/// way: serve wrote only the edited page into another build's site (for another address),
/// a mix of two sites. Returns the URLs written.
pub fn write_changed(
    site: &SiteFiles,
    dest: &Path,
    course_root: &Path,
    written: &mut Written,
    part: Part<'_>,
) -> Result<Vec<String>, Diagnostic> {
    let hashes: HashMap<String, u64> = site
        .files
        .iter()
        .map(|(u, d)| (u.clone(), hash_of(d)))
        .collect();
    let replaced = written.folder != folder_id(dest);
    // A second part never replaces the folder: the first has just written it.
    if !matches!(part, Part::Only(_)) && (written.is_empty() || replaced || !made_by_us(dest)) {
        write(site, dest, course_root)?;
        written.files = hashes;
        written.folder = folder_id(dest);
        return Ok(site.files.keys().cloned().collect());
    }
    let written = &mut written.files;
    let _lock = DestLock::acquire(dest)?;
    let changed: Vec<(&String, &FileData)> = site
        .files
        .iter()
        .filter(|(u, _)| written.get(*u) != hashes.get(*u))
        .collect();
    put_in_place(dest, &changed)?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    /// A course folder and an output folder beside it, in one temporary folder.
    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let course = tmp.path().join("course");
        fs::create_dir(&course).unwrap();
        let dest = tmp.path().join("out");
        (tmp, course, dest)
    }

    /// With the site store: a file is linked from the store when it holds the same bytes, and
    /// never twice into one site; a store's file found damaged is replaced by the new one.
    #[cfg(unix)]
    #[test]
    fn the_store_s_files_are_linked_once_a_site_and_damaged_ones_replaced() {
        use std::os::unix::fs::MetadataExt;
        let (tmp, course, dest) = setup();
        let build = |files: &[(&str, &str)]| {
            let store = crate::site::store::Store::open_in(&tmp.path().join("store"))
                .map(std::sync::Arc::new);
            let staging = Staging::begin(&dest, &course).unwrap().with_store(store);
            staging.make_dirs(files.iter().map(|(u, _)| *u)).unwrap();
            for (url, text) in files {
                staging.put(url, text.as_bytes()).unwrap();
            }
            staging.finish().unwrap();
        };
        let meta = |url: &str| fs::metadata(dest.join(url)).unwrap();
        let files = [("a.html", "same"), ("b.html", "same"), ("c.html", "other")];
        build(&files);
        assert_ne!(
            meta("a.html").ino(),
            meta("b.html").ino(),
            "one site, two files"
        );
        assert_eq!(meta("a.html").nlink(), 2, "the site's and the store's");
        assert_eq!(meta("b.html").nlink(), 1, "a copy");
        let before = meta("c.html").ino();
        build(&files);
        assert_eq!(meta("c.html").ino(), before, "linked again, not written");
        assert_ne!(meta("a.html").ino(), meta("b.html").ino());
        // Edited in place through the site: the store's file changes with it; the next build
        // writes the page afresh and keeps that instead.
        fs::write(dest.join("c.html"), "OTHER").unwrap();
        build(&files);
        assert_eq!(fs::read_to_string(dest.join("c.html")).unwrap(), "other");
        assert_ne!(meta("c.html").ino(), before);
        assert_eq!(
            meta("c.html").nlink(),
            2,
            "kept in the store in place of the damaged one"
        );
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A rebuild links the previous site's files that hold the same bytes (the same inode
    /// carries on) and writes the rest: a changed file, one whose bytes someone changed in the
    /// site (same length), and one another name also leads to.
    #[cfg(unix)]
    #[test]
    fn a_rebuild_links_unchanged_files_and_writes_the_rest() {
        use std::os::unix::fs::MetadataExt;
        let (tmp, course, dest) = setup();
        let build = |files: &[(&str, &str)]| {
            let staging = Staging::begin(&dest, &course).unwrap();
            staging.make_dirs(files.iter().map(|(u, _)| *u)).unwrap();
            for (url, text) in files {
                staging.put(url, text.as_bytes()).unwrap();
            }
            staging.finish().unwrap();
        };
        let inode = |url: &str| fs::metadata(dest.join(url)).unwrap().ino();
        let first = [
            ("index.html", "home"),
            ("a/same.html", "same"),
            ("a/changed.html", "before"),
            ("tampered.html", "honest"),
            ("shared.html", "shared"),
        ];
        build(&first);
        let before: Vec<u64> = first.iter().map(|(u, _)| inode(u)).collect();
        fs::write(dest.join("tampered.html"), "forged").unwrap();
        let elsewhere = tmp.path().join("elsewhere.html");
        fs::hard_link(dest.join("shared.html"), &elsewhere).unwrap();
        let second = [
            ("index.html", "home"),
            ("a/same.html", "same"),
            ("a/changed.html", "after!"),
            ("tampered.html", "honest"),
            ("shared.html", "shared"),
        ];
        build(&second);
        for (i, (url, text)) in second.iter().enumerate() {
            assert_eq!(fs::read_to_string(dest.join(url)).unwrap(), *text, "{url}");
            let linked = inode(url) == before[i];
            assert_eq!(linked, i < 2, "{url}: linked {linked}");
        }
        // The other name still leads to the previous file, untouched, alone.
        assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "shared");
        assert_eq!(fs::metadata(&elsewhere).unwrap().nlink(), 1);
    }

    /// A course's file copied into the site (an image) is linked from the previous site when
    /// the two hold the same bytes, and copied again when the course's file changed.
    #[cfg(unix)]
    #[test]
    fn a_rebuild_links_unchanged_copies_and_copies_changed_ones() {
        use std::os::unix::fs::MetadataExt;
        let (_tmp, course, dest) = setup();
        let (kept, changed) = (course.join("kept.png"), course.join("changed.png"));
        fs::write(&kept, "kept image").unwrap();
        fs::write(&changed, "first image").unwrap();
        let build = || {
            let mut site = SiteFiles::default();
            site.copy("img/kept.png", kept.clone());
            site.copy("img/changed.png", changed.clone());
            let staging = Staging::begin(&dest, &course).unwrap();
            staging.put_all(&site, false).unwrap();
            staging.finish().unwrap();
        };
        let inode = |url: &str| fs::metadata(dest.join(url)).unwrap().ino();
        build();
        let before = (inode("img/kept.png"), inode("img/changed.png"));
        fs::write(&changed, "other image").unwrap();
        build();
        assert_eq!(inode("img/kept.png"), before.0);
        assert_ne!(inode("img/changed.png"), before.1);
        assert_eq!(
            fs::read_to_string(dest.join("img/changed.png")).unwrap(),
            "other image"
        );
        assert_eq!(
            fs::read_to_string(dest.join("img/kept.png")).unwrap(),
            "kept image"
        );
        // The course's own file is never linked into the site: only the previous site's.
        assert_eq!(fs::metadata(&kept).unwrap().nlink(), 1);
    }

    #[test]
    fn files_saved_into_the_destination_during_the_build_are_never_deleted() {
        let (tmp, course, dest) = setup();
        // Empty when the build began, missing when the build began: someone saves a file.
        for empty_at_start in [true, false] {
            let _ = fs::remove_dir_all(&dest);
            if empty_at_start {
                fs::create_dir(&dest).unwrap();
            }
            let staging = Staging::begin(&dest, &course).unwrap();
            staging.put("index.html", b"new").unwrap();
            fs::create_dir_all(&dest).unwrap();
            fs::write(dest.join("precious.txt"), "mine").unwrap();
            let e = staging.finish().unwrap_err();
            assert!(e.message.contains("saved into the output folder"), "{e}");
            assert_eq!(
                fs::read_to_string(dest.join("precious.txt")).unwrap(),
                "mine"
            );
            assert_eq!(names(tmp.path()), ["course", "out"]);
        }
        // Saved between the check and the swap: found where it was moved, and put back.
        fs::remove_dir_all(&dest).unwrap();
        fs::create_dir(&dest).unwrap();
        let mut staging = Staging::begin(&dest, &course).unwrap();
        staging.put("index.html", b"new").unwrap();
        let aside = staging.swap().unwrap().unwrap();
        staging.finished = true;
        fs::write(aside.join("precious.txt"), "mine").unwrap();
        let e = staging.swap_back(&aside);
        assert!(e.message.contains("saved into the output folder"), "{e}");
        assert_eq!(names(&dest), ["precious.txt"]);
        assert_eq!(names(tmp.path()), ["course", "out"]);
    }

    #[test]
    fn dot_names_the_folder_it_leads_to() {
        let (tmp, course, dest) = setup();
        fs::create_dir(&dest).unwrap();
        let real = fs::canonicalize(tmp.path()).unwrap();
        let (parent, name) = beside(&dest.join(".")).unwrap();
        assert_eq!((parent, name.as_str()), (tmp.path().to_path_buf(), "out"));
        let (parent, name) = beside(&course.join("..")).unwrap();
        assert_eq!(parent.join(name), real);
        let (parent, name) = beside(Path::new("out/./")).unwrap();
        assert_eq!((parent, name.as_str()), (PathBuf::from("."), "out"));
        // A site built into `out/.` twice: swapped, not refused.
        for round in ["one", "two"] {
            let staging = Staging::begin(&dest.join("."), &course).unwrap();
            staging.put("index.html", round.as_bytes()).unwrap();
            staging.finish().unwrap();
            assert_eq!(fs::read_to_string(dest.join("index.html")).unwrap(), round);
        }
        assert_eq!(names(tmp.path()), ["course", "out"]);
    }

    #[test]
    fn a_mount_point_is_told_apart_from_a_folder() {
        assert!(is_mount_point(Path::new("/proc"), Path::new("/")));
        let (_tmp, course, _dest) = setup();
        assert!(!is_mount_point(&course, course.parent().unwrap()));
        assert_eq!(unescape_mount("/mnt/my\\040site"), "/mnt/my site");
    }

    #[test]
    fn a_previous_site_left_aside_by_a_killed_build_is_put_back() {
        let (tmp, course, dest) = setup();
        let old = tmp.path().join(".out.coursebook-old-4242");
        fs::create_dir(&old).unwrap();
        fs::write(old.join(MARKER), MARKER_TEXT).unwrap();
        fs::write(old.join("index.html"), "previous").unwrap();
        let stale = tmp.path().join(".out.coursebook-new-4242");
        fs::create_dir(&stale).unwrap();
        fs::write(stale.join(MARKER), MARKER_TEXT).unwrap();
        // The next build fails: the previous site is in place, the half-made one gone.
        drop(Staging::begin(&dest, &course).unwrap());
        assert_eq!(
            fs::read_to_string(dest.join("index.html")).unwrap(),
            "previous"
        );
        assert_eq!(names(tmp.path()), ["course", "out"]);
    }

    #[test]
    fn the_swap_exchanges_in_one_step_where_it_can() {
        let (tmp, course, dest) = setup();
        for round in ["one", "two"] {
            let mut staging = Staging::begin(&dest, &course).unwrap();
            staging.put("index.html", round.as_bytes()).unwrap();
            let aside = staging.swap().unwrap();
            staging.finished = true;
            // The previous site went where the new one was: no moment without a site.
            assert_eq!(
                aside.as_deref() == Some(staging.dir.as_path()),
                round == "two" && cfg!(all(target_os = "linux", target_env = "gnu"))
            );
            drop(staging);
            assert_eq!(fs::read_to_string(dest.join("index.html")).unwrap(), round);
            if let Some(aside) = aside {
                remove_ours(&aside).unwrap();
            }
        }
        assert_eq!(names(tmp.path()), ["course", "out"]);
    }

    /// Red team 6: `coursebook build` into serve's folder (with CI's address) replaced it, and
    /// serve's next rebuild wrote only the edited page into that other site.
    #[test]
    fn serve_writes_the_whole_site_into_a_folder_another_build_replaced() {
        let (_tmp, course, dest) = setup();
        let mut site = SiteFiles::default();
        site.add("a.html", "served a");
        site.add("b.html", "served b");
        let mut written = Written::default();
        write_changed(&site, &dest, &course, &mut written, Part::All).unwrap();
        // Only what changed is written while the folder is serve's.
        site.add("b.html", "served b, edited");
        let changed = write_changed(&site, &dest, &course, &mut written, Part::All).unwrap();
        assert_eq!(changed, ["b.html"]);
        // Another build swaps its own site in.
        let mut other = SiteFiles::default();
        other.add("a.html", "other a");
        other.add("b.html", "other b");
        other.add("sitemap.xml", "other");
        write(&other, &dest, &course).unwrap();
        site.add("b.html", "served b, edited again");
        let mut changed = write_changed(&site, &dest, &course, &mut written, Part::All).unwrap();
        changed.sort();
        assert_eq!(changed, ["a.html", "b.html"]);
        assert_eq!(fs::read_to_string(dest.join("a.html")).unwrap(), "served a");
        assert_eq!(names(&dest), [MARKER, "a.html", "b.html"]);
    }

    #[test]
    fn a_failed_write_of_changed_files_changes_none() {
        let (tmp, course, dest) = setup();
        let mut site = SiteFiles::default();
        site.add("a.html", "one");
        site.add("b.html", "one");
        let mut written = Written::default();
        write_changed(&site, &dest, &course, &mut written, Part::All).unwrap();
        // b.html cannot be written (its source is gone, as a full disk fails a copy).
        site.add("a.html", "two");
        site.copy("b.html", tmp.path().join("missing.bin"));
        let e = write_changed(&site, &dest, &course, &mut written, Part::All).unwrap_err();
        assert!(e.to_string().contains("missing.bin"), "{e}");
        assert_eq!(fs::read_to_string(dest.join("a.html")).unwrap(), "one");
        assert_eq!(fs::read_to_string(dest.join("b.html")).unwrap(), "one");
        assert_eq!(names(&dest), [MARKER, "a.html", "b.html"]);
    }
}
