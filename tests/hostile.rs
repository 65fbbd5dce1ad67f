//! Hostile and careless courses (issue #12): nothing outside the course is read or published,
//! no input aborts or hangs the build, and no folder coursebook did not make is replaced. One
//! small course per case; every failing case must exit 1, name the culprit, and leave the
//! previous output as it was.

#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

#[path = "support/course.rs"]
mod support;

use support::{course, coursebook, page, text};

const BOOK: &str = "[book]\ntitle = \"Hostile\"\n";

/// Build `dir`, which must fail with exit 1, mentioning every one of `needles`, without a panic
/// and without writing a site.
fn refused(dir: &Path, needles: &[&str]) -> String {
    let started = Instant::now();
    let out = coursebook(&["build"], dir);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "expected exit 1:\n{all}");
    assert!(!all.contains("panicked"), "{all}");
    for needle in needles {
        assert!(all.contains(needle), "expected {needle:?} in:\n{all}");
    }
    assert!(!dir.join("site").exists(), "a refused build wrote a site");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    all
}

/// A folder outside the course with a secret in it.
fn secret() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("secret.txt"), "TOP-SECRET-VALUE").unwrap();
    dir
}

fn no_secret_published(dir: &Path) {
    let site = dir.join("site");
    if !site.exists() {
        return;
    }
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("TOP-SECRET-VALUE"),
                "{} holds the secret",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_link_to_a_file_outside_is_refused() {
    let outside = secret();
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    symlink(
        outside.path().join("secret.txt"),
        c.path().join("content/env.txt"),
    )
    .unwrap();
    symlink("/proc/self/environ", c.path().join("content/environ.txt")).unwrap();
    refused(
        c.path(),
        &[
            "content/env.txt",
            "content/environ.txt",
            "leads outside the course folder",
        ],
    );
}

/// /dev holds the machine's files, never read; but a folder below /dev/shm is a course built in
/// memory (tmpfs, as benchmarks and CI runners use), and was refused whole ("book.toml is not a
/// regular file").
#[test]
fn a_course_in_shared_memory_builds() {
    let Ok(shm) = tempfile::tempdir_in("/dev/shm") else {
        eprintln!("skipped: no /dev/shm here");
        return;
    };
    fs::create_dir_all(shm.path().join("content")).unwrap();
    fs::write(shm.path().join("book.toml"), BOOK).unwrap();
    fs::write(shm.path().join("content/a.md"), "# In memory\n\nText.\n").unwrap();
    let out = coursebook(&["build"], shm.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(page(shm.path(), "a.html").contains("In memory"));
}

#[test]
fn a_link_to_a_folder_outside_is_refused() {
    let outside = secret();
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    symlink(outside.path(), c.path().join("content/stolen")).unwrap();
    refused(c.path(), &["content/stolen", "leads outside"]);
}

#[test]
fn a_link_that_stays_inside_is_followed() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n"),
        ("shared/logo.txt", "LOGO"),
    ]);
    symlink(
        c.path().join("shared/logo.txt"),
        c.path().join("content/logo.txt"),
    )
    .unwrap();
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        fs::read_to_string(c.path().join("site/logo.txt")).unwrap(),
        "LOGO"
    );
}

/// A course reached through a link, with a lesson that is an absolute link written the link's
/// way (`ln -s "$PWD/shared/b.md"`): built from the other spelling, the lesson was refused as
/// "leading outside", though the kernel finds it inside (red team 6; on macOS `/tmp` is
/// `/private/tmp`). Every spelling builds; a link out through the same folders stays refused.
#[test]
fn a_course_named_through_a_link_follows_links_spelled_either_way() {
    let outside = secret();
    let t = tempfile::tempdir().unwrap();
    let phys = t.path().join("phys");
    fs::create_dir_all(phys.join("c/content")).unwrap();
    fs::create_dir_all(phys.join("c/shared")).unwrap();
    fs::write(phys.join("c/book.toml"), BOOK).unwrap();
    fs::write(phys.join("c/content/a.md"), "# A\n\nSee [b](b.md).\n").unwrap();
    fs::write(phys.join("c/shared/b.md"), "# B\n\nSHARED-TEXT\n").unwrap();
    let logi = t.path().join("logi");
    symlink(&phys, &logi).unwrap();
    symlink(logi.join("c/shared/b.md"), phys.join("c/content/b.md")).unwrap();
    for (dir, cwd) in [
        (phys.join("c"), t.path().to_path_buf()),
        (logi.join("c"), t.path().to_path_buf()),
        (".".into(), logi.join("c")),
    ] {
        let _ = fs::remove_dir_all(phys.join("c/site"));
        let out = coursebook(&["build", "-q", dir.to_str().unwrap()], &cwd);
        assert!(out.status.success(), "{}: {}", dir.display(), text(&out));
        assert!(page(&phys.join("c"), "b.html").contains("SHARED-TEXT"));
    }
    // Through the same link, but out of the course: refused, and said the same whether or not
    // the file is there.
    symlink(outside.path().join("secret.txt"), phys.join("secret.txt")).unwrap();
    symlink(logi.join("secret.txt"), phys.join("c/content/s.txt")).unwrap();
    fs::write(
        phys.join("c/content/x.md"),
        "# X\n\n{{#include ../../../logi/secret.txt}}\n\n{{#include ../../../logi/none.txt}}\n",
    )
    .unwrap();
    let _ = fs::remove_dir_all(phys.join("c/site"));
    let said = refused(&phys.join("c"), &[]);
    for line in [
        format!(
            "content/s.txt: cannot read: it leads outside the course folder (to {})",
            logi.join("secret.txt").display()
        ),
        format!(
            "content/x.md:3:1: cannot include `../../../logi/secret.txt`: it leads outside the course folder (to {})",
            logi.join("secret.txt").display()
        ),
        format!(
            "content/x.md:5:1: cannot include `../../../logi/none.txt`: it leads outside the course folder (to {})",
            logi.join("none.txt").display()
        ),
    ] {
        assert!(said.contains(&line), "missing {line:?} in:\n{said}");
    }
    no_secret_published(&phys.join("c"));
}

#[test]
fn theme_and_src_outside_the_course_are_refused_at_their_line() {
    let outside = secret();
    let out_path = outside.path().display().to_string();
    let c = course(&[(
        "book.toml",
        &format!(
            "[book]\ntitle = \"T\"\nsrc = \"{out_path}\"\n\n[output.html]\ntheme = \"/proc/self\"\n"
        ),
    )]);
    refused(
        c.path(),
        &[
            "book.toml:3:1",
            "`src` is refused",
            "book.toml:6:1",
            "`theme` is refused",
        ],
    );
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\ntheme = \"../../../../../../etc/ssl\"\n",
        ),
        ("content/a.md", "# A\n"),
    ]);
    refused(c.path(), &["book.toml:4:1", "`theme` is refused"]);
}

#[test]
fn theme_files_linked_from_outside_are_refused() {
    let outside = secret();
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\ntheme = \"theme\"\n",
        ),
        ("content/a.md", "# A\n"),
        ("theme/css/own.css", "body{}"),
    ]);
    symlink(
        outside.path().join("secret.txt"),
        c.path().join("theme/css/book.css"),
    )
    .unwrap();
    refused(c.path(), &["theme/css/book.css", "leads outside"]);
    no_secret_published(c.path());
}

#[test]
fn a_template_include_that_climbs_out_is_refused_at_its_line() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\ntheme = \"theme\"\n",
        ),
        ("content/a.md", "# A\n"),
        (
            "theme/templates/404.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{% include \"../../../../etc/passwd\" %}\n{% endblock %}\n",
        ),
    ]);
    refused(c.path(), &["theme/templates/404.html:3", "refused"]);
}

#[test]
fn a_quiz_named_outside_the_course_is_refused_at_its_line() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "---\ntitle: A\nquiz: /etc/hostname\n---\n# A\n",
        ),
    ]);
    refused(c.path(), &["content/a.md:3:", "leads outside"]);
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "---\ntitle: A\nquiz: ../../../../../../etc/hostname\n---\n# A\n",
        ),
    ]);
    refused(c.path(), &["content/a.md:3:", "leads outside"]);
}

#[test]
fn summary_and_glossary_linked_from_outside_are_refused() {
    let outside = secret();
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    symlink(
        outside.path().join("secret.txt"),
        c.path().join("content/SUMMARY.md"),
    )
    .unwrap();
    symlink(
        outside.path().join("secret.txt"),
        c.path().join("content/glossary.yaml"),
    )
    .unwrap();
    let all = refused(c.path(), &["content/SUMMARY.md", "content/glossary.yaml"]);
    assert!(!all.contains("TOP-SECRET-VALUE"), "{all}");
}

#[test]
fn a_fifo_in_the_sources_is_an_error_not_a_hang() {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    let made = Command::new("mkfifo")
        .arg(c.path().join("content/pipe.md"))
        .status()
        .unwrap();
    assert!(made.success());
    refused(c.path(), &["content/pipe.md", "not a regular file"]);
}

#[test]
fn deeply_nested_math_is_an_error_at_its_line_not_a_crash() {
    let braces = format!("${}x{}$", "{".repeat(5000), "}".repeat(5000));
    let roots = format!("$${}x$$", "\\sqrt".repeat(5000));
    let lesson = format!("# Deep\n\nfine $x^2$\n\n{braces}\n\n{roots}\n");
    let c = course(&[("book.toml", BOOK), ("content/deep.md", &lesson)]);
    refused(
        c.path(),
        &[
            "content/deep.md:5:",
            "content/deep.md:7:",
            "nests 5000 levels",
        ],
    );
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["build", "-v"])
        .current_dir(c.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_template_that_loops_forever_runs_out_of_fuel() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\ntheme = \"theme\"\n",
        ),
        ("content/a.md", "# A\n"),
        (
            "theme/templates/404.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}{% endfor %}{% endfor %}{% endfor %}\n{% endblock %}\n",
        ),
    ]);
    // The loop writes nothing: one that writes stops at the output bound first (4 MB, before
    // the fuel runs out; `a_template_that_writes_too_much_*`).
    refused(c.path(), &["theme/templates/404.html", "fuel"]);
}

/// Fuel counts instructions, not bytes: a string or a list doubled in a short loop asked for
/// gigabytes (3 GB from a 30-step loop). The build stops past its memory budget, names the
/// theme and the template, exits 1, and leaves the previous site and no staging folder.
#[test]
fn a_template_that_doubles_a_string_stops_at_the_memory_budget() {
    theme_bombs_fail(
        "# A\n",
        &[
            "{% set ns = namespace(s=\"xxxxxxxxxxxxxxxx\") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
            "{% set ns = namespace(s=[]) %}{% for i in range(100) %}{% set ns.s = ns.s + [\"x\" * 50000000] %}{% endfor %}{{ ns.s|length }}",
            "{% set ns = namespace(s=\"ab\") %}{% for i in range(40) %}{% set ns.s = ns.s|replace(\"a\", ns.s) %}{% endfor %}{{ ns.s|length }}",
        ],
        &[
            "error: theme: the course's templates took more than",
            "page.html for \"A\"",
        ],
        Duration::from_secs(20),
    );
}

/// A course with its own theme, built once; then each of `bombs` as its page.html must fail
/// (exit 1, within `limit`, the output holding each of `needles`), leave the first build's
/// page as it was and no staging folder. Returns the course for more checks.
fn theme_bombs_fail(content: &str, bombs: &[&str], needles: &[&str], limit: Duration) -> TempDir {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\ntheme = \"theme\"\n",
        ),
        ("content/a.md", content),
        ("theme/theme.css", "/* the course's own */\n"),
    ]);
    let first = coursebook(&["build", "-q"], c.path());
    assert!(first.status.success(), "{}", text(&first));
    let before = fs::read(c.path().join("site/a.html")).unwrap();
    for bomb in bombs {
        fs::create_dir_all(c.path().join("theme/templates")).unwrap();
        fs::write(c.path().join("theme/templates/page.html"), bomb).unwrap();
        let started = Instant::now();
        let out = coursebook(&["build"], c.path());
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{bomb}:\n{all}");
        assert!(!all.contains("panicked"), "{all}");
        for needle in needles {
            assert!(
                all.contains(needle),
                "{bomb}: expected {needle:?} in:\n{all}"
            );
        }
        assert!(started.elapsed() < limit, "{bomb}");
        assert_eq!(fs::read(c.path().join("site/a.html")).unwrap(), before);
        let left: Vec<_> = fs::read_dir(c.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| n.to_string_lossy().contains("coursebook-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
    c
}

#[test]
fn a_template_that_includes_itself_is_one_short_error() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\ntheme = \"theme\"\n",
        ),
        ("content/a.md", "# A\n"),
        ("theme/templates/page.html", "{% include \"page.html\" %}\n"),
    ]);
    let all = refused(
        c.path(),
        &[
            "theme/templates/page.html:1:",
            "recursion limit",
            "includes from page.html:1",
        ],
    );
    // One line that says it, not one wrapper a level (the message was 40 KB).
    assert!(all.len() < 2_000, "{} bytes:\n{all}", all.len());
}

#[test]
fn summary_nested_thousands_deep_is_an_error_at_its_line() {
    // 5,000 levels took 23 s and 409 MB, then failed in the default theme's sidebar.
    let mut summary = String::from("# Summary\n\n");
    let mut files = Vec::new();
    for i in 0..2_000 {
        summary.push_str(&format!("{}- [L{i}](l{i}.md)\n", "  ".repeat(i)));
        files.push((format!("src/l{i}.md"), format!("# L{i}\n")));
    }
    let mut all: Vec<(&str, &str)> = vec![("book.toml", BOOK), ("src/SUMMARY.md", &summary)];
    all.extend(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let c = course(&all);
    let said = refused(
        c.path(),
        &["src/SUMMARY.md:19:", "nested more than 16 levels deep"],
    );
    assert!(!said.contains("template error"), "{said}");
}

#[test]
fn a_huge_lesson_or_included_file_is_refused_before_it_is_read() {
    // 700 MB (sparse: no disk used). Parsed, such a lesson took 21 GB of memory and 107 s.
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\n{{#include big.txt}}\n"),
    ]);
    let huge = |name: &str| {
        fs::File::create(c.path().join("content").join(name))
            .and_then(|f| f.set_len(700 << 20))
            .unwrap();
    };
    huge("big.txt");
    huge("b.md");
    let said = refused(
        c.path(),
        &[
            "content/a.md:3:1: cannot include `big.txt`: it is 700.0 MB",
            "content/b.md: cannot read the file: it is 700.0 MB",
            "up to 16 MB",
        ],
    );
    assert!(said.contains("2 problems"), "{said}");
}

/// Red team, third pass: the help listing a page's anchors quoted each id whole, once per
/// broken link: 12 headings of 50 KB and 1,000 `[l](#m)` (a 600 KB lesson) printed 500 MB of
/// messages with 1 GB of memory.
#[test]
fn long_anchors_are_clipped_in_each_broken_anchor_help() {
    let lesson = format!(
        "# A\n\n{}{}\n",
        (0..12)
            .map(|i| format!("## {}{i}\n\n", "h".repeat(50_000)))
            .collect::<String>(),
        "[l](#m) ".repeat(1_000)
    );
    let c = course(&[("book.toml", BOOK), ("content/a.md", &lesson)]);
    let said = refused(c.path(), &["broken anchor", "anchors on that page: #a, "]);
    assert!(
        said.contains("1000 problems"),
        "{}",
        &said[said.len() - 200..]
    );
    assert!(said.len() < 3_000_000, "{} bytes of messages", said.len());
}

#[test]
fn many_broken_anchors_to_a_page_of_many_headings_are_reported_in_linear_time() {
    // Every broken link listed (and sorted) the page's anchors again: 30,000 links to a page of
    // 30,000 headings took minutes.
    let lesson = format!("# A\n\n{}", "## H\n\n[x](#nowhere)\n\n".repeat(30_000));
    let c = course(&[("book.toml", BOOK), ("content/a.md", &lesson)]);
    let started = Instant::now();
    let said = refused(c.path(), &["broken anchor", "anchors on that page: #a, "]);
    assert!(
        said.contains("30000 problems"),
        "{}",
        &said[said.len().saturating_sub(300)..]
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn ten_thousand_equal_headings_get_distinct_ids() {
    let lesson = "## Same\n\n".repeat(10_000);
    let c = course(&[("book.toml", BOOK), ("content/a.md", &lesson)]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.contains("id=\"same\""));
    assert!(html.contains("id=\"same-9999\""));
    assert!(!html.contains("id=\"same-10000\""));
}

/// The peak resident memory of a finished child, in MB: its `VmHWM` (the kernel's high-water
/// mark, which only grows) read until it exits, without pause for its first 20 ms (a build
/// refused before it reads anything is over in about a millisecond, and a 2 ms pause between
/// readings missed it: a flaky "no reading"). A child gone before the first reading is
/// reported as 1 MB: nothing allocates much in the time one reading takes.
#[cfg(target_os = "linux")]
fn peak_memory_mb(mut child: std::process::Child) -> (std::process::ExitStatus, u64) {
    let status_file = format!("/proc/{}/status", child.id());
    let started = std::time::Instant::now();
    let mut peak_kb = 0u64;
    loop {
        if let Ok(status) = fs::read_to_string(&status_file)
            && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
            && let Some(kb) = line.split_whitespace().nth(1).and_then(|n| n.parse().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (status, (peak_kb / 1024).max(1));
        }
        if started.elapsed() > Duration::from_millis(20) {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_huge_table_needs_memory_in_proportion() {
    // 750 KB of one-letter cells: 1.1 million Markdown events (3 MB of them took 1.3 GB,
    // collected into a list per pass; streamed, what is left is pulldown-cmark's own tree,
    // about 50 bytes a cell, and the HTML). Twice as many cells pass the bound on a page's
    // markup (markdown/density.rs) and are refused.
    let row = format!("|{}|\n", ["a"; 50].join("|"));
    let table = format!("{row}|{}|\n{}", ["-"; 50].join("|"), row.repeat(7_500));
    let c = course(&[("book.toml", BOOK), ("content/a.md", &table)]);
    let child = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["build", "-q"])
        .current_dir(c.path())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let (status, peak) = peak_memory_mb(child);
    assert!(status.success());
    assert!(peak < 200, "a 750 KB table took {peak} MB");
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert_eq!(html.matches("<td>a</td>").count(), 50 * 7_500);
}

/// A course whose glossary has one term, "Model", with a 15 KB definition (a definition may
/// be up to 16 KB), and one lesson, `content/a.md`; `course_keys` go under [course].
fn long_definition_course(course_keys: &str, lesson: &str) -> TempDir {
    let book = format!("{BOOK}[course]\nglossary = \"glossary.yaml\"\n{course_keys}");
    let glossary = format!(
        "- term: Model\n  definition: \"{}\"\n",
        "word ".repeat(3_000)
    );
    course(&[
        ("book.toml", book.as_str()),
        ("content/glossary.yaml", glossary.as_str()),
        ("content/a.md", lesson),
    ])
}

#[cfg(target_os = "linux")]
#[test]
fn a_term_said_ten_thousand_times_does_not_carry_its_definition_each_time() {
    // 60 KB of definition, 60 KB of lesson saying the term 10,000 times, every mention linked:
    // with a tooltip each, the page was 1.2 GB and the build took 3.6 GB of memory. (A
    // definition is now at most 16 KB: with 15 KB, 150 MB.)
    let lesson = format!("# L\n\n{}\n", "model ".repeat(10_000));
    let c = long_definition_course("link-terms = \"all\"\n", &lesson);
    let child = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["build"])
        .current_dir(c.path())
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, peak) = peak_memory_mb(child);
    assert!(status.success());
    assert!(peak < 200, "the build took {peak} MB");
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.len() < 4 << 20, "a.html is {} bytes", html.len());
    // Every mention is still a link; the first carries the definition.
    assert_eq!(html.matches("data-term=\"model\"").count(), 10_000);
    assert!(html.contains("role=\"tooltip\""));
    // And the author is told, at the lesson.
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(
        all.contains("content/a.md:3:") && all.contains("glossary tooltips stop here"),
        "{all}"
    );
}

#[test]
fn a_key_term_listed_ten_thousand_times_is_shown_once() {
    // Each key term carries its definition: 10,000 of one 60 KB definition made a 574 MB page
    // (of the 15 KB this one has, 150 MB).
    let lesson = format!(
        "---\nterms: [{}]\n---\n\n# L\n\nText.\n",
        vec!["model"; 10_000].join(", ")
    );
    let c = long_definition_course("", &lesson);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert_eq!(
        all.matches("is listed twice in `terms`").count(),
        1,
        "one warning, at the first repeat: {all}"
    );
    assert!(all.contains("content/a.md:2:"), "{all}");
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.len() < 1 << 20, "a.html is {} bytes", html.len());
}

#[test]
fn a_file_name_that_is_not_utf8_is_an_error_not_a_raw_copy() {
    use std::os::unix::ffi::OsStrExt;
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    let name = std::ffi::OsStr::from_bytes(b"b\xffd.md");
    fs::write(c.path().join("content").join(name), "# B\n").unwrap();
    let all = refused(c.path(), &["content/b", "not valid UTF-8"]);
    assert!(all.contains("rename the file"), "{all}");
}

/// A previous site and the bytes of every file in it, to compare after a refused build.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            files.push((
                entry.path().display().to_string(),
                fs::read(entry.path()).unwrap(),
            ));
        }
    }
    files
}

