//! The interface in the course's language (issue #13): book.toml's `language` picks the
//! strings, `text-direction` (or the language) the layout direction, and a course's theme
//! overrides strings key by key, with warnings for what it gets wrong.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

#[path = "support/course.rs"]
mod support;

use support::{course, coursebook, page, text};

const LESSON: &str = "---\ntitle: Lesson\n---\n\n> [!TIP]\n> A callout with its default title.\n\n- [x] a task done\n\n```quiz\nquestions:\n  - id: q\n    type: true-false\n    prompt: Yes?\n    answer: true\n  - id: o\n    type: order\n    prompt: Order them\n    items: [a, b]\n```\n";

fn book(extra: &str) -> String {
    format!("[book]\ntitle = \"Langues\"\n{extra}")
}

#[test]
fn french_pages_speak_french_everywhere_a_learner_reads() {
    let c = course(&[
        ("book.toml", book("language = \"fr\"\n")),
        ("content/a.md", LESSON.to_string()),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("warning"), "{}", text(&out));
    let html = page(c.path(), "a.html");
    assert!(html.contains("<html lang=\"fr\" dir=\"ltr\">"), "{html}");
    for french in [
        ">Astuce<",
        "aria-label=\"Fait\"",
        "Vérifier les réponses",
        "Table des matières",
        "Vrai",
        "Faux",
        "Sommaire",
    ] {
        assert!(html.contains(french), "no {french:?} in:\n{html}");
    }
    for english in [">Check answers<", ">Contents<", ">True<", "Skip to content"] {
        assert!(
            !html.contains(english),
            "{english:?} left in English:\n{html}"
        );
    }
    // The scripts' strings are one file the pages share, in French.
    let strings = page(c.path(), "theme/strings.json");
    assert!(strings.contains("Pas tout à fait"), "{strings}");
    assert!(
        !html.contains("Pas tout à fait"),
        "the page carries the scripts' strings"
    );
    // The 404 page and the contents page too.
    assert!(page(c.path(), "404.html").contains("dir=\"ltr\""));
    assert!(!page(c.path(), "toc.html").contains("(coming soon)"));
}

/// Russian (2026-12-05: a Russian book's search said "5 results" in English): its strings, and
/// the three plural forms its numbers take.
#[test]
fn russian_pages_speak_russian_with_its_plural_forms() {
    let c = course(&[
        ("book.toml", book("language = \"ru\"\n")),
        ("content/a.md", LESSON.to_string()),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("warning"), "{}", text(&out));
    let html = page(c.path(), "a.html");
    assert!(html.contains("<html lang=\"ru\" dir=\"ltr\">"), "{html}");
    for russian in [
        ">Совет<",
        "Проверить ответы",
        "Оглавление",
        "Верно",
        "Перейти к содержимому",
    ] {
        assert!(html.contains(russian), "no {russian:?} in:\n{html}");
    }
    assert!(!html.contains("Skip to content"), "{html}");
    let strings = page(c.path(), "theme/strings.json");
    for form in [
        "{count} результат\"",
        "{count} результата\"",
        "{count} результатов\"",
    ] {
        assert!(strings.contains(form), "no {form:?} in {strings}");
    }
}

/// Ukrainian, with Russian's plural rule (CLDR's for `uk`): its strings, not Russian's.
#[test]
fn ukrainian_pages_speak_ukrainian_with_its_plural_forms() {
    let c = course(&[
        ("book.toml", book("language = \"uk\"\n")),
        ("content/a.md", LESSON.to_string()),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("warning"), "{}", text(&out));
    let html = page(c.path(), "a.html");
    assert!(html.contains("<html lang=\"uk\" dir=\"ltr\">"), "{html}");
    for ukrainian in [
        ">Порада<",
        "Перевірити відповіді",
        "Перейти до вмісту",
        "Правда",
    ] {
        assert!(html.contains(ukrainian), "no {ukrainian:?} in:\n{html}");
    }
    assert!(!html.contains("Skip to content"), "{html}");
    assert!(!html.contains("Проверить ответы"), "{html}");
    let strings = page(c.path(), "theme/strings.json");
    for form in [
        "{count} результат\"",
        "{count} результати\"",
        "{count} результатів\"",
    ] {
        assert!(strings.contains(form), "no {form:?} in {strings}");
    }
}

#[test]
fn arabic_and_hebrew_pages_run_right_to_left_unless_book_toml_says_otherwise() {
    let c = course(&[
        ("book.toml", book("language = \"ar\"\n")),
        ("content/a.md", LESSON.to_string()),
    ]);
    let out = coursebook(&["build", "-q"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = page(c.path(), "a.html");
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
    assert!(html.contains(">صح</label>"), "{html}");

    // Hebrew has no translation: English strings, right to left, and a warning that says so.
    let c = course(&[
        (
            "book.toml",
            book("description = \"x\"\nlanguage = \"he\"\n"),
        ),
        ("content/a.md", LESSON.to_string()),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("warning: book.toml:4:1: coursebook has no translation for language \"he\""),
        "{all}"
    );
    assert!(page(c.path(), "a.html").contains("<html lang=\"he\" dir=\"rtl\">"));

    let c = course(&[
        (
            "book.toml",
            book("language = \"ar\"\ntext-direction = \"ltr\"\n"),
        ),
        ("content/a.md", LESSON.to_string()),
    ]);
    assert!(coursebook(&["build", "-q"], c.path()).status.success());
    assert!(page(c.path(), "a.html").contains("<html lang=\"ar\" dir=\"ltr\">"));
}

/// A strings file's `meta.direction` that is neither "ltr" nor "rtl" was ignored silently.
#[test]
fn a_direction_that_is_not_ltr_or_rtl_is_a_warning() {
    let c = course(&[
        (
            "book.toml",
            book("language = \"fr\"\n[output.html]\ntheme = \"theme\"\n"),
        ),
        ("content/a.md", LESSON.to_string()),
        (
            "theme/i18n/fr.toml",
            "[meta]\ndirection = \"rtl \"\n".to_string(),
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains(
            "warning: theme/i18n/fr.toml:2:1: `meta.direction` is \"rtl \", not \"ltr\" or \"rtl\"; ignored"
        ),
        "{all}"
    );
    assert!(page(c.path(), "a.html").contains("<html lang=\"fr\" dir=\"ltr\">"));
}

#[test]
fn a_course_overrides_one_string_and_hears_about_a_misspelt_key() {
    let c = course(&[
        (
            "book.toml",
            book("language = \"fr\"\n[output.html]\ntheme = \"theme\"\n"),
        ),
        ("content/a.md", LESSON.to_string()),
        (
            "theme/i18n/fr.toml",
            "[quiz]\ncheck = \"Corriger\"\nchek = \"typo\"\n".to_string(),
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains(
            "warning: theme/i18n/fr.toml:3:1: `quiz.chek` is not a string coursebook uses; ignored"
        ),
        "{all}"
    );
    let html = page(c.path(), "a.html");
    assert!(html.contains(">Corriger</button>"), "{html}");
    // The rest stays coursebook's French.
    assert!(html.contains("Effacer les réponses enregistrées"), "{html}");
    // Strings files are read by the build, not published.
    assert!(!c.path().join("site/theme/i18n").exists());
}

#[test]
fn a_language_coursebook_lacks_takes_the_courses_strings_and_english_for_the_rest() {
    let c = course(&[
        (
            "book.toml",
            book("language = \"eo\"\n[output.html]\ntheme = \"theme\"\n"),
        ),
        ("content/a.md", LESSON.to_string()),
        (
            "theme/i18n/eo.toml",
            "[quiz]\ncheck = \"Kontroli respondojn\"\n".to_string(),
        ),
    ]);
    let out = coursebook(&["build"], c.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("warning: theme/i18n/eo.toml: "), "{all}");
    assert!(
        all.contains("interface strings are missing and shown in English"),
        "{all}"
    );
    assert_eq!(all.matches("warning").count(), 1, "{all}");
    let html = page(c.path(), "a.html");
    assert!(html.contains(">Kontroli respondojn</button>"), "{html}");
    assert!(html.contains(">Reset saved answers</button>"), "{html}");
}

#[test]
fn a_language_that_is_not_a_tag_is_refused_at_its_line() {
    let c = course(&[
        ("book.toml", book("language = \"../../etc/x\"\n")),
        ("content/a.md", LESSON.to_string()),
    ]);
    let out = coursebook(&["build"], c.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out)
            .contains("error: book.toml:3:1: language = \"../../etc/x\" is not a language tag"),
        "{}",
        text(&out)
    );
}
