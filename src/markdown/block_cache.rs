//! The persistent cache of highlighted code blocks: highlighting is most of a code-heavy
//! course's build, and most blocks are the same from one build to the next.
//!
//! - An entry is a block's grammar, its code and the highlighter's HTML for it. It is found by a
//!   hash of the grammar and code, and used only if the grammar and code it holds are the
//!   block's own (no hash is trusted), under a checksum of the whole entry.
//! - The cache is a folder of segment files (`blocks-*.cbhl`): a build reads their tables at
//!   its first code block (a course without code reads none; the folder is shared by every
//!   course built on the machine), each entry when a block asks for it, and writes the entries
//!   it made as one new segment when it ends (a
//!   new name, written aside and renamed into place), so builds running at once never see half a
//!   file and never write the same one. Entries from another version of coursebook (whose
//!   highlighting may differ) are ignored.
//! - An entry is checked (checksum, HTML) when it is first used, not when its segment is read:
//!   checking every entry of a 33 MB cache cost 150 ms before each build, more than
//!   highlighting a course's blocks again. A segment ends with a table of its entries (a hash
//!   of grammar and code under a seed of the segment's, where the entry is, its length), and
//!   only that is read when the cache opens: a one-block course beside a 129 MB cache read all
//!   of it, 148 MB of memory and 90 ms, for one block.
//! - Bounded: past [`MAX_BYTES`] or [`MAX_SEGMENTS`], a build writes the most recently used
//!   entries (its own first) as one segment, up to half the bound, and removes the segments it
//!   read. A hit on an entry not refreshed for a day is written again with the new time.
//! - A segment that is not what it should be (cut short, a bad checksum) is a warning and is
//!   removed when the build ends (the entries that build used are written again); a file that
//!   is not a segment is left alone.
//!
//! Where: `[build] cache-dir` (inside the course, outside its sources and site), else
//! `$COURSEBOOK_CACHE_DIR`, else the user's cache folder (`$XDG_CACHE_HOME` or `~/.cache`,
//! `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) under `coursebook/blocks`.
//! `--no-cache` turns it off.

use crate::diag::{Diagnostic, Pos};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// The most bytes of segments the cache keeps.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;
/// The most segments before they are merged into one (each build with new blocks adds one).
const MAX_SEGMENTS: usize = 16;
/// A hit on an entry older than this is written again, so that it counts as recently used.
const REFRESH_SECS: u64 = 24 * 60 * 60;
const MAGIC: &[u8; 8] = b"CBHL\x003\n\x00";
/// The earlier formats' magic (the first had no table, the second summed entries with
/// SipHash): their segments are another version's, ignored.
const MAGIC_1: &[u8; 8] = b"CBHL\x001\n\x00";
const MAGIC_2: &[u8; 8] = b"CBHL\x002\n\x00";
/// The end of a segment, after its table, its seed and its entries' count.
const END: &[u8; 8] = b"CBHLEND\n";
/// A table's row: the entry's hash, where it starts, its length.
const ROW: u64 = 24;
/// Entries of one segment with the same hash that a lookup reads: a segment in a course's own
/// `cache-dir` is the course's to write, and could give every entry one hash.
const SAME_HASH: usize = 4;
const EXTENSION: &str = "cbhl";

/// `--no-cache`: set once by `main`, before any build.
pub static DISABLED: AtomicBool = AtomicBool::new(false);

/// What the highlighter's output depends on besides a block's grammar and code: coursebook's
/// version, the highlighting code (the grammar's choice and the spans' writing), the code
/// themes (which scopes get a span), and the libraries' versions (Cargo.lock).
fn identity() -> &'static [u8] {
    static ID: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            env!("CARGO_PKG_VERSION"),
            include_str!("highlight.rs"),
            include_str!("scope_spans.rs"),
            include_str!("code-themes/InspiredGitHub.css"),
            include_str!("code-themes/base16-ocean.dark.css"),
            include_str!("../../Cargo.lock"),
        )
            .hash(&mut h);
        format!(
            "coursebook {} {:016x}",
            env!("CARGO_PKG_VERSION"),
            h.finish()
        )
        .into_bytes()
    })
}

struct Entry {
    grammar: Arc<str>,
    code: Arc<str>,
    html: Arc<str>,
    found: bool,
    used: u64,
}

