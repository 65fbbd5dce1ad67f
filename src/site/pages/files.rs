//! The site's files that are not pages: the theme's, the wasm module, the course's own, and
//! what hosts look for (`.nojekyll`, `CNAME`, `sitemap.xml`).

use crate::config::Config;
use crate::content::Course;
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::i18n::Strings;
use crate::markdown::{self};
use crate::site::output::{FileData, SiteFiles};
use crate::theme::Theme;

/// Theme files, the wasm module, the course's own files, and the files hosts look for.
pub fn static_files(
    config: &Config,
    course: &Course,
    theme: &Theme,
    strings: &Strings,
    site: &mut SiteFiles,
    diags: &mut Diagnostics,
) {
    let (files, refused, skipped) = theme.static_files();
    for (path, bytes) in files {
        // Search's scripts only for a site with search (`[output.html.search] enable = false`).
        if !config.search && matches!(path.as_str(), "js/search.js" | "js/search-words.js") {
            continue;
        }
        site.add(format!("theme/{path}"), bytes.into_owned());
    }
    for (path, denied) in refused {
        let mut d = Diagnostic::error(
            crate::diag::rel(&config.root, &path),
            Pos::FILE,
            format!("cannot read: {}", crate::theme::refusal(&denied)),
        );
        if matches!(denied, crate::confine::Denied::Outside(_)) {
            d = d.with_help("copy the file into the theme folder instead of linking to it");
        }
        diags.push(d);
    }
    crate::content::built_sites_left_out(&skipped, config, diags);
    site.add("theme/css/highlight.css", markdown::highlight::stylesheet());
    // The scripts' strings in the course's language, fetched once and cached (runtime.js).
    site.add("theme/strings.json", strings.script_json());
    site.add("theme/js/quiz_wasm.js", crate::theme::QUIZ_WASM_JS.to_vec());
    site.add(
        "theme/js/quiz_wasm_bg.wasm",
        crate::theme::QUIZ_WASM.to_vec(),
    );
    // Where coursebook writes its own files: a course's file there would replace them (a
    // `content/theme/js/book.js` ran a contributor's script on every page, `raw-html = false`
    // or not; a `content/toc.html` replaced the contents page).
    let pages: std::collections::HashSet<&str> =
        course.pages.iter().map(|p| p.url.as_str()).collect();
    for asset in &course.assets {
        if let Some(what) = built_here(&asset.url, config, site, &pages) {
            diags.push(
                Diagnostic::error(
                    crate::diag::rel(&config.root, &asset.source),
                    Pos::FILE,
                    format!("this file would be written to {}, where coursebook writes {what}", asset.url),
                )
                .with_help("rename or move the file; to change the theme's files, use a theme folder (`theme` under [output.html])"),
            );
            continue;
        }
        // With `raw-html = false` the site runs coursebook's pages only: a document that runs
        // scripts (`demo.html`, an SVG with a `<script>`) is not published.
        if !config.raw_html
            && let Some(why) = crate::markdown::raw_html::active_file(&asset.src_rel, || {
                config.jail.read_published(&asset.source).ok()
            })
        {
            diags.push(
                Diagnostic::error(
                    crate::diag::rel(&config.root, &asset.source),
                    crate::diag::Pos::FILE,
                    format!("not published with `raw-html = false`: {why}"),
                )
                .with_help("a course that refuses raw HTML publishes no file that runs scripts: rename it `.txt` to publish its text, or remove it"),
            );
            continue;
        }
        site.copy(asset.url.clone(), asset.source.clone());
    }
    additional_files(config, site, diags);
    redirects(config, course, site, diags);
    if !site.files.contains_key("favicon.svg")
        && let Some((bytes, _)) = theme.file("favicon.svg")
    {
        site.add("favicon.svg", bytes.into_owned());
    }
    site.add(".nojekyll", "");
    if let Some(cname) = &config.cname {
        site.add("CNAME", format!("{}\n", cname.trim()));
    }
    // A sitemap needs absolute URLs: written when the site's address is known (a full
    // site-url, a cname, or a GitHub repository).
    if let Some(base) = &config.absolute_url {
        site.add("sitemap.xml", sitemap(base, course));
    }
}

