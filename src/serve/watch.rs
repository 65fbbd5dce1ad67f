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
    pub fn add(&mut self, event: notify::Result<Event>, out: &Path) {
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
        for path in event.paths.iter().filter(|p| is_course_file(p, out)) {
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
        );
        assert_eq!(save.open.len(), 1);
        save.add(
            event(
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                "/course/content/a.md",
            ),
            Path::new(OUT),
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
        );
        save.add(
            event(
                EventKind::Create(CreateKind::File),
                "/course/book/lesson.html",
            ),
            out,
        );
        for name in ["a.md~", ".a.md.swp", "4913", "x.tmp"] {
            save.add(
                event(
                    EventKind::Create(CreateKind::File),
                    &format!("/course/content/{name}"),
                ),
                out,
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
        );
        save.add(event(EventKind::Create(CreateKind::File), a), out);
        assert!(!save.open.is_empty());
        save.add(
            event(EventKind::Access(AccessKind::Close(AccessMode::Write)), a),
            out,
        );
        assert!(save.open.is_empty());
        assert!(save.structural);
        save.add(
            event(EventKind::Remove(RemoveKind::File), "/course/content/b.md"),
            out,
        );
        assert_eq!(save.changed.len(), 2);
    }
}
