//! Build script: compiles the `quiz-wasm` crate to WebAssembly and generates
//! its JavaScript glue, so a plain `cargo build` of coursebook produces a
//! binary that embeds `$OUT_DIR/quiz_wasm_bg.wasm` and `$OUT_DIR/quiz_wasm.js`.
//! Nothing generated is checked in: the wasm always matches the grader the
//! binary links natively.
//!
//! Steps:
//!
//! 1. Make sure the `wasm32-unknown-unknown` target is installed for the
//!    rustc cargo gave us; try `rustup target add` once, else stop with one
//!    clear line.
//! 2. Run a nested `cargo build -p quiz-wasm --lib --target
//!    wasm32-unknown-unknown --release`.
//!    - It gets its **own target dir** (`<target>/quiz-wasm`): sharing the
//!      outer build's target dir deadlocks, because the outer cargo holds the
//!      lock on it while this script runs.
//!    - Its **profile comes from env** (`opt-level = "s"`, LTO, one codegen
//!      unit, `panic = "abort"`, no debug info) because profiles are per
//!      workspace and the native build should keep its own. `strip` is left
//!      off: wasm-bindgen warns when the target_features section is gone.
//!    - The **environment is scrubbed** of what the outer cargo (or
//!      `cargo clippy`, coverage tools, wrappers) set for this script:
//!      rustflags, rustc wrappers, target and target-dir overrides and profile
//!      settings would otherwise leak into the wasm build (clippy-driver as a
//!      wrapper, native-only flags, a forced host target).
//! 3. Run wasm-bindgen's `cli-support` **as a library** (a pinned
//!    build-dependency, `=` the same version as the `wasm-bindgen` crate)
//!    with `--target web` output and no TypeScript. A library needs no
//!    separately installed `wasm-bindgen` binary whose version must match
//!    exactly, and cargo builds it offline from the lockfile like any crate.
//!
//! Every failure prints one `error:` line (plus the nested compiler output
//! when there is some) and exits 1, rather than panicking with a backtrace.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, exit};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env_var("OUT_DIR")?);
    let crate_dir = manifest_dir.join("quiz-wasm");

    track_inputs(&manifest_dir, &crate_dir);
    record_commit(&manifest_dir);
    ensure_wasm_target()?;
    // The quiz grader (every page with a quiz or widget). Search's words (quiz-wasm/search) are
    // linked natively only: the query side is themes/default/js/search-words.js, no
    // WebAssembly, so search works under `script-src 'self'`.
    let release = build_wasm(&manifest_dir)?;
    let name = "quiz_wasm";
    let wasm = release.join(format!("{name}.wasm"));
    if !wasm.is_file() {
        return Err(format!(
            "cargo built the wasm module but {} is missing",
            wasm.display()
        ));
    }
    generate_glue(&wasm, name, &out_dir)?;

    for name in ["quiz_wasm.js", "quiz_wasm_bg.wasm"] {
        if !out_dir.join(name).is_file() {
            return Err(format!(
                "wasm-bindgen did not produce {}",
                out_dir.join(name).display()
            ));
        }
    }
    Ok(())
}

fn env_var(name: &str) -> Result<String, String> {
    env::var(name).map_err(|_| format!("cargo did not set {name} for the build script"))
}

/// Tell cargo what the wasm depends on. Cargo does not track another
/// package's files for a build script, and printing any rerun-if-changed
/// also stops the default "rerun when anything in this package changes".
fn track_inputs(manifest_dir: &Path, crate_dir: &Path) {
    let src = crate_dir.join("src");
    // The directory itself catches added and removed files.
    println!("cargo:rerun-if-changed={}", src.display());
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                stack.push(path);
            } else {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    println!(
        "cargo:rerun-if-changed={}",
        crate_dir.join("Cargo.toml").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        manifest_dir.join("Cargo.lock").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        manifest_dir.join("build.rs").display()
    );
}

