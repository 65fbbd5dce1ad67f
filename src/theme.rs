//! The default theme, embedded in the binary, and per-file overrides from the course's theme
//! folder (mdBook's model: a course replaces any file by putting one at the same path).

use std::borrow::Cow;
use std::path::{Path, PathBuf};

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
    "templates/glossary.html",
    "templates/404.html",
    "css/book.css",
    "js/book.js",
    "js/quiz.js",
    "js/widgets.js",
    "favicon.svg",
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
    "glossary.html",
    "404.html",
];

#[derive(Clone, Debug, Default)]
pub struct Theme {
    /// The course's theme folder, when `[output.html] theme` is set.
    pub dir: Option<PathBuf>,
}

impl Theme {
    /// A theme file by its path inside the theme: the course's override, else the default.
    /// Returns the bytes and the path to name in messages.
    pub fn file(&self, path: &str) -> Option<(Cow<'static, [u8]>, Option<PathBuf>)> {
        if let Some(dir) = &self.dir {
            let candidate = dir.join(path);
            if let Ok(bytes) = std::fs::read(&candidate) {
                return Some((Cow::Owned(bytes), Some(candidate)));
            }
        }
        DEFAULT_FILES
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, bytes)| (Cow::Borrowed(*bytes), None))
    }

    /// Static files (everything but templates) to copy into the site's `theme/` folder: the
    /// default ones, overridden or joined by the course's own.
    pub fn static_files(&self) -> Vec<(String, Cow<'static, [u8]>)> {
        let mut files: std::collections::BTreeMap<String, Cow<'static, [u8]>> = DEFAULT_FILES
            .iter()
            .filter(|(p, _)| !p.starts_with("templates/"))
            .map(|(p, b)| ((*p).to_string(), Cow::Borrowed(*b)))
            .collect();
        if let Some(dir) = &self.dir {
            for entry in walkdir::WalkDir::new(dir)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(dir) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel.starts_with("templates/") || rel.split('/').any(|c| c.starts_with('.')) {
                    continue;
                }
                if let Ok(bytes) = std::fs::read(entry.path()) {
                    files.insert(rel, Cow::Owned(bytes));
                }
            }
        }
        files.into_iter().collect()
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
