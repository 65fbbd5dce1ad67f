//! End-to-end: the coursebook binary on small fixture courses, one per behaviour. Each fixture is
//! written to a temporary folder, so the tests are independent and run in parallel.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

const BOOK: &str = "[book]\ntitle = \"Fixture\"\n";

fn course(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let p = dir.path().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }
    dir
}

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn build(dir: &Path) -> Output {
    run(&["build", "-q"], dir)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(p: impl AsRef<Path>) -> String {
    fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

/// Build a course that must fail, check the exit code and that nothing was written.
fn errors_of(files: &[(&str, &[u8])]) -> String {
    let dir = course(files);
    let out = build(dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1, stderr:\n{}",
        stderr(&out)
    );
    assert!(
        !dir.path().join("site").exists(),
        "a failed build must not write the site"
    );
    stderr(&out)
}

#[test]
fn example_course_builds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dest = tempfile::tempdir().unwrap();
    let site = dest.path().join("site");
    let out = run(
        &[
            "build",
            root.to_str().unwrap(),
            "-d",
            site.to_str().unwrap(),
        ],
        root,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("Built ") && stdout.contains(" pages into "),
        "{stdout}"
    );
    let lesson = read(site.join("foundations/what-is-a-model.html"));
    for needle in [
        "200 × 1000 + 50,000 = 250,000",
        "callout-tip",
        "Key idea",
        "Heads up",
        "Key terms",
        "data-quiz=\"check-yourself\"",
        "<math",
    ] {
        assert!(lesson.contains(needle), "lesson lacks {needle}");
    }
    for file in [
        "index.html",
        "404.html",
        "toc.html",
        "glossary.html",
        "sitemap.xml",
        ".nojekyll",
        "theme/js/quiz_wasm_bg.wasm",
    ] {
        assert!(site.join(file).is_file(), "{file} missing");
    }
}

#[test]
fn names_order_pages_and_numeric_prefixes_leave_urls() {
    let dir = course(&[
        ("book.toml", BOOK.as_bytes()),
        ("content/02-second/01-b.md", b"# B\n"),
        ("content/01-first/02-z.md", b"# Z lesson\n"),
        (
            "content/01-first/01-a.md",
            b"---\ntitle: A lesson\n---\nSee [Z](02-z.md) and [B](../02-second/01-b.md#b).\n",
        ),
    ]);
    let out = build(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let a = read(dir.path().join("site/first/a.html"));
    assert!(
        a.contains("href=\"z.html\"") && a.contains("href=\"../second/b.html#b\""),
        "{a}"
    );
    let toc = read(dir.path().join("site/toc.html"));
    let first = toc.find("A lesson").unwrap();
    let second = toc.find("Z lesson").unwrap();
    assert!(first < second, "order follows the numeric prefixes");
    assert!(toc.contains("1.1.") && toc.contains("2.1."));
}

#[test]
fn summary_gives_parts_nesting_drafts_and_suffix() {
    let summary = "# Summary\n\n[Intro](intro.md)\n\n# Basics\n\n- [One](one.md)\n  - [One A](one-a.md)\n- [Later]()\n\n---\n\n[Credits](credits.md)\n";
    let dir = course(&[
        ("book.toml", BOOK.as_bytes()),
        ("content/SUMMARY.md", summary.as_bytes()),
        ("content/intro.md", b"# Intro\n"),
        ("content/one.md", b"# One\n"),
        ("content/one-a.md", b"# One A\n"),
        ("content/credits.md", b"# Credits\n"),
    ]);
    let out = build(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(dir.path().join("site/one-a.html"));
    assert!(page.contains("<li class=\"toc-part\">Basics</li>"));
    assert!(page.contains("1.1.</span> One A") && page.contains("aria-current=\"page\""));
    assert!(
        page.contains("Later</span> <small>(coming soon)</small>"),
        "draft shown, not linked"
    );
    assert!(page.contains("toc-separator") && page.contains("credits.html"));
    assert!(!dir.path().join("site/later.html").exists());
}

#[test]
fn markdown_features_render() {
    let md = "# Features\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1] ~~old~~\n\n- [x] done\n\nTerm\n: Definition\n\n## Custom {#here}\n\n$\\hat{y} = \\frac{1}{n}\\sum_i x_i$\n\n```rust\nfn main() {}\n```\n\n```python\nprint('hi')\n```\n\n> [!NOTE]\n> Plain note.\n\n[^1]: A footnote.\n";
    let dir = course(&[
        ("book.toml", BOOK.as_bytes()),
        ("content/features.md", md.as_bytes()),
    ]);
    let out = build(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(dir.path().join("site/features.html"));
    for needle in [
        "<table>",
        "footnote",
        "<del>old</del>",
        "checkbox",
        "<dl>",
        "id=\"here\"",
        "<mfrac>",
        "class=\"language-rust\"",
        "hl-",
        "callout-note",
        "<p class=\"callout-title\">Note</p>",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
}

/// A glossary definition of several blocks (paragraphs, a list, a program) stays phrasing
/// content where it goes (the glossary's `<p>`, a mention's tooltip `<span>`, the key terms'
/// `<dd>`): its paragraphs were run together ("one.Two") and its `<pre>` sat in a `<p>`.
#[test]
fn a_definition_of_several_blocks_keeps_them_apart_and_stays_valid_html() {
    let glossary = "- term: Model\n  definition: |\n    One.\n\n    Two:\n\n    - a\n    - b\n\n    ```rust\n    fn main() {}\n    ```\n";
    let dir = course(&[
        (
            "book.toml",
            format!("{BOOK}\n[course]\nglossary = \"glossary.yaml\"\n").as_bytes(),
        ),
        (
            "content/a.md",
            b"---\ntitle: A\nterms: [model]\n---\nA model.\n",
        ),
        ("content/glossary.yaml", glossary.as_bytes()),
    ]);
    let out = build(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = "<span class=\"para\">One.</span><span class=\"para\">Two:</span><span class=\"para list\"><span class=\"item\">a</span><span class=\"item\">b</span></span><span class=\"code-lines\"><code class=\"language-rust\"><span class=\"hl-";
    let glossary = read(dir.path().join("site/glossary.html"));
    assert!(glossary.contains(&format!("<p>{expected}")), "{glossary}");
    let page = read(dir.path().join("site/a.html"));
    assert!(
        page.contains(&format!("role=\"tooltip\" id=\"tip-model-2\">{expected}")),
        "{page}"
    );
    assert!(page.contains(&format!("<dd>{expected}")), "{page}");
    for html in [&glossary, &page] {
        assert!(
            !html.contains("<pre><code") && !html.contains("<p><p>"),
            "{html}"
        );
    }
}

#[test]
fn every_problem_is_reported_at_its_line_in_one_run() {
    let stderr = errors_of(&[
        ("book.toml", BOOK.as_bytes()),
        ("content/a.md", b"---\ntitle: [unclosed\n---\n# A\n"),
        (
            "content/b.md",
            b"# B\n\nA [broken](missing.md) link and [anchor](c.md#nope).\n",
        ),
        ("content/c.md", b"# C\n\n## Real heading\n"),
        ("content/d.md", b"# D\n\nInline $\\notacommand x$ math.\n"),
        ("content/e.md", b"# E \xff\xfe bad bytes\n"),
    ]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn config_errors() {
    insta::assert_snapshot!(
        "bad_toml",
        errors_of(&[
            ("book.toml", b"[book]\ntitle = \"x\n"),
            ("content/a.md", b"# A\n")
        ])
    );
    insta::assert_snapshot!(
        "misspelled_key",
        errors_of(&[
            (
                "book.toml",
                b"[book]\ntitle = \"x\"\n\n[output.html]\nsite_url = \"/a/\"\n"
            ),
            ("content/a.md", b"# A\n")
        ])
    );
}

#[test]
fn mdbook_tables_are_ignored_not_fatal() {
    let dir = course(&[("book.toml", b"[book]\ntitle = \"x\"\n[preprocessor.katex]\nafter = [\"links\"]\n[output.linkcheck]\n"), ("content/a.md", b"# A\n")]);
    let out = run(&["build"], dir.path());
    assert!(out.status.success());
    assert!(
        stderr(&out).contains(
            "warning: book.toml:3:15: [preprocessor.katex] is not run by coursebook: it renders the book's `$…$` and `$$…$$` math itself"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn summary_entry_with_missing_file() {
    insta::assert_snapshot!(errors_of(&[
        ("book.toml", BOOK.as_bytes()),
        (
            "content/SUMMARY.md",
            b"# Summary\n\n- [Here](here.md)\n- [Gone](gone.md)\n"
        ),
        ("content/here.md", b"# Here\n")
    ]));
}

#[test]
fn broken_template_override() {
    insta::assert_snapshot!(errors_of(&[
        (
            "book.toml",
            b"[book]\ntitle = \"x\"\n[output.html]\ntheme = \"theme\"\n"
        ),
        ("content/a.md", b"# A\n"),
        (
            "theme/templates/page.html",
            b"{% extends \"base.html\" %}\n{% block content %}\n{{ titel }}\n{% endblock %}\n"
        ),
    ]));
    insta::assert_snapshot!(
        "template_syntax",
        errors_of(&[
            (
                "book.toml",
                b"[book]\ntitle = \"x\"\n[output.html]\ntheme = \"theme\"\n"
            ),
            ("content/a.md", b"# A\n"),
            ("theme/templates/404.html", b"<p>\n{% if %}\n"),
        ])
    );
}

#[test]
fn theme_override_replaces_one_file() {
    let dir = course(&[
        (
            "book.toml",
            b"[book]\ntitle = \"x\"\n[output.html]\ntheme = \"theme\"\n",
        ),
        ("content/a.md", b"# A\n"),
        ("theme/css/book.css", b"body { color: rebeccapurple }\n"),
    ]);
    assert!(build(dir.path()).status.success());
    assert_eq!(
        read(dir.path().join("site/theme/css/book.css")),
        "body { color: rebeccapurple }\n"
    );
    assert!(
        dir.path().join("site/theme/js/book.js").is_file(),
        "other files come from the default theme"
    );
}

#[test]
fn quiz_and_glossary_errors() {
    insta::assert_snapshot!(errors_of(&[
        ("book.toml", BOOK.as_bytes()),
        ("content/glossary.yaml", b"- term: Model\n  definition: A function.\n  see: [nothing]\n- term: Loss\n  aliases: [model]\n  definition: How wrong.\n"),
        ("content/a.md", b"---\nterms: [model, unknown-term]\n---\n# A\n\n```quiz\nquestions:\n  - type: single\n    prompt: Pick\n    choices:\n      - text: x\n      - text: y\n```\n"),
        ("content/a.quiz.yaml", b"questions:\n  - type: numeric\n    prompt: How many?\n    answer: 3\n    tolerance: -2\n"),
    ]));
}

#[test]
fn failed_build_leaves_previous_site_untouched() {
    let dir = course(&[("book.toml", BOOK.as_bytes()), ("content/a.md", b"# A\n")]);
    assert!(build(dir.path()).status.success());
    let before = read(dir.path().join("site/a.html"));
    fs::write(
        dir.path().join("content/a.md"),
        "# A changed\n\n[x](nowhere.md)\n",
    )
    .unwrap();
    let out = build(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(dir.path().join("site/a.html")), before);
    // A broken anchor is found only after every page is rendered (and streamed to the staging
    // folder): the previous site must stay all the same, and the staging folder go.
    fs::write(
        dir.path().join("content/a.md"),
        "# A again\n\n[x](#nowhere)\n",
    )
    .unwrap();
    let out = build(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("broken anchor"), "{}", stderr(&out));
    assert_eq!(read(dir.path().join("site/a.html")), before);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("coursebook-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let dir = course(&[
        ("book.toml", BOOK.as_bytes()),
        ("content/a.md", b"# A\n"),
        ("site/precious.txt", b"keep me"),
    ]);
    let out = build(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not made by coursebook"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(dir.path().join("site/precious.txt")), "keep me");
    let out = run(&["build", "-d", "."], dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "must not replace the course folder itself"
    );
    assert!(dir.path().join("content/a.md").is_file());
}

fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

#[test]
fn builds_are_byte_identical_from_different_folders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for t in [&a, &b] {
        fs::copy(root.join("book.toml"), t.path().join("book.toml")).unwrap();
        for f in walk(&root.join("content")) {
            let rel = f.strip_prefix(root).unwrap();
            fs::create_dir_all(t.path().join(rel).parent().unwrap()).unwrap();
            fs::copy(&f, t.path().join(rel)).unwrap();
        }
        assert!(build(t.path()).status.success());
    }
    let (ta, tb) = (tree(&a.path().join("site")), tree(&b.path().join("site")));
    assert_eq!(ta.len(), tb.len());
    for ((pa, ca), (pb, cb)) in ta.iter().zip(&tb) {
        assert_eq!(pa, pb);
        assert!(ca == cb, "{} differs", pa.display());
    }
}

#[test]
fn site_url_makes_404_work_at_any_depth() {
    let dir = course(&[("book.toml", b"[book]\ntitle = \"x\"\n[output.html]\nsite-url = \"/academy/\"\ncname = \"academy.example.org\"\n"), ("content/a.md", b"# A\n")]);
    assert!(build(dir.path()).status.success());
    let nf = read(dir.path().join("site/404.html"));
    assert!(
        nf.contains("href=\"/academy/theme/css/book.css")
            || nf.contains("href=\"&#x2f;academy&#x2f;theme/css/book.css"),
        "{nf}"
    );
    assert_eq!(read(dir.path().join("site/CNAME")), "academy.example.org\n");
    assert!(
        read(dir.path().join("site/sitemap.xml"))
            .contains("<loc>https://academy.example.org/academy/a.html</loc>")
    );
}

/// `COURSEBOOK_SITE_URL` (the Pages workflow sets it from actions/configure-pages) is where the
/// site is served, over book.toml's `site-url`: a course whose book.toml names another host got
/// a 404 page linking to that host when GitHub Pages served it under `/<repository>/`. Empty, it
/// is not there (a pull request's build); a bad one is an error naming the variable.
#[test]
fn coursebook_site_url_overrides_site_url_for_the_404_page_and_the_sitemap() {
    let dir = course(&[
        (
            "book.toml",
            b"[book]\ntitle = \"x\"\n[output.html]\nsite-url = \"https://academy.example.org/\"\n",
        ),
        ("content/a.md", b"# A\n"),
    ]);
    let with = |value: &str| {
        Command::new(env!("CARGO_BIN_EXE_coursebook"))
            .args(["build", "-q"])
            .env("COURSEBOOK_SITE_URL", value)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = with("https://someone.github.io/academy");
    assert!(out.status.success(), "{}", stderr(&out));
    let nf = read(dir.path().join("site/404.html"));
    assert!(
        nf.contains("href=\"/academy/theme/css/book.css")
            || nf.contains("href=\"&#x2f;academy&#x2f;theme/css/book.css"),
        "{nf}"
    );
    assert!(
        read(dir.path().join("site/sitemap.xml"))
            .contains("<loc>https://someone.github.io/academy/a.html</loc>")
    );
    // Empty: book.toml's.
    let out = with("");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        read(dir.path().join("site/sitemap.xml"))
            .contains("<loc>https://academy.example.org/a.html</loc>")
    );
    // Checked as site-url is, and said where it comes from.
    let out = with("javascript:alert(1)");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("error: COURSEBOOK_SITE_URL: `site-url` uses the `javascript:` scheme"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_command_line_exits_2() {
    let out = run(&["build", "--no-such-flag"], Path::new("."));
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--version"], Path::new("."));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn check_writes_nothing_and_annotates_for_github() {
    let dir = course(&[
        ("book.toml", BOOK.as_bytes()),
        ("content/a.md", b"# A\n\n[x](gone.md)\n"),
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["check", "."])
        .current_dir(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::error file=content/a.md,line=3,col=1::broken link: `gone.md`"),
        "{stdout}"
    );
    assert!(stderr(&out).contains("error: content/a.md:3:1: broken link"));
    assert!(!dir.path().join("site").exists(), "check writes nothing");
    let out = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["check", "--format", "human"])
        .current_dir(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("::error"),
        "--format human turns annotations off"
    );
    fs::write(dir.path().join("content/a.md"), "# A\n").unwrap();
    let out = run(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!dir.path().join("site").exists());
}

#[test]
fn version_names_the_commit_and_pages_name_the_generator() {
    let out = run(&["--version"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(out.status.success(), "{}", stderr(&out));
    let line = String::from_utf8_lossy(&out.stdout);
    let prefix = concat!("coursebook ", env!("CARGO_PKG_VERSION"), " (commit ");
    assert!(line.starts_with(prefix), "{line}");
    // Built from this repository's clone, so the commit is known: 12 hex digits, then the date.
    let commit = &line[prefix.len()..];
    assert!(
        commit.len() > 12 && commit[..12].bytes().all(|b| b.is_ascii_hexdigit()),
        "{line}"
    );

    let dir = course(&[("book.toml", BOOK.as_bytes()), ("content/a.md", b"# A\n")]);
    assert!(build(dir.path()).status.success());
    let generator = concat!(
        "<meta name=\"generator\" content=\"coursebook ",
        env!("CARGO_PKG_VERSION"),
        "\">"
    );
    for page in ["index.html", "a.html", "toc.html", "404.html"] {
        let html = read(dir.path().join("site").join(page));
        assert!(html.contains(generator), "{page} lacks {generator}");
    }
}

/// Two quizzes on a page whose ids and question ids join to the same element names (quiz
/// `intro-check` with question `basics`, quiz `intro` with question `check-basics`): the second
/// quiz's labels checked the first quiz's answers. Every id on the page is unique, the lesson's
/// quiz file included.
#[test]
fn quiz_element_names_are_unique_on_a_page() {
    let quiz = |id: &str, question: &str| {
        format!(
            "```quiz\nid: {id}\nquestions:\n  - id: {question}\n    type: true-false\n    prompt: Yes?\n    answer: true\n```\n"
        )
    };
    let lesson = format!(
        "# A\n\n{}\n{}\n{}\n",
        quiz("intro-check", "basics"),
        quiz("intro", "check-basics"),
        quiz("intro-check-basics", "x")
    );
    let c = course(&[
        ("book.toml", b"[book]\ntitle = \"T\"\n"),
        ("content/a.md", lesson.as_bytes()),
        (
            "content/a.quiz.yaml",
            b"id: intro\nquestions:\n  - id: check-basics\n    type: true-false\n    prompt: Sure?\n    answer: false\n",
        ),
    ]);
    let out = build(c.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(c.path().join("site/a.html"));
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert!(ids.len() > 12, "{ids:?}");
    ids.sort_unstable();
    let twice: Vec<_> = ids
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    assert!(twice.is_empty(), "ids on the page twice: {twice:?}");
    assert_eq!(html.matches("data-question=").count(), 4);
}

/// The sidebar as the default theme's `base.html` wrote it before it took `toc_html`: a loop
/// over the page's `toc` entries.
const SIDEBAR_LOOP: &str = r#"<ol>
{%- for e in toc recursive %}
{%- if e.kind == "part" %}
<li class="toc-part">{{ e.title }}</li>
{%- elif e.kind == "separator" %}
<li class="toc-separator"><hr></li>
{%- elif e.kind == "draft" %}
<li class="toc-draft"><span>{% if e.number %}<span class="toc-number">{{ e.number }}</span> {% endif %}{{ e.title }}</span>{% if e.title|lower|trim != t.page.coming_soon|replace("(", "")|replace(")", "")|lower|trim %} <small>{{ t.page.coming_soon }}</small>{% endif %}
{%- if e.children %}<ol>{{ loop(e.children) }}</ol>{% endif %}</li>
{%- elif e.kind == "more" %}
<li class="toc-more"><a href="{{ e.href }}">{{ t.page.toc_more|fill(count=e.title) }}</a></li>
{%- else %}
<li{% if e.open %} class="toc-open"{% endif %}><a href="{{ e.href }}"{% if e.lesson %} data-lesson="{{ e.lesson }}"{% endif %}{% if e.current %} aria-current="page"{% endif %}>{% if e.number %}<span class="toc-number">{{ e.number }}</span> {% endif %}{{ e.title }}</a>
{%- if e.children %}<ol>{{ loop(e.children) }}</ol>{% endif %}</li>
{%- endif %}
{%- endfor %}
</ol>"#;

/// The default theme's quiz, callout and mention markup, written in Rust (src/render/markup.rs),
/// is byte for byte what its templates write: the example course (a quiz of every kind it uses,
/// callouts, glossary mentions) built with the default theme and with a theme holding copies of
/// those templates, which then draw them, gives the same pages.
#[test]
fn the_widget_markup_is_what_the_default_widget_templates_write() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = |own: bool| {
        let t = tempfile::tempdir().unwrap();
        let mut book = read(root.join("book.toml"));
        for f in walk(&root.join("content")) {
            let rel = f.strip_prefix(root).unwrap();
            fs::create_dir_all(t.path().join(rel).parent().unwrap()).unwrap();
            fs::copy(&f, t.path().join(rel)).unwrap();
        }
        if own {
            book = book.replace("[output.html]\n", "[output.html]\ntheme = \"theme\"\n");
            for name in [
                "quiz.html",
                "question-choice.html",
                "question-input.html",
                "question-order.html",
                "question-tracing.html",
                "callout.html",
                "term.html",
            ] {
                let to = t.path().join("theme/templates").join(name);
                fs::create_dir_all(to.parent().unwrap()).unwrap();
                fs::copy(root.join("themes/default/templates").join(name), to).unwrap();
            }
        }
        fs::write(t.path().join("book.toml"), book).unwrap();
        let out = build(t.path());
        assert!(out.status.success(), "{}", stderr(&out));
        t
    };
    let (default, own) = (copy(false), copy(true));
    let (a, b) = (
        tree(&default.path().join("site")),
        tree(&own.path().join("site")),
    );
    assert_eq!(a.len(), b.len());
    let mut widgets = [0; 3];
    for ((pa, ca), (pb, cb)) in a.iter().zip(&b) {
        assert_eq!(pa, pb);
        assert!(ca == cb, "{} differs", pa.display());
        if pa.extension().is_some_and(|e| e == "html") {
            let html = String::from_utf8_lossy(ca);
            for (n, mark) in [
                "<form class=\"quiz\"",
                "<aside class=\"callout",
                "<span class=\"term\">",
            ]
            .iter()
            .enumerate()
            {
                widgets[n] += html.matches(mark).count();
            }
        }
    }
    // The course has all three, so both paths drew them.
    assert!(widgets.iter().all(|&n| n > 0), "{widgets:?}");
}

/// A theme with templates of its own still gets each page's sidebar entries (`toc`), and the
/// markup the default theme now shows (`toc_html`, written by site/toc.rs) is, byte for byte,
/// what its template's loop over them wrote: on every page (lessons, contents, print, 404), with
/// parts, separators, drafts, a long list cut short, and the strings of another language.
#[test]
fn the_sidebar_markup_is_what_the_template_loop_over_its_entries_wrote() {
    let mut summary = String::from(
        "# Summary\n\n[Intro](intro.md)\n\n# Part \"One\" & <two>\n\n- [First 'quoted' <b>](a.md)\n  - [Nested](sub/n.md)\n    - [Deep draft]()\n  - [Bientôt disponible]()\n- [Draft with kids]()\n  - [Kid](sub/kid.md)\n\n---\n\n# Many\n\n",
    );
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 1..=40 {
        summary.push_str(&format!("- [Item {i} & co](m{i}.md)\n"));
        files.push((format!("src/m{i}.md"), format!("# Item {i}\n\nText.\n")));
    }
    summary.push_str("\n---\n\n[Outro](outro.md)\n");
    for page in ["intro", "a", "sub/n", "sub/kid", "outro"] {
        files.push((format!("src/{page}.md"), format!("# {page}\n\nText.\n")));
    }
    files.push(("src/SUMMARY.md".into(), summary));
    let book = "[book]\ntitle = \"Drafts\"\nlanguage = \"fr\"\n";
    let base =
        read(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"));
    assert!(base.contains("{{ toc_html|safe }}"));
    let looped = base.replace("{{ toc_html|safe }}", SIDEBAR_LOOP);
    let with = |extra: &[(String, String)]| {
        let all: Vec<(&str, &[u8])> = files
            .iter()
            .chain(extra)
            .map(|(p, t)| (p.as_str(), t.as_bytes()))
            .collect();
        let dir = course(&all);
        let out = build(dir.path());
        assert!(out.status.success(), "{}", stderr(&out));
        dir
    };
    let default = with(&[("book.toml".into(), book.into())]);
    let own = with(&[
        (
            "book.toml".into(),
            format!("{book}[output.html]\ntheme = \"theme\"\n"),
        ),
        ("theme/templates/base.html".into(), looped),
    ]);
    let sidebar = |html: &str| -> String {
        let start = html.find("<nav class=\"toc\"").expect("a sidebar");
        let end = start + html[start..].find("</nav>").expect("its end");
        html[start..end].to_string()
    };
    let mut pages = 0;
    let mut seen = String::new();
    for entry in walkdir::WalkDir::new(default.path().join("site")) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = path.strip_prefix(default.path().join("site")).unwrap();
        let mine = sidebar(&read(path));
        assert_eq!(
            mine,
            sidebar(&read(own.path().join("site").join(rel))),
            "{}",
            rel.display()
        );
        seen.push_str(&mine);
        pages += 1;
    }
    assert!(pages > 45, "{pages} pages");
    for part in [
        "<li class=\"toc-part\">Part “One” &amp;</li>",
        "<li class=\"toc-separator\"><hr></li>",
        "<span class=\"toc-number\">2.</span> Draft with kids</span> <small>(bientôt disponible)</small>",
        "Bientôt disponible</span></li>",
        "class=\"toc-more\"><a href=\"toc.html\">",
        "aria-current=\"page\"",
        "class=\"toc-open\"",
        "Item 12 &amp; co",
    ] {
        assert!(seen.contains(part), "no {part} in the sidebars");
    }
}