/// A cache folder opened for one build (or one `serve`).
pub struct BlockCache {
    dir: PathBuf,
    /// The most bytes of segments kept ([`MAX_BYTES`]).
    max_bytes: u64,
    /// Entries made or used since the cache was opened, checked, by the hash of grammar and
    /// code.
    known: RwLock<HashMap<u64, Vec<Entry>>>,
    /// The segments there were when the cache was opened, read at the first lookup.
    stored: std::sync::OnceLock<Stored>,
    /// Warnings not yet reported (damaged or foreign segments).
    problems: Mutex<Vec<Diagnostic>>,
    /// Segments found damaged, removed by the next [`BlockCache::flush`].
    damaged: Mutex<std::collections::HashSet<PathBuf>>,
    /// Segments read or written, with their sizes: merged away past the bounds.
    read: Mutex<Vec<(PathBuf, u64)>>,
    /// Entries made (or refreshed) since the last [`BlockCache::flush`].
    fresh: Mutex<Vec<Entry>>,
    /// Hashes of the entries this build used.
    hits: Mutex<std::collections::HashSet<u64>>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The in-memory key of a block: a hash of its grammar and code. Never stored (a segment's
/// entries are keyed again when read), so the hash may change from version to version. foldhash,
/// seeded once per process (a course cannot choose blocks that collide): SipHash keyed every
/// entry of a shared cache when it was read, 31M instructions of a 100-lesson build (4 %) with
/// an 87 MB cache.
fn key(grammar: &str, code: &str) -> u64 {
    use std::hash::BuildHasher;
    static STATE: std::sync::LazyLock<foldhash::fast::RandomState> =
        std::sync::LazyLock::new(foldhash::fast::RandomState::default);
    STATE.hash_one((grammar, code))
}

/// An entry's checksum, against damage (not a forgery: a cached block is checked for what it
/// holds, [`highlighted_from`]). foldhash, fixed seed: SipHash over a clean build's 24 MB of
/// new blocks was a third of writing them, at the end of the build.
fn checksum(parts: &[&[u8]]) -> u64 {
    use std::hash::BuildHasher;
    let mut h = foldhash::quality::FixedState::with_seed(0x636f_7572_7365_626b).build_hasher();
    for part in parts {
        part.hash(&mut h);
    }
    h.finish()
}

/// The cache folder to use: `configured` (book.toml's `cache-dir`, already checked), else
/// `$COURSEBOOK_CACHE_DIR`, else the user's cache folder.
pub fn folder(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = configured {
        return Some(dir.to_path_buf());
    }
    user_folder("blocks")
}

/// A folder of coursebook's in the user's cache folder: `$COURSEBOOK_CACHE_DIR` itself for the
/// blocks (as it always was) and `$COURSEBOOK_CACHE_DIR/<name>` for the rest, else
/// `coursebook/<name>` in the user's cache folder. Never a course's folder: the site store
/// (site/store.rs) keeps pages, which a course must not be able to plant.
pub fn user_folder(name: &str) -> Option<PathBuf> {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = env("COURSEBOOK_CACHE_DIR") {
        return Some(match name {
            "blocks" => dir,
            _ => dir.join(name),
        });
    }
    let base = if cfg!(windows) {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Caches"))
    } else {
        env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|h| h.join(".cache")))
    };
    base.map(|b| b.join("coursebook").join(name))
}

impl BlockCache {
    /// Open (and make) the cache folder and list its segments, read when a block is first
    /// looked up. `None` when the folder cannot be made or read (no cache, silently: a
    /// read-only home must not fail a build).
    pub fn open(dir: &Path) -> Option<BlockCache> {
        std::fs::create_dir_all(dir).ok()?;
        let mut segments: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == EXTENSION)
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("blocks-"))
            })
            .collect();
        segments.sort();
        let read = segments
            .into_iter()
            .filter_map(|path| {
                // Only regular files: a link in the cache folder is not ours.
                let meta = std::fs::symlink_metadata(&path).ok()?;
                meta.is_file().then_some((path, meta.len()))
            })
            .collect();
        Some(BlockCache {
            dir: dir.to_path_buf(),
            max_bytes: MAX_BYTES,
            known: RwLock::new(HashMap::new()),
            stored: std::sync::OnceLock::new(),
            problems: Mutex::new(Vec::new()),
            damaged: Mutex::new(std::collections::HashSet::new()),
            read: Mutex::new(read),
            fresh: Mutex::new(Vec::new()),
            hits: Mutex::new(std::collections::HashSet::new()),
        })
    }

    /// The warnings found since the last call.
    pub fn take_problems(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.problems.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The segments listed when the cache was opened, their tables read (once).
    fn stored(&self) -> &Stored {
        self.stored.get_or_init(|| {
            let paths: Vec<PathBuf> = self
                .read
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .map(|(p, _)| p.clone())
                .collect();
            let mut stored = Stored::default();
            for path in paths {
                let Ok(file) = std::fs::File::open(&path) else {
                    continue;
                };
                match Segment::open(file) {
                    Ok(segment) => stored.segments.push((path, segment)),
                    Err(Damage::Foreign) => self.warn(
                        Diagnostic::warning(
                            &path,
                            Pos::FILE,
                            "this file in the highlight cache is not a cache segment: it was ignored",
                        )
                        .with_help("remove it, or choose another `cache-dir`"),
                    ),
                    Err(Damage::OtherVersion) => {}
                    Err(Damage::Broken(why)) => self.damage(&path, why),
                }
            }
            stored
        })
    }

    fn warn(&self, d: Diagnostic) {
        self.problems
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(d);
    }

    /// A damaged segment: said once, and removed by the next flush.
    fn damage(&self, path: &Path, why: &str) {
        let first = self
            .damaged
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf());
        if first {
            self.warn(Diagnostic::warning(
                path,
                Pos::FILE,
                format!(
                    "a damaged highlight cache segment ({why}) was discarded; its blocks are highlighted again"
                ),
            ));
        }
    }

    /// The stored entry for `grammar` and `code`, checked, if a segment holds one.
    fn stored_entry(&self, grammar: &str, code: &str) -> Option<Entry> {
        for (path, segment) in &self.stored().segments {
            for bytes in segment.candidates(grammar, code) {
                let Some(raw) = Raw::at(&bytes, 0) else {
                    self.damage(path, "an entry that is not where its table says");
                    break;
                };
                if raw.grammar != grammar.as_bytes() || raw.code != code.as_bytes() {
                    continue;
                }
                match raw.checked() {
                    Ok(entry) => return Some(entry),
                    Err(why) => {
                        self.damage(path, why);
                        return None;
                    }
                }
            }
        }
        None
    }
}

