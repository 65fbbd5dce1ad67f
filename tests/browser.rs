//! Real-browser tests of built sites.
//!
//! The tests themselves are JavaScript (`tests/browser/*.test.mjs`, Node's built-in test runner,
//! Chromium through playwright-core, axe-core, the Nu HTML Checker): this test only runs them
//! against the coursebook binary cargo just built, so `cargo test --release --workspace` runs
//! everything. Their output streams as they run; on failure it is repeated in the panic message.
//!
//! Needs `node` (20+). What else is missing is installed first, saying so (`support/tools.rs`):
//! the npm packages of `tests/browser`, Debian's `chromium` (or `$CHROMIUM_BIN`) and a Java
//! runtime for the HTML checker; where that cannot be done the test fails with one line that
//! says what to run. `COURSEBOOK_SKIP_BROWSER_TESTS=1` skips them, saying so.

#![allow(clippy::panic, reason = "a test reports failure by panicking")]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

#[path = "support/tools.rs"]
mod tools;

/// Copy `from` line by line to this process's stderr (not captured by libtest, so it streams)
/// and into `log`.
fn tee(from: impl Read + Send + 'static, log: Arc<Mutex<String>>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for line in BufReader::new(from).lines().map_while(Result::ok) {
            let _ = writeln!(std::io::stderr(), "{line}");
            if let Ok(mut log) = log.lock() {
                log.push_str(&line);
                log.push('\n');
            }
        }
    })
}

fn test_files(dir: &Path) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".test.mjs"))
        })
        .collect();
    files.sort();
    files
}

/// The part of the output worth repeating: from the runner's list of failing tests, else the end.
fn summary(output: &str) -> &str {
    if let Some(at) = output.find("failing tests:") {
        return &output[at..];
    }
    let lines: Vec<&str> = output.lines().collect();
    let tail = lines.len().saturating_sub(120);
    let skip: usize = lines[..tail].iter().map(|l| l.len() + 1).sum();
    &output[skip.min(output.len())..]
}

#[test]
fn browser_tests() {
    if std::env::var_os("COURSEBOOK_SKIP_BROWSER_TESTS").is_some_and(|v| !v.is_empty() && v != "0")
    {
        eprintln!("browser tests SKIPPED: COURSEBOOK_SKIP_BROWSER_TESTS is set");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = repo.join("tests").join("browser");
    let setup = tools::node().and_then(|node| {
        tools::npm_packages(&dir)?;
        Ok((node, tools::chromium_and_java()?))
    });
    let (node, chromium) = setup.unwrap_or_else(|e| panic!("{e}"));
    let files = test_files(&dir);
    assert!(
        !files.is_empty(),
        "no *.test.mjs files in {}",
        dir.display()
    );

    let mut child = Command::new(&node)
        .args([
            "--test",
            // Two files at a time: the tests mostly wait on the browser, and the whole run takes
            // about two thirds of the time it takes one file at a time (each file has its own
            // servers on free ports and its own temporary folders).
            "--test-concurrency=2",
            "--test-reporter=spec",
            "--test-timeout=900000",
        ])
        .args(&files)
        .current_dir(repo)
        .env("COURSEBOOK_BIN", env!("CARGO_BIN_EXE_coursebook"))
        .env("CHROMIUM_BIN", &chromium)
        .env("FORCE_COLOR", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {node}: {e}; install Node.js 20 or newer"));

    let log = Arc::new(Mutex::new(String::new()));
    let readers = [
        child.stdout.take().map(|out| tee(out, Arc::clone(&log))),
        child.stderr.take().map(|err| tee(err, Arc::clone(&log))),
    ];
    let status = child
        .wait()
        .unwrap_or_else(|e| panic!("waiting for node failed: {e}"));
    for reader in readers.into_iter().flatten() {
        let _ = reader.join();
    }
    let output = log.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(
        status.success(),
        "the browser tests failed ({status}):\n{}",
        summary(&output)
    );
}
