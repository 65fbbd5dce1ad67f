//! Small fixture courses for the end-to-end tests: written to a temporary folder per test, so
//! tests are independent and run in parallel. Included with `#[path = "support/course.rs"]`.

#![allow(dead_code, reason = "each test file uses some of these")]

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

/// A course made of `files` (path, contents).
pub fn course<C: AsRef<[u8]>>(files: &[(&str, C)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temporary folder: {e}"));
    for (path, content) in files {
        let p = dir.path().join(path);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        fs::write(&p, content).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
    dir
}

/// Run the coursebook under test in `cwd`.
pub fn coursebook(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run coursebook: {e}"))
}

/// `coursebook build DIR ARGS…` with coursebook's caches (highlighted blocks, the site store)
/// in `cache` rather than the user's cache folder.
pub fn build_cached(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .arg("build")
        .arg(dir)
        .args(args)
        .env("COURSEBOOK_CACHE_DIR", cache)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run coursebook: {e}"))
}

/// stdout then stderr, as text.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A file of the built site, as text.
pub fn page(dir: &Path, url: &str) -> String {
    let path = dir.join("site").join(url);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
