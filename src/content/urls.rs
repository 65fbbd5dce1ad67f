//! Where each source file lands in the site: numeric prefixes such as `01-` order files and
//! folders but are dropped from URLs; `.md` becomes `.html`.

use super::{Course, PageKind};
use crate::config::Config;
use crate::confine;
use crate::diag::{Diagnostic, Diagnostics, Pos, rel};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// `01-what-is-a-model` → `what-is-a-model`; a name that is only a number stays.
pub fn strip_number(name: &str) -> &str {
    let digits = name.len() - name.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return name;
    }
    let rest = &name[digits..];
    match rest.strip_prefix(['-', '_', '.', ' ']) {
        Some(r) if !r.is_empty() && !r.starts_with('.') => r,
        _ => name,
    }
}

fn url_dirs(src_rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(parent) = src_rel.parent() {
        for c in parent.components() {
            parts.push(strip_number(&c.as_os_str().to_string_lossy()).to_string());
        }
    }
    parts
}

/// The page URL (relative to the site root) of a Markdown file relative to src: numeric
/// prefixes dropped from its folders and name (they order a course without SUMMARY.md).
pub fn page_url(src_rel: &Path) -> String {
    html_url(url_dirs(src_rel), src_rel, strip_number)
}

/// A page's URL as mdBook makes it, for courses ordered by SUMMARY.md (whose names need no
/// numeric prefix to order them): the file's own path, `.md` → `.html`, `README.md` and
/// `index.md` → `index.html`. Deep links into a migrated mdBook book keep working.
pub fn named_url(src_rel: &Path) -> String {
    let dirs = src_rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    html_url(dirs, src_rel, |name| name)
}

/// `dirs/<stem>.html`, `README` and `index` both `index.html`, other stems through `name`.
fn html_url(mut parts: Vec<String>, src_rel: &Path, name: fn(&str) -> &str) -> String {
    let stem = src_rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = match stem.as_str() {
        "index" | "README" => "index",
        other => name(other),
    };
    parts.push(format!("{stem}.html"));
    parts.join("/")
}

/// A file's URL with its path as it is (a course ordered by SUMMARY.md).
pub fn named_asset_url(src_rel: &Path) -> String {
    src_rel.to_string_lossy().replace('\\', "/")
}

