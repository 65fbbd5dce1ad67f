//! The site store (issue #17, src/site/store.rs): a course built again as it was gets the
//! files of the build before (and what it said about them), any change builds the course, a
//! file edited through a site's link is found, and a course's own folder never holds pages.

#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

#[path = "support/course.rs"]
mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Output;
use support::{build_cached, course, page, text};

const LESSON: &str = "---\ntitle: Code\ncolour: blue\n---\n\n# Code\n\nSee [the other](other.md).\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n";
const OTHER: &str = "# Other\n\nA second lesson about models.\n";
/// A quiz whose prompt hides a right-to-left override in a YAML escape: replaced, with a warning.
const QUIZ: &str = "questions:\n  - id: one\n    type: single\n    prompt: \"One\\u202E?\"\n    choices:\n      - text: \"1\"\n        correct: true\n      - text: \"2\"\n";
/// What the verbose build says when the site came from the store.
const FROM_STORE: &str = "the course is as an earlier build left it";

/// Build `dir` with its caches in `cache`, saying whether the site came from the store.
fn build(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    let mut args = args.to_vec();
    args.push("-v");
    build_cached(dir, cache, &args)
}

/// Every file under `dir`: its path there → what `of` says of it.
fn each_file<T>(dir: &Path, of: impl Fn(&walkdir::DirEntry) -> T) -> BTreeMap<String, T> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (rel.to_string_lossy().into_owned(), of(&e))
        })
        .collect()
}

/// Every file of a site: path → bytes.
fn site(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    each_file(dir, |e| fs::read(e.path()).unwrap())
}

fn lesson_course() -> tempfile::TempDir {
    course(&[
        ("book.toml", "[book]\ntitle = \"Stored\"\n"),
        ("content/code.md", LESSON),
        ("content/code.quiz.yaml", QUIZ),
        ("content/other.md", OTHER),
    ])
}

#[test]
fn a_course_built_again_as_it_was_is_the_same_site_and_says_the_same() {
    let dir = lesson_course();
    let cache = tempfile::tempdir().unwrap();
    let first = build(dir.path(), cache.path(), &[]);
    assert!(first.status.success(), "{}", text(&first));
    assert!(!text(&first).contains(FROM_STORE));
    // The unknown front matter key is a warning at its line (said by every build), and so is
    // the quiz's escaped control character (said by the build that parsed it: kept with it).
    let warning = "content/code.md:3:1";
    assert!(text(&first).contains(warning), "{}", text(&first));
    let quiz_warning = "content/code.quiz.yaml:";
    assert!(text(&first).contains(quiz_warning), "{}", text(&first));
    let made = site(&dir.path().join("site"));
    assert!(made.contains_key("search/meta.json") && made.contains_key("print.html"));

    let again = build(dir.path(), cache.path(), &[]);
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains(FROM_STORE), "{}", text(&again));
    assert!(
        text(&again).contains(" ms (the course as last built"),
        "said without -v too: {}",
        text(&again)
    );
    assert!(
        text(&again).contains(warning) && text(&again).contains(quiz_warning),
        "said again: {}",
        text(&again)
    );
    assert_eq!(site(&dir.path().join("site")), made);

    // The site removed: the same again, from the store alone.
    fs::remove_dir_all(dir.path().join("site")).unwrap();
    let rebuilt = build(dir.path(), cache.path(), &[]);
    assert!(text(&rebuilt).contains(FROM_STORE), "{}", text(&rebuilt));
    assert_eq!(site(&dir.path().join("site")), made);

    // The store's folder removed: the site is as it was, and the next build makes it anew.
    fs::remove_dir_all(cache.path().join("sites")).unwrap();
    assert_eq!(site(&dir.path().join("site")), made);
    let anew = build(dir.path(), cache.path(), &[]);
    assert!(anew.status.success(), "{}", text(&anew));
    assert!(!text(&anew).contains(FROM_STORE), "{}", text(&anew));
    assert_eq!(site(&dir.path().join("site")), made);
    assert!(text(&build(dir.path(), cache.path(), &[])).contains(FROM_STORE));

    // Under --deny-warnings the warning fails the build, from the store as it would without.
    let denied = build(dir.path(), cache.path(), &["--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1), "{}", text(&denied));
    assert_eq!(site(&dir.path().join("site")), made, "left as it was");
}

#[test]
fn any_change_to_the_course_builds_it() {
    let dir = lesson_course();
    let cache = tempfile::tempdir().unwrap();
    assert!(build(dir.path(), cache.path(), &[]).status.success());
    fs::create_dir_all(dir.path().join("theme/templates/partials")).unwrap();
    fs::write(
        dir.path().join("theme/templates/partials/extra.html"),
        "<p>one</p>",
    )
    .unwrap();
    let edits: [(&str, &str, &str); 5] = [
        ("content/other.md", "models", "forests"),
        ("book.toml", "Stored", "Stored anew"),
        (
            "book.toml",
            "[book]",
            "[output.html]\ntheme = \"theme\"\n[book]",
        ),
        // A file of the theme that no template of coursebook's names (a partial they include).
        ("theme/templates/partials/extra.html", "one", "two"),
        // The quiz file alone (its lesson as it was).
        ("content/code.quiz.yaml", "One\\u202E?", "Two?"),
    ];
    for (file, was, now) in edits {
        let path = dir.path().join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text_now = match fs::read_to_string(&path) {
            Ok(old) => old.replace(was, now),
            Err(_) => now.to_string(),
        };
        fs::write(&path, text_now).unwrap();
        let out = build(dir.path(), cache.path(), &[]);
        assert!(out.status.success(), "{file}: {}", text(&out));
        assert!(!text(&out).contains(FROM_STORE), "{file}: {}", text(&out));
    }
    assert!(page(dir.path(), "other.html").contains("forests"));
    assert!(page(dir.path(), "index.html").contains("Stored anew"));
    assert!(page(dir.path(), "code.html").contains("Two?"));
    // And once more as it now is: from the store.
    let out = build(dir.path(), cache.path(), &[]);
    assert!(text(&out).contains(FROM_STORE), "{}", text(&out));
    assert!(page(dir.path(), "code.html").contains("Two?"));
}

#[test]
fn a_page_edited_through_the_site_is_found_and_made_again() {
    let dir = lesson_course();
    let cache = tempfile::tempdir().unwrap();
    assert!(build(dir.path(), cache.path(), &[]).status.success());
    let made = page(dir.path(), "other.html");
    // Written in place (not replaced): the store's file is the same file.
    fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("site/other.html"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"<script>edited</script>"))
        .unwrap();
    let out = build(dir.path(), cache.path(), &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(FROM_STORE), "{}", text(&out));
    assert!(text(&out).contains("is not what it was"), "{}", text(&out));
    assert_eq!(page(dir.path(), "other.html"), made);
    // Kept again as built: the next build is from the store, unedited.
    let out = build(dir.path(), cache.path(), &[]);
    assert!(text(&out).contains(FROM_STORE), "{}", text(&out));
    assert_eq!(page(dir.path(), "other.html"), made);
}