#[test]
fn dest_dir_naming_a_file_is_refused_and_the_file_kept() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n"),
        ("notes.txt", "my notes"),
    ]);
    for target in ["notes.txt", "book.toml"] {
        let before = fs::read(c.path().join(target)).unwrap();
        let out = coursebook(&["build", "-d", target], c.path());
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            text(&out).contains("is a file, not a folder"),
            "{}",
            text(&out)
        );
        assert_eq!(fs::read(c.path().join(target)).unwrap(), before);
    }
    // The course still builds: book.toml was not touched.
    assert!(coursebook(&["build", "-q"], c.path()).status.success());
}

#[test]
fn dest_dir_that_is_a_symbolic_link_is_refused() {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(elsewhere.path().join("keep.txt"), "keep").unwrap();
    symlink(elsewhere.path(), c.path().join("site")).unwrap();
    let out = coursebook(&["build"], c.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("symbolic link"), "{}", text(&out));
    assert_eq!(
        fs::read_to_string(elsewhere.path().join("keep.txt")).unwrap(),
        "keep"
    );
}

#[test]
fn leftovers_are_deleted_only_with_the_marker() {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    let foreign = c.path().join(".site.coursebook-new-77");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("precious.txt"), "mine").unwrap();
    let ours = c.path().join(".site.coursebook-old-78");
    fs::create_dir_all(&ours).unwrap();
    fs::write(
        ours.join(".coursebook"),
        "This folder was made by coursebook; a new build replaces it whole.\n",
    )
    .unwrap();
    assert!(coursebook(&["build", "-q"], c.path()).status.success());
    assert_eq!(
        fs::read_to_string(foreign.join("precious.txt")).unwrap(),
        "mine"
    );
    assert!(!ours.exists(), "a marked leftover stays");
}

#[test]
fn a_refused_build_leaves_the_previous_site_byte_for_byte() {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    assert!(coursebook(&["build", "-q"], c.path()).status.success());
    let before = snapshot(&c.path().join("site"));
    symlink("/etc/hostname", c.path().join("content/host.txt")).unwrap();
    let out = coursebook(&["build"], c.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(snapshot(&c.path().join("site")), before);
}

#[test]
fn src_dot_does_not_copy_the_site_into_itself() {
    let c = course(&[
        ("book.toml", "[book]\ntitle = \"T\"\nsrc = \".\"\n"),
        ("a.md", "# A\n"),
    ]);
    for _ in 0..3 {
        let out = coursebook(&["build", "-q"], c.path());
        assert!(out.status.success(), "{}", text(&out));
    }
    assert!(c.path().join("site/a.html").is_file());
    assert!(
        !c.path().join("site/site").exists(),
        "the site was copied into itself"
    );
    let out = coursebook(&["build", "-q", "-d", "out"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(!c.path().join("out/out").exists());
    assert!(
        !c.path().join("out/site").exists(),
        "another built site became sources"
    );
}

#[test]
fn two_builds_into_one_folder_at_once_both_give_a_whole_site() {
    let mut files = vec![("book.toml".to_string(), BOOK.to_string())];
    for i in 0..200 {
        files.push((
            format!("content/l{i:03}.md"),
            format!("# Lesson {i}\n\ntext\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let c = course(&refs);
    for _ in 0..3 {
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_coursebook"))
                .args(["build", "-q"])
                .current_dir(c.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", text(&out));
        }
        let site = c.path().join("site");
        assert!(site.join("index.html").is_file());
        for i in 0..200 {
            assert!(
                site.join(format!("l{i:03}.html")).is_file(),
                "lesson {i} missing"
            );
        }
    }
    // No staging folder is left behind.
    let left: Vec<String> = fs::read_dir(c.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("coursebook-new") || n.contains("coursebook-old"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_bidirectional_control_character_is_a_warning_at_its_line() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\nok\n\nx = 1 \u{202e} // admin\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out)
            .contains("warning: content/a.md:5:7: a bidirectional control character (U+202E)"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_folder_where_a_quiz_or_the_glossary_should_be_is_an_error() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n"),
        ("content/a.quiz.yaml/x.txt", "x"),
        ("content/glossary.yaml/y.txt", "y"),
    ]);
    refused(
        c.path(),
        &[
            "content/a.quiz.yaml",
            "content/glossary.yaml",
            "not a regular file",
        ],
    );
}

#[test]
fn a_byte_order_mark_is_accepted_in_summary_and_yaml() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/SUMMARY.md", "\u{feff}# Summary\n\n- [A](a.md)\n"),
        ("content/a.md", "# A\n"),
        (
            "content/glossary.yaml",
            "\u{feff}- term: Model\n  definition: A function.\n",
        ),
    ]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn a_tolerance_that_is_not_finite_is_named_so() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n"),
        (
            "content/a.quiz.yaml",
            "questions:\n  - type: numeric\n    prompt: How many?\n    answer: 3\n    tolerance: \"inf%\"\n",
        ),
    ]);
    let all = refused(c.path(), &["content/a.quiz.yaml:5:", "not a finite number"]);
    assert!(!all.contains("negative"), "{all}");
}

#[test]
fn file_names_that_need_it_are_percent_encoded_in_links() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\n[next](b%20c%23.md)\n"),
        ("content/b c#.md", "# B\n"),
    ]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.contains("href=\"b%20c%23.html\""), "{html}");
    assert!(!html.contains("href=\"b c#.html\""), "{html}");
    assert!(c.path().join("site/b c#.html").is_file());
}

#[test]
fn raw_html_off_shows_html_as_text_and_refuses_script_links() {
    let book = "[book]\ntitle = \"T\"\n[output.html]\nraw-html = false\n";
    let c = course(&[
        ("book.toml", book),
        (
            "content/a.md",
            "# A\n\n<script>alert(1)</script>\n\nText <b onclick=\"x()\">bold</b>.\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("warning: content/a.md:3:1: raw HTML is shown as text"),
        "{}",
        text(&out)
    );
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b onclick"), "{html}");

    let c = course(&[
        ("book.toml", book),
        ("content/a.md", "# A\n\n[click](javascript:alert(1))\n"),
        (
            "content/a.quiz.yaml",
            "questions:\n  - type: true-false\n    prompt: \"<img src=x onerror=alert(1)> [x](javascript:alert(2))\"\n    answer: true\n",
        ),
    ]);
    refused(
        c.path(),
        &["content/a.md:3:1", "a link that runs a script is refused"],
    );

    // By default (as in mdBook) raw HTML passes through.
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\n<kbd>Ctrl</kbd>\n"),
    ]);
    assert!(coursebook(&["build", "-q"], c.path()).status.success());
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.contains("<kbd>Ctrl</kbd>"), "{html}");
}

#[test]
fn raw_html_off_reaches_quiz_text_too() {
    let book = "[book]\ntitle = \"T\"\n[output.html]\nraw-html = false\n";
    let c = course(&[
        ("book.toml", book),
        ("content/a.md", "# A\n"),
        (
            "content/a.quiz.yaml",
            "questions:\n  - type: true-false\n    prompt: \"Is <img src=x onerror=alert(1)> safe? [x](javascript:alert(2))\"\n    answer: true\n",
        ),
    ]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(
        html.contains("Is &lt;img src=x"),
        "the prompt is in the page, as text: {html}"
    );
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
}

/// With `raw-html = false`, a document among the sources that runs scripts when opened
/// (`demo.html`, an SVG with a script, however spelled) was published and a lesson's link to it
/// ran its script on the site's origin: each is an error at the file, and the build keeps the
/// previous site. A plain SVG is still an image of the course.
#[test]
fn raw_html_off_publishes_no_document_that_runs_scripts() {
    let book = "[book]\ntitle = \"T\"\n[output.html]\nraw-html = false\n";
    let c = course(&[
        ("book.toml", book),
        ("content/a.md", "# A\n\n![plain](plain.svg)\n"),
        (
            "content/plain.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>on time</text></svg>",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let before = fs::read(c.path().join("site/a.html")).unwrap();
    let lesson = "# A\n\n[demo](demo.html) ![plain](plain.svg) ![chart](chart.svg)\n";
    fs::write(c.path().join("content/a.md"), lesson).unwrap();
    for (name, body) in [
        ("content/demo.html", "<script>alert(1)</script>"),
        (
            "content/chart.svg",
            "<svg><a href=\"&#106;avascript:alert(1)\"><text>x</text></a></svg>",
        ),
        ("content/more/feed.XML", "<x/>"),
    ] {
        let path = c.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, body).unwrap();
    }
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    for line in [
        "error: content/demo.html: not published with `raw-html = false`: a `.html` file is a document a browser runs scripts in",
        "error: content/chart.svg: not published with `raw-html = false`: this SVG holds a script address (`javascript:`)",
        "error: content/more/feed.XML: not published with `raw-html = false`: a `.xml` file",
    ] {
        assert!(all.contains(line), "{line}\n{all}");
    }
    assert!(!all.contains("plain.svg"), "{all}");
    assert_eq!(fs::read(c.path().join("site/a.html")).unwrap(), before);
    assert!(!c.path().join("site/demo.html").exists());
    // Without the script, the course builds and its images are published.
    fs::remove_file(c.path().join("content/demo.html")).unwrap();
    fs::remove_file(c.path().join("content/more/feed.XML")).unwrap();
    fs::write(
        c.path().join("content/chart.svg"),
        "<svg><a href=\"#a\"><text>x</text></a></svg>",
    )
    .unwrap();
    fs::write(
        c.path().join("content/a.md"),
        "# A\n\n![plain](plain.svg) ![chart](chart.svg)\n",
    )
    .unwrap();
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    for name in ["plain.svg", "chart.svg"] {
        assert!(c.path().join("site").join(name).is_file(), "{name}");
    }
}

/// Red team, third pass: `# T {onclick=…}` was written into the heading's tag as an event
/// handler (`autofocus onfocus=…` ran with no click), with raw HTML refused.
#[test]
fn raw_html_off_drops_heading_attributes() {
    let book = "[book]\ntitle = \"T\"\n[output.html]\nraw-html = false\n";
    let c = course(&[
        ("book.toml", book),
        (
            "content/a.md",
            "# A {#top onclick=alert(1)}\n\n## B {.wide tabindex=1 autofocus onfocus=alert(2)}\n",
        ),
        (
            "content/glossary.yaml",
            "- term: Model\n  definition: \"# D {onmouseover=alert(3)}\"\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("warning: content/a.md:1:1: heading attributes (`onclick`) are dropped"),
        "{all}"
    );
    assert!(
        all.contains("content/a.md:3:1: heading attributes (`tabindex`, `autofocus`, `onfocus`)"),
        "{all}"
    );
    for page in ["a.html", "print.html", "glossary.html"] {
        let html = fs::read_to_string(c.path().join("site").join(page)).unwrap();
        assert!(!html.contains("alert("), "{page}: {html}");
    }
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.contains("<h1 id=\"top\">"), "{html}");
    assert!(html.contains("<h2 id=\"b\" class=\"wide\">"), "{html}");

    // With raw HTML allowed they are the author's markup, as in mdBook.
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\n## B {data-x=1}\n"),
    ]);
    assert!(coursebook(&["build", "-q"], c.path()).status.success());
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.contains("data-x=\"1\""), "{html}");
}

/// Red team, third pass: math-core writes `\operatorname{…}`'s text unescaped, so a formula
/// put an `<img onerror=…>` into the page (with raw HTML allowed or not).
#[test]
fn operatorname_cannot_write_markup() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\nFine: $\\operatorname{sgn}(x) < 0$.\n\n$\\operatorname{<img/src=x/onerror=alert(1)>}$\n",
        ),
    ]);
    let all = refused(c.path(), &["content/a.md:5:1", "markup of its own"]);
    assert!(!all.contains("content/a.md:3"), "{all}");
}

/// Red team, third pass: a quiz's hint and explanation (block Markdown) skipped the raw-HTML
/// filter, so `raw-html = false` let `<img onerror=…>` and `javascript:` links through.
#[test]
fn raw_html_off_reaches_quiz_hints_and_explanations() {
    let book = "[book]\ntitle = \"T\"\n[output.html]\nraw-html = false\n";
    let c = course(&[
        ("book.toml", book),
        ("content/a.md", "# A\n"),
        (
            "content/a.quiz.yaml",
            "questions:\n  - type: true-false\n    prompt: P\n    answer: true\n    hint: \"<img src=x onerror=alert(1)> [h](javascript:alert(2))\"\n    explanation: \"<img src=x onerror=alert(3)>\"\n",
        ),
    ]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
}

/// Red team, third pass: a lesson with CR-only line endings lost its front matter, links and
/// math without a word (the page became one heading), and messages all said line 1.
#[test]
fn cr_only_line_endings_count_as_lines() {
    let lesson = "\u{feff}---\rtitle: Old Mac\r---\r# A\r\rText [broken](nothere.md).\r\r{{#include part.inc}}\r";
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", lesson),
        ("content/part.inc", "one\rtwo [gone](gone.md)\r"),
    ]);
    let all = refused(
        c.path(),
        &[
            "content/a.md:6:6: broken link: `nothere.md`",
            "content/part.inc:2:5: broken link: `gone.md`",
        ],
    );
    assert_eq!(all.matches("broken link").count(), 2, "{all}");

    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "---\rtitle: Old Mac\r---\r# A\r\rText.\r\r{{#include bom.md}}\r",
        ),
        ("content/bom.md", "\u{feff}## Included\r\rMore.\r"),
    ]);
    assert!(coursebook(&["build", "-q"], c.path()).status.success());
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.contains("<title>Old Mac"), "{html}");
    assert!(html.contains("<p>Text.</p>"), "{html}");
    assert!(html.contains("<h2 id=\"included\">"), "{html}");
}

/// Red team, third pass: a formula that does not render in quiz text or a glossary definition
/// was shown as its LaTeX without a word (in a page it is an error at its line).
#[test]
fn math_that_fails_in_quizzes_and_the_glossary_is_a_warning_there() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\nA model.\n"),
        (
            "content/a.quiz.yaml",
            "questions:\n  - type: true-false\n    prompt: P\n    answer: true\n  - type: true-false\n    prompt: \"Bad $\\\\notacommand$ math\"\n    answer: true\n",
        ),
        (
            "content/glossary.yaml",
            "- term: Model\n  definition: A function.\n- term: Loss\n  definition: \"A $\\\\operatorname{<img>}$ number.\"\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains(
            "warning: content/a.quiz.yaml:5:5: cannot render math `\\notacommand` in this question, so it is shown as its LaTeX"
        ),
        "{all}"
    );
    assert!(
        all.contains("warning: content/glossary.yaml:3:3: cannot render math `\\operatorname{<img>}` in this entry"),
        "{all}"
    );
}

/// Unbalanced braces keep pulldown-cmark from seeing math at all, so the check of rendered
/// formulas never saw `$\frac{x$` in quiz or glossary text: it is found as in a page.
#[test]
fn unbalanced_braces_in_quiz_and_glossary_math_are_a_warning_there() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\nA model.\n"),
        (
            "content/a.quiz.yaml",
            "questions:\n  - type: true-false\n    prompt: \"Bad $\\\\frac{x$ math\"\n    answer: true\n",
        ),
        (
            "content/glossary.yaml",
            "- term: Model\n  definition: \"A $\\\\sqrt{x}}$ function, $5 and $6.\"\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains(
            "warning: content/a.quiz.yaml:2:5: cannot render math `\\frac{x` in this question, so it is shown as its LaTeX: its braces are unbalanced (1 `{` without a `}`)"
        ),
        "{all}"
    );
    assert!(
        all.contains("warning: content/glossary.yaml:1:3: cannot render math `\\sqrt{x}}` in this entry, so it is shown as its LaTeX: its braces are unbalanced (1 `}` without a `{`)"),
        "{all}"
    );
    assert_eq!(all.matches("cannot render math").count(), 2, "{all}");
}