/// `additional-css` and `additional-js`: each a file of the course, published at the same path
/// (as mdBook does) and linked by every page (base.html). Never one of the theme's own files,
/// never outside the course, and no scripts of the author's when raw HTML is refused.
fn additional_files(config: &Config, site: &mut SiteFiles, diags: &mut Diagnostics) {
    let book = std::path::Path::new("book.toml");
    for (key, (paths, pos)) in [
        ("additional-css", &config.additional_css),
        ("additional-js", &config.additional_js),
    ] {
        if key == "additional-js" && !config.raw_html && !paths.is_empty() {
            diags.push(
                Diagnostic::error(
                    book,
                    *pos,
                    "`additional-js` is refused with `raw-html = false`",
                )
                .with_help("with `raw-html = false` the site runs only coursebook's scripts and its theme's (review a theme change as code)"),
            );
            continue;
        }
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        for path in paths {
            let Some(url) = additional_url(path) else {
                diags.push(
                    Diagnostic::error(book, *pos, format!("{key}: `{path}` is not a path inside the course folder"))
                        .with_help("name a file relative to the folder holding book.toml, such as `theme/custom.css`"),
                );
                continue;
            };
            let times = seen.entry(url.clone()).or_insert(0);
            *times += 1;
            if *times > 1 {
                // Said once a file, however often it is repeated.
                if *times == 2 {
                    diags.push(
                        Diagnostic::warning(
                            book,
                            *pos,
                            format!("{key}: `{path}` is listed more than once; it is linked once"),
                        )
                        .with_help("remove the repeated entries"),
                    );
                }
                continue;
            }
            // A hidden file or folder is the machine's, not the course's: `.git/config` holds
            // the CI job's token after actions/checkout, `.env` secrets.
            if url.split('/').any(|part| part.starts_with('.')) {
                diags.push(
                    Diagnostic::error(
                        book,
                        *pos,
                        format!("{key}: `{path}` is a hidden file or inside a hidden folder, which is never published"),
                    )
                    .with_help("name a file such as `theme/custom.css`; hidden files (`.git/`, `.env`) stay private"),
                );
                continue;
            }
            // Where a link leads counts too: `style.css -> .git/config` is hidden as well.
            let bytes = match config.jail.read_published(&config.root.join(&url)) {
                Ok(bytes) => bytes,
                Err(denied) => {
                    diags.push(Diagnostic::error(
                        book,
                        *pos,
                        format!("{key}: cannot read `{path}`: {denied}"),
                    ));
                    continue;
                }
            };
            if url.starts_with("theme/") && site.files.contains_key(&url) {
                // Already published as it is: with `src = "."` the file is one of the course's
                // own files too (mdBook books keep `theme/custom.css` beside their chapters).
                let same = match site.files.get(&url) {
                    Some(FileData::Copy(from)) => config
                        .jail
                        .resolve(&config.root.join(&url))
                        .is_ok_and(|p| config.jail.resolve(from).is_ok_and(|q| p == q)),
                    Some(FileData::Bytes(b)) => *b == bytes,
                    _ => false,
                };
                if same {
                    continue;
                }
                diags.push(
                    Diagnostic::error(
                        book,
                        *pos,
                        format!("{key}: `{path}` would replace coursebook's own theme file {url}"),
                    )
                    .with_help(
                        "give it another name, or replace the theme file in your theme folder",
                    ),
                );
                continue;
            }
            site.add(url, bytes);
        }
    }
}

