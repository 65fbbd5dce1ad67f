//! A memory bound for the one part of a build that course input steers and nothing else
//! bounds: a course's own theme templates. minijinja's fuel counts instructions, not bytes, so
//! `{% set s = s ~ s %}` in a 30-step loop asks for gigabytes in a few hundred instructions (the
//! red team's theme reached 3 GB before fuel ran out). While a course's templates render (its
//! widgets with the Markdown, then its pages), a thread reads the process's resident memory
//! every few milliseconds; past the budget the build stops with an error naming the theme and
//! the last template started, exit 1, the previous site untouched (pages go to a staging folder,
//! removed by the next build). Doubling needs a copy of every byte per step, so the watch sees
//! the growth long before the next step.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a build may add to its resident memory while a course's templates render: this much,
/// plus [`PER_INPUT_BYTE`] per byte of its lessons (every page's HTML is held until print.html
/// and the search index are made; a 10,000-lesson build adds about 9 bytes a byte).
pub const BASE: u64 = 512 << 20;
pub const PER_INPUT_BYTE: u64 = 16;
const EVERY: Duration = Duration::from_millis(5);

/// The template render started last, for the message (set by render/mod.rs for a course's own
/// theme only).
static LAST: Mutex<String> = Mutex::new(String::new());

/// The staging folder of the build being watched: removed when the watch stops the build
/// (the process ends without running destructors).
static STAGING: Mutex<Option<std::path::PathBuf>> = Mutex::new(None);

/// Remove `dir` (the build's staging folder) if the watch stops the build.
pub fn remove_on_stop(dir: &std::path::Path) {
    if let Ok(mut staging) = STAGING.lock() {
        *staging = Some(dir.to_path_buf());
    }
}

/// Note that `what` (a template and its page) starts rendering.
pub fn started(what: String) {
    if let Ok(mut last) = LAST.lock() {
        *last = what;
    }
}

/// The watch; stops when dropped.
pub struct Watch {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watch {
    /// Watch the process while it grows by at most `budget` bytes from now; `theme` names the
    /// course's theme folder in the message. `None` where resident memory cannot be read
    /// (not Linux): the build runs unwatched, as before.
    pub fn start(budget: u64, theme: String) -> Option<Watch> {
        let limit = resident()?.saturating_add(budget);
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("memory-watch".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    if resident().is_some_and(|now| now > limit) {
                        exceeded(&theme, budget);
                    }
                    // Woken early when the watch stops (serve rebuilds wait for the join).
                    std::thread::park_timeout(EVERY);
                }
            })
            .ok()?;
        Some(Watch {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
        if let Ok(mut staging) = STAGING.lock() {
            *staging = None;
        }
    }
}

/// The process's resident memory in bytes (`VmRSS` of /proc/self/status).
fn resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Stop the build: the rendering thread cannot be interrupted (minijinja has no hook), and
/// failing its allocation would abort the process (a crash to CI).
fn exceeded(theme: &str, budget: u64) -> ! {
    let last = LAST.lock().map(|l| l.clone()).unwrap_or_default();
    let last = if last.is_empty() {
        String::new()
    } else {
        format!(" (last started: {last})")
    };
    eprintln!(
        "error: {theme}: the course's templates took more than {} MB of memory{last}; the build stopped and nothing was written\n  help: a template that grows a string or a list in a loop (`{{% set s = s ~ s %}}`) does this",
        budget >> 20
    );
    if let Some(dir) = STAGING.lock().ok().and_then(|mut s| s.take()) {
        let _ = std::fs::remove_dir_all(dir);
    }
    std::process::exit(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            let now = resident().unwrap_or(0);
            assert!(now > 1 << 20 && now < 1 << 40, "{now}");
        }
    }
}