#[test]
fn nul_bytes_never_reach_the_page() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\0B {#x\0y}\n\ntext \0 here\n\n## C\0D\n",
        ),
    ]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = fs::read(c.path().join("site/a.html")).unwrap();
    assert!(!html.contains(&0), "a NUL byte reached the page");
    assert!(String::from_utf8_lossy(&html).contains("text \u{fffd} here"));
}

/// A JavaScript block that syntect's parser looped on forever (found by `fuzz_highlight` when
/// coursebook highlighted with syntect): syntaxmate bounds its own work, so the block is
/// highlighted at once, its text whole, and the build succeeds without a warning.
#[test]
fn a_block_that_looped_the_old_highlighter_is_highlighted_at_once() {
    let code = format!(
        "@{{begin($(<?\"\"\"%>.#/0x1F*/=begin+1e5-}}%{{:<!----])%>-'''`'//%>-}}x\n{}\n<?.(*<!--def.^..?$(-\\end@\t::<!--/*+$ /*.::\\\\if|\\\"\\r#\"::a b[T](a.md \"title\")=>\n",
        "[".repeat(60)
    );
    let lesson =
        format!("# L\n\nText.\n\n```javascript\n{code}```\n\n```rust\nfn main() {{}}\n```\n");
    let c = course(&[("book.toml", BOOK), ("content/a.md", lesson.as_str())]);
    let started = Instant::now();
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(!all.contains("warning"), "{all}");
    let page = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(page.contains("[[[[[[[["), "the block's text is on the page");
    assert!(
        page.contains("<code class=\"language-javascript\"><span class=\"hl-"),
        "the JavaScript block is highlighted"
    );
    assert!(page.contains("hl-"), "the Rust block is still highlighted");
}

#[test]
fn includes_that_fan_out_are_bounded_by_their_count() {
    // Each file includes the next ten times: eight levels are 10^8 includes of a few bytes,
    // far under the size bound (at about 40 µs an include, hours); six took 42 s.
    let mut files: Vec<(String, String)> = (0..8)
        .map(|i| {
            (
                format!("content/i{i}.txt"),
                format!("{{{{#include i{}.txt}}}}\n", i + 1).repeat(10),
            )
        })
        .collect();
    files.push(("content/i8.txt".into(), "boom\n".into()));
    files.push(("content/a.md".into(), "# A\n\n{{#include i0.txt}}\n".into()));
    files.push(("book.toml".into(), BOOK.into()));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let c = course(&files);
    let started = Instant::now();
    let said = refused(c.path(), &["more than 10000 includes"]);
    assert!(said.contains("content/i7.txt:"), "{said}");
    assert!(started.elapsed() < Duration::from_secs(20), "{said}");
}

/// One file included by every page is read once but written into each: 160 one-line lessons
/// including one 1 MB file were 160 MB of pages (1,000 lessons and a 16 MB file, 16 GB in
/// memory). The course's includes are bounded in all, an error at the directive that passes.
#[test]
fn one_large_file_included_by_every_page_is_bounded_in_all() {
    let big = "let x = 1; // a line of a large source file included whole\n".repeat(18_000);
    let mut files: Vec<(String, String)> = (0..160)
        .map(|i| {
            (
                format!("content/l{i:03}.md"),
                format!("# L{i}\n\n{{{{#include big.rs}}}}\n"),
            )
        })
        .collect();
    files.push(("content/big.rs".into(), big));
    files.push(("book.toml".into(), BOOK.into()));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let c = course(&files);
    let said = refused(
        c.path(),
        &["the course's pages take in more than 128 MB by includes in all, passed here"],
    );
    assert!(
        said.contains(".md:3:1: the course's pages take in"),
        "{said}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_include_after_a_long_line_is_bounded_before_it_is_expanded() {
    // Every included line carries the text before the directive on its line (an include in a
    // list item stays in it): 200 KB before an include of 20,000 empty lines is 4 GB, and it
    // was all in memory before the 32 MB bound was checked (7.8 GB, 36 s; red team 4). Text
    // before is carried up to 256 bytes now: 250 bytes on 200,000 lines are still 50 MB.
    let lesson = format!("# A\n\n{} {{{{#include f.txt}}}}\n", "a".repeat(250));
    let lines = "\n".repeat(200_000);
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", lesson.as_str()),
        ("content/f.txt", lines.as_str()),
    ]);
    let child = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["build"])
        .current_dir(c.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (status, peak) = peak_memory_mb(child);
    assert_eq!(status.code(), Some(1));
    assert!(peak < 300, "the build took {peak} MB");
    let said = refused(c.path(), &["content/a.md:3:", "grows past 32 MB"]);
    assert!(!said.contains("64 MB"), "{said}");
}

#[test]
fn a_file_name_cannot_move_a_github_annotation() {
    // The runner reads an annotation's properties up to the next `::`: a lesson named
    // `a::warning file=x::b.md` put the error on `content/a`, its line lost (red team 4).
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a::warning file=x::b.md",
            "# A\n\n[broken](nope.md)\n",
        ),
    ]);
    let out = coursebook(&["check", "--format", "github"], c.path());
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let line = said
        .lines()
        .find(|l| l.starts_with("::error"))
        .unwrap_or_default();
    assert!(
        line.starts_with("::error file=content/a%3A%3Awarning file=x%3A%3Ab.md,line=3,col=1::"),
        "{said}"
    );
}

#[test]
fn a_refused_path_does_not_tell_whether_a_file_outside_exists() {
    // "leads outside" for /etc/passwd, "does not exist" for a file that is not there: a pull
    // request could map the CI machine's files from the build's messages (red team 5). Paths
    // are now refused at the first step out, before anything there is looked at.
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "---\nquiz: ../../../../../../../../etc/passwd\n---\n# A\n\n{{#include ../../../../../../../../etc/passwd}}\n",
        ),
        (
            "content/b.md",
            "---\nquiz: ../../../../../../../../etc/no-such-file\n---\n# B\n\n{{#include ../../../../../../../../etc/no-such-file}}\n",
        ),
    ]);
    let said = refused(c.path(), &["4 problems found"]);
    for (page, file) in [("a", "passwd"), ("b", "no-such-file")] {
        for line in [
            format!(
                "error: content/{page}.md:2:7: cannot read content/../../../../../../../../etc/{file}: it leads outside the course folder (to /etc/{file})"
            ),
            format!(
                "error: content/{page}.md:6:1: cannot include `../../../../../../../../etc/{file}`: it leads outside the course folder (to /etc/{file})"
            ),
        ] {
            assert!(said.contains(&line), "missing {line:?} in:\n{said}");
        }
    }
}

#[test]
fn a_github_annotation_carries_no_control_character() {
    // An ESC in a fence's language reached the runner's log raw in `--format github` (the
    // human output wrote it `\u{1b}`): it could colour or clear the log (red team 5).
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\n```lang-\u{1b}[31m\ncode\n```\n"),
    ]);
    let out = coursebook(&["check", "--format", "github"], c.path());
    let said = text(&out);
    assert!(
        said.contains("::warning file=content/a.md,line=3,col=1::"),
        "{said}"
    );
    // A lesson's control characters are now U+FFFD before anything reads the lesson, with a
    // warning of their own (highlighting audit).
    assert!(said.contains("lang-\u{fffd}[31m"), "{said}");
    assert!(
        said.contains("::warning file=content/a.md,line=3,col=9::a control character (U+001B)"),
        "{said}"
    );
    assert!(!said.contains('\u{1b}'), "{said}");
}

#[test]
fn a_cache_dir_through_a_link_inside_is_judged_where_it_leads() {
    // `cache-dir = "lnk/cache"` with `lnk -> content` passed the checks, made on the path as
    // written, and the next build published the cache's segment as `site/cache/…` (the theme
    // likewise); `lnk -> .git` wrote into the repository's folder (red team 4).
    for (target, why) in [
        ("content", "inside the course's sources"),
        ("theme", "inside the theme folder"),
        (".git", "inside `.git`"),
        ("site", "inside the built site"),
    ] {
        let book =
            format!("{BOOK}[build]\ncache-dir = \"lnk/cache\"\n[output.html]\ntheme = \"theme\"\n");
        let c = course(&[
            ("book.toml", book.as_str()),
            ("content/a.md", "# A\n\n```rust\nfn main() {}\n```\n"),
            ("theme/.keep", ""),
            (".git/HEAD", ""),
            ("site/.coursebook", ""),
        ]);
        symlink(target, c.path().join("lnk")).unwrap();
        let out = coursebook(&["build"], c.path());
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{target}: {said}");
        assert!(
            said.contains("book.toml:4:1: `cache-dir` is refused: a link takes it"),
            "{target}: {said}"
        );
        assert!(said.contains(why), "{target}: {said}");
        assert!(
            !c.path().join(target).join("cache").exists(),
            "{target}: the cache was written"
        );
    }
    // A link to nothing yet is no better.
    let book = format!("{BOOK}[build]\ncache-dir = \"lnk/cache\"\n");
    let c = course(&[("book.toml", book.as_str()), ("content/a.md", "# A\n")]);
    symlink("site", c.path().join("lnk")).unwrap();
    let said = refused(c.path(), &["a link that leads nowhere"]);
    assert!(said.contains("book.toml:4:1"), "{said}");
}

#[test]
fn quizzes_glossary_and_summary_in_hidden_folders_are_not_read() {
    // Red team 4: front matter `quiz: ../.env.d/q.yaml` built, its prompt in a.html, print.html
    // and the search index; `glossary = "../.env"` was parsed (its keys named in errors); and
    // a SUMMARY.md linked to `.git/config` was refused by the walk, then read anyway, each line
    // quoted in an error (the CI token in the log).
    let quiz = "questions:\n  - type: text\n    prompt: \"TOP-SECRET-VALUE\"\n    answers: [x]\n";
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "---\ntitle: A\nquiz: ../.env.d/q.yaml\n---\n# A\n",
        ),
        (".env.d/q.yaml", quiz),
    ]);
    let said = refused(c.path(), &["content/a.md:3:", "hidden"]);
    assert!(!said.contains("TOP-SECRET"), "{said}");
    no_secret_published(c.path());

    let book = format!("{BOOK}[course]\nglossary = \"../.env\"\n");
    let c = course(&[
        ("book.toml", book.as_str()),
        ("content/a.md", "# A\n"),
        (".env", "API_KEY: TOP-SECRET-VALUE\n"),
    ]);
    let said = refused(c.path(), &["hidden"]);
    assert!(!said.contains("API_KEY"), "{said}");

    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n"),
        (
            ".git/config",
            "[http]\n\textraheader = AUTHORIZATION: basic TOP-SECRET-VALUE\n",
        ),
    ]);
    symlink("../.git/config", c.path().join("content/SUMMARY.md")).unwrap();
    let said = refused(c.path(), &["content/SUMMARY.md", "hidden"]);
    assert!(!said.contains("TOP-SECRET"), "{said}");
}

#[test]
fn addresses_files_and_the_language_written_on_every_page_are_bounded() {
    // Red team 5: a 1 MB `edit-url-template` or `site-url`, a 1 MB language tag of
    // eight-letter subtags and 5,000 `additional-css` files made 100 lessons a 79–133 MB site.
    let css: Vec<String> = (0..101).map(|i| format!("\"c{i}.css\"")).collect();
    let book = format!(
        "[book]\ntitle = \"T\"\nlanguage = \"en{}\"\n[output.html]\nedit-url-template = \"https://e.org/{}\"\nadditional-css = [{}]\n",
        "-abcdefgh".repeat(4),
        "x".repeat(2_049),
        css.join(", ")
    );
    let mut files: Vec<(String, String)> = (0..101)
        .map(|i| (format!("c{i}.css"), String::new()))
        .collect();
    files.push(("book.toml".into(), book));
    files.push(("content/a.md".into(), "# A\n".into()));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let c = course(&files);
    let said = refused(
        c.path(),
        &[
            "book.toml:3:1: language = \"en-abcdefgh",
            "book.toml:5:1: `edit-url-template` is 2063 bytes long",
            "book.toml:6:1: `additional-css` names 101 files",
        ],
    );
    assert!(said.contains("3 problems found"), "{said}");
}

#[test]
fn a_book_title_or_description_shown_on_every_page_is_bounded() {
    // Red team 4: a 5 MB title and description in book.toml and 100 one-line lessons made a
    // 2.6 GB site in 26 s: both are written on every page.
    let book = format!(
        "[book]\ntitle = \"{}\"\nauthors = [\"{}\"]\ndescription = \"{}\"\n",
        "T".repeat(1_001),
        "A".repeat(1_000),
        "D".repeat(10_001)
    );
    let c = course(&[("book.toml", book.as_str()), ("content/a.md", "# A\n")]);
    let said = refused(
        c.path(),
        &[
            "book.toml:2:1: `title` is 1001 characters long",
            "book.toml:3:1: `authors` is",
            "book.toml:4:1: `description` is 10001 characters long",
        ],
    );
    assert!(said.contains("3 problems found"), "{said}");
    // Long but bounded ones are fine.
    let book = format!(
        "[book]\ntitle = \"{}\"\ndescription = \"{}\"\n",
        "T".repeat(1_000),
        "D".repeat(10_000)
    );
    let c = course(&[("book.toml", book.as_str()), ("content/a.md", "# A\n")]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
}

/// Red team 6: `build-dir = ".git/hooks"` (empty in a clone without hook samples) took the
/// course's asset `post-checkout`, mode and all, and the CI's next `git checkout` ran it;
/// `.git/objects/info` took `alternates`. A hidden folder is never the site's, as written or
/// through a link.
#[test]
fn a_build_dir_in_a_hidden_folder_is_refused() {
    let c = course(&[
        ("content/a.md", "# A\n"),
        ("content/post-checkout", "#!/bin/sh\necho HOOK-RAN\n"),
    ]);
    fs::create_dir_all(c.path().join(".git/hooks")).unwrap();
    fs::create_dir_all(c.path().join(".git/objects/info")).unwrap();
    symlink(c.path().join(".git"), c.path().join("g")).unwrap();
    for dir in [
        ".git/hooks",
        ".git/objects/info",
        "g/hooks",
        ".github/workflows",
        "./.site",
    ] {
        let book = format!("[book]\ntitle = \"Hostile\"\n[build]\nbuild-dir = \"{dir}\"\n");
        fs::write(c.path().join("book.toml"), book).unwrap();
        let out = coursebook(&["build"], c.path());
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{dir}: {said}");
        assert!(
            said.contains("book.toml:4:1: `build-dir` is refused")
                && said.contains("hidden folder"),
            "{dir}: {said}"
        );
    }
    assert!(!c.path().join(".git/hooks/post-checkout").exists());
    assert_eq!(
        fs::read_dir(c.path().join(".git/objects/info"))
            .unwrap()
            .count(),
        0
    );
    assert!(!c.path().join(".github").exists() && !c.path().join(".site").exists());
    // A folder whose name only holds a dot is fine.
    fs::write(
        c.path().join("book.toml"),
        "[book]\ntitle = \"Hostile\"\n[build]\nbuild-dir = \"out/site.v2\"\n",
    )
    .unwrap();
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(c.path().join("out/site.v2/a.html").exists());
}

#[test]
fn a_build_dir_outside_the_course_is_refused_unless_the_command_line_names_it() {
    let outside = secret();
    let target = outside.path().join("site");
    let book = format!(
        "[book]\ntitle = \"Hostile\"\n[build]\nbuild-dir = \"{}\"\n",
        target.display()
    );
    let c = course(&[("book.toml", book.as_str()), ("content/a.md", "# A\n")]);
    let out = coursebook(&["build"], c.path());
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("book.toml:4:1: `build-dir` is refused"),
        "{said}"
    );
    assert!(!target.exists(), "nothing written outside");
    for dir in ["../../elsewhere", "lnk/site"] {
        symlink(outside.path(), c.path().join("lnk")).ok();
        let book = format!("[book]\ntitle = \"Hostile\"\n[build]\nbuild-dir = \"{dir}\"\n");
        fs::write(c.path().join("book.toml"), book).unwrap();
        let out = coursebook(&["build"], c.path());
        assert_eq!(out.status.code(), Some(1), "{dir}: {}", text(&out));
        assert!(
            text(&out).contains("`build-dir` is refused"),
            "{}",
            text(&out)
        );
    }
    assert!(!outside.path().join("site").exists());
    // The CI's own choice, on the command line, is followed.
    let dest = tempfile::tempdir().unwrap();
    let out = coursebook(
        &[
            "build",
            "--dest-dir",
            dest.path().join("s").to_str().unwrap(),
        ],
        c.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(dest.path().join("s/a.html").exists());
}

#[test]
fn an_empty_planted_marker_does_not_make_a_folder_replaceable() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"Hostile\"\n[build]\nbuild-dir = \"victim\"\n",
        ),
        ("content/a.md", "# A\n"),
        ("victim/important.txt", "keep"),
        ("victim/.coursebook", ""),
    ]);
    let out = coursebook(&["build"], c.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("was not made by coursebook"),
        "{}",
        text(&out)
    );
    assert_eq!(
        fs::read_to_string(c.path().join("victim/important.txt")).unwrap(),
        "keep"
    );
}

/// math-core's parser recurses once per `\left…\right` and `\begin…\end` level: 40,000 of them
/// overflowed the stack (exit 134) and 20,000 built silently. Both are now the nesting error at
/// the formula's line.
#[test]
fn deep_left_right_and_environments_in_math_are_an_error_not_a_crash() {
    for n in [20_000, 40_000] {
        for (open, close) in [
            (r"\left(", r"\right)"),
            (r"\begin{matrix}", r"\end{matrix}"),
        ] {
            let lesson = format!("# A\n\n$${}x{}$$\n", open.repeat(n), close.repeat(n));
            let c = course(&[("book.toml", BOOK), ("content/a.md", lesson.as_str())]);
            refused(
                c.path(),
                &[
                    "content/a.md:3:",
                    &format!("the formula nests {}", n / 1000),
                    "levels deep; coursebook renders at most 100",
                ],
            );
        }
    }
}