/// The segments a cache read: their tables, the entries read when asked for.
#[derive(Default)]
struct Stored {
    segments: Vec<(PathBuf, Segment)>,
}

/// One segment file, open, and its table: by the hash of grammar and code under its seed,
/// where each entry is and its length.
struct Segment {
    file: std::fs::File,
    seed: u64,
    table: HashMap<u64, Vec<(u64, u64)>>,
}

/// The hash a segment's table keeps an entry by: stable from process to process for one seed,
/// the seed chosen at random when the segment is written (blocks a course chose cannot
/// collide in a segment coursebook wrote).
fn table_hash(seed: u64, grammar: &str, code: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(seed).hash_one((grammar, code))
}

impl Segment {
    /// Its header and table, checked against the file's length; the entries are read later.
    fn open(file: std::fs::File) -> Result<Segment, Damage> {
        let len = file
            .metadata()
            .map_err(|_| Damage::Broken("unreadable"))?
            .len();
        let mut magic = [0u8; 8];
        if len < 8 || read_at(&file, &mut magic, 0).is_err() {
            return Err(Damage::Foreign);
        }
        if magic == *MAGIC_1 || magic == *MAGIC_2 {
            return Err(Damage::OtherVersion);
        }
        if magic != *MAGIC {
            return Err(Damage::Foreign);
        }
        let mut id_len = [0u8; 8];
        read_at(&file, &mut id_len, 8).map_err(|_| Damage::Broken("cut short"))?;
        let id_len = u64::from_le_bytes(id_len);
        if id_len != identity().len() as u64 {
            return Err(Damage::OtherVersion);
        }
        let mut id = vec![0u8; identity().len()];
        read_at(&file, &mut id, 16).map_err(|_| Damage::Broken("cut short"))?;
        if id != identity() {
            return Err(Damage::OtherVersion);
        }
        let first = 16 + id_len;
        let mut tail = [0u8; 24];
        if len < first + 24 || read_at(&file, &mut tail, len - 24).is_err() || tail[16..] != *END {
            return Err(Damage::Broken("cut short"));
        }
        let seed = u64::from_le_bytes(tail[..8].try_into().unwrap_or_default());
        let count = u64::from_le_bytes(tail[8..16].try_into().unwrap_or_default());
        let rows_at = count
            .checked_mul(ROW)
            .and_then(|n| (len - 24).checked_sub(n))
            .filter(|&at| at >= first)
            .ok_or(Damage::Broken("a table that does not fit"))?;
        let mut rows = vec![
            0u8;
            usize::try_from(count * ROW)
                .map_err(|_| Damage::Broken("a table that does not fit"))?
        ];
        read_at(&file, &mut rows, rows_at).map_err(|_| Damage::Broken("cut short"))?;
        let mut table: HashMap<u64, Vec<(u64, u64)>> = HashMap::new();
        for row in rows.chunks_exact(ROW as usize) {
            let word =
                |i: usize| u64::from_le_bytes(row[i * 8..i * 8 + 8].try_into().unwrap_or_default());
            let (hash, at, size) = (word(0), word(1), word(2));
            if at < first || at.checked_add(size).is_none_or(|end| end > rows_at) {
                return Err(Damage::Broken("a table that points outside its entries"));
            }
            let same = table.entry(hash).or_default();
            if same.len() < SAME_HASH {
                same.push((at, size));
            }
        }
        Ok(Segment { file, seed, table })
    }

    /// The bytes of the entries that may be `grammar` and `code`'s (their hash is).
    fn candidates(&self, grammar: &str, code: &str) -> Vec<Vec<u8>> {
        let Some(places) = self.table.get(&table_hash(self.seed, grammar, code)) else {
            return Vec::new();
        };
        places
            .iter()
            .filter_map(|&(at, size)| self.entry_bytes(at, size))
            .collect()
    }

    fn entry_bytes(&self, at: u64, size: u64) -> Option<Vec<u8>> {
        let mut bytes = vec![0u8; usize::try_from(size).ok()?];
        read_at(&self.file, &mut bytes, at).ok()?;
        Some(bytes)
    }

    /// Every entry's bytes, for a merge.
    fn entries(&self) -> impl Iterator<Item = Vec<u8>> + '_ {
        self.table
            .values()
            .flatten()
            .filter_map(|&(at, size)| self.entry_bytes(at, size))
    }
}

/// Read `buf.len()` bytes of `file` from `at`, without moving a shared position (builds read
/// entries from many threads).
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            match std::os::windows::fs::FileExt::seek_read(
                file,
                &mut buf[done..],
                at + done as u64,
            )? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
        Ok(())
    }
    #[cfg(not(any(unix, windows)))]
    {
        use std::io::{Read, Seek};
        let mut f = file.try_clone()?;
        f.seek(std::io::SeekFrom::Start(at))?;
        f.read_exact(buf)
    }
}

