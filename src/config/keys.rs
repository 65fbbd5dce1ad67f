//! Every key of mdBook 0.5's book.toml, and what coursebook does with it.
//!
//! An mdBook book must build unchanged, and nothing may be lost silently: a key coursebook
//! honours passes quietly, a key it does not is one warning at its line saying what is not done,
//! and a key close to a known one (a typo) is an error with "did you mean". The keys and their
//! meaning are mdBook's (`crates/mdbook-core/src/config.rs` in mdBook 0.5.4), plus coursebook's
//! own `[course]` and `raw-html`.

use crate::diag::{Diagnostic, Diagnostics, LineIndex, Pos};
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// What coursebook does with a key.
enum Key {
    /// Honoured.
    Used,
    /// Honoured when its value is this boolean (what coursebook always does); the other value
    /// is a warning saying so.
    Always(bool, &'static str),
    /// Not done: a warning with what is not done.
    Ignored(&'static str),
    /// A table of these keys.
    Table(&'static [(&'static str, Key)]),
    /// `[output.<renderer>]`: html is checked key by key, other renderers are not done.
    Outputs,
    /// `[preprocessor.<name>]`: the ones coursebook provides, the others not done.
    Preprocessors,
    /// A table whose keys are the author's (`redirect`, `hidelines`): not checked one by one.
    Free,
}

use Key::{Always, Free, Ignored, Outputs, Preprocessors, Table, Used};

const BOOK: &[(&str, Key)] = &[
    ("title", Used),
    ("authors", Used),
    ("description", Used),
    ("src", Used),
    ("language", Used),
    ("text-direction", Used),
    (
        "multilingual",
        Ignored("mdBook 0.4's key, removed in 0.5; a book has one language"),
    ),
];

const BUILD: &[(&str, Key)] = &[
    ("build-dir", Used),
    ("cache-dir", Used),
    (
        "create-missing",
        Always(
            false,
            "a chapter whose file is missing is an error, never created",
        ),
    ),
    (
        "use-default-preprocessors",
        Always(
            true,
            "`{{#include}}` and the other built-in directives are always expanded",
        ),
    ),
    ("extra-watch-dirs", Used),
];

const RUST: &[(&str, Key)] = &[(
    "edition",
    Ignored("code blocks are highlighted, not compiled or run"),
)];

const HTML: &[(&str, Key)] = &[
    ("theme", Used),
    ("site-url", Used),
    ("cname", Used),
    ("git-repository-url", Used),
    ("edit-url-template", Used),
    // coursebook's own.
    ("raw-html", Used),
    // Same intent, coursebook's way: theme files carry a `?v=` content hash; every lesson
    // lists its sections ("On this page").
    ("hash-files", Used),
    ("sidebar-header-nav", Used),
    (
        "default-theme",
        Ignored(
            "the reader's system setting chooses light or dark, and the theme button keeps their choice",
        ),
    ),
    (
        "preferred-dark-theme",
        Ignored("coursebook has one dark theme"),
    ),
    (
        "smart-punctuation",
        Always(true, "quotes and dashes are always made typographic"),
    ),
    // mdBook 0.4's name for `smart-punctuation` (rust-cli's book sets it).
    (
        "curly-quotes",
        Always(true, "quotes and dashes are always made typographic"),
    ),
    (
        "definition-lists",
        Always(true, "definition lists are always on"),
    ),
    (
        "admonitions",
        Always(true, "`> [!NOTE]` callouts are always on"),
    ),
    // `\\( … \\)` and `\\[ … \\]` are rendered to MathML at build time, as `$…$` is: no MathJax.
    ("mathjax-support", Used),
    ("additional-css", Used),
    ("additional-js", Used),
    ("no-section-label", Used),
    (
        "git-repository-icon",
        Ignored("the repository link has no icon"),
    ),
    ("input-404", Used),
    (
        "live-reload-endpoint",
        Ignored("`coursebook serve` has its own live reload"),
    ),
    ("redirect", Free),
    (
        "fold",
        Ignored("the sidebar shows the current chapter open and the others closed"),
    ),
    (
        "playground",
        Ignored("code is not run in the Rust Playground nor edited in the page"),
    ),
    (
        "playpen",
        Ignored("code is not run in the Rust Playground nor edited in the page"),
    ),
    ("code", Table(CODE)),
    ("print", Table(PRINT)),
    ("search", Table(SEARCH)),
];

const CODE: &[(&str, Key)] = &[("hidelines", Free)];

const PRINT: &[(&str, Key)] = &[("enable", Used), ("page-break", Used)];