/// pulldown-cmark matched every open blockquote on every line: `>` × 400,000 took 5 s and
/// `> - ` × 400,000 took 20 s. Past 100 levels the lesson is refused at the line, in a moment.
#[test]
fn blockquotes_and_lists_nested_past_100_are_refused_quickly() {
    for marker in [">", "> - "] {
        let lesson = format!("# A\n\nText.\n\n{} x\n", marker.repeat(400_000));
        let c = course(&[("book.toml", BOOK), ("content/a.md", lesson.as_str())]);
        let started = Instant::now();
        refused(
            c.path(),
            &[
                "content/a.md:5:1",
                "blockquotes and lists nested more than 100 deep",
            ],
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }
    // A hundred levels are still fine.
    let lesson = format!("# A\n\n{} x\n", ">".repeat(100));
    let c = course(&[("book.toml", BOOK), ("content/a.md", lesson.as_str())]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
}

/// pulldown-cmark's tree of a page is ~56 bytes a node: 5 MB of `` `a` `` took 563 MB, of
/// one-letter paragraphs 350 MB. Past a million lines and markup characters a page is refused at
/// the line where it passes them, included text at its own file and line; prose is not counted.
#[test]
fn pages_too_dense_to_parse_are_refused_at_their_line() {
    for dense in ["`a` ".repeat(300_000), "a\n\n".repeat(300_000)] {
        let lesson = format!("# A\n\nText.\n\n{dense}\n");
        let c = course(&[("book.toml", BOOK), ("content/a.md", lesson.as_str())]);
        let started = Instant::now();
        let all = refused(
            c.path(),
            &[
                "content/a.md:",
                "more than 500000 lines and markup characters",
            ],
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
        assert!(!all.contains("content/a.md:1:"), "{all}");
    }
    let dense = "*a* ".repeat(300_000);
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\nIntro.\n\n{{#include part.txt}}\n"),
        ("content/part.txt", dense.as_str()),
    ]);
    refused(
        c.path(),
        &[
            "content/part.txt:1:",
            "more than 500000 lines and markup characters",
        ],
    );
    // 3 MB of prose, past the bound in bytes, builds.
    let prose = "The model learns a weight from the data. ".repeat(75_000);
    let lesson = format!("# A\n\n{prose}\n");
    let c = course(&[("book.toml", BOOK), ("content/a.md", lesson.as_str())]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
}

/// Math with unbalanced braces is not math to pulldown-cmark, so it was published as literal
/// text with no word; it is now the math error at its line. Prices and `\$` stay text.
#[test]
fn math_with_unbalanced_braces_is_an_error_at_its_line() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\nbad $\\frac{x$ here\n\n$$\n\\frac{}{\n$$\n\nok $5 and $6, \\$a{ and \\$b, $x^{2}$.\n",
        ),
    ]);
    let all = refused(
        c.path(),
        &[
            "content/a.md:3:5: cannot render math `\\frac{x`: its braces are unbalanced",
            "content/a.md:5:1: cannot render math",
        ],
    );
    assert!(!all.contains("content/a.md:9"), "{all}");
}

/// A `{#id}` given twice made two elements with one `id`, silently. The repeat is a warning at
/// its line naming the first, and gets a unique suffix; `#same` still reaches the first. 30,000
/// repeats stay fast.
#[test]
fn a_repeated_heading_id_is_a_warning_and_made_unique() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\n## A {#same}\n\n## B {#same}\n\n[to A](#same)\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains(
            "warning: content/a.md:5:1: the id `same` is already used on this page at content/a.md:3"
        ),
        "{all}"
    );
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.contains("id=\"same\""), "{html}");
    assert!(html.contains("id=\"same-1\""), "{html}");
    // The first one brought in by an include is named at its own file and line (the message
    // counted the expanded page's lines).
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\nIntro.\n\n{{#include part.txt}}\n\n## B {#same}\n",
        ),
        ("content/part.txt", "x\n\n## A {#same}\n"),
    ]);
    let all = text(&coursebook(&["build"], c.path()));
    assert!(
        all.contains(
            "warning: content/a.md:7:1: the id `same` is already used on this page at content/part.txt:3"
        ),
        "{all}"
    );

    let lesson = format!("# A\n\n{}", "## H {#same}\n\n".repeat(30_000));
    let c = course(&[("book.toml", BOOK), ("content/a.md", lesson.as_str())]);
    let started = Instant::now();
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.contains("id=\"same-29999\""));
}

/// A lesson whose file name holds a newline and a GitHub workflow command: the human-readable
/// report shows the name escaped, on the diagnostic's one line, so no line of the log is the
/// command.
#[test]
fn a_file_name_with_a_newline_cannot_start_a_line_of_the_log() {
    let name = "content/02-x\n::error file=INJECTED,line=1::pwned\n.md";
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n"),
        (name, "# X\n\n[broken](nowhere.md)\n"),
    ]);
    let out = coursebook(&["check"], c.path());
    let all = text(&out);
    assert!(!all.contains("panicked"), "{all}");
    assert!(
        all.contains("02-x\\n::error file=INJECTED,line=1::pwned\\n.md"),
        "the name is shown escaped: {all}"
    );
    assert!(
        !all.lines().any(|l| l.starts_with("::error")),
        "a line of the log is a workflow command: {all}"
    );
}

/// NUL and other control characters written with YAML and TOML escapes are replaced before they
/// reach a page (title, header, footer), with a warning at the key's line.
#[test]
fn control_characters_in_front_matter_and_book_toml_never_reach_the_page() {
    let c = course(&[
        ("book.toml", "[book]\ntitle = \"R\\u0000T\\u001b[31m\"\n"),
        (
            "content/a.md",
            "---\ndescription: d\ntitle: \"A\\0B\\u202eC\"\n---\n\ntext\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("book.toml:2:1"), "{all}");
    assert!(all.contains("content/a.md:3:1"), "{all}");
    for entry in walkdir::WalkDir::new(c.path().join("site")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = fs::read_to_string(entry.path()).unwrap();
            assert!(
                !html.contains(['\0', '\u{1b}', '\u{202e}']),
                "{}",
                entry.path().display()
            );
        }
    }
    let page = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(page.contains("A\u{fffd}B"), "{page}");
}

/// The same from a quiz file, an inline quiz and the glossary: replaced before the page and the
/// search index, with a warning at the question or entry.
#[test]
fn control_characters_in_quizzes_and_the_glossary_never_reach_the_site() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\nModels.\n\n```quiz\nquestions:\n  - type: true-false\n    prompt: \"In\\x01line\\u2067\"\n    answer: true\n```\n",
        ),
        (
            "content/a.quiz.yaml",
            "questions:\n  - type: text\n    prompt: \"P\\0Q\\u202eR\"\n    answers: [\"x\\x1b\"]\n    hint: \"h\\x7f\"\n",
        ),
        (
            "content/glossary.yaml",
            "- term: \"Mo\\u202edel\"\n  definition: \"A\\0B\"\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    for at in [
        "content/a.md:7:5",
        "content/a.quiz.yaml:2:5",
        "content/glossary.yaml:1:3",
    ] {
        assert!(all.contains(&format!("warning: {at}:")), "{at}: {all}");
    }
    let bad = |c: char| {
        (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || "\u{202e}\u{2067}".contains(c)
    };
    for entry in walkdir::WalkDir::new(c.path().join("site")) {
        let entry = entry.unwrap();
        if entry
            .path()
            .extension()
            .is_some_and(|e| e == "html" || e == "json")
        {
            let file = fs::read_to_string(entry.path()).unwrap();
            assert!(!file.contains(bad), "{}", entry.path().display());
        }
    }
    let page = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(page.contains("P\u{fffd}Q\u{fffd}R"), "{page}");
}

/// A `javascript:` (or `data:`, `vbscript:`) address in book.toml would be a link on every page:
/// refused at its line, with raw HTML off or on.
#[test]
fn script_addresses_in_book_toml_are_refused_at_their_line() {
    for (key, url) in [
        ("edit-url-template", "javascript:alert('{path}')"),
        ("git-repository-url", " JavaScript:alert(1)"),
        ("git-repository-url", "data:text/html,x"),
        ("edit-url-template", "vbscript:x"),
    ] {
        let book =
            format!("[book]\ntitle = \"T\"\n[output.html]\nraw-html = false\n{key} = \"{url}\"\n");
        let c = course(&[("book.toml", book.as_str()), ("content/a.md", "# A\n")]);
        refused(c.path(), &["book.toml:5:1", key]);
    }
    let book = "[book]\ntitle = \"T\"\n[output.html]\ngit-repository-url = \"https://x.org/r\"\nedit-url-template = \"https://x.org/r/edit/{path}\"\n";
    let c = course(&[("book.toml", book), ("content/a.md", "# A\n")]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
}

/// A book.toml that is not UTF-8 is an error at the bad byte's line and column, not "run
/// coursebook in a course folder"; a lesson's likewise.
#[test]
fn a_book_toml_that_is_not_utf8_is_an_error_at_the_byte() {
    let c = course(&[("content/a.md", "# A\n")]);
    fs::write(c.path().join("book.toml"), b"[book]\ntitle = \"T\xff\"\n").unwrap();
    let all = refused(c.path(), &["book.toml:2:11", "not UTF-8"]);
    assert!(!all.contains("course folder"), "{all}");
    let c = course(&[("book.toml", BOOK), ("content/b.md", "# B\n")]);
    fs::write(c.path().join("content/a.md"), b"# A\n\nx\xfe\n").unwrap();
    refused(c.path(), &["content/a.md:3:2", "not valid UTF-8"]);
}

#[test]
fn a_missing_input_404_and_a_summary_folder_are_said() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"Hostile\"\n[output.html]\ninput-404 = \"nowhere.md\"\n",
        ),
        ("content/a.md", "# A\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("warning: book.toml:4:1: `input-404` names `nowhere.md`"),
        "{}",
        text(&out)
    );
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n"),
        ("content/SUMMARY.md/x.txt", "not a summary"),
    ]);
    refused(c.path(), &["content/SUMMARY.md: SUMMARY.md is a folder"]);
}

#[test]
fn a_glossary_path_outside_is_refused_at_its_line_before_it_is_looked_at() {
    let outside = secret();
    let book = format!(
        "[book]\ntitle = \"Hostile\"\n[course]\nglossary = \"{}\"\n",
        outside.path().join("secret.txt").display()
    );
    let c = course(&[("book.toml", book.as_str()), ("content/a.md", "# A\n")]);
    refused(c.path(), &["book.toml:4:1: `glossary` is refused"]);
    fs::write(
        c.path().join("book.toml"),
        "[book]\ntitle = \"Hostile\"\n[course]\nglossary = \"../../g.yaml\"\n",
    )
    .unwrap();
    refused(c.path(), &["book.toml:4:1: `glossary` is refused"]);
}

#[test]
fn a_summary_link_outside_the_sources_is_refused_without_looking_outside() {
    let outside = secret();
    let summary = format!(
        "# Summary\n\n- [A](a.md)\n- [S](../../x.md)\n- [T]({})\n",
        outside.path().join("secret.txt").display()
    );
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n"),
        ("content/SUMMARY.md", summary.as_str()),
    ]);
    let said = refused(
        c.path(),
        &[
            "content/SUMMARY.md:4:3: `../../x.md` is outside the course's source folder",
            "content/SUMMARY.md:5:3: ",
        ],
    );
    assert!(said.contains("2 problems"), "{said}");
}

#[test]
fn each_refused_redirect_is_reported_at_its_own_line() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"Hostile\"\n[output.html.redirect]\n\"/ok.html\" = \"a.html\"\n\"../../out.html\" = \"a.html\"\n'/a.html' = \"b.html\"\n",
        ),
        ("content/a.md", "# A\n"),
    ]);
    refused(
        c.path(),
        &[
            "book.toml:5:1: redirect: `../../out.html` is not a path of the site",
            "book.toml:6:1: redirect: `/a.html` is a page of the course",
        ],
    );
}

/// Red team, second pass: a lesson named like a URL scheme became a script link
/// (`href="javascript:alert(1).html"`) in every sidebar, the contents and the search index,
/// even with raw HTML refused.
#[test]
fn a_file_named_like_a_script_address_is_never_a_script_link() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\nraw-html = false\n",
        ),
        ("content/javascript:alert(1).md", "# X\n\nhello\n"),
        ("content/javascript:alert(2)/index.md", "# Z\n"),
        ("content/02-y.md", "# Y\n\nsee the sidebar\n"),
    ]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let mut links = 0;
    for entry in walkdir::WalkDir::new(c.path().join("site")) {
        let entry = entry.unwrap();
        if entry
            .path()
            .extension()
            .is_some_and(|e| e == "html" || e == "json")
        {
            let file = fs::read_to_string(entry.path()).unwrap();
            for quote in ["\"javascript:", "'javascript:", "\"./javascript:"] {
                assert!(!file.contains(quote), "{}", entry.path().display());
            }
            links += file.matches("javascript%3Aalert(1).html").count();
        }
    }
    assert!(links > 3, "the page is still linked, encoded ({links})");
}

/// `site-url = "/\\evil.example/"` made 404.html load its scripts from another host (browsers
/// read `\` as `/`).
#[test]
fn a_site_url_with_a_backslash_is_refused_at_its_line() {
    for url in ["/\\\\evil.example/", "\\\\\\\\evil.example/"] {
        let book = format!("[book]\ntitle = \"T\"\n[output.html]\nsite-url = \"{url}\"\n");
        let c = course(&[("book.toml", book.as_str()), ("content/a.md", "# A\n")]);
        refused(c.path(), &["book.toml:4:1", "`site-url` holds a backslash"]);
    }
}

/// Red team, third pass: browsers drop tabs and line breaks from URLs, so `site-url =
/// "/\t/evil.example/"` made 404.html load `//evil.example/theme/js/book.js`; serve put a CR LF in
/// it into its redirect as headers.
#[test]
fn a_site_url_with_a_control_character_is_refused_at_its_line() {
    for url in [
        "/\\t/evil.example/",
        "/a\\r\\nX-Evil: 1/",
        "/\\n/evil.example/",
    ] {
        let book = format!("[book]\ntitle = \"T\"\n[output.html]\nsite-url = \"{url}\"\n");
        let c = course(&[("book.toml", book.as_str()), ("content/a.md", "# A\n")]);
        refused(
            c.path(),
            &["book.toml:4:1", "`site-url` holds a control character"],
        );
    }
}

/// Red team, third pass: `{{#include ../.git/config}}` put the checkout's token into the page,
/// print.html and the search index, and `theme = ".git"` published it as `theme/config`.
#[test]
fn hidden_files_are_never_included_nor_a_theme() {
    let git_config = "[http]\nextraheader = AUTHORIZATION: basic TOP-SECRET-VALUE\n";
    for (directive, at) in [
        ("{{#include ../.git/config}}", "content/a.md:3:1"),
        (
            "```rust\n{{#rustdoc_include ../.env}}\n```",
            "content/a.md:4:1",
        ),
        ("{{#include link.txt}}", "content/a.md:3:1"),
    ] {
        let lesson = format!("# A\n\n{directive}\n");
        let c = course(&[
            ("book.toml", BOOK),
            ("content/a.md", lesson.as_str()),
            (".git/config", git_config),
            (".env", "TOKEN=TOP-SECRET-VALUE\n"),
        ]);
        symlink(
            c.path().join(".git/config"),
            c.path().join("content/link.txt"),
        )
        .unwrap();
        let all = refused(c.path(), &[at, "hidden"]);
        assert!(!all.contains("TOP-SECRET"), "{all}");
    }
    for theme in [".git", "th"] {
        let book = format!("[book]\ntitle = \"T\"\n[output.html]\ntheme = \"{theme}\"\n");
        let c = course(&[
            ("book.toml", book.as_str()),
            ("content/a.md", "# A\n"),
            (".git/config", git_config),
        ]);
        symlink(c.path().join(".git"), c.path().join("th")).unwrap();
        refused(c.path(), &["book.toml:4:1", "`theme` is refused", "hidden"]);
        no_secret_published(c.path());
    }
}

/// Red team, third pass: links inside the course that lead into `.git` (an asset, a folder of
/// assets, the file `additional-css` names) and `src = ".git"` published `.git/config`.
#[test]
fn links_into_hidden_folders_are_not_published() {
    let git_config = "[http]\nextraheader = AUTHORIZATION: basic TOP-SECRET-VALUE\n";
    let css = "[book]\ntitle = \"T\"\n[output.html]\nadditional-css = [\"style.css\"]\n";
    for (book, link, to, needles) in [
        (
            BOOK,
            "content/asset.txt",
            "../.git/config",
            &["content/asset.txt", "hidden"][..],
        ),
        (
            BOOK,
            "content/img",
            "../.git",
            &["content/img", "hidden"][..],
        ),
        (
            css,
            "style.css",
            ".git/config",
            &["book.toml:4:1", "style.css", "hidden"][..],
        ),
        (
            "[book]\ntitle = \"T\"\nsrc = \".git\"\n",
            "unused",
            ".git",
            &[".git", "hidden"][..],
        ),
    ] {
        let c = course(&[
            ("book.toml", book),
            ("content/a.md", "# A\n"),
            (".git/config", git_config),
        ]);
        symlink(to, c.path().join(link)).unwrap();
        refused(c.path(), needles);
        no_secret_published(c.path());
    }
}

/// Red team, third pass: `{{#include ../site/a.html}}` took in the previous build's page, which
/// held the one before: twice in a page, the site grew 2.3 times a build.
#[test]
fn the_built_site_is_never_included() {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    assert!(coursebook(&["build", "-q"], c.path()).status.success());
    let before = fs::read(c.path().join("site/a.html")).unwrap();
    fs::write(
        c.path().join("content/a.md"),
        "# A\n\n```\n{{#include ../site/a.html}}\n```\n",
    )
    .unwrap();
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("content/a.md:4:1: cannot include `../site/a.html`: it is inside a site coursebook built"),
        "{all}"
    );
    assert_eq!(fs::read(c.path().join("site/a.html")).unwrap(), before);
}

/// `additional-css = [".git/config"]` published the checkout's token; `.env` its secrets.
#[test]
fn hidden_files_are_never_published_as_additional_files() {
    for (key, path) in [("additional-css", ".git/config"), ("additional-js", ".env")] {
        let book = format!("[book]\ntitle = \"T\"\n[output.html]\n{key} = [\"{path}\"]\n");
        let c = course(&[
            ("book.toml", book.as_str()),
            ("content/a.md", "# A\n"),
            (
                ".git/config",
                "[http]\nextraheader = AUTHORIZATION: basic c2VjcmV0\n",
            ),
            (".env", "TOKEN=secret\n"),
        ]);
        refused(c.path(), &["book.toml:4:1", path, "hidden"]);
    }
    // An ordinary file is still published, linked with its name encoded.
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\nadditional-css = [\"x#y.css\"]\n",
        ),
        ("content/a.md", "# A\n"),
        ("x#y.css", "p {}\n"),
    ]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        fs::read_to_string(c.path().join("site/a.html"))
            .unwrap()
            .contains("href=\"x%23y.css?v=")
    );
}

