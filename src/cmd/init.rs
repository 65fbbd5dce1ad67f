//! `coursebook init [DIR]`: a new course that builds and deploys as it is.
//!
//! Owns the starter course. Its files are real files in `src/cmd/init/`, embedded with
//! `include_str!`, so they read (and can be tried out) exactly as an author will get them; the
//! only changes init makes are the `{{name}}` and `{{title}}` placeholders, and in the workflow
//! the coursebook that wrote it (`{{version}}`, `{{repository}}`, `{{commit}}`), so the site is
//! always built by the same one. Init never writes over
//! anything: it looks at every path first and, if any is taken, writes nothing at all.

use crate::diag::{Diagnostic, Pos};
use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Every file of the new course: its path in the course, and its template.
const FILES: &[(&str, &str)] = &[
    ("book.toml", include_str!("init/book.toml")),
    (
        "content/01-getting-started/01-first-lesson.md",
        include_str!("init/first-lesson.md"),
    ),
    (
        "content/01-getting-started/01-first-lesson.quiz.yaml",
        include_str!("init/first-lesson.quiz.yaml"),
    ),
    ("content/glossary.yaml", include_str!("init/glossary.yaml")),
    (".gitignore", include_str!("init/gitignore")),
    (
        ".github/workflows/pages.yml",
        include_str!("init/pages.yml"),
    ),
];

pub fn run(dir: &Path, quiet: bool) -> bool {
    let taken = taken_paths(dir);
    if !taken.is_empty() {
        for rel in taken {
            // Named from where the author stands (`my-course/book.toml`), since no course exists
            // yet that the path could be relative to.
            let path = dir.join(rel);
            let path = path.strip_prefix(".").unwrap_or(&path);
            let message = if fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) {
                "is a symbolic link; init writes nothing through links or over existing files"
            } else {
                "already exists; init writes nothing over existing files"
            };
            errln!("{}", Diagnostic::error(path, Pos::FILE, message));
        }
        return false;
    }
    if let Err(e) = fs::create_dir_all(dir) {
        errln!(
            "error: {}: cannot create the folder: {e}",
            crate::diag::escape_controls(&dir.display().to_string())
        );
        return false;
    }
    // The folder's real name, also for "." or "../x".
    let folder = fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let name = repository_name(&folder);
    let title = humanize(&folder);
    for (rel, template) in FILES {
        // `name` holds no braces, so replacing it first cannot create a `{{title}}`.
        let text = template
            .replace("{{name}}", &name)
            .replace("{{title}}", &title)
            .replace("{{version}}", env!("CARGO_PKG_VERSION"))
            .replace("{{repository}}", env!("CARGO_PKG_REPOSITORY"))
            .replace("{{commit}}", env!("COURSEBOOK_COMMIT"));
        let path = dir.join(rel);
        if let Err(e) = write_new(&path, &text) {
            errln!("error: {}: cannot write it: {e}", path.display());
            return false;
        }
    }
    if !quiet {
        print_next_steps(dir, &name);
    }
    true
}

/// The files init would write that exist already, and folders it needs that are files: all of
/// them, so the author can move them aside in one go. Paths are relative to `dir`.
fn taken_paths(dir: &Path) -> BTreeSet<PathBuf> {
    let mut taken = BTreeSet::new();
    for (rel, _) in FILES {
        let rel = Path::new(rel);
        // symlink_metadata, not exists(): a dangling symlink is taken too.
        if fs::symlink_metadata(dir.join(rel)).is_ok() {
            taken.insert(rel.to_path_buf());
        }
        for folder in rel
            .ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty())
        {
            // A link to a folder is taken too: init wrote pages.yml and the lessons into
            // wherever `.github` or `content` led (red team 5).
            let linked = fs::symlink_metadata(dir.join(folder)).is_ok_and(|m| m.is_symlink());
            if linked || (dir.join(folder).exists() && !dir.join(folder).is_dir()) {
                taken.insert(folder.to_path_buf());
            }
        }
    }
    taken
}

/// Write a file that must not exist yet. `create_new` rather than the check alone, so a file
/// that appears between the check and the write is still never overwritten.
fn write_new(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(text.as_bytes())
}

/// The GitHub repository a folder becomes: GitHub turns every character other than ASCII
/// letters, digits, `.`, `-` and `_` into `-`, and the site is served under that name.
fn repository_name(folder: &str) -> String {
    let name: String = folder
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if name.trim_matches(['.', '-']).is_empty() {
        "course".to_string()
    } else {
        name
    }
}

/// `my-course` → `My course`. Only letters and digits are kept, so the title needs no quoting.
fn humanize(folder: &str) -> String {
    let words: Vec<&str> = folder
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let title = words.join(" ");
    let mut chars = title.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "My course".to_string(),
    }
}

fn print_next_steps(dir: &Path, name: &str) {
    let here = dir == Path::new(".");
    // Control characters shown escaped: a name with a newline could start a line of its own
    // (a CI log's `::error::`).
    let shown = crate::diag::escape_controls(&dir.display().to_string()).into_owned();
    let folder = shown.trim_end_matches('/');
    // Commands the author can paste: no argument for the current folder, quotes where needed.
    let arg = if here {
        String::new()
    } else if shown
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-~".contains(c))
    {
        format!(" {shown}")
    } else {
        format!(" '{}'", shown.replace('\'', r"'\''"))
    };
    let site = if here {
        "site/".to_string()
    } else {
        format!("{folder}/site/")
    };
    if here {
        outln!("Created a new course here:");
    } else {
        outln!("Created a new course in {folder}/:");
    }
    for (rel, _) in FILES {
        outln!("  {rel}");
    }
    outln!();
    outln!("Next:");
    outln!("  coursebook serve{arg}    preview it; every save rebuilds and reloads the page");
    outln!("  coursebook build{arg}    build the site into {site}");
    outln!("  Push it to a GitHub repository named \"{name}\" (another name: change site-url in");
    outln!("  book.toml), then in its Settings -> Pages set Source to \"GitHub Actions\".");
    outln!("  Every push to main then publishes it, at https://<user>.github.io/{name}/.");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_github_and_titles_read_well() {
        assert_eq!(repository_name("my-course"), "my-course");
        assert_eq!(repository_name("Intro to Rust"), "Intro-to-Rust");
        assert_eq!(repository_name("café"), "caf-");
        assert_eq!(repository_name(""), "course");
        assert_eq!(humanize("my-course"), "My course");
        assert_eq!(humanize("SLM_academy 2"), "SLM academy 2");
        assert_eq!(humanize("quote\"d\\"), "Quote d");
        assert_eq!(humanize("--"), "My course");
    }
}
