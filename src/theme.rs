//! The default theme, embedded in the binary, and per-file overrides from the course's theme
//! folder (mdBook's model: a course replaces any file by putting one at the same path).

use crate::confine::{Denied, Jail};
use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../themes/default/", $path)) as &[u8])),*]
    };
}

/// Every file of the default theme, by its path inside the theme folder.
pub const DEFAULT_FILES: &[(&str, &[u8])] = embed!(
    "templates/base.html",
    "templates/page.html",
    "templates/contents.html",
    "templates/progress.html",
    "templates/print.html",
    "templates/glossary.html",
    "templates/404.html",
    "templates/quiz.html",
    "templates/question-choice.html",
    "templates/question-input.html",
    "templates/question-order.html",
    "templates/question-tracing.html",
    "templates/calculator.html",
    "templates/playground.html",
    "templates/callout.html",
    "templates/term.html",
    "css/book.css",
    "js/book.js",
    "js/runtime.js",
    "js/quiz.js",
    "js/search.js",
    "js/search-words.js",
    "js/progress.js",
    "js/progress-page.js",
    "js/widgets.js",
    "favicon.svg",
    "i18n/en.toml",
    "i18n/fr.toml",
    "i18n/de.toml",
    "i18n/es.toml",
    "i18n/pt.toml",
    "i18n/ja.toml",
    "i18n/zh.toml",
    "i18n/ar.toml",
    "i18n/ru.toml",
    "i18n/uk.toml",
);

/// The wasm module and its wasm-bindgen glue, built from quiz-wasm by build.rs.
pub const QUIZ_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/quiz_wasm_bg.wasm"));
pub const QUIZ_WASM_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/quiz_wasm.js"));

/// The templates the build renders; all are loaded up front so a broken override is reported
/// at once.
pub const TEMPLATES: &[&str] = &[
    "base.html",
    "page.html",
    "contents.html",
    "progress.html",
    "print.html",
    "glossary.html",
    "404.html",
    "quiz.html",
    "question-choice.html",
    "question-input.html",
    "question-order.html",
    "question-tracing.html",
    "calculator.html",
    "playground.html",
    "callout.html",
    "term.html",
];

/// A theme file's path inside the theme, and its bytes.
pub type ThemeFile = (String, Cow<'static, [u8]>);

#[derive(Clone, Debug, Default)]
pub struct Theme {
    /// The course's theme folder, when `[output.html] theme` is set.
    pub dir: Option<PathBuf>,
}

/// Why a theme file is refused. The theme folder is its own jail (it is published whole, so a
/// link out of it would publish the course's sources, answer keys included, under `theme/`):
/// "outside the course folder" was false for a link to another file of the course.
pub fn refusal(denied: &Denied) -> String {
    match denied {
        Denied::Outside(to) => format!(
            "it leads outside the theme folder (to {}); the theme folder is published whole, so its files must be inside it",
            to.display()
        ),
        denied => denied.to_string(),
    }
}

impl Theme {
    /// The course's own version of theme file `path`: `Ok(None)` when it has none. A path that
    /// climbs out (`..`, absolute), a link that leads outside the theme folder, or something
    /// that is not a regular file is refused (the theme folder itself is inside the course:
    /// config.rs checks it).
    pub fn override_file(&self, path: &str) -> Result<Option<(Vec<u8>, PathBuf)>, String> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        let rel = Path::new(path);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(format!(
                "`{path}` is refused: theme files are named by paths inside the theme folder"
            ));
        }
        let candidate = dir.join(rel);
        if std::fs::symlink_metadata(&candidate).is_err() {
            return Ok(None);
        }
        let jail = Jail::new(dir);
        match jail.read(&candidate) {
            Ok(bytes) => Ok(Some((bytes, candidate))),
            Err(denied) => Err(format!(
                "`{path}` in the theme is refused: {}",
                refusal(&denied)
            )),
        }
    }

    /// A theme file by its path inside the theme: the course's override, else the default.
    /// Returns the bytes and the path to name in messages (a refused override counts as none;
    /// the template loader and the static-file walk report refusals).
    pub fn file(&self, path: &str) -> Option<(Cow<'static, [u8]>, Option<PathBuf>)> {
        if let Ok(Some((bytes, candidate))) = self.override_file(path) {
            return Some((Cow::Owned(bytes), Some(candidate)));
        }
        DEFAULT_FILES
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, bytes)| (Cow::Borrowed(*bytes), None))
    }

    /// Static files (everything but templates) to copy into the site's `theme/` folder: the
    /// default ones, overridden or joined by the course's own; the course's theme files that
    /// were refused (links leading outside the theme folder, special files), by path; and the
    /// built sites inside the theme folder, left out (`--dest-dir` inside the theme published
    /// the previous site inside the new one, deeper each build).
    pub fn static_files(&self) -> (Vec<ThemeFile>, Vec<(PathBuf, Denied)>, Vec<PathBuf>) {
        let mut files: std::collections::BTreeMap<String, Cow<'static, [u8]>> = DEFAULT_FILES
            .iter()
            .filter(|(p, _)| !p.starts_with("templates/") && !p.starts_with("i18n/"))
            .map(|(p, b)| ((*p).to_string(), Cow::Borrowed(*b)))
            .collect();
        let mut refused = Vec::new();
        let mut skipped = Vec::new();
        if let Some(dir) = &self.dir {
            // The theme folder is its own jail: it is published whole, so a link out of it
            // would publish the course's sources (answer keys) under `theme/`.
            let walk =
                crate::confine::walk(&Jail::new(dir), dir, &crate::site::output::is_built_site);
            refused = walk.refused;
            skipped = walk.skipped;
            for path in walk.files {
                let Ok(rel) = path.strip_prefix(dir) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                // Read by the build, not published.
                if rel.starts_with("templates/") || rel.starts_with("i18n/") {
                    continue;
                }
                // Found by the confined walk: inside the theme folder.
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        files.insert(rel, Cow::Owned(bytes));
                    }
                    Err(e) => refused.push((path, Denied::Io(e))),
                }
            }
        }
        (files.into_iter().collect(), refused, skipped)
    }

    pub fn template_path(&self, name: &str) -> String {
        format!("templates/{name}")
    }

    /// The path to show for template `name` in messages, relative to the course root.
    pub fn shown_path(&self, name: &str, root: &Path) -> PathBuf {
        match self.file(&self.template_path(name)) {
            Some((_, Some(path))) => crate::diag::rel(root, &path),
            _ => PathBuf::from(format!("(default theme)/templates/{name}")),
        }
    }
}