/// A file listed 10,000 times in `additional-css` was 10,000 links on every page, silently:
/// now linked once, with one warning at the key.
#[test]
fn a_repeated_additional_file_is_linked_once_with_one_warning() {
    let list = vec!["\"style.css\""; 10_000].join(", ");
    let book = format!(
        "[book]\ntitle = \"T\"\n[output.html]\nadditional-css = [{list}, \"other.css\", \"other.css\"]\n"
    );
    let c = course(&[
        ("book.toml", book.as_str()),
        ("content/a.md", "# A\n"),
        ("style.css", "p {}\n"),
        ("other.css", "a {}\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert_eq!(
        said.matches("`style.css` is listed more than once; it is linked once")
            .count(),
        1,
        "{said}"
    );
    assert_eq!(
        said.matches("`other.css` is listed more than once").count(),
        1,
        "{said}"
    );
    assert!(
        said.contains("warning: book.toml:4:1: additional-css:"),
        "{said}"
    );
    let page = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert_eq!(page.matches("href=\"style.css?v=").count(), 1);
    assert_eq!(page.matches("href=\"other.css?v=").count(), 1);
}

/// `theme = "site"` or `"."` published the previous site inside the new one, one level deeper
/// each build; a cache folder in the theme was published with it.
#[test]
fn a_theme_that_holds_the_site_or_the_course_is_refused_even_through_links() {
    for (theme, why) in [
        (".", "the course folder itself"),
        ("site", "holds the built site"),
        ("site/theme", "holds the built site"),
    ] {
        let book = format!("[book]\ntitle = \"T\"\n[output.html]\ntheme = \"{theme}\"\n");
        let c = course(&[
            ("book.toml", book.as_str()),
            ("content/a.md", "# A\n"),
            ("site/theme/x.css", "p {}\n"),
        ]);
        let out = coursebook(&["build"], c.path());
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{theme}: {all}");
        assert!(
            all.contains("book.toml:4:1") && all.contains(why),
            "{theme}: {all}"
        );
    }
    // The same through links (red team 5): `th` → `content` published the quizzes' answer keys;
    // `l/../..` with `l` → `d/e` was the course folder, copied into the site deeper each build.
    for (theme, why) in [
        ("th", "holds the course's sources"),
        ("l/../..", "the course folder itself"),
    ] {
        let book = format!("[book]\ntitle = \"T\"\n[output.html]\ntheme = \"{theme}\"\n");
        let c = course(&[
            ("book.toml", book.as_str()),
            ("content/a.md", "# A\n"),
            (
                "content/a.quiz.yaml",
                "questions:\n  - type: true-false\n    prompt: P\n    answer: true\n",
            ),
            ("d/e/x.css", "p {}\n"),
        ]);
        std::os::unix::fs::symlink("content", c.path().join("th")).unwrap();
        std::os::unix::fs::symlink("d/e", c.path().join("l")).unwrap();
        let out = coursebook(&["build"], c.path());
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{theme}: {all}");
        assert!(
            all.contains("book.toml:4:1") && all.contains(why),
            "{theme}: {all}"
        );
        assert!(!c.path().join("site").exists(), "{theme}");
    }
    for (dir, why) in [
        ("th", "theme folder"),
        (".git", "inside `.git`"),
        (".", "not the course folder"),
    ] {
        let book = format!(
            "[book]\ntitle = \"T\"\n[build]\ncache-dir = \"{dir}\"\n[output.html]\ntheme = \"th\"\n"
        );
        let c = course(&[
            ("book.toml", book.as_str()),
            ("content/a.md", "```rust\nfn main() {}\n```\n"),
            ("th/x.css", "p {}\n"),
        ]);
        refused(c.path(), &["book.toml:4:1", "`cache-dir` is refused", why]);
    }
}

/// A folder's index.md and README.md both became index.html: one was silently dropped.
#[test]
fn an_index_and_a_readme_in_one_folder_are_an_error() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a/index.md", "# Index\n"),
        ("content/a/README.md", "# Readme\n"),
        ("content/index.md", "# Home\n"),
        ("content/README.md", "# Home too\n"),
    ]);
    refused(
        c.path(),
        &[
            "content/a/README.md: this page and content/a/index.md would both be written to a/index.html",
            "content/README.md: this page and content/index.md would both be written to index.html",
        ],
    );
}

/// Pages whose URLs differ only in case overwrite each other on macOS and Windows: a warning.
#[test]
fn pages_that_differ_only_in_case_are_a_warning() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/X.md", "# Big\n"),
        ("content/x.md", "# Small\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("differ only in case"), "{all}");
}

/// Pages whose URLs differ only in Unicode form (an accent composed or combining) are one file
/// on macOS: a warning that says which.
#[test]
fn pages_that_differ_only_in_unicode_form_are_a_warning() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/caf\u{e9}.md", "# Composed\n"),
        ("content/cafe\u{301}.md", "# Decomposed\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("differ only in Unicode form (an accented letter composed or decomposed): on macOS one overwrites the other"),
        "{all}"
    );
    assert_eq!(all.matches("differ only in").count(), 1, "{all}");
}

/// 700,000 broken links printed 1.4 million lines: of each kind of problem in a file the first
/// 20 are shown and the rest counted; the build still fails with every problem counted.
#[test]
fn many_problems_of_one_kind_are_counted_not_all_printed() {
    let lesson = format!("# A\n\n{}\n", "[a](missing.md) ".repeat(5000));
    let c = course(&[("book.toml", BOOK), ("content/a.md", &lesson)]);
    let all = refused(
        c.path(),
        &[
            "4980 more like \"broken link: `missing.md` is not a page or file of the course\"",
            "5000 problems found",
        ],
    );
    assert_eq!(all.matches("broken link").count(), 21, "{all}");
}

/// Red team, third pass: assets whose names differ only in case were published side by side
/// without a word (pages were warned about).
#[test]
fn files_that_differ_only_in_case_are_a_warning() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n"),
        ("content/IMG.png", "a"),
        ("content/img.png", "b"),
        ("content/A.html", "c"),
        ("content/caf\u{e9}.png", "d"),
        ("content/cafe\u{301}.png", "e"),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("warning: content/img.png: this file (img.png) and content/IMG.png (IMG.png) differ only in case"),
        "{all}"
    );
    assert!(
        all.contains("warning: content/A.html: this file (A.html) and content/a.md (a.html) differ only in case"),
        "{all}"
    );
    assert!(
        all.contains(
            "differ only in Unicode form (an accented letter composed or decomposed): on macOS"
        ),
        "{all}"
    );
}

/// `cname` is the CNAME file's one line and the sitemap's host: a line break wrote a broken
/// CNAME file and `@`/`/` another address into sitemap.xml. Only a domain name is taken.
#[test]
fn a_cname_that_is_not_a_domain_name_is_refused_at_its_line() {
    for bad in [
        "a.example\\nb.example",
        "evil.example/x",
        "user@evil.example",
        "https://a.example",
        "a b.example",
    ] {
        let book = format!("[book]\ntitle = \"C\"\n[output.html]\ncname = \"{bad}\"\n");
        let c = course(&[("book.toml", book.as_str()), ("content/a.md", "# A\n")]);
        refused(c.path(), &["book.toml:4:", "is not a domain name"]);
    }
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"C\"\n[output.html]\ncname = \"xn--caf-dma.example.org\"\n",
        ),
        ("content/a.md", "# A\n"),
    ]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        fs::read_to_string(c.path().join("site/CNAME")).unwrap(),
        "xn--caf-dma.example.org\n"
    );
}

/// A known directive without its argument was called one "no preprocessor provides": it says
/// what it needs.
#[test]
fn a_directive_without_its_argument_says_what_it_needs() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\n{{#include}}\n\n{{#title   }}\n\n{{#quiz}}\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    for needle in [
        "content/a.md:3:1: `{{#include}}` needs the path of a file; shown as written",
        "content/a.md:5:1: `{{#title}}` needs the page's title; shown as written",
        "content/a.md:7:1: `{{#quiz}}` needs the path of a file; shown as written",
    ] {
        assert!(all.contains(needle), "{needle} not in {all}");
    }
    assert!(!all.contains("no preprocessor"), "{all}");
}

/// `{{#title}}` text is cleaned as a front matter title is.
#[test]
fn control_characters_in_a_title_directive_never_reach_the_page() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\n{{#title Bad\u{1}\u{1b}[31m \u{202e}title}}\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("warning: content/a.md:3:1: `{{#title}}`"),
        "{all}"
    );
    let page = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    let title = &page[page.find("<title>").unwrap()..page.find("</title>").unwrap()];
    assert!(!title.contains(['\u{1}', '\u{1b}', '\u{202e}']), "{title}");
}

/// `coursebook check` writes nothing, not even the highlight cache.
#[test]
fn check_writes_no_cache() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\n```rust\nfn main() {}\n```\n"),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().join("blocks");
    let out = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .arg("check")
        .current_dir(c.path())
        .env("COURSEBOOK_CACHE_DIR", &dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(!dir.exists(), "check made the cache folder");
    assert!(!c.path().join("site").exists());
}

/// SUMMARY.md addresses are percent-decoded as links are (`e%23f.md` is `e#f.md`), and a
/// chapter that is not Markdown says so instead of "create it".
#[test]
fn summary_links_are_decoded_and_non_markdown_chapters_explained() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/SUMMARY.md",
            "# Summary\n\n- [Hash](e%23f.md)\n- [Image](p.png)\n",
        ),
        ("content/e#f.md", "# E\n"),
        ("content/p.png", "PNG"),
    ]);
    let all = refused(
        c.path(),
        &[
            "content/SUMMARY.md:4:3: `p.png` cannot be used as a page",
            "a chapter is a Markdown (.md) file",
        ],
    );
    assert!(!all.contains("e%23f.md"), "{all}");
}

#[test]
fn an_error_in_an_included_file_is_reported_at_its_own_line() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "---\ntitle: A\n---\n# A\n\nIntro.\n\n{{#include part.md}}\n\nAfter $\\frac{1}{$ here.\n",
        ),
        (
            "content/part.md",
            "line one\n\nline three with [x](nowhere.md)\n\n$\\frac{2}{$\n",
        ),
        // Included inside a list item: its lines carry the item's indentation in the page.
        (
            "content/b.md",
            "# B\n\n- item\n\n  {{#include shared/list.md}}\n\n$\\frac{4}{$\n",
        ),
        ("content/shared/list.md", "text\n\n$\\frac{3}{$\n"),
    ]);
    let all = refused(
        c.path(),
        &[
            "content/part.md:3:17: broken link: `nowhere.md`",
            "content/part.md:5:1: cannot render math `\\frac{2}{`",
            "included from content/a.md:8",
            // The including file's own lines after the include are still its own.
            "content/a.md:10:7: cannot render math `\\frac{1}{`",
            "content/shared/list.md:3:1: cannot render math `\\frac{3}{`",
            "content/b.md:7:1: cannot render math `\\frac{4}{`",
        ],
    );
    assert!(!all.contains("content/a.md:12"), "{all}");
}

#[test]
fn an_error_in_a_nested_include_is_reported_at_the_innermost_file() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\n{{#include parts/outer.md}}\n\n$\\frac{1}{$\n",
        ),
        (
            "content/parts/outer.md",
            "Outer.\n{{#include ../inner/inner.md}}\n\n$\\frac{2}{$\n",
        ),
        (
            "content/inner/inner.md",
            "Inner.\n$\\frac{3}{$\n\n```quiz\nquestions:\n  - type: single\n    prompt: none right\n    choices:\n      - text: a\n      - text: b\n```\n",
        ),
    ]);
    refused(
        c.path(),
        &[
            "content/inner/inner.md:2:1: cannot render math `\\frac{3}{`",
            "included from content/parts/outer.md:2",
            "content/inner/inner.md:6:5: question",
            "content/parts/outer.md:4:1: cannot render math `\\frac{2}{`",
            "included from content/a.md:3",
            "content/a.md:5:1: cannot render math `\\frac{1}{`",
        ],
    );
}

#[test]
fn a_problem_in_an_mdbook_quiz_names_its_toml_file_and_line() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\nText.\n\n{{#quiz q.toml}}\n\n$\\frac{1}{$\n",
        ),
        (
            "content/q.toml",
            "[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"fine\"\nanswer.answer = \"x\"\n\n[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"twice\"\nprompt.distractors = [\"x\"]\nanswer.answer = \"x\"\n",
        ),
    ]);
    let all = refused(
        c.path(),
        &[
            "content/q.toml:6:1: question \"q2\" has the choice \"x\" twice",
            "in the quiz converted from `{{#quiz}}` at content/a.md:5",
            "content/a.md:7:1: cannot render math `\\frac{1}{`",
        ],
    );
    assert!(!all.contains("content/a.md:6:"), "{all}");
}

/// A course of one short page, built: the course, and its page as the build wrote it.
fn built_with_one_page() -> (TempDir, Vec<u8>) {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n\nFine.\n")]);
    let first = coursebook(&["build", "-q"], c.path());
    assert!(first.status.success(), "{}", text(&first));
    let before = fs::read(c.path().join("site/a.html")).unwrap();
    (c, before)
}

/// A page's Markdown is at most 32 MB after includes, but its HTML can be many times that (510
/// quizzes of 2,000 choices made a 175 MB page): rendering stops past 64 MB of HTML with an
/// error at the page's line, and the previous site stays. `&` is 5 bytes of HTML a byte.
#[test]
fn a_page_whose_html_passes_64_mb_stops_rendering() {
    let (c, before) = built_with_one_page();
    let line = format!("{}\n", "&".repeat(99));
    fs::write(
        c.path().join("content/a.md"),
        format!("# A\n\n{}", line.repeat(140_000)),
    )
    .unwrap();
    let started = Instant::now();
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("error: content/a.md:"), "{all}");
    assert!(
        all.contains("the page's HTML grows past 64 MB here"),
        "{all}"
    );
    assert!(started.elapsed() < Duration::from_secs(10), "{all}");
    assert_eq!(fs::read(c.path().join("site/a.html")).unwrap(), before);
}

/// The same bound when highlighted code passes it: a page's blocks are highlighted with the
/// course's after the pages are rendered (src/markdown/later.rs), so a page that passes 64 MB
/// only with its code's HTML in place is rendered again with it, and stops at the block that
/// passes the bound, with the error at that block's fence.
#[test]
fn a_page_whose_highlighted_code_passes_64_mb_stops_at_that_block() {
    let (c, before) = built_with_one_page();
    // 60 MB of HTML from the text, then blocks of Rust, each some hundreds of KB highlighted.
    let mut page = format!(
        "# A\n\n{}\n",
        format!("{}\n", "&".repeat(99)).repeat(120_000)
    );
    let code = "    let total: u64 = items.iter().map(|x| x.price * 2).sum(); // sum\n".repeat(120);
    let mut fences = Vec::new();
    for _ in 0..60 {
        fences.push(page.lines().count() + 1);
        page.push_str(&format!("```rust\n{code}```\n\n"));
    }
    fs::write(c.path().join("content/a.md"), &page).unwrap();
    // Without the persistent cache, which would hold the blocks from an earlier run.
    let out = coursebook(&["build", "--no-cache"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    let line: usize = all
        .split("error: content/a.md:")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        fences[1..fences.len() - 1].contains(&line),
        "the error is at a block's fence past the first: {all}"
    );
    assert!(
        all.contains("the page's HTML grows past 64 MB here"),
        "{all}"
    );
    assert_eq!(fs::read(c.path().join("site/a.html")).unwrap(), before);
}

/// Red team (rt2 case 26): a course's own template that prints a doubled string wrote 32 MB a
/// page, 3.2 GB for 100 one-line lessons, exit 0. What one render may write is bounded (4 MB
/// plus 8 bytes a byte of its view, render/mod.rs): past it the build fails naming the template
/// and the page, whether the bytes come in one write or in many, and the previous site stays.
#[test]
fn a_template_that_writes_too_much_fails_naming_it_and_the_page() {
    let c = theme_bombs_fail(
        "# A\n\nSome text.\n",
        &[
            "{{ \"x\" * 5000000 }}",
            "{% for i in range(1000) %}{% for j in range(1000) %}xxxxxxxx{% endfor %}{% endfor %}",
        ],
        &[
            "error: theme/templates/page.html: template error: the template writes more than 4 MB for the page \"",
        ],
        Duration::from_secs(10),
    );
    // A page's own size raises its bound: 600 KB of Markdown may be printed more than 4 MB over.
    let big = format!("# A\n\n{}\n", "word ".repeat(120_000));
    fs::write(c.path().join("content/a.md"), big).unwrap();
    fs::write(
        c.path().join("theme/templates/page.html"),
        "{% for i in range(7) %}{{ content|safe }}{% endfor %}",
    )
    .unwrap();
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(fs::metadata(c.path().join("site/a.html")).unwrap().len() > 4 << 20);
}

/// Red team (rt2 case 03): `{{#quiz}}` was not counted as an include, so 20,000 of them were
/// accepted on one page (includes stop at 10,000). It is refused at the directive past the
/// limit, quickly, and the previous site stays.
#[test]
fn quiz_directives_count_as_includes() {
    let quiz = "[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"P\"\nprompt.distractors = [\"a\", \"b\"]\nanswer.answer = \"right\"\n";
    let c = course(&[
        ("book.toml", BOOK),
        ("content/q.toml", quiz),
        ("content/a.md", "# A\n\n{{#quiz q.toml}}\n"),
    ]);
    let first = coursebook(&["build", "-q"], c.path());
    assert!(first.status.success(), "{}", text(&first));
    let before = fs::read(c.path().join("site/a.html")).unwrap();
    // The 10,001st directive is on line 3 + 2 × 10,000.
    let page = format!("# A\n\n{}", "{{#quiz q.toml}}\n\n".repeat(10_001));
    fs::write(c.path().join("content/a.md"), page).unwrap();
    let started = Instant::now();
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("content/a.md:20003:1: the page has more than 10000 includes"),
        "{all}"
    );
    assert!(started.elapsed() < Duration::from_secs(5), "{all}");
    assert_eq!(fs::read(c.path().join("site/a.html")).unwrap(), before);
}

/// Red team, third pass: a theme's strings file with 4 MB strings stopped every page's template
/// at its output bound, and the errors blamed the default templates. An oversized string is
/// now a warning at its own line, and the page falls back to English.
#[test]
fn an_oversized_ui_string_is_a_warning_at_its_line_and_falls_back_to_english() {
    let huge = "x".repeat(100_000);
    let strings = format!("[page]\nskip_to_content = \"{huge}\"\ncontents = \"Inhalt\"\n");
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"Hostile\"\n[output.html]\ntheme = \"th\"\n",
        ),
        ("content/a.md", "# A\n\nText.\n"),
        ("th/i18n/en.toml", &strings),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("warning: th/i18n/en.toml:2:1: `page.skip_to_content` is 100000 bytes long, more than the 2000 a UI string may be; ignored"),
        "{all}"
    );
    let html = std::fs::read_to_string(c.path().join("site/a.html")).unwrap();
    assert!(html.contains("Skip to content"), "{html}");
    assert!(!html.contains("xxxxxxxxxx"));
}