/// mdBook's search settings: coursebook's search is its own (site/search.rs), so only `enable`
/// means something here.
const SEARCH: &[(&str, Key)] = &[
    ("enable", Used),
    (
        "limit-results",
        Ignored("coursebook's search shows its own number of results"),
    ),
    (
        "teaser-word-count",
        Ignored("coursebook's search shows its own excerpts"),
    ),
    (
        "use-boolean-and",
        Ignored("coursebook's search ranks pages with every word first"),
    ),
    (
        "boost-title",
        Ignored("coursebook's search ranks its own way (README, \"Search\")"),
    ),
    (
        "boost-hierarchy",
        Ignored("coursebook's search ranks its own way (README, \"Search\")"),
    ),
    (
        "boost-paragraph",
        Ignored("coursebook's search ranks its own way (README, \"Search\")"),
    ),
    (
        "expand",
        Ignored("a word being typed always matches as a prefix"),
    ),
    (
        "heading-split-level",
        Ignored("coursebook's search splits pages at every heading with an id"),
    ),
    (
        "copy-js",
        Ignored("coursebook's search script is always part of the theme"),
    ),
    (
        "chapter",
        Ignored("coursebook leaves a page out of search with `search: false` in its front matter"),
    ),
];

const TOP: &[(&str, Key)] = &[
    ("book", Table(BOOK)),
    ("build", Table(BUILD)),
    ("rust", Table(RUST)),
    ("course", Table(COURSE)),
    ("output", Outputs),
    ("preprocessor", Preprocessors),
];

const COURSE: &[(&str, Key)] = &[("glossary", Used), ("link-terms", Used)];

/// The preprocessors coursebook provides: mdBook's own, and mdbook-quiz's (content::mdbook_quiz).
const PREPROCESSORS: &[&str] = &["links", "index", "quiz"];

/// Check a parsed book.toml against mdBook's keys: warnings for what is not done, errors for
/// typos. Unknown keys that are not typos are warnings (a newer mdBook may have them).
///
/// `lenient` (an mdBook book, ordered by its SUMMARY.md): typos and unknown tables are warnings
/// too. mdBook 0.4 ignored every unknown key, so books in the wild carry them (`author =` in
/// rust-lang-ja/book-ja); mdBook 0.5 refuses them, and `--deny-warnings` does here.
pub fn check(root: &DeTable<'_>, text: &str, lenient: bool, diags: &mut Diagnostics) {
    // One index for every key's position: a position counted from the start each time made a
    // book.toml of 16,000 unknown keys quadratic.
    let lines = LineIndex::new(text);
    let ctx = Walk {
        lines: &lines,
        lenient,
    };
    walk(root, TOP, "", &ctx, diags);
}

/// What every table's check needs: where keys are, and how strict to be.
struct Walk<'a> {
    lines: &'a LineIndex<'a>,
    lenient: bool,
}

fn walk(
    table: &DeTable<'_>,
    schema: &[(&str, Key)],
    path: &str,
    ctx: &Walk<'_>,
    diags: &mut Diagnostics,
) {
    let lines = ctx.lines;
    let file = Path::new("book.toml");
    for (key, value) in table {
        let name: &str = key.get_ref();
        let at = lines.pos(key.span().start);
        let full = if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        let Some((_, rule)) = schema.iter().find(|(k, _)| *k == name) else {
            unknown(schema, name, &full, path, at, ctx.lenient, diags);
            continue;
        };
        match (rule, value.get_ref()) {
            (Used | Free, _) => {}
            (Always(wanted, what), DeValue::Boolean(given)) if given != wanted => {
                diags.push(Diagnostic::warning(
                    file,
                    at,
                    format!("`{full} = {given}` is not done by coursebook: {what}; ignored"),
                ));
            }
            (Always(..), _) => {}
            (Ignored(what), _) => diags.push(Diagnostic::warning(
                file,
                at,
                format!("`{full}` is not done by coursebook: {what}; ignored"),
            )),
            (Table(keys), DeValue::Table(inner)) => walk(inner, keys, &full, ctx, diags),
            (Outputs, DeValue::Table(inner)) => outputs(inner, ctx, diags),
            (Preprocessors, DeValue::Table(inner)) => {
                preprocessors(inner, lines, diags);
            }
            // A table given as something else: the typed reading reports it.
            _ => {}
        }
    }
}

fn outputs(table: &DeTable<'_>, ctx: &Walk<'_>, diags: &mut Diagnostics) {
    for (key, value) in table {
        let name: &str = key.get_ref();
        let at = ctx.lines.pos(key.span().start);
        match (name, value.get_ref()) {
            ("html", DeValue::Table(inner)) => walk(inner, HTML, "output.html", ctx, diags),
            ("html", _) => {}
            (other, _) => diags.push(Diagnostic::warning(
                Path::new("book.toml"),
                at,
                format!(
                    "[output.{other}] is an mdBook renderer coursebook does not implement; ignored"
                ),
            )),
        }
    }
}

fn preprocessors(table: &DeTable<'_>, lines: &LineIndex<'_>, diags: &mut Diagnostics) {
    for (key, _) in table {
        let name: &str = key.get_ref();
        if PREPROCESSORS.contains(&name) {
            continue;
        }
        let message = if is_math_preprocessor(name) {
            format!(
                "[preprocessor.{name}] is not run by coursebook: it renders the book's `$…$` and `$$…$$` math itself, to MathML at build time; this preprocessor's options are ignored but for its `macros` file, and a formula it cannot render is a warning, shown as its LaTeX"
            )
        } else if name.contains("quiz") {
            // cairo-book's `quiz-cairo`, a fork of mdbook-quiz: its `{{#quiz}}` directives are
            // read as mdbook-quiz's, which coursebook provides.
            format!(
                "[preprocessor.{name}] is not run by coursebook: its `{{{{#quiz file.toml}}}}` directives are read as mdbook-quiz's, and what else it would add is missing"
            )
        } else {
            format!(
                "[preprocessor.{name}] is not provided by coursebook: what it would add to the pages is missing, and its directives are left as they are"
            )
        };
        diags.push(Diagnostic::warning(
            Path::new("book.toml"),
            lines.pos(key.span().start),
            message,
        ));
    }
}

