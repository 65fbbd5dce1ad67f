//! The anchor check: every `#fragment` link against the anchors of the page it leads to, as a
//! browser finds them, with a help that offers the page's own anchors.

use super::markdown::Rendered;
use crate::diag::{Diagnostic, Diagnostics};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Every anchor of a page a link's `#fragment` lands on, as a browser finds them: each
/// element's `id` (quoted with `"` or `'`, or not quoted) and each `<a>`'s `name` (older books'
/// `<a name="legacy"></a>`), written in lower case as HTML is (and as the build writes it).
///
/// Only the tags that may hold one are read: each `id=` and `name=` is found by memchr's vector
/// search, and the tag around it (from the last `<` before it) is read whole, quotes and all,
/// once. On the 100-lesson bench course (callgrind, a 680M-instruction build) this costs 7.5M
/// instructions; reading every tag, or looking at every `=`, cost 11–12M, and looking for
/// ` id="` alone 3.3M. Each byte is searched backwards at most once, so this stays linear.
pub(super) fn collect_ids(html: &str) -> HashSet<String> {
    let bytes = html.as_bytes();
    let ids_at = memchr::memmem::find_iter(bytes, b"id=").map(|at| (at, 2));
    let names_at = memchr::memmem::find_iter(bytes, b"name=").map(|at| (at, 4));
    let places = Merged(ids_at.peekable(), names_at.peekable())
        .filter(|&(at, _)| after_space(bytes, at))
        .map(|(at, len)| at + len);
    // Comments, in order: what they hold is no markup (a translation keeps its original's
    // headings in them).
    let mut comments = Vec::new();
    let mut from = 0;
    while let Some(start) = memchr::memmem::find(&bytes[from..], b"<!--") {
        let begin = from + start;
        from = crate::markdown::comment_end(bytes, begin + 4);
        comments.push((begin, from));
    }
    let mut comments = comments.into_iter().peekable();
    let mut ids = HashSet::new();
    // Everything before `read` has been read: tags whole, text searched for a `<`, comments
    // passed over.
    let mut read = 0;
    for at in places {
        while let Some(&(start, end)) = comments.peek() {
            if start > at {
                break;
            }
            read = read.max(end);
            if end > at {
                break;
            }
            comments.next();
        }
        if at < read {
            continue;
        }
        read = match memchr::memrchr(b'<', &bytes[read..at]) {
            // In the text after the last tag read, or in the tag from that `<`.
            Some(lt) => read_tag(html, read + lt, &mut ids).max(at),
            None => at,
        };
    }
    ids
}

/// Whether an attribute's name may start at `at`: after white space, a quoted value or a `/`
/// (not `data-id=`, nor `hl-name` in a class).
fn after_space(bytes: &[u8], at: usize) -> bool {
    at.checked_sub(1)
        .and_then(|b| bytes.get(b))
        .is_some_and(|&c| c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b'/'))
}

/// Two ascending sequences as one.
struct Merged<A: Iterator, B: Iterator>(std::iter::Peekable<A>, std::iter::Peekable<B>);

impl<A, B> Iterator for Merged<A, B>
where
    A: Iterator<Item = (usize, usize)>,
    B: Iterator<Item = (usize, usize)>,
{
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        match (self.0.peek(), self.1.peek()) {
            (Some(a), Some(b)) if b.0 < a.0 => self.1.next(),
            (Some(_), _) => self.0.next(),
            (None, _) => self.1.next(),
        }
    }
}

/// Read the tag that starts at `lt` (its `<`), putting its anchors into `ids`; where it ends.
/// A comment has none.
fn read_tag(html: &str, lt: usize, ids: &mut HashSet<String>) -> usize {
    let bytes = html.as_bytes();
    let at = lt + 1;
    if bytes[at..].starts_with(b"!--") {
        return crate::markdown::comment_end(bytes, at + 3);
    }
    // A closing tag, `<!DOCTYPE>`, a `<` in a script: no anchors.
    if !bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
        return at;
    }
    let name_len = bytes[at..]
        .iter()
        .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'/' | b'>'))
        .count();
    let name = &html[at..at + name_len];
    attributes(html, at + name_len, |attr, value| {
        let anchor = attr.eq_ignore_ascii_case("id")
            || (attr.eq_ignore_ascii_case("name") && name.eq_ignore_ascii_case("a"));
        if anchor && !value.is_empty() {
            ids.insert(decode_entities(value));
        }
    })
}