/// One entry of a segment, as bytes, not yet checked.
struct Raw<'a> {
    grammar: &'a [u8],
    code: &'a [u8],
    html: &'a [u8],
    /// Whether the grammar was found, and when the entry was last used.
    rest: &'a [u8],
    sum: u64,
}

impl<'a> Raw<'a> {
    /// The entry that starts at `at`.
    fn at(bytes: &'a [u8], at: usize) -> Option<Raw<'a>> {
        let mut r = Reader { bytes, at };
        Raw::read(&mut r)
    }

    fn read(r: &mut Reader<'a>) -> Option<Raw<'a>> {
        let grammar = r.chunk()?;
        let code = r.chunk()?;
        let html = r.chunk()?;
        let rest = r.take(17)?;
        Some(Raw {
            grammar,
            code,
            html,
            rest: &rest[..9],
            sum: u64::from_le_bytes(rest[9..17].try_into().ok()?),
        })
    }

    /// The entry, if its checksum matches and its HTML is its code highlighted.
    fn checked(&self) -> Result<Entry, &'static str> {
        if self.sum != checksum(&[self.grammar, self.code, self.html, self.rest]) {
            return Err("a checksum does not match");
        }
        let text = |b: &[u8]| std::str::from_utf8(b).map(Arc::<str>::from);
        let (Ok(grammar), Ok(code), Ok(html)) =
            (text(self.grammar), text(self.code), text(self.html))
        else {
            return Err("text that is not UTF-8");
        };
        // A cache folder inside the course is the course's to write: an entry is used only
        // if its HTML is what the highlighter makes, the code itself in class spans.
        if !highlighted_from(&html, &code) {
            return Err("HTML that is not its code highlighted");
        }
        // Nor more markup than the highlighter writes: 10 MB of empty spans around `x` is
        // the code in class spans too, and made a 13 KB course a 420 MB site (red team 5).
        // The highlighter's HTML is at most 20 times the code and 16 bytes on the benchmark
        // course (nested scopes' class names are long).
        if html.len() > MAX_MARKUP * (code.len() + 16) {
            return Err("more markup than the highlighter writes");
        }
        Ok(Entry {
            grammar,
            code,
            html,
            found: self.rest[0] == 1,
            used: u64::from_le_bytes(self.rest[1..9].try_into().unwrap_or_default()),
        })
    }
}

impl BlockCache {
    /// The highlighted HTML of `code` in `grammar`, and whether the grammar was found, if
    /// cached.
    pub fn get(&self, grammar: &str, code: &str) -> Option<(String, bool)> {
        let k = key(grammar, code);
        let found = {
            let known = self.known.read().unwrap_or_else(PoisonError::into_inner);
            known
                .get(&k)
                .and_then(|slot| {
                    slot.iter()
                        .find(|e| &*e.grammar == grammar && &*e.code == code)
                })
                .map(Entry::clone_of)
        };
        let entry = match found {
            Some(entry) => entry,
            None => {
                // Not used yet: from a segment, checked, and kept with the checked entries.
                let entry = self.stored_entry(grammar, code)?;
                remember(
                    &mut self.known.write().unwrap_or_else(PoisonError::into_inner),
                    vec![Entry::clone_of(&entry)],
                );
                entry
            }
        };
        let first = self
            .hits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(k);
        if first && entry.used + REFRESH_SECS < now() {
            self.put_entry(Entry {
                used: now(),
                ..Entry::clone_of(&entry)
            });
        }
        Some((entry.html.to_string(), entry.found))
    }

    /// Keep the highlighter's output for `code` in `grammar`: written when the build ends, and
    /// found from now on by this build's other lessons (a snippet repeated across a course is
    /// highlighted once: a tenth of the code-heavy benchmark's blocks).
    pub fn put(&self, grammar: &str, code: &str, html: &str, found: bool) {
        let entry = Entry {
            grammar: grammar.into(),
            code: code.into(),
            html: html.into(),
            found,
            used: now(),
        };
        remember(
            &mut self.known.write().unwrap_or_else(PoisonError::into_inner),
            vec![Entry::clone_of(&entry)],
        );
        self.put_entry(entry);
    }

    fn put_entry(&self, entry: Entry) {
        self.fresh
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
    }

