//! The site's files that are not pages: the theme's, the wasm module, the course's own, and
//! what hosts look for (`.nojekyll`, `CNAME`, `sitemap.xml`).

use crate::config::Config;
use crate::content::Course;
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::i18n::Strings;
use crate::markdown::{self};
use crate::site::output::SiteFiles;
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
    let (files, refused) = theme.static_files();
    for (path, bytes) in files {
        site.add(format!("theme/{path}"), bytes.into_owned());
    }
    for (path, denied) in refused {
        diags.push(Diagnostic::error(
            crate::diag::rel(&config.root, &path),
            Pos::FILE,
            format!("cannot read: {denied}"),
        ));
    }
    site.add("theme/css/highlight.css", markdown::highlight::stylesheet());
    // The scripts' strings in the course's language, fetched once and cached (runtime.js).
    site.add("theme/strings.json", strings.script_json());
    site.add("theme/js/quiz_wasm.js", crate::theme::QUIZ_WASM_JS.to_vec());
    site.add(
        "theme/js/quiz_wasm_bg.wasm",
        crate::theme::QUIZ_WASM.to_vec(),
    );
    for asset in &course.assets {
        site.copy(asset.url.clone(), asset.source.clone());
    }
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

pub(super) fn sitemap(base: &str, course: &Course) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut urls: Vec<&str> = course.pages.iter().map(|p| p.url.as_str()).collect();
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