/// Red team, fourth pass: a glossary that book.toml names but that is not there was ignored
/// without a word (the default `glossary.yaml` may be absent).
#[test]
fn a_named_glossary_that_is_missing_is_a_warning_at_its_key() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"Hostile\"\n[course]\nglossary = \"gl.yaml\"\n",
        ),
        ("content/a.md", "# A\n\nText.\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains(
            "warning: book.toml:4:1: `glossary` names content/gl.yaml, which is not there"
        ),
        "{all}"
    );
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n\nText.\n")]);
    let out = coursebook(&["build"], c.path());
    assert!(!text(&out).contains("glossary"), "{}", text(&out));
}

/// Red team, fourth pass: every page's contents lists every title, capped in number but not in
/// length, so 40 lessons with 1 MB titles made a 1.2 GB site. A title is cut at 1,000
/// characters, with a warning at its page.
#[test]
fn a_page_title_past_a_thousand_characters_is_cut_with_a_warning() {
    let long = "t".repeat(5_000);
    let lesson = format!("---\ntitle: {long}\n---\nText.\n");
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", &lesson),
        ("content/b.md", "# B\n\nText.\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("warning: content/a.md: the page's title is longer than 1000 characters"),
        "{all}"
    );
    let b = std::fs::read_to_string(c.path().join("site/b.html")).unwrap();
    assert!(b.contains(&format!("{}…", "t".repeat(1_000))));
    assert!(!b.contains(&"t".repeat(1_001)));
}

#[test]
fn directives_by_the_hundred_thousand_on_one_line_are_found_in_linear_time() {
    // Each directive's column (and its backticks, to tell inline code) was counted from its
    // line's start: 200,000 `{{#title a}}` or `{{#x}}` on one line took 35-45 s. And `{{#x `
    // with no `}` anywhere looked for one to the page's end for each: 100 s.
    let cases = [
        ("{{#title a}}".repeat(200_000), None),
        (
            format!("`a` {}", "{{#x}}".repeat(200_000)),
            Some("content/a.md:5:11: `{{#x …}}` is not expanded"),
        ),
        ("{{#x ".repeat(200_000), None),
        ("\\{{#x ".repeat(200_000), None),
    ];
    for (line, needle) in cases {
        let lesson = format!("# A\n\nx {{{{#y}}}} `{{{{#z}}}}`\n\n{line}\n");
        let c = course(&[("book.toml", BOOK), ("content/a.md", lesson.as_str())]);
        let started = Instant::now();
        let out = coursebook(&["build"], c.path());
        let all = text(&out);
        assert!(out.status.success(), "{all}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
        // Columns are still counted in characters, code still told apart.
        assert!(all.contains("content/a.md:3:3: `{{#y …}}`"), "{all}");
        assert!(!all.contains("{{#z"), "{all}");
        if let Some(needle) = needle {
            assert!(all.contains(needle), "{all}");
        }
    }
}

#[test]
fn an_mdbook_quiz_file_over_1_mb_is_refused_before_it_is_parsed() {
    // Real mdbook-quiz files are a few KB; parsing TOML took about 150 times a file's size
    // (one 16 MB quiz peaked at 2.45 GB), and 100,000 answers with 100,000 distractors were
    // placed one by one among them (31 s).
    let distractors = (0..60_000)
        .map(|i| format!("\"d{i}\""))
        .collect::<Vec<_>>()
        .join(",");
    let answers = (0..60_000)
        .map(|i| format!("\"a{i}\""))
        .collect::<Vec<_>>()
        .join(",");
    let quiz = format!(
        "[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"Pick\"\nprompt.distractors = [{distractors}]\nprompt.answerIndex = 0\nanswer.answer = [{answers}]\n"
    );
    assert!(quiz.len() > 1 << 20);
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\n> {{#quiz q.toml}}\n"),
        ("content/q.toml", quiz.as_str()),
    ]);
    let started = Instant::now();
    refused(
        c.path(),
        &["content/a.md:3:3: the quiz `q.toml` is 1", "up to 1024 KB"],
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_theme_strings_file_of_many_unknown_keys_is_reported_in_linear_time() {
    // Each unknown key's line was looked for from the file's start: 40,000 took 5.8 s, a
    // million (16 MB) over a minute.
    // 60,000 keys: 0.9 MB, under the 1 MB a strings file may be.
    let keys: String = (0..60_000).map(|i| format!("k{i:07} = \"v\"\n")).collect();
    let strings = format!("[ui]\n{keys}");
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"Hostile\"\n[output.html]\ntheme = \"th\"\n",
        ),
        ("content/a.md", "# A\n\nText.\n"),
        ("th/i18n/en.toml", strings.as_str()),
    ]);
    let started = Instant::now();
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        all.contains("th/i18n/en.toml:3:1: `ui.k0000001` is not a string coursebook uses"),
        "{all}"
    );
}

#[test]
fn mathjax_delimiters_are_found_in_linear_time() {
    // With `mathjax-support`, every delimiter was looked for to the paragraph's end at every
    // step, and each opening's closing too: a 700 KB paragraph of unclosed `\(` took over 20 s,
    // 800 KB of `\\(a\\)` as long (`\[` and `$$` looked for each time), 300 KB of `$$ ` 18 s.
    // These three took 70 s, 35 s and 33 s before; 0.3 s at most now.
    let book = "[book]\ntitle = \"Hostile\"\n[output.html]\nmathjax-support = true\n";
    let unclosed = "&#92;( ".repeat(150_000); // `\(` in the text, not markup for the bound
    let closed = "\\\\(a\\\\) ".repeat(100_000);
    let dollars = "$$ ".repeat(150_000);
    for (paragraph, formulas) in [(unclosed, 0), (closed, 100_000), (dollars, 0)] {
        let lesson = format!("# A\n\n{paragraph}\n");
        let c = course(&[
            ("book.toml", book),
            ("src/SUMMARY.md", "# Summary\n\n- [A](a.md)\n"),
            ("src/a.md", lesson.as_str()),
        ]);
        let started = Instant::now();
        let out = coursebook(&["build", "-q"], c.path());
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
        assert_eq!(html.matches("<math").count(), formulas);
    }
}

#[test]
fn raw_headings_never_closed_are_split_for_search_in_linear_time() {
    // Search looked for each heading's `</h` to the page's end, even for headings without an
    // id, which it then skipped: a million raw `<h2>` in a quiz's prompt (which the lessons'
    // bound on markup does not count) took about a minute. A lesson's quiz file is now at most
    // 1 MB (260,000 of them, some 4 s each that way): eight lessons with one each.
    let quiz = format!(
        "questions:\n  - type: single\n    prompt: \"{}\"\n    choices:\n      - text: a\n        correct: true\n      - text: b\n",
        "<h2>".repeat(260_000)
    );
    let mut files = vec![("book.toml".to_string(), BOOK.to_string())];
    for i in 0..8 {
        files.push((
            format!("content/a{i}.md"),
            "# A\n\nHello.\n\n<h2 id=\"x\">Open\n\nmore\n".to_string(),
        ));
        files.push((format!("content/a{i}.quiz.yaml"), quiz.clone()));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let c = course(&files);
    let started = Instant::now();
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    // A heading with an id and no close is still a section, named by its text up to the next
    // heading.
    let docs: String = fs::read_dir(c.path().join("site/search/d"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(docs.contains("a0.html#x"), "{docs}");
}

/// The sizes of the files under `dir`, summed.
fn bytes_under(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

#[test]
fn a_long_title_over_many_headings_is_not_repeated_in_search_for_each() {
    // Each section of the search index repeats its page's title and address: a 1,000-character
    // title over 100,000 headings made a 419 MB site. A page counts 1,000 sections at most.
    let title = "\u{1F600}".repeat(1_000);
    let headings: String = (0..20_000).map(|i| format!("## h{i}\n")).collect();
    let lesson = format!("---\ntitle: \"{title}\"\n---\n{headings}\nlast words\n");
    let c = course(&[("book.toml", BOOK), ("content/a.md", lesson.as_str())]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("content/a.md: search finds a page's first 1000 sections"),
        "{all}"
    );
    let search = bytes_under(&c.path().join("site/search"));
    assert!(search < 10 << 20, "search/ is {search} bytes");
    // The rest of the page is still found, in its last section (the page opens with a
    // heading, so its title counts in `h0`, which is its first of 1,000 sections).
    let docs: String = fs::read_dir(c.path().join("site/search/d"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(docs.contains("a.html#h999\""), "{}", docs.len());
    assert!(!docs.contains("a.html#h1000\""), "{}", docs.len());
    let terms: String = walkdir::WalkDir::new(c.path().join("site/search/t"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(terms.contains("h19999"), "h19999 not indexed");
}

#[test]
fn a_long_path_over_many_headings_is_not_repeated_in_print_for_each() {
    // print.html prefixes every id of a chapter (and every link to one) with the chapter's
    // id, made from its path: a 3.7 KB path over 50,000 headings made a 188 MB print page.
    let dir: String = (0..10)
        .map(|i| format!("d{i}{}/", "a".repeat(200)))
        .collect();
    let lesson = format!("# L\n\n{}", "## h\n\n".repeat(10_000));
    let path = format!("content/{dir}l.md");
    let c = course(&[("book.toml", BOOK), (path.as_str(), lesson.as_str())]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let print = fs::read_to_string(c.path().join("site/print.html")).unwrap();
    assert!(print.len() < 8 << 20, "print.html is {} bytes", print.len());
    // Cut to 64 bytes and a hash of the address, so chapters stay apart (each folder is a
    // chapter too, and their ids all start with the first folder's name).
    let id = format!("d0{}", "a".repeat(62));
    let at = print
        .rfind(&format!("id=\"{id}-"))
        .expect("the chapter's id");
    let rest = &print[at + 4 + id.len() + 1..];
    assert!(
        rest[..8].bytes().all(|b| b.is_ascii_hexdigit()),
        "{}",
        &rest[..40]
    );
    assert!(rest[8..].starts_with("--h-9999\""), "{}", &rest[..40]);
    let folder = print.find(&format!("id=\"{id}-")).expect("the folder's id");
    assert_ne!(print[folder..][..80], print[at..][..80]);
}

#[test]
fn a_big_file_included_line_by_line_is_read_once() {
    // Each include read, decoded and scanned the whole file for the one line it takes: a
    // 1.5 MB file included 10,000 times by `:1:1` took 19 s, by an anchor 24 s.
    let big = format!(
        "// ANCHOR: a\nfirst line\n// ANCHOR_END: a\n{}",
        "filler line of text\n".repeat(75_000)
    );
    for spec in [":2:2", ":a"] {
        let lesson = format!(
            "# B\n\n{}",
            format!("{{{{#include big.txt{spec}}}}}\n").repeat(10_000)
        );
        let c = course(&[
            ("book.toml", BOOK),
            ("content/b.md", lesson.as_str()),
            ("content/big.txt", big.as_str()),
        ]);
        let started = Instant::now();
        let out = coursebook(&["build"], c.path());
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{spec} took {:?}",
            started.elapsed()
        );
        let html = fs::read_to_string(c.path().join("site/b.html")).unwrap();
        assert_eq!(html.matches("first line").count(), 10_000, "{spec}");
        assert!(!html.contains("filler"), "{spec}");
    }
}

#[test]
fn includes_after_a_long_line_do_not_copy_it() {
    // Each include copied the whole line before it, to repeat on the included lines: 9,999
    // includes after 8 MB on one line took 24 s. Text before longer than 256 bytes is not a
    // container's marks, and is not repeated.
    let lesson = format!(
        "# B\n\n{}{}\n\n> {{{{#include f.txt}}}}\n",
        "a".repeat(8_000_000),
        "{{#include e.txt}}".repeat(9_999)
    );
    let c = course(&[
        ("book.toml", BOOK),
        ("content/b.md", lesson.as_str()),
        ("content/e.txt", "x"),
        ("content/f.txt", "one\ntwo"),
    ]);
    let started = Instant::now();
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    let html = fs::read_to_string(c.path().join("site/b.html")).unwrap();
    assert!(html.contains(&format!("a{}<", "x".repeat(9_999))));
    // A short line's text before is still carried: both lines are in the blockquote.
    assert!(
        html.contains("<blockquote>\n<p>one\ntwo</p>"),
        "{}",
        &html[html.len() - 3000..]
    );
}

/// A 14 MB book.toml of nested arrays took 700 MB to parse, a 15 MB strings file 578 MB (TOML
/// takes about 50 times a file's size): a configuration file over 1 MB is refused, before it is
/// parsed, at its path.
#[test]
fn configuration_files_over_1_mb_are_refused_before_they_are_parsed() {
    let nested = format!("[book]\ntitle = \"H\"\nx = {}", "[".repeat(1_500_000));
    let c = course(&[("book.toml", nested.as_str()), ("content/a.md", "# A\n")]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("error: book.toml: cannot read book.toml: it is 1.4 MB, and coursebook reads such files of up to 1 MB"),
        "{all}"
    );

    let keys: String = (0..80_000).map(|i| format!("k{i:07} = \"v\"\n")).collect();
    let strings = format!("[ui]\n{keys}");
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"Hostile\"\n[output.html]\ntheme = \"th\"\n",
        ),
        ("content/a.md", "# A\n\nText.\n"),
        ("th/i18n/en.toml", strings.as_str()),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("error: th/i18n/en.toml: `i18n/en.toml` in the theme is refused: it is 1.1 MB, and coursebook reads such files of up to 1 MB"),
        "{all}"
    );
}

/// A quiz of `questions` questions whose prompt, hint, explanation, choice and feedback each
/// hold a Rust code block of `lines` lines (highlighting makes about 27 times the code's size),
/// as JSON (which YAML reads).
fn code_quiz(questions: usize, lines: usize) -> String {
    let fence = format!("```rust\\n{}```", "let x = 1;\\n".repeat(lines));
    let question = |i: usize| {
        format!(
            "{{\"type\": \"single\", \"prompt\": \"Q{i}\\n\\n{fence}\", \"hint\": \"{fence}\", \"explanation\": \"{fence}\", \"choices\": [{{\"text\": \"{fence}\", \"correct\": true, \"feedback\": \"{fence}\"}}, {{\"text\": \"b\"}}]}}"
        )
    };
    let all: Vec<String> = (0..questions).map(question).collect();
    format!("{{\"questions\": [{}]}}\n", all.join(", "))
}

/// The peak memory (MB) and exit status of `coursebook build -q` in `dir`.
#[cfg(target_os = "linux")]
fn build_peak_mb(dir: &Path) -> (std::process::ExitStatus, u64) {
    let child = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["build", "-q"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (status, peak) = peak_memory_mb(child);
    (status, peak)
}

/// Red team 5 (finding 2): a lesson's quiz file is drawn after the page, outside the bound on
/// its HTML, with its code highlighted: 11 MB of quiz YAML made a 316 MB lesson.html, a 316 MB
/// print.html and took 2.27 GB. A quiz file over 1 MB is refused before it is read, at the file
/// or at the `quiz:` line that names it.
#[cfg(target_os = "linux")]
#[test]
fn a_lesson_quiz_file_over_1_mb_is_refused_before_it_is_parsed() {
    let quiz = code_quiz(120, 170);
    assert!(
        quiz.len() > 1 << 20 && quiz.len() < 5 << 19,
        "{}",
        quiz.len()
    );
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n\nText.\n"),
        ("content/a.quiz.yaml", quiz.as_str()),
    ]);
    let (status, peak) = build_peak_mb(c.path());
    assert_eq!(status.code(), Some(1));
    assert!(peak < 100, "the build took {peak} MB");
    refused(
        c.path(),
        &[
            "error: content/a.quiz.yaml: cannot read content/a.quiz.yaml: it is 1.2 MB, and coursebook reads such files of up to 1 MB",
            "a lesson's quiz is a few KB",
        ],
    );
    // Named in front matter: said at the line that names it.
    let c = course(&[
        ("book.toml", BOOK),
        ("content/b.md", "---\ntitle: B\nquiz: big.yaml\n---\n# B\n"),
        ("content/big.yaml", quiz.as_str()),
    ]);
    refused(
        c.path(),
        &["error: content/b.md:3:7: cannot read content/big.yaml: it is 1.2 MB"],
    );
    // Just under the bound, it builds, and its pages stay within a multiple of it (the
    // highlighter's, about 27, for the lesson and again for print.html).
    let quiz = code_quiz(100, 170);
    assert!(quiz.len() < 1 << 20);
    fs::write(c.path().join("content/big.yaml"), &quiz).unwrap();
    let (status, peak) = build_peak_mb(c.path());
    assert!(status.success());
    assert!(peak < 400, "the build took {peak} MB");
    let site = bytes_under(&c.path().join("site"));
    assert!(site < 64 * quiz.len() as u64, "the site is {site} bytes");
}

/// A lesson's quiz counts toward its page's 64 MB of HTML, as a quiz written in the page does:
/// 62 MB of page and 25 MB of quiz (its code highlighted) are refused, at the quiz file.
#[test]
fn a_lesson_quiz_counts_toward_its_page_s_64_mb_of_html() {
    let line = format!("{}\n", "&".repeat(99));
    let lesson = format!("# A\n\n{}", line.repeat(125_000));
    let quiz = code_quiz(100, 170);
    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", lesson.as_str()),
        ("content/a.quiz.yaml", quiz.as_str()),
    ]);
    let said = refused(
        c.path(),
        &[
            "error: content/a.quiz.yaml: with its quiz, the page's HTML grows past 64 MB; the quiz is not drawn",
        ],
    );
    assert!(!said.contains("content/a.md:"), "{said}");
}

/// A course of one-line lessons `content/l{name}.md`, each naming `content/shared.quiz.yaml`,
/// which holds `quiz`.
#[cfg(target_os = "linux")]
fn lessons_sharing_a_quiz(quiz: &str, names: impl Iterator<Item = String>) -> TempDir {
    let mut files = vec![
        ("book.toml".to_string(), BOOK.to_string()),
        ("content/shared.quiz.yaml".to_string(), quiz.to_string()),
    ];
    for name in names {
        files.push((
            format!("content/l{name}.md"),
            format!("---\ntitle: L{name}\nquiz: shared.quiz.yaml\n---\n# L{name}\n"),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    course(&files)
}

/// A quiz file named by many lessons is drawn in each (and in print.html): 20 one-line lessons
/// naming one 1 MB quiz made 1.14 GB of output and took 1.3 GB. Lessons may repeat shared quiz
/// text up to 1 MB and four times their Markdown; past it, a lesson's `quiz:` is an error.
#[cfg(target_os = "linux")]
#[test]
fn a_quiz_file_shared_by_many_lessons_is_drawn_within_a_budget() {
    // 0.6 MB: the first lesson to name it is free, the second takes 0.6 of the 1 MB.
    let c = lessons_sharing_a_quiz(&code_quiz(60, 170), (10..30).map(|i| i.to_string()));
    let (status, peak) = build_peak_mb(c.path());
    assert_eq!(status.code(), Some(1));
    assert!(peak < 400, "the build took {peak} MB");
    let said = refused(
        c.path(),
        &[
            "error: content/l12.md:3:7: the quiz content/shared.quiz.yaml is named by more lessons than its size allows",
        ],
    );
    assert!(!said.contains("content/l11.md:3:7"), "{said}");
    // A real shared quiz, a few KB named by every lesson, is fine.
    let small = code_quiz(2, 20);
    fs::write(c.path().join("content/shared.quiz.yaml"), &small).unwrap();
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(page(c.path(), "l29.html").contains("data-quiz="));
}

/// A quiz file named by many one-line lessons is parsed once, not once per lesson: 300 lessons
/// naming one 1 MB file (a 1.1 MB course) took 10 s and 1.5 GB before the bound on shared
/// quizzes could refuse the 298th, and 3,000 would have taken 15 GB.
#[cfg(target_os = "linux")]
#[test]
fn a_quiz_file_named_by_hundreds_of_lessons_is_parsed_once() {
    let mut quiz = String::from("questions:\n");
    let mut i = 0;
    while quiz.len() < 900_000 {
        quiz.push_str(&format!(
            "  - type: single\n    prompt: \"Question {i} about `code_{i}`, and words to fill the line\"\n    choices:\n      - text: \"a{i}\"\n        correct: true\n      - text: \"b{i}\"\n"
        ));
        i += 1;
    }
    let c = lessons_sharing_a_quiz(&quiz, (0..400).map(|i| format!("{i:03}")));
    let (status, peak) = build_peak_mb(c.path());
    assert_eq!(status.code(), Some(1));
    assert!(peak < 400, "the build took {peak} MB");
    // The lessons past the budget are still told, each at its `quiz:` line.
    let said = refused(
        c.path(),
        &[
            "error: content/l399.md:3:7: the quiz content/shared.quiz.yaml is named by more lessons than its size allows",
        ],
    );
    assert!(said.contains("content/l002.md:3:7"), "{said}");
    assert!(!said.contains("content/l000.md:3:7"), "{said}");
}

/// The glossary is read whole, every definition rendered with its code highlighted: a 13 MB
/// glossary made a 323 MB glossary.html and took 1.6 GB. Over 2 MB it is refused before it is
/// read (and the lessons that list its terms are not each told the course has none); a
/// definition over 16 KB is an error at its line.
#[test]
fn a_glossary_over_2_mb_or_a_definition_over_16_kb_is_refused() {
    let entries: String = (0..34_000)
        .map(|i| format!("- term: term{i}\n  definition: A sentence or two about it, {i}.\n"))
        .collect();
    assert!(entries.len() > 2 << 20, "{}", entries.len());
    let book = format!("{BOOK}[course]\nglossary = \"glossary.yaml\"\n");
    let c = course(&[
        ("book.toml", book.as_str()),
        ("content/glossary.yaml", entries.as_str()),
        ("content/a.md", "---\nterms: [term1, term2]\n---\n# A\n"),
    ]);
    let said = refused(
        c.path(),
        &[
            "error: content/glossary.yaml: cannot read content/glossary.yaml: it is 2.",
            "coursebook reads such files of up to 2 MB",
        ],
    );
    assert!(!said.contains("has no glossary"), "{said}");
    let glossary = format!(
        "- term: Model\n  definition: A thing.\n- term: Big\n  definition: \"{}\"\n",
        "word ".repeat(3_300)
    );
    fs::write(c.path().join("content/glossary.yaml"), glossary).unwrap();
    fs::write(
        c.path().join("content/a.md"),
        "---\nterms: [model]\n---\n# A\n",
    )
    .unwrap();
    refused(
        c.path(),
        &[
            "error: content/glossary.yaml:4:15: the definition of \"Big\" is 17 KB; a glossary definition may be up to 16 KB",
        ],
    );
}

/// Red team 5 (finding 5): each lesson's Key terms list carried every listed term's whole
/// definition, highlighted code and all: 30 one-line lessons listing 200 terms with an 8 KB code
/// block each made 1.34 GB from 1.8 MB. A list carries definitions up to 64 KB and four times
/// its lesson's Markdown; past that its terms link to the glossary alone, with a warning at the
/// term where that starts.
#[test]
fn a_key_terms_list_carries_definitions_up_to_a_budget() {
    let code = "let x = 1;\\n".repeat(180);
    let glossary: String = (0..100)
        .map(|i| format!("- term: term{i}\n  definition: \"Def\\n\\n```rust\\n{code}```\"\n"))
        .collect();
    let terms = (0..100)
        .map(|i| format!("term{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let lesson = format!("---\nterms: [{terms}]\n---\n# L\n");
    let book = format!("{BOOK}[course]\nglossary = \"glossary.yaml\"\n");
    let mut files = vec![
        ("book.toml".to_string(), book),
        ("content/glossary.yaml".to_string(), glossary.clone()),
    ];
    for i in 10..30 {
        files.push((format!("content/l{i}.md"), lesson.clone()));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let c = course(&files);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("warning: content/l10.md:2:")
            && all.contains("key terms stop showing their definitions here"),
        "{all}"
    );
    let input = (glossary.len() + 20 * lesson.len()) as u64;
    let site = bytes_under(&c.path().join("site"));
    // The glossary page holds each definition once (about 27 times its code, highlighted);
    // each lesson adds at most its budget. Without one, 20 × 100 × 50 KB: 100 MB.
    let l10 = page(c.path(), "l10.html");
    assert!(l10.len() < 100 << 10, "l10.html is {} bytes", l10.len());
    assert!(site < 40 * input, "the site is {site} bytes from {input}");
    // Every term is still listed, the first with its definition, the rest as links.
    assert_eq!(
        l10.matches("<dt><a href=\"glossary.html#term-").count(),
        100
    );
    assert!(l10.contains("<dd><a href=\"glossary.html#term-term99\">Glossary</a></dd>"));
    assert!(l10.contains("<dd><span class=\"para\">Def</span>"), "{l10}");
}

/// Red team 6: `--dest-dir` inside the theme folder (the command line's choice, so not refused)
/// published the previous site inside the new one under `theme/`, deeper each build (628 K →
/// 1,252 K → 1,876 K). The theme walk leaves built sites out; only the destination silently.
#[test]
fn a_site_built_inside_the_theme_folder_is_never_part_of_the_theme() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\ntheme = \"themes/t\"\n",
        ),
        ("content/a.md", "# A\n"),
        ("themes/t/css/extra.css", "p {}\n"),
    ]);
    for round in 0..3 {
        let out = coursebook(&["build", "--dest-dir", "themes/t/out"], c.path());
        let all = text(&out);
        assert!(out.status.success(), "round {round}: {all}");
        assert!(!all.contains("warning"), "round {round}: {all}");
        let site = c.path().join("themes/t/out");
        assert!(site.join("theme/css/extra.css").is_file());
        assert!(
            !site.join("theme/out").exists(),
            "round {round}: the previous site was published in the theme"
        );
    }
    // Another built site there (a copy kept beside it) is left out with a warning naming it.
    copy_of_a_built_site(
        &c.path().join("themes/t/out"),
        &c.path().join("themes/t/old"),
        "a.html",
    );
    let out = coursebook(&["build", "--dest-dir", "themes/t/out"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("warning: themes/t/old: left out: a site coursebook built"),
        "{all}"
    );
    assert!(!c.path().join("themes/t/out/theme/old").exists());
}

/// `to`: a folder carrying the marker of the site built at `site`, and one file `name`, as a
/// copy of a built site kept beside the course's files.
fn copy_of_a_built_site(site: &Path, to: &Path, name: &str) {
    fs::create_dir_all(to).unwrap();
    fs::copy(site.join(".coursebook"), to.join(".coursebook")).unwrap();
    fs::write(to.join(name), "# Copied\n").unwrap();
}

/// Red team 6: a copy of a built site inside the sources (for learners to look at) was
/// dropped without a word; the output folder inside the sources (`src = "."`) stays silent.
#[test]
fn a_built_site_among_the_sources_is_left_out_with_a_warning() {
    let c = course(&[
        ("book.toml", "[book]\ntitle = \"T\"\nsrc = \".\"\n"),
        ("a.md", "# A\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let out = coursebook(&["build"], c.path());
    assert!(!text(&out).contains("warning"), "{}", text(&out));
    copy_of_a_built_site(
        &c.path().join("site"),
        &c.path().join("example-site"),
        "b.md",
    );
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("warning: example-site: left out: a site coursebook built"),
        "{all}"
    );
    assert!(!c.path().join("site/example-site").exists());
}

/// Red team 6: a theme file linking to another file of the course was refused as leading
/// "outside the course folder", which it does not: the theme is its own jail (it is
/// published whole), and the message says so.
#[test]
fn a_theme_file_linking_out_of_the_theme_says_the_theme_folder() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\ntheme = \"themes/t\"\n",
        ),
        ("content/a.md", "# A\n"),
        ("shared/book.css", "p {}\n"),
        ("themes/t/css/own.css", "p {}\n"),
    ]);
    symlink(
        "../../../shared/book.css",
        c.path().join("themes/t/css/book.css"),
    )
    .unwrap();
    let all = refused(
        c.path(),
        &["themes/t/css/book.css", "outside the theme folder"],
    );
    assert!(!all.contains("outside the course folder"), "{all}");
}

/// Whether the tests run as root, who is not stopped by permissions.
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // A folder made now belongs to whoever runs the tests.
    let probe = tempfile::tempdir().unwrap();
    fs::metadata(probe.path()).unwrap().uid() == 0
}

/// Run coursebook in `cwd` as a user permissions apply to: `nobody` when the tests run as root.
fn coursebook_as_a_user(args: &[&str], cwd: &Path) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_coursebook");
    let mut command = match is_root() {
        true => {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
            c
        }
        false => Command::new(bin),
    };
    command
        .args(args)
        .current_dir(cwd)
        .env("COURSEBOOK_CACHE_DIR", cwd.join(".cache"))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `chmod` every entry under `dir` with `change`; `chown` it to nobody when run as root.
fn set_modes(dir: &Path, change: impl Fn(u32) -> u32) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if is_root() {
            std::os::unix::fs::chown(entry.path(), Some(65534), Some(65534)).unwrap();
        }
        let mut perms = entry.metadata().unwrap().permissions();
        perms.set_mode(change(perms.mode()));
        fs::set_permissions(entry.path(), perms).unwrap();
    }
}

