//! Links between source files become links between pages: `../02-x/01-y.md#z` becomes
//! `../x/y.html#z`, relative to the page. A link to a missing file is an error at the link;
//! `#anchors` are checked after every page is rendered (see [`PendingLink`]).

use super::stream::{Env, Events};
use super::{Output, PageContext};
use crate::diag::{Diagnostic, Pos};
use pulldown_cmark::{CowStr, Event, LinkType, Tag};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Source path (relative to src, `/`-separated) → output URL (relative to the site root).
#[derive(Debug, Default)]
pub struct LinkTable {
    pub pages: HashMap<String, String>,
    pub assets: HashMap<String, String>,
    /// The course is an mdBook book (SUMMARY.md), whose links mdBook never checks: a broken
    /// one is a warning, so a book with a stale link still builds unchanged.
    pub lenient: bool,
    /// The addresses `[output.html.redirect]` writes a page at (from the site's root): a
    /// link to one, or to the `.md` it was, leads there as mdBook writes it.
    pub redirected: std::collections::HashSet<String>,
}

/// A link whose `#fragment` must exist on its target page.
#[derive(Clone, Debug)]
pub struct PendingLink {
    pub source: PathBuf,
    pub pos: Pos,
    /// The target page's URL relative to the site root.
    pub page: String,
    pub fragment: String,
    /// The link as the author wrote it, for the message.
    pub written: String,
    /// Written to a page's `.html` (mdBook's form): mdBook does not check such links, so a
    /// missing anchor is a warning, not an error, and an existing book still builds.
    pub lenient: bool,
}

fn is_external(dest: &str) -> bool {
    dest.starts_with("//")
        || dest.starts_with("mailto:")
        || dest.starts_with("tel:")
        || dest.starts_with("data:")
        || dest.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !scheme.contains('/')
        })
}

/// Join `dest` onto `dir` and fold `.` and `..`; `None` when it climbs out of src.
fn resolve(dir: &Path, dest: &str) -> Option<String> {
    let joined = if let Some(abs) = dest.strip_prefix('/') {
        PathBuf::from(abs)
    } else {
        dir.join(dest)
    };
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    Some(parts.join("/"))
}

/// `a/b/c.html` seen from `a/d.html` → `b/c.html`; from `x/y.html` → `../a/b/c.html`.
pub fn relative_url(from_page: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from_page.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len().saturating_sub(1));
    let mut out = "../".repeat(from_dirs.len() - common);
    // What is left of `to` after its `common` leading folders (each with its `/`).
    let skipped: usize = to_parts[..common].iter().map(|p| p.len() + 1).sum();
    encode_path_into(&to[skipped..], &mut out);
    out
}

/// A site path (`part/lesson.html`) as a URL path, each segment through
/// [`percent_encode_into`]: for addresses written outside a page's own links (the search index).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    encode_path_into(path, &mut out);
    out
}

fn encode_path_into(path: &str, out: &mut String) {
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        percent_encode_into(segment, out);
    }
}

/// A file name as one URL path segment: characters that would end or change the segment (`#`,
/// `?`, `%`, spaces, quotes, …) are percent-encoded; letters of any script are kept as they are.
/// So is `:`: a lesson named `javascript:alert(1).md` made the relative link
/// `javascript:alert(1).html`, which a browser reads as a script address.
pub fn percent_encode_into(segment: &str, out: &mut String) {
    // Bytes of UTF-8 sequences (>= 0x80) stay: browsers encode them themselves.
    let plain = |b: u8| {
        b.is_ascii_alphanumeric()
            || b >= 0x80
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            )
    };
    // Almost every file name needs nothing: one pass, one copy.
    // (0xC2 starts U+0080–U+00BF, where the C1 control characters are: the slow path.)
    if segment.bytes().all(|b| plain(b) && b != 0xC2) {
        out.push_str(segment);
        return;
    }
    for c in segment.chars() {
        if c.is_control() {
            out.push_str("%EF%BF%BD");
        } else if !c.is_ascii() || plain(c as u8) {
            out.push(c);
        } else {
            out.push_str(&format!("%{:02X}", c as u8));
        }
    }
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Two hex digits, checked as bytes: slicing `s` panicked when a multi-byte character
        // began one byte after the `%` (`[a](%'¥)`, found by fuzz_markdown), and
        // from_str_radix alone would also take `%+f` as 0x0f.
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn rewrite<'a: 'p, 'p>(events: impl Events<'a> + 'p, env: &'p Env<'p>) -> impl Events<'a> + 'p {
    let Env { ctx, at, out } = *env;
    events.map(move |(event, range)| {
        let event = match event {
            // An e-mail autolink (`<security@rust-lang.org>`): the writer makes its `mailto:`
            // address; nothing here to find or check.
            Event::Start(Tag::Link {
                link_type: LinkType::Email,
                ..
            }) => event,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url =
                    rewrite_one(&dest_url, ctx, at(range.start), &mut out.borrow_mut(), true)
                        .map_or(dest_url, CowStr::from);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = rewrite_one(
                    &dest_url,
                    ctx,
                    at(range.start),
                    &mut out.borrow_mut(),
                    false,
                )
                .map_or(dest_url, CowStr::from);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            other => other,
        };
        (event, range)
    })
}