/// The commit coursebook is built from, for `coursebook --version` and for the version that
/// `coursebook init` pins in its workflow: from git when building a clone, from the
/// `.cargo_vcs_info.json` that `cargo package` writes when building a published crate, else
/// none. Sets `COURSEBOOK_COMMIT` (40 hex digits or empty) and `COURSEBOOK_LONG_VERSION`.
fn record_commit(manifest_dir: &Path) {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(manifest_dir)
            .args(args)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (out.status.success() && !text.is_empty()).then_some(text)
    };
    // Only this repository's own git counts, not one that happens to hold a vendored copy.
    let own_repo = git(&["rev-parse", "--show-toplevel"])
        .is_some_and(|top| fs::canonicalize(top).ok() == fs::canonicalize(manifest_dir).ok());
    let (commit, date) = if own_repo {
        if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
            let git_dir = PathBuf::from(git_dir);
            // Rebuild when HEAD moves: HEAD itself, the branch it names, packed refs.
            let mut watch = vec![git_dir.join("HEAD"), git_dir.join("packed-refs")];
            if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                watch.push(git_dir.join(branch));
            }
            for path in watch.iter().filter(|p| p.is_file()) {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        (
            git(&["rev-parse", "HEAD"]),
            git(&["log", "-1", "--format=%cs"]),
        )
    } else {
        let vcs = manifest_dir.join(".cargo_vcs_info.json");
        println!("cargo:rerun-if-changed={}", vcs.display());
        let sha = fs::read_to_string(&vcs).ok().and_then(|text| {
            let at = text.find("\"sha1\"")?;
            let rest = &text[at + 6..];
            let start = rest.find('"')? + 1;
            let len = rest[start..].find('"')?;
            Some(rest[start..start + len].to_string())
        });
        (sha, None)
    };
    let commit = commit.filter(|c| c.len() == 40 && c.bytes().all(|b| b.is_ascii_hexdigit()));
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = match (&commit, date) {
        (Some(c), Some(d)) => format!("{version} (commit {} {d})", &c[..12]),
        (Some(c), None) => format!("{version} (commit {})", &c[..12]),
        (None, _) => format!("{version} (commit unknown)"),
    };
    println!(
        "cargo:rustc-env=COURSEBOOK_COMMIT={}",
        commit.unwrap_or_default()
    );
    println!("cargo:rustc-env=COURSEBOOK_LONG_VERSION={long}");
}

fn rustc() -> OsString {
    env::var_os("RUSTC").unwrap_or_else(|| "rustc".into())
}

fn target_installed() -> bool {
    let Ok(out) = Command::new(rustc()).args(["--print", "sysroot"]).output() else {
        return false;
    };
    if !out.status.success() {
        return false;
    }
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Path::new(&sysroot)
        .join("lib/rustlib")
        .join(WASM_TARGET)
        .is_dir()
}

fn ensure_wasm_target() -> Result<(), String> {
    if target_installed() {
        return Ok(());
    }
    // rustup picks the same toolchain as this build through RUSTUP_TOOLCHAIN,
    // which its proxies export to cargo and so to us.
    // Output captured: on failure the one line below says what to do.
    let added = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .output()
        .is_ok_and(|out| out.status.success());
    if added && target_installed() {
        return Ok(());
    }
    Err(format!(
        "coursebook needs the {WASM_TARGET} target: run `rustup target add {WASM_TARGET}`"
    ))
}

/// Variables that would leak the outer build's configuration into the
/// nested one.
fn is_scrubbed(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTDOCFLAGS",
        "RUSTDOCFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
    ];
    EXACT.contains(&name) || name.starts_with("CARGO_PROFILE_") || name.starts_with("CARGO_BUILD_")
}

fn build_wasm(manifest_dir: &Path) -> Result<PathBuf, String> {
    // Honour a user's CARGO_TARGET_DIR so the workspace stays clean when they
    // build elsewhere; cargo does not tell build scripts its target dir.
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("target"))
        .join("quiz-wasm");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());

    let mut cmd = Command::new(cargo);
    cmd.current_dir(manifest_dir)
        .args([
            "build",
            "-p",
            "quiz-wasm",
            "--lib",
            "--release",
            "--target",
            WASM_TARGET,
        ])
        .arg("--target-dir")
        .arg(&target_dir);
    for (name, _) in env::vars_os() {
        if name.to_str().is_some_and(is_scrubbed) {
            cmd.env_remove(&name);
        }
    }
    cmd.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s")
        .env("CARGO_PROFILE_RELEASE_LTO", "true")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false");

    // Capture output: a build script's stdout is read by cargo as directives.
    let out = cmd
        .output()
        .map_err(|e| format!("could not run cargo to build quiz-wasm: {e}"))?;
    if !out.status.success() {
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        return Err(format!(
            "building quiz-wasm for {WASM_TARGET} failed (compiler output above)"
        ));
    }
    Ok(target_dir.join(WASM_TARGET).join("release"))
}

fn generate_glue(wasm: &Path, name: &str, out_dir: &Path) -> Result<(), String> {
    // cli-support's error type is anyhow's, which it does not re-export;
    // `{:#}` prints its whole context chain on one line.
    let fail =
        |e: &dyn std::fmt::Display| format!("wasm-bindgen failed on {}: {e:#}", wasm.display());
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(wasm)
        .out_name(name)
        .web(true)
        .map_err(|e| fail(&e))?
        .typescript(false)
        // Function names only help debugging, and cost bytes every learner
        // downloads; panics abort, so there is no message to decorate.
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(out_dir)
        .map_err(|e| fail(&e))
}
