//! The site store: the files a build makes from the course's pages (every page, print.html,
//! the search index) kept between builds, so that building a course again as it was costs a
//! lookup and links, not a build (#17: a warm build of the code-heavy benchmark spent more on
//! templates, print.html and search than the block cache saved).
//!
//! - **Files by content.** A file is kept once, under a keyed hash of its bytes and its length
//!   (`files/<id>-<len>`), as a hard link to the site's own file: keeping it writes nothing.
//!   A build links each file it makes whose bytes the store already holds (compared in full)
//!   instead of writing it, and links each new one into the store.
//! - **A list by course state.** When a build succeeds, a manifest records, under a key of
//!   everything the build read to make those files ([`site_key`]), which files it made and
//!   what it said about them (the warnings, replayed: nothing is lost on a build that hits).
//!   A build whose key has a manifest checks each file against its id (a file edited in a
//!   published site, through its link, or damaged on disk is found here, said, and the course
//!   built again) and links them into the new site without rendering anything.
//! - **Trust.** The store is in the user's cache folder (`$COURSEBOOK_CACHE_DIR/sites`, else
//!   `coursebook/sites` in the user's cache folder), never in a course's `[build] cache-dir`: a
//!   course is untrusted input, and a file in its folder could claim to be any page. The key
//!   and the ids are hashed with a secret made on first use and kept in the store, so a course
//!   built on the same machine cannot craft a page that passes for another course's.
//! - **Bounded**: the most recently used manifests are kept while their files add up to at
//!   most [`MAX_BYTES`] (the newest always), the rest and the files no manifest names are
//!   removed when a build writes a manifest.
//! - **Concurrent builds**: files and manifests are written under a temporary name and renamed
//!   into place; a file removed by another build's clean-up is a miss, never a wrong page.
//! - A store on another file system than the site (no hard links) is not written; `--no-cache`
//!   and `coursebook check` do not use it, nor `serve`, which keeps its own caches in memory.

use crate::content::quiz::LessonQuizFiles;
use crate::diag::{Diagnostic, Pos};
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hash, Hasher};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The most bytes of files the store keeps for older manifests (the newest is always kept).
pub const MAX_BYTES: u64 = 1 << 30;
/// The most manifests kept: each build of a new state of a course writes one, and every such
/// build reads them all to trim the store (an author's day of edits made hundreds, of files
/// shared with each other, well within [`MAX_BYTES`]).
pub const MAX_MANIFESTS: usize = 16;
/// The file that makes a folder a store, and what it says.
const MARKER: &str = ".coursebook-sites";
const MARKER_TEXT: &str =
    "This folder is coursebook's site store: files of built sites, kept between builds.\n";
/// What a manifest starts with; another format's manifests are not read.
const FORMAT: &str = "coursebook-sites 1";
/// Files are hashed in blocks of this size, so that a file hashed as it is written in pieces
/// (print.html) and read back in blocks gets the same id.
const BLOCK: usize = 1 << 16;
/// How long a file of the store that no manifest names is left: another build may be keeping
/// it for a manifest it has not written yet (removed, that build's next would make it again).
const GRACE: std::time::Duration = std::time::Duration::from_secs(600);
/// A theme folder past either of these is not hashed (its course is not kept in the store).
const THEME_FILES: usize = 10_000;
const THEME_BYTES: u64 = 64 << 20;
/// A manifest names at most this many files (a course's files are bounded long before).
const MAX_FILES: usize = 1 << 22;

/// A file of the store: its keyed hash and length.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, serde::Serialize, serde::Deserialize)]
pub struct Id {
    pub hash: u64,
    pub len: u64,
}

/// A file a build made: where it goes in the site, and what it holds.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Made {
    pub url: String,
    pub id: Id,
}

/// What a manifest holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    format: String,
    key: String,
    files: Vec<Made>,
    /// How many files the build's summary counted among these (streamed pages are not).
    counted: usize,
    diags: Vec<Diagnostic>,
}