/// `[output.html.redirect]`: a page at each old path that sends the reader on, with no script
/// (a meta refresh, and a link for whoever it does not move).
fn redirects(config: &Config, course: &Course, site: &mut SiteFiles, diags: &mut Diagnostics) {
    let book = std::path::Path::new("book.toml");
    for (old, (new, pos)) in &config.redirect {
        // An old address of a section (`/a.html#old`): the page's script follows it
        // (views.rs), as mdBook's does; a file named `a.html#old` was written instead.
        let (url, fragment) = redirect_key(old);
        if fragment.is_some() {
            let page = old.split('#').next().unwrap_or(old);
            let problem = if !redirect_target_ok(new) {
                Some(format!(
                    "redirect: `{old}` leads to `{new}`, which is not a page address"
                ))
            } else if url
                .as_ref()
                .is_none_or(|url| !course.pages.iter().any(|p| &p.url == url))
            {
                Some(format!(
                    "redirect: `{old}` is a section of `{page}`, which is not a page of the course; only a page can send its old sections on"
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                diags.push(
                    Diagnostic::warning(book, *pos, problem)
                        .with_help("redirect the whole page without `#…`, or name a section of one of the course's pages"),
                );
            }
            continue;
        }
        let Some(url) = url else {
            diags.push(Diagnostic::error(
                book,
                *pos,
                format!("redirect: `{old}` is not a path of the site"),
            ));
            continue;
        };
        if !redirect_target_ok(new) {
            diags.push(
                Diagnostic::error(
                    book,
                    *pos,
                    format!("redirect: `{old}` leads to `{new}`, which is not a page address"),
                )
                .with_help("redirect to a path of the site or an http(s) address"),
            );
            continue;
        }
        // Hidden names (`.coursebook`, coursebook's marker: the next build refused the folder;
        // `.git/config`) and the files the build writes after this step are not the course's
        // to replace.
        let hidden = url.split('/').any(|part| part.starts_with('.'));
        let generated = matches!(
            url.as_str(),
            "print.html"
                | "toc.html"
                | "progress.html"
                | "glossary.html"
                | "404.html"
                | "sitemap.xml"
                | "CNAME"
                | "favicon.svg"
        ) || url.starts_with("theme/")
            || url.starts_with("search/");
        if hidden || generated {
            diags.push(
                Diagnostic::error(
                    book,
                    *pos,
                    format!("redirect: `{old}` is a file coursebook writes or a hidden file"),
                )
                .with_help("redirect from the old address of a page"),
            );
            continue;
        }
        if course.pages.iter().any(|p| p.url == url) || site.files.contains_key(&url) {
            diags.push(Diagnostic::error(
                book,
                *pos,
                format!("redirect: `{old}` is a page of the course; a redirect would replace it"),
            ));
            continue;
        }
        let to = markdown::highlight::escape(new).replace('"', "&quot;");
        site.add(
            url,
            format!(
                "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{to}</title>\n<meta http-equiv=\"refresh\" content=\"0; URL={to}\">\n<link rel=\"canonical\" href=\"{to}\">\n</head>\n<body>\n<p><a href=\"{to}\">{to}</a></p>\n</body>\n</html>\n",
                markdown::highlight::escape(&config.language)
            ),
        );
    }
}

/// A key of `[output.html.redirect]` (a path from the site's root, usually written with a
/// leading `/`: `/a/b.html`, `a.html#old`) as its page's path in the site, if it is one, and
/// its fragment, if it has one.
pub(crate) fn redirect_key(old: &str) -> (Option<String>, Option<&str>) {
    let (page, fragment) = match old.split_once('#') {
        Some((page, fragment)) => (page, Some(fragment)),
        None => (old, None),
    };
    (additional_url(page.trim_start_matches('/')), fragment)
}

/// Whether a redirect may lead to `new`: a path of the site or an http(s) address, not a
/// `javascript:` one.
pub(crate) fn redirect_target_ok(new: &str) -> bool {
    let scheme = new.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    !scheme.is_some_and(|s| !matches!(s.as_str(), "http" | "https") && !s.contains('/'))
}

/// `theme/x.css` → itself; `./a/../b.css` → `b.css`; `None` for absolute paths and paths that
/// climb out.
pub(crate) fn additional_url(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    if path.starts_with('/') || path.starts_with('\\') || path.contains(':') {
        return None;
    }
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

pub(super) fn sitemap(base: &str, course: &Course) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut urls: Vec<&str> = course
        .pages
        .iter()
        .filter(|p| p.kind != crate::content::PageKind::NotFound)
        .map(|p| p.url.as_str())
        .collect();
    urls.sort_unstable();
    for url in urls {
        let shown = url.strip_suffix("index.html").unwrap_or(url);
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            markdown::highlight::escape(&format!("{base}{shown}"))
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// What coursebook writes at `url` itself, if anything: a theme file or the scripts' strings
/// (already in `site`), a page, the pages it makes, the search index, the files hosts read.
fn built_here(
    url: &str,
    config: &Config,
    site: &SiteFiles,
    pages: &std::collections::HashSet<&str>,
) -> Option<&'static str> {
    use crate::site::{CONTENTS_URL, GLOSSARY_URL, PRINT_URL, PROGRESS_URL};
    if site.files.contains_key(url) {
        Some("its own file")
    } else if pages.contains(url) {
        Some("a page of the course")
    } else if [
        CONTENTS_URL,
        GLOSSARY_URL,
        PRINT_URL,
        PROGRESS_URL,
        "index.html",
        "404.html",
    ]
    .contains(&url)
    {
        Some("a page it makes")
    } else if url.starts_with("search/") && config.search {
        Some("the search index")
    } else if [".nojekyll", ".coursebook", "sitemap.xml"].contains(&url)
        || (url == "CNAME" && config.cname.is_some())
    {
        Some("a file for the host")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::PageKind;

    #[test]
    fn the_sitemap_lists_pages_sorted_with_folders_for_index_pages() {
        let mut course = Course::default();
        for url in ["b.html", "index.html", "a/index.html"] {
            course.pages.push(crate::content::Page {
                kind: PageKind::Lesson,
                source: None,
                src_rel: None,
                url: url.to_string(),
                title: String::new(),
                number: None,
                front: Default::default(),
                body: "".into(),
                body_line: 0,
                origins: None,
                hash: 0,
                quiz: None,
            });
        }
        let xml = sitemap("https://x.org/c/", &course);
        let locs: Vec<&str> = xml
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<url><loc>"))
            .collect();
        assert_eq!(
            locs,
            [
                "https://x.org/c/a/</loc></url>",
                "https://x.org/c/b.html</loc></url>",
                "https://x.org/c/</loc></url>"
            ]
        );
    }
}
