//! book.toml: what the author typed, validated into a ready-to-use [`Config`].
//!
//! Every key of mdBook 0.5's book.toml is accepted, so an existing book builds unchanged:
//! `keys` checks each against what coursebook does with it (a warning for what is not done, an
//! error with "did you mean" for a typo); the typed reading below takes the ones it honours.

pub(crate) mod keys;

use crate::confine::{Denied, Jail};
use crate::diag::{Diagnostic, Diagnostics, LineIndex, Pos};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// Unknown keys are `keys`'s to report (as warnings or typos), so the typed reading accepts them.
#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    book: Option<RawBook>,
    /// mdBook's `[rust]`: only whether it is there (keys.rs warns that code is not run).
    rust: Option<toml::Value>,
    build: Option<RawBuild>,
    output: Option<RawOutput>,
    course: Option<RawCourse>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[allow(
    dead_code,
    reason = "mdBook keys are accepted so existing books build; coursebook does not use them"
)]
struct RawBook {
    title: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    description: Option<String>,
    language: Option<String>,
    src: Option<String>,
    // mdBook keys accepted for compatibility.
    #[serde(default)]
    multilingual: bool,
    text_direction: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[allow(
    dead_code,
    reason = "mdBook keys are accepted so existing books build; coursebook does not use them"
)]
struct RawBuild {
    build_dir: Option<String>,
    cache_dir: Option<String>,
    // mdBook keys accepted for compatibility.
    create_missing: Option<bool>,
    use_default_preprocessors: Option<bool>,
    extra_watch_dirs: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct RawOutput {
    html: Option<RawHtml>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[allow(
    dead_code,
    reason = "mdBook keys are accepted so existing books build; coursebook does not use them"
)]
struct RawHtml {
    theme: Option<String>,
    site_url: Option<String>,
    cname: Option<String>,
    git_repository_url: Option<String>,
    edit_url_template: Option<String>,
    default_theme: Option<String>,
    preferred_dark_theme: Option<String>,
    /// coursebook's own: `false` shows raw HTML in Markdown as text and refuses script links.
    raw_html: Option<bool>,
    code: Option<RawCode>,
    #[serde(default)]
    additional_css: Vec<String>,
    #[serde(default)]
    additional_js: Vec<String>,
    #[serde(default)]
    redirect: BTreeMap<String, String>,
    #[serde(default)]
    no_section_label: bool,
    #[serde(default)]
    mathjax_support: bool,
    print: Option<RawPrint>,
    input_404: Option<String>,
    search: Option<RawSearch>,
    /// mdBook's Playground settings: only whether they are there (keys.rs warns about them).
    playground: Option<toml::Value>,
    playpen: Option<toml::Value>,
}

/// `[output.html.search]`: only `enable` is read (config/keys.rs warns about the others).
#[derive(Debug, Deserialize)]
struct RawSearch {
    #[serde(default = "yes")]
    enable: bool,
}

/// `[output.html.print]`, as mdBook reads it: both on unless turned off.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawPrint {
    #[serde(default = "yes")]
    enable: bool,
    #[serde(default = "yes")]
    page_break: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawCode {
    #[serde(default)]
    hidelines: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawCourse {
    glossary: Option<String>,
    link_terms: Option<String>,
}

/// How glossary mentions in prose are linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkTerms {
    First,
    All,
    None,
}

/// The validated configuration, with defaults applied and paths resolved against the root.
#[derive(Clone, Debug)]
pub struct Config {
    pub root: PathBuf,
    /// The course folder as the boundary of every read (`confine.rs`).
    pub jail: Jail,
    pub title: String,
    pub authors: Vec<String>,
    pub description: Option<String>,
    pub language: String,
    pub src: PathBuf,
    pub build_dir: PathBuf,
    /// Why `build-dir` may not be written (outside the course), and where it is set: an error
    /// unless the command line names the destination (`--dest-dir`, the CI's own choice).
    pub build_dir_refused: Option<Diagnostic>,
    /// `[build] cache-dir`: where highlighted code blocks are kept between builds (checked to
    /// be inside the course, outside its sources and site); `None`: the user's cache folder.
    pub cache_dir: Option<PathBuf>,
    /// `[build] extra-watch-dirs` (mdBook's key): more folders `serve` watches (a book's
    /// `listings/` it includes from), each inside the course, as it really is.
    pub extra_watch_dirs: Vec<PathBuf>,
    pub theme_dir: Option<PathBuf>,
    /// Always starts and ends with `/`.
    pub site_url: String,
    /// The absolute origin + path used for sitemap.xml, when one can be known.
    pub absolute_url: Option<String>,
    pub cname: Option<String>,
    pub git_repository_url: Option<String>,
    pub edit_url_template: Option<String>,
    pub glossary: PathBuf,
    /// `glossary` leads outside the course (an error already said): it is never looked at.
    pub glossary_refused: bool,
    /// Where book.toml names the glossary, if it does: a named glossary that is not there is
    /// said (the default one may be absent).
    pub glossary_pos: Option<Pos>,
    pub link_terms: LinkTerms,
    /// Raw HTML in Markdown passes through (`[output.html] raw-html`, default true, as in
    /// mdBook); false for courses that take contributions from strangers.
    pub raw_html: bool,
    /// `[book] text-direction` when given ("rtl" or "ltr"); otherwise the language decides.
    pub text_direction: Option<&'static str>,
    /// Where book.toml names the language, for messages about its translation.
    pub language_pos: Pos,
    /// `[output.html.code.hidelines]`: language → the prefix of its hidden lines.
    pub hidelines: BTreeMap<String, String>,
    /// `[output.html] additional-css` and `additional-js`: files of the course (paths relative
    /// to its folder), published at the same paths and linked from every page after the
    /// theme's own; with where book.toml names them.
    pub additional_css: (Vec<String>, Pos),
    pub additional_js: (Vec<String>, Pos),
    /// `[output.html.redirect]`: an old page's path → where it moved (as written), and where
    /// that key is written (its own line, for its errors).
    pub redirect: BTreeMap<String, (String, Pos)>,
    /// `[output.html] no-section-label`: chapters are not numbered ("1.2.") anywhere.
    pub no_section_label: bool,
    /// `[output.html] mathjax-support`: `\\( … \\)` and `\\[ … \\]` are math too.
    pub mathjax_support: bool,
    /// The first `[preprocessor.<name>]` that renders `$…$` math (mdbook-katex's `katex`; see
    /// `keys::is_math_preprocessor`): in an mdBook book `$` is math only with one.
    pub math_preprocessor: Option<String>,
    /// That preprocessor's `macros` file (mdbook-katex's), read: each command's name (without
    /// its backslash) and definition, for every formula of the book (`markdown/math.rs`).
    pub math_macros: Vec<(String, String)>,
    /// `[output.html.print] enable` (default true, as in mdBook): the whole course on one page,
    /// `print.html`; `page-break` (default true): each page starts a printed page.
    pub print: bool,
    pub print_page_break: bool,
    /// `[output.html] input-404` (default `404.md`, relative to `src`): when that file is
    /// there, it is the body of the site's 404.html.
    pub input_404: String,
    /// Where book.toml sets `input-404`, if it does: a file that is not there is then said.
    pub input_404_pos: Option<Pos>,
    /// `[output.html.search] enable` (default true): the search box and its index.
    pub search: bool,
    /// book.toml has `[rust]` or `[output.html.playground]`, whose warning already says that
    /// code is not run (so the build need not say it again at a Rust block).
    pub says_code_is_not_run: bool,
}

const BOOK_KEYS: &str = "title, authors, description, language, src, multilingual, text-direction";
const BUILD_KEYS: &str =
    "build-dir, cache-dir, create-missing, use-default-preprocessors, extra-watch-dirs";
const HTML_KEYS: &str = "theme, site-url, cname, git-repository-url, edit-url-template, default-theme, preferred-dark-theme, raw-html";
const COURSE_KEYS: &str = "glossary, link-terms";

/// mdbook-katex's macros file `file` (relative to the book's folder, as mdbook-katex reads it),
/// named at `at` in book.toml: its commands, or none with an error when it cannot be read. It
/// is read as a published file is (never a hidden one): its definitions reach the pages.
fn read_macros(
    jail: &Jail,
    root: &Path,
    file: &str,
    at: Pos,
    diags: &mut Diagnostics,
) -> Vec<(String, String)> {
    let shown = crate::diag::clip(file, 80);
    // Refused before it is read when over its bound, like every course file.
    let limit = crate::markdown::math::MAX_MACROS_FILE;
    let bytes = match jail.read_published_within(&root.join(file), limit) {
        Ok(bytes) => bytes,
        Err(denied) => {
            diags.push(
                Diagnostic::error(
                    "book.toml",
                    at,
                    format!("cannot read the macros file `{shown}`: {denied}"),
                )
                .with_help("name a file inside the book's folder, relative to it, of up to 64 KB"),
            );
            return Vec::new();
        }
    };
    let mut found = Vec::new();
    let macros = crate::markdown::math::read_macros(
        &String::from_utf8_lossy(&bytes),
        &crate::confine::lexical(Path::new(file)),
        &mut found,
    );
    diags.extend(found);
    macros
}

/// Why `cache-dir` may not be `dir`, if it may not: the build writes there, so it must be a
/// plain relative path inside the course (no `..`, no link leading out), and neither in the
/// sources (it would be published) nor in the site (replaced on every build).
fn cache_dir_refused(
    root: &Path,
    jail: &Jail,
    dir: &str,
    src: &Path,
    build_dir: &Path,
    theme_dir: Option<&Path>,
) -> Option<String> {
    use std::path::Component;
    let rel = Path::new(dir);
    if dir.is_empty() || rel.components().all(|c| c == Component::CurDir) {
        return Some("it must be a folder inside the course, not the course folder".to_string());
    }
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Some("it must be a folder inside the course, without `..`".to_string());
    }
    // The repository's own folder is git's, not the course's (`.cache/…` is fine: the
    // documented example).
    if rel.components().any(|c| c.as_os_str() == ".git") {
        return Some("it is inside `.git`, the repository's own folder".to_string());
    }
    let full = root.join(rel);
    // The theme folder is published whole: cache files there would be too.
    if let Some(theme) = theme_dir.and_then(|t| lexical(root, t))
        && let Some(cache) = lexical(root, &full)
        && (cache.starts_with(&theme) || theme.starts_with(&cache))
    {
        return Some(
            "it would be inside the theme folder (published whole), or hold it".to_string(),
        );
    }
    if full.starts_with(src) || src.starts_with(&full) {
        return Some("it would be inside the course's sources, or hold them".to_string());
    }
    if full.starts_with(build_dir) || build_dir.starts_with(&full) {
        return Some("it would be inside the built site, or hold it".to_string());
    }
    // The part that exists must not lead out of the course through a link.
    let existing = existing_part(&full)?;
    let real = match jail.resolve_dir(existing) {
        Err(denied @ (Denied::Outside(_) | Denied::NotAFolder)) => return Some(denied.to_string()),
        // A link to nothing yet may lead anywhere once its target is made.
        Err(_) if existing.is_symlink() => {
            return Some("it goes through a link that leads nowhere".to_string());
        }
        Err(_) => return None,
        Ok(real) => real.join(full.strip_prefix(existing).unwrap_or(Path::new(""))),
    };
    // Nor, through a link that stays inside, into what the checks above keep it out of: a
    // link to the sources or the theme published the cache's segments as files of the site.
    let root = real_path(root);
    let overlaps = |other: &Path| {
        let other = real_path(other);
        real.starts_with(&other) || other.starts_with(&real)
    };
    if real
        .strip_prefix(&root)
        .is_ok_and(|r| r.components().any(|c| c.as_os_str() == ".git"))
    {
        Some("a link takes it inside `.git`, the repository's own folder".to_string())
    } else if theme_dir.is_some_and(overlaps) {
        Some(
            "a link takes it inside the theme folder (published whole), or it holds it".to_string(),
        )
    } else if overlaps(src) {
        Some("a link takes it inside the course's sources, or it holds them".to_string())
    } else if overlaps(build_dir) {
        Some("a link takes it inside the built site, or it holds it".to_string())
    } else {
        None
    }
}

/// `path` with the links of the part that exists resolved (the rest as written).
fn real_path(path: &Path) -> PathBuf {
    existing_part(path)
        .and_then(|existing| {
            let real = std::fs::canonicalize(existing).ok()?;
            Some(real.join(path.strip_prefix(existing).ok()?))
        })
        .unwrap_or_else(|| path.to_path_buf())
}

/// `path` (under `root`) as a path from the course folder with `.` and `a/..` taken out;
/// `None` outside the course.
fn lexical(root: &Path, path: &Path) -> Option<PathBuf> {
    crate::content::quiz::normalized(path.strip_prefix(root).ok()?)
}

/// Why the theme folder `dir` may not be used, if it may not: it is the course folder, holds
/// the built site or the sources, is inside the built site, or is hidden. Judged where the
/// paths really lead (links followed): `theme = "th"` with `th` a link to `content` published
/// the quizzes' answer keys, and `l/../..` through a link was the course folder itself, copied
/// into the site one level deeper each build.
fn theme_dir_refused(root: &Path, dir: &Path, src: &Path, build_dir: &Path) -> Option<String> {
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let inside = |path: &Path| {
        crate::confine::lexical(&real_path(path))
            .strip_prefix(&real_root)
            .ok()
            .map(Path::to_path_buf)
    };
    let Some(theme) = inside(dir) else {
        return Some("it leads outside the course folder".to_string());
    };
    if theme.as_os_str().is_empty() {
        return Some("it is the course folder itself (all of it would be published)".to_string());
    }
    if let Some(build) = inside(build_dir)
        && (build.starts_with(&theme) || theme.starts_with(&build))
    {
        return Some("it holds the built site, or is inside it".to_string());
    }
    if let Some(sources) = inside(src)
        && sources.starts_with(&theme)
    {
        return Some("it holds the course's sources".to_string());
    }
    // A hidden folder is the machine's, not the course's: `theme = ".git"` published
    // `.git/config` (the CI job's token after actions/checkout) as `theme/config`. Checked as
    // written and where a link leads.
    if crate::confine::is_hidden(&theme)
        || lexical(root, dir).is_some_and(|t| crate::confine::is_hidden(&t))
    {
        return Some(
            "it is a hidden folder or inside one (`.git/`), whose files are never published"
                .to_string(),
        );
    }
    None
}

/// Why `build-dir` may not be `dir`, if it may not: a course's book.toml must not write (and
/// replace) a folder outside the course, as `../..`, an absolute path or a link leading out.
fn build_dir_refused(jail: &Jail, root: &Path, dir: &str) -> Option<String> {
    use std::path::Component;
    let rel = Path::new(dir);
    if dir.is_empty()
        || !rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Some("it must be a folder inside the course, without `..`".to_string());
    }
    // A hidden folder is the repository's or a tool's, never the site's: `.git/hooks` took an
    // executable `post-checkout` from the course's assets that the next `git checkout` in CI
    // ran, `.git/objects/info` its `alternates`. Judged as written and where links lead.
    if crate::confine::is_hidden(rel) {
        return Some(
            "it is inside a hidden folder (`.git`, `.github`…), which is never the site's"
                .to_string(),
        );
    }
    // The part that exists must not lead out of the course through a link.
    let full = root.join(rel);
    let existing = existing_part(&full)?;
    if let Err(denied) = jail.resolve(existing) {
        return Some(denied.to_string());
    }
    real_path(&full)
        .strip_prefix(real_path(root))
        .is_ok_and(crate::confine::is_hidden)
        .then(|| {
            "a link takes it inside a hidden folder (`.git`…), which is never the site's"
                .to_string()
        })
}

/// The folders of `extra-watch-dirs` (relative to the course folder, as mdBook reads them) that
/// `serve` may watch: each must be a folder inside the course, where it really leads (a book.toml
/// naming `/` would have serve watch the whole machine): one outside is an error at the key, a
/// missing one a warning (watching is a convenience, the build does not depend on it).
fn watch_dirs(
    jail: &Jail,
    root: &Path,
    dirs: &[String],
    at: Pos,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in dirs.iter().take(100) {
        match jail.resolve_dir(&root.join(dir)) {
            Ok(real) => out.push(real),
            // A folder outside the course is an error, as every path that leads outside; one
            // that is missing only a warning.
            Err(denied) => diags.push(match denied {
                crate::confine::Denied::Outside(_) => Diagnostic::error,
                _ => Diagnostic::warning,
            }(
                "book.toml",
                at,
                format!("`extra-watch-dirs`: `{dir}` is not watched: {denied}"),
            )),
        }
    }
    if dirs.len() > 100 {
        diags.push(Diagnostic::warning(
            "book.toml",
            at,
            "`extra-watch-dirs`: only the first 100 folders are watched",
        ));
    }
    out
}

/// The longest part of `path` that exists (a link counts, even broken): a folder to be made
/// must not lead out of the course through a link on the way.
fn existing_part(path: &Path) -> Option<&Path> {
    let mut existing = path;
    while std::fs::symlink_metadata(existing).is_err() {
        existing = existing.parent()?;
    }
    Some(existing)
}

/// Read and validate `<root>/book.toml`. Problems go to `diags`; `None` when the file is unusable.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Config> {
    let path = Path::new("book.toml");
    let read = Jail::new(root).read(&root.join(path));
    let text = match read {
        Ok(bytes) if let Some(denied) = crate::confine::config_too_large(bytes.len()) => {
            let message = format!("cannot read book.toml: {denied}");
            diags.push(
                Diagnostic::error(path, Pos::FILE, message)
                    .with_help("a book.toml is a few KB: settings, not content"),
            );
            return None;
        }
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                // Found and read, but not text: where, and how to fix it, not "run coursebook
                // in a course folder".
                diags.push(
                    Diagnostic::error(
                        path,
                        crate::diag::utf8_error_pos(&e),
                        "not UTF-8: book.toml must be saved as UTF-8 text",
                    )
                    .with_help("save book.toml as UTF-8 in your editor"),
                );
                return None;
            }
        },
        Err(e) => {
            diags.push(
                Diagnostic::error(path, Pos::FILE, format!("cannot read book.toml: {e}"))
                    .with_help(format!(
                        "run coursebook in a course folder, or `coursebook init {}` to make one",
                        root.display()
                    )),
            );
            return None;
        }
    };
    parse(root, &text, diags)
}

