//! End-to-end: `coursebook init` makes a course that builds as it is, ready for GitHub Pages, and
//! never writes over anything.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LESSON: &str = "content/01-getting-started/01-first-lesson.md";
const WORKFLOW: &str = ".github/workflows/pages.yml";

fn coursebook(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn init(parent: &Path, name: &str) -> Output {
    coursebook(&["init", name], parent)
}

fn text(o: &Output) -> String {
    format!(
        "--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn read(p: impl AsRef<Path>) -> String {
    fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

/// Every file under `dir` with its contents, to show that a run changed nothing.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

#[test]
fn init_makes_a_course_that_builds_for_its_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let out = init(tmp.path(), "my-course");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "book.toml",
        LESSON,
        WORKFLOW,
        "coursebook serve my-course",
        "coursebook build my-course",
        "GitHub Actions",
    ] {
        assert!(
            stdout.contains(needle),
            "init's output lacks {needle:?}:\n{stdout}"
        );
    }

    let dir = tmp.path().join("my-course");
    for file in [
        "book.toml",
        LESSON,
        "content/01-getting-started/01-first-lesson.quiz.yaml",
        "content/glossary.yaml",
        ".gitignore",
        WORKFLOW,
    ] {
        assert!(dir.join(file).is_file(), "{file} was not written");
    }
    let book = read(dir.join("book.toml"));
    assert!(book.contains("title = \"My course\""), "{book}");
    assert!(book.contains("site-url = \"/my-course/\""), "{book}");
    assert_eq!(
        read(dir.join(".gitignore"))
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>(),
        ["/site"]
    );
    let lesson = read(dir.join(LESSON));
    for needle in [
        "title:",
        "description:",
        "objectives:",
        "terms:",
        "> [!TIP] ",
        "$",
        "```yaml",
    ] {
        assert!(lesson.contains(needle), "the lesson lacks {needle:?}");
    }

    let built = coursebook(&["build", "my-course"], tmp.path());
    assert_eq!(built.status.code(), Some(0), "{}", text(&built));
    let site = dir.join("site");
    let page = read(site.join("getting-started/first-lesson.html"));
    for needle in ["data-quiz=", "callout-tip", "<math", "data-term=\"quiz\""] {
        assert!(page.contains(needle), "the lesson page lacks {needle:?}");
    }
    assert!(
        read(site.join("glossary.html")).contains("id=\"term-lesson\""),
        "the glossary page lacks its terms"
    );
    assert!(site.join(".nojekyll").is_file(), "no .nojekyll in the site");
    assert!(site.join("index.html").is_file() && site.join("404.html").is_file());

    // The same course passes check, as the workflow runs it.
    let checked = coursebook(&["check", "--format", "github", "my-course"], tmp.path());
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked));
}

#[test]
fn init_writes_nothing_over_existing_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-course");
    assert!(init(tmp.path(), "my-course").status.success());
    // An edit of the author's, which a second init must keep.
    fs::write(dir.join(LESSON), "---\ntitle: Mine\n---\nMy own words.\n").unwrap();
    let before = snapshot(&dir);

    let again = init(tmp.path(), "my-course");
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    let stderr = String::from_utf8_lossy(&again.stderr);
    for file in ["book.toml", LESSON, WORKFLOW, ".gitignore"] {
        let line = format!(
            "error: my-course/{file}: already exists; init writes nothing over existing files"
        );
        assert!(stderr.contains(&line), "missing {line:?} in:\n{stderr}");
    }
    assert_eq!(snapshot(&dir), before, "a refused init changed files");

    // One file in the way is enough to write nothing at all.
    let other = tmp.path().join("other");
    fs::create_dir_all(other.join("content")).unwrap();
    fs::write(other.join("content/glossary.yaml"), "[]\n").unwrap();
    let out = init(tmp.path(), "other");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("other/content/glossary.yaml: already exists"),
        "{}",
        text(&out)
    );
    assert_eq!(
        snapshot(&other).len(),
        1,
        "init wrote files beside the one in the way"
    );
    assert_eq!(read(other.join("content/glossary.yaml")), "[]\n");
}

#[cfg(unix)]
#[test]
fn init_writes_nothing_through_a_link_to_a_folder() {
    // `.github` and `content` linked elsewhere: init wrote pages.yml and the lessons there
    // (red team 5).
    let tmp = tempfile::tempdir().unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    let dir = tmp.path().join("repo");
    fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join(".github")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("content")).unwrap();
    let out = init(tmp.path(), "repo");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    for link in [".github", "content"] {
        let line = format!(
            "error: repo/{link}: is a symbolic link; init writes nothing through links or over existing files"
        );
        assert!(
            text(&out).contains(&line),
            "missing {line:?} in:\n{}",
            text(&out)
        );
    }
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(!dir.join("book.toml").exists());
}

#[test]
fn init_joins_a_folder_with_unrelated_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("notes");
    fs::create_dir_all(dir.join("drafts")).unwrap();
    fs::write(dir.join("README.md"), "# Notes\n").unwrap();
    fs::write(dir.join("drafts/idea.txt"), "later\n").unwrap();

    // Run from inside the folder, as `coursebook init` with no argument.
    let out = coursebook(&["init"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("coursebook serve "),
        "{}",
        text(&out)
    );
    assert_eq!(read(dir.join("README.md")), "# Notes\n");
    assert_eq!(read(dir.join("drafts/idea.txt")), "later\n");
    assert!(read(dir.join("book.toml")).contains("site-url = \"/notes/\""));
    let built = coursebook(&["build", "-q"], &dir);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built));
}

