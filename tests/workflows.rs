//! The GitHub Actions workflows: the repository's own (`.github/workflows/`, the release) and the
//! Pages workflow that `coursebook init` writes are read by actionlint, which knows every
//! action's inputs and runtime; and the Pages workflow's install step is run for real against a
//! release folder on disk: it installs the released binary after checking its checksum, refuses
//! a binary whose checksum does not match, and falls back to building from source only when no
//! release matches.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

#[path = "support/tools.rs"]
mod tools;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PAGES: &str = ".github/workflows/pages.yml";

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A course made by `coursebook init` in a new temporary folder.
fn init_course() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["init", "-q", "my-course"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    tmp
}

fn actionlint(files: &[PathBuf], cwd: &Path) {
    let bin = tools::actionlint().unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(&bin)
        .args(["-no-color"])
        .args(files)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    assert!(
        out.status.success(),
        "actionlint found problems:\n{}",
        text(&out)
    );
}

#[test]
fn the_repository_workflows_pass_actionlint() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = repo.join(".github/workflows");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.iter().any(|f| f.ends_with("release.yml")),
        "no release workflow in {}",
        dir.display()
    );
    actionlint(&files, repo);
}

#[test]
fn the_pages_workflow_init_writes_passes_actionlint() {
    let tmp = init_course();
    let course = tmp.path().join("my-course");
    actionlint(&[course.join(PAGES)], &course);
}

/// The `run` script of the Pages workflow's step named `name`.
fn step_script(workflow: &str, name: &str) -> String {
    let doc: serde_json::Value = serde_saphyr::from_str(workflow).unwrap();
    let steps = doc["jobs"]["build"]["steps"].as_array().unwrap();
    let step = steps
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name:?} in the workflow"));
    step["run"].as_str().unwrap().to_string()
}

/// The workflow's top-level `env`, as the runner would set it.
fn workflow_env(workflow: &str) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_saphyr::from_str(workflow).unwrap();
    doc["env"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

struct Runner {
    _tmp: tempfile::TempDir,
    temp: PathBuf,
    output: PathBuf,
    path: PathBuf,
}

/// Run the install step as GitHub's runner would (bash -e -o pipefail, RUNNER_* and GITHUB_*
/// set), with `COURSEBOOK_REPO` pointing at `repo` (a `file://` URL).
fn run_install_step(repo: &str) -> (Output, Runner) {
    let course = init_course();
    let workflow = fs::read_to_string(course.path().join("my-course").join(PAGES)).unwrap();
    let script = step_script(&workflow, "Install coursebook");
    let tmp = tempfile::tempdir().unwrap();
    let runner = Runner {
        temp: tmp.path().join("runner-temp"),
        output: tmp.path().join("github-output"),
        path: tmp.path().join("github-path"),
        _tmp: tmp,
    };
    fs::create_dir_all(&runner.temp).unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
        .current_dir(&runner.temp);
    for (key, value) in workflow_env(&workflow) {
        cmd.env(key, value);
    }
    let out = cmd
        .env("COURSEBOOK_REPO", repo)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", &runner.temp)
        .env("GITHUB_OUTPUT", &runner.output)
        .env("GITHUB_PATH", &runner.path)
        .output()
        .unwrap();
    (out, runner)
}

/// A release of this coursebook as cargo-dist lays it out: `releases/download/v<version>/` with
/// `coursebook-<target>.tar.xz` (a folder holding the binary) and its `.sha256`.
fn fake_release(dir: &Path, tamper: bool) -> String {
    let target = "x86_64-unknown-linux-gnu";
    let release = dir
        .join("releases/download")
        .join(concat!("v", env!("CARGO_PKG_VERSION")));
    let stage = dir.join("stage").join(format!("coursebook-{target}"));
    fs::create_dir_all(&release).unwrap();
    fs::create_dir_all(&stage).unwrap();
    fs::copy(env!("CARGO_BIN_EXE_coursebook"), stage.join("coursebook")).unwrap();
    fs::write(stage.join("README.md"), "coursebook\n").unwrap();
    let archive = format!("coursebook-{target}.tar.xz");
    let tar = Command::new("tar")
        .arg("-cJf")
        .arg(release.join(&archive))
        .arg("-C")
        .arg(dir.join("stage"))
        .arg(format!("coursebook-{target}"))
        .output()
        .unwrap();
    assert!(tar.status.success(), "{}", text(&tar));
    let sum = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(&release)
        .output()
        .unwrap();
    assert!(sum.status.success(), "{}", text(&sum));
    let mut line = String::from_utf8(sum.stdout).unwrap();
    if tamper {
        line.replace_range(
            0..4,
            if &line[0..4] == "0000" {
                "1111"
            } else {
                "0000"
            },
        );
    }
    fs::write(release.join(format!("{archive}.sha256")), line).unwrap();
    format!("file://{}", dir.display())
}

#[test]
fn pages_workflow_installs_the_released_binary_after_checking_it() {
    let dir = tempfile::tempdir().unwrap();
    let (out, runner) = run_install_step(&fake_release(dir.path(), false));
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        fs::read_to_string(&runner.output).unwrap(),
        "from=release\n"
    );
    let bin_dir = fs::read_to_string(&runner.path).unwrap();
    let bin = Path::new(bin_dir.trim()).join("coursebook");
    let version = Command::new(&bin).arg("--version").output().unwrap();
    assert!(
        String::from_utf8_lossy(&version.stdout)
            .starts_with(concat!("coursebook ", env!("CARGO_PKG_VERSION"))),
        "{}",
        text(&version)
    );
}

#[test]
fn pages_workflow_refuses_a_binary_whose_checksum_does_not_match() {
    let dir = tempfile::tempdir().unwrap();
    let (out, runner) = run_install_step(&fake_release(dir.path(), true));
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("FAILED"), "{}", text(&out));
    assert!(!runner.path.exists(), "nothing may be put on the PATH");
}

#[test]
fn pages_workflow_builds_from_source_only_when_no_release_matches() {
    let dir = tempfile::tempdir().unwrap();
    let (out, runner) = run_install_step(&format!("file://{}", dir.path().display()));
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("building it from source"),
        "{}",
        text(&out)
    );
    assert_eq!(fs::read_to_string(&runner.output).unwrap(), "from=source\n");
    assert!(!runner.path.exists());

    // The steps that build from source run on exactly that answer, and pin what init was.
    let course = init_course();
    let workflow = fs::read_to_string(course.path().join("my-course").join(PAGES)).unwrap();
    let build = step_script(&workflow, "Build coursebook from source");
    assert!(build.contains("--rev \"$COURSEBOOK_COMMIT\" --locked coursebook"));
    assert!(build.contains("--tag \"v$COURSEBOOK_VERSION\" --locked coursebook"));
    let env = workflow_env(&workflow);
    let commit = &env
        .iter()
        .find(|(k, _)| k == "COURSEBOOK_COMMIT")
        .unwrap()
        .1;
    assert_eq!(
        commit.len(),
        40,
        "the commit init was built from: {commit:?}"
    );
}
