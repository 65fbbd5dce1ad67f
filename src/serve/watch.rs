//! Turning file-system events into saves: which events matter, and when a save is complete.
//!
//! Waiting a fixed time after the last event (a debounce) costs that time on every edit. Instead
//! a file counts as complete when its writer closes it (inotify's close-after-write) or when it
//! is renamed into place (an editor's atomic save); until then it is "open" and the save waits
//! longer. Editors' temporary and backup files are not part of the course and are ignored.

use crate::content::SourceCache;
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
use notify::{Event, EventKind};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Quiet time that ends a save once every changed file is complete.
pub const COMPLETE_QUIET: Duration = Duration::from_millis(2);
/// Quiet time that ends a save while a file is still being written (no close seen).
pub const OPEN_QUIET: Duration = Duration::from_millis(50);

/// The events of one save.
#[derive(Default, Debug)]
pub struct Save {
    /// Every path that changed (files or folders).
    pub changed: HashSet<PathBuf>,
    /// Files changed but not yet closed by their writer.
    pub open: HashSet<PathBuf>,
    /// A file or folder was created, removed or renamed: the set of files changed.
    pub structural: bool,
    /// The watcher lost events (queue overflow): everything must be read again.
    pub rescan: bool,
}

impl Save {
    /// Tell the sources cache what this save changed, so the next build reads it again.
    pub fn forget_in(&self, sources: &mut SourceCache, src: &Path) {
        if self.rescan {
            sources.clear();
        }
        if self.structural {
            sources.forget_walk();
        }
        for path in &self.changed {
            sources.invalidate(src, path);
        }
    }

    /// Take one event from the watcher. `out` is the output folder: its changes are ours.
    pub fn add(&mut self, event: notify::Result<Event>, out: &Path, followed: &Followed) {
        let event = match event {
            Ok(e) => e,
            Err(_) => {
                self.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            self.rescan = true;
        }
        for path in event
            .paths
            .iter()
            .filter(|p| is_course_file(p, out) && !followed.ignores(p))
        {
            match classify(&event.kind) {
                Change::None => {}
                Change::Open { structural } => {
                    self.structural |= structural;
                    self.changed.insert(path.clone());
                    self.open.insert(path.clone());
                }
                Change::Complete { structural } => {
                    self.structural |= structural;
                    self.changed.insert(path.clone());
                    self.open.remove(path);
                }
            }
        }
    }
}

/// The files builds read outside the folders serve watches whole (an include from `listings/`,
/// a glossary or a quiz beside book.toml, a file of `--include-from`): each one's folder is
/// watched, not recursively, and only the files read there count. They were read at the first
/// build and never looked at again.
pub struct Followed {
    /// What is watched whole: book.toml, the sources, the theme, `extra-watch-dirs`, where they
    /// really are.
    whole: Vec<PathBuf>,
    /// The folders watched for the files in `files`.
    dirs: HashSet<PathBuf>,
    files: HashSet<PathBuf>,
    /// [`MAX_FOLLOWED`] was reached (said once).
    full: bool,
}

/// Folders followed at most: each is an inotify watch, a resource of the whole machine.
pub const MAX_FOLLOWED: usize = 256;

impl Followed {
    pub fn new(whole: &[PathBuf]) -> Followed {
        Followed {
            whole: whole
                .iter()
                .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
                .collect(),
            dirs: HashSet::new(),
            files: HashSet::new(),
            full: false,
        }
    }

    /// Follow the files of `read` (where they really are) that nothing watched holds. The
    /// folders to watch from now on, and whether [`MAX_FOLLOWED`] was just reached.
    pub fn learn(&mut self, read: Vec<PathBuf>) -> (Vec<PathBuf>, bool) {
        let mut new = Vec::new();
        let mut reached = false;
        for file in read {
            if self.files.contains(&file) || self.whole.iter().any(|w| file.starts_with(w)) {
                continue;
            }
            let Some(dir) = file.parent().filter(|d| d.is_dir()) else {
                continue;
            };
            if !self.dirs.contains(dir) {
                if self.dirs.len() >= MAX_FOLLOWED {
                    reached |= !std::mem::replace(&mut self.full, true);
                    continue;
                }
                self.dirs.insert(dir.to_path_buf());
                new.push(dir.to_path_buf());
            }
            self.files.insert(file);
        }
        (new, reached)
    }

    /// Whether the change of `path` is of no file read in a folder followed for others (a
    /// README beside the glossary).
    fn ignores(&self, path: &Path) -> bool {
        !self.files.contains(path)
            && path.parent().is_some_and(|d| self.dirs.contains(d))
            && !self.whole.iter().any(|w| path.starts_with(w))
    }
}

enum Change {
    /// Not a change (a read: the build's own, or an editor's).
    None,
    /// Changed, and more may follow.
    Open { structural: bool },
    /// Changed, and done.
    Complete { structural: bool },
}

fn classify(kind: &EventKind) -> Change {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
            Change::Complete { structural: false }
        }
        EventKind::Access(_) => Change::None,
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both)) => {
            Change::Complete { structural: true }
        }
        EventKind::Modify(ModifyKind::Name(_)) => Change::Open { structural: true },
        EventKind::Create(CreateKind::Folder) | EventKind::Remove(_) => {
            Change::Complete { structural: true }
        }
        EventKind::Create(_) => Change::Open { structural: true },
        EventKind::Modify(_) | EventKind::Any | EventKind::Other => {
            Change::Open { structural: false }
        }
    }
}