/// Where the site is published, over book.toml's `site-url`, when set and not empty. The Pages
/// workflow `init` writes sets it from `actions/configure-pages` (the repository's Pages
/// address, its custom domain included), so the 404 page's links and sitemap.xml follow where
/// the site is really served: a repository renamed, or a course whose book.toml names another
/// host, had a 404 page whose links led nowhere.
pub const SITE_URL_ENV: &str = "COURSEBOOK_SITE_URL";

/// Without `src`: coursebook's `content/`, else mdBook's `src/`.
fn default_src(root: &Path) -> &'static str {
    if !root.join("content").is_dir() && root.join("src").is_dir() {
        "src"
    } else {
        "content"
    }
}

/// Whether the course is an mdBook book, ordered by a SUMMARY.md in its `src` (read from the
/// parsed table, before the typed reading that may fail): its book.toml's unknown keys are
/// warnings (config/keys.rs), as its broken links are.
fn is_mdbook_book(root: &Path, table: &toml::de::DeTable<'_>) -> bool {
    let src = match table.get("book").map(|b| b.get_ref()) {
        Some(toml::de::DeValue::Table(book)) => match book.get("src").map(|s| s.get_ref()) {
            Some(toml::de::DeValue::String(s)) => s.to_string(),
            _ => default_src(root).to_string(),
        },
        _ => default_src(root).to_string(),
    };
    Jail::new(root)
        .resolve(&root.join(src).join("SUMMARY.md"))
        .is_ok_and(|p| p.is_file())
}