/// Read a tag's attributes from `at` (after its name) to its `>` as a browser does, giving each
/// name and value to `f`; where the tag ends.
fn attributes(html: &str, mut at: usize, mut f: impl FnMut(&str, &str)) -> usize {
    let b = html.as_bytes();
    // Slices are cut only at ASCII bytes or the end, so always at a character's boundary.
    loop {
        skip(b, &mut at, |c| c.is_ascii_whitespace() || c == b'/');
        match b.get(at) {
            None => return at,
            Some(b'>') => return at + 1,
            Some(_) => {}
        }
        let start = at;
        // A name's first character may be `=` (HTML's rule), not its others.
        at += 1;
        skip(b, &mut at, |c| {
            !c.is_ascii_whitespace() && !matches!(c, b'/' | b'>' | b'=')
        });
        let name = &html[start..at];
        skip(b, &mut at, |c| c.is_ascii_whitespace());
        let mut value = "";
        if b.get(at) == Some(&b'=') {
            at += 1;
            skip(b, &mut at, |c| c.is_ascii_whitespace());
            match b.get(at) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end = memchr::memchr(quote, &b[at + 1..]).map_or(b.len(), |e| at + 1 + e);
                    value = &html[at + 1..end];
                    at = (end + 1).min(b.len());
                }
                _ => {
                    let start = at;
                    skip(b, &mut at, |c| !c.is_ascii_whitespace() && c != b'>');
                    value = &html[start..at];
                }
            }
        }
        f(name, value);
    }
}

/// Move `at` past the bytes that are `what`.
fn skip(bytes: &[u8], at: &mut usize, what: impl Fn(u8) -> bool) {
    while bytes.get(*at).is_some_and(|&c| what(c)) {
        *at += 1;
    }
}