/// A build whose course is as a kept manifest says.
pub struct Hit {
    pub files: Vec<(String, PathBuf, Id)>,
    pub counted: usize,
    pub diags: Vec<Diagnostic>,
}

/// The store, opened for one build.
pub struct Store {
    dir: PathBuf,
    secret: foldhash::SharedSeed,
    seeds: [u64; 2],
    /// Set when a file could not be linked into the store (another file system): nothing more
    /// is kept, and no manifest is written.
    broken: AtomicBool,
    /// The files this build made, as they were placed.
    made: Mutex<Vec<Made>>,
    /// [`MAX_BYTES`], [`MAX_MANIFESTS`] and [`GRACE`]; smaller in tests.
    max_bytes: u64,
    max_manifests: usize,
    grace: std::time::Duration,
}

impl Store {
    /// The store in the user's cache folder, made if need be; `None` when there is none (no
    /// home, a read-only one: no store, silently) or caches are off (`--no-cache`).
    pub fn open() -> Option<Store> {
        if crate::markdown::block_cache::DISABLED.load(Ordering::Relaxed) {
            return None;
        }
        Store::open_in(&crate::markdown::block_cache::user_folder("sites")?)
    }

    /// The store at `dir`: made there if there is nothing there yet (or an empty folder);
    /// `None` when `dir` holds something that is not a store (`$COURSEBOOK_CACHE_DIR` naming a
    /// folder of the user's own, say): coursebook removes files in its store, and never a
    /// folder's it did not make.
    pub fn open_in(dir: &Path) -> Option<Store> {
        let marker = dir.join(MARKER);
        let ours = std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file())
            && read_bounded(&marker, 1024).is_some_and(|text| text == MARKER_TEXT);
        if !ours {
            std::fs::create_dir_all(dir).ok()?;
            if std::fs::read_dir(dir).ok()?.next().is_some() {
                return None;
            }
            std::fs::write(&marker, MARKER_TEXT).ok()?;
        }
        std::fs::create_dir_all(dir.join("files")).ok()?;
        let secret = secret(dir)?;
        Some(Store {
            dir: dir.to_path_buf(),
            secret: foldhash::SharedSeed::from_u64(secret[0]),
            seeds: [secret[1], secret[2]],
            broken: AtomicBool::new(false),
            made: Mutex::new(Vec::new()),
            max_bytes: MAX_BYTES,
            max_manifests: MAX_MANIFESTS,
            grace: GRACE,
        })
    }

    fn hasher(&self, seed: u64) -> foldhash::quality::FoldHasher<'_> {
        foldhash::quality::FoldHasher::with_seed(seed, &self.secret)
    }

    /// A hasher for the key of a course's state ([`site_key`]): two keyed hashes, 128 bits.
    pub fn key_hasher(&self) -> KeyHasher<'_> {
        KeyHasher([self.hasher(self.seeds[0]), self.hasher(self.seeds[1])])
    }

    /// The id of `bytes`: its whole blocks fed, its last one hashed where it is (copied to be
    /// fed, each page was copied once more).
    pub fn id(&self, bytes: &[u8]) -> Id {
        let mut ids = IdWriter::new(self);
        let whole = bytes.len() / BLOCK * BLOCK;
        ids.feed(&bytes[..whole]);
        ids.finish_with(&bytes[whole..])
    }

    /// Where the store keeps the file `id`.
    pub fn path(&self, id: Id) -> PathBuf {
        self.dir
            .join("files")
            .join(format!("{:016x}-{}", id.hash, id.len))
    }

    fn manifest_path(&self, key: u128) -> PathBuf {
        self.dir.join(format!("{key:032x}.json"))
    }

    /// Whether files are still being kept by this build.
    pub fn keeping(&self) -> bool {
        !self.broken.load(Ordering::Relaxed)
    }

    /// Keep the file just written at `written` (holding `id`): linked into the store under its
    /// id. A file of that id already there is left, unless `damaged` (found not to hold those
    /// bytes): ids are of the bytes, and a kept file is checked whenever it is used.
    pub fn keep(&self, written: &Path, id: Id, damaged: bool) {
        if !self.keeping() {
            return;
        }
        let kept = self.path(id);
        let linked = match std::fs::hard_link(written, &kept) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && damaged => {
                let _ = std::fs::remove_file(&kept);
                std::fs::hard_link(written, &kept)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            done => done,
        };
        if linked.is_err() {
            self.broken.store(true, Ordering::Relaxed);
        }
    }

    /// Note a file this build placed in its site, for the manifest.
    pub fn made(&self, url: &str, id: Id) {
        self.made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Made {
                url: url.to_string(),
                id,
            });
    }

    /// The manifest of `key`, with every file it names checked against its id. A file that
    /// is not what its id says is removed from the store, with a warning; a missing manifest
    /// or file is a miss.
    pub fn find(&self, key: u128, problems: &mut Vec<Diagnostic>) -> Option<Hit> {
        use rayon::prelude::*;
        let path = self.manifest_path(key);
        let text = read_bounded(&path, 64 << 20)?;
        let Some(manifest) = self.parse(&text, key) else {
            problems.push(self.warning(&path, "a list of the site store is damaged"));
            let _ = std::fs::remove_file(&path);
            return None;
        };
        let checked: Vec<Result<(String, PathBuf, Id), Option<PathBuf>>> = manifest
            .files
            .par_iter()
            .map(|made| {
                let kept = self.path(made.id);
                match self.id_of_file(&kept) {
                    Some(id) if id == made.id => Ok((made.url.clone(), kept, id)),
                    Some(_) => Err(Some(kept)),
                    None => Err(None),
                }
            })
            .collect();
        let mut files = Vec::with_capacity(checked.len());
        let mut whole = true;
        for result in checked {
            match result {
                Ok(file) => files.push(file),
                Err(damaged) => {
                    whole = false;
                    if let Some(kept) = damaged {
                        problems.push(self.warning(
                            &kept,
                            "a file of the site store is not what it was (edited through a site it was linked into, or damaged): removed, and the course built again",
                        ));
                        let _ = std::fs::remove_file(&kept);
                    }
                }
            }
        }
        if !whole {
            let _ = std::fs::remove_file(&path);
            return None;
        }
        // Used now: the last to go when the store is trimmed.
        if let Ok(file) = std::fs::File::options().append(true).open(&path) {
            let _ = file.set_modified(std::time::SystemTime::now());
        }
        Some(Hit {
            files,
            counted: manifest.counted,
            diags: manifest.diags,
        })
    }

    /// A manifest read back: its checksum (keyed: no other program's file passes) and its key.
    fn parse(&self, text: &str, key: u128) -> Option<Manifest> {
        let (sum, body) = text.split_once('\n')?;
        if u64::from_str_radix(sum, 16).ok()? != self.sum(body) {
            return None;
        }
        let manifest: Manifest = serde_json::from_str(body).ok()?;
        (manifest.format == FORMAT
            && manifest.key == format!("{key:032x}")
            && manifest.files.len() <= MAX_FILES)
            .then_some(manifest)
    }

    fn sum(&self, body: &str) -> u64 {
        let mut h = self.hasher(self.seeds[0] ^ 0x0053_554d);
        body.hash(&mut h);
        h.finish()
    }

    fn warning(&self, path: &Path, message: &str) -> Diagnostic {
        Diagnostic::warning(path, Pos::FILE, message).with_help(
            "the site store is coursebook's (in the user's cache folder); `--no-cache` builds without it",
        )
    }

    /// The id of the file at `path`, read in blocks.
    fn id_of_file(&self, path: &Path) -> Option<Id> {
        let mut file = std::fs::File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        let mut ids = IdWriter::new(self);
        let mut block = vec![0u8; BLOCK];
        loop {
            let n = read_full(&mut file, &mut block).ok()?;
            ids.feed(&block[..n]);
            if n < BLOCK {
                break;
            }
        }
        let id = ids.finish();
        (id.len == len).then_some(id)
    }

    /// Write the manifest of this build under `key` (unless a file could not be kept), then
    /// trim the store.
    pub fn write_manifest(&self, key: u128, counted: usize, diags: Vec<Diagnostic>) {
        if !self.keeping() {
            return;
        }
        let mut files = std::mem::take(&mut *self.made.lock().unwrap_or_else(|e| e.into_inner()));
        files.sort_by(|a, b| a.url.cmp(&b.url));
        let manifest = Manifest {
            format: FORMAT.to_string(),
            key: format!("{key:032x}"),
            files,
            counted,
            diags,
        };
        // A path that is not UTF-8 in a warning: no manifest (the next build builds).
        let Ok(body) = serde_json::to_string(&manifest) else {
            return;
        };
        let text = format!("{:016x}\n{body}", self.sum(&body));
        let path = self.manifest_path(key);
        let temp = self
            .dir
            .join(format!(".{key:032x}.{}.tmp", std::process::id()));
        if std::fs::write(&temp, text).is_ok() && std::fs::rename(&temp, &path).is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        self.trim();
    }

    /// Remove the manifests past the bound (least recently used first) and every file no kept
    /// manifest names.
    fn trim(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut manifests: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            let Ok(meta) = entry.metadata() else { continue };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".json")
                && let Ok(modified) = meta.modified()
            {
                manifests.push((modified, entry.path()));
            } else if name.ends_with(".tmp") && !changed_within(&meta, self.grace) {
                // Left by a build that was stopped while writing.
                let _ = std::fs::remove_file(entry.path());
            }
        }
        manifests.sort_by_key(|m| std::cmp::Reverse(m.0));
        // Past the count, not even read.
        for (_, path) in manifests.iter().skip(self.max_manifests) {
            let _ = std::fs::remove_file(path);
        }
        manifests.truncate(self.max_manifests);
        let mut named: std::collections::HashSet<Id> = std::collections::HashSet::new();
        let mut bytes = 0u64;
        for (n, (_, path)) in manifests.iter().enumerate() {
            let key = path
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| u128::from_str_radix(s, 16).ok());
            let manifest = key.and_then(|key| {
                let text = read_bounded(path, 64 << 20)?;
                self.parse(&text, key)
            });
            let Some(manifest) = manifest else {
                let _ = std::fs::remove_file(path);
                continue;
            };
            let new: Vec<Id> = manifest
                .files
                .iter()
                .map(|m| m.id)
                .filter(|id| !named.contains(id))
                .collect();
            let more: u64 = new.iter().map(|id| id.len).sum();
            if n > 0 && bytes.saturating_add(more) > self.max_bytes {
                let _ = std::fs::remove_file(path);
                continue;
            }
            bytes = bytes.saturating_add(more);
            named.extend(new);
        }
        let Ok(files) = std::fs::read_dir(self.dir.join("files")) else {
            return;
        };
        for entry in files.filter_map(Result::ok) {
            let name = entry.file_name();
            let id = name.to_str().and_then(|n| {
                let (hash, len) = n.split_once('-')?;
                Some(Id {
                    hash: u64::from_str_radix(hash, 16).ok()?,
                    len: len.parse().ok()?,
                })
            });
            if id.is_none_or(|id| !named.contains(&id))
                && entry
                    .metadata()
                    .is_ok_and(|m| !changed_within(&m, self.grace))
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Whether a file of the store was linked or written within `grace` ([`GRACE`]).
fn changed_within(meta: &std::fs::Metadata, grace: std::time::Duration) -> bool {
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt;
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(meta.ctime().max(0).unsigned_abs())
    };
    #[cfg(not(unix))]
    let Ok(changed) = meta.modified() else {
        return false;
    };
    changed.elapsed().map_or(true, |age| age < grace)
}