    /// Write what this build made as a new segment; past the bounds, merge the cache into one.
    /// Errors are left unsaid: a cache that cannot be written is a slower next build.
    pub fn flush(&self) {
        // Read before the locks below are taken (reading lists `read`), if a merge may need it.
        let damaged_any = !self
            .damaged
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty();
        let stored = (self.stored.get().is_some() || damaged_any || self.over_bounds())
            .then(|| self.stored());
        let mut fresh =
            std::mem::take(&mut *self.fresh.lock().unwrap_or_else(PoisonError::into_inner));
        let damaged =
            std::mem::take(&mut *self.damaged.lock().unwrap_or_else(PoisonError::into_inner));
        let mut read = self.read.lock().unwrap_or_else(PoisonError::into_inner);
        let mut known = self.known.write().unwrap_or_else(PoisonError::into_inner);
        if !damaged.is_empty() {
            // Damaged segments go; the entries this build used (checked) are written again.
            read.retain(|(path, _)| !damaged.contains(path));
            for path in &damaged {
                let _ = std::fs::remove_file(path);
            }
            let hits = self.hits.lock().unwrap_or_else(PoisonError::into_inner);
            fresh.extend(
                known
                    .iter()
                    .filter(|(k, _)| hits.contains(*k))
                    .flat_map(|(_, slot)| slot.iter().map(Entry::clone_of)),
            );
        }
        // A block written in many lessons is highlighted, and put, once per lesson (in
        // parallel, before any is kept): it is written once.
        // foldhash (seeded per process), as `key`: SipHash over a clean build's code was a
        // tenth of the flush.
        let mut seen = std::collections::HashSet::with_capacity_and_hasher(
            fresh.len(),
            foldhash::fast::RandomState::default(),
        );
        fresh.retain(|e| seen.insert((Arc::clone(&e.grammar), Arc::clone(&e.code))));
        drop(seen);
        let total: u64 =
            read.iter().map(|(_, n)| n).sum::<u64>() + fresh.iter().map(Entry::size).sum::<u64>();
        if total <= self.max_bytes && read.len() < MAX_SEGMENTS {
            if !fresh.is_empty()
                && let Some(written) = self.write_segment(&fresh)
            {
                read.push(written);
                remember(&mut known, fresh);
            }
            return;
        }
        // Merge: this build's entries and hits first, then the most recently used, up to half
        // the bound. Every stored entry is checked first: a damaged one is not written again
        // under a new checksum.
        for (path, segment) in stored.iter().flat_map(|s| &s.segments) {
            for bytes in segment.entries() {
                let Some(raw) = Raw::at(&bytes, 0) else {
                    continue;
                };
                let (Ok(g), Ok(c)) = (
                    std::str::from_utf8(raw.grammar),
                    std::str::from_utf8(raw.code),
                ) else {
                    self.damage(path, "text that is not UTF-8");
                    continue;
                };
                let slot = known.get(&key(g, c));
                if slot.is_some_and(|slot| {
                    slot.iter().any(|e| {
                        e.grammar.as_bytes() == raw.grammar && e.code.as_bytes() == raw.code
                    })
                }) {
                    continue;
                }
                match raw.checked() {
                    Ok(entry) => remember(&mut known, vec![entry]),
                    Err(why) => self.damage(path, why),
                }
            }
        }
        let hits = std::mem::take(&mut *self.hits.lock().unwrap_or_else(PoisonError::into_inner));
        let stamp = now();
        remember(&mut known, fresh);
        let recency = |e: &Entry| {
            if hits.contains(&key(&e.grammar, &e.code)) {
                stamp
            } else {
                e.used
            }
        };
        let mut all: Vec<&Entry> = known.values().flatten().collect();
        all.sort_by_key(|e| std::cmp::Reverse(recency(e)));
        let mut kept = Vec::new();
        let mut size = 0u64;
        for e in all {
            size += e.size();
            if size > self.max_bytes / 2 {
                break;
            }
            kept.push(Entry {
                used: recency(e),
                ..Entry::clone_of(e)
            });
        }
        if let Some(written) = self.write_segment(&kept) {
            for (old, _) in read.drain(..) {
                let _ = std::fs::remove_file(old);
            }
            read.push(written);
            known.clear();
            remember(&mut known, kept);
        }
    }

    /// Whether the next flush merges (see [`BlockCache::flush`]).
    fn over_bounds(&self) -> bool {
        let fresh: u64 = self
            .fresh
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(Entry::size)
            .sum();
        let read = self.read.lock().unwrap_or_else(PoisonError::into_inner);
        read.iter().map(|(_, n)| n).sum::<u64>() + fresh > self.max_bytes
            || read.len() >= MAX_SEGMENTS
    }

    /// Write `entries` as a new segment: aside under a name of this process's, then renamed.
    /// Its path and size.
    fn write_segment(&self, entries: &[Entry]) -> Option<(PathBuf, u64)> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!("blocks-{nanos:032}-{}", std::process::id());
        let aside = self.dir.join(format!(".{name}.tmp"));
        let path = self.dir.join(format!("{name}.{EXTENSION}"));
        let seed = {
            use std::hash::BuildHasher;
            std::collections::hash_map::RandomState::new().hash_one(nanos)
        };
        // Streamed to the file through a buffer: made whole in memory first, a clean build's
        // 23 MB segment was as many fresh pages to fault in and copy (a third of the flush).
        let written = std::fs::File::create_new(&aside).and_then(|file| {
            let mut out = Segmented {
                out: std::io::BufWriter::with_capacity(1 << 20, file),
                at: 0,
            };
            out.put(MAGIC)?;
            out.chunk(identity())?;
            let mut rows = Vec::with_capacity(entries.len() * ROW as usize);
            for e in entries {
                let at = out.at;
                out.chunk(e.grammar.as_bytes())?;
                out.chunk(e.code.as_bytes())?;
                out.chunk(e.html.as_bytes())?;
                let mut rest = [0u8; 9];
                rest[0] = u8::from(e.found);
                rest[1..9].copy_from_slice(&e.used.to_le_bytes());
                let sum = checksum(&[
                    e.grammar.as_bytes(),
                    e.code.as_bytes(),
                    e.html.as_bytes(),
                    &rest,
                ]);
                out.put(&rest)?;
                out.put(&sum.to_le_bytes())?;
                for word in [table_hash(seed, &e.grammar, &e.code), at, out.at - at] {
                    rows.extend_from_slice(&word.to_le_bytes());
                }
            }
            out.put(&rows)?;
            out.put(&seed.to_le_bytes())?;
            out.put(&(entries.len() as u64).to_le_bytes())?;
            out.put(END)?;
            out.out.flush()?;
            std::fs::rename(&aside, &path)?;
            Ok(out.at)
        });
        match written {
            Ok(size) => Some((path, size)),
            Err(_) => {
                let _ = std::fs::remove_file(&aside);
                None
            }
        }
    }
}