/// An attribute's value with the entities the build and authors write for `&`, quotes and
/// angle brackets decoded.
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A fragment every page has (HTML's "indicated part of the document"): `#` alone and `#top`
/// (in any case) scroll to the top when no element has that id.
fn always_there(fragment: &str) -> bool {
    fragment.is_empty() || fragment.eq_ignore_ascii_case("top")
}

/// The anchors a page's own content offers (its Markdown's HTML, its quiz, its title's id), for
/// the help of a broken link into it: not the theme's frame (`#main`, `#toc`, `#on-this-page`,
/// whatever a course's own templates add), which is there on every page and not what a link
/// meant. Sorted, and by lowercase id, so a link written in another case is told the right one.
struct Offered {
    list: String,
    by_lowercase: HashMap<String, String>,
}

impl Offered {
    fn of(out: &crate::markdown::Output) -> Offered {
        let mut ids = collect_ids(&out.html);
        ids.extend(collect_ids(&out.appendix));
        ids.extend(out.title_id.clone());
        let mut near: Vec<String> = ids
            .into_iter()
            // Glossary tooltips and footnote references: the page's machinery, not its places.
            .filter(|id| !id.starts_with("tip-") && !id.starts_with("fnref"))
            .collect();
        near.sort_unstable();
        let mut by_lowercase = HashMap::new();
        for id in &near {
            by_lowercase
                .entry(id.to_lowercase())
                .or_insert_with(|| id.clone());
        }
        let list = if near.is_empty() {
            "that page has no anchors".to_string()
        } else {
            // Each id clipped: the help goes with every broken link, and 12 ids of 50 KB
            // headings times 1,000 `[l](#m)` (a 600 KB lesson) were 500 MB of messages and 1 GB
            // of memory.
            let list: Vec<String> = near
                .iter()
                .take(12)
                .map(|s| format!("#{}", crate::diag::clip(s, 60)))
                .collect();
            format!("anchors on that page: {}", list.join(", "))
        };
        Offered { list, by_lowercase }
    }

    /// The help for a link to `#fragment`: the anchor it matches but for case first, if any.
    fn help(&self, fragment: &str) -> String {
        match self.by_lowercase.get(&fragment.to_lowercase()) {
            Some(id) => format!(
                "did you mean `#{}`? anchors are case-sensitive; {}",
                crate::diag::clip(id, 60),
                self.list
            ),
            None => self.list.clone(),
        }
    }
}

/// Every `#anchor` link checked against the ids of the page it leads to; `ids` holds each
/// page's index in `rendered` and its ids.
pub(super) fn check_anchors(
    rendered: &[Rendered],
    ids: &HashMap<String, (usize, Arc<HashSet<String>>)>,
    diags: &mut Diagnostics,
) {
    // The anchors a page offers, listed once per page: listed (and sorted) again for every
    // broken link, 100,000 links to a page of 50,000 headings never finished.
    let mut offered: HashMap<&str, Offered> = HashMap::new();
    for out in rendered.iter().map(|r| &r.out) {
        for link in &out.links {
            let Some((page, page_ids)) = ids.get(&link.page) else {
                continue;
            };
            if page_ids.contains(&link.fragment) || always_there(&link.fragment) {
                continue;
            }
            let help = offered
                .entry(link.page.as_str())
                .or_insert_with(|| match rendered.get(*page) {
                    Some(r) => Offered::of(&r.out),
                    None => Offered::of(&crate::markdown::Output::default()),
                })
                .help(&link.fragment);
            let message = format!(
                "broken anchor: `{}` has no `#{}`",
                link.written, link.fragment
            );
            let d = if link.lenient {
                Diagnostic::warning(&link.source, link.pos, message)
            } else {
                Diagnostic::error(&link.source, link.pos, message)
            };
            diags.push(d.with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_of_a_page_is_an_anchor() {
        let ids = collect_ids(
            "<main id=\"main\"><h2 id=\"a&amp;b\">x</h2><p data-id=\"no\" id=\"p\"></p></main>",
        );
        let mut ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["a&b", "main", "p"]);
    }

    /// Anchors a browser finds that the check called broken: `name` on `<a>`, ids in single
    /// quotes or none; not what comments, text or other attributes hold.
    #[test]
    fn ids_are_read_as_a_browser_reads_them() {
        let ids = collect_ids(concat!(
            "<a name=\"legacy\"></a><a\nname=legacy-2 href='#x'>x</a><p name=\"not-a\">",
            "<h2 id='single'>s</h2><div id=unquoted>u</div><span title=\"a > b\" id=\"after-gt\">",
            "<em data-x='id=\"no\"' class=\"x\"/id=\"slashed\" data-id=\"data\" />",
            "<!-- <h2 id=\"commented\"> -->hidden width=1 id=2 <a\ttitle='x'name=\"after-quote\">",
            "<p id=\"after-comment\">é <b id=\"é\">é</b><input name=\"q\"><i id=\"x\"",
        ));
        let mut ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        assert_eq!(
            ids,
            [
                "after-comment",
                "after-gt",
                "after-quote",
                "legacy",
                "legacy-2",
                "single",
                "slashed",
                "unquoted",
                "x",
                "é"
            ]
        );
    }

    #[test]
    fn ids_are_collected_in_linear_time() {
        // Each `id=` looks back for its tag: in text, or in one tag, it must not look back to
        // the start each time.
        let started = std::time::Instant::now();
        let text = format!("<p>{}</p>", " id=x name=y".repeat(200_000));
        assert!(collect_ids(&text).is_empty());
        let tag = format!("<a{}>", " id=x name=y".repeat(200_000));
        assert!(collect_ids(&tag).contains("x"));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn an_empty_fragment_and_top_are_always_there() {
        assert!(always_there("") && always_there("top") && always_there("TOP"));
        assert!(!always_there("topics") && !always_there("main"));
    }
}