/// A preprocessor that renders `$…$` and `$$…$$` math, by its name: mdbook-katex (`katex`,
/// `katex2`…) and others named for math. mdBook itself never reads `$`.
pub fn is_math_preprocessor(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("katex") || name.contains("math")
}

/// The first of book.toml's `[preprocessor.*]` tables that renders `$` math.
pub fn math_preprocessor(root: &DeTable<'_>) -> Option<String> {
    let DeValue::Table(table) = root.get("preprocessor")?.get_ref() else {
        return None;
    };
    table
        .keys()
        .map(|k| k.get_ref().to_string())
        .find(|name| is_math_preprocessor(name))
}

/// mdbook-katex's `macros = "file"` in the math preprocessor's table: the file as written and
/// where its value starts in book.toml.
pub fn math_macros(root: &DeTable<'_>) -> Option<(String, usize)> {
    let DeValue::Table(table) = root.get("preprocessor")?.get_ref() else {
        return None;
    };
    table
        .iter()
        .filter(|(name, _)| is_math_preprocessor(name.get_ref()))
        .find_map(|(_, options)| {
            let DeValue::Table(options) = options.get_ref() else {
                return None;
            };
            let value = options.get("macros")?;
            match value.get_ref() {
                DeValue::String(file) => Some((file.to_string(), value.span().start)),
                _ => None,
            }
        })
}

/// A key not in the schema: an error when it looks like a typo of one that is (a warning in a
/// `lenient` book), else a warning.
fn unknown(
    schema: &[(&str, Key)],
    name: &str,
    full: &str,
    table: &str,
    at: Pos,
    lenient: bool,
    diags: &mut Diagnostics,
) {
    let file = Path::new("book.toml");
    let (ignored, also) = match lenient {
        true => (
            " is ignored",
            " (mdBook 0.4 ignored unknown keys; mdBook 0.5 refuses them)",
        ),
        false => ("", ""),
    };
    let error = |file: &Path, at: Pos, message: String| {
        let mut d = Diagnostic::error(file, at, message);
        if lenient {
            d.severity = crate::diag::Severity::Warning;
        }
        d
    };
    let valid: Vec<&str> = schema.iter().map(|(k, _)| *k).collect();
    let where_ = if table.is_empty() {
        "book.toml".to_string()
    } else {
        format!("[{table}]")
    };
    match closest(name, &valid) {
        Some(near) => diags.push(
            error(
                file,
                at,
                format!("unknown key `{name}` in {where_}{ignored}; did you mean `{near}`?"),
            )
            .with_help(format!("valid keys in {where_}: {}{also}", valid.join(", "))),
        ),
        None if table.is_empty() => diags.push(
            error(file, at, format!("unknown table `{name}`{ignored}")).with_help(format!(
                "valid tables: [book], [build], [rust], [output.html], [preprocessor.*], [course]{also}"
            )),
        ),
        None => diags.push(
            Diagnostic::warning(
                file,
                at,
                format!("`{full}` is not a key coursebook or mdBook 0.5 knows; ignored"),
            )
            .with_help(format!("valid keys in {where_}: {}", valid.join(", "))),
        ),
    }
}

/// The known key `name` is most likely a typo of: equal but for case, `_` and `-`, or at most two
/// edits away (one for short keys).
pub(crate) fn closest<'k>(name: &str, valid: &[&'k str]) -> Option<&'k str> {
    let fold = |s: &str| s.to_lowercase().replace('_', "-");
    let folded = fold(name);
    if let Some(k) = valid.iter().find(|k| fold(k) == folded) {
        return Some(k);
    }
    if name.len() > 64 {
        return None;
    }
    valid
        .iter()
        .map(|k| (edits(&folded, k), *k))
        .filter(|(d, k)| *d <= if k.len() <= 4 { 1 } else { 2 })
        // Fewer edits than the name has letters: `d` is not a typo of `id`, it is another key.
        .filter(|(d, _)| *d < folded.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance (both short: keys of book.toml).
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_near_known_keys() {
        assert_eq!(closest("titel", &["title", "src"]), Some("title"));
        assert_eq!(closest("site_url", &["site-url"]), Some("site-url"));
        assert_eq!(closest("Title", &["title"]), Some("title"));
        assert_eq!(closest("sr", &["src"]), Some("src"));
        assert_eq!(closest("completely-else", &["title", "src"]), None);
        assert_eq!(
            closest("d", &["id", "title"]),
            None,
            "one letter is not a typo"
        );
        assert_eq!(edits("kitten", "sitting"), 3);
    }
}