/// A cached block's HTML is at most this many times its code (and 16 bytes).
const MAX_MARKUP: usize = 128;

/// Whether `html` is `code` as the highlighter writes it: the code's text, escaped, in
/// `<span class="hl-… hl-…">` elements (scope names: no quote, `<`, `>` or `&` in them), and
/// nothing else. Only the highlighter's `hl-` classes: a planted `class="visually-hidden"`
/// hid a line of code from sight (still copied by the Copy button), `class="boring"` behind a
/// "Show hidden lines" the author never asked for.
fn highlighted_from(html: &str, code: &str) -> bool {
    const ENTITIES: [(&str, u8); 6] = [
        ("&amp;", b'&'),
        ("&lt;", b'<'),
        ("&gt;", b'>'),
        ("&quot;", b'"'),
        ("&#39;", b'\''),
        ("&#x27;", b'\''),
    ];
    // Checked against the code as it goes, a run of text at a time: every hit of a warm build
    // is checked, and building the text to compare was most of a warm build's cost.
    let (h, c) = (html.as_bytes(), code.as_bytes());
    let (mut at, mut done, mut depth) = (0, 0, 0usize);
    loop {
        let next = memchr::memchr3(b'<', b'&', b'>', &h[at..]).map_or(h.len(), |n| at + n);
        let run = &h[at..next];
        if c.get(done..done + run.len()) != Some(run) {
            return false;
        }
        done += run.len();
        at = next;
        let rest = &html[at..];
        if rest.is_empty() {
            return depth == 0 && done == c.len();
        }
        if let Some(after) = rest.strip_prefix("<span class=\"") {
            let Some(end) = after.find("\">") else {
                return false;
            };
            let classes = &after[..end];
            if classes.contains(['"', '<', '>', '&', '\n'])
                || !classes
                    .split(' ')
                    .all(|c| c.strip_prefix("hl-").is_some_and(|atom| !atom.is_empty()))
            {
                return false;
            }
            depth += 1;
            at += "<span class=\"".len() + end + 2;
        } else if rest.starts_with("</span>") {
            let Some(less) = depth.checked_sub(1) else {
                return false;
            };
            depth = less;
            at += "</span>".len();
        } else if rest.starts_with('&') {
            let Some((entity, byte)) = ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) else {
                return false;
            };
            if c.get(done) != Some(byte) {
                return false;
            }
            done += 1;
            at += entity.len();
        } else {
            // `<` not opening or closing a span, or a bare `>`.
            return false;
        }
    }
}

/// Add `entries` to `known`, each in place of an older one for the same block.
fn remember(known: &mut HashMap<u64, Vec<Entry>>, entries: Vec<Entry>) {
    for entry in entries {
        let slot = known.entry(key(&entry.grammar, &entry.code)).or_default();
        slot.retain(|e| !(e.grammar == entry.grammar && e.code == entry.code));
        slot.push(entry);
    }
}

impl Entry {
    /// Its bytes in a segment.
    fn size(&self) -> u64 {
        (self.grammar.len() + self.code.len() + self.html.len() + 3 * 8 + 17) as u64
    }

    fn clone_of(e: &Entry) -> Entry {
        Entry {
            grammar: Arc::clone(&e.grammar),
            code: Arc::clone(&e.code),
            html: Arc::clone(&e.html),
            found: e.found,
            used: e.used,
        }
    }
}

enum Damage {
    Foreign,
    OtherVersion,
    Broken(&'static str),
}

/// A segment being written, and how many bytes so far (where the next entry starts).
struct Segmented<W: Write> {
    out: W,
    at: u64,
}

impl<W: Write> Segmented<W> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.at += bytes.len() as u64;
        self.out.write_all(bytes)
    }

    /// `bytes` after their length.
    fn chunk(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.put(&(bytes.len() as u64).to_le_bytes())?;
        self.put(bytes)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn chunk(&mut self) -> Option<&'a [u8]> {
        let len = u64::from_le_bytes(self.take(8)?.try_into().ok()?);
        self.take(usize::try_from(len).ok()?)
    }
}

/// The cache the current build highlights through (none: every block is highlighted).
static CURRENT: RwLock<Option<Arc<BlockCache>>> = RwLock::new(None);

/// Use `cache` for the blocks highlighted from now on.
pub fn install(cache: Option<Arc<BlockCache>>) {
    *CURRENT.write().unwrap_or_else(PoisonError::into_inner) = cache;
}