fn coursebook_entries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".coursebook-"))
        .collect()
}

#[test]
fn a_read_only_previous_site_is_replaced_and_a_stuck_leftover_blocks_no_build() {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    set_modes(c.path(), |m| m | 0o755);
    let out = coursebook_as_a_user(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    // A read-only copy of a site (`chmod -R a-w`, as a copy from the Nix store gives).
    set_modes(&c.path().join("site"), |m| m & !0o222);
    fs::write(c.path().join("content/a.md"), "# A again\n").unwrap();
    let out = coursebook_as_a_user(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(page(c.path(), "a.html").contains("A again"));
    assert_eq!(coursebook_entries(c.path()), Vec::<String>::new());
    if is_root() {
        // A leftover of coursebook's that this user cannot remove: a warning, the build goes on.
        let stuck = c.path().join(".site.coursebook-old-7");
        fs::create_dir_all(stuck.join("inner")).unwrap();
        fs::write(stuck.join(".coursebook"), MARKER_TEXT).unwrap();
        fs::write(stuck.join("inner/f.txt"), "x").unwrap();
        for _ in 0..2 {
            let out = coursebook_as_a_user(&["build", "-q"], c.path());
            assert!(out.status.success(), "{}", text(&out));
            assert!(
                text(&out).contains("cannot remove a leftover folder"),
                "{}",
                text(&out)
            );
        }
        assert!(stuck.join("inner/f.txt").is_file());
    }
}

const MARKER_TEXT: &str = "This folder was made by coursebook; a new build replaces it whole.\n";

#[test]
fn dot_and_a_trailing_dot_are_output_folders_like_any_other() {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    let empty = tempfile::tempdir().unwrap();
    let course_dir = c.path().to_str().unwrap();
    for _ in 0..2 {
        let out = coursebook(&["build", "-q", course_dir, "-d", "."], empty.path());
        assert!(out.status.success(), "{}", text(&out));
        assert!(empty.path().join("a.html").is_file());
    }
    for _ in 0..2 {
        let out = coursebook(&["build", "-q", "-d", "out/."], c.path());
        assert!(out.status.success(), "{}", text(&out));
        assert!(c.path().join("out/a.html").is_file());
        assert!(!c.path().join("out/.out.coursebook-new").exists());
    }
    assert_eq!(coursebook_entries(c.path()), Vec::<String>::new());
}

#[test]
fn a_mount_point_as_output_folder_is_refused_before_the_build_writes() {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    let mnt = c.path().join("mnt");
    fs::create_dir(&mnt).unwrap();
    // A mount of its own in a private mount namespace (as `docker run -v out:/out` gives).
    let script = format!(
        "mount -t tmpfs tmpfs \"$1\" && exec {} build -d \"$1\"",
        env!("CARGO_BIN_EXE_coursebook")
    );
    let flags = if is_root() { "-m" } else { "-rm" };
    let out = Command::new("unshare")
        .args([flags, "sh", "-c", &script, "sh"])
        .arg(&mnt)
        .current_dir(c.path())
        .output()
        .unwrap();
    // A sandbox that allows no mount namespace cannot set the case up: not coursebook's doing.
    if text(&out).starts_with("unshare:") || text(&out).starts_with("mount:") {
        eprintln!("skipped: no private mount here: {}", text(&out));
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("is a mount point"), "{}", text(&out));
    assert!(text(&out).contains("--dest-dir out/site"), "{}", text(&out));
    assert_eq!(coursebook_entries(c.path()), Vec::<String>::new());
}

/// `extra-watch-dirs` names folders `serve` watches: one outside the course (the whole
/// machine, for `/`) is an error at the key (red team 8: it was only a warning, and every path
/// that leads outside is an error), a missing one a warning; neither is watched.
#[test]
fn extra_watch_dirs_outside_the_course_are_not_watched() {
    let outside = secret();
    let book = format!(
        "[book]\ntitle = \"T\"\n[build]\nextra-watch-dirs = [\"/\", \"{}\", \"../..\", \"nope\", \"listings\"]\n",
        outside.path().display()
    );
    let c = course(&[
        ("book.toml", book.as_str()),
        ("content/a.md", "# A\n"),
        ("listings/x.rs", "fn x() {}\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    for (kind, dir) in [
        ("error", "`/`"),
        ("error", "`../..`"),
        ("warning", "`nope`"),
    ] {
        assert!(
            all.contains(&format!(
                "{kind}: book.toml:4:1: `extra-watch-dirs`: {dir} is not watched"
            )),
            "{dir}: {all}"
        );
    }
    assert!(
        all.contains(&format!(
            "`{}` is not watched: it leads outside",
            outside.path().display()
        )),
        "{all}"
    );
    assert!(!all.contains("`listings` is not watched"), "{all}");
    assert!(!all.contains("is not done by coursebook"), "{all}");
}

/// Red team 8 (finding 1): a course's file at a path coursebook writes itself replaced it
/// silently, `raw-html = false` or not: `content/theme/js/book.js` ran a contributor's script
/// on every page, `content/toc.html` replaced the contents page. Each is an error at the file.
#[test]
fn a_course_file_cannot_replace_a_file_coursebook_writes() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\nraw-html = false\ncname = \"example.org\"\n",
        ),
        ("content/a.md", "# A\n"),
        ("content/theme/js/book.js", "fetch('/pwned')\n"),
        ("content/theme/strings.json", "{}\n"),
        ("content/search/meta.json", "{}\n"),
        ("content/toc.html", "planted\n"),
        ("content/a.html", "planted\n"),
        ("content/sitemap.xml", "<urlset/>\n"),
        ("content/CNAME", "evil.example\n"),
        // The course's own favicon is meant to replace the theme's.
        (
            "content/favicon.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    for (file, url) in [
        ("content/theme/js/book.js", "theme/js/book.js"),
        ("content/theme/strings.json", "theme/strings.json"),
        ("content/search/meta.json", "search/meta.json"),
        ("content/toc.html", "toc.html"),
        ("content/a.html", "a.html"),
        ("content/sitemap.xml", "sitemap.xml"),
        ("content/CNAME", "CNAME"),
    ] {
        assert!(
            all.contains(&format!(
                "{file}: this file would be written to {url}, where coursebook writes"
            )),
            "{file}: {all}"
        );
    }
    assert!(!all.contains("favicon.svg"), "{all}");
    assert!(!c.path().join("site").exists());
}

/// Red team 8 (findings 3 and 4): links inside the course were followed on every path, so
/// folders each holding two links to the next made 2^K paths to one lesson (K = 24 ran past a
/// minute), and 300 links to one 4 MB lesson made a 1.2 GB print.html. Each file and folder is
/// now read once, the other paths a warning each.
#[cfg(unix)]
#[test]
fn a_file_reached_by_many_links_is_read_once() {
    let c = course(&[
        ("book.toml", BOOK),
        ("content/l0/a.md", "# Deep\n\nText.\n"),
    ]);
    let content = c.path().join("content");
    // l{k} holds x and y, both links to l{k-1}: 2^16 paths to a.md.
    for k in 1..=16 {
        let dir = content.join(format!("l{k}"));
        fs::create_dir_all(&dir).unwrap();
        symlink(format!("../l{}", k - 1), dir.join("x")).unwrap();
        symlink(format!("../l{}", k - 1), dir.join("y")).unwrap();
    }
    fs::write(
        content.join("big.md"),
        format!("# Big\n\n{}\n", "word ".repeat(20_000)),
    )
    .unwrap();
    for i in 0..50 {
        symlink("big.md", content.join(format!("copy{i}.md"))).unwrap();
    }
    let started = Instant::now();
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let pages = walkdir::WalkDir::new(c.path().join("site"))
        .into_iter()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "html"))
        })
        .count();
    assert!(pages < 30, "{pages} pages");
    assert!(all.contains("content/copy0.md: left out: it is content/big.md, already in the course, reached again through a link"), "{all}");
    let print = fs::metadata(c.path().join("site/print.html"))
        .unwrap()
        .len();
    assert!(print < 2_000_000, "print.html is {print} bytes");
}