#[test]
fn init_creates_missing_folders_and_names_the_site_after_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let out = init(tmp.path(), "courses/Intro to Rust");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("coursebook build 'courses/Intro to Rust'"),
        "{}",
        text(&out)
    );
    let book = read(tmp.path().join("courses/Intro to Rust/book.toml"));
    // GitHub names the repository Intro-to-Rust; the title keeps the folder's words.
    assert!(book.contains("title = \"Intro to Rust\""), "{book}");
    assert!(book.contains("site-url = \"/Intro-to-Rust/\""), "{book}");
}

#[test]
fn quiet_init_prints_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = coursebook(&["-q", "init", "c"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "{}",
        text(&out)
    );
}

#[test]
fn the_workflow_publishes_with_github_pages_actions() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(init(tmp.path(), "my-course").status.success());
    let workflow = read(tmp.path().join("my-course").join(WORKFLOW));
    for needle in [
        "branches: [main]",
        "workflow_dispatch:",
        "contents: read",
        "pages: write",
        "id-token: write",
        "actions/checkout@v6",
        "actions/cache@v5",
        "path: ~/.cache/coursebook/blocks",
        "rustup target add wasm32-unknown-unknown",
        "cargo install --git",
        "--locked coursebook",
        concat!("COURSEBOOK_VERSION: \"", env!("CARGO_PKG_VERSION"), "\""),
        concat!("COURSEBOOK_REPO: ", env!("CARGO_PKG_REPOSITORY")),
        "sha256sum -c",
        "coursebook check --format github",
        "coursebook build",
        "actions/configure-pages@v6",
        "actions/upload-pages-artifact@v5",
        "path: site",
        "include-hidden-files: true",
        "name: github-pages",
        "url: ${{ steps.deployment.outputs.page_url }}",
        "needs: build",
        "id: deployment",
        "actions/deploy-pages@v5",
        "Settings -> Pages",
        "/my-course/",
    ] {
        assert!(
            workflow.contains(needle),
            "the workflow lacks {needle:?}:\n{workflow}"
        );
    }
    // Tabs are not YAML indentation.
    assert!(!workflow.contains('\t'));
}

/// A pull request's course is untrusted: the workflow checks and builds it (its problems show on
/// the pull request) with a read-only token, and never publishes it; only the deploy job, which
/// pull requests skip, may write to Pages.
#[test]
fn the_workflow_checks_pull_requests_without_publishing_them() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(init(tmp.path(), "my-course").status.success());
    let workflow = read(tmp.path().join("my-course").join(WORKFLOW));
    let w: serde_json::Value = serde_saphyr::from_str(&workflow).unwrap();
    let on = &w["on"];
    assert!(on.get("pull_request").is_some(), "{on}");
    assert!(on.get("pull_request_target").is_none(), "{on}");
    assert_eq!(on["push"]["branches"][0], "main");
    // Nothing but reading, unless a job asks: only deploy does.
    assert_eq!(w["permissions"], serde_json::json!({ "contents": "read" }));
    let build = &w["jobs"]["build"];
    assert!(build.get("permissions").is_none(), "{build}");
    let not_pr = "github.event_name != 'pull_request'";
    let steps = build["steps"].as_array().unwrap();
    let step = |uses: &str| {
        steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(uses)))
            .unwrap_or_else(|| panic!("no {uses} step"))
    };
    assert_eq!(
        step("actions/checkout")["with"]["persist-credentials"],
        false
    );
    assert_eq!(step("actions/configure-pages")["if"], not_pr);
    assert_eq!(step("actions/upload-pages-artifact")["if"], not_pr);
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.contains(&"coursebook check --format github"),
        "{runs:?}"
    );
    assert!(runs.contains(&"coursebook build"), "{runs:?}");
    // The build takes where Pages serves the site from configure-pages, which runs first.
    let pages = steps
        .iter()
        .position(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/configure-pages"))
        })
        .unwrap();
    let build_step = steps
        .iter()
        .position(|s| s["run"] == "coursebook build")
        .unwrap();
    assert!(pages < build_step, "configure-pages runs after the build");
    assert_eq!(steps[pages]["id"], "pages");
    assert_eq!(
        steps[build_step]["env"]["COURSEBOOK_SITE_URL"],
        "${{ steps.pages.outputs.base_url }}"
    );
    let deploy = &w["jobs"]["deploy"];
    assert_eq!(deploy["if"], not_pr);
    assert_eq!(
        deploy["permissions"],
        serde_json::json!({ "pages": "write", "id-token": "write" })
    );
    // Deployments wait for each other; a pull request's runs replace each other.
    let group = w["concurrency"]["group"].as_str().unwrap();
    assert!(
        group.contains("'pages'") && group.contains("check-"),
        "{group}"
    );
}

#[test]
fn no_placeholder_is_left_in_any_file() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(init(tmp.path(), "my-course").status.success());
    for (path, bytes) in snapshot(&tmp.path().join("my-course")) {
        let text = String::from_utf8(bytes).unwrap();
        for placeholder in [
            "{{name}}",
            "{{title}}",
            "{{version}}",
            "{{repository}}",
            "{{commit}}",
        ] {
            assert!(
                !text.contains(placeholder),
                "{placeholder} left in {}",
                path.display()
            );
        }
    }
}