/// Whether a changed path can affect the site: not in the output folder, not a staging folder
/// of ours, not an editor's swap, backup or temporary file (the walk skips dotfiles too).
fn is_course_file(path: &Path, out: &Path) -> bool {
    if path.starts_with(out)
        || path
            .components()
            .any(|c| c.as_os_str().to_string_lossy().contains(".coursebook-"))
    {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !(name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".tmp"].iter().any(|s| name.ends_with(s)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use notify::event::{DataChange, RemoveKind};

    fn event(kind: EventKind, path: &str) -> notify::Result<Event> {
        Ok(Event::new(kind).add_path(PathBuf::from(path)))
    }

    const OUT: &str = "/course/book";

    #[test]
    fn a_write_is_open_until_closed() {
        let mut save = Save::default();
        save.add(
            event(
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                "/course/content/a.md",
            ),
            Path::new(OUT),
            &Followed::new(&[]),
        );
        assert_eq!(save.open.len(), 1);
        save.add(
            event(
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                "/course/content/a.md",
            ),
            Path::new(OUT),
            &Followed::new(&[]),
        );
        assert!(save.open.is_empty());
        assert_eq!(save.changed.len(), 1);
        assert!(!save.structural);
    }

    #[test]
    fn reads_output_and_editor_files_are_ignored() {
        let mut save = Save::default();
        let out = Path::new(OUT);
        save.add(
            event(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                "/course/content/a.md",
            ),
            out,
            &Followed::new(&[]),
        );
        save.add(
            event(
                EventKind::Create(CreateKind::File),
                "/course/book/lesson.html",
            ),
            out,
            &Followed::new(&[]),
        );
        for name in ["a.md~", ".a.md.swp", "4913", "x.tmp"] {
            save.add(
                event(
                    EventKind::Create(CreateKind::File),
                    &format!("/course/content/{name}"),
                ),
                out,
                &Followed::new(&[]),
            );
        }
        assert!(save.changed.is_empty(), "{save:?}");
        assert!(save.open.is_empty());
    }

    #[test]
    fn an_editor_save_by_rename_is_complete_and_structural() {
        // vim: rename the original away, create and write the new file, close it.
        let mut save = Save::default();
        let out = Path::new(OUT);
        let a = "/course/content/a.md";
        save.add(
            event(EventKind::Modify(ModifyKind::Name(RenameMode::From)), a),
            out,
            &Followed::new(&[]),
        );
        save.add(
            event(EventKind::Create(CreateKind::File), a),
            out,
            &Followed::new(&[]),
        );
        assert!(!save.open.is_empty());
        save.add(
            event(EventKind::Access(AccessKind::Close(AccessMode::Write)), a),
            out,
            &Followed::new(&[]),
        );
        assert!(save.open.is_empty());
        assert!(save.structural);
        save.add(
            event(EventKind::Remove(RemoveKind::File), "/course/content/b.md"),
            out,
            &Followed::new(&[]),
        );
        assert_eq!(save.changed.len(), 2);
    }

    #[test]
    fn only_the_files_read_count_in_a_folder_followed_for_them() {
        let course = tempfile::tempdir().unwrap();
        let root = course.path().canonicalize().unwrap();
        for dir in ["content", "listings", "a", "b"] {
            std::fs::create_dir(root.join(dir)).unwrap();
        }
        let mut followed = Followed::new(&[root.join("book.toml"), root.join("content")]);
        let (new, full) = followed.learn(vec![
            root.join("content/a.md"),
            root.join("listings/main.rs"),
            root.join("listings/other.rs"),
            root.join("glossary.yaml"),
            root.join("missing/x.rs"),
        ]);
        // The sources are watched already; a missing folder cannot be watched.
        assert_eq!(new, vec![root.join("listings"), root.clone()]);
        assert!(!full);
        let changed = |path: PathBuf| {
            let mut save = Save::default();
            let kind = EventKind::Access(AccessKind::Close(AccessMode::Write));
            save.add(
                Ok(Event::new(kind).add_path(path)),
                &root.join("book"),
                &followed,
            );
            !save.changed.is_empty()
        };
        assert!(changed(root.join("listings/main.rs")));
        assert!(changed(root.join("glossary.yaml")));
        assert!(changed(root.join("book.toml")));
        assert!(changed(root.join("content/new.md")));
        assert!(!changed(root.join("listings/notes.txt")));
        assert!(!changed(root.join("README.md")));
        // At most MAX_FOLLOWED folders, said once.
        let many: Vec<PathBuf> = (0..MAX_FOLLOWED + 5)
            .map(|i| {
                let dir = root.join(format!("many/{i}"));
                std::fs::create_dir_all(&dir).unwrap();
                dir.join("f.md")
            })
            .collect();
        let (new, full) = followed.learn(many);
        assert_eq!(new.len(), MAX_FOLLOWED - 2);
        assert!(full);
        let (_, again) = followed.learn(vec![root.join("b/f.md")]);
        assert!(!again);
    }
}
