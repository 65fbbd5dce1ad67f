//! An existing mdBook book builds unchanged (issue #15): small fixture books, one per feature —
//! book.toml as mdBook reads it, the `links` preprocessor's directives, hidden lines, links and
//! heading ids as mdBook makes them, SUMMARY.md as mdBook parses it — with snapshots of what
//! the build says and of the rendered fragments.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

#[path = "support/course.rs"]
mod support;

use support::{course, coursebook, page, text};

/// A book in mdBook's layout: `src/`, no `content/`.
fn book(toml: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let mut all: Vec<(&str, &str)> = vec![("book.toml", toml)];
    all.extend_from_slice(files);
    course(&all)
}

/// What the build printed, with the temporary folder's path taken out.
fn said(dir: &std::path::Path, out: &std::process::Output) -> String {
    let canonical = dir.canonicalize().unwrap();
    text(out)
        .replace(&canonical.display().to_string(), "<book>")
        .lines()
        .filter(|l| !l.starts_with("Built "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page's `<main>`, for snapshots of what a directive became.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap();
    &html[start..end]
}

#[test]
fn every_mdbook_key_is_accepted_with_one_warning_for_what_is_not_done() {
    let toml = r#"[book]
authors = ["A"]
language = "en"

[rust]
edition = "2021"

[build]
create-missing = false
extra-watch-dirs = ["po"]

[output.html]
smart-punctuation = true
mathjax-support = true
hash-files = true
additional-css = ["theme/x.css"]
no-section-label = false

[output.html.playpen]
editable = true

[output.html.fold]
enable = true

[output.html.code.hidelines]
python = "~"

[output.html.search]
limit-results = 20

[output.html.redirect]
"/old.html" = "new.html"

[preprocessor.gettext]
after = ["links"]

[preprocessor.links]
"#;
    let b = book(
        toml,
        &[
            ("src/SUMMARY.md", "# Summary\n\n- [One](one.md)\n"),
            ("src/one.md", "# One\n\nText.\n"),
            ("theme/x.css", "main { color: teal; }\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    insta::assert_snapshot!(said(b.path(), &out));
    // additional-css: published at its path and linked after the theme's stylesheet.
    assert_eq!(page(b.path(), "theme/x.css"), "main { color: teal; }\n");
    let one = page(b.path(), "one.html");
    let theirs = one.find("href=\"theme/x.css?v=").unwrap();
    assert!(one.find("theme/css/book.css").unwrap() < theirs, "{one}");
    // No title: the book's folder names it; without `src`, mdBook's `src/` is read.
    assert!(page(b.path(), "one.html").contains("<h1 id=\"one\">One</h1>"));

    // A typo of a key is a warning with the key it resembles (mdBook 0.4 ignored it), and an
    // error with `--deny-warnings` (as in mdBook 0.5).
    let b = book(
        "[book]\ntitle = \"T\"\n\n[output.html]\ngit-repository-ulr = \"x\"\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n"),
            ("src/one.md", "# One\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("warning: book.toml:5:1: unknown key `git-repository-ulr` in [output.html] is ignored; did you mean `git-repository-url`?"),
        "{}",
        text(&out)
    );
    let out = coursebook(&["build", "--deny-warnings"], b.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("book.toml:5:1: unknown key `git-repository-ulr`"),
        "{}",
        text(&out)
    );
}

const LISTING: &str = "use std::fmt;\n// ANCHOR: body\nfn main() {\n    // ANCHOR: inner\n    println!(\"hi\");\n    // ANCHOR_END: inner\n}\n// ANCHOR_END: body\n";

#[test]
fn the_links_preprocessors_directives_are_expanded() {
    let b = book(
        "[book]\ntitle = \"Links\"\n",
        &[
            ("src/SUMMARY.md", "# Summary\n\n- [Includes](includes.md)\n"),
            (
                "src/includes.md",
                "{{#title A better title}}\n# Includes\n\nWhole:\n\n```rust\n{{#include listing.rs}}\n```\n\nLines 3 to 4:\n\n```rust\n{{#include listing.rs:3:4}}\n```\n\nFrom 7, up to 1, line 5:\n\n```text\n{{#include listing.rs:7:}}\n{{#include listing.rs::1}}\n{{#include listing.rs:5}}\n```\n\nAn anchor (its marks dropped):\n\n```rust\n{{#include listing.rs:body}}\n```\n\nRustdoc:\n\n```rust\n{{#rustdoc_include listing.rs:inner}}\n```\n\n{{#playground listing.rs editable}}\n\n- In a list:\n\n  {{#include parts/nested.md}}\n\nShown as written: \\{{#include listing.rs}}\n",
            ),
            ("src/listing.rs", LISTING),
            (
                "src/parts/nested.md",
                "Nested, and including in turn:\n{{#include ../listing.rs:1}}\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    // Only that mdBook's Run button is not there, once, at the first Rust block.
    assert_eq!(
        said(b.path(), &out),
        "warning: src/includes.md:6:1: Rust code is shown without mdBook's Run button: it would send the code to play.rust-lang.org, and coursebook's pages make no request outside the site\n  help: said once for the book, at its first runnable block (mark a block `ignore` or `noplayground` as mdBook reads them); copying and hidden lines work as in mdBook"
    );
    let html = page(b.path(), "includes.html");
    assert!(
        html.contains("<title>A better title · Links</title>"),
        "{html}"
    );
    insta::assert_snapshot!(main_of(&html));
}

/// A file SUMMARY.md does not list is not built, so what its includes would break does not
/// fail the build (Comprehensive Rust has such a page): it is one warning, that it is not built.
#[test]
fn an_unlisted_page_with_a_broken_include_is_only_not_built() {
    let b = book(
        "[book]\ntitle = \"Unlisted\"\n",
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n"),
            ("src/a.md", "# A\n"),
            ("src/old.md", "# Old\n\n{{#include gone.rs}}\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        said(b.path(), &out),
        "warning: src/old.md: this file is not listed in SUMMARY.md, so it is not built"
    );
}

#[test]
fn a_broken_include_is_an_error_at_its_line_and_unknown_directives_are_warnings() {
    let b = book(
        "[book]\ntitle = \"Broken\"\n",
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n"),
            (
                "src/a.md",
                "# A\n\n{{#include missing.rs}}\n\n{{#include listing.rs:nope}}\n\n{{#include loop.md}}\n\n{{#include ../../../etc/hostname}}\n\n{{#toc}}\n\n```handlebars\n{{#each items}}\n```\n\n{{%segment outline}}\n\n`{{%session outline}}` and {{% hugo %}}\n",
            ),
            ("src/listing.rs", LISTING),
            ("src/loop.md", "Again:\n{{#include a.md}}\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    insta::assert_snapshot!(said(b.path(), &out));
    assert!(!b.path().join("book").exists() && !b.path().join("site").exists());
}

#[test]
fn deny_warnings_fails_a_build_that_only_warns() {
    let b = book(
        "[book]\ntitle = \"W\"\n",
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n"),
            ("src/a.md", "# A\n\n{{#toc}}\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let site = b.path().join("site");
    std::fs::remove_dir_all(&site).unwrap();
    for cmd in [
        &["build", "--deny-warnings"][..],
        &["check", "--deny-warnings"][..],
    ] {
        let out = coursebook(cmd, b.path());
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            text(&out).contains(
                "error: 1 problem found (--deny-warnings: warnings count); nothing was written"
            ),
            "{}",
            text(&out)
        );
    }
    assert!(!site.exists(), "nothing written");
}

#[test]
fn hidden_lines_links_ids_and_summary_as_mdbook_makes_them() {
    let b = book(
        "[book]\ntitle = \"Hidden\"\n\n[output.html.code.hidelines]\npython = \"~\"\n",
        &[
            (
                "src/SUMMARY.md",
                "# Summary\n\n<!-- The introduction\n     comes first. -->\n[Intro](README.md)\n\n## Basics\n\n1. [Code](code.md)\n   - [Draft]()\n\n---\n\n### More\n\n- [Guide](guide/README.md)\n",
            ),
            (
                "src/README.md",
                "# Intro\n\nSee [the code](code.html#hidden_lines--here) and [the guide](guide/index.html), and [the standard library](../std/index.html).\n\nStale links in mdBook's form warn (mdBook never checks them): [gone](gone.html), [moved](code.html#nope).\n",
            ),
            (
                "src/code.md",
                "# Code\n\n## Hidden_lines -- here\n\n```rust\n# fn main() {\nlet x = 1;\n## not hidden\n# }\n```\n\n```python\n~import os\nprint(1)\n```\n",
            ),
            (
                "src/guide/README.md",
                "# Guide\n\nBack to [the intro](../README.md).\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    insta::assert_snapshot!("hidden_links_summary_said", said(b.path(), &out));
    let code = page(b.path(), "code.html");
    // mdBook's id: underscores and both hyphens kept.
    assert!(code.contains("<h2 id=\"hidden_lines--here\">"), "{code}");
    insta::assert_snapshot!("hidden_lines", main_of(&code));
    // `README.md` is its folder's index page; `.html` links lead to the pages they name.
    let intro = page(b.path(), "index.html");
    assert!(
        intro.contains("href=\"code.html#hidden_lines--here\""),
        "{intro}"
    );
    assert!(intro.contains("href=\"guide/index.html\""), "{intro}");
    assert!(
        intro.contains("href=\"../std/index.html\""),
        "kept as written"
    );
    assert!(page(b.path(), "guide/index.html").contains("href=\"../index.html\""));
    // The draft is listed, unlinked; parts at any heading level.
    let toc = page(b.path(), "toc.html");
    assert!(toc.contains("Draft"), "{toc}");
    assert!(toc.contains(">Basics<") && toc.contains(">More<"), "{toc}");
}

#[test]
fn additional_files_stay_inside_the_course_and_scripts_need_raw_html() {
    let b = book(
        "[book]\ntitle = \"Extra\"\n\n[output.html]\nraw-html = false\nadditional-css = [\"../outside.css\", \"theme/css/book.css\", \"missing.css\"]\nadditional-js = [\"x.js\"]\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n"),
            ("src/one.md", "# One\n"),
            ("theme/css/book.css", "/* mine */\n"),
            ("x.js", "alert(1)\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    insta::assert_snapshot!(said(b.path(), &out));
}

#[test]
fn redirects_send_readers_from_old_paths_without_a_script() {
    let b = book(
        "[book]\ntitle = \"Moved\"\n\n[output.html.redirect]\n\"/format/config.html\" = \"../one.html\"\n\"old.html\" = \"https://example.org/new.html\"\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n"),
            ("src/one.md", "# One\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let moved = page(b.path(), "format/config.html");
    assert!(
        moved.contains("<meta http-equiv=\"refresh\" content=\"0; URL=../one.html\">"),
        "{moved}"
    );
    assert!(moved.contains("<a href=\"../one.html\">"), "{moved}");
    assert!(!moved.contains("<script"), "{moved}");
    assert!(page(b.path(), "old.html").contains("URL=https://example.org/new.html"));

    let b = book(
        "[book]\ntitle = \"Moved\"\n\n[output.html.redirect]\n\"one.html\" = \"two.html\"\n\"x.html\" = \"javascript:alert(1)\"\n\"/.coursebook\" = \"one.html\"\n\".git/config\" = \"one.html\"\n\"print.html\" = \"one.html\"\n\"search/meta.json\" = \"one.html\"\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n"),
            ("src/one.md", "# One\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("redirect: `one.html` is a page of the course"),
        "{said}"
    );
    assert!(
        said.contains("redirect: `x.html` leads to `javascript:alert(1)`"),
        "{said}"
    );
    // Not coursebook's marker (the next build refused the folder), nor a hidden file, nor a
    // file the build writes later (red team 5).
    for old in [
        "/.coursebook",
        ".git/config",
        "print.html",
        "search/meta.json",
    ] {
        assert!(
            said.contains(&format!(
                "redirect: `{old}` is a file coursebook writes or a hidden file"
            )),
            "{said}"
        );
    }
}

/// A section's old address (`"/ref/manifest.html#patch" = "overriding.html#patch"`, 52 in
/// Cargo's book, 66 in the Reference): the page sends it on with book.js, as mdBook's script
/// does (a file named `manifest.html#patch` was written instead); one on a page the course does
/// not have, or to a script address, is a warning. `tests/browser/mdbook-book.test.mjs` follows
/// one in Chromium.
#[test]
fn a_section_s_old_address_is_sent_on_by_its_page() {
    let b = book(
        "[book]\ntitle = \"Moved\"\n\n[output.html.redirect]\n\"/ref/manifest.html#the-patch\" = \"overriding.html#the-patch\"\n\"/ref/manifest.html#old\" = \"../one.html\"\n\"/gone.html#x\" = \"one.html\"\n\"/one.html#y\" = \"javascript:alert(1)\"\n",
        &[
            (
                "src/SUMMARY.md",
                "- [One](one.md)\n- [Manifest](ref/manifest.md)\n- [Overriding](ref/overriding.md)\n",
            ),
            ("src/one.md", "# One\n"),
            ("src/ref/manifest.md", "# Manifest\n"),
            ("src/ref/overriding.md", "# Overriding\n\n## The patch\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let manifest = page(b.path(), "ref/manifest.html");
    assert!(
        manifest.contains(
            "data-redirects=\"{&quot;old&quot;:&quot;../one.html&quot;,&quot;the-patch&quot;:&quot;overriding.html#the-patch&quot;}\""
        ),
        "{manifest}"
    );
    assert!(!page(b.path(), "one.html").contains("data-redirects"));
    assert!(!b.path().join("site/ref/manifest.html#the-patch").exists());
    assert!(!b.path().join("site/gone.html#x").exists());
    let said = text(&out);
    assert!(
        said.contains("warning: book.toml:7:1: redirect: `/gone.html#x` is a section of `/gone.html`, which is not a page of the course"),
        "{said}"
    );
    assert!(
        said.contains("redirect: `/one.html#y` leads to `javascript:alert(1)`"),
        "{said}"
    );
}

#[test]
fn with_summary_md_pages_keep_mdbooks_urls() {
    let b = book(
        "[book]\ntitle = \"Urls\"\n[output.html]\nsite-url = \"https://example.org/docs/\"\n",
        &[
            (
                "src/SUMMARY.md",
                "[Intro](README.md)\n\n- [First](01-part/01-first.md)\n",
            ),
            ("src/README.md", "# Intro\n\n![a figure](01-part/img.svg)\n"),
            ("src/01-part/01-first.md", "# First\n"),
            (
                "src/01-part/img.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            (
                "src/404.md",
                "# Lost\n\nTry [the start](README.md) or [the first](01-part/01-first.md#first).\n\n![a figure](01-part/img.svg)\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    // The numbers stay in the names, as mdBook writes them; the figure is where it was.
    assert!(page(b.path(), "01-part/01-first.html").contains("<h1 id=\"first\">First</h1>"));
    assert!(page(b.path(), "index.html").contains("src=\"01-part/img.svg\""));
    assert!(b.path().join("site/01-part/img.svg").is_file());
    assert_eq!(said(b.path(), &out), "");
    // src/404.md (mdBook's `input-404`) is the page-not-found page, its addresses absolute, as
    // it is served at any depth; it is not a lesson.
    let not_found = page(b.path(), "404.html");
    for wanted in [
        "<h1 id=\"lost\">Lost</h1>",
        "href=\"/docs/index.html\"",
        "href=\"/docs/01-part/01-first.html#first\"",
        "src=\"/docs/01-part/img.svg\"",
    ] {
        assert!(
            not_found.contains(wanted),
            "{wanted} missing: {}",
            main_of(&not_found)
        );
    }
    assert!(!page(b.path(), "toc.html").contains("Lost"));
    assert!(!page(b.path(), "sitemap.xml").contains("404"));
    // `input-404` names another file.
    std::fs::rename(b.path().join("src/404.md"), b.path().join("src/missing.md")).unwrap();
    std::fs::write(
        b.path().join("book.toml"),
        "[book]\ntitle = \"Urls\"\n[output.html]\ninput-404 = \"missing.md\"\n",
    )
    .unwrap();
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(page(b.path(), "404.html").contains("<h1 id=\"lost\">Lost</h1>"));
}

#[test]
fn mathjax_delimiters_are_math_and_section_labels_can_go() {
    let b = book(
        "[book]\ntitle = \"Maths\"\n\n[output.html]\nmathjax-support = true\nno-section-label = true\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n  - [Two](two.md)\n"),
            (
                "src/one.md",
                "# One\n\nInline \\\\( x^2 \\\\) and display:\n\n\\\\[ \\sum_i x_i \\\\]\n\nIn code: `\\\\( no \\\\)`.\n",
            ),
            ("src/two.md", "# Two\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "");
    let one = page(b.path(), "one.html");
    assert_eq!(one.matches("<math").count(), 2, "{one}");
    assert!(one.contains("<math display=\"block\">"), "{one}");
    assert!(one.contains("<code>\\\\( no \\\\)</code>"), "{one}");
    // No "1." or "1.1." anywhere.
    assert!(
        !one.contains("toc-number") && !one.contains("page-number"),
        "{one}"
    );
    assert!(!page(b.path(), "toc.html").contains("toc-number"));
}

/// mdBook never reads `$` as math (only math preprocessors do), so in a book without one a
/// `$` is text: trpl-zh-cn's `*$HOME/.cargo/bin*。… `$PATH`` lost its emphasis and code span to a
/// formula running from `$HOME` to the `$` of `$PATH`, with no word.
#[test]
fn dollars_are_text_in_a_book_without_a_math_preprocessor() {
    let md = "# One\n\nThe directory is *$HOME/.cargo/bin*. Make sure it is in your `$PATH`.\n\n这个目录就是 *$HOME/.cargo/bin*。请确保 `$PATH`，这样。 And $\\boxed{y}$.\n";
    let b = book(
        "[book]\ntitle = \"Plain\"\n",
        &[("src/SUMMARY.md", "- [One](one.md)\n"), ("src/one.md", md)],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "");
    let one = page(b.path(), "one.html");
    assert!(!one.contains("<math"), "{one}");
    assert_eq!(one.matches("<em>$HOME/.cargo/bin</em>").count(), 2, "{one}");
    assert_eq!(one.matches("<code>$PATH</code>").count(), 2, "{one}");
    assert!(one.contains("And $\\boxed{y}$."), "{one}");
    // With mdbook-katex configured, `$` is math as it is there, and the warning says
    // coursebook renders it.
    let katex = book(
        "[book]\ntitle = \"K\"\n\n[preprocessor.katex]\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n"),
            ("src/one.md", "# One\n\nThe value $x_1$.\n"),
        ],
    );
    let out = coursebook(&["build"], katex.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        said(katex.path(), &out).starts_with(
            "warning: book.toml:4:15: [preprocessor.katex] is not run by coursebook: it renders the book's `$…$` and `$$…$$` math itself"
        ),
        "{}",
        said(katex.path(), &out)
    );
    assert!(page(katex.path(), "one.html").contains("<msub><mi>x</mi><mn>1</mn></msub>"));
}

/// In mdBook Markdown runs before MathJax, so `\\(a \* b\\)` reaches MathJax as `a * b` and
/// `x\_1` as `x_1` (cairo-book writes them so): Markdown's escapes apply to MathJax math. It was
/// `Unknown command "\*"` (the build failed) and a literal underscore.
#[test]
fn markdown_escapes_apply_to_mathjax_math_as_in_mdbook() {
    let b = book(
        "[book]\ntitle = \"Maths\"\n\n[output.html]\nmathjax-support = true\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n"),
            (
                "src/one.md",
                "# One\n\nFor \\\\(a \\* (a + b)\\\\) and \\\\(x\\_1 + y\\_2\\\\), costs $5 and $6.\n\n\\\\[ \\begin{matrix} a \\\\\\\\ b \\end{matrix} \\\\]\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "");
    let one = page(b.path(), "one.html");
    assert_eq!(one.matches("<math").count(), 3, "{one}");
    assert!(
        one.contains("<mo lspace=\"0.2222em\" rspace=\"0.2222em\">∗</mo>"),
        "{one}"
    );
    assert!(one.contains("<msub><mi>x</mi><mn>1</mn></msub>"), "{one}");
    assert!(!one.contains("<mi>_</mi>") && !one.contains(">_<"), "{one}");
    assert!(one.contains("<mtr>"), "{one}");
    assert!(one.contains("costs $5 and $6."), "{one}");
}

/// mdbook-katex's macros file (halo2's: about 250 of its formulas use one) is read; what
/// coursebook cannot take in it is a warning at its line, and the file is bounded like any
/// course input.
#[test]
fn mdbook_katex_macros_are_read_checked_and_bounded() {
    // halo2's file, in small: headings skipped, `\\textnormal` (KaTeX's) taken, a command using
    // another defined after it, arguments; then what coursebook will not take.
    let macros = "# Conventions\n\n\\RR:{\\mathbb{R}}\n\\rep:{\\repr{#1}{}}\n\\repr:\\{\\kern-0.1em {#1} \\kern-0.1em\\}^{#2}\n\\sec:{\\textnormal{sec}}\n\\twice:{#1 + #1}\n\\long:{";
    let macros = format!("{macros}{}}}\n\\nocolon\n", "x+".repeat(600));
    let md = "# One\n\n$\\RR$ and $\\rep{a}$ and $\\sec$.\n\nNot $\\twice{x}$.\n";
    let b = book(
        "[book]\ntitle = \"K\"\n\n[preprocessor.katex]\nmacros = \"macros.txt\"\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n"),
            ("src/one.md", md),
            ("macros.txt", &macros),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let all = said(b.path(), &out);
    for expected in [
        "warning: macros.txt:7:1: `\\twice` uses its argument #1 more than once",
        "warning: macros.txt:8:1: `\\long` is 1202 bytes long written out; a definition may be 1000",
        "warning: macros.txt:9:1: this command has no `:definition`",
        "warning: src/one.md:5:5: cannot render math `\\twice{x}`: Unknown command \"\\twice\"",
    ] {
        assert!(all.contains(expected), "{expected} in {all}");
    }
    assert_eq!(all.matches("macros.txt:").count(), 3, "{all}");
    let one = page(b.path(), "one.html");
    assert_eq!(one.matches("<math").count(), 3, "{one}");
    assert!(
        one.contains("<mi mathvariant=\"double-struck\">R</mi>") || one.contains("ℝ"),
        "{one}"
    );

    // A short formula that its macros would make megabytes is not rendered.
    let b = book(
        "[book]\ntitle = \"K\"\n\n[preprocessor.katex]\nmacros = \"m.txt\"\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n"),
            (
                "src/one.md",
                &format!("# One\n\n${}$\n", ["\\a"; 2000].join("+")),
            ),
            ("m.txt", &format!("\\a:{{{}}}\n", "x+".repeat(450))),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(
        said(b.path(), &out).contains("warning: src/one.md:3:1: cannot render math `\\a+\\a+"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("with the book's macros the formula comes to 1767 KB; coursebook renders a formula of up to 16 times its length"), "{}", text(&out));

    // Over 64 KB, refused before it is read, said in KB.
    let b = book(
        "[book]\ntitle = \"K\"\n\n[preprocessor.katex]\nmacros = \"m.txt\"\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n"),
            ("src/one.md", "# One\n"),
            ("m.txt", &format!("\\a:{{{}}}\n", "x".repeat(70_000))),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("error: book.toml:5:10: cannot read the macros file `m.txt`: it is 69 KB, and coursebook reads such files of up to 64 KB"),
        "{}",
        text(&out)
    );

    // The file must be the book's own: not outside it, not hidden.
    for (file, why) in [
        ("../m.txt", "it leads outside the course folder"),
        (".env", "it is a hidden file"),
        ("missing.txt", ""),
    ] {
        let b = book(
            &format!("[book]\ntitle = \"K\"\n\n[preprocessor.katex]\nmacros = \"{file}\"\n"),
            &[
                ("src/SUMMARY.md", "- [One](one.md)\n"),
                ("src/one.md", "# One\n"),
                (".env", "\\A:{secret}\n"),
            ],
        );
        let out = coursebook(&["build"], b.path());
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            text(&out).contains(&format!(
                "error: book.toml:5:10: cannot read the macros file `{file}`: {why}"
            )),
            "{}",
            text(&out)
        );
    }
}

/// LaTeX coursebook's renderer does not know (KaTeX's `\boxed`, `$…$` inside `\text{}`, a
/// book's own macros) failed an mdBook book's build (halo2: 266 errors). In a book it is a
/// warning at its line and the formula is shown as its source; in a course it stays an error.
#[test]
fn math_that_cannot_be_rendered_is_a_warning_in_a_book_shown_as_its_source() {
    let md = "# One\n\nFine $x^2$.\n\n$$\\lambda^2 = x_0 \\implies \\boxed{x_1 = \\lambda^2}$$\n\nAnd $\\dlgame < 1$ with $\\frac{1}{$ too.\n";
    let b = book(
        "[book]\ntitle = \"K\"\n\n[preprocessor.katex]\n",
        &[("src/SUMMARY.md", "- [One](one.md)\n"), ("src/one.md", md)],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let all = said(b.path(), &out);
    assert!(
        all.contains("warning: src/one.md:5:1: cannot render math `\\lambda^2 = x_0 \\implies \\boxed{x_1 = \\lambda^2}`: Unknown command \"\\boxed\"; it is shown as its LaTeX source"),
        "{all}"
    );
    assert!(all.contains("warning: src/one.md:7:5: cannot render math `\\dlgame < 1`: Unknown command \"\\dlgame\""), "{all}");
    assert!(
        all.contains(
            "warning: src/one.md:7:24: cannot render math `\\frac{1}{`: its braces are unbalanced"
        ),
        "{all}"
    );
    assert!(!all.contains("error"), "{all}");
    let one = page(b.path(), "one.html");
    assert_eq!(one.matches("<math").count(), 1, "{one}");
    assert!(one.contains("<code class=\"math-source\">\\lambda^2 = x_0 \\implies \\boxed{x_1 = \\lambda^2}</code>"), "{one}");
    assert!(
        one.contains("<code class=\"math-source\">\\dlgame &lt; 1</code>"),
        "{one}"
    );
    // The same page in a course: an error, nothing written.
    let c = course(&[
        ("book.toml", "[book]\ntitle = \"C\"\n"),
        ("content/one.md", md),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("error: content/one.md:5:1: cannot render math"),
        "{}",
        text(&out)
    );
}

/// An mdbook-quiz quiz with a question of each type (shared with the browser test).
const QUIZ_TOML: &str = include_str!("fixtures/mdbook-quiz.toml");

#[test]
fn mdbook_quiz_quizzes_are_coursebook_quizzes() {
    let b = book(
        "[book]\ntitle = \"Quizzes\"\n\n[preprocessor.quiz]\nfullscreen = true\n",
        &[
            ("src/SUMMARY.md", "- [Variables](variables.md)\n"),
            (
                "src/variables.md",
                "# Variables\n\nAnd now, a _quiz_:\n\n{{#quiz ../quizzes/variables.toml}}\n",
            ),
            ("quizzes/variables.toml", QUIZ_TOML),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "", "[preprocessor.quiz] is provided");
    let html = page(b.path(), "variables.html");
    assert!(html.contains("data-quiz=\"variables\""), "{html}");
    // Its choices are shuffled per learner, as mdbook-quiz's are (no answerIndex given).
    assert!(html.contains("data-shuffle>"), "{html}");
    for (id, kind) in [
        ("b230bed3-d6ba-4048-8b06-aa655d837b04", "single"),
        ("q2", "text"),
        ("q3", "tracing"),
    ] {
        assert!(
            html.contains(&format!("data-question=\"{id}\" data-type=\"{kind}\"")),
            "{id} {kind} in {html}"
        );
    }
    // The Tracing question's program follows its legend, highlighted as lesson code is, its
    // lines numbered (as mdbook-quiz shows them), and the page (no code of its own) links the
    // highlighting stylesheet for it. One question, as mdbook-quiz asks it: "It does not
    // compile", or "It compiles" and the output.
    assert!(
        html.contains("</legend>\n<div class=\"q-prompt\"><pre class=\"code numbered\" tabindex=\"0\"><span class=\"line-numbers\" aria-hidden=\"true\">1\n2\n3\n4</span><code class=\"language-rust numbered\"><span class="),
        "{html}"
    );
    assert!(html.contains("theme/css/highlight.css"), "{html}");
    assert!(
        html.contains(" Does this program compile? If it does, what does it print?</legend>"),
        "{html}"
    );
    assert_eq!(html.matches("data-type=\"tracing\"").count(), 1, "{html}");
    assert!(
        html.contains(">It does not compile</label>")
            && html.contains("<textarea id=\"variables-q3-output\""),
        "{html}"
    );

    // A Tracing question is asked in the book's language.
    let b = book(
        "[book]\ntitle = \"Quiz\"\nlanguage = \"de\"\n",
        &[
            ("src/SUMMARY.md", "- [V](v.md)\n"),
            ("src/v.md", "# V\n\n{{#quiz q.toml}}\n"),
            ("src/q.toml", QUIZ_TOML),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = page(b.path(), "v.html");
    assert!(
        html.contains(
            " Lässt sich dieses Programm kompilieren? Wenn ja, was gibt es aus?</legend>"
        ) && html.contains(">Es lässt sich nicht kompilieren</label>"),
        "{html}"
    );
    assert!(
        !html.contains("\u{E000}") && !html.contains("compile?"),
        "{html}"
    );

    // A broken quiz file is an error at its own line, naming the directive that brings it in.
    let b = book(
        "[book]\ntitle = \"Quizzes\"\n",
        &[
            ("src/SUMMARY.md", "- [V](v.md)\n"),
            ("src/v.md", "# V\n\n{{#quiz q.toml}}\n"),
            ("src/q.toml", "[[questions]]\ntype = \"Essay\"\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("error: src/q.toml:2:8: the quiz cannot be read: ")
            && text(&out).contains("it is brought in by `{{#quiz}}` at src/v.md:3"),
        "{}",
        text(&out)
    );
}

/// A Tracing program is shown whole as code, whatever it holds: a line of three backticks (in
/// a raw string) closed its fence, and the rest of the program became Markdown and live HTML.
#[test]
fn a_tracing_program_cannot_close_its_own_code_block() {
    let quiz = "[[questions]]\ntype = \"Tracing\"\nprompt.program = '''\nfn main() {\n    let s = r#\"\n```\n# NOT-CODE\n<b id=live>x</b>\n\"#;\n}\n'''\nanswer.doesCompile = true\nanswer.stdout = \"ok\"\n";
    let b = book(
        "[book]\ntitle = \"Q\"\n",
        &[
            ("src/SUMMARY.md", "- [V](v.md)\n"),
            ("src/v.md", "# V\n\n{{#quiz q.toml}}\n"),
            ("src/q.toml", quiz),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = page(b.path(), "v.html");
    assert!(
        !html.contains("<b id=live>") && !html.contains(">NOT-CODE</h1>"),
        "{html}"
    );
    assert_eq!(
        html.matches("&lt;b id=live&gt;x&lt;/b&gt;").count(),
        1,
        "{html}"
    );
}

/// A Tracing program that compiles and prints nothing is a question as any other: "It
/// compiles", and nothing typed (it was left out with a warning when a Tracing question was two,
/// the second asking what it prints; before that, it failed the book's build).
#[test]
fn a_tracing_program_that_prints_nothing_is_a_question() {
    let quiz = "[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"Keyword?\"\nanswer.answer = \"mut\"\n\n[[questions]]\ntype = \"Tracing\"\nprompt.program = \"fn main() {}\"\nanswer.doesCompile = true\nanswer.stdout = \"\"\n";
    let b = book(
        "[book]\ntitle = \"Q\"\n",
        &[
            ("src/SUMMARY.md", "- [V](v.md)\n"),
            ("src/v.md", "# V\n\n{{#quiz q.toml}}\n"),
            ("src/q.toml", quiz),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "", "{}", text(&out));
    let html = page(b.path(), "v.html");
    assert_eq!(html.matches("data-question=").count(), 2, "{html}");
    assert!(html.contains("data-type=\"tracing\""), "{html}");
}

/// mdbook-quiz puts one line of HTML where `{{#quiz}}` was, so a book can quote its quiz or put
/// it in a list item; the block it becomes keeps to the container, every question there, and a
/// problem in the quiz is still reported at its own line.
#[test]
fn a_quiz_in_a_blockquote_or_a_list_item_stays_there() {
    let b = book(
        "[book]\ntitle = \"Quizzes\"\n\n[preprocessor.quiz]\n",
        &[
            ("src/SUMMARY.md", "- [V](v.md)\n"),
            (
                "src/v.md",
                "# V\n\n> Check yourself:\n>\n> {{#quiz q.toml}}\n\n1. First\n\n   {{#quiz q.toml}}\n- {{#quiz q.toml}}\n\nAfter.\n",
            ),
            ("src/q.toml", QUIZ_TOML),
            ("src/config.toml", "[data]\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "");
    // The quiz's file, under src/, is its source: not published with its answer keys (mdBook
    // copies it); another file there still is.
    let site = b.path().join("site");
    assert!(!site.join("q.toml").exists());
    assert!(site.join("config.toml").is_file());
    let html = main_of(&page(b.path(), "v.html")).to_string();
    let quoted = &html[html.find("<blockquote>").unwrap()..html.find("</blockquote>").unwrap()];
    assert_eq!(quoted.matches("data-question=").count(), 3, "{quoted}");
    let listed = &html[html.find("<ol>").unwrap()..html.find("</ol>").unwrap()];
    assert_eq!(listed.matches("data-question=").count(), 3, "{listed}");
    let items = &html[html.find("<ul>").unwrap()..html.find("</ul>").unwrap()];
    assert_eq!(items.matches("data-question=").count(), 3, "{items}");
    assert!(!html.contains("```") && !html.contains("{{#quiz"), "{html}");
    assert!(html.contains("<p>After.</p>"), "{html}");

    // Quoted, a broken quiz is still an error at its own line.
    let b = book(
        "[book]\ntitle = \"Quizzes\"\n",
        &[
            ("src/SUMMARY.md", "- [V](v.md)\n"),
            ("src/v.md", "# V\n\n> {{#quiz q.toml}}\n"),
            ("src/q.toml", "[[questions]]\ntype = \"Essay\"\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("error: src/q.toml:2:8: the quiz cannot be read: "),
        "{}",
        text(&out)
    );
}

/// Where Markdown cannot read `{{#quiz}}`'s block as a block (mid-line, a table cell, a
/// heading, raw HTML, a comment, a code block), its JSON was the page's text or source, answer
/// keys and all, and the build passed (red team 5): each is an error at the directive.
#[test]
fn a_quiz_that_cannot_be_a_block_is_an_error_not_its_answers_in_the_page() {
    for (n, place) in [
        "Text {{#quiz q.toml}} text.",
        "| a |\n|---|\n| {{#quiz q.toml}} |",
        "## {{#quiz q.toml}}",
        "<div>\n{{#quiz q.toml}}\n</div>",
        "<!-- {{#quiz q.toml}} -->",
        "```\n{{#quiz q.toml}}\n```",
        "    {{#quiz q.toml}}",
    ]
    .into_iter()
    .enumerate()
    {
        let v = format!("# V\n\n{place}\n");
        let b = book(
            "[book]\ntitle = \"Quizzes\"\n\n[preprocessor.quiz]\n",
            &[
                ("src/SUMMARY.md", "- [V](v.md)\n"),
                ("src/v.md", v.as_str()),
                ("src/q.toml", QUIZ_TOML),
            ],
        );
        let out = coursebook(&["build"], b.path());
        assert_eq!(out.status.code(), Some(1), "{n}: {}", text(&out));
        let line = 3 + place[..place.find("{{#quiz").unwrap()]
            .matches('\n')
            .count();
        assert!(
            text(&out).contains(&format!("error: src/v.md:{line}:"))
                && text(&out).contains("this `{{#quiz}}` does not stand on a line of its own"),
            "{n}: {}",
            text(&out)
        );
        assert!(!b.path().join("site").exists());
    }
}

#[test]
fn a_block_for_a_preprocessor_that_is_not_here_is_a_warning() {
    let b = book(
        "[book]\ntitle = \"Blocks\"\n",
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n"),
            (
                "src/a.md",
                "# A\n\n```mermaid\ngraph TD; A-->B\n```\n\n```toml\n[book]\n```\n\n```text\nplain\n```\n\n```klingon\nQapla'\n```\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        said(b.path(), &out),
        "warning: src/a.md:3:1: a ```mermaid block is shown as code: in mdBook a preprocessor draws it, and coursebook has none for `mermaid`\n  help: draw it beforehand and include the image, or name it `text` to show the code on purpose\nwarning: src/a.md:15:1: a ```klingon block is shown as plain text: coursebook has no highlighting for `klingon` and nothing expands it\n  help: name a language coursebook highlights, or `text` for plain text on purpose"
    );
    // TOML is highlighted (syntect had no grammar for it), a drawing's code is shown as code,
    // and `text` stays plain.
    let page = std::fs::read_to_string(b.path().join("site/a.html")).unwrap();
    assert!(
        page.contains("<span class=\"hl-entity hl-name hl-section hl-toml\">book</span>"),
        "{page}"
    );
    assert!(page.contains("<code class=\"language-mermaid\">"), "{page}");
    assert!(
        page.contains("<code class=\"language-text\">plain\n</code>"),
        "{page}"
    );
}

#[test]
fn print_html_holds_the_whole_book_with_links_inside_it() {
    let summary = "[Intro](README.md)\n\n# Part\n\n- [First](part/first.md)\n  - [Second](part/second.md)\n- [Draft]()\n";
    let b = book(
        "[book]\ntitle = \"Print\"\n",
        &[
            ("src/SUMMARY.md", summary),
            (
                "src/README.md",
                "# Intro\n\nStart with [the second page](part/second.md#deep) or [the first](part/first.html).\n",
            ),
            (
                "src/part/first.md",
                "# First\n\n## Setup\n\nSee [below](#setup), a note[^n] and ![a figure](img.svg).\n\n[^n]: The note.\n",
            ),
            (
                "src/part/second.md",
                "# Second\n\n## Setup\n\n## Deep\n\nBack to [the intro](../README.md).\n\n```quiz\nquestions:\n  - type: single\n    prompt: Pick one.\n    choices:\n      - text: This\n        correct: true\n      - text: That\n```\n",
            ),
            (
                "src/part/img.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let print = page(b.path(), "print.html");
    // Every page once, in reading order; the draft has no page to print.
    let order: Vec<usize> = ["id=\"index\"", "id=\"part-first\"", "id=\"part-second\""]
        .iter()
        .map(|id| print.find(id).unwrap_or_else(|| panic!("no {id}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(!print.contains("Draft</h2>"));
    // Links between pages point inside the print page; ids are unique.
    for wanted in [
        "href=\"#part-second--deep\"",
        "href=\"#part-first\"",
        "href=\"#index\"",
        "href=\"#part-first--setup\"",
        "id=\"part-first--setup\"",
        "id=\"part-second--setup\"",
        "src=\"part/img.svg\"",
        "class=\"print-chapter page-break\"",
        "<meta name=\"robots\" content=\"noindex\">",
    ] {
        assert!(print.contains(wanted), "{wanted} missing");
    }
    let mut ids: Vec<&str> = print
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate ids in print.html");
    // Every in-page link has its target.
    for href in print.split("href=\"#").skip(1) {
        let target = &href[..href.find('"').unwrap()];
        assert!(ids.contains(&target), "#{target} has no target");
    }
    // The footnote and its back-reference still find each other (mdBook 0.5's ids).
    assert!(print.contains("id=\"part-first--footnote-n\""), "{print}");
    assert!(print.contains("href=\"#part-first--fr-n-1\""), "{print}");
    assert!(page(b.path(), "toc.html").contains("<p class=\"print-link\"><a href=\"print.html\">"));

    // `enable = false`: no print page, and a chapter may then be called print.md.
    std::fs::write(
        b.path().join("book.toml"),
        "[book]\ntitle = \"Print\"\n[output.html.print]\nenable = false\n",
    )
    .unwrap();
    std::fs::write(b.path().join("src/print.md"), "# Print\n").unwrap();
    std::fs::write(
        b.path().join("src/SUMMARY.md"),
        format!("{summary}- [Print](print.md)\n"),
    )
    .unwrap();
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(page(b.path(), "print.html").contains("<h1 id=\"print\">Print</h1>"));
    assert!(!page(b.path(), "toc.html").contains("print-link"));
    // With the print page on, that chapter is an error that says how to keep it.
    std::fs::write(b.path().join("book.toml"), "[book]\ntitle = \"Print\"\n").unwrap();
    let out = coursebook(&["build"], b.path());
    assert!(!out.status.success());
    assert!(
        said(b.path(), &out).contains("src/print.md: this page would be written to print.html, where coursebook writes the course's print page"),
        "{}",
        said(b.path(), &out)
    );
}

/// mdBook never checks a book's links, so an existing book with a stale one (rust-lang/async-book
/// has four `.md#anchor` links to headings that moved) builds unchanged: in a book ordered by
/// SUMMARY.md a broken link or anchor is a warning at its line; `--deny-warnings` makes it
/// fail. A course ordered by its file names keeps them errors.
#[test]
fn a_books_stale_links_are_warnings_as_mdbook_never_checks_them() {
    let a = "# A\n\nSee [gone](gone.md), [b](b.md#moved) and [here](#nowhere).\n";
    let b = book(
        "[book]\ntitle = \"Stale\"\n",
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n- [B](b.md)\n"),
            ("src/a.md", a),
            ("src/b.md", "# B\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let said = said(b.path(), &out);
    for line in [
        "warning: src/a.md:3:5: broken link: `gone.md`",
        "warning: src/a.md:3:22: broken anchor: `b.md#moved` has no `#moved`",
        "warning: src/a.md:3:42: broken anchor: `#nowhere` has no `#nowhere`",
    ] {
        assert!(said.contains(line), "missing {line:?} in:\n{said}");
    }
    let out = coursebook(&["build", "--deny-warnings"], b.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    let c = book(
        "[book]\ntitle = \"Strict\"\nsrc = \"content\"\n",
        &[("content/a.md", a), ("content/b.md", "# B\n")],
    );
    let out = coursebook(&["build"], c.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("error: content/a.md:3:5: broken link: `gone.md`"),
        "{}",
        text(&out)
    );
}

/// mdBook's `theme/` folder overrides mdBook's templates and scripts, which mean nothing here:
/// said once, not dropped silently (Comprehensive Rust's `index.hbs` adds its language picker).
#[test]
fn mdbooks_theme_overrides_are_a_warning() {
    let b = book(
        "[book]\ntitle = \"Themed\"\n",
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n"),
            ("src/a.md", "# A\n"),
            ("theme/index.hbs", "<html>{{ content }}</html>\n"),
            ("theme/book.js", "\n"),
            ("theme/custom.css", "p {}\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        said(b.path(), &out),
        "warning: theme: mdBook's theme overrides are not used by coursebook: index.hbs, book.js\n  help: coursebook draws pages with its own templates (`theme` in book.toml names a coursebook theme); add CSS and scripts with `additional-css` and `additional-js`"
    );
}

/// A book's own `glossary.md` (Comprehensive Rust's, the Rust Reference's) is its glossary page
/// when the course has no glossary file; with one, coursebook writes glossary.html and the page
/// is an error that says so.
#[test]
fn a_books_own_glossary_page_is_kept_when_there_is_no_glossary_file() {
    let b = book(
        "[book]\ntitle = \"Gloss\"\n",
        &[
            (
                "src/SUMMARY.md",
                "- [Intro](intro.md)\n- [Glossary](glossary.md)\n",
            ),
            (
                "src/intro.md",
                "# Intro\n\nSee the [glossary](glossary.md#crate).\n",
            ),
            (
                "src/glossary.md",
                "# Glossary\n\n## Crate\n\nA unit of compilation.\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "");
    assert!(page(b.path(), "glossary.html").contains("A unit of compilation."));
    std::fs::write(
        b.path().join("src/glossary.yaml"),
        "- term: Crate\n  definition: A unit of compilation.\n",
    )
    .unwrap();
    let out = coursebook(&["build"], b.path());
    assert!(!out.status.success());
    assert!(
        said(b.path(), &out).contains("src/glossary.md: this page would be written to glossary.html, where coursebook writes the course's glossary page"),
        "{}",
        said(b.path(), &out)
    );
}

/// mdBook shows a page's own Markdown and no title of its own: a page whose first heading says
/// something else than SUMMARY.md (Rust by Example's `macros/dsl.md`) had two `h1`s, and a
/// title written with backticks in SUMMARY.md showed them in the sidebar and the tab (34 pages
/// of Rust by Example). The page's own heading is now its `h1`, markup and all; SUMMARY.md's
/// words name it in the sidebar, the tab and links.
#[test]
fn a_pages_own_first_heading_is_its_only_h1_and_summary_titles_lose_their_backticks() {
    let b = book(
        "[book]\ntitle = \"Rbe\"\n",
        &[
            (
                "src/SUMMARY.md",
                "- [DSL (Domain Specific Languages)](dsl.md)\n- [`panic!`](panic.md)\n- [1. Plain *one*](plain.md)\n",
            ),
            (
                "src/dsl.md",
                "# Domain Specific Languages (DSLs)\n\nA DSL.\n",
            ),
            (
                "src/panic.md",
                "# `panic!` {#the-panic}\n\nIt panics. See [the DSL](dsl.md).\n",
            ),
            ("src/plain.md", "No heading here.\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let dsl = page(b.path(), "dsl.html");
    assert_eq!(dsl.matches("<h1").count(), 1, "{dsl}");
    assert!(
        dsl.contains(
            "<h1 id=\"domain-specific-languages-dsls\">Domain Specific Languages (DSLs)</h1>"
        ),
        "{dsl}"
    );
    assert!(
        dsl.contains("<title>DSL (Domain Specific Languages) · Rbe</title>"),
        "{dsl}"
    );
    let panic = page(b.path(), "panic.html");
    assert_eq!(panic.matches("<h1").count(), 1, "{panic}");
    assert!(
        panic.contains("<h1 id=\"the-panic\"><code>panic!</code></h1>"),
        "{panic}"
    );
    assert!(panic.contains("<title>panic! · Rbe</title>"), "{panic}");
    assert!(!panic.contains('`'), "{panic}");
    let plain = page(b.path(), "plain.html");
    assert!(plain.contains("<h1>1. Plain one</h1>"), "{plain}");
    assert!(
        !plain.contains('*'),
        "no emphasis marks in the sidebar or title"
    );
    // The print page shows each chapter under its own heading, once.
    let print = page(b.path(), "print.html");
    assert!(print.contains("<code>panic!</code></h2>"), "{print}");
    assert_eq!(print.matches("Domain Specific Languages (DSLs)").count(), 1);
}

/// comprehensive-rust opens 553 of its 562 pages with a licence comment, book-ja keeps the
/// English original in comments above each heading: the heading after the comments is still
/// the page's own, shown once, and the comments stay in the page.
#[test]
fn a_first_heading_after_html_comments_is_the_pages_only_h1() {
    let b = book(
        "[book]\ntitle = \"Comments\"\n",
        &[
            (
                "src/SUMMARY.md",
                "- [Licensed](licensed.md)\n- [Translated](translated.md)\n",
            ),
            (
                "src/licensed.md",
                "<!-- Copyright 2024 Google LLC\n     SPDX-License-Identifier: CC-BY-4.0 -->\n\n# Licensed\n\nText.\n",
            ),
            (
                "src/translated.md",
                "<!-- # What is Ownership? -->\n\n# 所有権とは？\n\n本文。\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let licensed = page(b.path(), "licensed.html");
    assert_eq!(licensed.matches("<h1").count(), 1, "{licensed}");
    assert!(
        licensed.contains("<h1 id=\"licensed\">Licensed</h1>"),
        "{licensed}"
    );
    assert!(licensed.contains("SPDX-License-Identifier: CC-BY-4.0 -->\n<p>Text.</p>"));
    let translated = page(b.path(), "translated.html");
    assert_eq!(translated.matches("<h1").count(), 1, "{translated}");
    assert!(translated.contains(">所有権とは？</h1>"), "{translated}");
}

/// The Rust Book's ferris.js finds its blocks by the words after the language
/// (```` ```rust,ignore,does_not_compile ````), as mdBook's book.js finds `ignore` or
/// `editable`: each is a class of the block's `<code>`, and the block is still highlighted.
#[test]
fn a_code_blocks_further_words_are_classes_of_its_code() {
    let b = book(
        "[book]\ntitle = \"Ferris\"\n",
        &[
            ("src/SUMMARY.md", "- [Ferris](ferris.md)\n"),
            (
                "src/ferris.md",
                "# Ferris\n\n```rust,ignore,does_not_compile\n# fn hidden() {}\nlet x: i32 = \"no\";\n```\n\n```rust,panics x\"onmouseover=alert(1),<script>\nfn main() {}\n```\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = page(b.path(), "ferris.html");
    assert!(
        html.contains(
            "<code class=\"language-rust ignore does_not_compile\"><span class=\"boring\"><span class=\"hl-"
        ),
        "{html}"
    );
    assert!(
        html.contains("<code class=\"language-rust panics\"><span class=\"hl-"),
        "{html}"
    );
    assert!(!html.contains("onmouseover"), "{html}");
}

/// Links real books hold that a browser follows: `#` and `#top` (the top of any page), an
/// anchor written `<a name="…">`, ids in single quotes or none. None is a broken anchor.
#[test]
fn anchors_a_browser_finds_are_not_broken() {
    let b = book(
        "[book]\ntitle = \"Anchors\"\n",
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n- [B](b.md)\n"),
            (
                "src/a.md",
                "# A\n\n[up](#) [top](#top) [b's top](b.md#top) [legacy](b.md#legacy) [single](b.md#single) [bare](b.md#bare)\n",
            ),
            (
                "src/b.md",
                "# B\n\n<a name=\"legacy\"></a>\n\n<p id='single'>Single.</p>\n\n<div id=bare>Bare.</div>\n",
            ),
        ],
    );
    let out = coursebook(&["build", "--deny-warnings"], b.path());
    assert!(out.status.success(), "{}", said(b.path(), &out));
}

/// The help of a broken anchor lists the page's own anchors, not the theme's (`#main`, `#toc`
/// are on every page), and first the one that differs only in case.
#[test]
fn a_broken_anchors_help_offers_the_pages_anchors_and_first_one_in_another_case() {
    let b = book(
        "[book]\ntitle = \"Anchors\"\n",
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n- [B](b.md)\n"),
            (
                "src/a.md",
                "# A\n\n[sql](b.md#SQL客户端) [gone](b.md#gone)\n",
            ),
            ("src/b.md", "# B\n\n## SQL客户端\n\n## Other\n"),
        ],
    );
    // In a book ordered by SUMMARY.md they are warnings (mdBook never checks links).
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success());
    let said = said(b.path(), &out);
    assert!(
        said.contains("warning: src/a.md:3:1: broken anchor: `b.md#SQL客户端` has no `#SQL客户端`\n  help: did you mean `#sql客户端`? anchors are case-sensitive; anchors on that page: #b, #other, #sql客户端\n"),
        "{said}"
    );
    assert!(
        said.contains("broken anchor: `b.md#gone` has no `#gone`\n  help: anchors on that page: #b, #other, #sql客户端"),
        "{said}"
    );
}

/// mdBook 0.4 ignored unknown keys, so books carry them (`author =` in rust-lang-ja/book-ja):
/// in a book ordered by SUMMARY.md a typo is a warning that still says what was meant, and the
/// book builds; a coursebook course (no SUMMARY.md) keeps the error, and `--deny-warnings`
/// fails the book as mdBook 0.5 does.
#[test]
fn a_books_misspelled_keys_are_warnings_and_a_courses_errors() {
    let toml = "[book]\ntitle = \"Typo\"\nauthor = \"Someone\"\n\n[pdf]\n";
    let b = book(
        toml,
        &[
            ("src/SUMMARY.md", "- [Intro](intro.md)\n"),
            ("src/intro.md", "# Intro\n\nHello.\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let told = said(b.path(), &out);
    assert!(
        told.contains("warning: book.toml:3:1: unknown key `author` in [book] is ignored; did you mean `authors`?"),
        "{told}"
    );
    assert!(told.contains("mdBook 0.5 refuses them"), "{told}");
    assert!(
        told.contains("warning: book.toml:5:2: unknown table `pdf` is ignored"),
        "{told}"
    );
    assert!(page(b.path(), "intro.html").contains("Hello."));
    let out = coursebook(&["build", "--deny-warnings"], b.path());
    assert!(!out.status.success(), "{}", text(&out));

    let c = book(
        toml,
        &[("content/index.md", "---\ntitle: Home\n---\nHello.\n")],
    );
    let out = coursebook(&["build"], c.path());
    assert!(!out.status.success(), "{}", text(&out));
    let told = said(c.path(), &out);
    assert!(
        told.contains(
            "error: book.toml:3:1: unknown key `author` in [book]; did you mean `authors`?"
        ),
        "{told}"
    );
}

/// `./index.md` in SUMMARY.md is the home page listed once (rust-cli's and cargo's contributor
/// books): it was "listed twice", as the home page had been taken from the folder first. An
/// unlisted `README.md` is not built, as in mdBook: trpl-zh-cn's, a stale contents list with
/// dead links, was the site's front page.
#[test]
fn summary_paths_with_dot_slash_and_an_unlisted_readme_as_mdbook_reads_them() {
    let b = book(
        "[book]\ntitle = \"Dots\"\n",
        &[
            (
                "src/SUMMARY.md",
                "# Summary\n\n- [Introduction](./index.md)\n- [Next](./next.md)\n",
            ),
            ("src/index.md", "# Introduction\n\nWelcome.\n"),
            ("src/next.md", "# Next\n\nMore.\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "");
    assert!(page(b.path(), "index.html").contains("Welcome."));

    let b = book(
        "[book]\ntitle = \"Stale\"\n",
        &[
            (
                "src/SUMMARY.md",
                "[Title page](title.md)\n\n- [Chapter](chapter.md)\n",
            ),
            ("src/README.md", "# Old contents\n\n- [Gone](gone.md)\n"),
            ("src/title.md", "# Title page\n\nHello.\n"),
            ("src/chapter.md", "# Chapter\n\nText.\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        said(b.path(), &out),
        "warning: src/README.md: this file is not listed in SUMMARY.md, so it is not built"
    );
    let home = page(b.path(), "index.html");
    assert!(!home.contains("Old contents"), "{home}");
    assert!(home.contains("title.html"), "{home}");
}

/// A page with several quizzes without titles (the Rust Book's sections each end with one):
/// each form is a landmark, so each has a name of its own, "Quiz", "Quiz 2"… (axe-core's
/// `landmark-unique` on five of its pages: every one was "Quiz").
#[test]
fn untitled_quizzes_on_one_page_are_numbered() {
    let b = book(
        "[book]\ntitle = \"Quizzed\"\n\n[preprocessor.quiz]\n",
        &[
            ("src/SUMMARY.md", "- [Intro](intro.md)\n"),
            (
                "src/intro.md",
                "# Intro\n\n## One\n\n{{#quiz ../quizzes/q.toml}}\n\n## Two\n\n{{#quiz ../quizzes/q.toml}}\n",
            ),
            ("quizzes/q.toml", QUIZ_TOML),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = page(b.path(), "intro.html");
    let titles: Vec<&str> = html
        .split("<h2 class=\"quiz-title\"")
        .skip(1)
        .map(|t| t.split('>').nth(1).unwrap_or("").trim_end_matches("</h2"))
        .collect();
    assert_eq!(titles, ["Quiz", "Quiz 2"], "{html}");
}

/// mdbook-quiz draws `` `[…]` `` in a question's code highlighted (the Rust Book's "the
/// differences are highlighted"), and so does coursebook: a `<mark>` around the change, inside
/// the highlighting (audit of 2026-12-05: the marks were shown as written in 13 questions).
#[test]
fn an_mdbook_quiz_change_mark_is_drawn_as_mdbook_quiz_draws_it() {
    let b = book(
        "[book]\ntitle = \"Quizzed\"\n\n[preprocessor.quiz]\n",
        &[
            ("src/SUMMARY.md", "- [Intro](intro.md)\n"),
            ("src/intro.md", "# Intro\n\n{{#quiz ../quizzes/q.toml}}\n"),
            (
                "quizzes/q.toml",
                "[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"Which fixes `[it]`?\"\nprompt.distractors = [\"\"\"\n```\nlet name = `[name.clone()]`;\n```\n\"\"\"]\nanswer.answer = \"Neither\"\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "");
    let html = page(b.path(), "intro.html");
    // Code that names no language is Rust, as mdbook-quiz reads it; the change is marked.
    let code = &html[html.find("<code class=\"language-rust").unwrap()..];
    let code = &code[..code.find("</code>").unwrap()];
    assert!(code.contains("<mark>"), "{code}");
    assert!(!code.contains("`[") && !code.contains("]`"), "{code}");
    assert_eq!(text_of_html(code), "let name = name.clone();", "{code}");
    // Outside code, `[…]` is text (mdbook-quiz marks code only).
    assert!(html.contains("Which fixes <code>[it]</code>?"), "{html}");
}

/// The text of HTML, tags dropped and the entities the build writes decoded.
fn text_of_html(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// mdbook-quiz's `Quiz` ignores keys it does not know, and books carry some (pmcp-course's
/// quizzes: `id`, `title`, `pass_threshold`): a warning at each, and the quiz is built.
#[test]
fn an_mdbook_quiz_files_other_keys_are_warnings() {
    let b = book(
        "[book]\ntitle = \"Quizzed\"\n\n[preprocessor.quiz-cairo]\n",
        &[
            ("src/SUMMARY.md", "- [Intro](intro.md)\n"),
            ("src/intro.md", "# Intro\n\n{{#quiz ../quizzes/q.toml}}\n"),
            (
                "quizzes/q.toml",
                "id = \"q1\"\ntitle = \"My quiz\"\npass_threshold = 0.7\n\n[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"Keyword?\"\nanswer.answer = \"let\"\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let told = said(b.path(), &out);
    for (line, key) in [(1, "id"), (2, "title"), (3, "pass_threshold")] {
        assert!(
            told.contains(&format!("warning: quizzes/q.toml:{line}:1: `{key}` is not a key of mdbook-quiz's quizzes; ignored")),
            "{told}"
        );
    }
    assert!(page(b.path(), "intro.html").contains("Keyword?"));
    // cairo-book's fork of mdbook-quiz: its directives are read, as the warning says.
    assert!(
        told.contains("warning: book.toml:4:15: [preprocessor.quiz-cairo] is not run by coursebook: its `{{#quiz file.toml}}` directives are read as mdbook-quiz's"),
        "{told}"
    );
}

/// mdBook 0.4's `curly-quotes` is `smart-punctuation`, which coursebook always does (rust-cli's
/// book); an empty `cname` (pmcp-course's) names no domain: a warning and no CNAME file, where
/// it was an error.
#[test]
fn curly_quotes_and_an_empty_cname_as_mdbook_04_books_have_them() {
    let b = book(
        "[book]\ntitle = \"Old\"\n\n[output.html]\ncurly-quotes = true\ncname = \"\"\n",
        &[
            ("src/SUMMARY.md", "- [Intro](intro.md)\n"),
            ("src/intro.md", "# Intro\n\n\"Quoted\" -- text.\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        said(b.path(), &out),
        "warning: book.toml:6:1: `cname` is empty; no CNAME file is written\n  help: write the site's domain, e.g. `cname = \"courses.example.org\"`, or remove the key"
    );
    assert!(!b.path().join("site/CNAME").exists());
    assert!(page(b.path(), "intro.html").contains("“Quoted” – text."));
}

/// With `src = "."` a book's `theme/extra.css` is one of its own files and its `additional-css`
/// too: it was refused as replacing "coursebook's own theme file" (itself). A file that would
/// replace one of coursebook's theme files is still refused.
#[test]
fn additional_css_under_theme_with_the_book_as_its_own_source() {
    let b = book(
        "[book]\ntitle = \"Dot\"\nsrc = \".\"\n\n[output.html]\nadditional-css = [\"theme/extra.css\"]\n",
        &[
            ("SUMMARY.md", "- [Intro](introduction.md)\n"),
            ("introduction.md", "# Intro\n\nText.\n"),
            ("theme/extra.css", "main { color: teal; }\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(page(b.path(), "theme/extra.css"), "main { color: teal; }\n");
    assert!(page(b.path(), "introduction.html").contains("href=\"theme/extra.css?v="));

    let b = book(
        "[book]\ntitle = \"Clash\"\n\n[output.html]\nadditional-css = [\"theme/css/book.css\"]\n",
        &[
            ("src/SUMMARY.md", "- [Intro](introduction.md)\n"),
            ("src/introduction.md", "# Intro\n"),
            ("theme/css/book.css", "main { color: red; }\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("would replace coursebook's own theme file theme/css/book.css"));
}

/// A missing include file: in a book ordered by SUMMARY.md a warning, the directive shown as
/// written, as mdBook (rust-analyzer's book includes files its own build generates); in a
/// coursebook course still an error.
#[test]
fn a_missing_include_is_a_warning_in_a_book_and_an_error_in_a_course() {
    let b = book(
        "[book]\ntitle = \"Gen\"\n",
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n"),
            (
                "src/a.md",
                "# A\n\n{{#include generated.md}}\n\n{{#include ex/.cargo/config.toml}}\n",
            ),
            (
                "src/ex/.cargo/config.toml",
                "[build]\ntarget = \"SECRET-ish\"\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let told = said(b.path(), &out);
    assert!(
        told.starts_with("warning: src/a.md:3:1: cannot include `generated.md`"),
        "{told}"
    );
    // A hidden file (Comprehensive Rust includes `.cargo/config.toml`) is never published: in a
    // book, a warning.
    assert!(
        told.contains(
            "warning: src/a.md:5:1: cannot include `ex/.cargo/config.toml`: it is a hidden file"
        ),
        "{told}"
    );
    let a = page(b.path(), "a.html");
    assert!(a.contains("{{#include generated.md}}"));
    assert!(!a.contains("SECRET-ish"));

    let c = course(&[
        ("book.toml", "[book]\ntitle = \"Gen\"\n"),
        ("content/a.md", "# A\n\n{{#include generated.md}}\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        said(c.path(), &out).starts_with("error: content/a.md:3:1: cannot include `generated.md`")
    );
}

/// PyO3's guide, mdBook's own and halo2's include their repository's README and sources from
/// above the book's folder. Refused by default (nothing outside the course is read), with a help
/// naming `--include-from`; with it, includes read that folder, and hidden files there
/// (`.git/config`, where actions/checkout keeps the job's token) stay refused.
#[test]
fn include_from_lets_a_book_include_its_repositorys_files_but_not_hidden_ones() {
    let repo = course(&[
        ("README.md", "# Project\n\nThe project's own README.\n"),
        (
            ".git/config",
            "[http]\nextraheader = AUTHORIZATION: basic SECRET\n",
        ),
        ("guide/book.toml", "[book]\ntitle = \"Guide\"\n"),
        ("guide/src/SUMMARY.md", "- [Intro](index.md)\n"),
        (
            "guide/src/index.md",
            "# Intro\n\n{{#include ../../README.md}}\n",
        ),
    ]);
    let guide = repo.path().join("guide");
    let out = coursebook(&["build"], &guide);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("cannot include `../../README.md`: it leads outside the course folder"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("`coursebook --include-from <that folder> build`"),
        "{}",
        text(&out)
    );

    let out = coursebook(&["--include-from", "..", "build"], &guide);
    assert!(out.status.success(), "{}", text(&out));
    let home = std::fs::read_to_string(guide.join("site/index.html")).unwrap();
    assert!(home.contains("own README."), "{home}");

    std::fs::write(
        guide.join("src/index.md"),
        "# Intro\n\n{{#include ../../.git/config}}\n",
    )
    .unwrap();
    // In a book a refused hidden file is a warning (the directive shown as written); never
    // included.
    let out = coursebook(&["--include-from", "..", "build"], &guide);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("warning: src/index.md:3:1: cannot include `../../.git/config`: it is a hidden file or inside a hidden folder"),
        "{}",
        text(&out)
    );
    assert!(
        !std::fs::read_to_string(guide.join("site/index.html"))
            .unwrap()
            .contains("SECRET")
    );
}

/// `--include-from` and the book named through different links to one repository (on macOS,
/// `/tmp` and `/private/tmp`; a `git rev-parse --show-toplevel` against `$PWD`): every include
/// was refused as "leading outside" (red team 6). Any spelling of a place inside DIR is inside;
/// a hidden file or a file beside DIR stays refused.
#[cfg(unix)]
#[test]
fn include_from_and_the_book_may_be_named_through_different_links() {
    let t = course(&[
        ("outside.txt", "OUTSIDE\n"),
        ("repo/README.md", "REPO-README\n"),
        ("repo/.env", "SECRET\n"),
        ("repo/examples/ex.rs", "fn repo_example() {}\n"),
        ("repo/docs/book/book.toml", "[book]\ntitle = \"Book\"\n"),
        ("repo/docs/book/src/SUMMARY.md", "- [One](one.md)\n"),
        (
            "repo/docs/book/src/one.md",
            "# One\n\n{{#include ../../../README.md}}\n\n```rust\n{{#include ../../../examples/ex.rs}}\n```\n",
        ),
    ]);
    let (repo, link) = (t.path().join("repo"), t.path().join("repolink"));
    std::os::unix::fs::symlink(&repo, &link).unwrap();
    let book = repo.join("docs/book");
    for (dir, from) in [
        (&repo, &link),
        (&link, &repo),
        (&link, &link),
        (&repo, &repo),
    ] {
        let _ = std::fs::remove_dir_all(book.join("site"));
        let from = from.to_str().unwrap();
        let named = dir.join("docs/book");
        let out = coursebook(
            &["--include-from", from, "build", named.to_str().unwrap()],
            t.path(),
        );
        assert!(out.status.success(), "{}: {}", named.display(), text(&out));
        let one = page(&book, "one.html");
        assert!(
            one.contains("REPO-README") && one.contains("repo_example"),
            "{one}"
        );
    }
    std::fs::write(
        book.join("src/one.md"),
        "# One\n\n{{#include ../../../.env}}\n\n{{#include ../../../../outside.txt}}\n",
    )
    .unwrap();
    let out = coursebook(
        &[
            "--include-from",
            repo.to_str().unwrap(),
            "build",
            link.join("docs/book").to_str().unwrap(),
        ],
        t.path(),
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("cannot include `../../../.env`: it is a hidden file"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "cannot include `../../../../outside.txt`: it leads outside the course folder (to {})",
            t.path().join("outside.txt").display()
        )),
        "{said}"
    );
    assert!(
        !said.contains("SECRET") && !said.contains("OUTSIDE\n"),
        "{said}"
    );
}

/// `--include-from` widens `{{#include}}` only, never to the whole machine (red team 5): `/`
/// let a book include `/proc/self/environ`; a folder that does not hold the book was ignored
/// without a word; `{{#quiz}}` read files outside the course through it; and a book inside a
/// hidden folder of DIR (`repo/.books/b`) lost its own includes as "hidden".
#[test]
fn include_from_is_a_folder_around_the_book_for_includes_only() {
    let repo = course(&[
        (
            "q.toml",
            "[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"OUTSIDE\"\nanswer.answer = \"x\"\n",
        ),
        ("elsewhere/x.md", "x\n"),
        (".books/b/book.toml", "[book]\ntitle = \"B\"\n"),
        (".books/b/src/SUMMARY.md", "- [A](a.md)\n"),
        (".books/b/src/a.md", "# A\n\n{{#include part.txt}}\n"),
        (".books/b/src/part.txt", "OWN FILE\n"),
    ]);
    let book = repo.path().join(".books/b");
    let out = coursebook(&["--include-from", "..", "build"], &book);
    assert!(out.status.success(), "{}", text(&out));
    assert!(page(&book, "a.html").contains("OWN FILE"));
    for (dir, why) in [
        ("/", "the file system's root is not a folder around a book"),
        ("../../elsewhere", "it does not hold the course folder"),
    ] {
        let out = coursebook(&["--include-from", dir, "build"], &book);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            text(&out).contains(&format!("error: --include-from {dir}: {why}")),
            "{}",
            text(&out)
        );
    }
    std::fs::write(book.join("src/a.md"), "# A\n\n{{#quiz ../../../q.toml}}\n").unwrap();
    let out = coursebook(&["--include-from", "../..", "build"], &book);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out)
            .contains("cannot read the quiz `../../../q.toml`: it leads outside the course folder"),
        "{}",
        text(&out)
    );
}

/// mdBook writes every relative `.md` link as `.html`, also one that leaves the book's folder
/// for another book on the same site (the cargo book's `../../rustc/codegen-options/index.md`):
/// it leads there, with the warning that it is not checked. A course keeps it as written.
#[test]
fn md_links_out_of_the_book_become_html_as_mdbook_writes_them() {
    let b = book(
        "[book]\ntitle = \"Out\"\n",
        &[
            ("src/SUMMARY.md", "- [Build](reference/build.md)\n"),
            (
                "src/reference/build.md",
                "# Build\n\nSee [codegen](../../rustc/codegen-options/index.md), [types](../../reference/types.md#x) and [std](../../std/index.html).\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = page(b.path(), "reference/build.html");
    for wanted in [
        "href=\"../../rustc/codegen-options/index.html\"",
        "href=\"../../reference/types.html#x\"",
        "href=\"../../std/index.html\"",
    ] {
        assert!(
            html.contains(wanted),
            "{wanted} missing: {}",
            main_of(&html)
        );
    }
    assert!(!html.contains(".md\""), "{}", main_of(&html));
    assert!(
        said(b.path(), &out).contains("warning: src/reference/build.md:3:5: `../../rustc/codegen-options/index.md` leads out of the book's folder; written as `../../rustc/codegen-options/index.html`, as mdBook does, and not checked"),
        "{}",
        said(b.path(), &out)
    );
}

/// mdBook writes `dir/README.md` as `dir/index.html` and a link to `dir/index.md` as
/// `dir/index.html`, so that link works there (rust-embedded/discovery, clippy's book).
#[test]
fn a_link_to_index_md_finds_the_folders_readme() {
    let b = book(
        "[book]\ntitle = \"Index\"\n",
        &[
            (
                "src/SUMMARY.md",
                "- [Intro](intro.md)\n- [Setup](setup/README.md)\n  - [Tools](setup/tools.md)\n",
            ),
            (
                "src/intro.md",
                "# Intro\n\nSee [setup](setup/index.md#tools) and [CI][ci].\n\n[ci]: setup/index.md\n",
            ),
            ("src/setup/README.md", "# Setup\n\n## Tools\n"),
            (
                "src/setup/tools.md",
                "# Tools\n\nBack [up](index.md) and [home](../intro.md).\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "");
    let intro = page(b.path(), "intro.html");
    assert!(
        intro.contains("href=\"setup/index.html#tools\""),
        "{}",
        main_of(&intro)
    );
    assert!(
        intro.contains("href=\"setup/index.html\""),
        "{}",
        main_of(&intro)
    );
    let tools = page(b.path(), "setup/tools.html");
    assert!(tools.contains("href=\"index.html\""), "{}", main_of(&tools));
}

/// Raw HTML's single-quoted and unquoted attributes are rebased in print.html like double-quoted
/// ones (rustwasm/book's `<img src='../images/…'>`), ids included.
#[test]
fn print_html_rebases_raw_html_in_any_quoting() {
    let b = book(
        "[book]\ntitle = \"Quotes\"\n",
        &[
            (
                "src/SUMMARY.md",
                "- [Intro](intro.md)\n- [Page](sub/page.md)\n",
            ),
            ("src/intro.md", "# Intro\n"),
            (
                "src/sub/page.md",
                "# Page\n\n<img src='../img/a.svg' alt='single'>\n\n<img\n  src=../img/a.svg alt=unquoted>\n\n<img src=\"../img/a.svg\" alt=\"double\">\n\nInline <img src='../img/a.svg' alt='inline'> and <span id='here' title='say \"hi\"'>a span</span>.\n\n![md](../img/a.svg)\n\n<script>if (a<b) { x = '<img src=\\'keep\\'>'; }</script>\n",
            ),
            (
                "src/img/a.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let print = page(b.path(), "print.html");
    assert_eq!(print.matches("src=\"img/a.svg\"").count(), 5, "{print}");
    assert!(!print.contains("../img/a.svg"), "{print}");
    assert!(
        print.contains("<span id=\"sub-page--here\" title=\"say &quot;hi&quot;\">"),
        "{print}"
    );
    // A script's text is not a tag.
    assert!(print.contains("x = '<img src=\\'keep\\'>'"), "{print}");
    // The page itself still finds its image.
    let own = page(b.path(), "sub/page.html");
    assert_eq!(
        own.matches("src=\"../img/a.svg\"").count(),
        5,
        "{}",
        main_of(&own)
    );
}

/// A raw-HTML link to a Markdown file leads to its page, as mdBook 0.5 writes it, and is checked
/// like a Markdown link.
#[test]
fn a_raw_html_link_to_a_markdown_file_leads_to_its_page() {
    let b = book(
        "[book]\ntitle = \"Raw\"\n",
        &[
            (
                "src/SUMMARY.md",
                "- [Intro](intro.md)\n- [Page](sub/page.md)\n",
            ),
            (
                "src/intro.md",
                "# Intro\n\nA <a href=\"sub/page.md\">raw link</a>, <a href='sub/page.md#deep'>another</a> and <a href=\"gone.md\">a stale one</a>.\n\n<p>\n<a class=\"x\"\n   href=sub/page.md#nope>in a block</a>\n</p>\n",
            ),
            ("src/sub/page.md", "# Page\n\n## Deep\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let intro = page(b.path(), "intro.html");
    for wanted in [
        "<a href=\"sub/page.html\">raw link</a>",
        "<a href=\"sub/page.html#deep\">another</a>",
        "<a href=\"gone.md\">a stale one</a>",
        "href=\"sub/page.html#nope\">in a block</a>",
    ] {
        assert!(
            intro.contains(wanted),
            "{wanted} missing: {}",
            main_of(&intro)
        );
    }
    let said = said(b.path(), &out);
    for line in [
        "warning: src/intro.md:3:90: broken link: `gone.md`",
        "warning: src/intro.md:7:9: broken anchor: `sub/page.md#nope` has no `#nope`",
    ] {
        assert!(said.contains(line), "missing {line:?} in:\n{said}");
    }
}

/// An e-mail autolink has its `mailto:` address and is no broken link (the cargo book's
/// `<security@rust-lang.org>`).
#[test]
fn an_email_autolink_is_not_a_broken_link() {
    let b = book(
        "[book]\ntitle = \"Mail\"\n",
        &[
            ("src/SUMMARY.md", "- [Intro](intro.md)\n"),
            (
                "src/intro.md",
                "# Intro\n\nWrite to <security@rust-lang.org>.\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(said(b.path(), &out), "");
    assert!(page(b.path(), "intro.html").contains("href=\"mailto:security@rust-lang.org\""));
}

/// A directive nothing expands inside a link's address is said once, as a directive (PyO3's
/// `[docs]({{#PYO3_DOCS_URL}}/pyo3/)` gave 323 more "broken link" warnings).
#[test]
fn an_unexpanded_directive_in_a_link_is_said_once() {
    let b = book(
        "[book]\ntitle = \"Directive\"\n",
        &[
            ("src/SUMMARY.md", "- [Intro](intro.md)\n"),
            (
                "src/intro.md",
                "# Intro\n\nSee [the docs]({{#PYO3_DOCS_URL}}/pyo3/index.html).\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let said = said(b.path(), &out);
    assert!(said.contains("is not expanded"), "{said}");
    assert!(!said.contains("broken link"), "{said}");
    assert_eq!(said.matches("warning:").count(), 1, "{said}");
}

/// `git-repository-url` is a link on every page, as mdBook's menu bar has one (the book audit of
/// 2026-12-05: all six books set it, and it was accepted but drawn nowhere).
#[test]
fn the_git_repository_is_linked_from_every_page() {
    let b = book(
        "[book]\ntitle = \"T\"\n\n[output.html]\ngit-repository-url = \"https://github.com/org/book\"\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n  - [Two](two/two.md)\n"),
            ("src/one.md", "# One\n"),
            ("src/two/two.md", "# Two\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    for p in ["one.html", "two/two.html", "toc.html", "index.html"] {
        assert!(
            page(b.path(), p).contains(
                "<a href=\"https://github.com/org/book\" rel=\"external\">Repository</a>"
            ),
            "{p}"
        );
    }
    let b = book(
        "[book]\ntitle = \"T\"\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n"),
            ("src/one.md", "# One\n"),
        ],
    );
    assert!(coursebook(&["build"], b.path()).status.success());
    assert!(!page(b.path(), "one.html").contains("rel=\"external\""));
}

/// A link to a page book.toml moved away (`old.md`, with `"/old.html" = "new.html"`) leads to
/// its redirect page, as mdBook writes every `.md` link `.html` (the edition guide has one):
/// it was kept `.md`, a 404, with a warning that it led nowhere.
#[test]
fn a_link_to_a_redirected_page_leads_to_its_redirect() {
    let b = book(
        "[book]\ntitle = \"Moved\"\n\n[output.html.redirect]\n\"/old/params.html\" = \"../new.html\"\n",
        &[
            ("src/SUMMARY.md", "- [One](one.md)\n- [New](new.md)\n"),
            (
                "src/one.md",
                "# One\n\nSee [the old page](old/params.md#why) and [this](old/params.html).\n",
            ),
            ("src/new.md", "# New\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("warning"), "{}", text(&out));
    let one = page(b.path(), "one.html");
    assert!(one.contains("href=\"old/params.html#why\""), "{one}");
    assert!(one.contains("href=\"old/params.html\""), "{one}");
    assert!(page(b.path(), "old/params.html").contains("URL=../new.html"));
}

/// mdBook gives each Rust block (but `ignore` and `noplayground` ones) a Run button that sends
/// the code to play.rust-lang.org; coursebook's pages make no request outside the site. Said
/// once for the book, at its first runnable block (the book audit of 2026-12-05: 357 blocks in
/// four books, said nowhere), and not again when book.toml's `[rust]` or
/// `[output.html.playground]` already has its warning.
#[test]
fn a_book_s_runnable_rust_is_said_once_to_have_no_run_button() {
    let files: &[(&str, &str)] = &[
        ("src/SUMMARY.md", "- [One](one.md)\n- [Two](two.md)\n"),
        (
            "src/one.md",
            "# One\n\n```rust,ignore\nlet a = 1;\n```\n\n```text\nx\n```\n\n```rust,noplayground\nlet b = 2;\n```\n",
        ),
        (
            "src/two.md",
            "# Two\n\n```rust,editable\nlet c = 3;\n```\n\n```rust\nlet d = 4;\n```\n",
        ),
    ];
    let b = book("[book]\ntitle = \"Run\"\n", files);
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let said = said(b.path(), &out);
    assert_eq!(said.matches("Run button").count(), 1, "{said}");
    assert!(
        said.starts_with("warning: src/two.md:3:1: Rust code is shown without mdBook's Run button"),
        "{said}"
    );
    for toml in [
        "[rust]\nedition = \"2021\"\n",
        "[output.html.playground]\nrunnable = false\n",
    ] {
        let b = book(&format!("[book]\ntitle = \"Run\"\n\n{toml}"), files);
        let out = coursebook(&["build"], b.path());
        assert!(out.status.success(), "{}", text(&out));
        assert!(!text(&out).contains("Run button"), "{}", text(&out));
    }
    // A course in coursebook's own `content/` folder never had a Run button to lose.
    let c = course(&[
        ("book.toml", "[book]\ntitle = \"Course\"\n"),
        ("content/SUMMARY.md", "- [Two](two.md)\n"),
        ("content/two.md", files[2].1),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("Run button"), "{}", text(&out));
    // Only ignored blocks: nothing to say.
    let b = book(
        "[book]\ntitle = \"Run\"\n",
        &[("src/SUMMARY.md", "- [One](one.md)\n"), files[1]],
    );
    let out = coursebook(&["build"], b.path());
    assert!(!text(&out).contains("Run button"), "{}", text(&out));
}

/// An mdBook book's root is its first chapter written again (mdBook's `index.html`), when that
/// chapter is not `README.md` or `index.md`: five of six real books (the Rustonomicon, the
/// Reference, …) opened on coursebook's lesson list, and their `index.html#…` links led
/// nowhere. From a chapter in a folder, its links still lead where they led. A course in
/// coursebook's own `content/` keeps its generated home page.
#[test]
fn an_mdbook_book_s_root_is_its_first_chapter() {
    let b = book(
        "[book]\ntitle = \"Nomicon\"\n",
        &[
            (
                "src/SUMMARY.md",
                "# Summary\n\n[Introduction](intro/index.md)\n\n- [Data](data.md)\n",
            ),
            (
                "src/intro/index.md",
                "# Introduction\n\nThe unique opening sentence.\n\n## Scope {#scope}\n\nSee [data](../data.md) and ![a figure](fig.png).\n",
            ),
            ("src/intro/fig.png", "not really a png"),
            (
                "src/data.md",
                "# Data\n\nBack to [the scope](index.html#scope) and [this](intro/index.md#scope).\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("warning"), "{}", text(&out));
    let root = page(b.path(), "index.html");
    let main = main_of(&root);
    assert!(main.contains("The unique opening sentence."), "{main}");
    assert!(main.contains("id=\"scope\""), "{main}");
    assert!(main.contains("href=\"data.html\""), "{main}");
    assert!(main.contains("src=\"intro/fig.png\""), "{main}");
    assert!(
        root.contains("<title>Introduction · Nomicon</title>"),
        "{root}"
    );
    assert!(
        root.contains("rel=\"next\"") || root.contains("href=\"data.html\""),
        "{root}"
    );
    // The chapter's own page is still there, as in mdBook.
    assert!(page(b.path(), "intro/index.html").contains("The unique opening sentence."));

    let c = course(&[
        ("book.toml", "[book]\ntitle = \"Course\"\n"),
        ("content/SUMMARY.md", "# Summary\n\n- [One](one.md)\n"),
        ("content/one.md", "# One\n\nThe first lesson.\n"),
    ]);
    let out = coursebook(&["build"], c.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(!main_of(&page(c.path(), "index.html")).contains("The first lesson."));
}

/// Footnotes as mdBook 0.5 writes them (the book audit of 2026-12-05: 117 on 47 pages of four
/// books were written mid-page where defined, with the bare name as id, no way back): numbered
/// by first reference, gathered at the page's end, `footnote-NAME` ids that a heading's cannot
/// clash with, a link back to each reference; one referred to nowhere is left out with a
/// warning, as mdBook leaves it out.
#[test]
fn footnotes_are_gathered_at_the_end_as_mdbook_writes_them() {
    let b = book(
        "[book]\ntitle = \"Notes\"\n",
        &[
            ("src/SUMMARY.md", "- [Page](page.md)\n"),
            (
                "src/page.md",
                "# Page\n\nFirst[^b] and second[^example], then [^b] again.\n\n[^example]: The example note.\n\n[^b]: The b note.\n\n[^unused]: Nobody refers to this.\n\n## Example\n\nLater text.\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("warning: src/page.md:9:1: the footnote `[^unused]` is not referred to anywhere on the page"),
        "{}",
        text(&out)
    );
    let html = main_of(&page(b.path(), "page.html")).to_string();
    for wanted in [
        "First<sup class=\"footnote-reference\" id=\"fr-b-1\"><a href=\"#footnote-b\">1</a></sup>",
        "second<sup class=\"footnote-reference\" id=\"fr-example-1\"><a href=\"#footnote-example\">2</a></sup>",
        "then <sup class=\"footnote-reference\" id=\"fr-b-2\"><a href=\"#footnote-b\">1</a></sup>",
        "<li id=\"footnote-b\">\n<p>The b note. <a href=\"#fr-b-1\">↩</a> <a href=\"#fr-b-2\">↩2</a></p>\n</li>",
        "<li id=\"footnote-example\">\n<p>The example note. <a href=\"#fr-example-1\">↩</a></p>",
    ] {
        assert!(html.contains(wanted), "no {wanted:?} in {html}");
    }
    // At the end, in the order of their numbers, after the last section; no second `example`.
    let (later, b_note, example_note) = (
        html.find("Later text.").unwrap(),
        html.find("id=\"footnote-b\"").unwrap(),
        html.find("id=\"footnote-example\"").unwrap(),
    );
    assert!(later < b_note && b_note < example_note, "{html}");
    assert_eq!(html.matches("id=\"example\"").count(), 1, "{html}");
    assert!(!html.contains("Nobody refers to this"), "{html}");
}

/// A page whose own `# Title` comes after something else (the Reference's rule marker
/// `r[shebang]` before `# Shebang`, 110 pages; a banner image) shows that title once, where it
/// stands, as mdBook shows it: the template's title is not added above it.
#[test]
fn a_title_after_other_content_is_shown_once() {
    let b = book(
        "[book]\ntitle = \"Ref\"\n",
        &[
            (
                "src/SUMMARY.md",
                "- [Shebang](shebang.md)\n- [Plain](plain.md)\n",
            ),
            (
                "src/shebang.md",
                "r[shebang]\n\n# Shebang\n\nText.\n\n## Later\n",
            ),
            ("src/plain.md", "Text first.\n\n## A section\n"),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let shebang = page(b.path(), "shebang.html");
    assert_eq!(shebang.matches("<h1").count(), 1, "{shebang}");
    assert!(
        shebang.contains("<h1 id=\"shebang\">Shebang</h1>"),
        "{shebang}"
    );
    // A page whose first heading is not a `#` still gets its title from SUMMARY.md.
    let plain = page(b.path(), "plain.html");
    assert!(plain.contains(">Plain</h1>"), "{plain}");
}

/// mdBook's highlight.js colours a code block written as raw HTML (cargo's book has one, in a
/// list): it was left plain here. Highlighted at build time, its tags and text as written.
#[test]
fn a_code_block_written_as_raw_html_is_highlighted() {
    let b = book(
        "[book]\ntitle = \"Raw\"\n",
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n"),
            (
                "src/a.md",
                "# A\n\n<ul>\n<li>JSON:\n<pre><code class=\"language-javascript\">{\n  \"id\": 1 &lt; 2\n}\n</code></pre></li>\n</ul>\n\n<pre><code class=\"language-rust\">fn <b>bold</b>() {}</code></pre>\n",
            ),
        ],
    );
    let out = coursebook(&["build"], b.path());
    assert!(out.status.success(), "{}", text(&out));
    let html = page(b.path(), "a.html");
    let start = html.find("<code class=\"language-javascript\">").unwrap();
    let block = &html[start..start + html[start..].find("</code>").unwrap()];
    assert!(block.contains("<span class=\"hl-"), "{block}");
    assert!(block.contains("&lt;"), "{block}");
    // Tags inside the code: as written.
    assert!(html.contains("<pre><code class=\"language-rust\">fn <b>bold</b>() {}</code></pre>"));
    // The page loads the highlighting's stylesheet.
    assert!(html.contains("highlight.css"), "no highlight.css");
}