pub fn parse(root: &Path, text: &str, diags: &mut Diagnostics) -> Option<Config> {
    let path = Path::new("book.toml");
    let (math_preprocessor, macros_file) = match toml::de::DeTable::parse(text) {
        Ok(spanned) => {
            let lenient = is_mdbook_book(root, spanned.get_ref());
            keys::check(spanned.get_ref(), text, lenient, diags);
            (
                keys::math_preprocessor(spanned.get_ref()),
                keys::math_macros(spanned.get_ref()),
            )
        }
        Err(e) => {
            diags.push(toml_error(path, text, &e));
            return None;
        }
    };
    let raw: RawConfig = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(toml_error(path, text, &e));
            return None;
        }
    };
    let book = raw.book.unwrap_or_default();
    let says_code_is_not_run = raw.rust.is_some();
    let build = raw.build.unwrap_or_default();
    let mut html = raw.output.and_then(|o| o.html).unwrap_or_default();
    let course = raw.course.unwrap_or_default();
    let site_url_from_env = std::env::var(SITE_URL_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty());
    if let Some(url) = &site_url_from_env {
        html.site_url = Some(url.clone());
    }
    // An empty `cname` names no domain: no CNAME file, as if unset (pmcp-course's book.toml
    // has one; mdBook writes an empty CNAME file, which GitHub Pages ignores).
    if html.cname.as_deref().is_some_and(|c| c.trim().is_empty()) {
        html.cname = None;
        diags.push(
            Diagnostic::warning(path, key_pos(text, "cname"), "`cname` is empty; no CNAME file is written")
                .with_help("write the site's domain, e.g. `cname = \"courses.example.org\"`, or remove the key"),
        );
    }
    // Where a problem with `site-url` is: its key, or the variable that overrides it.
    let site_url_at = |key: &str| -> (PathBuf, Pos) {
        if key == "site-url" && site_url_from_env.is_some() {
            (PathBuf::from(SITE_URL_ENV), Pos::FILE)
        } else {
            (path.to_path_buf(), key_pos(text, key))
        }
    };
    // Addresses and files written on every page: a 1 MB `edit-url-template` made 100 lessons
    // a 101 MB site, 5,000 `additional-css` files 79 MB (red team 5). Past the bound, an
    // error, and left out, so the build goes on to report the rest without writing all that.
    for (key, value) in [
        ("site-url", &mut html.site_url),
        ("git-repository-url", &mut html.git_repository_url),
        ("edit-url-template", &mut html.edit_url_template),
    ] {
        if let Some(len) = value.as_ref().map(String::len).filter(|&l| l > MAX_URL) {
            let (file, pos) = site_url_at(key);
            diags.push(
                Diagnostic::error(
                    file,
                    pos,
                    format!("`{key}` is {len} bytes long; it is written on every page, so it may be at most {MAX_URL}"),
                )
                .with_help("an address is far shorter"),
            );
            *value = None;
        }
    }
    for (key, files) in [
        ("additional-css", &mut html.additional_css),
        ("additional-js", &mut html.additional_js),
    ] {
        // Counted once each: a file listed again is linked once (site/pages/files.rs).
        let mut seen = std::collections::HashSet::new();
        let past = files
            .iter()
            .position(|f| seen.insert(f.as_str()) && seen.len() > MAX_ADDITIONAL);
        if let Some(past) = past {
            let distinct = files.iter().collect::<std::collections::HashSet<_>>().len();
            diags.push(
                Diagnostic::error(
                    path,
                    key_pos(text, key),
                    format!("`{key}` names {distinct} files; every page links each, so it may name at most {MAX_ADDITIONAL}"),
                )
                .with_help("join them into fewer files"),
            );
            files.truncate(past);
        }
    }

    // Optional, as in mdBook: without one, the course folder's name.
    let title = match book.title.filter(|t| !t.trim().is_empty()) {
        Some(t) => t,
        None => root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Course".to_string()),
    };
    let link_terms = match course.link_terms.as_deref() {
        None | Some("first") => LinkTerms::First,
        Some("all") => LinkTerms::All,
        Some("none") => LinkTerms::None,
        Some(other) => {
            diags.push(
                Diagnostic::error(
                    path,
                    key_pos(text, "link-terms"),
                    format!("link-terms = \"{other}\" is not a choice"),
                )
                .with_help("use \"first\", \"all\" or \"none\""),
            );
            LinkTerms::First
        }
    };
    // The language names a file of the theme (`i18n/<language>.toml`) and goes into every
    // page's `lang`: a BCP 47 tag's shape, nothing else.
    let language = match book.language {
        Some(l) if is_language_tag(&l) => l,
        None => "en".to_string(),
        Some(other) => {
            diags.push(
                Diagnostic::error(
                    path,
                    key_pos(text, "language"),
                    format!(
                        "language = \"{}\" is not a language tag",
                        crate::diag::clip(&other, 80)
                    ),
                )
                .with_help("write a tag such as \"en\", \"fr\", \"pt-BR\" or \"zh-Hans\""),
            );
            "en".to_string()
        }
    };
    let text_direction = match book.text_direction.as_deref() {
        None => None,
        Some("ltr") => Some("ltr"),
        Some("rtl") => Some("rtl"),
        Some(other) => {
            diags.push(
                Diagnostic::error(
                    path,
                    key_pos(text, "text-direction"),
                    format!("text-direction = \"{other}\" is not a choice"),
                )
                .with_help("use \"ltr\" or \"rtl\", or leave it out to follow the language"),
            );
            None
        }
    };
    let site_url = normalize_site_url(html.site_url.as_deref().unwrap_or("/"));
    let absolute_url = absolute_url(
        html.site_url.as_deref(),
        html.cname.as_deref(),
        html.git_repository_url.as_deref(),
        &site_url,
    );
    let jail = Jail::new(root);
    let math_macros = macros_file
        .map(|(file, at)| read_macros(&jail, root, &file, Pos::of_offset(text, at), diags))
        .unwrap_or_default();
    let src = root.join(book.src.unwrap_or_else(|| default_src(root).to_string()));
    // mdBook's own theme folder, `theme/` by default: its overrides of mdBook's templates and
    // scripts have no meaning here (coursebook's templates are others), said rather than
    // dropped silently (Comprehensive Rust's language picker and speaker notes are there).
    if html.theme.is_none() {
        let overrides: Vec<&str> = MDBOOK_THEME_FILES
            .iter()
            .copied()
            .filter(|f| {
                jail.resolve(&root.join("theme").join(f))
                    .is_ok_and(|p| p.is_file())
            })
            .collect();
        if !overrides.is_empty() {
            diags.push(
                Diagnostic::warning(
                    "theme",
                    Pos::FILE,
                    format!(
                        "mdBook's theme overrides are not used by coursebook: {}",
                        overrides.join(", ")
                    ),
                )
                .with_help("coursebook draws pages with its own templates (`theme` in book.toml names a coursebook theme); add CSS and scripts with `additional-css` and `additional-js`"),
            );
        }
    }
    let mut theme_dir = html.theme.map(|t| root.join(t));
    // A folder outside the course is never read: a refused `src` leaves nothing to build, a
    // refused theme falls back to the default one (the build fails on the error either way).
    let refused = |key: &str, dir: &Path, diags: &mut Diagnostics| match jail.resolve_dir(dir) {
        Err(denied @ (Denied::Outside(_) | Denied::NotAFolder)) => {
            diags.push(
                Diagnostic::error(
                    path,
                    key_pos(text, key),
                    format!("`{key}` is refused: {denied}"),
                )
                .with_help("name a folder inside the course folder (the one holding book.toml)"),
            );
            true
        }
        _ => false,
    };
    let src_refused = refused("src", &src, diags);
    if theme_dir
        .as_ref()
        .is_some_and(|dir| refused("theme", dir, diags))
    {
        theme_dir = None;
    }
    if src_refused {
        return None;
    }
    let build_dir_refused = build
        .build_dir
        .as_deref()
        .and_then(|dir| build_dir_refused(&jail, root, dir))
        .map(|why| {
            Diagnostic::error(path, key_pos(text, "build-dir"), format!("`build-dir` is refused: {why}"))
                .with_help("name a folder inside the course folder; to build elsewhere, pass `--dest-dir` on the command line (a course's own book.toml may not choose where outside it the site is written)")
        });
    let build_dir = root.join(build.build_dir.unwrap_or_else(|| "site".to_string()));
    // Every file of the theme folder is published under `theme/`: a theme that is the course
    // folder or holds the built site copied the previous site into the new one, one level
    // deeper each build (and published book.toml and the sources).
    if let Some(dir) = &theme_dir
        && let Some(why) = theme_dir_refused(root, dir, &src, &build_dir)
    {
        diags.push(
            Diagnostic::error(
                path,
                key_pos(text, "theme"),
                format!("`theme` is refused: {why}"),
            )
            .with_help("name the course's theme folder, such as `theme = \"theme\"`"),
        );
        theme_dir = None;
    }
    let cache_dir = match build.cache_dir {
        Some(dir) => {
            match cache_dir_refused(root, &jail, &dir, &src, &build_dir, theme_dir.as_deref()) {
                None => Some(root.join(dir)),
                Some(why) => {
                    diags.push(
                    Diagnostic::error(
                        path,
                        key_pos(text, "cache-dir"),
                        format!("`cache-dir` is refused: {why}"),
                    )
                    .with_help(
                        "name a folder inside the course folder, outside `src` and `build-dir` (or leave `cache-dir` out: the user's cache folder is used)",
                    ),
                );
                    None
                }
            }
        }
        None => None,
    };
    let extra_watch_dirs = watch_dirs(
        &jail,
        root,
        build.extra_watch_dirs.as_deref().unwrap_or_default(),
        key_pos(text, "extra-watch-dirs"),
        diags,
    );
    // Text shown on every page may not carry NUL, other control characters or bidi overrides
    // (a TOML escape can write them): each is replaced with U+FFFD, with a warning at its key.
    let shown = |key: &str, value: String, diags: &mut Diagnostics| {
        let (clean, changed) = crate::content::frontmatter::clean_text(value);
        if changed {
            diags.push(crate::content::frontmatter::replaced_warning(
                path,
                key_pos(text, key),
                &format!("`{key}`"),
                "remove them from book.toml",
            ));
        }
        clean
    };
    let title = shown("title", title, diags);
    let authors: Vec<String> = book
        .authors
        .into_iter()
        .map(|a| shown("authors", a, diags))
        .collect();
    let description = book.description.map(|d| shown("description", d, diags));
    // Each is written on every page (the title in its head and header, the authors in its
    // footer, the description in its meta tag), so the site grew as their length times the
    // lessons: a 5 MB title made 100 one-line lessons a 2.6 GB site in 26 s.
    // The build goes on to find the course's other problems: with each cut to its bound,
    // else it still wrote the 2.6 GB before failing.
    let mut title = title;
    let mut authors = authors;
    let mut description = description;
    let authors_len = authors_len(&authors);
    if authors_len > MAX_TITLE {
        authors.truncate(1);
        cut(&mut authors[0], MAX_TITLE);
    }
    for (key, len, most) in [
        ("title", cut(&mut title, MAX_TITLE), MAX_TITLE),
        ("authors", authors_len, MAX_TITLE),
        (
            "description",
            description.as_mut().map_or(0, |d| cut(d, MAX_DESCRIPTION)),
            MAX_DESCRIPTION,
        ),
    ] {
        if len > most {
            diags.push(
                Diagnostic::error(
                    path,
                    key_pos(text, key),
                    format!("`{key}` is {len} characters long; it is shown on every page, so it may be at most {most}"),
                )
                .with_help("shorten it: the course's introduction can say the rest"),
            );
        }
    }
    // Addresses published as links on every page: a `javascript:`, `data:` or other scheme
    // would run in the reader's browser, so only web, mail and relative addresses are taken.
    for (key, value) in [
        ("site-url", html.site_url.as_deref()),
        ("git-repository-url", html.git_repository_url.as_deref()),
        ("edit-url-template", html.edit_url_template.as_deref()),
    ] {
        let (file, pos) = site_url_at(key);
        if key == "site-url" && value.is_some_and(|v| v.contains('\\')) {
            diags.push(
                Diagnostic::error(
                    file.clone(),
                    pos,
                    "`site-url` holds a backslash, which browsers read as `/`: `/\\host/` is another site",
                )
                .with_help("write the site's path with forward slashes, e.g. `site-url = \"/academy/\"`"),
            );
        }
        // Browsers drop tabs and line breaks from a URL (WHATWG URL), so `/\t/evil.example/`
        // was `//evil.example/`, another host, in 404.html's `<script src>`; and serve wrote a
        // CR LF in it into its redirect's `Location` as further headers.
        if key == "site-url" && value.is_some_and(|v| v.chars().any(char::is_control)) {
            diags.push(
                Diagnostic::error(
                    file.clone(),
                    pos,
                    "`site-url` holds a control character (a tab or line break), which browsers drop: `/\\t/host/` is another site",
                )
                .with_help("write the site's path on one line without tabs, e.g. `site-url = \"/academy/\"`"),
            );
        }
        if let Some(scheme) = value.and_then(bad_scheme) {
            diags.push(
                Diagnostic::error(
                    file,
                    pos,
                    format!("`{key}` uses the `{scheme}:` scheme, which is not allowed in a link"),
                )
                .with_help("use an http:, https: or mailto: address, or a relative one"),
            );
        }
    }
    // `cname` is written as the site's CNAME file and is the host of sitemap.xml's addresses:
    // a domain name, nothing else (a line break wrote a broken CNAME file, a `/` or `@` another
    // address into the sitemap).
    if let Some(cname) = html.cname.as_deref().map(str::trim)
        && !is_domain_name(cname)
    {
        diags.push(
            Diagnostic::error(
                path,
                key_pos(text, "cname"),
                format!(
                    "`cname = \"{}\"` is not a domain name",
                    crate::diag::clip(&cname.escape_debug().to_string(), 80)
                ),
            )
            .with_help("write the domain alone, e.g. `cname = \"courses.example.org\"` (no scheme, path or spaces)"),
        );
    }
    // The glossary's path, relative to `src`, must stay in the course: checked here, before
    // anything outside is even looked at, and said at its line.
    let glossary_pos = course.glossary.is_some().then(|| key_pos(text, "glossary"));
    let glossary = PathBuf::from(
        course
            .glossary
            .unwrap_or_else(|| "glossary.yaml".to_string()),
    );
    let src_rel = src.strip_prefix(root).unwrap_or(Path::new(""));
    let glossary_refused = crate::content::quiz::normalized(&src_rel.join(&glossary)).is_none();
    if glossary_refused {
        diags.push(
            Diagnostic::error(
                path,
                key_pos(text, "glossary"),
                format!(
                    "`glossary` is refused: {} leads outside the course folder",
                    glossary.display()
                ),
            )
            .with_help("name a file inside the course folder, relative to `src`"),
        );
    }
    Some(Config {
        root: root.to_path_buf(),
        jail,
        title,
        authors,
        description,
        language_pos: if text.contains("language") {
            key_pos(text, "language")
        } else {
            Pos::new(1, 1)
        },
        language,
        text_direction,
        src,
        build_dir,
        build_dir_refused,
        cache_dir,
        extra_watch_dirs,
        theme_dir,
        site_url,
        absolute_url,
        cname: html.cname,
        git_repository_url: html.git_repository_url,
        edit_url_template: html.edit_url_template,
        glossary,
        glossary_refused,
        glossary_pos,
        link_terms,
        raw_html: html.raw_html.unwrap_or(true),
        hidelines: html.code.map(|c| c.hidelines).unwrap_or_default(),
        additional_css: (html.additional_css, key_pos(text, "additional-css")),
        additional_js: (html.additional_js, key_pos(text, "additional-js")),
        redirect: {
            let heads = LineHeads::new(text);
            let table = key_pos(text, "[output.html.redirect]");
            html.redirect
                .into_iter()
                .map(|(k, to)| {
                    // As TOML may write the key: quoted either way, or bare.
                    let pos = [
                        format!("\"{k}\""),
                        format!("'{k}'"),
                        format!("{k} ="),
                        format!("{k}="),
                    ]
                    .iter()
                    .map(|form| heads.pos(form))
                    .find(|&p| p != Pos::new(1, 1))
                    .unwrap_or(table);
                    (k, (to, pos))
                })
                .collect()
        },
        no_section_label: html.no_section_label,
        mathjax_support: html.mathjax_support,
        math_preprocessor,
        math_macros,
        print: html.print.as_ref().is_none_or(|p| p.enable),
        print_page_break: html.print.as_ref().is_none_or(|p| p.page_break),
        input_404_pos: html.input_404.as_ref().map(|_| key_pos(text, "input-404")),
        input_404: html.input_404.unwrap_or_else(|| "404.md".to_string()),
        search: html.search.as_ref().is_none_or(|s| s.enable),
        says_code_is_not_run: says_code_is_not_run
            || html.playground.is_some()
            || html.playpen.is_some(),
    })
}