/// Assets keep their file name; only folder names lose their numeric prefix, as pages do.
pub fn asset_url(src_rel: &Path) -> String {
    let mut parts = url_dirs(src_rel);
    parts.push(
        src_rel
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    parts.join("/")
}

/// Every file under the course's source folder, sorted, skipping hidden files and folders and
/// any site coursebook built (a folder with its marker: the output folder may lie inside the
/// sources, `src = "."`). A symbolic link that leads outside the course, or a special file (a
/// FIFO, a device), is an error at its path.
pub fn walk(config: &Config, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let walk = confine::walk(
        &config.jail,
        &config.src,
        &crate::site::output::is_built_site,
    );
    built_sites_left_out(&walk.skipped, config, diags);
    let is_quiz = |path: &Path| {
        let name = path.file_name().map(|n| n.to_string_lossy());
        super::quiz::is_quiz_file(&name.unwrap_or_default())
    };
    // The folders reached again that hold something but quizzes: only what the walk would have
    // published is lost by leaving a folder out.
    let mut publishes: HashMap<&Path, bool> = walk
        .again
        .iter()
        .filter(|(path, _)| path.is_dir())
        .map(|(_, first)| (first.as_path(), false))
        .collect();
    if !publishes.is_empty() {
        for file in walk.files.iter().filter(|f| !is_quiz(f)) {
            for folder in file.ancestors().skip(1) {
                if let Some(flag) = publishes.get_mut(folder) {
                    *flag = true;
                }
            }
        }
    }
    for (path, first) in &walk.again {
        // A lesson's quiz file is read by the lesson's name for it, not from the walk: a link
        // `a.quiz.yaml -> shared.quiz.yaml` is how two lessons share one quiz, and a link to a
        // folder of quizzes how lessons name them (`quiz: shared/a.quiz.yaml`).
        let quizzes_only = match publishes.get(first.as_path()) {
            Some(publishes) => !publishes,
            None => is_quiz(path),
        };
        if quizzes_only {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                rel(&config.root, path),
                Pos::FILE,
                format!(
                    "left out: it is {}, already in the course, reached again through a link",
                    rel(&config.root, first).display()
                ),
            )
            .with_help("a file or folder is read once, however many links lead to it: remove the link, or copy the file if two pages should hold it"),
        );
    }
    for (path, denied) in walk.refused {
        let mut d = Diagnostic::error(
            rel(&config.root, &path),
            Pos::FILE,
            format!("cannot read: {denied}"),
        );
        if matches!(denied, confine::Denied::Outside(_)) {
            d = d.with_help("courses are built from untrusted files: copy what you need into the course instead of linking to it");
        }
        diags.push(d);
    }
    // A name that is not UTF-8 has no URL: the lesson would have been published as a file
    // under a mangled name, its Markdown unrendered.
    let (files, unnamed): (Vec<PathBuf>, Vec<PathBuf>) = walk
        .files
        .into_iter()
        .partition(|f| f.strip_prefix(&config.root).unwrap_or(f).to_str().is_some());
    for path in unnamed {
        diags.push(
            Diagnostic::error(
                rel(&config.root, &path),
                Pos::FILE,
                "the file's name is not valid UTF-8, so it cannot become a page or an address",
            )
            .with_help("rename the file (or its folder) with UTF-8 characters"),
        );
    }
    // Nor one holding a control character: a page's file kept it while its links, like its
    // text, had U+FFFD instead (red team 9: every link to `b<BEL>c.html` was dead).
    let (files, controlled): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|f| {
        !f.strip_prefix(&config.root)
            .unwrap_or(f)
            .to_string_lossy()
            .chars()
            .any(char::is_control)
    });
    for path in controlled {
        let shown = rel(&config.root, &path);
        let c = shown
            .to_string_lossy()
            .chars()
            .find(|c| c.is_control())
            .unwrap_or('\0');
        diags.push(
            Diagnostic::error(
                shown,
                Pos::FILE,
                format!(
                    "the file's path holds a control character (U+{:04X}), which no address can",
                    u32::from(c)
                ),
            )
            .with_help("rename the file (or its folder) without it"),
        );
    }
    files
}

/// A warning for each built site a walk left out, but the one this build writes (where it
/// lies inside the sources or the theme, leaving it out is the point): a site copied into
/// `content/` for learners to look at was dropped without a word.
pub fn built_sites_left_out(skipped: &[PathBuf], config: &Config, diags: &mut Diagnostics) {
    let dest = std::fs::canonicalize(&config.build_dir).ok();
    for dir in skipped {
        if dest.is_some() && std::fs::canonicalize(dir).ok() == dest {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                rel(&config.root, dir),
                Pos::FILE,
                format!(
                    "left out: a site coursebook built (it holds `{}`) is never read as a source",
                    crate::site::output::MARKER
                ),
            )
            .with_help("to publish a copy of a built site, remove its marker file from the copy"),
        );
    }
}