/// The page or file a link's path (relative to src, folded) names, as mdBook resolves it: the
/// Markdown file (`a.md`), its folder (`a/` → `a/index.md` or `a/README.md`), or the page it
/// becomes (`a.html` → `a.md`; `a/index.html` → `a/index.md` or `a/README.md`). A link to
/// `a/index.md` where the file is `a/README.md` finds it too: mdBook writes that page as
/// `a/index.html` and the link as `a/index.html`, so it works there (rust-embedded/discovery,
/// clippy's book). Returns its URL and whether it is a page.
fn find(links: &LinkTable, t: &str) -> Option<(String, bool)> {
    let page = |p: &str| links.pages.get(p).map(|u| (u.clone(), true));
    page(t)
        .or_else(|| {
            let folder = t.strip_suffix("index.md")?;
            (folder.is_empty() || folder.ends_with('/'))
                .then(|| page(&format!("{folder}README.md")))?
        })
        .or_else(|| page(&format!("{t}/index.md")))
        .or_else(|| page(&format!("{t}/README.md")))
        .or_else(|| {
            let stem = t.strip_suffix(".html")?;
            page(&format!("{stem}.md")).or_else(|| {
                let folder = stem.strip_suffix("index")?;
                page(&format!("{folder}README.md"))
            })
        })
        .or_else(|| links.assets.get(t).map(|u| (u.clone(), false)))
}