/// `academy` → `/academy/`; a full URL keeps only its path.
fn normalize_site_url(raw: &str) -> String {
    // Browsers read `\` as `/` in web addresses: `/\evil.example/` would be the
    // protocol-relative `//evil.example/`, and 404.html's scripts would load from that host.
    let raw = &raw.replace('\\', "/");
    let path = match raw.find("://") {
        Some(i) => raw[i + 3..].find('/').map_or("/", |j| &raw[i + 3 + j..]),
        None => raw,
    };
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

/// The public address of the site, for sitemap.xml: from a full site-url, the cname, or a
/// GitHub repository (served at `https://owner.github.io/`).
fn absolute_url(
    site_url: Option<&str>,
    cname: Option<&str>,
    repo: Option<&str>,
    path: &str,
) -> Option<String> {
    if let Some(url) = site_url.filter(|u| u.contains("://")) {
        let origin_end = url.find("://").map(|i| i + 3)?;
        let host_end = url[origin_end..]
            .find('/')
            .map_or(url.len(), |j| origin_end + j);
        return Some(format!("{}{path}", &url[..host_end]));
    }
    if let Some(host) = cname {
        return Some(format!(
            "https://{}{path}",
            host.trim().trim_end_matches('/')
        ));
    }
    let rest = repo?.strip_prefix("https://github.com/")?;
    let owner = rest.split('/').next().filter(|o| !o.is_empty())?;
    Some(format!("https://{}.github.io{path}", owner.to_lowercase()))
}

/// `courses.example.org`: dot-separated labels of ASCII letters, digits and inner hyphens (an
/// international name in its `xn--` form), at most 253 bytes.
fn is_domain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// `en`, `pt-BR`, `zh-Hans-CN`: letters, then subtags of letters and digits.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    // At most 35 characters, as BCP 47 asks every implementation to take (a 1 MB tag of
    // eight-letter subtags was written into every page's `lang`).
    tag.len() <= 35
        && (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The scheme of `url` if it has one other than http, https or mailto. Browsers ignore tabs,
/// newlines and leading spaces or controls in a scheme (`java\tscript:`), so those are dropped
/// first; a colon after a `/`, `?` or `#` is part of a relative address, not a scheme.
fn bad_scheme(url: &str) -> Option<String> {
    let squeezed: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let end = squeezed.find([':', '/', '?', '#'])?;
    if !squeezed[end..].starts_with(':') {
        return None;
    }
    let scheme = squeezed[..end].to_ascii_lowercase();
    (!matches!(scheme.as_str(), "http" | "https" | "mailto")).then_some(scheme)
}

/// The most characters of book.toml's `title`, and of its `authors` together: both are on
/// every page.
const MAX_TITLE: usize = 1_000;
/// The files of mdBook's theme folder that replace its own templates, scripts and styles.
const MDBOOK_THEME_FILES: [&str; 10] = [
    "index.hbs",
    "head.hbs",
    "header.hbs",
    "toc.js.hbs",
    "toc.html.hbs",
    "book.js",
    "css/chrome.css",
    "css/general.css",
    "css/variables.css",
    "highlight.js",
];
/// The longest `site-url`, `git-repository-url` or `edit-url-template`, in bytes.
const MAX_URL: usize = 2_048;
/// The most files `additional-css` (and `additional-js`) may name.
const MAX_ADDITIONAL: usize = 100;
/// The most characters of book.toml's `description`, every page's meta description.
const MAX_DESCRIPTION: usize = 10_000;

/// Cut `text` to its first `most` characters; the characters it had.
fn cut(text: &mut String, most: usize) -> usize {
    let len = text.chars().count();
    if let Some((at, _)) = text.char_indices().nth(most) {
        text.truncate(at);
    }
    len
}

/// The characters of the authors as the footer joins them.
fn authors_len(authors: &[String]) -> usize {
    authors.iter().map(|a| a.chars().count() + 2).sum::<usize>()
}

/// Where `needle` first appears at the start of a line, for messages about whole tables.
fn key_pos(text: &str, needle: &str) -> Pos {
    LineHeads::new(text).pos(needle)
}

/// Every line of a book.toml by its text, to find where many keys start in one pass: scanning
/// the whole file once per key was quadratic, and a book.toml of 8,000 unknown `[tN]` tables (64
/// KB) took 1.6 s to report them (found by the fuzz tests, `fuzz_book_toml`).
struct LineHeads<'a> {
    /// Each distinct line with its indentation trimmed → the byte offset of its first
    /// occurrence (after the indentation). Lines starting with one needle are adjacent here.
    first: BTreeMap<&'a str, usize>,
    lines: LineIndex<'a>,
}

impl<'a> LineHeads<'a> {
    fn new(text: &'a str) -> Self {
        let mut first = BTreeMap::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let head = line.trim_start();
            first
                .entry(head)
                .or_insert(offset + (line.len() - head.len()));
            offset += line.len();
        }
        LineHeads {
            first,
            lines: LineIndex::new(text),
        }
    }

    /// The first line that starts (after indentation) with `needle`; 1:1 when none does.
    /// Looking up distinct needles visits each line at most once per needle that is a prefix of
    /// it, so all of report_ignored's lookups together cost about the file's size.
    fn pos(&self, needle: &str) -> Pos {
        self.first
            .range(needle..)
            .take_while(|(head, _)| head.starts_with(needle))
            .map(|(_, &offset)| offset)
            .min()
            .map_or(Pos::new(1, 1), |offset| self.lines.pos(offset))
    }
}

fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> Diagnostic {
    let pos = e
        .span()
        .map_or(Pos::new(1, 1), |s| Pos::of_offset(text, s.start));
    let message = e.message().trim().to_string();
    let mut d = Diagnostic::error(path, pos, message.clone());
    if message.starts_with("unknown field") {
        let table = table_at(text, e.span().map_or(0, |s| s.start));
        let keys = match table.as_str() {
            "book" => Some(BOOK_KEYS),
            "build" => Some(BUILD_KEYS),
            "output.html" => Some(HTML_KEYS),
            "course" => Some(COURSE_KEYS),
            _ => None,
        };
        if let Some(keys) = keys {
            d.message = format!(
                "{} in [{table}]",
                message.split(", expected").next().unwrap_or(&message)
            );
            d = d.with_help(format!("valid keys in [{table}]: {keys}"));
        }
    }
    d
}

/// The `[table]` header in force at byte `offset`.
fn table_at(text: &str, offset: usize) -> String {
    let mut current = String::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if pos > offset {
            break;
        }
        let t = line.trim();
        if t.starts_with('[') && !t.starts_with("[[") {
            current = t
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
        }
        pos += line.len();
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> (Option<Config>, Vec<String>) {
        let mut d = Diagnostics::default();
        let c = parse(Path::new("/c"), text, &mut d);
        (c, d.sorted().iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn misspelled_key_names_line_and_valid_keys() {
        let (_, d) = parse_str("[book]\ntitle = \"x\"\ntitel = \"y\"\n");
        assert!(d.iter().all(|d| d.starts_with("error:")), "{d:?}");
        insta::assert_snapshot!(d.join("\n"));
    }

    #[test]
    fn mdbook_tables_are_ignored_with_a_warning() {
        let (c, d) = parse_str("[book]\ntitle = \"x\"\n[preprocessor.katex]\n[output.pdf]\n");
        assert!(c.is_some());
        insta::assert_snapshot!(d.join("\n"));
    }

    #[test]
    fn thousands_of_unknown_tables_are_reported_quickly() {
        // Found by fuzz_book_toml: one scan of the file per table made 8,000 `[tN]` take 1.6 s.
        let keys = (0..8000).map(|i| format!("k{i} = 1\n"));
        let tables = (0..8000).map(|i| format!("[t{i}]\n"));
        let text: String = keys.chain(tables).collect();
        let started = std::time::Instant::now();
        let (c, d) = parse_str(&text);
        assert!(
            started.elapsed().as_secs_f64() < 1.0,
            "{:?}",
            started.elapsed()
        );
        assert!(c.is_some());
        // 16,000 unknown tables, each at its own line (a table at its header's name).
        assert_eq!(d.len(), 16_000);
        assert!(d.contains(&"error: book.toml:2000:1: unknown table `k1999`\n  help: valid tables: [book], [build], [rust], [output.html], [preprocessor.*], [course]".to_string()), "{:?}", &d[..3]);
        assert!(
            d.iter()
                .any(|d| d.starts_with("error: book.toml:8006:2: unknown table `t5`"))
        );
    }

    #[test]
    fn site_url_is_normalized() {
        assert_eq!(normalize_site_url("academy"), "/academy/");
        assert_eq!(normalize_site_url("/"), "/");
        assert_eq!(normalize_site_url("https://x.org/a/b"), "/a/b/");
        assert_eq!(
            absolute_url(
                None,
                None,
                Some("https://github.com/Org/academy"),
                "/academy/"
            ),
            Some("https://org.github.io/academy/".to_string())
        );
    }
}
