//! What the build writes for the learner's progress (issue #14): every page names its course's
//! storage, lessons by their `id` or URL, the progress page lists every lesson, a lesson's `id`
//! is checked, and the generated pages' URLs are the build's own. The scripts that paint it are
//! tested in a browser (tests/browser/progress.test.mjs).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

#[path = "support/course.rs"]
mod support;

use support::{course, coursebook, page, text};

const SUMMARY: &str = "# Summary\n\n- [One](one.md)\n  - [Two](two.md)\n- [Three](three.md)\n";

fn book(title: &str) -> String {
    format!("[book]\ntitle = \"{title}\"\n\n[output.html]\nsite-url = \"/school/\"\n")
}

#[test]
fn pages_name_the_course_and_each_lesson_for_its_saved_progress() {
    let c = course(&[
        ("book.toml", book("Two Courses, One Domain")),
        ("content/SUMMARY.md", SUMMARY.into()),
        (
            "content/one.md",
            "---\nid: first-lesson\n---\n# One\n\n## Start here\n\n## Then this\n\n```quiz\nquestions:\n  - id: q\n    type: true-false\n    prompt: Yes?\n    answer: true\n```\n".into(),
        ),
        ("content/two.md", "# Two\n\nText.\n".into()),
        ("content/three.md", "# Three\n\nThe end.\n".into()),
    ]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let one = page(c.path(), "one.html");
    let course_id = "coursebook:/school/:two-courses-one-domain";
    assert!(
        one.contains(&format!("data-course=\"{course_id}\"")),
        "{one}"
    );
    assert!(
        one.contains("data-lesson=\"first-lesson\""),
        "the id names the lesson"
    );
    // Its quiz's answers are saved under the lesson's id, not its URL.
    assert!(
        one.contains(&format!("data-store=\"{course_id}:first-lesson:quiz")),
        "{one}"
    );
    assert!(
        !one.contains("data-mark-done"),
        "a lesson with a quiz is done by its quiz"
    );
    // "On this page" lists the sections.
    assert!(
        one.contains("<a href=\"#start-here\">Start here</a>"),
        "{one}"
    );
    assert!(
        one.contains("<a href=\"#then-this\">Then this</a>"),
        "{one}"
    );

    // A lesson without an id is named by its URL; without a quiz it offers "Mark as done".
    let two = page(c.path(), "two.html");
    assert!(two.contains("data-lesson=\"two.html\""), "{two}");
    assert!(two.contains("data-mark-done"), "{two}");
    assert!(
        !two.contains("class=\"course-end\""),
        "only the last lesson ends the course"
    );
    // The last lesson ends with the course's progress and a link to the progress page.
    let three = page(c.path(), "three.html");
    assert!(three.contains("class=\"course-end\""), "{three}");
    assert!(three.contains("href=\"progress.html\""), "{three}");

    // The progress page lists every lesson with its name; the home page starts at the first.
    let progress = page(c.path(), "progress.html");
    for (href, key) in [
        ("one.html", "first-lesson"),
        ("two.html", "two.html"),
        ("three.html", "three.html"),
    ] {
        assert!(
            progress.contains(&format!("<a href=\"{href}\" data-lesson=\"{key}\">")),
            "{href} in {progress}"
        );
    }
    assert!(progress.contains("data-export"), "{progress}");
    assert!(progress.contains("data-import"), "{progress}");
    assert!(
        progress.contains("7 days"),
        "the Safari warning next to Export"
    );
    assert!(
        !progress.contains("data-quiz"),
        "no quiz is carried by the progress page"
    );
    let home = page(c.path(), "index.html");
    assert!(
        home.contains("data-continue href=\"one.html\">Start the course</a>"),
        "{home}"
    );

    // Another course on the same domain has its own storage.
    let other = course(&[
        ("book.toml", book("Another Course")),
        ("content/SUMMARY.md", SUMMARY.into()),
        ("content/one.md", "# One\n".into()),
        ("content/two.md", "# Two\n".into()),
        ("content/three.md", "# Three\n".into()),
    ]);
    let out = coursebook(&["build", "-q"], other.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        page(other.path(), "one.html")
            .contains("data-course=\"coursebook:/school/:another-course\"")
    );
}

#[test]
fn a_lesson_id_is_a_plain_name_of_one_lesson_only() {
    let c = course(&[
        ("book.toml", book("Ids")),
        ("content/SUMMARY.md", SUMMARY.into()),
        ("content/one.md", "---\nid: same\n---\n# One\n".into()),
        (
            "content/two.md",
            "---\ntitle: Two\nid: same\n---\n# Two\n".into(),
        ),
        (
            "content/three.md",
            "---\nid: \"no:colons\"\n---\n# Three\n".into(),
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains(
            "error: content/two.md:3:5: the lesson id \"same\" is already the id of content/one.md"
        ),
        "{all}"
    );
    assert!(
        all.contains(
            "error: content/three.md:2:5: the lesson id \"no:colons\" is not a plain name"
        ),
        "{all}"
    );
    assert!(!c.path().join("site").exists(), "nothing written");
}

#[test]
fn a_page_may_not_take_the_url_of_a_page_the_build_writes() {
    let c = course(&[
        ("book.toml", book("Clash")),
        (
            "content/SUMMARY.md",
            "# Summary\n\n- [Progress](progress.md)\n".into(),
        ),
        ("content/progress.md", "# My progress notes\n".into()),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("error: content/progress.md: this page would be written to progress.html, where coursebook writes the course's progress page"),
        "{all}"
    );
}