#[test]
fn a_course_folder_never_holds_the_store_and_no_cache_leaves_it_alone() {
    let dir = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"Here\"\n[build]\ncache-dir = \".cache/blocks\"\n",
        ),
        ("content/code.md", LESSON),
        ("content/other.md", OTHER),
    ]);
    let cache = tempfile::tempdir().unwrap();
    assert!(build(dir.path(), cache.path(), &[]).status.success());
    let out = build(dir.path(), cache.path(), &[]);
    assert!(text(&out).contains(FROM_STORE), "{}", text(&out));
    assert!(
        cache.path().join("sites").is_dir(),
        "the user's cache folder"
    );
    assert!(!dir.path().join(".cache/sites").exists());
    assert!(!dir.path().join(".cache/blocks/sites").exists());

    let dir = lesson_course();
    let cache = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let out = build(dir.path(), cache.path(), &["--no-cache"]);
        assert!(out.status.success(), "{}", text(&out));
        assert!(!text(&out).contains(FROM_STORE), "{}", text(&out));
    }
    assert!(!cache.path().join("sites").exists());
}

/// Every file of a site by its inode: path → (device, inode).
fn inodes(dir: &Path) -> BTreeMap<String, (u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    each_file(dir, |e| {
        let meta = e.metadata().unwrap();
        (meta.dev(), meta.ino())
    })
}

#[test]
fn a_site_shares_its_files_with_the_store_alone() {
    let dir = course(&[
        ("book.toml", "[book]\ntitle = \"Book\"\n"),
        (
            "src/SUMMARY.md",
            "# Summary\n\n- [One](one.md)\n- [Two](two.md)\n",
        ),
        ("src/one.md", "# One\n\nFirst.\n"),
        ("src/two.md", "# Two\n\nSecond.\n"),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let distinct = |site: &Path| {
        let inodes = inodes(site);
        let mut seen = std::collections::HashSet::new();
        for (path, inode) in &inodes {
            assert!(
                seen.insert(*inode),
                "{path} shares its inode within the site"
            );
        }
        inodes
    };
    for _ in 0..3 {
        let out = build(dir.path(), cache.path(), &[]);
        assert!(out.status.success(), "{}", text(&out));
        distinct(&dir.path().join("site"));
    }
    // A rebuild keeps each file where it was (nothing is written); another output folder of
    // the same course shares none of them (editing one site in place changes no other).
    let before = inodes(&dir.path().join("site"));
    let out = build(dir.path(), cache.path(), &[]);
    assert!(text(&out).contains(FROM_STORE), "{}", text(&out));
    let mut after = inodes(&dir.path().join("site"));
    // All but the marker saying coursebook made the folder, written with the folder.
    assert_ne!(
        after.remove(".coursebook"),
        before.get(".coursebook").copied()
    );
    assert_eq!(after.len(), before.len() - 1);
    assert!(after.iter().all(|(path, inode)| before[path] == *inode));
    let other = dir.path().join("other-site");
    let out = build(dir.path(), cache.path(), &["-d", other.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let theirs = distinct(&other);
    assert_eq!(site(&other), site(&dir.path().join("site")));
    // Against the files there are now: an inode of `before` that the rebuild freed (the old
    // marker's) may be given to a new file of the other site, on file systems that reuse them.
    let ours = inodes(&dir.path().join("site"));
    for (path, inode) in &theirs {
        assert!(
            !ours.values().any(|i| i == inode),
            "{path} is a file of both sites"
        );
    }
}