/// Two sources that map to one URL (`01-a.md` and `a.md`) would overwrite each other, and a
/// page may not take the URL of a page the build writes itself (site::CONTENTS_URL and the
/// others; `print.html` only while `[output.html.print]` is on, `glossary.html` only when the
/// course has a glossary file: an mdBook book's own `glossary.md` is its glossary page).
pub fn check_collisions(
    course: &Course,
    root: &Path,
    (print, glossary): (bool, bool),
    diags: &mut Diagnostics,
) {
    const GENERATED: [(&str, &str); 5] = [
        ("toc.html", "contents"),
        ("progress.html", "progress"),
        ("404.html", "page-not-found"),
        ("print.html", "print"),
        ("glossary.html", "glossary"),
    ];
    let generated: Vec<&(&str, &str)> = GENERATED
        .iter()
        .filter(|(url, _)| match *url {
            "print.html" => print,
            "glossary.html" => glossary,
            _ => true,
        })
        .collect();
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    // URLs that differ only in case are two files here and one on macOS's and Windows' file
    // systems (and some servers'): the second overwrites the first there. So are URLs that
    // differ only in Unicode form (`café` with one accented letter or with a combining accent:
    // macOS stores both as one name).
    let mut folded: BTreeMap<String, (&str, &Path)> = BTreeMap::new();
    for page in &course.pages {
        let Some(source) = page.source.as_deref() else {
            continue;
        };
        // mdBook's page-not-found page (`input-404`) is the body of 404.html.
        let generated = if page.kind == PageKind::NotFound {
            &[][..]
        } else {
            &generated[..]
        };
        if let Some(&&(url, what)) = generated.iter().find(|g| g.0 == page.url) {
            let help = if url == "print.html" {
                "rename the file, or set `enable = false` under `[output.html.print]` in book.toml"
            } else {
                "rename the file"
            };
            diags.push(
                Diagnostic::error(
                    source,
                    Pos::FILE,
                    format!("this page would be written to {url}, where coursebook writes the course's {what} page"),
                )
                .with_help(help),
            );
            continue;
        }
        if let Some(d) = twin(&mut folded, &page.url, source, "page") {
            diags.push(d);
        }
        if let Some(first) = seen.insert(&page.url, source) {
            diags.push(
                Diagnostic::error(
                    source,
                    Pos::FILE,
                    format!(
                        "this page and {} would both be written to {}",
                        first.display(),
                        page.url
                    ),
                )
                .with_help(
                    "rename one of them: numeric prefixes such as `01-` are dropped from URLs",
                ),
            );
        }
    }
    // Other files too: `IMG.png` and `img.png` (or an asset and a page) were published side by
    // side without a word, and one overwrites the other there as well.
    for asset in &course.assets {
        let shown = asset.source.strip_prefix(root).unwrap_or(&asset.source);
        if let Some(d) = twin(&mut folded, &asset.url, shown, "file") {
            diags.push(d);
        }
    }
}

/// URLs seen so far by their folded form (case, Unicode composition) → the URL and its source;
/// a warning when `url` folds onto another one. Windows keeps both Unicode forms apart; macOS
/// folds both.
fn twin<'a>(
    folded: &mut BTreeMap<String, (&'a str, &'a Path)>,
    url: &'a str,
    source: &'a Path,
    what: &str,
) -> Option<Diagnostic> {
    let fold = url.nfc().collect::<String>().to_lowercase();
    let (other, first) = folded.insert(fold, (url, source))?;
    if other == url {
        return None;
    }
    let (how, where_) = if other.to_lowercase() == url.to_lowercase() {
        ("case", "macOS and Windows")
    } else if other.nfc().eq(url.nfc()) {
        (
            "Unicode form (an accented letter composed or decomposed)",
            "macOS",
        )
    } else {
        ("case and Unicode form", "macOS")
    };
    Some(
        Diagnostic::warning(
            source,
            Pos::FILE,
            format!(
                "this {what} ({url}) and {} ({other}) differ only in {how}: on {where_} one overwrites the other",
                first.display(),
            ),
        )
        .with_help("rename one of them"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_summary_md_urls_are_the_file_names_as_mdbook_makes_them() {
        assert_eq!(
            named_url(Path::new("01-foundations/01-what-is-a-model.md")),
            "01-foundations/01-what-is-a-model.html"
        );
        assert_eq!(named_url(Path::new("guide/README.md")), "guide/index.html");
        assert_eq!(
            named_url(Path::new("ch01-00-intro.md")),
            "ch01-00-intro.html"
        );
        assert_eq!(named_asset_url(Path::new("01-a/img.png")), "01-a/img.png");
    }

    #[test]
    fn numeric_prefixes_are_dropped() {
        assert_eq!(
            page_url(Path::new("01-foundations/01-what-is-a-model.md")),
            "foundations/what-is-a-model.html"
        );
        assert_eq!(
            page_url(Path::new("01-foundations/index.md")),
            "foundations/index.html"
        );
        assert_eq!(page_url(Path::new("README.md")), "index.html");
        assert_eq!(strip_number("2024"), "2024");
        assert_eq!(strip_number("10_x"), "x");
        assert_eq!(
            asset_url(Path::new("01-foundations/images/01-a.png")),
            "foundations/images/01-a.png"
        );
    }
}