/// The cache in use, if any.
pub fn current() -> Option<Arc<BlockCache>> {
    CURRENT
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn entries_survive_a_reopen_and_damage_is_discarded_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BlockCache::open(dir.path()).unwrap();
        assert!(cache.get("Rust", "fn main() {}").is_none());
        cache.put(
            "Rust",
            "fn main() {}",
            "<span class=\"hl-k\">fn</span> main() {}",
            true,
        );
        cache.flush();
        let cache = BlockCache::open(dir.path()).unwrap();
        assert_eq!(
            cache.get("Rust", "fn main() {}"),
            Some(("<span class=\"hl-k\">fn</span> main() {}".to_string(), true))
        );
        assert!(cache.get("Rust", "fn main() { }").is_none(), "other code");
        assert!(
            cache.get("Python", "fn main() {}").is_none(),
            "other grammar"
        );
        assert!(cache.take_problems().is_empty());

        // A flipped byte in the HTML: the checksum catches it, the segment goes.
        let segment = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == EXTENSION))
            .unwrap();
        let mut bytes = std::fs::read(&segment).unwrap();
        let at = bytes.windows(4).position(|w| w == b"<spa").unwrap();
        bytes[at + 1] = b'S';
        std::fs::write(&segment, &bytes).unwrap();
        std::fs::write(dir.path().join("blocks-notes.cbhl"), "not a segment").unwrap();
        let cache = BlockCache::open(dir.path()).unwrap();
        assert!(cache.get("Rust", "fn main() {}").is_none());
        assert!(segment.exists(), "removed when the build ends");
        cache.flush();
        let messages: Vec<String> = cache
            .take_problems()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages.iter().any(|m| m.contains("checksum")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("not a cache segment")));
        assert!(!segment.exists(), "the damaged segment is removed");
        assert!(
            dir.path().join("blocks-notes.cbhl").exists(),
            "a foreign file is left alone"
        );

        // Cut short.
        let cache = BlockCache::open(dir.path()).unwrap();
        cache.put("Rust", "let x = 1;", "let x = 1;", true);
        cache.flush();
        let segment = cache.read.lock().unwrap().last().unwrap().0.clone();
        let bytes = std::fs::read(&segment).unwrap();
        std::fs::write(&segment, &bytes[..bytes.len() - 3]).unwrap();
        let cache = BlockCache::open(dir.path()).unwrap();
        assert!(cache.get("Rust", "let x = 1;").is_none());
        let problems = cache.take_problems();
        assert!(problems.iter().any(|d| d.to_string().contains("cut short")));

        // Planted: `x` in a megabyte of empty spans is its code in class spans, but far more
        // markup than the highlighter writes.
        let cache = BlockCache::open(dir.path()).unwrap();
        let planted = "<span class=\"hl-a\"></span>".repeat(50_000) + "x";
        cache.put("Rust", "x", &planted, true);
        cache.put(
            "Rust",
            "y",
            "<span class=\"hl-source hl-rust\">y</span>",
            true,
        );
        cache.flush();
        let cache = BlockCache::open(dir.path()).unwrap();
        assert!(cache.get("Rust", "x").is_none());
        assert!(cache.get("Rust", "y").is_some());
        let problems = cache.take_problems();
        assert!(
            problems.iter().any(|d| d
                .to_string()
                .contains("more markup than the highlighter writes")),
            "{problems:?}"
        );
    }

    /// A segment's table is all a cache reads when it opens; one that points outside the
    /// entries is damage, said and removed; the first format's segments are another version's,
    /// ignored without a word.
    #[test]
    fn a_segment_s_table_is_checked_and_old_segments_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BlockCache::open(dir.path()).unwrap();
        cache.put("Rust", "let x = 1;", "let x = 1;", true);
        cache.flush();
        let (segment, _) = cache.read.lock().unwrap().last().unwrap().clone();
        let cache = BlockCache::open(dir.path()).unwrap();
        assert_eq!(
            cache.get("Rust", "let x = 1;").map(|(h, _)| h).as_deref(),
            Some("let x = 1;")
        );
        // The first row's offset (after the entry) pointed past the table.
        let mut bytes = std::fs::read(&segment).unwrap();
        let row = bytes.len() - 24 - ROW as usize;
        let past = (bytes.len() as u64).to_le_bytes();
        bytes[row + 8..row + 16].copy_from_slice(&past);
        std::fs::write(&segment, &bytes).unwrap();
        let cache = BlockCache::open(dir.path()).unwrap();
        assert!(cache.get("Rust", "let x = 1;").is_none());
        let problems: Vec<String> = cache
            .take_problems()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("a table that points outside its entries")),
            "{problems:?}"
        );
        // Segments of the earlier formats (their checksums are another function's: read as
        // this one's, every entry would be damaged) are another version's, said nothing of.
        std::fs::remove_file(&segment).unwrap();
        for magic in [MAGIC_1, MAGIC_2] {
            let mut old = Segmented {
                out: magic.to_vec(),
                at: 0,
            };
            old.chunk(identity()).unwrap();
            std::fs::write(dir.path().join("blocks-old.cbhl"), &old.out).unwrap();
            let cache = BlockCache::open(dir.path()).unwrap();
            assert!(cache.get("Rust", "let x = 1;").is_none());
            assert!(cache.take_problems().is_empty());
        }
    }

    /// Highlighting audit: one snippet in 50 lessons was 50 entries in the segment.
    #[test]
    fn a_block_put_many_times_is_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BlockCache::open(dir.path()).unwrap();
        for _ in 0..50 {
            cache.put("Rust", "let x = 1;", "let x = 1;", true);
        }
        cache.put("Rust", "let y = 2;", "let y = 2;", true);
        // Found by the same build before it is written: a repeated block is highlighted once.
        assert_eq!(
            cache.get("Rust", "let y = 2;"),
            Some(("let y = 2;".to_string(), true))
        );
        assert!(cache.get("Python", "let y = 2;").is_none());
        cache.flush();
        let (segment, size) = cache.read.lock().unwrap().last().unwrap().clone();
        let bytes = std::fs::read(&segment).unwrap();
        assert_eq!(bytes.len() as u64, size);
        let segment = Segment::open(std::fs::File::open(&segment).unwrap())
            .ok()
            .unwrap();
        assert_eq!(segment.entries().count(), 2);
    }

    #[test]
    fn an_entry_is_used_only_if_its_html_is_its_code_highlighted() {
        let code = "a < b && c\n";
        assert!(highlighted_from(
            "<span class=\"hl-source hl-rust\">a &lt; b <span class=\"hl-op\">&amp;&amp;</span> c\n</span>",
            code
        ));
        assert!(highlighted_from(
            "<span class=\"hl-a\">é &lt; <span class=\"hl-b hl-c\">ü</span></span>&#39;",
            "é < ü'"
        ));
        // Only the highlighter's classes.
        for planted in [
            "visually-hidden",
            "boring",
            "hl-a boring",
            "hl-",
            "hl-a  hl-b",
            "",
        ] {
            assert!(
                !highlighted_from(&format!("<span class=\"{planted}\">x</span>"), "x"),
                "{planted}"
            );
        }
        assert!(!highlighted_from("é &lt; ü", "é < üx"));
        assert!(!highlighted_from("<span class=\"a\">x</span></span>", "x"));
        assert!(!highlighted_from("x&nbsp;", "x\u{a0}"));
        for bad in [
            "<script>alert(1)</script>a &lt; b &amp;&amp; c\n",
            "<span class=\"x\" onclick=\"y\">a &lt; b &amp;&amp; c\n</span>",
            "<span class=\"hl\">a &lt; b &amp;&amp; c\n",
            "a &lt; b &amp;&amp; c\n<img src=x>",
            "a &lt; b &amp;&amp; c",
            "a < b &amp;&amp; c\n",
        ] {
            assert!(!highlighted_from(bad, code), "{bad}");
        }
        // Planted in a segment with a valid checksum: refused as damaged.
        let dir = tempfile::tempdir().unwrap();
        let cache = BlockCache::open(dir.path()).unwrap();
        cache.put("Rust", "x", "<img src=x onerror=alert(1)>x", true);
        cache.flush();
        let cache = BlockCache::open(dir.path()).unwrap();
        assert!(cache.get("Rust", "x").is_none());
        let problems = cache.take_problems();
        assert!(problems[0].to_string().contains("not its code highlighted"));
    }

    #[test]
    fn segments_are_merged_and_the_least_recently_used_go_first() {
        let dir = tempfile::tempdir().unwrap();
        for n in 0..MAX_SEGMENTS + 2 {
            let cache = BlockCache::open(dir.path()).unwrap();
            let code = format!("let x = {n};");
            cache.put("Rust", &code, &code, true);
            cache.flush();
        }
        let segments = std::fs::read_dir(dir.path()).unwrap().count();
        assert!(segments <= MAX_SEGMENTS, "{segments} segments");
        let cache = BlockCache::open(dir.path()).unwrap();
        for n in 0..MAX_SEGMENTS + 2 {
            assert!(cache.get("Rust", &format!("let x = {n};")).is_some(), "{n}");
        }

        // Over the bound in bytes: what this build used stays, then the most recently used.
        let dir = tempfile::tempdir().unwrap();
        let big = "x".repeat(1000);
        let mut cache = BlockCache::open(dir.path()).unwrap();
        cache.max_bytes = 13_000;
        for n in 0..6 {
            let code: Arc<str> = format!("old {n} {big}").into();
            cache.put_entry(Entry {
                grammar: "Rust".into(),
                code: Arc::clone(&code),
                html: code,
                found: true,
                used: 1_000 + n,
            });
        }
        cache.flush();
        let mut cache = BlockCache::open(dir.path()).unwrap();
        cache.max_bytes = 13_000;
        assert!(
            cache.get("Rust", &format!("old 0 {big}")).is_some(),
            "used by this build"
        );
        let new = format!("new {big}");
        cache.put("Rust", &new, &new, true);
        cache.flush();
        let cache = BlockCache::open(dir.path()).unwrap();
        let kept: Vec<bool> = (0..6)
            .map(|n| cache.get("Rust", &format!("old {n} {big}")).is_some())
            .collect();
        assert!(cache.get("Rust", &new).is_some());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "merged into one"
        );
        assert_eq!(
            kept,
            [true, false, false, false, false, true],
            "least recently used out"
        );
    }
}
