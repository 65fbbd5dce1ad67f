//! The persistent cache of highlighted code blocks (issue #17, src/markdown/block_cache.rs):
//! a warm build writes the same pages as a cold one, a damaged cache is a warning and is
//! highlighted again, `--no-cache` leaves it alone, and `[build] cache-dir` stays inside the
//! course.

#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

#[path = "support/course.rs"]
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::{build_cached as build, course, page, text};

const LESSON: &str = "# Code\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n```python\ndef f(x):\n    return x * 2 if x < 3 and x != 'a' else \"b\" & 1\n```\n\n```c++\nstd::vector<int> v{1, 2};\n```\n\n```js\nconst s = `a ${b}` && '<x>';\n```\n\n```json\n{\"a\": [1, \"<b>\"]}\n```\n\n```bash\necho \"$HOME\" > /dev/null 2>&1\n```\n";

/// The lesson with one more blank line at its end: the same page, but not the course the site
/// store kept (site/store.rs), so the build renders it and asks the block cache.
fn touch(dir: &Path) {
    let lesson = dir.join("content/code.md");
    let mut text = fs::read_to_string(&lesson).unwrap();
    text.push('\n');
    fs::write(&lesson, text).unwrap();
}

fn segments(cache: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(cache) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cbhl"))
        .collect();
    out.sort();
    out
}

#[test]
fn a_warm_build_writes_what_a_cold_one_does() {
    let dir = course(&[
        ("book.toml", "[book]\ntitle = \"Cached\"\n"),
        ("content/code.md", LESSON),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let cold = build(dir.path(), cache.path(), &[]);
    assert!(cold.status.success(), "{}", text(&cold));
    let cold_page = page(dir.path(), "code.html");
    assert!(cold_page.contains("hl-"), "the code is highlighted");
    assert_eq!(segments(cache.path()).len(), 1, "the blocks are kept");

    // Warm: nothing new to keep, the same page.
    touch(dir.path());
    let warm = build(dir.path(), cache.path(), &[]);
    assert!(warm.status.success(), "{}", text(&warm));
    assert_eq!(page(dir.path(), "code.html"), cold_page);
    assert_eq!(
        segments(cache.path()).len(),
        1,
        "a build with only hits writes nothing"
    );

    // A damaged byte in the cached HTML: the checksum catches it, a warning names the segment,
    // and the block is highlighted again (the page is not made of the damage).
    let segment = segments(cache.path()).remove(0);
    let mut bytes = fs::read(&segment).unwrap();
    let at = bytes
        .windows(b"hl-".len())
        .position(|w| w == b"hl-")
        .unwrap();
    bytes[at] = b'X';
    fs::write(&segment, &bytes).unwrap();
    touch(dir.path());
    let damaged = build(dir.path(), cache.path(), &[]);
    let said = text(&damaged);
    assert!(damaged.status.success(), "{said}");
    assert!(
        said.contains(&format!(
            "warning: {}: a damaged highlight cache segment (a checksum does not match)",
            segment.display()
        )),
        "{said}"
    );
    assert_eq!(
        page(dir.path(), "code.html"),
        cold_page,
        "highlighted again, not from the damage"
    );
    assert!(!segment.exists(), "the damaged segment is removed");
    assert_eq!(segments(cache.path()).len(), 1, "and the blocks kept again");

    // A foreign file is left alone (and said).
    let foreign = cache.path().join("blocks-mine.cbhl");
    fs::write(&foreign, "my notes").unwrap();
    touch(dir.path());
    let out = build(dir.path(), cache.path(), &[]);
    assert!(text(&out).contains("not a cache segment"), "{}", text(&out));
    assert_eq!(fs::read_to_string(&foreign).unwrap(), "my notes");
}

#[test]
fn no_cache_neither_reads_nor_writes_it() {
    let dir = course(&[
        ("book.toml", "[book]\ntitle = \"Uncached\"\n"),
        ("content/code.md", LESSON),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let out = build(dir.path(), cache.path(), &["--no-cache"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(segments(cache.path()).is_empty());
    assert!(page(dir.path(), "code.html").contains("hl-"));
}

#[test]
fn cache_dir_is_a_folder_of_the_course_outside_its_sources_and_site() {
    let elsewhere = tempfile::tempdir().unwrap();
    let unused = tempfile::tempdir().unwrap();
    let ok = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"Here\"\n[build]\ncache-dir = \".cache/blocks\"\n",
        ),
        ("content/code.md", LESSON),
    ]);
    let out = build(ok.path(), unused.path(), &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(segments(&ok.path().join(".cache/blocks")).len(), 1);
    assert!(
        segments(unused.path()).is_empty(),
        "book.toml's folder wins"
    );

    for (value, why) in [
        ("../outside", "without `..`"),
        ("/tmp/abs", "without `..`"),
        ("content/cache", "inside the course's sources"),
        ("site/cache", "inside the built site"),
        ("link/cache", "outside"),
    ] {
        let dir = course(&[
            (
                "book.toml",
                format!("[book]\ntitle = \"Refused\"\n[build]\ncache-dir = \"{value}\"\n"),
            ),
            ("content/code.md", LESSON.to_string()),
        ]);
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("link")).unwrap();
        let out = build(dir.path(), unused.path(), &[]);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{value}: {said}");
        assert!(
            said.contains("error: book.toml:4:1: `cache-dir` is refused"),
            "{value}: {said}"
        );
        assert!(said.contains(why), "{value}: {said}");
        assert!(
            fs::read_dir(elsewhere.path()).unwrap().next().is_none(),
            "{value}: wrote outside"
        );
    }
}

#[test]
fn builds_at_once_share_one_cache() {
    let cache = tempfile::tempdir().unwrap();
    let courses: Vec<_> = (0..6)
        .map(|n| {
            course(&[
                ("book.toml", "[book]\ntitle = \"Many\"\n".to_string()),
                (
                    "content/code.md",
                    format!("{LESSON}\n```rust\nlet n = {n};\n```\n"),
                ),
            ])
        })
        .collect();
    // Twice over, all at once: the second round merges and reads what the first wrote.
    for _ in 0..3 {
        courses.iter().for_each(|dir| touch(dir.path()));
        let children: Vec<_> = courses
            .iter()
            .map(|dir| {
                Command::new(env!("CARGO_BIN_EXE_coursebook"))
                    .args(["build", dir.path().to_str().unwrap()])
                    .env("COURSEBOOK_CACHE_DIR", cache.path())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", text(&out));
            assert!(!text(&out).contains("warning"), "{}", text(&out));
        }
    }
    let expected = page(courses[0].path(), "code.html");
    let out = build(courses[0].path(), cache.path(), &[]);
    assert!(
        out.status.success() && !text(&out).contains("warning"),
        "{}",
        text(&out)
    );
    assert_eq!(page(courses[0].path(), "code.html"), expected);
}