/// Red team 8 (finding 5): the shared-quiz bound counted a quiz file by its name, so lessons
/// whose own `<lesson>.quiz.yaml` were links to one 1 MB quiz drew it 60 times (1.2 GB of
/// print.html, 4 GB of memory). Counted by the file the links lead to.
#[cfg(unix)]
#[test]
fn quiz_files_linked_to_one_quiz_count_as_one_shared_quiz() {
    let c = course(&[("book.toml", BOOK), ("content/a.md", "# A\n")]);
    let content = c.path().join("content");
    let mut quiz = String::from("questions:\n");
    for n in 0.. {
        if quiz.len() > 900_000 {
            break;
        }
        quiz.push_str(&format!("  - type: single\n    prompt: \"Which {n}?\"\n    choices:\n      - text: \"yes\"\n        correct: true\n      - text: \"no\"\n"));
    }
    fs::create_dir_all(c.path().join("quizzes")).unwrap();
    fs::write(c.path().join("quizzes/big.yaml"), quiz).unwrap();
    for i in 0..8 {
        fs::write(content.join(format!("l{i}.md")), format!("# L{i}\n")).unwrap();
        symlink(
            "../quizzes/big.yaml",
            content.join(format!("l{i}.quiz.yaml")),
        )
        .unwrap();
    }
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("is named by more lessons than its size allows"),
        "{all}"
    );
}

/// A folder of quizzes reached through a link, as lessons name them (`quiz: y/shared.quiz.yaml`
/// with `y -> z`): the quiz is on the page, so the link is not "left out" (red team 9 left this
/// warning, which failed `--deny-warnings` builds). A linked folder that holds a lesson still is.
#[cfg(unix)]
#[test]
fn a_linked_folder_of_quizzes_is_not_left_out() {
    let quiz =
        "questions:\n  - type: true-false\n    prompt: Is this on the page?\n    answer: true\n";
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "---\nquiz: y/shared.quiz.yaml\n---\n# A\n\nText.\n",
        ),
        ("content/z/shared.quiz.yaml", quiz),
        ("content/pages/b.md", "# B\n"),
    ]);
    symlink("z", c.path().join("content/y")).unwrap();
    let out = coursebook(&["build", "--deny-warnings"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        page(c.path(), "a.html").contains("Is this on the page?"),
        "{all}"
    );
    symlink("pages", c.path().join("content/more")).unwrap();
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("content/more: left out: it is content/pages, already in the course"),
        "{all}"
    );
    assert!(!all.contains("content/y:"), "{all}");
}

/// Red team 8 (finding 8): a lesson 2,000 folders down took 49 s and then failed in the
/// default theme's templates, naming no file of the course. Folders past 32 levels are an
/// error at the folder, at once.
#[test]
fn folders_past_32_levels_are_an_error_at_the_folder() {
    let deep = format!("content/{}a.md", "d/".repeat(40));
    let c = course(&[("book.toml", BOOK), (deep.as_str(), "# Deep\n")]);
    let started = Instant::now();
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        all.contains(&format!("content/{}d: cannot read: it is 33 folders deep, and coursebook reads folders up to 32 deep", "d/".repeat(32))),
        "{all}"
    );
}

/// Red team 8 (finding 2): with `raw-html = false` an SVG's `<s:script>` (a namespace prefix),
/// an SVG in UTF-16 and an `.xsd` or `.rng` holding XHTML's `<script>` were published, and ran
/// on the site's origin. Each is an error at the file; a plain SVG and a plain `.xsd` are not.
#[test]
fn scripts_in_svg_and_xml_files_are_found_however_written() {
    let script = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:s=\"http://www.w3.org/2000/svg\"><s:script>fetch('/p')</s:script></svg>\n";
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>fetch('/p')</script></svg>"
        .encode_utf16()
    {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let xsd = "<x:schema xmlns:x=\"http://www.w3.org/2001/XMLSchema\"><h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">fetch('/p')</h:script></x:schema>\n";
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\nraw-html = false\n",
        ),
        ("content/a.md", "# A\n"),
        ("content/prefixed.svg", script),
        ("content/schema.xsd", xsd),
        ("content/grammar.rng", xsd),
        (
            "content/plain.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"/></svg>\n",
        ),
        (
            "content/plain.xsd",
            "<x:schema xmlns:x=\"http://www.w3.org/2001/XMLSchema\"/>\n",
        ),
    ]);
    fs::write(c.path().join("content/utf16.svg"), utf16).unwrap();
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    for file in ["prefixed.svg", "utf16.svg", "schema.xsd", "grammar.rng"] {
        assert!(
            all.contains(&format!(
                "content/{file}: not published with `raw-html = false`"
            )),
            "{file}: {all}"
        );
    }
    assert!(!all.contains("plain."), "{all}");
}

/// Red team 8 (finding 9): `edit-url-template = "{path}"` put a file named
/// `javascript:alert(1).md` into every page's edit link as a script address; `{path}` is now
/// encoded as a page's own links are.
#[test]
fn the_edit_link_s_path_is_encoded() {
    let c = course(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\nsrc = \".\"\n[output.html]\nraw-html = false\nedit-url-template = \"{path}\"\n",
        ),
        ("javascript:alert(1).md", "# A\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = fs::read_to_string(c.path().join("site/javascript%3Aalert(1).html"))
        .or_else(|_| fs::read_to_string(c.path().join("site/javascript:alert(1).html")))
        .unwrap();
    assert!(html.contains("href=\"javascript%3Aalert(1).md\""), "{html}");
    assert!(!html.contains("href=\"javascript:"), "{html}");
}

/// Red team 8 (finding 10): `input-404 = "/etc/passwd"` or `"../out/s.md"` was only a
/// warning; a path that leads outside the sources is an error at its line.
#[test]
fn an_input_404_outside_the_sources_is_an_error() {
    for path in ["/etc/passwd", "../out/s.md"] {
        let book = format!("[book]\ntitle = \"T\"\n[output.html]\ninput-404 = \"{path}\"\n");
        let c = course(&[("book.toml", book.as_str()), ("content/a.md", "# A\n")]);
        let out = coursebook(&["build"], c.path());
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(
            all.contains(&format!("error: book.toml:4:1: `input-404` names `{path}`")),
            "{all}"
        );
    }
}

/// Red team 8 (findings 6 and 7): 12 MB of `---` lines in SUMMARY.md took 2.3 GB, 200,000
/// lessons of 4 bytes 879 MB. A SUMMARY.md past 20,000 entries, and a course past 20,000
/// Markdown files, are errors, found before the pages are made.
#[test]
fn summary_entries_and_lessons_are_bounded() {
    let summary = format!("# Summary\n\n- [A](a.md)\n{}", "---\n".repeat(30_000));
    let c = course(&[
        ("book.toml", BOOK),
        ("content/SUMMARY.md", summary.as_str()),
        ("content/a.md", "# A\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("content/SUMMARY.md:20002:1: SUMMARY.md has more than 20000 entries"),
        "{all}"
    );
    let c = course(&[("book.toml", BOOK)]);
    fs::create_dir_all(c.path().join("content/many")).unwrap();
    for i in 0..20_001 {
        fs::write(c.path().join(format!("content/many/f{i:05}.md")), "t\n").unwrap();
    }
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("content/many/f20000.md: the course has 20001 Markdown files, and coursebook builds courses of up to 20000"),
        "{all}"
    );
}

/// Highlighting audit: a bell, an escape sequence and C1 controls pasted with a terminal
/// session reached the page as they were (forbidden code points in HTML). Each becomes U+FFFD,
/// with a warning at the first.
#[test]
fn control_characters_in_a_lesson_become_replacement_characters() {
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\nText.\n\n```console\n$ echo \u{7}bell \u{1b}[31mred\u{1b}[0m \u{85}\u{7f}\n```\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("content/a.md:6:8: a control character (U+0007) cannot be in a web page"),
        "{all}"
    );
    let html = page(c.path(), "a.html");
    for c in ['\u{7}', '\u{1b}', '\u{85}', '\u{7f}'] {
        assert!(!html.contains(c), "U+{:04X} in the page", u32::from(c));
    }
    assert!(html.contains("\u{fffd}bell"), "{html}");
}

/// Red team 8, "nothing lost silently": what a course holds that reaches no page, or reaches it
/// otherwise than its author wrote, is a warning at its file and line: a quiz file no lesson
/// reads (renamed lesson, a case that differs, `.quiz.yml`), an include range that takes no
/// line, a marker that is no callout, a second `{{#title}}`, and code in a language nothing
/// highlights in a quiz or in R Markdown's braces.
#[test]
fn what_reaches_no_page_is_said_at_its_file_and_line() {
    let quiz = "questions:\n  - prompt: Yes?\n    type: true-false\n    answer: true\n";
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/a.md",
            "# A\n\n{{#include b.txt:5:2}}\n\n{{#include b.txt:9:}}\n\n{{#include b.txt:2:3}}\n\n> [!INFO]\n> Not a kind.\n\n> [!tip]\n> A kind.\n\n{{#title First}}\n{{#title Second}}\n\n```{r}\nx <- 1\n```\n",
        ),
        ("content/b.txt", "one\ntwo\nthree\nfour\n"),
        ("content/lesson.md", "# Lesson\n\nText.\n"),
        ("content/Lesson.quiz.yaml", quiz),
        ("content/gone.quiz.yaml", quiz),
        ("content/c.md", "# C\n\nText.\n"),
        ("content/c.quiz.yml", quiz),
        ("content/d.md", "# D\n\nText.\n"),
        (
            "content/d.quiz.yaml",
            "questions:\n  - prompt: \"Which?\\n\\n```klingon\\nQapla'\\n```\"\n    type: true-false\n    answer: true\n    hint: \"```vulcan\\nx\\n```\"\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    for needle in [
        "content/a.md:3:1: the range `:5:2` ends before it starts; nothing is included",
        "content/a.md:5:1: `b.txt` has 4 lines, and the range starts at line 9; nothing is included",
        "content/a.md:9:1: `[!INFO]` is not a callout; the quote is shown as written",
        "content/a.md:16:1: a second `{{#title}}`: the page's title is this one, not the one at content/a.md:15",
        "content/Lesson.quiz.yaml: no lesson reads this quiz",
        "rename it `lesson.quiz.yaml`, or add `quiz: Lesson.quiz.yaml` to the front matter of content/lesson.md",
        "content/gone.quiz.yaml: no lesson reads this quiz",
        "content/c.quiz.yml: no lesson reads this quiz",
        "rename it `c.quiz.yaml`",
        "content/d.quiz.yaml:2:5: this question has code blocks shown as their code (```klingon, ```vulcan)",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
    }
    // Nothing else is said about what was taken as written.
    assert!(!all.contains("[!tip]"), "{all}");
    assert!(!all.contains("b.txt:2:3"), "{all}");
    let html = page(c.path(), "a.html");
    assert!(html.contains("<title>Second"), "{html}");
    assert!(html.contains("two\nthree"), "{html}");
    // R Markdown's ```{r} is R's code, highlighted (it was no language at all).
    assert!(!all.contains("```r"), "{all}");
    let r = &html[html.find("class=\"language-r\"").expect("an R block")..];
    assert!(
        r[..r.find("</pre>").unwrap()].contains("<span class=\"hl-"),
        "{r}"
    );
}

/// Red team 9: a quiz file a lesson reads through an include or a link is not "on no page"
/// (`--deny-warnings` failed a CI build that shared quizzes so); control characters coming in
/// through an included file, SUMMARY.md, a character reference or a NUL byte are replaced and
/// said as a lesson's own are; a file name holding one is an error (its links were dead); an
/// empty range of `{{#rustdoc_include}}` keeps the program, hidden, as mdBook does.
#[test]
fn what_lessons_read_by_include_or_link_is_theirs_and_controls_are_said_wherever_they_come_from() {
    let quiz = "questions:\n  - prompt: Shared?\n    type: true-false\n    answer: true\n";
    let c = course(&[
        ("book.toml", BOOK),
        (
            "content/SUMMARY.md",
            "# Summary\n\n- [In\u{7}tro](a.md)\n- [B](b.md)\n- [C](c.md)\n",
        ),
        (
            "content/a.md",
            "# A\n\n```quiz\n{{#include shared/common.quiz.yaml}}\n```\n\n```text\n{{#include out.txt}}\n```\n\nEntity &#1; here.\n",
        ),
        ("content/shared/common.quiz.yaml", quiz),
        ("content/shared/linked.quiz.yaml", quiz),
        (
            "content/b.md",
            "# B\n\nA NUL\u{0} byte.\n\n{{#rustdoc_include f.rs:9}}\n",
        ),
        ("content/f.rs", "fn main() {\n    println!(\"hi\");\n}\n"),
        ("content/c.md", "# C\n"),
        ("content/out.txt", "before\u{7}bell \u{1b}[31mred\n"),
    ]);
    symlink(
        "shared/linked.quiz.yaml",
        c.path().join("content/c.quiz.yaml"),
    )
    .unwrap();
    let out = coursebook(&["build", "--deny-warnings"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    for needle in [
        "content/SUMMARY.md:3:6: a control character (U+0007)",
        "content/out.txt:1:7: a control character (U+0007)",
        "content/a.md:11:8: a character reference to a control character (U+0001)",
        "content/b.md:3:6: a control character (U+0000)",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
    }
    assert!(!all.contains("no lesson reads"), "{all}");
    assert!(!all.contains("left out"), "{all}");
    assert!(!all.contains("f.rs"), "{all}");
    // Warnings only: without --deny-warnings it builds, and no control character is written.
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    for name in ["a.html", "b.html", "c.html", "print.html", "index.html"] {
        let html = page(c.path(), name);
        assert!(
            !html
                .chars()
                .any(|c| c.is_control() && !"\t\n\r\u{c}".contains(c)),
            "{name}: {html}"
        );
    }
    assert!(page(c.path(), "c.html").contains("Shared?"));
    assert!(
        page(c.path(), "b.html").contains("println!"),
        "the program, hidden"
    );

    let c = course(&[
        ("book.toml", BOOK),
        ("content/a.md", "# A\n"),
        ("content/b\u{7}c.md", "# B\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("content/b\\u{7}c.md: the file's path holds a control character (U+0007)"),
        "{all}"
    );
}

/// Highlighting audit: a quiz's Rust program showed its hidden `# ` lines, `#` and all. They
/// are hidden as in a lesson, but in a numbered program, whose lines a question counts; and a
/// book's `[output.html.code.hidelines]` applies to quiz code too (red team 9).
#[test]
fn quiz_code_hides_rust_s_hidden_lines_but_in_a_numbered_program() {
    let book = format!("{BOOK}[output.html.code.hidelines]\npython = \"~\"\n");
    let c = course(&[
        ("book.toml", book.as_str()),
        ("content/a.md", "# A\n\nText.\n"),
        (
            "content/a.quiz.yaml",
            "questions:\n  - prompt: \"What does it print?\\n\\n```rust\\n# fn main() {\\nprintln!(\\\"hidden\\\");\\n# }\\n```\"\n    type: text\n    answers: [hidden]\n  - prompt: \"Which line fails?\\n\\n```rust numbered\\n# fn main() {\\nlet x: u8 = 256;\\n# }\\n```\"\n    type: numeric\n    answer: 2\n  - prompt: Python?\n    type: true-false\n    answer: true\n    hint: \"```python\\n~import os\\nprint(1)\\n```\"\n",
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = page(c.path(), "a.html");
    let python = &html[html.find("language-python").unwrap()..];
    let python = &python[..python.find("</pre>").unwrap()];
    assert!(python.contains("<span class=\"boring\">"), "{python}");
    assert!(!python.contains("~import"), "{python}");
    let first = &html[html.find("What does it print?").unwrap()..];
    let block = &first[..first.find("</pre>").unwrap()];
    assert!(block.contains("<span class=\"boring\">"), "{block}");
    assert!(!block.contains("# fn main"), "{block}");
    let second = &html[html.find("Which line fails?").unwrap()..];
    let block = &second[..second.find("</pre>").unwrap()];
    assert!(!block.contains("boring"), "{block}");
    assert!(
        block.contains("# "),
        "the numbered program keeps its lines: {block}"
    );
}

/// `fuzz_highlight`: `(*` 4,000 times in a ```` ```ml ```` block (OCaml's comments nest) made
/// a span list per scope stack of up to 15,680 scopes: 878 MB and 1.5 s for an 8 KB lesson;
/// 8 KB of `(` in a ```` ```batch ```` block 658 MB in the tokenizer. Spans nest at most 32
/// deep, and a block is highlighted up to the line where brackets nest past 256.
#[test]
fn deeply_nesting_code_is_highlighted_in_bounded_memory() {
    let code = format!("{}\n", "(*".repeat(49)).repeat(80);
    let batch = format!("{}\n", "(".repeat(57)).repeat(140);
    let lesson = format!("# A\n\n```ml\n{code}```\n\n```batch\n{batch}```\n");
    let c = course(&[("book.toml", BOOK), ("content/a.md", &lesson)]);
    let child = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["build", "-q", "--no-cache"])
        .current_dir(c.path())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let (status, peak) = peak_memory_mb(child);
    assert!(status.success());
    assert!(peak < 100, "two 8 KB blocks took {peak} MB");
    let html = fs::read_to_string(c.path().join("site/a.html")).unwrap();
    let block = &html[html.find("language-ml").unwrap()..];
    let block = &block[..block.find("</pre>").unwrap()];
    assert!(block.contains("hl-comment"), "still highlighted");
    assert!(
        block.matches("<span").count() <= 32,
        "spans nest at most 32 deep"
    );
    assert_eq!(block.matches("(*").count(), 49 * 80, "every byte written");
}

/// Footnotes are gathered at the page's end (markdown/footnotes.rs): 40,000 of them, each
/// defined twice (as many as the page's markup bound lets through), are written once each,
/// their first definition, without a search of the list for each one (which was quadratic).
#[test]
fn a_page_of_forty_thousand_footnotes_defined_twice_builds() {
    let mut page = String::from("# Notes\n\n");
    for i in 0..40_000 {
        page.push_str(&format!("x[^{i}] "));
    }
    page.push_str("\n\n");
    for i in 0..40_000 {
        page.push_str(&format!("[^{i}]: Note {i}.\n\n[^{i}]: Again {i}.\n\n"));
    }
    let c = course(&[("book.toml", BOOK), ("content/notes.md", page.as_str())]);
    let started = Instant::now();
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let html = support::page(c.path(), "notes.html");
    assert_eq!(html.matches("<li id=\"footnote-").count(), 40_000);
    assert!(
        html.contains(
            "<li id=\"footnote-39999\">\n<p>Note 39999. <a href=\"#fr-39999-1\">↩</a></p>"
        )
    );
    assert!(!html.contains("Again 5."));
}