/// The rewritten destination, or `None` to keep it as written.
pub(super) fn rewrite_one(
    dest: &str,
    ctx: &PageContext<'_>,
    pos: Pos,
    out: &mut Output,
    is_link: bool,
) -> Option<String> {
    // `{{#PYO3_DOCS_URL}}/pyo3/`: a directive nothing expanded, already a warning at its line
    // (`content/directives.rs`); the address is not one to check.
    if dest.is_empty() || is_external(dest) || dest.contains("{{#") || dest.contains("{{%") {
        return None;
    }
    let (path_part, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path_part = path_part.split('?').next().unwrap_or(path_part);
    if path_part.is_empty() {
        if let Some(f) = fragment {
            out.links.push(PendingLink {
                source: ctx.source.to_path_buf(),
                pos,
                page: ctx.url.to_string(),
                fragment: percent_decode(f),
                written: dest.to_string(),
                lenient: ctx.links.lenient,
            });
        }
        return None;
    }
    let dir = ctx.src_rel.parent().unwrap_or(Path::new(""));
    let decoded = percent_decode(path_part);
    let Some(target) = resolve(dir, &decoded) else {
        // Out of the book's folder (`../std/index.html`: a sibling book on the same host, as
        // mdBook books link): nothing here to check it against. In a book, a `.md` one
        // becomes `.html` as mdBook writes every relative `.md` link (the cargo book's
        // `../../rustc/codegen-options/index.md`); anything else stays as written.
        if ctx.links.lenient
            && let Some(html) = md_as_html(dest)
        {
            out.diags.push(
                Diagnostic::warning(
                    ctx.source,
                    pos,
                    format!("`{dest}` leads out of the book's folder; written as `{html}`, as mdBook does, and not checked"),
                )
                .with_help("it works only where the site is published next to what it links to"),
            );
            return Some(html);
        }
        out.diags.push(
            Diagnostic::warning(
                ctx.source,
                pos,
                format!("`{dest}` leads out of the book's folder; kept as written, not checked"),
            )
            .with_help("it works only where the site is published next to what it links to"),
        );
        return None;
    };
    let found = find(ctx.links, target.trim_end_matches('/'));
    // A page book.toml moved away, its old address now a redirect page (the edition guide's
    // `../rust-2018/trait-system/no-anon-params.md`): the link leads there, as mdBook writes
    // every `.md` link `.html` unchecked; it was kept `.md`, a 404, said to lead nowhere.
    let found = found.or_else(|| {
        let html = md_as_html(&target).unwrap_or_else(|| target.clone());
        ctx.links
            .redirected
            .contains(&html)
            .then_some((html, false))
    });
    let Some((url, is_page)) = found else {
        let what = if is_link { "link" } else { "image" };
        let message = format!("broken {what}: `{dest}` is not a page or file of the course");
        let help = "links are relative to this file: to another lesson's Markdown file (`other.md`) or the page it becomes (`other.html`)";
        // A link to a `.html` page is mdBook's form, which mdBook never checks: an existing
        // book with a stale one still builds, with a warning at the link.
        let d = if decoded.ends_with(".html") || ctx.links.lenient {
            Diagnostic::warning(ctx.source, pos, message)
        } else {
            Diagnostic::error(ctx.source, pos, message)
        };
        out.diags.push(d.with_help(help));
        return None;
    };
    let mut rewritten = relative_url(ctx.url, &url);
    if let Some(f) = fragment {
        if is_page && !f.is_empty() {
            out.links.push(PendingLink {
                source: ctx.source.to_path_buf(),
                pos,
                page: url.clone(),
                fragment: percent_decode(f),
                written: dest.to_string(),
                lenient: decoded.ends_with(".html") || ctx.links.lenient,
            });
        }
        rewritten.push('#');
        rewritten.push_str(f);
    }
    Some(rewritten)
}

/// `dest` with its path's `.md` made `.html`, as mdBook's `fix_link` writes a relative link
/// (`../x/a.md#b` → `../x/a.html#b`); `None` when the path does not end in `.md`.
fn md_as_html(dest: &str) -> Option<String> {
    let (path, rest) = dest.split_at(dest.find(['#', '?']).unwrap_or(dest.len()));
    let stem = path.strip_suffix(".md")?;
    Some(format!("{stem}.html{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls() {
        assert_eq!(relative_url("a/d.html", "a/b/c.html"), "b/c.html");
        assert_eq!(relative_url("x/y.html", "a/b/c.html"), "../a/b/c.html");
        assert_eq!(relative_url("index.html", "a.html"), "a.html");
        assert_eq!(relative_url("a/b.html", "index.html"), "../index.html");
        assert_eq!(relative_url("a/b.html", "a/b.html"), "b.html");
        assert_eq!(
            relative_url("index.html", "a b/c#d?e%f.html"),
            "a%20b/c%23d%3Fe%25f.html"
        );
        assert_eq!(relative_url("index.html", "café.html"), "café.html");
    }

    #[test]
    fn percent_decode_keeps_what_is_not_an_escape() {
        // Found by fuzz_markdown: the page `[a](%'¥)` panicked slicing inside the `¥`.
        assert_eq!(percent_decode("%'¥"), "%'¥");
        assert_eq!(percent_decode("x%1¥y"), "x%1¥y");
        assert_eq!(percent_decode("a%20b%2F%zz%+f%4"), "a b/%zz%+f%4");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
    }

    #[test]
    fn md_links_become_html_as_mdbook_writes_them() {
        assert_eq!(
            md_as_html("../../r/index.md#x").as_deref(),
            Some("../../r/index.html#x")
        );
        assert_eq!(md_as_html("../a.md").as_deref(), Some("../a.html"));
        assert_eq!(md_as_html("../a.html"), None);
        assert_eq!(md_as_html("../a#b.md"), None);
    }

    #[test]
    fn external_links_are_left_alone() {
        assert!(is_external("https://x.org"));
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("other.md"));
        assert!(!is_external("../a.md#x"));
    }

    #[test]
    fn resolve_folds_parents_and_refuses_to_climb_out() {
        assert_eq!(
            resolve(Path::new("a/b"), "../c.md").as_deref(),
            Some("a/c.md")
        );
        assert_eq!(resolve(Path::new(""), "../c.md"), None);
        assert_eq!(resolve(Path::new("a"), "/c.md").as_deref(), Some("c.md"));
    }
}
