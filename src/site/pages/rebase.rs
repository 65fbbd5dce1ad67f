//! Rewriting the attributes of the build's own HTML: a page's HTML carried into another page
//! (the print page) or served from anywhere (404.html). The build escapes `"` in text, so an
//! ` href="` is always an attribute; raw HTML's single-quoted and unquoted values were made
//! double-quoted when the page was rendered (`markdown/raw_links.rs`).

/// Attributes holding an address.
pub(super) const URL_ATTRS: &[&str] = &["href", "src", "poster"];

/// `html` with the value of every double-quoted attribute whose name `touched` takes written
/// by `f(name, value, out)`; the rest copied as it is, a run at a time (most attributes are a code
/// token's class: copied piece by piece they were most of the print page's rebasing).
pub(super) fn rewrite_attributes(
    html: &str,
    touched: impl Fn(&str) -> bool,
    mut f: impl FnMut(&str, &str, &mut String),
) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let bytes = html.as_bytes();
    // memchr's search: str::find's two-way searcher was most of this function's time on a
    // code-heavy page (a span's class on every token).
    let finder = memchr::memmem::Finder::new("=\"");
    // `html[..copied]` is in `out`; the search goes on from `from`, after the last value.
    let (mut copied, mut from) = (0, 0);
    while let Some(at) = finder.find(&bytes[from..]).map(|i| from + i) {
        let before = &html[from..at];
        // After the last character that cannot be in a name (which may take several bytes:
        // raw HTML can put `é="` anywhere).
        let name_start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let name = &before[name_start..];
        let is_attr = before[..name_start].ends_with([' ', '\n', '\t']);
        let value_start = at + 2;
        let Some(end) = memchr::memchr(b'"', &bytes[value_start..]) else {
            break;
        };
        let value_end = value_start + end;
        if is_attr && touched(name) {
            out.push_str(&html[copied..value_start]);
            f(name, &html[value_start..value_end], &mut out);
            copied = value_end;
        }
        from = value_end + 1;
    }
    out.push_str(&html[copied..]);
    out
}

/// Whether an attribute holds an address ([`URL_ATTRS`]).
pub(super) fn is_url_attr(name: &str) -> bool {
    URL_ATTRS.contains(&name)
}

/// Addresses that mean the same from any page: a scheme (`https:`, `mailto:`), `//host`,
/// `/path`, or nothing.
pub(super) fn is_absolute(value: &str) -> bool {
    value.is_empty()
        || value.starts_with('/')
        || value
            .find(':')
            .is_some_and(|i| !value[..i].contains(['/', '?', '#']))
}

/// A page's relative addresses made absolute under `site_url` (404.html, served at any depth).
pub(super) fn absolute(html: &str, page_url: &str, site_url: &str) -> String {
    rewrite_attributes(html, is_url_attr, |_, value, out| {
        if !is_absolute(value) && !value.starts_with('#') {
            out.push_str(site_url);
            out.push_str(&resolve(page_url, value));
        } else {
            out.push_str(value);
        }
    })
}

/// A page's HTML as written at `to` instead of `from`: its relative addresses made to lead
/// where they led (the site's root written again as mdBook writes its first chapter, from a
/// chapter in a folder: `intro/index.md`).
pub(super) fn moved(html: &str, from: &str, to: &str) -> String {
    if from.matches('/').count() == 0 && to.matches('/').count() == 0 {
        return html.to_string();
    }
    rewrite_attributes(html, is_url_attr, |_, value, out| {
        if !is_absolute(value) && !value.starts_with('#') {
            // From the root, then down to `to`'s folder; the value is already an address
            // (percent-encoded), so it is not encoded again.
            out.push_str(&"../".repeat(to.matches('/').count()));
            out.push_str(&resolve(from, value));
        } else {
            out.push_str(value);
        }
    })
}

/// `rel` (relative to the page at `page_url`) as a path from the site's root; one that climbs
/// above the root keeps its `../`.
pub(super) fn resolve(page_url: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = page_url.split('/').collect();
    parts.pop();
    let mut above = 0;
    let trailing = rel.ends_with('/') || rel.ends_with("/.") || rel.ends_with("/..");
    for segment in rel.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    above += 1;
                }
            }
            s => parts.push(s),
        }
    }
    let mut out = "../".repeat(above);
    out.push_str(&parts.join("/"));
    if trailing && !parts.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_moved_to_the_root_keeps_its_links_leading_where_they_led() {
        let html = "<a href=\"../b.html#x\">b</a><img src=\"img.png\"><a href=\"#top\">t</a><a href=\"c.html\">c</a>";
        assert_eq!(
            moved(html, "intro/index.html", "index.html"),
            "<a href=\"b.html#x\">b</a><img src=\"intro/img.png\"><a href=\"#top\">t</a><a href=\"intro/c.html\">c</a>"
        );
        assert_eq!(moved(html, "intro.html", "index.html"), html);
    }

    #[test]
    fn paths_resolve_from_the_page() {
        assert_eq!(resolve("a/b/c.html", "../d.html"), "a/d.html");
        assert_eq!(resolve("a.html", "../x/y.png"), "../x/y.png");
        assert_eq!(resolve("a/b.html", "./c/"), "a/c/");
    }

    #[test]
    fn text_before_an_equals_quote_may_be_any_character() {
        // Raw HTML passes through: `é="` is not an attribute, and must not be cut in half.
        let html = "<p>é=\"x\" ü-id=\"y\"</p><a href=\"b.html\">";
        let out = absolute(html, "a/p.html", "/s/");
        assert_eq!(out, "<p>é=\"x\" ü-id=\"y\"</p><a href=\"/s/a/b.html\">");
    }

    #[test]
    fn addresses_become_absolute_under_the_site_url() {
        assert_eq!(
            absolute(
                "<a href=\"a/b.html#c\">x</a><img src=\"img.png\"><a href=\"#top\">t</a><a href=\"https://x.org/\">o</a>",
                "404.html",
                "/academy/"
            ),
            "<a href=\"/academy/a/b.html#c\">x</a><img src=\"/academy/img.png\"><a href=\"#top\">t</a><a href=\"https://x.org/\">o</a>"
        );
    }
}