/// The key of a course's state: two keyed 64-bit hashes of the same input.
pub struct KeyHasher<'a>([foldhash::quality::FoldHasher<'a>; 2]);

impl KeyHasher<'_> {
    pub fn finish128(&self) -> u128 {
        u128::from(self.0[0].finish()) << 64 | u128::from(self.0[1].finish())
    }
}

impl Hasher for KeyHasher<'_> {
    fn write(&mut self, bytes: &[u8]) {
        self.0[0].write(bytes);
        self.0[1].write(bytes);
    }

    fn finish(&self) -> u64 {
        self.0[0].finish()
    }
}

/// Debug output written straight into a hasher: what a value shows is what is hashed, and a
/// field added to a configuration changes the key without a word here.
impl std::fmt::Write for KeyHasher<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        Hasher::write(self, s.as_bytes());
        Ok(())
    }
}

/// A file's id, fed in pieces of any size and hashed in [`BLOCK`]s.
pub struct IdWriter<'s> {
    store: &'s Store,
    state: u64,
    len: u64,
    pending: Vec<u8>,
}

impl<'s> IdWriter<'s> {
    pub fn new(store: &'s Store) -> IdWriter<'s> {
        IdWriter {
            store,
            state: store.seeds[1],
            len: 0,
            pending: Vec::new(),
        }
    }

    fn block(&mut self, block: &[u8]) {
        let mut h = self.store.hasher(self.state);
        h.write(block);
        self.state = h.finish();
    }

    pub fn feed(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        if !self.pending.is_empty() {
            let take = (BLOCK - self.pending.len()).min(bytes.len());
            self.pending.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.pending.len() < BLOCK {
                return;
            }
            let block = std::mem::take(&mut self.pending);
            self.block(&block);
            // The same room for the next block.
            self.pending = block;
            self.pending.clear();
        }
        let mut blocks = bytes.chunks_exact(BLOCK);
        for block in &mut blocks {
            self.block(block);
        }
        self.pending.extend_from_slice(blocks.remainder());
    }

    pub fn finish(mut self) -> Id {
        let pending = std::mem::take(&mut self.pending);
        self.len -= pending.len() as u64;
        self.finish_with(&pending)
    }

    /// The id, with `tail` as the last block (less than a block), after whole blocks only.
    fn finish_with(mut self, tail: &[u8]) -> Id {
        debug_assert!(self.pending.is_empty() && tail.len() < BLOCK);
        self.len += tail.len() as u64;
        self.block(tail);
        let mut h = self.store.hasher(self.state);
        h.write_u64(self.len);
        Id {
            hash: h.finish(),
            len: self.len,
        }
    }
}

/// The store's secret, made on first use: 192 bits from the standard library's random hash
/// keys (seeded by the system), kept in the store, readable by its owner only.
fn secret(dir: &Path) -> Option<[u64; 3]> {
    let path = dir.join("secret");
    let parse = |text: &str| -> Option<[u64; 3]> {
        let mut words = text.split_whitespace().map(|w| u64::from_str_radix(w, 16));
        let secret = [
            words.next()?.ok()?,
            words.next()?.ok()?,
            words.next()?.ok()?,
        ];
        words.next().is_none().then_some(secret)
    };
    if let Some(text) = read_bounded(&path, 1024) {
        return parse(&text);
    }
    let random = || std::collections::hash_map::RandomState::new().hash_one(std::process::id());
    let mut text = String::new();
    for _ in 0..3 {
        let _ = write!(text, "{:016x} ", random());
    }
    let temp = dir.join(format!(".secret.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&temp)
        .and_then(|mut f| io::Write::write_all(&mut f, text.as_bytes()));
    // Put in place only if it is not there yet (a link fails on an existing name): a build
    // that made one at the same time uses the first, never one it replaced.
    if written.is_ok() {
        let _ = std::fs::hard_link(&temp, &path);
    }
    let _ = std::fs::remove_file(&temp);
    parse(&read_bounded(&path, 1024)?)
}

/// A file's text, when it is a regular file of at most `limit` bytes.
fn read_bounded(path: &Path, limit: u64) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > limit {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// Read until `buf` is full or the file ends; how much was read.
fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// What [`site_key`] hashes besides the course's files: what the build made of them so far.
pub struct Parts<'a> {
    pub config: &'a crate::config::Config,
    /// Loaded, its lessons' quiz files not yet attached (their bytes are hashed instead: a
    /// course built again as it was is never parsed for its quizzes).
    pub course: &'a crate::content::Course,
    /// The lessons' quiz files as the build reads them, by page.
    pub quiz_files: &'a LessonQuizFiles,
    pub glossary: Option<&'a crate::content::glossary::Glossary>,
    pub strings: &'a crate::i18n::Strings,
    /// The templates' fingerprint.
    pub templates: u64,
    /// The link table, the glossary and the configuration, hashed (`site::shared_key`).
    pub shared: u64,
    pub links: &'a crate::markdown::LinkTable,
    /// The theme's files and the script strings, hashed (`pages::version`).
    pub version: &'a str,
}

/// The key of everything a build reads to make its pages, print.html and search index: the
/// program itself, the configuration, every page as loaded (front matter, Markdown with its
/// includes, quiz), the course's structure, the glossary, the interface's strings, the theme's
/// templates and files. Two builds with one key make the same files and say the same things
/// about them. Each struct is taken apart field by field, so a field added to one fails to
/// compile here until it is hashed or said not to matter; values are hashed as they show in
/// Debug output, which shows every field. `None` when the program's own file cannot be looked
/// at, or the theme folder holds more files than a theme does.
pub fn site_key(store: &Store, parts: &Parts<'_>) -> Option<u128> {
    use rayon::prelude::*;
    let mut h = store.key_hasher();
    // The program: a new build of coursebook renders differently without a new version.
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    (
        FORMAT,
        env!("CARGO_PKG_VERSION"),
        exe.len(),
        exe.modified().ok()?,
    )
        .hash(&mut h);
    // A file system that keeps times to the second: a build of coursebook is a new file.
    #[cfg(unix)]
    std::os::unix::fs::MetadataExt::ino(&exe).hash(&mut h);
    let crate::content::Course {
        from_summary,
        pages,
        toc,
        order,
        home,
        assets,
        toc_paths,
        data_files,
    } = parts.course;
    let pages: Vec<u128> = pages
        .par_iter()
        .with_max_len(1)
        .enumerate()
        .map(|(i, page)| {
            let crate::content::Page {
                kind,
                source,
                src_rel,
                url,
                title,
                number,
                front,
                body,
                body_line,
                origins,
                // A hash of `body` for serve, 0 in a plain build.
                hash: _,
                // Not attached yet: the quiz file's bytes are hashed below.
                quiz: _,
            } = page;
            let mut h = store.key_hasher();
            body.hash(&mut h);
            let _ = write!(
                h,
                "{kind:?}{source:?}{src_rel:?}{url:?}{title:?}{number:?}{front:?}{body_line}{origins:?}"
            );
            // The lesson's quiz file as `quiz::attach_lesson_quizzes` parses it (a missing or
            // refused one hashes as none; a build it fails keeps nothing).
            let quiz = parts.quiz_files.bytes(i, parts.config, page);
            quiz.as_deref().hash(&mut h);
            h.finish128()
        })
        .collect();
    pages.hash(&mut h);
    let _ = write!(
        h,
        "{from_summary:?}{toc:?}{order:?}{home:?}{assets:?}{toc_paths:?}{data_files:?}"
    );
    let _ = write!(h, "{:?}", parts.config);
    let _ = write!(h, "{:?}", parts.glossary.map(|g| &g.entries));
    let _ = write!(h, "{:?}", parts.strings);
    // The link table is the pages' and assets' paths, hashed in order by the shared key.
    let mut redirected: Vec<&String> = parts.links.redirected.iter().collect();
    redirected.sort();
    (parts.shared, parts.templates, parts.version, redirected).hash(&mut h);
    // Every file of the theme folder, by name and bytes (the fingerprint hashes the templates
    // coursebook names; a partial they include need not be one). Links are not followed: a
    // link is hashed as what it is, and the build refuses it if it leads outside the course.
    if let Some(dir) = &parts.config.theme_dir {
        let (mut files, mut bytes) = (0usize, 0u64);
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .follow_root_links(false)
            .sort_by_file_name()
        {
            let entry = entry.ok()?;
            let meta = entry.metadata().ok()?;
            files += 1;
            bytes = bytes.saturating_add(meta.len());
            if files > THEME_FILES || bytes > THEME_BYTES {
                return None;
            }
            (
                entry.path().strip_prefix(dir).ok()?,
                meta.is_dir(),
                meta.len(),
            )
                .hash(&mut h);
            if meta.is_file() {
                // Through the course's jail, as the theme's files are read for the build.
                parts.config.jail.read(entry.path()).ok().hash(&mut h);
            } else if meta.is_symlink() {
                std::fs::read_link(entry.path()).ok()?.hash(&mut h);
            }
        }
    }
    Some(h.finish128())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn store(dir: &Path) -> Store {
        let mut store = Store::open_in(dir).unwrap();
        store.grace = std::time::Duration::ZERO;
        store
    }

    #[test]
    fn a_file_fed_in_pieces_has_the_id_of_its_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let bytes: Vec<u8> = (0..3 * BLOCK + 123).map(|i| (i * 7 % 251) as u8).collect();
        let whole = store.id(&bytes);
        for piece in [1, 1000, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK] {
            let mut ids = IdWriter::new(&store);
            for part in bytes.chunks(piece) {
                ids.feed(part);
            }
            assert_eq!(ids.finish(), whole, "pieces of {piece}");
        }
        // Whole blocks and nothing after them, or less than a block, as with the pieces.
        for len in [0, 5, BLOCK, 2 * BLOCK, 2 * BLOCK + 1] {
            let mut ids = IdWriter::new(&store);
            for part in bytes[..len].chunks(1000) {
                ids.feed(part);
            }
            assert_eq!(store.id(&bytes[..len]), ids.finish(), "{len} bytes");
        }
        let path = dir.path().join("f");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(store.id_of_file(&path), Some(whole));
        let mut changed = bytes.clone();
        changed[2 * BLOCK + 5] ^= 1;
        assert_ne!(store.id(&changed), whole);
        assert_ne!(store.id(&bytes[..bytes.len() - 1]), whole);
        // Another store (another secret): other ids, and the secret is kept, not made again.
        let other = tempfile::tempdir().unwrap();
        assert_ne!(super::tests::store(other.path()).id(&bytes), whole);
        assert_eq!(super::tests::store(dir.path()).id(&bytes), whole);
    }

    /// A build's worth: `files` written into `site` and kept, under `key`.
    fn built(store: &Store, site: &Path, key: u128, files: &[(&str, &str)]) {
        std::fs::create_dir_all(site).unwrap();
        for (url, text) in files {
            let path = site.join(url);
            std::fs::write(&path, text).unwrap();
            let id = store.id(text.as_bytes());
            store.keep(&path, id, false);
            store.made(url, id);
        }
        store.write_manifest(
            key,
            files.len(),
            vec![Diagnostic::warning("a.md", Pos::new(3, 1), "said")],
        );
    }

    #[test]
    fn a_manifest_finds_its_files_checked_and_what_was_said() {
        let dir = tempfile::tempdir().unwrap();
        let site = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        built(
            &store,
            site.path(),
            7,
            &[("a.html", "one"), ("b.html", "two")],
        );
        let mut problems = Vec::new();
        assert!(store.find(8, &mut problems).is_none(), "another key");
        let hit = store.find(7, &mut problems).unwrap();
        assert!(problems.is_empty());
        assert_eq!(hit.counted, 2);
        assert_eq!(hit.diags[0].message, "said");
        let urls: Vec<&str> = hit.files.iter().map(|(u, ..)| u.as_str()).collect();
        assert_eq!(urls, ["a.html", "b.html"]);
        assert_eq!(std::fs::read_to_string(&hit.files[1].1).unwrap(), "two");

        // Edited through the site's link: found, said, removed, and a miss.
        std::fs::OpenOptions::new()
            .append(true)
            .open(site.path().join("b.html"))
            .and_then(|mut f| io::Write::write_all(&mut f, b"!"))
            .unwrap();
        assert!(store.find(7, &mut problems).is_none());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("not what it was"));
        assert!(
            store.find(7, &mut Vec::new()).is_none(),
            "the manifest went too"
        );
    }

    #[test]
    fn a_folder_that_is_not_a_store_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.json"), "mine").unwrap();
        assert!(Store::open_in(dir.path()).is_none());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("notes.json")).unwrap(),
            "mine"
        );
        // Missing or empty: made a store, and one from then on.
        let empty = tempfile::tempdir().unwrap();
        assert!(Store::open_in(empty.path()).is_some());
        assert!(Store::open_in(empty.path()).is_some());
        assert!(Store::open_in(&empty.path().join("new/sites")).is_some());
    }

    #[test]
    fn a_manifest_that_is_not_ours_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let site = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        built(&store, site.path(), 7, &[("a.html", "one")]);
        let path = store.manifest_path(7);
        let text = std::fs::read_to_string(&path).unwrap();
        // The same list with another page's file named: its checksum no longer matches.
        std::fs::write(&path, text.replace("a.html", "x.html")).unwrap();
        let mut problems = Vec::new();
        assert!(store.find(7, &mut problems).is_none());
        assert!(problems[0].message.contains("damaged"), "{problems:?}");
        assert!(!path.exists());
    }

    #[test]
    fn the_store_keeps_at_most_its_count_of_manifests() {
        let dir = tempfile::tempdir().unwrap();
        let site = tempfile::tempdir().unwrap();
        let mut store = store(dir.path());
        store.max_manifests = 2;
        for key in 1..=4u128 {
            std::thread::sleep(std::time::Duration::from_millis(20));
            built(
                &store,
                &site.path().join(key.to_string()),
                key,
                &[("a.html", "same")],
            );
        }
        let found: Vec<u128> = (1..=4)
            .filter(|&k| store.find(k, &mut Vec::new()).is_some())
            .collect();
        assert_eq!(found, [3, 4], "the two most recent");
    }

    #[test]
    fn the_store_keeps_the_newest_manifests_within_its_bound() {
        let dir = tempfile::tempdir().unwrap();
        let site = tempfile::tempdir().unwrap();
        let mut store = store(dir.path());
        store.max_bytes = 14;
        let files = |store: &Store| std::fs::read_dir(store.dir.join("files")).unwrap().count();
        built(
            &store,
            &site.path().join("1"),
            1,
            &[("a.html", "123456"), ("b.html", "same")],
        );
        // Later, and both within the bound (4 + 4 + 6 bytes): both kept.
        std::thread::sleep(std::time::Duration::from_millis(20));
        built(
            &store,
            &site.path().join("2"),
            2,
            &[("a.html", "abcd"), ("b.html", "same")],
        );
        assert!(
            store.find(1, &mut Vec::new()).is_some(),
            "and now the most recently used"
        );
        assert_eq!(files(&store), 3, "a file two sites hold is kept once");
        // A third (3 + 4 bytes, then 6 for the first): the least recently used goes past the
        // bound, and so does the file only it named.
        std::thread::sleep(std::time::Duration::from_millis(20));
        built(
            &store,
            &site.path().join("3"),
            3,
            &[("a.html", "xyz"), ("b.html", "same")],
        );
        assert!(store.find(3, &mut Vec::new()).is_some());
        assert!(
            store.find(2, &mut Vec::new()).is_none(),
            "the least recently used went"
        );
        assert!(store.find(1, &mut Vec::new()).is_some());
        assert_eq!(files(&store), 3, "xyz, same, 123456");
    }
}
